/* The firm trade model against theory: the CES (Armington) limit, the accounting
 * identities every day, and agent-level parallelism that changes no bit. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tw_config.h"
#include "tw_trade.h"
#include "tw_trade_internal.h"

#include "model_sim.h"
#include "four_regions.h"

static long series_index(const tw_trade_params *p, const char *ind, const char *r, const char *o,
                         const char *s) {
    for (size_t i = 0; i < p->n_series; i++) {
        tw_series_label l = p->labels[i];
        if (!strcmp(l.indicator, ind) && !strcmp(l.region, r) && !strcmp(l.partner, o) &&
            !strcmp(l.sector, s))
            return (long)i;
    }
    cr_fatal("no series %s %s %s %s", ind, r, o, s);
    return -1;
}

/* A frictionless world: every firm re-chooses with probability 1 - 1/e a day, no
 * front-loading, no price-change effect; a static tariff from day 1. Without the
 * general-equilibrium closure: the CES limit is the firms' aggregation at producer prices
 * 1, and the closure, while producer prices have not cleared the markets, moves each
 * region's spending between its own goods and its imports (tw_ge_day_balance). */
static char *ces_yaml(double size_tail, long per_cell) {
    char *y = malloc(2048);
    snprintf(y, 2048,
             "start: 2025-01-01\nend: 2025-02-28\n"
             "firms:\n  per_cell: %ld\n  size_tail: %g\n  reopt_rate: 1\n"
             "  reopt_price_sensitivity: 0\n  frontload: {max_days: 0}\n"
             "model: {data_dir: %s/data, pass_through: 0.9}\nge: {enabled: false}\n"
             "tariffs:\n"
             "  - {measure: a, imposer: US, target: CN, rate: 100, effective: 2025-01-02}\n"
             "  - {measure: b, imposer: CN, target: US, rate: 50, effective: 2025-01-02}\n"
             "  - {measure: c, imposer: EU, target: ALL, sectors: [vehicles], rate: 30,\n"
             "     effective: 2025-01-02}\n",
             per_cell, size_tail, TW_SOURCE_DIR);
    return y;
}

/* After 58 days each firm's origin is an independent logit draw with the closed-form
 * probability P_o = S_o / p_o / sum_k S_k / p_k, S the nested CES spending shares
 * (tw_demand.h: home against the import bundle with sigma_upper, the foreign origins
 * within it with sigma, weights the base-year spending shares; tariffs zero on day 0, so
 * p_o is also the price relative to day 0): the CES quantity share, in units of what one
 * USD bought on day 0; spending shares, quantity shares times p_o, are then S. The
 * size-weighted share of origin o then has
 * mean P_o and variance P_o (1 - P_o) sum_i w_i^2 (w: sizes, summing to 1): the test
 * allows 5 of those standard errors (plus the chance that a firm never re-chose,
 * e^-58, negligible), and requires the standard error to be small. */
static void check_ces(double size_tail, long per_cell, double max_se) {
    char *yaml = ces_yaml(size_tail, per_cell);
    sim m;
    sim_open(&m, yaml, false, NULL, 1, 77, 0);
    uint32_t ndays = (uint32_t)m.p->ndays;
    for (uint32_t d = 0; d < ndays; d++) sim_step(&m, d);
    const tw_trade_params *p = m.p;
    const tw_rate_table *tau = &p->tau_now[ndays - 1];
    double worst = 0.0;
    for (int i = 0; i < TW_NREG; i++)
        for (int s = 0; s < TW_NSEC; s++) {
            int c = i * TW_NSEC + s;
            double base = 0.0, imports = 0.0, pm = 0.0, w[TW_NREG], tot = 0.0, sumsq = 0.0;
            double lo = 1.0 - p->sigma[s], up = 1.0 - p->sigma_upper[s];
            for (int o = 0; o < TW_NREG; o++) {
                base += p->world.flow[o][i][s];
                if (o != i) imports += p->world.flow[o][i][s];
            }
            for (int o = 0; o < TW_NREG; o++)
                if (o != i) pm += p->world.flow[o][i][s] * pow(1.0 + 0.9 * (*tau)[i][o][s], lo);
            pm /= imports; /* the import bundle's price index, to the power 1 - sigma */
            double bundle = imports / base * pow(pm, up / lo), home = p->world.flow[i][i][s] / base;
            for (int o = 0; o < TW_NREG; o++) {
                double price = o == i ? 1.0 : 1.0 + 0.9 * (*tau)[i][o][s];
                /* nested CES spending share over the price: the quantity share */
                w[o] = (o == i ? home
                               : bundle * p->world.flow[o][i][s] / imports * pow(price, lo) / pm) /
                       price;
                tot += w[o];
            }
            for (long k = 0; k < per_cell; k++) {
                double x = m.s->f.size[(size_t)c * (size_t)per_cell + (size_t)k];
                sumsq += x * x;
            }
            /* The firms' choice probabilities: the CES quantity share times (x_o / R*)^e for
             * a foreign origin (x its price relative, e the own-demand elasticity, R* the
             * importers' index at these shares), divided out again by each firm's own
             * demand, own_o = (x_o / R*)^-e. */
            double e = p->firms.own_demand, num = 0.0, den = 0.0, x[TW_NREG], own[TW_NREG];
            double prob[TW_NREG], ptot = 0.0, qtot = 0.0, qgot[TW_NREG];
            for (int o = 0; o < TW_NREG; o++) {
                x[o] = o == i ? 1.0 : 1.0 + 0.9 * (*tau)[i][o][s];
                if (o == i) continue;
                num += w[o] / tot * x[o];
                den += w[o] / tot * pow(x[o], e);
            }
            double star = pow(num / den, 1.0 / (1.0 - e));
            for (int o = 0; o < TW_NREG; o++) {
                own[o] = o == i ? 1.0 : pow(x[o] / star, -e);
                prob[o] = w[o] / tot / own[o];
                ptot += prob[o];
                /* the quantity the model's flows carry: what buyers use at customs value
                 * times (1 + tariff) over the price relative */
                double t = o == i ? 0.0 : m.s->tau_paid[i][o][s];
                qgot[o] = tw_flows_use(m.s->flows)[o][i][s] * (1.0 + t) / m.s->cd[c].rel[o];
                qtot += qgot[o];
            }
            for (int o = 0; o < TW_NREG; o++) {
                /* the choice shares: size-weighted logit draws */
                double want = prob[o] / ptot, got = m.s->share[c][o];
                double se = sqrt(want * (1.0 - want) * sumsq);
                cr_assert_lt(se, max_se, "cell %d: standard error %g too large to test", c, se);
                cr_assert_leq(fabs(got - want), 5.0 * se + 1e-6,
                              "importer %s sector %s origin %s: share %.6f, logit %.6f, se %.2g",
                              tw_test_region_names[i], tw_sector_names[s], tw_test_region_names[o], got,
                              want, se);
                if (se > 0 && fabs(got - want) / se > worst) worst = fabs(got - want) / se;
                /* the quantity shares, q_o = P_o own_o / sum_j P_j own_j: CES; standard
                 * error by the delta method from the choice shares' covariance
                 * (delta_jk P_j - P_j P_k) sum of squared sizes */
                double dsum = 0.0, var = 0.0, g[TW_NREG];
                for (int j = 0; j < TW_NREG; j++) dsum += prob[j] / ptot * own[j];
                for (int j = 0; j < TW_NREG; j++)
                    g[j] = (j == o ? own[o] / dsum : 0.0) - want * own[o] * own[j] / (dsum * dsum);
                for (int j = 0; j < TW_NREG; j++)
                    for (int k = 0; k < TW_NREG; k++)
                        var += g[j] * g[k] *
                               ((j == k ? prob[j] / ptot : 0.0) - prob[j] * prob[k] / (ptot * ptot));
                double qse = sqrt(var * sumsq), qwant = w[o] / tot, qhave = qgot[o] / qtot;
                cr_assert_leq(fabs(qhave - qwant), 5.0 * qse + 1e-6,
                              "importer %s sector %s origin %s: quantity share %.6f, CES %.6f, "
                              "se %.2g", tw_test_region_names[i], tw_sector_names[s],
                              tw_test_region_names[o], qhave, qwant, qse);
            }
        }
    /* The shock moved shares far more than the tolerance, so the check has teeth. */
    int cus = TW_US * TW_NSEC + TW_ELECTRONICS;
    cr_assert_lt(m.s->share[cus][TW_CN], 0.6 * p->base_share[cus][TW_CN]);
    cr_log_info("CES check: worst deviation %.2f standard errors", worst);
    sim_close(&m);
    free(yaml);
}

Test(ces, many_firms_light_tails_match_armington_shares, .timeout = 120) {
    check_ces(10.0, 20000, 0.005);
}

Test(ces, heavy_tailed_sizes_still_match_within_their_granularity, .timeout = 120) {
    check_ces(2.0, 20000, 0.03);
}

/* Coverage splits cells: a measure at rate r on half of a cell leaves the cell's imports
 * at the average of a cell fully at r and one at 0, not at those of a cell at r / 2 (CES
 * demand is convex in the price). Frictionless firms as in the CES test, so after 58 days
 * the choice shares are the long-run ones; all runs share their random numbers. */
static double us_cn_electronics(const char *rate, const char *coverage) {
    char y[2048];
    snprintf(y, sizeof y,
             "start: 2025-01-01\nend: 2025-02-28\n"
             "firms: {per_cell: 20000, size_tail: 10, reopt_rate: 1,\n"
             "        reopt_price_sensitivity: 0, frontload: {max_days: 0}}\n"
             "model: {data_dir: %s/data, pass_through: 1, demand_elasticity: 0, seasonality: false,\n"
             "        transit: false}\n"
             "ge: {enabled: false}\n"
             "tariffs:\n"
             "  - {measure: a, imposer: US, target: CN, sectors: [electronics], rate: %s,\n"
             "     coverage: %s, effective: 2025-01-02}\n",
             TW_SOURCE_DIR, rate, coverage);
    sim m;
    sim_open(&m, y, false, NULL, 1, 91, 0);
    for (uint32_t d = 0; d < (uint32_t)m.p->ndays; d++) sim_step(&m, d);
    double v = tw_flows_customs(m.s->flows)[TW_CN][TW_US][TW_ELECTRONICS];
    sim_close(&m);
    return v;
}

Test(subcells, half_coverage_averages_the_covered_and_uncovered_cells, .timeout = 120) {
    double half = us_cn_electronics("100", "0.5"), full = us_cn_electronics("100", "1");
    double none = us_cn_electronics("0", "1"), blend = us_cn_electronics("50", "1");
    double want = 0.5 * (full + none);
    cr_log_info("US imports of Chinese electronics: half %.3f, average %.3f, blended %.3f",
                half, want, blend);
    /* Sampling noise of the shares is about 0.5% here; the blended rate is far outside. */
    cr_assert(fabs(half - want) < 0.02 * want, "half %.4f, average %.4f", half, want);
    cr_assert(fabs(blend - want) > 0.10 * want, "blended %.4f, average %.4f", blend, want);
}

/* Every day of the 2025 history: world exports = world imports, revenue = rate x
 * dutiable imports for every pair and sector, sector rows add up to the totals, and
 * spending on imports = customs value + duty. */
Test(accounting, identities_hold_every_day_of_the_history, .timeout = 120) {
    static const char *const sets[] = {"firms.per_cell=300", NULL};
    sim m;
    sim_open(&m, TW_SOURCE_DIR "/scenarios/history-2025-four.yaml", true, sets, 1, 3, 1);
    const tw_trade_params *p = m.p;
    double *obs = malloc(p->n_series * sizeof *obs);
    long imp_all[TW_NREG], exp_all[TW_NREG];
    for (int r = 0; r < TW_NREG; r++) {
        imp_all[r] = series_index(p, "imports", tw_test_region_names[r], "all", "all");
        exp_all[r] = series_index(p, "exports", tw_test_region_names[r], "all", "all");
    }
    /* Statutory revenue series lie at a fixed offset from the collected ones. */
    size_t stat_offset = (size_t)series_index(p, "tariff_revenue_statutory", "US", "all", "all") -
                         (size_t)series_index(p, "tariff_revenue", "US", "all", "all");
    /* the indicators, looked up in the dictionary by name */
    const int revenue = tw_indicator_index("tariff_revenue"),
              statutory = tw_indicator_index("tariff_revenue_statutory");
    cr_assert(revenue >= 0 && statutory >= 0);
    for (uint32_t d = 0; d < (uint32_t)p->ndays; d++) {
        sim_step(&m, d);
        tw_trade_model.observe(m.s, obs);
        double wx = 0.0, wm = 0.0;
        for (int r = 0; r < TW_NREG; r++) {
            wx += obs[exp_all[r]];
            wm += obs[imp_all[r]];
        }
        cr_assert(epsilon_eq(dbl, wx, wm, 1e-9 * wm), "day %u: exports %.12g imports %.12g", d, wx, wm);
        /* each region's exports = its partners' imports from it */
        for (int r = 0; r < TW_NREG; r++) {
            double from_r = 0.0;
            for (int i = 0; i < TW_NREG; i++)
                if (i != r)
                    from_r += obs[series_index(p, "imports", tw_test_region_names[i], tw_test_region_names[r], "all")];
            cr_assert(epsilon_eq(dbl, obs[exp_all[r]], from_r, 1e-9 * (1.0 + from_r)),
                      "day %u: %s exports %.12g, partners' imports from it %.12g", d,
                      tw_test_region_names[r], obs[exp_all[r]], from_r);
        }
        for (size_t i = 0; i < p->n_series; i++) {
            const tw_series_def *sd = &p->defs[i];
            if (sd->ind != revenue) continue;
            /* revenue = rate paid x dutiable imports, at the sector level (the rate paid is
             * the statutory one except in cells split into sub-cells) */
            if (sd->partner != TW_ALL && sd->sector != TW_ALL) {
                const tw_rate_table *tau_in = tw_flows_tau_in(m.s->flows);
                double rate = 100.0 * (*tau_in)[sd->region][sd->partner][sd->sector];
                const tw_split_cell *sc = &m.s->split[sd->region][sd->sector];
                if (sc->n == 1) /* the day's rate of the goods entering, in-transit rules applied */
                    cr_assert(epsilon_eq(dbl, rate,
                                         100.0 * p->tau_entry[d][sd->region][sd->partner][sd->sector],
                                         1e-12));
                double imports =
                    tw_flows_customs(m.s->flows)[sd->partner][sd->region][sd->sector] * 1000.0 / 365.0;
                double kept = tw_duties_collected(&p->duties, sd->region, sd->partner,
                                                  p->start + (tw_day)d);
                cr_assert(epsilon_eq(dbl, obs[i], kept * rate / 100.0 * imports,
                                     1e-9 * (1.0 + obs[i])),
                          "day %u series %zu", d, i);
                size_t j = i + stat_offset;
                cr_assert_eq(p->defs[j].ind, statutory);
                cr_assert(epsilon_eq(dbl, obs[j], rate / 100.0 * imports, 1e-9 * (1.0 + obs[j])),
                          "day %u series %zu: statutory", d, j);
                if (sd->region == TW_US && sd->partner == TW_CN)
                    cr_assert_lt(kept, 1.0, "history-2025: US duties on China leak");
            }
        }
        for (int r = 0; r < TW_NREG; r++) {
            double sec = 0.0;
            for (int s = 0; s < TW_NSEC; s++)
                sec += obs[series_index(p, "imports", tw_test_region_names[r], "all", tw_sector_names[s])];
            cr_assert(epsilon_eq(dbl, sec, obs[imp_all[r]], 1e-9 * sec));
            for (int o = 0; o < TW_NREG; o++)
                for (int s = 0; s < TW_NSEC; s++) {
                    if (o == r) continue;
                    double spend = tw_flows_spend(m.s->flows)[o][r][s];
                    double paid = tw_flows_customs(m.s->flows)[o][r][s] +
                                  tw_flows_revenue_stat(m.s->flows)[o][r][s];
                    cr_assert(epsilon_eq(dbl, spend, paid, 1e-12 * (1.0 + spend)));
                }
        }
    }
    free(obs);
    sim_close(&m);
}

/* Agent-level parallelism: 1 and 3 threads give the same firm state and flows. */
Test(parallel, agent_threads_change_no_bit, .timeout = 120) {
    static const char *const sets[] = {"firms.per_cell=9000", "end=2025-05-20", NULL};
    sim a, b;
    sim_open(&a, TW_SOURCE_DIR "/scenarios/history-2025-four.yaml", true, sets, 1, 8, 2);
    sim_open(&b, TW_SOURCE_DIR "/scenarios/history-2025-four.yaml", true, sets, 3, 8, 2);
    for (uint32_t d = 0; d < (uint32_t)a.p->ndays; d++) {
        sim_step(&a, d);
        sim_step(&b, d);
        cr_assert(memcmp(tw_flows_customs(a.s->flows), tw_flows_customs(b.s->flows),
                         sizeof(double) * TW_NREG * TW_NREG * TW_NSEC) == 0, "day %u", d);
    }
    size_t n = (size_t)a.p->firms.per_cell * TW_NCELL;
    cr_assert(memcmp(a.s->f.origin, b.s->f.origin, n) == 0);
    cr_assert(memcmp(a.s->f.stock, b.s->f.stock, n * sizeof(float)) == 0);
    sim_close(&a);
    sim_close(&b);
}

/* observe_only: the series asked for are the very values of a full observe, the rest 0,
 * and want NULL observes every series again; the model's state is not touched. */
Test(observe, only_the_series_asked_for, .timeout = 120) {
    static const char *const sets[] = {"firms.per_cell=200", "end=2025-04-30", NULL};
    sim a, b;
    sim_open(&a, TW_SOURCE_DIR "/scenarios/geneva-truce.yaml", true, sets, 1, 5, 1);
    sim_open(&b, TW_SOURCE_DIR "/scenarios/geneva-truce.yaml", true, sets, 1, 5, 1);
    const size_t n = a.p->n_series;
    const long keep = series_index(a.p, "imports", "US", "CN", "all");
    bool *want = calloc(n, sizeof *want);
    double *oa = malloc(n * sizeof *oa), *ob = malloc(n * sizeof *ob);
    cr_assert(want != NULL && oa != NULL && ob != NULL);
    want[keep] = true;
    want[n - 1] = true;
    tw_err err;
    cr_assert_eq(tw_trade_model.observe_only(b.p, want, &err), TW_OK);
    size_t nonzero = 0;
    for (uint32_t d = 0; d < (uint32_t)a.p->ndays; d++) {
        sim_step(&a, d);
        sim_step(&b, d);
        if (d + 1 == (uint32_t)a.p->ndays)
            cr_assert_eq(tw_trade_model.observe_only(b.p, NULL, &err), TW_OK);
        tw_trade_model.observe(a.s, oa);
        tw_trade_model.observe(b.s, ob);
        for (size_t i = 0; i < n; i++) {
            bool all = d + 1 == (uint32_t)a.p->ndays;
            if (all || want[i])
                cr_assert(memcmp(&oa[i], &ob[i], sizeof oa[i]) == 0, "day %u series %zu", d, i);
            else
                cr_assert(ob[i] == 0.0, "day %u series %zu: %g", d, i, ob[i]);
            nonzero += !all && !want[i] && oa[i] != 0.0;
        }
    }
    cr_assert_gt(nonzero, 0, "the series left out were all 0 anyway: the test shows nothing");
    cr_assert_gt(oa[keep], 0.0);
    free(want);
    free(oa);
    free(ob);
    sim_close(&a);
    sim_close(&b);
}

Test(firms, state_per_firm_fits_48_bytes) {
    tw_firm_arrays s;
    size_t per_firm = sizeof *s.origin + sizeof *s.size + sizeof *s.ref_lnp + sizeof *s.clock +
                      sizeof *s.stock;
    cr_assert_leq(per_firm, 48);
    cr_assert_eq(per_firm, 17);
}

/* With a handful of firms per cell a cell's domestic share can be 0 at the start or later
 * (no sampled firm buys at home); welfare must stay finite all the same. 40 replicates of
 * 3 firms per cell through the 2025 history make such cells certain. */
Test(welfare, finite_with_very_few_firms_per_cell, .timeout = 120) {
    static const char *const sets[] = {"firms.per_cell=3", "end=2025-06-30", NULL};
    int zero_cells = 0;
    for (uint32_t rep = 0; rep < 40; rep++) {
        sim m;
        sim_open(&m, TW_SOURCE_DIR "/scenarios/history-2025-four.yaml", true, sets, 1, 7, rep);
        const tw_trade_params *p = m.p;
        for (int c = 0; c < TW_NCELL; c++) zero_cells += m.s->lambda0[c] == 0.0;
        double *obs = malloc(p->n_series * sizeof *obs);
        for (uint32_t d = 0; d < (uint32_t)p->ndays; d++) {
            sim_step(&m, d);
            tw_trade_model.observe(m.s, obs);
            for (size_t i = 0; i < p->n_series; i++)
                cr_assert(isfinite(obs[i]), "replicate %u day %u: %s %s is %g", rep, d,
                          p->labels[i].indicator, p->labels[i].region, obs[i]);
        }
        double *out = malloc(tw_trade_model.n_outcomes(p) * sizeof *out);
        cr_assert_not_null(out);
        tw_trade_model.outcomes(m.s, out);
        static const char *const welfare[] = {"welfare_us_end_pct", "welfare_cn_end_pct",
                                              "welfare_eu_end_pct", "welfare_row_end_pct"};
        for (size_t k = 0; k < sizeof welfare / sizeof welfare[0]; k++) {
            int at = tw_outcome_index(welfare[k]);
            cr_assert_geq(at, 0, "no outcome %s", welfare[k]);
            cr_assert(isfinite(out[at]), "replicate %u: %s is %g", rep, welfare[k], out[at]);
        }
        free(out);
        free(obs);
        sim_close(&m);
    }
    cr_expect_gt(zero_cells, 0, "no cell started without a domestic buyer: the test tests nothing");
}
