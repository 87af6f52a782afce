/* bench_util.c - timing, medians, FNV-1a, peak memory and CSV rows for tw_bench.
 *
 * Kept apart from the measurements so that every measurement reports in the same way:
 * medians of repeated wall-clock timings with their min and max, and one CSV row format
 * (the columns that the analysis tool reads).
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "tw_bench.h"
#include "tw_build_info.h"
#include "tw_output.h"

double twb_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

double twb_cpu_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void twb_times_add(twb_times *tm, double seconds) {
    if (tm->repeats < TWB_MAX_REPEATS) tm->t[tm->repeats++] = seconds;
}

static int twb__cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void twb_times_split(twb_times *tm, int threads, const tw_exec_prof *pf) {
    int r = tm->repeats - 1;
    if (r < 0 || threads < 1) return;
    double serial = tm->t[r] - pf->wall, sum = 0.0, top = 0.0;
    for (int i = 0; i < threads; i++) {
        double u = pf->busy[i] + (i == 0 ? serial : 0.0);
        sum += u;
        if (u > top) top = u;
    }
    tm->threads = threads;
    tm->useful[r] = sum;
    tm->busiest[r] = top;
}

/* Median of n values (sorted in a copy). */
static double twb__median(const double *v, int n) {
    double s[TWB_MAX_REPEATS];
    memcpy(s, v, (size_t)n * sizeof *s);
    qsort(s, (size_t)n, sizeof *s, twb__cmp);
    return (n % 2 == 1) ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
}

void twb_times_finish(twb_times *tm) {
    tm->useful_median = tm->load_balance = tm->sync_efficiency = NAN;
    if (tm->repeats <= 0) {
        tm->median = tm->min = tm->max = NAN;
        return;
    }
    int n = tm->repeats;
    tm->median = twb__median(tm->t, n);
    tm->min = tm->max = tm->t[0];
    for (int i = 1; i < n; i++) {
        if (tm->t[i] < tm->min) tm->min = tm->t[i];
        if (tm->t[i] > tm->max) tm->max = tm->t[i];
    }
    if (tm->threads > 0) {
        double lb[TWB_MAX_REPEATS], se[TWB_MAX_REPEATS];
        for (int i = 0; i < n; i++) {
            lb[i] = tm->useful[i] / (tm->threads * tm->busiest[i]);
            se[i] = tm->busiest[i] / tm->t[i];
        }
        tm->useful_median = twb__median(tm->useful, n);
        tm->load_balance = twb__median(lb, n);
        tm->sync_efficiency = twb__median(se, n);
    }
}

double twb_maxrss_mb(void) {
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0) return NAN;
    return (double)ru.ru_maxrss / 1024.0; /* Linux: kilobytes */
}

double twb_rss_mb(void) {
    FILE *fp = fopen("/proc/self/statm", "r");
    long pages = 0, resident = 0;
    bool ok = fp != NULL && fscanf(fp, "%ld %ld", &pages, &resident) == 2;
    if (fp != NULL) fclose(fp);
    return ok ? (double)resident * (double)sysconf(_SC_PAGESIZE) / 1048576.0 : NAN;
}

const char *const twb_csv_header =
    "kind,level,threads,ranks,firms,replicates,repeats,seconds_median,seconds_min,"
    "seconds_max,rate,rate_unit,efficiency,bytes_per_firm,peak_rss_mb,bandwidth_gbs,"
    "fraction_of_bandwidth,result_hash,compiler,cflags,git_revision,load_balance,"
    "sync_efficiency,compute_scalability,draws_per_firm_day,efficiency_best,world";

void twb_row_init(twb_row *r, const char *kind, const char *level) {
    memset(r, 0, sizeof *r);
    r->kind = kind;
    r->level = level;
    r->threads = -1;
    r->ranks = 1;
    r->firms = -1;
    r->replicates = -1;
    r->repeats = -1;
    r->sec_median = r->sec_min = r->sec_max = NAN;
    r->rate = NAN;
    r->rate_unit = "";
    r->efficiency = NAN;
    r->bytes_per_firm = r->peak_rss_mb = r->bandwidth_gbs = r->fraction = NAN;
    r->load_balance = r->sync_efficiency = r->compute_scalability = NAN;
    r->draws_per_firm_day = r->efficiency_best = NAN;
}

void twb_row_times(twb_row *r, const twb_times *tm) {
    r->repeats = tm->repeats;
    r->sec_median = tm->median;
    r->sec_min = tm->min;
    r->sec_max = tm->max;
    r->load_balance = tm->load_balance;
    r->sync_efficiency = tm->sync_efficiency;
}

FILE *twb_csv_open(const char *path) {
    FILE *fp = fopen(path, "a");
    if (fp == NULL) return NULL;
    if (fseek(fp, 0, SEEK_END) == 0 && ftell(fp) == 0) fprintf(fp, "%s\n", twb_csv_header);
    return fp;
}

/* A text field (NULL as empty), quoted as every output quotes one (tw_csv_put). */
static void twb__text(FILE *fp, const char *s) { tw_csv_put(fp, s != NULL ? s : ""); }

static void twb__num(FILE *fp, double v) {
    if (!isnan(v)) fprintf(fp, "%.9g", v);
    fputc(',', fp);
}

static void twb__int(FILE *fp, int64_t v) {
    if (v >= 0) fprintf(fp, "%lld", (long long)v);
    fputc(',', fp);
}

void twb_csv_write(FILE *fp, const twb_row *r) {
    twb__text(fp, r->kind);
    fputc(',', fp);
    twb__text(fp, r->level);
    fputc(',', fp);
    twb__int(fp, r->threads);
    twb__int(fp, r->ranks);
    twb__int(fp, r->firms);
    twb__int(fp, r->replicates);
    twb__int(fp, r->repeats);
    twb__num(fp, r->sec_median);
    twb__num(fp, r->sec_min);
    twb__num(fp, r->sec_max);
    twb__num(fp, r->rate);
    twb__text(fp, r->rate_unit);
    fputc(',', fp);
    twb__num(fp, r->efficiency);
    twb__num(fp, r->bytes_per_firm);
    twb__num(fp, r->peak_rss_mb);
    twb__num(fp, r->bandwidth_gbs);
    twb__num(fp, r->fraction);
    if (r->has_hash) fprintf(fp, "%016llx", (unsigned long long)r->hash);
    fputc(',', fp);
    twb__text(fp, TW_COMPILER);
    fputc(',', fp);
    twb__text(fp, TW_CFLAGS);
    fputc(',', fp);
    twb__text(fp, TW_GIT_REVISION);
    fputc(',', fp);
    twb__num(fp, r->load_balance);
    twb__num(fp, r->sync_efficiency);
    twb__num(fp, r->compute_scalability);
    twb__num(fp, r->draws_per_firm_day);
    twb__num(fp, r->efficiency_best);
    twb__text(fp, r->world);
    fputc('\n', fp);
    fflush(fp);
}
