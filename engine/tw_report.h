/* tw_report.h - what a model's terminal report shows: a table spec the model exports
 * (tw_model.report) and the program renders (cli/cli_report.c) without knowing the model.
 *
 * The program knows the kinds of block a report is made of (headline probabilities, a
 * count against a historical rate, a monthly table, a weekly table of bands, the day a
 * loss starts, a table by destination, a table at the months' ends, a dated ruling, the
 * per-replicate outcomes); the model says which of them it shows and fills them: every
 * series by its labels (tw_series_label, as the model's `series` writes them), every
 * outcome by its name, every scenario key by its dotted path ("events.court.from"), and
 * the words and units of every heading. A block whose series or outcomes the run lacks is
 * left out, as is a block the spec leaves empty (NULL, or a count of 0).
 *
 * Column widths are the model's too (a heading's width; a value's width, a band's or
 * companion's width and its decimals), so that a table keeps its layout when its words
 * change. Nothing here is read by the engine.
 *
 * Ownership: the spec and everything it points at belong to the model (static, or owned
 * by its params) and stay valid while the params do; read-only, so thread-safe.
 */
#ifndef TW_REPORT_H
#define TW_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "tw_model.h"

/* A name and its words: an outcome and what it says, a scenario key and what it is. */
typedef struct {
    const char *name;
    const char *text;
} tw_report_words;

/* A column of the monthly table: each month's total of a flow's daily replicate means, or
 * their mean for a level, times scale. */
typedef struct {
    const char *head;       /* "US imports from CN" */
    const char *unit;       /* the second header line: "USD bn/month", "%, mean" */
    tw_series_label series; /* what it shows */
    bool flow;              /* summed over the month, else averaged */
    double scale;           /* from the series' unit to unit */
    int prec;               /* decimals shown */
} tw_report_column;

/* A cell of the weekly and month-end tables, each two spaces after the last: a value
 * ("%*.*f": w, prec), a value with its p05-p95 band ("%*.*f [%*.*f, %*.*f]": w, then wb
 * for each end), or a value with a companion series' mean ("%*.*f (%*.*f)": w, wb). */
typedef enum { TW_REPORT_MEAN, TW_REPORT_BAND, TW_REPORT_WITH } tw_report_cell;

typedef struct {
    const char *head, *sub; /* the two header lines, right-aligned in width */
    int width;
    tw_report_cell cell;
    tw_series_label series;
    tw_series_label with; /* TW_REPORT_WITH: the companion */
    int w, wb, prec;
    /* The month-end table only: a TW_REPORT_MEAN cell is the month's total (flow) or mean
     * times scale, a band is the month's last output day; watch: a change of the series'
     * largest value across replicates since the first day shows the block. */
    bool flow, watch;
    double scale;
} tw_report_col;

/* An outcome shown with its summary: "  what  mean unit (median, p05-p95)". */
typedef struct {
    const char *outcome, *what, *unit;
} tw_report_row;

/* Headline probabilities: the share of replicates where each 0/1 outcome happened. */
typedef struct {
    const tw_report_words *probs; /* outcome, what it says; in the order shown */
    size_t n_probs;
    /* An outcome in days from the start whose median date is shown under them
     * ("first leader call, median date"), and what the replicates with a value had. */
    const char *first_outcome, *first_text, *first_had;
    /* Drawn parameters (their scenario key paths) in words, for the drivers' lines. */
    const tw_report_words *words;
    size_t n_words;
} tw_report_headline;

/* A per-replicate count over the days of a window against a historical rate. */
typedef struct {
    const char *outcome;     /* the count */
    const char *what;        /* "leader calls per replicate" */
    const char *section;     /* the scenario's block: the report shows where it is given */
    const char *from;        /* the key path of the window's first day (default: the run's) */
    const char *rate;        /* the key path of the historical rate a year */
    const char *source;      /* the key path of its source */
    const char *counted;     /* "calls" */
    const char *no_rate;     /* the line where the scenario gives none */
} tw_report_rate;

/* A weekly table with bands while a quiet state is left (the first of states falls below
 * 1 in some replicate), its hint without --tables, and the day a loss starts. */
typedef struct {
    const char *title;      /* "Rare-earth magnets, China -> US" */
    const char *hint;       /* the line shown without --tables */
    const char *state_head; /* the column of the state most replicates are in */
    const tw_series_label *states; /* 0/1 series, one per state; [0] the quiet one */
    const char *const *state_names;
    size_t n_states;
    const tw_report_col *cols;
    size_t n_cols;
    /* The onset: an outcome in days from the start, the lines when it never comes and
     * when it does, and the outcomes summarised under it. */
    const char *onset_outcome, *onset_never, *onset_starts;
    const tw_report_row *onset_rows;
    size_t n_onset_rows;
} tw_report_weekly;

/* A monthly table by destination, shown while some destination's gate (a 0/1 series of
 * its quiet state) falls below 1: each destination's level (month mean) and the sum of
 * its flows (month total), then all destinations' flows against a yearly reference. */
#define TW_REPORT_FLOWS 2
typedef struct {
    const char *level_head, *flow_head;
    tw_series_label gate, level, flows[TW_REPORT_FLOWS];
} tw_report_dest_row;

typedef struct {
    const char *title;            /* may hold line breaks */
    const char *ref_key;          /* the key path of the yearly reference */
    double ref_default, ref_max;  /* its value where not given; its bound */
    const char *ref_unit;         /* "t a year" */
    const tw_report_dest_row *rows;
    size_t n_rows;
    const char *total_head, *ratio_head;
} tw_report_dest;

/* A table of the months' ends (bands) and month totals, shown where a watched series
 * moves or the scenario's list (list) has an entry whose field is value; then the share
 * of replicates where share_outcome happened, where the list has that entry. */
typedef struct {
    const char *title;   /* "US-EU: ..." */
    const char *caption; /* after "(N replicates)": may hold line breaks */
    const tw_report_col *cols;
    size_t n_cols;
    const char *list, *field, *value;
    const char *share_outcome, *share_text;
} tw_report_monthend;

/* A dated ruling the scenario may schedule under section: when it comes, the shares of
 * replicates of its results, and a series' band on the day its window opens and the
 * last day. A share's text may name a key under section as {key|default}. Where the
 * scenario has parent but not section, one line says so. */
typedef struct {
    const char *parent, *section, *from; /* key paths */
    const char *title;                   /* "Court ruling on the IEEPA tariffs" */
    const char *none_what, *none_hint;   /* "court ruling on ...", "scenarios/x.yaml has one" */
    const char *day_outcome, *day_text, *day_none;
    const tw_report_words *shares;
    size_t n_shares;
    const char *band_head;
    tw_series_label band;
} tw_report_ruling;

/* A monthly table of flows, one column a series (TW_REPORT_MEAN cells, flow and scale as
 * in the month-end table: the month's total times scale), means across replicates; shown
 * whenever the run has every series. */
typedef struct {
    const char *title;   /* "US imports by partner, USD bn a month" */
    const tw_report_col *cols;
    size_t n_cols;
} tw_report_flows;

typedef struct tw_report_spec {
    const tw_report_column *months; /* the monthly table; the report needs every column */
    size_t n_months;
    tw_report_headline headline;
    /* A scenario with none of these top-level keys has no event process: the outcomes in
     * event_outcomes are then not drawn, and the report says "scripted" with this note. */
    const char *const *event_keys;
    size_t n_event_keys;
    const char *const *event_outcomes;
    size_t n_event_outcomes;
    const char *scripted_note;
    /* Each outcome's unit (the model's dictionary), for the outcomes table. */
    const tw_report_words *units;
    size_t n_units;
    const tw_report_rate *rate;         /* NULL: none (likewise below) */
    const tw_report_weekly *weekly;
    const tw_report_dest *dest;
    const tw_report_monthend *monthend;
    const tw_report_flows *flows;
    const tw_report_ruling *ruling;
} tw_report_spec;

#endif
