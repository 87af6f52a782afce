/* cli_score.c - `tradewar score OUTDIR OBSERVED.csv`: how well a run fits what was observed.
 *
 * Phases, like main's: read the run's shape (its series and output days) from
 * OUTDIR/summary.csv; read every observed row and check it against that shape, refusing the
 * first bad one with file:line:col before anything is written; aggregate each replicate's
 * series to each observed period while streaming OUTDIR/trajectories.csv (or that of a
 * re-run of the recorded scenario, in a temporary directory); score each observation
 * against the ensemble of its m replicate values (engine/tw_score.h); summarise per series
 * and overall; write SCOREDIR/score.csv and score_points.csv, each complete or not at all,
 * and their datapackage.json; print the table; hand SCOREDIR to analysis/score_report.py
 * with --report.
 *
 * Aggregation follows each indicator's definition (tw__aggs below): a flow, a per-day
 * quantity such as imports in USD million per day, is summed over the period's days, so
 * an observed monthly total is compared with the month's sum of daily values; a level (a
 * rate, index, share or stock) is averaged over them. When the run wrote every
 * interval_days, an output day's value stands for the days up to the next output day.
 * Streaming keeps memory at one accumulator per observation and replicate, whatever the
 * size of trajectories.csv.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gsl/gsl_sort.h>

#include "cli.h"
#include "cli_batch.h"
#include "cli_score.h"
#include "cli_score_internal.h"
#include "cli_datapackage.h"
#include "tw_gz.h"
#include "tw_calendar.h"
#include "tw_csvread.h"
#include "tw_mpi.h"
#include "tw_output.h"
#include "tw_rng.h"
#include "tw_score.h"
#include "tw_stats.h"

static const double tw__qp[TW__NQ] = {0.05, 0.25, 0.5, 0.75, 0.95};

/* ---- scores ---- */

/* Score observation o against the finite values among acc's column o (x: scratch of m). */
static void tw__score_point(const double *acc, size_t m, size_t n_obs, size_t o, double y,
                            double *x, tw__pt *pt) {
    size_t k = 0;
    double sum = 0.0;
    for (size_t r = 0; r < m; r++) {
        double v = acc[r * n_obs + o];
        if (isfinite(v)) {
            x[k++] = v;
            sum += v;
        }
    }
    pt->m = k;
    if (k == 0) {
        pt->mean = pt->crps = pt->pit = NAN;
        for (int q = 0; q < TW__NQ; q++) pt->q[q] = NAN;
        return;
    }
    gsl_sort(x, 1, k);
    pt->mean = sum / (double)k;
    for (int q = 0; q < TW__NQ; q++) pt->q[q] = tw_quantile_sorted(x, k, tw__qp[q]);
    pt->crps = tw_score_crps(x, k, y);
    uint32_t w[4];
    tw_rng_words(tw_rng_key_make(0, 0), 0, (uint64_t)o, TW__PIT_PURPOSE, 0, w);
    pt->pit = tw_score_pit(x, k, y, tw_u01d(w[0], w[1]));
}

/* Scores of the scored observations of one series (series >= 0) or of all (-1). scale[o]
 * is |mean observed value| of o's series, the base of the percentages. */
static void tw__summarise(const tw__obs *obs, const tw__pt *pt, const double *scale, size_t n_obs,
                          long series, tw__sum *s) {
    memset(s, 0, sizeof *s);
    double sy = 0, sm = 0, sae = 0, se = 0, sc = 0, sape = 0, scp = 0;
    double ylo = INFINITY, yhi = -INFINITY, mlo = INFINITY, mhi = -INFINITY;
    size_t in50 = 0, in90 = 0;
    for (size_t o = 0; o < n_obs; o++) {
        if (pt[o].m == 0 || (series >= 0 && obs[o].series != (size_t)series)) continue;
        double y = obs[o].y, med = pt[o].q[2], e = med - y;
        s->n++;
        sy += y;
        sm += med;
        ylo = fmin(ylo, y);
        yhi = fmax(yhi, y);
        mlo = fmin(mlo, med);
        mhi = fmax(mhi, med);
        sae += fabs(e);
        se += e;
        sc += pt[o].crps;
        sape += fabs(e) / scale[o];
        scp += pt[o].crps / scale[o];
        in50 += pt[o].q[1] <= y && y <= pt[o].q[3];
        in90 += pt[o].q[0] <= y && y <= pt[o].q[4];
        size_t b = (size_t)(pt[o].pit * TW__PIT_BINS);
        s->pit[b < TW__PIT_BINS ? b : TW__PIT_BINS - 1]++;
    }
    double n = (double)s->n;
    s->obs_mean = sy / n;
    s->mae = sae / n;
    s->bias = se / n;
    s->mae_pct = 100.0 * sape / n;
    s->crps = sc / n;
    s->crps_pct = 100.0 * scp / n;
    s->cover50 = (double)in50 / n;
    s->cover90 = (double)in90 / n;
    /* Pearson's correlation of the median with the observations, about their means (a
     * second pass); undefined when either is constant. */
    double vy = 0, vm = 0, cov = 0;
    for (size_t o = 0; o < n_obs; o++) {
        if (pt[o].m == 0 || (series >= 0 && obs[o].series != (size_t)series)) continue;
        double dy = obs[o].y - sy / n, dm = pt[o].q[2] - sm / n;
        vy += dy * dy;
        vm += dm * dm;
        cov += dy * dm;
    }
    bool varies = ylo < yhi && mlo < mhi;
    s->corr = s->n >= TW__CORR_MIN_N && varies ? cov / sqrt(vy * vm) : NAN;
}

/* ---- output ---- */

/* A double as the shortest of %.15g and %.17g that reads back exactly ("nan", "inf", no
 * "-0"), so that scores can be checked to the last bit. */
static const char *tw__num(char buf[40], double v) {
    if (isnan(v)) return strcpy(buf, "nan");
    if (isinf(v)) return strcpy(buf, v > 0 ? "inf" : "-inf");
    if (v == 0.0) v = 0.0;
    snprintf(buf, 40, "%.15g", v);
    if (strtod(buf, NULL) != v) snprintf(buf, 40, "%.17g", v);
    return buf;
}

static void tw__sum_write(FILE *fp, const char *const lab[4], const tw__sum *s) {
    char b[40];
    fprintf(fp, "%s,%s,%s,%s,%zu", lab[0], lab[1], lab[2], lab[3], s->n);
    const double v[] = {s->obs_mean, s->mae, s->bias, s->mae_pct, s->corr, s->cover50, s->cover90,
                        s->crps, s->crps_pct};
    for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) fprintf(fp, ",%s", tw__num(b, v[k]));
    for (int k = 0; k < TW__PIT_BINS; k++) fprintf(fp, ",%llu", (unsigned long long)s->pit[k]);
    fputc('\n', fp);
}

static tw_status tw__write_scores(const char *path, const tw__shape *sh, const size_t *ser,
                                  size_t n_ser, const tw__sum *sums, const tw__sum *all,
                                  tw_err *err) {
    tw_afile *f;
    tw_status st = tw_afile_open(path, &f, err);
    if (st != TW_OK) return st;
    FILE *fp = tw_afile_fp(f);
    fputs("indicator,region,partner,sector,n,obs_mean,mae,bias,mae_pct,corr,cover50,cover90,"
          "crps,crps_pct", fp);
    for (int k = 1; k <= TW__PIT_BINS; k++) fprintf(fp, ",pit_%d", k);
    fputc('\n', fp);
    for (size_t i = 0; i < n_ser; i++) {
        const char *lab[4] = {tw__label(sh, ser[i], 0), tw__label(sh, ser[i], 1),
                              tw__label(sh, ser[i], 2), tw__label(sh, ser[i], 3)};
        tw__sum_write(fp, lab, &sums[i]);
    }
    const char *lab[4] = {"overall", "all", "all", "all"};
    tw__sum_write(fp, lab, all);
    return tw_afile_commit(f, err);
}

static tw_status tw__write_points(const char *path, const tw__shape *sh, const tw__obs *obs,
                                  const tw__pt *pt, size_t n_obs, tw_err *err) {
    tw_afile *f;
    tw_status st = tw_afile_open(path, &f, err);
    if (st != TW_OK) return st;
    FILE *fp = tw_afile_fp(f);
    fputs("line,start,end,indicator,region,partner,sector,aggregation,observed,m,mean,p05,p25,"
          "p50,p75,p95,crps,pit\n", fp);
    char d0[TW_DATE_STRLEN], d1[TW_DATE_STRLEN], b[40];
    for (size_t o = 0; o < n_obs; o++) {
        size_t s = obs[o].series;
        fprintf(fp, "%d,%s,%s,%s,%s,%s,%s,%s,%s,%zu", obs[o].line, tw_date_format(obs[o].d0, d0),
                tw_date_format(obs[o].d1, d1), tw__label(sh, s, 0), tw__label(sh, s, 1),
                tw__label(sh, s, 2), tw__label(sh, s, 3), obs[o].flow ? "sum" : "mean",
                tw__num(b, obs[o].y), pt[o].m);
        fprintf(fp, ",%s", tw__num(b, pt[o].mean));
        for (int q = 0; q < TW__NQ; q++) fprintf(fp, ",%s", tw__num(b, pt[o].q[q]));
        fprintf(fp, ",%s", tw__num(b, pt[o].crps));
        fprintf(fp, ",%s\n", tw__num(b, pt[o].pit));
    }
    return tw_afile_commit(f, err);
}

static void tw__print_row(const char *name, const tw__sum *s) {
    printf("%-36s %4zu %11.5g %11.5g %11.5g %7.1f %6.2f %6.2f %6.2f %11.5g %7.1f\n", name, s->n,
           s->obs_mean, s->mae, s->bias, s->mae_pct, s->corr, s->cover50, s->cover90, s->crps,
           s->crps_pct);
}

static void tw__print(const tw__sargs *a, const tw__shape *sh, size_t m, size_t n_obs,
                      const size_t *ser, size_t n_ser, const tw__sum *sums, const tw__sum *all) {
    printf("score: %s against %s: %zu observations of %zu series, %zu replicates\n", a->outdir,
           a->observed, n_obs, n_ser, m);
    printf("%-36s %4s %11s %11s %11s %7s %6s %6s %6s %11s %7s\n", "series", "n", "obs mean",
           "MAE", "bias", "MAE%", "corr", "cov50", "cov90", "CRPS", "CRPS%");
    char name[1024];
    for (size_t i = 0; i < n_ser; i++) {
        tw__print_row(tw__name(sh, ser[i], name, sizeof name), &sums[i]);
    }
    tw__print_row("overall", all);
    printf("PIT histogram of all observations (10 bins from 0 to 1; %.1f each if uniform):",
           (double)all->n / TW__PIT_BINS);
    for (int k = 0; k < TW__PIT_BINS; k++) printf(" %llu", (unsigned long long)all->pit[k]);
    printf("\nwritten: %s/{score.csv,score_points.csv}\n", a->scoredir);
}

/* ---- helpers: arguments, child processes, --rerun ---- */

void tw_cli_score_help(FILE *fp) {
    fprintf(fp,
            "Usage: tradewar score OUTDIR OBSERVED.csv [-o SCOREDIR] [--period month|week|day]\n"
            "                      [--rerun] [--report] [-q]\n"
            "\n"
            "Scores a finished run against observed data: per series and overall, the MAE and\n"
            "bias of the ensemble median, MAE as %% of the observed mean, correlation, coverage\n"
            "of the 50%% and 90%% bands, CRPS of the ensemble and a PIT histogram. OBSERVED.csv:\n"
            "date,indicator,region,partner,sector,value[,unit,source]; flows (imports, exports,\n"
            "tariff_revenue, re_shipments, ...) as totals over the period, levels as averages.\n"
            "Needs OUTDIR/trajectories.csv (run with --trajectories).\n"
            "\n"
            "  -o, --output DIR   where score.csv and score_points.csv go (default OUTDIR/score)\n"
            "      --period P     what a YYYY-MM-DD date names: month, week (ISO, Monday to\n"
            "                     Sunday) or day (default: YYYY-MM a month, YYYY-MM-DD a day)\n"
            "      --rerun        without trajectories.csv, re-run OUTDIR/scenario.yaml with its\n"
            "                     recorded seed and replicates in a temporary directory\n"
            "      --report       then write a chart per series into SCOREDIR/report\n"
            "                     (analysis/score_report.py)\n"
            "  -q, --quiet        no table\n"
            "Exit status: 0 whatever the scores, 2 bad usage or input, 1 runtime failure.\n");
}

static tw_status tw__sparse(int argc, char **argv, tw__sargs *a, tw_err *err) {
    memset(a, 0, sizeof *a);
    const char *scoredir = NULL;
    for (int i = 2; i < argc; i++) {
        const char *s = argv[i];
        bool o = strcmp(s, "-o") == 0 || strcmp(s, "--output") == 0;
        bool p = strcmp(s, "--period") == 0 || strncmp(s, "--period=", 9) == 0;
        const char *v = NULL;
        if ((o || p) && strchr(s, '=') != NULL) {
            v = strchr(s, '=') + 1;
        } else if (o || p) {
            if (i + 1 >= argc) return tw_err_set(err, TW_EUSAGE, "score: %s: missing value", s);
            v = argv[++i];
        }
        if (strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0) {
            a->help = true;
            return TW_OK;
        } else if (o) {
            if (v[0] == '\0') return tw_err_set(err, TW_EUSAGE, "score: -o: expected a directory path");
            scoredir = v;
        } else if (p) {
            if (strcmp(v, "month") == 0) a->period = TW__P_MONTH;
            else if (strcmp(v, "week") == 0) a->period = TW__P_WEEK;
            else if (strcmp(v, "day") == 0) a->period = TW__P_DAY;
            else
                return tw_err_set(err, TW_EUSAGE, "score: --period: expected month, week or day (got '%s')", v);
        } else if (strcmp(s, "--rerun") == 0) {
            a->rerun = true;
        } else if (strcmp(s, "--report") == 0) {
            a->report = true;
        } else if (strcmp(s, "--quiet") == 0 || strcmp(s, "-q") == 0) {
            a->quiet = true;
        } else if (s[0] == '-' && s[1] != '\0') {
            return tw_err_set(err, TW_EUSAGE, "score: unknown option '%s' (try 'tradewar score --help')", s);
        } else if (a->outdir == NULL) {
            a->outdir = s;
        } else if (a->observed == NULL) {
            a->observed = s;
        } else {
            return tw_err_set(err, TW_EUSAGE, "score: unexpected argument '%s'", s);
        }
    }
    if (a->outdir == NULL || a->observed == NULL)
        return tw_err_set(err, TW_EUSAGE, "score: expected a run's output directory and an observed "
                                          "file (tradewar score OUTDIR OBSERVED.csv)");
    if (scoredir != NULL)
        snprintf(a->scoredir, sizeof a->scoredir, "%s", scoredir);
    else
        snprintf(a->scoredir, sizeof a->scoredir, "%s/score", a->outdir);
    /* SCOREDIR must be a directory or be creatable in one: checked before any work. */
    struct stat sb;
    if (stat(a->scoredir, &sb) == 0) {
        if (!S_ISDIR(sb.st_mode))
            return tw_err_set(err, TW_EUSAGE, "score: %s: exists and is not a directory", a->scoredir);
    } else {
        char parent[4096];
        snprintf(parent, sizeof parent, "%s", a->scoredir);
        char *slash = strrchr(parent, '/');
        if (slash == parent) slash[1] = '\0';
        else if (slash != NULL) *slash = '\0';
        else snprintf(parent, sizeof parent, ".");
        if (stat(parent, &sb) != 0 || !S_ISDIR(sb.st_mode))
            return tw_err_set(err, TW_EUSAGE, "score: %s: its parent directory does not exist",
                              a->scoredir);
    }
    return TW_OK;
}

/* Remove a directory that holds only files, then the directory. */
static void tw__remove_flat(const char *dir) {
    DIR *d = opendir(dir);
    if (d != NULL) {
        struct dirent *de;
        char path[8192];
        while ((de = readdir(d)) != NULL) {
            if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
            if (snprintf(path, sizeof path, "%s/%s", dir, de->d_name) < (int)sizeof path) unlink(path);
        }
        closedir(d);
    }
    rmdir(dir);
}

/* provenance.yaml's seed, replicates and result hash. */
static tw_status tw__provenance(const char *outdir, unsigned long *seed, unsigned long *reps,
                                unsigned long long *hash, tw_err *err) {
    char path[8192];
    snprintf(path, sizeof path, "%s/provenance.yaml", outdir);
    FILE *fp = fopen(path, "r");
    if (fp == NULL)
        return tw_err_set(err, TW_EUSAGE, "score --rerun: %s: cannot open: %s", path, strerror(errno));
    char line[1024];
    int found = 0;
    while (fgets(line, sizeof line, fp) != NULL) {
        found |= sscanf(line, "seed: %lu", seed) == 1 ? 1 : 0;
        found |= sscanf(line, "replicates: %lu", reps) == 1 ? 2 : 0;
        found |= sscanf(line, "result_hash: \"%llx\"", hash) == 1 ? 4 : 0;
    }
    fclose(fp);
    if (found != 7)
        return tw_err_set(err, TW_EDATA, "%s: expected seed, replicates and result_hash", path);
    return TW_OK;
}

/* --rerun: the recorded scenario with its seed and replicates into tmp/run, checked
 * against the recorded result hash. */
static tw_status tw__rerun(const tw__sargs *a, const char *tmp, tw_err *err) {
    unsigned long seed = 0, reps = 0;
    unsigned long long hash = 0;
    tw_status st = tw__provenance(a->outdir, &seed, &reps, &hash, err);
    if (st != TW_OK) return st;
    char exe[4096], scen[8192], out[8192], n[32], s[32];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len <= 0) return tw_err_set(err, TW_ERUNTIME, "score --rerun: cannot find the program");
    exe[len] = '\0';
    snprintf(scen, sizeof scen, "%s/scenario.yaml", a->outdir);
    snprintf(out, sizeof out, "%s/run", tmp);
    snprintf(n, sizeof n, "%lu", reps);
    snprintf(s, sizeof s, "%lu", seed);
    if (!a->quiet)
        fprintf(stderr, "score: re-running %s with seed %s and %s replicates into %s\n", scen, s, n,
                out);
    char run[] = "run", fn[] = "-n", fs[] = "-s", fo[] = "-o", ft[] = "--trajectories",
         fq[] = "--silent";
    char *argv[] = {exe, run, scen, fn, n, fs, s, fo, out, ft, fq, NULL};
    if ((st = tw_cli_spawn(argv, "score --rerun: the re-run", err)) != TW_OK) return st;
    uint64_t h;
    if ((st = tw_cli_result_hash(out, &h, err)) != TW_OK) return st;
    if (h != (uint64_t)hash)
        return tw_err_set(err, TW_ERUNTIME,
                          "score --rerun: the re-run gives result hash %016llx, the run recorded "
                          "%016llx (another program version?); run the scenario again with "
                          "--trajectories and score that", (unsigned long long)h, hash);
    return TW_OK;
}

/* ---- the sub-command ---- */

/* Score, write and print, given the run's shape, the observations and the ensemble. */
static tw_status tw__score_write(const tw__sargs *a, const tw__shape *sh, const tw__obs *obs,
                                 size_t n_obs, const double *acc, size_t m, tw_err *err) {
    tw__pt *pt = calloc(n_obs, sizeof *pt);
    double *x = calloc(m, sizeof *x), *scale = calloc(n_obs, sizeof *scale);
    size_t *ser = calloc(n_obs, sizeof *ser), n_ser = 0;
    tw__sum *sums = calloc(n_obs, sizeof *sums), all;
    tw_status st = TW_OK;
    if (pt == NULL || x == NULL || scale == NULL || ser == NULL || sums == NULL)
        st = tw_err_set(err, TW_ENOMEM, "out of memory");
    for (size_t o = 0; o < n_obs && st == TW_OK; o++) {
        tw__score_point(acc, m, n_obs, o, obs[o].y, x, &pt[o]);
        size_t i = 0;
        while (i < n_ser && ser[i] != obs[o].series) i++;
        if (i == n_ser) ser[n_ser++] = obs[o].series;
    }
    /* The base of the percentages: each series' mean observed value (nan when it is 0). */
    for (size_t i = 0; i < n_ser && st == TW_OK; i++) {
        double sy = 0.0;
        size_t n = 0;
        for (size_t o = 0; o < n_obs; o++)
            if (obs[o].series == ser[i] && pt[o].m > 0) {
                sy += obs[o].y;
                n++;
            }
        for (size_t o = 0; o < n_obs; o++)
            if (obs[o].series == ser[i]) scale[o] = sy != 0.0 ? fabs(sy / (double)n) : NAN;
    }
    bool one_indicator = true;
    for (size_t i = 0; i < n_ser && st == TW_OK; i++) {
        tw__summarise(obs, pt, scale, n_obs, (long)ser[i], &sums[i]);
        one_indicator = one_indicator && strcmp(tw__label(sh, ser[i], 0), tw__label(sh, ser[0], 0)) == 0;
    }
    if (st == TW_OK) {
        tw__summarise(obs, pt, scale, n_obs, -1, &all);
        /* Pooled across series, only unit-free scores mean something: quantities when every
         * series is one indicator (one unit), a correlation only for a single series. */
        if (!one_indicator) all.obs_mean = all.mae = all.bias = all.crps = NAN;
        if (n_ser != 1) all.corr = NAN;
        if (mkdir(a->scoredir, 0777) != 0 && errno != EEXIST)
            st = tw_err_set(err, TW_EIO, "%s: cannot create: %s", a->scoredir, strerror(errno));
    }
    char path[8192];
    if (st == TW_OK) {
        snprintf(path, sizeof path, "%s/score_points.csv", a->scoredir);
        st = tw__write_points(path, sh, obs, pt, n_obs, err);
    }
    if (st == TW_OK) {
        snprintf(path, sizeof path, "%s/score.csv", a->scoredir);
        st = tw__write_scores(path, sh, ser, n_ser, sums, &all, err);
    }
    if (st == TW_OK) st = tw_cli_write_datapackage(a->scoredir, err); /* what the columns are */
    if (st == TW_OK && !a->quiet) tw__print(a, sh, m, n_obs, ser, n_ser, sums, &all);
    free(pt);
    free(x);
    free(scale);
    free(ser);
    free(sums);
    return st;
}

tw_status tw_cli_score(const tw_cli_args *common, int argc, char **argv, tw_err *err) {
    (void)common; /* score parses argv itself */
    tw__sargs a;
    tw_status st = tw__sparse(argc, argv, &a, err);
    if (st != TW_OK) return st;
    if (a.help) {
        if (tw_mpi_rank() == 0) tw_cli_score_help(stdout);
        return TW_OK;
    }
    if (tw_mpi_size() > 1)
        return tw_err_set(err, TW_EUSAGE, "score runs in one process (not under mpirun -np K > 1)");
    char plain[8192], traj[8200];
    snprintf(plain, sizeof plain, "%s/trajectories.csv", a.outdir);
    tw_gz_find(plain, traj, sizeof traj); /* trajectories.csv.gz of a run with --compress */
    bool have = access(traj, R_OK) == 0;
    if (!have && !a.rerun)
        return tw_err_set(err, TW_EUSAGE,
                          "score: %s is missing: scores need every replicate's series; run the "
                          "scenario with --trajectories, or add --rerun to re-run %s/scenario.yaml "
                          "with its recorded seed and replicates", traj, a.outdir);
    tw__shape sh;
    if ((st = tw__shape_read(a.outdir, &sh, err)) != TW_OK) return st;
    tw__obs *obs = NULL;
    size_t n_obs = 0, m = 0;
    double *acc = NULL;
    char tmp[4096] = "";
    st = tw__obs_read(&a, &sh, &obs, &n_obs, err);
    if (st == TW_OK && !have) {
        const char *td = getenv("TMPDIR");
        snprintf(tmp, sizeof tmp, "%s/tradewar-score-XXXXXX", td != NULL && td[0] ? td : "/tmp");
        if (mkdtemp(tmp) == NULL) {
            st = tw_err_set(err, TW_EIO, "score --rerun: %s: cannot create: %s", tmp, strerror(errno));
            tmp[0] = '\0';
        }
        if (st == TW_OK) st = tw__rerun(&a, tmp, err);
        if (st == TW_OK) snprintf(traj, sizeof traj, "%s/run/trajectories.csv", tmp);
    }
    if (st == TW_OK) st = tw__ensemble(traj, &sh, obs, n_obs, &acc, &m, err);
    if (tmp[0] != '\0') {
        char run[8192];
        snprintf(run, sizeof run, "%s/run", tmp);
        tw__remove_flat(run);
        rmdir(tmp);
    }
    if (st == TW_OK) st = tw__score_write(&a, &sh, obs, n_obs, acc, m, err);
    free(acc);
    free(obs);
    tw__shape_free(&sh);
    if (st == TW_OK && a.report) {
        const char *py = getenv("TW_PYTHON");
        char pyb[4096], script[] = TW_SOURCE_DIR "/analysis/score_report.py", dir[4096];
        snprintf(pyb, sizeof pyb, "%s", py != NULL && py[0] ? py : "/usr/bin/python3");
        snprintf(dir, sizeof dir, "%s", a.scoredir);
        char *pargv[] = {pyb, script, dir, NULL};
        st = tw_cli_spawn(pargv, "score --report: analysis/score_report.py", err);
    }
    return st;
}
