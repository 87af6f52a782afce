/* tw_ge_day.c - the general-equilibrium closure of the daily model: producer prices that
 * clear each region's market, and welfare decomposed along the simulated path.
 *
 * Producer prices. Each replicate keeps each region's producer price (wage) w_i, 1 on the
 * first day; buyers pay w_o (1 + pass_through tau) for foreign goods and w_i for their own
 * (tw_buyer_price), so a tariff moves the terms of trade and diversion reaches the
 * bystanders. Every `ge.interval_days` days, after the flows are known, tw_ge_price_step
 * (tw_ge.h) gives the price p_i that clears the market for i's goods given what the firm
 * agents spent today (export supply flat at the region's first-day output, eta = 0, the
 * fixed endowment of tw_ge_solve; base output q0_i = the first day's sales, so the first
 * day is a market equilibrium of the agents), and w moves part of the way there:
 *
 *   ln w_i <- ln w_i + k (ln p_i - ln w_i),   k = 1 - exp(-interval / adjustment_days),
 *
 * then w is scaled to the numeraire of tw_ge_solve (sum_i w_i q0_i = sum_i q0_i). Buyers
 * spend their region's income, as in tw_ge_solve: tomorrow each cell's spending is scaled
 * by (w_j q0_j + D_j + R_j) / E_j(first day), with D_j the first day's spending less its
 * sales and duty (fixed, summing to zero over regions) and R_j today's duty, rebated; so
 * duty is spent instead of leaving the world's demand. Why a
 * time constant and not the step alone: the step assumes demand answers a price at its
 * CES elasticity at once, while the firm agents re-choose over months; and in 2018-19
 * foreign pre-tariff prices of targeted goods did not fall within the first 12-18 months
 * (complete pass-through: Fajgelbaum et al. 2020, Amiti, Redding and Weinstein 2019),
 * so producer prices answer over a year or more (data/general_equilibrium.csv,
 * export_supply_elasticity_short_run). adjustment_days = 365 is a judgement anchored on
 * that finding, not a fitted value; tw_ge_price_step's own step is the k = 1 limit.
 *
 * Welfare. The decomposition of tw_ge.h (Caliendo-Parro 2015, section 4, without
 * input-output links), chained day by day along the simulated path instead of along a
 * tariff path: with M_ijs customs value (flows at producer prices), U_ijs what j's buyers
 * use of i's goods at customs value (their normal purchases at today's prices: no stock
 * built or drawn, nothing in transit, no seasonal timing), q = U / w_i, t j's tariff paid
 * on those purchases (s->tau_paid: a cell split into sub-cells pays each one's rate), E_j
 * j's spending (duty included) and bars the mean of yesterday and today (the trapezoid
 * rule):
 *
 *   d tot_j    = [sum_{k!=j,s} M_jks dln w_j - sum_{i!=j,s} M_ijs dln w_i] / E_j
 *   d volume_j = sum_{i!=j,s} t_ijs w_i dq_ijs / E_j
 *   d revenue_j = dR_j / E_j   (the collected part of d volume_j)
 *   welfare_j  = tot_j + volume_j   (log points of real spending against the first day)
 *
 * (home sales and purchases cancel in tot; deficits are fixed, so there is no transfer.)
 * The volume term follows what buyers use, not what enters customs: orders pulled forward
 * or postponed around a tariff change, and shipments entering after their days in
 * transit, move customs entries without changing what is consumed, and a stock built
 * ahead of a tariff is not a gain (nor its run-down a loss). Revenue is the duty on the
 * day's entries, so volume - revenue is no longer the buyers' duty day by day, only over
 * a period in which stocks return to normal.
 * At an equilibrium path of optimising buyers this is d ln(E_j / P_j) to first order, the
 * quantity tw_ge_solve integrates; here it is its definition, which stays meaningful while
 * the agents are out of equilibrium, and makes tot + volume = welfare exactly. A jump of a
 * tariff is one trapezoid (first order on that day). With ge.enabled false, w stays 1,
 * prices, flows and revenue are those of fixed producer prices and tot is 0.
 */
#include "tw_ge_day.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tw_ge.h"

struct tw_ge_day {
    tw_ge_day_params p;
    double w[TW_NREG];       /* producer price (wage) in today's prices, first day 1 */
    double q0[TW_NREG];      /* sales on the first day at producer prices, USD bn / year */
    double e_first[TW_NREG]; /* first-day spending (duty included), USD bn / year */
    double deficit[TW_NREG]; /* first-day spending - sales - duty, USD bn / year (fixed) */
    double income[TW_NREG];  /* tw_ge_day_income */
    /* yesterday: ln w, customs value, use at customs value, rates paid on purchases,
     * spending and duty */
    double lnw[TW_NREG];
    double customs[TW_NREG][TW_NREG][TW_NSEC];
    double use[TW_NREG][TW_NREG][TW_NSEC];
    tw_rate_table tau;
    double spend[TW_NREG], rev[TW_NREG];
    /* the welfare decomposition chained day by day (log points against the first day) */
    double wf_tot[TW_NREG], wf_volume[TW_NREG], wf_revenue[TW_NREG];
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
    for (int i = 0; i < TW_NREG; i++) g->w[i] = g->income[i] = 1.0;
    return TW_OK;
}

void tw_ge_day_free(tw_ge_day *g) { free(g); }

const double *tw_ge_day_prices(const tw_ge_day *g) { return g->w; }
const double *tw_ge_day_income(const tw_ge_day *g) { return g->income; }

double tw_ge_day_value(const tw_ge_day *g, tw_ge_quantity q, int r) {
    switch (q) {
    case TW_GE_PRICE: return g->w[r];
    case TW_GE_WELFARE: return 100.0 * (g->wf_tot[r] + g->wf_volume[r]);
    case TW_GE_TOT: return 100.0 * g->wf_tot[r];
    case TW_GE_VOLUME: return 100.0 * g->wf_volume[r];
    case TW_GE_REVENUE: return 100.0 * g->wf_revenue[r];
    }
    return 0.0;
}

/* Tariff of importer j on origin i as a [exporter][importer][sector] table (0 at home). */
static void tw__by_exporter(const tw_rate_table tau, double out[TW_NREG][TW_NREG][TW_NSEC]) {
    for (int i = 0; i < TW_NREG; i++)
        for (int j = 0; j < TW_NREG; j++)
            for (int s = 0; s < TW_NSEC; s++) out[i][j][s] = i == j ? 0.0 : tau[j][i][s];
}

static void tw__remember(tw_ge_day *g, const tw_day_view *v) {
    memcpy(g->customs, v->customs, sizeof g->customs);
    memcpy(g->use, v->use, sizeof g->use);
    memcpy(g->tau, *v->tau_paid, sizeof g->tau);
    for (int j = 0; j < TW_NREG; j++) {
        g->lnw[j] = log(g->w[j]);
        g->spend[j] = g->rev[j] = 0.0;
        for (int i = 0; i < TW_NREG; i++)
            for (int k = 0; k < TW_NSEC; k++) {
                g->spend[j] += v->spend[i][j][k];
                g->rev[j] += v->revenue[i][j][k];
            }
    }
}

/* One trapezoid of the decomposition, from the remembered day to today. */
static void tw__chain(tw_ge_day *g, const tw_day_view *v) {
    const tw_rate_table *tau = v->tau_paid;
    double dlw[TW_NREG];
    for (int i = 0; i < TW_NREG; i++) dlw[i] = log(g->w[i]) - g->lnw[i];
    for (int j = 0; j < TW_NREG; j++) {
        double e = 0.0, rev = 0.0, tot = 0.0, vol = 0.0;
        for (int i = 0; i < TW_NREG; i++)
            for (int k = 0; k < TW_NSEC; k++) {
                e += v->spend[i][j][k];
                rev += v->revenue[i][j][k];
                if (i == j) continue;
                tot += 0.5 * (g->customs[j][i][k] + v->customs[j][i][k]) * dlw[j];
                tot -= 0.5 * (g->customs[i][j][k] + v->customs[i][j][k]) * dlw[i];
                double w0 = exp(g->lnw[i]), w1 = g->w[i];
                double dq = v->use[i][j][k] / w1 - g->use[i][j][k] / w0;
                vol += 0.5 * (g->tau[j][i][k] + (*tau)[j][i][k]) * 0.5 * (w0 + w1) * dq;
            }
        double ebar = 0.5 * (e + g->spend[j]);
        if (!(ebar > 0.0)) continue;
        g->wf_tot[j] += tot / ebar;
        g->wf_volume[j] += vol / ebar;
        g->wf_revenue[j] += (rev - g->rev[j]) / ebar;
    }
}

/* Move g->w toward the prices that clear today's market (the header's rule). */
static tw_status tw__update_prices(tw_ge_day *g, const tw_day_view *v, tw_err *err) {
    double tariff[TW_NREG][TW_NREG][TW_NSEC], target[TW_NREG], eta[TW_NREG] = {0};
    /* With a handful of firms a region can sell nothing on a day (every buyer, its own
     * included, chose another origin); its market has no price then, so all hold. */
    for (int i = 0; i < TW_NREG; i++) {
        double sales = 0.0;
        for (int j = 0; j < TW_NREG; j++)
            for (int k = 0; k < TW_NSEC; k++) sales += v->customs[i][j][k];
        if (!(sales > 0.0) || !(g->q0[i] > 0.0)) return TW_OK;
    }
    tw__by_exporter(*v->tau_in, tariff);
    tw_status st = tw_ge_price_step(TW_NREG, TW_NSEC, &v->spend[0][0][0], &tariff[0][0][0], g->q0,
                                    g->w, eta, v->sigma, v->sigma_upper, target, err);
    if (st != TW_OK) return st;
    double k = -expm1(-(double)g->p.interval / g->p.adjust_days), gdp = 0.0, world = 0.0;
    for (int i = 0; i < TW_NREG; i++) {
        g->w[i] *= exp(k * (log(target[i]) - log(g->w[i])));
        gdp += g->w[i] * g->q0[i];
        world += g->q0[i];
    }
    for (int i = 0; i < TW_NREG; i++) g->w[i] *= world / gdp;
    return TW_OK;
}

tw_status tw_ge_day_step(tw_ge_day *g, const tw_day_view *v, tw_err *err) {
    uint32_t d = v->d;
    if (d == 0) {
        for (int i = 0; i < TW_NREG; i++) {
            g->q0[i] = 0.0;
            for (int j = 0; j < TW_NREG; j++)
                for (int k = 0; k < TW_NSEC; k++) g->q0[i] += v->customs[i][j][k];
            g->wf_tot[i] = g->wf_volume[i] = g->wf_revenue[i] = 0.0;
        }
    } else {
        tw__chain(g, v);
    }
    tw__remember(g, v);
    if (d == 0)
        for (int j = 0; j < TW_NREG; j++) {
            g->e_first[j] = g->spend[j];
            g->deficit[j] = g->spend[j] - g->rev[j] - g->q0[j];
        }
    if (!g->p.enabled) return TW_OK;
    if ((d + 1) % (uint32_t)g->p.interval == 0) {
        tw_status st = tw__update_prices(g, v, err);
        if (st != TW_OK) return st;
    }
    for (int j = 0; j < TW_NREG; j++)
        g->income[j] = (g->w[j] * g->q0[j] + g->deficit[j] + g->rev[j]) / g->e_first[j];
    return TW_OK;
}

tw_status tw_ge_welfare_at(const tw_day_view *v, const tw_rate_table tau, int r, double *welfare,
                           tw_err *err) {
    double t0[TW_NREG][TW_NREG][TW_NSEC], t1[TW_NREG][TW_NREG][TW_NSEC];
    tw__by_exporter(*v->tau0, t0);
    tw__by_exporter(tau, t1);
    tw_ge_problem prob = {TW_NREG, TW_NSEC, &v->world->flow[0][0][0], &t0[0][0][0], &t1[0][0][0],
                          NULL, v->sigma, 0, v->sigma_upper};
    tw_ge_options opt = tw_ge_options_default();
    opt.path_steps = 0;
    tw_ge_result *res = tw_ge_result_alloc(TW_NREG, TW_NSEC);
    if (res == NULL) return tw_err_set(err, TW_ENOMEM, "out of memory");
    tw_status st = tw_ge_solve(&prob, &opt, res, err);
    *welfare = res->welfare[r];
    tw_ge_result_free(res);
    return st;
}
