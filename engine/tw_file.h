/* tw_file.h - read a whole file into memory, for the loaders (scenarios, CSV tables, a
 * batch's command file), which each say in their own words which file failed and why.
 */
#ifndef TW_FILE_H
#define TW_FILE_H

#include <stddef.h>
#include <stdio.h>

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

#endif
