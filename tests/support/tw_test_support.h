/* tw_test_support.h - helpers for the tests: run the real program, temporary
 * directories, files and CSV cells. TW_SOURCE_DIR and TW_BINARY are defined by CMake. */
#ifndef TW_TEST_SUPPORT_H
#define TW_TEST_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    int exit_code; /* -1 if it did not exit normally */
    char *out;     /* stdout, NUL-terminated */
    char *err;     /* stderr, NUL-terminated */
} tw_proc;

/* Run TW_BINARY (or $TW_TEST_BINARY when set) with the NULL-terminated args (argv[1..]) in directory cwd (NULL: the
 * current one); capture stdout, stderr and the exit code. Returns 0, or -1 if it could not
 * be started. */
int tw_run_cli(tw_proc *p, const char *cwd, const char *const *args);
void tw_proc_free(tw_proc *p);

/* A fresh directory under /tmp (caller frees the string). */
char *tw_tmpdir(void);
/* Remove a directory tree (rm -rf). */
void tw_rmtree(const char *dir);
bool tw_path_exists(const char *path);
/* Whole file, NUL-terminated (caller frees); NULL if unreadable. */
char *tw_slurp(const char *path, size_t *len);
/* Write text to path; returns 0 on success. */
int tw_write_text(const char *path, const char *text);
bool tw_files_equal(const char *a, const char *b);
/* Absolute path of a file in the source tree (static buffer, one per call site use). */
const char *tw_src(const char *rel);

/* Find the summary.csv row (date, indicator, region, partner, sector) and return its
 * column `col` (mean, sd, p05, p50, p95) as a double in *out; false if absent. */
bool tw_summary_value(const char *csv_text, const char *date, const char *indicator,
                      const char *region, const char *partner, const char *sector,
                      const char *col, double *out);
/* Number of lines of text. */
size_t tw_count_lines(const char *text);

/* A per-test scratch directory: tw_scratch_open() makes a fresh one (false if it cannot),
 * tw_scratch_path(name) is "<dir>/<name>" in one of a ring of 8 static buffers, and
 * tw_scratch_close() removes the tree. One at a time per process (tests run one by one). */
bool tw_scratch_open(void);
const char *tw_scratch_path(const char *name);
void tw_scratch_close(void);

#endif
