#!/usr/bin/python3
"""Writes the files of the nine-region world (data/worlds/nine/) from build_world_nine.Nine.

  base_flows_2024.csv      9 x 9 x 8 = 648 rows in the four-region format and order
  regions.csv              GDP of the nine regions
  sectors.csv              a byte copy of data/sectors.csv (sectors do not depend on regions)
  transit_days.csv         data/transit_days.csv with its ROW->US row replaced by the
                           routes of transit_days_routes.csv
  seasonality_2024.csv     data/seasonality_2024.csv plus US imports from Japan and Korea
                           by month (factor = month / mean of the twelve)
  general_equilibrium.csv  the rows derived from the flows and GDP for the nine regions,
                           then the other rows of data/general_equilibrium.csv
  summary.md               totals, the sourced and gravity cells, the aggregation identity

Same bytes on every run: fixed order, '%.6f' values, '\\n' line endings.
"""

import csv
import math
import os
import shutil

import build_calibration as bc
from build_calibration import SECTORS, fmt, fnum
from build_world_nine import BIG, NEW, REGIONS9, OUT, aggregate

FLOW_HEADER = ["exporter", "importer", "sector", "value_usd_bn", "assumption", "note"]
GDP_NOTES = {
    "ROW": "four-region ROW %s less MX CA JP KR VN; mixed vintages; rough",
}


def write_flows(w):
    rows = [[e, i, s, fmt(w.V[(e, i, s)]), w.A[(e, i, s)], w.N[(e, i, s)]]
            for e in REGIONS9 for i in REGIONS9 for s in SECTORS]
    bc.write_csv(os.path.join(OUT, "base_flows_2024.csv"), FLOW_HEADER, rows)


def write_regions(w):
    four = {}
    with open(os.path.join(bc.HERE, "regions.csv"), newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            four[r["region"]] = r
    rows = []
    for r in REGIONS9:
        if r in BIG:
            rows.append([r, four[r]["gdp_usd_bn"], four[r]["source"], four[r]["note"]])
        elif r in NEW:
            row = w.inp[("gdp", r, "", "")]
            rows.append([r, fmt(w.gdp[r]), row["source"], row["note"]])
        else:
            rows.append([r, fmt(w.gdp[r]), four["ROW"]["source"] + ";IMF-2024-rank",
                         GDP_NOTES["ROW"] % fnum(float(four["ROW"]["gdp_usd_bn"]))])
    bc.write_csv(os.path.join(OUT, "regions.csv"), ["region", "gdp_usd_bn", "source", "note"],
                 rows)


def read_rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def write_transit():
    four = read_rows(os.path.join(bc.HERE, "transit_days.csv"))
    added = read_rows(os.path.join(OUT, "transit_days_routes.csv"))
    bc.require(four[0] == added[0], "transit_days_routes.csv: header differs from "
               "transit_days.csv")
    replaced = {(r[0], r[1], r[3]) for r in added[1:]}
    rows = [r for r in four[1:] if (r[0], r[1], r[3]) not in replaced]
    default = [r for r in rows if r[0] == "ALL"]
    rows = [r for r in rows if r[0] != "ALL"] + added[1:] + default
    bc.write_csv(os.path.join(OUT, "transit_days.csv"), four[0], rows)


def write_seasonality(w):
    four = read_rows(os.path.join(bc.HERE, "seasonality_2024.csv"))
    rows = [r for r in four[1:] if r[3] != "" or r[4] != ""]
    gaps = [r for r in four[1:] if r[3] == "" and r[4] == ""]
    code = {"JP": ("us_imports_from_jp", "Census-c5880"), "KR": ("us_imports_from_kr",
                                                                 "Census-c5800")}
    for r, (series, source) in code.items():
        vals = [w.num("us_imports_month", r, "", str(m)) for m in range(1, 13)]
        mean = math.fsum(vals) / 12.0
        for m, v in enumerate(vals, start=1):
            note = ("Census US imports of goods from %s by month 2024 (not seasonally "
                    "adjusted); factor = month / mean of the 12 months; year total %s"
                    % ({"JP": "Japan", "KR": "South Korea"}[r], fnum(math.fsum(vals), 1))
                    if m == 1 else "see January row")
            rows.append([series, "2024", str(m), "%.1f" % v, "%.4f" % (v / mean), "", "", "S",
                         source, note])
    bc.write_csv(os.path.join(OUT, "seasonality_2024.csv"), four[0], rows + gaps)


def write_general_equilibrium(w):
    four = read_rows(os.path.join(bc.HERE, "general_equilibrium.csv"))
    header, body = four[0], four[1:]
    derived = [r for r in body if (r[8] in ("base_flows_2024.csv", "regions.csv")
                                   and r[7] == "D")]
    notes = {(r[0], r[1] == "ALL" or r[2] == "ALL"): r[9] for r in derived}
    proto = {r[0]: r for r in derived}
    V = w.V
    rows = []

    def row_like(key, region, sector, value, note):
        p = list(proto[key])
        p[1], p[2], p[3], p[9] = region, sector, "%.6f" % value, note
        return p
    for r in REGIONS9:
        others = [x for x in REGIONS9 if x != r]
        for s in SECTORS:
            rows.append(row_like("gross_output", r, s, V[(r, r, s)] + math.fsum(
                V[(r, o, s)] for o in others), "domestic absorption of own output + exports "
                "to the other eight regions; rests on A11-A13 and N4 outside the US"))
            rows.append(row_like("absorption", r, s, V[(r, r, s)] + math.fsum(
                V[(o, r, s)] for o in others), "own output used at home + imports from the "
                "other eight regions"))
    for r in REGIONS9:
        others = [x for x in REGIONS9 if x != r]
        x = math.fsum(V[(r, o, s)] for o in others for s in SECTORS)
        m = math.fsum(V[(o, r, s)] for o in others for s in SECTORS)
        dom = math.fsum(V[(r, r, s)] for s in SECTORS)
        rows.append(row_like("goods_trade_balance", r, "ALL", x - m,
                             "exports - imports in base_flows_2024.csv (exports %.1f; imports "
                             "%.1f); hold each region's deficit fixed in the GE closure"
                             % (x, m)))
        rows.append(row_like("import_penetration_goods", r, "ALL", m / (dom + m),
                             "imports / goods absorption"))
        rows.append(row_like("gdp", r, "ALL", w.gdp[r], "as in regions.csv"))
    del notes
    old = "CN;EU;ROW"
    new = ";".join(x for x in REGIONS9 if x != "US")
    for r in body:
        if r in derived:
            continue
        r = list(r)
        if r[1] == old:
            r[1] = new
        rows.append(r)
    bc.write_csv(os.path.join(OUT, "general_equilibrium.csv"), header, rows)


def copy_sectors():
    shutil.copyfile(os.path.join(bc.HERE, "sectors.csv"), os.path.join(OUT, "sectors.csv"))


def summary_markdown(w):
    V, out = w.V, []
    p = out.append

    def tot(e, i):
        return math.fsum(V[(e, i, s)] for s in SECTORS)
    p("# The nine-region world: derived totals (written by `build_calibration.py --world "
      "nine`)")
    p("")
    p("USD bn, 2024; diagonal = domestic absorption. Sources and rules: `data/README.md`, "
      "\"Worlds of regions\".")
    p("")
    out += bc.bilateral_table(V, REGIONS9)
    p("")
    p("## How each total between regions was found")
    p("")
    p("| cell | total | how |")
    p("| --- | ---: | --- |")
    for (e, i) in sorted(w.how, key=lambda k: (REGIONS9.index(k[0]), REGIONS9.index(k[1]))):
        if w.how[(e, i)] != "four-region cell":
            p("| %s->%s | %.3f | %s |" % (e, i, w.T[(e, i)], w.how[(e, i)]))
    p("")
    p("Every other cell is a remainder of the four-region cell (assumption D) or the "
      "domestic absorption of a new region (N4).")
    p("")
    p("## The aggregation identity")
    p("")
    agg = aggregate(V)
    worst = max(abs(agg[k] - w.V4[k]) for k in w.V4)
    p("Summed over MX, CA, JP, KR, VN and ROW, every nine-region flow equals the four-region "
      "flow of the same exporter, importer and sector: the largest difference over the "
      "128 cells is %.1e USD bn (rounding of the printed values)." % worst)
    p("")
    p("| region | GDP USD bn | goods absorption USD bn | domestic share | output / GDP |")
    p("| --- | ---: | ---: | ---: | ---: |")
    for r in REGIONS9:
        dom = math.fsum(V[(r, r, s)] for s in SECTORS)
        m = math.fsum(tot(e, r) for e in REGIONS9 if e != r)
        x = math.fsum(tot(r, i) for i in REGIONS9 if i != r)
        p("| %s | %.1f | %.1f | %.1f%% | %.3f |" % (r, w.gdp[r], dom + m, 100 * dom / (dom + m),
                                                   (dom + x) / w.gdp[r]))
    p("")
    p("Floors that bind (A13, A14): %s" % (", ".join(w.floors) or "none"))
    return "\n".join(out) + "\n"


def write_all(w):
    os.makedirs(OUT, exist_ok=True)
    write_flows(w)
    write_regions(w)
    copy_sectors()
    write_transit()
    write_seasonality(w)
    write_general_equilibrium(w)
    text = summary_markdown(w)
    path = os.path.join(OUT, "summary.md")
    with open(path + ".tmp", "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    os.replace(path + ".tmp", path)
    return text
