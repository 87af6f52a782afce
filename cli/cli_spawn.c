/* cli_spawn.c - running a helper program (analysis/report.py, score's re-run) and waiting
 * for it: one fork/exec/wait, so every command that hands work to another program reports
 * a failure to start, a failure to run and a non-zero exit the same way.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

tw_status tw_cli_spawn(char *const argv[], const char *what, tw_err *err) {
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        return tw_err_set(err, TW_ERUNTIME, "%s: cannot start %s: %s", what, argv[0],
                          strerror(errno));
    if (pid == 0) {
        execv(argv[0], argv);
        fprintf(stderr, "tradewar: %s: cannot run %s: %s\n", what, argv[0], strerror(errno));
        _exit(127);
    }
    int status;
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return tw_err_set(err, TW_ERUNTIME, "%s failed", what);
    return TW_OK;
}
