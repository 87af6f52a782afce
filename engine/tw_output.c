/* tw_output.c - atomic output files, the number format and the file hash.
 *
 * Every file goes through a temporary name and a rename. Numbers are printed with one
 * fixed format so that equal results give equal bytes.
 */
#define _XOPEN_SOURCE 700
#include "tw_output.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TW_PATH_MAX 4096

struct tw_afile {
    FILE *fp;
    char path[TW_PATH_MAX];
    char tmp[TW_PATH_MAX + 32];
};

tw_status tw_afile_open(const char *path, tw_afile **out, tw_err *err) {
    *out = NULL;
    if (strlen(path) >= TW_PATH_MAX)
        return tw_err_set(err, TW_EIO, "%s: path too long", path);
    tw_afile *f = calloc(1, sizeof *f);
    if (f == NULL) return tw_err_set(err, TW_ENOMEM, "out of memory");
    snprintf(f->path, sizeof f->path, "%s", path);
    snprintf(f->tmp, sizeof f->tmp, "%s.tmp.%ld", path, (long)getpid());
    f->fp = fopen(f->tmp, "wb");
    if (f->fp == NULL) {
        tw_status st = tw_err_set(err, TW_EIO, "%s: cannot create: %s", f->tmp, strerror(errno));
        free(f);
        return st;
    }
    *out = f;
    return TW_OK;
}

FILE *tw_afile_fp(tw_afile *f) { return f->fp; }

tw_status tw_afile_commit(tw_afile *f, tw_err *err) {
    tw_status st = TW_OK;
    int bad = ferror(f->fp);
    if (fflush(f->fp) != 0) bad = 1;
    if (fsync(fileno(f->fp)) != 0 && errno != EINVAL) bad = 1;
    if (fclose(f->fp) != 0) bad = 1;
    f->fp = NULL;
    if (bad) {
        st = tw_err_set(err, TW_EIO, "%s: write failed: %s", f->path, strerror(errno));
        unlink(f->tmp);
    } else if (rename(f->tmp, f->path) != 0) {
        st = tw_err_set(err, TW_EIO, "%s: cannot rename into place: %s", f->path,
                        strerror(errno));
        unlink(f->tmp);
    }
    free(f);
    return st;
}

void tw_afile_abort(tw_afile *f) {
    if (f == NULL) return;
    if (f->fp != NULL) fclose(f->fp);
    unlink(f->tmp);
    free(f);
}

/* --- numbers --- */

void tw_format_double(char *buf, size_t n, double v) {
    if (isnan(v)) {
        snprintf(buf, n, "nan");
        return;
    }
    if (v == 0.0) v = 0.0; /* no "-0" */
    snprintf(buf, n, "%.10g", v);
}

