/* tw_trade_params.c - read the model's scenario keys and calibrate the base state.
 *
 * Everything that is the same for all replicates is computed here once: the calibration
 * tables, the tariff schedule of every day of the run (current rates and the highest
 * rate firms know to be coming within their horizon), and the CES weights that make the
 * firms' logit choice reproduce the 2024 spending shares at the first day's tariffs.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tw_trade_internal.h"

#ifndef TW_SOURCE_DATA_DIR
#define TW_SOURCE_DATA_DIR "data"
#endif

void tw_trade_params_free(tw_trade_params *p) {
    if (p == NULL) return;
    tw_tariffs_free(&p->book);
    tw_controls_free(&p->controls);
    free(p->tau_now);
    free(p->tau_exp);
    free(p->defs);
    free(p->labels);
    free(p);
}

/* A section that must be a map if present. */
static tw_status tw__section(const tw_cfg_node *root, const char *key, const tw_cfg_node **out,
                             tw_err *err) {
    *out = tw_cfg_get(root, key);
    if (*out != NULL && tw_cfg_kind_of(*out) != TW_CFG_MAP)
        return tw_cfg_error(err, *out, "expected a map");
    return TW_OK;
}

static tw_status tw__load_firms(const tw_cfg_node *root, tw_trade_params *p, tw_err *err) {
    const tw_cfg_node *f, *fl;
    tw_status st;
    if ((st = tw__section(root, "firms", &f, err)) != TW_OK) return st;
    if ((st = tw_cfg_int(f, "per_cell", false, 10000, 1, 100000000, &p->per_cell, err)) != TW_OK)
        return st;
    if ((st = tw_cfg_double(f, "size_tail", false, 2.0, 1.05, 10.0, &p->size_tail, err)) != TW_OK)
        return st;
    if ((st = tw_cfg_double(f, "reopt_rate", false, 0.011, 0.0, 1.0, &p->reopt_rate, err)) !=
        TW_OK)
        return st;
    if ((st = tw_cfg_double(f, "reopt_price_sensitivity", false, 0.1, 0.0, 1000.0,
                            &p->reopt_sens, err)) != TW_OK)
        return st;
    if ((st = tw__section(f, "frontload", &fl, err)) != TW_OK) return st;
    int64_t horizon = 60;
    if ((st = tw_cfg_int(fl, "horizon_days", false, 60, 0, 365, &horizon, err)) != TW_OK) return st;
    p->fl_horizon = (int)horizon;
    if ((st = tw_cfg_double(fl, "max_days", false, 30.0, 0.0, 365.0, &p->fl_max_days, err)) !=
        TW_OK)
        return st;
    if ((st = tw_cfg_double(fl, "build_per_day", false, 0.25, 0.0, 10.0, &p->fl_build, err)) !=
        TW_OK)
        return st;
    if ((st = tw_cfg_double(fl, "draw_per_day", false, 0.25, 0.001, 1.0, &p->fl_draw, err)) !=
        TW_OK)
        return st;
    if ((st = tw_cfg_double(fl, "scale", false, 0.25, 0.001, 10.0, &p->fl_scale, err)) != TW_OK)
        return st;
    return TW_OK;
}

/* data_dir: the scenario's model.data_dir (relative to the file that sets it), else
 * $TW_DATA_DIR, else the project's data/ folder. */
static void tw__data_dir(const tw_cfg_node *model, const char *given, char *buf, size_t n) {
    if (given != NULL) {
        const tw_cfg_node *node = tw_cfg_get(model, "data_dir");
        const char *file = tw_cfg_file(node);
        const char *slash = file != NULL ? strrchr(file, '/') : NULL;
        if (given[0] == '/' || slash == NULL || strcmp(file, "--set") == 0)
            snprintf(buf, n, "%s", given);
        else
            snprintf(buf, n, "%.*s/%s", (int)(slash - file), file, given);
        return;
    }
    const char *env = getenv("TW_DATA_DIR");
    snprintf(buf, n, "%s", (env != NULL && env[0] != '\0') ? env : TW_SOURCE_DATA_DIR);
}

static tw_status tw__load_model(const tw_cfg_node *root, tw_trade_params *p, tw_err *err) {
    const tw_cfg_node *m, *sig;
    tw_status st;
    if ((st = tw__section(root, "model", &m, err)) != TW_OK) return st;
    if ((st = tw_cfg_double(m, "pass_through", false, 0.94, 0.0, 1.0, &p->pass_through, err)) !=
        TW_OK)
        return st;
    if ((st = tw_cfg_double(m, "demand_elasticity", false, 1.0, 0.0, 10.0, &p->demand_elasticity,
                            err)) != TW_OK)
        return st;
    const char *dir = NULL;
    if ((st = tw_cfg_string(m, "data_dir", false, NULL, &dir, err)) != TW_OK) return st;
    char path[4096];
    tw__data_dir(m, dir, path, sizeof path);
    snprintf(p->data_dir, sizeof p->data_dir, "%s", path);
    st = tw_world_load(path, &p->world, err);
    if (st != TW_OK) {
        /* Say which key led there, keeping the data file's own location. */
        if (dir != NULL) {
            tw_err inner = *err;
            return tw_cfg_error(err, tw_cfg_get(m, "data_dir"), "%s", inner.msg);
        }
        return st;
    }
    memcpy(p->sigma, p->world.sigma, sizeof p->sigma);
    if ((st = tw__section(m, "sigma", &sig, err)) != TW_OK) return st;
    for (int s = 0; s < TW_NSEC; s++)
        if ((st = tw_cfg_double(sig, tw_sector_names[s], false, p->sigma[s], 1.01, 20.0,
                                &p->sigma[s], err)) != TW_OK)
            return st;
    return TW_OK;
}

/* CES weights from the base-year flows at the first day's tariffs. Where the first day
 * splits a cell into sub-cells, the weights are then scaled until the demand aggregated
 * over the sub-cells (tw_split_demand) gives the base-year shares. */
#define TW__CALIBRATE_ROUNDS 200
static void tw__calibrate(tw_trade_params *p) {
    const tw_rate_table *tau0 = &p->tau_now[0];
    tw_split_table split0; /* 10 KiB */
    tw_tariffs_split(&p->book, p->start, TW_DAY_NEVER, split0);
    for (int i = 0; i < TW_NREG; i++)
        for (int s = 0; s < TW_NSEC; s++) {
            int c = i * TW_NSEC + s;
            double e0 = 0.0, spend[TW_NREG];
            for (int o = 0; o < TW_NREG; o++) {
                double tau = (o == i) ? 0.0 : (*tau0)[i][o][s];
                spend[o] = p->world.flow[o][i][s] * (1.0 + tau);
                e0 += spend[o];
            }
            p->e0[c] = e0;
            for (int o = 0; o < TW_NREG; o++) {
                double tau = (o == i) ? 0.0 : (*tau0)[i][o][s];
                double price = tw_buyer_price(p->pass_through, tau);
                p->base_share[c][o] = spend[o] / e0;
                p->beta[c][o] = p->base_share[c][o] / pow(price, 1.0 - p->sigma[s]);
            }
            const tw_split_cell *sc = &split0[i][s];
            for (int k = 0; sc->n > 1 && k < TW__CALIBRATE_ROUNDS; k++) {
                double prob[TW_NREG], price[TW_NREG], paid[TW_NREG];
                tw_split_demand(sc, i, p->beta[c], p->sigma[s], p->pass_through, prob, price, paid);
                for (int o = 0; o < TW_NREG; o++)
                    if (prob[o] > 0.0) p->beta[c][o] *= p->base_share[c][o] / prob[o];
            }
        }
}

tw_status tw_trade_params_load(const tw_cfg_node *root, tw_trade_params **out, tw_err *err) {
    *out = NULL;
    tw_trade_params *p = calloc(1, sizeof *p);
    if (p == NULL) return tw_err_set(err, TW_ENOMEM, "out of memory");
    tw_status st;
    if ((st = tw_cfg_date(root, "start", true, 0, &p->start, err)) != TW_OK) goto fail;
    if ((st = tw_cfg_date(root, "end", true, 0, &p->end, err)) != TW_OK) goto fail;
    if (p->end <= p->start) {
        st = tw_cfg_error(err, tw_cfg_get(root, "end"), "expected a date after start");
        goto fail;
    }
    p->ndays = (int)(p->end - p->start) + 1;
    if ((st = tw__load_firms(root, p, err)) != TW_OK) goto fail;
    if ((st = tw__load_model(root, p, err)) != TW_OK) goto fail;
    if ((st = tw_tariffs_load(tw_cfg_get(root, "tariffs"), &p->book, err)) != TW_OK) goto fail;
    if ((st = tw_controls_load(tw_cfg_get(root, "export_controls"), &p->controls, err)) != TW_OK)
        goto fail;
    if ((st = tw_duties_load(tw_cfg_get(root, "duties"), &p->duties, err)) != TW_OK) goto fail;
    if ((st = tw_re_params_load(root, p, err)) != TW_OK) goto fail;
    if ((st = tw_gov_params_load(root, &p->book, p->start, &p->gov, err)) != TW_OK) goto fail;
    p->tau_now = malloc((size_t)p->ndays * sizeof *p->tau_now);
    p->tau_exp = malloc((size_t)p->ndays * sizeof *p->tau_exp);
    if (p->tau_now == NULL || p->tau_exp == NULL) {
        st = tw_err_set(err, TW_ENOMEM, "out of memory");
        goto fail;
    }
    for (int d = 0; d < p->ndays; d++) {
        tw_tariffs_rates(&p->book, p->start + d, TW_DAY_NEVER, p->tau_now[d]);
        tw_tariffs_expected_max(&p->book, p->start + d, p->fl_horizon, p->tau_exp[d]);
    }
    tw__calibrate(p);
    if ((st = tw_indicators_define(p, err)) != TW_OK) goto fail;
    *out = p;
    return TW_OK;
fail:
    tw_trade_params_free(p);
    return st;
}
