/* main.c - the tradewar program.
 *
 * Reads like a script of phases: parse the command line, load and validate the
 * scenario, check the output directory, run (timed), write the outputs atomically,
 * report, exit. Only this file prints errors and chooses exit codes (tw_exit_code:
 * 0 success, 2 bad usage or input, 1 runtime failure).
 */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <errno.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <time.h>

#include "cli.h"
#include "tw_build_info.h"
#include "tw_config.h"
#include "tw_output.h"
#include "tw_runner.h"
#include "tw_trade.h"

typedef struct {
    tw_cfg *cfg;
    const tw_model *model;
    void *params;
    tw_run_spec spec;
    char name[256];
} tw__scenario;

static double tw__now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The scenario's name: its `name` key, else the file name without directory and .yaml. */
static tw_status tw__name(const tw_cfg_node *root, const char *path, char *buf, size_t n,
                          tw_err *err) {
    const char *name = NULL, *desc = NULL;
    tw_status st = tw_cfg_string(root, "name", false, NULL, &name, err);
    if (st == TW_OK) st = tw_cfg_string(root, "description", false, "", &desc, err);
    if (st != TW_OK) return st;
    if (name == NULL) {
        const char *base = strrchr(path, '/');
        base = base ? base + 1 : path;
        size_t len = strlen(base);
        if (len > 5 && strcmp(base + len - 5, ".yaml") == 0) len -= 5;
        else if (len > 4 && strcmp(base + len - 4, ".yml") == 0) len -= 4;
        snprintf(buf, n, "%.*s", (int)len, base);
    } else {
        snprintf(buf, n, "%s", name);
    }
    /* The name becomes a directory name and a quoted string in provenance.yaml: keep it
     * to characters that are safe in both, whatever the scenario wrote. */
    for (char *c = buf; *c; c++)
        if (!isalnum((unsigned char)*c) && *c != '.' && *c != '_' && *c != '-' && *c != '+')
            *c = '_';
    if (buf[0] == '\0' || strcmp(buf, ".") == 0 || strcmp(buf, "..") == 0)
        return tw_cfg_error(err, tw_cfg_get(root, "name"), "expected a usable scenario name");
    return TW_OK;
}

static void tw__scenario_free(tw__scenario *sc) {
    if (sc->model != NULL && sc->params != NULL) sc->model->free_params(sc->params);
    tw_cfg_free(sc->cfg);
    memset(sc, 0, sizeof *sc);
}

/* Load, override, validate: everything that can be refused before any work. */
static tw_status tw__load(const tw_cli_args *a, tw__scenario *sc, tw_err *err) {
    memset(sc, 0, sizeof *sc);
    tw_status st = tw_cfg_load(a->scenario, &sc->cfg, err);
    for (int i = 0; i < a->n_sets && st == TW_OK; i++) st = tw_cfg_set(sc->cfg, a->sets[i], err);
    if (st != TW_OK) return st;
    const tw_cfg_node *root = tw_cfg_root(sc->cfg);
    if ((st = tw__name(root, a->scenario, sc->name, sizeof sc->name, err)) != TW_OK) return st;
    if ((st = tw_run_spec_load(root, &sc->spec, err)) != TW_OK) return st;
    sc->model = &tw_trade_model;
    if ((st = sc->model->load(root, &sc->params, err)) != TW_OK) return st;
    if ((st = tw_cfg_check_unused(sc->cfg, err)) != TW_OK) return st;
    if (a->has_replicates) sc->spec.replicates = a->replicates;
    if (a->has_seed) sc->spec.seed = (uint32_t)a->seed;
    return TW_OK;
}

/* s as a double-quoted YAML scalar: backslash, quote and control bytes escaped, so that a
 * file name holding any of them still gives a provenance.yaml that loads. */
static void tw__yaml_quoted(FILE *fp, const char *s) {
    fputc('"', fp);
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c == '"' || *c == '\\')
            fprintf(fp, "\\%c", *c);
        else if (*c < 0x20 || *c == 0x7f)
            fprintf(fp, "\\x%02x", *c);
        else
            fputc(*c, fp);
    }
    fputc('"', fp);
}

static tw_status tw__write_provenance(const char *path, const tw__scenario *sc,
                                      const tw_cli_args *a, const tw_results *res,
                                      uint64_t scenario_hash, uint64_t result_hash, tw_err *err) {
    tw_afile *f;
    tw_status st = tw_afile_open(path, &f, err);
    if (st != TW_OK) return st;
    FILE *fp = tw_afile_fp(f);
    char d0[TW_DATE_STRLEN], d1[TW_DATE_STRLEN];
    fprintf(fp,
            "# What produced this directory. summary.csv and replicates.csv are identical for\n"
            "# any thread count; result_hash is FNV-1a 64 over those two files.\n"
            "program: tradewar\nversion: \"%s\"\ngit_revision: \"%s\"\ncompiler: \"%s\"\n"
            "build_type: \"%s\"\ncflags: \"%s\"\nmodel: %s\nscenario_file: ",
            TW_VERSION, TW_GIT_REVISION, TW_COMPILER, TW_BUILD_TYPE, TW_CFLAGS, sc->model->name);
    tw__yaml_quoted(fp, a->scenario);
    fprintf(fp,
            "\nscenario_name: \"%s\"\nscenario_hash: \"%016llx\"\nstart: %s\nend: %s\n"
            "seed: %lu\nreplicates: %zu\nthreads: %d\nparallelism: %s\nranks: 1\n"
            "result_hash: \"%016llx\"\n",
            sc->name, (unsigned long long)scenario_hash,
            tw_date_format(sc->spec.start, d0), tw_date_format(sc->spec.end, d1),
            (unsigned long)sc->spec.seed, res->n_rep, res->threads,
            res->mode == TW_PAR_AGENTS ? "agents" : "replicates", (unsigned long long)result_hash);
    return tw_afile_commit(f, err);
}

static tw_status tw__write_scenario(const char *path, const tw_cfg *cfg, tw_err *err) {
    tw_afile *f;
    tw_status st = tw_afile_open(path, &f, err);
    if (st != TW_OK) return st;
    FILE *fp = tw_afile_fp(f);
    fprintf(fp, "# The scenario as run: after extends and --set overrides.\n");
    if (tw_cfg_emit(cfg, fp) != 0) {
        tw_afile_abort(f);
        return tw_err_set(err, TW_EIO, "%s: write failed", path);
    }
    return tw_afile_commit(f, err);
}

static tw_status tw__write_outputs(const char *dir, const tw_cli_args *a, const tw__scenario *sc,
                                   const tw_results *res, uint64_t *result_hash, tw_err *err) {
    tw_outdir *od;
    tw_status st = tw_outdir_begin(dir, a->force, &od, err);
    if (st != TW_OK) return st;
    uint64_t h = TW_FNV_OFFSET;
    char summary[8192], reps[8192];
    snprintf(summary, sizeof summary, "%s", tw_outdir_path(od, "summary.csv"));
    snprintf(reps, sizeof reps, "%s", tw_outdir_path(od, "replicates.csv"));
    if (st == TW_OK) st = tw_write_summary(summary, res, sc->model, sc->params, err);
    if (st == TW_OK) st = tw_write_replicates(reps, res, sc->model, sc->params, sc->spec.seed, err);
    if (st == TW_OK) st = tw_hash_file(summary, &h, err);
    if (st == TW_OK) st = tw_hash_file(reps, &h, err);
    if (st == TW_OK) st = tw__write_scenario(tw_outdir_path(od, "scenario.yaml"), sc->cfg, err);
    if (st == TW_OK)
        st = tw__write_provenance(tw_outdir_path(od, "provenance.yaml"), sc, a, res,
                                  tw_cfg_hash(sc->cfg), h, err);
    if (st != TW_OK) {
        tw_outdir_abort(od);
        return st;
    }
    *result_hash = h;
    return tw_outdir_commit(od, err);
}

/* --report: hand the finished directory to analysis/report.py. The outputs are complete
 * and stay whatever the report does; a failing report is a runtime failure (exit 1). */
static tw_status tw__report(const char *dir, tw_err *err) {
    const char *py = getenv("TW_PYTHON");
    if (py == NULL || py[0] == '\0') py = "/usr/bin/python3";
    pid_t pid = fork();
    if (pid < 0) return tw_err_set(err, TW_ERUNTIME, "--report: cannot start %s: %s", py, strerror(errno));
    if (pid == 0) {
        execl(py, py, TW_SOURCE_DIR "/analysis/report.py", dir, (char *)NULL);
        fprintf(stderr, "tradewar: --report: cannot run %s: %s\n", py, strerror(errno));
        _exit(127);
    }
    int status;
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return tw_err_set(err, TW_ERUNTIME,
                          "--report: analysis/report.py failed for %s (the run's outputs are complete)",
                          dir);
    return TW_OK;
}

static tw_status tw__run(const tw_cli_args *a, tw_err *err) {
    tw__scenario sc;
    tw_status st = tw__load(a, &sc, err);
    if (st != TW_OK) {
        tw__scenario_free(&sc);
        return st;
    }
    char dir[4096];
    if (a->outdir != NULL) {
        snprintf(dir, sizeof dir, "%s", a->outdir);
    } else {
        snprintf(dir, sizeof dir, "out/%s", sc.name);
        if (mkdir("out", 0777) != 0 && errno != EEXIST) {
            tw__scenario_free(&sc);
            return tw_err_set(err, TW_EIO, "out: cannot create: %s", strerror(errno));
        }
    }
    if ((st = tw_outdir_check(dir, a->force, err)) != TW_OK) {
        tw__scenario_free(&sc);
        return st;
    }
    int threads = a->has_threads ? a->threads : omp_get_max_threads();
    if (threads > tw_cli_max_threads()) threads = tw_cli_max_threads();
    if ((st = tw_run_check_memory(sc.model, sc.params, &sc.spec, threads, a->par, err)) != TW_OK) {
        tw__scenario_free(&sc);
        return st;
    }
    if (!a->quiet) {
        char d0[TW_DATE_STRLEN], d1[TW_DATE_STRLEN];
        fprintf(stderr, "tradewar: %s, %s to %s, %lld replicates, seed %lu, %d threads\n", sc.name,
                tw_date_format(sc.spec.start, d0), tw_date_format(sc.spec.end, d1),
                (long long)sc.spec.replicates, (unsigned long)sc.spec.seed, threads);
    }
    double t0 = tw__now();
    tw_results *res = NULL;
    st = tw_run(sc.model, sc.params, &sc.spec, threads, a->par, &res, err);
    double t1 = tw__now();
    uint64_t h = 0;
    if (st == TW_OK) st = tw__write_outputs(dir, a, &sc, res, &h, err);
    double t2 = tw__now();
    if (st == TW_OK && !a->quiet) {
        tw_cli_report(stdout, res, sc.model, sc.params);
        printf("\nrun %.2f s (%s-level parallelism, %d threads), output %.2f s; "
               "result hash %016llx\nwritten: %s/{summary.csv,replicates.csv,scenario.yaml,"
               "provenance.yaml}\n",
               t1 - t0, res->mode == TW_PAR_AGENTS ? "agent" : "replicate", res->threads, t2 - t1,
               (unsigned long long)h, dir);
    }
    tw_results_free(res);
    tw__scenario_free(&sc);
    if (st == TW_OK && a->report) {
        fflush(stdout);
        st = tw__report(dir, err);
    }
    return st;
}

static tw_status tw__validate(const tw_cli_args *a, tw_err *err) {
    tw__scenario sc;
    tw_status st = tw__load(a, &sc, err);
    if (st == TW_OK) {
        char d0[TW_DATE_STRLEN], d1[TW_DATE_STRLEN];
        printf("%s: ok (%s, %s to %s, %lld replicates)\n", a->scenario, sc.name,
               tw_date_format(sc.spec.start, d0), tw_date_format(sc.spec.end, d1),
               (long long)sc.spec.replicates);
    }
    tw__scenario_free(&sc);
    return st;
}

int main(int argc, char **argv) {
    tw_cli_args args;
    tw_err err;
    tw_err_clear(&err);
    tw_status st = tw_cli_parse(argc, argv, &args, &err);
    if (st == TW_OK) {
        switch (args.cmd) {
        case TW_CMD_HELP: tw_cli_print_help(stdout); break;
        case TW_CMD_VERSION: tw_cli_print_version(stdout); break;
        case TW_CMD_RUN: st = tw__run(&args, &err); break;
        case TW_CMD_VALIDATE: st = tw__validate(&args, &err); break;
        case TW_CMD_NONE: break;
        }
    }
    /* A summary table that could not be written (a full disk, a closed pipe) is a failure
     * too, not a silent exit 0; the output files, written and renamed before, stay. */
    if (st == TW_OK && (fflush(stdout) != 0 || ferror(stdout)))
        st = tw_err_set(&err, TW_EIO, "standard output: write failed: %s", strerror(errno));
    if (st != TW_OK) {
        fprintf(stderr, "tradewar: %s\n", err.msg[0] ? err.msg : tw_strerror(st));
        return tw_exit_code(st);
    }
    return 0;
}
