/* cli_score_input.c - the inputs of `tradewar score`: the run's shape (its series and output
 * days, from OUTDIR/summary.csv), the observed file (every row checked against that shape,
 * the first bad one refused with file:line:col), and the ensemble (each replicate's series
 * aggregated to each observed period while streaming trajectories.csv, so memory stays at
 * one accumulator per observation and replicate whatever the file's size).
 */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
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

static bool grow(void **p, size_t *cap, size_t need, size_t el) {
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
static char *cut(char *s) {
    char *c = strchr(s, ',');
    if (c == NULL) return NULL;
    *c = '\0';
    return c + 1;
}

static void chomp(char *s) {
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r')) s[--n] = '\0';
}

tw_status tw__regular(const char *path, const char *hint, tw_err *err) {
    const char *kind;
    int fd = tw_csv_open_regular(path, &kind);
    if (fd >= 0) {
        close(fd);
        return TW_OK;
    }
    if (kind != NULL)
        return tw_err_set(err, TW_EUSAGE, "score: %s: is %s, not a regular file (score reads its "
                                          "inputs from files)", path, kind);
    return tw_err_set(err, TW_EUSAGE, "score: %s: cannot open: %s%s", path, strerror(errno), hint);
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
    free(sh->mean);
    memset(sh, 0, sizeof *sh);
}

/* ---- the run's shape, streamed from summary.csv ---- */

static tw_status shape_row(tw__shape *sh, char *line, const char *path, int ln, tw_err *err) {
    char *f[6];
    f[0] = line;
    for (int k = 1; k < 6; k++)
        if ((f[k] = cut(f[k - 1])) == NULL)
            return tw_err_set(err, TW_EDATA, "%s:%d: expected date,indicator,region,partner,sector,"
                                             "mean,...", path, ln);
    cut(f[5]);
    char *end;
    double mean = strtod(f[5], &end);
    if (f[5][0] == '\0' || *end != '\0')
        return tw_err_set(err, TW_EDATA, "%s:%d: mean: expected a number (got '%s')", path, ln, f[5]);
    if (!grow((void **)&sh->mean, &sh->cap_mean, sh->n_mean + 1, sizeof *sh->mean))
        return tw_err_set(err, TW_ENOMEM, "out of memory");
    tw_day d;
    if (!tw_date_parse(f[0], &d))
        return tw_err_set(err, TW_EDATA, "%s:%d: expected a date YYYY-MM-DD (got '%s')", path, ln, f[0]);
    if (sh->n_dates == 0 || d != sh->dates[sh->n_dates - 1]) {
        if (sh->n_dates > 0 && d < sh->dates[sh->n_dates - 1])
            return tw_err_set(err, TW_EDATA, "%s:%d: dates out of order", path, ln);
        if (!grow((void **)&sh->dates, &sh->cap_dates, sh->n_dates + 1, sizeof *sh->dates))
            return tw_err_set(err, TW_ENOMEM, "out of memory");
        sh->dates[sh->n_dates++] = d;
    }
    if (sh->n_dates > 1) {
        /* Every output day lists the first day's series in the same order. */
        size_t s = sh->n_mean - (sh->n_dates - 1) * sh->n_series;
        bool same = s < sh->n_series;
        for (int k = 0; k < 4 && same; k++) same = strcmp(tw__label(sh, s, k), f[k + 1]) == 0;
        if (!same)
            return tw_err_set(err, TW_EDATA, "%s:%d: expected the series of the first output day "
                                             "in the same order", path, ln);
        sh->mean[sh->n_mean++] = mean;
        return TW_OK;
    }
    sh->mean[sh->n_mean++] = mean;
    if (!grow((void **)&sh->lab, &sh->cap_lab, (sh->n_series + 1) * 4, sizeof *sh->lab))
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
    tw_status st = tw__regular(path, " (score takes the output directory of a tradewar run)", err);
    if (st != TW_OK) return st;
    FILE *fp = tw_gz_open_read(path);
    if (fp == NULL) return tw_err_set(err, TW_EIO, "%s: cannot open: %s", path, strerror(errno));
    char *line = NULL;
    size_t cap = 0;
    int ln = 0;
    while (st == TW_OK && getline(&line, &cap, fp) >= 0) {
        chomp(line);
        if (++ln == 1) {
            if (strncmp(line, "date,indicator,region,partner,sector,", 37) != 0)
                st = tw_err_set(err, TW_EDATA, "%s:1: not a summary.csv header", path);
            continue;
        }
        st = shape_row(sh, line, path, ln, err);
    }
    if (st == TW_OK && ferror(fp)) st = tw_err_set(err, TW_EIO, "%s: read error", path);
    if (st == TW_OK && sh->n_dates == 0) st = tw_err_set(err, TW_EDATA, "%s: no rows", path);
    if (st == TW_OK && sh->n_mean != sh->n_dates * sh->n_series)
        st = tw_err_set(err, TW_EDATA, "%s: the last output day lists %zu of %zu series", path,
                        sh->n_mean - (sh->n_dates - 1) * sh->n_series, sh->n_series);
    free(line);
    fclose(fp);
    if (st != TW_OK) tw__shape_free(sh);
    return st;
}

/* The series labelled lab[0..4); -1 when there is none, with *matched the most leading
 * labels any series shares with lab (which label is the wrong one). */
static long find(const tw__shape *sh, const char *const lab[4], int *matched) {
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
static const char *period_of(const char *s, tw__period p, tw_day *d0, tw_day *d1) {
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

/* The columns score reads: the six it needs, then unit (optional). */
const char *const tw__obs_cols[7] = {"date",   "indicator", "region", "partner",
                                            "sector", "value",     "unit"};

bool tw__decimal(const char *s) {
    size_t digits = 0;
    if (*s == '+' || *s == '-') s++;
    for (; isdigit((unsigned char)*s); s++) digits++;
    if (*s == '.')
        for (s++; isdigit((unsigned char)*s); s++) digits++;
    if (digits == 0) return false;
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-') s++;
        if (!isdigit((unsigned char)*s)) return false;
        while (isdigit((unsigned char)*s)) s++;
    }
    return *s == '\0';
}

/* Row r of t as an observation; refuses it with file:line:col. */
static tw_status obs_row(const tw_csv *t, size_t r, const int idx[7], const tw__sargs *a,
                         const tw__shape *sh, tw__obs *o, tw_err *err) {
    const char *path = tw_csv_path(t);
    int line = tw_csv_line(t, r);
#define AT(k) path, line, tw_csv_colno(t, r, (size_t)idx[k]), tw__obs_cols[k]
    const char *f[7];
    for (int k = 0; k < 7; k++) f[k] = idx[k] >= 0 ? tw_csv_field(t, r, (size_t)idx[k]) : "";
    o->line = line;
    const char *why = period_of(f[0], a->period, &o->d0, &o->d1);
    if (why != NULL) return tw_err_at(err, TW_EDATA, AT(0), "%s (got '%s')", why, f[0]);
    tw_day first = sh->dates[0], last = sh->dates[sh->n_dates - 1];
    if (o->d0 < first || o->d1 > last) {
        char p0[TW_DATE_STRLEN], p1[TW_DATE_STRLEN], r0[TW_DATE_STRLEN], r1[TW_DATE_STRLEN];
        return tw_err_at(err, TW_EDATA, AT(0),
                         "the period %s to %s is not inside the run (%s to %s); a period must "
                         "lie wholly inside it", tw_date_format(o->d0, p0), tw_date_format(o->d1, p1),
                         tw_date_format(first, r0), tw_date_format(last, r1));
    }
    tw__agg agg = tw__agg_of(f[1]);
    if (agg == TW__CODE)
        return tw_err_at(err, TW_EDATA, AT(1),
                         "'%s' is a categorical code: its average over a period is no quantity, "
                         "and score refuses it", f[1]);
    int matched;
    long s = find(sh, f + 1, &matched);
    if (s < 0) {
        const tw_measure_info *out;
        size_t n_out = tw_trade_outcome_list(&out);
        for (size_t i = 0; matched == 0 && i < n_out; i++)
            if (strcmp(out[i].name, f[1]) == 0)
                return tw_err_at(err, TW_EDATA, AT(0), "'%s' is an outcome of the whole run: "
                                 "leave its date empty (got '%s')", f[1], f[0]);
        if (matched == 0)
            return tw_err_at(err, TW_EDATA, AT(1), "unknown indicator '%s' (see summary.csv)",
                             f[1]);
        char prefix[1024] = "";
        for (int k = 1; k <= matched; k++)
            snprintf(prefix + strlen(prefix), sizeof prefix - strlen(prefix), "%s%s", k > 1 ? "." : "", f[k]);
        return tw_err_at(err, TW_EDATA, AT(1 + matched),
                         "the run has no %s series with %s '%s' (see summary.csv)", prefix,
                         tw__obs_cols[1 + matched], f[1 + matched]);
    }
    if (!tw__decimal(f[5]))
        return tw_err_at(err, TW_EDATA, AT(5), "expected a decimal number such as 12.5 or "
                         "-3e4 (got '%s')", f[5]);
    /* Underflow is no error: a subnormal (or a value rounded to 0) is finite. */
    o->given = strtod(f[5], NULL);
    if (!isfinite(o->given))
        return tw_err_at(err, TW_EDATA, AT(5), "'%s' is beyond the range of a double", f[5]);
    char buf[512];
    if ((why = tw__unit_convert(f[1], f[6], o->d0, o->d1, f[5], &o->y, buf, sizeof buf)) != NULL)
        return tw_err_at(err, TW_EDATA, AT(6), "%s", why);
    if (f[6][0] != '\0' && (o->unit_given = strdup(f[6])) == NULL)
        return tw_err_set(err, TW_ENOMEM, "out of memory");
    o->series = (size_t)s;
    o->flow = agg == TW__FLOW;
    return TW_OK;
#undef AT
}

/* The columns' indices (unit: -1 when absent); refuses a missing or repeated one. */
static tw_status obs_header(const tw_csv *t, const char *path, int idx[7], tw_err *err) {
    for (int k = 0; k < 7; k++) {
        idx[k] = -1;
        for (size_t c = 0; c < tw_csv_cols(t); c++) {
            if (strcmp(tw_csv_header(t, c), tw__obs_cols[k]) != 0) continue;
            if (idx[k] >= 0)
                return tw_err_at(err, TW_EDATA, path, 1, tw_csv_header_colno(t, c), NULL,
                                 "column '%s' appears twice (columns %d and %zu): which one holds "
                                 "the data is ambiguous", tw__obs_cols[k], idx[k] + 1, c + 1);
            idx[k] = (int)c;
        }
        if (idx[k] < 0 && k < 6)
            return tw_err_at(err, TW_EDATA, path, 1, 1, NULL,
                             "missing column '%s' (expected date,indicator,region,partner,sector,"
                             "value, and optionally unit and source)", tw__obs_cols[k]);
    }
    return TW_OK;
}

void tw__obs_free(tw__obs *obs, size_t n) {
    for (size_t i = 0; obs != NULL && i < n; i++) free(obs[i].unit_given);
    free(obs);
}

tw_status tw__obs_read(const tw__sargs *a, const tw__shape *sh, tw__obs **out, size_t *n,
                       tw__ev **ev_out, size_t *n_ev, tw_err *err) {
    *out = NULL;
    *n = 0;
    *ev_out = NULL;
    *n_ev = 0;
    tw_status st = tw__regular(a->observed, "", err);
    if (st != TW_OK) return st;
    tw_csv *t;
    if ((st = tw_csv_read(a->observed, &t, err)) != TW_OK) return st;
    int idx[7];
    st = obs_header(t, a->observed, idx, err);
    size_t rows = tw_csv_rows(t), firsts = 0, no = 0, ne = 0;
    if (st == TW_OK && rows == 0)
        st = tw_err_set(err, TW_EDATA, "%s: no observations (a header and no rows)", a->observed);
    tw__obs *obs = st == TW_OK ? calloc(rows, sizeof *obs) : NULL;
    tw__ev *ev = st == TW_OK ? calloc(rows, sizeof *ev) : NULL;
    if (st == TW_OK && (obs == NULL || ev == NULL)) st = tw_err_set(err, TW_ENOMEM, "out of memory");
    for (size_t r = 0; r < rows && st == TW_OK; r++) {
        const char *date = tw_csv_field(t, r, (size_t)idx[0]);
        if (date[0] == '\0') { /* an event outcome of the whole run */
            const char *f[7];
            int col[7];
            for (int k = 0; k < 7; k++) {
                f[k] = idx[k] >= 0 ? tw_csv_field(t, r, (size_t)idx[k]) : "";
                col[k] = idx[k] >= 0 ? tw_csv_colno(t, r, (size_t)idx[k]) : 0;
            }
            st = tw__ev_row(a->observed, tw_csv_line(t, r), f, col, ev, ne, &ev[ne], err);
            ne++;
            continue;
        }
        st = obs_row(t, r, idx, a, sh, &obs[no], err);
        firsts += strlen(date) == 10 && strcmp(date + 7, "-01") == 0;
        for (size_t q = 0; q < no && st == TW_OK; q++)
            if (obs[q].series == obs[no].series && obs[q].d0 == obs[no].d0 && obs[q].d1 == obs[no].d1)
                st = tw_err_at(err, TW_EDATA, a->observed, obs[no].line,
                               tw_csv_colno(t, r, (size_t)idx[0]), "date",
                               "duplicate of line %d (the same series and period)", obs[q].line);
        no++;
    }
    tw_csv_free(t);
    if (st != TW_OK) {
        tw__obs_free(obs, rows);
        free(ev);
        return st;
    }
    if (a->period == TW__P_AUTO && no >= 2 && firsts == no)
        fprintf(stderr, "tradewar: warning: %s: every date is the first of a month, and each is "
                        "scored as that day alone; if the values are monthly, add --period month\n",
                a->observed);
    *out = obs;
    *n = no;
    *ev_out = ev;
    *n_ev = ne;
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
    /* [n_dates][n_need] each output day's sum and largest |value| over the replicates, and
     * whether one was not finite: their mean is checked against summary.csv's */
    double *tsum, *tmax;
    unsigned char *tbad;
} ens;

static tw_status ens_header(ens *e, char *line, tw_err *err) {
    if (strncmp(line, "replicate,date,", 15) != 0)
        return tw_err_set(err, TW_EDATA, "%s:1: not a trajectories.csv header", e->path);
    size_t cap = 0;
    for (char *f = line; f != NULL; e->n_cols++) {
        char *next = cut(f);
        if (!grow((void **)&e->col_need, &cap, e->n_cols + 1, sizeof *e->col_need))
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
static void ens_add(ens *e, size_t r, size_t di) {
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
static tw_status ens_row(ens *e, char *line, int ln, size_t *di, tw_err *err) {
    char *f = line, *next = cut(f);
    char *end;
    errno = 0;
    long long r = strtoll(f, &end, 10);
    bool ok = next != NULL && f[0] != '\0' && *end == '\0' && errno == 0 && r >= 0;
    if (ok && (size_t)r == e->m) { /* a new replicate */
        if (e->m > 0 && *di != e->sh->n_dates)
            return tw_err_set(err, TW_EDATA, "%s:%d: replicate %zu stops after %zu of %zu output days",
                              e->path, ln, e->m - 1, *di, e->sh->n_dates);
        if (!grow((void **)&e->acc, &e->cap_acc, (e->m + 1) * e->n_obs, sizeof *e->acc))
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
    next = f ? cut(f) : NULL;
    if (f == NULL || *di >= e->sh->n_dates || !tw_date_parse(f, &d) || d != e->sh->dates[*di]) {
        char want[TW_DATE_STRLEN];
        return tw_err_set(err, TW_EDATA, "%s:%d: expected the output day %s (as in summary.csv)",
                          e->path, ln, *di < e->sh->n_dates ? tw_date_format(e->sh->dates[*di], want) : "(none)");
    }
    size_t j = 2;
    for (f = next; f != NULL; f = next, j++) {
        next = cut(f);
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
    for (size_t k = 0, at = *di * e->n_need; k < e->n_need; k++, at++) {
        if (!isfinite(e->v[k])) {
            e->tbad[at] = 1;
            continue;
        }
        e->tsum[at] += e->v[k];
        e->tmax[at] = fmax(e->tmax[at], fabs(e->v[k]));
    }
    ens_add(e, e->m - 1, (*di)++);
    return TW_OK;
}

static void ens_free(ens *e) {
    free(e->need);
    free(e->obs_need);
    free(e->col_need);
    free(e->v);
    free(e->pv);
    free(e->acc);
    free(e->tsum);
    free(e->tmax);
    free(e->tbad);
}

/* The replicates' mean of every series scored, every output day, against summary.csv's:
 * both come from the same values, written to 10 digits, so they agree to 1e-8 of the
 * largest value unless the trajectories are another run's (another seed, replicate count
 * or scenario). */
static tw_status ens_check(const ens *e, tw_err *err) {
    const tw__shape *sh = e->sh;
    for (size_t di = 0; di < sh->n_dates; di++)
        for (size_t k = 0; k < e->n_need; k++) {
            size_t at = di * e->n_need + k;
            double mt = e->tsum[at] / (double)e->m, ms = sh->mean[di * sh->n_series + e->need[k]];
            if (e->tbad[at] || !isfinite(ms) || fabs(mt - ms) <= 1e-8 * e->tmax[at]) continue;
            char name[1024], d[TW_DATE_STRLEN];
            return tw_err_set(err, TW_EDATA,
                              "%s: the mean of its %zu replicates of %s on %s is %.10g, and "
                              "summary.csv says %.10g: these trajectories are not the run's (another "
                              "seed or scenario?); score the trajectories.csv its run wrote, or use "
                              "--rerun", e->path, e->m, tw__name(sh, e->need[k], name, sizeof name),
                              tw_date_format(sh->dates[di], d), mt, ms);
        }
    return TW_OK;
}

/* Stream path (a trajectories.csv) into *acc ([*m][n_obs], caller frees). */
tw_status tw__ensemble(const char *path, const tw__shape *sh, const tw__obs *obs,
                              size_t n_obs, double **acc, size_t *m, tw_err *err) {
    ens e;
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
        ens_free(&e);
        return tw_err_set(err, TW_ENOMEM, "out of memory");
    }
    for (size_t o = 0; o < n_obs; o++) {
        size_t k = 0;
        while (k < e.n_need && e.need[k] != obs[o].series) k++;
        if (k == e.n_need) e.need[e.n_need++] = obs[o].series;
        e.obs_need[o] = k;
    }
    e.tsum = calloc(e.n_need * sh->n_dates, sizeof *e.tsum);
    e.tmax = calloc(e.n_need * sh->n_dates, sizeof *e.tmax);
    e.tbad = calloc(e.n_need * sh->n_dates, sizeof *e.tbad);
    if (e.tsum == NULL || e.tmax == NULL || e.tbad == NULL) {
        ens_free(&e);
        return tw_err_set(err, TW_ENOMEM, "out of memory");
    }
    tw_status st = tw__regular(path, "", err);
    FILE *fp = st == TW_OK ? tw_gz_open_read(path) : NULL;
    if (fp == NULL) {
        ens_free(&e);
        return st != TW_OK ? st : tw_err_set(err, TW_EIO, "%s: cannot open: %s", path, strerror(errno));
    }
    char *line = NULL;
    size_t cap = 0, di = 0;
    int ln = 0;
    while (st == TW_OK && getline(&line, &cap, fp) >= 0) {
        chomp(line);
        st = ++ln == 1 ? ens_header(&e, line, err) : ens_row(&e, line, ln, &di, err);
    }
    if (st == TW_OK && ferror(fp)) st = tw_err_set(err, TW_EIO, "%s: read error", path);
    if (st == TW_OK && (e.m == 0 || di != sh->n_dates))
        st = tw_err_set(err, TW_EDATA, "%s: %s", path,
                        e.m == 0 ? "no replicates" : "the last replicate stops before the run's end");
    if (st == TW_OK) st = ens_check(&e, err);
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
    ens_free(&e);
    return st;
}

