/* cli_sweep.c - a scenario with a sweep: section: one batch per design point, then the
 * per-point outcome statistics and the first-order sensitivity indices.
 *
 * Each point is the scenario loaded again with the point's values set like --set, so a
 * point is refused or run exactly as the same scenario with those overrides would be.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli_batch.h"
#include "tw_mpi.h"
#include "tw_output.h"

/* A sweep: every design point is a batch of its own (the scenario with the point's
 * values set like --set), written to DIR/points/<k>/; then the per-point outcome
 * statistics and the first-order sensitivity indices over the points. Sweeps are not
 * resumable: a stopped sweep leaves nothing. */
tw_status tw_cli_sweep(const tw_cli_args *a, const tw_cli_scenario *base,
                               tw_cli_rundir *rd, int threads, tw_err *err) {
    const tw_sweep *sw = base->sweep;
    bool rank0 = tw_mpi_rank() == 0;
    size_t no = base->model->n_outcomes(base->params), np = sw->n_points, d = sw->n_params;
    /* The outcomes named for sensitivity must exist. */
    size_t n_sel = sw->n_outcomes ? sw->n_outcomes : no;
    size_t *sel = calloc(n_sel + 1, sizeof *sel);
    double *y = calloc(np * no + 1, sizeof *y);
    if (sel == NULL || y == NULL) {
        free(sel);
        free(y);
        return tw_err_set(err, TW_ENOMEM, "out of memory");
    }
    tw_status st = TW_OK;
    for (size_t i = 0; i < n_sel && st == TW_OK; i++) {
        if (sw->n_outcomes == 0) {
            sel[i] = i;
            continue;
        }
        size_t k = 0;
        while (k < no && strcmp(base->model->outcome_name(base->params, k), sw->outcomes[i]) != 0) k++;
        if (k == no)
            st = tw_cfg_error(err, tw_cfg_at(sw->outcomes_node, i),
                              "unknown outcome '%s' (see replicates.csv's columns)", sw->outcomes[i]);
        sel[i] = k;
    }
    char path[8192];
    tw_afile *fo = NULL;
    if (st == TW_OK && rank0) {
        snprintf(path, sizeof path, "%s", tw_cli_rundir_path(rd, "points"));
        if (mkdir(path, 0777) != 0)
            st = tw_err_set(err, TW_EIO, "%s: cannot create: %s", path, strerror(errno));
        if (st == TW_OK) st = tw_afile_open(tw_cli_rundir_path(rd, "sweep_outcomes.csv"), &fo, err);
        if (st == TW_OK) {
            fputs("point", tw_afile_fp(fo));
            for (size_t j = 0; j < d; j++) fprintf(tw_afile_fp(fo), ",%s", sw->p[j].key);
            fputs(",outcome,n,mean,sd,p05,p50,p95\n", tw_afile_fp(fo));
        }
    }
    st = tw_mpi_agree(st, err);
    char num[64], sets[TW_SWEEP_MAX_PARAMS][512];
    for (size_t k = 0; k < np && st == TW_OK; k++) {
        tw_cli_args pa = *a;
        for (size_t j = 0; j < d && st == TW_OK; j++) {
            tw_format_double(num, sizeof num, sw->x[k * d + j]);
            snprintf(sets[j], sizeof sets[j], "%s=%s", sw->p[j].key, num);
            if (pa.n_sets == TW_CLI_MAX_SETS)
                st = tw_err_set(err, TW_EUSAGE, "sweep: too many overrides with --set");
            else
                pa.sets[pa.n_sets++] = sets[j];
        }
        tw_cli_scenario psc;
        if (st == TW_OK) st = tw_cli_load(&pa, a->scenario, &psc, err);
        if (st != TW_OK) break;
        char dir[8192] = "";
        if (rank0) {
            snprintf(dir, sizeof dir, "%s/points/%zu", tw_cli_rundir_staging(rd), k);
            if (mkdir(dir, 0777) != 0)
                st = tw_err_set(err, TW_EIO, "%s: cannot create: %s", dir, strerror(errno));
        }
        if ((st = tw_mpi_agree(st, err)) == TW_OK) {
            tw_cli_batch_plan pl = {dir, threads, a->par, tw_mpi_size(), false, false,
                                 a->trajectories, -1, -1, 0.0};
            tw_par_mode mode;
            double secs;
            size_t ran;
            tw_batch *b = NULL;
            st = tw_cli_batch(&psc, &pl, &mode, a, &secs, &ran, &b, err);
            const tw_batch_stats *bs = st == TW_OK ? tw_batch_get_stats(b) : NULL;
            if (bs != NULL) {
                FILE *fp = tw_afile_fp(fo);
                for (size_t i = 0; i < no; i++) {
                    tw_summary sm;
                    tw_sketch_summary(&bs->outcomes[i], &sm);
                    y[k * no + i] = sm.mean;
                    fprintf(fp, "%zu", k);
                    for (size_t j = 0; j < d; j++) {
                        tw_format_double(num, sizeof num, sw->x[k * d + j]);
                        fprintf(fp, ",%s", num);
                    }
                    fprintf(fp, ",%s,%llu", base->model->outcome_name(base->params, i),
                            (unsigned long long)bs->outcomes[i].n);
                    double v[5] = {sm.mean, sm.sd, sm.q[0], sm.q[1], sm.q[2]};
                    for (int q = 0; q < 5; q++) {
                        tw_format_double(num, sizeof num, v[q]);
                        fprintf(fp, ",%s", num);
                    }
                    fputc('\n', fp);
                }
            }
            if (st == TW_OK && rank0 && !a->quiet)
                fprintf(stderr, "tradewar: sweep point %zu of %zu done (%.1f s)\n", k + 1, np, secs);
            tw_batch_free(b);
        }
        tw_cli_scenario_free(&psc);
    }
    if (st == TW_OK && rank0) {
        st = tw_afile_commit(fo, err);
        fo = NULL;
        tw_afile *f = NULL;
        if (st == TW_OK) st = tw_afile_open(tw_cli_rundir_path(rd, "sweep_points.csv"), &f, err);
        if (st == TW_OK) {
            FILE *fp = tw_afile_fp(f);
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
            st = tw_afile_commit(f, err);
        }
        if (st == TW_OK) st = tw_afile_open(tw_cli_rundir_path(rd, "sensitivity.csv"), &f, err);
        if (st == TW_OK) {
            FILE *fp = tw_afile_fp(f);
            fputs("outcome,parameter,first_order\n", fp);
            double *col = malloc(np * sizeof *col);
            for (size_t i = 0; col != NULL && i < n_sel; i++) {
                for (size_t k = 0; k < np; k++) col[k] = y[k * no + sel[i]];
                for (size_t j = 0; j < d; j++) {
                    tw_format_double(num, sizeof num, tw_sweep_first_order(sw, j, col));
                    fprintf(fp, "%s,%s,%s\n", base->model->outcome_name(base->params, sel[i]),
                            sw->p[j].key, num);
                }
            }
            if (col == NULL) {
                tw_afile_abort(f);
                st = tw_err_set(err, TW_ENOMEM, "out of memory");
            } else {
                st = tw_afile_commit(f, err);
            }
            free(col);
        }
    }
    tw_afile_abort(fo);
    free(sel);
    free(y);
    return tw_mpi_agree(st, err);
}
