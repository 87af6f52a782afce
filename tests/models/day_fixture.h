/* day_fixture.h - the governments and the events with only a day around them: a fixture
 * for testing them alone, as libuv tests a handle with only a loop around it.
 *
 * It loads the `governments:`, `events:`, `tariffs:` and `export_controls:` sections of
 * a scenario written inline (no firms, no data files, no trade model), creates what
 * tw_trade.c would hand the two modules (the replicate's tariff book behind a tw_rates,
 * its export-control book and event log), and then steps them day by day in tw_trade.c's
 * order (the events, then the governments' decisions, then their pain) against a
 * tw_day_view the test fills by hand: the rates the partner charges (tau), the GDP
 * change, prices, output losses and customs flows that make the governments' pain. The
 * view's world has equal flows between every pair of regions in every sector and a GDP
 * of 1,000 (USD bn) each, so a rate set on every sector is the trade-weighted rate.
 *
 * Header-only, for the model's tests (tests/models/ may include models/'s headers).
 */
#ifndef DAY_FIXTURE_H
#define DAY_FIXTURE_H

#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "tw_config.h"
#include "tw_controls.h"
#include "tw_day.h"
#include "tw_event_log.h"
#include "tw_events.h"
#include "tw_gov.h"
#include "tw_rates.h"
#include "tw_tariffs.h"
#include "four_regions.h"

typedef struct {
    /* the scenario's side, as tw_trade_params.c reads it */
    tw_cfg *cfg;
    tw_tariff_book book;
    tw_control_book controls;
    tw_gov_params gov[TW_NREG_MAX];
    tw_events_params ep;
    tw_rates_scenario sc; /* no precomputed tables: the fixture never resolves a day's rates */
    /* the replicate's side, as tw_trade.c creates it */
    tw_rates *rates;
    tw_control_book rcontrols;
    tw_event_log log;
    tw_gov_world *g;
    tw_events *ev;
    /* what the view points at: the test sets these between days */
    tw_world world;
    tw_rate_table tau;                        /* today's effective rates, fraction */
    double customs[TW_NREG_MAX][TW_NREG_MAX][TW_NSEC]; /* today's customs value */
    double e0[TW_NCELL_MAX], pbar[TW_NCELL_MAX], pbar0[TW_NCELL_MAX];
    double output_loss[TW_NREG_MAX][TW_NSEC];
    double gdp_pct[TW_NREG_MAX];              /* GDP against the baseline, percent */
    tw_day start;
    uint32_t d;                               /* the next day's index */
} day_fx;

static inline tw_day day_fx_date(const char *text) {
    tw_day d;
    cr_assert(tw_date_parse(text, &d), "%s", text);
    return d;
}

/* Load yaml (the policy sections only), create the governments and the events from
 * (seed, replicate 0) and set a quiet day: no rates, flat prices, no losses, steady
 * customs. */
static inline void day_fx_open(day_fx *fx, const char *start, const char *yaml, uint32_t seed) {
    memset(fx, 0, sizeof *fx);
    tw_test_four_regions(&fx->world);
    fx->log.regions = fx->world.names;
    fx->start = day_fx_date(start);
    tw_err err;
    tw_status st = tw_cfg_load_string("policy.yaml", yaml, strlen(yaml), &fx->cfg, &err);
    cr_assert_eq(st, TW_OK, "%s", err.msg);
    const tw_cfg_node *root = tw_cfg_root(fx->cfg);
    st = tw_tariffs_load(tw_cfg_get(root, "tariffs"), &fx->world, &fx->book, &err);
    cr_assert_eq(st, TW_OK, "%s", err.msg);
    st = tw_controls_load(tw_cfg_get(root, "export_controls"), &fx->world, &fx->controls, &err);
    cr_assert_eq(st, TW_OK, "%s", err.msg);
    st = tw_gov_params_load(root, &fx->book, fx->start, fx->gov, &err);
    cr_assert_eq(st, TW_OK, "%s", err.msg);
    st = tw_events_params_load(root, &fx->book, fx->start, fx->gov, &fx->ep, &err);
    cr_assert_eq(st, TW_OK, "%s", err.msg);
    cr_assert(fx->ep.enabled, "the fixture needs a government, the events or a third party");
    fx->sc.start = fx->start;
    tw_rng_key key = tw_rng_key_make(seed, 0);
    st = tw_rates_create(&fx->book, &fx->sc, true, &fx->rates, &err);
    cr_assert_eq(st, TW_OK, "%s", err.msg);
    st = tw_controls_copy(&fx->rcontrols, &fx->controls, &err);
    cr_assert_eq(st, TW_OK, "%s", err.msg);
    st = tw_gov_create(fx->gov, key, fx->rates, &fx->rcontrols, &fx->log, &fx->g, &err);
    cr_assert_eq(st, TW_OK, "%s", err.msg);
    st = tw_events_create(&fx->ep, key, fx->g, fx->rates, &fx->rcontrols, &fx->log, &fx->ev, &err);
    cr_assert_eq(st, TW_OK, "%s", err.msg);
    for (int r = 0; r < TW_NREG; r++) {
        fx->world.gdp[r] = 1000.0;
        for (int i = 0; i < TW_NREG; i++)
            for (int s = 0; s < TW_NSEC; s++) {
                fx->world.flow[r][i][s] = r == i ? 0.0 : 1.0;
                fx->customs[r][i][s] = r == i ? 0.0 : 1.0 / 365.0;
            }
    }
    for (int c = 0; c < TW_NCELL; c++) {
        fx->e0[c] = 1.0;
        fx->pbar[c] = fx->pbar0[c] = 1.0;
    }
}

static inline void day_fx_close(day_fx *fx) {
    tw_events_free(fx->ev);
    tw_gov_free(fx->g);
    tw_rates_free(fx->rates);
    tw_controls_free(&fx->rcontrols);
    tw_event_log_free(&fx->log);
    tw_controls_free(&fx->controls);
    tw_tariffs_free(&fx->book);
    tw_cfg_free(fx->cfg);
}

/* imposer's rate on target in every sector from now on, percent. */
static inline void day_fx_rate(day_fx *fx, int imposer, int target, double pct) {
    for (int s = 0; s < TW_NSEC; s++) fx->tau[imposer][target][s] = pct / 100.0;
}

/* Today's view, pointing at the fixture's values. */
static inline tw_day_view day_fx_view(const day_fx *fx, tw_day day, uint32_t d) {
    return (tw_day_view){.day = day,
                         .d = d,
                         .world = &fx->world,
                         .e0 = fx->e0,
                         .tau = &fx->tau,
                         .customs = fx->customs,
                         .pbar = fx->pbar,
                         .pbar0 = fx->pbar0,
                         .output_loss = fx->output_loss,
                         .gdp_pct = fx->gdp_pct,
                         .truce = tw_events_truce(fx->ev)};
}

/* One day, in tw_trade.c's order: the events, the governments' decisions on the view
 * (with the events' truce), then their pain from the same view. Returns the day. */
static inline tw_day day_fx_step(day_fx *fx) {
    tw_err err;
    tw_day day = fx->start + (tw_day)fx->d;
    tw_status st = tw_events_day(fx->ev, day, fx->d, &err);
    cr_assert_eq(st, TW_OK, "%s", err.msg);
    tw_day_view v = day_fx_view(fx, day, fx->d);
    st = tw_gov_decide_day(fx->g, &v, &err);
    cr_assert_eq(st, TW_OK, "%s", err.msg);
    tw_gov_end_day(fx->g, &v);
    fx->d++;
    return day;
}

/* Step until (not including) the day `date`. */
static inline void day_fx_until(day_fx *fx, const char *date) {
    tw_day end = day_fx_date(date);
    while (fx->start + (tw_day)fx->d < end) day_fx_step(fx);
}

/* r's lever, percent, on day `date` as known on that day. */
static inline double day_fx_lever(const day_fx *fx, int r, const char *date) {
    tw_day t = day_fx_date(date);
    return 100.0 * tw_gov_lever(fx->g, r, t, t);
}

/* Entries named `event` in the log (by that actor when actor is not NULL). */
static inline int day_fx_count(const day_fx *fx, const char *actor, const char *event) {
    int k = 0;
    for (size_t i = 0; i < fx->log.n; i++)
        if (strcmp(fx->log.items[i].event, event) == 0 &&
            (actor == NULL || strcmp(fx->log.items[i].actor, actor) == 0))
            k++;
    return k;
}

/* Date of the first entry named `event`, or TW_DAY_NEVER. */
static inline tw_day day_fx_first(const day_fx *fx, const char *event) {
    for (size_t i = 0; i < fx->log.n; i++)
        if (strcmp(fx->log.items[i].event, event) == 0) return fx->log.items[i].date;
    return TW_DAY_NEVER;
}

/* Whether r's latest decision is `state` (TW_GSTATE_*), as the policy block's 0/1 series
 * reads it. */
static inline bool day_fx_state(const day_fx *fx, int r, int state) {
    tw_day day = fx->start + (tw_day)fx->d;
    tw_day_view v = day_fx_view(fx, day, fx->d);
    tw_series_def def = {.local = TW_GOV_IND_STRATEGY_HOLD + state, .region = r,
                         .partner = TW_ALL, .sector = TW_ALL};
    return tw_gov_measures.value(fx->g, &v, &def) == 1.0;
}

#endif
