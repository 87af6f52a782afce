/* tw_bench.c - the benchmark program: command line, what to measure, the table, the checks.
 *
 * Measures, in one run and on one machine (see tw_bench.h and bench/README.md):
 *   triad       memory bandwidth, STREAM-like, per thread count;
 *   firm        the full model's firm step (tw_trade_model.create untimed, .step timed),
 *               strong scaling (fixed firms) and weak scaling (firms x threads), plus one
 *               untimed run that counts how often the step draws random numbers;
 *   reference   the bare reference kernels at the same size (sparse: drawing at the model's
 *               measured rate; dense: one draw per firm-day) and the firm/reference ratios;
 *   replicates  tw_run with replicate-level parallelism: strong (fixed replicates) and weak
 *               (replicates = threads), and a cross-check at agent level;
 *   memory      bytes of state per firm and ru_maxrss for one size (one process per size:
 *               ru_maxrss is a process-lifetime peak, so bench/run calls it per size);
 *   re          the rare-earth step's share of the model's day in the default scenario
 *               (scenarios/geneva-truce.yaml as shipped: its firms, its year, replicate 0);
 *   mpi         a placeholder row: MPI ranks are measured by bench/run, which starts the
 *               tradewar program under mpirun with 1 and 2 ranks (rows "mpi_ranks").
 * Each timing is the median of repeats, printed with its min and max; the repeats of the
 * thread counts of one measurement are interleaved. Agent-level rows also say where the
 * efficiency goes (load balance, sync efficiency, computational scalability). Every run has a result
 * hash; the hashes of one problem must agree across thread counts and repeats, which is
 * checked here: "hash ok", or "HASH MISMATCH" and exit status 3 (after writing everything).
 * No timing is ever compared with a threshold.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <omp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tw_bench.h"
#include "tw_build_info.h"

#ifndef TWB_SOURCE_DIR
#define TWB_SOURCE_DIR "."
#endif

enum {
    TWB_M_FIRM = 1,
    TWB_M_REF = 2,
    TWB_M_REPS = 4,
    TWB_M_TRIAD = 8,
    TWB_M_MPI = 16,
    TWB_M_MEMORY = 32,
    TWB_M_RE = 64,
    TWB_M_ALL = TWB_M_FIRM | TWB_M_REF | TWB_M_REPS | TWB_M_TRIAD | TWB_M_MPI | TWB_M_RE
};

#define TWB_MAX_T 64
#define TWB_MAX_ROWS 1024
#define TWB_EXIT_MISMATCH 3

typedef struct {
    unsigned modes;
    const char *scenario, *re_scenario;
    const char *sets[TWB_MAX_SETS];
    int nsets;
    int64_t firms, weak_firms, rep_firms, replicates;
    int days, rep_days, repeats;
    int threads[TWB_MAX_T], nthreads;
    double triad_mb;
    bool quick;
    const char *csv;
} twb_args;

static void twb__help(FILE *fp) {
    fprintf(fp,
            "usage: tw_bench [options]\n"
            "\n"
            "Benchmarks the tradewar firm step, replicates and scaling, against bare reference\n"
            "kernels and a STREAM-like triad measured in the same run. Prints a table; with\n"
            "--csv appends the rows to a CSV file (header written when the file is new).\n"
            "No timing is compared with a threshold; the exit status is 3 when the result hash\n"
            "of one problem differs between thread counts or repeats (\"HASH MISMATCH\").\n"
            "\n"
            "options (VALUE as --flag VALUE or --flag=VALUE):\n"
            "  --mode LIST      comma-separated: all, firm, reference, replicates, triad, mpi,\n"
            "                   re, memory (default all = firm,reference,replicates,triad,mpi,re;\n"
            "                   memory is one size per process, see bench/run)\n"
            "  --scenario FILE  scenario (default %s/scenarios/history-2025.yaml)\n"
            "  --re-scenario FILE  scenario of the rare-earth step's share of the day (CPU\n"
            "                   time, 1 thread), run as shipped (default\n"
            "                   %s/scenarios/geneva-truce.yaml; quick: its first 150 days)\n"
            "  --set KEY=VALUE  scenario override, as tradewar's --set (repeatable)\n"
            "  --firms N        firms of the firm step and reference kernels, strong scaling, a\n"
            "                   multiple of %d (regions x sectors; default 1048576, quick 131072)\n"
            "  --weak-firms N   firms per thread in weak scaling (default --firms)\n"
            "  --days D         days of the firm step from the scenario's start (default 120,\n"
            "                   quick 20)\n"
            "  --threads LIST   thread counts: 1,2,4 or 1-16 or max (default 1,2,4,...,max where\n"
            "                   max = omp_get_max_threads(); quick 1,2)\n"
            "  --repeats R      timings per measurement, median reported (default 5, quick 2;\n"
            "                   the triad takes at least 5 outside quick mode)\n"
            "  --replicates R   replicates of the strong replicate scaling (default 2 x max\n"
            "                   threads); weak scaling runs replicates = threads\n"
            "  --rep-firms N    firms per replicate (default the scenario's; quick 32000)\n"
            "  --rep-days D     days per replicate (default the scenario's; quick 60)\n"
            "  --triad-mb MB    MiB per triad array (default max(256, 4 x last-level cache);\n"
            "                   quick 16, which may be cache-resident)\n"
            "  --quick          tiny sizes for CI (explicit flags still win)\n"
            "  --csv FILE       append rows to FILE\n"
            "  -h, --help       this text\n"
            "\n"
            "Thread pinning follows OMP_PROC_BIND / OMP_PLACES (e.g. spread / cores); blocks\n"
            "of firms are handed to threads per OMP_SCHEDULE (unset: dynamic,1).\n",
            TWB_SOURCE_DIR, TWB_SOURCE_DIR, twb_ncell);
}

static int twb__usage(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
static int twb__usage(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "tw_bench: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, " (try tw_bench --help)\n");
    va_end(ap);
    return 2;
}

static bool twb__int(const char *text, int64_t lo, int64_t hi, int64_t *out) {
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (text[0] == '\0' || *end != '\0' || errno == ERANGE || v < lo || v > hi) return false;
    *out = v;
    return true;
}

static int twb__cmp_int(const void *a, const void *b) {
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* "1,2,4", "1-16", "max", or a mix; sorted, duplicates dropped. */
static bool twb__threads(const char *text, int *out, int *n) {
    char buf[512];
    if (strlen(text) >= sizeof buf) return false;
    strcpy(buf, text);
    int cnt = 0, maxt = omp_get_max_threads();
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok != NULL;
         tok = strtok_r(NULL, ",", &save)) {
        int64_t lo, hi;
        char *dash = strchr(tok, '-');
        if (strcmp(tok, "max") == 0) {
            lo = hi = maxt;
        } else if (dash != NULL) {
            *dash = '\0';
            if (!twb__int(tok, 1, TW_MAX_THREADS, &lo) ||
                !twb__int(dash + 1, 1, TW_MAX_THREADS, &hi) || hi < lo)
                return false;
        } else if (!twb__int(tok, 1, TW_MAX_THREADS, &lo)) {
            return false;
        } else {
            hi = lo;
        }
        for (int64_t t = lo; t <= hi; t++) {
            if (cnt >= TWB_MAX_T) return false;
            out[cnt++] = (int)t;
        }
    }
    if (cnt == 0) return false;
    qsort(out, (size_t)cnt, sizeof *out, twb__cmp_int);
    int k = 0;
    for (int i = 0; i < cnt; i++)
        if (k == 0 || out[i] != out[k - 1]) out[k++] = out[i];
    *n = k;
    return true;
}

static bool twb__modes(const char *text, unsigned *modes) {
    static const struct {
        const char *name;
        unsigned bit;
    } names[] = {{"all", TWB_M_ALL},          {"firm", TWB_M_FIRM},   {"reference", TWB_M_REF},
                 {"replicates", TWB_M_REPS},  {"triad", TWB_M_TRIAD}, {"mpi", TWB_M_MPI},
                 {"memory", TWB_M_MEMORY},    {"re", TWB_M_RE}};
    char buf[256];
    if (strlen(text) >= sizeof buf) return false;
    strcpy(buf, text);
    *modes = 0;
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok != NULL;
         tok = strtok_r(NULL, ",", &save)) {
        bool found = false;
        for (size_t i = 0; i < sizeof names / sizeof names[0] && !found; i++)
            if (strcmp(tok, names[i].name) == 0) {
                *modes |= names[i].bit;
                found = true;
            }
        if (!found) return false;
    }
    return *modes != 0;
}

/* A scenario shipped in scenarios/: under the source tree, or the working directory's
 * (a bundle made by bench/package). */
static const char *twb__shipped(const char *name, char path[4096]) {
    snprintf(path, 4096, "%s/scenarios/%s", TWB_SOURCE_DIR, name);
    if (access(path, R_OK) != 0) {
        char here[4096];
        snprintf(here, sizeof here, "scenarios/%s", name);
        if (access(here, R_OK) == 0) snprintf(path, 4096, "%s", here);
    }
    return path;
}

/* 0: parsed; 1: --help printed; 2: usage error (message printed). */
static int twb__parse(int argc, char **argv, twb_args *a) {
    static char scenario[4096], re_scenario[4096];
    memset(a, 0, sizeof *a);
    a->modes = TWB_M_ALL;
    a->firms = a->weak_firms = a->rep_firms = a->replicates = -1;
    a->days = a->rep_days = a->repeats = -1;
    a->triad_mb = -1.0;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            twb__help(stdout);
            return 1;
        }
        if (strcmp(arg, "--quick") == 0) {
            a->quick = true;
            continue;
        }
        static const char *const valued[] = {"--mode",       "--scenario", "--set",
                                             "--re-scenario",
                                             "--firms",      "--weak-firms", "--days",
                                             "--threads",    "--repeats",  "--replicates",
                                             "--rep-firms",  "--rep-days", "--triad-mb",
                                             "--csv",        NULL};
        const char *flag = NULL, *v = NULL;
        for (int k = 0; valued[k] != NULL && flag == NULL; k++) {
            size_t n = strlen(valued[k]);
            if (strncmp(arg, valued[k], n) == 0 && (arg[n] == '\0' || arg[n] == '=')) {
                flag = valued[k];
                if (arg[n] == '=') v = arg + n + 1;
                else if (i + 1 < argc) v = argv[++i];
                else return twb__usage("%s: missing value", flag);
            }
        }
        if (flag == NULL) {
            if (arg[0] == '-') return twb__usage("unknown option '%s'", arg);
            return twb__usage("unexpected argument '%s'", arg);
        }
        int64_t x;
        if (strcmp(flag, "--mode") == 0) {
            if (!twb__modes(v, &a->modes))
                return twb__usage("--mode: expected a comma-separated list of all, firm, "
                                  "reference, replicates, triad, mpi, re, memory (got '%s')",
                                  v);
        } else if (strcmp(flag, "--scenario") == 0) {
            a->scenario = v;
        } else if (strcmp(flag, "--re-scenario") == 0) {
            a->re_scenario = v;
        } else if (strcmp(flag, "--set") == 0) {
            if (a->nsets >= TWB_MAX_SETS) return twb__usage("--set: at most %d overrides", TWB_MAX_SETS);
            if (strchr(v, '=') == NULL)
                return twb__usage("--set: expected KEY=VALUE (got '%s')", v);
            a->sets[a->nsets++] = v;
        } else if (strcmp(flag, "--firms") == 0 || strcmp(flag, "--weak-firms") == 0 ||
                   strcmp(flag, "--rep-firms") == 0) {
            if (!twb__int(v, twb_ncell, (int64_t)100000000 * twb_ncell, &x) || x % twb_ncell != 0)
                return twb__usage("%s: expected a positive multiple of 32 (4 regions x 8 "
                                  "sectors) (got '%s')",
                                  flag, v);
            if (strcmp(flag, "--firms") == 0) a->firms = x;
            else if (strcmp(flag, "--weak-firms") == 0) a->weak_firms = x;
            else a->rep_firms = x;
        } else if (strcmp(flag, "--days") == 0 || strcmp(flag, "--rep-days") == 0) {
            if (!twb__int(v, 2, TW_MAX_DAYS, &x))
                return twb__usage("%s: expected an integer from 2 to 3660 (got '%s')", flag, v);
            if (strcmp(flag, "--days") == 0) a->days = (int)x;
            else a->rep_days = (int)x;
        } else if (strcmp(flag, "--threads") == 0) {
            if (!twb__threads(v, a->threads, &a->nthreads))
                return twb__usage("--threads: expected counts from 1 to 1024 such as 1,2,4 or "
                                  "1-16 or max, at most 64 of them (got '%s')",
                                  v);
        } else if (strcmp(flag, "--repeats") == 0) {
            if (!twb__int(v, 1, TWB_MAX_REPEATS, &x))
                return twb__usage("--repeats: expected an integer from 1 to 100 (got '%s')", v);
            a->repeats = (int)x;
        } else if (strcmp(flag, "--replicates") == 0) {
            if (!twb__int(v, 1, 100000, &x))
                return twb__usage("--replicates: expected an integer from 1 to 100000 (got "
                                  "'%s')",
                                  v);
            a->replicates = x;
        } else if (strcmp(flag, "--triad-mb") == 0) {
            if (!twb__int(v, 1, 1 << 20, &x))
                return twb__usage("--triad-mb: expected MiB from 1 to 1048576 (got '%s')", v);
            a->triad_mb = (double)x;
        } else if (strcmp(flag, "--csv") == 0) {
            a->csv = v;
        }
    }
    /* Defaults, by mode. */
    if (a->firms < 0) a->firms = a->quick ? 32 * 4096 : 32 * 32768;
    if (a->weak_firms < 0) a->weak_firms = a->firms;
    if (a->days < 0) a->days = a->quick ? 20 : 120;
    if (a->repeats < 0) a->repeats = a->quick ? 2 : 5;
    if (a->rep_firms < 0 && a->quick) a->rep_firms = 32000;
    if (a->rep_days < 0 && a->quick) a->rep_days = 60;
    if (a->triad_mb < 0.0 && a->quick) a->triad_mb = 16.0;
    if (a->nthreads == 0) {
        int maxt = omp_get_max_threads();
        if (a->quick) {
            a->threads[0] = 1;
            a->threads[1] = 2;
            a->nthreads = 2;
        } else {
            for (int t = 1; t < maxt && a->nthreads < TWB_MAX_T - 1; t *= 2)
                a->threads[a->nthreads++] = t;
            a->threads[a->nthreads++] = maxt;
        }
    }
    if (a->replicates < 0) a->replicates = 2 * a->threads[a->nthreads - 1];
    if (a->scenario == NULL) a->scenario = twb__shipped("history-2025.yaml", scenario);
    if (a->re_scenario == NULL) a->re_scenario = twb__shipped("geneva-truce.yaml", re_scenario);
    return 0;
}

/* --- results kept for the table and the checks --- */

typedef struct {
    twb_row rows[TWB_MAX_ROWS];
    int nrows;
    FILE *csv;
    bool mismatch;
    char checks[32][256];
    int nchecks;
    /* the rare-earth step's share of the day on one thread: median, min, max */
    twb_times re_share[1];
    int64_t re_firms;
    int re_days;
} twb_report;

static twb_row *twb__add(twb_report *rp, const twb_row *r) {
    if (rp->csv != NULL) twb_csv_write(rp->csv, r);
    if (rp->nrows >= TWB_MAX_ROWS) return NULL;
    rp->rows[rp->nrows] = *r;
    return &rp->rows[rp->nrows++];
}

static void twb__check(twb_report *rp, bool ok, const char *what) {
    if (!ok) rp->mismatch = true;
    if (rp->nchecks < 32)
        snprintf(rp->checks[rp->nchecks++], sizeof rp->checks[0], "%-14s %s", ok ? "hash ok" : "HASH MISMATCH",
                 what);
}

static void twb__progress(const char *what, long long firms, int threads) {
    fprintf(stderr, "tw_bench: %s, %lld firms, %d thread%s\n", what, firms, threads,
            threads == 1 ? "" : "s");
}

static const twb_row *twb__find(const twb_report *rp, const char *kind, int threads) {
    for (int i = 0; i < rp->nrows; i++)
        if (strcmp(rp->rows[i].kind, kind) == 0 && rp->rows[i].threads == threads)
            return &rp->rows[i];
    return NULL;
}

static double twb__bw(const twb_report *rp, int threads) {
    const twb_row *r = twb__find(rp, "triad", threads);
    return r != NULL ? r->bandwidth_gbs : NAN;
}

/* --- the measurements --- */

static tw_status twb__triad(const twb_args *a, twb_report *rp, tw_err *err) {
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
        twb__add(rp, &r);
    }
    return TW_OK;
}

/* The rows of one scaling series at agent level. tms[i] holds the repeats at thread count
 * a->threads[i] on firms[i] firms (equal for strong scaling, growing with the threads for
 * weak). Efficiency is T0 t0 (W/W0) / (T t) from medians, W the work (firms), so that it
 * reads T0 t0 / (T t) for strong and t0 / t for weak scaling with T0 = 1; computational
 * scalability is the same ratio of useful thread-seconds rather than elapsed seconds. */
static void twb__agent_rows(const twb_args *a, twb_report *rp, const char *kind,
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
        r.bandwidth_gbs = twb__bw(rp, t);
        r.fraction = r.rate * step_bytes / 1e9 / r.bandwidth_gbs;
        r.draws_per_firm_day = draws;
        r.has_hash = true;
        r.hash = hashes[i];
        twb__add(rp, &r);
    }
}

/* One untimed run of the firm step that counts its Philox draws; its hash must equal the
 * timed runs' (checked by twb__agents). */
static tw_status twb__draws(const twb_args *a, double *draw_rate, uint64_t *hash, tw_err *err) {
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

static void twb__progress_rep(const char *what, long long firms, int rep, int repeats) {
    fprintf(stderr, "tw_bench: %s, %lld firms, repeat %d of %d, each thread count\n", what,
            firms, rep + 1, repeats);
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
} twb__agent;

/* Steps of the machine check's chains: about 0.1 s on one core (quick: 5 ms). */
static long twb__spin_iters(const twb_args *a) { return a->quick ? 2000000L : 40000000L; }

/* Hash bookkeeping of one timed run: the first run's hash is the one all must equal. */
static void twb__same(uint64_t h, bool first, uint64_t *expect, bool *agree) {
    if (first) *expect = h;
    else if (h != *expect) *agree = false;
}

/* Strong scaling at agent level, in rounds: each round times, at every thread count, the
 * firm step, the machine check and the two reference kernels (those selected), one after
 * the other. A slow spell of a shared machine then lands on every thread count and on the
 * model and its references alike, which keeps both the efficiencies and the
 * firm/reference ratio honest; the rows are medians over the rounds. */
static tw_status twb__strong(const twb_args *a, twb__agent *ag, double draw_rate, tw_err *err) {
    bool firm = (a->modes & TWB_M_FIRM) != 0, ref = (a->modes & TWB_M_REF) != 0;
    twb_scenario sc;
    tw_status st = twb_scenario_load(a->scenario, a->sets, a->nsets, a->firms / twb_ncell,
                                     a->days, &sc, err);
    if (st != TW_OK) return st;
    ag->days = sc.days;
    ag->firm_agree = ag->ref_agree[0] = ag->ref_agree[1] = true;
    long spin_iters = twb__spin_iters(a);
    double hazard[2] = {draw_rate, 0.0};
    uint64_t expect_ref[2] = {0, 0}, expect_firm = 0;
    for (int rep = 0; rep < a->repeats && st == TW_OK; rep++) {
        twb__progress_rep(firm && ref ? "firm step, machine check and reference kernels"
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
                twb__same(h, first, &expect_firm, &ag->firm_agree);
            }
            if (st == TW_OK) st = twb_spin(t, spin_iters, &ag->spin[i], &ag->spin_hash[i]);
            for (int k = 0; k < 2 && ref && st == TW_OK; k++) {
                st = twb_reference(a->firms / twb_ncell, sc.days, sc.spec.seed, hazard[k], t,
                                   &ag->ref[k][i], &h, &ag->ref_draws[k], err);
                ag->ref_hash[k][i] = h;
                twb__same(h, first, &expect_ref[k], &ag->ref_agree[k]);
            }
        }
    }
    twb_scenario_free(&sc);
    return st;
}

/* The rare-earth step's share of the model's day in the default scenario as shipped (its
 * firms, replicate 0, its year; quick: 150 days, which reach the April controls), on one
 * thread: the day loop's CPU time and the rare-earth step's inside it (CPU time, which
 * other tenants of a shared machine do not inflate; on more threads an OpenMP team's
 * waiting would count as well). The share's median over the repeats (twb_times holds the
 * shares too); the row's seconds are the day loop's wall-clock time. */
static tw_status twb__re(const twb_args *a, twb_report *rp, tw_err *err) {
    twb_scenario sc;
    tw_status st = twb_scenario_load(a->re_scenario, NULL, 0, 0, a->quick ? 150 : 0, &sc, err);
    if (st != TW_OK) return st;
    twb_times tms[1];
    uint64_t hashes[1] = {0};
    memset(tms, 0, sizeof tms);
    uint64_t expect = 0;
    bool agree = true;
    for (int rep = 0; rep < a->repeats && st == TW_OK; rep++) {
        twb__progress_rep("rare-earth step's share of the day (1 thread)",
                          (long long)sc.per_cell * twb_ncell, rep, a->repeats);
        double share = NAN;
        st = twb_re_share(&sc, 1, &tms[0], &share, &hashes[0], err);
        twb_times_add(&rp->re_share[0], share);
        twb__same(hashes[0], rep == 0, &expect, &agree);
    }
    rp->re_firms = sc.per_cell * twb_ncell;
    rp->re_days = sc.days;
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
    twb__add(rp, &r);
    twb__check(rp, agree, "rare-earth share: the default scenario, every repeat");
    return TW_OK;
}

/* Weak scaling of the firm step: weak_firms per thread, one scenario per thread count,
 * repeats interleaved across the thread counts. */
static tw_status twb__weak(const twb_args *a, twb__agent *ag, tw_err *err) {
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
        twb__progress_rep("firm step (weak; firms per thread)", (long long)a->weak_firms, rep,
                          a->repeats);
        for (int i = 0; i < a->nthreads && st == TW_OK; i++) {
            uint64_t h = 0;
            uint64_t expect = ag->weak_hash[i];
            st = twb_firm_step(&wsc[i], a->threads[i], &ag->weak[i], &h, err);
            twb__same(h, rep == 0, &expect, &ag->weak_agree[i]);
            ag->weak_hash[i] = expect;
        }
    }
    for (int i = 0; i < loaded; i++) twb_scenario_free(&wsc[i]);
    return st;
}

/* The machine check's rows: efficiency t1/tT (every thread does the same work). */
static void twb__spin_rows(const twb_args *a, twb_report *rp, twb__agent *ag) {
    long spin_iters = twb__spin_iters(a);
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
        twb__add(rp, &r);
    }
    twb__check(rp, ok, "machine check: every thread computed the same chains");
}

/* Agent level: the firm step (strong and weak), the machine check and the reference
 * kernels, as selected by --mode. */
static tw_status twb__agents(const twb_args *a, twb_report *rp, double draw_rate,
                             uint64_t draw_hash, tw_err *err) {
    static twb__agent ag;
    memset(&ag, 0, sizeof ag);
    tw_status st = twb__strong(a, &ag, draw_rate, err);
    if (st == TW_OK && (a->modes & TWB_M_FIRM)) st = twb__weak(a, &ag, err);
    if (st != TW_OK) return st;
    int n = a->nthreads;
    int64_t firms[TWB_MAX_T];
    for (int i = 0; i < n; i++) firms[i] = a->firms;
    char what[200];
    twb__spin_rows(a, rp, &ag);
    if (a->modes & TWB_M_FIRM) {
        twb__agent_rows(a, rp, "firm_step_strong", firms, ag.days, ag.firm, ag.firm_hash,
                        twb_firm_step_bytes, draw_rate);
        snprintf(what, sizeof what, "firm step, %lld firms x %d days: same hash %016llx at "
                 "every thread count and repeat", (long long)a->firms, ag.days,
                 (unsigned long long)ag.firm_hash[0]);
        twb__check(rp, ag.firm_agree, what);
        snprintf(what, sizeof what, "firm step, draw-counting run equals the timed runs");
        twb__check(rp, draw_hash == ag.firm_hash[0], what);
        twb__agent_rows(a, rp, "firm_step_weak", ag.weak_firms, ag.days, ag.weak, ag.weak_hash,
                        twb_firm_step_bytes, NAN);
        for (int i = 0; i < n; i++)
            if (!ag.weak_agree[i]) {
                snprintf(what, sizeof what, "firm step (weak), %lld firms, %d threads: repeats "
                         "differ", (long long)ag.weak_firms[i], a->threads[i]);
                twb__check(rp, false, what);
            }
    }
    if (a->modes & TWB_M_REF) {
        static const char *const kinds[2] = {"reference_kernel", "reference_dense"};
        for (int k = 0; k < 2; k++) {
            twb__agent_rows(a, rp, kinds[k], firms, ag.days, ag.ref[k], ag.ref_hash[k],
                            twb_reference_bytes, ag.ref_draws[k]);
            snprintf(what, sizeof what, "%s, %lld firms x %d days: same hash %016llx at every "
                     "thread count and repeat", kinds[k], (long long)a->firms, ag.days,
                     (unsigned long long)ag.ref_hash[k][0]);
            twb__check(rp, ag.ref_agree[k], what);
        }
    }
    return TW_OK;
}

static void twb__ratios(const twb_args *a, twb_report *rp) {
    static const char *const refs[2] = {"reference_kernel", "reference_dense"};
    static const char *const kinds[2] = {"firm_vs_reference", "firm_vs_dense"};
    for (int k = 0; k < 2; k++)
        for (int i = 0; i < a->nthreads; i++) {
            int t = a->threads[i];
            const twb_row *f = twb__find(rp, "firm_step_strong", t);
            const twb_row *ref = twb__find(rp, refs[k], t);
            if (f == NULL || ref == NULL) continue;
            twb_row r;
            twb_row_init(&r, kinds[k], "agents");
            r.threads = t;
            r.firms = a->firms;
            r.replicates = 1;
            r.rate = f->rate / ref->rate;
            r.rate_unit = "ratio";
            twb__add(rp, &r);
        }
}

/* Replicate level: strong (a fixed number of replicates) and weak (one replicate per
 * thread), their repeats interleaved across thread counts and the two kinds, as at the
 * agent level. */
static tw_status twb__replicates(const twb_args *a, twb_report *rp, int64_t *rep_firms,
                                 int *rep_days, tw_err *err) {
    twb_scenario sc;
    tw_status st = twb_scenario_load(a->scenario, a->sets, a->nsets,
                                     a->rep_firms > 0 ? a->rep_firms / twb_ncell : 0,
                                     a->rep_days > 0 ? a->rep_days : 0, &sc, err);
    if (st != TW_OK) return st;
    int64_t firms = sc.per_cell * twb_ncell;
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
                if (!weak) twb__same(h, first, &hs, &strong_ok);
                twb__same(hr0, first, &h0, &rep0_ok);
                if (weak && rep > 0 && h != hashes[1][i]) {
                    char what[200];
                    snprintf(what, sizeof what, "replicates (weak), %d threads: repeats differ", t);
                    twb__check(rp, false, what);
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
            r.has_hash = true;
            r.hash = hashes[weak][i];
            twb__add(rp, &r);
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
            twb__check(rp, strong_ok, what);
            snprintf(what, sizeof what, "replicate 0 identical in every run, replicate- and "
                     "agent-level (%016llx)", (unsigned long long)h0);
            twb__check(rp, rep0_ok && hr0 == h0, what);
        }
    }
    twb_scenario_free(&sc);
    return st;
}

static tw_status twb__memory(const twb_args *a, twb_report *rp, tw_err *err) {
    twb_scenario sc;
    tw_status st = twb_scenario_load(a->scenario, a->sets, a->nsets, a->firms / twb_ncell,
                                     a->days, &sc, err);
    if (st != TW_OK) return st;
    int t = a->threads[a->nthreads - 1];
    twb__progress("memory", (long long)a->firms, t);
    double base_mb = 0.0, rss_mb = 0.0;
    uint64_t h = 0;
    st = twb_memory(&sc, t, &base_mb, &rss_mb, &h, err);
    if (st == TW_OK) {
        twb_row r;
        twb_row_init(&r, "memory", "agents");
        r.threads = t;
        r.firms = a->firms;
        r.replicates = 1;
        r.bytes_per_firm = twb_bytes_per_firm(sc.per_cell, NULL, 0);
        r.peak_rss_mb = rss_mb;
        r.rate = (rss_mb - base_mb) * 1048576.0 / (double)a->firms;
        r.rate_unit = "rss_bytes/firm";
        r.has_hash = true;
        r.hash = h;
        twb__add(rp, &r);
    }
    twb_scenario_free(&sc);
    return st;
}

/* --- the table --- */

/* v with `digits` significant digits (%g) or decimals (%f), "-" when NaN. */
static void twb__fmt(char *buf, size_t n, double v, bool sig, int digits) {
    if (isnan(v)) snprintf(buf, n, "-");
    else if (sig) snprintf(buf, n, "%.*g", digits, v);
    else snprintf(buf, n, "%.*f", digits, v);
}

static void twb__table(const twb_report *rp) {
    printf("\n%-18s %-10s %4s %9s %5s %3s %9s %21s %10s %-14s %5s %5s  %-16s %s\n", "kind",
           "level", "thr", "firms", "reps", "rpt", "median_s", "min..max_s (spread)", "rate",
           "unit", "eff", "best", "result_hash", "notes");
    for (int i = 0; i < rp->nrows; i++) {
        const twb_row *r = &rp->rows[i];
        char thr[16] = "-", firms[24] = "-", reps[24] = "-", rpt[16] = "-", med[24], spread[48],
             rate[24], eff[16], best[16], hash[24] = "-", notes[128] = "";
        if (r->threads >= 0) snprintf(thr, sizeof thr, "%d", r->threads);
        if (r->firms >= 0) snprintf(firms, sizeof firms, "%lld", (long long)r->firms);
        if (r->replicates >= 0) snprintf(reps, sizeof reps, "%lld", (long long)r->replicates);
        if (r->repeats >= 0) snprintf(rpt, sizeof rpt, "%d", r->repeats);
        twb__fmt(med, sizeof med, r->sec_median, false, 4);
        if (isnan(r->sec_min)) snprintf(spread, sizeof spread, "-");
        else
            snprintf(spread, sizeof spread, "%.4f..%.4f (%2.0f%%)", r->sec_min, r->sec_max,
                     100.0 * (r->sec_max - r->sec_min) / r->sec_median);
        bool ratio = strcmp(r->rate_unit, "ratio") == 0;
        twb__fmt(rate, sizeof rate, r->rate, !ratio, ratio ? 3 : 4);
        twb__fmt(eff, sizeof eff, r->efficiency, false, 3);
        twb__fmt(best, sizeof best, r->efficiency_best, false, 3);
        if (r->has_hash) snprintf(hash, sizeof hash, "%016llx", (unsigned long long)r->hash);
        if (strcmp(r->kind, "memory") == 0)
            snprintf(notes, sizeof notes, "%.2f B/firm computed, peak RSS %.1f MiB",
                     r->bytes_per_firm, r->peak_rss_mb);
        else if (!isnan(r->fraction))
            snprintf(notes, sizeof notes, "%.3f of triad (%.1f GB/s)", r->fraction,
                     r->bandwidth_gbs);
        else if (strcmp(r->kind, "mpi_ranks") == 0)
            snprintf(notes, sizeof notes, "measured by bench/run under mpirun");
        printf("%-18s %-10s %4s %9s %5s %3s %9s %21s %10s %-14s %5s %5s  %-16s %s\n", r->kind,
               r->level, thr, firms, reps, rpt, med, spread, rate, r->rate_unit, eff, best, hash,
               notes);
    }
}

static void twb__summary(const twb_args *a, const twb_report *rp, double draw_rate,
                         int64_t rep_firms, int rep_days) {
    int tmax = a->threads[a->nthreads - 1];
    printf("\nsummary (medians; efficiency = T%d*t%d/(T*tT) strong, t%d/tT weak):\n",
           a->threads[0], a->threads[0], a->threads[0]);
    const twb_row *f = twb__find(rp, "firm_step_strong", tmax);
    const twb_row *ref = twb__find(rp, "reference_kernel", tmax);
    const twb_row *dense = twb__find(rp, "reference_dense", tmax);
    if (f != NULL && ref != NULL)
        printf("  firm step %.4g vs reference kernel %.4g firm-steps/s (%lld firms, %d threads): "
               "ratio %.2f (DESIGN.md 6 asks for at least 0.5)\n"
               "        both draw Philox on clock expiries only: %.4f (model) and %.4f "
               "(reference) draws per firm-day\n",
               f->rate, ref->rate, (long long)a->firms, tmax, f->rate / ref->rate,
               f->draws_per_firm_day, ref->draws_per_firm_day);
    if (f != NULL && dense != NULL)
        printf("  against the dense reference (one Philox draw per firm-day, %.4g firm-steps/s) "
               "the firm step\n        is %.2f times as fast: a draw costs more than the "
               "step's arithmetic on the days a firm\n        does not draw\n",
               dense->rate, f->rate / dense->rate);
    else if (!isnan(draw_rate))
        printf("  the firm step draws %.4f Philox words per firm-day (untimed count)\n", draw_rate);
    const twb_row *rs = twb__find(rp, "replicates_strong", tmax);
    if (rs != NULL)
        printf("  replicates/s: %.3f (%lld replicates of %lld firms x %d days, %d threads, "
               "replicate level)\n",
               rs->rate, (long long)rs->replicates, (long long)rep_firms, rep_days, tmax);
    const char *kinds[] = {"firm_step_strong", "firm_step_weak", "replicates_strong",
                           "replicates_weak"};
    bool any = false;
    for (int k = 0; k < 4; k++) {
        const twb_row *r = twb__find(rp, kinds[k], tmax);
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
            const twb_row *r = twb__find(rp, agent_kinds[k], a->threads[i]);
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
    const twb_row *sp = twb__find(rp, "cpu_spin", tmax);
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
    if (f != NULL || ref != NULL) {
        char parts[256];
        double bpf = twb_bytes_per_firm(a->firms / twb_ncell, parts, sizeof parts);
        printf("  bytes of firm state per firm: %.4f = %s\n", bpf, parts);
    }
    const twb_row *tr = twb__find(rp, "triad", tmax);
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

int main(int argc, char **argv) {
    twb_args a;
    int pr = twb__parse(argc, argv, &a);
    if (pr == 1) return 0;
    if (pr != 0) return pr;
    static twb_report rp;
    if (a.csv != NULL && (rp.csv = twb_csv_open(a.csv)) == NULL) {
        fprintf(stderr, "tw_bench: %s: cannot open for appending: %s\n", a.csv, strerror(errno));
        return 1;
    }
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
    printf("scenario: %s; threads:", a.scenario);
    for (int i = 0; i < a.nthreads; i++) printf("%s%d", i ? "," : " ", a.threads[i]);
    printf("; repeats %d%s\n", a.repeats, a.quick ? "; QUICK mode (tiny sizes, not for reporting)" : "");
    fflush(stdout);

    tw_err err;
    tw_err_clear(&err);
    tw_status st = TW_OK;
    double draw_rate = NAN;
    int64_t rep_firms = 0;
    int rep_days = 0;
    if (st == TW_OK && (a.modes & TWB_M_TRIAD)) st = twb__triad(&a, &rp, &err);
    uint64_t draw_hash = 0;
    if (st == TW_OK && (a.modes & (TWB_M_FIRM | TWB_M_REF)))
        st = twb__draws(&a, &draw_rate, &draw_hash, &err);
    if (st == TW_OK && (a.modes & (TWB_M_FIRM | TWB_M_REF)))
        st = twb__agents(&a, &rp, draw_rate, draw_hash, &err);
    if (st == TW_OK && (a.modes & TWB_M_FIRM) && (a.modes & TWB_M_REF)) twb__ratios(&a, &rp);
    if (st == TW_OK && (a.modes & TWB_M_REPS))
        st = twb__replicates(&a, &rp, &rep_firms, &rep_days, &err);
    if (st == TW_OK && (a.modes & TWB_M_MPI)) {
        twb_row r;
        twb_row_init(&r, "mpi_ranks", "ranks");
        r.ranks = -1;
        r.rate_unit = "see bench/run";
        twb__add(&rp, &r);
    }
    if (st == TW_OK && (a.modes & TWB_M_RE)) st = twb__re(&a, &rp, &err);
    if (st == TW_OK && (a.modes & TWB_M_MEMORY)) st = twb__memory(&a, &rp, &err);

    twb__table(&rp);
    if (st == TW_OK) twb__summary(&a, &rp, draw_rate, rep_firms, rep_days);
    if (rp.nchecks > 0) printf("\nresult hashes:\n");
    for (int i = 0; i < rp.nchecks; i++) printf("  %s\n", rp.checks[i]);
    if (rp.nchecks > 0) printf("%s\n", rp.mismatch ? "HASH MISMATCH" : "hash ok");
    if (rp.csv != NULL) fclose(rp.csv);
    if (st != TW_OK) {
        fprintf(stderr, "tw_bench: %s\n", err.msg[0] ? err.msg : tw_strerror(st));
        return tw_exit_code(st);
    }
    return rp.mismatch ? TWB_EXIT_MISMATCH : 0;
}
