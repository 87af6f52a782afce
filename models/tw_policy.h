/* tw_policy.h - what the governments (tw_gov.h) and the events (tw_events.h) share: their
 * uncertain parameters and random numbers, and the readers of the keys both sections use.
 *
 * Not API: only models/ includes it (and the model's own tests). It includes neither
 * side, so that the events use it without reaching into the governments and the
 * governments without knowing the events (tools/check-layout).
 *
 * Uncertain parameters are tw_dist values drawn once per replicate from the replicate's
 * own stream (purpose TW_PURPOSE_GOV), each from the start of its own slot (TW_SLOT_*:
 * one counter per parameter, the region or third party added), so that Monte Carlo
 * explores them, a replicate's draws do not depend on the thread that runs it, and adding
 * a parameter never shifts the draws of the others. Daily chance events draw
 * tw_policy_uniform (purpose TW_PURPOSE_EVENT) keyed by (day, TW_EV_*). Both lists are
 * here, one for both sides, so that no two draws share a counter.
 *
 * Thread-safety: everything here is pure or reads the configuration tree, which is
 * read-only after load.
 */
#ifndef TW_POLICY_H
#define TW_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "tw_config.h"
#include "tw_error.h"
#include "tw_rng.h"
#include "tw_tariffs.h"

/* Random number purposes of the policy block (the counter's purpose field). */
enum { TW_PURPOSE_GOV = 5, TW_PURPOSE_EVENT = 6 };

/* Counters of the daily chance draws (purpose TW_PURPOSE_EVENT, agent = event id: the
 * events' calls, deals, extensions, court and third parties, the governments' forgiveness,
 * snap-back and export-control answer (TW_EV_CONTROL + region), each side's word on an
 * extension, TW_EV_EXTEND_SIDE + region) and of
 * the per-replicate parameter draws (purpose TW_PURPOSE_GOV, agent = slot: the events'
 * from TW_SLOT_CALL_BASE to TW_SLOT_COURT_DAY, TW_SLOT_THIRD and TW_SLOT_EXT_SIDE, the
 * agents' TW_SLOT_RESOLVE, FORGIVE, SNAPBACK and CONTROL, each + region). */
enum { TW_EV_CALL = 0, TW_EV_DEAL = 1, TW_EV_EXTEND = 2, TW_EV_STRIKE = 3, TW_EV_REIMPOSE = 4, TW_EV_ACCUSE = 5, TW_EV_CUT = 6, TW_EV_SUMMIT = 7,
       TW_EV_FORGIVE = 10, TW_EV_SNAPBACK = 20, TW_EV_THIRD = 30, TW_EV_EXTEND_SIDE = 40,
       TW_EV_CONTROL = 50 };
enum { TW_SLOT_CALL_BASE = 0, TW_SLOT_CALL_SLOPE, TW_SLOT_DEAL_BASE, TW_SLOT_DEAL_SLOPE,
       TW_SLOT_EXT_BASE, TW_SLOT_EXT_SLOPE, TW_SLOT_STRIKE, TW_SLOT_REIMPOSE, TW_SLOT_COURT_DAY,
       TW_SLOT_RESOLVE = 10, TW_SLOT_FORGIVE = 20, TW_SLOT_SNAPBACK = 30, TW_SLOT_THIRD = 40,
       TW_SLOT_EXT_SIDE = 50, TW_SLOT_CRISIS = 60, TW_SLOT_ACCUSE = 61,
       TW_SLOT_CUT_PROB = 62, TW_SLOT_CUT_SHARE = 63, TW_SLOT_SUMMIT_SHARE = 64,
       TW_SLOT_SUMMIT_BASE = 65, TW_SLOT_EXT_ACCUSED = 66, TW_SLOT_CONTROL = 70 };
_Static_assert(TW_NREG_MAX <= 10, "ten slots and chance events per region-keyed parameter");

/* The replicate's uniform draw for chance event `event` (TW_EV_*) on day index d: the
 * governments' and the events' daily draws alike. */
static inline double tw_policy_uniform(tw_rng_key key, uint32_t d, uint64_t event) {
    uint32_t w[4];
    tw_rng_words(key, d, event, TW_PURPOSE_EVENT, 0, w);
    return tw_u01d(w[0], w[1]);
}

/* A parameter that may be uncertain: drawn once per replicate. */
typedef enum { TW_DIST_FIXED, TW_DIST_UNIFORM, TW_DIST_NORMAL, TW_DIST_BETA, TW_DIST_LOGNORMAL,
               TW_NDIST } tw_dist_kind;
typedef struct {
    tw_dist_kind kind;
    double a, b;   /* fixed: value; uniform: lo, hi; normal: mean, sd; beta: a, b;
                    * lognormal: mu, sigma of the log */
    double lo, hi; /* the parameter's range: draws are clamped into it */
    bool assumed;  /* a distribution marked `assumed: true` or given without a `source` */
} tw_dist;

/* Read map[key] as a number or a {dist: ..., ...} map; the range [lo, hi] checks fixed
 * values and distribution bounds and clamps draws. Absent: fixed def. */
tw_status tw_dist_load(const tw_cfg_node *map, const char *key, double def, double lo, double hi,
                       tw_dist *out, tw_err *err);
/* The distribution's mean, clamped into its range (the mean of the unclamped law). */
double tw_dist_mean(const tw_dist *d);
/* One draw (r: the replicate's parameter stream). */
double tw_dist_draw(const tw_dist *d, gsl_rng *r);
/* One draw from the start of slot's stream (r restarted at counter slot: TW_SLOT_*), so
 * that adding a parameter never shifts the draws of the others. */
double tw_dist_draw_slot(const tw_dist *d, gsl_rng *r, int slot);

#define TW_MAX_DRAWN 64
#define TW_DRAWN_NAME_MAX 64

/* A parameter that varies between replicates: replicates.csv's column after the outcomes,
 * named by its key path (governments.US.resolve, events.deal.base, ...). */
typedef struct {
    char name[TW_DRAWN_NAME_MAX];
    int slot;                  /* TW_SLOT_* (with the region or third party added) */
    bool assumed;              /* its range is an assumption (tw_dist.assumed) */
} tw_drawn;

/* Append d to list[*n] (room for TW_MAX_DRAWN) under name when it varies between
 * replicates: a distribution other than fixed or a uniform of zero width. */
void tw_drawn_add(tw_drawn *list, int *n, const tw_dist *d, int slot, const char *name);

/* Readers of the keys both sections use; each leaves the scenario's error (file:line:col)
 * in err. A sub-map (NULL when absent; anything but a map is an error): */
tw_status tw_policy_section(const tw_cfg_node *m, const char *key, const tw_cfg_node **out,
                            tw_err *err);
/* A percent key read as a fraction (def_pct, lo and hi in percent). */
tw_status tw_policy_pct(const tw_cfg_node *m, const char *key, double def_pct, double lo,
                        double hi, double *out, tw_err *err);
/* A whole number of days. */
tw_status tw_policy_days(const tw_cfg_node *m, const char *key, int64_t def, int64_t lo,
                         int64_t hi, int *out, tw_err *err);
/* A measure id, interned into book (the scenario's); *out -1 when absent. */
tw_status tw_policy_measure(const tw_cfg_node *m, const char *key, bool required,
                            tw_tariff_book *book, int *out, tw_err *err);

#endif
