/* tw_gov_internal.h - the fields of a replicate's governments.
 *
 * Private to the governments' files (tw_gov.c; and the model's own tests): the rest of
 * models/ sees tw_gov.h only, the events included (tools/check-layout). The events' own
 * state (draws, truce, compliance, calls, court, third parties, their outcomes) is theirs,
 * behind tw_events.h; they reach these fields only through tw_gov.h's functions.
 *
 * Thread-safety: a tw_gov_world is used by its replicate's thread only.
 */
#ifndef TW_GOV_INTERNAL_H
#define TW_GOV_INTERNAL_H

#include "tw_gov.h"

/* One agent's replicate state. */
typedef struct {
    double resolve, forgive, snapback, control; /* this replicate's draws */
    double ref_partner;        /* partner's rate on it, net of agreed changes, at the last decision */
    double partner_prev;       /* partner's rate on it yesterday */
    double partner_drift;      /* agreed (truce, court) changes since the last decision */
    int ref_regime;            /* partner's export-control regime on it at the last decision */
    int regime_prev;           /* partner's regime on it yesterday */
    int regime_drift;          /* agreed regime changes since the last decision */
    int measure, authority;    /* its lever now (the court may move it to another authority) */
    double cap;                /* its cap now, fraction */
    double snap_level;         /* lever rate it returns to when it snaps back out of the
                                * latest truce, fraction (set by the events); NAN: none */
    int state;                 /* TW_GSTATE_* */
    bool triggered;            /* grim trigger pulled */
    bool accusing;             /* accuses the partner of breaching the truce */
    double pain;               /* GDP-equivalent percent, from the latest day */
} tw_gov_agent;

struct tw_gov_world {
    const tw_gov_params *gp;   /* [TW_NREG_MAX] the scenario's parameters */
    tw_rng_key key;            /* the replicate's key: TW_PURPOSE_EVENT draws */
    tw_rates *rates;           /* the replicate's tariff book: levers add to it */
    tw_control_book *controls; /* the replicate's export controls: control levers add to it */
    tw_event_log *log;         /* the replicate's event log (the replicate owns it) */
    int nreg;                  /* regions of the world (the book's) */
    const char *const *regions; /* [nreg] their codes (the book's, borrowed) */
    tw_gov_agent ag[TW_NREG_MAX];
    double exports0[TW_NREG_MAX];  /* USD bn / year on the first day */
    tw_day agreed_change[64];  /* days on which agreed (truce, court) changes take effect */
    int n_agreed;
    double escalations;        /* decisions that raised a lever (outcome) */
    tw_day last_escalation;    /* day of the latest decision that raised a lever; TW_DAY_NEVER */
};

#endif
