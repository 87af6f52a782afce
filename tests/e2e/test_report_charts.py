#!/usr/bin/env python3
"""End-to-end: what analysis/report.py draws, read from the charts themselves.

Each case runs the real program on real scenario files, then the report on what it wrote,
in this process with Charts.save wrapped so that every figure is inspected as it is saved
(its titles, the labels above its time axes with their extents as drawn, the lines and
error bars of each panel), and reads the HTML page back:

  - a sweep over a key the scenario also draws per replicate (governments.US.resolve):
    the report runs; the swept key is one column, the drawn parameters are no outcomes;
    the grid's points carry error bars and its main effect is joined by a line;
  - a Latin-hypercube sweep whose peak tariff does not vary (first-order index nan): the
    report runs, the index reads n/a, the points carry error bars and are not joined;
  - a run with events: every marker on the time axes is numbered, its words come from the
    scenario's notes (no measure id), no two labels overlap, the truce deadline and what
    happened at it are marked, the bands are summary.csv's quantiles; every chart title
    says how many replicates it shows; the headline sentences round their numbers.

Run by CTest as py/test_report_charts with TW_BIN and TW_SOURCE_DIR.
"""
import html.parser
import itertools
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

import pandas as pd

TW_BIN = os.environ.get("TW_BIN", "")
SRC = os.environ.get("TW_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURES = os.path.join(SRC, "tests", "e2e", "fixtures")
GENEVA = os.path.join(SRC, "scenarios", "geneva-truce.yaml")
SMALL = ["-s", "1", "--set", "firms.per_cell=20", "--set", "rare_earths.per_cell=20",
         "--set", "output.interval_days=30", "-q", "-f"]

sys.path.insert(0, os.path.join(SRC, "analysis"))
import report  # noqa: E402  (analysis/report.py, the entry point under test)


class Page(html.parser.HTMLParser):
    """The page's tables by id (rows of cell texts, header first) and headline items."""

    def __init__(self, path):
        super().__init__()
        self.tables, self.headline = {}, []
        self._id = self._row = self._cell = self._li = None
        self._in_headline = False
        with open(path, encoding="utf-8") as f:
            self.feed(f.read())

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self._id = a.get("id")
            self.tables[self._id] = []
        elif tag == "tr" and self._id:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = ""
        elif tag == "ul" and a.get("id") == "headline":
            self._in_headline = True
        elif tag == "li" and self._in_headline:
            self._li = ""

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data
        if self._li is not None:
            self._li += data

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(self._cell.strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[self._id].append(self._row)
            self._row = None
        elif tag == "table":
            self._id = None
        elif tag == "li" and self._li is not None:
            self.headline.append(self._li.strip())
            self._li = None
        elif tag == "ul":
            self._in_headline = False


def inspect(fig):
    """What a saved figure shows: titles, the strip's labels with their drawn extents, and
    per panel its error-bar containers and the lines that join two or more points."""
    from matplotlib.container import ErrorbarContainer
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    info = {"titles": [t.get_text() for t in fig.texts] +
                      [ax.get_title(loc="left") or ax.get_title() for ax in fig.axes],
            "strip": [], "panels": []}
    if fig._suptitle is not None:
        info["titles"].insert(0, fig._suptitle.get_text())
    for ax in fig.axes:
        if not ax.axison:   # the strip of labels above time charts
            info["strip"] += [(t.get_text().strip(), t.get_window_extent(renderer))
                              for t in ax.texts]
            continue
        bars = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
        inner = {id(line) for c in bars for line in c.lines[:1] if line is not None}
        joined = [line for line in ax.get_lines() if id(line) not in inner and
                  line.get_linestyle() not in ("None", "", " ") and
                  len(line.get_xdata()) > 1 and line.get_label() != "_nolegend_"]
        info["panels"].append({"title": ax.get_title(loc="left"), "errorbars": len(bars),
                               "joined": len(joined)})
    return info


class ReportCharts(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not TW_BIN or not os.access(TW_BIN, os.X_OK):
            raise unittest.SkipTest("TW_BIN is not set to the tradewar program")
        cls.tmp = tempfile.mkdtemp(prefix="tw_report_charts_")
        cls.saved = {}
        original = report.Charts.save

        def save(self, fig, section, fid, title, caption, unit=None):
            cls.saved[fid] = dict(inspect(fig), caption=caption)
            return original(self, fig, section, fid, title, caption, unit)
        cls._original = original
        report.Charts.save = save

    @classmethod
    def tearDownClass(cls):
        report.Charts.save = cls._original
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def tradewar(self, args):
        p = subprocess.run([TW_BIN] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True, timeout=600)
        self.assertEqual(p.returncode, 0, p.stderr)

    def report(self, outdir):
        """The report of outdir, made in this process: (the page, the charts inspected)."""
        self.saved.clear()
        dest = outdir + "-report"
        rc = report.main([outdir, "--out", dest, "-q"])
        self.assertEqual(rc, 0, f"report.py on {outdir} failed")
        return Page(os.path.join(dest, "report.html")), dict(self.saved)

    def test_sweep_of_a_drawn_parameter(self):
        out = os.path.join(self.tmp, "drawn")
        self.tradewar(["run", os.path.join(FIXTURES, "sweep_drawn.yaml"), "-o", out, "-n", "3",
                       "--set", "end=2025-09-30"] + SMALL)
        long = pd.read_csv(os.path.join(out, "sweep_outcomes.csv"))
        self.assertIn("governments.US.resolve", set(long["outcome"]),
                      "the drawn parameter is also a row of sweep_outcomes.csv")
        page, charts = self.report(out)
        header = page.tables["sweep-table"][0]
        self.assertEqual(header.count("governments.US.resolve"), 1, header)
        self.assertEqual([c for c in header if "." in c], ["governments.US.resolve"],
                         "drawn parameters are not outcomes")
        self.assertEqual(len(page.tables["sweep-table"]) - 1, 3)
        chart = charts["sweep_response_1"]
        self.assertIn("(3 points × 3 replicates)", chart["titles"][0])
        for panel in chart["panels"]:
            self.assertEqual(panel["errorbars"], 1, panel)
            self.assertEqual(panel["joined"], 1, f"a grid joins its main effect: {panel}")

    def test_lhs_sweep_with_an_index_of_nan(self):
        out = os.path.join(self.tmp, "lhs")
        self.tradewar(["run", os.path.join(FIXTURES, "sweep_lhs.yaml"), "-o", out, "-n", "3",
                       "--set", "end=2025-06-30"] + SMALL)
        sens = pd.read_csv(os.path.join(out, "sensitivity.csv"))
        flat = sens[sens["outcome"] == "peak_tariff_us_on_cn_pct"]["first_order"]
        self.assertTrue(flat.isna().all(), "the scripted peak tariff does not vary")
        page, charts = self.report(out)
        rows = {r[0]: r for r in page.tables["sensitivity-table"][1:]}
        self.assertEqual(rows["peak_tariff_us_on_cn_pct"][2], "n/a")
        self.assertFalse(any("peak_tariff_us_on_cn_pct moves most" in h for h in page.headline))
        self.assertTrue(any("imports_us_from_cn_usd_bn moves most" in h for h in page.headline))
        chart = charts["sweep_response_1"]
        self.assertIn("(5 points × 3 replicates)", chart["titles"][0])
        for panel in chart["panels"]:
            self.assertEqual(panel["errorbars"], 1, panel)
            self.assertEqual(panel["joined"], 0, f"Latin-hypercube points stand alone: {panel}")
        self.assertIn("sensitivity", " ".join(charts["sweep_sensitivity"]["titles"]))
        self.assertIn("(5 points × 3 replicates)", charts["sweep_sensitivity"]["titles"][0])

    def test_run_markers_bands_titles_and_headline(self):
        out = os.path.join(self.tmp, "geneva")
        self.tradewar(["run", GENEVA, "-o", out, "-n", "6"] + SMALL)
        page, charts = self.report(out)
        scenario = report.read_yaml_file(os.path.join(out, "scenario.yaml"), "scenario.yaml")[0]
        ids = {t["measure"] for t in scenario["tariffs"] if "_" in t["measure"]}  # s232_metals
        self.assertIn("s232_metals", ids)
        marks = page.tables["markers-table"]
        self.assertEqual(marks[0], ["mark", "date", "what"])
        whats = {r[1]: r[2] for r in marks[1:]}
        # the truce deadline of the scenario, and what happened at it in events.csv
        until = scenario["events"]["truce"]["in_force"]["until"]
        self.assertIn("truce deadline", whats.get(until, ""), whats)
        ev = pd.read_csv(os.path.join(out, "events.csv"))
        for event, words in (("truce_extended", "truce extended"),
                             ("snap_back", "truce expires: tariffs snap back")):
            k = ev[ev["event"] == event]["replicate"].nunique()
            if k:
                self.assertTrue(any(f"{words}: {k}/6" in w for w in whats.values()),
                                (words, k, whats))
        fan = charts["tariff_rates"]
        labels = [t for t, _ in fan["strip"]]
        numbers = sorted(int(t.split()[0]) for t in labels)
        self.assertEqual(numbers, list(range(1, len(marks))), "every marker is numbered")
        words = [t for t in labels if " " in t]
        self.assertGreaterEqual(len(words), len(labels) // 2, labels)
        for t in labels:
            self.assertFalse({w for w in re.findall(r"[A-Za-z0-9_]+", t)} & ids,
                             f"an internal measure id in {t!r}")
        self.assertTrue(any(re.match(r"\d+ US on China: [a-z]", t) for t in labels), labels)
        for (a, ea), (b, eb) in itertools.combinations(fan["strip"], 2):
            self.assertFalse(ea.overlaps(eb), f"{a!r} overlaps {b!r}")
        # bands: the quantiles of summary.csv, not a normal approximation
        self.assertIn("the 90% band p05–p95", fan["caption"])
        self.assertNotIn("sd", " ".join(labels))
        # every chart says how many replicates it shows
        for fid, chart in charts.items():
            self.assertRegex(chart["titles"][0], r"\(6 replicates\)|6 replicates", fid)
        # the headline: numbers to three significant digits at most
        self.assertTrue(page.headline)
        for line in page.headline:
            for number in re.findall(r"-?\d+(?:\.\d+)?", line):
                digits = number.lstrip("-").replace(".", "").lstrip("0")
                self.assertLessEqual(len(digits), 3, f"{number} in {line!r}")


if __name__ == "__main__":
    unittest.main(verbosity=2)
