/* tw_ge_day.h - the general-equilibrium closure of the day step (tw_ge_day.c): each
 * region's producer price (wage) and income-based spending, and the welfare decomposition
 * chained day by day.
 *
 * Not API: only models/ includes it (and the model's own tests).
 *
 * Ownership: a tw_ge_day belongs to one replicate (tw_ge_day_create / tw_ge_day_free);
 * tw_trade.c steps it after the day's flows with a read-only view of the day (tw_day.h)
 * and reads its producer prices through the accessor; tw_flows.c asks it each region's
 * income (tw_ge_day_income_solve) before it scales the day's spending. Its indicators
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

/* A replicate's closure: producer prices 1, no welfare yet. */
tw_status tw_ge_day_create(const tw_ge_day_params *p, tw_ge_day **out, tw_err *err);
void tw_ge_day_free(tw_ge_day *g);

/* [TW_NREG] producer price of each region, first day 1; valid as long as g. */
const double *tw_ge_day_prices(const tw_ge_day *g);
/* Each region's income today, from the day's flows at the firms' expected choices at
 * spending scale 1 (tw_flows.c): sales[o][i] what i's buyers use of o's goods at customs
 * value, duty[i] the duty on it. A region's income is its producers' sales + its first
 * day's deficit + its duty, and its buyers spend it: with x_i the scale of i's spending,
 * x_i (sum_o sales[o][i]) - sum_k x_k sales[i][k] = D0_i for every region but the last,
 * whose equation follows from the others (the deficits sum to 0), and world sales
 * sum_k x_k sum_o sales[o][k] = sum_i w_i S0_i, the first day's sales at today's producer
 * prices (the numeraire). income[i] = x_i times i's spending at scale 1. On day 0 it
 * records D0 and S0, and x = 1. */
void tw_ge_day_income_solve(tw_ge_day *g, uint32_t d, const double sales[TW_NREG][TW_NREG],
                            const double duty[TW_NREG], double income[TW_NREG]);

/* Region r's deficit today, spending - sales - duty on what buyers use, USD bn a year; the
 * regions' deficits sum to 0. */
double tw_ge_day_deficit(const tw_ge_day *g, int r);

/* Region r's accounts today, on what buyers use, USD bn a year. */
typedef struct {
    double sales;    /* its producers' sales, home and exports, at customs value */
    double duty;     /* duty on its buyers' imports: collected (customs) or not (importers) */
    double spending; /* its buyers' spending, duty included */
    double income;   /* the income today's spending was set from (tw_ge_day_income_solve):
                      * its producers' sales at the firms' expected choices + the first
                      * day's deficit + today's duty, collected or not; with ge.enabled,
                      * spending = income; 0 without */
    double deficit;  /* spending - sales - duty (tw_ge_day_deficit) */
} tw_ge_accounts;
tw_ge_accounts tw_ge_day_accounts(const tw_ge_day *g, int r);

/* After the day's flows (v): today's accounts and welfare (from the state) with its chained
 * terms of trade, and (with ge.enabled, on the update days) the producer prices moved
 * toward clearing the market for each region's goods. On day 0 it records the base. */
tw_status tw_ge_day_step(tw_ge_day *g, const tw_day_view *v, tw_err *err);

/* Region r's value of q today (price: index; welfare parts: percent, log points). */
double tw_ge_day_value(const tw_ge_day *g, tw_ge_quantity q, int r);

/* Real income of region r in the long-run equilibrium of tw_ge_solve (2024 flows, the first
 * day's rates v->tau0 as the base, deficits fixed) at the rates tau: *welfare = W_hat - 1. */
tw_status tw_ge_welfare_at(const tw_day_view *v, const tw_rate_table tau, int r, double *welfare,
                           tw_err *err);

#endif
