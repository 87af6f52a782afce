/* tw_rare_earths_params.c - the rare-earth parameters: the sector table, the exporter's
 * 2024 exports by destination, the scenario keys (buffers, channels, licences, rationing,
 * catch-up) with their cross-checks, each cell's magnet use in tonnes and its rationing
 * curve. Split from tw_rare_earths.c, which steps the firms; the mechanism is described in
 * tw_rare_earths.h and the sources of every default in data/README.md.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tw_csvread.h"
#include "tw_rare_earths.h"

/* 2024 calibration defaults (data/raw/rare_earths.csv): China's magnet exports, Jan-Nov
 * 52,500 t scaled to twelve months, and about 600 t a month to the US. */
#define TW_RE_EXPORTS_TOTAL_T (52500.0 * 12.0 / 11.0)
#define TW_RE_EXPORTS_US_T (600.0 * 12.0)

/* A table by sector in data_dir: a `sector` column and ncol numeric columns, each at least
 * 0 (and at most 1 where share[c]), into out[c][sector]. With all_sectors every sector
 * has its row; otherwise sectors without one keep 0. */
static tw_status sector_csv(const char *dir, const char *file, int ncol,
                            const char *const *cols, const bool *share, bool all_sectors,
                            double *const *out, tw_err *err) {
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    tw_csv *t;
    tw_status st = tw_csv_read(path, &t, err);
    if (st != TW_OK) return st;
    int idx[8];
    bool seen[TW_NSEC] = {false};
    for (int c = 0; c <= ncol && st == TW_OK; c++) {
        const char *name = c == 0 ? "sector" : cols[c - 1];
        if ((idx[c] = tw_csv_col(t, name)) < 0)
            st = tw_err_set(err, TW_EDATA, "%s:1: missing column '%s'", path, name);
    }
    for (size_t r = 0; r < tw_csv_rows(t) && st == TW_OK; r++) {
        const char *name = tw_csv_field(t, r, (size_t)idx[0]);
        int s = tw_name_index(tw_sector_names, name);
        if (s < 0 || seen[s]) {
            st = tw_err_set(err, TW_EDATA, "%s:%d: expected each of the eight sectors at most "
                            "once (got '%s')", path, tw_csv_line(t, r), name);
            break;
        }
        seen[s] = true;
        for (int c = 0; c < ncol && st == TW_OK; c++) {
            const char *f = tw_csv_field(t, r, (size_t)idx[c + 1]);
            char *end;
            double v = strtod(f, &end);
            if (f[0] == '\0' || *end != '\0' || !isfinite(v) || v < 0.0 || (share[c] && v > 1.0))
                st = tw_err_set(err, TW_EDATA, "%s:%d: %s: expected a number %s (got '%s')", path,
                                tw_csv_line(t, r), cols[c],
                                share[c] ? "between 0 and 1" : "of at least 0", f);
            else
                out[c][s] = v;
        }
    }
    for (int s = 0; s < TW_NSEC && st == TW_OK && all_sectors; s++)
        if (!seen[s])
            st = tw_err_set(err, TW_EDATA, "%s: no row for sector '%s'", path, tw_sector_names[s]);
    tw_csv_free(t);
    return st;
}

/* data/rare_earth_sectors.csv: magnet intensity and dependent output share (A15). */
static tw_status sector_table(const char *dir, tw_re_params *re, tw_err *err) {
    static const char *const cols[] = {"intensity", "dependent_output_share"};
    static const bool share[] = {false, true};
    double *const out[] = {re->intensity, re->dep_share};
    return sector_csv(dir, "rare_earth_sectors.csv", 2, cols, share, true, out, err);
}

/* data/rare_earth_channel_shares.csv (data/build_calibration.py, from the 2024 magnet
 * balance): the defaults of the embedded share of need and the outside-scope share of the
 * exporter's bare magnets, by sector. */
static tw_status channel_table(const char *dir, double *emb, double *out_scope,
                               tw_err *err) {
    static const char *const cols[] = {"embedded", "outside_share_of_bare"};
    static const bool share[] = {true, true};
    double *const out[] = {emb, out_scope};
    return sector_csv(dir, "rare_earth_channel_shares.csv", 2, cols, share, false, out, err);
}

/* The exporter's 2024 exports by destination: the scenario's figures where given, the
 * default total and US figure otherwise, and the rest split over the other destinations
 * in proportion to the exporter's 2024 exports of magnet-using sectors to them. */
static tw_status exports(const tw_cfg_node *sec, const tw_world *world, tw_re_params *re,
                         tw_err *err) {
    const tw_cfg_node *ex = tw_cfg_get(sec, "exports_t_per_year");
    if (ex != NULL && tw_cfg_kind_of(ex) != TW_CFG_MAP)
        return tw_cfg_error(err, ex, "expected a map of tonnes per year by destination and total");
    tw_status st;
    double total;
    if ((st = tw_cfg_double(ex, "total", false, TW_RE_EXPORTS_TOTAL_T, 0.0, 1e9, &total, err)) !=
        TW_OK)
        return st;
    if ((st = tw_world_check_keys(ex, world->names, false, err)) != TW_OK) return st;
    bool given[TW_NREG_MAX] = {false};
    double fixed = 0.0;
    for (int r = 0; r < world->nreg; r++) {
        re->exports_t[r] = 0.0;
        if (r == re->exporter) {
            if (ex != NULL && tw_cfg_get(ex, world->names[r]) != NULL)
                return tw_cfg_error(err, tw_cfg_get(ex, world->names[r]),
                                    "expected a destination other than the exporter %s",
                                    world->names[r]);
            continue;
        }
        double def = (r == TW_US && re->exporter == TW_CN) ? TW_RE_EXPORTS_US_T : -1.0;
        if (ex != NULL && tw_cfg_get(ex, world->names[r]) != NULL) def = 0.0;
        if (def < 0.0) continue;
        if ((st = tw_cfg_double(ex, world->names[r], false, def, 0.0, 1e9, &re->exports_t[r],
                                err)) != TW_OK)
            return st;
        given[r] = true;
        fixed += re->exports_t[r];
    }
    if (fixed > total)
        return tw_cfg_error(err, ex != NULL ? ex : sec,
                            "expected destination figures adding to at most the total %g t "
                            "(got %g t)", total, fixed);
    double w[TW_NREG_MAX] = {0}, wsum = 0.0;
    for (int r = 0; r < world->nreg; r++) {
        if (r == re->exporter || given[r]) continue;
        for (int s = 0; s < TW_NSEC; s++)
            if (re->intensity[s] > 0.0) w[r] += world->flow[re->exporter][r][s];
        wsum += w[r];
    }
    for (int r = 0; r < world->nreg; r++)
        if (w[r] > 0.0) re->exports_t[r] = (total - fixed) * w[r] / wsum;
    return TW_OK;
}


/* A map of values by name under `key` (sector or region names; absent names keep
 * def[i]), each in [lo, hi]. */
static tw_status by_name(const tw_cfg_node *sec, const char *key, const char *const *names,
                         int n, const double *def, double lo, double hi, double *out,
                         tw_err *err) {
    const tw_cfg_node *m = tw_cfg_get(sec, key);
    if (m != NULL && tw_cfg_kind_of(m) != TW_CFG_MAP)
        return tw_cfg_error(err, m, "expected a map of values by %s",
                            names == tw_sector_names ? "sector" : "region");
    if (names != tw_sector_names) {
        tw_status st = tw_world_check_keys(m, names, false, err);
        if (st != TW_OK) return st;
    }
    for (int i = 0; i < n; i++) {
        tw_status st = tw_cfg_double(m, names[i], false, def[i], lo, hi, &out[i], err);
        if (st != TW_OK) return st;
    }
    return TW_OK;
}

#define by_sector(sec, key, def, lo, hi, out, err)                                         \
    by_name(sec, key, tw_sector_names, TW_NSEC, def, lo, hi, out, err)
#define by_region(sec, key, def, lo, hi, out, err)                                         \
    by_name(sec, key, world->names, world->nreg, def, lo, hi, out, err)

/* A cell's rationing curve: lines without magnets (1 - dep_share of the sector's output)
 * never stop; of the magnet lines, vehicles have combustion lines (1 - ev share of output)
 * needing 1 / ev_magnet_ratio of an electric line's magnets per unit of output, kept
 * first; other sectors' magnet lines are alike. Breakpoints (need met, output kept) from
 * (0, 1 - dep) to (1, 1). */
static void rationing_curve(tw_re_params *re, int r, int s) {
    int c = r * TW_NSEC + s;
    double dep = re->dep_share[s], y0 = 1.0 - dep;
    double ice = s == TW_VEHICLES ? 1.0 - re->ev_share[r] : 1.0;
    /* magnets per unit of output, normalised so that the magnet lines need 1 in all */
    double m_ice = 1.0 / (ice + (1.0 - ice) * re->ev_magnet_ratio);
    double a1 = ice * m_ice;
    double a[TW_RE_NSEG + 1] = {0.0, 0.0, a1, 1.0};
    double y[TW_RE_NSEG + 1] = {y0, y0, y0 + dep * ice, 1.0};
    memcpy(re->seg_a[c], a, sizeof a);
    memcpy(re->seg_y[c], y, sizeof y);
}

/* The defaults by region of the world's rare_earth_regions.csv (in world_dir: data/ for
 * the four regions, data/worlds/<name>/ for the others; sources in its columns and in
 * data/README.md): days from shipment to arrival by destination (ship_lag_days: China to
 * the US 16, to the EU 28, from transit_days.csv and the 2022 mode split of US trade with
 * China, BTS-mode-2022) and the electric and plug-in share of vehicle output (ev_share:
 * US 0.08, Cox-2025; EU 0.208, ACEA-2025). Every region of the world has exactly one row;
 * a row of another region, a repeated region, a value out of range or a missing region is
 * refused at its file:line:col. */
static tw_status region_table(const char *dir, const tw_world *world, int64_t *lag, double *ev,
                              tw_err *err) {
    static const char *const cols[] = {"region", "ship_lag_days", "ev_share"};
    char path[4200];
    snprintf(path, sizeof path, "%s/rare_earth_regions.csv", dir);
    if (access(path, F_OK) != 0)
        return tw_err_set(err, TW_EDATA, "%s: no such file: the world's rare-earth defaults by "
                          "region (columns region, ship_lag_days, ev_share; data/README.md)",
                          path);
    tw_csv *t;
    tw_status st = tw_csv_read(path, &t, err);
    if (st != TW_OK) return st;
    int idx[3];
    for (int c = 0; c < 3 && st == TW_OK; c++)
        if ((idx[c] = tw_csv_col(t, cols[c])) < 0)
            st = tw_err_set(err, TW_EDATA, "%s:1: missing column '%s'", path, cols[c]);
    bool seen[TW_NREG_MAX] = {false};
    for (size_t row = 0; row < tw_csv_rows(t) && st == TW_OK; row++) {
        int line = tw_csv_line(t, row);
        const char *code = tw_csv_field(t, row, (size_t)idx[0]);
        int r = tw_world_region(world, code);
        if (r < 0 || seen[r]) {
            char list[TW_WORLD_LIST];
            tw_world_list(world->names, list, sizeof list);
            st = tw_err_at(err, TW_EDATA, path, line, tw_csv_colno(t, row, (size_t)idx[0]),
                           "region", r < 0 ? "expected a region of the world: %s (got '%s')"
                                           : "expected each region of the world once: %s "
                                             "(got '%s' again)", list, code);
            break;
        }
        seen[r] = true;
        for (int c = 1; c < 3 && st == TW_OK; c++) {
            const char *f = tw_csv_field(t, row, (size_t)idx[c]);
            char *end;
            double v = strtod(f, &end);
            bool days = c == 1;
            bool ok = f[0] != '\0' && *end == '\0' && isfinite(v) &&
                      (days ? v >= 1.0 && v <= 180.0 && v == floor(v) : v >= 0.0 && v <= 1.0);
            if (!ok)
                st = tw_err_at(err, TW_EDATA, path, line, tw_csv_colno(t, row, (size_t)idx[c]),
                               cols[c], "expected %s (got '%s')",
                               days ? "a whole number of days from 1 to 180"
                                    : "a share between 0 and 1", f);
            else if (days)
                lag[r] = (int64_t)v;
            else
                ev[r] = v;
        }
    }
    for (int r = 0; r < world->nreg && st == TW_OK; r++)
        if (!seen[r])
            st = tw_err_set(err, TW_EDATA, "%s: no row for region %s (each region of the world "
                            "needs its ship_lag_days and ev_share)", path, world->names[r]);
    tw_csv_free(t);
    return st;
}

/* Whole days by destination under `key`: one number for every destination, or a map by
 * region (regions not named keep def[r]), each in [lo, hi]. */
static tw_status days_by_region(const tw_cfg_node *sec, const tw_world *world, const char *key,
                                const int64_t *def, int64_t lo, int64_t hi, int *out,
                                tw_err *err) {
    const tw_cfg_node *m = tw_cfg_get(sec, key);
    bool map = m != NULL && tw_cfg_kind_of(m) == TW_CFG_MAP;
    int64_t all = lo - 1;
    if (map) {
        tw_status st = tw_world_check_keys(m, world->names, false, err);
        if (st != TW_OK) return st;
    }
    if (m != NULL && !map) {
        tw_status st = tw_cfg_int(sec, key, true, 0, lo, hi, &all, err);
        if (st != TW_OK) return st;
    }
    for (int r = 0; r < world->nreg; r++) {
        int64_t v = all >= lo ? all : def[r];
        if (map) {
            tw_status st = tw_cfg_int(m, world->names[r], false, def[r], lo, hi, &v, err);
            if (st != TW_OK) return st;
        }
        out[r] = (int)v;
    }
    return TW_OK;
}

/* How long a licence lasts where the control entry in force gives no validity_days
 * (licence_validity_days), by destination. Default 0 everywhere, a licence for the orders
 * pending on the day of approval: under MOFCOM Announcement 18 and the dual-use rules an
 * individual licence covers one item to one end user under one contract (valid up to a
 * year: XHMAG-2025, Magsees-2025), and as practised up to 31 May 2025 licences were granted
 * customer by customer (Reuters-2025-05-13) and needed for every order (Adamas-2025-05);
 * general licences, several shipments for up to three years, exist in the rules but none
 * was granted for magnets before December 2025 (general_licences). data/README.md. */
static const int64_t validity_def[TW_NREG_MAX] = {0};

/* Each dependent cell's output kept per tonne of magnets bought at the margin: the
 * rationing curve's slope where a firm without licensed magnets sits (the free share at
 * the start) times the cell's output per tonne of use (USD); and the cells in that order,
 * highest first (ties: cell order). */
static void market_order(tw_re_params *re) {
    for (int j = 0; j < re->ncell; j++) {
        int c = re->cell[j], s = c % TW_NSEC;
        double a = 1.0 - (1.0 - re->embedded_share[s] - re->ns0) * (1.0 - re->outside_share[s]);
        double slope = 0.0;
        for (int i = 1; i <= TW_RE_NSEG; i++)
            if (re->seg_a[c][i] > re->seg_a[c][i - 1] && a <= re->seg_a[c][i]) {
                slope = (re->seg_y[c][i] - re->seg_y[c][i - 1]) /
                        (re->seg_a[c][i] - re->seg_a[c][i - 1]);
                break;
            }
        re->mkt_value[c] = slope * re->gross_output[c] * 1e9 / 365.0 / re->use_t[c];
        int i = j;
        while (i > 0 && re->mkt_value[re->cell[re->mkt_order[i - 1]]] < re->mkt_value[c]) {
            re->mkt_order[i] = re->mkt_order[i - 1];
            i--;
        }
        re->mkt_order[i] = j;
    }
}

#define GET(call)                                                                          \
    do {                                                                                   \
        tw_status st_ = (call);                                                            \
        if (st_ != TW_OK) return st_;                                                      \
    } while (0)

/* General licences (rare_earths.general_licences): a list of {destination, sector, from,
 * validity_days}. The dual-use rules allow general licences covering several shipments to
 * one or more end users for up to three years (data/rare_earth_channels.csv, licence_unit:
 * XHMAG-2025, Magsees-2025), hence the default validity of 1095 days; none is known to
 * have been granted for magnets in 2025, so no scenario has one by default. */
static tw_status general_licences(const tw_cfg_node *sec, const tw_world *world, tw_re_params *re,
                                  tw_err *err) {
    const tw_cfg_node *seq = tw_cfg_get(sec, "general_licences");
    re->ngeneral = 0;
    if (seq == NULL) return TW_OK;
    if (tw_cfg_kind_of(seq) != TW_CFG_SEQ)
        return tw_cfg_error(err, seq, "expected a list of general licences");
    size_t n = tw_cfg_len(seq);
    if (n > TW_RE_MAX_GENERAL)
        return tw_cfg_error(err, seq, "expected at most %d general licences (got %zu)",
                            TW_RE_MAX_GENERAL, n);
    const char *regions[TW_NREG_MAX + 2], *sectors[TW_NSEC + 2];
    tw_world_targets(world, regions);
    for (int i = 0; i < TW_NSEC; i++) sectors[i] = tw_sector_names[i];
    sectors[TW_NSEC] = "ALL";
    sectors[TW_NSEC + 1] = NULL;
    for (size_t i = 0; i < n; i++) {
        const tw_cfg_node *e = tw_cfg_at(seq, i);
        if (tw_cfg_kind_of(e) != TW_CFG_MAP)
            return tw_cfg_error(err, e,
                                "expected a map {destination, sector, from, validity_days}");
        tw_re_general *g = &re->general[i];
        int64_t days;
        GET(tw_cfg_enum(e, "destination", true, 0, regions, &g->region, err));
        GET(tw_cfg_enum(e, "sector", false, TW_NSEC, sectors, &g->sector, err));
        GET(tw_cfg_date(e, "from", true, 0, &g->from, err));
        GET(tw_cfg_int(e, "validity_days", false, 1095, 1, 3660, &days, err));
        if (g->region == re->exporter)
            return tw_cfg_error(err, tw_cfg_get(e, "destination"),
                                "expected a region other than the exporter %s (or ALL)",
                                world->names[re->exporter]);
        if (g->region == world->nreg) g->region = -1;
        if (g->sector == TW_NSEC) g->sector = -1;
        g->until = g->from + (tw_day)days;
        re->ngeneral++;
    }
    return TW_OK;
}

tw_status tw_re_params_load(const tw_cfg_node *root, const tw_world *world, const char *data_dir,
                            const char *world_dir, tw_re_params *re, tw_err *err) {
    memset(re, 0, sizeof *re);
    re->nreg = world->nreg;
    re->eu = tw_world_region(world, "EU");
    const tw_cfg_node *sec = tw_cfg_get(root, "rare_earths");
    if (sec != NULL && tw_cfg_kind_of(sec) != TW_CFG_MAP)
        return tw_cfg_error(err, sec, "expected a map");
    int64_t v;
    GET(tw_cfg_enum(sec, "exporter", false, TW_CN, world->names, &re->exporter, err));
    GET(tw_cfg_int(sec, "per_cell", false, 2000, 1, 10000000, &re->per_cell, err));
    /* Buffers (data/rare_earth_buffers.csv). The user's mean stock over the ordering cycle
     * is 0.75 S - 0.25 lag with reorder_share 0.5; 40 days (the median stock of a critical
     * imported component at its users in 2019, Commerce-RFI-2022) and the US lag of 16
     * give S = 59 (40 days in the US, 37 with the EU's 28). */
    GET(tw_cfg_double(sec, "cover_median_days", false, 59.0, 1.0, TW_RE_COVER_MAX,
                      &re->cover_median, err));
    GET(tw_cfg_double(sec, "cover_log_sd", false, 0.5, 0.0, 3.0, &re->cover_log_sd, err));
    GET(tw_cfg_double(sec, "cover_median_replicate_log_sd", false, 0.25, 0.0, 2.0,
                      &re->cover_rep_sd, err));
    GET(tw_cfg_double(sec, "cover_min_days", false, 15.0, 1.0, TW_RE_COVER_MAX,
                      &re->cover_min, err));
    GET(tw_cfg_double(sec, "cover_max_days", false, 120.0, 1.0, TW_RE_COVER_MAX,
                      &re->cover_max, err));
    GET(tw_cfg_double(sec, "reorder_share", false, 0.5, 0.0, 1.0, &re->reorder_share, err));
    static const double wip_def[TW_NSEC] = {[TW_VEHICLES] = 14.0, [TW_ELECTRONICS] = 10.0,
                                            [TW_MACHINERY] = 10.0};
    GET(by_sector(sec, "wip_days", wip_def, 0.0, 120.0, re->wip_days, err));
    GET(tw_cfg_double(sec, "distributor_days", false, 3.0, 0.0, 60.0, &re->distributor_days,
                      err));
    GET(tw_cfg_double(sec, "reserve_log_sd", false, 0.5, 0.0, 3.0, &re->reserve_log_sd, err));
    GET(tw_cfg_double(sec, "reserve_median_replicate_log_sd", false, 0.35, 0.0, 2.0,
                      &re->reserve_rep_sd, err));
    GET(tw_cfg_double(sec, "stockpile_days", false, 0.0, 0.0, 120.0, &re->stockpile_days, err));
    /* Licences (data/rare_earth_channels.csv, licensed_china rows). */
    GET(tw_cfg_double(sec, "review_working_days", false, 45.0, 1.0, 1000.0, &re->review_days,
                      err));
    GET(tw_cfg_double(sec, "review_share", false, 0.95, 0.01, 0.9999, &re->review_share, err));
    re->hazard = 1.0 - pow(1.0 - re->review_share, 1.0 / re->review_days);
    static const double one[TW_NSEC] = {1, 1, 1, 1, 1, 1, 1, 1};
    GET(by_sector(sec, "approval_priority", one, 0.0, 100.0, re->priority, err));
    GET(tw_cfg_double(sec, "approval_capacity_share", false, 0.0, 0.0, 1.0, &re->capacity,
                      err));
    GET(tw_cfg_int(sec, "customers_per_supplier", false, 20, 1, TW_BLOCK, &re->per_supplier,
                   err));
    GET(tw_cfg_bool(sec, "anticipate_licence_delay", false, true, &re->anticipate, err));
    GET(general_licences(sec, world, re, err));
    int64_t ship_lag_def[TW_NREG_MAX];
    double ev_def[TW_NREG_MAX];
    GET(region_table(world_dir, world, ship_lag_def, ev_def, err));
    GET(days_by_region(sec, world, "ship_lag_days", ship_lag_def, 1, 180, re->ship_lag, err));
    GET(days_by_region(sec, world, "licence_validity_days", validity_def, 0, 3660, re->validity,
                       err));
    /* Channels. */
    GET(tw_cfg_double(sec, "non_china_share", false, 0.06, 0.0, 0.99, &re->ns0, err));
    GET(tw_cfg_double(sec, "non_china_max_share", false, re->ns0 > 0.12 ? re->ns0 : 0.12, 0.0,
                      0.99, &re->ns_max, err));
    GET(tw_cfg_int(sec, "ramp_days", false, 365, 1, 3660, &v, err));
    re->ramp_days = (int)v;
    double out_def[TW_NSEC] = {0}, emb_def[TW_NSEC] = {0};
    GET(channel_table(data_dir, emb_def, out_def, err));
    GET(by_sector(sec, "outside_scope_share", out_def, 0.0, 0.99, re->outside_share, err));
    GET(by_sector(sec, "embedded_share", emb_def, 0.0, 0.99, re->embedded_share, err));
    /* Rationing and outcomes. Electric share of vehicle output: the world's
     * rare_earth_regions.csv (region_table). */
    GET(by_region(sec, "ev_share", ev_def, 0.0, 1.0, re->ev_share, err));
    GET(tw_cfg_double(sec, "ev_magnet_ratio", false, 2.0, 1.0, 20.0, &re->ev_magnet_ratio,
                      err));
    double weeks, days;
    GET(tw_cfg_double(sec, "catch_up_share", false, 0.5, 0.0, 1.0, &re->catch_share, err));
    GET(tw_cfg_double(sec, "catch_up_weeks", false, 8.0, 0.1, 104.0, &weeks, err));
    GET(tw_cfg_double(sec, "catch_up_stoppage_days", false, 21.0, 0.0, 365.0, &days, err));
    re->catch_cap = re->catch_share * days;
    re->catch_rate = re->catch_cap / (7.0 * weeks);
    GET(tw_cfg_double(sec, "plant_stopped_line_share", false, 0.5, 0.01, 1.0,
                      &re->plant_line_share, err));
    GET(tw_cfg_double(sec, "value_added_ratio", false, 0.3, 0.0, 1.0, &re->va_ratio, err));
    GET(tw_cfg_double(sec, "loss_threshold_pct", false, 1.0, 0.0, 100.0, &re->threshold_pct,
                      err));
    /* Spot market: off by default (no 2024-or-earlier figure for how much of their stock
     * firms sell on); the premium at full scarcity 2 (three times the contract price,
     * judgement: data/README.md). */
    GET(tw_cfg_double(sec, "market_sell_share", false, 0.0, 0.0, 1.0, &re->mkt_sell, err));
    GET(tw_cfg_double(sec, "market_premium_max", false, 2.0, 0.01, 100.0, &re->mkt_pmax,
                      err));
    /* Cross-checks, each reported at the key that breaks it. */
    if (re->cover_max < re->cover_min)
        return tw_cfg_error(err, tw_cfg_get(sec, "cover_max_days"),
                            "expected at least cover_min_days %g (got %g)", re->cover_min,
                            re->cover_max);
    if (re->cover_median < re->cover_min || re->cover_median > re->cover_max)
        return tw_cfg_error(err, tw_cfg_get(sec, "cover_median_days"),
                            "expected a value between cover_min_days %g and cover_max_days %g "
                            "(got %g)", re->cover_min, re->cover_max, re->cover_median);
    for (int r = 0; r < world->nreg; r++)
        if (r != re->exporter && re->cover_max <= (double)re->ship_lag[r])
            return tw_cfg_error(err, tw_cfg_get(sec, "cover_max_days"),
                                "expected more than ship_lag_days %d of %s, or firms there "
                                "could never reorder in time (got %g)",
                                re->ship_lag[r], world->names[r], re->cover_max);
    if (re->ns_max < re->ns0)
        return tw_cfg_error(err, tw_cfg_get(sec, "non_china_max_share"),
                            "expected at least non_china_share %g (got %g)", re->ns0, re->ns_max);
    for (int s = 0; s < TW_NSEC; s++)
        if (re->embedded_share[s] + re->ns_max >= 1.0)
            return tw_cfg_error(err, tw_cfg_get(sec, "embedded_share") != NULL
                                         ? tw_cfg_get(sec, "embedded_share")
                                         : tw_cfg_get(sec, "non_china_max_share"),
                                "expected embedded_share + non_china_max_share below 1 for %s "
                                "(got %g)", tw_sector_names[s],
                                re->embedded_share[s] + re->ns_max);
    GET(sector_table(data_dir, re, err));
    GET(exports(sec, world, re, err));
    /* Gross output by cell and each dependent cell's magnet use in tonnes a day: the
     * exporter's bare magnets at the start (licensed and outside scope: 1 - embedded -
     * ns0 of need) match its 2024 exports to the region. */
    for (int r = 0; r < world->nreg; r++) {
        double wsum = 0.0, bare = 0.0, w[TW_NSEC];
        for (int s = 0; s < TW_NSEC; s++) {
            double go = 0.0;
            for (int i = 0; i < world->nreg; i++) go += world->flow[r][i][s];
            re->gross_output[r * TW_NSEC + s] = go;
            w[s] = re->intensity[s] * go;
            wsum += w[s];
            bare += w[s] * (1.0 - re->embedded_share[s] - re->ns0);
        }
        if (r == re->exporter || re->exports_t[r] <= 0.0 || wsum <= 0.0) continue;
        double use = re->exports_t[r] / 365.0 / (bare / wsum);
        for (int s = 0; s < TW_NSEC; s++) {
            if (w[s] <= 0.0) continue;
            int c = r * TW_NSEC + s;
            re->dependent[c] = true;
            re->cell[re->ncell++] = c;
            re->use_t[c] = use * w[s] / wsum;
            rationing_curve(re, r, s);
        }
    }
    market_order(re);
    return TW_OK;
}
