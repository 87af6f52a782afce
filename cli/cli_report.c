/* cli_report.c - the short summary table printed after a run.
 *
 * Picks a few headline series by their labels (so it needs no access to the model's
 * internals) and prints them at the first day of each month, with the replicate mean
 * and, for imports, the 5-95% band; for scenarios with export controls, a weekly table of
 * the rare-earth shortage in US vehicles and when it starts; then the per-replicate
 * outcomes.
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

static const tw_sketch *tw__cell(const tw_batch_stats *res, long series, size_t t) {
    return &res->cells[t * res->n_series + (size_t)series];
}

static long tw__outcome(const tw_batch_stats *res, const tw_model *m, const void *params,
                        const char *name) {
    for (size_t k = 0; k < res->n_outcomes; k++)
        if (strcmp(m->outcome_name(params, k), name) == 0) return (long)k;
    return -1;
}

/* Scenarios with export controls: when and how far US vehicle output falls, weekly, with
 * bands across replicates, and the headline rare-earth outcomes. Shown only when some
 * regime toward the US was not open at some point of the run (re_regime_open below 1 in
 * some replicate). The regime column is the one most replicates are in. */
static void tw__report_controls(FILE *fp, const tw_batch_stats *res, size_t n_rep,
                                const tw_model *m, const void *params) {
    static const char *const regimes[] = {"open", "licensing", "slow_roll", "halt"};
    long regime[4];
    for (int k = 0; k < 4; k++) {
        char name[32];
        snprintf(name, sizeof name, "re_regime_%s", regimes[k]);
        regime[k] = tw__find(m, params, name, "US", "CN", "all");
        if (regime[k] < 0) return;
    }
    long loss = tw__find(m, params, "output_loss_gross", "US", "all", "vehicles");
    long halted = tw__find(m, params, "re_firms_halted", "US", "CN", "vehicles");
    long inv = tw__find(m, params, "re_inventory_days", "US", "CN", "vehicles");
    long p10 = tw__find(m, params, "re_inventory_days_p10", "US", "CN", "vehicles");
    long ship = tw__find(m, params, "re_shipments", "US", "CN", "all");
    long gdp = tw__find(m, params, "gdp", "US", "all", "all");
    if (loss < 0 || halted < 0 || inv < 0 || p10 < 0 || ship < 0 || gdp < 0) return;
    bool controlled = false;
    for (size_t t = 0; t < res->n_out && !controlled; t++)
        controlled = tw__cell(res, regime[0], t)->min < 1.0;
    if (!controlled) return;
    fprintf(fp, "\nRare-earth magnets, China -> US (weekly; bands p05-p95 across %zu replicates)\n",
            n_rep);
    fprintf(fp, "%-10s  %-10s  %26s  %22s  %18s  %15s  %12s\n", "date", "regime",
            "US veh. output stopped %", "US vehicle firms halted %", "US veh. stock days",
            "US<-CN t/day", "US GDP %");
    fprintf(fp, "%-10s  %-10s  %26s  %22s  %18s  %15s  %12s\n", "", "(most)", "mean [p05, p95]",
            "mean [p05, p95]", "mean (p10)", "mean", "mean");
    for (size_t t = 0; t < res->n_out; t++) {
        if (t % 7 != 0 && t + 1 != res->n_out) continue;
        char date[TW_DATE_STRLEN];
        tw_summary b, c, d, e, g, h;
        int rg = 0; /* the regime most replicates are in */
        for (int k = 1; k < 4; k++)
            if (tw__cell(res, regime[k], t)->mean > tw__cell(res, regime[rg], t)->mean) rg = k;
        tw_sketch_summary(tw__cell(res, loss, t), &b);
        tw_sketch_summary(tw__cell(res, halted, t), &c);
        tw_sketch_summary(tw__cell(res, inv, t), &d);
        tw_sketch_summary(tw__cell(res, p10, t), &e);
        tw_sketch_summary(tw__cell(res, ship, t), &g);
        tw_sketch_summary(tw__cell(res, gdp, t), &h);
        fprintf(fp, "%-10s  %-10s  %8.1f [%6.1f, %6.1f]  %6.1f [%5.1f, %5.1f]  %10.1f (%5.1f)  %15.1f  %12.3f\n",
                tw_date_format(res->dates[t], date), regimes[rg], b.mean,
                b.q[0], b.q[2], c.mean, c.q[0], c.q[2], d.mean, e.mean, g.mean, h.mean);
    }
    long first = tw__outcome(res, m, params, "re_us_vehicles_first_loss_day");
    long peak = tw__outcome(res, m, params, "re_us_vehicles_peak_loss_pct");
    long days = tw__outcome(res, m, params, "re_us_shortage_days");
    long cost = tw__outcome(res, m, params, "gdp_loss_us_usd_bn");
    long plant = tw__outcome(res, m, params, "re_us_vehicles_plant_days");
    if (first < 0 || peak < 0 || days < 0 || cost < 0 || plant < 0) return;
    const tw_sketch *fs = &res->outcomes[first];
    if (fs->n == 0) {
        fprintf(fp, "\nUS vehicle output never falls by more than the shortage threshold "
                    "(rare_earths.loss_threshold_pct) in any of %zu replicates.\n", n_rep);
        return;
    }
    tw_summary sm;
    tw_sketch_summary(fs, &sm);
    char d50[TW_DATE_STRLEN], d05[TW_DATE_STRLEN], d95[TW_DATE_STRLEN];
    tw_day d0 = res->dates[0];
    fprintf(fp, "\nUS vehicle output starts to fall (loss above rare_earths.loss_threshold_pct) "
                "in %llu of %zu replicates:\n  on %s (median; day %.0f of the run), "
                "p05-p95 %s to %s\n", (unsigned long long)fs->n, n_rep,
            tw_date_format(d0 + (tw_day)floor(sm.q[1] + 0.5), d50), sm.q[1],
            tw_date_format(d0 + (tw_day)floor(sm.q[0] + 0.5), d05),
            tw_date_format(d0 + (tw_day)floor(sm.q[2] + 0.5), d95));
    static const struct {
        const char *what, *unit;
    } rows[] = {{"peak US vehicle output loss", "%"},
                {"days with US vehicle output loss above threshold", "days"},
                {"plant-days stopped per US vehicle plant", "days"},
                {"cumulative US GDP lost to shortages (net of catch-up)", "USD bn"}};
    long ks[] = {peak, days, plant, cost};
    for (int i = 0; i < 4; i++) {
        tw_sketch_summary(&res->outcomes[ks[i]], &sm);
        fprintf(fp, "  %-50s %8.1f %-6s (median %.1f, p05-p95 %.1f to %.1f)\n", rows[i].what,
                sm.mean, rows[i].unit, sm.q[1], sm.q[0], sm.q[2]);
    }
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

/* A drawn parameter in words (its key path when it has none). */
static const char *tw__param_words(const char *key) {
    static const char *const words[][2] = {
        {"events.leader_calls.hazard_per_day", "the call hazard"},
        {"events.leader_calls.pain_slope", "the call hazard's pain slope"},
        {"events.deal.base", "the deal chance"},
        {"events.deal.pain_slope", "the deal chance's pain slope"},
        {"events.truce.extension.base", "the extension chance"},
        {"events.truce.extension.pain_slope", "the extension chance's pain slope"},
        {"events.court.strike_prob", "the court's strike chance"},
        {"events.court.reimpose.prob", "the re-imposition chance"},
        {"events.court.ruling_day", "the ruling day"},
        {"governments.US.resolve", "the US resolve"},
        {"governments.CN.resolve", "China's resolve"},
        {"governments.US.snapback_prob", "the US snap-back chance"},
        {"governments.CN.snapback_prob", "China's snap-back chance"},
        {"governments.US.forgive", "the US forgiveness"},
        {"governments.CN.forgive", "China's forgiveness"},
    };
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++)
        if (strcmp(words[k][0], key) == 0) return words[k][1];
    return key;
}

/* The drawn parameters with the largest first-order indices for outcome, those of at
 * least 0.1 whose bootstrap interval excludes 0, at most three, largest first; how many.
 * *varies: some index exists. */
static int tw__top(const tw_drivers *dr, const char *outcome, size_t top[3], bool *varies) {
    int nt = 0;
    *varies = false;
    for (size_t p = 0; dr != NULL && p < dr->n_par; p++) {
        const tw_driver *d = tw_drivers_get(dr, outcome, p);
        if (d == NULL || isnan(d->index)) continue;
        *varies = true;
        if (d->index < 0.1 || !(d->lo > 0.0)) continue; /* within noise */
        int at = nt < 3 ? nt++ : 3;
        while (at > 0 && tw_drivers_get(dr, outcome, top[at - 1])->index < d->index) {
            if (at < 3) top[at] = top[at - 1];
            at--;
        }
        if (at < 3) top[at] = p;
    }
    return nt;
}

/* true if one of the top drivers of outcome ranges over an assumption. */
static bool tw__assumed(const tw_drivers *dr, const char *outcome, const tw_model *m,
                        const void *params) {
    size_t top[3];
    bool varies;
    int nt = tw__top(dr, outcome, top, &varies);
    for (int k = 0; k < nt && m->drawn_assumed != NULL; k++)
        if (m->drawn_assumed(params, top[k])) return true;
    return false;
}

/* Under a headline line, its top drivers: "mostly the deal chance (S1 0.71)", "driven by
 * the US resolve (S1 0.33) and the call hazard (0.18)". */
static void tw__report_drivers(FILE *fp, const tw_drivers *dr, const char *outcome) {
    if (dr == NULL || dr->n_par == 0 || tw_drivers_get(dr, outcome, 0) == NULL) return;
    size_t top[3];
    bool varies;
    int nt = tw__top(dr, outcome, top, &varies);
    if (nt == 0) {
        fprintf(fp, "    %s\n", varies ? "no drawn parameter explains it (Monte Carlo noise)"
                                       : "the same in every replicate: no draw within the ranges changes it");
        return;
    }
    fprintf(fp, "    %s", nt == 1 && tw_drivers_get(dr, outcome, top[0])->index >= 0.5 ? "mostly "
                                                                                   : "driven by ");
    for (int k = 0; k < nt; k++) {
        const tw_driver *d = tw_drivers_get(dr, outcome, top[k]);
        fprintf(fp, "%s%s (%s%.2f)", k == 0 ? "" : (k + 1 == nt ? " and " : ", "),
                tw__param_words(dr->par_names[top[k]]), k == 0 ? "S1 " : "", d->index);
    }
    fputc('\n', fp);
}

/* Headline probabilities of the policy outcomes: the share of replicates where each 0/1
 * outcome happened (its sketch counts the zeros exactly, so the non-zero values are the
 * replicates where it happened), with its Wilson interval, and when the first leader call
 * came. Printed only when something happened in some replicate (scripted scenarios have
 * no events). */
static void tw__report_headline(FILE *fp, const tw_batch_stats *res, size_t n,
                                const tw_model *model, const void *params, const tw_drivers *dr) {
    static const struct {
        const char *name, *text;
    } rows[] = {
        {"leader_call_before_truce_end", "a leader call before the truce runs out"},
        {"deal_before_truce_end", "a call breaks the deadlock (deal) before it runs out"},
        {"truce_extended", "the truce is extended"},
        {"snap_back", "the truce ends: snap-back or broken"},
        {"breach_accused", "a breach accusation"},
        {"us_vehicle_halt", "a shortage halts US vehicles (events.vehicle_halt_loss)"},
        {"court_struck_ieepa", "the court strikes down the IEEPA tariffs"},
        {"third_party_retaliated", "a third party retaliates"},
    };
    enum { NROW = sizeof rows / sizeof rows[0] };
    long idx[NROW];
    size_t hits[NROW];
    bool any = false;
    for (int k = 0; k < NROW; k++) {
        idx[k] = tw__outcome(res, model, params, rows[k].name);
        hits[k] = 0;
        if (idx[k] < 0) continue;
        const tw_sketch *sk = &res->outcomes[idx[k]];
        hits[k] = (size_t)(sk->n - sk->zeros);
        any |= hits[k] > 0;
    }
    long call = tw__outcome(res, model, params, "first_leader_call_day");
    const tw_sketch *cs = call >= 0 ? &res->outcomes[call] : NULL;
    size_t ncall = cs != NULL ? (size_t)cs->n : 0;
    if (!any && ncall == 0) return;
    bool marked = false;
    fprintf(fp, "\n%-56s  %11s  %17s   (%zu replicates)\n", "headline probabilities", "probability",
            "95% CI (Wilson)", n);
    for (int k = 0; k < NROW; k++) {
        if (idx[k] < 0) continue;
        double lo, hi;
        tw__wilson(hits[k], n, &lo, &hi);
        bool assumed = tw__assumed(dr, rows[k].name, model, params);
        marked |= assumed;
        fprintf(fp, "%-56s  %11.3f  [%6.3f, %6.3f]%s\n", rows[k].text,
                (double)hits[k] / (double)n, lo, hi, assumed ? " *" : "");
        tw__report_drivers(fp, dr, rows[k].name);
    }
    if (ncall > 0) {
        tw_summary sm;
        tw_sketch_summary(cs, &sm);
        char d50[TW_DATE_STRLEN], d05[TW_DATE_STRLEN], d95[TW_DATE_STRLEN];
        tw_day d0 = res->dates[0];
        fprintf(fp, "%-56s  %11s  [%s, %s]   (p05, p95; %zu of %zu replicates had a call)\n",
                "first leader call, median date", tw_date_format(d0 + (tw_day)lround(sm.q[1]), d50),
                tw_date_format(d0 + (tw_day)lround(sm.q[0]), d05),
                tw_date_format(d0 + (tw_day)lround(sm.q[2]), d95), ncall, n);
    }
    if (dr != NULL && dr->n_par > 0)
        fprintf(fp, "intervals cover Monte Carlo error only; see drivers for what the answer depends on%s\n",
                marked ? "\n* driven by an assumed range (a distribution marked assumed: true or "
                         "given without a source)"
                       : "");
}

void tw_cli_report(FILE *fp, const tw_batch_stats *res, size_t n_rep, const tw_model *model,
                   const void *params, const tw_drivers *dr) {
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
    tw__report_controls(fp, res, n_rep, model, params);
    if (res->n_outcomes > 0) {
        fprintf(fp, "\n%-34s  %12s  %12s  %12s   (%zu replicates)\n", "per-replicate outcome",
                "mean", "p05", "p95", n_rep);
        size_t n_drawn = model->n_drawn != NULL ? model->n_drawn(params) : 0;
        for (size_t k = 0; k + n_drawn < res->n_outcomes; k++) {
            tw_summary sm;
            tw_sketch_summary(&res->outcomes[k], &sm);
            fprintf(fp, "%-34s  %12.4g  %12.4g  %12.4g\n", model->outcome_name(params, k), sm.mean,
                    sm.q[0], sm.q[2]);
        }
        tw__report_headline(fp, res, n_rep, model, params, dr);
    }
}
