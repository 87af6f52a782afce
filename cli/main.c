/* main.c - the tradewar program.
 *
 * Reads like a script of phases: parse the command line, load and validate the
 * scenario, check the output directory, run (timed), write the outputs atomically,
 * report, exit. Only this file prints errors and chooses exit codes (tw_exit_code:
 * 0 success, 2 bad usage or input, 1 runtime failure). Under MPI every rank runs these
 * phases together and only rank 0 prints and writes. The batch loop, --selfcheck and
 * sweeps live in cli_batch.c, `compare` in cli_compare.c.
 */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <omp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <time.h>

#include "cli.h"
#include "cli_score.h"
#include "tw_build_info.h"
#include "tw_config.h"
#include "tw_file.h"
#include "tw_output.h"
#include "tw_mpi.h"
#include "tw_runner.h"
#include "tw_trade.h"

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

void tw_cli_scenario_free(tw_cli_scenario *sc) {
    if (sc->model != NULL && sc->params != NULL) sc->model->free_params(sc->params);
    tw_sweep_free(sc->sweep);
    tw_cfg_free(sc->cfg);
    memset(sc, 0, sizeof *sc);
}

/* Load, override, validate: everything that can be refused before any work. */
static tw_status tw__load(const tw_cli_args *a, const char *path, tw_cli_scenario *sc,
                          tw_err *err) {
    memset(sc, 0, sizeof *sc);
    tw_status st = tw_cfg_load(path, &sc->cfg, err);
    for (int i = 0; i < a->n_sets && st == TW_OK; i++) st = tw_cfg_set(sc->cfg, a->sets[i], err);
    if (st != TW_OK) return st;
    const tw_cfg_node *root = tw_cfg_root(sc->cfg);
    if ((st = tw__name(root, path, sc->name, sizeof sc->name, err)) != TW_OK) return st;
    if ((st = tw_run_spec_load(root, &sc->spec, err)) != TW_OK) return st;
    if ((st = tw_sweep_load(root, sc->spec.seed, &sc->sweep, err)) != TW_OK) return st;
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

static tw_status tw__write_provenance(const char *path, const tw_cli_scenario *sc,
                                      const tw_cli_args *a, size_t n_rep, int threads,
                                      tw_par_mode mode, uint64_t scenario_hash,
                                      uint64_t result_hash, tw_err *err) {
    tw_afile *f;
    tw_status st = tw_afile_open(path, &f, err);
    if (st != TW_OK) return st;
    FILE *fp = tw_afile_fp(f);
    char d0[TW_DATE_STRLEN], d1[TW_DATE_STRLEN];
    fprintf(fp,
            "# What produced this directory. summary.csv, replicates.csv and events.csv are\n"
            "# identical for any thread and rank count; result_hash is FNV-1a 64 over those\n"
            "# three files. threads and ranks are those of the run that finished the batch.\n"
            "program: tradewar\nversion: \"%s\"\ngit_revision: \"%s\"\ncompiler: \"%s\"\n"
            "build_type: \"%s\"\ncflags: \"%s\"\nmodel: %s\nscenario_file: ",
            TW_VERSION, TW_GIT_REVISION, TW_COMPILER, TW_BUILD_TYPE, TW_CFLAGS, sc->model->name);
    tw__yaml_quoted(fp, a->scenario);
    fprintf(fp,
            "\nscenario_name: \"%s\"\nscenario_hash: \"%016llx\"\nstart: %s\nend: %s\n"
            "seed: %lu\nreplicates: %zu\nthreads: %d\nparallelism: %s\nranks: %d\n"
            "result_hash: \"%016llx\"\n",
            sc->name, (unsigned long long)scenario_hash,
            tw_date_format(sc->spec.start, d0), tw_date_format(sc->spec.end, d1),
            (unsigned long)sc->spec.seed, n_rep, threads,
            mode == TW_PAR_AGENTS ? "agents" : "replicates", tw_mpi_size(),
            (unsigned long long)result_hash);
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

/* SIGINT and SIGTERM ask a batch to stop after the chunk in progress. */
volatile sig_atomic_t tw_cli_stop_signal = 0;
static void tw__on_signal(int sig) { tw_cli_stop_signal = sig; }

/* --until OUTCOME:HALFWIDTH against the model's outcome names. */
static tw_status tw__parse_until(const tw_cli_args *a, const tw_cli_scenario *sc, long *k,
                                 double *hw, tw_err *err) {
    *k = -1;
    *hw = 0.0;
    if (a->until == NULL) return TW_OK;
    const char *colon = strrchr(a->until, ':');
    size_t len = (size_t)(colon - a->until);
    size_t n = sc->model->n_outcomes(sc->params);
    for (size_t i = 0; i < n; i++) {
        const char *name = sc->model->outcome_name(sc->params, i);
        if (strlen(name) == len && strncmp(name, a->until, len) == 0) *k = (long)i;
    }
    if (*k < 0)
        return tw_err_set(err, TW_EUSAGE, "--until: unknown outcome '%.*s' (see replicates.csv's "
                                          "columns)", (int)len, a->until);
    char *end;
    errno = 0;
    *hw = strtod(colon + 1, &end);
    if (colon[1] == '\0' || *end != '\0' || errno != 0 || !(*hw > 0.0) || isinf(*hw))
        return tw_err_set(err, TW_EUSAGE, "--until: expected a half-width above 0 after ':' (got '%s')",
                          colon + 1);
    return TW_OK;
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

/* The command file an interrupted run leaves in DIR.partial: the working directory, then
 * the arguments after "run", each NUL-terminated. --resume reads it back. */
static tw_status tw__write_command(const char *path, int argc, char **argv, tw_err *err) {
    tw_afile *f;
    tw_status st = tw_afile_open(path, &f, err);
    if (st != TW_OK) return st;
    FILE *fp = tw_afile_fp(f);
    char cwd[4096];
    if (getcwd(cwd, sizeof cwd) == NULL) snprintf(cwd, sizeof cwd, ".");
    fwrite(cwd, 1, strlen(cwd) + 1, fp);
    for (int i = 2; i < argc; i++) fwrite(argv[i], 1, strlen(argv[i]) + 1, fp);
    return tw_afile_commit(f, err);
}

/* A batch's command file holds its working directory and arguments: far less than this. */
#define TW__COMMAND_MAX_BYTES ((size_t)1 << 20)

/* --resume DIR: rebuild the interrupted run's arguments from DIR.partial/command. The
 * strings live in *buf (the caller frees it and *argv_out). */
static tw_status tw__resume_args(const tw_cli_args *now, tw_cli_args *a, char **buf,
                                 char ***argv_out, tw_err *err) {
    char path[8192];
    size_t dl = strlen(now->resume);
    while (dl > 1 && now->resume[dl - 1] == '/') dl--;
    snprintf(path, sizeof path, "%.*s.partial/command", (int)dl, now->resume);
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        snprintf(path, sizeof path, "%.*s", (int)dl, now->resume);
        struct stat sb;
        if (stat(path, &sb) == 0)
            return tw_err_set(err, TW_EUSAGE, "--resume %s: the run is already complete",
                              now->resume);
        return tw_err_set(err, TW_EUSAGE,
                          "--resume %s: no interrupted run here (%s.partial/command is missing)",
                          now->resume, path);
    }
    char *b;
    size_t len;
    tw_read_status rs = tw_read_all(fp, TW__COMMAND_MAX_BYTES, &b, &len);
    fclose(fp);
    if (rs == TW_READ_NOMEM) return tw_err_set(err, TW_ENOMEM, "out of memory");
    if (rs != TW_READ_OK)
        return tw_err_set(err, TW_EUSAGE, "%s: cannot read a tradewar command file", path);
    int n = 0;
    for (size_t i = 0; i < len; i++) n += b[i] == '\0';
    char **argv = calloc((size_t)n + 3, sizeof *argv);
    if (argv == NULL || n < 1 || b[len - 1] != '\0') {
        free(b);
        free(argv);
        return tw_err_set(err, TW_EUSAGE, "%s: not a tradewar command file", path);
    }
    const char *cwd = b;
    int argc = 0;
    argv[argc++] = "tradewar";
    argv[argc++] = "run";
    for (size_t i = strlen(b) + 1; i < len; i += strlen(b + i) + 1) argv[argc++] = b + i;
    tw_status st = tw_cli_parse(argc, argv, a, err);
    if (st != TW_OK) {
        free(b);
        free(argv);
        return st;
    }
    /* A relative scenario path is relative to where the batch was started. */
    static char scen[8192];
    if (a->scenario[0] != '/') {
        snprintf(scen, sizeof scen, "%s/%s", cwd, a->scenario);
        a->scenario = scen;
    }
    a->outdir = now->resume;
    a->resume = now->resume;
    a->force = false;
    a->quiet = now->quiet;
    a->report = now->report;
    if (now->has_threads) {
        a->threads = now->threads;
        a->has_threads = true;
    }
    if (now->has_checkpoint) {
        a->checkpoint_every = now->checkpoint_every;
        a->has_checkpoint = true;
    }
    *buf = b;
    *argv_out = argv;
    return TW_OK;
}

int tw_cli_threads(const tw_cli_args *a) {
    int threads = a->has_threads ? a->threads : omp_get_max_threads();
    if (threads > tw_cli_max_threads()) threads = tw_cli_max_threads();
    return threads;
}

tw_status tw_cli_load(const tw_cli_args *a, const char *path, tw_cli_scenario *sc, tw_err *err) {
    tw_status st = tw_mpi_agree(tw__load(a, path, sc, err), err);
    if (st != TW_OK) tw_cli_scenario_free(sc);
    return st;
}

static tw_status tw__run(const tw_cli_args *a, int argc, char **argv, tw_err *err) {
    tw_cli_scenario sc;
    bool rank0 = tw_mpi_rank() == 0;
    tw_status st = tw_cli_load(a, a->scenario, &sc, err);
    if (st != TW_OK) return st;
    long until_k;
    double until_hw;
    if ((st = tw__parse_until(a, &sc, &until_k, &until_hw, err)) != TW_OK) {
        tw_cli_scenario_free(&sc);
        return st;
    }
    if (sc.sweep != NULL && (a->until != NULL || a->resume != NULL)) {
        tw_cli_scenario_free(&sc);
        return tw_err_set(err, TW_EUSAGE, "a scenario with a sweep: section takes neither --until "
                                          "nor --resume");
    }
    int threads = tw_cli_threads(a);
    if ((st = tw_run_check_memory(sc.model, sc.params, &sc.spec, threads, a->par, err)) != TW_OK) {
        tw_cli_scenario_free(&sc);
        return st;
    }
    char dir[4096];
    if (a->outdir != NULL) {
        snprintf(dir, sizeof dir, "%s", a->outdir);
    } else {
        snprintf(dir, sizeof dir, "out/%s", sc.name);
        if (rank0 && mkdir("out", 0777) != 0 && errno != EEXIST)
            st = tw_err_set(err, TW_EIO, "out: cannot create: %s", strerror(errno));
    }
    tw_outdir *od = NULL;
    if (rank0 && st == TW_OK) {
        if (a->resume != NULL) {
            st = tw_outdir_resume(dir, &od, err);
        } else {
            st = tw_outdir_check(dir, a->force, err);
            if (st == TW_OK) st = tw_outdir_begin(dir, a->force, &od, err);
            if (st == TW_OK) st = tw__write_command(tw_outdir_path(od, "command"), argc, argv, err);
            if (st == TW_OK)
                st = tw__write_scenario(tw_outdir_path(od, "scenario.yaml"), sc.cfg, err);
        }
    }
    if ((st = tw_mpi_agree(st, err)) != TW_OK) {
        if (a->resume == NULL)
            tw_outdir_abort(od);
        else
            tw_outdir_keep(od);
        tw_cli_scenario_free(&sc);
        return st;
    }
    if (!a->quiet && rank0) {
        char d0[TW_DATE_STRLEN], d1[TW_DATE_STRLEN];
        fprintf(stderr,
                "tradewar: %s, %s to %s, %lld replicates, seed %lu, %d threads x %d ranks%s\n",
                sc.name, tw_date_format(sc.spec.start, d0), tw_date_format(sc.spec.end, d1),
                (long long)sc.spec.replicates, (unsigned long)sc.spec.seed, threads,
                tw_mpi_size(), a->resume ? " (resumed)" : "");
    }
    if (sc.sweep != NULL) {
        double ts = tw_cli_now();
        st = tw_cli_sweep(a, &sc, od, threads, err);
        if (rank0 && st == TW_OK) {
            uint64_t hs = TW_FNV_OFFSET;
            st = tw_hash_file(tw_outdir_path(od, "sweep_outcomes.csv"), &hs, err);
            if (st == TW_OK)
                st = tw__write_provenance(tw_outdir_path(od, "provenance.yaml"), &sc, a,
                                          (size_t)sc.spec.replicates, threads, a->par,
                                          tw_cfg_hash(sc.cfg), hs, err);
            if (st == TW_OK && unlink(tw_outdir_path(od, "command")) != 0)
                st = tw_err_set(err, TW_EIO, "command file: cannot remove: %s", strerror(errno));
            if (st == TW_OK) st = tw_outdir_commit(od, err);
            else tw_outdir_abort(od);
            if (st == TW_OK && !a->quiet)
                printf("sweep: %zu points x %lld replicates in %.2f s\nwritten: %s/{sweep_points.csv,"
                       "sweep_outcomes.csv,sensitivity.csv,points/<k>/}\n",
                       sc.sweep->n_points, (long long)sc.spec.replicates, tw_cli_now() - ts, dir);
        } else if (rank0) {
            tw_outdir_abort(od);
        }
        tw_cli_scenario_free(&sc);
        return tw_mpi_agree(st, err);
    }
    char staging[8192] = "";
    if (rank0) snprintf(staging, sizeof staging, "%s", tw_outdir_staging(od));
    tw_cli_batch_plan pl = {staging, threads, a->par, tw_mpi_size(), a->resume != NULL,
                         !a->quiet && isatty(STDERR_FILENO), a->trajectories,
                         a->has_checkpoint ? a->checkpoint_every : 10, until_k, until_hw};
    tw_par_mode mode = TW_PAR_REPLICATES;
    double secs = 0.0;
    tw_batch *b = NULL;
    size_t ran = 0;
    st = tw_cli_batch(&sc, &pl, &mode, a, &secs, &ran, &b, err);
    if (st != TW_OK) {
        /* A stopped batch keeps DIR.partial for --resume; a failed one leaves nothing. */
        if (tw_cli_stop_signal != 0)
            tw_outdir_keep(od);
        else
            tw_outdir_abort(od);
        tw_cli_scenario_free(&sc);
        return st;
    }
    double t1 = tw_cli_now();
    uint64_t h = 0;
    if (rank0) {
        st = tw_cli_result_hash(staging, &h, err);
        if (st == TW_OK)
            st = tw__write_provenance(tw_outdir_path(od, "provenance.yaml"), &sc, a,
                                      tw_batch_total(b), threads, mode, tw_cfg_hash(sc.cfg), h,
                                      err);
        if (st == TW_OK && unlink(tw_outdir_path(od, "command")) != 0)
            st = tw_err_set(err, TW_EIO, "command file: cannot remove: %s", strerror(errno));
        if (st == TW_OK)
            st = tw_outdir_commit(od, err);
        else
            tw_outdir_abort(od);
    }
    st = tw_mpi_agree(st, err);
    double t2 = tw_cli_now();
    if (st == TW_OK && !a->quiet && rank0) {
        tw_cli_report(stdout, tw_batch_get_stats(b), tw_batch_total(b), sc.model, sc.params);
        printf("\nrun %.2f s for %zu replicates (%s-level parallelism, %d threads x %d ranks, "
               "%.1f replicates/s), "
               "output %.2f s; result hash %016llx\nwritten: %s/{summary.csv,replicates.csv,"
               "outcomes.csv,events.csv,scenario.yaml,provenance.yaml%s}\n",
               secs, ran, mode == TW_PAR_AGENTS ? "agent" : "replicate", threads, tw_mpi_size(),
               secs > 0 ? (double)ran / secs : 0.0, t2 - t1, (unsigned long long)h,
               dir, a->trajectories ? ",trajectories.csv" : "");
    }
    tw_batch_free(b);
    tw_cli_scenario_free(&sc);
    if (st == TW_OK && a->report && rank0) {
        fflush(stdout);
        st = tw__report(dir, err);
    }
    return tw_mpi_agree(st, err);
}

static tw_status tw__validate(const tw_cli_args *a, tw_err *err) {
    tw_cli_scenario sc;
    tw_status st = tw__load(a, a->scenario, &sc, err);
    if (st == TW_OK) {
        char d0[TW_DATE_STRLEN], d1[TW_DATE_STRLEN];
        printf("%s: ok (%s, %s to %s, %lld replicates)\n", a->scenario, sc.name,
               tw_date_format(sc.spec.start, d0), tw_date_format(sc.spec.end, d1),
               (long long)sc.spec.replicates);
    }
    tw_cli_scenario_free(&sc);
    return st;
}

int main(int argc, char **argv) {
    tw_cli_args args, resumed;
    tw_err err;
    tw_err_clear(&err);
    tw_status st = tw_mpi_init(&argc, &argv, &err);
    char *rbuf = NULL, **rargv = NULL;
    if (st == TW_OK) st = tw_cli_parse(argc, argv, &args, &err);
    const tw_cli_args *a = &args;
    if (st == TW_OK && args.cmd == TW_CMD_RUN && args.resume != NULL) {
        st = tw__resume_args(&args, &resumed, &rbuf, &rargv, &err);
        a = &resumed;
    }
    if (st == TW_OK) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = tw__on_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        switch (a->cmd) {
        case TW_CMD_HELP:
            if (tw_mpi_rank() == 0) {
                tw_cli_print_help(stdout);
                fputc('\n', stdout);
                tw_cli_score_help(stdout);
            }
            break;
        case TW_CMD_VERSION:
            if (tw_mpi_rank() == 0) tw_cli_print_version(stdout);
            break;
        case TW_CMD_RUN:
            if (a->selfcheck)
                st = tw_cli_selfcheck(a, &err);
            else if (a->resume != NULL)
                st = tw__run(a, 0, NULL, &err);
            else
                st = tw__run(a, argc, argv, &err);
            break;
        case TW_CMD_VALIDATE: st = tw__validate(a, &err); break;
        case TW_CMD_COMPARE: st = tw_cli_compare(a, &err); break;
        case TW_CMD_SCORE: st = tw_cli_score(argc, argv, &err); break;
        case TW_CMD_NONE: break;
        }
    }
    free(rbuf);
    free(rargv);
    /* A summary table that could not be written (a full disk, a closed pipe) is a failure
     * too, not a silent exit 0; the output files, written and renamed before, stay. */
    if (st == TW_OK && (fflush(stdout) != 0 || ferror(stdout)))
        st = tw_err_set(&err, TW_EIO, "standard output: write failed: %s", strerror(errno));
    fflush(stdout);
    bool rank0 = tw_mpi_rank() == 0;
    tw_status fst = tw_mpi_finalize(st == TW_OK ? &err : NULL);
    if (st == TW_OK) st = fst;
    if (st != TW_OK && rank0)
        fprintf(stderr, "tradewar: %s\n", err.msg[0] ? err.msg : tw_strerror(st));
    return st != TW_OK ? tw_exit_code(st) : 0;
}
