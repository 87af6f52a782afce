/* tw_flows.c - the day's flows (tw_flows.h): orders, the shipping pipeline, customs entries
 * and duty.
 *
 * The firms decide what they buy (tw_firms.c); this file turns their day's choices into
 * money: each cell's quantity from its price index and its region's income (the closure's,
 * from the same flows at the firms' expected choices: expected_shares, below), each
 * origin's orders and what buyers use from the
 * firms' size shares, days bought and own demand, the pipeline from loading to entry
 * (model.transit), the month's factor of the route
 * (model.seasonality), the rate on entries (in-transit rules) and the share of duty
 * customs collects (tw_duties.h), and the day each entry's duty is deposited. Its state is
 * the pipeline and the deposits scheduled; the rest is the day's result.
 *
 * Deposits (US only: CBP's payment rules; elsewhere duty is deposited on the day of
 * entry). An importer on the periodic monthly statement pays the duty on everything
 * released in a month on the 15th working day of the next month; CBP collects more than
 * 85% of duties that way (CBP, CSMS 63430997 and the PMS guidance; data/README.md,
 * "Deposits"). The rest is paid entry by entry within 10 working days of release (19 CFR
 * 24.25; the daily statement). Working days are Monday to Friday: federal holidays are
 * not counted, which puts a payment a day early in a month with one. On the first day the
 * schedule is filled as if every earlier day had entered the first day's duty, so that
 * deposits start at their steady level.
 *
 * Incomes (with the closure on). A region's income is its producers' sales, the first
 * day's deficit and the day's duty (tw_ge_day_income_solve), with sales taken at the
 * firms' expected choices, not the realised ones. Which supplier each of a finite number
 * of firms holds is a sample of the choice probabilities; sales from the sample would make
 * each region's income answer that sampling noise times one over its import propensity
 * (about 10 for the US: a shift of demand toward a region's goods raises its income, hence
 * its buyers' spending, hence its sales again). The expected shares follow the firms'
 * process exactly in expectation: each day a firm holding o keeps it with probability
 * exp(-h_o), h_o = reopt_rate + reopt_price_sensitivity |ln p_o - ref_o|, and the rest
 * re-choose by today's probabilities (the cell day's cdf); starting from the first day's
 * probabilities, which the first origins are drawn from. ref_o, the log price at which
 * the expected holders of o chose it, is their mean (exact for a sensitivity of 0, the
 * default; with one, the hazard of the mean reference price stands for the mean hazard).
 * The expected flows are this file's flows with those shares in place of the firms' (own
 * demand and the cell's price index from them, tw_flows_own_demand), at spending scale 1;
 * the closure gives each region's income; and each region's actual quantities are scaled
 * so that its buyers spend that income. The realised deficits then differ from the first
 * day's by the change of the sampling noise in sales and duty, not its multiple, and still
 * sum to zero (spending = sales + duty, summed over the world). Without the closure the
 * scale is 1 and none of this is computed.
 */
#include "tw_flows.h"

#include <math.h>
#include <stdlib.h>

#define PMS_SHARE 0.85   /* share of US duty paid on the periodic monthly statement */
#define PMS_WORKDAY 15   /* paid on this working day of the month after release */
#define DAILY_WORKDAYS 10 /* the rest: paid this many working days after release */
#define DEPOSIT_MAX 64   /* days a deposit may lag its entry, at most (ring length) */

struct tw_flows {
    double spend[TW_NREG][TW_NREG][TW_NSEC];   /* [exporter][importer][s], USD bn / year */
    double customs[TW_NREG][TW_NREG][TW_NSEC]; /* customs value, USD bn / year */
    double revenue[TW_NREG][TW_NREG][TW_NSEC]; /* tariff revenue collected, USD bn / year */
    double revenue_stat[TW_NREG][TW_NREG][TW_NSEC]; /* statutory: rate paid x customs value */
    double use[TW_NREG][TW_NREG][TW_NSEC];     /* what buyers use at customs value */
    double collected[TW_NREG][TW_NREG];        /* [exporter][importer] share collected */
    /* customs value of the orders in transit, by the day they were loaded (ring of
     * TW_TRANSIT_MAX days), [exporter][importer][s], USD bn / year */
    double transit[TW_NREG][TW_NREG][TW_NSEC][TW_TRANSIT_MAX];
    tw_rate_table tau_in; /* rate paid on the goods entering customs today */
    /* duty to be deposited, by the day it is due (ring of DEPOSIT_MAX days since the
     * start), [exporter][importer], USD bn / year; and today's deposits */
    double due[TW_NREG][TW_NREG][DEPOSIT_MAX];
    double deposited[TW_NREG][TW_NREG];
    /* the firms' expected choices (the closure's incomes), [TW_NCELL][TW_NREG]: size share
     * of each origin, mean log price at its choice; and each cell's first-day index */
    double se[TW_NCELL][TW_NREG], ref[TW_NCELL][TW_NREG];
    double pbar0e[TW_NCELL];
};

/* Monday to Friday (day 0, 1 January 1970, was a Thursday). */
static bool workday(tw_day day) { return ((day % 7) + 7 + 3) % 7 < 5; }

/* The n-th working day after day (n >= 1). */
static tw_day workdays_after(tw_day day, int n) {
    while (n > 0)
        if (workday(++day)) n--;
    return day;
}

/* The 15th working day of the month after the one day falls in. */
static tw_day pms_day(tw_day day) {
    int y, m, dom;
    tw_civil_from_day(day, &y, &m, &dom);
    tw_day first = tw_day_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1);
    return workdays_after(first - 1, PMS_WORKDAY);
}

/* Schedules the duty of entries on day `entry` (USD bn / year) from importer i on exporter
 * o; `today` is day d of the run; deposits due before it are dropped (the first day's
 * fill only asks for those from today on). */
static void schedule(tw_flows *f, int o, int i, tw_day entry, tw_day today, uint32_t d,
                     double duty) {
    tw_day when[2] = {entry, entry};
    double part[2] = {duty, 0.0};
    if (i == TW_US) {
        when[0] = pms_day(entry);
        when[1] = workdays_after(entry, DAILY_WORKDAYS);
        part[0] = PMS_SHARE * duty;
        part[1] = duty - part[0];
    }
    for (int k = 0; k < 2; k++) {
        if (when[k] < today || part[k] == 0.0) continue;
        f->due[o][i][(d + (uint32_t)(when[k] - today)) % DEPOSIT_MAX] += part[k];
    }
}

tw_status tw_flows_create(tw_flows **out, tw_err *err) {
    *out = calloc(1, sizeof **out);
    return *out != NULL ? TW_OK : tw_err_set(err, TW_ENOMEM, "out of memory");
}

void tw_flows_free(tw_flows *f) { free(f); }
size_t tw_flows_bytes(void) { return sizeof(tw_flows); }

double tw_flows_own_demand(const double share[TW_NREG], const double rel[TW_NREG],
                           const double rel0[TW_NREG], int home, double e, double own[TW_NREG]) {
    double x[TW_NREG], sum = 0.0, w = 0.0, rm = 0.0, wm = 0.0;
    for (int o = 0; o < TW_NREG; o++) {
        x[o] = rel[o] / rel0[o];
        if (o == home) continue;
        rm += share[o] * pow(x[o], 1.0 - e);
        wm += share[o];
    }
    rm = wm > 0.0 ? pow(rm / wm, 1.0 / (1.0 - e)) : 1.0;
    for (int o = 0; o < TW_NREG; o++) {
        own[o] = o == home ? 1.0 : pow(x[o] / rm, -e);
        sum += share[o] * own[o] * x[o];
        w += share[o];
    }
    return w > 0.0 ? sum / w : 1.0;
}

/* The day's expected size shares of each cell's origins (the file's header). */
static void expected_shares(tw_flows *f, const tw_flows_in *in) {
    for (int c = 0; c < TW_NCELL; c++) {
        const tw_cell_day *cd = &in->cd[c];
        double pi[TW_NREG], stay[TW_NREG], moved = 0.0, below = 0.0;
        for (int o = 0; o < TW_NREG; o++) {
            pi[o] = (double)cd->cdf[o] - below;
            below = cd->cdf[o];
        }
        for (int o = 0; o < TW_NREG; o++) {
            if (in->d == 0) {
                f->se[c][o] = pi[o];
                f->ref[c][o] = cd->lnp[o];
                continue;
            }
            double h = cd->hazard_base + cd->hazard_sens * fabs(cd->lnp[o] - f->ref[c][o]);
            stay[o] = f->se[c][o] * exp(-h);
            moved += f->se[c][o] - stay[o];
        }
        if (in->d == 0) continue;
        for (int o = 0; o < TW_NREG; o++) {
            double add = moved * pi[o], held = stay[o] + add;
            if (held > 0.0) f->ref[c][o] = (stay[o] * f->ref[c][o] + add * cd->lnp[o]) / held;
            f->se[c][o] = held;
        }
    }
}

/* Each region's spending scale: 1 without the closure; with it, the income the closure
 * gives for the day's flows at the expected shares over what its buyers would spend at
 * scale 1 (the file's header). */
static void spending_scale(tw_flows *f, const tw_flows_in *in, double scale[TW_NREG]) {
    for (int i = 0; i < TW_NREG; i++) scale[i] = 1.0;
    if (in->ge == NULL) return;
    expected_shares(f, in);
    double sales[TW_NREG][TW_NREG] = {{0}}, duty[TW_NREG] = {0}, actual[TW_NREG] = {0};
    double income[TW_NREG];
    for (int i = 0; i < TW_NREG; i++)
        for (int sec = 0; sec < TW_NSEC; sec++) {
            int c = i * TW_NSEC + sec;
            const double *rel = in->cd[c].rel;
            double own[TW_NREG];
            double pe = tw_flows_own_demand(f->se[c], rel, in->rel0[c], i, in->own_demand, own);
            if (in->d == 0) f->pbar0e[c] = pe;
            double qe = in->e0[c] * pow(pe / f->pbar0e[c], -in->demand_elasticity);
            double q = in->e0[c] * pow(in->pbar[c] / in->pbar0[c], -in->demand_elasticity);
            for (int o = 0; o < TW_NREG; o++) {
                double t = (o == i) ? 0.0 : (*in->tau_paid)[i][o][sec];
                double u = qe * own[o] * f->se[c][o] * rel[o] / (1.0 + t);
                sales[o][i] += u;
                duty[i] += t * u;
                actual[i] += q * in->own[c][o] * in->share[c][o] * rel[o];
            }
        }
    tw_ge_day_income_solve(in->ge, in->d, sales, duty, income);
    for (int i = 0; i < TW_NREG; i++)
        if (actual[i] > 0.0) scale[i] = income[i] / actual[i];
}

void tw_flows_day(tw_flows *f, const tw_flows_in *in) {
    const uint32_t d = in->d;
    int year, month, dom;
    tw_civil_from_day(in->day, &year, &month, &dom);
    double scale[TW_NREG];
    spending_scale(f, in, scale);
    for (int i = 0; i < TW_NREG; i++) {
        for (int sec = 0; sec < TW_NSEC; sec++) {
            int c = i * TW_NSEC + sec;
            double q = in->e0[c] * pow(in->pbar[c] / in->pbar0[c], -in->demand_elasticity);
            q *= scale[i]; /* spending is income (1 without the closure) */
            for (int o = 0; o < TW_NREG; o++) {
                double t = (o == i) ? 0.0 : (*in->tau_paid)[i][o][sec];
                double own = in->own[c][o], rel = in->cd[c].rel[o];
                /* Today's orders, at today's prices, load today and enter `lag` days
                 * later at the rate of that day; before the first day, orders as on it. */
                double ordered = q * own * in->purchase[c][o] * rel / (1.0 + t);
                double *ring = f->transit[o][i][sec];
                if (d == 0)
                    for (int k = 0; k < TW_TRANSIT_MAX; k++) ring[k] = ordered;
                ring[d % TW_TRANSIT_MAX] = ordered;
                uint32_t lag = (uint32_t)in->transit[o][i];
                double customs = in->season[i][o][month - 1] *
                                 ring[(d + TW_TRANSIT_MAX - lag) % TW_TRANSIT_MAX];
                /* Goods entering today pay today's rate, less what an in-transit rule
                 * takes off for them (tw_tariffs_rates_entering); 0 where none applies. */
                double t_in = t + ((*in->tau_entry)[i][o][sec] - (*in->tau_now)[i][o][sec]);
                t_in = o == i ? 0.0 : (t_in > 0.0 ? t_in : 0.0);
                f->tau_in[i][o][sec] = t_in;
                f->use[o][i][sec] = q * own * in->share[c][o] * rel / (1.0 + t);
                f->collected[o][i] = tw_duties_collected(in->duties, i, o, in->day);
                f->customs[o][i][sec] = customs;
                f->spend[o][i][sec] = customs * (1.0 + t_in);
                f->revenue_stat[o][i][sec] = t_in * customs;
                f->revenue[o][i][sec] = f->collected[o][i] * t_in * customs;
            }
        }
    }
    for (int o = 0; o < TW_NREG; o++)
        for (int i = 0; i < TW_NREG; i++) {
            if (o == i) continue;
            double duty = 0.0;
            for (int sec = 0; sec < TW_NSEC; sec++) duty += f->revenue[o][i][sec];
            if (d == 0)
                for (int k = 1; k < DEPOSIT_MAX; k++)
                    schedule(f, o, i, in->day - k, in->day, d, duty);
            schedule(f, o, i, in->day, in->day, d, duty);
            double *slot = &f->due[o][i][d % DEPOSIT_MAX];
            f->deposited[o][i] = *slot;
            *slot = 0.0;
        }
}

const double (*tw_flows_customs(const tw_flows *f))[TW_NREG][TW_NSEC] { return f->customs; }
const double (*tw_flows_spend(const tw_flows *f))[TW_NREG][TW_NSEC] { return f->spend; }
const double (*tw_flows_revenue(const tw_flows *f))[TW_NREG][TW_NSEC] { return f->revenue; }
const double (*tw_flows_revenue_stat(const tw_flows *f))[TW_NREG][TW_NSEC] {
    return f->revenue_stat;
}
const double (*tw_flows_use(const tw_flows *f))[TW_NREG][TW_NSEC] { return f->use; }
const double (*tw_flows_collected(const tw_flows *f))[TW_NREG] { return f->collected; }
const double (*tw_flows_deposited(const tw_flows *f))[TW_NREG] { return f->deposited; }
const tw_rate_table *tw_flows_tau_in(const tw_flows *f) { return &f->tau_in; }
