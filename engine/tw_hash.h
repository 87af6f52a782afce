/* tw_hash.h - the one 64-bit FNV-1a hash of the project.
 *
 * Every hash the program records (the scenario hash of the emitted YAML, the result hash
 * over the output CSVs, the benchmarks' result hashes) is FNV-1a 64 through these two
 * functions, so that a hash written by one part can be recomputed by another (or by any
 * FNV-1a tool) from the same bytes. FNV-1a is not a checksum against tampering; it is a
 * fingerprint of bytes for reproducibility checks.
 *
 * Thread-safety: both functions keep no state; callers own the running value.
 */
#ifndef TW_HASH_H
#define TW_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "tw_error.h"

/* The FNV-1a 64 offset basis: the value to start a hash from. */
#define TW_FNV_OFFSET 14695981039346656037ull

/* FNV-1a 64 of len bytes at data, continuing from h (start with TW_FNV_OFFSET). data may
 * be NULL when len is 0. */
uint64_t tw_fnv1a(uint64_t h, const void *data, size_t len);

/* FNV-1a 64 of a file's bytes, continuing from *h (updated in place); TW_EIO with
 * "path: cannot read: reason" or "path: read error" if it cannot be read. */
tw_status tw_hash_file(const char *path, uint64_t *h, tw_err *err);

#endif
