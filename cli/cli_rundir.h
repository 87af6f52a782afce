/* cli_rundir.h - an output directory's whole life, for run, sweep and compare, and the
 * protocol that keeps it safe from crashes, failures and a second process.
 *
 * The destination DIR (-o, else out/<name>) is checked before any work, staged beside
 * itself as DIR.partial, filled by the command, and renamed into place when every file is
 * written, so a failed command leaves no output directory behind and an earlier one is
 * replaced (only with --force) in one step. An interrupted batch keeps DIR.partial for
 * `--resume DIR`, which reopens it.
 *
 * One writer per directory. Before it looks at anything, a command takes an exclusive
 * fcntl lock on DIR.lock (beside DIR, holding "pid host" of the holder) and keeps it for
 * its whole life; a second run, resume, sweep or compare on DIR exits 2 naming the
 * holder's pid and host, and --force never touches a directory whose lock is held. The
 * kernel drops the lock of a process that dies, so the lock file of a killed run is stale
 * and the next command on DIR takes it over. Where the kernel shows no lock, the file's
 * "pid host" is still believed (a file system may not share locks between machines): a
 * live tradewar process of that pid on this host, or any pid on another host, is refused
 * by name, the latter with how to clear a stale file. The holder removes DIR.lock as its last step
 * (while still holding it; a process that locked the unlinked file sees that the path no
 * longer names what it locked and tries again).
 *
 * No file is written through a symbolic link: every open for writing refuses one
 * (tw_file_open_write), a resume refuses a link at DIR.partial, scenario.yaml, a .part
 * file or checkpoint.bin, and the commit a link anywhere in DIR.partial. --force replaces
 * only an empty directory or one holding tradewar's provenance.yaml (and an interrupted
 * run's DIR.partial). The probe directory DIR.staging.PID that the checks before any work
 * make and remove, if a kill or a failed removal leaves it, is removed by the next command
 * that holds the lock.
 *
 * Crash consistency: the order of writes, syncs, renames and removals, from an empty
 * parent to a finished DIR (rank 0; every file through tw_afile, which writes a temporary,
 * fsyncs it, renames it into place and fsyncs its directory):
 *
 *   1. DIR.lock locked; DIR.partial created; DIR.partial/command, then scenario.yaml.
 *   2. The batch appends to replicates.csv.part, events.csv.part (trajectories.csv.part);
 *      a checkpoint first fsyncs the .part files, then writes checkpoint.bin (their
 *      lengths and the statistics) through tw_afile.
 *   3. tw_batch_finish: fsync the .part files; write summary.csv and outcomes.csv; rename
 *      each .part file to its final name; fsync DIR.partial; remove checkpoint.bin; fsync
 *      DIR.partial. The checkpoint goes only once the final files are durable.
 *   4. Commit: write provenance.yaml; remove leftover temporaries (*.tmp.<pid> of a
 *      killed writer); with --compress write NAME.gz beside each NAME of summary.csv and
 *      trajectories.csv (and points/<k>/summary.csv), NAME kept; write datapackage.json
 *      (cli_datapackage.h; a NAME with its NAME.gz beside it is described as NAME.gz);
 *      with --force rename an earlier DIR to DIR.old.<pid>; remove command; remove each
 *      NAME whose NAME.gz exists; fsync DIR.partial; rename DIR.partial to DIR; fsync the
 *      parent; remove DIR.old.<pid>; remove DIR.lock. The result hash (provenance.yaml)
 *      is taken before, over the plain files, so --compress leaves it unchanged.
 *
 * So after a crash at any instruction, DIR.partial is in one of these states, and
 * `--resume DIR` takes each to the bytes an uninterrupted run writes:
 *   - no command file yet, or nothing but command and scenario.yaml: nothing to lose;
 *     start again (--force), or resume from zero;
 *   - a checkpoint (with some .part files already renamed by step 3): the renamed files
 *     are renamed back, the .part files cut to the checkpoint's lengths, the rest run;
 *   - no checkpoint and .part files: killed before the first checkpoint, run from zero;
 *   - no checkpoint, no .part files, summary.csv and outcomes.csv present: the batch is
 *     complete; the resume goes straight to the commit;
 *   - provenance.yaml and no command file: only the end of step 4 was left (an earlier
 *     DIR is already aside, every NAME.gz written); the resume writes datapackage.json
 *     again (the same bytes), removes the NAME beside each NAME.gz and renames; it
 *     refuses, keeping everything,
 *     if a DIR appeared meanwhile. An earlier DIR that a killed --force run had moved
 *     aside stays as DIR.old.<pid> for the user to look at or remove;
 *   - DIR.partial without a command file or provenance.yaml: killed before the run
 *     began; nothing to resume: start over with --force.
 * A command that fails (a full disk, an I/O error) behaves the same as one killed there,
 * except that a fresh run which fails before its first checkpoint removes DIR.partial
 * (nothing finished is lost); from the first checkpoint on, DIR.partial is kept and the
 * error ends with the command that finishes it. A checkpoint that cannot be written
 * leaves the one before it in place (tw_afile). A resume never removes DIR.partial on
 * failure or refusal.
 *
 * Every function is called on every MPI rank together; rank 0 alone touches the disk and
 * every rank returns the same status. Not thread-safe.
 */
#ifndef TW_CLI_RUNDIR_H
#define TW_CLI_RUNDIR_H

#include <stdbool.h>
#include <stddef.h>

#include "cli.h"
#include "tw_config.h"

typedef struct tw_cli_rundir tw_cli_rundir;

/* The destination is a->outdir, else out/<default_name> (out/ is made if missing). Take
 * the lock, then: with a->resume, reopen the staging directory an interrupted run left
 * (TW_EUSAGE if none; with a->force as the run recorded it); otherwise check that the
 * destination can be made (refusing an existing one or an interrupted run's without
 * a->force, and paths a commit could not replace: see tw_cli_rundir_check_path) and
 * create the staging directory. *out is owned by the caller (tw_cli_rundir_finish or
 * tw_cli_rundir_close) and is NULL on failure. */
tw_status tw_cli_rundir_open(const tw_cli_args *a, const char *default_name, tw_cli_rundir **out,
                             tw_err *err);
/* Record what a run needs to be resumed and reproduced: the command file (argc/argv of
 * `tradewar run`; not on a resume) and scenario.yaml (cfg resolved; on a resume only if
 * the interrupted run had not written it yet; none when cfg is NULL: compare writes its
 * two sides itself). */
tw_status tw_cli_rundir_record(tw_cli_rundir *rd, int argc, char **argv, const tw_cfg *cfg,
                               tw_err *err);
/* On a resume: whether the batch in the staging directory is already complete (state 4
 * above), and if so *replicates gets its row count. Agreed over ranks. */
tw_status tw_cli_rundir_complete(tw_cli_rundir *rd, bool *complete, size_t *replicates,
                                 tw_err *err);
/* Rank 0: whether the staging directory holds finished work that a failure must not
 * delete: a checkpoint, or a batch whose final files are written (state 4 above). false
 * on other ranks. */
bool tw_cli_rundir_resumable(tw_cli_rundir *rd);
/* The destination (as the user will see it) and the staging directory (rank 0; "" on
 * other ranks); both owned by rd. */
const char *tw_cli_rundir_dir(const tw_cli_rundir *rd);
const char *tw_cli_rundir_staging(const tw_cli_rundir *rd);
/* Path of a file inside the staging directory (owned by rd, valid until the next call). */
const char *tw_cli_rundir_path(tw_cli_rundir *rd, const char *name);
/* End a command that ran (st: its status on this rank, agreed first): on success rank 0
 * commits (step 4 above) and releases the lock; on failure, or when the commit fails, it
 * keeps the staging directory if keep (saying in err how to finish, unless err is a
 * refusal or says it already) and removes it otherwise. Frees rd; NULL is fine (the status is still agreed). */
tw_status tw_cli_rundir_finish(tw_cli_rundir *rd, tw_status st, bool keep, tw_err *err);
/* Free rd and release its lock, removing the staging directory unless keep (an
 * interrupted batch kept for --resume). NULL is fine. */
void tw_cli_rundir_close(tw_cli_rundir *rd, bool keep);

#endif
