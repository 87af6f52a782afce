/* test_config_emit.c - the YAML emitter and the scenario hash (engine/tw_config_emit.c):
 * the block format, round trips of awkward text (load, emit, load: the same tree and the
 * same bytes), the hash as FNV-1a of the emitted bytes, and write errors.
 */
#define _POSIX_C_SOURCE 200809L

#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tw_config.h"
#include "tw_test_config.h"

/* --- emit and hash --- */

static void assert_same_tree(const tw_cfg_node *a, const tw_cfg_node *b) {
    cr_assert_eq(tw_cfg_kind_of(a), tw_cfg_kind_of(b), "kind at %s", tw_cfg_path(a));
    cr_assert_str_eq(tw_cfg_path(a), tw_cfg_path(b));
    if (tw_cfg_kind_of(a) == TW_CFG_SCALAR) {
        cr_assert_str_eq(tw_cfg_text(a), tw_cfg_text(b), "text at %s", tw_cfg_path(a));
        return;
    }
    cr_assert_eq(tw_cfg_len(a), tw_cfg_len(b), "length at %s", tw_cfg_path(a));
    for (size_t i = 0; i < tw_cfg_len(a); i++) {
        if (tw_cfg_kind_of(a) == TW_CFG_MAP)
            cr_assert_str_eq(tw_cfg_key_at(a, i), tw_cfg_key_at(b, i));
        assert_same_tree(tw_cfg_at(a, i), tw_cfg_at(b, i));
    }
}

/* load text -> emit -> load -> emit: same tree, same bytes, same hash. */
static void round_trip(tw_cfg *cfg) {
    char *first = emit_to_string(cfg);
    tw_cfg *again = load_str(first);
    char *second = emit_to_string(again);
    cr_assert_str_eq(first, second);
    assert_same_tree(tw_cfg_root(cfg), tw_cfg_root(again));
    cr_assert_eq(tw_cfg_hash(cfg), tw_cfg_hash(again));
    tw_cfg_free(again);
    free(first);
    free(second);
}

Test(config, emit_format) {
    tw_cfg *cfg = load_str("b: 1\na:\n  x: [1, {y: 2, z: []}, [3, 4]]\n  e: {}\ns: 'yes'\n"
                           "q: 'a: b'\nempty: ''\nneg: -2.5e-3\n");
    char *out = emit_to_string(cfg);
    cr_assert_str_eq(out, "b: 1\n"
                          "a:\n"
                          "  x:\n"
                          "    - 1\n"
                          "    - y: 2\n"
                          "      z: []\n"
                          "    - - 3\n"
                          "      - 4\n"
                          "  e: {}\n"
                          "s: yes\n"
                          "q: \"a: b\"\n"
                          "empty: \"\"\n"
                          "neg: -2.5e-3\n");
    free(out);
    round_trip(cfg);
    tw_cfg_free(cfg);
    cfg = load_str("{}");
    out = emit_to_string(cfg);
    cr_assert_str_eq(out, "{}\n");
    free(out);
    tw_cfg_free(cfg);
}

Test(config, emit_round_trip_of_awkward_text) {
    tw_cfg *cfg = load_str("k1: ' lead'\nk2: 'trail '\nk3: \"tab\\there\"\nk4: \"nl\\nx\"\n"
                           "k5: '- x'\nk6: '#c'\nk7: '---'\nk8: '...'\nk9: \"q\\\"b\\\\s\"\n"
                           "k10: '\xc3\xbcn\xc3\xaf'\nk11: \"\\u2028\\u2029\\uFEFF\"\n"
                           "k12: \"\\x85\\x7f\\x01\\e\"\nk13: ~\n'key with space': 1\n'': 2\n"
                           "'-': '-'\n'? x': ': y'\n'[a]': '{b}'\nk14: \"'single'\"\n"
                           "k15: '@at'\nk16: '%pct'\nk17: '!bang'\nk18: '&amp'\nk19: '*star'\n"
                           "k20: '|pipe'\nk21: '>gt'\nk22: ',comma'\nk23: 'a #b'\n"
                           "seq: [' ', '', [''], {'': ''}]\n");
    round_trip(cfg);
    char *out = emit_to_string(cfg);
    cr_assert(strstr(out, "k11: \"\\u2028\\u2029\\uFEFF\"\n") != NULL, "%s", out);
    cr_assert(strstr(out, "k12: \"\\x85\\x7F\\x01\\x1B\"\n") != NULL, "%s", out);
    cr_assert(strstr(out, "k10: \"\xc3\xbcn\xc3\xaf\"\n") != NULL, "%s", out);
    free(out);
    tw_cfg_free(cfg);
}

Test(config, emit_round_trip_of_fixture_and_hash) {
    tw_cfg *cfg = load_file(FIXTURES "/basic.yaml");
    round_trip(cfg);
    /* the same tree from a different text hashes the same */
    char *out = emit_to_string(cfg);
    tw_cfg *copy = load_str(out);
    cr_assert_eq(tw_cfg_hash(copy), tw_cfg_hash(cfg));
    /* FNV-1a over the emitted bytes */
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (const char *p = out; *p != '\0'; p++) {
        h ^= (unsigned char)*p;
        h *= UINT64_C(0x100000001b3);
    }
    cr_assert_eq(tw_cfg_hash(cfg), h);
    free(out);
    /* one value changed: a different hash */
    tw_err err;
    cr_assert_eq(tw_cfg_set(copy, "firms.size_tail=1.6", &err), TW_OK, "%s", err.msg);
    cr_assert_neq(tw_cfg_hash(copy), tw_cfg_hash(cfg));
    cr_assert_eq(tw_cfg_set(copy, "firms.size_tail=1.5", &err), TW_OK, "%s", err.msg);
    cr_assert_eq(tw_cfg_hash(copy), tw_cfg_hash(cfg));
    tw_cfg_free(copy);
    tw_cfg_free(cfg);
}

Test(config, emit_reports_write_errors) {
    FILE *fp = fopen("/dev/full", "w");
    if (fp == NULL) cr_skip_test("no /dev/full");
    tw_cfg *cfg = load_str("a: 1\n");
    cr_assert_eq(tw_cfg_emit(cfg, fp), -1);
    fclose(fp);
    tw_cfg_free(cfg);
}
