/* tw_flows.c - the day's flows (tw_flows.h): orders, the shipping pipeline, customs entries
 * and duty.
 *
 * The firms decide what they buy (tw_firms.c); this file turns their day's choices into
 * money: each cell's quantity from its price index, scaled by its region's split of its
 * income between its own goods and imports (the closure's, tw_ge_day_balance: scales), each
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
 */
#include "tw_flows.h"

#include <math.h>
#include <stdlib.h>

#define PMS_SHARE 0.85   /* share of US duty paid on the periodic monthly statement */
#define PMS_WORKDAY 15   /* paid on this working day of the month after release */
#define DAILY_WORKDAYS 10 /* the rest: paid this many working days after release */
#define DEPOSIT_MAX 64   /* days a deposit may lag its entry, at most (ring length) */

struct tw_flows {
    double spend[TW_NREG_MAX][TW_NREG_MAX][TW_NSEC];   /* [exporter][importer][s], USD bn / year */
    double customs[TW_NREG_MAX][TW_NREG_MAX][TW_NSEC]; /* customs value, USD bn / year */
    double revenue[TW_NREG_MAX][TW_NREG_MAX][TW_NSEC]; /* tariff revenue collected, USD bn / year */
    double revenue_stat[TW_NREG_MAX][TW_NREG_MAX][TW_NSEC]; /* statutory: rate paid x customs value */
    double use[TW_NREG_MAX][TW_NREG_MAX][TW_NSEC];     /* what buyers use at customs value */
    double collected[TW_NREG_MAX][TW_NREG_MAX];        /* [exporter][importer] share collected */
    /* customs value of the orders in transit, by the day they were loaded (ring of
     * TW_TRANSIT_MAX days), [exporter][importer][s], USD bn / year */
    double transit[TW_NREG_MAX][TW_NREG_MAX][TW_NSEC][TW_TRANSIT_MAX];
    tw_rate_table tau_in; /* rate paid on the goods entering customs today */
    /* duty to be deposited, by the day it is due (ring of DEPOSIT_MAX days since the
     * start), [exporter][importer], USD bn / year; and today's deposits */
    double due[TW_NREG_MAX][TW_NREG_MAX][DEPOSIT_MAX];
    double deposited[TW_NREG_MAX][TW_NREG_MAX];
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

/* Each region's scale for its own goods (home) and for its imports: 1 without the closure;
 * with it, tw_ge_day_balance's for the day's purchases at scale 1 (customs value, and the
 * duty on them), from each cell's quantity q. */
static void scales(const tw_flows_in *in, const double *q, double home[TW_NREG_MAX],
                   double imports[TW_NREG_MAX]) {
    for (int i = 0; i < in->nreg; i++) home[i] = imports[i] = 1.0;
    if (in->ge == NULL) return;
    double sales[TW_NREG_MAX][TW_NREG_MAX] = {{0}}, duty[TW_NREG_MAX] = {0};
    for (int i = 0; i < in->nreg; i++)
        for (int sec = 0; sec < TW_NSEC; sec++) {
            int c = i * TW_NSEC + sec;
            for (int o = 0; o < in->nreg; o++) {
                double t = (o == i) ? 0.0 : (*in->tau_paid)[i][o][sec];
                double u = q[c] * in->own[c][o] * in->share[c][o] * in->cd[c].rel[o] / (1.0 + t);
                sales[o][i] += u;
                duty[i] += t * u;
            }
        }
    tw_ge_day_balance(in->ge, in->d, in->nreg, sales, duty, home, imports);
}

void tw_flows_day(tw_flows *f, const tw_flows_in *in) {
    const uint32_t d = in->d;
    int year, month, dom;
    tw_civil_from_day(in->day, &year, &month, &dom);
    /* each cell's quantity Q = e0 (P / P0)^(-demand_elasticity), before the split */
    double q[TW_NCELL_MAX], home[TW_NREG_MAX], imports[TW_NREG_MAX];
    for (int c = 0; c < in->nreg * TW_NSEC; c++)
        q[c] = in->e0[c] * pow(in->pbar[c] / in->pbar0[c], -in->demand_elasticity);
    scales(in, q, home, imports);
    for (int i = 0; i < in->nreg; i++) {
        for (int sec = 0; sec < TW_NSEC; sec++) {
            int c = i * TW_NSEC + sec;
            for (int o = 0; o < in->nreg; o++) {
                double t = (o == i) ? 0.0 : (*in->tau_paid)[i][o][sec];
                double own = in->own[c][o] * (o == i ? home[i] : imports[i]);
                double rel = in->cd[c].rel[o];
                /* Today's orders, at today's prices, load today and enter `lag` days
                 * later at the rate of that day; before the first day, orders as on it. */
                double ordered = q[c] * own * in->purchase[c][o] * rel / (1.0 + t);
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
                f->use[o][i][sec] = q[c] * own * in->share[c][o] * rel / (1.0 + t);
                f->collected[o][i] = tw_duties_collected(in->duties, i, o, in->day);
                f->customs[o][i][sec] = customs;
                f->spend[o][i][sec] = customs * (1.0 + t_in);
                f->revenue_stat[o][i][sec] = t_in * customs;
                f->revenue[o][i][sec] = f->collected[o][i] * t_in * customs;
            }
        }
    }
    for (int o = 0; o < in->nreg; o++)
        for (int i = 0; i < in->nreg; i++) {
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

const double (*tw_flows_customs(const tw_flows *f))[TW_NREG_MAX][TW_NSEC] { return f->customs; }
const double (*tw_flows_spend(const tw_flows *f))[TW_NREG_MAX][TW_NSEC] { return f->spend; }
const double (*tw_flows_revenue(const tw_flows *f))[TW_NREG_MAX][TW_NSEC] { return f->revenue; }
const double (*tw_flows_revenue_stat(const tw_flows *f))[TW_NREG_MAX][TW_NSEC] {
    return f->revenue_stat;
}
const double (*tw_flows_use(const tw_flows *f))[TW_NREG_MAX][TW_NSEC] { return f->use; }
const double (*tw_flows_collected(const tw_flows *f))[TW_NREG_MAX] { return f->collected; }
const double (*tw_flows_deposited(const tw_flows *f))[TW_NREG_MAX] { return f->deposited; }
const tw_rate_table *tw_flows_tau_in(const tw_flows *f) { return &f->tau_in; }
