/* tw_rates.c - a replicate's tariff book and the cache of its daily rate tables.
 *
 * Resolving the book is a scan over its entries for every (imposer, target, sector), so
 * it is done only on days when a table can have changed: rates move only on an entry's
 * effective or end day, and the outlook (tw_tariffs_outlook) also when an entry is announced or one
 * of those days enters the horizon. Adding or striking an entry marks both tables stale.
 */
#include "tw_rates.h"

#include <stdlib.h>

struct tw_rates {
    const tw_rates_scenario *sc; /* the scenario's precomputed tables and constants */
    tw_tariff_book book;       /* the replicate's copy; empty unless appendable */
    bool in_transit;           /* some entry of the book has an in-transit rule */
    bool own_rates;            /* the book has changed: rates are resolved from it daily */
    bool dirty_now, dirty_exp; /* changed since tau_own / tau_exp_own were resolved */
    bool entry_held;           /* tau_entry_own holds entry_day's rates */
    tw_day now_day, exp_day, entry_day; /* the days tau_own, tau_exp_own, tau_entry_own hold */
    uint32_t now_version;      /* counts the resolutions of tau_own (tw_rates_version) */
    tw_rate_table tau_own, tau_exp_own, tau_any_own, tau_deal_own, tau_entry_own;
};

tw_status tw_rates_create(const tw_tariff_book *book, const tw_rates_scenario *sc,
                          bool appendable, tw_rates **out, tw_err *err) {
    *out = NULL;
    tw_rates *r = calloc(1, sizeof *r);
    if (r == NULL) return tw_err_set(err, TW_ENOMEM, "out of memory");
    r->sc = sc;
    if (appendable) {
        tw_status st = tw_tariffs_copy(&r->book, book, err);
        if (st != TW_OK) {
            free(r);
            return st;
        }
        for (size_t k = 0; k < r->book.n; k++) r->in_transit = r->in_transit || r->book.items[k].in_transit;
    }
    *out = r;
    return TW_OK;
}

void tw_rates_free(tw_rates *r) {
    if (r == NULL) return;
    tw_tariffs_free(&r->book);
    free(r);
}

const tw_tariff_book *tw_rates_book(const tw_rates *r) { return &r->book; }
bool tw_rates_changed(const tw_rates *r) { return r->own_rates; }

uint32_t tw_rates_version(const tw_rates *r) { return r->now_version; }

static void stale(tw_rates *r) {
    r->own_rates = r->dirty_now = r->dirty_exp = true;
    r->entry_held = false;
}

/* Whether the in-transit rule of entry e changes for some goods between day - 1 and day:
 * the goods entering on day from some exporter were loaded on or after its loaded_before
 * when yesterday's were not, or day is its entered_before. */
static bool transit_turns(const tw_rates *r, const tw_tariff *e, tw_day day) {
    if (!e->in_transit) return false;
    if (e->entered_before == day) return true;
    int nreg = r->book.nreg;
    for (int i = 0; i < nreg; i++)
        for (int j = 0; j < nreg; j++)
            if (i != j && (int64_t)day - r->sc->lag[j][i] == (int64_t)e->loaded_before) return true;
    return false;
}

tw_status tw_rates_add(tw_rates *r, const tw_tariff *t, tw_err *err) {
    stale(r);
    r->in_transit = r->in_transit || t->in_transit;
    return tw_tariffs_add(&r->book, t, err);
}

/* End on day every entry that matches (measure < 0: any; since: effective on or after) and
 * is still in force after day or not yet in force; pinned entries stay. */
static int end_entries(tw_rates *r, int measure, int authority, tw_day since, tw_day day) {
    int n = 0;
    for (size_t k = 0; k < r->book.n; k++) {
        tw_tariff *t = &r->book.items[k];
        if ((measure >= 0 && t->measure != measure) || t->authority != authority ||
            t->effective < since || t->end <= day || t->pinned)
            continue;
        t->end = t->effective < day ? day : t->effective; /* ends, or never starts */
        n++;
    }
    stale(r);
    return n;
}

int tw_rates_strike(tw_rates *r, int authority, tw_day day) {
    return end_entries(r, -1, authority, INT32_MIN, day);
}

int tw_rates_lapse(tw_rates *r, int measure, int authority, tw_day since, tw_day day) {
    return end_entries(r, measure, authority, since, day);
}

void tw_rates_on(tw_rates *r, uint32_t d, bool exp, tw_rates_day *out) {
    const tw_rates_day *pre = &r->sc->pre;
    if (!r->own_rates) {
        out->now = &pre->now[d];
        if (!exp) return;
        out->exp = &pre->exp[d];
        out->any = &pre->any[d];
        out->deal = &pre->deal[d];
        out->entry = &pre->entry[d];
        return;
    }
    tw_day day = r->sc->start + (tw_day)d;
    int64_t h = (int64_t)day + r->sc->horizon;
    bool now_stale = r->dirty_now || (r->now_day != day && r->now_day != day - 1);
    bool exp_stale = r->dirty_exp || r->exp_day != day - 1;
    /* The entering goods' rates are as yesterday's unless an entry takes effect or ends
     * today or an in-transit rule turns today (they exist only where some entry has such
     * a rule). */
    bool entry_stale = !r->in_transit || !r->entry_held ||
                       (r->entry_day != day && r->entry_day != day - 1);
    for (size_t k = 0; k < r->book.n && !(now_stale && exp_stale && entry_stale); k++) {
        const tw_tariff *e = &r->book.items[k];
        if (r->now_day != day && (e->effective == day || e->end == day)) now_stale = true;
        if (e->effective == day || e->end == day || e->announced == day || e->withdrawn == day ||
            e->effective == h || e->end == h)
            exp_stale = true;
        if (r->entry_day != day &&
            (e->effective == day || e->end == day || transit_turns(r, e, day)))
            entry_stale = true;
    }
    if (now_stale) {
        tw_tariffs_rates(&r->book, day, TW_DAY_NEVER, r->tau_own);
        r->now_version++;
    }
    r->now_day = day;
    r->dirty_now = false;
    out->now = (const tw_rate_table *)&r->tau_own;
    if (!exp) return;
    if (exp_stale) {
        tw_tariffs_outlook(&r->book, day, r->sc->horizon, r->tau_exp_own, r->tau_any_own);
        tw_tariffs_rates_deal(&r->book, day, r->sc->terms, r->tau_deal_own);
    }
    r->exp_day = day;
    r->dirty_exp = false;
    /* Goods in transit meet the in-transit rules on the days they enter: resolved where
     * the book has such a rule, on the days those rates can move; elsewhere they pay
     * today's rates. */
    if (r->in_transit && entry_stale) {
        tw_tariffs_rates_entering(&r->book, day, r->sc->lag, r->tau_entry_own);
        r->entry_held = true;
    }
    r->entry_day = day;
    out->exp = (const tw_rate_table *)&r->tau_exp_own;
    out->any = (const tw_rate_table *)&r->tau_any_own;
    out->deal = (const tw_rate_table *)&r->tau_deal_own;
    out->entry = (const tw_rate_table *)(r->in_transit ? &r->tau_entry_own : &r->tau_own);
}

tw_status tw_rates_with(tw_rates *r, const tw_tariff *extra, tw_day t, tw_rate_table out,
                        tw_err *err) {
    /* The candidate goes on top of the book, is resolved and taken off again. */
    size_t n = r->book.n;
    tw_status st = tw_tariffs_add(&r->book, extra, err);
    if (st != TW_OK) return st;
    tw_tariffs_rates(&r->book, t, TW_DAY_NEVER, out);
    r->book.n = n;
    return TW_OK;
}
