/* First-order indices from given data (tw_drivers_pairs) on synthetic replicates whose
 * true indices are known: an outcome that depends on one parameter only, through that
 * parameter plus independent noise (true S1 0.9 for it, 0 for the others), and a 0/1
 * outcome that happens with probability equal to the parameter (true S1 1/3). The
 * estimates must lie near the truth and the bootstrap intervals must cover it; the
 * interval is the same on a second call (counter-based resamples). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include "tw_drivers.h"
#include "tw_rng.h"

#define N 4000
#define NPAR 3

static double g_x[NPAR][N], g_y[N], g_flag[N];

/* Uniform (0, 1) number k of stream s. */
static double u(uint32_t s, uint32_t k) {
    uint32_t w[4];
    tw_rng_words(tw_rng_key_make(7, s), k, 0, 0x7e, 0, w);
    return tw_u01d(w[0], w[1]);
}

static void setup(void) {
    for (uint32_t i = 0; i < N; i++) {
        for (int p = 0; p < NPAR; p++) g_x[p][i] = u((uint32_t)p, i);
        /* Noise uniform with a ninth of the variance of x0: S1(x0) = 0.9. */
        double noise = (u(10, i) - 0.5) / 3.0;
        g_y[i] = g_x[0][i] + noise;
        g_flag[i] = u(11, i) < g_x[1][i] ? 1.0 : 0.0; /* Var E[Y|x1] / Var Y = (1/12) / (1/4) */
    }
}

TestSuite(drivers, .init = setup);

static void pairs(const double *y, tw_driver out[NPAR]) {
    const double *x[NPAR] = {g_x[0], g_x[1], g_x[2]};
    tw_err err;
    cr_assert_eq(tw_drivers_pairs(y, x, NPAR, N, 42, out, &err), TW_OK, "%s", err.msg);
}

Test(drivers, one_parameter_drives_the_outcome) {
    tw_driver d[NPAR];
    pairs(g_y, d);
    cr_assert(fabs(d[0].index - 0.9) < 0.03, "S1 %g", d[0].index);
    cr_assert(d[0].lo <= 0.9 && 0.9 <= d[0].hi, "[%g, %g]", d[0].lo, d[0].hi);
    cr_assert(d[0].rho > 0.9, "rho %g", d[0].rho);
    for (int p = 1; p < NPAR; p++) {
        cr_assert(d[p].index < 0.02, "S1 of x%d %g", p, d[p].index);
        cr_assert(d[p].lo <= 0.0 + 1e-12 && d[p].hi < 0.05, "x%d [%g, %g]", p, d[p].lo, d[p].hi);
        cr_assert(fabs(d[p].rho) < 0.06, "rho of x%d %g", p, d[p].rho);
        cr_assert_eq(d[p].n, N);
    }
}

Test(drivers, a_flag_with_probability_the_parameter) {
    tw_driver d[NPAR];
    pairs(g_flag, d);
    double truth = 1.0 / 3.0;
    cr_assert(fabs(d[1].index - truth) < 0.05, "S1 %g", d[1].index);
    cr_assert(d[1].lo <= truth && truth <= d[1].hi, "[%g, %g]", d[1].lo, d[1].hi);
    cr_assert(d[0].index < 0.02 && d[2].index < 0.02, "%g %g", d[0].index, d[2].index);
}

Test(drivers, reproducible_and_nan_rows_left_out) {
    tw_driver a[NPAR], b[NPAR];
    pairs(g_y, a);
    pairs(g_y, b);
    for (int p = 0; p < NPAR; p++) {
        cr_assert_eq(a[p].index, b[p].index);
        cr_assert_eq(a[p].lo, b[p].lo);
        cr_assert_eq(a[p].hi, b[p].hi);
    }
    static double y[N];
    for (int i = 0; i < N; i++) y[i] = i % 4 == 0 ? NAN : g_y[i];
    pairs(y, a);
    cr_assert_eq(a[0].n, N - N / 4);
    cr_assert(fabs(a[0].index - 0.9) < 0.03, "S1 %g", a[0].index);
}

Test(drivers, an_outcome_that_does_not_vary_has_no_index) {
    static double y[N];
    for (int i = 0; i < N; i++) y[i] = 1.0;
    tw_driver d[NPAR];
    pairs(y, d);
    for (int p = 0; p < NPAR; p++) cr_assert(isnan(d[p].index) && isnan(d[p].lo));
}
