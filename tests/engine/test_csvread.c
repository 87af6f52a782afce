/* The CSV reader (tw_csvread): a byte order mark before the header, the header's columns,
 * and files that are not regular files refused without waiting on them. */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <string.h>
#include <sys/stat.h>

#include "tw_csvread.h"
#include "tw_test_support.h"

static void tmp_setup(void) { cr_assert(tw_scratch_open(), "cannot create a temporary directory"); }

TestSuite(csvread, .init = tmp_setup, .fini = tw_scratch_close);

Test(csvread, byte_order_mark_is_skipped) {
    const char *path = tw_scratch_path("bom.csv");
    cr_assert_eq(tw_write_text(path, "\xEF\xBB\xBF" "date,\"value\"\n2025-01,1\n"), 0);
    tw_csv *t;
    tw_err err;
    cr_assert_eq(tw_csv_read(path, &t, &err), TW_OK, "%s", err.msg);
    cr_assert_str_eq(tw_csv_header(t, 0), "date");
    cr_assert_eq(tw_csv_col(t, "date"), 0);
    cr_assert_eq(tw_csv_header_colno(t, 0), 1);
    cr_assert_eq(tw_csv_header_colno(t, 1), 6); /* the opening quote of "value" */
    cr_assert_eq(tw_csv_colno(t, 0, 1), 9);
    tw_csv_free(t);
}

Test(csvread, fifo_and_directory_are_refused_at_once) {
    const char *fifo = tw_scratch_path("fifo.csv"), *dir = tw_scratch_path("dir.csv");
    cr_assert_eq(mkfifo(fifo, 0600), 0);
    cr_assert_eq(mkdir(dir, 0700), 0);
    tw_csv *t;
    tw_err err;
    cr_assert_eq(tw_csv_read(fifo, &t, &err), TW_EDATA); /* no writer: open would block */
    cr_assert(strstr(err.msg, "is a FIFO, not a regular file") != NULL, "%s", err.msg);
    cr_assert_eq(tw_csv_read(dir, &t, &err), TW_EDATA);
    cr_assert(strstr(err.msg, "is a directory, not a regular file") != NULL, "%s", err.msg);
    cr_assert_eq(tw_csv_read(tw_scratch_path("missing.csv"), &t, &err), TW_EIO);
    cr_assert(strstr(err.msg, "cannot open") != NULL, "%s", err.msg);
}
