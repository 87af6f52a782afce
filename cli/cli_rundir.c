/* cli_rundir.c - the output directory's life: check, stage, record, commit or keep.
 *
 * One implementation for every command that writes a directory (run, a sweep, compare),
 * so the rules (refuse before any work, never a half-written directory, replace only with
 * --force, keep an interrupted batch for --resume) are written once.
 */
#define _XOPEN_SOURCE 700
#include "cli_rundir.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_provenance.h"
#include "cli_resume.h"
#include "tw_mpi.h"

#define TW__PATH_MAX 4096

struct tw_cli_rundir {
    bool rank0;
    bool force;       /* an existing destination may be replaced at commit */
    bool has_command; /* the staging directory holds a command file to remove at commit */
    char dir[TW__PATH_MAX];          /* the destination as given */
    char path[TW__PATH_MAX];         /* the same without trailing slashes */
    char staging[TW__PATH_MAX + 32]; /* "" on ranks other than 0 */
    char file[2 * TW__PATH_MAX];
};

static void tw__parent_of(const char *path, char *buf, size_t n) {
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

/* Check, before any work, that dir can be made: refuses (TW_EUSAGE) an existing dir or an
 * interrupted run's "<dir>.partial" without force, a parent that is missing or not a
 * directory, and a parent in which a directory cannot be created. */
static tw_status tw__check(const char *dir, bool force, tw_err *err) {
    if (dir[0] == '\0') return tw_err_set(err, TW_EUSAGE, "-o: the output directory is empty");
    if (strlen(dir) >= TW__PATH_MAX)
        return tw_err_set(err, TW_EUSAGE, "-o %s: path too long", dir);
    struct stat sb;
    if (stat(dir, &sb) == 0) {
        if (!S_ISDIR(sb.st_mode))
            return tw_err_set(err, TW_EUSAGE, "-o %s: exists and is not a directory", dir);
        if (!force)
            return tw_err_set(err, TW_EUSAGE,
                              "-o %s: the output directory exists; pass --force to replace it",
                              dir);
    }
    char partial[TW__PATH_MAX + 16];
    size_t plen = strlen(dir);
    while (plen > 1 && dir[plen - 1] == '/') plen--;
    snprintf(partial, sizeof partial, "%.*s.partial", (int)plen, dir);
    if (!force && stat(partial, &sb) == 0)
        return tw_err_set(err, TW_EUSAGE,
                          "-o %s: %s holds an interrupted run; finish it with --resume %s or "
                          "pass --force to start over",
                          dir, partial, dir);
    char parent[TW__PATH_MAX];
    tw__parent_of(dir, parent, sizeof parent);
    if (stat(parent, &sb) != 0)
        return tw_err_set(err, TW_EUSAGE, "-o %s: parent directory %s does not exist", dir, parent);
    if (!S_ISDIR(sb.st_mode))
        return tw_err_set(err, TW_EUSAGE, "-o %s: %s is not a directory", dir, parent);
    /* access() says yes to root whatever the mode bits, and a file system may refuse what
     * they allow (/proc, /sys, a read-only mount): so make a probe directory where the
     * run will stage its output, and remove it again. A failure here costs nothing; after
     * the run it would cost the run. */
    char probe[TW__PATH_MAX + 32];
    snprintf(probe, sizeof probe, "%.*s.staging.%ld", (int)plen, dir, (long)getpid());
    if (mkdir(probe, 0777) != 0 && errno != EEXIST)
        return tw_err_set(err, TW_EUSAGE, "-o %s: cannot create a directory in %s: %s", dir,
                          parent, strerror(errno));
    rmdir(probe);
    return TW_OK;
}

static int tw__remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw) {
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
static void tw__remove_tree(const char *dir) {
    nftw(dir, tw__remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Rank 0's half of tw_cli_rundir_open. */
static tw_status tw__open(const tw_cli_args *a, tw_cli_rundir *rd, tw_err *err) {
    struct stat sb;
    if (a->resume != NULL) {
        if (strlen(rd->dir) >= TW__PATH_MAX - 1)
            return tw_err_set(err, TW_EUSAGE, "--resume %s: path too long", a->resume);
        if (stat(rd->staging, &sb) != 0 || !S_ISDIR(sb.st_mode))
            return stat(rd->path, &sb) == 0
                       ? tw_err_set(err, TW_EUSAGE, "--resume %s: the run is already complete",
                                    a->resume)
                       : tw_err_set(err, TW_EUSAGE,
                                    "--resume %s: no interrupted run here (%s is missing)",
                                    a->resume, rd->staging);
        /* The first run already took its decision about an earlier directory. */
        rd->force = true;
        rd->has_command = true;
        return TW_OK;
    }
    if (a->outdir == NULL && mkdir("out", 0777) != 0 && errno != EEXIST)
        return tw_err_set(err, TW_EIO, "out: cannot create: %s", strerror(errno));
    tw_status st = tw__check(rd->dir, a->force, err);
    if (st != TW_OK) return st;
    tw__remove_tree(rd->staging); /* an interrupted run the user chose to replace */
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
        rd->rank0 = tw_mpi_rank() == 0;
        rd->force = a->force;
        if (a->outdir != NULL)
            snprintf(rd->dir, sizeof rd->dir, "%s", a->outdir);
        else
            snprintf(rd->dir, sizeof rd->dir, "out/%s", default_name);
        size_t len = strlen(rd->dir);
        while (len > 1 && rd->dir[len - 1] == '/') len--;
        snprintf(rd->path, sizeof rd->path, "%.*s", (int)len, rd->dir);
        if (rd->rank0) {
            snprintf(rd->staging, sizeof rd->staging, "%s.partial", rd->path);
            st = tw__open(a, rd, err);
        }
    }
    if ((st = tw_mpi_agree(st, err)) != TW_OK) {
        free(rd);
        return st;
    }
    *out = rd;
    return TW_OK;
}

tw_status tw_cli_rundir_record(tw_cli_rundir *rd, int argc, char **argv, const tw_cfg *cfg,
                               tw_err *err) {
    tw_status st = TW_OK;
    if (rd->rank0) {
        st = tw_cli_resume_write_command(tw_cli_rundir_path(rd, "command"), argc, argv, err);
        rd->has_command = st == TW_OK;
        if (st == TW_OK) st = tw_cli_write_scenario(tw_cli_rundir_path(rd, "scenario.yaml"), cfg, err);
    }
    return tw_mpi_agree(st, err);
}

const char *tw_cli_rundir_dir(const tw_cli_rundir *rd) { return rd->dir; }

const char *tw_cli_rundir_staging(const tw_cli_rundir *rd) { return rd->staging; }

const char *tw_cli_rundir_path(tw_cli_rundir *rd, const char *name) {
    snprintf(rd->file, sizeof rd->file, "%s/%s", rd->staging, name);
    return rd->file;
}

/* Rank 0: move the staging directory into place, an earlier destination aside first and
 * removed after. */
static tw_status tw__commit(tw_cli_rundir *rd, tw_err *err) {
    if (rd->has_command && unlink(tw_cli_rundir_path(rd, "command")) != 0)
        return tw_err_set(err, TW_EIO, "command file: cannot remove: %s", strerror(errno));
    struct stat sb;
    char old[TW__PATH_MAX + 32] = "";
    if (stat(rd->path, &sb) == 0) {
        if (!rd->force)
            return tw_err_set(err, TW_EUSAGE, "%s: appeared while running; not replaced", rd->path);
        snprintf(old, sizeof old, "%s.old.%ld", rd->path, (long)getpid());
        if (rename(rd->path, old) != 0)
            return tw_err_set(err, TW_EIO, "%s: cannot move aside: %s", rd->path, strerror(errno));
    }
    if (rename(rd->staging, rd->path) != 0) {
        tw_status st = tw_err_set(err, TW_EIO, "%s: cannot rename into place: %s", rd->path,
                                  strerror(errno));
        if (old[0] != '\0') rename(old, rd->path); /* put the earlier results back */
        return st;
    }
    if (old[0] != '\0') tw__remove_tree(old);
    return TW_OK;
}

tw_status tw_cli_rundir_finish(tw_cli_rundir *rd, tw_status st, tw_err *err) {
    if (rd != NULL && rd->rank0) {
        if (st == TW_OK) st = tw__commit(rd, err);
        if (st != TW_OK) tw__remove_tree(rd->staging);
    }
    free(rd);
    return tw_mpi_agree(st, err);
}

void tw_cli_rundir_close(tw_cli_rundir *rd, bool keep) {
    if (rd == NULL) return;
    if (rd->rank0 && !keep) tw__remove_tree(rd->staging);
    free(rd);
}
