/* tw_config_tree.c - the configuration tree: nodes, the tw_cfg object that owns them,
 * and the navigation accessors of tw_config.h.
 *
 * A node owns its text, its dotted path and its children; the tw_cfg owns the root, the
 * interned file names nodes point at, and the subtrees that --set replaced (kept, so that
 * a pointer a caller already holds stays valid until tw_cfg_free). Lookups mark the nodes
 * they find as used, which is how tw_cfg_check_unused (tw_config_get.c) finds unknown
 * keys without a schema. Recursion over the tree is bounded by TW_CFG_MAX_DEPTH, which
 * every way of building a tree (file, string, --set) enforces.
 */
#include "tw_config_internal.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------------------- */
/* small helpers                                                                      */

tw_status tw_cfg__nomem(tw_err *err) {
    return tw_err_set(err, TW_ENOMEM, "out of memory while reading the configuration");
}

char *tw_cfg__strdup(const char *s) {
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p != NULL) memcpy(p, s, n);
    return p;
}

char *tw_cfg__printf(const char *fmt, ...) {
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

char *tw_cfg__path_key(const char *parent, const char *key) {
    if (parent == NULL || parent[0] == '\0') return tw_cfg__strdup(key);
    return tw_cfg__printf("%s.%s", parent, key);
}

char *tw_cfg__path_index(const char *parent, size_t i) {
    return tw_cfg__printf("%s[%zu]", parent != NULL ? parent : "", i);
}

const char *tw_cfg__kind_name(tw_cfg_kind kind) {
    switch (kind) {
    case TW_CFG_MAP: return "a map";
    case TW_CFG_SEQ: return "a sequence";
    default: return "a scalar";
    }
}

/* ---------------------------------------------------------------------------------- */
/* nodes and the tw_cfg object                                                        */

tw_cfg_node *tw_cfg__node_new(tw_cfg_kind kind, const char *file, int line, int col) {
    tw_cfg_node *n = calloc(1, sizeof *n);
    if (n == NULL) return NULL;
    n->kind = kind;
    n->file = file;
    n->line = line;
    n->col = col;
    return n;
}

tw_cfg_node *tw_cfg__scalar_new(const char *text, size_t len, const char *file,
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

void tw_cfg__node_free(tw_cfg_node *n) {
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
bool tw_cfg__push(tw_cfg_node *n, tw_cfg_node *key, tw_cfg_node *val) {
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
size_t tw_cfg__find(const tw_cfg_node *map, const char *key, size_t len) {
    if (map == NULL || map->kind != TW_CFG_MAP) return SIZE_MAX;
    for (size_t i = 0; i < map->n; i++) {
        const char *k = map->items[i].key->text;
        if (strncmp(k, key, len) == 0 && k[len] == '\0') return i;
    }
    return SIZE_MAX;
}

/* Recompute the dotted paths under n, n taking ownership of path. */
bool tw_cfg__assign_paths(tw_cfg_node *n, char *path) {
    free(n->path);
    n->path = path;
    for (size_t i = 0; i < n->n; i++) {
        char *cp = n->kind == TW_CFG_MAP ? tw_cfg__path_key(path, n->items[i].key->text)
                                         : tw_cfg__path_index(path, i);
        if (cp == NULL || !tw_cfg__assign_paths(n->items[i].val, cp)) return false;
    }
    return true;
}

const char *tw_cfg__intern(tw_cfg *cfg, const char *name) {
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

tw_cfg *tw_cfg__new(const char *source) {
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
    for (size_t i = 0; i < cfg->nwarn; i++) free(cfg->warn[i]);
    free(cfg->warn);
    for (size_t i = 0; i < cfg->nfiles; i++) free(cfg->files[i]);
    free(cfg->files);
    free(cfg->source);
    free(cfg);
}

const char *tw_cfg_warning(const tw_cfg *cfg, size_t i) {
    return cfg != NULL && i < cfg->nwarn ? cfg->warn[i] : NULL;
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
