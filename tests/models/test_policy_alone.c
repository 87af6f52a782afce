/* test_policy_alone.c - the governments and the events with only a day around them
 * (day_fixture.h): no firms, no flows, no trade model. Each test writes the day's view by
 * hand (the partner's rates, the GDP change that makes a government's pain) or the books
 * the events read (the export controls), steps the two modules day by day, and checks
 * what they did: the levers they set in the tariff book, their states, the truce and the
 * event log. test_gov.c and test_events.c check the same behaviours through the whole
 * model.
 *
 * Calendar: the runs start on 1 January 2025; a government decides every 7 days from
 * then (1, 8, 15, 22 January ...) and its decision takes effect delay_days later.
 */
#include "day_fixture.h"

/* --- governments ----------------------------------------------------------------------- */

#define TFT "governments:\n  CN: {strategy: tit_for_tat, measure: answer, cadence_days: 7, " \
            "delay_days: 3}\n"

/* The US raises its tariff on China (in the view) on 5 January and drops it on 16
 * January; China sees each move at its next decision (8 and 22 January) and answers it
 * 3 days later (11 and 25 January). */
Test(alone, tit_for_tat_answers_the_partner_in_the_view_after_its_delay) {
    day_fx fx;
    day_fx_open(&fx, "2025-01-01", TFT, 7);
    day_fx_until(&fx, "2025-01-05");
    day_fx_rate(&fx, TW_US, TW_CN, 10.0);
    day_fx_until(&fx, "2025-01-16");
    day_fx_rate(&fx, TW_US, TW_CN, 0.0);
    day_fx_until(&fx, "2025-02-01");
    cr_assert_eq(day_fx_first(&fx, "escalate"), day_fx_date("2025-01-08"));
    cr_assert_eq(day_fx_count(&fx, "CN", "escalate"), 1);
    cr_assert_eq(day_fx_count(&fx, "CN", "deescalate"), 1);
    cr_assert_float_eq(day_fx_lever(&fx, TW_CN, "2025-01-10"), 0.0, 1e-9);
    cr_assert_float_eq(day_fx_lever(&fx, TW_CN, "2025-01-11"), 10.0, 1e-9);
    cr_assert_float_eq(day_fx_lever(&fx, TW_CN, "2025-01-24"), 10.0, 1e-9);
    cr_assert_float_eq(day_fx_lever(&fx, TW_CN, "2025-01-25"), 0.0, 1e-9);
    day_fx_close(&fx);
}

/* A move under the government's threshold is no move: the same rise of 10 points against
 * a threshold of 15 leaves China's lever where it was. */
Test(alone, tit_for_tat_ignores_a_move_under_its_threshold) {
    day_fx fx;
    day_fx_open(&fx, "2025-01-01",
                "governments:\n  CN: {strategy: tit_for_tat, measure: answer, cadence_days: 7, "
                "delay_days: 3, threshold_pct: 15}\n",
                7);
    day_fx_until(&fx, "2025-01-05");
    day_fx_rate(&fx, TW_US, TW_CN, 10.0);
    day_fx_until(&fx, "2025-02-01");
    cr_assert_eq(day_fx_count(&fx, "CN", "escalate"), 0);
    cr_assert_float_eq(day_fx_lever(&fx, TW_CN, "2025-01-31"), 0.0, 1e-9);
    day_fx_close(&fx);
}

/* China's pain is its GDP loss (pain weight 1 on GDP, nothing else moves in the view).
 * At 0.5% of GDP, under its resolve of 1, it holds out (tw_gov_holdouts) and its 8 January
 * decision is to hold; once the view shows 1.5% (from 10 January) it is past its resolve,
 * no longer a holdout, and its next decision (15 January) is to seek a deal. */
Test(alone, pain_threshold_seeks_a_deal_once_its_pain_passes_its_resolve) {
    day_fx fx;
    day_fx_open(&fx, "2025-01-01",
                "governments:\n  CN: {strategy: pain_threshold, measure: answer, resolve: 1, "
                "cadence_days: 7, delay_days: 3}\n",
                7);
    fx.gdp_pct[TW_CN] = -0.5;
    day_fx_until(&fx, "2025-01-10");
    cr_assert_eq(tw_gov_holdouts(fx.g), 1);
    cr_assert_float_eq(tw_gov_combined_pain(fx.g), 0.5, 1e-12);
    cr_assert(day_fx_state(&fx, TW_CN, TW_GSTATE_HOLD));
    fx.gdp_pct[TW_CN] = -1.5;
    day_fx_until(&fx, "2025-01-15");
    cr_assert_eq(tw_gov_holdouts(fx.g), 0);
    cr_assert_float_eq(tw_gov_combined_pain(fx.g), 1.5, 1e-12);
    cr_assert(day_fx_state(&fx, TW_CN, TW_GSTATE_HOLD), "no decision since 8 January");
    day_fx_until(&fx, "2025-01-16");
    cr_assert(day_fx_state(&fx, TW_CN, TW_GSTATE_SEEK_DEAL));
    day_fx_close(&fx);
}

/* --- events ---------------------------------------------------------------------------- */

/* US 50% and China 40% before a truce at 10% each from 10 January to 1 March (the
 * scenario's tariffs), and the extension's probability (base; no pain in the view, so the
 * slope adds nothing). */
static void truce_open(day_fx *fx, const char *base) {
    char y[2048];
    snprintf(y, sizeof y,
             "tariffs:\n"
             "  - {measure: recip, imposer: US, target: CN, rate: 50, effective: 2024-12-01}\n"
             "  - {measure: recip, imposer: US, target: CN, rate: 10, effective: 2025-01-10, "
             "end: 2025-03-01}\n"
             "  - {measure: counter, imposer: CN, target: US, rate: 40, effective: 2024-12-01}\n"
             "  - {measure: counter, imposer: CN, target: US, rate: 10, effective: 2025-01-10, "
             "end: 2025-03-01}\n"
             "governments:\n  US: {measure: recip}\n  CN: {measure: counter}\n"
             "events:\n  truce:\n    in_force: {since: 2025-01-10, until: 2025-03-01}\n"
             "    levels: {US: 10, CN: 10}\n    extension_days: 30\n    extension: {base: %s}\n",
             base);
    day_fx_open(fx, "2025-01-01", y, 3);
}

/* Probability 1: on its expiry day the truce is extended by 30 days at the agreed
 * levels, and again on each expiry. */
Test(alone, truce_expiry_extends_with_probability_one) {
    day_fx fx;
    truce_open(&fx, "1");
    day_fx_until(&fx, "2025-01-10");
    cr_assert_not(tw_events_truce(fx.ev));
    day_fx_step(&fx); /* 10 January */
    cr_assert(tw_events_truce(fx.ev));
    day_fx_until(&fx, "2025-03-02");
    cr_assert_eq(day_fx_first(&fx, "truce_extended"), day_fx_date("2025-03-01"));
    cr_assert_eq(day_fx_count(&fx, NULL, "snap_back"), 0);
    cr_assert(tw_events_truce(fx.ev));
    cr_assert_float_eq(day_fx_lever(&fx, TW_US, "2025-03-15"), 10.0, 1e-9);
    cr_assert_float_eq(day_fx_lever(&fx, TW_CN, "2025-03-15"), 10.0, 1e-9);
    day_fx_close(&fx);
}

/* Probability 0: on its expiry day the truce ends and the pre-truce measures apply. */
Test(alone, truce_expiry_snaps_back_with_probability_zero) {
    day_fx fx;
    truce_open(&fx, "0");
    day_fx_until(&fx, "2025-03-01");
    cr_assert(tw_events_truce(fx.ev));
    cr_assert_float_eq(day_fx_lever(&fx, TW_US, "2025-02-28"), 10.0, 1e-9);
    day_fx_step(&fx); /* 1 March */
    cr_assert_not(tw_events_truce(fx.ev));
    cr_assert_eq(day_fx_first(&fx, "snap_back"), day_fx_date("2025-03-01"));
    cr_assert_eq(day_fx_count(&fx, NULL, "truce_extended"), 0);
    cr_assert_float_eq(day_fx_lever(&fx, TW_US, "2025-03-01"), 50.0, 1e-9);
    cr_assert_float_eq(day_fx_lever(&fx, TW_CN, "2025-03-01"), 40.0, 1e-9);
    day_fx_close(&fx);
}

/* China committed to licensing; the export-control book the events read has it
 * slow-rolling at a quarter of the pace (shortfall 0.75 a day). Over the 5-day window from
 * the truce's first day the mean shortfall passes 0.5, so the US accuses a breach on the
 * window's last day, 14 January; at licensing (no shortfall) nobody does. */
static int accusations(const char *regime, tw_day *first) {
    char y[2048];
    snprintf(y, sizeof y,
             "export_controls:\n"
             "  - {id: re, exporter: CN, destination: US, regime: %s, slow_roll_factor: 0.25, "
             "effective: 2024-12-01}\n"
             "governments:\n  US: {measure: recip}\n  CN: {measure: counter}\n"
             "events:\n  truce:\n    in_force: {since: 2025-01-10, until: 2025-03-01}\n"
             "    levels: {US: 10, CN: 10}\n    commitments: {CN: licensing}\n"
             "    breach: {window_days: 5, shortfall: 0.5}\n    extension: {base: 0}\n",
             regime);
    day_fx fx;
    day_fx_open(&fx, "2025-01-01", y, 3);
    day_fx_until(&fx, "2025-02-01");
    *first = day_fx_first(&fx, "breach_accusation");
    int n = day_fx_count(&fx, "US", "breach_accusation");
    day_fx_close(&fx);
    return n;
}

Test(alone, a_breach_accusation_follows_a_measured_shortfall) {
    tw_day first;
    cr_assert_eq(accusations("slow_roll", &first), 1);
    cr_assert_eq(first, day_fx_date("2025-01-14"));
    cr_assert_eq(accusations("licensing", &first), 0);
    cr_assert_eq(first, TW_DAY_NEVER);
}
