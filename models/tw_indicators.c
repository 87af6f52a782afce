/* tw_indicators.c - the model's data dictionary and output series, composed from the
 * blocks' own lists (tw_measures.h: what a block registers; tw_indicators.h: the order).
 *
 * The dictionary (tw_trade_indicator_list, tw_trade_outcome_list) is the blocks' lists
 * one after another, copied once on first use into static tables (pthread_once): no
 * block's list is known here at compile time, so a block adds an indicator or outcome
 * without this file. The same composition gives each block's first index, the outcome
 * count and the lookups by name. Before the series are defined, the start-up check
 * (tw_measure_blocks_check) refuses a list with a name twice or an entry without a unit,
 * definition or aggregation. A series carries its block and its id in the block, so the
 * day's values are one call of the block's value function per series.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "tw_indicators.h"

/* The blocks in the dictionary's order (TW_BLOCK_*), and in summary.csv's series order. */
static const tw_measure_block *const indicators_blocks[TW_NBLOCK] = {
    [TW_BLOCK_TRADE] = &tw_trade_measures,
    [TW_BLOCK_RE] = &tw_re_measures,
    [TW_BLOCK_GOV] = &tw_gov_measures,
};
static const int series_order[TW_NBLOCK] = {TW_BLOCK_TRADE, TW_BLOCK_GOV, TW_BLOCK_RE};

/* Room for the composed dictionary; the start-up check refuses more. */
#define MEASURES_MAX 512

static struct {
    tw_measure_info ind[MEASURES_MAX], out[MEASURES_MAX];
    size_t n_ind, n_out;
    size_t ind_first[TW_NBLOCK], out_first[TW_NBLOCK];
} indicators_dict;
static pthread_once_t dict_once = PTHREAD_ONCE_INIT;

/* Append n entries of list to dict (at most MEASURES_MAX in all). */
static void append(tw_measure_info *dict, size_t *len, const tw_measure_info *list, size_t n) {
    for (size_t i = 0; i < n && *len < MEASURES_MAX; i++) dict[(*len)++] = list[i];
}

static void compose(void) {
    for (int b = 0; b < TW_NBLOCK; b++) {
        const tw_measure_block *m = indicators_blocks[b];
        indicators_dict.ind_first[b] = indicators_dict.n_ind;
        indicators_dict.out_first[b] = indicators_dict.n_out;
        append(indicators_dict.ind, &indicators_dict.n_ind, m->indicators, m->n_indicators);
        append(indicators_dict.out, &indicators_dict.n_out, m->outcomes, m->n_outcomes);
    }
}

static void dict_ready(void) { pthread_once(&dict_once, compose); }

const char *const tw_aggregation_names[3] = {"sum", "mean", "category"};

size_t tw_trade_indicator_list(const tw_measure_info **list) {
    dict_ready();
    *list = indicators_dict.ind;
    return indicators_dict.n_ind;
}

size_t tw_trade_outcome_list(const tw_measure_info **list) {
    dict_ready();
    *list = indicators_dict.out;
    return indicators_dict.n_out;
}

size_t tw_outcome_first(int block) {
    dict_ready();
    return indicators_dict.out_first[block];
}

size_t tw_outcome_count(void) {
    dict_ready();
    return indicators_dict.n_out;
}

int tw_measure_find(const tw_measure_info *list, size_t n, const char *name) {
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i].name, name) == 0) return (int)i;
    return -1;
}

int tw_indicator_index(const char *name) {
    dict_ready();
    return tw_measure_find(indicators_dict.ind, indicators_dict.n_ind, name);
}

int tw_outcome_index(const char *name) {
    dict_ready();
    return tw_measure_find(indicators_dict.out, indicators_dict.n_out, name);
}

static bool set(const char *text) { return text != NULL && text[0] != '\0'; }

/* Block b's list of one kind (outcomes or indicators) and its length. */
static const tw_measure_info *indicators_list(const tw_measure_block *m, bool outcomes, size_t *n) {
    *n = outcomes ? m->n_outcomes : m->n_indicators;
    return outcomes ? m->outcomes : m->indicators;
}

/* Where name was listed before entry i of the (b, outcomes) list, the lists taken in
 * the order block by block, indicators before outcomes: that block, or NULL. */
static const tw_measure_block *listed_before(const tw_measure_block *const *blocks, size_t b,
                                             bool outcomes, size_t i, const char *name) {
    for (size_t c = 0; c <= b; c++)
        for (int kind = 0; kind < 2; kind++) {
            size_t n;
            const tw_measure_info *list = indicators_list(blocks[c], kind == 1, &n);
            if (c == b && kind == (int)outcomes) n = i; /* this list: the entries before i */
            else if (c == b && kind > (int)outcomes) continue;
            if (tw_measure_find(list, n, name) >= 0) return blocks[c];
        }
    return NULL;
}

/* One list of the check: its entries complete, their names new. */
static tw_status check_list(const tw_measure_block *const *blocks, size_t b, bool outcomes,
                            tw_err *err) {
    const char *kind = outcomes ? "outcome" : "indicator";
    const tw_measure_block *m = blocks[b];
    size_t n;
    const tw_measure_info *list = indicators_list(m, outcomes, &n);
    for (size_t i = 0; i < n; i++) {
        const tw_measure_info *e = &list[i];
        if (!set(e->name))
            return tw_err_set(err, TW_ERUNTIME, "the %s block's %s %zu has no name", m->name, kind, i);
        const char *missing = !set(e->unit)                           ? "a unit"
                              : !set(e->definition)                   ? "a definition"
                              : (unsigned)e->aggregation > TW_AGG_CATEGORY ? "an aggregation"
                              : !outcomes && !set(e->region)          ? "what its region holds"
                              : !outcomes && !set(e->partner)         ? "what its partner holds"
                                                                      : NULL;
        if (missing != NULL)
            return tw_err_set(err, TW_ERUNTIME, "the %s block's %s %s lacks %s", m->name, kind,
                              e->name, missing);
        const tw_measure_block *first = listed_before(blocks, b, outcomes, i, e->name);
        if (first != NULL)
            return tw_err_set(err, TW_ERUNTIME,
                              "%s %s is listed twice (the %s block and the %s block): names "
                              "are unique among all indicators and outcomes",
                              kind, e->name, first->name, m->name);
    }
    return TW_OK;
}

tw_status tw_measure_blocks_check(const tw_measure_block *const *blocks, size_t n, tw_err *err) {
    size_t n_ind = 0, n_out = 0;
    for (size_t b = 0; b < n; b++) {
        tw_status st = check_list(blocks, b, false, err);
        if (st == TW_OK) st = check_list(blocks, b, true, err);
        if (st != TW_OK) return st;
        n_ind += blocks[b]->n_indicators;
        n_out += blocks[b]->n_outcomes;
    }
    if (n_ind > MEASURES_MAX || n_out > MEASURES_MAX)
        return tw_err_set(err, TW_ERUNTIME, "%zu indicators and %zu outcomes: at most %d of each",
                          n_ind, n_out, MEASURES_MAX);
    return TW_OK;
}

static const char *label(const char *const *names, int i) { return i == TW_ALL ? "all" : names[i]; }

/* The params each block's define reads (the rare-earth cells; the others none). */
tw_status tw_indicators_define(const tw_world *world, const tw_re_params *re, tw_series_def **defs_out,
                               tw_series_label **labels_out, size_t *n_out, tw_err *err) {
    *defs_out = NULL;
    *labels_out = NULL;
    tw_status st = tw_measure_blocks_check(indicators_blocks, TW_NBLOCK, err);
    if (st != TW_OK) return st;
    dict_ready();
    const void *params[TW_NBLOCK] = {[TW_BLOCK_RE] = re};
    size_t n = 0;
    for (int k = 0; k < TW_NBLOCK; k++) {
        int b = series_order[k];
        n = indicators_blocks[b]->define(world, params[b], NULL, n);
    }
    tw_series_def *defs = *defs_out = malloc((n > 0 ? n : 1) * sizeof *defs);
    tw_series_label *labels = *labels_out = malloc((n > 0 ? n : 1) * sizeof *labels);
    if (defs == NULL || labels == NULL) return tw_err_set(err, TW_ENOMEM, "out of memory");
    size_t at = 0;
    for (int k = 0; k < TW_NBLOCK; k++) {
        int b = series_order[k];
        size_t from = at;
        at = indicators_blocks[b]->define(world, params[b], defs, at);
        for (size_t i = from; i < at; i++) {
            defs[i].block = b;
            defs[i].ind = (int)indicators_dict.ind_first[b] + defs[i].local;
        }
    }
    for (size_t i = 0; i < n; i++) {
        const tw_series_def *d = &defs[i];
        labels[i] = (tw_series_label){indicators_dict.ind[d->ind].name, label(world->names, d->region),
                                      label(world->names, d->partner),
                                      label(tw_sector_names, d->sector)};
    }
    *n_out = n;
    return TW_OK;
}

void tw_indicators_observe(const tw_day_view *v, const tw_blocks *b, const tw_series_def *defs,
                           const size_t *only, size_t n, double *out) {
    const void *handle[TW_NBLOCK] = {[TW_BLOCK_TRADE] = b->ge, [TW_BLOCK_RE] = b->re,
                                     [TW_BLOCK_GOV] = b->gov};
    for (size_t j = 0; j < n; j++) {
        size_t i = only != NULL ? only[j] : j;
        const tw_series_def *d = &defs[i];
        out[i] = indicators_blocks[d->block]->value(handle[d->block], v, d);
    }
}
