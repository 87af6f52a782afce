/* main.c - the tradewar program.
 *
 * Reads like a script of phases: start MPI, parse the command line (or rebuild it from an
 * interrupted run with --resume), install the signal handlers, dispatch to the command,
 * check standard output, finish MPI, print the error and choose the exit code. Only this
 * file prints errors and chooses exit codes (tw_exit_code: 0 success, 2 bad usage or
 * input, 1 runtime failure); it defines nothing the commands use (the stop signal and the
 * thread count are cli_signals.c's). Under MPI every rank runs these phases together and only
 * rank 0 prints. The commands are listed in cli.h (TW_CLI_COMMANDS) and live in their
 * files: cli_run.c (run, sweeps, --selfcheck through cli_batch.c), cli_validate.c,
 * cli_compare.c and cli_score.c; the pieces under them in cli_scenario.c, cli_rundir.c,
 * cli_resume.c and cli_provenance.c.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_resume.h"
#include "cli_score.h"
#include "tw_mpi.h"

static tw_status dispatch(const tw_cli_args *a, int argc, char **argv, tw_err *err) {
#define ENTRY(id, name, entry, own, usage) [TW_CMD_##id] = entry,
    static const tw_cli_entry entries[] = {TW_CLI_COMMANDS(ENTRY)};
#undef ENTRY
    switch (a->cmd) {
    case TW_CMD_HELP:
        if (tw_mpi_rank() == 0) {
            tw_cli_print_help(stdout);
            fputc('\n', stdout);
            tw_cli_score_help(stdout);
        }
        return TW_OK;
    case TW_CMD_VERSION:
        if (tw_mpi_rank() == 0) tw_cli_print_version(stdout);
        return TW_OK;
    case TW_CMD_NONE: return TW_OK;
    default: return entries[a->cmd](a, argc, argv, err);
    }
}

int main(int argc, char **argv) {
    tw_cli_args args;
    tw_cli_resumed resumed = {0};
    tw_err err;
    tw_err_clear(&err);
    tw_status st = tw_mpi_init(&argc, &argv, &err);
    if (st == TW_OK) st = tw_cli_parse(argc, argv, &args, &err);
    const tw_cli_args *a = &args;
    if (st == TW_OK && args.cmd == TW_CMD_RUN && args.resume != NULL) {
        st = tw_cli_resume_args(&args, &resumed, &err);
        a = &resumed.args;
    }
    if (st == TW_OK) {
        tw_cli_install_signals();
        st = dispatch(a, argc, argv, &err);
    }
    tw_cli_resume_free(&resumed);
    /* A summary table that could not be written (a full disk, a closed pipe) is a failure
     * too, not a silent exit 0; the output files, written and renamed before, stay. */
    if (st == TW_OK && (fflush(stdout) != 0 || ferror(stdout)))
        st = tw_err_set(&err, TW_EIO, "standard output: write failed: %s", strerror(errno));
    fflush(stdout);
    bool rank0 = tw_mpi_rank() == 0;
    tw_status fst = tw_mpi_finalize(st == TW_OK ? &err : NULL);
    if (st == TW_OK) st = fst;
    if (st != TW_OK && rank0)
        fprintf(stderr, "tradewar: %s\n", err.msg[0] ? err.msg : tw_strerror(st));
    return st != TW_OK ? tw_exit_code(st) : 0;
}
