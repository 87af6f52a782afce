/* tw_config_extends.c - loading a scenario file or string: reading the file, resolving
 * `extends` and merging a child over its parent (tw_cfg_load, tw_cfg_load_string).
 *
 * `extends` is resolved after a file's own tree is built: the parent is loaded
 * recursively and the child is merged into it, after which every path is recomputed,
 * because a node's path is where it sits in the merged tree while its file, line and
 * column stay those of the text it came from. Cycles are found by comparing realpath()s
 * of the files on the current chain, which lives in the tw_cfg__loader on the caller's
 * stack; strerror_r() replaces strerror(), so two threads may load two configurations at
 * once.
 */
#define _POSIX_C_SOURCE 200809L
#define _XOPEN_SOURCE 700 /* realpath() */

#include "tw_config_internal.h"
#include "tw_file.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h> /* strcasecmp() */

static const char *tw_cfg__strerror(int e, char *buf, size_t size) {
    if (strerror_r(e, buf, size) != 0) snprintf(buf, size, "error %d", e);
    return buf;
}

/* ---------------------------------------------------------------------------------- */
/* files, extends and merging                                                         */

/* Whether a file may be extended: its real path ends in .yaml or .yml (any case). The
 * text of any other file (/etc/shadow, a key, a device) is never opened, so no error can
 * echo a line of it: the refusal names the file and the place of the `extends` only. */
static bool tw_cfg__yaml_name(const char *real) {
    size_t n = strlen(real);
    return (n > 5 && strcasecmp(real + n - 5, ".yaml") == 0) ||
           (n > 4 && strcasecmp(real + n - 4, ".yml") == 0);
}

/* A warning kept in the tw_cfg for the caller to print (tw_cfg_warning). */
static bool tw_cfg__warn(tw_cfg *cfg, char *msg) {
    if (msg == NULL) return false;
    if (cfg->nwarn == cfg->capwarn) {
        size_t cap = cfg->capwarn != 0 ? cfg->capwarn * 2 : 4;
        char **p = realloc(cfg->warn, cap * sizeof *p);
        if (p == NULL) {
            free(msg);
            return false;
        }
        cfg->warn = p;
        cfg->capwarn = cap;
    }
    cfg->warn[cfg->nwarn++] = msg;
    return true;
}

/* A sequence of entries (every element a map), such as tariffs or export_controls: the
 * kind of list whose silent replacement by a child is warned about. */
static bool tw_cfg__entry_list(const tw_cfg_node *n) {
    if (n->kind != TW_CFG_SEQ || n->n == 0) return false;
    for (size_t i = 0; i < n->n; i++)
        if (n->items[i].val->kind != TW_CFG_MAP) return false;
    return true;
}

/* Whether a child's map replaces the inherited one whole instead of merging into it: a
 * map that names its distribution (`dist:`) is a new distribution, and the parent's
 * parameters of another one (a Beta's a and b under a uniform) mean nothing in it. */
static bool tw_cfg__whole(const tw_cfg_node *map) {
    return tw_cfg__find(map, "dist", 4) != SIZE_MAX;
}

/* Refuse a `key+:` or `key!:` whose value is not a sequence, or whose plain key is also
 * in the same map. */
static tw_status tw_cfg__check_forms(tw_cfg__loader *ld, const tw_cfg_node *src) {
    for (size_t i = 0; i < src->n; i++) {
        const tw_cfg__item *it = &src->items[i];
        const char *name = it->key->text;
        size_t len = strlen(name);
        if (len < 2 || (name[len - 1] != '+' && name[len - 1] != '!')) continue;
        const char *form = name[len - 1] == '+' ? "append" : "replace";
        int n = (int)len - 1;
        /* One suffix only: `key++:` would strip to `key+:`, which scenario.yaml would
         * record and a later load would read as a form again. */
        if (name[n - 1] == '+' || name[n - 1] == '!')
            return tw_err_at(ld->err, TW_ECONFIG, it->key->file, it->key->line, it->key->col,
                             it->val->path, "expected a key name with at most one '+' or '!' "
                             "at its end");
        if (it->val->kind != TW_CFG_SEQ)
            return tw_err_at(ld->err, TW_ECONFIG, it->key->file, it->key->line, it->key->col,
                             it->val->path, "expected a sequence to %s (got %s)", form,
                             tw_cfg__kind_name(it->val->kind));
        for (size_t j = 0; j < src->n; j++) {
            const char *other = src->items[j].key->text;
            if (j != i && strncmp(other, name, (size_t)n) == 0 &&
                (other[n] == '\0' ||
                 ((other[n] == '+' || other[n] == '!') && other[n + 1] == '\0')))
                return tw_err_at(ld->err, TW_ECONFIG, it->key->file, it->key->line,
                                 it->key->col, it->val->path,
                                 "%.*s is also given in this map as %s: write one of %.*s:, "
                                 "%.*s+: or %.*s!:", n, name, other, n, name, n, name, n, name);
        }
    }
    return TW_OK;
}

/* With nothing inherited, `key+:` and `key!:` both mean `key:`: check the forms in n's
 * maps (recursively, through maps only, as merging goes) and strip the suffixes, in one
 * pass over the tree. */
static tw_status tw_cfg__plain_forms(tw_cfg__loader *ld, tw_cfg_node *n, int depth) {
    if (n->kind != TW_CFG_MAP || depth > TW_CFG_MAX_DEPTH) return TW_OK;
    tw_status st = tw_cfg__check_forms(ld, n);
    for (size_t i = 0; i < n->n && st == TW_OK; i++) {
        char *name = n->items[i].key->text;
        size_t len = strlen(name);
        if (len > 1 && (name[len - 1] == '+' || name[len - 1] == '!')) name[len - 1] = '\0';
        st = tw_cfg__plain_forms(ld, n->items[i].val, depth + 1);
    }
    return st;
}

/* The form of a child's key: plain, `key+` (append to the inherited list) or `key!`
 * (replace the inherited list, without a warning). */
typedef enum { TW_CFG__SET, TW_CFG__APPEND, TW_CFG__REPLACE } tw_cfg__op;

/* Merge src into dst (both maps): maps merge recursively (except a map with `dist:`,
 * which replaces: tw_cfg__whole), a `key+:` sequence is appended to the inherited one,
 * anything else replaces (with a warning when a plain list of
 * entries replaces inherited entries). A map with no counterpart in dst is merged into a
 * fresh map, so that `key+:` and `key!:` are resolved at every depth of maps. src is
 * consumed, even on failure (then dst stays a valid tree the caller must free). */
static tw_status tw_cfg__merge(tw_cfg__loader *ld, tw_cfg_node *dst, tw_cfg_node *src) {
    tw_status st = tw_cfg__check_forms(ld, src);
    for (size_t i = 0; i < src->n && st == TW_OK; i++) {
        tw_cfg__item *it = &src->items[i];
        char *name = it->key->text;
        size_t len = strlen(name);
        tw_cfg__op op = TW_CFG__SET;
        if (len > 1 && (name[len - 1] == '+' || name[len - 1] == '!')) {
            op = name[len - 1] == '+' ? TW_CFG__APPEND : TW_CFG__REPLACE;
            len--;
        }
        size_t j = tw_cfg__find(dst, name, len);
        tw_cfg__item *d = j != SIZE_MAX ? &dst->items[j] : NULL;
        if (op == TW_CFG__APPEND && d != NULL && d->val->kind != TW_CFG_SEQ) {
            st = tw_err_at(ld->err, TW_ECONFIG, it->key->file, it->key->line, it->key->col,
                           it->val->path, "cannot append: the inherited %.*s is %s",
                           (int)len, name, tw_cfg__kind_name(d->val->kind));
            break;
        }
        if (op == TW_CFG__SET && d != NULL && it->val->kind == TW_CFG_SEQ &&
            tw_cfg__entry_list(d->val) &&
            !tw_cfg__warn(ld->cfg,
                          tw_cfg__printf("%s:%d:%d: %s: replaces %zu inherited entr%s; "
                                         "write %s+: to append (or %s!: to replace "
                                         "without this warning)",
                                         it->key->file, it->key->line, it->key->col,
                                         it->val->path != NULL ? it->val->path : name,
                                         d->val->n, d->val->n == 1 ? "y" : "ies", name,
                                         name))) {
            st = tw_cfg__nomem(ld->err);
            break;
        }
        name[len] = '\0'; /* the key is now the plain name */
        if (op == TW_CFG__APPEND && d != NULL) {
            tw_cfg_node *seq = it->val;
            for (size_t e = 0; e < seq->n && st == TW_OK; e++) {
                if (!tw_cfg__push(d->val, NULL, seq->items[e].val)) st = tw_cfg__nomem(ld->err);
                else seq->items[e].val = NULL;
            }
            tw_cfg__node_free(it->key);
            it->key = NULL;
            if (st != TW_OK) break;
        } else if (d == NULL) {
            if ((st = tw_cfg__plain_forms(ld, it->val, 1)) != TW_OK) break;
            if (!tw_cfg__push(dst, it->key, it->val)) {
                st = tw_cfg__nomem(ld->err);
                break;
            }
            it->key = NULL;
            it->val = NULL;
            continue;
        } else if (d->val->kind == TW_CFG_MAP && it->val->kind == TW_CFG_MAP &&
                   !tw_cfg__whole(it->val)) {
            d->val->file = it->val->file;
            d->val->line = it->val->line;
            d->val->col = it->val->col;
            tw_cfg__node_free(d->key);
            d->key = it->key;
            it->key = NULL;
            st = tw_cfg__merge(ld, d->val, it->val);
            it->val = NULL;
            continue;
        } else {
            /* A value that replaces: nothing under it is inherited, so its `key+:` and
             * `key!:` mean `key:`. */
            if ((st = tw_cfg__plain_forms(ld, it->val, 1)) != TW_OK) break;
            tw_cfg__node_free(d->val);
            d->val = it->val;
            it->val = NULL;
            tw_cfg__node_free(d->key);
            d->key = it->key;
        }
        it->key = NULL;
    }
    tw_cfg__node_free(src);
    return st;
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

static tw_status tw_cfg__load_file(tw_cfg__loader *ld, const char *file, const tw_cfg_node *ref,
                                   bool relative_dir, tw_cfg_node **out);

/* Resolve a top-level `extends` of *root (loaded from file): load the parent, merge *root
 * over it and leave the result in *root. On failure *root is still the caller's. */
static tw_status tw_cfg__extends(tw_cfg__loader *ld, const char *file, bool relative_dir,
                                 tw_cfg_node **root) {
    tw_cfg_node *r = *root;
    size_t i = tw_cfg__find(r, "extends", 7);
    if (i == SIZE_MAX) return tw_cfg__plain_forms(ld, r, 1); /* no parent */
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
    if (st == TW_OK && !tw_cfg__yaml_name(real))
        st = tw_cfg_error(ld->err, v,
                          "cannot extend '%s': not a YAML file (its name, links followed, "
                          "must end in .yaml or .yml)",
                          resolved);
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
    *root = parent;
    return tw_cfg__merge(ld, parent, r);
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
