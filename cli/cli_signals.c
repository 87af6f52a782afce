/* cli_signals.c - what every command shares with the program's entry: the stop signal a
 * batch polls and the thread count a command uses. main.c installs the handlers; the
 * commands read the flag (cli.h), so no command depends on main.c. */
#define _POSIX_C_SOURCE 200809L
#include <omp.h>
#include <signal.h>
#include <string.h>

#include "cli.h"

/* SIGINT and SIGTERM ask a batch to stop after the chunk in progress. */
volatile sig_atomic_t tw_cli_stop_signal = 0;

static void on_signal(int sig) { tw_cli_stop_signal = sig; }

void tw_cli_install_signals(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

int tw_cli_threads(const tw_cli_args *a) {
    int threads = a->has_threads ? a->threads : omp_get_max_threads();
    if (threads > tw_cli_max_threads()) threads = tw_cli_max_threads();
    return threads;
}
