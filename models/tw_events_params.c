/* tw_events_params.c - read the events' sections: `events:` (leader calls and deals,
 * truces with their extension, commitments and breach rule, the court ruling on the IEEPA
 * tariffs, the US vehicle-halt threshold) and `third_parties:`, and list the parameters
 * that vary between replicates (replicates.csv's columns after the outcomes).
 *
 * Read after the governments (tw_gov_params.c), whose parameters the truce's levels and
 * commitments are checked against and whose drawn parameters come between the events'
 * and the third parties' in the list (slot order). Every key is optional; the grammar of
 * uncertain parameters, percents, days and measure ids is tw_policy.h's, shared with the
 * governments. Keys and defaults are documented in scenarios/README.md.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tw_events.h"

/* leader_calls.reference: {per_year: R, source: TEXT}, the historical rate of calls the
 * summary sets the simulated calls against; the source is required with the rate. */
static tw_status load_call_reference(const tw_cfg_node *c, tw_events_params *ep, tw_err *err) {
    const tw_cfg_node *ref;
    const char *source = NULL;
    tw_status st;
    ep->call_ref_per_year = NAN;
    if ((st = tw_policy_section(c, "reference", &ref, err)) != TW_OK || ref == NULL) return st;
    if ((st = tw_cfg_double(ref, "per_year", true, 0.0, 0.0, 365.0, &ep->call_ref_per_year, err)) !=
        TW_OK)
        return st;
    if ((st = tw_cfg_string(ref, "source", true, NULL, &source, err)) != TW_OK) return st;
    if (source[0] == '\0') return tw_cfg_error(err, tw_cfg_get(ref, "source"), "expected a non-empty source");
    return TW_OK;
}

static tw_status load_calls(const tw_cfg_node *ev, tw_day start, tw_events_params *ep,
                            tw_err *err) {
    const tw_cfg_node *c, *d;
    tw_status st;
    if ((st = tw_policy_section(ev, "leader_calls", &c, err)) != TW_OK) return st;
    const tw_cfg_node *dates = tw_cfg_get(c, "dates");
    if (dates != NULL) {
        if (tw_cfg_kind_of(dates) != TW_CFG_SEQ || tw_cfg_len(dates) > TW_MAX_CALL_DATES)
            return tw_cfg_error(err, dates, "expected a list of at most %d dates", TW_MAX_CALL_DATES);
        for (size_t k = 0; k < tw_cfg_len(dates); k++) {
            const tw_cfg_node *item = tw_cfg_at(dates, k);
            const char *text = tw_cfg_text(item);
            if (text == NULL || !tw_date_parse(text, &ep->call_dates[k]))
                return tw_cfg_error(err, item, "expected a date YYYY-MM-DD that exists (got %s)",
                                    text != NULL ? text : "a non-scalar");
        }
        ep->n_call_dates = (int)tw_cfg_len(dates);
    }
    if ((st = tw_dist_load(c, "hazard_per_day", 0.0, 0.0, 1.0, &ep->call_base, err)) != TW_OK) return st;
    if ((st = tw_dist_load(c, "pain_slope", 0.0, 0.0, 10.0, &ep->call_slope, err)) != TW_OK) return st;
    if ((st = tw_cfg_date(c, "from", false, start, &ep->call_from, err)) != TW_OK) return st;
    if ((st = tw_policy_days(c, "cooldown_days", 0, 0, 3660, &ep->call_cooldown, err)) != TW_OK) return st;
    if ((st = tw_cfg_double(c, "recovery_days", false, TW_CALL_RECOVERY_DAYS, 0.0, 3660.0,
                            &ep->call_recovery, err)) != TW_OK)
        return st;
    if ((st = load_call_reference(c, ep, err)) != TW_OK) return st;
    const tw_cfg_node *cr;
    if ((st = tw_policy_section(c, "crisis", &cr, err)) != TW_OK) return st;
    if ((st = tw_dist_load(cr, "boost_per_day", 0.0, 0.0, 10.0, &ep->crisis_boost, err)) != TW_OK)
        return st;
    if ((st = tw_cfg_double(cr, "decay_days", false, 30.0, 0.1, 3660.0, &ep->crisis_decay, err)) !=
        TW_OK)
        return st;
    ep->crisis_last = TW_DAY_NEVER;
    if (cr != NULL && tw_cfg_get(cr, "last") != NULL &&
        (st = tw_cfg_date(cr, "last", true, start, &ep->crisis_last, err)) != TW_OK)
        return st;
    if ((st = tw_policy_section(ev, "deal", &d, err)) != TW_OK) return st;
    if ((st = tw_dist_load(d, "base", 0.5, 0.0, 1.0, &ep->deal_base, err)) != TW_OK) return st;
    if ((st = tw_dist_load(d, "pain_slope", 0.0, 0.0, 10.0, &ep->deal_slope, err)) != TW_OK) return st;
    if ((st = tw_cfg_double(d, "holdout", false, 0.5, 0.0, 1.0, &ep->holdout, err)) != TW_OK)
        return st;
    const tw_cfg_node *cut, *sm;
    if ((st = tw_policy_section(d, "summit", &sm, err)) != TW_OK) return st;
    if ((st = tw_dist_load(sm, "share", 0.0, 0.0, 1.0, &ep->summit_share, err)) != TW_OK) return st;
    if ((st = tw_dist_load(sm, "base", 0.5, 0.0, 1.0, &ep->summit_base, err)) != TW_OK) return st;
    if ((st = tw_policy_section(d, "cut", &cut, err)) != TW_OK) return st;
    if ((st = tw_dist_load(cut, "prob", 0.0, 0.0, 1.0, &ep->cut_prob, err)) != TW_OK) return st;
    return tw_dist_load(cut, "share", 0.0, 0.0, 1.0, &ep->cut_share, err);
}

static tw_status load_truce(const tw_cfg_node *ev, tw_events_params *ep, tw_err *err) {
    const tw_cfg_node *t, *in, *lv, *cm, *ex, *br;
    tw_status st;
    for (int r = 0; r < ep->nreg; r++) {
        ep->level[r] = NAN;
        ep->commit_regime[r] = -1;
    }
    if ((st = tw_policy_section(ev, "truce", &t, err)) != TW_OK) return st;
    if ((st = tw_policy_section(t, "in_force", &in, err)) != TW_OK) return st;
    if (in != NULL) {
        ep->truce_in_force = true;
        if ((st = tw_cfg_date(in, "since", true, 0, &ep->truce_since, err)) != TW_OK) return st;
        if ((st = tw_cfg_date(in, "until", true, 0, &ep->truce_until, err)) != TW_OK) return st;
        if (ep->truce_until <= ep->truce_since)
            return tw_cfg_error(err, tw_cfg_get(in, "until"), "expected a date after since");
    }
    if ((st = tw_policy_days(t, "duration_days", 90, 1, 3660, &ep->truce_days, err)) != TW_OK) return st;
    if ((st = tw_policy_days(t, "extension_days", 90, 1, 3660, &ep->extension_days, err)) != TW_OK) return st;
    if ((st = tw_policy_section(t, "levels", &lv, err)) != TW_OK) return st;
    if ((st = tw_policy_section(t, "commitments", &cm, err)) != TW_OK) return st;
    if ((st = tw_world_check_keys(lv, ep->regions, false, err)) != TW_OK) return st;
    if ((st = tw_world_check_keys(cm, ep->regions, false, err)) != TW_OK) return st;
    for (int r = 0; r < ep->nreg; r++) {
        if (tw_cfg_get(lv, ep->regions[r]) != NULL) {
            if (!ep->gov[r].active || ep->gov[r].measure < 0)
                return tw_cfg_error(err, tw_cfg_get(lv, ep->regions[r]),
                                    "a truce level needs governments.%s with a lever measure",
                                    ep->regions[r]);
            if ((st = tw_policy_pct(lv, ep->regions[r], 0.0, 0.0, 1000.0, &ep->level[r], err)) != TW_OK)
                return st;
        }
        if ((st = tw_cfg_enum(cm, ep->regions[r], false, -1, tw_ctrl_regime_names,
                              &ep->commit_regime[r], err)) != TW_OK)
            return st;
        if (ep->commit_regime[r] >= 0 && !ep->gov[r].active)
            return tw_cfg_error(err, tw_cfg_get(cm, ep->regions[r]),
                                "a commitment needs governments.%s", ep->regions[r]);
    }
    if ((st = tw_policy_section(t, "extension", &ex, err)) != TW_OK) return st;
    if ((st = tw_world_check_keys(ex, ep->regions, false, err)) != TW_OK) return st;
    if ((st = tw_dist_load(ex, "base", 0.5, 0.0, 1.0, &ep->ext_base, err)) != TW_OK) return st;
    if ((st = tw_dist_load(ex, "pain_slope", 0.0, 0.0, 10.0, &ep->ext_slope, err)) != TW_OK) return st;
    if ((st = tw_cfg_double(ex, "breach_penalty", false, 0.5, 0.0, 1.0, &ep->breach_penalty, err)) !=
        TW_OK)
        return st;
    ep->has_ext_accused = ex != NULL && tw_cfg_get(ex, "accused") != NULL;
    if ((st = tw_dist_load(ex, "accused", 0.0, 0.0, 1.0, &ep->ext_accused, err)) != TW_OK)
        return st;
    /* Each government's own word on an extension: events.truce.extension.CN: 0 is China
     * refusing to extend, whatever the leaders' joint chance. */
    for (int r = 0; r < ep->nreg; r++) {
        const tw_cfg_node *side = tw_cfg_get(ex, ep->regions[r]);
        if (side != NULL && !ep->gov[r].active)
            return tw_cfg_error(err, side, "a side's word on an extension needs governments.%s",
                                ep->regions[r]);
        if ((st = tw_dist_load(ex, ep->regions[r], 1.0, 0.0, 1.0, &ep->ext_side[r], err)) !=
            TW_OK)
            return st;
    }
    if ((st = tw_policy_section(t, "breach", &br, err)) != TW_OK) return st;
    if ((st = tw_policy_days(br, "window_days", 14, 1, 365, &ep->breach_window, err)) != TW_OK) return st;
    if ((st = tw_cfg_double(br, "shortfall", false, 0.5, 0.0, 1.0, &ep->breach_shortfall, err)) !=
        TW_OK)
        return st;
    ep->accuse_hazard = br != NULL && tw_cfg_get(br, "accuse_per_day") != NULL;
    return tw_dist_load(br, "accuse_per_day", 1.0, 0.0, 10.0, &ep->accuse_rate, err);
}

static tw_status load_court(const tw_cfg_node *ev, tw_tariff_book *book, tw_events_params *ep,
                            tw_err *err) {
    const tw_cfg_node *c, *re;
    tw_status st;
    if ((st = tw_policy_section(ev, "court", &c, err)) != TW_OK) return st;
    if (c == NULL) return TW_OK;
    ep->court = true;
    if ((st = tw_cfg_date(c, "from", true, 0, &ep->court_from, err)) != TW_OK) return st;
    if ((st = tw_cfg_date(c, "to", false, ep->court_from, &ep->court_to, err)) != TW_OK) return st;
    if (ep->court_to < ep->court_from)
        return tw_cfg_error(err, tw_cfg_get(c, "to"), "expected a date on or after from");
    if ((st = tw_dist_load(c, "strike_prob", 0.5, 0.0, 1.0, &ep->strike_prob, err)) != TW_OK) return st;
    if ((st = tw_policy_section(c, "reimpose", &re, err)) != TW_OK) return st;
    if ((st = tw_dist_load(re, "prob", 0.0, 0.0, 1.0, &ep->reimpose_prob, err)) != TW_OK) return st;
    if ((st = tw_policy_days(re, "delay_days", 30, 0, 3660, &ep->reimpose_delay, err)) != TW_OK) return st;
    if ((st = tw_policy_days(re, "duration_days", 150, 1, 3660, &ep->reimpose_days, err)) != TW_OK)
        return st;
    if ((st = tw_policy_pct(re, "cap_pct", 15.0, 0.0, 1000.0, &ep->reimpose_cap, err)) != TW_OK) return st;
    if ((st = tw_cfg_enum(re, "authority", false, TW_AUTH_OTHER, tw_authority_names,
                          &ep->reimpose_authority, err)) != TW_OK)
        return st;
    if (ep->reimpose_authority == TW_AUTH_IEEPA)
        return tw_cfg_error(err, tw_cfg_get(re, "authority"), "expected an authority other than IEEPA");
    if (tw_cfg_get(re, "measure") == NULL) {
        ep->reimpose_measure = tw_tariffs_intern(book, "reimposed");
        return ep->reimpose_measure < 0 ? tw_err_set(err, TW_ENOMEM, "out of memory") : TW_OK;
    }
    return tw_policy_measure(re, "measure", true, book, &ep->reimpose_measure, err);
}

static tw_status load_third(const tw_cfg_node *e, tw_tariff_book *book, tw_third_params *tp,
                            tw_err *err) {
    tw_status st;
    const tw_cfg_node *w;
    if (tw_cfg_kind_of(e) != TW_CFG_MAP) return tw_cfg_error(err, e, "expected a map (a third party)");
    if ((st = tw_cfg_enum(e, "actor", true, 0, book->regions, &tp->actor, err)) != TW_OK) return st;
    if ((st = tw_policy_section(e, "watch", &w, err)) != TW_OK) return st;
    if (w == NULL) return tw_cfg_error(err, e, "missing required key watch (a map)");
    if ((st = tw_cfg_enum(w, "imposer", true, 0, book->regions, &tp->watch_imposer, err)) != TW_OK)
        return st;
    if (tp->watch_imposer == tp->actor)
        return tw_cfg_error(err, tw_cfg_get(w, "imposer"), "expected a region other than the actor");
    if ((st = tw_policy_measure(w, "measure", true, book, &tp->watch_measure, err)) != TW_OK) return st;
    if ((st = tw_cfg_enum(w, "sector", true, 0, tw_sector_names, &tp->watch_sector, err)) != TW_OK)
        return st;
    if ((st = tw_policy_pct(e, "trigger_pct", 0.0, 0.0, 1000.0, &tp->trigger, err)) != TW_OK) return st;
    if ((st = tw_dist_load(e, "prob", 1.0, 0.0, 1.0, &tp->prob, err)) != TW_OK) return st;
    if ((st = tw_policy_days(e, "delay_days", 30, 0, 3660, &tp->delay, err)) != TW_OK) return st;
    if ((st = tw_policy_measure(e, "measure", true, book, &tp->measure, err)) != TW_OK) return st;
    if ((st = tw_tariffs_load_sectors(e, tp->sectors, err)) != TW_OK) return st;
    if ((st = tw_policy_pct(e, "rate", 0.0, 0.0, 1000.0, &tp->rate, err)) != TW_OK) return st;
    if (tw_cfg_get(e, "rate") == NULL) return tw_cfg_error(err, e, "missing required key rate (a percent)");
    return tw_cfg_double(e, "coverage", false, 1.0, 0.0, 1.0, &tp->coverage, err);
}

/* The list of parameters that vary between replicates, in slot order: the events', the
 * agents' (tw_gov_params_drawn), the third parties'. */
static void list_drawn(tw_events_params *ep) {
    char name[TW_DRAWN_NAME_MAX];
    tw_drawn *l = ep->drawn;
    int *n = &ep->n_drawn;
    tw_drawn_add(l, n, &ep->call_base, TW_SLOT_CALL_BASE, "events.leader_calls.hazard_per_day");
    tw_drawn_add(l, n, &ep->call_slope, TW_SLOT_CALL_SLOPE, "events.leader_calls.pain_slope");
    tw_drawn_add(l, n, &ep->crisis_boost, TW_SLOT_CRISIS, "events.leader_calls.crisis.boost_per_day");
    tw_drawn_add(l, n, &ep->deal_base, TW_SLOT_DEAL_BASE, "events.deal.base");
    tw_drawn_add(l, n, &ep->summit_share, TW_SLOT_SUMMIT_SHARE, "events.deal.summit.share");
    tw_drawn_add(l, n, &ep->summit_base, TW_SLOT_SUMMIT_BASE, "events.deal.summit.base");
    tw_drawn_add(l, n, &ep->cut_prob, TW_SLOT_CUT_PROB, "events.deal.cut.prob");
    tw_drawn_add(l, n, &ep->cut_share, TW_SLOT_CUT_SHARE, "events.deal.cut.share");
    tw_drawn_add(l, n, &ep->deal_slope, TW_SLOT_DEAL_SLOPE, "events.deal.pain_slope");
    tw_drawn_add(l, n, &ep->ext_base, TW_SLOT_EXT_BASE, "events.truce.extension.base");
    tw_drawn_add(l, n, &ep->ext_slope, TW_SLOT_EXT_SLOPE, "events.truce.extension.pain_slope");
    if (ep->has_ext_accused)
        tw_drawn_add(l, n, &ep->ext_accused, TW_SLOT_EXT_ACCUSED, "events.truce.extension.accused");
    tw_drawn_add(l, n, &ep->accuse_rate, TW_SLOT_ACCUSE, "events.truce.breach.accuse_per_day");
    for (int r = 0; r < ep->nreg; r++) {
        snprintf(name, sizeof name, "events.truce.extension.%s", ep->regions[r]);
        tw_drawn_add(l, n, &ep->ext_side[r], TW_SLOT_EXT_SIDE + r, name);
    }
    if (ep->court) {
        tw_drawn_add(l, n, &ep->strike_prob, TW_SLOT_STRIKE, "events.court.strike_prob");
        tw_drawn_add(l, n, &ep->reimpose_prob, TW_SLOT_REIMPOSE, "events.court.reimpose.prob");
        if (ep->court_to > ep->court_from && ep->n_drawn < TW_MAX_DRAWN)
            ep->drawn[ep->n_drawn++] = (tw_drawn){"events.court.ruling_day", TW_SLOT_COURT_DAY, true};
    }
    tw_gov_params_drawn(ep->gov, ep->regions, l, n);
    for (int k = 0; k < ep->n_third; k++) {
        snprintf(name, sizeof name, "third_parties[%d].prob", k);
        tw_drawn_add(l, n, &ep->third[k].prob, TW_SLOT_THIRD + k, name);
    }
}

const char tw_events_section[] = "events", tw_third_parties_section[] = "third_parties";

tw_status tw_events_params_load(const tw_cfg_node *root, tw_tariff_book *book, tw_day start,
                                const tw_gov_params gov[TW_NREG_MAX], tw_events_params *ep,
                                tw_err *err) {
    const tw_cfg_node *ev;
    tw_status st;
    memset(ep, 0, sizeof *ep);
    ep->nreg = book->nreg;
    ep->regions = book->regions;
    ep->gov = gov;
    ep->vehicle_halt_loss = 0.5;
    for (int r = 0; r < ep->nreg; r++) ep->enabled = ep->enabled || gov[r].active;
    if ((st = tw_policy_section(root, tw_events_section, &ev, err)) != TW_OK) return st;
    if (ev != NULL) ep->enabled = true;
    if ((st = load_calls(ev, start, ep, err)) != TW_OK) return st;
    if ((st = load_truce(ev, ep, err)) != TW_OK) return st;
    if ((st = load_court(ev, book, ep, err)) != TW_OK) return st;
    if ((st = tw_cfg_double(ev, "vehicle_halt_loss", false, 0.5, 0.0, 1.0, &ep->vehicle_halt_loss,
                            err)) != TW_OK)
        return st;
    const tw_cfg_node *tp = tw_cfg_get(root, tw_third_parties_section);
    if (tp != NULL) {
        if (tw_cfg_kind_of(tp) != TW_CFG_SEQ || tw_cfg_len(tp) > TW_MAX_THIRD)
            return tw_cfg_error(err, tp, "expected a list of at most %d third parties", TW_MAX_THIRD);
        for (size_t k = 0; k < tw_cfg_len(tp); k++)
            if ((st = load_third(tw_cfg_at(tp, k), book, &ep->third[k], err)) != TW_OK) return st;
        ep->n_third = (int)tw_cfg_len(tp);
        if (ep->n_third > 0) ep->enabled = true;
    }
    if (ep->enabled) list_drawn(ep);
    return TW_OK;
}
