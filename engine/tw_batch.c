/* tw_batch.c - streamed Monte Carlo batches over threads and ranks, with checkpoints
 * (see tw_batch.h).
 *
 * Chunks hold a few replicates per thread and rank, so memory holds one chunk and a
 * signal is answered within one chunk's time. Everything that reaches a file is folded on
 * rank 0 in replicate order; the chunk size, the share of each rank and the thread that
 * ran a replicate therefore leave no trace in the output.
 *
 * The checkpoint file is tw_checkpoint.c's; this file syncs the .part files before one is
 * written and opens them for writing only after tw_ckpt_read has accepted one.
 */
#define _POSIX_C_SOURCE 200809L
#include "tw_batch.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_cdf.h>

#include "tw_checkpoint.h"
#include "tw_file.h"
#include "tw_mpi.h"
#include "tw_output.h"

/* Chunks are cut so that one holds at most this many bytes of series, and each thread of
 * each rank gets a few replicates to balance uneven replicate times. */
#define CHUNK_BYTES ((size_t)128 << 20)

enum {
    F_REPS = TW_CKPT_REPLICATES,
    F_EVENTS = TW_CKPT_EVENTS,
    F_TRAJ = TW_CKPT_TRAJECTORIES,
    NFILES = TW_CKPT_NFILES
};
static const char *const part_names[NFILES] = {"replicates.csv", "events.csv",
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
    FILE *fp[NFILES]; /* rank 0: the .part files (trajectories only on request) */
    uint64_t sum_len[NFILES]; /* rank 0: bytes of each .part file in sum[] */
    uint32_t sum[NFILES];     /* rank 0: their CRC-32C, for the next checkpoint */
    tw_batch_stats stats;
    tw_chunk all;        /* rank 0: the gathered chunk */
};

static char *path(const tw_batch *b, const char *name, const char *suffix) {
    size_t n = strlen(b->o.dir) + strlen(name) + strlen(suffix) + 2;
    char *p = malloc(n);
    if (p != NULL) snprintf(p, n, "%s/%s%s", b->o.dir, name, suffix);
    return p;
}

static void write_headers(tw_batch *b) {
    const tw_model *m = b->o.model;
    FILE *fp = b->fp[F_REPS];
    fputs("replicate,seed", fp);
    for (size_t k = 0; k < b->n_outcomes; k++) fprintf(fp, ",%s", m->outcome_name(b->o.params, k));
    fputc('\n', fp);
    fputs("replicate,date,actor,event,detail\n", b->fp[F_EVENTS]);
    if ((fp = b->fp[F_TRAJ]) != NULL) {
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
static tw_status open_parts(tw_batch *b, const uint64_t *lens, tw_err *err) {
    for (int f = 0; f < NFILES; f++) {
        if (f == F_TRAJ && !b->o.trajectories) continue;
        char *p = path(b, part_names[f], ".part");
        if (p == NULL) return tw_err_set(err, TW_ENOMEM, "out of memory");
        /* Never through a link planted at the name (tw_file.h). */
        tw_status st = tw_file_fopen_write(p, lens != NULL ? "ab" : "wb", &b->fp[f], err);
        /* Cut back to the checkpoint and stand at its end: a descriptor opened with
         * O_APPEND starts at 0, and ftell must give the length before any write. */
        if (st == TW_OK && lens != NULL &&
            (ftruncate(fileno(b->fp[f]), (off_t)lens[f]) != 0 ||
             fseeko(b->fp[f], (off_t)lens[f], SEEK_SET) != 0))
            st = tw_err_set(err, TW_EIO, "%s: cannot resume: %s", p, strerror(errno));
        free(p);
        if (st != TW_OK) return st;
    }
    if (lens == NULL) write_headers(b);
    return TW_OK;
}

/* The run's identity and files, as a checkpoint records them. */
static tw_ckpt_info ckpt_info(const tw_batch *b) {
    tw_ckpt_info in = {b->n_rep, b->o.spec->seed, b->o.config_hash, b->row, b->n_outcomes,
                       b->n_out, b->done, 0, {0, 0, 0}, {0, 0, 0}};
    in.files = (1u << F_REPS) | (1u << F_EVENTS) | (b->o.trajectories ? 1u << F_TRAJ : 0u);
    return in;
}

/* A batch killed inside tw_batch_finish after its checkpoint may have renamed some .part
 * files to their final names: with the checkpoint still there, name them back so that the
 * batch continues from it. */
static tw_status undo_finish(tw_batch *b, tw_err *err) {
    char *ck = path(b, "checkpoint.bin", "");
    if (ck == NULL) return tw_err_set(err, TW_ENOMEM, "out of memory");
    bool has = access(ck, F_OK) == 0;
    free(ck);
    tw_status st = TW_OK;
    for (int f = 0; has && f < NFILES && st == TW_OK; f++) {
        if (f == F_TRAJ && !b->o.trajectories) continue;
        char *part = path(b, part_names[f], ".part");
        char *final = path(b, part_names[f], "");
        if (part == NULL || final == NULL)
            st = tw_err_set(err, TW_ENOMEM, "out of memory");
        else if (access(part, F_OK) != 0 && access(final, F_OK) == 0 && rename(final, part) != 0)
            st = tw_err_set(err, TW_EIO, "%s: cannot rename back to %s: %s", final, part,
                            strerror(errno));
        free(part);
        free(final);
    }
    return st;
}

static tw_status load_checkpoint(tw_batch *b, bool *found, uint64_t *lens, tw_err *err) {
    tw_status ust = undo_finish(b, err);
    if (ust != TW_OK) return ust;
    tw_ckpt_run run = {b->o.dir, part_names, ckpt_info(b)};
    tw_ckpt_info got;
    tw_status st = tw_ckpt_read(&run, b->cells, b->outc, &got, found, err);
    if (st == TW_OK && *found) {
        b->done = (size_t)got.done;
        memcpy(lens, got.len, sizeof got.len);
        memcpy(b->sum_len, got.len, sizeof got.len);
        memcpy(b->sum, got.crc, sizeof got.crc);
    }
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
    size_t cap = CHUNK_BYTES / (b->row * sizeof(double) + 1);
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
    uint64_t lens[NFILES] = {0, 0, 0};
    bool found = false;
    if (st == TW_OK && b->rank == 0) {
        b->cells = calloc(b->row + 1, sizeof *b->cells);
        b->outc = calloc(b->n_outcomes + 1, sizeof *b->outc);
        if (b->cells == NULL || b->outc == NULL)
            st = tw_err_set(err, TW_ENOMEM, "out of memory for the statistics of %zu cells",
                            b->row);
        if (st == TW_OK && o->resume) st = load_checkpoint(b, &found, lens, err);
        if (st == TW_OK) st = open_parts(b, found ? lens : NULL, err);
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
    for (int f = 0; f < NFILES; f++)
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

/* Rank 0: add one replicate (index i of the gathered chunk ch) to the statistics and files. */
static tw_status fold(tw_batch *b, const tw_chunk *ch, size_t i, const tw_event *ev,
                      tw_err *err) {
    size_t r = ch->r0 + i;
    const double *row = ch->series + i * b->row, *oc = ch->outcomes + i * b->n_outcomes;
    tw_status st = TW_OK;
    for (size_t c = 0; c < b->row && st == TW_OK; c++) st = tw_sketch_add(&b->cells[c], row[c], err);
    for (size_t k = 0; k < b->n_outcomes && st == TW_OK; k++)
        st = tw_sketch_add(&b->outc[k], oc[k], err);
    if (st != TW_OK) return st;
    char num[64], date[TW_DATE_STRLEN];
    FILE *fp = b->fp[F_REPS];
    fprintf(fp, "%zu,%lu", r, (unsigned long)b->o.spec->seed);
    for (size_t k = 0; k < b->n_outcomes; k++) {
        tw_format_double(num, sizeof num, oc[k]);
        fprintf(fp, ",%s", num);
    }
    fputc('\n', fp);
    fp = b->fp[F_EVENTS];
    for (uint64_t e = 0; e < ch->n_events[i]; e++) {
        fprintf(fp, "%zu,%s,", r, tw_date_format(ev[e].date, date));
        /* The strings are fixed-size arrays filled by the model: never read past them. */
        char buf[TW_EVENT_DETAIL_MAX + 1];
        snprintf(buf, sizeof buf, "%.*s", (int)sizeof ev[e].actor, ev[e].actor);
        tw_csv_put(fp, buf);
        fputc(',', fp);
        snprintf(buf, sizeof buf, "%.*s", (int)sizeof ev[e].event, ev[e].event);
        tw_csv_put(fp, buf);
        fputc(',', fp);
        snprintf(buf, sizeof buf, "%.*s", (int)sizeof ev[e].detail, ev[e].detail);
        tw_csv_put(fp, buf);
        fputc('\n', fp);
    }
    if ((fp = b->fp[F_TRAJ]) != NULL) {
        for (size_t t = 0; t < b->n_out; t++) {
            fprintf(fp, "%zu,%s", r, tw_date_format(b->dates[t], date));
            for (size_t s = 0; s < b->n_series; s++) {
                tw_format_double(num, sizeof num, row[t * b->n_series + s]);
                fputc(',', fp);
                fputs(num, fp);
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

double tw_batch_until_halfwidth(const tw_batch *b) {
    if (b->rank != 0 || b->o.until_outcome < 0) return NAN;
    const tw_sketch *s = &b->outc[b->o.until_outcome];
    if (s->n < 2) return NAN;
    return gsl_cdf_tdist_Pinv(0.975, (double)(s->n - 1)) * tw_sketch_sd(s) / sqrt((double)s->n);
}

/* Rank 0, after folding `done` replicates: has the adaptive stopping rule been met? */
static bool until_met(const tw_batch *b, size_t done) {
    if (b->o.until_outcome < 0 || done % TW_UNTIL_STEP != 0 || done < 2 * TW_UNTIL_STEP)
        return false;
    return tw_batch_until_halfwidth(b) < b->o.until_halfwidth;
}

/* Fold replicates done .. r0+cn-1 of the gathered chunk ch (rank 0) and count them on
 * every rank; a stop by the --until rule cuts the batch where it was met. */
static tw_status fold_chunk(tw_batch *b, const tw_chunk *ch, size_t cn, tw_err *err) {
    size_t skip = b->done - ch->r0;
    cn -= skip;
    if (cn > b->n_rep - b->done) cn = b->n_rep - b->done;
    tw_status gst = TW_OK;
    if (b->rank == 0) {
        const tw_event *ev = ch->events;
        for (size_t i = 0; i < skip; i++) ev += ch->n_events[i];
        for (size_t i = 0; i < cn && gst == TW_OK; i++) {
            gst = fold(b, ch, skip + i, ev, err);
            ev += ch->n_events[skip + i];
            if (gst == TW_OK && until_met(b, b->done + i + 1)) {
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

tw_status tw_batch_step(tw_batch *b, tw_err *err) {
    if (tw_batch_done(b)) return TW_OK;
    size_t cn = b->n_rep - b->done < b->chunk ? b->n_rep - b->done : b->chunk;
    tw_status gst = tw_chunk_run_spread(b->o.model, b->o.params, b->o.spec, b->o.threads,
                                        b->mode, b->o.ranks, b->done, cn, &b->all, err);
    if (gst != TW_OK) return gst;
    return fold_chunk(b, &b->all, cn, err);
}

tw_status tw_batch_feed(tw_batch *b, const tw_chunk *ch, size_t r0, size_t cn, tw_err *err) {
    if (r0 + cn <= b->done) return TW_OK; /* folded before (a resumed batch) */
    if (r0 > b->done || r0 + cn > b->n_rep)
        return tw_err_set(err, TW_EUSAGE, "batch: replicates %zu to %zu fed after %zu of %zu "
                                          "(expected the next ones, in order)",
                          r0, r0 + cn - 1, b->done, b->n_rep);
    tw_chunk at = {0};
    if (ch != NULL) at = *ch;
    at.r0 = r0;
    return fold_chunk(b, &at, cn, err);
}

void tw_batch_end_here(tw_batch *b) { b->n_rep = b->done; }

static tw_status batch_sync(FILE *fp, const char *what, tw_err *err) {
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
        tw_ckpt_info in = ckpt_info(b);
        for (int f = 0; f < NFILES && st == TW_OK; f++) {
            if (b->fp[f] == NULL) continue;
            st = batch_sync(b->fp[f], part_names[f], err);
            long pos = ftell(b->fp[f]);
            if (st == TW_OK && pos < 0)
                st = tw_err_set(err, TW_EIO, "%s: %s", part_names[f], strerror(errno));
            in.len[f] = pos < 0 ? 0 : (uint64_t)pos;
            /* The checksum of the prefix grows by what was appended since the last one. */
            char *p = st == TW_OK ? path(b, part_names[f], ".part") : NULL;
            if (st == TW_OK && p == NULL) st = tw_err_set(err, TW_ENOMEM, "out of memory");
            if (st == TW_OK)
                st = tw_ckpt_crc_extend(p, b->sum_len[f], in.len[f], &b->sum[f], err);
            free(p);
            if (st == TW_OK) b->sum_len[f] = in.len[f];
            in.crc[f] = b->sum[f];
        }
        if (st == TW_OK) st = tw_ckpt_write(b->o.dir, &in, b->cells, b->outc, err);
    }
    return tw_mpi_agree(st, err);
}

/* Room for ",mean,sd,p05,p50,p95\n": each number at most 63 characters and its comma. */
#define STATS_TEXT_MAX ((2 + TW_N_QUANTILES) * 64 + 2)

/* ",mean,sd,p05,p50,p95\n" of one summary row into out (STATS_TEXT_MAX bytes); its length.
 * Rows are built in a buffer and written at once: a year of nine regions has millions of
 * rows, and each stdio call takes the stream's lock. */
static size_t stats_text(char *out, const tw_summary *sm) {
    char *p = out;
    double v[2 + TW_N_QUANTILES] = {sm->mean, sm->sd};
    for (int k = 0; k < TW_N_QUANTILES; k++) v[2 + k] = sm->q[k];
    for (int k = 0; k < 2 + TW_N_QUANTILES; k++) {
        *p++ = ',';
        tw_format_double(p, 63, v[k]);
        p += strlen(p);
    }
    *p++ = '\n';
    return (size_t)(p - out);
}

static void write_stats(FILE *fp, const tw_summary *sm) {
    char line[STATS_TEXT_MAX];
    fwrite(line, 1, stats_text(line, sm), fp);
}

static tw_status write_summary(tw_batch *b, tw_err *err) {
    char *p = path(b, "summary.csv", "");
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
            /* "date,indicator,region,partner,sector" and the statistics, in one write
             * (labels too long for the buffer, which no model has, go first on their own) */
            const char *const cols[5] = {date, lab.indicator, lab.region, lab.partner, lab.sector};
            char line[256 + STATS_TEXT_MAX];
            size_t len = 0;
            for (int k = 0; k < 5; k++) {
                size_t n = strlen(cols[k]);
                if (len + n + 1 > 256) {
                    fwrite(line, 1, len, fp);
                    len = 0;
                    fputs(cols[k], fp);
                    n = 0;
                }
                memcpy(line + len, cols[k], n);
                len += n;
                if (k < 4) line[len++] = ',';
            }
            len += stats_text(line + len, &sm);
            fwrite(line, 1, len, fp);
        }
    }
    st = tw_afile_commit(f, err);
    if (st != TW_OK) return st;
    /* outcomes.csv: one row per outcome, n being the replicates where it happened. */
    p = path(b, "outcomes.csv", "");
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
        write_stats(fp, &sm);
    }
    return tw_afile_commit(f, err);
}

tw_status tw_batch_finish(tw_batch *b, tw_err *err) {
    /* The order is the crash protocol of cli/cli_rundir.h: the .part files and the
     * statistics reach the disk, then the final names, and only then does the checkpoint
     * go, so a crash anywhere leaves either a checkpoint to resume from or the final
     * files complete. */
    tw_status st = TW_OK;
    if (b->rank == 0) {
        bool had[NFILES] = {false};
        if (!tw_batch_done(b)) st = tw_err_set(err, TW_ERUNTIME, "the batch is not complete");
        for (int f = 0; f < NFILES && st == TW_OK; f++) {
            if (b->fp[f] == NULL) continue;
            had[f] = true;
            st = batch_sync(b->fp[f], part_names[f], err);
            if (fclose(b->fp[f]) != 0 && st == TW_OK)
                st = tw_err_set(err, TW_EIO, "%s: close failed: %s", part_names[f],
                                strerror(errno));
            b->fp[f] = NULL;
        }
        if (st == TW_OK) st = write_summary(b, err);
        for (int f = 0; f < NFILES && st == TW_OK; f++) {
            if (!had[f]) continue;
            char *from = path(b, part_names[f], ".part");
            char *to = path(b, part_names[f], "");
            if (from == NULL || to == NULL)
                st = tw_err_set(err, TW_ENOMEM, "out of memory");
            else if (rename(from, to) != 0)
                st = tw_err_set(err, TW_EIO, "%s: cannot rename into place: %s",
                                part_names[f], strerror(errno));
            free(from);
            free(to);
        }
        if (st == TW_OK) st = tw_sync_dir(b->o.dir, err);
        if (st == TW_OK) {
            char *p = path(b, "checkpoint.bin", "");
            if (p == NULL)
                st = tw_err_set(err, TW_ENOMEM, "out of memory");
            else if (unlink(p) != 0 && errno != ENOENT)
                st = tw_err_set(err, TW_EIO, "%s: cannot remove: %s", p, strerror(errno));
            free(p);
        }
        if (st == TW_OK) st = tw_sync_dir(b->o.dir, err);
    }
    return tw_mpi_agree(st, err);
}
