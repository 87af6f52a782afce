/* cli_sweep.c - a scenario with a sweep: section: one batch per design point, then the
 * per-point outcome statistics and the first-order sensitivity indices.
 *
 * Each point is the scenario loaded again with the point's values set like --set, so a
 * point is refused or run exactly as the same scenario with those overrides would be;
 * every point is loaded once before any file is made, so a bad point is refused up front.
 *
 * A sweep follows a run's protocol (cli_rundir.h) point by point: each point's batch
 * stages, checkpoints and stops like a run's inside DIR.partial/points/<k>/, a signal to
 * any rank stops the sweep at a checkpoint (between points, or inside one), and
 * `tradewar run --resume DIR` skips the points that are complete, continues the one that
 * was interrupted and runs the rest. The tables over the points are written last, from
 * each point's outcomes.csv, so they are the same bytes whether the points ran in one
 * invocation or several. Outcomes are matched by name: a point whose --set fixes a drawn
 * parameter (a swept key such as governments.US.resolve) has one drawn column fewer than
 * the base scenario, and its row for that parameter holds the fixed value.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_batch.h"
#include "tw_crc.h"
#include "tw_csvread.h"
#include "tw_file.h"
#include "tw_mpi.h"
#include "tw_output.h"

/* The outcome indices (of the base scenario) that sensitivity.csv covers: every outcome,
 * or those sweep.outcomes names (an unknown name is refused at its location). */
static tw_status sweep_select(const tw_cli_scenario *base, size_t *sel, tw_err *err) {
    const tw_sweep *sw = base->sweep;
    size_t no = base->model->n_outcomes(base->params);
    size_t n_sel = sw->n_outcomes ? sw->n_outcomes : no;
    for (size_t i = 0; i < n_sel; i++) {
        if (sw->n_outcomes == 0) {
            sel[i] = i;
            continue;
        }
        size_t k = 0;
        while (k < no && strcmp(base->model->outcome_name(base->params, k), sw->outcomes[i]) != 0) k++;
        if (k == no)
            return tw_cfg_error(err, tw_cfg_at(sw->outcomes_node, i),
                                "unknown outcome '%s' (see replicates.csv's columns)",
                                sw->outcomes[i]);
        sel[i] = k;
    }
    return TW_OK;
}

/* Load point k of base's sweep: the scenario with the point's values set like --set. */
static tw_status load_point(const tw_cli_args *a, const tw_sweep *sw, size_t k, bool silent,
                            tw_cli_scenario *psc, tw_err *err) {
    static char sets[TW_SWEEP_MAX_PARAMS][512];
    char num[64];
    tw_cli_args pa = *a;
    pa.silent = pa.silent || silent; /* its warnings were shown when it was checked */
    for (size_t j = 0; j < sw->n_params; j++) {
        tw_format_double(num, sizeof num, sw->x[k * sw->n_params + j]);
        snprintf(sets[j], sizeof sets[j], "%s=%s", sw->p[j].key, num);
        if (pa.n_sets == TW_CLI_MAX_SETS)
            return tw_err_set(err, TW_EUSAGE, "sweep: too many overrides with --set");
        pa.sets[pa.n_sets++] = sets[j];
    }
    return tw_cli_load(&pa, a->scenario, psc, err);
}

tw_status tw_cli_sweep_check(const tw_cli_args *a, const tw_cli_scenario *base, tw_err *err) {
    size_t no = base->model->n_outcomes(base->params);
    size_t *sel = calloc(no + 1, sizeof *sel);
    if (sel == NULL) return tw_err_set(err, TW_ENOMEM, "out of memory");
    tw_status st = sweep_select(base, sel, err);
    free(sel);
    for (size_t k = 0; k < base->sweep->n_points && st == TW_OK; k++) {
        tw_cli_scenario psc;
        st = load_point(a, base->sweep, k, false, &psc, err);
        if (st != TW_OK) {
            char why[TW_ERR_MSG_MAX];
            snprintf(why, sizeof why, "%s", err->msg);
            st = tw_err_set(err, st, "sweep point %zu: %s", k, why);
        }
        tw_cli_scenario_free(&psc);
    }
    return st;
}

static bool exists(const char *dir, const char *name) {
    char path[8300];
    struct stat sb;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return lstat(path, &sb) == 0;
}

/* Where a point's batch stands in its directory (rank 0). */
enum { POINT_MISSING, POINT_PARTIAL, POINT_COMPLETE };
static int point_state(const char *dir, bool trajectories) {
    struct stat sb;
    if (stat(dir, &sb) != 0) return POINT_MISSING;
    static const char *const final[] = {"summary.csv", "outcomes.csv", "replicates.csv",
                                        "events.csv", "trajectories.csv"};
    static const char *const staged[] = {"checkpoint.bin", "replicates.csv.part",
                                         "events.csv.part", "trajectories.csv.part"};
    for (size_t i = 0; i < sizeof final / sizeof final[0]; i++)
        if ((i < 4 || trajectories) && !exists(dir, final[i])) return POINT_PARTIAL;
    for (size_t i = 0; i < sizeof staged / sizeof staged[0]; i++)
        if (exists(dir, staged[i])) return POINT_PARTIAL;
    return POINT_COMPLETE;
}

/* Rank 0: remove the temporaries (NAME.tmp.PID) a writer killed in dir left behind, so
 * that a point run again does not carry them into the output. */
static tw_status remove_temporaries(const char *dir, tw_err *err) {
    DIR *d = opendir(dir);
    if (d == NULL) return tw_err_set(err, TW_EIO, "%s: cannot read: %s", dir, strerror(errno));
    char path[8600];
    tw_status st = TW_OK;
    for (struct dirent *e; st == TW_OK && (e = readdir(d)) != NULL;) {
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (strstr(e->d_name, ".tmp.") != NULL && unlink(path) != 0 && errno != ENOENT)
            st = tw_err_set(err, TW_EIO, "%s: cannot remove: %s", path, strerror(errno));
    }
    closedir(d);
    return st;
}

/* Point k's value of base outcome i when the point has no outcome of that name: the
 * swept value where the name is a swept key (a drawn parameter the point fixes), else
 * nan (the outcome does not exist at this point). */
static double absent(const tw_sweep *sw, size_t k, const char *name) {
    for (size_t j = 0; j < sw->n_params; j++)
        if (strcmp(sw->p[j].key, name) == 0) return sw->x[k * sw->n_params + j];
    return NAN;
}

/* The means of the finished points, at full precision for sensitivity.csv, are appended
 * to DIR.partial/MEANS as each point finishes, one line a point: "k hash mean..."
 * (the hash of the base scenario's and the point's resolved trees; the means in %a),
 * then the line's CRC-32C. A resume takes the whole lines whose CRC holds
 * (a line torn by a kill is ignored, and its point run again: the same bytes); the file
 * goes once the tables are written. */
#define MEANS "sweep_means.part"

/* Rank 0: read MEANS into y[k * no ..] and hash[k] (had[k] true) for each good line. */
static void means_read(const char *path, size_t np, size_t no, double *y, uint64_t *hash,
                       bool *had) {
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) return;
    size_t cap = 64 + no * 32;
    char *line = malloc(cap);
    double *v = malloc((no + 1) * sizeof *v);
    while (line != NULL && v != NULL && fgets(line, (int)cap, fp) != NULL) {
        size_t len = strlen(line);
        char *crc_at = len > 1 && line[len - 1] == '\n' ? strrchr(line, ' ') : NULL;
        if (crc_at == NULL) continue;
        unsigned long crc = strtoul(crc_at + 1, NULL, 16);
        if (crc != tw_crc32c(0, line, (size_t)(crc_at - line))) continue;
        *crc_at = '\0';
        char *p = line, *q;
        unsigned long long k = strtoull(p, &q, 10), h = strtoull(q, &p, 16);
        bool ok = p != q;
        for (size_t i = 0; ok && i < no; i++) {
            v[i] = strtod(p, &q);
            ok = q != p;
            p = q;
        }
        if (!ok || k >= np || *p != '\0') continue;
        memcpy(y + k * no, v, no * sizeof *v);
        hash[k] = h;
        had[k] = true;
    }
    free(line);
    free(v);
    fclose(fp);
}

/* Rank 0: append point k's line to MEANS and sync it. */
static tw_status means_append(const char *path, size_t k, uint64_t hash, const double *y,
                              size_t no, tw_err *err) {
    size_t cap = 64 + no * 32, at;
    char *line = malloc(cap);
    if (line == NULL) return tw_err_set(err, TW_ENOMEM, "out of memory");
    at = (size_t)snprintf(line, cap, "%zu %016llx", k, (unsigned long long)hash);
    for (size_t i = 0; i < no; i++) at += (size_t)snprintf(line + at, cap - at, " %a", y[i]);
    snprintf(line + at, cap - at, " %08x\n", (unsigned)tw_crc32c(0, line, at));
    FILE *fp = NULL; /* never through a symbolic link */
    tw_status st = tw_file_fopen_write(path, "ab", &fp, err);
    if (st == TW_OK && (fputs(line, fp) == EOF || fflush(fp) != 0 || fsync(fileno(fp)) != 0))
        st = tw_err_set(err, TW_EIO, "%s: write failed: %s", path, strerror(errno));
    if (fp != NULL && fclose(fp) != 0 && st == TW_OK)
        st = tw_err_set(err, TW_EIO, "%s: write failed: %s", path, strerror(errno));
    free(line);
    return st;
}

/* Point k's batch into points/<k>/, from where an interrupted invocation left it: skipped
 * when complete and its means are recorded (y[0..no) holds them), run again when complete
 * without them, continued from its checkpoint when partial. A point recorded for another
 * scenario is refused. */
static tw_status run_point(const tw_cli_args *a, const tw_cli_scenario *base,
                           tw_cli_rundir *rd, int threads, size_t k, double *y,
                           uint64_t had_hash, bool had, bool *stopped, tw_err *err) {
    const tw_sweep *sw = base->sweep;
    size_t no = base->model->n_outcomes(base->params);
    bool rank0 = tw_mpi_rank() == 0;
    char dir[8192] = "";
    int state = POINT_MISSING;
    tw_cli_scenario psc;
    tw_status st = load_point(a, sw, k, true, &psc, err);
    if (st != TW_OK) return st;
    /* The point as run within this sweep: an edited scenario changes every point's. */
    uint64_t h[2] = {tw_cfg_hash(base->cfg), tw_cfg_hash(psc.cfg)};
    uint64_t hash = tw_fnv1a(TW_FNV_OFFSET, h, sizeof h);
    if (rank0) {
        snprintf(dir, sizeof dir, "%s/points/%zu", tw_cli_rundir_staging(rd), k);
        state = point_state(dir, a->trajectories);
        if (had && had_hash != hash)
            st = tw_err_set(err, TW_EUSAGE, "%s: refusing to resume: the point was run for "
                                            "another scenario (was it edited?); start over with "
                                            "--force", dir);
        else if (state == POINT_MISSING && mkdir(dir, 0777) != 0)
            st = tw_err_set(err, TW_EIO, "%s: cannot create: %s", dir, strerror(errno));
        if (state == POINT_COMPLETE && !had) state = POINT_MISSING; /* run it again */
        if (st == TW_OK && state != POINT_COMPLETE) st = remove_temporaries(dir, err);
    }
    st = tw_mpi_agree(st, err);
    if (st == TW_OK) st = tw_mpi_agree(tw_mpi_bcast(&state, sizeof state, err), err);
    if (st != TW_OK || state == POINT_COMPLETE) {
        tw_cli_scenario_free(&psc);
        return st;
    }
    tw_cli_batch_plan pl = {dir, threads, a->par, tw_mpi_size(), state == POINT_PARTIAL,
                            false, a->trajectories,
                            a->has_checkpoint ? a->checkpoint_every : 10, -1, 0.0, NULL};
    tw_par_mode mode;
    double secs = 0.0;
    size_t ran;
    tw_batch *b = NULL;
    st = tw_cli_batch(&psc, &pl, &mode, &secs, &ran, &b, stopped, err);
    const tw_batch_stats *bs = st == TW_OK ? tw_batch_get_stats(b) : NULL;
    if (bs != NULL) { /* rank 0: the point's means by name, in the base's order */
        size_t np_out = psc.model->n_outcomes(psc.params);
        for (size_t i = 0; i < no; i++) {
            const char *name = base->model->outcome_name(base->params, i);
            size_t r = 0;
            while (r < np_out && strcmp(psc.model->outcome_name(psc.params, r), name) != 0) r++;
            tw_summary sm;
            if (r < np_out) tw_sketch_summary(&bs->outcomes[r], &sm);
            y[i] = r < np_out ? sm.mean : absent(sw, k, name);
        }
        st = means_append(tw_cli_rundir_path(rd, MEANS), k, hash, y, no, err);
    }
    st = tw_mpi_agree(st, err);
    tw_batch_free(b);
    tw_cli_scenario_free(&psc);
    if (st != TW_OK) {
        char why[TW_ERR_MSG_MAX];
        snprintf(why, sizeof why, "%s", err->msg);
        return tw_err_set(err, st, "sweep point %zu of %zu: %s", k + 1, sw->n_points, why);
    }
    if (rank0 && !a->quiet)
        fprintf(stderr, "tradewar: sweep point %zu of %zu done (%.1f s)\n", k + 1,
                sw->n_points, secs);
    return TW_OK;
}

/* Rank 0: point k's rows of sweep_outcomes.csv, from points/<k>/outcomes.csv, in the
 * base scenario's outcome order, matched by name. An outcome the point lacks is either a
 * drawn parameter that the point's values fix (it held that value in all `reps`
 * replicates) or did not exist there (n 0, nan). */
static tw_status point_rows(FILE *fp, const tw_cli_scenario *base, const char *staging,
                            size_t k, int64_t reps, tw_err *err) {
    const tw_sweep *sw = base->sweep;
    size_t no = base->model->n_outcomes(base->params), d = sw->n_params;
    char path[8300], num[64], prefix[4096];
    snprintf(path, sizeof path, "%s/points/%zu/outcomes.csv", staging, k);
    tw_csv *t = NULL;
    tw_status st = tw_csv_read(path, &t, err);
    if (st != TW_OK) return st;
    static const char *const cols[] = {"outcome", "n", "mean", "sd", "p05", "p50", "p95"};
    int c[7];
    for (int i = 0; i < 7; i++)
        if ((c[i] = tw_csv_col(t, cols[i])) < 0) {
            tw_csv_free(t);
            return tw_err_set(err, TW_EDATA, "%s: no column %s", path, cols[i]);
        }
    int at = snprintf(prefix, sizeof prefix, "%zu", k);
    for (size_t j = 0; j < d; j++) {
        tw_format_double(num, sizeof num, sw->x[k * d + j]);
        at += snprintf(prefix + at, sizeof prefix - (size_t)at, ",%s", num);
    }
    for (size_t i = 0; i < no; i++) {
        const char *name = base->model->outcome_name(base->params, i);
        size_t r = 0;
        while (r < tw_csv_rows(t) && strcmp(tw_csv_field(t, r, (size_t)c[0]), name) != 0) r++;
        fprintf(fp, "%s,%s", prefix, name);
        if (r < tw_csv_rows(t)) {
            for (int q = 1; q < 7; q++) fprintf(fp, ",%s", tw_csv_field(t, r, (size_t)c[q]));
            fputc('\n', fp);
            continue;
        }
        double v = absent(sw, k, name);
        tw_format_double(num, sizeof num, v);
        if (!isnan(v))
            fprintf(fp, ",%lld,%s,0,%s,%s,%s\n", (long long)reps, num, num, num, num);
        else
            fprintf(fp, ",0,nan,nan,nan,nan,nan\n");
    }
    tw_csv_free(t);
    return TW_OK;
}

/* Rank 0: sweep_outcomes.csv, sweep_points.csv and sensitivity.csv from the points. */
static tw_status tables(const tw_cli_scenario *base, tw_cli_rundir *rd, const size_t *sel,
                        size_t n_sel, const double *y, tw_err *err) {
    const tw_sweep *sw = base->sweep;
    size_t no = base->model->n_outcomes(base->params), np = sw->n_points, d = sw->n_params;
    char num[64], staging[8192];
    snprintf(staging, sizeof staging, "%s", tw_cli_rundir_staging(rd));
    tw_afile *f = NULL;
    tw_status st = tw_afile_open(tw_cli_rundir_path(rd, "sweep_outcomes.csv"), &f, err);
    if (st != TW_OK) return st;
    FILE *fp = tw_afile_fp(f);
    fputs("point", fp);
    for (size_t j = 0; j < d; j++) fprintf(fp, ",%s", sw->p[j].key);
    fputs(",outcome,n,mean,sd,p05,p50,p95\n", fp);
    for (size_t k = 0; k < np && st == TW_OK; k++)
        st = point_rows(fp, base, staging, k, base->spec.replicates, err);
    if (st != TW_OK) {
        tw_afile_abort(f);
        return st;
    }
    if ((st = tw_afile_commit(f, err)) != TW_OK) return st;
    if ((st = tw_afile_open(tw_cli_rundir_path(rd, "sweep_points.csv"), &f, err)) != TW_OK)
        return st;
    fp = tw_afile_fp(f);
    fputs("point", fp);
    for (size_t j = 0; j < d; j++) fprintf(fp, ",%s", sw->p[j].key);
    fputc('\n', fp);
    for (size_t k = 0; k < np; k++) {
        fprintf(fp, "%zu", k);
        for (size_t j = 0; j < d; j++) {
            tw_format_double(num, sizeof num, sw->x[k * d + j]);
            fprintf(fp, ",%s", num);
        }
        fputc('\n', fp);
    }
    if ((st = tw_afile_commit(f, err)) != TW_OK) return st;
    double *col = malloc(np * sizeof *col);
    if (col == NULL) return tw_err_set(err, TW_ENOMEM, "out of memory");
    if ((st = tw_afile_open(tw_cli_rundir_path(rd, "sensitivity.csv"), &f, err)) == TW_OK) {
        fp = tw_afile_fp(f);
        fputs("outcome,parameter,first_order\n", fp);
        for (size_t i = 0; i < n_sel; i++) {
            for (size_t k = 0; k < np; k++) col[k] = y[k * no + sel[i]];
            for (size_t j = 0; j < d; j++) {
                tw_format_double(num, sizeof num, tw_sweep_first_order(sw, j, col));
                fprintf(fp, "%s,%s,%s\n", base->model->outcome_name(base->params, sel[i]),
                        sw->p[j].key, num);
            }
        }
        st = tw_afile_commit(f, err);
    }
    free(col);
    return st;
}

/* A sweep: every design point is a batch of its own, written to DIR/points/<k>/; then the
 * tables over the points. */
tw_status tw_cli_sweep(const tw_cli_args *a, const tw_cli_scenario *base, tw_cli_rundir *rd,
                       int threads, bool *keep, tw_err *err) {
    const tw_sweep *sw = base->sweep;
    bool rank0 = tw_mpi_rank() == 0;
    size_t no = base->model->n_outcomes(base->params), np = sw->n_points;
    size_t n_sel = sw->n_outcomes ? sw->n_outcomes : no;
    size_t *sel = calloc(n_sel + 1, sizeof *sel);
    double *y = calloc(np * no + 1, sizeof *y);
    uint64_t *hash = calloc(np, sizeof *hash);
    bool *had = calloc(np, sizeof *had);
    char means[8300];
    snprintf(means, sizeof means, "%s", rank0 ? tw_cli_rundir_path(rd, MEANS) : "");
    *keep = a->resume != NULL;
    tw_status st = sel == NULL || y == NULL || hash == NULL || had == NULL
                       ? tw_err_set(err, TW_ENOMEM, "out of memory")
                       : TW_OK;
    if (st == TW_OK) st = sweep_select(base, sel, err);
    /* A resume that finds the tables written and the means gone has only provenance.yaml
     * and the commit left. */
    int tables_done = 0;
    if (st == TW_OK && rank0 && a->resume != NULL) {
        struct stat sb;
        tables_done = stat(tw_cli_rundir_path(rd, "sensitivity.csv"), &sb) == 0 &&
                      stat(means, &sb) != 0;
        means_read(means, np, no, y, hash, had);
    }
    if (st == TW_OK && rank0 && !tables_done) {
        const char *path = tw_cli_rundir_path(rd, "points");
        if (mkdir(path, 0777) != 0 && !(errno == EEXIST && a->resume != NULL))
            st = tw_err_set(err, TW_EIO, "%s: cannot create: %s", path, strerror(errno));
    }
    st = tw_mpi_agree(st, err);
    if (st == TW_OK) st = tw_mpi_agree(tw_mpi_bcast(&tables_done, sizeof tables_done, err), err);
    for (size_t k = 0; k < np && st == TW_OK && !tables_done; k++) {
        bool stop = false;
        if ((st = tw_cli_stop_agreed(&stop, err)) != TW_OK) break;
        if (stop) {
            *keep = true;
            st = tw_err_set(err, TW_ERUNTIME, "sweep stopped by a signal after %zu of %zu points",
                            k, np);
            break;
        }
        st = run_point(a, base, rd, threads, k, y + k * no, hash[k], had[k], &stop, err);
        /* Finished points, and a point stopped at its checkpoint, are work to keep. */
        *keep = *keep || st == TW_OK || stop || k > 0;
    }
    if (st == TW_OK && rank0 && !tables_done) {
        st = tables(base, rd, sel, n_sel, y, err);
        if (st == TW_OK && unlink(means) != 0 && errno != ENOENT)
            st = tw_err_set(err, TW_EIO, "%s: cannot remove: %s", means, strerror(errno));
        if (st == TW_OK) st = tw_sync_dir(tw_cli_rundir_staging(rd), err);
    }
    free(sel);
    free(y);
    free(hash);
    free(had);
    return tw_mpi_agree(st, err);
}
