/* The quantile sketch's memory bound (tw_stats.h): the bytes a sketch holds never exceed
 * tw_sketch_bound_bytes of the values it was given, whatever the values, and holding bins
 * sparse or dense changes no quantile and no checkpoint record. */
#include <criterion/criterion.h>
#include <malloc.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tw_stats.h"

/* One bin's value, 2 g^i / (g + 1), as the sketch reports it (tw_stats.h). */
static double bin_value(int i) {
    double g = (1.0 + TW_SKETCH_ALPHA) / (1.0 - TW_SKETCH_ALPHA);
    return 2.0 * pow(g, i) / (g + 1.0);
}

/* A fixed stream of pseudo-random numbers (splitmix64), the same on every machine. */
static uint64_t next_u64(uint64_t *x) {
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* The bytes the allocator really gave an array (its usable size and glibc's 8-byte
 * header) are within what tw_sketch_bytes counts for it. */
static void check_allocator(const tw_sketch_store *st) {
    if (st->c == NULL) return;
    cr_assert_leq(malloc_usable_size(st->c) + 8, st->cap * sizeof(uint32_t) + TW_SKETCH_ALLOC_SLACK,
                  "usable %zu, cap %u", malloc_usable_size(st->c), st->cap);
}

/* Add x[0 .. n) and check, after every value, the bytes held against the bound for the
 * values so far and for the whole run's n (what tw_run_check_memory charges). */
static void add_checked(tw_sketch *s, const double *x, size_t n) {
    for (size_t k = 0; k < n; k++) {
        cr_assert_eq(tw_sketch_add(s, x[k], NULL), TW_OK);
        size_t held = tw_sketch_bytes(s);
        cr_assert_leq(held, tw_sketch_bound_bytes(k + 1), "value %zu of %zu: %zu bytes > %zu", k,
                      n, held, tw_sketch_bound_bytes(k + 1));
        cr_assert_leq(held, tw_sketch_bound_bytes(n));
        cr_assert_leq(held, TW_SKETCH_MAX_BYTES);
        check_allocator(&s->pos);
        check_allocator(&s->neg);
    }
}

Test(sketch_bound, two_values_far_apart_take_a_few_dozen_bytes) {
    double x[2] = {bin_value(0), bin_value(2047)};
    tw_sketch s = {0};
    add_checked(&s, x, 2);
    cr_assert_eq(s.pos.len, 2048); /* the range spans the whole bin array */
    cr_assert_leq(tw_sketch_bytes(&s), sizeof s + 32 + TW_SKETCH_ALLOC_SLACK);
    /* and two values either side of zero, each at the two ends */
    tw_sketch t = {0};
    double y[4] = {bin_value(-1000), -bin_value(1047), bin_value(1047), -bin_value(-1000)};
    add_checked(&t, y, 4);
    cr_assert_eq(t.neg.len, 2048);
    cr_assert_leq(tw_sketch_bytes(&t), tw_sketch_bound_bytes(4));
    cr_assert_leq(tw_sketch_bound_bytes(4), sizeof t + 2 * (32 + TW_SKETCH_ALLOC_SLACK));
    tw_sketch_free(&s);
    tw_sketch_free(&t);
}

/* Adversarial streams for n small and large: values spread over the whole bin range and
 * beyond it (so the lowest bins merge), both signs, the two ends first, one new bin per
 * value, the same bins again and again. */
Test(sketch_bound, bytes_held_never_exceed_the_bound) {
    size_t ns[] = {1, 2, 3, 5, 17, 64, 300, 513, 1500, 2048, 5000};
    uint64_t seed = 42;
    for (size_t a = 0; a < sizeof ns / sizeof ns[0]; a++) {
        size_t n = ns[a];
        double *x = malloc(n * sizeof *x);
        for (int kind = 0; kind < 6; kind++) {
            for (size_t k = 0; k < n; k++) {
                uint64_t u = next_u64(&seed);
                int bin = (int)(u % 3000) - 500; /* past 2048 bins: merges */
                double sign = kind >= 3 && (u >> 40) & 1 ? -1.0 : 1.0;
                if (kind == 1 || kind == 4) bin = k % 2 == 0 ? (int)(k / 2) : 2047 - (int)(k / 2);
                if (kind == 2) bin = (int)(k * 7 % 4096); /* one new bin per value */
                if (kind == 5) bin = (int)(u % 3) * 1023; /* three bins, 2046 apart */
                x[k] = sign * bin_value(bin);
            }
            tw_sketch s = {0};
            add_checked(&s, x, n);
            cr_assert_eq(s.n, n);
            tw_sketch_free(&s);
        }
        free(x);
    }
    cr_assert_eq(tw_sketch_bound_bytes(5000), TW_SKETCH_MAX_BYTES);
}

/* The bins as the dense arrays held them before sparse storage (one counter per bin from
 * the lowest to the highest, the lowest merged past TW_SKETCH_MAX_BINS): the reference the
 * sketch's quantiles must match bit for bit. Positive values only. */
typedef struct {
    long lo, len;
    uint64_t c[TW_SKETCH_MAX_BINS];
} dense_ref;

static void ref_add(dense_ref *r, long i) {
    if (r->len == 0) {
        r->lo = i;
        r->len = 1;
        r->c[0] = 1;
        return;
    }
    long hi = r->lo + r->len - 1, nlo = i < r->lo ? i : r->lo, nhi = i > hi ? i : hi;
    if (nhi - nlo + 1 > TW_SKETCH_MAX_BINS) nlo = nhi - TW_SKETCH_MAX_BINS + 1;
    uint64_t c[TW_SKETCH_MAX_BINS] = {0};
    for (long k = 0; k < r->len; k++) c[(r->lo + k < nlo ? nlo : r->lo + k) - nlo] += r->c[k];
    c[(i < nlo ? nlo : i) - nlo]++;
    memcpy(r->c, c, sizeof c);
    r->lo = nlo;
    r->len = nhi - nlo + 1;
}

/* The value of rank k (0-based) of the reference. */
static double ref_rank(const dense_ref *r, uint64_t k) {
    uint64_t cum = 0;
    for (long j = 0; j < r->len; j++)
        if (k < (cum += r->c[j])) return bin_value((int)(r->lo + j));
    return INFINITY;
}

Test(sketch_bound, sparse_bins_rank_as_the_dense_array_did) {
    uint64_t seed = 7;
    dense_ref *r = calloc(1, sizeof *r);
    tw_sketch s = {0};
    int sparse = 0, dense = 0; /* values added while the bins were held each way */
    for (int k = 0; k < 4000; k++) {
        uint64_t u = next_u64(&seed);
        /* mostly a wide sparse spread, sometimes past the bin range (merges) */
        long bin = k < 3000 ? (long)(u % 2500) : (long)(u % 200) + 2600;
        cr_assert_eq(tw_sketch_add(&s, bin_value((int)bin), NULL), TW_OK);
        ref_add(r, bin);
        cr_assert_eq(s.pos.lo, r->lo);
        cr_assert_eq(s.pos.len, (uint32_t)r->len);
        if (s.pos.nz > 0) sparse++;
        else dense++;
        if (k % 97 == 0 || k < 40) {
            for (double p = 0.0; p <= 1.0; p += 1.0 / 64) {
                /* type 7 between the reference's order statistics, clamped to [min, max] */
                double h = (double)(s.n - 1) * p, want = s.max;
                uint64_t lo = (uint64_t)floor(h);
                if (s.n == 1 || s.min == s.max) want = s.min;
                else if (lo < s.n - 1) {
                    double a = ref_rank(r, lo), b = ref_rank(r, lo + 1);
                    want = h - (double)lo > 0.0 ? a + (h - (double)lo) * (b - a) : a;
                    want = want < s.min ? s.min : want > s.max ? s.max : want;
                }
                cr_assert_eq(tw_sketch_quantile(&s, p), want, "value %d, p %g", k, p);
            }
        }
    }
    cr_assert(sparse > 10 && dense > 10, "sparse %d, dense %d", sparse, dense);
    tw_sketch_free(&s);
    free(r);
}

/* A record saved from a sketch held sparse loads into a sketch that gives the same
 * quantiles, the same record and at most the same bound (checkpoints). */
Test(sketch_bound, sparse_sketches_round_trip_through_a_record) {
    tw_sketch s = {0}, t = {0};
    double x[6] = {bin_value(3), bin_value(2000), -bin_value(-40), bin_value(2000), 0.0,
                   bin_value(900)};
    add_checked(&s, x, 6);
    cr_assert_neq(s.pos.nz, 0); /* held sparse */
    FILE *fp = tmpfile();
    cr_assert_eq(tw_sketch_save(&s, fp, NULL, NULL), TW_OK);
    size_t n = tw_sketch_record_bytes(&s);
    rewind(fp);
    uint64_t left = n;
    cr_assert_eq(tw_sketch_load(&t, fp, &left, NULL), TW_OK);
    cr_assert_eq(left, 0);
    cr_assert_eq(tw_sketch_record_bytes(&t), n);
    cr_assert_leq(tw_sketch_bytes(&t), tw_sketch_bound_bytes(6));
    for (double p = 0.0; p <= 1.0; p += 0.05)
        cr_assert_eq(tw_sketch_quantile(&t, p), tw_sketch_quantile(&s, p));
    fclose(fp);
    tw_sketch_free(&s);
    tw_sketch_free(&t);
}
