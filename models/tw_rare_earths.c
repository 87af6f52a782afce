/* tw_rare_earths.c - dependent firms, licences and Leontief production under export
 * controls on rare-earth magnets (the mechanism is described in tw_rare_earths.h).
 *
 * Shape. The regime toward each destination is resolved once a day from the replicate's
 * own control book (government decisions append to it during a run), turned into a few
 * numbers per destination (approval probability, licence validity, non-exporter share),
 * and then every dependent firm is stepped in fixed blocks. A firm's state is five 4-byte
 * fields (cover, stock, quantity on order, arrival day, licence expiry): 20 bytes. Each
 * block writes its partial sums, including a histogram of stocks from which the 10th
 * percentile is read, and the partial sums are combined in block order, so the results
 * do not depend on the thread count. The only random numbers are a firm's cover and
 * starting stock (day 0) and one approval draw per pending firm per working day, both
 * from the firm's own Philox counter.
 *
 * Stocks are kept in days of the firm's full-output use rather than in tonnes, so that the
 * inventory rule reads as the firms' own planning does; a cell's tonnes per firm-day
 * (use_t / per_cell) converts them for the shipment series.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tw_csvread.h"
#include "tw_trade_internal.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* 2024 calibration defaults (data/raw/rare_earths.csv): China's magnet exports, Jan-Nov
 * 52,500 t scaled to twelve months, and about 600 t a month to the US. */
#define TW_RE_EXPORTS_TOTAL_T (52500.0 * 12.0 / 11.0)
#define TW_RE_EXPORTS_US_T (600.0 * 12.0)

/* ------------------------------------------------------------------------------------ */
/* parameters                                                                            */
/* ------------------------------------------------------------------------------------ */

static tw_status tw__sector_table(const char *dir, tw_re_params *re, tw_err *err) {
    char path[4200];
    snprintf(path, sizeof path, "%s/rare_earth_sectors.csv", dir);
    tw_csv *t;
    tw_status st = tw_csv_read(path, &t, err);
    if (st != TW_OK) return st;
    static const char *const cols[] = {"sector", "intensity", "dependent_output_share"};
    int idx[3];
    bool seen[TW_NSEC] = {false};
    for (int c = 0; c < 3 && st == TW_OK; c++)
        if ((idx[c] = tw_csv_col(t, cols[c])) < 0)
            st = tw_err_set(err, TW_EDATA, "%s:1: missing column '%s'", path, cols[c]);
    for (size_t r = 0; r < tw_csv_rows(t) && st == TW_OK; r++) {
        const char *name = tw_csv_field(t, r, (size_t)idx[0]);
        int s = tw_name_index(tw_sector_names, name);
        if (s < 0 || seen[s]) {
            st = tw_err_set(err, TW_EDATA, "%s:%d: expected each of the eight sectors once (got '%s')",
                            path, tw_csv_line(t, r), name);
            break;
        }
        seen[s] = true;
        double v[2];
        for (int c = 0; c < 2 && st == TW_OK; c++) {
            const char *f = tw_csv_field(t, r, (size_t)idx[c + 1]);
            char *end;
            v[c] = strtod(f, &end);
            if (f[0] == '\0' || *end != '\0' || !isfinite(v[c]) || v[c] < 0.0 ||
                (c == 1 && v[c] > 1.0))
                st = tw_err_set(err, TW_EDATA, "%s:%d: %s: expected a number %s (got '%s')", path,
                                tw_csv_line(t, r), cols[c + 1],
                                c == 0 ? "of at least 0" : "between 0 and 1", f);
        }
        if (st != TW_OK) break;
        re->intensity[s] = v[0];
        re->dep_share[s] = v[1];
    }
    for (int s = 0; s < TW_NSEC && st == TW_OK; s++)
        if (!seen[s])
            st = tw_err_set(err, TW_EDATA, "%s: no row for sector '%s'", path, tw_sector_names[s]);
    tw_csv_free(t);
    return st;
}

/* The exporter's 2024 exports by destination: the scenario's figures where given, the
 * default total and US figure otherwise, and the rest split over the other destinations
 * in proportion to the exporter's 2024 exports of magnet-using sectors to them. */
static tw_status tw__exports(const tw_cfg_node *sec, tw_trade_params *p, tw_err *err) {
    tw_re_params *re = &p->re;
    const tw_cfg_node *ex = tw_cfg_get(sec, "exports_t_per_year");
    if (ex != NULL && tw_cfg_kind_of(ex) != TW_CFG_MAP)
        return tw_cfg_error(err, ex, "expected a map of tonnes per year by destination and total");
    tw_status st;
    double total;
    if ((st = tw_cfg_double(ex, "total", false, TW_RE_EXPORTS_TOTAL_T, 0.0, 1e9, &total, err)) !=
        TW_OK)
        return st;
    bool given[TW_NREG] = {false};
    double fixed = 0.0;
    for (int r = 0; r < TW_NREG; r++) {
        re->exports_t[r] = 0.0;
        if (r == re->exporter) {
            if (ex != NULL && tw_cfg_get(ex, tw_region_names[r]) != NULL)
                return tw_cfg_error(err, tw_cfg_get(ex, tw_region_names[r]),
                                    "expected a destination other than the exporter %s",
                                    tw_region_names[r]);
            continue;
        }
        double def = (r == TW_US && re->exporter == TW_CN) ? TW_RE_EXPORTS_US_T : -1.0;
        if (ex != NULL && tw_cfg_get(ex, tw_region_names[r]) != NULL) def = 0.0;
        if (def < 0.0) continue;
        if ((st = tw_cfg_double(ex, tw_region_names[r], false, def, 0.0, 1e9, &re->exports_t[r],
                                err)) != TW_OK)
            return st;
        given[r] = true;
        fixed += re->exports_t[r];
    }
    if (fixed > total)
        return tw_cfg_error(err, ex != NULL ? ex : sec,
                            "expected destination figures adding to at most the total %g t "
                            "(got %g t)", total, fixed);
    double w[TW_NREG] = {0}, wsum = 0.0;
    for (int r = 0; r < TW_NREG; r++) {
        if (r == re->exporter || given[r]) continue;
        for (int s = 0; s < TW_NSEC; s++)
            if (re->intensity[s] > 0.0) w[r] += p->world.flow[re->exporter][r][s];
        wsum += w[r];
    }
    for (int r = 0; r < TW_NREG; r++)
        if (w[r] > 0.0) re->exports_t[r] = (total - fixed) * w[r] / wsum;
    return TW_OK;
}

tw_status tw_re_params_load(const tw_cfg_node *root, tw_trade_params *p, tw_err *err) {
    tw_re_params *re = &p->re;
    memset(re, 0, sizeof *re);
    const tw_cfg_node *sec = tw_cfg_get(root, "rare_earths");
    if (sec != NULL && tw_cfg_kind_of(sec) != TW_CFG_MAP)
        return tw_cfg_error(err, sec, "expected a map");
    tw_status st;
    int64_t v;
    if ((st = tw_cfg_enum(sec, "exporter", false, TW_CN, tw_region_names, &re->exporter, err)) !=
        TW_OK)
        return st;
    if ((st = tw_cfg_int(sec, "per_cell", false, 2000, 1, 10000000, &re->per_cell, err)) != TW_OK)
        return st;
    if ((st = tw_cfg_double(sec, "cover_median_days", false, 42.0, 1.0, TW_RE_COVER_MAX,
                            &re->cover_median, err)) != TW_OK)
        return st;
    if ((st = tw_cfg_double(sec, "cover_log_sd", false, 0.5, 0.0, 3.0, &re->cover_log_sd, err)) !=
        TW_OK)
        return st;
    if ((st = tw_cfg_double(sec, "cover_median_replicate_log_sd", false, 0.25, 0.0, 2.0,
                            &re->cover_rep_sd, err)) != TW_OK)
        return st;
    if ((st = tw_cfg_double(sec, "cover_min_days", false, 21.0, 1.0, TW_RE_COVER_MAX,
                            &re->cover_min, err)) != TW_OK)
        return st;
    if ((st = tw_cfg_double(sec, "cover_max_days", false, 120.0, 1.0, TW_RE_COVER_MAX,
                            &re->cover_max, err)) != TW_OK)
        return st;
    if ((st = tw_cfg_double(sec, "reorder_share", false, 0.5, 0.0, 1.0, &re->reorder_share,
                            err)) != TW_OK)
        return st;
    if ((st = tw_cfg_double(sec, "review_working_days", false, 45.0, 1.0, 1000.0,
                            &re->review_days, err)) != TW_OK)
        return st;
    if ((st = tw_cfg_double(sec, "review_share", false, 0.95, 0.01, 0.9999, &re->review_share,
                            err)) != TW_OK)
        return st;
    re->hazard = 1.0 - pow(1.0 - re->review_share, 1.0 / re->review_days);
    if ((st = tw_cfg_bool(sec, "anticipate_licence_delay", false, true, &re->anticipate, err)) !=
        TW_OK)
        return st;
    if ((st = tw_cfg_int(sec, "ship_lag_days", false, 14, 1, 180, &v, err)) != TW_OK) return st;
    re->ship_lag = (int)v;
    if ((st = tw_cfg_double(sec, "non_china_share", false, 0.06, 0.0, 0.99, &re->ns0, err)) !=
        TW_OK)
        return st;
    if ((st = tw_cfg_double(sec, "non_china_max_share", false, re->ns0 > 0.12 ? re->ns0 : 0.12,
                            0.0, 0.99, &re->ns_max, err)) != TW_OK)
        return st;
    if ((st = tw_cfg_int(sec, "ramp_days", false, 365, 1, 3660, &v, err)) != TW_OK) return st;
    re->ramp_days = (int)v;
    if ((st = tw_cfg_double(sec, "value_added_ratio", false, 0.3, 0.0, 1.0, &re->va_ratio, err)) !=
        TW_OK)
        return st;
    if ((st = tw_cfg_double(sec, "loss_threshold_pct", false, 1.0, 0.0, 100.0,
                            &re->threshold_pct, err)) != TW_OK)
        return st;
    /* Cross-checks, each reported at the key that breaks it. */
    if (re->cover_max < re->cover_min)
        return tw_cfg_error(err, tw_cfg_get(sec, "cover_max_days"),
                            "expected at least cover_min_days %g (got %g)", re->cover_min,
                            re->cover_max);
    if (re->cover_median < re->cover_min || re->cover_median > re->cover_max)
        return tw_cfg_error(err, tw_cfg_get(sec, "cover_median_days"),
                            "expected a value between cover_min_days %g and cover_max_days %g "
                            "(got %g)", re->cover_min, re->cover_max, re->cover_median);
    if (re->cover_min <= (double)re->ship_lag)
        return tw_cfg_error(err, tw_cfg_get(sec, "cover_min_days"),
                            "expected more than ship_lag_days %d, or firms could never "
                            "reorder in time (got %g)", re->ship_lag, re->cover_min);
    if (re->ns_max < re->ns0)
        return tw_cfg_error(err, tw_cfg_get(sec, "non_china_max_share"),
                            "expected at least non_china_share %g (got %g)", re->ns0, re->ns_max);
    if ((st = tw__sector_table(p->data_dir, re, err)) != TW_OK) return st;
    if ((st = tw__exports(sec, p, err)) != TW_OK) return st;
    /* Gross output by cell and each dependent cell's magnet use in tonnes a day. */
    for (int r = 0; r < TW_NREG; r++) {
        double wsum = 0.0, w[TW_NSEC];
        for (int s = 0; s < TW_NSEC; s++) {
            double go = 0.0;
            for (int i = 0; i < TW_NREG; i++) go += p->world.flow[r][i][s];
            re->gross_output[r * TW_NSEC + s] = go;
            w[s] = re->intensity[s] * go;
            wsum += w[s];
        }
        if (r == re->exporter || re->exports_t[r] <= 0.0 || wsum <= 0.0) continue;
        double use = re->exports_t[r] / 365.0 / (1.0 - re->ns0);
        for (int s = 0; s < TW_NSEC; s++) {
            if (w[s] <= 0.0) continue;
            int c = r * TW_NSEC + s;
            re->dependent[c] = true;
            re->cell[re->ncell++] = c;
            re->use_t[c] = use * w[s] / wsum;
        }
    }
    return TW_OK;
}

/* ------------------------------------------------------------------------------------ */
/* state                                                                                 */
/* ------------------------------------------------------------------------------------ */

tw_status tw_re_create(tw_re_state *st, const tw_re_params *re, tw_err *err) {
    st->nblk = tw_block_count((size_t)re->per_cell);
    st->n = (size_t)re->ncell * (size_t)re->per_cell;
    size_t n = st->n > 0 ? st->n : 1;
    st->cover = malloc(n * sizeof *st->cover);
    st->stock = malloc(n * sizeof *st->stock);
    st->order = calloc(n, sizeof *st->order);
    st->arrive = calloc(n, sizeof *st->arrive);
    st->licence_until = calloc(n, sizeof *st->licence_until);
    size_t items = (size_t)re->ncell * st->nblk;
    st->partials = malloc((items > 0 ? items : 1) * TW_RE_NPART * sizeof *st->partials);
    if (st->cover == NULL || st->stock == NULL || st->order == NULL || st->arrive == NULL ||
        st->licence_until == NULL || st->partials == NULL) {
        tw_re_free(st);
        return tw_err_set(err, TW_ENOMEM, "out of memory for %zu rare-earth firms", st->n);
    }
    for (int r = 0; r < TW_NREG; r++) st->ramp_start[r] = -1;
    return TW_OK;
}

void tw_re_free(tw_re_state *st) {
    free(st->cover);
    free(st->stock);
    free(st->order);
    free(st->arrive);
    free(st->licence_until);
    free(st->partials);
    st->cover = st->stock = st->order = NULL;
    st->arrive = st->licence_until = NULL;
    st->partials = NULL;
}

typedef struct {
    tw_trade_state *s;
    uint32_t day;
} tw__re_ctx;

/* Work item -> dependent cell j and the firm range [lo, hi) of its block. */
typedef struct {
    int j, c;       /* dependent cell index and cell index */
    size_t lo, hi;  /* firm indices within the cell */
    size_t base;    /* first array index of the cell */
    uint64_t agent; /* first agent id of the cell */
} tw__re_range;

static tw__re_range tw__re_item(const tw_trade_state *s, size_t item) {
    const tw_re_params *re = &s->p->re;
    size_t n = (size_t)re->per_cell, b = item % s->re.nblk;
    tw__re_range r;
    r.j = (int)(item / s->re.nblk);
    r.c = re->cell[r.j];
    r.lo = b * TW_BLOCK;
    r.hi = r.lo + TW_BLOCK < n ? r.lo + TW_BLOCK : n;
    r.base = (size_t)r.j * n;
    r.agent = (uint64_t)r.c * (uint64_t)n;
    return r;
}

/* Reorder point of a firm with cover S: between the shipping lag and the cover. */
static inline float tw__reorder_point(const tw_re_params *re, float cover) {
    float lag = (float)re->ship_lag;
    return lag + (float)re->reorder_share * (cover - lag);
}

/* Box-Muller standard normal from the first three words of a counter (a 52-bit and a
 * 20-bit uniform). */
static double tw__normal(const uint32_t w[4]) {
    double u1 = tw_u01d(w[0], w[1]), u2 = tw_u01d(w[2], 0);
    return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

/* Cover: lognormal (tw__normal), clamped to [min, max]; starting
 * stock uniform between the reorder point and the cover, so that reorders are spread
 * over the cycle from the first day instead of arriving all at once. */
static void tw__re_init_block(void *vctx, size_t item) {
    tw__re_ctx *ctx = vctx;
    tw_trade_state *s = ctx->s;
    const tw_re_params *re = &s->p->re;
    tw__re_range rg = tw__re_item(s, item);
    for (size_t k = rg.lo; k < rg.hi; k++) {
        uint32_t w[4];
        tw_rng_words(s->key, 0, rg.agent + k, TW_PURPOSE_RE_INIT, 0, w);
        double z = tw__normal(w);
        double cover = s->re.cover_median * exp(re->cover_log_sd * z);
        if (cover < re->cover_min) cover = re->cover_min;
        if (cover > re->cover_max) cover = re->cover_max;
        float S = (float)cover, R = tw__reorder_point(re, S);
        size_t i = rg.base + k;
        s->re.cover[i] = S;
        s->re.stock[i] = R + tw_u01f(w[3]) * (S - R);
        s->re.order[i] = 0.0f;
        s->re.arrive[i] = 0;
        s->re.licence_until[i] = 0;
    }
}

/* The agent id of the replicate-wide draw: above every firm's id. */
#define TW_RE_REPLICATE_AGENT UINT64_MAX

void tw_re_init(tw_trade_state *s) {
    const tw_re_params *re = &s->p->re;
    /* How long firms stock for is the least known number of the mechanism (anecdotes
     * range from weeks to three months), so each replicate draws its own median. */
    uint32_t w[4];
    tw_rng_words(s->key, 0, TW_RE_REPLICATE_AGENT, TW_PURPOSE_RE_INIT, 0, w);
    s->re.cover_median = re->cover_median * exp(re->cover_rep_sd * tw__normal(w));
    tw__re_ctx ctx = {s, 0};
    tw_exec_for(&s->ex, (size_t)s->p->re.ncell * s->re.nblk, tw__re_init_block, &ctx);
}

/* ------------------------------------------------------------------------------------ */
/* one day                                                                               */
/* ------------------------------------------------------------------------------------ */

static void tw__re_step_block(void *vctx, size_t item) {
    tw__re_ctx *ctx = vctx;
    tw_trade_state *s = ctx->s;
    const tw_re_params *re = &s->p->re;
    tw_re_state *st = &s->re;
    tw__re_range rg = tw__re_item(s, item);
    const tw_re_dest_day dd = st->dd[rg.c / TW_NSEC];
    const int32_t d = (int32_t)ctx->day, lag = re->ship_lag;
    const bool open = dd.regime == TW_CTRL_OPEN, halt = dd.regime == TW_CTRL_HALT;
    const float need = 1.0f - dd.ns;
    float *cover = st->cover + rg.base, *stock = st->stock + rg.base, *order = st->order + rg.base;
    int32_t *arrive = st->arrive + rg.base, *lic = st->licence_until + rg.base;
    double *out = st->partials + item * TW_RE_NPART;
    memset(out, 0, TW_RE_NPART * sizeof *out);
    double shipped = 0.0, received = 0.0, transit = 0.0, apps = 0.0, approvals = 0.0;
    double held = 0.0, halted = 0.0, output = 0.0;
    double *hist = out + TW_RE_PART_HIST;
    for (size_t k = rg.lo; k < rg.hi; k++) {
        float x = stock[k], q = order[k];
        int32_t a = arrive[k];
        /* 1. arrivals */
        if (q > 0.0f && a >= 0 && a <= d) {
            x += q;
            received += q;
            q = 0.0f;
        }
        /* 2. an application filed on an earlier day: open trade needs no licence, a valid
         * licence covers the shipment, otherwise one approval draw per working day */
        if (q > 0.0f && a < 0) {
            bool ship = open || (!halt && lic[k] > d);
            if (!ship && dd.hazard > 0.0f) {
                uint32_t w[4];
                tw_rng_words(s->key, ctx->day, rg.agent + k, TW_PURPOSE_RE_DAY, 0, w);
                if (tw_u01f(w[0]) < dd.hazard) {
                    ship = true;
                    approvals += 1.0;
                    if (dd.validity > 0) lic[k] = d + dd.validity;
                }
            }
            if (ship) {
                /* the licence covers what the firm needs now, not when it applied */
                q = fmaxf(q, cover[k] - x + (float)lag * need);
                a = d + lag;
                shipped += q;
            }
        } else if (q == 0.0f &&
                   x <= tw__reorder_point(re, cover[k]) +
                            ((open || halt || lic[k] > d) ? 0.0f : dd.lead)) {
            /* 3. a new order, sized so that a prompt shipment restores the cover on
             * arrival (one order outstanding at a time): shipped at once where no licence
             * is needed or the firm holds one, otherwise an application (first draw on
             * the next day) */
            q = cover[k] - x + (float)lag * need;
            if (q <= 0.0f) {
                q = 0.0f; /* stock above what a prompt order would top up: nothing to order */
            } else {
                if (open || (!halt && lic[k] > d)) {
                    a = d + lag;
                    shipped += q;
                } else {
                    a = -1;
                    apps += 1.0;
                }
            }
        }
        /* 4. Leontief production: the exporter's part of today's need from stock */
        float y;
        if (x >= need) {
            x -= need;
            y = 1.0f;
        } else {
            y = dd.ns + x;
            x = 0.0f;
            halted += 1.0;
        }
        if (q > 0.0f && a >= 0) transit += q;
        stock[k] = x;
        order[k] = q;
        arrive[k] = a;
        held += x;
        output += y;
        int b = x <= 0.0f ? 0 : (int)ceilf(x / (float)TW_RE_BIN_DAYS);
        if (b >= TW_RE_NBIN) b = TW_RE_NBIN - 1;
        hist[b] += 1.0;
    }
    out[TW_RE_PART_SHIPPED] = shipped;
    out[TW_RE_PART_RECEIVED] = received;
    out[TW_RE_PART_TRANSIT] = transit;
    out[TW_RE_PART_APPS] = apps;
    out[TW_RE_PART_APPROVALS] = approvals;
    out[TW_RE_PART_STOCK] = held;
    out[TW_RE_PART_HALTED] = halted;
    out[TW_RE_PART_OUTPUT] = output;
}

/* The p-quantile of stocks from a histogram of n firms (linear within a bin). */
static double tw__hist_quantile(const double *h, double n, double prob) {
    double target = prob * n, cum = h[0];
    if (cum >= target) return 0.0;
    for (int b = 1; b < TW_RE_NBIN; b++) {
        if (cum + h[b] >= target) return ((b - 1) + (target - cum) / h[b]) * TW_RE_BIN_DAYS;
        cum += h[b];
    }
    return (TW_RE_NBIN - 1) * TW_RE_BIN_DAYS;
}

static void tw__re_prepare(tw_trade_state *s, uint32_t d) {
    const tw_trade_params *p = s->p;
    const tw_re_params *re = &p->re;
    tw_day day = p->start + (tw_day)d;
    bool working = tw_is_working_day(day);
    for (int r = 0; r < TW_NREG; r++) {
        tw_re_dest_day *dd = &s->re.dd[r];
        const tw_control *e =
            r == re->exporter ? NULL
                              : tw_controls_at(&s->controls, day, re->exporter, r, TW_CTRL_GOOD_RE);
        dd->regime = e != NULL ? (int)e->regime : TW_CTRL_OPEN;
        dd->validity = e != NULL ? e->validity_days : 0;
        double h = 0.0;
        if (dd->regime == TW_CTRL_LICENSING) h = re->hazard;
        if (dd->regime == TW_CTRL_SLOW_ROLL) h = e->slow_roll_factor * re->hazard;
        dd->hazard = working ? (float)h : 0.0f;
        if (dd->regime != TW_CTRL_OPEN && s->re.ramp_start[r] < 0) s->re.ramp_start[r] = (int32_t)d;
        double ns = re->ns0;
        if (s->re.ramp_start[r] >= 0) {
            double f = (double)((int32_t)d - s->re.ramp_start[r]) / re->ramp_days;
            ns += (re->ns_max - re->ns0) * (f < 1.0 ? f : 1.0);
        }
        dd->ns = (float)ns;
        /* the expected delay, 1/h working days of 7/5 calendar days each, in days of use */
        dd->lead = (re->anticipate && h > 0.0) ? (float)(1.4 / h * (1.0 - ns)) : 0.0f;
    }
}

static void tw__re_outcomes(tw_trade_state *s, uint32_t d) {
    const tw_trade_params *p = s->p;
    double loss = 100.0 * s->output_loss[TW_US][TW_VEHICLES];
    double *out = s->out;
    if (loss > p->re.threshold_pct) {
        if (isnan(out[TW_OUT_RE_US_VEH_FIRST_LOSS])) out[TW_OUT_RE_US_VEH_FIRST_LOSS] = (double)d;
        out[TW_OUT_RE_SHORTAGE_DAYS_US] += 1.0;
    }
    if (loss > out[TW_OUT_RE_US_VEH_PEAK_LOSS]) out[TW_OUT_RE_US_VEH_PEAK_LOSS] = loss;
}

void tw_re_step(tw_trade_state *s, uint32_t d) {
    const tw_trade_params *p = s->p;
    const tw_re_params *re = &p->re;
    tw_re_state *st = &s->re;
    tw__re_prepare(s, d);
    tw__re_ctx ctx = {s, d};
    tw_exec_for(&s->ex, (size_t)re->ncell * st->nblk, tw__re_step_block, &ctx);
    memset(s->output_loss, 0, sizeof s->output_loss);
    double n = (double)re->per_cell;
    for (int j = 0; j < re->ncell; j++) {
        int c = re->cell[j];
        double tot[TW_RE_NPART];
        tw_reduce_blocks(st->partials + (size_t)j * st->nblk * TW_RE_NPART, st->nblk, TW_RE_NPART,
                         tot);
        double t_per = re->use_t[c] / n; /* tonnes per firm-day of full use */
        st->shipped_t[c] = tot[TW_RE_PART_SHIPPED] * t_per;
        st->received_t[c] = tot[TW_RE_PART_RECEIVED] * t_per;
        st->transit_t[c] = tot[TW_RE_PART_TRANSIT] * t_per;
        st->cum_shipped_t[c] += st->shipped_t[c];
        st->cum_received_t[c] += st->received_t[c];
        st->apps[c] = tot[TW_RE_PART_APPS];
        st->approvals[c] = tot[TW_RE_PART_APPROVALS];
        st->inv_mean[c] = tot[TW_RE_PART_STOCK] / n;
        st->halted[c] = tot[TW_RE_PART_HALTED];
        st->output[c] = tot[TW_RE_PART_OUTPUT] / n;
        memcpy(st->hist[c], tot + TW_RE_PART_HIST, sizeof st->hist[c]);
        st->inv_p10[c] = tw__hist_quantile(st->hist[c], n, 0.10);
        s->output_loss[c / TW_NSEC][c % TW_NSEC] = re->dep_share[c % TW_NSEC] * (1.0 - st->output[c]);
    }
    for (int r = 0; r < TW_NREG; r++) {
        double lost = 0.0;
        for (int sec = 0; sec < TW_NSEC; sec++)
            lost += s->output_loss[r][sec] * re->gross_output[r * TW_NSEC + sec];
        s->gdp_pct[r] = -100.0 * re->va_ratio * lost / p->world.gdp[r];
    }
    tw__re_outcomes(s, d);
}

/* ------------------------------------------------------------------------------------ */
/* series                                                                                */
/* ------------------------------------------------------------------------------------ */

static bool tw__served(const tw_re_params *re, int r) {
    for (int s = 0; s < TW_NSEC; s++)
        if (re->dependent[r * TW_NSEC + s]) return true;
    return false;
}

static void tw__put(tw_series_def *defs, size_t *n, tw_indicator ind, int r, int o, int s) {
    if (defs != NULL) defs[*n] = (tw_series_def){ind, r, o, s};
    (*n)++;
}

size_t tw_re_define(const tw_trade_params *p, tw_series_def *defs, size_t n) {
    const tw_re_params *re = &p->re;
    for (int ind = TW_IND_RE_SHIPMENTS; ind <= TW_IND_RE_HALTED; ind++)
        for (int r = 0; r < TW_NREG; r++) {
            if (!tw__served(re, r)) continue;
            tw__put(defs, &n, (tw_indicator)ind, r, re->exporter, TW_ALL);
            for (int s = 0; s < TW_NSEC; s++)
                if (re->dependent[r * TW_NSEC + s])
                    tw__put(defs, &n, (tw_indicator)ind, r, re->exporter, s);
        }
    for (int r = 0; r < TW_NREG; r++)
        if (tw__served(re, r)) tw__put(defs, &n, TW_IND_RE_REGIME, r, re->exporter, TW_ALL);
    for (int r = 0; r < TW_NREG; r++) {
        tw__put(defs, &n, TW_IND_OUTPUT_LOSS, r, TW_ALL, TW_ALL);
        for (int s = 0; s < TW_NSEC; s++)
            if (re->intensity[s] > 0.0) tw__put(defs, &n, TW_IND_OUTPUT_LOSS, r, TW_ALL, s);
    }
    for (int r = 0; r < TW_NREG; r++) tw__put(defs, &n, TW_IND_GDP, r, TW_ALL, TW_ALL);
    return n;
}

double tw_re_value(const tw_trade_state *s, const tw_series_def *d) {
    const tw_re_params *re = &s->p->re;
    const tw_re_state *st = &s->re;
    int r = d->region;
    if (d->ind == TW_IND_RE_REGIME) return (double)st->dd[r].regime;
    if (d->ind == TW_IND_GDP) return s->gdp_pct[r];
    if (d->ind == TW_IND_OUTPUT_LOSS) {
        if (d->sector != TW_ALL) return 100.0 * s->output_loss[r][d->sector];
        double num = 0.0, den = 0.0;
        for (int sec = 0; sec < TW_NSEC; sec++) {
            num += s->output_loss[r][sec] * re->gross_output[r * TW_NSEC + sec];
            den += re->gross_output[r * TW_NSEC + sec];
        }
        return den > 0.0 ? 100.0 * num / den : 0.0;
    }
    /* Firm series: sums (or firm-weighted means) over the region's dependent cells. */
    double v = 0.0, cells = 0.0, hist[TW_RE_NBIN] = {0};
    for (int sec = 0; sec < TW_NSEC; sec++) {
        int c = r * TW_NSEC + sec;
        if (!re->dependent[c] || (d->sector != TW_ALL && d->sector != sec)) continue;
        cells += 1.0;
        switch (d->ind) {
        case TW_IND_RE_SHIPMENTS: v += st->shipped_t[c]; break;
        case TW_IND_RE_RECEIVED: v += st->received_t[c]; break;
        case TW_IND_RE_IN_TRANSIT: v += st->transit_t[c]; break;
        case TW_IND_RE_APPLICATIONS: v += st->apps[c]; break;
        case TW_IND_RE_APPROVALS: v += st->approvals[c]; break;
        case TW_IND_RE_INVENTORY: v += st->inv_mean[c]; break;
        case TW_IND_RE_HALTED: v += st->halted[c]; break;
        case TW_IND_RE_INVENTORY_P10:
            for (int b = 0; b < TW_RE_NBIN; b++) hist[b] += st->hist[c][b];
            break;
        default: break;
        }
    }
    if (cells == 0.0) return 0.0;
    double n = cells * (double)re->per_cell;
    switch (d->ind) {
    case TW_IND_RE_INVENTORY: return v / cells;
    case TW_IND_RE_HALTED: return 100.0 * v / n;
    case TW_IND_RE_INVENTORY_P10: return tw__hist_quantile(hist, n, 0.10);
    default: return v;
    }
}
