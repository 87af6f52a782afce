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
static void agent_rows(const twb_args *a, twb_report *rp, const char *kind,
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
        r.bytes_per_firm = twb_bytes_per_firm(firms[i] / twb_ncell, NULL, 0);
        r.bandwidth_gbs = bandwidth(rp, t);
        r.fraction = r.rate * step_bytes / 1e9 / r.bandwidth_gbs;
        r.draws_per_firm_day = draws;
        r.has_hash = true;
        r.hash = hashes[i];
        twb_report_add(rp, &r);
    }
}

/* One untimed run of the firm step that counts its Philox draws; its hash must equal the
 * timed runs' (checked by twb_measure_agents). */
tw_status twb_measure_draws(const twb_args *a, double *draw_rate, uint64_t *hash, tw_err *err) {
    twb_scenario sc;
    tw_status st = twb_scenario_load(a->scenario, a->sets, a->nsets, a->firms / twb_ncell,
                                     a->days, &sc, err);
    if (st != TW_OK) return st;
    int tmax = a->threads[a->nthreads - 1];
    fprintf(stderr, "tw_bench: counting the firm step's Philox draws (untimed), %d threads\n",
            tmax);
    st = twb_firm_draw_rate(&sc, tmax, draw_rate, hash, err);
    twb_scenario_free(&sc);
    return st;
}

/* What the agent-level measurements collect before their rows are written. */
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

/* Strong scaling at agent level, in rounds: each round times, at every thread count, the
 * firm step, the machine check and the two reference kernels (those selected), one after
 * the other. A slow spell of a shared machine then lands on every thread count and on the
 * model and its references alike, which keeps both the efficiencies and the
 * firm/reference ratio honest; the rows are medians over the rounds. */
static tw_status strong_scaling(const twb_args *a, agent_runs *ag, double draw_rate, tw_err *err) {
    bool firm = (a->modes & TWB_M_FIRM) != 0, ref = (a->modes & TWB_M_REF) != 0;
    twb_scenario sc;
    tw_status st = twb_scenario_load(a->scenario, a->sets, a->nsets, a->firms / twb_ncell,
                                     a->days, &sc, err);
    if (st != TW_OK) return st;
    ag->days = sc.days;
    ag->firm_agree = ag->ref_agree[0] = ag->ref_agree[1] = true;
    long spin_iters = machine_check_iters(a);
    double hazard[2] = {draw_rate, 0.0};
    uint64_t expect_ref[2] = {0, 0}, expect_firm = 0;
    for (int rep = 0; rep < a->repeats && st == TW_OK; rep++) {
        twb_progress_rep(firm && ref ? "firm step, machine check and reference kernels"
                          : firm      ? "firm step and machine check"
                                      : "machine check and reference kernels",
                          (long long)a->firms, rep, a->repeats);
        for (int i = 0; i < a->nthreads && st == TW_OK; i++) {
            int t = a->threads[i];
            uint64_t h = 0;
            bool first = rep == 0 && i == 0;
            if (firm) {
                st = twb_firm_step(&sc, t, &ag->firm[i], &h, err);
                ag->firm_hash[i] = h;
                twb_same_hash(h, first, &expect_firm, &ag->firm_agree);
            }
            if (st == TW_OK) st = twb_spin(t, spin_iters, &ag->spin[i], &ag->spin_hash[i]);
            for (int k = 0; k < 2 && ref && st == TW_OK; k++) {
                st = twb_reference(a->firms / twb_ncell, sc.days, sc.spec.seed, hazard[k], t,
                                   &ag->ref[k][i], &h, &ag->ref_draws[k], err);
                ag->ref_hash[k][i] = h;
                twb_same_hash(h, first, &expect_ref[k], &ag->ref_agree[k]);
            }
        }
    }
    twb_scenario_free(&sc);
    return st;
}

/* Weak scaling of the firm step: weak_firms per thread, one scenario per thread count,
 * repeats interleaved across the thread counts. */
static tw_status weak_scaling(const twb_args *a, agent_runs *ag, tw_err *err) {
    static twb_scenario wsc[TWB_MAX_T];
    int loaded = 0;
    tw_status st = TW_OK;
    for (int i = 0; i < a->nthreads && st == TW_OK; i++, loaded++) {
        ag->weak_firms[i] = a->weak_firms * a->threads[i];
        ag->weak_agree[i] = true;
        st = twb_scenario_load(a->scenario, a->sets, a->nsets, ag->weak_firms[i] / twb_ncell,
                               a->days, &wsc[i], err);
    }
    for (int rep = 0; rep < a->repeats && st == TW_OK; rep++) {
        twb_progress_rep("firm step (weak; firms per thread)", (long long)a->weak_firms, rep,
                          a->repeats);
        for (int i = 0; i < a->nthreads && st == TW_OK; i++) {
            uint64_t h = 0;
            uint64_t expect = ag->weak_hash[i];
            st = twb_firm_step(&wsc[i], a->threads[i], &ag->weak[i], &h, err);
            twb_same_hash(h, rep == 0, &expect, &ag->weak_agree[i]);
            ag->weak_hash[i] = expect;
        }
    }
    for (int i = 0; i < loaded; i++) twb_scenario_free(&wsc[i]);
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

/* Agent level: the firm step (strong and weak), the machine check and the reference
 * kernels, as selected by --mode. */
tw_status twb_measure_agents(const twb_args *a, twb_report *rp, double draw_rate,
                             uint64_t draw_hash, tw_err *err) {
    static agent_runs ag;
    memset(&ag, 0, sizeof ag);
    tw_status st = strong_scaling(a, &ag, draw_rate, err);
    if (st == TW_OK && (a->modes & TWB_M_FIRM)) st = weak_scaling(a, &ag, err);
    if (st != TW_OK) return st;
    int n = a->nthreads;
    int64_t firms[TWB_MAX_T];
    for (int i = 0; i < n; i++) firms[i] = a->firms;
    char what[200];
    spin_rows(a, rp, &ag);
    if (a->modes & TWB_M_FIRM) {
        agent_rows(a, rp, "firm_step_strong", firms, ag.days, ag.firm, ag.firm_hash,
                        twb_firm_step_bytes, draw_rate);
        snprintf(what, sizeof what, "firm step, %lld firms x %d days: same hash %016llx at "
                 "every thread count and repeat", (long long)a->firms, ag.days,
                 (unsigned long long)ag.firm_hash[0]);
        twb_report_check(rp, ag.firm_agree, what);
        snprintf(what, sizeof what, "firm step, draw-counting run equals the timed runs");
        twb_report_check(rp, draw_hash == ag.firm_hash[0], what);
        agent_rows(a, rp, "firm_step_weak", ag.weak_firms, ag.days, ag.weak, ag.weak_hash,
                        twb_firm_step_bytes, NAN);
        for (int i = 0; i < n; i++)
            if (!ag.weak_agree[i]) {
                snprintf(what, sizeof what, "firm step (weak), %lld firms, %d threads: repeats "
                         "differ", (long long)ag.weak_firms[i], a->threads[i]);
                twb_report_check(rp, false, what);
            }
    }
    if (a->modes & TWB_M_REF) {
        static const char *const kinds[2] = {"reference_kernel", "reference_dense"};
        for (int k = 0; k < 2; k++) {
            agent_rows(a, rp, kinds[k], firms, ag.days, ag.ref[k], ag.ref_hash[k],
                            twb_reference_bytes, ag.ref_draws[k]);
            snprintf(what, sizeof what, "%s, %lld firms x %d days: same hash %016llx at every "
                     "thread count and repeat", kinds[k], (long long)a->firms, ag.days,
                     (unsigned long long)ag.ref_hash[k][0]);
            twb_report_check(rp, ag.ref_agree[k], what);
        }
    }
    return TW_OK;
}

void twb_measure_ratios(const twb_args *a, twb_report *rp) {
    static const char *const refs[2] = {"reference_kernel", "reference_dense"};
    static const char *const kinds[2] = {"firm_vs_reference", "firm_vs_dense"};
    for (int k = 0; k < 2; k++)
        for (int i = 0; i < a->nthreads; i++) {
            int t = a->threads[i];
            const twb_row *f = twb_report_find(rp, "firm_step_strong", t);
            const twb_row *ref = twb_report_find(rp, refs[k], t);
            if (f == NULL || ref == NULL) continue;
            twb_row r;
            twb_row_init(&r, kinds[k], "agents");
            r.threads = t;
            r.firms = a->firms;
            r.replicates = 1;
            r.rate = f->rate / ref->rate;
            r.rate_unit = "ratio";
            twb_report_add(rp, &r);
        }
}
