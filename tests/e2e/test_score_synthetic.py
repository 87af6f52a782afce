#!/usr/bin/env python3
"""End-to-end: `tradewar score` on output directories whose trajectories are known.

Each test writes a run's summary.csv (the series and output days) and trajectories.csv
with chosen values, then scores an observed file with the real program:

- CRPS of every observation against an independent O(m^2) implementation of the exact
  ensemble formula, to 1e-12, with the quantiles against numpy's, on random data with ties.
- Observations drawn from the run's own distribution: coverage of the 90% and 50% bands
  within their binomial intervals and a PIT histogram close to uniform (chi-square); drawn
  from a shifted one, coverage collapses and the PIT piles up at the top.
- Aggregation to months, ISO weeks and days: a flow summed and a level averaged, against
  hand computations, also when the run wrote every tenth day only.
- Bad observed files (unknown series, duplicate rows, dates outside the run, bad dates,
  non-numbers, categorical codes, a missing column): exit 2 with file:line:col and nothing
  written; missing trajectories: exit 2 naming --trajectories and --rerun.

Run by CTest as py/test_score_synthetic with TW_BIN.
"""
import datetime
import os
import re
import shutil
import subprocess
import tempfile
import unittest

import numpy as np
import pandas as pd

TW_BIN = os.environ.get("TW_BIN", "")
FLOW = ("imports", "US", "CN", "all")
LEVEL = ("tariff_rate", "US", "CN", "all")
STATE = ("re_regime", "US", "CN", "all")  # written per state (re_regime_halt, ...)


def crps_exact(x, y):
    """The ensemble CRPS by its definition: mean |X - y| - 1/2 mean |X - X'| over all pairs."""
    x = np.asarray(x, dtype=float)
    return np.mean(np.abs(x - y)) - 0.5 * np.mean(np.abs(x[:, None] - x[None, :]))


def days(start, n, step=1):
    """Output days: every step-th day from start and always the last of n days."""
    d0 = datetime.date.fromisoformat(start)
    idx = sorted(set(range(0, n, step)) | {n - 1})
    return [d0 + datetime.timedelta(days=i) for i in idx]


def write_run(outdir, dates, series, values):
    """summary.csv (labels, dates and the mean across replicates, which score checks the
    trajectories against; other statistics left at 0) and trajectories.csv with
    values[r][t][s], written with repr so that they read back exactly."""
    os.makedirs(outdir)
    mean = np.mean(np.asarray(values, dtype=float), axis=0)
    with open(os.path.join(outdir, "summary.csv"), "w") as f:
        f.write("date,indicator,region,partner,sector,mean,sd,p05,p50,p95\n")
        for t, d in enumerate(dates):
            for k, s in enumerate(series):
                f.write("%s,%s,%r,0,0,0,0\n" % (d.isoformat(), ",".join(s), float(mean[t, k])))
    with open(os.path.join(outdir, "trajectories.csv"), "w") as f:
        f.write("replicate,date," + ",".join(".".join(s) for s in series) + "\n")
        for r, rows in enumerate(values):
            for d, row in zip(dates, rows):
                f.write("%d,%s,%s\n" % (r, d.isoformat(), ",".join(repr(float(v)) for v in row)))


def write_observed(path, rows, header="date,indicator,region,partner,sector,value,unit,source"):
    with open(path, "w") as f:
        f.write(header + "\n")
        for r in rows:
            f.write(",".join(str(v) for v in r) + "\n")


class ScoreSynthetic(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="tw_score_syn_")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def score(self, outdir, observed, *extra, code=0):
        scoredir = os.path.join(self.tmp, "score-" + os.path.basename(observed))
        p = subprocess.run([TW_BIN, "score", outdir, observed, "-o", scoredir, "-q"] + list(extra),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True, timeout=120)
        self.assertEqual(p.returncode, code, p.stderr)
        if code != 0:
            return p
        # round_trip: the files hold every double exactly, and so does the reader.
        read = lambda name: pd.read_csv(os.path.join(scoredir, name),  # noqa: E731
                                        float_precision="round_trip")
        return read("score_points.csv"), read("score.csv")

    def test_crps_and_quantiles_match_an_independent_implementation(self):
        rng = np.random.default_rng(20250101)
        m, n_days = 37, 12
        dates = days("2025-03-01", n_days)
        series = [FLOW, LEVEL]
        values = rng.normal(0.0, 1.0, size=(m, n_days, 2))
        values[:, :, 1] = np.round(values[:, :, 1], 1)  # ties among members
        out = os.path.join(self.tmp, "run")
        write_run(out, dates, series, values)
        obs, want = [], []
        for t, d in enumerate(dates):
            for k, s in enumerate(series):
                # Some observations exactly on a member, some between, some far outside.
                y = [values[3, t, k], rng.normal(), 5.0 * rng.normal()][(t + k) % 3]
                obs.append((d.isoformat(),) + s + (repr(float(y)), "", ""))
                want.append((values[:, t, k], float(y)))
        path = os.path.join(self.tmp, "obs.csv")
        write_observed(path, obs)
        pts, _ = self.score(out, path, "--period", "day")
        self.assertEqual(len(pts), len(want))
        for (x, y), (_, row) in zip(want, pts.iterrows()):
            self.assertEqual(row["m"], m)
            self.assertEqual(row["observed"], y)
            self.assertLessEqual(abs(row["crps"] - crps_exact(x, y)), 1e-12)
            for col, p in (("p05", 0.05), ("p25", 0.25), ("p50", 0.5), ("p75", 0.75),
                           ("p95", 0.95)):
                self.assertLessEqual(abs(row[col] - np.quantile(x, p)), 1e-12, col)
            self.assertLessEqual(abs(row["mean"] - np.mean(x)), 1e-12)
            lt, le = np.sum(x < y), np.sum(x <= y)
            self.assertTrue(lt / (m + 1) <= row["pit"] <= (le + 1) / (m + 1))

    def calibration_run(self, shift):
        """300 observations of 5 level series over 60 days against 99 replicates, the
        observation drawn from the members' distribution moved by shift sds."""
        rng = np.random.default_rng(7)
        m, n_days = 99, 60
        dates = days("2025-01-01", n_days)
        series = [(LEVEL[0], "US", p, "all") for p in ("CN", "EU", "ROW")] + \
                 [(LEVEL[0], "CN", p, "all") for p in ("US", "EU")]
        mu = rng.normal(10.0, 3.0, size=(n_days, len(series)))
        sd = rng.uniform(0.5, 2.0, size=(n_days, len(series)))
        values = mu + sd * rng.normal(size=(m, n_days, len(series)))
        y = mu + sd * (rng.normal(size=(n_days, len(series))) + shift)
        out = os.path.join(self.tmp, "cal%g" % shift)
        write_run(out, dates, series, values)
        path = os.path.join(self.tmp, "cal%g.csv" % shift)
        write_observed(path, [(d.isoformat(),) + s + (repr(float(y[t, k])), "", "")
                              for t, d in enumerate(dates) for k, s in enumerate(series)])
        return self.score(out, path)

    @staticmethod
    def binomial_interval(n, p, z=3.29):
        """99.9% normal-approximation interval of a share of n trials with probability p."""
        h = z * np.sqrt(p * (1 - p) / n)
        return p - h, p + h

    def test_coverage_and_pit_when_observations_come_from_the_run(self):
        pts, sc = self.calibration_run(0.0)
        n = len(pts)
        self.assertEqual(n, 300)
        overall = sc[sc["indicator"] == "overall"].iloc[0]
        self.assertEqual(overall["n"], n)
        for col, p in (("cover90", 0.9), ("cover50", 0.5)):
            lo, hi = self.binomial_interval(n, p)
            self.assertTrue(lo <= overall[col] <= hi, "%s %g not in [%g, %g]" %
                            (col, overall[col], lo, hi))
        counts = overall[["pit_%d" % k for k in range(1, 11)]].to_numpy(dtype=float)
        self.assertEqual(counts.sum(), n)
        chi2 = np.sum((counts - n / 10) ** 2 / (n / 10))
        self.assertLess(chi2, 27.88)  # chi-square, 9 degrees of freedom, 0.1% level
        # The histogram is the points' PIT values, binned.
        np.testing.assert_array_equal(np.histogram(pts["pit"], bins=10, range=(0, 1))[0],
                                      counts)

    def test_a_biased_run_is_seen(self):
        pts, sc = self.calibration_run(2.5)
        overall = sc[sc["indicator"] == "overall"].iloc[0]
        self.assertLess(overall["cover90"], 0.5)
        self.assertGreater(overall["pit_10"], 0.5 * len(pts))
        self.assertTrue((sc[sc["indicator"] != "overall"]["bias"] < 0).all())

    def aggregation_run(self, step):
        """Two replicates over January to March 2025: the flow is (r + 1) times the day
        of the month, the level the day of the month plus 100 r."""
        dates = days("2025-01-01", 90, step)
        values = [[[(r + 1) * d.day, d.day + 100 * r] for d in dates] for r in range(2)]
        out = os.path.join(self.tmp, "agg%d" % step)
        write_run(out, dates, [FLOW, LEVEL], values)
        return out

    def test_aggregation_to_months_weeks_and_days(self):
        out = self.aggregation_run(1)
        path = os.path.join(self.tmp, "months.csv")
        write_observed(path, [("2025-01",) + FLOW + (500, "", ""),
                              ("2025-02",) + LEVEL + (20, "", "")])
        pts, sc = self.score(out, path)
        flow, level = pts.iloc[0], pts.iloc[1]
        # January's sum of (r + 1) * day: 496 and 992; their median and mean 744.
        self.assertEqual((flow["start"], flow["end"], flow["aggregation"]),
                         ("2025-01-01", "2025-01-31", "sum"))
        self.assertEqual(flow["p50"], 744.0)
        self.assertEqual(flow["p05"], 496.0 + 0.05 * 496.0)
        # February's mean of day + 100 r: 14.5 and 114.5.
        self.assertEqual((level["start"], level["end"], level["aggregation"]),
                         ("2025-02-01", "2025-02-28", "mean"))
        self.assertEqual(level["p50"], 64.5)
        self.assertEqual(level["p95"], 14.5 + 0.95 * 100.0)
        # Two members {496, 992} at 500: mean |x - y| = 248, minus |496 - 992| / 4 = 124.
        self.assertEqual(flow["crps"], 124.0)
        row = sc[sc["indicator"] == "imports"].iloc[0]
        self.assertEqual((row["mae"], row["bias"]), (244.0, 244.0))
        self.assertAlmostEqual(row["mae_pct"], 100.0 * 244.0 / 500.0, places=12)

        # The ISO week of Wednesday 8 January is Monday 6 to Sunday 12: 6 + ... + 12 = 63.
        path = os.path.join(self.tmp, "weeks.csv")
        write_observed(path, [("2025-01-08",) + FLOW + (63, "", ""),
                              ("2025-01-08",) + LEVEL + (9, "", "")])
        pts, _ = self.score(out, path, "--period", "week")
        self.assertEqual((pts.iloc[0]["start"], pts.iloc[0]["end"]), ("2025-01-06", "2025-01-12"))
        self.assertEqual(pts.iloc[0]["p05"], 63.0 + 0.05 * 63.0)
        self.assertEqual(pts.iloc[1]["p05"], 9.0 + 0.05 * 100.0)
        # A day is the value itself, flow or level; --period month takes the day's month.
        path = os.path.join(self.tmp, "days.csv")
        write_observed(path, [("2025-03-17",) + FLOW + (17, "", "")])
        pts, _ = self.score(out, path)
        self.assertEqual((pts.iloc[0]["p05"], pts.iloc[0]["p95"]), (17.0 + 0.05 * 17, 17 + 0.95 * 17))
        pts, _ = self.score(out, path, "--period", "month")
        self.assertEqual((pts.iloc[0]["start"], pts.iloc[0]["end"]), ("2025-03-01", "2025-03-31"))

    def test_aggregation_holds_values_between_output_days(self):
        # Output on 1, 11, 21, 31 January, ...: each value stands until the next output
        # day. January's flow for replicate 0: 10 x 1 + 10 x 11 + 10 x 21 + 31 = 361.
        out = self.aggregation_run(10)
        path = os.path.join(self.tmp, "months10.csv")
        write_observed(path, [("2025-01",) + FLOW + (361, "", ""),
                              ("2025-01",) + LEVEL + (16, "", "")])
        pts, _ = self.score(out, path)
        self.assertEqual(pts.iloc[0]["p05"], 361.0 + 0.05 * 361.0)
        self.assertEqual(pts.iloc[0]["crps"], 361.0 / 4.0)  # {361, 722} at 361
        self.assertAlmostEqual(pts.iloc[1]["p05"], 361.0 / 31.0 + 0.05 * 100.0, places=12)

    def test_bad_observed_files_are_refused_with_their_place(self):
        out = self.aggregation_run(1)
        ok = ("2025-01",) + FLOW + (1, "", "")
        cases = [
            ("unknown_indicator", [ok, ("2025-02", "imprts", "US", "CN", "all", 1, "", "")],
             3, 9, "unknown indicator 'imprts'"),
            ("unknown_partner", [("2025-02", "imports", "US", "XX", "all", 1, "", "")],
             2, 20, "no imports.US series with partner 'XX'"),
            ("duplicate", [ok, ("2025-02",) + FLOW + (2, "", ""), ok], 4, 1, "duplicate of line 2"),
            ("outside", [("2025-04",) + FLOW + (1, "", "")], 2, 1, "not inside the run"),
            ("bad_date", [("2025-02-30",) + FLOW + (1, "", "")], 2, 1, "expected a date"),
            ("not_a_number", [("2025-02",) + FLOW + ("12x5", "", "")], 2, 27,
             "expected a decimal number"),
            ("categorical", [("2025-02",) + STATE + (1, "", "")], 2, 9,
             "unknown indicator 're_regime'"),
        ]
        for name, rows, line, col, what in cases:
            with self.subTest(name):
                path = os.path.join(self.tmp, name + ".csv")
                write_observed(path, rows)
                scoredir = os.path.join(self.tmp, "score-" + name)
                p = subprocess.run([TW_BIN, "score", out, path, "-o", scoredir],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   universal_newlines=True, timeout=60)
                self.assertEqual(p.returncode, 2, p.stderr)
                self.assertRegex(p.stderr, "^tradewar: %s:%d:%d: .*%s" %
                                 (re.escape(path), line, col, re.escape(what)))
                self.assertEqual(p.stdout, "")
                self.assertFalse(os.path.exists(scoredir))
        path = os.path.join(self.tmp, "no_value.csv")
        write_observed(path, [("2025-01",) + FLOW], header="date,indicator,region,partner,sector")
        p = self.score(out, path, code=2)
        self.assertRegex(p.stderr, re.escape(path) + ":1:1: missing column 'value'")

    def test_missing_trajectories_say_what_to_do(self):
        out = self.aggregation_run(1)
        os.remove(os.path.join(out, "trajectories.csv"))
        path = os.path.join(self.tmp, "one.csv")
        write_observed(path, [("2025-01",) + FLOW + (1, "", "")])
        p = self.score(out, path, code=2)
        self.assertIn("--trajectories", p.stderr)
        self.assertIn("--rerun", p.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "score-one.csv")))


if __name__ == "__main__":
    unittest.main(verbosity=2)
