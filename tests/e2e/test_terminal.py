#!/usr/bin/env python3
"""End-to-end: the terminal table of `tradewar run` in the units people compare with.

- One line a month: a flow (US imports from China, aggregation sum in the model's data
  dictionary) is the month's total in USD bn, the sum of summary.csv's daily means; a
  level (the tariff rates, China's share, welfare) is the mean of the month's daily means;
  a month the run covers in part says how many days it holds. With weekly output a total
  is the month's days times the mean of its output days.
- Every column names its unit; the per-replicate outcomes carry theirs from the
  dictionary.

Run by CTest as py/test_terminal with TW_BIN and TW_SOURCE_DIR.
"""
import os
import re
import unittest

import pandas as pd

from mc_common import BASELINE, TW_BIN, McCase, run

HEADS = ["US tariff on CN", "CN tariff on US", "US imports from CN", "CN share of US imp.",
         "US welfare", "CN welfare"]
SERIES = [("tariff_rate", "US", "CN"), ("tariff_rate", "CN", "US"), ("imports", "US", "CN"),
          ("partner_import_share", "US", "CN"), ("welfare", "US", "all"),
          ("welfare", "CN", "all")]
FLOW = [False, False, True, False, False, False]
DECIMALS = [1, 1, 1, 2, 3, 3]


def table(stdout):
    """{month: (days, [six values])} and the two header lines of the monthly table."""
    lines = stdout.splitlines()
    at = next(i for i, l in enumerate(lines) if l.startswith("month "))
    rows = {}
    for line in lines[at + 2:]:
        m = re.match(r"^(\d{4}-\d\d)\s+(\d+)((?:\s+-?\d+\.\d+){6})$", line)
        if m is None:
            break
        rows[m.group(1)] = (int(m.group(2)), [float(x) for x in m.group(3).split()])
    return lines[at], lines[at + 1], rows


class Terminal(McCase):
    prefix = "tw_terminal_"

    def run_table(self, name, interval):
        out = os.path.join(self.tmp, name)
        p = run([TW_BIN, "run", BASELINE, "-n", "4", "-t", "2", "--set", "firms.per_cell=50",
                 "--set", "end=2025-03-15", "--set", "output.interval_days=%d" % interval,
                 "-o", out, "-q"])
        self.assertEqual(p.returncode, 0, p.stderr)
        head, units, rows = table(p.stdout)
        s = pd.read_csv(os.path.join(out, "summary.csv"))
        s = s[s["sector"] == "all"]
        s["month"] = s["date"].str[:7]
        return p, head, units, rows, s

    def check(self, rows, s, days_of):
        self.assertEqual(sorted(rows), ["2025-01", "2025-02", "2025-03"])
        self.assertEqual([rows[m][0] for m in sorted(rows)], [31, 28, 15])
        for month, (days, values) in rows.items():
            for c, (ind, region, partner) in enumerate(SERIES):
                g = s[(s["indicator"] == ind) & (s["region"] == region) &
                      (s["partner"] == partner) & (s["month"] == month)]["mean"]
                want = days_of(days, g) if FLOW[c] else g.mean()
                self.assertAlmostEqual(values[c], want, delta=0.51 * 10 ** -DECIMALS[c],
                                       msg="%s %s" % (HEADS[c], month))

    def test_daily_output_monthly_totals_and_means(self):
        p, head, units, rows, s = self.run_table("daily", 1)
        for h in HEADS:
            self.assertIn(h, head)
        self.assertEqual(units.split(), ["%,", "mean", "%,", "mean", "USD", "bn/month", "%,",
                                         "mean", "%", "(log", "points),", "mean", "%", "(log",
                                         "points),", "mean"])
        # Daily output: the total is the sum of the month's days, USD million -> bn.
        self.check(rows, s, lambda days, g: g.sum() / 1000.0)
        self.assertGreater(rows["2025-01"][1][2], 10.0)  # tens of USD bn a month
        self.assertIn("imports_us_from_cn_usd_bn           USD bn ", p.stdout)
        self.assertIn("first_leader_call_day               days from the start ", p.stdout)

    def test_weekly_output_scales_to_the_month(self):
        _, _, _, rows, s = self.run_table("weekly", 7)
        self.check(rows, s, lambda days, g: days * g.mean() / 1000.0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
