/* tw_flows.h - the day's flows of one replicate (tw_flows.c): from the firms' orders to
 * what buyers use, what is shipped, what enters customs and the duty on it.
 *
 * Not API: only models/ includes it (and the model's own tests).
 *
 * Ownership: a tw_flows belongs to one replicate (tw_flows_create / tw_flows_free; freeing
 * NULL does nothing). tw_trade.c hands tw_flows_day what the day's flows are computed from
 * (tw_flows_in, borrowed for the call) and reads the results through the accessors, whose
 * arrays stay valid, and change only in tw_flows_day, as long as the handle.
 *
 * Units as in tw_trade_internal.h: USD billion a year; flows [exporter][importer][sector];
 * rate tables [importer][origin][sector]; cells importer * TW_NSEC + sector.
 *
 * Thread-safety: used by one replicate's thread.
 */
#ifndef TW_FLOWS_H
#define TW_FLOWS_H

#include <stdint.h>

#include "tw_day.h"
#include "tw_duties.h"
#include "tw_error.h"
#include "tw_firms.h"

#define TW_TRANSIT_MAX 64 /* days a shipment may be in transit, at most (ring length) */

typedef struct tw_flows tw_flows;

/* What a day's flows are computed from (read only, for the call). */
typedef struct {
    uint32_t d;                        /* days since the start */
    tw_day day;                        /* today */
    int nreg;                          /* regions of the world */
    const double *e0;                  /* [TW_NCELL_MAX] first-day buyer spending */
    const double *pbar, *pbar0;        /* [TW_NCELL_MAX] cell price index today, first day */
    double demand_elasticity;          /* model.demand_elasticity */
    const double *income;              /* [TW_NREG_MAX] wages and deficit against the first
                                        * day's (tw_ge_day_income); NULL: 1 (ge off) */
    const double (*share)[TW_NREG_MAX];    /* [TW_NCELL_MAX] size share of firms by origin */
    const double (*purchase)[TW_NREG_MAX]; /* [TW_NCELL_MAX] size x days bought, by origin */
    const double (*own)[TW_NREG_MAX];      /* [TW_NCELL_MAX] a firm's own-demand factor by origin */
    const tw_cell_day *cd;             /* [TW_NCELL_MAX] today's price relatives */
    const tw_rate_table *tau_paid;     /* rates paid on today's purchases */
    const tw_rate_table *tau_now;      /* today's effective rates */
    const tw_rate_table *tau_entry;    /* rates of the goods entering today (in-transit rules) */
    const int (*transit)[TW_NREG_MAX];     /* [exporter][importer] days from loading to entry */
    const double (*season)[TW_NREG_MAX][12]; /* [importer][origin][month] factors */
    const tw_duty_params *duties;      /* collected against statutory duty */
} tw_flows_in;

tw_status tw_flows_create(tw_flows **out, tw_err *err);
void tw_flows_free(tw_flows *f);
/* Bytes one handle holds. */
size_t tw_flows_bytes(void);

/* The day's flows. A cell's quantity is Q = e0 (P / P0)^(-demand_elasticity) times its
 * region's income: with the closure on, in->income grossed up by the day's duty share of
 * the region's purchases (1 - rho_0) / (1 - rho), the duty rebated the same day; a firm's orders from o are Q times its own demand times its days of
 * purchases times o's price relative, at customs value (over 1 + the rate paid). Orders
 * load today and enter customs after the route's days in transit (a ring of loading days
 * per route and sector; on the first day the ring is filled with that day's orders), at
 * the entry day's rate less what in-transit rules take off, times the month's factor of
 * the route. What buyers use is their normal purchases at today's prices (no stock built
 * or drawn, nothing in transit, no seasonal timing). */
void tw_flows_day(tw_flows *f, const tw_flows_in *in);

/* [exporter][importer][sector], USD bn a year: customs value entering today; buyers'
 * spending on it, duty included; the duty collected; the statutory duty (rate paid x
 * customs value); what buyers use at customs value. */
const double (*tw_flows_customs(const tw_flows *f))[TW_NREG_MAX][TW_NSEC];
const double (*tw_flows_spend(const tw_flows *f))[TW_NREG_MAX][TW_NSEC];
const double (*tw_flows_revenue(const tw_flows *f))[TW_NREG_MAX][TW_NSEC];
const double (*tw_flows_revenue_stat(const tw_flows *f))[TW_NREG_MAX][TW_NSEC];
const double (*tw_flows_use(const tw_flows *f))[TW_NREG_MAX][TW_NSEC];
/* [exporter][importer] the share of duty collected today. */
const double (*tw_flows_collected(const tw_flows *f))[TW_NREG_MAX];
/* [exporter][importer] duty deposited today, USD bn a year: the duty collected at entry as
 * the Treasury books it, on CBP's payment schedule for the US (tw_flows.c), on the day of
 * entry elsewhere. */
const double (*tw_flows_deposited(const tw_flows *f))[TW_NREG_MAX];
/* The rate paid on the goods entering customs today: the rate paid less what in-transit
 * rules take off. */
const tw_rate_table *tw_flows_tau_in(const tw_flows *f);

#endif
