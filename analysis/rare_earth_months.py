#!/usr/bin/python3
"""Monthly rare-earth table of a run, for every region that imports magnets (US, EU, ROW):
vehicle output loss (net of catch-up and gross stoppage) and China's magnet shipments to
it (licensed and outside the controls' scope); then China's shipments to all
destinations against its 2024 level (the model's calibration: 52,500 t in January-November
2024 scaled to a year, 4,773 t a month; data/README.md A16), from the run's summary.csv
(means across replicates). Rows every few days (output.interval_days) stand for the
days up to the next, as in the terminal report: a month is then an estimate from a sample
of days.

    /usr/bin/python3 analysis/rare_earth_months.py RUN_DIR [RUN_DIR ...]
"""
import sys

import pandas as pd

REGIONS = ("US", "EU", "ROW")
EXPORTS_2024_T_MONTH = 52500.0 * 12.0 / 11.0 / 12.0


def table(run_dir):
    s = pd.read_csv(f"{run_dir}/summary.csv", usecols=["date", "indicator", "region",
                                                         "partner", "sector", "mean"])
    cols = {}
    # China's magnet exports: licensed plus outside the controls' scope
    ship = s[s.indicator.isin(["re_shipments", "re_shipments_outside_scope"])
             & (s.partner == "CN") & (s.sector == "all")]
    for reg in REGIONS:
        veh = s[(s.region == reg) & (s.sector == "vehicles")]
        for ind, name in (("output_loss", "net%"), ("output_loss_gross", "gross%")):
            cols[f"{reg} {name}"] = veh[veh.indicator == ind].groupby("date")["mean"].mean()
        cols[f"{reg} ship_t"] = ship[ship.region == reg].groupby("date")["mean"].sum()
    cols["all ship_t"] = ship.groupby("date")["mean"].sum()
    days = pd.DataFrame(cols)
    days.index = pd.to_datetime(days.index)
    if len(days) > 1 and (days.index[1] - days.index[0]).days > 1:
        # rows every few days (output.interval_days): each output day stands for the days
        # up to the next, as in the terminal report
        every = pd.date_range(days.index[0], days.index[-1], freq="D")
        days = days.reindex(every).ffill()
    month = days.index.to_period("M")
    levels = [c for c in days.columns if c.endswith("%")]
    flows = [c for c in days.columns if c.endswith("ship_t")]
    out = pd.concat([days[levels].groupby(month).mean(), days[flows].groupby(month).sum()],
                    axis=1)[list(days.columns)]
    out["all vs 2024 %"] = 100.0 * out["all ship_t"] / EXPORTS_2024_T_MONTH
    out.index = out.index.astype(str)
    out.index.name = "month"
    return out


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
