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

/* A store's bins in ascending order of index, slots 0 .. store_slots - 1 (a dense store's
 * slots include its empty bins). */
static uint32_t store_slots(const tw_sketch_store *st) { return st->nz > 0 ? st->nz : st->len; }
static int32_t slot_index(const tw_sketch_store *st, uint32_t k) {
    return st->lo + (int32_t)(st->nz > 0 ? st->c[2 * k] : k);
}
static uint32_t slot_count(const tw_sketch_store *st, uint32_t k) {
    return st->nz > 0 ? st->c[2 * k + 1] : st->c[k];
}

typedef struct {
    int32_t i;
    uint32_t c;
} sketch_bin;

/* Pairs a sparse store of m bins allocates: a power of two, at least 4. */
static uint32_t sparse_pairs(uint32_t m) {
    uint32_t p = 4;
    while (p < m) p *= 2;
    return p;
}

/* Replace st's bins with b[0 .. m) (ascending, non-zero counts), held dense when that takes
 * no more bytes than sparse (tw_stats.h). TW_ENOMEM leaves st unchanged. */
static tw_status store_set(tw_sketch_store *st, const sketch_bin *b, uint32_t m, tw_err *err) {
    uint32_t len = m > 0 ? (uint32_t)(b[m - 1].i - b[0].i + 1) : 0;
    uint32_t pairs = sparse_pairs(m);
    bool sparse = m > 0 && 2 * pairs < len;
    uint32_t cap = sparse ? 2 * pairs : len;
    uint32_t *c = NULL;
    if (cap > 0 && (c = calloc(cap, sizeof *c)) == NULL)
        return tw_err_set(err, TW_ENOMEM, "out of memory in a quantile sketch");
    for (uint32_t k = 0; k < m; k++) {
        uint32_t off = (uint32_t)(b[k].i - b[0].i);
        if (sparse) {
            c[2 * k] = off;
            c[2 * k + 1] = b[k].c;
        } else {
            c[off] = b[k].c;
        }
    }
    free(st->c);
    st->c = c;
    st->cap = cap;
    st->nz = sparse ? m : 0;
    st->lo = m > 0 ? b[0].i : 0;
    st->len = len;
    return TW_OK;
}

/* Append count c of bin i to b[0 .. *m), adding it to the last bin when that is bin i. */
static void bins_push(sketch_bin *b, uint32_t *m, int32_t i, uint32_t c) {
    if (*m > 0 && b[*m - 1].i == i) b[*m - 1].c += c;
    else b[(*m)++] = (sketch_bin){i, c};
}

/* Count one value in bin i by rebuilding the store: the range grows to take i and, past
 * TW_SKETCH_MAX_BINS, the lowest bins are merged into the lowest one kept. */
static tw_status store_rebuild(tw_sketch_store *st, int32_t i, tw_err *err) {
    sketch_bin b[TW_SKETCH_MAX_BINS + 1];
    int64_t lo = st->len > 0 ? st->lo : i, hi = st->len > 0 ? (int64_t)st->lo + st->len - 1 : i;
    int64_t nlo = i < lo ? i : lo, nhi = i > hi ? i : hi;
    if (nhi - nlo + 1 > TW_SKETCH_MAX_BINS) nlo = nhi - TW_SKETCH_MAX_BINS + 1;
    int32_t at = (int32_t)(i < nlo ? nlo : i);
    uint32_t m = 0, n = store_slots(st);
    bool put = false;
    for (uint32_t k = 0; k < n; k++) {
        uint32_t c = slot_count(st, k);
        if (c == 0) continue;
        int32_t j = slot_index(st, k);
        j = j < nlo ? (int32_t)nlo : j;
        if (!put && at <= j) {
            bins_push(b, &m, at, 1);
            put = true;
        }
        bins_push(b, &m, j, c);
    }
    if (!put) bins_push(b, &m, at, 1);
    return store_set(st, b, m, err);
}

/* Count one value in bin i (the merge rule of tw_stats.h). */
static tw_status store_add(tw_sketch_store *st, int32_t i, tw_err *err) {
    if (st->len == 0 || i < st->lo || i >= st->lo + (int32_t)st->len)
        return store_rebuild(st, i, err);
    uint32_t off = (uint32_t)(i - st->lo);
    if (st->nz == 0) {
        st->c[off]++;
        return TW_OK;
    }
    uint32_t a = 0, z = st->nz; /* the first pair at or past off */
    while (a < z) {
        uint32_t mid = a + (z - a) / 2;
        if (st->c[2 * mid] < off) a = mid + 1;
        else z = mid;
    }
    if (a < st->nz && st->c[2 * a] == off) {
        st->c[2 * a + 1]++;
        return TW_OK;
    }
    if (2 * (st->nz + 1) > st->cap) return store_rebuild(st, i, err);
    memmove(st->c + 2 * a + 2, st->c + 2 * a, 2 * (st->nz - a) * sizeof *st->c);
    st->c[2 * a] = off;
    st->c[2 * a + 1] = 1;
    st->nz++;
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
    for (uint32_t j = store_slots(&s->neg); j-- > 0;) {
        cum += slot_count(&s->neg, j);
        if (k < cum) return -sketch_value(slot_index(&s->neg, j));
    }
    cum += s->zeros;
    if (k < cum) return 0.0;
    for (uint32_t j = 0, n = store_slots(&s->pos); j < n; j++) {
        cum += slot_count(&s->pos, j);
        if (k < cum) return sketch_value(slot_index(&s->pos, j));
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

static size_t store_bytes(const tw_sketch_store *st) {
    return st->c != NULL ? st->cap * sizeof *st->c + TW_SKETCH_ALLOC_SLACK : 0;
}

size_t tw_sketch_bytes(const tw_sketch *s) {
    return sizeof *s + store_bytes(&s->pos) + store_bytes(&s->neg);
}

/* The most one sign's store holds with at most k values in it (tw_stats.h). */
static size_t store_bound(uint64_t k) {
    if (k == 0) return 0;
    uint32_t m = k < TW_SKETCH_MAX_BINS ? (uint32_t)k : TW_SKETCH_MAX_BINS;
    size_t sparse = 2 * sparse_pairs(m) * sizeof(uint32_t);
    size_t dense = TW_SKETCH_MAX_BINS * sizeof(uint32_t);
    return (sparse < dense ? sparse : dense) + TW_SKETCH_ALLOC_SLACK;
}

size_t tw_sketch_bound_bytes(uint64_t n) {
    /* all n values on one side of zero, or some on each side (at most n - 1 each) */
    size_t one = store_bound(n), two = n >= 2 ? 2 * store_bound(n - 1) : 0;
    return sizeof(tw_sketch) + (one > two ? one : two);
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
    uint32_t slots = store_slots(st);
    uint64_t nz = 0;
    for (uint32_t k = 0; k < slots; k++) nz += slot_count(st, k) != 0;
    n += put_varint(p + n, nz);
    int64_t prev = -1;
    for (uint32_t k = 0; k < slots; k++) {
        uint32_t c = slot_count(st, k);
        if (c == 0) continue;
        int64_t at = (int64_t)slot_index(st, k) - lo;
        n += put_varint(p + n, (uint64_t)(at - prev - 1));
        n += put_varint(p + n, c);
        prev = at;
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

/* One bin array, refused (r->bad) past its bounds, or when its first and last bins are not
 * at lo and lo + len - 1 (as every saved store has them), before anything is allocated; the
 * sum of its counts, each at most n, goes to *total. It is held as tw_sketch_add would hold
 * it (store_set). */
static bool get_store(reader *r, tw_sketch_store *st, uint64_t n, uint64_t *total) {
    uint64_t z = get_varint(r);
    int64_t lo = (int64_t)(z >> 1) ^ -(int64_t)(z & 1);
    uint64_t len = get_varint(r), nz = get_varint(r);
    if (r->bad || r->io) return false;
    if (!store_fits(lo, len) || nz > len || (nz == 0) != (len == 0)) {
        r->bad = true;
        return false;
    }
    if (len == 0) return true;
    sketch_bin b[TW_SKETCH_MAX_BINS];
    int64_t at = -1;
    for (uint64_t k = 0; k < nz; k++) {
        uint64_t gap = get_varint(r), c = get_varint(r);
        if (r->bad || r->io) return false;
        if (gap >= len || (uint64_t)(at + 1) + gap >= len || (k == 0 && gap != 0) || c == 0 ||
            c > n || *total > n - c) {
            r->bad = true;
            return false;
        }
        at += 1 + (int64_t)gap;
        b[k] = (sketch_bin){(int32_t)(lo + at), (uint32_t)c};
        *total += c;
    }
    if ((uint64_t)at != len - 1) {
        r->bad = true;
        return false;
    }
    return store_set(st, b, (uint32_t)nz, NULL) == TW_OK;
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
