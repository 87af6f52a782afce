/* tw_config_yaml.c - one YAML text (a scenario file, a string or a --set value) read
 * into a configuration tree.
 *
 * Each text is read twice by libyaml. The first pass runs the event parser alone,
 * which builds nothing, to refuse what must never become a tree: syntax errors, anchors
 * and aliases (libyaml's loader shares aliased nodes, so an alias bomb costs nothing until
 * someone copies it; we refuse the first anchor instead), nesting deeper than
 * TW_CFG_MAX_DEPTH and a second document. The second pass is libyaml's document loader;
 * its graph is copied into our own tree (strings owned, 1-based locations, dotted paths)
 * and deleted at once, so nothing of libyaml outlives a load. The first pass makes the
 * second safe: it cannot meet an alias or an over-deep nest, and every node it copies is
 * reached once (we still check, since a shared node would mean an alias).
 *
 * There is no global state: everything a parse needs lives in the tw_cfg__src and
 * tw_cfg__loader on the caller's stack, so two threads may parse two texts at once.
 */
#include "tw_config_internal.h"

#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* ---------------------------------------------------------------------------------- */
/* parsing one text                                                                   */

static int tw_cfg__mark_line(yaml_mark_t m) {
    return m.line >= (size_t)INT_MAX ? INT_MAX : (int)m.line + 1;
}

static int tw_cfg__mark_col(const tw_cfg__src *s, yaml_mark_t m) {
    size_t c = m.column + 1 + (m.line == 0 ? (size_t)s->col0 : 0);
    return c >= (size_t)INT_MAX ? INT_MAX : (int)c;
}

/* Report an error in the text being parsed: "file:line:col: key: message", or, for a
 * --set value, "--set a=b: column N: message" (TW_EUSAGE). line <= 0 drops the place. */
static tw_status tw_cfg__fail(const tw_cfg__src *s, int line, int col, const char *key,
                              const char *fmt, ...) TW_CFG__PRINTF(5, 6);
static tw_status tw_cfg__fail(const tw_cfg__src *s, int line, int col, const char *key,
                              const char *fmt, ...) {
    char msg[TW_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    tw_err *err = s->ld->err;
    const char *set = s->ld->set;
    if (set != NULL) {
        if (line > 1)
            return tw_err_set(err, TW_EUSAGE, "--set %s: line %d, column %d: %s", set, line,
                              col, msg);
        if (line == 1)
            return tw_err_set(err, TW_EUSAGE, "--set %s: column %d: %s", set, col, msg);
        return tw_err_set(err, TW_EUSAGE, "--set %s: %s", set, msg);
    }
    return tw_err_at(err, TW_ECONFIG, s->file, line, col, key, "%s", msg);
}

/* The byte at libyaml's mark index (a count of characters), or -1 past the end. */
static int tw_cfg__char_at(const tw_cfg__src *s, size_t index) {
    size_t b = 0;
    for (size_t i = 0; i < index && b < s->len; i++) {
        unsigned char c = s->text[b];
        b += c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    }
    return b < s->len ? s->text[b] : -1;
}

/* Line and column (1-based, in characters) of a byte offset. */
static void tw_cfg__offset_pos(const tw_cfg__src *s, size_t off, int *line, int *col) {
    size_t l = 1, c = 1;
    for (size_t b = 0; b < off && b < s->len; b++) {
        unsigned char ch = s->text[b];
        if (ch == '\n') {
            l++;
            c = 1;
        } else if ((ch & 0xC0) != 0x80) {
            c++;
        }
    }
    if (l == 1) c += (size_t)s->col0;
    *line = l >= (size_t)INT_MAX ? INT_MAX : (int)l;
    *col = c >= (size_t)INT_MAX ? INT_MAX : (int)c;
}

static tw_status tw_cfg__syntax(const tw_cfg__src *s, const yaml_parser_t *p,
                                const char *key) {
    if (p->error == YAML_MEMORY_ERROR) return tw_cfg__nomem(s->ld->err);
    const char *problem = p->problem != NULL ? p->problem : "unknown error";
    if (p->error == YAML_READER_ERROR) {
        int line, col;
        tw_cfg__offset_pos(s, p->problem_offset, &line, &col);
        if (p->problem_value < 0)
            return tw_cfg__fail(s, line, col, key, "invalid text: %s", problem);
        bool code_point = strstr(problem, "control") != NULL || strstr(problem, "Unicode");
        return tw_cfg__fail(s, line, col, key,
                            code_point ? "invalid text: %s (U+%04X); the file must be UTF-8 text"
                                       : "invalid text: %s (byte 0x%02X); the file must be "
                                         "UTF-8 text",
                            problem, (unsigned)p->problem_value);
    }
    yaml_mark_t m = p->problem_mark;
    int line = tw_cfg__mark_line(m), col = tw_cfg__mark_col(s, m);
    if (s->ld->set != NULL && tw_cfg__char_at(s, m.index) < 0) /* libyaml puts the end of */
        return tw_cfg__fail(s, 0, 0, NULL,                       /* a text on a line of its own */
                            "YAML syntax error at the end of the value: %s", problem);
    if (tw_cfg__char_at(s, m.index) == '\t')
        return tw_cfg__fail(s, line, col, key,
                            "YAML syntax error: tab character: tabs are not allowed for "
                            "indentation, use spaces (%s)",
                            problem);
    if (p->context != NULL)
        return tw_cfg__fail(s, line, col, key, "YAML syntax error: %s (%s at line %d, column %d)",
                            problem, p->context, tw_cfg__mark_line(p->context_mark),
                            tw_cfg__mark_col(s, p->context_mark));
    return tw_cfg__fail(s, line, col, key, "YAML syntax error: %s", problem);
}

/* Where the first pass is: one frame per open container. A map frame holds the key whose
 * value is being read (have_key), a sequence frame the index of the element. The dotted
 * path built from the frames names the key an error belongs to, as the tree's paths do,
 * before any tree exists: "firms.per_cell", "tariffs[2].rate". */
typedef struct {
    bool is_map;
    bool have_key;  /* map: the next node is the value of key */
    char key[64];   /* map: the current key, cut to fit */
    size_t index;   /* sequence: the element being read */
} tw_cfg__frame;

static void tw_cfg__frames_path(const tw_cfg__frame *f, int n, char *buf, size_t size) {
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 0; i < n && len < size; i++) {
        int w = 0;
        if (f[i].is_map && f[i].have_key)
            w = snprintf(buf + len, size - len, "%s%s", len > 0 ? "." : "", f[i].key);
        else if (!f[i].is_map)
            w = snprintf(buf + len, size - len, "[%zu]", f[i].index);
        if (w > 0) len += (size_t)w;
    }
}

/* A node (or a whole container) has been read in the frame f: move f on. */
static void tw_cfg__frame_advance(tw_cfg__frame *f, const char *scalar_text) {
    if (!f->is_map) {
        f->index++;
    } else if (f->have_key) {
        f->have_key = false;
    } else {
        snprintf(f->key, sizeof f->key, "%s", scalar_text != NULL ? scalar_text : "?");
        f->have_key = true;
    }
}

/* First pass: events only. Refuses syntax errors, anchors, aliases, over-deep nesting
 * and more than one document before anything is built. */
static tw_status tw_cfg__prescan(const tw_cfg__src *s) {
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p)) return tw_cfg__nomem(s->ld->err);
    yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
    yaml_parser_set_input_string(&p, s->text, s->len);
    tw_status st = TW_OK;
    int depth = 0, docs = 0;
    tw_cfg__frame frames[TW_CFG_MAX_DEPTH + 1];
    char key[512];
    bool done = false;
    while (!done && st == TW_OK) {
        yaml_event_t ev;
        int nf = depth < TW_CFG_MAX_DEPTH + 1 ? depth : TW_CFG_MAX_DEPTH + 1;
        tw_cfg__frames_path(frames, nf, key, sizeof key);
        if (!yaml_parser_parse(&p, &ev)) {
            st = tw_cfg__syntax(s, &p, key);
            break;
        }
        int line = tw_cfg__mark_line(ev.start_mark), col = tw_cfg__mark_col(s, ev.start_mark);
        const yaml_char_t *anchor = NULL;
        bool opens = false, node = false;
        const char *text = NULL;
        switch (ev.type) {
        case YAML_STREAM_END_EVENT: done = true; break;
        case YAML_DOCUMENT_START_EVENT:
            if (++docs > 1)
                st = tw_cfg__fail(s, line, col, NULL,
                                  "more than one YAML document (a scenario is exactly one)");
            break;
        case YAML_ALIAS_EVENT:
            st = tw_cfg__fail(s, line, col, key,
                              "aliases (*%.40s) are not allowed: write the value out",
                              (const char *)ev.data.alias.anchor);
            break;
        case YAML_SCALAR_EVENT:
            anchor = ev.data.scalar.anchor;
            node = true;
            text = (const char *)ev.data.scalar.value;
            break;
        case YAML_SEQUENCE_START_EVENT:
            anchor = ev.data.sequence_start.anchor;
            opens = true;
            break;
        case YAML_MAPPING_START_EVENT:
            anchor = ev.data.mapping_start.anchor;
            opens = true;
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            depth--;
            node = true; /* the container just closed is a node of the frame around it */
            break;
        default: break;
        }
        if (st == TW_OK && anchor != NULL)
            st = tw_cfg__fail(s, line, col, key,
                              "anchors (&%.40s) are not allowed: write the value out",
                              (const char *)anchor);
        if (node && depth > 0 && depth <= TW_CFG_MAX_DEPTH + 1)
            tw_cfg__frame_advance(&frames[depth - 1], text);
        if (opens) {
            if (depth < TW_CFG_MAX_DEPTH + 1)
                frames[depth] = (tw_cfg__frame){.is_map = ev.type == YAML_MAPPING_START_EVENT};
            depth++;
        }
        if (st == TW_OK && depth > s->max_depth)
            st = tw_cfg__fail(s, line, col, key, "nesting deeper than %d levels",
                              TW_CFG_MAX_DEPTH);
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&p);
    return st;
}

/* Standard tags only ("!!str", "!!int", ... or none, which libyaml fills in). */
static bool tw_cfg__tag_ok(const yaml_node_t *yn) {
    static const char prefix[] = "tag:yaml.org,2002:";
    static const char *const scalar_tags[] = {"str",  "int",       "float", "bool",
                                              "null", "timestamp", NULL};
    const char *t = (const char *)yn->tag;
    if (t == NULL) return true;
    if (strncmp(t, prefix, sizeof prefix - 1) != 0) return false;
    t += sizeof prefix - 1;
    if (yn->type == YAML_MAPPING_NODE) return strcmp(t, "map") == 0;
    if (yn->type == YAML_SEQUENCE_NODE) return strcmp(t, "seq") == 0;
    for (size_t i = 0; scalar_tags[i] != NULL; i++)
        if (strcmp(t, scalar_tags[i]) == 0) return true;
    return false;
}

/* How a scalar (tag already checked) was written; see tw_cfg__form. libyaml's loader
 * gives an untagged scalar the tag !!str, so an explicit !!str (or "!") on a plain
 * scalar shows only in its extent: the marks then span the tag as well as the text. A
 * plain scalar that could be a number is one line of ASCII, whose extent is exactly its
 * length when it has no tag; anything longer (a tag, or a plain scalar folded over
 * several lines, which is never a number) counts as tagged. */
static tw_cfg__form tw_cfg__form_of(const yaml_node_t *yn) {
    static const char prefix[] = "tag:yaml.org,2002:";
    const char *t = (const char *)yn->tag;
    if (t != NULL && strncmp(t, prefix, sizeof prefix - 1) == 0) t += sizeof prefix - 1;
    if (t != NULL && (strcmp(t, "int") == 0 || strcmp(t, "float") == 0)) return TW_CFG__PLAIN;
    if (yn->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) return TW_CFG__QUOTED;
    if (t != NULL && strcmp(t, "str") != 0) return TW_CFG__TAGGED;
    size_t span = yn->end_mark.index - yn->start_mark.index;
    return span > yn->data.scalar.length ? TW_CFG__TAGGED : TW_CFG__PLAIN;
}

typedef struct {
    const char *key;
    size_t i;
} tw_cfg__keyref;

static int tw_cfg__keyref_cmp(const void *a, const void *b) {
    const tw_cfg__keyref *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    if (c != 0) return c;
    return x->i < y->i ? -1 : x->i > y->i;
}

/* Report the first key (document order) that repeats an earlier key of the map. */
static tw_status tw_cfg__check_dups(const tw_cfg__src *s, const tw_cfg_node *map) {
    size_t n = map->n, dup = SIZE_MAX, orig = 0;
    if (n < 2) return TW_OK;
    if (n <= 32) {
        for (size_t i = 1; i < n && dup == SIZE_MAX; i++)
            for (size_t j = 0; j < i; j++)
                if (strcmp(map->items[i].key->text, map->items[j].key->text) == 0) {
                    dup = i;
                    orig = j;
                    break;
                }
    } else {
        /* Sorted by (key, position), the second of each run of equal keys is that key's
         * first repetition; the earliest of those is the one to report. */
        tw_cfg__keyref *refs = malloc(n * sizeof *refs);
        if (refs == NULL) return tw_cfg__nomem(s->ld->err);
        for (size_t i = 0; i < n; i++) {
            refs[i].key = map->items[i].key->text;
            refs[i].i = i;
        }
        qsort(refs, n, sizeof *refs, tw_cfg__keyref_cmp);
        for (size_t k = 1; k < n; k++) {
            bool second = strcmp(refs[k].key, refs[k - 1].key) == 0 &&
                          (k < 2 || strcmp(refs[k - 1].key, refs[k - 2].key) != 0);
            if (second && refs[k].i < dup) {
                dup = refs[k].i;
                orig = refs[k - 1].i;
            }
        }
        free(refs);
    }
    if (dup == SIZE_MAX) return TW_OK;
    const tw_cfg_node *k = map->items[dup].key, *o = map->items[orig].key;
    return tw_cfg__fail(s, k->line, k->col, map->items[dup].val->path,
                        "duplicate key (already defined at line %d, column %d)", o->line,
                        o->col);
}

static tw_status tw_cfg__build(const tw_cfg__src *s, yaml_document_t *doc, int id, int depth,
                               char *path, unsigned char *seen, tw_cfg_node **out);

/* Fill n (already made, path set) from the libyaml node yn. */
static tw_status tw_cfg__build_body(const tw_cfg__src *s, yaml_document_t *doc,
                                    const yaml_node_t *yn, int depth, unsigned char *seen,
                                    tw_cfg_node *n) {
    tw_err *err = s->ld->err;
    if (!tw_cfg__tag_ok(yn))
        return tw_cfg__fail(s, n->line, n->col, n->path,
                            "tag '%.60s' is not allowed (only the standard YAML tags)",
                            (const char *)yn->tag);
    if (yn->type == YAML_SCALAR_NODE) {
        const char *v = (const char *)yn->data.scalar.value;
        size_t len = yn->data.scalar.length;
        if (len > 0 && memchr(v, '\0', len) != NULL)
            return tw_cfg__fail(s, n->line, n->col, n->path,
                                "NUL characters are not allowed in text");
        n->text = malloc(len + 1);
        if (n->text == NULL) return tw_cfg__nomem(err);
        if (len > 0) memcpy(n->text, v, len);
        n->text[len] = '\0';
        n->form = tw_cfg__form_of(yn);
        return TW_OK;
    }
    if (depth > s->max_depth)
        return tw_cfg__fail(s, n->line, n->col, n->path, "nesting deeper than %d levels",
                            TW_CFG_MAX_DEPTH);
    if (yn->type == YAML_SEQUENCE_NODE) {
        const yaml_node_item_t *start = yn->data.sequence.items.start;
        for (const yaml_node_item_t *it = start; it < yn->data.sequence.items.top; it++) {
            char *cp = tw_cfg__path_index(n->path, (size_t)(it - start));
            if (cp == NULL) return tw_cfg__nomem(err);
            tw_cfg_node *c;
            tw_status st = tw_cfg__build(s, doc, *it, depth + 1, cp, seen, &c);
            if (st != TW_OK) return st;
            if (!tw_cfg__push(n, NULL, c)) {
                tw_cfg__node_free(c);
                return tw_cfg__nomem(err);
            }
        }
        return TW_OK;
    }
    for (const yaml_node_pair_t *pr = yn->data.mapping.pairs.start;
         pr < yn->data.mapping.pairs.top; pr++) {
        const yaml_node_t *kn = yaml_document_get_node(doc, pr->key);
        if (kn == NULL) return tw_cfg__fail(s, n->line, n->col, n->path, "broken YAML document");
        if (kn->type != YAML_SCALAR_NODE)
            return tw_cfg__fail(s, tw_cfg__mark_line(kn->start_mark),
                                tw_cfg__mark_col(s, kn->start_mark), n->path,
                                "map keys must be scalars (got %s)",
                                kn->type == YAML_MAPPING_NODE ? "a map" : "a sequence");
        tw_cfg_node *k, *v;
        tw_status st = tw_cfg__build(s, doc, pr->key, depth + 1, NULL, seen, &k);
        if (st != TW_OK) return st;
        char *cp = tw_cfg__path_key(n->path, k->text);
        if (cp == NULL) {
            tw_cfg__node_free(k);
            return tw_cfg__nomem(err);
        }
        st = tw_cfg__build(s, doc, pr->value, depth + 1, cp, seen, &v);
        if (st != TW_OK) {
            tw_cfg__node_free(k);
            return st;
        }
        if (!tw_cfg__push(n, k, v)) {
            tw_cfg__node_free(k);
            tw_cfg__node_free(v);
            return tw_cfg__nomem(err);
        }
    }
    return tw_cfg__check_dups(s, n);
}

/* Copy libyaml node id (and all below it) into *out; path is taken over (even on
 * failure). depth counts containers, the outermost being 1. */
static tw_status tw_cfg__build(const tw_cfg__src *s, yaml_document_t *doc, int id, int depth,
                               char *path, unsigned char *seen, tw_cfg_node **out) {
    *out = NULL;
    yaml_node_t *yn = yaml_document_get_node(doc, id);
    if (yn == NULL) {
        free(path);
        return tw_cfg__fail(s, 0, 0, NULL, "broken YAML document");
    }
    int line = tw_cfg__mark_line(yn->start_mark), col = tw_cfg__mark_col(s, yn->start_mark);
    if (seen[id - 1]) {
        free(path);
        return tw_cfg__fail(s, line, col, NULL, "aliases are not allowed");
    }
    seen[id - 1] = 1;
    tw_cfg_kind kind = yn->type == YAML_MAPPING_NODE    ? TW_CFG_MAP
                       : yn->type == YAML_SEQUENCE_NODE ? TW_CFG_SEQ
                                                        : TW_CFG_SCALAR;
    tw_cfg_node *n = tw_cfg__node_new(kind, s->file, line, col);
    if (n == NULL) {
        free(path);
        return tw_cfg__nomem(s->ld->err);
    }
    n->path = path;
    tw_status st = tw_cfg__build_body(s, doc, yn, depth, seen, n);
    if (st != TW_OK) {
        tw_cfg__node_free(n);
        return st;
    }
    *out = n;
    return TW_OK;
}

/* Parse one YAML text into a tree; *out is NULL for an empty stream. */
tw_status tw_cfg__parse(const tw_cfg__src *src, tw_cfg_node **out) {
    *out = NULL;
    /* We tell libyaml the text is UTF-8 (so UTF-16 is refused, not silently decoded); it
     * then no longer drops a UTF-8 byte order mark, so drop it here. */
    tw_cfg__src bomless = *src;
    const tw_cfg__src *s = &bomless;
    if (bomless.len >= 3 && memcmp(bomless.text, "\xEF\xBB\xBF", 3) == 0) {
        bomless.text += 3;
        bomless.len -= 3;
    }
    tw_status st = tw_cfg__prescan(s);
    if (st != TW_OK) return st;

    yaml_parser_t p;
    yaml_document_t doc;
    if (!yaml_parser_initialize(&p)) return tw_cfg__nomem(s->ld->err);
    yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
    yaml_parser_set_input_string(&p, s->text, s->len);
    if (!yaml_parser_load(&p, &doc)) {
        st = tw_cfg__syntax(s, &p, NULL);
        yaml_parser_delete(&p);
        return st;
    }
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (root != NULL) {
        bool block = (root->type == YAML_MAPPING_NODE &&
                      root->data.mapping.style == YAML_BLOCK_MAPPING_STYLE) ||
                     (root->type == YAML_SEQUENCE_NODE &&
                      root->data.sequence.style == YAML_BLOCK_SEQUENCE_STYLE);
        size_t count = (size_t)(doc.nodes.top - doc.nodes.start);
        unsigned char *seen = calloc(count, 1);
        char *path = tw_cfg__strdup("");
        if (s->flow_only && block) {
            st = tw_cfg__fail(s, tw_cfg__mark_line(root->start_mark),
                              tw_cfg__mark_col(s, root->start_mark), NULL,
                              "the value must be a scalar or a flow collection such as [a, b] "
                              "or {k: v} (quote text that contains ': ' or starts with '- ')");
        } else if (seen == NULL || path == NULL) {
            st = tw_cfg__nomem(s->ld->err);
        } else {
            st = tw_cfg__build(s, &doc, 1, 1, path, seen, out);
            path = NULL;
        }
        free(path);
        free(seen);
    }
    yaml_document_delete(&doc);
    yaml_parser_delete(&p);
    return st;
}

/* Parse a whole scenario text: one document whose top level is a map. */
tw_status tw_cfg__load_text(tw_cfg__loader *ld, const char *file,
                            const unsigned char *text, size_t len, tw_cfg_node **out) {
    *out = NULL;
    if (len > TW_CFG_MAX_FILE_BYTES)
        return tw_err_at(ld->err, TW_ECONFIG, file, 0, 0, NULL, "file is larger than %u bytes",
                         TW_CFG_MAX_FILE_BYTES);
    tw_cfg__src s = {ld, file, text, len, 0, TW_CFG_MAX_DEPTH, false};
    tw_cfg_node *root;
    tw_status st = tw_cfg__parse(&s, &root);
    if (st != TW_OK) return st;
    if (root == NULL || (root->kind == TW_CFG_SCALAR && root->text[0] == '\0')) {
        tw_cfg__node_free(root);
        /* Located at the top of the file, as every scenario error is located. */
        return tw_err_at(ld->err, TW_ECONFIG, file, 1, 1, NULL,
                         "empty document (a scenario is a map of settings)");
    }
    if (root->kind != TW_CFG_MAP) {
        st = tw_cfg__fail(&s, root->line, root->col, NULL,
                          "the top level must be a map of settings (got %s)",
                          tw_cfg__kind_name(root->kind));
        tw_cfg__node_free(root);
        return st;
    }
    *out = root;
    return TW_OK;
}
