#!/usr/bin/env python3
"""End-to-end: the terminal summary's leader-call line, US-EU block and court block, from
the real program on the real scenarios, checked against the run's own replicates.csv and
against the history file the call rate comes from.

  - geneva-truce.yaml: "leader calls per replicate" from 31 May to 31 December (215 days)
    with the mean of replicates.csv's leader_calls column, the historical rate of the
    scenario's events.leader_calls.reference, which must be the rate
    analysis/event_rates.py computes from data/us_china_leader_contacts_2017_2024.csv,
    and its source; the US-EU block with the US metals rate on the EU at 1.4 (MFN) on 31 January
    and 51.4 on the last day (MFN 1.4 under Section 232 at 50% from 4 June); the one-line court note.
  - steel-aluminium-50.yaml: the US-EU block's "the EU retaliates" share is
    replicates.csv's third_party_retaliated mean.
  - court-strikes-ieepa.yaml: the court block's ruling date lies in the window
    2025-06-15 .. 2025-11-30, the struck-down and re-imposed shares are the means of
    court_struck_ieepa and court_reimposed, re-imposition under "other" capped at 15%.

Run by CTest as py/test_summary_blocks with TW_BIN (the program) and TW_SOURCE_DIR.
"""
import datetime as dt
import os
import re
import subprocess
import sys
import tempfile
import unittest

import pandas as pd

TW_BIN = os.environ.get("TW_BIN", "")
SRC = os.environ.get("TW_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
NREP = 6


def run(tmp, scenario):
    out = os.path.join(tmp, scenario)
    p = subprocess.run([TW_BIN, "run", os.path.join(SRC, "scenarios", scenario + ".yaml"), "-o", out,
                        "--force", "-t", "2", "--set", f"replicates={NREP}",
                        # fewer firms than the scenario's: the blocks are read back, not judged
                        "--set", "firms.per_cell=500", "--set", "rare_earths.per_cell=200"],
                       capture_output=True, text=True, timeout=900)
    if p.returncode != 0:
        raise AssertionError(f"{scenario}: exit {p.returncode}\n{p.stderr}")
    return p.stdout, pd.read_csv(os.path.join(out, "replicates.csv"))


def share_line(text, what):
    m = re.search(re.escape(what) + r"\s+([0-9.]+)\s+\[\s*([0-9.]+),\s*([0-9.]+)\]", text)
    if m is None:
        raise AssertionError(f"no line '{what}' in:\n{text}")
    return float(m.group(1)), float(m.group(2)), float(m.group(3))


class SummaryBlocks(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not TW_BIN:
            raise unittest.SkipTest("TW_BIN not set")
        cls.tmp = tempfile.TemporaryDirectory()
        cls.runs = {s: run(cls.tmp.name, s) for s in ("geneva-truce", "steel-aluminium-50",
                                                      "court-strikes-ieepa")}

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_calls_per_replicate_against_the_history_file(self):
        text, rep = self.runs["geneva-truce"]
        m = re.search(r"leader calls per replicate, 2025-05-31 to 2025-12-31 \(215 days\): "
                      r"mean ([0-9.]+), median", text)
        self.assertIsNotNone(m, text)
        self.assertAlmostEqual(float(m.group(1)), rep["leader_calls"].mean(), delta=0.005)
        self.assertTrue((rep["leader_calls"] >= 0).all())
        m = re.search(r"historical rate ([0-9.]+) a year = ([0-9.]+) calls over these days", text)
        self.assertIsNotNone(m, text)
        per_year = float(m.group(1))
        self.assertAlmostEqual(float(m.group(2)), per_year * 215 / 365.25, delta=0.006)
        self.assertIn("source: US-China leader calls and meetings 2017-2024, "
                      "data/us_china_leader_contacts_2017_2024.csv", text)
        sys.path.insert(0, os.path.join(SRC, "analysis"))
        import event_rates
        rows = event_rates.read_rows(os.path.join(SRC, "data", "us_china_leader_contacts_2017_2024.csv"))
        s = event_rates.summarise(rows, dt.date(2017, 1, 20), dt.date(2024, 12, 31))
        self.assertAlmostEqual(per_year, s["per_year"], delta=0.005)

    def test_us_eu_block_follows_the_steel_tariff(self):
        text, _ = self.runs["geneva-truce"]
        block = text.split("US-EU: steel and aluminium")[1].split("\n\n")[0]
        rows = [l for l in block.splitlines() if re.match(r"\d{4}-\d\d ", l)]
        self.assertEqual(rows[0].split()[0], "2025-01")
        self.assertEqual(rows[-1].split()[0], "2025-12")
        self.assertEqual(float(rows[0].split()[1]), 1.4)  # on 31 January: MFN
        self.assertEqual(float(rows[-1].split()[1]), 51.4)  # on 31 December: 50 + MFN
        self.assertEqual(len(rows), 12)
        # EU imports from the US: a month's total (USD bn), roughly a twelfth of a year's
        totals = [float(l.split()[-1]) for l in rows]
        self.assertTrue(all(10.0 < v < 60.0 for v in totals), totals)
        self.assertIn("court ruling on the IEEPA tariffs: none in this scenario", text)
        self.assertNotIn("the EU retaliates", text)

    def test_eu_retaliation_share(self):
        text, rep = self.runs["steel-aluminium-50"]
        p, lo, hi = share_line(text, "the EU retaliates (third_parties, actor EU)")
        self.assertAlmostEqual(p, rep["third_party_retaliated"].mean(), delta=0.0005)
        self.assertLessEqual(lo, p)
        self.assertLessEqual(p, hi)

    def test_court_block(self):
        text, rep = self.runs["court-strikes-ieepa"]
        self.assertIn("Court ruling on the IEEPA tariffs (events.court;", text)
        m = re.search(r"ruling date\s+(\S+)\s+\[(\S+), (\S+)\]", text)
        self.assertIsNotNone(m, text)
        for d in m.groups():
            self.assertTrue("2025-06-15" <= d <= "2025-11-30", d)
        p, _, _ = share_line(text, "the IEEPA tariffs are struck down")
        self.assertAlmostEqual(p, rep["court_struck_ieepa"].mean(), delta=0.0005)
        q, _, _ = share_line(text, "re-imposed under other, capped at 15%")
        self.assertAlmostEqual(q, rep["court_reimposed"].mean(), delta=0.0005)
        self.assertTrue((rep["court_reimposed"] <= rep["court_struck_ieepa"]).all())
        days = rep["court_ruling_day"]
        self.assertTrue(days.between(165, 333).all(), days.tolist())

    def test_a_scripted_scenario_says_scripted_not_zero(self):
        """rare-earth-halt.yaml has no event process (no governments:, events: or
        third_parties:): with a 150-day halt US vehicles stop, so the headline block is
        printed, and its event lines (a leader call, the truce extended, ...) say
        "scripted" instead of a probability of 0; us_vehicle_halt keeps its share, which
        is replicates.csv's mean."""
        out = os.path.join(self.tmp.name, "scripted")
        p = subprocess.run([TW_BIN, "run", os.path.join(SRC, "scenarios", "rare-earth-halt.yaml"),
                            "-o", out, "--force", "-t", "2", "-n", "4",
                            "--set", "firms.per_cell=40", "--set", "rare_earths.per_cell=200",
                            "--set", "export_controls[0].duration_days=150",
                            # the free channels of the 2024 magnet balance keep more than
                            # half of vehicle output under any halt; the judgement share
                            # of parts lets a halt stop more than vehicle_halt_loss
                            "--set", "rare_earths.embedded_share.vehicles=0.15"],
                           capture_output=True, text=True, timeout=900)
        self.assertEqual(p.returncode, 0, p.stderr)
        rep = pd.read_csv(os.path.join(out, "replicates.csv"))
        self.assertGreater(rep["us_vehicle_halt"].mean(), 0.0)
        text = p.stdout
        head = text[text.index("headline probabilities"):]
        for what in ("a leader call before the truce runs out", "the truce is extended",
                     "the truce ends: snap-back or broken", "a third party retaliates"):
            self.assertRegex(head, re.escape(what) + r"\s+scripted\n")
        self.assertNotRegex(text, r"the truce is extended\s+0\.000")
        p_halt, _, _ = share_line(head, "a shortage halts US vehicles (events.vehicle_halt_loss)")
        self.assertAlmostEqual(p_halt, rep["us_vehicle_halt"].mean(), places=3)
        self.assertRegex(text, r"truce_extended\s+0/1\s+scripted\s+-\s+-\n")
        self.assertIn("scripted: the scenario has no event process", text)
        # geneva-truce.yaml has one: its lines stay probabilities
        self.assertNotIn("scripted", self.runs["geneva-truce"][0])
        share_line(self.runs["geneva-truce"][0], "the truce is extended")


if __name__ == "__main__":
    unittest.main()
