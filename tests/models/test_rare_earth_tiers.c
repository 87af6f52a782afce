/* Rare-earth buffers, channels, rationing, catch-up and licences per magnet maker against
 * what the rules say: a firm with half the magnets it needs keeps at least half its output;
 * each channel keeps its own share of need flowing under a halt and only the exporter's
 * bare magnets count as shipments; lost output is made up at the catch-up share within
 * the catch-up weeks; a maker's licence covers every customer; magnets are conserved per
 * firm and per cell (stock change = receipts - use); each destination receives after its
 * own shipping lag; a general licence lets its destination and sector ship while it holds. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tw_config.h"
#include "tw_trade.h"
#include "tw_rare_earths_internal.h"
#include "tw_trade_internal.h"

#include "re_common.h"
#include "four_regions.h"

/* No reserve and no free channels: the licensed stock is all a firm has. */
#define BARE                                                                               \
    "wip_days: {vehicles: 0, electronics: 0, machinery: 0}, distributor_days: 0, "        \
    "outside_scope_share: {vehicles: 0, electronics: 0, machinery: 0}, "                   \
    "embedded_share: {vehicles: 0, electronics: 0, machinery: 0}, non_china_share: 0, "   \
    "non_china_max_share: 0, "

/* Every firm of every cell starts day 0 of a halt with magnets for a share `have` of the
 * day's need and nothing on order: each cell's output must be F(have) >= have, and all of
 * the magnets are used. With half: vehicles keep 0.5 / (0.92 x 0.25 / 0.27) x 0.92 of
 * their output (combustion lines first), electronics and machinery 0.7 + 0.3 x 0.5. */
Test(rare_earth_tiers, a_firm_with_half_the_magnets_it_needs_keeps_at_least_half_its_output) {
    const double haves[] = {0.1, 0.5, 0.8, 0.95};
    for (size_t h = 0; h < sizeof haves / sizeof haves[0]; h++) {
        char *y = yaml("2025-01-01", "2025-01-31", BARE "per_cell: 500",
                       "  - {id: h, exporter: CN, destination: ALL, regime: halt, "
                       "effective: 2025-01-01}\n");
        sim m;
        sim_open(&m, y, false, NULL, 1, 7, 0);
        for (size_t i = 0; i < m.s->re->n; i++) {
            m.s->re->stock[i] = (float)haves[h];
            m.s->re->order[i] = 0.0f;
        }
        sim_step(&m, 0);
        for (int j = 0; j < m.p->re.ncell; j++) {
            int c = m.p->re.cell[j], r = c / TW_NSEC, sec = c % TW_NSEC;
            double out = m.s->re->output[c], want = ration(&m.p->re, r, sec, haves[h]);
            cr_assert_geq(out, haves[h], "cell %d with %g of its need: output %g", c, haves[h], out);
            cr_assert_float_eq(out, want, 1e-6, "cell %d: output %g, curve %g", c, out, want);
            cr_assert_float_eq(m.s->re->stock_t[c], 0.0, 1e-12, "magnets left unused");
        }
        if (haves[h] == 0.5) {
            int us_veh = TW_US * TW_NSEC + TW_VEHICLES;
            cr_assert_float_eq(m.s->re->output[us_veh], 0.5 / (0.92 * 0.25 / 0.27) * 0.92, 1e-6);
            cr_assert_float_eq(m.s->re->output[TW_US * TW_NSEC + TW_MACHINERY], 0.85, 1e-6);
        }
        free(y);
        sim_close(&m);
    }
}

/* Each free channel alone carries 40% of the US vehicle need through a halt to every
 * destination that empties every stock (covers at most 60 days, no reserve): at the end
 * US vehicles make F(0.4) and the halted licensed channel ships nothing. Only the
 * outside-scope channel is a shipment of the exporter's bare magnets (0.4 of use); parts
 * and other makers are not. Without any free channel, output is nil. */
Test(rare_earth_tiers, each_channel_keeps_its_share_of_need_flowing_under_a_halt) {
    static const struct {
        const char *set;
        bool bare_from_exporter;
    } ch[] = {
        {"outside_scope_share: {vehicles: 0.4}", true},
        {"embedded_share: {vehicles: 0.4}", false},
        {"non_china_share: 0.4, non_china_max_share: 0.4", false},
        {"non_china_share: 0, non_china_max_share: 0", false},
    };
    for (size_t k = 0; k < sizeof ch / sizeof ch[0]; k++) {
        char *y = yaml("2025-01-01", "2025-07-31", "per_cell: 1000",
                       "  - {id: h, exporter: CN, destination: ALL, regime: halt, "
                       "effective: 2025-01-15}\n");
        const char *sets[8] = {"rare_earths.cover_max_days=60", "rare_earths.distributor_days=0",
                               "rare_earths.wip_days.vehicles=0",
                               "rare_earths.outside_scope_share.vehicles=0",
                               "rare_earths.embedded_share.vehicles=0", NULL, NULL, NULL};
        if (k == 0) sets[3] = "rare_earths.outside_scope_share.vehicles=0.4";
        if (k == 1) sets[4] = "rare_earths.embedded_share.vehicles=0.4";
        if (k == 2) {
            sets[5] = "rare_earths.non_china_share=0.4";
            sets[6] = "rare_earths.non_china_max_share=0.4";
        } else {
            sets[5] = "rare_earths.non_china_share=0";
            sets[6] = "rare_earths.non_china_max_share=0";
        }
        sim m;
        sim_open(&m, y, false, sets, 1, 7, 1);
        int c = TW_US * TW_NSEC + TW_VEHICLES;
        for (uint32_t t = 0; t < (uint32_t)m.p->ndays; t++) {
            sim_step(&m, t);
            if (t >= 14) cr_assert_eq(m.s->re->shipped_t[c], 0.0, "%s: licensed shipment in a halt",
                                      ch[k].set);
            double want = ch[k].bare_from_exporter ? 0.4 * m.p->re.use_t[c] : 0.0;
            cr_assert_float_eq(m.s->re->free_t[c], want, 1e-9, "%s: outside-scope tonnes",
                               ch[k].set);
        }
        double have = k < 3 ? 0.4 : 0.0;
        cr_assert_float_eq(m.s->re->output[c], ration(&m.p->re, TW_US, TW_VEHICLES, have), 1e-6,
                           "%s: output %g", ch[k].set, m.s->re->output[c]);
        cr_assert_float_eq(m.s->re->stock_t[c], 0.0, 1e-12, "%s: stock left", ch[k].set);
        free(y);
        sim_close(&m);
    }
}

/* Catch-up, firm by firm: homogeneous US firms (cover 40, lag 14, no reserve, no free
 * channels) under a 45-day halt lose different numbers of days. Each day a firm's output
 * y follows from what it has (the rationing curve); it then owes
 * min(cap, owed + share (1 - y)) with share 0.5 and cap 0.5 x 21 days, and on days of full
 * supply makes up min(owed, cap / 56) a day. So a firm that lost L <= 21 days' output
 * makes up exactly 0.5 L, one that lost more at least 10.5, all of it within 8 weeks of
 * its supply returning; the cell's net output is its gross output plus what was made up. */
Test(rare_earth_tiers, lost_output_is_made_up_at_the_catch_up_share_within_the_weeks) {
    char re[1024];
    snprintf(re, sizeof re,
             BARE "per_cell: 2000, cover_median_days: 40, cover_log_sd: 0, "
                  "cover_median_replicate_log_sd: 0, cover_min_days: 20, ship_lag_days: 14, "
                  "customers_per_supplier: 1, catch_up_share: 0.5, catch_up_weeks: 8, "
                  "catch_up_stoppage_days: 21");
    char *y = yaml("2025-01-01", "2025-09-30", re,
                   "  - {id: h, exporter: CN, destination: US, regime: halt, "
                   "effective: 2025-01-31, duration_days: 45}\n");
    sim m;
    sim_open(&m, y, false, NULL, 1, 7, 0);
    int jv = -1;
    for (int j = 0; j < m.p->re.ncell; j++)
        if (m.p->re.cell[j] == TW_US * TW_NSEC + TW_VEHICLES) jv = j;
    cr_assert_geq(jv, 0);
    size_t per = (size_t)m.p->re.per_cell, base = (size_t)jv * per;
    const double cap = 10.5, rate = 10.5 / 56.0;
    double *lost = calloc(per, sizeof *lost), *made = calloc(per, sizeof *made);
    double lost_all = 0.0, made_all = 0.0;
    for (uint32_t t = 0; t < (uint32_t)m.p->ndays; t++) {
        double net = 0.0, gross = 0.0;
        float *avail = malloc(per * sizeof *avail), *owed0 = malloc(per * sizeof *owed0);
        for (size_t k = 0; k < per; k++) {
            size_t i = base + k;
            bool arrives = m.s->re->order[i] > 0.0f && m.s->re->arrive[i] == (int32_t)t;
            avail[k] = m.s->re->stock[i] + (arrives ? m.s->re->order[i] : 0.0f);
            owed0[k] = m.s->re->owed[i];
        }
        sim_step(&m, t);
        for (size_t k = 0; k < per; k++) {
            float o = m.s->re->owed[base + k];
            if (avail[k] >= 1.0f) {
                double e = owed0[k] - o;
                cr_assert_float_eq(e, fmin(owed0[k], rate), 1e-5, "day %u firm %zu: made up %g",
                                   t, k, e);
                made[k] += e;
                gross += 1.0;
                net += 1.0 + e;
            } else {
                double yk = ration(&m.p->re, TW_US, TW_VEHICLES, avail[k]);
                cr_assert_float_eq(o, fmin(cap, owed0[k] + 0.5 * (1.0 - yk)), 1e-5);
                lost[k] += 1.0 - yk;
                gross += yk;
                net += yk;
            }
        }
        int c = TW_US * TW_NSEC + TW_VEHICLES;
        cr_assert_float_eq(m.s->re->output[c], gross / (double)per, 1e-6);
        cr_assert_float_eq(m.s->re->net[c], net / (double)per, 1e-6);
        free(avail);
        free(owed0);
    }
    size_t short_ones = 0, long_ones = 0;
    for (size_t k = 0; k < per; k++) {
        cr_assert_eq(m.s->re->owed[base + k], 0.0f, "firm %zu still owes output", k);
        if (lost[k] <= 21.0)
            cr_assert_float_eq(made[k], 0.5 * lost[k], 1e-3, "firm %zu lost %g, made up %g", k,
                               lost[k], made[k]);
        else /* the cap binds at least once; more if the firm caught up between stoppages */
            cr_assert(made[k] >= cap - 1e-3 && made[k] <= 0.5 * lost[k] + 1e-3,
                      "firm %zu lost %g, made up %g", k, lost[k], made[k]);
        short_ones += lost[k] > 0.0 && lost[k] <= 21.0;
        long_ones += lost[k] > 21.0;
        lost_all += lost[k];
        made_all += made[k];
    }
    cr_assert_gt(short_ones, per / 10, "the test needs short stoppages");
    cr_assert_gt(long_ones, per / 10, "and long ones");
    cr_assert_lt(made_all, 0.5 * lost_all);
    /* Within 8 weeks: the rate clears the cap in 56 days of full supply. */
    cr_assert_float_eq(cap / rate, 56.0, 1e-9);
    free(lost);
    free(made);
    free(y);
    sim_close(&m);
}

/* Licences per maker: under licensing with 10 customers per maker, a maker's valid
 * licence covers all its customers (none of them has an order waiting at the end of a
 * day on which the licence holds), makers file at most one application at a time, and the
 * makers file far fewer applications than their customers would one by one. */
static double licence_run(int per_supplier, bool check) {
    char re[256];
    snprintf(re, sizeof re, "per_cell: 3000, customers_per_supplier: %d", per_supplier);
    char *y = yaml("2025-01-01", "2025-08-31", re,
                   "  - {id: l, exporter: CN, destination: ALL, regime: slow_roll, "
                   "slow_roll_factor: 0.5, validity_days: 60, effective: 2025-02-01}\n");
    sim m;
    sim_open(&m, y, false, NULL, 2, 7, 4);
    size_t per = (size_t)m.p->re.per_cell, nblk = m.s->re->nblk, spb = m.s->re->spb;
    double apps = 0.0, approvals = 0.0;
    for (uint32_t t = 0; t < (uint32_t)m.p->ndays; t++) {
        sim_step(&m, t);
        for (int j = 0; j < m.p->re.ncell; j++) {
            apps += m.s->re->apps[m.p->re.cell[j]];
            approvals += m.s->re->approvals[m.p->re.cell[j]];
            if (!check) continue;
            for (size_t k = 0; k < per; k++) {
                size_t i = (size_t)j * per + k;
                size_t mk = ((size_t)j * nblk + k / TW_BLOCK) * spb +
                            (k % TW_BLOCK) / (size_t)per_supplier;
                bool waiting = m.s->re->order[i] > 0.0f && m.s->re->arrive[i] < 0;
                if (m.s->re->licence_until[mk] > (int32_t)t)
                    cr_assert(!waiting, "day %u firm %zu waits under its maker's licence", t, k);
                if (waiting)
                    cr_assert(m.s->re->applied[mk] >= 0, "day %u firm %zu waits on no application",
                              t, k);
            }
        }
    }
    cr_assert_gt(approvals, 0.0);
    cr_assert_leq(approvals, apps);
    free(y);
    sim_close(&m);
    return apps;
}

Test(rare_earth_tiers, a_makers_licence_covers_all_its_customers) {
    double pooled = licence_run(10, true), single = licence_run(1, false);
    cr_assert_lt(pooled, 0.5 * single, "%g applications by makers, %g by firms", pooled, single);
}

/* Conservation: every day and cell, licensed tonnes shipped since the start (with what
 * was in transit at the start) = received + in transit, and the stock change = receipts -
 * use; per firm, the stock never grows by more than its arrival nor falls by more than
 * the day's need plus a day's catch-up; in total over cells likewise. Through slow-roll, a
 * halt and licensing with validity, with every tier and channel at its default. */
Test(rare_earth_tiers, magnets_are_conserved_per_firm_per_cell_and_in_total) {
    const char *controls =
        "  - {id: a, exporter: CN, destination: ALL, regime: slow_roll, slow_roll_factor: 0.3,\n"
        "     effective: 2025-02-01}\n"
        "  - {id: b, exporter: CN, destination: US, regime: halt, effective: 2025-03-01,\n"
        "     duration_days: 60}\n"
        "  - {id: c, exporter: CN, destination: US, regime: licensing, validity_days: 60,\n"
        "     effective: 2025-05-15, end: 2025-07-01}\n";
    char *y = yaml("2025-01-01", "2025-08-31", "per_cell: 2000", controls);
    sim m;
    sim_open(&m, y, false, NULL, 2, 7, 1);
    size_t n = m.s->re->n, per = (size_t)m.p->re.per_cell;
    float *x0 = malloc(n * sizeof *x0), *arr = malloc(n * sizeof *arr);
    double prev[TW_RE_NCELL] = {0};
    for (int j = 0; j < m.p->re.ncell; j++) {
        int c = m.p->re.cell[j];
        for (size_t k = 0; k < per; k++) prev[c] += m.s->re->stock[(size_t)j * per + k];
        prev[c] *= m.p->re.use_t[c] / (double)per;
    }
    double stopped = 0.0;
    for (uint32_t t = 0; t < (uint32_t)m.p->ndays; t++) {
        for (size_t i = 0; i < n; i++) {
            x0[i] = m.s->re->stock[i];
            arr[i] = m.s->re->order[i] > 0.0f && m.s->re->arrive[i] >= 0 &&
                             m.s->re->arrive[i] <= (int32_t)t
                         ? m.s->re->order[i]
                         : 0.0f;
        }
        sim_step(&m, t);
        double tot_change = 0.0, tot_in = 0.0, tot_use = 0.0, tot_stock = 0.0;
        for (int j = 0; j < m.p->re.ncell; j++) {
            int c = m.p->re.cell[j], sec = c % TW_NSEC;
            double need = 1.0 - free_share(&m.p->re, sec, m.s->re->dd[c / TW_NSEC].ns);
            double lhs = m.s->re->cum_shipped_t[c];
            double rhs = m.s->re->cum_received_t[c] + m.s->re->transit_t[c];
            cr_assert_leq(fabs(lhs - rhs), 1e-9 * (lhs > 1.0 ? lhs : 1.0), "day %u cell %d", t, c);
            double change = m.s->re->stock_t[c] - prev[c];
            double flow = m.s->re->received_t[c] - m.s->re->used_t[c];
            cr_assert_leq(fabs(change - flow), 1e-6 * (prev[c] + m.s->re->received_t[c]) + 1e-9,
                          "day %u cell %d: stock change %.9g, receipts - use %.9g", t, c, change,
                          flow);
            tot_stock += prev[c];
            prev[c] = m.s->re->stock_t[c];
            tot_change += change;
            tot_in += m.s->re->received_t[c];
            tot_use += m.s->re->used_t[c];
            for (size_t k = 0; k < per; k++) {
                size_t i = (size_t)j * per + k;
                float x = m.s->re->stock[i], top = x0[i] + arr[i];
                cr_assert_leq(x, top + 1e-4f, "day %u firm %zu: stock grew without receipts", t, i);
                cr_assert_geq(x, top - (float)(need * (1.0 + m.p->re.catch_rate)) - 1e-4f,
                              "day %u firm %zu: used more than a day's need", t, i);
                cr_assert_geq(x, 0.0f);
            }
            stopped += m.s->re->halted[c];
        }
        cr_assert_leq(fabs(tot_change - (tot_in - tot_use)), 1e-6 * (tot_stock + tot_in) + 1e-9,
                      "day %u: total stock change %.9g, receipts - use %.9g", t, tot_change,
                      tot_in - tot_use);
    }
    cr_assert_gt(stopped, 0.0, "the halt should stop some lines");
    free(x0);
    free(arr);
    free(y);
    sim_close(&m);
}

/* Each destination's orders arrive after its own shipping lag (ship_lag_days by region):
 * every firm orders on day 0 under an open regime, its order is due lag days later, and
 * its cell receives magnets on that day and not before. */
Test(rare_earth_tiers, each_destination_receives_after_its_own_shipping_lag) {
    static const int lag[TW_NREG] = {[TW_US] = 5, [TW_CN] = 5, [TW_EU] = 30, [TW_ROW] = 11};
    char *y = yaml("2025-01-01", "2025-03-31",
                   BARE "per_cell: 50, customers_per_supplier: 1, "
                        "ship_lag_days: {US: 5, EU: 30, ROW: 11}",
                   "  - {id: o, exporter: CN, destination: ALL, regime: open, "
                   "effective: 2025-01-01}\n");
    sim m;
    sim_open(&m, y, false, NULL, 1, 7, 0);
    size_t n = (size_t)m.p->re.per_cell;
    for (size_t i = 0; i < m.s->re->n; i++) {
        m.s->re->stock[i] = m.s->re->reserve[i] + 1.0f; /* one day of own stock: reorder */
        m.s->re->order[i] = 0.0f;
    }
    sim_step(&m, 0);
    for (int j = 0; j < m.p->re.ncell; j++) {
        int r = m.p->re.cell[j] / TW_NSEC;
        cr_assert_eq(m.p->re.ship_lag[r], lag[r], "%s lag %d", tw_test_region_names[r],
                     m.p->re.ship_lag[r]);
        for (size_t k = 0; k < n; k++) {
            cr_assert_gt(m.s->re->order[j * n + k], 0.0f, "cell %d firm %zu ordered", j, k);
            cr_assert_eq(m.s->re->arrive[j * n + k], lag[r], "cell %d firm %zu", j, k);
        }
    }
    for (uint32_t d = 1; d <= 30; d++) {
        sim_step(&m, d);
        for (int j = 0; j < m.p->re.ncell; j++) {
            int c = m.p->re.cell[j], r = c / TW_NSEC;
            if ((int)d < lag[r])
                cr_assert_eq(m.s->re->received_t[c], 0.0, "%s day %u", tw_test_region_names[r], d);
            else if ((int)d == lag[r])
                cr_assert_gt(m.s->re->received_t[c], 0.0, "%s day %u", tw_test_region_names[r], d);
        }
    }
    free(y);
    sim_close(&m);
}

/* A general licence for EU vehicle makers from 11 January for 30 days, under a slow-roll
 * that approves next to nothing: every firm orders on day 0 and waits on its maker; the
 * EU vehicle makers' orders ship on the licence's first day and nobody else's do; once it
 * has lapsed (10 February) their new orders wait again. */
Test(rare_earth_tiers, a_general_licence_lets_its_destination_and_sector_ship_while_it_holds) {
    char *y = yaml("2025-01-01", "2025-03-31",
                   BARE "per_cell: 40, customers_per_supplier: 40, general_licences: "
                        "[{destination: EU, sector: vehicles, from: 2025-01-11, "
                        "validity_days: 30}]",
                   "  - {id: s, exporter: CN, destination: ALL, regime: slow_roll, "
                   "slow_roll_factor: 0.000001, effective: 2025-01-01}\n");
    sim m;
    sim_open(&m, y, false, NULL, 1, 7, 0);
    for (size_t i = 0; i < m.s->re->n; i++) {
        m.s->re->stock[i] = m.s->re->reserve[i] + 1.0f;
        m.s->re->order[i] = 0.0f;
    }
    const int eu_veh = TW_EU * TW_NSEC + TW_VEHICLES;
    double eu_shipped = 0.0;
    for (uint32_t d = 0; d < 90; d++) {
        sim_step(&m, d);
        for (int j = 0; j < m.p->re.ncell; j++) {
            int c = m.p->re.cell[j];
            bool holds = c == eu_veh && d >= 10 && d < 40;
            if (!holds)
                cr_assert_eq(m.s->re->shipped_t[c], 0.0, "cell %d day %u shipped %g", c, d,
                             m.s->re->shipped_t[c]);
            else if (d == 10)
                cr_assert_gt(m.s->re->shipped_t[c], 0.0, "EU vehicles on the licence's first day");
            if (c == eu_veh) eu_shipped += m.s->re->shipped_t[c];
        }
        if (d == 9) cr_assert_eq(m.s->re->general[eu_veh], false);
        if (d == 10) cr_assert_eq(m.s->re->general[eu_veh], true);
    }
    cr_assert_gt(eu_shipped, 0.0);
    free(y);
    sim_close(&m);
}
