/* Licence validity as the control entry gives it: with validity_days 0 (the April 2025
 * regime as practised: a licence per shipment) an approval covers only the orders pending
 * on its day, so the maker's licence never holds past the next day and its customers'
 * later orders need new applications; with a validity an approval covers the maker's
 * customers' further orders for that long, and far fewer applications are filed. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

#include "tw_config.h"
#include "tw_trade.h"
#include "tw_rare_earths_internal.h"
#include "tw_trade_internal.h"

#include "re_common.h"

/* Applications filed over the run; checks that no licence outlives its validity. */
static double validity_run(int validity) {
    char ctl[256];
    snprintf(ctl, sizeof ctl,
             "  - {id: l, exporter: CN, destination: ALL, regime: slow_roll, "
             "slow_roll_factor: 0.5, validity_days: %d, effective: 2025-02-01}\n",
             validity);
    char *y = yaml("2025-01-01", "2025-08-31", "per_cell: 3000, customers_per_supplier: 10", ctl);
    sim m;
    sim_open(&m, y, false, NULL, 1, 7, 4);
    const tw_re_state *s = m.s->re;
    size_t nmk = (size_t)m.p->re.ncell * s->nblk * s->spb;
    double apps = 0.0, approvals = 0.0;
    int32_t longest = 0;
    for (uint32_t t = 0; t < (uint32_t)m.p->ndays; t++) {
        sim_step(&m, t);
        for (int j = 0; j < m.p->re.ncell; j++) {
            apps += s->apps[m.p->re.cell[j]];
            approvals += s->approvals[m.p->re.cell[j]];
        }
        for (size_t mk = 0; mk < nmk; mk++) {
            int32_t left = s->licence_until[mk] - (int32_t)t;
            cr_assert_leq(left, validity > 0 ? validity : 1,
                          "day %u maker %zu: licence for %d more days", t, mk, left);
            if (left > longest) longest = left;
        }
    }
    cr_assert_gt(approvals, 0.0);
    cr_assert_eq(longest, validity > 0 ? validity : 1, "longest licence %d days", longest);
    free(y);
    sim_close(&m);
    return apps;
}

Test(rare_earth_validity, an_approval_covers_a_period_only_with_a_validity) {
    double per_shipment = validity_run(0), period = validity_run(90);
    cr_assert_gt(per_shipment, 2.0 * period, "%g applications per shipment, %g with 90 days",
                 per_shipment, period);
}
