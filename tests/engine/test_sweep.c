/* Sweep designs and first-order sensitivity indices: grid enumeration, Latin hypercube
 * stratification, Sobol points inside the box, reproducible random designs, and the
 * known indices of an additive function. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tw_config.h"
#include "tw_sweep.h"

static tw_sweep *load(const char *yaml, tw_cfg **cfg) {
    tw_err err;
    cr_assert_eq(tw_cfg_load_string("s.yaml", yaml, strlen(yaml), cfg, &err), TW_OK, "%s", err.msg);
    tw_sweep *s = NULL;
    cr_assert_eq(tw_sweep_load(tw_cfg_root(*cfg), 99, &s, &err), TW_OK, "%s", err.msg);
    return s;
}

Test(sweep, grid_enumerates_first_parameter_slowest) {
    tw_cfg *cfg;
    tw_sweep *s = load("sweep:\n  design: grid\n  parameters:\n    - {key: a, values: [1, 2, 3]}\n"
                       "    - {key: b, values: [10, 20]}\n", &cfg);
    cr_assert_eq(s->n_points, 6);
    double want[6][2] = {{1, 10}, {1, 20}, {2, 10}, {2, 20}, {3, 10}, {3, 20}};
    for (int k = 0; k < 6; k++)
        for (int j = 0; j < 2; j++) cr_assert_eq(s->x[k * 2 + j], want[k][j], "point %d", k);
    /* y = 3 a + b: Var(3a) = 9 * 2/3 = 6, Var(b) = 25, so S_a = 6/31, S_b = 25/31 exactly. */
    double y[6];
    for (int k = 0; k < 6; k++) y[k] = 3 * s->x[k * 2] + s->x[k * 2 + 1];
    cr_assert(epsilon_eq(dbl, tw_sweep_first_order(s, 0, y), 6.0 / 31.0, 1e-12));
    cr_assert(epsilon_eq(dbl, tw_sweep_first_order(s, 1, y), 25.0 / 31.0, 1e-12));
    for (int k = 0; k < 6; k++) y[k] = 5.0;
    cr_assert(isnan(tw_sweep_first_order(s, 0, y)), "a constant outcome has no index");
    tw_sweep_free(s);
    tw_cfg_free(cfg);
}

Test(sweep, latin_hypercube_puts_one_point_in_every_stratum) {
    tw_cfg *cfg;
    tw_sweep *s = load("sweep:\n  design: lhs\n  points: 50\n  parameters:\n"
                       "    - {key: a, min: 0, max: 1}\n    - {key: b, min: -5, max: 5}\n", &cfg);
    cr_assert_eq(s->n_points, 50);
    for (int j = 0; j < 2; j++) {
        int seen[50] = {0};
        double lo = j == 0 ? 0 : -5, w = j == 0 ? 1 : 10;
        for (int k = 0; k < 50; k++) {
            double u = (s->x[k * 2 + j] - lo) / w;
            cr_assert(u > 0 && u < 1);
            seen[(int)(u * 50)]++;
        }
        for (int i = 0; i < 50; i++) cr_assert_eq(seen[i], 1, "parameter %d stratum %d", j, i);
    }
    tw_sweep_free(s);
    tw_cfg_free(cfg);
}

Test(sweep, random_designs_follow_their_seed_and_sobol_stays_in_the_box) {
    const char *fmt = "sweep:\n  design: %s\n  points: 64\n  seed: %d\n  parameters:\n"
                      "    - {key: a, min: 2, max: 4}\n    - {key: n, min: 100, max: 400, integer: true}\n";
    char y1[512], y2[512], y3[512];
    snprintf(y1, sizeof y1, fmt, "random", 7);
    snprintf(y2, sizeof y2, fmt, "random", 7);
    snprintf(y3, sizeof y3, fmt, "random", 8);
    tw_cfg *c1, *c2, *c3;
    tw_sweep *a = load(y1, &c1), *b = load(y2, &c2), *c = load(y3, &c3);
    cr_assert(memcmp(a->x, b->x, 128 * sizeof(double)) == 0, "same seed, same design");
    cr_assert(memcmp(a->x, c->x, 128 * sizeof(double)) != 0, "another seed, another design");
    for (int k = 0; k < 64; k++) cr_assert_eq(a->x[k * 2 + 1], nearbyint(a->x[k * 2 + 1]));
    tw_sweep_free(a);
    tw_sweep_free(b);
    tw_sweep_free(c);
    tw_cfg_free(c1);
    tw_cfg_free(c2);
    tw_cfg_free(c3);
    snprintf(y1, sizeof y1, fmt, "sobol", 1);
    a = load(y1, &c1);
    double lo0 = 1e9, hi0 = -1e9;
    for (int k = 0; k < 64; k++) {
        cr_assert(a->x[k * 2] >= 2 && a->x[k * 2] <= 4);
        lo0 = fmin(lo0, a->x[k * 2]);
        hi0 = fmax(hi0, a->x[k * 2]);
    }
    cr_assert(lo0 < 2.1 && hi0 > 3.9, "64 Sobol points cover the range");
    /* y = a: the first-order index of a is near 1 and of n near 0 with 8 bins of 8. */
    double y[64];
    for (int k = 0; k < 64; k++) y[k] = a->x[k * 2];
    cr_assert_gt(tw_sweep_first_order(a, 0, y), 0.95);
    cr_assert_lt(tw_sweep_first_order(a, 1, y), 0.2);
    tw_sweep_free(a);
    tw_cfg_free(c1);
}

Test(sweep, errors_name_the_key) {
    tw_cfg *cfg;
    tw_err err;
    const char *bad = "sweep:\n  design: spiral\n  parameters:\n    - {key: a, values: [1]}\n";
    cr_assert_eq(tw_cfg_load_string("s.yaml", bad, strlen(bad), &cfg, &err), TW_OK);
    tw_sweep *s = NULL;
    cr_assert_eq(tw_sweep_load(tw_cfg_root(cfg), 1, &s, &err), TW_ECONFIG);
    cr_assert(strstr(err.msg, "s.yaml:2:11: sweep.design: expected one of grid, random, sobol, lhs") !=
              NULL, "%s", err.msg);
    tw_cfg_free(cfg);
    bad = "sweep:\n  design: lhs\n  parameters:\n    - {key: a, min: 0, max: 1}\n";
    cr_assert_eq(tw_cfg_load_string("s.yaml", bad, strlen(bad), &cfg, &err), TW_OK);
    cr_assert_eq(tw_sweep_load(tw_cfg_root(cfg), 1, &s, &err), TW_ECONFIG);
    cr_assert(strstr(err.msg, "points") != NULL, "%s", err.msg);
    tw_cfg_free(cfg);
}
