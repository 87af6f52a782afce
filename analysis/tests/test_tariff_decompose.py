#!/usr/bin/env python3
"""analysis/tariff_decompose.py on a real run: the points add up to the model's rate.

Runs the real program on history-2025 (the world of nine regions; few firms, two
replicates), then the script on the same scenario with --summary and --csv, and checks:
  - it resolves the scenario's layers as the model does: the points of every (partner,
    measure) add up to the run's US tariff_rate on all partners on each output day (the
    script's own check, exit 0), and each partner's December points are its monthly mean
    rate times its share of 2024 US imports (summary.csv, the world's flows);
  - the measures carry the record's rules: China's fentanyl 10 from 10 November, Canada
    and Mexico's IEEPA layer and no reciprocal tariff on them, Section 232 on the covered
    share of the metals cell;
  - a scenario that extends another, or a file that is not there, exits 2 with the file.
Run by CTest with TW_BIN (the program) and TW_SOURCE_DIR.
"""
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import pandas as pd

TW_BIN = os.environ.get("TW_BIN", "")
SRC = os.environ.get("TW_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
SCRIPT = os.path.join(SRC, "analysis", "tariff_decompose.py")
SCENARIO = os.path.join(SRC, "scenarios", "history-2025.yaml")
FLOWS = os.path.join(SRC, "data", "worlds", "nine", "base_flows_2024.csv")


def us_imports():
    """{(exporter, sector): 2024 US imports, USD bn} of the nine-region world."""
    with open(FLOWS, newline="") as f:
        return {(r["exporter"], r["sector"]): float(r["value_usd_bn"])
                for r in csv.DictReader(f) if r["importer"] == "US" and r["exporter"] != "US"}


class TariffDecompose(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not TW_BIN or not os.access(TW_BIN, os.X_OK):
            raise unittest.SkipTest("TW_BIN is not set to the tradewar program")
        cls.tmp = tempfile.mkdtemp(prefix="tw_decompose_")
        cls.out = os.path.join(cls.tmp, "run")
        subprocess.run([TW_BIN, "run", SCENARIO, "-n", "2", "-t", "2",
                        "--set", "firms.per_cell=200", "--set", "rare_earths.per_cell=200",
                        "-o", cls.out, "--silent"], check=True)
        cls.csv = os.path.join(cls.tmp, "points.csv")
        cls.proc = subprocess.run([sys.executable, SCRIPT, SCENARIO, "--month", "2025-06",
                                   "--month", "2025-12", "--summary", cls.out, "--csv", cls.csv],
                                  capture_output=True, text=True)
        cls.points = pd.read_csv(cls.csv)
        s = pd.read_csv(os.path.join(cls.out, "summary.csv"))
        cls.rate = s[(s.indicator == "tariff_rate") & (s.region == "US") & (s.sector == "all")]

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def pts(self, month, partner, measure):
        p = self.points
        hit = p[(p.month == month) & (p.partner == partner) & (p.measure == measure)]
        return float(hit.points.iloc[0]) if len(hit) else 0.0

    def test_points_add_up_to_the_run_every_output_day(self):
        self.assertEqual(self.proc.returncode, 0, self.proc.stdout + self.proc.stderr)
        self.assertIn("check: the points add up", self.proc.stdout)

    def test_partner_points_are_rate_times_weight(self):
        w = {}
        for (exporter, _), v in us_imports().items():
            w[exporter] = w.get(exporter, 0.0) + v
        total = sum(w.values())
        # December's rates hold from 14 November on every day, so the month's daily mean is
        # the rate of any of its output days.
        dec = self.rate[self.rate.date == "2025-12-31"].set_index("partner")["mean"]
        for partner in ("CN", "CA", "MX", "ROW", "VN"):
            self.assertAlmostEqual(self.pts("2025-12", partner, "all"),
                                   dec[partner] * w[partner] / total, delta=1e-6)
        p = self.points
        by_measure = p[(p.month == "2025-12") & (p.partner == "all")].points.sum()
        self.assertAlmostEqual(by_measure, dec["all"], delta=1e-5)

    def test_measures_follow_the_record(self):
        w_cn = self.pts("2025-12", "CN", "all") / self.rate[
            (self.rate.date == "2025-12-31") & (self.rate.partner == "CN")]["mean"].iloc[0]
        self.assertAlmostEqual(self.pts("2025-12", "CN", "fentanyl"), 10 * w_cn, delta=1e-6)
        self.assertAlmostEqual(self.pts("2025-06", "CN", "fentanyl"), 20 * w_cn, delta=1e-6)
        for partner in ("CA", "MX"):
            self.assertGreater(self.pts("2025-12", partner, "camx_ieepa"), 0.5)
            self.assertEqual(self.pts("2025-12", partner, "reciprocal"), 0.0)
        # Section 232 on metals: Canada's covered share at 50 is less than its whole cell
        # (steel, aluminium and derivatives 0.5521, with semi-finished copper from 1 August
        # 0.6632).
        m = us_imports()
        whole = 50 * m[("CA", "metals")] / sum(m.values())
        self.assertAlmostEqual(self.pts("2025-12", "CA", "s232_metals"), 0.6632 * whole,
                               delta=1e-4)

    def test_bad_input_exits_2(self):
        child = os.path.join(self.tmp, "child.yaml")
        with open(child, "w") as f:
            f.write("extends: history-2025.yaml\nname: child\n")
        p = subprocess.run([sys.executable, SCRIPT, child], capture_output=True, text=True)
        self.assertEqual(p.returncode, 2)
        self.assertIn("child.yaml", p.stderr)
        p = subprocess.run([sys.executable, SCRIPT, os.path.join(self.tmp, "none.yaml")],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 2)
        self.assertIn("none.yaml", p.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
