/* tw_output.h - output files that appear complete or not at all.
 *
 * tw_afile writes to "<path>.tmp.<pid>" and renames it over <path> on commit, so a reader
 * never sees a half-written file. tw_outdir stages a whole output directory next to its
 * destination ("<dir>.partial") and renames it into place when every file is written, so
 * a failed run leaves no output directory behind, and an earlier directory is replaced
 * (only with force) in one step. An interrupted batch keeps its staging directory
 * (tw_outdir_keep) so that `--resume DIR` can finish it (tw_outdir_resume).
 */
#ifndef TW_OUTPUT_H
#define TW_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "tw_error.h"
#include "tw_hash.h" /* the result hash: tw_fnv1a, tw_hash_file */
#include "tw_model.h"
#include "tw_runner.h"

typedef struct tw_afile tw_afile;

/* Open path's temporary twin for writing. */
tw_status tw_afile_open(const char *path, tw_afile **out, tw_err *err);
FILE *tw_afile_fp(tw_afile *f);
/* Flush, close and rename into place; frees f whatever happens. */
tw_status tw_afile_commit(tw_afile *f, tw_err *err);
/* Close and delete the temporary; frees f. NULL is fine. */
void tw_afile_abort(tw_afile *f);

/* Check, before any work, that dir can be made: refuses (TW_EUSAGE) an existing dir or an
 * interrupted run's "<dir>.partial" without force, a parent that is missing or not a
 * directory, and a parent in which a directory cannot be created (tried for real, by
 * making and removing a probe directory beside it, since permissions alone do not tell: root,
 * /proc, read-only mounts). */
tw_status tw_outdir_check(const char *dir, bool force, tw_err *err);

typedef struct tw_outdir tw_outdir;
/* Create the staging directory for dir. */
tw_status tw_outdir_begin(const char *dir, bool force, tw_outdir **out, tw_err *err);
/* Reopen the staging directory an interrupted run left for dir (TW_EUSAGE if none). */
tw_status tw_outdir_resume(const char *dir, tw_outdir **out, tw_err *err);
/* Free od and leave its staging directory in place for a later resume. NULL is fine. */
void tw_outdir_keep(tw_outdir *od);
/* The staging directory's path (owned by od). */
const char *tw_outdir_staging(const tw_outdir *od);
/* Path of a file inside the staging directory (valid until the next call). */
const char *tw_outdir_path(tw_outdir *od, const char *name);
/* Move the staging directory into place (replacing dir if force); frees od. */
tw_status tw_outdir_commit(tw_outdir *od, tw_err *err);
/* Remove the staging directory and its files; frees od. NULL is fine. */
void tw_outdir_abort(tw_outdir *od);

/* Write summary.csv: date,indicator,region,partner,sector,mean,sd,p05,p50,p95. */
tw_status tw_write_summary(const char *path, const tw_results *res, const tw_model *model,
                           const void *params, tw_err *err);
/* Write replicates.csv: replicate,seed,<outcome names>. */
tw_status tw_write_replicates(const char *path, const tw_results *res, const tw_model *model,
                              const void *params, uint32_t seed, tw_err *err);

/* Format a double the way every output file does (shortest "%.10g", "-0" as "0",
 * NaN as "nan"): equal values give equal text. */
void tw_format_double(char *buf, size_t n, double v);

#endif
