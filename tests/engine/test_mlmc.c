/* The multilevel estimator on a toy model with a known answer.
 *
 * Level l of the toy draws U ~ Uniform(0, 1) and V ~ Exponential(1) from its replicate's
 * stream and returns
 *     a mean:      Q_l = U * (1 + 0.1 * 2^-l V)         E[Q_l] = (1 + 0.1 * 2^-l) / 2
 *     an indicator Q_l = 1[U < 0.3 + 0.02 * 2^-l]        P = 0.3 + 0.02 * 2^-l
 * A coupled pair at level l uses one draw for both halves, as the engine's levels share
 * a replicate key; levels draw from streams of their own. The answer asked for is the
 * finest level's, which the estimator must hit without bias while putting most samples on
 * the cheap coarse level.
 */
#include <criterion/criterion.h>
#include <math.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "tw_mlmc.h"

#define NL 3

static void toy(size_t l, double u, double v, double q[2]) {
    double h = ldexp(1.0, -(int)l);
    q[0] = u * (1.0 + 0.1 * h * v);
    q[1] = u < 0.3 + 0.02 * h ? 1.0 : 0.0;
}

static const double toy_cost[NL] = {1.0, 4.0 + 1.0, 16.0 + 4.0};

/* Add n samples of level l drawn from rng. */
static void sample(tw_mlmc *m, gsl_rng *rng, size_t l, uint64_t n) {
    for (uint64_t i = 0; i < n; i++) {
        double u = gsl_rng_uniform(rng), v = gsl_ran_exponential(rng, 1.0), f[2], c[2];
        toy(l, u, v, f);
        if (l > 0) toy(l - 1, u, v, c);
        tw_mlmc_add(m, l, f, c);
    }
}

static double truth(int q) {
    double h = ldexp(1.0, -(NL - 1));
    return q == 0 ? (1.0 + 0.1 * h) / 2.0 : 0.3 + 0.02 * h;
}

/* One adaptive estimate: a pilot of 32 a level, then rounds of the plan until it is met. */
static void adaptive(tw_mlmc *m, gsl_rng *rng, const double target[2]) {
    bool ind[2] = {false, true};
    cr_assert_eq(tw_mlmc_init(m, NL, 2, toy_cost, ind, NULL), TW_OK);
    uint64_t need[NL] = {32, 32, 32};
    for (int round = 0; round < 40; round++) {
        bool more = false;
        for (size_t l = 0; l < NL; l++) {
            uint64_t have = tw_mlmc_count(m, l);
            if (need[l] > have) {
                sample(m, rng, l, need[l] - have);
                more = true;
            }
        }
        if (!more) break;
        tw_mlmc_next(m, target, 32, need);
    }
}

Test(mlmc, unbiased_and_covers_at_the_stated_rate) {
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 20250101);
    const double target[2] = {0.02, 0.03};
    enum { R = 400 };
    int covered[2] = {0, 0};
    double sum[2] = {0, 0}, sumsq[2] = {0, 0};
    for (int r = 0; r < R; r++) {
        tw_mlmc m;
        adaptive(&m, rng, target);
        for (int q = 0; q < 2; q++) {
            tw_mlmc_estimate e;
            tw_mlmc_estimate_q(&m, (size_t)q, &e);
            cr_assert(e.halfwidth <= target[q] * 1.0001, "q %d: half-width %g above %g", q,
                      e.halfwidth, target[q]);
            covered[q] += fabs(e.mean - truth(q)) <= e.halfwidth;
            sum[q] += e.mean;
            sumsq[q] += e.mean * e.mean;
        }
        tw_mlmc_free(&m);
    }
    gsl_rng_free(rng);
    for (int q = 0; q < 2; q++) {
        double mean = sum[q] / R, sd = sqrt((sumsq[q] - R * mean * mean) / (R - 1));
        /* unbiased: the mean of R estimates within 4 standard errors of the truth */
        cr_assert(fabs(mean - truth(q)) < 4.0 * sd / sqrt((double)R),
                  "q %d: mean of estimates %.5f, truth %.5f, sd %.5f", q, mean, truth(q), sd);
        /* 95% intervals cover 95% of the time: 400 tries give 380 +- 13 (3 sd) */
        cr_assert(covered[q] >= 367 && covered[q] <= R, "q %d: covered %d of %d", q,
                  covered[q], R);
    }
}

Test(mlmc, puts_the_samples_where_they_are_cheap) {
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 7);
    tw_mlmc m;
    const double target[2] = {0.01, 0.01};
    adaptive(&m, rng, target);
    /* The differences have small variance, so the fine levels need far fewer samples. */
    cr_assert(tw_mlmc_count(&m, 0) > 2 * tw_mlmc_count(&m, 1), "%lu vs %lu",
              (unsigned long)tw_mlmc_count(&m, 0), (unsigned long)tw_mlmc_count(&m, 1));
    cr_assert(tw_mlmc_count(&m, 1) > tw_mlmc_count(&m, 2));
    /* and it costs less than plain sampling of the finest level to the same half-width */
    double cost = 0.0;
    for (size_t l = 0; l < NL; l++) cost += (double)tw_mlmc_count(&m, l) * toy_cost[l];
    double var_fine = 0.305 * 0.695; /* the indicator's; the mean's is smaller */
    double plain = var_fine * pow(TW_MLMC_Z / 0.01, 2) * 16.0;
    cr_assert(cost < plain, "multilevel cost %g, plain %g", cost, plain);
    /* The finest correction is reported with its own interval: here 2^-2 - 2^-1 of the
     * shifts: 0.02 * (1/4 - 1/2) = -0.005 for the indicator. */
    tw_mlmc_estimate e;
    tw_mlmc_estimate_q(&m, 1, &e);
    cr_assert(fabs(e.diff + 0.005) <= e.diff_halfwidth * 1.5, "diff %g +- %g", e.diff,
              e.diff_halfwidth);
    tw_mlmc_free(&m);
    gsl_rng_free(rng);
}

Test(mlmc, an_indicator_never_seen_is_not_certain) {
    tw_mlmc m;
    double cost[1] = {1.0};
    bool ind[1] = {true};
    cr_assert_eq(tw_mlmc_init(&m, 1, 1, cost, ind, NULL), TW_OK);
    double zero = 0.0;
    for (int i = 0; i < 30; i++) tw_mlmc_add(&m, 0, &zero, NULL);
    tw_mlmc_estimate e;
    tw_mlmc_estimate_q(&m, 0, &e);
    cr_assert_eq(e.mean, 0.0);
    cr_assert(e.halfwidth > 0.03, "30 zeros cannot give a half-width of %g", e.halfwidth);
    uint64_t need[1];
    double target[1] = {0.03};
    tw_mlmc_plan(&m, target, 2, need);
    cr_assert(need[0] > 30);
    tw_mlmc_free(&m);
}

Test(mlmc, refuses_bad_sizes) {
    tw_mlmc m;
    double cost[2] = {1.0, 0.0};
    tw_err err;
    cr_assert_eq(tw_mlmc_init(&m, 0, 1, cost, NULL, &err), TW_EUSAGE);
    cr_assert_eq(tw_mlmc_init(&m, 2, 1, cost, NULL, &err), TW_EUSAGE);
}
