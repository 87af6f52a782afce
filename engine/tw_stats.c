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

static double sketch_gamma(void) { return (1.0 + TW_SKETCH_ALPHA) / (1.0 - TW_SKETCH_ALPHA); }

/* Bin indices are clamped to this range, so infinities and denormals land in the end
 * bins instead of overflowing the index. */
#define SKETCH_INDEX_MAX 100000

static int32_t sketch_index(double mag) {
    double i = ceil(log(mag) / log(sketch_gamma()));
    if (!(i > -SKETCH_INDEX_MAX)) return -SKETCH_INDEX_MAX;
    if (i > SKETCH_INDEX_MAX) return SKETCH_INDEX_MAX;
    return (int32_t)i;
}

static double sketch_value(int32_t i) {
    double g = sketch_gamma();
    return 2.0 * pow(g, (double)i) / (g + 1.0);
}

/* Count one value in bin i, growing the bin range; past TW_SKETCH_MAX_BINS the lowest
 * bins are merged into the lowest one kept. */
static tw_status store_add(tw_sketch_store *st, int32_t i, tw_err *err) {
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
        st = store_add(&s->pos, sketch_index(x), err);
    else if (x < 0.0)
        st = store_add(&s->neg, sketch_index(-x), err);
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
static double sketch_rank(const tw_sketch *s, uint64_t k) {
    uint64_t cum = s->ninf;
    if (k < cum) return -INFINITY;
    for (uint32_t j = s->neg.len; j-- > 0;) {
        cum += s->neg.c[j];
        if (k < cum) return -sketch_value(s->neg.lo + (int32_t)j);
    }
    cum += s->zeros;
    if (k < cum) return 0.0;
    for (uint32_t j = 0; j < s->pos.len; j++) {
        cum += s->pos.c[j];
        if (k < cum) return sketch_value(s->pos.lo + (int32_t)j);
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
    double a = sketch_rank(s, lo);
    double v = a;
    if (frac > 0.0 && !isinf(a)) {
        double b = sketch_rank(s, lo + 1);
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

/* --- the checkpoint record (tw_stats.h) --- */

/* Flags of a record's first byte. */
enum {
    REC_NAN = 1, REC_ZEROS = 2, REC_PINF = 4, REC_NINF = 8, /* counts that follow */
    REC_CONST = 16, /* one double follows: min = max = mean, m2 = 0 */
    REC_NODBL = 32  /* no double follows: all four are +0.0 */
};

static size_t put_varint(unsigned char *p, uint64_t v) {
    size_t n = 0;
    while (v >= 0x80) {
        p[n++] = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    p[n++] = (unsigned char)v;
    return n;
}

/* One bin array: zigzag lo, len, the count of non-zero bins, then (gap, count) of each. */
static size_t put_store(unsigned char *p, const tw_sketch_store *st) {
    int64_t lo = st->len > 0 ? st->lo : 0;
    size_t n = put_varint(p, ((uint64_t)lo << 1) ^ (lo < 0 ? UINT64_MAX : 0));
    n += put_varint(p + n, st->len);
    uint64_t nz = 0;
    for (uint32_t k = 0; k < st->len; k++) nz += st->c[k] != 0;
    n += put_varint(p + n, nz);
    int64_t prev = -1;
    for (uint32_t k = 0; k < st->len; k++) {
        if (st->c[k] == 0) continue;
        n += put_varint(p + n, (uint64_t)((int64_t)k - prev - 1));
        n += put_varint(p + n, st->c[k]);
        prev = k;
    }
    return n;
}

static bool same_bits(double a, double b) { return memcmp(&a, &b, sizeof a) == 0; }

/* Encode s into p (at least TW_SKETCH_RECORD_MAX bytes); the record's length. */
static size_t encode(const tw_sketch *s, unsigned char *p) {
    uint64_t u[4] = {s->n_nan, s->zeros, s->pinf, s->ninf};
    unsigned flags = 0;
    for (int k = 0; k < 4; k++) flags |= u[k] != 0 ? 1u << k : 0u;
    double d[4] = {s->mean, s->m2, s->min, s->max};
    if (same_bits(d[0], 0.0) && same_bits(d[1], 0.0) && same_bits(d[2], 0.0) &&
        same_bits(d[3], 0.0))
        flags |= REC_NODBL;
    else if (same_bits(d[0], d[2]) && same_bits(d[3], d[2]) && same_bits(d[1], 0.0))
        flags |= REC_CONST;
    size_t n = 0;
    p[n++] = (unsigned char)flags;
    n += put_varint(p + n, s->n);
    for (int k = 0; k < 4; k++)
        if (u[k] != 0) n += put_varint(p + n, u[k]);
    size_t nd = flags & REC_NODBL ? 0 : flags & REC_CONST ? 1 : 4;
    if (nd == 1) d[0] = d[2];
    memcpy(p + n, d, nd * sizeof(double));
    n += nd * sizeof(double);
    n += put_store(p + n, &s->pos);
    n += put_store(p + n, &s->neg);
    return n;
}

size_t tw_sketch_record_bytes(const tw_sketch *s) {
    unsigned char buf[TW_SKETCH_RECORD_MAX];
    return encode(s, buf);
}

tw_status tw_sketch_save(const tw_sketch *s, FILE *fp, uint32_t *crc, tw_err *err) {
    unsigned char buf[TW_SKETCH_RECORD_MAX];
    size_t n = encode(s, buf);
    if (fwrite(buf, 1, n, fp) != n)
        return tw_err_set(err, TW_EIO, "checkpoint: write failed: %s", strerror(errno));
    if (crc != NULL) *crc = tw_crc32c(*crc, buf, n);
    return TW_OK;
}

/* Reading a record within *left bytes: bad is set on the first byte past it or past the
 * file (a damaged record), io on a read error. */
typedef struct {
    FILE *fp;
    uint64_t *left;
    bool bad, io;
} reader;

static bool get(reader *r, void *p, size_t n) {
    if (r->bad || r->io) return false;
    if (*r->left < n) {
        r->bad = true;
        return false;
    }
    if (n > 0 && fread(p, 1, n, r->fp) != n) {
        if (ferror(r->fp)) r->io = true;
        else r->bad = true;
        return false;
    }
    *r->left -= n;
    return true;
}

static uint64_t get_varint(reader *r) {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        unsigned char c;
        if (!get(r, &c, 1)) return 0;
        v |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80)) return v;
    }
    r->bad = true; /* more than 10 bytes */
    return 0;
}

static bool store_fits(int64_t lo, uint64_t len) {
    return len <= TW_SKETCH_MAX_BINS &&
           (len == 0 || (lo >= -SKETCH_INDEX_MAX &&
                         lo + (int64_t)len - 1 <= SKETCH_INDEX_MAX));
}

/* One bin array, refused (r->bad) past its bounds before anything is allocated; the sum
 * of its counts, each at most n, goes to *total. */
static bool get_store(reader *r, tw_sketch_store *st, uint64_t n, uint64_t *total) {
    uint64_t z = get_varint(r);
    int64_t lo = (int64_t)(z >> 1) ^ -(int64_t)(z & 1);
    uint64_t len = get_varint(r), nz = get_varint(r);
    if (r->bad || r->io) return false;
    if (!store_fits(lo, len) || nz > len) {
        r->bad = true;
        return false;
    }
    if (len == 0) return true;
    st->c = calloc(len, sizeof *st->c);
    if (st->c == NULL) return false;
    st->lo = (int32_t)lo;
    st->len = st->cap = (uint32_t)len;
    int64_t at = -1;
    for (uint64_t k = 0; k < nz; k++) {
        uint64_t gap = get_varint(r), c = get_varint(r);
        if (r->bad || r->io) return false;
        if (gap >= len || (uint64_t)(at + 1) + gap >= len || c == 0 || c > n || *total > n - c) {
            r->bad = true;
            return false;
        }
        at += 1 + (int64_t)gap;
        st->c[at] = (uint32_t)c;
        *total += c;
    }
    return true;
}

tw_status tw_sketch_load(tw_sketch *s, FILE *fp, uint64_t *left, tw_err *err) {
    memset(s, 0, sizeof *s);
    reader r = {fp, left, false, false};
    unsigned char flags = 0;
    get(&r, &flags, 1);
    uint64_t n = get_varint(&r), u[4] = {0, 0, 0, 0};
    for (int k = 0; k < 4; k++)
        if (flags >> k & 1u) u[k] = get_varint(&r);
    double d[4] = {0.0, 0.0, 0.0, 0.0};
    if ((flags & REC_CONST) && !(flags & REC_NODBL)) {
        get(&r, &d[2], sizeof(double));
        d[0] = d[3] = d[2];
    } else if (!(flags & (REC_CONST | REC_NODBL))) {
        get(&r, d, sizeof d);
    }
    if (flags >= 64 || (flags & REC_CONST && flags & REC_NODBL)) r.bad = true;
    uint64_t binned = 0;
    bool ok = !r.bad && !r.io && get_store(&r, &s->pos, n, &binned) &&
              get_store(&r, &s->neg, n, &binned);
    if (!ok) {
        bool io = r.io, bad = r.bad;
        tw_sketch_free(s);
        memset(s, 0, sizeof *s);
        if (io)
            return tw_err_set(err, TW_EIO, "checkpoint: cannot read the statistics: %s",
                              strerror(errno));
        if (!bad) return tw_err_set(err, TW_ENOMEM, "out of memory");
        return tw_err_set(err, TW_EUSAGE, "a statistics record is damaged or ends early");
    }
    /* Every value is a zero, an infinity or in one bin; min <= max is false for NaN. */
    bool sums = u[1] <= n && u[2] <= n - u[1] && u[3] <= n - u[1] - u[2] &&
                binned == n - u[1] - u[2] - u[3] && (n == 0 || d[2] <= d[3]);
    if (!sums) {
        tw_sketch_free(s);
        memset(s, 0, sizeof *s);
        return tw_err_set(err, TW_EUSAGE,
                          "a statistics record's counts do not add up to its %" PRIu64
                          " values",
                          n);
    }
    s->n = n;
    s->n_nan = u[0];
    s->zeros = u[1];
    s->pinf = u[2];
    s->ninf = u[3];
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
