/* cli_scenario.h - loading a scenario for the tradewar program, and the model registry.
 *
 * A scenario is loaded in one place for every command (run, validate, compare, the points
 * of a sweep, --selfcheck): the YAML with its extends, the --set overrides, the run spec,
 * the sweep: section, the model's parameters, the unknown-key check, then -n and -s.
 * Everything that can be refused is refused here, before any work or any file. The model
 * a scenario runs comes from the registry table in cli_scenario.c (a model joins with one
 * row there; a scenario runs the first).
 *
 * Not thread-safe: call from the main thread.
 */
#ifndef TW_CLI_SCENARIO_H
#define TW_CLI_SCENARIO_H

#include "cli.h"
#include "tw_config.h"
#include "tw_runner.h"
#include "tw_sweep.h"

/* One loaded scenario: its config tree, model, parameters, run spec and name. */
typedef struct {
    tw_cfg *cfg;          /* owned */
    const tw_model *model;
    void *params;         /* owned (model->free_params) */
    tw_run_spec spec;
    char name[256];       /* the `name` key or the file name, safe as a directory name */
    tw_sweep *sweep;      /* the scenario's sweep: section (owned), or NULL */
} tw_cli_scenario;

/* Load path with a's --set overrides and -n/-s on this process alone. On failure *sc
 * is freed (and may be freed again). */
tw_status tw_cli_scenario_load(const tw_cli_args *a, const char *path, tw_cli_scenario *sc,
                               tw_err *err);
/* The same on every rank (each rank reads the files itself); all ranks agree on the
 * outcome. */
tw_status tw_cli_load(const tw_cli_args *a, const char *path, tw_cli_scenario *sc, tw_err *err);
/* Free what sc owns and zero it; a zeroed sc is fine. */
void tw_cli_scenario_free(tw_cli_scenario *sc);

#endif
