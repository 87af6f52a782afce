/* bench_kernels.c - the bare kernels tw_bench measures the model against.
 *
 * The reference kernels are what the firm step would cost with no economics in it: the
 * same structure-of-arrays storage (a uint8 and four float arrays of the same length,
 * split into the same cells of per_cell firms), the same blocks of TW_BLOCK firms dealt
 * out by tw_exec_for, the same TW_NPART partial sums per block combined by
 * tw_reduce_blocks, and Philox4x32-10 draws (tw_rng_words) from the same kind of counter.
 * Each reads the five arrays and writes two, as the firm step does, so all move the same
 * bytes. Two ways of drawing:
 *   - sparse (the reference the model is compared with): each firm wears an Exp(1) clock
 *     down by a fixed hazard and draws only when it runs out, as the model's firms do,
 *     with the hazard set to the model's measured draws per firm-day;
 *   - dense: one draw per firm per day, the Philox throughput on its own.
 * A kernel's result hash folds every day's reduced sums, so it is a pure function of
 * (seed, firms, days, hazard) whatever the thread count.
 *
 * The triad is STREAM's a[i] = b[i] + s * c[i] with OpenMP, over arrays much larger than
 * the last-level cache, first touched by the threads that use them; it gives the memory
 * bandwidth of this machine, measured in the same run as the model.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <omp.h>

#include "tw_bench.h"
#include "tw_parallel.h"
#include "tw_rng.h"
#include "tw_trade_bench.h"

/* A purpose the model does not use (its own are TW_PURPOSE_*). */
#define TWB_PURPOSE_REFERENCE 0x7b

/* Reads origin, size, ref, clock and stock; writes clock and stock. */
const double twb_reference_bytes = 1.0 + 4 * 4.0 + 2 * 4.0;

typedef struct {
    size_t per_cell, nblk;
    uint32_t nreg; /* origins a firm can buy from: the world's regions */
    uint8_t *origin;
    float *size, *ref, *clock, *stock;
    double *partials; /* [cells * nblk][TW_NPART] */
    uint32_t *draws;  /* [cells * nblk]: Philox draws of the block today */
    tw_rng_key key;
    uint32_t day;
    float hazard; /* > 0: draw on a firm's clock expiries; 0: every firm, every day */
} twb__ref;

static void twb__ref_range(const twb__ref *r, size_t item, size_t *base, size_t *lo, size_t *hi) {
    size_t c = item / r->nblk, b = item % r->nblk;
    *base = c * r->per_cell;
    *lo = b * TW_BLOCK;
    *hi = *lo + TW_BLOCK < r->per_cell ? *lo + TW_BLOCK : r->per_cell;
}

/* Starting state. The clocks are Exp(1), as the model's are, so that the sparse kernel's
 * draws are spread over the days from the first day on. */
static void twb__ref_init_block(void *vctx, size_t item) {
    twb__ref *r = vctx;
    size_t base, lo, hi;
    twb__ref_range(r, item, &base, &lo, &hi);
    float sz = 1.0f / (float)r->per_cell;
    for (size_t k = base + lo; k < base + hi; k++) {
        uint32_t w[4];
        tw_rng_words(r->key, UINT32_MAX, (uint64_t)k, TWB_PURPOSE_REFERENCE, 1, w);
        r->origin[k] = (uint8_t)(k % r->nreg);
        r->size[k] = sz;
        r->ref[k] = 0.125f * (float)(k % r->nreg);
        r->clock[k] = -logf(tw_u01f(w[0]));
        r->stock[k] = 0.0f;
    }
}

/* One block of one cell, one Philox draw per firm: the cost of the draws themselves. */
static void twb__ref_dense_block(void *vctx, size_t item) {
    twb__ref *r = vctx;
    size_t base, lo, hi;
    twb__ref_range(r, item, &base, &lo, &hi);
    const uint8_t *origin = r->origin + base;
    const float *size = r->size + base, *ref = r->ref + base;
    float *clock = r->clock + base, *stock = r->stock + base;
    double share[TW_TRADE_NORIGIN] = {0}, buy[TW_TRADE_NORIGIN] = {0}, price = 0.0, held = 0.0;
    for (size_t k = lo; k < hi; k++) {
        uint32_t w[4];
        tw_rng_words(r->key, r->day, (uint64_t)(base + k), TWB_PURPOSE_REFERENCE, 0, w);
        int o = (int)(origin[k] % r->nreg);
        float cl = 0.5f * clock[k] + tw_u01f(w[0]);
        float st = 0.5f * stock[k] + tw_u01f(w[1]);
        clock[k] = cl;
        stock[k] = st;
        float sz = size[k];
        share[o] += sz;
        buy[o] += (double)(sz * st);
        price += (double)(sz * ref[k]);
        held += (double)(sz * cl);
    }
    r->draws[item] = (uint32_t)(hi - lo);
    tw_part_store(r->partials + item * TW_NPART, share, buy, price, held);
}

/* One block of one cell, drawing as the firm step does: a firm's Exp(1) clock is worn down
 * by a hazard each day, and only when it runs out does the firm draw (a new origin, from
 * one word, and a new clock, from another). The hazard is the model's measured draw rate,
 * so both kernels make the same number of Philox draws. */
static void twb__ref_sparse_block(void *vctx, size_t item) {
    twb__ref *r = vctx;
    size_t base, lo, hi;
    twb__ref_range(r, item, &base, &lo, &hi);
    uint8_t *origin = r->origin + base;
    const float *size = r->size + base;
    float *ref = r->ref + base, *clock = r->clock + base, *stock = r->stock + base;
    double share[TW_TRADE_NORIGIN] = {0}, buy[TW_TRADE_NORIGIN] = {0}, price = 0.0, held = 0.0;
    uint32_t draws = 0;
    for (size_t k = lo; k < hi; k++) {
        int o = origin[k];
        float left = clock[k] - r->hazard;
        if (left <= 0.0f) {
            uint32_t w[4];
            tw_rng_words(r->key, r->day, (uint64_t)(base + k), TWB_PURPOSE_REFERENCE, 0, w);
            o = (int)(w[0] % r->nreg);
            origin[k] = (uint8_t)o;
            ref[k] = 0.125f * (float)o;
            left = -logf(tw_u01f(w[1]));
            draws++;
        }
        clock[k] = left;
        float st = 0.5f * stock[k] + ref[k];
        stock[k] = st;
        float sz = size[k];
        share[o] += sz;
        buy[o] += (double)(sz * st);
        price += (double)(sz * ref[k]);
        held += (double)(sz * left);
    }
    r->draws[item] = draws;
    tw_part_store(r->partials + item * TW_NPART, share, buy, price, held);
}

static void twb__ref_free(twb__ref *r) {
    free(r->origin);
    free(r->size);
    free(r->ref);
    free(r->clock);
    free(r->stock);
    free(r->partials);
    free(r->draws);
    memset(r, 0, sizeof *r);
}

tw_status twb_reference(int64_t per_cell, int ncell, int nreg, int days, uint32_t seed,
                        double hazard, int threads, twb_times *tm, uint64_t *hash,
                        double *draws_per_firm_day, tw_err *err) {
    twb__ref r;
    memset(&r, 0, sizeof r);
    r.per_cell = (size_t)per_cell;
    r.nblk = tw_block_count(r.per_cell);
    r.hazard = (float)hazard;
    r.nreg = (uint32_t)nreg;
    size_t n = r.per_cell * (size_t)ncell, items = (size_t)ncell * r.nblk;
    r.origin = malloc(n);
    r.size = malloc(n * sizeof *r.size);
    r.ref = malloc(n * sizeof *r.ref);
    r.clock = malloc(n * sizeof *r.clock);
    r.stock = malloc(n * sizeof *r.stock);
    r.partials = malloc(items * TW_NPART * sizeof *r.partials);
    r.draws = malloc(items * sizeof *r.draws);
    double *busy = calloc((size_t)threads, sizeof *busy);
    if (r.origin == NULL || r.size == NULL || r.ref == NULL || r.clock == NULL ||
        r.stock == NULL || r.partials == NULL || r.draws == NULL || busy == NULL) {
        twb__ref_free(&r);
        free(busy);
        return tw_err_set(err, TW_ENOMEM, "out of memory for the reference kernel (%zu firms)", n);
    }
    r.key = tw_rng_key_make(seed, 0);
    tw_exec ex = {threads, NULL};
    tw_exec_for(&ex, items, twb__ref_init_block, &r); /* untimed; first touch */
    tw_exec_prof pf = {busy, 0.0, 0};
    ex.prof = &pf;
    tw_item_fn body = hazard > 0.0 ? twb__ref_sparse_block : twb__ref_dense_block;
    uint64_t h = TW_FNV_OFFSET;
    double drawn = 0.0;
    double t0 = twb_now();
    for (int d = 0; d < days; d++) {
        r.day = (uint32_t)d;
        tw_exec_for(&ex, items, body, &r);
        for (size_t c = 0; c < (size_t)ncell; c++) {
            double tot[TW_NPART];
            tw_reduce_blocks(r.partials + c * r.nblk * TW_NPART, r.nblk, TW_NPART, tot);
            h = tw_fnv1a(h, tot, sizeof tot);
        }
        for (size_t i = 0; i < items; i++) drawn += r.draws[i];
    }
    double t1 = twb_now();
    twb_times_add(tm, t1 - t0);
    twb_times_split(tm, threads, &pf);
    *hash = h;
    *draws_per_firm_day = drawn / ((double)n * days);
    twb__ref_free(&r);
    free(busy);
    return TW_OK;
}

/* --- the machine check --- */

/* Register-only work on every thread: four independent multiply-add chains per thread,
 * no memory traffic and nothing shared, so T threads take as long as one unless the
 * machine does not give the process T whole cores (another tenant, a hypervisor, clock
 * speed falling as more cores turn busy). Its efficiency, measured between the firm
 * step's repeats, is the most any code could reach on the machine at that moment. */
tw_status twb_spin(int threads, long iters, twb_times *tm, uint64_t *hash) {
    double sums[256] = {0};
    if (threads > 256) threads = 256;
    double t0 = twb_now();
#pragma omp parallel num_threads(threads)
    {
        double a = 1.0, b = 2.0, c = 3.0, d = 4.0;
        const double m = 0.999999, k = 1e-6;
        for (long i = 0; i < iters; i++) {
            a = a * m + k;
            b = b * m + k;
            c = c * m + k;
            d = d * m + k;
        }
        sums[omp_get_thread_num()] = a + b + c + d;
    }
    double t1 = twb_now();
    twb_times_add(tm, t1 - t0);
    /* every thread computes the same chains, so the hash is thread-count independent */
    *hash = tw_fnv1a(TW_FNV_OFFSET, &sums[0], sizeof sums[0]);
    for (int t = 1; t < threads; t++)
        if (sums[t] != sums[0]) *hash ^= 1; /* a thread that computed something else */
    return TW_OK;
}

/* --- triad --- */

static void *twb__alloc_doubles(size_t n) {
    size_t bytes = n * sizeof(double);
    bytes = (bytes + 63) / 64 * 64;
    return aligned_alloc(64, bytes);
}

tw_status twb_triad(size_t n, int threads, int repeats, twb_times *tm, uint64_t *hash,
                    tw_err *err) {
    memset(tm, 0, sizeof *tm);
    double *a = twb__alloc_doubles(n), *b = twb__alloc_doubles(n), *c = twb__alloc_doubles(n);
    if (a == NULL || b == NULL || c == NULL) {
        free(a);
        free(b);
        free(c);
        return tw_err_set(err, TW_ENOMEM, "out of memory for the triad (3 x %zu MiB)",
                          n * sizeof(double) >> 20);
    }
    long long nn = (long long)n;
    const double s = 3.0;
#pragma omp parallel for num_threads(threads) schedule(static)
    for (long long i = 0; i < nn; i++) {
        a[i] = 0.0;
        b[i] = 1.0;
        c[i] = 2.0;
    }
    for (int rep = -1; rep < repeats; rep++) { /* rep -1: warm-up, untimed */
        double t0 = twb_now();
#pragma omp parallel for num_threads(threads) schedule(static)
        for (long long i = 0; i < nn; i++) a[i] = b[i] + s * c[i];
        double t1 = twb_now();
        if (rep >= 0) twb_times_add(tm, t1 - t0);
    }
    long long bad = 0;
#pragma omp parallel for num_threads(threads) schedule(static) reduction(+ : bad)
    for (long long i = 0; i < nn; i++) bad += (a[i] != 7.0);
    uint64_t h = tw_fnv1a(TW_FNV_OFFSET, &n, sizeof n);
    for (size_t i = 0; i < n; i += (n / 1024 + 1)) h = tw_fnv1a(h, &a[i], sizeof a[i]);
    free(a);
    free(b);
    free(c);
    twb_times_finish(tm);
    if (bad != 0)
        return tw_err_set(err, TW_ERUNTIME, "triad: %lld of %zu elements wrong", bad, n);
    *hash = h;
    return TW_OK;
}

/* --- last-level cache size, from sysfs --- */

static bool twb__read_line(const char *path, char *buf, size_t n) {
    FILE *fp = fopen(path, "r");
    if (fp == NULL) return false;
    bool ok = fgets(buf, (int)n, fp) != NULL;
    fclose(fp);
    if (ok) buf[strcspn(buf, "\n")] = '\0';
    return ok;
}

static size_t twb__parse_size(const char *s) {
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (end == s) return 0;
    if (*end == 'K') v <<= 10;
    else if (*end == 'M') v <<= 20;
    else if (*end == 'G') v <<= 30;
    return (size_t)v;
}

size_t twb_llc_bytes(void) {
    enum { MAXSHARED = 256 };
    char path[256], buf[1024];
    /* The highest cache level cpu0 has, and which index holds it. */
    int level = 0, index = -1;
    for (int i = 0; i < 16; i++) {
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/level", i);
        if (!twb__read_line(path, buf, sizeof buf)) continue;
        int l = atoi(buf);
        if (l > level) {
            level = l;
            index = i;
        }
    }
    if (index < 0) return 0;
    /* Sum the size of every distinct instance (one per shared_cpu_list). */
    static char seen[MAXSHARED][128];
    int nseen = 0;
    size_t total = 0;
    long ncpu = sysconf(_SC_NPROCESSORS_CONF);
    if (ncpu < 1) ncpu = 1;
    for (long cpu = 0; cpu < ncpu && nseen < MAXSHARED; cpu++) {
        char shared[128], size[64];
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%ld/cache/index%d/shared_cpu_list",
                 cpu, index);
        if (!twb__read_line(path, shared, sizeof shared)) continue;
        bool dup = false;
        for (int j = 0; j < nseen && !dup; j++) dup = strcmp(seen[j], shared) == 0;
        if (dup) continue;
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%ld/cache/index%d/size", cpu,
                 index);
        if (!twb__read_line(path, size, sizeof size)) continue;
        memcpy(seen[nseen++], shared, sizeof shared);
        total += twb__parse_size(size);
    }
    return total;
}
