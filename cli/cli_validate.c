/* cli_validate.c - `tradewar validate SCENARIO.yaml`: load the scenario with its --set
 * overrides and every check a run makes, print one line, run nothing. The line ends with
 * the scenario hash a run would record in provenance.yaml (scenario_hash), so a script can
 * tell whether an output directory came from this scenario. A scenario that is refused
 * exits 2 with the error's file:line:col (printed by main). */
#include <stdio.h>

#include "cli.h"
#include "cli_scenario.h"
#include "tw_calendar.h"
#include "tw_config.h"

tw_status tw_cli_validate(const tw_cli_args *a, int argc, char **argv, tw_err *err) {
    (void)argc;
    (void)argv;
    tw_cli_scenario sc;
    tw_status st = tw_cli_scenario_load(a, a->scenario, &sc, err);
    if (st != TW_OK) return st;
    char d0[TW_DATE_STRLEN], d1[TW_DATE_STRLEN];
    printf("%s: ok (%s, %s to %s, %lld replicates, scenario hash %016llx)\n", a->scenario,
           sc.name, tw_date_format(sc.spec.start, d0), tw_date_format(sc.spec.end, d1),
           (long long)sc.spec.replicates, (unsigned long long)tw_cfg_hash(sc.cfg));
    tw_cli_scenario_free(&sc);
    return TW_OK;
}
