/* Philox4x32-10 known answers (Random123's kat_vectors), the counter layout, and the
 * promise that a stream does not depend on the thread count. */
#include <criterion/criterion.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>

#include "tw_rng.h"

static void kat(uint32_t c0, uint32_t c1, uint32_t c2, uint32_t c3, uint32_t k0, uint32_t k1,
                uint32_t e0, uint32_t e1, uint32_t e2, uint32_t e3) {
    uint32_t ctr[4] = {c0, c1, c2, c3}, key[2] = {k0, k1}, out[4];
    tw_philox4x32_10(ctr, key, out);
    cr_assert_eq(out[0], e0);
    cr_assert_eq(out[1], e1);
    cr_assert_eq(out[2], e2);
    cr_assert_eq(out[3], e3);
}

Test(rng, philox_known_answers) {
    kat(0, 0, 0, 0, 0, 0, 0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8);
    kat(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0x408f276d,
        0x41c83b0e, 0xa20bc7c6, 0x6d5451fd);
    kat(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, 0xd16cfe09,
        0x94fdcceb, 0x5001e420, 0x24126ea1);
}

Test(rng, counter_layout) {
    /* (day, agent, purpose, index) map to c = {day, agent lo, agent hi, purpose<<16|index}. */
    uint64_t agent = 0x0000000500000007ull;
    uint32_t a[4], b[4];
    tw_rng_words(tw_rng_key_make(42, 3), 17, agent, 2, 9, a);
    uint32_t ctr[4] = {17, 7, 5, (2u << 16) | 9u}, key[2] = {42, 3};
    tw_philox4x32_10(ctr, key, b);
    for (int i = 0; i < 4; i++) cr_assert_eq(a[i], b[i]);
}

Test(rng, distinct_keys_and_counters_differ) {
    uint32_t a[4], b[4], c[4], d[4];
    tw_rng_words(tw_rng_key_make(1, 0), 0, 0, 1, 0, a);
    tw_rng_words(tw_rng_key_make(1, 1), 0, 0, 1, 0, b); /* another replicate */
    tw_rng_words(tw_rng_key_make(1, 0), 1, 0, 1, 0, c); /* another day */
    tw_rng_words(tw_rng_key_make(1, 0), 0, 0, 2, 0, d); /* another purpose */
    cr_assert_neq(a[0], b[0]);
    cr_assert_neq(a[0], c[0]);
    cr_assert_neq(a[0], d[0]);
}

Test(rng, uniforms_open_interval) {
    cr_assert_gt(tw_u01f(0), 0.0f);
    cr_assert_lt(tw_u01f(0xffffffffu), 1.0f);
    cr_assert_gt(tw_u01d(0, 0), 0.0);
    cr_assert_lt(tw_u01d(0xffffffffu, 0xffffffffu), 1.0);
}

/* Fill a stream of draws in a parallel loop with a given thread count. */
static void fill(uint32_t *out, long n, int threads) {
#pragma omp parallel for num_threads(threads) schedule(dynamic, 7)
    for (long i = 0; i < n; i++) {
        uint32_t w[4];
        tw_rng_words(tw_rng_key_make(2025, 5), 100, (uint64_t)i, 3, 0, w);
        out[i] = w[0] ^ w[3];
    }
}

Test(rng, same_stream_whatever_the_thread_count) {
    enum { N = 100000 };
    uint32_t *a = malloc(N * sizeof *a), *b = malloc(N * sizeof *b), *c = malloc(N * sizeof *c);
    cr_assert(a && b && c);
    fill(a, N, 1);
    fill(b, N, 2);
    fill(c, N, 5);
    for (long i = 0; i < N; i++) {
        cr_assert_eq(a[i], b[i]);
        cr_assert_eq(a[i], c[i]);
    }
    free(a);
    free(b);
    free(c);
}

Test(rng, uniform_moments) {
    /* 4e5 float uniforms: mean 1/2 and variance 1/12 within 5 standard errors. */
    enum { N = 400000 };
    double sum = 0.0, sq = 0.0;
    for (long i = 0; i < N / 4; i++) {
        uint32_t w[4];
        tw_rng_words(tw_rng_key_make(7, 0), 0, (uint64_t)i, 1, 0, w);
        for (int k = 0; k < 4; k++) {
            double u = tw_u01f(w[k]);
            sum += u;
            sq += u * u;
        }
    }
    double mean = sum / N, var = sq / N - mean * mean;
    cr_assert_lt(fabs(mean - 0.5), 5.0 * sqrt(1.0 / 12.0 / N));
    cr_assert_lt(fabs(var - 1.0 / 12.0), 5.0 * sqrt(1.0 / 180.0 / N));
}

Test(rng, gsl_adapter_streams_the_counter_sequence) {
    gsl_rng *r = tw_rng_gsl_alloc(tw_rng_key_make(9, 2), 4, 77, 5);
    cr_assert_not_null(r);
    cr_assert_str_eq(gsl_rng_name(r), "tw_philox4x32_10");
    for (uint16_t idx = 0; idx < 3; idx++) {
        uint32_t w[4];
        tw_rng_words(tw_rng_key_make(9, 2), 4, 77, 5, idx, w);
        for (int k = 0; k < 4; k++) cr_assert_eq(gsl_rng_get(r), (unsigned long)w[k]);
    }
    gsl_rng_free(r);
}

Test(rng, gsl_adapter_drives_gsl_distributions) {
    /* Standard normals through GSL: mean 0 and variance 1 within 5 standard errors. */
    enum { N = 200000 };
    gsl_rng *r = tw_rng_gsl_alloc(tw_rng_key_make(11, 0), 0, 0, 9);
    cr_assert_not_null(r);
    double *x = malloc(N * sizeof *x);
    cr_assert_not_null(x);
    for (int i = 0; i < N; i++) x[i] = gsl_ran_gaussian(r, 1.0);
    double mean = gsl_stats_mean(x, 1, N), var = gsl_stats_variance(x, 1, N);
    cr_assert_lt(fabs(mean), 5.0 / sqrt(N));
    cr_assert_lt(fabs(var - 1.0), 5.0 * sqrt(2.0 / N));
    for (int i = 0; i < 1000; i++) {
        double u = gsl_rng_uniform(r);
        cr_assert(u >= 0.0 && u < 1.0);
    }
    free(x);
    gsl_rng_free(r);
}
