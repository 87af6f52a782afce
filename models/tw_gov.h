/* tw_gov.h - government agents: their parameters, their replicate state, and what the
 * events call.
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
 * Events (tw_events.h, tw_events.c): leader calls, truces and their expiry, compliance and
 * breach accusations, a court ruling on the IEEPA tariffs and third-party retaliation.
 * They read their own parameters (tw_events_params, tw_events_params.c) after the
 * governments' (tw_gov_params below, tw_gov_params.c). Every decision and event appends
 * to the replicate's event log (tw_event_log.h).
 *
 * Uncertain parameters are tw_dist values drawn once per replicate, each from its own
 * slot, and daily chance events draw tw_policy_uniform keyed by (day, event id): both as
 * tw_policy.h describes, which the events share without depending on this header's
 * internals.
 *
 * Ownership. A replicate's governments live in a tw_gov_world (create/free below; its
 * fields are private to tw_gov.c, tw_gov_internal.h): the agents with their draws, their
 * levers, their pain, the days of agreed changes they do not count as moves, and their
 * own outcome (escalations). It is handed the replicate's tariff book, export-control
 * book and event log at creation, the only state outside it that it changes, and reads
 * the day's rates, flows and truce through a read-only view (tw_day.h). The events own
 * their state behind their own handle (tw_events.h) and call the functions at the end of
 * this header; the governments never call or include the events (tools/check-layout).
 * The policy block's indicators and outcomes are the TW_GOV_INDICATORS and TW_GOV_OUTCOMES
 * lists below, in this header because two modules write the block: tw_gov.c gives every
 * indicator's series and value (tw_gov_measures) and writes the shortage outcomes and the
 * governments' own (tw_gov_outcomes), tw_events.c the events' (tw_events_outcomes); each
 * writes only its entries of the block's slice of the outcomes.
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
#include "tw_event_log.h"
#include "tw_measures.h"
#include "tw_model.h"
#include "tw_policy.h"
#include "tw_rates.h"
#include "tw_rng.h"
#include "tw_tariffs.h"
#include "tw_world.h"

/* The policy block's indicators: X(ID, name, unit, aggregation, region, partner,
 * definition); zero in scenarios without governments or events. Values: tw_gov_value
 * (tw_gov.c). */
#define TW_GOV_INDICATORS(X)                                                                 \
    X(TRUCE_ACTIVE, "truce_active", "0/1", CATEGORY, "all (the US-China truce)", "all",      \
      "1 while a truce holds (summary.csv's mean: the share of replicates under a "          \
      "truce)")                                                                              \
    X(GOV_PAIN, "gov_pain", "percent of GDP", MEAN, "the government", "all",                 \
      "the government's pain index (GDP-equivalent losses)")                                 \
    X(STRATEGY_HOLD, "strategy_hold", "0/1", CATEGORY, "the government", "all",              \
      "1 while the government's latest decision is that it held (summary.csv's mean: "       \
      "the share of replicates)")                                                            \
    X(STRATEGY_ESCALATE, "strategy_escalate", "0/1", CATEGORY, "the government", "all",      \
      "1 while the government's latest decision is that it escalated (summary.csv's "        \
      "mean: the share of replicates)")                                                      \
    X(STRATEGY_DEESCALATE, "strategy_deescalate", "0/1", CATEGORY, "the government",         \
      "all", "1 while the government's latest decision is that it de-escalated "             \
      "(summary.csv's mean: the share of replicates)")                                       \
    X(STRATEGY_SEEK_DEAL, "strategy_seek_deal", "0/1", CATEGORY, "the government", "all",    \
      "1 while the government's latest decision is that it sought a deal "                   \
      "(summary.csv's mean: the share of replicates)")                                       \
    X(STRATEGY_TRIGGERED, "strategy_grim_trigger", "0/1", CATEGORY, "the government",        \
      "all",                                                                                 \
      "1 while the government's latest decision is that it pulled its grim trigger "         \
      "(summary.csv's mean: the share of replicates)")

/* The policy outcomes, in replicates.csv's order (0/1 flags are categorical). */
#define TW_GOV_OUTCOMES(X)                                                                   \
    X(DAYS_IN_TRUCE, "days_in_truce", "days", SUM, "days under a truce")                     \
    X(ESCALATIONS, "escalations", "decisions", SUM, "decisions that raised a lever")         \
    X(FIRST_CALL_DAY, "first_leader_call_day", "days from the start", CATEGORY,              \
      "day of the first leader call; nan when none came")                                    \
    X(CALL_BEFORE_TRUCE_END, "leader_call_before_truce_end", "0/1", CATEGORY,                \
      "a leader call before the first truce's expiry as first agreed")                       \
    X(DEAL_BEFORE_TRUCE_END, "deal_before_truce_end", "0/1", CATEGORY,                       \
      "a deal before the first truce's expiry as first agreed")                              \
    X(TRUCE_EXTENDED, "truce_extended", "0/1", CATEGORY, "a truce was extended")             \
    X(TRUCE_EXTENSIONS, "truce_extensions", "extensions", SUM,                               \
      "extensions of truces in the run (a second extension counts 2)")                       \
    X(DEAL_CUT, "deal_cut_tariffs", "0/1", CATEGORY,                                         \
      "a deal cut the tariffs it suspended for good (events.deal.cut)")                      \
    X(SNAP_BACK, "snap_back", "0/1", CATEGORY, "a truce ended unextended or was broken")     \
    X(BREACH_ACCUSED, "breach_accused", "0/1", CATEGORY, "a side accused a breach")          \
    X(US_VEHICLE_HALT, "us_vehicle_halt", "0/1", CATEGORY,                                   \
      "US vehicle output loss reached events.vehicle_halt_loss")                             \
    X(GDP_LOSS_CN, "gdp_loss_cn_usd_bn", "USD bn", SUM, "China's GDP lost to shortages")    \
    X(COURT_STRUCK, "court_struck_ieepa", "0/1", CATEGORY, "the IEEPA tariffs were struck down") \
    X(THIRD_PARTY_RETALIATED, "third_party_retaliated", "0/1", CATEGORY,                     \
      "a third party retaliated")                                                            \
    X(LEADER_CALLS, "leader_calls", "calls", SUM,                                            \
      "leader calls in the run, scheduled and by hazard")                                    \
    X(SUMMITS, "summits", "summits", SUM,                                                    \
      "leader contacts that were summits (events.deal.summit), counted among leader_calls")  \
    X(COURT_RULING_DAY, "court_ruling_day", "days from the start", CATEGORY,                  \
      "day of the court ruling on the IEEPA tariffs; nan without one in the run")            \
    X(COURT_REIMPOSED, "court_reimposed", "0/1", CATEGORY,                                   \
      "struck IEEPA tariffs were re-imposed under another authority")

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
    bool control_all;          /* control_scope: all: the notches move its controls toward
                                * every destination, not the partner alone */
    tw_dist control_prob;      /* control_lever: chance that an escalation also tightens the
                                * controls a notch (default 1: every escalation does) */
    double slow_roll_factor;   /* approval hazard multiplier when it slow-rolls */
    tw_dist resolve;           /* pain_threshold: pain (GDP-equivalent %) it tolerates */
    tw_dist forgive;           /* generous: probability of not answering an escalation */
    tw_dist snapback;          /* per decision, after accusing a breach: chance it snaps back */
    double snapback_level;     /* lever rate it snaps back to, fraction; NAN: the pre-truce level */
    double w_gdp, w_price, w_shortage, w_exports; /* pain weights (tw_gov.c's comment) */
} tw_gov_params;

/* The governments' section of a scenario ("governments"), named here once. */
extern const char tw_gov_section[];
/* Read `governments:` into gov (one per region; gov[r].active when the section lists r);
 * measure ids are interned into book (the scenario's). The events' sections are read
 * after it (tw_events_params_load). */
tw_status tw_gov_params_load(const tw_cfg_node *root, tw_tariff_book *book, tw_day start,
                             tw_gov_params gov[TW_NREG_MAX], tw_err *err);
/* Append the active agents' parameters that vary between replicates to list[*n] (room
 * for TW_MAX_DRAWN), in slot order, named governments.<region>.<key>. */
void tw_gov_params_drawn(const tw_gov_params gov[TW_NREG_MAX], const char *const *regions,
                         tw_drawn *list, int *n);

/* The policy outcomes' slots within the block: tw_gov_outcomes writes the shortages' and
 * the governments' (ESCALATIONS), tw_events_outcomes (tw_events.h) the events' (the rest). */
#define TW_GOV_OUT_ENUM(id, name, unit, agg, def) TW_GOV_OUT_##id,
enum { TW_GOV_OUTCOMES(TW_GOV_OUT_ENUM) TW_GOV_NOUT };
/* The policy indicators' ids within the block (tw_gov_value reads them). */
#define TW_GOV_IND_ENUM(id, name, unit, agg, region, partner, def) TW_GOV_IND_##id,
enum { TW_GOV_INDICATORS(TW_GOV_IND_ENUM) TW_GOV_NIND };

/* The governments of one replicate: their agents, levers and pain (tw_gov_internal.h;
 * opaque outside tw_gov.c). */
typedef struct tw_gov_world tw_gov_world;

/* The governments of one replicate (gov: the scenario's, [TW_NREG_MAX], which outlive it),
 * their parameters drawn from key (the agents' slots). Levers add entries to rates and
 * controls, and decisions append to log (the replicate's books and log, which outlive
 * it). tw_trade.c creates them whenever the policy block is on (a government, the
 * events or a third party configured), with or without an active agent, so that the
 * events have governments to call. */
tw_status tw_gov_create(const tw_gov_params *gov, tw_rng_key key, tw_rates *rates,
                        tw_control_book *controls, tw_event_log *log, tw_gov_world **out,
                        tw_err *err);
void tw_gov_free(tw_gov_world *g);
/* After the day's events, with v->tau at today's rates and v->truce the events' truce:
 * the decisions due today (they read yesterday's pain). */
tw_status tw_gov_decide_day(tw_gov_world *g, const tw_day_view *v, tw_err *err);
/* After the flows and the rare-earth step: each agent's pain. */
void tw_gov_end_day(tw_gov_world *g, const tw_day_view *v);
/* The policy outcomes after the day, into out[TW_GOV_NOUT] (the block's slice of the
 * replicate's outcomes): the shortage outcomes (from v; the US vehicle halt at an output
 * loss share of vehicle_halt_loss, the events' key events.vehicle_halt_loss that
 * tw_trade.c passes) and the governments' own (g); the events write theirs
 * (tw_events_outcomes). g is NULL in a scenario without
 * governments or events: then only the shortage outcomes move. Before the first day,
 * tw_gov_outcomes_start. */
void tw_gov_outcomes_start(double *out);
void tw_gov_outcomes(double vehicle_halt_loss, const tw_gov_world *g, const tw_day_view *v,
                     double *out);
/* The policy block's indicators, outcomes, series and values (tw_gov.c, from the lists
 * above); its handle is the replicate's tw_gov_world, NULL without governments or events
 * (then every policy series is 0). */
extern const tw_measure_block tw_gov_measures;
/* This replicate's draw of the agents' parameter in slot (TW_SLOT_RESOLVE + r, FORGIVE,
 * SNAPBACK, CONTROL); NAN for another slot. */
double tw_gov_drawn(const tw_gov_world *g, int slot);

/* --- what the events call (tw_events.c); the governments never call the events --- */

/* r's lever rate on day t as known on known_by. */
double tw_gov_lever(const tw_gov_world *g, int r, tw_day t, tw_day known_by);
/* Set r's lever to rate from effective to end (announced on announced). */
tw_status tw_gov_set_lever(tw_gov_world *g, int r, double rate, tw_day announced,
                           tw_day effective, tw_day end, tw_err *err);
/* The export-control regime of exporter on dest on day t, and r's new regime on its partner
 * (with control_scope: all, every other destination the scenario does not pin comes down to
 * it where it stands above it). */
int tw_gov_regime(const tw_gov_world *g, int exporter, int dest, tw_day t);
tw_status tw_gov_set_regime(tw_gov_world *g, int r, int regime, tw_day announced,
                            tw_day effective, tw_err *err);
/* Mark a day on which agreed (truce, court) changes take effect: the agents do not count
 * what changes that day as the partner's move. */
void tw_gov_agreed_change(tw_gov_world *g, tw_day day);
/* The court struck the IEEPA tariffs: each active government whose lever stood on them
 * moves it to the substitute measure and authority, capped by the lower of its cap and
 * cap (reimpose) or at 0 (none). */
void tw_gov_court_ruling(tw_gov_world *g, bool reimpose, int measure, int authority,
                         double cap);
/* A temporary authority lapsed: each active government whose lever is measure under
 * authority can no longer raise it (cap 0). */
void tw_gov_authority_lapsed(tw_gov_world *g, int measure, int authority);
/* r's lever cap now, fraction. */
double tw_gov_cap(const tw_gov_world *g, int r);
/* A truce starts: the lever rate r snaps back to if its partner breaches it, fraction.
 * Until the events set it (for a side with an agreed truce level) it is NAN, and r never
 * snaps back. */
void tw_gov_set_snap_level(tw_gov_world *g, int r, double rate);
/* r's snap-back level now, fraction; NAN when none is set. */
double tw_gov_snap_level(const tw_gov_world *g, int r);
/* r accuses its partner of a breach (or drops the accusation). */
void tw_gov_accuse(tw_gov_world *g, int r, bool accusing);
/* The day of the latest decision of any government that raised its lever; TW_DAY_NEVER
 * before the first (the events' crisis clock, tw_events.c). */
tw_day tw_gov_last_escalation(const tw_gov_world *g);
/* Active pain_threshold governments still under their resolve (they hold out on a deal). */
int tw_gov_holdouts(const tw_gov_world *g);
/* Sum of the active agents' pain. */
double tw_gov_combined_pain(const tw_gov_world *g);

#endif
