/* tw_measures.h - what a block of the model registers for the output: its indicators and
 * outcomes, the series it writes, and their values.
 *
 * Not API: only models/ includes it (and the model's own tests). The dictionary reaches
 * callers through tw_trade_indicator_list and tw_trade_outcome_list (tw_trade.h), composed
 * from the blocks by tw_indicators.c.
 *
 * A block (the trade flows, prices and welfare in tw_trade_series.c; the rare-earth firms
 * in tw_rare_earths_series.c; the governments and events in tw_gov.c) keeps ONE list of
 * its indicators, X(ID, name, unit, aggregation, region, partner, definition), and one of
 * its outcomes, X(ID, name, unit, aggregation, definition), in its own .c file (the policy
 * block, whose outcomes the governments and the events both write, keeps its lists in
 * tw_gov.h, which both include; its tables and values are in tw_gov.c). From them
 * the file makes its dictionary tables (TW_MEASURE_IND, TW_MEASURE_OUT below) and, where
 * its code needs them, its own enums, so a name and its id cannot disagree. aggregation is
 * SUM (a flow), MEAN (a level) or CATEGORY (a 0/1 state or a code); region and partner
 * say what summary.csv's columns of that name hold for the indicator. A state with
 * several values is listed as one 0/1 indicator per value, so that its mean across
 * replicates is the share of replicates in that state. The same file says which series
 * the block writes (define), computes their values (value) and moves the block's outcomes,
 * each block only its own slice of the replicate's outcomes. Adding an indicator or an
 * outcome: its X line, its series and its value (or its outcome's update), all in that
 * one file (for the policy block, tw_gov.h and tw_gov.c or tw_events.c). tw_indicators.c checks at start-up that every name is unique and every entry
 * has a unit, a definition and an aggregation (tw_measure_blocks_check).
 *
 * Thread-safety: the tables are static and read-only.
 */
#ifndef TW_MEASURES_H
#define TW_MEASURES_H

#include <stddef.h>

#include "tw_day.h"
#include "tw_trade.h"

/* One output series: an indicator of one block for a (region, partner, sector). */
typedef struct {
    int ind;                     /* the indicator's index in the model's dictionary
                                  * (tw_trade_indicator_list); set by tw_indicators.c */
    int region, partner, sector; /* TW_ALL where aggregated */
    int block;                   /* the block that lists it (TW_BLOCK_*, tw_indicators.h) */
    int local;                   /* its id in the block's own list (set by the block) */
} tw_series_def;

/* What a block registers. */
typedef struct {
    const char *name; /* the block, in messages */
    const tw_measure_info *indicators; /* its list, in the dictionary's order */
    size_t n_indicators;
    const tw_measure_info *outcomes; /* its outcomes, in replicates.csv's order */
    size_t n_outcomes;
    /* Append the block's series for the regions of world to defs from n (count only when
     * defs is NULL) and return the new n; params: the block's parameters (NULL for a block
     * without). Each entry's local is the indicator's id in the block's list. */
    size_t (*define)(const tw_world *world, const void *params, tw_series_def *defs, size_t n);
    /* Today's value of the block's series d, from the block's handle (NULL where the
     * block is absent from the run) and the day's view. */
    double (*value)(const void *block, const tw_day_view *v, const tw_series_def *d);
} tw_measure_block;

/* A block's dictionary tables from its lists: {TW_X(TW_MEASURE_IND)} and
 * {TW_X(TW_MEASURE_OUT)}. */
#define TW_MEASURE_IND(id, name, unit, agg, region, partner, def) \
    {name, unit, def, TW_AGG_##agg, region, partner},
#define TW_MEASURE_OUT(id, name, unit, agg, def) {name, unit, def, TW_AGG_##agg, NULL, NULL},

/* Append series (local id ind) to defs at *n; only count when defs is NULL. */
static inline void tw_series_put(tw_series_def *defs, size_t *n, int ind, int r, int o, int s) {
    if (defs != NULL) defs[*n] = (tw_series_def){.local = ind, .region = r, .partner = o, .sector = s};
    (*n)++;
}

/* Index of the entry called name in list[n], or -1. */
int tw_measure_find(const tw_measure_info *list, size_t n, const char *name);

#endif
