/* The export-control book: which entry is in force on a day (latest effective date, a
 * destination-specific entry over ALL on the same day, end dates that uncover the earlier
 * regime), appending entries to a replicate's copy, and refusals that say where. */
#include <criterion/criterion.h>
#include <string.h>

#include "tw_config.h"
#include "tw_controls.h"
#include "tw_tariffs.h"
#include "four_regions.h"

static tw_cfg *g_cfg;

static tw_status load(const char *yaml, tw_control_book *book, tw_err *err) {
    tw_status st = tw_cfg_load_string("c.yaml", yaml, strlen(yaml), &g_cfg, err);
    cr_assert_eq(st, TW_OK, "%s", err->msg);
    return tw_controls_load(tw_cfg_get(tw_cfg_root(g_cfg), "export_controls"), tw_test_world_four(),
                            book, err);
}

static void teardown(void) {
    tw_cfg_free(g_cfg);
    g_cfg = NULL;
}

static tw_day day(const char *iso) {
    tw_day d;
    cr_assert(tw_date_parse(iso, &d), "bad date %s", iso);
    return d;
}

/* Regime on a date toward dest, open where nothing is in force. */
static tw_ctrl_regime regime(const tw_control_book *b, const char *iso, int dest) {
    const tw_control *c = tw_controls_at(b, day(iso), TW_CN, dest, TW_CTRL_GOOD_RE);
    return c == NULL ? TW_CTRL_OPEN : c->regime;
}

TestSuite(controls, .fini = teardown);

static const char *const HISTORY =
    "export_controls:\n"
    "  - {id: april, exporter: CN, destination: ALL, regime: slow_roll, slow_roll_factor: 0.25,\n"
    "     effective: 2025-04-04}\n"
    "  - {id: london, exporter: CN, destination: US, regime: licensing, validity_days: 182,\n"
    "     announced: 2025-06-09, effective: 2025-06-10}\n"
    "  - {id: october, exporter: CN, destination: ALL, regime: halt, effective: 2025-10-09,\n"
    "     end: 2025-11-10}\n";

Test(controls, latest_effective_entry_wins_and_an_end_uncovers_the_earlier_regime) {
    tw_control_book b;
    tw_err err;
    cr_assert_eq(load(HISTORY, &b, &err), TW_OK, "%s", err.msg);
    cr_assert_eq(b.n, 3);
    cr_assert_eq(regime(&b, "2025-04-03", TW_US), TW_CTRL_OPEN);
    cr_assert_eq(regime(&b, "2025-04-04", TW_US), TW_CTRL_SLOW_ROLL);
    cr_assert_eq(regime(&b, "2025-04-04", TW_EU), TW_CTRL_SLOW_ROLL);
    cr_assert_eq(regime(&b, "2025-06-09", TW_US), TW_CTRL_SLOW_ROLL);
    cr_assert_eq(regime(&b, "2025-06-10", TW_US), TW_CTRL_LICENSING);
    cr_assert_eq(regime(&b, "2025-06-10", TW_EU), TW_CTRL_SLOW_ROLL, "London is for the US only");
    /* The later ALL entry lies over the US entry while it lasts ... */
    cr_assert_eq(regime(&b, "2025-10-09", TW_US), TW_CTRL_HALT);
    cr_assert_eq(regime(&b, "2025-11-09", TW_EU), TW_CTRL_HALT);
    /* ... and its end (exclusive) uncovers London for the US and April for the rest. */
    cr_assert_eq(regime(&b, "2025-11-10", TW_US), TW_CTRL_LICENSING);
    cr_assert_eq(regime(&b, "2025-11-10", TW_EU), TW_CTRL_SLOW_ROLL);
    const tw_control *c = tw_controls_at(&b, day("2025-07-01"), TW_CN, TW_US, TW_CTRL_GOOD_RE);
    cr_assert_str_eq(c->id, "london");
    cr_assert_eq(c->validity_days, 182);
    cr_assert_eq(c->announced, day("2025-06-09"));
    c = tw_controls_at(&b, day("2025-07-01"), TW_CN, TW_EU, TW_CTRL_GOOD_RE);
    cr_assert_float_eq(c->slow_roll_factor, 0.25, 1e-15);
    /* Another exporter's exports are untouched. */
    cr_assert_null(tw_controls_at(&b, day("2025-07-01"), TW_US, TW_EU, TW_CTRL_GOOD_RE));
    tw_controls_free(&b);
}

Test(controls, a_specific_destination_beats_all_on_the_same_day_whatever_the_order) {
    const char *yaml =
        "export_controls:\n"
        "  - {id: us, exporter: CN, destination: US, regime: licensing, effective: 2025-05-01}\n"
        "  - {id: all, exporter: CN, destination: ALL, regime: halt, effective: 2025-05-01}\n"
        "  - {id: eu1, exporter: CN, destination: EU, regime: licensing, effective: 2025-06-01}\n"
        "  - {id: eu2, exporter: CN, destination: EU, regime: open, effective: 2025-06-01}\n";
    tw_control_book b;
    tw_err err;
    cr_assert_eq(load(yaml, &b, &err), TW_OK, "%s", err.msg);
    cr_assert_eq(regime(&b, "2025-05-01", TW_US), TW_CTRL_LICENSING);
    cr_assert_eq(regime(&b, "2025-05-01", TW_ROW), TW_CTRL_HALT);
    cr_assert_eq(regime(&b, "2025-06-01", TW_EU), TW_CTRL_OPEN, "the later entry of the book wins");
    tw_controls_free(&b);
}

Test(controls, duration_days_sets_the_end) {
    const char *yaml =
        "export_controls:\n"
        "  - {id: h, exporter: CN, destination: US, regime: halt, effective: 2025-04-04,\n"
        "     duration_days: 60}\n";
    tw_control_book b;
    tw_err err;
    cr_assert_eq(load(yaml, &b, &err), TW_OK, "%s", err.msg);
    cr_assert_eq(b.items[0].end, day("2025-06-03"));
    cr_assert_eq(regime(&b, "2025-06-02", TW_US), TW_CTRL_HALT);
    cr_assert_eq(regime(&b, "2025-06-03", TW_US), TW_CTRL_OPEN);
    tw_controls_free(&b);
}

Test(controls, entries_appended_to_a_copy_change_only_the_copy) {
    tw_control_book b, copy;
    tw_err err;
    cr_assert_eq(load(HISTORY, &b, &err), TW_OK, "%s", err.msg);
    cr_assert_eq(tw_controls_copy(&copy, &b, &err), TW_OK, "%s", err.msg);
    tw_control add = b.items[0];
    snprintf(add.id, sizeof add.id, "decided");
    add.dest = TW_US;
    add.regime = TW_CTRL_HALT;
    add.effective = day("2025-08-01");
    add.end = TW_DAY_NEVER;
    for (int i = 0; i < 20; i++) cr_assert_eq(tw_controls_add(&copy, &add, &err), TW_OK, "%s", err.msg);
    cr_assert_eq(copy.n, 23);
    cr_assert_eq(regime(&copy, "2025-08-01", TW_US), TW_CTRL_HALT);
    cr_assert_eq(regime(&b, "2025-08-01", TW_US), TW_CTRL_LICENSING);
    tw_controls_free(&copy);
    tw_controls_free(&b);
}

Test(controls, added_entries_do_not_count_over_a_pinned_scenario_entry) {
    static const char *const PINNED =
        "export_controls:\n"
        "  - {id: held, exporter: CN, destination: US, regime: licensing, effective: 2025-04-04,\n"
        "     end: 2025-09-01, pinned: true}\n"
        "  - {id: later, exporter: CN, destination: US, regime: slow_roll, effective: 2025-10-01}\n";
    tw_control_book b, copy;
    tw_err err;
    cr_assert_eq(load(PINNED, &b, &err), TW_OK, "%s", err.msg);
    cr_assert(b.items[0].pinned);
    cr_assert_not(b.items[1].pinned);
    cr_assert_eq(tw_controls_copy(&copy, &b, &err), TW_OK, "%s", err.msg);
    tw_control add = b.items[1];
    snprintf(add.id, sizeof add.id, "decided");
    add.regime = TW_CTRL_HALT;
    add.effective = day("2025-06-01");
    cr_assert_eq(tw_controls_add(&copy, &add, &err), TW_OK, "%s", err.msg);
    /* Held while the pinned entry is in force; the addition counts once it has ended, and
     * the scenario's own later entry still applies over it. */
    cr_assert_eq(regime(&copy, "2025-06-01", TW_US), TW_CTRL_LICENSING);
    cr_assert_eq(regime(&copy, "2025-08-31", TW_US), TW_CTRL_LICENSING);
    cr_assert_eq(regime(&copy, "2025-09-01", TW_US), TW_CTRL_HALT);
    cr_assert_eq(regime(&copy, "2025-10-01", TW_US), TW_CTRL_SLOW_ROLL);
    tw_controls_free(&copy);
    tw_controls_free(&b);
}

Test(controls, no_section_is_an_empty_book_and_everything_is_open) {
    tw_control_book b;
    tw_err err;
    cr_assert_eq(load("start: 2025-01-01\n", &b, &err), TW_OK, "%s", err.msg);
    cr_assert_eq(b.n, 0);
    cr_assert_eq(regime(&b, "2025-06-01", TW_US), TW_CTRL_OPEN);
    tw_controls_free(&b);
}

/* Each bad entry and the file:line:col, key and expectation its message must carry. */
Test(controls, errors_name_file_line_column_and_what_was_expected) {
    static const struct {
        const char *yaml, *want;
    } cases[] = {
        {"export_controls: {id: a}\n", "c.yaml:1:18: export_controls: expected a list"},
        {"export_controls:\n  - {id: a, exporter: XX, destination: US, regime: halt, "
         "effective: 2025-01-01}\n",
         "c.yaml:2:23: export_controls[0].exporter: expected one of US, CN, EU, ROW (got XX)"},
        {"export_controls:\n  - {id: a, exporter: CN, destination: CN, regime: halt, "
         "effective: 2025-01-01}\n",
         "c.yaml:2:40: export_controls[0].destination: expected a region other than the exporter CN"},
        {"export_controls:\n  - {id: a, exporter: CN, destination: US, regime: ban, "
         "effective: 2025-01-01}\n",
         "c.yaml:2:52: export_controls[0].regime: expected one of open, licensing, slow_roll, halt (got ban)"},
        {"export_controls:\n  - {id: a, exporter: CN, destination: US, regime: slow_roll,\n"
         "     slow_roll_factor: 0, effective: 2025-01-01}\n",
         "c.yaml:3:24: export_controls[0].slow_roll_factor: expected a factor above 0"},
        {"export_controls:\n  - {id: a, exporter: CN, destination: US, regime: halt,\n"
         "     effective: 2025-05-01, end: 2025-05-01}\n",
         "c.yaml:3:34: export_controls[0].end: expected a date after effective 2025-05-01"},
        {"export_controls:\n  - {id: a, exporter: CN, destination: US, regime: halt,\n"
         "     effective: 2025-05-01, end: 2025-06-01, duration_days: 3}\n",
         "c.yaml:3:61: export_controls[0].duration_days: expected either end or duration_days, not both"},
        {"export_controls:\n  - {id: a, exporter: CN, destination: US, regime: halt,\n"
         "     effective: 2025-05-01, duration_days: 0}\n",
         "c.yaml:3:44: export_controls[0].duration_days: expected an integer between 1 and 36600 (got 0)"},
        {"export_controls:\n  - {id: a, exporter: CN, destination: US, regime: halt, "
         "effective: 2025-02-30}\n",
         "c.yaml:2:69: export_controls[0].effective: expected a date YYYY-MM-DD that exists (got 2025-02-30)"},
        {"export_controls:\n  - {id: a, exporter: CN, destination: US, regime: halt, "
         "effective: 2025-02-01}\n"
         "  - {id: a, exporter: CN, destination: EU, regime: halt, effective: 2025-02-01}\n",
         "c.yaml:3:10: export_controls[1].id: expected a unique id ('a' is used twice)"},
        {"export_controls:\n  - {exporter: CN, destination: US, regime: halt, "
         "effective: 2025-02-01}\n",
         "c.yaml:2:5: export_controls[0].id: missing required key"},
        {"export_controls:\n  - {id: a, exporter: CN, destination: US, regime: licensing,\n"
         "     validity_days: -1, effective: 2025-05-01}\n",
         "c.yaml:3:21: export_controls[0].validity_days: expected an integer between 0 and 3660 (got -1)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tw_control_book b;
        tw_err err;
        tw_err_clear(&err);
        tw_status st = load(cases[i].yaml, &b, &err);
        cr_assert_neq(st, TW_OK, "case %zu was accepted", i);
        cr_assert_eq(b.n, 0, "case %zu: book not left empty", i);
        cr_assert_not_null(strstr(err.msg, cases[i].want), "case %zu: got '%s', want '%s'", i,
                           err.msg, cases[i].want);
        tw_cfg_free(g_cfg);
        g_cfg = NULL;
    }
}
