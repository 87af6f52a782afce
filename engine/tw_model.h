/* tw_model.h - the interface between the engine's runner and a model.
 *
 * The runner owns the day loop, the replicates, the parallelism and the output; the model
 * owns the economics. A model is a table of functions:
 *   load      read and validate the model's own keys of the scenario once (single thread)
 *   create    make one replicate's state from the parameters and the replicate's key
 *   step      advance the state by one calendar day
 *   observe   write the current value of every output series
 *   outcomes  write the replicate's headline outcomes (after the last day)
 * Series and outcomes are described by labels the model owns, so the engine can write a
 * tidy CSV without knowing what a tariff is. A second model (a toy one in the tests, say)
 * plugs in without touching the engine.
 *
 * A model may also say what the terminal report after a run shows (`report`, tw_report.h):
 * the program renders it without knowing the model.
 *
 * A model may also keep an event log per replicate (events.csv): after a replicate's last
 * day the runner copies it out with `events` (NULL when the model logs nothing).
 *
 * Thread-safety: params are read-only after load and shared by all replicates; create,
 * step, observe, outcomes and free_state on distinct states may run concurrently.
 */
#ifndef TW_MODEL_H
#define TW_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tw_calendar.h"
#include "tw_config.h"
#include "tw_error.h"
#include "tw_parallel.h"
#include "tw_rng.h"

/* One output series: summary.csv's indicator, region, partner and sector columns
 * ("all" where a dimension is aggregated). Strings owned by the model's params. */
typedef struct {
    const char *indicator;
    const char *region;
    const char *partner;
    const char *sector;
} tw_series_label;

/* One entry of a replicate's event log: events.csv's date, actor, event and detail
 * columns (the runner adds the replicate). Fixed-size strings so that a log can be copied,
 * checkpointed and sent between ranks as plain bytes. */
#define TW_EVENT_ACTOR_MAX 16
#define TW_EVENT_NAME_MAX 32
#define TW_EVENT_DETAIL_MAX 128
typedef struct {
    tw_day date;
    char actor[TW_EVENT_ACTOR_MAX];   /* "US", "CN", "EU", "court", "leaders", ... */
    char event[TW_EVENT_NAME_MAX];    /* "leader_call", "truce", "escalate", ... */
    char detail[TW_EVENT_DETAIL_MAX]; /* free text; may hold commas and quotes */
} tw_event;

struct tw_report_spec; /* tw_report.h */

typedef struct tw_model {
    const char *name;
    /* Read the model's keys under root; on success *params is owned by the caller
     * (free with free_params). Must mark every key it understands used (tw_cfg_get). */
    tw_status (*load)(const tw_cfg_node *root, void **params, tw_err *err);
    void (*free_params)(void *params);
    size_t (*n_series)(const void *params);
    tw_series_label (*series)(const void *params, size_t i);
    size_t (*n_outcomes)(const void *params);
    const char *(*outcome_name)(const void *params, size_t i);
    /* start is the run's first day; ex says how many threads the model may use inside
     * one replicate (tw_exec_for). */
    tw_status (*create)(const void *params, tw_rng_key key, tw_day start, const tw_exec *ex,
                        void **state, tw_err *err);
    /* day_index = day - start (0 on the first day). */
    tw_status (*step)(void *state, tw_day day, uint32_t day_index, tw_err *err);
    void (*observe)(const void *state, double *out);  /* n_series values */
    void (*outcomes)(const void *state, double *out); /* n_outcomes values */
    void (*free_state)(void *state);
    /* Optional (may be NULL): the replicate's whole event log in the order the events
     * happened, called once after the last step and before free_state. The array is owned
     * by the state. */
    const tw_event *(*events)(const void *state, size_t *n);
    /* Optional (may be NULL): about how many bytes one replicate's state takes, so that a
     * run that cannot fit in memory is refused before any work (tw_run_check_memory). */
    size_t (*state_bytes)(const void *params);
    /* Optional (may be NULL: none): how many of the last outcomes are the replicate's draws
     * of uncertain parameters rather than results, each named by its scenario key path.
     * They are written with the outcomes; tw_drivers attributes the results to them. */
    size_t (*n_drawn)(const void *params);
    /* Optional (may be NULL: none is): whether drawn parameter k (< n_drawn) ranges over an
     * assumption (marked so, or without a source) rather than a sourced estimate. */
    bool (*drawn_assumed)(const void *params, size_t k);
    /* Optional (may be NULL: observe writes every series): observe only the series i with
     * want[i] and write 0 for the rest, or every series again with want NULL. For a caller
     * that reads a few series of many replicates (the coarse level of the multilevel
     * estimator); called between load and the first create. TW_ENOMEM. */
    tw_status (*observe_only)(void *params, const bool *want, tw_err *err);
    /* Optional (may be NULL: no terminal report): what the terminal report after a run
     * shows (tw_report.h), owned by the model and valid while params are. */
    const struct tw_report_spec *(*report)(const void *params);
} tw_model;

#endif
