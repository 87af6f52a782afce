/* bench_measure.c - tw_bench's other measurements: the machine's memory bandwidth (a
 * STREAM-like triad), replicates per second at replicate level (strong and weak scaling,
 * with a cross-check of replicate 0 at agent level), the rare-earth step's share of the
 * day in the default scenario, peak memory for one size, and the MPI placeholder row.
 *
 * Each adds its rows and hash checks to the report (bench_report.c prints them); the
 * agent-level measurements are in bench_agents.c.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tw_bench.h"

static void progress(const char *what, long long firms, int threads) {
    fprintf(stderr, "tw_bench: %s, %lld firms, %d thread%s\n", what, firms, threads,
            threads == 1 ? "" : "s");
}

tw_status twb_measure_triad(const twb_args *a, twb_report *rp, tw_err *err) {
    size_t llc = twb_llc_bytes();
    double mb = a->triad_mb;
    if (mb < 0.0) {
        mb = 4.0 * (double)llc / 1048576.0;
        if (mb < 256.0) mb = 256.0;
    }
    size_t n = (size_t)(mb * 1048576.0 / sizeof(double));
    int repeats = a->quick ? a->repeats : (a->repeats > 5 ? a->repeats : 5);
    fprintf(stderr, "tw_bench: triad, 3 arrays of %.0f MiB (last-level cache %.0f MiB)\n", mb,
            (double)llc / 1048576.0);
    for (int i = 0; i < a->nthreads; i++) {
        int t = a->threads[i];
        twb_times tm;
        uint64_t h = 0;
        tw_status st = twb_triad(n, t, repeats, &tm, &h, err);
        if (st != TW_OK) return st;
        twb_row r;
        twb_row_init(&r, "triad", "");
        r.threads = t;
        twb_row_times(&r, &tm);
        r.rate = 24.0 * (double)n / tm.median / 1e9;
        r.rate_unit = "GB/s";
        r.bandwidth_gbs = r.rate;
        r.has_hash = true;
        r.hash = h;
        twb_report_add(rp, &r);
    }
    return TW_OK;
}

/* The rare-earth step's share of the model's day in the default scenario as shipped (its
 * firms, replicate 0, its year; quick: 150 days, which reach the April controls), on one
 * thread: the day loop's CPU time and the rare-earth step's inside it (CPU time, which
 * other tenants of a shared machine do not inflate; on more threads an OpenMP team's
 * waiting would count as well). The share's median over the repeats (twb_times holds the
 * shares too); the row's seconds are the day loop's wall-clock time. */
tw_status twb_measure_re(const twb_args *a, twb_report *rp, tw_err *err) {
    twb_scenario sc;
    tw_status st = twb_scenario_load(a->re_scenario, NULL, NULL, 0, 0, a->quick ? 150 : 0, &sc,
                                     err);
    if (st != TW_OK) return st;
    twb_times tms[1];
    uint64_t hashes[1] = {0};
    memset(tms, 0, sizeof tms);
    uint64_t expect = 0;
    bool agree = true;
    for (int rep = 0; rep < a->repeats && st == TW_OK; rep++) {
        twb_progress_rep("rare-earth step's share of the day (1 thread)",
                          (long long)sc.per_cell * sc.ncell, rep, a->repeats);
        double share = NAN;
        st = twb_re_share(&sc, 1, &tms[0], &share, &hashes[0], err);
        twb_times_add(&rp->re_share[0], share);
        twb_same_hash(hashes[0], rep == 0, &expect, &agree);
    }
    rp->re_firms = sc.per_cell * sc.ncell;
    rp->re_days = sc.days;
    snprintf(rp->re_world, sizeof rp->re_world, "%s", sc.world);
    twb_scenario_free(&sc);
    if (st != TW_OK) return st;
    twb_times_finish(&tms[0]);
    twb_times_finish(&rp->re_share[0]);
    twb_row r;
    twb_row_init(&r, "re_step_share", "agents");
    r.threads = 1;
    r.firms = rp->re_firms;
    r.replicates = 1;
    twb_row_times(&r, &tms[0]);
    r.rate = 100.0 * rp->re_share[0].median;
    r.rate_unit = "percent of day CPU";
    r.has_hash = true;
    r.hash = hashes[0];
    r.world = rp->re_world;
    twb_report_add(rp, &r);
    twb_report_check(rp, agree, "rare-earth share: the default scenario, every repeat");
    return TW_OK;
}

/* Replicate level: strong (a fixed number of replicates) and weak (one replicate per
 * thread), their repeats interleaved across thread counts and the two kinds, as at the
 * agent level; on the first world of --world. */
tw_status twb_measure_replicates(const twb_args *a, twb_report *rp, int64_t *rep_firms,
                                 int *rep_days, tw_err *err) {
    twb_scenario sc;
    tw_status st = twb_scenario_load(
        a->world_scenario[0], a->worlds[0], a->sets, a->nsets,
        a->rep_firms > 0 ? twb_per_cell(a->rep_firms, a->ncell[0]) : 0,
        a->rep_days > 0 ? a->rep_days : 0, &sc, err);
    if (st != TW_OK) return st;
    int64_t firms = sc.per_cell * sc.ncell;
    *rep_firms = firms;
    *rep_days = sc.days;
    double bpf = twb_bytes_per_firm(sc.per_cell, NULL, 0);
    static twb_times tms[2][TWB_MAX_T];
    memset(tms, 0, sizeof tms);
    uint64_t hashes[2][TWB_MAX_T] = {{0}}, hs = 0, h0 = 0;
    bool strong_ok = true, rep0_ok = true;
    for (int rep = 0; rep < a->repeats && st == TW_OK; rep++) {
        fprintf(stderr, "tw_bench: replicates (strong: %lld; weak: one per thread) of %lld "
                "firms x %d days, repeat %d of %d, each thread count\n",
                (long long)a->replicates, (long long)firms, sc.days, rep + 1, a->repeats);
        for (int weak = 0; weak <= 1 && st == TW_OK; weak++)
            for (int i = 0; i < a->nthreads && st == TW_OK; i++) {
                int t = a->threads[i];
                uint64_t h = 0, hr0 = 0;
                st = twb_replicates(&sc, t, TW_PAR_REPLICATES, weak ? t : a->replicates,
                                    &tms[weak][i], &h, &hr0, err);
                if (st != TW_OK) break;
                bool first = rep == 0 && weak == 0 && i == 0;
                if (!weak) twb_same_hash(h, first, &hs, &strong_ok);
                twb_same_hash(hr0, first, &h0, &rep0_ok);
                if (weak && rep > 0 && h != hashes[1][i]) {
                    char what[200];
                    snprintf(what, sizeof what, "replicates (weak), %d threads: repeats differ", t);
                    twb_report_check(rp, false, what);
                }
                hashes[weak][i] = h;
            }
    }
    for (int weak = 0; weak <= 1 && st == TW_OK; weak++) {
        for (int i = 0; i < a->nthreads; i++) {
            int t = a->threads[i];
            int64_t reps = weak ? t : a->replicates;
            twb_times *tm = &tms[weak][i];
            twb_times_finish(tm);
            /* work grows with the threads in weak scaling: T0 t0 (W/W0) / (T t) */
            double work = weak ? (double)t / a->threads[0] : 1.0;
            twb_row r;
            twb_row_init(&r, weak ? "replicates_weak" : "replicates_strong", "replicates");
            r.threads = t;
            r.firms = firms;
            r.replicates = reps;
            twb_row_times(&r, tm);
            r.rate = (double)reps / tm->median;
            r.rate_unit = "replicates/s";
            r.efficiency = a->threads[0] * tms[weak][0].median * work / (t * tm->median);
            r.efficiency_best = a->threads[0] * tms[weak][0].min * work / (t * tm->min);
            r.bytes_per_firm = bpf;
            r.world = a->world_name[0];
            r.has_hash = true;
            r.hash = hashes[weak][i];
            twb_report_add(rp, &r);
        }
    }
    if (st == TW_OK) {
        /* The same replicate 0 with agent-level parallelism on the most threads. */
        int tmax = a->threads[a->nthreads - 1];
        fprintf(stderr, "tw_bench: replicate 0 at agent level (cross-check, untimed), %d threads\n",
                tmax);
        uint64_t h = 0, hr0 = 0;
        st = twb_replicates(&sc, tmax, TW_PAR_AGENTS, 1, NULL, &h, &hr0, err);
        if (st == TW_OK) {
            char what[200];
            snprintf(what, sizeof what, "replicates, %lld replicates: same hash %016llx at every "
                     "thread count and repeat", (long long)a->replicates, (unsigned long long)hs);
            twb_report_check(rp, strong_ok, what);
            snprintf(what, sizeof what, "replicate 0 identical in every run, replicate- and "
                     "agent-level (%016llx)", (unsigned long long)h0);
            twb_report_check(rp, rep0_ok && hr0 == h0, what);
        }
    }
    twb_scenario_free(&sc);
    return st;
}

/* One world's memory row: the state's bytes per firm computed from its element sizes, and
 * the resident memory it added (measured with the model held, after the free heap of what
 * ran before was given back). */
static tw_status memory_world(const twb_args *a, twb_report *rp, int w, tw_err *err) {
    twb_scenario sc;
    tw_status st = twb_scenario_load(a->world_scenario[w], a->worlds[w], a->sets, a->nsets,
                                     twb_per_cell(a->firms, a->ncell[w]), a->days, &sc, err);
    if (st != TW_OK) return st;
    int t = a->threads[a->nthreads - 1];
    int64_t firms = sc.per_cell * sc.ncell;
    progress("memory", (long long)firms, t);
    double base_mb = 0.0, rss_mb = 0.0;
    uint64_t h = 0;
    st = twb_memory(&sc, t, &base_mb, &rss_mb, &h, err);
    if (st == TW_OK) {
        twb_row r;
        twb_row_init(&r, "memory", "agents");
        r.threads = t;
        r.firms = firms;
        r.replicates = 1;
        r.bytes_per_firm = twb_bytes_per_firm(sc.per_cell, NULL, 0);
        r.peak_rss_mb = twb_maxrss_mb();
        r.rate = (rss_mb - base_mb) * 1048576.0 / (double)firms;
        r.rate_unit = "rss_bytes/firm";
        r.world = a->world_name[w];
        r.has_hash = true;
        r.hash = h;
        twb_report_add(rp, &r);
    }
    twb_scenario_free(&sc);
    return st;
}

tw_status twb_measure_memory(const twb_args *a, twb_report *rp, tw_err *err) {
    tw_status st = TW_OK;
    for (int w = 0; w < a->nworlds && st == TW_OK; w++) st = memory_world(a, rp, w, err);
    return st;
}

/* The placeholder row: MPI ranks are measured by bench/run under mpirun. */
void twb_measure_mpi(twb_report *rp) {
    twb_row r;
    twb_row_init(&r, "mpi_ranks", "ranks");
    r.ranks = -1;
    r.rate_unit = "see bench/run";
    twb_report_add(rp, &r);
}
