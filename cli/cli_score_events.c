/* cli_score_events.c - event outcomes in `tradewar score`: an observed 0/1 outcome or count
 * of the whole run (snap_back, truce_extensions, ...) held against the run's replicates.
 *
 * An event row of OBSERVED.csv leaves date, region, partner and sector empty and names an
 * outcome of replicates.csv in `indicator`; that empty date is what tells it from a series
 * row, so no row can be read as both. The forecast is the replicates' empirical
 * distribution of the outcome, over the replicates where it applies: a replicate whose
 * value is nan (the outcome did not arise there) or `scripted` (a scenario without an
 * event process: its truces and calls are dated tariff entries, nothing draws them) is
 * left out and counted. A 0/1 outcome scores the Brier score (p - o)^2 of the share p of
 * replicates with 1 and the log score -ln(probability of what happened); a count scores
 * the ranked probability score over the integers (the sum over k of (F(k) - 1{o <= k})^2,
 * equal to the CRPS of the empirical distribution) and the log score of the observed
 * count. Each log score's probability is kept inside [1/(2m), 1 - 1/(2m)] for m
 * replicates: an ensemble that never saw what happened says "less than one in m", not
 * "impossible", and an infinite score would drown every other. A 0/1 outcome is also
 * scored against a climatology: by default a fair coin, p = 0.5 (Brier 0.25, log score
 * ln 2), the forecast of a reader who knows nothing but that the outcome may or may not
 * happen; with --climatology FILE each outcome's base rate (from a record of decision
 * points, say), which a forecast must beat to be worth its model. A count has none.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <gsl/gsl_sort.h>

#include "cli.h"
#include "cli_score_internal.h"
#include "tw_config.h"
#include "tw_csvread.h"
#include "tw_output.h"
#include "tw_score.h"
#include "tw_stats.h"
#include "tw_trade.h"

/* The climatology of a 0/1 outcome without --climatology: a fair coin. */
#define EV_CLIMATOLOGY 0.5
/* The largest count read: counts are exact in a double up to 2^53. */
#define EV_COUNT_MAX 9007199254740992.0

/* What kind of outcome the dictionary's entry m is. */
static tw__evkind ev_kind(const tw_measure_info *m) {
    if (strcmp(m->unit, "0/1") == 0) return TW__EV_BINARY;
    if (m->aggregation != TW_AGG_SUM || m->unit[0] == '\0') return TW__EV_NONE;
    for (const char *c = m->unit; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z'))) return TW__EV_NONE;
    return TW__EV_COUNT;
}

/* The outcomes score takes (only_binary: its 0/1 outcomes), "a, b, c" (for messages). */
static const char *ev_known(char *buf, size_t n, bool only_binary) {
    const tw_measure_info *out;
    size_t n_out = tw_trade_outcome_list(&out), len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n_out; i++) {
        tw__evkind k = ev_kind(&out[i]);
        if (k != TW__EV_NONE && (!only_binary || k == TW__EV_BINARY) && len < n)
            len += (size_t)snprintf(buf + len, n - len, "%s%s", len ? ", " : "", out[i].name);
    }
    return buf;
}

static const char *ev_kindname(tw__evkind k) { return k == TW__EV_BINARY ? "0/1" : "count"; }

tw_status tw__ev_row(const char *path, int line, const char *const f[7], const int col[7],
                     const tw__ev *prev, size_t n_prev, tw__ev *e, tw_err *err) {
#define AT(k) path, line, col[k], tw__obs_cols[k]
    memset(e, 0, sizeof *e);
    e->line = line;
    e->col = col[1];
    const tw_measure_info *out, *ind;
    size_t n_out = tw_trade_outcome_list(&out), n_ind = tw_trade_indicator_list(&ind);
    char known[768];
    size_t i = 0;
    while (i < n_out && strcmp(out[i].name, f[1]) != 0) i++;
    if (i == n_out) {
        for (size_t j = 0; j < n_ind; j++)
            if (strcmp(ind[j].name, f[1]) == 0)
                return tw_err_at(err, TW_EDATA, AT(0), "'%s' is a series: its row needs a "
                                 "date (a row with an empty date is an outcome of the whole run)",
                                 f[1]);
        return tw_err_at(err, TW_EDATA, AT(1), "unknown outcome '%s' (a row with an empty "
                         "date is an outcome of replicates.csv; score takes %s)", f[1],
                         ev_known(known, sizeof known, false));
    }
    e->outcome = i;
    e->kind = ev_kind(&out[i]);
    if (e->kind == TW__EV_NONE)
        return tw_err_at(err, TW_EDATA, AT(1), "'%s' is an outcome in %s, neither 0/1 nor a "
                         "count (score takes %s)", f[1], out[i].unit, ev_known(known, sizeof known, false));
    for (int k = 2; k <= 4; k++)
        if (f[k][0] != '\0')
            return tw_err_at(err, TW_EDATA, AT(k), "expected empty: %s is an outcome of the "
                             "whole run, which has no %s (got '%s')", f[1], tw__obs_cols[k], f[k]);
    bool whole = tw__decimal(f[5]);
    e->y = whole ? strtod(f[5], NULL) : NAN;
    whole = whole && e->y >= 0.0 && e->y <= EV_COUNT_MAX && e->y == floor(e->y);
    if (e->kind == TW__EV_BINARY && !(whole && e->y <= 1.0))
        return tw_err_at(err, TW_EDATA, AT(5), "expected 0 or 1: %s is a 0/1 outcome (got "
                         "'%s')", f[1], f[5]);
    if (e->kind == TW__EV_COUNT && !whole)
        return tw_err_at(err, TW_EDATA, AT(5), "expected a count, a whole number 0 or more: "
                         "%s counts %s (got '%s')", f[1], out[i].unit, f[5]);
    if (f[6][0] != '\0' && strcasecmp(f[6], out[i].unit) != 0)
        return tw_err_at(err, TW_EDATA, AT(6), "expected '%s' (the unit of %s) or none "
                         "(got '%s')", out[i].unit, f[1], f[6]);
    for (size_t q = 0; q < n_prev; q++)
        if (prev[q].outcome == e->outcome)
            return tw_err_at(err, TW_EDATA, AT(1), "duplicate of line %d (the same outcome)",
                             prev[q].line);
    return TW_OK;
#undef AT
}

tw_status tw__ev_climatology(const char *path, const char *observed, tw__ev *ev, size_t n,
                             tw_err *err) {
    for (size_t i = 0; i < n; i++) ev[i].clim_p = ev[i].kind == TW__EV_BINARY ? EV_CLIMATOLOGY : NAN;
    if (path == NULL) return TW_OK;
    tw_status st = tw__regular(path, "", err);
    tw_csv *t = NULL;
    if (st == TW_OK) st = tw_csv_read(path, &t, err);
    if (st != TW_OK) return st;
    int c[2] = {tw_csv_col(t, "outcome"), tw_csv_col(t, "probability")};
    if (c[0] < 0 || c[1] < 0)
        st = tw_err_at(err, TW_EDATA, path, 1, 1, NULL, "expected the columns outcome and "
                       "probability (and any others, ignored)");
    const tw_measure_info *out;
    size_t n_out = tw_trade_outcome_list(&out);
    int *seen = calloc(n_out + 1, sizeof *seen); /* the line that gave each outcome */
    if (st == TW_OK && seen == NULL) st = tw_err_set(err, TW_ENOMEM, "out of memory");
    char known[768];
    for (size_t r = 0; st == TW_OK && r < tw_csv_rows(t); r++) {
        const char *name = tw_csv_field(t, r, (size_t)c[0]), *v = tw_csv_field(t, r, (size_t)c[1]);
        int line = tw_csv_line(t, r), c0 = tw_csv_colno(t, r, (size_t)c[0]);
        size_t k = 0;
        while (k < n_out && strcmp(out[k].name, name) != 0) k++;
        double p = tw__decimal(v) ? strtod(v, NULL) : NAN;
        if (k == n_out || ev_kind(&out[k]) != TW__EV_BINARY) {
            st = tw_err_at(err, TW_EDATA, path, line, c0, "outcome", "%s '%s' (a climatology is "
                           "of 0/1 outcomes: %s)", k == n_out ? "unknown outcome" : "not a 0/1 "
                           "outcome:", name, ev_known(known, sizeof known, true));
        } else if (seen[k] > 0) {
            st = tw_err_at(err, TW_EDATA, path, line, c0, "outcome", "duplicate of line %d (the "
                           "same outcome)", seen[k]);
        } else if (!(p > 0.0 && p < 1.0)) {
            st = tw_err_at(err, TW_EDATA, path, line, tw_csv_colno(t, r, (size_t)c[1]),
                           "probability", "expected a number strictly between 0 and 1 (a "
                           "climatology of 0 or 1 has an infinite log score when wrong; got '%s')", v);
        } else {
            seen[k] = line;
            for (size_t i = 0; i < n; i++)
                if (ev[i].outcome == k) ev[i].clim_p = p;
        }
    }
    for (size_t i = 0; st == TW_OK && i < n; i++)
        if (ev[i].kind == TW__EV_BINARY && seen[ev[i].outcome] == 0)
            st = tw_err_at(err, TW_EDATA, observed, ev[i].line, ev[i].col, "indicator",
                           "%s has no climatology in %s (it needs a row outcome,probability for "
                           "every observed 0/1 outcome)", out[ev[i].outcome].name, path);
    free(seen);
    tw_csv_free(t);
    return st;
}

/* Whether the recorded scenario has no event process (no governments:, events: or
 * third_parties:); false when OUTDIR has no scenario.yaml (a directory put together by
 * hand: then only `scripted` in replicates.csv says so). */
static tw_status ev_scripted(const char *outdir, bool *scripted, tw_err *err) {
    char path[8192];
    snprintf(path, sizeof path, "%s/scenario.yaml", outdir);
    *scripted = false;
    if (access(path, F_OK) != 0) return TW_OK;
    tw_cfg *cfg;
    tw_status st = tw_cfg_load(path, &cfg, err);
    if (st != TW_OK) return st;
    const tw_cfg_node *root = tw_cfg_root(cfg);
    *scripted = tw_cfg_get(root, "governments") == NULL && tw_cfg_get(root, "events") == NULL &&
                tw_cfg_get(root, "third_parties") == NULL;
    tw_cfg_free(cfg);
    return TW_OK;
}

/* The ranked probability score of the sorted counts x[0..m) at y: the sum over every
 * integer k of (F(k) - 1{y <= k})^2, F the share of x at most k. Both steps are constant
 * between the values that occur, so the sum runs over those stretches. */
static double ev_rps(const double *x, size_t m, double y) {
    double rps = 0.0, at = fmin(x[0], y);
    size_t i = 0;
    while (at < fmax(x[m - 1], y)) {
        while (i < m && x[i] <= at) i++;
        double next = i < m ? x[i] : INFINITY;
        if (y > at) next = fmin(next, y);
        double d = (double)i / (double)m - (y <= at ? 1.0 : 0.0);
        rps += (next - at) * d * d;
        at = next;
    }
    return rps;
}

/* Score e against the sorted values x[0..m) of the replicates where it applies. */
static void ev_point(tw__ev *e, const double *x, size_t m) {
    double sum = 0.0, lo = 1.0 / (2.0 * (double)m), hit = 0.0;
    for (size_t r = 0; r < m; r++) {
        sum += x[r];
        hit += x[r] == e->y;
    }
    e->m = m;
    e->mean = sum / (double)m;
    e->p05 = tw_quantile_sorted(x, m, 0.05);
    e->p95 = tw_quantile_sorted(x, m, 0.95);
    e->p_obs = fmin(fmax(hit / (double)m, lo), 1.0 - lo);
    e->logs = -log(e->p_obs);
    e->p = e->brier = e->rps = e->clim_brier = e->clim_log = NAN;
    if (e->kind == TW__EV_BINARY) {
        e->p = e->mean;
        e->brier = tw_score_brier(e->p, e->y);
        e->clim_brier = tw_score_brier(e->clim_p, e->y);
        e->clim_log = tw_score_log01(e->clim_p, e->y, 0.0);
    } else {
        e->rps = ev_rps(x, m, e->y);
    }
}

/* Event e's column of replicates.csv into x (the replicates where it applies, sorted);
 * refuses a value that is not the outcome's kind with replicates.csv:line:col. */
static tw_status ev_values(const tw_csv *t, int c, bool scripted, tw__ev *e, double *x,
                           size_t *m, tw_err *err) {
    const tw_measure_info *out;
    tw_trade_outcome_list(&out);
    const char *name = out[e->outcome].name;
    bool drawn = !(scripted && tw_cli_event_outcome(tw_trade_model.report(NULL), name));
    *m = 0;
    e->m_out = 0;
    for (size_t r = 0; r < tw_csv_rows(t); r++) {
        const char *s = tw_csv_field(t, r, (size_t)c);
        if (!drawn || strcmp(s, "scripted") == 0 || strcmp(s, "nan") == 0 || s[0] == '\0') {
            e->m_out++;
            continue;
        }
        char *end;
        double v = strtod(s, &end);
        bool ok = *end == '\0' && v >= 0.0 && v <= EV_COUNT_MAX && v == floor(v) &&
                  (e->kind == TW__EV_COUNT || v <= 1.0);
        if (!ok)
            return tw_err_at(err, TW_EDATA, tw_csv_path(t), tw_csv_line(t, r), tw_csv_colno(t, r, (size_t)c),
                             name, "expected %s, nan or scripted (got '%s')",
                             e->kind == TW__EV_BINARY ? "0 or 1" : "a whole number 0 or more", s);
        x[(*m)++] = v;
    }
    gsl_sort(x, 1, *m);
    return TW_OK;
}

tw_status tw__ev_score(const char *outdir, const char *observed, tw__ev *ev, size_t n,
                       size_t *m, tw_err *err) {
    char path[8192];
    snprintf(path, sizeof path, "%s/replicates.csv", outdir);
    bool scripted;
    tw_status st = tw__regular(path, " (every run writes replicates.csv)", err);
    if (st == TW_OK) st = ev_scripted(outdir, &scripted, err);
    tw_csv *t = NULL;
    if (st == TW_OK) st = tw_csv_read(path, &t, err);
    if (st != TW_OK) return st;
    *m = tw_csv_rows(t);
    double *x = calloc(*m + 1, sizeof *x);
    if (x == NULL) st = tw_err_set(err, TW_ENOMEM, "out of memory");
    if (st == TW_OK && *m == 0) st = tw_err_set(err, TW_EDATA, "%s: no replicates", path);
    const tw_measure_info *out;
    tw_trade_outcome_list(&out);
    for (size_t i = 0; i < n && st == TW_OK; i++) {
        const char *name = out[ev[i].outcome].name;
        int c = tw_csv_col(t, name);
        if (c < 0) {
            st = tw_err_set(err, TW_EDATA, "%s: no column '%s' (a run of another program "
                            "version? run the scenario again)", path, name);
            break;
        }
        size_t k;
        if ((st = ev_values(t, c, scripted, &ev[i], x, &k, err)) != TW_OK) break;
        if (k == 0 && scripted && tw_cli_event_outcome(tw_trade_model.report(NULL), name))
            st = tw_err_at(err, TW_EDATA, observed, ev[i].line, ev[i].col, "indicator",
                           "the run marks %s scripted in all its %zu replicates: its scenario "
                           "has no event process (no governments:, events: or third_parties:), "
                           "so nothing drew it and there is no forecast to score", name, *m);
        else if (k == 0)
            st = tw_err_at(err, TW_EDATA, observed, ev[i].line, ev[i].col, "indicator",
                           "%s does not apply in any of the run's %zu replicates (nan or "
                           "scripted in %s), so there is no forecast to score", name, *m, path);
        else
            ev_point(&ev[i], x, k);
    }
    free(x);
    tw_csv_free(t);
    return st;
}

/* ---- the overall rows: the mean of each score over the events of one kind ---- */

static tw__ev ev_overall(const tw__ev *ev, size_t n, tw__evkind kind, size_t *count) {
    tw__ev s;
    memset(&s, 0, sizeof s);
    s.kind = kind;
    double *acc[] = {&s.brier, &s.rps, &s.logs, &s.clim_brier, &s.clim_log};
    *count = 0;
    for (size_t i = 0; i < n; i++) {
        if (ev[i].kind != kind) continue;
        const double v[] = {ev[i].brier, ev[i].rps, ev[i].logs, ev[i].clim_brier, ev[i].clim_log};
        for (size_t k = 0; k < 5; k++) *acc[k] += v[k];
        (*count)++;
    }
    for (size_t k = 0; k < 5; k++) *acc[k] /= (double)*count;
    s.y = s.p = s.mean = s.p05 = s.p95 = s.p_obs = s.clim_p = NAN;
    return s;
}

/* ---- score_events.csv and the table ---- */

static void ev_line(FILE *fp, const tw__ev *e, size_t count) {
    const tw_measure_info *out;
    tw_trade_outcome_list(&out);
    char b[40];
    if (count == 0)
        fprintf(fp, "%d,%s,%s,%s,1,%zu,%zu", e->line, out[e->outcome].name,
                ev_kindname(e->kind), tw__num(b, e->y), e->m, e->m_out);
    else
        fprintf(fp, ",overall,%s,nan,%zu,,", ev_kindname(e->kind), count);
    const double v[] = {e->p, e->mean, e->p05, e->p95, e->p_obs, e->brier, e->rps, e->logs,
                        e->clim_p, e->clim_brier, e->clim_log};
    for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) fprintf(fp, ",%s", tw__num(b, v[k]));
    fputc(',', fp);
    tw_csv_put(fp, count == 0 ? out[e->outcome].unit : "");
    fputc('\n', fp);
}

tw_status tw__ev_write(const char *dir, const tw__ev *ev, size_t n, tw_err *err) {
    char path[8192];
    snprintf(path, sizeof path, "%s/score_events.csv", dir);
    tw_afile *f;
    tw_status st = tw_afile_open(path, &f, err);
    if (st != TW_OK) return st;
    FILE *fp = tw_afile_fp(f);
    fputs("line,outcome,kind,observed,n,m,m_excluded,p,mean,p05,p95,p_observed,brier,rps,"
          "log_score,clim_p,clim_brier,clim_log,unit\n", fp);
    for (size_t i = 0; i < n; i++) ev_line(fp, &ev[i], 0);
    for (int k = TW__EV_BINARY; k <= TW__EV_COUNT; k++) {
        size_t count;
        tw__ev s = ev_overall(ev, n, (tw__evkind)k, &count);
        if (count > 0) ev_line(fp, &s, count);
    }
    return tw_afile_commit(f, err);
}

void tw__ev_count(const tw__ev *ev, size_t n, char *buf, size_t len) {
    size_t nb = 0;
    for (size_t i = 0; i < n; i++) nb += ev[i].kind == TW__EV_BINARY;
    if (n == 0) buf[0] = '\0';
    else if (nb == n) snprintf(buf, len, "%zu event%s (0/1)", n, n == 1 ? "" : "s");
    else if (nb == 0) snprintf(buf, len, "%zu event%s (count%s)", n, n == 1 ? "" : "s", n == 1 ? "" : "s");
    else snprintf(buf, len, "%zu events (%zu 0/1, %zu count%s)", n, nb, n - nb, n - nb == 1 ? "" : "s");
}

void tw__ev_print(const tw__ev *ev, size_t n) {
    const tw_measure_info *out;
    tw_trade_outcome_list(&out);
    printf("%-28s %5s %8s %4s %4s %8s %11s %7s %7s %7s %7s %6s %7s %7s  %s\n", "event", "kind",
           "observed", "m", "excl", "forecast", "90% band", "P(obs)", "Brier", "RPS", "log",
           "clim p", "cBrier", "clog", "unit");
    for (size_t i = 0; i < n; i++) {
        const tw__ev *e = &ev[i];
        char band[64] = "";
        if (e->kind == TW__EV_COUNT) snprintf(band, sizeof band, "%.4g-%.4g", e->p05, e->p95);
        printf("%-28s %5s %8.6g %4zu %4zu %8.4g %11s %7.4f %7.4f %7.4f %7.4f %6.3f %7.4f %7.4f  %s\n",
               out[e->outcome].name, ev_kindname(e->kind), e->y, e->m, e->m_out, e->mean,
               band, e->p_obs, e->brier, e->rps, e->logs, e->clim_p, e->clim_brier, e->clim_log,
               out[e->outcome].unit);
    }
    for (int k = TW__EV_BINARY; k <= TW__EV_COUNT; k++) {
        size_t count;
        tw__ev s = ev_overall(ev, n, (tw__evkind)k, &count);
        if (count == 0) continue;
        char name[64];
        snprintf(name, sizeof name, "overall (%zu event%s)", count, count == 1 ? "" : "s");
        printf("%-28s %5s %8s %4s %4s %8s %11s %7s %7.4f %7.4f %7.4f %6s %7.4f %7.4f\n", name,
               ev_kindname((tw__evkind)k), "", "", "", "", "", "", s.brier, s.rps, s.logs, "",
               s.clim_brier, s.clim_log);
    }
    printf("forecast: a 0/1 outcome's probability (the share of the m replicates with 1; excl: "
           "where it does\n  not apply, nan or scripted) or a count's mean; P(obs): the "
           "probability of what happened, kept\n  inside [1/(2m), 1 - 1/(2m)], its log score "
           "-ln P(obs); cBrier, clog: the scores of the climatology's\n  clim p (0.5 without "
           "--climatology)\n");
}
