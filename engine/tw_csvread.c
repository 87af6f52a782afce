/* tw_csvread.c - read a small CSV table into memory (see tw_csvread.h).
 *
 * The file is read whole and split in place: fields become NUL-terminated slices of one
 * buffer, so a table is two allocations plus its index.
 */
#define _POSIX_C_SOURCE 200809L
#include "tw_csvread.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tw_file.h"

#define TW_CSV_MAX_BYTES (64u << 20)

struct tw_csv {
    char *path;
    char *buf;
    size_t ncols, nrows; /* nrows counts data rows */
    char **fields;       /* [(nrows + 1) * ncols], header first */
    int *lines;          /* [nrows + 1] */
};

void tw_csv_free(tw_csv *t) {
    if (t == NULL) return;
    free(t->path);
    free(t->buf);
    free(t->fields);
    free(t->lines);
    free(t);
}

size_t tw_csv_rows(const tw_csv *t) { return t->nrows; }
size_t tw_csv_cols(const tw_csv *t) { return t->ncols; }
const char *tw_csv_path(const tw_csv *t) { return t->path; }
int tw_csv_line(const tw_csv *t, size_t row) { return t->lines[row + 1]; }

/* Fields are slices of the file's bytes split in place, each starting where it stood. */
int tw_csv_colno(const tw_csv *t, size_t row, size_t col) {
    char *const *f = t->fields + (row + 1) * t->ncols;
    return (int)(f[col] - f[0]) + 1;
}

int tw_csv_header_colno(const tw_csv *t, size_t col) {
    return (int)(t->fields[col] - t->fields[0]) + 1;
}

const char *tw_csv_field(const tw_csv *t, size_t row, size_t col) {
    return t->fields[(row + 1) * t->ncols + col];
}

const char *tw_csv_header(const tw_csv *t, size_t col) { return t->fields[col]; }

int tw_csv_col(const tw_csv *t, const char *name) {
    for (size_t c = 0; c < t->ncols; c++)
        if (strcmp(t->fields[c], name) == 0) return (int)c;
    return -1;
}

/* Parse one field starting at *p; returns its start (NUL-terminated in place) and leaves
 * *p after the delimiter. *end_of_row is set when the field ended the row. */
static char *field(char **p, int *end_of_row, int *line, int *bad) {
    char *s = *p, *out = *p, *start = *p;
    *end_of_row = 0;
    if (*s == '"') {
        s++;
        for (;;) {
            if (*s == '\0') {
                *bad = 1;
                break;
            }
            if (*s == '"') {
                if (s[1] == '"') {
                    *out++ = '"';
                    s += 2;
                    continue;
                }
                s++;
                break;
            }
            if (*s == '\n') (*line)++;
            *out++ = *s++;
        }
        if (*s != ',' && *s != '\n' && *s != '\r' && *s != '\0') *bad = 1;
    } else {
        while (*s != ',' && *s != '\n' && *s != '\r' && *s != '\0') *out++ = *s++;
    }
    if (*s == '\r') s++;
    if (*s == ',') {
        s++;
    } else {
        *end_of_row = 1;
        if (*s == '\n') s++;
    }
    *out = '\0';
    *p = s;
    return start;
}

int tw_csv_open_regular(const char *path, const char **kind) {
    *kind = NULL;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return -1;
    struct stat sb;
    int flags = fcntl(fd, F_GETFL);
    if (fstat(fd, &sb) != 0 || flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    if (S_ISREG(sb.st_mode)) return fd;
    close(fd);
    *kind = S_ISFIFO(sb.st_mode)   ? "a FIFO"
            : S_ISDIR(sb.st_mode)  ? "a directory"
            : S_ISCHR(sb.st_mode)  ? "a character device"
            : S_ISBLK(sb.st_mode)  ? "a block device"
            : S_ISSOCK(sb.st_mode) ? "a socket"
                                   : "not a plain file";
    return -1;
}

tw_status tw_csv_read(const char *path, tw_csv **out, tw_err *err) {
    *out = NULL;
    const char *kind;
    int fd = tw_csv_open_regular(path, &kind);
    if (fd < 0 && kind != NULL)
        return tw_err_set(err, TW_EDATA, "%s: is %s, not a regular file (a table is read whole "
                                         "from a file)", path, kind);
    FILE *fp = fd >= 0 ? fdopen(fd, "rb") : NULL;
    if (fp == NULL) {
        tw_status st = tw_err_set(err, TW_EIO, "%s: cannot open: %s", path, strerror(errno));
        if (fd >= 0) close(fd);
        return st;
    }
    tw_csv *t = calloc(1, sizeof *t);
    char *buf = NULL;
    size_t len = 0;
    tw_status st = TW_OK;
    if (t == NULL || (t->path = malloc(strlen(path) + 1)) == NULL) {
        st = tw_err_set(err, TW_ENOMEM, "out of memory");
        goto fail;
    }
    strcpy(t->path, path);
    switch (tw_read_all(fp, TW_CSV_MAX_BYTES, &buf, &len)) {
    case TW_READ_OK: break;
    case TW_READ_ERROR: st = tw_err_set(err, TW_EIO, "%s: read error", path); goto fail;
    case TW_READ_TOO_LARGE:
        st = tw_err_set(err, TW_EDATA, "%s: larger than %u bytes", path, TW_CSV_MAX_BYTES);
        goto fail;
    case TW_READ_NOMEM: st = tw_err_set(err, TW_ENOMEM, "out of memory"); goto fail;
    }
    if (memchr(buf, '\0', len) != NULL) {
        st = tw_err_set(err, TW_EDATA, "%s: contains a NUL byte (not a text CSV file)", path);
        goto fail;
    }
    t->buf = buf;
    buf = NULL;
    /* A UTF-8 byte order mark (spreadsheets write one) is no part of the first name. */
    size_t skip = len >= 3 && memcmp(t->buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    /* Two passes: count rows and columns, then index. */
    size_t fcap = 256, nf = 0, rcap = 64, nr = 0;
    t->fields = malloc(fcap * sizeof *t->fields);
    t->lines = malloc(rcap * sizeof *t->lines);
    if (t->fields == NULL || t->lines == NULL) {
        st = tw_err_set(err, TW_ENOMEM, "out of memory");
        goto fail;
    }
    char *p = t->buf + skip;
    int line = 1;
    while (*p != '\0') {
        if (*p == '\n' || (*p == '\r' && p[1] == '\n')) { /* skip blank lines */
            p += (*p == '\r') ? 2 : 1;
            line++;
            continue;
        }
        int row_line = line, eor = 0, bad = 0;
        size_t ncol = 0;
        do {
            char *f = field(&p, &eor, &line, &bad);
            if (bad) {
                st = tw_err_set(err, TW_EDATA, "%s:%d: malformed quoted field", path, row_line);
                goto fail;
            }
            if (nf == fcap) {
                char **nfld = realloc(t->fields, 2 * fcap * sizeof *nfld);
                if (nfld == NULL) {
                    st = tw_err_set(err, TW_ENOMEM, "out of memory");
                    goto fail;
                }
                t->fields = nfld;
                fcap *= 2;
            }
            t->fields[nf++] = f;
            ncol++;
        } while (!eor);
        line++;
        if (nr == 0) {
            t->ncols = ncol;
        } else if (ncol != t->ncols) {
            st = tw_err_set(err, TW_EDATA, "%s:%d: expected %zu fields (as in the header), got %zu",
                            path, row_line, t->ncols, ncol);
            goto fail;
        }
        if (nr == rcap) {
            int *nl = realloc(t->lines, 2 * rcap * sizeof *nl);
            if (nl == NULL) {
                st = tw_err_set(err, TW_ENOMEM, "out of memory");
                goto fail;
            }
            t->lines = nl;
            rcap *= 2;
        }
        t->lines[nr++] = row_line;
    }
    if (nr == 0) {
        st = tw_err_set(err, TW_EDATA, "%s: empty file (expected a header row)", path);
        goto fail;
    }
    t->nrows = nr - 1;
    fclose(fp);
    *out = t;
    return TW_OK;
fail:
    fclose(fp);
    free(buf);
    tw_csv_free(t);
    return st;
}
