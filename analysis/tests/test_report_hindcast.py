#!/usr/bin/env python3
"""analysis/report.py on a hindcast directory (hindcast.csv as `tradewar hindcast` writes
it), on a small file written here with known answers:

  - the scores table: Brier mean (p - o)^2, log -mean ln q with q the probability given to
    what happened kept inside [1/(2R), 1 - 1/(2R)], and the climatology's, overall and per
    group, each cell's data-value read back and set against pandas on the file;
  - the reliability table: the decisions, mean forecast and observed share of each bin of
    0.2 (the last bin holds 1.0), empty bins shown empty;
  - the reliability diagram (hindcast_reliability.png) embedded, the headline sentence;
  - a hindcast.csv with an outcome that is not 0/1, or without its probability column, is
    refused with exit 2 and nothing written.

    /usr/bin/python3 analysis/tests/test_report_hindcast.py
"""
import math
import os
import re
import subprocess
import sys
import tempfile
import unittest

import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.environ.get("TW_SOURCE_DIR") or os.path.abspath(os.path.join(HERE, "..", ".."))
REPORT = os.path.join(SRC, "analysis", "report.py")
R = 10
HEADER = "episode,date,outcome,probability,climatology,group,id,kind,replicates\n"
ROWS = [  # episode, date, outcome, probability, climatology, group
    ("a", "2019-01-01", 1, 0.9, 0.6, "retaliate"),
    ("a", "2019-01-05", 0, 0.3, 0.6, "contact_deal"),
    ("b", "2019-02-01", 1, 0.5, 0.5, "expiry_extend"),
    ("b", "2019-03-01", 1, 1.0, 0.5, "retaliate"),
    ("c", "2019-04-01", 0, 0.0, 0.7, "contact_deal"),
]


def write_dir(d, rows=ROWS, header=HEADER):
    os.makedirs(d)
    with open(os.path.join(d, "hindcast.csv"), "w", encoding="utf-8") as f:
        f.write(header)
        for k, (ep, date, o, p, c, g) in enumerate(rows):
            f.write(f"{ep},{date},{o},{p:.6f},{c:.6f},{g},{k + 1},x,{R}\n")
    with open(os.path.join(d, "provenance.yaml"), "w", encoding="utf-8") as f:
        f.write(f'program: tradewar\nversion: "0.1.0"\nkind: hindcast\nreplicates: {R}\n')


def cells(page, table_id):
    """The rows of a table of the page: each cell's data-value (numbers) or text."""
    body = re.search(rf'<table id="{table_id}">.*?<tbody>(.*?)</tbody>', page, re.S).group(1)
    out = []
    for tr in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        row = []
        for m in re.finditer(r'<td(?: class="num" data-value="([^"]*)")?>(.*?)</td>', tr):
            row.append(float(m.group(1)) if m.group(1) is not None else m.group(2))
        out.append(row)
    return out


def expected(df):
    o, p, c = df["outcome"], df["probability"], df["climatology"]
    q = (o * p + (1 - o) * (1 - p)).clip(1 / (2 * R), 1 - 1 / (2 * R))
    return [((p - o) ** 2).mean(), ((c - o) ** 2).mean(), -q.map(math.log).mean(),
            -(o * c + (1 - o) * (1 - c)).map(math.log).mean()]


class HindcastReport(unittest.TestCase):
    def test_tables_and_chart(self):
        with tempfile.TemporaryDirectory() as t:
            d = os.path.join(t, "hc")
            write_dir(d)
            res = subprocess.run([sys.executable, REPORT, d, "-q"], capture_output=True,
                                 text=True)
            self.assertEqual(res.returncode, 0, res.stderr)
            with open(os.path.join(d, "report", "report.html"), encoding="utf-8") as f:
                page = f.read()
            self.assertGreater(os.path.getsize(os.path.join(d, "report",
                                                            "hindcast_reliability.png")), 5000)
            df = pd.read_csv(os.path.join(d, "hindcast.csv"))
        self.assertIn('data-file="hindcast_reliability.png"', page)
        # by hand: Brier (0.01 + 0.09 + 0.25 + 0 + 0) / 5 = 0.07
        self.assertAlmostEqual(expected(df)[0], 0.07, places=12)
        sc = cells(page, "hindcast-scores-table")
        self.assertEqual(sc[0][:2], ["all", 5.0])
        for got, want in zip(sc[0][2:], expected(df)):
            self.assertAlmostEqual(got, want, places=12)
        groups = {r[0]: r for r in sc[1:]}
        self.assertEqual(set(groups), set(df["group"]))
        for g, sub in df.groupby("group"):
            self.assertEqual(groups[g][1], len(sub))
            for got, want in zip(groups[g][2:], expected(sub)):
                self.assertAlmostEqual(got, want, places=12)
        rel = cells(page, "hindcast-reliability-table")
        self.assertEqual([r[0] for r in rel], ["0.0-0.2", "0.2-0.4", "0.4-0.6", "0.6-0.8",
                                               "0.8-1.0"])
        # 0.0 | 0.3 | 0.5 | none | 0.9 and 1.0
        self.assertEqual([r[1] for r in rel], [1.0, 1.0, 1.0, 0.0, 2.0])
        self.assertAlmostEqual(rel[4][2], 0.95, places=12)
        self.assertAlmostEqual(rel[4][3], 1.0, places=12)
        self.assertAlmostEqual(rel[1][3], 0.0, places=12)
        self.assertTrue(math.isnan(rel[3][2]))
        self.assertIn("Over 5 decision points of 2018 to May 2025, the hindcast beats the "
                      "climatology on the Brier score (0.070 against", page)

    def test_refusals(self):
        bad = [list(r) for r in ROWS]
        bad[2][2] = 2
        cases = [(dict(rows=[tuple(r) for r in bad]), r"hindcast.csv: data row 3: outcome"),
                 (dict(header=HEADER.replace("probability", "prob")),
                  r"hindcast.csv: wrong columns: no probability")]
        for kw, pattern in cases:
            with self.subTest(pattern=pattern), tempfile.TemporaryDirectory() as t:
                d = os.path.join(t, "hc")
                write_dir(d, **kw)
                res = subprocess.run([sys.executable, REPORT, d], capture_output=True, text=True)
                self.assertEqual(res.returncode, 2, res.stderr)
                self.assertRegex(res.stderr, pattern)
                self.assertFalse(os.path.exists(os.path.join(d, "report")))


if __name__ == "__main__":
    unittest.main()
