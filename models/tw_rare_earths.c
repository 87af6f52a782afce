/* tw_rare_earths.c - dependent firms, their buffers, their makers' licences, rationing
 * and catch-up under export controls on rare-earth magnets (the mechanism is described in
 * tw_rare_earths.h; the parameters are read in tw_rare_earths_params.c; the block's
 * indicators and outcomes, their series and values are in tw_rare_earths_series.c).
 *
 * Shape. The regime toward each destination is resolved once a day from the replicate's
 * own control book (government decisions append to it during a run), turned into a few
 * numbers per destination (approval probability, licence validity, share from makers
 * outside the exporter), and then every dependent firm is stepped in fixed blocks. Magnet
 * makers never span blocks, so a block first draws its makers' approvals and then steps
 * its firms: a vectorised pass moves the stock of every firm with a common day (order on
 * its way or waiting, stock above the reorder point, nothing owed: about 19 firm-days in
 * 20), then a pass in firm order adds the sums and runs the general path for the rest,
 * so that the rare-earth step stays under a tenth of the default scenario's day (tw_bench
 * --mode re). A firm's state is six 4-byte fields (cover, reserve, stock, quantity
 * on order, arrival day, output owed): 24 bytes; a maker's two (licence expiry, pending
 * application). Each block writes its partial sums, including a histogram of stocks from
 * which the 10th percentile is read, and the partial sums are combined in block order, so
 * the results do not depend on the thread count. The only random numbers are a firm's
 * cover, reserve and starting position in its ordering cycle (day 0), the replicate's
 * median factors, and one approval draw per pending maker per working day, each from its
 * own Philox counter.
 *
 * Stocks are kept in days of the firm's full-output use rather than in tonnes, so that the
 * inventory rule reads as the firms' own planning does (covers are drawn in days of the
 * licensed channel's use and multiplied by its share of need); a cell's tonnes per
 * firm-day (use_t / per_cell) converts them for the shipment series.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tw_rare_earths_internal.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* ------------------------------------------------------------------------------------ */
/* state                                                                                 */
/* ------------------------------------------------------------------------------------ */

tw_status tw_re_create(const tw_re_params *re, tw_rng_key key, const tw_exec *ex,
                       tw_re_state **out, tw_err *err) {
    *out = NULL;
    tw_re_state *st = calloc(1, sizeof *st);
    if (st == NULL) return tw_err_set(err, TW_ENOMEM, "out of memory");
    st->re = re;
    st->key = key;
    st->ex = *ex;
    st->nblk = tw_block_count((size_t)re->per_cell);
    st->n = (size_t)re->ncell * (size_t)re->per_cell;
    size_t blk = (size_t)re->per_cell < TW_BLOCK ? (size_t)re->per_cell : TW_BLOCK;
    st->spb = (blk + (size_t)re->per_supplier - 1) / (size_t)re->per_supplier;
    size_t n = st->n > 0 ? st->n : 1, items = (size_t)re->ncell * st->nblk;
    size_t nsup = items * st->spb > 0 ? items * st->spb : 1;
    st->cover = malloc(n * sizeof *st->cover);
    st->reserve = malloc(n * sizeof *st->reserve);
    st->stock = malloc(n * sizeof *st->stock);
    st->order = calloc(n, sizeof *st->order);
    st->arrive = calloc(n, sizeof *st->arrive);
    st->owed = calloc(n, sizeof *st->owed);
    st->licence_until = calloc(nsup, sizeof *st->licence_until);
    st->applied = malloc(nsup * sizeof *st->applied);
    st->partials = calloc((items > 0 ? items : 1) * TW_RE_NPART, sizeof *st->partials);
    st->budget = calloc(items > 0 ? items : 1, sizeof *st->budget);
    if (st->cover == NULL || st->reserve == NULL || st->stock == NULL || st->order == NULL ||
        st->arrive == NULL || st->owed == NULL || st->licence_until == NULL ||
        st->applied == NULL || st->partials == NULL || st->budget == NULL) {
        size_t nfirms = st->n;
        tw_re_free(st);
        return tw_err_set(err, TW_ENOMEM, "out of memory for %zu rare-earth firms", nfirms);
    }
    for (size_t m = 0; m < nsup; m++) st->applied[m] = -1;
    for (int r = 0; r < TW_NREG_MAX; r++) st->ramp_start[r] = -1; /* every slot: not yet */
    *out = st;
    return TW_OK;
}

size_t tw_re_state_bytes(void) { return sizeof(tw_re_state); }

void tw_re_free(tw_re_state *st) {
    if (st == NULL) return;
    free(st->cover);
    free(st->reserve);
    free(st->stock);
    free(st->order);
    free(st->arrive);
    free(st->owed);
    free(st->licence_until);
    free(st->applied);
    free(st->partials);
    free(st->budget);
    free(st);
}

typedef struct {
    tw_re_state *st;
    uint32_t day;
} re_ctx;

/* Work item -> dependent cell j and the firm range [lo, hi) of its block. */
typedef struct {
    int j, c;       /* dependent cell index and cell index */
    size_t b;       /* block within the cell */
    size_t lo, hi;  /* firm indices within the cell */
    size_t base;    /* first array index of the cell */
    size_t sup;     /* first maker index of the block */
    uint64_t agent; /* first agent id of the cell */
} re_range;

static re_range re_item(const tw_re_state *st, size_t item) {
    const tw_re_params *re = st->re;
    size_t n = (size_t)re->per_cell;
    re_range r;
    r.b = item % st->nblk;
    r.j = (int)(item / st->nblk);
    r.c = re->cell[r.j];
    r.lo = r.b * TW_BLOCK;
    r.hi = r.lo + TW_BLOCK < n ? r.lo + TW_BLOCK : n;
    r.base = (size_t)r.j * n;
    r.sup = item * st->spb;
    r.agent = (uint64_t)r.c * (uint64_t)n;
    return r;
}

/* Reorder point of a firm with cover S shipped to after lag days of its need (both in
 * days of full use): between the lag and the cover. */
static inline float reorder_point(const tw_re_params *re, float lag, float cover) {
    return lag + (float)re->reorder_share * (cover - lag);
}

/* Share of a cell's need that does not come through the licensed channel when makers
 * outside the exporter supply ns: embedded in parts, those makers, and the outside-scope
 * share of the exporter's bare magnets. */
static double free_share(const tw_re_params *re, int sec, double ns) {
    double bare = 1.0 - re->embedded_share[sec] - ns;
    return 1.0 - bare * (1.0 - re->outside_share[sec]);
}

/* Box-Muller standard normal from the first three words of a counter (a 52-bit and a
 * 20-bit uniform). */
static double normal(const uint32_t w[4]) {
    double u1 = tw_u01d(w[0], w[1]), u2 = tw_u01d(w[2], 0);
    return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

/* Cover lognormal, clamped to [min, max]; reserve lognormal around the sector's WIP and
 * distributor days; position in the ordering cycle uniform over its length
 * T = lag + (S - R) / need: in the first lag days an order of S - R + lag need is in
 * transit and the own stock has fallen from R, afterwards the own stock is uniform in
 * [R, S]. So reorders are spread over the cycle from the first day and the pipeline holds
 * lag days of flow on average. */
static void re_init_block(void *vctx, size_t item) {
    re_ctx *ctx = vctx;
    tw_re_state *st = ctx->st;
    const tw_re_params *re = st->re;
    re_range rg = re_item(st, item);
    int sec = rg.c % TW_NSEC;
    const int lag_days = re->ship_lag[rg.c / TW_NSEC];
    double need = 1.0 - free_share(re, sec, re->ns0), lag = (double)lag_days;
    /* at least a day above the destination's lag, so that an order can arrive in time */
    double cover_min = re->cover_min > lag ? re->cover_min : lag + 1.0;
    /* Covers, the reserve and a stockpile are days of the firm's use of licensed magnets
     * (what a buyer of them plans in); the state holds days of full use: times need. */
    const float needf = (float)need;
    double res_median = (re->wip_days[sec] + re->distributor_days) * st->reserve_factor;
    for (size_t k = rg.lo; k < rg.hi; k++) {
        uint32_t w[4], v[4];
        tw_rng_words(st->key, 0, rg.agent + k, TW_PURPOSE_RE_INIT, 0, w);
        tw_rng_words(st->key, 0, rg.agent + k, TW_PURPOSE_RE_INIT, 1, v);
        double cover = st->cover_median * exp(re->cover_log_sd * normal(w));
        if (cover < cover_min) cover = cover_min;
        if (cover > re->cover_max) cover = re->cover_max;
        double res = res_median * exp(re->reserve_log_sd * normal(v));
        if (res > TW_RE_COVER_MAX / 2.0) res = TW_RE_COVER_MAX / 2.0;
        /* A stockpile built before the controls is held with the reserve, not in the
         * ordering cycle: the firm's reorder point reads its own stock only, so the
         * stockpile is not used up by ordinary use before any control, and is drawn only
         * once the own stock is gone. */
        res = (res + re->stockpile_days) * need;
        float S = (float)cover * needf, R = reorder_point(re, (float)lag_days * needf, S);
        double T = lag + (S - R) / need, u = tw_u01f(w[3]) * T, own;
        size_t i = rg.base + k;
        st->order[i] = 0.0f;
        st->arrive[i] = 0;
        if (u < lag) {
            own = R - u * need;
            st->order[i] = (float)(S - R + lag * need);
            st->arrive[i] = (int32_t)(lag - u);
        } else {
            own = R + (u - lag) / (T - lag) * (S - R);
        }
        st->cover[i] = S;
        st->reserve[i] = (float)res;
        st->stock[i] = (float)(own + res);
        st->owed[i] = 0.0f;
    }
}

/* The agent id of the replicate-wide draws: above every firm's id. */
#define TW_RE_REPLICATE_AGENT UINT64_MAX

void tw_re_init(tw_re_state *st, double *out) {
    const tw_re_params *re = st->re;
    /* How long firms stock for is the least known number of the mechanism (anecdotes
     * range from weeks to three months), so each replicate draws its own medians. */
    tw_re_outcomes_start(out);
    uint32_t w[4], v[4];
    tw_rng_words(st->key, 0, TW_RE_REPLICATE_AGENT, TW_PURPOSE_RE_INIT, 0, w);
    tw_rng_words(st->key, 0, TW_RE_REPLICATE_AGENT, TW_PURPOSE_RE_INIT, 1, v);
    st->cover_median = re->cover_median * exp(re->cover_rep_sd * normal(w));
    st->reserve_factor = exp(re->reserve_rep_sd * normal(v));
    re_ctx ctx = {st, 0};
    tw_exec_for(&st->ex, (size_t)re->ncell * st->nblk, re_init_block, &ctx);
    /* What is in transit at the start was shipped before it (the conservation identity
     * counts it as shipped). */
    size_t n = (size_t)re->per_cell;
    for (int j = 0; j < re->ncell; j++) {
        int c = re->cell[j];
        double q = 0.0;
        for (size_t k = 0; k < n; k++) q += st->order[(size_t)j * n + k];
        st->cum_shipped_t[c] = q * re->use_t[c] / (double)n;
        st->cum_received_t[c] = 0.0;
    }
}

/* ------------------------------------------------------------------------------------ */
/* one day                                                                               */
/* ------------------------------------------------------------------------------------ */

/* The common case of a test, for the compiler's block layout and register allocation
 * (the general path of the firm loop is rare: its values may live on the stack). */
#if defined(__GNUC__)
#define LIKELY(c) __builtin_expect(!!(c), 1)
#else
#define LIKELY(c) (c)
#endif

/* Smaller and larger of two floats that are never NaN. Without -ffinite-math-only, fminf
 * and fmaxf are calls into libm, and a call in the firm loop makes the compiler keep the
 * loop's constants on the stack; these compile to one instruction. */
static inline float minf(float a, float b) { return a < b ? a : b; }
static inline float maxf(float a, float b) { return a > b ? a : b; }

/* Output kept with a share a of the need met: the cell's rationing curve. */
static inline float ration(const float *sa, const float *sy, float a) {
    if (a >= 1.0f) return 1.0f;
    for (int i = 1; i <= TW_RE_NSEG; i++)
        if (a <= sa[i] && sa[i] > sa[i - 1])
            return sy[i - 1] + (a - sa[i - 1]) / (sa[i] - sa[i - 1]) * (sy[i] - sy[i - 1]);
    return sy[0];
}

/* The histogram bin of a stock x >= 0, ceil(x / w) up to the last bin, without a call to
 * ceilf, in steps the compiler vectorises (pass 1 below): xb = x / w is clamped on its
 * bits (for floats >= 0 their order as integers), so that the step up needs no second
 * test; adding and taking away 2^23 rounds the clamped xb (0 <= xb <= TW_RE_NBIN - 1) to
 * its nearest integer r exactly, one step up where r falls short of xb. The same bin as
 * ceilf's for every float >= 0, +inf included. */
static inline int bin(float x) {
    float xb = x * (float)TW_RE_BINS_PER_DAY, top = (float)(TW_RE_NBIN - 1);
    int32_t ib, it;
    memcpy(&ib, &xb, sizeof ib);
    memcpy(&it, &top, sizeof it);
    ib = ib < it ? ib : it;
    memcpy(&xb, &ib, sizeof xb);
    float r = (xb + 0x1p23f) - 0x1p23f;
    return (int)r + (r < xb);
}

/* The makers of a block: approval draws for pending applications filed on an earlier
 * day (their own random stream: agent id = the cell's first agent + maker index within
 * the cell, which is the firm's id when each maker serves one firm). */
static double re_makers(tw_re_state *st, const re_range *rg, const tw_re_dest_day *dd,
                        float hazard, int32_t d) {
    size_t nsup = (rg->hi - rg->lo + (size_t)st->re->per_supplier - 1) /
                  (size_t)st->re->per_supplier;
    int32_t *lic = st->licence_until + rg->sup, *app = st->applied + rg->sup;
    double approvals = 0.0;
    for (size_t m = 0; m < nsup; m++) {
        if (dd->regime == TW_CTRL_OPEN) {
            app[m] = -1;
            continue;
        }
        if (app[m] < 0 || app[m] >= d || lic[m] > d || hazard <= 0.0f) continue;
        uint32_t w[4];
        tw_rng_words(st->key, (uint32_t)d, rg->agent + rg->b * st->spb + m, TW_PURPOSE_RE_DAY, 0, w);
        if (tw_u01f(w[0]) < hazard) {
            approvals += 1.0;
            lic[m] = d + (dd->validity > 0 ? dd->validity : 1);
            app[m] = -1;
        }
    }
    return approvals;
}

static void re_step_block(void *vctx, size_t item) {
    re_ctx *ctx = vctx;
    tw_re_state *st = ctx->st;
    const tw_re_params *re = st->re;
    re_range rg = re_item(st, item);
    const int sec = rg.c % TW_NSEC;
    const tw_re_dest_day dd = st->dd[rg.c / TW_NSEC];
    const int32_t d = (int32_t)ctx->day, lag = re->ship_lag[rg.c / TW_NSEC];
    const bool open = dd.regime == TW_CTRL_OPEN, halt = dd.regime == TW_CTRL_HALT;
    const bool general = st->general[rg.c];
    const float ns = (float)free_share(re, sec, dd.ns), need = 1.0f - ns;
    const float lead = dd.lead * need;
    /* the reorder point's terms (reorder_point) in registers: the firm arrays' stores
     * could otherwise alias the parameters */
    const float rp_lag = (float)lag * need, rp_share = (float)re->reorder_share;
    const size_t per_supplier = (size_t)re->per_supplier;
    const float cap = (float)re->catch_cap, rate = (float)re->catch_rate;
    const float share = (float)re->catch_share;
    const float stop_at = (float)(re->plant_line_share * re->dep_share[sec]);
    float sa[TW_RE_NSEG + 1], sy[TW_RE_NSEG + 1];
    for (int i = 0; i <= TW_RE_NSEG; i++) {
        sa[i] = (float)re->seg_a[rg.c][i];
        sy[i] = (float)re->seg_y[rg.c][i];
    }
    float *cover = st->cover + rg.base, *res = st->reserve + rg.base;
    float *stock = st->stock + rg.base, *order = st->order + rg.base, *owed = st->owed + rg.base;
    int32_t *arrive = st->arrive + rg.base;
    int32_t *lic = st->licence_until + rg.sup, *app = st->applied + rg.sup;
    double *out = st->partials + item * TW_RE_NPART;
    memset(out, 0, TW_RE_NPART * sizeof *out);
    double approvals =
        re_makers(st, &rg, &dd, dd.hazard * (float)re->priority[sec], d);
    /* Sums of every firm-day in registers; those only the general path adds to go
     * straight to the block's partial sums (zeroed above), which leaves the registers to
     * the common day. */
    double transit = 0.0, used = 0.0, held = 0.0, output = 0.0, net = 0.0;
    const double need_d = need;
    /* Four interleaved integer histograms, so that neighbouring firms in the same bin do
     * not wait on each other's increment; summed into the partials after the loop. */
    uint32_t hist[4][TW_RE_NBIN + 1]; /* bin b at index b + 1 (index 0: see code[] below) */
    memset(hist, 0, sizeof hist);
    /* Pass 1, firm by firm without branches (the compiler vectorises it): which firms
     * have a common day, about 19 firm-days in 20 in the default scenario. Nothing
     * arrives, nothing ships and no application is filed (the firm's order is on its way,
     * or waits on its maker's pending application, or its own stock is above the reorder
     * point), the firm has its day's magnets and owes no output: only its stock moves,
     * and pass 1 moves it. The general path in pass 2 would do the same arithmetic; a
     * firm pass 1 leaves to it because its maker had not yet applied stays with it
     * (applications filed in pass 2 change no common day into another). */
    /* The spot market's offers: a share of each firm's own stock above its reorder point
     * (only where the market is on, so that the common day's pass is left alone). */
    const bool market = re->mkt_sell > 0.0;
    double sold = 0.0, budget = market ? st->budget[item] : 0.0;
    if (market && st->sell_frac > 0.0f) {
        const float f = st->sell_frac;
        for (size_t k = rg.lo; k < rg.hi; k++) {
            float g = f * maxf(stock[k] - res[k] - (rp_lag + rp_share * (cover[k] - rp_lag)),
                               0.0f);
            stock[k] -= g;
            sold += g;
        }
    }
    /* Pass 1 also leaves pass 2 the common day's transit term, computed in the same
     * vector lanes: tq[] is the order on its way, or +0. */
    int32_t code[TW_BLOCK];
    float tq[TW_BLOCK];
    for (size_t m = 0, k0 = rg.lo; k0 < rg.hi; m++, k0 += per_supplier) {
        const size_t k1 = k0 + per_supplier < rg.hi ? k0 + per_supplier : rg.hi;
        const bool licensed = open || (!halt && (general || lic[m] > d));
        const float lead_m = (open || halt || licensed) ? 0.0f : lead; /* reorder early by */
        const int wait_ok = !licensed && app[m] >= 0;
#pragma omp simd
        for (size_t k = k0; k < k1; k++) {
            const float x = stock[k], q = order[k], o = owed[k];
            const int32_t a = arrive[k];
            const int on_way = (q > 0.0f) & (a > d);
            const int waiting = (q > 0.0f) & (a < 0) & wait_ok;
            const int quiet =
                (q == 0.0f) & (x - res[k] > rp_lag + rp_share * (cover[k] - rp_lag) + lead_m);
            const int c = (o == 0.0f) & (x >= need) & (on_way | waiting | quiet);
            const float xn = x - need * (float)c; /* x - need, or x - 0 = x */
            stock[k] = xn;
            code[k - rg.lo] = c * (1 + bin(xn));
            tq[k - rg.lo] = q * (float)on_way; /* q >= 0: q * 0 is +0 */
        }
    }
    /* Pass 2, in firm order (the sums are in that order): the common days' sums, and the
     * general path for the rest. */
    for (size_t m = 0, k0 = rg.lo; k0 < rg.hi; m++, k0 += per_supplier) {
        const size_t k1 = k0 + per_supplier < rg.hi ? k0 + per_supplier : rg.hi;
        const bool licensed = open || (!halt && (general || lic[m] > d));
        const float lead_m = (open || halt || licensed) ? 0.0f : lead; /* reorder early by */
        for (size_t k = k0; k < k1; k++) {
            float x = stock[k], q = order[k];
            int32_t a = arrive[k];
            const int32_t cb = code[k - rg.lo];
            if (LIKELY(cb != 0)) {
                transit += (double)tq[k - rg.lo];
                used += need_d;
                held += x;
                output += 1.0;
                net += 1.0;
                hist[k & 3][cb]++;
                continue;
            }
            float o = owed[k];
            /* 1. arrivals */
            if (q > 0.0f && a >= 0 && a <= d) {
                x += q;
                out[TW_RE_PART_RECEIVED] += q;
                q = 0.0f;
            }
            /* 2. an order waiting for its maker's licence ships once the licence holds, topped
             * up to what the firm needs now (own cover and reserve restored on arrival) */
            if (q > 0.0f && a < 0) {
                if (licensed) {
                    q = maxf(q, cover[k] + res[k] - x + (float)lag * need);
                    a = d + lag;
                    out[TW_RE_PART_SHIPPED] += q;
                } else if (app[m] < 0) {
                    app[m] = d;
                    out[TW_RE_PART_APPS] += 1.0;
                }
            } else if (q == 0.0f &&
                       x - res[k] <= rp_lag + rp_share * (cover[k] - rp_lag) + lead_m) {
                /* 3. a new order, sized so that a prompt shipment restores the cover and the
                 * reserve on arrival (one order outstanding at a time): shipped at once where
                 * no licence is needed or the maker holds one, otherwise pending on the
                 * maker's application (first draw on the next day) */
                q = cover[k] + res[k] - x + (float)lag * need;
                if (q <= 0.0f) {
                    q = 0.0f; /* stock above what a prompt order would top up: nothing to order */
                } else if (licensed) {
                    a = d + lag;
                    out[TW_RE_PART_SHIPPED] += q;
                } else {
                    a = -1;
                    if (app[m] < 0) {
                        app[m] = d;
                        out[TW_RE_PART_APPS] += 1.0;
                    }
                }
            }
            /* 4. a short firm buys what it lacks from the spot market while its block's
             * share of the pool lasts */
            if (market && x < need) {
                float lack = need - x, b = (float)(budget < (double)lack ? budget : (double)lack);
                out[TW_RE_PART_SHORT] += lack;
                x = b >= lack ? need : x + b;
                budget -= b;
                out[TW_RE_PART_BOUGHT] += b;
            }
            /* 5. production: the free channels plus stock; short firms ration their lines */
            float y, u, yn;
            if (x >= need) {
                u = need;
                y = 1.0f;
                /* catch-up on a day of full supply, with extra magnets while they last */
                float e = minf(o, rate);
                if (e > 0.0f && x - u < e * need) e = (x - u) / need;
                if (e > 0.0f) {
                    u += e * need;
                    o -= e;
                }
                yn = 1.0f + e;
            } else {
                u = x;
                y = ration(sa, sy, ns + x);
                out[TW_RE_PART_HALTED] += 1.0;
                if (1.0f - y >= stop_at) out[TW_RE_PART_STOPPED] += 1.0;
                o = minf(cap, o + share * (1.0f - y));
                yn = y;
            }
            x = maxf(x - u, 0.0f);
            if (q > 0.0f && a >= 0) transit += q;
            stock[k] = x;
            order[k] = q;
            arrive[k] = a;
            owed[k] = o;
            used += u;
            held += x;
            output += y;
            net += yn;
            hist[k & 3][1 + bin(x)]++;
        }
    }
    /* counts: their sum is exact in 32 bits, and so is its conversion */
    for (int b = 0; b < TW_RE_NBIN; b++)
        out[TW_RE_PART_HIST + b] =
            (double)(hist[0][b + 1] + hist[1][b + 1] + hist[2][b + 1] + hist[3][b + 1]);
    out[TW_RE_PART_TRANSIT] = transit;
    out[TW_RE_PART_APPROVALS] = approvals;
    out[TW_RE_PART_STOCK] = held;
    out[TW_RE_PART_USED] = used;
    out[TW_RE_PART_OUTPUT] = output;
    out[TW_RE_PART_NET] = net;
    out[TW_RE_PART_SOLD] = sold;
}

/* The day's spot market from yesterday's block sums: the premium, the share offered, and
 * each block's purchases allowed (the pool to the cells of highest value per tonne first,
 * each up to its short firms' unmet need of yesterday, split over its blocks by theirs). */
static void re_market(tw_re_state *st) {
    const tw_re_params *re = st->re;
    double n = (double)re->per_cell, demand = 0.0, left = st->pool_t;
    for (int j = 0; j < re->ncell; j++) {
        int c = re->cell[j];
        double sh = 0.0;
        for (size_t b = 0; b < st->nblk; b++)
            sh += st->partials[((size_t)j * st->nblk + b) * TW_RE_NPART + TW_RE_PART_SHORT];
        st->short_t[c] = sh * re->use_t[c] / n;
        demand += st->short_t[c];
    }
    st->premium = demand > 0.0 ? re->mkt_pmax * demand / (demand + st->pool_t) : 0.0;
    st->sell_frac = (float)(re->mkt_sell * (re->mkt_pmax > 0.0 ? st->premium / re->mkt_pmax : 0.0));
    for (int i = 0; i < re->ncell; i++) {
        int j = re->mkt_order[i], c = re->cell[j];
        double give = st->short_t[c] < left ? st->short_t[c] : left;
        left -= give;
        for (size_t b = 0; b < st->nblk; b++) {
            size_t item = (size_t)j * st->nblk + b;
            double sh = st->partials[item * TW_RE_NPART + TW_RE_PART_SHORT] * re->use_t[c] / n;
            st->budget[item] = st->short_t[c] > 0.0
                                   ? give * (sh / st->short_t[c]) / (re->use_t[c] / n)
                                   : 0.0;
        }
    }
}

static void re_prepare(tw_re_state *st, const tw_control_book *controls, tw_day day,
                       uint32_t d) {
    const tw_re_params *re = st->re;
    bool working = tw_is_working_day(day);
    for (int r = 0; r < re->nreg; r++) {
        tw_re_dest_day *dd = &st->dd[r];
        const tw_control *e =
            r == re->exporter ? NULL
                              : tw_controls_at(controls, day, re->exporter, r, TW_CTRL_GOOD_RE);
        dd->regime = e != NULL ? (int)e->regime : TW_CTRL_OPEN;
        /* the entry's validity where it gives one, else the destination's default */
        dd->validity = 0;
        if (e != NULL) dd->validity = e->validity_days >= 0 ? e->validity_days : re->validity[r];
        double h = 0.0;
        if (dd->regime == TW_CTRL_LICENSING) h = re->hazard;
        if (dd->regime == TW_CTRL_SLOW_ROLL) h = e->slow_roll_factor * re->hazard;
        dd->hazard = working ? (float)h : 0.0f;
        if (dd->regime != TW_CTRL_OPEN && st->ramp_start[r] < 0) st->ramp_start[r] = (int32_t)d;
        double ns = re->ns0;
        if (st->ramp_start[r] >= 0) {
            double f = (double)((int32_t)d - st->ramp_start[r]) / re->ramp_days;
            ns += (re->ns_max - re->ns0) * (f < 1.0 ? f : 1.0);
        }
        dd->ns = (float)ns;
        /* the expected delay, 1/h working days of 7/5 calendar days each (times the
         * firm's need in the firm loop) */
        dd->lead = (re->anticipate && h > 0.0) ? (float)(1.4 / h) : 0.0f;
    }
    for (int c = 0; c < re->nreg * TW_NSEC; c++) {
        bool g = false;
        for (int i = 0; i < re->ngeneral && !g; i++) {
            const tw_re_general *e = &re->general[i];
            g = (e->region < 0 || e->region == c / TW_NSEC) &&
                (e->sector < 0 || e->sector == c % TW_NSEC) && day >= e->from && day < e->until;
        }
        st->general[c] = g;
    }
    /* one licensing office for every destination: its capacity scales every pace alike */
    if (re->capacity > 0.0 && working) {
        double expected = 0.0;
        for (int j = 0; j < re->ncell; j++) {
            int c = re->cell[j];
            expected += st->pending[c] * st->dd[c / TW_NSEC].hazard * re->priority[c % TW_NSEC];
        }
        double cap = re->capacity * (double)re->ncell * (double)(st->nblk * st->spb);
        if (expected > cap)
            for (int r = 0; r < re->nreg; r++)
                st->dd[r].hazard = (float)(st->dd[r].hazard * (cap / expected));
    }
    if (re->mkt_sell > 0.0) re_market(st);
}

/* CPU seconds of the whole process (every thread), for the benchmark's share of the day:
 * on a shared machine, wall-clock time also counts the other tenants' turns. */
static double cpu_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void tw_re_step(tw_re_state *st, const tw_control_book *controls, const tw_day_view *v,
                double *out) {
    const tw_re_params *re = st->re;
    const uint32_t d = v->d;
    double t0 = st->timed ? cpu_seconds() : 0.0;
    re_prepare(st, controls, v->day, d);
    re_ctx ctx = {st, d};
    tw_exec_for(&st->ex, (size_t)re->ncell * st->nblk, re_step_block, &ctx);
    memset(st->output_loss, 0, sizeof st->output_loss);
    memset(st->gross_loss, 0, sizeof st->gross_loss);
    double n = (double)re->per_cell;
    for (int j = 0; j < re->ncell; j++) {
        int c = re->cell[j];
        /* one block to a cell (up to TW_BLOCK firms, the default): the block's sums are the
         * cell's, which tw_reduce_blocks would add to 0.0 (no partial is -0.0) */
        double sum[TW_RE_NPART];
        const double *part = st->partials + (size_t)j * st->nblk * TW_RE_NPART, *tot = part;
        if (st->nblk > 1) {
            tw_reduce_blocks(part, st->nblk, TW_RE_NPART, sum);
            tot = sum;
        }
        double t_per = re->use_t[c] / n; /* tonnes per firm-day of full use */
        st->shipped_t[c] = tot[TW_RE_PART_SHIPPED] * t_per;
        st->received_t[c] = tot[TW_RE_PART_RECEIVED] * t_per;
        st->transit_t[c] = tot[TW_RE_PART_TRANSIT] * t_per;
        st->used_t[c] = tot[TW_RE_PART_USED] * t_per;
        st->stock_t[c] = tot[TW_RE_PART_STOCK] * t_per;
        int sec = c % TW_NSEC;
        st->free_t[c] = re->outside_share[sec] * re->use_t[c] *
                        (1.0 - re->embedded_share[sec] - st->dd[c / TW_NSEC].ns);
        st->bought_t[c] = tot[TW_RE_PART_BOUGHT] * t_per;
        st->sold_t[c] = tot[TW_RE_PART_SOLD] * t_per;
        st->pool_t += st->sold_t[c] - st->bought_t[c];
        st->cum_shipped_t[c] += st->shipped_t[c];
        st->cum_received_t[c] += st->received_t[c];
        st->apps[c] = tot[TW_RE_PART_APPS];
        st->approvals[c] = tot[TW_RE_PART_APPROVALS];
        st->pending[c] = st->dd[c / TW_NSEC].regime == TW_CTRL_OPEN
                             ? 0.0
                             : st->pending[c] + st->apps[c] - st->approvals[c];
        st->inv_mean[c] = tot[TW_RE_PART_STOCK] / n;
        st->halted[c] = tot[TW_RE_PART_HALTED];
        st->stopped[c] = tot[TW_RE_PART_STOPPED];
        st->output[c] = tot[TW_RE_PART_OUTPUT] / n;
        st->net[c] = tot[TW_RE_PART_NET] / n;
        memcpy(st->hist[c], tot + TW_RE_PART_HIST, sizeof st->hist[c]);
        st->inv_p10[c] = tw_re_hist_quantile(st->hist[c], n, 0.10);
        st->output_loss[c / TW_NSEC][c % TW_NSEC] = 1.0 - st->net[c];
        st->gross_loss[c / TW_NSEC][c % TW_NSEC] = 1.0 - st->output[c];
    }
    for (int r = 0; r < re->nreg; r++) {
        double lost = 0.0;
        for (int sec = 0; sec < TW_NSEC; sec++)
            lost += st->output_loss[r][sec] * re->gross_output[r * TW_NSEC + sec];
        st->gdp_pct[r] = -100.0 * re->va_ratio * lost / v->world->gdp[r];
    }
    tw_re_outcomes_day(st, v->world, d, out);
    if (st->timed) st->seconds += cpu_seconds() - t0;
}

const double (*tw_re_output_loss(const tw_re_state *st))[TW_NSEC] { return st->output_loss; }
const double *tw_re_gdp_pct(const tw_re_state *st) { return st->gdp_pct; }

void tw_re_time(tw_re_state *st, bool timed) {
    st->timed = timed;
    st->seconds = 0.0;
}

double tw_re_seconds(const tw_re_state *st) { return st->seconds; }
