/* bench_report.c - what tw_bench prints: the inputs it ran with, its progress, the table of
 * rows, the summary and the result-hash checks.
 *
 * The measurements (bench_agents.c, bench_measure.c) add rows and checks to a twb_report
 * (tw_bench.h); this file keeps them, appends each row to the CSV as it comes, and prints
 * them at the end. Progress lines go to stderr, the rest to stdout.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tw_bench.h"
#include "tw_build_info.h"

twb_row *twb_report_add(twb_report *rp, const twb_row *r) {
    if (rp->csv != NULL) twb_csv_write(rp->csv, r);
    if (rp->nrows >= TWB_MAX_ROWS) return NULL;
    rp->rows[rp->nrows] = *r;
    return &rp->rows[rp->nrows++];
}

void twb_report_check(twb_report *rp, bool ok, const char *what) {
    if (!ok) rp->mismatch = true;
    if (rp->nchecks < 32)
        snprintf(rp->checks[rp->nchecks++], sizeof rp->checks[0], "%-14s %s", ok ? "hash ok" : "HASH MISMATCH",
                 what);
}

const twb_row *twb_report_find_world(const twb_report *rp, const char *kind, int threads,
                                     const char *world) {
    for (int i = 0; i < rp->nrows; i++) {
        const twb_row *r = &rp->rows[i];
        if (strcmp(r->kind, kind) == 0 && r->threads == threads &&
            (world == NULL || (r->world != NULL && strcmp(r->world, world) == 0)))
            return r;
    }
    return NULL;
}

const twb_row *twb_report_find(const twb_report *rp, const char *kind, int threads) {
    return twb_report_find_world(rp, kind, threads, NULL);
}

void twb_progress_rep(const char *what, long long firms, int rep, int repeats) {
    fprintf(stderr, "tw_bench: %s, %lld firms, repeat %d of %d, each thread count\n", what,
            firms, rep + 1, repeats);
}

/* Hash bookkeeping of one timed run: the first run's hash is the one all must equal. */
void twb_same_hash(uint64_t h, bool first, uint64_t *expect, bool *agree) {
    if (first) *expect = h;
    else if (h != *expect) *agree = false;
}

/* The run's inputs before any measurement: the build, the machine (processors, OpenMP
 * threads, pinning and schedule, load average) and what the options chose. */
void twb_print_inputs(const twb_args *a) {
    char load[128] = "?";
    FILE *la = fopen("/proc/loadavg", "r");
    if (la != NULL) {
        if (fgets(load, sizeof load, la) != NULL) load[strcspn(load, "\n")] = '\0';
        fclose(la);
    }
    const char *bind = getenv("OMP_PROC_BIND"), *places = getenv("OMP_PLACES");
    const char *sched = getenv("OMP_SCHEDULE");
    printf("tw_bench: tradewar %s (git %s), %s, %s, cflags \"%s\"\n", TW_VERSION, TW_GIT_REVISION,
           TW_COMPILER, TW_BUILD_TYPE, TW_CFLAGS);
    printf("machine: %d processors, omp max threads %d, OMP_PROC_BIND=%s OMP_PLACES=%s, "
           "OMP_SCHEDULE=%s, loadavg %s, ranks 1\n",
           omp_get_num_procs(), omp_get_max_threads(), bind ? bind : "(unset)",
           places ? places : "(unset)", sched ? sched : "(unset: dynamic,1)", load);
    printf("scenario: %s; worlds:", a->scenario);
    for (int w = 0; w < a->nworlds; w++)
        printf("%s%s (%d cells, %s)", w ? "," : " ", a->world_name[w], a->ncell[w],
               a->world_scenario[w]);
    printf("; threads:");
    for (int i = 0; i < a->nthreads; i++) printf("%s%d", i ? "," : " ", a->threads[i]);
    printf("; repeats %d%s\n", a->repeats, a->quick ? "; QUICK mode (tiny sizes, not for reporting)" : "");
    fflush(stdout);
}

/* --- the table --- */

/* v with `digits` significant digits (%g) or decimals (%f), "-" when NaN. */
static void format_value(char *buf, size_t n, double v, bool sig, int digits) {
    if (isnan(v)) snprintf(buf, n, "-");
    else if (sig) snprintf(buf, n, "%.*g", digits, v);
    else snprintf(buf, n, "%.*f", digits, v);
}

void twb_report_table(const twb_report *rp) {
    printf("\n%-18s %-10s %-5s %4s %9s %5s %3s %9s %21s %10s %-14s %5s %5s  %-16s %s\n",
           "kind", "level", "world", "thr", "firms", "reps", "rpt", "median_s", "min..max_s (spread)", "rate",
           "unit", "eff", "best", "result_hash", "notes");
    for (int i = 0; i < rp->nrows; i++) {
        const twb_row *r = &rp->rows[i];
        char thr[16] = "-", firms[24] = "-", reps[24] = "-", rpt[16] = "-", med[24], spread[48],
             rate[24], eff[16], best[16], hash[24] = "-", notes[128] = "";
        if (r->threads >= 0) snprintf(thr, sizeof thr, "%d", r->threads);
        if (r->firms >= 0) snprintf(firms, sizeof firms, "%lld", (long long)r->firms);
        if (r->replicates >= 0) snprintf(reps, sizeof reps, "%lld", (long long)r->replicates);
        if (r->repeats >= 0) snprintf(rpt, sizeof rpt, "%d", r->repeats);
        format_value(med, sizeof med, r->sec_median, false, 4);
        if (isnan(r->sec_min)) snprintf(spread, sizeof spread, "-");
        else
            snprintf(spread, sizeof spread, "%.4f..%.4f (%2.0f%%)", r->sec_min, r->sec_max,
                     100.0 * (r->sec_max - r->sec_min) / r->sec_median);
        bool ratio = strcmp(r->rate_unit, "ratio") == 0;
        format_value(rate, sizeof rate, r->rate, !ratio, ratio ? 3 : 4);
        format_value(eff, sizeof eff, r->efficiency, false, 3);
        format_value(best, sizeof best, r->efficiency_best, false, 3);
        if (r->has_hash) snprintf(hash, sizeof hash, "%016llx", (unsigned long long)r->hash);
        if (strcmp(r->kind, "memory") == 0)
            snprintf(notes, sizeof notes, "%.2f B/firm computed, peak RSS %.1f MiB",
                     r->bytes_per_firm, r->peak_rss_mb);
        else if (!isnan(r->fraction))
            snprintf(notes, sizeof notes, "%.3f of triad (%.1f GB/s)", r->fraction,
                     r->bandwidth_gbs);
        else if (strcmp(r->kind, "mpi_ranks") == 0)
            snprintf(notes, sizeof notes, "measured by bench/run under mpirun");
        printf("%-18s %-10s %-5s %4s %9s %5s %3s %9s %21s %10s %-14s %5s %5s  %-16s %s\n",
               r->kind, r->level, r->world != NULL ? r->world : "-", thr, firms, reps, rpt, med, spread, rate, r->rate_unit, eff, best, hash,
               notes);
    }
}

/* World w's lines of the summary: the firm step against the reference kernels at the most
 * threads, and the bytes of firm state per firm. */
static void summary_world(const twb_args *a, const twb_report *rp, int w, double draw_rate) {
    int tmax = a->threads[a->nthreads - 1];
    const char *wn = a->world_name[w];
    const twb_row *f = twb_report_find_world(rp, "firm_step_strong", tmax, wn);
    const twb_row *ref = twb_report_find_world(rp, "reference_kernel", tmax, wn);
    const twb_row *dense = twb_report_find_world(rp, "reference_dense", tmax, wn);
    if (f == NULL && ref == NULL) return;
    const twb_row *any = f != NULL ? f : ref;
    printf("  world %s (%d cells, %lld firms):\n", wn, a->ncell[w], (long long)any->firms);
    if (f != NULL && ref != NULL)
        printf("    firm step %.4g vs reference kernel %.4g firm-steps/s (%d threads): ratio "
               "%.2f (DESIGN.md 6 asks for at least 0.5)\n"
               "        both draw Philox on clock expiries only: %.4f (model) and %.4f "
               "(reference) draws per firm-day\n",
               f->rate, ref->rate, tmax, f->rate / ref->rate, f->draws_per_firm_day,
               ref->draws_per_firm_day);
    if (f != NULL && dense != NULL)
        printf("    against the dense reference (one Philox draw per firm-day, %.4g "
               "firm-steps/s) the firm step\n        is %.2f times as fast: a draw costs more "
               "than the step's arithmetic on the days a firm\n        does not draw\n",
               dense->rate, f->rate / dense->rate);
    else if (!isnan(draw_rate))
        printf("    the firm step draws %.4f Philox words per firm-day (untimed count)\n",
               draw_rate);
    char parts[256];
    double bpf = twb_bytes_per_firm(any->firms / a->ncell[w], parts, sizeof parts);
    printf("    bytes of firm state per firm: %.4f (DESIGN.md 6 asks for at most 48) = %s\n", bpf,
           parts);
}

void twb_report_summary(const twb_args *a, const twb_report *rp, const double *draw_rate,
                        int64_t rep_firms, int rep_days) {
    int tmax = a->threads[a->nthreads - 1];
    printf("\nsummary (medians; efficiency = T%d*t%d/(T*tT) strong, t%d/tT weak):\n",
           a->threads[0], a->threads[0], a->threads[0]);
    for (int w = 0; w < a->nworlds; w++) summary_world(a, rp, w, draw_rate[w]);
    const twb_row *f = twb_report_find(rp, "firm_step_strong", tmax);
    const twb_row *rs = twb_report_find(rp, "replicates_strong", tmax);
    if (rs != NULL)
        printf("  replicates/s: %.3f (%lld replicates of %lld firms x %d days, %d threads, "
               "replicate level)\n",
               rs->rate, (long long)rs->replicates, (long long)rep_firms, rep_days, tmax);
    const char *kinds[] = {"firm_step_strong", "firm_step_weak", "replicates_strong",
                           "replicates_weak"};
    bool any = false;
    for (int k = 0; k < 4; k++) {
        const twb_row *r = twb_report_find(rp, kinds[k], tmax);
        if (r == NULL) continue;
        if (!any) printf("  parallel efficiency at %d threads:", tmax);
        printf("%s %s %.3f", any ? "," : "", kinds[k], r->efficiency);
        any = true;
    }
    if (any) printf("\n");
    static const char *const agent_kinds[] = {"firm_step_strong", "firm_step_weak",
                                              "reference_kernel", "reference_dense"};
    any = false;
    for (int k = 0; k < 4; k++)
        for (int i = 1; i < a->nthreads; i++) {
            const twb_row *r = twb_report_find(rp, agent_kinds[k], a->threads[i]);
            if (r == NULL || isnan(r->load_balance)) continue;
            if (!any)
                printf("  where the agent-level efficiency goes (POP factors, medians of the "
                       "repeats; eff ~ LB x SE x CS):\n    %-18s %4s %6s %6s %6s %6s %6s\n",
                       "kind", "thr", "eff", "best", "LB", "SE", "CS");
            any = true;
            printf("    %-18s %4d %6.3f %6.3f %6.3f %6.3f %6.3f\n", r->kind, r->threads,
                   r->efficiency, r->efficiency_best, r->load_balance, r->sync_efficiency,
                   r->compute_scalability);
        }
    const twb_row *sp = twb_report_find(rp, "cpu_spin", tmax);
    if (any && sp != NULL)
        printf("    %-18s %4d %6.3f %6.3f %6s %6s %6s  <- register-only work on every thread, "
               "run\n    between the firm step's repeats: the most this machine gave at %d "
               "threads\n",
               "cpu_spin (machine)", tmax, sp->efficiency, sp->efficiency_best, "-", "-", "-", tmax);
    if (any)
        printf("    LB load balance = mean/max useful seconds per thread (serial code counts on "
               "thread 0);\n    SE sync efficiency = busiest thread's useful seconds / elapsed "
               "(fork, join, waits);\n    CS computational scalability = useful thread-seconds "
               "at %d thread(s) / here, per unit of\n    work (below 1: each thread runs slower "
               "when others run: shared cache, memory, a busy host)\n",
               a->threads[0]);
    const twb_row *tr = twb_report_find(rp, "triad", tmax);
    if (tr != NULL) {
        printf("  triad bandwidth: %.2f GB/s at %d threads", tr->rate, tmax);
        if (f != NULL)
            printf("; firm step moves %.0f B/firm-step (reads origin, size, ref_lnp, clock, "
                   "stock;\n        writes clock, stock; no write-allocate, as the triad's 24 "
                   "B/element): %.3f of it",
                   twb_firm_step_bytes, f->fraction);
        printf("\n");
    }
    const twb_times *sh = &rp->re_share[0];
    if ((a->modes & TWB_M_RE) && sh->repeats > 0)
        printf("  rare-earth step: %.1f%% of the day's run time (CPU time on 1 thread, median "
               "of %d repeats,\n        %.1f..%.1f; %s as shipped, %lld firms, %d days, "
               "replicate 0)\n",
               100.0 * sh->median, sh->repeats, 100.0 * sh->min, 100.0 * sh->max,
               a->re_scenario, (long long)rp->re_firms, rp->re_days);
    if (a->modes & TWB_M_MPI) printf("  MPI ranks: measured by bench/run (mpirun -np 1 and 2 of tradewar)\n");
}

/* The hash checks, one line each, and the verdict: "hash ok" or "HASH MISMATCH". */
void twb_report_hashes(const twb_report *rp) {
    if (rp->nchecks > 0) printf("\nresult hashes:\n");
    for (int i = 0; i < rp->nchecks; i++) printf("  %s\n", rp->checks[i]);
    if (rp->nchecks > 0) printf("%s\n", rp->mismatch ? "HASH MISMATCH" : "hash ok");
}
