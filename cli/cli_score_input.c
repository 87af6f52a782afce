/* cli_score_input.c - the inputs of `tradewar score`: the run's shape (its series and output
 * days, from OUTDIR/summary.csv), the observed file (every row checked against that shape,
 * the first bad one refused with file:line:col), and the ensemble (each replicate's series
 * aggregated to each observed period while streaming trajectories.csv, so memory stays at
 * one accumulator per observation and replicate whatever the file's size).
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
#include "cli_score_internal.h"
#include "tw_trade.h"
#include "tw_calendar.h"
#include "tw_csvread.h"
#include "tw_gz.h"
#include "tw_mpi.h"
#include "tw_output.h"
#include "tw_rng.h"
#include "tw_score.h"
#include "tw_stats.h"

tw__agg tw__agg_of(const char *indicator) {
    const tw_measure_info *list;
    size_t n = tw_trade_indicator_list(&list);
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i].name, indicator) == 0) {
            if (list[i].aggregation == TW_AGG_SUM) return TW__FLOW;
            /* A 0/1 state averages to a share (of days under truce, say): a level. */
            if (list[i].aggregation == TW_AGG_CATEGORY && strcmp(list[i].unit, "0/1") != 0)
                return TW__CODE;
            return TW__LEVEL;
        }
    return TW__LEVEL;
}

static bool tw__grow(void **p, size_t *cap, size_t need, size_t el) {
    if (need <= *cap) return true;
    size_t c = *cap ? *cap : 16;
    while (c < need) c *= 2;
    void *q = realloc(*p, c * el);
    if (q == NULL) return false;
    *p = q;
    *cap = c;
    return true;
}

/* Cut s at its first comma; returns what follows it, or NULL when there is none. */
static char *tw__cut(char *s) {
    char *c = strchr(s, ',');
    if (c == NULL) return NULL;
    *c = '\0';
    return c + 1;
}

static void tw__chomp(char *s) {
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r')) s[--n] = '\0';
}

const char *tw__label(const tw__shape *sh, size_t s, int k) { return sh->lab[s * 4 + (size_t)k]; }

/* Series s as trajectories.csv names it: indicator.region.partner.sector. */
const char *tw__name(const tw__shape *sh, size_t s, char *buf, size_t n) {
    snprintf(buf, n, "%s.%s.%s.%s", tw__label(sh, s, 0), tw__label(sh, s, 1), tw__label(sh, s, 2),
             tw__label(sh, s, 3));
    return buf;
}

void tw__shape_free(tw__shape *sh) {
    for (size_t i = 0; i < sh->n_series * 4; i++) free(sh->lab[i]);
    free(sh->lab);
    free(sh->dates);
    memset(sh, 0, sizeof *sh);
}

/* ---- the run's shape, streamed from summary.csv ---- */

static tw_status tw__shape_row(tw__shape *sh, char *line, const char *path, int ln, tw_err *err) {
    char *f[5];
    f[0] = line;
    for (int k = 1; k < 5; k++)
        if ((f[k] = tw__cut(f[k - 1])) == NULL)
            return tw_err_set(err, TW_EDATA, "%s:%d: expected date,indicator,region,partner,sector,...",
                              path, ln);
    tw__cut(f[4]);
    tw_day d;
    if (!tw_date_parse(f[0], &d))
        return tw_err_set(err, TW_EDATA, "%s:%d: expected a date YYYY-MM-DD (got '%s')", path, ln, f[0]);
    if (sh->n_dates == 0 || d != sh->dates[sh->n_dates - 1]) {
        if (sh->n_dates > 0 && d < sh->dates[sh->n_dates - 1])
            return tw_err_set(err, TW_EDATA, "%s:%d: dates out of order", path, ln);
        if (!tw__grow((void **)&sh->dates, &sh->cap_dates, sh->n_dates + 1, sizeof *sh->dates))
            return tw_err_set(err, TW_ENOMEM, "out of memory");
        sh->dates[sh->n_dates++] = d;
    }
    if (sh->n_dates > 1) return TW_OK;
    if (!tw__grow((void **)&sh->lab, &sh->cap_lab, (sh->n_series + 1) * 4, sizeof *sh->lab))
        return tw_err_set(err, TW_ENOMEM, "out of memory");
    for (int k = 0; k < 4; k++) {
        sh->lab[sh->n_series * 4 + (size_t)k] = strdup(f[k + 1]);
        if (sh->lab[sh->n_series * 4 + (size_t)k] == NULL) {
            for (int j = 0; j < k; j++) free(sh->lab[sh->n_series * 4 + (size_t)j]);
            return tw_err_set(err, TW_ENOMEM, "out of memory");
        }
    }
    sh->n_series++;
    return TW_OK;
}

tw_status tw__shape_read(const char *outdir, tw__shape *sh, tw_err *err) {
    memset(sh, 0, sizeof *sh);
    char plain[8192], path[8200];
    snprintf(plain, sizeof plain, "%s/summary.csv", outdir);
    tw_gz_find(plain, path, sizeof path); /* summary.csv.gz of a run with --compress */
    FILE *fp = tw_gz_open_read(path);
    if (fp == NULL)
        return tw_err_set(err, TW_EUSAGE, "score: %s: cannot open: %s (score takes the output "
                                          "directory of a tradewar run)", path, strerror(errno));
    char *line = NULL;
    size_t cap = 0;
    int ln = 0;
    tw_status st = TW_OK;
    while (st == TW_OK && getline(&line, &cap, fp) >= 0) {
        tw__chomp(line);
        if (++ln == 1) {
            if (strncmp(line, "date,indicator,region,partner,sector,", 37) != 0)
                st = tw_err_set(err, TW_EDATA, "%s:1: not a summary.csv header", path);
            continue;
        }
        st = tw__shape_row(sh, line, path, ln, err);
    }
    if (st == TW_OK && ferror(fp)) st = tw_err_set(err, TW_EIO, "%s: read error", path);
    if (st == TW_OK && sh->n_dates == 0) st = tw_err_set(err, TW_EDATA, "%s: no rows", path);
    free(line);
    fclose(fp);
    if (st != TW_OK) tw__shape_free(sh);
    return st;
}

/* The series labelled lab[0..4); -1 when there is none, with *matched the most leading
 * labels any series shares with lab (which label is the wrong one). */
static long tw__find(const tw__shape *sh, const char *const lab[4], int *matched) {
    *matched = 0;
    for (size_t s = 0; s < sh->n_series; s++) {
        int k = 0;
        while (k < 4 && strcmp(tw__label(sh, s, k), lab[k]) == 0) k++;
        if (k == 4) return (long)s;
        if (k > *matched) *matched = k;
    }
    return -1;
}

/* ---- the observed file ---- */

/* The period a date names: YYYY-MM a month; YYYY-MM-DD a day, or the ISO week (Monday to
 * Sunday) or month that holds it when --period says so. NULL when fine, else why not. */
static const char *tw__period_of(const char *s, tw__period p, tw_day *d0, tw_day *d1) {
    char buf[TW_DATE_STRLEN];
    tw_day d;
    size_t n = strlen(s);
    if (n == 7) {
        snprintf(buf, sizeof buf, "%s-01", s);
        if (s[4] != '-' || !tw_date_parse(buf, &d)) return "expected a date YYYY-MM-DD or a month YYYY-MM";
        if (p == TW__P_WEEK || p == TW__P_DAY)
            return p == TW__P_WEEK ? "--period week needs a day YYYY-MM-DD in the week"
                                   : "--period day needs a day YYYY-MM-DD";
        p = TW__P_MONTH;
    } else if (n != 10 || !tw_date_parse(s, &d)) {
        return "expected a date YYYY-MM-DD or a month YYYY-MM";
    }
    int y, m, dom;
    tw_civil_from_day(d, &y, &m, &dom);
    switch (p) {
    case TW__P_MONTH:
        *d0 = tw_day_from_civil(y, m, 1);
        *d1 = *d0 + tw_days_in_month(y, m) - 1;
        break;
    case TW__P_WEEK:
        *d0 = d - (tw_weekday(d) - 1);
        *d1 = *d0 + 6;
        break;
    case TW__P_AUTO:
    case TW__P_DAY: *d0 = *d1 = d; break;
    }
    return NULL;
}

static const char *const tw__obs_cols[6] = {"date", "indicator", "region", "partner", "sector", "value"};

/* Row r of t as an observation; refuses it with file:line:col. */
static tw_status tw__obs_row(const tw_csv *t, size_t r, const int idx[6], const tw__sargs *a,
                             const tw__shape *sh, tw__obs *o, tw_err *err) {
    const char *path = tw_csv_path(t);
    int line = tw_csv_line(t, r);
#define TW__AT(k) path, line, tw_csv_colno(t, r, (size_t)idx[k]), tw__obs_cols[k]
    const char *f[6];
    for (int k = 0; k < 6; k++) f[k] = tw_csv_field(t, r, (size_t)idx[k]);
    o->line = line;
    const char *why = tw__period_of(f[0], a->period, &o->d0, &o->d1);
    if (why != NULL) return tw_err_at(err, TW_EDATA, TW__AT(0), "%s (got '%s')", why, f[0]);
    tw_day first = sh->dates[0], last = sh->dates[sh->n_dates - 1];
    if (o->d0 < first || o->d1 > last) {
        char p0[TW_DATE_STRLEN], p1[TW_DATE_STRLEN], r0[TW_DATE_STRLEN], r1[TW_DATE_STRLEN];
        return tw_err_at(err, TW_EDATA, TW__AT(0),
                         "the period %s to %s is not inside the run (%s to %s); a period must "
                         "lie wholly inside it", tw_date_format(o->d0, p0), tw_date_format(o->d1, p1),
                         tw_date_format(first, r0), tw_date_format(last, r1));
    }
    tw__agg agg = tw__agg_of(f[1]);
    if (agg == TW__CODE)
        return tw_err_at(err, TW_EDATA, TW__AT(1),
                         "'%s' is a categorical code: its average over a period is no quantity, "
                         "and score refuses it", f[1]);
    int matched;
    long s = tw__find(sh, f + 1, &matched);
    if (s < 0) {
        if (matched == 0)
            return tw_err_at(err, TW_EDATA, TW__AT(1), "unknown indicator '%s' (see summary.csv)",
                             f[1]);
        char prefix[1024] = "";
        for (int k = 1; k <= matched; k++)
            snprintf(prefix + strlen(prefix), sizeof prefix - strlen(prefix), "%s%s", k > 1 ? "." : "", f[k]);
        return tw_err_at(err, TW_EDATA, TW__AT(1 + matched),
                         "the run has no %s series with %s '%s' (see summary.csv)", prefix,
                         tw__obs_cols[1 + matched], f[1 + matched]);
    }
    char *end;
    errno = 0;
    o->y = strtod(f[5], &end);
    if (f[5][0] == '\0' || *end != '\0' || errno == ERANGE || !isfinite(o->y))
        return tw_err_at(err, TW_EDATA, TW__AT(5), "expected a finite number (got '%s')", f[5]);
    o->series = (size_t)s;
    o->flow = agg == TW__FLOW;
    return TW_OK;
#undef TW__AT
}

tw_status tw__obs_read(const tw__sargs *a, const tw__shape *sh, tw__obs **out, size_t *n,
                              tw_err *err) {
    *out = NULL;
    *n = 0;
    if (access(a->observed, R_OK) != 0)
        return tw_err_set(err, TW_EUSAGE, "score: %s: cannot open: %s", a->observed, strerror(errno));
    tw_csv *t;
    tw_status st = tw_csv_read(a->observed, &t, err);
    if (st != TW_OK) return st;
    int idx[6];
    for (int k = 0; k < 6 && st == TW_OK; k++)
        if ((idx[k] = tw_csv_col(t, tw__obs_cols[k])) < 0)
            st = tw_err_at(err, TW_EDATA, a->observed, 1, 1, NULL,
                           "missing column '%s' (expected date,indicator,region,partner,sector,"
                           "value, and optionally unit and source)", tw__obs_cols[k]);
    size_t rows = tw_csv_rows(t);
    if (st == TW_OK && rows == 0)
        st = tw_err_set(err, TW_EDATA, "%s: no observations (a header and no rows)", a->observed);
    tw__obs *obs = st == TW_OK ? calloc(rows, sizeof *obs) : NULL;
    if (st == TW_OK && obs == NULL) st = tw_err_set(err, TW_ENOMEM, "out of memory");
    for (size_t r = 0; r < rows && st == TW_OK; r++) {
        st = tw__obs_row(t, r, idx, a, sh, &obs[r], err);
        for (size_t q = 0; q < r && st == TW_OK; q++)
            if (obs[q].series == obs[r].series && obs[q].d0 == obs[r].d0 && obs[q].d1 == obs[r].d1)
                st = tw_err_at(err, TW_EDATA, a->observed, obs[r].line,
                               tw_csv_colno(t, r, (size_t)idx[0]), "date",
                               "duplicate of line %d (the same series and period)", obs[q].line);
    }
    tw_csv_free(t);
    if (st != TW_OK) {
        free(obs);
        return st;
    }
    *out = obs;
    *n = rows;
    return TW_OK;
}

/* ---- the ensemble: every replicate's series aggregated to each observed period ---- */

typedef struct {
    const char *path;
    const tw__shape *sh;
    const tw__obs *obs;
    size_t n_obs, n_need;
    size_t *need;        /* [n_need] series the observations name */
    size_t *obs_need;    /* [n_obs] index into need */
    long *col_need;      /* [n_cols] index into need of a trajectories.csv column, or -1 */
    size_t n_cols;
    double *v, *pv;      /* [n_need] this row's values and the previous output day's */
    double *acc;         /* [m][n_obs] the aggregates */
    size_t m, cap_acc;
} tw__ens;

static tw_status tw__ens_header(tw__ens *e, char *line, tw_err *err) {
    if (strncmp(line, "replicate,date,", 15) != 0)
        return tw_err_set(err, TW_EDATA, "%s:1: not a trajectories.csv header", e->path);
    size_t cap = 0;
    for (char *f = line; f != NULL; e->n_cols++) {
        char *next = tw__cut(f);
        if (!tw__grow((void **)&e->col_need, &cap, e->n_cols + 1, sizeof *e->col_need))
            return tw_err_set(err, TW_ENOMEM, "out of memory");
        e->col_need[e->n_cols] = -1;
        for (size_t k = 0; k < e->n_need && e->n_cols >= 2; k++) {
            char name[1024];
            if (strcmp(tw__name(e->sh, e->need[k], name, sizeof name), f) == 0)
                e->col_need[e->n_cols] = (long)k;
        }
        f = next;
    }
    for (size_t k = 0; k < e->n_need; k++) {
        bool found = false;
        for (size_t j = 0; j < e->n_cols; j++) found = found || e->col_need[j] == (long)k;
        char name[1024];
        if (!found)
            return tw_err_set(err, TW_EDATA, "%s: no column %s (trajectories of another run?)", e->path,
                              tw__name(e->sh, e->need[k], name, sizeof name));
    }
    return TW_OK;
}

/* Add the output day di of replicate r (values e->v) to every observation: the day itself
 * when it lies in the period, and the days since the previous output day, which hold that
 * day's values (e->pv). */
static void tw__ens_add(tw__ens *e, size_t r, size_t di) {
    tw_day t = e->sh->dates[di], tp = di > 0 ? e->sh->dates[di - 1] : t;
    for (size_t o = 0; o < e->n_obs; o++) {
        const tw__obs *ob = &e->obs[o];
        size_t k = e->obs_need[o];
        double add = 0.0;
        tw_day lo = tp + 1 > ob->d0 ? tp + 1 : ob->d0, hi = t - 1 < ob->d1 ? t - 1 : ob->d1;
        if (hi >= lo) add += (double)(hi - lo + 1) * e->pv[k];
        if (t >= ob->d0 && t <= ob->d1) add += e->v[k];
        e->acc[r * e->n_obs + o] += add;
    }
    memcpy(e->pv, e->v, e->n_need * sizeof *e->v);
}

/* One data row: replicate r (0, 1, ... in order), the next output day, the values. */
static tw_status tw__ens_row(tw__ens *e, char *line, int ln, size_t *di, tw_err *err) {
    char *f = line, *next = tw__cut(f);
    char *end;
    errno = 0;
    long long r = strtoll(f, &end, 10);
    bool ok = next != NULL && f[0] != '\0' && *end == '\0' && errno == 0 && r >= 0;
    if (ok && (size_t)r == e->m) { /* a new replicate */
        if (e->m > 0 && *di != e->sh->n_dates)
            return tw_err_set(err, TW_EDATA, "%s:%d: replicate %zu stops after %zu of %zu output days",
                              e->path, ln, e->m - 1, *di, e->sh->n_dates);
        if (!tw__grow((void **)&e->acc, &e->cap_acc, (e->m + 1) * e->n_obs, sizeof *e->acc))
            return tw_err_set(err, TW_ENOMEM, "out of memory for %zu replicates", e->m + 1);
        memset(e->acc + e->m * e->n_obs, 0, e->n_obs * sizeof *e->acc);
        e->m++;
        *di = 0;
    } else if (!ok || (size_t)r + 1 != e->m) {
        return tw_err_set(err, TW_EDATA, "%s:%d: expected replicate %zu or %zu in order", e->path, ln,
                          e->m ? e->m - 1 : 0, e->m);
    }
    tw_day d;
    f = next;
    next = f ? tw__cut(f) : NULL;
    if (f == NULL || *di >= e->sh->n_dates || !tw_date_parse(f, &d) || d != e->sh->dates[*di]) {
        char want[TW_DATE_STRLEN];
        return tw_err_set(err, TW_EDATA, "%s:%d: expected the output day %s (as in summary.csv)",
                          e->path, ln, *di < e->sh->n_dates ? tw_date_format(e->sh->dates[*di], want) : "(none)");
    }
    size_t j = 2;
    for (f = next; f != NULL; f = next, j++) {
        next = tw__cut(f);
        if (j >= e->n_cols) {
            j = e->n_cols + 1; /* too many fields */
            break;
        }
        if (e->col_need[j] < 0) continue;
        double v = strtod(f, &end);
        if (f[0] == '\0' || *end != '\0')
            return tw_err_set(err, TW_EDATA, "%s:%d: column %zu: expected a number (got '%s')", e->path,
                              ln, j + 1, f);
        e->v[e->col_need[j]] = v;
    }
    if (j != e->n_cols)
        return tw_err_set(err, TW_EDATA, "%s:%d: expected %zu fields (as in the header)", e->path, ln,
                          e->n_cols);
    tw__ens_add(e, e->m - 1, (*di)++);
    return TW_OK;
}

static void tw__ens_free(tw__ens *e) {
    free(e->need);
    free(e->obs_need);
    free(e->col_need);
    free(e->v);
    free(e->pv);
    free(e->acc);
}

/* Stream path (a trajectories.csv) into *acc ([*m][n_obs], caller frees). */
tw_status tw__ensemble(const char *path, const tw__shape *sh, const tw__obs *obs,
                              size_t n_obs, double **acc, size_t *m, tw_err *err) {
    tw__ens e;
    memset(&e, 0, sizeof e);
    e.path = path;
    e.sh = sh;
    e.obs = obs;
    e.n_obs = n_obs;
    e.need = calloc(n_obs, sizeof *e.need);
    e.obs_need = calloc(n_obs, sizeof *e.obs_need);
    e.v = calloc(n_obs, sizeof *e.v);
    e.pv = calloc(n_obs, sizeof *e.pv);
    if (e.need == NULL || e.obs_need == NULL || e.v == NULL || e.pv == NULL) {
        tw__ens_free(&e);
        return tw_err_set(err, TW_ENOMEM, "out of memory");
    }
    for (size_t o = 0; o < n_obs; o++) {
        size_t k = 0;
        while (k < e.n_need && e.need[k] != obs[o].series) k++;
        if (k == e.n_need) e.need[e.n_need++] = obs[o].series;
        e.obs_need[o] = k;
    }
    FILE *fp = tw_gz_open_read(path);
    if (fp == NULL) {
        tw__ens_free(&e);
        return tw_err_set(err, TW_EIO, "%s: cannot open: %s", path, strerror(errno));
    }
    char *line = NULL;
    size_t cap = 0, di = 0;
    int ln = 0;
    tw_status st = TW_OK;
    while (st == TW_OK && getline(&line, &cap, fp) >= 0) {
        tw__chomp(line);
        st = ++ln == 1 ? tw__ens_header(&e, line, err) : tw__ens_row(&e, line, ln, &di, err);
    }
    if (st == TW_OK && ferror(fp)) st = tw_err_set(err, TW_EIO, "%s: read error", path);
    if (st == TW_OK && (e.m == 0 || di != sh->n_dates))
        st = tw_err_set(err, TW_EDATA, "%s: %s", path,
                        e.m == 0 ? "no replicates" : "the last replicate stops before the run's end");
    free(line);
    fclose(fp);
    if (st == TW_OK) {
        for (size_t r = 0; r < e.m; r++)
            for (size_t o = 0; o < n_obs; o++)
                if (!obs[o].flow) e.acc[r * n_obs + o] /= (double)(obs[o].d1 - obs[o].d0 + 1);
        *acc = e.acc;
        *m = e.m;
        e.acc = NULL;
    }
    tw__ens_free(&e);
    return st;
}

