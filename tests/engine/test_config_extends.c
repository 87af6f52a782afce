/* test_config_extends.c - loading files and `extends` (engine/tw_config_extends.c):
 * files that cannot be read or are too large, merging a child over its parent, chains,
 * paths relative to the naming file, cycles, missing parents and the depth limit.
 *
 * Inheritance uses the files in tests/engine/config_fixtures/; those tests chdir there
 * first (Criterion runs each test in its own process) so that file names in messages are
 * short and exact.
 */
#define _POSIX_C_SOURCE 200809L

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tw_config.h"
#include "tw_test_config.h"
#include "tw_test_support.h"

/* --- files --- */

Test(config, files_that_cannot_be_read) {
    in_fixtures();
    file_fails("nope.yaml", "nope.yaml: cannot open: No such file or directory");
    file_fails("sub", "sub: cannot read: Is a directory");
}

Test(config, file_size_limit) {
    char path[] = "/tmp/tw_cfg_big_XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    FILE *fp = fdopen(fd, "w");
    cr_assert_not_null(fp);
    fputs("a: ", fp);
    for (size_t k = 3; k < (size_t)TW_CFG_MAX_FILE_BYTES + 1; k++) fputc('x', fp);
    cr_assert_eq(fclose(fp), 0);
    char want[256];
    snprintf(want, sizeof want, "%s: file is larger than 16777216 bytes", path);
    file_fails(path, want);
    unlink(path);
    char *big = malloc((size_t)TW_CFG_MAX_FILE_BYTES + 1);
    cr_assert_not_null(big);
    memcpy(big, "a: ", 3);
    memset(big + 3, 'x', (size_t)TW_CFG_MAX_FILE_BYTES - 2);
    load_fails_n(big, (size_t)TW_CFG_MAX_FILE_BYTES + 1,
                 "t.yaml: file is larger than 16777216 bytes");
    free(big);
}

/* --- extends --- */

Test(config, extends_overrides_parent) {
    in_fixtures();
    tw_cfg *cfg = load_file("child.yaml");
    const tw_cfg_node *root = tw_cfg_root(cfg);
    tw_err err;
    cr_assert_null(tw_cfg_get(root, "extends"));
    cr_assert_str_eq(tw_cfg_source(cfg), "child.yaml");
    cr_assert_str_eq(tw_cfg_text(tw_cfg_get(root, "name")), "child");
    cr_assert_str_eq(tw_cfg_file(tw_cfg_get(root, "name")), "child.yaml");
    cr_assert_str_eq(tw_cfg_text(tw_cfg_get(root, "replicates")), "10");
    const tw_cfg_node *firms = tw_cfg_get(root, "firms");
    cr_assert_str_eq(tw_cfg_text(tw_cfg_get(firms, "per_cell")), "8");
    const tw_cfg_node *tail = tw_cfg_get(firms, "size_tail");
    cr_assert_str_eq(tw_cfg_text(tail), "1.5");
    cr_assert_str_eq(tw_cfg_file(tail), "base.yaml");
    cr_assert_eq(tw_cfg_line(tail), 5);
    cr_assert_eq(tw_cfg_col(tail), 14);
    cr_assert_str_eq(tw_cfg_path(tail), "firms.size_tail");
    const tw_cfg_node *tariffs = tw_cfg_get(root, "tariffs");
    cr_assert_eq(tw_cfg_len(tariffs), 1); /* a sequence replaces, it does not merge */
    cr_assert_str_eq(tw_cfg_text(tw_cfg_at(tariffs, 0)), "0.3");
    char *out = emit_to_string(cfg);
    cr_assert_str_eq(out, "name: child\nreplicates: 10\nfirms:\n  per_cell: 8\n  size_tail: 1.5\n"
                          "tariffs:\n  - 0.3\n");
    free(out);
    tw_cfg_mark_used(root);
    cr_assert_eq(tw_cfg_check_unused(cfg, &err), TW_OK);
    tw_cfg_free(cfg);
}

Test(config, extends_chain_of_three) {
    in_fixtures();
    tw_cfg *cfg = load_file("grandchild.yaml");
    const tw_cfg_node *root = tw_cfg_root(cfg);
    char *out = emit_to_string(cfg);
    cr_assert_str_eq(out, "name: child\nreplicates: 30\nfirms:\n  per_cell: 8\n  size_tail: 1.5\n"
                          "  extra: 1\ntariffs:\n  - 0.3\n");
    free(out);
    cr_assert_str_eq(tw_cfg_file(tw_cfg_get(root, "replicates")), "grandchild.yaml");
    const tw_cfg_node *firms = tw_cfg_get(root, "firms");
    cr_assert_str_eq(tw_cfg_file(tw_cfg_get(firms, "per_cell")), "child.yaml");
    cr_assert_str_eq(tw_cfg_file(tw_cfg_get(firms, "size_tail")), "base.yaml");
    cr_assert_str_eq(tw_cfg_file(tw_cfg_get(firms, "extra")), "grandchild.yaml");
    cr_assert_str_eq(tw_cfg_path(tw_cfg_get(firms, "extra")), "firms.extra");
    /* unread keys point at the file that wrote them, parents included */
    tw_err err;
    cr_assert_eq(tw_cfg_check_unused(cfg, &err), TW_ECONFIG);
    cr_assert_str_eq(err.msg, "child.yaml:2:1: name: unknown key (not used by this model)");
    tw_cfg_free(cfg);
}

Test(config, extends_relative_to_the_naming_file) {
    in_fixtures();
    tw_cfg *cfg = load_file("sub/child_sub.yaml");
    const tw_cfg_node *root = tw_cfg_root(cfg);
    cr_assert_str_eq(tw_cfg_text(tw_cfg_get(root, "name")), "sub");
    cr_assert_str_eq(tw_cfg_file(tw_cfg_get(root, "replicates")), "sub/../base.yaml");
    tw_cfg_free(cfg);
    /* load_string resolves relative to the current directory */
    cfg = load_str("extends: base.yaml\nname: s\n");
    cr_assert_str_eq(tw_cfg_text(tw_cfg_get(tw_cfg_root(cfg), "replicates")), "10");
    tw_cfg_free(cfg);
    cfg = load_file(FIXTURES "/child.yaml");
    cr_assert_str_eq(tw_cfg_file(tw_cfg_get(tw_cfg_root(cfg), "replicates")),
                     FIXTURES "/base.yaml");
    tw_cfg_free(cfg);
}

Test(config, inherited_error_points_at_parent) {
    in_fixtures();
    tw_cfg *cfg = load_file("bad_child.yaml");
    double d;
    tw_err err;
    cr_assert_eq(tw_cfg_double(tw_cfg_get(tw_cfg_root(cfg), "firms"), "size_tail", true, 0, 1.05,
                               10, &d, &err),
                 TW_ECONFIG);
    cr_assert_str_eq(err.msg, "bad_parent.yaml:2:14: firms.size_tail: expected a number between "
                              "1.05 and 10 (got 0.5)");
    tw_cfg_free(cfg);
}

Test(config, extends_cycles) {
    in_fixtures();
    file_fails("cycle_a.yaml",
               "cycle_b.yaml:1:10: extends: cyclic extends: cycle_b.yaml extends cycle_a.yaml");
    file_fails("self.yaml", "self.yaml:1:10: extends: cyclic extends: self.yaml extends self.yaml");
}

Test(config, extends_missing_file) {
    in_fixtures();
    file_fails("missing_extends.yaml", "missing_extends.yaml:1:10: extends: cannot open "
                                       "'nope.yaml': No such file or directory");
    load_fails("extends: [a.yaml]\n", "t.yaml:1:10: extends: expected a file name (got a "
                                      "sequence)");
    load_fails("extends: ''\n", "t.yaml:1:10: extends: expected a file name (got an empty "
                                "value)");
}

Test(config, extends_depth_limit) {
    char dir[] = "/tmp/tw_cfg_chain_XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char path[256];
    for (int k = 0; k <= TW_CFG_MAX_EXTENDS + 1; k++) {
        snprintf(path, sizeof path, "%s/f%d.yaml", dir, k);
        FILE *fp = fopen(path, "w");
        cr_assert_not_null(fp);
        if (k <= TW_CFG_MAX_EXTENDS) fprintf(fp, "extends: f%d.yaml\n", k + 1);
        fprintf(fp, "v%d: %d\n", k, k);
        cr_assert_eq(fclose(fp), 0);
    }
    /* f1 .. f33: 32 extends, the most allowed */
    snprintf(path, sizeof path, "%s/f1.yaml", dir);
    tw_cfg *cfg = load_file(path);
    cr_assert_eq(tw_cfg_len(tw_cfg_root(cfg)), TW_CFG_MAX_EXTENDS + 1);
    cr_assert_str_eq(tw_cfg_key_at(tw_cfg_root(cfg), 0), "v33");
    tw_cfg_free(cfg);
    /* f0 .. f33: one too many */
    snprintf(path, sizeof path, "%s/f0.yaml", dir);
    char want[512];
    snprintf(want, sizeof want,
             "%s/f32.yaml:1:10: extends: too many levels of extends (more than 32)", dir);
    file_fails(path, want);
    for (int k = 0; k <= TW_CFG_MAX_EXTENDS + 1; k++) {
        snprintf(path, sizeof path, "%s/f%d.yaml", dir, k);
        unlink(path);
    }
    rmdir(dir);
}

/* Only a YAML file can be extended: any other file is refused before it is opened, so
 * the message names the file and the place of `extends` and never shows a line of it
 * (here a line in the form of /etc/shadow's). A link is judged by where it leads; the
 * suffix may be in any case. */
Test(config, extends_only_yaml_files) {
    char dir[] = "/tmp/tw_cfg_notyaml_XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char path[6][256];
    static const char *const names[] = {"secret.txt", "link.yaml", "a.yaml",
                                        "b.yaml",     "ok.YML",    "c.yaml"};
    for (int k = 0; k < 6; k++) snprintf(path[k], sizeof path[k], "%s/%s", dir, names[k]);
    cr_assert_eq(tw_write_text(path[0], "root:*:20228:0:99999:7:::\nsecret: value\n"), 0);
    cr_assert_eq(symlink("secret.txt", path[1]), 0);
    cr_assert_eq(tw_write_text(path[2], "extends: secret.txt\n"), 0);
    cr_assert_eq(tw_write_text(path[3], "extends: link.yaml\n"), 0);
    cr_assert_eq(tw_write_text(path[4], "x: 1\n"), 0);
    cr_assert_eq(tw_write_text(path[5], "extends: ok.YML\n"), 0);
    char want[1024];
    snprintf(want, sizeof want,
             "%s:1:10: extends: cannot extend '%s': not a YAML file (its name, links followed, "
             "must end in .yaml or .yml)",
             path[2], path[0]);
    file_fails(path[2], want);
    snprintf(want, sizeof want,
             "%s:1:10: extends: cannot extend '%s': not a YAML file (its name, links followed, "
             "must end in .yaml or .yml)",
             path[3], path[1]);
    file_fails(path[3], want);
    tw_cfg *cfg = load_file(path[5]);
    cr_assert_str_eq(tw_cfg_text(tw_cfg_get(tw_cfg_root(cfg), "x")), "1");
    tw_cfg_free(cfg);
    /* a device is never opened: /dev/zero would otherwise be read to the size limit */
    load_fails("extends: /dev/zero\n", "t.yaml:1:10: extends: cannot extend '/dev/zero': not a "
                                       "YAML file (its name, links followed, must end in .yaml "
                                       "or .yml)");
    for (int k = 0; k < 6; k++) unlink(path[k]);
    rmdir(dir);
}

/* A child's map that names its distribution (`dist:`) replaces the inherited map whole:
 * merged key by key, a uniform over a Beta would keep the Beta's a and b, which mean
 * nothing to a uniform. A map without `dist:` still merges (a Beta's a changed alone). */
Test(config, extends_distribution_replaces_whole) {
    char dir[] = "/tmp/tw_cfg_dist_XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char parent[256], child[256], tweak[256];
    snprintf(parent, sizeof parent, "%s/parent.yaml", dir);
    snprintf(child, sizeof child, "%s/child.yaml", dir);
    snprintf(tweak, sizeof tweak, "%s/tweak.yaml", dir);
    cr_assert_eq(tw_write_text(parent, "events:\n  truce:\n    extension:\n"
                                       "      base: {dist: beta, a: 2, b: 1, source: x}\n"
                                       "      pain_slope: 0\n"), 0);
    cr_assert_eq(tw_write_text(child, "extends: parent.yaml\nevents:\n  truce:\n    extension:\n"
                                      "      base: {dist: uniform, lo: 0, hi: 1e-6}\n"), 0);
    cr_assert_eq(tw_write_text(tweak, "extends: parent.yaml\nevents:\n  truce:\n    extension:\n"
                                      "      base: {a: 5}\n"), 0);
    tw_cfg *cfg = load_file(child);
    char *out = emit_to_string(cfg);
    cr_assert_str_eq(out, "events:\n  truce:\n    extension:\n      base:\n        dist: uniform\n"
                          "        lo: 0\n        hi: 1e-6\n      pain_slope: 0\n");
    free(out);
    const tw_cfg_node *base = tw_cfg_get(
        tw_cfg_get(tw_cfg_get(tw_cfg_get(tw_cfg_root(cfg), "events"), "truce"), "extension"),
        "base");
    cr_assert_str_eq(tw_cfg_file(base), child);
    cr_assert_null(tw_cfg_get(base, "a"));
    tw_cfg_free(cfg);
    cfg = load_file(tweak);
    out = emit_to_string(cfg);
    cr_assert_str_eq(out, "events:\n  truce:\n    extension:\n      base:\n        dist: beta\n"
                          "        a: 5\n        b: 1\n        source: x\n      pain_slope: 0\n");
    free(out);
    tw_cfg_free(cfg);
    unlink(parent);
    unlink(child);
    unlink(tweak);
    rmdir(dir);
}

/* A key the model does not read, inherited into a map the child gave again, is reported
 * at the child's map (the file the user edited), naming where the key came from; a key
 * the parent has at the top level, or in a map the child did not touch, stays the
 * parent's, and a key --set added is --set's. */
Test(config, unknown_inherited_key_points_at_child) {
    char dir[] = "/tmp/tw_cfg_unk_XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char parent[256], child[256], want[1024];
    snprintf(parent, sizeof parent, "%s/parent.yaml", dir);
    snprintf(child, sizeof child, "%s/child.yaml", dir);
    cr_assert_eq(tw_write_text(parent, "firms:\n  per_cell: 5\n  size_tail: 1.5\n"
                                       "ge:\n  enabled: true\n"), 0);
    cr_assert_eq(tw_write_text(child, "extends: parent.yaml\nname: c\nfirms:\n  per_cell: 8\n"), 0);
    tw_cfg *cfg = load_file(child);
    const tw_cfg_node *root = tw_cfg_root(cfg);
    tw_cfg_get(root, "name");
    tw_cfg_get(tw_cfg_get(root, "firms"), "per_cell");
    tw_cfg_get(root, "ge");
    tw_cfg_get(tw_cfg_get(root, "ge"), "enabled");
    tw_err err;
    cr_assert_eq(tw_cfg_check_unused(cfg, &err), TW_ECONFIG);
    snprintf(want, sizeof want,
             "%s:4:3: firms.size_tail: unknown key (not used by this model), inherited from "
             "%s:3:3 into the map given here", child, parent);
    cr_assert_str_eq(err.msg, want);
    tw_cfg_get(tw_cfg_get(root, "firms"), "size_tail");
    cr_assert_eq(tw_cfg_set(cfg, "firms.typo=1", &err), TW_OK);
    cr_assert_eq(tw_cfg_check_unused(cfg, &err), TW_ECONFIG);
    cr_assert_str_eq(err.msg, "--set:1:7: firms.typo: unknown key (not used by this model)");
    tw_cfg_free(cfg);
    unlink(parent);
    unlink(child);
    rmdir(dir);
}
