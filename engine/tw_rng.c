/* tw_rng.c - Philox4x32-10 streams and their gsl_rng adapter.
 *
 * The generator itself is Random123's philox4x32 (header-only); this file fixes how the
 * key and the 128-bit counter are laid out, so that every draw in the simulation is
 * addressed by what it is for rather than by when or where it was drawn.
 * Counter layout: c[0] = day, c[1] = agent low 32 bits, c[2] = agent high 32 bits,
 * c[3] = purpose << 16 | index.
 */
#include "tw_rng.h"

#include <stdlib.h>
#include <string.h>

#include <Random123/philox.h>

void tw_philox4x32_10(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4]) {
    philox4x32_ctr_t c = {{ctr[0], ctr[1], ctr[2], ctr[3]}};
    philox4x32_key_t k = {{key[0], key[1]}};
    philox4x32_ctr_t r = philox4x32_R(10, c, k);
    memcpy(out, r.v, sizeof r.v);
}

void tw_rng_words(tw_rng_key key, uint32_t day, uint64_t agent, uint16_t purpose,
                  uint16_t index, uint32_t out[4]) {
    philox4x32_ctr_t c = {{day, (uint32_t)agent, (uint32_t)(agent >> 32),
                           (uint32_t)purpose << 16 | index}};
    philox4x32_key_t k = {{key.k[0], key.k[1]}};
    philox4x32_ctr_t r = philox4x32_R(10, c, k);
    memcpy(out, r.v, sizeof r.v);
}

/* --- gsl_rng adapter --- */

typedef struct {
    tw_rng_key key;
    uint32_t day;
    uint64_t agent;
    uint16_t purpose;
    uint16_t index; /* next counter index */
    uint32_t buf[4];
    unsigned pos; /* next unread word of buf; 4 = empty */
} gsl_state;

static unsigned long gsl_get(void *vstate) {
    gsl_state *s = vstate;
    if (s->pos >= 4) {
        tw_rng_words(s->key, s->day, s->agent, s->purpose, s->index, s->buf);
        s->index++;
        s->pos = 0;
    }
    return s->buf[s->pos++];
}

static double gsl_get_double(void *vstate) {
    /* GSL wants [0, 1); 32 bits are what one call of get() gives. */
    return (double)gsl_get(vstate) / 4294967296.0;
}

static void gsl_set(void *vstate, unsigned long seed) {
    gsl_state *s = vstate;
    s->agent = (uint64_t)seed;
    s->index = 0;
    s->pos = 4;
}

static const gsl_rng_type gsl_type = {"tw_philox4x32_10", 0xffffffffUL, 0,
                                      sizeof(gsl_state), gsl_set, gsl_get,
                                      gsl_get_double};

const gsl_rng_type *const tw_rng_gsl_philox = &gsl_type;

gsl_rng *tw_rng_gsl_alloc(tw_rng_key key, uint32_t day, uint64_t agent, uint16_t purpose) {
    /* gsl_rng_alloc calls the error handler on failure; build the object by hand so that
     * allocation failure is an ordinary NULL return. */
    gsl_rng *r = malloc(sizeof *r);
    if (r == NULL) return NULL;
    gsl_state *s = calloc(1, sizeof *s);
    if (s == NULL) {
        free(r);
        return NULL;
    }
    s->key = key;
    s->day = day;
    s->agent = agent;
    s->purpose = purpose;
    s->index = 0;
    s->pos = 4;
    r->type = tw_rng_gsl_philox;
    r->state = s;
    return r;
}
