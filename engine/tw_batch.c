/* tw_batch.c - streamed Monte Carlo batches over threads and ranks, with checkpoints
 * (see tw_batch.h).
 *
 * Chunks hold a few replicates per thread and rank, so memory holds one chunk and a
 * signal is answered within one chunk's time. Everything that reaches a file is folded on
 * rank 0 in replicate order; the chunk size, the share of each rank and the thread that
 * ran a replicate therefore leave no trace in the output.
 *
 * A checkpoint is believed only after it has proved itself (tw_batch.h lists the checks):
 * a resume that trusted it would cut the .part files to lengths it read from a damaged
 * file, and the user's rows would be gone, so every check runs before any file is opened
 * for writing.
 */
#define _POSIX_C_SOURCE 200809L
#include "tw_batch.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gsl/gsl_cdf.h>

#include "tw_crc.h"
#include "tw_mpi.h"
#include "tw_output.h"

/* Chunks are cut so that one holds at most this many bytes of series, and each thread of
 * each rank gets a few replicates to balance uneven replicate times. */
#define TW__CHUNK_BYTES ((size_t)128 << 20)

/* The checkpoint format (tw_batch.h): the magic, then TW__H_COUNT uint64 header fields,
 * the statistics records, and a uint64 trailer holding the CRC-32C of all that precedes. */
#define TW__CKPT_MAGIC "TWCHKPT\n"
#define TW__CKPT_MAGIC_V1 "TWCKPT01"
#define TW__CKPT_VERSION 2
enum {
    TW__H_VERSION, TW__H_HEADER_BYTES, TW__H_PAYLOAD_BYTES, TW__H_REPLICATES, TW__H_SEED,
    TW__H_CONFIG_HASH, TW__H_CELLS, TW__H_OUTCOMES, TW__H_OUT_DAYS, TW__H_DONE, TW__H_FILES,
    TW__H_LEN, /* three fields: the .part lengths, in tw__part_names order */
    TW__H_BINS = TW__H_LEN + 3, TW__H_COUNT
};
#define TW__CKPT_HEAD_BYTES (8 + 8 * TW__H_COUNT)
#define TW__CKPT_MIN_BYTES (TW__CKPT_HEAD_BYTES + 8)
_Static_assert(TW__CKPT_HEAD_BYTES == 128, "the header tw_batch.h documents");

enum { TW__F_REPS, TW__F_EVENTS, TW__F_TRAJ, TW__NFILES };
static const char *const tw__part_names[TW__NFILES] = {"replicates.csv", "events.csv",
                                                       "trajectories.csv"};

struct tw_batch {
    tw_batch_opts o;
    tw_par_mode mode;
    int rank, size;
    size_t n_rep, done, chunk;
    size_t n_out, n_series, n_outcomes, row;
    tw_day *dates;
    tw_sketch *cells;    /* rank 0: [n_out * n_series] */
    tw_sketch *outc;     /* rank 0: [n_outcomes] */
    FILE *fp[TW__NFILES]; /* rank 0: the .part files (trajectories only on request) */
    tw_batch_stats stats;
    tw_chunk all;        /* rank 0: the gathered chunk */
};

static char *tw__path(const tw_batch *b, const char *name, const char *suffix) {
    size_t n = strlen(b->o.dir) + strlen(name) + strlen(suffix) + 2;
    char *p = malloc(n);
    if (p != NULL) snprintf(p, n, "%s/%s%s", b->o.dir, name, suffix);
    return p;
}

static void tw__csv_field(FILE *fp, const char *s) {
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

static void tw__write_headers(tw_batch *b) {
    const tw_model *m = b->o.model;
    FILE *fp = b->fp[TW__F_REPS];
    fputs("replicate,seed", fp);
    for (size_t k = 0; k < b->n_outcomes; k++) fprintf(fp, ",%s", m->outcome_name(b->o.params, k));
    fputc('\n', fp);
    fputs("replicate,date,actor,event,detail\n", b->fp[TW__F_EVENTS]);
    if ((fp = b->fp[TW__F_TRAJ]) != NULL) {
        fputs("replicate,date", fp);
        for (size_t s = 0; s < b->n_series; s++) {
            tw_series_label l = m->series(b->o.params, s);
            fprintf(fp, ",%s.%s.%s.%s", l.indicator, l.region, l.partner, l.sector);
        }
        fputc('\n', fp);
    }
}

/* Open the .part files: fresh with headers, or on resume cut back to the checkpoint's
 * lengths. */
static tw_status tw__open_parts(tw_batch *b, const uint64_t *lens, tw_err *err) {
    for (int f = 0; f < TW__NFILES; f++) {
        if (f == TW__F_TRAJ && !b->o.trajectories) continue;
        char *p = tw__path(b, tw__part_names[f], ".part");
        if (p == NULL) return tw_err_set(err, TW_ENOMEM, "out of memory");
        if (lens != NULL) {
            if (truncate(p, (off_t)lens[f]) != 0) {
                tw_status st = tw_err_set(err, TW_EIO, "%s: cannot resume: %s", p, strerror(errno));
                free(p);
                return st;
            }
            b->fp[f] = fopen(p, "ab");
        } else {
            b->fp[f] = fopen(p, "wb");
        }
        if (b->fp[f] == NULL) {
            tw_status st = tw_err_set(err, TW_EIO, "%s: cannot open: %s", p, strerror(errno));
            free(p);
            return st;
        }
        free(p);
    }
    if (lens == NULL) tw__write_headers(b);
    return TW_OK;
}

/* The .part files this batch writes, as the bit set of the checkpoint's files field. */
static uint64_t tw__part_mask(const tw_batch *b) {
    return (1u << TW__F_REPS) | (1u << TW__F_EVENTS) | (b->o.trajectories ? 1u << TW__F_TRAJ : 0u);
}

/* A refused resume: one line naming the checkpoint, the reason and the way on. */
static tw_status tw__refuse(tw_err *err, const char *path, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static tw_status tw__refuse(tw_err *err, const char *path, const char *fmt, ...) {
    char why[TW_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    return tw_err_set(err, TW_EUSAGE,
                      "%s: refusing to resume: %s; start over with --force", path, why);
}

/* Newlines in the first len bytes of path, and whether byte len - 1 is one. */
static tw_status tw__count_lines(const char *path, uint64_t len, uint64_t *lines, bool *ends,
                                 tw_err *err) {
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) return tw_err_set(err, TW_EIO, "%s: cannot read: %s", path, strerror(errno));
    char buf[1 << 16];
    *lines = 0;
    *ends = false;
    for (uint64_t left = len; left > 0;) {
        size_t want = left < sizeof buf ? (size_t)left : sizeof buf;
        size_t got = fread(buf, 1, want, fp);
        for (size_t i = 0; i < got; i++) *lines += buf[i] == '\n';
        if (got > 0) *ends = buf[got - 1] == '\n';
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

/* Every check of the format (tw_batch.h) on the open checkpoint fp of size bytes, in the
 * order that names the real fault: the frame, the checksum, whose run it is, then what
 * the header says against the statistics and the .part files. Loads the statistics and
 * fills lens; touches no file. */
static tw_status tw__check_checkpoint(tw_batch *b, FILE *fp, const char *p, uint64_t size,
                                      uint64_t *lens, tw_err *err) {
    unsigned char head[TW__CKPT_HEAD_BYTES];
    uint64_t h[TW__H_COUNT];
    size_t got = fread(head, 1, sizeof head, fp);
    if (got >= 8 && memcmp(head, TW__CKPT_MAGIC_V1, 8) == 0)
        return tw__refuse(err, p, "it is in checkpoint format 1, this program reads format %d",
                          TW__CKPT_VERSION);
    if (got < 8 || memcmp(head, TW__CKPT_MAGIC, 8) != 0)
        return tw__refuse(err, p, "not a tradewar checkpoint");
    if (size < TW__CKPT_MIN_BYTES || got < sizeof head)
        return tw__refuse(err, p, "truncated to %" PRIu64 " bytes (a checkpoint has at least %d)",
                          size, TW__CKPT_MIN_BYTES);
    memcpy(h, head + 8, sizeof h);
    if (h[TW__H_VERSION] != TW__CKPT_VERSION)
        return tw__refuse(err, p, "checkpoint format %" PRIu64 ", this program reads format %d",
                          h[TW__H_VERSION], TW__CKPT_VERSION);
    if (h[TW__H_HEADER_BYTES] != TW__CKPT_HEAD_BYTES)
        return tw__refuse(err, p, "a header of %" PRIu64 " bytes (format %d has %d)",
                          h[TW__H_HEADER_BYTES], TW__CKPT_VERSION, TW__CKPT_HEAD_BYTES);
    uint64_t payload = size - TW__CKPT_MIN_BYTES;
    if (h[TW__H_PAYLOAD_BYTES] != payload)
        return tw__refuse(err, p,
                          "the header announces %" PRIu64 " bytes of statistics, the file "
                          "holds %" PRIu64,
                          h[TW__H_PAYLOAD_BYTES], payload);

    /* The checksum covers the header and the statistics; nothing else is believed before
     * it matches. The reads are bounded by the size just checked. */
    uint32_t crc = tw_crc32c(0, head, sizeof head);
    unsigned char buf[1 << 16];
    for (uint64_t left = payload; left > 0;) {
        size_t want = left < sizeof buf ? (size_t)left : sizeof buf;
        if (fread(buf, 1, want, fp) != want)
            return ferror(fp) ? tw_err_set(err, TW_EIO, "%s: cannot read: %s", p, strerror(errno))
                              : tw__refuse(err, p, "the file shrank while it was read");
        crc = tw_crc32c(crc, buf, want);
        left -= want;
    }
    uint64_t trailer;
    if (fread(&trailer, sizeof trailer, 1, fp) != 1)
        return tw__refuse(err, p, "the file shrank while it was read");
    if (trailer != crc)
        return tw__refuse(err, p,
                          "checksum mismatch (CRC-32C %08" PRIx64 " recorded, %08" PRIx32
                          " computed): the file is damaged",
                          trailer, crc);

    if (h[TW__H_REPLICATES] != b->n_rep || h[TW__H_SEED] != b->o.spec->seed ||
        h[TW__H_CONFIG_HASH] != b->o.config_hash || h[TW__H_CELLS] != b->row ||
        h[TW__H_OUTCOMES] != b->n_outcomes || h[TW__H_OUT_DAYS] != b->n_out)
        return tw_err_set(err, TW_EUSAGE,
                          "%s: the checkpoint belongs to another scenario, seed or replicate "
                          "count; start over with --force",
                          p);
    uint64_t done = h[TW__H_DONE], records = (uint64_t)b->row + b->n_outcomes;
    if (done > b->n_rep)
        return tw__refuse(err, p, "%" PRIu64 " replicates done of %zu", done, b->n_rep);
    if (h[TW__H_FILES] != tw__part_mask(b))
        return tw__refuse(err, p, "it was written by a run %s trajectories.csv",
                          b->o.trajectories ? "without" : "with");
    if (h[TW__H_BINS] > records * 2 * TW_SKETCH_MAX_BINS ||
        payload != records * TW_SKETCH_RECORD_HEAD + h[TW__H_BINS] * sizeof(uint32_t))
        return tw__refuse(err, p,
                          "%" PRIu64 " bytes of statistics do not hold %" PRIu64
                          " records with %" PRIu64 " bins",
                          payload, records, h[TW__H_BINS]);
    for (int f = 0; f < TW__NFILES; f++) {
        lens[f] = h[TW__H_LEN + f];
        if (!(h[TW__H_FILES] >> f & 1u)) {
            if (lens[f] != 0)
                return tw__refuse(err, p, "a length of %" PRIu64 " for %s, which the run does "
                                  "not write", lens[f], tw__part_names[f]);
            continue;
        }
        char *pp = tw__path(b, tw__part_names[f], ".part");
        if (pp == NULL) return tw_err_set(err, TW_ENOMEM, "out of memory");
        struct stat sb;
        tw_status st = TW_OK;
        if (stat(pp, &sb) != 0 || !S_ISREG(sb.st_mode))
            st = tw__refuse(err, p, "%s.part is missing", tw__part_names[f]);
        else if ((uint64_t)sb.st_size < lens[f])
            st = tw__refuse(err, p,
                            "%s.part holds %" PRIu64 " bytes but the checkpoint records %" PRIu64,
                            tw__part_names[f], (uint64_t)sb.st_size, lens[f]);
        free(pp);
        if (st != TW_OK) return st;
    }

    /* The statistics: one record per cell, then one per outcome, each holding every
     * replicate done (as a value or a NaN). */
    if (fseek(fp, TW__CKPT_HEAD_BYTES, SEEK_SET) != 0)
        return tw_err_set(err, TW_EIO, "%s: cannot read: %s", p, strerror(errno));
    uint64_t left = payload;
    for (uint64_t c = 0; c < records; c++) {
        tw_sketch *sk = c < b->row ? &b->cells[c] : &b->outc[c - b->row];
        tw_err why;
        tw_status st = tw_sketch_load(sk, fp, &left, &why);
        if (st == TW_EUSAGE) return tw__refuse(err, p, "%s", why.msg);
        if (st != TW_OK) {
            if (err != NULL) *err = why;
            return st;
        }
        if (sk->n + sk->n_nan != done)
            return tw__refuse(err, p,
                              "statistics record %" PRIu64 " holds %" PRIu64
                              " replicates, the header %" PRIu64,
                              c, sk->n + sk->n_nan, done);
    }
    if (left != 0)
        return tw__refuse(err, p, "%" PRIu64 " bytes of statistics left over", left);

    /* The rows up to the recorded lengths: a header line, then one line per replicate in
     * replicates.csv and n_out per replicate in trajectories.csv; whole lines in
     * events.csv. */
    for (int f = 0; f < TW__NFILES; f++) {
        if (!(h[TW__H_FILES] >> f & 1u)) continue;
        char *pp = tw__path(b, tw__part_names[f], ".part");
        if (pp == NULL) return tw_err_set(err, TW_ENOMEM, "out of memory");
        uint64_t lines = 0;
        bool ends = false;
        tw_status st = tw__count_lines(pp, lens[f], &lines, &ends, err);
        free(pp);
        if (st != TW_OK) return st;
        uint64_t want = f == TW__F_REPS ? done + 1 : f == TW__F_TRAJ ? done * b->n_out + 1 : 0;
        if (!ends || lines < 1 || (want > 0 && lines != want))
            return tw__refuse(err, p,
                              "the first %" PRIu64 " bytes of %s.part hold %" PRIu64
                              " lines%s, not what %" PRIu64 " replicates wrote",
                              lens[f], tw__part_names[f], lines,
                              ends ? "" : " and a partial one", done);
    }
    b->done = (size_t)done;
    return TW_OK;
}

static tw_status tw__load_checkpoint(tw_batch *b, bool *found, uint64_t *lens, tw_err *err) {
    *found = false;
    char *p = tw__path(b, "checkpoint.bin", "");
    if (p == NULL) return tw_err_set(err, TW_ENOMEM, "out of memory");
    FILE *fp = fopen(p, "rb");
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
        st = tw__refuse(err, p, "not a regular file");
    else
        st = tw__check_checkpoint(b, fp, p, (uint64_t)sb.st_size, lens, err);
    fclose(fp);
    free(p);
    if (st == TW_OK) *found = true;
    return st;
}

tw_status tw_batch_open(const tw_batch_opts *o, tw_batch **out, tw_err *err) {
    *out = NULL;
    tw_batch *b = calloc(1, sizeof *b);
    if (b == NULL) return tw_err_set(err, TW_ENOMEM, "out of memory");
    b->o = *o;
    b->rank = tw_mpi_rank();
    b->size = tw_mpi_size();
    if (b->o.ranks < 1 || b->o.ranks > b->size) b->o.ranks = b->size;
    b->n_rep = (size_t)o->spec->replicates;
    b->mode = tw_run_resolve_mode(o->mode, o->threads, b->n_rep);
    b->n_out = tw_run_output_days(o->spec);
    b->n_series = o->model->n_series(o->params);
    b->n_outcomes = o->model->n_outcomes(o->params);
    b->row = b->n_out * b->n_series;
    size_t per = (b->mode == TW_PAR_REPLICATES ? (size_t)o->threads : 1) * TW_CHUNK_PER_THREAD;
    b->chunk = per * (size_t)b->o.ranks;
    size_t cap = TW__CHUNK_BYTES / (b->row * sizeof(double) + 1);
    if (b->chunk > cap) b->chunk = cap > (size_t)b->o.ranks ? cap : (size_t)b->o.ranks;
    if (b->chunk < 1) b->chunk = 1;
    tw_status st = TW_OK;
    b->dates = malloc((b->n_out + 1) * sizeof *b->dates);
    if (b->dates == NULL) st = tw_err_set(err, TW_ENOMEM, "out of memory");
    for (size_t k = 0, d = 0; st == TW_OK && d <= (size_t)(o->spec->end - o->spec->start); d++) {
        uint32_t last = (uint32_t)(o->spec->end - o->spec->start);
        if (d % (size_t)o->spec->interval_days == 0 || d == last)
            b->dates[k++] = o->spec->start + (tw_day)d;
    }
    uint64_t lens[TW__NFILES] = {0, 0, 0};
    bool found = false;
    if (st == TW_OK && b->rank == 0) {
        b->cells = calloc(b->row + 1, sizeof *b->cells);
        b->outc = calloc(b->n_outcomes + 1, sizeof *b->outc);
        if (b->cells == NULL || b->outc == NULL)
            st = tw_err_set(err, TW_ENOMEM, "out of memory for the statistics of %zu cells",
                            b->row);
        if (st == TW_OK && o->resume) st = tw__load_checkpoint(b, &found, lens, err);
        if (st == TW_OK) st = tw__open_parts(b, found ? lens : NULL, err);
    }
    st = tw_mpi_agree(st, err);
    uint64_t done = b->done;
    if (st == TW_OK) st = tw_mpi_agree(tw_mpi_bcast(&done, sizeof done, err), err);
    b->done = (size_t)done;
    b->stats = (tw_batch_stats){b->n_out, b->n_series, b->n_outcomes, b->dates, b->cells, b->outc};
    if (st != TW_OK) {
        tw_batch_free(b);
        return st;
    }
    *out = b;
    return TW_OK;
}

void tw_batch_free(tw_batch *b) {
    if (b == NULL) return;
    for (int f = 0; f < TW__NFILES; f++)
        if (b->fp[f] != NULL) fclose(b->fp[f]);
    if (b->cells != NULL)
        for (size_t c = 0; c < b->row; c++) tw_sketch_free(&b->cells[c]);
    if (b->outc != NULL)
        for (size_t k = 0; k < b->n_outcomes; k++) tw_sketch_free(&b->outc[k]);
    free(b->cells);
    free(b->outc);
    free(b->dates);
    tw_chunk_clear(&b->all);
    free(b);
}

bool tw_batch_done(const tw_batch *b) { return b->done >= b->n_rep; }
size_t tw_batch_completed(const tw_batch *b) { return b->done; }
size_t tw_batch_total(const tw_batch *b) { return b->n_rep; }
tw_par_mode tw_batch_mode(const tw_batch *b) { return b->mode; }
const tw_batch_stats *tw_batch_get_stats(const tw_batch *b) {
    return b->rank == 0 ? &b->stats : NULL;
}

/* Rank 0: add one replicate (index i of the gathered chunk) to the statistics and files. */
static tw_status tw__fold(tw_batch *b, size_t i, const tw_event *ev, tw_err *err) {
    const tw_chunk *ch = &b->all;
    size_t r = ch->r0 + i;
    const double *row = ch->series + i * b->row, *oc = ch->outcomes + i * b->n_outcomes;
    tw_status st = TW_OK;
    for (size_t c = 0; c < b->row && st == TW_OK; c++) st = tw_sketch_add(&b->cells[c], row[c], err);
    for (size_t k = 0; k < b->n_outcomes && st == TW_OK; k++)
        st = tw_sketch_add(&b->outc[k], oc[k], err);
    if (st != TW_OK) return st;
    char num[64], date[TW_DATE_STRLEN];
    FILE *fp = b->fp[TW__F_REPS];
    fprintf(fp, "%zu,%lu", r, (unsigned long)b->o.spec->seed);
    for (size_t k = 0; k < b->n_outcomes; k++) {
        tw_format_double(num, sizeof num, oc[k]);
        fprintf(fp, ",%s", num);
    }
    fputc('\n', fp);
    fp = b->fp[TW__F_EVENTS];
    for (uint64_t e = 0; e < ch->n_events[i]; e++) {
        fprintf(fp, "%zu,%s,", r, tw_date_format(ev[e].date, date));
        /* The strings are fixed-size arrays filled by the model: never read past them. */
        char buf[TW_EVENT_DETAIL_MAX + 1];
        snprintf(buf, sizeof buf, "%.*s", (int)sizeof ev[e].actor, ev[e].actor);
        tw__csv_field(fp, buf);
        fputc(',', fp);
        snprintf(buf, sizeof buf, "%.*s", (int)sizeof ev[e].event, ev[e].event);
        tw__csv_field(fp, buf);
        fputc(',', fp);
        snprintf(buf, sizeof buf, "%.*s", (int)sizeof ev[e].detail, ev[e].detail);
        tw__csv_field(fp, buf);
        fputc('\n', fp);
    }
    if ((fp = b->fp[TW__F_TRAJ]) != NULL) {
        for (size_t t = 0; t < b->n_out; t++) {
            fprintf(fp, "%zu,%s", r, tw_date_format(b->dates[t], date));
            for (size_t s = 0; s < b->n_series; s++) {
                tw_format_double(num, sizeof num, row[t * b->n_series + s]);
                fprintf(fp, ",%s", num);
            }
            fputc('\n', fp);
        }
    }
    return TW_OK;
}

tw_status tw_chunk_run_spread(const tw_model *model, const void *params,
                              const tw_run_spec *spec, int threads, tw_par_mode mode, int ranks,
                              size_t r0, size_t cn, tw_chunk *all, tw_err *err) {
    int rank = tw_mpi_rank(), size = tw_mpi_size();
    if (ranks < 1 || ranks > size) ranks = size;
    size_t n_out = tw_run_output_days(spec), n_series = model->n_series(params);
    size_t n_outcomes = model->n_outcomes(params), row = n_out * n_series;
    size_t lo = 0, hi = 0;
    if (rank < ranks) {
        lo = cn * (size_t)rank / (size_t)ranks;
        hi = cn * (size_t)(rank + 1) / (size_t)ranks;
    }
    tw_chunk mine = {0};
    tw_err myerr;
    tw_err_clear(&myerr);
    tw_chunk_clear(all);
    tw_status st = tw_chunk_run(model, params, spec, threads, mode, r0 + lo, hi - lo, &mine, &myerr);
    if (st != TW_OK) {
        tw_chunk_clear(&mine);
        tw_chunk_alloc(&mine, 0, n_out, n_series, n_outcomes, NULL);
        myerr.code = st;
    }
    if (size == 1) {
        *all = mine;
        if (st != TW_OK && err != NULL) *err = myerr;
        return st;
    }
    /* The lowest failing replicate is on the lowest failing rank, whose own error is its
     * lowest failing replicate's: gather every rank's record and take the first. */
    tw_status gst = TW_OK;
    tw_err *errs = rank == 0 ? calloc((size_t)size, sizeof *errs) : NULL;
    gst = tw_mpi_gather_bytes(&myerr, sizeof myerr, errs, err);
    int bad = st != TW_OK;
    if (gst == TW_OK) gst = tw_mpi_max_int(&bad, err);
    if (gst == TW_OK && bad) {
        if (rank == 0 && errs != NULL)
            for (int q = 0; q < size; q++)
                if (errs[q].code != TW_OK) {
                    if (err != NULL) *err = errs[q];
                    break;
                }
        free(errs);
        tw_chunk_clear(&mine);
        if (rank != 0) return tw_err_set(err, TW_ERUNTIME, "a replicate failed");
        return err != NULL && err->code != TW_OK ? err->code : TW_ERUNTIME;
    }
    free(errs);
    if (gst == TW_OK && rank == 0) gst = tw_chunk_alloc(all, cn, n_out, n_series, n_outcomes, err);
    uint64_t nev = mine.events_len, *lens = NULL;
    if (rank == 0) lens = calloc((size_t)size, sizeof *lens);
    if (gst == TW_OK) gst = tw_mpi_gather_len(nev, lens, err);
    if (gst == TW_OK && rank == 0) {
        uint64_t tot = 0;
        for (int q = 0; q < size; q++) tot += lens[q];
        all->events = malloc((tot + 1) * sizeof *all->events);
        all->events_len = tot;
        if (all->events == NULL) gst = tw_err_set(err, TW_ENOMEM, "out of memory");
    }
    free(lens);
    /* Gathers run on every rank whatever happened, so no rank waits alone. */
    tw_status g1 = tw_mpi_gather_bytes(mine.series, (hi - lo) * row * sizeof(double),
                                       rank == 0 ? all->series : NULL, err);
    tw_status g2 = tw_mpi_gather_bytes(mine.outcomes, (hi - lo) * n_outcomes * sizeof(double),
                                       rank == 0 ? all->outcomes : NULL, err);
    tw_status g3 = tw_mpi_gather_bytes(mine.n_events, (hi - lo) * sizeof(uint64_t),
                                       rank == 0 ? all->n_events : NULL, err);
    tw_status g4 = tw_mpi_gather_bytes(mine.events, mine.events_len * sizeof(tw_event),
                                       rank == 0 ? all->events : NULL, err);
    if (gst == TW_OK) gst = g1 != TW_OK ? g1 : g2 != TW_OK ? g2 : g3 != TW_OK ? g3 : g4;
    all->r0 = r0;
    tw_chunk_clear(&mine);
    return gst;
}

/* Rank 0, after folding `done` replicates: has the adaptive stopping rule been met? */
static bool tw__until_met(const tw_batch *b, size_t done) {
    if (b->o.until_outcome < 0 || done % TW_UNTIL_STEP != 0 || done < 2 * TW_UNTIL_STEP)
        return false;
    const tw_sketch *s = &b->outc[b->o.until_outcome];
    if (s->n < 2) return false;
    double hw = gsl_cdf_tdist_Pinv(0.975, (double)(s->n - 1)) * tw_sketch_sd(s) / sqrt((double)s->n);
    return hw < b->o.until_halfwidth;
}

tw_status tw_batch_step(tw_batch *b, tw_err *err) {
    if (tw_batch_done(b)) return TW_OK;
    size_t cn = b->n_rep - b->done < b->chunk ? b->n_rep - b->done : b->chunk;
    tw_status gst = tw_chunk_run_spread(b->o.model, b->o.params, b->o.spec, b->o.threads,
                                        b->mode, b->o.ranks, b->done, cn, &b->all, err);
    if (gst != TW_OK) return gst;
    if (gst == TW_OK && b->rank == 0) {
        const tw_event *ev = b->all.events;
        for (size_t i = 0; i < cn && gst == TW_OK; i++) {
            gst = tw__fold(b, i, ev, err);
            ev += b->all.n_events[i];
            if (gst == TW_OK && tw__until_met(b, b->done + i + 1)) {
                cn = i + 1; /* the rest of the chunk is never folded nor written */
                b->n_rep = b->done + cn;
            }
        }
    }
    gst = tw_mpi_agree(gst, err);
    uint64_t sync[2] = {cn, b->n_rep};
    if (gst == TW_OK && b->o.until_outcome >= 0)
        gst = tw_mpi_agree(tw_mpi_bcast(sync, sizeof sync, err), err);
    if (gst == TW_OK) {
        b->done += (size_t)sync[0];
        b->n_rep = (size_t)sync[1];
    }
    return gst;
}

static tw_status tw__sync(FILE *fp, const char *what, tw_err *err) {
    if (fp == NULL) return TW_OK;
    if (fflush(fp) != 0 || ferror(fp) || (fsync(fileno(fp)) != 0 && errno != EINVAL))
        return tw_err_set(err, TW_EIO, "%s: write failed: %s", what, strerror(errno));
    return TW_OK;
}

tw_status tw_batch_checkpoint(tw_batch *b, tw_err *err) {
    tw_status st = TW_OK;
    if (b->rank == 0) {
        /* The .part files reach the disk before the checkpoint that records their
         * lengths, so a checkpoint never points past what was written. */
        uint64_t h[TW__H_COUNT] = {0};
        h[TW__H_VERSION] = TW__CKPT_VERSION;
        h[TW__H_HEADER_BYTES] = TW__CKPT_HEAD_BYTES;
        h[TW__H_REPLICATES] = b->n_rep;
        h[TW__H_SEED] = b->o.spec->seed;
        h[TW__H_CONFIG_HASH] = b->o.config_hash;
        h[TW__H_CELLS] = b->row;
        h[TW__H_OUTCOMES] = b->n_outcomes;
        h[TW__H_OUT_DAYS] = b->n_out;
        h[TW__H_DONE] = b->done;
        h[TW__H_FILES] = tw__part_mask(b);
        for (int f = 0; f < TW__NFILES && st == TW_OK; f++) {
            if (b->fp[f] == NULL) continue;
            st = tw__sync(b->fp[f], tw__part_names[f], err);
            long pos = ftell(b->fp[f]);
            if (st == TW_OK && pos < 0)
                st = tw_err_set(err, TW_EIO, "%s: %s", tw__part_names[f], strerror(errno));
            h[TW__H_LEN + f] = pos < 0 ? 0 : (uint64_t)pos;
        }
        for (size_t c = 0; c < b->row + b->n_outcomes; c++) {
            const tw_sketch *sk = c < b->row ? &b->cells[c] : &b->outc[c - b->row];
            h[TW__H_PAYLOAD_BYTES] += tw_sketch_record_bytes(sk);
            h[TW__H_BINS] += (uint64_t)sk->pos.len + sk->neg.len;
        }
        unsigned char head[TW__CKPT_HEAD_BYTES];
        memcpy(head, TW__CKPT_MAGIC, 8);
        memcpy(head + 8, h, sizeof h);
        uint32_t crc = tw_crc32c(0, head, sizeof head);
        char *p = tw__path(b, "checkpoint.bin", "");
        tw_afile *f = NULL;
        if (p == NULL) st = tw_err_set(err, TW_ENOMEM, "out of memory");
        if (st == TW_OK) st = tw_afile_open(p, &f, err);
        if (st == TW_OK) {
            FILE *fp = tw_afile_fp(f);
            if (fwrite(head, sizeof head, 1, fp) != 1)
                st = tw_err_set(err, TW_EIO, "%s: write failed: %s", p, strerror(errno));
            for (size_t c = 0; st == TW_OK && c < b->row + b->n_outcomes; c++)
                st = tw_sketch_save(c < b->row ? &b->cells[c] : &b->outc[c - b->row], fp, &crc,
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
    }
    return tw_mpi_agree(st, err);
}

/* ",mean,sd,p05,p50,p95\n" of one summary row. */
static void tw__write_stats(FILE *fp, const tw_summary *sm) {
    char num[64];
    double v[2 + TW_N_QUANTILES] = {sm->mean, sm->sd};
    for (int k = 0; k < TW_N_QUANTILES; k++) v[2 + k] = sm->q[k];
    for (int k = 0; k < 2 + TW_N_QUANTILES; k++) {
        tw_format_double(num, sizeof num, v[k]);
        fprintf(fp, ",%s", num);
    }
    fputc('\n', fp);
}

static tw_status tw__write_summary(tw_batch *b, tw_err *err) {
    char *p = tw__path(b, "summary.csv", "");
    if (p == NULL) return tw_err_set(err, TW_ENOMEM, "out of memory");
    tw_afile *f;
    tw_status st = tw_afile_open(p, &f, err);
    free(p);
    if (st != TW_OK) return st;
    FILE *fp = tw_afile_fp(f);
    fputs("date,indicator,region,partner,sector,mean,sd", fp);
    for (int k = 0; k < TW_N_QUANTILES; k++) fprintf(fp, ",%s", tw_quantile_names[k]);
    fputc('\n', fp);
    char date[TW_DATE_STRLEN];
    for (size_t t = 0; t < b->n_out; t++) {
        tw_date_format(b->dates[t], date);
        for (size_t s = 0; s < b->n_series; s++) {
            tw_summary sm;
            tw_sketch_summary(&b->cells[t * b->n_series + s], &sm);
            tw_series_label lab = b->o.model->series(b->o.params, s);
            fprintf(fp, "%s,%s,%s,%s,%s", date, lab.indicator, lab.region, lab.partner, lab.sector);
            tw__write_stats(fp, &sm);
        }
    }
    st = tw_afile_commit(f, err);
    if (st != TW_OK) return st;
    /* outcomes.csv: one row per outcome, n being the replicates where it happened. */
    p = tw__path(b, "outcomes.csv", "");
    if (p == NULL) return tw_err_set(err, TW_ENOMEM, "out of memory");
    st = tw_afile_open(p, &f, err);
    free(p);
    if (st != TW_OK) return st;
    fp = tw_afile_fp(f);
    fputs("outcome,n,mean,sd", fp);
    for (int k = 0; k < TW_N_QUANTILES; k++) fprintf(fp, ",%s", tw_quantile_names[k]);
    fputc('\n', fp);
    for (size_t k = 0; k < b->n_outcomes; k++) {
        tw_summary sm;
        tw_sketch_summary(&b->outc[k], &sm);
        fprintf(fp, "%s,%llu", b->o.model->outcome_name(b->o.params, k),
                (unsigned long long)b->outc[k].n);
        tw__write_stats(fp, &sm);
    }
    return tw_afile_commit(f, err);
}

tw_status tw_batch_finish(tw_batch *b, tw_err *err) {
    tw_status st = TW_OK;
    if (b->rank == 0) {
        if (!tw_batch_done(b)) st = tw_err_set(err, TW_ERUNTIME, "the batch is not complete");
        for (int f = 0; f < TW__NFILES && st == TW_OK; f++) {
            if (b->fp[f] == NULL) continue;
            st = tw__sync(b->fp[f], tw__part_names[f], err);
            if (fclose(b->fp[f]) != 0 && st == TW_OK)
                st = tw_err_set(err, TW_EIO, "%s: close failed", tw__part_names[f]);
            b->fp[f] = NULL;
            char *from = tw__path(b, tw__part_names[f], ".part");
            char *to = tw__path(b, tw__part_names[f], "");
            if (st == TW_OK && (from == NULL || to == NULL || rename(from, to) != 0))
                st = tw_err_set(err, TW_EIO, "%s: cannot rename into place", tw__part_names[f]);
            free(from);
            free(to);
        }
        if (st == TW_OK) st = tw__write_summary(b, err);
        if (st == TW_OK) {
            char *p = tw__path(b, "checkpoint.bin", "");
            if (p != NULL) unlink(p);
            free(p);
        }
    }
    return tw_mpi_agree(st, err);
}
