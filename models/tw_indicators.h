/* tw_indicators.h - the model's data dictionary: every indicator and outcome, with its
 * unit, definition and aggregation, and the enums that index them.
 *
 * Not API: only models/ includes it (and the model's own tests). The dictionary reaches
 * callers through tw_trade_indicator_list and tw_trade_outcome_list (tw_trade.h).
 *
 * Each module lists its own indicators as X(ID, name, unit, aggregation, region, partner,
 * definition) and its outcomes as X(ID, name, unit, aggregation, definition), aggregation
 * one of SUM (a flow), MEAN (a level) or CATEGORY (a 0/1 state or a code); region and
 * partner say what summary.csv's columns of that name hold for the indicator. A state
 * with several values is listed as one 0/1 indicator per value, so that its mean across
 * replicates is the share of replicates in that state. The trade flows, prices
 * and welfare are listed here; the rare-earth ones in tw_rare_earths.h, the policy
 * block's in tw_gov.h. The enums and the name tables are generated from these lists, so
 * a name and its enum cannot disagree. Adding an indicator: an X line in its module's
 * list, its series in that module's define function and its value in its value function
 * (both in the module's .c). Each block writes only the outcomes of its own list; the
 * rare-earth and policy blocks by their own slots (TW_RE_IND_* and TW_RE_OUT_* from
 * TW_IND_RE_FIRST and TW_OUT_RE_FIRST; TW_GOV_IND_* and TW_GOV_OUT_* from
 * TW_IND_GOV_FIRST and TW_OUT_GOV_FIRST, last in both enums).
 */
#ifndef TW_INDICATORS_H
#define TW_INDICATORS_H

#include "tw_day.h"
#include "tw_ge_day.h"
#include "tw_gov.h"
#include "tw_rare_earths.h"
#include "tw_trade.h"

/* Trade flows, prices and welfare. Values: tw_indicators.c. */
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
      "all", "change of real spending against the first day, 100 x ln: welfare_tot + "       \
      "welfare_volume, chained day by day along the run with producer prices from the "      \
      "general-equilibrium closure (tw_ge.h's decomposition; no ACR formula)")               \
    X(WELFARE_TOT, "welfare_tot", "percent (log points)", MEAN,                              \
      "the region whose welfare it is", "all",                                               \
      "terms-of-trade part of welfare: exports times the change of the region's "            \
      "producer price minus imports times the change of its suppliers', over spending")      \
    X(WELFARE_VOLUME, "welfare_volume", "percent (log points)", MEAN,                        \
      "the region whose welfare it is", "all",                                               \
      "volume-of-trade part of welfare: the tariff times the change of the quantity of "     \
      "each taxed import buyers use (not of customs entries: stock-building and catch-up "   \
      "are not consumption), over spending; welfare_revenue is its collected part")          \
    X(WELFARE_REVENUE, "welfare_revenue", "percent (log points)", MEAN,                      \
      "the region whose welfare it is", "all",                                               \
      "change of the duty the region collects (rebated), over spending: the collected "      \
      "part of welfare_volume (volume - revenue is the duty its buyers pay)")

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

#define TW__ENUM_IND(id, name, unit, agg, region, partner, def) TW_IND_##id,
#define TW__ENUM_OUT(id, name, unit, agg, def) TW_OUT_##id,

/* What a series measures. */
typedef enum {
    TW_TRADE_INDICATORS(TW__ENUM_IND) TW_RE_INDICATORS(TW__ENUM_IND)
        TW_GOV_INDICATORS(TW__ENUM_IND) TW_NIND
} tw_indicator;

/* The per-replicate outcomes, in output order. */
enum {
    TW_TRADE_OUTCOMES(TW__ENUM_OUT) TW_RE_OUTCOMES(TW__ENUM_OUT) TW_GOV_OUTCOMES(TW__ENUM_OUT)
        TW_NOUT
};

/* Each module's block: the rare-earth block after the trade list, the policy block last
 * in both. */
enum { TW_IND_GOV_FIRST = TW_NIND - TW_GOV_NIND, TW_OUT_GOV_FIRST = TW_NOUT - TW_GOV_NOUT };
enum {
    TW_IND_RE_FIRST = TW_IND_GOV_FIRST - TW_RE_NIND,
    TW_OUT_RE_FIRST = TW_OUT_GOV_FIRST - TW_RE_NOUT
};
_Static_assert((int)TW_IND_RE_FIRST == (int)TW_IND_RE_SHIPMENTS &&
                   (int)TW_OUT_RE_FIRST == (int)TW_OUT_RE_US_VEH_FIRST_LOSS,
               "the rare-earth lists follow the trade lists");
_Static_assert((int)TW_IND_GOV_FIRST == (int)TW_IND_TRUCE_ACTIVE &&
                   (int)TW_OUT_GOV_FIRST == (int)TW_OUT_DAYS_IN_TRUCE,
               "the policy lists close the indicator and outcome enums");

typedef struct {
    tw_indicator ind;
    int region, partner, sector; /* TW_ALL where aggregated */
} tw_series_def;

/* The policy block's series (tw_gov.c), appended to defs from n (counted only when defs
 * is NULL); returns the new n. Zero in scenarios without governments or events. */
size_t tw_gov_define(tw_series_def *defs, size_t n);
/* The rare-earth block's series (tw_rare_earths.c), appended likewise. */
size_t tw_re_define(const tw_re_params *re, tw_series_def *defs, size_t n);

/* The blocks whose values the series read (read only; gov NULL without governments). */
typedef struct {
    const tw_ge_day *ge;
    const tw_gov_world *gov;
    const tw_re_state *re;
} tw_blocks;

/* The series list: the trade series, the policy block's, the rare-earth block's (re: which
 * cells have dependent firms). *defs and *labels are allocated (the caller frees them,
 * also on an error); *n is their length. */
tw_status tw_indicators_define(const tw_re_params *re, tw_series_def **defs,
                               tw_series_label **labels, size_t *n, tw_err *err);
/* Today's value of each of the n series defs into out, from the day's view and the blocks. */
void tw_indicators_observe(const tw_day_view *v, const tw_blocks *b, const tw_series_def *defs,
                           size_t n, double *out);
/* The trade list's outcomes after the day (v: its flows and rates; ge: welfare) into
 * out[TW_NOUT] (the trade entries only). */
void tw_outcomes_update(const tw_day_view *v, const tw_ge_day *ge, double *out);

#endif
