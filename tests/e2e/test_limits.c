/* test_limits.c - the command line's limits and the output's faults, through the real
 * program.
 *
 *   - flags: every option without its value, numbers that are not numbers or are out of
 *     range, and impossible requests are refused with exit 2 and one line that names the
 *     flag and, for a number, the accepted range;
 *   - memory: a run whose firms would not fit in this machine's memory is refused before
 *     any work, stating what it needs and the limit;
 *   - output: a directory that cannot be created (in /proc, under a regular file) is
 *     refused before any work and nothing is created; a summary table that cannot be
 *     written (stdout on /dev/full) fails the run with exit 1 while the output directory,
 *     complete before, stays.
 * Earlier results under --force and a file-size limit hit while writing are checked in
 * test_cli.c (outdir suite); malformed scenarios in test_malformed.c.
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tw_config.h"
#include "tw_test_support.h"
#include "tw_test_tmpdir.h"

#define BASELINE "scenarios/baseline-2025.yaml"


/* Run the program; it must exit with `code` and write exactly one stderr line holding
 * each non-NULL needle, and nothing may appear in g_tmp. */
static void refused(const char *const *args, int code, const char *n1, const char *n2) {
    tw_proc p;
    cr_assert_eq(tw_run_cli(&p, NULL, args), 0, "cannot start the program");
    cr_assert_eq(p.exit_code, code, "%s %s: exit %d, expected %d\nstderr: %s", args[0],
                 args[1] ? args[1] : "", p.exit_code, code, p.err);
    cr_assert(strncmp(p.err, "tradewar: ", 10) == 0 && tw_count_lines(p.err) == 1,
              "stderr is not one 'tradewar: ' line: %s", p.err);
    const char *needles[] = {n1, n2};
    for (int i = 0; i < 2; i++)
        if (needles[i] != NULL)
            cr_assert_not_null(strstr(p.err, needles[i]), "stderr lacks '%s': %s", needles[i],
                               p.err);
    tw_proc_free(&p);
    DIR *d = opendir(g_tmp);
    cr_assert_not_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        cr_assert(strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0,
                  "%s was left in the output's parent", e->d_name);
    closedir(d);
}

static const char *out_dir(void) {
    static char buf[4200];
    snprintf(buf, sizeof buf, "%s/out", g_tmp);
    return buf;
}

TestSuite(flags, .init = tmp_setup, .fini = tmp_teardown);

/* Each option as the last argument, with nothing after it. */
Test(flags, every_option_without_its_value_is_refused) {
    const char *opts[] = {"-n", "--replicates", "-t", "--threads", "-s", "--seed",
                          "-o", "--output", "--set", "--parallel"};
    for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++) {
        const char *args[] = {"run", tw_src(BASELINE), opts[i], NULL};
        refused(args, 2, opts[i], "missing value");
    }
}

typedef struct {
    const char *flag, *value, *n1, *n2;
} bad_value;

Test(flags, bad_numbers_are_refused_stating_the_range) {
    static const bad_value cases[] = {
        {"-n", "0", "-n: expected an integer between 1 and 1000000", "(got '0')"},
        {"-n", "1000001", "between 1 and 1000000", "(got '1000001')"},
        {"-n", "1e3", "between 1 and 1000000", "(got '1e3')"},
        {"-n", " 5", "between 1 and 1000000", NULL},
        {"-n", "5x", "between 1 and 1000000", "(got '5x')"},
        {"-n", "", "between 1 and 1000000", "(got '')"},
        {"-n", "99999999999999999999999", "between 1 and 1000000", NULL},
        {"-t", "0", "-t: expected an integer between 1 and", "(got '0')"},
        {"-t", "-2", "-t: expected an integer between 1 and", "(got '-2')"},
        {"-t", "100000", "-t: expected an integer between 1 and", "(got '100000')"},
        {"--threads", "two", "-t: expected an integer between 1 and", "(got 'two')"},
        {"-s", "-1", "-s: expected an integer between 0 and 4294967295", "(got '-1')"},
        {"-s", "4294967296", "between 0 and 4294967295", "(got '4294967296')"},
        {"-s", "1.5", "between 0 and 4294967295", "(got '1.5')"},
        {"--parallel", "both", "--parallel: expected auto, replicates or agents", "(got 'both')"},
        {"-o", "", "-o: expected a directory path", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *args[] = {"run", tw_src(BASELINE), cases[i].flag, cases[i].value, "-o",
                              out_dir(), NULL};
        refused(args, 2, cases[i].n1, cases[i].n2);
    }
}

/* The thread limit the refusal states is the one --help states. */
Test(flags, too_many_threads_states_the_same_limit_as_help) {
    const char *help[] = {"--help", NULL};
    tw_proc p;
    cr_assert_eq(tw_run_cli(&p, NULL, help), 0);
    const char *at = strstr(p.out, "at most ");
    cr_assert_not_null(at, "--help states no thread limit: %s", p.out);
    int limit = atoi(at + 8);
    cr_assert_gt(limit, 0);
    tw_proc_free(&p);
    char over[32], range[64];
    snprintf(over, sizeof over, "%d", limit + 1);
    snprintf(range, sizeof range, "between 1 and %d (got '%d')", limit, limit + 1);
    const char *args[] = {"run", tw_src(BASELINE), "-t", over, NULL};
    refused(args, 2, "-t", range);
}

Test(flags, impossible_combinations_are_refused) {
    const char *validate_n[] = {"validate", tw_src(BASELINE), "-n", "4", NULL};
    refused(validate_n, 2, "validate takes only a scenario", NULL);
    const char *validate_o[] = {"validate", tw_src(BASELINE), "-o", out_dir(), NULL};
    refused(validate_o, 2, "validate takes only a scenario", NULL);
    const char *two[] = {"run", tw_src(BASELINE), tw_src(BASELINE), NULL};
    refused(two, 2, "one scenario per run", NULL);
    const char *none[] = {"run", "-n", "2", NULL};
    refused(none, 2, "missing scenario file", NULL);
}

/* ---------------------------------------------------------------------------------- */
/* Memory                                                                              */
/* ---------------------------------------------------------------------------------- */

TestSuite(memory, .init = tmp_setup, .fini = tmp_teardown);

/* The largest firm count a scenario accepts (10^8 per cell, 32 cells, 17 bytes a firm:
 * about 50 GiB a replicate) on as many threads as replicates: the refusal comes before
 * any work, names the memory needed and the limit, and says what to lower. */
Test(memory, firms_that_do_not_fit_are_refused_before_any_work) {
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
    double phys_gib = (double)pages * (double)page / 1073741824.0;
    double need_gib = 8 * 50.0;
    if (phys_gib >= need_gib)
        cr_skip_test("this machine has %.0f GiB, more than the %.0f GiB the run would need",
                     phys_gib, need_gib);
    const char *args[] = {"run", tw_src(BASELINE), "-n", "8", "-t", "8", "--set",
                          "firms.per_cell=100000000", "-o", out_dir(), "--quiet", NULL};
    refused(args, 2, "GiB of memory", "use fewer firms (firms.per_cell), fewer threads");
    /* One replicate at a time (agent level) still needs one whole state. */
    const char *agents[] = {"run", tw_src(BASELINE), "-n", "1", "-t", "2", "--parallel",
                            "agents", "--set", "firms.per_cell=100000000", "-o", out_dir(),
                            "--quiet", NULL};
    if (phys_gib < 50.0) refused(agents, 2, "(1 replicate held at once of ", NULL);
}

/* ---------------------------------------------------------------------------------- */
/* Output faults                                                                       */
/* ---------------------------------------------------------------------------------- */

TestSuite(output, .init = tmp_setup, .fini = tmp_teardown);

/* /proc takes no new directories, even from root, whose access() says yes to anything.
 * The run is large enough that doing its work first would show (exit 1, not 2). */
Test(output, directory_in_proc_is_refused_before_any_work) {
    const char *args[] = {"run", tw_src(BASELINE), "-n", "4", "--set", "firms.per_cell=20000",
                          "-o", "/proc/tradewar-test-out", "--quiet", NULL};
    refused(args, 2, "-o /proc/tradewar-test-out: cannot create a directory in /proc", NULL);
    cr_assert(!tw_path_exists("/proc/tradewar-test-out"));
}

Test(output, directory_under_a_regular_file_is_refused) {
    char file[4200], dir[4300];
    snprintf(file, sizeof file, "%s.file", g_tmp);
    cr_assert_eq(tw_write_text(file, "not a directory"), 0);
    snprintf(dir, sizeof dir, "%s/out", file);
    const char *args[] = {"run", tw_src(BASELINE), "-n", "1", "-o", dir, "--quiet", NULL};
    refused(args, 2, "is not a directory", NULL);
    char *kept = tw_slurp(file, NULL);
    cr_assert_str_eq(kept, "not a directory");
    free(kept);
    unlink(file);
    const char *dev[] = {"run", tw_src(BASELINE), "-n", "1", "-o", "/dev/full/out", NULL};
    refused(dev, 2, "-o /dev/full/out: /dev/full is not a directory", NULL);
}

/* stdout on a full device: the table cannot be written, so the run fails (exit 1) with
 * one line saying so, after the output directory was completed and renamed into place. */
Test(output, summary_table_on_a_full_device_fails_the_run) {
    const char *bin = getenv("TW_TEST_BINARY");
    if (bin == NULL || bin[0] == '\0') bin = TW_BINARY;
    char cmd[16384], errfile[4300];
    snprintf(errfile, sizeof errfile, "%s.err", g_tmp);
    snprintf(cmd, sizeof cmd,
             "'%s' run '%s' -n 2 --set firms.per_cell=200 --set end=2025-01-10 -o '%s' "
             ">/dev/full 2>'%s'",
             bin, tw_src(BASELINE), out_dir(), errfile);
    int status = system(cmd);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 1, "exit status %d, expected 1",
              WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    char *err = tw_slurp(errfile, NULL);
    unlink(errfile);
    cr_assert_not_null(err);
    cr_assert_not_null(strstr(err, "tradewar: standard output: write failed: No space left"),
                       "stderr: %s", err);
    free(err);
    char summary[4300];
    snprintf(summary, sizeof summary, "%s/summary.csv", out_dir());
    cr_assert(tw_path_exists(summary), "the completed output directory was not kept");
}

/* A scenario name may hold anything YAML can quote; the output directory takes only safe
 * characters, and provenance.yaml must still load when the file's own path holds quotes
 * and backslashes. */
Test(output, odd_scenario_name_and_path_give_a_safe_directory_and_valid_provenance) {
    char file[4300];
    snprintf(file, sizeof file, "%s/odd \"quoted\\\\path.yaml", g_tmp);
    cr_assert_eq(tw_write_text(file, "name: \"a/b \\\"c\\\"\\td\\\\e caf\\u00e9\"\n"
                                     "start: 2025-01-01\nend: 2025-01-03\nreplicates: 1\n"
                                     "firms:\n  per_cell: 10\n"),
                 0);
    const char *args[] = {"run", "odd \"quoted\\\\path.yaml", "--quiet", NULL};
    tw_proc p;
    cr_assert_eq(tw_run_cli(&p, g_tmp, args), 0);
    cr_assert_eq(p.exit_code, 0, "exit %d: %s", p.exit_code, p.err);
    tw_proc_free(&p);
    char prov[4400];
    snprintf(prov, sizeof prov, "%s/out/a_b__c__d_e_caf__/provenance.yaml", g_tmp);
    cr_assert(tw_path_exists(prov), "no %s", prov);
    tw_cfg *cfg = NULL;
    tw_err err;
    cr_assert_eq(tw_cfg_load(prov, &cfg, &err), TW_OK, "provenance.yaml does not load: %s",
                 err.msg);
    const char *got = NULL;
    cr_assert_eq(tw_cfg_string(tw_cfg_root(cfg), "scenario_file", true, NULL, &got, &err), TW_OK);
    cr_assert_str_eq(got, "odd \"quoted\\\\path.yaml");
    cr_assert_eq(tw_cfg_string(tw_cfg_root(cfg), "scenario_name", true, NULL, &got, &err), TW_OK);
    cr_assert_str_eq(got, "a_b__c__d_e_caf__");
    tw_cfg_free(cfg);
}
