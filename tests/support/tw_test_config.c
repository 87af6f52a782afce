/* tw_test_config.c - helpers for the configuration tests (see tw_test_config.h). */
#define _POSIX_C_SOURCE 200809L

#include "tw_test_config.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void in_fixtures(void) { cr_assert_eq(chdir(FIXTURES), 0, "chdir %s", FIXTURES); }

tw_cfg *load_str(const char *text) {
    tw_cfg *cfg = NULL;
    tw_err err;
    tw_err_clear(&err);
    tw_status st = tw_cfg_load_string("t.yaml", text, strlen(text), &cfg, &err);
    cr_assert_eq(st, TW_OK, "load failed: %s", err.msg);
    cr_assert_not_null(cfg);
    return cfg;
}

tw_cfg *load_file(const char *path) {
    tw_cfg *cfg = NULL;
    tw_err err;
    tw_err_clear(&err);
    tw_status st = tw_cfg_load(path, &cfg, &err);
    cr_assert_eq(st, TW_OK, "load %s failed: %s", path, err.msg);
    return cfg;
}

/* Loading text of length len must fail with exactly msg. */
void load_fails_n(const char *text, size_t len, const char *msg) {
    tw_cfg *cfg = (tw_cfg *)&cfg; /* must be reset to NULL */
    tw_err err;
    tw_err_clear(&err);
    tw_status st = tw_cfg_load_string("t.yaml", text, len, &cfg, &err);
    cr_assert_eq(st, TW_ECONFIG, "status %d for %s", (int)st, text);
    cr_assert_null(cfg);
    cr_assert_str_eq(err.msg, msg);
}

void load_fails(const char *text, const char *msg) {
    load_fails_n(text, strlen(text), msg);
}

void file_fails(const char *path, const char *msg) {
    tw_cfg *cfg = (tw_cfg *)&cfg;
    tw_err err;
    tw_err_clear(&err);
    tw_status st = tw_cfg_load(path, &cfg, &err);
    cr_assert_eq(st, TW_ECONFIG, "status %d for %s", (int)st, path);
    cr_assert_null(cfg);
    cr_assert_str_eq(err.msg, msg);
}

char *emit_to_string(const tw_cfg *cfg) {
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    cr_assert_not_null(fp);
    cr_assert_eq(tw_cfg_emit(cfg, fp), 0);
    cr_assert_eq(fclose(fp), 0);
    return buf;
}
