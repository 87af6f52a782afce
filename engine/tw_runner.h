/* tw_runner.h - the Monte Carlo runner: replicates of a model over calendar days.
 *
 * tw_run_spec_load() reads the engine's own scenario keys (start, end, seed, replicates,
 * output.interval_days). tw_run() runs every replicate from start to end and keeps the
 * observed series on output days and each replicate's outcomes, indexed by replicate, so
 * the result is the same whatever the thread count: replicate r always uses the key
 * (seed, r), and everything downstream is combined in replicate order.
 *
 * Parallelism: with threads > 1 and at least as many replicates as threads, replicates
 * are dealt to threads (replicate level); otherwise replicates run one after another and
 * the model gets the threads for its agent loops (agent level). Never both.
 */
#ifndef TW_RUNNER_H
#define TW_RUNNER_H

#include <stddef.h>
#include <stdint.h>

#include "tw_calendar.h"
#include "tw_config.h"
#include "tw_error.h"
#include "tw_model.h"

#define TW_MAX_DAYS 3660
#define TW_MAX_REPLICATES 1000000
#define TW_MAX_THREADS 1024
/* Largest in-memory result kept (series values of all replicates), in bytes. */
#define TW_MAX_RESULT_BYTES ((size_t)8 << 30)

typedef struct {
    tw_day start, end;   /* inclusive */
    int interval_days;   /* output every this many days; the last day always */
    uint32_t seed;
    int64_t replicates;
} tw_run_spec;

typedef enum { TW_PAR_AUTO, TW_PAR_REPLICATES, TW_PAR_AGENTS } tw_par_mode;

/* Read start, end, seed, replicates and output.interval_days from root. */
tw_status tw_run_spec_load(const tw_cfg_node *root, tw_run_spec *spec, tw_err *err);

typedef struct {
    size_t n_rep, n_out, n_series, n_outcomes;
    tw_day *dates;     /* [n_out] output days */
    double *series;    /* [n_rep][n_out][n_series] */
    double *outcomes;  /* [n_rep][n_outcomes] */
    tw_par_mode mode;  /* the level of parallelism actually used */
    int threads;
} tw_results;

/* Number of output days of a spec. */
size_t tw_run_output_days(const tw_run_spec *spec);

/* Run all replicates. On success *out owns the results (tw_results_free). Refuses,
 * before any work, a result that would not fit TW_MAX_RESULT_BYTES. On a model failure the
 * error of the lowest-numbered failing replicate is returned. */
tw_status tw_run(const tw_model *model, const void *params, const tw_run_spec *spec,
                 int threads, tw_par_mode mode, tw_results **out, tw_err *err);

void tw_results_free(tw_results *res); /* NULL is fine */

/* Refuse, before any work, a run whose replicate states (as many at once as the level of
 * parallelism keeps alive, each model->state_bytes) and results would not fit in this
 * machine's physical memory, or under the address-space limit (RLIMIT_AS) when one is set:
 * TW_EUSAGE with the bytes needed, the limit and what to change. TW_OK when they fit or
 * the model does not say how large a state is. */
tw_status tw_run_check_memory(const tw_model *model, const void *params, const tw_run_spec *spec,
                              int threads, tw_par_mode mode, tw_err *err);

#endif
