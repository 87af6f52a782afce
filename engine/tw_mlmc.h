/* tw_mlmc.h - multilevel Monte Carlo (Giles 2008, "Multilevel Monte Carlo path
 * simulation"): many cheap replicates of a coarse model corrected by few coupled pairs of
 * finer ones.
 *
 * Levels 0 .. L-1 run the same model at increasing resolution (for tradewar: more firms
 * per cell); level L-1 is the model asked about. For a quantity Q (a mean, or a
 * probability as the mean of an indicator 0/1), level 0 samples Y_0 = Q_0 and level l > 0
 * samples the difference Y_l = Q_l - Q_{l-1} of a coupled pair: both halves run with the
 * same random numbers (the same seed and replicate key), so the difference is small and
 * has small variance. Samples of different levels are independent (each level has its own
 * keys). Then
 *     E[Q_{L-1}] = sum_l E[Y_l],  estimate = sum_l mean(Y_l),
 *     Var(estimate) = sum_l V_l / N_l,
 * which is unbiased for the finest level's mean whatever the coupling does; the coupling
 * only decides how small V_l is. The Monte Carlo error is the normal 95% half-width
 * 1.96 sqrt(sum V_l / N_l). The bias of the answer against the model at a finer
 * resolution than the finest level is not known; what is reported instead is mean(Y_{L-1})
 * with its own half-width, the difference the last refinement still made (the finest
 * level against the next), so a reader sees whether more firms would move the answer.
 *
 * Indicators: a sample of an indicator (or of a difference of two) that has only seen
 * 0s cannot say its variance is 0, so for quantities marked as indicators the variance
 * used for half-widths and for the plan is the larger of the sample variance and
 * E[Y^2] estimated with one pseudo-observation each way, (k + 1) / (n + 2) for k non-zero
 * values in n (a Laplace count); it tends to the sample variance bound as n grows.
 *
 * Quantiles are not multilevel estimates here: a quantile is not the mean of a fixed
 * function of one replicate, so the telescoping sum above does not apply. The caller
 * takes quantiles from the finest level's replicates alone.
 *
 * The plan (tw_mlmc_plan) is the optimum of Giles's paper for one quantity with target
 * half-width h: N_l = (z / h)^2 sqrt(V_l / C_l) sum_k sqrt(V_k C_k), C_l the cost of one
 * sample of level l (a pair costs both halves); over several quantities, the largest N_l
 * any one needs. Costs are given by the caller, not timed, so the plan depends only on
 * the samples and the same samples give the same plan on any machine.
 *
 * Samples are added in a fixed order (level by level, replicate by replicate), so equal
 * inputs give equal bits. Not thread-safe.
 */
#ifndef TW_MLMC_H
#define TW_MLMC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tw_error.h"
#include "tw_stats.h"

#define TW_MLMC_MAX_LEVELS 8
#define TW_MLMC_Z 1.959963984540054 /* the normal 0.975 quantile */

typedef struct {
    size_t n_levels, n_q;
    double cost[TW_MLMC_MAX_LEVELS]; /* cost of one sample of each level (a pair at l > 0) */
    bool *indicator;                 /* [n_q] */
    tw_moments *y;                   /* [n_levels * n_q]: Y_l of quantity q at l * n_q + q */
    uint64_t *nonzero;               /* [n_levels * n_q]: samples with Y_l != 0 */
} tw_mlmc;

/* One quantity's answer. */
typedef struct {
    double mean;           /* sum over levels of mean(Y_l) */
    double halfwidth;      /* 95% Monte Carlo half-width of mean */
    double diff;           /* mean(Y_{L-1}): the finest level against the next (0 if L == 1) */
    double diff_halfwidth; /* its 95% half-width (0 if L == 1) */
} tw_mlmc_estimate;

/* Set up n_levels (1 .. TW_MLMC_MAX_LEVELS) levels of n_q quantities, costs cost[l] > 0,
 * indicator[q] (NULL: none are). TW_EUSAGE on bad sizes, TW_ENOMEM. *m is owned by the
 * caller (tw_mlmc_free). */
tw_status tw_mlmc_init(tw_mlmc *m, size_t n_levels, size_t n_q, const double *cost,
                       const bool *indicator, tw_err *err);
void tw_mlmc_free(tw_mlmc *m);

/* Add one sample of level l: fine[q] = Q_l, coarse[q] = Q_{l-1} (unused at l = 0). A NaN
 * value counts as 0 ("did not happen"), as a probability's indicator reads it. */
void tw_mlmc_add(tw_mlmc *m, size_t l, const double *fine, const double *coarse);

/* Samples so far at level l. */
uint64_t tw_mlmc_count(const tw_mlmc *m, size_t l);
/* The variance of Y_l of quantity q used for half-widths and plans (see above). */
double tw_mlmc_var(const tw_mlmc *m, size_t l, size_t q);
/* The answer for quantity q; every level needs 2 samples or more, else NaN half-widths. */
void tw_mlmc_estimate_q(const tw_mlmc *m, size_t q, tw_mlmc_estimate *out);

/* The samples each level needs (need[l], at least n_min and at least what it has) so that
 * every quantity q with target[q] > 0 reaches a 95% half-width of target[q], by the
 * optimum above; quantities with target[q] <= 0 or NaN are not planned for. */
void tw_mlmc_plan(const tw_mlmc *m, const double *target, uint64_t n_min, uint64_t *need);

/* The next round of an adaptive run: the plan, but a round costs at most what the samples
 * so far cost (the plan's proportions scaled down), since the variances of a few samples
 * (and the Laplace counts above) are rough and an early plan overshoots. next[l] >= the
 * samples level l has (and >= n_min); the run is done when next equals what every level
 * has. */
void tw_mlmc_next(const tw_mlmc *m, const double *target, uint64_t n_min, uint64_t *next);

#endif
