/* The blocks' lists of indicators and outcomes (tw_measures.h) and their composition
 * (tw_indicators.c): the start-up check refuses a name listed twice (among indicators and
 * outcomes together) and an entry without
 * a unit, definition or aggregation; the dictionary is the blocks' lists one after
 * another, each block's outcomes a slice from tw_outcome_first; every series of a real
 * scenario carries its block, its id there and the dictionary index that follows; the
 * lookups by name find what the lists hold.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "model_sim.h"
#include "tw_indicators.h"

static const tw_measure_block *const model_blocks[TW_NBLOCK] = {
    [TW_BLOCK_TRADE] = &tw_trade_measures,
    [TW_BLOCK_RE] = &tw_re_measures,
    [TW_BLOCK_GOV] = &tw_gov_measures,
};

/* A small block for the check: two indicators and two outcomes. */
static tw_measure_info ind2[2], out2[2];
static tw_measure_block small;

static void small_block(void) {
    ind2[0] = (tw_measure_info){"alpha", "percent", "a level", TW_AGG_MEAN, "importer", "all"};
    ind2[1] = (tw_measure_info){"beta", "USD bn", "a flow", TW_AGG_SUM, "importer", "exporter"};
    out2[0] = (tw_measure_info){"gamma", "days", "a count", TW_AGG_SUM, NULL, NULL};
    out2[1] = (tw_measure_info){"delta", "0/1", "a code", TW_AGG_CATEGORY, NULL, NULL};
    small = (tw_measure_block){.name = "small", .indicators = ind2, .n_indicators = 2,
                               .outcomes = out2, .n_outcomes = 2};
}

/* The check on the small block alone, then after the model's blocks; returns the status
 * and leaves the message in err. */
static tw_status check_small(tw_err *err) {
    const tw_measure_block *one[1] = {&small};
    tw_status st = tw_measure_blocks_check(one, 1, err);
    if (st != TW_OK) return st;
    const tw_measure_block *all[TW_NBLOCK + 1];
    memcpy(all, model_blocks, sizeof model_blocks);
    all[TW_NBLOCK] = &small;
    return tw_measure_blocks_check(all, TW_NBLOCK + 1, err);
}

Test(measures, the_model_blocks_pass_the_start_up_check) {
    tw_err err;
    cr_assert_eq(tw_measure_blocks_check(model_blocks, TW_NBLOCK, &err), TW_OK, "%s", err.msg);
    small_block();
    cr_assert_eq(check_small(&err), TW_OK, "%s", err.msg);
}

Test(measures, a_name_listed_twice_is_refused) {
    tw_err err;
    small_block();
    ind2[1].name = "alpha";
    cr_assert_eq(check_small(&err), TW_ERUNTIME);
    cr_assert_not_null(strstr(err.msg, "indicator alpha is listed twice"), "%s", err.msg);
    small_block();
    out2[1].name = "escalations"; /* the policy block's */
    cr_assert_eq(check_small(&err), TW_ERUNTIME);
    cr_assert_not_null(strstr(err.msg, "outcome escalations is listed twice (the policy block"),
                       "%s", err.msg);
    small_block();
    ind2[0].name = "imports"; /* the trade block's */
    cr_assert_eq(check_small(&err), TW_ERUNTIME);
    cr_assert_not_null(strstr(err.msg, "imports"), "%s", err.msg);
    /* unique among indicators and outcomes together */
    small_block();
    out2[0].name = "alpha";
    cr_assert_eq(check_small(&err), TW_ERUNTIME);
    cr_assert_not_null(strstr(err.msg, "outcome alpha is listed twice (the small block"), "%s",
                       err.msg);
}

Test(measures, an_entry_without_unit_definition_or_aggregation_is_refused) {
    tw_err err;
    small_block();
    ind2[1].unit = "";
    cr_assert_eq(check_small(&err), TW_ERUNTIME);
    cr_assert_not_null(strstr(err.msg, "indicator beta lacks a unit"), "%s", err.msg);
    small_block();
    out2[1].definition = NULL;
    cr_assert_eq(check_small(&err), TW_ERUNTIME);
    cr_assert_not_null(strstr(err.msg, "outcome delta lacks a definition"), "%s", err.msg);
    small_block();
    out2[0].aggregation = (tw_aggregation)7;
    cr_assert_eq(check_small(&err), TW_ERUNTIME);
    cr_assert_not_null(strstr(err.msg, "gamma lacks an aggregation"), "%s", err.msg);
    small_block();
    ind2[0].partner = NULL;
    cr_assert_eq(check_small(&err), TW_ERUNTIME);
    cr_assert_not_null(strstr(err.msg, "alpha lacks what its partner holds"), "%s", err.msg);
    small_block();
    ind2[0].name = "";
    cr_assert_eq(check_small(&err), TW_ERUNTIME);
    cr_assert_not_null(strstr(err.msg, "indicator 0 has no name"), "%s", err.msg);
}

Test(measures, the_dictionary_is_the_blocks_lists_in_order) {
    const tw_measure_info *ind, *out;
    size_t n_ind = tw_trade_indicator_list(&ind), n_out = tw_trade_outcome_list(&out);
    size_t at_ind = 0, at_out = 0;
    for (int b = 0; b < TW_NBLOCK; b++) {
        const tw_measure_block *m = model_blocks[b];
        cr_assert_gt(m->n_indicators, 0, "%s", m->name);
        cr_assert_gt(m->n_outcomes, 0, "%s", m->name);
        cr_assert_eq(tw_outcome_first(b), at_out, "%s", m->name);
        for (size_t i = 0; i < m->n_indicators; i++, at_ind++) {
            cr_assert_str_eq(ind[at_ind].name, m->indicators[i].name);
            cr_assert_str_eq(ind[at_ind].unit, m->indicators[i].unit);
            cr_assert_eq(tw_indicator_index(m->indicators[i].name), (int)at_ind);
        }
        for (size_t i = 0; i < m->n_outcomes; i++, at_out++) {
            cr_assert_str_eq(out[at_out].definition, m->outcomes[i].definition);
            cr_assert_eq(tw_outcome_index(m->outcomes[i].name), (int)at_out);
        }
    }
    cr_assert_eq(n_ind, at_ind);
    cr_assert_eq(n_out, at_out);
    cr_assert_eq(tw_outcome_count(), n_out);
    /* the first of each list, as replicates.csv and summary.csv have always had them */
    cr_assert_str_eq(ind[0].name, "tariff_rate");
    cr_assert_str_eq(out[0].name, "imports_us_from_cn_usd_bn");
    cr_assert_str_eq(out[tw_outcome_first(TW_BLOCK_RE)].name, "re_us_vehicles_first_loss_day");
    cr_assert_str_eq(out[tw_outcome_first(TW_BLOCK_GOV)].name, "days_in_truce");
    cr_assert_eq(tw_indicator_index("no_such_indicator"), -1);
    cr_assert_eq(tw_outcome_index("tariff_rate"), -1);
}

Test(measures, every_series_carries_its_block_and_dictionary_index) {
    static const char *const sets[] = {"firms.per_cell=5", NULL};
    sim m;
    sim_open(&m, TW_SOURCE_DIR "/scenarios/rare-earth-licensing-2025.yaml", true, sets, 1, 7, 0);
    const tw_trade_params *p = m.p;
    const tw_measure_info *ind;
    tw_trade_indicator_list(&ind);
    /* summary.csv's order: the trade block's series, the policy block's, the rare-earth
     * block's, each block's in one run */
    static const int order[TW_NBLOCK] = {TW_BLOCK_TRADE, TW_BLOCK_GOV, TW_BLOCK_RE};
    int k = 0;
    for (size_t i = 0; i < p->n_series; i++) {
        const tw_series_def *d = &p->defs[i];
        while (k < TW_NBLOCK && d->block != order[k]) k++;
        cr_assert_lt(k, TW_NBLOCK, "series %zu (%s) out of the blocks' order", i,
                     p->labels[i].indicator);
        const tw_measure_block *m = model_blocks[d->block];
        cr_assert(d->local >= 0 && (size_t)d->local < m->n_indicators);
        cr_assert_str_eq(m->indicators[d->local].name, p->labels[i].indicator);
        cr_assert_str_eq(ind[d->ind].name, p->labels[i].indicator);
    }
    cr_assert_eq(k, 2, "the rare-earth block's series come last");
    sim_close(&m);
}
