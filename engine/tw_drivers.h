/* tw_drivers.h - what drives each outcome of an ordinary run: first-order sensitivity
 * indices of the outcomes to the parameters drawn per replicate, from the replicates
 * themselves.
 *
 * For an outcome Y and a drawn parameter X over n replicates (those with a finite Y):
 *   index  the given-data first-order index S1 = Var(E[Y | X]) / Var(Y): the replicates
 *          sorted by X (ties by replicate) and cut into M = round(n^(1/3)) bins (at least
 *          2) of equal count; Var(E[Y | X]) is the variance of the bin means less the part
 *          that the bins' own sampling noise adds (the sum over bins of the within-bin
 *          variance divided by n), over the total variance; clamped to [0, 1];
 *   lo, hi the 2.5% and 97.5% quantiles of the index over TW_DRIVERS_BOOT bootstrap
 *          resamples of the replicates (the same resamples for every pair; replicate
 *          number k of resample b comes from Philox words of key (seed, b), counter k,
 *          purpose TW_PURPOSE_DRIVERS, so the interval is reproducible);
 *   rho    Spearman's rank correlation (average ranks for ties).
 * Fewer than 8 replicates, or a Y or X that does not vary: nan.
 *
 * Thread-safety: the functions are pure; a tw_drivers belongs to its caller.
 */
#ifndef TW_DRIVERS_H
#define TW_DRIVERS_H

#include <stddef.h>
#include <stdint.h>

#include "tw_error.h"

#define TW_DRIVERS_BOOT 200
#define TW_PURPOSE_DRIVERS 0xd7

typedef struct {
    double index, lo, hi, rho;
    size_t n;
} tw_driver;

typedef struct {
    size_t n_out, n_par;
    char **out_names, **par_names; /* owned */
    tw_driver *d;                  /* [n_out * n_par], outcome-major */
} tw_drivers;

/* One outcome (y) against several parameters (x[p] for p < n_par, each of n values):
 * out[p]. Rows with a non-finite y are left out. TW_ENOMEM on allocation failure. */
tw_status tw_drivers_pairs(const double *y, const double *const *x, size_t n_par, size_t n,
                           uint32_t seed, tw_driver *out, tw_err *err);

/* Read DIR/replicates.csv, whose last n_drawn columns are the drawn parameters and the
 * columns between `seed` and them the outcomes; compute every (outcome, parameter) pair
 * and write DIR/drivers.csv (outcome,parameter,index,lo,hi,rank_correlation,n). With
 * n_drawn 0 nothing is read or written and *out is empty. */
tw_status tw_drivers_run(const char *dir, size_t n_drawn, uint32_t seed, tw_drivers *out,
                         tw_err *err);
void tw_drivers_free(tw_drivers *d);

/* The pair of (outcome, parameter) or NULL when either is unknown. */
const tw_driver *tw_drivers_get(const tw_drivers *d, const char *outcome, size_t par);

#endif
