#!/usr/bin/env python3
"""End-to-end: run rare-earth-licensing-2025.yaml through the real program and read its
CSVs back with pandas.

Checks on summary.csv (means across replicates, which keep every linear identity):
  - conservation: cumulative re_shipments = cumulative re_received + re_in_transit, on
    every date, for every destination and sector;
  - the 2024 calibration: before the controls (February-March) magnet shipments (licensed
    and outside scope) to the US average
    600 t a month (19.7 t a day) within 15%;
  - the controls bite: shipments to the US in May are below half of February-March, and
    recover after the London framework (August above May);
  - the regime toward the US is open before 4 April, slow-roll to 9 June and licensing from
    10 June; toward the EU slow-roll from 4 April;
  - no licence is approved on a Saturday or Sunday, and cumulative approvals never exceed
    cumulative applications;
  - percentages in range, the 10th percentile of stocks not above the mean, output loss
    and GDP zero before the controls, net loss (after catch-up) never above the gross
    stoppage loss, and GDP summed from the start never positive;
  - replicates.csv: the onset day is NaN (did not happen) or a day of the run.
Run by CTest as py/test_rare_earths_pandas with TW_BIN and TW_SOURCE_DIR.
"""
import os
import shutil
import subprocess
import tempfile
import unittest

import numpy as np
import pandas as pd

TW_BIN = os.environ.get("TW_BIN", "")
TW_SOURCE_DIR = os.environ.get("TW_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
SCENARIO = "scenarios/rare-earth-licensing-2025.yaml"
US_T_PER_DAY = 600.0 * 12 / 365


class LicensingRun(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not TW_BIN or not os.access(TW_BIN, os.X_OK):
            raise unittest.SkipTest("TW_BIN is not set to the tradewar program")
        cls.tmp = tempfile.mkdtemp(prefix="tw_re_pandas_")
        out = os.path.join(cls.tmp, "run")
        proc = subprocess.run(
            [TW_BIN, "run", os.path.join(TW_SOURCE_DIR, SCENARIO), "-n", "4", "--set",
             "firms.per_cell=100", "--set", "rare_earths.per_cell=3000", "--set", "end=2025-08-31",
             "-o", out, "--quiet"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=300)
        if proc.returncode != 0:
            raise AssertionError(f"tradewar exited {proc.returncode}: {proc.stderr}")
        cls.df = pd.read_csv(os.path.join(out, "summary.csv"), dtype={"region": str, "partner": str,
                                                                      "sector": str})
        cls.reps = pd.read_csv(os.path.join(out, "replicates.csv"))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def series(self, ind, region, partner, sector, col="mean"):
        x = self.df[(self.df.indicator == ind) & (self.df.region == region) &
                    (self.df.partner == partner) & (self.df.sector == sector)]
        self.assertGreater(len(x), 0, f"no series {ind} {region} {partner} {sector}")
        return x.set_index(pd.to_datetime(x.date))[col]

    def test_tonnes_shipped_equal_received_plus_in_transit(self):
        ship = self.df[self.df.indicator == "re_shipments"]
        keys = ship[["region", "partner", "sector"]].drop_duplicates().itertuples(index=False)
        n = 0
        for r, o, s in keys:
            ship = self.series("re_shipments", r, o, s)
            got = self.series("re_received", r, o, s)
            transit = self.series("re_in_transit", r, o, s)
            # what was in transit before the first day (shipped before the run)
            start = transit.iloc[0] + got.iloc[0] - ship.iloc[0]
            self.assertGreater(start, 0.0, f"{r} {o} {s}: the pipeline starts full")
            shipped = start + ship.cumsum()
            diff = (shipped - got.cumsum() - transit).abs()
            # summary.csv prints 10 significant digits; the cumulated rounding stays
            # below 1e-8 of the cumulated tonnes
            tol = 1e-8 * np.maximum(shipped.abs(), 1.0)
            self.assertTrue((diff <= tol).all(), f"{r} {o} {s}: worst {diff.max()}")
            n += 1
        self.assertEqual(n, 3 * 4, "3 destinations x (3 sectors + all)")

    def test_shipments_to_the_us_match_2024_then_fall_and_recover(self):
        # the exporter's magnet exports: licensed plus outside the controls' scope
        s = (self.series("re_shipments", "US", "CN", "all") +
             self.series("re_shipments_outside_scope", "US", "CN", "all"))
        before = s["2025-02-01":"2025-03-31"].mean()
        may = s["2025-05-01":"2025-05-31"].mean()
        august = s["2025-08-01":"2025-08-31"].mean()
        self.assertLess(abs(before / US_T_PER_DAY - 1.0), 0.15, f"Feb-Mar {before:.2f} t/day")
        self.assertLess(may, before / 2.0, f"May {may:.2f} t/day against {before:.2f}")
        self.assertGreater(august, may, f"August {august:.2f} t/day, May {may:.2f}")

    def test_regimes_follow_the_scenario(self):
        # One 0/1 series per regime: its mean is the share of replicates in the regime,
        # and the shares add up to 1 on every day.
        names = ("open", "licensing", "slow_roll", "halt")
        us = {k: self.series("re_regime_" + k, "US", "CN", "all") for k in names}
        eu = {k: self.series("re_regime_" + k, "EU", "CN", "all") for k in names}
        for side in (us, eu):
            self.assertTrue((sum(side.values()) == 1).all())
        self.assertTrue((us["open"][:"2025-04-03"] == 1).all())
        self.assertTrue((us["slow_roll"]["2025-04-04":"2025-06-09"] == 1).all())
        self.assertTrue((us["licensing"]["2025-06-10":] == 1).all())
        self.assertTrue((eu["open"][:"2025-04-03"] == 1).all())
        self.assertTrue((eu["slow_roll"]["2025-04-04":] == 1).all())

    def test_licences(self):
        for r in ("US", "EU", "ROW"):
            apps = self.series("re_licence_applications", r, "CN", "all")
            ok = self.series("re_licence_approvals", r, "CN", "all")
            weekend = ok[ok.index.dayofweek >= 5]
            self.assertTrue((weekend == 0).all(), f"{r}: approvals on a weekend")
            self.assertTrue((ok.cumsum() <= apps.cumsum() + 1e-9).all(), r)
            self.assertGreater(ok.sum(), 0, r)
            self.assertEqual(apps[:"2025-04-03"].sum(), 0, f"{r}: no licence needed before April")

    def test_ranges_and_zero_before_the_controls(self):
        df = self.df
        halted = df[df.indicator == "re_firms_halted"]
        self.assertTrue(((halted["p05"] >= 0) & (halted["p95"] <= 100)).all())
        for r in ("US", "EU", "ROW"):
            for s in ("all", "vehicles", "electronics", "machinery"):
                mean = self.series("re_inventory_days", r, "CN", s)
                p10 = self.series("re_inventory_days_p10", r, "CN", s)
                self.assertTrue((p10 <= mean + 1e-9).all(), f"{r} {s}")
        gross = df[df.indicator == "output_loss_gross"]
        self.assertTrue(((gross["mean"] >= 0) & (gross["mean"] <= 100)).all())
        net = df[df.indicator == "output_loss"].set_index(["date", "region", "sector"])["mean"]
        gross = gross.set_index(["date", "region", "sector"])["mean"]
        self.assertTrue((net <= gross + 1e-9).all(), "catch-up only adds output")
        # catch-up repays at most a share of earlier losses: GDP summed from the start
        # never rises above the baseline
        for r in ("US", "EU", "ROW"):
            self.assertTrue((self.series("gdp", r, "all", "all").cumsum() <= 1e-12).all(), r)
        early = df[(df.date < "2025-04-04") & df.indicator.isin(["output_loss", "gdp"])]
        self.assertTrue((early[["mean", "p95"]] == 0).all().all())
        self.assertGreater(self.series("output_loss", "US", "all", "vehicles").max(), 1.0)

    def test_onset_is_nan_or_a_day_of_the_run(self):
        v = self.reps["re_us_vehicles_first_loss_day"]
        days = (pd.Timestamp("2025-08-31") - pd.Timestamp("2025-01-01")).days
        self.assertTrue((v.isna() | ((v >= 0) & (v <= days))).all(), list(v))


if __name__ == "__main__":
    unittest.main(verbosity=2)
