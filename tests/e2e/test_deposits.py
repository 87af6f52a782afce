#!/usr/bin/env python3
"""tariff_revenue_deposited: the duty collected at entry as the Treasury books it, through
the real program on scenarios/history-2025-four.yaml (1 replicate, January to June 2025):

- the identity over a quarter: US deposits from April to June equal 85% of the duty that
  entered in March, April and May (the periodic monthly statement pays a month's entries
  on the 15th working day of the next month) plus 15% of the duty of the days whose tenth
  working day after entry falls in the quarter, for every partner and all of them;
- the monthly-statement payment lands on the 15th working day (Monday to Friday) of each
  month, and on no other day does more than the daily part arrive;
- deposits lag entries: in May, after the April increases, US deposits are below the duty
  entered, and in June they catch up;
- China deposits its duty on the day of entry: its deposits equal its collected duty
  every day.

Run by CTest as py/test_deposits with TW_BIN.
"""
import os
import subprocess
import tempfile
import unittest

import numpy as np
import pandas as pd

SRC = os.environ.get("TW_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("TW_BIN", os.path.join(SRC, "build", "tradewar"))
SCENARIO = os.path.join(SRC, "scenarios", "history-2025-four.yaml")
PMS, DAILY = 0.85, 0.15


class Deposits(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        out = os.path.join(cls.tmp.name, "h")
        subprocess.run([BIN, "run", SCENARIO, "-n", "1", "-t", "2", "-o", out, "--quiet",
                        "--set", "end=2025-06-30", "--set", "firms.per_cell=500"], check=True,
                       stdout=subprocess.DEVNULL)
        df = pd.read_csv(os.path.join(out, "summary.csv"), keep_default_na=False, na_values=[])
        cls.df = df[df.sector == "all"]

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def series(self, ind, region, partner):
        s = self.df[(self.df.indicator == ind) & (self.df.region == region) &
                    (self.df.partner == partner)].set_index("date")["mean"].astype(float)
        s.index = pd.to_datetime(s.index)
        self.assertEqual(len(s), 181, (ind, region, partner))
        return s

    def test_quarter_identity(self):
        days = pd.date_range("2025-01-01", "2025-06-30")
        later = pd.DatetimeIndex(np.busday_offset(days.values.astype("datetime64[D]"), 10,
                                                  roll="forward"))
        for partner in ("all", "CN", "EU", "ROW"):
            entry = self.series("tariff_revenue", "US", partner)
            dep = self.series("tariff_revenue_deposited", "US", partner)
            q2 = (dep.index >= "2025-04-01")
            want = PMS * entry["2025-03-01":"2025-05-31"].sum()
            want += DAILY * entry[(later >= "2025-04-01") & (later <= "2025-06-30")].sum()
            self.assertAlmostEqual(dep[q2].sum() / want, 1.0, places=7, msg=partner)

    def test_statement_day(self):
        dep = self.series("tariff_revenue_deposited", "US", "all")
        entry = self.series("tariff_revenue", "US", "all")
        for month in ("2025-02", "2025-03", "2025-04", "2025-05", "2025-06"):
            first = np.datetime64(month + "-01")
            pay = pd.Timestamp(np.busday_offset(first, 14, roll="forward"))
            m = dep[month]
            self.assertEqual(m.idxmax(), pay, month)
            prev = (pd.Period(month) - 1).strftime("%Y-%m")
            self.assertGreater(m[pay], 0.8 * PMS * entry[prev].sum(), month)
            self.assertLess(m.drop(pay).max(), 0.5 * m[pay], month)

    def test_deposits_lag_entries(self):
        dep = self.series("tariff_revenue_deposited", "US", "all")
        entry = self.series("tariff_revenue", "US", "all")
        self.assertLess(dep["2025-05"].sum(), 0.85 * entry["2025-05"].sum())
        self.assertGreater(dep["2025-06"].sum(), dep["2025-05"].sum() * 1.2)

    def test_china_deposits_on_entry(self):
        dep = self.series("tariff_revenue_deposited", "CN", "all")
        entry = self.series("tariff_revenue", "CN", "all")
        np.testing.assert_allclose(dep.values, entry.values, rtol=1e-9)


if __name__ == "__main__":
    unittest.main()
