/* cli_score.h - `tradewar score OUTDIR OBSERVED.csv`: a finished run held against observed
 * data (CRPS, interval coverage, PIT and errors of the median, per series and overall;
 * Brier, ranked probability and log scores of event outcomes of the whole run).
 *
 * Runs in one process on the calling thread; not for use under an MPI launcher with more
 * than one rank. Only main() prints the returned error.
 */
#ifndef TW_CLI_SCORE_H
#define TW_CLI_SCORE_H

#include <stdio.h>

#include "tw_error.h"

/* The whole sub-command, tw_cli_score (declared in cli.h's command list): argv[1] is
 * "score" and it parses its own options. Returns TW_OK whatever the scores, TW_EUSAGE or
 * TW_EDATA (exit 2) on bad usage or input, with nothing written, and TW_EIO /
 * TW_ERUNTIME (exit 1) when writing, --rerun or --report fails. */

/* The sub-command's usage and options, for `tradewar --help` and `tradewar score --help`. */
void tw_cli_score_help(FILE *fp);

#endif
