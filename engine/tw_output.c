/* tw_output.c - atomic output files and directories, and the tidy summary writer.
 *
 * Every file goes through a temporary name and a rename; the directory is staged beside
 * its destination and renamed when complete. Numbers are printed with one fixed format so
 * that equal results give equal bytes.
 */
#define _XOPEN_SOURCE 700
#include "tw_output.h"

#include <ftw.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tw_stats.h"

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

/* --- output directory --- */

struct tw_outdir {
    bool force;
    char dir[TW_PATH_MAX];
    char staging[TW_PATH_MAX + 32];
    char file[2 * TW_PATH_MAX];
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

tw_status tw_outdir_check(const char *dir, bool force, tw_err *err) {
    if (dir[0] == '\0') return tw_err_set(err, TW_EUSAGE, "-o: the output directory is empty");
    if (strlen(dir) >= TW_PATH_MAX)
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
    char partial[TW_PATH_MAX + 16];
    size_t plen = strlen(dir);
    while (plen > 1 && dir[plen - 1] == '/') plen--;
    snprintf(partial, sizeof partial, "%.*s.partial", (int)plen, dir);
    if (!force && stat(partial, &sb) == 0)
        return tw_err_set(err, TW_EUSAGE,
                          "-o %s: %s holds an interrupted run; finish it with --resume %s or "
                          "pass --force to start over",
                          dir, partial, dir);
    char parent[TW_PATH_MAX];
    tw__parent_of(dir, parent, sizeof parent);
    if (stat(parent, &sb) != 0)
        return tw_err_set(err, TW_EUSAGE, "-o %s: parent directory %s does not exist", dir, parent);
    if (!S_ISDIR(sb.st_mode))
        return tw_err_set(err, TW_EUSAGE, "-o %s: %s is not a directory", dir, parent);
    /* access() says yes to root whatever the mode bits, and a file system may refuse what
     * they allow (/proc, /sys, a read-only mount): so make a probe directory where the
     * run will stage its output, and remove it again. A failure here costs nothing; after the run it would
     * cost the run. */
    char probe[TW_PATH_MAX + 32];
    size_t len = strlen(dir);
    while (len > 1 && dir[len - 1] == '/') len--;
    snprintf(probe, sizeof probe, "%.*s.staging.%ld", (int)len, dir, (long)getpid());
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

tw_status tw_outdir_begin(const char *dir, bool force, tw_outdir **out, tw_err *err) {
    *out = NULL;
    tw_status st = tw_outdir_check(dir, force, err);
    if (st != TW_OK) return st;
    tw_outdir *od = calloc(1, sizeof *od);
    if (od == NULL) return tw_err_set(err, TW_ENOMEM, "out of memory");
    od->force = force;
    snprintf(od->dir, sizeof od->dir, "%s", dir);
    size_t len = strlen(od->dir);
    while (len > 1 && od->dir[len - 1] == '/') od->dir[--len] = '\0';
    snprintf(od->staging, sizeof od->staging, "%s.partial", od->dir);
    tw__remove_tree(od->staging); /* an interrupted run the user chose to replace */
    if (mkdir(od->staging, 0777) != 0) {
        st = tw_err_set(err, TW_EIO, "%s: cannot create: %s", od->staging, strerror(errno));
        free(od);
        return st;
    }
    *out = od;
    return TW_OK;
}

tw_status tw_outdir_resume(const char *dir, tw_outdir **out, tw_err *err) {
    *out = NULL;
    if (strlen(dir) >= TW_PATH_MAX) return tw_err_set(err, TW_EUSAGE, "--resume %s: path too long", dir);
    tw_outdir *od = calloc(1, sizeof *od);
    if (od == NULL) return tw_err_set(err, TW_ENOMEM, "out of memory");
    snprintf(od->dir, sizeof od->dir, "%s", dir);
    size_t len = strlen(od->dir);
    while (len > 1 && od->dir[len - 1] == '/') od->dir[--len] = '\0';
    snprintf(od->staging, sizeof od->staging, "%s.partial", od->dir);
    struct stat sb;
    if (stat(od->staging, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        tw_status st = stat(od->dir, &sb) == 0
                           ? tw_err_set(err, TW_EUSAGE, "--resume %s: the run is already complete",
                                        dir)
                           : tw_err_set(err, TW_EUSAGE,
                                        "--resume %s: no interrupted run here (%s is missing)",
                                        dir, od->staging);
        free(od);
        return st;
    }
    /* The first run already took its decision about an earlier directory: a resumed run
     * replaces one that appeared only if that run was given --force, which it recorded. */
    od->force = true;
    *out = od;
    return TW_OK;
}

void tw_outdir_keep(tw_outdir *od) { free(od); }

const char *tw_outdir_staging(const tw_outdir *od) { return od->staging; }

const char *tw_outdir_path(tw_outdir *od, const char *name) {
    snprintf(od->file, sizeof od->file, "%s/%s", od->staging, name);
    return od->file;
}

tw_status tw_outdir_commit(tw_outdir *od, tw_err *err) {
    tw_status st = TW_OK;
    struct stat sb;
    char old[TW_PATH_MAX + 32] = "";
    if (stat(od->dir, &sb) == 0) {
        if (!od->force) {
            st = tw_err_set(err, TW_EUSAGE, "%s: appeared while running; not replaced", od->dir);
            tw__remove_tree(od->staging);
            free(od);
            return st;
        }
        snprintf(old, sizeof old, "%s.old.%ld", od->dir, (long)getpid());
        if (rename(od->dir, old) != 0) {
            st = tw_err_set(err, TW_EIO, "%s: cannot move aside: %s", od->dir, strerror(errno));
            tw__remove_tree(od->staging);
            free(od);
            return st;
        }
    }
    if (rename(od->staging, od->dir) != 0) {
        st = tw_err_set(err, TW_EIO, "%s: cannot rename into place: %s", od->dir,
                        strerror(errno));
        if (old[0] != '\0') rename(old, od->dir); /* put the earlier results back */
        tw__remove_tree(od->staging);
    } else if (old[0] != '\0') {
        tw__remove_tree(old);
    }
    free(od);
    return st;
}

void tw_outdir_abort(tw_outdir *od) {
    if (od == NULL) return;
    tw__remove_tree(od->staging);
    free(od);
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

/* --- CSV writers --- */

tw_status tw_write_summary(const char *path, const tw_results *res, const tw_model *model,
                           const void *params, tw_err *err) {
    tw_afile *f;
    tw_status st = tw_afile_open(path, &f, err);
    if (st != TW_OK) return st;
    double *vals = malloc(res->n_rep * sizeof *vals);
    double *scratch = malloc(res->n_rep * sizeof *scratch);
    if (vals == NULL || scratch == NULL) {
        free(vals);
        free(scratch);
        tw_afile_abort(f);
        return tw_err_set(err, TW_ENOMEM, "out of memory");
    }
    FILE *fp = tw_afile_fp(f);
    fputs("date,indicator,region,partner,sector,mean,sd", fp);
    for (int k = 0; k < TW_N_QUANTILES; k++) fprintf(fp, ",%s", tw_quantile_names[k]);
    fputc('\n', fp);
    char date[TW_DATE_STRLEN], num[64];
    size_t stride = res->n_out * res->n_series;
    for (size_t t = 0; t < res->n_out; t++) {
        tw_date_format(res->dates[t], date);
        for (size_t s = 0; s < res->n_series; s++) {
            for (size_t r = 0; r < res->n_rep; r++)
                vals[r] = res->series[r * stride + t * res->n_series + s];
            tw_summary sm;
            tw_summarise(vals, res->n_rep, scratch, &sm);
            tw_series_label lab = model->series(params, s);
            fprintf(fp, "%s,%s,%s,%s,%s", date, lab.indicator, lab.region, lab.partner,
                    lab.sector);
            tw_format_double(num, sizeof num, sm.mean);
            fprintf(fp, ",%s", num);
            tw_format_double(num, sizeof num, sm.sd);
            fprintf(fp, ",%s", num);
            for (int k = 0; k < TW_N_QUANTILES; k++) {
                tw_format_double(num, sizeof num, sm.q[k]);
                fprintf(fp, ",%s", num);
            }
            fputc('\n', fp);
        }
    }
    free(vals);
    free(scratch);
    return tw_afile_commit(f, err);
}

tw_status tw_write_replicates(const char *path, const tw_results *res, const tw_model *model,
                              const void *params, uint32_t seed, tw_err *err) {
    tw_afile *f;
    tw_status st = tw_afile_open(path, &f, err);
    if (st != TW_OK) return st;
    FILE *fp = tw_afile_fp(f);
    fputs("replicate,seed", fp);
    for (size_t k = 0; k < res->n_outcomes; k++) fprintf(fp, ",%s", model->outcome_name(params, k));
    fputc('\n', fp);
    char num[64];
    for (size_t r = 0; r < res->n_rep; r++) {
        fprintf(fp, "%zu,%lu", r, (unsigned long)seed);
        for (size_t k = 0; k < res->n_outcomes; k++) {
            tw_format_double(num, sizeof num, res->outcomes[r * res->n_outcomes + k]);
            fprintf(fp, ",%s", num);
        }
        fputc('\n', fp);
    }
    return tw_afile_commit(f, err);
}
