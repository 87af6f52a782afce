/* model_sim.h - drive the trade model through its interface in the model tests: load a
 * scenario (a file, or text written inline), apply --set overrides, create one replicate
 * and step it day by day. Header-only, included by test_trade_model.c,
 * test_rare_earths.c and test_measures.c. */
#ifndef MODEL_SIM_H
#define MODEL_SIM_H

#include <criterion/criterion.h>
#include <stdbool.h>
#include <string.h>

#include "tw_config.h"
#include "tw_trade.h"
#include "tw_trade_internal.h"

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

static inline void sim_close(sim *m) {
    tw_trade_model.free_state(m->s);
    tw_trade_model.free_params(m->p);
    tw_cfg_free(m->cfg);
}

#endif
