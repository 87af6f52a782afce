#!/usr/bin/env python3
"""analysis/monthly_us.py on a real run: months, sums and shares read back.

Runs the real program on history-2025-four (three months, few firms; daily rows), then the
script, and checks its CSV against summary.csv: each month's value is the sum of its days'
means over 1000, China's share is imports from China over all imports, collected duties
never exceed statutory ones, and an output directory without the series exits 2. Then on
history-2025 (nine regions, weekly rows): the months are estimated from their output
days (each standing for the days up to the next, as in the terminal report), US imports from Vietnam and Mexico are there
with their 2024 monthly means, and deposits are left empty.
Run by CTest with TW_BIN (the program) and TW_SOURCE_DIR.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import pandas as pd

TW_BIN = os.environ.get("TW_BIN", "")
SRC = os.environ.get("TW_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
SCRIPT = os.path.join(SRC, "analysis", "monthly_us.py")


class RunThenScript(unittest.TestCase):
    """The real program on SCENARIO to 31 March (few firms), then the script on its output."""
    scenario = None
    extra = []

    @classmethod
    def setUpClass(cls):
        if not TW_BIN or not os.access(TW_BIN, os.X_OK):
            raise unittest.SkipTest("TW_BIN is not set to the tradewar program")
        cls.tmp = tempfile.mkdtemp(prefix="tw_monthly_")
        cls.out = os.path.join(cls.tmp, "run")
        subprocess.run([TW_BIN, "run", os.path.join(SRC, "scenarios", cls.scenario), "-n", "2",
                        "-t", "1", "--set", "firms.per_cell=200", "--set", "end=2025-03-31",
                        "-o", cls.out, "--quiet"] + cls.extra, check=True)
        cls.proc = subprocess.run([sys.executable, SCRIPT, cls.out], capture_output=True, text=True)
        cls.table = pd.read_csv(os.path.join(cls.out, "monthly_us.csv"), index_col="month")
        cls.daily = pd.read_csv(os.path.join(cls.out, "summary.csv"))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)


class MonthlyUS(RunThenScript):
    scenario = "history-2025-four.yaml"

    def test_prints_the_three_months_and_charts(self):
        self.assertEqual(self.proc.returncode, 0, self.proc.stderr)
        self.assertEqual(list(self.table.index), ["2025-01", "2025-02", "2025-03"])
        for m in self.table.index:
            self.assertIn(m, self.proc.stdout)
        self.assertGreater(os.path.getsize(os.path.join(self.out, "monthly_us.png")), 1000)

    def test_months_are_sums_of_days(self):
        d = self.daily[(self.daily.region == "US") & (self.daily.sector == "all")]
        feb = d[d.date.str.startswith("2025-02")]
        for col, ind, partner in [("imports_cn_usd_bn", "imports", "CN"),
                                  ("imports_all_usd_bn", "imports", "all"),
                                  ("duties_collected_usd_bn", "tariff_revenue", "all"),
                                  ("duties_statutory_usd_bn", "tariff_revenue_statutory", "all"),
                                  ("duties_deposited_usd_bn", "tariff_revenue_deposited", "all")]:
            s = feb[(feb.indicator == ind) & (feb.partner == partner)]["mean"]
            self.assertEqual(len(s), 28)
            self.assertAlmostEqual(self.table.loc["2025-02", col], s.sum() / 1000.0,
                                   delta=1e-5 * abs(s.sum() / 1000.0))

    def test_share_and_duties(self):
        t = self.table
        share = 100.0 * t.imports_cn_usd_bn / t.imports_all_usd_bn
        self.assertTrue(((share - t.cn_share_pct).abs() < 1e-4 * share).all())
        self.assertTrue((t.duties_collected_usd_bn < t.duties_statutory_usd_bn).all())
        self.assertTrue((t.duties_collected_usd_bn > 0).all())

    def test_missing_series_exit_2(self):
        bad = os.path.join(self.tmp, "bad")
        os.makedirs(bad)
        self.daily[self.daily.indicator != "tariff_revenue_statutory"].to_csv(
            os.path.join(bad, "summary.csv"), index=False)
        p = subprocess.run([sys.executable, SCRIPT, bad], capture_output=True, text=True)
        self.assertEqual(p.returncode, 2)
        self.assertIn("tariff_revenue_statutory", p.stderr)


class MonthlyUSNine(RunThenScript):
    scenario = "history-2025.yaml"
    extra = ["--set", "rare_earths.per_cell=200"]

    def test_vietnam_and_mexico_from_the_output_days(self):
        self.assertEqual(self.proc.returncode, 0, self.proc.stderr)
        self.assertEqual(list(self.table.index), ["2025-01", "2025-02", "2025-03"])
        d = self.daily[(self.daily.region == "US") & (self.daily.sector == "all")
                       & (self.daily.indicator == "imports")]
        flows = pd.read_csv(os.path.join(SRC, "data", "worlds", "nine", "base_flows_2024.csv"))
        for partner, col in (("VN", "imports_vn_usd_bn"), ("MX", "imports_mx_usd_bn")):
            s = d[d.partner == partner].set_index("date")["mean"]
            feb = s[s.index.str.startswith("2025-02")]
            self.assertEqual(len(feb), self.table.loc["2025-02", "days"])
            self.assertLess(len(feb), 28)
            # each output day stands for the days up to the next: 1-4 February for 29 January
            days = [d for d in s.index if d <= "2025-02-28"]
            until = days[1:] + ["2025-03-01"]
            total = sum(s[a] * (pd.Timestamp(min(b, "2025-03-01")) - max(pd.Timestamp(a),
                                pd.Timestamp("2025-02-01"))).days
                        for a, b in zip(days, until) if b > "2025-02-01")
            self.assertAlmostEqual(self.table.loc["2025-02", col], total / 1000.0,
                                   delta=1e-6 * total)
            m2024 = flows[(flows.exporter == partner) & (flows.importer == "US")].value_usd_bn.sum() / 12
            self.assertIn("US imports from %s, 2024 monthly mean (calibration): %.2f"
                          % (partner, m2024), self.proc.stdout)
        self.assertTrue(self.table.duties_deposited_usd_bn.isna().all())
        self.assertIn("Months from the output days only", self.proc.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
