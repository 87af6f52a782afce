/* cli_rundir.c - the output directory's life: lock, check, stage, record, commit or keep.
 *
 * One implementation for every command that writes a directory (run, a sweep, compare),
 * so the rules (refuse before any work, never a half-written directory, replace only with
 * --force, keep an interrupted batch for --resume, one writer at a time, the crash
 * protocol of cli_rundir.h) are written once.
 */
#define _XOPEN_SOURCE 700
#include "cli_rundir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_datapackage.h"
#include "cli_provenance.h"
#include "cli_resume.h"
#include "tw_file.h"
#include "tw_gz.h"
#include "tw_mpi.h"
#include "tw_output.h"

#define RUNDIR_PATH_MAX 4096

struct tw_cli_rundir {
    bool rank0;
    bool force;       /* an existing destination may be replaced at commit */
    bool has_command; /* the staging directory holds a command file to remove at commit */
    bool resume;
    bool compress;                      /* --compress: compressed at commit */
    int lock_fd;                        /* DIR.lock, locked; -1 on other ranks */
    char dir[RUNDIR_PATH_MAX];          /* the destination as given */
    char path[RUNDIR_PATH_MAX];         /* the same without trailing slashes */
    char staging[RUNDIR_PATH_MAX + 32]; /* "" on ranks other than 0 */
    char lock[RUNDIR_PATH_MAX + 32];
    char file[2 * RUNDIR_PATH_MAX];
};

static void parent_of(const char *path, char *buf, size_t n) {
    snprintf(buf, n, "%s", path);
    size_t len = strlen(buf);
    while (len > 1 && buf[len - 1] == '/') buf[--len] = '\0';
    char *slash = strrchr(buf, '/');
    if (slash == NULL)
        snprintf(buf, n, ".");
    else if (slash == buf)
        buf[1] = '\0';
    else
        *slash = '\0';
}

/* --- the lock --- */

/* "pid host" of the lock's holder, from the file and from the kernel's own record. */
static void holder(int fd, char *buf, size_t n) {
    char text[300] = "";
    ssize_t got = pread(fd, text, sizeof text - 1, 0);
    text[got > 0 ? got : 0] = '\0';
    text[strcspn(text, "\n")] = '\0';
    long pid = 0;
    char host[256] = "?";
    if (sscanf(text, "%ld %255s", &pid, host) < 1) pid = 0;
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    if (fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK && fl.l_pid > 0) pid = fl.l_pid;
    snprintf(buf, n, "pid %ld on %s", pid, host);
}

/* This process's command name (/proc/PID/comm), "" if unknown. */
static void comm(long pid, char *buf, size_t n) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/comm", pid);
    buf[0] = '\0';
    FILE *fp = fopen(path, "r");
    if (fp == NULL) return;
    if (fgets(buf, (int)n, fp) == NULL) buf[0] = '\0';
    buf[strcspn(buf, "\n")] = '\0';
    fclose(fp);
}

/* With the fcntl lock taken: what the lock file says about an earlier holder. The kernel
 * drops the lock of a process that dies, so a file naming a dead process (or this one) is
 * stale and taken over; but a file system that does not share locks between machines
 * (or between its clients) shows no lock for a holder elsewhere, so the file's pid and
 * host are believed too: a live tradewar process on this host, or any holder on another
 * host, is refused by name. */
static tw_status check_holder(const tw_cli_rundir *rd, int fd, const char *me, tw_err *err) {
    char text[300] = "", host[256] = "";
    ssize_t got = pread(fd, text, sizeof text - 1, 0);
    text[got > 0 ? got : 0] = '\0';
    long pid = 0;
    if (sscanf(text, "%ld %255s", &pid, host) != 2 || pid <= 0) return TW_OK;
    if (strcmp(host, me) != 0)
        return tw_err_set(err, TW_EUSAGE,
                          "%s: %s names pid %ld on %s, another machine, whose lock this file "
                          "system may not show; if no tradewar process runs there, remove %s "
                          "and try again",
                          rd->path, rd->lock, pid, host, rd->lock);
    if (pid == (long)getpid() || (kill((pid_t)pid, 0) != 0 && errno != EPERM)) return TW_OK;
    char mine[64], theirs[64];
    comm((long)getpid(), mine, sizeof mine);
    comm(pid, theirs, sizeof theirs);
    if (mine[0] != '\0' && strcmp(mine, theirs) != 0) return TW_OK; /* the pid was reused */
    return tw_err_set(err, TW_EUSAGE,
                      "%s: in use by another tradewar process (pid %ld on %s, named by %s); "
                      "wait for it to end or stop it, then try again (if it writes "
                      "elsewhere, remove %s)",
                      rd->path, pid, host, rd->lock, rd->lock);
}

/* Take DIR.lock for rd (TW_EUSAGE naming the holder if a live process has it; a link at
 * DIR.lock is refused, never followed). */
static tw_status rundir_lock(tw_cli_rundir *rd, tw_err *err) {
    char host[256] = "?";
    if (gethostname(host, sizeof host) != 0) snprintf(host, sizeof host, "?");
    host[sizeof host - 1] = '\0';
    for (int attempt = 0; attempt < 8; attempt++) {
        int fd;
        tw_status st = tw_file_open_write(rd->lock, O_RDWR | O_CREAT, 0666, &fd, err);
        if (st != TW_OK) return st;
        struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
        if (fcntl(fd, F_SETLK, &fl) != 0) {
            int e = errno;
            if (e != EACCES && e != EAGAIN) {
                close(fd);
                return tw_err_set(err, TW_EIO, "%s: cannot lock: %s", rd->lock, strerror(e));
            }
            char who[320];
            holder(fd, who, sizeof who);
            close(fd);
            return tw_err_set(err, TW_EUSAGE,
                              "%s: in use by another tradewar process (%s); wait for it to end "
                              "or stop it, then try again",
                              rd->path, who);
        }
        /* The holder before us may have removed the file after we opened it: the lock
         * counts only if the path still names the file we locked. */
        struct stat a, b;
        if (fstat(fd, &a) == 0 && lstat(rd->lock, &b) == 0 && a.st_dev == b.st_dev &&
            a.st_ino == b.st_ino) {
            if ((st = check_holder(rd, fd, host, err)) != TW_OK) {
                close(fd);
                return st;
            }
            char line[320];
            int len = snprintf(line, sizeof line, "%ld %s\n", (long)getpid(), host);
            if (ftruncate(fd, 0) != 0 || pwrite(fd, line, (size_t)len, 0) != len) {
                int e = errno;
                unlink(rd->lock);
                close(fd);
                return tw_err_set(err, TW_EIO, "%s: cannot write: %s", rd->lock, strerror(e));
            }
            rd->lock_fd = fd;
            return TW_OK;
        }
        close(fd);
    }
    return tw_err_set(err, TW_EIO, "%s: cannot lock: it keeps being replaced", rd->lock);
}

static void unlock(tw_cli_rundir *rd) {
    if (rd->lock_fd < 0) return;
    unlink(rd->lock); /* while still held: see rundir_lock */
    close(rd->lock_fd);
    rd->lock_fd = -1;
}

/* --- checks before any work --- */

/* Refuse destinations that a commit could not replace with a rename: ".", "..", "/", a
 * symbolic link that does not lead to a directory, the current directory or one holding
 * it, a mount point. */
static tw_status check_path(const char *dir, const char *path, tw_err *err) {
    const char *last = strrchr(path, '/');
    last = last ? last + 1 : path;
    if (strcmp(path, "/") == 0 || strcmp(last, ".") == 0 || strcmp(last, "..") == 0)
        return tw_err_set(err, TW_EUSAGE,
                          "-o %s: not a directory the run can create or replace (it names '/', "
                          "'.' or '..'); give the directory's own name",
                          dir);
    struct stat lb, sb;
    if (lstat(path, &lb) != 0) return TW_OK;
    if (S_ISLNK(lb.st_mode) && (stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode)))
        return tw_err_set(err, TW_EUSAGE,
                          "-o %s: a symbolic link that does not lead to a directory", dir);
    if (stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode)) return TW_OK;
    char real[PATH_MAX], cwd[PATH_MAX], up[RUNDIR_PATH_MAX + 8];
    if (realpath(path, real) != NULL && getcwd(cwd, sizeof cwd) != NULL) {
        size_t rl = strlen(real);
        if (strncmp(cwd, real, rl) == 0 && (cwd[rl] == '\0' || cwd[rl] == '/' || rl == 1))
            return tw_err_set(err, TW_EUSAGE,
                              "-o %s: is or holds the current directory; run from elsewhere", dir);
    }
    snprintf(up, sizeof up, "%s/..", path);
    struct stat ub;
    if (!S_ISLNK(lb.st_mode) && stat(up, &ub) == 0 &&
        (ub.st_dev != sb.st_dev || ub.st_ino == sb.st_ino))
        return tw_err_set(err, TW_EUSAGE, "-o %s: is a mount point; it cannot be replaced", dir);
    return TW_OK;
}

/* Check, before any work, where dir would be made: refuses (TW_EUSAGE) what
 * check_path refuses, an existing non-directory, a parent that is missing or not a
 * directory, and a parent in which a directory cannot be created. */
static tw_status check_where(const tw_cli_rundir *rd, tw_err *err) {
    const char *dir = rd->dir;
    if (dir[0] == '\0') return tw_err_set(err, TW_EUSAGE, "-o: the output directory is empty");
    if (strlen(dir) >= RUNDIR_PATH_MAX - 1)
        return tw_err_set(err, TW_EUSAGE, "-o %s: path too long", dir);
    tw_status st = check_path(dir, rd->path, err);
    if (st != TW_OK) return st;
    struct stat sb;
    if (stat(dir, &sb) == 0 && !S_ISDIR(sb.st_mode))
        return tw_err_set(err, TW_EUSAGE, "-o %s: exists and is not a directory", dir);
    char parent[RUNDIR_PATH_MAX];
    parent_of(rd->path, parent, sizeof parent);
    if (stat(parent, &sb) != 0)
        return tw_err_set(err, TW_EUSAGE, "-o %s: parent directory %s does not exist", dir, parent);
    if (!S_ISDIR(sb.st_mode))
        return tw_err_set(err, TW_EUSAGE, "-o %s: %s is not a directory", dir, parent);
    /* access() says yes to root whatever the mode bits, and a file system may refuse what
     * they allow (/proc, /sys, a read-only mount): so make a probe directory where the
     * run will stage its output, and remove it again. A failure here costs nothing; after
     * the run it would cost the run. */
    char probe[RUNDIR_PATH_MAX + 32];
    snprintf(probe, sizeof probe, "%s.staging.%ld", rd->path, (long)getpid());
    if (mkdir(probe, 0777) != 0 && errno != EEXIST)
        return tw_err_set(err, TW_EUSAGE, "-o %s: cannot create a directory in %s: %s", dir,
                          parent, strerror(errno));
    rmdir(probe);
    return TW_OK;
}

/* Whether dir/provenance.yaml is a regular file that tradewar wrote (its "program:
 * tradewar" line near the top). */
static bool has_provenance(const char *dir) {
    char path[RUNDIR_PATH_MAX + 32], text[4096];
    snprintf(path, sizeof path, "%s/provenance.yaml", dir);
    struct stat sb;
    if (lstat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) return false;
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) return false;
    size_t n = fread(text, 1, sizeof text - 1, fp);
    fclose(fp);
    text[n] = '\0';
    return strncmp(text, "program: tradewar\n", 18) == 0 || strstr(text, "\nprogram: tradewar\n");
}

/* What --force may replace: an empty directory or a tradewar output (provenance.yaml).
 * (An interrupted run's DIR.partial, a name only the program makes, is replaced too.) */
static bool replaceable(const char *dir) {
    if (has_provenance(dir)) return true;
    DIR *d = opendir(dir);
    if (d == NULL) return false;
    bool empty = true;
    struct dirent *e;
    while (empty && (e = readdir(d)) != NULL)
        empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
    closedir(d);
    return empty;
}

static tw_status not_ours(const char *dir, tw_err *err) {
    return tw_err_set(err, TW_EUSAGE,
                      "-o %s: not a tradewar output (no provenance.yaml) and not empty; --force "
                      "replaces only those: move it away or choose another -o",
                      dir);
}

/* With the lock held: refuse an existing dir or an interrupted run's "<dir>.partial"
 * without force, and with force anything that is not a tradewar output. */
static tw_status check_existing(const tw_cli_rundir *rd, bool force, tw_err *err) {
    struct stat sb;
    if (!force && stat(rd->dir, &sb) == 0)
        return tw_err_set(err, TW_EUSAGE,
                          "-o %s: the output directory exists; pass --force to replace it",
                          rd->dir);
    if (!force && lstat(rd->staging, &sb) == 0)
        return tw_err_set(err, TW_EUSAGE,
                          "-o %s: %s holds an interrupted run; finish it with --resume %s or "
                          "pass --force to start over",
                          rd->dir, rd->staging, rd->dir);
    if (stat(rd->dir, &sb) == 0 && !replaceable(rd->dir)) return not_ours(rd->dir, err);
    return TW_OK;
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw) {
    (void)sb;
    (void)ftw;
    if (flag == FTW_DP)
        rmdir(path);
    else
        unlink(path);
    return 0;
}

/* Remove a directory tree (depth first, not following links). Staging directories hold
 * only our files; an earlier output directory replaced with --force may hold anything the
 * user put there (a report/ folder, say). */
static void remove_tree(const char *dir) {
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static bool exists(const char *path) {
    struct stat sb;
    return lstat(path, &sb) == 0;
}

/* The batch's files (tw_batch.h) that tw_batch_finish renames from NAME.part to NAME. */
static const char *const parts[] = {"replicates.csv", "events.csv", "trajectories.csv"};
#define NPARTS (sizeof parts / sizeof parts[0])

/* A resume after a crash inside tw_batch_finish, with the checkpoint still there: put
 * back the .part names it had renamed, so the batch continues from the checkpoint. */
static tw_status undo_finish(tw_cli_rundir *rd, tw_err *err) {
    char part[2 * RUNDIR_PATH_MAX + 8], final[2 * RUNDIR_PATH_MAX];
    if (!exists(tw_cli_rundir_path(rd, "checkpoint.bin"))) return TW_OK;
    for (size_t i = 0; i < NPARTS; i++) {
        snprintf(final, sizeof final, "%s", tw_cli_rundir_path(rd, parts[i]));
        snprintf(part, sizeof part, "%s.part", final);
        if (!exists(part) && exists(final) && rename(final, part) != 0)
            return tw_err_set(err, TW_EIO, "%s: cannot rename back to %s: %s", final, part,
                              strerror(errno));
    }
    return TW_OK;
}

/* The lock held: remove the empty probe directories (DIR.staging.PID, check_where)
 * of processes that died between making and removing one, and this one's if its removal
 * failed. rmdir removes nothing else. */
static void remove_stale_probes(const tw_cli_rundir *rd) {
    char parent[RUNDIR_PATH_MAX], prefix[RUNDIR_PATH_MAX + 16], full[2 * RUNDIR_PATH_MAX + 32];
    parent_of(rd->path, parent, sizeof parent);
    const char *base = strrchr(rd->path, '/');
    snprintf(prefix, sizeof prefix, "%s.staging.", base != NULL ? base + 1 : rd->path);
    DIR *d = opendir(parent);
    if (d == NULL) return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, prefix, strlen(prefix)) != 0) continue;
        char *end;
        long pid = strtol(e->d_name + strlen(prefix), &end, 10);
        if (*end != '\0' || pid <= 0 ||
            (pid != (long)getpid() && (kill((pid_t)pid, 0) == 0 || errno != ESRCH)))
            continue; /* a live process's probe (this one's is done with) */
        snprintf(full, sizeof full, "%s/%s", parent, e->d_name);
        rmdir(full);
    }
    closedir(d);
}

/* Rank 0's half of tw_cli_rundir_open, the lock held. */
static tw_status rundir_open(const tw_cli_args *a, tw_cli_rundir *rd, tw_err *err) {
    struct stat sb;
    if (rd->lock_fd >= 0) remove_stale_probes(rd);
    if (a->resume != NULL) {
        if (lstat(rd->staging, &sb) == 0 && S_ISLNK(sb.st_mode))
            return tw_err_set(err, TW_EUSAGE,
                              "--resume %s: %s is a symbolic link; refusing to write through "
                              "it (move the directory it leads to in its place)",
                              a->resume, rd->staging);
        if (stat(rd->staging, &sb) != 0 || !S_ISDIR(sb.st_mode))
            return stat(rd->path, &sb) == 0
                       ? tw_err_set(err, TW_EUSAGE, "--resume %s: the run is already complete",
                                    a->resume)
                       : tw_err_set(err, TW_EUSAGE,
                                    "--resume %s: no interrupted run here (%s is missing)",
                                    a->resume, rd->staging);
        if (!rd->force && exists(rd->path))
            return tw_err_set(err, TW_EUSAGE,
                              "--resume %s: %s appeared after the run started and the run was "
                              "not given --force; move it away and resume again",
                              a->resume, rd->path);
        rd->has_command = exists(tw_cli_rundir_path(rd, "command"));
        tw_status st = undo_finish(rd, err);
        /* A checkpoint needs its .part files: refuse before the batch cuts any of them. */
        bool ckpt = exists(tw_cli_rundir_path(rd, "checkpoint.bin"));
        char part[2 * RUNDIR_PATH_MAX + 8];
        for (size_t i = 0; st == TW_OK && ckpt && i < NPARTS; i++) {
            if (i == 2 && !a->trajectories) continue;
            snprintf(part, sizeof part, "%s.part", tw_cli_rundir_path(rd, parts[i]));
            if (!exists(part))
                st = tw_err_set(err, TW_EUSAGE,
                                "--resume %s: %s is missing, so the checkpoint cannot be "
                                "continued; start over with --force",
                                a->resume, part);
        }
        return st;
    }
    tw_status st = check_existing(rd, a->force, err);
    if (st != TW_OK) return st;
    remove_tree(rd->staging); /* an interrupted run the user chose to replace */
    if (mkdir(rd->staging, 0777) != 0)
        return tw_err_set(err, TW_EIO, "%s: cannot create: %s", rd->staging, strerror(errno));
    return TW_OK;
}

tw_status tw_cli_rundir_open(const tw_cli_args *a, const char *default_name, tw_cli_rundir **out,
                             tw_err *err) {
    *out = NULL;
    tw_cli_rundir *rd = calloc(1, sizeof *rd);
    tw_status st = TW_OK;
    if (rd == NULL) {
        st = tw_err_set(err, TW_ENOMEM, "out of memory");
    } else {
        rd->lock_fd = -1;
        rd->rank0 = tw_mpi_rank() == 0;
        rd->force = a->force;
        rd->resume = a->resume != NULL;
        rd->compress = a->compress;
        if (a->outdir != NULL)
            snprintf(rd->dir, sizeof rd->dir, "%s", a->outdir);
        else
            snprintf(rd->dir, sizeof rd->dir, "out/%s", default_name);
        size_t len = strlen(rd->dir);
        while (len > 1 && rd->dir[len - 1] == '/') len--;
        snprintf(rd->path, sizeof rd->path, "%.*s", (int)len, rd->dir);
        if (rd->rank0) {
            snprintf(rd->staging, sizeof rd->staging, "%s.partial", rd->path);
            snprintf(rd->lock, sizeof rd->lock, "%s.lock", rd->path);
            if (a->outdir == NULL && mkdir("out", 0777) != 0 && errno != EEXIST)
                st = tw_err_set(err, TW_EIO, "out: cannot create: %s", strerror(errno));
            else if (a->resume == NULL && (st = check_where(rd, err)) != TW_OK)
                ; /* refused before touching anything, the lock included */
            else if (a->resume != NULL && !exists(rd->staging))
                st = rundir_open(a, rd, err); /* refused, before touching anything */
            else if ((st = rundir_lock(rd, err)) == TW_OK)
                st = rundir_open(a, rd, err);
        }
    }
    if ((st = tw_mpi_agree(st, err)) != TW_OK) {
        if (rd != NULL) unlock(rd);
        free(rd);
        return st;
    }
    *out = rd;
    return TW_OK;
}

tw_status tw_cli_rundir_record(tw_cli_rundir *rd, int argc, char **argv, const tw_cfg *cfg,
                               tw_err *err) {
    tw_status st = TW_OK;
    if (rd->rank0 && !rd->resume) {
        st = tw_cli_resume_write_command(tw_cli_rundir_path(rd, "command"), argc, argv, err);
        rd->has_command = st == TW_OK;
    }
    /* A run killed between its command file and scenario.yaml leaves the latter to the
     * resume; one that exists is kept (a resume refused later changes nothing), if it is
     * still the scenario the run resolves to: an edited copy is never carried into the
     * output. A compare (cfg NULL) writes its two sides itself. */
    if (st == TW_OK && rd->rank0 && cfg != NULL &&
        !exists(tw_cli_rundir_path(rd, "scenario.yaml")))
        st = tw_cli_write_scenario(tw_cli_rundir_path(rd, "scenario.yaml"), cfg, err);
    else if (st == TW_OK && rd->rank0 && rd->resume && cfg != NULL)
        st = tw_cli_check_scenario(tw_cli_rundir_path(rd, "scenario.yaml"), cfg, err);
    return tw_mpi_agree(st, err);
}

/* Data rows of a CSV file (lines after the header); -1 if it cannot be read. */
static long rundir_rows(const char *path) {
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) return -1;
    long lines = 0;
    int c;
    while ((c = getc(fp)) != EOF) lines += c == '\n';
    bool bad = ferror(fp) != 0;
    fclose(fp);
    return bad || lines < 1 ? -1 : lines - 1;
}

tw_status tw_cli_rundir_complete(tw_cli_rundir *rd, bool *complete, size_t *replicates,
                                 tw_err *err) {
    int64_t v[2] = {0, 0};
    if (rd->rank0) {
        bool done = !exists(tw_cli_rundir_path(rd, "checkpoint.bin")) &&
                    exists(tw_cli_rundir_path(rd, "summary.csv")) &&
                    exists(tw_cli_rundir_path(rd, "outcomes.csv")) &&
                    exists(tw_cli_rundir_path(rd, "events.csv"));
        char part[2 * RUNDIR_PATH_MAX + 8];
        for (size_t i = 0; done && i < NPARTS; i++) {
            snprintf(part, sizeof part, "%s.part", tw_cli_rundir_path(rd, parts[i]));
            done = !exists(part);
        }
        long rows = done ? rundir_rows(tw_cli_rundir_path(rd, "replicates.csv")) : -1;
        v[0] = rows >= 0;
        v[1] = rows;
    }
    tw_status st = tw_mpi_agree(tw_mpi_bcast(v, sizeof v, err), err);
    *complete = st == TW_OK && v[0] != 0;
    *replicates = *complete ? (size_t)v[1] : 0;
    return st;
}

bool tw_cli_rundir_resumable(tw_cli_rundir *rd) {
    if (!rd->rank0 || rd->staging[0] == '\0') return false;
    if (exists(tw_cli_rundir_path(rd, "checkpoint.bin"))) return true;
    bool done = exists(tw_cli_rundir_path(rd, "summary.csv")) &&
                exists(tw_cli_rundir_path(rd, "outcomes.csv"));
    char part[2 * RUNDIR_PATH_MAX + 8];
    for (size_t i = 0; done && i < NPARTS; i++) {
        snprintf(part, sizeof part, "%s.part", tw_cli_rundir_path(rd, parts[i]));
        done = !exists(part);
    }
    return done;
}

const char *tw_cli_rundir_dir(const tw_cli_rundir *rd) { return rd->dir; }

const char *tw_cli_rundir_staging(const tw_cli_rundir *rd) { return rd->staging; }

const char *tw_cli_rundir_path(tw_cli_rundir *rd, const char *name) {
    snprintf(rd->file, sizeof rd->file, "%s/%s", rd->staging, name);
    return rd->file;
}

/* Remove the temporaries (NAME.tmp.PID) a killed tw_afile writer left in the staging
 * directory, so that they do not end up among the outputs; refuse (before any change) a
 * symbolic link planted there, which the output would carry. */
static tw_status remove_temporaries(tw_cli_rundir *rd, tw_err *err) {
    DIR *d = opendir(rd->staging);
    if (d == NULL)
        return tw_err_set(err, TW_EIO, "%s: cannot read: %s", rd->staging, strerror(errno));
    tw_status st = TW_OK;
    struct dirent *e;
    while (st == TW_OK && (e = readdir(d)) != NULL)
        st = tw_file_refuse_link(tw_cli_rundir_path(rd, e->d_name), err);
    rewinddir(d);
    while (st == TW_OK && (e = readdir(d)) != NULL) {
        if (strstr(e->d_name, ".tmp.") == NULL) continue;
        if (unlink(tw_cli_rundir_path(rd, e->d_name)) != 0 && errno != ENOENT)
            st = tw_err_set(err, TW_EIO, "%s: cannot remove: %s", rd->file, strerror(errno));
    }
    closedir(d);
    return st;
}

/* The files --compress stores as NAME.gz (a sweep's points/<k>/summary.csv too): the
 * large ones, one row per day and series. */
static const char *const compressed[] = {"summary.csv", "trajectories.csv"};
#define NCOMPRESSED (sizeof compressed / sizeof compressed[0])

/* For each file NAME that --compress stores, in the staging directory and in each of its
 * points/<k>/ folders: with gzip, write NAME.gz from NAME (NAME stays); without, remove
 * NAME where NAME.gz exists (the second half, done once the command file is gone, and
 * redone by a resume that finds only the commit left). */
static tw_status rundir_compress(tw_cli_rundir *rd, bool gzip, tw_err *err) {
    char plain[2 * RUNDIR_PATH_MAX + 64], gz[2 * RUNDIR_PATH_MAX + 80], sub[64];
    DIR *d = NULL;
    struct dirent *e = NULL;
    tw_status st = TW_OK;
    sub[0] = '\0';
    for (;;) {
        for (size_t i = 0; st == TW_OK && i < NCOMPRESSED; i++) {
            snprintf(plain, sizeof plain, "%s/%s%s", rd->staging, sub, compressed[i]);
            snprintf(gz, sizeof gz, "%s.gz", plain);
            if (gzip && exists(plain))
                st = tw_gz_compress_file(plain, gz, err);
            else if (!gzip && exists(gz) && unlink(plain) != 0 && errno != ENOENT)
                st = tw_err_set(err, TW_EIO, "%s: cannot remove: %s", plain, strerror(errno));
        }
        /* then each points/<k>/ of a sweep */
        if (d == NULL) {
            snprintf(plain, sizeof plain, "%s/points", rd->staging);
            if (st != TW_OK || (d = opendir(plain)) == NULL) break;
        }
        while ((e = readdir(d)) != NULL && e->d_name[0] == '.') {
        }
        if (e == NULL || st != TW_OK) break;
        snprintf(sub, sizeof sub, "points/%.40s/", e->d_name);
    }
    if (d != NULL) closedir(d);
    return st;
}

/* Rank 0: step 4 of the protocol in cli_rundir.h, after provenance.yaml. An earlier DIR
 * is moved aside while the command file (which records --force) still exists, so a resume
 * after a crash anywhere here knows whether it may replace a DIR it finds. */
static tw_status commit(tw_cli_rundir *rd, tw_err *err) {
    tw_status st = remove_temporaries(rd, err);
    if (st == TW_OK && rd->compress) st = rundir_compress(rd, true, err);
    if (st == TW_OK) st = tw_cli_write_datapackage(rd->staging, err);
    if (st != TW_OK) return st;
    char old[RUNDIR_PATH_MAX + 32] = "", parent[RUNDIR_PATH_MAX];
    parent_of(rd->path, parent, sizeof parent);
    if (exists(rd->path)) {
        if (!rd->force)
            return tw_err_set(err, TW_EUSAGE, "%s: appeared while running; not replaced (move it "
                                              "away)", rd->path);
        if (!replaceable(rd->path)) return not_ours(rd->path, err);
        snprintf(old, sizeof old, "%s.old.%ld", rd->path, (long)getpid());
        if (rename(rd->path, old) != 0)
            return tw_err_set(err, TW_EIO, "%s: cannot move aside: %s", rd->path, strerror(errno));
    }
    if (rd->has_command && unlink(tw_cli_rundir_path(rd, "command")) != 0 && errno != ENOENT)
        st = tw_err_set(err, TW_EIO, "%s: cannot remove: %s", rd->file, strerror(errno));
    if (st == TW_OK) st = rundir_compress(rd, false, err);
    if (st == TW_OK) st = tw_sync_dir(rd->staging, err);
    if (st == TW_OK && rename(rd->staging, rd->path) != 0)
        st = tw_err_set(err, TW_EIO, "%s: cannot rename into place: %s", rd->path, strerror(errno));
    if (st != TW_OK) {
        if (old[0] != '\0') rename(old, rd->path); /* put the earlier results back */
        return st;
    }
    rd->has_command = false;
    rd->staging[0] = '\0';
    st = tw_sync_dir(parent, err);
    if (old[0] != '\0') remove_tree(old);
    return st;
}

tw_status tw_cli_rundir_finish(tw_cli_rundir *rd, tw_status st, bool keep, tw_err *err) {
    if (rd != NULL && rd->rank0) {
        bool committing = st == TW_OK;
        if (committing) st = commit(rd, err);
        if (st != TW_OK && rd->staging[0] != '\0') {
            if (keep && exists(rd->staging)) {
                /* A refusal before the commit says what to do itself, and so does a stop by
                 * a signal; one at the commit (a DIR that appeared meanwhile) leaves
                 * finished work to be moved into place by a resume. */
                char msg[TW_ERR_MSG_MAX];
                snprintf(msg, sizeof msg, "%s", err->msg);
                if ((committing || st != TW_EUSAGE) && strstr(msg, "tradewar run --resume") == NULL)
                    tw_err_set(err, st, "%s; %s is kept: finish with tradewar run --resume %s",
                               msg, rd->staging, rd->dir);
            } else {
                remove_tree(rd->staging);
            }
        }
    }
    if (rd != NULL) unlock(rd);
    free(rd);
    return tw_mpi_agree(st, err);
}

void tw_cli_rundir_close(tw_cli_rundir *rd, bool keep) {
    if (rd == NULL) return;
    if (rd->rank0 && !keep) remove_tree(rd->staging);
    unlock(rd);
    free(rd);
}
