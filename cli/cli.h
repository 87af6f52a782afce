/* cli.h - the tradewar program's command line: the parsed arguments, the commands that
 * main() dispatches to, and the terminal reports.
 *
 * The pieces below the commands have headers of their own, each used downwards only:
 * cli_scenario.h (loading a scenario and the model registry), cli_rundir.h (the output
 * directory's life), cli_resume.h (the command file and --resume), cli_provenance.h
 * (provenance.yaml and scenario.yaml) and cli_batch.h (the batch loop and sweeps).
 * Everything here runs on the main thread of every MPI rank.
 */
#ifndef TW_CLI_H
#define TW_CLI_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "tw_error.h"
#include "tw_drivers.h"
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
    bool compress;          /* --compress: the large CSV files as NAME.csv.gz (cli_rundir.h) */
    const char *until;      /* --until OUTCOME:HALFWIDTH (adaptive replication) */
    bool has_checkpoint;
    int64_t checkpoint_every; /* seconds between checkpoints (0: after every chunk) */
} tw_cli_args;

/* Parse argv; TW_EUSAGE with a one-line message on bad usage. */
tw_status tw_cli_parse(int argc, char **argv, tw_cli_args *a, tw_err *err);

/* The thread count of a run: -t, else OMP_NUM_THREADS or all cores, capped. */
int tw_cli_threads(const tw_cli_args *a);

/* The signal (SIGINT, SIGTERM) that asked the program to stop, or 0. Long loops check it
 * between chunks and agree on it across ranks. */
extern volatile sig_atomic_t tw_cli_stop_signal;

/* The commands (each on every rank, all ranks returning alike). argc/argv: the command line
 * that `run` records for --resume (argc 0 when it is itself a resume). */
tw_status tw_cli_run(const tw_cli_args *a, int argc, char **argv, tw_err *err);
/* tradewar compare A B: paired replicates on common random numbers (cli_compare.c). */
tw_status tw_cli_compare(const tw_cli_args *a, tw_err *err);
/* --selfcheck: the batch with 1 thread, N threads over replicates and over agents, and on
 * every MPI rank; prints the result hashes; TW_ERUNTIME if they differ (cli_batch.c). */
tw_status tw_cli_selfcheck(const tw_cli_args *a, tw_err *err);

/* Seconds on a monotonic clock. */
double tw_cli_now(void);

/* Largest thread count accepted on this machine. */
int tw_cli_max_threads(void);

void tw_cli_print_help(FILE *fp);
void tw_cli_print_version(FILE *fp);

/* The terminal summary of a finished run, from rank 0's streaming statistics; under each
 * headline probability, its top drivers from dr (NULL or empty: none). */
void tw_cli_report(FILE *fp, const tw_batch_stats *st, size_t n_rep, const tw_model *model,
                   const void *params, const tw_drivers *dr);

/* cli_spawn.c: run argv[0] with argv (NULL-terminated) and wait for it; TW_ERUNTIME naming
 * `what` when it cannot start, cannot run or exits non-zero. stdout is flushed first. */
tw_status tw_cli_spawn(char *const argv[], const char *what, tw_err *err);

#endif
