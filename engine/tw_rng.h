/* tw_rng.h - counter-based random streams (Random123 Philox4x32-10).
 *
 * Every random number in a run is a pure function of
 *     key     = (seed, replicate)
 *     counter = (day, agent, purpose, index)
 * so a result never depends on which thread or MPI rank drew it, or in what order.
 * `day` is the simulation day counted from the run's first day, `agent` any 64-bit id
 * (a firm's cell and index within it, say), `purpose` a small constant that separates independent
 * uses and `index` numbers the blocks of four words one purpose needs. The purposes in use:
 *     1 TW_PURPOSE_FIRM_INIT   importer firms' sizes, first origins, hazard clocks
 *     2 TW_PURPOSE_FIRM_DAY    importer firms' daily re-choice of origin
 *     3 TW_PURPOSE_RE_INIT     rare-earth firms' covers and starting stocks
 *     4 TW_PURPOSE_RE_DAY      rare-earth firms' licence approval draws
 *     5 TW_PURPOSE_GOV         per-replicate draws of uncertain government parameters
 *     6 TW_PURPOSE_EVENT       daily chance events (calls, deals, court, forgiveness ...)
 *     0x5701, 0x5702           sweep designs: random and Latin-hypercube points
 *     0x7b                     the benchmark's reference kernels (bench/)
 * (the first four in models/tw_firms.h and models/tw_rare_earths.h, 5 and 6 in
 * models/tw_policy.h, the sweep's in engine/tw_sweep.c). A new
 * use takes a new purpose, so that adding it shifts no existing stream. The scenario is deliberately not part of the key: two scenarios run with
 * the same seed share their random numbers (common random numbers).
 *
 * All functions are pure and thread-safe. The gsl_rng adapter holds its own counter and
 * is owned by the caller (one per thread or per task).
 */
#ifndef TW_RNG_H
#define TW_RNG_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

typedef struct {
    uint32_t k[2]; /* k[0] = seed, k[1] = replicate */
} tw_rng_key;

static inline tw_rng_key tw_rng_key_make(uint32_t seed, uint32_t replicate) {
    tw_rng_key key = {{seed, replicate}};
    return key;
}

/* The raw bijection: Philox4x32 with 10 rounds. out = philox(ctr, key). */
void tw_philox4x32_10(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4]);

/* Four independent uniformly distributed 32-bit words for one counter. */
void tw_rng_words(tw_rng_key key, uint32_t day, uint64_t agent, uint16_t purpose,
                  uint16_t index, uint32_t out[4]);

/* A 32-bit word as a float strictly inside (0, 1): 23 bits, offset by half a step, so
 * the extremes 2^-24 and 1 - 2^-24 are both exactly representable. */
static inline float tw_u01f(uint32_t w) {
    return (float)(w >> 9) * (1.0f / 8388608.0f) + (1.0f / 16777216.0f);
}

/* Two 32-bit words as a double strictly inside (0, 1): 52 bits, offset by half a step. */
static inline double tw_u01d(uint32_t hi, uint32_t lo) {
    uint64_t x = ((uint64_t)hi << 32 | lo) >> 12;
    return (double)x * (1.0 / 4503599627370496.0) + (1.0 / 9007199254740992.0);
}

/* A gsl_rng_type whose stream is the counter sequence (day, agent, purpose, 0), (...,1),
 * ... of a key: 4 words per counter, 262144 words before the index wraps. Allocate with
 * tw_rng_gsl_alloc (NULL on allocation failure) and free with gsl_rng_free. Seeding via
 * gsl_rng_set(r, s) restarts the stream at index 0 with agent = s. */
extern const gsl_rng_type *const tw_rng_gsl_philox;
gsl_rng *tw_rng_gsl_alloc(tw_rng_key key, uint32_t day, uint64_t agent, uint16_t purpose);

#endif
