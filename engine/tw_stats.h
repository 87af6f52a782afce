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

#endif
