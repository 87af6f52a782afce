/* test_config_yaml.c - one YAML text read into a tree (engine/tw_config_yaml.c): the
 * YAML hazards refused with their place (duplicate keys, tabs, truncation, anchors and
 * alias bombs, deep nesting, several documents, bad bytes and tags) and what is accepted
 * (a byte order mark, CRLF line ends).
 */
#define _POSIX_C_SOURCE 200809L

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tw_config.h"
#include "tw_test_config.h"

/* --- YAML refusals --- */

Test(config, duplicate_keys) {
    load_fails("a: 1\nb: 2\na: 3\n", "t.yaml:3:1: a: duplicate key (already defined at line 1, "
                                     "column 1)");
    load_fails("m:\n  x: 1\n  x: 2\n",
               "t.yaml:3:3: m.x: duplicate key (already defined at line 2, column 3)");
    load_fails("s: [{k: 1, k: 2}]\n",
               "t.yaml:1:12: s[0].k: duplicate key (already defined at line 1, column 6)");
}

Test(config, duplicate_keys_in_a_large_map) {
    /* over the small-map threshold: the first repetition in document order is reported,
     * not the first in sorted order */
    char text[2048] = "";
    for (int k = 0; k < 40; k++) {
        char line[32];
        snprintf(line, sizeof line, "k%02d: %d\n", k, k);
        strcat(text, line);
    }
    strcat(text, "k30: x\nk05: y\n");
    load_fails(text, "t.yaml:41:1: k30: duplicate key (already defined at line 31, column 1)");
    text[strlen(text) - strlen("k30: x\nk05: y\n")] = '\0';
    tw_cfg *cfg = load_str(text);
    cr_assert_eq(tw_cfg_len(tw_cfg_root(cfg)), 40);
    tw_cfg_free(cfg);
}

Test(config, tabs_in_indentation) {
    in_fixtures();
    file_fails("tabs.yaml", "tabs.yaml:3:1: firms.per_cell: YAML syntax error: tab character: tabs are not "
                            "allowed for indentation, use spaces (found a tab character that "
                            "violates indentation)");
    load_fails("a:\n\tb: 1\n", "t.yaml:2:1: a: YAML syntax error: tab character: tabs are not "
                               "allowed for indentation, use spaces (found character that cannot "
                               "start any token)");
}

Test(config, truncated_yaml) {
    in_fixtures();
    file_fails("truncated.yaml", "truncated.yaml:3:1: firms.per_cell[2]: YAML syntax error: "
                                 "did not find expected ',' or ']' (while parsing a flow "
                                 "sequence at line 2, column 13)");
    load_fails("a: \"abc\n", "t.yaml:2:1: a: YAML syntax error: found unexpected end of stream "
                             "(while scanning a quoted scalar at line 1, column 4)");
}

/* A syntax error names the key path the parser had reached: through sequences of maps,
 * after a finished sibling (b is done, c is open), and in a sequence the slot of the
 * element it was looking for (two elements read, so [2]). */
Test(config, syntax_errors_name_the_key_path_reached) {
    load_fails("t:\n  - r: 1\n  - r: 2\n    s: [x,\n",
               "t.yaml:5:1: t[1].s[1]: YAML syntax error: did not find expected node content "
               "(while parsing a flow node at line 5, column 1)");
    load_fails("a:\n  b: 1\n  c: \"x\n",
               "t.yaml:4:1: a.c: YAML syntax error: found unexpected end of stream (while "
               "scanning a quoted scalar at line 3, column 6)");
    load_fails("[1, 2\n", "t.yaml:2:1: [2]: YAML syntax error: did not find expected ',' or "
                          "']' (while parsing a flow sequence at line 1, column 1)");
}

Test(config, aliases_and_anchors_refused) {
    load_fails("a: &x 1\nb: 2\n",
               "t.yaml:1:4: a: anchors (&x) are not allowed: write the value out");
    load_fails("a: 1\nb: *x\n", "t.yaml:2:4: b: aliases (*x) are not allowed: write the value out");
    load_fails("base: &b {x: 1}\nother:\n  <<: *b\n",
               "t.yaml:1:7: base: anchors (&b) are not allowed: write the value out");
}

Test(config, alias_bomb_refused_quickly, .timeout = 5) {
    /* "billion laughs": nine levels of ten aliases each would expand to 10^9 scalars */
    char text[4096] = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
    for (char c = 'b'; c <= 'i'; c++) {
        char line[128];
        char p = (char)(c - 1);
        snprintf(line, sizeof line, "%c: &%c [*%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c]\n",
                 c, c, p, p, p, p, p, p, p, p, p, p);
        strcat(text, line);
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    load_fails(text, "t.yaml:1:4: a: anchors (&a) are not allowed: write the value out");
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    cr_assert_lt(secs, 1.0);
}

/* The error for a nest that is too deep names the path down to it: "a" and then "[0]"
 * (flow) or ".k" (block) once for every level below the root map but the last. */
static void deep_error(char *buf, size_t size, const char *where, const char *first,
                       const char *step) {
    int n = snprintf(buf, size, "t.yaml:%s: %s", where, first);
    for (int k = 0; k < TW_CFG_MAX_DEPTH - 1; k++)
        n += snprintf(buf + n, size - (size_t)n, "%s", step);
    snprintf(buf + n, size - (size_t)n, ": nesting deeper than %d levels", TW_CFG_MAX_DEPTH);
}

static char *nested_flow(int depth) {
    char *text = malloc((size_t)(2 * depth + 8));
    cr_assert_not_null(text);
    strcpy(text, "a: ");
    size_t n = 3;
    for (int k = 0; k < depth; k++) text[n++] = '[';
    for (int k = 0; k < depth; k++) text[n++] = ']';
    text[n++] = '\n';
    text[n] = '\0';
    return text;
}

Test(config, nesting_depth) {
    /* the root map is level 1, so 63 brackets reach the limit and 64 pass it */
    char *ok = nested_flow(TW_CFG_MAX_DEPTH - 1);
    tw_cfg *cfg = load_str(ok);
    char *out = emit_to_string(cfg);
    tw_cfg *again = load_str(out);
    tw_cfg_free(again);
    free(out);
    tw_cfg_free(cfg);
    free(ok);
    char *deep = nested_flow(TW_CFG_MAX_DEPTH);
    char want[1024];
    deep_error(want, sizeof want, "1:67", "a", "[0]");
    load_fails(deep, want);
    free(deep);
}

Test(config, nesting_depth_1000_refused, .timeout = 5) {
    char *deep = nested_flow(1000);
    char want[1024];
    deep_error(want, sizeof want, "1:67", "a", "[0]");
    load_fails(deep, want);
    free(deep);
    /* the same in block style: one map per line, two more spaces each time */
    size_t cap = 1000 * 1004 + 16, n = 0;
    char *text = malloc(cap);
    cr_assert_not_null(text);
    for (int k = 0; k < 1000; k++) {
        memset(text + n, ' ', (size_t)(2 * k));
        n += (size_t)(2 * k);
        memcpy(text + n, "k:\n", 3);
        n += 3;
    }
    text[n] = '\0';
    deep_error(want, sizeof want, "65:129", "k", ".k");
    load_fails(text, want);
    free(text);
}

Test(config, documents_and_top_level) {
    load_fails("a: 1\n---\nb: 2\n",
               "t.yaml:2:1: more than one YAML document (a scenario is exactly one)");
    load_fails("", "t.yaml:1:1: empty document (a scenario is a map of settings)");
    load_fails("# only a comment\n\n", "t.yaml:1:1: empty document (a scenario is a map of settings)");
    load_fails("---\n", "t.yaml:1:1: empty document (a scenario is a map of settings)");
    load_fails("- a\n- b\n", "t.yaml:1:1: the top level must be a map of settings (got a "
                             "sequence)");
    load_fails("hello\n", "t.yaml:1:1: the top level must be a map of settings (got a scalar)");
    tw_cfg *cfg = load_str("--- {}\n");
    cr_assert_eq(tw_cfg_len(tw_cfg_root(cfg)), 0);
    tw_cfg_free(cfg);
}

Test(config, bad_bytes_tags_and_keys) {
    load_fails_n("a: 1\n\0b: 2\n", 11,
                 "t.yaml:2:1: invalid text: control characters are not allowed (U+0000); the "
                 "file must be UTF-8 text");
    load_fails("a: \xff\n", "t.yaml:1:4: invalid text: invalid leading UTF-8 octet (byte 0xFF); "
                            "the file must be UTF-8 text");
    load_fails("a: \"x\\0y\"\n", "t.yaml:1:4: a: NUL characters are not allowed in text");
    load_fails("a: !foo 1\n",
               "t.yaml:1:4: a: tag '!foo' is not allowed (only the standard YAML tags)");
    load_fails("? [a]\n: 1\n", "t.yaml:1:3: map keys must be scalars (got a sequence)");
    load_fails("m: {{x: 1}: 2}\n", "t.yaml:1:5: m: map keys must be scalars (got a map)");
    tw_cfg *cfg = load_str("a: !!str 1\nb: !!int 2\nc: !!map {x: 1}\nd: 'h\xc3\xa9'\n");
    cr_assert_str_eq(tw_cfg_text(tw_cfg_get(tw_cfg_root(cfg), "a")), "1");
    cr_assert_str_eq(tw_cfg_text(tw_cfg_get(tw_cfg_root(cfg), "d")), "h\xc3\xa9");
    tw_cfg_free(cfg);
}

Test(config, byte_order_mark_and_crlf) {
    tw_cfg *cfg = load_str("\xEF\xBB\xBF" "a: 1\r\nb:\r\n  c: 2\r\n");
    const tw_cfg_node *c = tw_cfg_get(tw_cfg_get(tw_cfg_root(cfg), "b"), "c");
    cr_assert_str_eq(tw_cfg_text(c), "2");
    cr_assert_eq(tw_cfg_line(c), 3);
    cr_assert_eq(tw_cfg_col(c), 6);
    cr_assert_eq(tw_cfg_col(tw_cfg_get(tw_cfg_root(cfg), "a")), 4);
    tw_cfg_free(cfg);
    /* UTF-16 is refused, not decoded */
    load_fails_n("\xFF\xFE" "a\0:\0 \0" "1\0", 10,
                 "t.yaml:1:1: invalid text: invalid leading UTF-8 octet (byte 0xFF); the file "
                 "must be UTF-8 text");
}
