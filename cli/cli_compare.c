/* cli_compare.c - `tradewar compare A.yaml B.yaml`: paired replicates on common random
 * numbers.
 *
 * Replicate r of A and replicate r of B use the same Philox key (seed, r), so each pair
 * shares its random numbers and the difference B - A carries little of the noise the two
 * runs share. For every summary cell and every outcome this reports the mean difference
 * with its paired 95% interval and, for contrast, the Welch interval one would get from
 * two independent batches of the same size; their ratio says how much pairing tightened
 * it. Replicates are run chunk by chunk over threads and ranks (tw_chunk_run_spread) and
 * folded on rank 0 in replicate order, so the files are the same for any thread or rank
 * count. A pair where either value is NaN ("did not happen") or infinite is skipped and n
 * says how many pairs were used.
 *
 * A comparison is a run of its own: --set applies to both sides and --set-a / --set-b to
 * one, so one file against itself with a change is a comparison; the directory follows
 * the run's protocol (cli_rundir.h) and holds both sides as run (scenario_a.yaml,
 * scenario_b.yaml) and provenance.yaml; the terminal gets the outcomes and, by month, the
 * headline series' B - A with its paired interval (each replicate's monthly total or mean
 * is paired, so the interval is that of the monthly figure, not of a day); --report hands
 * the directory to analysis/report.py.
 *
 * Outcomes are paired by name. The model's own outcomes are the same on both sides; the
 * drawn parameters may differ, since a side may fix one (--set-b
 * events.truce.extension.base=0): a side without a drawn parameter holds the value its
 * scenario sets there in every replicate (nan, and n 0, where it has none). Each side
 * runs one scenario: a sweep: section on either side is refused.
 *
 * A comparison stages, checkpoints, stops and resumes like a run (cli_rundir.h): the
 * paired statistics after the first `done` replicates go to compare_checkpoint.bin
 * (below) every --checkpoint-every seconds and when a signal reaches any rank, which
 * stops it with DIR.partial kept; `tradewar run --resume DIR` continues from there to
 * the same bytes. The files are written once every replicate is folded, the checkpoint
 * removed after them; a resume that finds them and no checkpoint goes to the commit.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_batch.h"
#include "cli_provenance.h"
#include "cli_rundir.h"
#include "cli_scenario.h"
#include "tw_batch.h"
#include "tw_crc.h"
#include "tw_file.h"
#include "tw_hash.h"
#include "tw_mpi.h"
#include "tw_output.h"
#include "tw_stats.h"

/* Each chunk gives every thread of every rank a few replicates of each scenario. */
#define CMP_PER_THREAD 4

typedef struct {
    tw_moments a, b, d;
} compare_pair;

static void pair_add(compare_pair *p, double x, double y) {
    if (!isfinite(x) || !isfinite(y)) return;
    tw_moments_add(&p->a, x);
    tw_moments_add(&p->b, y);
    tw_moments_add(&p->d, y - x);
}

/* ",n,mean_a,mean_b,diff,paired_lo,paired_hi,unpaired_lo,unpaired_hi,ratio\n" */
static void pair_write(FILE *fp, const compare_pair *p) {
    double nan = NAN, hp = tw_paired_halfwidth(&p->d), hu = tw_unpaired_halfwidth(&p->a, &p->b);
    bool any = p->d.n > 0;
    double ratio = hp > 0.0 ? hu / hp : (hu > 0.0 ? INFINITY : nan);
    double v[8] = {any ? p->a.mean : nan, any ? p->b.mean : nan, any ? p->d.mean : nan,
                   p->d.mean - hp, p->d.mean + hp, p->d.mean - hu, p->d.mean + hu, ratio};
    fprintf(fp, ",%llu", (unsigned long long)p->d.n);
    char num[64];
    for (int k = 0; k < 8; k++) {
        tw_format_double(num, sizeof num, any ? v[k] : nan);
        fprintf(fp, ",%s", num);
    }
    fputc('\n', fp);
}

#define CMP_COLUMNS "n,mean_a,mean_b,diff,paired_lo,paired_hi,unpaired_lo,unpaired_hi,ratio\n"

/* A and B must produce the same output days and series to be paired, and each run one
 * scenario. */
static tw_status compatible(const tw_cli_scenario *A, const tw_cli_scenario *B, tw_err *err) {
    const tw_cli_scenario *side[2] = {A, B};
    for (int i = 0; i < 2; i++)
        if (side[i]->sweep != NULL)
            return tw_cfg_error(err, tw_cfg_get(tw_cfg_root(side[i]->cfg), "sweep"),
                                "compare runs one scenario a side, and %s has a sweep: "
                                "section; remove it for compare, or run the sweep with "
                                "tradewar run", side[i]->name);
    if (A->spec.start != B->spec.start || A->spec.end != B->spec.end ||
        A->spec.interval_days != B->spec.interval_days)
        return tw_err_set(err, TW_EUSAGE, "compare: %s and %s must have the same start, end and "
                                          "output.interval_days", A->name, B->name);
    size_t ns = A->model->n_series(A->params);
    bool same = ns == B->model->n_series(B->params);
    for (size_t s = 0; same && s < ns; s++) {
        tw_series_label x = A->model->series(A->params, s), y = B->model->series(B->params, s);
        same = !strcmp(x.indicator, y.indicator) && !strcmp(x.region, y.region) &&
               !strcmp(x.partner, y.partner) && !strcmp(x.sector, y.sector);
    }
    if (!same)
        return tw_err_set(err, TW_EUSAGE, "compare: %s and %s have different series (their "
                                          "regions and sectors must match)", A->name, B->name);
    return TW_OK;
}

/* The number a scenario sets at a drawn parameter's key path ("governments.US.resolve",
 * "third_parties[0].prob"): NaN where there is no plain number there. */
static double cfg_number(const tw_cfg *cfg, const char *path) {
    const tw_cfg_node *n = tw_cfg_root(cfg);
    char seg[256];
    for (const char *p = path; n != NULL && *p != '\0';) {
        size_t len = strcspn(p, ".[");
        if (len > 0) {
            snprintf(seg, sizeof seg, "%.*s", (int)len, p);
            n = tw_cfg_kind_of(n) == TW_CFG_MAP ? tw_cfg_get(n, seg) : NULL;
            p += len;
        }
        if (n != NULL && *p == '[') {
            char *e;
            unsigned long i = strtoul(p + 1, &e, 10);
            n = *e == ']' && tw_cfg_kind_of(n) == TW_CFG_SEQ && i < tw_cfg_len(n) ? tw_cfg_at(n, i)
                                                                                  : NULL;
            p = *e == ']' ? e + 1 : e;
        }
        if (*p == '.') p++;
    }
    const char *text = n != NULL ? tw_cfg_text(n) : NULL;
    char *end;
    double v = text != NULL ? strtod(text, &end) : NAN;
    return text != NULL && end != text && *end == '\0' ? v : NAN;
}

/* The rows of compare_outcomes.csv: A's outcomes in order, then the drawn parameters that
 * only B has; each row's index on each side (-1: the side lacks it and holds fixed[]). */
typedef struct {
    size_t n;
    const char **name; /* [n] (owned by the models' parameters) */
    long *at[2];       /* [n] the outcome's index on side A, B; -1: none */
    double *fixed[2];  /* [n] where at is -1: the value the side's scenario sets, or NaN */
} outmap;

static void outmap_free(outmap *m) {
    free(m->name);
    for (int i = 0; i < 2; i++) {
        free(m->at[i]);
        free(m->fixed[i]);
    }
}

static long outcome_index(const tw_cli_scenario *sc, const char *name) {
    size_t no = sc->model->n_outcomes(sc->params);
    for (size_t k = 0; k < no; k++)
        if (strcmp(sc->model->outcome_name(sc->params, k), name) == 0) return (long)k;
    return -1;
}

static tw_status outmap_init(outmap *m, const tw_cli_scenario *A, const tw_cli_scenario *B,
                             tw_err *err) {
    const tw_cli_scenario *side[2] = {A, B};
    size_t na = A->model->n_outcomes(A->params), nb = B->model->n_outcomes(B->params);
    memset(m, 0, sizeof *m);
    m->name = calloc(na + nb + 1, sizeof *m->name);
    for (int i = 0; i < 2; i++) {
        m->at[i] = calloc(na + nb + 1, sizeof *m->at[i]);
        m->fixed[i] = calloc(na + nb + 1, sizeof *m->fixed[i]);
    }
    if (m->name == NULL || m->at[0] == NULL || m->at[1] == NULL || m->fixed[0] == NULL ||
        m->fixed[1] == NULL)
        return tw_err_set(err, TW_ENOMEM, "out of memory");
    for (int i = 0; i < 2; i++) {
        size_t no = side[i]->model->n_outcomes(side[i]->params);
        for (size_t k = 0; k < no; k++) {
            const char *name = side[i]->model->outcome_name(side[i]->params, k);
            if (i == 1 && outcome_index(A, name) >= 0) continue;
            m->name[m->n++] = name;
        }
    }
    for (size_t r = 0; r < m->n; r++)
        for (int i = 0; i < 2; i++) {
            m->at[i][r] = outcome_index(side[i], m->name[r]);
            m->fixed[i][r] = m->at[i][r] < 0 ? cfg_number(side[i]->cfg, m->name[r]) : NAN;
        }
    /* The model's own outcomes (all but the drawn parameters) are on both sides. */
    size_t own = na - (A->model->n_drawn != NULL ? A->model->n_drawn(A->params) : 0);
    for (size_t r = 0; r < own; r++)
        if (m->at[1][r] < 0)
            return tw_err_set(err, TW_EUSAGE, "compare: %s has no outcome %s, which %s has",
                              B->name, m->name[r], A->name);
    return TW_OK;
}

/* Row r's value in replicate i of a side's chunk (no outcomes a replicate). */
static double outmap_value(const outmap *m, int side, size_t r, const tw_chunk *c,
                           size_t i, size_t no) {
    long k = m->at[side][r];
    return k >= 0 ? c->outcomes[i * no + (size_t)k] : m->fixed[side][r];
}

static tw_status cmp_write(const char *path_cells, const char *path_outc,
                           const tw_cli_scenario *A, const outmap *om,
                           const tw_day *dates, size_t n_out, const compare_pair *cells,
                           const compare_pair *outc, tw_err *err) {
    size_t ns = A->model->n_series(A->params);
    tw_afile *f;
    tw_status st = tw_afile_open(path_cells, &f, err);
    if (st != TW_OK) return st;
    FILE *fp = tw_afile_fp(f);
    fputs("date,indicator,region,partner,sector," CMP_COLUMNS, fp);
    char date[TW_DATE_STRLEN];
    for (size_t t = 0; t < n_out; t++) {
        tw_date_format(dates[t], date);
        for (size_t s = 0; s < ns; s++) {
            tw_series_label l = A->model->series(A->params, s);
            fprintf(fp, "%s,%s,%s,%s,%s", date, l.indicator, l.region, l.partner, l.sector);
            pair_write(fp, &cells[t * ns + s]);
        }
    }
    if ((st = tw_afile_commit(f, err)) != TW_OK) return st;
    if ((st = tw_afile_open(path_outc, &f, err)) != TW_OK) return st;
    fp = tw_afile_fp(f);
    fputs("outcome," CMP_COLUMNS, fp);
    for (size_t k = 0; k < om->n; k++) {
        fprintf(fp, "%s", om->name[k]);
        pair_write(fp, &outc[k]);
    }
    return tw_afile_commit(f, err);
}

static void cmp_print(FILE *fp, const tw_cli_scenario *A, const tw_cli_scenario *B,
                      const outmap *om, const compare_pair *outc) {
    fprintf(fp, "\n%s (A) vs %s (B), %lld paired replicates, seed %lu\n", A->name, B->name,
            (long long)A->spec.replicates, (unsigned long)A->spec.seed);
    fprintf(fp, "%-34s  %-16s  %12s  %12s  %12s  %12s  %12s  %8s\n", "outcome", "unit", "mean A",
            "mean B", "B - A", "paired +-", "unpaired +-", "tighter");
    for (size_t k = 0; k < om->n; k++) {
        const compare_pair *p = &outc[k];
        double hp = tw_paired_halfwidth(&p->d), hu = tw_unpaired_halfwidth(&p->a, &p->b);
        /* No pair where either side had a value: nan, as compare_outcomes.csv says. */
        bool any = p->d.n > 0;
        const char *name = om->name[k];
        fprintf(fp, "%-34s  %-16s  %12.4g  %12.4g  %12.4g  %12.4g  %12.4g  ", name,
                tw_cli_outcome_unit(tw_cli_report_spec(A->model, A->params), name),
                any ? p->a.mean : NAN, any ? p->b.mean : NAN,
                any ? p->d.mean : NAN, hp, hu);
        if (hp > 0.0)
            fprintf(fp, "%7.1fx\n", hu / hp);
        else
            fprintf(fp, "%8s\n", hu > 0.0 ? "exact" : "-");
    }
}

/* The headline series by month: B - A of each month's total (flows) or mean (levels), with
 * the paired 95% half-width over replicates; every calendar month of the run, each output
 * day counted for the days it stands for (tw_cli_month). */
typedef struct {
    tw_cli_headline cols[TW_CLI_NHEADLINE];
    size_t n_cols; /* of the model's monthly table */
    size_t n_months;
    tw_cli_month *months;
    double *w;          /* per month and column: the column's scale over 1 (flows) or the days */
    compare_pair *pair; /* per month and column */
} timeline;

static void timeline_free(timeline *tl) {
    free(tl->months);
    free(tl->w);
}

/* The timeline's pairs of a run of n_out output days: its months times the model's
 * monthly columns (0 for a model without the headline series). */
static size_t timeline_pairs(const tw_cli_scenario *A, const tw_day *dates, size_t n_out) {
    tw_cli_headline cols[TW_CLI_NHEADLINE];
    size_t nc = tw_cli_headline_find(A->model, A->params, cols);
    if (nc == 0) return 0;
    for (size_t c = 0; c < nc; c++)
        if (cols[c].idx < 0) return 0;
    size_t n = 0;
    free(tw_cli_run_months(dates, n_out, &n));
    return n * nc;
}

/* false when out of memory; a model without the headline series gives no months. pair
 * holds n_months * n_cols pairs (timeline_pairs) and stays the caller's; month m's
 * column c is pair[m * n_cols + c]. */
static bool timeline_init(timeline *tl, const tw_cli_scenario *A, const tw_day *dates,
                          size_t n_out, compare_pair *pair) {
    memset(tl, 0, sizeof *tl);
    tl->n_cols = tw_cli_headline_find(A->model, A->params, tl->cols);
    tl->pair = pair;
    if (timeline_pairs(A, dates, n_out) == 0) return true;
    tl->months = tw_cli_run_months(dates, n_out, &tl->n_months);
    tl->w = calloc(tl->n_months * tl->n_cols + 1, sizeof *tl->w);
    if (tl->months == NULL || tl->w == NULL) return false;
    for (size_t m = 0; m < tl->n_months; m++) {
        double days = (double)(tl->months[m].hi - tl->months[m].lo + 1);
        for (size_t c = 0; c < tl->n_cols; c++)
            tl->w[m * tl->n_cols + c] =
                tl->cols[c].scale / (tl->cols[c].flow ? 1.0 : days);
    }
    return true;
}

/* Fold one pair of replicates' series (n_series per output day) into the months. */
static void timeline_add(timeline *tl, const tw_day *dates, size_t n_out,
                         const double *xa, const double *xb, size_t ns) {
    for (size_t m = 0; m < tl->n_months; m++)
        for (size_t c = 0; c < tl->n_cols; c++) {
            const tw_cli_month *mo = &tl->months[m];
            size_t s = (size_t)tl->cols[c].idx, k = m * tl->n_cols + c;
            double sa = 0.0, sb = 0.0;
            for (size_t t = mo->t0; t < mo->t1; t++) {
                double share = tw_cli_month_share(mo, dates, n_out, t);
                sa += share * xa[t * ns + s];
                sb += share * xb[t * ns + s];
            }
            pair_add(&tl->pair[k], tl->w[k] * sa, tl->w[k] * sb);
        }
}

static void timeline_print(FILE *fp, const timeline *tl) {
    if (tl->n_months == 0) return;
    fprintf(fp, "\nB - A by month, +- the paired 95%% half-width: each month's total (flows) or "
                "mean (levels)\n");
    tw_cli_headline_header(fp, tl->cols, tl->n_cols);
    for (size_t m = 0; m < tl->n_months; m++) {
        const tw_cli_month *mo = &tl->months[m];
        fprintf(fp, "%04d-%02d  %4d", mo->year, mo->month, (int)(mo->hi - mo->lo + 1));
        for (size_t c = 0; c < tl->n_cols; c++) {
            const compare_pair *p = &tl->pair[m * tl->n_cols + c];
            int pr = tl->cols[c].prec;
            fprintf(fp, "  %+11.*f +-%6.*f", pr, p->d.mean, pr, tw_paired_halfwidth(&p->d));
        }
        fputc('\n', fp);
    }
}

/* One side: the common --set overrides, then the side's own (--set-a or --set-b). */
static tw_status load_side(const tw_cli_args *a, bool side_a, tw_cli_scenario *sc,
                           tw_err *err) {
    tw_cli_args s = *a;
    int n = side_a ? a->n_sets_a : a->n_sets_b;
    const char *const *sets = side_a ? a->sets_a : a->sets_b;
    for (int i = 0; i < n; i++) s.sets[s.n_sets++] = sets[i]; /* room: tw_cli_parse */
    return tw_cli_load(&s, side_a ? a->scenario : a->scenario_b, sc, err);
}

/* Rank 0: the files of a finished comparison into the staging directory. */
static tw_status cmp_files(tw_cli_rundir *rd, const char *name, const tw_cli_scenario *A,
                           const tw_cli_scenario *B, const outmap *om,
                           const tw_cli_args *a, const tw_day *dates, size_t n_out,
                           const compare_pair *cells, const compare_pair *outc, tw_cli_result *r,
                           tw_err *err) {
    char pc[8192], po[8192];
    snprintf(pc, sizeof pc, "%s", tw_cli_rundir_path(rd, "compare.csv"));
    snprintf(po, sizeof po, "%s", tw_cli_rundir_path(rd, "compare_outcomes.csv"));
    tw_status st = cmp_write(pc, po, A, om, dates, n_out, cells, outc, err);
    r->result_hash = TW_FNV_OFFSET;
    if (st == TW_OK) st = tw_hash_file(pc, &r->result_hash, err);
    if (st == TW_OK) st = tw_hash_file(po, &r->result_hash, err);
    if (st == TW_OK)
        st = tw_cli_write_scenario(tw_cli_rundir_path(rd, "scenario_a.yaml"), A->cfg, err);
    if (st == TW_OK)
        st = tw_cli_write_scenario(tw_cli_rundir_path(rd, "scenario_b.yaml"), B->cfg, err);
    if (st == TW_OK)
        st = tw_cli_write_compare_provenance(tw_cli_rundir_path(rd, "provenance.yaml"), name, A,
                                             B, a, r, err);
    return st;
}

/* --- the checkpoint ---
 *
 * compare_checkpoint.bin in the staging directory (written whole through tw_afile, so it
 * is the old one or the new one after a crash): the magic "TWCMPCK\n"; uint64 fields:
 * the format version (1), replicates done, then the comparison's identity: replicates,
 * seed, the hashes of both resolved scenarios, cells, outcome rows and timeline cells;
 * then for each pair (cells, outcome rows, timeline cells, in that order) its three
 * moments as (uint64 n, double mean, double m2); last a uint64 CRC-32C of every byte
 * before it. Native byte order: the machine that wrote it resumes it. A resume believes
 * it only when its size, magic, version, CRC and identity all hold, and refuses
 * otherwise, changing nothing. */
#define CMP_CKPT "compare_checkpoint.bin"
#define CMP_MAGIC "TWCMPCK\n"
enum { CMP_NID = 7, CMP_HEAD = 8 + 8 * (2 + CMP_NID), CMP_PAIR = 72 };

static tw_status ckpt_write(const char *path, const uint64_t id[CMP_NID], uint64_t done,
                            const compare_pair *pairs, size_t n, tw_err *err) {
    size_t len = CMP_HEAD + n * CMP_PAIR + 8, at = 0;
    unsigned char *buf = malloc(len);
    if (buf == NULL) return tw_err_set(err, TW_ENOMEM, "out of memory for the checkpoint");
    uint64_t head[2 + CMP_NID] = {1, done};
    memcpy(head + 2, id, CMP_NID * sizeof *id);
    memcpy(buf, CMP_MAGIC, 8);
    memcpy(buf + 8, head, sizeof head);
    at = CMP_HEAD;
    for (size_t i = 0; i < n; i++) {
        const tw_moments *m[3] = {&pairs[i].a, &pairs[i].b, &pairs[i].d};
        for (int j = 0; j < 3; j++, at += 24) {
            memcpy(buf + at, &m[j]->n, 8);
            memcpy(buf + at + 8, &m[j]->mean, 8);
            memcpy(buf + at + 16, &m[j]->m2, 8);
        }
    }
    uint64_t crc = tw_crc32c(0, buf, at);
    memcpy(buf + at, &crc, 8);
    tw_afile *f;
    tw_status st = tw_afile_open(path, &f, err);
    if (st == TW_OK && fwrite(buf, 1, len, tw_afile_fp(f)) != len) {
        tw_afile_abort(f);
        st = tw_err_set(err, TW_EIO, "%s: write failed: %s", path, strerror(errno));
    } else if (st == TW_OK) {
        st = tw_afile_commit(f, err);
    }
    free(buf);
    return st;
}

/* Read path into pairs[0..n) and *done; *found false (TW_OK) where there is no file. */
static tw_status ckpt_read(const char *path, const uint64_t id[CMP_NID], compare_pair *pairs,
                           size_t n, uint64_t *done, bool *found, tw_err *err) {
    *found = false;
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return errno == ENOENT ? TW_OK : tw_err_set(err, TW_EIO, "%s: cannot read: %s", path,
                                                    strerror(errno));
    size_t want = CMP_HEAD + n * CMP_PAIR + 8, len = 0;
    char *buf = NULL;
    tw_read_status rs = tw_read_all(fp, want, &buf, &len);
    fclose(fp);
    const char *why = NULL;
    uint64_t head[2 + CMP_NID], crc = 0;
    if (rs == TW_READ_NOMEM) return tw_err_set(err, TW_ENOMEM, "out of memory");
    if (rs == TW_READ_ERROR) return tw_err_set(err, TW_EIO, "%s: cannot read", path);
    if (rs == TW_READ_TOO_LARGE || len != want || memcmp(buf, CMP_MAGIC, 8) != 0) {
        why = "not a checkpoint of this comparison (wrong size or magic)";
    } else {
        memcpy(head, buf + 8, sizeof head);
        memcpy(&crc, buf + want - 8, 8);
        if (crc != tw_crc32c(0, buf, want - 8))
            why = "its checksum does not match (the file is damaged)";
        else if (head[0] != 1)
            why = "an unknown format version";
        else if (memcmp(head + 2, id, CMP_NID * sizeof *id) != 0)
            why = "it belongs to another comparison (scenarios, seed or replicates differ)";
        else if (head[1] > id[0])
            why = "it counts more replicates than the comparison has";
    }
    if (why != NULL) {
        free(buf);
        return tw_err_set(err, TW_EUSAGE, "%s: refusing to resume: %s; start over with --force",
                          path, why);
    }
    size_t at = CMP_HEAD;
    for (size_t i = 0; i < n; i++) {
        tw_moments *m[3] = {&pairs[i].a, &pairs[i].b, &pairs[i].d};
        for (int j = 0; j < 3; j++, at += 24) {
            memcpy(&m[j]->n, buf + at, 8);
            memcpy(&m[j]->mean, buf + at + 8, 8);
            memcpy(&m[j]->m2, buf + at + 16, 8);
        }
    }
    free(buf);
    *done = head[1];
    *found = true;
    return TW_OK;
}

/* Where an interrupted comparison stands (rank 0, on a resume): *done from its checkpoint,
 * or *complete when its files are written and the checkpoint gone (only the commit left). */
static tw_status cmp_reopen(tw_cli_rundir *rd, const uint64_t id[CMP_NID],
                            compare_pair *pairs, size_t n, uint64_t *done, int *complete,
                            tw_err *err) {
    bool found;
    tw_status st = ckpt_read(tw_cli_rundir_path(rd, CMP_CKPT), id, pairs, n, done,
                             &found, err);
    struct stat sb;
    *complete = st == TW_OK && !found &&
                stat(tw_cli_rundir_path(rd, "provenance.yaml"), &sb) == 0 &&
                stat(tw_cli_rundir_path(rd, "compare_outcomes.csv"), &sb) == 0;
    if (st == TW_OK && !found) *done = 0;
    return st;
}

tw_status tw_cli_compare(const tw_cli_args *a, int argc, char **argv, tw_err *err) {
    tw_cli_scenario A, B;
    bool rank0 = tw_mpi_rank() == 0, resume = a->resume != NULL;
    tw_status st = load_side(a, true, &A, err);
    if (st != TW_OK) return st;
    if ((st = load_side(a, false, &B, err)) != TW_OK) {
        tw_cli_scenario_free(&A);
        return st;
    }
    /* Common random numbers: B runs with A's seed and replicate count. */
    B.spec.seed = A.spec.seed;
    B.spec.replicates = A.spec.replicates;
    outmap om;
    memset(&om, 0, sizeof om);
    st = compatible(&A, &B, err);
    if (st == TW_OK) st = outmap_init(&om, &A, &B, err);
    char name[sizeof A.name + sizeof B.name + 16];
    snprintf(name, sizeof name, "compare-%s-vs-%s", A.name, B.name);
    tw_cli_rundir *rd = NULL;
    st = tw_mpi_agree(st, err);
    if (st == TW_OK) st = tw_cli_rundir_open(a, name, &rd, err);
    if (st == TW_OK) st = tw_cli_rundir_record(rd, resume ? 0 : argc, argv, NULL, err);
    char dir[4096] = ""; /* for the message after rd is gone */
    if (rd != NULL) snprintf(dir, sizeof dir, "%s", tw_cli_rundir_dir(rd));
    size_t n_rep = (size_t)A.spec.replicates, n_out = tw_run_output_days(&A.spec);
    size_t ns = A.model->n_series(A.params), no_a = A.model->n_outcomes(A.params);
    size_t no_b = B.model->n_outcomes(B.params), row = n_out * ns;
    int threads = tw_cli_threads(a), size = tw_mpi_size();
    tw_par_mode mode = tw_run_resolve_mode(a->par, threads, n_rep);
    size_t chunk = (mode == TW_PAR_REPLICATES ? (size_t)threads : 1) * CMP_PER_THREAD * (size_t)size;
    compare_pair *pairs = NULL, *cells = NULL, *outc = NULL;
    size_t n_pairs = 0;
    tw_day *dates = NULL;
    timeline tl;
    memset(&tl, 0, sizeof tl);
    uint64_t id[CMP_NID] = {n_rep, A.spec.seed, tw_cfg_hash(A.cfg), tw_cfg_hash(B.cfg), row,
                            om.n, 0};
    uint64_t done = 0;
    int complete = 0;
    if (st == TW_OK && rank0) {
        dates = calloc(n_out + 1, sizeof *dates);
        size_t last = (size_t)(A.spec.end - A.spec.start);
        if (dates != NULL) {
            for (size_t k = 0, d = 0; d <= last; d++)
                if (d % (size_t)A.spec.interval_days == 0 || d == last)
                    dates[k++] = A.spec.start + (tw_day)d;
            id[6] = timeline_pairs(&A, dates, n_out);
            n_pairs = row + om.n + (size_t)id[6];
            pairs = calloc(n_pairs + 1, sizeof *pairs);
        }
        if (pairs != NULL) {
            cells = pairs;
            outc = pairs + row;
        }
        if (pairs == NULL || !timeline_init(&tl, &A, dates, n_out, pairs + row + om.n))
            st = tw_err_set(err, TW_ENOMEM, "out of memory for %zu paired cells", row);
        if (st == TW_OK && resume)
            st = cmp_reopen(rd, id, pairs, n_pairs, &done, &complete, err);
    }
    st = tw_mpi_agree(st, err);
    int64_t at[2] = {(int64_t)done, complete};
    if (st == TW_OK) st = tw_mpi_agree(tw_mpi_bcast(at, sizeof at, err), err);
    done = (uint64_t)at[0];
    complete = (int)at[1];
    if (st == TW_OK && rank0 && !a->quiet) {
        char d0[TW_DATE_STRLEN], d1[TW_DATE_STRLEN];
        fprintf(stderr, "tradewar: compare %s (A) with %s (B), %s to %s, %zu paired replicates, "
                        "seed %lu, %d threads x %d ranks%s\n", A.name, B.name,
                tw_date_format(A.spec.start, d0), tw_date_format(A.spec.end, d1), n_rep,
                (unsigned long)A.spec.seed, threads, size,
                resume ? (complete ? " (resumed: complete)" : " (resumed)") : "");
    }
    tw_chunk ca = {0}, cb = {0};
    int64_t every = a->has_checkpoint ? a->checkpoint_every : 10;
    double last_ckpt = tw_cli_now();
    bool stopped = false, wrote = false;
    for (size_t r0 = (size_t)done; st == TW_OK && !complete && r0 < n_rep; r0 += chunk) {
        size_t cn = n_rep - r0 < chunk ? n_rep - r0 : chunk;
        st = tw_chunk_run_spread(A.model, A.params, &A.spec, threads, mode, size, r0, cn, &ca, err);
        if (st == TW_OK)
            st = tw_chunk_run_spread(B.model, B.params, &B.spec, threads, mode, size, r0, cn, &cb,
                                     err);
        if (st == TW_OK && rank0) {
            for (size_t i = 0; i < cn; i++) {
                for (size_t c = 0; c < row; c++)
                    pair_add(&cells[c], ca.series[i * row + c], cb.series[i * row + c]);
                for (size_t k = 0; k < om.n; k++)
                    pair_add(&outc[k], outmap_value(&om, 0, k, &ca, i, no_a),
                             outmap_value(&om, 1, k, &cb, i, no_b));
                timeline_add(&tl, dates, n_out, ca.series + i * row, cb.series + i * row, ns);
            }
        }
        st = tw_mpi_agree(st, err);
        if (st == TW_OK) st = tw_mpi_agree(tw_cli_stop_agreed(&stopped, err), err);
        double now = tw_cli_now();
        int ckpt = stopped || (every >= 0 && now - last_ckpt >= (double)every);
        if (st == TW_OK) st = tw_mpi_agree(tw_mpi_bcast(&ckpt, sizeof ckpt, err), err);
        if (st == TW_OK && ckpt && r0 + cn < n_rep) {
            if (rank0)
                st = ckpt_write(tw_cli_rundir_path(rd, CMP_CKPT), id, r0 + cn, pairs,
                                n_pairs, err);
            st = tw_mpi_agree(st, err);
            wrote = wrote || st == TW_OK;
            last_ckpt = now;
        }
        if (st == TW_OK && stopped && r0 + cn < n_rep)
            st = tw_err_set(err, TW_ERUNTIME, "compare stopped by a signal after %zu of %zu "
                                              "replicates", r0 + cn, n_rep);
    }
    tw_chunk_clear(&ca);
    tw_chunk_clear(&cb);
    tw_cli_result res = {n_rep, threads, mode, 0};
    /* Once every replicate is folded the comparison is work to keep whatever follows (a
     * DIR that appeared meanwhile, a failed commit); before, a checkpoint, a stop or a
     * resume is. */
    bool keep = stopped || resume || wrote || st == TW_OK;
    if (st == TW_OK && rank0 && !complete) {
        st = cmp_files(rd, name, &A, &B, &om, a, dates, n_out, cells, outc, &res, err);
        if (st == TW_OK && unlink(tw_cli_rundir_path(rd, CMP_CKPT)) != 0 && errno != ENOENT)
            st = tw_err_set(err, TW_EIO, "%s: cannot remove: %s", tw_cli_rundir_path(rd, CMP_CKPT),
                            strerror(errno));
        if (st == TW_OK) st = tw_sync_dir(tw_cli_rundir_staging(rd), err);
    } else if (st == TW_OK && rank0) {
        res.result_hash = TW_FNV_OFFSET;
        st = tw_hash_file(tw_cli_rundir_path(rd, "compare.csv"), &res.result_hash, err);
        if (st == TW_OK)
            st = tw_hash_file(tw_cli_rundir_path(rd, "compare_outcomes.csv"), &res.result_hash, err);
    }
    if (st == TW_EUSAGE) { /* a refused resume: its message says what to do */
        tw_cli_rundir_close(rd, keep);
        rd = NULL;
    }
    st = tw_cli_rundir_finish(rd, st, keep, err);
    if (st == TW_OK && rank0 && !a->silent) {
        if (complete) {
            printf("the comparison was complete; moved into place\n");
        } else {
            cmp_print(stdout, &A, &B, &om, outc);
            timeline_print(stdout, &tl);
        }
        printf("\nresult hash %016llx\nwritten: %s/{compare.csv,compare_outcomes.csv,"
               "scenario_a.yaml,scenario_b.yaml,provenance.yaml}\n",
               (unsigned long long)res.result_hash, dir);
    }
    free(pairs);
    free(dates);
    timeline_free(&tl);
    outmap_free(&om);
    tw_cli_scenario_free(&A);
    tw_cli_scenario_free(&B);
    if (st == TW_OK && a->report && rank0) st = tw_cli_report_dir(dir, a->silent, err);
    return tw_mpi_agree(st, err);
}
