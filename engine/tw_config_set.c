/* tw_config_set.c - the --set path language: "a.b[2].c=value" applied to a loaded tree.
 *
 * The path is split into steps and walked over what exists without changing anything;
 * the value is parsed as a YAML node of its own (a scalar or a flow collection, located
 * at its column in the assignment); only then is the tree changed, with every allocation
 * made first, so that a failed --set leaves the tree as it was. A replaced subtree is not
 * freed but kept in the tw_cfg until tw_cfg_free, since the caller may hold pointers
 * into it.
 */
#include "tw_config_internal.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The file name that every node made by --set reports. */
static const char tw_cfg__set_file[] = "--set";

/* What a step of the path is: a map key, a sequence index [3], the end of a sequence
 * [+] (append) or the one entry of a sequence whose fields have the given values
 * [measure=reciprocal,imposer=US]. */
typedef enum { TW_CFG__KEY, TW_CFG__INDEX, TW_CFG__APPEND, TW_CFG__SELECT } tw_cfg__stepkind;

typedef struct {
    bool is_index;    /* any of [..]: INDEX, APPEND or SELECT */
    tw_cfg__stepkind kind;
    const char *name; /* into the assignment; key steps, and the field=value list of SELECT */
    size_t len;       /* length of name */
    size_t index;     /* index steps only */
    size_t off;       /* offset of the step in the assignment */
    size_t end;       /* offset just past the step */
} tw_cfg__step;

/* Check the field=value list of a selector a[from..to): comma-separated, each with a
 * non-empty field and value. Fills err and returns false otherwise. */
static bool tw_cfg__selector_ok(const char *a, size_t from, size_t to, tw_err *err) {
    size_t p = from;
    while (p <= to) {
        size_t e = p;
        while (e < to && a[e] != ',') e++;
        const char *eq = memchr(a + p, '=', e - p);
        if (eq == NULL || eq == a + p || eq + 1 == a + e) {
            tw_err_set(err, TW_EUSAGE,
                       "--set %s: bad selector (column %zu): expected [field=value,...], as in "
                       "[measure=reciprocal]", a, p + 1);
            return false;
        }
        p = e + 1;
    }
    return true;
}

/* Whether the map m has every field=value of the selector sel[0..len). */
static bool tw_cfg__selects(const tw_cfg_node *m, const char *sel, size_t len) {
    if (m->kind != TW_CFG_MAP) return false;
    size_t p = 0;
    while (p < len) {
        size_t e = p;
        while (e < len && sel[e] != ',') e++;
        const char *eq = memchr(sel + p, '=', e - p);
        size_t flen = (size_t)(eq - (sel + p)), vlen = (size_t)((sel + e) - (eq + 1));
        size_t j = tw_cfg__find(m, sel + p, flen);
        if (j == SIZE_MAX) return false;
        const tw_cfg_node *v = m->items[j].val;
        if (v->kind != TW_CFG_SCALAR || strlen(v->text) != vlen ||
            memcmp(v->text, eq + 1, vlen) != 0)
            return false;
        p = e + 1;
    }
    return true;
}

/* The index of the one element of seq the selector picks, or SIZE_MAX after filling err
 * (none, or several: then their indices are listed so that one can be named). */
static size_t tw_cfg__select(const char *a, const tw_cfg_node *seq, const tw_cfg__step *sp,
                             int plen_prev, tw_err *err) {
    size_t found = SIZE_MAX, count = 0;
    char list[160] = "";
    size_t used = 0;
    for (size_t i = 0; i < seq->n; i++) {
        if (!tw_cfg__selects(seq->items[i].val, sp->name, sp->len)) continue;
        if (count++ == 0) found = i;
        if (used + 24 < sizeof list) {
            int w = snprintf(list + used, sizeof list - used, "%s%zu", used ? ", " : "", i);
            if (w > 0) used += (size_t)w;
        }
    }
    if (count == 1) return found;
    if (count == 0)
        tw_err_set(err, TW_EUSAGE, "--set %s: no entry of '%.*s' has %.*s (column %zu)", a,
                   plen_prev, a, (int)sp->len, sp->name, sp->off + 1);
    else
        tw_err_set(err, TW_EUSAGE,
                   "--set %s: %.*s matches %zu entries of '%.*s' (indices %s): add a field, "
                   "as in [%.*s,effective=YYYY-MM-DD], or use an index (column %zu)",
                   a, (int)sp->len, sp->name, count, plen_prev, a, list, (int)sp->len,
                   sp->name, sp->off + 1);
    return SIZE_MAX;
}

/* Split "a.b[2].c" into steps. Returns the number of steps, or 0 after filling err. */
static size_t tw_cfg__split_path(const char *a, size_t plen, tw_cfg__step *steps, tw_err *err) {
    size_t i = 0, n = 0;
    if (plen == 0) {
        tw_err_set(err, TW_EUSAGE, "--set %s: empty key path (expected key.path=value)", a);
        return 0;
    }
    for (;;) {
        size_t start = i;
        while (i < plen && a[i] != '.' && a[i] != '[' && a[i] != ']') i++;
        if (i == start) {
            tw_err_set(err, TW_EUSAGE, "--set %s: %s (column %zu)", a,
                       a[i] == '['   ? "an index must follow a key, as in key[3]"
                       : a[i] == ']' ? "unexpected ']'"
                                     : "empty key",
                       i + 1);
            return 0;
        }
        steps[n++] = (tw_cfg__step){false, TW_CFG__KEY, a + start, i - start, 0, start, i};
        while (i < plen && a[i] == '[') {
            size_t open = i++;
            if (i + 1 < plen && a[i] == '+' && a[i + 1] == ']') {
                i += 2;
                steps[n++] = (tw_cfg__step){true, TW_CFG__APPEND, NULL, 0, 0, open, i};
                continue;
            }
            size_t close = i;
            while (close < plen && a[close] != ']' && a[close] != '[') close++;
            if (close < plen && a[close] == ']' && memchr(a + i, '=', close - i) != NULL) {
                if (!tw_cfg__selector_ok(a, i, close, err)) return 0;
                steps[n++] = (tw_cfg__step){true, TW_CFG__SELECT, a + i, close - i, 0, open,
                                            close + 1};
                i = close + 1;
                continue;
            }
            size_t v = 0, digits = 0;
            bool overflow = false;
            while (i < plen && a[i] >= '0' && a[i] <= '9') {
                size_t d = (size_t)(a[i] - '0');
                if (v > (SIZE_MAX - d) / 10) overflow = true;
                else v = v * 10 + d;
                digits++;
                i++;
            }
            if (digits == 0 || i >= plen || a[i] != ']' || overflow) {
                tw_err_set(err, TW_EUSAGE,
                           "--set %s: bad index (column %zu): expected [N] (N a number), [+] "
                           "or [field=value,...]", a, open + 1);
                return 0;
            }
            i++;
            steps[n++] = (tw_cfg__step){true, TW_CFG__INDEX, NULL, 0, v, open, i};
        }
        if (i == plen) break;
        if (a[i] != '.' || i + 1 == plen) {
            tw_err_set(err, TW_EUSAGE, "--set %s: %s (column %zu)", a,
                       a[i] == '.' ? "empty key" : "unexpected character", i + 1);
            return 0;
        }
        i++;
    }
    return n;
}

/* 1-based column of an offset in the assignment. */
static int tw_cfg__set_col(size_t off) {
    return off >= (size_t)INT_MAX - 1 ? INT_MAX : (int)off + 1;
}

static bool tw_cfg__bury(tw_cfg *cfg, tw_cfg_node *n) {
    if (cfg->ndead == cfg->capdead) {
        size_t cap = cfg->capdead != 0 ? cfg->capdead * 2 : 4;
        tw_cfg_node **p = realloc(cfg->dead, cap * sizeof *p);
        if (p == NULL) return false;
        cfg->dead = p;
        cfg->capdead = cap;
    }
    cfg->dead[cfg->ndead++] = n;
    return true;
}

/* Offset of the first byte of s that does not belong to printable UTF-8 text (what YAML
 * calls printable, less line breaks and tabs: U+0020..U+007E, U+00A0..U+D7FF,
 * U+E000..U+FFFD, U+10000..U+10FFFF, each in its shortest encoding); len if none. */
static size_t tw_cfg__unprintable(const unsigned char *s, size_t len) {
    size_t i = 0;
    while (i < len) {
        unsigned c = s[i];
        size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3
                                : (c & 0xF8) == 0xF0 ? 4 : 0;
        if (n == 0 || i + n > len) return i;
        unsigned long cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
        for (size_t k = 1; k < n; k++) {
            if ((s[i + k] & 0xC0) != 0x80) return i;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        static const unsigned long shortest[5] = {0, 0, 0x80, 0x800, 0x10000};
        bool ok = cp >= shortest[n] &&
                  ((cp >= 0x20 && cp <= 0x7E) || (cp >= 0xA0 && cp <= 0xD7FF) ||
                   (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF));
        if (!ok) return i;
        i += n;
    }
    return len;
}

tw_status tw_cfg_set(tw_cfg *cfg, const char *assignment, tw_err *err) {
    if (cfg == NULL || cfg->root == NULL || assignment == NULL)
        return tw_err_set(err, TW_EUSAGE, "--set: no configuration or no assignment");
    const char *a = assignment;
    /* Key names are taken from the text as they stand (values go through libyaml, which
     * checks them), and every message below echoes the text: so refuse, without echoing
     * it, what would make a key that cannot be emitted or a message of more than a line. */
    size_t alen = strlen(a), bad = tw_cfg__unprintable((const unsigned char *)a, alen);
    if (bad < alen)
        return tw_err_set(err, TW_EUSAGE,
                          "--set: expected one line of printable UTF-8 text (byte 0x%02X at "
                          "column %zu)",
                          (unsigned)(unsigned char)a[bad], bad + 1);
    const char *eq = a; /* the first '=' outside brackets: [field=value] is in the path */
    for (int depth = 0; *eq != '\0' && (*eq != '=' || depth > 0); eq++)
        depth += *eq == '[' ? 1 : *eq == ']' && depth > 0 ? -1 : 0;
    if (*eq == '\0') eq = strchr(a, '='); /* an unclosed '[': the path is bad, said below */
    if (eq == NULL)
        return tw_err_set(err, TW_EUSAGE, "--set %s: missing '=' (expected key.path=value)", a);
    size_t plen = (size_t)(eq - a);
    tw_cfg__step *steps = malloc((plen + 1) * sizeof *steps);
    if (steps == NULL) return tw_cfg__nomem(err);
    tw_status st = TW_OK;
    size_t nsteps = tw_cfg__split_path(a, plen, steps, err);
    if (nsteps == 0) {
        free(steps);
        return TW_EUSAGE;
    }
    if (nsteps >= (size_t)TW_CFG_MAX_DEPTH) {
        free(steps);
        return tw_err_set(err, TW_EUSAGE, "--set %s: key path deeper than %d levels", a,
                          TW_CFG_MAX_DEPTH - 1);
    }

    /* A name ending in '+' or '!' is a list form in a scenario file (tw_config_extends.c):
     * as a key of the tree it would be emitted to scenario.yaml and read back as that form. */
    for (size_t j = 0; j < nsteps; j++)
        if (!steps[j].is_index && steps[j].len > 0 &&
            (steps[j].name[steps[j].len - 1] == '+' || steps[j].name[steps[j].len - 1] == '!')) {
            size_t col = steps[j].off + steps[j].len;
            free(steps);
            return tw_err_set(err, TW_EUSAGE,
                              "--set %s: a key name cannot end in '+' or '!' (column %zu; to "
                              "append to a list write key[+]=value)",
                              a, col);
        }

    /* `extends` is resolved when a file loads; set after that, it would be written to
     * scenario.yaml and read back as a parent to load. */
    if (!steps[0].is_index && steps[0].len == 7 && memcmp(steps[0].name, "extends", 7) == 0) {
        free(steps);
        return tw_err_set(err, TW_EUSAGE,
                          "--set %s: extends cannot be set (column 1): it names a parent "
                          "scenario, resolved when the file loads; write it in the file",
                          a);
    }

    /* Walk what exists, changing nothing: find the container that gets the value. */
    tw_cfg_node *cur = cfg->root;
    bool append = false; /* the path ends in [+] on the existing sequence cur */
    size_t k = 0, slot = SIZE_MAX; /* steps[k] is the last that exists, at cur->items[slot] */
    for (k = 0; k < nsteps; k++) {
        const tw_cfg__step *sp = &steps[k];
        int plen_prev = (int)(k > 0 ? steps[k - 1].end : 0);
        if (!sp->is_index) {
            if (cur->kind != TW_CFG_MAP) {
                st = tw_err_set(err, TW_EUSAGE, "--set %s: '%.*s' is %s, not a map%s", a,
                                plen_prev, a, tw_cfg__kind_name(cur->kind),
                                cur->kind == TW_CFG_SEQ ? " (use an index, as in key[0])" : "");
                break;
            }
            slot = tw_cfg__find(cur, sp->name, sp->len);
            if (slot == SIZE_MAX) break; /* the rest is created */
        } else {
            if (cur->kind != TW_CFG_SEQ) {
                st = tw_err_set(err, TW_EUSAGE, "--set %s: '%.*s' is %s, not a sequence", a,
                                plen_prev, a, tw_cfg__kind_name(cur->kind));
                break;
            }
            if (sp->kind == TW_CFG__APPEND) {
                if (k + 1 < nsteps)
                    st = tw_err_set(err, TW_EUSAGE,
                                    "--set %s: [+] appends a whole entry and must end the key "
                                    "path (column %zu)", a, sp->off + 1);
                else
                    append = true;
                break;
            }
            if (sp->kind == TW_CFG__SELECT) {
                slot = tw_cfg__select(a, cur, sp, plen_prev, err);
                if (slot == SIZE_MAX) {
                    st = TW_EUSAGE;
                    break;
                }
            } else if (sp->index >= cur->n) {
                st = tw_err_set(err, TW_EUSAGE,
                                "--set %s: index %zu out of range ('%.*s' has %zu element%s)",
                                a, sp->index, plen_prev, a, cur->n, cur->n == 1 ? "" : "s");
                break;
            }
            else
                slot = sp->index;
        }
        if (k + 1 < nsteps) cur = cur->items[slot].val;
    }
    if (append) k = nsteps; /* every step exists: the value goes at the end of cur */
    bool new_list = false; /* the path ends in [+] after missing keys: a new sequence */
    if (st == TW_OK && !append && k < nsteps) { /* steps[k..] are missing: names, and [+] */
        if (nsteps > k + 1 && steps[nsteps - 1].kind == TW_CFG__APPEND) {
            new_list = true;
            nsteps--;
        }
        for (size_t j = k + 1; j < nsteps && st == TW_OK; j++)
            if (steps[j].is_index)
                st = tw_err_set(err, TW_EUSAGE, "--set %s: '%.*s' does not exist, so it cannot "
                                "be indexed", a, (int)steps[j - 1].end, a);
    }
    if (st != TW_OK) {
        free(steps);
        return st;
    }

    /* Parse the value as a YAML node of its own. */
    tw_cfg__loader ld = {.cfg = cfg, .err = err, .set = a};
    size_t voff = plen + 1;
    tw_cfg__src s = {&ld,
                     tw_cfg__set_file,
                     (const unsigned char *)eq + 1,
                     strlen(eq + 1),
                     voff > (size_t)INT_MAX / 2 ? INT_MAX / 2 : (int)voff,
                     TW_CFG_MAX_DEPTH - (int)nsteps,
                     true};
    tw_cfg_node *val = NULL;
    st = tw_cfg__parse(&s, &val);
    if (st == TW_OK && val == NULL) {
        val = tw_cfg__scalar_new("", 0, tw_cfg__set_file, 1, s.col0 + 1);
        if (val == NULL) st = tw_cfg__nomem(err);
    }
    if (st != TW_OK) {
        tw_cfg__node_free(val);
        free(steps);
        return st;
    }

    /* Build the missing keys as a detached chain of maps ending in the value (in a new
     * sequence when the path ended in [+]). */
    tw_cfg_node *chain = val;
    bool ok = true;
    if (new_list) {
        chain = tw_cfg__node_new(TW_CFG_SEQ, tw_cfg__set_file, 1,
                                 tw_cfg__set_col(steps[nsteps].off));
        if (chain == NULL || !tw_cfg__push(chain, NULL, val)) {
            tw_cfg__node_free(chain);
            chain = val;
            ok = false;
        }
    }
    if (k < nsteps) {
        for (size_t j = nsteps; j-- > k + 1 && ok;) {
            tw_cfg_node *key = tw_cfg__scalar_new(steps[j].name, steps[j].len,
                                                  tw_cfg__set_file, 1,
                                                  tw_cfg__set_col(steps[j].off));
            tw_cfg_node *map = tw_cfg__node_new(TW_CFG_MAP, tw_cfg__set_file, 1,
                                                tw_cfg__set_col(steps[j - 1].off));
            if (key == NULL || map == NULL || !tw_cfg__push(map, key, chain)) {
                tw_cfg__node_free(key);
                tw_cfg__node_free(map);
                ok = false;
            } else {
                chain = map;
            }
        }
    }
    tw_cfg_node *newkey = NULL;
    if (ok && k < nsteps) {
        newkey = tw_cfg__scalar_new(steps[k].name, steps[k].len, tw_cfg__set_file, 1,
                                    tw_cfg__set_col(steps[k].off));
        ok = newkey != NULL;
    }
    /* Reserve the graveyard slot (replacement) or the map slot (new key) before changing
     * anything, so that the tree is never left half changed. */
    if (ok && k == nsteps && !append) {
        ok = tw_cfg__bury(cfg, NULL);
        if (ok) cfg->ndead--;
    }
    if (ok && append) {
        ok = tw_cfg__push(cur, NULL, chain);
    } else if (ok && k < nsteps) {
        ok = tw_cfg__push(cur, newkey, chain);
    } else if (ok) {
        cfg->dead[cfg->ndead++] = cur->items[slot].val;
        cur->items[slot].val = chain;
    }
    if (!ok) {
        tw_cfg__node_free(newkey);
        tw_cfg__node_free(chain);
        free(steps);
        return tw_cfg__nomem(err);
    }
    free(steps);
    char *root_path = tw_cfg__strdup("");
    if (root_path == NULL || !tw_cfg__assign_paths(cfg->root, root_path))
        return tw_cfg__nomem(err);
    return TW_OK;
}
