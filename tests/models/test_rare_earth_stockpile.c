/* A stockpile built before the controls: held with the reserve, it leaves ordinary
 * ordering before a control as it was, and under a halt each firm's first short day comes
 * at least its days of cover later (exactly that many days for a firm whose order in
 * transit arrives before it would run short). */
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

#define PER 2000
#define HALT_DAY 93 /* 4 April 2025 of a run from 1 January */

/* Homogeneous firms (cover 40, lag 14, need 1 a day: no reserve, no free channels) from 1
 * January; a halt from 4 April. Per firm of the US vehicle cell: the first day it is
 * short (what it has at the start of the day below the day's need), -1 if never; and the
 * tonnes shipped to the cell on each day before the halt. */
static void run(int stockpile, int32_t *first, double *shipped) {
    char re[1024];
    snprintf(re, sizeof re, HOMOGENEOUS ", stockpile_days: %d", PER, stockpile);
    char *y = yaml("2025-01-01", "2025-08-31", re,
                   "  - {id: h, exporter: CN, destination: US, regime: halt, "
                   "effective: 2025-04-04}\n");
    sim m;
    sim_open(&m, y, false, NULL, 1, 7, 0);
    int j = -1;
    for (int i = 0; i < m.p->re.ncell; i++)
        if (m.p->re.cell[i] == TW_US * TW_NSEC + TW_VEHICLES) j = i;
    cr_assert_geq(j, 0);
    const tw_re_state *s = m.s->re;
    for (size_t k = 0; k < PER; k++) first[k] = -1;
    for (uint32_t t = 0; t < (uint32_t)m.p->ndays; t++) {
        size_t base = (size_t)j * PER;
        float have[PER];
        for (size_t k = 0; k < PER; k++) {
            bool arrives = s->order[base + k] > 0.0f && s->arrive[base + k] == (int32_t)t;
            have[k] = s->stock[base + k] + (arrives ? s->order[base + k] : 0.0f);
        }
        sim_step(&m, t);
        for (size_t k = 0; k < PER; k++)
            if (first[k] < 0 && have[k] < 1.0f) first[k] = (int32_t)t;
        if (t < HALT_DAY) shipped[t] = s->shipped_t[TW_US * TW_NSEC + TW_VEHICLES];
    }
    free(y);
    sim_close(&m);
}

Test(rare_earth_stockpile, a_stockpile_built_before_the_controls_delays_the_first_loss_by_its_days) {
    static int32_t first0[PER], first30[PER];
    static double ship0[HALT_DAY], ship30[HALT_DAY];
    run(0, first0, ship0);
    run(30, first30, ship30);
    /* Before the halt the stockpile sits untouched: the firms order as they would
     * without it, day by day (to float rounding of the larger stocks). */
    for (int t = 0; t < HALT_DAY; t++)
        cr_assert_leq(fabs(ship30[t] - ship0[t]), 1e-5 * ship0[t] + 1e-9, "day %d: shipped %g t with a stockpile, %g without", t,
                     ship30[t], ship0[t]);
    int32_t earliest0 = INT32_MAX, earliest30 = INT32_MAX;
    int exact = 0;
    for (size_t k = 0; k < PER; k++) {
        cr_assert_geq(first0[k], HALT_DAY, "firm %zu short before the halt", k);
        cr_assert_geq(first30[k], 0, "firm %zu never short with the stockpile", k);
        cr_assert_geq(first30[k] - first0[k], 30, "firm %zu: first short day %d with 30 days "
                      "stockpiled, %d without", k, first30[k], first0[k]);
        /* the order in transit arrives within the lag, before either stock runs out: the
         * delay is then the stockpile's days exactly */
        cr_assert_leq(first30[k] - first0[k], 30 + 14, "firm %zu", k);
        exact += first30[k] - first0[k] == 30;
        earliest0 = first0[k] < earliest0 ? first0[k] : earliest0;
        earliest30 = first30[k] < earliest30 ? first30[k] : earliest30;
    }
    cr_assert_gt(exact, PER / 2, "most firms are delayed by exactly 30 days (%d of %d)", exact,
                 PER);
    cr_assert_geq(earliest30 - earliest0, 30, "the cell's first loss: day %d against %d",
                  earliest30, earliest0);
}
