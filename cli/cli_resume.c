/* cli_resume.c - the command file of a run and the arguments of --resume.
 *
 * Keeping the interrupted run's own command line, rather than asking the user to repeat
 * it, means a resume cannot run a different scenario or options into the same batch by
 * mistake; the checkpoint then checks the scenario's hash, seed and count.
 */
#define _POSIX_C_SOURCE 200809L
#include "cli_resume.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tw_file.h"
#include "tw_output.h"

/* A batch's command file holds its working directory and arguments: far less than this. */
#define COMMAND_MAX_BYTES ((size_t)1 << 20)
/* The first argument of a comparison's command file, which no run's can hold (run
 * refuses it as an unknown option): the arguments after it are compare's. */
#define COMPARE "--command=compare"

tw_status tw_cli_resume_write_command(const char *path, int argc, char **argv, tw_err *err) {
    tw_afile *f;
    tw_status st = tw_afile_open(path, &f, err);
    if (st != TW_OK) return st;
    FILE *fp = tw_afile_fp(f);
    char cwd[4096];
    if (getcwd(cwd, sizeof cwd) == NULL) snprintf(cwd, sizeof cwd, ".");
    fwrite(cwd, 1, strlen(cwd) + 1, fp);
    if (argc > 1 && strcmp(argv[1], "compare") == 0) fwrite(COMPARE, 1, sizeof COMPARE, fp);
    for (int i = 2; i < argc; i++) fwrite(argv[i], 1, strlen(argv[i]) + 1, fp);
    return tw_afile_commit(f, err);
}

void tw_cli_resume_free(tw_cli_resumed *r) {
    free(r->buf);
    free(r->argv);
    free(r->scenario);
    free(r->scenario_b);
    memset(r, 0, sizeof *r);
}

tw_status tw_cli_resume_args(const tw_cli_args *now, tw_cli_resumed *r, tw_err *err) {
    memset(r, 0, sizeof *r);
    tw_cli_args *a = &r->args;
    char path[8192];
    size_t dl = strlen(now->resume);
    while (dl > 1 && now->resume[dl - 1] == '/') dl--;
    snprintf(path, sizeof path, "%.*s.partial/command", (int)dl, now->resume);
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        int e = errno;
        struct stat sb;
        snprintf(path, sizeof path, "%.*s.partial/provenance.yaml", (int)dl, now->resume);
        if (e == ENOENT && stat(path, &sb) == 0) {
            /* Only the commit's renames were left (cli_rundir.h): no scenario to run. */
            a->cmd = TW_CMD_RUN;
            a->outdir = a->resume = now->resume;
            a->quiet = now->quiet;
            a->silent = now->silent;
            return TW_OK;
        }
        snprintf(path, sizeof path, "%.*s.partial", (int)dl, now->resume);
        if (e == ENOENT && stat(path, &sb) == 0)
            return tw_err_set(err, TW_EUSAGE,
                              "--resume %s: no interrupted run here (%s/command is missing: the "
                              "run stopped before it began); start over with --force",
                              now->resume, path);
        snprintf(path, sizeof path, "%.*s", (int)dl, now->resume);
        if (e == ENOENT && stat(path, &sb) == 0)
            return tw_err_set(err, TW_EUSAGE, "--resume %s: the run is already complete",
                              now->resume);
        if (e != ENOENT)
            return tw_err_set(err, TW_EUSAGE, "--resume %s: %s.partial/command: %s", now->resume,
                              path, strerror(e));
        return tw_err_set(err, TW_EUSAGE,
                          "--resume %s: no interrupted run here (%s.partial/command is missing)",
                          now->resume, path);
    }
    size_t len;
    tw_read_status rs = tw_read_all(fp, COMMAND_MAX_BYTES, &r->buf, &len);
    fclose(fp);
    if (rs == TW_READ_NOMEM) return tw_err_set(err, TW_ENOMEM, "out of memory");
    if (rs != TW_READ_OK)
        return tw_err_set(err, TW_EUSAGE, "%s: cannot read a tradewar command file", path);
    char *b = r->buf;
    int n = 0;
    for (size_t i = 0; i < len; i++) n += b[i] == '\0';
    r->argv = calloc((size_t)n + 3, sizeof *r->argv);
    if (r->argv == NULL || n < 1 || b[len - 1] != '\0') {
        tw_cli_resume_free(r);
        return tw_err_set(err, TW_EUSAGE, "%s: not a tradewar command file", path);
    }
    const char *cwd = b;
    int argc = 0;
    size_t i = strlen(b) + 1;
    bool compare = i < len && strcmp(b + i, COMPARE) == 0;
    if (compare) i += sizeof COMPARE;
    r->argv[argc++] = "tradewar";
    r->argv[argc++] = compare ? "compare" : "run";
    for (; i < len; i += strlen(b + i) + 1) r->argv[argc++] = b + i;
    tw_status st = tw_cli_parse(argc, r->argv, a, err);
    /* The file is ours, but it is read back from disk: take only what a fresh run could
     * have recorded. */
    if (st == TW_OK && (a->cmd != (compare ? TW_CMD_COMPARE : TW_CMD_RUN) ||
                        a->scenario == NULL || a->resume != NULL || a->selfcheck ||
                        cwd[0] != '/'))
        st = tw_err_set(err, TW_EUSAGE, "%s: not a command file of a tradewar run", path);
    else if (st != TW_OK) {
        char why[TW_ERR_MSG_MAX];
        snprintf(why, sizeof why, "%s", err->msg);
        st = tw_err_set(err, TW_EUSAGE, "%s: not a command file of a tradewar run (%s)", path, why);
    }
    /* A relative scenario path is relative to where the batch was started. */
    const char **paths[2] = {&a->scenario, &a->scenario_b};
    char **owned[2] = {&r->scenario, &r->scenario_b};
    for (int k = 0; k < 2 && st == TW_OK; k++) {
        if (*paths[k] == NULL || (*paths[k])[0] == '/') continue;
        size_t sl = strlen(cwd) + strlen(*paths[k]) + 2;
        if ((*owned[k] = malloc(sl)) == NULL)
            st = tw_err_set(err, TW_ENOMEM, "out of memory");
        else
            snprintf(*owned[k], sl, "%s/%s", cwd, *paths[k]);
        *paths[k] = *owned[k];
    }
    if (st != TW_OK) {
        tw_cli_resume_free(r);
        return st;
    }
    /* -o becomes DIR (the directory may have moved); --force stays as recorded, so the
     * commit replaces a DIR that appeared meanwhile only if the run was told it may. */
    a->outdir = now->resume;
    a->resume = now->resume;
    a->quiet = now->quiet;
    a->silent = now->silent;
    a->report = now->report;
    if (now->has_threads) {
        a->threads = now->threads;
        a->has_threads = true;
    }
    if (now->has_checkpoint) {
        a->checkpoint_every = now->checkpoint_every;
        a->has_checkpoint = true;
    }
    return TW_OK;
}
