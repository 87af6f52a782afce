#!/usr/bin/env python3
"""analysis/rare_earth_months.py on a real run: every importing region and China's
shipments to all destinations against their 2024 level.

Runs the real program on history-2025 (January to May, few firms), then the script's
table and the script itself, and checks: a loss and a shipment column for the US, the EU
and the rest of the world; each region's monthly tonnes are the sum of its days'
re_shipments and re_shipments_outside_scope means in summary.csv; China's total is the
sum over the three regions and its percent of the 2024 level is total / (52,500 t x 12 /
11 / 12) x 100; before the controls (January, March) it is within 10% of 100, and in
April, with every destination under slow-roll from the 4th, below 60. The same run with
weekly rows gives the tonnes of January to May within 20% of the daily run's (a sample of
one day a week: without the rule, a seventh).
Run by CTest with TW_BIN (the program) and TW_SOURCE_DIR.
"""
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import pandas as pd

TW_BIN = os.environ.get("TW_BIN", "")
SRC = os.environ.get("TW_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
SCRIPT = os.path.join(SRC, "analysis", "rare_earth_months.py")


class RareEarthMonths(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not TW_BIN or not os.access(TW_BIN, os.X_OK):
            raise unittest.SkipTest("TW_BIN is not set to the tradewar program")
        cls.tmp = tempfile.mkdtemp(prefix="tw_re_months_")
        cls.out = os.path.join(cls.tmp, "run")
        subprocess.run([TW_BIN, "run", os.path.join(SRC, "scenarios", "history-2025-four.yaml"), "-n", "2",
                        "--set", "firms.per_cell=20", "--set", "rare_earths.per_cell=400",
                        "--set", "end=2025-05-31", "-o", cls.out, "--quiet"], check=True)
        spec = importlib.util.spec_from_file_location("rare_earth_months", SCRIPT)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        cls.table = mod.table(cls.out)
        cls.proc = subprocess.run([sys.executable, SCRIPT, cls.out], capture_output=True, text=True)
        cls.daily = pd.read_csv(os.path.join(cls.out, "summary.csv"))
        # the same run with weekly rows (output.interval_days 7, as history-2025 on nine
        # regions writes): the same replicates, a sample of their days
        cls.weekly_out = os.path.join(cls.tmp, "weekly")
        subprocess.run([TW_BIN, "run", os.path.join(SRC, "scenarios", "history-2025-four.yaml"), "-n", "2",
                        "--set", "firms.per_cell=20", "--set", "rare_earths.per_cell=400",
                        "--set", "end=2025-05-31", "--set", "output.interval_days=7",
                        "-o", cls.weekly_out, "--quiet"], check=True)
        cls.weekly = mod.table(cls.weekly_out)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_every_region_and_the_total_against_2024(self):
        t, d = self.table, self.daily
        self.assertEqual(self.proc.returncode, 0, self.proc.stderr)
        self.assertIn("ROW gross%", self.proc.stdout)
        ship = d[d.indicator.isin(["re_shipments", "re_shipments_outside_scope"])
                 & (d.partner == "CN") & (d.sector == "all")].copy()
        ship["month"] = ship.date.str[:7]
        for reg in ("US", "EU", "ROW"):
            for col in ("net%", "gross%", "ship_t"):
                self.assertIn("%s %s" % (reg, col), t.columns)
            want = ship[ship.region == reg].groupby("month")["mean"].sum()
            pd.testing.assert_series_equal(t["%s ship_t" % reg], want, check_names=False)
        total = t["US ship_t"] + t["EU ship_t"] + t["ROW ship_t"]
        pd.testing.assert_series_equal(t["all ship_t"], total, check_names=False)
        level = 52500.0 / 11.0
        pd.testing.assert_series_equal(t["all vs 2024 %"], 100.0 * total / level,
                                       check_names=False)
        for month in ("2025-01", "2025-03"):
            self.assertLess(abs(t.loc[month, "all vs 2024 %"] - 100.0), 10.0, month)
        self.assertLess(t.loc["2025-04", "all vs 2024 %"], 60.0)

    def test_weekly_rows_stand_for_their_days(self):
        # Each weekly row stands for the seven days up to the next (the terminal report's
        # rule), so a month's tonnes estimate the daily run's, and the losses (levels) its
        # means: shipments summed over the output days alone would be a seventh of them.
        d, w = self.table, self.weekly
        for col in ("US ship_t", "EU ship_t", "ROW ship_t", "all ship_t"):
            # January to May together, within 20%: one day a week samples the days (a month
            # alone moves more: the Spring Festival falls in one week's row)
            ratio = w[col].sum() / d[col].sum()
            self.assertLess(abs(ratio - 1.0), 0.2, "%s: weekly %.1f, daily %.1f t"
                            % (col, w[col].sum(), d[col].sum()))
        for col in ("US gross%", "EU gross%", "ROW gross%"):
            self.assertLess(abs(w[col].mean() - d[col].mean()), 1.0, col)

if __name__ == "__main__":
    unittest.main()
