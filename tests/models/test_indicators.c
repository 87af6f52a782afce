/* The model's data dictionary (tw_trade_indicator_list, tw_trade_outcome_list) against
 * what the model actually writes: every series of a real scenario names a listed
 * indicator and every listed indicator has a series; the outcomes are the listed ones in
 * the listed order; flows are summed, levels averaged, codes categorical. Only the public
 * header is used, as a caller writing a data dictionary would. */
#include <criterion/criterion.h>
#include <string.h>

#include "tw_config.h"
#include "tw_trade.h"

static const tw_measure_info *find(const tw_measure_info *list, size_t n, const char *name) {
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i].name, name) == 0) return &list[i];
    return NULL;
}

static void check_entries(const tw_measure_info *list, size_t n) {
    cr_assert_gt(n, 0);
    for (size_t i = 0; i < n; i++) {
        cr_assert(list[i].name != NULL && list[i].name[0] != '\0');
        cr_assert(list[i].unit != NULL && list[i].unit[0] != '\0', "%s has no unit", list[i].name);
        cr_assert(list[i].definition != NULL && list[i].definition[0] != '\0',
                  "%s has no definition", list[i].name);
        cr_assert(list[i].aggregation <= TW_AGG_CATEGORY);
        for (size_t j = 0; j < i; j++)
            cr_assert_str_neq(list[i].name, list[j].name, "%s listed twice", list[i].name);
    }
}

Test(dictionary, series_and_outcomes_of_a_real_scenario_match_the_lists) {
    tw_cfg *cfg;
    tw_err err;
    tw_status st = tw_cfg_load(TW_SOURCE_DIR "/scenarios/rare-earth-licensing-2025.yaml", &cfg, &err);
    cr_assert_eq(st, TW_OK, "%s", err.msg);
    cr_assert_eq(tw_cfg_set(cfg, "firms.per_cell=5", &err), TW_OK, "%s", err.msg);
    /* the spot market's series exist only with the market on (it is off by default) */
    cr_assert_eq(tw_cfg_set(cfg, "rare_earths.market_sell_share=0.05", &err), TW_OK, "%s",
                 err.msg);
    void *params;
    st = tw_trade_model.load(tw_cfg_root(cfg), &params, &err);
    cr_assert_eq(st, TW_OK, "%s", err.msg);

    const tw_measure_info *ind, *out;
    size_t n_ind = tw_trade_indicator_list(&ind), n_out = tw_trade_outcome_list(&out);
    check_entries(ind, n_ind);
    check_entries(out, n_out);

    size_t n = tw_trade_model.n_series(params);
    for (size_t i = 0; i < n; i++) {
        const char *name = tw_trade_model.series(params, i).indicator;
        cr_assert_not_null(find(ind, n_ind, name), "series %s is not in the dictionary", name);
    }
    for (size_t k = 0; k < n_ind; k++) {
        bool seen = false;
        for (size_t i = 0; i < n && !seen; i++)
            seen = strcmp(tw_trade_model.series(params, i).indicator, ind[k].name) == 0;
        cr_assert(seen, "indicator %s has no series in this scenario", ind[k].name);
    }
    /* then the drawn parameters, named by key path */
    cr_assert_eq(tw_trade_model.n_outcomes(params), n_out + tw_trade_model.n_drawn(params));
    for (size_t k = 0; k < n_out; k++)
        cr_assert_str_eq(tw_trade_model.outcome_name(params, k), out[k].name);
    tw_trade_model.free_params(params);
    tw_cfg_free(cfg);
}

Test(dictionary, flows_are_summed_levels_averaged_codes_categorical) {
    const tw_measure_info *ind;
    size_t n = tw_trade_indicator_list(&ind);
    static const char *const flows[] = {"imports", "exports", "tariff_revenue", "re_shipments",
                                        "re_received", "re_licence_applications",
                                        "re_licence_approvals"};
    static const char *const levels[] = {"tariff_rate", "import_price_index", "welfare",
                                         "re_inventory_days", "re_in_transit", "gdp"};
    static const char *const codes[] = {"re_regime_open", "re_regime_halt", "strategy_hold",
                                        "strategy_grim_trigger", "truce_active"};
    for (size_t k = 0; k < sizeof flows / sizeof flows[0]; k++)
        cr_assert_eq(find(ind, n, flows[k])->aggregation, TW_AGG_SUM, "%s", flows[k]);
    for (size_t k = 0; k < sizeof levels / sizeof levels[0]; k++)
        cr_assert_eq(find(ind, n, levels[k])->aggregation, TW_AGG_MEAN, "%s", levels[k]);
    for (size_t k = 0; k < sizeof codes / sizeof codes[0]; k++)
        cr_assert_eq(find(ind, n, codes[k])->aggregation, TW_AGG_CATEGORY, "%s", codes[k]);
    cr_assert_str_eq(tw_aggregation_names[TW_AGG_SUM], "sum");
    cr_assert_str_eq(tw_aggregation_names[TW_AGG_CATEGORY], "category");
}
