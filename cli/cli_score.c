/* cli_score.c - `tradewar score OUTDIR OBSERVED.csv`: how well a run fits what was observed.
 *
 * Phases, like main's: read the run's shape (its series and output days) from
 * OUTDIR/summary.csv; read every observed row, its unit converted to the data dictionary's
 * (cli_score_units.c), and check it against that shape, refusing the first bad one with
 * file:line:col before anything is written; aggregate each replicate's series to each
 * observed period while streaming OUTDIR/trajectories.csv (or that of a re-run of the
 * recorded scenario, in a temporary directory), checking its means against summary.csv's
 * and its replicate count against provenance.yaml's; score each observation against the
 * ensemble of its m replicate values (engine/tw_score.h); summarise per series and
 * overall; score the event rows (outcomes of the whole run, their date empty) against
 * OUTDIR/replicates.csv (cli_score_events.c); write SCOREDIR (score.csv,
 * score_points.csv, score_events.csv, datapackage.json), staged and replaced whole
 * (cli_score_output.c); print the tables; hand SCOREDIR to analysis/score_report.py with
 * --report. Series need trajectories.csv; events alone need only replicates.csv.
 *
 * Aggregation follows each indicator's definition (tw__agg_of, cli_score_input.c): a
 * flow, a per-day quantity such as imports in USD million per day, is summed over the
 * period's days, so an observed monthly total is compared with the month's sum of daily
 * values; a level (a rate, index, share or stock) is averaged over them. When the run
 * wrote every interval_days, an output day's value stands for the days up to the next
 * output day. Streaming keeps memory at one accumulator per observation and replicate,
 * whatever the size of trajectories.csv.
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

static const double qp[TW__NQ] = {0.05, 0.25, 0.5, 0.75, 0.95};

/* ---- scores ---- */

/* Score observation o against the finite values among acc's column o (x: scratch of m). */
static void score_point(const double *acc, size_t m, size_t n_obs, size_t o, double y,
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
    for (int q = 0; q < TW__NQ; q++) pt->q[q] = tw_quantile_sorted(x, k, qp[q]);
    pt->crps = tw_score_crps(x, k, y);
    uint32_t w[4];
    tw_rng_words(tw_rng_key_make(0, 0), 0, (uint64_t)o, TW__PIT_PURPOSE, 0, w);
    pt->pit = tw_score_pit(x, k, y, tw_u01d(w[0], w[1]));
}

/* Whether observation o counts toward the summary of series (-1: all). */
static bool in(const tw__obs *obs, const tw__pt *pt, size_t o, long series) {
    return pt[o].m > 0 && (series < 0 || obs[o].series == (size_t)series);
}

/* Scores of the scored observations of one series (series >= 0) or of all (-1). scale[o]
 * is |mean observed value| of o's series, the base of the percentages. Values near the
 * largest double are divided by a power of two (k) before they are summed, exactly. */
static void summarise(const tw__obs *obs, const tw__pt *pt, const double *scale, size_t n_obs,
                      long series, tw__sum *s) {
    memset(s, 0, sizeof *s);
    double sy = 0, sm = 0, sae = 0, se = 0, sc = 0, sape = 0, scp = 0, big = 0;
    double ylo = INFINITY, yhi = -INFINITY, mlo = INFINITY, mhi = -INFINITY;
    size_t in50 = 0, in90 = 0;
    for (size_t o = 0; o < n_obs; o++)
        if (in(obs, pt, o, series)) {
            big = fmax(big, fmax(fabs(obs[o].y), fabs(pt[o].crps)));
            for (int q = 0; q < TW__NQ; q++) big = fmax(big, fabs(pt[o].q[q]));
            s->n++;
        }
    double n = (double)s->n, k = tw_score_scale(big, 2.0 * n);
    for (size_t o = 0; o < n_obs; o++) {
        if (!in(obs, pt, o, series)) continue;
        double y = obs[o].y / k, med = pt[o].q[2] / k, e = med - y;
        sy += y;
        sm += med;
        ylo = fmin(ylo, y);
        yhi = fmax(yhi, y);
        mlo = fmin(mlo, med);
        mhi = fmax(mhi, med);
        sae += fabs(e);
        se += e;
        sc += pt[o].crps / k;
        sape += fabs(e) / (scale[o] / k);
        scp += (pt[o].crps / k) / (scale[o] / k);
        in50 += pt[o].q[1] <= obs[o].y && obs[o].y <= pt[o].q[3];
        in90 += pt[o].q[0] <= obs[o].y && obs[o].y <= pt[o].q[4];
        size_t b = (size_t)(pt[o].pit * TW__PIT_BINS);
        s->pit[b < TW__PIT_BINS ? b : TW__PIT_BINS - 1]++;
    }
    s->obs_mean = sy / n * k;
    s->mae = sae / n * k;
    s->bias = se / n * k;
    s->mae_pct = 100.0 * sape / n;
    s->crps = sc / n * k;
    s->crps_pct = 100.0 * scp / n;
    s->cover50 = (double)in50 / n;
    s->cover90 = (double)in90 / n;
    /* Pearson's correlation of the median with the observations, about their means (a
     * second pass, scaled so that the squares cannot overflow); undefined when either is
     * constant. */
    double vy = 0, vm = 0, cov = 0, kc = tw_score_scale(big / k, 4.0 * n * big / k);
    for (size_t o = 0; o < n_obs; o++) {
        if (!in(obs, pt, o, series)) continue;
        double dy = (obs[o].y / k - sy / n) / kc, dm = (pt[o].q[2] / k - sm / n) / kc;
        vy += dy * dy;
        vm += dm * dm;
        cov += dy * dm;
    }
    bool varies = ylo < yhi && mlo < mhi;
    s->corr = s->n >= TW__CORR_MIN_N && varies ? cov / sqrt(vy * vm) : NAN;
}

/* ---- helpers: arguments, child processes, --rerun ---- */

void tw_cli_score_help(FILE *fp) {
    fprintf(fp,
            "Usage: tradewar score OUTDIR OBSERVED.csv [-o SCOREDIR] [--period month|week|day]\n"
            "                      [--climatology FILE] [--rerun] [--report] [-q]\n"
            "\n"
            "Scores a finished run against observed data: per series and overall, the MAE and\n"
            "bias of the ensemble median, MAE as %% of the series' observed mean, correlation,\n"
            "coverage of the 50%% and 90%% bands, CRPS of the ensemble and a PIT histogram.\n"
            "OBSERVED.csv: date,indicator,region,partner,sector,value[,unit,source]; flows\n"
            "(imports, exports, tariff_revenue, re_shipments, ...) as totals over the period,\n"
            "levels as averages; value a decimal number. unit, when given, is checked against\n"
            "the data dictionary (tradewar dictionary): USD bn, USD thousand, kt, ... and per day\n"
            "(per week, per month over that period) are converted and said so; another unit is\n"
            "refused. Needs OUTDIR/trajectories.csv (run with --trajectories) of that run.\n"
            "\n"
            "A row with an empty date (and empty region, partner, sector) is an event: an\n"
            "outcome of OUTDIR/replicates.csv over the whole run, 0 or 1 for a 0/1 outcome\n"
            "(snap_back, deal_before_truce_end, ...), a whole number for a count\n"
            "(truce_extensions, leader_calls, ...). Over the replicates where it applies, a 0/1\n"
            "outcome scores the Brier score and log score of the share with 1, beside those of\n"
            "a climatology (p = 0.5); a count the ranked probability score and log score; each\n"
            "log score's probability kept inside [1/(2m), 1 - 1/(2m)] for m replicates. Written\n"
            "to SCOREDIR/score_events.csv; events alone need no trajectories.csv.\n"
            "\n"
            "  -o, --output DIR   where score.csv, score_points.csv and score_events.csv go\n"
            "                     (default OUTDIR/score); built beside it and replaced whole,\n"
            "                     so DIR must be new, empty or a score's\n"
            "      --period P     what a YYYY-MM-DD date names: month, week (ISO, Monday to\n"
            "                     Sunday) or day (default: YYYY-MM a month, YYYY-MM-DD a day)\n"
            "      --climatology FILE  each 0/1 outcome's base rate instead of 0.5: a CSV with\n"
            "                     columns outcome,probability (0 < p < 1), every observed 0/1\n"
            "                     outcome once\n"
            "      --rerun        without trajectories.csv, re-run OUTDIR/scenario.yaml with its\n"
            "                     recorded seed and replicates in a temporary directory\n"
            "      --report       then write a chart per series, and one of the events, into\n"
            "                     SCOREDIR/report (analysis/score_report.py)\n"
            "  -q, --quiet        no table\n"
            "Exit status: 0 whatever the scores, 2 bad usage or input, 1 runtime failure.\n");
}

static tw_status sparse(int argc, char **argv, tw__sargs *a, tw_err *err) {
    memset(a, 0, sizeof *a);
    const char *scoredir = NULL;
    for (int i = 2; i < argc; i++) {
        const char *s = argv[i];
        bool o = strcmp(s, "-o") == 0 || strcmp(s, "--output") == 0;
        bool p = strcmp(s, "--period") == 0 || strncmp(s, "--period=", 9) == 0;
        bool c = strcmp(s, "--climatology") == 0 || strncmp(s, "--climatology=", 14) == 0;
        const char *v = NULL;
        if ((o || p || c) && strchr(s, '=') != NULL) {
            v = strchr(s, '=') + 1;
        } else if (o || p || c) {
            if (i + 1 >= argc) return tw_err_set(err, TW_EUSAGE, "score: %s: missing value", s);
            v = argv[++i];
        }
        if (strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0) {
            a->help = true;
            return TW_OK;
        } else if (o) {
            if (v[0] == '\0') return tw_err_set(err, TW_EUSAGE, "score: -o: expected a directory path");
            scoredir = v;
        } else if (c) {
            if (v[0] == '\0') return tw_err_set(err, TW_EUSAGE, "score: --climatology: expected a file");
            a->climatology = v;
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
    /* "DIR/" is DIR: its staging directory goes beside it, not inside. */
    for (size_t n = strlen(a->scoredir); n > 1 && a->scoredir[n - 1] == '/'; n--) a->scoredir[n - 1] = '\0';
    /* SCOREDIR must be a directory or be creatable in one: checked before any work. */
    struct stat sb;
    if (stat(a->scoredir, &sb) == 0) {
        if (!S_ISDIR(sb.st_mode))
            return tw_err_set(err, TW_EUSAGE, "score: %s: exists and is not a directory", a->scoredir);
        return tw__scoredir_check(a->scoredir, err);
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

/* provenance.yaml's seed, replicates and result hash. */
static tw_status provenance(const char *outdir, unsigned long *seed, unsigned long *reps,
                            unsigned long long *hash, tw_err *err) {
    char path[8192];
    snprintf(path, sizeof path, "%s/provenance.yaml", outdir);
    tw_status st = tw__regular(path, "", err);
    FILE *fp = st == TW_OK ? fopen(path, "r") : NULL;
    if (fp == NULL)
        return st != TW_OK ? st : tw_err_set(err, TW_EIO, "%s: cannot open: %s", path, strerror(errno));
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
static tw_status score_rerun(const tw__sargs *a, const char *tmp, tw_err *err) {
    unsigned long seed = 0, reps = 0;
    unsigned long long hash = 0;
    tw_status st = provenance(a->outdir, &seed, &reps, &hash, err);
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

/* The ensemble (traj, of what: "trajectories" or "replicates") has the replicate count the
 * run recorded (when it recorded one). */
static tw_status same_run(const tw__sargs *a, const char *traj, const char *what, size_t m,
                          tw_err *err) {
    char path[8192];
    snprintf(path, sizeof path, "%s/provenance.yaml", a->outdir);
    if (access(path, F_OK) != 0) return TW_OK; /* a directory put together by hand */
    unsigned long seed = 0, reps = 0;
    unsigned long long hash = 0;
    tw_status st = provenance(a->outdir, &seed, &reps, &hash, err);
    if (st == TW_OK && reps != m)
        st = tw_err_set(err, TW_EDATA, "%s holds %zu replicates and %s records %lu (seed %lu): "
                                       "these %s are not the run's; score the %s.csv its "
                                       "run wrote%s", traj, m, path, reps, seed, what, what,
                        strcmp(what, "trajectories") == 0 ? ", or use --rerun" : "");
    return st;
}

/* ---- the sub-command ---- */

/* Score, write and print, given the run's shape, the observations and the ensemble (acc,
 * m; none without series observations) and the scored events. */
static tw_status score_write(const tw__sargs *a, const tw__shape *sh, const tw__obs *obs,
                             size_t n_obs, const double *acc, size_t m, const tw__ev *ev,
                             size_t n_ev, tw_err *err) {
    tw__pt *pt = calloc(n_obs + 1, sizeof *pt);
    double *x = calloc(m + 1, sizeof *x), *scale = calloc(n_obs + 1, sizeof *scale);
    size_t *ser = calloc(n_obs + 1, sizeof *ser), n_ser = 0;
    tw__sum *sums = calloc(n_obs + 1, sizeof *sums), all;
    tw_status st = TW_OK;
    if (pt == NULL || x == NULL || scale == NULL || ser == NULL || sums == NULL)
        st = tw_err_set(err, TW_ENOMEM, "out of memory");
    for (size_t o = 0; o < n_obs && st == TW_OK; o++) {
        score_point(acc, m, n_obs, o, obs[o].y, x, &pt[o]);
        size_t i = 0;
        while (i < n_ser && ser[i] != obs[o].series) i++;
        if (i == n_ser) ser[n_ser++] = obs[o].series;
    }
    /* The base of the percentages: each series' mean observed value (nan when it is 0). */
    for (size_t i = 0; i < n_ser && st == TW_OK; i++) {
        double sy = 0.0, big = 0.0;
        size_t n = 0;
        for (size_t o = 0; o < n_obs; o++)
            if (obs[o].series == ser[i]) big = fmax(big, fabs(obs[o].y));
        double k = tw_score_scale(big, (double)n_obs);
        for (size_t o = 0; o < n_obs; o++)
            if (in(obs, pt, o, (long)ser[i])) {
                sy += obs[o].y / k;
                n++;
            }
        for (size_t o = 0; o < n_obs; o++)
            if (obs[o].series == ser[i]) scale[o] = sy != 0.0 ? fabs(sy / (double)n) * k : NAN;
    }
    bool one_indicator = true;
    for (size_t i = 0; i < n_ser && st == TW_OK; i++) {
        summarise(obs, pt, scale, n_obs, (long)ser[i], &sums[i]);
        one_indicator = one_indicator && strcmp(tw__label(sh, ser[i], 0), tw__label(sh, ser[0], 0)) == 0;
    }
    if (st == TW_OK && n_obs > 0) {
        summarise(obs, pt, scale, n_obs, -1, &all);
        /* Pooled across series, only unit-free scores mean something: quantities when every
         * series is one indicator (one unit), a correlation only for a single series. */
        if (!one_indicator) all.obs_mean = all.mae = all.bias = all.crps = NAN;
        if (n_ser != 1) all.corr = NAN;
    }
    char staging[4096];
    if (st == TW_OK && (st = tw__stage_open(a->scoredir, staging, sizeof staging, err)) == TW_OK) {
        if (n_obs > 0) st = tw__write_all(staging, sh, obs, pt, n_obs, ser, n_ser, sums, &all, err);
        if (st == TW_OK && n_ev > 0) st = tw__ev_write(staging, ev, n_ev, err);
        if (st == TW_OK) st = tw_cli_write_datapackage(staging, err); /* what the columns are */
        if (st != TW_OK) tw__remove_tree(staging, 1);
        else st = tw__stage_commit(staging, a->scoredir, err);
    }
    if (st == TW_OK && !a->quiet) {
        char evs[128], sers[128] = "";
        tw__ev_count(ev, n_ev, evs, sizeof evs);
        if (n_obs > 0) snprintf(sers, sizeof sers, "%zu observations of %zu series", n_obs, n_ser);
        printf("score: %s against %s: %s%s%s, %zu replicates\n", a->outdir, a->observed, sers,
               n_obs > 0 && n_ev > 0 ? ", " : "", evs, m);
        if (n_obs > 0) tw__print(sh, obs, n_obs, ser, n_ser, sums, &all);
        if (n_ev > 0) tw__ev_print(ev, n_ev);
        printf("written: %s/{%s%s%s}\n", a->scoredir,
               n_obs > 0 ? "score.csv,score_points.csv" : "", n_obs > 0 && n_ev > 0 ? "," : "",
               n_ev > 0 ? "score_events.csv" : "");
    }
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
    tw_status st = sparse(argc, argv, &a, err);
    if (st != TW_OK) return st;
    if (a.help) {
        if (tw_mpi_rank() == 0) tw_cli_score_help(stdout);
        return TW_OK;
    }
    if (tw_mpi_size() > 1)
        return tw_err_set(err, TW_EUSAGE, "score runs in one process (not under mpirun -np K > 1)");
    tw__shape sh;
    if ((st = tw__shape_read(a.outdir, &sh, err)) != TW_OK) return st;
    tw__obs *obs = NULL;
    tw__ev *ev = NULL;
    size_t n_obs = 0, n_ev = 0, m = 0;
    double *acc = NULL;
    char tmp[4096] = "", plain[8192], traj[8200];
    st = tw__obs_read(&a, &sh, &obs, &n_obs, &ev, &n_ev, err);
    /* Series need every replicate's series; events only replicates.csv, which every run
     * writes. */
    snprintf(plain, sizeof plain, "%s/trajectories.csv", a.outdir);
    tw_gz_find(plain, traj, sizeof traj); /* trajectories.csv.gz of a run with --compress */
    bool have = access(traj, R_OK) == 0;
    if (st == TW_OK && n_obs > 0 && !have && !a.rerun)
        st = tw_err_set(err, TW_EUSAGE,
                        "score: %s is missing: scores need every replicate's series; run the "
                        "scenario with --trajectories, or add --rerun to re-run %s/scenario.yaml "
                        "with its recorded seed and replicates", traj, a.outdir);
    if (st == TW_OK && a.climatology != NULL && n_ev == 0)
        st = tw_err_set(err, TW_EUSAGE, "score: --climatology scores 0/1 outcomes, and %s has none "
                        "(a row with an empty date)", a.observed);
    if (st == TW_OK) st = tw__ev_climatology(a.climatology, a.observed, ev, n_ev, err);
    if (st == TW_OK && n_obs > 0 && !have) {
        const char *td = getenv("TMPDIR");
        snprintf(tmp, sizeof tmp, "%s/tradewar-score-XXXXXX", td != NULL && td[0] ? td : "/tmp");
        if (mkdtemp(tmp) == NULL) {
            st = tw_err_set(err, TW_EIO, "score --rerun: %s: cannot create: %s", tmp, strerror(errno));
            tmp[0] = '\0';
        }
        if (st == TW_OK) st = score_rerun(&a, tmp, err);
        if (st == TW_OK) snprintf(traj, sizeof traj, "%s/run/trajectories.csv", tmp);
    }
    if (st == TW_OK && n_obs > 0) st = tw__ensemble(traj, &sh, obs, n_obs, &acc, &m, err);
    if (st == TW_OK && n_obs > 0) st = same_run(&a, traj, "trajectories", m, err);
    if (tmp[0] != '\0') {
        char run[8192];
        snprintf(run, sizeof run, "%s/run", tmp);
        tw__remove_tree(run, 0);
        rmdir(tmp);
    }
    size_t m_ev = 0;
    if (st == TW_OK && n_ev > 0) st = tw__ev_score(a.outdir, a.observed, ev, n_ev, &m_ev, err);
    if (st == TW_OK && n_ev > 0) {
        char path[8192];
        snprintf(path, sizeof path, "%s/replicates.csv", a.outdir);
        st = same_run(&a, path, "replicates", m_ev, err);
        if (st == TW_OK && n_obs > 0 && m_ev != m)
            st = tw_err_set(err, TW_EDATA, "%s holds %zu replicates and %s %zu: they are not "
                            "one run's", path, m_ev, traj, m);
        if (n_obs == 0) m = m_ev;
    }
    if (st == TW_OK) st = score_write(&a, &sh, obs, n_obs, acc, m, ev, n_ev, err);
    free(acc);
    free(ev);
    tw__obs_free(obs, n_obs);
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
