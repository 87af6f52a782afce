/* test_policy_fitted.c - the processes fitted to the library of decision points, each with
 * only a day around it (day_fixture.h): China's export-control answer drawn with
 * control_prob, the forgiveness of a pain_threshold government, the extension chance while
 * a breach accusation stands (extension.accused), and the cut of a deal that starts a
 * truce. Each is run at the probabilities 0 and 1, where its outcome is certain, and the
 * drawn parameter is listed for replicates.csv.
 *
 * Calendar: the runs start on 1 January 2025; a government decides every 7 days from
 * then (1, 8, 15, 22 January ...).
 */
#include "day_fixture.h"
#include "four_regions.h"

/* The US raises its tariff on China by 10 points on 5 January; the run goes on to until. */
static void us_rises_on_5_january(day_fx *fx, const char *until) {
    day_fx_until(fx, "2025-01-05");
    day_fx_rate(fx, TW_US, TW_CN, 10.0);
    day_fx_until(fx, until);
}

/* The governments section yaml is refused, the message holding want (and, with at, the
 * file's place). */
static void gov_refused(const char *yaml, const char *want, bool at) {
    tw_cfg *cfg;
    tw_err err;
    cr_assert_eq(tw_cfg_load_string("policy.yaml", yaml, strlen(yaml), &cfg, &err), TW_OK);
    tw_tariff_book book;
    cr_assert_eq(tw_tariffs_load(NULL, tw_test_world_four(), &book, &err), TW_OK);
    tw_gov_params gov[TW_NREG_MAX];
    cr_assert_neq(tw_gov_params_load(tw_cfg_root(cfg), &book, 0, gov, &err), TW_OK);
    cr_assert(strstr(err.msg, want) != NULL, "%s", err.msg);
    if (at) cr_assert(strstr(err.msg, "policy.yaml:") != NULL, "%s", err.msg);
    tw_tariffs_free(&book);
    tw_cfg_free(cfg);
}

/* --- China's export-control answer ----------------------------------------------------- */

/* The US raises its tariff on China on 5 January; China answers at its 8 January decision
 * and, with control_prob `prob`, tightens its rare-earth controls on the US a notch. */
static int tightenings(const char *prob) {
    char y[1024];
    snprintf(y, sizeof y,
             "governments:\n  CN: {strategy: tit_for_tat, measure: answer, cadence_days: 7, "
             "delay_days: 0, control_lever: true, control_prob: %s}\n",
             prob);
    day_fx fx;
    day_fx_open(&fx, "2025-01-01", y, 11);
    us_rises_on_5_january(&fx, "2025-01-20");
    cr_assert_eq(day_fx_count(&fx, "CN", "escalate"), 1, "it answers the rise either way");
    int n = day_fx_count(&fx, "CN", "tighten_controls");
    if (n > 0) {
        cr_assert_eq(day_fx_first(&fx, "tighten_controls"), day_fx_date("2025-01-08"));
        cr_assert_eq(tw_gov_regime(fx.g, TW_CN, TW_US, day_fx_date("2025-01-09")),
                     TW_CTRL_LICENSING);
    } else {
        cr_assert_eq(tw_gov_regime(fx.g, TW_CN, TW_US, day_fx_date("2025-01-09")), TW_CTRL_OPEN);
    }
    day_fx_close(&fx);
    return n;
}

Test(fitted, chinas_answer_widens_its_controls_with_control_prob) {
    cr_assert_eq(tightenings("1"), 1);
    cr_assert_eq(tightenings("0"), 0);
}

/* With control_scope: all, China's notch moves its controls toward every destination (as
 * its April 2025 licensing applied to all, MOFCOM-18), and the notch down when the US cuts
 * its rise lifts them everywhere again; with the default scope only the US's move. */
static void scope_run(const char *scope, int want_eu) {
    char y[1024];
    snprintf(y, sizeof y,
             "governments:\n  CN: {strategy: tit_for_tat, measure: answer, cadence_days: 7, "
             "delay_days: 0, control_lever: true%s%s}\n",
             scope != NULL ? ", control_scope: " : "", scope != NULL ? scope : "");
    day_fx fx;
    day_fx_open(&fx, "2025-01-01", y, 11);
    us_rises_on_5_january(&fx, "2025-01-10");
    tw_day after = day_fx_date("2025-01-09");
    cr_assert_eq(tw_gov_regime(fx.g, TW_CN, TW_US, after), TW_CTRL_LICENSING);
    cr_assert_eq(tw_gov_regime(fx.g, TW_CN, TW_EU, after), want_eu);
    cr_assert_eq(tw_gov_regime(fx.g, TW_CN, TW_ROW, after), want_eu);
    day_fx_rate(&fx, TW_US, TW_CN, 0.0);
    day_fx_until(&fx, "2025-01-20");
    cr_assert_eq(day_fx_count(&fx, "CN", "loosen_controls"), 1, "the US cut is answered");
    tw_day later = day_fx_date("2025-01-16");
    for (int d = 0; d < TW_NREG; d++)
        if (d != TW_CN)
            cr_assert_eq(tw_gov_regime(fx.g, TW_CN, d, later), TW_CTRL_OPEN, "toward %s",
                         tw_test_region_names[d]);
    day_fx_close(&fx);
}

Test(fitted, control_scope_all_widens_and_lifts_controls_everywhere) {
    scope_run("all", TW_CTRL_LICENSING);
    scope_run(NULL, TW_CTRL_OPEN);
    scope_run("partner", TW_CTRL_OPEN);
}

/* With control_scope all each destination moves a notch from where it stands: scripted
 * licensing to all, slow-rolling to the US, a pinned open regime to ROW. China's answer
 * takes the US to a halt and the EU to slow-rolling; ROW stays open. */
Test(fitted, control_scope_all_moves_each_destination_from_where_it_stands) {
    const char *y =
        "governments:\n  CN: {strategy: tit_for_tat, measure: answer, cadence_days: 7, "
        "delay_days: 0, control_lever: true, control_scope: all}\n"
        "export_controls:\n"
        "  - {id: all, exporter: CN, destination: ALL, regime: licensing, effective: 2024-12-01}\n"
        "  - {id: us, exporter: CN, destination: US, regime: slow_roll, effective: 2024-12-01}\n"
        "  - {id: row, exporter: CN, destination: ROW, regime: open, pinned: true,\n"
        "     effective: 2024-12-01}\n";
    day_fx fx;
    day_fx_open(&fx, "2025-01-01", y, 11);
    tw_day before = day_fx_date("2025-01-02");
    cr_assert_eq(tw_gov_regime(fx.g, TW_CN, TW_US, before), TW_CTRL_SLOW_ROLL);
    cr_assert_eq(tw_gov_regime(fx.g, TW_CN, TW_EU, before), TW_CTRL_LICENSING);
    us_rises_on_5_january(&fx, "2025-01-10");
    tw_day after = day_fx_date("2025-01-09");
    cr_assert_eq(tw_gov_regime(fx.g, TW_CN, TW_US, after), TW_CTRL_HALT);
    cr_assert_eq(tw_gov_regime(fx.g, TW_CN, TW_EU, after), TW_CTRL_SLOW_ROLL);
    cr_assert_eq(tw_gov_regime(fx.g, TW_CN, TW_ROW, after), TW_CTRL_OPEN, "pinned");
    cr_assert_eq(day_fx_count(&fx, "CN", "tighten_controls"), 1, "one decision, one line");
    day_fx_close(&fx);
}

/* control_scope needs the lever, and a scope that is neither partner nor all is refused
 * with the choices. */
Test(fitted, control_scope_is_checked) {
    static const char *const bad[][2] = {
        {"governments:\n  CN: {strategy: tit_for_tat, measure: answer, control_scope: all}\n",
         "control_scope needs control_lever: true"},
        {"governments:\n  CN: {strategy: tit_for_tat, measure: answer, control_lever: true, "
         "control_scope: world}\n",
         "partner, all"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) gov_refused(bad[i][0], bad[i][1], true);
}

/* A drawn control_prob is one of the replicate's drawn parameters, named for its key, and
 * its draw is the agent's. */
Test(fitted, a_drawn_control_prob_is_listed_and_drawn) {
    day_fx fx;
    day_fx_open(&fx, "2025-01-01",
                "governments:\n  CN: {strategy: tit_for_tat, measure: answer, control_lever: true, "
                "control_prob: {dist: beta, a: 5.9, b: 11.3, source: DP-2025}}\n",
                11);
    int k = -1;
    for (int i = 0; i < fx.ep.n_drawn; i++)
        if (strcmp(fx.ep.drawn[i].name, "governments.CN.control_prob") == 0) k = i;
    cr_assert_geq(k, 0, "governments.CN.control_prob is listed");
    cr_assert_not(fx.ep.drawn[k].assumed, "it has a source");
    double v[TW_MAX_DRAWN];
    tw_events_drawn_values(fx.ev, fx.start, v);
    cr_assert(v[k] > 0.0 && v[k] < 1.0, "drawn %g", v[k]);
    cr_assert_float_eq(v[k], tw_gov_drawn(fx.g, TW_SLOT_CONTROL + TW_CN), 0.0);
    day_fx_close(&fx);
}

/* control_prob without the lever it governs is refused. */
Test(fitted, control_prob_needs_the_control_lever) {
    gov_refused("governments:\n  CN: {strategy: tit_for_tat, measure: answer, control_prob: 0.3}\n",
                "control_prob needs control_lever: true", false);
}

/* --- a pain_threshold government's forgiveness ----------------------------------------- */

/* Under its resolve, China answers the US rise in kind unless it forgives it. */
static int pain_threshold_escalations(const char *forgive, int *forgiven) {
    char y[1024];
    snprintf(y, sizeof y,
             "governments:\n  CN: {strategy: pain_threshold, measure: answer, resolve: 5, "
             "cadence_days: 7, delay_days: 0, forgive: %s}\n",
             forgive);
    day_fx fx;
    day_fx_open(&fx, "2025-01-01", y, 5);
    us_rises_on_5_january(&fx, "2025-01-20");
    int n = day_fx_count(&fx, "CN", "escalate");
    *forgiven = day_fx_count(&fx, "CN", "forgive");
    day_fx_close(&fx);
    return n;
}

Test(fitted, pain_threshold_forgives_with_its_drawn_chance) {
    int forgiven;
    cr_assert_eq(pain_threshold_escalations("0", &forgiven), 1);
    cr_assert_eq(forgiven, 0);
    cr_assert_eq(pain_threshold_escalations("1", &forgiven), 0);
    cr_assert_eq(forgiven, 1);
}

/* --- the extension while an accusation stands ------------------------------------------ */

/* A truce from 10 January to 1 March with China committed to licensing and slow-rolling:
 * the US accuses a breach on 14 January (the 5-day window), and the accusation still
 * stands at the expiry. `ext` is the extension map. Returns whether the truce was
 * extended on 1 March. */
static bool extended_accused(const char *ext) {
    char y[2048];
    snprintf(y, sizeof y,
             "export_controls:\n"
             "  - {id: re, exporter: CN, destination: US, regime: slow_roll, "
             "slow_roll_factor: 0.25, effective: 2024-12-01}\n"
             "tariffs:\n"
             "  - {measure: recip, imposer: US, target: CN, rate: 50, effective: 2024-12-01}\n"
             "  - {measure: recip, imposer: US, target: CN, rate: 10, effective: 2025-01-10, "
             "end: 2025-03-01}\n"
             "  - {measure: counter, imposer: CN, target: US, rate: 40, effective: 2024-12-01}\n"
             "  - {measure: counter, imposer: CN, target: US, rate: 10, effective: 2025-01-10, "
             "end: 2025-03-01}\n"
             "governments:\n  US: {measure: recip}\n  CN: {measure: counter}\n"
             "events:\n  truce:\n    in_force: {since: 2025-01-10, until: 2025-03-01}\n"
             "    levels: {US: 10, CN: 10}\n    commitments: {CN: licensing}\n"
             "    breach: {window_days: 5, shortfall: 0.5}\n    extension: %s\n",
             ext);
    day_fx fx;
    day_fx_open(&fx, "2025-01-01", y, 3);
    day_fx_until(&fx, "2025-03-02");
    cr_assert_eq(day_fx_first(&fx, "breach_accusation"), day_fx_date("2025-01-14"));
    bool ext_ok = day_fx_count(&fx, NULL, "truce_extended") == 1;
    cr_assert_eq(ext_ok, day_fx_count(&fx, NULL, "snap_back") == 0);
    day_fx_close(&fx);
    return ext_ok;
}

Test(fitted, the_accused_chance_replaces_the_penalised_base) {
    /* the fitted chance with an accusation standing decides, whatever the base */
    cr_assert(extended_accused("{base: 0, accused: 1}"));
    cr_assert_not(extended_accused("{base: 1, accused: 0}"));
    /* without it, the base less the breach penalty, as before */
    cr_assert(extended_accused("{base: 1, breach_penalty: 0}"));
    cr_assert_not(extended_accused("{base: 1, breach_penalty: 1}"));
}

/* --- the cut of a deal that starts a truce --------------------------------------------- */

/* US 50% and China 40%, no truce; a call on 6 January ends in a deal (base 1) that starts
 * a 30-day truce at 10% each from 13 January (the governments' delay of 7 days) to 12
 * February, and cuts half of each side's suspended gap for good with probability `prob`:
 * from 12 February the US stands at 30% and China at 25%, else they snap back. */
static void deal_levels(const char *prob, double *us, double *cn, int *cuts) {
    char y[2048];
    snprintf(y, sizeof y,
             "tariffs:\n"
             "  - {measure: recip, imposer: US, target: CN, rate: 50, effective: 2024-12-01}\n"
             "  - {measure: counter, imposer: CN, target: US, rate: 40, effective: 2024-12-01}\n"
             "governments:\n  US: {measure: recip}\n  CN: {measure: counter}\n"
             "events:\n  leader_calls: {dates: [2025-01-06]}\n"
             "  deal: {base: 1, cut: {prob: %s, share: 0.5}}\n"
             "  truce: {levels: {US: 10, CN: 10}, duration_days: 30, extension: {base: 0}}\n",
             prob);
    day_fx fx;
    day_fx_open(&fx, "2025-01-01", y, 3);
    day_fx_until(&fx, "2025-02-20");
    cr_assert_eq(day_fx_first(&fx, "truce"), day_fx_date("2025-01-06"));
    cr_assert_float_eq(day_fx_lever(&fx, TW_US, "2025-01-20"), 10.0, 1e-9);
    cr_assert_eq(day_fx_first(&fx, "snap_back"), day_fx_date("2025-02-12"));
    *us = day_fx_lever(&fx, TW_US, "2025-02-15");
    *cn = day_fx_lever(&fx, TW_CN, "2025-02-15");
    *cuts = day_fx_count(&fx, NULL, "deal_cut");
    if (*cuts > 0) cr_assert_eq(day_fx_first(&fx, "deal_cut"), day_fx_date("2025-01-06"));
    day_fx_close(&fx);
}

Test(fitted, a_deal_with_no_truce_in_force_cuts_with_its_chance) {
    double us, cn;
    int cuts;
    deal_levels("1", &us, &cn, &cuts);
    cr_assert_eq(cuts, 2, "one entry per side");
    cr_assert_float_eq(us, 30.0, 1e-9);
    cr_assert_float_eq(cn, 25.0, 1e-9);
    deal_levels("0", &us, &cn, &cuts);
    cr_assert_eq(cuts, 0);
    cr_assert_float_eq(us, 50.0, 1e-9);
    cr_assert_float_eq(cn, 40.0, 1e-9);
}
