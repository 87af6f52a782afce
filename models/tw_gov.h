/* tw_gov.h - government agents, negotiation events and their parameters.
 *
 * Not API: only models/ includes it (and the model's own tests).
 *
 * A government agent per region (those listed under `governments:`) decides on a cadence
 * from what it observes: the partner's measures against it (the partner's trade-weighted
 * tariff on it, plus one export-control notch counted as `control_move_pct` points), its
 * own pain (tw_gov.c), the truce in force and the partner's compliance with it.
 * Its strategy turns that into a new level of its lever (one tariff measure on its
 * partner) and, for a government with an export-control lever, a tighter or looser
 * regime. A decision on day t is announced on t and takes effect on t + delay_days, so
 * firms front-load announced increases as they do for scripted ones.
 *
 * Events (tw_events.c): leader calls, truces and their expiry, compliance and breach
 * accusations, a court ruling on the IEEPA tariffs and third-party retaliation. Every
 * decision and event appends to the replicate's event log.
 *
 * Uncertain parameters are tw_dist values drawn once per replicate from the replicate's
 * own stream (purpose TW_PURPOSE_GOV, one counter per parameter slot), so that Monte Carlo
 * explores them and a replicate's draws do not depend on the thread that runs it. Daily
 * chance events use purpose TW_PURPOSE_EVENT keyed by (day, event id).
 *
 * Ownership. A replicate's governments and events live in a tw_gov_world (create/free
 * below; its fields are private to tw_gov.c and tw_events.c, tw_gov_internal.h). It is
 * handed the replicate's tariff book and export-control book at creation, the only state
 * outside it that it changes, and reads the day's rates and flows through a read-only
 * view (tw_day.h). The events call the governments' levers; the governments never call
 * the events. The block lists its own indicators and outcomes, with their series and
 * values, in tw_gov.c (tw_gov_measures), and writes only its slice of the outcomes.
 *
 * Thread-safety: parameters are read-only after load; a tw_gov_world belongs to one
 * replicate's state.
 */
#ifndef TW_GOV_H
#define TW_GOV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "tw_config.h"
#include "tw_controls.h"
#include "tw_day.h"
#include "tw_measures.h"
#include "tw_model.h"
#include "tw_rates.h"
#include "tw_rng.h"
#include "tw_tariffs.h"
#include "tw_world.h"

/* A parameter that may be uncertain: drawn once per replicate. */
typedef enum { TW_DIST_FIXED, TW_DIST_UNIFORM, TW_DIST_NORMAL, TW_DIST_BETA, TW_DIST_LOGNORMAL,
               TW_NDIST } tw_dist_kind;
typedef struct {
    tw_dist_kind kind;
    double a, b;   /* fixed: value; uniform: lo, hi; normal: mean, sd; beta: a, b;
                    * lognormal: mu, sigma of the log */
    double lo, hi; /* the parameter's range: draws are clamped into it */
    bool assumed;  /* a distribution marked `assumed: true` or given without a `source` */
} tw_dist;

/* Read map[key] as a number or a {dist: ..., ...} map; the range [lo, hi] checks fixed
 * values and distribution bounds and clamps draws. Absent: fixed def. */
tw_status tw_dist_load(const tw_cfg_node *map, const char *key, double def, double lo, double hi,
                       tw_dist *out, tw_err *err);
/* One draw (r: the replicate's parameter stream). */
double tw_dist_draw(const tw_dist *d, gsl_rng *r);

typedef enum {
    TW_STRAT_SCRIPTED,
    TW_STRAT_TIT_FOR_TAT,
    TW_STRAT_PROPORTIONAL,
    TW_STRAT_GENEROUS,
    TW_STRAT_GRIM_TRIGGER,
    TW_STRAT_PAIN_THRESHOLD,
    TW_STRAT_BEST_RESPONSE,
    TW_NSTRAT
} tw_strategy;
extern const char *const tw_strategy_names[TW_NSTRAT + 1];

/* strategy_state series: what the agent did at its latest decision. */
enum { TW_GSTATE_HOLD = 0, TW_GSTATE_ESCALATE = 1, TW_GSTATE_DEESCALATE = 2,
       TW_GSTATE_SEEK_DEAL = 3, TW_GSTATE_TRIGGERED = 4 };

typedef struct {
    bool active;
    tw_strategy strategy;
    int partner;               /* region the lever targets and whose moves are watched */
    int cadence;               /* days between decisions */
    int delay;                 /* days from a decision to its effect */
    tw_day first_decision;
    int measure;               /* lever: measure index in the params' tariff book */
    int authority;
    bool sectors[TW_NSEC];
    int not_on[TW_MAX_NOT_ON], n_not_on;
    int lever_sector;          /* first sector of the lever, where its level is read */
    double cap;                /* highest lever rate, fraction (INFINITY: none) */
    double floor_rate;         /* lowest lever rate it will cut to, fraction */
    double factor;             /* proportional: response per unit of partner move */
    double threshold;          /* smallest partner move that counts, fraction */
    double step;               /* pain_threshold: escalation step, fraction */
    double br_grid;            /* best_response: spacing of the levels it compares, fraction */
    double br_max;             /* best_response: highest level it considers, fraction */
    double control_move;       /* partner move counted per export-control notch, fraction */
    bool control_lever;        /* tightens its own export controls on the partner */
    double slow_roll_factor;   /* approval hazard multiplier when it slow-rolls */
    tw_dist resolve;           /* pain_threshold: pain (GDP-equivalent %) it tolerates */
    tw_dist forgive;           /* generous: probability of not answering an escalation */
    tw_dist snapback;          /* per decision, after accusing a breach: chance it snaps back */
    double snapback_level;     /* lever rate it snaps back to, fraction; NAN: the pre-truce level */
    double w_gdp, w_price, w_shortage, w_exports; /* pain weights (tw_gov.c's comment) */
} tw_gov_params;

#define TW_MAX_CALL_DATES 16
/* Default events.leader_calls.recovery_days: the time constant of the maximum-likelihood
 * fit to the gaps between US-China leader contacts of 2017-2024 (analysis/event_rates.py;
 * data/README.md, "Event base rates"; 95% profile interval 0.5 to 84 days). */
#define TW_CALL_RECOVERY_DAYS 12.0
#define TW_MAX_DRAWN 64
#define TW_DRAWN_NAME_MAX 64

/* A parameter that varies between replicates: replicates.csv's column after the outcomes,
 * named by its key path (governments.US.resolve, events.deal.base, ...). */
typedef struct {
    char name[TW_DRAWN_NAME_MAX];
    int slot;                  /* TW_SLOT_* (with the region or third party added) */
    bool assumed;              /* its range is an assumption (tw_dist.assumed) */
} tw_drawn;
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

typedef struct {
    bool enabled;              /* any government, event or third party configured */
    tw_gov_params gov[TW_NREG];
    /* leader calls */
    tw_day call_dates[TW_MAX_CALL_DATES];
    int n_call_dates;
    tw_dist call_base;         /* hazard per day with no pain */
    tw_dist call_slope;        /* extra hazard per day per point of combined pain */
    tw_day call_from;          /* first day a hazard call can happen */
    int call_cooldown;         /* days after a call with no hazard call at all (default 0) */
    double call_recovery;      /* tau, days: after a call the hazard is multiplied by
                                * 1 - exp(-days since the call / tau); 0: not lowered */
    double call_ref_per_year;  /* the historical rate the summary compares with; NAN: none */
    tw_dist deal_base, deal_slope; /* P(deal | call) = base + slope * combined pain */
    double holdout;            /* factor on P(deal) per pain_threshold agent under its resolve */
    /* truces */
    bool truce_in_force;
    tw_day truce_since, truce_until;
    int truce_days;            /* length of a new truce */
    int extension_days;
    double level[TW_NREG];     /* agreed lever rate per region, fraction; NAN: none */
    int commit_regime[TW_NREG]; /* most restrictive export-control regime allowed; -1: none */
    tw_dist ext_base, ext_slope; /* P(extension at expiry) = base + slope * combined pain */
    double breach_penalty;     /* P(extension) is multiplied by 1 - this after a breach accusation */
    int breach_window;         /* days of compliance averaged */
    double breach_shortfall;   /* mean shortfall over the window that triggers an accusation */
    /* court ruling on the IEEPA tariffs */
    bool court;
    tw_day court_from, court_to;
    tw_dist strike_prob, reimpose_prob;
    int reimpose_delay;
    double reimpose_cap;       /* fraction; the substitute authority's ceiling */
    int reimpose_authority;
    int reimpose_measure;      /* measure index of the substitute tariff */
    /* third parties */
    tw_third_params third[TW_MAX_THIRD];
    int n_third;
    double vehicle_halt_loss;  /* output loss share of US vehicles that counts as a halt */
    tw_drawn drawn[TW_MAX_DRAWN]; /* the parameters that are distributions, in slot order */
    int n_drawn;
} tw_events_params;

/* Read `governments:`, `events:` and `third_parties:`; measure ids are interned into book
 * (the scenario's). */
tw_status tw_gov_params_load(const tw_cfg_node *root, tw_tariff_book *book, tw_day start,
                             tw_events_params *ep, tw_err *err);

/* Counters of the daily chance draws (purpose TW_PURPOSE_EVENT, agent = event id) and of
 * the per-replicate parameter draws (purpose TW_PURPOSE_GOV, agent = slot). */
enum { TW_EV_CALL = 0, TW_EV_DEAL = 1, TW_EV_EXTEND = 2, TW_EV_STRIKE = 3, TW_EV_REIMPOSE = 4,
       TW_EV_FORGIVE = 10, TW_EV_SNAPBACK = 20, TW_EV_THIRD = 30 };
enum { TW_SLOT_CALL_BASE = 0, TW_SLOT_CALL_SLOPE, TW_SLOT_DEAL_BASE, TW_SLOT_DEAL_SLOPE,
       TW_SLOT_EXT_BASE, TW_SLOT_EXT_SLOPE, TW_SLOT_STRIKE, TW_SLOT_REIMPOSE, TW_SLOT_COURT_DAY,
       TW_SLOT_RESOLVE = 10, TW_SLOT_FORGIVE = 20, TW_SLOT_SNAPBACK = 30, TW_SLOT_THIRD = 40 };

/* The governments' and events' world of one replicate: agents, truce, court, third
 * parties, the event log (tw_gov_internal.h; opaque outside the policy files). */
typedef struct tw_gov_world tw_gov_world;

/* Random number purposes of the policy block (the counter's purpose field). */
enum { TW_PURPOSE_GOV = 5, TW_PURPOSE_EVENT = 6 };

/* The world of one replicate, its parameters drawn from key; *out NULL without
 * ep->enabled. Levers and events add entries to rates and controls (the replicate's
 * books, which outlive it). */
tw_status tw_gov_create(const tw_events_params *ep, tw_rng_key key, tw_rates *rates,
                        tw_control_book *controls, tw_gov_world **out, tw_err *err);
void tw_gov_free(tw_gov_world *g);
/* The day's events (tw_events.c): before the decisions; they may change the books. */
tw_status tw_events_day(tw_gov_world *g, tw_day day, uint32_t d, tw_err *err);
/* After the day's events, with v->tau at today's rates: the decisions due today (they
 * read yesterday's pain). */
tw_status tw_gov_decide_day(tw_gov_world *g, const tw_day_view *v, tw_err *err);
/* After the flows and the rare-earth step: each agent's pain and the truce's days. */
void tw_gov_end_day(tw_gov_world *g, const tw_day_view *v);
/* The policy outcomes after the day, into out (the block's slice of the replicate's
 * outcomes, tw_gov_measures.n_outcomes entries). g is NULL in a scenario without
 * governments or events: then only the shortage outcomes move. Before the first day,
 * tw_gov_outcomes_start. */
void tw_gov_outcomes_start(double *out);
void tw_gov_outcomes(const tw_events_params *ep, const tw_gov_world *g, const tw_day_view *v,
                     double *out);
/* The policy block's indicators, outcomes, series and values (listed in tw_gov.c); its
 * handle is the replicate's tw_gov_world, NULL without governments or events (then every
 * policy series is 0). */
extern const tw_measure_block tw_gov_measures;
/* The event log so far (*n entries); NULL and 0 when g is NULL. */
const tw_event *tw_gov_events(const tw_gov_world *g, size_t *n);

/* This replicate's value of each drawn parameter (ep->n_drawn values; the court's ruling
 * day in days from start). g may be NULL only when ep->n_drawn is 0. */
void tw_gov_drawn_values(const tw_gov_world *g, const tw_events_params *ep, tw_day start, double *out);

#endif
