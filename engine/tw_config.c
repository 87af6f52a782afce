/* tw_config.c - the scenario configuration tree (see tw_config.h).
 *
 * Each YAML text is read twice by libyaml. The first pass runs the event parser alone,
 * which builds nothing, to refuse what must never become a tree: syntax errors, anchors
 * and aliases (libyaml's loader shares aliased nodes, so an alias bomb costs nothing until
 * someone copies it; we refuse the first anchor instead), nesting deeper than
 * TW_CFG_MAX_DEPTH and a second document. The second pass is libyaml's document loader;
 * its graph is copied into our own tree (strings owned, 1-based locations, dotted paths)
 * and deleted at once, so nothing of libyaml outlives a load. The first pass makes the
 * second safe: it cannot meet an alias or an over-deep nest, and every node it copies is
 * reached once (we still check, since a shared node would mean an alias).
 *
 * `extends` is resolved after a file's own tree is built: the parent is loaded
 * recursively and the child is merged into it, after which every path is recomputed,
 * because a node's path is where it sits in the merged tree while its file, line and
 * column stay those of the text it came from. Cycles are found by comparing realpath()s
 * of the files on the current chain.
 *
 * There is no global state: everything a load needs lives in a tw_cfg__loader on the
 * caller's stack, and strerror_r() replaces strerror(), so two threads may load two
 * configurations at once. Recursion over the tree is bounded by TW_CFG_MAX_DEPTH, which
 * every way of building a tree (file, string, --set) enforces.
 */
#define _POSIX_C_SOURCE 200809L
#define _XOPEN_SOURCE 700 /* realpath() */

#include "tw_config.h"
#include "tw_file.h"

#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#if defined(__GNUC__)
#define TW_CFG__PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define TW_CFG__PRINTF(f, a)
#endif

/* One entry of a map (key and value) or one element of a sequence (key NULL). */
typedef struct {
    tw_cfg_node *key; /* a scalar node: its text and where it was written; NULL in a seq */
    tw_cfg_node *val;
} tw_cfg__item;

struct tw_cfg_node {
    tw_cfg_kind kind;
    bool used;           /* set by lookups; read by tw_cfg_check_unused */
    int line, col;       /* 1-based location in file */
    const char *file;    /* interned in the owning tw_cfg, or the literal "--set" */
    char *text;          /* scalar text, NUL-terminated (owned); NULL for maps and seqs */
    char *path;          /* dotted path in the merged tree (owned); NULL for map keys */
    tw_cfg__item *items; /* [n] map entries or sequence elements, document order */
    size_t n, cap;       /* used and allocated length of items */
};

struct tw_cfg {
    tw_cfg_node *root;   /* always a map */
    char *source;        /* path given to tw_cfg_load, or the name given to load_string */
    char **files;        /* [nfiles] file names that nodes point at (owned) */
    size_t nfiles, capfiles;
    tw_cfg_node **dead;  /* [ndead] subtrees replaced by --set: kept so that pointers a */
    size_t ndead, capdead; /* caller already holds stay valid until tw_cfg_free */
};

/* State of one tw_cfg_load / load_string / set call. */
typedef struct {
    tw_cfg *cfg;
    tw_err *err;
    const char *set; /* the --set assignment whose value is being parsed, else NULL */
    char *chain[TW_CFG_MAX_EXTENDS + 1]; /* realpath()s of the files being loaded,
                                            outermost first; NULL for a string */
    int nchain;
} tw_cfg__loader;

/* One YAML text being parsed. */
typedef struct {
    tw_cfg__loader *ld;
    const char *file;          /* name given to nodes and errors */
    const unsigned char *text; /* [len] bytes */
    size_t len;
    int col0;       /* added to columns of the first line: offset of a --set value */
    int max_depth;  /* containers allowed, counting the outermost as 1 */
    bool flow_only; /* --set values: refuse a block map or sequence */
} tw_cfg__src;

static const char tw_cfg__set_file[] = "--set";

/* ---------------------------------------------------------------------------------- */
/* small helpers                                                                      */

static tw_status tw_cfg__nomem(tw_err *err) {
    return tw_err_set(err, TW_ENOMEM, "out of memory while reading the configuration");
}

static const char *tw_cfg__strerror(int e, char *buf, size_t size) {
    if (strerror_r(e, buf, size) != 0) snprintf(buf, size, "error %d", e);
    return buf;
}

static char *tw_cfg__strdup(const char *s) {
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p != NULL) memcpy(p, s, n);
    return p;
}

static char *tw_cfg__printf(const char *fmt, ...) TW_CFG__PRINTF(1, 2);
static char *tw_cfg__printf(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) return NULL;
    char *p = malloc((size_t)n + 1);
    if (p == NULL) return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

static char *tw_cfg__path_key(const char *parent, const char *key) {
    if (parent == NULL || parent[0] == '\0') return tw_cfg__strdup(key);
    return tw_cfg__printf("%s.%s", parent, key);
}

static char *tw_cfg__path_index(const char *parent, size_t i) {
    return tw_cfg__printf("%s[%zu]", parent != NULL ? parent : "", i);
}

static const char *tw_cfg__kind_name(tw_cfg_kind kind) {
    switch (kind) {
    case TW_CFG_MAP: return "a map";
    case TW_CFG_SEQ: return "a sequence";
    default: return "a scalar";
    }
}

static bool tw_cfg__ascii_ieq(const char *a, const char *b) {
    for (; *a != '\0' && *b != '\0'; a++, b++) {
        char ca = (*a >= 'A' && *a <= 'Z') ? (char)(*a - 'A' + 'a') : *a;
        char cb = (*b >= 'A' && *b <= 'Z') ? (char)(*b - 'A' + 'a') : *b;
        if (ca != cb) return false;
    }
    return *a == *b;
}

/* ---------------------------------------------------------------------------------- */
/* nodes and the tw_cfg object                                                        */

static tw_cfg_node *tw_cfg__node_new(tw_cfg_kind kind, const char *file, int line, int col) {
    tw_cfg_node *n = calloc(1, sizeof *n);
    if (n == NULL) return NULL;
    n->kind = kind;
    n->file = file;
    n->line = line;
    n->col = col;
    return n;
}

static tw_cfg_node *tw_cfg__scalar_new(const char *text, size_t len, const char *file,
                                       int line, int col) {
    tw_cfg_node *n = tw_cfg__node_new(TW_CFG_SCALAR, file, line, col);
    if (n == NULL) return NULL;
    n->text = malloc(len + 1);
    if (n->text == NULL) {
        free(n);
        return NULL;
    }
    memcpy(n->text, text, len);
    n->text[len] = '\0';
    return n;
}

static void tw_cfg__node_free(tw_cfg_node *n) {
    if (n == NULL) return;
    for (size_t i = 0; i < n->n; i++) {
        tw_cfg__node_free(n->items[i].key);
        tw_cfg__node_free(n->items[i].val);
    }
    free(n->items);
    free(n->text);
    free(n->path);
    free(n);
}

/* Append an entry; on failure the caller still owns key and val. */
static bool tw_cfg__push(tw_cfg_node *n, tw_cfg_node *key, tw_cfg_node *val) {
    if (n->n == n->cap) {
        size_t cap = n->cap != 0 ? n->cap * 2 : 4;
        if (cap > SIZE_MAX / sizeof *n->items) return false;
        tw_cfg__item *p = realloc(n->items, cap * sizeof *p);
        if (p == NULL) return false;
        n->items = p;
        n->cap = cap;
    }
    n->items[n->n].key = key;
    n->items[n->n].val = val;
    n->n++;
    return true;
}

/* Index of key in map, or -1 (as SIZE_MAX). */
static size_t tw_cfg__find(const tw_cfg_node *map, const char *key, size_t len) {
    if (map == NULL || map->kind != TW_CFG_MAP) return SIZE_MAX;
    for (size_t i = 0; i < map->n; i++) {
        const char *k = map->items[i].key->text;
        if (strncmp(k, key, len) == 0 && k[len] == '\0') return i;
    }
    return SIZE_MAX;
}

/* Recompute the dotted paths under n, n taking ownership of path. */
static bool tw_cfg__assign_paths(tw_cfg_node *n, char *path) {
    free(n->path);
    n->path = path;
    for (size_t i = 0; i < n->n; i++) {
        char *cp = n->kind == TW_CFG_MAP ? tw_cfg__path_key(path, n->items[i].key->text)
                                         : tw_cfg__path_index(path, i);
        if (cp == NULL || !tw_cfg__assign_paths(n->items[i].val, cp)) return false;
    }
    return true;
}

static const char *tw_cfg__intern(tw_cfg *cfg, const char *name) {
    for (size_t i = 0; i < cfg->nfiles; i++)
        if (strcmp(cfg->files[i], name) == 0) return cfg->files[i];
    if (cfg->nfiles == cfg->capfiles) {
        size_t cap = cfg->capfiles != 0 ? cfg->capfiles * 2 : 4;
        char **p = realloc(cfg->files, cap * sizeof *p);
        if (p == NULL) return NULL;
        cfg->files = p;
        cfg->capfiles = cap;
    }
    char *copy = tw_cfg__strdup(name);
    if (copy == NULL) return NULL;
    cfg->files[cfg->nfiles++] = copy;
    return copy;
}

static tw_cfg *tw_cfg__new(const char *source) {
    tw_cfg *cfg = calloc(1, sizeof *cfg);
    if (cfg == NULL) return NULL;
    cfg->source = tw_cfg__strdup(source);
    if (cfg->source == NULL) {
        free(cfg);
        return NULL;
    }
    return cfg;
}

void tw_cfg_free(tw_cfg *cfg) {
    if (cfg == NULL) return;
    tw_cfg__node_free(cfg->root);
    for (size_t i = 0; i < cfg->ndead; i++) tw_cfg__node_free(cfg->dead[i]);
    free(cfg->dead);
    for (size_t i = 0; i < cfg->nfiles; i++) free(cfg->files[i]);
    free(cfg->files);
    free(cfg->source);
    free(cfg);
}

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
static tw_status tw_cfg__parse(const tw_cfg__src *src, tw_cfg_node **out) {
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

/* ---------------------------------------------------------------------------------- */
/* files, extends and merging                                                         */

/* Merge src into dst (both maps): maps merge recursively, anything else replaces. src is
 * consumed, even on failure (then dst stays a valid tree the caller must free). */
static bool tw_cfg__merge(tw_cfg_node *dst, tw_cfg_node *src) {
    bool ok = true;
    for (size_t i = 0; i < src->n && ok; i++) {
        tw_cfg__item *it = &src->items[i];
        size_t j = tw_cfg__find(dst, it->key->text, strlen(it->key->text));
        if (j == SIZE_MAX) {
            if (!tw_cfg__push(dst, it->key, it->val)) {
                ok = false;
                break;
            }
        } else {
            tw_cfg__item *d = &dst->items[j];
            if (d->val->kind == TW_CFG_MAP && it->val->kind == TW_CFG_MAP) {
                d->val->file = it->val->file;
                d->val->line = it->val->line;
                d->val->col = it->val->col;
                ok = tw_cfg__merge(d->val, it->val);
            } else {
                tw_cfg__node_free(d->val);
                d->val = it->val;
            }
            tw_cfg__node_free(d->key);
            d->key = it->key;
        }
        it->key = NULL;
        it->val = NULL;
    }
    tw_cfg__node_free(src);
    return ok;
}

/* Read a whole file. ref, when not NULL, is the `extends` value that named it. */
static tw_status tw_cfg__read(tw_cfg__loader *ld, const char *file, const tw_cfg_node *ref,
                              unsigned char **buf, size_t *len) {
    char ebuf[128];
    *buf = NULL;
    *len = 0;
    FILE *fp = fopen(file, "rb");
    if (fp == NULL) {
        int e = errno;
        if (ref == NULL)
            return tw_err_at(ld->err, TW_ECONFIG, file, 0, 0, NULL, "cannot open: %s",
                             tw_cfg__strerror(e, ebuf, sizeof ebuf));
        return tw_err_at(ld->err, TW_ECONFIG, ref->file, ref->line, ref->col, "extends",
                         "cannot open '%s': %s", file, tw_cfg__strerror(e, ebuf, sizeof ebuf));
    }
    char *b;
    size_t n;
    tw_read_status rs = tw_read_all(fp, TW_CFG_MAX_FILE_BYTES, &b, &n);
    int e = errno;
    fclose(fp);
    if (rs == TW_READ_NOMEM) return tw_cfg__nomem(ld->err);
    if (rs == TW_READ_ERROR) {
        tw_cfg__strerror(e, ebuf, sizeof ebuf);
        return ref == NULL ? tw_err_at(ld->err, TW_ECONFIG, file, 0, 0, NULL,
                                       "cannot read: %s", ebuf)
                           : tw_err_at(ld->err, TW_ECONFIG, ref->file, ref->line, ref->col,
                                       "extends", "cannot read '%s': %s", file, ebuf);
    }
    if (rs == TW_READ_TOO_LARGE)
        return ref == NULL ? tw_err_at(ld->err, TW_ECONFIG, file, 0, 0, NULL,
                                       "file is larger than %u bytes", TW_CFG_MAX_FILE_BYTES)
                           : tw_err_at(ld->err, TW_ECONFIG, ref->file, ref->line, ref->col,
                                       "extends", "'%s' is larger than %u bytes", file,
                                       TW_CFG_MAX_FILE_BYTES);
    *buf = (unsigned char *)b;
    *len = n;
    return TW_OK;
}

/* Parse a whole scenario text: one document whose top level is a map. */
static tw_status tw_cfg__load_text(tw_cfg__loader *ld, const char *file,
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

static tw_status tw_cfg__load_file(tw_cfg__loader *ld, const char *file, const tw_cfg_node *ref,
                                   bool relative_dir, tw_cfg_node **out);

/* Resolve a top-level `extends` of *root (loaded from file): load the parent, merge *root
 * over it and leave the result in *root. On failure *root is still the caller's. */
static tw_status tw_cfg__extends(tw_cfg__loader *ld, const char *file, bool relative_dir,
                                 tw_cfg_node **root) {
    tw_cfg_node *r = *root;
    size_t i = tw_cfg__find(r, "extends", 7);
    if (i == SIZE_MAX) return TW_OK;
    tw_cfg_node *v = r->items[i].val;
    if (v->kind != TW_CFG_SCALAR || v->text[0] == '\0')
        return tw_cfg_error(ld->err, v, "expected a file name (got %s)",
                            v->kind == TW_CFG_SCALAR ? "an empty value"
                                                     : tw_cfg__kind_name(v->kind));
    /* A relative path is relative to the directory of the file that names it. */
    size_t dirlen = 0;
    if (relative_dir && v->text[0] != '/') {
        const char *slash = strrchr(file, '/');
        if (slash != NULL) dirlen = (size_t)(slash - file) + 1;
    }
    char *resolved = tw_cfg__printf("%.*s%s", (int)dirlen, file, v->text);
    if (resolved == NULL) return tw_cfg__nomem(ld->err);
    char ebuf[128];
    tw_status st = TW_OK;
    char *real = realpath(resolved, NULL);
    if (real == NULL) {
        int e = errno;
        st = e == ENOMEM ? tw_cfg__nomem(ld->err)
                         : tw_cfg_error(ld->err, v, "cannot open '%s': %s", resolved,
                                        tw_cfg__strerror(e, ebuf, sizeof ebuf));
    }
    for (int k = 0; st == TW_OK && k < ld->nchain; k++)
        if (ld->chain[k] != NULL && strcmp(ld->chain[k], real) == 0)
            st = tw_cfg_error(ld->err, v, "cyclic extends: %s extends %s", file, resolved);
    if (st == TW_OK && ld->nchain > TW_CFG_MAX_EXTENDS)
        st = tw_cfg_error(ld->err, v, "too many levels of extends (more than %d)",
                          TW_CFG_MAX_EXTENDS);
    const char *pname = NULL;
    if (st == TW_OK) {
        pname = tw_cfg__intern(ld->cfg, resolved);
        if (pname == NULL) st = tw_cfg__nomem(ld->err);
    }
    free(resolved);
    tw_cfg_node *parent = NULL;
    if (st == TW_OK) {
        ld->chain[ld->nchain++] = real;
        st = tw_cfg__load_file(ld, pname, v, true, &parent);
        ld->chain[--ld->nchain] = NULL;
    }
    free(real);
    if (st != TW_OK) return st;

    /* Drop the extends entry, then merge this file over its parent. */
    tw_cfg__node_free(r->items[i].key);
    tw_cfg__node_free(r->items[i].val);
    memmove(&r->items[i], &r->items[i + 1], (r->n - i - 1) * sizeof *r->items);
    r->n--;
    parent->file = r->file;
    parent->line = r->line;
    parent->col = r->col;
    *root = NULL;
    if (!tw_cfg__merge(parent, r)) {
        tw_cfg__node_free(parent);
        return tw_cfg__nomem(ld->err);
    }
    *root = parent;
    return TW_OK;
}

static tw_status tw_cfg__load_file(tw_cfg__loader *ld, const char *file, const tw_cfg_node *ref,
                                   bool relative_dir, tw_cfg_node **out) {
    *out = NULL;
    unsigned char *buf;
    size_t len;
    tw_status st = tw_cfg__read(ld, file, ref, &buf, &len);
    if (st != TW_OK) return st;
    tw_cfg_node *root;
    st = tw_cfg__load_text(ld, file, buf, len, &root);
    free(buf); /* before loading parents: a chain holds one text at a time */
    if (st == TW_OK) st = tw_cfg__extends(ld, file, relative_dir, &root);
    if (st != TW_OK) {
        tw_cfg__node_free(root);
        return st;
    }
    *out = root;
    return TW_OK;
}

/* Common tail of tw_cfg_load and tw_cfg_load_string. */
static tw_status tw_cfg__finish(tw_cfg *cfg, tw_cfg_node *root, tw_cfg **out, tw_err *err) {
    cfg->root = root;
    char *path = tw_cfg__strdup("");
    if (path == NULL || !tw_cfg__assign_paths(root, path)) {
        tw_cfg_free(cfg);
        return tw_cfg__nomem(err);
    }
    root->used = true;
    *out = cfg;
    return TW_OK;
}

tw_status tw_cfg_load(const char *path, tw_cfg **out, tw_err *err) {
    if (out == NULL) return tw_err_set(err, TW_EUSAGE, "tw_cfg_load: out is NULL");
    *out = NULL;
    if (path == NULL || path[0] == '\0')
        return tw_err_set(err, TW_ECONFIG, "no scenario file given");
    tw_cfg *cfg = tw_cfg__new(path);
    const char *fname = cfg != NULL ? tw_cfg__intern(cfg, path) : NULL;
    if (fname == NULL) {
        tw_cfg_free(cfg);
        return tw_cfg__nomem(err);
    }
    tw_cfg__loader ld = {.cfg = cfg, .err = err};
    ld.chain[0] = realpath(path, NULL); /* NULL if missing: the read below reports it */
    ld.nchain = 1;
    tw_cfg_node *root;
    tw_status st = tw_cfg__load_file(&ld, fname, NULL, true, &root);
    free(ld.chain[0]);
    if (st != TW_OK) {
        tw_cfg_free(cfg);
        return st;
    }
    return tw_cfg__finish(cfg, root, out, err);
}

tw_status tw_cfg_load_string(const char *name, const char *text, size_t len, tw_cfg **out,
                             tw_err *err) {
    if (out == NULL) return tw_err_set(err, TW_EUSAGE, "tw_cfg_load_string: out is NULL");
    *out = NULL;
    if (name == NULL || name[0] == '\0') name = "<string>";
    if (text == NULL && len > 0) return tw_err_set(err, TW_EUSAGE, "%s: no text", name);
    tw_cfg *cfg = tw_cfg__new(name);
    const char *fname = cfg != NULL ? tw_cfg__intern(cfg, name) : NULL;
    if (fname == NULL) {
        tw_cfg_free(cfg);
        return tw_cfg__nomem(err);
    }
    tw_cfg__loader ld = {.cfg = cfg, .err = err, .nchain = 1};
    tw_cfg_node *root;
    tw_status st = tw_cfg__load_text(&ld, fname, (const unsigned char *)(text ? text : ""), len,
                                     &root);
    if (st == TW_OK) {
        st = tw_cfg__extends(&ld, fname, false, &root);
        if (st != TW_OK) tw_cfg__node_free(root);
    }
    if (st != TW_OK) {
        tw_cfg_free(cfg);
        return st;
    }
    return tw_cfg__finish(cfg, root, out, err);
}

/* ---------------------------------------------------------------------------------- */
/* --set                                                                              */

typedef struct {
    bool is_index;
    const char *name; /* into the assignment; name steps only */
    size_t len;       /* length of name */
    size_t index;     /* index steps only */
    size_t off;       /* offset of the step in the assignment */
    size_t end;       /* offset just past the step */
} tw_cfg__step;

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
        steps[n++] = (tw_cfg__step){false, a + start, i - start, 0, start, i};
        while (i < plen && a[i] == '[') {
            size_t open = i++;
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
                           "--set %s: bad index (column %zu): expected [N], N a number", a,
                           open + 1);
                return 0;
            }
            i++;
            steps[n++] = (tw_cfg__step){true, NULL, 0, v, open, i};
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
    const char *eq = strchr(a, '=');
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

    /* Walk what exists, changing nothing: find the container that gets the value. */
    tw_cfg_node *cur = cfg->root;
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
            if (sp->index >= cur->n) {
                st = tw_err_set(err, TW_EUSAGE,
                                "--set %s: index %zu out of range ('%.*s' has %zu element%s)",
                                a, sp->index, plen_prev, a, cur->n, cur->n == 1 ? "" : "s");
                break;
            }
            slot = sp->index;
        }
        if (k + 1 < nsteps) cur = cur->items[slot].val;
    }
    if (st == TW_OK && k < nsteps) { /* steps[k..] are missing keys: all must be names */
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

    /* Build the missing keys as a detached chain of maps ending in the value. */
    tw_cfg_node *chain = val;
    bool ok = true;
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
    if (ok && k == nsteps) {
        ok = tw_cfg__bury(cfg, NULL);
        if (ok) cfg->ndead--;
    }
    if (ok && k < nsteps) {
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

/* ---------------------------------------------------------------------------------- */
/* navigation                                                                         */

const tw_cfg_node *tw_cfg_root(const tw_cfg *cfg) { return cfg != NULL ? cfg->root : NULL; }

const char *tw_cfg_source(const tw_cfg *cfg) { return cfg != NULL ? cfg->source : NULL; }

tw_cfg_kind tw_cfg_kind_of(const tw_cfg_node *node) {
    return node != NULL ? node->kind : TW_CFG_SCALAR;
}

/* Lookups mark nodes through a const pointer: the tree is logically read-only to the
 * model, and the used flags are bookkeeping the header documents. Every node is made by
 * malloc, never defined const, so the cast is well defined. */
static void tw_cfg__touch(const tw_cfg__item *it) {
    if (it->key != NULL) ((tw_cfg_node *)it->key)->used = true;
    ((tw_cfg_node *)it->val)->used = true;
}

const tw_cfg_node *tw_cfg_get(const tw_cfg_node *map, const char *key) {
    if (map == NULL || key == NULL) return NULL;
    size_t i = tw_cfg__find(map, key, strlen(key));
    if (i == SIZE_MAX) return NULL;
    tw_cfg__touch(&map->items[i]);
    return map->items[i].val;
}

size_t tw_cfg_len(const tw_cfg_node *node) {
    return node != NULL && node->kind != TW_CFG_SCALAR ? node->n : 0;
}

const tw_cfg_node *tw_cfg_at(const tw_cfg_node *node, size_t i) {
    if (node == NULL || node->kind == TW_CFG_SCALAR || i >= node->n) return NULL;
    tw_cfg__touch(&node->items[i]);
    return node->items[i].val;
}

const char *tw_cfg_key_at(const tw_cfg_node *map, size_t i) {
    if (map == NULL || map->kind != TW_CFG_MAP || i >= map->n) return NULL;
    return map->items[i].key->text;
}

const char *tw_cfg_text(const tw_cfg_node *node) {
    return node != NULL && node->kind == TW_CFG_SCALAR ? node->text : NULL;
}

void tw_cfg_mark_used(const tw_cfg_node *node) {
    if (node == NULL) return;
    ((tw_cfg_node *)node)->used = true;
    for (size_t i = 0; i < node->n; i++) {
        if (node->items[i].key != NULL) ((tw_cfg_node *)node->items[i].key)->used = true;
        tw_cfg_mark_used(node->items[i].val);
    }
}

const char *tw_cfg_file(const tw_cfg_node *node) { return node != NULL ? node->file : NULL; }
int tw_cfg_line(const tw_cfg_node *node) { return node != NULL ? node->line : 0; }
int tw_cfg_col(const tw_cfg_node *node) { return node != NULL ? node->col : 0; }
const char *tw_cfg_path(const tw_cfg_node *node) {
    if (node == NULL) return NULL;
    return node->path != NULL ? node->path : "";
}

tw_status tw_cfg_error(tw_err *err, const tw_cfg_node *node, const char *fmt, ...) {
    char msg[TW_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (node == NULL) return tw_err_at(err, TW_ECONFIG, NULL, 0, 0, NULL, "%s", msg);
    return tw_err_at(err, TW_ECONFIG, node->file, node->line, node->col, node->path, "%s", msg);
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
    if (v->kind != TW_CFG_SCALAR || !tw_cfg__parse_double(v->text, &d) || d < lo || d > hi)
        return tw_cfg__bad(v, exp, err);
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
    if (v->kind != TW_CFG_SCALAR || !tw_cfg__parse_int(v->text, &x) || x < lo || x > hi)
        return tw_cfg__bad(v, exp, err);
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

static const tw_cfg_node *tw_cfg__first_unused(const tw_cfg_node *n, const tw_cfg_node **at) {
    for (size_t i = 0; i < n->n; i++) {
        const tw_cfg__item *it = &n->items[i];
        if (!it->val->used || (it->key != NULL && !it->key->used)) {
            *at = it->key != NULL ? it->key : it->val;
            return it->val;
        }
        const tw_cfg_node *u = tw_cfg__first_unused(it->val, at);
        if (u != NULL) return u;
    }
    return NULL;
}

tw_status tw_cfg_check_unused(const tw_cfg *cfg, tw_err *err) {
    if (cfg == NULL || cfg->root == NULL) return TW_OK;
    const tw_cfg_node *at = NULL;
    const tw_cfg_node *u = tw_cfg__first_unused(cfg->root, &at);
    if (u == NULL) return TW_OK;
    return tw_err_at(err, TW_ECONFIG, at->file, at->line, at->col, tw_cfg_path(u),
                     "unknown key (not used by this model)");
}

/* ---------------------------------------------------------------------------------- */
/* emitting and hashing                                                               */

/* Where emitted bytes go: a FILE, or (fp NULL) an FNV-1a hash, so that hashing needs no
 * buffer and cannot fail. */
typedef struct {
    FILE *fp;
    uint64_t hash;
    bool failed;
} tw_cfg__out;

static void tw_cfg__put(tw_cfg__out *o, const char *s, size_t n) {
    if (o->fp != NULL) {
        if (n > 0 && fwrite(s, 1, n, o->fp) != n) o->failed = true;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        o->hash ^= (unsigned char)s[i];
        o->hash *= UINT64_C(0x100000001b3);
    }
}

static void tw_cfg__puts(tw_cfg__out *o, const char *s) { tw_cfg__put(o, s, strlen(s)); }

static void tw_cfg__indent(tw_cfg__out *o, int n) {
    for (int i = 0; i < n; i++) tw_cfg__put(o, " ", 1);
}

/* A scalar may go out plain when it is a simple token that libyaml reads back as the
 * same text wherever we put it (key, value, sequence item, column 0): letters, digits and
 * _ . / + -, starting with a letter, digit, _ or /, or with + - . followed by a digit.
 * Everything else is double-quoted. Our loader keeps text, not types, so "yes" and yes
 * load the same; only the text has to survive. */
static bool tw_cfg__plain_ok(const char *s) {
    unsigned char c = (unsigned char)s[0];
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!(alnum || c == '_' || c == '/')) {
        if (!((c == '+' || c == '-' || c == '.') && s[1] >= '0' && s[1] <= '9')) return false;
    }
    for (const char *p = s; *p != '\0'; p++) {
        c = (unsigned char)*p;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '.' || c == '/' || c == '+' || c == '-';
        if (!ok) return false;
    }
    return true;
}

/* Decode one UTF-8 sequence at s (valid: libyaml made it); returns its length. */
static size_t tw_cfg__utf8(const unsigned char *s, uint32_t *cp) {
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    size_t n = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : 2;
    uint32_t v = s[0] & (n == 2 ? 0x1Fu : n == 3 ? 0x0Fu : 0x07u);
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) { /* not valid UTF-8: emit the lead byte escaped */
            *cp = s[0];
            return 1;
        }
        v = (v << 6) | (s[i] & 0x3Fu);
    }
    *cp = v;
    return n;
}

static void tw_cfg__emit_scalar(tw_cfg__out *o, const char *s) {
    if (tw_cfg__plain_ok(s)) {
        tw_cfg__puts(o, s);
        return;
    }
    tw_cfg__put(o, "\"", 1);
    const unsigned char *p = (const unsigned char *)s;
    while (*p != '\0') {
        uint32_t cp;
        size_t n = tw_cfg__utf8(p, &cp);
        char esc[16];
        if (cp == '"') tw_cfg__put(o, "\\\"", 2);
        else if (cp == '\\') tw_cfg__put(o, "\\\\", 2);
        else if (cp == '\n') tw_cfg__put(o, "\\n", 2);
        else if (cp == '\t') tw_cfg__put(o, "\\t", 2);
        else if (cp == '\r') tw_cfg__put(o, "\\r", 2);
        else if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) {
            snprintf(esc, sizeof esc, "\\x%02X", (unsigned)cp);
            tw_cfg__puts(o, esc);
        } else if (cp == 0x2028 || cp == 0x2029 || cp == 0xFEFF) {
            /* line and paragraph separators and the BOM do not survive raw */
            snprintf(esc, sizeof esc, "\\u%04X", (unsigned)cp);
            tw_cfg__puts(o, esc);
        } else {
            tw_cfg__put(o, (const char *)p, n);
        }
        p += n;
    }
    tw_cfg__put(o, "\"", 1);
}

static void tw_cfg__emit_map(tw_cfg__out *o, const tw_cfg_node *n, int indent, bool inline1);
static void tw_cfg__emit_seq(tw_cfg__out *o, const tw_cfg_node *n, int indent, bool inline1);

/* A value after "key:". */
static void tw_cfg__emit_value(tw_cfg__out *o, const tw_cfg_node *v, int indent) {
    if (v->kind == TW_CFG_SCALAR) {
        tw_cfg__put(o, " ", 1);
        tw_cfg__emit_scalar(o, v->text);
        tw_cfg__put(o, "\n", 1);
    } else if (v->n == 0) {
        tw_cfg__puts(o, v->kind == TW_CFG_MAP ? " {}\n" : " []\n");
    } else {
        tw_cfg__put(o, "\n", 1);
        if (v->kind == TW_CFG_MAP) tw_cfg__emit_map(o, v, indent + 2, false);
        else tw_cfg__emit_seq(o, v, indent + 2, false);
    }
}

/* An item after "- " written at indent - 2. */
static void tw_cfg__emit_item(tw_cfg__out *o, const tw_cfg_node *v, int indent) {
    if (v->kind == TW_CFG_SCALAR) {
        tw_cfg__emit_scalar(o, v->text);
        tw_cfg__put(o, "\n", 1);
    } else if (v->n == 0) {
        tw_cfg__puts(o, v->kind == TW_CFG_MAP ? "{}\n" : "[]\n");
    } else if (v->kind == TW_CFG_MAP) {
        tw_cfg__emit_map(o, v, indent, true);
    } else {
        tw_cfg__emit_seq(o, v, indent, true);
    }
}

/* Entries at indent; with inline1 the first one follows a "- " already written. */
static void tw_cfg__emit_map(tw_cfg__out *o, const tw_cfg_node *n, int indent, bool inline1) {
    for (size_t i = 0; i < n->n; i++) {
        if (i > 0 || !inline1) tw_cfg__indent(o, indent);
        tw_cfg__emit_scalar(o, n->items[i].key->text);
        tw_cfg__put(o, ":", 1);
        tw_cfg__emit_value(o, n->items[i].val, indent);
    }
}

static void tw_cfg__emit_seq(tw_cfg__out *o, const tw_cfg_node *n, int indent, bool inline1) {
    for (size_t i = 0; i < n->n; i++) {
        if (i > 0 || !inline1) tw_cfg__indent(o, indent);
        tw_cfg__put(o, "- ", 2);
        tw_cfg__emit_item(o, n->items[i].val, indent + 2);
    }
}

static void tw_cfg__emit_root(tw_cfg__out *o, const tw_cfg *cfg) {
    if (cfg == NULL || cfg->root == NULL || cfg->root->n == 0) {
        tw_cfg__puts(o, "{}\n");
        return;
    }
    tw_cfg__emit_map(o, cfg->root, 0, false);
}

int tw_cfg_emit(const tw_cfg *cfg, FILE *fp) {
    if (fp == NULL) return -1;
    tw_cfg__out o = {fp, 0, false};
    tw_cfg__emit_root(&o, cfg);
    if (fflush(fp) != 0) o.failed = true; /* a full disk shows only when buffers go out */
    return o.failed || ferror(fp) ? -1 : 0;
}

uint64_t tw_cfg_hash(const tw_cfg *cfg) {
    tw_cfg__out o = {NULL, UINT64_C(0xcbf29ce484222325), false};
    tw_cfg__emit_root(&o, cfg);
    return o.hash;
}
