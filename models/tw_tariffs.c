/* tw_tariffs.c - parse tariff entries and resolve their stack into effective rates.
 *
 * Resolution is a plain scan over the entries for each (imposer, target, sector): the
 * books are small (tens of entries) and the runner evaluates them once per day, not per
 * firm, so clarity wins over indexing.
 */
#include "tw_tariffs.h"

#include "tw_book.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

const char *const tw_authority_names[TW_NAUTH + 1] = {
    "IEEPA", "S301", "S232", "retaliation", "MFN", "legacy", "other", NULL};


void tw_tariffs_free(tw_tariff_book *book) {
    if (book == NULL) return;
    free(book->items);
    free(book->names);
    memset(book, 0, sizeof *book);
}

static int find(const tw_tariff_book *b, const char *name) {
    for (size_t i = 0; i < b->n_names; i++)
        if (strcmp(b->names[i], name) == 0) return (int)i;
    return -1;
}

static bool valid_id(const char *s) {
    size_t n = strlen(s);
    if (n == 0 || n >= TW_MEASURE_NAME_MAX) return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.'))
            return false;
    }
    return true;
}

tw_status tw_tariffs_load_sectors(const tw_cfg_node *e, bool sectors[TW_NSEC], tw_err *err) {
    const tw_cfg_node *n = tw_cfg_get(e, "sectors");
    if (n == NULL || (tw_cfg_kind_of(n) == TW_CFG_SCALAR && strcmp(tw_cfg_text(n), "all") == 0)) {
        for (int s = 0; s < TW_NSEC; s++) sectors[s] = true;
        return TW_OK;
    }
    if (tw_cfg_kind_of(n) != TW_CFG_SEQ || tw_cfg_len(n) == 0)
        return tw_cfg_error(err, n, "expected 'all' or a non-empty list of sectors (%s, %s, "
                                    "%s, %s, %s, %s, %s, %s)",
                            tw_sector_names[0], tw_sector_names[1], tw_sector_names[2],
                            tw_sector_names[3], tw_sector_names[4], tw_sector_names[5],
                            tw_sector_names[6], tw_sector_names[7]);
    for (int s = 0; s < TW_NSEC; s++) sectors[s] = false;
    for (size_t k = 0; k < tw_cfg_len(n); k++) {
        int s;
        tw_status st = tw_cfg_node_enum(tw_cfg_at(n, k), tw_sector_names, &s, err);
        if (st != TW_OK) return st;
        if (sectors[s]) return tw_cfg_error(err, tw_cfg_at(n, k), "sector listed twice");
        sectors[s] = true;
    }
    return TW_OK;
}

/* The in-transit rule of an entry: `in_transit: {loaded_before: DATE, entered_before: DATE}`,
 * both required, entered_before after effective (or the rule never applies) and not
 * before loaded_before. */
static tw_status load_in_transit(const tw_cfg_node *e, tw_tariff *t, tw_err *err) {
    const tw_cfg_node *m = tw_cfg_get(e, "in_transit");
    if (m == NULL) return TW_OK;
    if (tw_cfg_kind_of(m) != TW_CFG_MAP)
        return tw_cfg_error(err, m, "expected a map {loaded_before: DATE, entered_before: DATE}");
    tw_status st = tw_cfg_date(m, "loaded_before", true, 0, &t->loaded_before, err);
    if (st == TW_OK) st = tw_cfg_date(m, "entered_before", true, 0, &t->entered_before, err);
    if (st != TW_OK) return st;
    char d[TW_DATE_STRLEN];
    if (t->entered_before <= t->effective)
        return tw_cfg_error(err, tw_cfg_get(m, "entered_before"),
                            "expected a date after effective %s", tw_date_format(t->effective, d));
    if (t->entered_before < t->loaded_before)
        return tw_cfg_error(err, tw_cfg_get(m, "entered_before"),
                            "expected a date on or after loaded_before %s",
                            tw_date_format(t->loaded_before, d));
    t->in_transit = true;
    return TW_OK;
}

static tw_status load_entry(const tw_cfg_node *e, const tw_world *world, tw_tariff_book *b,
                            tw_tariff *t, tw_err *err) {
    tw_status st;
    const char *measure = NULL, *text = NULL;
    if (tw_cfg_kind_of(e) != TW_CFG_MAP)
        return tw_cfg_error(err, e, "expected a map (a tariff measure entry)");
    if ((st = tw_cfg_string(e, "measure", true, NULL, &measure, err)) != TW_OK) return st;
    if (!valid_id(measure))
        return tw_cfg_error(err, tw_cfg_get(e, "measure"),
                            "expected an id of 1 to %d letters, digits, '_', '-' or '.' (got '%s')",
                            TW_MEASURE_NAME_MAX - 1, measure);
    memset(t, 0, sizeof *t);
    t->measure = find(b, measure);
    if (t->measure < 0) {
        if (b->n_names == TW_MAX_MEASURES)
            return tw_cfg_error(err, tw_cfg_get(e, "measure"),
                                "expected at most %d distinct measure ids", TW_MAX_MEASURES);
        t->measure = (int)b->n_names;
        snprintf(b->names[b->n_names++], TW_MEASURE_NAME_MAX, "%s", measure);
    }
    if ((st = tw_cfg_enum(e, "imposer", true, 0, b->regions, &t->imposer, err)) != TW_OK)
        return st;
    const char *targets[TW_NREG_MAX + 2];
    tw_world_targets(world, targets);
    int target;
    if ((st = tw_cfg_enum(e, "target", true, 0, targets, &target, err)) != TW_OK) return st;
    t->target = (target == world->nreg) ? TW_TARGET_ALL : target;
    if (t->target == t->imposer)
        return tw_cfg_error(err, tw_cfg_get(e, "target"),
                            "expected a region other than the imposer %s (or ALL)",
                            b->regions[t->imposer]);
    if ((st = tw_tariffs_load_sectors(e, t->sectors, err)) != TW_OK) return st;
    t->has_rate = tw_cfg_get(e, "rate") != NULL;
    t->has_coverage = tw_cfg_get(e, "coverage") != NULL;
    t->level = tw_cfg_get(e, "level") != NULL;
    if (t->level) {
        static const char *const layer_keys[] = {"rate", "coverage", "not_on"};
        for (size_t k = 0; k < sizeof layer_keys / sizeof *layer_keys; k++)
            if (tw_cfg_get(e, layer_keys[k]) != NULL)
                return tw_cfg_error(err, tw_cfg_get(e, layer_keys[k]),
                                    "an entry with level sets the cell's total rate: give "
                                    "level or %s, not both", layer_keys[k]);
    } else if (!t->has_rate && !t->has_coverage) {
        return tw_cfg_error(err, e, "missing required key rate (a percent, 0 to 1000), "
                                    "coverage (a share, 0 to 1) or level (a percent, 0 to 1000)");
    }
    double pct = 0.0;
    if ((st = tw_cfg_double(e, t->level ? "level" : "rate", false, 0.0, 0.0, 1000.0, &pct,
                            err)) != TW_OK)
        return st;
    t->rate = pct / 100.0;
    if ((st = tw_cfg_double(e, "coverage", false, 1.0, 0.0, 1.0, &t->coverage, err)) != TW_OK)
        return st;
    if ((st = tw_cfg_enum(e, "authority", false, TW_AUTH_OTHER, tw_authority_names,
                          &t->authority, err)) != TW_OK)
        return st;
    if ((st = tw_cfg_date(e, "effective", true, 0, &t->effective, err)) != TW_OK) return st;
    if ((st = tw_cfg_date(e, "announced", false, t->effective, &t->announced, err)) != TW_OK)
        return st;
    if ((st = tw_cfg_date(e, "end", false, TW_DAY_NEVER, &t->end, err)) != TW_OK) return st;
    if (t->end <= t->effective) {
        char d[TW_DATE_STRLEN];
        return tw_cfg_error(err, tw_cfg_get(e, "end"), "expected a date after effective %s",
                            tw_date_format(t->effective, d));
    }
    if ((st = tw_cfg_date(e, "withdrawn", false, 0, &t->withdrawn, err)) != TW_OK)
        return st;
    if (tw_cfg_get(e, "withdrawn") != NULL &&
        (t->withdrawn <= t->announced || t->withdrawn > t->effective)) {
        char a[TW_DATE_STRLEN], d[TW_DATE_STRLEN];
        return tw_cfg_error(err, tw_cfg_get(e, "withdrawn"),
                            "expected a date after announced %s and not after effective %s",
                            tw_date_format(t->announced, a), tw_date_format(t->effective, d));
    }
    if ((st = tw_cfg_bool(e, "pinned", false, false, &t->pinned, err)) != TW_OK) return st;
    if ((st = load_in_transit(e, t, err)) != TW_OK) return st;
    if ((st = tw_cfg_string(e, "note", false, "", &text, err)) != TW_OK) return st;
    if ((st = tw_cfg_string(e, "source", false, "", &text, err)) != TW_OK) return st;
    return TW_OK;
}

/* not_on lists refer to measure ids anywhere in the book, so resolve them last. */
static tw_status load_not_on(const tw_cfg_node *e, tw_tariff_book *b, tw_tariff *t,
                             tw_err *err) {
    const tw_cfg_node *n = tw_cfg_get(e, "not_on");
    if (n == NULL) return TW_OK;
    if (tw_cfg_kind_of(n) != TW_CFG_SEQ)
        return tw_cfg_error(err, n, "expected a list of measure ids");
    if (tw_cfg_len(n) > TW_MAX_NOT_ON)
        return tw_cfg_error(err, n, "expected at most %d measure ids (got %zu)", TW_MAX_NOT_ON,
                            tw_cfg_len(n));
    for (size_t k = 0; k < tw_cfg_len(n); k++) {
        const tw_cfg_node *item = tw_cfg_at(n, k);
        const char *name = tw_cfg_text(item);
        if (name == NULL) return tw_cfg_error(err, item, "expected a measure id");
        int m = find(b, name);
        if (m < 0)
            return tw_cfg_error(err, item, "expected the id of a measure in tariffs (got '%s')",
                                name);
        if (m == t->measure)
            return tw_cfg_error(err, item, "a measure cannot exclude itself ('%s')", name);
        t->not_on[t->n_not_on++] = m;
    }
    return TW_OK;
}

tw_status tw_tariffs_load(const tw_cfg_node *seq, const tw_world *world, tw_tariff_book *book,
                          tw_err *err) {
    memset(book, 0, sizeof *book);
    book->nreg = world->nreg;
    book->regions = world->names;
    if (seq == NULL) return TW_OK;
    if (tw_cfg_kind_of(seq) != TW_CFG_SEQ)
        return tw_cfg_error(err, seq, "expected a list of tariff measure entries");
    size_t n = tw_cfg_len(seq);
    if (n > TW_MAX_TARIFFS)
        return tw_cfg_error(err, seq, "expected at most %d entries (got %zu)", TW_MAX_TARIFFS, n);
    if (n == 0) return TW_OK;
    book->items = calloc(n, sizeof *book->items);
    book->names = calloc(TW_MAX_MEASURES, sizeof *book->names);
    if (book->items == NULL || book->names == NULL) {
        tw_tariffs_free(book);
        return tw_err_set(err, TW_ENOMEM, "out of memory");
    }
    tw_status st = TW_OK;
    for (size_t i = 0; i < n && st == TW_OK; i++)
        st = load_entry(tw_cfg_at(seq, i), world, book, &book->items[i], err);
    for (size_t i = 0; i < n && st == TW_OK; i++)
        st = load_not_on(tw_cfg_at(seq, i), book, &book->items[i], err);
    if (st != TW_OK) {
        tw_tariffs_free(book);
        book->nreg = world->nreg;
        book->regions = world->names;
        return st;
    }
    book->n = book->n_script = n;
    return TW_OK;
}

/* An entry's rank under the books' precedence rule (tw_book.h); NULL: none. */
static tw_book_rank rank(const tw_tariff *e) {
    tw_book_rank r = {e, e != NULL ? e->effective : 0, e != NULL && e->target != TW_TARGET_ALL};
    return r;
}

tw_status tw_tariffs_copy(tw_tariff_book *dst, const tw_tariff_book *src, tw_err *err) {
    memset(dst, 0, sizeof *dst);
    dst->names = calloc(TW_MAX_MEASURES, sizeof *dst->names);
    void *items = NULL;
    tw_status st = dst->names == NULL ? tw_err_set(err, TW_ENOMEM, "out of memory")
                                      : tw_book_reserve(&items, &dst->cap, sizeof *src->items,
                                                        src->n, TW_MAX_TARIFFS, "tariff entries",
                                                        err);
    dst->items = items;
    if (st != TW_OK) {
        tw_tariffs_free(dst);
        return st;
    }
    if (src->n > 0) memcpy(dst->items, src->items, src->n * sizeof *src->items);
    if (src->n_names > 0) memcpy(dst->names, src->names, src->n_names * sizeof *src->names);
    dst->n = src->n;
    dst->n_script = src->n_script;
    dst->n_names = src->n_names;
    dst->nreg = src->nreg;
    dst->regions = src->regions;
    return TW_OK;
}

tw_status tw_tariffs_add(tw_tariff_book *book, const tw_tariff *t, tw_err *err) {
    /* A loaded book is sized exactly (cap 0); the first addition moves it to a growing
     * array. */
    size_t cap = book->cap > book->n ? book->cap : book->n;
    void *items = book->items;
    tw_status st = tw_book_reserve(&items, &cap, sizeof *t, book->n + 1, TW_MAX_TARIFFS,
                                   "tariff entries", err);
    book->items = items;
    if (st != TW_OK) return st;
    book->cap = cap;
    book->items[book->n++] = *t;
    return TW_OK;
}

int tw_tariffs_intern(tw_tariff_book *book, const char *name) {
    if (!valid_id(name)) return -1;
    int m = find(book, name);
    if (m >= 0) return m;
    if (book->names == NULL && (book->names = calloc(TW_MAX_MEASURES, sizeof *book->names)) == NULL)
        return -1;
    if (book->n_names == TW_MAX_MEASURES) return -1;
    snprintf(book->names[book->n_names], TW_MEASURE_NAME_MAX, "%s", name);
    return (int)book->n_names++;
}

/* true if entry k was added during a run and the scenario entry in force so far (the
 * scenario's entries come first, so by then it is final) is pinned: k does not count. */
static bool held(const tw_tariff_book *b, size_t k, const tw_tariff *best) {
    return k >= b->n_script && best != NULL && best->pinned;
}

/* The layers of one (imposer, target, sector) in force on day t, in measure order: each
 * layer's rate, coverage and excluded share (the summed coverage of its not_on measures
 * in force, capped at 1). For goods loaded on day `loaded` and entering on t, an entry
 * with an in-transit rule they meet does not count (TW_DAY_NEVER: no goods in transit).
 * rate_e/cov_e are scratch of n_names entries; lay holds up to n_names layers. Returns the
 * count. */
/* Whether entry e is in force on day t for someone who knows the entries announced by
 * known_by: a withdrawn entry counts only while it was still expected, so never in force. */
static bool known(const tw_tariff *e, tw_day t, tw_day known_by) {
    if (e->effective > t || t >= e->end || e->announced > known_by) return false;
    return e->withdrawn == 0 || known_by < e->withdrawn;
}

typedef struct {
    double rate, cov, excluded;
    int measure; /* the layer's measure index; -1 for a level entry */
} span;

/* The entries in force on one day (known(e, t, known_by)), grouped by imposer, each group in
 * book order: a cell scans its imposer's alone and meets them in the order the whole book
 * would give. idx NULL (no memory for it): every cell scans the whole book. */
typedef struct {
    size_t *idx;
    size_t start[TW_NREG_MAX + 1]; /* imposer i's entries are idx[start[i] .. start[i + 1]) */
} in_force;

static in_force in_force_make(const tw_tariff_book *b, tw_day t, tw_day known_by) {
    in_force f = {.idx = b->n > 0 ? malloc(b->n * sizeof *f.idx) : NULL};
    if (f.idx == NULL) return f;
    size_t count[TW_NREG_MAX] = {0};
    for (size_t k = 0; k < b->n; k++) {
        const tw_tariff *e = &b->items[k];
        if (e->imposer >= 0 && e->imposer < b->nreg && known(e, t, known_by)) count[e->imposer]++;
    }
    for (int i = 0; i < TW_NREG_MAX; i++) f.start[i + 1] = f.start[i] + count[i];
    size_t at[TW_NREG_MAX];
    memcpy(at, f.start, sizeof at);
    for (size_t k = 0; k < b->n; k++) {
        const tw_tariff *e = &b->items[k];
        if (e->imposer >= 0 && e->imposer < b->nreg && known(e, t, known_by)) f.idx[at[e->imposer]++] = k;
    }
    return f;
}

static size_t layers(const tw_tariff_book *b, const in_force *f, int i, int j, int s, tw_day t,
                     tw_day known_by, tw_day loaded, const tw_tariff **rate_e,
                     const tw_tariff **cov_e, span *lay) {
    const tw_tariff *level = NULL; /* the level entry in force, which sets the layers aside */
    for (size_t m = 0; m < b->n_names; m++) rate_e[m] = cov_e[m] = NULL;
    size_t lo = f->idx != NULL ? f->start[i] : 0, hi = f->idx != NULL ? f->start[i + 1] : b->n;
    for (size_t x = lo; x < hi; x++) {
        size_t k = f->idx != NULL ? f->idx[x] : x;
        const tw_tariff *e = &b->items[k];
        if (e->imposer != i || (e->target != j && e->target != TW_TARGET_ALL) || !e->sectors[s])
            continue;
        if (!known(e, t, known_by)) continue;
        if (e->in_transit && loaded < e->loaded_before && t < e->entered_before) continue;
        if (e->level) {
            if (tw_book_beats(rank(e), rank(level))) level = e;
            continue;
        }
        if (e->has_rate && !held(b, k, rate_e[e->measure]) &&
            tw_book_beats(rank(e), rank(rate_e[e->measure])))
            rate_e[e->measure] = e;
        if (e->has_coverage && !held(b, k, cov_e[e->measure]) &&
            tw_book_beats(rank(e), rank(cov_e[e->measure])))
            cov_e[e->measure] = e;
    }
    if (level != NULL) {
        lay[0] = (span){level->rate, 1.0, 0.0, -1};
        return 1;
    }
    size_t n = 0;
    for (size_t m = 0; m < b->n_names; m++) {
        const tw_tariff *r = rate_e[m];
        if (r == NULL) continue;
        double excluded = 0.0;
        for (int x = 0; x < r->n_not_on; x++) {
            int mx = r->not_on[x];
            if (rate_e[mx] != NULL) excluded += cov_e[mx] != NULL ? cov_e[mx]->coverage : 1.0;
        }
        lay[n++] = (span){r->rate, cov_e[m] != NULL ? cov_e[m]->coverage : 1.0,
                           excluded > 1.0 ? 1.0 : excluded, (int)m};
    }
    return n;
}

/* Resolve one (imposer, target, sector) into its blended rate; with capped (per measure
 * index; NULL: none), each layer of a capped measure at most cap. */
static double resolve_capped(const tw_tariff_book *b, const in_force *f, int i, int j, int s,
                             tw_day t, tw_day known_by, tw_day loaded, const tw_tariff **rate_e,
                             const tw_tariff **cov_e, const bool *capped, double cap) {
    span lay[TW_MAX_MEASURES];
    size_t n = layers(b, f, i, j, s, t, known_by, loaded, rate_e, cov_e, lay);
    /* The layers' parts summed in increasing order, not the book's, so that the same
     * entries give the same bits in whatever order a scenario lists them. */
    double part[TW_MAX_MEASURES], total = 0.0;
    for (size_t k = 0; k < n; k++) {
        double rate = lay[k].rate;
        if (capped != NULL && lay[k].measure >= 0 && capped[lay[k].measure] && rate > cap)
            rate = cap;
        double x = lay[k].cov * rate * (1.0 - lay[k].excluded);
        size_t at = k;
        for (; at > 0 && part[at - 1] > x; at--) part[at] = part[at - 1];
        part[at] = x;
    }
    for (size_t k = 0; k < n; k++) total += part[k];
    return total;
}

static double resolve(const tw_tariff_book *b, const in_force *f, int i, int j, int s, tw_day t,
                      tw_day known_by, tw_day loaded, const tw_tariff **rate_e,
                      const tw_tariff **cov_e) {
    return resolve_capped(b, f, i, j, s, t, known_by, loaded, rate_e, cov_e, NULL, 0.0);
}

/* The rate entry in force for one layer, or NULL. */
static const tw_tariff *layer(const tw_tariff_book *b, int imposer, int target, int measure,
                              int sector, tw_day t, tw_day known_by) {
    const tw_tariff *best = NULL;
    for (size_t k = 0; k < b->n; k++) {
        const tw_tariff *e = &b->items[k];
        if (e->measure != measure || e->imposer != imposer || !e->has_rate || !e->sectors[sector] ||
            (e->target != target && e->target != TW_TARGET_ALL))
            continue;
        if (!known(e, t, known_by)) continue;
        if (!held(b, k, best) && tw_book_beats(rank(e), rank(best))) best = e;
    }
    return best;
}

double tw_tariffs_layer_rate(const tw_tariff_book *b, int imposer, int target, int measure,
                             int sector, tw_day t, tw_day known_by) {
    const tw_tariff *e = layer(b, imposer, target, measure, sector, t, known_by);
    return e != NULL ? e->rate : 0.0;
}

bool tw_tariffs_layer_pinned(const tw_tariff_book *b, int imposer, int target, int measure,
                             int sector, tw_day t) {
    const tw_tariff *e = layer(b, imposer, target, measure, sector, t, TW_DAY_NEVER);
    return e != NULL && e->pinned;
}

/* Every (imposer, target, sector) on day t; with lag, for the goods entering on t, loaded
 * lag[target][imposer] days earlier (NULL: no goods in transit). */
static void rates(const tw_tariff_book *b, tw_day t, tw_day known_by,
                  const int (*lag)[TW_NREG_MAX], tw_rate_table out) {
    memset(out, 0, sizeof(tw_rate_table));
    if (b->n == 0) return;
    const tw_tariff *rate_e[TW_MAX_MEASURES], *cov_e[TW_MAX_MEASURES];
    in_force f = in_force_make(b, t, known_by);
    for (int i = 0; i < b->nreg; i++)
        for (int j = 0; j < b->nreg; j++)
            if (i != j) {
                tw_day loaded = lag != NULL ? t - lag[j][i] : TW_DAY_NEVER;
                for (int s = 0; s < TW_NSEC; s++)
                    out[i][j][s] = resolve(b, &f, i, j, s, t, known_by, loaded, rate_e, cov_e);
            }
    free(f.idx);
}

void tw_tariffs_rates(const tw_tariff_book *b, tw_day t, tw_day known_by, tw_rate_table out) {
    rates(b, t, known_by, NULL, out);
}

void tw_tariffs_rates_deal(const tw_tariff_book *b, tw_day t, const tw_deal_terms *terms,
                           tw_rate_table out) {
    memset(out, 0, sizeof(tw_rate_table));
    if (b->n == 0) return;
    const tw_tariff *rate_e[TW_MAX_MEASURES], *cov_e[TW_MAX_MEASURES];
    bool negotiable[TW_MAX_MEASURES] = {false};
    for (int k = 0; k < terms->n; k++) {
        int m = find(b, terms->names[k]);
        if (m >= 0) negotiable[m] = true;
    }
    in_force f = in_force_make(b, t, t);
    for (int i = 0; i < b->nreg; i++)
        for (int j = 0; j < b->nreg; j++)
            if (i != j)
                for (int s = 0; s < TW_NSEC; s++)
                    out[i][j][s] = resolve_capped(b, &f, i, j, s, t, t, TW_DAY_NEVER, rate_e, cov_e,
                                                  negotiable, terms->level[i]);
    free(f.idx);
}

void tw_tariffs_rates_entering(const tw_tariff_book *b, tw_day t, const int lag[TW_NREG_MAX][TW_NREG_MAX],
                               tw_rate_table out) {
    rates(b, t, TW_DAY_NEVER, lag, out);
}

/* out takes cand where cand lies farther from now than out does (with toward_max, where
 * cand is higher). */
static void farther(const tw_rate_table now, const tw_rate_table cand, bool toward_max,
                    tw_rate_table out) {
    for (int i = 0; i < TW_NREG_MAX; i++)
        for (int j = 0; j < TW_NREG_MAX; j++)
            for (int s = 0; s < TW_NSEC; s++) {
                double c = cand[i][j][s], o = out[i][j][s], n = now[i][j][s];
                if (toward_max ? c > o : fabs(c - n) > fabs(o - n)) out[i][j][s] = c;
            }
}

/* The rates on the days within (t, t + horizon] where a known entry takes effect or
 * ends, folded into the tables given (NULL: not wanted): max the highest, sure the
 * farthest from today's among effective days, any the farthest among both. */
static void scan_changes(const tw_tariff_book *b, tw_day t, int horizon, tw_rate_table max,
                         tw_rate_table sure, tw_rate_table any) {
    tw_rate_table now, at;
    tw_tariffs_rates(b, t, t, now);
    if (max != NULL) memcpy(max, now, sizeof now);
    if (sure != NULL) memcpy(sure, now, sizeof now);
    if (any != NULL) memcpy(any, now, sizeof now);
    /* Rates change only on effective and end days; look at those within the horizon. */
    for (size_t k = 0; k < b->n; k++) {
        const tw_tariff *e = &b->items[k];
        if (e->announced > t || (e->withdrawn != 0 && t >= e->withdrawn)) continue;
        tw_day days[2] = {e->effective, e->end};
        for (int d = 0; d < 2; d++) {
            if (days[d] <= t || days[d] == TW_DAY_NEVER || (int64_t)days[d] > (int64_t)t + horizon)
                continue;
            tw_tariffs_rates(b, days[d], t, at);
            if (max != NULL) farther(now, at, true, max);
            if (sure != NULL && d == 0) farther(now, at, false, sure);
            if (any != NULL) farther(now, at, false, any);
        }
    }
}

void tw_tariffs_expected_max(const tw_tariff_book *b, tw_day t, int horizon, tw_rate_table out) {
    scan_changes(b, t, horizon, out, NULL, NULL);
}

void tw_tariffs_outlook(const tw_tariff_book *b, tw_day t, int horizon, tw_rate_table sure,
                        tw_rate_table any) {
    scan_changes(b, t, horizon, NULL, sure, any);
}

/* --- sub-cells --- */

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Sub-cells being built: up to twice TW_NSUB before the last merges. */
typedef struct {
    int n;
    double share[2 * TW_NSUB];
    double rate[2 * TW_NSUB][TW_NREG_MAX];
} subs;

/* Merge sub-cell k + 1 into k: shares add, rates blend by share. */
static void merge_sub(subs *sc, int k) {
    double a = sc->share[k], b = sc->share[k + 1], w = a + b;
    for (int o = 0; o < TW_NREG_MAX; o++)
        sc->rate[k][o] = w > 0.0 ? (a * sc->rate[k][o] + b * sc->rate[k + 1][o]) / w : 0.0;
    sc->share[k] = w;
    for (int m = k + 1; m < sc->n - 1; m++) {
        sc->share[m] = sc->share[m + 1];
        memcpy(sc->rate[m], sc->rate[m + 1], sizeof sc->rate[m]);
    }
    sc->n--;
}

/* Split one (importer i, sector s); lay and cut are scratch. */
static void split_cell(const tw_tariff_book *b, const in_force *f, int i, int s, tw_day t,
                       tw_day known_by,
                       const tw_tariff **rate_e, const tw_tariff **cov_e, span *lay,
                       double *cut, tw_split_cell *sc) {
    /* Every origin's layers as ranges of u; the sub-cells lie between their ends. */
    size_t nl[TW_NREG_MAX] = {0}, ncut = 0, first[TW_NREG_MAX] = {0}, used = 0;
    cut[ncut++] = 0.0;
    cut[ncut++] = 1.0;
    for (int j = 0; j < b->nreg; j++) {
        if (j == i) continue;
        first[j] = used;
        nl[j] = layers(b, f, i, j, s, t, known_by, TW_DAY_NEVER, rate_e, cov_e, lay + used);
        for (size_t k = used; k < used + nl[j]; k++) {
            cut[ncut++] = lay[k].excluded;
            cut[ncut++] = lay[k].excluded + lay[k].cov * (1.0 - lay[k].excluded);
        }
        used += nl[j];
    }
    qsort(cut, ncut, sizeof *cut, cmp_double);
    /* Ranges as they come: more than TW_NSUB are merged pairwise into the range before. */
    subs all = {0};
    const int cap = 2 * TW_NSUB;
    for (size_t k = 0; k + 1 < ncut; k++) {
        double lo = cut[k], hi = cut[k + 1];
        if (!(hi - lo > 1e-12)) continue;
        if (all.n == cap) merge_sub(&all, cap - 2);
        double mid = 0.5 * (lo + hi);
        all.share[all.n] = hi - lo;
        for (int j = 0; j < b->nreg; j++) {
            double r = 0.0;
            for (size_t l = first[j]; l < first[j] + nl[j] && j != i; l++) {
                double a = lay[l].excluded, z = a + lay[l].cov * (1.0 - a);
                if (mid >= a && mid < z) r += lay[l].rate;
            }
            all.rate[all.n][j] = r;
        }
        all.n++;
    }
    /* Neighbours with the same rates from every origin are one sub-cell. */
    for (int k = 0; k + 1 < all.n;)
        if (memcmp(all.rate[k], all.rate[k + 1], sizeof all.rate[k]) == 0)
            merge_sub(&all, k);
        else
            k++;
    while (all.n > TW_NSUB) {
        int best = 0;
        for (int k = 1; k + 1 < all.n; k++)
            if (all.share[k] + all.share[k + 1] < all.share[best] + all.share[best + 1]) best = k;
        merge_sub(&all, best);
    }
    sc->n = all.n;
    memcpy(sc->share, all.share, sizeof sc->share);
    memcpy(sc->rate, all.rate, sizeof sc->rate);
}

void tw_tariffs_split(const tw_tariff_book *b, tw_day t, tw_day known_by, tw_split_table out) {
    const tw_tariff *rate_e[TW_MAX_MEASURES], *cov_e[TW_MAX_MEASURES];
    span lay[TW_NREG_MAX * TW_MAX_MEASURES];              /* 96 KiB */
    double cut[2 * TW_NREG_MAX * TW_MAX_MEASURES + 2];    /* 48 KiB */
    memset(out, 0, sizeof(tw_split_table));
    in_force f = in_force_make(b, t, known_by);
    for (int i = 0; i < b->nreg; i++)
        for (int s = 0; s < TW_NSEC; s++)
            split_cell(b, &f, i, s, t, known_by, rate_e, cov_e, lay, cut, &out[i][s]);
    free(f.idx);
}

void tw_split_demand(const tw_split_cell *sc, int home, const tw_nest *nest, double pass_through,
                     const double w[TW_NREG_MAX], const double price0[TW_NREG_MAX],
                     double qshare[TW_NREG_MAX], double rel[TW_NREG_MAX], double tau_paid[TW_NREG_MAX]) {
    double paid[TW_NREG_MAX] = {0}, customs[TW_NREG_MAX] = {0};
    for (int o = 0; o < nest->n; o++) qshare[o] = 0.0;
    for (int k = 0; k < sc->n; k++) {
        double x[TW_NREG_MAX], r[TW_NREG_MAX], price[TW_NREG_MAX], total = 0.0;
        for (int o = 0; o < nest->n; o++) {
            price[o] = tw_buyer_price(pass_through, w[o], o == home ? 0.0 : sc->rate[k][o]);
            r[o] = price[o] / price0[o];
        }
        tw_nest_shares(nest, price, x); /* spending shares; quantity shares below */
        for (int o = 0; o < nest->n; o++) {
            x[o] /= r[o];
            total += x[o];
        }
        for (int o = 0; o < nest->n; o++) {
            double tau = o == home ? 0.0 : sc->rate[k][o];
            double q = total > 0.0 ? sc->share[k] * x[o] / total : 0.0;
            qshare[o] += q;
            paid[o] += q * r[o];
            customs[o] += q * r[o] / (1.0 + tau);
        }
    }
    for (int o = 0; o < nest->n; o++) {
        if (!(qshare[o] > 0.0)) {
            /* Nobody buys from o: its price relative and rate at the cell's trade shares. */
            paid[o] = customs[o] = 0.0;
            for (int k = 0; k < sc->n; k++) {
                double tau = o == home ? 0.0 : sc->rate[k][o];
                double r = tw_buyer_price(pass_through, w[o], tau) / price0[o];
                paid[o] += sc->share[k] * r;
                customs[o] += sc->share[k] * r / (1.0 + tau);
            }
        }
        rel[o] = qshare[o] > 0.0 ? paid[o] / qshare[o] : paid[o];
        tau_paid[o] = paid[o] / customs[o] - 1.0;
    }
}
