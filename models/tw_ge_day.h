/* tw_ge_day.h - the general-equilibrium closure of the day step (tw_ge_day.c): each
 * region's producer price (wage) and income-based spending, and the welfare decomposition
 * chained day by day.
 *
 * Not API: only models/ includes it (and the model's own tests).
 *
 * Ownership: a tw_ge_day belongs to one replicate (tw_ge_day_create / tw_ge_day_free);
 * tw_trade.c steps it after the day's flows with a read-only view of the day (tw_day.h)
 * and reads its producer prices and income scale through the accessors. Its indicators
 * (producer_price, welfare and its parts) are in the trade list (tw_indicators.h); their
 * values come from tw_ge_day_value.
 *
 * Thread-safety: parameters are read-only after load; a tw_ge_day is used by one
 * replicate's thread.
 */
#ifndef TW_GE_DAY_H
#define TW_GE_DAY_H

#include <stdbool.h>
#include <stdint.h>

#include "tw_config.h"
#include "tw_day.h"
#include "tw_error.h"

/* The `ge:` keys. */
typedef struct {
    bool enabled;
    int interval;       /* days between producer-price updates */
    double adjust_days; /* time constant of the move toward the clearing price, days */
} tw_ge_day_params;

typedef struct tw_ge_day tw_ge_day;

/* What tw_ge_day_value reads. */
typedef enum { TW_GE_PRICE, TW_GE_WELFARE, TW_GE_TOT, TW_GE_VOLUME, TW_GE_REVENUE } tw_ge_quantity;

/* Read the `ge:` section. */
tw_status tw_ge_params_load(const tw_cfg_node *root, tw_ge_day_params *p, tw_err *err);

/* A replicate's closure: producer prices and income scale 1, no welfare yet. */
tw_status tw_ge_day_create(const tw_ge_day_params *p, tw_ge_day **out, tw_err *err);
void tw_ge_day_free(tw_ge_day *g);

/* [TW_NREG_MAX] producer price of each region, first day 1; valid as long as g. */
const double *tw_ge_day_prices(const tw_ge_day *g);
/* [TW_NREG_MAX] scale of each region's buyers' spending before duty: (the wage bill w q0 + the
 * first day's deficit) against the first day's, over what buyers spend at today's price
 * indices per unit of income (1 with model.demand_elasticity 1); tw_flows.c grosses it up
 * by the day's duty share, rebated. 1 before the first day and without ge.enabled. Valid
 * as long as g. */
const double *tw_ge_day_income(const tw_ge_day *g);

/* Region r's deficit today, spending - sales - duty on what buyers use, USD bn a year; the
 * regions' deficits sum to 0. */
double tw_ge_day_deficit(const tw_ge_day *g, int r);

/* Region r's accounts today, on what buyers use, USD bn a year. */
typedef struct {
    double sales;    /* its producers' sales, home and exports, at customs value */
    double duty;     /* duty on its buyers' imports: collected (customs) or not (importers) */
    double spending; /* its buyers' spending, duty included */
    double income;   /* the income today's spending was set from: the wage bill w q0 (w as
                      * of the day before) + the first day's deficit + today's duty,
                      * collected or not; with ge.enabled, spending = income (a demand
                      * elasticity other than 1 aside, a day late on price indices); 0 on
                      * day 0 */
    double deficit;  /* spending - sales - duty (tw_ge_day_deficit) */
} tw_ge_accounts;
tw_ge_accounts tw_ge_day_accounts(const tw_ge_day *g, int r);

/* After the day's flows (v): today's accounts and welfare (from the state) with its chained
 * terms of trade, and (with ge.enabled, on the update days) the producer prices moved
 * toward clearing the market for each region's goods, and tomorrow's incomes. On day 0 it
 * records the base. */
tw_status tw_ge_day_step(tw_ge_day *g, const tw_day_view *v, tw_err *err);

/* Region r's value of q today (price: index; welfare parts: percent, log points). */
double tw_ge_day_value(const tw_ge_day *g, tw_ge_quantity q, int r);

/* Real income of region r in the long-run equilibrium of tw_ge_solve (2024 flows, the first
 * day's rates v->tau0 as the base, deficits fixed) at the rates tau: *welfare = W_hat - 1. */
tw_status tw_ge_welfare_at(const tw_day_view *v, const tw_rate_table tau, int r, double *welfare,
                           tw_err *err);

#endif
