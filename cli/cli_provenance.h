/* cli_provenance.h - what produced an output directory: provenance.yaml and the resolved
 * scenario.yaml.
 *
 * Both are written through tw_afile (complete or absent) into the staging directory by
 * rank 0. Not thread-safe.
 */
#ifndef TW_CLI_PROVENANCE_H
#define TW_CLI_PROVENANCE_H

#include <stddef.h>
#include <stdint.h>

#include "cli_scenario.h"

/* What a finished batch or sweep records beside its outputs. */
typedef struct {
    size_t replicates;    /* replicates in the outputs */
    int threads;          /* of the run that finished the batch */
    tw_par_mode mode;     /* the parallelism used */
    uint64_t result_hash; /* FNV-1a 64 over the result files */
} tw_cli_result;

/* provenance.yaml at path: program, build, model, the command line (a->argv) and its
 * working directory, scenario (file, name, hash of the resolved tree), dates, seed, the
 * result's counts and hash, and the --until rule with its budget (until: null without).
 * scenario_file as given on the command line (a's scenario). */
tw_status tw_cli_write_provenance(const char *path, const tw_cli_scenario *sc,
                                  const tw_cli_args *a, const tw_cli_result *r, tw_err *err);
/* provenance.yaml of `compare` at path: the same head, kind: compare, name (the
 * directory's default name), then each side's file, name and hash, the common dates,
 * seed and counts. */
tw_status tw_cli_write_compare_provenance(const char *path, const char *name,
                                          const tw_cli_scenario *A, const tw_cli_scenario *B,
                                          const tw_cli_args *a, const tw_cli_result *r,
                                          tw_err *err);
/* provenance.yaml of `hindcast` at path: the same head, kind: hindcast, the base scenario
 * and the decisions table it ran from, the base seed, the replicates of each decision and
 * the hash of hindcast.csv. */
tw_status tw_cli_write_hindcast_provenance(const char *path, const char *model,
                                           const tw_cli_args *a, const char *base,
                                           const char *decisions, const tw_cli_result *r,
                                           uint32_t seed, tw_err *err);
/* scenario.yaml at path: the scenario as run, after extends and --set overrides. */
tw_status tw_cli_write_scenario(const char *path, const tw_cfg *cfg, tw_err *err);
/* A resume's check of the scenario.yaml an interrupted run wrote: TW_OK if path holds
 * exactly what tw_cli_write_scenario writes for cfg; TW_EUSAGE naming path otherwise (an
 * edited, damaged or missing file, or a symbolic link), so an edited file is never carried
 * into the output. */
tw_status tw_cli_check_scenario(const char *path, const tw_cfg *cfg, tw_err *err);

#endif
