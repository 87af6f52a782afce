/* tw_parallel.h - fixed blocks of agents, block-ordered reductions and the executor.
 *
 * Agents live in structure-of-arrays storage processed in fixed blocks of TW_BLOCK
 * agents. A model never sums floating-point values across blocks with an OpenMP reduction
 * or atomics: each block writes its partial sums into its own slot and the slots are
 * combined in block order with tw_reduce_blocks(), so 1 thread and 16 threads give the
 * same bits.
 *
 * The executor hides OpenMP from models: tw_exec_for() runs a body over items 0..n-1,
 * in parallel when the runner gave the executor threads (agent-level parallelism), in a
 * plain loop otherwise (replicate-level parallelism, where the runner already owns the
 * threads; teams are never nested).
 */
#ifndef TW_PARALLEL_H
#define TW_PARALLEL_H

#include <stddef.h>
#include <stdint.h>

#define TW_BLOCK 4096u

static inline size_t tw_block_count(size_t n) { return (n + TW_BLOCK - 1) / TW_BLOCK; }

/* out[j] = sum over b = 0..nblocks-1, in that order, of partials[b * width + j]. */
void tw_reduce_blocks(const double *partials, size_t nblocks, size_t width, double *out);

/* Where a team's time goes, for benchmarks (NULL in normal runs). Each tw_exec_for adds
 * to busy[t] the seconds thread t spent running its items, from the moment it entered the
 * region to the moment it finished its last item (so waiting at the closing barrier is
 * not counted), and to wall the region's elapsed seconds, fork and join included. busy has
 * at least `threads` entries; the caller zeroes them and must not share one tw_exec_prof
 * between executors that run at the same time. */
typedef struct {
    double *busy;
    double wall;
    long regions;
} tw_exec_prof;

typedef struct {
    int threads;        /* > 1: run tw_exec_for bodies on this many OpenMP threads */
    tw_exec_prof *prof; /* optional time accounting (benchmarks); NULL: none */
} tw_exec;

/* body(ctx, i) for every i in [0, n). Items must be independent; body must be
 * thread-safe when ex->threads > 1. Items are handed to threads one at a time as threads
 * come free (dynamic scheduling): the blocks of a model differ in cost from day to day
 * (firms in a cell hit by a tariff change re-choose and draw random numbers; the others
 * do not), and a static split left one thread waiting for the other at every join. When
 * OMP_SCHEDULE is set, it decides instead (static keeps each block on one core from day
 * to day, which can pay where a thread's share of the firms fits in its own cache). Which
 * thread runs an item never affects a result: each item writes only its own slots. */
typedef void (*tw_item_fn)(void *ctx, size_t i);
void tw_exec_for(const tw_exec *ex, size_t n, tw_item_fn body, void *ctx);

#endif
