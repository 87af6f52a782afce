/* tw_stats.h - statistics across replicates, computed in replicate order.
 *
 * The summary of a cell is taken over its values in replicate order with a fixed
 * algorithm (two-pass mean and sample standard deviation; quantiles by linear
 * interpolation between order statistics, "type 7" as in R's default and numpy's
 * "linear"), so equal inputs give equal bits.
 */
#ifndef TW_STATS_H
#define TW_STATS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tw_error.h"

#define TW_N_QUANTILES 3
extern const double tw_quantile_probs[TW_N_QUANTILES]; /* 0.05, 0.50, 0.95 */
extern const char *const tw_quantile_names[TW_N_QUANTILES]; /* "p05", "p50", "p95" */

typedef struct {
    double mean, sd;               /* sd: sample (n - 1); 0 when n == 1 */
    double q[TW_N_QUANTILES];
} tw_summary;

/* Summarise x[0..n-1] (n >= 1). scratch holds n doubles (it is overwritten). */
void tw_summarise(const double *x, size_t n, double *scratch, tw_summary *out);

/* Quantile p in [0, 1] of sorted[0..n-1] (ascending), type 7. */
double tw_quantile_sorted(const double *sorted, size_t n, double p);

/* --- running moments and paired differences ---
 *
 * tw_moments is Welford's update (count, mean, sum of squared deviations), added to in a
 * fixed order so equal inputs give equal bits. */
typedef struct {
    uint64_t n;
    double mean, m2;
} tw_moments;
void tw_moments_add(tw_moments *m, double x);
double tw_moments_var(const tw_moments *m); /* sample variance; 0 when n < 2 */

/* 95% confidence half-widths of a mean difference B - A from n pairs: paired (the
 * differences' t interval, df n - 1) and unpaired (Welch's interval, as if the two
 * samples were independent, Welch-Satterthwaite df). NaN when n < 2. */
double tw_paired_halfwidth(const tw_moments *d);
double tw_unpaired_halfwidth(const tw_moments *a, const tw_moments *b);

/* --- streaming statistics ---
 *
 * A batch of 10^6 replicates cannot keep 10^6 trajectories in memory, so each summary
 * cell keeps a tw_sketch: running moments (Welford's update: count, mean, sum of squared
 * deviations, min, max) and a quantile sketch of fixed log-spaced bins. Values are added
 * one replicate at a time in replicate order, so the same replicates give the same bits
 * whatever thread or rank computed them and however the batch was cut into chunks or
 * checkpoints. NaN means "did not happen" and is skipped (counted in n_nan).
 *
 * Quantile accuracy: a value x != 0 falls in bin i = ceil(log|x| / log g), g = (1 + a) /
 * (1 - a), a = TW_SKETCH_ALPHA, and the bin reports 2 g^i / (g + 1), which is within
 * relative error a of every value in the bin. tw_sketch_quantile(p) interpolates, as
 * type 7 does, between the estimates of the order statistics at ranks floor(h) and
 * ceil(h), h = p (n - 1), and clamps to [min, max]; so it differs from the exact type-7
 * quantile by at most a * max(|x_floor(h)|, |x_ceil(h)|) (relative error a when the two
 * share a sign). Zeros are counted exactly. A sign keeps at most TW_SKETCH_MAX_BINS bins,
 * from its largest bin down: past that the bins of smallest magnitude are merged, which loses
 * accuracy only for values 2048 bins (a factor g^2048 = e^20.5) below the largest.
 *
 * Memory bound: a sign's bins are held dense (one counter per bin from the lowest to the
 * highest bin hit, at most TW_SKETCH_MAX_BINS) or sparse (sorted (bin, count) pairs, room
 * for a power of two of them, at least 4), whichever takes fewer bytes, chosen again each
 * time the bins are reallocated; which way they are held changes no count, quantile or
 * record. A sign that has received k values holds at most min(k, TW_SKETCH_MAX_BINS)
 * non-empty bins, so a sketch of at most n values holds at most tw_sketch_bound_bytes(n):
 * the struct and per sign min(8 * pow2(max(4, min(k, 2048))), 4 * 2048) bytes plus
 * TW_SKETCH_ALLOC_SLACK for the allocator (k <= n for one sign, k <= n - 1 for each of
 * two). Two values 2,047 bins apart take a few dozen bytes, not 8 KiB; a sign holds its
 * full 8 KiB only with more than 512 distinct bins, so only sketches of more than 512
 * values reach TW_SKETCH_MAX_BYTES (pow2(m): the least power of two >= m). While a store
 * is reallocated its old and new arrays live together for a moment, so a set of sketches
 * updated one at a time peaks at the sum of their bounds plus TW_SKETCH_GROW_BYTES: the sum
 * that a run is refused by before it starts (tw_run_check_memory, with n its replicates).
 * Infinite values count in n and rank at the ends; with any of them the mean is that
 * infinity (NaN when both signs occur) and sd is NaN, while quantiles away from them keep
 * their accuracy. Welford's update runs over the finite values.
 */
#define TW_SKETCH_ALPHA 0.005
#define TW_SKETCH_MAX_BINS 2048
/* What the allocator may take past an array's bytes (glibc: an 8-byte header, rounding up
 * to 16, at least 32 bytes a chunk, and up to 16 bytes more where the rest of a free chunk
 * is too small to split off). */
#define TW_SKETCH_ALLOC_SLACK 48
#define TW_SKETCH_GROW_BYTES (TW_SKETCH_MAX_BINS * sizeof(uint32_t) + TW_SKETCH_ALLOC_SLACK)
#define TW_SKETCH_MAX_BYTES (sizeof(tw_sketch) + 2 * TW_SKETCH_GROW_BYTES)

/* One sign's bins (tw_stats.c). Counts fit uint32_t: replicates are at most
 * TW_MAX_REPLICATES < 2^32. */
typedef struct {
    int32_t lo;   /* the lowest bin held (its count is not zero) */
    uint32_t len; /* bins from lo to the highest held (not zero either); 0: empty */
    uint32_t cap; /* uint32_t words allocated at c */
    uint32_t nz;  /* 0: dense, c[k] counts bin lo + k (k < len); else sparse: nz pairs
                   * c[2j] = bin - lo (ascending), c[2j + 1] = its count */
    uint32_t *c;
} tw_sketch_store;

typedef struct {
    uint64_t n;     /* values added, NaN excluded */
    uint64_t n_nan; /* NaN values skipped */
    double mean, m2, min, max;
    uint64_t zeros;
    uint64_t pinf, ninf;      /* +inf and -inf values: ranked at the ends, never binned */
    tw_sketch_store pos, neg; /* bins of x > 0 and of |x| for x < 0 */
} tw_sketch;

/* A zeroed tw_sketch is empty and valid; tw_sketch_free releases its bins. */
void tw_sketch_free(tw_sketch *s);
/* Add x (NaN is counted in n_nan and otherwise ignored). TW_ENOMEM if a bin array
 * cannot grow (the sketch is unchanged). Not thread-safe on one sketch. */
tw_status tw_sketch_add(tw_sketch *s, double x, tw_err *err);
/* Sample standard deviation (n - 1); 0 when n == 1, NaN when n == 0. */
double tw_sketch_sd(const tw_sketch *s);
/* Mean; NaN when n == 0. */
double tw_sketch_mean(const tw_sketch *s);
/* Quantile p in [0, 1] with the accuracy stated above; NaN when n == 0. */
double tw_sketch_quantile(const tw_sketch *s, double p);
/* Fill a tw_summary (mean, sd, TW_N_QUANTILES quantiles) from a sketch. */
void tw_sketch_summary(const tw_sketch *s, tw_summary *out);
/* The bytes s holds: the struct and its bin arrays, each with TW_SKETCH_ALLOC_SLACK. */
size_t tw_sketch_bytes(const tw_sketch *s);
/* The most tw_sketch_bytes is for a sketch given at most n values (memory bound above). */
size_t tw_sketch_bound_bytes(uint64_t n);

/* Binary save and load (for checkpoints). A sketch's record holds what a resume needs
 * and no more: a flags byte (bits 0-3: n_nan, zeros, pinf, ninf are not zero and follow;
 * bit 4: one double follows, the sketch's min, which is also its max and mean, m2 being
 * 0; bit 5: no double follows, all four being +0.0), n as an unsigned LEB128 varint, the
 * flagged counts (varints), mean, m2, min, max (doubles in the byte order of the machine,
 * which reads its own checkpoints; as the flags say), then pos and neg each as lo (a
 * zigzag varint), len, the number of non-zero bins, and for each of those the gap from
 * the previous one and its count (varints). Most cells of a batch hold one value, or a few
 * bins in a wide range: a few dozen bytes, not 88 plus 4 per bin of the range.
 *
 * tw_sketch_record_bytes: the size of s's record, at most TW_SKETCH_RECORD_MAX.
 * tw_sketch_save writes it and, with crc not NULL, continues the CRC-32C *crc over the
 * bytes written (TW_EIO on a write error). tw_sketch_load replaces *s (which must be
 * empty) with a record of at most *left bytes and subtracts what it read from *left; it
 * refuses (TW_EUSAGE, *s left empty) a record that does not fit in *left, unknown flags,
 * a bin array longer than TW_SKETCH_MAX_BINS or outside the index range, a bin past its
 * array, a zero count, and counts that do not add up (zeros, infinities and bins against
 * n), so nothing is allocated past the bound whatever the bytes say. */
#define TW_SKETCH_RECORD_MAX (1 + 5 * 10 + 32 + 2 * (3 * 10 + 2 * TW_SKETCH_MAX_BINS * 10))
size_t tw_sketch_record_bytes(const tw_sketch *s);
tw_status tw_sketch_save(const tw_sketch *s, FILE *fp, uint32_t *crc, tw_err *err);
tw_status tw_sketch_load(tw_sketch *s, FILE *fp, uint64_t *left, tw_err *err);

#endif
