/* tw_rare_earths_internal.h - the fields of a replicate's rare-earth state (tw_re_state).
 *
 * Not API: private to the rare-earth block (tw_rare_earths.c, the step, and
 * tw_rare_earths_series.c, its indicators and outcomes) and the model's own tests, which
 * check the firms' stocks and orders; tools/check-layout keeps the list. Everything else
 * reaches the state through tw_rare_earths.h.
 */
#ifndef TW_RARE_EARTHS_INTERNAL_H
#define TW_RARE_EARTHS_INTERNAL_H

#include "tw_rare_earths.h"

/* Per-day partial sums of one block (TW_RE_NPART doubles). Quantities in days of one
 * firm's full use (the cell converts them to tonnes) or in firm counts. */
enum {
    TW_RE_PART_SHIPPED,
    TW_RE_PART_RECEIVED,
    TW_RE_PART_TRANSIT,
    TW_RE_PART_APPS,
    TW_RE_PART_APPROVALS,
    TW_RE_PART_STOCK,
    TW_RE_PART_USED,
    TW_RE_PART_HALTED,
    TW_RE_PART_STOPPED,
    TW_RE_PART_OUTPUT,
    TW_RE_PART_NET,
    TW_RE_PART_SHORT,  /* unmet need of short firms before the market, firm-days */
    TW_RE_PART_BOUGHT, /* bought from the spot market */
    TW_RE_PART_SOLD,   /* offered to it */
    TW_RE_PART_HIST,
    TW_RE_NPART = TW_RE_PART_HIST + TW_RE_NBIN
};

/* One destination's conditions on one day, resolved before the firm loop. */
typedef struct {
    int regime;      /* tw_ctrl_regime */
    float hazard;    /* approval probability today before sector priority (0 on weekends
                      * and under halt) */
    int validity;    /* days a licence granted today lasts; 0 = pending orders only */
    float ns;        /* share of need from makers outside the exporter today */
    float lead;      /* days of the expected licence delay (times need in the firm loop) */
} tw_re_dest_day;

struct tw_re_state {
    const tw_re_params *re; /* the scenario's parameters */
    tw_rng_key key;         /* the replicate's */
    tw_exec ex;             /* the replicate's executor */
    size_t nblk;            /* blocks per dependent cell */
    size_t n;               /* firms in all: ncell * per_cell */
    size_t spb;             /* magnet makers per block */
    double cover_median;    /* this replicate's median cover, days */
    double reserve_factor;  /* this replicate's factor on the reserve medians */
    /* firm state, structure of arrays, [n]; firm k of dependent cell j is j * per_cell + k
     * in the arrays and has agent id cell * per_cell + k in the random streams */
    float *cover;           /* order-up-to level of the own stock, days of full use */
    float *reserve;         /* WIP, sub-assembly, distributor and stockpiled magnets, days */
    float *stock;           /* licensed magnets held, reserve included, days of full use */
    float *order;           /* quantity on order, days of full use; 0 = none */
    int32_t *arrive;        /* day index the order arrives; -1 = waiting for a licence */
    float *owed;            /* output still to be caught up, days of full output */
    /* magnet makers, [ncell * nblk * spb]; maker m of block b of cell j is
     * (j * nblk + b) * spb + m */
    int32_t *licence_until; /* day index (exclusive) until which the maker's licence holds */
    int32_t *applied;       /* day index of its pending application; -1 none */
    double *partials;       /* [ncell * nblk][TW_RE_NPART] */
    double *budget;         /* [ncell * nblk] today's spot purchases allowed, firm-days */
    double pool_t;          /* magnets held by the spot market, tonnes */
    double premium;         /* today's spot premium over the contract price, share */
    float sell_frac;        /* today's share of the stock above the reorder point offered */
    tw_re_dest_day dd[TW_NREG_MAX];
    bool general[TW_RE_NCELL]; /* today: the cell's firms hold a general licence */
    bool timed;             /* add each tw_re_step's process CPU seconds to `seconds` (the
                             * benchmark's share of the day; results do not depend on it) */
    double seconds;
    int32_t ramp_start[TW_NREG_MAX]; /* day index the regime first left open; -1 not yet */
    /* day results per cell (tonnes, counts, percent) */
    double shipped_t[TW_RE_NCELL], received_t[TW_RE_NCELL], transit_t[TW_RE_NCELL];
    double free_t[TW_RE_NCELL];  /* outside-scope bare magnets from the exporter, tonnes */
    double used_t[TW_RE_NCELL];  /* licensed magnets used, tonnes */
    double stock_t[TW_RE_NCELL]; /* licensed magnets held, tonnes */
    double apps[TW_RE_NCELL], approvals[TW_RE_NCELL];
    double pending[TW_RE_NCELL]; /* makers with an application pending at the day's end */
    double inv_mean[TW_RE_NCELL], inv_p10[TW_RE_NCELL]; /* days of full use */
    double halted[TW_RE_NCELL];  /* firms with a line stopped (count) */
    double stopped[TW_RE_NCELL]; /* firms counted as stopped plants (count) */
    double output[TW_RE_NCELL];  /* mean gross output of the dependent firms, share */
    double net[TW_RE_NCELL];     /* mean output with catch-up, share of potential */
    double gross_loss[TW_NREG_MAX][TW_NSEC]; /* share of output stopped today, 0..1 */
    double hist[TW_RE_NCELL][TW_RE_NBIN]; /* today's stock histogram */
    /* cumulative tonnes since the start (shipped counts what was in transit at the
     * start), for the conservation identity */
    double cum_shipped_t[TW_RE_NCELL], cum_received_t[TW_RE_NCELL];
    /* the day's spot market per cell, tonnes: unmet need before it, bought, offered */
    double short_t[TW_RE_NCELL], bought_t[TW_RE_NCELL], sold_t[TW_RE_NCELL];
    /* what the day view reads (tw_re_output_loss, tw_re_gdp_pct) */
    double output_loss[TW_NREG_MAX][TW_NSEC]; /* share of potential output lost today, 0..1 */
    double gdp_pct[TW_NREG_MAX];             /* GDP today against the baseline, percent */
};

/* tw_rare_earths_series.c: the p-quantile of stocks from a histogram h[TW_RE_NBIN] of n
 * firms (linear within a bin); the block's outcomes before the first day (from
 * tw_re_init) and after each day's step (from tw_re_step), into the block's slice. */
double tw_re_hist_quantile(const double *h, double n, double prob);
void tw_re_outcomes_start(double *out);
void tw_re_outcomes_day(const tw_re_state *st, const tw_world *world, uint32_t d, double *out);

#endif
