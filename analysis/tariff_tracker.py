#!/usr/bin/python3
"""The model's US tariff rate on China and on all partners, by month, beside the trackers.

From OUTDIR/summary.csv it takes the `tariff_rate` indicator of the US on China and on all
partners (sector all: the statutory rate of each day, trade-weighted with the fixed 2024
customs imports of the model's world, tw_world_weighted_rate) and prints, per month:
  - the model's US rate on China and on all partners, percent, the mean of the month's days;
  - each tracker whose every change is listed (kind `steps` in the trackers file: the
    Budget Lab's daily effective rate) as the mean of the month's days it covers, and the
    model's rate on the same partner less it;
then, for trackers published only as values on dates (kind `points`: PIIE's US-China
chart), the model's rate on that day beside each value (on the first output day on or
after it where the summary is not daily: history-2025 on nine regions writes weekly rows,
and every month's means are then over the same output days for the model and the
trackers); and the model's US rate on each partner of the run's world, monthly. The
tracker values come from data/tariff_trackers_2025.csv (each row with its source id,
listed in data/README.md). It writes OUTDIR/tariff_tracker.csv,
OUTDIR/tariff_tracker_points.csv and OUTDIR/tariff_tracker_partners.csv (or under --out).

The model's rates are consequences of its inputs: the scenario's dated tariff entries
(the enacted record) on the 2024 weights. Nothing in them is fitted to the trackers or to
2025 trade, so a gap measures what the scenario's record or the model's coarse cells (its
regions, eight sectors) leave out; analysis/tariff_decompose.py splits the model's rate by
partner and measure.

    /usr/bin/python3 analysis/tariff_tracker.py OUTDIR [--trackers CSV] [--out DIR] [--quiet]
"""
import argparse
import os
import sys

import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
TRACKERS = os.path.join(HERE, "..", "data", "tariff_trackers_2025.csv")
PARTNERS = {"CN": "model_us_cn_pct", "all": "model_us_all_pct"}
TRACKER_COLS = ["tracker", "partner", "kind", "effective", "rate_pct", "source"]
NOTE = ("Model rates are consequences of the scenario's dated tariff entries (inputs: the "
        "enacted record) on fixed 2024\ncustoms-import weights; nothing is fitted to these "
        "trackers or to 2025 trade. Budget Lab: Census 2024 import\nweights by product and "
        "country; PIIE: its own trade weights on China's goods. Sources: "
        "data/tariff_trackers_2025.csv.")


def model_daily(summary_path):
    """Date-indexed US tariff_rate on CN and all (sector all, mean over replicates), and
    the same on every partner of the run's world (columns named by region code)."""
    df = pd.read_csv(summary_path, usecols=["date", "indicator", "region", "partner", "sector",
                                            "mean"], keep_default_na=False, na_values=[])
    df = df[(df.indicator == "tariff_rate") & (df.region == "US") & (df.sector == "all")]
    cols = {}
    for partner, name in PARTNERS.items():
        s = df[df.partner == partner].set_index("date")["mean"]
        if s.empty:
            raise ValueError("%s has no series tariff_rate,US,%s,all" % (summary_path, partner))
        cols[name] = s.astype(float)
    daily = pd.DataFrame(cols)
    daily.index = pd.to_datetime(daily.index)
    by = df[df.partner != "all"].pivot(index="date", columns="partner", values="mean")
    by.index = pd.to_datetime(by.index)
    order = list(dict.fromkeys(df.loc[df.partner != "all", "partner"]))
    return daily.sort_index(), by[order].astype(float).sort_index()


def read_trackers(path):
    """The trackers file, checked: a bad row raises ValueError naming file:line and column."""
    t = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in TRACKER_COLS if c not in t.columns]
    if missing:
        raise ValueError("%s:1: missing column(s) %s" % (path, ", ".join(missing)))
    for i, row in t.iterrows():
        where = "%s:%d" % (path, i + 2)
        if row.partner not in PARTNERS:
            raise ValueError("%s: partner: expected CN or all (got %r)" % (where, row.partner))
        if row.kind not in ("steps", "points"):
            raise ValueError("%s: kind: expected steps or points (got %r)" % (where, row.kind))
        if not row.source:
            raise ValueError("%s: source: expected a source id" % where)
        try:
            pd.Timestamp(row.effective)
            float(row.rate_pct)
        except ValueError:
            raise ValueError("%s: expected a date (effective) and a number (rate_pct), got %r, %r"
                             % (where, row.effective, row.rate_pct)) from None
    t["effective"] = pd.to_datetime(t.effective)
    t["rate_pct"] = t.rate_pct.astype(float)
    return t


def steps_daily(rows, days):
    """The value in force on each day: the latest row on or before it; NaN before the first."""
    s = rows.sort_values("effective").set_index("effective")["rate_pct"]
    return s.reindex(s.index.union(days)).ffill().reindex(days)


def monthly(daily, trackers):
    month = daily.index.to_period("M")
    out = daily.groupby(month).mean()
    out.insert(0, "days", daily.groupby(month).size())
    for (name, partner), rows in trackers[trackers.kind == "steps"].groupby(["tracker", "partner"]):
        col = "%s_%s_pct" % (name.lower(), partner.lower())
        v = steps_daily(rows, daily.index)
        out[col] = v.groupby(month).mean()
        out[col.replace("_pct", "_days")] = v.notna().groupby(month).sum()
        out["model_less_" + col] = out[PARTNERS[partner]] - out[col]
    out.index = out.index.astype(str)
    out.index.name = "month"
    return out


def points(daily, trackers):
    """Each dated tracker value beside the model's rate on the first output day on or
    after its date (the same day in a daily summary)."""
    p = trackers[trackers.kind == "points"]
    p = p[(p.effective >= daily.index[0]) & (p.effective <= daily.index[-1])]
    at = daily.index[daily.index.searchsorted(p.effective.values)]
    model = [daily.loc[d, PARTNERS[r.partner]] for d, r in zip(at, p.itertuples())]
    out = pd.DataFrame({"date": p.effective.dt.strftime("%Y-%m-%d").values,
                        "tracker": p.tracker.values, "partner": p.partner.values,
                        "tracker_pct": p.rate_pct.values, "model_date": at.strftime("%Y-%m-%d"),
                        "model_pct": model, "source": p.source.values})
    out["model_less_tracker"] = out.model_pct - out.tracker_pct
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("outdir")
    ap.add_argument("--trackers", default=TRACKERS, help="tracker values (default %(default)s)")
    ap.add_argument("--out", help="folder for tariff_tracker.csv and _points.csv (default OUTDIR)")
    ap.add_argument("-q", "--quiet", action="store_true")
    a = ap.parse_args(argv)
    summary = os.path.join(a.outdir, "summary.csv")
    if not os.path.isfile(summary):
        print("tariff_tracker.py: %s: no summary.csv" % a.outdir, file=sys.stderr)
        return 2
    try:
        daily, by_partner = model_daily(summary)
        trackers = read_trackers(a.trackers)
    except (ValueError, KeyError, OSError) as e:
        print("tariff_tracker.py: %s" % e, file=sys.stderr)
        return 2
    table = monthly(daily, trackers)
    pts = points(daily, trackers)
    partners = by_partner.groupby(by_partner.index.to_period("M")).mean()
    partners.index = partners.index.astype(str)
    partners.index.name = "month"
    dest = a.out or a.outdir
    os.makedirs(dest, exist_ok=True)
    table.to_csv(os.path.join(dest, "tariff_tracker.csv"), float_format="%.8g")
    pts.to_csv(os.path.join(dest, "tariff_tracker_points.csv"), index=False, float_format="%.8g")
    partners.to_csv(os.path.join(dest, "tariff_tracker_partners.csv"), float_format="%.8g")
    if not a.quiet:
        with pd.option_context("display.width", 160, "display.max_columns", 20,
                               "display.float_format", "{:.2f}".format):
            print("US statutory tariff rate, %%, monthly means of the %s output days\n"
                  % ("daily" if (daily.index[1] - daily.index[0]).days == 1 else "run's"))
            print(table.to_string())
            print("\nPublished values on their dates beside the model's rate on that day or the first "
                  "output day after it\n")
            print(pts.to_string(index=False))
            print("\nThe model's US rate on each partner, %, monthly means\n")
            print(partners.to_string())
        print("\n" + NOTE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
