#!/usr/bin/python3
"""Checks of the nine-region world (data/worlds/nine/), run by check_calibration.py.

  - base_flows_2024.csv: header, 648 rows in order (exporter, importer, sector over US CN
    EU MX CA JP KR VN ROW), every value finite and > 0, a known assumption id and a note;
  - the aggregation identity: summed over MX, CA, JP, KR, VN and ROW, every flow equals
    the four-region flow of data/base_flows_2024.csv of the same exporter, importer and
    sector, to 1e-5 USD bn;
  - the sourced totals of inputs_2024.csv are reproduced: US exports to and imports from
    the five (where the cell rests on the Census total), China's exports to Vietnam, and
    each new region's total exports and imports, to 1e-6;
  - regions.csv: the nine regions in order, GDP > 0, the five new regions' GDP as in
    inputs_2024.csv and ROW + the five = the four-region ROW;
  - the A13 floor on domestic shares of every region but the US;
  - every source id of inputs_2024.csv and transit_days_routes.csv is listed in
    data/README.md or data/raw/SOURCES.md, and every input row has a quality tag;
  - rare_earth_regions.csv (and data/'s own, from check_calibration.py): the world's
    regions in order, values in range, each with a quality tag and listed source ids;
  - sectors.csv is data/sectors.csv byte for byte.
"""

import csv
import math
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
NINE = os.path.join(HERE, "worlds", "nine")
REGIONS9 = ("US", "CN", "EU", "MX", "CA", "JP", "KR", "VN", "ROW")
NEW = ("MX", "CA", "JP", "KR", "VN")
OLD_ROW = NEW + ("ROW",)
KNOWN_IDS = re.compile(r"^(D|A([1-9]|1[0-9]|20)|N[1-7])$")
TOL_ID = 1e-5
TOL = 1e-6


def rel(name):
    return os.path.join("worlds", "nine", name)


def check(fail, read_rows, flow_values, number, sectors, flows4, dom_min, quality_tags):
    """Runs every check; failures go to fail(msg). Returns the number of flow rows."""
    header = ("exporter", "importer", "sector", "value_usd_bn", "assumption", "note")
    rows = read_rows(rel("base_flows_2024.csv"), header)
    expected = [(e, i, s) for e in REGIONS9 for i in REGIONS9 for s in sectors]
    V = flow_values(rel("base_flows_2024.csv"), rows, expected, lambda aid: None if
                    KNOWN_IDS.match(aid) else "assumption id %r is not D, A1-A20 or N1-N7" % aid)
    if len(V) != len(expected):
        return len(rows)
    to4 = {r: ("ROW" if r in OLD_ROW else r) for r in REGIONS9}
    agg = {}
    for (e, i, s), v in V.items():
        agg[(to4[e], to4[i], s)] = agg.get((to4[e], to4[i], s), 0.0) + v
    for k, v4 in sorted(flows4.items()):
        if abs(agg.get(k, 0.0) - v4) > TOL_ID:
            fail("%s: the nine-region %s->%s %s summed over MX CA JP KR VN ROW is %.6f, the "
                 "four-region flow %.6f" % (rel("base_flows_2024.csv"), k[0], k[1], k[2],
                                            agg.get(k, 0.0), v4))
    inp = read_inputs(fail)
    check_totals(fail, V, inp, sectors)
    check_regions(fail, read_rows, number, inp)
    for r in REGIONS9[1:]:
        for s in sectors:
            m = math.fsum(V[(e, r, s)] for e in REGIONS9 if e != r)
            d = V[(r, r, s)]
            if d / (d + m) < dom_min - 1e-9:
                fail("%s: %s %s domestic share %.4f below the A13 floor %.2f"
                     % (rel("base_flows_2024.csv"), r, s, d / (d + m), dom_min))
    check_sources(fail, quality_tags)
    with open(os.path.join(HERE, "sectors.csv"), "rb") as a, \
            open(os.path.join(NINE, "sectors.csv"), "rb") as b:
        if a.read() != b.read():
            fail("%s: differs from sectors.csv" % rel("sectors.csv"))
    return len(rows)


def read_inputs(fail):
    out = {}
    path = os.path.join(NINE, "inputs_2024.csv")
    with open(path, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            out[(r["key"], r["region"], r["partner"], r["month"])] = r
    return out


def check_totals(fail, V, inp, sectors):
    def tot(e, i):
        return math.fsum(V[(e, i, s)] for s in sectors)
    name = rel("base_flows_2024.csv")
    checks = [("US->%s" % r, tot("US", r), ("us_exports_census", r, "", "")) for r in NEW]
    checks += [("%s->US" % r, tot(r, "US"), ("us_imports_census", r, "", ""))
               for r in ("KR", "VN")]
    checks.append(("CN->VN", tot("CN", "VN"), ("cn_exports_2024", "CN", "VN", "")))
    for r in NEW:
        checks.append(("%s exports" % r, math.fsum(tot(r, i) for i in REGIONS9 if i != r),
                       ("total_exports", r, "", "")))
        checks.append(("%s imports" % r, math.fsum(tot(e, r) for e in REGIONS9 if e != r),
                       ("total_imports", r, "", "")))
    for key, mkey in (("us_imports_census", "us_imports_month"),
                      ("us_exports_census", "us_exports_month")):
        for r in ("JP", "KR"):
            months = [float(v["value"]) for k, v in inp.items() if k[0] == mkey and k[1] == r]
            if len(months) != 12 or abs(math.fsum(months) / 1000.0
                                        - float(inp[(key, r, "", "")]["value"])) > TOL:
                fail("%s: %s %s is not the sum of its twelve months" % (
                    rel("inputs_2024.csv"), key, r))
    for label, got, key in checks:
        if key not in inp:
            fail("%s: no row %r" % (rel("inputs_2024.csv"), key))
            continue
        want = float(inp[key]["value"])
        if abs(got - want) > TOL:
            fail("%s: %s = %.6f, sourced total %.6f (%s)" % (name, label, got, want,
                                                             inp[key]["source"]))


def check_regions(fail, read_rows, number, inp):
    name = rel("regions.csv")
    rows = read_rows(name, ("region", "gdp_usd_bn", "source", "note"))
    if [r[0] for r in rows] != list(REGIONS9):
        fail("%s: regions are %r, expected %r" % (name, [r[0] for r in rows], list(REGIONS9)))
        return
    g = {}
    for n, r in enumerate(rows, start=2):
        g[r[0]] = number(name, n, r[1])
        if g[r[0]] is None or not g[r[0]] > 0.0 or not r[2].strip():
            fail("%s:%d: %s needs GDP > 0 and a source" % (name, n, r[0]))
            return
    four = read_rows("regions.csv", ("region", "gdp_usd_bn", "source", "note"))
    g4 = {r[0]: float(r[1]) for r in four}
    for r in NEW:
        want = inp[("gdp", r, "", "")]["value"]
        if abs(g[r] - float(want)) > TOL:
            fail("%s: %s GDP %.6f is not the sourced %s" % (name, r, g[r], want))
    parts = math.fsum(g[r] for r in OLD_ROW)
    if abs(parts - g4.get("ROW", float("nan"))) > TOL:
        fail("%s: ROW + MX CA JP KR VN = %.6f, the four-region ROW %.6f" % (name, parts,
                                                                          g4.get("ROW")))
    for r in ("US", "CN", "EU"):
        if abs(g[r] - g4.get(r, float("nan"))) > TOL:
            fail("%s: %s GDP differs from regions.csv" % (name, r))


def listed_ids():
    """The source ids of the tables of data/README.md and raw/SOURCES.md (first cells)."""
    listed = set()
    for path in (os.path.join(HERE, "README.md"), os.path.join(HERE, "raw", "SOURCES.md")):
        with open(path, encoding="utf-8") as f:
            for line in f:
                m = re.match(r"^\|\s*([^|]+?)\s*\|", line)
                if m:
                    listed.update(x.strip() for x in m.group(1).split(","))
    return listed


def check_rare_earth_regions(fail, name, regions, quality_tags):
    """A world's rare_earth_regions.csv (name relative to data/): its regions in the world's
    order, ship_lag_days whole days 1-180 and ev_share 0-1, each with a quality tag, and
    every source id listed (or a file of data/); a value without a source is judgement (A)."""
    listed = listed_ids()
    with open(os.path.join(HERE, name), newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    if [r.get("region") for r in rows] != list(regions):
        fail("%s: regions %s, expected %s" % (name, [r.get("region") for r in rows],
                                              list(regions)))
    for n, r in enumerate(rows, start=2):
        for key, lo, hi in (("ship_lag", 1, 180), ("ev_share", 0, 1)):
            col = "ship_lag_days" if key == "ship_lag" else key
            try:
                v = float(r[col])
            except (KeyError, TypeError, ValueError):
                v = float("nan")
            if not lo <= v <= hi or (key == "ship_lag" and v != int(v)):
                fail("%s:%d: %s %r out of %g..%g" % (name, n, col, r.get(col), lo, hi))
            q = r.get(key + "_quality")
            ids = [x for x in (r.get(key + "_source") or "").split(";") if x]
            if q not in quality_tags:
                fail("%s:%d: %s_quality %r is not one of %s" % (name, n, key, q,
                                                                "/".join(quality_tags)))
            if not ids and q != "A":
                fail("%s:%d: %s has no source id and is not marked judgement (A)"
                     % (name, n, col))
            for x in ids:
                if x not in listed and not os.path.isfile(os.path.join(HERE, x)):
                    fail("%s:%d: source id %r is not listed in data/README.md or "
                         "raw/SOURCES.md" % (name, n, x))


def check_sources(fail, quality_tags):
    """Every source id named by the inputs is listed in data/README.md or raw/SOURCES.md."""
    listed = listed_ids()
    check_rare_earth_regions(fail, rel("rare_earth_regions.csv"), REGIONS9, quality_tags)
    for fname, src_col, q_col in (("inputs_2024.csv", "source", "quality"),
                                  ("transit_days_routes.csv", "source", "quality")):
        with open(os.path.join(NINE, fname), newline="", encoding="utf-8") as f:
            for n, r in enumerate(csv.DictReader(f), start=2):
                ids = [x for x in r[src_col].split(";") if x]
                if not ids:
                    fail("%s:%d: no source id" % (rel(fname), n))
                for x in ids:
                    if x not in listed:
                        fail("%s:%d: source id %r is not listed in data/README.md or "
                             "raw/SOURCES.md" % (rel(fname), n, x))
                if r[q_col] not in quality_tags:
                    fail("%s:%d: quality %r is not one of %s" % (rel(fname), n, r[q_col],
                                                                 "/".join(quality_tags)))
