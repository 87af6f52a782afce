/* tw_parallel.c - block-ordered reductions and the OpenMP executor (see tw_parallel.h). */
#include "tw_parallel.h"

#include <stdbool.h>
#include <stdlib.h>

#include <omp.h>

void tw_reduce_blocks(const double *partials, size_t nblocks, size_t width, double *out) {
    for (size_t j = 0; j < width; j++) out[j] = 0.0;
    for (size_t b = 0; b < nblocks; b++) {
        const double *p = partials + b * width;
        for (size_t j = 0; j < width; j++) out[j] += p[j];
    }
}

/* Blocks are handed out as OMP_SCHEDULE says when it is set (the engineer measuring a
 * node can try static, which keeps every block on one core from day to day), and one at
 * a time as threads come free otherwise (see tw_parallel.h). Called by the thread that
 * opens the region, before it does: the schedule is that thread's setting. */
static void parallel_schedule(void) {
    if (getenv("OMP_SCHEDULE") == NULL) omp_set_schedule(omp_sched_dynamic, 1);
}

/* The measured variant is separate so that the normal path carries no timer calls. */
static void exec_for_prof(tw_exec_prof *pf, int threads, size_t n, tw_item_fn body,
                          void *ctx) {
    double t0 = omp_get_wtime();
    if (threads > 1) {
        parallel_schedule();
        long long nn = (long long)n;
#pragma omp parallel num_threads(threads)
        {
            double b0 = omp_get_wtime();
#pragma omp for schedule(runtime) nowait
            for (long long i = 0; i < nn; i++) body(ctx, (size_t)i);
            pf->busy[omp_get_thread_num()] += omp_get_wtime() - b0;
        }
    } else {
        for (size_t i = 0; i < n; i++) body(ctx, i);
    }
    double t1 = omp_get_wtime();
    if (threads <= 1) pf->busy[0] += t1 - t0;
    pf->wall += t1 - t0;
    pf->regions++;
}

void tw_exec_for(const tw_exec *ex, size_t n, tw_item_fn body, void *ctx) {
    int threads = (ex != NULL) ? ex->threads : 1;
    bool team = threads > 1 && n > 1 && !omp_in_parallel();
    if (ex != NULL && ex->prof != NULL) {
        exec_for_prof(ex->prof, team ? threads : 1, n, body, ctx);
    } else if (team) {
        parallel_schedule();
        long long nn = (long long)n;
#pragma omp parallel for num_threads(threads) schedule(runtime)
        for (long long i = 0; i < nn; i++) body(ctx, (size_t)i);
    } else {
        for (size_t i = 0; i < n; i++) body(ctx, i);
    }
}
