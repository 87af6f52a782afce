/* tw_file.c - whole-file reads with a size limit, doubling the buffer as it fills; opens
 * for writing that never follow a symbolic link (tw_file.h).
 */
#define _POSIX_C_SOURCE 200809L
#include "tw_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

tw_read_status tw_read_all(FILE *fp, size_t max, char **buf, size_t *len) {
    size_t cap = 65536, n = 0;
    char *b = malloc(cap + 1);
    *buf = NULL;
    *len = 0;
    if (b == NULL) return TW_READ_NOMEM;
    for (;;) {
        if (n == cap) {
            if (cap > max) break; /* read one byte past max: the file is too large */
            size_t ncap = cap * 2 > max + 1 ? max + 1 : cap * 2;
            char *nb = realloc(b, ncap + 1);
            if (nb == NULL) {
                free(b);
                return TW_READ_NOMEM;
            }
            b = nb;
            cap = ncap;
        }
        size_t got = fread(b + n, 1, cap - n, fp);
        n += got;
        if (got == 0) break;
    }
    if (ferror(fp) || n > max) {
        int e = errno;
        tw_read_status st = ferror(fp) ? TW_READ_ERROR : TW_READ_TOO_LARGE;
        free(b);
        errno = e;
        return st;
    }
    b[n] = '\0';
    *buf = b;
    *len = n;
    return TW_READ_OK;
}

static tw_status link_refused(const char *path, tw_err *err) {
    return tw_err_set(err, TW_EUSAGE, "%s: is a symbolic link; refusing to write through it "
                                      "(remove it)", path);
}

tw_status tw_file_refuse_link(const char *path, tw_err *err) {
    struct stat sb;
    if (lstat(path, &sb) == 0 && S_ISLNK(sb.st_mode)) return link_refused(path, err);
    return TW_OK;
}

tw_status tw_file_open_write(const char *path, int flags, int mode, int *fd, tw_err *err) {
    *fd = open(path, flags | O_NOFOLLOW | O_CLOEXEC, mode);
    if (*fd >= 0) return TW_OK;
    int e = errno;
    /* O_NOFOLLOW answers ELOOP for a link; ask lstat so that a real loop is not blamed on
     * a link that is not there. */
    struct stat sb;
    if (e == ELOOP && lstat(path, &sb) == 0 && S_ISLNK(sb.st_mode))
        return link_refused(path, err);
    return tw_err_set(err, TW_EIO, "%s: cannot open for writing: %s", path, strerror(e));
}

tw_status tw_file_fopen_write(const char *path, const char *fmode, FILE **out, tw_err *err) {
    *out = NULL;
    bool append = fmode[0] == 'a';
    int fd;
    tw_status st = tw_file_open_write(path, O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC),
                                      0666, &fd, err);
    if (st != TW_OK) return st;
    *out = fdopen(fd, fmode);
    if (*out == NULL) {
        int e = errno;
        close(fd);
        return tw_err_set(err, TW_ENOMEM, "%s: cannot open a stream: %s", path, strerror(e));
    }
    return TW_OK;
}
