/* tw_ge.h - general equilibrium of the world economy in changes (exact hat algebra).
 *
 * THE MODEL. A multi-sector Armington economy with one factor per region (Costinot and
 * Rodriguez-Clare 2014, "Trade theory with numbers", Handbook of International Economics
 * vol. 4, section 3; without input-output links, i.e. Caliendo and Parro 2015, REStud 82(1),
 * with intermediate shares set to zero), solved in changes as in Dekle, Eaton and Kortum
 * 2008 (IMF Staff Papers 55(3)). Region i's producer price is w_i (its wage: one unit of
 * labour makes one unit of each sector's good); the price of i's good s in j is
 * w_i d_ijs (1 + t_ijs), d an iceberg cost and t j's ad valorem tariff on i. Each importer
 * spends the fixed share alpha_js of its spending E_j on sector s (Cobb-Douglas) and splits
 * it by nested CES (tw_demand.h): between its own goods and the bundle of imports with
 * elasticity u_s (sigma_upper; the upper nest), and the bundle over the foreign origins
 * with elasticity sigma_s (the lower nest; trade elasticity between origins sigma_s - 1).
 * With u_s = sigma_s it is one CES nest (Armington). A hat is new / base. With E0_ijs =
 * X_ijs (1 + t0_ijs) base spending including duty and c_ijs = w_i d_ijs (1 + t1_ijs) /
 * (1 + t0_ijs) the cost relative:
 *
 *   a_ijs       = E0_ijs c_ijs^(1 - sigma_s)  (i != j),  S_js = sum_{k != j} a_kjs,
 *                 S0_js = sum_{k != j} E0_kjs
 *   H_js        = E0_jjs c_jjs^(1 - u_s),  M_js = S0_js (S_js / S0_js)^((1-u_s)/(1-sigma_s))
 *   lambda'_jjs = H_js / (H_js + M_js);  lambda'_ijs = M_js / (H_js + M_js) a_ijs / S_js
 *                                                           new share of i in j's sector s
 *   Phat_js     = ((H_js + M_js) / sum_k E0_kjs)^(1/(1-u_s))   sector price index change
 *   Phat_j      = prod_s Phat_js^alpha_js                   consumer price index change
 *   E'_j        = w_j Y_j + D'_j + R'_j               spending = wages + deficit + duty
 *   R'_j        = sum_is t1_ijs / (1 + t1_ijs) lambda'_ijs alpha_js E'_j  (rebated lump sum)
 *   w_i Y_i     = sum_js lambda'_ijs alpha_js E'_j / (1 + t1_ijs)        market clearing
 *
 * where Y_i = sum_js X_ijs are base sales at producer prices and D_j = sum_is X_ijs - Y_j is
 * the base trade deficit (imports minus exports at customs value). The sector shares are
 * the base ones, alpha_js = sum_i E0_ijs / sum_is E0_ijs, so that the base is an
 * equilibrium (no separate input that could disagree with the flows). DEFICITS are held
 * fixed in units of the numeraire (D'_j = D_j), as in Dekle-Eaton-Kortum: they sum to zero,
 * so Walras' law holds and one market-clearing equation is redundant. NUMERAIRE: world
 * GDP at base quantities, sum_i w_i Y_i = sum_i Y_i (w_hat = 1 on average, weighted by
 * GDP). With close_deficits set, the new deficits are zero instead (D'_j = 0): the
 * first step of Ossa (2014), who purges the data of imbalances and then uses that
 * balanced equilibrium (its x_new) as the base of his tariff experiments, because fixed
 * transfers inflate terms-of-trade gains (a tariff that lowers partners' prices raises
 * what a deficit buys). R'_j has the closed form R'_j = rho_j E'_j with rho_j the duty
 * share of spending, so E'_j = (w_j Y_j + D'_j) / (1 - rho_j) given w.
 *
 * WELFARE is real spending, W_hat_j = (E'_j / E_j) / Phat_j (equivalent variation as a
 * share of base spending, to first order). Its log is DECOMPOSED (Caliendo-Parro 2015,
 * section 4's d ln W without input-output; Costinot-Rodriguez-Clare 2014 section 4) by
 * integrating the first-order terms along the path 1 + t(h) = (1 + t0)^(1-h) (1 + t1)^h,
 * d(h) = d_hat^h, D(h) = D + h (D' - D), h from 0 to 1, each point solved exactly; M_ijs is
 * the flow at producer prices, q_ijs = M_ijs / (w_i d_ijs) its quantity and E_j the
 * spending, all at the point h:
 *
 *   tot_j      = int [ sum_ks M_jks dln w_j - sum_is M_ijs dln(w_i d_ijs) ] / E_j
 *                terms of trade: > 0 when j's producer price rises against those of its
 *                suppliers (domestic wages cancel; a fall in a delivery cost counts here)
 *   volume_j   = int [ sum_is t_ijs M_ijs dln q_ijs ] / E_j
 *                volume of trade at the tariffs in force (the efficiency effect): > 0 when
 *                taxed imports grow, < 0 when a region's tariffs shrink its own imports
 *   transfer_j = int dD_j / E_j    (0 with fixed deficits; closing a deficit is < 0)
 *   ln W_hat_j = tot_j + volume_j + transfer_j + path_error_j,
 *   |path_error_j| = O(1/steps^4) (trapezoid rule and one Richardson step).
 * The total does not depend on the path; the split between the terms does, a little.
 *
 * TARIFF REVENUE. With duty rebated lump sum it is not a channel beside the two: the duty
 * a rate rise collects on unchanged imports is paid by the region's own buyers and nets
 * out. It is reported as the part of the volume term that the treasury collects:
 *
 *   revenue_j    = int dR_j / E_j          duty collected and rebated; > 0 when it rises
 *   buyer_cost_j = volume_j - revenue_j    = -int sum_is [M_ijs dt_ijs + t_ijs M_ijs
 *                                            dln(w_i d_ijs)] / E_j: the duty the
 *                                            region's buyers pay, < 0 for a tariff rise
 *
 * so ln W_hat_j = tot_j + revenue_j + buyer_cost_j + transfer_j + path_error_j.
 *
 * SIGNS under a US-China war on the 2024 flows (US 145% and China 125% on each other in
 * every sector, from zero, deficits fixed, the model's nests: u = 1.19; tests/models/
 * test_ge.c prints and asserts them), in per cent of spending:
 *
 *   region  w_hat   W_hat-1   tot     volume  revenue  buyer_cost  (last four: of ln W)
 *   US      0.9918  -2.15    -0.72   -1.46   +0.49    -1.95
 *   CN      0.9651  -1.20    -0.99   -0.22   +0.08    -0.30
 *   EU      1.0137  +0.17    +0.17    0       0        0
 *   ROW     1.0271  +1.04    +1.04    0       0        0
 *
 * Diversion raises the demand for the bystanders' goods, so their producer prices rise
 * against both belligerents': they gain through the terms of trade alone (they change no
 * tariff, so their volume and revenue terms are exactly zero). With the nests, what each
 * belligerent's buyers stop buying from the other goes mostly to third countries and
 * little to home goods, so both belligerents' terms of trade worsen (in one nest, u =
 * sigma, the US terms of trade improve a little instead: its tariff is the larger one on
 * the larger flow, and its buyers turn mostly to its own goods); at 145% the lost volume
 * of taxed imports costs the US more still. The welfare-maximising uniform US tariff on
 * all partners, from the 2024 flows with imbalances closed and no retaliation, is 61%
 * (a 2.2% gain; 47% in one nest); Ossa (2014, AER 104(12)) finds optimal tariffs of about
 * 62% and a Nash average of 63%. Fixed deficits are a poor closure for near-prohibitive tariffs on
 * everyone: the deficits must still be spent on imports, so the transfer dominates (with
 * 500% everywhere the US, the largest deficit, gains); close them first for such runs.
 *
 * PARAMETERS. u_s: 1.19 in the model (Fajgelbaum et al. 2020; data/README.md "Nested
 * sourcing"). sigma_s from data/sectors.csv: Broda-Weinstein (2006) US sector medians
 * rounded and kept inside the Bajzik et al. (2020) meta-analysis band (trade elasticities
 * sigma - 1 of 2 to 3; Simonovska-Waugh 2014 put the aggregate at 4). Flows: 2024 goods
 * trade and absorption from data/base_flows_2024.csv (tw_world_load); the economy of the
 * model is the goods economy, so welfare is in per cent of goods spending. Tolerances
 * and path steps: the named defaults below.
 *
 * THREAD-SAFETY. Every function is reentrant on its own arguments. tw_ge_solve turns
 * GSL's abort handler off (gsl_set_error_handler_off, process-wide) and checks statuses.
 */
#ifndef TW_GE_H
#define TW_GE_H

#include "tw_error.h"

/* Convergence: max |excess demand / sales| and the normalisation residual. */
#define TW_GE_TOL_DEFAULT 1e-12
#define TW_GE_MAX_ITER_DEFAULT 200
/* Points on the tariff path for the welfare decomposition (trapezoid rule, then one
 * Richardson step with half the points). */
#define TW_GE_PATH_STEPS_DEFAULT 32

/* One problem. Arrays are row-major [exporter][importer][sector] of n_reg*n_reg*n_sec
 * doubles (the layout of tw_world.flow, so &w.flow[0][0][0] fits), borrowed, not kept. */
typedef struct {
    int n_reg, n_sec;    /* >= 1 each */
    const double *x;     /* base flows at producer prices (customs value), >= 0, finite;
                          * each region's sales > 0, each importer-sector's spending > 0 */
    const double *t0;    /* base tariffs, fractions >= 0; NULL = none */
    const double *t1;    /* new tariffs, fractions >= 0; NULL = t0 */
    const double *d_hat; /* iceberg cost changes, > 0; NULL = none (all 1) */
    const double *sigma; /* [n_sec] elasticity of substitution between origins, > 1 */
    int close_deficits;  /* 0: deficits fixed (the default); 1: new deficits are zero */
    const double *sigma_upper; /* [n_sec] elasticity between home goods and the bundle of
                                * imports, > 1 (the upper nest); NULL = sigma (one nest) */
} tw_ge_problem;

typedef struct {
    double tol;     /* > 0; TW_GE_TOL_DEFAULT */
    int max_iter;   /* >= 1; TW_GE_MAX_ITER_DEFAULT */
    int path_steps; /* even, >= 2; 0 skips the decomposition (those fields are 0) */
} tw_ge_options;

tw_ge_options tw_ge_options_default(void);

/* The answer. Allocated by tw_ge_result_alloc for one n_reg, n_sec; owned by the caller. */
typedef struct {
    int n_reg, n_sec;
    double *w_hat;      /* [n_reg] producer price (wage) change, numeraire: world GDP */
    double *p_hat;      /* [n_reg] consumer price index change Phat_j */
    double *p_hat_sec;  /* [n_reg*n_sec] sector price index change Phat_js, [importer][s] */
    double *lambda;     /* [n*n*S] new expenditure shares lambda'_ijs (duty included) */
    double *x_new;      /* [n*n*S] new flows at producer prices, base units (USD bn) */
    double *spending;   /* [n_reg] new E'_j, base units */
    double *revenue_level; /* [n_reg] new duty collected R'_j, base units */
    double *welfare;    /* [n_reg] W_hat_j - 1, fraction (0.01 = one per cent gain) */
    double *ln_welfare; /* [n_reg] ln W_hat_j */
    double *tot;        /* [n_reg] terms-of-trade component of ln W_hat (above) */
    double *volume;     /* [n_reg] volume-of-trade component of ln W_hat */
    double *revenue;    /* [n_reg] duty part of volume (above) */
    double *buyer_cost; /* [n_reg] volume - revenue */
    double *transfer;   /* [n_reg] deficit change component (0 unless close_deficits) */
    double *path_error; /* [n_reg] ln W_hat - tot - volume - transfer */
    int iterations;     /* solver iterations of the final solve (0: base already clears) */
    double residual;    /* max |equation| at the answer */
    double walras;      /* |dropped market-clearing equation| / its sales, a check */
} tw_ge_result;

/* NULL when out of memory or when a size is below 1. */
tw_ge_result *tw_ge_result_alloc(int n_reg, int n_sec);
void tw_ge_result_free(tw_ge_result *r); /* NULL does nothing */

/* Solve the problem. TW_ECONFIG for bad input (which array, which cell, why);
 * TW_ERUNTIME when the solver does not reach opt->tol within opt->max_iter (the message
 * gives the GSL status, iterations and residual; r then holds the last iterate). opt NULL
 * uses the defaults. r must have the problem's sizes. */
tw_status tw_ge_solve(const tw_ge_problem *p, const tw_ge_options *opt, tw_ge_result *r,
                      tw_err *err);

/* The demand side of the model at given producer prices, out of equilibrium: what each
 * importer spends (duty included) on each origin and sector at the new tariffs t1 and
 * iceberg costs when wages are w[n_reg] (> 0, base = 1) and spending is E_j = (w_j Y_j +
 * D'_j) / (1 - rho_j). spend: [n*n*S], same layout as x. At the w_hat of tw_ge_solve it is
 * the equilibrium spending, lambda'_ijs alpha_js E'_j. TW_ECONFIG for bad input. */
tw_status tw_ge_demand(const tw_ge_problem *p, const double *w, double *spend, tw_err *err);

/* THE DAILY HOOK: a producer-price step from today's demand, cheap enough to call every
 * day or week without solving the whole system.
 *
 * Region i's output supply is q0_i p_i^eta_i (eta: export supply elasticity; 0 is the
 * fixed endowment of the model above). Today's demand for i's goods is what buyers spend
 * at producer prices (the daily model feeds it the long-run demand at today's prices,
 * tw_ge_demand; tw_ge_day.c): V_i = sum_js demand_ijs / (1 + tariff_ijs), bought at
 * yesterday's price p_prev_i, so a quantity V_i / p_prev_i. Its price elasticity is the
 * nested CES one at today's shares, eps_i = sum_js (V_ijs / V_i) eps_ijs, with eps_jjs = 1 +
 * (u_s - 1)(1 - lambda_jjs) for home goods and eps_ijs = 1 + (sigma_s - 1)(1 - m_ijs) + (u_s -
 * 1)(1 - l_js) m_ijs for imports (m_ijs: i's share of j's imports in s, l_js: their share
 * of j's spending in s; Cobb-Douglas across sectors: a demand curve of elasticity 1 above
 * the nests; with u = sigma, eps_ijs = sigma_s (1 - lambda_ijs) + lambda_ijs). The
 * step is the price that clears the market with demand log-linear around today:
 *
 *   p_i = p_prev_i (V_i / (p_prev_i q0_i p_prev_i^eta_i))^(1 / (eta_i + eps_i)),
 *
 * then all p are scaled so that sum_i p_i q0_i = sum_i q0_i (the numeraire of tw_ge_solve).
 * Why this and not a fixed export supply elasticity alone: a supply curve without the
 * demand's slope cannot find the market-clearing price (demand at yesterday's price says
 * how much, not at what price); with eps from the shares, repeating the step while the
 * agents respond converges to the equilibrium of tw_ge_solve when eta = 0 (a test: the
 * 2024 war comes within 1e-11 in 39 steps; the step ignores the income effect of a
 * region's own price on its home demand, so it undershoots and does not oscillate), and
 * a positive eta gives an upward-sloping supply for a faster-adjusting region.
 *
 * demand: [n*n*S] tariff-inclusive spending today, same layout as x (> = 0, every region's
 * sales > 0); tariff: today's rates (NULL = 0); q0: [n] base output at base prices (sales
 * Y_i); p_prev: [n] > 0; eta: [n] >= 0; sigma: [n_sec] > 1; sigma_upper: [n_sec] > 1 or
 * NULL (= sigma, one nest); p_out: [n], may alias p_prev.
 * TW_ECONFIG for bad input. */
tw_status tw_ge_price_step(int n_reg, int n_sec, const double *demand, const double *tariff,
                           const double *q0, const double *p_prev, const double *eta,
                           const double *sigma, const double *sigma_upper, double *p_out,
                           tw_err *err);

#endif
