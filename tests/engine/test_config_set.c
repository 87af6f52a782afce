/* test_config_set.c - the --set path language (engine/tw_config_set.c): replacing and
 * creating keys, sequence elements and flow values, every refusal with its column, and a
 * failed --set leaving the tree as it was.
 */
#define _POSIX_C_SOURCE 200809L

#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tw_config.h"
#include "tw_test_config.h"

/* --- --set --- */

static const char set_base[] = "a: 1\nb:\n  c: 2\nlist: [1, 2, 3]\ns: x\n";

static void set_fails(const char *assignment, const char *msg) {
    tw_cfg *cfg = load_str(set_base);
    uint64_t before = tw_cfg_hash(cfg);
    tw_err err;
    cr_assert_eq(tw_cfg_set(cfg, assignment, &err), TW_EUSAGE, "accepted %s", assignment);
    cr_assert_str_eq(err.msg, msg);
    cr_assert_eq(tw_cfg_hash(cfg), before, "a failed --set changed the tree");
    tw_cfg_free(cfg);
}

Test(config, set_existing_and_new_keys) {
    tw_cfg *cfg = load_str(set_base);
    tw_err err;
    const tw_cfg_node *root = tw_cfg_root(cfg);
    const tw_cfg_node *old_a = tw_cfg_get(root, "a");
    cr_assert_eq(tw_cfg_set(cfg, "a=5", &err), TW_OK, "%s", err.msg);
    const tw_cfg_node *a = tw_cfg_get(root, "a");
    cr_assert_str_eq(tw_cfg_text(a), "5");
    cr_assert_str_eq(tw_cfg_file(a), "--set");
    cr_assert_eq(tw_cfg_line(a), 1);
    cr_assert_eq(tw_cfg_col(a), 3);
    cr_assert_str_eq(tw_cfg_text(old_a), "1"); /* old pointers stay valid */
    cr_assert_eq(tw_cfg_set(cfg, "b.c=7", &err), TW_OK, "%s", err.msg);
    cr_assert_str_eq(tw_cfg_text(tw_cfg_get(tw_cfg_get(root, "b"), "c")), "7");
    cr_assert_eq(tw_cfg_set(cfg, "new.deep.key=hello world", &err), TW_OK, "%s", err.msg);
    const tw_cfg_node *nw = tw_cfg_get(root, "new");
    const tw_cfg_node *key = tw_cfg_get(tw_cfg_get(nw, "deep"), "key");
    cr_assert_str_eq(tw_cfg_text(key), "hello world");
    cr_assert_str_eq(tw_cfg_path(key), "new.deep.key");
    cr_assert_eq(tw_cfg_col(key), 14);
    cr_assert_str_eq(tw_cfg_file(nw), "--set");
    cr_assert_eq(tw_cfg_set(cfg, "a=", &err), TW_OK, "%s", err.msg);
    cr_assert_str_eq(tw_cfg_text(tw_cfg_get(root, "a")), "");
    cr_assert_eq(tw_cfg_set(cfg, "s='yes: no'", &err), TW_OK, "%s", err.msg);
    cr_assert_str_eq(tw_cfg_text(tw_cfg_get(root, "s")), "yes: no");
    cr_assert_eq(tw_cfg_set(cfg, "s=2025-05-14", &err), TW_OK, "%s", err.msg);
    tw_day day;
    cr_assert_eq(tw_cfg_date(root, "s", true, 0, &day, &err), TW_OK);
    cr_assert_eq(day, tw_day_from_civil(2025, 5, 14));
    char *out = emit_to_string(cfg);
    cr_assert_str_eq(out, "a: \"\"\nb:\n  c: 7\nlist:\n  - 1\n  - 2\n  - 3\ns: 2025-05-14\nnew:\n"
                          "  deep:\n    key: \"hello world\"\n");
    free(out);
    tw_cfg_free(cfg);
}

Test(config, set_sequences_and_flow_values) {
    tw_cfg *cfg = load_str(set_base);
    tw_err err;
    const tw_cfg_node *root = tw_cfg_root(cfg);
    cr_assert_eq(tw_cfg_set(cfg, "list[1]=9", &err), TW_OK, "%s", err.msg);
    const tw_cfg_node *list = tw_cfg_get(root, "list");
    cr_assert_str_eq(tw_cfg_text(tw_cfg_at(list, 1)), "9");
    cr_assert_str_eq(tw_cfg_path(tw_cfg_at(list, 1)), "list[1]");
    cr_assert_eq(tw_cfg_set(cfg, "list=[US, CN]", &err), TW_OK, "%s", err.msg);
    list = tw_cfg_get(root, "list");
    cr_assert_eq(tw_cfg_len(list), 2);
    cr_assert_str_eq(tw_cfg_text(tw_cfg_at(list, 1)), "CN");
    cr_assert_eq(tw_cfg_col(tw_cfg_at(list, 1)), 11);
    cr_assert_eq(tw_cfg_set(cfg, "b={x: 1, y: [2, {z: 3}]}", &err), TW_OK, "%s", err.msg);
    const tw_cfg_node *z = tw_cfg_get(tw_cfg_at(tw_cfg_get(tw_cfg_get(root, "b"), "y"), 1), "z");
    cr_assert_str_eq(tw_cfg_text(z), "3");
    cr_assert_str_eq(tw_cfg_path(z), "b.y[1].z");
    cr_assert_eq(tw_cfg_set(cfg, "b.y[1].z=4", &err), TW_OK, "%s", err.msg);
    z = tw_cfg_get(tw_cfg_at(tw_cfg_get(tw_cfg_get(root, "b"), "y"), 1), "z");
    cr_assert_str_eq(tw_cfg_text(z), "4");
    /* a value made by --set reports its place on the command line */
    cr_assert_eq(tw_cfg_set(cfg, "a=abc", &err), TW_OK);
    int64_t v;
    cr_assert_eq(tw_cfg_int(root, "a", true, 0, 1, 10, &v, &err), TW_ECONFIG);
    cr_assert_str_eq(err.msg, "--set:1:3: a: expected an integer between 1 and 10 (got abc)");
    tw_cfg_free(cfg);
}

Test(config, set_errors) {
    set_fails("abc", "--set abc: missing '=' (expected key.path=value)");
    set_fails("=5", "--set =5: empty key path (expected key.path=value)");
    set_fails("a..b=1", "--set a..b=1: empty key (column 3)");
    set_fails("a.=1", "--set a.=1: empty key (column 2)");
    set_fails("[0]=1", "--set [0]=1: an index must follow a key, as in key[3] (column 1)");
    set_fails("list[x]=1", "--set list[x]=1: bad index (column 5): expected [N] (N a number), "
                           "[+] or [field=value,...]");
    set_fails("list[1=1", "--set list[1=1: bad index (column 5): expected [N] (N a number), "
                           "[+] or [field=value,...]");
    set_fails("a[0]=1", "--set a[0]=1: 'a' is a scalar, not a sequence");
    set_fails("b[0]=1", "--set b[0]=1: 'b' is a map, not a sequence");
    set_fails("list[5]=1", "--set list[5]=1: index 5 out of range ('list' has 3 elements)");
    set_fails("a.x=1", "--set a.x=1: 'a' is a scalar, not a map");
    set_fails("b.c.d.e=1", "--set b.c.d.e=1: 'b.c' is a scalar, not a map");
    set_fails("list.x=1",
              "--set list.x=1: 'list' is a sequence, not a map (use an index, as in key[0])");
    set_fails("nope[0]=1", "--set nope[0]=1: 'nope' does not exist, so it cannot be indexed");
    set_fails("x.y[0]=1", "--set x.y[0]=1: 'x.y' does not exist, so it cannot be indexed");
    set_fails("a=[1, 2", "--set a=[1, 2: YAML syntax error at the end of the value: did not "
                         "find expected ',' or ']'");
    set_fails("a=[1, 2}", "--set a=[1, 2}: column 8: YAML syntax error: did not find expected "
                          "',' or ']' (while parsing a flow sequence at line 1, column 3)");
    set_fails("a=x: y", "--set a=x: y: column 3: the value must be a scalar or a flow "
                        "collection such as [a, b] or {k: v} (quote text that contains ': ' or "
                        "starts with '- ')");
    set_fails("a=&x 1", "--set a=&x 1: column 3: anchors (&x) are not allowed: write the value "
                        "out");
    set_fails("a={k: 1, k: 2}",
              "--set a={k: 1, k: 2}: column 10: duplicate key (already defined at line 1, "
              "column 4)");
    /* a second document would need a line break, and an override is one line */
    set_fails("a=1\n---\n2", "--set: expected one line of printable UTF-8 text (byte 0x0A at "
                             "column 4)");
    set_fails("a=!foo 1",
              "--set a=!foo 1: column 3: tag '!foo' is not allowed (only the standard YAML tags)");    /* a parent is loaded with the file: set afterwards it would reach scenario.yaml and be
     * read back as a parent to load */
    set_fails("extends=x.yaml", "--set extends=x.yaml: extends cannot be set (column 1): it "
                                "names a parent scenario, resolved when the file loads; write "
                                "it in the file");
    set_fails("extends[+]=x", "--set extends[+]=x: extends cannot be set (column 1): it names "
                              "a parent scenario, resolved when the file loads; write it in "
                              "the file");
}

/* An override is one line of printable UTF-8: a key made of other bytes could not be
 * emitted into scenario.yaml and loaded back, and a message echoing a line break would be
 * two lines. The refusal does not echo the text. Printable non-ASCII keys are fine. */
Test(config, set_refuses_text_that_is_not_printable_utf8) {
    set_fails("model.si\x99\x92=1",
              "--set: expected one line of printable UTF-8 text (byte 0x99 at column 9)");
    set_fails("a=1\nb=2", "--set: expected one line of printable UTF-8 text (byte 0x0A at "
                          "column 4)");
    set_fails("k\xC0\xAF=1", "--set: expected one line of printable UTF-8 text (byte 0xC0 at "
                            "column 2)"); /* an overlong '/' */
    set_fails("k\xED\xA0\x80=1", "--set: expected one line of printable UTF-8 text (byte "
                                 "0xED at column 2)"); /* a UTF-16 surrogate */
    set_fails("k\xC2\x85=1", "--set: expected one line of printable UTF-8 text (byte 0xC2 at "
                            "column 2)"); /* NEL, a line break */
    set_fails("a=\x7F", "--set: expected one line of printable UTF-8 text (byte 0x7F at "
                        "column 3)");
    tw_cfg *cfg = load_str(set_base);
    tw_err err;
    cr_assert_eq(tw_cfg_set(cfg, "caf\xC3\xA9.na\xC3\xAFve=\xE2\x82\xAC 5", &err), TW_OK, "%s",
                 err.msg);
    char *out = emit_to_string(cfg);
    tw_cfg *again = load_str(out);
    cr_assert_eq(tw_cfg_hash(again), tw_cfg_hash(cfg), "emitted:\n%s", out);
    tw_cfg_free(again);
    free(out);
    tw_cfg_free(cfg);
}

Test(config, set_depth_limit) {
    /* one key, so the value may nest 63 levels; 64 is one too many */
    char buf[256] = "a=";
    for (int k = 0; k < TW_CFG_MAX_DEPTH - 1; k++) strcat(buf, "[");
    for (int k = 0; k < TW_CFG_MAX_DEPTH - 1; k++) strcat(buf, "]");
    tw_cfg *cfg = load_str("a: 1\n");
    tw_err err;
    cr_assert_eq(tw_cfg_set(cfg, buf, &err), TW_OK, "%s", err.msg);
    strcpy(buf, "a=");
    for (int k = 0; k < TW_CFG_MAX_DEPTH; k++) strcat(buf, "[");
    for (int k = 0; k < TW_CFG_MAX_DEPTH; k++) strcat(buf, "]");
    cr_assert_eq(tw_cfg_set(cfg, buf, &err), TW_EUSAGE);
    cr_assert(strstr(err.msg, ": column 66: nesting deeper than 64 levels") != NULL, "%s",
              err.msg);
    tw_cfg_free(cfg);
}
