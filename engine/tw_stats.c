/* tw_stats.c - mean, standard deviation and quantiles across replicates (tw_stats.h). */
#include "tw_stats.h"

#include <math.h>
#include <string.h>

#include <gsl/gsl_sort.h>

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
