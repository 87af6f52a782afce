/* test_events.c - negotiation and other events through the model interface: leader-call
 * times against their hazard, truce expiry and extension on the exact day, a truce agreed
 * at a call, crises that raise the call hazard, breach accusations from measured compliance
 * and snap-back, the court ruling on the IEEPA layers,
 * third-party retaliation, and the event log's order and reproducibility.
 */
#include "gov_sim.h"
#include "four_regions.h"

/* --- leader calls by hazard ----------------------------------------------------------- */

/* The first call's day of n replicates into count[0..days] (days: none by the last day);
 * at most one call each (the scenarios' cooldown outlasts the run). */
static void first_calls(const gov_scn *g, int n, int days, int *count) {
    for (int r = 0; r < n; r++) {
        tw_trade_state *s = gov_run(g, 2025, (uint32_t)r, 1, -1, NULL, NULL);
        double t = gov_outcome(s, "first_leader_call_day");
        int k = isnan(t) ? days : (int)t;
        cr_assert_eq(gov_count(s, "leaders", "leader_call"), k < days ? 1 : 0);
        count[k]++;
        tw_trade_model.free_state(s);
    }
}

/* With a constant hazard h a day and no pain, the first call falls on day k (counted from
 * 0) with P(T <= k) = 1 - exp(-h (k + 1)). 1000 replicates (one rare-earth firm a cell: the
 * calls do not depend on them, and the run is quicker); the Kolmogorov-Smirnov
 * distance between their empirical distribution and this one must stay under 1.95 /
 * sqrt(n) = 0.062, the 0.1% critical value (conservative for a discrete law: a false
 * alarm less than once in a thousand runs). Replicates without a call by the last day
 * count as T > 119. The mean of min(T, 120) is checked too, within 4 standard errors. */
Test(calls, first_call_times_follow_the_hazard) {
    const double h = 0.05;
    const int n = 1000, days = 120;
    gov_scn g;
    gov_load(&g, GOV_HEAD("2025-01-01", "2025-04-30")
             "rare_earths: {per_cell: 1}\n"
             "events:\n  leader_calls: {hazard_per_day: 0.05, pain_slope: 0, cooldown_days: 1000}\n");
    cr_assert_eq(g.p->ndays, days);
    int count[121] = {0};
    first_calls(&g, n, days, count);
    gov_unload(&g);
    double sum = 0.0;
    for (int k = 0; k <= days; k++) sum += (double)k * count[k];
    double cum = 0.0, dmax = 0.0;
    for (int k = 0; k < days; k++) {
        cum += count[k];
        double f = 1.0 - exp(-h * (k + 1));
        dmax = fmax(dmax, fabs(cum / n - f));
    }
    cr_assert(dmax < 1.95 / sqrt(n), "KS distance %g", dmax);
    /* E[min(T, 120)] = sum_{k=0}^{119} P(T > k) = sum exp(-h (k + 1)). */
    double mean = 0.0, m2 = 0.0;
    for (int k = 0; k < days; k++) mean += exp(-h * (k + 1));
    for (int k = 0; k < days; k++) m2 += (2.0 * k + 1.0) * exp(-h * (k + 1)); /* E[min^2] */
    double sd = sqrt(m2 - mean * mean);
    cr_assert(fabs(sum / n - mean) < 4.0 * sd / sqrt(n), "mean %g, expected %g (sd %g)", sum / n, mean, sd);
}

/* After a call the hazard is h (1 - exp(-t / tau)), t the days since it. A call scheduled
 * on day 0 starts the clock; the next one falls t days later with
 * P(T > t) = exp(-h sum_{j=1..t} (1 - exp(-j / tau))). 1000 replicates, the same KS bound as
 * above; T > 119 when no second call came. The leader_calls outcome counts every call of
 * the log. With recovery_days 0 the same draws give the plain exponential of the first
 * test, so the recovery is what moves the gaps: its mean gap is longer by about tau. */
Test(calls, the_hazard_recovers_after_a_call) {
    const double h = 0.05, tau = 10.0;
    const int n = 1000, days = 120;
    gov_scn g;
    gov_load(&g, GOV_HEAD("2025-01-01", "2025-04-30")
             "rare_earths: {per_cell: 1}\n"
             "events:\n  leader_calls: {dates: [2025-01-01], hazard_per_day: 0.05, pain_slope: 0,"
             " recovery_days: 10}\n  deal: {base: 0}\n");
    int count[121] = {0};
    double sum = 0.0;
    for (int r = 0; r < n; r++) {
        tw_trade_state *s = gov_run(&g, 2025, (uint32_t)r, 1, -1, NULL, NULL);
        size_t ne;
        const tw_event *ev = tw_trade_model.events(s, &ne);
        int calls = 0, second = days;
        for (size_t i = 0; i < ne; i++) {
            if (strcmp(ev[i].event, "leader_call") != 0) continue;
            if (calls == 1) second = (int)(ev[i].date - g.p->start);
            calls++;
        }
        cr_assert_geq(calls, 1);
        cr_assert_eq(gov_outcome(s, "leader_calls"), (double)calls);
        count[second]++;
        sum += second;
        tw_trade_model.free_state(s);
    }
    gov_unload(&g);
    double cum = 0.0, dmax = 0.0, integ = 0.0, mean = 0.0;
    for (int t = 1; t < days; t++) {
        integ += 1.0 - exp(-t / tau);
        cum += count[t];
        dmax = fmax(dmax, fabs(cum / n - (1.0 - exp(-h * integ))));
        mean += exp(-h * integ); /* P(T > t) */
    }
    cr_assert_eq(count[0], 0, "no second call on the day of the first");
    cr_assert(dmax < 1.95 / sqrt(n), "KS distance %g", dmax);
    /* E[min(T, 120)] = 1 + sum_{t=1}^{119} P(T > t); the plain hazard would give about
     * 1 / h = 20, the recovery about tau more. */
    mean += 1.0;
    cr_assert(fabs(sum / n - mean) < 0.1 * mean, "mean gap %g, expected %g", sum / n, mean);
    cr_assert(mean > 1.0 / h + 0.5 * tau, "expected mean %g", mean);
}

Test(calls, scheduled_calls_happen_on_their_dates) {
    gov_scn g;
    gov_load(&g, GOV_HEAD("2025-01-01", "2025-02-28")
             "events:\n  leader_calls: {dates: [2025-01-20, 2025-02-03]}\n  deal: {base: 0}\n");
    tw_trade_state *s = gov_run(&g, 1, 0, 1, -1, NULL, NULL);
    cr_assert_eq(gov_count(s, "leaders", "leader_call"), 2);
    cr_assert_eq(gov_first(s, "leader_call"), gov_date("2025-01-20"));
    cr_assert_eq(gov_outcome(s, "first_leader_call_day"), 19.0);
    gov_finish(s, &g);
}

/* A crisis raises the hazard by boost exp(-s / decay), s the days since it. With no base
 * hazard and a crisis on the first day (crisis.last), the first call falls on day k with
 * P(T > k) = exp(-sum_{j=0..k} b exp(-j / decay)): with b = 0.05 and decay 20 about 0.37 of
 * the replicates never call. 1000 replicates against the exact law, the KS bound of the
 * first test. */
Test(calls, a_crisis_raises_the_hazard_and_it_decays) {
    const double b = 0.05, decay = 20.0;
    const int n = 1000, days = 120;
    gov_scn g;
    gov_load(&g, GOV_HEAD("2025-01-01", "2025-04-30")
             "rare_earths: {per_cell: 1}\n"
             "events:\n  leader_calls: {hazard_per_day: 0, pain_slope: 0, cooldown_days: 1000,"
             " crisis: {boost_per_day: 0.05, decay_days: 20, last: 2025-01-01}}\n");
    int count[121] = {0};
    first_calls(&g, n, days, count);
    gov_unload(&g);
    double cum = 0.0, dmax = 0.0, integ = 0.0;
    for (int k = 0; k < days; k++) {
        integ += b * exp(-k / decay);
        cum += count[k];
        dmax = fmax(dmax, fabs(cum / n - (1.0 - exp(-integ))));
    }
    cr_assert(dmax < 1.95 / sqrt(n), "KS distance %g", dmax);
    /* Without a crisis the same scenario never calls. */
    gov_load(&g, GOV_HEAD("2025-01-01", "2025-04-30")
             "events:\n  leader_calls: {hazard_per_day: 0, crisis: {boost_per_day: 0.05}}\n");
    tw_trade_state *s = gov_run(&g, 2025, 0, 1, -1, NULL, NULL);
    cr_assert_eq(gov_count(s, NULL, "leader_call"), 0);
    gov_finish(s, &g);
}

/* A government's escalation is a crisis: China answers the US hike of 8 January at its
 * decision that day, and with a boost of 9.5 to 10 a day (a call all but certain) the first call
 * comes the next day, when the events next run. Drawn boost: replicates.csv's column. */
Test(calls, a_government_escalation_starts_the_crisis_clock) {
    gov_scn g;
    gov_load(&g, GOV_HEAD("2025-01-01", "2025-02-28")
             "tariffs:\n"
             "  - {measure: hike, imposer: US, target: CN, rate: 10, effective: 2025-01-08}\n"
             "governments:\n  CN: {strategy: tit_for_tat, measure: answer, cadence_days: 7, delay_days: 3}\n"
             "events:\n  leader_calls: {hazard_per_day: 0, cooldown_days: 1000,"
             " crisis: {boost_per_day: {dist: uniform, lo: 9.5, hi: 10}, decay_days: 5}}\n"
             "  deal: {base: 0}\n");
    cr_assert_eq(g.p->ev.n_drawn, 1);
    cr_assert_str_eq(g.p->ev.drawn[0].name, "events.leader_calls.crisis.boost_per_day");
    tw_trade_state *s = gov_run(&g, 5, 0, 1, -1, NULL, NULL);
    cr_assert_eq(gov_first(s, "escalate"), gov_date("2025-01-08"));
    cr_assert_eq(gov_first(s, "leader_call"), gov_date("2025-01-09"));
    gov_finish(s, &g);
}

/* A summit is its own kind of contact: with deal.summit.share 1 every contact by hazard is a
 * summit and ends in a deal at deal.summit.base (1), while calls never do (deal.base 0);
 * with share 0 the same contacts are calls without a deal. The first contact of a
 * replicate with a hazard of 0.2 a day comes within the run's 59 days. */
static tw_trade_state *run_summit(const char *share, gov_scn *g) {
    char y[2048];
    snprintf(y, sizeof y,
             GOV_HEAD("2025-01-01", "2025-02-28")
             "events:\n  leader_calls: {hazard_per_day: 0.2, cooldown_days: 1000}\n"
             "  deal: {base: 0, summit: {share: %s, base: 1}}\n", share);
    gov_load(g, y);
    return gov_run(g, 9, 0, 1, -1, NULL, NULL);
}

/* The detail of the replicate's only leader_call row starts with want. */
static void expect_contact(const tw_trade_state *s, const char *want) {
    size_t ne;
    const tw_event *ev = tw_trade_model.events(s, &ne);
    int n = 0;
    for (size_t i = 0; i < ne; i++)
        if (strcmp(ev[i].event, "leader_call") == 0) {
            cr_assert(strncmp(ev[i].detail, want, strlen(want)) == 0, "%s", ev[i].detail);
            n++;
        }
    cr_assert_eq(n, 1);
}

Test(calls, a_summit_is_its_own_kind_of_contact) {
    gov_scn g;
    tw_trade_state *s = run_summit("1", &g);
    cr_assert_eq(gov_outcome(s, "summits"), 1.0);
    expect_contact(s, "summit: deal (p = 1.00");
    gov_finish(s, &g);
    s = run_summit("0", &g);
    cr_assert_eq(gov_outcome(s, "summits"), 0.0);
    expect_contact(s, "no deal (p = 0.00");
    gov_finish(s, &g);
}

/* --- truces ---------------------------------------------------------------------------- */

/* US 50% and China 40% before a truce at 10% each from 10 January to 1 March. */
#define TRUCE_TARIFFS                                                                         \
    "tariffs:\n"                                                                              \
    "  - {measure: recip, imposer: US, target: CN, rate: 50, effective: 2024-12-01}\n"        \
    "  - {measure: recip, imposer: US, target: CN, rate: 10, effective: 2025-01-10, end: 2025-03-01}\n" \
    "  - {measure: counter, imposer: CN, target: US, rate: 40, effective: 2024-12-01}\n"      \
    "  - {measure: counter, imposer: CN, target: US, rate: 10, effective: 2025-01-10, end: 2025-03-01}\n"

/* Two rates tracked day by day: (imposer, target, sector) of each in `which`. */
typedef struct {
    int which[2][3];
    double v[2][120];
} levels;

/* US on China's vehicles and China on US agriculture. */
#define PAIR_LEVELS {{{TW_US, TW_CN, TW_VEHICLES}, {TW_CN, TW_US, TW_AGRICULTURE}}, {{0}}}

static void record(const tw_trade_state *s, int d, void *ctx) {
    levels *l = ctx;
    for (int k = 0; k < 2; k++) l->v[k][d] = gov_rate(s, l->which[k][0], l->which[k][1], l->which[k][2]);
}

static tw_trade_state *run_truce(const char *extension, levels *l, gov_scn *g) {
    char y[4096];
    snprintf(y, sizeof y,
             GOV_HEAD("2025-01-01", "2025-04-30") TRUCE_TARIFFS
             "governments:\n  US: {measure: recip}\n  CN: {measure: counter}\n"
             "events:\n  truce:\n    in_force: {since: 2025-01-10, until: 2025-03-01}\n"
             "    levels: {US: 10, CN: 10}\n    extension_days: 30\n    extension: {base: %s}\n",
             extension);
    gov_load(g, y);
    return gov_run(g, 3, 0, 1, -1, record, l);
}

static void expect_level(const levels *l, int from, int to, double a, double b) {
    for (int d = from; d < to; d++) {
        cr_assert(fabs(l->v[0][d] - a) < 1e-9, "day %d: %.12g, expected %g", d, l->v[0][d], a);
        cr_assert(fabs(l->v[1][d] - b) < 1e-9, "day %d: %.12g, expected %g", d, l->v[1][d], b);
    }
}

Test(truce, expiry_restores_the_pre_truce_measures_on_the_exact_day) {
    levels l = PAIR_LEVELS;
    gov_scn g;
    tw_trade_state *s = run_truce("0", &l, &g);
    int until = (int)(gov_date("2025-03-01") - g.p->start); /* day 59 */
    expect_level(&l, 0, 9, 50, 40);
    expect_level(&l, 9, until, 10, 10);
    expect_level(&l, until, g.p->ndays, 50, 40);
    cr_assert_eq(gov_first(s, "snap_back"), gov_date("2025-03-01"));
    cr_assert_eq(gov_count(s, NULL, "truce_extended"), 0);
    cr_assert_eq(gov_outcome(s, "snap_back"), 1.0);
    cr_assert_eq(gov_outcome(s, "truce_extended"), 0.0);
    cr_assert_eq(gov_outcome(s, "days_in_truce"), 50.0); /* 10 January to 28 February */
    gov_finish(s, &g);
}

/* The truce_active series reads the events' truce through the day's view: each day it
 * is 1 exactly while the events hold a truce (10 January to 28 February, as above). */
typedef struct {
    size_t col;       /* the truce_active series */
    double *obs;      /* [n_series] */
    int on[120];      /* the series' value by day */
} truce_days;

static void record_truce(const tw_trade_state *s, int d, void *ctx) {
    truce_days *t = ctx;
    tw_trade_model.observe(s, t->obs);
    t->on[d] = (int)t->obs[t->col];
    cr_assert_eq(t->obs[t->col], tw_events_truce(s->ev) ? 1.0 : 0.0, "day %d", d);
}

Test(truce, the_truce_series_follows_the_events_day_by_day) {
    gov_scn g;
    gov_load(&g, GOV_HEAD("2025-01-01", "2025-04-30") TRUCE_TARIFFS
             "governments:\n  US: {measure: recip}\n  CN: {measure: counter}\n"
             "events:\n  truce:\n    in_force: {since: 2025-01-10, until: 2025-03-01}\n"
             "    levels: {US: 10, CN: 10}\n    extension: {base: 0}\n");
    truce_days t = {.col = g.p->n_series};
    for (size_t i = 0; i < g.p->n_series; i++)
        if (strcmp(g.p->labels[i].indicator, "truce_active") == 0) t.col = i;
    cr_assert_lt(t.col, g.p->n_series, "no truce_active series");
    t.obs = malloc(g.p->n_series * sizeof *t.obs);
    cr_assert_not_null(t.obs);
    tw_trade_state *s = gov_run(&g, 3, 0, 1, -1, record_truce, &t);
    int until = (int)(gov_date("2025-03-01") - g.p->start), days = 0;
    for (int d = 0; d < g.p->ndays; d++) {
        cr_assert_eq(t.on[d], d >= 9 && d < until, "day %d: %d", d, t.on[d]);
        days += t.on[d];
    }
    cr_assert_eq(gov_outcome(s, "days_in_truce"), (double)days);
    free(t.obs);
    gov_finish(s, &g);
}

Test(truce, an_extension_keeps_the_agreed_levels_past_expiry) {
    levels l = PAIR_LEVELS;
    gov_scn g;
    tw_trade_state *s = run_truce("1", &l, &g);
    expect_level(&l, 9, g.p->ndays, 10, 10);
    /* Extended on 1 March to 31 March, then to 30 April. */
    cr_assert_eq(gov_first(s, "truce_extended"), gov_date("2025-03-01"));
    cr_assert_eq(gov_count(s, NULL, "truce_extended"), 3);
    cr_assert_eq(gov_count(s, NULL, "snap_back"), 0);
    cr_assert_eq(gov_outcome(s, "truce_extended"), 1.0);
    cr_assert_eq(gov_outcome(s, "truce_extensions"), 3.0); /* counted, not 0/1 */
    gov_finish(s, &g);
}

/* Each government has its own word on an extension: with the leaders certain to extend
 * (base 1), China's 0 (events.truce.extension.CN) ends the truce on its expiry day
 * exactly as base 0 does, and the log names China; the US's 1 changes nothing. */
Test(truce, a_side_that_does_not_extend_ends_the_truce) {
    levels l = PAIR_LEVELS;
    gov_scn g;
    tw_trade_state *s = run_truce("1, US: 1, CN: 0", &l, &g);
    int until = (int)(gov_date("2025-03-01") - g.p->start);
    expect_level(&l, 9, until, 10, 10);
    expect_level(&l, until, g.p->ndays, 50, 40);
    cr_assert_eq(gov_first(s, "snap_back"), gov_date("2025-03-01"));
    cr_assert_eq(gov_count(s, "CN", "snap_back"), 1);
    cr_assert_eq(gov_count(s, NULL, "truce_extended"), 0);
    cr_assert_eq(gov_outcome(s, "truce_extended"), 0.0);
    gov_finish(s, &g);
    /* Both sides willing: the extension goes ahead as with base 1 alone. */
    levels l2 = PAIR_LEVELS;
    s = run_truce("1, US: 1, CN: 1", &l2, &g);
    expect_level(&l2, 9, g.p->ndays, 10, 10);
    cr_assert_eq(gov_count(s, NULL, "truce_extended"), 3);
    gov_finish(s, &g);
}

/* A side's word may be uncertain: drawn once per replicate, it is a drawn parameter
 * (replicates.csv's events.truce.extension.CN), and only a government may give one. */
Test(truce, a_side_word_is_drawn_and_needs_a_government) {
    gov_scn g;
    gov_load(&g, GOV_HEAD("2025-01-01", "2025-04-30") TRUCE_TARIFFS
             "governments:\n  US: {measure: recip}\n  CN: {measure: counter}\n"
             "events:\n  truce:\n    levels: {US: 10, CN: 10}\n"
             "    extension: {CN: {dist: uniform, lo: 0.2, hi: 0.4}}\n");
    bool found = false;
    for (int k = 0; k < g.p->ev.n_drawn; k++)
        found |= strcmp(g.p->ev.drawn[k].name, "events.truce.extension.CN") == 0;
    cr_assert(found, "events.truce.extension.CN is not a drawn parameter");
    gov_unload(&g);
    tw_err err;
    gov_load_error(GOV_HEAD("2025-01-01", "2025-04-30") TRUCE_TARIFFS
                   "governments:\n  US: {measure: recip}\n"
                   "events:\n  truce:\n    extension: {CN: 0}\n", &err);
    cr_assert(strstr(err.msg, "events.truce.extension.CN: a side's word on an extension needs "
                              "governments.CN") != NULL, "%s", err.msg);
}

Test(truce, a_deal_at_a_call_starts_a_truce_for_its_duration) {
    gov_scn g;
    levels l = PAIR_LEVELS;
    gov_load(&g, GOV_HEAD("2025-01-01", "2025-04-30")
             "tariffs:\n"
             "  - {measure: recip, imposer: US, target: CN, rate: 50, effective: 2024-12-01}\n"
             "  - {measure: counter, imposer: CN, target: US, rate: 40, effective: 2024-12-01}\n"
             "governments:\n  US: {measure: recip, delay_days: 7}\n  CN: {measure: counter, delay_days: 3}\n"
             "events:\n  leader_calls: {dates: [2025-01-15]}\n  deal: {base: 1}\n"
             "  truce: {levels: {US: 10, CN: 10}, duration_days: 30, extension: {base: 0}}\n");
    tw_trade_state *s = gov_run(&g, 3, 0, 1, -1, record, &l);
    /* Agreed on 15 January, in force from 22 January (the longer delay) for 30 days. */
    expect_level(&l, 0, 21, 50, 40);
    expect_level(&l, 21, 51, 10, 10);
    expect_level(&l, 51, g.p->ndays, 50, 40);
    cr_assert_eq(gov_first(s, "truce"), gov_date("2025-01-15"));
    cr_assert_eq(gov_first(s, "snap_back"), gov_date("2025-02-21"));
    cr_assert_eq(gov_outcome(s, "days_in_truce"), 37.0); /* agreed 15 January to 20 February */
    gov_finish(s, &g);
}

/* A deal in a truce with terms (events.deal.cut): with prob 1 and share 0.5 the call of
 * 1 February revokes half of each side's suspended gap for good, so from the expiry of
 * 1 March the US stands at 10 + 0.5 (50 - 10) = 30% and China at 10 + 0.5 (40 - 10) = 25%
 * instead of snapping back to 50% and 40%; with prob 0 the same run snaps back. */
static tw_trade_state *run_cut(const char *prob, levels *l, gov_scn *g) {
    char y[4096];
    snprintf(y, sizeof y,
             GOV_HEAD("2025-01-01", "2025-04-30") TRUCE_TARIFFS
             "governments:\n  US: {measure: recip}\n  CN: {measure: counter}\n"
             "events:\n  leader_calls: {dates: [2025-02-01]}\n"
             "  deal: {base: 1, cut: {prob: %s, share: 0.5}}\n"
             "  truce:\n    in_force: {since: 2025-01-10, until: 2025-03-01}\n"
             "    levels: {US: 10, CN: 10}\n    extension: {base: 0}\n",
             prob);
    gov_load(g, y);
    return gov_run(g, 3, 0, 1, -1, record, l);
}

Test(truce, a_deal_with_terms_cuts_the_suspended_tariffs_for_good) {
    levels l = PAIR_LEVELS;
    gov_scn g;
    tw_trade_state *s = run_cut("1", &l, &g);
    int expiry = (int)(gov_date("2025-03-01") - g.p->start);
    expect_level(&l, 9, expiry, 10, 10);
    expect_level(&l, expiry, g.p->ndays, 30, 25);
    cr_assert_eq(gov_count(s, NULL, "deal_cut"), 2);
    cr_assert_eq(gov_outcome(s, "deal_cut_tariffs"), 1.0);
    cr_assert_eq(gov_outcome(s, "escalations"), 0.0);
    gov_finish(s, &g);
    s = run_cut("0", &l, &g);
    expect_level(&l, expiry, g.p->ndays, 50, 40);
    cr_assert_eq(gov_count(s, NULL, "deal_cut"), 0);
    cr_assert_eq(gov_outcome(s, "deal_cut_tariffs"), 0.0);
    gov_finish(s, &g);
}

/* --- compliance and breach ------------------------------------------------------------ */

static tw_trade_state *run_breach(const char *regime, const char *us_extra, levels *l, gov_scn *g) {
    char y[4096];
    snprintf(y, sizeof y,
             GOV_HEAD("2025-01-01", "2025-04-30") TRUCE_TARIFFS
             "export_controls:\n"
             "  - {id: re, exporter: CN, destination: US, regime: %s, slow_roll_factor: 0.25, "
             "effective: 2024-12-01}\n"
             "governments:\n  US: {strategy: tit_for_tat, measure: recip, threshold_pct: 100%s}\n"
             "  CN: {measure: counter}\n"
             "events:\n  truce:\n    in_force: {since: 2025-01-10, until: 2025-03-01}\n"
             "    levels: {US: 10, CN: 10}\n    commitments: {CN: licensing}\n"
             "    breach: {window_days: 5, shortfall: 0.5}\n    extension: {base: 0}\n",
             regime, us_extra);
    gov_load(g, y);
    return gov_run(g, 3, 0, 1, -1, record, l);
}

Test(breach, persistent_shortfall_brings_an_accusation_after_the_window) {
    levels l = PAIR_LEVELS;
    gov_scn g;
    /* Slow-rolling at 0.25 of the pace is a shortfall of 0.75 every truce day. */
    tw_trade_state *s = run_breach("slow_roll", "", &l, &g);
    cr_assert_eq(gov_first(s, "breach_accusation"), gov_date("2025-01-14"));
    cr_assert_eq(gov_count(s, "US", "breach_accusation"), 1);
    cr_assert_eq(gov_outcome(s, "breach_accused"), 1.0);
    gov_finish(s, &g);
    /* Licensing at the statutory pace keeps the commitment: no accusation. */
    s = run_breach("licensing", "", &l, &g);
    cr_assert_eq(gov_count(s, NULL, "breach_accusation"), 0);
    gov_finish(s, &g);
}

/* With accuse_per_day lambda the accusation is a chance event once the window is full:
 * each day from 14 January with probability p = 1 - exp(-lambda * 0.75) (the slow-roll's
 * shortfall), so the delay D (days after 14 January) has P(D > k) = (1 - p)^(k + 1).
 * 600 replicates against that law, the KS bound of the call tests; lambda 0 never accuses. */
Test(breach, an_accusation_follows_measured_compliance_at_its_hazard) {
    const double lambda = 0.2, p = 1.0 - exp(-lambda * 0.75);
    const int n = 600;
    gov_scn g;
    levels l = PAIR_LEVELS;
    tw_trade_state *s = run_breach("slow_roll", "", &l, &g);
    gov_finish(s, &g);
    char y[4096];
    const char *head = GOV_HEAD("2025-01-01", "2025-04-30") TRUCE_TARIFFS;
    const char *rest =
        "export_controls:\n"
        "  - {id: re, exporter: CN, destination: US, regime: slow_roll, slow_roll_factor: 0.25, "
        "effective: 2024-12-01}\n"
        "governments:\n  US: {strategy: tit_for_tat, measure: recip, threshold_pct: 100}\n"
        "  CN: {measure: counter}\n"
        "rare_earths: {per_cell: 1}\n"
        "events:\n  truce:\n    in_force: {since: 2025-01-10, until: 2025-03-01}\n"
        "    levels: {US: 10, CN: 10}\n    commitments: {CN: licensing}\n"
        "    breach: {window_days: 5, shortfall: 0.5, accuse_per_day: %s}\n    extension: {base: 0}\n";
    char tail[2048];
    snprintf(tail, sizeof tail, rest, "0.2");
    snprintf(y, sizeof y, "%s%s", head, tail);
    gov_load(&g, y);
    const int last = (int)(gov_date("2025-02-28") - gov_date("2025-01-14"));
    int count[64] = {0};
    for (int r = 0; r < n; r++) {
        s = gov_run(&g, 11, (uint32_t)r, 1, -1, NULL, NULL);
        tw_day a = gov_first(s, "breach_accusation");
        int k = a == TW_DAY_NEVER ? last + 1 : (int)(a - gov_date("2025-01-14"));
        cr_assert(k >= 0 && k <= last + 1, "accused %d days after the window", k);
        cr_assert_eq(gov_outcome(s, "breach_accused"), k <= last ? 1.0 : 0.0);
        count[k]++;
        tw_trade_model.free_state(s);
    }
    gov_unload(&g);
    double cum = 0.0, dmax = 0.0;
    for (int k = 0; k <= last; k++) {
        cum += count[k];
        dmax = fmax(dmax, fabs(cum / n - (1.0 - pow(1.0 - p, k + 1))));
    }
    cr_assert(dmax < 1.95 / sqrt(n), "KS distance %g", dmax);
    snprintf(tail, sizeof tail, rest, "0");
    snprintf(y, sizeof y, "%s%s", head, tail);
    gov_load(&g, y);
    s = gov_run(&g, 11, 0, 1, -1, NULL, NULL);
    cr_assert_eq(gov_count(s, NULL, "breach_accusation"), 0);
    gov_finish(s, &g);
}

Test(breach, an_accuser_may_snap_back_and_end_the_truce) {
    levels l = PAIR_LEVELS;
    gov_scn g;
    tw_trade_state *s = run_breach("slow_roll", ", snapback_prob: 1, delay_days: 7", &l, &g);
    /* Accused on 14 January; the next weekly decision (15 January) restores 50% from
     * 22 January, which breaks the truce that day. China's level stays scripted. */
    int from = (int)(gov_date("2025-01-22") - g.p->start);
    expect_level(&l, 9, from, 10, 10);
    for (int d = from; d < g.p->ndays; d++) cr_assert(fabs(l.v[0][d] - 50.0) < 1e-9, "day %d: %g", d, l.v[0][d]);
    cr_assert_eq(gov_first(s, "truce_broken"), gov_date("2025-01-22"));
    cr_assert_eq(gov_outcome(s, "escalations"), 1.0);
    gov_finish(s, &g);
}

/* --- the court ------------------------------------------------------------------------- */

#define COURT_TARIFFS                                                                         \
    "tariffs:\n"                                                                              \
    "  - {measure: fent, imposer: US, target: CN, rate: 20, authority: IEEPA, effective: 2024-12-01}\n" \
    "  - {measure: recip, imposer: US, target: CN, rate: 10, authority: IEEPA, effective: 2024-12-01}\n" \
    "  - {measure: steel, imposer: US, target: CN, sectors: [metals], rate: 25, authority: S232, effective: 2024-12-01}\n" \
    "  - {measure: s301, imposer: US, target: CN, rate: 7.5, authority: S301, effective: 2024-12-01}\n" \
    "  - {measure: later, imposer: US, target: CN, rate: 5, authority: IEEPA, effective: 2025-03-01}\n"

static tw_trade_state *run_court(const char *court, levels *l, gov_scn *g) {
    char y[4096];
    snprintf(y, sizeof y, GOV_HEAD("2025-01-01", "2025-03-31") COURT_TARIFFS "events:\n  court: %s\n",
             court);
    gov_load(g, y);
    return gov_run(g, 3, 0, 1, -1, record, l);
}

/* US on China's metals and machinery. */
#define COURT_LEVELS {{{TW_US, TW_CN, TW_METALS}, {TW_US, TW_CN, TW_MACHINERY}}, {{0}}}

Test(court, a_strike_removes_the_ieepa_layers_and_leaves_232_and_301) {
    levels c = COURT_LEVELS;
    gov_scn g;
    tw_trade_state *s = run_court("{from: 2025-02-01, strike_prob: 1}", &c, &g);
    int ruling = (int)(gov_date("2025-02-01") - g.p->start);
    expect_level(&c, 0, ruling, 62.5, 37.5);          /* 20 + 10 (+ 25) + 7.5 */
    expect_level(&c, ruling, g.p->ndays, 32.5, 7.5); /* Section 232 and 301 only */
    /* An IEEPA entry due after the ruling (5% from 1 March) never applies. */
    cr_assert_eq(gov_first(s, "ruling"), gov_date("2025-02-01"));
    cr_assert_eq(gov_outcome(s, "court_struck_ieepa"), 1.0);
    gov_finish(s, &g);
}

Test(court, reimposition_follows_under_another_authority_up_to_its_cap) {
    levels c = COURT_LEVELS;
    gov_scn g;
    tw_trade_state *s = run_court(
        "{from: 2025-02-01, strike_prob: 1, reimpose: {prob: 1, delay_days: 10, cap_pct: 15, measure: s122}}",
        &c, &g);
    int ruling = (int)(gov_date("2025-02-01") - g.p->start);
    expect_level(&c, ruling, ruling + 10, 32.5, 7.5);
    expect_level(&c, ruling + 10, g.p->ndays, 47.5, 22.5); /* + min(30, 15) */
    cr_assert_eq(gov_count(s, "US", "reimpose"), 1);
    gov_finish(s, &g);
}

Test(court, a_ruling_that_upholds_changes_nothing) {
    levels c = COURT_LEVELS;
    gov_scn g;
    tw_trade_state *s = run_court("{from: 2025-02-01, strike_prob: 0}", &c, &g);
    int later = (int)(gov_date("2025-03-01") - g.p->start);
    expect_level(&c, 0, later, 62.5, 37.5);
    expect_level(&c, later, g.p->ndays, 67.5, 42.5);
    cr_assert_eq(gov_outcome(s, "court_struck_ieepa"), 0.0);
    cr_assert_eq(gov_count(s, "court", "ruling"), 1);
    cr_assert_eq(tw_rates_changed(s->rates), false); /* the fast path: the book never changed */
    gov_finish(s, &g);
}

/* --- third parties --------------------------------------------------------------------- */

static void record_eu(const tw_trade_state *s, int d, void *ctx) {
    ((double *)ctx)[d] = gov_rate(s, TW_EU, TW_US, TW_AGRICULTURE);
}

static tw_trade_state *run_third(const char *prob, double eu[59], gov_scn *g) {
    char y[4096];
    snprintf(y, sizeof y,
             GOV_HEAD("2025-01-01", "2025-02-28")
             "tariffs:\n"
             "  - {measure: s232, imposer: US, target: ALL, sectors: [metals], rate: 25, effective: 2024-12-01}\n"
             "  - {measure: s232, imposer: US, target: ALL, sectors: [metals], rate: 50, "
             "announced: 2025-01-20, effective: 2025-02-01}\n"
             "third_parties:\n"
             "  - {actor: EU, watch: {imposer: US, measure: s232, sector: metals}, trigger_pct: 25,\n"
             "     prob: %s, delay_days: 10, measure: rebalancing, sectors: [agriculture], rate: 25,\n"
             "     coverage: 0.5}\n",
             prob);
    gov_load(g, y);
    return gov_run(g, 3, 0, 1, -1, record_eu, eu);
}

Test(third_party, the_eu_retaliates_against_steel_at_50_after_its_delay) {
    double eu[59];
    gov_scn g;
    tw_trade_state *s = run_third("1", eu, &g);
    int hit = (int)(gov_date("2025-02-11") - g.p->start);
    for (int d = 0; d < g.p->ndays; d++)
        cr_assert(fabs(eu[d] - (d < hit ? 0.0 : 12.5)) < 1e-9, "day %d: %g", d, eu[d]);
    cr_assert_eq(gov_first(s, "retaliation"), gov_date("2025-02-01"));
    cr_assert_eq(gov_outcome(s, "third_party_retaliated"), 1.0);
    gov_finish(s, &g);
    s = run_third("0", eu, &g);
    for (int d = 0; d < g.p->ndays; d++) cr_assert(eu[d] == 0.0);
    cr_assert_eq(gov_count(s, "EU", "no_retaliation"), 1);
    gov_finish(s, &g);
}

/* --- the log --------------------------------------------------------------------------- */

/* The default scenario: its log is in date order, starts with the truce in force, and is
 * the same bytes whether the replicate's firms run on 1 or 2 threads. */
Test(log, the_geneva_log_is_ordered_and_the_same_at_any_thread_count) {
    tw_err err;
    gov_scn g;
    tw_status st = tw_cfg_load(TW_SOURCE_DIR "/scenarios/geneva-truce.yaml", &g.cfg, &err);
    cr_assert_eq(st, TW_OK, "%s", err.msg);
    cr_assert_eq(tw_cfg_set(g.cfg, "firms.per_cell=50", &err), TW_OK, "%s", err.msg);
    void *params;
    cr_assert_eq(tw_trade_model.load(tw_cfg_root(g.cfg), &params, &err), TW_OK, "%s", err.msg);
    g.p = params;
    for (uint32_t rep = 0; rep < 3; rep++) {
        tw_trade_state *a = gov_run(&g, 20250101, rep, 1, -1, NULL, NULL);
        tw_trade_state *b = gov_run(&g, 20250101, rep, 2, -1, NULL, NULL);
        size_t na, nb;
        const tw_event *ea = tw_trade_model.events(a, &na), *eb = tw_trade_model.events(b, &nb);
        cr_assert_eq(na, nb);
        cr_assert(na >= 2);
        cr_assert(memcmp(ea, eb, na * sizeof *ea) == 0, "logs differ in replicate %u", rep);
        cr_assert_str_eq(ea[0].event, "truce_in_force");
        cr_assert_eq(ea[0].date, gov_date("2025-05-14"));
        for (size_t i = 1; i < na; i++) cr_assert(ea[i].date >= ea[i - 1].date);
        tw_trade_model.free_state(a);
        tw_trade_model.free_state(b);
    }
    gov_unload(&g);
}

/* A scenario without governments or events logs nothing and keeps the fast path. */
Test(log, a_scripted_scenario_has_no_log) {
    gov_scn g;
    gov_load(&g, GOV_HEAD("2025-01-01", "2025-01-31") TRUCE_TARIFFS);
    tw_trade_state *s = gov_run(&g, 1, 0, 1, -1, NULL, NULL);
    size_t n = 1;
    cr_assert_null(tw_trade_model.events(s, &n));
    cr_assert_eq(n, 0);
    cr_assert_null(s->gov);
    cr_assert_null(s->ev);
    cr_assert(isnan(gov_outcome(s, "first_leader_call_day")));
    gov_finish(s, &g);
}

/* Once a replicate's book changes, its rates are resolved from it and reused on days when
 * nothing they depend on changes: every day they must equal a fresh resolution of the
 * book (the tit-for-tat spiral changes the book every week). */
typedef struct {
    int checked;
} fresh_ctx;

static void check_fresh(const tw_trade_state *s, int d, void *ctx) {
    if (!tw_rates_changed(s->rates)) return;
    tw_rate_table now, ex;
    tw_day day = s->p->start + d;
    tw_tariffs_rates(tw_rates_book(s->rates), day, TW_DAY_NEVER, now);
    tw_rate_table any;
    tw_tariffs_outlook(tw_rates_book(s->rates), day, s->p->fl_horizon, ex, any);
    cr_assert(memcmp(now, *s->tau, sizeof now) == 0, "day %d: rates differ", d);
    cr_assert(memcmp(ex, *s->rt.exp, sizeof ex) == 0, "day %d: expected rates differ", d);
    cr_assert(memcmp(any, *s->rt.any, sizeof any) == 0, "day %d: outlook differs", d);
    tw_rate_table deal, entry;
    tw_tariffs_rates_deal(tw_rates_book(s->rates), day, &s->p->expect.terms, deal);
    tw_tariffs_rates_entering(tw_rates_book(s->rates), day, (const int (*)[TW_NREG_MAX])s->p->transit,
                              entry);
    cr_assert(memcmp(deal, *s->rt.deal, sizeof deal) == 0, "day %d: rates after a deal differ", d);
    cr_assert(memcmp(entry, *s->rt.entry, sizeof entry) == 0, "day %d: entering rates differ", d);
    static tw_split_table split; /* large: off the stack */
    tw_tariffs_split(tw_rates_book(s->rates), day, TW_DAY_NEVER, split);
    cr_assert(memcmp(split, s->split, sizeof split) == 0, "day %d: sub-cells differ", d);
    ((fresh_ctx *)ctx)->checked++;
}

/* Every table of the replicate's own book, and its sub-cells, equal a fresh resolution,
 * with and without an in-transit rule among the scenario's entries (the rates of the
 * goods entering customs follow the agents' moves and the rule's dates too: its dates
 * fall after the spiral has changed the book, from June). */
Test(log, reused_rates_equal_a_fresh_resolution_every_day) {
    static const char *const extra[] = {
        NULL, "tariffs[+]={measure: surcharge, imposer: US, target: CN, rate: 30, effective: "
              "2025-08-01, in_transit: {loaded_before: 2025-08-01, entered_before: 2025-09-15}}"};
    for (int k = 0; k < 2; k++) {
        tw_err err;
        gov_scn g;
        cr_assert_eq(tw_cfg_load(TW_SOURCE_DIR "/scenarios/tit-for-tat-spiral.yaml", &g.cfg, &err),
                     TW_OK, "%s", err.msg);
        cr_assert_eq(tw_cfg_set(g.cfg, "firms.per_cell=20", &err), TW_OK, "%s", err.msg);
        if (extra[k] != NULL) cr_assert_eq(tw_cfg_set(g.cfg, extra[k], &err), TW_OK, "%s", err.msg);
        void *params;
        cr_assert_eq(tw_trade_model.load(tw_cfg_root(g.cfg), &params, &err), TW_OK, "%s", err.msg);
        g.p = params;
        fresh_ctx c = {0};
        tw_trade_state *s = gov_run(&g, 20250101, 0, 1, -1, check_fresh, &c);
        cr_assert(c.checked > 150, "only %d days on the replicate's own book", c.checked);
        cr_assert(gov_count(s, NULL, "escalate") >= 10);
        gov_finish(s, &g);
    }
}
