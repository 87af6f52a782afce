/* ge_solve.c - a test program that runs tw_ge_solve on a problem read from stdin and
 * prints the answer, so that an independent solver (tests/e2e/test_ge_scipy.py) can check
 * the same numbers.
 *
 * Input, whitespace-separated numbers: n_reg n_sec path_steps, sigma[n_sec], sigma_upper
 * [n_sec] (home against imports; equal to sigma for one nest), then x, t0, t1 and d_hat,
 * each n_reg*n_reg*n_sec values in [exporter][importer][sector] order.
 * Output: one line per field, its name then its values with 17 significant digits.
 * Exit 2 for bad input, 1 when the solve fails.
 */
#include <stdio.h>
#include <stdlib.h>

#include "tw_ge.h"

static int read_doubles(double *a, size_t count) {
    for (size_t k = 0; k < count; k++)
        if (scanf("%lf", &a[k]) != 1) return -1;
    return 0;
}

static void print_line(const char *name, const double *a, size_t count) {
    printf("%s", name);
    for (size_t k = 0; k < count; k++) printf(" %.17g", a[k]);
    printf("\n");
}

int main(void) {
    int n, ns, steps;
    if (scanf("%d %d %d", &n, &ns, &steps) != 3 || n < 1 || ns < 1 || n > 64 || ns > 64) {
        fprintf(stderr, "ge_solve: expected n_reg n_sec path_steps\n");
        return 2;
    }
    size_t nc = (size_t)n * (size_t)n * (size_t)ns, nn = (size_t)n;
    double *sigma = malloc(2 * (size_t)ns * sizeof *sigma), *buf = malloc(4 * nc * sizeof *buf);
    tw_ge_result *r = tw_ge_result_alloc(n, ns);
    int rc = 0;
    if (sigma == NULL || buf == NULL || r == NULL) {
        fprintf(stderr, "ge_solve: out of memory\n");
        rc = 1;
    } else if (read_doubles(sigma, 2 * (size_t)ns) != 0 || read_doubles(buf, 4 * nc) != 0) {
        fprintf(stderr, "ge_solve: expected sigma, sigma_upper, x, t0, t1 and d_hat\n");
        rc = 2;
    } else {
        tw_ge_problem p = {n, ns, buf, buf + nc, buf + 2 * nc, buf + 3 * nc, sigma, 0, sigma + ns};
        tw_ge_options o = tw_ge_options_default();
        o.path_steps = steps;
        tw_err err = {0};
        tw_status st = tw_ge_solve(&p, &o, r, &err);
        if (st != TW_OK) {
            fprintf(stderr, "ge_solve: %s\n", err.msg);
            rc = tw_exit_code(st);
        }
    }
    if (rc == 0) {
        const struct {
            const char *name;
            const double *v;
            size_t count;
        } fields[] = {{"w_hat", r->w_hat, nn},           {"p_hat", r->p_hat, nn},
                      {"lambda", r->lambda, nc},         {"x_new", r->x_new, nc},
                      {"spending", r->spending, nn},     {"revenue_level", r->revenue_level, nn},
                      {"ln_welfare", r->ln_welfare, nn}, {"tot", r->tot, nn},
                      {"volume", r->volume, nn},         {"revenue", r->revenue, nn},
                      {"transfer", r->transfer, nn},     {"path_error", r->path_error, nn}};
        for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++)
            print_line(fields[f].name, fields[f].v, fields[f].count);
        printf("iterations %d\nresidual %.17g\nwalras %.17g\n", r->iterations, r->residual,
               r->walras);
    }
    tw_ge_result_free(r);
    free(sigma);
    free(buf);
    return rc;
}
