/* cli_batch.c - running batches for the tradewar program: the chunk loop with progress,
 * signals and checkpoints (tw_cli_batch), the result hash and --selfcheck.
 *
 * The engine runs and folds chunks (tw_batch); this file decides when to checkpoint, when
 * to stop and what to print, so the engine never prints and the caller drives.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli_batch.h"
#include "tw_mpi.h"
#include "tw_output.h"

double tw_cli_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The result hash: FNV-1a 64 over summary.csv, replicates.csv and events.csv. */
tw_status tw_cli_result_hash(const char *dir, uint64_t *h, tw_err *err) {
    static const char *const files[] = {"summary.csv", "replicates.csv", "events.csv"};
    *h = TW_FNV_OFFSET;
    char path[8192];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        tw_status st = tw_hash_file(path, h, err);
        if (st != TW_OK) return st;
    }
    return TW_OK;
}

static void batch_progress(size_t done, size_t total, double elapsed, bool final) {
    double rate = elapsed > 0 ? (double)done / elapsed : 0.0;
    double eta = rate > 0 ? (double)(total - done) / rate : 0.0;
    int width = 30, fill = total ? (int)((double)width * (double)done / (double)total) : width;
    char bar[64];
    for (int i = 0; i < width; i++) bar[i] = i < fill ? '#' : '.';
    bar[width] = '\0';
    fprintf(stderr, "\r[%s] %zu/%zu replicates  %.1f/s  ETA %dm%02ds ", bar, done, total, rate,
            (int)(eta / 60), (int)eta % 60);
    if (final) fputc('\n', stderr);
    fflush(stderr);
}

tw_status tw_cli_stop_agreed(bool *stop, tw_err *err) {
    int v = tw_cli_stop_signal != 0;
    tw_status st = tw_mpi_max_int(&v, err);
    *stop = st == TW_OK && v != 0;
    return st;
}

/* Run (or finish) a batch into plan->dir on every rank. Returns TW_ERUNTIME with a
 * "stopped" message after a signal to any rank, having checkpointed. */
tw_status tw_cli_batch(const tw_cli_scenario *sc, const tw_cli_batch_plan *pl, tw_par_mode *mode,
                       double *seconds, size_t *ran, tw_batch **out, bool *stopped, tw_err *err) {
    tw_batch_opts o = {sc->model, sc->params, &sc->spec, pl->threads, pl->mode, pl->ranks,
                       pl->dir, pl->trajectories, pl->resume, tw_cfg_hash(sc->cfg),
                       pl->until_outcome, pl->until_halfwidth};
    tw_batch *b = NULL;
    *stopped = false;
    tw_status st = tw_batch_open(&o, &b, err);
    if (st != TW_OK) return st;
    *mode = tw_batch_mode(b);
    double t0 = tw_cli_now(), last_ckpt = t0, last_bar = 0.0;
    size_t first = tw_batch_completed(b);
    bool rank0 = tw_mpi_rank() == 0;
    while (st == TW_OK && !tw_batch_done(b)) {
        st = tw_batch_step(b, err);
        if (st != TW_OK) break;
        double now = tw_cli_now();
        if (rank0 && pl->progress && (now - last_bar > 0.2 || tw_batch_done(b))) {
            batch_progress(tw_batch_completed(b) - first, tw_batch_total(b) - first, now - t0,
                           tw_batch_done(b));
            last_bar = now;
        }
        bool stop;
        if ((st = tw_cli_stop_agreed(&stop, err)) != TW_OK) break;
        int ckpt = pl->checkpoint_every >= 0 && now - last_ckpt >= (double)pl->checkpoint_every;
        if ((st = tw_mpi_bcast(&ckpt, sizeof ckpt, err)) != TW_OK) break;
        if (((stop && pl->checkpoint_every >= 0) || ckpt) && !tw_batch_done(b)) {
            if ((st = tw_batch_checkpoint(b, err)) != TW_OK) break;
            last_ckpt = now;
        }
        if (stop && !tw_batch_done(b)) {
            if (rank0 && pl->progress) fputc('\n', stderr);
            *stopped = true;
            if (pl->checkpoint_every < 0 || pl->outdir == NULL) /* the caller says the rest */
                st = tw_err_set(err, TW_ERUNTIME, "stopped by a signal after %zu of %zu replicates",
                                tw_batch_completed(b), tw_batch_total(b));
            else
                st = tw_err_set(err, TW_ERUNTIME,
                                "stopped by a signal after %zu of %zu replicates; finish with: "
                                "tradewar run --resume %s",
                                tw_batch_completed(b), tw_batch_total(b), pl->outdir);
            tw_batch_free(b);
            return st;
        }
    }
    if (st == TW_OK) st = tw_batch_finish(b, err);
    *seconds = tw_cli_now() - t0;
    *ran = tw_batch_completed(b) - first;
    if (st != TW_OK) {
        tw_batch_free(b);
        return st;
    }
    *out = b;
    return TW_OK;
}

/* --selfcheck: the same batch with 1 thread, with N threads over replicates and over
 * agents, and under MPI on every rank; each writes into a temporary directory and the
 * result hashes (summary.csv, replicates.csv, events.csv) must agree. */
tw_status tw_cli_selfcheck(const tw_cli_args *a, tw_err *err) {
    tw_cli_scenario sc;
    bool rank0 = tw_mpi_rank() == 0;
    tw_status st = tw_cli_load(a, a->scenario, &sc, err);
    if (st != TW_OK) return st;
    int n = tw_cli_threads(a), k = tw_mpi_size();
    struct {
        int threads, ranks;
        tw_par_mode mode;
    } runs[] = {{1, 1, TW_PAR_REPLICATES},
                {n, 1, TW_PAR_REPLICATES},
                {n, 1, TW_PAR_AGENTS},
                {n, k, TW_PAR_REPLICATES}};
    int nruns = k > 1 ? 4 : 3;
    uint64_t hashes[4] = {0};
    double secs[4] = {0};
    char tmpl[] = "/tmp/tradewar-selfcheck-XXXXXX";
    if (rank0 && mkdtemp(tmpl) == NULL)
        st = tw_err_set(err, TW_EIO, "--selfcheck: cannot create a temporary directory: %s",
                        strerror(errno));
    st = tw_mpi_agree(st, err);
    for (int i = 0; i < nruns && st == TW_OK; i++) {
        char dir[256];
        snprintf(dir, sizeof dir, "%s/%d", tmpl, i);
        if (rank0 && mkdir(dir, 0777) != 0)
            st = tw_err_set(err, TW_EIO, "%s: cannot create: %s", dir, strerror(errno));
        if ((st = tw_mpi_agree(st, err)) != TW_OK) break;
        tw_cli_batch_plan pl = {.dir = dir, .threads = runs[i].threads, .mode = runs[i].mode,
                                .ranks = runs[i].ranks, .checkpoint_every = -1,
                                .until_outcome = -1};
        tw_par_mode mode;
        tw_batch *b = NULL;
        size_t ran;
        bool stopped;
        st = tw_cli_batch(&sc, &pl, &mode, &secs[i], &ran, &b, &stopped, err);
        tw_batch_free(b);
        if (st == TW_OK && rank0) st = tw_cli_result_hash(dir, &hashes[i], err);
        st = tw_mpi_agree(st, err);
    }
    if (rank0) {
        char cmd[512];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpl);
        if (system(cmd) != 0) {
            /* a leftover temporary directory is harmless */
        }
    }
    bool same = true;
    if (st == TW_OK && rank0) {
        printf("selfcheck: %s, %lld replicates, seed %lu\n", sc.name,
               (long long)sc.spec.replicates, (unsigned long)sc.spec.seed);
        printf("  %-8s %-6s %-11s %10s  %s\n", "threads", "ranks", "parallelism", "seconds",
               "result hash");
        for (int i = 0; i < nruns; i++) {
            same = same && hashes[i] == hashes[0];
            printf("  %-8d %-6d %-11s %10.2f  %016llx%s\n", runs[i].threads, runs[i].ranks,
                   runs[i].mode == TW_PAR_AGENTS ? "agents" : "replicates", secs[i],
                   (unsigned long long)hashes[i], hashes[i] == hashes[0] ? "" : "  DIFFERS");
        }
        printf("selfcheck: %s\n", same ? "ok, every run gave the same bytes"
                                      : "FAILED, the results depend on threads or ranks");
    }
    tw_cli_scenario_free(&sc);
    if (st == TW_OK && !same) st = tw_err_set(err, TW_ERUNTIME, "--selfcheck: result hashes differ");
    return tw_mpi_agree(st, err);
}
