/* tw_checkpoint.c - a batch's checkpoint file: writing it, and the checks a resume makes
 * before it believes one (tw_checkpoint.h).
 *
 * A checkpoint is believed only after it has proved itself: a resume that trusted it would
 * cut the .part files to lengths it read from a damaged file, and the user's rows would be
 * gone. So every check runs on a file opened for reading, each length is compared with
 * the file's size before it is used, and the caller opens nothing for writing before
 * tw_ckpt_read says yes.
 */
#define _POSIX_C_SOURCE 200809L
#include "tw_checkpoint.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tw_crc.h"
#include "tw_file.h"
#include "tw_output.h"

/* The format (tw_checkpoint.h): the magic, then H_COUNT uint64 header fields,
 * the statistics records, and a uint64 trailer holding the CRC-32C of all that precedes. */
#define CKPT_MAGIC "TWCHKPT\n"
#define CKPT_MAGIC_V1 "TWCKPT01"
#define CKPT_VERSION 3
enum {
    H_VERSION, H_HEADER_BYTES, H_PAYLOAD_BYTES, H_REPLICATES, H_SEED,
    H_CONFIG_HASH, H_CELLS, H_OUTCOMES, H_OUT_DAYS, H_DONE, H_FILES,
    H_LEN, /* TW_CKPT_NFILES fields: the .part lengths */
    H_CRC = H_LEN + TW_CKPT_NFILES, /* TW_CKPT_NFILES fields: their checksums */
    H_COUNT = H_CRC + TW_CKPT_NFILES
};
#define CKPT_HEAD_BYTES (8 + 8 * H_COUNT)
#define CKPT_MIN_BYTES (CKPT_HEAD_BYTES + 8)
_Static_assert(CKPT_HEAD_BYTES == 144, "the header tw_checkpoint.h documents");

/* dir/name suffix in a fresh string (NULL when out of memory). */
static char *join(const char *dir, const char *name, const char *suffix) {
    size_t n = strlen(dir) + strlen(name) + strlen(suffix) + 2;
    char *p = malloc(n);
    if (p != NULL) snprintf(p, n, "%s/%s%s", dir, name, suffix);
    return p;
}

tw_status tw_ckpt_write(const char *dir, const tw_ckpt_info *info, const tw_sketch *cells,
                        const tw_sketch *outc, tw_err *err) {
    uint64_t h[H_COUNT] = {0};
    h[H_VERSION] = CKPT_VERSION;
    h[H_HEADER_BYTES] = CKPT_HEAD_BYTES;
    h[H_REPLICATES] = info->replicates;
    h[H_SEED] = info->seed;
    h[H_CONFIG_HASH] = info->config_hash;
    h[H_CELLS] = info->cells;
    h[H_OUTCOMES] = info->outcomes;
    h[H_OUT_DAYS] = info->out_days;
    h[H_DONE] = info->done;
    h[H_FILES] = info->files;
    for (int f = 0; f < TW_CKPT_NFILES; f++) {
        h[H_LEN + f] = info->len[f];
        h[H_CRC + f] = info->crc[f];
    }
    uint64_t records = info->cells + info->outcomes;
    for (uint64_t c = 0; c < records; c++)
        h[H_PAYLOAD_BYTES] +=
            tw_sketch_record_bytes(c < info->cells ? &cells[c] : &outc[c - info->cells]);
    unsigned char head[CKPT_HEAD_BYTES];
    memcpy(head, CKPT_MAGIC, 8);
    memcpy(head + 8, h, sizeof h);
    uint32_t crc = tw_crc32c(0, head, sizeof head);
    char *p = join(dir, "checkpoint.bin", "");
    if (p == NULL) return tw_err_set(err, TW_ENOMEM, "out of memory");
    tw_afile *f = NULL;
    tw_status st = tw_afile_open(p, &f, err);
    if (st == TW_OK) {
        FILE *fp = tw_afile_fp(f);
        if (fwrite(head, sizeof head, 1, fp) != 1)
            st = tw_err_set(err, TW_EIO, "%s: write failed: %s", p, strerror(errno));
        for (uint64_t c = 0; st == TW_OK && c < records; c++)
            st = tw_sketch_save(c < info->cells ? &cells[c] : &outc[c - info->cells], fp, &crc,
                                err);
        uint64_t trailer = crc;
        if (st == TW_OK && fwrite(&trailer, sizeof trailer, 1, fp) != 1)
            st = tw_err_set(err, TW_EIO, "%s: write failed: %s", p, strerror(errno));
        if (st == TW_OK)
            st = tw_afile_commit(f, err);
        else
            tw_afile_abort(f);
    }
    free(p);
    return st;
}

/* A refused resume: one line naming the checkpoint, the reason and the way on. */
static tw_status refuse(tw_err *err, const char *path, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static tw_status refuse(tw_err *err, const char *path, const char *fmt, ...) {
    char why[TW_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    return tw_err_set(err, TW_EUSAGE,
                      "%s: refusing to resume: %s; start over with --force", path, why);
}

/* Bytes [from, to) of path: newlines counted into *lines, whether the last is one in
 * *ends, and the CRC-32C *crc continued over them. */
static tw_status scan(const char *path, uint64_t from, uint64_t to, uint64_t *lines,
                      bool *ends, uint32_t *crc, tw_err *err) {
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) return tw_err_set(err, TW_EIO, "%s: cannot read: %s", path, strerror(errno));
    if (from > 0 && fseeko(fp, (off_t)from, SEEK_SET) != 0) {
        fclose(fp);
        return tw_err_set(err, TW_EIO, "%s: cannot read: %s", path, strerror(errno));
    }
    static char buf[1 << 16]; /* rank 0's main thread alone reads (tw_checkpoint.h) */
    for (uint64_t left = to - from; left > 0;) {
        size_t want = left < sizeof buf ? (size_t)left : sizeof buf;
        size_t got = fread(buf, 1, want, fp);
        for (size_t i = 0; i < got; i++) *lines += buf[i] == '\n';
        if (got > 0) *ends = buf[got - 1] == '\n';
        *crc = tw_crc32c(*crc, buf, got);
        if (got < want) {
            tw_status st = tw_err_set(err, TW_EIO, "%s: cannot read: %s", path,
                                      ferror(fp) ? strerror(errno) : "shorter than it was");
            fclose(fp);
            return st;
        }
        left -= got;
    }
    fclose(fp);
    return TW_OK;
}

tw_status tw_ckpt_crc_extend(const char *path, uint64_t from, uint64_t to, uint32_t *crc,
                             tw_err *err) {
    uint64_t lines = 0;
    bool ends = false;
    return to > from ? scan(path, from, to, &lines, &ends, crc, err) : TW_OK;
}

/* Every check of the format (tw_checkpoint.h) on the open checkpoint fp of size bytes, in
 * the order that names the real fault: the frame, the checksum, whose run it is, then
 * what the header says against the statistics and the .part files. Loads the statistics
 * and fills got; touches no file. */
static tw_status check(const tw_ckpt_run *run, tw_sketch *cells, tw_sketch *outc, FILE *fp,
                       const char *p, uint64_t size, tw_ckpt_info *got, tw_err *err) {
    const tw_ckpt_info *want = &run->want;
    unsigned char head[CKPT_HEAD_BYTES];
    uint64_t h[H_COUNT];
    size_t head_got = fread(head, 1, sizeof head, fp);
    if (head_got >= 8 && memcmp(head, CKPT_MAGIC_V1, 8) == 0)
        return refuse(err, p, "it is in checkpoint format 1, this program reads format %d",
                      CKPT_VERSION);
    if (head_got < 8 || memcmp(head, CKPT_MAGIC, 8) != 0)
        return refuse(err, p, "not a tradewar checkpoint");
    if (size < CKPT_MIN_BYTES || head_got < sizeof head)
        return refuse(err, p, "truncated to %" PRIu64 " bytes (a checkpoint has at least %d)",
                      size, CKPT_MIN_BYTES);
    memcpy(h, head + 8, sizeof h);
    if (h[H_VERSION] != CKPT_VERSION)
        return refuse(err, p, "checkpoint format %" PRIu64 ", this program reads format %d",
                      h[H_VERSION], CKPT_VERSION);
    if (h[H_HEADER_BYTES] != CKPT_HEAD_BYTES)
        return refuse(err, p, "a header of %" PRIu64 " bytes (format %d has %d)",
                      h[H_HEADER_BYTES], CKPT_VERSION, CKPT_HEAD_BYTES);
    uint64_t payload = size - CKPT_MIN_BYTES;
    if (h[H_PAYLOAD_BYTES] != payload)
        return refuse(err, p,
                      "the header announces %" PRIu64 " bytes of statistics, the file "
                      "holds %" PRIu64,
                      h[H_PAYLOAD_BYTES], payload);

    /* The checksum covers the header and the statistics; nothing else is believed before
     * it matches. The reads are bounded by the size just checked. */
    uint32_t crc = tw_crc32c(0, head, sizeof head);
    unsigned char buf[1 << 16];
    for (uint64_t left = payload; left > 0;) {
        size_t step = left < sizeof buf ? (size_t)left : sizeof buf;
        if (fread(buf, 1, step, fp) != step)
            return ferror(fp) ? tw_err_set(err, TW_EIO, "%s: cannot read: %s", p, strerror(errno))
                              : refuse(err, p, "the file shrank while it was read");
        crc = tw_crc32c(crc, buf, step);
        left -= step;
    }
    uint64_t trailer;
    if (fread(&trailer, sizeof trailer, 1, fp) != 1)
        return refuse(err, p, "the file shrank while it was read");
    if (trailer != crc)
        return refuse(err, p,
                      "checksum mismatch (CRC-32C %08" PRIx64 " recorded, %08" PRIx32
                      " computed): the file is damaged",
                      trailer, crc);

    if (h[H_REPLICATES] != want->replicates || h[H_SEED] != want->seed ||
        h[H_CONFIG_HASH] != want->config_hash || h[H_CELLS] != want->cells ||
        h[H_OUTCOMES] != want->outcomes || h[H_OUT_DAYS] != want->out_days)
        return tw_err_set(err, TW_EUSAGE,
                          "%s: the checkpoint belongs to another scenario, seed or replicate "
                          "count; start over with --force",
                          p);
    uint64_t done = h[H_DONE], records = want->cells + want->outcomes;
    if (done > want->replicates)
        return refuse(err, p, "%" PRIu64 " replicates done of %" PRIu64, done,
                      want->replicates);
    if (h[H_FILES] != want->files)
        return refuse(err, p, "it was written by a run with other .part files (set %" PRIu64
                      ", this run writes %" PRIu64 ")", h[H_FILES], want->files);
    if (payload < records * 3 || payload > records * TW_SKETCH_RECORD_MAX)
        return refuse(err, p, "%" PRIu64 " bytes of statistics cannot hold %" PRIu64 " records",
                      payload, records);
    uint64_t *lens = got->len;
    for (int f = 0; f < TW_CKPT_NFILES; f++) {
        lens[f] = h[H_LEN + f];
        got->crc[f] = 0;
        if (!(h[H_FILES] >> f & 1u)) {
            if (lens[f] != 0)
                return refuse(err, p, "a length of %" PRIu64 " for %s, which the run does "
                              "not write", lens[f], run->part_names[f]);
            continue;
        }
        char *pp = join(run->dir, run->part_names[f], ".part");
        if (pp == NULL) return tw_err_set(err, TW_ENOMEM, "out of memory");
        struct stat sb;
        tw_status st = TW_OK;
        if (lstat(pp, &sb) == 0 && S_ISLNK(sb.st_mode))
            st = tw_file_refuse_link(pp, err);
        else if (lstat(pp, &sb) != 0 || !S_ISREG(sb.st_mode))
            st = refuse(err, p, "%s.part is missing", run->part_names[f]);
        else if ((uint64_t)sb.st_size < lens[f])
            st = refuse(err, p,
                        "%s.part holds %" PRIu64 " bytes but the checkpoint records %" PRIu64,
                        run->part_names[f], (uint64_t)sb.st_size, lens[f]);
        free(pp);
        if (st != TW_OK) return st;
    }

    /* The statistics: one record per cell, then one per outcome, each holding every
     * replicate done (as a value or a NaN). */
    if (fseek(fp, CKPT_HEAD_BYTES, SEEK_SET) != 0)
        return tw_err_set(err, TW_EIO, "%s: cannot read: %s", p, strerror(errno));
    uint64_t left = payload;
    for (uint64_t c = 0; c < records; c++) {
        tw_sketch *sk = c < want->cells ? &cells[c] : &outc[c - want->cells];
        tw_err why;
        tw_status st = tw_sketch_load(sk, fp, &left, &why);
        if (st == TW_EUSAGE) return refuse(err, p, "%s", why.msg);
        if (st != TW_OK) {
            if (err != NULL) *err = why;
            return st;
        }
        if (sk->n + sk->n_nan != done)
            return refuse(err, p,
                          "statistics record %" PRIu64 " holds %" PRIu64
                          " replicates, the header %" PRIu64,
                          c, sk->n + sk->n_nan, done);
    }
    if (left != 0)
        return refuse(err, p, "%" PRIu64 " bytes of statistics left over", left);

    /* The rows up to the recorded lengths: a header line, then one line per replicate in
     * replicates.csv and n_out per replicate in trajectories.csv; whole lines in
     * events.csv. */
    for (int f = 0; f < TW_CKPT_NFILES; f++) {
        if (!(h[H_FILES] >> f & 1u)) continue;
        char *pp = join(run->dir, run->part_names[f], ".part");
        if (pp == NULL) return tw_err_set(err, TW_ENOMEM, "out of memory");
        uint64_t lines = 0;
        bool ends = false;
        uint32_t sum = 0;
        tw_status st = scan(pp, 0, lens[f], &lines, &ends, &sum, err);
        free(pp);
        if (st != TW_OK) return st;
        if (sum != h[H_CRC + f])
            return refuse(err, p,
                          "the first %" PRIu64 " bytes of %s.part do not match their "
                          "checksum (CRC-32C %08" PRIx64 " recorded, %08" PRIx32
                          " computed): the file was changed or damaged",
                          lens[f], run->part_names[f], h[H_CRC + f], sum);
        got->crc[f] = sum;
        uint64_t rows = f == TW_CKPT_REPLICATES ? done + 1
                        : f == TW_CKPT_TRAJECTORIES ? done * want->out_days + 1
                                                    : 0;
        if (!ends || lines < 1 || (rows > 0 && lines != rows))
            return refuse(err, p,
                          "the first %" PRIu64 " bytes of %s.part hold %" PRIu64
                          " lines%s, not what %" PRIu64 " replicates wrote",
                          lens[f], run->part_names[f], lines,
                          ends ? "" : " and a partial one", done);
    }
    got->done = done;
    return TW_OK;
}

tw_status tw_ckpt_read(const tw_ckpt_run *run, tw_sketch *cells, tw_sketch *outc,
                       tw_ckpt_info *got, bool *found, tw_err *err) {
    *found = false;
    char *p = join(run->dir, "checkpoint.bin", "");
    if (p == NULL) return tw_err_set(err, TW_ENOMEM, "out of memory");
    /* A link is refused, not read: the next checkpoint would be renamed over it. */
    tw_status lst = tw_file_refuse_link(p, err);
    FILE *fp = lst == TW_OK ? fopen(p, "rb") : NULL;
    if (lst != TW_OK) {
        free(p);
        return lst;
    }
    if (fp == NULL) {
        tw_status st = errno == ENOENT
                           ? TW_OK /* killed before the first checkpoint: start from zero */
                           : tw_err_set(err, TW_EIO, "%s: cannot read: %s", p, strerror(errno));
        free(p);
        return st;
    }
    struct stat sb;
    tw_status st = TW_OK;
    if (fstat(fileno(fp), &sb) != 0)
        st = tw_err_set(err, TW_EIO, "%s: cannot read: %s", p, strerror(errno));
    else if (!S_ISREG(sb.st_mode))
        st = refuse(err, p, "not a regular file");
    else
        st = check(run, cells, outc, fp, p, (uint64_t)sb.st_size, got, err);
    fclose(fp);
    free(p);
    if (st == TW_OK) *found = true;
    return st;
}
