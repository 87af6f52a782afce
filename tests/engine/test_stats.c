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
        tw_exec ex = {threads, NULL};
        tw_exec_for(&ex, 1000, mark, seen);
        for (int i = 0; i < 1000; i++) cr_assert_eq(seen[i], 1, "threads %d item %d", threads, i);
    }
    cr_assert_eq(tw_block_count(0), 0);
    cr_assert_eq(tw_block_count(1), 1);
    cr_assert_eq(tw_block_count(TW_BLOCK), 1);
    cr_assert_eq(tw_block_count(TW_BLOCK + 1), 2);
}

/* --- streaming sketch --- */

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <stdlib.h>
#include <string.h>

/* The stated bound: within TW_SKETCH_ALPHA * max(|x_floor(h)|, |x_ceil(h)|) of the exact
 * type-7 quantile (plus a little floating-point slack). */
static void check_sketch_against_exact(double *x, size_t n, const char *what) {
    tw_sketch s = {0};
    for (size_t i = 0; i < n; i++) cr_assert_eq(tw_sketch_add(&s, x[i], NULL), TW_OK);
    cr_assert_eq(s.n, n);
    gsl_sort(x, 1, n);
    static const double ps[] = {0.0, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1.0};
    for (size_t k = 0; k < sizeof ps / sizeof ps[0]; k++) {
        double exact = tw_quantile_sorted(x, n, ps[k]);
        double h = (double)(n - 1) * ps[k];
        size_t lo = (size_t)floor(h), hi = lo + 1 < n ? lo + 1 : lo;
        double mag = fmax(fabs(x[lo]), fabs(x[hi]));
        double got = tw_sketch_quantile(&s, ps[k]);
        cr_assert(fabs(got - exact) <= TW_SKETCH_ALPHA * mag * (1 + 1e-9) + 1e-300,
                  "%s p=%g: sketch %.10g, exact %.10g, bound %.3g", what, ps[k], got, exact,
                  TW_SKETCH_ALPHA * mag);
    }
    tw_sketch_free(&s);
}

Test(sketch, quantiles_within_stated_accuracy_of_exact_on_known_samples) {
    enum { N = 20000 };
    double *x = malloc(N * sizeof *x);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 12345);
    for (size_t i = 0; i < N; i++) x[i] = gsl_ran_lognormal(r, 3.0, 1.5);
    check_sketch_against_exact(x, N, "lognormal");
    for (size_t i = 0; i < N; i++) x[i] = gsl_ran_gaussian(r, 2.0) + 0.5; /* both signs */
    check_sketch_against_exact(x, N, "normal");
    for (size_t i = 0; i < N; i++) x[i] = (double)(i % 7) - 3.0; /* ties and zeros */
    check_sketch_against_exact(x, N, "integers");
    for (size_t i = 0; i < 10; i++) x[i] = (double)(i + 1); /* the type-7 known answer */
    check_sketch_against_exact(x, 10, "1..10");
    gsl_rng_free(r);
    free(x);
}

Test(sketch, moments_match_two_pass_and_constant_cells_are_exact) {
    double x[10] = {10, 3, 1, 7, 5, 9, 2, 8, 4, 6}, scratch[10];
    tw_summary exact, got;
    tw_summarise(x, 10, scratch, &exact);
    tw_sketch s = {0};
    for (int i = 0; i < 10; i++) tw_sketch_add(&s, x[i], NULL);
    tw_sketch_summary(&s, &got);
    cr_assert(epsilon_eq(dbl, got.mean, exact.mean, 1e-12));
    cr_assert(epsilon_eq(dbl, got.sd, exact.sd, 1e-12));
    tw_sketch_free(&s);
    for (int i = 0; i < 5; i++) tw_sketch_add(&s, 2.863798449, NULL);
    tw_sketch_summary(&s, &got);
    for (int k = 0; k < TW_N_QUANTILES; k++) cr_assert_eq(got.q[k], 2.863798449);
    cr_assert_eq(got.sd, 0.0);
    tw_sketch_free(&s);
}

Test(sketch, nan_is_skipped_and_counted) {
    tw_sketch s = {0};
    tw_sketch_add(&s, NAN, NULL);
    cr_assert(isnan(tw_sketch_mean(&s)));
    cr_assert(isnan(tw_sketch_quantile(&s, 0.5)));
    tw_sketch_add(&s, 4.0, NULL);
    tw_sketch_add(&s, NAN, NULL);
    cr_assert_eq(s.n, 1);
    cr_assert_eq(s.n_nan, 2);
    cr_assert_eq(tw_sketch_mean(&s), 4.0);
    cr_assert_eq(tw_sketch_quantile(&s, 0.95), 4.0);
    tw_sketch_free(&s);
}

Test(sketch, save_and_load_give_the_same_sketch) {
    tw_sketch s = {0}, t = {0};
    for (int i = 0; i < 1000; i++) tw_sketch_add(&s, sin(i) * exp(i % 13), NULL);
    FILE *fp = tmpfile();
    cr_assert_eq(tw_sketch_save(&s, fp, NULL, NULL), TW_OK);
    cr_assert_eq((size_t)ftell(fp), tw_sketch_record_bytes(&s));
    rewind(fp);
    uint64_t left = tw_sketch_record_bytes(&s);
    cr_assert_eq(tw_sketch_load(&t, fp, &left, NULL), TW_OK);
    cr_assert_eq(left, 0);
    fclose(fp);
    cr_assert_eq(t.n, s.n);
    cr_assert_eq(t.mean, s.mean);
    cr_assert_eq(t.m2, s.m2);
    for (double p = 0.0; p <= 1.0; p += 0.05)
        cr_assert_eq(tw_sketch_quantile(&t, p), tw_sketch_quantile(&s, p));
    /* adding the same value to both keeps them equal */
    tw_sketch_add(&s, 1e-7, NULL);
    tw_sketch_add(&t, 1e-7, NULL);
    cr_assert_eq(tw_sketch_quantile(&t, 0.3), tw_sketch_quantile(&s, 0.3));
    tw_sketch_free(&s);
    tw_sketch_free(&t);
}

Test(sketch, wide_ranges_keep_bounded_memory) {
    tw_sketch s = {0};
    for (int i = -300; i <= 300; i++) tw_sketch_add(&s, pow(10.0, i), NULL);
    cr_assert_leq(s.pos.len, TW_SKETCH_MAX_BINS);
    /* the top of the range keeps its accuracy */
    double top = tw_sketch_quantile(&s, 1.0), p99 = tw_sketch_quantile(&s, 0.99);
    cr_assert_eq(top, 1e300);
    cr_assert(p99 > 1e293 && p99 < 1e295, "p99 %g", p99);
    tw_sketch_free(&s);
}

Test(sketch, infinities_rank_at_the_ends_and_leave_other_quantiles_accurate) {
    tw_sketch s = {0};
    for (int i = 1; i <= 100; i++) tw_sketch_add(&s, (double)i, NULL);
    tw_sketch_add(&s, INFINITY, NULL);
    cr_assert_eq(s.n, 101);
    cr_assert(isinf(tw_sketch_mean(&s)) && tw_sketch_mean(&s) > 0);
    cr_assert(isnan(tw_sketch_sd(&s)));
    cr_assert(isinf(tw_sketch_quantile(&s, 1.0)));
    /* p50 of 1..100 and +inf is the 51st value, 51, within the stated accuracy */
    double med = tw_sketch_quantile(&s, 0.5);
    cr_assert(fabs(med - 51.0) <= TW_SKETCH_ALPHA * 51.0, "median %g", med);
    double p05 = tw_sketch_quantile(&s, 0.05); /* exact type 7: 6.0 */
    cr_assert(fabs(p05 - 6.0) <= TW_SKETCH_ALPHA * 6.0, "p05 %g", p05);
    tw_sketch_add(&s, -INFINITY, NULL);
    cr_assert(isnan(tw_sketch_mean(&s)));
    cr_assert(isinf(tw_sketch_quantile(&s, 0.0)) && tw_sketch_quantile(&s, 0.0) < 0);
    tw_sketch_free(&s);
}

/* A damaged record is refused before anything is allocated past the bound: bins longer
 * than TW_SKETCH_MAX_BINS, a record longer than the bytes it may take, counts that do not
 * add up. The record of 50 values 0.5 .. 25 (tw_stats.h): flags (0), n = 50, four
 * doubles, then pos: lo (zigzag), len, non-zero bins, (gap, count) pairs. */
Test(sketch, load_refuses_records_out_of_bounds) {
    tw_sketch s = {0}, t = {0};
    for (int i = 1; i <= 50; i++) tw_sketch_add(&s, i * 0.5, NULL);
    FILE *fp = tmpfile();
    cr_assert_eq(tw_sketch_save(&s, fp, NULL, NULL), TW_OK);
    size_t n = tw_sketch_record_bytes(&s);
    unsigned char *rec = malloc(n);
    rewind(fp);
    cr_assert_eq(fread(rec, 1, n, fp), n);
    cr_assert_eq(rec[0], 0);
    cr_assert_eq(rec[1], 50);
    cr_assert(rec[n - 3] == 0 && rec[n - 2] == 0 && rec[n - 1] == 0); /* no negative bins */
    /* pos.lo is a varint after the doubles; len follows */
    size_t len_at = 2 + 32;
    while (rec[len_at] & 0x80) len_at++;
    len_at++;
    struct { size_t at; unsigned char v[3]; size_t k; } bad[] = {
        {len_at, {0x81, 0x20}, 2},      /* pos.len 4097: past the bound (two bytes) */
        {1, {49}, 1},                   /* n one short of the bins */
        {n - 4, {0}, 1},                /* the last bin's count is zero (neg: 3 bytes) */
        {n - 4, {7}, 1},                /* a bin count changed */
        {0, {64}, 1},                   /* an unknown flag */
        {0, {16 | 32}, 1},              /* two ways of writing the doubles at once */
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        unsigned char *c = malloc(n + 1);
        memcpy(c, rec, bad[k].at);
        memcpy(c + bad[k].at, bad[k].v, bad[k].k);
        /* the new bytes replace the varint (or flags byte) at `at`, whatever its length */
        size_t rest = bad[k].at;
        while (rest < n - 1 && (rec[rest] & 0x80)) rest++;
        rest++;
        memcpy(c + bad[k].at + bad[k].k, rec + rest, n - rest);
        size_t m = n - rest + bad[k].at + bad[k].k;
        rewind(fp);
        cr_assert_eq(fwrite(c, 1, m, fp), m);
        rewind(fp);
        uint64_t left = m;
        tw_err err;
        cr_assert_eq(tw_sketch_load(&t, fp, &left, &err), TW_EUSAGE, "case %zu", k);
        cr_assert_null(t.pos.c);
        free(c);
    }
    rewind(fp);
    cr_assert_eq(fwrite(rec, 1, n, fp), n);
    rewind(fp);
    uint64_t left = n - 1; /* one byte short */
    cr_assert_eq(tw_sketch_load(&t, fp, &left, NULL), TW_EUSAGE);
    rewind(fp);
    left = n;
    cr_assert_eq(tw_sketch_load(&t, fp, &left, NULL), TW_OK);
    cr_assert_eq(t.n, 50);
    fclose(fp);
    free(rec);
    tw_sketch_free(&s);
    tw_sketch_free(&t);
}
