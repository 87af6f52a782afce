/* tw_output.h - output files that appear complete or not at all, and the one number
 * format and file hash every output shares.
 *
 * tw_afile writes to "<path>.tmp.<pid>" and renames it over <path> on commit, so a reader
 * never sees a half-written file. (The output directory's life, staged beside its
 * destination and renamed into place, belongs to the program: cli/cli_rundir.h.)
 */
#ifndef TW_OUTPUT_H
#define TW_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "tw_error.h"
#include "tw_model.h"
#include "tw_hash.h" /* the result hash: tw_fnv1a, tw_hash_file */
#include "tw_runner.h"

typedef struct tw_afile tw_afile;

/* Open path's temporary twin for writing, never through a symbolic link planted at its
 * name (TW_EUSAGE naming it: tw_file_open_write); a link at path itself is replaced by the
 * commit's rename, its target untouched. */
tw_status tw_afile_open(const char *path, tw_afile **out, tw_err *err);
FILE *tw_afile_fp(tw_afile *f);
/* Flush, fsync, close, rename into place and fsync the directory, so that a committed
 * file is durable; frees f whatever happens. Errors carry the system's errno text. */
tw_status tw_afile_commit(tw_afile *f, tw_err *err);
/* Close and delete the temporary; frees f. NULL is fine. */
void tw_afile_abort(tw_afile *f);

/* fsync the directory dir, making the renames and removals in it durable. */
tw_status tw_sync_dir(const char *dir, tw_err *err);

/* Format a double the way every output file does (shortest "%.10g", "-0" as "0",
 * NaN as "nan", the infinities as "INF" and "-INF", the spelling of Table Schema's number
 * type that datapackage.json declares): equal values give equal text. */
void tw_format_double(char *buf, size_t n, double v);
/* Write s as one CSV field: as it is, or in double quotes (quotes doubled) when it holds a
 * comma, a quote or a line break. */
void tw_csv_put(FILE *fp, const char *s);

#endif
