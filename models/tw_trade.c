/* tw_trade.c - the trade-war model's implementation of the engine's model interface.
 *
 * A day: set each cell's prices and choice probabilities from the tariff schedule, step
 * the firms, then turn their purchases into flows. A cell's spending follows its price
 * level, E = E0 (P / P0)^(1 - eta), with P yesterday's mean price paid (so the firms'
 * choices today do not feed back into today's demand); spending on an origin is E times
 * the size-weighted days of purchases bought from it; customs value is spending over
 * (1 + tariff) and revenue the tariff times customs value, the tariff being the one paid on
 * the day's purchases from the origin (a cell split into sub-cells pays each sub-cell's
 * rate on its part, tw_tariffs.h); customs collects the share of that duty that does not
 * leak (tw_duties.h), the statutory duty being kept beside it. Last, the rare-earth firms
 * step under the day's export controls and set the day's output loss and GDP effect.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tw_trade.h"
#include "tw_trade_internal.h"

static tw_status tw__load(const tw_cfg_node *root, void **params, tw_err *err) {
    tw_trade_params *p;
    tw_status st = tw_trade_params_load(root, &p, err);
    *params = (st == TW_OK) ? p : NULL;
    return st;
}

static void tw__free_params(void *params) { tw_trade_params_free(params); }
static size_t tw__n_series(const void *params) { return ((const tw_trade_params *)params)->n_series; }
static tw_series_label tw__series(const void *params, size_t i) {
    return ((const tw_trade_params *)params)->labels[i];
}
static size_t tw__n_outcomes(const void *params) {
    (void)params;
    return TW_NOUT;
}
static const char *tw__outcome_name(const void *params, size_t i) {
    (void)params;
    const tw_measure_info *list;
    tw_trade_outcome_list(&list);
    return list[i].name;
}

static void tw__free_state(void *vs) {
    tw_trade_state *s = vs;
    if (s == NULL) return;
    tw_firms_free(&s->f);
    tw_re_free(&s->re);
    tw_controls_free(&s->controls);
    tw_gov_free(s->gov);
    tw_rates_free(s->rates);
    free(s);
}

static size_t tw__state_bytes(const void *params) {
    return sizeof(tw_trade_state) + tw_firms_bytes(params);
}

static tw_status tw__create(const void *params, tw_rng_key key, tw_day start, const tw_exec *ex,
                            void **state, tw_err *err) {
    const tw_trade_params *p = params;
    *state = NULL;
    if (start != p->start)
        return tw_err_set(err, TW_ERUNTIME, "runner start day differs from the scenario's");
    tw_trade_state *s = calloc(1, sizeof *s);
    if (s == NULL) return tw_err_set(err, TW_ENOMEM, "out of memory");
    s->p = p;
    s->key = key;
    s->ex = *ex;
    tw_status st = tw_rates_create(&p->book, p->tau_now, p->tau_exp, p->start, p->fl_horizon,
                                   p->gov.enabled, &s->rates, err);
    if (st == TW_OK) st = tw_controls_copy(&s->controls, &p->controls, err);
    if (st == TW_OK) st = tw_firms_create(&s->f, p->per_cell, err);
    if (st == TW_OK) st = tw_re_create(&s->re, &p->re, err);
    if (st == TW_OK) st = tw_gov_create(&p->gov, key, &s->gov, err);
    if (st != TW_OK) {
        tw__free_state(s);
        return st;
    }
    s->out[TW_OUT_RE_US_VEH_FIRST_LOSS] = NAN; /* "never" until it happens */
    s->out[TW_OUT_FIRST_CALL_DAY] = NAN;
    tw_trade_rates_today(s, 0, true);
    memcpy(s->tau0, *s->tau, sizeof s->tau0);
    tw_firms_init(s);
    tw_re_init(s);
    *state = s;
    return TW_OK;
}

void tw_trade_rates_today(tw_trade_state *s, uint32_t d, bool exp) {
    tw_rates_on(s->rates, d, exp, &s->tau, &s->tau_exp);
    if (!exp) return;
    const tw_tariff_book *book = tw_rates_changed(s->rates) ? tw_rates_book(s->rates) : &s->p->book;
    tw_tariffs_split(book, s->p->start + (tw_day)d, TW_DAY_NEVER, s->split);
}

static tw_status tw__step(void *vs, tw_day day, uint32_t d, tw_err *err) {
    tw_trade_state *s = vs;
    const tw_trade_params *p = s->p;
    if ((int)d >= p->ndays) return tw_err_set(err, TW_ERUNTIME, "day %u beyond the run", d);
    s->day_index = d;
    if (s->gov != NULL) {
        /* Events first (they may change the book), then the governments' decisions on
         * today's rates. */
        tw_status st = tw_events_day(s, day, d, err);
        if (st != TW_OK) return st;
        tw_trade_rates_today(s, d, false);
        if ((st = tw_gov_decide_day(s, day, d, err)) != TW_OK) return st;
    }
    tw_trade_rates_today(s, d, true);
    double pbar_lag[TW_NCELL];
    memcpy(pbar_lag, s->pbar, sizeof pbar_lag);
    tw_firms_prepare_day(s, d);
    tw_firms_step(s, d);
    for (int i = 0; i < TW_NREG; i++)
        for (int sec = 0; sec < TW_NSEC; sec++) {
            int c = i * TW_NSEC + sec;
            double e = p->e0[c] * pow(pbar_lag[c] / s->pbar0[c], 1.0 - p->demand_elasticity);
            for (int o = 0; o < TW_NREG; o++) {
                double t = (o == i) ? 0.0 : s->cd[c].tau_paid[o];
                double spend = e * s->purchase[c][o];
                s->collected[o][i] = tw_duties_collected(&p->duties, i, o, day);
                s->spend[o][i][sec] = spend;
                s->customs[o][i][sec] = spend / (1.0 + t);
                s->revenue_stat[o][i][sec] = t * s->customs[o][i][sec];
                s->revenue[o][i][sec] = s->collected[o][i] * t * s->customs[o][i][sec];
            }
        }
    if (d == 0)
        for (int i = 0; i < TW_NREG; i++) {
            s->revenue0[i] = 0.0;
            for (int o = 0; o < TW_NREG; o++)
                for (int sec = 0; sec < TW_NSEC; sec++) s->revenue0[i] += s->revenue[o][i][sec];
        }
    tw_re_step(s, d);
    tw_outcomes_update(s);
    if (s->gov != NULL) tw_gov_end_day(s, d);
    return TW_OK;
}

static void tw__observe(const void *vs, double *out) { tw_indicators_observe(vs, out); }

static const tw_event *tw__events(const void *vs, size_t *n) {
    const tw_trade_state *s = vs;
    *n = s->gov != NULL ? s->gov->n_log : 0;
    return s->gov != NULL ? s->gov->log : NULL;
}

static void tw__outcomes(const void *vs, double *out) {
    const tw_trade_state *s = vs;
    memcpy(out, s->out, sizeof s->out);
}

const tw_model tw_trade_model = {
    .name = "trade",
    .load = tw__load,
    .free_params = tw__free_params,
    .n_series = tw__n_series,
    .series = tw__series,
    .n_outcomes = tw__n_outcomes,
    .outcome_name = tw__outcome_name,
    .create = tw__create,
    .step = tw__step,
    .observe = tw__observe,
    .outcomes = tw__outcomes,
    .free_state = tw__free_state,
    .state_bytes = tw__state_bytes,
    .events = tw__events,
};
