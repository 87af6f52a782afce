/* test_config.c - the scenario configuration tree (engine/tw_config.c).
 *
 * Error messages are part of the interface (they are what a user sees), so most tests
 * compare the whole text, location included. Small cases load from strings named
 * "t.yaml"; inheritance uses the files in config_fixtures/, and those tests chdir there
 * first (Criterion runs each test in its own process) so that file names in messages are
 * short and exact.
 */
#define _POSIX_C_SOURCE 200809L

#include <criterion/criterion.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tw_config.h"

#define FIXTURES TW_SOURCE_DIR "/tests/engine/config_fixtures"

static void in_fixtures(void) { cr_assert_eq(chdir(FIXTURES), 0, "chdir %s", FIXTURES); }

static tw_cfg *load_str(const char *text) {
    tw_cfg *cfg = NULL;
    tw_err err;
    tw_err_clear(&err);
    tw_status st = tw_cfg_load_string("t.yaml", text, strlen(text), &cfg, &err);
    cr_assert_eq(st, TW_OK, "load failed: %s", err.msg);
    cr_assert_not_null(cfg);
    return cfg;
}

static tw_cfg *load_file(const char *path) {
    tw_cfg *cfg = NULL;
    tw_err err;
    tw_err_clear(&err);
    tw_status st = tw_cfg_load(path, &cfg, &err);
    cr_assert_eq(st, TW_OK, "load %s failed: %s", path, err.msg);
    return cfg;
}

/* Loading text of length len must fail with exactly msg. */
static void load_fails_n(const char *text, size_t len, const char *msg) {
    tw_cfg *cfg = (tw_cfg *)&cfg; /* must be reset to NULL */
    tw_err err;
    tw_err_clear(&err);
    tw_status st = tw_cfg_load_string("t.yaml", text, len, &cfg, &err);
    cr_assert_eq(st, TW_ECONFIG, "status %d for %s", (int)st, text);
    cr_assert_null(cfg);
    cr_assert_str_eq(err.msg, msg);
}

static void load_fails(const char *text, const char *msg) {
    load_fails_n(text, strlen(text), msg);
}

static void file_fails(const char *path, const char *msg) {
    tw_cfg *cfg = (tw_cfg *)&cfg;
    tw_err err;
    tw_err_clear(&err);
    tw_status st = tw_cfg_load(path, &cfg, &err);
    cr_assert_eq(st, TW_ECONFIG, "status %d for %s", (int)st, path);
    cr_assert_null(cfg);
    cr_assert_str_eq(err.msg, msg);
}

static char *emit_to_string(const tw_cfg *cfg) {
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    cr_assert_not_null(fp);
    cr_assert_eq(tw_cfg_emit(cfg, fp), 0);
    cr_assert_eq(fclose(fp), 0);
    return buf;
}

/* --- loading and navigation --- */

Test(config, basic_file_getters) {
    tw_cfg *cfg = load_file(FIXTURES "/basic.yaml");
    tw_err err;
    const tw_cfg_node *root = tw_cfg_root(cfg);
    cr_assert_str_eq(tw_cfg_source(cfg), FIXTURES "/basic.yaml");
    cr_assert_eq(tw_cfg_kind_of(root), TW_CFG_MAP);
    cr_assert_str_eq(tw_cfg_path(root), "");
    cr_assert_eq(tw_cfg_len(root), 9);
    cr_assert_str_eq(tw_cfg_key_at(root, 0), "name");
    cr_assert_str_eq(tw_cfg_key_at(root, 8), "notes");
    cr_assert_null(tw_cfg_key_at(root, 9));

    const char *name = NULL;
    cr_assert_eq(tw_cfg_string(root, "name", true, NULL, &name, &err), TW_OK);
    cr_assert_str_eq(name, "basic test");
    int64_t reps = 0;
    cr_assert_eq(tw_cfg_int(root, "replicates", true, 0, 1, 1000000, &reps, &err), TW_OK);
    cr_assert_eq(reps, 20);
    tw_day start = 0;
    cr_assert_eq(tw_cfg_date(root, "start", true, 0, &start, &err), TW_OK);
    cr_assert_eq(start, tw_day_from_civil(2025, 5, 14));
    bool verbose = false;
    cr_assert_eq(tw_cfg_bool(root, "verbose", true, false, &verbose, &err), TW_OK);
    cr_assert(verbose);

    const tw_cfg_node *firms = tw_cfg_get(root, "firms");
    cr_assert_eq(tw_cfg_kind_of(firms), TW_CFG_MAP);
    cr_assert_str_eq(tw_cfg_path(firms), "firms");
    double tail = 0;
    cr_assert_eq(tw_cfg_double(firms, "size_tail", true, 0, 1.05, 10, &tail, &err), TW_OK);
    cr_assert_eq(tail, 1.5);
    int64_t per_cell = 0;
    cr_assert_eq(tw_cfg_int(firms, "per_cell", true, 0, 1, 100, &per_cell, &err), TW_OK);
    cr_assert_eq(per_cell, 12);
    const tw_cfg_node *pc = tw_cfg_get(firms, "per_cell");
    cr_assert_str_eq(tw_cfg_file(pc), FIXTURES "/basic.yaml");
    cr_assert_eq(tw_cfg_line(pc), 7);
    cr_assert_eq(tw_cfg_col(pc), 13);
    cr_assert_str_eq(tw_cfg_path(pc), "firms.per_cell");
    cr_assert_str_eq(tw_cfg_text(pc), "12");
    cr_assert_null(tw_cfg_text(firms));

    static const char *const countries[] = {"US", "CN", "EU", "ROW", NULL};
    int home = -1;
    cr_assert_eq(tw_cfg_enum(root, "home", true, 0, countries, &home, &err), TW_OK);
    cr_assert_eq(home, 1);
    const tw_cfg_node *list = tw_cfg_get(root, "countries");
    cr_assert_eq(tw_cfg_kind_of(list), TW_CFG_SEQ);
    cr_assert_eq(tw_cfg_len(list), 4);
    for (size_t i = 0; i < tw_cfg_len(list); i++) {
        int c = -1;
        cr_assert_eq(tw_cfg_node_enum(tw_cfg_at(list, i), countries, &c, &err), TW_OK);
        cr_assert_eq(c, (int)i);
    }
    cr_assert_null(tw_cfg_at(list, 4));
    cr_assert_null(tw_cfg_key_at(list, 0));

    const tw_cfg_node *tariffs = tw_cfg_get(root, "tariffs");
    cr_assert_eq(tw_cfg_len(tariffs), 2);
    const tw_cfg_node *t1 = tw_cfg_at(tariffs, 1);
    cr_assert_str_eq(tw_cfg_path(t1), "tariffs[1]");
    double rate = 0;
    cr_assert_eq(tw_cfg_double(t1, "rate", true, 0, 0, 1, &rate, &err), TW_OK);
    cr_assert_eq(rate, 0.1);
    cr_assert_str_eq(tw_cfg_path(tw_cfg_get(t1, "rate")), "tariffs[1].rate");
    cr_assert_eq(tw_cfg_line(tw_cfg_get(t1, "rate")), 14);
    cr_assert_eq(tw_cfg_col(tw_cfg_get(t1, "rate")), 11);
    int from = -1;
    cr_assert_eq(tw_cfg_enum(t1, "from", true, 0, countries, &from, &err), TW_OK);
    cr_assert_eq(from, 1);
    const tw_cfg_node *t0 = tw_cfg_at(tariffs, 0);
    cr_assert_eq(tw_cfg_double(t0, "rate", true, 0, 0, 1, &rate, &err), TW_OK);
    cr_assert_eq(tw_cfg_enum(t0, "from", true, 0, countries, &from, &err), TW_OK);
    cr_assert_eq(from, 0);

    /* map values by index, in document order */
    const tw_cfg_node *notes = tw_cfg_get(root, "notes");
    cr_assert_str_eq(tw_cfg_text(tw_cfg_at(notes, 0)), "form");
    cr_assert_eq(tw_cfg_kind_of(tw_cfg_at(notes, 1)), TW_CFG_SEQ);
    tw_cfg_mark_used(notes);
    cr_assert_eq(tw_cfg_check_unused(cfg, &err), TW_OK, "%s", err.msg);
    tw_cfg_free(cfg);
}

Test(config, null_tolerance) {
    cr_assert_null(tw_cfg_get(NULL, "x"));
    cr_assert_eq(tw_cfg_len(NULL), 0);
    cr_assert_null(tw_cfg_at(NULL, 0));
    cr_assert_null(tw_cfg_key_at(NULL, 0));
    cr_assert_null(tw_cfg_text(NULL));
    cr_assert_null(tw_cfg_file(NULL));
    cr_assert_null(tw_cfg_path(NULL));
    cr_assert_eq(tw_cfg_line(NULL), 0);
    cr_assert_null(tw_cfg_root(NULL));
    tw_cfg_mark_used(NULL);
    tw_cfg_free(NULL);
    tw_cfg *cfg = load_str("a: 1\n");
    const tw_cfg_node *a = tw_cfg_get(tw_cfg_root(cfg), "a");
    cr_assert_null(tw_cfg_get(a, "x")); /* a scalar is not a map */
    cr_assert_eq(tw_cfg_len(a), 0);
    cr_assert_null(tw_cfg_get(tw_cfg_root(cfg), "b"));
    tw_cfg_free(cfg);
}

Test(config, defaults_when_absent) {
    tw_cfg *cfg = load_str("x: 1\n");
    const tw_cfg_node *root = tw_cfg_root(cfg);
    tw_err err;
    double d = 0;
    int64_t i = 0;
    bool b = false;
    const char *s = "unset";
    tw_day day = 0;
    int e = -1;
    static const char *const choices[] = {"a", "b", NULL};
    cr_assert_eq(tw_cfg_double(root, "d", false, 2.5, 0, 10, &d, &err), TW_OK);
    cr_assert_eq(d, 2.5);
    cr_assert_eq(tw_cfg_int(root, "i", false, 7, 0, 10, &i, &err), TW_OK);
    cr_assert_eq(i, 7);
    cr_assert_eq(tw_cfg_bool(root, "b", false, true, &b, &err), TW_OK);
    cr_assert(b);
    cr_assert_eq(tw_cfg_string(root, "s", false, NULL, &s, &err), TW_OK);
    cr_assert_null(s);
    cr_assert_eq(tw_cfg_date(root, "day", false, 42, &day, &err), TW_OK);
    cr_assert_eq(day, 42);
    cr_assert_eq(tw_cfg_enum(root, "e", false, 1, choices, &e, &err), TW_OK);
    cr_assert_eq(e, 1);
    /* a NULL map (an absent section) gives the defaults too */
    cr_assert_eq(tw_cfg_int(NULL, "i", false, 9, 0, 10, &i, &err), TW_OK);
    cr_assert_eq(i, 9);
    tw_cfg_free(cfg);
}

/* --- getter errors --- */

Test(config, missing_required_keys) {
    tw_cfg *cfg = load_str("x: 1\nfirms:\n  a: 1\n");
    const tw_cfg_node *root = tw_cfg_root(cfg);
    tw_err err;
    double d;
    int64_t i;
    bool b;
    const char *s;
    tw_day day;
    int e;
    static const char *const choices[] = {"US", "CN", NULL};
    cr_assert_eq(tw_cfg_double(root, "d", true, 0, 1.05, 10, &d, &err), TW_ECONFIG);
    cr_assert_str_eq(err.msg,
                     "t.yaml:1:1: d: missing required key (expected a number between 1.05 and 10)");
    cr_assert_eq(tw_cfg_int(root, "seed", true, 0, 1, 10, &i, &err), TW_ECONFIG);
    cr_assert_str_eq(err.msg,
                     "t.yaml:1:1: seed: missing required key (expected an integer between 1 and "
                     "10)");
    cr_assert_eq(tw_cfg_bool(root, "b", true, false, &b, &err), TW_ECONFIG);
    cr_assert_str_eq(err.msg, "t.yaml:1:1: b: missing required key (expected true or false)");
    cr_assert_eq(tw_cfg_string(root, "s", true, NULL, &s, &err), TW_ECONFIG);
    cr_assert_str_eq(err.msg, "t.yaml:1:1: s: missing required key (expected a string)");
    cr_assert_eq(tw_cfg_date(root, "start", true, 0, &day, &err), TW_ECONFIG);
    cr_assert_str_eq(err.msg, "t.yaml:1:1: start: missing required key (expected a date "
                              "YYYY-MM-DD that exists)");
    cr_assert_eq(tw_cfg_enum(root, "home", true, 0, choices, &e, &err), TW_ECONFIG);
    cr_assert_str_eq(err.msg,
                     "t.yaml:1:1: home: missing required key (expected one of US, CN)");
    /* located at the map that lacks the key */
    const tw_cfg_node *firms = tw_cfg_get(root, "firms");
    cr_assert_eq(tw_cfg_int(firms, "per_cell", true, 0, 1, 1000000, &i, &err), TW_ECONFIG);
    cr_assert_str_eq(err.msg, "t.yaml:3:3: firms.per_cell: missing required key (expected an "
                              "integer between 1 and 1000000)");
    /* a missing section: no location to give */
    cr_assert_eq(tw_cfg_int(NULL, "per_cell", true, 0, 1, 9, &i, &err), TW_ECONFIG);
    cr_assert_str_eq(err.msg,
                     "per_cell: missing required key (expected an integer between 1 and 9)");
    tw_cfg_free(cfg);
}

Test(config, bad_value_messages) {
    tw_cfg *cfg = load_str("firms:\n  size_tail: 0.5\nreplicates: abc\nstart: 2025-02-30\n"
                           "verbose: maybe\nname: {a: 1}\nhome: XX\nlist: [1]\n");
    const tw_cfg_node *root = tw_cfg_root(cfg);
    tw_err err;
    double d = -1;
    int64_t i = -1;
    bool b = false;
    const char *s = NULL;
    tw_day day = -1;
    int e = -1;
    static const char *const countries[] = {"US", "CN", "EU", "ROW", NULL};
    cr_assert_eq(tw_cfg_double(tw_cfg_get(root, "firms"), "size_tail", true, 0, 1.05, 10, &d,
                               &err),
                 TW_ECONFIG);
    cr_assert_str_eq(err.msg, "t.yaml:2:14: firms.size_tail: expected a number between 1.05 "
                              "and 10 (got 0.5)");
    cr_assert_eq(d, -1); /* untouched on error */
    cr_assert_eq(tw_cfg_int(root, "replicates", true, 0, 1, 1000000, &i, &err), TW_ECONFIG);
    cr_assert_str_eq(err.msg, "t.yaml:3:13: replicates: expected an integer between 1 and "
                              "1000000 (got abc)");
    cr_assert_eq(i, -1);
    cr_assert_eq(tw_cfg_date(root, "start", true, 0, &day, &err), TW_ECONFIG);
    cr_assert_str_eq(err.msg,
                     "t.yaml:4:8: start: expected a date YYYY-MM-DD that exists (got 2025-02-30)");
    cr_assert_eq(tw_cfg_bool(root, "verbose", true, false, &b, &err), TW_ECONFIG);
    cr_assert_str_eq(err.msg, "t.yaml:5:10: verbose: expected true or false (got maybe)");
    cr_assert_eq(tw_cfg_string(root, "name", true, NULL, &s, &err), TW_ECONFIG);
    cr_assert_str_eq(err.msg, "t.yaml:6:7: name: expected a string (got a map)");
    cr_assert_eq(tw_cfg_enum(root, "home", true, 0, countries, &e, &err), TW_ECONFIG);
    cr_assert_str_eq(err.msg, "t.yaml:7:7: home: expected one of US, CN, EU, ROW (got XX)");
    cr_assert_eq(tw_cfg_double(root, "list", true, 0, 0, 1, &d, &err), TW_ECONFIG);
    cr_assert_str_eq(err.msg, "t.yaml:8:7: list: expected a number between 0 and 1 (got a "
                              "sequence)");
    cr_assert_eq(tw_cfg_int(root, "name", true, 0, 0, 1, &i, &err), TW_ECONFIG);
    cr_assert_str_eq(err.msg, "t.yaml:6:7: name: expected an integer between 0 and 1 (got a "
                              "map)");
    /* a scalar used as a map */
    cr_assert_eq(tw_cfg_int(tw_cfg_get(root, "home"), "x", false, 0, 0, 1, &i, &err),
                 TW_ECONFIG);
    cr_assert_str_eq(err.msg, "t.yaml:7:7: home: expected a map with the key 'x' (got a "
                              "scalar)");
    tw_cfg_free(cfg);
}

Test(config, node_getters) {
    tw_cfg *cfg = load_str("rates: [0.1, 2]\nfrom: [US, XX]\n");
    const tw_cfg_node *root = tw_cfg_root(cfg);
    tw_err err;
    static const char *const c2[] = {"US", "CN", NULL};
    const tw_cfg_node *rates = tw_cfg_get(root, "rates"), *from = tw_cfg_get(root, "from");
    double d = 0;
    int e = -1;
    cr_assert_eq(tw_cfg_node_double(tw_cfg_at(rates, 0), 0, 1, &d, &err), TW_OK);
    cr_assert_eq(d, 0.1);
    cr_assert_eq(tw_cfg_node_double(tw_cfg_at(rates, 1), 0, 1, &d, &err), TW_ECONFIG);
    cr_assert_str_eq(err.msg,
                     "t.yaml:1:14: rates[1]: expected a number between 0 and 1 (got 2)");
    cr_assert_eq(tw_cfg_node_enum(tw_cfg_at(from, 0), c2, &e, &err), TW_OK);
    cr_assert_eq(e, 0);
    cr_assert_eq(tw_cfg_node_enum(tw_cfg_at(from, 1), c2, &e, &err), TW_ECONFIG);
    cr_assert_str_eq(err.msg, "t.yaml:2:12: from[1]: expected one of US, CN (got XX)");
    cr_assert_eq(tw_cfg_node_double(rates, 0, 1, &d, &err), TW_ECONFIG);
    cr_assert_str_eq(err.msg,
                     "t.yaml:1:8: rates: expected a number between 0 and 1 (got a sequence)");
    cr_assert_eq(tw_cfg_node_double(NULL, 0, 1, &d, &err), TW_ECONFIG);
    tw_cfg_free(cfg);
}

Test(config, cfg_error_helper) {
    tw_cfg *cfg = load_str("policy:\n  us:\n    resolve: 1.7\n");
    const tw_cfg_node *n = tw_cfg_get(tw_cfg_get(tw_cfg_get(tw_cfg_root(cfg), "policy"), "us"),
                                      "resolve");
    tw_err err;
    cr_assert_eq(tw_cfg_error(&err, n, "must be between %d and %d (got %s)", 0, 1,
                              tw_cfg_text(n)),
                 TW_ECONFIG);
    cr_assert_str_eq(err.msg, "t.yaml:3:14: policy.us.resolve: must be between 0 and 1 (got 1.7)");
    cr_assert_eq(err.code, TW_ECONFIG);
    tw_cfg_free(cfg);
}

/* Parse "v: text" as a double in [lo, hi]; returns the status and leaves the message. */
static tw_status dbl(const char *text, double lo, double hi, double *out, tw_err *err) {
    char buf[256];
    snprintf(buf, sizeof buf, "v: %s\n", text);
    tw_cfg *cfg = load_str(buf);
    tw_status st = tw_cfg_double(tw_cfg_root(cfg), "v", true, 0, lo, hi, out, err);
    tw_cfg_free(cfg);
    return st;
}

static tw_status integer(const char *text, int64_t lo, int64_t hi, int64_t *out, tw_err *err) {
    char buf[256];
    snprintf(buf, sizeof buf, "v: %s\n", text);
    tw_cfg *cfg = load_str(buf);
    tw_status st = tw_cfg_int(tw_cfg_root(cfg), "v", true, 0, lo, hi, out, err);
    tw_cfg_free(cfg);
    return st;
}

Test(config, numbers_accepted) {
    static const struct {
        const char *text;
        double want;
    } ok[] = {{"1", 1},      {"-2.5", -2.5},     {".5", 0.5},   {"5.", 5},
              {"1e3", 1000}, {"2.5E-3", 2.5e-3}, {"+3", 3},     {"-0", 0},
              {"'7.25'", 7.25}, {"1e-5", 1e-5}};
    for (size_t k = 0; k < sizeof ok / sizeof ok[0]; k++) {
        double d = NAN;
        tw_err err;
        cr_assert_eq(dbl(ok[k].text, -1e9, 1e9, &d, &err), TW_OK, "%s: %s", ok[k].text,
                     err.msg);
        cr_assert_eq(d, ok[k].want, "%s", ok[k].text);
    }
    static const struct {
        const char *text;
        int64_t want;
    } iok[] = {{"7", 7},
               {"-3", -3},
               {"+5", 5},
               {"007", 7},
               {"9223372036854775807", INT64_MAX},
               {"-9223372036854775808", INT64_MIN}};
    for (size_t k = 0; k < sizeof iok / sizeof iok[0]; k++) {
        int64_t v = 0;
        tw_err err;
        cr_assert_eq(integer(iok[k].text, INT64_MIN, INT64_MAX, &v, &err), TW_OK, "%s: %s",
                     iok[k].text, err.msg);
        cr_assert_eq(v, iok[k].want, "%s", iok[k].text);
    }
}

Test(config, numbers_rejected) {
    static const char *const bad[] = {"nan", "NaN", ".nan", "inf", ".inf", "-.inf", "Infinity",
                                      "0x10", "1e999", "-1e999", "''", "1,5", "1.5.2", "e5",
                                      "+", "'-'", "1e", ".", "1_000", "0b1", "--1"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        double d = 123;
        tw_err err;
        cr_assert_eq(dbl(bad[k], -1e300, 1e300, &d, &err), TW_ECONFIG, "accepted %s", bad[k]);
        cr_assert_eq(d, 123);
        cr_assert(strstr(err.msg, "t.yaml:1:4: v: expected a number between -1e+300 and 1e+300 "
                                  "(got ") == err.msg,
                  "%s", err.msg);
    }
    tw_err err;
    double d;
    cr_assert_eq(dbl("nan", -1, 1, &d, &err), TW_ECONFIG);
    cr_assert_str_eq(err.msg, "t.yaml:1:4: v: expected a number between -1 and 1 (got nan)");
    cr_assert_eq(dbl("''", -1, 1, &d, &err), TW_ECONFIG);
    cr_assert_str_eq(err.msg,
                     "t.yaml:1:4: v: expected a number between -1 and 1 (got an empty value)");
    cr_assert_eq(dbl("-1", 0, INFINITY, &d, &err), TW_ECONFIG);
    cr_assert_str_eq(err.msg, "t.yaml:1:4: v: expected a number >= 0 (got -1)");
    cr_assert_eq(dbl("abc", -INFINITY, INFINITY, &d, &err), TW_ECONFIG);
    cr_assert_str_eq(err.msg, "t.yaml:1:4: v: expected a number (got abc)");

    static const char *const ibad[] = {"1.5", "1e3",  "0x10", "99999999999999999999",
                                       "-99999999999999999999", "abc", "''", "1 000", "1.0",
                                       "+", "9223372036854775808"};
    for (size_t k = 0; k < sizeof ibad / sizeof ibad[0]; k++) {
        int64_t v = 123;
        cr_assert_eq(integer(ibad[k], INT64_MIN, INT64_MAX, &v, &err), TW_ECONFIG, "accepted %s",
                     ibad[k]);
        cr_assert_eq(v, 123);
    }
    int64_t v;
    cr_assert_eq(integer("99999999999999999999", 1, 1000000, &v, &err), TW_ECONFIG);
    cr_assert_str_eq(err.msg, "t.yaml:1:4: v: expected an integer between 1 and 1000000 (got "
                              "99999999999999999999)");
    cr_assert_eq(integer("1.5", 1, 1000000, &v, &err), TW_ECONFIG);
    cr_assert_str_eq(err.msg,
                     "t.yaml:1:4: v: expected an integer between 1 and 1000000 (got 1.5)");
    cr_assert_eq(integer("-5", 0, 10, &v, &err), TW_ECONFIG);
    cr_assert_str_eq(err.msg, "t.yaml:1:4: v: expected an integer between 0 and 10 (got -5)");
    cr_assert_eq(integer("0", 1, 1000000, &v, &err), TW_ECONFIG);
    cr_assert_str_eq(err.msg, "t.yaml:1:4: v: expected an integer between 1 and 1000000 (got 0)");
    cr_assert_eq(integer("-1", 0, INT64_MAX, &v, &err), TW_ECONFIG);
    cr_assert_str_eq(err.msg, "t.yaml:1:4: v: expected an integer >= 0 (got -1)");
}

Test(config, booleans) {
    static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes", "on", "ON"};
    static const char *const no[] = {"false", "False", "no", "NO", "off", "oFF"};
    char buf[64];
    tw_err err;
    for (size_t k = 0; k < sizeof yes / sizeof yes[0]; k++) {
        snprintf(buf, sizeof buf, "b: %s\n", yes[k]);
        tw_cfg *cfg = load_str(buf);
        bool b = false;
        cr_assert_eq(tw_cfg_bool(tw_cfg_root(cfg), "b", true, false, &b, &err), TW_OK);
        cr_assert(b, "%s", yes[k]);
        tw_cfg_free(cfg);
    }
    for (size_t k = 0; k < sizeof no / sizeof no[0]; k++) {
        snprintf(buf, sizeof buf, "b: %s\n", no[k]);
        tw_cfg *cfg = load_str(buf);
        bool b = true;
        cr_assert_eq(tw_cfg_bool(tw_cfg_root(cfg), "b", true, true, &b, &err), TW_OK);
        cr_assert(!b, "%s", no[k]);
        tw_cfg_free(cfg);
    }
    tw_cfg *cfg = load_str("b: 1\n");
    bool b;
    cr_assert_eq(tw_cfg_bool(tw_cfg_root(cfg), "b", true, true, &b, &err), TW_ECONFIG);
    cr_assert_str_eq(err.msg, "t.yaml:1:4: b: expected true or false (got 1)");
    tw_cfg_free(cfg);
}

Test(config, dates) {
    tw_cfg *cfg = load_str("a: 2024-02-29\nb: 2025-02-29\nc: 2025-13-01\nd: 2025-5-14\n"
                           "e: [2025]\n");
    const tw_cfg_node *root = tw_cfg_root(cfg);
    tw_err err;
    tw_day day = -1;
    cr_assert_eq(tw_cfg_date(root, "a", true, 0, &day, &err), TW_OK);
    cr_assert_eq(day, tw_day_from_civil(2024, 2, 29));
    cr_assert_eq(tw_cfg_date(root, "b", true, 0, &day, &err), TW_ECONFIG);
    cr_assert_str_eq(err.msg,
                     "t.yaml:2:4: b: expected a date YYYY-MM-DD that exists (got 2025-02-29)");
    cr_assert_eq(tw_cfg_date(root, "c", true, 0, &day, &err), TW_ECONFIG);
    cr_assert_str_eq(err.msg,
                     "t.yaml:3:4: c: expected a date YYYY-MM-DD that exists (got 2025-13-01)");
    cr_assert_eq(tw_cfg_date(root, "d", true, 0, &day, &err), TW_ECONFIG);
    cr_assert_str_eq(err.msg,
                     "t.yaml:4:4: d: expected a date YYYY-MM-DD that exists (got 2025-5-14)");
    cr_assert_eq(tw_cfg_date(root, "e", true, 0, &day, &err), TW_ECONFIG);
    cr_assert_str_eq(err.msg,
                     "t.yaml:5:4: e: expected a date YYYY-MM-DD that exists (got a sequence)");
    cr_assert_eq(day, tw_day_from_civil(2024, 2, 29));
    tw_cfg_free(cfg);
}

Test(config, enums_are_exact) {
    tw_cfg *cfg = load_str("a: us\n");
    static const char *const c[] = {"US", "CN", NULL};
    int e = -1;
    tw_err err;
    cr_assert_eq(tw_cfg_enum(tw_cfg_root(cfg), "a", true, 0, c, &e, &err), TW_ECONFIG);
    cr_assert_str_eq(err.msg, "t.yaml:1:4: a: expected one of US, CN (got us)");
    cr_assert_eq(e, -1);
    tw_cfg_free(cfg);
}

Test(config, long_values_are_cut_in_messages) {
    char text[256] = "a: ";
    for (int k = 0; k < 100; k++) strcat(text, "x");
    tw_cfg *cfg = load_str(text);
    int64_t v;
    tw_err err;
    cr_assert_eq(tw_cfg_int(tw_cfg_root(cfg), "a", true, 0, 0, 1, &v, &err), TW_ECONFIG);
    cr_assert_str_eq(err.msg, "t.yaml:1:4: a: expected an integer between 0 and 1 (got "
                              "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                              "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...)");
    tw_cfg_free(cfg);
}

/* --- unknown keys --- */

Test(config, unknown_top_level_key) {
    tw_cfg *cfg = load_str("a: 1\nb: 2\nc: 3\n");
    tw_err err;
    cr_assert_not_null(tw_cfg_get(tw_cfg_root(cfg), "a"));
    cr_assert_eq(tw_cfg_check_unused(cfg, &err), TW_ECONFIG);
    cr_assert_str_eq(err.msg, "t.yaml:2:1: b: unknown key (not used by this model)");
    cr_assert_not_null(tw_cfg_get(tw_cfg_root(cfg), "b"));
    cr_assert_eq(tw_cfg_check_unused(cfg, &err), TW_ECONFIG);
    cr_assert_str_eq(err.msg, "t.yaml:3:1: c: unknown key (not used by this model)");
    cr_assert_not_null(tw_cfg_get(tw_cfg_root(cfg), "c"));
    cr_assert_eq(tw_cfg_check_unused(cfg, &err), TW_OK);
    tw_cfg_free(cfg);
}

Test(config, unknown_nested_key) {
    tw_cfg *cfg = load_str("firms:\n  per_cell: 1\n  bogus: 2\n");
    tw_err err;
    int64_t v;
    cr_assert_eq(tw_cfg_int(tw_cfg_get(tw_cfg_root(cfg), "firms"), "per_cell", true, 0, 0, 9, &v,
                            &err),
                 TW_OK);
    cr_assert_eq(tw_cfg_check_unused(cfg, &err), TW_ECONFIG);
    cr_assert_str_eq(err.msg, "t.yaml:3:3: firms.bogus: unknown key (not used by this model)");
    tw_cfg_free(cfg);
}

Test(config, unknown_key_in_sequence_element) {
    tw_cfg *cfg = load_str("tariffs:\n  - rate: 1\n  - rate: 2\n    bogus: 3\n");
    tw_err err;
    const tw_cfg_node *t = tw_cfg_get(tw_cfg_root(cfg), "tariffs");
    for (size_t i = 0; i < tw_cfg_len(t); i++) {
        double r;
        cr_assert_eq(tw_cfg_double(tw_cfg_at(t, i), "rate", true, 0, 0, 9, &r, &err), TW_OK);
    }
    cr_assert_eq(tw_cfg_check_unused(cfg, &err), TW_ECONFIG);
    cr_assert_str_eq(err.msg,
                     "t.yaml:4:5: tariffs[1].bogus: unknown key (not used by this model)");
    tw_cfg_free(cfg);
}

Test(config, unread_section_contents_and_mark_used) {
    tw_cfg *cfg = load_str("notes:\n  a: 1\n  b: [1, 2]\nz: 1\n");
    tw_err err;
    const tw_cfg_node *notes = tw_cfg_get(tw_cfg_root(cfg), "notes");
    cr_assert_eq(tw_cfg_check_unused(cfg, &err), TW_ECONFIG);
    cr_assert_str_eq(err.msg, "t.yaml:2:3: notes.a: unknown key (not used by this model)");
    tw_cfg_mark_used(notes);
    cr_assert_eq(tw_cfg_check_unused(cfg, &err), TW_ECONFIG);
    cr_assert_str_eq(err.msg, "t.yaml:4:1: z: unknown key (not used by this model)");
    tw_cfg_mark_used(tw_cfg_root(cfg));
    cr_assert_eq(tw_cfg_check_unused(cfg, &err), TW_OK);
    tw_cfg_free(cfg);
}

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
    set_fails("list[x]=1", "--set list[x]=1: bad index (column 5): expected [N], N a number");
    set_fails("list[1=1", "--set list[1=1: bad index (column 5): expected [N], N a number");
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
              "--set a=!foo 1: column 3: tag '!foo' is not allowed (only the standard YAML tags)");
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

/* --- threads --- */

typedef struct {
    const char *path;
    uint64_t hash;
    int failures;
} load_job;

static void *load_many(void *arg) {
    load_job *job = arg;
    for (int k = 0; k < 50; k++) {
        tw_cfg *cfg = NULL;
        tw_err err;
        if (tw_cfg_load(job->path, &cfg, &err) != TW_OK || tw_cfg_hash(cfg) != job->hash)
            job->failures++;
        tw_cfg_free(cfg);
    }
    return NULL;
}

Test(config, two_threads_load_at_once) {
    load_job jobs[2] = {{FIXTURES "/basic.yaml", 0, 0}, {FIXTURES "/grandchild.yaml", 0, 0}};
    for (int k = 0; k < 2; k++) {
        tw_cfg *cfg = load_file(jobs[k].path);
        jobs[k].hash = tw_cfg_hash(cfg);
        tw_cfg_free(cfg);
    }
    cr_assert_neq(jobs[0].hash, jobs[1].hash);
    pthread_t t[2];
    for (int k = 0; k < 2; k++) cr_assert_eq(pthread_create(&t[k], NULL, load_many, &jobs[k]), 0);
    for (int k = 0; k < 2; k++) cr_assert_eq(pthread_join(t[k], NULL), 0);
    cr_assert_eq(jobs[0].failures, 0);
    cr_assert_eq(jobs[1].failures, 0);
}
