/* tw_parallel.c - block-ordered reductions and the OpenMP executor (see tw_parallel.h). */
#include "tw_parallel.h"

#include <omp.h>

void tw_reduce_blocks(const double *partials, size_t nblocks, size_t width, double *out) {
    for (size_t j = 0; j < width; j++) out[j] = 0.0;
    for (size_t b = 0; b < nblocks; b++) {
        const double *p = partials + b * width;
        for (size_t j = 0; j < width; j++) out[j] += p[j];
    }
}

void tw_exec_for(const tw_exec *ex, size_t n, tw_item_fn body, void *ctx) {
    int threads = (ex != NULL) ? ex->threads : 1;
    if (threads > 1 && n > 1 && !omp_in_parallel()) {
        long long nn = (long long)n;
#pragma omp parallel for num_threads(threads) schedule(static)
        for (long long i = 0; i < nn; i++) body(ctx, (size_t)i);
    } else {
        for (size_t i = 0; i < n; i++) body(ctx, i);
    }
}
