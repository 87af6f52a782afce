/* tw_trade_series.c - the trade block's indicators and outcomes: flows, prices and
 * welfare. Their list, their series, their daily values and the trade outcomes are all
 * here (tw_measures.h: what a list holds; tw_indicators.c composes the blocks).
 *
 * The block reads the day through the read-only view (tw_day.h) and the general-
 * equilibrium closure's handle (tw_ge_day.h: welfare and producer prices), never the
 * replicate state. Formulas:
 *   tariff_rate, import_price_index: sector rows are the effective rate (price);
 *                           aggregates weight sectors (and partners) by 2024 customs
 *                           imports (fixed base-year weights).
 *   tariff_rate_collected   sector rows: the share collected (tw_duties.h) times the rate
 *                           paid on the day's entries (tw_split_demand, in-transit rules
 *                           applied: the view's tau_in); aggregates
 *                           weight them by the day's customs value.
 *   expenditure_share       the Armington share of each origin, the home region included.
 *   import_price_index      includes the origin's producer price (tw_ge_day.c).
 *   welfare, welfare_tot, welfare_volume, welfare_revenue: real consumption from what
 *                           buyers use and its parts, by tw_ge_day.c (its header has the
 *                           formulas), times 100.
 */
#include <math.h>
#include <stddef.h>

#include "tw_indicators.h"

/* The trade indicators: X(ID, name, unit, aggregation, region, partner, definition), and
 * the trade outcomes: X(ID, name, unit, aggregation, definition) (tw_measures.h). */
#define TW_TRADE_INDICATORS(X)                                                               \
    X(TARIFF_RATE, "tariff_rate", "percent", MEAN, "importer that imposes the tariff",       \
      "exporter it taxes (all: every partner, by 2024 imports)",                             \
      "effective tariff of the region (imposer) on the partner (target); aggregates "        \
      "weight sectors and partners by 2024 customs imports")                                 \
    X(IMPORTS, "imports", "USD million per day", SUM, "importer",                            \
      "exporter (origin; all: every origin but the region)",                                 \
      "imports of the region from the partner at customs value")                             \
    X(TARIFF_REVENUE, "tariff_revenue", "USD million per day", SUM,                          \
      "importer that collects", "exporter whose goods are taxed (all: every origin)",        \
      "duties customs collects on the region's imports from the partner: the statutory "     \
      "duty less leakage (zones and bonded warehouses, exclusions, de minimis)")             \
    X(TARIFF_REVENUE_STATUTORY, "tariff_revenue_statutory", "USD million per day", SUM,      \
      "importer that imposes the duty", "exporter whose goods are taxed (all: every origin)", \
      "statutory duty on the region's imports from the partner: the rate paid on them times " \
      "their customs value, before leakage")                                                 \
    X(TARIFF_REVENUE_DEPOSITED, "tariff_revenue_deposited", "USD million per day", SUM,      \
      "importer that collects", "exporter whose goods are taxed (all: every origin)",        \
      "duties collected as the Treasury books them: deposited on CBP's schedule (85% on "    \
      "the 15th working day of the month after entry, the rest 10 working days after "       \
      "entry) for the US, on the day of entry elsewhere; all sectors only")                  \
    X(TARIFF_REVENUE_UNCOLLECTED, "tariff_revenue_uncollected", "USD million per day", SUM,  \
      "importer that imposes the duty", "all (every origin)",                               \
      "statutory duty on the region's imports that customs does not "                        \
      "collect (zones and bonded warehouses, exclusions, de minimis): the importers' "       \
      "margin, income of the importing region (tariff_revenue_statutory = tariff_revenue + " \
      "tariff_revenue_uncollected); all partners and sectors only")                          \
    X(TARIFF_RATE_COLLECTED, "tariff_rate_collected", "percent", MEAN, "importer that collects", \
      "exporter whose goods are taxed (all: every origin, by the day's customs value)",      \
      "duty collected per unit of customs value: the rate paid on the day's purchases times " \
      "the share collected; aggregates weight by the day's customs value")                   \
    X(IMPORT_PRICE_INDEX, "import_price_index", "index, first day = 1", MEAN, "importer",    \
      "exporter (origin; all: every origin, by 2024 imports)",                               \
      "tariff-inclusive buyer price of the region's imports from the partner")               \
    X(PARTNER_IMPORT_SHARE, "partner_import_share", "percent", MEAN, "importer",             \
      "exporter (origin) whose share it is",                                                 \
      "share of the region's imports (customs value) coming from the partner")               \
    X(EXPORTS, "exports", "USD million per day", SUM, "exporter",                            \
      "importer (destination; all: every destination)",                                      \
      "exports of the region to the partner at customs value, all sectors")                  \
    X(EXPENDITURE_SHARE, "expenditure_share", "percent", MEAN,                               \
      "buyer (the spending region)", "origin of the goods, the region itself included",      \
      "share of the region's spending in the sector going to the partner (origin), "         \
      "home included")                                                                       \
    X(BUYER_PRICE_INDEX, "buyer_price_index", "index, first day = 1", MEAN, "buyer",         \
      "all (every origin, home included)",                                                   \
      "mean price paid by the sector's buyers in the region")                                \
    X(PRODUCER_PRICE, "producer_price", "index, first day = 1", MEAN, "producer", "all",     \
      "the region's producer price (wage) from the general-equilibrium closure, in "         \
      "units of world output at first-day prices (the numeraire)")                           \
    X(WELFARE, "welfare", "percent (log points)", MEAN, "the region whose welfare it is",    \
      "all", "change of real consumption against the first day, 100 x ln: the nested CES "   \
      "aggregate of the quantities buyers use, over sectors with first-day spending "        \
      "weights; a function of the day's state (= real spending at the buyers' optimum); "    \
      "welfare_tot + welfare_volume")                                                        \
    X(WELFARE_TOT, "welfare_tot", "percent (log points)", MEAN,                              \
      "the region whose welfare it is", "all",                                               \
      "terms-of-trade part of welfare, chained day by day: exports times the change of the " \
      "region's producer price minus imports times the change of its suppliers', over "     \
      "spending")                                                                            \
    X(WELFARE_VOLUME, "welfare_volume", "percent (log points)", MEAN,                        \
      "the region whose welfare it is", "all",                                               \
      "the rest of welfare, welfare - welfare_tot: the volume of trade at the tariffs in "    \
      "force and how far buyers are from their optimum (slow switching); what buyers use, "  \
      "not customs entries (stock-building and catch-up are not consumption)")               \
    X(WELFARE_REVENUE, "welfare_revenue", "percent (log points)", MEAN,                      \
      "the region whose welfare it is", "all",                                               \
      "change of the duty on what the region's buyers use (rebated: customs' and, where it "  \
      "does not collect, the importers'), chained over spending")                          \
    X(TRADE_DEFICIT, "trade_deficit", "USD million per day", SUM, "the region", "all",      \
      "the region's deficit on what its buyers use: their spending less its producers' "     \
      "sales and the duty (imports less exports at customs value, normal purchases: no "    \
      "stock built or drawn, nothing in transit, no seasonal timing); the general-"          \
      "equilibrium closure holds it at the first day's; the regions' deficits sum to zero")

#define TW_TRADE_OUTCOMES(X)                                                                 \
    X(IMPORTS_US_FROM_CN, "imports_us_from_cn_usd_bn", "USD bn", SUM,                        \
      "US imports from China over the run, customs value")                                   \
    X(IMPORTS_CN_FROM_US, "imports_cn_from_us_usd_bn", "USD bn", SUM,                        \
      "Chinese imports from the US over the run, customs value")                             \
    X(REVENUE_US, "tariff_revenue_us_usd_bn", "USD bn", SUM, "US tariff revenue over the run") \
    X(REVENUE_CN, "tariff_revenue_cn_usd_bn", "USD bn", SUM,                                 \
      "Chinese tariff revenue over the run")                                                 \
    X(PEAK_TARIFF_US_CN, "peak_tariff_us_on_cn_pct", "percent", MEAN,                        \
      "highest trade-weighted US tariff on China on any day")                                \
    X(PEAK_TARIFF_CN_US, "peak_tariff_cn_on_us_pct", "percent", MEAN,                        \
      "highest trade-weighted Chinese tariff on the US on any day")                          \
    X(CN_SHARE_US_END, "cn_share_of_us_imports_end_pct", "percent", MEAN,                    \
      "China's share of US imports on the last day")                                         \
    X(WELFARE_US_END, "welfare_us_end_pct", "percent change", MEAN, "US welfare on the last day") \
    X(WELFARE_CN_END, "welfare_cn_end_pct", "percent change", MEAN,                          \
      "China's welfare on the last day")                                                     \
    X(WELFARE_EU_END, "welfare_eu_end_pct", "percent change", MEAN, "EU welfare on the last day") \
    X(WELFARE_ROW_END, "welfare_row_end_pct", "percent change", MEAN,                        \
      "the rest of the world's welfare on the last day")

#define IND_ID(id, name, unit, agg, region, partner, def) TW_TRADE_IND_##id,
#define OUT_ID(id, name, unit, agg, def) TW_TRADE_OUT_##id,
enum { TW_TRADE_INDICATORS(IND_ID) TW_TRADE_NIND };
enum { TW_TRADE_OUTCOMES(OUT_ID) TW_TRADE_NOUT };
static const tw_measure_info series_indicators[] = {TW_TRADE_INDICATORS(TW_MEASURE_IND)};
static const tw_measure_info series_outcomes[] = {TW_TRADE_OUTCOMES(TW_MEASURE_OUT)};

/* The series: every pair indicator for (region, partner != region or all, sector or
 * all), partner_import_share without the partner all; exports by (region, partner or
 * all); expenditure shares by (buyer, origin, sector); buyer prices by (region, sector
 * or all); producer price and welfare by region. */
static size_t series_define(const tw_world *world, const void *params, tw_series_def *defs,
                            size_t n) {
    (void)params;
    static const int pair_inds[] = {
        TW_TRADE_IND_TARIFF_RATE,        TW_TRADE_IND_IMPORTS,          TW_TRADE_IND_TARIFF_REVENUE,
        TW_TRADE_IND_TARIFF_REVENUE_STATUTORY, TW_TRADE_IND_TARIFF_RATE_COLLECTED,
        TW_TRADE_IND_IMPORT_PRICE_INDEX, TW_TRADE_IND_PARTNER_IMPORT_SHARE};
    for (size_t k = 0; k < sizeof pair_inds / sizeof pair_inds[0]; k++)
        for (int r = 0; r < world->nreg; r++)
            for (int o = TW_ALL; o < world->nreg; o++) {
                if (o == r) continue;
                if (o == TW_ALL && pair_inds[k] == TW_TRADE_IND_PARTNER_IMPORT_SHARE) continue;
                for (int s = TW_ALL; s < TW_NSEC; s++) tw_series_put(defs, &n, pair_inds[k], r, o, s);
            }
    for (int r = 0; r < world->nreg; r++)
        for (int o = TW_ALL; o < world->nreg; o++)
            if (o != r) tw_series_put(defs, &n, TW_TRADE_IND_TARIFF_REVENUE_DEPOSITED, r, o, TW_ALL);
    for (int r = 0; r < world->nreg; r++)
        tw_series_put(defs, &n, TW_TRADE_IND_TARIFF_REVENUE_UNCOLLECTED, r, TW_ALL, TW_ALL);
    for (int r = 0; r < world->nreg; r++)
        for (int o = TW_ALL; o < world->nreg; o++)
            if (o != r) tw_series_put(defs, &n, TW_TRADE_IND_EXPORTS, r, o, TW_ALL);
    for (int r = 0; r < world->nreg; r++)
        for (int o = 0; o < world->nreg; o++)
            for (int s = 0; s < TW_NSEC; s++)
                tw_series_put(defs, &n, TW_TRADE_IND_EXPENDITURE_SHARE, r, o, s);
    for (int r = 0; r < world->nreg; r++)
        for (int s = TW_ALL; s < TW_NSEC; s++)
            tw_series_put(defs, &n, TW_TRADE_IND_BUYER_PRICE_INDEX, r, TW_ALL, s);
    for (int k = TW_TRADE_IND_PRODUCER_PRICE; k <= TW_TRADE_IND_TRADE_DEFICIT; k++)
        for (int r = 0; r < world->nreg; r++) tw_series_put(defs, &n, k, r, TW_ALL, TW_ALL);
    return n;
}

/* Does (partner, sector) of a series include origin o and sector s? */
static bool in(int want, int have) { return want == TW_ALL || want == have; }

/* The origins [o0, o1) and sectors [s0, s1) a series' partner and sector include: all,
 * or the one. The loops below run over these alone, adding the same terms in the same
 * order as a loop over all that skips the others. */
typedef struct {
    int o0, o1, s0, s1;
} box;

static box box_of(const tw_world *world, int partner, int sector) {
    return (box){partner == TW_ALL ? 0 : partner, partner == TW_ALL ? world->nreg : partner + 1,
                 sector == TW_ALL ? 0 : sector, sector == TW_ALL ? TW_NSEC : sector + 1};
}

/* Sum of a [exporter][importer][sector] table over the series' partner and sector. */
static double sum_in(const tw_day_view *v0, const double t[TW_NREG_MAX][TW_NREG_MAX][TW_NSEC],
                     int importer, int partner, int sector) {
    double v = 0.0;
    const box b = box_of(v0->world, partner, sector);
    for (int o = b.o0; o < b.o1; o++) {
        if (o == importer) continue;
        for (int s = b.s0; s < b.s1; s++) v += t[o][importer][s];
    }
    return v;
}

static double series_value(const void *block, const tw_day_view *st, const tw_series_def *d) {
    const tw_ge_day *ge = block;
    const tw_rate_table *tau = st->tau;
    const double to_musd_day = 1000.0 / 365.0;
    int r = d->region, o = d->partner, s = d->sector;
    switch (d->local) {
    case TW_TRADE_IND_TARIFF_RATE: return 100.0 * tw_world_weighted_rate(st->world, *tau, r, o, s);
    case TW_TRADE_IND_IMPORTS: return to_musd_day * sum_in(st, st->customs, r, o, s);
    case TW_TRADE_IND_TARIFF_REVENUE: return to_musd_day * sum_in(st, st->revenue, r, o, s);
    case TW_TRADE_IND_TARIFF_REVENUE_DEPOSITED: {
        double v = 0.0;
        for (int x = 0; x < st->world->nreg; x++)
            if (x != r && in(o, x)) v += st->deposited[x][r];
        return to_musd_day * v;
    }
    case TW_TRADE_IND_TARIFF_REVENUE_STATUTORY:
        return to_musd_day * sum_in(st, st->revenue_stat, r, o, s);
    case TW_TRADE_IND_TARIFF_REVENUE_UNCOLLECTED:
        return to_musd_day * (sum_in(st, st->revenue_stat, r, o, s) - sum_in(st, st->revenue, r, o, s));
    case TW_TRADE_IND_TARIFF_RATE_COLLECTED: {
        /* The rate of each (partner, sector), weighted by the day's customs value. */
        double num = 0.0, den = 0.0;
        const box b = box_of(st->world, o, s);
        for (int x = b.o0; x < b.o1; x++) {
            if (x == r) continue;
            for (int y = b.s0; y < b.s1; y++) {
                double rate = st->collected[x][r] * (*st->tau_in)[r][x][y];
                if (o != TW_ALL && s != TW_ALL) return 100.0 * rate;
                num += rate * st->customs[x][r][y];
                den += st->customs[x][r][y];
            }
        }
        return den > 0.0 ? 100.0 * num / den : 0.0;
    }
    case TW_TRADE_IND_IMPORT_PRICE_INDEX: {
        double num = 0.0, den = 0.0;
        const box b = box_of(st->world, o, s);
        for (int x = b.o0; x < b.o1; x++) {
            if (x == r) continue;
            for (int y = b.s0; y < b.s1; y++) {
                double w = st->world->flow[x][r][y];
                const double p0 = tw_buyer_price(st->pass_through, 1.0, (*st->tau0)[r][x][y]);
                num += w * tw_buyer_price(st->pass_through, st->w[x], (*tau)[r][x][y]) / p0;
                den += w;
            }
        }
        return num / den;
    }
    case TW_TRADE_IND_PARTNER_IMPORT_SHARE: {
        double all = sum_in(st, st->customs, r, TW_ALL, s);
        return all > 0.0 ? 100.0 * sum_in(st, st->customs, r, o, s) / all : 0.0;
    }
    case TW_TRADE_IND_EXPORTS: {
        double v = 0.0;
        for (int i = 0; i < st->world->nreg; i++)
            if (i != r && in(o, i))
                for (int y = 0; y < TW_NSEC; y++) v += st->customs[r][i][y];
        return to_musd_day * v;
    }
    case TW_TRADE_IND_EXPENDITURE_SHARE: {
        double all = 0.0;
        for (int x = 0; x < st->world->nreg; x++) all += st->spend[x][r][s];
        return all > 0.0 ? 100.0 * st->spend[o][r][s] / all : 0.0;
    }
    case TW_TRADE_IND_BUYER_PRICE_INDEX: {
        double num = 0.0, den = 0.0;
        for (int y = 0; y < TW_NSEC; y++) {
            if (!in(s, y)) continue;
            int c = r * TW_NSEC + y;
            num += st->e0[c] * st->pbar[c] / st->pbar0[c];
            den += st->e0[c];
        }
        return num / den;
    }
    /* Chained by tw_ge_day.c; tot + volume = welfare, revenue is a part of volume. */
    case TW_TRADE_IND_PRODUCER_PRICE: return tw_ge_day_value(ge, TW_GE_PRICE, r);
    case TW_TRADE_IND_WELFARE: return tw_ge_day_value(ge, TW_GE_WELFARE, r);
    case TW_TRADE_IND_WELFARE_TOT: return tw_ge_day_value(ge, TW_GE_TOT, r);
    case TW_TRADE_IND_WELFARE_VOLUME: return tw_ge_day_value(ge, TW_GE_VOLUME, r);
    case TW_TRADE_IND_WELFARE_REVENUE: return tw_ge_day_value(ge, TW_GE_REVENUE, r);
    case TW_TRADE_IND_TRADE_DEFICIT: return to_musd_day * tw_ge_day_deficit(ge, r);
    default: break;
    }
    return 0.0;
}

/* Today's value of the trade indicator ind for (r, o, sec). */
static double now(const tw_day_view *v, const tw_ge_day *ge, int ind, int r, int o, int sec) {
    tw_series_def d = {.local = ind, .region = r, .partner = o, .sector = sec};
    return series_value(ge, v, &d);
}

void tw_outcomes_update(const tw_day_view *s, const tw_ge_day *ge, double *out) {
    const double per_day = 1.0 / 365.0; /* USD bn a year -> USD bn on one day */
    out[TW_TRADE_OUT_IMPORTS_US_FROM_CN] += per_day * sum_in(s, s->customs, TW_US, TW_CN, TW_ALL);
    out[TW_TRADE_OUT_IMPORTS_CN_FROM_US] += per_day * sum_in(s, s->customs, TW_CN, TW_US, TW_ALL);
    out[TW_TRADE_OUT_REVENUE_US] += per_day * sum_in(s, s->revenue, TW_US, TW_ALL, TW_ALL);
    out[TW_TRADE_OUT_REVENUE_CN] += per_day * sum_in(s, s->revenue, TW_CN, TW_ALL, TW_ALL);
    const tw_rate_table *tau = s->tau;
    double us_cn = 100.0 * tw_world_weighted_rate(s->world, *tau, TW_US, TW_CN, TW_ALL);
    double cn_us = 100.0 * tw_world_weighted_rate(s->world, *tau, TW_CN, TW_US, TW_ALL);
    if (s->d == 0 || us_cn > out[TW_TRADE_OUT_PEAK_TARIFF_US_CN]) out[TW_TRADE_OUT_PEAK_TARIFF_US_CN] = us_cn;
    if (s->d == 0 || cn_us > out[TW_TRADE_OUT_PEAK_TARIFF_CN_US]) out[TW_TRADE_OUT_PEAK_TARIFF_CN_US] = cn_us;
    /* End-of-run values: overwritten every day, the last day's stay. */
    out[TW_TRADE_OUT_CN_SHARE_US_END] =
        now(s, ge, TW_TRADE_IND_PARTNER_IMPORT_SHARE, TW_US, TW_CN, TW_ALL);
    /* The outcomes name the four regions of data/ by code; a world without one leaves its
     * outcome at 0. */
    static const char *const welfare_end[] = {"US", "CN", "EU", "ROW"};
    for (int k = 0; k < 4; k++) {
        int r = tw_world_region(s->world, welfare_end[k]);
        if (r >= 0)
            out[TW_TRADE_OUT_WELFARE_US_END + k] = now(s, ge, TW_TRADE_IND_WELFARE, r, TW_ALL, TW_ALL);
    }
}

const tw_measure_block tw_trade_measures = {
    .name = "trade",
    .indicators = series_indicators,
    .n_indicators = TW_TRADE_NIND,
    .outcomes = series_outcomes,
    .n_outcomes = TW_TRADE_NOUT,
    .define = series_define,
    .value = series_value,
};
