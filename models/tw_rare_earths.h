/* tw_rare_earths.h - supply-constrained production under export controls on a chokepoint
 * good (rare-earth magnets): parameters and per-replicate state.
 *
 * Not API: only models/ includes it (through tw_trade_internal.h) and the model's tests.
 *
 * The mechanism. In every region other than the exporter and every sector with a positive
 * magnet intensity (data/rare_earth_sectors.csv), `per_cell` dependent firms hold magnet
 * stock measured in days of full-output use. Each firm has an order-up-to level S (its
 * cover, lognormal across firms, weeks to a few months) and a reorder point
 * R = lag + reorder_share * (S - lag): when its stock x falls to R and it has no order
 * outstanding it orders S - x + lag * need (need = the day's use from the exporter), so
 * that a shipment sent at once restores the cover on arrival; under open trade stocks
 * cycle between R - lag * need and S and never run out. Under an open regime the order
 * ships at once; under licensing or slow-roll the firm files a licence application,
 * approved on each later working day with probability h (slow-roll: factor * h), a
 * geometric delay in working days. h is set so that a share review_share of applications
 * is decided within the statutory review period: h = 1 - (1 - review_share)^(1 / review).
 * Under halt nothing is approved and nothing ships. Firms that know approvals take time
 * apply early: without a valid licence their reorder point rises by the expected delay
 * (1/h working days, in calendar days) times their daily need. When a licence comes, the
 * shipment is topped up to restore the cover on arrival, since the stock has fallen while
 * the application waited. A licence granted under an entry with validity_days > 0 covers further orders of
 * that firm until it lapses. Approved orders arrive ship_lag_days later.
 *
 * A share of each firm's need (non_china_share at first) comes from other suppliers
 * without a licence; once the destination's regime first leaves `open` that share ramps
 * linearly to non_china_max_share over ramp_days. Production is Leontief in the magnet
 * input: a firm whose stock cannot cover today's need from the exporter produces the
 * non-exporter share plus whatever stock it has left, and counts as halted. A cell's lost
 * output is the dependent share of the sector times the mean shortfall; the region's GDP
 * effect is the value added of the lost output.
 *
 * Tonnes: a cell's magnet use in tonnes a day is set so that the exporter's shipments at
 * the start (1 - non_china_share of use) match its 2024 exports by destination
 * (exports_t_per_year), split over sectors by intensity times 2024 gross output.
 */
#ifndef TW_RARE_EARTHS_H
#define TW_RARE_EARTHS_H

#include <stdbool.h>
#include <stdint.h>

#include "tw_calendar.h"
#include "tw_world.h"

/* The rare-earth indicators: X(ID, name, unit, aggregation, definition). Region = the
 * firms' region, partner = the exporter. Their values: tw_re_value (tw_rare_earths.c). */
#define TW_RE_INDICATORS(X)                                                                  \
    X(RE_SHIPMENTS, "re_shipments", "tonnes per day", SUM,                                  \
      "rare-earth magnets shipped by the exporter to the region's dependent firms")         \
    X(RE_RECEIVED, "re_received", "tonnes per day", SUM,                                    \
      "rare-earth magnets arriving at the region's dependent firms")                        \
    X(RE_IN_TRANSIT, "re_in_transit", "tonnes", MEAN, "magnets shipped and not yet arrived") \
    X(RE_APPLICATIONS, "re_licence_applications", "applications per day", SUM,              \
      "export-licence applications filed by the region's dependent firms")                  \
    X(RE_APPROVALS, "re_licence_approvals", "licences per day", SUM,                        \
      "export licences approved for the region's dependent firms")                          \
    X(RE_INVENTORY, "re_inventory_days", "days of full use", MEAN,                          \
      "mean magnet stock of the dependent firms")                                           \
    X(RE_INVENTORY_P10, "re_inventory_days_p10", "days of full use", MEAN,                  \
      "10th percentile of the dependent firms' magnet stock")                               \
    X(RE_HALTED, "re_firms_halted", "percent of dependent firms", MEAN,                     \
      "dependent firms whose stock cannot cover the day's need")                            \
    X(RE_REGIME, "re_regime", "code: 0 open, 1 licensing, 2 slow_roll, 3 halt", CATEGORY,    \
      "the exporter's export-control regime toward the region")                             \
    X(OUTPUT_LOSS, "output_loss", "percent of potential output", MEAN,                      \
      "the sector's output lost to magnet shortages (all: of the region's goods output)")   \
    X(GDP, "gdp", "percent change against the baseline", MEAN,                              \
      "the region's GDP change from output lost to shortages (value added)")

/* The rare-earth outcomes, in replicates.csv's order. */
#define TW_RE_OUTCOMES(X)                                                                    \
    X(RE_US_VEH_FIRST_LOSS, "re_us_vehicles_first_loss_day", "days from the start", CATEGORY, \
      "first day US vehicle output loss exceeds loss_threshold_pct; nan if never")          \
    X(RE_US_VEH_PEAK_LOSS, "re_us_vehicles_peak_loss_pct", "percent", MEAN,                 \
      "peak US vehicle output loss")                                                        \
    X(RE_SHORTAGE_DAYS_US, "re_us_shortage_days", "days", SUM,                              \
      "days with US vehicle output loss above loss_threshold_pct")                          \
    X(GDP_LOSS_US, "gdp_loss_us_usd_bn", "USD bn", SUM, "US GDP lost to shortages")         \
    X(GDP_LOSS_EU, "gdp_loss_eu_usd_bn", "USD bn", SUM, "EU GDP lost to shortages")

#define TW_RE_NCELL (TW_NREG * TW_NSEC)
/* Stock histogram for the 10th percentile across firms: bin 0 holds firms with no stock,
 * bin b >= 1 holds stock in ((b - 1) w, b w] with w = TW_RE_BIN_DAYS. Covers stock up to
 * TW_RE_COVER_MAX days, the largest cover a scenario may give. */
#define TW_RE_BINS_PER_DAY 2
#define TW_RE_BIN_DAYS (1.0 / TW_RE_BINS_PER_DAY)
#define TW_RE_COVER_MAX_DAYS 240
#define TW_RE_COVER_MAX ((double)TW_RE_COVER_MAX_DAYS)
#define TW_RE_NBIN (1 + TW_RE_COVER_MAX_DAYS * TW_RE_BINS_PER_DAY)

typedef struct {
    bool dependent[TW_RE_NCELL]; /* cell has rare-earth dependent firms */
    int ncell;                   /* number of dependent cells */
    int cell[TW_RE_NCELL];       /* [ncell] their cell indices (importer * TW_NSEC + sector) */
    int exporter;                /* region whose export controls bind */
    int64_t per_cell;            /* dependent firms per dependent cell */
    double cover_median, cover_log_sd, cover_min, cover_max; /* days of full use */
    double cover_rep_sd;         /* log-sd of the median across replicates (uncertainty) */
    double reorder_share;        /* reorder point between the lag (0) and the cover (1) */
    double review_days;          /* statutory review period, working days */
    double review_share;         /* share decided within it under plain licensing */
    double hazard;               /* approval probability per working day under licensing */
    bool anticipate;             /* firms apply earlier by the expected licence delay */
    int ship_lag;                /* calendar days from approval (or order) to arrival */
    double ns0, ns_max;          /* non-exporter share of need, at first and at most */
    int ramp_days;               /* days for ns to ramp from ns0 to ns_max */
    double va_ratio;             /* value added per unit of gross output */
    double threshold_pct;        /* output loss (percent) that counts as a shortage */
    double intensity[TW_NSEC];   /* relative magnet tonnes per USD of gross output */
    double dep_share[TW_NSEC];   /* share of the sector's output that needs magnets */
    double exports_t[TW_NREG];   /* exporter's 2024 exports to each region, tonnes/year */
    double gross_output[TW_RE_NCELL]; /* 2024 gross output of the cell, USD bn / year */
    double use_t[TW_RE_NCELL];   /* magnet use of the whole cell, tonnes / day */
} tw_re_params;

/* Per-day partial sums of one block (TW_RE_NPART doubles). Quantities in days of one
 * firm's full use (the cell converts them to tonnes) or in firm counts. */
enum {
    TW_RE_PART_SHIPPED,
    TW_RE_PART_RECEIVED,
    TW_RE_PART_TRANSIT,
    TW_RE_PART_APPS,
    TW_RE_PART_APPROVALS,
    TW_RE_PART_STOCK,
    TW_RE_PART_HALTED,
    TW_RE_PART_OUTPUT,
    TW_RE_PART_HIST,
    TW_RE_NPART = TW_RE_PART_HIST + TW_RE_NBIN
};

/* One destination's conditions on one day, resolved before the firm loop. */
typedef struct {
    int regime;      /* tw_ctrl_regime */
    float hazard;    /* approval probability today (0 on weekends and under halt) */
    int validity;    /* days a licence granted today lasts; 0 = this shipment only */
    float ns;        /* non-exporter share of need today */
    float lead;      /* days of use by which a firm without a licence reorders early */
} tw_re_dest_day;

typedef struct {
    size_t nblk;            /* blocks per dependent cell */
    size_t n;               /* firms in all: ncell * per_cell */
    double cover_median;    /* this replicate's median cover, days */
    /* firm state, structure of arrays, [n]; firm k of dependent cell j is j * per_cell + k
     * in the arrays and has agent id cell * per_cell + k in the random streams */
    float *cover;           /* order-up-to level, days of full use */
    float *stock;           /* magnets held, days of full use */
    float *order;           /* quantity on order, days of full use; 0 = none */
    int32_t *arrive;        /* day index the order arrives; -1 = waiting for a licence */
    int32_t *licence_until; /* day index (exclusive) until which the firm's licence holds */
    double *partials;       /* [ncell * nblk][TW_RE_NPART] */
    tw_re_dest_day dd[TW_NREG];
    int32_t ramp_start[TW_NREG]; /* day index the regime first left open; -1 not yet */
    /* day results per cell (tonnes, counts, percent) */
    double shipped_t[TW_RE_NCELL], received_t[TW_RE_NCELL], transit_t[TW_RE_NCELL];
    double apps[TW_RE_NCELL], approvals[TW_RE_NCELL];
    double inv_mean[TW_RE_NCELL], inv_p10[TW_RE_NCELL]; /* days of full use */
    double halted[TW_RE_NCELL];  /* firms halted (count) */
    double output[TW_RE_NCELL];  /* mean output of the dependent firms, share of potential */
    double hist[TW_RE_NCELL][TW_RE_NBIN]; /* today's stock histogram */
    /* cumulative tonnes since the start, for the conservation identity */
    double cum_shipped_t[TW_RE_NCELL], cum_received_t[TW_RE_NCELL];
} tw_re_state;

#endif
