/* test_malformed.c - the malformed-scenario corpus, run through the real program.
 *
 * tests/malformed/ holds one file per way a scenario can be broken (YAML syntax, types,
 * NaN and infinities, huge and negative numbers, dates that do not exist, unknown and
 * duplicate keys, nesting, aliases and tags, extends chains, bytes that are not text), and
 * tests/malformed/expected.tsv says, for each, where the error is, which key it names and
 * what it says. Every file is run twice, as `tradewar validate FILE` and as `tradewar run
 * FILE -o DIR`, and each time must give:
 *   - exit status 2 and nothing on stdout;
 *   - exactly one line on stderr, "tradewar: <where>: <key>: <expected>";
 *   - no output directory, and nothing else (no staging or temporary files) beside it.
 * The table and the directory must list the same files, so the corpus cannot grow a case
 * that nobody checks. A few cases that cannot be files in the tree (a missing file, a
 * directory, a document larger than the loader accepts, an enormous one under the limit)
 * are made in a temporary directory by the tests at the end.
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tw_config.h"
#include "tw_test_support.h"
#include "tw_test_tmpdir.h"

#define CORPUS "tests/malformed"

typedef struct {
    char file[128];
    char where[160]; /* file:line:col, the file included */
    char key[512];   /* "" when the message names no key */
    char expected[512];
} tw_case;


/* Split one row of expected.tsv into its four tab-separated columns. */
static void parse_row(char *line, tw_case *c) {
    char *col[4];
    int n = 0;
    for (char *p = line; n < 4; n++) {
        col[n] = p;
        char *tab = strchr(p, '\t');
        if (tab == NULL) {
            n++;
            break;
        }
        *tab = '\0';
        p = tab + 1;
    }
    cr_assert_eq(n, 4, "expected.tsv: row '%s' does not have four columns", line);
    snprintf(c->file, sizeof c->file, "%s", col[0]);
    /* A bare line:col is in the file itself; otherwise the column names the file. */
    if (col[1][0] >= '0' && col[1][0] <= '9')
        snprintf(c->where, sizeof c->where, "%s:%s", col[0], col[1]);
    else
        snprintf(c->where, sizeof c->where, "%s", col[1]);
    snprintf(c->key, sizeof c->key, "%s", strcmp(col[2], "-") == 0 ? "" : col[2]);
    snprintf(c->expected, sizeof c->expected, "%s", col[3]);
}

/* All rows of expected.tsv (comments and blank lines skipped); *n their count. */
static tw_case *load_table(size_t *n) {
    char *text = tw_slurp(tw_src(CORPUS "/expected.tsv"), NULL);
    cr_assert_not_null(text, "cannot read " CORPUS "/expected.tsv");
    size_t cap = 16, k = 0;
    tw_case *cases = malloc(cap * sizeof *cases);
    cr_assert_not_null(cases);
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        if (line[0] == '#' || line[0] == '\0') continue;
        if (k == cap) {
            cap *= 2;
            cases = realloc(cases, cap * sizeof *cases);
            cr_assert_not_null(cases);
        }
        parse_row(line, &cases[k++]);
    }
    free(text);
    *n = k;
    return cases;
}

/* The single stderr line a refusal must be, for the case c. */
static void wanted_line(const tw_case *c, char *buf, size_t size) {
    if (c->key[0] != '\0')
        snprintf(buf, size, "tradewar: %s: %s: %s", c->where, c->key, c->expected);
    else
        snprintf(buf, size, "tradewar: %s: %s", c->where, c->expected);
}

/* Exit 2, no stdout, one stderr line that starts with want. */
static void assert_refused(const tw_proc *p, const char *what, const char *want) {
    cr_assert_eq(p->exit_code, 2, "%s: exit %d, expected 2\nstderr: %s", what, p->exit_code,
                 p->err);
    cr_assert_str_empty(p->out, "%s: wrote to stdout: %s", what, p->out);
    size_t len = strlen(p->err);
    cr_assert(len > 0 && p->err[len - 1] == '\n' && tw_count_lines(p->err) == 1,
              "%s: stderr is not exactly one line: %s", what, p->err);
    cr_assert(strncmp(p->err, want, strlen(want)) == 0, "%s:\n  stderr: %s  expected: %s\n",
              what, p->err, want);
}

/* The entries of dir, other than . and .. */
static size_t count_entries(const char *dir) {
    DIR *d = opendir(dir);
    cr_assert_not_null(d, "cannot open %s", dir);
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) n++;
    closedir(d);
    return n;
}

/* validate and run -o on one scenario, run from directory cwd (so that the path in the
 * message is the one given); both must be refused with want and leave g_tmp empty. */
static void check_both(const char *cwd, const char *scenario, const char *want) {
    char what[512], out[4200];
    const char *validate[] = {"validate", scenario, NULL};
    tw_proc p;
    cr_assert_eq(tw_run_cli(&p, cwd, validate), 0, "cannot start %s", TW_BINARY);
    snprintf(what, sizeof what, "validate %s", scenario);
    assert_refused(&p, what, want);
    tw_proc_free(&p);

    snprintf(out, sizeof out, "%s/out", g_tmp);
    const char *run[] = {"run", scenario, "-n", "1", "-t", "1", "-o", out, "--quiet", NULL};
    cr_assert_eq(tw_run_cli(&p, cwd, run), 0, "cannot start %s", TW_BINARY);
    snprintf(what, sizeof what, "run %s -o DIR", scenario);
    assert_refused(&p, what, want);
    tw_proc_free(&p);
    cr_assert(!tw_path_exists(out), "run %s: the output directory was created", scenario);
    cr_assert_eq(count_entries(g_tmp), 0, "run %s: left files beside the output directory",
                 scenario);
}

TestSuite(malformed, .init = tmp_setup, .fini = tmp_teardown);

Test(malformed, every_file_of_the_corpus_is_refused_with_its_line, .timeout = 600) {
    size_t n;
    tw_case *cases = load_table(&n);
    char corpus[4200], want[1200];
    snprintf(corpus, sizeof corpus, "%s", tw_src(CORPUS));
    for (size_t i = 0; i < n; i++) {
        wanted_line(&cases[i], want, sizeof want);
        check_both(corpus, cases[i].file, want);
    }
    free(cases);
}

/* The table and the directory name the same files. */
Test(malformed, table_lists_every_file_of_the_corpus_once) {
    size_t n;
    tw_case *cases = load_table(&n);
    cr_assert_geq(n, 100, "the corpus has %zu cases", n);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < i; j++)
            cr_assert_str_neq(cases[i].file, cases[j].file, "%s is listed twice", cases[i].file);
        char path[4300];
        snprintf(path, sizeof path, "%s/%s", tw_src(CORPUS), cases[i].file);
        struct stat sb;
        cr_assert(stat(path, &sb) == 0 && S_ISREG(sb.st_mode), "%s is listed but missing",
                  cases[i].file);
    }
    DIR *d = opendir(tw_src(CORPUS));
    cr_assert_not_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 5, ".yaml") != 0) continue;
        bool listed = false;
        for (size_t i = 0; i < n && !listed; i++) listed = strcmp(cases[i].file, e->d_name) == 0;
        cr_assert(listed, "%s has no row in expected.tsv", e->d_name);
    }
    closedir(d);
    free(cases);
}

/* ---------------------------------------------------------------------------------- */
/* Cases made at test time                                                             */
/* ---------------------------------------------------------------------------------- */

/* A scenario in a sibling directory of g_tmp's "out", so that g_tmp holds only it. */
static char g_in[4200];

static void in_setup(void) {
    tmp_setup();
    snprintf(g_in, sizeof g_in, "%s.in", g_tmp);
    cr_assert_eq(mkdir(g_in, 0777), 0, "cannot create %s", g_in);
}

static void in_teardown(void) {
    tw_rmtree(g_in);
    tmp_teardown();
}

TestSuite(made, .init = in_setup, .fini = in_teardown);

Test(made, missing_file_is_named) {
    check_both(g_in, "no_such_scenario.yaml",
               "tradewar: no_such_scenario.yaml: cannot open: No such file or directory");
}

Test(made, directory_given_as_scenario_cannot_be_read) {
    char dir[4300];
    snprintf(dir, sizeof dir, "%s/dir.yaml", g_in);
    cr_assert_eq(mkdir(dir, 0777), 0);
    check_both(g_in, "dir.yaml", "tradewar: dir.yaml: cannot read: Is a directory");
}

/* Write g_in/<name>: the header, then `lines` numbered lines of body (a printf format
 * taking the line number twice) until at least min_bytes are written. */
static void write_generated(const char *name, const char *header, const char *body,
                            long lines, long min_bytes) {
    char path[4300];
    snprintf(path, sizeof path, "%s/%s", g_in, name);
    FILE *fp = fopen(path, "wb");
    cr_assert_not_null(fp, "cannot create %s", path);
    long written = fprintf(fp, "%s", header);
    for (long k = 0; k < lines || written < min_bytes; k++) written += fprintf(fp, body, k, k);
    cr_assert_eq(fclose(fp), 0, "cannot write %s", path);
}

/* One byte more than the loader reads: refused before it is parsed. */
Test(made, document_over_the_size_limit_is_refused, .timeout = 120) {
    write_generated("big.yaml", "start: 2025-01-01\nend: 2025-01-31\nnotes: |\n",
                    "  line %08ld of a long note, %08ld\n", 0, (long)TW_CFG_MAX_FILE_BYTES + 1);
    char want[256];
    snprintf(want, sizeof want, "tradewar: big.yaml: file is larger than %u bytes",
             (unsigned)TW_CFG_MAX_FILE_BYTES);
    check_both(g_in, "big.yaml", want);
}

/* An enormous document under the limit (100,000 keys in the firms map) parses, and the first
 * key that nothing reads is named with its line. */
Test(made, enormous_document_is_refused_at_its_first_unknown_key, .timeout = 300) {
    write_generated("wide.yaml", "start: 2025-01-01\nend: 2025-01-31\nfirms:\n",
                    "  key%06ld: %ld\n", 100000, 0);
    check_both(g_in, "wide.yaml",
               "tradewar: wide.yaml:4:3: firms.key000000: unknown key (not used by this model)");
}
