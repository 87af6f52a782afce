/* tw_ge.c - the general-equilibrium solve in changes and the daily producer-price step.
 *
 * The equations are in tw_ge.h. Everything is computed from one evaluation, eval, at
 * wages w and a point h on the tariff path: the base state is that same evaluation at
 * w = 1, h = 0, so an unchanged problem reproduces the base bit for bit (its ratios are
 * exactly 1 and its logs exactly 0) instead of within rounding. The unknowns are ln w, so
 * wages stay positive; GSL's derivative-free hybrid method solves n - 1 market-clearing
 * equations and the numeraire (Walras' law makes the last equation redundant; its
 * residual is reported as a check). The welfare decomposition walks the tariff path in
 * path_steps equal steps, each solve starting from the previous answer, and integrates
 * the first-order terms with the trapezoid rule plus one Richardson step.
 */
#include "tw_ge.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_multiroots.h>
#include <gsl/gsl_vector.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The problem, prepared once per solve. */
typedef struct {
    int n, ns;
    size_t nc;          /* n * n * ns cells */
    const double *x, *t0, *t1, *d_hat, *sigma;
    const double *upper; /* [ns] upper nest (home vs imports); sigma where not given */
    double *e0;         /* [nc] base spending with duty, X (1 + t0) */
    double *s0;         /* [n*ns] base spending of importer j in sector s */
    double *alpha;      /* [n*ns] sector shares of spending */
    double *ln_d;       /* [nc] ln d_hat */
    double *y0;         /* [n] base sales at producer prices */
    double *dfc;        /* [n] base deficit */
    double world;       /* sum y0 */
    double dkeep;       /* share of the base deficits left at h = 1: 1 fixed, 0 closed */
} ctx;

/* One evaluated state. */
typedef struct {
    double *lambda; /* [nc] */
    double *m;      /* [nc] flows at producer prices */
    double *psec;   /* [n*ns] ln Phat_js */
    double *e;      /* [n] spending */
    double *r;      /* [n] duty */
    double *sales;  /* [n] */
} state;

static size_t ix(const ctx *c, int i, int j, int s) {
    return ((size_t)i * (size_t)c->n + (size_t)j) * (size_t)c->ns + (size_t)s;
}

/* The path from the base (h = 0) to the new policy (h = 1) is straight in ln(1 + t), ln d
 * and D; its ends are the inputs exactly. Straight in ln(1 + t) rather than in t, so that
 * a prohibitive tariff spreads its effect over the path instead of packing it near h = 0
 * (the decomposition's quadrature error stays small). */
static double ge_tariff(const ctx *c, size_t k, double h) {
    double a = c->t0 ? c->t0[k] : 0.0;
    double b = c->t1 ? c->t1[k] : a;
    if (h == 0.0 || a == b) return a;
    if (h == 1.0) return b;
    return exp((1.0 - h) * log1p(a) + h * log1p(b)) - 1.0;
}

static double dcost(const ctx *c, size_t k, double h) {
    if (h == 0.0) return 1.0;
    if (h == 1.0 && c->d_hat) return c->d_hat[k];
    return exp(h * c->ln_d[k]);
}

static double deficit(const ctx *c, int j, double h) {
    return h == 0.0 ? c->dfc[j] : c->dfc[j] * (1.0 + h * (c->dkeep - 1.0));
}

/* The state at wages w and path point h. Nested CES (tw_ge.h): the foreign origins'
 * terms a_ijs summed into the import bundle's, sm, which enters the upper nest as
 * sm0 (sm / sm0)^((1 - upper) / (1 - sigma)) beside home's a_jjs (its own exponent);
 * at the base every ratio is exactly 1, so the base is reproduced bit for bit. */
static void eval(const ctx *c, const double *w, double h, state *st) {
    int n = c->n, ns = c->ns;
    /* Each cell's term e0 rel^(1 - sigma) (home's with its own exponent) into lambda
     * first, origin by origin: an origin's relative price is the same to every
     * destination whose tariff and trade cost have not moved, so its power is taken once
     * for the run of such destinations (the same pow of the same numbers). */
    for (int s = 0; s < ns; s++) {
        double lo = 1.0 - c->sigma[s], up = 1.0 - (c->upper ? c->upper[s] : c->sigma[s]);
        for (int i = 0; i < n; i++) {
            double last = 0.0, last_pow = 0.0; /* last rel (0: none yet) and rel^lo */
            for (int j = 0; j < n; j++) {
                size_t k = ix(c, i, j, s);
                double t = ge_tariff(c, k, h), tb = c->t0 ? c->t0[k] : 0.0;
                double rel = w[i] * dcost(c, k, h) * ((1.0 + t) / (1.0 + tb));
                if (i == j) {
                    st->lambda[k] = c->e0[k] * pow(rel, up);
                    continue;
                }
                if (!(rel == last && rel != 0.0)) {
                    last = rel;
                    last_pow = pow(rel, lo);
                }
                st->lambda[k] = c->e0[k] * last_pow;
            }
        }
    }
    for (int j = 0; j < n; j++) {
        double rho = 0.0;
        for (int s = 0; s < ns; s++) {
            double lo = 1.0 - c->sigma[s], up = 1.0 - (c->upper ? c->upper[s] : c->sigma[s]);
            double sm = 0.0, sm0 = 0.0, home = 0.0, home0 = 0.0, duty = 0.0;
            for (int i = 0; i < n; i++) {
                size_t k = ix(c, i, j, s);
                if (i == j) {
                    home = st->lambda[k];
                    home0 = c->e0[k];
                    continue;
                }
                sm += st->lambda[k];
                sm0 += c->e0[k];
            }
            double m = sm0 > 0.0 ? sm0 * pow(sm / sm0, up / lo) : 0.0, sum = home + m;
            for (int i = 0; i < n; i++) {
                size_t k = ix(c, i, j, s);
                double t = ge_tariff(c, k, h);
                st->lambda[k] = i == j ? home / sum : (sm > 0.0 ? m / sum * (st->lambda[k] / sm) : 0.0);
                duty += st->lambda[k] * (t / (1.0 + t));
            }
            st->psec[j * ns + s] = log(sum / (home0 + sm0)) / up;
            rho += c->alpha[j * ns + s] * duty;
        }
        st->e[j] = (w[j] * c->y0[j] + deficit(c, j, h)) / (1.0 - rho);
        st->r[j] = rho * st->e[j];
    }
    for (int i = 0; i < n; i++) st->sales[i] = 0.0;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            for (int s = 0; s < ns; s++) {
                size_t k = ix(c, i, j, s);
                double t = ge_tariff(c, k, h);
                st->m[k] = st->lambda[k] * c->alpha[j * ns + s] * st->e[j] / (1.0 + t);
                st->sales[i] += st->m[k];
            }
}

/* Equations at w: market clearing of regions 0..n-2 relative to sales, and the numeraire. */
static void equations(const ctx *c, const double *w, double h, state *st,
                      double *f) {
    eval(c, w, h, st);
    double gdp = 0.0;
    for (int i = 0; i < c->n; i++) gdp += w[i] * c->y0[i];
    for (int i = 0; i + 1 < c->n; i++) f[i] = (st->sales[i] - w[i] * c->y0[i]) / c->y0[i];
    f[c->n - 1] = gdp / c->world - 1.0;
}

static double maxabs(const double *f, int n) {
    double m = 0.0;
    for (int i = 0; i < n; i++) {
        double a = fabs(f[i]);
        if (!(a <= m)) m = a; /* NaN wins */
    }
    return m;
}

typedef struct {
    const ctx *c;
    double h;
    state *st;
    double *w, *f;
} gsl_params;

static int gsl_f(const gsl_vector *x, void *vp, gsl_vector *fv) {
    gsl_params *p = vp;
    for (int i = 0; i < p->c->n; i++) p->w[i] = exp(gsl_vector_get(x, (size_t)i));
    equations(p->c, p->w, p->h, p->st, p->f);
    for (int i = 0; i < p->c->n; i++) {
        if (!isfinite(p->f[i])) return GSL_EBADFUNC;
        gsl_vector_set(fv, (size_t)i, p->f[i]);
    }
    return GSL_SUCCESS;
}

/* Solve at path point h from the guess in w (replaced by the answer); st holds the state. */
static tw_status solve_at(const ctx *c, double h, const tw_ge_options *o, double *w,
                          double *f, state *st, int *iters, double *resid,
                          tw_err *err) {
    int n = c->n;
    *iters = 0;
    equations(c, w, h, st, f);
    *resid = maxabs(f, n);
    if (*resid < o->tol) return TW_OK;
    gsl_multiroot_fsolver *s = gsl_multiroot_fsolver_alloc(gsl_multiroot_fsolver_hybrids,
                                                           (size_t)n);
    gsl_vector *x = gsl_vector_alloc((size_t)n);
    if (s == NULL || x == NULL) {
        gsl_multiroot_fsolver_free(s);
        gsl_vector_free(x);
        return tw_err_set(err, TW_ENOMEM, "ge: out of memory for the solver");
    }
    for (int i = 0; i < n; i++) gsl_vector_set(x, (size_t)i, log(w[i]));
    gsl_params prm = {c, h, st, w, f};
    gsl_multiroot_function fn = {gsl_f, (size_t)n, &prm};
    int gs = gsl_multiroot_fsolver_set(s, &fn, x);
    while (gs == GSL_SUCCESS && *iters < o->max_iter) {
        gs = gsl_multiroot_fsolver_iterate(s);
        (*iters)++;
        *resid = maxabs(gsl_vector_const_ptr(s->f, 0), n); /* GSL's f has stride 1 */
        if (*resid < o->tol) break;
    }
    for (int i = 0; i < n; i++) w[i] = exp(gsl_vector_get(s->x, (size_t)i));
    gsl_multiroot_fsolver_free(s);
    gsl_vector_free(x);
    equations(c, w, h, st, f); /* the state at the answer */
    *resid = maxabs(f, n);
    if (*resid < o->tol) return TW_OK;
    return tw_err_set(err, TW_ERUNTIME,
                      "ge: no equilibrium at path point %g: GSL says '%s' after %d iterations "
                      "with residual %.3g (tolerance %.3g)",
                      h, gsl_strerror(gs), *iters, *resid, o->tol);
}

tw_ge_options tw_ge_options_default(void) {
    tw_ge_options o = {TW_GE_TOL_DEFAULT, TW_GE_MAX_ITER_DEFAULT, TW_GE_PATH_STEPS_DEFAULT};
    return o;
}

tw_ge_result *tw_ge_result_alloc(int n_reg, int n_sec) {
    if (n_reg < 1 || n_sec < 1) return NULL;
    tw_ge_result *r = calloc(1, sizeof *r);
    if (r == NULL) return NULL;
    size_t n = (size_t)n_reg, nc = n * n * (size_t)n_sec;
    r->n_reg = n_reg;
    r->n_sec = n_sec;
    /* One block: 12 arrays of n, one of n*ns, two of nc. */
    double *b = calloc(12 * n + n * (size_t)n_sec + 2 * nc, sizeof *b);
    if (b == NULL) {
        free(r);
        return NULL;
    }
    double **one[] = {&r->w_hat,  &r->p_hat,   &r->spending,   &r->revenue_level,
                      &r->welfare, &r->ln_welfare, &r->tot,     &r->volume,
                      &r->revenue, &r->buyer_cost, &r->path_error, &r->transfer};
    for (size_t a = 0; a < sizeof one / sizeof one[0]; a++, b += n) *one[a] = b;
    r->p_hat_sec = b;
    b += n * (size_t)n_sec;
    r->lambda = b;
    r->x_new = b + nc;
    return r;
}

void tw_ge_result_free(tw_ge_result *r) {
    if (r == NULL) return;
    free(r->w_hat); /* the block's start */
    free(r);
}

/* A finite array of count values, each above lo (or at least lo when closed). */
static tw_status check(const double *a, size_t count, double lo, int closed,
                       const char *what, tw_err *err) {
    for (size_t k = 0; a != NULL && k < count; k++)
        if (!isfinite(a[k]) || a[k] < lo || (!closed && a[k] == lo))
            return tw_err_set(err, TW_ECONFIG, "ge: %s[%zu] must be finite and %s %g (got %g)",
                              what, k, closed ? "at least" : "above", lo, a[k]);
    return TW_OK;
}

static tw_status validate(const tw_ge_problem *p, const tw_ge_options *o,
                          const tw_ge_result *r, tw_err *err) {
    if (p == NULL || r == NULL || p->x == NULL || p->sigma == NULL)
        return tw_err_set(err, TW_ECONFIG, "ge: problem, flows, sigma and result are required");
    if (p->n_reg < 1 || p->n_sec < 1 || r->n_reg != p->n_reg || r->n_sec != p->n_sec)
        return tw_err_set(err, TW_ECONFIG,
                          "ge: sizes must be at least 1 and match the result (%d x %d vs %d x %d)",
                          p->n_reg, p->n_sec, r->n_reg, r->n_sec);
    if (!(o->tol > 0.0) || o->max_iter < 1 || o->path_steps < 0 || o->path_steps % 2 != 0)
        return tw_err_set(err, TW_ECONFIG,
                          "ge: options need tol > 0, max_iter >= 1, path_steps even and >= 0");
    size_t nc = (size_t)p->n_reg * (size_t)p->n_reg * (size_t)p->n_sec;
    tw_status s = check(p->x, nc, 0.0, 1, "x", err);
    if (s == TW_OK) s = check(p->t0, nc, 0.0, 1, "t0", err);
    if (s == TW_OK) s = check(p->t1, nc, 0.0, 1, "t1", err);
    if (s == TW_OK) s = check(p->d_hat, nc, 0.0, 0, "d_hat", err);
    if (s == TW_OK) s = check(p->sigma, (size_t)p->n_sec, 1.0, 0, "sigma", err);
    if (s == TW_OK) s = check(p->sigma_upper, (size_t)p->n_sec, 1.0, 0, "sigma_upper", err);
    return s;
}

/* Base quantities; TW_ECONFIG when a region sells nothing or an importer buys nothing in a
 * sector (its price index would be undefined). */
static tw_status prepare(const tw_ge_problem *p, ctx *c, double *block, tw_err *err) {
    int n = p->n_reg, ns = p->n_sec;
    size_t nc = (size_t)n * (size_t)n * (size_t)ns;
    *c = (ctx){n, ns, nc, p->x, p->t0, p->t1, p->d_hat, p->sigma, p->sigma_upper, block,
               NULL, NULL, NULL, NULL, NULL, 0.0, p->close_deficits ? 0.0 : 1.0};
    c->ln_d = block + nc;
    c->s0 = block + 2 * nc;
    c->alpha = c->s0 + (size_t)n * (size_t)ns;
    c->y0 = c->alpha + (size_t)n * (size_t)ns;
    c->dfc = c->y0 + n;
    for (int j = 0; j < n; j++) {
        double ej = 0.0, imp = 0.0;
        for (int s = 0; s < ns; s++) {
            double sum = 0.0;
            for (int i = 0; i < n; i++) {
                size_t k = ix(c, i, j, s);
                c->e0[k] = p->x[k] * (1.0 + (p->t0 ? p->t0[k] : 0.0));
                c->ln_d[k] = p->d_hat ? log(p->d_hat[k]) : 0.0;
                sum += c->e0[k];
                imp += p->x[k];
            }
            if (!(sum > 0.0))
                return tw_err_set(err, TW_ECONFIG, "ge: importer %d buys nothing in sector %d",
                                  j, s);
            c->s0[j * ns + s] = sum;
            ej += sum;
        }
        for (int s = 0; s < ns; s++) c->alpha[j * ns + s] = c->s0[j * ns + s] / ej;
        c->dfc[j] = imp;
    }
    for (int i = 0; i < n; i++) {
        double y = 0.0;
        for (int j = 0; j < n; j++)
            for (int s = 0; s < ns; s++) y += p->x[ix(c, i, j, s)];
        if (!(y > 0.0)) return tw_err_set(err, TW_ECONFIG, "ge: region %d sells nothing", i);
        c->y0[i] = y;
        c->dfc[i] -= y;
        c->world += y;
    }
    return TW_OK;
}

static state state_at(double *b, size_t nc, int n, int ns) {
    state st = {b, b + nc, b + 2 * nc, NULL, NULL, NULL};
    st.e = st.psec + (size_t)n * (size_t)ns;
    st.r = st.e + n;
    st.sales = st.r + n;
    return st;
}

/* Trapezoid increments of the decomposition between two solved path points a and b,
 * added to acc[0..3][n] (tot, volume, revenue). */
static void decomp_step(const ctx *c, const state *a, const state *b,
                        const double *lwa, const double *lwb, double ha, double hb,
                        double *tot, double *vol, double *rev, double *trf) {
    int n = c->n, ns = c->ns;
    for (int j = 0; j < n; j++) {
        double tj = 0.0, vj = 0.0;
        for (int i = 0; i < n; i++)
            for (int s = 0; s < ns; s++) {
                /* exports of j to i, own price */
                size_t kx = ix(c, j, i, s);
                tj += 0.5 * (a->m[kx] / a->e[j] + b->m[kx] / b->e[j]) * (lwb[j] - lwa[j]);
                /* imports of j from i */
                size_t k = ix(c, i, j, s);
                double lpa = lwa[i] + ha * c->ln_d[k], lpb = lwb[i] + hb * c->ln_d[k];
                double wa = a->m[k] / a->e[j], wb = b->m[k] / b->e[j];
                tj -= 0.5 * (wa + wb) * (lpb - lpa);
                if (a->m[k] > 0.0 && b->m[k] > 0.0) {
                    double dq = (log(b->m[k]) - lpb) - (log(a->m[k]) - lpa);
                    vj += 0.5 * (ge_tariff(c, k, ha) * wa + ge_tariff(c, k, hb) * wb) * dq;
                }
            }
        tot[j] += tj;
        vol[j] += vj;
        rev[j] += 0.5 * (1.0 / a->e[j] + 1.0 / b->e[j]) * (b->r[j] - a->r[j]);
        trf[j] += 0.5 * (1.0 / a->e[j] + 1.0 / b->e[j]) *
                  (deficit(c, j, hb) - deficit(c, j, ha));
    }
}

tw_status tw_ge_solve(const tw_ge_problem *p, const tw_ge_options *opt, tw_ge_result *r,
                      tw_err *err) {
    gsl_set_error_handler_off();
    tw_ge_options o = opt ? *opt : tw_ge_options_default();
    tw_status rc = validate(p, &o, r, err);
    if (rc != TW_OK) return rc;
    int n = p->n_reg, ns = p->n_sec, steps = o.path_steps;
    size_t nc = (size_t)n * (size_t)n * (size_t)ns, nn = (size_t)n, nsec = nn * (size_t)ns;
    size_t per_state = 2 * nc + nsec + 3 * nn; /* lambda, m, psec, e, r, sales */
    int npts = steps > 0 ? steps + 1 : 2;      /* stored path points */
    size_t ctx_len = 2 * nc + 2 * nsec + 2 * nn;
    double *block = calloc(ctx_len + (size_t)npts * (per_state + nn) + 2 * nn, sizeof *block);
    if (block == NULL) return tw_err_set(err, TW_ENOMEM, "ge: out of memory");
    ctx c;
    rc = prepare(p, &c, block, err);
    if (rc != TW_OK) {
        free(block);
        return rc;
    }
    double *states = block + ctx_len, *lw = states + (size_t)npts * per_state;
    double *w = lw + (size_t)npts * nn, *f = w + nn;
    state base = state_at(states, nc, n, ns);
    state cur = base;
    for (int i = 0; i < n; i++) w[i] = 1.0;
    int iters = 0;
    double resid = 0.0;
    eval(&c, w, 0.0, &base); /* point 0: the base, w = 1 */
    for (int k = 1; k < npts && rc == TW_OK; k++) {
        double h = steps > 0 ? (double)k / steps : 1.0;
        cur = state_at(states + (size_t)k * per_state, nc, n, ns);
        rc = solve_at(&c, h, &o, w, f, &cur, &iters, &resid, err);
        for (int i = 0; i < n; i++) lw[(size_t)k * nn + (size_t)i] = log(w[i]);
    }
    /* The answer at h = 1 (the last iterate on failure). */
    r->iterations = iters;
    r->residual = resid;
    r->walras = fabs(cur.sales[n - 1] - w[n - 1] * c.y0[n - 1]) / c.y0[n - 1];
    for (int j = 0; j < n; j++) {
        double lp = 0.0;
        for (int s = 0; s < ns; s++) {
            lp += c.alpha[j * ns + s] * cur.psec[j * ns + s];
            r->p_hat_sec[j * ns + s] = exp(cur.psec[j * ns + s]);
        }
        r->w_hat[j] = w[j];
        r->p_hat[j] = exp(lp);
        r->spending[j] = cur.e[j];
        r->revenue_level[j] = cur.r[j];
        r->ln_welfare[j] = log(cur.e[j] / base.e[j]) - lp;
        r->welfare[j] = expm1(r->ln_welfare[j]);
        r->tot[j] = r->volume[j] = r->revenue[j] = r->buyer_cost[j] = r->path_error[j] = 0.0;
        r->transfer[j] = 0.0;
    }
    memcpy(r->lambda, cur.lambda, nc * sizeof *cur.lambda);
    memcpy(r->x_new, cur.m, nc * sizeof *cur.m);
    if (rc == TW_OK && steps > 0) {
        /* fine (every step) and coarse (every other point) trapezoid sums, then Richardson */
        double *acc = calloc(8 * nn, sizeof *acc);
        if (acc == NULL) rc = tw_err_set(err, TW_ENOMEM, "ge: out of memory");
        for (int k = 0; rc == TW_OK && k < steps; k++) {
            state a = state_at(states + (size_t)k * per_state, nc, n, ns);
            state b = state_at(states + (size_t)(k + 1) * per_state, nc, n, ns);
            decomp_step(&c, &a, &b, lw + (size_t)k * nn, lw + (size_t)(k + 1) * nn,
                        (double)k / steps, (double)(k + 1) / steps, acc, acc + nn,
                        acc + 2 * nn, acc + 6 * nn);
            if (k % 2 == 0) {
                state b2 = state_at(states + (size_t)(k + 2) * per_state, nc, n, ns);
                decomp_step(&c, &a, &b2, lw + (size_t)k * nn, lw + (size_t)(k + 2) * nn,
                            (double)k / steps, (double)(k + 2) / steps, acc + 3 * nn,
                            acc + 4 * nn, acc + 5 * nn, acc + 7 * nn);
            }
        }
        for (int j = 0; rc == TW_OK && j < n; j++) {
            r->tot[j] = (4.0 * acc[j] - acc[3 * nn + (size_t)j]) / 3.0;
            r->volume[j] = (4.0 * acc[nn + (size_t)j] - acc[4 * nn + (size_t)j]) / 3.0;
            r->revenue[j] = (4.0 * acc[2 * nn + (size_t)j] - acc[5 * nn + (size_t)j]) / 3.0;
            r->transfer[j] = (4.0 * acc[6 * nn + (size_t)j] - acc[7 * nn + (size_t)j]) / 3.0;
            r->buyer_cost[j] = r->volume[j] - r->revenue[j];
            r->path_error[j] = r->ln_welfare[j] - r->tot[j] - r->volume[j] - r->transfer[j];
        }
        free(acc);
    }
    free(block);
    return rc;
}

tw_status tw_ge_demand(const tw_ge_problem *p, const double *w, double *spend, tw_err *err) {
    tw_ge_options o = tw_ge_options_default();
    tw_ge_result sizes = {.n_reg = p ? p->n_reg : 0, .n_sec = p ? p->n_sec : 0};
    tw_status rc = validate(p, &o, &sizes, err);
    if (rc == TW_OK && (w == NULL || spend == NULL))
        rc = tw_err_set(err, TW_ECONFIG, "ge: demand needs wages and an output array");
    if (rc == TW_OK) rc = check(w, (size_t)p->n_reg, 0.0, 0, "w", err);
    if (rc != TW_OK) return rc;
    int n = p->n_reg, ns = p->n_sec;
    size_t nc = (size_t)n * (size_t)n * (size_t)ns, nn = (size_t)n, nsec = nn * (size_t)ns;
    size_t ctx_len = 2 * nc + 2 * nsec + 2 * nn;
    double *block = calloc(ctx_len + 2 * nc + nsec + 3 * nn, sizeof *block);
    if (block == NULL) return tw_err_set(err, TW_ENOMEM, "ge: out of memory");
    ctx c;
    rc = prepare(p, &c, block, err);
    if (rc == TW_OK) {
        state st = state_at(block + ctx_len, nc, n, ns);
        eval(&c, w, 1.0, &st);
        for (size_t k = 0; k < nc; k++) spend[k] = st.m[k] * (1.0 + ge_tariff(&c, k, 1.0));
    }
    free(block);
    return rc;
}

tw_status tw_ge_price_step(int n_reg, int n_sec, const double *demand, const double *tariff,
                           const double *q0, const double *p_prev, const double *eta,
                           const double *sigma, const double *sigma_upper, double *p_out,
                           tw_err *err) {
    if (n_reg < 1 || n_sec < 1 || !demand || !q0 || !p_prev || !eta || !sigma || !p_out)
        return tw_err_set(err, TW_ECONFIG, "ge: price step needs sizes >= 1 and every array");
    size_t n = (size_t)n_reg, ns = (size_t)n_sec, nc = n * n * ns;
    tw_status rc = check(demand, nc, 0.0, 1, "demand", err);
    if (rc == TW_OK) rc = check(tariff, nc, 0.0, 1, "tariff", err);
    if (rc == TW_OK) rc = check(q0, n, 0.0, 0, "q0", err);
    if (rc == TW_OK) rc = check(p_prev, n, 0.0, 0, "p_prev", err);
    if (rc == TW_OK) rc = check(eta, n, 0.0, 1, "eta", err);
    if (rc == TW_OK) rc = check(sigma, ns, 1.0, 0, "sigma", err);
    if (rc == TW_OK) rc = check(sigma_upper, ns, 1.0, 0, "sigma_upper", err);
    if (rc != TW_OK) return rc;
    /* What each importer j spends in each sector s, summed once for every exporter. */
    double *spent = malloc(n * ns * sizeof *spent);
    if (spent == NULL) return tw_err_set(err, TW_ENOMEM, "ge: out of memory");
    for (size_t j = 0; j < n; j++)
        for (size_t s = 0; s < ns; s++) {
            double sum = 0.0;
            for (size_t o = 0; o < n; o++) sum += demand[(o * n + j) * ns + s];
            spent[j * ns + s] = sum;
        }
    /* Each region's sales V_i and their sales-weighted CES elasticity, then its step. */
    double gdp = 0.0, world = 0.0;
    for (size_t i = 0; i < n; i++) {
        double v = 0.0, ev = 0.0;
        for (size_t j = 0; j < n; j++)
            for (size_t s = 0; s < ns; s++) {
                size_t k = (i * n + j) * ns + s;
                if (demand[k] == 0.0) continue;
                double spend = spent[j * ns + s], up = sigma_upper ? sigma_upper[s] : sigma[s];
                double imports = spend - demand[(j * n + j) * ns + s], e;
                if (i == j) {
                    e = 1.0 + (up - 1.0) * (1.0 - demand[k] / spend);
                } else {
                    double in_m = demand[k] / imports; /* share in the import bundle */
                    e = 1.0 + (sigma[s] - 1.0) * (1.0 - in_m) +
                        (up - 1.0) * (1.0 - imports / spend) * in_m;
                }
                double vk = demand[k] / (1.0 + (tariff ? tariff[k] : 0.0));
                v += vk;
                ev += vk * e;
            }
        if (!(v > 0.0)) {
            free(spent);
            return tw_err_set(err, TW_ECONFIG, "ge: price step: region %zu sells nothing", i);
        }
        double eps = ev / v;
        double excess = v / (p_prev[i] * q0[i] * pow(p_prev[i], eta[i]));
        double pi = p_prev[i] * pow(excess, 1.0 / (eta[i] + eps));
        gdp += pi * q0[i];
        world += q0[i];
        p_out[i] = pi; /* p_prev[i] is not read again; p_prev[i+1..] is still intact */
    }
    free(spent);
    for (size_t i = 0; i < n; i++) p_out[i] *= world / gdp;
    return TW_OK;
}
