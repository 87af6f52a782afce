/* cli_report.c - the short summary table printed after a run.
 *
 * Picks a few headline series by their labels (so it needs no access to the model's
 * internals) and prints them at the first day of each month, with the replicate mean
 * and, for imports, the 5-95% band; then the per-replicate outcomes.
 */
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

void tw_cli_report(FILE *fp, const tw_batch_stats *res, size_t n_rep, const tw_model *model,
                   const void *params) {
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
            tw_sketch_summary(&res->cells[t * res->n_series + (size_t)idx[c]], &sm);
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
                "mean", "p05", "p95", n_rep);
        for (size_t k = 0; k < res->n_outcomes; k++) {
            tw_summary sm;
            tw_sketch_summary(&res->outcomes[k], &sm);
            fprintf(fp, "%-34s  %12.4g  %12.4g  %12.4g\n", model->outcome_name(params, k), sm.mean,
                    sm.q[0], sm.q[2]);
        }
    }
}
