/* tw_duties.h - collected against statutory duties: what customs does not collect.
 *
 * Not API: only models/ includes it (and the model's own tests).
 *
 * The statutory duty on a day's imports is the rate paid on them (tw_split_demand) times
 * their customs value. Customs collects less: goods entered into foreign-trade zones and
 * bonded warehouses and not withdrawn defer their duty, goods under exclusions pay none,
 * and low-value parcels under the de minimis rule enter duty-free until the rule ends for
 * their origin. A scenario's `duties:` section gives, for an importer, each of these as a
 * share of its imports from an exporter (scenarios/README.md; sources in data/README.md,
 * duty_leakage.csv); the collected duty is
 *
 *     collected = (1 - leak) x statutory,
 *     leak = min(1, ftz_share + exclusion_share + de_minimis_share while t < de_minimis_end)
 *
 * so the collected rate is (1 - leak) times the rate paid, and collected revenue is that
 * rate times customs value. The buyer's price is not changed by leakage: the duty not
 * collected stays with the importer of record. Without a `duties:` section nothing leaks.
 *
 * Thread-safety: read-only after loading; shared by all replicates.
 */
#ifndef TW_DUTIES_H
#define TW_DUTIES_H

#include "tw_calendar.h"
#include "tw_config.h"
#include "tw_error.h"
#include "tw_world.h"

typedef struct {
    double fixed[TW_NREG_MAX][TW_NREG_MAX];      /* [importer][exporter] ftz + exclusion shares */
    double de_minimis[TW_NREG_MAX][TW_NREG_MAX]; /* [importer][exporter] de minimis share */
    tw_day de_minimis_end[TW_NREG_MAX][TW_NREG_MAX]; /* first day the share no longer applies */
} tw_duty_params;

/* Read the `duties:` section (NULL: nothing leaks), keyed by the regions of world. Errors
 * carry file:line:col. */
tw_status tw_duties_load(const tw_cfg_node *section, const tw_world *world, tw_duty_params *dp,
                         tw_err *err);

/* Share of the statutory duty on importer's imports from exporter collected on day t. */
double tw_duties_collected(const tw_duty_params *dp, int importer, int exporter, tw_day t);

#endif
