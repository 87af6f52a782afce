/* tw_event_log.c - a replicate's event log: one growable array of fixed-size entries,
 * appended to by the governments and the events (tw_event_log.h). Doubling from 32 keeps
 * the appends cheap; the log stays empty in a scenario without governments or events. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tw_event_log.h"
#include "tw_world.h"

tw_status tw_event_log_add(tw_event_log *log, tw_day day, int actor, const char *actor_name,
                           const char *event, const char *fmt, ...) {
    if (log->n == log->cap) {
        size_t cap = log->cap < 32 ? 32 : 2 * log->cap;
        tw_event *items = realloc(log->items, cap * sizeof *items);
        if (items == NULL) return TW_ENOMEM;
        log->items = items;
        log->cap = cap;
    }
    tw_event *e = &log->items[log->n++];
    memset(e, 0, sizeof *e);
    e->date = day;
    snprintf(e->actor, sizeof e->actor, "%s", actor >= 0 ? log->regions[actor] : actor_name);
    snprintf(e->event, sizeof e->event, "%s", event);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->detail, sizeof e->detail, fmt, ap);
    va_end(ap);
    return TW_OK;
}

void tw_event_log_free(tw_event_log *log) {
    if (log == NULL) return;
    free(log->items);
    log->items = NULL;
    log->n = log->cap = 0;
}
