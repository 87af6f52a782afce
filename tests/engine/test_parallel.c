/* test_parallel.c - the executor and the block-ordered reduction.
 *
 * tw_exec_for hands items to threads dynamically, so the tests check what must hold
 * whatever the hand-out: every item runs exactly once, at any thread count, with and
 * without time accounting; the accounting stays inside the team and inside the elapsed
 * time; and tw_reduce_blocks sums in block order, so its result is the left-to-right sum
 * even where floating-point addition is not associative.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include "tw_parallel.h"

#define N_ITEMS 1000

typedef struct {
    int runs[N_ITEMS];
    double out[N_ITEMS];
} counts;

/* Some arithmetic per item, so that items take measurable time; each writes only its slot. */
static void count_item(void *vctx, size_t i) {
    counts *c = vctx;
    double x = (double)i;
    for (int k = 0; k < 2000; k++) x = sqrt(x + (double)k);
    c->out[i] = x;
#pragma omp atomic
    c->runs[i]++;
}

static void check_each_once(int threads, tw_exec_prof *pf) {
    counts *c = calloc(1, sizeof *c);
    cr_assert_not_null(c);
    tw_exec ex = {threads, pf};
    tw_exec_for(&ex, N_ITEMS, count_item, c);
    for (int i = 0; i < N_ITEMS; i++)
        cr_expect_eq(c->runs[i], 1, "item %d ran %d times on %d threads", i, c->runs[i], threads);
    free(c);
}

Test(exec, every_item_runs_once_at_any_thread_count) {
    int counts_[] = {1, 2, 3, 8};
    for (size_t k = 0; k < sizeof counts_ / sizeof counts_[0]; k++) {
        check_each_once(counts_[k], NULL);
        double busy[8] = {0};
        tw_exec_prof pf = {busy, 0.0, 0};
        check_each_once(counts_[k], &pf);
        cr_expect_eq(pf.regions, 1);
    }
}

Test(exec, null_executor_runs_serially) {
    counts *c = calloc(1, sizeof *c);
    cr_assert_not_null(c);
    tw_exec_for(NULL, N_ITEMS, count_item, c);
    for (int i = 0; i < N_ITEMS; i++) cr_expect_eq(c->runs[i], 1);
    free(c);
}

Test(exec, time_accounting_stays_inside_the_team_and_the_elapsed_time) {
    enum { T = 3, SLOTS = 6 };
    double busy[SLOTS] = {0};
    tw_exec_prof pf = {busy, 0.0, 0};
    counts *c = calloc(1, sizeof *c);
    cr_assert_not_null(c);
    tw_exec ex = {T, &pf};
    for (int r = 0; r < 4; r++) tw_exec_for(&ex, N_ITEMS, count_item, c);
    cr_expect_eq(pf.regions, 4);
    cr_expect_gt(pf.wall, 0.0);
    double sum = 0.0;
    for (int t = 0; t < T; t++) {
        cr_expect_geq(busy[t], 0.0);
        /* a thread is busy only while its region is open */
        cr_expect_leq(busy[t], pf.wall * (1.0 + 1e-9), "thread %d busy %g > wall %g", t, busy[t],
                      pf.wall);
        sum += busy[t];
    }
    cr_expect_gt(sum, 0.0, "the items' work was not counted");
    for (int t = T; t < SLOTS; t++) cr_expect_eq(busy[t], 0.0, "slot %d is outside the team", t);
    free(c);
}

Test(exec, serial_accounting_charges_thread_zero) {
    double busy[2] = {0};
    tw_exec_prof pf = {busy, 0.0, 0};
    counts *c = calloc(1, sizeof *c);
    cr_assert_not_null(c);
    tw_exec ex = {1, &pf};
    tw_exec_for(&ex, N_ITEMS, count_item, c);
    cr_expect_eq(pf.regions, 1);
    cr_expect_gt(busy[0], 0.0);
    cr_expect_eq(busy[0], pf.wall, "with one thread, busy is the whole region");
    cr_expect_eq(busy[1], 0.0);
    free(c);
}

Test(reduce, sums_in_block_order) {
    /* (1e16 + 1) + 1 - 1e16 = 0 in doubles when summed left to right, 2 in exact arithmetic */
    double partials[4][2] = {{1e16, 1.0}, {1.0, 2.0}, {1.0, 3.0}, {-1e16, 4.0}};
    double out[2];
    tw_reduce_blocks(&partials[0][0], 4, 2, out);
    double expect = 1e16;
    expect += 1.0;
    expect += 1.0;
    expect += -1e16;
    cr_expect_eq(out[0], expect);
    cr_expect_eq(out[0], 0.0);
    cr_expect_eq(out[1], 10.0);
}

Test(reduce, no_blocks_gives_zeros) {
    double out[3] = {7.0, 7.0, 7.0};
    tw_reduce_blocks(NULL, 0, 3, out);
    for (int j = 0; j < 3; j++) cr_expect_eq(out[j], 0.0);
}
