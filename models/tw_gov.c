/* tw_gov.c - government agents: what they observe, their strategies, their pain.
 *
 * Observation. Each agent watches its partner's trade-weighted tariff on it (fixed 2024
 * customs weights) and the partner's export-control regime on it. A change counts as the
 * partner's move unless it took effect on a day the events mark as agreed (a truce
 * starting, ending or being extended, a court ruling): an agent does not retaliate for
 * the snap-back both sides signed up to. One notch of the export-control regime (open,
 * licensing, slow_roll, halt) counts as control_move_pct points of tariff.
 *
 * Strategies, for a partner move m at a decision (|m| under threshold_pct is no move):
 *   scripted        never acts (its scripted entries are its policy);
 *   tit_for_tat     moves its lever by m, up or down (an echo);
 *   proportional    moves it by factor * m;
 *   generous        as tit_for_tat, but forgives an escalation with probability forgive;
 *   grim_trigger    holds until the first escalation, then raises its lever to its cap (or
 *                   by max(m, step) without one) and never lowers it again;
 *   pain_threshold  while its pain is under its resolve it answers escalations in kind
 *                   (forgiving each with probability forgive, as generous does) and,
 *                   once it accuses the partner of a breach, escalates by step; above its
 *                   resolve it answers only de-escalations and seeks a deal (which the
 *                   events read: a holdout under its resolve lowers the chance of a deal);
 *   best_response   sets its lever to the level that maximises its own real income in
 *                   the long-run general equilibrium, every other rate given
 *                   (best_level).
 * Every strategy respects its cap ("we will ignore further increases") and floor. An agent
 * that accuses its partner of breaching a truce also snaps back to its pre-truce level with
 * probability snapback_prob at each decision. A government with control_lever tightens its
 * export controls on the partner one notch when it escalates, with probability
 * control_prob (drawn per replicate; 1 by default, the rule of every escalation), and
 * loosens one when it de-escalates. A lever or regime the scenario pins (`pinned: true`) is left as it is:
 * the agent logs a hold instead of moving it.
 *
 * Pain, in percent of the region's GDP (a "GDP-equivalent" loss), from the latest day:
 *   w_gdp      * max(0, -gdp_pct)                                  GDP loss
 *   w_price    * 100 * max(0, sum_s E0_s (P_s / P0_s - 1)) / GDP    extra cost of the base
 *                                                                  basket at today's prices
 *   w_shortage * 100 * sum_s E0_s output_loss_s / GDP              output lost to shortages
 *                                                                  (absorption as the size)
 *   w_exports  * 100 * max(0, X0 - X) / GDP                        export losses
 * Each weight defaults to 1, so the index is a plain sum of losses in GDP points; a weight
 * says how much more (or less) a government minds one of them.
 *
 * The governments' state is theirs alone (tw_gov_internal.h): the events move a lever, a
 * regime, a cap or an accusation only through the functions at the end of tw_gov.h, and
 * this file never calls the events; whether a truce holds comes in the day's view.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tw_ge_day.h"
#include "tw_gov_internal.h"

static const tw_gov_params *gov_gp(const tw_gov_world *g, int r) { return &g->gp[r]; }

void tw_gov_agreed_change(tw_gov_world *g, tw_day day) {
    int cap = (int)(sizeof g->agreed_change / sizeof g->agreed_change[0]);
    /* The list only needs days still to come; drop those past when it fills up. */
    if (g->n_agreed == cap) {
        int k = 0;
        for (int i = 0; i < g->n_agreed; i++)
            if (g->agreed_change[i] >= day) g->agreed_change[k++] = g->agreed_change[i];
        g->n_agreed = k;
    }
    if (g->n_agreed < cap) g->agreed_change[g->n_agreed++] = day;
}

static bool gov_agreed(const tw_gov_world *g, tw_day day) {
    for (int i = 0; i < g->n_agreed; i++)
        if (g->agreed_change[i] == day) return true;
    return false;
}

double tw_gov_lever(const tw_gov_world *g, int r, tw_day t, tw_day known_by) {
    const tw_gov_agent *a = &g->ag[r];
    return tw_tariffs_layer_rate(tw_rates_book(g->rates), r, gov_gp(g, r)->partner, a->measure,
                                 gov_gp(g, r)->lever_sector, t, known_by);
}

/* The entry that sets r's lever to rate from effective to end. */
static tw_tariff lever_entry(const tw_gov_world *g, int r, double rate, tw_day announced,
                             tw_day effective, tw_day end) {
    const tw_gov_params *gp = gov_gp(g, r);
    const tw_gov_agent *a = &g->ag[r];
    tw_tariff t;
    memset(&t, 0, sizeof t);
    t.measure = a->measure;
    t.imposer = r;
    t.target = gp->partner;
    memcpy(t.sectors, gp->sectors, sizeof t.sectors);
    t.has_rate = true;
    t.rate = rate;
    t.coverage = 1.0;
    t.authority = a->authority;
    t.announced = announced;
    t.effective = effective;
    t.end = end;
    memcpy(t.not_on, gp->not_on, sizeof t.not_on);
    t.n_not_on = gp->n_not_on;
    return t;
}

tw_status tw_gov_set_lever(tw_gov_world *g, int r, double rate, tw_day announced,
                           tw_day effective, tw_day end, tw_err *err) {
    tw_tariff t = lever_entry(g, r, rate, announced, effective, end);
    return tw_rates_add(g->rates, &t, err);
}

int tw_gov_regime(const tw_gov_world *g, int exporter, int dest, tw_day t) {
    const tw_control *c = tw_controls_at(g->controls, t, exporter, dest, TW_CTRL_GOOD_RE);
    return c != NULL ? (int)c->regime : TW_CTRL_OPEN;
}

/* r's regime toward dest from effective on. */
static tw_status set_regime_on(tw_gov_world *g, int r, int dest, int regime, tw_day announced,
                               tw_day effective, tw_err *err) {
    tw_control c;
    memset(&c, 0, sizeof c);
    if (dest == gov_gp(g, r)->partner)
        snprintf(c.id, sizeof c.id, "gov_%s", g->regions[r]);
    else
        snprintf(c.id, sizeof c.id, "gov_%s_%s", g->regions[r], g->regions[dest]);
    c.exporter = r;
    c.dest = dest;
    c.good = TW_CTRL_GOOD_RE;
    c.regime = (tw_ctrl_regime)regime;
    c.slow_roll_factor = regime == TW_CTRL_SLOW_ROLL ? gov_gp(g, r)->slow_roll_factor : 1.0;
    /* A decision changes the pace of approvals, not the terms of a licence: licences keep
     * the validity of the entry in force toward the partner (the destination's default
     * when there is none). */
    const tw_control *now = tw_controls_at(g->controls, effective, r, c.dest, TW_CTRL_GOOD_RE);
    c.validity_days = now != NULL ? now->validity_days : -1;
    c.announced = announced;
    c.effective = effective;
    c.end = TW_DAY_NEVER;
    return tw_controls_add(g->controls, &c, err);
}

tw_status tw_gov_set_regime(tw_gov_world *g, int r, int regime, tw_day announced,
                            tw_day effective, tw_err *err) {
    const tw_gov_params *gp = gov_gp(g, r);
    tw_status st = set_regime_on(g, r, gp->partner, regime, announced, effective, err);
    /* control_scope all: the other destinations come down to regime where they stand
     * above it (the commitments a truce restores loosen; they tighten nothing) */
    for (int dest = 0; gp->control_all && dest < g->nreg && st == TW_OK; dest++) {
        if (dest == r || dest == gp->partner) continue;
        const tw_control *c = tw_controls_at(g->controls, effective, r, dest, TW_CTRL_GOOD_RE);
        if ((c != NULL && c->pinned) || tw_gov_regime(g, r, dest, effective) <= regime) continue;
        st = set_regime_on(g, r, dest, regime, announced, effective, err);
    }
    return st;
}

void tw_gov_court_ruling(tw_gov_world *g, bool reimpose, int measure, int authority,
                         double cap) {
    for (int r = 0; r < g->nreg; r++) {
        tw_gov_agent *a = &g->ag[r];
        if (!gov_gp(g, r)->active || a->authority != TW_AUTH_IEEPA) continue;
        /* Without a substitute authority the government cannot raise this lever. */
        a->measure = measure;
        a->authority = authority;
        a->cap = reimpose ? fmin(a->cap, cap) : 0.0;
    }
}

void tw_gov_authority_lapsed(tw_gov_world *g, int measure, int authority) {
    for (int r = 0; r < g->nreg; r++) {
        tw_gov_agent *a = &g->ag[r];
        if (gov_gp(g, r)->active && a->measure == measure && a->authority == authority)
            a->cap = 0.0;
    }
}

double tw_gov_cap(const tw_gov_world *g, int r) { return g->ag[r].cap; }

void tw_gov_set_snap_level(tw_gov_world *g, int r, double rate) { g->ag[r].snap_level = rate; }

double tw_gov_snap_level(const tw_gov_world *g, int r) { return g->ag[r].snap_level; }

void tw_gov_accuse(tw_gov_world *g, int r, bool accusing) { g->ag[r].accusing = accusing; }

tw_day tw_gov_last_escalation(const tw_gov_world *g) { return g->last_escalation; }

int tw_gov_holdouts(const tw_gov_world *g) {
    int n = 0;
    for (int r = 0; r < g->nreg; r++)
        if (gov_gp(g, r)->active && gov_gp(g, r)->strategy == TW_STRAT_PAIN_THRESHOLD &&
            g->ag[r].pain < g->ag[r].resolve)
            n++;
    return n;
}

double tw_gov_combined_pain(const tw_gov_world *g) {
    double sum = 0.0;
    for (int r = 0; r < g->nreg; r++)
        if (gov_gp(g, r)->active) sum += g->ag[r].pain;
    return sum;
}

/* The partner's trade-weighted rate on r today. */
static double partner_rate(const tw_gov_world *g, const tw_day_view *v, int r) {
    return tw_world_weighted_rate(v->world, *v->tau, gov_gp(g, r)->partner, r, TW_ALL);
}

tw_status tw_gov_create(const tw_gov_params *gov, tw_rng_key key, tw_rates *rates,
                        tw_control_book *controls, tw_event_log *log, tw_gov_world **out,
                        tw_err *err) {
    *out = NULL;
    tw_gov_world *g = calloc(1, sizeof *g);
    gsl_rng *rng = tw_rng_gsl_alloc(key, 0, 0, TW_PURPOSE_GOV);
    if (g == NULL || rng == NULL) {
        free(g);
        if (rng != NULL) gsl_rng_free(rng);
        return tw_err_set(err, TW_ENOMEM, "out of memory");
    }
    *out = g;
    g->gp = gov;
    g->key = key;
    g->rates = rates;
    g->controls = controls;
    g->log = log;
    g->nreg = tw_rates_book(rates)->nreg;
    g->regions = tw_rates_book(rates)->regions;
    g->last_escalation = TW_DAY_NEVER;
    /* One restart of the stream per slot: adding a parameter never shifts the others, and
     * the events draw theirs from their own slots (tw_events_create). */
    for (int r = 0; r < g->nreg; r++) {
        const tw_gov_params *gp = &gov[r];
        tw_gov_agent *a = &g->ag[r];
        a->resolve = tw_dist_draw_slot(&gp->resolve, rng, TW_SLOT_RESOLVE + r);
        a->forgive = tw_dist_draw_slot(&gp->forgive, rng, TW_SLOT_FORGIVE + r);
        a->snapback = tw_dist_draw_slot(&gp->snapback, rng, TW_SLOT_SNAPBACK + r);
        a->control = tw_dist_draw_slot(&gp->control_prob, rng, TW_SLOT_CONTROL + r);
        a->measure = gp->measure;
        a->authority = gp->authority;
        a->cap = gp->cap;
        a->snap_level = NAN; /* no truce level agreed yet: no snap-back */
    }
    gsl_rng_free(rng);
    return TW_OK;
}

double tw_gov_drawn(const tw_gov_world *g, int slot) {
    if (slot >= TW_SLOT_CONTROL && slot < TW_SLOT_CONTROL + TW_NREG_MAX)
        return g->ag[slot - TW_SLOT_CONTROL].control;
    if (slot >= TW_SLOT_THIRD) return NAN;
    if (slot >= TW_SLOT_SNAPBACK) return g->ag[slot - TW_SLOT_SNAPBACK].snapback;
    if (slot >= TW_SLOT_FORGIVE) return g->ag[slot - TW_SLOT_FORGIVE].forgive;
    if (slot >= TW_SLOT_RESOLVE) return g->ag[slot - TW_SLOT_RESOLVE].resolve;
    return NAN;
}

void tw_gov_free(tw_gov_world *g) { free(g); }

/* r's regime toward dest one notch up (dir 1) or down (-1) from where it stands on eff,
 * unless the scenario pins it or it is at the end of the scale; *next: the new regime
 * where it moved, else -1. */
static tw_status notch_on(tw_gov_world *g, int r, int dest, int dir, tw_day day, tw_day eff,
                          int *next, tw_err *err) {
    int n = tw_gov_regime(g, r, dest, eff) + dir;
    const tw_control *c = tw_controls_at(g->controls, eff, r, dest, TW_CTRL_GOOD_RE);
    *next = -1;
    if (n < TW_CTRL_OPEN || n >= TW_NCTRL || (c != NULL && c->pinned)) return TW_OK;
    *next = n;
    return set_regime_on(g, r, dest, n, day, eff, err);
}

/* A notch toward the partner, and with control_scope all toward every other destination,
 * each from where it stands. */
static tw_status notch(tw_gov_world *g, int r, int dir, tw_day day, tw_err *err) {
    const tw_gov_params *gp = gov_gp(g, r);
    const tw_day eff = day + gp->delay;
    int shown = -1, next;
    tw_status st = notch_on(g, r, gp->partner, dir, day, eff, &shown, err);
    for (int dest = 0; gp->control_all && dest < g->nreg && st == TW_OK; dest++) {
        if (dest == r || dest == gp->partner) continue;
        st = notch_on(g, r, dest, dir, day, eff, &next, err);
        if (shown < 0) shown = next;
    }
    if (st != TW_OK || shown < 0) return st;
    char d[TW_DATE_STRLEN];
    const char *what = dir > 0 ? "tighten_controls" : "loosen_controls";
    if (gp->control_all)
        return tw_event_log_add(g->log, day, r, NULL, what,
                                "rare-earth exports to all destinations, each a notch from "
                                "where it stood, from %s (to %s: %s)",
                                tw_date_format(eff, d), g->regions[gp->partner],
                                tw_ctrl_regime_names[tw_gov_regime(g, r, gp->partner, eff)]);
    return tw_event_log_add(g->log, day, r, NULL, what, "rare-earth exports to %s: %s from %s",
                            g->regions[gp->partner], tw_ctrl_regime_names[shown],
                            tw_date_format(eff, d));
}

/* best_response: the lever level, on a grid from the floor to max_pct (and the cap), that
 * maximises r's own real income with every other rate as it will stand when the decision
 * takes effect, in the long-run general equilibrium of tw_ge_solve (tw_ge_welfare_at:
 * producer prices clear every market, deficits fixed, the first day's rates as the base).
 * A tariff now moves the terms of trade, so the optimum is positive even with full
 * pass-through (Ossa 2014's optimal tariffs average 62%); the partner's own rate shifts
 * it, so repeated best responses look for the Nash tariffs. */
static tw_status best_level(tw_gov_world *g, const tw_day_view *v, int r, double *best,
                                 tw_err *err) {
    tw_day day = v->day;
    const tw_gov_params *gp = gov_gp(g, r);
    tw_day eff = day + gp->delay;
    double top = fmin(gp->br_max, g->ag[r].cap), best_w = -INFINITY;
    tw_rate_table tau;
    *best = gp->floor_rate;
    for (double level = gp->floor_rate; level <= top + 1e-12; level += gp->br_grid) {
        tw_tariff t = lever_entry(g, r, level, day, eff, TW_DAY_NEVER);
        tw_status st = tw_rates_with(g->rates, &t, eff, tau, err);
        if (st != TW_OK) return st;
        double w;
        if ((st = tw_ge_welfare_at(v, (const double(*)[TW_NREG_MAX][TW_NSEC])tau, r, &w, err)) !=
            TW_OK)
            return st;
        if (w > best_w + 1e-15) {
            best_w = w;
            *best = level;
        }
    }
    return TW_OK;
}

/* An escalation by the partner: r lets it pass with its drawn chance `forgive` (logged),
 * else answers it (*let_pass false). */
static tw_status forgive_or_answer(tw_gov_world *g, int r, tw_day day, uint32_t d, double move,
                                   bool *let_pass, tw_err *err) {
    *let_pass = g->ag[r].forgive > 0.0 &&
                tw_policy_uniform(g->key, d, TW_EV_FORGIVE + (uint64_t)r) < g->ag[r].forgive;
    if (!*let_pass) return TW_OK;
    tw_status st = tw_event_log_add(g->log, day, r, NULL, "forgive",
                                    "lets a %.1f-point rise by %s pass", 100.0 * move,
                                    g->regions[gov_gp(g, r)->partner]);
    return st == TW_OK ? TW_OK : tw_err_set(err, st, "out of memory");
}

static tw_status decide(tw_gov_world *g, const tw_day_view *v, int r, tw_err *err) {
    tw_day day = v->day;
    uint32_t d = v->d;
    const tw_gov_params *gp = gov_gp(g, r);
    tw_gov_agent *a = &g->ag[r];
    double x = partner_rate(g, v, r);
    int reg = tw_gov_regime(g, gp->partner, r, day);
    double move = (x - a->ref_partner) - a->partner_drift +
                  gp->control_move * (double)(reg - a->ref_regime - a->regime_drift);
    a->ref_partner = x;
    a->ref_regime = reg;
    a->partner_drift = 0.0;
    a->regime_drift = 0;
    if (gp->strategy == TW_STRAT_SCRIPTED) return TW_OK;
    bool up = move > gp->threshold, down = move < -gp->threshold;
    double lever = tw_gov_lever(g, r, day + gp->delay, day);
    double target = lever;
    const char *why = "partner escalated";
    switch (gp->strategy) {
    case TW_STRAT_SCRIPTED: break;
    case TW_STRAT_TIT_FOR_TAT:
        if (up || down) target = lever + move;
        break;
    case TW_STRAT_PROPORTIONAL:
        if (up || down) target = lever + gp->factor * move;
        break;
    case TW_STRAT_GENEROUS:
        if (down) target = lever + move;
        if (up) {
            bool let_pass;
            tw_status st = forgive_or_answer(g, r, day, d, move, &let_pass, err);
            if (st != TW_OK) return st;
            if (!let_pass) target = lever + move;
        }
        break;
    case TW_STRAT_GRIM_TRIGGER:
        if (up && !a->triggered) {
            a->triggered = true;
            target = isfinite(a->cap) ? a->cap : lever + fmax(move, gp->step);
            why = "trigger pulled";
        } else if (up) {
            target = lever + move;
        }
        break;
    case TW_STRAT_BEST_RESPONSE: {
        tw_status st = best_level(g, v, r, &target, err);
        if (st != TW_OK) return st;
        why = "best response";
        break;
    }
    case TW_STRAT_PAIN_THRESHOLD:
        if (a->pain < a->resolve) {
            if (up) {
                bool let_pass;
                tw_status st = forgive_or_answer(g, r, day, d, move, &let_pass, err);
                if (st != TW_OK) return st;
                if (!let_pass) target = lever + move;
            }
            if (a->accusing) {
                target = fmax(target, lever + gp->step);
                why = "partner in breach";
            }
        } else if (down) {
            target = lever + move;
        }
        break;
    case TW_NSTRAT: break;
    }
    /* A breach accusation may end the truce from this side: back to the pre-truce level. */
    if (a->accusing && v->truce && !isnan(a->snap_level) &&
        tw_policy_uniform(g->key, d, TW_EV_SNAPBACK + (uint64_t)r) < a->snapback &&
        a->snap_level > target) {
        target = a->snap_level;
        why = "snaps back over the partner's breach";
    }
    if (target > lever && lever >= a->cap - 1e-12) {
        a->state = TW_GSTATE_HOLD;
        return tw_event_log_add(g->log, day, r, NULL, "ignore",
                                "at its cap of %.1f%%: ignores a %.1f-point rise", 100.0 * a->cap,
                                100.0 * move) == TW_OK
                   ? TW_OK
                   : tw_err_set(err, TW_ENOMEM, "out of memory");
    }
    if (target > lever) target = fmin(target, fmax(a->cap, lever));
    if (target < lever) target = fmax(target, fmin(gp->floor_rate, lever));
    if (a->triggered && target < lever) target = lever; /* grim trigger never forgives */
    bool seeking = gp->strategy == TW_STRAT_PAIN_THRESHOLD && a->pain >= a->resolve;
    a->state = a->triggered ? TW_GSTATE_TRIGGERED : (seeking ? TW_GSTATE_SEEK_DEAL : TW_GSTATE_HOLD);
    if (fabs(target - lever) < 1e-9) return TW_OK;
    tw_day eff = day + gp->delay;
    if (tw_tariffs_layer_pinned(tw_rates_book(g->rates), r, gp->partner, a->measure, gp->lever_sector,
                                eff)) {
        a->state = TW_GSTATE_HOLD;
        char ps[TW_DATE_STRLEN];
        return tw_event_log_add(g->log, day, r, NULL, "hold",
                                "%s on %s is pinned on %s: no move to %.1f%%",
                                tw_rates_book(g->rates)->names[a->measure],
                                g->regions[gp->partner], tw_date_format(eff, ps),
                                100.0 * target) == TW_OK
                   ? TW_OK
                   : tw_err_set(err, TW_ENOMEM, "out of memory");
    }
    tw_status st = tw_gov_set_lever(g, r, target, day, eff, TW_DAY_NEVER, err);
    if (st != TW_OK) return st;
    char ds[TW_DATE_STRLEN];
    bool raise = target > lever;
    if (raise) {
        g->escalations += 1.0;
        g->last_escalation = day;
        if (!a->triggered) a->state = TW_GSTATE_ESCALATE;
    } else if (!seeking) {
        a->state = TW_GSTATE_DEESCALATE;
    }
    st = tw_event_log_add(g->log, day, r, NULL, raise ? "escalate" : "deescalate",
                          "%s on %s %.1f%% -> %.1f%% from %s (%s, move %+.1f points)",
                          tw_rates_book(g->rates)->names[a->measure], g->regions[gp->partner],
                          100.0 * lever, 100.0 * target, tw_date_format(eff, ds),
                          raise || gp->strategy == TW_STRAT_BEST_RESPONSE ? why
                                                                          : "partner de-escalated",
                          100.0 * move);
    if (st != TW_OK) return tw_err_set(err, st, "out of memory");
    if (!gp->control_lever) return TW_OK;
    /* An escalation widens the controls with the drawn chance control_prob (the record's
     * Chinese answers, data/README.md); a de-escalation always loosens them. */
    if (raise && a->control < 1.0 &&
        tw_policy_uniform(g->key, d, TW_EV_CONTROL + (uint64_t)r) >= a->control)
        return TW_OK;
    return notch(g, r, raise ? 1 : -1, day, err);
}

tw_status tw_gov_decide_day(tw_gov_world *g, const tw_day_view *v, tw_err *err) {
    tw_day day = v->day;
    uint32_t d = v->d;
    tw_status st;
    bool agreed = gov_agreed(g, day);
    for (int r = 0; r < g->nreg; r++) {
        const tw_gov_params *gp = gov_gp(g, r);
        if (!gp->active) continue;
        tw_gov_agent *a = &g->ag[r];
        double x = partner_rate(g, v, r);
        int reg = tw_gov_regime(g, gp->partner, r, day);
        if (d == 0) {
            a->partner_prev = x;
            a->regime_prev = reg;
        }
        if (day < gp->first_decision || d == 0) {
            /* What happened before the agent starts deciding is history, not a move. */
            a->ref_partner = x;
            a->ref_regime = reg;
            a->partner_drift = 0.0;
            a->regime_drift = 0;
        }
        if (agreed) {
            a->partner_drift += x - a->partner_prev;
            a->regime_drift += reg - a->regime_prev;
        }
        a->partner_prev = x;
        a->regime_prev = reg;
        if (day >= gp->first_decision && (day - gp->first_decision) % gp->cadence == 0)
            if ((st = decide(g, v, r, err)) != TW_OK) return st;
    }
    return TW_OK;
}

/* Pain of region r from today's flows (see the file comment). */
static double gov_pain(const tw_gov_world *g, const tw_day_view *v, int r) {
    const tw_gov_params *gp = gov_gp(g, r);
    double gdp = v->world->gdp[r], price = 0.0, short_ = 0.0, x = 0.0;
    for (int sec = 0; sec < TW_NSEC; sec++) {
        int c = r * TW_NSEC + sec;
        price += v->e0[c] * (v->pbar[c] / v->pbar0[c] - 1.0);
        short_ += v->e0[c] * v->output_loss[r][sec];
        for (int i = 0; i < g->nreg; i++)
            if (i != r) x += v->customs[r][i][sec];
    }
    return gp->w_gdp * fmax(0.0, -v->gdp_pct[r]) + gp->w_price * 100.0 * fmax(0.0, price) / gdp +
           gp->w_shortage * 100.0 * short_ / gdp +
           gp->w_exports * 100.0 * fmax(0.0, g->exports0[r] - x) / gdp;
}

void tw_gov_end_day(tw_gov_world *g, const tw_day_view *v) {
    if (v->d == 0)
        for (int r = 0; r < g->nreg; r++) {
            g->exports0[r] = 0.0;
            for (int i = 0; i < g->nreg; i++)
                for (int sec = 0; sec < TW_NSEC; sec++)
                    if (i != r) g->exports0[r] += v->customs[r][i][sec];
        }
    for (int r = 0; r < g->nreg; r++) g->ag[r].pain = gov_pain(g, v, r);
}

/* --- the policy block's indicators and outcomes ----------------------------------- */

/* The tables of the lists in tw_gov.h (the block's ids: TW_GOV_IND_* and TW_GOV_OUT_*). */
static const tw_measure_info gov_indicators[] = {TW_GOV_INDICATORS(TW_MEASURE_IND)};
static const tw_measure_info gov_outcomes[] = {TW_GOV_OUTCOMES(TW_MEASURE_OUT)};
_Static_assert(TW_GOV_IND_STRATEGY_TRIGGERED - TW_GOV_IND_STRATEGY_HOLD == TW_GSTATE_TRIGGERED,
               "one 0/1 indicator per decision, in the agent state's order");

void tw_gov_outcomes_start(double *out) {
    out[TW_GOV_OUT_FIRST_CALL_DAY] = NAN;   /* "never" until a call comes */
    out[TW_GOV_OUT_COURT_RULING_DAY] = NAN; /* no ruling in a run without one */
}

void tw_gov_outcomes(double vehicle_halt_loss, const tw_gov_world *g, const tw_day_view *v,
                     double *out) {
    out[TW_GOV_OUT_GDP_LOSS_CN] -= tw_day_gdp_change_bn(v->world, v->gdp_pct, TW_CN);
    if (vehicle_halt_loss > 0.0 && v->output_loss[TW_US][TW_VEHICLES] >= vehicle_halt_loss)
        out[TW_GOV_OUT_US_VEHICLE_HALT] = 1.0;
    if (g == NULL) return;
    out[TW_GOV_OUT_ESCALATIONS] = g->escalations;
}

/* The series, in every scenario (zero without governments or events): the truce, each
 * region's pain, one 0/1 series per decision and region. */
static size_t tw_gov_define(const tw_world *world, const void *params, tw_series_def *defs,
                            size_t n) {
    (void)params;
    tw_series_put(defs, &n, TW_GOV_IND_TRUCE_ACTIVE, TW_ALL, TW_ALL, TW_ALL);
    for (int r = 0; r < world->nreg; r++) tw_series_put(defs, &n, TW_GOV_IND_GOV_PAIN, r, TW_ALL, TW_ALL);
    /* one 0/1 series per decision, so that the mean is the share of replicates in it */
    for (int r = 0; r < world->nreg; r++)
        for (int i = TW_GOV_IND_STRATEGY_HOLD; i <= TW_GOV_IND_STRATEGY_TRIGGERED; i++)
            tw_series_put(defs, &n, i, r, TW_ALL, TW_ALL);
    return n;
}

/* Today's value of the policy indicator ind of region r (the truce from the day's view);
 * 0 when g is NULL. */
static double tw_gov_value(const tw_gov_world *g, const tw_day_view *v, int ind, int r) {
    if (g == NULL) return 0.0;
    switch (ind) {
    case TW_GOV_IND_TRUCE_ACTIVE: return v->truce ? 1.0 : 0.0;
    case TW_GOV_IND_GOV_PAIN: return g->ag[r].pain;
    case TW_GOV_IND_STRATEGY_HOLD:
    case TW_GOV_IND_STRATEGY_ESCALATE:
    case TW_GOV_IND_STRATEGY_DEESCALATE:
    case TW_GOV_IND_STRATEGY_SEEK_DEAL:
    case TW_GOV_IND_STRATEGY_TRIGGERED:
        return g->ag[r].state == ind - TW_GOV_IND_STRATEGY_HOLD ? 1.0 : 0.0;
    default: return 0.0;
    }
}

static double gov_series(const void *block, const tw_day_view *v, const tw_series_def *d) {
    return tw_gov_value(block, v, d->local, d->region);
}

const tw_measure_block tw_gov_measures = {
    .name = "policy",
    .indicators = gov_indicators,
    .n_indicators = TW_GOV_NIND,
    .outcomes = gov_outcomes,
    .n_outcomes = TW_GOV_NOUT,
    .define = tw_gov_define,
    .value = gov_series,
};
