/* cli.h - the tradewar program's pieces: argument parsing and terminal reports. */
#ifndef TW_CLI_H
#define TW_CLI_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "tw_error.h"
#include "tw_model.h"
#include "tw_batch.h"
#include "tw_runner.h"
#include "tw_sweep.h"

#define TW_CLI_MAX_SETS 256

typedef enum {
    TW_CMD_NONE,
    TW_CMD_RUN,
    TW_CMD_VALIDATE,
    TW_CMD_COMPARE,
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
