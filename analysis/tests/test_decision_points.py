#!/usr/bin/env python3
"""data/decision_points_2018_2025.csv, the library of US-China (and US-EU) decision points
the politics are fitted to: its schema.

  - the header is the documented one, at least 40 rows, ids 1, 2, ... in order;
  - every date exists, lies from 1 January 2018 to 31 May 2025 and the rows are in date
    order; nothing after 31 May 2025 (the out-of-sample period);
  - parties, actor, kind, outcome, contact and controls take their documented codes, and
    the actor is one of the parties (or both);
  - every row has a public source address and a note; a deal has its terms (the points of
    tariff cut, 0 when none); a contact names its form (call or summit), other rows none;
  - `pending` (an outcome that came after 31 May 2025) only on the last days of the window;
  - analysis/fit_politics.py refuses a row with a bad code, naming the row and the column.

    /usr/bin/python3 analysis/tests/test_decision_points.py
"""
import csv
import datetime as dt
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.environ.get("TW_SOURCE_DIR") or os.path.abspath(os.path.join(HERE, "..", ".."))
CSV = os.path.join(SRC, "data", "decision_points_2018_2025.csv")
HEADER = ["id", "date", "episode", "kind", "parties", "actor", "contact", "truce_in_force",
          "state", "outcome", "tariff_cut_pct", "controls", "note", "source"]
KINDS = {"contact", "threat", "deadline", "breach", "retaliation", "control", "talks", "legal"}
OUTCOMES = {"escalate", "hold", "extend", "deal", "retaliate", "pending"}
PARTIES = {"US-CN", "US-EU"}
FIRST, LAST = dt.date(2018, 1, 1), dt.date(2025, 5, 31)


def read():
    with open(CSV, newline="", encoding="utf-8") as f:
        r = csv.reader(f)
        header = next(r)
        rows = [dict(zip(header, x)) for x in r]
    return header, rows


class Schema(unittest.TestCase):
    def setUp(self):
        self.header, self.rows = read()

    def test_header_and_size(self):
        self.assertEqual(self.header, HEADER)
        self.assertGreaterEqual(len(self.rows), 40)
        self.assertEqual([r["id"] for r in self.rows],
                         [str(k + 1) for k in range(len(self.rows))])
        for r in self.rows:
            self.assertEqual(len(r), len(HEADER), r["id"])

    def test_dates_in_window_and_order(self):
        prev = FIRST
        for r in self.rows:
            d = dt.date.fromisoformat(r["date"])
            self.assertGreaterEqual(d, FIRST, r["id"])
            self.assertLessEqual(d, LAST, f"row {r['id']}: nothing after 31 May 2025")
            self.assertGreaterEqual(d, prev, f"row {r['id']} out of date order")
            prev = d

    def test_codes(self):
        for r in self.rows:
            i = r["id"]
            self.assertIn(r["kind"], KINDS, i)
            self.assertIn(r["outcome"], OUTCOMES, i)
            self.assertIn(r["parties"], PARTIES, i)
            sides = r["parties"].split("-")
            self.assertTrue(r["actor"] in sides or r["actor"] == r["parties"], i)
            self.assertIn(r["truce_in_force"], ("0", "1"), i)
            self.assertIn(r["controls"], ("none", "widen", "suspend"), i)
            if r["kind"] == "contact":
                self.assertIn(r["contact"], ("call", "summit"), i)
            else:
                self.assertEqual(r["contact"], "", i)
            self.assertTrue(r["episode"], i)

    def test_every_row_sourced_and_explained(self):
        for r in self.rows:
            self.assertRegex(r["source"], r"^https?://\S+$", r["id"])
            self.assertTrue(r["note"].strip(), r["id"])
            self.assertTrue(r["state"].strip(), r["id"])

    def test_deal_terms(self):
        for r in self.rows:
            if r["outcome"] == "deal":
                self.assertGreaterEqual(float(r["tariff_cut_pct"]), 0.0, r["id"])
            else:
                self.assertEqual(r["tariff_cut_pct"], "", r["id"])

    def test_pending_only_at_the_end(self):
        for r in self.rows:
            if r["outcome"] == "pending":
                self.assertGreaterEqual(dt.date.fromisoformat(r["date"]), dt.date(2025, 5, 1),
                                        r["id"])


class Refusal(unittest.TestCase):
    def test_bad_outcome_names_row_and_column(self):
        with open(CSV, encoding="utf-8") as f:
            lines = f.read().splitlines()
        lines[4] = lines[4].replace(",retaliate,", ",answered,", 1)
        with tempfile.TemporaryDirectory() as d:
            bad = os.path.join(d, "bad.csv")
            with open(bad, "w", encoding="utf-8") as f:
                f.write("\n".join(lines) + "\n")
            p = subprocess.run([sys.executable, os.path.join(SRC, "analysis", "fit_politics.py"), bad],
                               capture_output=True, text=True)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("row 5: outcome: expected one of", p.stderr)
        self.assertIn("'answered'", p.stderr)


if __name__ == "__main__":
    unittest.main()
