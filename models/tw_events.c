/* tw_events.c - negotiation and other events, one day at a time, in this order:
 *
 *   court       on the replicate's ruling day (uniform in the window), the IEEPA tariffs
 *               are struck down with probability strike_prob: every IEEPA entry ends that
 *               day (entries not yet in force are dropped), and nothing else changes, so
 *               Section 232 and 301 layers stand. With probability reimpose_prob the
 *               government re-imposes, after delay_days, under another authority capped at
 *               cap_pct (Section 122 allows 15% for 150 days), and its lever moves there.
 *               The substitute lapses duration_days after it takes effect (150 by default:
 *               Section 122 of the Trade Act of 1974, 19 U.S.C. 2132(a), limits it to 150
 *               days unless extended by Act of Congress): its entries end that day, the
 *               government's own included, and the lever cannot be raised again.
 *   truce end   on the expiry day the leaders agree to extend the truce (same levels for
 *               extension_days) with probability base + pain_slope * combined pain; while
 *               a breach accusation stands, accused + pain_slope * combined pain where the
 *               scenario gives extension.accused (fitted to the record's deadlines with
 *               an accusation standing), else the base chance times 1 - breach_penalty;
 *               and then each
 *               government agrees with its own probability (events.truce.extension.<region>,
 *               default 1: it goes along); the truce is extended only if all agree,
 *               otherwise the truce entries end and the pre-truce measures apply again from
 *               that day (snap-back), the log naming the side that refused.
 *   compliance  each truce day, a side with a commitment (an export-control regime it may
 *               not exceed) falls short by 0 when it keeps it, 1 - slow_roll_factor when it
 *               slow-rolls beyond it and 1 when it halts. Once the mean shortfall over
 *               window_days reaches `shortfall` the partner accuses a breach: at once, or,
 *               with accuse_per_day (lambda, drawn), with the daily chance
 *               1 - exp(-lambda * mean shortfall), the hazard fitted to the record's
 *               accusations (data/README.md, "Politics fitted to the record").
 *   broken      a side whose lever rises above its agreed level ends the truce.
 *   calls       scheduled dates, plus a daily hazard (base + pain_slope * combined pain +
 *               crisis.boost_per_day * exp(-s / crisis.decay_days), s the days since the
 *               latest crisis: a government's escalation, an accusation, a snap-back, a
 *               broken truce, or crisis.last before the run)
 *               times 1 - exp(-t / recovery_days), t the days since the last call (after
 *               `from`; none within cooldown_days of the last call): a call lowers the
 *               chance of the next one, which recovers with the time constant fitted to
 *               the gaps between US-China leader contacts of 2017-2024 (data/README.md,
 *               "Event base rates"). A contact by hazard is a summit with probability
 *               deal.summit.share. A call ends in a deal with probability base (a
 *               summit: deal.summit.base) + pain_slope * combined pain, times holdout for each
 *               pain_threshold government still under its resolve. A deal in a truce
 *               restores the commitments and clears the accusation; without a truce it
 *               starts one: the agreed levels for duration_days, commitments restored.
 *               Either way it cuts, with probability deal.cut.prob, deal.cut.share of
 *               each side's suspended gap for good (deal_cut).
 *   third       a third party whose watched layer (on it) rises above its trigger
 *               retaliates with probability prob, announced that day, in force after
 *               delay_days.
 * Changes the events make to rates take effect on days marked "agreed", which the agents
 * do not count as the partner's moves.
 *
 * State. The events keep theirs in struct tw_events below (tw_events.h): the replicate's
 * draws of their parameters, the truce, the compliance ring, the calls, the court and
 * third parties on their schedule, and their outcomes. A government's lever, regime,
 * cap, accusation and snap-back level are the governments' (tw_gov.c): the events move
 * them through tw_gov.h's functions (tools/check-layout keeps tw_gov_internal.h out of
 * this file), and the governments learn whether a truce holds from the day's view.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tw_events.h"

struct tw_events {
    const tw_events_params *ep; /* the scenario's parameters */
    tw_rng_key key;            /* the replicate's key: TW_PURPOSE_EVENT draws */
    tw_gov_world *gov;         /* the replicate's governments: their levers, through tw_gov.h */
    tw_rates *rates;           /* the replicate's tariff book: court and third parties add to it */
    const tw_control_book *controls; /* the replicate's export controls: compliance reads them */
    tw_event_log *log;         /* the replicate's event log */
    /* this replicate's draws */
    double call_base, call_slope, deal_base, deal_slope, ext_base, ext_slope;
    double crisis_boost, accuse_rate, cut_prob, cut_share, summit_share, summit_base;
    double ext_accused;        /* P(extension) while an accusation stands; NAN: base * (1 -
                                * breach_penalty) */
    double strike_prob, reimpose_prob, third_prob[TW_MAX_THIRD];
    double ext_side[TW_NREG_MAX];  /* each government's chance of agreeing to an extension */
    tw_day court_day;          /* the ruling's day; TW_DAY_NEVER without a court */
    /* truce */
    bool truce;
    tw_day truce_from;         /* first day the agreed levels apply */
    tw_day truce_until;
    tw_day first_truce_until;  /* expiry of the first truce as agreed; TW_DAY_NEVER if none */
    double shortfall[366];     /* ring of daily compliance shortfall, 0..1 */
    int n_short;
    bool breach;               /* a breach accusation is outstanding */
    /* schedule */
    tw_day last_call;          /* TW_DAY_NEVER before the first */
    tw_day last_crisis;        /* the events' latest crisis (accusation, snap-back, broken
                                * truce) or the scenario's crisis.last; TW_DAY_NEVER: none */
    bool third_done[TW_MAX_THIRD];
    tw_day reimpose_due;       /* TW_DAY_NEVER unless the court's re-imposition is to come */
    tw_day lapse_due;          /* the re-imposition's last day + 1; TW_DAY_NEVER before it */
    /* outcomes */
    double days_truce, first_call;
    bool call_before_end, deal_before_end, extended, snapped, accused, struck, third_hit, cut;
    double extensions;         /* truce extensions so far */
    double calls;              /* leader calls so far */
    double summits;            /* of which summits */
    double ruling_day;         /* day index of the court ruling; NAN before it */
    bool reimposed;
};

#define OOM(st, err) ((st) == TW_OK ? TW_OK : tw_err_set((err), TW_ENOMEM, "out of memory"))

static double clamp01(double x) { return x < 0.0 ? 0.0 : (x > 1.0 ? 1.0 : x); }

tw_status tw_events_create(const tw_events_params *ep, tw_rng_key key, tw_gov_world *gov,
                           tw_rates *rates, const tw_control_book *controls, tw_event_log *log,
                           tw_events **out, tw_err *err) {
    *out = NULL;
    if (!ep->enabled) return TW_OK;
    tw_events *e = calloc(1, sizeof *e);
    gsl_rng *rng = tw_rng_gsl_alloc(key, 0, 0, TW_PURPOSE_GOV);
    if (e == NULL || rng == NULL) {
        free(e);
        if (rng != NULL) gsl_rng_free(rng);
        return tw_err_set(err, TW_ENOMEM, "out of memory");
    }
    e->ep = ep;
    e->key = key;
    e->gov = gov;
    e->rates = rates;
    e->controls = controls;
    e->log = log;
    /* The events' slots of the parameter stream (the agents draw theirs, tw_gov_create). */
    e->call_base = tw_dist_draw_slot(&ep->call_base, rng, TW_SLOT_CALL_BASE);
    e->call_slope = tw_dist_draw_slot(&ep->call_slope, rng, TW_SLOT_CALL_SLOPE);
    e->deal_base = tw_dist_draw_slot(&ep->deal_base, rng, TW_SLOT_DEAL_BASE);
    e->deal_slope = tw_dist_draw_slot(&ep->deal_slope, rng, TW_SLOT_DEAL_SLOPE);
    e->ext_base = tw_dist_draw_slot(&ep->ext_base, rng, TW_SLOT_EXT_BASE);
    e->ext_slope = tw_dist_draw_slot(&ep->ext_slope, rng, TW_SLOT_EXT_SLOPE);
    e->strike_prob = tw_dist_draw_slot(&ep->strike_prob, rng, TW_SLOT_STRIKE);
    e->crisis_boost = tw_dist_draw_slot(&ep->crisis_boost, rng, TW_SLOT_CRISIS);
    e->accuse_rate = tw_dist_draw_slot(&ep->accuse_rate, rng, TW_SLOT_ACCUSE);
    e->cut_prob = tw_dist_draw_slot(&ep->cut_prob, rng, TW_SLOT_CUT_PROB);
    e->cut_share = tw_dist_draw_slot(&ep->cut_share, rng, TW_SLOT_CUT_SHARE);
    e->summit_share = tw_dist_draw_slot(&ep->summit_share, rng, TW_SLOT_SUMMIT_SHARE);
    e->summit_base = tw_dist_draw_slot(&ep->summit_base, rng, TW_SLOT_SUMMIT_BASE);
    e->reimpose_prob = tw_dist_draw_slot(&ep->reimpose_prob, rng, TW_SLOT_REIMPOSE);
    e->ext_accused = ep->has_ext_accused
                         ? tw_dist_draw_slot(&ep->ext_accused, rng, TW_SLOT_EXT_ACCUSED)
                         : NAN;
    e->court_day = TW_DAY_NEVER;
    if (ep->court) {
        gsl_rng_set(rng, TW_SLOT_COURT_DAY);
        unsigned long days = (unsigned long)(ep->court_to - ep->court_from + 1);
        e->court_day = ep->court_from + (tw_day)gsl_rng_uniform_int(rng, days);
    }
    for (int k = 0; k < ep->n_third; k++)
        e->third_prob[k] = tw_dist_draw_slot(&ep->third[k].prob, rng, TW_SLOT_THIRD + k);
    for (int r = 0; r < e->ep->nreg; r++)
        e->ext_side[r] = tw_dist_draw_slot(&ep->ext_side[r], rng, TW_SLOT_EXT_SIDE + r);
    gsl_rng_free(rng);
    e->first_call = NAN;
    e->ruling_day = NAN;
    e->last_call = TW_DAY_NEVER;
    e->last_crisis = ep->crisis_last;
    e->reimpose_due = TW_DAY_NEVER;
    e->lapse_due = TW_DAY_NEVER;
    e->first_truce_until = TW_DAY_NEVER;
    *out = e;
    return TW_OK;
}

void tw_events_free(tw_events *e) { free(e); }

void tw_events_drawn_values(const tw_events *e, tw_day start, double *out) {
    const tw_events_params *ep = e != NULL ? e->ep : NULL;
    for (int k = 0; ep != NULL && k < ep->n_drawn; k++) {
        int slot = ep->drawn[k].slot;
        double v = NAN;
        if (slot == TW_SLOT_CRISIS)
            v = e->crisis_boost;
        else if (slot == TW_SLOT_ACCUSE)
            v = e->accuse_rate;
        else if (slot == TW_SLOT_CUT_PROB)
            v = e->cut_prob;
        else if (slot == TW_SLOT_CUT_SHARE)
            v = e->cut_share;
        else if (slot == TW_SLOT_SUMMIT_SHARE)
            v = e->summit_share;
        else if (slot == TW_SLOT_SUMMIT_BASE)
            v = e->summit_base;
        else if (slot == TW_SLOT_EXT_ACCUSED)
            v = e->ext_accused;
        else if (slot >= TW_SLOT_CONTROL)
            v = tw_gov_drawn(e->gov, slot);
        else if (slot >= TW_SLOT_EXT_SIDE)
            v = e->ext_side[slot - TW_SLOT_EXT_SIDE];
        else if (slot >= TW_SLOT_THIRD)
            v = e->third_prob[slot - TW_SLOT_THIRD];
        else if (slot >= TW_SLOT_RESOLVE)
            v = tw_gov_drawn(e->gov, slot);
        else {
            switch (slot) {
            case TW_SLOT_CALL_BASE: v = e->call_base; break;
            case TW_SLOT_CALL_SLOPE: v = e->call_slope; break;
            case TW_SLOT_DEAL_BASE: v = e->deal_base; break;
            case TW_SLOT_DEAL_SLOPE: v = e->deal_slope; break;
            case TW_SLOT_EXT_BASE: v = e->ext_base; break;
            case TW_SLOT_EXT_SLOPE: v = e->ext_slope; break;
            case TW_SLOT_STRIKE: v = e->strike_prob; break;
            case TW_SLOT_REIMPOSE: v = e->reimpose_prob; break;
            case TW_SLOT_COURT_DAY: v = (double)(e->court_day - start); break;
            default: break;
            }
        }
        out[k] = v;
    }
}

/* A truce starts: each side with an agreed level learns what it would snap back to, its
 * snapback level, else its lever on day t as known on known_by. */
static void snap_levels(tw_events *e, tw_day t, tw_day known_by) {
    const tw_events_params *ep = e->ep;
    for (int r = 0; r < e->ep->nreg; r++)
        if (!isnan(ep->level[r]))
            tw_gov_set_snap_level(e->gov, r,
                                  !isnan(ep->gov[r].snapback_level)
                                      ? ep->gov[r].snapback_level
                                      : tw_gov_lever(e->gov, r, t, known_by));
}

static tw_status events_court(tw_events *e, tw_day day, uint32_t d, tw_err *err) {
    const tw_events_params *ep = e->ep;
    tw_status st;
    if (day == e->court_day) {
        e->ruling_day = (double)d;
        if (tw_policy_uniform(e->key, d, TW_EV_STRIKE) >= e->strike_prob)
            return OOM(
                tw_event_log_add(e->log, day, -1, "court", "ruling", "IEEPA tariffs upheld"), err);
        e->struck = true;
        int n = tw_rates_strike(e->rates, TW_AUTH_IEEPA, day);
        tw_gov_agreed_change(e->gov, day);
        bool reimpose = tw_policy_uniform(e->key, d, TW_EV_REIMPOSE) < e->reimpose_prob;
        if (reimpose) e->reimpose_due = day + ep->reimpose_delay;
        tw_gov_court_ruling(e->gov, reimpose, ep->reimpose_measure, ep->reimpose_authority,
                            ep->reimpose_cap);
        st = tw_event_log_add(
            e->log, day, -1, "court", "ruling", "IEEPA tariffs struck down: %d entries end; %s", n,
            reimpose ? "re-imposition under another authority to follow" : "no re-imposition");
        return OOM(st, err);
    }
    if (day == e->reimpose_due) {
        /* Re-impose what the ruling removed, pair by pair, up to the substitute's cap. */
        tw_day before = e->court_day - 1;
        e->lapse_due = day + ep->reimpose_days;
        const tw_tariff_book *book = tw_rates_book(e->rates);
        for (int i = 0; i < e->ep->nreg; i++)
            for (int j = 0; j < e->ep->nreg; j++) {
                if (i == j) continue;
                double struck = 0.0;
                for (size_t m = 0; m < book->n_names; m++) {
                    bool ieepa = false;
                    for (size_t k = 0; k < book->n && !ieepa; k++)
                        ieepa = book->items[k].measure == (int)m &&
                                book->items[k].authority == TW_AUTH_IEEPA;
                    if (ieepa)
                        struck +=
                            tw_tariffs_layer_rate(book, i, j, (int)m, TW_OTHER, before, before);
                }
                if (struck <= 0.0) continue;
                tw_tariff t;
                memset(&t, 0, sizeof t);
                t.measure = ep->reimpose_measure;
                t.imposer = i;
                t.target = j;
                for (int sec = 0; sec < TW_NSEC; sec++) t.sectors[sec] = true;
                t.has_rate = true;
                t.rate = fmin(struck, ep->reimpose_cap);
                t.coverage = 1.0;
                t.authority = ep->reimpose_authority;
                t.announced = t.effective = day;
                t.end = e->lapse_due;
                if ((st = tw_rates_add(e->rates, &t, err)) != TW_OK) return st;
                st = tw_event_log_add(e->log, day, i, NULL, "reimpose",
                                      "%s on %s at %.1f%% under %s", book->names[t.measure],
                                      e->ep->regions[j], 100.0 * t.rate,
                                      tw_authority_names[t.authority]);
                if (st != TW_OK) return OOM(st, err);
            }
        tw_gov_agreed_change(e->gov, day);
        e->reimposed = true;
    }
    if (day == e->lapse_due) {
        /* The substitute's time is up: whatever stands under it ends, the levels the
         * governments set since included, and no lever may use it again. */
        int n = tw_rates_lapse(e->rates, ep->reimpose_measure, ep->reimpose_authority,
                               e->reimpose_due, day);
        tw_gov_authority_lapsed(e->gov, ep->reimpose_measure, ep->reimpose_authority);
        tw_gov_agreed_change(e->gov, day);
        st = tw_event_log_add(e->log, day, -1, "court", "lapse",
                              "re-imposed %s ends after %d days: %d entries end",
                              tw_rates_book(e->rates)->names[ep->reimpose_measure],
                              ep->reimpose_days, n);
        return OOM(st, err);
    }
    return TW_OK;
}

/* Add each side's agreed level from eff to end. */
static tw_status truce_levels(tw_events *e, tw_day day, tw_day eff, tw_day end, tw_err *err) {
    const tw_events_params *ep = e->ep;
    for (int r = 0; r < e->ep->nreg; r++) {
        if (isnan(ep->level[r])) continue;
        double level = fmin(ep->level[r], tw_gov_cap(e->gov, r));
        tw_status st = tw_gov_set_lever(e->gov, r, level, day, eff, end, err);
        if (st != TW_OK) return st;
    }
    return TW_OK;
}

static tw_status restore_commitments(tw_events *e, tw_day day, tw_err *err) {
    const tw_events_params *ep = e->ep;
    for (int r = 0; r < e->ep->nreg; r++) {
        int c = ep->commit_regime[r];
        if (c < 0) continue;
        tw_day eff = day + ep->gov[r].delay;
        if (tw_gov_regime(e->gov, r, ep->gov[r].partner, eff) <= c) continue;
        tw_status st = tw_gov_set_regime(e->gov, r, c, day, eff, err);
        if (st != TW_OK) return st;
        tw_gov_agreed_change(e->gov, eff);
        char ds[TW_DATE_STRLEN];
        st = tw_event_log_add(
            e->log, day, r, NULL, "restore_controls", "rare-earth exports to %s: %s from %s",
            ep->gov[r].control_all ? "all destinations" : e->ep->regions[ep->gov[r].partner],
            tw_ctrl_regime_names[c], tw_date_format(eff, ds));
        if (st != TW_OK) return OOM(st, err);
    }
    e->breach = false;
    e->n_short = 0;
    for (int r = 0; r < e->ep->nreg; r++) tw_gov_accuse(e->gov, r, false);
    return TW_OK;
}

static tw_status truce_expiry(tw_events *e, tw_day day, uint32_t d, tw_err *err) {
    const tw_events_params *ep = e->ep;
    if (!e->truce || day != e->truce_until) return TW_OK;
    double pain = tw_gov_combined_pain(e->gov);
    /* While an accusation stands: the fitted chance for that case where the scenario gives
     * one (extension.accused), else the base chance less the breach penalty. */
    double p = e->breach && !isnan(e->ext_accused)
                   ? clamp01(e->ext_accused + e->ext_slope * pain)
                   : clamp01(e->ext_base + e->ext_slope * pain) *
                         (e->breach ? 1.0 - ep->breach_penalty : 1.0);
    char ds[TW_DATE_STRLEN];
    tw_status st;
    bool agreed = tw_policy_uniform(e->key, d, TW_EV_EXTEND) < p;
    int refused = -1; /* the first government that says no to what the leaders agreed */
    for (int r = 0; agreed && refused < 0 && r < e->ep->nreg; r++)
        if (e->ext_side[r] < 1.0 &&
            tw_policy_uniform(e->key, d, TW_EV_EXTEND_SIDE + (uint64_t)r) >= e->ext_side[r])
            refused = r;
    if (agreed && refused < 0) {
        tw_day end = day + ep->extension_days;
        if ((st = truce_levels(e, day, day, end, err)) != TW_OK) return st;
        e->truce_until = end;
        e->extended = true;
        e->extensions += 1.0;
        tw_gov_agreed_change(e->gov, end);
        return OOM(tw_event_log_add(e->log, day, -1, "leaders", "truce_extended",
                                    "until %s (p = %.2f)", tw_date_format(end, ds), p),
                       err);
    }
    e->truce = false;
    e->snapped = true;
    e->last_crisis = day;
    if (refused >= 0)
        return OOM(tw_event_log_add(e->log, day, refused, NULL, "snap_back",
                                    "%s does not extend (its p = %.2f; the leaders' %.2f): "
                                    "pre-truce measures apply",
                                    e->ep->regions[refused], e->ext_side[refused], p),
                       err);
    return OOM(tw_event_log_add(e->log, day, -1, "leaders", "snap_back",
                                "truce expired unextended (p = %.2f): pre-truce measures apply",
                                p),
                   err);
}

static tw_status compliance(tw_events *e, tw_day day, uint32_t d, tw_err *err) {
    const tw_events_params *ep = e->ep;
    if (!e->truce) return TW_OK;
    double shortfall = 0.0;
    int who = -1;
    for (int r = 0; r < e->ep->nreg; r++) {
        int c = ep->commit_regime[r];
        if (c < 0) continue;
        const tw_control *ctl =
            tw_controls_at(e->controls, day, r, ep->gov[r].partner, TW_CTRL_GOOD_RE);
        int reg = ctl != NULL ? (int)ctl->regime : TW_CTRL_OPEN;
        double sf = reg <= c ? 0.0 : (reg == TW_CTRL_SLOW_ROLL ? 1.0 - ctl->slow_roll_factor : 1.0);
        if (sf > shortfall) {
            shortfall = sf;
            who = r;
        }
        if (who < 0) who = r;
    }
    if (who < 0) return TW_OK;
    int win = ep->breach_window;
    e->shortfall[e->n_short % win] = shortfall;
    e->n_short++;
    if (e->breach || e->n_short < win) return TW_OK;
    double mean = 0.0;
    for (int k = 0; k < win; k++) mean += e->shortfall[k];
    mean /= win;
    if (mean < ep->breach_shortfall) return TW_OK;
    /* Measured compliance drives the accusation: at once, or at the fitted daily hazard
     * per day of full shortfall times the mean shortfall. */
    if (ep->accuse_hazard &&
        tw_policy_uniform(e->key, d, TW_EV_ACCUSE) >= -expm1(-e->accuse_rate * mean))
        return TW_OK;
    e->breach = e->accused = true;
    e->last_crisis = day;
    int accuser = ep->gov[who].partner;
    tw_gov_accuse(e->gov, accuser, true);
    return OOM(tw_event_log_add(e->log, day, accuser, NULL, "breach_accusation",
                                "%s short of its commitments by %.0f%% over %d days",
                                e->ep->regions[who], 100.0 * mean, win),
                   err);
}

static tw_status broken(tw_events *e, tw_day day, tw_err *err) {
    const tw_events_params *ep = e->ep;
    if (!e->truce || day < e->truce_from) return TW_OK;
    for (int r = 0; r < e->ep->nreg; r++) {
        if (isnan(ep->level[r])) continue;
        double now = tw_gov_lever(e->gov, r, day, day);
        if (now <= ep->level[r] + 1e-9) continue;
        e->truce = false;
        e->snapped = true;
        e->last_crisis = day;
        return OOM(tw_event_log_add(e->log, day, r, NULL, "truce_broken",
                                    "lever at %.1f%% above the agreed %.1f%%", 100.0 * now,
                                    100.0 * ep->level[r]),
                       err);
    }
    return TW_OK;
}

/* The factor on the call hazard t days after the last call: 1 - exp(-t / tau), 1 before
 * any call or without a recovery time. */
static double events_call_recovery(const tw_events_params *ep, const tw_events *e, tw_day day) {
    if (e->last_call == TW_DAY_NEVER || ep->call_recovery <= 0.0) return 1.0;
    return -expm1(-(double)(day - e->last_call) / ep->call_recovery);
}

/* A deal (in a truce, or one that starts a truce) cuts, with probability cut_prob,
 * cut_share of each side's suspended gap for good: from the truce's expiry its lever
 * stands at agreed + (1 - share) * (snap-back level - agreed), and that is what it would
 * snap back to. */
static tw_status deal_cut(tw_events *e, tw_day day, uint32_t d, tw_err *err) {
    const tw_events_params *ep = e->ep;
    if (e->cut_prob <= 0.0 || tw_policy_uniform(e->key, d, TW_EV_CUT) >= e->cut_prob) return TW_OK;
    for (int r = 0; r < e->ep->nreg; r++) {
        double snap = tw_gov_snap_level(e->gov, r);
        if (isnan(ep->level[r]) || isnan(snap) || snap <= ep->level[r]) continue;
        double rate = ep->level[r] + (1.0 - e->cut_share) * (snap - ep->level[r]);
        tw_status st = tw_gov_set_lever(e->gov, r, rate, day, e->truce_until, TW_DAY_NEVER, err);
        if (st != TW_OK) return st;
        tw_gov_set_snap_level(e->gov, r, rate);
        st = tw_event_log_add(e->log, day, r, NULL, "deal_cut",
                              "suspended rate %.1f%% cut to %.1f%% for good from the expiry",
                              100.0 * snap, 100.0 * rate);
        if (st != TW_OK) return OOM(st, err);
        e->cut = true;
    }
    return TW_OK;
}

/* The crisis term of the call hazard: boost * exp(-days since the latest crisis / decay),
 * the latest crisis the later of the events' own and the governments' latest escalation;
 * 0 before any. */
static double crisis(const tw_events *e, tw_day day) {
    tw_day last = e->last_crisis, esc = tw_gov_last_escalation(e->gov);
    if (esc != TW_DAY_NEVER && (last == TW_DAY_NEVER || esc > last)) last = esc;
    if (last == TW_DAY_NEVER || e->crisis_boost <= 0.0 || day < last) return 0.0;
    return e->crisis_boost * exp(-(double)(day - last) / e->ep->crisis_decay);
}

static tw_status events_call(tw_events *e, tw_day day, uint32_t d, tw_err *err) {
    const tw_events_params *ep = e->ep;
    double pain = tw_gov_combined_pain(e->gov);
    bool call = false, summit = false;
    for (int k = 0; k < ep->n_call_dates; k++) call |= ep->call_dates[k] == day;
    if (!call && day >= ep->call_from &&
        (e->last_call == TW_DAY_NEVER || day - e->last_call >= ep->call_cooldown)) {
        double h = (e->call_base + e->call_slope * pain + crisis(e, day)) *
                   events_call_recovery(ep, e, day);
        call = h > 0.0 && tw_policy_uniform(e->key, d, TW_EV_CALL) < 1.0 - exp(-h);
        /* A contact by hazard is a summit with probability summit_share. */
        summit = call && e->summit_share > 0.0 &&
                 tw_policy_uniform(e->key, d, TW_EV_SUMMIT) < e->summit_share;
    }
    if (!call) return TW_OK;
    e->last_call = day;
    e->calls += 1.0;
    e->summits += summit;
    if (isnan(e->first_call)) {
        e->first_call = (double)d;
        if (day < e->first_truce_until) e->call_before_end = true;
    }
    double p = clamp01((summit ? e->summit_base : e->deal_base) + e->deal_slope * pain);
    p *= pow(ep->holdout, tw_gov_holdouts(e->gov));
    bool deal = tw_policy_uniform(e->key, d, TW_EV_DEAL) < p;
    tw_status st = tw_event_log_add(e->log, day, -1, "leaders", "leader_call",
                                    "%s%s (p = %.2f, combined pain %.2f)", summit ? "summit: " : "",
                                    deal ? "deal" : "no deal", p, pain);
    if (st != TW_OK || !deal) return OOM(st, err);
    char ds[TW_DATE_STRLEN];
    if (e->truce) {
        if (day < e->first_truce_until) e->deal_before_end = true;
        if ((st = restore_commitments(e, day, err)) != TW_OK) return st;
        if ((st = deal_cut(e, day, d, err)) != TW_OK) return st;
        return OOM(
            tw_event_log_add(e->log, day, -1, "leaders", "deal", "truce commitments reaffirmed"),
            err);
    }
    bool any = false;
    for (int r = 0; r < e->ep->nreg; r++) any |= !isnan(ep->level[r]);
    if (!any) return TW_OK; /* nothing to agree on */
    int delay = 0;
    for (int r = 0; r < e->ep->nreg; r++)
        if (!isnan(ep->level[r]) && ep->gov[r].delay > delay) delay = ep->gov[r].delay;
    tw_day eff = day + delay, end = eff + ep->truce_days;
    snap_levels(e, eff, day);
    if ((st = truce_levels(e, day, eff, end, err)) != TW_OK) return st;
    if ((st = restore_commitments(e, day, err)) != TW_OK) return st;
    e->truce = true;
    e->truce_from = eff;
    e->truce_until = end;
    if (e->first_truce_until == TW_DAY_NEVER) e->first_truce_until = end;
    tw_gov_agreed_change(e->gov, eff);
    tw_gov_agreed_change(e->gov, end);
    st = tw_event_log_add(e->log, day, -1, "leaders", "truce", "agreed levels from %s for %d days",
                          tw_date_format(eff, ds), ep->truce_days);
    if (st != TW_OK) return OOM(st, err);
    /* A deal that starts a truce may cut what it suspends for good, as one in a truce may:
     * four of the five deals of the record came with no truce in force. */
    return deal_cut(e, day, d, err);
}

static tw_status events_third(tw_events *e, tw_day day, uint32_t d, tw_err *err) {
    const tw_events_params *ep = e->ep;
    for (int k = 0; k < ep->n_third; k++) {
        const tw_third_params *tp = &ep->third[k];
        if (e->third_done[k]) continue;
        double watched =
            tw_tariffs_layer_rate(tw_rates_book(e->rates), tp->watch_imposer, tp->actor,
                                  tp->watch_measure, tp->watch_sector, day, day);
        if (watched <= tp->trigger + 1e-12) continue;
        e->third_done[k] = true;
        tw_status st;
        if (tw_policy_uniform(e->key, d, TW_EV_THIRD + (uint64_t)k) >= e->third_prob[k]) {
            st = tw_event_log_add(
                e->log, day, tp->actor, NULL, "no_retaliation",
                "holds back against %s's %s at %.0f%%", e->ep->regions[tp->watch_imposer],
                tw_rates_book(e->rates)->names[tp->watch_measure], 100.0 * watched);
            if (st != TW_OK) return OOM(st, err);
            continue;
        }
        tw_tariff t;
        memset(&t, 0, sizeof t);
        t.measure = tp->measure;
        t.imposer = tp->actor;
        t.target = tp->watch_imposer;
        memcpy(t.sectors, tp->sectors, sizeof t.sectors);
        t.has_rate = t.has_coverage = true;
        t.rate = tp->rate;
        t.coverage = tp->coverage;
        t.authority = TW_AUTH_RETALIATION;
        t.announced = day;
        t.effective = day + tp->delay;
        t.end = TW_DAY_NEVER;
        if ((st = tw_rates_add(e->rates, &t, err)) != TW_OK) return st;
        e->third_hit = true;
        char ds[TW_DATE_STRLEN];
        st = tw_event_log_add(
            e->log, day, tp->actor, NULL, "retaliation",
            "%s %.0f%% on %.0f%% of targeted %s goods from %s, against %s at %.0f%%",
            tw_rates_book(e->rates)->names[tp->measure], 100.0 * tp->rate, 100.0 * tp->coverage,
            e->ep->regions[tp->watch_imposer], tw_date_format(t.effective, ds),
            tw_rates_book(e->rates)->names[tp->watch_measure], 100.0 * watched);
        if (st != TW_OK) return OOM(st, err);
    }
    return TW_OK;
}

/* A scripted truce (events.truce.in_force) holds from its first day in the run. */
static tw_status scripted_truce(tw_events *e, tw_day day, uint32_t d, tw_err *err) {
    const tw_events_params *ep = e->ep;
    if (!ep->truce_in_force || day >= ep->truce_until ||
        (day != ep->truce_since && !(d == 0 && day > ep->truce_since)))
        return TW_OK;
    e->truce = true;
    e->truce_from = ep->truce_since;
    e->truce_until = e->first_truce_until = ep->truce_until;
    /* What each side returns to: its snapback level, else its lever on the expiry day. */
    snap_levels(e, ep->truce_until, TW_DAY_NEVER);
    tw_gov_agreed_change(e->gov, ep->truce_until);
    char ds[TW_DATE_STRLEN];
    return OOM(tw_event_log_add(e->log, day, -1, "leaders", "truce_in_force",
                                "scripted truce until %s", tw_date_format(ep->truce_until, ds)),
                   err);
}

tw_status tw_events_day(tw_events *e, tw_day day, uint32_t d, tw_err *err) {
    tw_status st;
    if ((st = scripted_truce(e, day, d, err)) != TW_OK) return st;
    if ((st = events_court(e, day, d, err)) != TW_OK) return st;
    if ((st = truce_expiry(e, day, d, err)) != TW_OK) return st;
    if ((st = compliance(e, day, d, err)) != TW_OK) return st;
    if ((st = broken(e, day, err)) != TW_OK) return st;
    if ((st = events_call(e, day, d, err)) != TW_OK) return st;
    if ((st = events_third(e, day, d, err)) != TW_OK) return st;
    if (e->truce) e->days_truce += 1.0;
    return TW_OK;
}

bool tw_events_truce(const tw_events *e) { return e != NULL && e->truce; }

void tw_events_outcomes(const tw_events *e, double *out) {
    if (e == NULL) return;
    out[TW_GOV_OUT_DAYS_IN_TRUCE] = e->days_truce;
    out[TW_GOV_OUT_FIRST_CALL_DAY] = e->first_call;
    out[TW_GOV_OUT_CALL_BEFORE_TRUCE_END] = e->call_before_end;
    out[TW_GOV_OUT_DEAL_BEFORE_TRUCE_END] = e->deal_before_end;
    out[TW_GOV_OUT_TRUCE_EXTENDED] = e->extended;
    out[TW_GOV_OUT_TRUCE_EXTENSIONS] = e->extensions;
    out[TW_GOV_OUT_DEAL_CUT] = e->cut;
    out[TW_GOV_OUT_SNAP_BACK] = e->snapped;
    out[TW_GOV_OUT_BREACH_ACCUSED] = e->accused;
    out[TW_GOV_OUT_COURT_STRUCK] = e->struck;
    out[TW_GOV_OUT_THIRD_PARTY_RETALIATED] = e->third_hit;
    out[TW_GOV_OUT_LEADER_CALLS] = e->calls;
    out[TW_GOV_OUT_SUMMITS] = e->summits;
    out[TW_GOV_OUT_COURT_RULING_DAY] = e->ruling_day;
    out[TW_GOV_OUT_COURT_REIMPOSED] = e->reimposed;
}
