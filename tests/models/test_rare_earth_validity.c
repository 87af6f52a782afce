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
#include "four_regions.h"

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

/* The longest licence held by each destination's makers over a run with the given keys
 * and controls (days a licence granted still had to run on the day it was read). */
static void longest_by_region(const char *re, const char *ctl, int32_t *longest) {
    char *y = yaml("2025-01-01", "2025-08-31", re, ctl);
    sim m;
    sim_open(&m, y, false, NULL, 1, 7, 4);
    const tw_re_state *s = m.s->re;
    size_t per_cell = s->nblk * s->spb;
    for (int r = 0; r < TW_NREG; r++) longest[r] = 0;
    for (uint32_t t = 0; t < (uint32_t)m.p->ndays; t++) {
        sim_step(&m, t);
        for (int j = 0; j < m.p->re.ncell; j++) {
            int r = m.p->re.cell[j] / TW_NSEC;
            for (size_t k = 0; k < per_cell; k++) {
                int32_t left = s->licence_until[(size_t)j * per_cell + k] - (int32_t)t;
                if (left > longest[r]) longest[r] = left;
            }
        }
    }
    free(y);
    sim_close(&m);
}

/* licence_validity_days sets, by destination, how long a licence lasts where the control
 * entry in force gives no validity_days; an entry's own validity_days (0 included) wins.
 * Here the ALL entry gives none, so EU licences last the EU's 90 days and the rest of the
 * world's the default 0 (the orders of the day: one day); the US entry's explicit 0
 * overrides the US's 90. One number sets every destination. */
Test(rare_earth_validity, validity_by_destination_where_the_entry_gives_none) {
    const char *ctl =
        "  - {id: all, exporter: CN, destination: ALL, regime: slow_roll, "
        "slow_roll_factor: 0.5, effective: 2025-02-01}\n"
        "  - {id: us, exporter: CN, destination: US, regime: slow_roll, "
        "slow_roll_factor: 0.5, validity_days: 0, effective: 2025-02-01}\n";
    int32_t longest[TW_NREG];
    longest_by_region("per_cell: 3000, customers_per_supplier: 10, "
                      "licence_validity_days: {US: 90, EU: 90}", ctl, longest);
    cr_assert_eq(longest[TW_EU], 90, "EU longest licence %d days", longest[TW_EU]);
    cr_assert_eq(longest[TW_ROW], 1, "ROW longest licence %d days", longest[TW_ROW]);
    cr_assert_eq(longest[TW_US], 1, "US longest licence %d days", longest[TW_US]);
    longest_by_region("per_cell: 3000, customers_per_supplier: 10, licence_validity_days: 30",
                      ctl, longest);
    cr_assert_eq(longest[TW_EU], 30, "EU longest licence %d days", longest[TW_EU]);
    cr_assert_eq(longest[TW_ROW], 30, "ROW longest licence %d days", longest[TW_ROW]);
    cr_assert_eq(longest[TW_US], 1, "US longest licence %d days", longest[TW_US]);
}

