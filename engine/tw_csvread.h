/* tw_csvread.h - a small reader for the calibration CSV files.
 *
 * RFC 4180 subset: comma separated, fields optionally in double quotes (a doubled quote
 * inside is a quote), LF or CRLF line ends, a header row; a UTF-8 byte order mark at the
 * start is skipped. Only a regular file is read: a FIFO or device is refused without
 * waiting on it. The whole table is held in
 * memory; fields are NUL-terminated strings owned by the table.
 */
#ifndef TW_CSVREAD_H
#define TW_CSVREAD_H

#include <stddef.h>

#include "tw_error.h"

typedef struct tw_csv tw_csv;

/* Read path. Every row must have as many fields as the header; errors (TW_EDATA or
 * TW_EIO) name "path:line: ...". */
tw_status tw_csv_read(const char *path, tw_csv **out, tw_err *err);
void tw_csv_free(tw_csv *t); /* NULL is fine */

/* Open path for reading without blocking on it: a descriptor in blocking mode when path is
 * a regular file; otherwise -1, with *kind naming what it is ("a FIFO", "a directory",
 * ...), or NULL when it could not be opened (errno says why). */
int tw_csv_open_regular(const char *path, const char **kind);

size_t tw_csv_rows(const tw_csv *t); /* data rows, header excluded */
size_t tw_csv_cols(const tw_csv *t);
/* The header name of column col (< tw_csv_cols). */
const char *tw_csv_header(const tw_csv *t, size_t col);
/* Column index of a header name, or -1. */
int tw_csv_col(const tw_csv *t, const char *name);
const char *tw_csv_field(const tw_csv *t, size_t row, size_t col);
/* 1-based line number of a data row in the file. */
int tw_csv_line(const tw_csv *t, size_t row);
/* 1-based character column where a data row's field starts (its opening quote, if quoted),
 * counted from the start of the row: for error messages in file:line:col form. */
int tw_csv_colno(const tw_csv *t, size_t row, size_t col);
/* The same for the header row's names. */
int tw_csv_header_colno(const tw_csv *t, size_t col);
const char *tw_csv_path(const tw_csv *t);

#endif
