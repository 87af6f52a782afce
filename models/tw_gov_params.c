/* tw_gov_params.c - read the `governments:` section: one agent's parameters per region
 * listed, and the agents' entries of the list of drawn parameters.
 *
 * Every key is optional; a scenario without the section has no agents. Uncertain
 * parameters (resolve, forgive, snapback_prob, control_prob) may be a plain number or a distribution
 * map, {dist: uniform, lo: 0.5, hi: 2} (tw_policy.h reads and draws them); the
 * parameter's own range checks the number, the distribution's bounds (where it has them)
 * and clamps what is drawn. The `events:` and `third_parties:` sections are the events'
 * (tw_events_params.c), read after this one. Keys and defaults are documented in
 * scenarios/README.md.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tw_gov.h"

const char *const tw_strategy_names[TW_NSTRAT + 1] = {
    "scripted", "tit_for_tat", "proportional", "generous", "grim_trigger", "pain_threshold",
    "best_response", NULL};

static tw_status load_gov(const tw_cfg_node *g, int r, tw_tariff_book *book, tw_day start,
                          tw_gov_params *gp, tw_err *err) {
    tw_status st;
    int strategy;
    gp->active = true;
    if ((st = tw_cfg_enum(g, "strategy", false, TW_STRAT_SCRIPTED, tw_strategy_names, &strategy,
                          err)) != TW_OK)
        return st;
    gp->strategy = (tw_strategy)strategy;
    if ((st = tw_cfg_enum(g, "partner", false, r == TW_US ? TW_CN : TW_US, book->regions,
                          &gp->partner, err)) != TW_OK)
        return st;
    if (gp->partner == r)
        return tw_cfg_error(err, tw_cfg_get(g, "partner"), "expected a region other than %s",
                            book->regions[r]);
    if ((st = tw_policy_days(g, "cadence_days", 7, 1, 365, &gp->cadence, err)) != TW_OK) return st;
    if ((st = tw_policy_days(g, "delay_days", 7, 0, 365, &gp->delay, err)) != TW_OK) return st;
    if ((st = tw_cfg_date(g, "first_decision", false, start, &gp->first_decision, err)) != TW_OK)
        return st;
    if ((st = tw_policy_measure(g, "measure", gp->strategy != TW_STRAT_SCRIPTED, book, &gp->measure,
                          err)) != TW_OK)
        return st;
    if ((st = tw_cfg_enum(g, "authority", false, TW_AUTH_OTHER, tw_authority_names,
                          &gp->authority, err)) != TW_OK)
        return st;
    if ((st = tw_tariffs_load_sectors(g, gp->sectors, err)) != TW_OK) return st;
    gp->lever_sector = 0;
    while (!gp->sectors[gp->lever_sector]) gp->lever_sector++;
    const tw_cfg_node *no = tw_cfg_get(g, "not_on");
    if (no != NULL) {
        if (tw_cfg_kind_of(no) != TW_CFG_SEQ || tw_cfg_len(no) > TW_MAX_NOT_ON)
            return tw_cfg_error(err, no, "expected a list of at most %d measure ids", TW_MAX_NOT_ON);
        for (size_t k = 0; k < tw_cfg_len(no); k++) {
            const char *name = tw_cfg_text(tw_cfg_at(no, k));
            int m = name != NULL ? tw_tariffs_intern(book, name) : -1;
            if (m < 0 || m == gp->measure)
                return tw_cfg_error(err, tw_cfg_at(no, k), "expected a measure id other than the lever's");
            gp->not_on[gp->n_not_on++] = m;
        }
    }
    if ((st = tw_policy_pct(g, "cap_pct", INFINITY, 0.0, 1000.0, &gp->cap, err)) != TW_OK) return st;
    if (tw_cfg_get(g, "cap_pct") == NULL) gp->cap = INFINITY;
    if ((st = tw_policy_pct(g, "floor_pct", 0.0, 0.0, 1000.0, &gp->floor_rate, err)) != TW_OK) return st;
    if ((st = tw_cfg_double(g, "factor", false, 1.0, 0.0, 10.0, &gp->factor, err)) != TW_OK) return st;
    if ((st = tw_policy_pct(g, "threshold_pct", 0.5, 0.0, 100.0, &gp->threshold, err)) != TW_OK) return st;
    if ((st = tw_policy_pct(g, "step_pct", 10.0, 0.0, 1000.0, &gp->step, err)) != TW_OK) return st;
    if ((st = tw_policy_pct(g, "grid_pct", 2.5, 0.1, 100.0, &gp->br_grid, err)) != TW_OK) return st;
    if ((st = tw_policy_pct(g, "max_pct", 200.0, 0.0, 1000.0, &gp->br_max, err)) != TW_OK) return st;
    if ((st = tw_policy_pct(g, "control_move_pct", 10.0, 0.0, 1000.0, &gp->control_move, err)) != TW_OK)
        return st;
    if ((st = tw_cfg_bool(g, "control_lever", false, false, &gp->control_lever, err)) != TW_OK)
        return st;
    if ((st = tw_dist_load(g, "control_prob", 1.0, 0.0, 1.0, &gp->control_prob, err)) != TW_OK)
        return st;
    static const char *const scopes[] = {"partner", "all", NULL};
    int scope = 0;
    if ((st = tw_cfg_enum(g, "control_scope", false, 0, scopes, &scope, err)) != TW_OK) return st;
    gp->control_all = scope == 1;
    if (tw_cfg_get(g, "control_scope") != NULL && !gp->control_lever)
        return tw_cfg_error(err, tw_cfg_get(g, "control_scope"),
                            "control_scope needs control_lever: true");
    if (tw_cfg_get(g, "control_prob") != NULL && !gp->control_lever)
        return tw_cfg_error(err, tw_cfg_get(g, "control_prob"),
                            "control_prob needs control_lever: true");
    if ((st = tw_cfg_double(g, "slow_roll_factor", false, 0.25, 1e-3, 1.0, &gp->slow_roll_factor,
                            err)) != TW_OK)
        return st;
    if ((st = tw_dist_load(g, "resolve", 1.0, 0.0, 100.0, &gp->resolve, err)) != TW_OK) return st;
    if ((st = tw_dist_load(g, "forgive", 0.0, 0.0, 1.0, &gp->forgive, err)) != TW_OK) return st;
    if ((st = tw_dist_load(g, "snapback_prob", 0.0, 0.0, 1.0, &gp->snapback, err)) != TW_OK) return st;
    gp->snapback_level = NAN;
    if (tw_cfg_get(g, "snapback_pct") != NULL &&
        (st = tw_policy_pct(g, "snapback_pct", 0.0, 0.0, 1000.0, &gp->snapback_level, err)) != TW_OK)
        return st;
    const tw_cfg_node *w;
    if ((st = tw_policy_section(g, "pain_weights", &w, err)) != TW_OK) return st;
    if ((st = tw_cfg_double(w, "gdp", false, 1.0, 0.0, 100.0, &gp->w_gdp, err)) != TW_OK) return st;
    if ((st = tw_cfg_double(w, "price", false, 1.0, 0.0, 100.0, &gp->w_price, err)) != TW_OK) return st;
    if ((st = tw_cfg_double(w, "shortage", false, 1.0, 0.0, 100.0, &gp->w_shortage, err)) != TW_OK)
        return st;
    return tw_cfg_double(w, "exports", false, 1.0, 0.0, 100.0, &gp->w_exports, err);
}


const char tw_gov_section[] = "governments";

tw_status tw_gov_params_load(const tw_cfg_node *root, tw_tariff_book *book, tw_day start,
                             tw_gov_params gov[TW_NREG_MAX], tw_err *err) {
    const tw_cfg_node *section;
    tw_status st;
    memset(gov, 0, TW_NREG_MAX * sizeof *gov);
    if ((st = tw_policy_section(root, tw_gov_section, &section, err)) != TW_OK) return st;
    if ((st = tw_world_check_keys(section, book->regions, false, err)) != TW_OK) return st;
    for (int r = 0; r < book->nreg; r++) {
        const tw_cfg_node *g;
        if ((st = tw_policy_section(section, book->regions[r], &g, err)) != TW_OK) return st;
        if (g == NULL) continue;
        if ((st = load_gov(g, r, book, start, &gov[r], err)) != TW_OK) return st;
    }
    return TW_OK;
}

void tw_gov_params_drawn(const tw_gov_params gov[TW_NREG_MAX], const char *const *regions,
                         tw_drawn *list, int *n) {
    char name[TW_DRAWN_NAME_MAX];
    for (int r = 0; r < TW_NREG_MAX; r++) {
        const tw_gov_params *gp = &gov[r];
        if (!gp->active) continue;
        snprintf(name, sizeof name, "governments.%s.resolve", regions[r]);
        tw_drawn_add(list, n, &gp->resolve, TW_SLOT_RESOLVE + r, name);
        snprintf(name, sizeof name, "governments.%s.forgive", regions[r]);
        tw_drawn_add(list, n, &gp->forgive, TW_SLOT_FORGIVE + r, name);
        snprintf(name, sizeof name, "governments.%s.snapback_prob", regions[r]);
        tw_drawn_add(list, n, &gp->snapback, TW_SLOT_SNAPBACK + r, name);
        snprintf(name, sizeof name, "governments.%s.control_prob", regions[r]);
        tw_drawn_add(list, n, &gp->control_prob, TW_SLOT_CONTROL + r, name);
    }
}
