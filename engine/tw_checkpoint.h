/* tw_checkpoint.h - the checkpoint file of a Monte Carlo batch (checkpoint.bin beside
 * the batch's .part files, tw_batch.h): its format, writing it, and the checks a resume
 * makes before it believes one.
 *
 * The format (version 3; integers and doubles in the byte order of the machine
 * that wrote it, which is the machine that resumes it):
 *     bytes 0..7      magic "TWCHKPT\n"
 *     bytes 8..143    17 uint64 fields: format version (3), header bytes (144), statistics
 *                     bytes S, replicate budget, seed, scenario hash, summary cells,
 *                     outcomes, output days, replicates done, the .part files the run
 *                     writes (bit 0 replicates.csv, 1 events.csv, 2 trajectories.csv),
 *                     the three .part lengths, and the CRC-32C of each .part file's first
 *                     `length` bytes
 *     bytes 144..     S bytes of statistics: one tw_sketch record per summary cell (in
 *                     cell order) then one per outcome (tw_sketch_save, tw_stats.h: a few
 *                     dozen bytes for most cells)
 *     last 8 bytes    uint64 CRC-32C (tw_crc.h) of every byte before it
 * A resume believes nothing in it before these checks pass, in this order, and refuses
 * (TW_EUSAGE, one line naming the checkpoint and the reason) at the first that fails,
 * having changed no file: a symbolic link at its name; the magic (a format-1 checkpoint is
 * named as such), a file of at least 152 bytes, the version, the header length, S equal
 * to the file size less 152, the CRC; then the run's identity (budget, seed, scenario
 * hash, cells, outcomes, output days: "belongs to another scenario"); done at most the
 * budget; the same set of .part files as the run writes; S between 3 and
 * TW_SKETCH_RECORD_MAX bytes per record; each .part file present, not a link, and at
 * least as long as recorded; each record within its bounds (tw_sketch_load), holding
 * exactly `done` replicates, the records using S exactly; and the recorded prefix of each
 * .part file matching its CRC-32C (a flipped bit in a row is found here), ending with a
 * whole line and holding 1 + done lines (replicates.csv) or 1 + done * output days
 * (trajectories.csv). Every length is checked against the file size before it is used, so
 * no length in the file can make the resume allocate, read or loop past the file. Only
 * then does the batch cut its .part files back to the recorded lengths (tw_batch.c).
 *
 * The checksums of the .part prefixes grow with the files: at each checkpoint the batch
 * reads back only what it appended since the last one (tw_ckpt_crc_extend).
 *
 * Not thread-safe on one directory; the caller (rank 0 of a batch) serialises.
 */
#ifndef TW_CHECKPOINT_H
#define TW_CHECKPOINT_H

#include <stdbool.h>
#include <stdint.h>

#include "tw_error.h"
#include "tw_stats.h"

/* The .part files a batch may write, as bits of `files` and indices of `len`. */
enum { TW_CKPT_REPLICATES, TW_CKPT_EVENTS, TW_CKPT_TRAJECTORIES, TW_CKPT_NFILES };

/* The header's fields (the format's version and lengths aside). */
typedef struct {
    uint64_t replicates;  /* the batch's replicate budget */
    uint64_t seed, config_hash;
    uint64_t cells;       /* summary cells: output days x series */
    uint64_t outcomes;
    uint64_t out_days;    /* output days (trajectories.csv rows per replicate) */
    uint64_t done;        /* replicates folded into the statistics and written */
    uint64_t files;       /* bit f: the batch writes .part file f */
    uint64_t len[TW_CKPT_NFILES]; /* bytes of each .part file at this checkpoint */
    uint32_t crc[TW_CKPT_NFILES]; /* CRC-32C (tw_crc.h, from 0) of those bytes */
} tw_ckpt_info;

/* Continue *crc (CRC-32C) over bytes [from, to) of path, which must hold them: how a
 * batch keeps the checksum of each .part file's prefix as the file grows, reading only
 * what was appended since the last checkpoint. TW_EIO naming path if it cannot. */
tw_status tw_ckpt_crc_extend(const char *path, uint64_t from, uint64_t to, uint32_t *crc,
                             tw_err *err);

/* Write dir/checkpoint.bin atomically (tw_afile): the header from info, then one record
 * per cell (cells[0 .. info->cells - 1]) and per outcome (outc[0 .. info->outcomes - 1]),
 * then the CRC. The caller syncs the .part files first, so that the lengths recorded
 * never point past what is on disk. */
tw_status tw_ckpt_write(const char *dir, const tw_ckpt_info *info, const tw_sketch *cells,
                        const tw_sketch *outc, tw_err *err);

/* What a resume expects: its directory, its .part files' names (without ".part", indexed
 * as above) and want, whose every field but done and len must match the checkpoint. */
typedef struct {
    const char *dir;
    const char *const *part_names; /* [TW_CKPT_NFILES] */
    tw_ckpt_info want;
} tw_ckpt_run;

/* Read run->dir/checkpoint.bin. No file: TW_OK with *found false (the batch was stopped
 * before its first checkpoint). Otherwise every check above, in that order: the first
 * that fails gives TW_EUSAGE and one line "PATH: refusing to resume: WHY; start over with
 * --force" (a checkpoint of another run: "... belongs to another scenario ..."), TW_EIO
 * when a file cannot be read; on success the statistics are loaded into cells[] and
 * outc[] (empty sketches, want.cells and want.outcomes of them; on failure the caller
 * frees them), got holds the header and *found is true. No file is written or changed. */
tw_status tw_ckpt_read(const tw_ckpt_run *run, tw_sketch *cells, tw_sketch *outc,
                       tw_ckpt_info *got, bool *found, tw_err *err);

#endif
