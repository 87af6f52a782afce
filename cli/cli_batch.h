/* cli_batch.h - running batches for the tradewar program: the chunk loop with progress,
 * signals and checkpoints, the result hash, and sweeps.
 *
 * Every function runs on every MPI rank together (rank 0 writes); not thread-safe.
 */
#ifndef TW_CLI_BATCH_H
#define TW_CLI_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli_rundir.h"
#include "cli_scenario.h"

/* How to run one batch (tw_cli_batch). */
typedef struct {
    const char *dir;   /* directory to write into (exists) */
    int threads;
    tw_par_mode mode;
    int ranks;         /* ranks that work (others idle) */
    bool resume, progress, trajectories;
    int64_t checkpoint_every; /* seconds; -1: never, and a signal keeps nothing */
    long until_outcome; /* -1: a fixed number of replicates */
    double until_halfwidth;
    const char *outdir; /* the destination a stop names in "finish with --resume"; NULL:
                         * the stop's message is left for the caller to finish */
} tw_cli_batch_plan;

/* Run (or finish, with resume) a batch of sc into pl->dir on every rank, drawing progress
 * and checkpointing as pl says and stopping after a signal (TW_ERUNTIME, with a checkpoint
 * when pl->checkpoint_every >= 0). *stopped says whether the batch stopped for a signal
 * that any rank received: the stop the ranks agreed on, the same on every rank, which is
 * what decides whether the staging directory is kept (never a rank's own flag). On
 * success *out owns the finished batch (rank 0 holds its statistics), *mode the level of
 * parallelism used, *seconds and *ran the time and replicates of this invocation. */
tw_status tw_cli_batch(const tw_cli_scenario *sc, const tw_cli_batch_plan *pl, tw_par_mode *mode,
                       double *seconds, size_t *ran, tw_batch **out, bool *stopped, tw_err *err);
/* Whether any rank has been asked to stop (SIGINT, SIGTERM), agreed over ranks: the same
 * answer on every rank. Call on every rank together, between units of work. */
tw_status tw_cli_stop_agreed(bool *stop, tw_err *err);
/* FNV-1a 64 over dir's summary.csv, replicates.csv and events.csv. */
tw_status tw_cli_result_hash(const char *dir, uint64_t *h, tw_err *err);
/* Before any file: load every point of base's sweep (the scenario with the point's values
 * set like --set) and check sweep.outcomes, refusing the first that fails (TW_ECONFIG or
 * TW_EUSAGE, naming the point). Every rank together. */
tw_status tw_cli_sweep_check(const tw_cli_args *a, const tw_cli_scenario *base, tw_err *err);
/* The points of base's sweep into rd's points/<k>/ (with a->resume: skipping the complete
 * ones and continuing an interrupted one from its checkpoint), then sweep_points.csv,
 * sweep_outcomes.csv and sensitivity.csv (rank 0 writes; all ranks return alike). A
 * signal to any rank stops it at a checkpoint (TW_ERUNTIME naming the resume). On failure
 * *keep says whether the staging directory holds work to keep for --resume (a resume, a
 * stop, a finished point), the same on every rank. */
tw_status tw_cli_sweep(const tw_cli_args *a, const tw_cli_scenario *base, tw_cli_rundir *rd,
                       int threads, bool *keep, tw_err *err);

#endif
