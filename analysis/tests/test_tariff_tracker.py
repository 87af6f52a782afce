#!/usr/bin/env python3
"""analysis/tariff_tracker.py on a real run: monthly means and tracker values read back.

Runs the real program on history-2025 (the world of nine regions, weekly summary rows; few
firms, two replicates), then the script, and checks its CSVs against summary.csv and
data/tariff_trackers_2025.csv: each month's model rate is the mean of its output days'
tariff_rate, the Budget Lab column is the mean of the step series over the same days
(none before 4 March), the PIIE rows carry the model's rate on the first output day on or
after their dates, the per-partner table has every partner of the nine regions with the
means of its days, the model's rates sit where the scripted record puts them (20.8% on
China all January, the same as PIIE's value of 20 January; Canada's IEEPA rate on its
goods outside USMCA, Vietnam's 20% from August), and a bad trackers file exits 2 with its
file:line.
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
SCRIPT = os.path.join(SRC, "analysis", "tariff_tracker.py")
TRACKERS = os.path.join(SRC, "data", "tariff_trackers_2025.csv")


class TariffTracker(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not TW_BIN or not os.access(TW_BIN, os.X_OK):
            raise unittest.SkipTest("TW_BIN is not set to the tradewar program")
        cls.tmp = tempfile.mkdtemp(prefix="tw_tracker_")
        cls.out = os.path.join(cls.tmp, "run")
        subprocess.run([TW_BIN, "run", os.path.join(SRC, "scenarios", "history-2025.yaml"), "-n", "2",
                        "-t", "2", "--set", "firms.per_cell=200", "--set", "rare_earths.per_cell=200",
                        "-o", cls.out, "--quiet"], check=True)
        cls.proc = subprocess.run([sys.executable, SCRIPT, cls.out], capture_output=True, text=True)
        cls.table = pd.read_csv(os.path.join(cls.out, "tariff_tracker.csv"), index_col="month")
        cls.points = pd.read_csv(os.path.join(cls.out, "tariff_tracker_points.csv"))
        cls.partners = pd.read_csv(os.path.join(cls.out, "tariff_tracker_partners.csv"),
                                   index_col="month")
        s = pd.read_csv(os.path.join(cls.out, "summary.csv"))
        cls.rate = s[(s.indicator == "tariff_rate") & (s.region == "US") & (s.sector == "all")]
        cls.trackers = pd.read_csv(TRACKERS)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def model(self, partner):
        return self.rate[self.rate.partner == partner].set_index("date")["mean"]

    def test_prints_twelve_months_and_says_what_the_numbers_are(self):
        self.assertEqual(self.proc.returncode, 0, self.proc.stderr)
        self.assertEqual(list(self.table.index), ["2025-%02d" % m for m in range(1, 13)])
        self.assertIn("2025-11", self.proc.stdout)
        self.assertIn("nothing is fitted", self.proc.stdout)
        self.assertIn("inputs", self.proc.stdout)

    def test_model_months_are_means_of_days(self):
        for partner, col in [("CN", "model_us_cn_pct"), ("all", "model_us_all_pct")]:
            s = self.model(partner)
            for m in ["2025-04", "2025-11"]:
                days = s[s.index.str.startswith(m)]
                self.assertEqual(len(days), self.table.loc[m, "days"])
                self.assertAlmostEqual(self.table.loc[m, col], days.mean(), delta=1e-4)
        # The scripted record: PIIE's 20.8% on China on 20 January holds all of January.
        self.assertAlmostEqual(self.table.loc["2025-01", "model_us_cn_pct"], 20.8, delta=1e-6)

    def test_budget_lab_months_are_means_of_its_steps(self):
        bl = self.trackers[(self.trackers.tracker == "BudgetLab")].sort_values("effective")
        self.assertTrue(pd.isna(self.table.loc["2025-02", "budgetlab_all_pct"]))
        days = pd.Series(self.model("all").index)
        march = days[days.str.startswith("2025-03") & (days >= "2025-03-04")]
        self.assertEqual(self.table.loc["2025-03", "budgetlab_all_days"], len(march))
        # June: each output day at the level in force that day (14 May's before 4 June).
        may14 = bl[bl.effective == "2025-05-14"].rate_pct.iloc[0]
        jun4 = bl[bl.effective == "2025-06-04"].rate_pct.iloc[0]
        june = days[days.str.startswith("2025-06")]
        expect = sum(jun4 if d >= "2025-06-04" else may14 for d in june) / len(june)
        self.assertAlmostEqual(self.table.loc["2025-06", "budgetlab_all_pct"], expect, delta=1e-4)
        diff = self.table.model_us_all_pct - self.table.budgetlab_all_pct
        self.assertTrue(((diff - self.table.model_less_budgetlab_all_pct).abs().dropna() < 1e-4).all())

    def test_piie_points_carry_the_model_on_their_dates(self):
        piie = self.trackers[self.trackers.tracker == "PIIE"]
        self.assertEqual(len(self.points), len(piie))
        cn = self.model("CN")
        for r in self.points.itertuples():
            self.assertEqual(r.model_date, min(d for d in cn.index if d >= r.date))
            self.assertAlmostEqual(r.model_pct, cn[r.model_date], delta=1e-4)
            self.assertAlmostEqual(r.tracker_pct,
                                   piie[piie.effective == r.date].rate_pct.iloc[0], delta=1e-9)
        self.assertAlmostEqual(self.points.set_index("date").loc["2025-01-20", "model_less_tracker"],
                               0.0, delta=1e-6)

    def test_every_partner_of_the_world_by_month(self):
        self.assertEqual(list(self.partners.columns),
                         ["CN", "EU", "MX", "CA", "JP", "KR", "VN", "ROW"])
        for partner in self.partners.columns:
            s = self.model(partner)
            for m in ["2025-03", "2025-09"]:
                self.assertAlmostEqual(self.partners.loc[m, partner],
                                       s[s.index.str.startswith(m)].mean(), delta=1e-4)
        self.assertIn("VN", self.proc.stdout)
        # The record: China's 20.8 all January; Vietnam's reciprocal at 10 in July and at
        # 20 from October (MFN 1.4 and the rest stay), so 10 points more on what pays it.
        self.assertAlmostEqual(self.partners.loc["2025-01", "CN"], 20.8, delta=1e-6)
        self.assertGreater(self.partners.loc["2025-10", "VN"], self.partners.loc["2025-07", "VN"] + 5.0)
        # Canada from 1 August: 35 on goods outside USMCA instead of 25.
        self.assertGreater(self.partners.loc["2025-09", "CA"], self.partners.loc["2025-07", "CA"] + 3.0)

    def test_bad_trackers_file_exits_2_with_its_line(self):
        bad = os.path.join(self.tmp, "bad.csv")
        t = self.trackers.copy()
        t.loc[3, "rate_pct"] = "high"
        t.to_csv(bad, index=False)
        p = subprocess.run([sys.executable, SCRIPT, self.out, "--trackers", bad, "--out",
                            os.path.join(self.tmp, "none")], capture_output=True, text=True)
        self.assertEqual(p.returncode, 2)
        self.assertIn("bad.csv:5:", p.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "none")))


if __name__ == "__main__":
    unittest.main(verbosity=2)
