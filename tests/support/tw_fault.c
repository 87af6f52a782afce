/* tw_fault.c - an LD_PRELOAD shim that fails or kills the program at its Nth I/O step,
 * for the crash and I/O-error tests of the output directory (tests/e2e/test_faults.py).
 *
 * It counts the calls by which the program changes what is on disk, as the program makes
 * them: fflush and fclose of a stream open for writing, fsync, fdatasync, write, pwrite,
 * ftruncate and truncate, rename, unlink, rmdir and mkdir. Only steps on paths holding
 * TW_FAULT_DIR count (for a stream or a descriptor, the file it refers to), so the
 * program's reading of scenarios and data and the test's own files stay out. Buffered
 * stdio writes reach the kernel inside the C library where no shim can see them; the
 * flush and close that end every file are where a failure shows, and are counted.
 *
 *   TW_FAULT_DIR=/tmp/x   only steps under this path count (required)
 *   TW_FAULT_AT=N         the Nth step (from 1) fails or kills; 0 or unset: count only
 *   TW_FAULT_MODE=kill    SIGKILL just before step N (the step does not happen)
 *                 enospc  step N fails with ENOSPC without doing anything (a stream's
 *                 eio     buffer is discarded first, as on a full disk); eio: EIO
 *   TW_FAULT_LOG=FILE     at exit, write the number of steps counted
 *
 * A failure is injected once; later steps succeed, as after a transient error. Only the
 * process's main thread does I/O in the program, so the counter needs no lock.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

static long tw__count, tw__at = -1;
static int tw__mode; /* 0 kill, else the errno to fail with */
static const char *tw__dir;

static void tw__init(void) {
    if (tw__at >= 0) return;
    const char *at = getenv("TW_FAULT_AT"), *mode = getenv("TW_FAULT_MODE");
    tw__dir = getenv("TW_FAULT_DIR");
    tw__at = at != NULL ? atol(at) : 0;
    if (mode == NULL || strcmp(mode, "kill") == 0)
        tw__mode = 0;
    else if (strcmp(mode, "enospc") == 0)
        tw__mode = ENOSPC;
    else
        tw__mode = EIO;
}

static __attribute__((destructor)) void tw__report(void) {
    const char *log = getenv("TW_FAULT_LOG");
    if (log == NULL) return;
    FILE *(*real_fopen)(const char *, const char *) = (FILE * (*)(const char *, const char *)) dlsym(RTLD_NEXT, "fopen");
    FILE *fp = real_fopen(log, "w");
    if (fp == NULL) return;
    fprintf(fp, "%ld\n", tw__count);
    int (*real_fclose)(FILE *) = (int (*)(FILE *))dlsym(RTLD_NEXT, "fclose");
    real_fclose(fp);
}

static int tw__watched_path(const char *path) {
    tw__init();
    return tw__dir != NULL && path != NULL && strstr(path, tw__dir) != NULL;
}

static int tw__watched_fd(int fd) {
    char link[64], target[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, target, sizeof target - 1);
    if (n < 0) return 0;
    target[n] = '\0';
    return tw__watched_path(target);
}

/* A watched step: 0 to go on, or the errno to fail with (after SIGKILL for kill). */
static int tw__step(void) {
    tw__count++;
    if (tw__count != tw__at) return 0;
    if (tw__mode == 0) raise(SIGKILL);
    return tw__mode;
}

#define TW__REAL(ret, name, args) \
    static ret(*real) args;       \
    if (real == NULL) real = (ret(*) args)dlsym(RTLD_NEXT, name)

int fflush(FILE *fp) {
    TW__REAL(int, "fflush", (FILE *));
    if (fp != NULL && __fwritable(fp) && tw__watched_fd(fileno(fp))) {
        int e = tw__step();
        if (e != 0) {
            __fpurge(fp);
            errno = e;
            return EOF;
        }
    }
    return real(fp);
}

int fclose(FILE *fp) {
    TW__REAL(int, "fclose", (FILE *));
    if (fp != NULL && __fwritable(fp) && tw__watched_fd(fileno(fp))) {
        int e = tw__step();
        if (e != 0) {
            __fpurge(fp);
            real(fp);
            errno = e;
            return EOF;
        }
    }
    return real(fp);
}

/* A shimmed call: count it when `watched` holds, and fail it when its turn has come. */
#define TW__CALL(ret, name, params, args, watched)        \
    ret name params {                                     \
        TW__REAL(ret, #name, params);                     \
        if (watched) {                                    \
            int e = tw__step();                           \
            if (e != 0) {                                 \
                errno = e;                                \
                return -1;                                \
            }                                             \
        }                                                 \
        return real args;                                 \
    }
#define TW__FD_CALL(ret, name, params, args, fd) TW__CALL(ret, name, params, args, tw__watched_fd(fd))
#define TW__PATH_CALL(name, params, args, path) TW__CALL(int, name, params, args, tw__watched_path(path))

TW__FD_CALL(int, fsync, (int fd), (fd), fd)
TW__FD_CALL(int, fdatasync, (int fd), (fd), fd)
TW__FD_CALL(ssize_t, write, (int fd, const void *buf, size_t n), (fd, buf, n), fd)
TW__FD_CALL(ssize_t, pwrite, (int fd, const void *buf, size_t n, off_t off), (fd, buf, n, off), fd)
TW__FD_CALL(int, ftruncate, (int fd, off_t len), (fd, len), fd)
TW__PATH_CALL(truncate, (const char *path, off_t len), (path, len), path)
TW__PATH_CALL(rename, (const char *from, const char *to), (from, to), from)
TW__PATH_CALL(unlink, (const char *path), (path), path)
TW__PATH_CALL(rmdir, (const char *path), (path), path)
TW__PATH_CALL(mkdir, (const char *path, mode_t mode), (path, mode), path)
