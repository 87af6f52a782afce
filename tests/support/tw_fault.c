/* tw_fault.c - an LD_PRELOAD shim that fails or kills the program at its Nth I/O step,
 * for the crash and I/O-error tests of the output directory (tests/e2e/test_faults.py).
 *
 * It counts the calls by which the program changes what is on disk, as the program makes
 * them: fflush and fclose of a stream open for writing, fsync, fdatasync, write, pwrite,
 * ftruncate and truncate, rename, unlink, rmdir and mkdir. Only steps on paths holding
 * TW_FAULT_DIR count (a relative path from the working directory; for a stream or a
 * descriptor, the file it refers to), so the program's reading of scenarios and data and
 * the test's own files stay out. Buffered
 * stdio writes reach the kernel inside the C library where no shim can see them; the
 * flush and close that end every file are where a failure shows, and are counted.
 *
 *   TW_FAULT_DIR=/tmp/x   only steps under this path count (required)
 *   TW_FAULT_AT=N         the Nth step (from 1) fails or kills; 0 or unset: count only
 *   TW_FAULT_MODE=kill    SIGKILL just before step N (the step does not happen)
 *                 enospc  step N fails with ENOSPC without doing anything (a stream's
 *                 eio     buffer is discarded first, as on a full disk); eio: EIO
 *   TW_FAULT_LOG=FILE     at exit, write the number of steps counted, then on a second
 *                         line the number of opens for writing, then the path a link was
 *                         planted at (mode link), if any
 *
 * Mode link counts instead the opens for writing (open with O_WRONLY or O_RDWR, fopen
 * with "w", "a" or "+") on watched paths: just before the Nth, the file at that path (if
 * any) is moved to PATH.tw_aside and a symbolic link to TW_FAULT_VICTIM put in its place,
 * and the open goes on: what a program that follows links would then write lands in the
 * victim.
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

static long count, opens, fault_at = -1;
static int fault_mode; /* 0 kill, -1 link, else the errno to fail with */
static const char *dir;
static char planted[4096];

static void init(void) {
    if (fault_at >= 0) return;
    const char *at = getenv("TW_FAULT_AT"), *mode = getenv("TW_FAULT_MODE");
    dir = getenv("TW_FAULT_DIR");
    fault_at = at != NULL ? atol(at) : 0;
    if (mode == NULL || strcmp(mode, "kill") == 0)
        fault_mode = 0;
    else if (strcmp(mode, "link") == 0)
        fault_mode = -1;
    else if (strcmp(mode, "enospc") == 0)
        fault_mode = ENOSPC;
    else
        fault_mode = EIO;
}

static __attribute__((destructor)) void report(void) {
    const char *log = getenv("TW_FAULT_LOG");
    if (log == NULL) return;
    FILE *(*real_fopen)(const char *, const char *) = (FILE * (*)(const char *, const char *)) dlsym(RTLD_NEXT, "fopen");
    FILE *fp = real_fopen(log, "w");
    if (fp == NULL) return;
    fprintf(fp, "%ld\n%ld\n%s\n", count, opens, planted);
    int (*real_fclose)(FILE *) = (int (*)(FILE *))dlsym(RTLD_NEXT, "fclose");
    real_fclose(fp);
}

/* A path under TW_FAULT_DIR; a relative one (the program's own, "-o out") is taken from
 * the working directory. */
static int watched_path(const char *path) {
    init();
    if (dir == NULL || path == NULL) return 0;
    if (strstr(path, dir) != NULL) return 1;
    char full[8192];
    if (path[0] == '/' || getcwd(full, 4096) == NULL) return 0;
    size_t n = strlen(full);
    snprintf(full + n, sizeof full - n, "/%s", path);
    return strstr(full, dir) != NULL;
}

static int watched_fd(int fd) {
    char link[64], target[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, target, sizeof target - 1);
    if (n < 0) return 0;
    target[n] = '\0';
    return watched_path(target);
}

/* A watched step: 0 to go on, or the errno to fail with (after SIGKILL for kill). */
static int step(void) {
    count++;
    if (count != fault_at || fault_mode < 0) return 0;
    if (fault_mode == 0) raise(SIGKILL);
    return fault_mode;
}

/* An open for writing of path: counted when watched, and in mode link the Nth gets its
 * link. */
static void open_for_writing(const char *path) {
    if (!watched_path(path)) return;
    opens++;
    if (fault_mode >= 0 || opens != fault_at) return;
    const char *victim = getenv("TW_FAULT_VICTIM");
    if (victim == NULL) return;
    char aside[4200];
    snprintf(aside, sizeof aside, "%s.tw_aside", path);
    int (*real_rename)(const char *, const char *) =
        (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
    real_rename(path, aside); /* nothing there is fine */
    if (symlink(victim, path) == 0) snprintf(planted, sizeof planted, "%s", path);
}

static int writes(int flags) { return (flags & O_ACCMODE) != O_RDONLY; }
static int fwrites(const char *mode) { return strpbrk(mode, "wa+") != NULL; }

#define REAL(ret, name, args)     \
    static ret(*real) args;       \
    if (real == NULL) real = (ret(*) args)dlsym(RTLD_NEXT, name)

int fflush(FILE *fp) {
    REAL(int, "fflush", (FILE *));
    if (fp != NULL && __fwritable(fp) && watched_fd(fileno(fp))) {
        int e = step();
        if (e != 0) {
            __fpurge(fp);
            errno = e;
            return EOF;
        }
    }
    return real(fp);
}

int fclose(FILE *fp) {
    REAL(int, "fclose", (FILE *));
    if (fp != NULL && __fwritable(fp) && watched_fd(fileno(fp))) {
        int e = step();
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
#define CALL(ret, name, params, args, watched)            \
    ret name params {                                     \
        REAL(ret, #name, params);                         \
        if (watched) {                                    \
            int e = step();                               \
            if (e != 0) {                                 \
                errno = e;                                \
                return -1;                                \
            }                                             \
        }                                                 \
        return real args;                                 \
    }
#define FD_CALL(ret, name, params, args, fd) CALL(ret, name, params, args, watched_fd(fd))
#define PATH_CALL(name, params, args, path) CALL(int, name, params, args, watched_path(path))

FD_CALL(int, fsync, (int fd), (fd), fd)
FD_CALL(int, fdatasync, (int fd), (fd), fd)
FD_CALL(ssize_t, write, (int fd, const void *buf, size_t n), (fd, buf, n), fd)
FD_CALL(ssize_t, pwrite, (int fd, const void *buf, size_t n, off_t off), (fd, buf, n, off), fd)
FD_CALL(int, ftruncate, (int fd, off_t len), (fd, len), fd)
PATH_CALL(truncate, (const char *path, off_t len), (path, len), path)
PATH_CALL(rename, (const char *from, const char *to), (from, to), from)
PATH_CALL(unlink, (const char *path), (path), path)
PATH_CALL(rmdir, (const char *path), (path), path)
PATH_CALL(mkdir, (const char *path, mode_t mode), (path, mode), path)

/* The opens, for mode link (the program's opens go through these two pairs; the C
 * library's own fopen calls its internal open, which no shim sees). */
#define OPEN(name)                                                     \
    int name(const char *path, int flags, ...) {                      \
        REAL(int, #name, (const char *, int, ...));                   \
        mode_t mode = 0;                                               \
        if (flags & O_CREAT) {                                         \
            va_list ap;                                                \
            va_start(ap, flags);                                       \
            mode = (mode_t)va_arg(ap, int);                            \
            va_end(ap);                                                \
        }                                                              \
        if (writes(flags)) open_for_writing(path);                     \
        return real(path, flags, mode);                                \
    }
OPEN(open)
OPEN(open64)

#define FOPEN(name)                                                    \
    FILE *name(const char *path, const char *mode) {                  \
        REAL(FILE *, #name, (const char *, const char *));            \
        if (fwrites(mode)) open_for_writing(path);                     \
        return real(path, mode);                                       \
    }
FOPEN(fopen)
FOPEN(fopen64)
