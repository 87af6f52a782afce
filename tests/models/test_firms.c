/* The importer firms' random numbers against their firm count: firm k of a cell draws the
 * same numbers whatever the cell's firm count, so runs that differ only in
 * firms.per_cell (the levels of multilevel replication) share the draws of the firms they
 * have in common. Driven through the firm arrays with hand-made cell days, so that the two
 * runs see the same prices every day and only the keying can tell them apart. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <string.h>

#include "tw_firms.h"
#include "four_regions.h"

/* Every cell the same day: origins drawn from a fixed ladder of shares, prices spread so
 * that no two origins tie, no timing motive, and a hazard so high that every firm
 * re-chooses every day (each day's draws are then visible in its origin and clock). */
static void cell_days(tw_cell_day *cd) {
    memset(cd, 0, TW_NCELL * sizeof *cd);
    for (int c = 0; c < TW_NCELL; c++) {
        float acc = 0.0f;
        for (int o = 0; o < TW_NREG; o++) {
            acc += (float)(o + 1);
            cd[c].cdf[o] = acc;
            cd[c].lnp[o] = 0.1f * (float)o;
            cd[c].price[o] = cd[c].rel[o] = 1.0;
        }
        for (int o = 0; o < TW_NREG; o++) cd[c].cdf[o] /= acc;
        for (int o = TW_NREG - 1; o < TW_NREG_MAX; o++) cd[c].cdf[o] = 1.0f;
        cd[c].hazard_base = 50.0f;
    }
}

typedef struct {
    tw_firms_params fp;
    tw_firm_arrays f;
    double share[TW_NCELL][TW_NREG_MAX], purchase[TW_NCELL][TW_NREG_MAX], pbar0[TW_NCELL],
        pbar[TW_NCELL], lambda0[TW_NCELL];
} firms_run;

static void run_open(firms_run *r, int64_t per_cell, int threads, const tw_cell_day *cd) {
    memset(r, 0, sizeof *r);
    r->fp.per_cell = per_cell;
    r->fp.nreg = TW_NREG;
    r->fp.size_tail = 1.1;
    r->fp.reopt_rate = 0.00131;
    r->fp.own_demand = TW_OWN_DEMAND_DEFAULT;
    tw_exec ex = {threads, NULL};
    tw_err err;
    cr_assert_eq(tw_firms_create(&r->f, &r->fp, tw_rng_key_make(20250101u, 3u), &ex, &err), TW_OK);
    tw_firms_init(&r->f, cd, r->share, r->pbar0, r->pbar, r->lambda0);
}

/* Firm k < n of each cell of a run with n firms a cell and of one with 2n: the same first
 * origin, hazard clock and (up to the cell's normalisation) size, and after each of three
 * days on which every firm re-chooses, the same origin, reference price and clock. Before
 * the draws were keyed by (cell, index in the cell) a firm's counter was its global index
 * cell * per_cell + k, and only cell 0 agreed. Two blocks a cell at n (the second
 * partial), and the larger run on two threads. */
Test(firms, first_n_firms_draw_alike_at_any_per_cell, .timeout = 60) {
    static tw_cell_day cd[TW_NCELL];
    cell_days(cd);
    const size_t n = TW_BLOCK + 904;
    static firms_run a, b;
    run_open(&a, (int64_t)n, 1, cd);
    run_open(&b, (int64_t)(2 * n), 2, cd);
    for (size_t c = 0; c < TW_NCELL; c++) {
        const size_t ia = c * n, ib = c * 2 * n;
        cr_assert(memcmp(a.f.origin + ia, b.f.origin + ib, n) == 0, "cell %zu: first origins", c);
        cr_assert(memcmp(a.f.clock + ia, b.f.clock + ib, n * sizeof(float)) == 0,
                  "cell %zu: first clocks", c);
        /* sizes are drawn alike and divided by the cell's total, which differs */
        double ratio = (double)a.f.size[ia] / (double)b.f.size[ib];
        for (size_t k = 1; k < n; k++)
            cr_assert(epsilon_eq(dbl, (double)a.f.size[ia + k] / (double)b.f.size[ib + k], ratio,
                                 1e-5 * ratio),
                      "cell %zu firm %zu: sizes drawn apart", c, k);
    }
    cr_assert(memcmp(a.f.clock + n, a.f.clock + 2 * n, n * sizeof(float)) != 0,
              "cells 1 and 2 drew alike: the cell is not in the key");
    for (uint32_t d = 1; d <= 3; d++) {
        tw_firms_step(&a.f, cd, d, a.share, a.purchase, a.pbar);
        tw_firms_step(&b.f, cd, d, b.share, b.purchase, b.pbar);
        for (size_t c = 0; c < TW_NCELL; c++) {
            const size_t ia = c * n, ib = c * 2 * n;
            cr_assert(memcmp(a.f.origin + ia, b.f.origin + ib, n) == 0, "day %u cell %zu", d, c);
            cr_assert(memcmp(a.f.ref_lnp + ia, b.f.ref_lnp + ib, n * sizeof(float)) == 0,
                      "day %u cell %zu", d, c);
            cr_assert(memcmp(a.f.clock + ia, b.f.clock + ib, n * sizeof(float)) == 0,
                      "day %u cell %zu", d, c);
        }
    }
    tw_firms_free(&a.f);
    tw_firms_free(&b.f);
}
