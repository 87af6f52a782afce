/* Statistics across replicates and block-ordered reductions. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <math.h>

#include "tw_parallel.h"
#include "tw_stats.h"

Test(stats, type7_quantiles_known_answers) {
    /* numpy.quantile([1,2,3,4,5,6,7,8,9,10], [0.05, 0.5, 0.95]) = 1.45, 5.5, 9.55 */
    double x[10] = {10, 3, 1, 7, 5, 9, 2, 8, 4, 6}, scratch[10];
    tw_summary s;
    tw_summarise(x, 10, scratch, &s);
    cr_assert(ieee_ulp_eq(dbl, s.mean, 5.5, 4));
    cr_assert(epsilon_eq(dbl, s.sd, sqrt(55.0 / 6.0), 1e-12));
    cr_assert(epsilon_eq(dbl, s.q[0], 1.45, 1e-12));
    cr_assert(epsilon_eq(dbl, s.q[1], 5.5, 1e-12));
    cr_assert(epsilon_eq(dbl, s.q[2], 9.55, 1e-12));
}

Test(stats, single_replicate) {
    double x[1] = {3.25}, scratch[1];
    tw_summary s;
    tw_summarise(x, 1, scratch, &s);
    cr_assert_eq(s.mean, 3.25);
    cr_assert_eq(s.sd, 0.0);
    for (int k = 0; k < TW_N_QUANTILES; k++) cr_assert_eq(s.q[k], 3.25);
}

Test(parallel, reduce_blocks_in_block_order) {
    /* Values whose float sum depends on order: the result must equal the in-order sum. */
    double p[6] = {1e16, 1.0, 1.0, 2.0, -1e16, 3.0}; /* 3 blocks x width 2 */
    double out[2];
    tw_reduce_blocks(p, 3, 2, out);
    cr_assert_eq(out[0], ((0.0 + 1e16) + 1.0) + -1e16);
    cr_assert_eq(out[1], ((0.0 + 1.0) + 2.0) + 3.0);
}

static void mark(void *ctx, size_t i) { ((int *)ctx)[i] += 1; }

Test(parallel, exec_for_visits_every_item_once) {
    for (int threads = 1; threads <= 3; threads++) {
        int seen[1000] = {0};
        tw_exec ex = {threads};
        tw_exec_for(&ex, 1000, mark, seen);
        for (int i = 0; i < 1000; i++) cr_assert_eq(seen[i], 1, "threads %d item %d", threads, i);
    }
    cr_assert_eq(tw_block_count(0), 0);
    cr_assert_eq(tw_block_count(1), 1);
    cr_assert_eq(tw_block_count(TW_BLOCK), 1);
    cr_assert_eq(tw_block_count(TW_BLOCK + 1), 2);
}
