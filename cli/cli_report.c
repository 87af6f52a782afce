/* cli_report.c - the terminal tables printed after a run, and the monthly arithmetic that
 * compare's timeline shares.
 *
 * Picks a few headline series by their labels (so it needs no access to the model's
 * internals) and prints one line a month in the units monthly statistics use: a flow (an
 * indicator the model's data dictionary aggregates by sum) as the month's total of the
 * daily replicate means, USD million per day turned into USD bn per month; a level as the
 * month's mean; the unit of each column from the dictionary. The answers come first: the
 * headline probabilities (cli_headline.c) and the leader calls per replicate against the
 * historical rate the scenario names. Then, for scenarios with
 * export controls, a weekly table of the rare-earth shortage in US vehicles and when it
 * starts; then the per-replicate outcomes with their units, the US-EU block (steel and aluminium, the EU's answer, its imports from the US and its
 * welfare) where the run moves those tariffs or has an EU third party, and the court
 * block where the scenario has a ruling.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_mlmc.h"
#include "tw_stats.h"
#include "tw_trade.h"

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

long tw_cli_outcome_find(const tw_batch_stats *res, const tw_model *m, const void *params,
                        const char *name) {
    for (size_t k = 0; k < res->n_outcomes; k++)
        if (strcmp(m->outcome_name(params, k), name) == 0) return (long)k;
    return -1;
}

static const char *const tw__re_regs[] = {"US", "EU", "ROW"}; /* the magnets' importers */

/* Whether China's regime toward some importing region left open in some replicate. */
static bool tw__controlled(const tw_batch_stats *res, const tw_model *m, const void *params) {
    for (int r = 0; r < 3; r++) {
        long open = tw__find(m, params, "re_regime_open", tw__re_regs[r], "CN", "all");
        for (size_t t = 0; open >= 0 && t < res->n_out; t++)
            if (tw__cell(res, open, t)->min < 1.0) return true;
    }
    return false;
}

/* Scenarios with export controls: when and how far US vehicle output falls, weekly, with
 * bands across replicates, and the headline rare-earth outcomes. Shown only when some
 * regime toward the US was not open at some point of the run (re_regime_open below 1 in
 * some replicate). The regime column is the one most replicates are in. */
static void tw__report_controls(FILE *fp, const tw_batch_stats *res, size_t n_rep,
                                const tw_model *m, const void *params, bool tables) {
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
    if (tables) {
        bool sparse = res->n_out > 1 && res->dates[1] - res->dates[0] > 7;
        fprintf(fp, "\nRare-earth magnets, China -> US (%s; bands p05-p95 across %zu replicates)\n",
                sparse ? "every output day" : "weekly", n_rep);
        fprintf(fp, "%-10s  %-10s  %26s  %22s  %18s  %15s  %12s\n", "date", "regime",
                "US veh. output stopped %", "US vehicle firms halted %", "US veh. stock days",
                "US<-CN t/day", "US GDP %");
        fprintf(fp, "%-10s  %-10s  %26s  %22s  %18s  %15s  %12s\n", "", "(most)", "mean [p05, p95]",
                "mean [p05, p95]", "mean (p10)", "mean", "mean");
        tw_day shown = res->dates[0]; /* the last row's date: rows at least a week apart */
        for (size_t t = 0; t < res->n_out; t++) {
            if (t > 0 && res->dates[t] - shown < 7 && t + 1 != res->n_out) continue;
            shown = res->dates[t];
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
    } else {
        fprintf(fp, "\n(the weekly rare-earth table, China -> US: --tables, or summary.csv)\n");
    }
    long first = tw_cli_outcome_find(res, m, params, "re_us_vehicles_first_loss_day");
    long peak = tw_cli_outcome_find(res, m, params, "re_us_vehicles_peak_loss_pct");
    long days = tw_cli_outcome_find(res, m, params, "re_us_shortage_days");
    long cost = tw_cli_outcome_find(res, m, params, "gdp_loss_us_usd_bn");
    long plant = tw_cli_outcome_find(res, m, params, "re_us_vehicles_plant_days");
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
void tw_cli_wilson(size_t k, size_t n, double *lo, double *hi) {
    const double z = 1.959963984540054;
    double p = (double)k / (double)n, z2n = z * z / (double)n;
    double centre = (p + z2n / 2.0) / (1.0 + z2n);
    double half = z / (1.0 + z2n) * sqrt(p * (1.0 - p) / (double)n + z2n / (4.0 * (double)n));
    *lo = fmax(0.0, centre - half);
    *hi = fmin(1.0, centre + half);
}

/* The outcomes that only the event process (governments, events, third parties) moves:
 * in a scenario without one they are not 0 by chance but not modelled, and the summary
 * says "scripted" instead of printing a probability of 0. */
static const char *const tw__event_outcomes[] = {
    "days_in_truce", "escalations", "first_leader_call_day", "leader_call_before_truce_end",
    "deal_before_truce_end", "truce_extended", "truce_extensions", "deal_cut_tariffs", "snap_back",
    "breach_accused", "court_struck_ieepa", "third_party_retaliated", "leader_calls",
    "court_ruling_day", "court_reimposed"};

bool tw_cli_event_outcome(const char *name) {
    for (size_t k = 0; k < sizeof tw__event_outcomes / sizeof *tw__event_outcomes; k++)
        if (strcmp(tw__event_outcomes[k], name) == 0) return true;
    return false;
}

/* true if the scenario has no event process: no governments, events or third parties,
 * so its truces, extensions and calls, if any, are dated tariff entries. */
static bool tw__scripted(const tw_cfg_node *root) {
    return tw_cfg_get(root, "governments") == NULL && tw_cfg_get(root, "events") == NULL &&
           tw_cfg_get(root, "third_parties") == NULL;
}

#define TW__SCRIPTED_NOTE                                                                     \
    "scripted: the scenario has no event process (no governments:, events: or "              \
    "third_parties:);\n  its truces, extensions and calls, if any, are dated tariff entries, " \
    "so nothing draws them\n"


static const struct {
    const char *head, *ind, *region, *partner;
    int prec;
} tw__headlines[TW_CLI_NHEADLINE] = {
    {"US tariff on CN", "tariff_rate", "US", "CN", 1},
    {"CN tariff on US", "tariff_rate", "CN", "US", 1},
    {"US imports from CN", "imports", "US", "CN", 1},
    {"CN share of US imp.", "partner_import_share", "US", "CN", 2},
    {"US welfare", "welfare", "US", "all", 3},
    {"CN welfare", "welfare", "CN", "all", 3},
};

void tw_cli_headline_find(const tw_model *model, const void *params,
                          tw_cli_headline cols[TW_CLI_NHEADLINE]) {
    const tw_measure_info *dict;
    size_t nd = tw_trade_indicator_list(&dict);
    for (int c = 0; c < TW_CLI_NHEADLINE; c++) {
        tw_cli_headline *h = &cols[c];
        h->head = tw__headlines[c].head;
        h->prec = tw__headlines[c].prec;
        h->idx = tw__find(model, params, tw__headlines[c].ind, tw__headlines[c].region,
                          tw__headlines[c].partner, "all");
        h->flow = false;
        h->scale = 1.0;
        snprintf(h->unit, sizeof h->unit, "mean");
        for (size_t k = 0; k < nd; k++) {
            if (strcmp(dict[k].name, tw__headlines[c].ind) != 0) continue;
            const char *u = dict[k].unit;
            h->flow = dict[k].aggregation == TW_AGG_SUM;
            size_t ul = strlen(u), pd = strlen(" per day");
            if (h->flow && strcmp(u, "USD million per day") == 0) {
                h->scale = 1e-3;
                snprintf(h->unit, sizeof h->unit, "USD bn/month");
            } else if (h->flow && ul > pd && strcmp(u + ul - pd, " per day") == 0) {
                snprintf(h->unit, sizeof h->unit, "%.*s/month", (int)(ul - pd), u);
            } else {
                /* "percent", "percent (log points)": the symbol, the rest kept. */
                bool pct = strncmp(u, "percent", 7) == 0;
                snprintf(h->unit, sizeof h->unit, "%s%s, %s", pct ? "%" : u, pct ? u + 7 : "",
                         h->flow ? "month total" : "mean");
            }
        }
    }
}

void tw_cli_headline_header(FILE *fp, const tw_cli_headline cols[TW_CLI_NHEADLINE]) {
    fprintf(fp, "%-7s  %4s", "month", "days");
    for (int c = 0; c < TW_CLI_NHEADLINE; c++) fprintf(fp, "  %20s", cols[c].head);
    fprintf(fp, "\n%-7s  %4s", "", "");
    for (int c = 0; c < TW_CLI_NHEADLINE; c++) fprintf(fp, "  %20s", cols[c].unit);
    fputc('\n', fp);
}

const char *tw_cli_outcome_unit(const char *name) {
    const tw_measure_info *dict;
    size_t nd = tw_trade_outcome_list(&dict);
    for (size_t k = 0; k < nd; k++)
        if (strcmp(dict[k].name, name) == 0) return dict[k].unit;
    return "";
}

tw_cli_month *tw_cli_run_months(const tw_day *dates, size_t n_out, size_t *n) {
    *n = 0;
    if (n_out == 0) return NULL;
    int y0, m0, y1, m1, d;
    tw_civil_from_day(dates[0], &y0, &m0, &d);
    tw_civil_from_day(dates[n_out - 1], &y1, &m1, &d);
    size_t count = (size_t)((y1 * 12 + m1) - (y0 * 12 + m0) + 1);
    tw_cli_month *ms = malloc(count * sizeof *ms);
    if (ms == NULL) return NULL;
    size_t t = 0;
    for (size_t k = 0; k < count; k++) {
        tw_cli_month *m = &ms[k];
        m->year = y0 + (m0 - 1 + (int)k) / 12;
        m->month = (m0 - 1 + (int)k) % 12 + 1;
        m->lo = tw_day_from_civil(m->year, m->month, 1);
        m->hi = m->lo + tw_days_in_month(m->year, m->month) - 1;
        if (m->lo < dates[0]) m->lo = dates[0];
        if (m->hi > dates[n_out - 1]) m->hi = dates[n_out - 1];
        while (t + 1 < n_out && dates[t + 1] <= m->lo) t++;
        m->t0 = t;
        m->t1 = t + 1;
        while (m->t1 < n_out && dates[m->t1] <= m->hi) m->t1++;
    }
    *n = count;
    return ms;
}

/* Month m's value of a series: the total over its days of the replicate means for a
 * flow, their mean for a level, in the series' own unit, each output day counted for the
 * days of the month it stands for; *days: the run's days in the month. */
double tw_cli_month_share(const tw_cli_month *m, const tw_day *dates, size_t n_out, size_t t) {
    tw_day from = dates[t] > m->lo ? dates[t] : m->lo;
    tw_day to = t + 1 < n_out ? dates[t + 1] - 1 : dates[t];
    if (to > m->hi) to = m->hi;
    return to >= from ? (double)(to - from + 1) : 0.0;
}

static double tw__month_mean(const tw_batch_stats *res, long series, const tw_cli_month *m,
                             bool flow, int *days) {
    double sum = 0.0;
    for (size_t t = m->t0; t < m->t1; t++)
        sum += tw_cli_month_share(m, res->dates, res->n_out, t) * tw__cell(res, series, t)->mean;
    *days = (int)(m->hi - m->lo) + 1;
    return flow ? sum : sum / (double)*days;
}

/* The share of replicates where a 0/1 outcome happened, with its Wilson interval. */
static void tw__share(FILE *fp, const char *what, const tw_sketch *sk, size_t n) {
    size_t hits = (size_t)(sk->n - sk->zeros);
    double lo, hi;
    tw_cli_wilson(hits, n, &lo, &hi);
    fprintf(fp, "  %-52s  %6.3f  [%6.3f, %6.3f]\n", what, (double)hits / (double)n, lo, hi);
}

/* mean [p05, p95] of a series on output day t, times k. */
static void tw__band(FILE *fp, const tw_batch_stats *res, long series, size_t t, double k) {
    tw_summary sm;
    tw_sketch_summary(tw__cell(res, series, t), &sm);
    fprintf(fp, "  %8.2f [%8.2f, %8.2f]", k * sm.mean, k * sm.q[0], k * sm.q[2]);
}

/* Leader calls per replicate over the days calls could come (from events.leader_calls
 * .from, else the first day), against events.leader_calls.reference when given. */
static void tw__report_calls(FILE *fp, const tw_batch_stats *res, const tw_model *m,
                             const void *params, const tw_cfg_node *root) {
    const tw_cfg_node *lc = tw_cfg_get(tw_cfg_get(root, "events"), "leader_calls");
    long k = tw_cli_outcome_find(res, m, params, "leader_calls");
    if (lc == NULL || k < 0 || res->n_out == 0) return;
    tw_err e;
    memset(&e, 0, sizeof e);
    tw_day first = res->dates[0], last = res->dates[res->n_out - 1], from = first;
    if (tw_cfg_date(lc, "from", false, first, &from, &e) != TW_OK || from < first) from = first;
    double days = from <= last ? (double)(last - from + 1) : 0.0;
    tw_summary sm;
    tw_sketch_summary(&res->outcomes[k], &sm);
    char d0[TW_DATE_STRLEN], d1[TW_DATE_STRLEN];
    fprintf(fp, "\nleader calls per replicate, %s to %s (%.0f days): mean %.2f, median %.0f, "
                "p05-p95 %.0f to %.0f\n",
            tw_date_format(from, d0), tw_date_format(last, d1), days, sm.mean, sm.q[1], sm.q[0],
            sm.q[2]);
    const tw_cfg_node *ref = tw_cfg_get(lc, "reference");
    double per_year = 0.0;
    const char *source = NULL;
    if (ref == NULL || tw_cfg_double(ref, "per_year", true, 0.0, 0.0, 365.0, &per_year, &e) != TW_OK ||
        tw_cfg_string(ref, "source", true, NULL, &source, &e) != TW_OK) {
        fprintf(fp, "  no historical rate to compare with (events.leader_calls.reference)\n");
        return;
    }
    fprintf(fp, "  historical rate %.2f a year = %.2f calls over these days\n  source: %s\n",
            per_year, per_year * days / 365.25, source);
}

/* true if the scenario lists a third party whose actor is the EU. */
static bool tw__eu_third(const tw_cfg_node *root) {
    const tw_cfg_node *tp = tw_cfg_get(root, "third_parties");
    for (size_t k = 0; tp != NULL && tw_cfg_kind_of(tp) == TW_CFG_SEQ && k < tw_cfg_len(tp); k++) {
        const char *actor = tw_cfg_text(tw_cfg_get(tw_cfg_at(tp, k), "actor"));
        if (actor != NULL && strcmp(actor, "EU") == 0) return true;
    }
    return false;
}

/* The US-EU block: the US steel and aluminium (Section 232 metals) rate on the EU, the
 * EU's trade-weighted tariff on the US, its imports from the US and its welfare, monthly
 * with bands; shown where either tariff moves during the run or an EU third party may
 * retaliate. */
static void tw__report_us_eu(FILE *fp, const tw_batch_stats *res, size_t n_rep,
                             const tw_model *m, const void *params, const tw_cfg_node *root) {
    long metals = tw__find(m, params, "tariff_rate", "US", "EU", "metals");
    long eu_us = tw__find(m, params, "tariff_rate", "EU", "US", "all");
    long imp = tw__find(m, params, "imports", "EU", "US", "all");
    long wel = tw__find(m, params, "welfare", "EU", "all", "all");
    if (metals < 0 || eu_us < 0 || imp < 0 || wel < 0 || res->n_out == 0) return;
    bool third = tw__eu_third(root), moved = false;
    for (size_t t = 1; t < res->n_out && !moved; t++)
        moved = fabs(tw__cell(res, metals, t)->max - tw__cell(res, metals, 0)->max) > 1e-9 ||
                fabs(tw__cell(res, eu_us, t)->max - tw__cell(res, eu_us, 0)->max) > 1e-9;
    if (!moved && !third) return;
    size_t nm;
    tw_cli_month *ms = tw_cli_run_months(res->dates, res->n_out, &nm);
    if (ms == NULL) return;
    fprintf(fp, "\nUS-EU: steel and aluminium and the EU's answer (%zu replicates): rates and "
                "welfare on the month's last\n"
                "day, mean [p05, p95]; EU imports from the US, the "
                "month's total, mean\n", n_rep);
    fprintf(fp, "%-7s  %28s  %28s  %28s  %18s\n", "month", "US tariff on EU metals %",
            "EU tariff on US %", "EU welfare %", "EU imp. from US");
    fprintf(fp, "%-7s  %28s  %28s  %28s  %18s\n", "", "month end", "month end", "month end",
            "USD bn/month");
    for (size_t mo = 0; mo < nm; mo++) {
        size_t t = ms[mo].t1 - 1; /* the output day that stands for the month's last */
        int days = 0;
        fprintf(fp, "%04d-%02d", ms[mo].year, ms[mo].month);
        tw__band(fp, res, metals, t, 1.0);
        tw__band(fp, res, eu_us, t, 1.0);
        tw__band(fp, res, wel, t, 1.0);
        /* imports are USD million per day: the month's total in USD bn */
        fprintf(fp, "  %18.2f\n", 1e-3 * tw__month_mean(res, imp, &ms[mo], true, &days));
    }
    free(ms);
    long hit = tw_cli_outcome_find(res, m, params, "third_party_retaliated");
    if (third && hit >= 0)
        tw__share(fp, "the EU retaliates (third_parties, actor EU)", &res->outcomes[hit], n_rep);
}

/* Magnets by destination, monthly: each importing region's vehicle output stopped and
 * China's magnets to it (licensed and outside scope); all destinations against China's
 * 2024 level (rare_earths.exports_t_per_year.total, default 52,500 t x 12 / 11). */
static void tw__report_re_regions(FILE *fp, const tw_batch_stats *res, const tw_model *m,
                                  const void *params, const tw_cfg_node *root) {
    const char *const *regs = tw__re_regs;
    long loss[3], lic[3], free_[3];
    size_t nm;
    for (int r = 0; r < 3; r++) {
        loss[r] = tw__find(m, params, "output_loss_gross", regs[r], "all", "vehicles");
        lic[r] = tw__find(m, params, "re_shipments", regs[r], "CN", "all");
        free_[r] = tw__find(m, params, "re_shipments_outside_scope", regs[r], "CN", "all");
        if (loss[r] < 0 || lic[r] < 0 || free_[r] < 0) return;
    }
    tw_err e;
    memset(&e, 0, sizeof e);
    double total = 52500.0 * 12.0 / 11.0;
    const tw_cfg_node *ex = tw_cfg_get(tw_cfg_get(root, "rare_earths"), "exports_t_per_year");
    if (ex != NULL && tw_cfg_double(ex, "total", false, total, 0.0, 1e9, &total, &e) != TW_OK)
        return;
    tw_cli_month *ms = tw_cli_run_months(res->dates, res->n_out, &nm);
    if (ms == NULL) return;
    fprintf(fp, "\nRare-earth magnets by destination, monthly means across replicates: vehicle "
                "output stopped %% and China's\nmagnets, tonnes a month; all destinations against "
                "China's 2024 level over the month's days\n(%.0f t a year)\n%-7s", total,
            "month");
    for (int r = 0; r < 3; r++) fprintf(fp, "  %5s veh. %%  %5s<-CN t", regs[r], regs[r]);
    fprintf(fp, "  %9s  %9s\n", "all t", "vs 2024 %");
    for (size_t mo = 0; mo < nm; mo++) {
        int days = 0;
        double all = 0.0;
        fprintf(fp, "%04d-%02d", ms[mo].year, ms[mo].month);
        for (int r = 0; r < 3; r++) {
            double t = tw__month_mean(res, lic[r], &ms[mo], true, &days) +
                       tw__month_mean(res, free_[r], &ms[mo], true, &days);
            all += t;
            fprintf(fp, "  %11.1f  %10.0f", tw__month_mean(res, loss[r], &ms[mo], false, &days), t);
        }
        double level = total * (double)days / 365.0; /* the 2024 level for the month's days */
        fprintf(fp, "  %9.0f  %9.1f\n", all, level > 0.0 ? 100.0 * all / level : 0.0);
    }
    free(ms);
}

/* The court block: when the ruling on the IEEPA tariffs comes, whether they are struck
 * down, whether and under what they are re-imposed, and the US tariff on China on the day
 * the ruling window opens and on the last day. A scenario with events but no court says so. */
static void tw__report_court(FILE *fp, const tw_batch_stats *res, size_t n_rep,
                             const tw_model *m, const void *params, const tw_cfg_node *root) {
    const tw_cfg_node *ev = tw_cfg_get(root, "events"), *court = tw_cfg_get(ev, "court");
    long day = tw_cli_outcome_find(res, m, params, "court_ruling_day");
    long struck = tw_cli_outcome_find(res, m, params, "court_struck_ieepa");
    long re = tw_cli_outcome_find(res, m, params, "court_reimposed");
    long us = tw__find(m, params, "tariff_rate", "US", "CN", "all");
    if (ev == NULL || day < 0 || struck < 0 || re < 0 || us < 0 || res->n_out == 0) return;
    if (court == NULL) {
        fprintf(fp, "\ncourt ruling on the IEEPA tariffs: none in this scenario (events.court; "
                    "scenarios/court-strikes-ieepa.yaml has one)\n");
        return;
    }
    tw_err e;
    memset(&e, 0, sizeof e);
    tw_day d0 = res->dates[0], from = d0;
    if (tw_cfg_date(court, "from", true, d0, &from, &e) != TW_OK || from < d0) from = d0;
    const tw_cfg_node *rp = tw_cfg_get(court, "reimpose");
    const char *auth = tw_cfg_text(tw_cfg_get(rp, "authority"));
    const char *cap = tw_cfg_text(tw_cfg_get(rp, "cap_pct"));
    fprintf(fp, "\nCourt ruling on the IEEPA tariffs (events.court; %zu replicates)\n", n_rep);
    const tw_sketch *ds = &res->outcomes[day];
    if (ds->n > 0) {
        tw_summary sm;
        tw_sketch_summary(ds, &sm);
        char a[TW_DATE_STRLEN], b[TW_DATE_STRLEN], c[TW_DATE_STRLEN];
        fprintf(fp, "  %-52s  %s  [%s, %s]   (median, p05-p95; %llu of %zu replicates)\n",
                "ruling date", tw_date_format(d0 + (tw_day)lround(sm.q[1]), a),
                tw_date_format(d0 + (tw_day)lround(sm.q[0]), b),
                tw_date_format(d0 + (tw_day)lround(sm.q[2]), c), (unsigned long long)ds->n, n_rep);
    } else {
        fprintf(fp, "  no ruling within the run\n");
    }
    tw__share(fp, "the IEEPA tariffs are struck down", &res->outcomes[struck], n_rep);
    char what[96];
    snprintf(what, sizeof what, "re-imposed under %s, capped at %s%%",
             auth != NULL ? auth : "another authority", cap != NULL ? cap : "15");
    tw__share(fp, what, &res->outcomes[re], n_rep);
    size_t t0 = 0;
    while (t0 + 1 < res->n_out && res->dates[t0] < from) t0++;
    char a[TW_DATE_STRLEN], b[TW_DATE_STRLEN];
    fprintf(fp, "  US tariff on CN %%, mean [p05, p95]: %s", tw_date_format(res->dates[t0], a));
    tw__band(fp, res, us, t0, 1.0);
    fprintf(fp, ";  %s", tw_date_format(res->dates[res->n_out - 1], b));
    tw__band(fp, res, us, res->n_out - 1, 1.0);
    fputc('\n', fp);
}

void tw_cli_report(FILE *fp, const tw_batch_stats *res, size_t n_rep, const tw_model *model,
                   const void *params, const tw_drivers *dr, const tw_cfg_node *root,
                   bool tables, const tw_cli_mlmc *ml) {
    tw_cli_headline cols[TW_CLI_NHEADLINE];
    tw_cli_headline_find(model, params, cols);
    for (int c = 0; c < TW_CLI_NHEADLINE; c++)
        if (cols[c].idx < 0) return; /* another model: nothing to report */
    bool scripted = tw__scripted(root);
    /* The answers first: the headline probabilities and the leader calls. */
    if (res->n_outcomes > 0) {
        tw_cli_report_headline(fp, res, n_rep, model, params, dr, scripted, ml);
        tw__report_calls(fp, res, model, params, root);
    }
    size_t nm;
    tw_cli_month *ms = tw_cli_run_months(res->dates, res->n_out, &nm);
    if (ms == NULL) return;
    fprintf(fp, "\nBy month: means across %zu replicates of each month's total (flows) or mean "
                "(levels)\n", n_rep);
    if (res->n_out > 1 && res->dates[1] - res->dates[0] > 1)
        fprintf(fp, "(written every %d days: each output day stands for the days up to the "
                    "next)\n", (int)(res->dates[1] - res->dates[0]));
    tw_cli_headline_header(fp, cols);
    for (size_t m = 0; m < nm; m++) {
        int days = 0;
        fprintf(fp, "%04d-%02d", ms[m].year, ms[m].month);
        for (int c = 0; c < TW_CLI_NHEADLINE; c++) {
            double v = tw__month_mean(res, cols[c].idx, &ms[m], cols[c].flow, &days);
            if (c == 0) fprintf(fp, "  %4d", days);
            fprintf(fp, "  %20.*f", cols[c].prec, cols[c].scale * v);
        }
        fputc('\n', fp);
    }
    free(ms);
    tw__report_controls(fp, res, n_rep, model, params, tables);
    if (tw__controlled(res, model, params)) tw__report_re_regions(fp, res, model, params, root);
    if (res->n_outcomes > 0) {
        fprintf(fp, "\n%-34s  %-16s  %12s  %12s  %12s   (%zu replicates)\n",
                "per-replicate outcome", "unit", "mean", "p05", "p95", n_rep);
        size_t n_drawn = model->n_drawn != NULL ? model->n_drawn(params) : 0;
        bool marked = false;
        for (size_t k = 0; k + n_drawn < res->n_outcomes; k++) {
            tw_summary sm;
            tw_sketch_summary(&res->outcomes[k], &sm);
            const char *name = model->outcome_name(params, k);
            if (scripted && tw_cli_event_outcome(name)) {
                fprintf(fp, "%-34s  %-16s  %12s  %12s  %12s\n", name, tw_cli_outcome_unit(name),
                        "scripted", "-", "-");
                marked = true;
                continue;
            }
            fprintf(fp, "%-34s  %-16s  %12.4g  %12.4g  %12.4g\n", name, tw_cli_outcome_unit(name),
                    sm.mean, sm.q[0], sm.q[2]);
        }
        if (marked) fputs(TW__SCRIPTED_NOTE, fp);
    }
    tw__report_us_eu(fp, res, n_rep, model, params, root);
    if (res->n_outcomes > 0) tw__report_court(fp, res, n_rep, model, params, root);
}
