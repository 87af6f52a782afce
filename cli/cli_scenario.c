/* cli_scenario.c - loading, overriding and validating a scenario; the model registry.
 *
 * Every command loads through here so that a scenario is refused the same way whichever
 * command reads it, and the model a scenario runs is looked up in one table rather than
 * named in the commands.
 */
#define _POSIX_C_SOURCE 200809L
#include "cli_scenario.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "tw_mpi.h"
#include "tw_trade.h"

/* The model registry: one row per model the program links. */
static const tw_model *const models[] = {
    &tw_trade_model,
};

/* The scenario's name: its `name` key, else the file name without directory and .yaml. */
static tw_status scenario_name(const tw_cfg_node *root, const char *path, char *buf, size_t n,
                               tw_err *err) {
    const char *name = NULL, *desc = NULL;
    tw_status st = tw_cfg_string(root, "name", false, NULL, &name, err);
    if (st == TW_OK) st = tw_cfg_string(root, "description", false, "", &desc, err);
    if (st != TW_OK) return st;
    if (name == NULL) {
        const char *base = strrchr(path, '/');
        base = base ? base + 1 : path;
        size_t len = strlen(base);
        if (len > 5 && strcmp(base + len - 5, ".yaml") == 0) len -= 5;
        else if (len > 4 && strcmp(base + len - 4, ".yml") == 0) len -= 4;
        snprintf(buf, n, "%.*s", (int)len, base);
    } else {
        snprintf(buf, n, "%s", name);
    }
    /* The name becomes a directory name and a quoted string in provenance.yaml: keep it
     * to characters that are safe in both, whatever the scenario wrote. */
    for (char *c = buf; *c; c++)
        if (!isalnum((unsigned char)*c) && *c != '.' && *c != '_' && *c != '-' && *c != '+')
            *c = '_';
    if (buf[0] == '\0' || strcmp(buf, ".") == 0 || strcmp(buf, "..") == 0)
        return tw_cfg_error(err, tw_cfg_get(root, "name"), "expected a usable scenario name");
    return TW_OK;
}

void tw_cli_scenario_free(tw_cli_scenario *sc) {
    if (sc->model != NULL && sc->params != NULL) sc->model->free_params(sc->params);
    tw_sweep_free(sc->sweep);
    tw_cfg_free(sc->cfg);
    memset(sc, 0, sizeof *sc);
}

/* Load, override, validate: everything that can be refused before any work. */
static tw_status scenario_load(const tw_cli_args *a, const char *path, tw_cli_scenario *sc,
                               tw_err *err) {
    memset(sc, 0, sizeof *sc);
    tw_status st = tw_cfg_load(path, &sc->cfg, err);
    for (int i = 0; i < a->n_sets && st == TW_OK; i++) st = tw_cfg_set(sc->cfg, a->sets[i], err);
    if (st != TW_OK) return st;
    const tw_cfg_node *root = tw_cfg_root(sc->cfg);
    if ((st = scenario_name(root, path, sc->name, sizeof sc->name, err)) != TW_OK) return st;
    if ((st = tw_run_spec_load(root, &sc->spec, err)) != TW_OK) return st;
    if ((st = tw_sweep_load(root, sc->spec.seed, &sc->sweep, err)) != TW_OK) return st;
    sc->model = models[0];
    if ((st = sc->model->load(root, &sc->params, err)) != TW_OK) return st;
    if ((st = tw_cfg_check_unused(sc->cfg, err)) != TW_OK) return st;
    /* A child list that replaces inherited entries: said on every command that loads a
     * scenario it accepts (a refusal stays one line), unless --silent. */
    for (size_t i = 0; tw_mpi_rank() == 0 && !a->silent && tw_cfg_warning(sc->cfg, i) != NULL;
         i++)
        fprintf(stderr, "tradewar: warning: %s\n", tw_cfg_warning(sc->cfg, i));
    if (a->has_replicates) sc->spec.replicates = a->replicates;
    if (a->has_seed) sc->spec.seed = (uint32_t)a->seed;
    return TW_OK;
}

tw_status tw_cli_scenario_load(const tw_cli_args *a, const char *path, tw_cli_scenario *sc,
                               tw_err *err) {
    tw_status st = scenario_load(a, path, sc, err);
    if (st != TW_OK) tw_cli_scenario_free(sc);
    return st;
}

tw_status tw_cli_load(const tw_cli_args *a, const char *path, tw_cli_scenario *sc, tw_err *err) {
    tw_status st = tw_mpi_agree(scenario_load(a, path, sc, err), err);
    if (st != TW_OK) tw_cli_scenario_free(sc);
    return st;
}
