/* cli_mlmc.c - adaptive, multilevel replication of `tradewar run` (cli_mlmc.h).
 *
 * Every rank runs its share of each chunk (tw_chunk_run_spread); rank 0 folds the gathered
 * replicates into the estimator in replicate order and decides the next round, which it
 * broadcasts, so the rounds and their samples do not depend on threads, ranks or chunks.
 */
#define _POSIX_C_SOURCE 200809L
#include "cli_mlmc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli_batch.h"
#include "tw_batch.h"
#include "tw_mpi.h"
#include "tw_output.h"
#include "tw_report.h"

bool tw_cli_mlmc_wanted(const tw_cli_args *a, const tw_cli_scenario *sc) {
    return !a->has_replicates && a->until == NULL && sc->sweep == NULL &&
           tw_cfg_get(tw_cfg_root(sc->cfg), "replicates") == NULL;
}

int64_t tw_cli_mlmc_max_full(const tw_cli_args *a) {
    int64_t b = a->has_budget ? (int64_t)a->budget : TW_CLI_MLMC_BUDGET;
    return b > TW_CLI_MLMC_PILOT ? b : TW_CLI_MLMC_PILOT;
}

/* firms.per_cell and rare_earths.per_cell as the model reads them: the rare-earth users
 * are stepped whether or not the scenario has a rare_earths: section, at 2000 a cell by
 * default (tw_re_params_load). */
static void per_cell(const tw_cli_scenario *sc, int64_t *firms, int64_t *rare) {
    tw_err e;
    const tw_cfg_node *root = tw_cfg_root(sc->cfg);
    if (tw_cfg_int(tw_cfg_get(root, "firms"), "per_cell", false, 10000, 1, INT64_MAX, firms,
                   &e) != TW_OK)
        *firms = 10000;
    if (tw_cfg_int(tw_cfg_get(root, "rare_earths"), "per_cell", false, 2000, 1, INT64_MAX,
                   rare, &e) != TW_OK)
        *rare = 2000;
}

/* Where one replicate's quantities come from: a probability's outcome, or a flow's month
 * total, the sum over the month's output days of each day's value times the days of the
 * month it stands for (tw_cli_month_share, the rule of the terminal's monthly tables). */
typedef struct {
    long outcome[TW_CLI_MLMC_MAXQ]; /* >= 0: an indicator of this outcome */
    size_t series[TW_CLI_MLMC_MAXQ];
    double scale[TW_CLI_MLMC_MAXQ];
    const tw_cli_month *month[TW_CLI_MLMC_MAXQ]; /* a flow's month (in months) */
    const tw_day *dates;                         /* [n_out] the output days */
    size_t n_out;
    tw_cli_month *months; /* every month of the run (tw_cli_run_months); owned */
} qmap;

/* The quantities of sc's model (rank 0 and the others alike). TW_ENOMEM. */
static tw_status quantities(const tw_cli_scenario *sc, tw_cli_mlmc *ml, qmap *qm,
                            const tw_day *dates, size_t n_out, tw_err *err) {
    size_t nq = 0, n_oc = sc->model->n_outcomes(sc->params);
    const tw_report_spec *spec = tw_cli_report_spec(sc->model, sc->params);
    for (size_t k = 0; spec != NULL && k < spec->headline.n_probs; k++)
        for (size_t o = 0; o < n_oc && nq < TW_CLI_MLMC_MAXQ; o++)
            if (strcmp(sc->model->outcome_name(sc->params, o), spec->headline.probs[k].name) == 0) {
                qm->outcome[nq] = (long)o;
                ml->name[nq++] = spec->headline.probs[k].text;
            }
    ml->n_prob = nq;
    tw_cli_headline cols[TW_CLI_NHEADLINE];
    size_t nc = tw_cli_headline_find(sc->model, sc->params, cols);
    size_t nm;
    qm->dates = dates;
    qm->n_out = n_out;
    qm->months = tw_cli_run_months(dates, n_out, &nm);
    if (qm->months == NULL) return tw_err_set(err, TW_ENOMEM, "out of memory");
    for (size_t c = 0; c < nc; c++) {
        if (cols[c].idx < 0 || !cols[c].flow) continue;
        for (size_t m = 0; m < nm && nq < TW_CLI_MLMC_MAXQ; m++) {
            qm->outcome[nq] = -1;
            qm->series[nq] = (size_t)cols[c].idx;
            qm->scale[nq] = cols[c].scale;
            qm->month[nq] = &qm->months[m];
            ml->month[nq][0] = qm->months[m].year;
            ml->month[nq][1] = qm->months[m].month;
            ml->name[nq++] = cols[c].head;
        }
    }
    ml->n_q = nq;
    return TW_OK;
}

/* Replicate i of ch as quantities. */
static void values(const qmap *qm, size_t nq, const tw_chunk *ch, size_t i, double *q) {
    const double *oc = ch->outcomes + i * ch->n_outcomes;
    const double *x = ch->series + i * ch->n_out * ch->n_series;
    for (size_t k = 0; k < nq; k++) {
        if (qm->outcome[k] >= 0) {
            double v = oc[qm->outcome[k]];
            q[k] = isnan(v) || v == 0.0 ? 0.0 : 1.0;
            continue;
        }
        const tw_cli_month *m = qm->month[k];
        double s = 0.0;
        for (size_t t = m->t0; t < m->t1; t++)
            s += tw_cli_month_share(m, qm->dates, qm->n_out, t) * x[t * ch->n_series + qm->series[k]];
        q[k] = qm->scale[k] * s;
    }
}

/* The scenario of level 0: sc's file and --set with the firm counts divided. */
static tw_status load_coarse(const tw_cli_args *a, const tw_cli_mlmc *ml,
                             tw_cli_scenario *coarse, tw_err *err) {
    tw_cli_args c = *a;
    static char sf[64], sr[64];
    snprintf(sf, sizeof sf, "firms.per_cell=%lld", (long long)ml->firms[0]);
    snprintf(sr, sizeof sr, "rare_earths.per_cell=%lld", (long long)ml->rare[0]);
    if (c.n_sets + 2 > TW_CLI_MAX_SETS)
        return tw_err_set(err, TW_EUSAGE, "--set: at most %d overrides with adaptive "
                                          "replication (give -n)", TW_CLI_MAX_SETS - 2);
    c.sets[c.n_sets++] = sf;
    c.sets[c.n_sets++] = sr;
    return tw_cli_load(&c, a->scenario, coarse, err);
}

/* Level 0's replicates, and the coarse half of each pair, go into the estimator alone:
 * their model observes only the series it reads (where the model can). */
static tw_status coarse_observes(tw_cli_scenario *coarse, const tw_cli_mlmc *ml,
                                 const qmap *qm, tw_err *err) {
    if (coarse->model->observe_only == NULL) return TW_OK;
    size_t n = coarse->model->n_series(coarse->params);
    bool *want = calloc(n > 0 ? n : 1, sizeof *want);
    if (want == NULL) return tw_err_set(err, TW_ENOMEM, "out of memory");
    for (size_t q = 0; q < ml->n_q; q++)
        if (qm->outcome[q] < 0) want[qm->series[q]] = true;
    tw_status st = coarse->model->observe_only(coarse->params, want, err);
    free(want);
    return st;
}

/* Run samples have .. want-1 of level l into the estimator (rank 0 folds); the full-size
 * replicates (the finest level's, replicates have .. want-1 of a plain run) go on into the
 * batch b of the files. */
static tw_status level(tw_cli_mlmc *ml, size_t l, const tw_cli_scenario *lv[2],
                       const qmap *qm, int threads, uint64_t have, uint64_t want,
                       tw_batch *b, const char *where, tw_err *err) {
    tw_run_spec fine = lv[1]->spec, coarse = lv[0]->spec;
    if (l == 0 && ml->n_levels == 2) coarse.seed ^= TW_CLI_MLMC_SEED_MIX;
    const tw_cli_scenario *top = ml->n_levels == 2 && l == 0 ? lv[0] : lv[1];
    const tw_run_spec *topspec = ml->n_levels == 2 && l == 0 ? &coarse : &fine;
    bool pair = l > 0;
    size_t chunk = (size_t)threads * (size_t)tw_mpi_size() * TW_CHUNK_PER_THREAD;
    tw_par_mode mode = tw_run_resolve_mode(TW_PAR_AUTO, threads, chunk);
    double qf[TW_CLI_MLMC_MAXQ], qc[TW_CLI_MLMC_MAXQ];
    tw_status st = TW_OK;
    for (uint64_t r0 = have; r0 < want && st == TW_OK; r0 += chunk) {
        size_t cn = want - r0 < chunk ? (size_t)(want - r0) : chunk;
        tw_chunk a = {0}, c = {0};
        st = tw_chunk_run_spread(top->model, top->params, topspec, threads, mode, 0, (size_t)r0,
                                 cn, &a, err);
        if (st == TW_OK && pair)
            st = tw_chunk_run_spread(lv[0]->model, lv[0]->params, &fine, threads, mode, 0,
                                     (size_t)r0, cn, &c, err);
        if (st == TW_OK && tw_mpi_rank() == 0)
            for (size_t i = 0; i < cn; i++) {
                values(qm, ml->n_q, &a, i, qf);
                if (pair) values(qm, ml->n_q, &c, i, qc);
                tw_mlmc_add(&ml->m, l, qf, qc);
            }
        if (st == TW_OK && l + 1 == ml->n_levels)
            st = tw_batch_feed(b, &a, (size_t)r0, cn, err);
        tw_chunk_clear(&a);
        tw_chunk_clear(&c);
        int stop = tw_cli_stop_signal != 0;
        if (st == TW_OK) st = tw_mpi_max_int(&stop, err);
        ml->stopped |= st == TW_OK && stop;
        if (st == TW_OK && stop)
            st = tw_err_set(err, TW_ERUNTIME, "stopped by a signal during the multilevel "
                                              "replicates; finish with: tradewar run --resume %s",
                            where);
    }
    return st;
}

/* The cost of one sample of each level, in full-size replicates (cli_mlmc.h). */
static void costs(const tw_cli_mlmc *ml, double *cost) {
    if (ml->n_levels == 1) {
        cost[0] = 1.0;
        return;
    }
    cost[0] = TW_CLI_MLMC_FIXED_COST +
              (1.0 - TW_CLI_MLMC_FIXED_COST) * (double)ml->firms[0] / (double)ml->firms[1];
    cost[1] = 1.0 + cost[0];
}

/* Rank 0: the targets of this round. The headline probabilities come first: until every
 * one is within its half-width the flows ask for nothing (target 0), so that a budget that
 * binds is spent on the probabilities (the pairs the flows need cost ten times a coarse
 * replicate, which is most of what a probability needs); then each month's flow is asked
 * for TW_CLI_MLMC_REL_HW of its current estimate. */
static void targets(tw_cli_mlmc *ml) {
    bool probs_met = true;
    for (size_t q = 0; q < ml->n_prob; q++) {
        tw_mlmc_estimate e;
        tw_mlmc_estimate_q(&ml->m, q, &e);
        ml->target[q] = TW_CLI_MLMC_PROB_HW;
        probs_met = probs_met && e.halfwidth <= TW_CLI_MLMC_PROB_HW;
    }
    for (size_t q = ml->n_prob; q < ml->n_q; q++) {
        tw_mlmc_estimate e;
        tw_mlmc_estimate_q(&ml->m, q, &e);
        ml->target[q] = probs_met ? TW_CLI_MLMC_REL_HW * fabs(e.mean) : 0.0;
        if (!(ml->target[q] > 0.0)) ml->target[q] = 0.0; /* a month with no flow: nothing asked */
    }
}

/* Scale the round next[] down to what the budget has left (every rank alike), but never
 * below TW_CLI_MLMC_MIN samples a level. */
static void fit(const tw_cli_mlmc *ml, const double *cost, uint64_t *next) {
    double more = 0.0;
    for (size_t l = 0; l < ml->n_levels; l++) more += (double)(next[l] - ml->n[l]) * cost[l];
    if (ml->spent + more <= ml->budget) return;
    double f = more > 0.0 ? (ml->budget - ml->spent) / more : 0.0;
    if (f < 0.0) f = 0.0;
    for (size_t l = 0; l < ml->n_levels; l++) {
        next[l] = ml->n[l] + (uint64_t)floor(f * (double)(next[l] - ml->n[l]));
        if (next[l] < TW_CLI_MLMC_MIN) next[l] = TW_CLI_MLMC_MIN; /* a variance needs two */
    }
}

/* Run the levels, feeding the full-size replicates into b (cli_mlmc.h). */
static tw_status run(const tw_cli_args *a, tw_cli_scenario *sc, int threads, tw_batch *b,
                     const char *where, tw_cli_mlmc *ml, tw_err *err) {
    ml->budget = a->has_budget ? (double)a->budget : TW_CLI_MLMC_BUDGET;
    int64_t firms, rare;
    per_cell(sc, &firms, &rare);
    ml->firms[1] = firms;
    ml->rare[1] = rare;
    ml->n_levels = firms >= TW_CLI_MLMC_COARSEN ? 2 : 1;
    ml->firms[0] = firms / TW_CLI_MLMC_COARSEN;
    ml->rare[0] = rare / TW_CLI_MLMC_COARSEN_RE > 0 ? rare / TW_CLI_MLMC_COARSEN_RE : 1;
    tw_cli_scenario coarse;
    memset(&coarse, 0, sizeof coarse);
    tw_status st = ml->n_levels == 2 ? load_coarse(a, ml, &coarse, err) : TW_OK;
    if (st != TW_OK) return st;
    size_t n_out = tw_run_output_days(&sc->spec);
    tw_day *dates = malloc((n_out + 1) * sizeof *dates);
    qmap *qm = calloc(1, sizeof *qm);
    if (dates == NULL || qm == NULL)
        st = tw_err_set(err, TW_ENOMEM, "out of memory");
    size_t span = (size_t)(sc->spec.end - sc->spec.start);
    for (size_t k = 0, d = 0; st == TW_OK && d <= span; d++)
        if (d % (size_t)sc->spec.interval_days == 0 || d == span)
            dates[k++] = sc->spec.start + (tw_day)d;
    if (st == TW_OK) st = quantities(sc, ml, qm, dates, n_out, err);
    if (st == TW_OK && ml->n_levels == 2) st = coarse_observes(&coarse, ml, qm, err);
    double cost[2];
    costs(ml, cost);
    bool ind[TW_CLI_MLMC_MAXQ];
    for (size_t q = 0; q < ml->n_q; q++) ind[q] = q < ml->n_prob;
    if (st == TW_OK && ml->n_q == 0)
        st = tw_err_set(err, TW_EUSAGE, "%s: the model has no headline probability or flow to "
                                        "replicate for; give -n", a->scenario);
    if (st == TW_OK) st = tw_mlmc_init(&ml->m, ml->n_levels, ml->n_q, cost, ind, err);
    const tw_cli_scenario *lv[2] = {ml->n_levels == 2 ? &coarse : sc, sc};
    uint64_t next[2] = {TW_CLI_MLMC_PILOT, TW_CLI_MLMC_PILOT};
    fit(ml, cost, next);
    while (st == TW_OK) {
        for (size_t l = 0; l < ml->n_levels && st == TW_OK; l++) {
            st = level(ml, l, lv, qm, threads, ml->n[l], next[l], b, where, err);
            ml->spent += (double)(next[l] - ml->n[l]) * cost[l];
            ml->n[l] = next[l];
        }
        st = tw_mpi_agree(st, err);
        int met = 0;
        if (st == TW_OK && tw_mpi_rank() == 0) {
            targets(ml);
            tw_mlmc_next(&ml->m, ml->target, TW_CLI_MLMC_PILOT, next);
            met = memcmp(next, ml->n, ml->n_levels * sizeof *next) == 0;
        }
        if (st == TW_OK) st = tw_mpi_agree(tw_mpi_bcast(next, sizeof next, err), err);
        if (st == TW_OK) st = tw_mpi_agree(tw_mpi_bcast(&met, sizeof met, err), err);
        ml->met = met;
        if (st != TW_OK || met) break;
        fit(ml, cost, next);
        if (memcmp(next, ml->n, ml->n_levels * sizeof *next) == 0) break; /* the budget */
    }
    free(dates);
    if (qm != NULL) free(qm->months);
    free(qm);
    tw_cli_scenario_free(&coarse);
    return st;
}

tw_status tw_cli_mlmc_batch(const tw_cli_args *a, tw_cli_scenario *sc,
                            const tw_cli_batch_plan *pl, tw_cli_mlmc *ml, tw_batch **out,
                            double *seconds, tw_err *err) {
    memset(ml, 0, sizeof *ml);
    *out = NULL;
    /* The batch of the files counts up to a bound no run reaches; it ends where the
     * levels stop (tw_batch_end_here). */
    ml->files = sc->spec;
    ml->files.replicates = TW_MAX_REPLICATES;
    tw_batch_opts o = {sc->model, sc->params, &ml->files, pl->threads, pl->mode, pl->ranks,
                       pl->dir, pl->trajectories, pl->resume, tw_cfg_hash(sc->cfg), -1, 0.0};
    double t0 = tw_cli_now();
    tw_batch *b = NULL;
    tw_status st = tw_batch_open(&o, &b, err);
    const char *where = pl->outdir != NULL ? pl->outdir : a->resume != NULL ? a->resume : "DIR";
    if (st == TW_OK) st = run(a, sc, pl->threads, b, where, ml, err);
    if (st == TW_OK && tw_mpi_rank() == 0) st = tw_cli_mlmc_write(pl->dir, ml, err);
    st = tw_mpi_agree(st, err);
    if (st == TW_OK) {
        tw_batch_end_here(b);
        st = tw_batch_finish(b, err);
    }
    *seconds = tw_cli_now() - t0;
    if (st != TW_OK) {
        tw_batch_free(b);
        return st;
    }
    sc->spec.replicates = (int64_t)tw_batch_total(b);
    *out = b;
    return TW_OK;
}

void tw_cli_mlmc_free(tw_cli_mlmc *ml) {
    if (ml != NULL) tw_mlmc_free(&ml->m);
}

void tw_cli_mlmc_head(FILE *fp, const tw_cli_mlmc *ml) {
    fprintf(fp, "\n%-56s  %11s  %17s   %s\n", "headline probabilities", "probability",
            "95% interval", ml->n_levels == 2 ? "finest vs next level" : "");
}

void tw_cli_mlmc_line(FILE *fp, const tw_cli_mlmc *ml, const char *text, bool assumed) {
    for (size_t q = 0; q < ml->n_prob; q++) {
        if (strcmp(ml->name[q], text) != 0) continue;
        tw_mlmc_estimate e;
        tw_mlmc_estimate_q(&ml->m, q, &e);
        fprintf(fp, "%-56s  %11.3f  [%6.3f, %6.3f]", text, e.mean, fmax(0.0, e.mean - e.halfwidth),
                fmin(1.0, e.mean + e.halfwidth));
        if (ml->n_levels == 2) fprintf(fp, "   %+.3f +- %.3f", e.diff, e.diff_halfwidth);
        fprintf(fp, "%s\n", assumed ? " *" : "");
    }
}

void tw_cli_mlmc_foot(FILE *fp, const tw_cli_mlmc *ml) {
    bool two = ml->n_levels == 2;
    /* The monthly flows: the largest Monte Carlo error of a month, relative to it. */
    for (size_t q = ml->n_prob; q < ml->n_q;) {
        size_t q1 = q;
        double worst = 0.0, diff = 0.0;
        while (q1 < ml->n_q && ml->name[q1] == ml->name[q]) {
            tw_mlmc_estimate e;
            tw_mlmc_estimate_q(&ml->m, q1, &e);
            if (e.mean != 0.0) {
                worst = fmax(worst, e.halfwidth / fabs(e.mean));
                diff = fmax(diff, fabs(e.diff) / fabs(e.mean));
            }
            q1++;
        }
        fprintf(fp, "%s, each month's total: 95%% Monte Carlo error at most %.2f%% of it", ml->name[q],
                100.0 * worst);
        if (two) fprintf(fp, "; finest vs next level at most %.2f%%", 100.0 * diff);
        fputc('\n', fp);
        q = q1;
    }
    if (two)
        fprintf(fp, "replicates: %llu with %lld firm%s and %lld rare-earth user%s per cell "
                    "(level 0) and %llu coupled pairs with %lld/%lld and %lld/%lld (level 1);\n"
                    "  the %llu full-size replicates are in the files\n",
                (unsigned long long)ml->n[0], (long long)ml->firms[0], ml->firms[0] == 1 ? "" : "s",
                (long long)ml->rare[0], ml->rare[0] == 1 ? "" : "s", (unsigned long long)ml->n[1],
                (long long)ml->firms[1], (long long)ml->rare[1], (long long)ml->firms[0],
                (long long)ml->rare[0], (unsigned long long)ml->n[1]);
    else
        fprintf(fp, "replicates: %llu full-size (too few firms per cell for a coarser level)\n",
                (unsigned long long)ml->n[0]);
    if (ml->met)
        fprintf(fp, "stopped: every headline probability within +-%.2f and every month's trade "
                    "within %.0f%% (95%%), at a cost of %.0f full-size replicates\n",
                TW_CLI_MLMC_PROB_HW, 100.0 * TW_CLI_MLMC_REL_HW, ml->spent);
    else
        fprintf(fp, "stopped: at the budget of %.0f full-size replicates (--budget) before every "
                    "target was met (+-%.2f, %.0f%%)\n",
                ml->budget, TW_CLI_MLMC_PROB_HW, 100.0 * TW_CLI_MLMC_REL_HW);
    if (two)
        fprintf(fp, "last column: what %lld firms per cell still changed against %lld (the pairs' "
                    "mean difference)\n", (long long)ml->firms[1], (long long)ml->firms[0]);
}

tw_status tw_cli_mlmc_write(const char *dir, const tw_cli_mlmc *ml, tw_err *err) {
    char path[4096];
    snprintf(path, sizeof path, "%s/multilevel.csv", dir);
    tw_afile *f;
    tw_status st = tw_afile_open(path, &f, err);
    if (st != TW_OK) return st;
    FILE *fp = tw_afile_fp(f);
    fputs("quantity,month,estimate,halfwidth,target,finest_diff,finest_diff_halfwidth,"
          "n_coarse,n_pairs,var_coarse,var_pairs\n", fp);
    for (size_t q = 0; q < ml->n_q; q++) {
        tw_mlmc_estimate e;
        tw_mlmc_estimate_q(&ml->m, q, &e);
        tw_csv_put(fp, ml->name[q]);
        if (q < ml->n_prob)
            fputc(',', fp);
        else
            fprintf(fp, ",%04d-%02d", ml->month[q][0], ml->month[q][1]);
        double v[5] = {e.mean, e.halfwidth, ml->target[q], e.diff, e.diff_halfwidth};
        char num[64];
        for (int k = 0; k < 5; k++) {
            tw_format_double(num, sizeof num, v[k]);
            fprintf(fp, ",%s", num);
        }
        fprintf(fp, ",%llu,%llu", (unsigned long long)(ml->n_levels == 2 ? ml->n[0] : 0),
                (unsigned long long)ml->n[ml->n_levels - 1]);
        /* the variances the plan used: level 0's Q, the pairs' difference */
        double var[2] = {ml->n_levels == 2 ? tw_mlmc_var(&ml->m, 0, q) : NAN,
                         tw_mlmc_var(&ml->m, ml->n_levels - 1, q)};
        for (int k = 0; k < 2; k++) {
            tw_format_double(num, sizeof num, var[k]);
            fprintf(fp, ",%s", num);
        }
        fputc('\n', fp);
    }
    return tw_afile_commit(f, err);
}
