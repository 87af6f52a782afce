/* cli_mlmc.h - adaptive replication of `tradewar run`: multilevel Monte Carlo over firm
 * counts (engine/tw_mlmc.h) until the headline answers are as sure as asked, or a budget.
 *
 * A run is adaptive when neither -n nor the scenario's `replicates:` key gives a count
 * (the default scenario gives none). Two levels: level 0 runs the scenario with
 * firms.per_cell divided by TW_CLI_MLMC_COARSEN and rare_earths.per_cell (2000 where the
 * scenario does not say: the rare-earth users are stepped in every run) by
 * TW_CLI_MLMC_COARSEN_RE (each at least 1), level 1 the scenario as written. A level-1 sample is a coupled pair, both halves run
 * with the run's seed and replicate key r, so the fine half of pair r is replicate r of a
 * plain run; level 0 runs with the seed XOR TW_CLI_MLMC_SEED_MIX, so its samples are
 * independent of the pairs. A scenario with under TW_CLI_MLMC_COARSEN firms per cell runs
 * level 1 alone (plain adaptive replication).
 *
 * The quantities: each headline probability the model has (its report spec's, as indicators)
 * to a 95% half-width of TW_CLI_MLMC_PROB_HW, and each month's total of each headline
 * flow (the terminal's monthly table) to a 95% half-width of TW_CLI_MLMC_REL_HW of its
 * value; the flows ask for nothing until every probability is met, so that a budget that
 * binds goes to the headline (cli_mlmc.c, targets). Rounds: a pilot of
 * TW_CLI_MLMC_PILOT samples a level, then tw_mlmc_next until the plan asks for nothing more
 * or the next round would pass the budget (then the round is scaled down to what fits, and
 * the run stops after it).
 *
 * Why a hundredth: the political outcomes, which the probabilities are, agree in every
 * pair (their pairs' variance is the Laplace count's floor, tw_mlmc.h), so a probability's
 * error is level 0's and the cheapest level 0 wins. Level 0 at a hundredth costs about half
 * of what it did at a tenth (0.11 against 0.19 full-size replicates), and at a budget of
 * 160 the worst probability's half-width fell from +-0.075 to +-0.060 (bench/README.md);
 * the monthly trade, whose pairs do not couple (a coarse cell's firms are too few to stand
 * for the full cell's), got less sure (2.6% to 6.3% of a month). The rare-earth users are
 * divided by ten only: at a hundredth (20 a cell) whether the truce was extended differed
 * within some pairs of the default run (a pair difference of +0.009 +- 0.024, which
 * widened that answer's interval past +-0.03 at the default budget); at a tenth it agrees
 * in every pair, and 200 users a cell cost little beside the fixed day.
 *
 * Level 0's replicates and the pairs' coarse halves feed the estimator alone, so their
 * model observes only the series the estimator reads (tw_model's observe_only): the other
 * series were about a third of a coarse replicate's time.
 *
 * Costs and budget are in full-size replicates: a coarse replicate costs
 * TW_CLI_MLMC_FIXED_COST + (1 - TW_CLI_MLMC_FIXED_COST) x the ratio of firms per cell
 * (0.045 at a hundredth), a pair its two halves (1.045). The fixed share is measured: the
 * default run's level-0 replicates took 21 ms of CPU each and its pairs 460 ms (2 threads,
 * per level from getrusage around each round; bench/README.md). Nothing is timed, so where the run stops depends only
 * on the samples: the same bytes for any thread or rank count. The default budget is
 * TW_CLI_MLMC_BUDGET (--budget changes it); a budget too small for TW_CLI_MLMC_MIN samples
 * a level is overrun to that.
 *
 * The files: the full-size replicates the estimator runs (the pairs' fine halves, or with
 * one level its samples) are replicates 0, 1, 2, ... of the run's seed, and as each chunk
 * of them is run it is folded into the batch of the files (tw_batch_feed), in replicate
 * order, so summary.csv, replicates.csv, events.csv, outcomes.csv (and trajectories.csv)
 * are byte for byte those of `-n N` with N the pairs, for any thread or rank count;
 * nothing is run twice.
 *
 * Quantiles (summary.csv, the terminal tables) are those of the full-size replicates
 * alone: the multilevel sum is for means and probabilities (tw_mlmc.h).
 *
 * Resuming: the estimator lives in memory, so a run stopped during the levels (a signal)
 * keeps its directory, with the rows written so far and no checkpoint, and --resume runs
 * the levels again from the start (the same samples, so the same bytes), writing the
 * files afresh. A run that fails otherwise has nothing a resume could keep and leaves
 * nothing (cli_rundir.h: a batch that failed before its first checkpoint). Once the batch
 * is finished (multilevel.csv is written before it), a resume goes straight to the commit.
 */
#ifndef TW_CLI_MLMC_H
#define TW_CLI_MLMC_H

#include <stdio.h>

#include "cli_batch.h"
#include "cli_scenario.h"
#include "tw_batch.h"
#include "tw_mlmc.h"

#define TW_CLI_MLMC_COARSEN 100
#define TW_CLI_MLMC_COARSEN_RE 10
#define TW_CLI_MLMC_FIXED_COST 0.035
#define TW_CLI_MLMC_SEED_MIX 0x9E3779B9u
#define TW_CLI_MLMC_PROB_HW 0.03
#define TW_CLI_MLMC_REL_HW 0.01
#define TW_CLI_MLMC_PILOT 32
#define TW_CLI_MLMC_MIN 2 /* samples a level, whatever the budget */
#define TW_CLI_MLMC_BUDGET 200
#define TW_CLI_MLMC_MAXQ 128

/* The most full-size replicates an adaptive run of a can keep (its budget, which each
 * costs at least one of, or the pilot, the more): what the memory check charges its
 * statistics for (tw_run_check_memory). */
int64_t tw_cli_mlmc_max_full(const tw_cli_args *a);

typedef struct tw_cli_mlmc {
    tw_mlmc m;
    size_t n_levels, n_prob, n_q;
    int64_t firms[2], rare[2];     /* firms and rare-earth users per cell of each level */
    const char *name[TW_CLI_MLMC_MAXQ]; /* the probability's text, or the flow's heading */
    int month[TW_CLI_MLMC_MAXQ][2];     /* year, month of a flow quantity */
    double target[TW_CLI_MLMC_MAXQ];    /* the half-width asked for (last round) */
    uint64_t n[2];                      /* samples of each level (every rank) */
    double spent, budget;               /* in full-size replicates */
    bool met;                           /* every target met (else the budget stopped it) */
    bool stopped;                       /* a signal stopped the levels (every rank) */
    tw_run_spec files;                  /* the spec of the batch of the files */
} tw_cli_mlmc;

/* true if a run of sc with a is adaptive (no count given, no --until, no sweep). */
bool tw_cli_mlmc_wanted(const tw_cli_args *a, const tw_cli_scenario *sc);
/* Run the levels on every rank, with the batch of the files fed as they go, into pl->dir
 * (pl->resume: a resumed run, which folds again only what its batch had not; the rest of
 * pl as tw_cli_batch takes it; --until is not taken); then write multilevel.csv there and
 * finish the batch. On rank 0 ml holds the answers; *out owns the finished batch (rank 0
 * its statistics) and *seconds is the time of the levels; every rank sets
 * sc->spec.replicates to the full-size replicates in the files. TW_ERUNTIME after a
 * signal, with ml->stopped set on every rank. */
tw_status tw_cli_mlmc_batch(const tw_cli_args *a, tw_cli_scenario *sc,
                            const tw_cli_batch_plan *pl, tw_cli_mlmc *ml, tw_batch **out,
                            double *seconds, tw_err *err);
void tw_cli_mlmc_free(tw_cli_mlmc *ml);
/* The headline block of the terminal (cli_report.c): its heading; the line of the
 * probability whose text is text (nothing if ml has none), marked " *" when assumed; the
 * monthly flows' errors, how many replicates at which level and why the run stopped. */
void tw_cli_mlmc_head(FILE *fp, const tw_cli_mlmc *ml);
void tw_cli_mlmc_line(FILE *fp, const tw_cli_mlmc *ml, const char *text, bool assumed);
void tw_cli_mlmc_foot(FILE *fp, const tw_cli_mlmc *ml);
/* multilevel.csv, a row a quantity: quantity,month,estimate,halfwidth,target,finest_diff,
 * finest_diff_halfwidth,n_coarse,n_pairs,var_coarse,var_pairs (month empty for a
 * probability; flows in the report's unit; with one level n_coarse is 0, var_coarse nan and
 * var_pairs the full-size replicates' variance). The variances are those the plan used
 * (tw_mlmc_var). */
tw_status tw_cli_mlmc_write(const char *dir, const tw_cli_mlmc *ml, tw_err *err);

#endif
