/* tw_events.c - negotiation and other events, one day at a time, in this order:
 *
 *   court       on the replicate's ruling day (uniform in the window), the IEEPA tariffs
 *               are struck down with probability strike_prob: every IEEPA entry ends that
 *               day (entries not yet in force are dropped), and nothing else changes, so
 *               Section 232 and 301 layers stand. With probability reimpose_prob the
 *               government re-imposes, after delay_days, under another authority capped at
 *               cap_pct (Section 122 allows 15% for 150 days), and its lever moves there.
 *   truce end   on the expiry day the truce is extended (same levels for extension_days)
 *               with probability base + pain_slope * combined pain, times 1 - breach_penalty
 *               while a breach accusation stands; otherwise the truce entries end and the
 *               pre-truce measures apply again from that day (snap-back).
 *   compliance  each truce day, a side with a commitment (an export-control regime it may
 *               not exceed) falls short by 0 when it keeps it, 1 - slow_roll_factor when it
 *               slow-rolls beyond it and 1 when it halts. A mean shortfall of at least
 *               `shortfall` over window_days makes the partner accuse a breach.
 *   broken      a side whose lever rises above its agreed level ends the truce.
 *   calls       scheduled dates, plus a daily hazard (base + pain_slope * combined pain)
 *               times 1 - exp(-t / recovery_days), t the days since the last call (after
 *               `from`; none within cooldown_days of the last call): a call lowers the
 *               chance of the next one, which recovers with the time constant fitted to
 *               the gaps between US-China leader contacts of 2017-2024 (data/README.md,
 *               "Event base rates"). A call ends in a deal
 *               with probability base + pain_slope * combined pain, times holdout for each
 *               pain_threshold government still under its resolve. A deal in a truce
 *               restores the commitments and clears the accusation; without a truce it
 *               starts one: the agreed levels for duration_days, commitments restored.
 *   third       a third party whose watched layer (on it) rises above its trigger
 *               retaliates with probability prob, announced that day, in force after
 *               delay_days.
 * Changes the events make to rates take effect on days marked "agreed", which the agents
 * do not count as the partner's moves.
 */
#include <math.h>
#include <string.h>

#include "tw_gov_internal.h"

#define TW__OOM(st, err) ((st) == TW_OK ? TW_OK : tw_err_set((err), TW_ENOMEM, "out of memory"))

static double tw__clamp01(double x) { return x < 0.0 ? 0.0 : (x > 1.0 ? 1.0 : x); }

static tw_status tw__court(tw_gov_world *g, tw_day day, uint32_t d, tw_err *err) {
    const tw_events_params *ep = g->ep;
    tw_status st;
    if (day == g->court_day) {
        g->ruling_day = (double)d;
        if (tw_gov_uniform(g, d, TW_EV_STRIKE) >= g->strike_prob)
            return TW__OOM(tw_event_log_add(g->log, day, -1, "court", "ruling", "IEEPA tariffs upheld"), err);
        g->struck = true;
        int n = tw_rates_strike(g->rates, TW_AUTH_IEEPA, day);
        tw_gov_agreed_change(g, day);
        bool reimpose = tw_gov_uniform(g, d, TW_EV_REIMPOSE) < g->reimpose_prob;
        if (reimpose) g->reimpose_due = day + ep->reimpose_delay;
        tw_gov_court_ruling(g, reimpose);
        st = tw_event_log_add(g->log, day, -1, "court", "ruling",
                        "IEEPA tariffs struck down: %d entries end; %s", n,
                        reimpose ? "re-imposition under another authority to follow" : "no re-imposition");
        return TW__OOM(st, err);
    }
    if (day == g->reimpose_due) {
        /* Re-impose what the ruling removed, pair by pair, up to the substitute's cap. */
        tw_day before = g->court_day - 1;
        const tw_tariff_book *book = tw_rates_book(g->rates);
        for (int i = 0; i < TW_NREG; i++)
            for (int j = 0; j < TW_NREG; j++) {
                if (i == j) continue;
                double struck = 0.0;
                for (size_t m = 0; m < book->n_names; m++) {
                    bool ieepa = false;
                    for (size_t k = 0; k < book->n && !ieepa; k++)
                        ieepa = book->items[k].measure == (int)m &&
                                book->items[k].authority == TW_AUTH_IEEPA;
                    if (ieepa) struck += tw_tariffs_layer_rate(book, i, j, (int)m, TW_OTHER, before, before);
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
                t.end = TW_DAY_NEVER;
                if ((st = tw_rates_add(g->rates, &t, err)) != TW_OK) return st;
                st = tw_event_log_add(g->log, day, i, NULL, "reimpose", "%s on %s at %.1f%% under %s",
                                book->names[t.measure], tw_region_names[j], 100.0 * t.rate,
                                tw_authority_names[t.authority]);
                if (st != TW_OK) return TW__OOM(st, err);
            }
        tw_gov_agreed_change(g, day);
        g->reimposed = true;
    }
    return TW_OK;
}

/* Add each side's agreed level from eff to end. */
static tw_status tw__truce_levels(tw_gov_world *g, tw_day day, tw_day eff, tw_day end,
                                  tw_err *err) {
    const tw_events_params *ep = g->ep;
    for (int r = 0; r < TW_NREG; r++) {
        if (isnan(ep->level[r])) continue;
        double level = fmin(ep->level[r], tw_gov_cap(g, r));
        tw_status st = tw_gov_set_lever(g, r, level, day, eff, end, err);
        if (st != TW_OK) return st;
    }
    return TW_OK;
}

static tw_status tw__restore_commitments(tw_gov_world *g, tw_day day, tw_err *err) {
    const tw_events_params *ep = g->ep;
    for (int r = 0; r < TW_NREG; r++) {
        int c = ep->commit_regime[r];
        if (c < 0) continue;
        tw_day eff = day + ep->gov[r].delay;
        if (tw_gov_regime(g, r, ep->gov[r].partner, eff) <= c) continue;
        tw_status st = tw_gov_set_regime(g, r, c, day, eff, err);
        if (st != TW_OK) return st;
        tw_gov_agreed_change(g, eff);
        char ds[TW_DATE_STRLEN];
        st = tw_event_log_add(g->log, day, r, NULL, "restore_controls", "rare-earth exports to %s: %s from %s",
                        tw_region_names[ep->gov[r].partner], tw_ctrl_regime_names[c],
                        tw_date_format(eff, ds));
        if (st != TW_OK) return TW__OOM(st, err);
    }
    g->breach = false;
    g->n_short = 0;
    for (int r = 0; r < TW_NREG; r++) tw_gov_accuse(g, r, false);
    return TW_OK;
}

static tw_status tw__truce_expiry(tw_gov_world *g, tw_day day, uint32_t d, tw_err *err) {
    const tw_events_params *ep = g->ep;
    if (!g->truce || day != g->truce_until) return TW_OK;
    double pain = tw_gov_combined_pain(g);
    double p = tw__clamp01(g->ext_base + g->ext_slope * pain) * (g->breach ? 1.0 - ep->breach_penalty : 1.0);
    char ds[TW_DATE_STRLEN];
    tw_status st;
    if (tw_gov_uniform(g, d, TW_EV_EXTEND) < p) {
        tw_day end = day + ep->extension_days;
        if ((st = tw__truce_levels(g, day, day, end, err)) != TW_OK) return st;
        g->truce_until = end;
        g->extended = true;
        tw_gov_agreed_change(g, end);
        return TW__OOM(tw_event_log_add(g->log, day, -1, "leaders", "truce_extended", "until %s (p = %.2f)",
                                  tw_date_format(end, ds), p),
                       err);
    }
    g->truce = false;
    g->snapped = true;
    return TW__OOM(tw_event_log_add(g->log, day, -1, "leaders", "snap_back",
                              "truce expired unextended (p = %.2f): pre-truce measures apply", p),
                   err);
}

static tw_status tw__compliance(tw_gov_world *g, tw_day day, tw_err *err) {
    const tw_events_params *ep = g->ep;
    if (!g->truce) return TW_OK;
    double shortfall = 0.0;
    int who = -1;
    for (int r = 0; r < TW_NREG; r++) {
        int c = ep->commit_regime[r];
        if (c < 0) continue;
        const tw_control *ctl = tw_controls_at(g->controls, day, r, ep->gov[r].partner, TW_CTRL_GOOD_RE);
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
    g->shortfall[g->n_short % win] = shortfall;
    g->n_short++;
    if (g->breach || g->n_short < win) return TW_OK;
    double mean = 0.0;
    for (int k = 0; k < win; k++) mean += g->shortfall[k];
    mean /= win;
    if (mean < ep->breach_shortfall) return TW_OK;
    g->breach = g->accused = true;
    int accuser = ep->gov[who].partner;
    tw_gov_accuse(g, accuser, true);
    return TW__OOM(tw_event_log_add(g->log, day, accuser, NULL, "breach_accusation",
                              "%s short of its commitments by %.0f%% over %d days",
                              tw_region_names[who], 100.0 * mean, win),
                   err);
}

static tw_status tw__broken(tw_gov_world *g, tw_day day, tw_err *err) {
    const tw_events_params *ep = g->ep;
    if (!g->truce || day < g->truce_from) return TW_OK;
    for (int r = 0; r < TW_NREG; r++) {
        if (isnan(ep->level[r])) continue;
        double now = tw_gov_lever(g, r, day, day);
        if (now <= ep->level[r] + 1e-9) continue;
        g->truce = false;
        g->snapped = true;
        return TW__OOM(tw_event_log_add(g->log, day, r, NULL, "truce_broken", "lever at %.1f%% above the agreed %.1f%%",
                                  100.0 * now, 100.0 * ep->level[r]),
                       err);
    }
    return TW_OK;
}

/* The factor on the call hazard t days after the last call: 1 - exp(-t / tau), 1 before
 * any call or without a recovery time. */
static double tw__call_recovery(const tw_events_params *ep, const tw_gov_world *g, tw_day day) {
    if (g->last_call == TW_DAY_NEVER || ep->call_recovery <= 0.0) return 1.0;
    return -expm1(-(double)(day - g->last_call) / ep->call_recovery);
}

static tw_status tw__call(tw_gov_world *g, tw_day day, uint32_t d, tw_err *err) {
    const tw_events_params *ep = g->ep;
    double pain = tw_gov_combined_pain(g);
    bool call = false;
    for (int k = 0; k < ep->n_call_dates; k++) call |= ep->call_dates[k] == day;
    if (!call && day >= ep->call_from &&
        (g->last_call == TW_DAY_NEVER || day - g->last_call >= ep->call_cooldown)) {
        double h = (g->call_base + g->call_slope * pain) * tw__call_recovery(ep, g, day);
        call = h > 0.0 && tw_gov_uniform(g, d, TW_EV_CALL) < 1.0 - exp(-h);
    }
    if (!call) return TW_OK;
    g->last_call = day;
    g->calls += 1.0;
    if (isnan(g->first_call)) {
        g->first_call = (double)d;
        if (day < g->first_truce_until) g->call_before_end = true;
    }
    double p = tw__clamp01(g->deal_base + g->deal_slope * pain);
    p *= pow(ep->holdout, tw_gov_holdouts(g));
    bool deal = tw_gov_uniform(g, d, TW_EV_DEAL) < p;
    tw_status st = tw_event_log_add(g->log, day, -1, "leaders", "leader_call", "%s (p = %.2f, combined pain %.2f)",
                              deal ? "deal" : "no deal", p, pain);
    if (st != TW_OK || !deal) return TW__OOM(st, err);
    char ds[TW_DATE_STRLEN];
    if (g->truce) {
        if (day < g->first_truce_until) g->deal_before_end = true;
        if ((st = tw__restore_commitments(g, day, err)) != TW_OK) return st;
        return TW__OOM(tw_event_log_add(g->log, day, -1, "leaders", "deal", "truce commitments reaffirmed"), err);
    }
    bool any = false;
    for (int r = 0; r < TW_NREG; r++) any |= !isnan(ep->level[r]);
    if (!any) return TW_OK; /* nothing to agree on */
    int delay = 0;
    for (int r = 0; r < TW_NREG; r++)
        if (!isnan(ep->level[r]) && ep->gov[r].delay > delay) delay = ep->gov[r].delay;
    tw_day eff = day + delay, end = eff + ep->truce_days;
    for (int r = 0; r < TW_NREG; r++)
        if (!isnan(ep->level[r]))
            g->snap_level[r] = !isnan(ep->gov[r].snapback_level) ? ep->gov[r].snapback_level
                                                                  : tw_gov_lever(g, r, eff, day);
    if ((st = tw__truce_levels(g, day, eff, end, err)) != TW_OK) return st;
    if ((st = tw__restore_commitments(g, day, err)) != TW_OK) return st;
    g->truce = true;
    g->truce_from = eff;
    g->truce_until = end;
    if (g->first_truce_until == TW_DAY_NEVER) g->first_truce_until = end;
    tw_gov_agreed_change(g, eff);
    tw_gov_agreed_change(g, end);
    return TW__OOM(tw_event_log_add(g->log, day, -1, "leaders", "truce", "agreed levels from %s for %d days",
                              tw_date_format(eff, ds), ep->truce_days),
                   err);
}

static tw_status tw__third(tw_gov_world *g, tw_day day, uint32_t d, tw_err *err) {
    const tw_events_params *ep = g->ep;
    for (int k = 0; k < ep->n_third; k++) {
        const tw_third_params *tp = &ep->third[k];
        if (g->third_done[k]) continue;
        double watched = tw_tariffs_layer_rate(tw_rates_book(g->rates), tp->watch_imposer, tp->actor, tp->watch_measure,
                                               tp->watch_sector, day, day);
        if (watched <= tp->trigger + 1e-12) continue;
        g->third_done[k] = true;
        tw_status st;
        if (tw_gov_uniform(g, d, TW_EV_THIRD + (uint64_t)k) >= g->third_prob[k]) {
            st = tw_event_log_add(g->log, day, tp->actor, NULL, "no_retaliation", "holds back against %s's %s at %.0f%%",
                            tw_region_names[tp->watch_imposer], tw_rates_book(g->rates)->names[tp->watch_measure],
                            100.0 * watched);
            if (st != TW_OK) return TW__OOM(st, err);
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
        if ((st = tw_rates_add(g->rates, &t, err)) != TW_OK) return st;
        g->third_hit = true;
        char ds[TW_DATE_STRLEN];
        st = tw_event_log_add(g->log, day, tp->actor, NULL, "retaliation",
                        "%s %.0f%% on %.0f%% of targeted %s goods from %s, against %s at %.0f%%",
                        tw_rates_book(g->rates)->names[tp->measure], 100.0 * tp->rate, 100.0 * tp->coverage,
                        tw_region_names[tp->watch_imposer], tw_date_format(t.effective, ds),
                        tw_rates_book(g->rates)->names[tp->watch_measure], 100.0 * watched);
        if (st != TW_OK) return TW__OOM(st, err);
    }
    return TW_OK;
}

/* A scripted truce (events.truce.in_force) holds from its first day in the run. */
static tw_status tw__scripted_truce(tw_gov_world *g, tw_day day, uint32_t d, tw_err *err) {
    const tw_events_params *ep = g->ep;
    if (!ep->truce_in_force || day >= ep->truce_until || (day != ep->truce_since && !(d == 0 && day > ep->truce_since)))
        return TW_OK;
    g->truce = true;
    g->truce_from = ep->truce_since;
    g->truce_until = g->first_truce_until = ep->truce_until;
    /* What each side returns to: its snapback level, else its lever on the expiry day. */
    for (int r = 0; r < TW_NREG; r++)
        if (!isnan(ep->level[r]))
            g->snap_level[r] = !isnan(ep->gov[r].snapback_level)
                                   ? ep->gov[r].snapback_level
                                   : tw_gov_lever(g, r, ep->truce_until, TW_DAY_NEVER);
    tw_gov_agreed_change(g, ep->truce_until);
    char ds[TW_DATE_STRLEN];
    return TW__OOM(tw_event_log_add(g->log, day, -1, "leaders", "truce_in_force", "scripted truce until %s",
                              tw_date_format(ep->truce_until, ds)),
                   err);
}

tw_status tw_events_day(tw_gov_world *g, tw_day day, uint32_t d, tw_err *err) {
    tw_status st;
    if ((st = tw__scripted_truce(g, day, d, err)) != TW_OK) return st;
    if ((st = tw__court(g, day, d, err)) != TW_OK) return st;
    if ((st = tw__truce_expiry(g, day, d, err)) != TW_OK) return st;
    if ((st = tw__compliance(g, day, err)) != TW_OK) return st;
    if ((st = tw__broken(g, day, err)) != TW_OK) return st;
    if ((st = tw__call(g, day, d, err)) != TW_OK) return st;
    return tw__third(g, day, d, err);
}
