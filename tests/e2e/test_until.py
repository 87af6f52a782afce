#!/usr/bin/env python3
"""End-to-end: adaptive replication (--until OUTCOME:HALFWIDTH) stops at the first multiple
of 64 replicates where the outcome's 95% half-width is below the target, within the -n
budget, at the same replicate and with the same bytes for any thread or rank count; the
terminal says at the start that -n is a budget and at the end where and why it stopped.

Run by CTest as py/test_until with TW_BIN, TW_SOURCE_DIR and TW_MPIEXEC.
"""
import math
import os
import re
import unittest

import pandas as pd
import yaml

from mc_common import (BASELINE, TW_BIN, TW_MPIEXEC, assert_same_outputs, mpirun_cmd, run,
                       McCase)

OUTCOME, TARGET = "imports_us_from_cn_usd_bn", 6.0
ARGS = ["run", BASELINE, "-n", "1000", "--set", "firms.per_cell=5", "--set",
        "rare_earths.per_cell=5", "--set",
        "output.interval_days=91", "--set", "end=2025-03-31", "-q",
        "--until", "%s:%g" % (OUTCOME, TARGET)]


class Until(McCase):
    prefix = "tw_until_"
    reference_args = ARGS + ["-t", "1"]

    def test_stops_where_the_rule_says(self):
        reps = pd.read_csv(os.path.join(self.ref, "replicates.csv"))
        n = len(reps)
        self.assertEqual(n % 64, 0)
        self.assertGreater(n, 128, "the target should need more than the minimum")
        self.assertLess(n, 1000, "the target should be met within the budget")
        self.assertEqual(list(reps["replicate"]), list(range(n)))
        x = reps[OUTCOME].dropna()
        # Student t(0.975, n-1) lies between 1.96 and 1.98 for n >= 128, so these bounds
        # hold exactly when the program used the t half-width.
        hw_now = 1.96 * x.std(ddof=1) / math.sqrt(len(x))
        self.assertLess(hw_now, TARGET)
        prev = x.iloc[: n - 64]
        hw_before = 1.98 * prev.std(ddof=1) / math.sqrt(len(prev))
        self.assertGreaterEqual(hw_before, TARGET, "it should have stopped 64 earlier")
        with open(os.path.join(self.ref, "provenance.yaml")) as f:
            prov = f.read()
        self.assertIn("replicates: %d\n" % n, prov)
        # The rule and its budget, and the command line that asked for them.
        prov = yaml.safe_load(prov)
        self.assertEqual(prov["until"], {
            "rule": "%s:%g" % (OUTCOME, TARGET), "outcome": OUTCOME, "halfwidth": TARGET,
            "budget": 1000, "first_check": 128, "step": 64, "stopped_by": "halfwidth"})
        self.assertEqual(prov["command"], [TW_BIN] + ARGS + ["-t", "1", "-o", self.ref])

    def test_budget_below_the_first_check_warns(self):
        out = os.path.join(self.tmp, "small")
        args = [a if a != "1000" else "100" for a in ARGS]
        p = run([TW_BIN] + args + ["-t", "2", "-o", out])
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("warning: --until: the budget of 100 replicates is below the first check "
                      "at 128; all 100 run", p.stderr)
        self.assertEqual(len(pd.read_csv(os.path.join(out, "replicates.csv"))), 100)
        with open(os.path.join(out, "provenance.yaml")) as f:
            until = yaml.safe_load(f)["until"]
        self.assertEqual((until["budget"], until["stopped_by"]), (100, "budget"))
        p = run([TW_BIN] + args + ["-t", "2", "-o", out + "2", "--silent"])
        self.assertEqual((p.returncode, p.stdout, p.stderr), (0, "", ""))

    def test_same_stop_and_bytes_for_threads_and_ranks(self):
        d = os.path.join(self.tmp, "t3")
        p = run([TW_BIN] + ARGS + ["-t", "3", "-o", d])
        self.assertEqual(p.returncode, 0, p.stderr)
        assert_same_outputs(self, self.ref, d, "--until with -t 3")
        if TW_MPIEXEC:
            d = os.path.join(self.tmp, "np2")
            p = run(mpirun_cmd(2, ARGS + ["-t", "1", "-o", d]))
            self.assertEqual(p.returncode, 0, p.stderr)
            assert_same_outputs(self, self.ref, d, "--until under mpirun -np 2")

    def test_the_terminal_says_the_budget_and_why_it_stopped(self):
        out = os.path.join(self.tmp, "said")
        args = [a for a in ARGS if a != "-q"]
        p = run([TW_BIN] + args + ["-t", "2", "-o", out])
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("up to 1000 replicates (--until: fewer once the 95%% half-width of "
                      "%s's mean is below 6, tested every 64 from 128)" % OUTCOME, p.stderr)
        x = pd.read_csv(os.path.join(out, "replicates.csv"))[OUTCOME].dropna()
        m = re.search(r"--until: stopped at (\d+) of up to 1000 replicates: the 95%% half-width "
                      r"of %s's mean is ([0-9.]+), below 6\n" % OUTCOME, p.stdout)
        self.assertIsNotNone(m, p.stdout)
        self.assertEqual(int(m.group(1)), len(x))
        hw = float(m.group(2))
        sd = x.std(ddof=1) / math.sqrt(len(x))
        self.assertTrue(1.96 * sd * 0.999 <= hw <= 1.98 * sd * 1.001, (hw, sd))
        # A budget the rule never gets to test says so, and that all of it ran.
        p = run([TW_BIN] + [a if a != "1000" else "100" for a in args] + ["-o", out + "2"])
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("up to 100 replicates", p.stderr)
        self.assertRegex(p.stdout, r"--until: ran all 100 replicates of the budget without "
                                   r"meeting the rule: the 95% half-width of \S+ mean is [0-9.]+, "
                                   r"not below 6 \(raise -n for more\)")

    def test_bad_until_is_refused(self):
        for bad, text in (("nosuch:1", "unknown outcome 'nosuch' (valid: "
                                       "imports_us_from_cn_usd_bn, imports_cn_from_us_usd_bn,"),
                          ("nosuch:1", ", third_party_retaliated, "),
                          (OUTCOME + ":0", "half-width above 0"),
                          (OUTCOME, "OUTCOME:HALFWIDTH")):
            out = os.path.join(self.tmp, "bad")
            p = run([TW_BIN, "run", BASELINE, "-n", "4", "--until", bad, "-o", out])
            self.assertEqual(p.returncode, 2, bad)
            self.assertIn(text, p.stderr)
            self.assertFalse(os.path.exists(out))
            self.assertFalse(os.path.exists(out + ".partial"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
