/* cli_report.c - the short summary table printed after a run.
 *
 * Picks a few headline series by their labels (so it needs no access to the model's
 * internals) and prints them at the first day of each month, with the replicate mean
 * and, for imports, the 5-95% band; then the per-replicate outcomes.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "tw_stats.h"

static long tw__find(const tw_model *m, const void *params, const char *ind, const char *region,
                     const char *partner, const char *sector) {
    size_t n = m->n_series(params);
    for (size_t i = 0; i < n; i++) {
        tw_series_label l = m->series(params, i);
        if (strcmp(l.indicator, ind) == 0 && strcmp(l.region, region) == 0 &&
            strcmp(l.partner, partner) == 0 && strcmp(l.sector, sector) == 0)
            return (long)i;
    }
    return -1;
}

static void tw__cell(const tw_results *res, long series, size_t t, double *scratch,
                     double *vals, tw_summary *sm) {
    size_t stride = res->n_out * res->n_series;
    for (size_t r = 0; r < res->n_rep; r++)
        vals[r] = res->series[r * stride + t * res->n_series + (size_t)series];
    tw_summarise(vals, res->n_rep, scratch, sm);
}

static long tw__outcome(const tw_model *m, const void *params, const char *name) {
    size_t n = m->n_outcomes(params);
    for (size_t i = 0; i < n; i++)
        if (strcmp(m->outcome_name(params, i), name) == 0) return (long)i;
    return -1;
}

/* The 95% Wilson score interval of k successes in n trials (better than the normal
 * approximation near 0 and 1 and with few replicates). */
static void tw__wilson(size_t k, size_t n, double *lo, double *hi) {
    const double z = 1.959963984540054;
    double p = (double)k / (double)n, z2n = z * z / (double)n;
    double centre = (p + z2n / 2.0) / (1.0 + z2n);
    double half = z / (1.0 + z2n) * sqrt(p * (1.0 - p) / (double)n + z2n / (4.0 * (double)n));
    *lo = fmax(0.0, centre - half);
    *hi = fmin(1.0, centre + half);
}

/* Headline probabilities of the policy outcomes: the share of replicates where each 0/1
 * outcome happened, with its Wilson interval, and when the first leader call came. Printed
 * only when something happened in some replicate (scripted scenarios have no events). */
static void tw__report_headline(FILE *fp, const tw_results *res, const tw_model *model,
                                const void *params, double *vals, double *scratch) {
    static const struct {
        const char *name, *text;
    } rows[] = {
        {"leader_call_before_truce_end", "a leader call before the truce runs out"},
        {"deal_before_truce_end", "a call breaks the deadlock (deal) before it runs out"},
        {"truce_extended", "the truce is extended"},
        {"snap_back", "the truce ends: snap-back or broken"},
        {"breach_accused", "a breach accusation"},
        {"us_vehicle_halt", "a shortage halts US vehicle output"},
        {"court_struck_ieepa", "the court strikes down the IEEPA tariffs"},
        {"third_party_retaliated", "a third party retaliates"},
    };
    enum { NROW = sizeof rows / sizeof rows[0] };
    long idx[NROW];
    bool any = false;
    size_t n = res->n_rep;
    for (int k = 0; k < NROW; k++) {
        idx[k] = tw__outcome(model, params, rows[k].name);
        for (size_t r = 0; idx[k] >= 0 && r < n; r++)
            any |= res->outcomes[r * res->n_outcomes + (size_t)idx[k]] != 0.0;
    }
    long call = tw__outcome(model, params, "first_leader_call_day");
    size_t ncall = 0;
    for (size_t r = 0; call >= 0 && r < n; r++) {
        double v = res->outcomes[r * res->n_outcomes + (size_t)call];
        if (!isnan(v)) vals[ncall++] = v;
    }
    if (!any && ncall == 0) return;
    fprintf(fp, "\n%-56s  %11s  %17s   (%zu replicates)\n", "headline probabilities", "probability",
            "95% CI (Wilson)", n);
    for (int k = 0; k < NROW; k++) {
        if (idx[k] < 0) continue;
        size_t hits = 0;
        for (size_t r = 0; r < n; r++) hits += res->outcomes[r * res->n_outcomes + (size_t)idx[k]] != 0.0;
        double lo, hi;
        tw__wilson(hits, n, &lo, &hi);
        fprintf(fp, "%-56s  %11.3f  [%6.3f, %6.3f]\n", rows[k].text, (double)hits / (double)n, lo, hi);
    }
    if (ncall > 0) {
        tw_summary sm;
        tw_summarise(vals, ncall, scratch, &sm);
        char d50[TW_DATE_STRLEN], d05[TW_DATE_STRLEN], d95[TW_DATE_STRLEN];
        tw_day d0 = res->dates[0];
        fprintf(fp, "%-56s  %11s  [%s, %s]   (p05, p95; %zu of %zu replicates had a call)\n",
                "first leader call, median date", tw_date_format(d0 + (tw_day)lround(sm.q[1]), d50),
                tw_date_format(d0 + (tw_day)lround(sm.q[0]), d05),
                tw_date_format(d0 + (tw_day)lround(sm.q[2]), d95), ncall, n);
    }
}

void tw_cli_report(FILE *fp, const tw_results *res, const tw_model *model, const void *params) {
    static const struct {
        const char *head, *ind, *region, *partner;
        double scale;
    } cols[] = {
        {"US tariff on CN %", "tariff_rate", "US", "CN", 1.0},
        {"CN tariff on US %", "tariff_rate", "CN", "US", 1.0},
        {"US imp. from CN $bn/yr", "imports", "US", "CN", 365.0 / 1000.0},
        {"CN share US imp. %", "partner_import_share", "US", "CN", 1.0},
        {"US welfare %", "welfare", "US", "all", 1.0},
        {"CN welfare %", "welfare", "CN", "all", 1.0},
    };
    enum { NCOL = sizeof cols / sizeof cols[0] };
    long idx[NCOL];
    for (int c = 0; c < NCOL; c++) {
        idx[c] = tw__find(model, params, cols[c].ind, cols[c].region, cols[c].partner, "all");
        if (idx[c] < 0) return; /* another model: nothing to report */
    }
    double *scratch = malloc(res->n_rep * sizeof *scratch);
    double *vals = malloc(res->n_rep * sizeof *vals);
    if (scratch == NULL || vals == NULL) {
        free(scratch);
        free(vals);
        return;
    }
    fprintf(fp, "\n%-10s  %17s  %17s  %26s  %18s  %12s  %12s\n", "date", cols[0].head,
            cols[1].head, "US imports from CN $bn/yr", cols[3].head, cols[4].head, cols[5].head);
    fprintf(fp, "%-10s  %17s  %17s  %26s  %18s  %12s  %12s\n", "", "mean", "mean",
            "mean [p05, p95]", "mean", "mean", "mean");
    for (size_t t = 0; t < res->n_out; t++) {
        /* The first output day of each month, and the last day. */
        int y, mo, d, py = 0, pm = 0, pd;
        tw_civil_from_day(res->dates[t], &y, &mo, &d);
        if (t > 0) tw_civil_from_day(res->dates[t - 1], &py, &pm, &pd);
        bool new_month = t == 0 || y != py || mo != pm;
        if (!new_month && t + 1 != res->n_out) continue;
        char date[TW_DATE_STRLEN];
        fprintf(fp, "%-10s", tw_date_format(res->dates[t], date));
        for (int c = 0; c < NCOL; c++) {
            tw_summary sm;
            tw__cell(res, idx[c], t, scratch, vals, &sm);
            double k = cols[c].scale;
            if (c == 2)
                fprintf(fp, "  %8.1f [%7.1f, %7.1f]", k * sm.mean, k * sm.q[0], k * sm.q[2]);
            else if (c == 3)
                fprintf(fp, "  %18.2f", k * sm.mean);
            else if (c >= 4)
                fprintf(fp, "  %12.3f", k * sm.mean);
            else
                fprintf(fp, "  %17.1f", k * sm.mean);
        }
        fputc('\n', fp);
    }
    if (res->n_outcomes > 0) {
        fprintf(fp, "\n%-34s  %12s  %12s  %12s   (%zu replicates)\n", "per-replicate outcome",
                "mean", "p05", "p95", res->n_rep);
        for (size_t k = 0; k < res->n_outcomes; k++) {
            for (size_t r = 0; r < res->n_rep; r++) vals[r] = res->outcomes[r * res->n_outcomes + k];
            tw_summary sm;
            tw_summarise(vals, res->n_rep, scratch, &sm);
            fprintf(fp, "%-34s  %12.4g  %12.4g  %12.4g\n", model->outcome_name(params, k), sm.mean,
                    sm.q[0], sm.q[2]);
        }
        tw__report_headline(fp, res, model, params, vals, scratch);
    }
    free(scratch);
    free(vals);
}
