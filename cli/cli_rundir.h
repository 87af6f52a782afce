/* cli_rundir.h - an output directory's whole life, for run, sweep and compare.
 *
 * The destination DIR (-o, else out/<name>) is checked before any work, staged beside
 * itself as DIR.partial, filled by the command, and renamed into place when every file is
 * written, so a failed command leaves no output directory behind and an earlier one is
 * replaced (only with --force) in one step. An interrupted batch keeps DIR.partial for
 * `--resume DIR`, which reopens it.
 *
 * Every function is called on every MPI rank together; rank 0 alone touches the disk and
 * every rank returns the same status. Not thread-safe.
 */
#ifndef TW_CLI_RUNDIR_H
#define TW_CLI_RUNDIR_H

#include <stdbool.h>

#include "cli.h"
#include "tw_config.h"

typedef struct tw_cli_rundir tw_cli_rundir;

/* The destination is a->outdir, else out/<default_name> (out/ is made if missing). With
 * a->resume, reopen the staging directory an interrupted run left (TW_EUSAGE if none);
 * otherwise check that the destination can be made (refusing an existing one or an
 * interrupted run's without a->force) and create the staging directory. *out is owned by
 * the caller (tw_cli_rundir_commit or tw_cli_rundir_close) and is NULL on failure. */
tw_status tw_cli_rundir_open(const tw_cli_args *a, const char *default_name, tw_cli_rundir **out,
                             tw_err *err);
/* Record what a fresh run needs to be resumed and reproduced: the command file (argc/argv
 * of `tradewar run`) and scenario.yaml (cfg resolved). */
tw_status tw_cli_rundir_record(tw_cli_rundir *rd, int argc, char **argv, const tw_cfg *cfg,
                               tw_err *err);
/* The destination (as the user will see it) and the staging directory (rank 0; "" on
 * other ranks); both owned by rd. */
const char *tw_cli_rundir_dir(const tw_cli_rundir *rd);
const char *tw_cli_rundir_staging(const tw_cli_rundir *rd);
/* Path of a file inside the staging directory (owned by rd, valid until the next call). */
const char *tw_cli_rundir_path(tw_cli_rundir *rd, const char *name);
/* End a command that ran (st: its status on this rank, agreed first): on success rank 0
 * removes the command file if one was recorded and moves the staging directory into
 * place, replacing an existing destination only if the run was given --force; on any
 * failure it removes the staging directory. Frees rd; NULL is fine (the status is still
 * agreed). */
tw_status tw_cli_rundir_finish(tw_cli_rundir *rd, tw_status st, tw_err *err);
/* Free rd, removing the staging directory unless keep (an interrupted batch kept for
 * --resume). NULL is fine. */
void tw_cli_rundir_close(tw_cli_rundir *rd, bool keep);

#endif
