/* tw_gz.h - gzip output files that are the same bytes every time, and reading a file that
 * may or may not be gzip-compressed.
 *
 * `--compress` stores the large CSV files as NAME.csv.gz. The gzip header carries no file
 * name, a modification time of 0 and the operating system "unknown" (255), and the data
 * are deflated at a fixed level, so equal files compress to equal bytes (with one zlib
 * version: deflate's output is not fixed across versions). pandas, gzip -d and zcat read
 * them as they are.
 *
 * Thread-safety: the functions share nothing; a stream belongs to its caller.
 */
#ifndef TW_GZ_H
#define TW_GZ_H

#include <stdio.h>

#include "tw_error.h"

/* The deflate level of every .gz output (zlib's default: most of the size for little
 * time). */
#define TW_GZ_LEVEL 6

/* Compress the file src into dst through tw_afile (tw_output.h): dst appears complete or
 * not at all. src is left in place. TW_EIO naming the file on a read or write failure. */
tw_status tw_gz_compress_file(const char *src, const char *dst, tw_err *err);

/* Open path for reading as a stdio stream that gives the file's text whether it is plain
 * or gzip-compressed (zlib reads both). Close with fclose. NULL with errno set when it
 * cannot be opened. */
FILE *tw_gz_open_read(const char *path);

/* Where a CSV written by the program is: buf gets path if it exists, else path + ".gz"
 * if that exists, else path (so that a message names the plain file). Returns buf. */
const char *tw_gz_find(const char *path, char *buf, size_t n);

#endif
