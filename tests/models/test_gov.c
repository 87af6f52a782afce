/* test_gov.c - government agents against fixed opponents: each strategy gives its known
 * sequence of levels, caps hold, uncertain parameters are drawn per replicate from their
 * distributions, and the scenario keys are checked.
 *
 * The fixed opponent: the US, scripted, raises a tariff on China on all sectors by 10
 * points on 8 January and again on 22 January (or removes it then). China decides every
 * 7 days from 1 January with a 3-day delay, so a move seen on 8 January is answered from
 * 11 January and one seen on 22 January from 25 January.
 */
#include "gov_sim.h"
#include "four_regions.h"

#define NDAYS 59 /* 1 January to 28 February */

/* The US schedule (second level `second`) and China's government block. */
static char *strategy_yaml(const char *cn, double second) {
    char *y = malloc(4096);
    snprintf(y, 4096,
             GOV_HEAD("2025-01-01", "2025-02-28")
             "tariffs:\n"
             "  - {measure: hike, imposer: US, target: CN, rate: 10, effective: 2025-01-08}\n"
             "  - {measure: hike, imposer: US, target: CN, rate: %g, effective: 2025-01-22}\n"
             "governments:\n"
             "  CN: {measure: answer, cadence_days: 7, delay_days: 3, %s}\n",
             second, cn);
    return y;
}

static void record_cn(const tw_trade_state *s, int d, void *ctx) {
    ((double *)ctx)[d] = gov_rate(s, TW_CN, TW_US, TW_MACHINERY);
}

/* China's level on each day (percent) under `cn`. */
static tw_trade_state *run_cn(const char *cn, double second, double out[NDAYS], gov_scn *g) {
    char *y = strategy_yaml(cn, second);
    gov_load(g, y);
    free(y);
    cr_assert_eq(g->p->ndays, NDAYS);
    return gov_run(g, 7, 0, 1, -1, record_cn, out);
}

/* Expected level: a before 11 January, b from 11 to 24 January, c from 25 January. */
static void expect_steps(const double got[NDAYS], double a, double b, double c) {
    for (int d = 0; d < NDAYS; d++) {
        double want = d < 10 ? a : (d < 24 ? b : c);
        cr_assert(fabs(got[d] - want) < 1e-9, "day %d: %.12g, expected %g", d, got[d], want);
    }
}

/* Run China's strategy `cn` against the US schedule and check its levels a, b, c. */
static tw_trade_state *expect_cn(const char *cn, double second, double a, double b, double c,
                                 gov_scn *g) {
    double lv[NDAYS];
    tw_trade_state *s = run_cn(cn, second, lv, g);
    expect_steps(lv, a, b, c);
    return s;
}

Test(strategy, tit_for_tat_echoes_each_move_after_its_delay) {
    gov_scn g;
    tw_trade_state *s = expect_cn("strategy: tit_for_tat", 20, 0, 10, 20, &g);
    cr_assert_eq(gov_count(s, "CN", "escalate"), 2);
    cr_assert_eq(gov_first(s, "escalate"), gov_date("2025-01-08"));
    gov_finish(s, &g);
}

Test(strategy, tit_for_tat_echoes_a_de_escalation) {
    gov_scn g;
    tw_trade_state *s = expect_cn("strategy: tit_for_tat", 0, 0, 10, 0, &g);
    cr_assert_eq(gov_count(s, "CN", "deescalate"), 1);
    gov_finish(s, &g);
}

Test(strategy, proportional_answers_factor_times_the_move) {
    gov_scn g;
    tw_trade_state *s = expect_cn("strategy: proportional, factor: 0.5", 20, 0, 5, 10, &g);
    gov_finish(s, &g);
}

Test(strategy, grim_trigger_goes_to_its_cap_and_never_forgives) {
    double cn[NDAYS];
    gov_scn g;
    tw_trade_state *s = run_cn("strategy: grim_trigger, cap_pct: 50", 0, cn, &g);
    /* The US takes its rise back on 22 January; China stays at 50 to the end. */
    expect_steps(cn, 0, 50, 50);
    cr_assert_eq(gov_count(s, "CN", "deescalate"), 0);
    cr_assert_eq(s->gov->ag[TW_CN].state, TW_GSTATE_TRIGGERED);
    gov_finish(s, &g);
}

Test(strategy, generous_with_forgiveness_1_never_retaliates) {
    gov_scn g;
    tw_trade_state *s = expect_cn("strategy: generous, forgive: 1", 20, 0, 0, 0, &g);
    cr_assert_eq(gov_count(s, "CN", "forgive"), 2);
    cr_assert_eq(gov_count(s, "CN", "escalate"), 0);
    gov_finish(s, &g);
}

Test(strategy, generous_with_forgiveness_0_is_tit_for_tat) {
    gov_scn g;
    tw_trade_state *s = expect_cn("strategy: generous, forgive: 0", 20, 0, 10, 20, &g);
    gov_finish(s, &g);
}

Test(strategy, a_cap_holds_and_further_increases_are_ignored) {
    double cn[NDAYS];
    gov_scn g;
    tw_trade_state *s = run_cn("strategy: tit_for_tat, cap_pct: 15", 30, cn, &g);
    /* 10 answered in full; the second move of 20 only up to 15. */
    expect_steps(cn, 0, 10, 15);
    gov_finish(s, &g);
    /* Already at the cap: a further rise is logged as ignored and changes nothing. */
    s = expect_cn("strategy: tit_for_tat, cap_pct: 10", 30, 0, 10, 10, &g);
    cr_assert_eq(gov_count(s, "CN", "ignore"), 1);
    cr_assert_eq(gov_first(s, "ignore"), gov_date("2025-01-22"));
    gov_finish(s, &g);
}

Test(strategy, scripted_never_acts) {
    gov_scn g;
    tw_trade_state *s = expect_cn("strategy: scripted", 20, 0, 0, 0, &g);
    size_t n;
    tw_trade_model.events(s, &n);
    cr_assert_eq(n, 0);
    gov_finish(s, &g);
}

Test(strategy, pain_threshold_retaliates_under_its_resolve_and_not_above) {
    double cn[NDAYS];
    gov_scn g;
    /* Resolve 100% of GDP: never reached, so it answers in kind. */
    tw_trade_state *s = run_cn("strategy: pain_threshold, resolve: 100", 20, cn, &g);
    expect_steps(cn, 0, 10, 20);
    gov_finish(s, &g);
    /* Resolve 0: any pain is above it, so it seeks a deal and does not retaliate. */
    s = expect_cn("strategy: pain_threshold, resolve: 0", 20, 0, 0, 0, &g);
    cr_assert_eq(s->gov->ag[TW_CN].state, TW_GSTATE_SEEK_DEAL);
    gov_finish(s, &g);
}

Test(strategy, a_threshold_ignores_small_moves) {
    gov_scn g;
    tw_trade_state *s = expect_cn("strategy: tit_for_tat, threshold_pct: 10.5", 20, 0, 0, 0, &g);
    gov_finish(s, &g);
}

/* Decisions are announced when taken: firms see the rise before it applies. */
Test(strategy, a_decision_is_announced_before_it_takes_effect) {
    gov_scn g;
    char *y = strategy_yaml("strategy: tit_for_tat", 20);
    gov_load(&g, y);
    free(y);
    tw_trade_state *s = gov_run(&g, 7, 0, 1, 9, NULL, NULL); /* through 9 January */
    cr_assert(fabs(gov_rate(s, TW_CN, TW_US, TW_MACHINERY)) < 1e-12);
    cr_assert(fabs(100.0 * (*s->rt.exp)[TW_CN][TW_US][TW_MACHINERY] - 10.0) < 1e-9,
              "expected 10%% announced, got %g", 100.0 * (*s->rt.exp)[TW_CN][TW_US][TW_MACHINERY]);
    gov_finish(s, &g);
}

/* --- uncertain parameters ---------------------------------------------------------- */

static double mean_resolve(const char *dist, int n, double *lo, double *hi) {
    char y[2048];
    snprintf(y, sizeof y,
             GOV_HEAD("2025-01-01", "2025-01-03") "governments:\n  CN: {resolve: %s}\n", dist);
    gov_scn g;
    gov_load(&g, y);
    double sum = 0.0;
    *lo = INFINITY;
    *hi = -INFINITY;
    for (int r = 0; r < n; r++) {
        tw_trade_state *s = gov_run(&g, 11, (uint32_t)r, 1, 0, NULL, NULL);
        double v = s->gov->ag[TW_CN].resolve;
        sum += v;
        *lo = fmin(*lo, v);
        *hi = fmax(*hi, v);
        tw_trade_model.free_state(s);
    }
    gov_unload(&g);
    return sum / n;
}

/* 400 replicates; each sample mean must lie within 4 standard errors of the
 * distribution's mean (a false alarm about once in 16,000 runs). */
Test(distributions, draws_follow_the_distribution_within_4_standard_errors) {
    const int n = 400;
    double lo, hi, m;
    m = mean_resolve("{dist: uniform, lo: 1, hi: 2}", n, &lo, &hi);
    cr_assert(fabs(m - 1.5) < 4.0 * (1.0 / sqrt(12.0)) / sqrt(n), "uniform mean %g", m);
    cr_assert(lo >= 1.0 && hi <= 2.0 && hi - lo > 0.9, "uniform range [%g, %g]", lo, hi);
    m = mean_resolve("{dist: normal, mean: 3, sd: 0.5}", n, &lo, &hi);
    cr_assert(fabs(m - 3.0) < 4.0 * 0.5 / sqrt(n), "normal mean %g", m);
    m = mean_resolve("{dist: beta, a: 2, b: 6}", n, &lo, &hi);
    double bsd = sqrt(2.0 * 6.0 / (64.0 * 9.0));
    cr_assert(fabs(m - 0.25) < 4.0 * bsd / sqrt(n), "beta mean %g", m);
    cr_assert(lo > 0.0 && hi < 1.0);
    m = mean_resolve("{dist: lognormal, mu: 0, sigma: 0.25}", n, &lo, &hi);
    double lm = exp(0.25 * 0.25 / 2.0), lsd = lm * sqrt(exp(0.0625) - 1.0);
    cr_assert(fabs(m - lm) < 4.0 * lsd / sqrt(n), "lognormal mean %g", m);
    m = mean_resolve("{dist: fixed, value: 0.7}", 3, &lo, &hi);
    cr_assert(lo == 0.7 && hi == 0.7);
    /* Draws of a normal at the edge of the range are clamped into it: of 40 draws with
     * mean 0, some fall below 0 (all above with probability 2^-40) and become 0. */
    mean_resolve("{dist: normal, mean: 0, sd: 1}", 40, &lo, &hi);
    cr_assert(lo == 0.0 && hi > 0.0, "range [%g, %g]", lo, hi);
}

Test(distributions, a_replicate_draws_the_same_values_at_any_thread_count) {
    char y[1024];
    snprintf(y, sizeof y, GOV_HEAD("2025-01-01", "2025-01-03")
             "governments:\n  CN: {resolve: {dist: uniform, lo: 0, hi: 9}, forgive: {dist: beta, a: 1, b: 1}}\n");
    gov_scn g;
    gov_load(&g, y);
    tw_trade_state *a = gov_run(&g, 5, 3, 1, 0, NULL, NULL);
    tw_trade_state *b = gov_run(&g, 5, 3, 2, 0, NULL, NULL);
    tw_trade_state *c = gov_run(&g, 5, 4, 1, 0, NULL, NULL);
    cr_assert_eq(a->gov->ag[TW_CN].resolve, b->gov->ag[TW_CN].resolve);
    cr_assert_eq(a->gov->ag[TW_CN].forgive, b->gov->ag[TW_CN].forgive);
    cr_assert_neq(a->gov->ag[TW_CN].resolve, c->gov->ag[TW_CN].resolve);
    tw_trade_model.free_state(a);
    tw_trade_model.free_state(b);
    tw_trade_model.free_state(c);
    gov_unload(&g);
}

/* --- scenario keys --------------------------------------------------------------------- */

static void refused(const char *body, const char *want) {
    char y[2048];
    snprintf(y, sizeof y, GOV_HEAD("2025-01-01", "2025-02-28") "%s", body);
    tw_err err;
    const char *msg = gov_load_error(y, &err);
    cr_assert(strstr(msg, want) != NULL, "message: %s\nexpected: %s", msg, want);
    cr_assert(strncmp(msg, "gov.yaml:", 9) == 0, "no location: %s", msg);
}

Test(keys, bad_government_keys_are_refused_with_their_location) {
    refused("governments:\n  CN: {strategy: bully, measure: m}\n",
            "governments.CN.strategy: expected one of scripted, tit_for_tat");
    refused("governments:\n  CN: {strategy: tit_for_tat}\n", "missing required key");
    refused("governments:\n  CN: {measure: m, cap_pct: -1}\n", "governments.CN.cap_pct: expected a number between 0 and 1000");
    refused("governments:\n  CN: {resolve: {dist: uniform, lo: 2, hi: 1}}\n",
            "governments.CN.resolve.hi: expected a number between 2 and 100");
    refused("governments:\n  CN: {resolve: {dist: gamma, a: 1}}\n",
            "governments.CN.resolve.dist: expected one of fixed, uniform");
    refused("governments:\n  CN: {forgive: 1.5}\n", "governments.CN.forgive: expected a number between 0 and 1");
    refused("governments:\n  CN: {partner: CN}\n", "governments.CN.partner: expected a region other than CN");
    refused("events:\n  truce: {levels: {US: 10}}\n", "events.truce.levels.US: a truce level needs governments.US");
    refused("events:\n  court: {from: 2025-03-01, to: 2025-02-01}\n", "events.court.to: expected a date on or after from");
    refused("events:\n  leader_calls: {dates: [2025-02-30]}\n", "expected a date YYYY-MM-DD that exists");
    refused("third_parties:\n  - {actor: EU, watch: {imposer: EU, measure: m, sector: metals}, measure: r, rate: 5}\n",
            "third_parties[0].watch.imposer: expected a region other than the actor");
}

/* --- best response ------------------------------------------------------------------- */

/* The US best response from a 20% start on China, decided on 1 January and in force from
 * 4 January, with the given pass-through. */
static double best_response_level(double pass_through, gov_scn *g, tw_trade_state **out) {
    char y[2048];
    snprintf(y, sizeof y,
             "start: 2025-01-01\nend: 2025-01-10\nfirms: {per_cell: 1}\n"
             "model: {data_dir: " TW_SOURCE_DIR "/data, pass_through: %g}\n"
             "tariffs:\n  - {measure: answer, imposer: US, target: CN, rate: 20, effective: 2024-12-01}\n"
             "governments:\n  US: {strategy: best_response, measure: answer, delay_days: 3, grid_pct: 1}\n",
             pass_through);
    gov_load(g, y);
    *out = gov_run(g, 1, 0, 1, -1, NULL, NULL);
    return gov_rate(*out, TW_US, TW_CN, TW_MACHINERY);
}

/* The best response weighs each level in the long-run general equilibrium (tw_ge_solve):
 * producer prices move, so a tariff wins on the terms of trade even with full
 * pass-through and the best response is a positive tariff, of the magnitude Ossa (2014,
 * AER 104(12)) finds for optimal tariffs (62% on average), though on one partner only:
 * the US buys a small part of China's output and has two other foreign suppliers, so its
 * market power against China alone is far smaller than against all partners at once
 * (tw_ge's uniform optimum, 61% on the 2024 flows, tests/models/test_ge.c). With nested
 * sourcing (home against imports at 1.19, foreign origins at 3 to 4) what a tariff on
 * China takes from China goes mostly to the EU and the rest of the world, whose prices
 * rise against the US: the gain on China's price is mostly given back to the bystanders,
 * so the bilateral optimum is a few percent (4% at 1-point steps; 11% in one nest). The
 * band asks for a positive tariff (at least one grid step) below 40%. */
Test(strategy, best_response_is_a_positive_optimal_tariff) {
    gov_scn g;
    tw_trade_state *s;
    double level = best_response_level(1.0, &g, &s);
    cr_log_info("US best response on China: %g%%", level);
    cr_assert(level >= 1.0 && level <= 40.0, "best response %g%%", level);
    cr_assert_eq(gov_count(s, "US", "deescalate") + gov_count(s, "US", "escalate"),
                 level == 20.0 ? 0 : 1);
    gov_finish(s, &g);
}

/* Two best-responders from free trade settle at once (their best responses hardly depend
 * on each other's rate) on bilateral Nash tariffs of the tens-of-percent magnitude of
 * Ossa (2014)'s trade-war tariffs (63% on average, against all partners): each positive
 * and bilateral, so below his, and with nested sourcing far below (diversion to the
 * bystanders takes most of the terms-of-trade gain, as in the test above): on the 2024
 * flows China 6%, the US 1%, at 1-point steps (20% and 9% in one nest). */
Test(strategy, two_best_responders_settle_on_positive_nash_tariffs) {
    gov_scn g;
    gov_load(&g, GOV_HEAD("2025-01-01", "2025-01-21")
             "tariffs:\n"
             "  - {measure: us_lever, imposer: US, target: CN, rate: 0, effective: 2024-12-01}\n"
             "  - {measure: cn_lever, imposer: CN, target: US, rate: 0, effective: 2024-12-01}\n"
             "governments:\n"
             "  US: {strategy: best_response, measure: us_lever, delay_days: 1, grid_pct: 1, max_pct: 100}\n"
             "  CN: {strategy: best_response, measure: cn_lever, delay_days: 1, grid_pct: 1, max_pct: 100}\n");
    tw_trade_state *s = gov_run(&g, 1, 0, 1, -1, NULL, NULL);
    double us = gov_rate(s, TW_US, TW_CN, TW_MACHINERY), cn = gov_rate(s, TW_CN, TW_US, TW_MACHINERY);
    cr_log_info("Nash: US on China %g%%, China on the US %g%%", us, cn);
    cr_assert(us >= 1.0 && us <= 40.0 && cn >= 1.0 && cn <= 40.0, "US %g%%, CN %g%%", us, cn);
    cr_assert_eq(gov_count(s, "US", "escalate"), 1); /* settled at the first decision */
    cr_assert_eq(gov_count(s, "CN", "escalate"), 1);
    gov_finish(s, &g);
}

/* The slot of the outcome called name in block m's own list (its slice of the outcomes). */
static size_t gov_slot(const tw_measure_block *m, const char *name) {
    int k = tw_measure_find(m->outcomes, m->n_outcomes, name);
    cr_assert_geq(k, 0, "no outcome %s in the %s block", name, m->name);
    return (size_t)k;
}

/* The policy block's outcomes read only the day's view: without governments or events
 * they move the shortage outcomes (China's GDP lost, the US vehicle halt) and leave the
 * others as they started. */
Test(gov_block, outcomes_without_governments_come_from_the_view) {
    static tw_world world;
    world.gdp[TW_CN] = 18000.0;
    double gdp_pct[TW_NREG] = {0.0, -0.5, 0.0, 0.0};
    double loss[TW_NREG][TW_NSEC] = {{0}};
    loss[TW_US][TW_VEHICLES] = 0.2;
    tw_day_view v = {.world = &world, .gdp_pct = gdp_pct, .output_loss = loss};
    const tw_measure_block *m = &tw_gov_measures;
    double *out = calloc(m->n_outcomes, sizeof *out);
    cr_assert_not_null(out);
    tw_gov_outcomes_start(out);
    tw_gov_outcomes(0.3, NULL, &v, out);
    cr_assert_eq(out[gov_slot(m, "us_vehicle_halt")], 0.0, "a 20%% loss is under the halt threshold");
    loss[TW_US][TW_VEHICLES] = 0.3;
    tw_gov_outcomes(0.3, NULL, &v, out);
    tw_events_outcomes(NULL, out); /* no events: their entries keep their start values */
    cr_assert_eq(out[gov_slot(m, "us_vehicle_halt")], 1.0);
    cr_assert_float_eq(out[gov_slot(m, "gdp_loss_cn_usd_bn")], 2.0 * 0.5 / 100.0 * 18000.0 / 365.0,
                       1e-12);
    cr_assert(isnan(out[gov_slot(m, "first_leader_call_day")]));
    cr_assert_eq(out[gov_slot(m, "days_in_truce")], 0.0);
    cr_assert_eq(out[gov_slot(m, "escalations")], 0.0);
    free(out);
    int pain = tw_measure_find(m->indicators, m->n_indicators, "gov_pain");
    cr_assert_geq(pain, 0);
    tw_series_def d = {.local = pain, .region = TW_CN, .partner = TW_ALL, .sector = TW_ALL};
    cr_assert_eq(m->value(NULL, &v, &d), 0.0, "no governments: every policy series is 0");
}
