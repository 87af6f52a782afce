/* tw_firms.c - importer firm agents: the per-firm kernel and its block reductions.
 *
 * Each firm orders its whole input in one sector from one origin at a time, in quantities
 * (units of what one USD bought at that origin on the first day); what it pays moves with
 * the origin's price, and the sector's demand and the firm's own (its cost against the
 * other importers') scale its quantity (tw_trade.c). The own demand is not firm state:
 * it depends on the origin alone, so it scales the reduced sums.
 * Two margins of adjustment, every day:
 *   1. Supplier switching, slow: with probability h = 1 - exp(-(r0 + k |ln p_now -
 *      ln p_then|)) the firm re-chooses its origin by logit over prices (the origin's
 *      producer price times 1 + pass_through tau, tw_buyer_price), P(o) = S_o / rel_o /
 *      sum, S_o the cell's nested CES spending share (tw_demand.h: home goods against the
 *      bundle of imports in the upper nest, the foreign origins within it in the lower)
 *      and rel_o the origin's price over its first day's: the firm-level form of nested
 *      CES demand in quantities; with many firms and h = 1 the size-weighted quantity
 *      shares converge to the CES ones, and spending shares to S. A cell that a measure covers only in part is split into sub-cells
 *      with their own rates (tw_tariffs.h): its choice probabilities, price relatives and
 *      the rate paid are then aggregated over them (tw_split_demand), so the firms need no
 *      state for it. r0 = 0.00131 a day makes the response after a year 38% of
 *      the long-run one (Boehm, Levchenko and Pandalai-Nayar 2023; data/README.md); k = 0
 *      by default (no jump on the day of a price change; a scenario may set it). The
 *      hazard is drawn the exact, cheap way: at each choice the firm draws an exponential
 *      clock E ~ Exp(1) and re-chooses on the day its cumulated hazard passes E, which
 *      gives every day the survival probability exp(-(r0 + k |dlnp_t|)) while drawing
 *      random numbers only on the days a firm actually re-chooses;
 *   2. Timing: it moves its stock toward a target set by the known price change of its
 *      origin within the horizon farthest from today's (tw_tariffs_outlook): extra stock
 *      ahead of a rise (front-loading), orders postponed (stock below normal, owed
 *      orders) ahead of a fall, and back to normal after (drawing the stock down, or
 *      catching up on what was postponed), buying at most `build` extra days of
 *      purchases a day and cutting at most `draw`. A change that comes from the
 *      scheduled end of an entry (a truce that expires, a temporary increase that lapses)
 *      counts with the probability firms.expiry_belief: the target moves that share of
 *      the way, and where only the end moves it, so does the pace, so that the stock
 *      path is that share of the path under certainty. A deal that nothing schedules
 *      adds q times the target a certain fall to the rates after a deal would set (q the
 *      chance of a deal within the horizon, tw_expect.h), clamped to max_days;
 *   3. it adds size * days ordered, and size * price relative, to its block's partial
 *      sums.
 * Blocks of TW_BLOCK firms are the unit of parallel work; their partial sums are combined
 * in block order, so the result does not depend on the thread count.
 *
 * State per firm: origin (1 byte), size, reference log price, hazard clock and stock
 * (4 bytes each): 17 bytes.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tw_firms.h"

size_t tw_firms_bytes(const tw_firms_params *fp) {
    tw_firm_arrays f;
    size_t ncell = (size_t)fp->nreg * TW_NSEC, n = (size_t)fp->per_cell * ncell;
    size_t per_firm = sizeof *f.origin + sizeof *f.size + sizeof *f.ref_lnp + sizeof *f.clock +
                      sizeof *f.stock;
    return n * per_firm +
           ncell * tw_block_count((size_t)fp->per_cell) * TW_NPART * sizeof *f.partials;
}

tw_status tw_firms_create(tw_firm_arrays *f, const tw_firms_params *fp, tw_rng_key key,
                          const tw_exec *ex, tw_err *err) {
    const int64_t per_cell = fp->per_cell;
    f->ncell = (size_t)fp->nreg * TW_NSEC;
    size_t n = (size_t)per_cell * f->ncell;
    f->fp = fp;
    f->key = key;
    f->ex = *ex;
    f->nblk = tw_block_count((size_t)per_cell);
    f->origin = malloc(n * sizeof *f->origin);
    f->size = malloc(n * sizeof *f->size);
    f->ref_lnp = malloc(n * sizeof *f->ref_lnp);
    f->clock = malloc(n * sizeof *f->clock);
    f->stock = malloc(n * sizeof *f->stock); /* written by the init, block by block */
    f->partials = malloc(f->ncell * f->nblk * TW_NPART * sizeof *f->partials);
    if (f->origin == NULL || f->size == NULL || f->ref_lnp == NULL || f->clock == NULL ||
        f->stock == NULL || f->partials == NULL) {
        tw_firms_free(f);
        return tw_err_set(err, TW_ENOMEM, "out of memory for %zu firms", n);
    }
    return TW_OK;
}

void tw_firms_free(tw_firm_arrays *f) {
    free(f->origin);
    free(f->size);
    free(f->ref_lnp);
    free(f->clock);
    free(f->stock);
    free(f->partials);
    memset(f, 0, sizeof *f);
}

static int choose(const float cdf[TW_NREG_MAX], float u) {
    int o = 0;
    while (o < TW_NREG_MAX - 1 && u >= cdf[o]) o++;
    return o;
}

/* Target stock, in days of purchases, for a planned log price change `rise`: front-load
 * ahead of a rise, postpone ahead of a fall, in proportion up to max_days. */
static float firms_target(const tw_firms_params *p, double rise) {
    double frac = rise / p->fl_scale;
    frac = frac > 1.0 ? 1.0 : (frac < -1.0 ? -1.0 : frac);
    return (float)(p->fl_max_days * frac);
}

void tw_firms_prepare_day(const tw_firms_params *fp, const tw_firms_prices *in, tw_cell_day *cds,
                          tw_rate_table tau_paid) {
    const tw_rate_table *now = in->tau, *sure = in->tau_exp, *any = in->tau_any;
    const double b = fp->expiry_belief, pass_through = in->pass_through;
    const double *wp = in->w;
    const int nreg = fp->nreg;
    for (int i = 0; i < nreg; i++)
        for (int sec = 0; sec < TW_NSEC; sec++) {
            int c = i * TW_NSEC + sec;
            tw_cell_day *cd = &cds[c];
            double w[TW_NREG_MAX], total = 0.0;
            /* A cell split into sub-cells (tw_tariffs.h): quantities, prices and the rate
             * paid aggregated over them (tw_split_demand). */
            const tw_split_cell *sc = &in->split[i][sec];
            double price0[TW_NREG_MAX], mix_q[TW_NREG_MAX], mix_rel[TW_NREG_MAX], mix_tau[TW_NREG_MAX];
            for (int o = 0; o < nreg; o++)
                /* the first day's price: producer prices are 1 then */
                price0[o] = tw_buyer_price(pass_through, 1.0, o == i ? 0.0 : (*in->tau0)[i][o][sec]);
            double blended[TW_NREG_MAX], spend[TW_NREG_MAX];
            for (int o = 0; o < nreg; o++)
                blended[o] = tw_buyer_price(pass_through, wp[o], o == i ? 0.0 : (*now)[i][o][sec]);
            if (sc->n > 1)
                tw_split_demand(sc, i, &in->nest[c], pass_through, wp, price0, mix_q, mix_rel,
                                mix_tau);
            else
                tw_nest_shares(&in->nest[c], blended, spend);
            for (int o = 0; o < nreg; o++) {
                bool home = (o == i);
                double tau = home ? 0.0 : (*now)[i][o][sec];
                double price = blended[o];
                if (sc->n > 1) {
                    cd->rel[o] = mix_rel[o];
                    tau_paid[i][o][sec] = mix_tau[o];
                    w[o] = mix_q[o];
                    price = price0[o] * mix_rel[o];
                } else {
                    cd->rel[o] = blended[o] / price0[o];
                    tau_paid[i][o][sec] = tau;
                    /* Quantity shares (units of first-day USD): nested CES spending share
                     * / price relative, so spending shares converge to the CES ones. */
                    w[o] = spend[o] / cd->rel[o];
                }
                cd->price[o] = price;
                cd->lnp[o] = (float)log(price);
                total += w[o];
                /* The timing margin reads the change of the cell's blended price. */
                double p_sure = tw_buyer_price(pass_through, wp[o], home ? 0.0 : (*sure)[i][o][sec]);
                double p_any = tw_buyer_price(pass_through, wp[o], home ? 0.0 : (*any)[i][o][sec]);
                float t_sure = firms_target(fp, log(p_sure / blended[o]));
                float t_any = firms_target(fp, log(p_any / blended[o]));
                cd->build[o] = (float)fp->fl_build;
                cd->draw[o] = (float)fp->fl_draw;
                cd->target[o] = t_sure;
                if (t_any != t_sure) {
                    /* A scheduled end counts with probability b: the target moves by b of
                     * the way, and where only the end moves it, so does the pace toward
                     * it, which keeps the whole path b times the certain one. */
                    cd->target[o] = t_sure + (float)b * (t_any - t_sure);
                    if (t_sure == 0.0f) {
                        if (t_any > 0.0f) cd->build[o] *= (float)b;
                        else cd->draw[o] *= (float)b;
                    }
                }
                /* A deal within the horizon, with its chance q: orders are postponed by q
                 * of what a certain fall to the price after a deal would postpone
                 * (tw_expect.h); nothing where a deal would change nothing. */
                double q = home ? 0.0 : in->deal_q[i][o];
                if (q > 0.0) {
                    double p_deal = tw_buyer_price(pass_through, wp[o], (*in->tau_deal)[i][o][sec]);
                    float t = cd->target[o] + (float)q * firms_target(fp, log(p_deal / blended[o]));
                    float cap = (float)fp->fl_max_days;
                    cd->target[o] = t > cap ? cap : (t < -cap ? -cap : t);
                }
            }
            /* Own demand: a firm buying from a foreign origin f buys (x_f / R_M)^(-own)
             * times the cell's quantity, x the price relative to the first day and R_M the
             * importers' index (R_M^(1 - own) = sum_f share_f x_f^(1 - own) / sum_f
             * share_f; tw_trade.c); a firm buying at home, 1 times. Choosing f with
             * probability proportional to its CES quantity share times (x_f / R*)^own, R*
             * the importers' index once the shares are there (R*^(1 - own) = sum_f w_f x_f
             * / sum_f w_f x_f^own), keeps the cell's quantities at the CES ones in the
             * long run. */
            if (fp->own_demand > 0.0) {
                const double own = fp->own_demand;
                double x[TW_NREG_MAX], num = 0.0, den = 0.0;
                for (int o = 0; o < nreg; o++) {
                    x[o] = cd->rel[o] / in->rel0[c][o];
                    if (o == i) continue;
                    num += w[o] * x[o];
                    den += w[o] * pow(x[o], own);
                }
                double star = den > 0.0 ? pow(num / den, 1.0 / (1.0 - own)) : 1.0;
                total = 0.0;
                for (int o = 0; o < nreg; o++) {
                    if (o != i) w[o] *= pow(x[o] / star, own);
                    total += w[o];
                }
            }
            double acc = 0.0;
            for (int o = 0; o < nreg; o++) {
                acc += w[o] / total;
                cd->cdf[o] = (float)acc;
            }
            for (int o = nreg - 1; o < TW_NREG_MAX; o++) cd->cdf[o] = 1.0f;
            cd->hazard_base = (float)fp->reopt_rate;
            cd->hazard_sens = (float)fp->reopt_sens;
        }
}

typedef struct {
    tw_firm_arrays *f;
    const tw_cell_day *cd; /* [TW_NCELL_MAX] */
    uint32_t day;
} step_ctx;

/* Work item -> cell c and the firm range [lo, hi) of its block, firm indices in the cell. */
typedef struct {
    size_t c, lo, hi, base; /* base = first global index of the cell */
} range;

/* The counter's agent id of firm k of cell c: the cell in the high word, the index within
 * the cell in the low (per_cell < 2^32), so the first n firms of a cell draw the same
 * numbers whatever per_cell is, and runs that differ only in firms per cell (the levels
 * of multilevel replication, cli_mlmc.h) share them. */
static inline uint64_t agent(size_t c, size_t k) {
    return (uint64_t)c << 32 | (uint64_t)k;
}

static range item_range(const tw_firm_arrays *f, size_t item) {
    size_t n = (size_t)f->fp->per_cell, b = item % f->nblk;
    range r;
    r.c = item / f->nblk;
    r.lo = b * TW_BLOCK;
    r.hi = r.lo + TW_BLOCK < n ? r.lo + TW_BLOCK : n;
    r.base = r.c * n;
    return r;
}

/* One block of one cell: the hot loop. */
static void step_block(void *vctx, size_t item) {
    step_ctx *ctx = vctx;
    tw_firm_arrays *f = ctx->f;
    range rg = item_range(f, item);
    size_t lo = rg.lo, hi = rg.hi, base = rg.base;
    /* A copy of the cell's day: the stores to the firm arrays below cannot touch it, so
     * its fields stay in registers instead of being reloaded for every firm. */
    const tw_cell_day cday = ctx->cd[rg.c];
    const tw_cell_day *cd = &cday;
    uint8_t *restrict origin = f->origin + base;
    const float *restrict size = f->size + base;
    float *restrict ref = f->ref_lnp + base, *restrict clock = f->clock + base,
          *restrict stock = f->stock + base;
    double share[TW_NREG_MAX] = {0}, buy[TW_NREG_MAX] = {0}, price = 0.0, held = 0.0;
    for (size_t k = lo; k < hi; k++) {
        int o = origin[k];
        float left = clock[k] - (cd->hazard_base + cd->hazard_sens * fabsf(cd->lnp[o] - ref[k]));
        if (left <= 0.0f) {
            uint32_t w[4];
            tw_rng_words(f->key, ctx->day, agent(rg.c, k), TW_PURPOSE_FIRM_DAY, 0, w);
            o = choose(cd->cdf, tw_u01f(w[0]));
            origin[k] = (uint8_t)o;
            ref[k] = cd->lnp[o];
            left = -logf(tw_u01f(w[1]));
        }
        clock[k] = left;
        float st = stock[k], tgt = cd->target[o], days = 1.0f;
        if (st < tgt) {
            float add = fminf(tgt - st, cd->build[o]);
            st += add;
            days += add;
        } else if (st > tgt) {
            float use = fminf(st - tgt, cd->draw[o]);
            st -= use;
            days -= use;
        }
        stock[k] = st;
        float sz = size[k];
        share[o] += sz;
        buy[o] += (double)(sz * days);
        price += (double)sz * cd->rel[o];
        held += (double)(sz * st);
    }
    tw_part_store(f->partials + item * TW_NPART, share, buy, price, held);
}

void tw_firms_step(tw_firm_arrays *f, const tw_cell_day *cd, uint32_t d, double (*share)[TW_NREG_MAX],
                   double (*purchase)[TW_NREG_MAX], double *pbar) {
    step_ctx ctx = {f, cd, d};
    tw_exec_for(&f->ex, f->ncell * f->nblk, step_block, &ctx);
    for (size_t c = 0; c < f->ncell; c++) {
        double tot[TW_NPART];
        tw_reduce_blocks(f->partials + c * f->nblk * TW_NPART, f->nblk, TW_NPART, tot);
        for (int o = 0; o < f->fp->nreg; o++) {
            share[c][o] = tot[TW_PART_SHARE + o];
            purchase[c][o] = tot[TW_PART_PURCHASE + o];
        }
        pbar[c] = tot[TW_PART_PRICE];
    }
}

/* --- initial state --- */

/* Sizes: Pareto with tail index a (x_min 1) by inverse CDF, x = u^(-1/a); first origin:
 * a draw from the base-year shares. Each firm's draws come from its own counter
 * (agent: its cell and its index within the cell). */
static void init_block(void *vctx, size_t item) {
    step_ctx *ctx = vctx;
    tw_firm_arrays *f = ctx->f;
    range rg = item_range(f, item);
    size_t lo = rg.lo, hi = rg.hi, base = rg.base;
    float inv_tail = (float)(1.0 / f->fp->size_tail);
    const tw_cell_day *cd = &ctx->cd[rg.c];
    double sum = 0.0;
    for (size_t k = lo; k < hi; k++) {
        uint32_t w[4];
        tw_rng_words(f->key, 0, agent(rg.c, k), TW_PURPOSE_FIRM_INIT, 0, w);
        float x = powf(tw_u01f(w[0]), -inv_tail);
        f->size[base + k] = x;
        sum += x;
        int o = choose(cd->cdf, tw_u01f(w[1]));
        f->origin[base + k] = (uint8_t)o;
        f->ref_lnp[base + k] = cd->lnp[o];
        f->clock[base + k] = -logf(tw_u01f(w[2]));
        /* Written here rather than zeroed by calloc: a page of a fresh allocation is mapped
         * on its first write, and otherwise that first write would fall in the first day's
         * step, where two threads faulting pages in at once wait on each other in the
         * kernel (at 8.4M firms a 2-thread run took longer than a 1-thread one over 4
         * days). Now every array is faulted in here, by the thread that inits the block. */
        f->stock[base + k] = 0.0f;
    }
    f->partials[item * TW_NPART] = sum;
}

typedef struct {
    tw_firm_arrays *f;
    const double *scale; /* [TW_NCELL_MAX] */
} scale_ctx;

static void scale_block(void *vctx, size_t item) {
    scale_ctx *ctx = vctx;
    range rg = item_range(ctx->f, item);
    float f = (float)ctx->scale[rg.c];
    float *size = ctx->f->size + rg.base;
    for (size_t k = rg.lo; k < rg.hi; k++) size[k] *= f;
}

void tw_firms_init(tw_firm_arrays *f, const tw_cell_day *cd, double (*share_out)[TW_NREG_MAX],
                   double *pbar0, double *pbar, double *lambda0) {
    step_ctx ctx = {f, cd, 0};
    size_t items = f->ncell * f->nblk;
    tw_exec_for(&f->ex, items, init_block, &ctx);
    double scale[TW_NCELL_MAX];
    for (size_t c = 0; c < f->ncell; c++) {
        double sum = 0.0;
        for (size_t b = 0; b < f->nblk; b++) sum += f->partials[(c * f->nblk + b) * TW_NPART];
        scale[c] = 1.0 / sum;
    }
    scale_ctx sctx = {f, scale};
    tw_exec_for(&f->ex, items, scale_block, &sctx);
    /* Starting shares and prices, summed in firm order within a cell (single pass; the
     * init is not a hot path). */
    size_t n = (size_t)f->fp->per_cell;
    for (size_t c = 0; c < f->ncell; c++) {
        double share[TW_NREG_MAX] = {0}, price = 0.0;
        for (size_t k = 0; k < n; k++) {
            int o = f->origin[c * n + k];
            share[o] += f->size[c * n + k];
            price += (double)f->size[c * n + k] * cd[c].rel[o];
        }
        for (int o = 0; o < f->fp->nreg; o++) share_out[c][o] = share[o];
        pbar0[c] = price;
        pbar[c] = price;
        lambda0[c] = share[c / TW_NSEC];
    }
}

/* --- the benchmark's redraw count (tw_trade_bench.h) --- */

size_t tw_firms_redraws(const tw_firm_arrays *f, const tw_cell_day *cds, const uint8_t *origin,
                        const float *ref_lnp, const float *clock) {
    size_t per = (size_t)f->fp->per_cell, count = 0;
    for (size_t c = 0; c < f->ncell; c++) {
        const tw_cell_day *cd = &cds[c];
        for (size_t k = c * per; k < (c + 1) * per; k++) {
            float left = clock[k] - (cd->hazard_base +
                                     cd->hazard_sens * fabsf(cd->lnp[origin[k]] - ref_lnp[k]));
            count += (left <= 0.0f);
        }
    }
    return count;
}
