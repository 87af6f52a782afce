#!/usr/bin/env python3
"""Importers' expectations of unscheduled measures, through the real program: a 125%
reciprocal tariff on China from 1 March 2025 that a deal brings down to 10% on 1 June,
neither scheduled in advance, on scenarios/baseline-2025.yaml. Run once with the default
expectation (firms.expectations: a deal at the prior rate, 0.69 a year) and once with
deals_per_year 0, same seed:

- before the shock the two runs are the same to the byte;
- in the month after the shock, US imports from China are lower with the expectation
  (orders postponed: stock drawn down against the chance of a deal), and in the two months
  after the deal higher (the postponed orders caught up);
- over the run the postponed orders are bought, not lost: the totals differ by under 1%;
- the same shock under a measure that is not negotiable gives the same bytes in both runs.

Run by CTest as py/test_expectations with TW_BIN.
"""
import filecmp
import os
import subprocess
import tempfile
import unittest

import pandas as pd

SRC = os.environ.get("TW_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("TW_BIN", os.path.join(SRC, "build", "tradewar"))
BASE = os.path.abspath(os.path.join(SRC, "scenarios", "baseline-2025.yaml"))

SCENARIO = """extends: {base}
name: shock-and-deal
end: 2025-09-30
tariffs+:
  - {{measure: {m}, imposer: US, target: CN, sectors: all, rate: 125, authority: IEEPA, effective: 2025-03-01}}
  - {{measure: {m}, imposer: US, target: CN, sectors: all, rate: 10, authority: IEEPA, effective: 2025-06-01}}
"""


class Expectations(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.out = {}
        for measure in ("reciprocal", "s232_other"):
            path = os.path.join(cls.tmp.name, measure + ".yaml")
            with open(path, "w") as f:
                f.write(SCENARIO.format(base=BASE, m=measure))
            for rate in ("0", None):
                out = os.path.join(cls.tmp.name, "%s-%s" % (measure, rate or "default"))
                sets = ["--set", "firms.per_cell=2000"]
                if rate is not None:
                    sets += ["--set", "firms.expectations.deals_per_year=" + rate]
                subprocess.run([BIN, "run", path, "-n", "2", "-t", "2", "-o", out, "--quiet"] + sets,
                               check=True, stdout=subprocess.DEVNULL)
                cls.out[(measure, rate)] = out

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def imports(self, measure, rate):
        df = pd.read_csv(os.path.join(self.out[(measure, rate)], "summary.csv"),
                         keep_default_na=False, na_values=[])
        s = df[(df.indicator == "imports") & (df.region == "US") & (df.partner == "CN") &
               (df.sector == "all")].set_index("date")["mean"].astype(float)
        s.index = pd.to_datetime(s.index)
        self.assertEqual(len(s), 273)
        return s

    def test_orders_wait_for_a_deal_and_catch_up(self):
        off, on = self.imports("reciprocal", "0"), self.imports("reciprocal", None)
        self.assertTrue((off[:"2025-02-28"] == on[:"2025-02-28"]).all())
        after_shock = on["2025-03-01":"2025-03-31"].sum() / off["2025-03-01":"2025-03-31"].sum()
        after_deal = on["2025-06-01":"2025-07-31"].sum() / off["2025-06-01":"2025-07-31"].sum()
        total = on.sum() / off.sum()
        self.assertLess(after_shock, 0.98)
        self.assertGreater(after_deal, 1.01)
        self.assertLess(abs(total - 1.0), 0.01)

    def test_a_measure_that_is_not_negotiable_is_expected_to_stay(self):
        for name in ("summary.csv", "replicates.csv", "outcomes.csv"):
            self.assertTrue(filecmp.cmp(os.path.join(self.out[("s232_other", "0")], name),
                                        os.path.join(self.out[("s232_other", None)], name),
                                        shallow=False), name)
        # and the shock itself moved trade
        off = self.imports("s232_other", "0")
        self.assertLess(off["2025-04-01":"2025-05-31"].mean(), 0.9 * off["2025-01-01":"2025-02-28"].mean())


if __name__ == "__main__":
    unittest.main()
