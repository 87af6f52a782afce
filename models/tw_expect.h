/* tw_expect.h - what importers expect of measures that nothing has scheduled to end: the
 * `firms.expectations:` keys and the chance of a deal within the planning horizon.
 *
 * A measure that a government raised and can bargain away (a negotiable measure: by
 * default the 2025 levers, `reciprocal` and `counter_tariff`) is expected to come down to
 * an agreed level when the two sides strike a deal. Deals come at a rate per year taken
 * from the scenario's own event process where it has one (the mean leader-contact hazard
 * times the mean chance that a contact ends in a deal: events.leader_calls and
 * events.deal), so that the firms' beliefs and the model's politics agree; the events' deals
 * are between the US and China, so only those two pairs expect one. A scenario without
 * that process uses the same fitted rate as a prior for every pair (data/trade_dynamics.csv
 * deal_rate_prior_per_year). The chance of a deal within the horizon H (the front-loading
 * horizon, firms.frontload.horizon_days) is q = 1 - exp(-rate H / 365); the firms weigh
 * the price after a deal with it (tw_firms.c) as they weigh a scheduled end with
 * firms.expiry_belief.
 *
 * Keys (all optional):
 *   firms.expectations.negotiable       measure ids a deal brings down (default
 *                                       [reciprocal, counter_tariff]; [] for none)
 *   firms.expectations.deal_level_pct   the level they come down to, percent (default:
 *                                       events.truce.levels of the imposer where given,
 *                                       else 10, the level of every 2025 pause up to 31 May)
 *   firms.expectations.deals_per_year   the rate (default: from the events as above, else
 *                                       the prior); 0 turns the expectation off
 * The governments' lever measures (governments.<R>.measure) are negotiable too.
 *
 * A scheduled end (a truce that expires) is the events' as well where they run truces: the
 * chance firms give it, firms.expiry_belief, defaults to 1 - the mean chance of an
 * extension (events.truce.extension.base) there, and to 0.5 elsewhere.
 */
#ifndef TW_EXPECT_H
#define TW_EXPECT_H

#include "tw_config.h"
#include "tw_error.h"
#include "tw_events.h"
#include "tw_tariffs.h"

/* data/trade_dynamics.csv deal_rate_prior_per_year: the default scenario's fitted process,
 * mean contact hazard 0.00778 a day (lognormal mu -4.886, sigma 0.244) times mean P(deal |
 * contact) 0.242 (Beta 1.883, 5.898), decision points 2018 to May 2025
 * (analysis/fit_politics.py). */
#define TW_DEAL_RATE_PRIOR 0.69
#define TW_DEAL_LEVEL_DEFAULT 0.10

typedef struct {
    tw_deal_terms terms;          /* what a deal does (tw_tariffs_rates_deal) */
    double per_year;              /* deals a year expected */
    bool from_events;             /* the rate is the events' (US-China pairs only) */
    double q[TW_NREG_MAX][TW_NREG_MAX];   /* [imposer][target] chance of a deal within the horizon */
    double expiry_belief;         /* the events' chance that a truce ends; NAN: no events */
} tw_expect_params;

/* Read firms.expectations (firms: the `firms:` map or NULL) against the scenario's book
 * (its measure names), governments' levers, events and truce levels, for the horizon in
 * days. Errors are TW_ECONFIG at the key. */
tw_status tw_expect_load(const tw_cfg_node *firms, const tw_tariff_book *book,
                         const tw_events_params *ev, int horizon, tw_expect_params *out,
                         tw_err *err);

#endif
