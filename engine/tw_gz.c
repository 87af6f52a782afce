/* tw_gz.c - gzip outputs with fixed bytes and a stdio stream over plain or gzip files (see
 * tw_gz.h).
 *
 * The writer drives deflate itself (rather than gzopen) so that the gzip header is set
 * field by field (deflateSetHeader: no name, time 0, OS 255) and the bytes go through
 * tw_afile, keeping the crash protocol of every other output. The reader wraps a gzFile in
 * a FILE with glibc's fopencookie, so the line readers (getline) work on either form.
 */
#define _GNU_SOURCE
#include "tw_gz.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <zlib.h>

#include "tw_output.h"

#define GZ_CHUNK ((size_t)1 << 17)

tw_status tw_gz_compress_file(const char *src, const char *dst, tw_err *err) {
    FILE *in = fopen(src, "rb");
    if (in == NULL) return tw_err_set(err, TW_EIO, "%s: cannot open: %s", src, strerror(errno));
    tw_afile *f = NULL;
    tw_status st = tw_afile_open(dst, &f, err);
    unsigned char *ibuf = malloc(GZ_CHUNK), *obuf = malloc(GZ_CHUNK);
    z_stream z;
    memset(&z, 0, sizeof z);
    gz_header h;
    memset(&h, 0, sizeof h);
    h.os = 255; /* unknown: the same bytes on every system */
    bool init = false;
    if (st == TW_OK && (ibuf == NULL || obuf == NULL))
        st = tw_err_set(err, TW_ENOMEM, "out of memory");
    /* windowBits 15 + 16: a gzip wrapper around the deflate stream. */
    if (st == TW_OK && deflateInit2(&z, TW_GZ_LEVEL, Z_DEFLATED, 15 + 16, 8,
                                    Z_DEFAULT_STRATEGY) != Z_OK)
        st = tw_err_set(err, TW_ENOMEM, "%s: cannot start compressing", dst);
    else if (st == TW_OK)
        init = true;
    if (st == TW_OK && deflateSetHeader(&z, &h) != Z_OK)
        st = tw_err_set(err, TW_ERUNTIME, "%s: cannot set the gzip header", dst);
    FILE *out = st == TW_OK ? tw_afile_fp(f) : NULL;
    int flush = Z_NO_FLUSH;
    while (st == TW_OK && flush != Z_FINISH) {
        size_t got = fread(ibuf, 1, GZ_CHUNK, in);
        if (ferror(in)) {
            st = tw_err_set(err, TW_EIO, "%s: read failed: %s", src, strerror(errno));
            break;
        }
        flush = feof(in) ? Z_FINISH : Z_NO_FLUSH;
        z.next_in = ibuf;
        z.avail_in = (uInt)got;
        do {
            z.next_out = obuf;
            z.avail_out = (uInt)GZ_CHUNK;
            if (deflate(&z, flush) == Z_STREAM_ERROR) {
                st = tw_err_set(err, TW_ERUNTIME, "%s: deflate failed", dst);
                break;
            }
            size_t have = GZ_CHUNK - z.avail_out;
            if (have > 0 && fwrite(obuf, 1, have, out) != have) break; /* commit reports it */
        } while (z.avail_out == 0);
    }
    if (init) deflateEnd(&z);
    fclose(in);
    free(ibuf);
    free(obuf);
    if (st != TW_OK) {
        tw_afile_abort(f);
        return st;
    }
    return tw_afile_commit(f, err);
}

static ssize_t gz_read(void *cookie, char *buf, size_t size) {
    unsigned n = size > (1u << 30) ? 1u << 30 : (unsigned)size;
    int got = gzread((gzFile)cookie, buf, n);
    return got < 0 ? -1 : (ssize_t)got;
}

static int gz_close(void *cookie) { return gzclose((gzFile)cookie) == Z_OK ? 0 : EOF; }

FILE *tw_gz_open_read(const char *path) {
    gzFile g = gzopen(path, "rb");
    if (g == NULL) {
        if (errno == 0) errno = ENOMEM;
        return NULL;
    }
    gzbuffer(g, 1u << 17);
    cookie_io_functions_t io = {gz_read, NULL, NULL, gz_close};
    FILE *fp = fopencookie(g, "r", io);
    if (fp == NULL) gzclose(g);
    return fp;
}

const char *tw_gz_find(const char *path, char *buf, size_t n) {
    struct stat sb;
    snprintf(buf, n, "%s", path);
    if (stat(path, &sb) == 0) return buf;
    snprintf(buf, n, "%s.gz", path);
    if (stat(buf, &sb) == 0) return buf;
    snprintf(buf, n, "%s", path);
    return buf;
}
