#!/usr/bin/python3
"""Monthly US trade and duties from one tradewar output directory.

From OUTDIR/summary.csv (the means over replicates of each day's series) it sums the
daily flows into calendar months and prints, per month:
  - US imports from China and from all partners, USD bn (customs value), and, where the
    run's world has them (the nine regions), from Vietnam and from Mexico;
  - China's share of US imports, percent (monthly imports from China over all);
  - US duties collected and statutory, USD bn (tariff_revenue, tariff_revenue_statutory),
    and collected duties as deposited (tariff_revenue_deposited: on CBP's payment schedule);
and writes OUTDIR/monthly_us.csv and OUTDIR/monthly_us.png (or under --out).

It prints the model's numbers only, and beside them each partner's 2024 monthly mean (the
calibration's 2024 flow over 12: the year before the tariffs, not a 2025 observation). The
daily series are USD million per day, so a month's value is the sum of its days over 1000.
Where the summary is not daily (output.interval_days above 1: history-2025 on nine regions
writes weekly rows), each output day stands for the days up to the next, as in the
terminal report: an estimate from a sample of days, and the column `days` says how many
output days a month has (duties as
deposited, lumped on statement days, are then left empty); otherwise a
month is reported only when every one of its days is in the file.

    /usr/bin/python3 analysis/monthly_us.py OUTDIR [--out DIR] [--quiet]
"""
import argparse
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SERIES = {  # column: (indicator, partner)
    "imports_cn_usd_bn": ("imports", "CN"),
    "imports_all_usd_bn": ("imports", "all"),
    "duties_collected_usd_bn": ("tariff_revenue", "all"),
    "duties_statutory_usd_bn": ("tariff_revenue_statutory", "all"),
    "duties_deposited_usd_bn": ("tariff_revenue_deposited", "all"),
}
PARTNERS = ("VN", "MX")  # where the world has them: US imports from each, monthly
NINE_FLOWS = os.path.join(HERE, "..", "data", "worlds", "nine", "base_flows_2024.csv")


def mean_2024(partner):
    """The 2024 monthly mean of US imports from PARTNER, USD bn: the nine-region world's
    calibrated 2024 flow (data/worlds/nine/base_flows_2024.csv) over 12."""
    f = pd.read_csv(NINE_FLOWS)
    return f[(f.exporter == partner) & (f.importer == "US")].value_usd_bn.sum() / 12.0


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
    imp = df[df.indicator == "imports"]
    for partner in PARTNERS:
        s = imp[imp.partner == partner].set_index("date")["mean"]
        if not s.empty:
            cols["imports_%s_usd_bn" % partner.lower()] = s.astype(float)
    daily = pd.DataFrame(cols)
    daily.index = pd.to_datetime(daily.index)
    month = daily.index.to_period("M")
    days = daily.groupby(month).size()
    if len(daily) > 1 and (daily.index[1] - daily.index[0]).days > 1:
        # each output day stands for the days up to the next (the terminal report's rule)
        every = pd.date_range(daily.index[0], daily.index[-1], freq="D")
        filled = daily.reindex(every).ffill()
        out = filled.groupby(every.to_period("M")).sum() / 1000.0
        # deposits fall on statement days: a sample of days says nothing of their month
        out["duties_deposited_usd_bn"] = float("nan")
    else:
        full = days[days == days.index.days_in_month].index
        out = daily.groupby(month).sum().loc[full] / 1000.0
    out.insert(2, "cn_share_pct", 100.0 * out.imports_cn_usd_bn / out.imports_all_usd_bn)
    out.insert(0, "days", days.loc[out.index])
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
        with pd.option_context("display.width", 160, "display.float_format", "{:.2f}".format):
            print(table.to_string())
        for partner in PARTNERS:
            if "imports_%s_usd_bn" % partner.lower() in table:
                print("US imports from %s, 2024 monthly mean (calibration): %.2f USD bn"
                      % (partner, mean_2024(partner)))
        if (table.days < 28).any():
            print("Months from the output days only (column days): each output day stands "
                  "for the days up to the next.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
