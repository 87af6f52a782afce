/* bench_model.c - the real trade-war model, driven through its own code for tw_bench.
 *
 * A scenario is loaded exactly as the tradewar program loads it (tw_cfg_load, --set style
 * overrides through tw_cfg_set, tw_run_spec_load, the model's load, the unused-key check),
 * so what is timed is the code a user runs, not a copy of it. The firm step is timed by
 * calling tw_trade_model.create (untimed) and then .step over the scenario's days; the
 * replicate level by calling tw_run. The firm arrays are read through the model's bench
 * interface (tw_trade_bench.h) for three things only: the result hash (so that a fast wrong
 * answer cannot pass for a fast one), the bytes of state per firm, computed from the
 * arrays' element types rather than written down by hand, and the count of re-choices.
 */
#define _POSIX_C_SOURCE 200809L
#include <malloc.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tw_bench.h"
#include "tw_trade.h"
#include "tw_trade_bench.h"

/* Element sizes of the per-firm arrays, from the model's own state type. */
#define TWB_FIELD(f) sizeof(((const tw_trade_firm_view *)0)->f[0])

/* Bytes the firm step moves per firm and day, the assumption behind the fraction of the
 * triad bandwidth: every day it reads all five arrays (origin, size, ref_lnp, clock,
 * stock) and writes clock and stock back; origin and ref_lnp are written only on the ~1%
 * of firm-days with a re-choice and are not counted, nor is write-allocate traffic (the
 * triad's 24 bytes per element do not count it either). */
const double twb_firm_step_bytes =
    (double)(TWB_FIELD(origin) + TWB_FIELD(size) + TWB_FIELD(ref_lnp) + TWB_FIELD(clock) +
             TWB_FIELD(stock) + TWB_FIELD(clock) + TWB_FIELD(stock));

double twb_bytes_per_firm(int64_t per_cell, char *parts, size_t nparts) {
    size_t per_firm = TWB_FIELD(origin) + TWB_FIELD(size) + TWB_FIELD(ref_lnp) +
                      TWB_FIELD(clock) + TWB_FIELD(stock);
    size_t nblk = tw_block_count((size_t)per_cell);
    double partials = (double)(nblk * TW_NPART * TWB_FIELD(partials)) / (double)per_cell;
    if (parts != NULL)
        snprintf(parts, nparts,
                 "origin %zu + size %zu + ref_lnp %zu + clock %zu + stock %zu + block partials "
                 "%.4f (%d doubles per %u firms)",
                 TWB_FIELD(origin), TWB_FIELD(size), TWB_FIELD(ref_lnp), TWB_FIELD(clock),
                 TWB_FIELD(stock), partials, (int)TW_NPART, TW_BLOCK);
    return (double)per_firm + partials;
}

int64_t twb_per_cell(int64_t firms, int ncell) {
    int64_t pc = (firms + ncell / 2) / ncell;
    return pc > 0 ? pc : 1;
}

tw_status twb_scenario_load(const char *path, const char *world, const char *const *sets,
                            int nsets, int64_t per_cell, int days, twb_scenario *sc, tw_err *err) {
    memset(sc, 0, sizeof *sc);
    tw_status st = tw_cfg_load(path, &sc->cfg, err);
    if (st == TW_OK && world != NULL) {
        char set[96];
        snprintf(set, sizeof set, "world=%s", world);
        st = tw_cfg_set(sc->cfg, set, err);
    }
    for (int i = 0; i < nsets && st == TW_OK; i++) st = tw_cfg_set(sc->cfg, sets[i], err);
    if (st == TW_OK && per_cell > 0) {
        char set[64];
        snprintf(set, sizeof set, "firms.per_cell=%lld", (long long)per_cell);
        st = tw_cfg_set(sc->cfg, set, err);
    }
    const tw_cfg_node *root = (st == TW_OK) ? tw_cfg_root(sc->cfg) : NULL;
    if (st == TW_OK) st = tw_run_spec_load(root, &sc->spec, err);
    if (st == TW_OK && days > 0) {
        if (days < 2 || days > TW_MAX_DAYS) {
            st = tw_err_set(err, TW_EUSAGE, "days: expected 2 to %d (got %d)", TW_MAX_DAYS, days);
        } else {
            char d[TW_DATE_STRLEN], set[64];
            snprintf(set, sizeof set, "end=%s", tw_date_format(sc->spec.start + days - 1, d));
            st = tw_cfg_set(sc->cfg, set, err);
            if (st == TW_OK) st = tw_run_spec_load(root, &sc->spec, err);
        }
    }
    /* The keys the program itself reads (cli/main.c names its output after them). */
    const char *text = NULL;
    if (st == TW_OK) st = tw_cfg_string(root, "name", false, NULL, &text, err);
    if (st == TW_OK) st = tw_cfg_string(root, "description", false, NULL, &text, err);
    if (st == TW_OK) st = tw_trade_model.load(root, &sc->params, err);
    if (st == TW_OK) st = tw_cfg_string(root, "world", false, "four", &text, err);
    if (st == TW_OK) snprintf(sc->world, sizeof sc->world, "%s", text);
    if (st == TW_OK) st = tw_cfg_check_unused(sc->cfg, err);
    if (st != TW_OK) {
        twb_scenario_free(sc);
        return st;
    }
    sc->per_cell = tw_trade_bench_per_cell(sc->params);
    sc->ncell = tw_trade_bench_ncell(sc->params);
    sc->nreg = sc->ncell / TWB_NSEC;
    sc->days = (int)(sc->spec.end - sc->spec.start) + 1;
    return TW_OK;
}

void twb_scenario_free(twb_scenario *sc) {
    if (sc->params != NULL) tw_trade_model.free_params(sc->params);
    tw_cfg_free(sc->cfg);
    memset(sc, 0, sizeof *sc);
}

/* FNV-1a over observe(), outcomes() and the five firm arrays. obs has room for
 * n_series + n_outcomes doubles. */
static uint64_t twb__state_hash(const twb_scenario *sc, const void *state, double *obs) {
    const tw_model *m = &tw_trade_model;
    size_t ns = m->n_series(sc->params), no = m->n_outcomes(sc->params);
    m->observe(state, obs);
    m->outcomes(state, obs + ns);
    uint64_t h = tw_fnv1a(TW_FNV_OFFSET, obs, (ns + no) * sizeof *obs);
    tw_trade_firm_view s = tw_trade_bench_firms(state);
    size_t n = s.n;
    h = tw_fnv1a(h, s.origin, n * sizeof *s.origin);
    h = tw_fnv1a(h, s.size, n * sizeof *s.size);
    h = tw_fnv1a(h, s.ref_lnp, n * sizeof *s.ref_lnp);
    h = tw_fnv1a(h, s.clock, n * sizeof *s.clock);
    h = tw_fnv1a(h, s.stock, n * sizeof *s.stock);
    return h;
}

static double *twb__obs_alloc(const twb_scenario *sc, tw_err *err) {
    const tw_model *m = &tw_trade_model;
    double *obs = malloc((m->n_series(sc->params) + m->n_outcomes(sc->params) + 1) * sizeof *obs);
    if (obs == NULL) tw_err_set(err, TW_ENOMEM, "out of memory for the observed series");
    return obs;
}

/* create (untimed), then every day's step timed and added to tm, with the split of useful
 * time when ex carries a tw_exec_prof; *share (when not NULL) = the rare-earth step's
 * seconds over the day loop's. obs: room for the state hash. */
static tw_status twb__timed_days(const twb_scenario *sc, tw_exec *ex, double *obs, twb_times *tm,
                                 double *share, uint64_t *hash, tw_err *err) {
    const tw_model *m = &tw_trade_model;
    void *state = NULL;
    tw_status st = m->create(sc->params, tw_rng_key_make(sc->spec.seed, 0), sc->spec.start, ex,
                             &state, err);
    if (st == TW_OK) {
        tw_exec_prof *pf = ex->prof;
        if (pf != NULL) {
            /* create's own parallel regions are not part of the timed step */
            memset(pf->busy, 0, (size_t)ex->threads * sizeof *pf->busy);
            pf->wall = 0.0;
            pf->regions = 0;
        }
        if (share != NULL) tw_trade_bench_time_re(state);
        double t0 = twb_now(), c0 = twb_cpu_now();
        for (int d = 0; d < sc->days && st == TW_OK; d++)
            st = m->step(state, sc->spec.start + d, (uint32_t)d, err);
        double t1 = twb_now(), c1 = twb_cpu_now();
        if (st == TW_OK) {
            twb_times_add(tm, t1 - t0);
            if (pf != NULL) twb_times_split(tm, ex->threads, pf);
            if (share != NULL) *share = tw_trade_bench_re_seconds(state) / (c1 - c0);
            *hash = twb__state_hash(sc, state, obs);
        }
    }
    if (state != NULL) m->free_state(state);
    return st;
}

tw_status twb_firm_step(const twb_scenario *sc, int threads, twb_times *tm, uint64_t *hash,
                        tw_err *err) {
    double *obs = twb__obs_alloc(sc, err);
    double *busy = calloc((size_t)threads, sizeof *busy);
    if (obs == NULL || busy == NULL) {
        free(obs);
        free(busy);
        return tw_err_set(err, TW_ENOMEM, "out of memory for the firm step's bookkeeping");
    }
    tw_exec_prof pf = {busy, 0.0, 0};
    tw_exec ex = {threads, &pf};
    tw_status st = twb__timed_days(sc, &ex, obs, tm, NULL, hash, err);
    free(obs);
    free(busy);
    return st;
}

tw_status twb_re_share(const twb_scenario *sc, int threads, twb_times *tm, double *share,
                       uint64_t *hash, tw_err *err) {
    double *obs = twb__obs_alloc(sc, err);
    if (obs == NULL) return TW_ENOMEM;
    tw_exec ex = {threads, NULL};
    tw_status st = twb__timed_days(sc, &ex, obs, tm, share, hash, err);
    free(obs);
    return st;
}

tw_status twb_firm_draw_rate(const twb_scenario *sc, int threads, double *draws_per_firm_day,
                             uint64_t *hash, tw_err *err) {
    const tw_model *m = &tw_trade_model;
    size_t n = (size_t)sc->per_cell * (size_t)sc->ncell;
    double *obs = twb__obs_alloc(sc, err);
    uint8_t *origin = malloc(n);
    float *ref = malloc(n * sizeof *ref), *clock = malloc(n * sizeof *clock);
    if (obs == NULL || origin == NULL || ref == NULL || clock == NULL) {
        free(obs);
        free(origin);
        free(ref);
        free(clock);
        return tw_err_set(err, TW_ENOMEM, "out of memory counting the draws of %zu firms", n);
    }
    tw_exec ex = {threads, NULL};
    void *state = NULL;
    tw_status st = m->create(sc->params, tw_rng_key_make(sc->spec.seed, 0), sc->spec.start, &ex,
                             &state, err);
    double draws = 0.0;
    for (int d = 0; d < sc->days && st == TW_OK; d++) {
        tw_trade_firm_view s = tw_trade_bench_firms(state);
        memcpy(origin, s.origin, n);
        memcpy(ref, s.ref_lnp, n * sizeof *ref);
        memcpy(clock, s.clock, n * sizeof *clock);
        st = m->step(state, sc->spec.start + d, (uint32_t)d, err);
        if (st != TW_OK) break;
        /* The step's own test, on yesterday's state and today's cell prices. */
        size_t count = tw_trade_bench_redraws(state, origin, ref, clock);
        draws += (double)count;
    }
    if (st == TW_OK) {
        *draws_per_firm_day = draws / ((double)n * sc->days);
        *hash = twb__state_hash(sc, state, obs);
    }
    if (state != NULL) m->free_state(state);
    free(obs);
    free(origin);
    free(ref);
    free(clock);
    return st;
}

tw_status twb_replicates(const twb_scenario *sc, int threads, tw_par_mode mode,
                         int64_t replicates, twb_times *tm, uint64_t *hash, uint64_t *hash_rep0,
                         tw_err *err) {
    tw_run_spec spec = sc->spec;
    spec.replicates = replicates;
    tw_results *res = NULL;
    double t0 = twb_now();
    tw_status st = tw_run(&tw_trade_model, sc->params, &spec, threads, mode, &res, err);
    double t1 = twb_now();
    if (st != TW_OK) return st;
    if (res->mode != mode) {
        tw_results_free(res);
        return tw_err_set(err, TW_ERUNTIME, "tw_run used another level of parallelism");
    }
    if (tm != NULL) twb_times_add(tm, t1 - t0);
    size_t row = res->n_out * res->n_series;
    uint64_t h = tw_fnv1a(TW_FNV_OFFSET, res->series, res->n_rep * row * sizeof(double));
    *hash = tw_fnv1a(h, res->outcomes, res->n_rep * res->n_outcomes * sizeof(double));
    uint64_t h0 = tw_fnv1a(TW_FNV_OFFSET, res->series, row * sizeof(double));
    *hash_rep0 = tw_fnv1a(h0, res->outcomes, res->n_outcomes * sizeof(double));
    tw_results_free(res);
    return TW_OK;
}

tw_status twb_memory(const twb_scenario *sc, int threads, double *base_mb, double *rss_mb,
                     uint64_t *hash, tw_err *err) {
    const tw_model *m = &tw_trade_model;
    double *obs = twb__obs_alloc(sc, err);
    if (obs == NULL) return TW_ENOMEM;
    malloc_trim(0);
    *base_mb = twb_rss_mb();
    tw_exec ex = {threads, NULL};
    void *state = NULL;
    tw_status st = m->create(sc->params, tw_rng_key_make(sc->spec.seed, 0), sc->spec.start, &ex,
                             &state, err);
    for (int d = 0; d < sc->days && st == TW_OK; d++)
        st = m->step(state, sc->spec.start + d, (uint32_t)d, err);
    if (st == TW_OK) {
        *rss_mb = twb_rss_mb();
        *hash = twb__state_hash(sc, state, obs);
    }
    if (state != NULL) m->free_state(state);
    free(obs);
    return st;
}

tw_status twb_resolve_worlds(twb_args *a, tw_err *err) {
    for (int w = 0; w < a->nworlds; w++) {
        twb_scenario sc;
        tw_status st = twb_scenario_load(a->world_scenario[w], a->worlds[w], a->sets, a->nsets,
                                         0, 0, &sc, err);
        if (st != TW_OK) {
            if (a->worlds[w] != NULL) { /* say which flag led there */
                tw_err inner = *err;
                tw_err_set(err, st, "--world %s: %s", a->worlds[w], inner.msg);
            }
            return st;
        }
        snprintf(a->world_name[w], sizeof a->world_name[w], "%s", sc.world);
        a->ncell[w] = sc.ncell;
        twb_scenario_free(&sc);
    }
    return TW_OK;
}
