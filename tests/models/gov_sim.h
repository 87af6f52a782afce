/* gov_sim.h - a small driver for the government and event tests: load a scenario written
 * inline, run replicates through the model interface (create, step, events), and read
 * effective rates and the event log. Header-only, included by test_gov.c and
 * test_events.c. */
#ifndef GOV_SIM_H
#define GOV_SIM_H

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tw_config.h"
#include "tw_trade.h"
#include "tw_gov_internal.h"
#include "tw_trade_internal.h"

/* Scenario text shared by the tests: two months with one firm per cell (the firms do not
 * matter here) and the project's calibration data. `body` adds governments, events and
 * tariffs. */
#define GOV_HEAD(start, end)                                                                  \
    "start: " start "\nend: " end "\nfirms: {per_cell: 1}\nmodel: {data_dir: " TW_SOURCE_DIR  \
    "/data}\n"

typedef struct {
    tw_cfg *cfg;
    tw_trade_params *p;
} gov_scn;

static inline void gov_load(gov_scn *g, const char *yaml) {
    tw_err err;
    tw_status st = tw_cfg_load_string("gov.yaml", yaml, strlen(yaml), &g->cfg, &err);
    cr_assert_eq(st, TW_OK, "%s", err.msg);
    void *params;
    st = tw_trade_model.load(tw_cfg_root(g->cfg), &params, &err);
    cr_assert_eq(st, TW_OK, "%s", err.msg);
    g->p = params;
}

/* Load a scenario that must be refused; returns the message. */
static inline const char *gov_load_error(const char *yaml, tw_err *err) {
    tw_cfg *cfg;
    tw_status st = tw_cfg_load_string("gov.yaml", yaml, strlen(yaml), &cfg, err);
    cr_assert_eq(st, TW_OK, "%s", err->msg);
    void *params = NULL;
    st = tw_trade_model.load(tw_cfg_root(cfg), &params, err);
    cr_assert_eq(st, TW_ECONFIG, "expected a scenario error");
    cr_assert_null(params);
    tw_cfg_free(cfg);
    return err->msg;
}

static inline void gov_unload(gov_scn *g) {
    tw_trade_model.free_params(g->p);
    tw_cfg_free(g->cfg);
}

/* A replicate, stepped through its first `days` days (all when days < 0); the callback,
 * when given, sees the state after each day. */
typedef void (*gov_day_fn)(const tw_trade_state *s, int d, void *ctx);
static inline tw_trade_state *gov_run(const gov_scn *g, uint32_t seed, uint32_t rep, int threads,
                                      int days, gov_day_fn fn, void *ctx) {
    tw_err err;
    tw_exec ex = {threads, NULL};
    void *state;
    tw_status st = tw_trade_model.create(g->p, tw_rng_key_make(seed, rep), g->p->start, &ex,
                                         &state, &err);
    cr_assert_eq(st, TW_OK, "%s", err.msg);
    int n = days < 0 ? g->p->ndays : days;
    for (int d = 0; d < n; d++) {
        st = tw_trade_model.step(state, g->p->start + d, (uint32_t)d, &err);
        cr_assert_eq(st, TW_OK, "%s", err.msg);
        if (fn != NULL) fn(state, d, ctx);
    }
    return state;
}

static inline void gov_finish(tw_trade_state *s, gov_scn *g) {
    tw_trade_model.free_state(s);
    gov_unload(g);
}

/* Effective rate, percent, of imposer on target in sector today. */
static inline double gov_rate(const tw_trade_state *s, int imposer, int target, int sector) {
    return 100.0 * (*s->tau)[imposer][target][sector];
}

/* The replicate's outcome called name so far (replicates.csv's column), looked up in the
 * model's dictionary as a caller would. */
static inline double gov_outcome(const tw_trade_state *s, const char *name) {
    int k = tw_outcome_index(name);
    cr_assert_geq(k, 0, "no outcome %s in the dictionary", name);
    return s->out[k];
}

/* Number of events named `event` (and, when actor is not NULL, by that actor). */
static inline int gov_count(const tw_trade_state *s, const char *actor, const char *event) {
    size_t n;
    const tw_event *ev = tw_trade_model.events(s, &n);
    int k = 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(ev[i].event, event) == 0 && (actor == NULL || strcmp(ev[i].actor, actor) == 0))
            k++;
    return k;
}

/* Date of the first event named `event`, or TW_DAY_NEVER. */
static inline tw_day gov_first(const tw_trade_state *s, const char *event) {
    size_t n;
    const tw_event *ev = tw_trade_model.events(s, &n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(ev[i].event, event) == 0) return ev[i].date;
    return TW_DAY_NEVER;
}

static inline tw_day gov_date(const char *text) {
    tw_day d;
    cr_assert(tw_date_parse(text, &d), "%s", text);
    return d;
}

#endif
