/* tw_ge_day.c - the general-equilibrium closure of the daily model: producer prices that
 * clear each region's market, incomes that add up, and welfare as a function of the state.
 *
 * Everything here reads what buyers use (v->use: their normal purchases at today's prices,
 * at customs value; no stock built or drawn, nothing in transit, no seasonal timing), so
 * the closure sees the economy's state, not the timing of customs entries. With U_ijs
 * what j's buyers use of i's goods and t_ijs the rate they pay on it (v->tau_paid: a cell
 * split into sub-cells pays each one's rate):
 *
 *   sales S_i = sum_js U_ijs,  duty R_j = sum_is t_ijs U_ijs,  spending E_j = sum_is (1 +
 *   t_ijs) U_ijs,  deficit D_j = E_j - S_j - R_j (sums to 0 over regions every day).
 *
 * Incomes. Buyers spend their region's income, Y_j = w_j q0_j + D0_j + R_j: the wage bill
 * (the producer price, set after yesterday's flows, times first-day sales: the region's
 * output at the fixed endowment of tw_ge_solve), the first day's deficit D0_j (fixed, as in
 * tw_ge_solve) and the day's duty R_j on what its buyers use, rebated the same day. Who
 * gets the duty: customs' part goes to the region's treasury; the part customs does not
 * collect (zones, exclusions, de minimis: tw_duties.h) is the importers' margin, also the
 * region's, since its buyers pay the full rate (pass-through) and its importers keep it.
 * So the regions' incomes add up to the world's spending and their deficits sum to zero
 * every day. tw_flows.c spends it: the scale tw_ge_day_income hands it is (w_j q0_j +
 * D0_j) / (q0_j + D0_j) over spend_per_income (so that a demand elasticity other than 1
 * moves the sectors' shares, not the total), and it grosses that up by 1 / (1 - rho_j),
 * rho_j the duty share of today's purchases (tw_ge.h's closed form R = rho E): spending
 * is income every day, the day a rate changes included.
 *
 * Why the wage bill and not the day's actual sales S_j. With E_j = S_j + D0_j + R_j the
 * realized deficit E_j - S_j - R_j would stay at D0_j every day, but income would then
 * follow demand at sticky producer prices (ge.adjustment_days): the closure becomes
 * Keynesian, every shift of demand toward a region's goods raises its spending by that
 * shift over its import propensity (about 10 for the US), and the shift includes the
 * sampling noise of which supplier each of a finite number of firms holds. Measured on
 * baseline-2025 without policy, two years: US welfare wandered up to 2.8 pp from 0 with
 * 4,000 firms a cell and 0.44 pp with 64,000 (0.02 and 0.008 pp with the wage bill), so
 * 0.01 pp would take some 10^8 firms a cell; the exponential average of S_j over
 * ge.adjustment_days (or over 30 days) does not hold the deficit and drifted 0.75 (2.2) pp
 * by itself, since the noise is in levels that last as long as firms keep their suppliers.
 * The sales implied by the aggregate CES demand at today's prices are not actual sales
 * either (the agents switch slowly), and income from them would put the same multiplier
 * on the gap between that demand and output (not measured). With the wage bill,
 * output is what the economy can make and the gap S_j - w_j q0_j between what buyers take
 * at today's prices and that output goes to (or comes from) the producers' stocks: the
 * deficit D0_j of spending over income is held every day, the trade deficit (imports less
 * exports) moves with that gap while buyers adjust, and returns to D0_j as they reach the
 * long-run shares at the solve's prices.
 *
 * Producer prices. Each replicate keeps each region's producer price (wage) w_i, 1 on the
 * first day; buyers pay w_o (1 + pass_through tau) for foreign goods and w_i for their own
 * (tw_buyer_price), so a tariff moves the terms of trade and diversion reaches the
 * bystanders. Every `ge.interval_days` days tw_ge_price_step (tw_ge.h) gives the price
 * p_i that clears the market for i's goods at what buyers use today (export supply flat
 * at the region's first-day sales, eta = 0, the fixed endowment of tw_ge_solve, so the
 * first day is a market equilibrium of the agents), and w moves part of the way there:
 *
 *   ln w_i <- ln w_i + k (ln p_i - ln w_i),   k = 1 - exp(-interval / adjustment_days),
 *
 * then w is scaled to the numeraire of tw_ge_solve (sum_i w_i q0_i = sum_i q0_i). Why a
 * time constant and not the step alone: the step assumes demand answers a price at its
 * long-run elasticity at once, while the firm agents re-choose over months; and in
 * 2018-19 foreign pre-tariff prices of targeted goods did not fall within the first 12-18
 * months (complete pass-through: Fajgelbaum et al. 2020, Amiti, Redding and Weinstein
 * 2019), so producer prices answer over a year or more (data/general_equilibrium.csv,
 * export_supply_elasticity_short_run). adjustment_days = 365 is a judgement anchored on
 * that finding, not a fitted value.
 *
 * Welfare is a function of the state: region j's real consumption is the Cobb-Douglas
 * product over its sectors (first-day spending shares alpha_js) of the nested CES
 * aggregate of the quantities its buyers use (tw_nest_quantity: U (1 + t) over the buyer
 * price, in units of what one USD bought on the first day), and welfare_j = sum_s alpha_js
 * ln(C_js / C_js(first day)). Two paths to the same quantities give the same welfare; when
 * buyers are at their CES optimum it is ln(E_j / P_j), the real spending that tw_ge_solve
 * reports, and while slow-switching buyers are away from it, it is less. It is split into
 * the terms of trade, chained day by day along the run (trapezoid rule, M = U):
 *
 *   d tot_j = [sum_{k!=j,s} M_jks dln w_j - sum_{i!=j,s} M_ijs dln w_i] / E_j,
 *
 * and the rest, volume = welfare - tot (the volume of trade at the tariffs in force, and
 * how far buyers are from their optimum); revenue is the chained change of the duty,
 * d R_j / E_j. A cell whose buyers use nothing (possible with a handful of firms) counts
 * 0. With ge.enabled false, w stays 1, spending is not scaled, and tot is 0.
 */
#include "tw_ge_day.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tw_ge.h"

struct tw_ge_day {
    tw_ge_day_params p;
    double w[TW_NREG_MAX];       /* producer price (wage) in today's prices, first day 1 */
    double q0[TW_NREG_MAX];      /* first-day sales at producer prices, USD bn / year */
    double deficit0[TW_NREG_MAX]; /* first-day spending - sales - duty, USD bn / year (fixed) */
    double income[TW_NREG_MAX];  /* tw_ge_day_income */
    double income_set[TW_NREG_MAX]; /* today's spending was set from it, USD bn / year */
    double income_next[TW_NREG_MAX]; /* tomorrow's will be, USD bn / year */
    double alpha[TW_NCELL_MAX];  /* first-day sector shares of each region's spending */
    double lnc0[TW_NCELL_MAX];   /* ln of the first day's CES aggregate of what buyers use */
    double t0[TW_NREG_MAX * TW_NREG_MAX * TW_NSEC]; /* the first day's rates paid,
                                                     * [exporter][importer] packed (by_exporter) */
    /* today: sales, duty, spending, deficit (USD bn / year) */
    double sales[TW_NREG_MAX], duty[TW_NREG_MAX], spend[TW_NREG_MAX], deficit[TW_NREG_MAX];
    /* yesterday: ln w, use, spending and duty */
    double lnw[TW_NREG_MAX];
    double use[TW_NREG_MAX][TW_NREG_MAX][TW_NSEC];
    double spend_prev[TW_NREG_MAX], duty_prev[TW_NREG_MAX];
    /* welfare (log points against the first day) and its chained parts */
    double wf[TW_NREG_MAX], wf_tot[TW_NREG_MAX], wf_revenue[TW_NREG_MAX];
};

tw_status tw_ge_params_load(const tw_cfg_node *root, tw_ge_day_params *p, tw_err *err) {
    const tw_cfg_node *g = tw_cfg_get(root, "ge");
    if (g != NULL && tw_cfg_kind_of(g) != TW_CFG_MAP) return tw_cfg_error(err, g, "expected a map");
    int64_t every = 1;
    tw_status st = tw_cfg_bool(g, "enabled", false, true, &p->enabled, err);
    if (st == TW_OK) st = tw_cfg_int(g, "interval_days", false, 1, 1, 365, &every, err);
    if (st == TW_OK)
        st = tw_cfg_double(g, "adjustment_days", false, 365.0, 1.0, 36500.0, &p->adjust_days,
                           err);
    p->interval = (int)every;
    return st;
}

tw_status tw_ge_day_create(const tw_ge_day_params *p, tw_ge_day **out, tw_err *err) {
    tw_ge_day *g = calloc(1, sizeof *g);
    *out = g;
    if (g == NULL) return tw_err_set(err, TW_ENOMEM, "out of memory");
    g->p = *p;
    for (int i = 0; i < TW_NREG_MAX; i++) g->w[i] = g->income[i] = 1.0; /* every slot */
    return TW_OK;
}

void tw_ge_day_free(tw_ge_day *g) { free(g); }

const double *tw_ge_day_prices(const tw_ge_day *g) { return g->w; }
const double *tw_ge_day_income(const tw_ge_day *g) { return g->income; }
double tw_ge_day_deficit(const tw_ge_day *g, int r) { return g->deficit[r]; }

tw_ge_accounts tw_ge_day_accounts(const tw_ge_day *g, int r) {
    return (tw_ge_accounts){g->sales[r], g->duty[r], g->spend[r], g->income_set[r],
                            g->deficit[r]};
}

double tw_ge_day_value(const tw_ge_day *g, tw_ge_quantity q, int r) {
    switch (q) {
    case TW_GE_PRICE: return g->w[r];
    case TW_GE_WELFARE: return 100.0 * g->wf[r];
    case TW_GE_TOT: return 100.0 * g->wf_tot[r];
    case TW_GE_VOLUME: return 100.0 * (g->wf[r] - g->wf_tot[r]);
    case TW_GE_REVENUE: return 100.0 * g->wf_revenue[r];
    }
    return 0.0;
}

/* Tariff of importer j on origin i as a [exporter][importer][sector] table of n regions,
 * packed (tw_ge.h's layout; 0 at home). */
static void by_exporter(const tw_rate_table tau, int n, double *out) {
    size_t k = 0;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            for (int s = 0; s < TW_NSEC; s++) out[k++] = i == j ? 0.0 : tau[j][i][s];
}

/* Today's sales, duty, spending and deficit of every region from what buyers use. */
static void accounts(tw_ge_day *g, const tw_day_view *v) {
    for (int j = 0; j < v->world->nreg; j++) g->sales[j] = g->duty[j] = g->spend[j] = 0.0;
    for (int i = 0; i < v->world->nreg; i++)
        for (int j = 0; j < v->world->nreg; j++)
            for (int s = 0; s < TW_NSEC; s++) {
                double u = v->use[i][j][s], t = i == j ? 0.0 : (*v->tau_paid)[j][i][s];
                g->sales[i] += u;
                g->duty[j] += t * u;
                g->spend[j] += (1.0 + t) * u;
            }
    for (int j = 0; j < v->world->nreg; j++) g->deficit[j] = g->spend[j] - g->sales[j] - g->duty[j];
}

/* ln of the CES aggregate of what j's buyers use in sector s (0 when they use nothing). */
static double ln_quantity(const tw_day_view *v, const double *w, int j, int s) {
    double q[TW_NREG_MAX];
    for (int o = 0; o < v->world->nreg; o++) {
        double t = o == j ? 0.0 : (*v->tau_paid)[j][o][s];
        q[o] = v->use[o][j][s] * (1.0 + t) / tw_buyer_price(v->pass_through, w[o], t);
    }
    double c = tw_nest_quantity(&v->nest[j * TW_NSEC + s], q);
    return c > 0.0 ? log(c) : -INFINITY;
}

/* Welfare from today's state, and one trapezoid of the chained parts since yesterday. */
static void day_welfare(tw_ge_day *g, const tw_day_view *v) {
    double dlw[TW_NREG_MAX];
    for (int i = 0; i < v->world->nreg; i++) dlw[i] = log(g->w[i]) - g->lnw[i];
    for (int j = 0; j < v->world->nreg; j++) {
        double wf = 0.0, tot = 0.0;
        for (int s = 0; s < TW_NSEC; s++) {
            int c = j * TW_NSEC + s;
            double lnc = ln_quantity(v, g->w, j, s);
            if (isfinite(lnc) && isfinite(g->lnc0[c])) wf += g->alpha[c] * (lnc - g->lnc0[c]);
            for (int i = 0; i < v->world->nreg; i++) {
                if (i == j) continue;
                tot += 0.5 * (g->use[j][i][s] + v->use[j][i][s]) * dlw[j];
                tot -= 0.5 * (g->use[i][j][s] + v->use[i][j][s]) * dlw[i];
            }
        }
        g->wf[j] = wf;
        double ebar = 0.5 * (g->spend[j] + g->spend_prev[j]);
        if (!(ebar > 0.0)) continue;
        g->wf_tot[j] += tot / ebar;
        g->wf_revenue[j] += (g->duty[j] - g->duty_prev[j]) / ebar;
    }
}

static void remember(tw_ge_day *g, const tw_day_view *v) {
    memcpy(g->use, v->use, sizeof g->use);
    for (int j = 0; j < v->world->nreg; j++) {
        g->lnw[j] = log(g->w[j]);
        g->spend_prev[j] = g->spend[j];
        g->duty_prev[j] = g->duty[j];
    }
}

/* The first day: the base of welfare, prices and incomes. */
static void first_day(tw_ge_day *g, const tw_day_view *v) {
    by_exporter(*v->tau_paid, v->world->nreg, g->t0);
    for (int j = 0; j < v->world->nreg; j++) {
        g->q0[j] = g->sales[j];
        g->deficit0[j] = g->deficit[j];
        g->wf[j] = g->wf_tot[j] = g->wf_revenue[j] = 0.0;
        for (int s = 0; s < TW_NSEC; s++) {
            int c = j * TW_NSEC + s;
            double e = 0.0;
            for (int o = 0; o < v->world->nreg; o++)
                e += v->use[o][j][s] * (1.0 + (o == j ? 0.0 : (*v->tau_paid)[j][o][s]));
            g->alpha[c] = g->spend[j] > 0.0 ? e / g->spend[j] : 0.0;
            g->lnc0[c] = ln_quantity(v, g->w, j, s);
        }
    }
}

/* Move g->w toward the prices that clear the markets in the long run at today's rates
 * (the header's rule): the long-run demand at today's producer prices (tw_ge_demand: the
 * 2024 flows,
 * the first day's rates paid as the base, today's rates paid, the model's nests), one
 * tw_ge_price_step, and a step k of the way in logs. */
static tw_status update_prices(tw_ge_day *g, const tw_day_view *v, tw_err *err) {
    const int n = v->world->nreg;
    double t1[TW_NREG_MAX * TW_NREG_MAX * TW_NSEC];
    double demand[TW_NREG_MAX * TW_NREG_MAX * TW_NSEC], y[TW_NREG_MAX], target[TW_NREG_MAX],
        eta[TW_NREG_MAX] = {0};
    by_exporter(*v->tau_paid, n, t1);
    tw_ge_problem prob = {n, TW_NSEC, v->world->packed, g->t0, t1, NULL, v->sigma, 0,
                          v->sigma_upper};
    tw_status st = tw_ge_demand(&prob, g->w, demand, err);
    for (int i = 0; i < v->world->nreg; i++) {
        y[i] = 0.0;
        for (int j = 0; j < v->world->nreg; j++)
            for (int s = 0; s < TW_NSEC; s++) y[i] += v->world->flow[i][j][s];
    }
    if (st == TW_OK)
        st = tw_ge_price_step(n, TW_NSEC, demand, t1, y, g->w, eta,
                              v->sigma, v->sigma_upper, target, err);
    if (st != TW_OK) return st;
    double k = -expm1(-(double)g->p.interval / g->p.adjust_days), gdp = 0.0, world = 0.0;
    for (int i = 0; i < v->world->nreg; i++) {
        g->w[i] *= exp(k * (log(target[i]) - log(g->w[i])));
        gdp += g->w[i] * y[i];
        world += y[i];
    }
    for (int i = 0; i < v->world->nreg; i++) g->w[i] *= world / gdp;
    return TW_OK;
}

/* What region j's buyers spend at today's price indices per USD they would spend at the
 * first day's, with one income: sum_s e0_js (P_js / P0_js)^(1 - eta) / sum_s e0_js, exactly
 * 1 with eta = 1 (tw_flows.c: a cell's spending is e0 (P / P0)^(1 - eta) times its
 * income). Dividing the income scale by it makes the region's spending its income for
 * every demand elasticity (eta moves the sectors' shares of it, not its total), a day
 * late on the price indices. */
static double spend_per_income(const tw_day_view *v, int j) {
    double num = 0.0, den = 0.0;
    for (int s = 0; s < TW_NSEC; s++) {
        int c = j * TW_NSEC + s;
        num += v->e0[c] * pow(v->pbar[c] / v->pbar0[c], 1.0 - v->demand_elasticity);
        den += v->e0[c];
    }
    return num / den;
}

tw_status tw_ge_day_step(tw_ge_day *g, const tw_day_view *v, tw_err *err) {
    uint32_t d = v->d;
    accounts(g, v);
    for (int j = 0; j < v->world->nreg; j++)
        g->income_set[j] = d == 0 ? 0.0 : g->income_next[j] + g->duty[j];
    if (d == 0)
        first_day(g, v);
    else
        day_welfare(g, v);
    remember(g, v);
    if (!g->p.enabled) return TW_OK;
    if ((d + 1) % (uint32_t)g->p.interval == 0) {
        tw_status st = update_prices(g, v, err);
        if (st != TW_OK) return st;
    }
    for (int j = 0; j < v->world->nreg; j++) {
        g->income_next[j] = g->w[j] * g->q0[j] + g->deficit0[j];
        g->income[j] = g->income_next[j] /
                       ((g->q0[j] + g->deficit0[j]) * spend_per_income(v, j));
    }
    return TW_OK;
}

tw_status tw_ge_welfare_at(const tw_day_view *v, const tw_rate_table tau, int r, double *welfare,
                           tw_err *err) {
    const int n = v->world->nreg;
    double t0[TW_NREG_MAX * TW_NREG_MAX * TW_NSEC], t1[TW_NREG_MAX * TW_NREG_MAX * TW_NSEC];
    by_exporter(*v->tau0, n, t0);
    by_exporter(tau, n, t1);
    tw_ge_problem prob = {n, TW_NSEC, v->world->packed, t0, t1, NULL, v->sigma, 0,
                          v->sigma_upper};
    tw_ge_options opt = tw_ge_options_default();
    opt.path_steps = 0;
    tw_ge_result *res = tw_ge_result_alloc(n, TW_NSEC);
    if (res == NULL) return tw_err_set(err, TW_ENOMEM, "out of memory");
    tw_status st = tw_ge_solve(&prob, &opt, res, err);
    *welfare = res->welfare[r];
    tw_ge_result_free(res);
    return st;
}
