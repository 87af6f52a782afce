/* tw_sweep.h - parameter sweeps: the design points of a scenario's `sweep:` section and
 * first-order sensitivity indices over them.
 *
 *   sweep:
 *     design: grid            # grid | random | sobol | lhs (Latin hypercube)
 *     points: 32              # random, sobol, lhs: number of points (grid: the product)
 *     seed: 7                 # random, lhs: the design's own seed (default: the run's)
 *     parameters:
 *       - key: model.pass_through   # any scalar key, addressed as --set addresses it
 *         values: [0.6, 0.8, 1.0]    # grid
 *       - key: firms.per_cell
 *         min: 100                  # random, sobol, lhs: uniform over [min, max]
 *         max: 400
 *         integer: true             # round to the nearest integer
 *     outcomes: [welfare_us_end_pct]  # outcomes to compute indices for (default: all)
 *
 * Grid points enumerate the values with the first parameter slowest. Random and Latin
 * hypercube points draw from the engine's Philox streams keyed by the sweep seed, so a
 * design is the same on every machine; Sobol points are GSL's gsl_qrng_sobol sequence
 * from its first point (at most 40 parameters).
 *
 * First-order index of parameter j for an outcome y (one value per point, the mean over
 * the point's replicates): S_j = Var(E[y | x_j]) / Var(y), estimated by grouping the
 * points (grid: by the value of x_j, which is exact for a full factorial design; other
 * designs: into floor(sqrt(N)) bins of consecutive x_j ranks) and taking the
 * size-weighted variance of the group means over the population variance of y. With few
 * points per bin the estimate is biased upwards by the noise of the bin means. NaN when y
 * does not vary.
 *
 * Thread-safety: a loaded tw_sweep is read-only; tw_sweep_first_order may run
 * concurrently on one sweep.
 */
#ifndef TW_SWEEP_H
#define TW_SWEEP_H

#include <stddef.h>
#include <stdint.h>

#include "tw_config.h"
#include "tw_error.h"

#define TW_SWEEP_MAX_PARAMS 40
#define TW_SWEEP_MAX_POINTS 100000
#define TW_SWEEP_MAX_VALUES 1000

typedef enum { TW_SWEEP_GRID, TW_SWEEP_RANDOM, TW_SWEEP_SOBOL, TW_SWEEP_LHS } tw_sweep_design;

typedef struct {
    const char *key;  /* the scenario key, e.g. "model.pass_through" (owned by the cfg) */
    size_t n_values;  /* grid */
    double *values;   /* [n_values] grid values */
    double min, max;  /* other designs */
    int integer;      /* round the value */
} tw_sweep_param;

typedef struct {
    tw_sweep_design design;
    uint32_t seed;
    size_t n_params, n_points;
    tw_sweep_param p[TW_SWEEP_MAX_PARAMS];
    double *x;                /* [n_points][n_params] the design */
    size_t *level;            /* grid: [n_points][n_params] value index of each point */
    size_t n_outcomes;        /* 0: all of the model's */
    const char **outcomes;    /* [n_outcomes] names (owned by the cfg) */
    const void *outcomes_node; /* the outcomes node, to locate errors */
} tw_sweep;

/* Read root's `sweep:` section. *out is NULL when there is none (TW_OK); otherwise the
 * caller frees it with tw_sweep_free. Errors are TW_ECONFIG at the offending key. */
tw_status tw_sweep_load(const tw_cfg_node *root, uint32_t default_seed, tw_sweep **out,
                        tw_err *err);
void tw_sweep_free(tw_sweep *s); /* NULL is fine */
/* The first-order index of parameter j for y[n_points] (see above). */
double tw_sweep_first_order(const tw_sweep *s, size_t j, const double *y);

#endif
