#!/usr/bin/python3
"""Monthly rare-earth table of a run: US and EU vehicle output loss (net of catch-up and
gross stoppage), vehicle plant-days stopped per plant, and China's magnet shipments
(licensed and outside the controls' scope) to the US and the EU, from the run's
summary.csv (means across replicates).

    /usr/bin/python3 analysis/rare_earth_months.py RUN_DIR [RUN_DIR ...]
"""
import sys

import pandas as pd


def table(run_dir):
    s = pd.read_csv(f"{run_dir}/summary.csv", usecols=["date", "indicator", "region",
                                                         "partner", "sector", "mean"])
    s["month"] = s["date"].str[:7]
    cols = {}
    for reg in ("US", "EU"):
        veh = s[(s.region == reg) & (s.sector == "vehicles")]
        for ind, name in (("output_loss", "loss_net_%"), ("output_loss_gross", "loss_gross_%")):
            cols[f"{reg} {name}"] = veh[veh.indicator == ind].groupby("month")["mean"].mean()
        stopped = veh[veh.indicator == "re_plants_stopped"].groupby("month")["mean"]
        cols[f"{reg} plant_days"] = stopped.sum() / 100.0
        # China's magnet exports: licensed plus outside the controls' scope
        ship = s[s.indicator.isin(["re_shipments", "re_shipments_outside_scope"])
                 & (s.region == reg) & (s.partner == "CN") & (s.sector == "all")]
        cols[f"{reg} ship_t"] = ship.groupby("month")["mean"].sum()
    return pd.DataFrame(cols)


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    pd.set_option("display.width", 200)
    for run in argv[1:]:
        print(f"== {run}: monthly means across replicates (loss in percent of potential "
              f"output, plant_days = days stopped per vehicle plant, ship_t = tonnes)")
        print(table(run).round(2).to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
