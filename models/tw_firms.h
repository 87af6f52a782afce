/* tw_firms.h - the importer firms (tw_firms.c): their parameters, their arrays, the day's
 * per-cell prices and choice probabilities (the cell day) and the firm step.
 *
 * Not API: only models/ includes it (and the model's own tests); the benchmark reaches the
 * arrays through tw_trade_bench.h.
 *
 * Ownership: the parameters (the `firms:` keys, read by tw_trade_params.c) are read-only
 * after load. A replicate's tw_firm_arrays is created and freed here (tw_firms_create /
 * tw_firms_free); tw_trade.c owns the cell days and the day's results and hands each call
 * what it reads: tw_firms_prepare_day the day's rates, sub-cells and producer prices
 * (tw_firms_prices), tw_firms_step and tw_firms_init the cell days, and both write the
 * results into arrays the caller gives. The mechanism is described in tw_firms.c.
 *
 * Thread-safety: a tw_firm_arrays is used by one replicate's thread (its step runs the
 * firm blocks on the replicate's executor).
 */
#ifndef TW_FIRMS_H
#define TW_FIRMS_H

#include <stddef.h>
#include <stdint.h>

#include "tw_day.h"
#include "tw_error.h"
#include "tw_parallel.h"
#include "tw_rng.h"
#include "tw_tariffs.h"
#include "tw_trade_bench.h"

/* Random number purposes of the firms (the counter's purpose field). */
enum {
    TW_PURPOSE_FIRM_INIT = 1,
    TW_PURPOSE_FIRM_DAY = 2
};

/* The `firms:` keys the firms read (firms.frontload.horizon_days is the rate cache's:
 * tw_trade_params.fl_horizon). */
typedef struct {
    int64_t per_cell;      /* firms per cell */
    double size_tail;      /* Pareto tail index of the firm sizes */
    double reopt_rate, reopt_sens;
    double expiry_belief;  /* probability firms give a scheduled end of an entry */
    double fl_max_days, fl_build, fl_draw, fl_scale; /* the timing margin (front-loading) */
    double own_demand;     /* elasticity of a firm's quantity to its own landed cost (< 1) */
    int nreg;              /* regions of the world (origins a firm can buy from) */
} tw_firms_params;

/* firms.own_demand_elasticity's default (data/trade_dynamics.csv own_demand_elasticity). */
#define TW_OWN_DEMAND_DEFAULT 0.5

/* Per-cell quantities fixed for one day, computed before the firm loop. */
typedef struct {
    float cdf[TW_NREG_MAX];      /* logit choice probabilities, cumulative */
    float lnp[TW_NREG_MAX];      /* log buyer price of each origin */
    float target[TW_NREG_MAX];   /* timing target stock, days of purchases (< 0: orders postponed) */
    float build[TW_NREG_MAX];    /* most extra stock bought in a day */
    float draw[TW_NREG_MAX];     /* most extra stock used up (or orders postponed) in a day */
    float hazard_base;       /* reopt_rate */
    float hazard_sens;       /* reopt_price_sensitivity */
    double price[TW_NREG_MAX];   /* buyer price of each origin (mean over its sub-cells) */
    double rel[TW_NREG_MAX];     /* buyer price of each origin over its first day's (mean over
                              * the sub-cells of the day's purchases) */
} tw_cell_day;

/* The importer firms of one replicate, structure of arrays, [ncell * per_cell] (ncell =
 * fp->nreg * TW_NSEC). */
typedef struct {
    const tw_firms_params *fp; /* the scenario's */
    tw_rng_key key;            /* the replicate's */
    tw_exec ex;                /* the replicate's executor */
    size_t nblk;        /* blocks per cell */
    size_t ncell;       /* cells of the world */
    uint8_t *origin;    /* current supplying region */
    float *size;        /* share of the cell's purchases (sums to 1 in a cell) */
    float *ref_lnp;     /* log price of the origin when the firm last chose it */
    float *clock;       /* cumulated hazard left before the next choice (Exp(1) at a choice) */
    float *stock;       /* extra stock held, days of normal purchases (< 0: orders owed) */
    double *partials;   /* [ncell * nblk][TW_NPART] */
} tw_firm_arrays;

/* What the day's cell prices are built from (read only). */
typedef struct {
    double pass_through;               /* share of a tariff in the buyer price */
    const tw_nest *nest;               /* [TW_NCELL_MAX] nested CES demand (tw_demand.h) */
    const double (*rel0)[TW_NREG_MAX];     /* [TW_NCELL_MAX] the first day's price relatives */
    const tw_rate_table *tau;          /* today's effective rates */
    const tw_rate_table *tau_exp;      /* today's outlook from announced entries */
    const tw_rate_table *tau_any;      /* today's outlook with scheduled ends */
    const tw_rate_table *tau_deal;     /* today's rates after a deal (tw_expect.h) */
    const double (*deal_q)[TW_NREG_MAX];   /* [imposer][target] chance of a deal in the horizon */
    const tw_rate_table *tau0;         /* the first day's rates */
    const tw_split_cell (*split)[TW_NSEC]; /* [TW_NREG_MAX] today's sub-cells */
    const double *w;                   /* [TW_NREG_MAX] producer prices */
} tw_firms_prices;

tw_status tw_firms_create(tw_firm_arrays *f, const tw_firms_params *fp, tw_rng_key key,
                          const tw_exec *ex, tw_err *err);
/* Bytes tw_firms_create allocates for one replicate with these parameters. */
size_t tw_firms_bytes(const tw_firms_params *fp);
void tw_firms_free(tw_firm_arrays *f);
/* Each cell's day (cd[TW_NCELL_MAX]) from the day's prices, and the rate paid on the day's
 * purchases (sub-cells aggregated, tw_split_demand) into tau_paid. */
void tw_firms_prepare_day(const tw_firms_params *fp, const tw_firms_prices *in, tw_cell_day *cd,
                          tw_rate_table tau_paid);
/* Draw sizes and first origins from the first day's cell days, and the starting shares
 * ([TW_NCELL_MAX][TW_NREG_MAX]), prices (pbar0 and pbar, [TW_NCELL_MAX]) and domestic shares (lambda0). */
void tw_firms_init(tw_firm_arrays *f, const tw_cell_day *cd, double (*share)[TW_NREG_MAX],
                   double *pbar0, double *pbar, double *lambda0);
/* Step every firm on day index d and reduce into share, purchase ([TW_NCELL_MAX][TW_NREG_MAX],
 * size and size x days bought by origin) and pbar ([TW_NCELL_MAX]). */
void tw_firms_step(tw_firm_arrays *f, const tw_cell_day *cd, uint32_t d, double (*share)[TW_NREG_MAX],
                   double (*purchase)[TW_NREG_MAX], double *pbar);
/* Firms whose clock runs out today against the cell days (the benchmark's redraw count). */
size_t tw_firms_redraws(const tw_firm_arrays *f, const tw_cell_day *cd, const uint8_t *origin,
                        const float *ref_lnp, const float *clock);

#endif
