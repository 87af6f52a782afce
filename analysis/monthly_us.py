#!/usr/bin/python3
"""Monthly US trade and duties from one tradewar output directory.

From OUTDIR/summary.csv (the means over replicates of each day's series) it sums the
daily flows into calendar months and prints, per month:
  - US imports from China and from all partners, USD bn (customs value);
  - China's share of US imports, percent (monthly imports from China over all);
  - US duties collected and statutory, USD bn (tariff_revenue, tariff_revenue_statutory),
    and collected duties as deposited (tariff_revenue_deposited: on CBP's payment schedule);
and writes OUTDIR/monthly_us.csv and OUTDIR/monthly_us.png (or under --out).

It prints the model's numbers only; it compares them with nothing. The daily series are
USD million per day, so a month's value is the sum of its days over 1000. A month is
reported only when every one of its days is in the file (interval_days 1).

    /usr/bin/python3 analysis/monthly_us.py OUTDIR [--out DIR] [--quiet]
"""
import argparse
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

SERIES = {  # column: (indicator, partner)
    "imports_cn_usd_bn": ("imports", "CN"),
    "imports_all_usd_bn": ("imports", "all"),
    "duties_collected_usd_bn": ("tariff_revenue", "all"),
    "duties_statutory_usd_bn": ("tariff_revenue_statutory", "all"),
    "duties_deposited_usd_bn": ("tariff_revenue_deposited", "all"),
}


def monthly(summary_path):
    """The monthly table from a summary.csv; raises ValueError when a series is missing."""
    df = pd.read_csv(summary_path, usecols=["date", "indicator", "region", "partner", "sector",
                                            "mean"], keep_default_na=False, na_values=[])
    df = df[(df.region == "US") & (df.sector == "all")]
    cols = {}
    for name, (ind, partner) in SERIES.items():
        s = df[(df.indicator == ind) & (df.partner == partner)].set_index("date")["mean"]
        if s.empty:
            raise ValueError("%s has no series %s,US,%s,all" % (summary_path, ind, partner))
        cols[name] = s.astype(float)
    daily = pd.DataFrame(cols)
    daily.index = pd.to_datetime(daily.index)
    month = daily.index.to_period("M")
    days = daily.groupby(month).size()
    full = days[days == days.index.days_in_month].index
    out = daily.groupby(month).sum().loc[full] / 1000.0
    out.insert(2, "cn_share_pct", 100.0 * out.imports_cn_usd_bn / out.imports_all_usd_bn)
    out.index = out.index.astype(str)
    out.index.name = "month"
    return out


def chart(table, path):
    fig, ax = plt.subplots(1, 3, figsize=(15, 4.2))
    x = range(len(table))
    ax[0].plot(x, table.imports_all_usd_bn, marker="o", label="all partners")
    ax[0].plot(x, table.imports_cn_usd_bn, marker="o", label="China")
    ax[0].set_title("US imports, USD bn per month")
    ax[1].plot(x, table.cn_share_pct, marker="o", color="C3")
    ax[1].set_title("China's share of US imports, %")
    ax[2].plot(x, table.duties_collected_usd_bn, marker="o", label="collected")
    ax[2].plot(x, table.duties_statutory_usd_bn, marker="o", ls="--", label="statutory")
    ax[2].plot(x, table.duties_deposited_usd_bn, marker="o", ls=":", label="deposited")
    ax[2].set_title("US duties, USD bn per month")
    for a in ax:
        a.set_xticks(list(x))
        a.set_xticklabels([m[5:] for m in table.index])
        a.grid(alpha=0.3)
    ax[0].legend()
    ax[2].legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("outdir")
    ap.add_argument("--out", help="folder for monthly_us.csv and .png (default OUTDIR)")
    ap.add_argument("-q", "--quiet", action="store_true")
    a = ap.parse_args(argv)
    summary = os.path.join(a.outdir, "summary.csv")
    if not os.path.isfile(summary):
        print("monthly_us.py: %s: no summary.csv" % a.outdir, file=sys.stderr)
        return 2
    try:
        table = monthly(summary)
    except (ValueError, KeyError) as e:
        print("monthly_us.py: %s" % e, file=sys.stderr)
        return 2
    dest = a.out or a.outdir
    os.makedirs(dest, exist_ok=True)
    table.to_csv(os.path.join(dest, "monthly_us.csv"), float_format="%.6g")
    chart(table, os.path.join(dest, "monthly_us.png"))
    if not a.quiet:
        with pd.option_context("display.width", 120, "display.float_format", "{:.2f}".format):
            print(table.to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
