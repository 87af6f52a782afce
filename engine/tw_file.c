/* tw_file.c - whole-file reads with a size limit, doubling the buffer as it fills. */
#include "tw_file.h"

#include <errno.h>
#include <stdlib.h>

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
