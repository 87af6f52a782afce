/* cli_provenance.c - provenance.yaml and scenario.yaml.
 *
 * An output directory says what produced it: the program and build, the scenario as run
 * and its hash, the seed and counts, and a hash of the result files that is the same for
 * any thread or rank count, so two directories can be compared without reading the CSVs.
 */
#define _POSIX_C_SOURCE 200809L
#include "cli_provenance.h"

#include <stdio.h>

#include "tw_build_info.h"
#include "tw_calendar.h"
#include "tw_mpi.h"
#include "tw_output.h"

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

tw_status tw_cli_write_provenance(const char *path, const tw_cli_scenario *sc,
                                  const tw_cli_args *a, const tw_cli_result *r, tw_err *err) {
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
            sc->name, (unsigned long long)tw_cfg_hash(sc->cfg),
            tw_date_format(sc->spec.start, d0), tw_date_format(sc->spec.end, d1),
            (unsigned long)sc->spec.seed, r->replicates, r->threads,
            r->mode == TW_PAR_AGENTS ? "agents" : "replicates", tw_mpi_size(),
            (unsigned long long)r->result_hash);
    return tw_afile_commit(f, err);
}

tw_status tw_cli_write_scenario(const char *path, const tw_cfg *cfg, tw_err *err) {
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
