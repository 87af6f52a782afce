/* tw_duties.c - read the leakage between statutory and collected duties (tw_duties.h).
 *
 * Each share is a map from exporter (US, CN, EU, ROW) or ALL to a number; a named exporter
 * beats ALL, which is the value for every exporter not named. The three shares of one
 * (importer, exporter) must sum to at most 1.
 */
#include "tw_duties.h"

#include <string.h>

#include "tw_tariffs.h"

static const char *const importers[TW_NREG + 1] = {"US", "CN", "EU", "ROW", NULL};

/* A map exporter|ALL -> share into out[exporter] (default 0); the importer's own key is
 * refused as unknown by not being read. */
static tw_status shares(const tw_cfg_node *imp, const char *key, int importer,
                        double out[TW_NREG], tw_err *err) {
    const tw_cfg_node *m = tw_cfg_get(imp, key);
    for (int o = 0; o < TW_NREG; o++) out[o] = 0.0;
    if (m == NULL) return TW_OK;
    if (tw_cfg_kind_of(m) != TW_CFG_MAP)
        return tw_cfg_error(err, m, "expected a map from exporter (or ALL) to a share 0 to 1");
    double all = 0.0;
    tw_status st = tw_cfg_double(m, "ALL", false, 0.0, 0.0, 1.0, &all, err);
    for (int o = 0; o < TW_NREG && st == TW_OK; o++)
        if (o != importer) st = tw_cfg_double(m, tw_region_names[o], false, all, 0.0, 1.0, &out[o], err);
    return st;
}

tw_status tw_duties_load(const tw_cfg_node *section, tw_duty_params *dp, tw_err *err) {
    memset(dp, 0, sizeof *dp);
    for (int i = 0; i < TW_NREG; i++)
        for (int o = 0; o < TW_NREG; o++) dp->de_minimis_end[i][o] = TW_DAY_NEVER;
    if (section == NULL) return TW_OK;
    if (tw_cfg_kind_of(section) != TW_CFG_MAP)
        return tw_cfg_error(err, section, "expected a map from importer (US, CN, EU, ROW)");
    tw_status st = TW_OK;
    for (int i = 0; importers[i] != NULL && st == TW_OK; i++) {
        const tw_cfg_node *imp = tw_cfg_get(section, importers[i]);
        if (imp == NULL) continue;
        if (tw_cfg_kind_of(imp) != TW_CFG_MAP)
            return tw_cfg_error(err, imp, "expected a map of duty leakage keys");
        double ftz[TW_NREG], excl[TW_NREG];
        if ((st = shares(imp, "ftz_share", i, ftz, err)) != TW_OK) return st;
        if ((st = shares(imp, "exclusion_share", i, excl, err)) != TW_OK) return st;
        if ((st = shares(imp, "de_minimis_share", i, dp->de_minimis[i], err)) != TW_OK)
            return st;
        const tw_cfg_node *end = tw_cfg_get(imp, "de_minimis_end");
        if (end != NULL && tw_cfg_kind_of(end) != TW_CFG_MAP)
            return tw_cfg_error(err, end, "expected a map from exporter (or ALL) to a date");
        tw_day all_end = TW_DAY_NEVER;
        if ((st = tw_cfg_date(end, "ALL", false, TW_DAY_NEVER, &all_end, err)) != TW_OK) return st;
        for (int o = 0; o < TW_NREG; o++) {
            if (o == i) continue;
            if ((st = tw_cfg_date(end, tw_region_names[o], false, all_end,
                                  &dp->de_minimis_end[i][o], err)) != TW_OK)
                return st;
            dp->fixed[i][o] = ftz[o] + excl[o];
            if (dp->fixed[i][o] + dp->de_minimis[i][o] > 1.0 + 1e-12)
                return tw_cfg_error(err, imp,
                                    "expected ftz_share + exclusion_share + de_minimis_share of "
                                    "at most 1 for exporter %s (got %g)",
                                    tw_region_names[o], dp->fixed[i][o] + dp->de_minimis[i][o]);
        }
    }
    return st;
}

double tw_duties_collected(const tw_duty_params *dp, int importer, int exporter, tw_day t) {
    double leak = dp->fixed[importer][exporter];
    if (t < dp->de_minimis_end[importer][exporter]) leak += dp->de_minimis[importer][exporter];
    return leak >= 1.0 ? 0.0 : 1.0 - leak;
}
