/* tw_drivers.c - first-order sensitivity indices and rank correlations of the outcomes of
 * a run to its per-replicate parameter draws (tw_drivers.h), written to drivers.csv.
 *
 * Computed from replicates.csv once the batch has finished, so the answer depends only on
 * bytes that are already the same for any thread count, rank count or resume. A bootstrap
 * resample is a multiplicity per replicate; the replicates sorted by a parameter are then
 * walked copy by copy, so a resample costs one pass and no second sort.
 */
#include "tw_drivers.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tw_csvread.h"
#include "tw_output.h"
#include "tw_rng.h"

typedef struct {
    const double *x;
    size_t i;
} key;

static int cmp(const void *a, const void *b) {
    const key *p = a, *q = b;
    if (p->x[p->i] < q->x[q->i]) return -1;
    if (p->x[p->i] > q->x[q->i]) return 1;
    return p->i < q->i ? -1 : (p->i > q->i);
}

/* The index of y on the order ord (rows of finite y, sorted by the parameter), with w
 * copies of each row (NULL: one). */
static double drivers_index(const double *y, const size_t *ord, size_t m, const unsigned *w) {
    size_t total = 0;
    for (size_t k = 0; k < m; k++) total += w != NULL ? w[ord[k]] : 1;
    if (total < 8) return NAN;
    size_t nb = (size_t)lround(cbrt((double)total));
    if (nb < 2) nb = 2;
    double cnt[64] = {0}, sum[64] = {0}, sq[64] = {0};
    if (nb > 64) nb = 64;
    size_t pos = 0;
    for (size_t k = 0; k < m; k++) {
        size_t r = ord[k];
        unsigned c = w != NULL ? w[r] : 1;
        for (unsigned j = 0; j < c; j++, pos++) {
            size_t bin = pos * nb / total;
            cnt[bin] += 1.0;
            sum[bin] += y[r];
            sq[bin] += y[r] * y[r];
        }
    }
    double n = (double)total, all = 0.0;
    for (size_t b = 0; b < nb; b++) all += sum[b];
    double mean = all / n, between = 0.0, within = 0.0, var = 0.0;
    for (size_t b = 0; b < nb; b++) {
        if (cnt[b] == 0.0) continue;
        double mb = sum[b] / cnt[b], ss = fmax(0.0, sq[b] - cnt[b] * mb * mb);
        between += cnt[b] * (mb - mean) * (mb - mean);
        var += ss;
        if (cnt[b] > 1.0) within += ss / (cnt[b] - 1.0); /* the bin mean's noise, times cnt */
    }
    var += between;
    if (!(var > 1e-12 * n * (mean * mean + 1.0))) return NAN;
    double s = (between - within) / var;
    return fmin(1.0, fmax(0.0, s));
}

/* Average ranks of v over the rows ord (sorted by v) into rank[row]. */
static void ranks(const double *v, const size_t *ord, size_t m, double *rank) {
    for (size_t k = 0; k < m;) {
        size_t e = k + 1;
        while (e < m && v[ord[e]] == v[ord[k]]) e++;
        for (size_t j = k; j < e; j++) rank[ord[j]] = 0.5 * (double)(k + e - 1);
        k = e;
    }
}

static double pearson(const double *a, const double *b, const size_t *rows, size_t m) {
    double ma = 0.0, mb = 0.0;
    for (size_t k = 0; k < m; k++) {
        ma += a[rows[k]];
        mb += b[rows[k]];
    }
    ma /= (double)m;
    mb /= (double)m;
    double sab = 0.0, saa = 0.0, sbb = 0.0;
    for (size_t k = 0; k < m; k++) {
        double da = a[rows[k]] - ma, db = b[rows[k]] - mb;
        sab += da * db;
        saa += da * da;
        sbb += db * db;
    }
    return saa > 0.0 && sbb > 0.0 ? sab / sqrt(saa * sbb) : NAN;
}

static int cmp_double(const void *a, const void *b) {
    double p = *(const double *)a, q = *(const double *)b;
    return (p > q) - (p < q);
}

tw_status tw_drivers_pairs(const double *y, const double *const *x, size_t n_par, size_t n,
                           uint32_t seed, tw_driver *out, tw_err *err) {
    size_t *rows = malloc((n + 1) * sizeof *rows), *ord = malloc((n + 1) * sizeof *ord);
    key *keys = malloc((n + 1) * sizeof *keys);
    double *ry = malloc((n + 1) * sizeof *ry), *rx = malloc((n + 1) * sizeof *rx);
    double *boot = malloc(TW_DRIVERS_BOOT * sizeof *boot);
    unsigned *w = malloc((size_t)TW_DRIVERS_BOOT * (n + 1) * sizeof *w);
    tw_status st = TW_OK;
    if (rows == NULL || ord == NULL || keys == NULL || ry == NULL || rx == NULL || boot == NULL ||
        w == NULL) {
        st = tw_err_set(err, TW_ENOMEM, "out of memory");
        goto done;
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(y[i])) rows[m++] = i;
    /* The resamples: replicate k of resample b is row floor(u n) of the finite rows. */
    memset(w, 0, (size_t)TW_DRIVERS_BOOT * (n + 1) * sizeof *w);
    for (uint32_t b = 0; b < TW_DRIVERS_BOOT && m > 0; b++)
        for (size_t k = 0; k < m; k++) {
            uint32_t wd[4];
            tw_rng_words(tw_rng_key_make(seed, b), (uint32_t)k, 0, TW_PURPOSE_DRIVERS, 0, wd);
            size_t pick = (size_t)(tw_u01d(wd[0], wd[1]) * (double)m);
            if (pick >= m) pick = m - 1;
            w[(size_t)b * (n + 1) + rows[pick]]++;
        }
    /* rank of y */
    for (size_t k = 0; k < m; k++) keys[k] = (key){y, rows[k]};
    qsort(keys, m, sizeof *keys, cmp);
    for (size_t k = 0; k < m; k++) ord[k] = keys[k].i;
    ranks(y, ord, m, ry);
    for (size_t p = 0; p < n_par; p++) {
        tw_driver *d = &out[p];
        d->n = m;
        for (size_t k = 0; k < m; k++) keys[k] = (key){x[p], rows[k]};
        qsort(keys, m, sizeof *keys, cmp);
        for (size_t k = 0; k < m; k++) ord[k] = keys[k].i;
        bool varies = m > 0 && x[p][ord[0]] != x[p][ord[m - 1]];
        d->index = varies ? drivers_index(y, ord, m, NULL) : NAN;
        d->lo = d->hi = d->rho = NAN;
        if (isnan(d->index)) continue;
        ranks(x[p], ord, m, rx);
        d->rho = pearson(rx, ry, rows, m);
        size_t nb = 0;
        for (size_t b = 0; b < TW_DRIVERS_BOOT; b++) {
            double s = drivers_index(y, ord, m, w + b * (n + 1));
            if (!isnan(s)) boot[nb++] = s;
        }
        if (nb < TW_DRIVERS_BOOT / 2) continue;
        qsort(boot, nb, sizeof *boot, cmp_double);
        d->lo = boot[(size_t)floor(0.025 * (double)(nb - 1))];
        d->hi = boot[(size_t)ceil(0.975 * (double)(nb - 1))];
    }
done:
    free(rows);
    free(ord);
    free(keys);
    free(ry);
    free(rx);
    free(boot);
    free(w);
    return st;
}

void tw_drivers_free(tw_drivers *d) {
    if (d == NULL) return;
    for (size_t k = 0; k < d->n_out && d->out_names != NULL; k++) free(d->out_names[k]);
    for (size_t k = 0; k < d->n_par && d->par_names != NULL; k++) free(d->par_names[k]);
    free(d->out_names);
    free(d->par_names);
    free(d->d);
    memset(d, 0, sizeof *d);
}

const tw_driver *tw_drivers_get(const tw_drivers *d, const char *outcome, size_t par) {
    for (size_t k = 0; k < d->n_out; k++)
        if (strcmp(d->out_names[k], outcome) == 0 && par < d->n_par) return &d->d[k * d->n_par + par];
    return NULL;
}

static char *drivers_dup(const char *s) {
    size_t n = strlen(s) + 1;
    char *c = malloc(n);
    if (c != NULL) memcpy(c, s, n);
    return c;
}

static tw_status drivers_write(const char *dir, const tw_drivers *d, tw_err *err) {
    char path[8192];
    snprintf(path, sizeof path, "%s/drivers.csv", dir);
    tw_afile *f;
    tw_status st = tw_afile_open(path, &f, err);
    if (st != TW_OK) return st;
    FILE *fp = tw_afile_fp(f);
    fputs("outcome,parameter,index,lo,hi,rank_correlation,n\n", fp);
    for (size_t o = 0; o < d->n_out; o++)
        for (size_t p = 0; p < d->n_par; p++) {
            const tw_driver *x = &d->d[o * d->n_par + p];
            char v[4][40];
            tw_format_double(v[0], sizeof v[0], x->index);
            tw_format_double(v[1], sizeof v[1], x->lo);
            tw_format_double(v[2], sizeof v[2], x->hi);
            tw_format_double(v[3], sizeof v[3], x->rho);
            fprintf(fp, "%s,%s,%s,%s,%s,%s,%zu\n", d->out_names[o], d->par_names[p], v[0], v[1],
                    v[2], v[3], x->n);
        }
    return tw_afile_commit(f, err);
}

tw_status tw_drivers_run(const char *dir, size_t n_drawn, uint32_t seed, tw_drivers *out,
                         tw_err *err) {
    memset(out, 0, sizeof *out);
    if (n_drawn == 0) return TW_OK;
    char path[8192];
    snprintf(path, sizeof path, "%s/replicates.csv", dir);
    tw_csv *t = NULL;
    tw_status st = tw_csv_read(path, &t, err);
    if (st != TW_OK) return st;
    size_t cols = tw_csv_cols(t), n = tw_csv_rows(t);
    int first = tw_csv_col(t, "seed") + 1;
    if (first <= 0 || cols < (size_t)first + n_drawn) {
        tw_csv_free(t);
        return tw_err_set(err, TW_EDATA, "%s: expected a seed column and %zu parameter columns",
                          path, n_drawn);
    }
    size_t n_out = cols - (size_t)first - n_drawn;
    double *v = malloc((cols * n + 1) * sizeof *v);
    const double **x = malloc((n_drawn + 1) * sizeof *x);
    out->n_out = n_out;
    out->n_par = n_drawn;
    out->out_names = calloc(n_out + 1, sizeof *out->out_names);
    out->par_names = calloc(n_drawn + 1, sizeof *out->par_names);
    out->d = calloc(n_out * n_drawn + 1, sizeof *out->d);
    if (v == NULL || x == NULL || out->out_names == NULL || out->par_names == NULL || out->d == NULL)
        st = tw_err_set(err, TW_ENOMEM, "out of memory");
    /* Column-major values: v[c * n + row]. */
    for (size_t c = 0; c < cols && st == TW_OK; c++)
        for (size_t r = 0; r < n; r++) {
            const char *s = tw_csv_field(t, r, c);
            char *end;
            v[c * n + r] = strcmp(s, "nan") == 0 ? NAN : strtod(s, &end);
        }
    for (size_t k = 0; k < n_out && st == TW_OK; k++) {
        out->out_names[k] = drivers_dup(tw_csv_header(t, (size_t)first + k));
        if (out->out_names[k] == NULL) st = tw_err_set(err, TW_ENOMEM, "out of memory");
    }
    for (size_t p = 0; p < n_drawn && st == TW_OK; p++) {
        size_t c = cols - n_drawn + p;
        out->par_names[p] = drivers_dup(tw_csv_header(t, c));
        if (out->par_names[p] == NULL) st = tw_err_set(err, TW_ENOMEM, "out of memory");
        x[p] = v + c * n;
    }
    for (size_t k = 0; k < n_out && st == TW_OK; k++)
        st = tw_drivers_pairs(v + ((size_t)first + k) * n, x, n_drawn, n, seed,
                              out->d + k * n_drawn, err);
    if (st == TW_OK) st = drivers_write(dir, out, err);
    free(v);
    free(x);
    tw_csv_free(t);
    if (st != TW_OK) tw_drivers_free(out);
    return st;
}
