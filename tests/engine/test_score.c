/* Ensemble CRPS and PIT, and the Brier and log scores of a probability (tw_score): known
 * answers worked by hand. */
#include <math.h>

#include <criterion/criterion.h>
#include <criterion/new/assert.h>

#include "tw_score.h"

Test(score, crps_known_answers) {
    /* {1,2,3} at 2: mean|x-y| = 2/3, mean|x-x'| = 8/9, CRPS = 2/3 - 4/9 = 2/9. */
    double x[3] = {1, 2, 3};
    cr_assert(epsilon_eq(dbl, tw_score_crps(x, 3, 2.0), 2.0 / 9.0, 1e-15));
    /* Far above the ensemble: mean|x-y| - 4/9 = 10 - 4/9 at y = 12. */
    cr_assert(epsilon_eq(dbl, tw_score_crps(x, 3, 12.0), 10.0 - 4.0 / 9.0, 1e-14));
    /* One member: the absolute error. */
    double one[1] = {5.5};
    cr_assert_eq(tw_score_crps(one, 1, 2.0), 3.5);
    /* All members equal the observation: a perfect score. */
    double same[4] = {7, 7, 7, 7};
    cr_assert_eq(tw_score_crps(same, 4, 7.0), 0.0);
}

Test(score, pit_counts_ties_and_ends) {
    double x[4] = {1, 2, 2, 3};
    /* One below, two ties: (1 + v * 3) / 5. */
    cr_assert(epsilon_eq(dbl, tw_score_pit(x, 4, 2.0, 0.5), 0.5, 1e-15));
    cr_assert(epsilon_eq(dbl, tw_score_pit(x, 4, 2.0, 0.0), 0.2, 1e-15));
    /* Below all members: v / 5; above all: (4 + v) / 5. */
    cr_assert(epsilon_eq(dbl, tw_score_pit(x, 4, 0.0, 0.25), 0.05, 1e-15));
    cr_assert(epsilon_eq(dbl, tw_score_pit(x, 4, 9.0, 0.25), 0.85, 1e-15));
    /* Between 2 and 3, no tie: (3 + v) / 5. */
    cr_assert(epsilon_eq(dbl, tw_score_pit(x, 4, 2.5, 0.5), 0.7, 1e-15));
}

Test(score, crps_near_the_largest_double_is_finite) {
    /* {-1e308, 1e308} at 0: mean|x-y| = 1e308, mean|x-x'| = 1e308, CRPS = 0.5e308; the
     * plain sums would reach 2e308 (inf) and inf - inf. */
    double x[2] = {-1e308, 1e308};
    cr_assert(epsilon_eq(dbl, tw_score_crps(x, 2, 0.0), 0.5e308, 1e293));
    /* 1e308 against members near 0: 1e308 less their mean, less half their spread. */
    double small[3] = {1, 2, 3};
    cr_assert(epsilon_eq(dbl, tw_score_crps(small, 3, 1e308), 1e308, 1e293));
    /* Ordinary values are not scaled: the same bits as the plain formula. */
    cr_assert_eq(tw_score_scale(1e6, 1e6), 1.0);
    cr_assert_eq(tw_score_scale(1e308, 2.0), 0x1p1023);
}

Test(score, brier_and_log_of_a_probability) {
    /* (p - y)^2 for y = 1 and 0. */
    cr_assert(epsilon_eq(dbl, tw_score_brier(0.7, 1.0), 0.09, 1e-15));
    cr_assert(epsilon_eq(dbl, tw_score_brier(0.7, 0.0), 0.49, 1e-15));
    cr_assert_eq(tw_score_brier(1.0, 1.0), 0.0);
    /* -ln of the probability given to what happened. */
    cr_assert(epsilon_eq(dbl, tw_score_log01(0.7, 1.0, 0.0), -log(0.7), 1e-15));
    cr_assert(epsilon_eq(dbl, tw_score_log01(0.7, 0.0, 0.0), -log(0.3), 1e-15));
    /* Kept inside [floor, 1 - floor]: 0 of 64 replicates says 1/128, not impossible;
     * 64 of 64 says 127/128. */
    cr_assert(epsilon_eq(dbl, tw_score_log01(0.0, 1.0, 1.0 / 128.0), log(128.0), 1e-14));
    cr_assert(epsilon_eq(dbl, tw_score_log01(1.0, 1.0, 1.0 / 128.0), -log(127.0 / 128.0), 1e-15));
    cr_assert(isinf(tw_score_log01(0.0, 1.0, 0.0)));
}
