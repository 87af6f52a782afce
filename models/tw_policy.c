/* tw_policy.c - what the governments and the events share: uncertain parameters (read,
 * drawn per slot, listed for replicates.csv) and the readers of the keys both the
 * `governments:` and the `events:` / `third_parties:` sections use.
 *
 * One copy for both sides keeps their keys read alike (the same grammar, ranges and
 * file:line:col errors) and their draws from one list of slots and counters (tw_policy.h),
 * so that neither side needs the other's files.
 */
#include <stdio.h>

#include <gsl/gsl_randist.h>

#include <math.h>

#include "tw_policy.h"

static const char *const dist_names[TW_NDIST + 1] = {"fixed", "uniform", "normal", "beta",
                                                     "lognormal", NULL};

tw_status tw_policy_section(const tw_cfg_node *m, const char *key, const tw_cfg_node **out,
                            tw_err *err) {
    *out = tw_cfg_get(m, key);
    if (*out != NULL && tw_cfg_kind_of(*out) != TW_CFG_MAP)
        return tw_cfg_error(err, *out, "expected a map");
    return TW_OK;
}

tw_status tw_dist_load(const tw_cfg_node *map, const char *key, double def, double lo, double hi,
                       tw_dist *out, tw_err *err) {
    *out = (tw_dist){TW_DIST_FIXED, def, 0.0, lo, hi, false};
    const tw_cfg_node *n = tw_cfg_get(map, key);
    if (n == NULL) return TW_OK;
    if (tw_cfg_kind_of(n) != TW_CFG_MAP) return tw_cfg_double(map, key, true, def, lo, hi, &out->a, err);
    int kind;
    tw_status st = tw_cfg_enum(n, "dist", true, 0, dist_names, &kind, err);
    if (st != TW_OK) return st;
    out->kind = (tw_dist_kind)kind;
    /* A range is an assumption when the scenario says so or gives no source for it. */
    const char *source = NULL;
    if ((st = tw_cfg_bool(n, "assumed", false, false, &out->assumed, err)) != TW_OK) return st;
    if ((st = tw_cfg_string(n, "source", false, "", &source, err)) != TW_OK) return st;
    if (source[0] == '\0') out->assumed = true;
    switch (out->kind) {
    case TW_DIST_FIXED: return tw_cfg_double(n, "value", true, 0.0, lo, hi, &out->a, err);
    case TW_DIST_UNIFORM:
        if ((st = tw_cfg_double(n, "lo", true, 0.0, lo, hi, &out->a, err)) != TW_OK) return st;
        if ((st = tw_cfg_double(n, "hi", true, 0.0, out->a, hi, &out->b, err)) != TW_OK) return st;
        return TW_OK;
    case TW_DIST_NORMAL:
        if ((st = tw_cfg_double(n, "mean", true, 0.0, lo, hi, &out->a, err)) != TW_OK) return st;
        return tw_cfg_double(n, "sd", true, 0.0, 0.0, 1e6, &out->b, err);
    case TW_DIST_BETA:
        if (lo > 0.0 || hi < 1.0)
            return tw_cfg_error(err, n, "a beta distribution needs a parameter whose range holds 0..1");
        if ((st = tw_cfg_double(n, "a", true, 0.0, 1e-3, 1e6, &out->a, err)) != TW_OK) return st;
        return tw_cfg_double(n, "b", true, 0.0, 1e-3, 1e6, &out->b, err);
    case TW_DIST_LOGNORMAL:
        if ((st = tw_cfg_double(n, "mu", true, 0.0, -50.0, 50.0, &out->a, err)) != TW_OK) return st;
        return tw_cfg_double(n, "sigma", true, 0.0, 0.0, 10.0, &out->b, err);
    case TW_NDIST: break;
    }
    return TW_OK;
}

double tw_dist_draw(const tw_dist *d, gsl_rng *r) {
    double x = d->a;
    switch (d->kind) {
    case TW_DIST_FIXED: return d->a;
    case TW_DIST_UNIFORM: x = d->a + (d->b - d->a) * gsl_rng_uniform(r); break;
    case TW_DIST_NORMAL: x = d->a + gsl_ran_gaussian_ziggurat(r, d->b); break;
    case TW_DIST_BETA: x = gsl_ran_beta(r, d->a, d->b); break;
    case TW_DIST_LOGNORMAL: x = gsl_ran_lognormal(r, d->a, d->b); break;
    case TW_NDIST: break;
    }
    return x < d->lo ? d->lo : (x > d->hi ? d->hi : x);
}

double tw_dist_mean(const tw_dist *d) {
    double m = d->a;
    switch (d->kind) {
    case TW_DIST_FIXED: case TW_DIST_NORMAL: break;
    case TW_DIST_UNIFORM: m = 0.5 * (d->a + d->b); break;
    case TW_DIST_BETA: m = d->a / (d->a + d->b); break;
    case TW_DIST_LOGNORMAL: m = exp(d->a + 0.5 * d->b * d->b); break;
    case TW_NDIST: break;
    }
    return m < d->lo ? d->lo : (m > d->hi ? d->hi : m);
}

double tw_dist_draw_slot(const tw_dist *d, gsl_rng *r, int slot) {
    gsl_rng_set(r, (unsigned long)slot);
    return tw_dist_draw(d, r);
}

tw_status tw_policy_pct(const tw_cfg_node *m, const char *key, double def_pct, double lo,
                        double hi, double *out, tw_err *err) {
    double v;
    tw_status st = tw_cfg_double(m, key, false, def_pct, lo, hi, &v, err);
    *out = v / 100.0;
    return st;
}

tw_status tw_policy_days(const tw_cfg_node *m, const char *key, int64_t def, int64_t lo,
                         int64_t hi, int *out, tw_err *err) {
    int64_t v;
    tw_status st = tw_cfg_int(m, key, false, def, lo, hi, &v, err);
    *out = (int)v;
    return st;
}

tw_status tw_policy_measure(const tw_cfg_node *m, const char *key, bool required,
                            tw_tariff_book *book, int *out, tw_err *err) {
    const char *name = NULL;
    tw_status st = tw_cfg_string(m, key, required, NULL, &name, err);
    if (st != TW_OK || name == NULL) {
        *out = -1;
        return st;
    }
    *out = tw_tariffs_intern(book, name);
    if (*out < 0)
        return tw_cfg_error(err, tw_cfg_get(m, key),
                            "expected a measure id of letters, digits, '_', '-' or '.' (got '%s')",
                            name);
    return TW_OK;
}

void tw_drawn_add(tw_drawn *list, int *n, const tw_dist *d, int slot, const char *name) {
    if (d->kind == TW_DIST_FIXED || *n == TW_MAX_DRAWN) return;
    if (d->kind == TW_DIST_UNIFORM && d->a == d->b) return;
    tw_drawn *x = &list[(*n)++];
    snprintf(x->name, sizeof x->name, "%s", name);
    x->slot = slot;
    x->assumed = d->assumed;
}
