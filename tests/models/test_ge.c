/* The general-equilibrium solve in changes (models/tw_ge.c): known answers (no change,
 * one region, symmetric regions, the ACR formula), the accounting identities, the signs
 * of the welfare components under a US-China tariff war on the 2024 flows, the order of
 * the US optimal tariff against Ossa (2014), and the daily price step. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tw_ge.h"
#include "tw_ge_day.h"
#include "tw_world.h"
#include "four_regions.h"

#define NC (TW_NREG * TW_NREG * TW_NSEC)

static tw_world world;
static double t0[TW_NREG][TW_NREG][TW_NSEC], t1[TW_NREG][TW_NREG][TW_NSEC];
/* The model's upper nest, home vs imports (model.sigma_upper's default, data/README.md). */
static double upper[TW_NSEC];

static void load_world(void) {
    tw_err err;
    cr_assert_eq(tw_world_load(TW_SOURCE_DIR "/data", &world, &err), TW_OK, "%s", err.msg);
    memset(t0, 0, sizeof t0);
    memset(t1, 0, sizeof t1);
    for (int s = 0; s < TW_NSEC; s++) upper[s] = 1.19;
}

/* The 2024 world with the model's nests. */
static tw_ge_problem world_problem(void) {
    tw_ge_problem p = {TW_NREG, TW_NSEC, world.packed, &t0[0][0][0], &t1[0][0][0],
                       NULL, world.sigma, 0, upper};
    return p;
}

static tw_ge_result *solve(const tw_ge_problem *p, int steps) {
    tw_ge_result *r = tw_ge_result_alloc(p->n_reg, p->n_sec);
    cr_assert_not_null(r);
    tw_ge_options o = tw_ge_options_default();
    o.path_steps = steps;
    tw_err err = {0};
    tw_status st = tw_ge_solve(p, &o, r, &err);
    cr_assert_eq(st, TW_OK, "%s", err.msg);
    cr_assert_lt(r->residual, o.tol);
    return r;
}

/* US 145% on China and China 125% on the US, in every sector, from zero. */
static void tariff_war(void) {
    for (int s = 0; s < TW_NSEC; s++) {
        t1[TW_CN][TW_US][s] = 1.45;
        t1[TW_US][TW_CN][s] = 1.25;
    }
}

TestSuite(ge, .init = load_world);

Test(ge, no_change_reproduces_the_base_exactly) {
    /* Some base tariffs, unchanged. */
    for (int s = 0; s < TW_NSEC; s++) t0[TW_CN][TW_US][s] = t1[TW_CN][TW_US][s] = 0.2 + 0.01 * s;
    tw_ge_problem p = world_problem();
    tw_ge_result *r = solve(&p, TW_GE_PATH_STEPS_DEFAULT);
    cr_expect_eq(r->iterations, 0);
    for (int j = 0; j < TW_NREG; j++) {
        cr_expect_eq(r->w_hat[j], 1.0, "w_hat[%d] = %.17g", j, r->w_hat[j]);
        cr_expect_eq(r->p_hat[j], 1.0);
        cr_expect_eq(r->welfare[j], 0.0, "welfare[%d] = %g", j, r->welfare[j]);
        cr_expect_eq(r->tot[j], 0.0);
        cr_expect_eq(r->volume[j], 0.0);
        cr_expect_eq(r->revenue[j], 0.0);
    }
    for (int k = 0; k < NC; k++) {
        double x = world.packed[k];
        cr_expect_leq(fabs(r->x_new[k] - x), 1e-12 * x, "flow %d", k);
    }
    tw_ge_result_free(r);
}

Test(ge, one_region_tariffs_on_itself) {
    /* A uniform duty on the only source is rebated in full: every price rises by 1 + t
     * and so does spending, so nothing real changes. */
    double x[2] = {100.0, 50.0}, z[2] = {0, 0}, u[2] = {0.3, 0.3}, sig[2] = {3.0, 5.0};
    tw_ge_problem p = {1, 2, x, z, u, NULL, sig, 0};
    tw_ge_result *r = solve(&p, 8);
    cr_expect_eq(r->w_hat[0], 1.0);
    cr_expect_leq(fabs(r->welfare[0]), 1e-14, "%g", r->welfare[0]);
    cr_expect_leq(fabs(r->spending[0] - 150.0 * 1.3), 1e-12);
    tw_ge_result_free(r);
    /* Different duties distort the choice between sectors (Cobb-Douglas shares 2/3, 1/3):
     * W_hat = 1 / ((1 - rho) prod_s (1 + t_s)^alpha_s), rho the duty share of spending. */
    double t[2] = {0.3, 0.1};
    p.t1 = t;
    r = solve(&p, 8);
    double rho = (2.0 / 3.0) * 0.3 / 1.3 + (1.0 / 3.0) * 0.1 / 1.1;
    double w_ref = 1.0 / ((1.0 - rho) * pow(1.3, 2.0 / 3.0) * pow(1.1, 1.0 / 3.0));
    cr_expect_leq(fabs(r->welfare[0] + 1.0 - w_ref), 1e-14, "%.17g vs %.17g", r->welfare[0] + 1.0,
                  w_ref);
    cr_expect_lt(r->welfare[0], 0.0);
    cr_expect_leq(fabs(r->p_hat_sec[0] - 1.3), 1e-14);
    cr_expect_leq(fabs(r->spending[0] - 150.0 / (1.0 - rho)), 1e-11);
    tw_ge_result_free(r);
    /* A 20% rise of the cost of delivering to itself: welfare falls to 1/1.2. */
    double d[2] = {1.2, 1.2};
    tw_ge_problem q = {1, 2, x, NULL, NULL, d, sig, 0};
    r = solve(&q, 8);
    cr_expect_leq(fabs(r->welfare[0] - (1.0 / 1.2 - 1.0)), 1e-14, "%.17g", r->welfare[0]);
    cr_expect_leq(fabs(r->tot[0] - log(1.0 / 1.2)), 1e-12, "tot %.17g", r->tot[0]);
    tw_ge_result_free(r);
}

Test(ge, symmetric_regions_keep_equal_wages_and_match_the_closed_form) {
    /* Three identical regions, one sector, each importing 10 from each partner and 80
     * from home; each puts 20% on both partners. By symmetry w_hat = 1 and
     * W_hat = (1 / (1 - rho)) / Phat with Phat^(1-s) = 0.8 + 0.2 * 1.2^(1-s) and rho the
     * duty share of spending. */
    double x[9], t[9], sig = 4.0;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            x[i * 3 + j] = i == j ? 80.0 : 10.0;
            t[i * 3 + j] = i == j ? 0.0 : 0.2;
        }
    tw_ge_problem p = {3, 1, x, NULL, t, NULL, &sig, 0};
    tw_ge_result *r = solve(&p, 16);
    double sum = 0.8 + 0.2 * pow(1.2, 1.0 - sig);
    double lam_f = 0.2 * pow(1.2, 1.0 - sig) / sum, rho = lam_f * 0.2 / 1.2;
    double w_ref = (1.0 / (1.0 - rho)) / pow(sum, 1.0 / (1.0 - sig));
    for (int j = 0; j < 3; j++) {
        cr_expect_leq(fabs(r->w_hat[j] - 1.0), 1e-12, "w_hat[%d] %.17g", j, r->w_hat[j]);
        cr_expect_leq(fabs(r->welfare[j] + 1.0 - w_ref), 1e-12, "%.17g vs %.17g",
                      r->welfare[j] + 1.0, w_ref);
        cr_expect_lt(r->welfare[j], 0.0, "a symmetric tariff war hurts everyone");
        cr_expect_leq(fabs(r->tot[j]), 1e-12, "no terms-of-trade change by symmetry");
        cr_expect_lt(r->volume[j], 0.0);
        cr_expect_gt(r->revenue[j], 0.0);
        cr_expect_leq(fabs(r->path_error[j]), 1e-8);
    }
    tw_ge_result_free(r);
}

Test(ge, acr_formula_holds_for_an_iceberg_shock_without_tariffs) {
    /* One sector, balanced trade (a symmetric flow matrix), regions of different size,
     * no tariffs before or after; trade costs into region 0 rise 30%, out of region 2
     * fall 10%. Arkolakis-Costinot-Rodriguez-Clare: W_hat_j = lambda_hat_jj^(1/(1-sigma)). */
    double x[16] = {500, 40, 30, 20,  /* */
                    40, 300, 25, 15,  /* */
                    30, 25, 200, 10,  /* */
                    20, 15, 10, 100};
    double d[16], sig = 5.0;
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++)
            d[i * 4 + j] = i == j ? 1.0 : (j == 0 ? 1.3 : 1.0) * (i == 2 ? 0.9 : 1.0);
    tw_ge_problem p = {4, 1, x, NULL, NULL, d, &sig, 0};
    tw_ge_result *r = solve(&p, 16);
    for (int j = 0; j < 4; j++) {
        double spend = 0.0;
        for (int i = 0; i < 4; i++) spend += x[i * 4 + j];
        double lam_hat = r->lambda[j * 4 + j] / (x[j * 4 + j] / spend);
        double acr = pow(lam_hat, 1.0 / (1.0 - sig));
        cr_expect_leq(fabs(r->welfare[j] + 1.0 - acr), 1e-12, "region %d: %.17g vs ACR %.17g",
                      j, r->welfare[j] + 1.0, acr);
        cr_expect_leq(fabs(r->path_error[j]), 1e-8, "path error %g", r->path_error[j]);
    }
    cr_expect_lt(r->welfare[0], 0.0, "dearer imports hurt region 0");
    tw_ge_result_free(r);
}

/* Identities at the answer, for any problem on the world's flows. */
static void check_identities(const tw_ge_result *r) {
    double world_x = 0.0, world_m = 0.0;
    for (int j = 0; j < TW_NREG; j++) {
        double sales = 0.0, imports = 0.0, with_duty = 0.0, duty = 0.0, base_def = 0.0;
        for (int i = 0; i < TW_NREG; i++)
            for (int s = 0; s < TW_NSEC; s++) {
                size_t kin = ((size_t)i * TW_NREG + (size_t)j) * TW_NSEC + (size_t)s;
                size_t kout = ((size_t)j * TW_NREG + (size_t)i) * TW_NSEC + (size_t)s;
                sales += r->x_new[kout];
                imports += r->x_new[kin];
                with_duty += r->x_new[kin] * (1.0 + t1[i][j][s]);
                duty += r->x_new[kin] * t1[i][j][s];
                base_def += world.flow[i][j][s] - world.flow[j][i][s];
                if (i != j) {
                    world_x += r->x_new[kout];
                    world_m += r->x_new[kin];
                }
            }
        double scale = r->spending[j];
        /* income = sales + duty + deficit, and it is all spent */
        cr_expect_leq(fabs(r->spending[j] - (sales + r->revenue_level[j] + base_def)),
                      1e-11 * scale, "region %d income", j);
        cr_expect_leq(fabs(r->spending[j] - with_duty), 1e-11 * scale, "region %d spending", j);
        cr_expect_leq(fabs(r->revenue_level[j] - duty), 1e-11 * scale, "region %d duty", j);
        /* deficit held fixed: imports - sales unchanged */
        cr_expect_leq(fabs((imports - sales) - base_def), 1e-11 * scale, "region %d deficit", j);
        /* market clearing: sales = w_hat * base sales */
        double y0 = 0.0;
        for (int i = 0; i < TW_NREG; i++)
            for (int s = 0; s < TW_NSEC; s++) y0 += world.flow[j][i][s];
        cr_expect_leq(fabs(sales - r->w_hat[j] * y0), 1e-11 * y0, "region %d clears", j);
    }
    cr_expect_leq(fabs(world_x - world_m), 1e-11 * world_x, "world exports = world imports");
}

Test(ge, tariff_war_identities_and_welfare_signs) {
    tariff_war();
    tw_ge_problem p = world_problem();
    tw_ge_result *r = solve(&p, TW_GE_PATH_STEPS_DEFAULT);
    check_identities(r);
    cr_expect_lt(r->walras, 1e-10);
    printf("US-China tariff war (US 145%% on CN, CN 125%% on US) on the 2024 flows:\n"
           "region   w_hat     P_hat   welfare%%    tot%%  volume%%  revenue%% buyer%%\n");
    for (int j = 0; j < TW_NREG; j++)
        printf("%-4s %9.5f %9.5f %9.4f %8.4f %8.4f %8.4f %8.4f\n", tw_test_region_names[j],
               r->w_hat[j], r->p_hat[j], 100 * r->welfare[j], 100 * r->tot[j],
               100 * r->volume[j], 100 * r->revenue[j], 100 * r->buyer_cost[j]);
    printf("iterations %d, residual %.3g, Walras %.3g\n", r->iterations, r->residual, r->walras);
    /* The belligerents lose, the United States its volume of trade, China its terms of
     * trade as well; each collects duty that its own buyers pay. */
    for (int j = TW_US; j <= TW_CN; j++) {
        cr_expect_lt(r->welfare[j], 0.0, "%s welfare", tw_test_region_names[j]);
        cr_expect_lt(r->volume[j], 0.0);
        cr_expect_gt(r->revenue[j], 0.0);
        cr_expect_lt(r->buyer_cost[j], 0.0);
    }
    /* With the nests, what each belligerent's buyers stop buying from the other goes mostly
     * to third countries (the lower nest, 3 to 4) and little to home goods (the upper
     * nest, 1.19): demand for both belligerents' goods falls against the bystanders', so
     * both lose on the terms of trade. */
    cr_expect_lt(r->tot[TW_US], 0.0);
    cr_expect_lt(r->tot[TW_CN], 0.0);
    cr_expect_lt(r->w_hat[TW_US], r->w_hat[TW_EU]);
    cr_expect_lt(r->w_hat[TW_CN], r->w_hat[TW_US]);
    /* Bystanders gain through their terms of trade alone: diversion raises the demand for
     * their goods; they change no tariff, so their volume and duty terms are exactly 0. */
    for (int j = TW_EU; j <= TW_ROW; j++) {
        cr_expect_gt(r->welfare[j], 1e-4, "%s welfare %g", tw_test_region_names[j], r->welfare[j]);
        cr_expect_gt(r->tot[j], 0.0);
        cr_expect_eq(r->volume[j], 0.0);
        cr_expect_eq(r->revenue[j], 0.0);
        cr_expect_gt(r->w_hat[j], 1.0);
    }
    for (int j = 0; j < TW_NREG; j++)
        cr_expect_leq(fabs(r->path_error[j]), 1e-6, "%s path error %g", tw_test_region_names[j],
                      r->path_error[j]);
    tw_ge_result_free(r);
    /* In one nest (Armington: home and every origin at sigma) US buyers turn mostly to
     * US goods, and the larger tariff on the larger flow turns the US terms of trade its
     * way instead. */
    p.sigma_upper = NULL;
    r = solve(&p, TW_GE_PATH_STEPS_DEFAULT);
    check_identities(r);
    cr_expect_gt(r->tot[TW_US], 0.0, "one nest: US terms of trade %g", r->tot[TW_US]);
    cr_expect_gt(r->w_hat[TW_US], 1.0);
    cr_expect_lt(r->w_hat[TW_CN], 1.0);
    tw_ge_result_free(r);
}

/* The nests' limits: with the upper elasticity equal to the lower one the nested solve is
 * the one-nest solve (to rounding); and the nested shares are the closed form. */
Test(ge, nests_reduce_to_one_nest_and_match_the_closed_form) {
    tariff_war();
    tw_ge_problem p = world_problem();
    p.sigma_upper = world.sigma;
    tw_ge_result *a = solve(&p, 0);
    p.sigma_upper = NULL;
    tw_ge_result *b = solve(&p, 0);
    for (int j = 0; j < TW_NREG; j++)
        cr_expect_leq(fabs(a->welfare[j] - b->welfare[j]), 1e-12, "region %d", j);
    for (int k = 0; k < NC; k++) cr_expect_leq(fabs(a->lambda[k] - b->lambda[k]), 1e-12);
    tw_ge_result_free(a);
    tw_ge_result_free(b);
    /* Nested shares at the equilibrium prices: s_h = x_h / (x_h + M), M = m0 P_M^(1 -
     * upper), P_M^(1 - sigma) = sum_o (s_o / m0) c_o^(1 - sigma), c the cost relative. */
    p = world_problem();
    tw_ge_result *r = solve(&p, 0);
    for (int j = 0; j < TW_NREG; j++)
        for (int s = 0; s < TW_NSEC; s++) {
            double e0 = 0.0, m0 = 0.0, pm = 0.0;
            for (int i = 0; i < TW_NREG; i++) {
                e0 += world.flow[i][j][s];
                if (i != j) m0 += world.flow[i][j][s];
            }
            for (int i = 0; i < TW_NREG; i++)
                if (i != j) pm += world.flow[i][j][s] / m0 *
                                  pow(r->w_hat[i] * (1.0 + t1[i][j][s]), 1.0 - world.sigma[s]);
            double home = world.flow[j][j][s] / e0 * pow(r->w_hat[j], 1.0 - upper[s]);
            double bundle = m0 / e0 * pow(pm, (1.0 - upper[s]) / (1.0 - world.sigma[s]));
            for (int i = 0; i < TW_NREG; i++) {
                double want = i == j ? home / (home + bundle)
                                     : bundle / (home + bundle) * world.flow[i][j][s] / m0 *
                                           pow(r->w_hat[i] * (1.0 + t1[i][j][s]),
                                               1.0 - world.sigma[s]) / pm;
                size_t k = ((size_t)i * TW_NREG + (size_t)j) * TW_NSEC + (size_t)s;
                cr_expect_leq(fabs(r->lambda[k] - want), 1e-13, "%d->%d sector %d: %.15g vs %.15g",
                              i, j, s, r->lambda[k], want);
            }
        }
    tw_ge_result_free(r);
}

Test(ge, path_error_shrinks_with_more_steps) {
    tariff_war();
    tw_ge_problem p = world_problem();
    tw_ge_result *coarse = solve(&p, 4), *fine = solve(&p, 16);
    for (int j = 0; j < TW_NREG; j++) {
        cr_expect_eq(coarse->ln_welfare[j], coarse->ln_welfare[j]); /* not NaN */
        cr_expect_leq(fabs(fine->ln_welfare[j] - coarse->ln_welfare[j]), 1e-12,
                      "the answer does not depend on the path");
        if (fabs(coarse->path_error[j]) > 1e-10)
            cr_expect_lt(fabs(fine->path_error[j]), 0.1 * fabs(coarse->path_error[j]));
    }
    tw_ge_result_free(coarse);
    tw_ge_result_free(fine);
}

/* The 2024 flows with trade imbalances closed at free trade (Ossa's first step). */
static double balanced[TW_NREG][TW_NREG][TW_NSEC];

static void balance_world(void) {
    tw_ge_problem p = world_problem();
    p.t0 = p.t1 = NULL;
    p.close_deficits = 1;
    tw_ge_result *r = solve(&p, 16);
    memcpy(&balanced[0][0][0], r->x_new, sizeof balanced);
    /* closing its deficit costs the US, whose imports exceed its sales */
    cr_expect_lt(r->transfer[TW_US], 0.0);
    cr_expect_lt(r->welfare[TW_US], 0.0);
    cr_expect_leq(fabs(r->path_error[TW_US]), 1e-8);
    tw_ge_result_free(r);
    for (int j = 0; j < TW_NREG; j++) {
        double sales = 0.0, imports = 0.0;
        for (int i = 0; i < TW_NREG; i++)
            for (int s = 0; s < TW_NSEC; s++) {
                sales += balanced[j][i][s];
                imports += balanced[i][j][s];
            }
        cr_assert_leq(fabs(sales - imports), 1e-9 * sales, "region %d balanced", j);
    }
}

/* US welfare (ln W_hat) with a uniform US tariff tau on every partner and sector, from
 * balanced free trade, nobody retaliating. */
static double us_welfare(double tau) {
    memset(t1, 0, sizeof t1);
    for (int i = 0; i < TW_NREG; i++)
        for (int s = 0; s < TW_NSEC; s++)
            if (i != TW_US) t1[i][TW_US][s] = tau;
    tw_ge_problem p = world_problem();
    p.x = &balanced[0][0][0];
    tw_ge_result *r = solve(&p, 0);
    double w = r->ln_welfare[TW_US];
    tw_ge_result_free(r);
    return w;
}

Test(ge, us_optimal_tariff_is_positive_and_of_ossas_order) {
    /* Golden-section search on [0, 2], from the 2024 flows with imbalances closed as Ossa
     * (2014, AER) does. He finds optimal tariffs of 62% on average and a Nash average of
     * 63% (data literature row ossa_nash_tariff); this model gives 47% (the test prints
     * it). The documented order, tens of percent, is asserted: between 25% and 100%. */
    balance_world();
    const double g = (sqrt(5.0) - 1.0) / 2.0;
    double a = 0.0, b = 2.0, c = b - g * (b - a), d = a + g * (b - a);
    double fc = us_welfare(c), fd = us_welfare(d);
    while (b - a > 1e-4) {
        if (fc > fd) {
            b = d, d = c, fd = fc;
            c = b - g * (b - a), fc = us_welfare(c);
        } else {
            a = c, c = d, fc = fd;
            d = a + g * (b - a), fd = us_welfare(d);
        }
    }
    double tau = 0.5 * (a + b), gain = us_welfare(tau);
    printf("US optimal uniform tariff %.1f%%, US welfare gain %.3f%%\n", 100 * tau,
           100 * expm1(gain));
    cr_expect_gt(tau, 0.25, "optimal tariff %g", tau);
    cr_expect_lt(tau, 1.0, "optimal tariff %g", tau);
    cr_expect_gt(gain, 0.0, "the optimal tariff beats free trade");
    cr_expect_gt(gain, us_welfare(0.5 * tau));
    cr_expect_gt(gain, us_welfare(1.5 * tau));
}

Test(ge, price_step_iterated_reaches_the_equilibrium) {
    /* The daily hook with a fixed endowment (eta = 0), fed each day with the model's own
     * demand at yesterday's prices, converges to the equilibrium of the full solve. */
    tariff_war();
    tw_ge_problem p = world_problem();
    tw_ge_result *r = solve(&p, 0);
    double q0[TW_NREG], price[TW_NREG], eta[TW_NREG] = {0}, spend[NC];
    for (int i = 0; i < TW_NREG; i++) {
        q0[i] = 0.0;
        for (int k = 0; k < TW_NREG * TW_NSEC; k++) q0[i] += (&world.flow[i][0][0])[k];
        price[i] = 1.0;
    }
    tw_err err = {0};
    int day = 0;
    double gap = 1.0;
    for (; day < 500 && gap > 1e-11; day++) {
        cr_assert_eq(tw_ge_demand(&p, price, spend, &err), TW_OK, "%s", err.msg);
        cr_assert_eq(tw_ge_price_step(TW_NREG, TW_NSEC, spend, &t1[0][0][0], q0, price, eta,
                                      world.sigma, upper, price, &err),
                     TW_OK, "%s", err.msg);
        gap = 0.0;
        for (int i = 0; i < TW_NREG; i++) gap = fmax(gap, fabs(price[i] - r->w_hat[i]));
    }
    printf("price step: %d days to within %.1g of the equilibrium\n", day, gap);
    cr_expect_leq(gap, 1e-11, "after %d days", day);
    tw_ge_result_free(r);
}

Test(ge, price_step_known_answers) {
    /* Two regions, one sector, no trade between them: each market alone. Demand for
     * region 0 doubled at price 1, eta = 1, eps = 1 (a share of one): p = 2^(1/2) before
     * the numeraire; region 1 unchanged, p = 1. Then both scaled so that
     * sum p q0 = sum q0. */
    double demand[4] = {200.0, 0.0, 0.0, 100.0}, q0[2] = {100.0, 100.0}, p[2] = {1.0, 1.0};
    double eta[2] = {1.0, 1.0}, sig = 3.0, out[2];
    tw_err err = {0};
    cr_assert_eq(tw_ge_price_step(2, 1, demand, NULL, q0, p, eta, &sig, NULL, out, &err), TW_OK,
                 "%s", err.msg);
    double scale = 2.0 / (sqrt(2.0) + 1.0);
    cr_expect_leq(fabs(out[0] - sqrt(2.0) * scale), 1e-15);
    cr_expect_leq(fabs(out[1] - scale), 1e-15);
    /* Demand equal to supply at the base: nothing moves, whatever the tariff (it is
     * netted out before comparing with supply). */
    double t[4] = {0.0, 0.5, 0.5, 0.0}, base[4] = {60.0, 60.0, 60.0, 60.0};
    double q1[2] = {100.0, 100.0};
    cr_assert_eq(tw_ge_price_step(2, 1, base, t, q1, p, eta, &sig, NULL, out, &err), TW_OK);
    cr_expect_leq(fabs(out[0] - 1.0), 1e-15);
    cr_expect_leq(fabs(out[1] - 1.0), 1e-15);
}

Test(ge, bad_input_is_reported) {
    double x[1] = {1.0}, sig_bad = 1.0, neg = -0.1;
    tw_ge_problem p = {1, 1, x, NULL, NULL, NULL, &sig_bad, 0};
    tw_ge_result *r = tw_ge_result_alloc(1, 1);
    tw_err err = {0};
    cr_expect_eq(tw_ge_solve(&p, NULL, r, &err), TW_ECONFIG);
    cr_expect(strstr(err.msg, "sigma[0]") != NULL, "%s", err.msg);
    double sig = 3.0;
    p.sigma = &sig;
    p.t1 = &neg;
    cr_expect_eq(tw_ge_solve(&p, NULL, r, &err), TW_ECONFIG);
    cr_expect(strstr(err.msg, "t1[0]") != NULL, "%s", err.msg);
    tw_ge_problem two = {2, 1, x, NULL, NULL, NULL, &sig, 0};
    cr_expect_eq(tw_ge_solve(&two, NULL, r, &err), TW_ECONFIG, "sizes must match the result");
    tw_ge_options o = tw_ge_options_default();
    o.path_steps = 3;
    p.t1 = NULL;
    cr_expect_eq(tw_ge_solve(&p, &o, r, &err), TW_ECONFIG, "odd path steps");
    o = tw_ge_options_default();
    o.max_iter = 1;
    o.tol = 1e-300;
    double xs[4] = {80, 20, 20, 80}, t[4] = {0, 1, 1, 0};
    tw_ge_result *r2 = tw_ge_result_alloc(2, 1);
    tw_ge_problem q = {2, 1, xs, NULL, t, NULL, &sig, 0};
    /* symmetric: converged at once; make it asymmetric so that one iteration is not enough */
    xs[1] = 5.0;
    cr_expect_eq(tw_ge_solve(&q, &o, r2, &err), TW_ERUNTIME);
    cr_expect(strstr(err.msg, "no equilibrium") != NULL, "%s", err.msg);
    tw_ge_result_free(r);
    tw_ge_result_free(r2);
    cr_expect_null(tw_ge_result_alloc(0, 1));
    tw_ge_result_free(NULL);
}

/* The day closure behind its handle, fed a hand-made view of the day: on the 2024 flows
 * with no tariffs it holds every producer price and income at 1 and its welfare at 0; a
 * 60% US tariff on China then moves producer prices to those of the long-run solve (the
 * closure follows the long-run demand at today's prices and rates, whatever the agents
 * buy meanwhile), and the regions' deficits sum to zero. */
static double day_use[TW_NREG_MAX][TW_NREG_MAX][TW_NSEC];
static tw_rate_table day_tau, day_tau0;
static tw_nest day_nest[TW_NCELL_MAX];

static void closure_step(tw_ge_day *g, uint32_t d) {
    /* no stocks, transit or sub-cells: buyers use what enters customs, at the one rate; the
     * cells' price indices stay at the first day's (they scale income only with a demand
     * elasticity other than 1) */
    static double ones[TW_NCELL];
    for (int c = 0; c < TW_NCELL; c++) ones[c] = 1.0;
    tw_day_view v = {.d = d, .world = &world, .sigma = world.sigma, .sigma_upper = upper,
                     .nest = day_nest, .e0 = ones, .tau = &day_tau, .tau0 = &day_tau0,
                     .tau_paid = &day_tau, .tau_in = &day_tau, .customs = day_use, .use = day_use,
                     .pbar = ones, .pbar0 = ones, .pass_through = 1.0};
    tw_err err = {0};
    cr_assert_eq(tw_ge_day_step(g, &v, &err), TW_OK, "%s", err.msg);
}

Test(ge_day, base_flows_hold_prices_and_a_tariff_moves_them_to_the_solve, .init = load_world) {
    memcpy(day_use, world.flow, sizeof day_use);
    memset(day_tau, 0, sizeof day_tau);
    memset(day_tau0, 0, sizeof day_tau0);
    for (int j = 0; j < TW_NREG; j++)
        for (int s = 0; s < TW_NSEC; s++) {
            double share[TW_NREG_MAX], price[TW_NREG_MAX], e = 0.0;
            for (int o = 0; o < TW_NREG; o++) e += world.flow[o][j][s];
            for (int o = 0; o < TW_NREG; o++) {
                share[o] = world.flow[o][j][s] / e;
                price[o] = 1.0;
            }
            tw_nest_calibrate(&day_nest[j * TW_NSEC + s], TW_NREG, j, world.sigma[s], upper[s], share, price);
        }
    tw_ge_day_params p = {.enabled = true, .interval = 1, .adjust_days = 1.0};
    tw_ge_day *g;
    tw_err err = {0};
    cr_assert_eq(tw_ge_day_create(&p, &g, &err), TW_OK);
    for (int r = 0; r < TW_NREG; r++) cr_assert_eq(tw_ge_day_prices(g)[r], 1.0);
    closure_step(g, 0);
    closure_step(g, 1);
    for (int r = 0; r < TW_NREG; r++) {
        cr_expect_float_eq(tw_ge_day_value(g, TW_GE_PRICE, r), 1.0, 1e-12, "region %d", r);
        cr_expect_float_eq(tw_ge_day_value(g, TW_GE_WELFARE, r), 0.0, 1e-12, "region %d", r);
    }
    for (int s = 0; s < TW_NSEC; s++) t1[TW_CN][TW_US][s] = 0.6, day_tau[TW_US][TW_CN][s] = 0.6;
    for (uint32_t d = 2; d < 200; d++) closure_step(g, d);
    tw_ge_problem prob = world_problem();
    tw_ge_result *r = solve(&prob, 0);
    double sum = 0.0;
    for (int j = 0; j < TW_NREG; j++) {
        cr_expect_float_eq(tw_ge_day_value(g, TW_GE_PRICE, j), r->w_hat[j], 1e-9, "region %d", j);
        sum += tw_ge_day_deficit(g, j);
    }
    cr_expect_float_eq(sum, 0.0, 1e-9);
    cr_expect_lt(tw_ge_day_value(g, TW_GE_TOT, TW_CN), 0.0, "China sells for less");
    tw_ge_result_free(r);
    tw_ge_day_free(g);
}

/* How a region's buyers split their spending (tw_ge_day_balance). The 2024 flows at scale 1
 * on the first day set output and the deficits, and the same flows the next day give
 * scales 1. Then US buyers move 5% of what they use from China's goods to their own (a
 * shift of demand at fixed prices): with the scales every region's buyers spend its
 * income, its producers sell its output and its deficit is the first day's; the US, whose
 * buyers turned away from imports, imports more than they chose (as a dearer dollar would
 * have it) and buys less of its own goods, and the bystanders' import scales stay within
 * 1% of 1. */
Test(ge_day, spending_is_split_so_that_output_sells_and_deficits_hold, .init = load_world) {
    tw_ge_day_params p = {.enabled = true, .interval = 1, .adjust_days = 365.0};
    tw_ge_day *g;
    tw_err err = {0};
    cr_assert_eq(tw_ge_day_create(&p, &g, &err), TW_OK);
    double sales[TW_NREG_MAX][TW_NREG_MAX] = {{0}}, duty[TW_NREG_MAX] = {0};
    double home[TW_NREG_MAX], imp[TW_NREG_MAX];
    double q0[TW_NREG] = {0}, d0[TW_NREG] = {0};
    for (int o = 0; o < TW_NREG; o++)
        for (int i = 0; i < TW_NREG; i++)
            for (int s = 0; s < TW_NSEC; s++) sales[o][i] += world.flow[o][i][s];
    for (int o = 0; o < TW_NREG; o++)
        for (int i = 0; i < TW_NREG; i++) {
            q0[o] += sales[o][i];
            d0[i] += sales[o][i];
            d0[o] -= sales[o][i];
            if (o != i) duty[i] += 0.03 * sales[o][i];
        }
    for (uint32_t d = 0; d < 2; d++) {
        tw_ge_day_balance(g, d, TW_NREG, sales, duty, home, imp);
        for (int i = 0; i < TW_NREG; i++) {
            cr_expect_float_eq(home[i], 1.0, 1e-12, "day %u region %d", d, i);
            cr_expect_float_eq(imp[i], 1.0, 1e-12, "day %u region %d", d, i);
        }
    }
    double shift = 0.05 * sales[TW_CN][TW_US];
    sales[TW_CN][TW_US] -= shift;
    sales[TW_US][TW_US] += shift;
    duty[TW_US] -= 0.03 * shift;
    tw_ge_day_balance(g, 2, TW_NREG, sales, duty, home, imp);
    for (int i = 0; i < TW_NREG; i++) {
        double spend = home[i] * sales[i][i], sold = home[i] * sales[i][i];
        for (int o = 0; o < TW_NREG; o++)
            if (o != i) {
                spend += imp[i] * sales[o][i];
                sold += imp[o] * sales[i][o];
            }
        double income = q0[i] + d0[i];
        cr_expect_float_eq(spend, income, 1e-9 * income, "region %d spends %g of %g", i, spend,
                           income);
        cr_expect_float_eq(sold, q0[i], 1e-9 * q0[i], "region %d sells %g of %g", i, sold, q0[i]);
        cr_expect_float_eq(spend - sold, d0[i], 1e-9 * q0[i], "region %d", i);
        cr_expect_float_eq(tw_ge_day_accounts(g, i).income, income + imp[i] * duty[i],
                           1e-9 * income);
        if (i != TW_US) cr_expect_leq(fabs(imp[i] - 1.0), 0.01, "region %d: %g", i, imp[i]);
    }
    cr_expect_gt(imp[TW_US], 1.0);
    cr_expect_lt(home[TW_US], 1.0);
    tw_ge_day_free(g);
}

/* The CES aggregate of tw_nest_quantity (tw_demand.h's formula, evaluated here) with
 * weights set after calibration, as the trade model's sub-cell calibration sets them:
 * tw_nest_reweighted brings the aggregate to the new weights. */
Test(nest, quantity_follows_weights_changed_after_calibration) {
    const double share_a[TW_NREG_MAX] = {0.5, 0.2, 0.2, 0.1}, share_b[TW_NREG_MAX] = {0.7, 0.1, 0.1, 0.1};
    const double price[TW_NREG_MAX] = {1.0, 1.1, 1.2, 1.3}, q[TW_NREG_MAX] = {2.0, 1.0, 0.5, 0.25};
    const double lower = 3.0, up = 1.5;
    tw_nest a, b;
    tw_nest_calibrate(&a, 4, 0, lower, up, share_a, price);
    tw_nest_calibrate(&b, 4, 0, lower, up, share_b, price);
    memcpy(b.weight, a.weight, sizeof a.weight);
    b.import_weight = a.import_weight;
    tw_nest_reweighted(&b);
    double qm = 0.0;
    for (int o = 1; o < 4; o++) qm += pow(a.weight[o], 1.0 / lower) * pow(q[o], (lower - 1.0) / lower);
    qm = pow(qm, lower / (lower - 1.0));
    double c = pow(pow(a.weight[0], 1.0 / up) * pow(q[0], (up - 1.0) / up) +
                       pow(a.import_weight, 1.0 / up) * pow(qm, (up - 1.0) / up),
                   up / (up - 1.0));
    cr_assert_float_eq(tw_nest_quantity(&a, q), c, 1e-12 * c);
    cr_assert_float_eq(tw_nest_quantity(&b, q), c, 1e-12 * c);
}
