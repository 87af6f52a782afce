/* test_expect.c - what importers expect of measures nothing has scheduled to end
 * (models/tw_expect.c), read from the real scenario files: the chance of a deal from the
 * scenario's own event process (its means, known answers), the prior where a scenario
 * has none, the truce's extension chance as the expiry belief, and bad keys refused with
 * their place. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "tw_config.h"
#include "tw_trade.h"
#include "tw_trade_internal.h"
#include "four_regions.h"

static tw_cfg *cfg;
static void *params;

static tw_status load(const char *scenario, const char *set, tw_err *err) {
    char path[4096];
    snprintf(path, sizeof path, "%s/scenarios/%s", TW_SOURCE_DIR, scenario);
    tw_status st = tw_cfg_load(path, &cfg, err);
    cr_assert_eq(st, TW_OK, "%s", err->msg);
    if (set != NULL) cr_assert_eq(tw_cfg_set(cfg, set, err), TW_OK, "%s", err->msg);
    return tw_trade_model.load(tw_cfg_root(cfg), &params, err);
}

static const tw_trade_params *load_ok(const char *scenario, const char *set) {
    tw_err err;
    cr_assert_eq(load(scenario, set, &err), TW_OK, "%s", err.msg);
    return params;
}

static void fini(void) {
    if (params != NULL) tw_trade_model.free_params(params);
    params = NULL;
    tw_cfg_free(cfg);
    cfg = NULL;
}

TestSuite(expect, .fini = fini);

#define NEAR(a, b) cr_assert(fabs((a) - (b)) < 1e-12, "%.15g != %.15g", (double)(a), (double)(b))

static bool negotiable(const tw_expect_params *x, const char *name) {
    for (int k = 0; k < x->terms.n; k++)
        if (strcmp(x->terms.names[k], name) == 0) return true;
    return false;
}

/* geneva-truce: contacts at lognormal(-4.886, 0.244) a day, deals Beta(1.856, 5.867),
 * extensions Beta(6.031, 4.660), truce levels 10 and 10, horizon 60 days. */
Test(expect, the_default_scenario_expects_deals_at_its_events_rate) {
    const tw_trade_params *p = load_ok("geneva-truce.yaml", NULL);
    const tw_expect_params *x = &p->expect;
    double rate = 365.0 * exp(-4.886 + 0.5 * 0.244 * 0.244) * 1.856 / (1.856 + 5.867);
    cr_assert(x->from_events);
    NEAR(x->per_year, rate);
    NEAR(x->q[TW_US][TW_CN], 1.0 - exp(-rate * p->fl_horizon / 365.0));
    NEAR(x->q[TW_CN][TW_US], x->q[TW_US][TW_CN]);
    NEAR(x->q[TW_US][TW_EU], 0.0); /* the events' deals are the US's and China's */
    NEAR(x->q[TW_EU][TW_ROW], 0.0);
    NEAR(x->terms.level[TW_US], 0.10);
    NEAR(x->terms.level[TW_CN], 0.10);
    cr_assert(negotiable(x, "reciprocal") && negotiable(x, "counter_tariff"));
    NEAR(p->firms.expiry_belief, 1.0 - 6.031 / (6.031 + 4.660));
}

Test(expect, a_scenario_without_events_uses_the_prior_for_every_pair) {
    const tw_trade_params *p = load_ok("baseline-2025.yaml", NULL);
    const tw_expect_params *x = &p->expect;
    cr_assert(!x->from_events);
    NEAR(x->per_year, TW_DEAL_RATE_PRIOR);
    double q = 1.0 - exp(-TW_DEAL_RATE_PRIOR * p->fl_horizon / 365.0);
    NEAR(x->q[TW_US][TW_EU], q);
    NEAR(x->q[TW_CN][TW_US], q);
    NEAR(x->q[TW_US][TW_US], 0.0);
    NEAR(x->terms.level[TW_EU], TW_DEAL_LEVEL_DEFAULT);
    NEAR(p->firms.expiry_belief, 0.5);
}

Test(expect, keys_override_the_defaults) {
    const tw_trade_params *p = load_ok("geneva-truce.yaml", "firms.expectations={negotiable: [fentanyl], "
                                                            "deal_level_pct: 0, deals_per_year: 0}");
    const tw_expect_params *x = &p->expect;
    NEAR(x->per_year, 0.0);
    NEAR(x->q[TW_US][TW_CN], 0.0);
    NEAR(x->terms.level[TW_US], 0.0);
    cr_assert(negotiable(x, "fentanyl"));
    cr_assert(negotiable(x, "reciprocal")); /* the US government's lever */
    fini();
    p = load_ok("geneva-truce.yaml", "firms.expiry_belief=0.8");
    NEAR(p->firms.expiry_belief, 0.8);
}

Test(expect, bad_keys_are_refused_with_their_place) {
    static const struct {
        const char *set, *msg;
    } cases[] = {
        {"firms.expectations.negotiable=reciprocal",
         "--set:1:31: firms.expectations.negotiable: expected a list of measure ids, as in [reciprocal]"},
        {"firms.expectations.deals_per_year=-1",
         "--set:1:35: firms.expectations.deals_per_year: expected a number between 0 and 365 (got -1)"},
        {"firms.expectations=3", "--set:1:20: firms.expectations: expected a map"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        tw_err err;
        cr_assert_eq(load("baseline-2025.yaml", cases[k].set, &err), TW_ECONFIG, "%s", cases[k].set);
        cr_assert_str_eq(err.msg, cases[k].msg);
        fini();
    }
}
