#!/usr/bin/env python3
"""End-to-end: what `tradewar score` accepts, converts and refuses, and what it leaves on disk.

Each test writes a run (summary.csv and trajectories.csv with chosen values, as
test_score_synthetic.py does, or a real run of the 2025 history) and an observed file, runs
the real program and reads back what it wrote (analysis/score_report.py too):

- Units, against the data dictionary: USD bn and USD million per day converted to the USD
  million total of the period (and said so), per month over a month taken as it is; a unit
  of another quantity, a rate per year and a month's total over a day refused with
  file:line:col and the unit expected; units in the table, score.csv and
  score_points.csv, and on the report's value axis; the base of MAE% named in the table; a
  warning when every date is the first of a month and no --period was given.
- Input: a UTF-8 byte order mark before the header; hexadecimal, inf, nan and out-of-range
  values refused and a subnormal value scored; a repeated column refused naming both; a
  FIFO in place of the observed file, summary.csv or trajectories.csv refused at once;
  values near the largest double scored with finite CRPS and means; trajectories of a run
  with another seed refused.
- Output: SCOREDIR replaced whole and never half-written: an I/O error at each step of a
  score (the fault-injection shim) leaves the earlier scores byte for byte, and a
  directory that holds other files is refused.

Run by CTest as py/test_score_inputs with TW_BIN, TW_FAULT_LIB and TW_SOURCE_DIR.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_score_synthetic import FLOW, LEVEL, crps_exact, days, write_observed, write_run  # noqa: E402

TW_BIN = os.environ.get("TW_BIN", "")
SRC = os.environ.get("TW_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
FAULT_LIB = os.environ.get("TW_FAULT_LIB", "")
HISTORY = os.path.join(SRC, "scenarios", "history-2025-four.yaml")
sys.path.insert(0, os.path.join(SRC, "analysis"))


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def run(args, env=None, timeout=120):
    return subprocess.run([TW_BIN] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=timeout, env=env)


class ScoreInputs(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="tw_score_in_")
        # Two replicates over January to March 2025: the flow is (r + 1) times the day of
        # the month (January's totals 496 and 992), the level the day plus 100 r.
        dates = days("2025-01-01", 90)
        values = [[[(r + 1) * d.day, d.day + 100 * r] for d in dates] for r in range(2)]
        self.out = os.path.join(self.tmp, "run")
        write_run(self.out, dates, [FLOW, LEVEL], values)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def observed(self, name, rows, header="date,indicator,region,partner,sector,value,unit,source"):
        path = os.path.join(self.tmp, name + ".csv")
        write_observed(path, rows, header)
        return path

    def score(self, path, *extra, code=0, scoredir=None):
        scoredir = scoredir or os.path.join(self.tmp, "score-" + os.path.basename(path))
        p = run(["score", self.out, path, "-o", scoredir] + list(extra))
        self.assertEqual(p.returncode, code, p.stderr)
        if code == 0:
            read = lambda n: pd.read_csv(os.path.join(scoredir, n), float_precision="round_trip",  # noqa: E731
                                         keep_default_na=False, na_values=["nan"])
            return p, read("score_points.csv"), read("score.csv")
        self.assertEqual(p.stdout, "")
        self.assertFalse(os.path.exists(scoredir), "a refused score wrote nothing")
        return p, None, None

    def refused(self, path, line, col, what, *extra):
        p, _, _ = self.score(path, *extra, code=2)
        self.assertRegex(p.stderr, "^tradewar: %s:%d:%d: .*%s" % (re.escape(path), line, col,
                                                                   re.escape(what)))

    # ---- units ----

    def test_known_units_are_converted_and_said(self):
        path = self.observed("units", [
            ("2025-01",) + FLOW + ("0.744", "USD bn", ""),              # 744 USD million
            ("2025-02",) + FLOW + ("24", "USD million per day", ""),    # x 28 days = 672
            ("2025-03",) + FLOW + ("900", "USD million per month", ""),  # the month's total
            ("2025-01",) + LEVEL + ("20", "%", "")])
        p, pts, sc = self.score(path)
        self.assertEqual(pts["observed"].tolist(), [744.0, 672.0, 900.0, 20.0])
        self.assertEqual(pts["value_given"].tolist(), [0.744, 24.0, 900.0, 20.0])
        self.assertEqual(pts["unit_given"].tolist(), ["USD bn", "USD million per day",
                                                      "USD million per month", "%"])
        self.assertEqual(pts["unit"].tolist(), ["USD million"] * 3 + ["percent"])
        # The ensemble is in the same unit: January's totals 496 and 992 about 744.
        self.assertEqual(pts["p50"][0], 744.0)
        self.assertIn("units: imports.US.CN.all: 1 value given in 'USD bn', scored in USD "
                      "million (line 2: 0.744 x 1000 = 744)", p.stdout)
        self.assertIn("1 value given in 'USD million per day', scored in USD million (line 3: "
                      "24 x 28 = 672)", p.stdout)
        self.assertNotIn("per month'", p.stdout)  # nothing converted
        # Units in the table and score.csv; the base of MAE% named.
        self.assertRegex(p.stdout, r"series +n +obs mean .* CRPS% +unit\n")
        self.assertRegex(p.stdout, r"\nimports\.US\.CN\.all +3 .* USD million\n")
        self.assertRegex(p.stdout, r"\ntariff_rate\.US\.CN\.all +1 .* percent\n")
        self.assertIn("MAE%, CRPS%: MAE and CRPS as a percentage of the series' |obs mean|", p.stdout)
        self.assertEqual(sc["unit"].tolist(), ["USD million", "percent", "mixed"])
        # The report labels its value axis with them (analysis/score_report.py on the files).
        import score_report
        _, got = score_report.load(os.path.join(self.tmp, "score-units.csv"))
        flow = got[got["indicator"] == "imports"]
        level = got[got["indicator"] == "tariff_rate"]
        self.assertEqual(score_report.value_label(flow), "USD million, period total")
        self.assertEqual(score_report.value_label(level), "percent, period mean")
        self.assertEqual(score_report.given_note(flow), "given in USD bn, USD million per day")
        self.assertEqual(score_report.given_note(level), "")  # 20 % is 20 percent
        p = subprocess.run([sys.executable, os.path.join(SRC, "analysis", "score_report.py"),
                            os.path.join(self.tmp, "score-units.csv"), "-q"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(sorted(os.listdir(os.path.join(self.tmp, "score-units.csv", "report"))),
                         ["imports.US.CN.all.png", "tariff_rate.US.CN.all.png"])

    def test_a_file_without_units_is_in_the_dictionarys(self):
        path = self.observed("nounit", [("2025-01",) + FLOW + ("744",)],
                             header="date,indicator,region,partner,sector,value")
        p, pts, _ = self.score(path)
        self.assertEqual(pts["observed"].tolist(), [744.0])
        self.assertEqual(pts["unit"].tolist(), ["USD million"])
        self.assertNotIn("units:", p.stdout)

    def test_wrong_or_inexact_units_are_refused_with_the_unit_expected(self):
        cases = [
            ("tonnes", ("2025-01",) + FLOW + ("1", "tonnes", ""),
             "unit 'tonnes' is not a unit of imports: expected USD million"),
            ("per_year", ("2025-01",) + FLOW + ("1", "USD bn per year", ""),
             "a rate per year over a period of 31 days has no exact meaning"),
            ("month_on_a_day", ("2025-01-17",) + FLOW + ("1", "USD million per month", ""),
             "is a month's total and this row's period is not a calendar month"),
            ("level_rate", ("2025-01",) + LEVEL + ("1", "percent per day", ""),
             "tariff_rate is a level in percent, averaged over the period: expected percent"),
            ("level_other", ("2025-01",) + LEVEL + ("1", "USD million", ""),
             "unit 'USD million' is not a unit of tariff_rate: expected percent"),
        ]
        for name, row, what in cases:
            with self.subTest(name):
                path = self.observed(name, [row])
                self.refused(path, 2, len(",".join(str(v) for v in row[:6])) + 2, what)

    def test_monthly_looking_days_are_warned_about(self):
        rows = [("2025-01-01",) + FLOW + (1, "", ""), ("2025-02-01",) + FLOW + (2, "", "")]
        path = self.observed("firsts", rows)
        p, pts, _ = self.score(path)
        self.assertIn("warning: %s: every date is the first of a month" % path, p.stderr)
        self.assertIn("add --period month", p.stderr)
        self.assertEqual(pts["end"].tolist(), ["2025-01-01", "2025-02-01"])
        p, pts, _ = self.score(path, "--period", "month")
        self.assertEqual(p.stderr, "")
        self.assertEqual(pts["end"].tolist(), ["2025-01-31", "2025-02-28"])
        path = self.observed("mixed", rows + [("2025-02-02",) + FLOW + (2, "", "")])
        p, _, _ = self.score(path)
        self.assertEqual(p.stderr, "")

    # ---- what the observed file holds ----

    def test_a_byte_order_mark_is_not_part_of_the_header(self):
        plain = self.observed("plain", [("2025-01",) + FLOW + (500, "", "")])
        bom = os.path.join(self.tmp, "bom.csv")
        with open(plain, "rb") as f, open(bom, "wb") as out:
            out.write(b"\xef\xbb\xbf" + f.read())
        _, a, _ = self.score(plain)
        _, b, _ = self.score(bom)
        pd.testing.assert_frame_equal(a, b)

    def test_values_are_decimal_numbers(self):
        for bad in ("0x10", "inf", "nan", "-Infinity", "1e400", " 12", "12 ", "0x1p3", "1e", "."):
            with self.subTest(bad):
                path = self.observed("bad", [("2025-01",) + FLOW + (bad, "", "")])
                p, _, _ = self.score(path, code=2)
                self.assertRegex(p.stderr, "^tradewar: %s:2:27: value: " % re.escape(path))
                self.assertTrue("expected a decimal number" in p.stderr or
                                "beyond the range of a double" in p.stderr, p.stderr)
        # A subnormal is a finite number; so are forms with a sign, no leading digit, an
        # exponent.
        path = self.observed("small", [("2025-01",) + FLOW + ("1e-320", "", ""),
                                       ("2025-02",) + FLOW + ("+.5E1", "", ""),
                                       ("2025-03",) + FLOW + ("-7.", "", "")])
        _, pts, _ = self.score(path)
        self.assertEqual(pts["observed"].tolist(), [1e-320, 5.0, -7.0])

    def test_a_repeated_column_is_refused_naming_both(self):
        path = self.observed("twice", [("2025-01",) + FLOW + (1, "", "", 2)],
                             header="date,indicator,region,partner,sector,value,unit,source,value")
        p, _, _ = self.score(path, code=2)
        self.assertRegex(p.stderr, "^tradewar: %s:1:56: column 'value' appears twice "
                                   r"\(columns 6 and 9\)" % re.escape(path))

    def test_values_near_the_largest_double_score_finite(self):
        path = self.observed("huge", [("2025-01",) + FLOW + ("1e308", "", ""),
                                      ("2025-02",) + FLOW + ("1.5e308", "", ""),
                                      ("2025-01",) + LEVEL + ("-1.7e308", "", "")])
        _, pts, sc = self.score(path)
        k = 2.0 ** 1000  # the exact answer, scaled down by a power of two and back
        months = {"2025-01": [496.0, 992.0], "2025-02": [406.0, 812.0]}
        for i, start in ((0, "2025-01"), (1, "2025-02")):
            want = crps_exact(np.array(months[start]) / k, pts["observed"][i] / k) * k
            self.assertTrue(np.isfinite(pts["crps"][i]))
            self.assertAlmostEqual(pts["crps"][i] / want, 1.0, places=12)
        self.assertAlmostEqual(pts["crps"][2] / 1.7e308, 1.0, places=12)
        flow = sc[sc["indicator"] == "imports"].iloc[0]
        for col in ("obs_mean", "mae", "bias", "crps", "mae_pct", "crps_pct"):
            self.assertTrue(np.isfinite(flow[col]), col)
        self.assertAlmostEqual(flow["obs_mean"] / 1.25e308, 1.0, places=12)
        self.assertAlmostEqual(flow["mae_pct"], 100.0, places=9)

    # ---- files that are not what they seem ----

    def test_fifos_are_refused_without_waiting(self):
        ok = self.observed("ok", [("2025-01",) + FLOW + (1, "", "")])
        fifo = os.path.join(self.tmp, "fifo.csv")
        os.mkfifo(fifo)
        p = run(["score", self.out, fifo, "-o", os.path.join(self.tmp, "s1")], timeout=30)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("%s: is a FIFO, not a regular file" % fifo, p.stderr)
        for name in ("trajectories.csv", "summary.csv"):
            with self.subTest(name):
                target = os.path.join(self.out, name)
                os.rename(target, target + ".keep")
                os.mkfifo(target)
                try:
                    p = run(["score", self.out, ok, "-o", os.path.join(self.tmp, "s2")], timeout=30)
                finally:
                    os.remove(target)
                    os.rename(target + ".keep", target)
                self.assertEqual(p.returncode, 2, p.stderr)
                self.assertIn("%s: is a FIFO, not a regular file" % target, p.stderr)
                self.assertFalse(os.path.exists(os.path.join(self.tmp, "s2")))

    def test_trajectories_of_another_seed_are_refused(self):
        tiny = ["-n", "3", "--set", "firms.per_cell=40", "--set", "end=2025-02-28", "-t", "1",
                "-q", "--trajectories"]
        a, b = os.path.join(self.tmp, "seed1"), os.path.join(self.tmp, "seed2")
        for out, seed in ((a, "1"), (b, "2")):
            p = run(["run", HISTORY, "-o", out, "-s", seed] + tiny, timeout=300)
            self.assertEqual(p.returncode, 0, p.stderr)
        path = self.observed("h", [("2025-02", "imports", "US", "CN", "all", 30000, "", "")])
        p = run(["score", a, path, "-o", os.path.join(self.tmp, "ok"), "-q"])
        self.assertEqual(p.returncode, 0, p.stderr)
        shutil.copy(os.path.join(b, "trajectories.csv"), os.path.join(a, "trajectories.csv"))
        scoredir = os.path.join(self.tmp, "mixed")
        p = run(["score", a, path, "-o", scoredir])
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("these trajectories are not the run's (another seed or scenario?)", p.stderr)
        self.assertFalse(os.path.exists(scoredir))

    # ---- SCOREDIR ----

    def test_a_directory_of_other_files_is_not_replaced(self):
        path = self.observed("one", [("2025-01",) + FLOW + (1, "", "")])
        mine = os.path.join(self.tmp, "mine")
        os.mkdir(mine)
        with open(os.path.join(mine, "thesis.tex"), "w") as f:
            f.write("keep me\n")
        p = run(["score", self.out, path, "-o", mine])
        self.assertEqual(p.returncode, 2)
        self.assertIn("holds 'thesis.tex', which is no score's file", p.stderr)
        self.assertEqual(os.listdir(mine), ["thesis.tex"])
        # A score's directory is replaced whole: an earlier report goes with its scores.
        scoredir = os.path.join(self.tmp, "sd")
        self.score(path, scoredir=scoredir)
        os.mkdir(os.path.join(scoredir, "report"))
        self.score(path, scoredir=scoredir)
        self.assertEqual(sorted(os.listdir(scoredir)),
                         ["datapackage.json", "score.csv", "score_points.csv"])
        self.assertEqual(sorted(os.listdir(self.tmp)).count("sd"), 1)
        self.score(path, scoredir=scoredir + "/")  # the same directory
        self.assertEqual(sorted(os.listdir(scoredir)),
                         ["datapackage.json", "score.csv", "score_points.csv"])
        self.assertEqual([n for n in os.listdir(self.tmp) if n.startswith("sd")], ["sd"])

    def test_leftovers_are_removed_and_symlinks_not_followed(self):
        path = self.observed("one", [("2025-01",) + FLOW + (1, "", "")])
        scoredir = os.path.join(self.tmp, "sd")
        victim = os.path.join(self.tmp, "victim")
        os.mkdir(victim)
        with open(os.path.join(victim, "keep.txt"), "w") as f:
            f.write("keep me\n")
        dead = 99999999  # above any pid_max: a process that is gone
        os.symlink(victim, "%s.old.%d" % (scoredir, dead))
        os.mkdir("%s.tmp.%d" % (scoredir, dead))
        self.score(path, scoredir=scoredir)
        self.assertFalse(os.path.lexists("%s.old.%d" % (scoredir, dead)))
        self.assertFalse(os.path.exists("%s.tmp.%d" % (scoredir, dead)))
        self.assertEqual(os.listdir(victim), ["keep.txt"])

    def test_an_io_error_at_any_step_keeps_the_earlier_scores(self):
        if not FAULT_LIB or not os.path.exists(FAULT_LIB):
            self.skipTest("TW_FAULT_LIB is not set to the fault shim")
        if "ASAN_OPTIONS" in os.environ or "TSAN_OPTIONS" in os.environ:
            self.skipTest("the shim is not preloaded under sanitizers")
        root = os.path.join(self.tmp, "root")
        os.mkdir(root)
        scoredir = os.path.join(root, "sd")
        old = self.observed("old", [("2025-01",) + FLOW + (1, "", "")])
        new = self.observed("new", [("2025-01",) + FLOW + (2, "", ""),
                                    ("2025-02",) + LEVEL + (3, "", "")])

        def snapshot():
            if not os.path.exists(scoredir):
                return None
            return {n: read_bytes(os.path.join(scoredir, n)) for n in os.listdir(scoredir)}

        self.score(new, "-q", scoredir=scoredir)
        want_new = snapshot()
        shutil.rmtree(scoredir)
        self.score(old, "-q", scoredir=scoredir)
        want_old = snapshot()
        log = os.path.join(self.tmp, "steps")
        env = dict(os.environ, LD_PRELOAD=FAULT_LIB, TW_FAULT_DIR=root, TW_FAULT_AT="0",
                   TW_FAULT_LOG=log)
        p = run(["score", self.out, new, "-o", scoredir, "-q"], env=env)
        self.assertEqual(p.returncode, 0, p.stderr)
        steps = int(open(log).read().split("\n")[0])
        self.assertGreater(steps, 5)
        self.assertEqual(snapshot(), want_new)
        for at in range(1, steps + 1):
            for mode in ("eio", "kill"):
                with self.subTest(at=at, mode=mode):
                    shutil.rmtree(root)
                    os.mkdir(root)
                    self.score(old, "-q", scoredir=scoredir)
                    env = dict(os.environ, LD_PRELOAD=FAULT_LIB, TW_FAULT_DIR=root,
                               TW_FAULT_AT=str(at), TW_FAULT_MODE=mode)
                    p = run(["score", self.out, new, "-o", scoredir, "-q"], env=env)
                    got = snapshot()
                    self.assertIn(got, (want_old, want_new), "SCOREDIR half-written")
                    if p.returncode == 0:
                        self.assertEqual(got, want_new)
                    # The next score finishes the job and leaves nothing else behind.
                    self.score(new, "-q", scoredir=scoredir)
                    self.assertEqual(snapshot(), want_new)
                    self.assertEqual(os.listdir(root), ["sd"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
