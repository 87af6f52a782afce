/* tw_config.h - the scenario configuration tree.
 *
 * A scenario is a YAML file read through libyaml's document API into a tree of nodes
 * (maps, sequences, scalars). Every node remembers the file, line and column it came
 * from, so every error can say where: "scenarios/x.yaml:12:7: firms.size_tail: expected a
 * number between 1.05 and 10 (got 0.5)".
 *
 * Loading resolves inheritance: a top-level key `extends: other.yaml` (a path relative to
 * the file that names it) loads `other.yaml` first and merges this file over it: maps merge
 * key by key, recursively; a scalar or a sequence in the child replaces the parent's value.
 * A key written `name+:` appends its sequence to the inherited sequence `name` (or starts
 * it); `name!:` replaces it. A plain `name:` whose sequence replaces an inherited list of
 * entries (a sequence of maps, such as tariffs) is kept, with a warning (tw_cfg_warning):
 * "file:line:col: tariffs: replaces 22 inherited entries; write tariffs+: to append ...".
 * Chains are followed to any depth; a cycle is an error naming the file that closes it.
 * Only a file whose name (links followed) ends in .yaml or .yml can be extended; any
 * other file is refused without being opened, so no error ever shows a line of it.
 * `--set key.path=value` overrides apply after loading, in order, and may create keys.
 *
 * Unknown keys: every lookup marks the node it finds as used; once the model has read
 * everything it understands, tw_cfg_check_unused() reports the first key (in document
 * order) that nobody read as "unknown key". The model therefore needs no separate schema.
 *
 * YAML rules enforced at load time, each an error with location: duplicate keys in a map,
 * non-scalar map keys, anchors/aliases (refused: they serve no purpose in a scenario and
 * invite alias bombs), tags other than the standard ones, documents other than exactly one,
 * nesting deeper than TW_CFG_MAX_DEPTH, files larger than TW_CFG_MAX_FILE_BYTES, an empty
 * document, and a top level that is not a map.
 *
 * Ownership: tw_cfg owns all nodes and strings; node pointers stay valid until
 * tw_cfg_free(). A tw_cfg is not thread-safe while being read (lookups mark nodes used):
 * read the configuration in one thread, before any parallel work.
 */
#ifndef TW_CONFIG_H
#define TW_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tw_calendar.h"
#include "tw_error.h"

#define TW_CFG_MAX_DEPTH 64
#define TW_CFG_MAX_FILE_BYTES (16u * 1024u * 1024u)
#define TW_CFG_MAX_EXTENDS 32

typedef struct tw_cfg tw_cfg;
typedef struct tw_cfg_node tw_cfg_node;

typedef enum { TW_CFG_SCALAR, TW_CFG_MAP, TW_CFG_SEQ } tw_cfg_kind;

/* Load path (and whatever it extends). On success *out owns the merged tree and TW_OK is
 * returned; on failure *out is NULL, err holds "file:line:col: key: message" (or
 * "file: message" for I/O errors) and TW_ECONFIG (or TW_ENOMEM) is returned. The
 * top-level `extends` key is consumed (it does not appear in the merged tree). */
tw_status tw_cfg_load(const char *path, tw_cfg **out, tw_err *err);

/* Parse YAML text held in memory as if it were a file named `name` (used by tests and
 * by the fuzzer). `extends` paths are resolved relative to the current directory. */
tw_status tw_cfg_load_string(const char *name, const char *text, size_t len, tw_cfg **out,
                             tw_err *err);

/* Apply one override "a.b.c=value". The path is dotted map keys; a sequence element may
 * be addressed as key[3], or as key[field=value,...] (the one element, a map, whose fields
 * have those texts; none or several is an error listing them); key[+] ends a path and
 * appends the value (creating the sequence if key is missing). Missing map keys on the
 * path are created. The value is parsed
 * as a YAML flow node (so "10", "2025-05-14", "[US, CN]" and "{a: 1}" all work). Errors
 * (no '=', empty path, indexing a non-sequence, index out of range, stepping into a
 * scalar, bad YAML value) return TW_EUSAGE with "--set a.b.c=value: message". Nodes made
 * by --set report their location as file "--set" line 1, col = 1 + offset of the value. */
tw_status tw_cfg_set(tw_cfg *cfg, const char *assignment, tw_err *err);

void tw_cfg_free(tw_cfg *cfg); /* NULL is fine */

/* The i-th warning of loading (one line, "file:line:col: key: message"), NULL past the
 * last; owned by cfg. Callers print them on stderr before any work. */
const char *tw_cfg_warning(const tw_cfg *cfg, size_t i);

/* The root map, and the path of the file that was loaded (the child, not its parents). */
const tw_cfg_node *tw_cfg_root(const tw_cfg *cfg);
const char *tw_cfg_source(const tw_cfg *cfg);

/* --- navigation (all accept NULL nodes and return NULL/0 for them) --- */
tw_cfg_kind tw_cfg_kind_of(const tw_cfg_node *node);
/* Child of a map by key, marking it (and the key) used; NULL if absent or not a map. */
const tw_cfg_node *tw_cfg_get(const tw_cfg_node *map, const char *key);
/* Number of entries of a map or sequence (0 for scalars). */
size_t tw_cfg_len(const tw_cfg_node *node);
/* i-th element of a sequence, or i-th value of a map (document order), marked used. */
const tw_cfg_node *tw_cfg_at(const tw_cfg_node *node, size_t i);
/* i-th key of a map (document order); NULL otherwise. */
const char *tw_cfg_key_at(const tw_cfg_node *map, size_t i);
/* Text of a scalar (never NULL for a scalar, "" for an empty one); NULL otherwise. */
const char *tw_cfg_text(const tw_cfg_node *node);
/* Mark a node and everything under it used (for free-form sections such as notes). */
void tw_cfg_mark_used(const tw_cfg_node *node);

/* Where a node came from: file (as given to load, or the extended file's path as
 * resolved), 1-based line and column, and its dotted path in the merged tree
 * ("firms.per_cell", "tariffs[3].rate"; "" for the root). */
const char *tw_cfg_file(const tw_cfg_node *node);
int tw_cfg_line(const tw_cfg_node *node);
int tw_cfg_col(const tw_cfg_node *node);
const char *tw_cfg_path(const tw_cfg_node *node);

/* Fill err with TW_ECONFIG at node's location and path: "file:line:col: path: message". */
tw_status tw_cfg_error(tw_err *err, const tw_cfg_node *node, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* --- typed getters ---
 * Each reads map[key]. If the key is absent: with required=false, *out = def and TW_OK;
 * with required=true, TW_ECONFIG "file:line:col: path.key: missing required key (expected
 * ...)" located at the map. If present but wrong, TW_ECONFIG located at the value with the
 * full path and what was expected, and the text that was found: for example
 * "x.yaml:12:7: firms.size_tail: expected a number between 1.05 and 10 (got 0.5)",
 * "x.yaml:3:9: replicates: expected an integer between 1 and 1000000 (got abc)",
 * "x.yaml:5:8: start: expected a date YYYY-MM-DD that exists (got 2025-02-30)".
 * Numbers: finite decimal or exponent notation only (no NaN, inf, hex, or .nan/.inf);
 * integers: decimal, optional sign, no fraction, must fit int64 and [lo, hi]. A number
 * must be written plain: "10", '10' and !!str 10 are text, as in YAML, and refused with
 * what was expected (a tag !!int or !!float is accepted). A number that was read has its
 * node's text rewritten, in place, in the form it was read (no '+', no leading zeros:
 * 010 becomes 10), so that tw_cfg_emit records the value the program used and YAML 1.1
 * readers do not take 010 for the octal 8. Booleans:
 * true/false/yes/no/on/off (any case). A value of the wrong kind (a map where a scalar is
 * expected) is an error too. */
tw_status tw_cfg_double(const tw_cfg_node *map, const char *key, bool required, double def,
                        double lo, double hi, double *out, tw_err *err);
tw_status tw_cfg_int(const tw_cfg_node *map, const char *key, bool required, int64_t def,
                     int64_t lo, int64_t hi, int64_t *out, tw_err *err);
tw_status tw_cfg_bool(const tw_cfg_node *map, const char *key, bool required, bool def,
                      bool *out, tw_err *err);
/* *out points into the tree (valid until tw_cfg_free); def may be NULL. */
tw_status tw_cfg_string(const tw_cfg_node *map, const char *key, bool required,
                        const char *def, const char **out, tw_err *err);
tw_status tw_cfg_date(const tw_cfg_node *map, const char *key, bool required, tw_day def,
                      tw_day *out, tw_err *err);
/* choices is a NULL-terminated list; *out is the index of the match (exact, case
 * sensitive); the error lists the choices: "expected one of US, CN, EU, ROW (got XX)". */
tw_status tw_cfg_enum(const tw_cfg_node *map, const char *key, bool required, int def,
                      const char *const *choices, int *out, tw_err *err);
/* Parse a scalar node itself (for sequence elements) with the same rules and messages. */
tw_status tw_cfg_node_double(const tw_cfg_node *node, double lo, double hi, double *out,
                             tw_err *err);
tw_status tw_cfg_node_enum(const tw_cfg_node *node, const char *const *choices, int *out,
                           tw_err *err);

/* First node (document order, depth first) that no lookup marked used: TW_ECONFIG
 * "file:line:col: path: unknown key (not used by this model)"; TW_OK if none. */
tw_status tw_cfg_check_unused(const tw_cfg *cfg, tw_err *err);

/* Write the merged tree as YAML (block style, scalars quoted where needed so that it
 * loads back to the same tree). Returns 0, or -1 on a write error. */
int tw_cfg_emit(const tw_cfg *cfg, FILE *fp);

/* 64-bit FNV-1a hash of the emitted YAML: equal trees give equal hashes. */
uint64_t tw_cfg_hash(const tw_cfg *cfg);

#endif
