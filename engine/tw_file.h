/* tw_file.h - read a whole file into memory, for the loaders (scenarios, CSV tables, a
 * batch's command file), which each say in their own words which file failed and why;
 * and open a file for writing without following a symbolic link, for every writer of an
 * output directory, so that a link planted where the program writes never sends its bytes
 * to a file outside the output.
 */
#ifndef TW_FILE_H
#define TW_FILE_H

#include <stddef.h>
#include <stdio.h>

#include "tw_error.h"

typedef enum {
    TW_READ_OK,
    TW_READ_ERROR,     /* the stream reported an error (errno holds why) */
    TW_READ_TOO_LARGE, /* more than max bytes */
    TW_READ_NOMEM
} tw_read_status;

/* Read the rest of fp into a fresh buffer with a NUL after the last byte read: on
 * TW_READ_OK *buf (caller frees) holds *len bytes plus the NUL; otherwise *buf is NULL.
 * Does not close fp. */
tw_read_status tw_read_all(FILE *fp, size_t max, char **buf, size_t *len);

/* Open path for writing with open(2)'s flags (O_WRONLY or O_RDWR, O_CREAT, O_TRUNC,
 * O_APPEND, ...), adding O_NOFOLLOW and O_CLOEXEC; mode as open's. On success *fd is the
 * descriptor (caller closes). A symbolic link at path is refused, and nothing is written
 * through it: TW_EUSAGE, "PATH: is a symbolic link; refusing to write through it (remove
 * it)". Another failure: TW_EIO with the system's reason. Thread-safe. */
tw_status tw_file_open_write(const char *path, int flags, int mode, int *fd, tw_err *err);
/* The same as a stdio stream: fmode "wb" (create or truncate) or "ab" (append; the file
 * must exist unless create). *out is NULL on failure. */
tw_status tw_file_fopen_write(const char *path, const char *fmode, FILE **out, tw_err *err);
/* TW_EUSAGE with the message above if path is a symbolic link (lstat), TW_OK otherwise
 * (a missing path included): for files the program reads back before it writes beside
 * them. */
tw_status tw_file_refuse_link(const char *path, tw_err *err);

#endif
