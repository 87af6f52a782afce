/* cli_report.c - the terminal tables printed after a run, rendered from the model's report
 * spec (tw_report.h, the model's `report`), and the monthly arithmetic that compare's
 * timeline shares.
 *
 * Nothing here names a model, a series or a scenario key: the spec says which series form
 * each table with their headings, units and widths, which outcomes the answers are and
 * which keys of the scenario a block reads; this file knows only the kinds of block. It
 * finds series by their labels (so it needs no access to the model's internals) and prints
 * one line a month in the units monthly statistics use: a flow as the month's total of
 * the daily replicate means, a level as the month's mean, times the column's scale. The
 * answers come first: the headline probabilities (cli_headline.c) and a count per
 * replicate against the historical rate the scenario names. Then the monthly table, the
 * weekly table of bands (--tables) with the day a loss starts, the table by destination,
 * the per-replicate outcomes with their units, the table of month ends, and the ruling.
 * A block whose series or outcomes the run lacks is left out; a model without a spec, or
 * whose run lacks a column of the monthly table, gets no report.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_mlmc.h"
#include "tw_report.h"
#include "tw_stats.h"

const tw_report_spec *tw_cli_report_spec(const tw_model *m, const void *params) {
    return m != NULL && m->report != NULL ? m->report(params) : NULL;
}

/* The series labelled l, or -1. */
static long find(const tw_model *m, const void *params, const tw_series_label *l) {
    size_t n = m->n_series(params);
    for (size_t i = 0; i < n; i++) {
        tw_series_label s = m->series(params, i);
        if (strcmp(s.indicator, l->indicator) == 0 && strcmp(s.region, l->region) == 0 &&
            strcmp(s.partner, l->partner) == 0 && strcmp(s.sector, l->sector) == 0)
            return (long)i;
    }
    return -1;
}

static const tw_sketch *report_cell(const tw_batch_stats *res, long series, size_t t) {
    return &res->cells[t * res->n_series + (size_t)series];
}

long tw_cli_outcome_find(const tw_batch_stats *res, const tw_model *m, const void *params,
                        const char *name) {
    for (size_t k = 0; name != NULL && k < res->n_outcomes; k++)
        if (strcmp(m->outcome_name(params, k), name) == 0) return (long)k;
    return -1;
}

/* The node at a dotted key path of the scenario ("section.key"), with its last key in
 * *leaf and the map that holds it returned when leaf is not NULL; NULL where a key on
 * the way is missing (or root is NULL). */
static const tw_cfg_node *report_key(const tw_cfg_node *root, const char *path, const char **leaf) {
    const tw_cfg_node *n = root;
    char key[256];
    while (n != NULL && path != NULL) {
        const char *dot = strchr(path, '.');
        if (dot == NULL && leaf != NULL) {
            *leaf = path;
            return n;
        }
        size_t len = dot != NULL ? (size_t)(dot - path) : strlen(path);
        if (len >= sizeof key) return NULL;
        memcpy(key, path, len);
        key[len] = '\0';
        n = tw_cfg_get(n, key);
        path = dot != NULL ? dot + 1 : NULL;
    }
    return n;
}

/* The 95% Wilson score interval of k successes in n trials (better than the normal
 * approximation near 0 and 1 and with few replicates). */
void tw_cli_wilson(size_t k, size_t n, double *lo, double *hi) {
    const double z = 1.959963984540054;
    double p = (double)k / (double)n, z2n = z * z / (double)n;
    double centre = (p + z2n / 2.0) / (1.0 + z2n);
    double half = z / (1.0 + z2n) * sqrt(p * (1.0 - p) / (double)n + z2n / (4.0 * (double)n));
    *lo = fmax(0.0, centre - half);
    *hi = fmin(1.0, centre + half);
}

bool tw_cli_event_outcome(const tw_report_spec *spec, const char *name) {
    for (size_t k = 0; spec != NULL && k < spec->n_event_outcomes; k++)
        if (strcmp(spec->event_outcomes[k], name) == 0) return true;
    return false;
}

/* true if the scenario has none of the event process's keys, so the outcomes only it
 * moves are not drawn. */
static bool report_scripted(const tw_report_spec *spec, const tw_cfg_node *root) {
    for (size_t k = 0; k < spec->n_event_keys; k++)
        if (tw_cfg_get(root, spec->event_keys[k]) != NULL) return false;
    return true;
}

size_t tw_cli_headline_find(const tw_model *model, const void *params,
                            tw_cli_headline cols[TW_CLI_NHEADLINE]) {
    const tw_report_spec *spec = tw_cli_report_spec(model, params);
    size_t n = spec != NULL ? spec->n_months : 0;
    if (n > TW_CLI_NHEADLINE) n = TW_CLI_NHEADLINE;
    for (size_t c = 0; c < n; c++) {
        const tw_report_column *s = &spec->months[c];
        tw_cli_headline *h = &cols[c];
        h->head = s->head;
        h->prec = s->prec;
        h->idx = find(model, params, &s->series);
        h->flow = s->flow;
        h->scale = s->scale;
        snprintf(h->unit, sizeof h->unit, "%s", s->unit);
    }
    return n;
}

void tw_cli_headline_header(FILE *fp, const tw_cli_headline *cols, size_t n) {
    fprintf(fp, "%-7s  %4s", "month", "days");
    for (size_t c = 0; c < n; c++) fprintf(fp, "  %20s", cols[c].head);
    fprintf(fp, "\n%-7s  %4s", "", "");
    for (size_t c = 0; c < n; c++) fprintf(fp, "  %20s", cols[c].unit);
    fputc('\n', fp);
}

const char *tw_cli_outcome_unit(const tw_report_spec *spec, const char *name) {
    for (size_t k = 0; spec != NULL && k < spec->n_units; k++)
        if (strcmp(spec->units[k].name, name) == 0) return spec->units[k].text;
    return "";
}

tw_cli_month *tw_cli_run_months(const tw_day *dates, size_t n_out, size_t *n) {
    *n = 0;
    if (n_out == 0) return NULL;
    int y0, m0, y1, m1, d;
    tw_civil_from_day(dates[0], &y0, &m0, &d);
    tw_civil_from_day(dates[n_out - 1], &y1, &m1, &d);
    size_t count = (size_t)((y1 * 12 + m1) - (y0 * 12 + m0) + 1);
    tw_cli_month *ms = malloc(count * sizeof *ms);
    if (ms == NULL) return NULL;
    size_t t = 0;
    for (size_t k = 0; k < count; k++) {
        tw_cli_month *m = &ms[k];
        m->year = y0 + (m0 - 1 + (int)k) / 12;
        m->month = (m0 - 1 + (int)k) % 12 + 1;
        m->lo = tw_day_from_civil(m->year, m->month, 1);
        m->hi = m->lo + tw_days_in_month(m->year, m->month) - 1;
        if (m->lo < dates[0]) m->lo = dates[0];
        if (m->hi > dates[n_out - 1]) m->hi = dates[n_out - 1];
        while (t + 1 < n_out && dates[t + 1] <= m->lo) t++;
        m->t0 = t;
        m->t1 = t + 1;
        while (m->t1 < n_out && dates[m->t1] <= m->hi) m->t1++;
    }
    *n = count;
    return ms;
}

/* Month m's value of a series: the total over its days of the replicate means for a
 * flow, their mean for a level, in the series' own unit, each output day counted for the
 * days of the month it stands for; *days: the run's days in the month. */
double tw_cli_month_share(const tw_cli_month *m, const tw_day *dates, size_t n_out, size_t t) {
    tw_day from = dates[t] > m->lo ? dates[t] : m->lo;
    tw_day to = t + 1 < n_out ? dates[t + 1] - 1 : dates[t];
    if (to > m->hi) to = m->hi;
    return to >= from ? (double)(to - from + 1) : 0.0;
}

static double month_mean(const tw_batch_stats *res, long series, const tw_cli_month *m,
                         bool flow, int *days) {
    double sum = 0.0;
    for (size_t t = m->t0; t < m->t1; t++)
        sum += tw_cli_month_share(m, res->dates, res->n_out, t) * report_cell(res, series, t)->mean;
    *days = (int)(m->hi - m->lo) + 1;
    return flow ? sum : sum / (double)*days;
}

/* The share of replicates where a 0/1 outcome happened, with its Wilson interval. */
static void report_share(FILE *fp, const char *what, const tw_sketch *sk, size_t n) {
    size_t hits = (size_t)(sk->n - sk->zeros);
    double lo, hi;
    tw_cli_wilson(hits, n, &lo, &hi);
    fprintf(fp, "  %-52s  %6.3f  [%6.3f, %6.3f]\n", what, (double)hits / (double)n, lo, hi);
}

/* The series of cols (and their companions) into idx[2 * c] and idx[2 * c + 1]; false
 * where the run lacks one. */
static bool cols_find(const tw_model *m, const void *params, const tw_report_col *cols,
                      size_t n, long *idx) {
    for (size_t c = 0; c < n; c++) {
        idx[2 * c] = find(m, params, &cols[c].series);
        idx[2 * c + 1] = cols[c].cell == TW_REPORT_WITH ? find(m, params, &cols[c].with) : 0;
        if (idx[2 * c] < 0 || idx[2 * c + 1] < 0) return false;
    }
    return true;
}

/* The two header lines of cols after a first column (and a second where second is not
 * NULL), each heading right-aligned in its width. */
static void cols_header(FILE *fp, const tw_report_col *cols, size_t n, int w0,
                        const char *first, const char *second, const char *second_sub) {
    for (int line = 0; line < 2; line++) {
        fprintf(fp, "%-*s", w0, line == 0 ? first : "");
        if (second != NULL) fprintf(fp, "  %-10s", line == 0 ? second : second_sub);
        for (size_t c = 0; c < n; c++)
            fprintf(fp, "  %*s", cols[c].width, line == 0 ? cols[c].head : cols[c].sub);
        fputc('\n', fp);
    }
}

/* Column c's cell on output day t (idx from cols_find); value: what a TW_REPORT_MEAN
 * cell shows (NULL: the day's mean). */
static void cell_print(FILE *fp, const tw_batch_stats *res, const tw_report_col *c,
                       const long *idx, size_t t, const double *value) {
    tw_summary sm, with;
    tw_sketch_summary(report_cell(res, idx[0], t), &sm);
    switch (c->cell) {
    case TW_REPORT_BAND:
        fprintf(fp, "  %*.*f [%*.*f, %*.*f]", c->w, c->prec, sm.mean, c->wb, c->prec, sm.q[0],
                c->wb, c->prec, sm.q[2]);
        break;
    case TW_REPORT_WITH:
        tw_sketch_summary(report_cell(res, idx[1], t), &with);
        fprintf(fp, "  %*.*f (%*.*f)", c->w, c->prec, sm.mean, c->wb, c->prec, with.mean);
        break;
    case TW_REPORT_MEAN:
        fprintf(fp, "  %*.*f", c->w, c->prec, value == NULL ? sm.mean : *value);
        break;
    }
}

#define MAX_COLS 32

/* The weekly table of bands with the state most replicates are in (--tables; else its
 * hint), shown while the quiet state is left in some replicate, and the onset block. */
static void report_weekly(FILE *fp, const tw_batch_stats *res, size_t n_rep,
                          const tw_model *m, const void *params, const tw_report_weekly *w,
                          bool tables) {
    long state[MAX_COLS], idx[2 * MAX_COLS];
    if (w->n_states == 0 || w->n_states > MAX_COLS || w->n_cols > MAX_COLS) return;
    for (size_t k = 0; k < w->n_states; k++)
        if ((state[k] = find(m, params, &w->states[k])) < 0) return;
    if (!cols_find(m, params, w->cols, w->n_cols, idx)) return;
    bool left = false;
    for (size_t t = 0; t < res->n_out && !left; t++) left = report_cell(res, state[0], t)->min < 1.0;
    if (!left) return;
    if (tables) {
        bool sparse = res->n_out > 1 && res->dates[1] - res->dates[0] > 7;
        fprintf(fp, "\n%s (%s; bands p05-p95 across %zu replicates)\n", w->title,
                sparse ? "every output day" : "weekly", n_rep);
        cols_header(fp, w->cols, w->n_cols, 10, "date", w->state_head, "(most)");
        tw_day shown = res->dates[0]; /* the last row's date: rows at least a week apart */
        for (size_t t = 0; t < res->n_out; t++) {
            if (t > 0 && res->dates[t] - shown < 7 && t + 1 != res->n_out) continue;
            shown = res->dates[t];
            char date[TW_DATE_STRLEN];
            size_t most = 0;
            for (size_t k = 1; k < w->n_states; k++)
                if (report_cell(res, state[k], t)->mean > report_cell(res, state[most], t)->mean) most = k;
            fprintf(fp, "%-10s  %-10s", tw_date_format(res->dates[t], date), w->state_names[most]);
            for (size_t c = 0; c < w->n_cols; c++)
                cell_print(fp, res, &w->cols[c], &idx[2 * c], t, NULL);
            fputc('\n', fp);
        }
    } else {
        fprintf(fp, "\n%s\n", w->hint);
    }
    long first = tw_cli_outcome_find(res, m, params, w->onset_outcome), rows[MAX_COLS];
    if (first < 0 || w->n_onset_rows > MAX_COLS) return;
    for (size_t i = 0; i < w->n_onset_rows; i++)
        if ((rows[i] = tw_cli_outcome_find(res, m, params, w->onset_rows[i].outcome)) < 0) return;
    const tw_sketch *fs = &res->outcomes[first];
    if (fs->n == 0) {
        fprintf(fp, "\n%s in any of %zu replicates.\n", w->onset_never, n_rep);
        return;
    }
    tw_summary sm;
    tw_sketch_summary(fs, &sm);
    char d50[TW_DATE_STRLEN], d05[TW_DATE_STRLEN], d95[TW_DATE_STRLEN];
    tw_day d0 = res->dates[0];
    fprintf(fp, "\n%s in %llu of %zu replicates:\n  on %s (median; day %.0f of the run), "
                "p05-p95 %s to %s\n", w->onset_starts, (unsigned long long)fs->n, n_rep,
            tw_date_format(d0 + (tw_day)floor(sm.q[1] + 0.5), d50), sm.q[1],
            tw_date_format(d0 + (tw_day)floor(sm.q[0] + 0.5), d05),
            tw_date_format(d0 + (tw_day)floor(sm.q[2] + 0.5), d95));
    for (size_t i = 0; i < w->n_onset_rows; i++) {
        tw_sketch_summary(&res->outcomes[rows[i]], &sm);
        fprintf(fp, "  %-50s %8.1f %-6s (median %.1f, p05-p95 %.1f to %.1f)\n",
                w->onset_rows[i].what, sm.mean, w->onset_rows[i].unit, sm.q[1], sm.q[0], sm.q[2]);
    }
}

/* The table by destination, monthly, shown while some destination's gate falls below 1;
 * all destinations' flows against the yearly reference the scenario gives (or the
 * spec's default) over the month's days. */
static void report_dest(FILE *fp, const tw_batch_stats *res, const tw_model *m,
                        const void *params, const tw_report_dest *ds, const tw_cfg_node *root) {
    enum { F = TW_REPORT_FLOWS };
    long level[MAX_COLS], flow[MAX_COLS][F];
    const tw_report_dest_row *row[MAX_COLS];
    size_t n = 0; /* the destinations of the run's world, in the spec's order */
    bool left = false;
    if (ds->n_rows > MAX_COLS) return;
    for (size_t r = 0; r < ds->n_rows; r++) {
        const tw_report_dest_row *d = &ds->rows[r];
        long g = find(m, params, &d->gate), lv = find(m, params, &d->level), fl[F];
        bool have = g >= 0 && lv >= 0;
        for (int f = 0; f < F; f++) have &= (fl[f] = find(m, params, &d->flows[f])) >= 0;
        if (!have) continue;
        for (size_t t = 0; t < res->n_out; t++) left |= report_cell(res, g, t)->min < 1.0;
        row[n] = d;
        level[n] = lv;
        memcpy(flow[n++], fl, sizeof fl);
    }
    if (!left) return;
    tw_err e;
    memset(&e, 0, sizeof e);
    double total = ds->ref_default;
    const char *leaf = NULL;
    const tw_cfg_node *ex = report_key(root, ds->ref_key, &leaf);
    if (ex != NULL &&
        tw_cfg_double(ex, leaf, false, total, 0.0, ds->ref_max, &total, &e) != TW_OK)
        return;
    size_t nm;
    tw_cli_month *ms = tw_cli_run_months(res->dates, res->n_out, &nm);
    if (ms == NULL) return;
    fprintf(fp, "\n%s\n(%.0f %s)\n%-7s", ds->title, total, ds->ref_unit, "month");
    for (size_t r = 0; r < n; r++) fprintf(fp, "  %8s %9s", row[r]->level_head, row[r]->flow_head);
    fprintf(fp, "  %9s  %9s\n", ds->total_head, ds->ratio_head);
    for (size_t mo = 0; mo < nm; mo++) {
        int days = 0;
        double all = 0.0;
        fprintf(fp, "%04d-%02d", ms[mo].year, ms[mo].month);
        for (size_t r = 0; r < n; r++) {
            double t = 0.0;
            for (int f = 0; f < F; f++) t += month_mean(res, flow[r][f], &ms[mo], true, &days);
            all += t;
            fprintf(fp, "  %8.1f %9.0f", month_mean(res, level[r], &ms[mo], false, &days), t);
        }
        double ref = total * (double)days / 365.0; /* the reference over the month's days */
        fprintf(fp, "  %9.0f  %9.1f\n", all, ref > 0.0 ? 100.0 * all / ref : 0.0);
    }
    free(ms);
}

/* The monthly table of flows, where the run has every series. */
static void report_flows(FILE *fp, const tw_batch_stats *res, size_t n_rep, const tw_model *m,
                         const void *params, const tw_report_flows *fl) {
    long idx[2 * MAX_COLS];
    if (fl->n_cols == 0 || fl->n_cols > MAX_COLS || res->n_out == 0) return;
    if (!cols_find(m, params, fl->cols, fl->n_cols, idx)) return;
    size_t nm;
    tw_cli_month *ms = tw_cli_run_months(res->dates, res->n_out, &nm);
    if (ms == NULL) return;
    fprintf(fp, "\n%s (%zu replicates)\n", fl->title, n_rep);
    cols_header(fp, fl->cols, fl->n_cols, 7, "month", NULL, NULL);
    for (size_t mo = 0; mo < nm; mo++) {
        fprintf(fp, "%04d-%02d", ms[mo].year, ms[mo].month);
        for (size_t c = 0; c < fl->n_cols; c++) {
            const tw_report_col *col = &fl->cols[c];
            int days = 0;
            double v = col->scale * month_mean(res, idx[2 * c], &ms[mo], col->flow, &days);
            cell_print(fp, res, col, &idx[2 * c], ms[mo].t1 - 1, &v);
        }
        fputc('\n', fp);
    }
    free(ms);
}

/* true if the scenario's list me->list has an entry whose me->field is me->value. */
static bool report_listed(const tw_report_monthend *me, const tw_cfg_node *root) {
    const tw_cfg_node *l = report_key(root, me->list, NULL);
    for (size_t k = 0; l != NULL && tw_cfg_kind_of(l) == TW_CFG_SEQ && k < tw_cfg_len(l); k++) {
        const char *v = tw_cfg_text(tw_cfg_get(tw_cfg_at(l, k), me->field));
        if (v != NULL && me->value != NULL && strcmp(v, me->value) == 0) return true;
    }
    return false;
}

/* The table of month ends, shown where a watched series moves during the run or the
 * scenario lists the entry the spec names, and then the share of its outcome. */
static void report_monthend(FILE *fp, const tw_batch_stats *res, size_t n_rep,
                            const tw_model *m, const void *params,
                            const tw_report_monthend *me, const tw_cfg_node *root) {
    long idx[2 * MAX_COLS];
    if (me->n_cols == 0 || me->n_cols > MAX_COLS || res->n_out == 0) return;
    if (!cols_find(m, params, me->cols, me->n_cols, idx)) return;
    bool listed = report_listed(me, root), moved = false;
    for (size_t t = 1; t < res->n_out && !moved; t++)
        for (size_t c = 0; c < me->n_cols; c++)
            moved |= me->cols[c].watch && fabs(report_cell(res, idx[2 * c], t)->max -
                                               report_cell(res, idx[2 * c], 0)->max) > 1e-9;
    if (!moved && !listed) return;
    size_t nm;
    tw_cli_month *ms = tw_cli_run_months(res->dates, res->n_out, &nm);
    if (ms == NULL) return;
    fprintf(fp, "\n%s (%zu replicates)%s\n", me->title, n_rep, me->caption);
    cols_header(fp, me->cols, me->n_cols, 7, "month", NULL, NULL);
    for (size_t mo = 0; mo < nm; mo++) {
        size_t t = ms[mo].t1 - 1; /* the output day that stands for the month's last */
        fprintf(fp, "%04d-%02d", ms[mo].year, ms[mo].month);
        for (size_t c = 0; c < me->n_cols; c++) {
            const tw_report_col *col = &me->cols[c];
            int days = 0;
            double v = col->scale * month_mean(res, idx[2 * c], &ms[mo], col->flow, &days);
            cell_print(fp, res, col, &idx[2 * c], t, col->cell == TW_REPORT_MEAN ? &v : NULL);
        }
        fputc('\n', fp);
    }
    free(ms);
    long hit = tw_cli_outcome_find(res, m, params, me->share_outcome);
    if (listed && hit >= 0) report_share(fp, me->share_text, &res->outcomes[hit], n_rep);
}

/* A count per replicate over the days of a window (from the scenario's key, else the
 * first day) against the historical rate the scenario gives with its source. */
static void report_rate(FILE *fp, const tw_batch_stats *res, const tw_model *m,
                        const void *params, const tw_report_rate *rt, const tw_cfg_node *root) {
    long k = tw_cli_outcome_find(res, m, params, rt->outcome);
    if (report_key(root, rt->section, NULL) == NULL || k < 0 || res->n_out == 0) return;
    tw_err e;
    memset(&e, 0, sizeof e);
    tw_day first = res->dates[0], last = res->dates[res->n_out - 1], from = first;
    const char *leaf = NULL, *rate_leaf = NULL, *source_leaf = NULL;
    const tw_cfg_node *at = report_key(root, rt->from, &leaf);
    if (at == NULL || tw_cfg_date(at, leaf, false, first, &from, &e) != TW_OK || from < first)
        from = first;
    double days = from <= last ? (double)(last - from + 1) : 0.0;
    tw_summary sm;
    tw_sketch_summary(&res->outcomes[k], &sm);
    char d0[TW_DATE_STRLEN], d1[TW_DATE_STRLEN];
    fprintf(fp, "\n%s, %s to %s (%.0f days): mean %.2f, median %.0f, p05-p95 %.0f to %.0f\n",
            rt->what, tw_date_format(from, d0), tw_date_format(last, d1), days, sm.mean, sm.q[1],
            sm.q[0], sm.q[2]);
    const tw_cfg_node *rn = report_key(root, rt->rate, &rate_leaf);
    const tw_cfg_node *sn = report_key(root, rt->source, &source_leaf);
    double per_year = 0.0;
    const char *source = NULL;
    if (rn == NULL || sn == NULL ||
        tw_cfg_double(rn, rate_leaf, true, 0.0, 0.0, 365.0, &per_year, &e) != TW_OK ||
        tw_cfg_string(sn, source_leaf, true, NULL, &source, &e) != TW_OK) {
        fprintf(fp, "  %s\n", rt->no_rate);
        return;
    }
    fprintf(fp, "  historical rate %.2f a year = %.2f %s over these days\n  source: %s\n",
            per_year, per_year * days / 365.25, rt->counted, source);
}

/* text with each {key|default} replaced by the scenario's value of that key under
 * section (the default where it has none), into out[cap]. */
static void fill(char *out, size_t cap, const char *text, const tw_cfg_node *section) {
    size_t n = 0;
    out[0] = '\0';
    for (const char *p = text; *p != '\0' && n + 1 < cap;) {
        const char *close = *p == '{' ? strchr(p, '}') : NULL, *bar = NULL;
        if (close != NULL) bar = memchr(p, '|', (size_t)(close - p));
        if (bar == NULL) {
            out[n++] = *p++;
            continue;
        }
        char key[256];
        size_t len = (size_t)(bar - p - 1);
        const char *v = NULL;
        if (len < sizeof key) {
            memcpy(key, p + 1, len);
            key[len] = '\0';
            v = tw_cfg_text(report_key(section, key, NULL));
        }
        int w = v != NULL ? snprintf(out + n, cap - n, "%s", v)
                          : snprintf(out + n, cap - n, "%.*s", (int)(close - bar - 1), bar + 1);
        n += w > 0 ? (size_t)w : 0;
        if (n >= cap) n = cap - 1;
        p = close + 1;
    }
    out[n] = '\0';
}

/* The dated ruling: when it comes, the shares of its results, and a series' band on the
 * day its window opens and the last day. A scenario with the ruling's parent section but
 * not the ruling says so. */
static void report_ruling(FILE *fp, const tw_batch_stats *res, size_t n_rep,
                          const tw_model *m, const void *params, const tw_report_ruling *ru,
                          const tw_cfg_node *root) {
    const tw_cfg_node *sec = report_key(root, ru->section, NULL);
    long day = tw_cli_outcome_find(res, m, params, ru->day_outcome), share[MAX_COLS];
    long band = find(m, params, &ru->band);
    if (report_key(root, ru->parent, NULL) == NULL || day < 0 || band < 0 || res->n_out == 0 ||
        ru->n_shares > MAX_COLS)
        return;
    for (size_t k = 0; k < ru->n_shares; k++)
        if ((share[k] = tw_cli_outcome_find(res, m, params, ru->shares[k].name)) < 0) return;
    if (sec == NULL) {
        fprintf(fp, "\n%s: none in this scenario (%s; %s)\n", ru->none_what, ru->section,
                ru->none_hint);
        return;
    }
    tw_err e;
    memset(&e, 0, sizeof e);
    tw_day d0 = res->dates[0], from = d0;
    const char *leaf = NULL;
    const tw_cfg_node *at = report_key(root, ru->from, &leaf);
    if (at == NULL || tw_cfg_date(at, leaf, true, d0, &from, &e) != TW_OK || from < d0) from = d0;
    fprintf(fp, "\n%s (%s; %zu replicates)\n", ru->title, ru->section, n_rep);
    const tw_sketch *ds = &res->outcomes[day];
    if (ds->n > 0) {
        tw_summary sm;
        tw_sketch_summary(ds, &sm);
        char a[TW_DATE_STRLEN], b[TW_DATE_STRLEN], c[TW_DATE_STRLEN];
        fprintf(fp, "  %-52s  %s  [%s, %s]   (median, p05-p95; %llu of %zu replicates)\n",
                ru->day_text, tw_date_format(d0 + (tw_day)lround(sm.q[1]), a),
                tw_date_format(d0 + (tw_day)lround(sm.q[0]), b),
                tw_date_format(d0 + (tw_day)lround(sm.q[2]), c), (unsigned long long)ds->n, n_rep);
    } else {
        fprintf(fp, "  %s\n", ru->day_none);
    }
    for (size_t k = 0; k < ru->n_shares; k++) {
        char what[96];
        fill(what, sizeof what, ru->shares[k].text, sec);
        report_share(fp, what, &res->outcomes[share[k]], n_rep);
    }
    size_t t0 = 0;
    while (t0 + 1 < res->n_out && res->dates[t0] < from) t0++;
    char a[TW_DATE_STRLEN], b[TW_DATE_STRLEN];
    size_t ts[2] = {t0, res->n_out - 1};
    for (int i = 0; i < 2; i++) {
        tw_summary sm;
        tw_sketch_summary(report_cell(res, band, ts[i]), &sm);
        if (i == 0)
            fprintf(fp, "  %s, mean [p05, p95]: %s", ru->band_head, tw_date_format(res->dates[t0], a));
        else
            fprintf(fp, ";  %s", tw_date_format(res->dates[ts[1]], b));
        fprintf(fp, "  %8.2f [%8.2f, %8.2f]", sm.mean, sm.q[0], sm.q[2]);
    }
    fputc('\n', fp);
}

void tw_cli_report(FILE *fp, const tw_batch_stats *res, size_t n_rep, const tw_model *model,
                   const void *params, const tw_drivers *dr, const tw_cfg_node *root,
                   bool tables, const tw_cli_mlmc *ml) {
    const tw_report_spec *spec = tw_cli_report_spec(model, params);
    tw_cli_headline cols[TW_CLI_NHEADLINE];
    size_t nc = tw_cli_headline_find(model, params, cols);
    if (nc == 0) return; /* a model without a report */
    for (size_t c = 0; c < nc; c++)
        if (cols[c].idx < 0) return; /* a run without the monthly table's series */
    bool scripted = report_scripted(spec, root);
    /* The answers first: the headline probabilities and the count against its rate. */
    if (res->n_outcomes > 0) {
        tw_cli_report_headline(fp, res, n_rep, model, params, dr, scripted, ml);
        if (spec->rate != NULL) report_rate(fp, res, model, params, spec->rate, root);
    }
    size_t nm;
    tw_cli_month *ms = tw_cli_run_months(res->dates, res->n_out, &nm);
    if (ms == NULL) return;
    fprintf(fp, "\nBy month: means across %zu replicates of each month's total (flows) or mean "
                "(levels)\n", n_rep);
    if (res->n_out > 1 && res->dates[1] - res->dates[0] > 1)
        fprintf(fp, "(written every %d days: each output day stands for the days up to the "
                    "next)\n", (int)(res->dates[1] - res->dates[0]));
    tw_cli_headline_header(fp, cols, nc);
    for (size_t m = 0; m < nm; m++) {
        int days = 0;
        fprintf(fp, "%04d-%02d", ms[m].year, ms[m].month);
        for (size_t c = 0; c < nc; c++) {
            double v = month_mean(res, cols[c].idx, &ms[m], cols[c].flow, &days);
            if (c == 0) fprintf(fp, "  %4d", days);
            fprintf(fp, "  %20.*f", cols[c].prec, cols[c].scale * v);
        }
        fputc('\n', fp);
    }
    free(ms);
    if (spec->weekly != NULL) report_weekly(fp, res, n_rep, model, params, spec->weekly, tables);
    if (spec->flows != NULL) report_flows(fp, res, n_rep, model, params, spec->flows);
    if (spec->dest != NULL) report_dest(fp, res, model, params, spec->dest, root);
    if (res->n_outcomes > 0) {
        fprintf(fp, "\n%-34s  %-16s  %12s  %12s  %12s   (%zu replicates)\n",
                "per-replicate outcome", "unit", "mean", "p05", "p95", n_rep);
        size_t n_drawn = model->n_drawn != NULL ? model->n_drawn(params) : 0;
        bool marked = false;
        for (size_t k = 0; k + n_drawn < res->n_outcomes; k++) {
            tw_summary sm;
            tw_sketch_summary(&res->outcomes[k], &sm);
            const char *name = model->outcome_name(params, k);
            const char *unit = tw_cli_outcome_unit(spec, name);
            if (scripted && tw_cli_event_outcome(spec, name)) {
                fprintf(fp, "%-34s  %-16s  %12s  %12s  %12s\n", name, unit, "scripted", "-", "-");
                marked = true;
                continue;
            }
            fprintf(fp, "%-34s  %-16s  %12.4g  %12.4g  %12.4g\n", name, unit, sm.mean, sm.q[0],
                    sm.q[2]);
        }
        if (marked && spec->scripted_note != NULL) fprintf(fp, "%s\n", spec->scripted_note);
    }
    if (spec->monthend != NULL)
        report_monthend(fp, res, n_rep, model, params, spec->monthend, root);
    if (res->n_outcomes > 0 && spec->ruling != NULL)
        report_ruling(fp, res, n_rep, model, params, spec->ruling, root);
}
