/* tw_book.h - what the tariff book and the export-control book share: appendable storage
 * of entries and the rule that decides which active entry is in force.
 *
 * Not API: only models/ includes it (and the model's own tests).
 *
 * Precedence (tariff layers, export-control regimes): among the entries active on a day,
 * the one with the latest effective date is in force; on a tie an entry for one
 * destination (target) beats one for ALL; then the later entry in the book wins. An entry
 * with an end date therefore lies on top of the earlier one and uncovers it when it ends.
 */
#ifndef TW_BOOK_H
#define TW_BOOK_H

#include <stdbool.h>
#include <stddef.h>

#include "tw_calendar.h"
#include "tw_error.h"

/* An entry's rank under the precedence rule. */
typedef struct {
    const void *at; /* the entry (its place in the book); NULL: no entry */
    tw_day effective;
    bool specific;  /* for one destination rather than ALL */
} tw_book_rank;

/* true if a beats b as the entry in force (b.at NULL: a wins). */
static inline bool tw_book_beats(tw_book_rank a, tw_book_rank b) {
    if (b.at == NULL) return true;
    if (a.effective != b.effective) return a.effective > b.effective;
    if (a.specific != b.specific) return a.specific;
    return (const char *)a.at > (const char *)b.at; /* later in the book */
}

/* Make room for need entries of elem bytes in *items (capacity *cap, doubling from 16);
 * what names the entries in the error past max. TW_ENOMEM / TW_ERUNTIME, *items intact. */
tw_status tw_book_reserve(void **items, size_t *cap, size_t elem, size_t need, size_t max,
                          const char *what, tw_err *err);

#endif
