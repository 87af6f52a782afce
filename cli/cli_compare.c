/* cli_compare.c - `tradewar compare A.yaml B.yaml`: paired replicates on common random
 * numbers.
 *
 * Replicate r of A and replicate r of B use the same Philox key (seed, r), so each pair
 * shares its random numbers and the difference B - A carries little of the noise the two
 * runs share. For every summary cell and every outcome this reports the mean difference
 * with its paired 95% interval and, for contrast, the Welch interval one would get from
 * two independent batches of the same size; their ratio says how much pairing tightened
 * it. Replicates are run chunk by chunk over threads and ranks (tw_chunk_run_spread) and
 * folded on rank 0 in replicate order, so the files are the same for any thread or rank
 * count. A pair where either value is NaN ("did not happen") or infinite is skipped and n
 * says how many pairs were used.
 *
 * A comparison is a run of its own: --set applies to both sides and --set-a / --set-b to
 * one, so one file against itself with a change is a comparison; the directory follows
 * the run's protocol (cli_rundir.h) and holds both sides as run (scenario_a.yaml,
 * scenario_b.yaml) and provenance.yaml; the terminal gets the outcomes and, by month, the
 * headline series' B - A with its paired interval (each replicate's monthly total or mean
 * is paired, so the interval is that of the monthly figure, not of a day); --report hands
 * the directory to analysis/report.py.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli_provenance.h"
#include "cli_rundir.h"
#include "cli_scenario.h"
#include "tw_batch.h"
#include "tw_hash.h"
#include "tw_mpi.h"
#include "tw_output.h"
#include "tw_stats.h"

/* Each chunk gives every thread of every rank a few replicates of each scenario. */
#define TW__CMP_PER_THREAD 4

typedef struct {
    tw_moments a, b, d;
} tw__pair;

static void tw__pair_add(tw__pair *p, double x, double y) {
    if (!isfinite(x) || !isfinite(y)) return;
    tw_moments_add(&p->a, x);
    tw_moments_add(&p->b, y);
    tw_moments_add(&p->d, y - x);
}

/* ",n,mean_a,mean_b,diff,paired_lo,paired_hi,unpaired_lo,unpaired_hi,ratio\n" */
static void tw__pair_write(FILE *fp, const tw__pair *p) {
    double nan = NAN, hp = tw_paired_halfwidth(&p->d), hu = tw_unpaired_halfwidth(&p->a, &p->b);
    bool any = p->d.n > 0;
    double ratio = hp > 0.0 ? hu / hp : (hu > 0.0 ? INFINITY : nan);
    double v[8] = {any ? p->a.mean : nan, any ? p->b.mean : nan, any ? p->d.mean : nan,
                   p->d.mean - hp, p->d.mean + hp, p->d.mean - hu, p->d.mean + hu, ratio};
    fprintf(fp, ",%llu", (unsigned long long)p->d.n);
    char num[64];
    for (int k = 0; k < 8; k++) {
        tw_format_double(num, sizeof num, any ? v[k] : nan);
        fprintf(fp, ",%s", num);
    }
    fputc('\n', fp);
}

#define TW__CMP_COLUMNS "n,mean_a,mean_b,diff,paired_lo,paired_hi,unpaired_lo,unpaired_hi,ratio\n"

/* A and B must produce the same output days, series and outcomes to be paired. */
static tw_status tw__compatible(const tw_cli_scenario *A, const tw_cli_scenario *B, tw_err *err) {
    if (A->spec.start != B->spec.start || A->spec.end != B->spec.end ||
        A->spec.interval_days != B->spec.interval_days)
        return tw_err_set(err, TW_EUSAGE, "compare: %s and %s must have the same start, end and "
                                          "output.interval_days", A->name, B->name);
    size_t ns = A->model->n_series(A->params), no = A->model->n_outcomes(A->params);
    if (ns != B->model->n_series(B->params) || no != B->model->n_outcomes(B->params))
        return tw_err_set(err, TW_EUSAGE, "compare: %s and %s have different series or outcomes "
                                          "(regions and sectors must match)", A->name, B->name);
    for (size_t s = 0; s < ns; s++) {
        tw_series_label x = A->model->series(A->params, s), y = B->model->series(B->params, s);
        if (strcmp(x.indicator, y.indicator) || strcmp(x.region, y.region) ||
            strcmp(x.partner, y.partner) || strcmp(x.sector, y.sector))
            return tw_err_set(err, TW_EUSAGE, "compare: %s and %s have different series",
                              A->name, B->name);
    }
    return TW_OK;
}

static tw_status tw__cmp_write(const char *path_cells, const char *path_outc,
                               const tw_cli_scenario *A, const tw_day *dates, size_t n_out,
                               const tw__pair *cells, const tw__pair *outc, tw_err *err) {
    size_t ns = A->model->n_series(A->params), no = A->model->n_outcomes(A->params);
    tw_afile *f;
    tw_status st = tw_afile_open(path_cells, &f, err);
    if (st != TW_OK) return st;
    FILE *fp = tw_afile_fp(f);
    fputs("date,indicator,region,partner,sector," TW__CMP_COLUMNS, fp);
    char date[TW_DATE_STRLEN];
    for (size_t t = 0; t < n_out; t++) {
        tw_date_format(dates[t], date);
        for (size_t s = 0; s < ns; s++) {
            tw_series_label l = A->model->series(A->params, s);
            fprintf(fp, "%s,%s,%s,%s,%s", date, l.indicator, l.region, l.partner, l.sector);
            tw__pair_write(fp, &cells[t * ns + s]);
        }
    }
    if ((st = tw_afile_commit(f, err)) != TW_OK) return st;
    if ((st = tw_afile_open(path_outc, &f, err)) != TW_OK) return st;
    fp = tw_afile_fp(f);
    fputs("outcome," TW__CMP_COLUMNS, fp);
    for (size_t k = 0; k < no; k++) {
        fprintf(fp, "%s", A->model->outcome_name(A->params, k));
        tw__pair_write(fp, &outc[k]);
    }
    return tw_afile_commit(f, err);
}

static void tw__cmp_print(FILE *fp, const tw_cli_scenario *A, const tw_cli_scenario *B,
                          const tw__pair *outc) {
    fprintf(fp, "\n%s (A) vs %s (B), %lld paired replicates, seed %lu\n", A->name, B->name,
            (long long)A->spec.replicates, (unsigned long)A->spec.seed);
    fprintf(fp, "%-34s  %-16s  %12s  %12s  %12s  %12s  %12s  %8s\n", "outcome", "unit", "mean A",
            "mean B", "B - A", "paired +-", "unpaired +-", "tighter");
    size_t no = A->model->n_outcomes(A->params);
    for (size_t k = 0; k < no; k++) {
        const tw__pair *p = &outc[k];
        double hp = tw_paired_halfwidth(&p->d), hu = tw_unpaired_halfwidth(&p->a, &p->b);
        const char *name = A->model->outcome_name(A->params, k);
        fprintf(fp, "%-34s  %-16s  %12.4g  %12.4g  %12.4g  %12.4g  %12.4g  ", name,
                tw_cli_outcome_unit(name), p->a.mean, p->b.mean, p->d.mean, hp, hu);
        if (hp > 0.0)
            fprintf(fp, "%7.1fx\n", hu / hp);
        else
            fprintf(fp, "%8s\n", hu > 0.0 ? "exact" : "-");
    }
}

/* The headline series by month: B - A of each month's total (flows) or mean (levels), with
 * the paired 95% half-width over replicates. */
typedef struct {
    tw_cli_headline cols[TW_CLI_NHEADLINE];
    size_t n_months;
    size_t *first; /* n_months + 1 output-day bounds */
    double *w;     /* per month and column: the weight of tw_cli_month_weight */
    int *days;     /* per month: the run's days in it */
    tw__pair *pair; /* per month and column */
} tw__timeline;

static void tw__timeline_free(tw__timeline *tl) {
    free(tl->first);
    free(tl->w);
    free(tl->days);
    free(tl->pair);
}

/* false when out of memory; a model without the headline series gives no months. */
static bool tw__timeline_init(tw__timeline *tl, const tw_cli_scenario *A, const tw_day *dates,
                              size_t n_out) {
    memset(tl, 0, sizeof *tl);
    tw_cli_headline_find(A->model, A->params, tl->cols);
    tl->first = malloc((n_out + 1) * sizeof *tl->first);
    if (tl->first == NULL) return false;
    tl->n_months = tw_cli_months(dates, n_out, tl->first);
    for (int c = 0; c < TW_CLI_NHEADLINE; c++)
        if (tl->cols[c].idx < 0) tl->n_months = 0;
    size_t nc = tl->n_months * TW_CLI_NHEADLINE + 1;
    tl->w = calloc(nc, sizeof *tl->w);
    tl->pair = calloc(nc, sizeof *tl->pair);
    tl->days = calloc(tl->n_months + 1, sizeof *tl->days);
    if (tl->w == NULL || tl->pair == NULL || tl->days == NULL) return false;
    for (size_t m = 0; m < tl->n_months; m++)
        for (int c = 0; c < TW_CLI_NHEADLINE; c++)
            tl->w[m * TW_CLI_NHEADLINE + (size_t)c] =
                tl->cols[c].scale * tw_cli_month_weight(dates, n_out, tl->first[m],
                                                        tl->first[m + 1], tl->cols[c].flow,
                                                        &tl->days[m]);
    return true;
}

/* Fold one pair of replicates' series (n_series per output day) into the months. */
static void tw__timeline_add(tw__timeline *tl, const double *xa, const double *xb, size_t ns) {
    for (size_t m = 0; m < tl->n_months; m++)
        for (int c = 0; c < TW_CLI_NHEADLINE; c++) {
            size_t s = (size_t)tl->cols[c].idx, k = m * TW_CLI_NHEADLINE + (size_t)c;
            double sa = 0.0, sb = 0.0;
            for (size_t t = tl->first[m]; t < tl->first[m + 1]; t++) {
                sa += xa[t * ns + s];
                sb += xb[t * ns + s];
            }
            tw__pair_add(&tl->pair[k], tl->w[k] * sa, tl->w[k] * sb);
        }
}

static void tw__timeline_print(FILE *fp, const tw__timeline *tl, const tw_day *dates) {
    if (tl->n_months == 0) return;
    fprintf(fp, "\nB - A by month, +- the paired 95%% half-width: each month's total (flows) or "
                "mean (levels)\n");
    tw_cli_headline_header(fp, tl->cols);
    for (size_t m = 0; m < tl->n_months; m++) {
        int y, mo, d;
        tw_civil_from_day(dates[tl->first[m]], &y, &mo, &d);
        fprintf(fp, "%04d-%02d  %4d", y, mo, tl->days[m]);
        for (int c = 0; c < TW_CLI_NHEADLINE; c++) {
            const tw__pair *p = &tl->pair[m * TW_CLI_NHEADLINE + (size_t)c];
            int pr = tl->cols[c].prec;
            fprintf(fp, "  %+11.*f +-%6.*f", pr, p->d.mean, pr, tw_paired_halfwidth(&p->d));
        }
        fputc('\n', fp);
    }
}

/* One side: the common --set overrides, then the side's own (--set-a or --set-b). */
static tw_status tw__load_side(const tw_cli_args *a, bool side_a, tw_cli_scenario *sc,
                               tw_err *err) {
    tw_cli_args s = *a;
    int n = side_a ? a->n_sets_a : a->n_sets_b;
    const char *const *sets = side_a ? a->sets_a : a->sets_b;
    for (int i = 0; i < n; i++) s.sets[s.n_sets++] = sets[i]; /* room: tw_cli_parse */
    return tw_cli_load(&s, side_a ? a->scenario : a->scenario_b, sc, err);
}

/* Rank 0: the files of a finished comparison into the staging directory. */
static tw_status tw__cmp_files(tw_cli_rundir *rd, const char *name, const tw_cli_scenario *A,
                               const tw_cli_scenario *B, const tw_cli_args *a,
                               const tw_day *dates, size_t n_out, const tw__pair *cells,
                               const tw__pair *outc, tw_cli_result *r, tw_err *err) {
    char pc[8192], po[8192];
    snprintf(pc, sizeof pc, "%s", tw_cli_rundir_path(rd, "compare.csv"));
    snprintf(po, sizeof po, "%s", tw_cli_rundir_path(rd, "compare_outcomes.csv"));
    tw_status st = tw__cmp_write(pc, po, A, dates, n_out, cells, outc, err);
    r->result_hash = TW_FNV_OFFSET;
    if (st == TW_OK) st = tw_hash_file(pc, &r->result_hash, err);
    if (st == TW_OK) st = tw_hash_file(po, &r->result_hash, err);
    if (st == TW_OK)
        st = tw_cli_write_scenario(tw_cli_rundir_path(rd, "scenario_a.yaml"), A->cfg, err);
    if (st == TW_OK)
        st = tw_cli_write_scenario(tw_cli_rundir_path(rd, "scenario_b.yaml"), B->cfg, err);
    if (st == TW_OK)
        st = tw_cli_write_compare_provenance(tw_cli_rundir_path(rd, "provenance.yaml"), name, A,
                                             B, a, r, err);
    return st;
}

tw_status tw_cli_compare(const tw_cli_args *a, int argc, char **argv, tw_err *err) {
    (void)argc;
    (void)argv;
    tw_cli_scenario A, B;
    bool rank0 = tw_mpi_rank() == 0;
    tw_status st = tw__load_side(a, true, &A, err);
    if (st != TW_OK) return st;
    if ((st = tw__load_side(a, false, &B, err)) != TW_OK) {
        tw_cli_scenario_free(&A);
        return st;
    }
    /* Common random numbers: B runs with A's seed and replicate count. */
    B.spec.seed = A.spec.seed;
    B.spec.replicates = A.spec.replicates;
    st = tw__compatible(&A, &B, err);
    char name[sizeof A.name + sizeof B.name + 16];
    snprintf(name, sizeof name, "compare-%s-vs-%s", A.name, B.name);
    tw_cli_rundir *rd = NULL;
    if (st == TW_OK) st = tw_cli_rundir_open(a, name, &rd, err);
    char dir[4096] = ""; /* for the message after rd is gone */
    if (rd != NULL) snprintf(dir, sizeof dir, "%s", tw_cli_rundir_dir(rd));
    st = tw_mpi_agree(st, err);
    size_t n_rep = (size_t)A.spec.replicates, n_out = tw_run_output_days(&A.spec);
    size_t ns = A.model->n_series(A.params), no = A.model->n_outcomes(A.params), row = n_out * ns;
    int threads = tw_cli_threads(a), size = tw_mpi_size();
    tw_par_mode mode = tw_run_resolve_mode(a->par, threads, n_rep);
    size_t chunk = (mode == TW_PAR_REPLICATES ? (size_t)threads : 1) * TW__CMP_PER_THREAD * (size_t)size;
    tw__pair *cells = NULL, *outc = NULL;
    tw_day *dates = NULL;
    tw__timeline tl;
    memset(&tl, 0, sizeof tl);
    if (st == TW_OK && rank0) {
        cells = calloc(row + 1, sizeof *cells);
        outc = calloc(no + 1, sizeof *outc);
        dates = calloc(n_out + 1, sizeof *dates);
        size_t last = (size_t)(A.spec.end - A.spec.start);
        if (cells != NULL && outc != NULL && dates != NULL) {
            for (size_t k = 0, d = 0; d <= last; d++)
                if (d % (size_t)A.spec.interval_days == 0 || d == last)
                    dates[k++] = A.spec.start + (tw_day)d;
        }
        if (cells == NULL || outc == NULL || dates == NULL ||
            !tw__timeline_init(&tl, &A, dates, n_out))
            st = tw_err_set(err, TW_ENOMEM, "out of memory for %zu paired cells", row);
    }
    st = tw_mpi_agree(st, err);
    if (st == TW_OK && rank0 && !a->quiet) {
        char d0[TW_DATE_STRLEN], d1[TW_DATE_STRLEN];
        fprintf(stderr, "tradewar: compare %s (A) with %s (B), %s to %s, %zu paired replicates, "
                        "seed %lu, %d threads x %d ranks\n", A.name, B.name,
                tw_date_format(A.spec.start, d0), tw_date_format(A.spec.end, d1), n_rep,
                (unsigned long)A.spec.seed, threads, size);
    }
    tw_chunk ca = {0}, cb = {0};
    for (size_t r0 = 0; st == TW_OK && r0 < n_rep; r0 += chunk) {
        size_t cn = n_rep - r0 < chunk ? n_rep - r0 : chunk;
        st = tw_chunk_run_spread(A.model, A.params, &A.spec, threads, mode, size, r0, cn, &ca, err);
        if (st == TW_OK)
            st = tw_chunk_run_spread(B.model, B.params, &B.spec, threads, mode, size, r0, cn, &cb,
                                     err);
        if (st == TW_OK && rank0) {
            for (size_t i = 0; i < cn; i++) {
                for (size_t c = 0; c < row; c++)
                    tw__pair_add(&cells[c], ca.series[i * row + c], cb.series[i * row + c]);
                for (size_t k = 0; k < no; k++)
                    tw__pair_add(&outc[k], ca.outcomes[i * no + k], cb.outcomes[i * no + k]);
                tw__timeline_add(&tl, ca.series + i * row, cb.series + i * row, ns);
            }
        }
        st = tw_mpi_agree(st, err);
        int stop = tw_cli_stop_signal != 0;
        if (st == TW_OK) st = tw_mpi_agree(tw_mpi_max_int(&stop, err), err);
        if (st == TW_OK && stop && r0 + cn < n_rep)
            st = tw_err_set(err, TW_ERUNTIME, "compare: stopped by a signal after %zu of %zu "
                                              "replicates; nothing written", r0 + cn, n_rep);
    }
    tw_chunk_clear(&ca);
    tw_chunk_clear(&cb);
    tw_cli_result res = {n_rep, threads, mode, 0};
    if (st == TW_OK && rank0)
        st = tw__cmp_files(rd, name, &A, &B, a, dates, n_out, cells, outc, &res, err);
    st = tw_cli_rundir_finish(rd, st, false, err);
    if (st == TW_OK && rank0 && !a->silent) {
        tw__cmp_print(stdout, &A, &B, outc);
        tw__timeline_print(stdout, &tl, dates);
        printf("\nresult hash %016llx\nwritten: %s/{compare.csv,compare_outcomes.csv,"
               "scenario_a.yaml,scenario_b.yaml,provenance.yaml}\n",
               (unsigned long long)res.result_hash, dir);
    }
    free(cells);
    free(outc);
    free(dates);
    tw__timeline_free(&tl);
    tw_cli_scenario_free(&A);
    tw_cli_scenario_free(&B);
    if (st == TW_OK && a->report && rank0) st = tw_cli_report_dir(dir, a->silent, err);
    return tw_mpi_agree(st, err);
}
