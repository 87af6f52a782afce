#!/usr/bin/env python3
"""Turn a tradewar output directory into PNG charts and a self-contained HTML report.

    /usr/bin/python3 analysis/report.py OUTDIR [--out REPORTDIR]

OUTDIR is what `tradewar run` (summary.csv or, with --compress, summary.csv.gz,
replicates.csv, scenario.yaml, provenance.yaml), `tradewar compare` (compare.csv,
compare_outcomes.csv, scenario_a.yaml, scenario_b.yaml, provenance.yaml), a sweep
(sweep_outcomes.csv, sweep_points.csv, sensitivity.csv), `tradewar score` (score.csv, in
SCOREDIR or in OUTDIR/score/), bench/run (bench.csv) or `tradewar hindcast` (hindcast.csv)
wrote. The report goes to
OUTDIR/report/ unless
--out names another folder: report.html (charts embedded as base64 data URIs) and one
PNG per chart. It is built in a temporary folder beside the destination and renamed
into place only when complete, so a failed run leaves no half-written report.

Exit status: 0 success; 2 bad usage or unusable input (one line on stderr,
`report.py: OUTDIR: what is wrong`); 1 failure while writing the report.

Charts, conventions and the input formats: analysis/README.md.
"""

import argparse
import math
import os
import re
import shutil
import sys
import tempfile

from tradewar_report.charts import DPI, FILL_50, FILL_90, INK, MARKER_INK, Charts
from tradewar_report.hindcast import hindcast_section
from tradewar_report.inputs import (PACKAGE_UNITS, ReportError, indicator_unit, load_output,
                                    outcome_unit, read_yaml_file, sweep_columns)
from tradewar_report.markers import (REGION_NAMES, event_markers, measure_markers,
                                     merge_same_day, tariff_measures, truce_deadline)
from tradewar_report.page import build_html
from tradewar_report.stats import fmt, is_binary, t_interval, t_quantile_975, wilson_interval

# What other scripts take from here: the palette (score_report.py) and the entry points.
__all__ = ["main", "load_output", "read_yaml_file", "Charts", "ReportError", "DPI", "FILL_50",
           "FILL_90", "INK", "MARKER_INK"]

PROG = "report.py"

REGION_ORDER = ["US", "CN", "EU", "ROW"]

# The fan charts of a run, in report order. Each series is (region, partner, sector,
# label); a series absent from summary.csv is left out, a chart without any is skipped.
FAN_SPECS = [
    dict(id="tariff_rates", indicator="tariff_rate", title="Tariff rates each way",
         series=[("US", "CN", "all", "US tariff on imports from China"),
                 ("CN", "US", "all", "China's tariff on imports from the US")]),
    dict(id="imports_bilateral", indicator="imports", title="Bilateral imports",
         series=[("US", "CN", "all", "US imports from China"),
                 ("CN", "US", "all", "China's imports from the US")]),
    dict(id="partner_import_share", indicator="partner_import_share",
         title="Partner import shares",
         series=[("US", "CN", "all", "China's share of US imports"),
                 ("CN", "US", "all", "US share of China's imports")]),
]
# Rare-earth and macro indicators of later versions: charted when present.
GENERIC_SPECS = [
    ("re_shipments", "Rare-earth shipments"),
    ("re_inventory_days", "Rare-earth inventory cover"),
    ("re_firms_halted", "Firms halted by rare-earth shortages"),
    ("output_loss", "Output loss"),
    ("gdp", "GDP"),
    ("gov_pain", "Governments' pain"),
    ("truce_active", "Truce in force"),
]
WELFARE_SPEC = dict(id="welfare", indicator="welfare", title="Welfare (real spending, general equilibrium)",
                    series=[(r, "all", "all", REGION_NAMES[r]) for r in REGION_ORDER])
MAX_PANELS = 4


# ----------------------------------------------------------------------------------------
# The sections: charts plus tables

def fan_frame(g, bands):
    cols = ["date", "mean", "sd", "p50"] + [c for pair in bands for c in pair]
    return g.sort_values("date")[list(dict.fromkeys(cols))].reset_index(drop=True)


def quantile_bands(columns):
    """[(low, high)] of the symmetric quantile pairs among columns (p05 with p95, p25 with
    p75, ...), outermost first."""
    qs = {int(c[1:]) for c in columns if re.fullmatch(r"p\d\d", c)}
    return [(f"p{q:02d}", f"p{100 - q:02d}") for q in sorted(qs) if q < 50 and 100 - q in qs]


def series_label(region, partner, sector):
    parts = [REGION_NAMES.get(region, region)]
    if partner != "all":
        parts.append(f"– {REGION_NAMES.get(partner, partner)}")
    if sector != "all":
        parts.append(f"({sector})")
    return " ".join(parts)


def generic_series(keys):
    """Up to MAX_PANELS (region, partner, sector) of one indicator: aggregates first."""
    keys = list(keys)
    if any(k[2] == "all" for k in keys):
        keys = [k for k in keys if k[2] == "all"]
    if len(keys) > MAX_PANELS and any(k[1] == "all" for k in keys):
        keys = [k for k in keys if k[1] == "all"]
    rank = lambda r: (REGION_ORDER.index(r) if r in REGION_ORDER else len(REGION_ORDER), r)  # noqa
    keys.sort(key=lambda k: (rank(k[0]), k[1] != "all", rank(k[1]), k[2]))
    return [(r, p, s, series_label(r, p, s)) for r, p, s in keys[:MAX_PANELS]]


def chart_specs(indicators):
    specs = [s for s in FAN_SPECS if s["indicator"] in indicators]
    for ind, title in GENERIC_SPECS:
        if ind in indicators:
            specs.append(dict(id=ind, indicator=ind, title=title, series=None))
    if WELFARE_SPEC["indicator"] in indicators:
        specs.append(WELFARE_SPEC)
    return specs


def group_series(df, indicators):
    sub = df[df["indicator"].isin(indicators)]
    return {k: g for k, g in sub.groupby(["indicator", "region", "partner", "sector"], sort=False)}


def run_section(out, charts, markers):
    df = out.summary
    bands = quantile_bands(df.columns)
    indicators = list(dict.fromkeys(df["indicator"]))
    specs = chart_specs(set(indicators))
    groups = group_series(df, [s["indicator"] for s in specs])
    end_rows = []
    charted = set()
    for spec in specs:
        ind = spec["indicator"]
        wanted = spec["series"]
        if wanted is None:
            wanted = generic_series([k[1:] for k in groups if k[0] == ind])
        panels = []
        for region, partner, sector, label in wanted:
            g = groups.get((ind, region, partner, sector))
            if g is None:
                continue
            f = fan_frame(g, bands)
            panels.append((label, f))
            peak = int(f["p50"].idxmax())
            last = f.iloc[-1]
            end_rows.append([spec["title"], label, ind, region, partner, sector,
                             str(last["date"].date()), float(last["mean"]), float(last["p05"]),
                             float(last["p50"]), float(last["p95"]), float(f["p50"].iloc[peak]),
                             str(f["date"].iloc[peak].date())])
        if not panels:
            continue
        charted.add(ind)
        charts.fan("run", spec["id"], spec["title"], indicator_unit(ind), panels, markers,
                   bands)
    not_charted = [i for i in indicators if i not in charted]

    # replicate outcomes
    rep = out.replicates
    cols = [c for c in rep.columns if c not in ("replicate", "seed") and rep[c].dtype.kind == "f"]
    skipped = [c for c in rep.columns if c not in ("replicate", "seed") and c not in cols]
    # A probability chart only for 0/1 outcomes: by the data dictionary where the run has
    # one (an outcome that happened to be 0 in every replicate is not a probability).
    binary = [c for c in cols if (PACKAGE_UNITS[c] == "0/1" if c in PACKAGE_UNITS
                                  else is_binary(rep[c]))]
    continuous = [c for c in cols if c not in binary]
    n = len(rep)
    outcome_rows = []
    for c in cols:
        # Missing values (NaN) are replicates where the outcome did not happen; n counts
        # the others.
        v = rep[c].dropna()
        nc = len(v)
        if nc == 0:
            nan = float("nan")
            outcome_rows.append([c, outcome_unit(c), 0, nan, nan, nan, nan, "never happened"])
            continue
        mean = v.mean()
        if c in binary:
            low, high = wilson_interval(int(v.sum()), nc)
            sd = float(v.std(ddof=1)) if nc > 1 else float("nan")
            method = "Wilson (0/1)"
        else:
            _, sd, low, high = t_interval(v)
            method = "t"
        outcome_rows.append([c, outcome_unit(c), nc, float(mean), sd, low, high, method])
    continuous = [c for c in continuous if rep[c].notna().any()]
    if continuous:
        charts.histograms("outcomes", rep, continuous, n)
    if binary:
        charts.probabilities("outcomes", [(r[0], r[3], r[5], r[6], None, n) for r in outcome_rows
                                          if r[0] in binary])
    return dict(end_rows=end_rows, outcome_rows=outcome_rows, not_charted=not_charted,
                skipped=skipped, bands=bands)


def compare_names(out):
    """(A's name, B's name) of a compare directory, from provenance.yaml, else the files."""
    names = []
    for side in ("a", "b"):
        v = out.provenance.get(f"scenario_{side}_name") or out.sides[side][0].get("name")
        names.append(v if isinstance(v, str) and v else side.upper())
    if names[0] == names[1]:  # one file, two sides (--set-a / --set-b)
        names = [f"{names[0]} ({side})" for side in ("A", "B")]
    return tuple(names)


def compare_section(out, charts, markers):
    """compare.csv charted as B − A by series with both intervals, the last date's cells
    and compare_outcomes.csv tabled."""
    df = out.paired
    names = compare_names(out)
    indicators = set(df["indicator"])
    specs = chart_specs(indicators)
    if not specs:  # none of the usual indicators: chart each indicator's aggregates
        specs = [dict(id=i, indicator=i, title=i.replace("_", " ").capitalize(), series=None)
                 for i in dict.fromkeys(df["indicator"])]
    groups = group_series(df, [s["indicator"] for s in specs])
    rows = []
    for spec in specs:
        ind = spec["indicator"]
        wanted = spec["series"] or generic_series([k[1:] for k in groups if k[0] == ind])
        panels = []
        for region, partner, sector, label in wanted:
            g = groups.get((ind, region, partner, sector))
            if g is None:
                continue
            f = g.sort_values("date").reset_index(drop=True)
            panels.append((label, f))
            last = f.iloc[-1]
            rows.append([spec["title"], label, ind, region, partner, sector,
                         str(last["date"].date()), int(last["n"]), float(last["mean_a"]),
                         float(last["mean_b"]), float(last["diff"]), float(last["paired_lo"]),
                         float(last["paired_hi"]), _excludes_zero(last)])
        if panels:
            charts.paired("compare", "paired_" + spec["id"], spec["title"],
                          indicator_unit(ind), panels, markers, names)
    outcome_rows = []
    for _, r in out.compare_outcomes.iterrows():
        outcome_rows.append([r["outcome"], outcome_unit(r["outcome"]), int(r["n"]),
                             float(r["mean_a"]), float(r["mean_b"]), float(r["diff"]),
                             float(r["paired_lo"]), float(r["paired_hi"]),
                             float(r["unpaired_lo"]), float(r["unpaired_hi"]),
                             _excludes_zero(r)])
    return dict(rows=rows, outcome_rows=outcome_rows, names=names)


def _excludes_zero(r):
    if r["n"] == 0 or math.isnan(r["paired_lo"]):
        return "no pairs" if r["n"] == 0 else "n/a"
    if r["paired_lo"] == r["paired_hi"]:
        return "exact" if r["diff"] != 0 else "no (identical)"
    return "yes" if r["paired_lo"] > 0 or r["paired_hi"] < 0 else "no"


def sweep_section(out, charts):
    import pandas as pd
    params, outcomes = sweep_columns(out)
    pts = out.sweep
    sweep = out.scenario.get("sweep") if isinstance(out.scenario, dict) else None
    design = sweep.get("design") if isinstance(sweep, dict) else None
    grid = design in (None, "grid")
    # 95% t half-width of each point's mean from its n and sd (0 where n < 2)
    st = out.sweep_stats
    n_rep = int(st["n"].max()) if "n" in st.columns and st["n"].notna().any() else 0
    if "sd" in st.columns and "n" in st.columns:
        half = [t_quantile_975(int(n) - 1) * sd / math.sqrt(n) if n >= 2 and sd == sd
                else 0.0 for n, sd in zip(st["n"], st["sd"])]
    else:
        half = [0.0] * len(st)
    hw = pd.DataFrame({"point": st["point"], "outcome": st["outcome"], "hw": half})
    errs = hw.pivot(index="point", columns="outcome", values="hw") \
        .reindex(pts["point"]).reset_index(drop=True)
    charts.sweep_size = f"({len(pts)} points × {n_rep} replicates)"
    varying = [p for p in params if pts[p].nunique() > 1]
    tornado = {}
    for i, p in enumerate(varying):
        categorical = pts[p].dtype.kind != "f"
        charts.response("sweep", f"sweep_response_{i + 1}", p, pts, errs, outcomes,
                        categorical, grid)
    for o in outcomes:
        base = float(pts[o].mean())
        rows = []
        for p in varying:
            main = pts.groupby(p, sort=True)[o].mean()
            rows.append(dict(param=p, low=float(main.iloc[0]), high=float(main.iloc[-1]),
                             min=float(main.min()), max=float(main.max()),
                             swing=float(main.max() - main.min())))
        if rows:
            tornado[o] = dict(base=base, rows=rows)
    if tornado:
        charts.tornado("sweep", tornado, varying)
    sens = out.sensitivity
    has_total = None
    if sens is not None:
        for c in ("total_order_index", "total_index"):
            if c in sens.columns and sens[c].dtype.kind == "f":
                has_total = c
        charts.sensitivity("sweep", sens, has_total)
    tornado_rows = [[o, r["param"], info["base"], r["low"], r["high"], r["swing"]]
                    for o, info in tornado.items()
                    for r in sorted(info["rows"], key=lambda r: -r["swing"])]
    return dict(params=params, outcomes=outcomes, varying=varying, points=pts,
                tornado_rows=tornado_rows, sens=sens, has_total=has_total, design=design)


def bench_section(out, charts):
    df = out.bench.copy()
    notes = []
    for c, default in (("threads", 1.0), ("ranks", 1.0)):
        if c not in df.columns:
            df[c] = default
            notes.append(f"no {c} column: taken as {int(default)}")
    if "kind" not in df.columns:
        df["kind"] = "strong"
        notes.append("no kind column: every row taken as strong scaling")
    if "level" not in df.columns:
        df["level"] = "all"
    df["kind"] = df["kind"].astype(str)
    df["level"] = df["level"].astype(str)
    df["workers"] = df["threads"] * df["ranks"]
    keys = ["kind", "level"] + (["firms"] if "firms" in df.columns else [])
    agg = {"seconds": "median"}
    for c in ("rate", "efficiency"):
        if c in df.columns:
            agg[c] = "median"
    # dropna=False: a kind without a firm count (the machine check) is still a series
    med = df.groupby(keys + ["workers"], sort=True, dropna=False).agg(agg).reset_index()
    groups = []
    for key, g in med.groupby(keys, sort=True, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        g = g.sort_values("workers").reset_index(drop=True)
        weak = "weak" in key[0].lower()
        if weak and "firms" in keys:
            continue  # weak scaling: firms grow with workers; grouped below without firms
        g = _bench_derive(g, weak)
        label = f"{key[0]}, {key[1]}" + (f", {fmt(key[2])} firms"
                                          if len(key) > 2 and key[2] == key[2] else "")
        groups.append((label, weak, g))
    if "firms" in keys:   # weak scaling groups ignore firms
        wk = med[med["kind"].str.lower().str.contains("weak")]
        if len(wk):
            wk = df[df["kind"].str.lower().str.contains("weak")].groupby(
                ["kind", "level", "workers"], sort=True).agg(agg).reset_index()
            for key, g in wk.groupby(["kind", "level"], sort=True):
                g = _bench_derive(g.sort_values("workers").reset_index(drop=True), True)
                groups.append((f"{key[0]}, {key[1]}", True, g))
    strong = [(lab, g) for lab, weak, g in groups if not weak]
    weakg = [(lab, g) for lab, weak, g in groups if weak]
    if strong:
        charts.bench_lines(
            "bench", "bench_speedup", "Strong scaling (speedup)", strong, "speedup",
            "speedup over the smallest run (median times)",
            ideal=lambda w: (w, [x / w[0] for x in w], "ideal (linear)"), logy=True,
            caption="Strong scaling: median wall time of the smallest worker count divided by "
                    "the median wall time at each worker count, one line per kind, level "
                    "(and firm count); dotted: ideal linear speedup.")
    if weakg:
        charts.bench_lines(
            "bench", "bench_weak_seconds", "Weak scaling (wall time)", weakg, "seconds",
            "median wall time (seconds)",
            caption="Weak scaling: median wall time at each worker count with the work per "
                    "worker held fixed; a flat line is perfect weak scaling.")
    if groups:
        charts.bench_lines(
            "bench", "bench_efficiency", "Parallel efficiency",
            [(lab, g) for lab, _, g in groups], "efficiency", "parallel efficiency",
            ideal=lambda w: (w, [1.0] * len(w), "ideal (1)"),
            caption="Parallel efficiency at each worker count: the efficiency column of "
                    "bench.csv (median) when present, else computed from the wall times "
                    "(strong: speedup / worker ratio; weak: smallest run's time / time).")
    if "rate" in df.columns:
        charts.bench_lines(
            "bench", "bench_rate", "Throughput", [(lab, g) for lab, _, g in groups], "rate",
            "throughput (each line's unit in its label)", logy=True,
            caption="Throughput (the rate column of bench.csv, in the rate_unit of each "
                    "kind, median over repeats) against workers.")
    table = []
    for lab, weak, g in groups:
        for _, r in g.iterrows():
            table.append([lab, float(r["workers"]), float(r["seconds"]), float(r["speedup"]),
                          float(r["efficiency"]),
                          float(r["rate"]) if "rate" in g.columns else None])
    return dict(rows=table, notes=notes, has_rate="rate" in df.columns)


def _bench_derive(g, weak):
    t0, w0 = g["seconds"].iloc[0], g["workers"].iloc[0]
    g["speedup"] = t0 / g["seconds"]
    if "efficiency" not in g.columns:
        g["efficiency"] = (t0 / g["seconds"]) if weak else g["speedup"] / (g["workers"] / w0)
    return g


# ----------------------------------------------------------------------------------------
# Driver

def report_dir_for(outdir, out_arg):
    dest = os.path.abspath(out_arg) if out_arg else os.path.join(os.path.abspath(outdir), "report")
    parent = os.path.dirname(dest.rstrip(os.sep)) or os.sep
    if not os.path.isdir(parent):
        raise ReportError(f"--out: {parent} is not a directory")
    if os.path.lexists(dest):
        if not os.path.isdir(dest) or os.path.islink(dest):
            raise ReportError(f"{dest} exists and is not a report directory")
        if os.listdir(dest) and not os.path.isfile(os.path.join(dest, "report.html")):
            raise ReportError(f"{dest} exists and holds no report.html: refusing to replace it")
    src = os.path.abspath(outdir)
    if src == dest or src.startswith(dest.rstrip(os.sep) + os.sep):
        raise ReportError(f"--out {dest} would replace the output directory itself")
    return dest


def write_report(out, dest):
    parent = os.path.dirname(dest.rstrip(os.sep)) or os.sep
    stage = tempfile.mkdtemp(prefix=".report-", dir=parent)
    try:
        charts = Charts(stage, out.name)
        n_prov = out.provenance.get("replicates")
        charts.n_rep = len(out.replicates) if out.replicates is not None else \
            int(n_prov) if isinstance(n_prov, str) and n_prov.isdigit() else "?"
        measures = tariff_measures(out.scenario)
        frames = [d for d in (out.summary, out.paired) if d is not None]
        markers = []
        results = {}
        if frames:
            first = min(d["date"].min() for d in frames).date()
            last = max(d["date"].max() for d in frames).date()
            n_rep = len(out.replicates) if out.replicates is not None else 0
            events = event_markers(out.events, n_rep, first, last)
            charts.n_events = len(events)
            markers = merge_same_day(measure_markers(measures, first, last) + events +
                                     truce_deadline(out.scenario, first, last))
        results["markers"] = markers
        if "run" in out.kinds:
            results["run"] = run_section(out, charts, markers)
        if "compare" in out.kinds:
            results["compare"] = compare_section(out, charts, markers)
        if "sweep" in out.kinds:
            results["sweep"] = sweep_section(out, charts)
        if "bench" in out.kinds:
            results["bench"] = bench_section(out, charts)
        if "hindcast" in out.kinds:
            results["hindcast"] = hindcast_section(out, charts)
        text = build_html(out, charts, stage, results, measures)
        with open(os.path.join(stage, "report.html"), "w", encoding="utf-8") as f:
            f.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(stage, 0o777 & ~umask)
        old = None
        if os.path.lexists(dest):
            old = tempfile.mkdtemp(prefix=".report-old-", dir=parent)
            os.rmdir(old)
            os.rename(dest, old)
        try:
            os.rename(stage, dest)
        except OSError:
            if old:
                os.rename(old, dest)
            raise
        if old:
            shutil.rmtree(old, ignore_errors=True)
        return charts.items
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise


def main(argv=None):
    ap = argparse.ArgumentParser(
        prog=PROG, description="Charts and a self-contained HTML report from a tradewar "
                               "output directory (run, compare, sweep, bench or hindcast).")
    ap.add_argument("outdir", metavar="OUTDIR", help="the output directory to report on")
    ap.add_argument("--out", metavar="REPORTDIR",
                    help="where to write the report (default: OUTDIR/report); replaced "
                         "atomically when it holds an earlier report")
    ap.add_argument("--quiet", "-q", action="store_true", help="print nothing on success")
    args = ap.parse_args(argv)
    try:
        out = load_output(args.outdir)
        dest = report_dir_for(args.outdir, args.out)
    except ReportError as e:
        print(f"{PROG}: {args.outdir}: {e}", file=sys.stderr)
        return 2
    try:
        items = write_report(out, dest)
    except ReportError as e:
        print(f"{PROG}: {args.outdir}: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"{PROG}: {args.outdir}: cannot write the report: {e}", file=sys.stderr)
        return 1
    if not args.quiet:
        print(f"{PROG}: wrote {os.path.join(dest, 'report.html')} and {len(items)} charts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
