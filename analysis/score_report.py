#!/usr/bin/env python3
"""Charts of `tradewar score`: per scored series, the observed points over the run's fan
and the PIT histogram; for the scored events, one chart of each forecast beside what
happened.

    /usr/bin/python3 analysis/score_report.py SCOREDIR [--out REPORTDIR] [-q]

SCOREDIR holds score.csv and score_points.csv, score_events.csv, or all three, as `tradewar
score` writes them (`tradewar score --report` runs this script). One PNG per series goes to
SCOREDIR/report/ unless --out names another folder, named after the series
(`imports.US.CN.all.png`), and `events.png` for the events. The folder is built beside
its destination and renamed into place when complete; an earlier one that holds only such
charts is replaced.

Exit status: 0 success; 2 unusable input (one line on stderr); 1 failure while writing.
"""

import argparse
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from report import DPI, FILL_50, FILL_90, INK, MARKER_INK  # noqa: E402  (one palette)

PROG = "score_report.py"
POINT_COLUMNS = ["start", "end", "indicator", "region", "partner", "sector", "aggregation",
                 "observed", "p05", "p25", "p50", "p75", "p95", "pit"]
PIT_BINS = 10
OBSERVED_INK = "#c0392b"


class InputError(Exception):
    pass


EVENT_COLUMNS = ["line", "outcome", "kind", "observed", "p", "mean", "p05", "p95", "brier",
                 "rps", "log_score", "clim_p"]


def load_events(scoredir):
    """score_events.csv's event rows (its overall rows left out), or None without one."""
    import pandas as pd
    path = os.path.join(scoredir, "score_events.csv")
    if not os.path.isfile(path):
        return None
    ev = pd.read_csv(path, keep_default_na=False, na_values=["nan", ""],
                     dtype={"kind": str, "unit": str, "outcome": str})
    missing = [c for c in EVENT_COLUMNS if c not in ev.columns]
    if missing:
        raise InputError(f"{path}: missing columns {', '.join(missing)}")
    return ev[ev["line"].notna()]


def load(scoredir):
    """score.csv and score_points.csv; (None, None) when SCOREDIR holds events alone."""
    import pandas as pd
    paths = [os.path.join(scoredir, n) for n in ("score.csv", "score_points.csv")]
    if not any(os.path.isfile(p) for p in paths) and \
            os.path.isfile(os.path.join(scoredir, "score_events.csv")):
        return None, None
    for p in paths:
        if not os.path.isfile(p):
            raise InputError(f"{p}: missing (run tradewar score first)")
    pts = pd.read_csv(paths[1], keep_default_na=False, na_values=["nan"],
                      dtype={"unit": str, "unit_given": str})
    missing = [c for c in POINT_COLUMNS if c not in pts.columns]
    if missing:
        raise InputError(f"{paths[1]}: missing columns {', '.join(missing)}")
    for c in ("start", "end"):
        pts[c] = pd.to_datetime(pts[c], format="%Y-%m-%d")
    return pd.read_csv(paths[0], keep_default_na=False, na_values=["nan"]), pts


def value_label(g):
    """The value axis: the unit score wrote (score_points.csv's unit, the data dictionary's)
    and how the run's days make the period's value."""
    unit = g["unit"].iloc[0] if "unit" in g.columns and isinstance(g["unit"].iloc[0], str) else ""
    agg = "period total" if (g["aggregation"] == "sum").all() else "period mean"
    return f"{unit}, {agg}" if unit else agg


def given_note(g):
    """The units the observed file gave where score converted its values ("" if none)."""
    if "unit_given" not in g.columns or "value_given" not in g.columns:
        return ""
    moved = g[g["observed"] != g["value_given"]]
    given = sorted({u for u in moved["unit_given"] if isinstance(u, str) and u})
    return "given in " + ", ".join(given) if given else ""


def series_chart(path, name, g, row):
    """The fan at each observed period's middle day with the observations, and the PIT."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    g = g.sort_values("start")
    mid = g["start"] + (g["end"] - g["start"]) / 2
    fig, (ax, axp) = plt.subplots(1, 2, figsize=(10, 3.8), gridspec_kw=dict(width_ratios=[3, 1]))
    ax.fill_between(mid, g["p05"], g["p95"], color=FILL_90, label="run: 90% band", lw=0)
    ax.fill_between(mid, g["p25"], g["p75"], color=FILL_50, label="run: 50% band", lw=0)
    ax.plot(mid, g["p50"], color=INK, lw=1.6, label="run: median")
    note = given_note(g)
    ax.plot(mid, g["observed"], ls="none", marker="o", ms=5, color=OBSERVED_INK,
            markeredgecolor="black", markeredgewidth=0.5,
            label=f"observed ({note}, converted)" if note else "observed")
    agg = "sum over the period" if (g["aggregation"] == "sum").all() else "mean over the period"
    ax.set_title(f"{name} ({agg})", fontsize=10)
    ax.set_ylabel(value_label(g), fontsize=9)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="best")
    for t in ax.get_xticklabels():
        t.set_rotation(30)
        t.set_ha("right")
    pits = g["pit"].dropna().to_numpy()
    counts, _ = np.histogram(pits, bins=PIT_BINS, range=(0.0, 1.0))
    axp.bar((np.arange(PIT_BINS) + 0.5) / PIT_BINS, counts, width=1.0 / PIT_BINS, color=FILL_50,
            edgecolor=INK, lw=0.6)
    axp.axhline(len(pits) / PIT_BINS, color=MARKER_INK, ls="--", lw=1, label="uniform")
    axp.set_xlim(0, 1)
    axp.set_xlabel("PIT")
    axp.set_title("PIT histogram", fontsize=10)
    axp.legend(fontsize=8)
    fmt = lambda v: "nan" if v != v else f"{v:.3g}"  # noqa: E731
    fig.text(0.01, 0.01, f"n {int(row['n'])}   MAE {fmt(row['mae'])}   bias {fmt(row['bias'])}   "
             f"MAE {fmt(row['mae_pct'])}% of the obs mean   CRPS {fmt(row['crps'])}   "
             f"90% band holds {fmt(row['cover90'])}   50% band holds {fmt(row['cover50'])}",
             fontsize=8, color=MARKER_INK)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    fig.savefig(path, dpi=DPI)
    plt.close(fig)


def events_chart(path, ev):
    """Each event's forecast and what happened: a 0/1 outcome's probability of 1 (the bar)
    against the observed 0 or 1 and the climatology's probability; a count's 90% band and
    mean against the observed count. Each row says its scores."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator
    kinds = [(k, ev[ev["kind"] == k]) for k in ("0/1", "count") if (ev["kind"] == k).any()]
    fig, axes = plt.subplots(len(kinds), 1, squeeze=False,
                             figsize=(9, 0.6 + 0.45 * len(ev) + 1.1 * len(kinds)),
                             gridspec_kw=dict(height_ratios=[len(g) + 1 for _, g in kinds]))
    fmt = lambda v: "nan" if v != v else f"{v:.3g}"  # noqa: E731
    for ax, (kind, g) in zip(axes[:, 0], kinds):
        y = list(range(len(g)))[::-1]
        if kind == "0/1":
            ax.barh(y, g["p"], color=FILL_50, edgecolor=INK, lw=0.6, height=0.6,
                    label="run: probability of 1")
            ax.plot(g["clim_p"], y, ls="none", marker="|", ms=14, mew=2, color=MARKER_INK,
                    label="climatology")
            ax.set_xlim(-0.05, 1.05)
            ax.set_xlabel("0/1 outcomes of the whole run: the probability of 1 (observed: 0 "
                          "or 1)", fontsize=9)
            notes = [f"Brier {fmt(b)}  log {fmt(l)}" for b, l in zip(g["brier"], g["log_score"])]
        else:
            ax.hlines(y, g["p05"], g["p95"], color=FILL_90, lw=8, label="run: 90% band")
            ax.plot(g["mean"], y, ls="none", marker="D", ms=5, color=INK, label="run: mean")
            ax.set_xlabel("counts over the whole run", fontsize=9)
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            notes = [f"RPS {fmt(r)}  log {fmt(l)}" for r, l in zip(g["rps"], g["log_score"])]
        ax.plot(g["observed"], y, ls="none", marker="o", ms=7, color=OBSERVED_INK,
                markeredgecolor="black", markeredgewidth=0.5, label="observed")
        ax.set_yticks(y)
        ax.set_yticklabels(g["outcome"], fontsize=9)
        ax.set_ylim(-0.8, len(g) - 0.2)
        for yi, note in zip(y, notes):
            ax.annotate(note, xy=(1.01, yi), xycoords=("axes fraction", "data"), fontsize=8,
                        va="center", color=MARKER_INK)
        ax.grid(alpha=0.3, axis="x")
        ax.legend(fontsize=8, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3,
                  frameon=False)
    fig.tight_layout(rect=(0, 0, 0.82, 1))
    fig.savefig(path, dpi=DPI)
    plt.close(fig)


def write(scoredir, out):
    scores, pts = load(scoredir)
    ev = load_events(scoredir)
    if os.path.isdir(out) and any(not n.endswith(".png") for n in os.listdir(out)):
        raise InputError(f"{out}: holds files other than charts; not replacing it")
    parent = os.path.dirname(os.path.abspath(out))
    tmp = tempfile.mkdtemp(prefix=".score-report-", dir=parent)
    try:
        keys = ["indicator", "region", "partner", "sector"]
        n = 0
        if pts is not None:
            for key, g in pts.groupby(keys, sort=False):
                name = ".".join(key)
                row = scores[(scores[keys] == list(key)).all(axis=1)].iloc[0]
                series_chart(os.path.join(tmp, name + ".png"), name, g, row)
                n += 1
        if ev is not None and len(ev) > 0:
            events_chart(os.path.join(tmp, "events.png"), ev)
            n += 1
        if os.path.isdir(out):
            shutil.rmtree(out)
        os.rename(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return n


def main(argv=None):
    ap = argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[0])
    ap.add_argument("scoredir")
    ap.add_argument("--out", help="where the charts go (default SCOREDIR/report)")
    ap.add_argument("-q", "--quiet", action="store_true")
    a = ap.parse_args(argv)
    out = a.out or os.path.join(a.scoredir, "report")
    try:
        n = write(a.scoredir, out)
    except InputError as e:
        print(f"{PROG}: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"{PROG}: {e}", file=sys.stderr)
        return 1
    if not a.quiet:
        print(f"written: {out}/ ({n} chart{'' if n == 1 else 's'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
