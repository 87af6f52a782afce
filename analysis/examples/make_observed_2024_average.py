#!/usr/bin/env python3
"""Write observed-2024-average.csv: 2025 months as they would read if trade and tariffs
had stayed at their 2024 levels, in the tidy form `tradewar score` reads.

    /usr/bin/python3 analysis/examples/make_observed_2024_average.py [OUT.csv]

Not observations of 2025: a no-change benchmark built from the calibration data the
project already ships. Imports (a flow, USD million per month) are the 2024 annual total
of data/base_flows_2024.csv over all sectors, divided by the 366 days of 2024 and
multiplied by the days of each month; tariff rates (a level, percent) are the
trade-weighted legacy averages in force before the 2025 measures
(data/raw/policy_timeline_2025.csv, rows legacy_us_cn and legacy_cn_us).
"""
import calendar
import csv
import os
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__),
                                                             "observed-2024-average.csv")
    totals = {}
    with open(os.path.join(ROOT, "data", "base_flows_2024.csv")) as f:
        for r in csv.DictReader(f):
            key = (r["importer"], r["exporter"])
            totals[key] = totals.get(key, 0.0) + float(r["value_usd_bn"])
    legacy = {}
    with open(os.path.join(ROOT, "data", "raw", "policy_timeline_2025.csv")) as f:
        for r in csv.DictReader(f):
            if r["authority"] == "legacy":
                legacy[(r["imposer"], r["target"])] = float(r["rate_pct"])
    rows = []
    for month in range(1, 13):
        n = calendar.monthrange(2025, month)[1]
        date = "2025-%02d" % month
        for imp, exp in (("US", "CN"), ("CN", "US")):
            per_day = totals[(imp, exp)] * 1000.0 / 366.0
            rows.append([date, "imports", imp, exp, "all", "%.1f" % (per_day * n),
                         "USD million per month", "data/base_flows_2024.csv, 2024 daily mean x days"])
        for imp, tgt in (("US", "CN"), ("CN", "US")):
            rows.append([date, "tariff_rate", imp, tgt, "all", "%g" % legacy[(imp, tgt)],
                         "percent", "data/raw/policy_timeline_2025.csv, legacy average"])
    with open(out, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["date", "indicator", "region", "partner", "sector", "value", "unit", "source"])
        w.writerows(rows)


if __name__ == "__main__":
    main()
