#!/usr/bin/python3
"""The 2018-19 replay against the Census record, month by month.

From OUTDIR/summary.csv of a run of scenarios/history-2018.yaml (1 January 2017 to
31 December 2019) it sums US imports from China into months (analysis/monthly_us.py) and
compares them with data/us_cn_monthly_2017_2019.csv. The model's world is 2024's, not
2017's, so both series are read as indices of their own mean month of 2017: the model's
month is shown as (model month / model 2017 mean) x record 2017 mean, in USD bn, beside
the record. Over the 24 months of 2018-19 it prints the mean absolute error (USD bn) and
the correlation of the two series, and the same for their month-on-month changes.

    /usr/bin/python3 analysis/replay_2018.py OUTDIR [--record CSV] [--out DIR] [--quiet]

Writes OUTDIR/replay_2018.csv (or under --out) and exits 2 on a run that does not cover
2017-2019 or a record that lacks a month of it.
"""
import argparse
import os
import sys

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from monthly_us import monthly  # noqa: E402

RECORD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data",
                      "us_cn_monthly_2017_2019.csv")
BASE = [f"2017-{m:02d}" for m in range(1, 13)]
WINDOW = [f"{y}-{m:02d}" for y in (2018, 2019) for m in range(1, 13)]


def replay(summary_path, record_path):
    """The month-by-month table and the fit statistics; raises ValueError on gaps."""
    model = monthly(summary_path)["imports_cn_usd_bn"]
    rec = pd.read_csv(record_path, index_col="month")["us_imports_from_cn_usd_bn"]
    for name, s in (("the run", model), (record_path, rec)):
        missing = [m for m in BASE + WINDOW if m not in s.index]
        if missing:
            raise ValueError("%s lacks the months %s" % (name, ", ".join(missing[:4])))
    scale = rec.loc[BASE].mean() / model.loc[BASE].mean()
    t = pd.DataFrame({"record_usd_bn": rec.loc[WINDOW],
                      "model_usd_bn": model.loc[WINDOW] * scale,
                      "model_2024_usd_bn": model.loc[WINDOW]})
    t.index.name = "month"
    err = t.model_usd_bn - t.record_usd_bn
    dm = np.diff(np.log(t.model_usd_bn.values))
    dr = np.diff(np.log(t.record_usd_bn.values))
    stats = {"mae_usd_bn": float(err.abs().mean()),
             "corr": float(np.corrcoef(t.model_usd_bn, t.record_usd_bn)[0, 1]),
             "corr_mom": float(np.corrcoef(dm, dr)[0, 1]),
             "scale": float(scale)}
    return t, stats


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("outdir")
    ap.add_argument("--record", default=RECORD)
    ap.add_argument("--out", help="folder for replay_2018.csv (default OUTDIR)")
    ap.add_argument("-q", "--quiet", action="store_true")
    a = ap.parse_args(argv)
    summary = os.path.join(a.outdir, "summary.csv")
    if not os.path.isfile(summary):
        print("replay_2018.py: %s: no summary.csv" % a.outdir, file=sys.stderr)
        return 2
    try:
        table, st = replay(summary, a.record)
    except (ValueError, KeyError, OSError) as e:
        print("replay_2018.py: %s" % e, file=sys.stderr)
        return 2
    dest = a.out or a.outdir
    os.makedirs(dest, exist_ok=True)
    table.to_csv(os.path.join(dest, "replay_2018.csv"), float_format="%.6g")
    if not a.quiet:
        with pd.option_context("display.width", 120, "display.float_format", "{:.2f}".format):
            print(table.to_string())
    print("2018-19: MAE %.2f USD bn, correlation %.3f, month-on-month correlation %.3f "
          "(model x %.4f: the record's 2017 mean month over the run's)"
          % (st["mae_usd_bn"], st["corr"], st["corr_mom"], st["scale"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
