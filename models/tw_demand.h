/* tw_demand.h - the buyers' demand of one cell (importer, sector): nested CES over its
 * origins (tw_demand.c).
 *
 * Not API: only models/ includes it (and the model's own tests).
 *
 * Two nests. The upper one splits the cell's spending between home goods and the bundle
 * of imports with elasticity `upper`; the lower one splits the import bundle over the
 * foreign origins with elasticity `lower`. With upper == lower it is the one-nest CES of
 * Armington. The same nests are in the firms' choice (tw_firms.c), the sub-cells'
 * aggregation (tw_split_demand) and the long-run solve (tw_ge_solve with sigma_upper), so
 * the agents' long-run shares and the solve's agree. Values and sources: data/README.md
 * ("Nested sourcing").
 *
 * Ownership: a tw_nest is a plain value, filled once per cell by tw_nest_calibrate (the
 * first day's shares at the first day's prices) and read-only after.
 * Thread-safety: the functions are pure.
 */
#ifndef TW_DEMAND_H
#define TW_DEMAND_H

#include "tw_world.h"

typedef struct {
    int n;                  /* origins (the world's regions): arrays are read on [0, n) */
    int home;               /* the importer: its origin is in the upper nest */
    double lower, upper;    /* elasticities: between foreign origins; home vs imports (> 1) */
    double weight[TW_NREG_MAX]; /* home: its upper-nest weight; foreign: its lower-nest weight */
    double import_weight;   /* the import bundle's upper-nest weight */
    /* Their roots for tw_nest_quantity, computed once (tw_nest_calibrate,
     * tw_nest_reweighted): home's weight^(1/upper), a foreign origin's weight^(1/lower),
     * the import bundle's import_weight^(1/upper). */
    double qweight[TW_NREG_MAX];
    double import_qweight;
} tw_nest;

/* Weights over nreg origins that give the spending shares share0[nreg] (summing to 1) at
 * buyer prices price0[nreg] (> 0): the import bundle's price index is 1 there. */
void tw_nest_calibrate(tw_nest *n, int nreg, int home, double lower, double upper,
                       const double share0[TW_NREG_MAX], const double price0[TW_NREG_MAX]);

/* After weights have been changed from tw_nest_calibrate's: recomputes what is derived
 * from them (qweight, import_qweight). */
void tw_nest_reweighted(tw_nest *n);

/* Spending shares at buyer prices price[TW_NREG_MAX] (> 0), summing to 1 (all 0 when every
 * weight is 0). */
void tw_nest_shares(const tw_nest *n, const double price[TW_NREG_MAX], double share[TW_NREG_MAX]);

/* What the quantities q[TW_NREG_MAX] (>= 0, in the units the prices are per) are worth to the
 * buyers: the nested CES aggregate dual to the price index of tw_nest_shares,
 * C = (b_h^(1/u) q_h^((u-1)/u) + b_M^(1/u) Q_M^((u-1)/u))^(u/(u-1)), Q_M = (sum_f a_f^(1/s)
 * q_f^((s-1)/s))^(s/(s-1)) (u upper, s lower). Buyers who spend E at prices p on the shares
 * of tw_nest_shares get C = E / P; any other split of E gets less. 0 when every q is 0. */
double tw_nest_quantity(const tw_nest *n, const double q[TW_NREG_MAX]);

#endif
