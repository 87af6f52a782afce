/* tw_world.h - regions, sectors and the 2024 calibration (the CSV files in data/).
 *
 * The world is the regions of the data folder's regions.csv (US and CN required; the
 * four-region world of data/ is US, CN, EU, ROW; data/worlds/ holds others) and eight
 * sectors. Region indices: US is 0 and CN 1 (the governments are theirs), the others follow
 * in the file's order. Arrays keep a fixed capacity of TW_NREG_MAX regions (so that the
 * hot loops' layout is fixed at compile time); loops run over the world's nreg. The base
 * year is 2024:
 * flow[e][i][s] is what importer i bought from exporter e in sector s, in USD billion a
 * year at customs value; flow[i][i][s] is the region's absorption of its own output.
 * sigma[s] is the sector's elasticity of substitution between foreign origins (the lower
 * nest of tw_demand.h; the trade elasticity between origins is sigma - 1). Values and
 * their sources: data/README.md.
 */
#ifndef TW_WORLD_H
#define TW_WORLD_H

#include "tw_config.h"
#include "tw_error.h"

#define TW_NREG_MAX 10   /* regions a world may have: array capacity (the policy
                          * draws keep ten slots per region-keyed parameter, tw_policy.h) */
#define TW_REGION_CODE 8 /* bytes of a region code, NUL included */
enum { TW_US, TW_CN };   /* the required regions, at these indices in every world */
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

extern const char *const tw_sector_names[TW_NSEC + 1]; /* NULL-terminated */

/* A world. Not to be copied by value: names points into code (tw_world_set_regions sets
 * both). */
typedef struct {
    int nreg;                                /* regions, 2..TW_NREG_MAX */
    char code[TW_NREG_MAX][TW_REGION_CODE];  /* [nreg] region codes ("US", "MX") */
    const char *names[TW_NREG_MAX + 1];      /* [nreg + 1] the codes, NULL-terminated */
    double flow[TW_NREG_MAX][TW_NREG_MAX][TW_NSEC]; /* [exporter][importer][sector], USD bn / year */
    double sigma[TW_NSEC];                  /* elasticity of substitution */
    double gdp[TW_NREG_MAX];                /* USD bn, 2024 */
    double packed[TW_NREG_MAX * TW_NREG_MAX * TW_NSEC]; /* flow as [nreg][nreg][TW_NSEC]
                                                         * (tw_ge.h's layout; tw_world_pack) */
} tw_world;

/* Read regions.csv (the list and GDP), base_flows_2024.csv and sectors.csv from data_dir.
 * Every cell must be present exactly once and finite and positive; sigma > 1; US and CN
 * listed; at most TW_NREG_MAX regions, codes of 1 to TW_REGION_CODE - 1 characters A-Z.
 * Errors are TW_EDATA with "path:line: ...", or TW_EIO. */
tw_status tw_world_load(const char *data_dir, tw_world *w, tw_err *err);

/* Set the world's region list to codes[0..n) (US and CN first; codes of at most
 * TW_REGION_CODE - 1 bytes): nreg, code and names. For worlds built in code (tests). */
void tw_world_set_regions(tw_world *w, int n, const char *const *codes);

/* Copy flow into packed (after flows change). */
void tw_world_pack(tw_world *w);

/* Index of a region code in the world, or -1. */
int tw_world_region(const tw_world *w, const char *code);

/* The world's codes then "ALL" (index nreg), NULL-terminated: the choices of a key that
 * names one region or every partner. */
void tw_world_targets(const tw_world *w, const char *out[TW_NREG_MAX + 2]);

/* The codes of a NULL-terminated list joined by ", " into buf ("US, CN, EU, ROW"), cut
 * to n bytes; TW_WORLD_LIST bytes hold any world's. */
#define TW_WORLD_LIST (TW_NREG_MAX * (TW_REGION_CODE + 2) + 8)
void tw_world_list(const char *const *names, char *buf, size_t n);

/* A map keyed by region (a scenario's `duties:`, `governments:`, ...): every key written
 * in capitals (the form of a region code) must be one of names (a world's, NULL-terminated)
 * or, with all, ALL. Others are left to the unused-key check. TW_ECONFIG at the key's
 * value: "expected a region of the world: US, CN, ... (got 'BR')". map NULL or not a map:
 * TW_OK. */
tw_status tw_world_check_keys(const tw_cfg_node *map, const char *const *names, bool all,
                              tw_err *err);

/* Number of cells (importer, sector) of the world: nreg * TW_NSEC. */
static inline int tw_world_ncell(const tw_world *w) { return w->nreg * TW_NSEC; }

#define TW_ALL (-1) /* an aggregated dimension (a series' partner or sector, a rate's) */

/* Effective rate tau[imposer][target][sector] (a fraction); where target or sector is
 * TW_ALL, the average weighted by 2024 customs imports (fixed base-year weights). */
double tw_world_weighted_rate(const tw_world *world, const double tau[TW_NREG_MAX][TW_NREG_MAX][TW_NSEC],
                              int imposer, int target, int sector);

/* Index of a name in a NULL-terminated list, or -1. */
int tw_name_index(const char *const *names, const char *name);

#endif
