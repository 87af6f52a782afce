/* test_config_get.c - the typed getters and the unknown-key check
 * (engine/tw_config_get.c): defaults, missing keys, the grammar of numbers, booleans,
 * dates and enums, the messages for wrong values, and unread keys.
 */
#define _POSIX_C_SOURCE 200809L

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tw_config.h"
#include "tw_test_config.h"

/* --- defaults --- */

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
              {"1e-5", 1e-5}};
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

/* A number is written plain: quotes, and tags other than !!int and !!float, make it text
 * (as in YAML), and the refusal says what was expected and why the text is not taken. */
Test(config, numbers_in_quotes_or_tagged_as_text_are_refused) {
    static const char *const quoted[] = {"\"10\"", "'10'", "|-\n  10", ">-\n  10"};
    static const char *const tagged[] = {"!!str 10", "! 10", "!!bool 10", "!!null 10"};
    tw_err err;
    for (size_t k = 0; k < sizeof quoted / sizeof quoted[0]; k++) {
        int64_t v = 123;
        double d = 123;
        cr_assert_eq(integer(quoted[k], 0, 100, &v, &err), TW_ECONFIG, "accepted %s", quoted[k]);
        cr_assert_str_eq(err.msg, "t.yaml:1:4: v: expected an integer between 0 and 100 (got 10 "
                                  "in quotes: write a number without quotes)");
        cr_assert_eq(dbl(quoted[k], 0, 100, &d, &err), TW_ECONFIG, "accepted %s", quoted[k]);
        cr_assert_str_eq(err.msg, "t.yaml:1:4: v: expected a number between 0 and 100 (got 10 "
                                  "in quotes: write a number without quotes)");
        cr_assert_eq(v, 123);
        cr_assert_eq(d, 123);
    }
    for (size_t k = 0; k < sizeof tagged / sizeof tagged[0]; k++) {
        int64_t v = 123;
        cr_assert_eq(integer(tagged[k], 0, 100, &v, &err), TW_ECONFIG, "accepted %s", tagged[k]);
        cr_assert_str_eq(err.msg, "t.yaml:1:4: v: expected an integer between 0 and 100 (got 10 "
                                  "with a tag other than !!int or !!float: write a number "
                                  "without a tag)");
        cr_assert_eq(v, 123);
    }
    /* the quotes are named before the bounds: moving them is the fix */
    double d;
    cr_assert_eq(dbl("'7.25'", 0, 1, &d, &err), TW_ECONFIG);
    cr_assert_str_eq(err.msg, "t.yaml:1:4: v: expected a number between 0 and 1 (got 7.25 in "
                              "quotes: write a number without quotes)");
    /* quoted text that is no number at all gets the usual message */
    int64_t v;
    cr_assert_eq(integer("'abc'", 0, 1, &v, &err), TW_ECONFIG);
    cr_assert_str_eq(err.msg, "t.yaml:1:4: v: expected an integer between 0 and 1 (got abc)");
    /* tags that say "number" are numbers */
    cr_assert_eq(integer("!!int 7", 0, 100, &v, &err), TW_OK, "%s", err.msg);
    cr_assert_eq(v, 7);
    cr_assert_eq(integer("!!int '8'", 0, 100, &v, &err), TW_OK, "%s", err.msg);
    cr_assert_eq(v, 8);
    cr_assert_eq(dbl("!!float 2.5", 0, 100, &d, &err), TW_OK, "%s", err.msg);
    cr_assert_eq(d, 2.5);
    /* in a sequence, and through the tag's extent in flow style */
    tw_cfg *cfg = load_str("r: [0.5, '0.5', !!str 0.5, 0.25]\n");
    const tw_cfg_node *r = tw_cfg_get(tw_cfg_root(cfg), "r");
    cr_assert_eq(tw_cfg_node_double(tw_cfg_at(r, 0), 0, 1, &d, &err), TW_OK);
    cr_assert_eq(tw_cfg_node_double(tw_cfg_at(r, 1), 0, 1, &d, &err), TW_ECONFIG);
    cr_assert_str_eq(err.msg, "t.yaml:1:10: r[1]: expected a number between 0 and 1 (got 0.5 "
                              "in quotes: write a number without quotes)");
    cr_assert_eq(tw_cfg_node_double(tw_cfg_at(r, 2), 0, 1, &d, &err), TW_ECONFIG);
    cr_assert_str_eq(err.msg, "t.yaml:1:17: r[2]: expected a number between 0 and 1 (got 0.5 "
                              "with a tag other than !!int or !!float: write a number without "
                              "a tag)");
    cr_assert_eq(tw_cfg_node_double(tw_cfg_at(r, 3), 0, 1, &d, &err), TW_OK);
    cr_assert_eq(d, 0.25);
    /* a value given with --set follows the same rule */
    cr_assert_eq(tw_cfg_set(cfg, "seed='5'", &err), TW_OK, "%s", err.msg);
    cr_assert_eq(tw_cfg_int(tw_cfg_root(cfg), "seed", true, 0, 0, 9, &v, &err), TW_ECONFIG);
    cr_assert_str_eq(err.msg, "--set:1:6: seed: expected an integer between 0 and 9 (got 5 in "
                              "quotes: write a number without quotes)");
    tw_cfg_free(cfg);
}

/* A number that was read is written back as it was read: no '+', no leading zeros (a
 * YAML 1.1 reader takes 010 for the octal 8), so that scenario.yaml records the values the
 * run used. Text that nothing read as a number is left as written. */
Test(config, numbers_read_are_emitted_as_read) {
    tw_cfg *cfg = load_str("a: 010\nb: +5\nc: -0\nd: -007\ne: 007.50\nf: +00.5e3\ng: -0\n"
                           "h: 010\nname: 010\ns: [010, 0010]\n");
    const tw_cfg_node *root = tw_cfg_root(cfg);
    tw_err err;
    static const struct {
        const char *key;
        int64_t want;
    } ints[] = {{"a", 10}, {"b", 5}, {"c", 0}, {"d", -7}};
    for (size_t k = 0; k < sizeof ints / sizeof ints[0]; k++) {
        int64_t v = 123;
        cr_assert_eq(tw_cfg_int(root, ints[k].key, true, 0, -100, 100, &v, &err), TW_OK);
        cr_assert_eq(v, ints[k].want, "%s", ints[k].key);
    }
    double e = 0, f = 0, g = 1, s0 = 0;
    cr_assert_eq(tw_cfg_double(root, "e", true, 0, -1e9, 1e9, &e, &err), TW_OK);
    cr_assert_eq(tw_cfg_double(root, "f", true, 0, -1e9, 1e9, &f, &err), TW_OK);
    cr_assert_eq(tw_cfg_double(root, "g", true, 0, -1e9, 1e9, &g, &err), TW_OK);
    cr_assert_eq(tw_cfg_node_double(tw_cfg_at(tw_cfg_get(root, "s"), 0), 0, 100, &s0, &err),
                 TW_OK);
    cr_assert_eq(e, 7.5);
    cr_assert_eq(f, 500);
    cr_assert(g == 0 && signbit(g));
    cr_assert_eq(s0, 10);
    const char *name = NULL;
    cr_assert_eq(tw_cfg_string(root, "name", true, NULL, &name, &err), TW_OK);
    cr_assert_str_eq(name, "010");
    cr_assert_str_eq(tw_cfg_text(tw_cfg_get(root, "a")), "10");
    /* a value given with --set is rewritten the same way once read */
    cr_assert_eq(tw_cfg_set(cfg, "k=+0042", &err), TW_OK, "%s", err.msg);
    int64_t k42 = 0;
    cr_assert_eq(tw_cfg_int(root, "k", true, 0, 0, 100, &k42, &err), TW_OK);
    cr_assert_eq(k42, 42);
    char *out = emit_to_string(cfg);
    cr_assert_str_eq(out, "a: 10\nb: 5\nc: 0\nd: -7\ne: 7.50\nf: 0.5e3\ng: -0\nh: 010\n"
                          "name: 010\ns:\n  - 10\n  - 0010\nk: 42\n");
    /* reading the emitted text again gives the same values and the same bytes */
    tw_cfg *again = load_str(out);
    int64_t a = 0;
    cr_assert_eq(tw_cfg_int(tw_cfg_root(again), "a", true, 0, 0, 100, &a, &err), TW_OK);
    cr_assert_eq(a, 10);
    char *out2 = emit_to_string(again);
    cr_assert_str_eq(out2, out);
    free(out2);
    free(out);
    tw_cfg_free(again);
    tw_cfg_free(cfg);
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
