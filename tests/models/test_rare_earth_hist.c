/* The day's stock histogram against its definition: every day and cell, bin b counts the
 * firms whose closing stock x (days of need) has ceil(x * TW_RE_BINS_PER_DAY) = b, the
 * last bin taking everything above it. Run under a halt (stocks fall to zero, short firms
 * take the general path) with a few stocks set by hand on bin edges, just above them and
 * far above the last bin, so that both the common day's bins (computed in the firm loop's
 * first pass) and the general path's are checked, edges included; with one block to a
 * cell (the default) and with several, the last one short. */
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

/* ceil(x * w) up to the last bin, by the definition (x >= 0). */
static int bin_of(float x) {
    double b = ceil((double)x * TW_RE_BINS_PER_DAY);
    return b < (double)(TW_RE_NBIN - 1) ? (int)b : TW_RE_NBIN - 1;
}

static void check_hist(const char *per_cell) {
    char *y = yaml("2025-01-01", "2025-06-30", per_cell,
                   "  - {id: h, exporter: CN, destination: US, regime: halt, "
                   "effective: 2025-02-01}\n");
    sim m;
    sim_open(&m, y, false, NULL, 1, 7, 0);
    const tw_re_params *re = &m.p->re;
    tw_re_state *s = m.s->re;
    const size_t per = (size_t)re->per_cell;
    /* stocks on the edges: exact half days above the day's need (a common day closes on
     * the edge), a hair above an edge, and far above the last bin */
    const float hand[] = {0.5f, 3.0f, 3.5f, 17.0f, 0x1.000002p+2f, 119.5f, 240.0f,
                          240.25f, 1.0e6f, 3.0e38f};
    const size_t nhand = sizeof hand / sizeof hand[0];
    long checked = 0, zero = 0, top = 0;
    static double want[TW_RE_NBIN];
    for (uint32_t t = 0; t < (uint32_t)m.p->ndays; t++) {
        if (t % 30 == 5)
            for (int j = 0; j < re->ncell; j++) {
                int sec = re->cell[j] % TW_NSEC;
                float need = 1.0f - (float)free_share(re, sec, s->dd[re->cell[j] / TW_NSEC].ns);
                for (size_t k = 0; k < nhand; k++)
                    s->stock[(size_t)j * per + 7 * k] =
                        hand[k] + (k % 2 == 0 ? need : 0.0f);
            }
        sim_step(&m, t);
        for (int j = 0; j < re->ncell; j++) {
            int c = re->cell[j];
            memset(want, 0, sizeof want);
            for (size_t k = 0; k < per; k++) {
                float x = s->stock[(size_t)j * per + k];
                cr_assert_geq(x, 0.0f, "day %u cell %d firm %zu: stock %g", t, c, k, x);
                int b = bin_of(x);
                want[b] += 1.0;
                zero += b == 0;
                top += b == TW_RE_NBIN - 1;
            }
            for (int b = 0; b < TW_RE_NBIN; b++)
                cr_assert_eq(s->hist[c][b], want[b], "day %u cell %d bin %d: %g firms, want %g",
                             t, c, b, s->hist[c][b], want[b]);
            checked++;
        }
    }
    cr_assert_gt(checked, 0);
    cr_assert_gt(zero, 0, "no stock ran out: the halt did not bite");
    cr_assert_gt(top, 0, "no stock above the last bin");
    free(y);
    sim_close(&m);
}

Test(rare_earth_hist, every_days_histogram_counts_the_closing_stocks_by_their_bin) {
    check_hist("per_cell: 2000");
}

Test(rare_earth_hist, the_same_with_several_blocks_to_a_cell) { check_hist("per_cell: 9000"); }
