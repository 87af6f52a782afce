/* tw_score.h - scores of an ensemble forecast against one observed value.
 *
 * An ensemble is the m values a batch gives for one quantity, one per replicate, sorted
 * ascending by the caller (gsl_sort) and free of NaN; its quantiles are tw_stats.h's
 * tw_quantile_sorted. With them these are the building blocks of `tradewar score` and
 * `tradewar hindcast`: the continuous ranked probability score of the ensemble's empirical
 * distribution, the probability integral transform, and the Brier and log scores of a
 * probability of a 0/1 outcome. All are pure and thread-safe and allocate nothing.
 */
#ifndef TW_SCORE_H
#define TW_SCORE_H

#include <stddef.h>

/* CRPS of the ensemble's empirical distribution at y, exactly
 *     mean_i |x_i - y| - 1/2 mean_ij |x_i - x_j|,
 * in O(m) on a sorted ensemble (the double sum is sum_i (2i - m - 1) x_(i) / m^2 for the
 * order statistics x_(1..m)), with compensated sums. m >= 1. Values near the largest
 * double are scaled by a power of two first, so the result is finite whenever it is
 * representable (y = 1e308 against members near 0 scores 1e308, not inf or nan). */
double tw_score_crps(const double *sorted, size_t m, double y);

/* Randomised PIT of y: (#{x_i < y} + v (#{x_i == y} + 1)) / (m + 1) for v in (0, 1). When
 * y and the m members are exchangeable (y drawn from the run's own distribution) it is
 * uniform on (0, 1), ties included. m >= 1. */
double tw_score_pit(const double *sorted, size_t m, double y, double v);

/* The Brier score (p - y)^2 of the probability p of a 0/1 outcome y. */
double tw_score_brier(double p, double y);

/* The log score -ln(probability given to what happened) of the probability p of a 0/1
 * outcome y, with that probability kept inside [floor, 1 - floor] (floor 0: as it is). An
 * ensemble of m members passes 1/(2m): one that never saw what happened says "less than
 * one in m", not "impossible", and an infinite score would drown every other. */
double tw_score_log01(double p, double y, double floor);

/* The power of two to divide values of magnitude up to maxabs by before summing terms of
 * them, so that no sum can overflow: 1 for all but values near the largest double (the
 * division is then exact, and so the scaled sum times the scale equals the plain sum). */
double tw_score_scale(double maxabs, double terms);

#endif
