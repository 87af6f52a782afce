/* tw_indicators.h - the model's data dictionary and output series, composed from the
 * blocks' own lists.
 *
 * Not API: only models/ includes it (and the model's own tests). The dictionary reaches
 * callers through tw_trade_indicator_list and tw_trade_outcome_list (tw_trade.h).
 *
 * Each block lists its indicators and outcomes in its own .c file and registers them with
 * its series and values as a tw_measure_block (tw_measures.h says what a list holds and
 * where to add an entry): the trade flows, prices and welfare (tw_trade_series.c), the
 * rare-earth firms (tw_rare_earths_series.c), the governments and events (tw_gov.c; their
 * lists in tw_gov.h, which both sides include).
 * tw_indicators.c composes them: the dictionary is the blocks' lists one after another in
 * TW_BLOCK_* order (so an indicator's or outcome's index is its block's first index plus
 * its id in the block), the replicate's outcomes likewise (each block writes its slice
 * from tw_outcome_first), and the series list is each block's series in summary.csv's
 * order (trade, policy, rare-earth). Counts are known at run time (tw_outcome_count).
 *
 * Thread-safety: the dictionary is composed once, on first use (pthread_once), and is
 * read-only after; every function here may be called from any thread.
 */
#ifndef TW_INDICATORS_H
#define TW_INDICATORS_H

#include "tw_day.h"
#include "tw_error.h"
#include "tw_ge_day.h"
#include "tw_gov.h"
#include "tw_measures.h"
#include "tw_rare_earths.h"
#include "tw_report.h"
#include "tw_trade.h"

/* The blocks, in the dictionary's order (and that of replicates.csv's outcome columns). */
enum { TW_BLOCK_TRADE, TW_BLOCK_RE, TW_BLOCK_GOV, TW_NBLOCK };

/* The trade block (tw_trade_series.c): flows, prices and welfare. Its handle is the
 * general-equilibrium closure (tw_ge_day) that holds the day's welfare and prices. */
extern const tw_measure_block tw_trade_measures;
/* The trade block's outcomes after the day (v: its flows and rates; ge: welfare) into its
 * slice out[tw_trade_measures.n_outcomes]. */
void tw_outcomes_update(const tw_day_view *v, const tw_ge_day *ge, double *out);

/* The blocks' handles the series read (read only; gov NULL without governments). */
typedef struct {
    const tw_ge_day *ge;
    const tw_gov_world *gov;
    const tw_re_state *re;
} tw_blocks;

/* Index of block's first outcome in the replicate's outcomes, and the number of outcomes
 * of all blocks (the length of the replicate's outcome array). */
size_t tw_outcome_first(int block);
size_t tw_outcome_count(void);
/* The dictionary index of the indicator or outcome called name, or -1. */
int tw_indicator_index(const char *name);
int tw_outcome_index(const char *name);

/* What the terminal report after a run shows (tw_report.h), next to the dictionary it
 * takes its units from (tw_report.c): the report of every world, without the tables by
 * partner. Static; params unused. */
const tw_report_spec *tw_trade_report(const void *params);

/* The report of one world: tw_trade_report's with the table of US imports by partner,
 * one column for each region of the world and one for all. Points into itself and at the
 * world's codes: fill it where it stays (the model's parameters, tw_trade_params.c), and
 * keep the world. */
typedef struct {
    tw_report_spec spec;
    tw_report_flows partners;
    tw_report_col cols[TW_NREG_MAX];
    char heads[TW_NREG_MAX][16];
} tw_trade_world_report;
void tw_trade_report_world(const tw_world *world, tw_trade_world_report *r);

/* The start-up check of the blocks' lists: every name set and unique among all the
 * indicators and outcomes, every entry with a unit, a definition and an aggregation, every
 * indicator with what its region and partner columns hold. TW_ERUNTIME naming the first
 * entry that breaks it. */
tw_status tw_measure_blocks_check(const tw_measure_block *const *blocks, size_t n, tw_err *err);

/* The series list, after the check of the model's blocks: the trade series, the policy
 * block's, the rare-earth block's (re: which cells have dependent firms). *defs and
 * *labels are allocated (the caller frees them, also on an error); *n is their length. */
tw_status tw_indicators_define(const tw_world *world, const tw_re_params *re, tw_series_def **defs,
                               tw_series_label **labels, size_t *n, tw_err *err);
/* Today's value of the series defs[only[j]], j < n, into out[only[j]] (only NULL: of each of
 * the n series defs into out), from the day's view and the blocks. */
void tw_indicators_observe(const tw_day_view *v, const tw_blocks *b, const tw_series_def *defs,
                           const size_t *only, size_t n, double *out);

#endif
