/* tw_score.c - the CRPS and PIT of an ensemble (see tw_score.h).
 *
 * The CRPS of an m-member ensemble is a double sum over pairs; sorted, the pairs collapse
 * to one weighted sum of the order statistics, so scoring a long series against a large
 * batch costs a sort per observation rather than m^2 differences. Sums are compensated
 * (Neumaier) because the weights 2i - m - 1 change sign and the terms cancel.
 */
#include "tw_score.h"

#include <math.h>

/* Neumaier's compensated sum: s + c is the running total. */
typedef struct {
    double s, c;
} ksum;

static void ksum_add(ksum *k, double v) {
    double t = k->s + v;
    if (fabs(k->s) >= fabs(v))
        k->c += (k->s - t) + v;
    else
        k->c += (v - t) + k->s;
    k->s = t;
}

double tw_score_scale(double maxabs, double terms) {
    int e;
    /* Sums of `terms` values of up to maxabs stay below 2^1000 (DBL_MAX is about 2^1024). */
    if (!(maxabs * terms < 0x1p1000)) {
        frexp(maxabs, &e); /* maxabs < 2^e, and 2^(e - 1) is a double */
        return ldexp(1.0, e - 1);
    }
    return 1.0;
}

double tw_score_crps(const double *sorted, size_t m, double y) {
    ksum a = {0.0, 0.0}, b = {0.0, 0.0};
    double md = (double)m;
    /* The sums reach 2 m max|x, y| and m^2 max|x|; a power of two scales them exactly. */
    double k = tw_score_scale(fmax(fabs(y), fmax(fabs(sorted[0]), fabs(sorted[m - 1]))),
                              2.0 * md * md);
    for (size_t i = 0; i < m; i++) {
        double x = sorted[i] / k;
        ksum_add(&a, fabs(x - y / k));
        ksum_add(&b, (2.0 * (double)(i + 1) - md - 1.0) * x);
    }
    return ((a.s + a.c) / md - (b.s + b.c) / (md * md)) * k;
}

/* The first index in sorted[0..m) whose value is not below y (strict: above y). */
static size_t bound(const double *sorted, size_t m, double y, int strict) {
    size_t lo = 0, hi = m;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strict ? sorted[mid] <= y : sorted[mid] < y)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

double tw_score_pit(const double *sorted, size_t m, double y, double v) {
    size_t lt = bound(sorted, m, y, 0), le = bound(sorted, m, y, 1);
    return ((double)lt + v * (double)(le - lt + 1)) / ((double)m + 1.0);
}

double tw_score_brier(double p, double y) { return (p - y) * (p - y); }

double tw_score_log01(double p, double y, double floor) {
    double q = y == 1.0 ? p : 1.0 - p;
    return -log(fmin(fmax(q, floor), 1.0 - floor));
}
