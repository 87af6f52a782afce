/* tw_config_emit.c - the merged tree written back as YAML, and the scenario hash.
 *
 * The emitter writes block style with two-space indents and quotes only what could not
 * be read back as the same text, so that a scenario.yaml loads to the same tree. The
 * scenario hash is FNV-1a 64 (tw_hash.h) of exactly the bytes the emitter writes, taken
 * by running the emitter into the hash instead of a file: no buffer, no failure.
 */
#include "tw_config_internal.h"
#include "tw_hash.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

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
    o->hash = tw_fnv1a(o->hash, s, n);
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
    tw_cfg__out o = {NULL, TW_FNV_OFFSET, false};
    tw_cfg__emit_root(&o, cfg);
    return o.hash;
}
