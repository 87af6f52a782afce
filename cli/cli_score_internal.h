/* cli_score_internal.h - what the files of `tradewar score` share (not API).
 *
 * cli_score_input.c reads the run's shape, the observed file and the ensemble;
 * cli_score.c scores, writes and prints. Names keep the tw__ prefix of file-local code:
 * nothing outside cli_score*.c includes this header.
 */
#ifndef CLI_SCORE_INTERNAL_H
#define CLI_SCORE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tw_calendar.h"
#include "tw_error.h"

typedef enum { TW__FLOW, TW__LEVEL, TW__CODE } tw__agg;

/* How an indicator of summary.csv aggregates over an observed period, from the model's
 * data dictionary (tw_trade_indicator_list): flows (per-day quantities) are summed, codes
 * (categorical states: an average of "1 licensing" and "3 halt" means nothing) are
 * refused, levels and 0/1 states (whose average is a share) are averaged; an indicator the dictionary does not list is a level. */
tw__agg tw__agg_of(const char *indicator);

#define TW__PIT_BINS 10
/* Fewer observations than this leave a series' correlation undefined (nan). */
#define TW__CORR_MIN_N 3
/* The purpose word of the PIT's tie-breaking draws (key (0, 0), agent = observation). */
#define TW__PIT_PURPOSE 0x5C07
#define TW__NQ 5


typedef enum { TW__P_AUTO, TW__P_MONTH, TW__P_WEEK, TW__P_DAY } tw__period;

typedef struct {
    const char *outdir, *observed;
    char scoredir[4096];
    tw__period period;
    bool report, rerun, quiet, help;
} tw__sargs;

/* The run: its series and output days, as summary.csv lists them. */
typedef struct {
    char **lab;          /* [n_series * 4]: indicator, region, partner, sector (owned) */
    size_t n_series, cap_lab;
    tw_day *dates;       /* [n_dates] output days, increasing */
    size_t n_dates, cap_dates;
} tw__shape;

/* One observed row. */
typedef struct {
    size_t series;       /* index into the shape */
    tw_day d0, d1;       /* the period, both days included */
    double y;            /* observed value */
    int line;            /* line in OBSERVED.csv */
    bool flow;           /* summed over the period (else averaged) */
} tw__obs;

/* One observation scored against its ensemble. */
typedef struct {
    size_t m;            /* replicates with a finite value (0: not scored) */
    double mean, q[TW__NQ], crps, pit;
} tw__pt;

/* Scores of a set of observations (a series, or all). */
typedef struct {
    size_t n;
    double obs_mean, mae, bias, mae_pct, corr, cover50, cover90, crps, crps_pct;
    uint64_t pit[TW__PIT_BINS];
} tw__sum;

/* Grow *p (elements of size el) to hold at least need; false when out of memory. */

const char *tw__label(const tw__shape *sh, size_t s, int k);
const char *tw__name(const tw__shape *sh, size_t s, char *buf, size_t n);
void tw__shape_free(tw__shape *sh);
tw_status tw__shape_read(const char *outdir, tw__shape *sh, tw_err *err);
tw_status tw__obs_read(const tw__sargs *a, const tw__shape *sh, tw__obs **out, size_t *n,
                              tw_err *err);
tw_status tw__ensemble(const char *path, const tw__shape *sh, const tw__obs *obs,
                              size_t n_obs, double **acc, size_t *m, tw_err *err);

#endif
