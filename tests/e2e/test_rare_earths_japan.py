#!/usr/bin/env python3
"""End-to-end: the 2010 halt of rare earths to Japan replayed (scenarios/japan-2010.yaml,
on the nine regions, toward Japan) shows no loss: Japan's car output did not fall in 2010.

  - with the materials held in Japan (stockpile_days 90, the scenario as shipped), Japan's
    vehicle output loses at most 1% in every month, as the mean across replicates and at
    their 95th percentile on every day;
  - the halt is real in the run (the regime toward JP is halt for its 60 days and no
    licensed magnets ship to JP then);
  - without that stock (--set rare_earths.stockpile_days=0) the same halt costs more than
    1% in some month: the chain's usual buffers alone do not carry a two-month halt.
Run by CTest as py/test_rare_earths_japan with TW_BIN and TW_SOURCE_DIR.
"""
import os
import shutil
import subprocess
import tempfile
import unittest

import pandas as pd

TW_BIN = os.environ.get("TW_BIN", "")
TW_SOURCE_DIR = os.environ.get("TW_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
SCENARIO = os.path.join(TW_SOURCE_DIR, "scenarios", "japan-2010.yaml")


def run(out, extra):
    proc = subprocess.run([TW_BIN, "run", SCENARIO, "-n", "6", "--set", "firms.per_cell=20",
                           "--set", "rare_earths.per_cell=1000", "--set", "output.interval_days=1", "-o",
                           out, "--quiet"] + extra,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=300)
    if proc.returncode != 0:
        raise AssertionError("tradewar failed: %s" % proc.stderr)
    return pd.read_csv(os.path.join(out, "summary.csv"))


def jp_vehicles(s, indicator):
    m = s[(s.indicator == indicator) & (s.region == "JP") & (s.sector == "vehicles")].copy()
    m["month"] = m.date.str[:7]
    return m


class Japan2010(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not TW_BIN or not os.access(TW_BIN, os.X_OK):
            raise unittest.SkipTest("TW_BIN is not set to the tradewar program")
        cls.tmp = tempfile.mkdtemp(prefix="tw_re_japan_")
        cls.shipped = run(os.path.join(cls.tmp, "shipped"), [])
        cls.bare = run(os.path.join(cls.tmp, "bare"), ["--set", "rare_earths.stockpile_days=0"])

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_the_replay_keeps_vehicle_loss_within_one_percent_every_month(self):
        m = jp_vehicles(self.shipped, "output_loss_gross")
        self.assertEqual(sorted(m.month.unique()),
                         ["2025-%02d" % k for k in range(7, 13)])
        monthly = m.groupby("month")["mean"].mean()
        for month, loss in monthly.items():
            self.assertLessEqual(loss, 1.0, "%s: JP vehicle loss %.3f%%" % (month, loss))
        self.assertLessEqual(m["p95"].max(), 1.0)

    def test_the_halt_holds_for_its_sixty_days(self):
        s = self.shipped
        halt = s[(s.indicator == "re_regime_halt") & (s.region == "JP")].set_index("date")["mean"]
        days = halt[(halt.index >= "2025-09-21") & (halt.index < "2025-11-20")]
        self.assertEqual(len(days), 60)
        self.assertTrue((days == 1.0).all())
        self.assertEqual(halt["2025-11-20"], 0.0)
        ship = s[(s.indicator == "re_shipments") & (s.region == "JP")].set_index("date")["mean"]
        self.assertEqual(ship[(ship.index >= "2025-09-21") & (ship.index < "2025-11-20")].max(), 0.0)

    def test_without_the_materials_stock_the_same_halt_costs_more(self):
        monthly = jp_vehicles(self.bare, "output_loss_gross").groupby("month")["mean"].mean()
        self.assertGreater(monthly.max(), 1.0, monthly.to_dict())


if __name__ == "__main__":
    unittest.main()
