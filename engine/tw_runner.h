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
/* Replicates a streaming batch runs per thread (and per rank) before folding them into its
 * statistics: enough to keep threads busy, few enough to bound memory. */
#define TW_CHUNK_PER_THREAD 4
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

/* The level of parallelism AUTO picks for a batch of n_rep replicates on this many
 * threads (replicates when there are at least as many replicates as threads). */
tw_par_mode tw_run_resolve_mode(tw_par_mode mode, int threads, size_t n_rep);

/* --- streaming batches ---
 *
 * A large batch is run chunk by chunk: tw_chunk_run() runs the consecutive replicates
 * r0 .. r0+n-1 into a tw_chunk, which the driver folds into streaming statistics
 * (tw_sketch) and writes out in replicate order before running the next chunk, so memory
 * holds one chunk, not the batch. Under MPI each rank runs a contiguous slice of a chunk
 * and rank 0 gathers the slices in rank order, which is replicate order.
 */
typedef struct {
    size_t r0, n;                      /* replicates r0 .. r0+n-1 */
    size_t n_out, n_series, n_outcomes;
    double *series;                    /* [n][n_out][n_series] */
    double *outcomes;                  /* [n][n_outcomes] */
    uint64_t *n_events;                /* [n] event count of each replicate */
    tw_event *events;                  /* [sum of n_events] replicate by replicate */
    size_t events_len;
} tw_chunk;

/* Run replicates r0 .. r0+n-1 (n may be 0) into *ch, which must be zeroed or cleared; mode
 * must be resolved (not AUTO). On a model failure returns the error of the lowest failing
 * replicate and leaves *ch cleared. *ch owns its arrays (tw_chunk_clear). */
tw_status tw_chunk_run(const tw_model *model, const void *params, const tw_run_spec *spec,
                       int threads, tw_par_mode mode, size_t r0, size_t n, tw_chunk *ch,
                       tw_err *err);
/* Free a chunk's arrays and zero it. */
void tw_chunk_clear(tw_chunk *ch);
/* Allocate a chunk's arrays for n replicates (events empty); TW_ENOMEM on failure. */
tw_status tw_chunk_alloc(tw_chunk *ch, size_t n, size_t n_out, size_t n_series,
                         size_t n_outcomes, tw_err *err);
/* Refuse, before any work, a run whose replicate states (as many at once as the level of
 * parallelism keeps alive, each model->state_bytes; nothing when the model does not say),
 * one chunk of results, and statistics (one tw_sketch per summary cell and per outcome at
 * its bound for spec->replicates values, tw_sketch_bound_bytes, tw_stats.h; an adaptive run
 * passes the most full-size replicates it can keep) would not fit in this machine's physical
 * memory, or under the address-space limit (RLIMIT_AS) when one is set: TW_EUSAGE with the
 * bytes needed by each part, the limit and what to change. TW_OK when they fit. */
tw_status tw_run_check_memory(const tw_model *model, const void *params, const tw_run_spec *spec,
                              int threads, tw_par_mode mode, tw_err *err);

#endif
