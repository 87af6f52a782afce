/* tw_rare_earths.h - supply-constrained production under export controls on a chokepoint
 * good (rare-earth magnets): parameters and per-replicate state.
 *
 * Not API: only models/ includes it (and the model's own tests).
 *
 * Ownership: the parameters (tw_re_params, read by tw_re_params_load in
 * tw_rare_earths_params.c) are read-only after load. A tw_re_state belongs to one
 * replicate (tw_re_create / tw_re_free; its fields in tw_rare_earths_internal.h, private
 * to tw_rare_earths.c); tw_trade.c steps it after the day's flows with the replicate's
 * export-control book and a read-only view of the day (tw_day.h), and points the view's
 * output loss and GDP change at the state's own arrays. The block lists its own
 * indicators and outcomes, with their series and values, in tw_rare_earths_series.c
 * (tw_re_measures), and writes only its slice of the replicate's outcomes.
 *
 * Thread-safety: a state is used by one replicate's thread (its step runs the firm blocks
 * on the replicate's executor).
 *
 * The mechanism (sources and the weak numbers: data/README.md, "rare_earth_buffers.csv and
 * rare_earth_channels.csv"). In every region other than the exporter and every sector with
 * a positive magnet intensity (data/rare_earth_sectors.csv), `per_cell` dependent firms
 * use magnets, measured in days of the firm's full-output use.
 *
 * Channels. A firm's need comes through four channels: magnets outside the controls' scope
 * (no dysprosium or terbium; a share by sector of the exporter's bare magnets), magnets embedded in imported motors and
 * parts (a share by sector, uncontrolled), makers outside China (non_china_share at first,
 * ramping linearly to non_china_max_share over ramp_days once the destination's regime
 * first leaves `open`), and licensed bare magnets from the exporter (the rest). The first
 * three arrive as steady flows; only the licensed channel is stocked, ordered and held up.
 *
 * Buffers in tiers, each drawn in days of the firm's use of licensed magnets (so that a
 * cover of 21 days lasts 21 days whatever the other channels bring; the state holds them
 * in days of full use, times the licensed share of need at the start). The licensed
 * channel's magnets sit (1) at the user: an order-up-to
 * level S (cover, lognormal across firms, the median drawn per replicate) with reorder
 * point R = lag + reorder_share * (S - lag), S at least lag + 1; (2) in transit: one
 * order outstanding at a time, the destination's ship_lag_days on the way (the pipeline
 * is filled at the start, so the mean stock in transit is lag days of flow); (3) in a
 * reserve of magnets inside work in progress and sub-assemblies at suppliers plus stock
 * bought from distributors (days by sector, lognormal across firms, the median factor
 * drawn per replicate), which a firm draws only once its own stock is gone and refills
 * first from the next receipt; (4) an optional stockpile built before the controls
 * (stockpile_days of the licensed channel's use, held with the reserve: ordinary use
 * before a control leaves it whole, and under a halt it delays a firm's first loss by at
 * least stockpile_days;
 * the firm rebuilds it from its next receipts). A firm's stock x counts all of (1), (3)
 * and (4); its own stock is x - reserve.
 *
 * Licences per supplier. Firms are grouped into magnet makers of customers_per_supplier
 * customers each (within one block of firms). A firm that must reorder without a valid
 * licence leaves its order pending and its maker files one application (unless one is
 * pending); the maker's application is approved on each later working day with
 * probability h * priority[sector] (slow-roll: factor * h), a geometric delay; the
 * licence covers every customer's orders until it lapses (validity_days of the control
 * entry, or where it gives none the destination's licence_validity_days; 0 = the orders
 * pending on the day of approval). h is set so that a share
 * review_share of applications is decided within the statutory review period:
 * h = 1 - (1 - review_share)^(1 / review). Under halt nothing is approved. Firms that know
 * approvals take time reorder early by the expected delay (1/h working days). A general
 * licence (general_licences) covers every firm of a destination, or of one of its sectors,
 * from a date for its validity: their orders no longer wait for their maker's approval.
 * Approval capacity (approval_capacity_share of the makers modelled a working day, 0 =
 * none) is shared across destinations:
 * when the day's expected approvals (applications pending at the end of the day before
 * times each one's probability) exceed it, every destination's probability is scaled down
 * by the same factor, so that the expected approvals equal the capacity.
 *
 * Rationing. A firm with a fraction a < 1 of today's need (channels plus stock) cuts the
 * lines it cannot supply, not all of them: lines in order of output per magnet, the
 * lowest first (combustion-car lines need half the magnets of electric ones; lines without
 * magnets never stop), so output is a concave piecewise-linear F(a) >= a with F(1) = 1.
 * A firm's plants pool their stock (the firm is the unit that rations).
 *
 * Spot market (market_sell_share > 0; off by default). Magnets move between firms of any
 * cell and destination through a pool: each day firms offer a share sell * premium / pmax
 * of their own stock above their reorder point, and the pool (yesterday's offers less what
 * was bought) goes to the cells whose short firms keep the most output per tonne (the
 * rationing curve's slope at the free share times output per tonne of use), highest
 * first, each up to what its short firms lacked yesterday; within a cell, in firm order.
 * The premium is pmax * D / (D + S), D yesterday's unmet need and S the pool, both in
 * tonnes: it rises with scarcity. Magnets are conserved: stocks plus the pool change by
 * receipts less use.
 *
 * Catch-up. A share catch_up_share of output lost (up to catch_up_stoppage_days of loss)
 * is owed; on days of full supply the firm makes it up at the rate that clears that much
 * in catch_up_weeks, using extra magnets. output_loss is net of it; output_loss_gross is
 * the stoppage alone.
 *
 * Tonnes: a cell's magnet use in tonnes a day is set so that the exporter's bare-magnet
 * shipments at the start (licensed plus outside-scope channels) match its 2024 exports by
 * destination (exports_t_per_year), split over sectors by intensity times 2024 gross
 * output. The region's GDP effect is the value added of the net lost output.
 */
#ifndef TW_RARE_EARTHS_H
#define TW_RARE_EARTHS_H

#include <stdbool.h>
#include <stdint.h>

#include "tw_calendar.h"
#include "tw_config.h"
#include "tw_controls.h"
#include "tw_day.h"
#include "tw_error.h"
#include "tw_measures.h"
#include "tw_parallel.h"
#include "tw_rng.h"
#include "tw_world.h"

#define TW_RE_NCELL (TW_NREG_MAX * TW_NSEC)
/* Stock histogram for the 10th percentile across firms: bin 0 holds firms with no stock,
 * bin b >= 1 holds stock in ((b - 1) w, b w] with w = TW_RE_BIN_DAYS. Covers stock up to
 * TW_RE_COVER_MAX days, the largest cover a scenario may give. */
#define TW_RE_BINS_PER_DAY 2
#define TW_RE_BIN_DAYS (1.0 / TW_RE_BINS_PER_DAY)
#define TW_RE_COVER_MAX_DAYS 240
#define TW_RE_COVER_MAX ((double)TW_RE_COVER_MAX_DAYS)
#define TW_RE_NBIN (1 + TW_RE_COVER_MAX_DAYS * TW_RE_BINS_PER_DAY)
/* Breakpoints of a cell's rationing curve F: (a[i], y[i]), i < TW_RE_NSEG + 1. */
#define TW_RE_NSEG 3
/* General licences a scenario may give (rare_earths.general_licences). */
#define TW_RE_MAX_GENERAL 32

/* A general licence: from `from` until `until` (exclusive) the firms of a destination and
 * sector ship without a licence of their maker's, under licensing and slow-roll (a halt
 * still stops everything). region or sector -1: all. */
typedef struct {
    int region, sector;
    tw_day from, until;
} tw_re_general;

typedef struct {
    int nreg;                    /* regions of the world */
    int eu;                      /* index of the region coded EU (its outcomes), or -1 */
    bool dependent[TW_RE_NCELL]; /* cell has rare-earth dependent firms */
    int ncell;                   /* number of dependent cells */
    int cell[TW_RE_NCELL];       /* [ncell] their cell indices (importer * TW_NSEC + sector) */
    int exporter;                /* region whose export controls bind */
    int64_t per_cell;            /* dependent firms per dependent cell */
    /* buffers */
    double cover_median, cover_log_sd, cover_min, cover_max; /* user order-up-to, days */
    double cover_rep_sd;         /* log-sd of the median across replicates (uncertainty) */
    double reorder_share;        /* reorder point between the lag (0) and the cover (1) */
    double wip_days[TW_NSEC];    /* magnets in work in progress and sub-assemblies, days */
    double distributor_days;     /* distributor stock a short firm can buy, days */
    double reserve_log_sd;       /* spread of the reserve across firms, log points */
    double reserve_rep_sd;       /* log-sd of its median across replicates */
    double stockpile_days;       /* stockpile held with the reserve from the start, days */
    /* licences */
    double review_days;          /* statutory review period, working days */
    double review_share;         /* share decided within it under plain licensing */
    double hazard;               /* approval probability per working day under licensing */
    double priority[TW_NSEC];    /* approval pace factor by the customers' sector */
    double capacity;             /* approvals a working day the licensing office can sign
                                  * across all destinations, as a share of all magnet makers
                                  * modelled; 0 = no limit */
    int64_t per_supplier;        /* customers per magnet maker (one licence covers them) */
    tw_re_general general[TW_RE_MAX_GENERAL]; /* general licences, [ngeneral] */
    int ngeneral;
    bool anticipate;             /* firms apply earlier by the expected licence delay */
    int validity[TW_NREG_MAX];       /* days a licence lasts, by destination, where the control
                                  * entry gives none; 0 = the orders pending that day */
    int ship_lag[TW_NREG_MAX];       /* calendar days from approval (or order) to arrival, by
                                  * destination */
    /* channels */
    double ns0, ns_max;          /* makers outside the exporter: share of need, first, most */
    int ramp_days;               /* days for ns to ramp from ns0 to ns_max */
    double outside_share[TW_NSEC];  /* share of need outside the controls (no Dy/Tb) */
    double embedded_share[TW_NSEC]; /* share of need arriving inside imported parts */
    /* rationing and outcomes */
    double ev_share[TW_NREG_MAX];    /* electric (and plug-in) share of vehicle output */
    double ev_magnet_ratio;      /* magnets per electric car / per combustion car */
    double seg_a[TW_RE_NCELL][TW_RE_NSEG + 1]; /* rationing curve F: need met */
    double seg_y[TW_RE_NCELL][TW_RE_NSEG + 1]; /* and output kept */
    double catch_share;          /* share of lost output made up */
    double catch_cap;            /* most output owed, days of output */
    double catch_rate;           /* output made up a day at full supply, days of output */
    double plant_line_share;     /* share of magnet lines stopped that stops a plant */
    double va_ratio;             /* value added per unit of gross output */
    double threshold_pct;        /* output loss (percent) that counts as a shortage */
    double intensity[TW_NSEC];   /* relative magnet tonnes per USD of gross output */
    double dep_share[TW_NSEC];   /* share of the sector's output that needs magnets */
    /* spot market (off where mkt_sell is 0) */
    double mkt_sell;             /* share of a firm's own stock above its reorder point
                                  * offered a day at the highest premium */
    double mkt_pmax;             /* premium over the contract price at full scarcity, share */
    double mkt_value[TW_RE_NCELL]; /* output value kept per tonne bought at the margin, USD */
    int mkt_order[TW_RE_NCELL];  /* [ncell] dependent cells by mkt_value, highest first */
    double exports_t[TW_NREG_MAX];   /* exporter's 2024 exports to each region, tonnes/year */
    double gross_output[TW_RE_NCELL]; /* 2024 gross output of the cell, USD bn / year */
    double use_t[TW_RE_NCELL];   /* magnet use of the whole cell, tonnes / day */
} tw_re_params;

/* Random number purposes of the rare-earth block (the counter's purpose field). */
enum {
    TW_PURPOSE_RE_INIT = 3, /* cover and starting stock, the replicate's medians */
    TW_PURPOSE_RE_DAY = 4   /* licence approval draws */
};

/* The dependent firms and their makers of one replicate (tw_rare_earths_internal.h;
 * opaque outside tw_rare_earths.c and the model's tests). */
typedef struct tw_re_state tw_re_state;

/* Read the `rare_earths:` section, the tables by sector of data_dir (rare_earth_sectors.csv,
 * rare_earth_channel_shares.csv: every world reads data/'s own) and the defaults by region
 * of world_dir/rare_earth_regions.csv (the world's folder: shipping lag and electric share
 * of vehicle output, every region of the world once; a missing or bad file is TW_EDATA or
 * TW_EIO at "path:line:col"), with the 2024 calibration world (flows and gross output). */
tw_status tw_re_params_load(const tw_cfg_node *root, const tw_world *world, const char *data_dir,
                            const char *world_dir, tw_re_params *re, tw_err *err);

/* A replicate's firms (their arrays sized from re, which must outlive the state); key and
 * ex are the replicate's random key and executor. Before the first step, tw_re_init. */
tw_status tw_re_create(const tw_re_params *re, tw_rng_key key, const tw_exec *ex,
                       tw_re_state **out, tw_err *err);
void tw_re_free(tw_re_state *st);
/* Bytes of a state besides its firm arrays. */
size_t tw_re_state_bytes(void);
/* Draw covers and starting stocks (day 0, before the first step); out is the block's
 * slice of the replicate's outcomes (tw_re_measures.n_outcomes entries). */
void tw_re_init(tw_re_state *st, double *out);
/* One day: resolve each destination's regime from controls (the replicate's book, read
 * only), step the firms, set the day's output loss and GDP change, and move the block's
 * outcomes (its slice out). v: the day, its index and the world. */
void tw_re_step(tw_re_state *st, const tw_control_book *controls, const tw_day_view *v,
                double *out);
/* [TW_NREG_MAX][TW_NSEC] share of each sector's potential output lost today, net of catch-up,
 * 0..1; zero without dependent firms. Valid as long as st. */
const double (*tw_re_output_loss(const tw_re_state *st))[TW_NSEC];
/* [TW_NREG_MAX] each region's GDP today against the baseline, percent. Valid as long as st. */
const double *tw_re_gdp_pct(const tw_re_state *st);
/* The block's indicators, outcomes, series and values (tw_rare_earths_series.c); its
 * handle is the replicate's tw_re_state. */
extern const tw_measure_block tw_re_measures;
/* The benchmark's share of the day: with timed, add each tw_re_step's process CPU seconds
 * (all threads) to a sum that starts at 0 (results do not depend on it). */
void tw_re_time(tw_re_state *st, bool timed);
double tw_re_seconds(const tw_re_state *st);

#endif
