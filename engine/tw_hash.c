/* tw_hash.c - FNV-1a 64 over bytes and over a file's bytes (see tw_hash.h).
 *
 * The multiply-after-xor loop is the whole algorithm; it lives here once so that the
 * scenario hash and the result hash cannot drift apart.
 */
#include "tw_hash.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define TW_FNV_PRIME 1099511628211ull

uint64_t tw_fnv1a(uint64_t h, const void *data, size_t len) {
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= TW_FNV_PRIME;
    }
    return h;
}

tw_status tw_hash_file(const char *path, uint64_t *h, tw_err *err) {
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) return tw_err_set(err, TW_EIO, "%s: cannot read: %s", path, strerror(errno));
    unsigned char buf[65536];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, fp)) > 0) *h = tw_fnv1a(*h, buf, got);
    int bad = ferror(fp);
    fclose(fp);
    return bad ? tw_err_set(err, TW_EIO, "%s: read error", path) : TW_OK;
}
