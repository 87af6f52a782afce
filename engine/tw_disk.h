/* tw_disk.h - the disk space a batch needs, checked before any work like its memory
 * (tw_run_check_memory), so that a run that cannot fit is refused up front instead of
 * failing with a full disk hours later.
 *
 * The estimate is a floor, not a forecast: each number is the fewest bytes its file can
 * take (one or two characters per number, the shortest statistics record), so a run is
 * refused only when it certainly cannot fit. Thread-safe.
 */
#ifndef TW_DISK_H
#define TW_DISK_H

#include <stdbool.h>
#include <stdint.h>

#include "tw_error.h"
#include "tw_model.h"
#include "tw_runner.h"

typedef struct {
    uint64_t summary;      /* summary.csv and outcomes.csv */
    uint64_t rows;         /* replicates.csv and events.csv's header */
    uint64_t trajectories; /* trajectories.csv (0 without it) */
    uint64_t checkpoint;   /* two checkpoints: the last one and the next, written beside it */
} tw_disk_need;

/* The floor of what a batch of spec->replicates (or `replicates` when not 0) writes. */
void tw_disk_estimate(const tw_model *model, const void *params, const tw_run_spec *spec,
                      int64_t replicates, bool trajectories, tw_disk_need *need);
/* Bytes free to this user on the file system holding path (statvfs; UINT64_MAX for one
 * that states no size, such as /proc); TW_EIO if it cannot be asked. */
tw_status tw_disk_free(const char *path, uint64_t *bytes, tw_err *err);
/* TW_EUSAGE if the file system holding where (an existing directory) has less free space
 * than need: one line naming what, the bytes of each file and what is free. */
tw_status tw_disk_check(const char *where, const char *what, const tw_disk_need *need,
                        tw_err *err);

#endif
