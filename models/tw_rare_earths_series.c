/* tw_rare_earths_series.c - the rare-earth block's indicators and outcomes: their list,
 * their series (which cells have dependent firms decides which), their daily values from
 * the block's state, and the block's outcomes (tw_measures.h: what a list holds;
 * tw_indicators.c composes the blocks). The firms' step that fills the state is in
 * tw_rare_earths.c; the fields it fills are in tw_rare_earths_internal.h.
 */
#include <math.h>

#include "tw_measures.h"
#include "tw_rare_earths_internal.h"

/* What region and partner hold for the rare-earth series of dependent firms. */
#define TW_RE_FIRMS "the dependent firms' region (the magnets' importer)"
#define TW_RE_EXPORTER "the magnet exporter"

/* The rare-earth indicators: X(ID, name, unit, aggregation, region, partner, definition).
 * Region = the firms' region, partner = the exporter. Their values:
 * series_value below. */
#define TW_RE_INDICATORS(X)                                                                  \
    X(RE_SHIPMENTS, "re_shipments", "tonnes per day", SUM, TW_RE_FIRMS, TW_RE_EXPORTER,      \
      "licensed rare-earth magnets shipped by the exporter to the region's dependent "       \
      "firms")                                                                               \
    X(RE_RECEIVED, "re_received", "tonnes per day", SUM, TW_RE_FIRMS, TW_RE_EXPORTER,        \
      "licensed magnets arriving at the region's dependent firms")                           \
    X(RE_OUTSIDE_SCOPE, "re_shipments_outside_scope", "tonnes per day", SUM, TW_RE_FIRMS,    \
      TW_RE_EXPORTER,                                                                        \
      "bare magnets outside the controls' scope (no Dy/Tb) shipped by the exporter to "      \
      "the region; with re_shipments, the exporter's magnet exports")                        \
    X(RE_IN_TRANSIT, "re_in_transit", "tonnes", MEAN, TW_RE_FIRMS, TW_RE_EXPORTER,           \
      "licensed magnets shipped and not yet arrived")                                        \
    X(RE_APPLICATIONS, "re_licence_applications", "applications per day", SUM,               \
      TW_RE_FIRMS, TW_RE_EXPORTER,                                                           \
      "export-licence applications filed by the magnet makers serving the region")           \
    X(RE_APPROVALS, "re_licence_approvals", "licences per day", SUM, TW_RE_FIRMS,            \
      TW_RE_EXPORTER, "export licences approved to the magnet makers serving the region")    \
    X(RE_INVENTORY, "re_inventory_days", "days of full use", MEAN, TW_RE_FIRMS,              \
      TW_RE_EXPORTER,                                                                        \
      "mean licensed-magnet stock of the dependent firms, reserve included")                 \
    X(RE_INVENTORY_P10, "re_inventory_days_p10", "days of full use", MEAN, TW_RE_FIRMS,      \
      TW_RE_EXPORTER, "10th percentile of the dependent firms' licensed-magnet stock")       \
    X(RE_HALTED, "re_firms_halted", "percent of dependent firms", MEAN, TW_RE_FIRMS,         \
      TW_RE_EXPORTER,                                                                        \
      "dependent firms with at least one line stopped for want of magnets")                  \
    X(RE_PLANTS_STOPPED, "re_plants_stopped", "percent of dependent firms", MEAN,            \
      TW_RE_FIRMS, TW_RE_EXPORTER,                                                           \
      "dependent firms with at least plant_stopped_line_share of their magnet lines "        \
      "stopped")                                                                             \
    X(RE_REGIME_OPEN, "re_regime_open", "0/1", CATEGORY, TW_RE_FIRMS, TW_RE_EXPORTER,        \
      "1 while the exporter's export-control regime toward the region is open (no "          \
      "licence needed) (summary.csv's mean: the share of replicates in it)")                 \
    X(RE_REGIME_LICENSING, "re_regime_licensing", "0/1", CATEGORY, TW_RE_FIRMS,              \
      TW_RE_EXPORTER,                                                                        \
      "1 while the exporter's export-control regime toward the region is licensing "         \
      "(summary.csv's mean: the share of replicates in it)")                                 \
    X(RE_REGIME_SLOW_ROLL, "re_regime_slow_roll", "0/1", CATEGORY, TW_RE_FIRMS,              \
      TW_RE_EXPORTER,                                                                        \
      "1 while the exporter's export-control regime toward the region is slow-roll "         \
      "(licences delayed) (summary.csv's mean: the share of replicates in it)")              \
    X(RE_REGIME_HALT, "re_regime_halt", "0/1", CATEGORY, TW_RE_FIRMS, TW_RE_EXPORTER,        \
      "1 while the exporter's export-control regime toward the region is halt (no "          \
      "licences) (summary.csv's mean: the share of replicates in it)")                       \
    X(OUTPUT_LOSS, "output_loss", "percent of potential output", MEAN,                       \
      "the producing region", "all",                                                         \
      "the sector's output lost to magnet shortages net of output caught up (all: of "       \
      "the region's goods output; negative while catching up)")                              \
    X(OUTPUT_LOSS_GROSS, "output_loss_gross", "percent of potential output", MEAN,           \
      "the producing region", "all",                                                         \
      "the sector's output stopped by magnet shortages, before catch-up (the share of "      \
      "lines stopped, by output)")                                                           \
    X(GDP, "gdp", "percent change against the baseline", MEAN, "the producing region",       \
      "all", "the region's GDP change from output lost to shortages (value added)")         \
    X(RE_SPOT_BOUGHT, "re_spot_bought", "tonnes per day", SUM, TW_RE_FIRMS, TW_RE_EXPORTER,  \
      "magnets the region's short firms bought from the spot market (only with "            \
      "rare_earths.market_sell_share above 0)")                                             \
    X(RE_SPOT_SOLD, "re_spot_sold", "tonnes per day", SUM, TW_RE_FIRMS, TW_RE_EXPORTER,      \
      "magnets the region's firms offered to the spot market from their stock above the "   \
      "reorder point")                                                                       \
    X(RE_SPOT_PREMIUM, "re_spot_premium", "percent over the contract price", MEAN,          \
      TW_RE_FIRMS, TW_RE_EXPORTER,                                                           \
      "the spot market's premium, one world price (the same in every region's series): "    \
      "market_premium_max x unmet need / (unmet need + magnets in the market)")

/* The rare-earth outcomes, in replicates.csv's order. */
#define TW_RE_OUTCOMES(X)                                                                    \
    X(RE_US_VEH_FIRST_LOSS, "re_us_vehicles_first_loss_day", "days from the start", CATEGORY, \
      "first day US vehicle gross output loss exceeds loss_threshold_pct; nan if never")    \
    X(RE_US_VEH_PEAK_LOSS, "re_us_vehicles_peak_loss_pct", "percent", MEAN,                 \
      "peak US vehicle gross output loss (stoppages)")                                      \
    X(RE_SHORTAGE_DAYS_US, "re_us_shortage_days", "days", SUM,                              \
      "days with US vehicle gross output loss above loss_threshold_pct")                    \
    X(RE_US_VEH_PLANT_DAYS, "re_us_vehicles_plant_days", "days per plant", SUM,             \
      "plant-days stopped per US vehicle plant (re_plants_stopped summed over days)")       \
    X(RE_EU_VEH_PLANT_DAYS, "re_eu_vehicles_plant_days", "days per plant", SUM,             \
      "plant-days stopped per EU vehicle plant")                                            \
    X(GDP_LOSS_US, "gdp_loss_us_usd_bn", "USD bn", SUM, "US GDP lost to shortages")         \
    X(GDP_LOSS_EU, "gdp_loss_eu_usd_bn", "USD bn", SUM, "EU GDP lost to shortages")

#define IND_ID(id, name, unit, agg, region, partner, def) TW_RE_IND_##id,
#define OUT_ID(id, name, unit, agg, def) TW_RE_OUT_##id,
enum { TW_RE_INDICATORS(IND_ID) TW_RE_NIND };
enum { TW_RE_OUTCOMES(OUT_ID) TW_RE_NOUT };
static const tw_measure_info series_indicators[] = {TW_RE_INDICATORS(TW_MEASURE_IND)};
static const tw_measure_info series_outcomes[] = {TW_RE_OUTCOMES(TW_MEASURE_OUT)};
_Static_assert(TW_RE_IND_RE_REGIME_HALT - TW_RE_IND_RE_REGIME_OPEN == TW_CTRL_HALT,
               "one 0/1 indicator per regime, in tw_ctrl_regime's order");

/* The p-quantile of stocks from a histogram of n firms (linear within a bin). */
double tw_re_hist_quantile(const double *h, double n, double prob) {
    double target = prob * n, cum = h[0];
    if (cum >= target) return 0.0;
    for (int b = 1; b < TW_RE_NBIN; b++) {
        if (cum + h[b] >= target) return ((b - 1) + (target - cum) / h[b]) * TW_RE_BIN_DAYS;
        cum += h[b];
    }
    return (TW_RE_NBIN - 1) * TW_RE_BIN_DAYS;
}

void tw_re_outcomes_start(double *out) {
    out[TW_RE_OUT_RE_US_VEH_FIRST_LOSS] = NAN; /* "never" until it happens */
}

void tw_re_outcomes_day(const tw_re_state *st, const tw_world *world, uint32_t d, double *out) {
    double loss = 100.0 * st->gross_loss[TW_US][TW_VEHICLES];
    if (loss > st->re->threshold_pct) {
        if (isnan(out[TW_RE_OUT_RE_US_VEH_FIRST_LOSS])) out[TW_RE_OUT_RE_US_VEH_FIRST_LOSS] = (double)d;
        out[TW_RE_OUT_RE_SHORTAGE_DAYS_US] += 1.0;
    }
    if (loss > out[TW_RE_OUT_RE_US_VEH_PEAK_LOSS]) out[TW_RE_OUT_RE_US_VEH_PEAK_LOSS] = loss;
    double n = (double)st->re->per_cell;
    out[TW_RE_OUT_RE_US_VEH_PLANT_DAYS] += st->stopped[TW_US * TW_NSEC + TW_VEHICLES] / n;
    out[TW_RE_OUT_GDP_LOSS_US] -= tw_day_gdp_change_bn(world, st->gdp_pct, TW_US);
    /* The EU's outcomes: 0 in a world without a region coded EU. */
    int eu = st->re->eu;
    if (eu < 0) return;
    out[TW_RE_OUT_RE_EU_VEH_PLANT_DAYS] += st->stopped[eu * TW_NSEC + TW_VEHICLES] / n;
    out[TW_RE_OUT_GDP_LOSS_EU] -= tw_day_gdp_change_bn(world, st->gdp_pct, eu);
}

static bool served(const tw_re_params *re, int r) {
    for (int s = 0; s < TW_NSEC; s++)
        if (re->dependent[r * TW_NSEC + s]) return true;
    return false;
}

/* The series: the firm series by (served region, exporter, all or a dependent sector);
 * one 0/1 series per regime by served region; output losses by (region, all or a sector
 * that uses magnets); GDP by region. */
static size_t series_define(const tw_world *world, const void *params, tw_series_def *defs,
                            size_t n) {
    const tw_re_params *re = params;
    for (int ind = TW_RE_IND_RE_SHIPMENTS; ind <= TW_RE_IND_RE_PLANTS_STOPPED; ind++)
        for (int r = 0; r < world->nreg; r++) {
            if (!served(re, r)) continue;
            tw_series_put(defs, &n, ind, r, re->exporter, TW_ALL);
            for (int s = 0; s < TW_NSEC; s++)
                if (re->dependent[r * TW_NSEC + s])
                    tw_series_put(defs, &n, ind, r, re->exporter, s);
        }
    for (int r = 0; r < world->nreg; r++)
        if (served(re, r))
            for (int k = TW_RE_IND_RE_REGIME_OPEN; k <= TW_RE_IND_RE_REGIME_HALT; k++)
                tw_series_put(defs, &n, k, r, re->exporter, TW_ALL);
    for (int ind = TW_RE_IND_OUTPUT_LOSS; ind <= TW_RE_IND_OUTPUT_LOSS_GROSS; ind++)
        for (int r = 0; r < world->nreg; r++) {
            tw_series_put(defs, &n, ind, r, TW_ALL, TW_ALL);
            for (int s = 0; s < TW_NSEC; s++)
                if (re->intensity[s] > 0.0) tw_series_put(defs, &n, ind, r, TW_ALL, s);
        }
    for (int r = 0; r < world->nreg; r++) tw_series_put(defs, &n, TW_RE_IND_GDP, r, TW_ALL, TW_ALL);
    for (int r = 0; r < world->nreg && re->mkt_sell > 0.0; r++)
        if (served(re, r))
            for (int ind = TW_RE_IND_RE_SPOT_BOUGHT; ind <= TW_RE_IND_RE_SPOT_PREMIUM; ind++)
                tw_series_put(defs, &n, ind, r, re->exporter, TW_ALL);
    return n;
}

static double series_value(const void *block, const tw_day_view *view, const tw_series_def *d) {
    (void)view; /* the block reads its own state */
    const tw_re_state *st = block;
    const tw_re_params *re = st->re;
    const int id = d->local, r = d->region, sector = d->sector;
    /* One 0/1 series per regime (tw_ctrl_regime's order), so the mean is the share of
     * replicates in it. */
    if (id >= TW_RE_IND_RE_REGIME_OPEN && id <= TW_RE_IND_RE_REGIME_HALT)
        return (int)st->dd[r].regime == id - TW_RE_IND_RE_REGIME_OPEN ? 1.0 : 0.0;
    if (id == TW_RE_IND_GDP) return st->gdp_pct[r];
    if (id == TW_RE_IND_RE_SPOT_PREMIUM) return 100.0 * st->premium;
    if (id == TW_RE_IND_OUTPUT_LOSS || id == TW_RE_IND_OUTPUT_LOSS_GROSS) {
        const double(*loss)[TW_NSEC] =
            id == TW_RE_IND_OUTPUT_LOSS ? st->output_loss : st->gross_loss;
        if (sector != TW_ALL) return 100.0 * loss[r][sector];
        double num = 0.0, den = 0.0;
        for (int sec = 0; sec < TW_NSEC; sec++) {
            num += loss[r][sec] * re->gross_output[r * TW_NSEC + sec];
            den += re->gross_output[r * TW_NSEC + sec];
        }
        return den > 0.0 ? 100.0 * num / den : 0.0;
    }
    /* Firm series: sums (or firm-weighted means) over the region's dependent cells. */
    double v = 0.0, cells = 0.0, hist[TW_RE_NBIN] = {0};
    for (int sec = 0; sec < TW_NSEC; sec++) {
        int c = r * TW_NSEC + sec;
        if (!re->dependent[c] || (sector != TW_ALL && sector != sec)) continue;
        cells += 1.0;
        switch (id) {
        case TW_RE_IND_RE_SHIPMENTS: v += st->shipped_t[c]; break;
        case TW_RE_IND_RE_RECEIVED: v += st->received_t[c]; break;
        case TW_RE_IND_RE_OUTSIDE_SCOPE: v += st->free_t[c]; break;
        case TW_RE_IND_RE_IN_TRANSIT: v += st->transit_t[c]; break;
        case TW_RE_IND_RE_APPLICATIONS: v += st->apps[c]; break;
        case TW_RE_IND_RE_APPROVALS: v += st->approvals[c]; break;
        case TW_RE_IND_RE_INVENTORY: v += st->inv_mean[c]; break;
        case TW_RE_IND_RE_HALTED: v += st->halted[c]; break;
        case TW_RE_IND_RE_PLANTS_STOPPED: v += st->stopped[c]; break;
        case TW_RE_IND_RE_SPOT_BOUGHT: v += st->bought_t[c]; break;
        case TW_RE_IND_RE_SPOT_SOLD: v += st->sold_t[c]; break;
        case TW_RE_IND_RE_INVENTORY_P10:
            for (int b = 0; b < TW_RE_NBIN; b++) hist[b] += st->hist[c][b];
            break;
        default: break;
        }
    }
    if (cells == 0.0) return 0.0;
    double n = cells * (double)re->per_cell;
    switch (id) {
    case TW_RE_IND_RE_INVENTORY: return v / cells;
    case TW_RE_IND_RE_HALTED:
    case TW_RE_IND_RE_PLANTS_STOPPED: return 100.0 * v / n;
    case TW_RE_IND_RE_INVENTORY_P10: return tw_re_hist_quantile(hist, n, 0.10);
    default: return v;
    }
}

const tw_measure_block tw_re_measures = {
    .name = "rare-earth",
    .indicators = series_indicators,
    .n_indicators = TW_RE_NIND,
    .outcomes = series_outcomes,
    .n_outcomes = TW_RE_NOUT,
    .define = series_define,
    .value = series_value,
};
