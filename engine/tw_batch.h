/* tw_batch.h - a Monte Carlo batch streamed chunk by chunk over threads and MPI ranks,
 * with checkpoints to resume it.
 *
 * The caller drives:
 *     tw_batch_open(...);                       every rank
 *     while (!tw_batch_done(b)) {
 *         tw_batch_step(b, err);                run one chunk, gather, fold, write rows
 *         ... progress, signals (agree with tw_mpi_max_int), tw_batch_checkpoint ...
 *     }
 *     tw_batch_finish(b, err);                  summary.csv, outcomes.csv, final names
 *
 * A chunk is a run of consecutive replicates. Each rank runs a contiguous, equal share of
 * it (replicates over OpenMP threads, or agents over threads for one huge replicate) and
 * rank 0 gathers the shares in rank order, which is replicate order. Rank 0 then adds
 * every replicate's values to the streaming statistics (tw_sketch, one per summary cell
 * and per outcome) and appends its rows to replicates.csv, events.csv and, on request,
 * trajectories.csv, always in replicate order. Since nothing depends on how the batch
 * was cut into chunks, shares or threads, the files are byte-identical for any thread and
 * rank count.
 *
 * Files (rank 0 only) live in the directory given as dir while the batch runs:
 * replicates.csv.part, events.csv.part, trajectories.csv.part and checkpoint.bin. A
 * checkpoint holds the statistics after the first `done` replicates and the length of
 * each .part file at that point; it is written atomically after its .part files are
 * synced, so a batch killed at any moment (even with SIGKILL) resumes from its last
 * checkpoint: the .part files are cut back to the recorded lengths and the batch goes on
 * with replicate `done`, giving the same bytes as an uninterrupted run.
 *
 * The checkpoint's format and the checks a resume makes: tw_checkpoint.h.
 *
 * CSV conventions: a NaN outcome ("did not happen") is written "nan" in replicates.csv
 * and skipped by the statistics, whose n column says how many values they used.
 * events.csv has the header replicate,date,actor,event,detail and is written whether or
 * not the model keeps an event log (header only if it does not); a field holding a comma,
 * quote or newline is quoted, with quotes doubled.
 *
 * Not thread-safe: call from the main thread of every rank, all ranks together.
 */
#ifndef TW_BATCH_H
#define TW_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tw_model.h"
#include "tw_runner.h"
#include "tw_stats.h"

typedef struct {
    const tw_model *model;
    const void *params;
    const tw_run_spec *spec;
    int threads;          /* OpenMP threads per rank */
    tw_par_mode mode;     /* AUTO resolves from threads and replicates */
    int ranks;            /* ranks that run replicates (1 .. tw_mpi_size()); others idle */
    const char *dir;      /* where rank 0 writes; must exist */
    bool trajectories;    /* also write trajectories.csv */
    bool resume;          /* continue from dir/checkpoint.bin (or from zero if none) */
    uint64_t config_hash; /* the resolved scenario's hash, checked on resume */
    long until_outcome;   /* >= 0: adaptive replication on this outcome (see below) */
    double until_halfwidth;
} tw_batch_opts;

/* Adaptive replication: with until_outcome >= 0 the batch stops at the first multiple of
 * TW_UNTIL_STEP replicates (at least two such steps in) where the 95% confidence
 * half-width of that outcome's mean, t(0.975, n - 1) * sd / sqrt(n) over its non-NaN
 * values, is below until_halfwidth; the spec's replicates are the budget. The test runs
 * while replicates are folded in replicate order, so where it stops does not depend on
 * threads, ranks or chunks. */
#define TW_UNTIL_STEP 64

typedef struct tw_batch tw_batch;

/* Rank 0: the 95% half-width of the --until outcome's mean over the replicates folded so
 * far, as the rule computes it; NaN on other ranks, without a rule, or under 2 values. */
double tw_batch_until_halfwidth(const tw_batch *b);

/* Open a batch on every rank. With resume, rank 0 reads and checks the checkpoint (one
 * that fails a check of tw_checkpoint.h, or belongs to another scenario, seed or replicate count, is
 * refused with TW_EUSAGE before any file is changed) and every rank learns where to
 * continue. *out is owned by the caller (tw_batch_free). */
tw_status tw_batch_open(const tw_batch_opts *o, tw_batch **out, tw_err *err);
void tw_batch_free(tw_batch *b); /* NULL is fine; keeps the files */

bool tw_batch_done(const tw_batch *b);
/* Replicates completed and folded so far, and in all (the budget, or where an adaptive
 * batch stopped once it has). */
size_t tw_batch_completed(const tw_batch *b);
size_t tw_batch_total(const tw_batch *b);
/* The level of parallelism in use. */
tw_par_mode tw_batch_mode(const tw_batch *b);

/* Run the next chunk on every rank and fold it on rank 0. On a model failure every rank
 * returns the error of the lowest failing replicate (the text on rank 0). */
tw_status tw_batch_step(tw_batch *b, tw_err *err);
/* A batch whose replicates the caller runs (an adaptive run's full-size replicates,
 * cli/cli_mlmc.h): fold replicates r0 .. r0+cn-1, gathered on rank 0 into ch in replicate
 * order as tw_chunk_run_spread gives them (ch is not read elsewhere and may be NULL), as
 * tw_batch_step folds the chunks it runs, so the files are those of a batch that ran them.
 * Replicates already folded (before a checkpoint the batch resumed from) are skipped; a
 * gap after the last one folded, or a replicate past the total, is TW_EUSAGE. Every rank
 * together. */
tw_status tw_batch_feed(tw_batch *b, const tw_chunk *ch, size_t r0, size_t cn, tw_err *err);
/* End the batch at the replicates folded so far (opened with an upper bound as its
 * count): tw_batch_done becomes true and tw_batch_total is what was folded. Every rank. */
void tw_batch_end_here(tw_batch *b);
/* Persist the statistics and file lengths now (rank 0 writes; every rank returns the
 * same status). */
tw_status tw_batch_checkpoint(tw_batch *b, tw_err *err);
/* After the last chunk: write summary.csv and outcomes.csv, move the .part files to their
 * final names and remove the checkpoint (rank 0; every rank returns the same status). */
tw_status tw_batch_finish(tw_batch *b, tw_err *err);

/* Run replicates r0 .. r0+cn-1 with their shares over the first `ranks` ranks (each a
 * contiguous share, run with `threads` threads and a resolved mode) and gather them on
 * rank 0 into *all in replicate order (elsewhere *all holds nothing). Every rank calls it
 * with the same arguments. On a model failure every rank fails; rank 0 gets the lowest
 * failing replicate's error. */
tw_status tw_chunk_run_spread(const tw_model *model, const void *params,
                              const tw_run_spec *spec, int threads, tw_par_mode mode, int ranks,
                              size_t r0, size_t cn, tw_chunk *all, tw_err *err);

/* Rank 0's statistics (NULL elsewhere): cell (t, s) of the summary is
 * cells[t * n_series + s]; outcome k is outcomes[k]. dates has n_out days. */
typedef struct {
    size_t n_out, n_series, n_outcomes;
    const tw_day *dates;
    const tw_sketch *cells;
    const tw_sketch *outcomes;
} tw_batch_stats;
const tw_batch_stats *tw_batch_get_stats(const tw_batch *b);

#endif
