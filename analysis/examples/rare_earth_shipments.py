#!/usr/bin/env python3
"""Monthly rare-earth magnet shipments from China and US vehicle output loss, from a run's
summary.csv (a scenario with export controls).

    /usr/bin/python3 analysis/examples/rare_earth_shipments.py OUTDIR [PNG]

Top: tonnes shipped per month to the US and the EU (sum over the month of the daily
replicate means of re_shipments), with China's 2024 average to the US (600 t a month,
data/raw/rare_earths.csv). Bottom: US vehicle output loss (output_loss, percent), replicate
mean and the p05-p95 band of each day.
"""
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402


def series(df, ind, region, partner, sector):
    x = df[(df.indicator == ind) & (df.region == region) & (df.partner == partner) &
           (df.sector == sector)]
    return x.set_index(pd.to_datetime(x.date))


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    out = argv[1]
    png = argv[2] if len(argv) > 2 else os.path.join(out, "rare_earth_shipments.png")
    df = pd.read_csv(os.path.join(out, "summary.csv"), dtype={"region": str, "partner": str,
                                                              "sector": str})
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 6.5), sharex=False)
    width = 10
    for k, (region, colour) in enumerate((("US", "#1f4e79"), ("EU", "#9bb7d4"))):
        s = series(df, "re_shipments", region, "CN", "all")["mean"].resample("MS").sum()
        top.bar(s.index + pd.Timedelta(days=4 + k * width), s.values, width=width, color=colour,
                label=f"China -> {region}")
    top.axhline(600, color="black", lw=1, ls="--", label="2024 average to the US (600 t/month)")
    top.set_ylabel("tonnes per month")
    top.set_title("Rare-earth magnet shipments from China (replicate mean)", loc="left")
    top.legend(frameon=False, fontsize=8)
    loss = series(df, "output_loss", "US", "all", "vehicles")
    bottom.fill_between(loss.index, loss["p05"], loss["p95"], color="#f4b183", label="p05-p95")
    bottom.plot(loss.index, loss["mean"], color="#c55a11", lw=1.6, label="mean")
    bottom.set_ylabel("percent of potential output")
    bottom.set_title("US vehicle output lost to magnet shortages", loc="left")
    bottom.legend(frameon=False, fontsize=8)
    for ax in (top, bottom):
        ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    fig.savefig(png, dpi=110)
    print(png)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
