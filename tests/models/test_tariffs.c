/* Tariff measures: stacking, coverage shares, levels, suspensions and snap-back, end
 * dates, ALL versus target-specific entries, not_on exclusions, expectations. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <string.h>

#include "tw_config.h"
#include "tw_tariffs.h"
#include "four_regions.h"

static tw_cfg *cfg;
static tw_tariff_book book;

static tw_status load(const char *yaml, tw_err *err) {
    tw_cfg_free(cfg);
    tw_tariffs_free(&book);
    tw_status st = tw_cfg_load_string("t.yaml", yaml, strlen(yaml), &cfg, err);
    cr_assert_eq(st, TW_OK, "%s", err->msg);
    return tw_tariffs_load(tw_cfg_get(tw_cfg_root(cfg), "tariffs"), tw_test_world_four(), &book, err);
}

static void load_ok(const char *yaml) {
    tw_err err;
    tw_status st = load(yaml, &err);
    cr_assert_eq(st, TW_OK, "%s", err.msg);
}

static tw_day day(const char *iso) {
    tw_day d;
    cr_assert(tw_date_parse(iso, &d), "%s", iso);
    return d;
}

static double rate(const char *iso, int imp, int tgt, int sec) {
    tw_rate_table t;
    tw_tariffs_rates(&book, day(iso), TW_DAY_NEVER, t);
    return t[imp][tgt][sec];
}

static void fini(void) {
    tw_cfg_free(cfg);
    cfg = NULL;
    tw_tariffs_free(&book);
}

TestSuite(tariffs, .fini = fini);

#define E(x) epsilon_eq(dbl, (x)
#define NEAR(a, b) cr_assert(epsilon_eq(dbl, (a), (b), 1e-12), "%.15g != %.15g", (double)(a), (double)(b))

Test(tariffs, layers_of_different_measures_add) {
    load_ok("tariffs:\n"
            "  - {measure: legacy, imposer: US, target: CN, rate: 20, effective: 2024-01-01}\n"
            "  - {measure: fentanyl, imposer: US, target: CN, rate: 10, effective: 2025-02-04}\n");
    NEAR(rate("2025-02-03", TW_US, TW_CN, TW_METALS), 0.20);
    NEAR(rate("2025-02-04", TW_US, TW_CN, TW_METALS), 0.30);
    NEAR(rate("2025-02-04", TW_CN, TW_US, TW_METALS), 0.0);
    NEAR(rate("2025-02-04", TW_US, TW_EU, TW_METALS), 0.0);
}

Test(tariffs, coverage_share_scales_the_rate) {
    load_ok("tariffs:\n"
            "  - {measure: m, imposer: CN, target: US, sectors: [electronics, vehicles],\n"
            "     rate: 50, coverage: 0.4, effective: 2025-01-01}\n");
    NEAR(rate("2025-01-01", TW_CN, TW_US, TW_ELECTRONICS), 0.20);
    NEAR(rate("2025-01-01", TW_CN, TW_US, TW_VEHICLES), 0.20);
    NEAR(rate("2025-01-01", TW_CN, TW_US, TW_METALS), 0.0);
}

Test(tariffs, later_levels_replace_earlier_ones) {
    load_ok("tariffs:\n"
            "  - {measure: r, imposer: US, target: CN, rate: 34, effective: 2025-04-05}\n"
            "  - {measure: r, imposer: US, target: CN, rate: 84, effective: 2025-04-09}\n"
            "  - {measure: r, imposer: US, target: CN, rate: 125, effective: 2025-04-10}\n"
            "  - {measure: r, imposer: US, target: CN, rate: 0, effective: 2025-06-01}\n");
    NEAR(rate("2025-04-04", TW_US, TW_CN, TW_OTHER), 0.0);
    NEAR(rate("2025-04-05", TW_US, TW_CN, TW_OTHER), 0.34);
    NEAR(rate("2025-04-09", TW_US, TW_CN, TW_OTHER), 0.84);
    NEAR(rate("2025-05-31", TW_US, TW_CN, TW_OTHER), 1.25);
    NEAR(rate("2025-06-01", TW_US, TW_CN, TW_OTHER), 0.0); /* removal */
}

Test(tariffs, suspension_ends_and_the_earlier_level_snaps_back) {
    load_ok("tariffs:\n"
            "  - {measure: r, imposer: US, target: CN, rate: 125, effective: 2025-04-10}\n"
            "  - {measure: r, imposer: US, target: CN, rate: 10, effective: 2025-05-14,\n"
            "     end: 2025-08-12}\n");
    NEAR(rate("2025-05-13", TW_US, TW_CN, TW_CONSUMER), 1.25);
    NEAR(rate("2025-05-14", TW_US, TW_CN, TW_CONSUMER), 0.10);
    NEAR(rate("2025-08-11", TW_US, TW_CN, TW_CONSUMER), 0.10);
    NEAR(rate("2025-08-12", TW_US, TW_CN, TW_CONSUMER), 1.25); /* end is exclusive */
}

Test(tariffs, an_entry_stops_at_its_end_date) {
    load_ok("tariffs:\n"
            "  - {measure: t, imposer: EU, target: US, sectors: [metals], rate: 25,\n"
            "     effective: 2025-06-01, end: 2025-07-01}\n");
    NEAR(rate("2025-06-30", TW_EU, TW_US, TW_METALS), 0.25);
    NEAR(rate("2025-07-01", TW_EU, TW_US, TW_METALS), 0.0);
}

Test(tariffs, specific_target_beats_all_on_the_same_day_whatever_the_order) {
    load_ok("tariffs:\n"
            "  - {measure: r, imposer: US, target: CN, rate: 0, effective: 2025-03-12}\n"
            "  - {measure: r, imposer: US, target: ALL, rate: 25, effective: 2025-03-12}\n"
            "  - {measure: r, imposer: US, target: ALL, rate: 50, effective: 2025-06-04}\n");
    NEAR(rate("2025-03-12", TW_US, TW_CN, TW_METALS), 0.0);
    NEAR(rate("2025-03-12", TW_US, TW_EU, TW_METALS), 0.25);
    NEAR(rate("2025-03-12", TW_US, TW_ROW, TW_METALS), 0.25);
    /* a later ALL entry is newer than the older specific one */
    NEAR(rate("2025-06-04", TW_US, TW_CN, TW_METALS), 0.50);
    NEAR(rate("2025-06-04", TW_US, TW_US, TW_METALS), 0.0); /* diagonal */
}

Test(tariffs, coverage_only_entry_narrows_a_specific_layer) {
    load_ok("tariffs:\n"
            "  - {measure: r, imposer: US, target: ALL, rate: 10, effective: 2025-04-05}\n"
            "  - {measure: r, imposer: US, target: ALL, sectors: [electronics], coverage: 0.45,\n"
            "     effective: 2025-04-05, announced: 2025-04-11}\n"
            "  - {measure: r, imposer: US, target: CN, rate: 125, effective: 2025-04-10}\n");
    NEAR(rate("2025-04-10", TW_US, TW_CN, TW_ELECTRONICS), 0.45 * 1.25);
    NEAR(rate("2025-04-10", TW_US, TW_CN, TW_MACHINERY), 1.25);
    NEAR(rate("2025-04-10", TW_US, TW_EU, TW_ELECTRONICS), 0.045);
}

Test(tariffs, not_on_excludes_the_share_covered_by_other_measures) {
    load_ok("tariffs:\n"
            "  - {measure: s232, imposer: US, target: ALL, sectors: [metals], rate: 25,\n"
            "     effective: 2025-03-12}\n"
            "  - {measure: s232, imposer: US, target: ALL, sectors: [vehicles], rate: 25,\n"
            "     coverage: 0.6, effective: 2025-04-03}\n"
            "  - {measure: s232, imposer: US, target: CN, sectors: [metals], rate: 0,\n"
            "     effective: 2025-03-12}\n"
            "  - {measure: r, imposer: US, target: ALL, rate: 10, effective: 2025-04-05,\n"
            "     not_on: [s232]}\n");
    NEAR(rate("2025-04-05", TW_US, TW_EU, TW_METALS), 0.25);
    NEAR(rate("2025-04-05", TW_US, TW_EU, TW_VEHICLES), 0.6 * 0.25 + 0.4 * 0.10);
    NEAR(rate("2025-04-05", TW_US, TW_EU, TW_CHEMICALS), 0.10);
    /* In force at rate 0 (China's steel) still keeps the reciprocal off. */
    NEAR(rate("2025-04-05", TW_US, TW_CN, TW_METALS), 0.0);
    NEAR(rate("2025-04-04", TW_US, TW_EU, TW_VEHICLES), 0.15);
}

Test(tariffs, expectations_see_announced_increases_within_the_horizon) {
    load_ok("tariffs:\n"
            "  - {measure: f, imposer: US, target: CN, rate: 10, effective: 2025-02-04,\n"
            "     announced: 2025-02-01}\n"
            "  - {measure: g, imposer: US, target: CN, rate: 30, effective: 2025-06-01,\n"
            "     announced: 2025-05-01}\n"
            "  - {measure: h, imposer: US, target: CN, rate: 10, effective: 2025-03-01,\n"
            "     announced: 2025-01-15, end: 2025-04-01}\n");
    tw_rate_table t;
    tw_tariffs_expected_max(&book, day("2025-01-31"), 60, t);
    NEAR(t[TW_US][TW_CN][TW_OTHER], 0.10); /* h; f not announced yet */
    tw_tariffs_expected_max(&book, day("2025-02-01"), 60, t);
    NEAR(t[TW_US][TW_CN][TW_OTHER], 0.20); /* f and h */
    tw_tariffs_expected_max(&book, day("2025-02-01"), 10, t);
    NEAR(t[TW_US][TW_CN][TW_OTHER], 0.10); /* h beyond the horizon */
    tw_tariffs_expected_max(&book, day("2025-05-01"), 60, t);
    NEAR(t[TW_US][TW_CN][TW_OTHER], 0.40);
    tw_tariffs_expected_max(&book, day("2025-05-01"), 20, t);
    NEAR(t[TW_US][TW_CN][TW_OTHER], 0.10);
}

Test(tariffs, expectations_see_a_scheduled_snap_back) {
    load_ok("tariffs:\n"
            "  - {measure: r, imposer: US, target: CN, rate: 125, effective: 2025-04-10}\n"
            "  - {measure: r, imposer: US, target: CN, rate: 10, effective: 2025-05-14,\n"
            "     end: 2025-08-12}\n");
    tw_rate_table t;
    tw_tariffs_expected_max(&book, day("2025-06-01"), 60, t);
    NEAR(t[TW_US][TW_CN][TW_AGRICULTURE], 0.10);
    tw_tariffs_expected_max(&book, day("2025-07-01"), 60, t);
    NEAR(t[TW_US][TW_CN][TW_AGRICULTURE], 1.25);
}

static void expect_error(const char *yaml, const char *text) {
    tw_err err;
    tw_status st = load(yaml, &err);
    cr_assert_eq(st, TW_ECONFIG, "accepted: %s", yaml);
    cr_assert(strstr(err.msg, text) != NULL, "message '%s' lacks '%s'", err.msg, text);
    cr_assert_eq(book.n, 0);
}

Test(tariffs, bad_entries_are_refused_with_location_and_key) {
    expect_error("tariffs:\n  - {measure: a, imposer: US, target: US, rate: 1, effective: 2025-01-01}\n",
                 "t.yaml:2:39: tariffs[0].target: expected a region other than the imposer US");
    expect_error("tariffs:\n  - {measure: a, imposer: US, target: CN, sectors: [steel], rate: 1,\n"
                 "     effective: 2025-01-01}\n",
                 "tariffs[0].sectors[0]: expected one of electronics");
    expect_error("tariffs:\n  - {measure: a, imposer: US, target: CN, rate: 1, effective: 2025-01-01,\n"
                 "     not_on: [nope]}\n",
                 "t.yaml:3:15: tariffs[0].not_on[0]: expected the id of a measure in tariffs (got 'nope')");
    expect_error("tariffs:\n  - {measure: a, imposer: US, target: CN, rate: 1, effective: 2025-03-01,\n"
                 "     end: 2025-02-01}\n",
                 "tariffs[0].end: expected a date after effective 2025-03-01");
    expect_error("tariffs:\n  - {measure: a, imposer: US, target: CN, rate: 1001, effective: 2025-01-01}\n",
                 "tariffs[0].rate: expected a number between 0 and 1000 (got 1001)");
    expect_error("tariffs:\n  - {measure: a, imposer: US, target: CN, effective: 2025-01-01}\n",
                 "tariffs[0]: missing required key rate");
    expect_error("tariffs:\n  - {measure: a, imposer: XX, target: CN, rate: 1, effective: 2025-01-01}\n",
                 "tariffs[0].imposer: expected one of US, CN, EU, ROW (got XX)");
    expect_error("tariffs: 5\n", "t.yaml:1:10: tariffs: expected a list of tariff measure entries");
}

/* Coverage splits a cell into sub-cells with their own rates: the 2025 example of
 * scenarios/README.md, electronics and vehicles from China on 10 April 2025. */
Test(tariffs, coverage_splits_cells_into_sub_cells) {
    load_ok("tariffs:\n"
            "  - {measure: legacy, imposer: US, target: CN, rate: 20.8, effective: 2024-01-01}\n"
            "  - {measure: fentanyl, imposer: US, target: CN, rate: 20, effective: 2025-03-04}\n"
            "  - {measure: s232_autos, imposer: US, target: ALL, sectors: [vehicles], rate: 25,\n"
            "     coverage: 0.6, effective: 2025-04-03}\n"
            "  - {measure: reciprocal, imposer: US, target: ALL, rate: 10,\n"
            "     effective: 2025-04-05, not_on: [s232_autos]}\n"
            "  - {measure: reciprocal, imposer: US, target: ALL, sectors: [electronics],\n"
            "     coverage: 0.45, effective: 2025-04-05, not_on: [s232_autos]}\n"
            "  - {measure: reciprocal, imposer: US, target: CN, rate: 125,\n"
            "     effective: 2025-04-10, not_on: [s232_autos]}\n");
    tw_split_table sp;
    tw_tariffs_split(&book, day("2025-04-10"), TW_DAY_NEVER, sp);
    const tw_split_cell *el = &sp[TW_US][TW_ELECTRONICS];
    cr_assert_eq(el->n, 2);
    NEAR(el->share[0], 0.45);
    NEAR(el->rate[0][TW_CN], 1.658);
    NEAR(el->rate[0][TW_EU], 0.10);
    NEAR(el->share[1], 0.55);
    NEAR(el->rate[1][TW_CN], 0.408);
    NEAR(el->rate[1][TW_EU], 0.0);
    const tw_split_cell *ve = &sp[TW_US][TW_VEHICLES];
    cr_assert_eq(ve->n, 2);
    NEAR(ve->share[0], 0.6);
    NEAR(ve->rate[0][TW_CN], 0.658);
    NEAR(ve->rate[1][TW_CN], 0.408 + 1.25);
    /* Uncovered cells stay whole, and the share-weighted mean is the blended rate. */
    cr_assert_eq(sp[TW_US][TW_METALS].n, 1);
    cr_assert_eq(sp[TW_CN][TW_ELECTRONICS].n, 1);
    NEAR(sp[TW_CN][TW_ELECTRONICS].rate[0][TW_US], 0.0);
    for (int s = 0; s < TW_NSEC; s++)
        for (int o = 0; o < TW_NREG; o++) {
            if (o == TW_US) continue;
            double mean = 0.0;
            for (int k = 0; k < sp[TW_US][s].n; k++) mean += sp[TW_US][s].share[k] * sp[TW_US][s].rate[k][o];
            NEAR(mean, rate("2025-04-10", TW_US, o, s));
        }
}

/* More partial layers than TW_NSUB sub-cells: merged, the mean kept. */
Test(tariffs, sub_cells_beyond_the_limit_are_merged) {
    char y[4096] = "tariffs:\n";
    for (int m = 0; m < 12; m++) {
        char line[200];
        snprintf(line, sizeof line,
                 "  - {measure: m%d, imposer: EU, target: ALL, rate: %d, coverage: %.3f,"
                 " effective: 2025-01-01}\n", m, 10 + m, 0.05 + 0.07 * m);
        strcat(y, line);
    }
    load_ok(y);
    tw_split_table sp;
    tw_tariffs_split(&book, day("2025-01-01"), TW_DAY_NEVER, sp);
    const tw_split_cell *c = &sp[TW_EU][TW_AGRICULTURE];
    cr_assert_eq(c->n, TW_NSUB);
    double share = 0.0, mean = 0.0;
    for (int k = 0; k < c->n; k++) {
        share += c->share[k];
        mean += c->share[k] * c->rate[k][TW_CN];
    }
    NEAR(share, 1.0);
    NEAR(mean, rate("2025-01-01", TW_EU, TW_CN, TW_AGRICULTURE));
}

/* The in-transit rule of the April 2025 orders (EO 14257; CBP CSMS 64680374): goods
 * loaded before the date an increase takes effect and entered before 27 May pay the rate
 * before it. Known answers for US imports from China on 15 April 2025, by loading day:
 * loaded 30 March (16 days in transit): before every increase, legacy 20 only; loaded 7
 * April (8 days): the 10% of 5 April but not the 84% of 9 April: 30; loaded 9 April (6
 * days): the 84% but not the 125% of 10 April: 104; loaded 12 April (3 days): 145. On 27
 * May nothing in transit is spared any more: 145 whatever the loading day. Buyers' rates
 * (tw_tariffs_rates) never see the rule. */
Test(tariffs, in_transit_goods_pay_the_rate_before_the_entry) {
    load_ok("tariffs:\n"
            "  - {measure: legacy, imposer: US, target: CN, rate: 20, effective: 2024-01-01}\n"
            "  - {measure: reciprocal, imposer: US, target: ALL, rate: 10, effective: 2025-04-05,\n"
            "     in_transit: {loaded_before: 2025-04-05, entered_before: 2025-05-27}}\n"
            "  - {measure: reciprocal, imposer: US, target: CN, rate: 84, effective: 2025-04-09,\n"
            "     in_transit: {loaded_before: 2025-04-09, entered_before: 2025-05-27}}\n"
            "  - {measure: reciprocal, imposer: US, target: CN, rate: 125, effective: 2025-04-10,\n"
            "     in_transit: {loaded_before: 2025-04-10, entered_before: 2025-05-27}}\n");
    static const struct { int lag; const char *on; double want; } cases[] = {
        {16, "2025-04-15", 0.20}, {8, "2025-04-15", 0.30}, {6, "2025-04-15", 1.04},
        {3, "2025-04-15", 1.45},  {0, "2025-04-15", 1.45}, {60, "2025-05-26", 0.20},
        {60, "2025-05-27", 1.45}, {16, "2025-04-04", 0.20}};
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        int lag[TW_NREG_MAX][TW_NREG_MAX] = {{0}};
        lag[TW_CN][TW_US] = cases[k].lag;
        tw_rate_table t;
        tw_tariffs_rates_entering(&book, day(cases[k].on), (const int (*)[TW_NREG_MAX])lag, t);
        for (int s = 0; s < TW_NSEC; s++) NEAR(t[TW_US][TW_CN][s], cases[k].want);
        /* the EU's goods took 0 days: the 10% from 5 April, never spared after it */
        NEAR(t[TW_US][TW_EU][TW_METALS], day(cases[k].on) >= day("2025-04-05") ? 0.10 : 0.0);
    }
    NEAR(rate("2025-04-15", TW_US, TW_CN, TW_METALS), 1.45);
}

Test(tariffs, in_transit_rule_is_checked_with_location) {
    expect_error("tariffs:\n  - {measure: a, imposer: US, target: CN, rate: 1, effective: 2025-04-05,\n"
                 "     in_transit: {loaded_before: 2025-04-05, entered_before: 2025-04-01}}\n",
                 "t.yaml:3:62: tariffs[0].in_transit.entered_before: expected a date after "
                 "effective 2025-04-05");
    expect_error("tariffs:\n  - {measure: a, imposer: US, target: CN, rate: 1, effective: 2025-04-05,\n"
                 "     in_transit: {loaded_before: 2025-06-05, entered_before: 2025-05-27}}\n",
                 "t.yaml:3:62: tariffs[0].in_transit.entered_before: expected a date on or after "
                 "loaded_before 2025-06-05");
    expect_error("tariffs:\n  - {measure: a, imposer: US, target: CN, rate: 1, effective: 2025-04-05,\n"
                 "     in_transit: {loaded_before: 2025-04-05}}\n",
                 "t.yaml:3:18: tariffs[0].in_transit.entered_before: missing required key");
    expect_error("tariffs:\n  - {measure: a, imposer: US, target: CN, rate: 1, effective: 2025-04-05,\n"
                 "     in_transit: 2025-04-05}\n",
                 "t.yaml:3:18: tariffs[0].in_transit: expected a map {loaded_before: DATE, "
                 "entered_before: DATE}");
}

/* A level entry sets the cell's total rate while it is in force, whatever the layers
 * under it (partial coverage and not_on included; the cell is one sub-cell at the level);
 * when it ends the layers apply again, a later layer entry included. A target-specific
 * level beats an ALL one; the layer readers (governments' levers) do not see it. */
Test(tariffs, a_level_entry_sets_the_total_and_the_layers_return_after_it) {
    load_ok("tariffs:\n"
            "  - {measure: legacy, imposer: US, target: CN, rate: 20.8, effective: 2024-01-01}\n"
            "  - {measure: fentanyl, imposer: US, target: CN, rate: 20, effective: 2025-03-04}\n"
            "  - {measure: s232_autos, imposer: US, target: ALL, sectors: [vehicles], rate: 25,\n"
            "     coverage: 0.6, effective: 2025-04-03}\n"
            "  - {measure: reciprocal, imposer: US, target: CN, rate: 125,\n"
            "     effective: 2025-04-10, not_on: [s232_autos]}\n"
            "  - {measure: total_60, imposer: US, target: CN, level: 60,\n"
            "     effective: 2025-05-01, end: 2025-08-01}\n"
            "  - {measure: reciprocal, imposer: US, target: CN, rate: 34, effective: 2025-06-01,\n"
            "     not_on: [s232_autos]}\n"
            "  - {measure: all_cap, imposer: US, target: ALL, sectors: [metals], level: 5,\n"
            "     effective: 2025-05-01}\n");
    double before = rate("2025-04-30", TW_US, TW_CN, TW_VEHICLES);
    NEAR(before, 0.208 + 0.20 + 0.6 * 0.25 + 0.4 * 1.25);
    for (int s = 0; s < TW_NSEC; s++) {
        NEAR(rate("2025-05-01", TW_US, TW_CN, s), 0.60);
        NEAR(rate("2025-07-31", TW_US, TW_CN, s), 0.60);
    }
    /* metals: the CN level beats the ALL one; the EU gets the ALL level */
    NEAR(rate("2025-05-01", TW_US, TW_EU, TW_METALS), 0.05);
    NEAR(rate("2025-05-01", TW_US, TW_EU, TW_VEHICLES), 0.25 * 0.6);
    /* the layers come back on the end day, with the 34 of 1 June in place of the 125 */
    NEAR(rate("2025-08-01", TW_US, TW_CN, TW_VEHICLES), 0.208 + 0.20 + 0.6 * 0.25 + 0.4 * 0.34);
    NEAR(rate("2025-08-01", TW_US, TW_CN, TW_METALS), 0.05); /* the ALL level has no end */
    tw_split_table sp;
    tw_tariffs_split(&book, day("2025-05-01"), TW_DAY_NEVER, sp);
    cr_assert_eq(sp[TW_US][TW_VEHICLES].n, 2); /* the EU's vehicles are still split */
    for (int k = 0; k < sp[TW_US][TW_VEHICLES].n; k++)
        NEAR(sp[TW_US][TW_VEHICLES].rate[k][TW_CN], 0.60);
    int recip = -1;
    for (size_t m = 0; m < book.n_names; m++)
        if (strcmp(book.names[m], "reciprocal") == 0) recip = (int)m;
    NEAR(tw_tariffs_layer_rate(&book, TW_US, TW_CN, recip, TW_OTHER, day("2025-05-02"),
                               TW_DAY_NEVER), 1.25);
}

Test(tariffs, a_level_entry_is_a_whole_cell) {
    expect_error("tariffs:\n  - {measure: a, imposer: US, target: CN, level: 60, rate: 10,\n"
                 "     effective: 2025-01-01}\n",
                 "t.yaml:2:60: tariffs[0].rate: an entry with level sets the cell's total rate: "
                 "give level or rate, not both");
    expect_error("tariffs:\n  - {measure: a, imposer: US, target: CN, level: 60, coverage: 0.5,\n"
                 "     effective: 2025-01-01}\n",
                 "tariffs[0].coverage: an entry with level sets the cell's total rate");
    expect_error("tariffs:\n  - {measure: a, imposer: US, target: CN, level: 1001,\n"
                 "     effective: 2025-01-01}\n",
                 "tariffs[0].level: expected a number between 0 and 1000 (got 1001)");
}

/* The rates after a deal: each layer of a negotiable measure comes down to its imposer's
 * level; a layer already below stays, other measures and level entries are untouched, and
 * an entry not yet announced is not counted. */
Test(tariffs, a_deal_brings_negotiable_layers_down_to_the_agreed_level) {
    load_ok("tariffs:\n"
            "  - {measure: legacy, imposer: US, target: CN, rate: 20, effective: 2024-01-01}\n"
            "  - {measure: reciprocal, imposer: US, target: CN, rate: 125, coverage: 0.5,"
            " effective: 2025-04-10}\n"
            "  - {measure: reciprocal, imposer: US, target: EU, rate: 5, effective: 2025-04-10}\n"
            "  - {measure: s232, imposer: US, target: ALL, sectors: [metals], rate: 50,"
            " effective: 2025-06-04, announced: 2025-06-01}\n"
            "  - {measure: counter_tariff, imposer: CN, target: US, rate: 125, effective: 2025-04-12}\n"
            "  - {measure: deal_level, imposer: CN, target: US, sectors: [vehicles], level: 40,"
            " effective: 2025-04-12}\n");
    tw_deal_terms terms = {.n = 2, .names = {"reciprocal", "counter_tariff"}};
    for (int r = 0; r < TW_NREG; r++) terms.level[r] = 0.10;
    terms.level[TW_CN] = 0.20;
    tw_rate_table t;
    tw_tariffs_rates_deal(&book, day("2025-06-02"), &terms, t);
    NEAR(t[TW_US][TW_CN][TW_CONSUMER], 0.20 + 0.5 * 0.10);   /* 125 -> 10 on half the cell */
    NEAR(t[TW_US][TW_EU][TW_CONSUMER], 0.05);                /* below the level: stays */
    NEAR(t[TW_US][TW_CN][TW_METALS], 0.20 + 0.5 * 0.10);     /* s232 not yet announced */
    NEAR(t[TW_CN][TW_US][TW_AGRICULTURE], 0.20);             /* China's own level */
    NEAR(t[TW_CN][TW_US][TW_VEHICLES], 0.40);                /* a level entry is no layer */
    tw_tariffs_rates_deal(&book, day("2025-06-05"), &terms, t);
    NEAR(t[TW_US][TW_CN][TW_METALS], 0.20 + 0.5 * 0.10 + 0.50); /* not negotiable */
    /* Nothing negotiable: the rates known that day. */
    tw_deal_terms none = {.n = 1, .names = {"no_such_measure"}};
    tw_rate_table now;
    tw_tariffs_rates_deal(&book, day("2025-06-05"), &none, t);
    tw_tariffs_rates(&book, day("2025-06-05"), day("2025-06-05"), now);
    cr_assert(memcmp(t, now, sizeof t) == 0);
}
