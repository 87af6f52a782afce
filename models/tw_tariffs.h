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
 * In-transit rule. An entry may carry `in_transit: {loaded_before: A, entered_before: B}`
 * (the 2025 orders' rule): goods loaded before A and entered before B do not pay it; for
 * them the layer keeps its level without the entry (the earlier rate). It changes only
 * what enters customs (tw_tariffs_rates_entering), not what buyers expect to pay.
 *
 * Level entries. An entry with `level:` instead of `rate:` sets the total rate of each of
 * its cells (imposer, target, sector) while it is in force: the layers are set aside, not
 * removed, so they apply again when it ends. Among level entries in force the books'
 * precedence rule picks one (tw_book.h). A level entry is no layer: tw_tariffs_layer_rate
 * and the governments' levers do not see it, and it covers the whole cell (no coverage,
 * no not_on), its in-transit rule, if any, holding for it as for a layer.
 *
 * Pinned entries. The scenario's own entries come first in a book; entries that government
 * agents and events add during a run come after them. While the scenario entry in force
 * for a layer's rate (or coverage) is `pinned: true`, added entries are not counted for it:
 * the layer holds the scenario's level whatever the agents and events decide (the
 * scenario's own later entries still apply), and a court ruling does not end it.
 *
 * Sub-cells. The sum over layers is the blended rate of the cell, right for its customs-weighted
 * average (the `tariff_rate` indicator) but not for demand: CES demand is convex in the
 * price, so a blend of 166% on half a cell and 41% on the other half predicts a larger
 * fall than the two halves do. tw_tariffs_split therefore splits each (importer, sector)
 * into sub-cells, ranges of one product index u in [0, 1) shared by every origin of the
 * cell, on each of which every origin's rate is constant. A layer covers the range
 * [x, x + coverage (1 - x)) of u, x being its excluded share (0 without not_on): layers
 * without not_on cover the lowest part of the cell and nest (an exemption of phones and
 * computers takes the same goods out of every measure that has it), and a layer with
 * not_on sits just above the measures it does not stack on, which are taken to cover
 * [0, x). Each layer covers the share it has in the blended sum, so the share-weighted
 * mean of a sub-cell rate over the sub-cells is the blended rate. The product index is
 * common to the origins of a cell, which is exact where one rule covers the same share
 * of every origin's trade and an approximation where shares differ by origin (Annex II
 * covers 24% of Chinese and 74% of EU chemicals). At most TW_NSUB sub-cells: beyond
 * that, the two adjacent sub-cells with the smallest joint share are merged (their rates
 * blended) until TW_NSUB remain.
 *
 * The firms need no state of their own for this: tw_split_demand aggregates the cell's
 * demand over its sub-cells (quantity shares, the price relative and the tariff paid on
 * purchases from each origin, each the share-weighted sum of its value in the sub-cells
 * at their own rates), so a firm that re-chooses draws its origin from the sub-cell
 * mixture. In the long run the cell's shares are the share-weighted sum of the sub-cells'
 * CES shares, not the CES share at the blended price.
 */
#ifndef TW_TARIFFS_H
#define TW_TARIFFS_H

#include <stdbool.h>

#include "tw_calendar.h"
#include "tw_config.h"
#include "tw_demand.h"
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
    bool level;                /* a `level:` entry: rate is the cell's total while it is in
                                * force (no layer of its own; has_rate and has_coverage false) */
    double rate;               /* fraction (percent / 100) */
    double coverage;           /* share of the sector's trade, 0..1 */
    int authority;
    tw_day announced, effective, end; /* end exclusive; TW_DAY_NEVER if none */
    tw_day withdrawn;          /* a scheduled entry called off before it took effect: known
                                * from announced until this day, never in force; 0 if none */
    int not_on[TW_MAX_NOT_ON]; /* measure indices */
    int n_not_on;
    bool pinned;               /* governments and events leave this entry's layer alone */
    bool in_transit;           /* the in-transit rule below applies */
    tw_day loaded_before, entered_before; /* goods loaded before the first and entered
                                           * before the second do not pay this entry */
} tw_tariff;

typedef struct {
    tw_tariff *items; /* in file order */
    size_t n;
    char (*names)[TW_MEASURE_NAME_MAX]; /* distinct measure ids, first-seen order */
    size_t n_names;
    size_t cap;       /* allocated items (0: exactly n, as loaded) */
    size_t n_script;  /* items[0 .. n_script) are the scenario's; later ones were added */
    int nreg;         /* regions of the world the book was read for */
    const char *const *regions; /* [nreg + 1] their codes (the world's names, borrowed) */
} tw_tariff_book;

typedef double tw_rate_table[TW_NREG_MAX][TW_NREG_MAX][TW_NSEC]; /* [imposer][target][sector] */

#define TW_NSUB 8 /* most sub-cells of one (importer, sector) */

/* One (importer, sector) split into sub-cells (see the top of this file). */
typedef struct {
    int n;                         /* sub-cells in use, 1 .. TW_NSUB */
    double share[TW_NSUB];         /* share of the cell's trade, summing to 1 */
    double rate[TW_NSUB][TW_NREG_MAX]; /* rate (fraction) of each origin in each sub-cell; 0 at home */
} tw_split_cell;

typedef tw_split_cell tw_split_table[TW_NREG_MAX][TW_NSEC]; /* [importer][sector] */

/* The buyer's price of a unit from an origin whose producer price is w (its wage: 1 on
 * the first day, moved by the general-equilibrium closure, tw_ge_day.c) under tariff tau (a
 * fraction; 0 for the buyer's own region): the share pass_through of the tariff is passed
 * on, so a buyer pays w (1 + pass_through tau). The one place the model writes this
 * formula. */
static inline double tw_buyer_price(double pass_through, double w, double tau) {
    return w * (1.0 + pass_through * tau);
}

/* Read a `tariffs:` sequence (NULL = no measures) naming the regions of world (kept by
 * pointer: it must outlive the book). On failure the book is left empty. */
tw_status tw_tariffs_load(const tw_cfg_node *seq, const tw_world *world, tw_tariff_book *book,
                          tw_err *err);
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
 * entries announced on or before known_by; 0 when no rate entry of the layer is active.
 * A level entry in force does not change it (it is no layer; tw_tariffs_rates sees it). */
double tw_tariffs_layer_rate(const tw_tariff_book *book, int imposer, int target, int measure,
                             int sector, tw_day t, tw_day known_by);

/* true if the entry in force for that layer's rate on day t is pinned (every entry
 * counted, whatever its announcement day). */
bool tw_tariffs_layer_pinned(const tw_tariff_book *book, int imposer, int target, int measure,
                             int sector, tw_day t);

/* Effective rates (fractions) on day t counting only entries announced on or before
 * known_by (TW_DAY_NEVER: all). Diagonal (imposer == target) entries are 0. */
void tw_tariffs_rates(const tw_tariff_book *book, tw_day t, tw_day known_by, tw_rate_table out);

/* What firms expect a deal to do to the measures in force (tw_expect.h): each layer of a
 * negotiable measure is brought down to its imposer's agreed level (a layer already below
 * stays). */
#define TW_MAX_NEGOTIABLE 8
typedef struct {
    int n;                                                /* negotiable measure ids */
    char names[TW_MAX_NEGOTIABLE][TW_MEASURE_NAME_MAX];
    double level[TW_NREG_MAX];                                /* agreed level per imposer, fraction */
} tw_deal_terms;

/* Effective rates on day t, counting entries announced by t, after a deal on terms: every
 * layer of a negotiable measure at most its imposer's level. Level entries are not
 * negotiable. Equal to tw_tariffs_rates(book, t, t, out) where no negotiable layer is
 * above its level. */
void tw_tariffs_rates_deal(const tw_tariff_book *book, tw_day t, const tw_deal_terms *terms,
                           tw_rate_table out);

/* Effective rates (fractions) of the goods that enter customs on day t, loaded
 * lag[exporter][importer] days earlier, counting every entry announced: an entry with an
 * in-transit rule (`in_transit`, above) does not count for goods loaded before its
 * loaded_before and entered before its entered_before, which pay the earlier rate (the
 * layer's level without the entry). Equal to tw_tariffs_rates where no such rule applies. */
void tw_tariffs_rates_entering(const tw_tariff_book *book, tw_day t, const int lag[TW_NREG_MAX][TW_NREG_MAX],
                               tw_rate_table out);

/* The sub-cells of every (importer, sector) on day t, counting entries announced on or
 * before known_by. For each origin, the share-weighted mean of its sub-cell rates equals
 * its rate in tw_tariffs_rates (to rounding; merged sub-cells keep it too). */
void tw_tariffs_split(const tw_tariff_book *book, tw_day t, tw_day known_by, tw_split_table out);

/* A cell's demand in quantities aggregated over its sub-cells, for buyers in region home
 * with the cell's nested CES demand (tw_demand.h), origins' producer prices w and first-day
 * buyer prices price0 (the cell's, at the blended rate: a unit of o is what one USD bought
 * there on the first day). In sub-cell k origin o's buyer price is p = tw_buyer_price(
 * pass_through, w[o], rate), its relative r = p / price0[o] and its quantity share its
 * spending share (tw_nest_shares) / r over the sum. Out: qshare[o], the share of the cell's quantity ordered from
 * o (summing to 1, the firms' choice probabilities); rel[o], the spending per unit of
 * those orders relative to the first day (the quantity-weighted r); tau_paid[o], the
 * tariff on them, such that their customs value is spending / (1 + tau_paid[o]). With one
 * sub-cell these are the plain logit quantity shares, r and the rate. */
void tw_split_demand(const tw_split_cell *sc, int home, const tw_nest *nest, double pass_through,
                     const double w[TW_NREG_MAX], const double price0[TW_NREG_MAX],
                     double qshare[TW_NREG_MAX], double rel[TW_NREG_MAX], double tau_paid[TW_NREG_MAX]);

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
