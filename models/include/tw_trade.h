/* tw_trade.h - the trade-war model, as the engine sees it.
 *
 * tw_trade_model implements tw_model (engine/tw_model.h): importer firm agents in every
 * region and sector choose a supplying origin by logit over tariff-inclusive prices,
 * re-optimise by a hazard, front-load ahead of announced increases, and the sector's
 * spending responds to its price level; indicators are daily tariffs, imports, revenue,
 * prices, shares and ACR welfare (tw_trade_indicator_list says what each one is).
 */
#ifndef TW_TRADE_H
#define TW_TRADE_H

#include "tw_model.h"

extern const tw_model tw_trade_model;

/* How a daily value combines over a period: a flow is SUMMED (imports, revenue, shipments,
 * licence applications), a level is AVERAGED (rates, prices, shares, stocks), a code is
 * categorical (neither sums nor means are meaningful: take the last or the mode). */
typedef enum { TW_AGG_SUM, TW_AGG_MEAN, TW_AGG_CATEGORY } tw_aggregation;
extern const char *const tw_aggregation_names[3]; /* "sum", "mean", "category" */

/* One entry of the model's data dictionary. */
typedef struct {
    const char *name;       /* as written in the output files */
    const char *unit;
    const char *definition; /* one sentence */
    tw_aggregation aggregation;
    /* Indicators only (NULL for outcomes): what summary.csv's region and partner columns
     * hold for this indicator ("importer", "exporter", ...; "all" where not used). */
    const char *region;
    const char *partner;
} tw_measure_info;

/* The model's indicators (summary.csv's `indicator` column) and its per-replicate outcomes
 * (replicates.csv's columns after `replicate,seed`, in that order): *list points at a
 * static table; the return value is its length. Pure and thread-safe. */
size_t tw_trade_indicator_list(const tw_measure_info **list);
size_t tw_trade_outcome_list(const tw_measure_info **list);

#endif
