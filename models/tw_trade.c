/* tw_trade.c - the trade-war model's implementation of the engine's model interface.
 *
 * A day, a short script of calls: the events and the governments' decisions, today's
 * rates, each cell's prices and choice probabilities (tw_trade_prepare_firms), the firms'
 * step, their own demand and the cells' price indices (tw_trade_own_demand), the day's
 * flows (tw_flows_day, tw_flows.h), the general-equilibrium closure, the rare-earth firms,
 * the outcomes. Firms order quantities: a cell's quantity
 * follows its price level, Q = E0 (P / P0)^(-eta), with P today's price index of the cell
 * after the firms' step (tw_trade_own_demand: the spending per unit of Q, so that with eta
 * = 1 the cell spends E0 times its income every day); spending on an
 * origin is Q times each firm's own demand (a firm buying abroad buys less when its
 * supplier is dearer than the other importers', tw_trade_own_demand) times the
 * size-weighted days of purchases ordered from it times the origin's price relative to
 * the first day (a unit is what one USD bought there on the first day);
 * orders ship on the day they are placed and enter customs after the route's days in
 * transit (model.transit; a ring of loading days per route and sector), at the rate of
 * the entry day; entries carry the month's factor of the route (seasonality); customs
 * value is the order's spending over (1 + tariff) at its loading, tariff revenue the
 * entry day's rate times customs value, and buyers' spending customs value plus duty. The
 * rate is the one paid on the day's purchases from the origin (a cell split into
 * sub-cells pays each sub-cell's rate on its part, tw_tariffs.h); customs collects the
 * share of that duty that does not leak (tw_duties.h), the statutory duty being kept
 * beside it. Goods that an entry's in-transit rule covers (loaded before one date, entered
 * before another) pay the rate without that entry.
 * With full pass-through a firm that keeps its supplier therefore pays the tariff on top
 * and its customs value moves with its own demand and the sector's. With the general-equilibrium
 * closure on, a region's buyers spend its income (wages, the fixed deficit and the day's
 * duty, rebated the same day), split between its own goods and imports so that its
 * producers sell their output and its deficit stays the first day's, and after the flows the closure chains the day's welfare
 * and moves producer prices toward clearing each region's market (tw_ge_day.c). Last, the rare-earth firms
 * step under the day's export controls and set the day's output loss and GDP effect.
 *
 * Composition. The replicate state (tw_trade_internal.h) holds each module's handle or
 * state; the day's flows are the flows module's (tw_flows.h), which tw_trade.c hands what
 * they are computed from. The importer firms (tw_firms.h) get what they read: the
 * day's rates, sub-cells and producer prices to build the cell days
 * (tw_trade_prepare_firms), the cell days to step, and the arrays for their results. The
 * governments (tw_gov.h), the general-equilibrium closure (tw_ge_day.h) and the
 * rare-earth firms (tw_rare_earths.h) get a read-only view of the day (trade_view,
 * tw_day.h) instead of the state, the rare-earth firms also the replicate's
 * export-control book to read. The governments are handed the replicate's tariff and
 * export-control books and its event log at creation, the only state of others they
 * change; the events (tw_events.h) are handed the same and the governments' handle,
 * whose functions they call. Each day the events come first, then the governments'
 * decisions (on a view that carries the events' truce), and after the flows the
 * governments' pain. Outcomes: each block writes its slice of the replicate's outcomes
 * (tw_outcome_first: tw_outcomes_update the trade block's, tw_re_step the rare-earth
 * block's, tw_gov_outcomes and tw_events_outcomes each their own entries of the policy
 * block's), an array sized at creation from the dictionary (tw_outcome_count). The view's
 * output loss and GDP change point at the rare-earth state's own arrays.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tw_trade.h"
#include "tw_trade_internal.h"

static tw_status trade_load(const tw_cfg_node *root, void **params, tw_err *err) {
    tw_trade_params *p;
    tw_status st = tw_trade_params_load(root, &p, err);
    *params = (st == TW_OK) ? p : NULL;
    return st;
}

static void trade_free_params(void *params) { tw_trade_params_free(params); }
static size_t trade_n_series(const void *params) { return ((const tw_trade_params *)params)->n_series; }
static tw_series_label trade_series(const void *params, size_t i) {
    return ((const tw_trade_params *)params)->labels[i];
}
/* The outcomes, then the replicate's draws of the parameters that are distributions. */
static size_t trade_n_drawn(const void *params) {
    return (size_t)((const tw_trade_params *)params)->ev.n_drawn;
}
static bool trade_drawn_assumed(const void *params, size_t k) {
    return ((const tw_trade_params *)params)->ev.drawn[k].assumed;
}
static size_t trade_n_outcomes(const void *params) { return tw_outcome_count() + trade_n_drawn(params); }
static const char *trade_outcome_name(const void *params, size_t i) {
    size_t n_out = tw_outcome_count();
    if (i >= n_out) return ((const tw_trade_params *)params)->ev.drawn[i - n_out].name;
    const tw_measure_info *list;
    tw_trade_outcome_list(&list);
    return list[i].name;
}

static void trade_free_state(void *vs) {
    tw_trade_state *s = vs;
    if (s == NULL) return;
    tw_firms_free(&s->f);
    tw_re_free(s->re);
    tw_ge_day_free(s->ge);
    tw_flows_free(s->flows);
    tw_controls_free(&s->controls);
    tw_events_free(s->ev);
    tw_gov_free(s->gov);
    tw_event_log_free(&s->log);
    tw_rates_free(s->rates);
    free(s->out);
    free(s);
}

static size_t trade_state_bytes(const void *params) {
    return sizeof(tw_trade_state) + tw_outcome_count() * sizeof(double) + tw_re_state_bytes() +
           tw_flows_bytes() +
           tw_firms_bytes(&((const tw_trade_params *)params)->firms);
}

/* The read-only view of the day the modules get (tw_day.h), as of now. */
static tw_day_view trade_view(const tw_trade_state *s, tw_day day, uint32_t d) {
    const tw_trade_params *p = s->p;
    return (tw_day_view){.day = day,
                         .d = d,
                         .world = &p->world,
                         .sigma = p->sigma,
                         .sigma_upper = p->sigma_upper,
                         .nest = p->nest,
                         .e0 = p->e0,
                         .tau = s->tau,
                         .tau0 = &s->tau0,
                         .tau_paid = (const tw_rate_table *)&s->tau_paid,
                         .tau_in = tw_flows_tau_in(s->flows),
                         .customs = tw_flows_customs(s->flows),
                         .spend = tw_flows_spend(s->flows),
                         .revenue = tw_flows_revenue(s->flows),
                         .revenue_stat = tw_flows_revenue_stat(s->flows),
                         .deposited = tw_flows_deposited(s->flows),
                         .collected = tw_flows_collected(s->flows),
                         .use = tw_flows_use(s->flows),
                         .pbar = s->pbar,
                         .pbar0 = s->pbar0,
                         .w = s->w,
                         .pass_through = p->pass_through,
                         .output_loss = tw_re_output_loss(s->re),
                         .gdp_pct = tw_re_gdp_pct(s->re),
                         .truce = tw_events_truce(s->ev)};
}

/* Point s->tau (and, with exp, the rest of s->rt) at day d's tables; with exp also resolve
 * today's sub-cells into s->split. */
static void tw_trade_rates_today(tw_trade_state *s, uint32_t d, bool exp) {
    tw_rates_on(s->rates, d, exp, &s->rt);
    s->tau = s->rt.now;
    if (!exp) return;
    /* The sub-cells change only on the days an entry takes effect or ends; once the
     * replicate's governments or events have changed its book, only when its effective
     * rates were resolved again (tw_rates_version). */
    bool changed = tw_rates_changed(s->rates);
    if (changed) {
        uint32_t version = tw_rates_version(s->rates);
        if (version == s->split_version) return;
        s->split_version = version;
    } else if (d > 0 && !s->p->split_day[d]) {
        return;
    }
    const tw_tariff_book *book = changed ? tw_rates_book(s->rates) : &s->p->book;
    tw_tariffs_split(book, s->p->start + (tw_day)d, TW_DAY_NEVER, s->split);
}

/* Each cell's day for the firms from today's rates, sub-cells and producer prices, and the
 * rate paid on today's purchases (s->tau_paid). */
static void tw_trade_prepare_firms(tw_trade_state *s) {
    const tw_trade_params *p = s->p;
    const tw_firms_prices in = {.pass_through = p->pass_through,
                                .nest = p->nest,
                                .rel0 = (const double(*)[TW_NREG_MAX])p->rel0,
                                .tau = s->tau,
                                .tau_exp = s->rt.exp,
                                .tau_any = s->rt.any,
                                .tau_deal = s->rt.deal,
                                .deal_q = (const double(*)[TW_NREG_MAX])p->expect.q,
                                .tau0 = (const tw_rate_table *)&s->tau0,
                                .split = (const tw_split_cell(*)[TW_NSEC])s->split,
                                .w = s->w};
    tw_firms_prepare_day(&p->firms, &in, s->cd, s->tau_paid);
}

/* Each firm's own demand and each cell's price index, from today's shares. A firm that
 * buys from a foreign origin f buys own_f = (x_f / R_M)^(-e) times the cell's quantity
 * (x: the origin's price relative over the first day's; e: firms.own_demand_elasticity;
 * R_M: the importers' index, R_M^(1 - e) = sum_f share_f x_f^(1 - e) / sum_f share_f),
 * so a dearer supplier's buyers buy less and the other importers more, the import
 * bundle's spending staying that of its index (the lower nest's short run); a firm that
 * buys at home, own = 1. The cell's index R = sum_o share_o own_o x_o / sum_o share_o is
 * the spending per unit of the cell's quantity (the mean price relative when e = 0); 1 on
 * the first day. */
static void tw_trade_own_demand(tw_trade_state *s) {
    const double e = s->p->firms.own_demand;
    const int nreg = s->p->world.nreg, ncell = tw_world_ncell(&s->p->world);
    for (int c = 0; c < ncell; c++) {
        int home = c / TW_NSEC;
        double x[TW_NREG_MAX], sum = 0.0, w = 0.0, rm = 0.0, wm = 0.0;
        for (int o = 0; o < nreg; o++) {
            x[o] = s->cd[c].rel[o] / s->p->rel0[c][o];
            if (o == home) continue;
            rm += s->share[c][o] * pow(x[o], 1.0 - e);
            wm += s->share[c][o];
        }
        rm = wm > 0.0 ? pow(rm / wm, 1.0 / (1.0 - e)) : 1.0;
        for (int o = 0; o < nreg; o++) {
            s->own[c][o] = o == home ? 1.0 : pow(x[o] / rm, -e);
            sum += s->share[c][o] * s->own[c][o] * x[o];
            w += s->share[c][o];
        }
        s->pbar[c] = w > 0.0 ? sum / w : 1.0;
    }
}

static tw_status trade_create(const void *params, tw_rng_key key, tw_day start, const tw_exec *ex,
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
    s->log.regions = p->world.names;
    s->out = calloc(tw_outcome_count(), sizeof *s->out);
    tw_status st = s->out != NULL ? TW_OK : tw_err_set(err, TW_ENOMEM, "out of memory");
    if (st == TW_OK)
        st = tw_rates_create(&p->book, &p->rates_sc, p->ev.enabled, &s->rates, err);
    if (st == TW_OK) st = tw_controls_copy(&s->controls, &p->controls, err);
    if (st == TW_OK) st = tw_firms_create(&s->f, &p->firms, key, ex, err);
    if (st == TW_OK) st = tw_re_create(&p->re, key, ex, &s->re, err);
    /* The policy block: the governments (with or without agents), then the events that
     * call them. */
    if (st == TW_OK && p->ev.enabled)
        st = tw_gov_create(p->gov, key, s->rates, &s->controls, &s->log, &s->gov, err);
    if (st == TW_OK)
        st = tw_events_create(&p->ev, key, s->gov, s->rates, &s->controls, &s->log, &s->ev, err);
    if (st == TW_OK) st = tw_ge_day_create(&p->ge, &s->ge, err);
    if (st == TW_OK) st = tw_flows_create(&s->flows, err);
    if (st != TW_OK) {
        trade_free_state(s);
        return st;
    }
    tw_gov_outcomes_start(s->out + tw_outcome_first(TW_BLOCK_GOV));
    tw_trade_rates_today(s, 0, true);
    memcpy(s->tau0, *s->tau, sizeof s->tau0);
    s->w = tw_ge_day_prices(s->ge);
    tw_trade_prepare_firms(s);
    tw_firms_init(&s->f, s->cd, s->share, s->pbar0, s->pbar, s->lambda0);
    tw_trade_own_demand(s);
    memcpy(s->pbar0, s->pbar, sizeof s->pbar0);
    tw_re_init(s->re, s->out + tw_outcome_first(TW_BLOCK_RE));
    *state = s;
    return TW_OK;
}

static tw_status trade_step(void *vs, tw_day day, uint32_t d, tw_err *err) {
    tw_trade_state *s = vs;
    const tw_trade_params *p = s->p;
    if ((int)d >= p->ndays) return tw_err_set(err, TW_ERUNTIME, "day %u beyond the run", d);
    s->day_index = d;
    if (s->gov != NULL) {
        /* Events first (they may change the book), then the governments' decisions on
         * today's rates. */
        tw_status st = tw_events_day(s->ev, day, d, err);
        if (st != TW_OK) return st;
        tw_trade_rates_today(s, d, false);
        tw_day_view decide = trade_view(s, day, d);
        if ((st = tw_gov_decide_day(s->gov, &decide, err)) != TW_OK) return st;
    }
    tw_trade_rates_today(s, d, true);
    tw_trade_prepare_firms(s);
    tw_firms_step(&s->f, s->cd, d, s->share, s->purchase, s->pbar);
    tw_trade_own_demand(s);
    const tw_flows_in flows = {.d = d,
                               .day = day,
                               .nreg = p->world.nreg,
                               .e0 = p->e0,
                               .pbar = s->pbar,
                               .pbar0 = s->pbar0,
                               .demand_elasticity = p->demand_elasticity,
                               .ge = p->ge.enabled ? s->ge : NULL,
                               .share = (const double(*)[TW_NREG_MAX])s->share,
                               .purchase = (const double(*)[TW_NREG_MAX])s->purchase,
                               .own = (const double(*)[TW_NREG_MAX])s->own,
                               .cd = s->cd,
                               .tau_paid = (const tw_rate_table *)&s->tau_paid,
                               .tau_now = s->rt.now,
                               .tau_entry = s->rt.entry,
                               .transit = (const int(*)[TW_NREG_MAX])p->transit,
                               .season = (const double(*)[TW_NREG_MAX][12])p->season,
                               .duties = &p->duties};
    tw_flows_day(s->flows, &flows);
    tw_day_view view = trade_view(s, day, d);
    tw_status st = tw_ge_day_step(s->ge, &view, err); /* welfare, then tomorrow's prices */
    if (st != TW_OK) return st;
    tw_re_step(s->re, &s->controls, &view, s->out + tw_outcome_first(TW_BLOCK_RE));
    tw_outcomes_update(&view, s->ge, s->out + tw_outcome_first(TW_BLOCK_TRADE));
    if (s->gov != NULL) tw_gov_end_day(s->gov, &view);
    tw_gov_outcomes(p->ev.vehicle_halt_loss, s->gov, &view, s->out + tw_outcome_first(TW_BLOCK_GOV));
    tw_events_outcomes(s->ev, s->out + tw_outcome_first(TW_BLOCK_GOV));
    return TW_OK;
}

/* --- the benchmark's view (tw_trade_bench.h) --- */

int64_t tw_trade_bench_per_cell(const void *params) {
    return ((const tw_trade_params *)params)->firms.per_cell;
}

int tw_trade_bench_ncell(const void *params) {
    return tw_world_ncell(&((const tw_trade_params *)params)->world);
}

tw_trade_firm_view tw_trade_bench_firms(const void *state) {
    const tw_trade_state *s = state;
    const tw_firm_arrays *f = &s->f;
    tw_trade_firm_view v = {(size_t)s->p->firms.per_cell * s->f.ncell, f->origin, f->size, f->ref_lnp,
                            f->clock, f->stock, f->partials};
    return v;
}

size_t tw_trade_bench_redraws(const void *state, const uint8_t *origin, const float *ref_lnp,
                              const float *clock) {
    const tw_trade_state *s = state;
    return tw_firms_redraws(&s->f, s->cd, origin, ref_lnp, clock);
}

void tw_trade_bench_time_re(void *state) { tw_re_time(((tw_trade_state *)state)->re, true); }

double tw_trade_bench_re_seconds(const void *state) {
    return tw_re_seconds(((const tw_trade_state *)state)->re);
}

/* The series after the day (the engine calls it after trade_step). */
static void trade_observe(const void *vs, double *out) {
    const tw_trade_state *s = vs;
    const tw_trade_params *p = s->p;
    tw_day_view view = trade_view(s, p->start + (tw_day)s->day_index, s->day_index);
    const tw_blocks blocks = {s->ge, s->gov, s->re};
    if (p->only != NULL) memset(out, 0, p->n_series * sizeof *out);
    tw_indicators_observe(&view, &blocks, p->defs, p->only,
                          p->only != NULL ? p->n_only : p->n_series, out);
}

static tw_status trade_observe_only(void *params, const bool *want, tw_err *err) {
    tw_trade_params *p = params;
    free(p->only);
    p->only = NULL;
    p->n_only = 0;
    if (want == NULL) return TW_OK;
    p->only = malloc((p->n_series > 0 ? p->n_series : 1) * sizeof *p->only);
    if (p->only == NULL) return tw_err_set(err, TW_ENOMEM, "out of memory");
    for (size_t i = 0; i < p->n_series; i++)
        if (want[i]) p->only[p->n_only++] = i;
    return TW_OK;
}

static const tw_event *trade_events(const void *vs, size_t *n) {
    const tw_trade_state *s = vs;
    *n = s->log.n;
    return s->log.items;
}

static void trade_outcomes(const void *vs, double *out) {
    const tw_trade_state *s = vs;
    size_t n_out = tw_outcome_count();
    memcpy(out, s->out, n_out * sizeof *out);
    if (s->p->ev.n_drawn > 0) tw_events_drawn_values(s->ev, s->p->start, out + n_out);
}

/* The report of the params' world (its tables by partner); without params, every world's. */
static const tw_report_spec *trade_report(const void *params) {
    return params != NULL ? &((const tw_trade_params *)params)->report.spec : tw_trade_report(NULL);
}

const tw_model tw_trade_model = {
    .name = "trade",
    .load = trade_load,
    .free_params = trade_free_params,
    .n_series = trade_n_series,
    .series = trade_series,
    .n_outcomes = trade_n_outcomes,
    .outcome_name = trade_outcome_name,
    .n_drawn = trade_n_drawn,
    .drawn_assumed = trade_drawn_assumed,
    .create = trade_create,
    .step = trade_step,
    .observe = trade_observe,
    .observe_only = trade_observe_only,
    .outcomes = trade_outcomes,
    .free_state = trade_free_state,
    .state_bytes = trade_state_bytes,
    .events = trade_events,
    .report = trade_report,
};
