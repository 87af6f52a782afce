/* cli_provenance.c - provenance.yaml and scenario.yaml.
 *
 * An output directory says what produced it: the program and build, the scenario as run
 * and its hash, the seed and counts, and a hash of the result files that is the same for
 * any thread or rank count, so two directories can be compared without reading the CSVs.
 */
#define _POSIX_C_SOURCE 200809L
#include "cli_provenance.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tw_batch.h"
#include "tw_build_info.h"
#include "tw_calendar.h"
#include "tw_mpi.h"
#include "tw_file.h"
#include "tw_output.h"

/* s as a double-quoted YAML scalar: backslash, quote and control bytes escaped, so that a
 * file name holding any of them still gives a provenance.yaml that loads. */
static void yaml_quoted(FILE *fp, const char *s) {
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

/* The program, its build and the model, then the command line as given (a YAML list of
 * quoted arguments) and the directory it was given in. */
static void head(FILE *fp, const char *model, const tw_cli_args *a) {
    fprintf(fp,
            "program: tradewar\nversion: \"%s\"\ngit_revision: \"%s\"\ncompiler: \"%s\"\n"
            "build_type: \"%s\"\ncflags: \"%s\"\nmodel: %s\ncommand: [",
            TW_VERSION, TW_GIT_REVISION, TW_COMPILER, TW_BUILD_TYPE, TW_CFLAGS, model);
    for (int i = 0; i < a->argc; i++) {
        if (i > 0) fputs(", ", fp);
        yaml_quoted(fp, a->argv[i]);
    }
    char cwd[4096];
    if (getcwd(cwd, sizeof cwd) == NULL) snprintf(cwd, sizeof cwd, ".");
    fputs("]\nworking_directory: ", fp);
    yaml_quoted(fp, cwd);
    fputc('\n', fp);
}

/* The run's replicates, threads, ranks, hash, and the --until rule with its budget. */
static void tail(FILE *fp, const tw_cli_args *a, const tw_cli_result *r, int64_t budget) {
    fprintf(fp, "replicates: %zu\nthreads: %d\nparallelism: %s\nranks: %d\n"
                "result_hash: \"%016llx\"\n",
            r->replicates, r->threads, r->mode == TW_PAR_AGENTS ? "agents" : "replicates",
            tw_mpi_size(), (unsigned long long)r->result_hash);
    if (a->until == NULL) {
        fputs("until: null\n", fp);
        return;
    }
    const char *colon = strrchr(a->until, ':');
    fputs("until:\n  rule: ", fp);
    yaml_quoted(fp, a->until);
    fprintf(fp, "\n  outcome: %.*s\n  halfwidth: %s\n  budget: %lld\n  first_check: %d\n"
                "  step: %d\n  stopped_by: %s\n",
            (int)(colon - a->until), a->until, colon + 1, (long long)budget, 2 * TW_UNTIL_STEP,
            TW_UNTIL_STEP, (int64_t)r->replicates < budget ? "halfwidth" : "budget");
}

tw_status tw_cli_write_provenance(const char *path, const tw_cli_scenario *sc,
                                  const tw_cli_args *a, const tw_cli_result *r, tw_err *err) {
    tw_afile *f;
    tw_status st = tw_afile_open(path, &f, err);
    if (st != TW_OK) return st;
    FILE *fp = tw_afile_fp(f);
    char d0[TW_DATE_STRLEN], d1[TW_DATE_STRLEN];
    fputs("# What produced this directory. summary.csv, replicates.csv and events.csv are\n"
          "# identical for any thread and rank count; result_hash is FNV-1a 64 over those\n"
          "# three files. threads and ranks are those of the run that finished the batch;\n"
          "# command is the command line that started it, in working_directory.\n", fp);
    head(fp, sc->model->name, a);
    fputs("scenario_file: ", fp);
    yaml_quoted(fp, a->scenario);
    fprintf(fp, "\nscenario_name: \"%s\"\nscenario_hash: \"%016llx\"\nstart: %s\nend: %s\n"
                "seed: %lu\n",
            sc->name, (unsigned long long)tw_cfg_hash(sc->cfg), tw_date_format(sc->spec.start, d0),
            tw_date_format(sc->spec.end, d1), (unsigned long)sc->spec.seed);
    tail(fp, a, r, sc->spec.replicates);
    return tw_afile_commit(f, err);
}

tw_status tw_cli_write_hindcast_provenance(const char *path, const char *model,
                                           const tw_cli_args *a, const char *base,
                                           const char *decisions, const tw_cli_result *r,
                                           uint32_t seed, tw_err *err) {
    tw_afile *f;
    tw_status st = tw_afile_open(path, &f, err);
    if (st != TW_OK) return st;
    FILE *fp = tw_afile_fp(f);
    fputs("# What produced this directory: the hindcast over the record's decision points.\n"
          "# hindcast.csv is identical for any thread and rank count; result_hash is FNV-1a 64\n"
          "# over it. replicates are those of each decision; a decision runs with seed + its id.\n", fp);
    head(fp, model, a);
    fputs("kind: hindcast\nbase_scenario: ", fp);
    yaml_quoted(fp, base);
    fputs("\ndecisions: ", fp);
    yaml_quoted(fp, decisions);
    fprintf(fp, "\nseed: %lu\n", (unsigned long)seed);
    tail(fp, a, r, (int64_t)r->replicates);
    return tw_afile_commit(f, err);
}

tw_status tw_cli_write_compare_provenance(const char *path, const char *name,
                                          const tw_cli_scenario *A, const tw_cli_scenario *B,
                                          const tw_cli_args *a, const tw_cli_result *r,
                                          tw_err *err) {
    tw_afile *f;
    tw_status st = tw_afile_open(path, &f, err);
    if (st != TW_OK) return st;
    FILE *fp = tw_afile_fp(f);
    char d0[TW_DATE_STRLEN], d1[TW_DATE_STRLEN];
    fputs("# What produced this directory: B - A on common random numbers (replicate r of\n"
          "# both with the same seed and key). compare.csv and compare_outcomes.csv are\n"
          "# identical for any thread and rank count; result_hash is FNV-1a 64 over those two\n"
          "# files. scenario_a.yaml and scenario_b.yaml are the two sides as run.\n", fp);
    head(fp, A->model->name, a);
    fprintf(fp, "kind: compare\nscenario_name: \"%s\"\n", name);
    const tw_cli_scenario *side[2] = {A, B};
    const char *file[2] = {a->scenario, a->scenario_b};
    for (int k = 0; k < 2; k++) {
        char c = k == 0 ? 'a' : 'b';
        fprintf(fp, "scenario_%c_file: ", c);
        yaml_quoted(fp, file[k]);
        fprintf(fp, "\nscenario_%c_name: \"%s\"\nscenario_%c_hash: \"%016llx\"\n", c,
                side[k]->name, c, (unsigned long long)tw_cfg_hash(side[k]->cfg));
    }
    fprintf(fp, "start: %s\nend: %s\nseed: %lu\n", tw_date_format(A->spec.start, d0),
            tw_date_format(A->spec.end, d1), (unsigned long)A->spec.seed);
    tail(fp, a, r, A->spec.replicates);
    return tw_afile_commit(f, err);
}

/* scenario.yaml's text; 0 on success. */
static int emit_scenario(FILE *fp, const tw_cfg *cfg) {
    fprintf(fp, "# The scenario as run: after extends and --set overrides.\n");
    return tw_cfg_emit(cfg, fp);
}

tw_status tw_cli_write_scenario(const char *path, const tw_cfg *cfg, tw_err *err) {
    tw_afile *f;
    tw_status st = tw_afile_open(path, &f, err);
    if (st != TW_OK) return st;
    if (emit_scenario(tw_afile_fp(f), cfg) != 0) {
        tw_afile_abort(f);
        return tw_err_set(err, TW_EIO, "%s: write failed", path);
    }
    return tw_afile_commit(f, err);
}

tw_status tw_cli_check_scenario(const char *path, const tw_cfg *cfg, tw_err *err) {
    char *want = NULL, *have = NULL;
    size_t wn = 0, hn = 0;
    FILE *mem = open_memstream(&want, &wn);
    if (mem == NULL) return tw_err_set(err, TW_ENOMEM, "out of memory");
    int bad = emit_scenario(mem, cfg);
    if (fclose(mem) != 0 || bad != 0) {
        free(want);
        return tw_err_set(err, TW_ENOMEM, "out of memory");
    }
    tw_status st = tw_file_refuse_link(path, err);
    FILE *fp = st == TW_OK ? fopen(path, "rb") : NULL;
    tw_read_status rs = fp != NULL ? tw_read_all(fp, wn + 1, &have, &hn) : TW_READ_ERROR;
    if (fp != NULL) fclose(fp);
    if (st == TW_OK && rs == TW_READ_NOMEM)
        st = tw_err_set(err, TW_ENOMEM, "out of memory");
    else if (st == TW_OK && (rs != TW_READ_OK || hn != wn || memcmp(have, want, wn) != 0))
        st = tw_err_set(err, TW_EUSAGE,
                        "%s: is not the scenario this run resolves to (it, or the scenario "
                        "file, changed since the run began); restore it, or start over with "
                        "--force",
                        path);
    free(want);
    free(have);
    return st;
}
