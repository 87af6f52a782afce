/* tw_world.h - regions, sectors and the 2024 calibration (the CSV files in data/).
 *
 * The world is four regions (US, CN, EU, ROW) and eight sectors. The base year is 2024:
 * flow[e][i][s] is what importer i bought from exporter e in sector s, in USD billion a
 * year at customs value; flow[i][i][s] is the region's absorption of its own output.
 * sigma[s] is the sector's elasticity of substitution between foreign origins (the lower
 * nest of tw_demand.h; the trade elasticity between origins is sigma - 1). Values and
 * their sources: data/README.md.
 */
#ifndef TW_WORLD_H
#define TW_WORLD_H

#include "tw_error.h"

enum { TW_US, TW_CN, TW_EU, TW_ROW, TW_NREG };
enum {
    TW_ELECTRONICS,
    TW_MACHINERY,
    TW_VEHICLES,
    TW_METALS,
    TW_AGRICULTURE,
    TW_CHEMICALS,
    TW_CONSUMER,
    TW_OTHER,
    TW_NSEC
};

extern const char *const tw_region_names[TW_NREG + 1]; /* NULL-terminated */
extern const char *const tw_sector_names[TW_NSEC + 1]; /* NULL-terminated */

typedef struct {
    double flow[TW_NREG][TW_NREG][TW_NSEC]; /* [exporter][importer][sector], USD bn / year */
    double sigma[TW_NSEC];                  /* elasticity of substitution */
    double gdp[TW_NREG];                    /* USD bn, 2024 */
} tw_world;

/* Read base_flows_2024.csv, sectors.csv and regions.csv from data_dir. Every cell must be
 * present exactly once and finite and positive; sigma > 1. Errors are TW_EDATA with
 * "path:line: ...", or TW_EIO. */
tw_status tw_world_load(const char *data_dir, tw_world *w, tw_err *err);

#define TW_ALL (-1) /* an aggregated dimension (a series' partner or sector, a rate's) */

/* Effective rate tau[imposer][target][sector] (a fraction); where target or sector is
 * TW_ALL, the average weighted by 2024 customs imports (fixed base-year weights). */
double tw_world_weighted_rate(const tw_world *world, const double tau[TW_NREG][TW_NREG][TW_NSEC],
                              int imposer, int target, int sector);

/* Index of a name in a NULL-terminated list, or -1. */
int tw_name_index(const char *const *names, const char *name);

#endif
