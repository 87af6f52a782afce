#!/usr/bin/env python3
"""End-to-end: analysis/report.py reads every output the program writes.

Each case runs the real program, then the report on its directory, and checks the
report's own files: a sweep (sweep_outcomes.csv, sweep_points.csv, sensitivity.csv), a run
with --compress (summary.csv.gz) and its score (score/score.csv), the score directory on
its own, and the benchmark program's bench.csv (tw_bench, the figures bench/run collects).
The tables of the page must carry the numbers of the files they come from, and the
units come only from the output's datapackage.json: an entry without one is refused.

Run by CTest as py/test_report_outputs with TW_BIN and TW_SOURCE_DIR.
"""
import html.parser
import json
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
REPORT = os.path.join(SRC, "analysis", "report.py")
HISTORY = os.path.join(SRC, "scenarios", "history-2025-four.yaml")
GENEVA = os.path.join(SRC, "scenarios", "geneva-truce.yaml")
SWEEP = os.path.join(SRC, "tests", "e2e", "fixtures", "sweep_grid.yaml")
OBSERVED = os.path.join(SRC, "analysis", "examples", "observed-2024-average.csv")
TINY = ["-n", "4", "-s", "5", "--set", "firms.per_cell=20", "--set", "rare_earths.per_cell=20",
        "--set", "end=2025-04-30",
        "-t", "2", "-q", "-f"]


def run(args, **kw):
    return subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=600, **kw)


class Tables(html.parser.HTMLParser):
    """The page's tables by id (a list of rows of cell texts, header row first), its
    figures (attributes of each img), captions and headline items."""

    def __init__(self):
        super().__init__()
        self.tables, self.figures, self._id, self._row, self._cell = {}, [], None, None, None
        self.captions, self.headline, self._text, self._where = [], [], None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self._id = a.get("id")
            self.tables[self._id] = []
        elif tag == "tr" and self._id is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = ""
        elif tag == "img":
            self.figures.append(a)
        elif tag == "ul" and a.get("id") == "headline":
            self._where = "headline"
        elif tag == "figcaption" or (tag == "li" and self._where == "headline"):
            self._text = ""

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data
        if self._text is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "figcaption" and self._text is not None:
            self.captions.append(self._text.strip())
            self._text = None
        elif tag == "li" and self._where == "headline" and self._text is not None:
            self.headline.append(self._text.strip())
            self._text = None
        elif tag == "ul":
            self._where = None
        if tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append(self._cell.strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[self._id].append(self._row)
            self._row = None
        elif tag == "table":
            self._id = None


class ReportOfEachOutput(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="tw_report_outputs_")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def report(self, outdir, pngs):
        dest = os.path.join(self.tmp, "report-" + os.path.basename(outdir))
        p = run(["/usr/bin/python3", REPORT, outdir, "--out", dest, "-q"])
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(dest, "report.html"), encoding="utf-8") as f:
            page = Tables()
            page.feed(f.read())
        for png in pngs:
            self.assertTrue(os.path.isfile(os.path.join(dest, png + ".png")), png)
        return page

    def test_sweep(self):
        out = os.path.join(self.tmp, "sweep")
        p = run([TW_BIN, "run", SWEEP, "-o", out, "-n", "2", "-s", "1", "--set",
                 "firms.per_cell=20", "--set", "rare_earths.per_cell=20", "--set",
                 "end=2025-04-30", "-q", "-f"])
        self.assertEqual(p.returncode, 0, p.stderr)
        page = self.report(out, ["sweep_response_1", "sweep_response_2", "sweep_tornado",
                                 "sweep_sensitivity"])
        points = pd.read_csv(os.path.join(out, "sweep_points.csv"))
        rows = page.tables["sweep-table"]
        self.assertEqual(rows[0][:3], ["point", "tariffs[2].rate", "model.pass_through"])
        self.assertEqual(len(rows) - 1, len(points))
        # Each point's outcome is the mean of sweep_outcomes.csv for that point.
        long = pd.read_csv(os.path.join(out, "sweep_outcomes.csv"))
        col = rows[0].index("peak_tariff_us_on_cn_pct")
        for r in rows[1:]:
            want = long[(long["point"] == int(r[0])) &
                        (long["outcome"] == "peak_tariff_us_on_cn_pct")]["mean"].iloc[0]
            self.assertAlmostEqual(float(r[col]), want, delta=abs(want) * 1e-5)
        sens = pd.read_csv(os.path.join(out, "sensitivity.csv"))
        rows = page.tables["sensitivity-table"]
        self.assertEqual(rows[0], ["outcome", "parameter", "first_order"])
        self.assertEqual(len(rows) - 1, len(sens))

    def test_compressed_run_and_its_score(self):
        out = os.path.join(self.tmp, "run")
        p = run([TW_BIN, "run", HISTORY, "-o", out, "--trajectories", "--compress"] + TINY)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertFalse(os.path.exists(os.path.join(out, "summary.csv")))
        observed = os.path.join(self.tmp, "observed.csv")
        with open(OBSERVED) as f, open(observed, "w") as o:
            o.writelines(line for line in f if not line.startswith("2025-") or
                         line[:7] <= "2025-04")
        p = run([TW_BIN, "score", out, observed, "-q"])
        self.assertEqual(p.returncode, 0, p.stderr)
        score = pd.read_csv(os.path.join(out, "score", "score.csv"))
        for outdir in (out, os.path.join(out, "score")):
            with self.subTest(outdir=outdir):
                page = self.report(outdir, [])
                # the run's own sections come from summary.csv.gz; the score directory
                # alone has only its scores
                self.assertEqual("key-series-table" in page.tables, outdir == out)
                rows = page.tables["score-table"]
                self.assertEqual(rows[0][:5], ["indicator", "region", "partner", "sector",
                                               "n"])
                self.assertEqual([r[0] for r in rows[1:]], list(score["indicator"]))
                self.assertEqual([int(r[4]) for r in rows[1:]], list(score["n"]))

    def test_charts_explain_themselves(self):
        """A run with governments, events and export controls: the headline answers in
        words first, the units of the data dictionary on the axes, the events of
        events.csv marked, gov_pain and truce_active charted, probabilities only for 0/1
        outcomes, and no caption sentence said twice."""
        out = os.path.join(self.tmp, "geneva")
        p = run([TW_BIN, "run", GENEVA, "-o", out, "-n", "4", "-s", "5", "--set",
                 "firms.per_cell=20", "--set", "rare_earths.per_cell=200", "-t", "2", "-q",
                 "-f"])
        self.assertEqual(p.returncode, 0, p.stderr)
        page = self.report(out, ["gov_pain", "truce_active", "re_firms_halted",
                                 "outcome_probabilities"])
        with open(os.path.join(out, "datapackage.json")) as f:
            pkg = json.load(f)
        units = {d["name"]: d["unit"] for d in pkg["indicators"] + pkg["outcomes"]}
        defs = {d["name"]: d["definition"] for d in pkg["outcomes"]}
        # axes: the unit of each charted indicator is the dictionary's
        shown = {os.path.splitext(f["data-file"])[0]: f.get("data-unit") for f in page.figures}
        for ind in ("re_firms_halted", "output_loss", "gdp", "gov_pain", "re_shipments"):
            self.assertEqual(shown[ind], units[ind], ind)
        self.assertEqual(shown["truce_active"], "share of replicates")
        # events.csv: the first truce, leader call and export-control change are marked
        ev = pd.read_csv(os.path.join(out, "events.csv"))
        marks = [r[2] for r in page.tables["markers-table"][1:]]
        for event, label in (("^truce_in_force$", "truce starts"),
                             ("^leader_call$", "leader call"),
                             ("^(?:tighten|restore)_controls$", "export controls tightened")):
            k = ev[ev["event"].str.contains(event)]["replicate"].nunique()
            self.assertGreater(k, 0, event)
            self.assertTrue(any(f"{label}: {k}/4" in m for m in marks), (label, k, marks))
        # probabilities only for the dictionary's 0/1 outcomes
        rows = page.tables["outcomes-table"]
        col = rows[0].index("interval")
        for r in rows[1:]:
            if r[col] != "never happened" and r[0] in units:
                self.assertEqual(r[col] == "Wilson (0/1)", units[r[0]] == "0/1", r[0])
        # the first page in words, from the outcomes' definitions
        self.assertTrue(page.headline)
        self.assertTrue(any(line.startswith(defs["imports_us_from_cn_usd_bn"][:20])
                            for line in page.headline), page.headline[:3])
        self.assertTrue(any(" replicates (" in line for line in page.headline))
        # no sentence of a caption repeats under another chart
        seen = set()
        for c in page.captions:
            for sentence in re.split(r"(?<=[.)])\s+(?=[A-Z0-9])", c)[1:]:
                self.assertNotIn(sentence, seen)
                seen.add(sentence)
        with open(os.path.join(self.tmp, "report-geneva", "report.html")) as f:
            self.assertNotIn("units of summary.csv", f.read())

    def test_units_come_only_from_the_datapackage(self):
        """The report keeps no units of its own: an entry of datapackage.json without a
        unit, or a charted indicator without an entry, is refused (exit 2) naming
        datapackage.json, the entry and the field, and nothing is drawn."""
        out = os.path.join(self.tmp, "units")
        p = run([TW_BIN, "run", HISTORY, "-o", out] + TINY)
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(out, "datapackage.json")) as f:
            pkg = json.load(f)
        k = next(i for i, d in enumerate(pkg["indicators"]) if d["name"] == "tariff_rate")
        j = len(pkg["outcomes"]) - 1
        cases = {
            "no-unit": (lambda q: q["indicators"][k].pop("unit"),
                        f"datapackage.json: indicators[{k}] (tariff_rate): no unit "
                        "(the field 'unit')"),
            "empty-outcome-unit": (lambda q: q["outcomes"][j].update(unit=""),
                                   f"datapackage.json: outcomes[{j}] "
                                   f"({pkg['outcomes'][j]['name']}): no unit"),
            "no-entry": (lambda q: q["indicators"].pop(k),
                         "datapackage.json: no entry for the indicator tariff_rate under "
                         "indicators"),
        }
        for name, (change, message) in cases.items():
            with self.subTest(case=name):
                bad = os.path.join(self.tmp, "units-" + name)
                shutil.copytree(out, bad)
                q = json.loads(json.dumps(pkg))
                change(q)
                with open(os.path.join(bad, "datapackage.json"), "w") as f:
                    json.dump(q, f)
                dest = os.path.join(self.tmp, "report-units-" + name)
                p = run(["/usr/bin/python3", REPORT, bad, "--out", dest, "-q"])
                self.assertEqual(p.returncode, 2, p.stderr)
                self.assertIn(message, p.stderr)
                self.assertFalse(os.path.exists(os.path.join(dest, "report.html")))

    def test_bench(self):
        bench = os.path.join(os.path.dirname(TW_BIN), "tw_bench")
        if not os.access(bench, os.X_OK):
            self.skipTest("no tw_bench beside the program")
        out = os.path.join(self.tmp, "bench")
        os.mkdir(out)
        p = run([bench, "--quick", "--mode", "firm,replicates", "--firms", "4096",
                 "--weak-firms", "4096", "--days", "3", "--threads", "1,2", "--repeats", "1",
                 "--rep-firms", "3200", "--rep-days", "5", "--csv",
                 os.path.join(out, "bench.csv")])
        self.assertEqual(p.returncode, 0, p.stderr)
        df = pd.read_csv(os.path.join(out, "bench.csv"))
        page = self.report(out, ["bench_speedup", "bench_weak_seconds", "bench_efficiency",
                                 "bench_rate"])
        rows = page.tables["bench-table"]
        timed = df[df["seconds_median"].notna()]
        self.assertEqual(len(rows) - 1, len(timed))
        series = {r[0] for r in rows[1:]}
        self.assertIn("firm_step_strong (firm-steps/s), agents, 4096 firms", series)


if __name__ == "__main__":
    if not TW_BIN or not os.access(TW_BIN, os.X_OK):
        sys.exit("TW_BIN must name the tradewar program")
    unittest.main()
