/* Approval capacity shared across destinations: on every working day the expected
 * approvals (applications pending at the end of the day before times today's approval
 * probability) stay within the capacity, the capacity binds (fewer approvals than without
 * it), and a destination approved faster when another is halted (the halted one no longer
 * takes a share of the office). */
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
#include "four_regions.h"

/* Licensing toward every destination from 1 February; the US regime given. Returns the
 * approvals to EU makers over the run and, through *all, to every destination. */
static double run(const char *capacity, const char *us_regime, double *all) {
    char re[256], ctl[512];
    snprintf(re, sizeof re, "per_cell: 2000, approval_capacity_share: %s", capacity);
    snprintf(ctl, sizeof ctl,
             "  - {id: a, exporter: CN, destination: ALL, regime: licensing, effective: 2025-02-01}\n"
             "  - {id: u, exporter: CN, destination: US, regime: %s, effective: 2025-02-01}\n",
             us_regime);
    char *y = yaml("2025-01-01", "2025-05-31", re, ctl);
    sim m;
    sim_open(&m, y, false, NULL, 1, 7, 0);
    const tw_re_params *p = &m.p->re;
    const tw_re_state *s = m.s->re;
    double eu = 0.0, cap = p->capacity * (double)p->ncell * (double)(s->nblk * s->spb);
    *all = 0.0;
    for (uint32_t t = 0; t < (uint32_t)m.p->ndays; t++) {
        double pending[TW_RE_NCELL];
        memcpy(pending, s->pending, sizeof pending);
        sim_step(&m, t);
        double expected = 0.0;
        for (int j = 0; j < p->ncell; j++) {
            int c = p->cell[j];
            expected += pending[c] * s->dd[c / TW_NSEC].hazard * p->priority[c % TW_NSEC];
            *all += s->approvals[c];
            if (c / TW_NSEC == TW_EU) eu += s->approvals[c];
        }
        if (p->capacity > 0.0)
            cr_assert_leq(expected, cap * (1.0 + 1e-5), "day %u: %g expected approvals, "
                          "capacity %g", t, expected, cap);
    }
    free(y);
    sim_close(&m);
    return eu;
}

Test(rare_earth_capacity, the_capacity_binds_and_is_shared_across_destinations) {
    double all_free, all_cap, all_halt;
    run("0", "licensing", &all_free);
    double eu_shared = run("0.002", "licensing", &all_cap);
    double eu_alone = run("0.002", "halt", &all_halt);
    cr_assert_lt(all_cap, 0.8 * all_free, "approvals %g with the capacity, %g without", all_cap,
                 all_free);
    cr_assert_gt(eu_alone, 1.2 * eu_shared,
                 "EU approvals %g with the US halted, %g with the US competing", eu_alone,
                 eu_shared);
}
