/* test_cli.c - end-to-end tests of the tradewar program: the real binary (TW_BINARY) on
 * the real scenario files and on the fixtures in tests/e2e/fixtures/.
 *
 * What is checked, by area:
 *   - help and version;
 *   - usage errors (exit 2, one line on stderr starting "tradewar: ", no output written);
 *   - scenario errors in files and in --set (exit 2, file:line:col and key path, no
 *     output directory);
 *   - the output directory: exactly four files, provenance keys, the resolved scenario,
 *     --force, and nothing left beside it;
 *   - summary.csv: header, dates (daily and output.interval_days), known tariff rates;
 *   - reproducibility over thread counts and parallel modes, and seeds;
 *   - the terminal summary table.
 * The accounting identities of summary.csv are checked with pandas in
 * test_summary_pandas.py.
 *
 * Runs are kept small (firms.per_cell=200 or 500, 2 or 3 replicates).
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <dirent.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "tw_test_support.h"
#include "tw_test_tmpdir.h"

#define BASELINE "scenarios/baseline-2025.yaml"
#define HISTORY "scenarios/history-2025-four.yaml"
#define FIXTURE(name) "tests/e2e/fixtures/" name

/* ---------------------------------------------------------------------------------- */
/* Per-test temporary directory (g_tmp: tw_test_tmpdir.h)                             */
/* ---------------------------------------------------------------------------------- */

/* "<g_tmp>/<name>" in one of a ring of static buffers. */
static const char *in_tmp(const char *name) {
    static char buf[8][4200];
    static int k = 0;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s/%s", g_tmp, name);
    return buf[k];
}

/* "<dir>/<name>" in one of a ring of static buffers. */
static const char *join(const char *dir, const char *name) {
    static char buf[8][4200];
    static int k = 0;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The entries of dir (without . and ..), sorted and joined with ' ' ("" when empty;
 * "<missing>" when dir cannot be opened). Caller frees. */
static char *listing(const char *dir) {
    DIR *d = opendir(dir);
    if (d == NULL) return strdup("<missing>");
    char *names[256];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < 256) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof names[0], cmp_str);
    size_t len = 1;
    for (size_t i = 0; i < n; i++) len += strlen(names[i]) + 1;
    char *s = calloc(1, len);
    for (size_t i = 0; i < n; i++) {
        if (i > 0) strcat(s, " ");
        strcat(s, names[i]);
        free(names[i]);
    }
    return s;
}

static void assert_listing(const char *dir, const char *want) {
    char *got = listing(dir);
    cr_assert_str_eq(got, want, "%s holds [%s], expected [%s]", dir, got, want);
    free(got);
}

#define OUTPUT_FILES \
    "datapackage.json events.csv outcomes.csv provenance.yaml replicates.csv scenario.yaml summary.csv"

/* ---------------------------------------------------------------------------------- */
/* Running the program                                                                 */
/* ---------------------------------------------------------------------------------- */

static tw_proc run_cli(const char *cwd, const char *const *args) {
    tw_proc p;
    cr_assert_eq(tw_run_cli(&p, cwd, args), 0, "cannot start %s", TW_BINARY);
    return p;
}

static void assert_exit(const tw_proc *p, int code, const char *what) {
    cr_assert_eq(p->exit_code, code, "%s: exit %d, expected %d\nstdout: %s\nstderr: %s", what,
                 p->exit_code, code, p->out, p->err);
}

/* stderr is exactly one line, "tradewar: ...\n", and contains each non-NULL needle. */
static void assert_error_line(const tw_proc *p, const char *n1, const char *n2, const char *n3) {
    cr_assert(strncmp(p->err, "tradewar: ", 10) == 0, "stderr does not start with 'tradewar: ': %s",
              p->err);
    size_t len = strlen(p->err);
    cr_assert(len > 0 && p->err[len - 1] == '\n', "stderr does not end with a newline: %s", p->err);
    cr_assert_eq(tw_count_lines(p->err), 1, "stderr is not one line: %s", p->err);
    const char *needles[] = {n1, n2, n3};
    for (int i = 0; i < 3; i++)
        if (needles[i] != NULL)
            cr_assert_not_null(strstr(p->err, needles[i]), "stderr lacks '%s': %s", needles[i],
                               p->err);
}

/* A run that must succeed. */
static void run_ok(const char *const *args) {
    tw_proc p = run_cli(NULL, args);
    assert_exit(&p, 0, args[0]);
    tw_proc_free(&p);
}

/* ---------------------------------------------------------------------------------- */
/* summary.csv helpers                                                                 */
/* ---------------------------------------------------------------------------------- */

typedef struct {
    char date[16], ind[40], region[8], partner[8], sector[16];
    double v[5]; /* mean sd p05 p50 p95 */
} row_t;

/* Parse the CSV line starting at *pos into r; advance *pos to the next line. Returns
 * false at the end of text. */
static bool next_row(const char **pos, row_t *r) {
    const char *s = *pos;
    if (*s == '\0') return false;
    const char *eol = strchr(s, '\n');
    if (eol == NULL) eol = s + strlen(s);
    char line[512];
    size_t n = (size_t)(eol - s);
    cr_assert_lt(n, sizeof line, "summary.csv line too long");
    memcpy(line, s, n);
    line[n] = '\0';
    *pos = *eol ? eol + 1 : eol;
    char *f[10];
    int k = 0;
    char *save = NULL;
    for (char *t = strtok_r(line, ",", &save); t != NULL && k < 10; t = strtok_r(NULL, ",", &save))
        f[k++] = t;
    cr_assert_eq(k, 10, "summary.csv row has %d fields", k);
    snprintf(r->date, sizeof r->date, "%s", f[0]);
    snprintf(r->ind, sizeof r->ind, "%s", f[1]);
    snprintf(r->region, sizeof r->region, "%s", f[2]);
    snprintf(r->partner, sizeof r->partner, "%s", f[3]);
    snprintf(r->sector, sizeof r->sector, "%s", f[4]);
    for (int i = 0; i < 5; i++) r->v[i] = strtod(f[5 + i], NULL);
    return true;
}

/* Body of the CSV: after the header line. */
static const char *csv_body(const char *csv) {
    const char *nl = strchr(csv, '\n');
    cr_assert_not_null(nl, "summary.csv has no header line");
    return nl + 1;
}

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static long days_from_civil(int y, int m, int d) {
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, char out[16]) {
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long y = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long d = doy - (153 * mp + 2) / 5 + 1;
    long m = mp + (mp < 10 ? 3 : -9);
    snprintf(out, 16, "%04ld-%02ld-%02ld", y + (m <= 2), m, d);
}

static long day_of(const char *date) {
    int y, m, d;
    cr_assert_eq(sscanf(date, "%d-%d-%d", &y, &m, &d), 3, "bad date '%s'", date);
    return days_from_civil(y, m, d);
}

/* The distinct dates of summary.csv in order of appearance; also checks that every
 * date carries the same number of rows and that dates never repeat after moving on.
 * Returns the number of dates; *per_date the rows per date. */
static size_t summary_dates(const char *csv, char dates[][16], size_t cap, size_t *per_date) {
    const char *pos = csv_body(csv);
    row_t r;
    size_t nd = 0, cur = 0, per = 0;
    while (next_row(&pos, &r)) {
        if (nd == 0 || strcmp(r.date, dates[nd - 1]) != 0) {
            for (size_t i = 0; i < nd; i++)
                cr_assert_str_neq(dates[i], r.date, "date %s appears in two separate blocks",
                                  r.date);
            if (nd > 0) {
                if (nd == 1) per = cur;
                cr_assert_eq(cur, per, "date %s has %zu rows, the first date %zu", dates[nd - 1],
                             cur, per);
            }
            cr_assert_lt(nd, cap, "too many dates");
            snprintf(dates[nd++], 16, "%s", r.date);
            cur = 0;
        }
        cur++;
    }
    if (nd == 1) per = cur;
    cr_assert_eq(cur, per, "the last date %s has %zu rows, the first %zu", dates[nd - 1], cur, per);
    *per_date = per;
    return nd;
}

static char *slurp_or_fail(const char *path) {
    char *s = tw_slurp(path, NULL);
    cr_assert_not_null(s, "cannot read %s", path);
    return s;
}

static void assert_value(const char *csv, const char *date, const char *ind, const char *region,
                         const char *partner, const char *sector, double want, double tol) {
    double v, sd;
    cr_assert(tw_summary_value(csv, date, ind, region, partner, sector, "mean", &v),
              "summary.csv has no row %s,%s,%s,%s,%s", date, ind, region, partner, sector);
    cr_assert(tw_summary_value(csv, date, ind, region, partner, sector, "sd", &sd));
    cr_assert(fabs(v - want) <= tol, "%s %s %s->%s %s: mean %.12g, expected %.12g", date, ind,
              region, partner, sector, v, want);
    cr_assert_eq(sd, 0.0, "%s %s %s->%s %s: sd %g, expected 0 (tariffs are not random)", date,
                 ind, region, partner, sector, sd);
}

/* ---------------------------------------------------------------------------------- */
/* Help and version                                                                    */
/* ---------------------------------------------------------------------------------- */

Test(help, help_exits_0_and_describes_run_validate_and_set) {
    const char *flags[] = {"--help", "-h"};
    for (int i = 0; i < 2; i++) {
        const char *args[] = {flags[i], NULL};
        tw_proc p = run_cli(NULL, args);
        assert_exit(&p, 0, flags[i]);
        cr_assert_not_null(strstr(p.out, "run"), "%s: no 'run' in: %s", flags[i], p.out);
        cr_assert_not_null(strstr(p.out, "validate"), "%s: no 'validate' in: %s", flags[i], p.out);
        cr_assert_not_null(strstr(p.out, "--set"), "%s: no '--set' in: %s", flags[i], p.out);
        cr_assert_str_empty(p.err, "%s wrote to stderr: %s", flags[i], p.err);
        tw_proc_free(&p);
    }
}

Test(help, version_exits_0_and_starts_with_tradewar) {
    const char *flags[] = {"--version", "-V"};
    for (int i = 0; i < 2; i++) {
        const char *args[] = {flags[i], NULL};
        tw_proc p = run_cli(NULL, args);
        assert_exit(&p, 0, flags[i]);
        cr_assert(strncmp(p.out, "tradewar ", 9) == 0, "%s printed: %s", flags[i], p.out);
        cr_assert_eq(tw_count_lines(p.out), 1, "%s printed more than a line: %s", flags[i], p.out);
        tw_proc_free(&p);
    }
}

/* ---------------------------------------------------------------------------------- */
/* Usage errors                                                                        */
/* ---------------------------------------------------------------------------------- */

/* args must write into in_tmp("out") if anything: check exit 2, the one-line message and
 * that the temporary directory stays empty. */
static void expect_usage_error(const char *const *args, const char *n1, const char *n2) {
    tw_proc p = run_cli(g_tmp, args);
    assert_exit(&p, 2, args[0] != NULL ? args[0] : "(no arguments)");
    assert_error_line(&p, n1, n2, NULL);
    cr_assert_str_empty(p.out, "a refused command printed to stdout: %s", p.out);
    tw_proc_free(&p);
    assert_listing(g_tmp, "");
}

TestSuite(usage, .init = tmp_setup, .fini = tmp_teardown);

Test(usage, unknown_option_is_refused) {
    const char *args[] = {"run", tw_src(BASELINE), "--bogus", "-o", in_tmp("out"), NULL};
    expect_usage_error(args, "--bogus", NULL);
}

Test(usage, unknown_command_is_refused) {
    const char *args[] = {"frobnicate", tw_src(BASELINE), NULL};
    expect_usage_error(args, "frobnicate", NULL);
}

Test(usage, missing_command_is_refused) {
    const char *args[] = {NULL};
    expect_usage_error(args, NULL, NULL);
}

Test(usage, run_without_scenario_is_refused) {
    const char *args[] = {"run", "-n", "2", NULL};
    expect_usage_error(args, "scenario", NULL);
}

Test(usage, validate_without_scenario_is_refused) {
    const char *args[] = {"validate", NULL};
    expect_usage_error(args, "scenario", NULL);
}

Test(usage, two_scenarios_are_refused) {
    const char *args[] = {"run", tw_src(BASELINE), tw_src(HISTORY), "-o", in_tmp("out"), NULL};
    expect_usage_error(args, "history-2025-four.yaml", NULL);
}

Test(usage, zero_replicates_are_refused) {
    const char *args[] = {"run", tw_src(BASELINE), "-n", "0", "-o", in_tmp("out"), NULL};
    expect_usage_error(args, "-n", "between 1 and");
}

Test(usage, non_numeric_replicates_are_refused) {
    const char *args[] = {"run", tw_src(BASELINE), "-n", "abc", "-o", in_tmp("out"), NULL};
    expect_usage_error(args, "-n", "abc");
}

Test(usage, replicates_flag_without_value_is_refused) {
    const char *args[] = {"run", tw_src(BASELINE), "-o", in_tmp("out"), "-n", NULL};
    expect_usage_error(args, "-n", NULL);
}

Test(usage, zero_threads_are_refused) {
    const char *args[] = {"run", tw_src(BASELINE), "-t", "0", "-o", in_tmp("out"), NULL};
    expect_usage_error(args, "-t", "between 1 and");
}

/* -t 100000 is refused with a message that states the limit; the limit it states is the
 * real one: -t LIMIT runs, -t LIMIT+1 is refused. */
Test(usage, too_many_threads_are_refused_stating_the_limit) {
    const char *args[] = {"run", tw_src(BASELINE), "-t", "100000", "-o", in_tmp("out"), NULL};
    expect_usage_error(args, "-t", "100000");
    tw_proc p = run_cli(NULL, args);
    const char *b = strstr(p.err, "between 1 and ");
    cr_assert_not_null(b, "the -t message does not state the limit: %s", p.err);
    long limit = strtol(b + strlen("between 1 and "), NULL, 10);
    tw_proc_free(&p);
    cr_assert_geq(limit, 8, "stated thread limit %ld", limit);
    cr_assert_lt(limit, 100000, "stated thread limit %ld", limit);

    char lim[32], over[32];
    snprintf(lim, sizeof lim, "%ld", limit);
    snprintf(over, sizeof over, "%ld", limit + 1);
    const char *at_limit[] = {"run", tw_src(BASELINE), "-t", lim, "-n", "2", "--set",
                              "firms.per_cell=200", "--set", "end=2025-01-10", "-o",
                              in_tmp("at_limit"), "--quiet", NULL};
    run_ok(at_limit);
    const char *above[] = {"run", tw_src(BASELINE), "-t", over, "-o", in_tmp("above"), NULL};
    p = run_cli(NULL, above);
    assert_exit(&p, 2, "-t limit+1");
    assert_error_line(&p, "-t", lim, NULL);
    tw_proc_free(&p);
    cr_assert_not(tw_path_exists(in_tmp("above")));
}

Test(usage, negative_seed_is_refused) {
    const char *args[] = {"run", tw_src(BASELINE), "-s", "-1", "-o", in_tmp("out"), NULL};
    expect_usage_error(args, "-s", "-1");
}

Test(usage, seed_above_32_bits_is_refused) {
    const char *args[] = {"run", tw_src(BASELINE), "-s", "4294967296", "-o", in_tmp("out"), NULL};
    expect_usage_error(args, "-s", "4294967295");
}

Test(usage, unknown_parallel_mode_is_refused) {
    const char *args[] = {"run", tw_src(BASELINE), "--parallel", "gpu", "-o", in_tmp("out"), NULL};
    expect_usage_error(args, "--parallel", "gpu");
}

Test(usage, validate_refuses_run_options) {
    const char *args[] = {"validate", tw_src(BASELINE), "-n", "3", NULL};
    expect_usage_error(args, "validate", NULL);
}

Test(usage, set_without_equals_sign_is_refused) {
    const char *args[] = {"run", tw_src(BASELINE), "--set", "nonsense", "-o", in_tmp("out"), NULL};
    expect_usage_error(args, "nonsense", "=");
}

Test(usage, set_with_a_value_of_the_wrong_type_is_refused) {
    const char *args[] = {"run", tw_src(BASELINE), "--set", "firms.per_cell=abc", "-o",
                          in_tmp("out"), NULL};
    expect_usage_error(args, "firms.per_cell", "abc");
}

Test(usage, set_with_an_out_of_range_value_states_the_bound) {
    const char *args[] = {"run", tw_src(BASELINE), "--set", "model.pass_through=1.5", "-o",
                          in_tmp("out"), NULL};
    expect_usage_error(args, "model.pass_through", "between 0 and 1");
}

Test(usage, set_with_an_unknown_key_is_refused) {
    const char *args[] = {"run", tw_src(BASELINE), "--set", "firms.per_cel=500", "-o",
                          in_tmp("out"), NULL};
    expect_usage_error(args, "firms.per_cel", "unknown key");
}

/* ---------------------------------------------------------------------------------- */
/* Scenario errors                                                                     */
/* ---------------------------------------------------------------------------------- */

/* The scenario at path is refused with exit 2 and a one-line message holding `where`
 * ("file:line:col: key.path:") and `what`, by validate and by run; run creates no output
 * directory, neither with -o nor the default out/<name> in its working directory. */
static void expect_config_error(const char *path, const char *where, const char *what) {
    const char *val[] = {"validate", path, NULL};
    tw_proc p = run_cli(g_tmp, val);
    assert_exit(&p, 2, "validate");
    assert_error_line(&p, where, what, NULL);
    cr_assert_str_empty(p.out, "validate printed to stdout: %s", p.out);
    tw_proc_free(&p);

    const char *run[] = {"run", path, "-n", "2", "--set", "firms.per_cell=200", "-o",
                         in_tmp("out"), "--quiet", NULL};
    p = run_cli(g_tmp, run);
    assert_exit(&p, 2, "run -o");
    assert_error_line(&p, where, what, NULL);
    tw_proc_free(&p);
    assert_listing(g_tmp, "");

    const char *run_default[] = {"run", path, "-n", "2", "--quiet", NULL};
    p = run_cli(g_tmp, run_default);
    assert_exit(&p, 2, "run (default output directory)");
    assert_error_line(&p, where, what, NULL);
    tw_proc_free(&p);
    assert_listing(g_tmp, "");
}

TestSuite(config, .init = tmp_setup, .fini = tmp_teardown);

Test(config, wrong_type_names_file_line_column_and_key) {
    expect_config_error(tw_src(FIXTURE("bad_type.yaml")), "bad_type.yaml:4:13: replicates:", "abc");
}

Test(config, unknown_top_level_key_is_refused) {
    expect_config_error(tw_src(FIXTURE("unknown_key_top.yaml")),
                        "unknown_key_top.yaml:4:1: replicate:", "unknown key");
}

Test(config, unknown_nested_key_is_refused) {
    expect_config_error(tw_src(FIXTURE("unknown_key_nested.yaml")),
                        "unknown_key_nested.yaml:5:3: firms.per_cel:", "unknown key");
}

Test(config, date_that_does_not_exist_is_refused) {
    expect_config_error(tw_src(FIXTURE("bad_date.yaml")), "bad_date.yaml:4:8: start:",
                        "2025-02-30");
}

Test(config, out_of_range_value_states_the_bound) {
    expect_config_error(tw_src(FIXTURE("out_of_range.yaml")),
                        "out_of_range.yaml:5:17: model.pass_through:", "between 0 and 1");
}

Test(config, end_before_start_is_refused) {
    expect_config_error(tw_src(FIXTURE("end_before_start.yaml")),
                        "end_before_start.yaml:4:6: end:", "2025-01-01");
}

Test(config, cyclic_extends_is_refused) {
    /* cycle_a extends cycle_b extends cycle_a: cycle_b's extends closes the cycle. */
    expect_config_error(tw_src(FIXTURE("cycle_a.yaml")), "cycle_b.yaml:2:10: extends:", "cycl");
}

Test(config, tariff_target_equal_to_imposer_is_refused) {
    expect_config_error(tw_src(FIXTURE("target_is_imposer.yaml")),
                        "target_is_imposer.yaml:7:13: tariffs[0].target:", "US");
}

Test(config, unknown_sector_is_refused) {
    expect_config_error(tw_src(FIXTURE("unknown_sector.yaml")),
                        "unknown_sector.yaml:8:28: tariffs[0].sectors[1]:", "toys");
}

Test(config, not_on_naming_a_missing_measure_is_refused) {
    expect_config_error(tw_src(FIXTURE("bad_not_on.yaml")),
                        "bad_not_on.yaml:10:14: tariffs[0].not_on[0]:", "s232_metals");
}

Test(config, missing_scenario_file_is_named) {
    expect_config_error(in_tmp("no-such-scenario.yaml"), "no-such-scenario.yaml", NULL);
}

Test(config, set_end_before_start_is_refused) {
    const char *args[] = {"run", tw_src(BASELINE), "--set", "end=2024-12-01", "-o", in_tmp("out"),
                          NULL};
    expect_usage_error(args, "end:", "start");
}

Test(config, valid_scenarios_validate) {
    const char *files[] = {BASELINE, HISTORY};
    for (int i = 0; i < 2; i++) {
        const char *args[] = {"validate", tw_src(files[i]), NULL};
        tw_proc p = run_cli(NULL, args);
        assert_exit(&p, 0, files[i]);
        cr_assert_not_null(strstr(p.out, "ok"), "validate %s printed: %s", files[i], p.out);
        tw_proc_free(&p);
    }
}

/* ---------------------------------------------------------------------------------- */
/* The output directory                                                                */
/* ---------------------------------------------------------------------------------- */

TestSuite(outdir, .init = tmp_setup, .fini = tmp_teardown);

Test(outdir, holds_exactly_four_files_and_nothing_else_beside_it) {
    const char *args[] = {"run", tw_src(BASELINE), "-n", "2", "-t", "2", "-s", "4242", "--set",
                          "firms.per_cell=200", "--set", "end=2025-01-31", "-o", in_tmp("res"),
                          "--quiet", NULL};
    run_ok(args);
    assert_listing(g_tmp, "res");
    assert_listing(in_tmp("res"), OUTPUT_FILES);

    char *prov = slurp_or_fail(join(in_tmp("res"), "provenance.yaml"));
    const char *keys[] = {"\nseed: 4242\n", "\nthreads: 2\n", "\nreplicates: 2\n",
                          "\nscenario_hash: ", "\nresult_hash: ", "\ngit_revision: ",
                          "\ncompiler: "};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        cr_assert_not_null(strstr(prov, keys[i]), "provenance.yaml lacks '%s':\n%s", keys[i], prov);
    free(prov);

    char *reps = slurp_or_fail(join(in_tmp("res"), "replicates.csv"));
    cr_assert_eq(tw_count_lines(reps), 3, "replicates.csv: header + 2 replicates expected:\n%s",
                 reps);
    free(reps);
}

Test(outdir, default_directory_is_out_slash_scenario_name) {
    const char *args[] = {"run", tw_src(BASELINE), "-n", "2", "--set", "firms.per_cell=200",
                          "--set", "end=2025-01-10", "--quiet", NULL};
    tw_proc p = run_cli(g_tmp, args);
    assert_exit(&p, 0, "run without -o");
    tw_proc_free(&p);
    assert_listing(g_tmp, "out");
    assert_listing(in_tmp("out"), "baseline-2025");
    assert_listing(in_tmp("out/baseline-2025"), OUTPUT_FILES);
}

/* scenario.yaml is the scenario as run (with the --set overrides): it validates, and
 * running it again gives the same summary.csv. */
Test(outdir, resolved_scenario_validates_and_reproduces_the_run) {
    const char *a[] = {"run", tw_src(HISTORY), "-n", "2", "--set", "firms.per_cell=200", "--set",
                       "end=2025-05-31", "--set", "tariffs[3].rate=50", "-o", in_tmp("a"),
                       "--quiet", NULL};
    run_ok(a);
    const char *resolved = join(in_tmp("a"), "scenario.yaml");
    char *text = slurp_or_fail(resolved);
    cr_assert_not_null(strstr(text, "per_cell: 200"), "the --set override is not in:\n%.2000s",
                       text);
    cr_assert_not_null(strstr(text, "end: 2025-05-31"), "the --set end is not in the resolved file");
    free(text);

    const char *val[] = {"validate", resolved, NULL};
    tw_proc p = run_cli(NULL, val);
    assert_exit(&p, 0, "validate scenario.yaml");
    tw_proc_free(&p);

    const char *b[] = {"run", resolved, "-n", "2", "-o", in_tmp("b"), "--quiet", NULL};
    run_ok(b);
    cr_assert(tw_files_equal(join(in_tmp("a"), "summary.csv"), join(in_tmp("b"), "summary.csv")),
              "running the resolved scenario.yaml gives a different summary.csv");
}

/* The value of "key: " on its own line of text, up to the line's end (static buffer). */
static const char *line_value(const char *text, const char *key) {
    static char buf[256];
    size_t klen = strlen(key);
    for (const char *p = text; p != NULL; p = strchr(p, '\n'), p = p != NULL ? p + 1 : NULL) {
        if (strncmp(p, key, klen) == 0 && p[klen] == ':' && p[klen + 1] == ' ') {
            size_t n = strcspn(p + klen + 2, "\n");
            cr_assert_lt(n, sizeof buf);
            memcpy(buf, p + klen + 2, n);
            buf[n] = '\0';
            return buf;
        }
    }
    cr_assert_fail("no line '%s: ' in:\n%.2000s", key, text);
    return NULL;
}

/* scenario.yaml records a number as the run read it: `seed: 010` is the seed 10 and is
 * written `seed: 10` (a YAML 1.1 reader would take 010 for the octal 8). A scenario
 * written with leading zeros and one written without them are the same run: the same
 * recorded scenario, scenario hash and result hash. */
Test(outdir, numbers_are_recorded_as_they_were_read) {
    char text[4400];
    snprintf(text, sizeof text, "extends: %s\nseed: 010\nfirms:\n  per_cell: +0200\n",
             tw_src(BASELINE));
    cr_assert_eq(tw_write_text(in_tmp("zeros.yaml"), text), 0);
    snprintf(text, sizeof text, "extends: %s\nseed: 10\nfirms:\n  per_cell: 200\n",
             tw_src(BASELINE));
    cr_assert_eq(tw_write_text(in_tmp("plain.yaml"), text), 0);
    const char *a[] = {"run", in_tmp("zeros.yaml"), "-n", "2", "--set", "end=2025-01-10", "-o",
                       in_tmp("a"), "--quiet", NULL};
    run_ok(a);
    const char *b[] = {"run", in_tmp("plain.yaml"), "-n", "2", "--set", "end=2025-01-10", "-o",
                       in_tmp("b"), "--quiet", NULL};
    run_ok(b);
    char *sa = slurp_or_fail(join(in_tmp("a"), "scenario.yaml"));
    cr_assert_str_eq(line_value(sa, "seed"), "10");
    cr_assert_not_null(strstr(sa, "\n  per_cell: 200\n"), "%.2000s", sa);
    free(sa);
    cr_assert(tw_files_equal(join(in_tmp("a"), "scenario.yaml"), join(in_tmp("b"), "scenario.yaml")),
              "010 and 10 recorded different scenarios");
    char *pa = slurp_or_fail(join(in_tmp("a"), "provenance.yaml"));
    char *pb = slurp_or_fail(join(in_tmp("b"), "provenance.yaml"));
    char ha[256];
    snprintf(ha, sizeof ha, "%s", line_value(pa, "scenario_hash"));
    cr_assert_str_eq(ha, line_value(pb, "scenario_hash"));
    snprintf(ha, sizeof ha, "%s", line_value(pa, "result_hash"));
    cr_assert_str_eq(ha, line_value(pb, "result_hash"));
    free(pa);
    free(pb);
}

Test(outdir, existing_directory_without_force_is_refused_and_left_alone) {
    cr_assert_eq(tw_write_text(in_tmp("marker.txt"), "x"), 0);
    char res[4200];
    snprintf(res, sizeof res, "%s", in_tmp("res"));
    char cmd[4400];
    snprintf(cmd, sizeof cmd, "mkdir '%s' && printf keep > '%s/earlier.txt'", res, res);
    cr_assert_eq(system(cmd), 0);

    const char *args[] = {"run", tw_src(BASELINE), "-n", "2", "--set", "firms.per_cell=200",
                          "--set", "end=2025-01-10", "-o", res, "--quiet", NULL};
    tw_proc p = run_cli(NULL, args);
    assert_exit(&p, 2, "run into an existing directory");
    assert_error_line(&p, "--force", NULL, NULL);
    tw_proc_free(&p);

    assert_listing(res, "earlier.txt");
    char *kept = slurp_or_fail(join(res, "earlier.txt"));
    cr_assert_str_eq(kept, "keep");
    free(kept);
    assert_listing(g_tmp, "marker.txt res");
}

/* Fill an earlier directory "res" with the shell command `prepare` (%1$s is its path),
 * run with --force over it, and check only the four outputs remain, with nothing beside. */
static void force_over(const char *prepare) {
    char res[4200], cmd[8800];
    snprintf(res, sizeof res, "%s", in_tmp("res"));
    snprintf(cmd, sizeof cmd, prepare, res);
    cr_assert_eq(system(cmd), 0);
    const char *args[] = {"run", tw_src(BASELINE), "-n", "2", "--set", "firms.per_cell=200",
                          "--set", "end=2025-01-10", "-o", res, "--quiet", "--force", NULL};
    run_ok(args);
    assert_listing(res, OUTPUT_FILES);
    assert_listing(g_tmp, "res");
}

/* An earlier output: --force replaces only a directory with tradewar's provenance.yaml
 * (or an empty one; test_faults.py checks the refusal of any other). */
#define EARLIER "printf '# x\\nprogram: tradewar\\n' > '%1$s/provenance.yaml' && "

Test(outdir, force_replaces_the_directory_and_leaves_nothing_beside_it) {
    force_over("mkdir '%1$s' && " EARLIER "printf old > '%1$s/earlier.txt'");
}

/* The earlier output may hold anything the user added, a subdirectory included: --force
 * replaces it all and leaves nothing else (no res.old.*) in the parent. */
Test(outdir, force_over_a_directory_with_a_subdirectory_leaves_nothing_beside_it) {
    force_over("mkdir -p '%1$s/plots' && " EARLIER "printf old > '%1$s/plots/fig.txt'");
}

/* A failure while writing (here: a 1 MiB file-size limit, with SIGXFSZ ignored so that
 * write() fails with EFBIG; both are inherited by the program) is a runtime failure:
 * exit 1, one line on stderr, no output directory and no staging or temporary files
 * left; with --force the earlier directory is kept as it was. Criterion runs each test
 * in its own process, so the limit does not outlive this test. */
Test(outdir, write_failure_exits_1_and_leaves_nothing_behind) {
    char res[4200], cmd[4400];
    snprintf(res, sizeof res, "%s", in_tmp("earlier"));
    snprintf(cmd, sizeof cmd,
             "mkdir '%1$s' && printf keep > '%1$s/a.txt' && "
             "printf 'program: tradewar\\n' > '%1$s/provenance.yaml'", res);
    cr_assert_eq(system(cmd), 0);

    signal(SIGXFSZ, SIG_IGN);
    struct rlimit rl = {1 << 20, 1 << 20};
    cr_assert_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);

    const char *fresh[] = {"run", tw_src(BASELINE), "-n", "2", "--set", "firms.per_cell=200",
                           "--set", "end=2025-01-31", "-o", in_tmp("res"), "--quiet", NULL};
    tw_proc p = run_cli(NULL, fresh);
    assert_exit(&p, 1, "run with a full disk");
    assert_error_line(&p, "File too large", NULL, NULL);
    tw_proc_free(&p);
    assert_listing(g_tmp, "earlier");

    const char *forced[] = {"run", tw_src(BASELINE), "-n", "2", "--set", "firms.per_cell=200",
                            "--set", "end=2025-01-31", "-o", res, "--quiet", "--force", NULL};
    p = run_cli(NULL, forced);
    assert_exit(&p, 1, "run --force with a full disk");
    assert_error_line(&p, "File too large", NULL, NULL);
    tw_proc_free(&p);
    assert_listing(g_tmp, "earlier");
    assert_listing(res, "a.txt provenance.yaml");
}

Test(outdir, output_path_that_is_a_file_is_refused) {
    cr_assert_eq(tw_write_text(in_tmp("res"), "a file"), 0);
    const char *args[] = {"run", tw_src(BASELINE), "-n", "2", "--set", "firms.per_cell=200",
                          "-o", in_tmp("res"), "--quiet", "--force", NULL};
    tw_proc p = run_cli(NULL, args);
    assert_exit(&p, 2, "-o FILE");
    assert_error_line(&p, "res", NULL, NULL);
    tw_proc_free(&p);
    assert_listing(g_tmp, "res");
    char *kept = slurp_or_fail(in_tmp("res"));
    cr_assert_str_eq(kept, "a file");
    free(kept);
}

/* ---------------------------------------------------------------------------------- */
/* summary.csv                                                                         */
/* ---------------------------------------------------------------------------------- */

TestSuite(summary, .init = tmp_setup, .fini = tmp_teardown);

Test(summary, header_and_daily_dates_from_start_to_end) {
    const char *args[] = {"run", tw_src(BASELINE), "-n", "2", "--set", "firms.per_cell=200",
                          "--set", "end=2025-03-31", "-o", in_tmp("res"), "--quiet", NULL};
    run_ok(args);
    char *csv = slurp_or_fail(join(in_tmp("res"), "summary.csv"));
    cr_assert(strncmp(csv, "date,indicator,region,partner,sector,mean,sd,p05,p50,p95\n", 57) == 0,
              "summary.csv header: %.80s", csv);
    static char dates[400][16];
    size_t per;
    size_t nd = summary_dates(csv, dates, 400, &per);
    cr_assert_eq(nd, 90, "%zu dates, expected 90 (2025-01-01..2025-03-31)", nd);
    long d0 = day_of("2025-01-01");
    for (size_t i = 0; i < nd; i++) {
        char want[16];
        civil_from_days(d0 + (long)i, want);
        cr_assert_str_eq(dates[i], want, "date #%zu", i);
    }
    cr_assert_gt(per, 0);
    cr_assert_eq(tw_count_lines(csv), 1 + nd * per, "summary.csv lines");
    free(csv);
}

Test(summary, interval_days_gives_every_seventh_day_and_the_last) {
    const char *args[] = {"run", tw_src(BASELINE), "-n", "2", "--set", "firms.per_cell=200",
                          "--set", "end=2025-03-31", "--set", "output.interval_days=7", "-o",
                          in_tmp("res"), "--quiet", NULL};
    run_ok(args);
    char *csv = slurp_or_fail(join(in_tmp("res"), "summary.csv"));
    static char dates[400][16];
    size_t per;
    size_t nd = summary_dates(csv, dates, 400, &per);
    /* days 0, 7, ..., 84 (2025-03-26), then the last day 89 (2025-03-31) */
    cr_assert_eq(nd, 14, "%zu dates, expected 13 weekly + the last", nd);
    long d0 = day_of("2025-01-01");
    for (size_t i = 0; i < 13; i++) {
        char want[16];
        civil_from_days(d0 + 7 * (long)i, want);
        cr_assert_str_eq(dates[i], want, "date #%zu", i);
    }
    cr_assert_str_eq(dates[13], "2025-03-31");
    free(csv);
}

Test(summary, interval_days_does_not_repeat_a_last_day_on_the_grid) {
    /* 2025-01-01 + 28 = 2025-01-29: the last day is on the 7-day grid, written once. */
    const char *args[] = {"run", tw_src(BASELINE), "-n", "2", "--set", "firms.per_cell=200",
                          "--set", "end=2025-01-29", "--set", "output.interval_days=7", "-o",
                          in_tmp("res"), "--quiet", NULL};
    run_ok(args);
    char *csv = slurp_or_fail(join(in_tmp("res"), "summary.csv"));
    static char dates[400][16];
    size_t per;
    size_t nd = summary_dates(csv, dates, 400, &per);
    const char *want[] = {"2025-01-01", "2025-01-08", "2025-01-15", "2025-01-22", "2025-01-29"};
    cr_assert_eq(nd, 5, "%zu dates", nd);
    for (size_t i = 0; i < 5; i++) cr_assert_str_eq(dates[i], want[i]);
    free(csv);
}

/* The legacy US tariff on China by sector in baseline-2025.yaml and history-2025-four.yaml:
 * Section 301 (electronics on 0.546 of the cell), MFN 1.4 (consumer goods: 15.9 more on
 * 0.30 of the cell) and the rest of the January 2025 average, 3.43418397, uniform. */
static double legacy_us_cn(const char *sector) {
    static const struct { const char *sector; double s301; } t[] = {
        {"electronics", 21.6117 * 0.546}, {"machinery", 23.75}, {"vehicles", 25}, {"metals", 25},
        {"agriculture", 18}, {"chemicals", 16.2}, {"consumer", 11.1}, {"other", 20}};
    for (size_t k = 0; k < sizeof t / sizeof t[0]; k++)
        if (strcmp(sector, t[k].sector) == 0)
            return t[k].s301 + 1.4 + (strcmp(sector, "consumer") == 0 ? 15.9 * 0.30 : 0.0) +
                   3.43418397;
    return 20.8; /* all sectors: the trade-weighted total */
}

/* Baseline: the legacy entries only, 20.8% US on CN (by sector: legacy_us_cn) and 21.2%
 * CN on US, uniform over sectors, on every date of the year, with sd 0. */
Test(summary, baseline_tariff_rates_are_the_legacy_levels_every_day) {
    const char *args[] = {"run", tw_src(BASELINE), "-n", "3", "--set", "firms.per_cell=200", "-o",
                          in_tmp("res"), "--quiet", NULL};
    run_ok(args);
    char *csv = slurp_or_fail(join(in_tmp("res"), "summary.csv"));
    const char *pos = csv_body(csv);
    row_t r;
    size_t n_us = 0, n_cn = 0;
    while (next_row(&pos, &r)) {
        if (strcmp(r.ind, "tariff_rate") != 0) continue;
        double want;
        if (strcmp(r.region, "US") == 0 && strcmp(r.partner, "CN") == 0) {
            want = legacy_us_cn(r.sector);
            n_us++;
        } else if (strcmp(r.region, "CN") == 0 && strcmp(r.partner, "US") == 0) {
            want = 21.2;
            n_cn++;
        } else {
            continue;
        }
        for (int k = 0; k < 5; k++) {
            double w = k == 1 ? 0.0 : want; /* sd is 0, every quantile the rate */
            cr_assert(fabs(r.v[k] - w) <= 2e-8, "%s tariff_rate %s->%s %s: column %d is %.12g, "
                      "expected %.12g", r.date, r.region, r.partner, r.sector, k, r.v[k], w);
        }
    }
    cr_assert_eq(n_us, 365 * 9, "US->CN tariff_rate rows: %zu (expected 365 days x 9 sectors)", n_us);
    cr_assert_eq(n_cn, 365 * 9, "CN->US tariff_rate rows: %zu", n_cn);
    free(csv);
}

/* History on 2025-04-15, US on CN, by sector. Layers from history-2025-four.yaml:
 *   the legacy layers, L(sector) = legacy_us_cn() above (20.8 trade-weighted)
 *   fentanyl 20 (entry of 2025-03-04)
 *   reciprocal 125 (US->CN entry of 2025-04-10 beats the ALL 10 of 2025-04-05),
 *     not_on [s232_metals, s232_autos]
 *   reciprocal coverage 0.546 in electronics (coverage-only ALL entry of 2025-04-05)
 *   s232_autos 25 at coverage 0.6 in vehicles (ALL entry of 2025-04-03)
 *   s232_metals in metals: the US->CN entry of 2025-03-12 sets rate 0 (beats the ALL 25 of
 *     the same date). scenarios/README.md rule 4: a listed layer counts when it is in
 *     force, "whatever the rate: China's steel, whose Section 232 layer is set to 0 ...,
 *     stays outside the reciprocal tariff", so reciprocal applies to 1 - 1 = 0 of metals.
 * agriculture: L + 20 + 125
 * electronics: L + 20 + 0.546 x 125
 * vehicles:    L + 20 + 0.6 x 25 + 0.4 x 125
 * metals:      L + 20 + 0 + 0 x 125
 * on 2025-04-05 (reciprocal ALL 10 only):
 * metals:      L + 20 + 0 + 0 x 10
 * on 2025-05-14 (Geneva: reciprocal 10):
 * vehicles:    L + 20 + 0.6 x 25 + 0.4 x 10
 * and on 2025-06-04 (China's s232_metals increment 25):
 * metals:      L + 20 + 25 + 0 x 10 */
static char *g_history_csv; /* one history run shared by the tests below */

static void history_setup(void) {
    tmp_setup();
    const char *args[] = {"run", tw_src(HISTORY), "-n", "2", "--set", "firms.per_cell=200",
                          "--set", "end=2025-06-30", "-o", in_tmp("res"), "--quiet", NULL};
    run_ok(args);
    g_history_csv = slurp_or_fail(join(in_tmp("res"), "summary.csv"));
}

static void history_teardown(void) {
    free(g_history_csv);
    g_history_csv = NULL;
    tmp_teardown();
}

TestSuite(history, .init = history_setup, .fini = history_teardown);

Test(history, agriculture_tariff_on_2025_04_15_is_legacy_fentanyl_reciprocal) {
    assert_value(g_history_csv, "2025-04-15", "tariff_rate", "US", "CN", "agriculture",
                 legacy_us_cn("agriculture") + 20.0 + 125.0, 1e-6);
}

Test(history, electronics_tariff_on_2025_04_15_has_reciprocal_on_55_percent) {
    assert_value(g_history_csv, "2025-04-15", "tariff_rate", "US", "CN", "electronics",
                 legacy_us_cn("electronics") + 20.0 + 0.546 * 125.0, 1e-6);
}

Test(history, vehicles_tariff_has_no_reciprocal_on_the_s232_share) {
    assert_value(g_history_csv, "2025-04-15", "tariff_rate", "US", "CN", "vehicles",
                 legacy_us_cn("vehicles") + 20.0 + 0.6 * 25.0 + 0.4 * 125.0, 1e-6);
    assert_value(g_history_csv, "2025-05-14", "tariff_rate", "US", "CN", "vehicles",
                 legacy_us_cn("vehicles") + 20.0 + 0.6 * 25.0 + 0.4 * 10.0, 1e-6);
}

Test(history, metals_s232_layer_at_rate_zero_keeps_reciprocal_off) {
    assert_value(g_history_csv, "2025-04-05", "tariff_rate", "US", "CN", "metals",
                 legacy_us_cn("metals") + 20.0, 1e-6);
    assert_value(g_history_csv, "2025-04-15", "tariff_rate", "US", "CN", "metals",
                 legacy_us_cn("metals") + 20.0, 1e-6);
}

Test(history, metals_s232_increment_replaces_reciprocal_from_june) {
    assert_value(g_history_csv, "2025-06-04", "tariff_rate", "US", "CN", "metals",
                 legacy_us_cn("metals") + 20.0 + 25.0, 1e-6);
}

Test(history, tariffs_before_the_fentanyl_tariff_are_the_legacy_levels) {
    assert_value(g_history_csv, "2025-02-03", "tariff_rate", "US", "CN", "all", 20.8, 1e-6);
    assert_value(g_history_csv, "2025-02-03", "tariff_rate", "CN", "US", "all", 21.2, 1e-9);
    assert_value(g_history_csv, "2025-02-04", "tariff_rate", "US", "CN", "consumer",
                 legacy_us_cn("consumer") + 10.0, 1e-6);
}

/* ---------------------------------------------------------------------------------- */
/* Reproducibility                                                                     */
/* ---------------------------------------------------------------------------------- */

TestSuite(repro, .init = tmp_setup, .fini = tmp_teardown);

static void run_history(const char *dir, const char *threads, const char *mode, const char *seed) {
    const char *args[20];
    int k = 0;
    args[k++] = "run";
    args[k++] = tw_src(HISTORY);
    args[k++] = "-n";
    args[k++] = "3";
    args[k++] = "--set";
    args[k++] = "firms.per_cell=500";
    args[k++] = "--set"; /* one block a cell either way (TW_BLOCK), and a quicker run */
    args[k++] = "rare_earths.per_cell=500";
    args[k++] = "--set"; /* through the escalation, the truce and the metals increase */
    args[k++] = "end=2025-06-30";
    args[k++] = "-t";
    args[k++] = threads;
    args[k++] = "--parallel";
    args[k++] = mode;
    if (seed != NULL) {
        args[k++] = "-s";
        args[k++] = seed;
    }
    args[k++] = "-o";
    args[k++] = in_tmp(dir);
    args[k++] = "--quiet";
    args[k] = NULL;
    run_ok(args);
}

static void assert_same_outputs(const char *a, const char *b) {
    cr_assert(tw_files_equal(join(in_tmp(a), "summary.csv"), join(in_tmp(b), "summary.csv")),
              "summary.csv of %s and %s differ", a, b);
    cr_assert(tw_files_equal(join(in_tmp(a), "replicates.csv"), join(in_tmp(b), "replicates.csv")),
              "replicates.csv of %s and %s differ", a, b);
}

Test(repro, outputs_are_identical_for_any_thread_count_and_parallel_mode) {
    run_history("t1", "1", "auto", NULL);
    run_history("t2", "2", "auto", NULL);
    run_history("t2_replicates", "2", "replicates", NULL);
    run_history("t2_agents", "2", "agents", NULL);
    assert_same_outputs("t1", "t2");
    assert_same_outputs("t1", "t2_replicates");
    assert_same_outputs("t1", "t2_agents");
    char *prov = slurp_or_fail(join(in_tmp("t2_agents"), "provenance.yaml"));
    cr_assert_not_null(strstr(prov, "\nparallelism: agents\n"), "provenance:\n%s", prov);
    free(prov);
}

/* The blocks of firms go to threads one at a time by default; OMP_SCHEDULE may hand them
 * out otherwise, which must change nothing but the speed. */
Test(repro, outputs_do_not_depend_on_how_blocks_are_handed_to_threads) {
    run_history("agents_default", "3", "agents", NULL);
    cr_assert_eq(setenv("OMP_SCHEDULE", "static", 1), 0);
    run_history("agents_static", "3", "agents", NULL);
    cr_assert_eq(setenv("OMP_SCHEDULE", "guided,2", 1), 0);
    run_history("agents_guided", "3", "agents", NULL);
    unsetenv("OMP_SCHEDULE");
    assert_same_outputs("agents_default", "agents_static");
    assert_same_outputs("agents_default", "agents_guided");
}

Test(repro, same_seed_gives_identical_outputs_and_another_seed_differs) {
    const char *base[] = {"run", tw_src(BASELINE), "-n", "3", "--set", "firms.per_cell=200",
                          "--set", "end=2025-03-31", "--quiet", "-o", NULL, "-s", NULL, NULL};
    const char *runs[][2] = {{"a", "17"}, {"b", "17"}, {"c", "18"}};
    for (int i = 0; i < 3; i++) {
        base[10] = in_tmp(runs[i][0]);
        base[12] = runs[i][1];
        run_ok(base);
    }
    assert_same_outputs("a", "b");
    cr_assert_not(tw_files_equal(join(in_tmp("a"), "replicates.csv"),
                                 join(in_tmp("c"), "replicates.csv")),
                  "-s 17 and -s 18 gave the same replicates.csv");
    char *prov = slurp_or_fail(join(in_tmp("c"), "provenance.yaml"));
    cr_assert_not_null(strstr(prov, "\nseed: 18\n"), "provenance:\n%s", prov);
    free(prov);
}

/* ---------------------------------------------------------------------------------- */
/* The terminal summary                                                                */
/* ---------------------------------------------------------------------------------- */

TestSuite(report, .init = tmp_setup, .fini = tmp_teardown);

/* true if some line of text starts with prefix */
static bool has_line_starting(const char *text, const char *prefix) {
    size_t n = strlen(prefix);
    const char *l = text;
    while (*l) {
        if (strncmp(l, prefix, n) == 0) return true;
        const char *nl = strchr(l, '\n');
        if (nl == NULL) break;
        l = nl + 1;
    }
    return false;
}

Test(report, table_has_a_header_and_a_line_per_month) {
    const char *args[] = {"run", tw_src(BASELINE), "-n", "2", "--set", "firms.per_cell=200",
                          "--set", "end=2025-03-31", "-o", in_tmp("res"), NULL};
    tw_proc p = run_cli(NULL, args);
    assert_exit(&p, 0, "run");
    cr_assert(has_line_starting(p.out, "month "), "no table header in:\n%s", p.out);
    cr_assert_not_null(strstr(p.out, "US tariff on CN"), "no table header in:\n%s", p.out);
    /* Each column says its unit: a flow as its monthly total, a level as its mean. */
    cr_assert_not_null(strstr(p.out, "USD bn/month"), "no flow unit in:\n%s", p.out);
    cr_assert_not_null(strstr(p.out, "%, mean"), "no level unit in:\n%s", p.out);
    cr_assert_null(strstr(p.out, "/yr"), "an annualised unit in:\n%s", p.out);
    const char *months[] = {"2025-01 ", "2025-02 ", "2025-03 "};
    for (int i = 0; i < 3; i++)
        cr_assert(has_line_starting(p.out, months[i]), "no line for %s in:\n%s", months[i], p.out);
    tw_proc_free(&p);
}

/* With weekly output the first day of a month is often not an output day; the table
 * still has a line for each month (from its output days). */
Test(report, table_has_a_line_per_month_with_weekly_output) {
    const char *args[] = {"run", tw_src(BASELINE), "-n", "2", "--set", "firms.per_cell=200",
                          "--set", "end=2025-03-31", "--set", "output.interval_days=7", "-o",
                          in_tmp("res"), NULL};
    tw_proc p = run_cli(NULL, args);
    assert_exit(&p, 0, "run");
    const char *months[] = {"2025-01 ", "2025-02 ", "2025-03 "};
    for (int i = 0; i < 3; i++)
        cr_assert(has_line_starting(p.out, months[i]), "no line for month %s in:\n%s", months[i],
                  p.out);
    tw_proc_free(&p);
}

/* --quiet hides progress (the start line, the bar), never the results. */
Test(report, quiet_prints_the_table_and_no_progress) {
    const char *args[] = {"run", tw_src(BASELINE), "-n", "2", "--set", "firms.per_cell=200",
                          "--set", "end=2025-01-31", "-o", in_tmp("res"), "--quiet", NULL};
    tw_proc p = run_cli(NULL, args);
    assert_exit(&p, 0, "run --quiet");
    cr_assert_not_null(strstr(p.out, "US tariff on CN"), "--quiet hid the table:\n%s", p.out);
    cr_assert_not_null(strstr(p.out, "written: "), "--quiet hid where:\n%s", p.out);
    cr_assert_str_empty(p.err, "--quiet run wrote to stderr: %s", p.err);
    tw_proc_free(&p);
}

/* --silent: nothing on either stream but an error, which still prints. */
Test(report, silent_prints_nothing_but_errors) {
    const char *args[] = {"run", tw_src(BASELINE), "-n", "2", "--set", "firms.per_cell=200",
                          "--set", "end=2025-01-31", "-o", in_tmp("res"), "--silent", NULL};
    tw_proc p = run_cli(NULL, args);
    assert_exit(&p, 0, "run --silent");
    cr_assert_str_empty(p.out, "--silent run wrote to stdout: %s", p.out);
    cr_assert_str_empty(p.err, "--silent run wrote to stderr: %s", p.err);
    tw_proc_free(&p);
    const char *bad[] = {"run", tw_src(BASELINE), "-n", "2", "--set", "firms.per_cell=-1",
                         "-o", in_tmp("bad"), "--silent", NULL};
    p = run_cli(NULL, bad);
    assert_exit(&p, 2, "run --silent with a bad value");
    cr_assert_str_empty(p.out, "a refused --silent run wrote to stdout: %s", p.out);
    cr_assert_not_null(strstr(p.err, "firms.per_cell"), "--silent hid the error: %s", p.err);
    tw_proc_free(&p);
}
