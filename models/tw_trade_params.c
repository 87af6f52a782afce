/* tw_trade_params.c - read the model's scenario keys and calibrate the base state.
 *
 * Everything that is the same for all replicates is computed here once: the calibration
 * tables, the tariff schedule of every day of the run (current rates and the highest
 * rate firms know to be coming within their horizon), and the nested CES weights that
 * make the firms' logit choice reproduce the 2024 spending shares at the first day's
 * tariffs.
 */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tw_csvread.h"
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
    free(p->tau_any);
    free(p->tau_deal);
    free(p->tau_entry);
    free(p->split_day);
    free(p->defs);
    free(p->labels);
    free(p->only);
    free(p);
}

/* A section that must be a map if present. */
static tw_status section(const tw_cfg_node *root, const char *key, const tw_cfg_node **out,
                         tw_err *err) {
    *out = tw_cfg_get(root, key);
    if (*out != NULL && tw_cfg_kind_of(*out) != TW_CFG_MAP)
        return tw_cfg_error(err, *out, "expected a map");
    return TW_OK;
}

static tw_status load_firms(const tw_cfg_node *root, tw_trade_params *p, tw_err *err) {
    const tw_cfg_node *f, *fl;
    tw_status st;
    if ((st = section(root, "firms", &f, err)) != TW_OK) return st;
    if ((st = tw_cfg_int(f, "per_cell", false, 10000, 1, 100000000, &p->firms.per_cell, err)) != TW_OK)
        return st;
    if ((st = tw_cfg_double(f, "size_tail", false, 2.0, 1.05, 10.0, &p->firms.size_tail, err)) != TW_OK)
        return st;
    /* 0.00131 a day: BLPN (2023), data/trade_dynamics.csv switch_hazard_per_day. */
    if ((st = tw_cfg_double(f, "reopt_rate", false, 0.00131, 0.0, 1.0, &p->firms.reopt_rate, err)) !=
        TW_OK)
        return st;
    if ((st = tw_cfg_double(f, "reopt_price_sensitivity", false, 0.0, 0.0, 1000.0,
                            &p->firms.reopt_sens, err)) != TW_OK)
        return st;
    if ((st = tw_cfg_double(f, "expiry_belief", false, 0.5, 0.0, 1.0, &p->firms.expiry_belief, err)) !=
        TW_OK)
        return st;
    /* Below 1, under the upper nest's 1.19, so that a dearer origin is chosen less
     * (tw_firms.c); the default: data/trade_dynamics.csv own_demand_elasticity. */
    if ((st = tw_cfg_double(f, "own_demand_elasticity", false, TW_OWN_DEMAND_DEFAULT, 0.0, 0.99,
                            &p->firms.own_demand, err)) != TW_OK)
        return st;
    if ((st = section(f, "frontload", &fl, err)) != TW_OK) return st;
    int64_t horizon = 60;
    if ((st = tw_cfg_int(fl, "horizon_days", false, 60, 0, 365, &horizon, err)) != TW_OK) return st;
    p->fl_horizon = (int)horizon;
    if ((st = tw_cfg_double(fl, "max_days", false, 30.0, 0.0, 365.0, &p->firms.fl_max_days, err)) !=
        TW_OK)
        return st;
    if ((st = tw_cfg_double(fl, "build_per_day", false, 0.25, 0.0, 10.0, &p->firms.fl_build, err)) !=
        TW_OK)
        return st;
    if ((st = tw_cfg_double(fl, "draw_per_day", false, 0.25, 0.001, 1.0, &p->firms.fl_draw, err)) !=
        TW_OK)
        return st;
    if ((st = tw_cfg_double(fl, "scale", false, 0.25, 0.001, 10.0, &p->firms.fl_scale, err)) != TW_OK)
        return st;
    return TW_OK;
}

/* data_dir: the scenario's model.data_dir (relative to the file that sets it), else
 * $TW_DATA_DIR, else the project's data/ folder. */
static void params_data_dir(const tw_cfg_node *model, const char *given, char *buf, size_t n) {
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

#define WORLDS_MAX 32

static int cmp_name(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Is name a world folder of data_root (worlds/<name>/regions.csv readable)? */
static bool world_exists(const char *data_root, const char *name) {
    char path[4096];
    int len = snprintf(path, sizeof path, "%s/worlds/%s/regions.csv", data_root, name);
    return len > 0 && (size_t)len < sizeof path && access(path, R_OK) == 0;
}

/* The scenario's `world:`: a folder of data_root/worlds/ with its own regions.csv, flows and
 * per-region tables; "four" or absent: the four regions of data_root itself. The folder
 * into buf; an unknown world is refused at its key with the list of the worlds there. */
static tw_status params_world(const tw_cfg_node *root, const char *data_root, char *buf,
                              size_t n, tw_err *err) {
    const char *name = NULL;
    tw_status st = tw_cfg_string(root, "world", false, NULL, &name, err);
    if (st != TW_OK) return st;
    if (name == NULL || strcmp(name, "four") == 0) {
        snprintf(buf, n, "%s", data_root);
        return TW_OK;
    }
    bool ok = name[0] != '\0' && strlen(name) < 64;
    for (const char *c = name; *c != '\0' && ok; c++)
        ok = islower((unsigned char)*c) || isdigit((unsigned char)*c) || *c == '_' || *c == '-';
    char path[4096];
    int len = snprintf(path, sizeof path, "%s/worlds/%s", data_root, name);
    if (ok && len > 0 && (size_t)len < n && (size_t)len < sizeof path &&
        world_exists(data_root, name)) {
        memcpy(buf, path, (size_t)len + 1);
        return TW_OK;
    }
    /* The worlds there, in name order, after the four regions of data/ itself. */
    char dir[4096], list[1024] = "four";
    if (snprintf(dir, sizeof dir, "%s/worlds", data_root) >= (int)sizeof dir) dir[0] = '\0';
    char *names[WORLDS_MAX];
    int count = 0;
    DIR *d = opendir(dir);
    for (struct dirent *e; d != NULL && count < WORLDS_MAX && (e = readdir(d)) != NULL;)
        if (e->d_name[0] != '.' && world_exists(data_root, e->d_name) &&
            (names[count] = strdup(e->d_name)) != NULL)
            count++;
    if (d != NULL) closedir(d);
    qsort(names, (size_t)count, sizeof *names, cmp_name);
    for (int k = 0; k < count; k++) {
        size_t used = strlen(list);
        snprintf(list + used, sizeof list - used, ", %s", names[k]);
        free(names[k]);
    }
    return tw_cfg_error(err, tw_cfg_get(root, "world"),
                        "unknown world '%s': expected one of %s (folders of %s with a "
                        "regions.csv)", name, list, dir);
}

static tw_status load_model(const tw_cfg_node *root, tw_trade_params *p, tw_err *err) {
    const tw_cfg_node *m, *sig;
    tw_status st;
    if ((st = section(root, "model", &m, err)) != TW_OK) return st;
    if ((st = tw_cfg_double(m, "pass_through", false, 1.0, 0.0, 1.0, &p->pass_through, err)) !=
        TW_OK)
        return st;
    if ((st = tw_cfg_double(m, "demand_elasticity", false, 1.0, 0.0, 10.0, &p->demand_elasticity,
                            err)) != TW_OK)
        return st;
    if ((st = tw_cfg_bool(m, "seasonality", false, true, &p->seasonality, err)) != TW_OK)
        return st;
    if ((st = tw_cfg_bool(m, "transit", false, true, &p->transit_on, err)) != TW_OK) return st;
    const char *dir = NULL;
    if ((st = tw_cfg_string(m, "data_dir", false, NULL, &dir, err)) != TW_OK) return st;
    params_data_dir(m, dir, p->data_root, sizeof p->data_root);
    if ((st = params_world(root, p->data_root, p->data_dir, sizeof p->data_dir, err)) != TW_OK)
        return st;
    st = tw_world_load(p->data_dir, &p->world, err);
    if (st != TW_OK) {
        /* Say which key led there, keeping the data file's own location. */
        if (dir != NULL) {
            tw_err inner = *err;
            return tw_cfg_error(err, tw_cfg_get(m, "data_dir"), "%s", inner.msg);
        }
        return st;
    }
    p->firms.nreg = p->world.nreg;
    memcpy(p->sigma, p->world.sigma, sizeof p->sigma);
    if ((st = section(m, "sigma", &sig, err)) != TW_OK) return st;
    for (int s = 0; s < TW_NSEC; s++)
        if ((st = tw_cfg_double(sig, tw_sector_names[s], false, p->sigma[s], 1.01, 20.0,
                                &p->sigma[s], err)) != TW_OK)
            return st;
    /* Home goods against the import bundle: 1.19, Fajgelbaum, Goldberg, Kennedy and
     * Khandelwal (2020); data/trade_dynamics.csv sigma_upper. */
    double upper;
    if ((st = tw_cfg_double(m, "sigma_upper", false, 1.19, 1.01, 20.0, &upper, err)) != TW_OK)
        return st;
    for (int s = 0; s < TW_NSEC; s++) p->sigma_upper[s] = upper;
    return TW_OK;
}

/* Open data_dir/file and find its columns cols[0..n) (idx). On failure nothing is left
 * open. */
static tw_status open_table(const tw_trade_params *p, const char *file,
                            const char *const *cols, int n, int *idx, tw_csv **t,
                            tw_err *err) {
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", p->data_dir, file);
    tw_status st = tw_csv_read(path, t, err);
    for (int c = 0; c < n && st == TW_OK; c++)
        if ((idx[c] = tw_csv_col(*t, cols[c])) < 0)
            st = tw_err_set(err, TW_EDATA, "%s:1: missing column '%s'", path, cols[c]);
    return st;
}

/* The origin of a series of monthly US imports, us_imports_from_<code> (lower case; de,
 * Germany's, stands for the EU), or -1 for another series or a region not in the world. */
static int season_origin(const tw_world *w, const char *name) {
    static const char prefix[] = "us_imports_from_";
    if (strncmp(name, prefix, sizeof prefix - 1) != 0) return -1;
    const char *code = name + sizeof prefix - 1;
    if (strcmp(code, "de") == 0) return tw_world_region(w, "EU");
    char up[TW_REGION_CODE];
    size_t n = strlen(code);
    if (n == 0 || n >= sizeof up) return -1;
    for (size_t k = 0; k < n; k++) {
        if (!islower((unsigned char)code[k])) return -1;
        up[k] = (char)toupper((unsigned char)code[k]);
    }
    up[n] = '\0';
    return tw_world_region(w, up);
}

/* Monthly factors of base purchases (the world's seasonality_2024.csv: month over the mean
 * of the twelve, 2024). US imports from an origin with a series of its own take it (China
 * in every world; Japan and Korea where the world has them); the EU's to the US take
 * Germany's; every other route 1 (no monthly 2024 series found; data/README.md). */
static tw_status load_seasonality(tw_trade_params *p, tw_err *err) {
    for (int i = 0; i < p->world.nreg; i++)
        for (int o = 0; o < p->world.nreg; o++)
            for (int m = 0; m < 12; m++) p->season[i][o][m] = 1.0;
    if (!p->seasonality) return TW_OK;
    static const char *const cols[] = {"series", "month", "factor"};
    int idx[3];
    tw_csv *t = NULL;
    tw_status st = open_table(p, "seasonality_2024.csv", cols, 3, idx, &t, err);
    for (size_t r = 0; st == TW_OK && r < tw_csv_rows(t); r++) {
        const char *name = tw_csv_field(t, r, (size_t)idx[0]);
        int origin = season_origin(&p->world, name);
        if (origin <= TW_US) continue;
        const char *mf = tw_csv_field(t, r, (size_t)idx[1]), *ff = tw_csv_field(t, r, (size_t)idx[2]);
        char *e1, *e2;
        long month = strtol(mf, &e1, 10);
        double f = strtod(ff, &e2);
        if (mf[0] == '\0' || *e1 != '\0' || month < 1 || month > 12 || ff[0] == '\0' ||
            *e2 != '\0' || !(f > 0.0 && f < 10.0))
            st = tw_err_set(err, TW_EDATA, "%s:%d: expected a month 1-12 and a factor above 0 "
                            "(got '%s', '%s')", tw_csv_path(t), tw_csv_line(t, r), mf, ff);
        else
            p->season[TW_US][origin][month - 1] = f;
    }
    tw_csv_free(t);
    return st;
}

/* Days from loading to customs entry by route (data/transit_days.csv): the value-weighted
 * single lag where the file has one (CN, EU and ROW to the US), else the ocean model
 * default of the route, else the ALL,ALL default; rounded to whole days. 0 at home and
 * everywhere without model.transit. */
static int transit_rank(const char *exporter, const char *measure) {
    if (!strcmp(measure, "loading_to_entry_value_weighted")) return 3;
    if (!strncmp(measure, "loading_to_entry_model_default", 30)) return 2;
    if (!strcmp(exporter, "ALL") && !strcmp(measure, "default")) return 1;
    return 0;
}

static tw_status load_transit(tw_trade_params *p, tw_err *err) {
    memset(p->transit, 0, sizeof p->transit);
    if (!p->transit_on) return TW_OK;
    static const char *const cols[] = {"exporter", "importer", "measure", "days"};
    int idx[4], rank[TW_NREG_MAX][TW_NREG_MAX] = {{0}};
    tw_csv *t = NULL;
    tw_status st = open_table(p, "transit_days.csv", cols, 4, idx, &t, err);
    for (size_t r = 0; st == TW_OK && r < tw_csv_rows(t); r++) {
        const char *ex = tw_csv_field(t, r, (size_t)idx[0]), *im = tw_csv_field(t, r, (size_t)idx[1]);
        int k = transit_rank(ex, tw_csv_field(t, r, (size_t)idx[2]));
        if (k == 0) continue;
        const char *df = tw_csv_field(t, r, (size_t)idx[3]);
        char *end;
        double days = strtod(df, &end);
        if (df[0] == '\0' || *end != '\0' || !(days >= 0.0 && days < TW_TRANSIT_MAX)) {
            st = tw_err_set(err, TW_EDATA, "%s:%d: days: expected a number from 0 to %d (got '%s')",
                            tw_csv_path(t), tw_csv_line(t, r), TW_TRANSIT_MAX - 1, df);
            break;
        }
        int e = tw_world_region(&p->world, ex), i = tw_world_region(&p->world, im);
        for (int o = 0; o < p->world.nreg; o++)
            for (int j = 0; j < p->world.nreg; j++)
                if (o != j && (k == 1 || (o == e && j == i)) && k > rank[o][j]) {
                    rank[o][j] = k;
                    p->transit[o][j] = (int)lround(days);
                }
    }
    tw_csv_free(t);
    return st;
}

#define CALIBRATE_ROUNDS 200

/* Scale cell (i, s)'s nest weights until its first-day customs shares over the sub-cells sc
 * are the base year's, then set its quantity scale e0 to give the base year's customs
 * value (the calibrate comment). */
static void calibrate_split(tw_trade_params *p, const tw_split_cell *sc, int i, int s) {
    int c = i * TW_NSEC + s;
    double w[TW_NREG_MAX], price0[TW_NREG_MAX], flow = 0.0, customs = 0.0;
    for (int o = 0; o < p->world.nreg; o++) {
        w[o] = 1.0;
        price0[o] = tw_buyer_price(p->pass_through, 1.0, o == i ? 0.0 : p->tau_now[0][i][o][s]);
        flow += p->world.flow[o][i][s];
    }
    double *rel = p->rel0[c]; /* the first day's price relatives, kept */
    for (int k = 0; k <= CALIBRATE_ROUNDS; k++) {
        double q[TW_NREG_MAX], paid[TW_NREG_MAX], cust[TW_NREG_MAX];
        tw_split_demand(sc, i, &p->nest[c], p->pass_through, w, price0, q, rel, paid);
        customs = 0.0;
        for (int o = 0; o < p->world.nreg; o++) customs += cust[o] = q[o] * rel[o] / (1.0 + paid[o]);
        if (k == CALIBRATE_ROUNDS || !(customs > 0.0)) break;
        for (int o = 0; o < p->world.nreg; o++)
            if (cust[o] > 0.0)
                p->nest[c].weight[o] *= (p->world.flow[o][i][s] / flow) / (cust[o] / customs);
    }
    tw_nest_reweighted(&p->nest[c]);
    if (customs > 0.0 && flow > 0.0) p->e0[c] = flow / customs;
}

/* Nested CES weights (tw_demand.h) from the base-year flows at the first day's tariffs.
 * Where the first day splits a cell into sub-cells, the weights are then scaled until the quantities
 * aggregated over the sub-cells (tw_split_demand) give the base-year customs shares, and
 * the cell's quantity scale e0 is set so that the first day's customs value is the
 * base year's. */
static void calibrate(tw_trade_params *p) {
    const tw_rate_table *tau0 = &p->tau_now[0];
    tw_split_table split0; /* 80 KiB */
    tw_tariffs_split(&p->book, p->start, TW_DAY_NEVER, split0);
    for (int i = 0; i < p->world.nreg; i++)
        for (int s = 0; s < TW_NSEC; s++) {
            int c = i * TW_NSEC + s;
            double e0 = 0.0, spend[TW_NREG_MAX];
            for (int o = 0; o < p->world.nreg; o++) {
                double tau = (o == i) ? 0.0 : (*tau0)[i][o][s];
                spend[o] = p->world.flow[o][i][s] * (1.0 + tau);
                e0 += spend[o];
            }
            p->e0[c] = e0;
            double price0[TW_NREG_MAX];
            for (int o = 0; o < p->world.nreg; o++) {
                double tau = (o == i) ? 0.0 : (*tau0)[i][o][s];
                price0[o] = tw_buyer_price(p->pass_through, 1.0, tau);
                p->base_share[c][o] = spend[o] / e0;
                p->rel0[c][o] = 1.0; /* a cell without sub-cells: price / price0 */
            }
            tw_nest_calibrate(&p->nest[c], p->world.nreg, i, p->sigma[s], p->sigma_upper[s], p->base_share[c],
                              price0);
            const tw_split_cell *sc = &split0[i][s];
            if (sc->n > 1) calibrate_split(p, sc, i, s);
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
    if ((st = load_firms(root, p, err)) != TW_OK) goto fail;
    if ((st = load_model(root, p, err)) != TW_OK) goto fail;
    if ((st = tw_ge_params_load(root, &p->ge, err)) != TW_OK) goto fail;
    if ((st = load_seasonality(p, err)) != TW_OK) goto fail;
    if ((st = load_transit(p, err)) != TW_OK) goto fail;
    if ((st = tw_tariffs_load(tw_cfg_get(root, "tariffs"), &p->world, &p->book, err)) != TW_OK) goto fail;
    if ((st = tw_controls_load(tw_cfg_get(root, "export_controls"), &p->world, &p->controls, err)) != TW_OK)
        goto fail;
    if ((st = tw_duties_load(tw_cfg_get(root, "duties"), &p->world, &p->duties, err)) != TW_OK) goto fail;
    /* The rare-earth tables by sector are data/'s own; the defaults by region, the world's. */
    if ((st = tw_re_params_load(root, &p->world, p->data_root, p->data_dir, &p->re, err)) != TW_OK)
        goto fail;
    if ((st = tw_gov_params_load(root, &p->book, p->start, p->gov, err)) != TW_OK) goto fail;
    if ((st = tw_events_params_load(root, &p->book, p->start, p->gov, &p->ev, err)) != TW_OK)
        goto fail;
    const tw_cfg_node *firms = tw_cfg_get(root, "firms");
    if ((st = tw_expect_load(firms, &p->book, &p->ev, p->fl_horizon, &p->expect, err)) != TW_OK)
        goto fail;
    if (tw_cfg_get(firms, "expiry_belief") == NULL && !isnan(p->expect.expiry_belief))
        p->firms.expiry_belief = p->expect.expiry_belief;
    p->tau_now = malloc((size_t)p->ndays * sizeof *p->tau_now);
    p->tau_exp = malloc((size_t)p->ndays * sizeof *p->tau_exp);
    p->tau_any = malloc((size_t)p->ndays * sizeof *p->tau_any);
    p->tau_deal = malloc((size_t)p->ndays * sizeof *p->tau_deal);
    p->tau_entry = malloc((size_t)p->ndays * sizeof *p->tau_entry);
    p->split_day = calloc((size_t)p->ndays, sizeof *p->split_day);
    if (p->tau_now == NULL || p->tau_exp == NULL || p->tau_any == NULL || p->tau_deal == NULL ||
        p->tau_entry == NULL || p->split_day == NULL) {
        st = tw_err_set(err, TW_ENOMEM, "out of memory");
        goto fail;
    }
    p->split_day[0] = true;
    bool in_transit = false;
    for (size_t k = 0; k < p->book.n; k++) {
        const tw_tariff *e = &p->book.items[k];
        in_transit = in_transit || e->in_transit;
        if (e->effective > p->start && e->effective <= p->end) p->split_day[e->effective - p->start] = true;
        if (e->end > p->start && e->end <= p->end) p->split_day[e->end - p->start] = true;
    }
    for (int d = 0; d < p->ndays; d++) {
        tw_tariffs_rates(&p->book, p->start + d, TW_DAY_NEVER, p->tau_now[d]);
        tw_tariffs_outlook(&p->book, p->start + d, p->fl_horizon, p->tau_exp[d], p->tau_any[d]);
        tw_tariffs_rates_deal(&p->book, p->start + d, &p->expect.terms, p->tau_deal[d]);
        if (in_transit)
            tw_tariffs_rates_entering(&p->book, p->start + d, (const int (*)[TW_NREG_MAX])p->transit,
                                      p->tau_entry[d]);
        else
            memcpy(p->tau_entry[d], p->tau_now[d], sizeof p->tau_entry[d]);
    }
    p->rates_sc = (tw_rates_scenario){
        .pre = {.now = p->tau_now, .exp = p->tau_exp, .any = p->tau_any, .deal = p->tau_deal,
                .entry = p->tau_entry},
        .terms = &p->expect.terms,
        .lag = (const int (*)[TW_NREG_MAX])p->transit,
        .start = p->start,
        .horizon = p->fl_horizon};
    calibrate(p);
    tw_trade_report_world(&p->world, &p->report);
    if ((st = tw_indicators_define(&p->world, &p->re, &p->defs, &p->labels, &p->n_series, err)) != TW_OK) goto fail;
    *out = p;
    return TW_OK;
fail:
    tw_trade_params_free(p);
    return st;
}
