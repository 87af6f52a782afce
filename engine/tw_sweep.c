/* tw_sweep.c - sweep designs and first-order sensitivity indices (see tw_sweep.h). */
#include "tw_sweep.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_qrng.h>

#include "tw_rng.h"

/* Philox purposes of the design draws (day 0, agent = point). */
enum { SWEEP_PURPOSE_RANDOM = 0x5701, SWEEP_PURPOSE_LHS = 0x5702 };

void tw_sweep_free(tw_sweep *s) {
    if (s == NULL) return;
    for (size_t j = 0; j < s->n_params; j++) free(s->p[j].values);
    free(s->x);
    free(s->level);
    free(s->outcomes);
    free(s);
}

static double u01(uint32_t seed, size_t point, uint16_t purpose, uint16_t index) {
    uint32_t w[4];
    tw_rng_words(tw_rng_key_make(seed, 0), 0, (uint64_t)point, purpose, index, w);
    return tw_u01d(w[0], w[1]);
}

static tw_status load_param(const tw_cfg_node *node, tw_sweep_design design,
                            tw_sweep_param *p, tw_err *err) {
    if (tw_cfg_kind_of(node) != TW_CFG_MAP)
        return tw_cfg_error(err, node, "expected a map with key and values (grid) or min and max");
    tw_status st = tw_cfg_string(node, "key", true, NULL, &p->key, err);
    if (st != TW_OK) return st;
    bool integer = false;
    if ((st = tw_cfg_bool(node, "integer", false, false, &integer, err)) != TW_OK) return st;
    p->integer = integer;
    if (design == TW_SWEEP_GRID) {
        const tw_cfg_node *vals = tw_cfg_get(node, "values");
        if (vals == NULL) return tw_cfg_error(err, node, "missing required key values (a grid needs a list)");
        size_t n = tw_cfg_len(vals);
        if (tw_cfg_kind_of(vals) != TW_CFG_SEQ || n < 1 || n > TW_SWEEP_MAX_VALUES)
            return tw_cfg_error(err, vals, "expected a list of 1 to %d numbers", TW_SWEEP_MAX_VALUES);
        p->values = calloc(n, sizeof *p->values);
        if (p->values == NULL) return tw_err_set(err, TW_ENOMEM, "out of memory");
        p->n_values = n;
        for (size_t i = 0; i < n; i++)
            if ((st = tw_cfg_node_double(tw_cfg_at(vals, i), -1e300, 1e300, &p->values[i], err)) != TW_OK)
                return st;
        return TW_OK;
    }
    if ((st = tw_cfg_double(node, "min", true, 0, -1e300, 1e300, &p->min, err)) != TW_OK) return st;
    if ((st = tw_cfg_double(node, "max", true, 0, p->min, 1e300, &p->max, err)) != TW_OK) return st;
    return TW_OK;
}

/* Fill s->x (and s->level for grids). */
static tw_status sweep_design(tw_sweep *s, tw_err *err) {
    size_t n = s->n_points, d = s->n_params;
    s->x = calloc(n * d, sizeof *s->x);
    if (s->design == TW_SWEEP_GRID) s->level = calloc(n * d, sizeof *s->level);
    if (s->x == NULL || (s->design == TW_SWEEP_GRID && s->level == NULL))
        return tw_err_set(err, TW_ENOMEM, "out of memory for %zu sweep points", n);
    if (s->design == TW_SWEEP_GRID) {
        for (size_t k = 0; k < n; k++) {
            size_t rest = k;
            for (size_t j = d; j-- > 0;) {
                size_t lv = rest % s->p[j].n_values;
                rest /= s->p[j].n_values;
                s->level[k * d + j] = lv;
                s->x[k * d + j] = s->p[j].values[lv];
            }
        }
        return TW_OK;
    }
    double *u = calloc(n * d, sizeof *u);
    if (u == NULL) return tw_err_set(err, TW_ENOMEM, "out of memory");
    if (s->design == TW_SWEEP_SOBOL) {
        gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)d);
        if (q == NULL) {
            free(u);
            return tw_err_set(err, TW_ENOMEM, "cannot allocate a Sobol sequence of %zu dimensions", d);
        }
        for (size_t k = 0; k < n; k++) gsl_qrng_get(q, u + k * d);
        gsl_qrng_free(q);
    } else if (s->design == TW_SWEEP_RANDOM) {
        for (size_t k = 0; k < n; k++)
            for (size_t j = 0; j < d; j++)
                u[k * d + j] = u01(s->seed, k, SWEEP_PURPOSE_RANDOM, (uint16_t)j);
    } else { /* Latin hypercube: one point per stratum of every parameter */
        size_t *perm = malloc(n * sizeof *perm);
        if (perm == NULL) {
            free(u);
            return tw_err_set(err, TW_ENOMEM, "out of memory");
        }
        for (size_t j = 0; j < d; j++) {
            for (size_t k = 0; k < n; k++) perm[k] = k;
            for (size_t k = n; k-- > 1;) { /* Fisher-Yates, draws keyed by (j, k) */
                size_t r = (size_t)(u01(s->seed, k, SWEEP_PURPOSE_LHS, (uint16_t)(2 * j)) *
                                    (double)(k + 1));
                if (r > k) r = k;
                size_t t = perm[k];
                perm[k] = perm[r];
                perm[r] = t;
            }
            for (size_t k = 0; k < n; k++)
                u[k * d + j] = ((double)perm[k] +
                                u01(s->seed, k, SWEEP_PURPOSE_LHS, (uint16_t)(2 * j + 1))) /
                               (double)n;
        }
        free(perm);
    }
    for (size_t k = 0; k < n; k++)
        for (size_t j = 0; j < d; j++) {
            double v = s->p[j].min + u[k * d + j] * (s->p[j].max - s->p[j].min);
            s->x[k * d + j] = s->p[j].integer ? nearbyint(v) : v;
        }
    free(u);
    return TW_OK;
}

tw_status tw_sweep_load(const tw_cfg_node *root, uint32_t default_seed, tw_sweep **out,
                        tw_err *err) {
    *out = NULL;
    const tw_cfg_node *sw = tw_cfg_get(root, "sweep");
    if (sw == NULL) return TW_OK;
    if (tw_cfg_kind_of(sw) != TW_CFG_MAP)
        return tw_cfg_error(err, sw, "expected a map with design and parameters");
    tw_sweep *s = calloc(1, sizeof *s);
    if (s == NULL) return tw_err_set(err, TW_ENOMEM, "out of memory");
    static const char *const designs[] = {"grid", "random", "sobol", "lhs", NULL};
    int design = 0;
    int64_t points = 0, seed = default_seed;
    tw_status st = tw_cfg_enum(sw, "design", true, 0, designs, &design, err);
    s->design = (tw_sweep_design)design;
    if (st == TW_OK)
        st = tw_cfg_int(sw, "points", s->design != TW_SWEEP_GRID, 0, 2, TW_SWEEP_MAX_POINTS,
                        &points, err);
    if (st == TW_OK) st = tw_cfg_int(sw, "seed", false, default_seed, 0, UINT32_MAX, &seed, err);
    s->seed = (uint32_t)seed;
    const tw_cfg_node *ps = st == TW_OK ? tw_cfg_get(sw, "parameters") : NULL;
    if (st == TW_OK && (ps == NULL || tw_cfg_kind_of(ps) != TW_CFG_SEQ || tw_cfg_len(ps) < 1 ||
                        tw_cfg_len(ps) > TW_SWEEP_MAX_PARAMS))
        st = tw_cfg_error(err, ps ? ps : sw, "expected parameters: a list of 1 to %d parameters",
                          TW_SWEEP_MAX_PARAMS);
    if (st == TW_OK) s->n_params = tw_cfg_len(ps);
    double total = 1.0;
    for (size_t j = 0; st == TW_OK && j < s->n_params; j++) {
        st = load_param(tw_cfg_at(ps, j), s->design, &s->p[j], err);
        if (st == TW_OK && s->design == TW_SWEEP_GRID) total *= (double)s->p[j].n_values;
    }
    if (st == TW_OK) {
        if (s->design == TW_SWEEP_GRID && total > TW_SWEEP_MAX_POINTS)
            st = tw_cfg_error(err, ps, "the grid has %.0f points (at most %d)", total,
                              TW_SWEEP_MAX_POINTS);
        s->n_points = s->design == TW_SWEEP_GRID ? (size_t)total : (size_t)points;
    }
    const tw_cfg_node *oc = st == TW_OK ? tw_cfg_get(sw, "outcomes") : NULL;
    if (oc != NULL) {
        size_t n = tw_cfg_len(oc);
        if (tw_cfg_kind_of(oc) != TW_CFG_SEQ || n < 1)
            st = tw_cfg_error(err, oc, "expected a list of outcome names");
        s->outcomes = st == TW_OK ? calloc(n, sizeof *s->outcomes) : NULL;
        if (st == TW_OK && s->outcomes == NULL) st = tw_err_set(err, TW_ENOMEM, "out of memory");
        for (size_t i = 0; st == TW_OK && i < n; i++) {
            s->outcomes[i] = tw_cfg_text(tw_cfg_at(oc, i));
            if (s->outcomes[i] == NULL) st = tw_cfg_error(err, tw_cfg_at(oc, i), "expected an outcome name");
        }
        s->n_outcomes = n;
        s->outcomes_node = oc;
    }
    if (st == TW_OK) st = sweep_design(s, err);
    if (st != TW_OK) {
        tw_sweep_free(s);
        return st;
    }
    *out = s;
    return TW_OK;
}

typedef struct {
    double x;
    size_t k;
} xk;

static int cmp_xk(const void *a, const void *b) {
    const xk *p = a, *q = b;
    if (p->x < q->x) return -1;
    if (p->x > q->x) return 1;
    return p->k < q->k ? -1 : p->k > q->k; /* ties in point order: a total order */
}

double tw_sweep_first_order(const tw_sweep *s, size_t j, const double *y) {
    size_t n = s->n_points, d = s->n_params;
    double mean = 0.0, var = 0.0;
    for (size_t k = 0; k < n; k++) mean += y[k];
    mean /= (double)n;
    for (size_t k = 0; k < n; k++) var += (y[k] - mean) * (y[k] - mean);
    var /= (double)n;
    if (!(var > 0.0)) return NAN;
    size_t groups = s->design == TW_SWEEP_GRID ? s->p[j].n_values : (size_t)floor(sqrt((double)n));
    if (groups < 1) groups = 1;
    double *sum = calloc(groups, sizeof *sum);
    size_t *cnt = calloc(groups, sizeof *cnt);
    xk *order = s->design == TW_SWEEP_GRID ? NULL : malloc(n * sizeof *order);
    if (sum == NULL || cnt == NULL || (s->design != TW_SWEEP_GRID && order == NULL)) {
        free(sum);
        free(cnt);
        free(order);
        return NAN;
    }
    if (s->design == TW_SWEEP_GRID) {
        for (size_t k = 0; k < n; k++) {
            sum[s->level[k * d + j]] += y[k];
            cnt[s->level[k * d + j]]++;
        }
    } else {
        for (size_t k = 0; k < n; k++) order[k] = (xk){s->x[k * d + j], k};
        qsort(order, n, sizeof *order, cmp_xk);
        for (size_t r = 0; r < n; r++) {
            size_t g = r * groups / n;
            sum[g] += y[order[r].k];
            cnt[g]++;
        }
    }
    /* Group means that are all the same number carry no variance between groups: say 0
     * exactly, not the rounding of mean (summed in another order) against them. */
    double between = 0.0, lo = INFINITY, hi = -INFINITY;
    for (size_t g = 0; g < groups; g++) {
        if (cnt[g] == 0) continue;
        double m = sum[g] / (double)cnt[g];
        between += (double)cnt[g] * (m - mean) * (m - mean);
        lo = m < lo ? m : lo;
        hi = m > hi ? m : hi;
    }
    between = lo == hi ? 0.0 : between / (double)n;
    free(sum);
    free(cnt);
    free(order);
    double si = between / var;
    return si > 1.0 ? 1.0 : si;
}
