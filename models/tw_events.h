/* tw_events.h - the negotiation and other events of one replicate: leader calls, truces
 * and their expiry, compliance and breach accusations, the court ruling on the IEEPA
 * tariffs, third-party retaliation (tw_events.c says how each works).
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
 * Random numbers: their parameters are drawn once per replicate (purpose TW_PURPOSE_GOV,
 * one counter per slot TW_SLOT_*), their daily chance events keyed by (day, TW_EV_*)
 * (purpose TW_PURPOSE_EVENT), as tw_gov.h describes.
 *
 * Thread-safety: a tw_events belongs to one replicate and is used by its thread only.
 */
#ifndef TW_EVENTS_H
#define TW_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "tw_calendar.h"
#include "tw_controls.h"
#include "tw_error.h"
#include "tw_event_log.h"
#include "tw_gov.h"
#include "tw_rates.h"
#include "tw_rng.h"

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
