#!/usr/bin/env python3
"""analysis/report.py end to end: a real tradewar run turned into a report, the report's
charts and tables checked against the CSVs, the error paths, and synthetic compare, sweep
and bench directories.

    /usr/bin/python3 analysis/tests/test_report.py

CTest runs it with TW_BIN (the program) and TW_SOURCE_DIR (the repository root). Without
TW_BIN the program is taken from /work/main/build-analysis/tradewar; the tests that need
a real run are skipped when there is no program there.
"""
import base64
import html.parser
import json
import math
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import unittest

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.environ.get("TW_SOURCE_DIR") or os.path.abspath(os.path.join(HERE, "..", ".."))
TW_BIN = os.environ.get("TW_BIN") or "/work/main/build-analysis/tradewar"
REPORT = os.path.join(SOURCE_DIR, "analysis", "report.py")
PYTHON = sys.executable  # the interpreter running this test has pandas and matplotlib
FMT = "%.6g"             # the report's number format (analysis/README.md)
Z975 = 1.959963984540054
RUN_CHARTS = ["tariff_rates", "imports_bilateral", "partner_import_share", "welfare"]
FUTURE_INDICATORS = ["re_shipments", "re_inventory_days", "re_firms_halted", "output_loss",
                     "gdp"]
VOID = {"meta", "img", "br", "hr", "link", "input", "col", "area", "base", "embed", "source",
        "wbr", "track", "param"}

TMP = None
RUN = None          # the real run's output directory
RUN_REPORT = None   # CompletedProcess of report.py on it
RUN_SECONDS = None


def report(*args, timeout=120):
    return subprocess.run([PYTHON, REPORT] + list(args), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True, timeout=timeout)


OUTCOME_UNITS = {}  # the real run's outcome units, from its datapackage.json


def setUpModule():
    global TMP, RUN, RUN_REPORT, RUN_SECONDS
    TMP = tempfile.mkdtemp(prefix="tw_report_test_")
    if not os.access(TW_BIN, os.X_OK):
        return
    RUN = os.path.join(TMP, "run")
    proc = subprocess.run([TW_BIN, "run", os.path.join(SOURCE_DIR, "scenarios", "history-2025-four.yaml"),
                           "-n", "5", "--set", "firms.per_cell=300", "--quiet", "-o", RUN],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=300, cwd=SOURCE_DIR)
    if proc.returncode != 0:
        raise RuntimeError(f"tradewar failed ({proc.returncode}): {proc.stderr}")
    with open(os.path.join(RUN, "datapackage.json")) as f:
        OUTCOME_UNITS.update({d["name"]: d["unit"] for d in json.load(f)["outcomes"]})
    t0 = time.time()
    RUN_REPORT = report(RUN)
    RUN_SECONDS = time.time() - t0


def tearDownModule():
    if TMP:
        shutil.rmtree(TMP, ignore_errors=True)


def need_run(test):
    def wrapper(self, *a, **k):
        if RUN is None:
            self.skipTest(f"no tradewar program at {TW_BIN} (set TW_BIN)")
        return test(self, *a, **k)
    wrapper.__name__ = test.__name__
    wrapper.__doc__ = test.__doc__
    return wrapper


# ---------------------------------------------------------------------------------------
# Checks shared by the test cases

def png_size(path):
    """(width, height) from the IHDR chunk after checking the PNG signature."""
    with open(path, "rb") as f:
        head = f.read(33)
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path}: not a PNG signature"
    length, ctype = struct.unpack(">I4s", head[8:16])
    assert ctype == b"IHDR" and length == 13, f"{path}: no IHDR chunk first"
    return struct.unpack(">II", head[16:24])


class ReportParser(html.parser.HTMLParser):
    """Images, tables (by id: rows of cell texts and data-value attributes), figure
    captions, and a check that every non-void element is closed in order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.imgs = []
        self.tables = {}
        self.captions = []
        self.stack = []
        self.errors = []
        self._table = None
        self._row = None
        self._cell = None
        self._caption = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag not in VOID:
            self.stack.append(tag)
        if tag == "img":
            self.imgs.append(a)
        elif tag == "table":
            self._table = a.get("id")
            self.tables[self._table] = []
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = [tag, "", a.get("data-value")]
        elif tag == "figcaption":
            self._caption = ""

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:]}")
        else:
            self.stack.pop()
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(tuple(self._cell))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[self._table].append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None
        elif tag == "figcaption":
            self.captions.append(self._caption)
            self._caption = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[1] += data
        if self._caption is not None:
            self._caption += data


def table_rows(parser, table_id):
    """A table's body rows as dicts: header text -> (text, data-value)."""
    rows = parser.tables[table_id]
    header = [c[1] for c in rows[0]]
    return [{h: (c[1], c[2]) for h, c in zip(header, r)} for r in rows[1:]]


class ReportChecks(unittest.TestCase):

    def check_report(self, report_dir, expected_charts):
        """Every expected chart is a real PNG; the HTML parses, embeds exactly these charts
        as data URIs (the same bytes as the files) and closes every element."""
        self.assertTrue(os.path.isdir(report_dir), report_dir)
        files = sorted(os.listdir(report_dir))
        pngs = sorted(f for f in files if f.endswith(".png"))
        self.assertEqual(pngs, sorted(c + ".png" for c in expected_charts))
        self.assertEqual(sorted(set(files) - set(pngs)), ["report.html"])
        for f in pngs:
            path = os.path.join(report_dir, f)
            w, h = png_size(path)
            self.assertGreater(w, 100, f)
            self.assertGreater(h, 100, f)
            self.assertGreater(os.path.getsize(path), 5000, f)
        with open(os.path.join(report_dir, "report.html"), encoding="utf-8") as fh:
            text = fh.read()
        self.assertTrue(text.startswith("<!DOCTYPE html>"))
        parser = ReportParser()
        parser.feed(text)
        parser.close()
        self.assertEqual(parser.errors, [])
        self.assertEqual(parser.stack, [])
        self.assertEqual(len(parser.imgs), len(pngs))
        self.assertEqual(sorted(i.get("data-file") for i in parser.imgs), pngs)
        for img in parser.imgs:
            src = img["src"]
            self.assertTrue(src.startswith("data:image/png;base64,"), src[:40])
            with open(os.path.join(report_dir, img["data-file"]), "rb") as fh:
                self.assertEqual(base64.b64decode(src.split(",", 1)[1]), fh.read())
            self.assertTrue(img.get("alt"))
        self.assertEqual(len(parser.captions), len(pngs))
        return parser

    def check_error(self, outdir, words, args=()):
        """Exit 2, one stderr line `report.py: OUTDIR: ...` with the words, no report left."""
        proc = report(outdir, *args)
        self.assertEqual(proc.returncode, 2, proc.stderr + proc.stdout)
        lines = proc.stderr.splitlines()
        self.assertEqual(len(lines), 1, proc.stderr)
        self.assertTrue(lines[0].startswith(f"report.py: {outdir}: "), lines[0])
        for w in words:
            self.assertIn(w, lines[0])
        if os.path.isdir(outdir):
            self.assertFalse(os.path.exists(os.path.join(outdir, "report")))
            self.assertEqual([f for f in os.listdir(outdir) if f.startswith(".report")], [])
        return lines[0]


def expected_run_charts(summary, replicates):
    charts = [c for c in RUN_CHARTS if c != "welfare"]
    charts += [i for i in FUTURE_INDICATORS if i in set(summary["indicator"])]
    charts += [i for i in ("gov_pain", "truce_active") if i in set(summary["indicator"])]
    charts.append("welfare")
    outcomes = [c for c in replicates.columns if c not in ("replicate", "seed")]
    # 0/1 outcomes by the run's data dictionary (datapackage.json); a column it does not
    # list by its values
    binary = [c for c in outcomes if (OUTCOME_UNITS[c] == "0/1" if c in OUTCOME_UNITS
                                      else replicates[c].dropna().isin([0, 1]).all())]
    # report.py puts at most MAX_GRID = 12 histograms on a page and numbers the pages
    # (outcome_histograms_1, _2, ...) when there is more than one; an outcome with no value
    # in any replicate (the date of a first summit when none was held) has no histogram.
    continuous = [c for c in outcomes if c not in binary and replicates[c].notna().any()]
    pages = math.ceil(len(continuous) / 12)
    if pages == 1:
        charts.append("outcome_histograms")
    charts += [f"outcome_histograms_{p}" for p in range(1, pages + 1) if pages > 1]
    if binary:
        charts.append("outcome_probabilities")
    return charts


def check_outcomes_table(test, parser, replicates):
    rows = {r["outcome"][0]: r for r in table_rows(parser, "outcomes-table")}
    outcomes = [c for c in replicates.columns if c not in ("replicate", "seed")]
    test.assertEqual(list(rows), outcomes)
    try:
        from scipy import stats
    except ImportError:
        stats = None
    for c in outcomes:
        # NaN marks a replicate where the outcome did not happen; n counts the others.
        v = replicates[c].dropna()
        n = len(v)
        row = rows[c]
        test.assertEqual(row["n"][0], str(n))
        if n == 0:
            test.assertEqual(row["interval"][0], "never happened")
            continue
        test.assertEqual(row["mean"][0], FMT % v.mean(), c)
        test.assertEqual(float(row["mean"][1]), float(v.mean()), c)
        test.assertEqual(row["sd"][0], FMT % v.std(), c)
        low, high = float(row["95% CI low"][1]), float(row["95% CI high"][1])
        if c in OUTCOME_UNITS and OUTCOME_UNITS[c] != "0/1":
            test.assertEqual(row["interval"][0], "t", c)  # a count that stayed 0 or 1
        elif v.isin([0, 1]).all():
            test.assertEqual(row["interval"][0], "Wilson (0/1)")
            p = v.mean()
            centre = (p + Z975 ** 2 / (2 * n)) / (1 + Z975 ** 2 / n)
            half = Z975 / (1 + Z975 ** 2 / n) * math.sqrt(p * (1 - p) / n + Z975 ** 2 / (4 * n * n))
            test.assertAlmostEqual(low, max(0.0, centre - half), places=12)
            test.assertAlmostEqual(high, min(1.0, centre + half), places=12)
        else:
            test.assertEqual(row["interval"][0], "t")
            half = (high - low) / 2
            test.assertAlmostEqual((low + high) / 2, v.mean(), delta=1e-9 * (1 + abs(v.mean())))
            if stats is not None:
                want = stats.t.ppf(0.975, n - 1) * v.std() / math.sqrt(n)
                test.assertAlmostEqual(half, want, delta=1e-7 * (1 + abs(want)))
            test.assertEqual(row["95% CI low"][0], FMT % low)


# ---------------------------------------------------------------------------------------
# The real run

class TestRunReport(ReportChecks):

    @need_run
    def test_report_of_a_real_run(self):
        """report.py on a real run: exit 0, every chart a real PNG, the HTML embeds them."""
        self.assertEqual(RUN_REPORT.returncode, 0, RUN_REPORT.stderr)
        summary = pd.read_csv(os.path.join(RUN, "summary.csv"))
        rep = pd.read_csv(os.path.join(RUN, "replicates.csv"))
        parser = self.check_report(os.path.join(RUN, "report"), expected_run_charts(summary, rep))
        fan_captions = [c for c in parser.captions if "bands between quantiles" in c]
        self.assertGreaterEqual(len(fan_captions), len(RUN_CHARTS))
        # The first fan chart explains the bands and the vertical lines; the others do not
        # repeat it (each sentence once on the page). The bands are summary.csv's own
        # quantiles, never a normal approximation from the sd.
        self.assertIn("the 90% band p05–p95", fan_captions[0])
        self.assertIn("none is derived from the sd", fan_captions[0])
        self.assertIn("tariff measures take", fan_captions[0])
        for c in fan_captions[1:]:
            self.assertNotIn("the 90% band p05–p95", c)
            self.assertNotIn("tariff measures take", c)

    @need_run
    def test_outcome_table_matches_replicates_csv(self):
        """The outcome table's means equal replicates.csv's pandas column means, formatted
        %.6g, with 95% t intervals (Wilson for 0/1 columns)."""
        rep = pd.read_csv(os.path.join(RUN, "replicates.csv"))
        parser = self.check_report(os.path.join(RUN, "report"), expected_run_charts(
            pd.read_csv(os.path.join(RUN, "summary.csv")), rep))
        check_outcomes_table(self, parser, rep)

    @need_run
    def test_key_series_table_matches_summary_csv(self):
        """Each key-series row carries summary.csv's numbers on the last date, and the peak
        of the median."""
        summary = pd.read_csv(os.path.join(RUN, "summary.csv"))
        parser = ReportParser()
        with open(os.path.join(RUN, "report", "report.html"), encoding="utf-8") as fh:
            parser.feed(fh.read())
        rows = table_rows(parser, "key-series-table")
        self.assertGreaterEqual(len(rows), 2 + 2 + 2 + 4)
        idx = summary.set_index(["indicator", "region", "partner", "sector", "date"]).sort_index()
        for r in rows:
            key = (r["indicator"][0], r["region"][0], r["partner"][0], r["sector"][0])
            line = idx.loc[key + (r["date"][0],)]
            for col in ("mean", "p05", "p50", "p95"):
                self.assertEqual(r[col][0], FMT % line[col], (key, col))
            series = idx.loc[key]
            self.assertEqual(r["peak p50"][0], FMT % series["p50"].max(), key)
            self.assertEqual(r["date"][0], summary["date"].max())
        self.assertIn(("tariff_rate", "US", "CN", "all"),
                      {(r["indicator"][0], r["region"][0], r["partner"][0], r["sector"][0])
                       for r in rows})

    @need_run
    def test_scenario_and_provenance_tables(self):
        """The measures table lists every tariff entry of scenario.yaml; the provenance
        table every key: value line of provenance.yaml."""
        parser = ReportParser()
        with open(os.path.join(RUN, "report", "report.html"), encoding="utf-8") as fh:
            parser.feed(fh.read())
        with open(os.path.join(RUN, "scenario.yaml"), encoding="utf-8") as fh:
            scen = fh.read().splitlines()
        # the effective dates of the tariffs: list only (export_controls entries have them too)
        section, effective = None, []
        for l in scen:
            if l and not l.startswith((" ", "#")):
                section = l.split(":", 1)[0]
            elif section == "tariffs" and l.startswith("    effective:"):
                effective.append(l.split(":", 1)[1].strip())
        measures = table_rows(parser, "measures-table")
        self.assertEqual([m["effective"][0] for m in measures], effective)
        prov = {}
        with open(os.path.join(RUN, "provenance.yaml"), encoding="utf-8") as fh:
            for line in fh:
                if line.strip() and not line.startswith("#"):
                    k, v = line.split(":", 1)
                    prov[k.strip()] = v.strip().strip('"')
        rows = {r["key"][0]: r["value"][0] for r in table_rows(parser, "provenance-table")}
        self.assertEqual(rows, prov)

    @need_run
    def test_out_option_replaces_an_earlier_report(self):
        """--out writes elsewhere and replaces an earlier report there, leaving no staging
        folder; a folder that is not a report is never replaced."""
        dest = os.path.join(TMP, "elsewhere")
        shutil.copytree(os.path.join(RUN, "report"), dest)
        with open(os.path.join(dest, "stale.png"), "wb") as fh:
            fh.write(b"old")
        proc = report(RUN, "--out", dest, "--quiet")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stdout, "")
        self.assertFalse(os.path.exists(os.path.join(dest, "stale.png")))
        self.assertTrue(os.path.isfile(os.path.join(dest, "report.html")))
        self.assertEqual([f for f in os.listdir(TMP) if f.startswith(".report")], [])
        keep = os.path.join(TMP, "not_a_report")
        os.mkdir(keep)
        with open(os.path.join(keep, "precious.txt"), "w") as fh:
            fh.write("keep me")
        proc = report(RUN, "--out", keep)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("refusing", proc.stderr)
        self.assertEqual(os.listdir(keep), ["precious.txt"])


# ---------------------------------------------------------------------------------------
# Error paths

def partial_copy(name, skip=(), replace=None):
    """A copy of the run directory: unchanged files as symlinks, `skip` left out,
    `replace` {file: bytes} written anew."""
    d = os.path.join(TMP, name)
    os.mkdir(d)
    for f in os.listdir(RUN):
        if f in skip or f == "report" or (replace and f in replace):
            continue
        os.symlink(os.path.join(RUN, f), os.path.join(d, f))
    for f, data in (replace or {}).items():
        with open(os.path.join(d, f), "wb") as fh:
            fh.write(data)
    return d


def read_bytes(name):
    with open(os.path.join(RUN, name), "rb") as fh:
        return fh.read()


class TestErrors(ReportChecks):

    def test_missing_directory(self):
        self.check_error(os.path.join(TMP, "does-not-exist"), ["no such directory"])

    def test_directory_without_data(self):
        d = os.path.join(TMP, "empty_dir")
        os.mkdir(d)
        self.check_error(d, ["incomplete", "no summary.csv"])

    @need_run
    def test_without_summary_csv(self):
        d = partial_copy("no_summary", skip=("summary.csv",))
        self.check_error(d, ["incomplete", "no summary.csv"])

    @need_run
    def test_without_provenance(self):
        d = partial_copy("no_provenance", skip=("provenance.yaml",))
        self.check_error(d, ["incomplete", "provenance.yaml"])

    @need_run
    def test_truncated_summary_mid_row(self):
        data = read_bytes("summary.csv")
        cut = len(data) // 2
        while data[cut - 1:cut] in (b"\n", b","):
            cut += 1
        d = partial_copy("cut_mid_row", replace={"summary.csv": data[:cut]})
        self.check_error(d, ["summary.csv", "truncated"])

    @need_run
    def test_truncated_summary_at_a_line_end(self):
        data = read_bytes("summary.csv")
        cut = data.index(b"\n", len(data) // 3) + 1
        d = partial_copy("cut_line_end", replace={"summary.csv": data[:cut]})
        self.check_error(d, ["summary.csv", "truncated"])

    @need_run
    def test_summary_row_with_a_missing_field(self):
        data = read_bytes("summary.csv")
        lines = data.split(b"\n")
        lines[7] = b",".join(lines[7].split(b",")[:-2])
        d = partial_copy("short_row", replace={"summary.csv": b"\n".join(lines)})
        self.check_error(d, ["summary.csv", "line 8", "8 fields, expected 10"])

    @need_run
    def test_summary_row_with_an_extra_field(self):
        data = read_bytes("summary.csv")
        lines = data.split(b"\n")
        lines[4] += b",1"
        d = partial_copy("long_row", replace={"summary.csv": b"\n".join(lines)})
        self.check_error(d, ["summary.csv", "line 5", "11 fields"])

    @need_run
    def test_lines_over_128_kib(self):
        """The csv module's default field limit is 128 KiB: a longer line is read whole
        and reported like any other bad line, never a traceback."""
        big = b"x" * (200 * 1024)
        lines = read_bytes("summary.csv").split(b"\n")
        short = lines[5].split(b",")[:-1]
        short[2] = big
        d = partial_copy("long_short_row",
                         replace={"summary.csv": b"\n".join(lines[:5] + [b",".join(short)] +
                                                            lines[6:])})
        self.check_error(d, ["summary.csv", "line 6", "9 fields, expected 10"])
        d = partial_copy("long_header", replace={"summary.csv": b"\n".join(
            [lines[0] + b',"' + big + b'"'] + lines[1:])})
        self.check_error(d, ["summary.csv", "line 2", "10 fields, expected 11"])
        reps = read_bytes("replicates.csv").split(b"\n")
        reps[2] = b",".join(reps[2].split(b",")[:-2]) + b"," + big + b","
        d = partial_copy("long_replicates_row", replace={"replicates.csv": b"\n".join(reps)})
        self.check_error(d, ["replicates.csv", "line 3", "empty field"])

    @need_run
    def test_empty_summary(self):
        d = partial_copy("empty_summary", replace={"summary.csv": b""})
        self.check_error(d, ["summary.csv", "empty"])

    @need_run
    def test_wrong_columns(self):
        data = read_bytes("summary.csv")
        head, rest = data.split(b"\n", 1)
        d = partial_copy("wrong_columns",
                         replace={"summary.csv": head.replace(b"p95", b"q95") + b"\n" + rest})
        self.check_error(d, ["summary.csv", "wrong columns", "p95"])

    @need_run
    def test_older_version(self):
        prov = b"".join(l for l in read_bytes("provenance.yaml").splitlines(True)
                        if not l.startswith(b"version:"))
        d = partial_copy("old_version", replace={"provenance.yaml": prov})
        self.check_error(d, ["provenance.yaml", "version", "older"])

    @need_run
    def test_truncated_replicates(self):
        data = read_bytes("replicates.csv")
        lines = data.split(b"\n")
        lines[2] = lines[2][: len(lines[2]) // 2]
        d = partial_copy("cut_replicates", replace={"replicates.csv": b"\n".join(lines)})
        self.check_error(d, ["replicates.csv", "line 3", "fields"])

    def test_truncated_compare(self):
        d = make_compare_dir("compare_cut")
        with open(os.path.join(d, "compare.csv"), "rb") as fh:
            data = fh.read()
        with open(os.path.join(d, "compare.csv"), "wb") as fh:
            fh.write(data[: len(data) - 7])
        self.check_error(d, ["compare.csv", "truncated"])
        d = make_compare_dir("compare_no_side")
        os.remove(os.path.join(d, "scenario_b.yaml"))
        self.check_error(d, ["incomplete", "compare.csv without scenario_b.yaml"])

    def test_sweep_without_parameters(self):
        d = os.path.join(TMP, "sweep_bad")
        os.mkdir(d)
        pd.DataFrame({"point": [0, 1], "outcome": ["welfare_us_end_pct"] * 2,
                      "mean": [0.1, 0.2]}).to_csv(
            os.path.join(d, "sweep_outcomes.csv"), index=False)
        self.check_error(d, ["sweep_outcomes.csv", "wrong columns", "parameter"])


# ---------------------------------------------------------------------------------------
# Future columns, compare, sweep and bench directories (synthetic files)

PROVENANCE = 'program: tradewar\nversion: "0.1.0"\nscenario_name: "{name}"\nseed: 20250101\n'


def dates(n, start="2025-01-01"):
    return [d.strftime("%Y-%m-%d") for d in pd.date_range(start, periods=n, freq="D")]


def make_compare_dir(name, package=False):
    """What `tradewar compare` writes: compare.csv (date,indicator,region,partner,sector,
    n,mean_a,mean_b,diff,paired_lo,paired_hi,unpaired_lo,unpaired_hi,ratio),
    compare_outcomes.csv (outcome and the same statistics), scenario_a.yaml,
    scenario_b.yaml and provenance.yaml; nan where a cell has no interval, as written.
    package: also datapackage.json, the data dictionary the program writes for the CSVs
    (`tradewar dictionary --package`), where the report takes the units from."""
    d = os.path.join(TMP, name)
    os.mkdir(d)
    days = dates(120)
    t = np.arange(len(days))
    rows = []
    series = [("tariff_rate", "US", "CN", "all", 60.0), ("tariff_rate", "CN", "US", "all", 50.0),
              ("imports", "US", "CN", "all", -400.0), ("imports", "CN", "US", "all", -150.0),
              ("welfare", "US", "all", "all", -0.8), ("welfare", "CN", "all", "all", -0.4),
              ("welfare", "EU", "all", "all", 0.1), ("welfare", "ROW", "all", "all", 0.05)]
    for ind, r, p, s, scale in series:
        diff = scale * (1 - np.exp(-t / 30.0))
        half = abs(scale) * 0.02 + 0.0 * t
        wide = 5 * half
        for i, day in enumerate(days):
            rows.append((day, ind, r, p, s, 32, 100.0, 100.0 + diff[i], diff[i],
                         diff[i] - half[i], diff[i] + half[i], diff[i] - wide[i],
                         diff[i] + wide[i], 5.0))
    cols = ["n", "mean_a", "mean_b", "diff", "paired_lo", "paired_hi", "unpaired_lo",
            "unpaired_hi", "ratio"]
    pd.DataFrame(rows, columns=["date", "indicator", "region", "partner", "sector"] + cols).to_csv(
        os.path.join(d, "compare.csv"), index=False)
    with open(os.path.join(d, "compare_outcomes.csv"), "w") as fh:
        fh.write("outcome," + ",".join(cols) + "\n"
                 "imports_us_from_cn_usd_bn,32,400,350,-50,-52,-48,-80,-20,15\n"
                 "peak_tariff_us_on_cn_pct,32,20,80,60,60,60,60,60,nan\n"
                 "re_us_vehicles_first_loss_day,0,nan,nan,nan,nan,nan,nan,nan,nan\n")
    with open(os.path.join(d, "provenance.yaml"), "w") as fh:
        fh.write(PROVENANCE.format(name="compare-baseline-vs-history")
                 + 'replicates: 32\nscenario_a_name: "baseline"\nscenario_b_name: "history"\n')
    with open(os.path.join(d, "scenario_a.yaml"), "w") as fh:
        fh.write("name: baseline\nstart: 2025-01-01\nend: 2025-04-30\n")
    with open(os.path.join(d, "scenario_b.yaml"), "w") as fh:
        fh.write("name: history\nstart: 2025-01-01\nend: 2025-04-30\ntariffs:\n"
                 "  - measure: fentanyl\n    imposer: US\n    target: CN\n    sectors: all\n"
                 "    rate: 10\n    effective: 2025-02-04\n"
                 "  - measure: farm_goods\n    imposer: CN\n    target: US\n    sectors:\n"
                 "      - agriculture\n    rate: 12\n    effective: 2025-03-10\n")
    if package:
        subprocess.run([TW_BIN, "dictionary", "--package", d], check=True, timeout=120)
    return d


def make_sweep_dir(name):
    """sweep_outcomes.csv as the program writes it: point, the parameter columns (scenario
    keys), outcome, n, mean, sd, p05, p50, p95; and sensitivity.csv:
    outcome,parameter,first_order."""
    d = os.path.join(TMP, name)
    os.mkdir(d)
    rng = np.random.default_rng(7)
    rows, point = [], 0
    for per_cell in (300, 1000, 3000):
        for pt in (0.5, 0.75, 0.94, 1.0):
            values = {"imports_us_from_cn_usd_bn":
                      240 - 30 * pt + 2 * math.log(per_cell) + rng.normal(0, 1),
                      "welfare_us_end_pct":
                      -0.9 * pt - 0.01 * math.log(per_cell) + rng.normal(0, 0.02),
                      "escalation": float(rng.random() < pt / 2)}
            for outcome, v in values.items():
                rows.append({"point": point, "firms.per_cell": per_cell,
                             "model.pass_through": pt, "outcome": outcome, "n": 8,
                             "mean": v, "sd": 0.1, "p05": v - 0.2, "p50": v, "p95": v + 0.2})
            point += 1
    pd.DataFrame(rows).to_csv(os.path.join(d, "sweep_outcomes.csv"), index=False)
    pd.DataFrame([("imports_us_from_cn_usd_bn", "firms.per_cell", 0.12),
                  ("imports_us_from_cn_usd_bn", "model.pass_through", 0.81),
                  ("welfare_us_end_pct", "firms.per_cell", 0.02),
                  ("welfare_us_end_pct", "model.pass_through", 0.95)],
                 columns=["outcome", "parameter", "first_order"]).to_csv(
        os.path.join(d, "sensitivity.csv"), index=False)
    return d


def make_bench_dir(name, minimal=False):
    """bench.csv with bench/run's names: kind,level,threads,ranks,firms,seconds_median,rate,
    efficiency (all but kind, threads and seconds_median optional)."""
    d = os.path.join(TMP, name)
    os.mkdir(d)
    rows = []
    for level, serial in (("replicates", 0.02), ("agents", 0.08)):
        for threads in (1, 2, 4, 8):
            for repeat in range(2):
                secs = 40.0 * (serial + (1 - serial) / threads) * (1 + 0.01 * repeat)
                rows.append(dict(kind="strong", level=level, threads=threads, ranks=1,
                                 firms=10000, seconds=secs, rate=10000 * 365 * 32 / secs))
                wsecs = 10.0 * (1 + 0.05 * math.log2(threads)) * (1 + 0.01 * repeat)
                rows.append(dict(kind="weak", level=level, threads=threads, ranks=1,
                                 firms=2500 * threads, seconds=wsecs,
                                 rate=2500 * threads * 365 * 32 / wsecs))
    df = pd.DataFrame(rows)
    if minimal:
        df = df[df["kind"] == "strong"][["kind", "threads", "seconds"]]
    else:
        base = df.groupby(["kind", "level"])["seconds"].transform("first")
        df["efficiency"] = np.where(df["kind"] == "strong", base / (df["seconds"] * df["threads"]),
                                    base / df["seconds"])
    df.rename(columns={"seconds": "seconds_median"}).to_csv(os.path.join(d, "bench.csv"),
                                                           index=False)
    return d


class TestOtherOutputs(ReportChecks):

    @need_run
    def test_future_indicators_quartiles_and_binary_outcomes(self):
        """A later version's run: p25/p75 columns, rare-earth indicators and 0/1 outcome
        columns give the rare-earth fan charts, the quartile band and probabilities."""
        summary = pd.read_csv(os.path.join(RUN, "summary.csv"), dtype={"date": str})
        keep = (summary["sector"] == "all") & summary["indicator"].isin(
            ["tariff_rate", "imports", "partner_import_share", "welfare"]) & (
            summary["region"].isin(["US", "CN"]) | (summary["indicator"] == "welfare"))
        small = summary[keep].copy()
        extra = []
        for i, day in enumerate(sorted(small["date"].unique())):
            for ind in FUTURE_INDICATORS:
                for region in ("US", "CN"):
                    m = 100 + i * 0.1
                    extra.append((day, ind, region, "all", "all", m, 5.0, m - 8, m, m + 8))
        small = pd.concat([small, pd.DataFrame(extra, columns=small.columns)])
        small = small.sort_values(["date", "indicator"], kind="stable")
        small["p25"] = small["p50"] - 0.5 * small["sd"]
        small["p75"] = small["p50"] + 0.5 * small["sd"]
        rep = pd.read_csv(os.path.join(RUN, "replicates.csv"))
        rep["escalation"] = [1, 0, 1, 1, 0][: len(rep)]
        rep["shortage"] = 0
        d = partial_copy("future", replace={
            "summary.csv": small.to_csv(index=False, float_format="%.10g").encode(),
            "replicates.csv": rep.to_csv(index=False, float_format="%.10g", na_rep="nan").encode()})
        proc = report(d)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        charts = expected_run_charts(small, rep)
        self.assertIn("re_shipments", charts)
        self.assertIn("outcome_probabilities", charts)
        parser = self.check_report(os.path.join(d, "report"), charts)
        fan = [c for c in parser.captions if "bands between quantiles" in c]
        self.assertEqual(len(fan), len(RUN_CHARTS) + len(FUTURE_INDICATORS))
        # The first fan chart says where its bands come from; the others do not repeat it.
        self.assertIn("the 50% band p25–p75", fan[0])
        self.assertEqual(sum("the 50% band p25–p75" in c for c in fan), 1)
        check_outcomes_table(self, parser, pd.read_csv(os.path.join(d, "replicates.csv")))

    @need_run
    def test_compare_directory(self):
        d = make_compare_dir("compare", package=True)
        proc = report(d)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        parser = self.check_report(os.path.join(d, "report"),
                                   ["paired_tariff_rates", "paired_imports_bilateral",
                                    "paired_welfare"])
        paired = pd.read_csv(os.path.join(d, "compare.csv"))
        last = paired[paired["date"] == paired["date"].max()].set_index(
            ["indicator", "region", "partner", "sector"])
        rows = table_rows(parser, "paired-table")
        self.assertEqual(len(rows), 8)
        for r in rows:
            line = last.loc[(r["indicator"][0], r["region"][0], r["partner"][0], r["sector"][0])]
            for head, col in (("B − A", "diff"), ("paired low", "paired_lo"),
                              ("paired high", "paired_hi"), ("mean A", "mean_a")):
                self.assertEqual(r[head][0], FMT % line[col])
        outc = {r["outcome"][0]: r for r in table_rows(parser, "compare-outcomes-table")}
        self.assertEqual(sorted(outc), ["imports_us_from_cn_usd_bn", "peak_tariff_us_on_cn_pct",
                                        "re_us_vehicles_first_loss_day"])
        self.assertEqual(outc["imports_us_from_cn_usd_bn"]["paired CI excludes 0"][0], "yes")
        self.assertEqual(outc["peak_tariff_us_on_cn_pct"]["paired CI excludes 0"][0], "exact")
        self.assertEqual(outc["re_us_vehicles_first_loss_day"]["paired CI excludes 0"][0],
                         "no pairs")

    def test_sweep_directory(self):
        for name in ("sweep",):
            d = make_sweep_dir(name)
            proc = report(d)
            self.assertEqual(proc.returncode, 0, proc.stderr)
            parser = self.check_report(os.path.join(d, "report"),
                                       ["sweep_response_1", "sweep_response_2", "sweep_tornado",
                                        "sweep_sensitivity"])
            sens = table_rows(parser, "sensitivity-table")
            self.assertEqual([r["first_order"][0] for r in sens],
                             ["0.12", "0.81", "0.02", "0.95"])
            points = table_rows(parser, "sweep-table")
            self.assertEqual(len(points), 12)

    def test_bench_directory(self):
        d = make_bench_dir("bench")
        proc = report(d)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        parser = self.check_report(os.path.join(d, "report"), [
            "bench_speedup", "bench_weak_seconds", "bench_efficiency", "bench_rate"])
        rows = table_rows(parser, "bench-table")
        self.assertEqual(len(rows), 16)
        d = make_bench_dir("bench_minimal", minimal=True)
        proc = report(d)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.check_report(os.path.join(d, "report"), ["bench_speedup", "bench_efficiency"])


if __name__ == "__main__":
    t0 = time.time()
    prog = unittest.main(exit=False, verbosity=2)
    print(f"test_report.py: {time.time() - t0:.1f} s"
          + (f" (report of the real run: {RUN_SECONDS:.1f} s)" if RUN_SECONDS else ""),
          file=sys.stderr)
    sys.exit(0 if prog.result.wasSuccessful() else 1)
