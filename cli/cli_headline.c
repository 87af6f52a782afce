/* cli_headline.c - the headline probabilities of the terminal summary (cli_report.c): each
 * 0/1 outcome's share of replicates with its Wilson interval, or an adaptive run's
 * multilevel estimate (cli_mlmc.h), with the drawn parameters that drive it underneath.
 * Which outcomes, what each says, the dated outcome under them and the drawn parameters'
 * words come from the model's report spec (tw_report.h: its headline).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_mlmc.h"
#include "tw_report.h"
#include "tw_stats.h"

/* A drawn parameter in words (its key path when the model gives none). */
static const char *param_words(const tw_report_headline *h, const char *key) {
    for (size_t k = 0; k < h->n_words; k++)
        if (strcmp(h->words[k].name, key) == 0) return h->words[k].text;
    return key;
}

/* The drawn parameters with the largest first-order indices for outcome, those of at
 * least 0.1 whose bootstrap interval excludes 0, at most three, largest first; how many.
 * *varies: some index exists. */
static int headline_top(const tw_drivers *dr, const char *outcome, size_t top[3], bool *varies) {
    int nt = 0;
    *varies = false;
    for (size_t p = 0; dr != NULL && p < dr->n_par; p++) {
        const tw_driver *d = tw_drivers_get(dr, outcome, p);
        if (d == NULL || isnan(d->index)) continue;
        *varies = true;
        if (d->index < 0.1 || !(d->lo > 0.0)) continue; /* within noise */
        int at = nt < 3 ? nt++ : 3;
        while (at > 0 && tw_drivers_get(dr, outcome, top[at - 1])->index < d->index) {
            if (at < 3) top[at] = top[at - 1];
            at--;
        }
        if (at < 3) top[at] = p;
    }
    return nt;
}

/* true if one of the top drivers of outcome ranges over an assumption. */
static bool headline_assumed(const tw_drivers *dr, const char *outcome, const tw_model *m,
                             const void *params) {
    size_t top[3];
    bool varies;
    int nt = headline_top(dr, outcome, top, &varies);
    for (int k = 0; k < nt && m->drawn_assumed != NULL; k++)
        if (m->drawn_assumed(params, top[k])) return true;
    return false;
}

/* Under a headline line, its top drivers, each in the spec's words: "mostly <words>
 * (S1 0.71)", "driven by <words> (S1 0.33) and <words> (0.18)". */
static void report_drivers(FILE *fp, const tw_drivers *dr, const tw_report_headline *h,
                           const char *outcome) {
    if (dr == NULL || dr->n_par == 0 || tw_drivers_get(dr, outcome, 0) == NULL) return;
    size_t top[3];
    bool varies;
    int nt = headline_top(dr, outcome, top, &varies);
    if (nt == 0) {
        fprintf(fp, "    %s\n", varies ? "no drawn parameter explains it (Monte Carlo noise)"
                                       : "the same in every replicate: no draw within the ranges changes it");
        return;
    }
    fprintf(fp, "    %s", nt == 1 && tw_drivers_get(dr, outcome, top[0])->index >= 0.5 ? "mostly "
                                                                                   : "driven by ");
    for (int k = 0; k < nt; k++) {
        const tw_driver *d = tw_drivers_get(dr, outcome, top[k]);
        fprintf(fp, "%s%s (%s%.2f)", k == 0 ? "" : (k + 1 == nt ? " and " : ", "),
                param_words(h, dr->par_names[top[k]]), k == 0 ? "S1 " : "", d->index);
    }
    fputc('\n', fp);
}

/* Headline probabilities of the spec's 0/1 outcomes: the share of replicates where each
 * happened (its sketch counts the zeros exactly, so the non-zero values are the
 * replicates where it happened), with its Wilson interval, and the median date of the
 * spec's dated outcome. Printed only when something happened in some replicate (scripted
 * scenarios have no events). */
void tw_cli_report_headline(FILE *fp, const tw_batch_stats *res, size_t n, const tw_model *model,
                            const void *params, const tw_drivers *dr, bool scripted,
                            const tw_cli_mlmc *ml) {
    const tw_report_spec *spec = tw_cli_report_spec(model, params);
    if (spec == NULL) return;
    const tw_report_headline *h = &spec->headline;
    const tw_report_words *rows = h->probs;
    enum { MAXROW = 64 };
    size_t nrow = h->n_probs < MAXROW ? h->n_probs : MAXROW;
    long idx[MAXROW];
    size_t hits[MAXROW];
    bool any = false;
    for (size_t k = 0; k < nrow; k++) {
        idx[k] = tw_cli_outcome_find(res, model, params, rows[k].name);
        hits[k] = 0;
        if (idx[k] < 0) continue;
        const tw_sketch *sk = &res->outcomes[idx[k]];
        hits[k] = (size_t)(sk->n - sk->zeros);
        any |= hits[k] > 0;
    }
    long call = tw_cli_outcome_find(res, model, params, h->first_outcome);
    const tw_sketch *cs = call >= 0 ? &res->outcomes[call] : NULL;
    size_t ncall = cs != NULL ? (size_t)cs->n : 0;
    if (!any && ncall == 0) return;
    bool marked = false;
    if (ml != NULL)
        tw_cli_mlmc_head(fp, ml);
    else
        fprintf(fp, "\n%-56s  %11s  %17s   (%zu replicates)\n", "headline probabilities",
                "probability", "95% CI (Wilson)", n);
    for (size_t k = 0; k < nrow; k++) {
        if (idx[k] < 0) continue;
        if (scripted && tw_cli_event_outcome(spec, rows[k].name)) {
            fprintf(fp, "%-56s  %11s\n", rows[k].text, "scripted");
            continue;
        }
        double lo, hi;
        tw_cli_wilson(hits[k], n, &lo, &hi);
        bool assumed = headline_assumed(dr, rows[k].name, model, params);
        marked |= assumed;
        if (ml != NULL)
            tw_cli_mlmc_line(fp, ml, rows[k].text, assumed);
        else
            fprintf(fp, "%-56s  %11.3f  [%6.3f, %6.3f]%s\n", rows[k].text,
                    (double)hits[k] / (double)n, lo, hi, assumed ? " *" : "");
        report_drivers(fp, dr, h, rows[k].name);
    }
    if (ncall > 0) {
        tw_summary sm;
        tw_sketch_summary(cs, &sm);
        char d50[TW_DATE_STRLEN], d05[TW_DATE_STRLEN], d95[TW_DATE_STRLEN];
        tw_day d0 = res->dates[0];
        fprintf(fp, "%-56s  %11s  [%s, %s]   (p05, p95; %zu of %zu replicates %s)\n",
                h->first_text, tw_date_format(d0 + (tw_day)lround(sm.q[1]), d50),
                tw_date_format(d0 + (tw_day)lround(sm.q[0]), d05),
                tw_date_format(d0 + (tw_day)lround(sm.q[2]), d95), ncall, n, h->first_had);
    }
    if (ml != NULL) tw_cli_mlmc_foot(fp, ml);
    if (dr != NULL && dr->n_par > 0)
        fprintf(fp, "intervals cover Monte Carlo error only; see drivers for what the answer depends on%s\n",
                marked ? "\n* driven by an assumed range (a distribution marked assumed: true or "
                         "given without a source)"
                       : "");
}
