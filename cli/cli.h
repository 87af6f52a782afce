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
#include <stdio.h>
#include <stdbool.h>
#include <stdint.h>

#include "tw_calendar.h"
#include "tw_config.h"
#include "tw_error.h"
#include "tw_drivers.h"
#include "tw_model.h"
#include "tw_batch.h"
#include "tw_output.h"
#include "tw_runner.h"
#include "tw_sweep.h"

#define TW_CLI_MAX_SETS 256

/* The commands, in --help's order: X(ID, name, entry, own_options, usage). entry is the
 * command's entry point (tw_cli_entry, in its own file cli_<name>.c); own_options: it
 * parses argv itself (score) instead of taking the common options of cli_args.c; usage:
 * its lines of --help's "Usage:". A new command is its file and one line here. */
#define TW_CLI_COMMANDS(X)                                                                   \
    X(RUN, "run", tw_cli_run_command, false,                                                 \
      "  tradewar run SCENARIO.yaml [options]   run a scenario, write CSVs, print a summary\n")  \
    X(VALIDATE, "validate", tw_cli_validate, false,                                          \
      "  tradewar validate SCENARIO.yaml [--set key=value ...]\n"                            \
      "                                         check a scenario without running it\n")      \
    X(COMPARE, "compare", tw_cli_compare, false,                                             \
      "  tradewar compare A.yaml B.yaml [options] [--set-a KEY=VALUE] [--set-b KEY=VALUE]\n" \
      "                                         paired replicates of two scenarios on common\n" \
      "                                         random numbers (same seed and replicate keys):\n" \
      "                                         differences B - A with 95%% intervals, paired\n" \
      "                                         and unpaired, and by month; writes\n"          \
      "                                         DIR/compare.csv, DIR/compare_outcomes.csv,\n"  \
      "                                         scenario_a.yaml, scenario_b.yaml and\n"        \
      "                                         provenance.yaml; --set applies to both sides,\n" \
      "                                         --set-a and --set-b to one (A and B may be the\n" \
      "                                         same file)\n")                                 \
    X(SCORE, "score", tw_cli_score, true,                                                    \
      "  tradewar score OUTDIR OBSERVED.csv [options]\n"                                     \
      "                                         hold a run against observed data (below)\n") \
    X(HINDCAST, "hindcast", tw_cli_hindcast, false,                                          \
      "  tradewar hindcast [BASE.yaml] [options] the model started at each decision point of\n" \
      "                                         2018 to May 2025 with the agents fitted leaving\n" \
      "                                         its episode out: DIR/hindcast.csv (default\n"   \
      "                                         out/hindcast), Brier and log scores against\n"  \
      "                                         the climatology, the reliability table; -n\n"   \
      "                                         replicates a decision (default 400), --report\n" \
      "                                         the reliability diagram\n")                   \
    X(DICTIONARY, "dictionary", tw_cli_dictionary, true,                                     \
      "  tradewar dictionary [--csv]            every indicator and outcome with its unit,\n" \
      "                                         aggregation and definition (Markdown, or CSV);\n" \
      "                                         --package DIR: DIR/datapackage.json for the\n" \
      "                                         CSVs there (bench/run's bench.csv)\n")

#define TW_CLI_CMD_ENUM(id, name, entry, own, usage) TW_CMD_##id,
typedef enum { TW_CMD_NONE, TW_CLI_COMMANDS(TW_CLI_CMD_ENUM) TW_CMD_HELP, TW_CMD_VERSION } tw_command;
#undef TW_CLI_CMD_ENUM

typedef struct {
    tw_command cmd;
    const char *scenario;
    const char *scenario_b; /* compare: the second scenario */
    const char *outdir;     /* NULL: out/<scenario name> */
    const char *sets[TW_CLI_MAX_SETS];
    int n_sets;
    const char *sets_a[TW_CLI_MAX_SETS]; /* compare: --set-a, applied to A after --set */
    int n_sets_a;
    const char *sets_b[TW_CLI_MAX_SETS]; /* compare: --set-b, applied to B after --set */
    int n_sets_b;
    bool has_replicates, has_seed, has_threads;
    int64_t replicates;
    int64_t seed;
    int threads;
    tw_par_mode par;
    bool force, report;
    bool quiet;             /* no progress bar */
    bool silent;            /* nothing on stdout or stderr but errors (implies quiet) */
    const char *resume;     /* --resume DIR: finish the interrupted run in DIR */
    bool selfcheck;         /* run with 1 and N threads (and ranks) and compare hashes */
    bool trajectories;      /* also write trajectories.csv */
    bool compress;          /* --compress: the large CSV files as NAME.csv.gz (cli_rundir.h) */
    const char *until;      /* --until OUTCOME:HALFWIDTH (adaptive replication) */
    bool has_budget;        /* --budget R: an adaptive run's cost in full-size replicates */
    int64_t budget;
    bool tables;            /* --tables: the long tables on the terminal too */
    bool has_checkpoint;
    int64_t checkpoint_every; /* seconds between checkpoints (0: after every chunk) */
    int argc;               /* the command line as given (for provenance.yaml); argv is */
    char **argv;            /* borrowed from the caller of tw_cli_parse */
} tw_cli_args;

/* Parse argv; TW_EUSAGE with a one-line message on bad usage. */
tw_status tw_cli_parse(int argc, char **argv, tw_cli_args *a, tw_err *err);

/* The thread count of a run: -t, else OMP_NUM_THREADS or all cores, capped. */
int tw_cli_threads(const tw_cli_args *a);

/* The signal (SIGINT, SIGTERM) that asked the program to stop, or 0. Long loops check it
 * between chunks and agree on it across ranks (cli_signals.c). */
extern volatile sig_atomic_t tw_cli_stop_signal;
/* Set the handlers of SIGINT and SIGTERM that record the signal above (the program's
 * entry calls it once, before dispatching a command). */
void tw_cli_install_signals(void);

/* A command's entry point: a, the parsed common options (unused by a command with its own);
 * argc/argv, the command line as given. */
typedef tw_status (*tw_cli_entry)(const tw_cli_args *a, int argc, char **argv, tw_err *err);
#define TW_CLI_ENTRY_DECL(id, name, entry, own, usage)  \
    tw_status entry(const tw_cli_args *a, int argc, char **argv, tw_err *err);
TW_CLI_COMMANDS(TW_CLI_ENTRY_DECL)
#undef TW_CLI_ENTRY_DECL

/* The batch or sweep of `run` (each on every rank, all ranks returning alike). argc/argv:
 * the command line that `run` records for --resume (argc 0 when it is itself a resume). */
tw_status tw_cli_run(const tw_cli_args *a, int argc, char **argv, tw_err *err);
/* --report: run analysis/report.py on the finished directory dir (cli_run.c), with -q when
 * quiet; TW_ERUNTIME if it fails (the outputs stay complete). */
tw_status tw_cli_report_dir(const char *dir, bool quiet, tw_err *err);
/* --selfcheck: the batch with 1 thread, N threads over replicates and over agents, and on
 * every MPI rank; prints the result hashes; TW_ERUNTIME if they differ (cli_batch.c). */
tw_status tw_cli_selfcheck(const tw_cli_args *a, tw_err *err);

/* Seconds on a monotonic clock. */
double tw_cli_now(void);

/* Largest thread count accepted on this machine. */
int tw_cli_max_threads(void);

void tw_cli_print_help(FILE *fp);
void tw_cli_print_version(FILE *fp);

/* The terminal summary of a finished run, rendered from the model's report spec
 * (tw_report.h; nothing for a model without one), from rank 0's streaming statistics,
 * answers first: the headline probabilities (from ml, the multilevel estimates of an
 * adaptive run, when not NULL; else from the replicates, with Wilson intervals), under
 * each its top drivers from dr (NULL or empty: none), and the count against its
 * historical rate; then the monthly table, the per-replicate outcomes and the blocks a
 * scenario has. The weekly table prints only with tables (--tables). root: the loaded
 * scenario (NULL: none), read at the key paths the spec names; the model has validated
 * it already. */
struct tw_cli_mlmc;
/* The headline-probability block of tw_cli_report (cli_headline.c): from ml when not NULL,
 * else the replicates' shares with Wilson intervals; scripted: the scenario has no event
 * process. And what it shares with cli_report.c: an outcome's index in res (-1: none), and
 * whether only the event process moves an outcome (the spec's event_outcomes). */
void tw_cli_report_headline(FILE *fp, const tw_batch_stats *res, size_t n, const tw_model *model,
                            const void *params, const tw_drivers *dr, bool scripted,
                            const struct tw_cli_mlmc *ml);
long tw_cli_outcome_find(const tw_batch_stats *res, const tw_model *m, const void *params,
                         const char *name);
struct tw_report_spec;
bool tw_cli_event_outcome(const struct tw_report_spec *spec, const char *name);
/* The model's report spec (tw_report.h), or NULL for a model without one. */
const struct tw_report_spec *tw_cli_report_spec(const tw_model *m, const void *params);
/* The 95% Wilson score interval of k successes in n trials. */
void tw_cli_wilson(size_t k, size_t n, double *lo, double *hi);
void tw_cli_report(FILE *fp, const tw_batch_stats *st, size_t n_rep, const tw_model *model,
                   const void *params, const tw_drivers *dr, const tw_cfg_node *root,
                   bool tables, const struct tw_cli_mlmc *ml);

/* The columns of the monthly table (cli_report.c), from the model's report spec (its
 * months: heading, series, unit, flow or level, scale, decimals): a flow is shown as its
 * monthly total, a level as its monthly mean. idx is -1 where the run has no such series.
 * At most TW_CLI_NHEADLINE columns. */
#define TW_CLI_NHEADLINE 16
typedef struct {
    const char *head; /* "US imports from CN" */
    int prec;         /* decimals shown */
    long idx;         /* the series */
    bool flow;        /* summed over the month, else averaged */
    double scale;     /* from the series' unit to unit */
    char unit[40];    /* "USD bn/month", "% mean" */
} tw_cli_headline;
/* The columns into cols; how many (0: the model has no report). */
size_t tw_cli_headline_find(const tw_model *model, const void *params,
                            tw_cli_headline cols[TW_CLI_NHEADLINE]);
/* The two header lines of a monthly table of n cols: month, days, each heading; each unit. */
void tw_cli_headline_header(FILE *fp, const tw_cli_headline *cols, size_t n);
/* The unit of a per-replicate outcome from the spec ("" if not listed or spec is NULL). */
const char *tw_cli_outcome_unit(const struct tw_report_spec *spec, const char *name);
/* One calendar month of a run: its days lo .. hi (the run's days only) and the output days
 * t0 <= t < t1 that stand for some of them. An output day stands for the days up to the
 * next one (the last for itself alone), so with output.interval_days = 30 a month with no
 * output day of its own still has one that stands for it. */
typedef struct {
    int year, month;
    tw_day lo, hi;
    size_t t0, t1;
} tw_cli_month;
/* Every calendar month from the first output day's to the last's of dates[0..n_out) (none
 * is skipped, whatever output.interval_days); *n their count. The caller frees; NULL when
 * out of memory or n_out is 0. */
tw_cli_month *tw_cli_run_months(const tw_day *dates, size_t n_out, size_t *n);
/* The days of month m that output day t stands for (0 when none): a flow's month total is
 * the sum over m->t0 <= t < m->t1 of this times day t's daily value; a level's month mean
 * that sum over the month's days, m->hi - m->lo + 1. */
double tw_cli_month_share(const tw_cli_month *m, const tw_day *dates, size_t n_out, size_t t);

/* cli_spawn.c: run argv[0] with argv (NULL-terminated) and wait for it; TW_ERUNTIME naming
 * `what` when it cannot start, cannot run or exits non-zero. stdout is flushed first. */
tw_status tw_cli_spawn(char *const argv[], const char *what, tw_err *err);

#endif
