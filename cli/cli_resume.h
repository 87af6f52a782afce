/* cli_resume.h - the command file an interrupted run leaves, and --resume DIR.
 *
 * A run records its working directory and its arguments after "run" in
 * DIR.partial/command, each NUL-terminated; a comparison records "--command=compare"
 * before its arguments after "compare". `tradewar run --resume DIR` reads them back
 * and runs them again (a run or a sweep as run, a comparison as compare), with only the
 * thread count, the checkpoint interval, --quiet and --report taken from the new command
 * line. Not thread-safe.
 */
#ifndef TW_CLI_RESUME_H
#define TW_CLI_RESUME_H

#include "cli.h"

/* The arguments of an interrupted run. args points into buf, argv and scenario, which
 * this struct owns (tw_cli_resume_free). */
typedef struct {
    tw_cli_args args;
    char *buf;      /* the command file's bytes */
    char **argv;    /* the rebuilt command line */
    char *scenario; /* the scenario path, made absolute against the recorded directory */
    char *scenario_b; /* compare's second scenario, the same way (NULL: none or absolute) */
} tw_cli_resumed;

/* Write path (a command file) for the command line argc/argv of `tradewar run`. */
tw_status tw_cli_resume_write_command(const char *path, int argc, char **argv, tw_err *err);
/* --resume DIR (now->resume): rebuild the interrupted run's arguments into *r. On failure
 * *r holds nothing. */
tw_status tw_cli_resume_args(const tw_cli_args *now, tw_cli_resumed *r, tw_err *err);
/* Free what r owns; a zeroed r is fine. */
void tw_cli_resume_free(tw_cli_resumed *r);

#endif
