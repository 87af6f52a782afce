/* tw_bench.h - the pieces of the benchmark program tw_bench, shared by its files.
 *
 * tw_bench measures the trade-war model the way an HPC engineer would check it: firm
 * agent-steps per second of the real firm step against a bare reference kernel with the
 * same data layout, replicates per second, strong and weak scaling at both levels of
 * parallelism, bytes per firm and peak memory, and the machine's memory bandwidth (a
 * STREAM-like triad) measured in the same run. Every measurement carries a result hash, so
 * a fast wrong answer cannot pass for a fast one.
 *
 * Files, after XSBench (the command line and the output apart from the measurements):
 * tw_bench.c (main: the script of phases), bench_args.c (the options and their defaults),
 * bench_report.c (the inputs echoed, progress, the table, the summary, the hash checks),
 * bench_agents.c (the agent-level measurements: firm step, reference kernels, machine
 * check), bench_measure.c (triad, replicates, rare-earth share, memory, MPI row),
 * bench_model.c (the real model driven through tw_trade_model and tw_run),
 * bench_kernels.c (the reference kernel and the triad), bench_util.c (timing, medians,
 * FNV-1a, CSV).
 */
#ifndef TW_BENCH_H
#define TW_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tw_hash.h" /* tw_fnv1a, TW_FNV_OFFSET */
#include <stdio.h>

#include "tw_config.h"
#include "tw_error.h"
#include "tw_runner.h"

#define TWB_MAX_REPEATS 100
#define TWB_MAX_SETS 32

/* --- timing --- */

/* The seconds of each repeat of one measurement and their median, min and max. */
/* The seconds of each repeat of one measurement and their median, min and max; for the
 * measurements that account for their team's time (tw_exec_prof), also where the time
 * went. Useful seconds are the seconds a thread spent running items, plus, for the
 * master thread, the code between parallel regions (which only it runs). */
typedef struct {
    int repeats;
    double t[TWB_MAX_REPEATS];
    double median, min, max;
    int threads;                     /* > 0 once a split was recorded */
    double useful[TWB_MAX_REPEATS];  /* thread-seconds of useful work, summed over threads */
    double busiest[TWB_MAX_REPEATS]; /* the busiest thread's useful seconds */
    /* Medians over repeats (NAN without splits): useful thread-seconds; load balance =
     * mean useful / busiest; sync efficiency = busiest / elapsed (what fork, join and
     * barriers leave of the busiest thread's time). Their product is the parallel
     * efficiency of the POP metrics, mean useful / elapsed. */
    double useful_median, load_balance, sync_efficiency;
} twb_times;

double twb_now(void);                /* monotonic seconds */
double twb_cpu_now(void);            /* CPU seconds of the process, all threads */
void twb_times_add(twb_times *tm, double seconds);
/* After twb_times_add of a run on `threads` threads whose executor carried pf: record
 * that run's split of useful time (serial time = seconds - pf->wall, run by thread 0). */
void twb_times_split(twb_times *tm, int threads, const tw_exec_prof *pf);
void twb_times_finish(twb_times *tm); /* fill median, min, max and the split medians */

/* --- hashing: FNV-1a 64 --- */

/* --- peak memory --- */
double twb_maxrss_mb(void); /* getrusage(RUSAGE_SELF).ru_maxrss in MiB */
double twb_rss_mb(void);    /* resident memory now (/proc/self/statm) in MiB; NAN if unknown */

/* --- CSV rows --- */

/* One row of bench.csv. Numbers that are NaN, and counts that are negative, are written
 * as empty fields (not applicable). */
typedef struct {
    const char *kind, *level;
    int threads, ranks;
    int64_t firms, replicates;
    int repeats;
    double sec_median, sec_min, sec_max;
    double rate;
    const char *rate_unit;
    double efficiency;
    double bytes_per_firm, peak_rss_mb, bandwidth_gbs, fraction;
    /* POP-style factors of the efficiency (agent level): load balance, sync efficiency,
     * and computational scalability = useful thread-seconds at the first thread count
     * (scaled by the work for weak scaling) / useful thread-seconds here. */
    double load_balance, sync_efficiency, compute_scalability;
    double draws_per_firm_day; /* Philox draws per firm-day, where counted */
    /* The efficiency again from the fastest repeat of each thread count instead of the
     * median: on a shared machine, what the code does when the machine lets it. */
    double efficiency_best;
    const char *world; /* the world of the measured model; NULL for the machine's rows */
    bool has_hash;
    uint64_t hash;
} twb_row;

extern const char *const twb_csv_header;
void twb_row_init(twb_row *r, const char *kind, const char *level);
void twb_row_times(twb_row *r, const twb_times *tm);
/* Open path for appending; writes the header if the file is new or empty. NULL on error. */
FILE *twb_csv_open(const char *path);
void twb_csv_write(FILE *fp, const twb_row *r);

/* --- the model (bench_model.c) --- */

/* A scenario loaded the way the tradewar program loads it, with overrides, on its world:
 * the regions of data/ (`four`) or of a folder of data/worlds/ (the scenario key `world:`),
 * whose cells (importer regions x sectors) each hold per_cell firms. */
typedef struct {
    tw_cfg *cfg;
    void *params;
    tw_run_spec spec;
    int64_t per_cell; /* firms per cell: firms = ncell * per_cell */
    int days;         /* days from start to end, inclusive */
    int ncell, nreg;  /* the world's cells and regions (ncell = nreg x TWB_NSEC) */
    char world[64];   /* the world's name, as the scenario key world: ("four" when absent) */
} twb_scenario;

#define TWB_NSEC 8       /* sectors of every world */
#define TWB_MAX_WORLDS 4 /* worlds in --world */

/* Load path, apply world=world (when not NULL), the sets (in order), then
 * firms.per_cell=per_cell (when > 0) and end = start + days - 1 (when days > 0). An unknown
 * world is refused with the list of the known ones (the model's own check). */
tw_status twb_scenario_load(const char *path, const char *world, const char *const *sets,
                            int nsets, int64_t per_cell, int days, twb_scenario *sc, tw_err *err);
/* Firms per cell of a world of ncell cells nearest to firms in all (at least 1). */
int64_t twb_per_cell(int64_t firms, int ncell);
void twb_scenario_free(twb_scenario *sc);

/* The firm state's bytes per firm: the per-firm arrays' element sizes plus the block
 * partial sums amortised over the firms. parts (may be NULL) gets a one-line breakdown. */
double twb_bytes_per_firm(int64_t per_cell, char *parts, size_t nparts);
/* Bytes the firm step moves per firm and day (reads and writes of the state arrays; see
 * bench_model.c for the assumption). */
extern const double twb_firm_step_bytes;

/* One timed run of the full model's day loop (create untimed) on `threads` threads
 * (agent-level parallelism), added to tm with its split of useful time. *hash: FNV-1a over
 * observe(), outcomes() and the firm arrays after the last day. Callers interleave the
 * repeats of several thread counts, so that a slow spell of a shared machine falls on all
 * of them rather than on one. */
tw_status twb_firm_step(const twb_scenario *sc, int threads, twb_times *tm, uint64_t *hash,
                        tw_err *err);

/* One timed run of the full model's day loop like twb_firm_step (create untimed), with
 * the rare-earth step timed inside it: *share = the rare-earth step's CPU seconds / the
 * day loop's (process CPU time, all threads: a shared machine's other tenants do not
 * count, as they do in wall-clock time). *hash as twb_firm_step's. */
tw_status twb_re_share(const twb_scenario *sc, int threads, twb_times *tm, double *share,
                       uint64_t *hash, tw_err *err);
/* One untimed run that counts the Philox draws of the firm step: a firm draws exactly on
 * the days its hazard clock is reset, which is the only way its clock can go up. */
tw_status twb_firm_draw_rate(const twb_scenario *sc, int threads, double *draws_per_firm_day,
                             uint64_t *hash, tw_err *err);

/* One timed tw_run with `replicates` replicates at the given level of parallelism, added
 * to tm (when not NULL). *hash over every series and outcome; *hash_rep0 over replicate
 * 0's alone. */
tw_status twb_replicates(const twb_scenario *sc, int threads, tw_par_mode mode,
                         int64_t replicates, twb_times *tm, uint64_t *hash, uint64_t *hash_rep0,
                         tw_err *err);

/* Memory of one model of this size: create, step the scenario's days. *base_mb is the
 * resident memory before create (after giving free heap back to the system), *rss_mb with
 * the model stepped and still held, so that rss - base is this model's, whatever ran
 * before it in the process (another world); the process's peak is twb_maxrss_mb. */
tw_status twb_memory(const twb_scenario *sc, int threads, double *base_mb, double *rss_mb,
                     uint64_t *hash, tw_err *err);

/* --- bare kernels (bench_kernels.c) --- */

/* One timed run of a reference kernel, added to tm with its split of useful time: the
 * firm arrays' layout and length (ncell * per_cell firms, origins among nreg regions), the
 * same block partial sums and block-ordered reduction, no economics. hazard > 0: sparse, a
 * firm draws when its Exp(1) clock, worn down by hazard a day, runs out (as in the firm
 * step); hazard = 0: dense, one draw per firm per day. *hash folds every day's reduced sums;
 * *draws_per_firm_day counts the draws made. */
tw_status twb_reference(int64_t per_cell, int ncell, int nreg, int days, uint32_t seed,
                        double hazard, int threads, twb_times *tm, uint64_t *hash,
                        double *draws_per_firm_day, tw_err *err);
extern const double twb_reference_bytes;

/* The machine check: `threads` threads each run the same register-only chains of iters
 * steps (no memory, nothing shared); one timed run added to tm. */
tw_status twb_spin(int threads, long iters, twb_times *tm, uint64_t *hash);

/* STREAM-like triad a = b + s c over n doubles per array on `threads` threads. Rates use
 * 24 bytes per element (STREAM's convention: write-allocate traffic not counted). */
tw_status twb_triad(size_t n, int threads, int repeats, twb_times *tm, uint64_t *hash,
                    tw_err *err);
/* Total last-level cache of the machine in bytes (0 if unknown). */
size_t twb_llc_bytes(void);

/* --- the command line (bench_args.c) --- */

/* What --mode selects. */
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

#define TWB_MAX_T 64     /* thread counts in --threads */
#define TWB_MAX_ROWS 1024 /* rows of the table kept (the CSV gets every row) */

/* The options, every default filled in by twb_args_parse. */
typedef struct {
    unsigned modes;                    /* TWB_M_* */
    const char *scenario, *re_scenario; /* paths; point into argv or static storage */
    /* --world: the worlds the firm, reference and memory modes measure, each with its
     * scenario (--scenario, or the 2025 record written for it) and its firms per cell
     * (twb_resolve_worlds); one world, NULL = the scenario's own, without --world. */
    const char *worlds[TWB_MAX_WORLDS], *world_scenario[TWB_MAX_WORLDS];
    int nworlds;
    char world_name[TWB_MAX_WORLDS][64];
    int ncell[TWB_MAX_WORLDS];
    const char *sets[TWB_MAX_SETS];    /* KEY=VALUE overrides, into argv */
    int nsets;
    int64_t firms, weak_firms, rep_firms, replicates; /* rep_firms: -1 = the scenario's */
    int days, rep_days, repeats;       /* rep_days: -1 = the scenario's */
    int threads[TWB_MAX_T], nthreads;  /* sorted, distinct */
    double triad_mb;                   /* MiB per triad array; -1: from the cache size */
    bool quick;
    const char *csv;                   /* NULL: no CSV */
} twb_args;

/* Parse the command line into a: 0 parsed; 1 --help printed (exit 0); 2 usage error, its
 * message printed on stderr (exit 2). */
int twb_args_parse(int argc, char **argv, twb_args *a);
/* Load each world's scenario once (nothing timed): its name and cells into a, or the
 * model's error (an unknown world lists the known ones; exit status 2). */
tw_status twb_resolve_worlds(twb_args *a, tw_err *err);

/* --- what is printed (bench_report.c) --- */

/* The rows and checks of one run, kept for the table; rows also go to csv as they come. */
typedef struct {
    twb_row rows[TWB_MAX_ROWS];
    int nrows;
    FILE *csv;      /* NULL: no CSV; not owned (main closes it) */
    bool mismatch;  /* a hash check failed */
    char checks[32][256];
    int nchecks;
    /* the rare-earth step's share of the day on one thread: median, min, max */
    twb_times re_share[1];
    int64_t re_firms;
    int re_days;
    char re_world[64];
} twb_report;

/* Append r to the CSV and keep it for the table (dropped from the table past
 * TWB_MAX_ROWS); the kept copy, or NULL. */
twb_row *twb_report_add(twb_report *rp, const twb_row *r);
/* Record a hash check: ok, or a mismatch (then the exit status is 3). */
void twb_report_check(twb_report *rp, bool ok, const char *what);
/* The first row of kind at that thread count, or NULL; _world: of that world too. */
const twb_row *twb_report_find(const twb_report *rp, const char *kind, int threads);
const twb_row *twb_report_find_world(const twb_report *rp, const char *kind, int threads,
                                     const char *world);
/* Progress on stderr: one repeat of a measurement, at each thread count. */
void twb_progress_rep(const char *what, long long firms, int rep, int repeats);
/* Hash bookkeeping of one timed run: the first run's hash (first) is the one all must
 * equal; *agree turns false at the first that does not. */
void twb_same_hash(uint64_t h, bool first, uint64_t *expect, bool *agree);

void twb_print_inputs(const twb_args *a);   /* build, machine, options (stdout) */
void twb_report_table(const twb_report *rp); /* the table of rows */
/* The summary under the table: ratios, efficiencies and where they go, bytes, bandwidth,
 * the rare-earth share. draw_rate[w]: the firm step's Philox draws per firm-day on world w
 * (NAN: not counted); rep_firms, rep_days: the replicate measurement's size. */
void twb_report_summary(const twb_args *a, const twb_report *rp, const double *draw_rate,
                        int64_t rep_firms, int rep_days);
void twb_report_hashes(const twb_report *rp); /* the checks and "hash ok"/"HASH MISMATCH" */

/* --- the measurements (bench_agents.c, bench_measure.c) ---
 * Each runs what --mode selected of it with the options in a and adds its rows and hash
 * checks to rp; a failure (scenario, memory) returns its status with err filled. */

/* The triad at each thread count (rows "triad"). */
tw_status twb_measure_triad(const twb_args *a, twb_report *rp, tw_err *err);
/* For each world, one untimed run of the firm step on the most threads that counts its
 * Philox draws per firm-day (draw_rate[w]); hash[w] must equal the timed runs'
 * (twb_measure_agents checks it). */
tw_status twb_measure_draws(const twb_args *a, double *draw_rate, uint64_t *hash, tw_err *err);
/* Agent level: the firm step (strong and weak), the machine check and the reference kernels,
 * as selected by --mode, on every world; world w's reference kernel draws at draw_rate[w]. */
tw_status twb_measure_agents(const twb_args *a, twb_report *rp, const double *draw_rate,
                             const uint64_t *draw_hash, tw_err *err);
/* Rows "firm_vs_reference" and "firm_vs_dense" (each world's) from the rows already added. */
void twb_measure_ratios(const twb_args *a, twb_report *rp);
/* Replicate level, strong and weak; *rep_firms, *rep_days: the size it ran. */
tw_status twb_measure_replicates(const twb_args *a, twb_report *rp, int64_t *rep_firms,
                                 int *rep_days, tw_err *err);
void twb_measure_mpi(twb_report *rp); /* the placeholder row "mpi_ranks" */
/* The rare-earth step's share of the day in a->re_scenario (row "re_step_share"). */
tw_status twb_measure_re(const twb_args *a, twb_report *rp, tw_err *err);
/* Memory for a->firms on the most threads, each world (rows "memory"). */
tw_status twb_measure_memory(const twb_args *a, twb_report *rp, tw_err *err);

#endif
