/* tw_test_config.h - helpers for the configuration tests (tests/engine/test_config_*.c).
 *
 * Each helper asserts with Criterion, so a failure stops the test where it happened. Text
 * loaded from memory is named "t.yaml" in every message.
 */
#ifndef TW_TEST_CONFIG_H
#define TW_TEST_CONFIG_H

#include <stddef.h>

#include "tw_config.h"

/* The directory of the inheritance fixtures (files that extend each other). */
#define FIXTURES TW_SOURCE_DIR "/tests/engine/config_fixtures"

/* chdir to FIXTURES, so that file names in messages are short (each Criterion test runs
 * in its own process, so this does not leak into the next test). */
void in_fixtures(void);
/* Load text (as "t.yaml") or a file; the load must succeed. Caller frees. */
tw_cfg *load_str(const char *text);
tw_cfg *load_file(const char *path);
/* Loading text of length len (or a NUL-terminated text, or a file) must fail with
 * TW_ECONFIG, leave the output NULL and give exactly msg. */
void load_fails_n(const char *text, size_t len, const char *msg);
void load_fails(const char *text, const char *msg);
void file_fails(const char *path, const char *msg);
/* What tw_cfg_emit writes, NUL-terminated (caller frees). */
char *emit_to_string(const tw_cfg *cfg);

#endif
