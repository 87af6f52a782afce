/* tw_world.c - load the 2024 calibration tables.
 *
 * The tables are produced by data/build_calibration.py from the sourced raw data; this
 * file only checks them strictly (every region-sector cell once, positive finite values)
 * so that a damaged data folder fails loudly instead of skewing results.
 */
#include "tw_world.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tw_csvread.h"

const char *const tw_sector_names[TW_NSEC + 1] = {"electronics", "machinery", "vehicles",
                                                  "metals",      "agriculture", "chemicals",
                                                  "consumer",    "other",     NULL};

int tw_name_index(const char *const *names, const char *name) {
    for (int i = 0; names[i] != NULL; i++)
        if (strcmp(names[i], name) == 0) return i;
    return -1;
}

void tw_world_set_regions(tw_world *w, int n, const char *const *codes) {
    w->nreg = n;
    for (int r = 0; r < n; r++) {
        snprintf(w->code[r], sizeof w->code[r], "%s", codes[r]);
        w->names[r] = w->code[r];
    }
    for (int r = n; r <= TW_NREG_MAX; r++) w->names[r] = NULL;
}

void tw_world_pack(tw_world *w) {
    size_t k = 0;
    for (int e = 0; e < w->nreg; e++)
        for (int i = 0; i < w->nreg; i++)
            for (int s = 0; s < TW_NSEC; s++) w->packed[k++] = w->flow[e][i][s];
}

int tw_world_region(const tw_world *w, const char *code) { return tw_name_index(w->names, code); }

void tw_world_targets(const tw_world *w, const char *out[TW_NREG_MAX + 2]) {
    for (int r = 0; r < w->nreg; r++) out[r] = w->names[r];
    out[w->nreg] = "ALL";
    out[w->nreg + 1] = NULL;
}

void tw_world_list(const char *const *names, char *buf, size_t n) {
    if (n == 0) return;
    buf[0] = '\0';
    for (int r = 0; names[r] != NULL; r++) {
        size_t used = strlen(buf);
        snprintf(buf + used, n - used, "%s%s", r > 0 ? ", " : "", names[r]);
    }
}

tw_status tw_world_check_keys(const tw_cfg_node *map, const char *const *names, bool all,
                              tw_err *err) {
    if (map == NULL || tw_cfg_kind_of(map) != TW_CFG_MAP) return TW_OK;
    for (size_t k = 0; k < tw_cfg_len(map); k++) {
        const char *key = tw_cfg_key_at(map, k);
        bool code = key[0] != '\0';
        for (const char *c = key; *c != '\0' && code; c++) code = *c >= 'A' && *c <= 'Z';
        if (!code || tw_name_index(names, key) >= 0 || (all && strcmp(key, "ALL") == 0))
            continue;
        char list[TW_WORLD_LIST];
        tw_world_list(names, list, sizeof list);
        return tw_cfg_error(err, tw_cfg_at(map, k), "expected a region of the world: %s%s (got '%s')",
                            list, all ? ", ALL" : "", key);
    }
    return TW_OK;
}

static bool in(int want, int have) { return want == TW_ALL || want == have; }

double tw_world_weighted_rate(const tw_world *world, const double tau[TW_NREG_MAX][TW_NREG_MAX][TW_NSEC],
                              int imposer, int target, int sector) {
    if (target != TW_ALL && sector != TW_ALL) return tau[imposer][target][sector];
    double num = 0.0, den = 0.0;
    for (int o = 0; o < world->nreg; o++) {
        if (o == imposer || !in(target, o)) continue;
        for (int s = 0; s < TW_NSEC; s++) {
            if (!in(sector, s)) continue;
            double w = world->flow[o][imposer][s];
            num += w * tau[imposer][o][s];
            den += w;
        }
    }
    return den > 0.0 ? num / den : 0.0;
}

static tw_status world_open(const char *dir, const char *file, const char *const *cols, int *idx,
                            int ncols, tw_csv **t, tw_err *err) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    tw_status st = tw_csv_read(path, t, err);
    if (st != TW_OK) return st;
    for (int c = 0; c < ncols; c++) {
        idx[c] = tw_csv_col(*t, cols[c]);
        if (idx[c] < 0) {
            st = tw_err_set(err, TW_EDATA, "%s:1: missing column '%s'", path, cols[c]);
            tw_csv_free(*t);
            *t = NULL;
            return st;
        }
    }
    return TW_OK;
}

static tw_status number(const tw_csv *t, size_t r, int col, double lo, double *out,
                        tw_err *err) {
    const char *s = tw_csv_field(t, r, (size_t)col);
    char *end;
    double v = strtod(s, &end);
    if (s[0] == '\0' || *end != '\0' || !isfinite(v) || v <= lo)
        return tw_err_set(err, TW_EDATA, "%s:%d: expected a finite number above %g (got '%s')",
                          tw_csv_path(t), tw_csv_line(t, r), lo, s);
    *out = v;
    return TW_OK;
}

static tw_status world_name(const tw_csv *t, size_t r, int col, const char *const *names,
                            const char *what, int *out, tw_err *err) {
    const char *s = tw_csv_field(t, r, (size_t)col);
    *out = tw_name_index(names, s);
    if (*out < 0)
        return tw_err_set(err, TW_EDATA, "%s:%d: unknown %s '%s'", tw_csv_path(t),
                          tw_csv_line(t, r), what, s);
    return TW_OK;
}

static tw_status load_flows(const char *dir, tw_world *w, tw_err *err) {
    static const char *const cols[] = {"exporter", "importer", "sector", "value_usd_bn"};
    int c[4];
    tw_csv *t;
    tw_status st = world_open(dir, "base_flows_2024.csv", cols, c, 4, &t, err);
    if (st != TW_OK) return st;
    bool seen[TW_NREG_MAX][TW_NREG_MAX][TW_NSEC] = {{{false}}};
    for (size_t r = 0; r < tw_csv_rows(t) && st == TW_OK; r++) {
        int e, i, s;
        double v;
        if ((st = world_name(t, r, c[0], w->names, "region", &e, err)) != TW_OK) break;
        if ((st = world_name(t, r, c[1], w->names, "region", &i, err)) != TW_OK) break;
        if ((st = world_name(t, r, c[2], tw_sector_names, "sector", &s, err)) != TW_OK) break;
        if ((st = number(t, r, c[3], 0.0, &v, err)) != TW_OK) break;
        if (seen[e][i][s])
            st = tw_err_set(err, TW_EDATA, "%s:%d: duplicate row for %s->%s %s", tw_csv_path(t),
                            tw_csv_line(t, r), w->names[e], w->names[i],
                            tw_sector_names[s]);
        seen[e][i][s] = true;
        w->flow[e][i][s] = v;
    }
    for (int e = 0; e < w->nreg && st == TW_OK; e++)
        for (int i = 0; i < w->nreg && st == TW_OK; i++)
            for (int s = 0; s < TW_NSEC && st == TW_OK; s++)
                if (!seen[e][i][s])
                    st = tw_err_set(err, TW_EDATA, "%s: no row for %s->%s %s", tw_csv_path(t),
                                    w->names[e], w->names[i], tw_sector_names[s]);
    tw_csv_free(t);
    return st;
}

/* A table of one positive value per name (sectors.csv: sigma > 1; regions.csv: GDP > 0),
 * every name exactly once. */
static tw_status load_values(const char *dir, const char *file, const char *key_col,
                             const char *value_col, const char *const *names, int n,
                             const char *what, double lower, double *out, tw_err *err) {
    const char *const cols[] = {key_col, value_col};
    int c[2];
    tw_csv *t;
    tw_status st = world_open(dir, file, cols, c, 2, &t, err);
    if (st != TW_OK) return st;
    bool seen[(int)TW_NREG_MAX + (int)TW_NSEC] = {false}; /* room for either list */
    for (size_t r = 0; r < tw_csv_rows(t) && st == TW_OK; r++) {
        int k;
        if ((st = world_name(t, r, c[0], names, what, &k, err)) != TW_OK) break;
        if ((st = number(t, r, c[1], lower, &out[k], err)) != TW_OK) break;
        seen[k] = true;
    }
    for (int k = 0; k < n && st == TW_OK; k++)
        if (!seen[k])
            st = tw_err_set(err, TW_EDATA, "%s: no row for %s %s", tw_csv_path(t), what, names[k]);
    tw_csv_free(t);
    return st;
}

/* The region list of regions.csv: US and CN first, the others in the file's order. */
static tw_status load_regions(const char *dir, tw_world *w, tw_err *err) {
    static const char *const cols[] = {"region"};
    int c[1];
    tw_csv *t;
    tw_status st = world_open(dir, "regions.csv", cols, c, 1, &t, err);
    if (st != TW_OK) return st;
    const char *codes[TW_NREG_MAX] = {"US", "CN"};
    int n = 2;
    bool us = false, cn = false;
    for (size_t r = 0; r < tw_csv_rows(t) && st == TW_OK; r++) {
        const char *s = tw_csv_field(t, r, (size_t)c[0]);
        size_t len = strlen(s);
        bool ok = len > 0 && len < TW_REGION_CODE;
        for (size_t k = 0; k < len; k++) ok = ok && s[k] >= 'A' && s[k] <= 'Z';
        bool dup = false;
        for (int k = 2; k < n; k++) dup = dup || strcmp(codes[k], s) == 0;
        if (!ok)
            st = tw_err_set(err, TW_EDATA, "%s:%d: region: expected a code of 1 to %d capitals "
                            "(got '%s')", tw_csv_path(t), tw_csv_line(t, r), TW_REGION_CODE - 1, s);
        else if (dup || (us && !strcmp(s, "US")) || (cn && !strcmp(s, "CN")))
            st = tw_err_set(err, TW_EDATA, "%s:%d: region %s listed twice", tw_csv_path(t),
                            tw_csv_line(t, r), s);
        else if (!strcmp(s, "US"))
            us = true;
        else if (!strcmp(s, "CN"))
            cn = true;
        else if (n == TW_NREG_MAX)
            st = tw_err_set(err, TW_EDATA, "%s:%d: more than %d regions (TW_NREG_MAX)",
                            tw_csv_path(t), tw_csv_line(t, r), TW_NREG_MAX);
        else
            codes[n++] = s;
    }
    if (st == TW_OK && !(us && cn))
        st = tw_err_set(err, TW_EDATA, "%s: the regions must include US and CN", tw_csv_path(t));
    if (st == TW_OK) tw_world_set_regions(w, n, codes);
    tw_csv_free(t);
    return st;
}

tw_status tw_world_load(const char *data_dir, tw_world *w, tw_err *err) {
    memset(w, 0, sizeof *w);
    tw_status st = load_regions(data_dir, w, err);
    if (st == TW_OK) st = load_flows(data_dir, w, err);
    if (st == TW_OK)
        st = load_values(data_dir, "sectors.csv", "sector", "sigma", tw_sector_names, TW_NSEC,
                         "sector", 1.0, w->sigma, err);
    if (st == TW_OK)
        st = load_values(data_dir, "regions.csv", "region", "gdp_usd_bn", w->names,
                         w->nreg, "region", 0.0, w->gdp, err);
    if (st == TW_OK) tw_world_pack(w);
    return st;
}
