/* tw_stats.c - mean, standard deviation and quantiles across replicates (tw_stats.h). */
#include "tw_stats.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>

#include "tw_crc.h"

const double tw_quantile_probs[TW_N_QUANTILES] = {0.05, 0.50, 0.95};
const char *const tw_quantile_names[TW_N_QUANTILES] = {"p05", "p50", "p95"};

double tw_quantile_sorted(const double *sorted, size_t n, double p) {
    if (n == 1) return sorted[0];
    double h = (double)(n - 1) * p;
    size_t lo = (size_t)floor(h);
    if (lo >= n - 1) return sorted[n - 1];
    double frac = h - (double)lo;
    return sorted[lo] + frac * (sorted[lo + 1] - sorted[lo]);
}

void tw_summarise(const double *x, size_t n, double *scratch, tw_summary *out) {
    double sum = 0.0;
    for (size_t i = 0; i < n; i++) sum += x[i];
    double mean = sum / (double)n;
    double ss = 0.0;
    for (size_t i = 0; i < n; i++) ss += (x[i] - mean) * (x[i] - mean);
    out->mean = mean;
    out->sd = n > 1 ? sqrt(ss / (double)(n - 1)) : 0.0;
    memcpy(scratch, x, n * sizeof *x);
    gsl_sort(scratch, 1, n);
    for (int k = 0; k < TW_N_QUANTILES; k++)
        out->q[k] = tw_quantile_sorted(scratch, n, tw_quantile_probs[k]);
}

/* --- streaming sketch (tw_stats.h) --- */

static double tw__sketch_gamma(void) { return (1.0 + TW_SKETCH_ALPHA) / (1.0 - TW_SKETCH_ALPHA); }

/* Bin indices are clamped to this range, so infinities and denormals land in the end
 * bins instead of overflowing the index. */
#define TW__SKETCH_INDEX_MAX 100000

static int32_t tw__sketch_index(double mag) {
    double i = ceil(log(mag) / log(tw__sketch_gamma()));
    if (!(i > -TW__SKETCH_INDEX_MAX)) return -TW__SKETCH_INDEX_MAX;
    if (i > TW__SKETCH_INDEX_MAX) return TW__SKETCH_INDEX_MAX;
    return (int32_t)i;
}

static double tw__sketch_value(int32_t i) {
    double g = tw__sketch_gamma();
    return 2.0 * pow(g, (double)i) / (g + 1.0);
}

/* Count one value in bin i, growing the bin range; past TW_SKETCH_MAX_BINS the lowest
 * bins are merged into the lowest one kept. */
static tw_status tw__store_add(tw_sketch_store *st, int32_t i, tw_err *err) {
    if (st->len > 0 && i >= st->lo && i < st->lo + (int32_t)st->len) {
        st->c[i - st->lo]++;
        return TW_OK;
    }
    int64_t lo = st->len > 0 ? st->lo : i, hi = st->len > 0 ? (int64_t)st->lo + st->len - 1 : i;
    int64_t nlo = i < lo ? i : lo, nhi = i > hi ? i : hi;
    if (nhi - nlo + 1 > TW_SKETCH_MAX_BINS) nlo = nhi - TW_SKETCH_MAX_BINS + 1;
    uint32_t nlen = (uint32_t)(nhi - nlo + 1);
    /* The range changes a few times per cell (the log bins grow slowly), so a fresh array
     * each time keeps this simple: every old bin moves to its place or, below nlo, is
     * merged into the lowest bin kept. */
    uint32_t ncap = st->cap > nlen ? st->cap : nlen;
    if (ncap < 8) ncap = 8;
    if (ncap < 2 * st->len && 2 * st->len <= TW_SKETCH_MAX_BINS) ncap = 2 * st->len;
    uint32_t *c = calloc(ncap, sizeof *c);
    if (c == NULL) return tw_err_set(err, TW_ENOMEM, "out of memory in a quantile sketch");
    for (uint32_t k = 0; k < st->len; k++) {
        int64_t at = (int64_t)st->lo + k;
        c[(at < nlo ? nlo : at) - nlo] += st->c[k];
    }
    c[(i < nlo ? nlo : i) - nlo]++;
    free(st->c);
    st->c = c;
    st->cap = ncap;
    st->lo = (int32_t)nlo;
    st->len = nlen;
    return TW_OK;
}

void tw_sketch_free(tw_sketch *s) {
    if (s == NULL) return;
    free(s->pos.c);
    free(s->neg.c);
    memset(s, 0, sizeof *s);
}

tw_status tw_sketch_add(tw_sketch *s, double x, tw_err *err) {
    if (isnan(x)) {
        s->n_nan++;
        return TW_OK;
    }
    if (isinf(x)) {
        if (x > 0) s->pinf++;
        else s->ninf++;
        if (s->n == 0 || x < s->min) s->min = x;
        if (s->n == 0 || x > s->max) s->max = x;
        s->n++;
        return TW_OK;
    }
    tw_status st = TW_OK;
    if (x > 0.0)
        st = tw__store_add(&s->pos, tw__sketch_index(x), err);
    else if (x < 0.0)
        st = tw__store_add(&s->neg, tw__sketch_index(-x), err);
    else
        s->zeros++;
    if (st != TW_OK) return st;
    if (s->n == 0 || x < s->min) s->min = x;
    if (s->n == 0 || x > s->max) s->max = x;
    s->n++;
    uint64_t nf = s->n - s->pinf - s->ninf; /* finite values so far, this one included */
    double d = x - s->mean;
    s->mean += d / (double)nf;
    s->m2 += d * (x - s->mean);
    return TW_OK;
}

double tw_sketch_mean(const tw_sketch *s) {
    if (s->n == 0 || (s->pinf > 0 && s->ninf > 0)) return NAN;
    if (s->pinf > 0) return INFINITY;
    if (s->ninf > 0) return -INFINITY;
    return s->mean;
}

double tw_sketch_sd(const tw_sketch *s) {
    if (s->n == 0 || s->pinf > 0 || s->ninf > 0) return NAN;
    if (s->n == 1 || !(s->m2 > 0.0)) return 0.0;
    return sqrt(s->m2 / (double)(s->n - 1));
}

/* Estimate of the order statistic of 0-based rank k (k < n): negatives from the largest
 * magnitude down, then zeros, then positives upwards. */
static double tw__sketch_rank(const tw_sketch *s, uint64_t k) {
    uint64_t cum = s->ninf;
    if (k < cum) return -INFINITY;
    for (uint32_t j = s->neg.len; j-- > 0;) {
        cum += s->neg.c[j];
        if (k < cum) return -tw__sketch_value(s->neg.lo + (int32_t)j);
    }
    cum += s->zeros;
    if (k < cum) return 0.0;
    for (uint32_t j = 0; j < s->pos.len; j++) {
        cum += s->pos.c[j];
        if (k < cum) return tw__sketch_value(s->pos.lo + (int32_t)j);
    }
    return INFINITY; /* the +inf values at the top */
}

double tw_sketch_quantile(const tw_sketch *s, double p) {
    if (s->n == 0) return NAN;
    if (s->n == 1 || s->min == s->max) return s->min;
    double h = (double)(s->n - 1) * p;
    uint64_t lo = (uint64_t)floor(h);
    if (lo >= s->n - 1) return s->max;
    double frac = h - (double)lo;
    double a = tw__sketch_rank(s, lo);
    double v = a;
    if (frac > 0.0 && !isinf(a)) {
        double b = tw__sketch_rank(s, lo + 1);
        v = isinf(b) ? b : a + frac * (b - a);
    }
    if (v < s->min) v = s->min;
    if (v > s->max) v = s->max;
    return v;
}

void tw_sketch_summary(const tw_sketch *s, tw_summary *out) {
    out->mean = tw_sketch_mean(s);
    out->sd = tw_sketch_sd(s);
    for (int k = 0; k < TW_N_QUANTILES; k++) out->q[k] = tw_sketch_quantile(s, tw_quantile_probs[k]);
}

/* The record (tw_stats.h): the fixed fields packed into TW_SKETCH_RECORD_HEAD bytes,
 * then the two bin arrays. */
_Static_assert(TW_SKETCH_RECORD_HEAD == 5 * 8 + 4 * 8 + 4 * 4, "the record tw_stats.h documents");

size_t tw_sketch_record_bytes(const tw_sketch *s) {
    return TW_SKETCH_RECORD_HEAD + ((size_t)s->pos.len + s->neg.len) * sizeof(uint32_t);
}

static tw_status tw__put(FILE *fp, const void *p, size_t n, uint32_t *crc) {
    if (n > 0 && fwrite(p, 1, n, fp) != n) return TW_EIO;
    if (crc != NULL) *crc = tw_crc32c(*crc, p, n);
    return TW_OK;
}

tw_status tw_sketch_save(const tw_sketch *s, FILE *fp, uint32_t *crc, tw_err *err) {
    unsigned char h[TW_SKETCH_RECORD_HEAD];
    uint64_t u[5] = {s->n, s->n_nan, s->zeros, s->pinf, s->ninf};
    double d[4] = {s->mean, s->m2, s->min, s->max};
    int32_t lo[2] = {s->pos.lo, s->neg.lo};
    uint32_t len[2] = {s->pos.len, s->neg.len};
    memcpy(h, u, sizeof u);
    memcpy(h + 40, d, sizeof d);
    memcpy(h + 72, &lo[0], 4);
    memcpy(h + 76, &len[0], 4);
    memcpy(h + 80, &lo[1], 4);
    memcpy(h + 84, &len[1], 4);
    if (tw__put(fp, h, sizeof h, crc) != TW_OK ||
        tw__put(fp, s->pos.c, len[0] * sizeof(uint32_t), crc) != TW_OK ||
        tw__put(fp, s->neg.c, len[1] * sizeof(uint32_t), crc) != TW_OK)
        return tw_err_set(err, TW_EIO, "checkpoint: write failed: %s", strerror(errno));
    return TW_OK;
}

/* Read one bin array of a record whose fixed fields were accepted. */
static bool tw__store_read(tw_sketch_store *st, FILE *fp, uint64_t *total) {
    if (st->len == 0) return true;
    st->c = malloc(st->len * sizeof *st->c);
    if (st->c == NULL) return false;
    st->cap = st->len;
    if (fread(st->c, sizeof *st->c, st->len, fp) != st->len) return false;
    for (uint32_t k = 0; k < st->len; k++) *total += st->c[k];
    return true;
}

static bool tw__store_fits(int32_t lo, uint32_t len) {
    return len <= TW_SKETCH_MAX_BINS &&
           (len == 0 || (lo >= -TW__SKETCH_INDEX_MAX &&
                         (int64_t)lo + len - 1 <= TW__SKETCH_INDEX_MAX));
}

tw_status tw_sketch_load(tw_sketch *s, FILE *fp, uint64_t *left, tw_err *err) {
    unsigned char h[TW_SKETCH_RECORD_HEAD];
    uint64_t u[5];
    double d[4];
    int32_t lo[2];
    uint32_t len[2];
    memset(s, 0, sizeof *s);
    if (*left < sizeof h)
        return tw_err_set(err, TW_EUSAGE, "the statistics end inside a record");
    if (fread(h, sizeof h, 1, fp) != 1)
        return feof(fp) ? tw_err_set(err, TW_EUSAGE, "the statistics end inside a record")
                        : tw_err_set(err, TW_EIO, "checkpoint: cannot read the statistics: %s",
                                     strerror(errno));
    memcpy(u, h, sizeof u);
    memcpy(d, h + 40, sizeof d);
    memcpy(&lo[0], h + 72, 4);
    memcpy(&len[0], h + 76, 4);
    memcpy(&lo[1], h + 80, 4);
    memcpy(&len[1], h + 84, 4);
    *left -= sizeof h;
    if (!tw__store_fits(lo[0], len[0]) || !tw__store_fits(lo[1], len[1]))
        return tw_err_set(err, TW_EUSAGE,
                          "a statistics record has %" PRIu32 " and %" PRIu32
                          " bins (at most %d each)",
                          len[0], len[1], TW_SKETCH_MAX_BINS);
    uint64_t bytes = ((uint64_t)len[0] + len[1]) * sizeof(uint32_t);
    if (bytes > *left) return tw_err_set(err, TW_EUSAGE, "the statistics end inside a record");
    s->pos.lo = lo[0];
    s->pos.len = len[0];
    s->neg.lo = lo[1];
    s->neg.len = len[1];
    uint64_t binned = 0;
    bool ok = tw__store_read(&s->pos, fp, &binned) && tw__store_read(&s->neg, fp, &binned);
    if (!ok) {
        bool eof = feof(fp) != 0;
        tw_sketch_free(s);
        return eof ? tw_err_set(err, TW_EUSAGE, "the statistics end inside a record")
                   : tw_err_set(err, TW_EIO, "checkpoint: cannot read the statistics: %s",
                                strerror(errno));
    }
    *left -= bytes;
    /* Every value is a zero, an infinity or in one bin; min <= max is false for NaN. */
    bool sums = u[2] <= u[0] && u[3] <= u[0] - u[2] && u[4] <= u[0] - u[2] - u[3] &&
                binned == u[0] - u[2] - u[3] - u[4] && (u[0] == 0 || d[2] <= d[3]);
    if (!sums) {
        tw_sketch_free(s);
        return tw_err_set(err, TW_EUSAGE,
                          "a statistics record's counts do not add up to its %" PRIu64
                          " values",
                          u[0]);
    }
    s->n = u[0];
    s->n_nan = u[1];
    s->zeros = u[2];
    s->pinf = u[3];
    s->ninf = u[4];
    s->mean = d[0];
    s->m2 = d[1];
    s->min = d[2];
    s->max = d[3];
    return TW_OK;
}

/* --- moments (tw_stats.h) --- */

void tw_moments_add(tw_moments *m, double x) {
    m->n++;
    double d = x - m->mean;
    m->mean += d / (double)m->n;
    m->m2 += d * (x - m->mean);
}

double tw_moments_var(const tw_moments *m) {
    return m->n < 2 || !(m->m2 > 0.0) ? 0.0 : m->m2 / (double)(m->n - 1);
}

double tw_paired_halfwidth(const tw_moments *d) {
    if (d->n < 2) return NAN;
    double se = sqrt(tw_moments_var(d) / (double)d->n);
    return se == 0.0 ? 0.0 : gsl_cdf_tdist_Pinv(0.975, (double)(d->n - 1)) * se;
}

double tw_unpaired_halfwidth(const tw_moments *a, const tw_moments *b) {
    if (a->n < 2 || b->n < 2) return NAN;
    double va = tw_moments_var(a) / (double)a->n, vb = tw_moments_var(b) / (double)b->n;
    if (va + vb == 0.0) return 0.0;
    double df = (va + vb) * (va + vb) /
                (va * va / (double)(a->n - 1) + vb * vb / (double)(b->n - 1));
    return gsl_cdf_tdist_Pinv(0.975, df) * sqrt(va + vb);
}
