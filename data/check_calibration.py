#!/usr/bin/python3
"""Check the identities of the tradewar 2024 calibration files.

Re-reads data/base_flows_2024.csv, data/sectors.csv and data/regions.csv (as written by
build_calibration.py) and verifies: the exact headers, row counts and row order; that every
value is finite and strictly positive; that every sourced 2024 total is reproduced to 1e-6;
that the domestic share of absorption respects the floor of assumption A13 outside the US;
8 sectors with sigma > 1 inside their sensitivity band; 4 regions with GDP > 0.

With no argument it also checks the nine-region world of data/worlds/nine/
(check_world_nine.py: its aggregation back to these four regions, its sourced totals,
GDP, the A13 floor and the sources of its inputs); --world four or --world nine checks one.

Prints "calibration OK" and exits 0, or prints every failure and exits 1.
Standard library only.  Usage:  /usr/bin/python3 data/check_calibration.py [--world four|nine]
"""

import csv
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REGIONS = ("US", "CN", "EU", "ROW")
SECTORS = ("electronics", "machinery", "vehicles", "metals", "agriculture",
           "chemicals", "consumer", "other")
TOL = 1e-6
DOM_SHARE_MIN = 0.30   # A13 in data/README.md

# Sourced totals (USD bn, 2024); ids resolve in data/raw/SOURCES.md.
SOURCED = [
    # name, exporters, importers, value, source
    ("CN->US (Census general imports)", ("CN",), ("US",), 438.947, "S1"),
    ("EU->US (Census)", ("EU",), ("US",), 605.8, "S8"),
    ("US->CN (Comtrade, US-reported exports)", ("US",), ("CN",), 143.546, "S2"),
    ("US->EU (Census)", ("US",), ("EU",), 370.2, "S8"),
    ("EU->CN (Eurostat x 1.0824)", ("EU",), ("CN",), 230.876, "S6"),
    ("CN->EU (Eurostat x 1.0824)", ("CN",), ("EU",), 560.467, "S6"),
    ("China total exports", ("CN",), ("US", "EU", "ROW"), 3580.0, "S10"),
    ("China total imports", ("US", "EU", "ROW"), ("CN",), 2585.067, "S9"),
    ("extra-EU exports", ("EU",), ("US", "CN", "ROW"), 2793.223, "S6"),
    ("extra-EU imports", ("US", "CN", "ROW"), ("EU",), 2631.299, "S6"),
    ("US goods exports (Census basis)", ("US",), ("CN", "EU", "ROW"), 2064.5, "Census-2024"),
]

errors = []


def fail(msg):
    errors.append(msg)


def read_rows(name, header):
    path = os.path.join(HERE, name)
    if not os.path.exists(path):
        fail("%s: missing" % name)
        return []
    with open(path, "rb") as f:
        raw = f.read()
    if b"\r" in raw:
        fail("%s: contains CR characters (line endings must be \\n)" % name)
    if not raw.endswith(b"\n"):
        fail("%s: does not end with a newline" % name)
    rows = list(csv.reader(raw.decode("utf-8").splitlines()))
    if not rows or rows[0] != list(header):
        fail("%s: header is %r, expected %r" % (name, rows[0] if rows else None, list(header)))
        return []
    body = rows[1:]
    for n, r in enumerate(body, start=2):
        if len(r) != len(header):
            fail("%s:%d: %d fields, expected %d" % (name, n, len(r), len(header)))
    return [r for r in body if len(r) == len(header)]


def number(name, line, text):
    try:
        x = float(text)
    except ValueError:
        fail("%s:%d: not a number: %r" % (name, line, text))
        return None
    if not math.isfinite(x):
        fail("%s:%d: not finite: %r" % (name, line, text))
        return None
    return x


def flow_values(name, rows, expected, bad_id):
    """The rows of a flows file as {(exporter, importer, sector): value}, checking their
    count and order, that every value is > 0, the assumption id (bad_id returns a message
    or None) and that every note is there."""
    if len(rows) != len(expected):
        fail("%s: %d rows, expected %d" % (name, len(rows), len(expected)))
    V = {}
    for n, (r, key) in enumerate(zip(rows, expected), start=2):
        if tuple(r[:3]) != key:
            fail("%s:%d: row is %s, expected %s (order: exporter, importer, sector)"
                 % (name, n, ",".join(r[:3]), ",".join(key)))
            continue
        x = number(name, n, r[3])
        if x is None:
            continue
        if not x > 0.0:
            fail("%s:%d: %s value %r is not > 0" % (name, n, ",".join(key), x))
        msg = bad_id(r[4])
        if msg:
            fail("%s:%d: %s" % (name, n, msg))
        if not r[5].strip():
            fail("%s:%d: empty note" % (name, n))
        V[key] = x
    return V


def check_flows():
    name = "base_flows_2024.csv"
    rows = read_rows(name, ("exporter", "importer", "sector", "value_usd_bn", "assumption",
                            "note"))
    expected = [(e, i, s) for e in REGIONS for i in REGIONS for s in SECTORS]
    V = flow_values(name, rows, expected,
                    lambda aid: None if aid.strip() else "empty assumption id")
    if len(V) != len(expected):
        return
    for label, exps, imps, value, src in SOURCED:
        got = math.fsum(V[(e, i, s)] for e in exps for i in imps for s in SECTORS)
        if abs(got - value) > TOL:
            fail("%s: %s = %.6f, sourced total %.6f (%s); differs by %.3g"
                 % (name, label, got, value, src, got - value))
    for r in ("CN", "EU", "ROW"):
        for s in SECTORS:
            m = math.fsum(V[(e, r, s)] for e in REGIONS if e != r)
            d = V[(r, r, s)]
            if d / (d + m) < DOM_SHARE_MIN - 1e-9:
                fail("%s: %s %s domestic share %.4f below the A13 floor %.2f"
                     % (name, r, s, d / (d + m), DOM_SHARE_MIN))


def check_sectors():
    name = "sectors.csv"
    rows = read_rows(name, ("sector", "sigma", "sigma_low", "sigma_high", "source", "note"))
    if [r[0] for r in rows] != list(SECTORS):
        fail("%s: sectors are %r, expected %r" % (name, [r[0] for r in rows], list(SECTORS)))
    for n, r in enumerate(rows, start=2):
        sig, lo, hi = (number(name, n, r[k]) for k in (1, 2, 3))
        if None in (sig, lo, hi):
            continue
        if not sig > 1.0:
            fail("%s:%d: %s sigma %.6f is not > 1" % (name, n, r[0], sig))
        if not lo <= sig <= hi:
            fail("%s:%d: %s sigma %.6f outside [%.6f, %.6f]" % (name, n, r[0], sig, lo, hi))
        if not r[4].strip():
            fail("%s:%d: empty source" % (name, n))


def check_regions():
    name = "regions.csv"
    rows = read_rows(name, ("region", "gdp_usd_bn", "source", "note"))
    if [r[0] for r in rows] != list(REGIONS):
        fail("%s: regions are %r, expected %r" % (name, [r[0] for r in rows], list(REGIONS)))
    for n, r in enumerate(rows, start=2):
        g = number(name, n, r[1])
        if g is not None and not g > 0.0:
            fail("%s:%d: %s GDP %r is not > 0" % (name, n, r[0], g))
        if not r[2].strip():
            fail("%s:%d: empty source" % (name, n))


def four_flows():
    """The four-region flows by (exporter, importer, sector), for the nine-region checks."""
    rows = read_rows("base_flows_2024.csv", ("exporter", "importer", "sector", "value_usd_bn",
                                             "assumption", "note"))
    return {tuple(r[:3]): float(r[3]) for r in rows}


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    worlds = ("four", "nine")
    if argv[:1] == ["--world"] and len(argv) == 2 and argv[1] in worlds:
        worlds = (argv[1],)
    elif argv:
        sys.stderr.write("usage: check_calibration.py [--world four|nine] (default: both)\n")
        return 2
    if "four" in worlds:
        check_flows()
        check_sectors()
        check_regions()
        import check_world_nine
        check_world_nine.check_rare_earth_regions(fail, "rare_earth_regions.csv",
                                                  ("US", "CN", "EU", "ROW"),
                                                  ("P", "S", "W", "D", "A"))
    n9 = 0
    if "nine" in worlds:
        import check_world_nine
        n9 = check_world_nine.check(fail, read_rows, flow_values, number, SECTORS,
                                    four_flows(), DOM_SHARE_MIN, ("P", "S", "W", "D", "A"))
    if errors:
        for e in errors:
            sys.stderr.write("check_calibration.py: %s\n" % e)
        sys.stderr.write("check_calibration.py: %d failure(s)\n" % len(errors))
        return 1
    if "four" in worlds:
        sys.stdout.write("calibration OK: 128 flows, %d sourced totals to %g, 8 sectors, "
                         "4 regions\n" % (len(SOURCED), TOL))
    if "nine" in worlds:
        sys.stdout.write("nine-region world OK: %d flows, the four-region flows summed back "
                         "to 1e-5, sourced totals to %g, 9 regions\n" % (n9, TOL))
    return 0


if __name__ == "__main__":
    sys.exit(main())
