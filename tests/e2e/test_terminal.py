#!/usr/bin/env python3
"""End-to-end: the terminal table of `tradewar run` in the units people compare with.

- One line a month: a flow (US imports from China, aggregation sum in the model's data
  dictionary) is the month's total in USD bn, the sum of summary.csv's daily means; a
  level (the tariff rates, China's share, welfare) is the mean of the month's daily means;
  a month the run covers in part says how many days it holds. With output every
  `output.interval_days` days each output day stands for the days up to the next one
  (README, "score"), so weekly output is spread over the days it stands for and monthly
  output (interval 30) still gives every month a row.
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

    def run_table(self, name, interval, end="2025-03-15"):
        out = os.path.join(self.tmp, name)
        p = run([TW_BIN, "run", BASELINE, "-n", "4", "-t", "2", "--set", "firms.per_cell=50",
                 "--set", "end=" + end, "--set", "output.interval_days=%d" % interval,
                 "-o", out, "-q"])
        self.assertEqual(p.returncode, 0, p.stderr)
        head, units, rows = table(p.stdout)
        s = pd.read_csv(os.path.join(out, "summary.csv"))
        s = s[s["sector"] == "all"]
        s["month"] = s["date"].str[:7]
        return p, head, units, rows, s

    def check(self, rows, s, months=("2025-01", "2025-02", "2025-03"), days=(31, 28, 15)):
        """Each month's row against summary.csv with every output day standing for the
        days up to the next one (the last for itself): a flow's total is the sum over the
        month's days in USD bn, a level the mean over them."""
        self.assertEqual(sorted(rows), list(months))
        self.assertEqual([rows[m][0] for m in sorted(rows)], list(days))
        for c, (ind, region, partner) in enumerate(SERIES):
            g = s[(s["indicator"] == ind) & (s["region"] == region) &
                  (s["partner"] == partner)].sort_values("date")
            dates = pd.to_datetime(g["date"]).tolist()
            spread = []
            for k, (d, v) in enumerate(zip(dates, g["mean"])):
                n = (dates[k + 1] - d).days if k + 1 < len(dates) else 1
                spread += [(d + pd.Timedelta(days=i), v) for i in range(n)]
            daily = pd.DataFrame(spread, columns=["day", "v"])
            daily["month"] = daily["day"].dt.strftime("%Y-%m")
            for month, (n, values) in rows.items():
                v = daily[daily["month"] == month]["v"]
                self.assertEqual(len(v), n, month)
                want = v.sum() / 1000.0 if FLOW[c] else v.mean()
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
        self.check(rows, s)
        self.assertGreater(rows["2025-01"][1][2], 10.0)  # tens of USD bn a month
        self.assertIn("imports_us_from_cn_usd_bn           USD bn ", p.stdout)
        self.assertIn("first_leader_call_day               days from the start ", p.stdout)

    def test_weekly_output_scales_to_the_month(self):
        _, _, _, rows, s = self.run_table("weekly", 7)
        self.check(rows, s)

    def test_monthly_output_skips_no_month(self):
        """With output.interval_days=30 the output days are 1 January, 31 January, 2 March
        and the last: February has none of its own but 31 January stands for it, so the
        table has a row for every month of the run."""
        p, head, _, rows, s = self.run_table("monthly", 30, end="2025-04-30")
        self.assertNotIn("2025-02", set(s["month"]))
        self.assertIn("written every 30 days", p.stdout)
        self.check(rows, s, months=("2025-01", "2025-02", "2025-03", "2025-04"),
                   days=(31, 28, 31, 30))


if __name__ == "__main__":
    unittest.main(verbosity=2)
