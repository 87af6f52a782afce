/* model_sim.h - drive the trade model through its interface in the model tests: load a
 * scenario (a file, or text written inline), apply --set overrides, create one replicate
 * and step it day by day, and solve its world in the long run (sim_solve). Header-only,
 * included by the trade tests (test_trade_model.c, test_trade_dynamics.c,
 * test_trade_welfare.c), test_rare_earths.c and test_measures.c. */
#ifndef MODEL_SIM_H
#define MODEL_SIM_H

#include <criterion/criterion.h>
#include <stdbool.h>
#include <string.h>

#include "tw_config.h"
#include "tw_ge.h"
#include "tw_trade.h"
#include "tw_trade_internal.h"
#include "four_regions.h"

typedef struct {
    tw_cfg *cfg;
    tw_trade_params *p;
    tw_trade_state *s;
} sim;

static inline void sim_open(sim *m, const char *yaml_or_path, bool is_path, const char *const *sets,
                     int threads, uint32_t seed, uint32_t rep) {
    tw_err err;
    tw_status st = is_path ? tw_cfg_load(yaml_or_path, &m->cfg, &err)
                           : tw_cfg_load_string("s.yaml", yaml_or_path, strlen(yaml_or_path),
                                                &m->cfg, &err);
    cr_assert_eq(st, TW_OK, "%s", err.msg);
    for (int i = 0; sets != NULL && sets[i] != NULL; i++) {
        st = tw_cfg_set(m->cfg, sets[i], &err);
        cr_assert_eq(st, TW_OK, "%s", err.msg);
    }
    void *params;
    st = tw_trade_model.load(tw_cfg_root(m->cfg), &params, &err);
    cr_assert_eq(st, TW_OK, "%s", err.msg);
    m->p = params;
    tw_exec ex = {threads, NULL};
    void *state;
    st = tw_trade_model.create(params, tw_rng_key_make(seed, rep), m->p->start, &ex, &state, &err);
    cr_assert_eq(st, TW_OK, "%s", err.msg);
    m->s = state;
}

static inline void sim_step(sim *m, uint32_t d) {
    tw_err err;
    tw_status st = tw_trade_model.step(m->s, m->p->start + (tw_day)d, d, &err);
    cr_assert_eq(st, TW_OK, "%s", err.msg);
}

/* The long-run solve (tw_ge_solve) of the scenario's world: its 2024 flows, no base
 * tariffs, the new rates t1 ([exporter][importer][sector]), the run's nests, deficits
 * fixed. Free the answer with tw_ge_result_free. */
static inline tw_ge_result *sim_solve(const sim *m, const double *t1) {
    tw_ge_problem prob = {TW_NREG, TW_NSEC, m->p->world.packed, NULL, t1, NULL,
                          m->p->sigma, 0, m->p->sigma_upper};
    tw_ge_options opt = tw_ge_options_default();
    opt.path_steps = 0;
    tw_ge_result *r = tw_ge_result_alloc(TW_NREG, TW_NSEC);
    tw_err err;
    cr_assert_not_null(r);
    cr_assert_eq(tw_ge_solve(&prob, &opt, r, &err), TW_OK, "%s", err.msg);
    return r;
}

static inline void sim_close(sim *m) {
    tw_trade_model.free_state(m->s);
    tw_trade_model.free_params(m->p);
    tw_cfg_free(m->cfg);
}

#endif
