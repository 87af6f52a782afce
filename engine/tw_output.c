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
#include <stdbool.h>
#include <stdint.h>
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

/* "%.10g" of v, computed exactly with integers for normal doubles from 1e-18 to 1e37 (what
 * outputs hold), byte for byte what glibc's snprintf writes: the ten significant digits
 * rounded half to even on the exact binary value, then %g's choice of fixed or exponent
 * style and its trailing zeros dropped. About a tenth of snprintf's time, which mattered
 * where a nine-region year writes millions of numbers. False outside that range (the
 * caller uses snprintf). buf: at least 24 bytes. */
__extension__ typedef unsigned __int128 u128;

static bool format_10g(char *buf, double v) {
    static const uint64_t p5[28] = {
        1ull, 5ull, 25ull, 125ull, 625ull, 3125ull, 15625ull, 78125ull, 390625ull,
        1953125ull, 9765625ull, 48828125ull, 244140625ull, 1220703125ull, 6103515625ull,
        30517578125ull, 152587890625ull, 762939453125ull, 3814697265625ull,
        19073486328125ull, 95367431640625ull, 476837158203125ull, 2384185791015625ull,
        11920928955078125ull, 59604644775390625ull, 298023223876953125ull,
        1490116119384765625ull, 7450580596923828125ull};
    const uint64_t e9 = 1000000000ull, e10 = 10000000000ull;
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    int be = (int)((bits >> 52) & 0x7ff);
    if (be == 0 || be == 0x7ff) return false; /* zero, subnormal, infinite, NaN */
    uint64_t m = (bits & ((1ull << 52) - 1)) | (1ull << 52);
    int q = be - 1075; /* |v| = m 2^q exactly */
    /* x: the decimal exponent, floor(log10 |v|) give or take one (78913 / 2^18 is log10 2
     * to 6 digits), corrected below until |v| 10^(9 - x) lies in [1e9, 1e10). */
    int x = ((q + 52) * 78913) >> 18;
    uint64_t d = 0;
    for (int tries = 0; tries < 3 && d == 0; tries++) {
        int k = 9 - x, e = q + k; /* |v| 10^k = m 5^k 2^e */
        u128 quo;
        bool up; /* above half, or half with an odd quotient */
        if (k >= 0 && k <= 27 && e < 0 && e >= -120) {
            u128 num = (u128)m * p5[k], half = (u128)1 << (-e - 1);
            quo = num >> -e;
            u128 rem = num - (quo << -e);
            up = rem > half || (rem == half && (quo & 1));
        } else if (k >= 0 && k <= 27 && e >= 0 && e <= 40) {
            quo = ((u128)m * p5[k]) << e; /* an integer below 2^37 here */
            up = false;
        } else if (k < 0 && k >= -27 && e >= 0 && e <= 70) {
            u128 num = (u128)m << e, den = p5[-k];
            quo = num / den;
            u128 rem = num - quo * den;
            up = rem * 2 > den || (rem * 2 == den && (quo & 1));
        } else if (k < 0 && k >= -27 && e < 0 && e >= -50) {
            u128 den = (u128)p5[-k] << -e;
            quo = m / den;
            u128 rem = m - quo * den;
            up = rem * 2 > den || (rem * 2 == den && (quo & 1));
        } else {
            return false;
        }
        if (quo < e9) x--;
        else if (quo >= e10) x++;
        else d = (uint64_t)quo + up;
    }
    if (d == 0) return false;
    if (d == e10) { /* rounded up to the next power of ten */
        d = e9;
        x++;
    }
    char dig[10];
    for (int i = 9; i >= 0; i--, d /= 10) dig[i] = (char)('0' + d % 10);
    int nd = 10;
    while (nd > 1 && dig[nd - 1] == '0') nd--;
    char *p = buf;
    if (v < 0) *p++ = '-';
    if (x >= -4 && x < 10) { /* fixed: 9 - x decimals, trailing zeros dropped */
        if (x >= 0) {
            for (int i = 0; i <= x; i++) *p++ = dig[i];
            if (nd > x + 1) *p++ = '.';
            for (int i = x + 1; i < nd; i++) *p++ = dig[i];
        } else {
            *p++ = '0';
            *p++ = '.';
            for (int i = 0; i < -x - 1; i++) *p++ = '0';
            for (int i = 0; i < nd; i++) *p++ = dig[i];
        }
    } else { /* d.ddddddddde+XX */
        *p++ = dig[0];
        if (nd > 1) *p++ = '.';
        for (int i = 1; i < nd; i++) *p++ = dig[i];
        *p++ = 'e';
        *p++ = x < 0 ? '-' : '+';
        int ax = x < 0 ? -x : x;
        if (ax >= 100) *p++ = (char)('0' + ax / 100);
        *p++ = (char)('0' + ax / 10 % 10);
        *p++ = (char)('0' + ax % 10);
    }
    *p = '\0';
    return true;
}

void tw_format_double(char *buf, size_t n, double v) {
    if (isnan(v)) {
        snprintf(buf, n, "nan");
        return;
    }
    if (isinf(v)) { /* Table Schema's spelling; strtod and pandas read it too */
        snprintf(buf, n, "%s", v > 0 ? "INF" : "-INF");
        return;
    }
    if (v == 0.0) { /* no "-0" */
        snprintf(buf, n, "0");
        return;
    }
    char tmp[32];
    if (format_10g(tmp, v) && strlen(tmp) < n) memcpy(buf, tmp, strlen(tmp) + 1);
    else snprintf(buf, n, "%.10g", v);
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
