/* The terminal report's renderer (cli/cli_report.c, cli_headline.c) with toy models of its
 * own: what the report shows follows the model's report spec (tw_report.h) and nothing
 * else. A column removed from the spec leaves the monthly table, a heading renamed in the
 * spec is renamed on the terminal, the outcomes the spec marks as the event process's are
 * "scripted" where the scenario has none of the keys the spec names, and a model without
 * a spec gets no report. The toy's series are known exactly (a flow of 2 a day, a level of
 * 5), so the monthly values are known answers. */
#define _POSIX_C_SOURCE 200809L /* open_memstream, strndup */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "tw_batch.h"
#include "tw_config.h"
#include "tw_report.h"
#include "tw_test_support.h"
#include "tw_test_tmpdir.h"

TestSuite(report, .init = tmp_setup, .fini = tmp_teardown);

/* Toy: two series with fixed daily values and one 0/1 outcome that always happens. */
static tw_status toy_load(const tw_cfg_node *root, void **params, tw_err *err) {
    (void)root;
    (void)err;
    *params = calloc(1, 1);
    return TW_OK;
}
static void toy_free_params(void *p) { free(p); }
static size_t toy_n_series(const void *p) {
    (void)p;
    return 2;
}
static tw_series_label toy_series(const void *p, size_t i) {
    (void)p;
    return i == 0 ? (tw_series_label){"toy_flow", "A", "B", "all"}
                  : (tw_series_label){"toy_level", "A", "all", "all"};
}
static size_t toy_n_outcomes(const void *p) {
    (void)p;
    return 1;
}
static const char *toy_outcome_name(const void *p, size_t i) {
    (void)p;
    (void)i;
    return "toy_hit";
}
static tw_status toy_create(const void *vp, tw_rng_key key, tw_day start, const tw_exec *ex,
                            void **state, tw_err *err) {
    (void)vp, (void)key, (void)start, (void)ex, (void)err;
    *state = calloc(1, 1);
    return TW_OK;
}
static tw_status toy_step(void *vs, tw_day day, uint32_t d, tw_err *err) {
    (void)vs, (void)day, (void)d, (void)err;
    return TW_OK;
}
static void toy_observe(const void *vs, double *out) {
    (void)vs;
    out[0] = 2.0;
    out[1] = 5.0;
}
static void toy_outcomes(const void *vs, double *out) {
    (void)vs;
    out[0] = 1.0;
}
static void toy_free_state(void *vs) { free(vs); }

/* The full spec: both series as columns, the outcome as a headline probability that only
 * the event process (scenario key toy_events) draws. */
static const tw_report_column toy_cols[] = {
    {"toy flow head", "things/month", {"toy_flow", "A", "B", "all"}, true, 1.0, 1},
    {"toy level head", "%, mean", {"toy_level", "A", "all", "all"}, false, 1.0, 2},
};
static const tw_report_words toy_probs[] = {{"toy_hit", "the toy hits"}};
static const tw_report_words toy_units[] = {{"toy_hit", "0/1"}};
static const char *const toy_event_keys[] = {"toy_events"};
static const char *const toy_event_outcomes[] = {"toy_hit"};
#define TOY_SPEC(cols, n)                                                                     \
    {.months = (cols), .n_months = (n),                                                       \
     .headline = {.probs = toy_probs, .n_probs = 1, .first_outcome = "none"},                 \
     .event_keys = toy_event_keys, .n_event_keys = 1, .event_outcomes = toy_event_outcomes,  \
     .n_event_outcomes = 1, .scripted_note = "toy note: scripted", .units = toy_units,        \
     .n_units = 1}
static const tw_report_spec toy_full = TOY_SPEC(toy_cols, 2);
/* The same spec with its first column removed. */
static const tw_report_spec toy_less = TOY_SPEC(toy_cols + 1, 1);
/* The same columns, the first one's heading renamed. */
static const tw_report_column toy_renamed_cols[] = {
    {"renamed flow", "things/month", {"toy_flow", "A", "B", "all"}, true, 1.0, 1},
    {"toy level head", "%, mean", {"toy_level", "A", "all", "all"}, false, 1.0, 2},
};
static const tw_report_spec toy_renamed = TOY_SPEC(toy_renamed_cols, 2);

static const tw_report_spec *report_full(const void *p) { return (void)p, &toy_full; }
static const tw_report_spec *report_less(const void *p) { return (void)p, &toy_less; }
static const tw_report_spec *report_renamed(const void *p) { return (void)p, &toy_renamed; }

#define TOY_MODEL(fn)                                                                     \
    {.name = "toy", .load = toy_load, .free_params = toy_free_params,                         \
     .n_series = toy_n_series, .series = toy_series, .n_outcomes = toy_n_outcomes,            \
     .outcome_name = toy_outcome_name, .create = toy_create, .step = toy_step,                \
     .observe = toy_observe, .outcomes = toy_outcomes, .free_state = toy_free_state,          \
     .report = (fn)}

/* Run the toy with the given spec on yaml (three replicates), render the terminal report
 * and return it (the caller frees). */
static char *render(const tw_model *m, const char *yaml) {
    tw_err err;
    tw_cfg *cfg = NULL;
    void *params = NULL;
    tw_run_spec spec;
    cr_assert_eq(tw_cfg_load_string("toy.yaml", yaml, strlen(yaml), &cfg, &err), TW_OK, "%s",
                 err.msg);
    cr_assert_eq(tw_run_spec_load(tw_cfg_root(cfg), &spec, &err), TW_OK, "%s", err.msg);
    cr_assert_eq(m->load(tw_cfg_root(cfg), &params, &err), TW_OK);
    tw_batch_opts o = {m, params, &spec, 1, TW_PAR_AUTO, 1, g_tmp, false, false, 1, -1, 0.0};
    tw_batch *b = NULL;
    cr_assert_eq(tw_batch_open(&o, &b, &err), TW_OK, "%s", err.msg);
    while (!tw_batch_done(b)) cr_assert_eq(tw_batch_step(b, &err), TW_OK, "%s", err.msg);
    cr_assert_eq(tw_batch_finish(b, &err), TW_OK, "%s", err.msg);
    char *text = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&text, &len);
    cr_assert_not_null(fp);
    tw_cli_report(fp, tw_batch_get_stats(b), tw_batch_total(b), m, params, NULL, tw_cfg_root(cfg),
                  false, NULL);
    fclose(fp);
    tw_batch_free(b);
    m->free_params(params);
    tw_cfg_free(cfg);
    return text;
}

static const char *toy_yaml = "start: 2025-01-01\nend: 2025-02-28\nseed: 3\nreplicates: 3\n";

/* The line of the monthly table that starts with month (NULL if none), copied. */
static char *line_of(const char *text, const char *month) {
    for (const char *p = text; p != NULL && *p != '\0';) {
        const char *end = strchr(p, '\n');
        size_t n = end != NULL ? (size_t)(end - p) : strlen(p);
        if (strncmp(p, month, strlen(month)) == 0) return strndup(p, n);
        p = end != NULL ? end + 1 : NULL;
    }
    return NULL;
}

Test(report, the_monthly_table_has_the_columns_of_the_spec) {
    static const tw_model full = TOY_MODEL(report_full);
    char *t = render(&full, toy_yaml);
    cr_assert_not_null(strstr(t, "toy flow head"), "%s", t);
    cr_assert_not_null(strstr(t, "toy level head"), "%s", t);
    cr_assert_not_null(strstr(t, "things/month"), "%s", t);
    /* January: the flow's total 2 x 31 days, the level's mean 5; February 2 x 28. */
    char *jan = line_of(t, "2025-01"), *feb = line_of(t, "2025-02");
    cr_assert_not_null(jan, "%s", t);
    cr_assert_not_null(feb, "%s", t);
    cr_assert_str_eq(jan, "2025-01    31                  62.0                  5.00");
    cr_assert_str_eq(feb, "2025-02    28                  56.0                  5.00");
    free(jan);
    free(feb);
    free(t);
}

Test(report, a_column_removed_from_the_spec_leaves_the_table) {
    static const tw_model less = TOY_MODEL(report_less);
    char *t = render(&less, toy_yaml);
    cr_assert_null(strstr(t, "toy flow head"), "%s", t);
    cr_assert_null(strstr(t, "things/month"), "%s", t);
    cr_assert_not_null(strstr(t, "toy level head"), "%s", t);
    char *jan = line_of(t, "2025-01");
    cr_assert_not_null(jan, "%s", t);
    cr_assert_str_eq(jan, "2025-01    31                  5.00");
    free(jan);
    free(t);
}

Test(report, a_heading_renamed_in_the_spec_is_renamed_on_the_terminal) {
    static const tw_model renamed = TOY_MODEL(report_renamed);
    char *t = render(&renamed, toy_yaml);
    cr_assert_null(strstr(t, "toy flow head"), "%s", t);
    cr_assert_not_null(strstr(t, "renamed flow"), "%s", t);
    free(t);
}

/* The spec's event keys decide what is scripted: without toy_events the outcome the spec
 * lists as the event process's is "scripted" with the spec's note; with it, its share. */
Test(report, the_scripted_outcomes_and_their_keys_come_from_the_spec) {
    static const tw_model full = TOY_MODEL(report_full);
    char *t = render(&full, toy_yaml);
    cr_assert_not_null(strstr(t, "the toy hits"), "%s", t);
    cr_assert_not_null(strstr(t, "toy note: scripted"), "%s", t);
    char *row = line_of(t, "toy_hit");
    cr_assert_not_null(row, "%s", t);
    cr_assert_not_null(strstr(row, "scripted"), "%s", row);
    cr_assert_not_null(strstr(row, "0/1"), "the unit from the spec: %s", row);
    free(row);
    free(t);
    char yaml[256];
    snprintf(yaml, sizeof yaml, "%stoy_events: {}\n", toy_yaml);
    t = render(&full, yaml);
    cr_assert_null(strstr(t, "toy note: scripted"), "%s", t);
    row = line_of(t, "the toy hits");
    cr_assert_not_null(row, "%s", t);
    cr_assert_not_null(strstr(row, "1.000"), "all three replicates hit: %s", row);
    free(row);
    free(t);
}

Test(report, a_model_without_a_spec_gets_no_report) {
    static const tw_model none = TOY_MODEL(NULL);
    char *t = render(&none, toy_yaml);
    cr_assert_str_eq(t, "");
    free(t);
}
