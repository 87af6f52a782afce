/* re_common.h - what the rare-earth model tests share: an inline scenario, the single-
 * tier settings, the US cells, and the channels' free share and the rationing curve
 * written out from the parameters. Header-only, included by test_rare_earths.c and
 * test_rare_earth_tiers.c. */
#ifndef RE_COMMON_H
#define RE_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_sim.h"

/* A scenario with one importer firm per cell (the trade side is not under test), rare-
 * earth firms as given, and the controls given. */
static inline char *yaml(const char *start, const char *end, const char *re, const char *controls) {
    size_t n = 4096 + strlen(re) + strlen(controls);
    char *y = malloc(n);
    snprintf(y, n,
             "start: %s\nend: %s\nfirms: {per_cell: 1}\nmodel: {data_dir: %s/data}\n"
             "rare_earths: {%s}\nexport_controls:\n%s",
             start, end, TW_SOURCE_DIR, re, controls);
    return y;
}

/* Homogeneous firms without other suppliers: cover 40 days, shipping lag 14 days, reorder
 * point 14 + 0.5 * (40 - 14) = 27 days. */
/* The single-tier model: no reserve, no channels besides the licensed one, one maker per
 * firm, one kind of vehicle line, no catch-up. */
#define NO_TIERS                                                                           \
    ", wip_days: {vehicles: 0, electronics: 0, machinery: 0}, distributor_days: 0, "      \
    "outside_scope_share: {vehicles: 0, electronics: 0, machinery: 0}, "                   \
    "embedded_share: {vehicles: 0, electronics: 0, machinery: 0}, customers_per_supplier: 1, " \
    "ev_share: {US: 0, EU: 0, ROW: 0, CN: 0}, catch_up_share: 0"
#define HOMOGENEOUS                                                                        \
    "per_cell: %d, cover_median_days: 40, cover_log_sd: 0, cover_median_replicate_log_sd: 0, " \
    "cover_min_days: 20, ship_lag_days: 14, reorder_share: 0.5, non_china_share: 0, "     \
    "non_china_max_share: 0" NO_TIERS

static inline int us_cells(const tw_trade_params *p, int *cells) {
    int n = 0;
    for (int j = 0; j < p->re.ncell; j++)
        if (p->re.cell[j] / TW_NSEC == TW_US) cells[n++] = j;
    return n;
}

/* Share of a cell's need met without the licensed channel (ns from makers outside
 * China), computed here from the parameters: embedded parts, outside makers, and the
 * outside-scope share of the rest. */
static inline double free_share(const tw_re_params *re, int sec, double ns) {
    return 1.0 - (1.0 - re->embedded_share[sec] - ns) * (1.0 - re->outside_share[sec]);
}

/* The rationing curve of a cell written out: lines without magnets keep 1 - dep; vehicle
 * combustion lines (1 - e of output) need half the magnets per unit of an electric line. */
static inline double ration(const tw_re_params *re, int r, int sec, double a) {
    if (a >= 1.0) return 1.0;
    double dep = re->dep_share[sec], ice = sec == TW_VEHICLES ? 1.0 - re->ev_share[r] : 1.0;
    double a1 = ice / (ice + (1.0 - ice) * re->ev_magnet_ratio);
    double f = a <= a1 ? ice * a / a1 : ice + (1.0 - ice) * (a - a1) / (1.0 - a1);
    return 1.0 - dep + dep * f;
}

#endif
