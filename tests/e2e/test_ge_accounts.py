#!/usr/bin/env python3
"""The accounts of the general-equilibrium closure, day by day, through the real program on
history-2025-four.yaml (its duties section: customs collects only part of the statutory duty),
read back from trajectories.csv:

- the regions' deficits on what buyers use (trade_deficit) sum to zero every day, in every
  replicate: the duty customs does not collect stays with the importing region's
  importers, so no income leaves the world;
- the statutory duty on each region's entries is the duty collected plus the duty not
  collected (tariff_revenue_uncollected, the importers' margin), every day, with the
  uncollected part positive where the scenario says customs leaks;
- a 10% US tariff on every partner leaves each region's deficit at the first day's, every
  day for two years, within 1% (it is exact up to rounding): producers sell their output
  and buyers split their spending between their own goods and imports so that it holds
  (when the gap between what buyers took at sticky producer prices and output went to the
  producers' stocks, the US deficit fell 8% within the first year);
- a model.demand_elasticity other than 1 moves the sectors' shares of spending, not its
  total: US welfare on the last day of a 10% US tariff on every partner is within 0.1
  percentage points at 0.5 and at 1.5 (when spending followed the price level instead of
  income, the two were 3.9 points apart).

Run by CTest as py/test_ge_accounts with TW_BIN.
"""
import os
import subprocess
import tempfile
import unittest

import pandas as pd

SRC = os.environ.get("TW_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("TW_BIN", os.path.join(SRC, "build", "tradewar"))
REGIONS = ("US", "CN", "EU", "ROW")
TARIFF10 = ("tariffs[+]={measure: t10, imposer: US, target: ALL, sectors: all, rate: 10, "
            "effective: 2025-02-01}")


def run(out, scenario, csv, *sets):
    cmd = [BIN, "run", os.path.join(SRC, "scenarios", scenario), "-n", "2", "-t", "2", "-o", out,
           "--quiet", "--trajectories", "--set", "firms.per_cell=300"]
    for s in sets:
        cmd += ["--set", s]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return pd.read_csv(os.path.join(out, csv))


class GeAccounts(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.df = run(os.path.join(cls.tmp.name, "h"), "history-2025-four.yaml", "trajectories.csv")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_deficits_sum_to_zero_every_day(self):
        cols = [f"trade_deficit.{r}.all.all" for r in REGIONS]
        total = self.df[cols].sum(axis=1).abs()
        scale = self.df[cols].abs().sum(axis=1)
        self.assertGreater(scale.min(), 1000.0)  # USD million a day: deficits are there
        self.assertLess((total / scale).max(), 1e-8)  # trajectories carry 10 digits

    def test_statutory_duty_is_collected_plus_uncollected(self):
        for r in REGIONS:
            stat = self.df[f"tariff_revenue_statutory.{r}.all.all"]
            got = (self.df[f"tariff_revenue.{r}.all.all"]
                   + self.df[f"tariff_revenue_uncollected.{r}.all.all"])
            self.assertLess(((stat - got).abs() / (stat.abs() + 1e-9)).max(), 1e-8, r)
            self.assertTrue((self.df[f"tariff_revenue_uncollected.{r}.all.all"] >= 0).all(), r)
        # customs leaks on US imports (zones, exclusions, de minimis): not zero there
        self.assertGreater(self.df["tariff_revenue_uncollected.US.all.all"].min(), 1.0)

    def test_a_tariff_leaves_the_deficits_at_the_first_days(self):
        df = run(os.path.join(self.tmp.name, "t10"), "baseline-2025.yaml", "trajectories.csv",
                 TARIFF10, "end=2026-12-31")
        self.assertEqual(df["replicate"].nunique(), 2)
        for rep, g in df.groupby("replicate"):
            self.assertEqual(len(g), 730)
            for r in REGIONS:
                col = g[f"trade_deficit.{r}.all.all"]
                first = col.iloc[0]
                self.assertGreater(abs(first), 10.0, r)  # USD million a day: a deficit is there
                worst = (col / first - 1.0).abs()
                self.assertLess(worst.max(), 0.01, f"replicate {rep} {r}: "
                                f"{col.iloc[worst.argmax()]:.1f} on {g['date'].iloc[worst.argmax()]}"
                                f", {first:.1f} on the first day")

    def test_demand_elasticity_moves_shares_not_spending(self):
        end = {}
        for eta in ("0.5", "1.5"):
            out = run(os.path.join(self.tmp.name, "e" + eta), "baseline-2025.yaml",
                      "outcomes.csv", TARIFF10, f"model.demand_elasticity={eta}")
            end[eta] = out.loc[out["outcome"] == "welfare_us_end_pct", "mean"].iloc[0]
        self.assertLess(abs(end["0.5"] - end["1.5"]), 0.1, end)


if __name__ == "__main__":
    unittest.main()
