/* tw_rates.h - one replicate's tariff book and its per-day rate cache.
 *
 * Not API: only models/ includes it (and the model's own tests).
 *
 * Owns: the replicate's copy of the scenario's tariff book (made only when the replicate
 * may change it: governments, events or third parties configured), every table of rates a
 * day needs (tw_rates_day: today's effective rates, the firms' outlook within the
 * front-loading horizon, tw_tariffs_outlook, the rates after a deal and the rates of the
 * goods entering customs), and when those must be resolved again. Until the book first
 * changes, today's tables are the scenario's precomputed ones (tw_rates_scenario); after
 * that they are resolved from the book on the days something in it moves, and reused
 * (exactly: nothing they depend on has changed) on the others. Invalidation is private:
 * tw_rates_add and tw_rates_strike mark the cache stale themselves.
 *
 * Thread-safety: a tw_rates belongs to one replicate; the scenario's book and tables it
 * points at are read-only and shared.
 */
#ifndef TW_RATES_H
#define TW_RATES_H

#include <stdbool.h>
#include <stdint.h>

#include "tw_tariffs.h"

typedef struct tw_rates tw_rates;

/* One day's tables. */
typedef struct {
    const tw_rate_table *now;   /* effective rates */
    const tw_rate_table *exp;   /* the outlook's `sure` table (tw_tariffs_outlook) */
    const tw_rate_table *any;   /* the outlook's `any` table */
    const tw_rate_table *deal;  /* the rates after a deal (tw_tariffs_rates_deal) */
    const tw_rate_table *entry; /* the rates of the goods entering customs
                                 * (tw_tariffs_rates_entering) */
} tw_rates_day;

/* The scenario's side of the cache: its book's tables precomputed for every day index d
 * from start (each [ndays]), what a deal does, the transit days and the front-loading
 * horizon in days. */
typedef struct {
    tw_rates_day pre;                  /* the tables' arrays: pre.now[d] is day d's */
    const tw_deal_terms *terms;
    const int (*lag)[TW_NREG_MAX];         /* [exporter][importer] days from loading to entry */
    tw_day start;
    int horizon;
} tw_rates_scenario;

/* A cache over the scenario's book. With appendable, the replicate gets its own copy of
 * the book that tw_rates_add may extend; without, the book never changes. sc is kept (it
 * must outlive the cache). */
tw_status tw_rates_create(const tw_tariff_book *book, const tw_rates_scenario *sc,
                          bool appendable, tw_rates **out, tw_err *err);
void tw_rates_free(tw_rates *r);

/* The replicate's book (its entries and measure names); read-only to callers. */
const tw_tariff_book *tw_rates_book(const tw_rates *r);
/* true once the book has changed from the scenario's (rates are then resolved daily). */
bool tw_rates_changed(const tw_rates *r);

/* A count that changes each time today's effective rates are resolved again from the
 * book (never while they are the scenario's precomputed ones): whatever depends only on
 * the entries in force, as the sub-cells do, is unchanged while it is. */
uint32_t tw_rates_version(const tw_rates *r);

/* Append an entry (the book must be appendable). TW_ENOMEM / TW_ERUNTIME as
 * tw_tariffs_add. */
tw_status tw_rates_add(tw_rates *r, const tw_tariff *t, tw_err *err);
/* End every entry of an authority still in force after day (or not yet in force) on day:
 * a court striking the measures down (pinned entries stay). Returns how many it ended. */
int tw_rates_strike(tw_rates *r, int authority, tw_day day);

/* End every entry of measure under authority that took effect on or after since and is
 * still in force after day (or not yet in force) on day: a temporary authority lapsing
 * (pinned entries stay). Returns how many it ended. */
int tw_rates_lapse(tw_rates *r, int measure, int authority, tw_day since, tw_day day);

/* Resolve day index d's tables into out: the effective rates, and with exp also the
 * outlook, the rates after a deal and those of the goods entering customs (without exp
 * those pointers are left as they were); the pointers stay valid until the next call. */
void tw_rates_on(tw_rates *r, uint32_t d, bool exp, tw_rates_day *out);

/* The effective rates on day t if the entry extra were added to the book (all entries
 * counted, whatever their announcement day); the book and the cache are unchanged. */
tw_status tw_rates_with(tw_rates *r, const tw_tariff *extra, tw_day t, tw_rate_table out,
                        tw_err *err);

#endif
