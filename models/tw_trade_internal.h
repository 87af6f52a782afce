/* tw_trade_internal.h - parameters, state and helpers shared by the model's files.
 *
 * Not API: only tw_trade.c and tw_trade_params.c include it (and the model's own tests);
 * tools/check-layout keeps the list. The indicators (tw_indicators.h), the importer firms
 * (tw_firms.h), the governments (tw_gov.h), the events (tw_events.h), the
 * general-equilibrium closure (tw_ge_day.h) and the rare-earth firms (tw_rare_earths.h)
 * do not: they own their state behind a handle and read the day through a read-only view
 * (tw_day.h).
 *
 * Owners. The replicate state composes the modules' own state, each created and freed by
 * its module: the firm arrays (tw_firm_arrays, tw_firms.h), the tariff book with its rate
 * cache (tw_rates, tw_rates.c: the only code that changes entries or marks rates stale),
 * the export-control book (tw_control_book, tw_controls.c; governments append to it),
 * the rare-earth firms (tw_re_state, tw_rare_earths.h: they own the day's output loss
 * and GDP change), the governments (tw_gov_world, tw_gov.h), the events (tw_events,
 * tw_events.h: draws, truce, compliance, calls, court, third parties), the event log
 * both append to (tw_event_log, tw_event_log.h; the replicate owns it) and the
 * general-equilibrium closure (tw_ge_day, tw_ge_day.h), and the day's flows with the
 * shipping pipeline (tw_flows, tw_flows.h). Today's rate views are written by tw_trade.c;
 * the others read them and the flows through the day's view (tw_trade.c's trade_view). Outcomes: each block writes the entries of its own list, its slice of out
 * (tw_trade_series.c the trade list, tw_rare_earths_series.c the rare-earth list, tw_gov.c
 * and tw_events.c each their own entries of the policy list; the order and the slices:
 * tw_indicators.h).
 *
 * Units. Money is USD billion a year (annualised rates) inside the model; indicators
 * convert to USD million a day. Each region's producer price (its wage) w is 1 on the first
 * day and moved by the general-equilibrium closure (tw_ge_day.c): a buyer in region i pays
 * p = w_o (1 + pass_through * tau) (tw_buyer_price) for a unit from a foreign origin o with
 * tariff tau, and w_i for a unit from home. Customs value is spending / (1 + tau) and
 * statutory duty tau times customs value, tau being the rate paid on the purchases (a cell
 * split into sub-cells pays each sub-cell's rate on its part: s->tau_paid); customs
 * collects the part of it that does not leak (tw_duties.h).
 *
 * Cells. A cell is one (importer, sector): the world's nreg * TW_NSEC cells (arrays hold
 * TW_NCELL_MAX, tw_day.h; loops run over the world's), each with
 * per_cell firms; firm k of cell c has the global id c * per_cell + k, which keys its
 * random numbers.
 */
#ifndef TW_TRADE_INTERNAL_H
#define TW_TRADE_INTERNAL_H

#include <stdint.h>

#include "tw_controls.h"
#include "tw_duties.h"
#include "tw_firms.h"
#include "tw_flows.h"
#include "tw_day.h"
#include "tw_ge_day.h"
#include "tw_events.h"
#include "tw_expect.h"
#include "tw_gov.h"
#include "tw_indicators.h"
#include "tw_model.h"
#include "tw_rare_earths.h"
#include "tw_rates.h"
#include "tw_tariffs.h"
#include "tw_trade_bench.h"
#include "tw_world.h"

_Static_assert(TW_NCELL_MAX == TW_TRADE_NCELL && TW_NREG_MAX == TW_TRADE_NORIGIN,
               "tw_trade_bench.h's layout constants match the world");

/* Random number purposes (the counter's purpose field): importer firms,
 * TW_PURPOSE_FIRM_INIT and TW_PURPOSE_FIRM_DAY (tw_firms.h); rare-earth firms,
 * TW_PURPOSE_RE_INIT and TW_PURPOSE_RE_DAY (tw_rare_earths.h); government agents and
 * events, TW_PURPOSE_GOV and TW_PURPOSE_EVENT (tw_policy.h). */

typedef struct {
    /* calibration */
    tw_world world;
    double sigma[TW_NSEC];       /* lower nest: between foreign origins (model.sigma) */
    double sigma_upper[TW_NSEC]; /* upper nest: home vs imports (model.sigma_upper) */
    /* firms */
    tw_firms_params firms; /* the `firms:` keys the firms read (tw_firms.h) */
    int fl_horizon;        /* firms.frontload.horizon_days: the outlook's reach */
    /* prices and demand */
    double pass_through, demand_elasticity;
    tw_ge_day_params ge; /* general-equilibrium closure (tw_ge_day.h): `ge:` keys */
    bool seasonality;                    /* model.seasonality */
    bool transit_on;                     /* model.transit */
    int transit[TW_NREG_MAX][TW_NREG_MAX];       /* [exporter][importer] days from loading to entry */
    double season[TW_NREG_MAX][TW_NREG_MAX][12]; /* [importer][origin][month]: factor of base purchases */
    /* tariffs and their daily schedules over the run */
    tw_tariff_book book;
    tw_control_book controls; /* the scenario's export controls */
    tw_duty_params duties;    /* collected against statutory duties (tw_duties.h) */
    tw_re_params re;          /* rare-earth firms (tw_rare_earths.c) */
    char data_root[4096];     /* the calibration folder (model.data_dir, $TW_DATA_DIR or data/) */
    char data_dir[4096];      /* the world's folder in it (`world:`; data_root for the four
                               * regions of data/ itself) */
    tw_gov_params gov[TW_NREG_MAX]; /* government agents: `governments:` (tw_gov.h) */
    tw_events_params ev;      /* events: `events:`, `third_parties:` (tw_events.h);
                               * ev.enabled: the policy block is on */
    tw_expect_params expect;  /* firms.expectations: the chance of a deal (tw_expect.h) */
    tw_day start, end;
    int ndays;
    tw_rate_table *tau_now; /* [ndays] effective rates on each day */
    tw_rate_table *tau_exp; /* [ndays] outlook from announced entries (tw_tariffs_outlook sure) */
    tw_rate_table *tau_any; /* [ndays] outlook with scheduled ends too (its any) */
    tw_rate_table *tau_deal; /* [ndays] rates after a deal (tw_tariffs_rates_deal) */
    tw_rates_scenario rates_sc; /* the tables above for every replicate's cache (tw_rates.h) */
    tw_rate_table *tau_entry; /* [ndays] rates of the goods entering customs that day
                               * (tw_tariffs_rates_entering: in-transit rules applied) */
    bool *split_day;        /* [ndays] an entry of the book takes effect or ends that day:
                             * the sub-cells (tw_tariffs_split) may change */
    /* base state (rates on the first day): per cell c = importer * TW_NSEC + sector */
    double e0[TW_NCELL_MAX];                /* buyer spending, USD bn / year */
    double base_share[TW_NCELL_MAX][TW_NREG_MAX]; /* spending share of each origin */
    double rel0[TW_NCELL_MAX][TW_NREG_MAX];     /* the first day's price relatives (1 but in cells
                                         * split into sub-cells, tw_split_demand) */
    tw_nest nest[TW_NCELL_MAX];             /* nested CES demand (tw_demand.h) */
    /* output series and the terminal report of the world (tw_report.c) */
    tw_trade_world_report report;
    tw_series_def *defs;
    tw_series_label *labels;
    size_t n_series;
    size_t *only, n_only; /* observe only these series (tw_model's observe_only), or all */
} tw_trade_params;

typedef struct {
    const tw_trade_params *p;
    tw_rng_key key;
    tw_exec ex;
    tw_firm_arrays f;   /* importer firms (tw_firms.c) */
    tw_cell_day cd[TW_NCELL_MAX];
    uint32_t day_index;
    /* day results, per cell */
    double share[TW_NCELL_MAX][TW_NREG_MAX];    /* size share of firms by origin */
    double purchase[TW_NCELL_MAX][TW_NREG_MAX]; /* size * days bought, by origin: quantities */
    double pbar[TW_NCELL_MAX], pbar0[TW_NCELL_MAX]; /* price index of the cell's quantity (today,
                                             * day 0; tw_trade_own_demand) */
    double own[TW_NCELL_MAX][TW_NREG_MAX];      /* a firm's own-demand factor by origin, today */
    double lambda0[TW_NCELL_MAX];           /* domestic choice share at the start */
    tw_flows *flows; /* the day's flows and the shipping pipeline (tw_flows.h) */
    /* this replicate's export controls: the scenario's, plus entries its governments add */
    tw_control_book controls;
    /* rare-earth firms (tw_rare_earths.h): they own the day's supply shortages (output
     * lost, GDP change), which the day view points at */
    tw_re_state *re;
    /* this replicate's tariffs: the scenario's book plus what its governments and events
     * add, and the cache of its daily rate tables (tw_rates.h) */
    tw_rates *rates;
    const tw_rate_table *tau;     /* today's effective rates (a view set by tw_trade.c) */
    tw_rates_day rt;              /* today's tables (rt.now == tau) */
    tw_rate_table tau0;       /* the first day's rates, base of the price indices */
    tw_split_table split;     /* today's sub-cells (tw_tariffs_split), set by tw_trade.c */
    uint32_t split_version;   /* tw_rates_version of the book split was resolved from (0:
                               * the scenario's) */
    tw_rate_table tau_paid;   /* tariff on today's purchases (sub-cells, tw_split_demand),
                               * [importer][origin][sector]; set by tw_firms_prepare_day */
    tw_gov_world *gov;        /* the governments (tw_gov.h); NULL unless ev.enabled */
    tw_events *ev;            /* the events (tw_events.h); NULL unless ev.enabled */
    tw_event_log log;         /* what the governments and events did (tw_event_log.h) */
    /* general equilibrium (tw_ge_day.h): producer prices, incomes, welfare */
    tw_ge_day *ge;
    const double *w;      /* [TW_NREG_MAX] producer prices (tw_ge_day_prices) */
    /* running outcomes, [tw_outcome_count()]: each block's slice from tw_outcome_first */
    double *out;
} tw_trade_state;

/* tw_trade_params.c */
tw_status tw_trade_params_load(const tw_cfg_node *root, tw_trade_params **out, tw_err *err);
void tw_trade_params_free(tw_trade_params *p);


#endif
