/* tw_book.c - appendable storage shared by the tariff and export-control books.
 *
 * A scenario's book is loaded at its exact size; a replicate's copy grows by doubling as
 * its governments and events append entries during a run.
 */
#include "tw_book.h"

#include <stdlib.h>

tw_status tw_book_reserve(void **items, size_t *cap, size_t elem, size_t need, size_t max,
                          const char *what, tw_err *err) {
    if (need <= *cap) return TW_OK;
    if (need > max) return tw_err_set(err, TW_ERUNTIME, "more than %zu %s", max, what);
    size_t n = *cap < 16 ? 16 : *cap;
    while (n < need) n *= 2;
    void *p = realloc(*items, n * elem);
    if (p == NULL) return tw_err_set(err, TW_ENOMEM, "out of memory");
    *items = p;
    *cap = n;
    return TW_OK;
}
