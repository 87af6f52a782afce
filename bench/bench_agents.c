/* bench_agents.c - the agent-level measurements of tw_bench: the firm step (strong and weak
 * scaling, and the untimed run that counts its Philox draws), the bare reference kernels at
 * the same size, the register-only machine check, and the firm/reference ratios.
 *
 * The repeats of every thread count, and of the model and its references, are interleaved
 * in rounds, so that a slow spell of a shared machine falls on all of them alike; the rows
 * are medians over the rounds. Every run's result hash is checked against the first run of
 * its problem (twb_report_check). Nothing here prints the table (bench_report.c) or reads
 * the command line (bench_args.c).
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tw_bench.h"

/* The triad's bandwidth at this thread count, GB/s; NAN when the triad was not run. */
static double bandwidth(const twb_report *rp, int threads) {
    const twb_row *r = twb_report_find(rp, "triad", threads);
    return r != NULL ? r->bandwidth_gbs : NAN;
}

/* The rows of one scaling series at agent level. tms[i] holds the repeats at thread count
 * a->threads[i] on firms[i] firms (equal for strong scaling, growing with the threads for
 * weak). Efficiency is T0 t0 (W/W0) / (T t) from medians, W the work (firms), so that it
 * reads T0 t0 / (T t) for strong and t0 / t for weak scaling with T0 = 1; computational
 * scalability is the same ratio of useful thread-seconds rather than elapsed seconds. */
static void agent_rows(const twb_args *a, twb_report *rp, const char *kind, int w,
                       const int64_t *firms, int days, twb_times *tms,
                       const uint64_t *hashes, double step_bytes, double draws) {
    int t0 = a->threads[0];
    for (int i = 0; i < a->nthreads; i++) {
        int t = a->threads[i];
        twb_times *tm = &tms[i];
        twb_times_finish(tm);
        double work = (double)firms[i] / (double)firms[0];
        twb_row r;
        twb_row_init(&r, kind, "agents");
        r.threads = t;
        r.firms = firms[i];
        r.replicates = 1;
        twb_row_times(&r, tm);
        r.rate = (double)firms[i] * days / tm->median;
        r.rate_unit = "firm-steps/s";
        r.efficiency = t0 * tms[0].median * work / (t * tm->median);
        r.efficiency_best = t0 * tms[0].min * work / (t * tm->min);
        r.compute_scalability = tms[0].useful_median * work / tm->useful_median;
        r.bytes_per_firm = twb_bytes_per_firm(firms[i] / a->ncell[w], NULL, 0);
        r.bandwidth_gbs = bandwidth(rp, t);
        r.fraction = r.rate * step_bytes / 1e9 / r.bandwidth_gbs;
        r.draws_per_firm_day = draws;
        r.has_hash = true;
        r.hash = hashes[i];
        r.world = a->world_name[w];
        twb_report_add(rp, &r);
    }
}

/* World w's scenario with firms in all (rounded to whole cells) over the measured days. */
static tw_status world_load(const twb_args *a, int w, int64_t firms, twb_scenario *sc,
                            tw_err *err) {
    return twb_scenario_load(a->world_scenario[w], a->worlds[w], a->sets, a->nsets,
                             twb_per_cell(firms, a->ncell[w]), a->days, sc, err);
}

/* Firms of world w in strong scaling: --firms rounded to a whole number per cell. */
static int64_t world_firms(const twb_args *a, int w) {
    return twb_per_cell(a->firms, a->ncell[w]) * a->ncell[w];
}

/* For each world, one untimed run of the firm step that counts its Philox draws; its hash
 * must equal the timed runs' (checked by twb_measure_agents). */
tw_status twb_measure_draws(const twb_args *a, double *draw_rate, uint64_t *hash, tw_err *err) {
    tw_status st = TW_OK;
    for (int w = 0; w < a->nworlds && st == TW_OK; w++) {
        twb_scenario sc;
        st = world_load(a, w, a->firms, &sc, err);
        if (st != TW_OK) return st;
        int tmax = a->threads[a->nthreads - 1];
        fprintf(stderr, "tw_bench: counting the firm step's Philox draws (untimed), world %s, "
                "%d threads\n", sc.world, tmax);
        st = twb_firm_draw_rate(&sc, tmax, &draw_rate[w], &hash[w], err);
        twb_scenario_free(&sc);
    }
    return st;
}

/* What the agent-level measurements of one world collect before their rows are written
 * (the machine check's times are the first world's). */
typedef struct {
    twb_times firm[TWB_MAX_T], weak[TWB_MAX_T], spin[TWB_MAX_T], ref[2][TWB_MAX_T];
    uint64_t firm_hash[TWB_MAX_T], weak_hash[TWB_MAX_T], spin_hash[TWB_MAX_T];
    uint64_t ref_hash[2][TWB_MAX_T];
    int64_t weak_firms[TWB_MAX_T];
    double ref_draws[2];
    bool firm_agree, weak_agree[TWB_MAX_T], ref_agree[2];
    int days;
} agent_runs;

/* Steps of the machine check's chains: about 0.1 s on one core (quick: 5 ms). */
static long machine_check_iters(const twb_args *a) { return a->quick ? 2000000L : 40000000L; }

/* Strong scaling at agent level, in rounds: each round times, on every world and at every
 * thread count, the firm step, the machine check (first world only) and the two reference
 * kernels (those selected), one after the other. A slow spell of a shared machine then
 * lands on every thread count, every world, and on the model and its references alike,
 * which keeps both the efficiencies and the firm/reference ratios honest; the rows are
 * medians over the rounds. */
static tw_status strong_scaling(const twb_args *a, agent_runs *ag, const double *draw_rate,
                                tw_err *err) {
    bool firm = (a->modes & TWB_M_FIRM) != 0, ref = (a->modes & TWB_M_REF) != 0;
    static twb_scenario sc[TWB_MAX_WORLDS];
    int loaded = 0;
    tw_status st = TW_OK;
    for (int w = 0; w < a->nworlds && st == TW_OK; w++, loaded++) {
        st = world_load(a, w, a->firms, &sc[w], err);
        ag[w].days = sc[w].days;
        ag[w].firm_agree = ag[w].ref_agree[0] = ag[w].ref_agree[1] = true;
    }
    if (st != TW_OK) loaded--;
    long spin_iters = machine_check_iters(a);
    uint64_t expect_ref[TWB_MAX_WORLDS][2] = {{0}}, expect_firm[TWB_MAX_WORLDS] = {0};
    for (int rep = 0; rep < a->repeats && st == TW_OK; rep++) {
        twb_progress_rep(firm && ref ? "firm step, machine check and reference kernels"
                          : firm      ? "firm step and machine check"
                                      : "machine check and reference kernels",
                          (long long)a->firms, rep, a->repeats);
        for (int w = 0; w < a->nworlds && st == TW_OK; w++) {
            agent_runs *g = &ag[w];
            double hazard[2] = {draw_rate[w], 0.0};
            for (int i = 0; i < a->nthreads && st == TW_OK; i++) {
                int t = a->threads[i];
                uint64_t h = 0;
                bool first = rep == 0 && i == 0;
                if (firm) {
                    st = twb_firm_step(&sc[w], t, &g->firm[i], &h, err);
                    g->firm_hash[i] = h;
                    twb_same_hash(h, first, &expect_firm[w], &g->firm_agree);
                }
                if (st == TW_OK && w == 0)
                    st = twb_spin(t, spin_iters, &g->spin[i], &g->spin_hash[i]);
                for (int k = 0; k < 2 && ref && st == TW_OK; k++) {
                    st = twb_reference(sc[w].per_cell, sc[w].ncell, sc[w].nreg, sc[w].days,
                                       sc[w].spec.seed, hazard[k], t, &g->ref[k][i], &h,
                                       &g->ref_draws[k], err);
                    g->ref_hash[k][i] = h;
                    twb_same_hash(h, first, &expect_ref[w][k], &g->ref_agree[k]);
                }
            }
        }
    }
    for (int w = 0; w < loaded; w++) twb_scenario_free(&sc[w]);
    return st;
}

/* Weak scaling of the firm step: weak_firms per thread, one scenario per world and thread
 * count, repeats interleaved across the thread counts and worlds. */
static tw_status weak_scaling(const twb_args *a, agent_runs *ag, tw_err *err) {
    static twb_scenario wsc[TWB_MAX_WORLDS][TWB_MAX_T];
    int loaded = 0, n = a->nthreads;
    tw_status st = TW_OK;
    for (int j = 0; j < a->nworlds * n && st == TW_OK; j++, loaded++) {
        int w = j / n, i = j % n;
        int64_t per_cell = twb_per_cell(a->weak_firms, a->ncell[w]) * a->threads[i];
        ag[w].weak_firms[i] = per_cell * a->ncell[w];
        ag[w].weak_agree[i] = true;
        st = twb_scenario_load(a->world_scenario[w], a->worlds[w], a->sets, a->nsets, per_cell,
                               a->days, &wsc[w][i], err);
    }
    if (st != TW_OK) loaded--;
    for (int rep = 0; rep < a->repeats && st == TW_OK; rep++) {
        twb_progress_rep("firm step (weak; firms per thread)", (long long)a->weak_firms, rep,
                          a->repeats);
        for (int j = 0; j < a->nworlds * n && st == TW_OK; j++) {
            int w = j / n, i = j % n;
            uint64_t h = 0;
            uint64_t expect = ag[w].weak_hash[i];
            st = twb_firm_step(&wsc[w][i], a->threads[i], &ag[w].weak[i], &h, err);
            twb_same_hash(h, rep == 0, &expect, &ag[w].weak_agree[i]);
            ag[w].weak_hash[i] = expect;
        }
    }
    for (int j = 0; j < loaded; j++) twb_scenario_free(&wsc[j / n][j % n]);
    return st;
}

/* The machine check's rows: efficiency t1/tT (every thread does the same work). */
static void spin_rows(const twb_args *a, twb_report *rp, agent_runs *ag) {
    long spin_iters = machine_check_iters(a);
    bool ok = true;
    for (int i = 0; i < a->nthreads; i++) {
        twb_times *tm = &ag->spin[i];
        twb_times_finish(tm);
        ok = ok && ag->spin_hash[i] == ag->spin_hash[0];
        int t = a->threads[i];
        twb_row r;
        twb_row_init(&r, "cpu_spin", "machine");
        r.threads = t;
        twb_row_times(&r, tm);
        r.rate = 4.0 * (double)spin_iters * t / tm->median / 1e9;
        r.rate_unit = "Gflop-pairs/s";
        r.efficiency = ag->spin[0].median / tm->median;
        r.efficiency_best = ag->spin[0].min / tm->min;
        r.has_hash = true;
        r.hash = ag->spin_hash[i];
        twb_report_add(rp, &r);
    }
    twb_report_check(rp, ok, "machine check: every thread computed the same chains");
}

/* The rows of world w (firm step strong and weak, the reference kernels) and their checks. */
static void world_rows(const twb_args *a, twb_report *rp, int w, agent_runs *g,
                       double draw_rate, uint64_t draw_hash) {
    int n = a->nthreads;
    int64_t firms[TWB_MAX_T];
    for (int i = 0; i < n; i++) firms[i] = world_firms(a, w);
    const char *wn = a->world_name[w];
    char what[256];
    if (a->modes & TWB_M_FIRM) {
        agent_rows(a, rp, "firm_step_strong", w, firms, g->days, g->firm, g->firm_hash,
                   twb_firm_step_bytes, draw_rate);
        snprintf(what, sizeof what, "firm step, world %s, %lld firms x %d days: same hash "
                 "%016llx at every thread count and repeat", wn, (long long)firms[0], g->days,
                 (unsigned long long)g->firm_hash[0]);
        twb_report_check(rp, g->firm_agree, what);
        snprintf(what, sizeof what, "firm step, world %s, draw-counting run equals the timed "
                 "runs", wn);
        twb_report_check(rp, draw_hash == g->firm_hash[0], what);
        agent_rows(a, rp, "firm_step_weak", w, g->weak_firms, g->days, g->weak, g->weak_hash,
                   twb_firm_step_bytes, NAN);
        for (int i = 0; i < n; i++)
            if (!g->weak_agree[i]) {
                snprintf(what, sizeof what, "firm step (weak), world %s, %lld firms, %d "
                         "threads: repeats differ", wn, (long long)g->weak_firms[i],
                         a->threads[i]);
                twb_report_check(rp, false, what);
            }
    }
    if (a->modes & TWB_M_REF) {
        static const char *const kinds[2] = {"reference_kernel", "reference_dense"};
        for (int k = 0; k < 2; k++) {
            agent_rows(a, rp, kinds[k], w, firms, g->days, g->ref[k], g->ref_hash[k],
                       twb_reference_bytes, g->ref_draws[k]);
            snprintf(what, sizeof what, "%s, world %s, %lld firms x %d days: same hash %016llx "
                     "at every thread count and repeat", kinds[k], wn, (long long)firms[0],
                     g->days, (unsigned long long)g->ref_hash[k][0]);
            twb_report_check(rp, g->ref_agree[k], what);
        }
    }
}

/* Agent level: the firm step (strong and weak), the machine check and the reference
 * kernels, as selected by --mode, on every world. */
tw_status twb_measure_agents(const twb_args *a, twb_report *rp, const double *draw_rate,
                             const uint64_t *draw_hash, tw_err *err) {
    static agent_runs ag[TWB_MAX_WORLDS];
    memset(ag, 0, sizeof ag);
    tw_status st = strong_scaling(a, ag, draw_rate, err);
    if (st == TW_OK && (a->modes & TWB_M_FIRM)) st = weak_scaling(a, ag, err);
    if (st != TW_OK) return st;
    spin_rows(a, rp, &ag[0]);
    for (int w = 0; w < a->nworlds; w++) world_rows(a, rp, w, &ag[w], draw_rate[w], draw_hash[w]);
    return TW_OK;
}

void twb_measure_ratios(const twb_args *a, twb_report *rp) {
    static const char *const refs[2] = {"reference_kernel", "reference_dense"};
    static const char *const kinds[2] = {"firm_vs_reference", "firm_vs_dense"};
    for (int w = 0; w < a->nworlds; w++)
        for (int k = 0; k < 2; k++)
            for (int i = 0; i < a->nthreads; i++) {
                int t = a->threads[i];
                const char *wn = a->world_name[w];
                const twb_row *f = twb_report_find_world(rp, "firm_step_strong", t, wn);
                const twb_row *ref = twb_report_find_world(rp, refs[k], t, wn);
                if (f == NULL || ref == NULL) continue;
                twb_row r;
                twb_row_init(&r, kinds[k], "agents");
                r.threads = t;
                r.firms = f->firms;
                r.replicates = 1;
                r.rate = f->rate / ref->rate;
                r.rate_unit = "ratio";
                r.world = wn;
                twb_report_add(rp, &r);
            }
}
