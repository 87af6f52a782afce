#!/usr/bin/python3
"""The US trade-weighted statutory tariff rate on all partners, split by partner and measure.

Reads a scenario's dated tariff entries and its world's 2024 flows, resolves every US
(partner, sector) cell day by day with the stacking rules of scenarios/README.md
("Stacking": rate and coverage of each layer by latest effective date, a target-specific
entry before an ALL one, then the later in the file; `not_on` shares; `level` entries that
set the layers aside) and prints, for each month, the points each (partner, measure) adds
to the rate on all partners: coverage x rate x (1 - excluded share) of the layer, weighted
by the cell's 2024 US imports over all US imports from the world. The points add up to the
`tariff_rate` indicator of the US on all partners (tw_world_weighted_rate); with --summary
OUTDIR the script checks that they do on every output day of a run of the same scenario.

A decomposition of inputs, not a fit: it says which rule and which partner carry the
model's rate, the terms to read beside the Budget Lab's rate by authority (data/README.md,
"tariff_trackers_2025.csv").

    /usr/bin/python3 analysis/tariff_decompose.py SCENARIO [--month 2025-12] [--summary OUTDIR]
        [--by partner|measure|both] [--key measure|authority] [--csv FILE]

(--by measure lists the measures, or with --key authority the authorities, over all
partners; both adds the partner rows and the pairs.)
"""
import argparse
import csv
import datetime as dt
import os
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "data")
SECTORS = ["electronics", "machinery", "vehicles", "metals", "agriculture", "chemicals",
           "consumer", "other"]
FAR = dt.date(9999, 12, 31)


def day(v):
    return v if isinstance(v, dt.date) else dt.date.fromisoformat(str(v))


def world_flows(name):
    """{exporter: {sector: 2024 US imports, USD bn}} of the scenario's world."""
    path = (os.path.join(DATA, "base_flows_2024.csv") if name in (None, "four")
            else os.path.join(DATA, "worlds", name, "base_flows_2024.csv"))
    out = {}
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            if r["importer"] == "US" and r["exporter"] != "US":
                out.setdefault(r["exporter"], {})[r["sector"]] = float(r["value_usd_bn"])
    return out


def entries(scenario, imposer="US"):
    """The scenario's tariff entries of one imposer, in file order, normalised."""
    out = []
    for k, e in enumerate(scenario.get("tariffs") or []):
        if e.get("imposer") != imposer:
            continue
        sectors = e.get("sectors", "all")
        out.append({
            "k": k, "measure": e["measure"], "authority": e.get("authority", "-"),
            "target": e.get("target", "ALL"),
            "sectors": SECTORS if sectors == "all" else list(sectors),
            "rate": e.get("rate"), "coverage": e.get("coverage"), "level": e.get("level"),
            "effective": day(e["effective"]), "end": day(e["end"]) if "end" in e else FAR,
            "not_on": list(e.get("not_on") or [])})
    return out


def rank(e):
    return (e["effective"], e["target"] != "ALL", e["k"])


def layers(book, target, sector, t, key="measure"):
    """[(measure or authority, rate points)] of the cell on day t (a level entry: one term)."""
    rate_e, cov_e, level = {}, {}, None
    for e in book:
        if e["target"] not in (target, "ALL") or sector not in e["sectors"]:
            continue
        if not e["effective"] <= t < e["end"]:
            continue
        if e["level"] is not None:
            if level is None or rank(e) > rank(level):
                level = e
            continue
        m = e["measure"]
        if e["rate"] is not None and (m not in rate_e or rank(e) > rank(rate_e[m])):
            rate_e[m] = e
        if e["coverage"] is not None and (m not in cov_e or rank(e) > rank(cov_e[m])):
            cov_e[m] = e
    if level is not None:
        return [(level[key], float(level["level"]))]
    out = []
    for m, r in rate_e.items():
        excluded = sum(cov_e[x]["coverage"] if x in cov_e else 1.0
                       for x in r["not_on"] if x in rate_e)
        cov = cov_e[m]["coverage"] if m in cov_e else 1.0
        out.append((r[key], cov * r["rate"] * (1.0 - min(excluded, 1.0))))
    return out


def decompose(book, flows, days, key="measure"):
    """{(partner, measure or authority): mean points over days} and {day: total} of the
    all-partner rate."""
    total_w = sum(sum(v.values()) for v in flows.values())
    acc, totals = {}, {}
    for t in days:
        tot = 0.0
        for p, cells in flows.items():
            for s, w in cells.items():
                for m, x in layers(book, p, s, t, key):
                    pts = w * x / total_w
                    acc[(p, m)] = acc.get((p, m), 0.0) + pts / len(days)
                    tot += pts
        totals[t] = tot
    return acc, totals


def month_days(month):
    y, m = map(int, month.split("-"))
    d = dt.date(y, m, 1)
    out = []
    while d.month == m:
        out.append(d)
        d += dt.timedelta(days=1)
    return out


def check(book, flows, outdir):
    """Largest gap between the points' total and the model's US tariff_rate on all partners
    over the run's output days."""
    model = {}
    with open(os.path.join(outdir, "summary.csv"), newline="") as f:
        for r in csv.DictReader(f):
            if (r["indicator"], r["region"], r["partner"], r["sector"]) == \
                    ("tariff_rate", "US", "all", "all"):
                model[day(r["date"])] = float(r["mean"])
    _, totals = decompose(book, flows, sorted(model))
    return max(abs(totals[t] - model[t]) for t in model), len(model)


def table(acc, by):
    partners = sorted({p for p, _ in acc}, key=lambda p: -sum(v for (q, _), v in acc.items()
                                                                if q == p))
    measures = sorted({m for _, m in acc}, key=lambda m: -sum(v for (_, n), v in acc.items()
                                                                if n == m))
    rows = []
    if by in ("partner", "both"):
        for p in partners:
            rows.append((p, "all", sum(v for (q, _), v in acc.items() if q == p)))
    if by in ("measure", "both"):
        for m in measures:
            rows.append(("all", m, sum(v for (_, n), v in acc.items() if n == m)))
    if by == "both":
        for p in partners:
            for m in measures:
                if abs(acc.get((p, m), 0.0)) >= 0.005:
                    rows.append((p, m, acc[(p, m)]))
    return rows


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario")
    ap.add_argument("--month", action="append", help="YYYY-MM (repeatable; default 2025-12)")
    ap.add_argument("--by", choices=("partner", "measure", "both"), default="both")
    ap.add_argument("--key", choices=("measure", "authority"), default="measure",
                    help="split by the entries' measure or by their authority (S232, IEEPA,"
                    " S301, MFN, legacy)")
    ap.add_argument("--summary", help="run folder whose tariff_rate the points must add up to")
    ap.add_argument("--csv", help="write month,partner,measure,points here")
    a = ap.parse_args(argv)
    try:
        with open(a.scenario) as f:
            sc = yaml.safe_load(f)
        if "extends" in sc:
            raise ValueError("%s: extends is not followed; give a standalone scenario"
                             % a.scenario)
        book, flows = entries(sc), world_flows(sc.get("world"))
    except (OSError, ValueError, KeyError, yaml.YAMLError) as e:
        print("tariff_decompose.py: %s" % e, file=sys.stderr)
        return 2
    out = []
    for month in a.month or ["2025-12"]:
        acc, totals = decompose(book, flows, month_days(month), a.key)
        print("%s: US statutory rate on all partners %.2f%% (month mean), points by "
              "partner and measure" % (month, sum(totals.values()) / len(totals)))
        for p, m, v in table(acc, a.by):
            print("  %-4s %-22s %7.2f" % (p, m, v))
            out.append((month, p, m, v))
    if a.csv:
        with open(a.csv, "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["month", "partner", "measure", "points"])
            w.writerows((mo, p, m, "%.6f" % v) for mo, p, m, v in out)
    if a.summary:
        gap, n = check(book, flows, a.summary)
        print("check: the points add up to the run's tariff_rate on all partners within "
              "%.2g points on its %d output days" % (gap, n))
        if gap > 1e-6:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
