/* tw_output.c - atomic output files, the number format and the file hash.
 *
 * Every file goes through a temporary name and a rename. Numbers are printed with one
 * fixed format so that equal results give equal bytes.
 */
#define _XOPEN_SOURCE 700
#include "tw_output.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tw_file.h"

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
    /* A link planted at the temporary's name is refused, never written through; one at
     * path itself is replaced by the rename, its target untouched. */
    tw_status st = tw_file_fopen_write(f->tmp, "wb", &f->fp, err);
    if (st != TW_OK) {
        free(f);
        return st;
    }
    *out = f;
    return TW_OK;
}

FILE *tw_afile_fp(tw_afile *f) { return f->fp; }

tw_status tw_sync_dir(const char *dir, tw_err *err) {
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return tw_err_set(err, TW_EIO, "%s: cannot open: %s", dir, strerror(errno));
    int e = fsync(fd) != 0 && errno != EINVAL ? errno : 0;
    close(fd);
    if (e != 0) return tw_err_set(err, TW_EIO, "%s: cannot sync: %s", dir, strerror(e));
    return TW_OK;
}

/* The directory part of path (".", or "/" for a file at the root). */
static void dir_of(const char *path, char *buf, size_t n) {
    const char *slash = strrchr(path, '/');
    if (slash == NULL)
        snprintf(buf, n, ".");
    else if (slash == path)
        snprintf(buf, n, "/");
    else
        snprintf(buf, n, "%.*s", (int)(slash - path), path);
}

tw_status tw_afile_commit(tw_afile *f, tw_err *err) {
    tw_status st = TW_OK;
    /* A failed buffered write left its errno behind and set the stream's error flag; the
     * flush usually fails again with the same errno. The first errno seen is the reason. */
    int e0 = errno, bad = ferror(f->fp), e = 0;
    if (fflush(f->fp) != 0) e = errno;
    if (fsync(fileno(f->fp)) != 0 && errno != EINVAL && e == 0) e = errno;
    if (fclose(f->fp) != 0 && e == 0) e = errno;
    if (bad && e == 0) e = e0 != 0 ? e0 : EIO;
    f->fp = NULL;
    if (e != 0) {
        st = tw_err_set(err, TW_EIO, "%s: write failed: %s", f->path, strerror(e));
        unlink(f->tmp);
    } else if (rename(f->tmp, f->path) != 0) {
        st = tw_err_set(err, TW_EIO, "%s: cannot rename into place: %s", f->path,
                        strerror(errno));
        unlink(f->tmp);
    } else {
        char dir[TW_PATH_MAX];
        dir_of(f->path, dir, sizeof dir);
        st = tw_sync_dir(dir, err);
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
    if (isinf(v)) { /* Table Schema's spelling; strtod and pandas read it too */
        snprintf(buf, n, "%s", v > 0 ? "INF" : "-INF");
        return;
    }
    if (v == 0.0) v = 0.0; /* no "-0" */
    snprintf(buf, n, "%.10g", v);
}

void tw_csv_put(FILE *fp, const char *s) {
    if (strpbrk(s, ",\"\n\r") == NULL) {
        fputs(s, fp);
        return;
    }
    fputc('"', fp);
    for (; *s; s++) {
        if (*s == '"') fputc('"', fp);
        fputc(*s, fp);
    }
    fputc('"', fp);
}
