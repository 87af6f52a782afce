/* tw_controls.c - parse export-control entries and resolve the regime in force.
 *
 * Like tariffs, the books are small and resolved once per day per (exporter, destination,
 * good), not per firm, so a plain scan is the clearest way. The book grows by doubling
 * because government decisions append entries to a replicate's copy during a run.
 */
#include "tw_controls.h"

#include <stdlib.h>
#include <string.h>

#include "tw_book.h"
#include "tw_tariffs.h"

const char *const tw_ctrl_regime_names[TW_NCTRL + 1] = {"open", "licensing", "slow_roll", "halt",
                                                        NULL};
static const char *const goods[TW_NGOODS + 1] = {"rare_earth_magnets", NULL};

/* Default hazard multiplier under slow_roll: approvals at a quarter of the statutory pace. */
#define TW_CTRL_SLOW_ROLL_DEFAULT 0.25

void tw_controls_free(tw_control_book *book) {
    if (book == NULL) return;
    free(book->items);
    memset(book, 0, sizeof *book);
}

static tw_status reserve(tw_control_book *b, size_t n, tw_err *err) {
    void *items = b->items;
    tw_status st = tw_book_reserve(&items, &b->cap, sizeof *b->items, n, TW_MAX_CONTROLS,
                                   "export-control entries", err);
    b->items = items;
    return st;
}

tw_status tw_controls_add(tw_control_book *book, const tw_control *c, tw_err *err) {
    tw_status st = reserve(book, book->n + 1, err);
    if (st != TW_OK) return st;
    book->items[book->n++] = *c;
    return TW_OK;
}

tw_status tw_controls_copy(tw_control_book *dst, const tw_control_book *src, tw_err *err) {
    memset(dst, 0, sizeof *dst);
    tw_status st = reserve(dst, src->n, err);
    if (st != TW_OK) return st;
    if (src->n > 0) memcpy(dst->items, src->items, src->n * sizeof *src->items);
    dst->n = src->n;
    dst->n_script = src->n_script;
    return TW_OK;
}

static tw_status load_entry(const tw_cfg_node *e, const tw_world *world, tw_control *c,
                            tw_err *err) {
    tw_status st;
    const char *id = NULL, *text = NULL;
    if (tw_cfg_kind_of(e) != TW_CFG_MAP)
        return tw_cfg_error(err, e, "expected a map (an export-control entry)");
    memset(c, 0, sizeof *c);
    if ((st = tw_cfg_string(e, "id", true, NULL, &id, err)) != TW_OK) return st;
    if (id[0] == '\0' || strlen(id) >= TW_CTRL_ID_MAX)
        return tw_cfg_error(err, tw_cfg_get(e, "id"), "expected an id of 1 to %d characters",
                            TW_CTRL_ID_MAX - 1);
    snprintf(c->id, sizeof c->id, "%s", id);
    if ((st = tw_cfg_enum(e, "exporter", true, 0, world->names, &c->exporter, err)) != TW_OK)
        return st;
    const char *dests[TW_NREG_MAX + 2];
    tw_world_targets(world, dests);
    int dest;
    if ((st = tw_cfg_enum(e, "destination", true, 0, dests, &dest, err)) != TW_OK) return st;
    c->dest = (dest == world->nreg) ? TW_TARGET_ALL : dest;
    if (c->dest == c->exporter)
        return tw_cfg_error(err, tw_cfg_get(e, "destination"),
                            "expected a region other than the exporter %s (or ALL)",
                            world->names[c->exporter]);
    if ((st = tw_cfg_enum(e, "good", false, TW_CTRL_GOOD_RE, goods, &c->good, err)) != TW_OK)
        return st;
    int regime;
    if ((st = tw_cfg_enum(e, "regime", true, 0, tw_ctrl_regime_names, &regime, err)) != TW_OK)
        return st;
    c->regime = (tw_ctrl_regime)regime;
    if ((st = tw_cfg_double(e, "slow_roll_factor", false, TW_CTRL_SLOW_ROLL_DEFAULT, 0.0, 1.0,
                            &c->slow_roll_factor, err)) != TW_OK)
        return st;
    if (c->regime == TW_CTRL_SLOW_ROLL && c->slow_roll_factor <= 0.0)
        return tw_cfg_error(err, tw_cfg_get(e, "slow_roll_factor"),
                            "expected a factor above 0 (use regime: halt for no approvals)");
    /* Not given: -1, the importing side's default (rare_earths.licence_validity_days). */
    int64_t validity = -1;
    if (tw_cfg_get(e, "validity_days") != NULL &&
        (st = tw_cfg_int(e, "validity_days", true, 0, 0, 3660, &validity, err)) != TW_OK)
        return st;
    c->validity_days = (int)validity;
    if ((st = tw_cfg_date(e, "effective", true, 0, &c->effective, err)) != TW_OK) return st;
    if ((st = tw_cfg_date(e, "announced", false, c->effective, &c->announced, err)) != TW_OK)
        return st;
    if ((st = tw_cfg_date(e, "end", false, TW_DAY_NEVER, &c->end, err)) != TW_OK) return st;
    /* duration_days is the other way to give the end: effective + duration. */
    const tw_cfg_node *dur = tw_cfg_get(e, "duration_days");
    if (dur != NULL) {
        if (tw_cfg_get(e, "end") != NULL)
            return tw_cfg_error(err, dur, "expected either end or duration_days, not both");
        int64_t days;
        if ((st = tw_cfg_int(e, "duration_days", true, 0, 1, 36600, &days, err)) != TW_OK)
            return st;
        c->end = c->effective + (tw_day)days;
    }
    if (c->end <= c->effective) {
        char d[TW_DATE_STRLEN];
        return tw_cfg_error(err, tw_cfg_get(e, "end"), "expected a date after effective %s",
                            tw_date_format(c->effective, d));
    }
    if ((st = tw_cfg_bool(e, "pinned", false, false, &c->pinned, err)) != TW_OK) return st;
    if ((st = tw_cfg_string(e, "note", false, "", &text, err)) != TW_OK) return st;
    if ((st = tw_cfg_string(e, "source", false, "", &text, err)) != TW_OK) return st;
    return TW_OK;
}

tw_status tw_controls_load(const tw_cfg_node *seq, const tw_world *world, tw_control_book *book,
                           tw_err *err) {
    memset(book, 0, sizeof *book);
    if (seq == NULL) return TW_OK;
    if (tw_cfg_kind_of(seq) != TW_CFG_SEQ)
        return tw_cfg_error(err, seq, "expected a list of export-control entries");
    size_t n = tw_cfg_len(seq);
    if (n > TW_MAX_CONTROLS)
        return tw_cfg_error(err, seq, "expected at most %d entries (got %zu)", TW_MAX_CONTROLS,
                            n);
    tw_status st = reserve(book, n, err);
    for (size_t i = 0; i < n && st == TW_OK; i++) {
        st = load_entry(tw_cfg_at(seq, i), world, &book->items[i], err);
        for (size_t j = 0; j < i && st == TW_OK; j++)
            if (strcmp(book->items[j].id, book->items[i].id) == 0)
                st = tw_cfg_error(err, tw_cfg_get(tw_cfg_at(seq, i), "id"),
                                  "expected a unique id ('%s' is used twice)", book->items[i].id);
    }
    if (st != TW_OK) {
        tw_controls_free(book);
        return st;
    }
    book->n = book->n_script = n;
    return TW_OK;
}

/* An entry's rank under the books' precedence rule (tw_book.h); NULL: none. */
static tw_book_rank rank(const tw_control *e) {
    tw_book_rank r = {e, e != NULL ? e->effective : 0, e != NULL && e->dest != TW_TARGET_ALL};
    return r;
}

const tw_control *tw_controls_at(const tw_control_book *book, tw_day t, int exporter, int dest,
                                 int good) {
    const tw_control *best = NULL;
    for (size_t k = 0; k < book->n; k++) {
        const tw_control *e = &book->items[k];
        if (e->exporter != exporter || e->good != good ||
            (e->dest != dest && e->dest != TW_TARGET_ALL))
            continue;
        if (e->effective > t || t >= e->end) continue;
        /* The scenario's entries come first: an added one does not count over a pinned one. */
        if (k >= book->n_script && best != NULL && best->pinned) continue;
        if (tw_book_beats(rank(e), rank(best))) best = e;
    }
    return best;
}
