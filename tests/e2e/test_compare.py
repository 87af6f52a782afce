#!/usr/bin/env python3
"""End-to-end: `tradewar compare A B` pairs replicates on common random numbers.

- A scenario against itself: every paired difference and both ends of its interval are
  exactly zero, in every cell and outcome.
- Against the baseline with an extra 30% US tariff on China: the peak tariff differs by
  exactly 30, US imports from China fall, and where the outcome responds to the tariff
  the paired interval is narrower than the unpaired one.
- The files are the same bytes for any thread or rank count; incompatible scenarios are
  refused with exit 2.

Run by CTest as py/test_compare with TW_BIN, TW_SOURCE_DIR and TW_MPIEXEC.
"""
import os
import unittest

import pandas as pd

from mc_common import (BASELINE, TW_BIN, TW_MPIEXEC, TW_SOURCE_DIR, McCase, mpirun_cmd, read,
                       run)

TARIFF = os.path.join(TW_SOURCE_DIR, "tests", "e2e", "fixtures", "compare_tariff.yaml")
SMALL = ["-n", "24", "--set", "firms.per_cell=50", "--set", "output.interval_days=30",
         "--set", "end=2025-06-30", "-q"]
FILES = ["compare.csv", "compare_outcomes.csv"]


class Compare(McCase):
    prefix = "tw_compare_"

    def compare(self, name, a, b, extra=(), launcher=None):
        out = os.path.join(self.tmp, name)
        args = ["compare", a, b] + SMALL + list(extra) + ["-o", out]
        p = run(launcher(args) if launcher else [TW_BIN] + args)
        self.assertEqual(p.returncode, 0, p.stderr)
        return out

    def test_self_comparison_is_exactly_zero(self):
        out = self.compare("self", BASELINE, BASELINE, ["-t", "2"])
        for f in FILES:
            df = pd.read_csv(os.path.join(out, f))
            self.assertGreater(len(df), 0)
            # An outcome that never happens in the baseline (NaN in every replicate, such as
            # the first day of a shortage) has no pairs; every other one has all 24.
            never = df[df["n"] == 0]
            self.assertTrue(never.drop(columns=never.columns[:2]).isna().all().all(), f)
            df = df[df["n"] != 0]
            self.assertGreater(len(df), 0)
            self.assertTrue((df["n"] == 24).all(), f)
            for col in ("diff", "paired_lo", "paired_hi"):
                self.assertTrue((df[col] == 0.0).all(), "%s %s not all zero" % (f, col))
            self.assertTrue((df["mean_a"] == df["mean_b"]).all(), f)

    def test_paired_intervals_are_narrower_than_unpaired(self):
        out = self.compare("tariff", BASELINE, TARIFF, ["-t", "2"])
        oc = pd.read_csv(os.path.join(out, "compare_outcomes.csv")).set_index("outcome")
        self.assertEqual(oc.loc["peak_tariff_us_on_cn_pct", "diff"], 30.0)
        self.assertLess(oc.loc["imports_us_from_cn_usd_bn", "diff"], 0.0)
        for name in ("imports_us_from_cn_usd_bn", "tariff_revenue_us_usd_bn",
                     "cn_share_of_us_imports_end_pct", "welfare_us_end_pct"):
            row = oc.loc[name]
            paired = row["paired_hi"] - row["paired_lo"]
            unpaired = row["unpaired_hi"] - row["unpaired_lo"]
            self.assertGreater(paired, 0.0, name)
            self.assertLess(paired, unpaired, name)
            self.assertAlmostEqual(row["ratio"], unpaired / paired, places=6)
            self.assertTrue(row["paired_lo"] <= row["diff"] <= row["paired_hi"], name)
        # Per-day cells: the US-CN import gap on the last day, paired tighter than unpaired.
        cells = pd.read_csv(os.path.join(out, "compare.csv"))
        last = cells[(cells["date"] == cells["date"].max()) & (cells["indicator"] == "imports") &
                     (cells["region"] == "US") & (cells["partner"] == "CN") &
                     (cells["sector"] == "all")].iloc[0]
        self.assertLess(last["diff"], 0.0)
        self.assertLess(last["paired_hi"] - last["paired_lo"],
                        last["unpaired_hi"] - last["unpaired_lo"])

    def test_same_bytes_for_threads_and_ranks(self):
        ref = self.compare("t1", BASELINE, TARIFF, ["-t", "1"])
        others = [("t3", self.compare("t3", BASELINE, TARIFF, ["-t", "3"]))]
        if TW_MPIEXEC:
            others.append(("np2", self.compare("np2", BASELINE, TARIFF, ["-t", "1"],
                                               lambda args: mpirun_cmd(2, args))))
        for what, d in others:
            for f in FILES:
                self.assertEqual(read(os.path.join(ref, f)), read(os.path.join(d, f)),
                                 "%s differs for %s" % (f, what))

    def test_incompatible_scenarios_are_refused(self):
        out = os.path.join(self.tmp, "bad")
        p = run([TW_BIN, "compare", BASELINE, TARIFF, "-n", "2", "-o", out, "--set",
                 "end=2025-03-31"])
        self.assertEqual(p.returncode, 0, "the same --set applies to both: " + p.stderr)
        short = os.path.join(self.tmp, "short.yaml")
        with open(short, "w") as f:
            f.write("extends: %s\nname: short\nend: 2025-02-28\n" % BASELINE)
        p = run([TW_BIN, "compare", BASELINE, short, "-n", "2", "-o", out + "2"])
        self.assertEqual(p.returncode, 2)
        self.assertIn("same start, end", p.stderr)
        self.assertFalse(os.path.exists(out + "2"))
        p = run([TW_BIN, "compare", BASELINE, "-n", "2"])
        self.assertEqual(p.returncode, 2)
        self.assertIn("two scenario files", p.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
