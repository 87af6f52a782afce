/* tw_duties.c - read the leakage between statutory and collected duties (tw_duties.h).
 *
 * Each share is a map from exporter (a region of the world) or ALL to a number; a named exporter
 * beats ALL, which is the value for every exporter not named. The three shares of one
 * (importer, exporter) must sum to at most 1.
 */
#include "tw_duties.h"

#include <string.h>

#include "tw_tariffs.h"

/* A map exporter|ALL -> share into out[exporter] (default 0); the importer's own key is
 * refused as unknown by not being read. */
static tw_status shares(const tw_cfg_node *imp, const char *key, const tw_world *world,
                        int importer, double out[TW_NREG_MAX], tw_err *err) {
    const tw_cfg_node *m = tw_cfg_get(imp, key);
    for (int o = 0; o < TW_NREG_MAX; o++) out[o] = 0.0;
    if (m == NULL) return TW_OK;
    if (tw_cfg_kind_of(m) != TW_CFG_MAP)
        return tw_cfg_error(err, m, "expected a map from exporter (or ALL) to a share 0 to 1");
    double all = 0.0;
    tw_status st = tw_world_check_keys(m, world->names, true, err);
    if (st == TW_OK) st = tw_cfg_double(m, "ALL", false, 0.0, 0.0, 1.0, &all, err);
    for (int o = 0; o < world->nreg && st == TW_OK; o++)
        if (o != importer) st = tw_cfg_double(m, world->names[o], false, all, 0.0, 1.0, &out[o], err);
    return st;
}

tw_status tw_duties_load(const tw_cfg_node *section, const tw_world *world, tw_duty_params *dp,
                         tw_err *err) {
    memset(dp, 0, sizeof *dp);
    for (int i = 0; i < TW_NREG_MAX; i++)
        for (int o = 0; o < TW_NREG_MAX; o++) dp->de_minimis_end[i][o] = TW_DAY_NEVER;
    if (section == NULL) return TW_OK;
    if (tw_cfg_kind_of(section) != TW_CFG_MAP)
        return tw_cfg_error(err, section, "expected a map from importer (a region)");
    tw_status st = tw_world_check_keys(section, world->names, false, err);
    for (int i = 0; i < world->nreg && st == TW_OK; i++) {
        const tw_cfg_node *imp = tw_cfg_get(section, world->names[i]);
        if (imp == NULL) continue;
        if (tw_cfg_kind_of(imp) != TW_CFG_MAP)
            return tw_cfg_error(err, imp, "expected a map of duty leakage keys");
        double ftz[TW_NREG_MAX], excl[TW_NREG_MAX];
        if ((st = shares(imp, "ftz_share", world, i, ftz, err)) != TW_OK) return st;
        if ((st = shares(imp, "exclusion_share", world, i, excl, err)) != TW_OK) return st;
        if ((st = shares(imp, "de_minimis_share", world, i, dp->de_minimis[i], err)) != TW_OK)
            return st;
        const tw_cfg_node *end = tw_cfg_get(imp, "de_minimis_end");
        if (end != NULL && tw_cfg_kind_of(end) != TW_CFG_MAP)
            return tw_cfg_error(err, end, "expected a map from exporter (or ALL) to a date");
        if ((st = tw_world_check_keys(end, world->names, true, err)) != TW_OK) return st;
        tw_day all_end = TW_DAY_NEVER;
        if ((st = tw_cfg_date(end, "ALL", false, TW_DAY_NEVER, &all_end, err)) != TW_OK) return st;
        for (int o = 0; o < world->nreg; o++) {
            if (o == i) continue;
            if ((st = tw_cfg_date(end, world->names[o], false, all_end,
                                  &dp->de_minimis_end[i][o], err)) != TW_OK)
                return st;
            dp->fixed[i][o] = ftz[o] + excl[o];
            if (dp->fixed[i][o] + dp->de_minimis[i][o] > 1.0 + 1e-12)
                return tw_cfg_error(err, imp,
                                    "expected ftz_share + exclusion_share + de_minimis_share of "
                                    "at most 1 for exporter %s (got %g)",
                                    world->names[o], dp->fixed[i][o] + dp->de_minimis[i][o]);
        }
    }
    return st;
}

double tw_duties_collected(const tw_duty_params *dp, int importer, int exporter, tw_day t) {
    double leak = dp->fixed[importer][exporter];
    if (t < dp->de_minimis_end[importer][exporter]) leak += dp->de_minimis[importer][exporter];
    return leak >= 1.0 ? 0.0 : 1.0 - leak;
}
