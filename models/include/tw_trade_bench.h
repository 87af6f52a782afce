/* tw_trade_bench.h - what the benchmark (bench/) sees of the trade model's firm step.
 *
 * tw_bench times the real model through tw_trade_model (tw_trade.h) and compares its
 * firm step with bare reference kernels of the same shape. For that it needs the firm
 * step's storage layout (cells, the per-block partial sums), a read-only view of a
 * replicate's firm arrays (for its result hash and the bytes per firm) and the step's
 * own re-choice test. Nothing else of the model's state is visible outside models/.
 *
 * Thread-safety: the functions read a state or params the caller owns; call them between
 * steps, not during one.
 */
#ifndef TW_TRADE_BENCH_H
#define TW_TRADE_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TW_TRADE_NORIGIN 10 /* most regions a firm can buy from (the model checks TW_NREG_MAX) */
#define TW_TRADE_NCELL 80   /* most cells, (importer, sector) pairs (the model checks
                             * TW_NCELL_MAX); a world's firms = its cells * per_cell
                             * (tw_trade_bench_ncell) */

/* One block's partial sums of the firm step (TW_NPART per block). */
enum {
    TW_PART_SHARE = 0,                     /* + origin: size of firms choosing it */
    TW_PART_PURCHASE = TW_TRADE_NORIGIN,   /* + origin: size * days of purchases bought */
    TW_PART_PRICE = 2 * TW_TRADE_NORIGIN,  /* size * buyer price paid */
    TW_PART_STOCK,                         /* size * extra stock held, days */
    TW_NPART
};

/* Write one block's sums into its TW_NPART slots (out). */
static inline void tw_part_store(double *out, const double share[TW_TRADE_NORIGIN],
                                 const double buy[TW_TRADE_NORIGIN], double price, double held) {
    for (int o = 0; o < TW_TRADE_NORIGIN; o++) {
        out[TW_PART_SHARE + o] = share[o];
        out[TW_PART_PURCHASE + o] = buy[o];
    }
    out[TW_PART_PRICE] = price;
    out[TW_PART_STOCK] = held;
}

/* A replicate's importer firms, structure of arrays, n = cells * per_cell each;
 * firm k of cell c at c * per_cell + k. The element types are the model's own. */
typedef struct {
    size_t n;
    const uint8_t *origin;  /* current supplying region */
    const float *size;      /* share of the cell's purchases */
    const float *ref_lnp;   /* log price of the origin when last chosen */
    const float *clock;     /* hazard left before the next choice */
    const float *stock;     /* extra stock held, days of purchases */
    const double *partials; /* [cells * blocks per cell][TW_NPART] */
} tw_trade_firm_view;

/* Firms per cell of loaded params (tw_trade_model.load). */
int64_t tw_trade_bench_per_cell(const void *params);
/* Cells (importer, sector) of the loaded params' world. */
int tw_trade_bench_ncell(const void *params);
/* The firm arrays of a state (tw_trade_model.create). */
tw_trade_firm_view tw_trade_bench_firms(const void *state);
/* How many firms the step of the state's latest day re-chose an origin, given the firms'
 * origin, ref_lnp and clock arrays as they were before that step (n entries each): the
 * step's own test, on the day's cell prices. */
size_t tw_trade_bench_redraws(const void *state, const uint8_t *origin, const float *ref_lnp,
                              const float *clock);

/* The rare-earth step's share of the day: after tw_trade_bench_time_re(state), every later
 * step adds the process CPU seconds (all threads) of its rare-earth part (tw_re_step: regimes, the
 * rare-earth firms, their reduction and outcomes) to a sum that
 * tw_trade_bench_re_seconds returns. Results do not depend on it. */
void tw_trade_bench_time_re(void *state);
double tw_trade_bench_re_seconds(const void *state);

#endif
