/* tw_test_support.c - process, file and CSV helpers for the tests. */
#define _POSIX_C_SOURCE 200809L
#include "tw_test_support.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

char *tw_slurp(const char *path, size_t *len) {
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf != NULL && (got = fread(buf + n, 1, cap - n - 1, fp)) > 0) {
        n += got;
        if (cap - n - 1 == 0) {
            char *nb = realloc(buf, cap * 2);
            if (nb == NULL) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    fclose(fp);
    if (buf == NULL) return NULL;
    buf[n] = '\0';
    if (len != NULL) *len = n;
    return buf;
}

int tw_write_text(const char *path, const char *text) {
    FILE *fp = fopen(path, "wb");
    if (fp == NULL) return -1;
    size_t n = strlen(text);
    int bad = fwrite(text, 1, n, fp) != n;
    if (fclose(fp) != 0) bad = 1;
    return bad ? -1 : 0;
}

/* The program under test: TW_BINARY, unless $TW_TEST_BINARY names another build of it
 * (tools/test runs the end-to-end tests against the ThreadSanitizer build this way, since
 * Criterion itself cannot start under ThreadSanitizer). */
static const char *test_support_binary(void) {
    const char *b = getenv("TW_TEST_BINARY");
    return (b != NULL && b[0] != '\0') ? b : TW_BINARY;
}

/* "DIR/name" in the scratch folder: $TMPDIR where set (tests/CMakeLists.txt points it at
 * a memory file system where there is one: the runs' syncs then cost nothing), else /tmp. */
static void test_support_scratch(char *buf, size_t n, const char *name) {
    const char *d = getenv("TMPDIR");
    snprintf(buf, n, "%s/%s", (d != NULL && d[0] != '\0') ? d : "/tmp", name);
}

int tw_run_cli(tw_proc *p, const char *cwd, const char *const *args) {
    memset(p, 0, sizeof *p);
    const char *binary = test_support_binary();
    char out_path[4096], err_path[4096];
    test_support_scratch(out_path, sizeof out_path, "tw_test_out_XXXXXX");
    test_support_scratch(err_path, sizeof err_path, "tw_test_err_XXXXXX");
    int fo = mkstemp(out_path), fe = mkstemp(err_path);
    if (fo < 0 || fe < 0) return -1;
    size_t n = 0;
    while (args[n] != NULL) n++;
    char **argv = calloc(n + 2, sizeof *argv);
    if (argv == NULL) return -1;
    argv[0] = (char *)binary;
    for (size_t i = 0; i < n; i++) argv[i + 1] = (char *)args[i];
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        if (cwd != NULL && chdir(cwd) != 0) _exit(127);
        dup2(fo, 1);
        dup2(fe, 2);
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0) dup2(devnull, 0);
        execv(binary, argv);
        _exit(127);
    }
    free(argv);
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) < 0) return -1;
    close(fo);
    close(fe);
    p->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    p->out = tw_slurp(out_path, NULL);
    p->err = tw_slurp(err_path, NULL);
    unlink(out_path);
    unlink(err_path);
    if (p->out == NULL) p->out = calloc(1, 1);
    if (p->err == NULL) p->err = calloc(1, 1);
    return 0;
}

void tw_proc_free(tw_proc *p) {
    free(p->out);
    free(p->err);
    p->out = p->err = NULL;
}

char *tw_tmpdir(void) {
    char *t = malloc(4096);
    if (t == NULL) return NULL;
    test_support_scratch(t, 4096, "tw_test_XXXXXX");
    if (mkdtemp(t) == NULL) {
        free(t);
        return NULL;
    }
    return t;
}

void tw_rmtree(const char *dir) {
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "rm -rf %s failed\n", dir);
}

bool tw_path_exists(const char *path) {
    struct stat sb;
    return stat(path, &sb) == 0;
}

bool tw_files_equal(const char *a, const char *b) {
    size_t na, nb;
    char *x = tw_slurp(a, &na), *y = tw_slurp(b, &nb);
    bool eq = x != NULL && y != NULL && na == nb && memcmp(x, y, na) == 0;
    free(x);
    free(y);
    return eq;
}

const char *tw_src(const char *rel) {
    static _Thread_local char buf[8][4096];
    static _Thread_local int k = 0;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s/%s", TW_SOURCE_DIR, rel);
    return buf[k];
}

size_t tw_count_lines(const char *text) {
    size_t n = 0;
    for (const char *c = text; *c; c++)
        if (*c == '\n') n++;
    return n;
}

bool tw_summary_value(const char *csv, const char *date, const char *indicator,
                      const char *region, const char *partner, const char *sector,
                      const char *col, double *out) {
    static const char *const cols[] = {"mean", "sd", "p05", "p50", "p95"};
    int ci = -1;
    for (int i = 0; i < 5; i++)
        if (strcmp(cols[i], col) == 0) ci = i;
    if (ci < 0) return false;
    char key[512];
    int kl = snprintf(key, sizeof key, "\n%s,%s,%s,%s,%s,", date, indicator, region, partner, sector);
    const char *row = strstr(csv, key);
    if (row == NULL) return false;
    const char *f = row + kl;
    for (int i = 0; i < ci; i++) {
        f = strchr(f, ',');
        if (f == NULL) return false;
        f++;
    }
    *out = strtod(f, NULL);
    return true;
}

static char *scratch;

bool tw_scratch_open(void) {
    scratch = tw_tmpdir();
    return scratch != NULL;
}

const char *tw_scratch_path(const char *name) {
    static char buf[8][4200];
    static int k = 0;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s/%s", scratch != NULL ? scratch : "/nonexistent",
             name);
    return buf[k];
}

void tw_scratch_close(void) {
    if (scratch != NULL) tw_rmtree(scratch);
    free(scratch);
    scratch = NULL;
}
