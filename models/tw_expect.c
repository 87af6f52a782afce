/* tw_expect.c - the `firms.expectations:` keys and the chance of a deal (tw_expect.h). */
#include <math.h>
#include <string.h>

#include "tw_expect.h"

/* The negotiable measure ids: a sequence of names (default: the 2025 levers). */
static tw_status negotiable(const tw_cfg_node *x, tw_deal_terms *terms, tw_err *err) {
    const tw_cfg_node *seq = tw_cfg_get(x, "negotiable");
    terms->n = 0;
    if (seq == NULL) {
        static const char *const def[] = {"reciprocal", "counter_tariff"};
        for (int k = 0; k < 2; k++) snprintf(terms->names[terms->n++], TW_MEASURE_NAME_MAX, "%s", def[k]);
        return TW_OK;
    }
    if (tw_cfg_kind_of(seq) != TW_CFG_SEQ)
        return tw_cfg_error(err, seq, "expected a list of measure ids, as in [reciprocal]");
    if (tw_cfg_len(seq) > TW_MAX_NEGOTIABLE)
        return tw_cfg_error(err, seq, "expected at most %d measure ids (got %zu)", TW_MAX_NEGOTIABLE,
                            tw_cfg_len(seq));
    for (size_t k = 0; k < tw_cfg_len(seq); k++) {
        const tw_cfg_node *e = tw_cfg_at(seq, k);
        const char *s = tw_cfg_text(e);
        if (s == NULL || s[0] == '\0' || strlen(s) >= TW_MEASURE_NAME_MAX)
            return tw_cfg_error(err, e, "expected a measure id of 1 to %d characters",
                                TW_MEASURE_NAME_MAX - 1);
        snprintf(terms->names[terms->n++], TW_MEASURE_NAME_MAX, "%s", s);
    }
    return TW_OK;
}

/* Add a government's lever measure to the negotiable ones unless it is there. */
static void add_lever(tw_deal_terms *terms, const char *name) {
    for (int k = 0; k < terms->n; k++)
        if (strcmp(terms->names[k], name) == 0) return;
    if (terms->n < TW_MAX_NEGOTIABLE) snprintf(terms->names[terms->n++], TW_MEASURE_NAME_MAX, "%s", name);
}

tw_status tw_expect_load(const tw_cfg_node *firms, const tw_tariff_book *book,
                         const tw_events_params *ev, int horizon, tw_expect_params *out,
                         tw_err *err) {
    memset(out, 0, sizeof *out);
    const tw_cfg_node *x = tw_cfg_get(firms, "expectations");
    if (x != NULL && tw_cfg_kind_of(x) != TW_CFG_MAP) return tw_cfg_error(err, x, "expected a map");
    tw_status st = negotiable(x, &out->terms, err);
    if (st != TW_OK) return st;
    for (int r = 0; r < book->nreg && ev->enabled && ev->gov != NULL; r++)
        if (ev->gov[r].active && ev->gov[r].measure >= 0 && (size_t)ev->gov[r].measure < book->n_names)
            add_lever(&out->terms, book->names[ev->gov[r].measure]);
    double level = NAN;
    if (tw_cfg_get(x, "deal_level_pct") != NULL) {
        if ((st = tw_cfg_double(x, "deal_level_pct", true, 0.0, 0.0, 1000.0, &level, err)) != TW_OK)
            return st;
        level /= 100.0;
    }
    for (int r = 0; r < book->nreg; r++)
        out->terms.level[r] = !isnan(level) ? level
                              : (ev->enabled && !isnan(ev->level[r])) ? ev->level[r]
                                                                      : TW_DEAL_LEVEL_DEFAULT;
    /* The events' rate: contacts a day times the chance a contact ends in a deal. */
    double events_rate = ev->enabled ? 365.0 * tw_dist_mean(&ev->call_base) * tw_dist_mean(&ev->deal_base)
                                     : 0.0;
    out->from_events = events_rate > 0.0;
    out->expiry_belief = out->from_events ? 1.0 - tw_dist_mean(&ev->ext_base) : NAN;
    double def = out->from_events ? events_rate : TW_DEAL_RATE_PRIOR;
    if ((st = tw_cfg_double(x, "deals_per_year", false, def, 0.0, 365.0, &out->per_year, err)) != TW_OK)
        return st;
    double q = 1.0 - exp(-out->per_year * horizon / 365.0);
    for (int i = 0; i < book->nreg; i++)
        for (int j = 0; j < book->nreg; j++) {
            bool pair = i != j && (!out->from_events || (i == TW_US && j == TW_CN) ||
                                   (i == TW_CN && j == TW_US));
            out->q[i][j] = pair ? q : 0.0;
        }
    return TW_OK;
}
