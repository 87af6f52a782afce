/* tw_config_get.c - the typed getters of tw_config.h and the unknown-key check.
 *
 * A getter finds its key (marking it used), parses the text with a strict grammar of its
 * own (no strtod leniency: no hex, no inf, no trailing text) and checks the bounds; every
 * refusal names the place, the key path, what was expected (the bounds or the choices)
 * and what was found, cut short and with control characters masked so that a message is
 * always one printable line. tw_cfg_check_unused then walks the tree in document order
 * for the first node that no getter or accessor marked.
 */
#include "tw_config_internal.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool tw_cfg__ascii_ieq(const char *a, const char *b) {
    for (; *a != '\0' && *b != '\0'; a++, b++) {
        char ca = (*a >= 'A' && *a <= 'Z') ? (char)(*a - 'A' + 'a') : *a;
        char cb = (*b >= 'A' && *b <= 'Z') ? (char)(*b - 'A' + 'a') : *b;
        if (ca != cb) return false;
    }
    return *a == *b;
}

/* ---------------------------------------------------------------------------------- */
/* typed getters                                                                      */

#define TW_CFG__GOT_MAX 64

/* What was found, for "(got ...)": the text (cut short, control characters shown as
 * '?'), or the kind. */
static const char *tw_cfg__got(const tw_cfg_node *v, char *buf, size_t size) {
    if (v == NULL) return "nothing";
    if (v->kind != TW_CFG_SCALAR) return tw_cfg__kind_name(v->kind);
    if (v->text[0] == '\0') return "an empty value";
    size_t len = strlen(v->text), cut = len;
    if (cut > TW_CFG__GOT_MAX) {
        cut = TW_CFG__GOT_MAX;
        while (cut > 0 && ((unsigned char)v->text[cut] & 0xC0) == 0x80) cut--;
    }
    if (cut + 4 > size) cut = size - 4;
    for (size_t i = 0; i < cut; i++) {
        unsigned char c = (unsigned char)v->text[i];
        buf[i] = (c < 0x20 || c == 0x7F) ? '?' : (char)c;
    }
    if (cut < len) {
        memcpy(buf + cut, "...", 4);
    } else {
        buf[cut] = '\0';
    }
    return buf;
}

/* Find map[key]. Absent: *val = NULL and TW_OK, or the missing-key error if required.
 * A non-NULL "map" that is not a map is itself an error. */
static tw_status tw_cfg__lookup(const tw_cfg_node *map, const char *key, bool required,
                                const char *expected, const tw_cfg_node **val, tw_err *err) {
    *val = NULL;
    if (key == NULL) return tw_err_set(err, TW_EUSAGE, "configuration lookup without a key");
    if (map != NULL && map->kind != TW_CFG_MAP)
        return tw_cfg_error(err, map, "expected a map with the key '%s' (got %s)", key,
                            tw_cfg__kind_name(map->kind));
    *val = tw_cfg_get(map, key);
    if (*val != NULL || !required) return TW_OK;
    char *path = tw_cfg__path_key(map != NULL ? map->path : NULL, key);
    if (path == NULL) return tw_cfg__nomem(err);
    tw_status st = map != NULL
                       ? tw_err_at(err, TW_ECONFIG, map->file, map->line, map->col, path,
                                   "missing required key (expected %s)", expected)
                       : tw_err_at(err, TW_ECONFIG, NULL, 0, 0, path,
                                   "missing required key (expected %s)", expected);
    free(path);
    return st;
}

static tw_status tw_cfg__bad(const tw_cfg_node *v, const char *expected, tw_err *err) {
    char got[TW_CFG__GOT_MAX + 8];
    return tw_cfg_error(err, v, "expected %s (got %s)", expected,
                        tw_cfg__got(v, got, sizeof got));
}

/* A text that reads as a number but was written as text: in quotes, or tagged. */
static tw_status tw_cfg__not_plain(const tw_cfg_node *v, const char *expected, tw_err *err) {
    char got[TW_CFG__GOT_MAX + 8];
    tw_cfg__got(v, got, sizeof got);
    if (v->form == TW_CFG__QUOTED)
        return tw_cfg_error(err, v, "expected %s (got %s in quotes: write a number without "
                                    "quotes)",
                            expected, got);
    return tw_cfg_error(err, v, "expected %s (got %s with a tag other than !!int or !!float: "
                                "write a number without a tag)",
                        expected, got);
}

/* Rewrite the text of a number that was read, in place, in the form it was read: no '+'
 * and no leading zeros ("010" -> "10", "+0.50" -> "0.50", "-007e2" -> "-7e2"; "-0" stays,
 * since it is read as -0.0). tw_cfg_int does the same for integers. YAML 1.1
 * readers take 010 for the octal 8; after this, scenario.yaml says what the run used.
 * The text only gets shorter, so no allocation, and pointers to it stay valid. Writing
 * through the const pointer is the bookkeeping tw_cfg__touch explains. */
static void tw_cfg__canonical_number(const tw_cfg_node *v) {
    char *t = ((tw_cfg_node *)v)->text, *src = t;
    if (*src == '+') src++;
    else if (*src == '-') t++, src++;
    while (src[0] == '0' && src[1] >= '0' && src[1] <= '9') src++;
    if (src != t) memmove(t, src, strlen(src) + 1);
}

/* A finite decimal number: [+-] (digits [. digits] | . digits) [(e|E) [+-] digits]. */
static bool tw_cfg__parse_double(const char *s, double *out) {
    const char *p = s;
    if (*p == '+' || *p == '-') p++;
    size_t nd = 0, nf = 0;
    for (; *p >= '0' && *p <= '9'; p++) nd++;
    if (*p == '.') {
        p++;
        for (; *p >= '0' && *p <= '9'; p++) nf++;
    }
    if (nd + nf == 0) return false;
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-') p++;
        size_t ne = 0;
        for (; *p >= '0' && *p <= '9'; p++) ne++;
        if (ne == 0) return false;
    }
    if (*p != '\0') return false;
    char *end;
    errno = 0;
    double d = strtod(s, &end);
    if (end != p || !isfinite(d)) return false;
    *out = d;
    return true;
}

static bool tw_cfg__parse_int(const char *s, int64_t *out) {
    const char *p = s;
    if (*p == '+' || *p == '-') p++;
    if (*p == '\0') return false;
    for (const char *q = p; *q != '\0'; q++)
        if (*q < '0' || *q > '9') return false;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno == ERANGE || *end != '\0') return false;
    *out = (int64_t)v;
    return true;
}

static void tw_cfg__expect_double(double lo, double hi, char *buf, size_t size) {
    bool has_lo = lo > -DBL_MAX, has_hi = hi < DBL_MAX;
    if (has_lo && has_hi) snprintf(buf, size, "a number between %g and %g", lo, hi);
    else if (has_lo) snprintf(buf, size, "a number >= %g", lo);
    else if (has_hi) snprintf(buf, size, "a number <= %g", hi);
    else snprintf(buf, size, "a number");
}

static void tw_cfg__expect_int(int64_t lo, int64_t hi, char *buf, size_t size) {
    bool has_lo = lo > INT64_MIN, has_hi = hi < INT64_MAX;
    if (has_lo && has_hi)
        snprintf(buf, size, "an integer between %lld and %lld", (long long)lo, (long long)hi);
    else if (has_lo) snprintf(buf, size, "an integer >= %lld", (long long)lo);
    else if (has_hi) snprintf(buf, size, "an integer <= %lld", (long long)hi);
    else snprintf(buf, size, "an integer");
}

static void tw_cfg__expect_enum(const char *const *choices, char *buf, size_t size) {
    size_t n = (size_t)snprintf(buf, size, "one of ");
    for (size_t i = 0; choices != NULL && choices[i] != NULL && n < size; i++) {
        int w = snprintf(buf + n, size - n, "%s%s", i > 0 ? ", " : "", choices[i]);
        if (w < 0) break;
        n += (size_t)w;
    }
}

static tw_status tw_cfg__value_double(const tw_cfg_node *v, double lo, double hi,
                                      const char *exp, double *out, tw_err *err) {
    double d;
    if (v->kind != TW_CFG_SCALAR || !tw_cfg__parse_double(v->text, &d))
        return tw_cfg__bad(v, exp, err);
    if (v->form != TW_CFG__PLAIN) return tw_cfg__not_plain(v, exp, err);
    if (d < lo || d > hi) return tw_cfg__bad(v, exp, err);
    tw_cfg__canonical_number(v);
    *out = d;
    return TW_OK;
}

static tw_status tw_cfg__value_enum(const tw_cfg_node *v, const char *const *choices,
                                    const char *exp, int *out, tw_err *err) {
    if (v->kind == TW_CFG_SCALAR && choices != NULL)
        for (int i = 0; choices[i] != NULL; i++)
            if (strcmp(v->text, choices[i]) == 0) {
                *out = i;
                return TW_OK;
            }
    return tw_cfg__bad(v, exp, err);
}

tw_status tw_cfg_double(const tw_cfg_node *map, const char *key, bool required, double def,
                        double lo, double hi, double *out, tw_err *err) {
    char exp[160];
    tw_cfg__expect_double(lo, hi, exp, sizeof exp);
    const tw_cfg_node *v;
    tw_status st = tw_cfg__lookup(map, key, required, exp, &v, err);
    if (st != TW_OK) return st;
    if (v == NULL) {
        *out = def;
        return TW_OK;
    }
    return tw_cfg__value_double(v, lo, hi, exp, out, err);
}

tw_status tw_cfg_int(const tw_cfg_node *map, const char *key, bool required, int64_t def,
                     int64_t lo, int64_t hi, int64_t *out, tw_err *err) {
    char exp[160];
    tw_cfg__expect_int(lo, hi, exp, sizeof exp);
    const tw_cfg_node *v;
    tw_status st = tw_cfg__lookup(map, key, required, exp, &v, err);
    if (st != TW_OK) return st;
    if (v == NULL) {
        *out = def;
        return TW_OK;
    }
    int64_t x;
    if (v->kind != TW_CFG_SCALAR || !tw_cfg__parse_int(v->text, &x))
        return tw_cfg__bad(v, exp, err);
    if (v->form != TW_CFG__PLAIN) return tw_cfg__not_plain(v, exp, err);
    if (x < lo || x > hi) return tw_cfg__bad(v, exp, err);
    /* The decimal form of x is the text less its '+' and leading zeros (and "-0" is 0):
     * never longer, so it fits where the text was (see tw_cfg__canonical_number). */
    char canon[24];
    snprintf(canon, sizeof canon, "%lld", (long long)x);
    memcpy(((tw_cfg_node *)v)->text, canon, strlen(canon) + 1);
    *out = x;
    return TW_OK;
}

tw_status tw_cfg_bool(const tw_cfg_node *map, const char *key, bool required, bool def,
                      bool *out, tw_err *err) {
    static const char exp[] = "true or false";
    const tw_cfg_node *v;
    tw_status st = tw_cfg__lookup(map, key, required, exp, &v, err);
    if (st != TW_OK) return st;
    if (v == NULL) {
        *out = def;
        return TW_OK;
    }
    if (v->kind == TW_CFG_SCALAR) {
        const char *t = v->text;
        if (tw_cfg__ascii_ieq(t, "true") || tw_cfg__ascii_ieq(t, "yes") ||
            tw_cfg__ascii_ieq(t, "on")) {
            *out = true;
            return TW_OK;
        }
        if (tw_cfg__ascii_ieq(t, "false") || tw_cfg__ascii_ieq(t, "no") ||
            tw_cfg__ascii_ieq(t, "off")) {
            *out = false;
            return TW_OK;
        }
    }
    return tw_cfg__bad(v, exp, err);
}

tw_status tw_cfg_string(const tw_cfg_node *map, const char *key, bool required,
                        const char *def, const char **out, tw_err *err) {
    static const char exp[] = "a string";
    const tw_cfg_node *v;
    tw_status st = tw_cfg__lookup(map, key, required, exp, &v, err);
    if (st != TW_OK) return st;
    if (v == NULL) {
        *out = def;
        return TW_OK;
    }
    if (v->kind != TW_CFG_SCALAR) return tw_cfg__bad(v, exp, err);
    *out = v->text;
    return TW_OK;
}

tw_status tw_cfg_date(const tw_cfg_node *map, const char *key, bool required, tw_day def,
                      tw_day *out, tw_err *err) {
    static const char exp[] = "a date YYYY-MM-DD that exists";
    const tw_cfg_node *v;
    tw_status st = tw_cfg__lookup(map, key, required, exp, &v, err);
    if (st != TW_OK) return st;
    if (v == NULL) {
        *out = def;
        return TW_OK;
    }
    tw_day d;
    if (v->kind != TW_CFG_SCALAR || !tw_date_parse(v->text, &d)) return tw_cfg__bad(v, exp, err);
    *out = d;
    return TW_OK;
}

tw_status tw_cfg_enum(const tw_cfg_node *map, const char *key, bool required, int def,
                      const char *const *choices, int *out, tw_err *err) {
    char exp[512];
    tw_cfg__expect_enum(choices, exp, sizeof exp);
    const tw_cfg_node *v;
    tw_status st = tw_cfg__lookup(map, key, required, exp, &v, err);
    if (st != TW_OK) return st;
    if (v == NULL) {
        *out = def;
        return TW_OK;
    }
    return tw_cfg__value_enum(v, choices, exp, out, err);
}

tw_status tw_cfg_node_double(const tw_cfg_node *node, double lo, double hi, double *out,
                             tw_err *err) {
    char exp[160];
    tw_cfg__expect_double(lo, hi, exp, sizeof exp);
    if (node == NULL) return tw_err_set(err, TW_ECONFIG, "missing value (expected %s)", exp);
    ((tw_cfg_node *)node)->used = true;
    return tw_cfg__value_double(node, lo, hi, exp, out, err);
}

tw_status tw_cfg_node_enum(const tw_cfg_node *node, const char *const *choices, int *out,
                           tw_err *err) {
    char exp[512];
    tw_cfg__expect_enum(choices, exp, sizeof exp);
    if (node == NULL) return tw_err_set(err, TW_ECONFIG, "missing value (expected %s)", exp);
    ((tw_cfg_node *)node)->used = true;
    return tw_cfg__value_enum(node, choices, exp, out, err);
}

/* ---------------------------------------------------------------------------------- */
/* unknown keys                                                                       */

/* The first entry under n (depth levels below the root) not read by the model: its value,
 * with *at its key (or the element) and *into, when the key came from a parent file into
 * a map that a child gave again (merged key by key, tw_config_extends.c), that map: the
 * child's edit is what made the inherited key unknown, so the error points there (a key
 * that --set added is its own: its file is "--set"). */
static const tw_cfg_node *tw_cfg__first_unused(const tw_cfg_node *n, int depth,
                                               const tw_cfg_node **at,
                                               const tw_cfg_node **into) {
    for (size_t i = 0; i < n->n; i++) {
        const tw_cfg__item *it = &n->items[i];
        if (!it->val->used || (it->key != NULL && !it->key->used)) {
            *at = it->key != NULL ? it->key : it->val;
            const char *kf = (*at)->file;
            *into = depth > 0 && n->kind == TW_CFG_MAP && kf != NULL && n->file != NULL &&
                            strcmp(kf, n->file) != 0 && strcmp(kf, "--set") != 0
                        ? n
                        : NULL;
            return it->val;
        }
        const tw_cfg_node *u = tw_cfg__first_unused(it->val, depth + 1, at, into);
        if (u != NULL) return u;
    }
    return NULL;
}

tw_status tw_cfg_check_unused(const tw_cfg *cfg, tw_err *err) {
    if (cfg == NULL || cfg->root == NULL) return TW_OK;
    const tw_cfg_node *at = NULL, *into = NULL;
    const tw_cfg_node *u = tw_cfg__first_unused(cfg->root, 0, &at, &into);
    if (u == NULL) return TW_OK;
    if (into != NULL)
        return tw_err_at(err, TW_ECONFIG, into->file, into->line, into->col, tw_cfg_path(u),
                         "unknown key (not used by this model), inherited from %s:%d:%d into "
                         "the map given here", at->file, at->line, at->col);
    return tw_err_at(err, TW_ECONFIG, at->file, at->line, at->col, tw_cfg_path(u),
                     "unknown key (not used by this model)");
}
