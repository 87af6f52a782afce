/* tw_mlmc.c - the multilevel Monte Carlo estimator and its plan (tw_mlmc.h). */
#include "tw_mlmc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

tw_status tw_mlmc_init(tw_mlmc *m, size_t n_levels, size_t n_q, const double *cost,
                       const bool *indicator, tw_err *err) {
    memset(m, 0, sizeof *m);
    if (n_levels < 1 || n_levels > TW_MLMC_MAX_LEVELS || n_q < 1)
        return tw_err_set(err, TW_EUSAGE, "multilevel: %zu levels of %zu quantities (1 to %d "
                                          "levels, at least one quantity)",
                          n_levels, n_q, TW_MLMC_MAX_LEVELS);
    for (size_t l = 0; l < n_levels; l++)
        if (!(cost[l] > 0.0) || isinf(cost[l]))
            return tw_err_set(err, TW_EUSAGE, "multilevel: level %zu has cost %g (expected a "
                                              "positive number)", l, cost[l]);
    m->n_levels = n_levels;
    m->n_q = n_q;
    memcpy(m->cost, cost, n_levels * sizeof *cost);
    m->indicator = calloc(n_q, sizeof *m->indicator);
    m->y = calloc(n_levels * n_q, sizeof *m->y);
    m->nonzero = calloc(n_levels * n_q, sizeof *m->nonzero);
    if (m->indicator == NULL || m->y == NULL || m->nonzero == NULL) {
        tw_mlmc_free(m);
        return tw_err_set(err, TW_ENOMEM, "out of memory for a multilevel estimator");
    }
    if (indicator != NULL) memcpy(m->indicator, indicator, n_q * sizeof *indicator);
    return TW_OK;
}

void tw_mlmc_free(tw_mlmc *m) {
    if (m == NULL) return;
    free(m->indicator);
    free(m->y);
    free(m->nonzero);
    memset(m, 0, sizeof *m);
}

static double zero_nan(double x) { return isnan(x) ? 0.0 : x; }

void tw_mlmc_add(tw_mlmc *m, size_t l, const double *fine, const double *coarse) {
    for (size_t q = 0; q < m->n_q; q++) {
        double y = zero_nan(fine[q]);
        if (l > 0) y -= zero_nan(coarse[q]);
        tw_moments_add(&m->y[l * m->n_q + q], y);
        if (y != 0.0) m->nonzero[l * m->n_q + q]++;
    }
}

uint64_t tw_mlmc_count(const tw_mlmc *m, size_t l) { return m->y[l * m->n_q].n; }

double tw_mlmc_var(const tw_mlmc *m, size_t l, size_t q) {
    const tw_moments *y = &m->y[l * m->n_q + q];
    double v = tw_moments_var(y);
    if (m->indicator[q]) {
        /* Y is in {0, 1} (l = 0) or {-1, 0, 1}: Var <= E[Y^2] = P(Y != 0), counted with one
         * pseudo-observation each way. */
        double laplace = ((double)m->nonzero[l * m->n_q + q] + 1.0) / ((double)y->n + 2.0);
        double bound = l == 0 ? laplace * (1.0 - laplace) : laplace;
        if (bound > v) v = bound;
    }
    return v;
}

void tw_mlmc_estimate_q(const tw_mlmc *m, size_t q, tw_mlmc_estimate *out) {
    double mean = 0.0, var = 0.0;
    bool few = false;
    for (size_t l = 0; l < m->n_levels; l++) {
        const tw_moments *y = &m->y[l * m->n_q + q];
        few |= y->n < 2;
        mean += y->n > 0 ? y->mean : NAN;
        var += y->n > 0 ? tw_mlmc_var(m, l, q) / (double)y->n : NAN;
    }
    out->mean = mean;
    out->halfwidth = few ? NAN : TW_MLMC_Z * sqrt(var);
    out->diff = 0.0;
    out->diff_halfwidth = 0.0;
    if (m->n_levels > 1) {
        size_t l = m->n_levels - 1;
        const tw_moments *y = &m->y[l * m->n_q + q];
        out->diff = y->n > 0 ? y->mean : NAN;
        out->diff_halfwidth = y->n < 2 ? NAN : TW_MLMC_Z * sqrt(tw_mlmc_var(m, l, q) / (double)y->n);
    }
}

void tw_mlmc_plan(const tw_mlmc *m, const double *target, uint64_t n_min, uint64_t *need) {
    for (size_t l = 0; l < m->n_levels; l++) {
        uint64_t have = tw_mlmc_count(m, l);
        need[l] = have > n_min ? have : n_min;
    }
    for (size_t q = 0; q < m->n_q; q++) {
        if (!(target[q] > 0.0)) continue;
        double sum = 0.0;
        for (size_t l = 0; l < m->n_levels; l++) sum += sqrt(tw_mlmc_var(m, l, q) * m->cost[l]);
        double k = (TW_MLMC_Z / target[q]) * (TW_MLMC_Z / target[q]) * sum;
        for (size_t l = 0; l < m->n_levels; l++) {
            double n = ceil(k * sqrt(tw_mlmc_var(m, l, q) / m->cost[l]));
            if (!(n < 1e15)) n = 1e15; /* a NaN or runaway plan asks for the most */
            if ((uint64_t)n > need[l]) need[l] = (uint64_t)n;
        }
    }
}

void tw_mlmc_next(const tw_mlmc *m, const double *target, uint64_t n_min, uint64_t *next) {
    tw_mlmc_plan(m, target, n_min, next);
    double spent = 0.0, more = 0.0;
    for (size_t l = 0; l < m->n_levels; l++) {
        uint64_t have = tw_mlmc_count(m, l);
        spent += (double)have * m->cost[l];
        more += (double)(next[l] - have) * m->cost[l];
    }
    if (!(more > spent) || !(spent > 0.0)) return;
    /* The plan's proportions, scaled to a round that costs what was spent so far. */
    double f = spent / more;
    for (size_t l = 0; l < m->n_levels; l++) {
        uint64_t have = tw_mlmc_count(m, l), floor_n = have < n_min ? n_min : have;
        uint64_t n = have + (uint64_t)ceil(f * (double)(next[l] - have));
        next[l] = n > floor_n ? n : floor_n;
    }
}
