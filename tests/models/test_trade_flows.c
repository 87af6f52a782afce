/* The day's flows (models/tw_flows.c) on a small fixture of what they read, without the
 * rest of the model: orders enter customs after the route's days in transit, at the entry
 * day's rate, with the month's factor; spending is customs value plus duty; customs
 * collects its share of the statutory duty; what buyers use follows the day's choices at
 * once. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <string.h>

#include "tw_flows.h"
#include "four_regions.h"

static double e0[TW_NCELL], pbar[TW_NCELL], share[TW_NCELL][TW_NREG_MAX], own[TW_NCELL][TW_NREG_MAX];
static tw_cell_day cd[TW_NCELL];
static tw_rate_table tau;
static int lag[TW_NREG_MAX][TW_NREG_MAX];
static double season[TW_NREG_MAX][TW_NREG_MAX][12];
static tw_duty_params duties;

static tw_flows_in fixture(uint32_t d) {
    for (int c = 0; c < TW_NCELL; c++) {
        e0[c] = 100.0;
        pbar[c] = 1.0;
        for (int o = 0; o < TW_NREG; o++) {
            own[c][o] = 1.0;
            cd[c].rel[o] = 1.0;
        }
    }
    for (int i = 0; i < TW_NREG; i++)
        for (int o = 0; o < TW_NREG; o++) {
            lag[o][i] = o == i ? 0 : 3;
            for (int m = 0; m < 12; m++) season[i][o][m] = m == 0 ? 1.5 : 1.0;
        }
    return (tw_flows_in){.d = d, .nreg = TW_NREG, .day = tw_day_from_civil(2025, 1, 1) + (tw_day)d, .e0 = e0,
                         .pbar = pbar, .pbar0 = pbar, .demand_elasticity = 1.0,
                         .share = (const double(*)[TW_NREG_MAX])share,
                         .purchase = (const double(*)[TW_NREG_MAX])share,
                         .own = (const double(*)[TW_NREG_MAX])own, .cd = cd,
                         .tau_paid = (const tw_rate_table *)&tau, .tau_now = (const tw_rate_table *)&tau,
                         .tau_entry = (const tw_rate_table *)&tau, .transit = (const int(*)[TW_NREG_MAX])lag,
                         .season = (const double(*)[TW_NREG_MAX][12])season, .duties = &duties};
}

Test(flows, orders_enter_customs_after_their_days_in_transit) {
    tw_flows *f;
    tw_err err;
    cr_assert_eq(tw_flows_create(&f, &err), TW_OK);
    memset(&duties, 0, sizeof duties);
    memset(tau, 0, sizeof tau);
    int c = TW_US * TW_NSEC + TW_MACHINERY;
    /* Days 0-4: all of the US's machinery from China; from day 5 none, and a 25% tariff. */
    for (uint32_t d = 0; d < 12; d++) {
        for (int o = 0; o < TW_NREG; o++)
            share[c][o] = o == TW_CN ? (d < 5 ? 1.0 : 0.0) : (d < 5 ? 0.0 : 1.0 / 3.0);
        if (d == 5) tau[TW_US][TW_CN][TW_MACHINERY] = 0.25;
        tw_flows_in in = fixture(d);
        tw_flows_day(f, &in);
        double customs = tw_flows_customs(f)[TW_CN][TW_US][TW_MACHINERY];
        double use = tw_flows_use(f)[TW_CN][TW_US][TW_MACHINERY];
        /* what buyers use follows today's choice; entries, the choice three days ago, at
         * January's factor 1.5 */
        cr_assert(ieee_ulp_eq(dbl, use, d < 5 ? 100.0 : 0.0, 4), "day %u: use %g", d, use);
        double want = d < 8 ? 150.0 : 0.0;
        cr_assert(ieee_ulp_eq(dbl, customs, want, 4), "day %u: customs %g, want %g", d, customs, want);
        /* goods entering after day 5 pay 25%, collected in full here */
        double t = d >= 5 ? 0.25 : 0.0;
        cr_assert(ieee_ulp_eq(dbl, tw_flows_spend(f)[TW_CN][TW_US][TW_MACHINERY], customs * (1.0 + t), 4));
        cr_assert(ieee_ulp_eq(dbl, tw_flows_revenue(f)[TW_CN][TW_US][TW_MACHINERY], t * customs, 4));
        cr_assert(ieee_ulp_eq(dbl, (*tw_flows_tau_in(f))[TW_US][TW_CN][TW_MACHINERY], t, 4));
    }
    tw_flows_free(f);
    tw_flows_free(NULL);
}
