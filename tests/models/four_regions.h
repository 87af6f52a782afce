/* four_regions.h - the four-region world of data/ as the model's tests name it.
 *
 * The model reads its regions from the data folder (tw_world.h); US and CN are fixed
 * indices in every world. Tests that build or read the four-region world of data/ (US, CN,
 * EU, ROW, in that order) name its other two regions and its counts here.
 */
#ifndef TW_TEST_FOUR_REGIONS_H
#define TW_TEST_FOUR_REGIONS_H

#include "tw_world.h"

enum { TW_EU = 2, TW_ROW = 3 };
#define TW_NREG 4                   /* regions of the four-region world */
#define TW_NCELL (TW_NREG * TW_NSEC) /* its cells */

static const char *const tw_test_region_names[TW_NREG + 1] = {"US", "CN", "EU", "ROW", NULL};

/* Give w the four regions' codes (flows and GDP are the caller's). */
static inline void tw_test_four_regions(tw_world *w) {
    tw_world_set_regions(w, TW_NREG, tw_test_region_names);
}

/* A world of the four regions' codes and nothing else (for the loaders that read codes). */
static inline const tw_world *tw_test_world_four(void) {
    static tw_world w;
    if (w.nreg == 0) tw_test_four_regions(&w);
    return &w;
}

#endif
