/* cli_score_internal.h - what the files of `tradewar score` share (not API).
 *
 * cli_score_input.c reads the run's shape, the observed file and the ensemble;
 * cli_score_units.c checks and converts the observed units; cli_score.c scores;
 * cli_score_output.c writes, prints and stages SCOREDIR; cli_score_events.c reads, scores,
 * writes and prints the observed event outcomes (0/1 and counts) against replicates.csv.
 * Its names carry tw__, the prefix of cross-file internals (each file's own names are
 * plain): nothing outside cli_score*.c includes this header.
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
    const char *climatology; /* --climatology FILE, or NULL: p = 0.5 */
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
    double *mean;        /* [n_dates * n_series] summary.csv's mean across replicates */
    size_t n_mean, cap_mean;
} tw__shape;

/* One observed row. */
typedef struct {
    size_t series;       /* index into the shape */
    tw_day d0, d1;       /* the period, both days included */
    double y;            /* observed value, in the dictionary's unit (tw__unit_scored) */
    double given;        /* the value as the file gives it, in unit_given */
    char *unit_given;    /* the file's unit (owned; NULL: no unit given) */
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
/* TW_OK when path is a regular file that opens (checked without blocking on a FIFO);
 * else TW_EUSAGE saying what it is, or why it does not open and then hint. */
tw_status tw__regular(const char *path, const char *hint, tw_err *err);
void tw__shape_free(tw__shape *sh);
tw_status tw__shape_read(const char *outdir, tw__shape *sh, tw_err *err);
/* The observed file's columns: date, indicator, region, partner, sector, value, unit. */
extern const char *const tw__obs_cols[7];
/* A decimal number: an optional sign, digits with an optional point, an optional exponent
 * (no hexadecimal, inf or nan, no blanks). */
bool tw__decimal(const char *s);
struct tw__ev;
/* Every row of OBSERVED.csv: a series row into *out (*n of them), an event row (its date
 * empty) into *ev (*n_ev); either may be none, not both. Caller frees both. */
tw_status tw__obs_read(const tw__sargs *a, const tw__shape *sh, tw__obs **out, size_t *n,
                       struct tw__ev **ev, size_t *n_ev, tw_err *err);
void tw__obs_free(tw__obs *obs, size_t n);
tw_status tw__ensemble(const char *path, const tw__shape *sh, const tw__obs *obs,
                              size_t n_obs, double **acc, size_t *m, tw_err *err);

/* ---- output (cli_score_output.c) ---- */

/* A double as the shortest of %.15g and %.17g that reads back exactly ("nan", "INF", no
 * "-0"); returns buf. */
const char *tw__num(char buf[40], double v);

/* score_points.csv and score.csv into dir. */
tw_status tw__write_all(const char *dir, const tw__shape *sh, const tw__obs *obs,
                        const tw__pt *pt, size_t n_obs, const size_t *ser, size_t n_ser,
                        const tw__sum *sums, const tw__sum *all, tw_err *err);
/* The series table (the units converted, then a row per series and overall). */
void tw__print(const tw__shape *sh, const tw__obs *obs, size_t n_obs, const size_t *ser,
               size_t n_ser, const tw__sum *sums, const tw__sum *all);
/* An existing SCOREDIR: TW_EUSAGE unless it holds only a score's files. */
tw_status tw__scoredir_check(const char *scoredir, tw_err *err);
/* Remove dir with its files and, depth levels down, its folders' (a symlink is removed,
 * never followed). */
void tw__remove_tree(const char *dir, int depth);
/* Create the staging directory SCOREDIR.tmp.<pid> (its path into staging). */
tw_status tw__stage_open(const char *scoredir, char *staging, size_t n, tw_err *err);
/* Rename a complete staging directory to SCOREDIR, replacing an earlier one; on failure
 * SCOREDIR is as it was and staging is kept (err says so). */
tw_status tw__stage_commit(const char *staging, const char *scoredir, tw_err *err);

/* ---- units (cli_score_units.c) ---- */

/* The unit an observed value of indicator is scored in, from the data dictionary: a
 * flow's unit without its "per day" (the period's total), a level's unit as it is. */
const char *tw__unit_scored(const char *indicator, char *buf, size_t n);
/* Turn a value given as the decimal text in unit (NULL or "": the dictionary's) for the
 * period d0..d1 of indicator into the unit it is scored in (*y). NULL when fine, else why
 * not (in why), naming the unit expected. */
const char *tw__unit_convert(const char *indicator, const char *unit, tw_day d0, tw_day d1,
                             const char *text, double *y, char *why, size_t n);

/* ---- events (cli_score_events.c) ---- */

/* An outcome of replicates.csv that score takes: a 0/1 outcome (the dictionary's unit
 * "0/1") or a count (aggregation sum, its unit one word: calls, extensions, days, ...). */
typedef enum { TW__EV_NONE, TW__EV_BINARY, TW__EV_COUNT } tw__evkind;

/* One observed event outcome and its scores against the run's replicates. */
typedef struct tw__ev {
    int line, col;       /* of the row and its indicator field in OBSERVED.csv */
    size_t outcome;      /* index into tw_trade_outcome_list */
    tw__evkind kind;
    double y;            /* observed: 0 or 1, or the count */
    size_t m, m_out;     /* replicates where it applies, where not (nan, scripted) */
    double p;            /* 0/1: the share of the m with 1, the forecast (nan for a count) */
    double mean, p05, p95; /* of the m replicates' values */
    double p_obs;        /* probability of what happened, kept inside [1/(2m), 1 - 1/(2m)] */
    double clim_p;       /* 0/1: the climatology's probability of 1 (nan for a count) */
    double brier, rps, logs, clim_brier, clim_log; /* nan where they do not apply */
} tw__ev;

/* Row `line` of OBSERVED.csv as an event observation: f and col are its fields (date ...
 * unit, as tw__obs_cols; "" where absent) and their 1-based columns; ev[0..n_prev) are
 * the rows before it (a second row of one outcome is refused). TW_EDATA with
 * file:line:col, the key and what was expected. */
tw_status tw__ev_row(const char *path, int line, const char *const f[7], const int col[7],
                     const tw__ev *prev, size_t n_prev, tw__ev *e, tw_err *err);
/* The climatology of each 0/1 event: 0.5, or FILE's probability (path: NULL for none),
 * into ev[i].clim_p. FILE is outcome,probability[,...]: every observed 0/1 outcome once,
 * each probability strictly between 0 and 1; TW_EDATA with FILE:line:col otherwise. */
tw_status tw__ev_climatology(const char *path, const char *observed, tw__ev *ev, size_t n,
                             tw_err *err);
/* Score ev[0..n) against OUTDIR/replicates.csv (scripted outcomes from
 * OUTDIR/scenario.yaml); *m: the replicates it holds. */
tw_status tw__ev_score(const char *outdir, const char *observed, tw__ev *ev, size_t n,
                       size_t *m, tw_err *err);
/* score_events.csv into dir. */
tw_status tw__ev_write(const char *dir, const tw__ev *ev, size_t n, tw_err *err);
/* The events table, after the series'. */
void tw__ev_print(const tw__ev *ev, size_t n);
/* What the first line says of the events: "3 events (2 0/1, 1 count)" ("" for none). */
void tw__ev_count(const tw__ev *ev, size_t n, char *buf, size_t len);

#endif
