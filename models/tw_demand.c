/* tw_demand.c - nested CES spending shares of one cell (tw_demand.h).
 *
 * With import bundle price index P_M = (sum_{o != home} a_o p_o^(1 - lower))^(1/(1 -
 * lower)), home's share is b_h p_h^(1 - upper) / (b_h p_h^(1 - upper) + b_M P_M^(1 - upper))
 * and origin o's the import bundle's share times a_o p_o^(1 - lower) / P_M^(1 - lower).
 * Calibrated so that P_M = 1 at the first day's prices: a_o = (s_o / m0) / p0_o^(1 - lower)
 * with m0 the import share, b_M = m0, b_h = s_h / p0_h^(1 - upper).
 */
#include "tw_demand.h"

#include <math.h>

void tw_nest_calibrate(tw_nest *n, int nreg, int home, double lower, double upper,
                       const double share0[TW_NREG_MAX], const double price0[TW_NREG_MAX]) {
    double m0 = 0.0;
    for (int o = 0; o < nreg; o++)
        if (o != home) m0 += share0[o];
    n->n = nreg;
    n->home = home;
    n->lower = lower;
    n->upper = upper;
    n->import_weight = m0;
    for (int o = 0; o < TW_NREG_MAX; o++)
        if (o >= nreg)
            n->weight[o] = 0.0;
        else if (o == home)
            n->weight[o] = share0[o] / pow(price0[o], 1.0 - upper);
        else
            n->weight[o] = m0 > 0.0 ? share0[o] / m0 / pow(price0[o], 1.0 - lower) : 0.0;
    tw_nest_reweighted(n);
}

void tw_nest_reweighted(tw_nest *n) {
    for (int o = 0; o < TW_NREG_MAX; o++)
        n->qweight[o] = o >= n->n ? 0.0 : pow(n->weight[o], 1.0 / (o == n->home ? n->upper : n->lower));
    n->import_qweight = pow(n->import_weight, 1.0 / n->upper);
}

double tw_nest_quantity(const tw_nest *n, const double q[TW_NREG_MAX]) {
    const double rl = (n->lower - 1.0) / n->lower, ru = (n->upper - 1.0) / n->upper;
    double qm = 0.0, c = 0.0;
    for (int o = 0; o < n->n; o++)
        if (o != n->home && q[o] > 0.0) qm += n->qweight[o] * pow(q[o], rl);
    if (qm > 0.0) c += n->import_qweight * pow(pow(qm, 1.0 / rl), ru);
    if (q[n->home] > 0.0) c += n->qweight[n->home] * pow(q[n->home], ru);
    return c > 0.0 ? pow(c, 1.0 / ru) : 0.0;
}

void tw_nest_shares(const tw_nest *n, const double price[TW_NREG_MAX], double share[TW_NREG_MAX]) {
    double sm = 0.0;
    for (int o = 0; o < n->n; o++) {
        share[o] = o == n->home ? 0.0 : n->weight[o] * pow(price[o], 1.0 - n->lower);
        sm += share[o];
    }
    double h = n->weight[n->home] * pow(price[n->home], 1.0 - n->upper);
    double m = sm > 0.0 ? n->import_weight * pow(sm, (1.0 - n->upper) / (1.0 - n->lower)) : 0.0;
    double total = h + m;
    if (!(total > 0.0)) {
        for (int o = 0; o < n->n; o++) share[o] = 0.0;
        return;
    }
    for (int o = 0; o < n->n; o++) share[o] = o == n->home ? h / total : m / total * share[o] / sm;
}
