/* cli_score_output.c - what `tradewar score` writes and prints: score.csv and
 * score_points.csv (with their units), their datapackage.json, the table, and the
 * directory that holds them, which is staged and replaced whole.
 *
 * SCOREDIR is built as SCOREDIR.tmp.<pid> beside itself (every file through tw_afile) and
 * renamed into place when complete; an earlier SCOREDIR is exchanged with it in one
 * rename (RENAME_EXCHANGE; where the file system has none, it is first renamed to
 * SCOREDIR.old.<pid>) and removed after. So a reader sees the earlier scores or the new
 * ones, never some of each, and a failure at any step leaves the earlier ones as they
 * were. A SCOREDIR that holds anything but a score's files is refused before any work.
 * Leftovers of a killed score (SCOREDIR.tmp.<pid>, SCOREDIR.old.<pid> of a process that is
 * gone) are removed by the next score that commits SCOREDIR.
 */
#define _GNU_SOURCE /* renameat2 */
#include <dirent.h>
#include <fcntl.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "cli_datapackage.h"
#include "cli_score_internal.h"
#include "tw_output.h"

/* A double as the shortest of %.15g and %.17g that reads back exactly ("nan", "INF", no
 * "-0"), so that scores can be checked to the last bit. */
const char *tw__num(char buf[40], double v) {
    if (isnan(v)) return strcpy(buf, "nan");
    if (isinf(v)) return strcpy(buf, v > 0 ? "INF" : "-INF"); /* Table Schema's spelling */
    if (v == 0.0) v = 0.0;
    snprintf(buf, 40, "%.15g", v);
    if (strtod(buf, NULL) != v) snprintf(buf, 40, "%.17g", v);
    return buf;
}

static void sum_write(FILE *fp, const char *const lab[4], const tw__sum *s, const char *unit) {
    char b[40];
    fprintf(fp, "%s,%s,%s,%s,%zu", lab[0], lab[1], lab[2], lab[3], s->n);
    const double v[] = {s->obs_mean, s->mae, s->bias, s->mae_pct, s->corr, s->cover50, s->cover90,
                        s->crps, s->crps_pct};
    for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) fprintf(fp, ",%s", tw__num(b, v[k]));
    for (int k = 0; k < TW__PIT_BINS; k++) fprintf(fp, ",%llu", (unsigned long long)s->pit[k]);
    fputc(',', fp);
    tw_csv_put(fp, unit);
    fputc('\n', fp);
}

/* The unit of the overall row: the series' one unit, or "mixed" (obs_mean, mae, bias and
 * crps are then nan: only the percentages pool). */
static const char *overall_unit(const tw__shape *sh, const size_t *ser, size_t n_ser,
                                char *buf, size_t n) {
    char u[256];
    tw__unit_scored(tw__label(sh, ser[0], 0), buf, n);
    for (size_t i = 1; i < n_ser; i++)
        if (strcmp(tw__unit_scored(tw__label(sh, ser[i], 0), u, sizeof u), buf) != 0)
            return strcpy(buf, "mixed");
    return buf;
}

static tw_status write_scores(const char *path, const tw__shape *sh, const size_t *ser,
                              size_t n_ser, const tw__sum *sums, const tw__sum *all,
                              tw_err *err) {
    tw_afile *f;
    tw_status st = tw_afile_open(path, &f, err);
    if (st != TW_OK) return st;
    FILE *fp = tw_afile_fp(f);
    fputs("indicator,region,partner,sector,n,obs_mean,mae,bias,mae_pct,corr,cover50,cover90,"
          "crps,crps_pct", fp);
    for (int k = 1; k <= TW__PIT_BINS; k++) fprintf(fp, ",pit_%d", k);
    fputs(",unit\n", fp);
    char unit[256];
    for (size_t i = 0; i < n_ser; i++) {
        const char *lab[4] = {tw__label(sh, ser[i], 0), tw__label(sh, ser[i], 1),
                              tw__label(sh, ser[i], 2), tw__label(sh, ser[i], 3)};
        sum_write(fp, lab, &sums[i], tw__unit_scored(lab[0], unit, sizeof unit));
    }
    const char *lab[4] = {"overall", "all", "all", "all"};
    sum_write(fp, lab, all, overall_unit(sh, ser, n_ser, unit, sizeof unit));
    return tw_afile_commit(f, err);
}

static tw_status write_points(const char *path, const tw__shape *sh, const tw__obs *obs,
                              const tw__pt *pt, size_t n_obs, tw_err *err) {
    tw_afile *f;
    tw_status st = tw_afile_open(path, &f, err);
    if (st != TW_OK) return st;
    FILE *fp = tw_afile_fp(f);
    fputs("line,start,end,indicator,region,partner,sector,aggregation,observed,m,mean,p05,p25,"
          "p50,p75,p95,crps,pit,unit,value_given,unit_given\n", fp);
    char d0[TW_DATE_STRLEN], d1[TW_DATE_STRLEN], b[40], unit[256];
    for (size_t o = 0; o < n_obs; o++) {
        size_t s = obs[o].series;
        fprintf(fp, "%d,%s,%s,%s,%s,%s,%s,%s,%s,%zu", obs[o].line, tw_date_format(obs[o].d0, d0),
                tw_date_format(obs[o].d1, d1), tw__label(sh, s, 0), tw__label(sh, s, 1),
                tw__label(sh, s, 2), tw__label(sh, s, 3), obs[o].flow ? "sum" : "mean",
                tw__num(b, obs[o].y), pt[o].m);
        fprintf(fp, ",%s", tw__num(b, pt[o].mean));
        for (int q = 0; q < TW__NQ; q++) fprintf(fp, ",%s", tw__num(b, pt[o].q[q]));
        fprintf(fp, ",%s", tw__num(b, pt[o].crps));
        fprintf(fp, ",%s,", tw__num(b, pt[o].pit));
        tw_csv_put(fp, tw__unit_scored(tw__label(sh, s, 0), unit, sizeof unit));
        fprintf(fp, ",%s,", tw__num(b, obs[o].given));
        tw_csv_put(fp, obs[o].unit_given != NULL ? obs[o].unit_given : "");
        fputc('\n', fp);
    }
    return tw_afile_commit(f, err);
}

tw_status tw__write_all(const char *dir, const tw__shape *sh, const tw__obs *obs,
                        const tw__pt *pt, size_t n_obs, const size_t *ser, size_t n_ser,
                        const tw__sum *sums, const tw__sum *all, tw_err *err) {
    char path[8192];
    snprintf(path, sizeof path, "%s/score_points.csv", dir);
    tw_status st = write_points(path, sh, obs, pt, n_obs, err);
    snprintf(path, sizeof path, "%s/score.csv", dir);
    if (st == TW_OK) st = write_scores(path, sh, ser, n_ser, sums, all, err);
    return st;
}

/* ---- the table ---- */

static void print_row(const char *name, const tw__sum *s, const char *unit) {
    printf("%-36s %4zu %11.5g %11.5g %11.5g %7.1f %6.2f %6.2f %6.2f %11.5g %7.1f  %s\n", name,
           s->n, s->obs_mean, s->mae, s->bias, s->mae_pct, s->corr, s->cover50, s->cover90,
           s->crps, s->crps_pct, unit);
}

/* Each series whose values the file gave in another unit: what was converted, and how. */
static void print_units(const tw__shape *sh, const tw__obs *obs, size_t n_obs) {
    char name[1024], unit[256];
    for (size_t o = 0; o < n_obs; o++) {
        if (obs[o].y == obs[o].given) continue;
        bool seen = false;
        size_t n = 0;
        for (size_t q = 0; q < n_obs && !seen; q++) {
            bool same = obs[q].series == obs[o].series && obs[q].unit_given != NULL &&
                        strcmp(obs[q].unit_given, obs[o].unit_given) == 0;
            seen = same && q < o && obs[q].y != obs[q].given;
            n += same;
        }
        if (seen) continue;
        printf("units: %s: %zu value%s given in '%s', scored in %s (line %d: %.10g x %.10g = "
               "%.10g)\n", tw__name(sh, obs[o].series, name, sizeof name), n, n == 1 ? "" : "s",
               obs[o].unit_given, tw__unit_scored(tw__label(sh, obs[o].series, 0), unit, sizeof unit),
               obs[o].line, obs[o].given, obs[o].y / obs[o].given, obs[o].y);
    }
}

void tw__print(const tw__shape *sh, const tw__obs *obs, size_t n_obs, const size_t *ser,
               size_t n_ser, const tw__sum *sums, const tw__sum *all) {
    print_units(sh, obs, n_obs);
    printf("%-36s %4s %11s %11s %11s %7s %6s %6s %6s %11s %7s  %s\n", "series", "n", "obs mean",
           "MAE", "bias", "MAE%", "corr", "cov50", "cov90", "CRPS", "CRPS%", "unit");
    char name[1024], unit[256];
    for (size_t i = 0; i < n_ser; i++)
        print_row(tw__name(sh, ser[i], name, sizeof name), &sums[i],
                  tw__unit_scored(tw__label(sh, ser[i], 0), unit, sizeof unit));
    print_row("overall", all, overall_unit(sh, ser, n_ser, unit, sizeof unit));
    printf("MAE%%, CRPS%%: MAE and CRPS as a percentage of the series' |obs mean| (overall: the "
           "observations' mean percentage)\n");
    printf("PIT histogram of all observations (10 bins from 0 to 1; %.1f each if uniform):",
           (double)all->n / TW__PIT_BINS);
    for (int k = 0; k < TW__PIT_BINS; k++) printf(" %llu", (unsigned long long)all->pit[k]);
    putchar('\n');
}

/* ---- SCOREDIR, staged and replaced whole ---- */

/* What a score directory may hold: its files, the report's folder and temporaries. */
static bool score_file(const char *name) {
    static const char *const names[] = {"score.csv", "score_points.csv", "score_events.csv",
                                        "datapackage.json", "report"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        size_t n = strlen(names[i]);
        if (strncmp(name, names[i], n) == 0 && (name[n] == '\0' || strncmp(name + n, ".tmp.", 5) == 0))
            return true;
    }
    return false;
}

tw_status tw__scoredir_check(const char *scoredir, tw_err *err) {
    DIR *d = opendir(scoredir);
    if (d == NULL)
        return tw_err_set(err, TW_EUSAGE, "score: %s: cannot open: %s", scoredir, strerror(errno));
    struct dirent *de;
    tw_status st = TW_OK;
    while (st == TW_OK && (de = readdir(d)) != NULL)
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0 && !score_file(de->d_name))
            st = tw_err_set(err, TW_EUSAGE,
                            "score: %s: holds '%s', which is no score's file; score replaces its "
                            "directory whole, so name a new one or a score's with -o", scoredir,
                            de->d_name);
    closedir(d);
    return st;
}

void tw__remove_tree(const char *dir, int depth) {
    struct stat top;
    if (lstat(dir, &top) != 0) return;
    if (!S_ISDIR(top.st_mode)) { /* a symlink planted in its place: removed, not followed */
        unlink(dir);
        return;
    }
    DIR *d = opendir(dir);
    if (d != NULL) {
        struct dirent *de;
        char path[8192];
        while ((de = readdir(d)) != NULL) {
            if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
            if (snprintf(path, sizeof path, "%s/%s", dir, de->d_name) >= (int)sizeof path) continue;
            struct stat sb;
            if (depth > 0 && lstat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
                tw__remove_tree(path, depth - 1);
            else
                unlink(path);
        }
        closedir(d);
    }
    rmdir(dir);
}

/* dir's parent directory and last name. */
static void split(const char *dir, char *parent, size_t pn, const char **base) {
    const char *slash = strrchr(dir, '/');
    *base = slash != NULL ? slash + 1 : dir;
    if (slash == NULL) snprintf(parent, pn, ".");
    else if (slash == dir) snprintf(parent, pn, "/");
    else snprintf(parent, pn, "%.*s", (int)(slash - dir), dir);
}

tw_status tw__stage_open(const char *scoredir, char *staging, size_t n, tw_err *err) {
    snprintf(staging, n, "%s.tmp.%ld", scoredir, (long)getpid());
    tw__remove_tree(staging, 1); /* of an earlier process with this pid */
    if (mkdir(staging, 0777) != 0)
        return tw_err_set(err, TW_EIO, "%s: cannot create: %s", staging, strerror(errno));
    return TW_OK;
}

/* Remove SCOREDIR.tmp.<pid> and SCOREDIR.old.<pid> of processes that are gone. */
static void remove_leftovers(const char *scoredir) {
    char parent[4096], path[8192];
    const char *base;
    split(scoredir, parent, sizeof parent, &base);
    size_t bl = strlen(base);
    DIR *d = opendir(parent);
    if (d == NULL) return;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        const char *s = de->d_name;
        if (strncmp(s, base, bl) != 0 || (strncmp(s + bl, ".tmp.", 5) != 0 && strncmp(s + bl, ".old.", 5) != 0))
            continue;
        char *end;
        long pid = strtol(s + bl + 5, &end, 10);
        if (*end != '\0' || pid <= 0 || pid == (long)getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        if (snprintf(path, sizeof path, "%s/%s", parent, s) < (int)sizeof path) tw__remove_tree(path, 1);
    }
    closedir(d);
}

tw_status tw__stage_commit(const char *staging, const char *scoredir, tw_err *err) {
    char parent[4096], old[8192];
    const char *base;
    split(scoredir, parent, sizeof parent, &base);
    snprintf(old, sizeof old, "%s.old.%ld", scoredir, (long)getpid());
    tw_status st = tw_sync_dir(staging, err);
    struct stat sb;
    bool earlier = st == TW_OK && lstat(scoredir, &sb) == 0, swapped = false;
    if (earlier && renameat2(AT_FDCWD, staging, AT_FDCWD, scoredir, RENAME_EXCHANGE) == 0) {
        swapped = true; /* the earlier scores are now at staging */
        snprintf(old, sizeof old, "%s", staging);
    } else if (earlier && rename(scoredir, old) != 0) {
        st = tw_err_set(err, TW_EIO, "%s: cannot move aside: %s", scoredir, strerror(errno));
    }
    if (st == TW_OK && !swapped && rename(staging, scoredir) != 0) {
        st = tw_err_set(err, TW_EIO, "%s: cannot rename to %s: %s", staging, scoredir, strerror(errno));
        if (earlier) rename(old, scoredir);
    }
    if (st != TW_OK) {
        size_t len = strlen(err->msg);
        snprintf(err->msg + len, sizeof err->msg - len, "; the scores are complete in %s and %s "
                 "is as it was: run score again", staging, scoredir);
        return st;
    }
    st = tw_sync_dir(parent, err);
    if (earlier) tw__remove_tree(old, 1);
    remove_leftovers(scoredir);
    return st;
}
