/* The spot market for magnets against its rules: magnets are conserved (the firms' stocks
 * plus the pool change by receipts less use, and no day buys more than the pool held);
 * the pool goes to the cells of highest value per tonne first, each up to its short firms'
 * unmet need; a scarcer market (more destinations halted) has a higher premium; and with
 * the market off (the default) nothing is offered or bought. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tw_config.h"
#include "tw_trade.h"
#include "tw_rare_earths_internal.h"
#include "tw_trade_internal.h"

#include "re_common.h"

#define MARKET "per_cell: 1000, market_sell_share: %s"

static char *halted(const char *sell, const char *dest) {
    char re[256], ctl[256];
    snprintf(re, sizeof re, MARKET, sell);
    snprintf(ctl, sizeof ctl,
             "  - {id: h, exporter: CN, destination: %s, regime: halt, effective: 2025-02-01}\n",
             dest);
    return yaml("2025-01-01", "2025-06-30", re, ctl);
}

static double sum_cells(const tw_re_params *re, const double *v) {
    double s = 0.0;
    for (int j = 0; j < re->ncell; j++) s += v[re->cell[j]];
    return s;
}

Test(rare_earth_market, magnets_are_conserved_and_go_to_the_highest_value_first) {
    char *y = halted("0.1", "US");
    sim m;
    sim_open(&m, y, false, NULL, 1, 7, 0);
    const tw_re_params *re = &m.p->re;
    const tw_re_state *s = m.s->re;
    double held = 0.0, bought_all = 0.0, partial_days = 0.0;
    for (uint32_t t = 0; t < (uint32_t)m.p->ndays; t++) {
        double pool0 = s->pool_t;
        sim_step(&m, t);
        double now = sum_cells(re, s->stock_t) + s->pool_t;
        double in = sum_cells(re, s->received_t), use = sum_cells(re, s->used_t);
        if (t > 0)
            cr_assert_float_eq(now - held, in - use, 1e-7 * (now + 1.0),
                               "day %u: stocks and pool moved %.9g, receipts less use %.9g", t,
                               now - held, in - use);
        held = now;
        double bought = sum_cells(re, s->bought_t);
        bought_all += bought;
        cr_assert_leq(bought, pool0 * (1.0 + 1e-9) + 1e-12, "day %u: bought %g of a pool of %g", t,
                      bought, pool0);
        cr_assert_geq(s->pool_t, -1e-9, "day %u: pool %g", t, s->pool_t);
        /* the day's budgets: cell by cell in value order, each full before the next gets any */
        bool short_of_budget = false;
        double given = 0.0;
        for (int i = 0; i < re->ncell; i++) {
            int j = re->mkt_order[i], c = re->cell[j];
            if (i > 0)
                cr_assert_geq(re->mkt_value[re->cell[re->mkt_order[i - 1]]], re->mkt_value[c]);
            double g = 0.0;
            for (size_t b = 0; b < s->nblk; b++) g += s->budget[(size_t)j * s->nblk + b];
            g *= re->use_t[c] / (double)re->per_cell;
            given += g;
            if (short_of_budget)
                cr_assert_eq(g, 0.0, "day %u: cell %d served after a cell of higher value "
                             "went short", t, c);
            else if (g < s->short_t[c] * (1.0 - 1e-9)) {
                short_of_budget = true;
                partial_days += 1.0;
            }
        }
        cr_assert_leq(given, pool0 * (1.0 + 1e-9) + 1e-12, "day %u: budgets above the pool", t);
    }
    cr_assert_gt(bought_all, 0.0, "the market must trade under a halt to one destination");
    cr_assert_gt(partial_days, 0.0, "the test needs days when the pool runs short");
    free(y);
    sim_close(&m);
}

/* Mean premium over the halt's weeks 4-16 (after stocks start to run out). */
static double mean_premium(const char *dest) {
    char *y = halted("0.1", dest);
    sim m;
    sim_open(&m, y, false, NULL, 1, 7, 0);
    double p = 0.0, n = 0.0;
    for (uint32_t t = 0; t < (uint32_t)m.p->ndays; t++) {
        sim_step(&m, t);
        cr_assert(m.s->re->premium >= 0.0 && m.s->re->premium <= m.p->re.mkt_pmax);
        if (t >= 59 && t < 143) {
            p += m.s->re->premium;
            n += 1.0;
        }
    }
    free(y);
    sim_close(&m);
    return p / n;
}

Test(rare_earth_market, a_scarcer_market_has_a_higher_premium) {
    double one = mean_premium("US"), all = mean_premium("ALL");
    cr_assert_gt(one, 0.0, "a halt to the US alone leaves firms short: premium %g", one);
    cr_assert_gt(all, one, "halting every destination: premium %g, against %g for the US alone",
                 all, one);
}

Test(rare_earth_market, without_the_market_nothing_is_offered_or_bought) {
    char *y = halted("0", "US");
    sim m;
    sim_open(&m, y, false, NULL, 1, 7, 0);
    for (uint32_t t = 0; t < (uint32_t)m.p->ndays; t++) {
        sim_step(&m, t);
        cr_assert_eq(sum_cells(&m.p->re, m.s->re->bought_t), 0.0);
        cr_assert_eq(sum_cells(&m.p->re, m.s->re->sold_t), 0.0);
        cr_assert_eq(m.s->re->pool_t, 0.0);
        cr_assert_eq(m.s->re->premium, 0.0);
    }
    cr_assert_gt(m.s->re->halted[TW_US * TW_NSEC + TW_VEHICLES], 0.0, "firms are short");
    free(y);
    sim_close(&m);
}
