/* tw_events.h - the negotiation and other events of one replicate: leader calls, truces
 * and their expiry, compliance and breach accusations, the court ruling on the IEEPA
 * tariffs, third-party retaliation (tw_events.c says how each works), and their
 * parameters (tw_events_params, read by tw_events_params.c).
 *
 * Not API: only models/ includes it (and the model's own tests); the governments' files
 * do not (tools/check-layout).
 *
 * Ownership. The events own their state behind a tw_events handle (create/free below; its
 * fields are private to tw_events.c): this replicate's draws of their parameters, the
 * truce, the compliance ring, the calls, third parties and court on their schedule, and
 * their outcomes. They are handed at creation the replicate's governments, whose
 * functions (tw_gov.h) they call to move levers, regimes and accusations, and never their
 * fields; the replicate's tariff book, to which the court and third parties add entries;
 * its export-control book, which the compliance check reads; and the event log they
 * append to. The governments never call the events: what they read of them (whether a
 * truce holds) comes through the day's view, which tw_trade.c fills from
 * tw_events_truce. The events' outcomes are their slots of the policy list
 * (TW_GOV_OUTCOMES, tw_gov.h), which tw_events_outcomes writes.
 *
 * Parameters. tw_events_params holds the `events:` and `third_parties:` keys, read after
 * the governments' `governments:` (tw_gov_params_load) and checked against them; it
 * points at the governments' parameters, which the events read (partner, delay, snap-back
 * level) as they call the governments' functions: through tw_gov.h, never the
 * governments' private files.
 *
 * Random numbers: their parameters are drawn once per replicate (purpose TW_PURPOSE_GOV,
 * one counter per slot TW_SLOT_*), their daily chance events keyed by (day, TW_EV_*)
 * (purpose TW_PURPOSE_EVENT, tw_policy_uniform), from the slots and counters the
 * governments' draws share (tw_policy.h).
 *
 * Thread-safety: parameters are read-only after load; a tw_events belongs to one
 * replicate and is used by its thread only.
 */
#ifndef TW_EVENTS_H
#define TW_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "tw_calendar.h"
#include "tw_config.h"
#include "tw_controls.h"
#include "tw_error.h"
#include "tw_event_log.h"
#include "tw_gov.h"
#include "tw_policy.h"
#include "tw_rates.h"
#include "tw_rng.h"
#include "tw_tariffs.h"

#define TW_MAX_CALL_DATES 16
/* Default events.leader_calls.recovery_days: the time constant of the maximum-likelihood
 * fit to the gaps between US-China leader contacts of 2017-2024 (analysis/event_rates.py;
 * data/README.md, "Event base rates"; 95% profile interval 0.5 to 84 days). */
#define TW_CALL_RECOVERY_DAYS 12.0
#define TW_MAX_THIRD 8

typedef struct {
    int actor;                 /* retaliating region */
    int watch_imposer;         /* region whose measure it watches */
    int watch_measure;         /* measure index */
    int watch_sector;
    double trigger;            /* watched layer rate (on the actor) above which it acts, fraction */
    tw_dist prob;              /* probability it retaliates once triggered */
    int delay;
    int measure;               /* its retaliation measure */
    bool sectors[TW_NSEC];
    double rate, coverage;     /* fraction, share */
} tw_third_params;

/* The events' parameters: `events:` and `third_parties:`. */
typedef struct {
    bool enabled;              /* the policy block is on: a government, the events or a third
                                * party configured (then tw_trade.c creates the governments
                                * and the events) */
    int nreg;                  /* regions of the world (the book's) */
    const char *const *regions; /* [nreg] their codes (the book's, borrowed) */
    const tw_gov_params *gov;  /* [TW_NREG_MAX] the governments' parameters (tw_gov.h) these were
                                * read against; not owned: they sit beside these in the
                                * model's parameters and outlive them */
    /* leader calls */
    tw_day call_dates[TW_MAX_CALL_DATES];
    int n_call_dates;
    tw_dist call_base;         /* hazard per day with no pain */
    tw_dist call_slope;        /* extra hazard per day per point of combined pain */
    tw_day call_from;          /* first day a hazard call can happen */
    int call_cooldown;         /* days after a call with no hazard call at all (default 0) */
    double call_recovery;      /* tau, days: after a call the hazard is multiplied by
                                * 1 - exp(-days since the call / tau); 0: not lowered */
    tw_dist crisis_boost;      /* extra hazard per day right after a crisis (an escalation,
                                * accusation, snap-back or broken truce), decaying with
                                * crisis_decay; 0: no crisis term */
    double crisis_decay;       /* days, the crisis term's time constant */
    tw_day crisis_last;        /* the latest crisis before the run (events.leader_calls.
                                * crisis.last); TW_DAY_NEVER: none */
    double call_ref_per_year;  /* the historical rate the summary compares with; NAN: none */
    tw_dist deal_base, deal_slope; /* P(deal | call) = base + slope * combined pain */
    double holdout;            /* factor on P(deal) per pain_threshold agent under its resolve */
    tw_dist summit_share;      /* P(a hazard contact is a summit rather than a call) */
    tw_dist summit_base;       /* P(deal | summit) in place of deal_base */
    tw_dist cut_prob;          /* P(a deal cuts the tariffs it suspends for good), in a truce
                                * or at a deal that starts one */
    tw_dist cut_share;         /* share of each side's suspended gap (snap-back level minus
                                * agreed level) such a deal revokes */
    /* truces */
    bool truce_in_force;
    tw_day truce_since, truce_until;
    int truce_days;            /* length of a new truce */
    int extension_days;
    double level[TW_NREG_MAX];     /* agreed lever rate per region, fraction; NAN: none */
    int commit_regime[TW_NREG_MAX]; /* most restrictive export-control regime allowed; -1: none */
    tw_dist ext_base, ext_slope; /* P(extension at expiry) = base + slope * combined pain */
    double breach_penalty;     /* P(extension) is multiplied by 1 - this after a breach accusation
                                * (without ext_accused) */
    bool has_ext_accused;      /* events.truce.extension.accused given */
    tw_dist ext_accused;       /* P(extension at expiry) while a breach accusation stands, in
                                * place of base * (1 - breach_penalty); + slope * pain */
    tw_dist ext_side[TW_NREG_MAX]; /* P(government r agrees to an extension the leaders agree on),
                                * events.truce.extension.<region>; default 1 (it goes along) */
    int breach_window;         /* days of compliance averaged */
    double breach_shortfall;   /* mean shortfall over the window from which an accusation can come */
    bool accuse_hazard;        /* events.truce.breach.accuse_per_day given: accusations come at
                                * that daily hazard times the mean shortfall; else at once */
    tw_dist accuse_rate;       /* hazard per day of full shortfall */
    /* court ruling on the IEEPA tariffs */
    bool court;
    tw_day court_from, court_to;
    tw_dist strike_prob, reimpose_prob;
    int reimpose_delay;
    int reimpose_days;         /* how long the substitute lasts: Section 122 of the Trade Act
                                * of 1974 allows 150 days (19 U.S.C. 2132(a)) */
    double reimpose_cap;       /* fraction; the substitute authority's ceiling */
    int reimpose_authority;
    int reimpose_measure;      /* measure index of the substitute tariff */
    /* third parties */
    tw_third_params third[TW_MAX_THIRD];
    int n_third;
    double vehicle_halt_loss;  /* output loss share of US vehicles that counts as a halt (the
                                * governments' shortage outcome, tw_gov_outcomes, is given it) */
    tw_drawn drawn[TW_MAX_DRAWN]; /* the parameters that are distributions, in slot order:
                                   * the events', the agents', the third parties' */
    int n_drawn;
} tw_events_params;

/* The events' sections of a scenario ("events", "third_parties"), named here once. */
extern const char tw_events_section[], tw_third_parties_section[];
/* Read `events:` and `third_parties:` into ep, after the governments' section (gov, the
 * scenario's [TW_NREG_MAX], which ep keeps a pointer to): the truce's levels and commitments
 * need the governments they name, and the list of drawn parameters holds the agents'
 * (tw_gov_params_drawn) between the events' and the third parties'. Measure ids are
 * interned into book (the scenario's). */
tw_status tw_events_params_load(const tw_cfg_node *root, tw_tariff_book *book, tw_day start,
                                const tw_gov_params gov[TW_NREG_MAX], tw_events_params *ep,
                                tw_err *err);

typedef struct tw_events tw_events;

/* The events of one replicate, their parameters drawn from key; *out NULL without
 * ep->enabled (then gov is NULL too). gov, rates, controls and log are the replicate's
 * and outlive the events. */
tw_status tw_events_create(const tw_events_params *ep, tw_rng_key key, tw_gov_world *gov,
                           tw_rates *rates, const tw_control_book *controls, tw_event_log *log,
                           tw_events **out, tw_err *err);
/* NULL: nothing. */
void tw_events_free(tw_events *e);
/* The day's events, before the governments' decisions; they may change the books and
 * the governments' levers. */
tw_status tw_events_day(tw_events *e, tw_day day, uint32_t d, tw_err *err);
/* Whether a truce holds after today's events; false when e is NULL. */
bool tw_events_truce(const tw_events *e);
/* The events' outcomes after the day into their slots of out[TW_GOV_NOUT] (the policy
 * block's slice); nothing when e is NULL. */
void tw_events_outcomes(const tw_events *e, double *out);
/* This replicate's value of each drawn parameter (ep->n_drawn values, the events' and
 * the agents' (tw_gov_drawn); the court's ruling day in days from start). e may be NULL
 * only when ep->n_drawn is 0. */
void tw_events_drawn_values(const tw_events *e, tw_day start, double *out);

#endif
