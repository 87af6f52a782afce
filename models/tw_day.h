/* tw_day.h - the read-only view of a replicate's day that tw_trade.c hands its modules.
 *
 * Not API: only models/ includes it (and the model's own tests).
 *
 * tw_trade.c owns the day's flows and today's rate views; a module that reads them (the
 * governments' observation and pain, the general-equilibrium closure, the rare-earth
 * firms) gets this small const struct instead of the whole replicate state, so it sees
 * what it reads and cannot write it. The day's output loss and GDP change point at the
 * rare-earth state's own arrays (tw_re_output_loss, tw_re_gdp_pct); whether a truce holds
 * is the events' (tw_events_truce), so that the governments read it without calling
 * them. A view is valid for the call it is passed to: tw_trade.c builds it again after
 * the rates of the day change (events first, then the full outlook).
 *
 * Units as in tw_trade_internal.h: USD billion a year inside the model; flows are
 * [exporter][importer][sector]; cells are importer * TW_NSEC + sector. Arrays have the
 * capacity of TW_NREG_MAX regions; the entries of the world's world->nreg are valid.
 *
 * Thread-safety: a view points into one replicate's state; read it on that replicate's
 * thread.
 */
#ifndef TW_DAY_H
#define TW_DAY_H

#include <stdbool.h>
#include <stdint.h>

#include "tw_calendar.h"
#include "tw_tariffs.h"
#include "tw_world.h"

#define TW_NCELL_MAX (TW_NREG_MAX * TW_NSEC) /* cells a world may have: array capacity */

typedef struct {
    tw_day day;                                /* today */
    uint32_t d;                                /* days since the start */
    const tw_world *world;                     /* 2024 calibration (flows, GDP) */
    const double *sigma;                       /* [TW_NSEC] between foreign origins */
    const double *sigma_upper;                 /* [TW_NSEC] home vs imports (tw_demand.h) */
    const tw_nest *nest;                       /* [TW_NCELL_MAX] each cell's demand (tw_demand.h) */
    const double *e0;                          /* [TW_NCELL_MAX] first-day buyer spending */
    const tw_rate_table *tau;                  /* today's effective rates */
    const tw_rate_table *tau0;                 /* the first day's rates */
    const tw_rate_table *tau_paid;             /* rates paid on today's purchases (sub-cells) */
    const tw_rate_table *tau_in;               /* rates paid on today's customs entries */
    const double (*customs)[TW_NREG_MAX][TW_NSEC]; /* today's customs value */
    const double (*spend)[TW_NREG_MAX][TW_NSEC];   /* today's buyers' spending, duty included */
    const double (*revenue)[TW_NREG_MAX][TW_NSEC]; /* today's tariff revenue */
    const double (*revenue_stat)[TW_NREG_MAX][TW_NSEC]; /* today's statutory duty */
    const double (*collected)[TW_NREG_MAX];        /* [exporter][importer] share collected today */
    const double (*deposited)[TW_NREG_MAX];        /* [exporter][importer] duty deposited today */
    const double (*use)[TW_NREG_MAX][TW_NSEC];     /* what buyers use today, at customs value */
    const double *pbar, *pbar0;                /* [TW_NCELL_MAX] mean buyer price today, day 0 */
    const double *w;                           /* [TW_NREG_MAX] producer prices */
    double pass_through;                       /* share of a tariff in the buyer price */
    const double (*output_loss)[TW_NSEC];      /* [region][sector] share of output lost, 0..1 */
    const double *gdp_pct;                     /* [TW_NREG_MAX] GDP against the baseline, percent */
    bool truce;                                /* a truce holds (the events', tw_events_truce) */
} tw_day_view;

/* Change of region r's GDP against the baseline on one day, USD bn (never positive while
 * shortages are the only cause): the one definition the GDP-loss outcomes sum. */
static inline double tw_day_gdp_change_bn(const tw_world *world, const double *gdp_pct, int r) {
    return gdp_pct[r] / 100.0 * world->gdp[r] / 365.0;
}

#endif
