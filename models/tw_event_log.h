/* tw_event_log.h - a replicate's event log: what the governments decided and what the
 * events did, in the order it happened (events.csv, through the model's `events`).
 *
 * Not API: only models/ includes it (and the model's own tests).
 *
 * Ownership. The replicate state owns its log (tw_trade.c creates it zeroed and frees it
 * with tw_event_log_free); the governments (tw_gov.c) and the events (tw_events.c) are
 * handed a pointer at creation and append through tw_event_log_add, the only code that
 * writes entries. Entries are plain bytes (tw_event, tw_model.h), so the runner copies the
 * whole array after the last day.
 *
 * Thread-safety: a log belongs to one replicate and is used by its thread only.
 */
#ifndef TW_EVENT_LOG_H
#define TW_EVENT_LOG_H

#include <stddef.h>

#include "tw_calendar.h"
#include "tw_error.h"
#include "tw_model.h"

typedef struct {
    tw_event *items; /* [n] entries in the order they were added; NULL while empty */
    size_t n, cap;
    const char *const *regions; /* the world's region codes (an actor's name), borrowed */
} tw_event_log;

/* Append an entry on day: the actor is region `actor`'s name when actor >= 0, else
 * actor_name ("court", "leaders"); the detail is printf-formatted (each text cut to its
 * field). TW_ENOMEM when the log cannot grow (the log is unchanged). */
tw_status tw_event_log_add(tw_event_log *log, tw_day day, int actor, const char *actor_name,
                           const char *event, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;
/* Free the entries and empty the log (the struct itself is the caller's). NULL: nothing. */
void tw_event_log_free(tw_event_log *log);

#endif
