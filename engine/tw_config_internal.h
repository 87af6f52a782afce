/* tw_config_internal.h - what the files of the configuration reader share; not API.
 *
 * The reader is split by concern behind tw_config.h:
 *   tw_config_tree.c     the node tree, the tw_cfg object and the navigation accessors
 *   tw_config_yaml.c     one YAML text (file, string or --set value) read into a tree
 *   tw_config_extends.c  reading files, resolving `extends` and merging; tw_cfg_load*
 *   tw_config_set.c      the --set path language (tw_cfg_set)
 *   tw_config_get.c      the typed getters and the unknown-key check
 *   tw_config_emit.c     the YAML emitter and the scenario hash
 * Only those files include this header; everything else goes through tw_config.h.
 * Names with a double underscore (tw_cfg__) are internal to the reader.
 */
#ifndef TW_CONFIG_INTERNAL_H
#define TW_CONFIG_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "tw_config.h"

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

/* How a scalar was written. Only a plain scalar (or one tagged !!int or !!float) may be
 * read as a number: "10" and !!str 5 are text, as YAML says, and the getters of numbers
 * refuse them. */
typedef enum {
    TW_CFG__PLAIN,  /* plain and untagged (or tagged !!int or !!float); also every map, seq */
    TW_CFG__QUOTED, /* single- or double-quoted, literal (|) or folded (>) */
    TW_CFG__TAGGED  /* plain, with a tag other than !!int or !!float (!!str, !, !!bool ...) */
} tw_cfg__form;

struct tw_cfg_node {
    tw_cfg_kind kind;
    tw_cfg__form form;   /* scalars: how the text was written (set by tw_config_yaml.c) */
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
    char **warn;         /* [nwarn] warnings of loading, one line each (owned) */
    size_t nwarn, capwarn;
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

/* --- small helpers (tw_config_tree.c) --- */

/* TW_ENOMEM with the reader's message. */
tw_status tw_cfg__nomem(tw_err *err);
/* malloc'ed copies (NULL when out of memory). */
char *tw_cfg__strdup(const char *s);
char *tw_cfg__printf(const char *fmt, ...) TW_CFG__PRINTF(1, 2);
/* The dotted path of a map's key or a sequence's element under parent ("a.b", "a[2]"). */
char *tw_cfg__path_key(const char *parent, const char *key);
char *tw_cfg__path_index(const char *parent, size_t i);
/* "a map", "a sequence", "a scalar": for messages. */
const char *tw_cfg__kind_name(tw_cfg_kind kind);

/* --- nodes and the tw_cfg object (tw_config_tree.c) --- */

/* A fresh node with no children and no text (NULL when out of memory). */
tw_cfg_node *tw_cfg__node_new(tw_cfg_kind kind, const char *file, int line, int col);
/* A scalar holding a copy of len bytes of text. */
tw_cfg_node *tw_cfg__scalar_new(const char *text, size_t len, const char *file, int line,
                                int col);
/* Free n and everything under it; NULL is fine. */
void tw_cfg__node_free(tw_cfg_node *n);
/* Append an entry; on failure (false) the caller still owns key and val. */
bool tw_cfg__push(tw_cfg_node *n, tw_cfg_node *key, tw_cfg_node *val);
/* Index of the key of length len in map, or SIZE_MAX (also when map is not a map). */
size_t tw_cfg__find(const tw_cfg_node *map, const char *key, size_t len);
/* Recompute the dotted paths under n, n taking ownership of path (even on failure). */
bool tw_cfg__assign_paths(tw_cfg_node *n, char *path);
/* The copy of name the tw_cfg keeps for nodes to point at (NULL when out of memory). */
const char *tw_cfg__intern(tw_cfg *cfg, const char *name);
/* An empty tw_cfg whose source is a copy of source (NULL when out of memory). */
tw_cfg *tw_cfg__new(const char *source);

/* --- one YAML text (tw_config_yaml.c) --- */

/* Parse one YAML text into a tree; *out is NULL for an empty stream. Errors are located
 * in src's file (or the --set assignment being applied). */
tw_status tw_cfg__parse(const tw_cfg__src *src, tw_cfg_node **out);
/* Parse a whole scenario text: one document whose top level is a map (*out, owned by the
 * caller); an empty document or another top level is an error. */
tw_status tw_cfg__load_text(tw_cfg__loader *ld, const char *file, const unsigned char *text,
                            size_t len, tw_cfg_node **out);

#endif
