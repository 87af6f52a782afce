/* cli.h - the tradewar program's pieces: argument parsing and terminal reports. */
#ifndef TW_CLI_H
#define TW_CLI_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "tw_error.h"
#include "tw_model.h"
#include "tw_batch.h"
#include "tw_output.h"
#include "tw_runner.h"
#include "tw_sweep.h"

#define TW_CLI_MAX_SETS 256

typedef enum {
    TW_CMD_NONE,
    TW_CMD_RUN,
    TW_CMD_VALIDATE,
    TW_CMD_COMPARE,
    TW_CMD_SCORE, /* parsed by tw_cli_score (cli_score.c) */
    TW_CMD_HELP,
    TW_CMD_VERSION
} tw_command;

typedef struct {
    tw_command cmd;
    const char *scenario;
    const char *scenario_b; /* compare: the second scenario */
    const char *outdir;     /* NULL: out/<scenario name> */
    const char *sets[TW_CLI_MAX_SETS];
    int n_sets;
    bool has_replicates, has_seed, has_threads;
    int64_t replicates;
    int64_t seed;
    int threads;
    tw_par_mode par;
    bool force, quiet, report;
    const char *resume;     /* --resume DIR: finish the interrupted run in DIR */
    bool selfcheck;         /* run with 1 and N threads (and ranks) and compare hashes */
    bool trajectories;      /* also write trajectories.csv */
    const char *until;      /* --until OUTCOME:HALFWIDTH (adaptive replication) */
    bool has_checkpoint;
    int64_t checkpoint_every; /* seconds between checkpoints (0: after every chunk) */
} tw_cli_args;

/* Parse argv; TW_EUSAGE with a one-line message on bad usage. */
tw_status tw_cli_parse(int argc, char **argv, tw_cli_args *a, tw_err *err);

/* One loaded scenario: its config tree, model, parameters, run spec and name. */
typedef struct {
    tw_cfg *cfg;
    const tw_model *model;
    void *params;
    tw_run_spec spec;
    char name[256];
    tw_sweep *sweep; /* the scenario's sweep: section, or NULL */
} tw_cli_scenario;

/* Load path with the --set overrides of a and -n/-s, on every rank (each rank reads the
 * files itself); all ranks agree on the outcome. On failure *sc is freed. */
tw_status tw_cli_load(const tw_cli_args *a, const char *path, tw_cli_scenario *sc, tw_err *err);
void tw_cli_scenario_free(tw_cli_scenario *sc);
/* The thread count of a run: -t, else OMP_NUM_THREADS or all cores, capped. */
int tw_cli_threads(const tw_cli_args *a);

/* The signal (SIGINT, SIGTERM) that asked the program to stop, or 0. Long loops check it
 * between chunks and agree on it across ranks. */
extern volatile sig_atomic_t tw_cli_stop_signal;

/* How to run one batch (tw_cli_batch). */
typedef struct {
    const char *dir;   /* directory to write into (exists) */
    int threads;
    tw_par_mode mode;
    int ranks;         /* ranks that work (others idle) */
    bool resume, progress, trajectories;
    int64_t checkpoint_every;
    long until_outcome; /* -1: a fixed number of replicates */
    double until_halfwidth;
} tw_cli_batch_plan;


/* Seconds on a monotonic clock. */
double tw_cli_now(void);
/* Run (or finish, with resume) a batch of sc into pl->dir on every rank, drawing progress
 * and checkpointing as pl says and stopping after a signal (TW_ERUNTIME, with a checkpoint
 * when pl->checkpoint_every >= 0). On success *out owns the finished batch (rank 0 holds
 * its statistics), *mode the level of parallelism used, *seconds and *ran the time and
 * replicates of this invocation. */
tw_status tw_cli_batch(const tw_cli_scenario *sc, const tw_cli_batch_plan *pl, tw_par_mode *mode,
                       const tw_cli_args *a, double *seconds, size_t *ran, tw_batch **out,
                       tw_err *err);
/* FNV-1a 64 over dir's summary.csv, replicates.csv and events.csv. */
tw_status tw_cli_result_hash(const char *dir, uint64_t *h, tw_err *err);
/* The points of base's sweep into od's points/<k>/, then sweep_points.csv,
 * sweep_outcomes.csv and sensitivity.csv (rank 0 writes; all ranks return alike). */
tw_status tw_cli_sweep(const tw_cli_args *a, const tw_cli_scenario *base, tw_outdir *od,
                       int threads, tw_err *err);
/* --selfcheck: the batch with 1 thread, N threads over replicates and over agents, and on
 * every MPI rank; prints the result hashes; TW_ERUNTIME if they differ. */
tw_status tw_cli_selfcheck(const tw_cli_args *a, tw_err *err);

/* tradewar compare A B: paired replicates on common random numbers. */
tw_status tw_cli_compare(const tw_cli_args *a, tw_err *err);

/* Largest thread count accepted on this machine. */
int tw_cli_max_threads(void);

void tw_cli_print_help(FILE *fp);
void tw_cli_print_version(FILE *fp);

/* The terminal summary of a finished run, from rank 0's streaming statistics. */
void tw_cli_report(FILE *fp, const tw_batch_stats *st, size_t n_rep, const tw_model *model,
                   const void *params);

#endif
