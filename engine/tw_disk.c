/* tw_disk.c - the floor of a batch's output and the free space it is checked against
 * (tw_disk.h).
 */
#define _POSIX_C_SOURCE 200809L
#include "tw_disk.h"

#include <errno.h>
#include <string.h>
#include <sys/statvfs.h>

/* Characters per number at the least: "0" and a separator. */
#define NUM_BYTES 2
/* The shortest statistics record of a checkpoint (tw_stats.h): flags, n, one double, and
 * two empty bin arrays of three varints each. */
#define RECORD_BYTES (1 + 1 + 8 + 6)

void tw_disk_estimate(const tw_model *model, const void *params, const tw_run_spec *spec,
                      int64_t replicates, bool trajectories, tw_disk_need *need) {
    uint64_t n_rep = (uint64_t)(replicates > 0 ? replicates : spec->replicates);
    uint64_t days = tw_run_output_days(spec), n_series = model->n_series(params);
    uint64_t n_outc = model->n_outcomes(params), labels = 0;
    for (size_t s = 0; s < n_series; s++) {
        tw_series_label l = model->series(params, s);
        labels += strlen(l.indicator) + strlen(l.region) + strlen(l.partner) + strlen(l.sector);
    }
    /* summary.csv: "date,indicator,region,partner,sector" then five statistics a line */
    need->summary = days * (labels + n_series * (11 + 4 + 5 * NUM_BYTES)) +
                    n_outc * (1 + 5 * NUM_BYTES);
    need->rows = n_rep * (2 + n_outc) * NUM_BYTES;
    need->trajectories = trajectories ? n_rep * days * (11 + n_series * NUM_BYTES) : 0;
    need->checkpoint = 2 * (days * n_series + n_outc) * RECORD_BYTES;
}

tw_status tw_disk_free(const char *path, uint64_t *bytes, tw_err *err) {
    struct statvfs vb;
    if (statvfs(path, &vb) != 0)
        return tw_err_set(err, TW_EIO, "%s: cannot ask its file system for free space: %s", path,
                          strerror(errno));
    /* A file system that states no size (/proc, some FUSE mounts) is not judged here:
     * UINT64_MAX, and the directory checks say what is wrong with it. */
    *bytes = vb.f_blocks == 0 ? UINT64_MAX : (uint64_t)vb.f_bavail * (uint64_t)vb.f_frsize;
    return TW_OK;
}

static double mb(uint64_t b) { return (double)b / 1e6; }

tw_status tw_disk_check(const char *where, const char *what, const tw_disk_need *need,
                        tw_err *err) {
    uint64_t free_bytes;
    tw_status st = tw_disk_free(where, &free_bytes, err);
    if (st != TW_OK) return st;
    uint64_t total = need->summary + need->rows + need->trajectories + need->checkpoint;
    if (total <= free_bytes) return TW_OK;
    return tw_err_set(err, TW_EUSAGE,
                      "%s: the run writes at least %.1f MB (summary.csv and outcomes.csv %.1f, "
                      "replicates.csv %.1f, trajectories.csv %.1f, checkpoints %.1f) but the "
                      "file system of %s has %.1f MB free; free space, write elsewhere with -o, "
                      "or run fewer replicates",
                      what, mb(total), mb(need->summary), mb(need->rows),
                      mb(need->trajectories), mb(need->checkpoint), where,
                      mb(free_bytes));
}
