/* Rare-earth firms against what theory says they must do: under a halt every firm stops
 * on the day its own stock runs out and the halted share follows the closed-form curve of
 * the stock distribution; licence delays are geometric in working days; tonnes shipped
 * equal tonnes received plus tonnes in transit every day; output never exceeds what the
 * magnets at hand allow (Leontief). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tw_config.h"
#include "tw_csvread.h"
#include "tw_trade.h"
#include "tw_rare_earths_internal.h"
#include "tw_trade_internal.h"


#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

#include "re_common.h"
#include "four_regions.h"

/* ------------------------------------------------------------------------------------ */

/* A halt from day d = 30 after a month of open trade. Each US firm's fate follows from
 * its stock x and its order q in transit (arriving on day a) at the end of day d - 1:
 * nothing more ships, so it produces fully until its magnets run out. If the order
 * arrives before the stock is gone, that is on day d + floor(x + q); if it arrives after,
 * the firm stops on day d + floor(x), restarts on day a and stops again on a + floor(q).
 * A firm is out on a day when what it has at the start of the day is less than the day's
 * need. Every firm and every day must match, and the halted count of each cell must equal
 * the firms predicted out. */
Test(rare_earths, homogeneous_firms_stop_exactly_when_their_stock_runs_out) {
    char re[1024];
    snprintf(re, sizeof re, HOMOGENEOUS, 3000);
    char *y = yaml("2025-01-01", "2025-04-30", re,
                   "  - {id: h, exporter: CN, destination: US, regime: halt, "
                   "effective: 2025-01-31}\n");
    sim m;
    sim_open(&m, y, false, NULL, 1, 7, 0);
    const uint32_t d = 30;
    for (uint32_t t = 0; t < d; t++) sim_step(&m, t);
    cr_assert_eq(m.s->re->dd[TW_US].regime, TW_CTRL_OPEN);
    int cells[TW_NCELL];
    int nc = us_cells(m.p, cells);
    cr_assert_eq(nc, 3, "vehicles, electronics and machinery depend on magnets");
    size_t per = (size_t)m.p->re.per_cell;
    float *x0 = malloc(nc * per * sizeof *x0), *q0 = malloc(nc * per * sizeof *q0);
    int32_t *a0 = malloc(nc * per * sizeof *a0);
    size_t in_transit = 0;
    for (int i = 0; i < nc; i++)
        for (size_t k = 0; k < per; k++) {
            size_t g = (size_t)cells[i] * per + k, l = (size_t)i * per + k;
            x0[l] = m.s->re->stock[g];
            bool moving = m.s->re->order[g] > 0.0f && m.s->re->arrive[g] >= 0;
            q0[l] = moving ? m.s->re->order[g] : 0.0f;
            a0[l] = moving ? m.s->re->arrive[g] : -1;
            in_transit += moving;
        }
    cr_assert_gt(in_transit, per / 4, "the test needs orders in transit at the halt");
    float *avail = malloc(nc * per * sizeof *avail);
    for (uint32_t t = d; t < (uint32_t)m.p->ndays; t++) {
        /* What each firm has at the start of day t: yesterday's closing stock plus an
         * order arriving today, read from the state before the step. */
        for (int i = 0; i < nc; i++)
            for (size_t k = 0; k < per; k++) {
                size_t g = (size_t)cells[i] * per + k;
                bool arrives = m.s->re->order[g] > 0.0f && m.s->re->arrive[g] == (int32_t)t;
                avail[(size_t)i * per + k] = m.s->re->stock[g] + (arrives ? m.s->re->order[g] : 0.0f);
            }
        sim_step(&m, t);
        cr_assert_eq(m.s->re->dd[TW_US].regime, TW_CTRL_HALT);
        for (int i = 0; i < nc; i++) {
            int c = m.p->re.cell[cells[i]];
            double predicted_out = 0.0;
            for (size_t k = 0; k < per; k++) {
                size_t l = (size_t)i * per + k;
                float x = x0[l], q = q0[l];
                int32_t a = a0[l], dd = (int32_t)d, tt = (int32_t)t;
                bool full;
                if (a < 0)
                    full = tt < dd + (int32_t)floorf(x);
                else if (a <= dd + (int32_t)floorf(x))
                    /* the stock at arrival, x - (a - d), is exact in floats (x < 2^24) */
                    full = tt < a + (int32_t)floorf(x - (float)(a - dd) + q);
                else
                    full = tt < dd + (int32_t)floorf(x) || (tt >= a && tt < a + (int32_t)floorf(q));
                bool producing = avail[l] >= 1.0f;
                cr_assert_eq(producing, full,
                             "day %u, cell %d, firm %zu: had %g, predicted %s (x %.9g q %.9g a %d)",
                             t, c, k, avail[l], full ? "producing" : "stopped", x, q, a);
                cr_assert_eq(m.s->re->stock[(size_t)cells[i] * per + k],
                             producing ? avail[l] - 1.0f : 0.0f, "day %u firm %zu: stock", t, k);
                predicted_out += !full;
            }
            cr_assert_eq(m.s->re->halted[c], predicted_out, "day %u cell %d: %g halted, %g predicted",
                         t, c, m.s->re->halted[c], predicted_out);
        }
    }
    free(avail);
    /* By the end (90 days on, longer than any cover plus order) every US firm is out. */
    for (int i = 0; i < nc; i++) cr_assert_eq(m.s->re->halted[m.p->re.cell[cells[i]]], (double)per);
    cr_assert_float_eq(m.s->re->output_loss[TW_US][TW_VEHICLES], 1.0, 1e-12);
    cr_assert_eq(m.s->re->output_loss[TW_EU][TW_VEHICLES], 0.0, "the EU is not under the halt");
    free(x0);
    free(q0);
    free(a0);
    free(y);
    sim_close(&m);
}

/* Closed form of the halted share under a halt from the first day: a firm starts at a
 * uniform point of its ordering cycle of length T = L + S - R: with probability L / T an
 * order of S - R + L shipped before the start is on its way and arrives before the own
 * stock R - u runs out, so its magnets X0 are uniform on (S, S + L]; otherwise X0 is
 * uniform on [R, S]. Together X0 is uniform on [R, S + L], nothing more arrives, and the
 * firm is halted on day t (magnets below one day's need at the start of the day) exactly
 * when X0 < t + 1:
 *     P(t) = E_S[ clamp((t + 1 - R(S)) / (S + L - R(S)), 0, 1) ],  R(S) = L + r (S - L).
 * With one cover S that is a straight line; with lognormal covers clamped to [min, max]
 * the expectation is a one-dimensional integral over the normal z, done here by Simpson's
 * rule on [-8, 8] with 4000 intervals (error far below the sampling error). The simulated
 * share of n = 3 x 20000 US firms must lie within 4 binomial standard errors,
 * 4 sqrt(P (1 - P) / n), plus 1/n. */
static double closed_form(double t, double median, double lsd, double lo, double hi, double lag,
                          double r) {
    const int N = 4000;
    const double a = -8.0, b = 8.0, h = (b - a) / N;
    double sum = 0.0;
    for (int i = 0; i <= N; i++) {
        double z = a + i * h;
        double S = median * exp(lsd * z);
        S = S < lo ? lo : S > hi ? hi : S;
        double R = lag + r * (S - lag);
        double f = (t + 1.0 - R) / (S + lag - R);
        f = f < 0.0 ? 0.0 : f > 1.0 ? 1.0 : f;
        double w = (i == 0 || i == N) ? 1.0 : (i % 2 ? 4.0 : 2.0);
        sum += w * f * exp(-0.5 * z * z) / sqrt(2.0 * M_PI);
    }
    sum *= h / 3.0;
    return sum < 0.0 ? 0.0 : sum > 1.0 ? 1.0 : sum;
}

static void check_closed_form(const char *re, double median, double lsd, double lo, double hi) {
    char *y = yaml("2025-01-01", "2025-05-31", re,
                   "  - {id: h, exporter: CN, destination: US, regime: halt, "
                   "effective: 2025-01-01}\n");
    sim m;
    sim_open(&m, y, false, NULL, 1, 7, 3);
    int cells[TW_NCELL];
    int nc = us_cells(m.p, cells);
    double n = nc * (double)m.p->re.per_cell;
    double worst = 0.0;
    for (uint32_t t = 0; t < (uint32_t)m.p->ndays; t++) {
        sim_step(&m, t);
        double halted = 0.0;
        for (int i = 0; i < nc; i++) halted += m.s->re->halted[m.p->re.cell[cells[i]]];
        double P = closed_form(t, median, lsd, lo, hi, 14.0, 0.5);
        double tol = 4.0 * sqrt(P * (1.0 - P) / n) + 1.0 / n;
        cr_assert_leq(fabs(halted / n - P), tol, "day %u: simulated %.5f, closed form %.5f", t,
                      halted / n, P);
        if (fabs(halted / n - P) > worst) worst = fabs(halted / n - P);
    }
    cr_assert_lt(worst, 0.02);
    free(y);
    sim_close(&m);
}

Test(rare_earths, halted_share_follows_the_closed_form_for_one_cover) {
    char re[1024];
    snprintf(re, sizeof re, HOMOGENEOUS, 20000);
    check_closed_form(re, 40.0, 0.0, 20.0, 120.0);
}

Test(rare_earths, halted_share_follows_the_closed_form_for_lognormal_covers) {
    const char *re = "per_cell: 20000, cover_median_days: 40, cover_log_sd: 0.5, "
                     "cover_median_replicate_log_sd: 0, cover_min_days: 20, cover_max_days: 120, "
                     "ship_lag_days: 14, reorder_share: 0.5, non_china_share: 0, "
                     "non_china_max_share: 0" NO_TIERS;
    check_closed_form(re, 40.0, 0.5, 20.0, 120.0);
}

/* Licensing toward every destination with a review of 10 working days of which a share
 * 1 - 0.9^10 is decided in time: approval hazard h = 1 - (0.9^10)^(1/10) = 0.1 per
 * working day. A delay, counted in working days after the filing day up to and
 * including the approval day, is geometric on {1, 2, ...}: mean 1/h = 10, variance
 * (1 - h)/h^2 = 90. Applications filed in the first 100 days of 260 are followed to their
 * approval: one is still pending at the end with probability 0.9^114 = 6e-6, and the
 * test fails if any is (the sample would be censored). The sample mean
 * must be within 4 standard errors s/sqrt(N) of 10 and the sample variance within 4
 * standard errors sqrt((m4 - s^4)/N) of 90; no approval may fall on a weekend. */
Test(rare_earths, licence_delays_are_geometric_in_working_days) {
    const char *re = "per_cell: 4000, cover_median_days: 30, cover_log_sd: 0.3, "
                     "cover_median_replicate_log_sd: 0, cover_min_days: 20, ship_lag_days: 10, "
                     "review_working_days: 10, review_share: 0.6513215599, non_china_share: 0, "
                     "non_china_max_share: 0, customers_per_supplier: 1";
    char *y = yaml("2025-01-01", "2025-09-17", re,
                   "  - {id: l, exporter: CN, destination: ALL, regime: licensing, "
                   "effective: 2025-01-01}\n");
    sim m;
    sim_open(&m, y, false, NULL, 1, 7, 5);
    cr_assert_float_eq(m.p->re.hazard, 0.1, 1e-10);
    size_t n = m.s->re->n;
    int32_t *filed = malloc(n * sizeof *filed);
    for (size_t i = 0; i < n; i++) filed[i] = -1;
    double *delays = malloc(10 * n * sizeof *delays);
    size_t nd = 0, open_at_end = 0;
    for (uint32_t t = 0; t < (uint32_t)m.p->ndays; t++) {
        sim_step(&m, t);
        tw_day today = m.p->start + (tw_day)t;
        double approvals = 0.0;
        for (int j = 0; j < m.p->re.ncell; j++) approvals += m.s->re->approvals[m.p->re.cell[j]];
        if (!tw_is_working_day(today)) cr_assert_eq(approvals, 0.0, "approvals on %d", today);
        for (size_t i = 0; i < n; i++) {
            bool pending = m.s->re->order[i] > 0.0f && m.s->re->arrive[i] < 0;
            if (pending && filed[i] < 0) {
                filed[i] = (int32_t)t;
            } else if (!pending && filed[i] >= 0) {
                int wd = 0;
                for (int32_t u = filed[i] + 1; u <= (int32_t)t; u++)
                    wd += tw_is_working_day(m.p->start + u);
                if (filed[i] < 100) delays[nd++] = wd;
                filed[i] = -1;
            }
        }
    }
    for (size_t i = 0; i < n; i++) open_at_end += filed[i] >= 0 && filed[i] < 100;
    cr_assert_eq(open_at_end, 0, "%zu early applications still pending", open_at_end);
    cr_assert_gt(nd, n, "expected more than one application per firm, got %zu", nd);
    double mean = 0.0, m2 = 0.0, m4 = 0.0;
    for (size_t i = 0; i < nd; i++) mean += delays[i];
    mean /= (double)nd;
    for (size_t i = 0; i < nd; i++) {
        double e = delays[i] - mean;
        m2 += e * e;
        m4 += e * e * e * e;
    }
    double var = m2 / (double)(nd - 1);
    m4 /= (double)nd;
    double se_mean = sqrt(var / (double)nd), se_var = sqrt((m4 - var * var) / (double)nd);
    cr_assert_leq(fabs(mean - 10.0), 4.0 * se_mean, "mean delay %.4f (se %.4f), expected 10", mean,
                  se_mean);
    cr_assert_leq(fabs(var - 90.0), 4.0 * se_var, "variance %.3f (se %.3f), expected 90", var,
                  se_var);
    free(filed);
    free(delays);
    free(y);
    sim_close(&m);
}

/* Tonnes shipped since the start = tonnes received + tonnes in transit, every day and
 * every dependent cell, through open trade, slow-roll, a halt with its backlog, licences
 * with validity, and the reopening. Sums of the same orders in a different order: equal
 * to 1e-9 relative. And no order is ever lost: each is waiting for a licence or arrives
 * on a later day. */
Test(rare_earths, tonnes_shipped_equal_received_plus_in_transit_every_day) {
    const char *controls =
        "  - {id: a, exporter: CN, destination: ALL, regime: slow_roll, slow_roll_factor: 0.3,\n"
        "     effective: 2025-02-01}\n"
        "  - {id: b, exporter: CN, destination: US, regime: halt, effective: 2025-03-01,\n"
        "     duration_days: 30}\n"
        "  - {id: c, exporter: CN, destination: US, regime: licensing, validity_days: 60,\n"
        "     effective: 2025-04-15, end: 2025-06-01}\n";
    char *y = yaml("2025-01-01", "2025-07-31", "per_cell: 3000", controls);
    sim m;
    sim_open(&m, y, false, NULL, 1, 7, 1);
    double shipped_total = 0.0;
    for (uint32_t t = 0; t < (uint32_t)m.p->ndays; t++) {
        sim_step(&m, t);
        for (int j = 0; j < m.p->re.ncell; j++) {
            int c = m.p->re.cell[j];
            double lhs = m.s->re->cum_shipped_t[c];
            double rhs = m.s->re->cum_received_t[c] + m.s->re->transit_t[c];
            cr_assert_leq(fabs(lhs - rhs), 1e-9 * (lhs > 1.0 ? lhs : 1.0),
                          "day %u cell %d: shipped %.12g, received + in transit %.12g", t, c, lhs,
                          rhs);
            shipped_total += m.s->re->shipped_t[c];
            /* every order is either waiting for a licence or on its way: none is lost */
            for (size_t k = 0; k < (size_t)m.p->re.per_cell; k++) {
                size_t i = (size_t)j * (size_t)m.p->re.per_cell + k;
                float q = m.s->re->order[i];
                int32_t a = m.s->re->arrive[i];
                cr_assert(q == 0.0f || (q > 0.0f && (a == -1 || a > (int32_t)t)),
                          "day %u cell %d firm %zu: order %g arriving %d", t, c, k, q, a);
            }
            if (t >= 59 && t < 89 && c / TW_NSEC == TW_US)
                cr_assert_eq(m.s->re->shipped_t[c], 0.0, "shipment to the US during the halt");
        }
    }
    cr_assert_gt(shipped_total, 0.0);
    free(y);
    sim_close(&m);
}

/* Rationing: a firm produces F(min(1, free + magnets at hand)), where magnets at hand are
 * yesterday's closing stock plus today's arrival, read from the state before the step,
 * and F is the cell's rationing curve. Each cell's mean gross output must equal the mean
 * of that bound (to float rounding), and output_loss_gross must be one minus it. Run with
 * other suppliers ramping up (ns from 0.06 to 0.3) under a halt to every destination. */
Test(rare_earths, output_never_exceeds_what_the_magnets_at_hand_allow) {
    const char *re = "per_cell: 2000, non_china_share: 0.06, non_china_max_share: 0.3, "
                     "ramp_days: 60, cover_max_days: 60, distributor_days: 0, "
                     "wip_days: {vehicles: 0, electronics: 0, machinery: 0}, "
                     "embedded_share: {vehicles: 0.15}, outside_scope_share: {vehicles: 0.05}";
    char *y = yaml("2025-01-01", "2025-09-30", re,
                   "  - {id: h, exporter: CN, destination: ALL, regime: halt, "
                   "effective: 2025-02-01}\n");
    sim m;
    sim_open(&m, y, false, NULL, 1, 7, 2);
    size_t n = m.s->re->n, per = (size_t)m.p->re.per_cell;
    float *avail = malloc(n * sizeof *avail);
    double worst_loss = 0.0;
    for (uint32_t t = 0; t < (uint32_t)m.p->ndays; t++) {
        for (size_t i = 0; i < n; i++) {
            bool arrives = m.s->re->order[i] > 0.0f && m.s->re->arrive[i] == (int32_t)t;
            avail[i] = m.s->re->stock[i] + (arrives ? m.s->re->order[i] : 0.0f);
        }
        sim_step(&m, t);
        for (int j = 0; j < m.p->re.ncell; j++) {
            int c = m.p->re.cell[j], r = c / TW_NSEC, sec = c % TW_NSEC;
            double ns = free_share(&m.p->re, sec, m.s->re->dd[r].ns), bound = 0.0;
            for (size_t k = 0; k < per; k++)
                bound += ration(&m.p->re, r, sec, ns + avail[(size_t)j * per + k]);
            bound /= (double)per;
            /* per-firm output is a float, so allow float rounding (1e-5) in the sum */
            cr_assert_leq(m.s->re->output[c], bound + 1e-5, "day %u cell %d: output %.9f > %.9f", t,
                          c, m.s->re->output[c], bound);
            cr_assert_geq(m.s->re->output[c], bound - 1e-5, "day %u cell %d: magnets left unused", t, c);
            double loss = 1.0 - m.s->re->output[c];
            cr_assert_float_eq(m.s->re->gross_loss[r][sec], loss, 1e-12);
            cr_assert_leq(m.s->re->output_loss[r][sec], loss + 1e-12, "catch-up only adds output");
            if (loss > worst_loss) worst_loss = loss;
        }
    }
    /* The ramp is complete: halted US vehicle firms run on the free channels, a share
     * 1 - (1 - 0.15 - 0.3)(1 - 0.05) = 0.4775 of need, rationed to combustion lines
     * (92% of output needing 0.25 / 0.27 of the average magnets per car). */
    cr_assert_float_eq(m.s->re->dd[TW_US].ns, 0.3f, 1e-6);
    double a = 1.0 - 0.55 * 0.95, kept = a / (0.92 * 0.25 / 0.27) * 0.92;
    cr_assert_float_eq(m.s->re->gross_loss[TW_US][TW_VEHICLES], 1.0 - kept, 1e-5, "loss %.6f, expected %.6f", m.s->re->gross_loss[TW_US][TW_VEHICLES], 1.0 - kept);
    cr_assert_float_eq(m.s->re->output_loss[TW_US][TW_VEHICLES], 1.0 - kept, 1e-5);
    cr_assert_gt(worst_loss, 0.4);
    cr_assert_lt(m.s->re->gdp_pct[TW_US], 0.0);
    free(avail);
    free(y);
    sim_close(&m);
}

/* Calibration: with the 2024 defaults and open trade, China's bare-magnet shipments
 * (licensed and outside the controls' scope) to the US average
 * the 2024 customs figure, 600 t a month (19.7 t a day), and to all destinations 52,500 t
 * for January-November scaled to a year (156.9 t a day): the mean over days 60-179 (after
 * the first reorder wave) within 5%. */
Test(rare_earths, open_trade_ships_the_2024_tonnage) {
    char *y = yaml("2025-01-01", "2025-06-29", "per_cell: 4000", "  []\n");
    sim m;
    sim_open(&m, y, false, NULL, 1, 7, 0);
    double us = 0.0, all = 0.0;
    int days = 0;
    for (uint32_t t = 0; t < (uint32_t)m.p->ndays; t++) {
        sim_step(&m, t);
        if (t < 60) continue;
        days++;
        for (int j = 0; j < m.p->re.ncell; j++) {
            int c = m.p->re.cell[j];
            double bare = m.s->re->shipped_t[c] + m.s->re->free_t[c];
            all += bare;
            if (c / TW_NSEC == TW_US) us += bare;
        }
        for (int r = 0; r < TW_NREG; r++) cr_assert_eq(m.s->re->gdp_pct[r], 0.0, "no shortage when open");
    }
    us /= days;
    all /= days;
    cr_assert_leq(fabs(us / (600.0 * 12.0 / 365.0) - 1.0), 0.05, "US %.2f t/day", us);
    cr_assert_leq(fabs(all / (52500.0 * 12.0 / 11.0 / 365.0) - 1.0), 0.05, "all %.2f t/day", all);
    free(y);
    sim_close(&m);
}

/* The defaults by region are the world's rare_earth_regions.csv, read back here row by row:
 * each region's ship_lag_days and ev_share in the nine-region world, and a scenario's map
 * over them for the regions it names. */
static void check_region_defaults(const char *overrides, const char *region, double ev,
                                  int lag) {
    char y[4096];
    snprintf(y, sizeof y,
             "start: 2025-01-01\nend: 2025-01-10\nworld: nine\nfirms: {per_cell: 1}\n"
             "model: {data_dir: %s/data}\nrare_earths: {%s}\n", TW_SOURCE_DIR, overrides);
    tw_cfg *cfg;
    tw_err err;
    cr_assert_eq(tw_cfg_load_string("s.yaml", y, strlen(y), &cfg, &err), TW_OK, "%s", err.msg);
    void *params;
    cr_assert_eq(tw_trade_model.load(tw_cfg_root(cfg), &params, &err), TW_OK, "%s", err.msg);
    const tw_trade_params *p = params;
    cr_assert_eq(p->world.nreg, 9);
    tw_csv *t;
    cr_assert_eq(tw_csv_read(TW_SOURCE_DIR "/data/worlds/nine/rare_earth_regions.csv", &t, &err),
                 TW_OK, "%s", err.msg);
    int c_reg = tw_csv_col(t, "region"), c_lag = tw_csv_col(t, "ship_lag_days"),
        c_ev = tw_csv_col(t, "ev_share");
    cr_assert(c_reg >= 0 && c_lag >= 0 && c_ev >= 0);
    cr_assert_eq((int)tw_csv_rows(t), p->world.nreg);
    for (size_t row = 0; row < tw_csv_rows(t); row++) {
        const char *code = tw_csv_field(t, row, (size_t)c_reg);
        int r = tw_world_region(&p->world, code);
        cr_assert_geq(r, 0, "%s", code);
        bool named = region != NULL && strcmp(code, region) == 0;
        double want_ev = named && ev >= 0.0 ? ev : atof(tw_csv_field(t, row, (size_t)c_ev));
        int want_lag = named && lag > 0 ? lag : atoi(tw_csv_field(t, row, (size_t)c_lag));
        cr_assert_eq(p->re.ev_share[r], want_ev, "%s ev_share %g", code, p->re.ev_share[r]);
        cr_assert_eq(p->re.ship_lag[r], want_lag, "%s ship_lag %d", code, p->re.ship_lag[r]);
    }
    tw_csv_free(t);
    tw_trade_model.free_params(params);
    tw_cfg_free(cfg);
}

Test(rare_earths, defaults_by_region_are_the_world_files) {
    check_region_defaults("", NULL, -1.0, 0);
    check_region_defaults("ev_share: {JP: 0.5}, ship_lag_days: {JP: 9}", "JP", 0.5, 9);
}
