/* tw_indicators.c - the model's daily output series and per-replicate outcomes.
 *
 * What each indicator and outcome is, with its unit and aggregation, is listed in
 * tw_indicators.h (trade), tw_rare_earths.h and tw_gov.h; this file builds the series
 * list (the trade series here, then each block's: tw_gov_define, tw_re_define), computes
 * the trade values and the trade outcomes (the other blocks write theirs), and serves
 * the dictionary (tw_trade_indicator_list, tw_trade_outcome_list). It reads the day
 * through the read-only view (tw_day.h) and the other blocks through their handles
 * (tw_blocks), never the replicate state. Formulas:
 *   tariff_rate, import_price_index: sector rows are the effective rate (price);
 *                           aggregates weight sectors (and partners) by 2024 customs
 *                           imports (fixed base-year weights).
 *   tariff_rate_collected   sector rows: the share collected (tw_duties.h) times the rate
 *                           paid on the day's entries (tw_split_demand, in-transit rules
 *                           applied: the view's tau_in); aggregates
 *                           weight them by the day's customs value.
 *   expenditure_share       the Armington share of each origin, the home region included.
 *   import_price_index      includes the origin's producer price (tw_ge_day.c).
 *   welfare, welfare_tot, welfare_volume, welfare_revenue: the decomposition of real
 *                           spending chained day by day by tw_ge_day.c (its header has
 *                           the formulas), times 100.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tw_indicators.h"

#define TW__IND(id, name, unit, agg, region, partner, def) \
    {name, unit, def, TW_AGG_##agg, region, partner},
#define TW__OUT(id, name, unit, agg, def) {name, unit, def, TW_AGG_##agg, NULL, NULL},
static const tw_measure_info tw__indicators[] = {
    TW_TRADE_INDICATORS(TW__IND) TW_RE_INDICATORS(TW__IND) TW_GOV_INDICATORS(TW__IND)};
static const tw_measure_info tw__outcomes[] = {
    TW_TRADE_OUTCOMES(TW__OUT) TW_RE_OUTCOMES(TW__OUT) TW_GOV_OUTCOMES(TW__OUT)};
#undef TW__IND
#undef TW__OUT
_Static_assert(sizeof tw__indicators / sizeof tw__indicators[0] == TW_NIND,
               "one dictionary entry per indicator");
_Static_assert(TW_IND_STRATEGY_TRIGGERED - TW_IND_STRATEGY_HOLD == TW_GSTATE_TRIGGERED &&
                   TW_IND_RE_REGIME_HALT - TW_IND_RE_REGIME_OPEN == TW_CTRL_HALT,
               "one 0/1 indicator per state, in the state's order");
_Static_assert(sizeof tw__outcomes / sizeof tw__outcomes[0] == TW_NOUT,
               "one dictionary entry per outcome");

const char *const tw_aggregation_names[3] = {"sum", "mean", "category"};

size_t tw_trade_indicator_list(const tw_measure_info **list) {
    *list = tw__indicators;
    return TW_NIND;
}

size_t tw_trade_outcome_list(const tw_measure_info **list) {
    *list = tw__outcomes;
    return TW_NOUT;
}

static const char *tw__label(const char *const *names, int i) { return i == TW_ALL ? "all" : names[i]; }

/* Append a series definition (count only when defs is NULL). */
static void tw__add(tw_series_def *defs, size_t *n, tw_indicator ind, int r, int o, int s) {
    if (defs != NULL) defs[*n] = (tw_series_def){ind, r, o, s};
    (*n)++;
}

static size_t tw__define(tw_series_def *defs) {
    size_t n = 0;
    /* Pair indicators: every (region, partner != region or all, sector or all). */
    static const tw_indicator pair_inds[] = {
        TW_IND_TARIFF_RATE,        TW_IND_IMPORTS,          TW_IND_TARIFF_REVENUE,
        TW_IND_TARIFF_REVENUE_STATUTORY, TW_IND_TARIFF_RATE_COLLECTED,
        TW_IND_IMPORT_PRICE_INDEX, TW_IND_PARTNER_IMPORT_SHARE};
    for (size_t k = 0; k < sizeof pair_inds / sizeof pair_inds[0]; k++)
        for (int r = 0; r < TW_NREG; r++)
            for (int o = TW_ALL; o < TW_NREG; o++) {
                if (o == r) continue;
                if (o == TW_ALL && pair_inds[k] == TW_IND_PARTNER_IMPORT_SHARE) continue;
                for (int s = TW_ALL; s < TW_NSEC; s++) tw__add(defs, &n, pair_inds[k], r, o, s);
            }
    for (int r = 0; r < TW_NREG; r++)
        for (int o = TW_ALL; o < TW_NREG; o++)
            if (o != r) tw__add(defs, &n, TW_IND_EXPORTS, r, o, TW_ALL);
    for (int r = 0; r < TW_NREG; r++)
        for (int o = 0; o < TW_NREG; o++)
            for (int s = 0; s < TW_NSEC; s++) tw__add(defs, &n, TW_IND_EXPENDITURE_SHARE, r, o, s);
    for (int r = 0; r < TW_NREG; r++)
        for (int s = TW_ALL; s < TW_NSEC; s++) tw__add(defs, &n, TW_IND_BUYER_PRICE_INDEX, r, TW_ALL, s);
    static const tw_indicator welfare_inds[] = {TW_IND_PRODUCER_PRICE, TW_IND_WELFARE, TW_IND_WELFARE_TOT,
                                                TW_IND_WELFARE_VOLUME, TW_IND_WELFARE_REVENUE};
    for (size_t k = 0; k < sizeof welfare_inds / sizeof welfare_inds[0]; k++)
        for (int r = 0; r < TW_NREG; r++) tw__add(defs, &n, welfare_inds[k], r, TW_ALL, TW_ALL);
    return n;
}

tw_status tw_indicators_define(const tw_re_params *re, tw_series_def **defs_out,
                               tw_series_label **labels_out, size_t *n_out, tw_err *err) {
    /* The trade series, the policy block's (tw_gov.c), the rare-earth block's. */
    size_t n0 = tw_gov_define(NULL, tw__define(NULL)), n = tw_re_define(re, NULL, n0);
    tw_series_def *defs = *defs_out = malloc(n * sizeof *defs);
    tw_series_label *labels = *labels_out = malloc(n * sizeof *labels);
    if (defs == NULL || labels == NULL) return tw_err_set(err, TW_ENOMEM, "out of memory");
    tw_gov_define(defs, tw__define(defs));
    tw_re_define(re, defs, n0);
    for (size_t i = 0; i < n; i++) {
        const tw_series_def *d = &defs[i];
        labels[i] = (tw_series_label){tw__indicators[d->ind].name, tw__label(tw_region_names, d->region),
                                         tw__label(tw_region_names, d->partner),
                                         tw__label(tw_sector_names, d->sector)};
    }
    *n_out = n;
    return TW_OK;
}

/* Does (partner, sector) of a series include origin o and sector s? */
static bool tw__in(int want, int have) { return want == TW_ALL || want == have; }

/* Sum of a [exporter][importer][sector] table over the series' partner and sector. */
static double tw__sum_in(const double t[TW_NREG][TW_NREG][TW_NSEC], int importer, int partner,
                         int sector) {
    double v = 0.0;
    for (int o = 0; o < TW_NREG; o++) {
        if (o == importer || !tw__in(partner, o)) continue;
        for (int s = 0; s < TW_NSEC; s++)
            if (tw__in(sector, s)) v += t[o][importer][s];
    }
    return v;
}

static double tw__value(const tw_day_view *st, const tw_blocks *b, const tw_series_def *d) {
    const tw_rate_table *tau = st->tau;
    const double to_musd_day = 1000.0 / 365.0;
    int r = d->region, o = d->partner, s = d->sector;
    switch (d->ind) {
    case TW_IND_TARIFF_RATE: return 100.0 * tw_world_weighted_rate(st->world, *tau, r, o, s);
    case TW_IND_IMPORTS: return to_musd_day * tw__sum_in(st->customs, r, o, s);
    case TW_IND_TARIFF_REVENUE: return to_musd_day * tw__sum_in(st->revenue, r, o, s);
    case TW_IND_TARIFF_REVENUE_STATUTORY:
        return to_musd_day * tw__sum_in(st->revenue_stat, r, o, s);
    case TW_IND_TARIFF_RATE_COLLECTED: {
        /* The rate of each (partner, sector), weighted by the day's customs value. */
        double num = 0.0, den = 0.0;
        for (int x = 0; x < TW_NREG; x++) {
            if (x == r || !tw__in(o, x)) continue;
            for (int y = 0; y < TW_NSEC; y++) {
                if (!tw__in(s, y)) continue;
                double rate = st->collected[x][r] * (*st->tau_in)[r][x][y];
                if (o != TW_ALL && s != TW_ALL) return 100.0 * rate;
                num += rate * st->customs[x][r][y];
                den += st->customs[x][r][y];
            }
        }
        return den > 0.0 ? 100.0 * num / den : 0.0;
    }
    case TW_IND_IMPORT_PRICE_INDEX: {
        double num = 0.0, den = 0.0;
        for (int x = 0; x < TW_NREG; x++) {
            if (x == r || !tw__in(o, x)) continue;
            for (int y = 0; y < TW_NSEC; y++) {
                if (!tw__in(s, y)) continue;
                double w = st->world->flow[x][r][y];
                const double p0 = tw_buyer_price(st->pass_through, 1.0, (*st->tau0)[r][x][y]);
                num += w * tw_buyer_price(st->pass_through, st->w[x], (*tau)[r][x][y]) / p0;
                den += w;
            }
        }
        return num / den;
    }
    case TW_IND_PARTNER_IMPORT_SHARE: {
        double all = tw__sum_in(st->customs, r, TW_ALL, s);
        return all > 0.0 ? 100.0 * tw__sum_in(st->customs, r, o, s) / all : 0.0;
    }
    case TW_IND_EXPORTS: {
        double v = 0.0;
        for (int i = 0; i < TW_NREG; i++)
            if (i != r && tw__in(o, i))
                for (int y = 0; y < TW_NSEC; y++) v += st->customs[r][i][y];
        return to_musd_day * v;
    }
    case TW_IND_EXPENDITURE_SHARE: {
        double all = 0.0;
        for (int x = 0; x < TW_NREG; x++) all += st->spend[x][r][s];
        return all > 0.0 ? 100.0 * st->spend[o][r][s] / all : 0.0;
    }
    case TW_IND_BUYER_PRICE_INDEX: {
        double num = 0.0, den = 0.0;
        for (int y = 0; y < TW_NSEC; y++) {
            if (!tw__in(s, y)) continue;
            int c = r * TW_NSEC + y;
            num += st->e0[c] * st->pbar[c] / st->pbar0[c];
            den += st->e0[c];
        }
        return num / den;
    }
    /* Chained by tw_ge_day.c; tot + volume = welfare, revenue is a part of volume. */
    case TW_IND_PRODUCER_PRICE: return tw_ge_day_value(b->ge, TW_GE_PRICE, r);
    case TW_IND_WELFARE: return tw_ge_day_value(b->ge, TW_GE_WELFARE, r);
    case TW_IND_WELFARE_TOT: return tw_ge_day_value(b->ge, TW_GE_TOT, r);
    case TW_IND_WELFARE_VOLUME: return tw_ge_day_value(b->ge, TW_GE_VOLUME, r);
    case TW_IND_WELFARE_REVENUE: return tw_ge_day_value(b->ge, TW_GE_REVENUE, r);
    case TW_IND_TRUCE_ACTIVE:
    case TW_IND_GOV_PAIN:
    case TW_IND_STRATEGY_HOLD:
    case TW_IND_STRATEGY_ESCALATE:
    case TW_IND_STRATEGY_DEESCALATE:
    case TW_IND_STRATEGY_SEEK_DEAL:
    case TW_IND_STRATEGY_TRIGGERED:
        return tw_gov_value(b->gov, st, (int)(d->ind - TW_IND_GOV_FIRST), r);
    case TW_NIND: break;
    default: /* the rare-earth series */
        return tw_re_value(b->re, (int)(d->ind - TW_IND_RE_FIRST), r, d->sector);
    }
    return 0.0;
}

void tw_indicators_observe(const tw_day_view *v, const tw_blocks *b, const tw_series_def *defs,
                           size_t n, double *out) {
    for (size_t i = 0; i < n; i++) out[i] = tw__value(v, b, &defs[i]);
}

static double tw__series_now(const tw_day_view *v, const tw_blocks *b, tw_indicator ind, int r,
                             int o, int sec) {
    tw_series_def d = {ind, r, o, sec};
    return tw__value(v, b, &d);
}

void tw_outcomes_update(const tw_day_view *s, const tw_ge_day *ge, double *out) {
    const tw_blocks b = {ge, NULL, NULL}; /* the trade outcomes read no other block */
    const double per_day = 1.0 / 365.0; /* USD bn a year -> USD bn on one day */
    out[TW_OUT_IMPORTS_US_FROM_CN] += per_day * tw__sum_in(s->customs, TW_US, TW_CN, TW_ALL);
    out[TW_OUT_IMPORTS_CN_FROM_US] += per_day * tw__sum_in(s->customs, TW_CN, TW_US, TW_ALL);
    out[TW_OUT_REVENUE_US] += per_day * tw__sum_in(s->revenue, TW_US, TW_ALL, TW_ALL);
    out[TW_OUT_REVENUE_CN] += per_day * tw__sum_in(s->revenue, TW_CN, TW_ALL, TW_ALL);
    const tw_rate_table *tau = s->tau;
    double us_cn = 100.0 * tw_world_weighted_rate(s->world, *tau, TW_US, TW_CN, TW_ALL);
    double cn_us = 100.0 * tw_world_weighted_rate(s->world, *tau, TW_CN, TW_US, TW_ALL);
    if (s->d == 0 || us_cn > out[TW_OUT_PEAK_TARIFF_US_CN]) out[TW_OUT_PEAK_TARIFF_US_CN] = us_cn;
    if (s->d == 0 || cn_us > out[TW_OUT_PEAK_TARIFF_CN_US]) out[TW_OUT_PEAK_TARIFF_CN_US] = cn_us;
    /* End-of-run values: overwritten every day, the last day's stay. */
    out[TW_OUT_CN_SHARE_US_END] =
        tw__series_now(s, &b, TW_IND_PARTNER_IMPORT_SHARE, TW_US, TW_CN, TW_ALL);
    for (int r = 0; r < TW_NREG; r++)
        out[TW_OUT_WELFARE_US_END + r] = tw__series_now(s, &b, TW_IND_WELFARE, r, TW_ALL, TW_ALL);
}
