/* tw_gov_internal.h - the replicate state of the governments and events, and the levers
 * the events pull.
 *
 * Private to the policy files (tw_gov.c, tw_events.c; and the model's own tests): the
 * rest of models/ sees tw_gov.h only. Events call the governments' functions below;
 * the governments never call the events.
 *
 * Thread-safety: a tw_gov_world is used by its replicate's thread only.
 */
#ifndef TW_GOV_INTERNAL_H
#define TW_GOV_INTERNAL_H

#include "tw_gov.h"

/* One agent's replicate state. */
typedef struct {
    double resolve, forgive, snapback; /* this replicate's draws */
    double ref_partner;        /* partner's rate on it, net of agreed changes, at the last decision */
    double partner_prev;       /* partner's rate on it yesterday */
    double partner_drift;      /* agreed (truce, court) changes since the last decision */
    int ref_regime;            /* partner's export-control regime on it at the last decision */
    int regime_prev;           /* partner's regime on it yesterday */
    int regime_drift;          /* agreed regime changes since the last decision */
    int measure, authority;    /* its lever now (the court may move it to another authority) */
    double cap;                /* its cap now, fraction */
    int state;                 /* TW_GSTATE_* */
    bool triggered;            /* grim trigger pulled */
    bool accusing;             /* accuses the partner of breaching the truce */
    double pain;               /* GDP-equivalent percent, from the latest day */
} tw_gov_agent;

struct tw_gov_world {
    const tw_events_params *ep; /* the scenario's parameters */
    tw_rng_key key;            /* the replicate's key: TW_PURPOSE_EVENT draws */
    tw_rates *rates;           /* the replicate's tariff book: levers and events add to it */
    tw_control_book *controls; /* the replicate's export controls: control levers add to it */
    tw_gov_agent ag[TW_NREG];
    double exports0[TW_NREG];  /* USD bn / year on the first day */
    /* draws */
    double call_base, call_slope, deal_base, deal_slope, ext_base, ext_slope;
    double strike_prob, reimpose_prob, third_prob[TW_MAX_THIRD];
    tw_day court_day;
    /* truce */
    bool truce;
    tw_day truce_from;         /* first day the agreed levels apply */
    tw_day truce_until;
    tw_day first_truce_until;  /* expiry of the first truce as agreed; TW_DAY_NEVER if none */
    double snap_level[TW_NREG]; /* lever rate each side returns to when the truce ends */
    double shortfall[366];     /* ring of daily compliance shortfall, 0..1 */
    int n_short;
    bool breach;               /* a breach accusation is outstanding */
    tw_day last_call;
    tw_day agreed_change[64];  /* days on which truce/court changes take effect */
    int n_agreed;
    bool third_done[TW_MAX_THIRD];
    tw_day third_due[TW_MAX_THIRD];
    tw_day reimpose_due;
    /* outcomes */
    double days_truce, escalations, first_call;
    bool call_before_end, deal_before_end, extended, snapped, accused, struck, third_hit;
    double calls;              /* leader calls so far */
    double ruling_day;         /* day index of the court ruling; NAN before it */
    bool reimposed;
    tw_event_log *log;         /* the replicate's event log (the replicate owns it) */
};

/* The replicate's uniform draw for chance event `event` on day d. */
double tw_gov_uniform(const tw_gov_world *g, uint32_t d, uint64_t event);
/* r's lever rate on day t as known on known_by, and a new level from effective to end. */
double tw_gov_lever(const tw_gov_world *g, int r, tw_day t, tw_day known_by);
tw_status tw_gov_set_lever(tw_gov_world *g, int r, double rate, tw_day announced,
                           tw_day effective, tw_day end, tw_err *err);
/* The export-control regime of exporter on dest on day t, and r's new regime on its partner. */
int tw_gov_regime(const tw_gov_world *g, int exporter, int dest, tw_day t);
tw_status tw_gov_set_regime(tw_gov_world *g, int r, int regime, tw_day announced,
                            tw_day effective, tw_err *err);
/* Mark a day on which agreed (truce, court) changes take effect: not a partner's move. */
void tw_gov_agreed_change(tw_gov_world *g, tw_day day);
/* The court struck the IEEPA tariffs: each active government whose lever stood on them
 * moves it to the substitute authority, capped by its cap (reimpose) or at 0 (none). */
void tw_gov_court_ruling(tw_gov_world *g, bool reimpose);
/* r's lever cap now, fraction. */
double tw_gov_cap(const tw_gov_world *g, int r);
/* r accuses its partner of a breach (or drops the accusation). */
void tw_gov_accuse(tw_gov_world *g, int r, bool accusing);
/* Active pain_threshold governments still under their resolve (they hold out on a deal). */
int tw_gov_holdouts(const tw_gov_world *g);
/* Sum of the active agents' pain. */
double tw_gov_combined_pain(const tw_gov_world *g);

#endif
