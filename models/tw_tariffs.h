/* tw_tariffs.h - tariff measures and their stacking into effective rates.
 *
 * A scenario's `tariffs:` list holds entries; each sets, from its effective date (until
 * its end date, exclusive), the rate and/or the coverage of one *layer*: the measure id
 * of an imposer, for a target (or ALL targets) and a set of sectors. The layer's rate on
 * day t comes from the active entry that sets a rate with the latest effective date (ties:
 * a target-specific entry beats an ALL entry, then the later entry in the file); coverage
 * is resolved the same way (default 1). An entry with an end date therefore lies on top of
 * the earlier level and uncovers it when it ends (suspension and snap-back).
 *
 * The effective rate of (imposer, target, sector) is the sum over layers of
 * coverage * rate * (1 - x), where x is the summed coverage (capped at 1) of the measures
 * the layer's rate entry lists in `not_on` that are in force (have an active rate entry,
 * whatever its rate): reciprocal duties do not stack on Section 232 goods, say.
 *
 * Pinned entries. The scenario's own entries come first in a book; entries that government
 * agents and events add during a run come after them. While the scenario entry in force
 * for a layer's rate (or coverage) is `pinned: true`, added entries are not counted for it:
 * the layer holds the scenario's level whatever the agents and events decide (the
 * scenario's own later entries still apply), and a court ruling does not end it.
 */
#ifndef TW_TARIFFS_H
#define TW_TARIFFS_H

#include <stdbool.h>

#include "tw_calendar.h"
#include "tw_config.h"
#include "tw_error.h"
#include "tw_world.h"

#define TW_TARGET_ALL (-1)
#define TW_DAY_NEVER INT32_MAX
#define TW_MEASURE_NAME_MAX 64
#define TW_MAX_NOT_ON 8
#define TW_MAX_TARIFFS 100000
#define TW_MAX_MEASURES 256 /* distinct measure ids in one scenario */

enum { TW_AUTH_IEEPA, TW_AUTH_S301, TW_AUTH_S232, TW_AUTH_RETALIATION, TW_AUTH_MFN,
       TW_AUTH_LEGACY, TW_AUTH_OTHER, TW_NAUTH };
extern const char *const tw_authority_names[TW_NAUTH + 1];

typedef struct {
    int measure;               /* index into tw_tariff_book.names */
    int imposer;               /* region */
    int target;                /* region or TW_TARGET_ALL */
    bool sectors[TW_NSEC];
    bool has_rate, has_coverage;
    double rate;               /* fraction (percent / 100) */
    double coverage;           /* share of the sector's trade, 0..1 */
    int authority;
    tw_day announced, effective, end; /* end exclusive; TW_DAY_NEVER if none */
    int not_on[TW_MAX_NOT_ON]; /* measure indices */
    int n_not_on;
    bool pinned;               /* governments and events leave this entry's layer alone */
} tw_tariff;

typedef struct {
    tw_tariff *items; /* in file order */
    size_t n;
    char (*names)[TW_MEASURE_NAME_MAX]; /* distinct measure ids, first-seen order */
    size_t n_names;
    size_t cap;       /* allocated items (0: exactly n, as loaded) */
    size_t n_script;  /* items[0 .. n_script) are the scenario's; later ones were added */
} tw_tariff_book;

typedef double tw_rate_table[TW_NREG][TW_NREG][TW_NSEC]; /* [imposer][target][sector] */

/* The buyer's price of a unit from an origin whose producer price is w (its wage: 1 on
 * the first day, moved by the general-equilibrium closure, tw_ge_day.c) under tariff tau (a
 * fraction; 0 for the buyer's own region): the share pass_through of the tariff is passed
 * on, so a buyer pays w (1 + pass_through tau). The one place the model writes this
 * formula. */
static inline double tw_buyer_price(double pass_through, double w, double tau) {
    return w * (1.0 + pass_through * tau);
}

/* Read a `tariffs:` sequence (NULL = no measures). On failure the book is left empty. */
tw_status tw_tariffs_load(const tw_cfg_node *seq, tw_tariff_book *book, tw_err *err);
void tw_tariffs_free(tw_tariff_book *book);

/* Read map e's `sectors` key ('all', absent, or a list of sector names) into sectors. */
tw_status tw_tariffs_load_sectors(const tw_cfg_node *e, bool sectors[TW_NSEC], tw_err *err);

/* Deep copy of src into dst (dst's old contents are not freed). TW_ENOMEM on failure, with
 * dst left empty. Used to give each replicate its own book that its governments append to. */
tw_status tw_tariffs_copy(tw_tariff_book *dst, const tw_tariff_book *src, tw_err *err);

/* Append one entry (its measure must be an index of book->names). The book grows as
 * needed; TW_ENOMEM on allocation failure, TW_ERUNTIME past TW_MAX_TARIFFS. */
tw_status tw_tariffs_add(tw_tariff_book *book, const tw_tariff *t, tw_err *err);

/* Index of measure id name in the book, adding it if it is new; -1 when the name is not a
 * valid id, allocation fails or the book already holds TW_MAX_MEASURES ids. */
int tw_tariffs_intern(tw_tariff_book *book, const char *name);

/* Rate (fraction) of one layer, (imposer, measure, sector) for target, on day t counting
 * entries announced on or before known_by; 0 when no rate entry of the layer is active. */
double tw_tariffs_layer_rate(const tw_tariff_book *book, int imposer, int target, int measure,
                             int sector, tw_day t, tw_day known_by);

/* true if the entry in force for that layer's rate on day t is pinned (every entry
 * counted, whatever its announcement day). */
bool tw_tariffs_layer_pinned(const tw_tariff_book *book, int imposer, int target, int measure,
                             int sector, tw_day t);

/* Effective rates (fractions) on day t counting only entries announced on or before
 * known_by (TW_DAY_NEVER: all). Diagonal (imposer == target) entries are 0. */
void tw_tariffs_rates(const tw_tariff_book *book, tw_day t, tw_day known_by, tw_rate_table out);

/* For each (imposer, target, sector), the highest effective rate known on day t to apply
 * on some day in (t, t + horizon] (the current rate if nothing known changes it). */
void tw_tariffs_expected_max(const tw_tariff_book *book, tw_day t, int horizon,
                             tw_rate_table out);

/* The firms' outlook on day t: for each (imposer, target, sector), the known rate on some
 * day in (t, t + horizon] farthest from today's (an increase or a decrease; today's rate
 * when nothing known changes it). `sure` counts only the days entries take effect
 * (announced measures, certain); `any` also the days entries end (a truce that expires, a
 * temporary increase that lapses), which firms weigh with a belief (tw_firms.c). */
void tw_tariffs_outlook(const tw_tariff_book *book, tw_day t, int horizon, tw_rate_table sure,
                        tw_rate_table any);

#endif
