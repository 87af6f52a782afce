#!/usr/bin/python3
"""Monthly rare-earth table of a run, for every region that imports magnets (US, EU, ROW):
vehicle output loss (net of catch-up and gross stoppage) and China's magnet shipments to
it (licensed and outside the controls' scope); then China's shipments to all
destinations against its 2024 level (the model's calibration: 52,500 t in January-November
2024 scaled to a year, 4,773 t a month; data/README.md A16), from the run's summary.csv
(means across replicates).

    /usr/bin/python3 analysis/rare_earth_months.py RUN_DIR [RUN_DIR ...]
"""
import sys

import pandas as pd

REGIONS = ("US", "EU", "ROW")
EXPORTS_2024_T_MONTH = 52500.0 * 12.0 / 11.0 / 12.0


def table(run_dir):
    s = pd.read_csv(f"{run_dir}/summary.csv", usecols=["date", "indicator", "region",
                                                         "partner", "sector", "mean"])
    s["month"] = s["date"].str[:7]
    cols = {}
    # China's magnet exports: licensed plus outside the controls' scope
    ship = s[s.indicator.isin(["re_shipments", "re_shipments_outside_scope"])
             & (s.partner == "CN") & (s.sector == "all")]
    for reg in REGIONS:
        veh = s[(s.region == reg) & (s.sector == "vehicles")]
        for ind, name in (("output_loss", "net%"), ("output_loss_gross", "gross%")):
            cols[f"{reg} {name}"] = veh[veh.indicator == ind].groupby("month")["mean"].mean()
        cols[f"{reg} ship_t"] = ship[ship.region == reg].groupby("month")["mean"].sum()
    total = ship.groupby("month")["mean"].sum()
    cols["all ship_t"] = total
    cols["all vs 2024 %"] = 100.0 * total / EXPORTS_2024_T_MONTH
    return pd.DataFrame(cols)


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    pd.set_option("display.width", 250)
    for run in argv[1:]:
        print(f"== {run}: monthly means across replicates (vehicle output loss in percent of "
              f"potential, net of catch-up and gross; ship_t = China's magnets, tonnes)")
        print(table(run).round(1).to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
