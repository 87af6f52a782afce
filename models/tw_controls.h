/* tw_controls.h - export-control regimes on chokepoint goods (rare-earth magnets today;
 * chips, EDA software or jet-engine parts work the same way).
 *
 * A scenario's `export_controls:` list holds entries; each puts the exports of one good
 * from one exporting region to one destination (or ALL destinations) under a regime from
 * its effective date until its end date (exclusive):
 *   open       no licence needed;
 *   licensing  every shipment needs a licence; approval follows a per-working-day hazard
 *              derived from the statutory review period;
 *   slow_roll  licensing with the approval hazard multiplied by slow_roll_factor (< 1);
 *   halt       no licences are approved.
 * The regime of (exporter, destination, good) on day t comes from the active entry with
 * the latest effective date (ties: a destination-specific entry beats an ALL entry, then
 * the later entry in the book); open where no entry is active. An entry with an end date
 * lies on top of the earlier regime and uncovers it when it ends, as tariffs do (the rule
 * both books share, tw_book.h).
 *
 * The book is appendable: each replicate's state holds its own copy, to which government
 * agents add entries (tw_controls_add) as they decide. While the scenario entry in force
 * for (exporter, destination, good) is `pinned: true`, added entries are not counted for
 * it: governments and events leave that regime alone (tw_tariffs.h does the same).
 */
#ifndef TW_CONTROLS_H
#define TW_CONTROLS_H

#include <stdbool.h>
#include <stddef.h>

#include "tw_calendar.h"
#include "tw_config.h"
#include "tw_error.h"
#include "tw_world.h"

typedef enum { TW_CTRL_OPEN, TW_CTRL_LICENSING, TW_CTRL_SLOW_ROLL, TW_CTRL_HALT,
               TW_NCTRL } tw_ctrl_regime;
extern const char *const tw_ctrl_regime_names[TW_NCTRL + 1]; /* "open", ... , NULL */

#define TW_CTRL_ID_MAX 64
#define TW_CTRL_GOOD_RE 0 /* rare-earth magnets: the one controlled good modelled today */
#define TW_NGOODS 1
#define TW_MAX_CONTROLS 10000

typedef struct {
    char id[TW_CTRL_ID_MAX];
    int exporter;            /* region */
    int dest;                /* region or TW_TARGET_ALL (tw_tariffs.h) */
    int good;                /* TW_CTRL_GOOD_* */
    tw_ctrl_regime regime;
    double slow_roll_factor; /* hazard multiplier under slow_roll, in (0, 1] */
    int validity_days;       /* licences granted under this entry last this long, days; 0 =
                              * the orders pending on the day of approval; -1 = not given
                              * (the controlled good's model applies its default by
                              * destination: rare_earths.licence_validity_days) */
    tw_day announced, effective, end; /* end exclusive; TW_DAY_NEVER if none */
    bool pinned;             /* governments and events leave this regime alone */
} tw_control;

typedef struct {
    tw_control *items; /* in book order (file order, then additions) */
    size_t n, cap;
    size_t n_script;         /* items[0 .. n_script) are the scenario's; later ones were added */
} tw_control_book;

/* Read an `export_controls:` sequence (NULL = none). On failure the book is left empty. */
tw_status tw_controls_load(const tw_cfg_node *seq, const tw_world *world, tw_control_book *book,
                           tw_err *err);
tw_status tw_controls_copy(tw_control_book *dst, const tw_control_book *src, tw_err *err);
tw_status tw_controls_add(tw_control_book *book, const tw_control *c, tw_err *err);
void tw_controls_free(tw_control_book *book);

/* The entry in force on day t for (exporter, dest, good), or NULL (open). */
const tw_control *tw_controls_at(const tw_control_book *book, tw_day t, int exporter, int dest,
                                 int good);

#endif
