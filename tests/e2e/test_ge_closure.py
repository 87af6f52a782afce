#!/usr/bin/env python3
"""The general-equilibrium closure of the daily model, through the real program on the real
scenario files (truce-collapse.yaml: the 2025 tariffs to the end of May, then a US-China
war of snap-back and answers), with 3,000 firms a cell (welfare is measured from what
buyers use, so the sampling noise of a few hundred firms would blur the checks):

- the bystanders' welfare (the EU, Mexico, Japan, Korea, Vietnam, the rest) changes under a war
  between the US and China although they change no
  tariff: their terms of trade move and their revenue term is exactly zero (the rest of
  their welfare is their buyers' reallocation, and noise);
- welfare = welfare_tot + welfare_volume on every day, in every replicate;
- world exports equal world imports on every day;
- US welfare during the 145% window (10 April to 13 May 2025) stays below its level before
  the April measures, although the duty it collects is higher all through the window;
- with ge.enabled false, producer prices stay 1 and the terms-of-trade term is exactly 0,
  while with it on they move.

Run by CTest as py/test_ge_closure with TW_BIN.
"""
import os
import subprocess
import tempfile
import unittest

import pandas as pd

SRC = os.environ.get("TW_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("TW_BIN", os.path.join(SRC, "build", "tradewar"))
SCENARIO = os.path.join(SRC, "scenarios", "truce-collapse.yaml")
REGIONS = ("US", "CN", "EU", "MX", "CA", "JP", "KR", "VN", "ROW")  # its world: nine
BYSTANDERS = ("EU", "MX", "JP", "KR", "VN", "ROW")  # Canada answers the US: not one


def run(out, *sets):
    cmd = [BIN, "run", SCENARIO, "-n", "2", "-t", "2", "-s", "7", "-o", out, "--quiet",
           "--trajectories", "--set", "firms.per_cell=3000", "--set", "output.interval_days=1"]
    for s in sets:
        cmd += ["--set", s]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return pd.read_csv(os.path.join(out, "trajectories.csv"))


class GeClosure(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.ge = run(os.path.join(cls.tmp.name, "ge"))
        cls.pe = run(os.path.join(cls.tmp.name, "pe"), "ge.enabled=false")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_bystanders_change_through_the_terms_of_trade(self):
        last = self.ge[self.ge["date"] == self.ge["date"].max()]
        for r in BYSTANDERS:
            for rep in last.itertuples():
                row = last.loc[rep.Index]
                self.assertGreater(abs(row[f"welfare.{r}.all.all"]), 1e-4, r)
                self.assertGreater(abs(row[f"welfare_tot.{r}.all.all"]), 1e-4, r)
            self.assertTrue((self.ge[f"welfare_revenue.{r}.all.all"] == 0).all(), r)

    def test_welfare_is_tot_plus_volume_every_day(self):
        for r in REGIONS:
            gap = (self.ge[f"welfare.{r}.all.all"] - self.ge[f"welfare_tot.{r}.all.all"]
                   - self.ge[f"welfare_volume.{r}.all.all"]).abs()
            self.assertLess(gap.max(), 1e-8, r)  # trajectories carry 10 digits

    def test_world_exports_equal_world_imports_every_day(self):
        for df in (self.ge, self.pe):
            exp = sum(df[f"exports.{r}.all.all"] for r in REGIONS)
            imp = sum(df[f"imports.{r}.all.all"] for r in REGIONS)
            self.assertLess(((exp - imp).abs() / imp).max(), 1e-8)  # 10 digits

    # With slow switching and the timing margin, taxed imports swing as firms postpone
    # orders and catch up (and as shipments in transit enter); welfare follows what buyers
    # use, not what enters customs, so those swings are not welfare changes.
    def test_us_welfare_does_not_rise_in_the_145_window(self):
        df = self.ge.set_index(["replicate", "date"])
        for rep in sorted(self.ge["replicate"].unique()):
            before = df.loc[(rep, "2025-04-01")]  # before the April measures
            during = df.loc[rep].loc["2025-04-10":"2025-05-13"]
            self.assertGreater(during["tariff_rate.US.CN.all"].min(), 100.0)
            self.assertLessEqual(during["welfare.US.all.all"].max(),
                                 before["welfare.US.all.all"])
            # the duty collected is higher all through the window, and more than offset by
            # what the buyers pay
            self.assertGreater(during["welfare_revenue.US.all.all"].min(),
                               before["welfare_revenue.US.all.all"] + 0.5)

    def test_switching_ge_off_fixes_producer_prices(self):
        for r in ("US", "CN", "EU", "ROW"):
            self.assertTrue((self.pe[f"producer_price.{r}.all.all"] == 1.0).all(), r)
            self.assertTrue((self.pe[f"welfare_tot.{r}.all.all"] == 0.0).all(), r)
        moved = (self.ge["producer_price.US.all.all"] - 1.0).abs().max()
        self.assertGreater(moved, 1e-4)


if __name__ == "__main__":
    unittest.main()
