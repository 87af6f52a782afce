#!/usr/bin/env python3
"""analysis/event_rates.py: the record of US-China leader contacts and the base rates the
policy scenarios use.

  - the data file: every row dated 2017-2024, in order, of a known kind and outcome, with
    a public source address; 26 contacts from 20 January 2017 to the end of 2024;
  - the recovery fit recovers a known process: 3000 gaps drawn from the hazard
    h0 (1 - exp(-t / tau)) with h0 = 0.02 and tau = 15 give estimates within 10% and 25%;
  - the recovery time and reference rate printed by --yaml are the ones geneva-truce.yaml
    carries, so the default scenario cannot drift from its derivation (its hazard, deal
    and extension chances are fitted to the decision points: test_fit_politics.py).

    /usr/bin/python3 analysis/tests/test_event_rates.py
"""
import datetime as dt
import math
import os
import random
import re
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.environ.get("TW_SOURCE_DIR") or os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(SRC, "analysis"))
import event_rates  # noqa: E402

CSV = os.path.join(SRC, "data", "us_china_leader_contacts_2017_2024.csv")


def draw_gap(rng, h0, tau):
    """Inverse of S(t) = exp(-h0 (t - tau (1 - exp(-t / tau)))), by bisection."""
    target = -math.log(1.0 - rng.random())
    lo, hi = 0.0, 1.0
    while h0 * (hi - tau * (1.0 - math.exp(-hi / tau))) < target:
        hi *= 2.0
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if h0 * (mid - tau * (1.0 - math.exp(-mid / tau))) < target:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


class Record(unittest.TestCase):
    def test_rows(self):
        rows = event_rates.read_rows(CSV)
        days = [r["day"] for r in rows]
        self.assertEqual(days, sorted(days))
        for r in rows:
            self.assertTrue(dt.date(2017, 1, 1) <= r["day"] <= dt.date(2024, 12, 31), r)
            self.assertIn(r["kind"], ("call", "video", "meeting", "extension", "collapse", "signing"), r)
            self.assertIn(r["outcome"], ("none", "truce", "deal", "extended", "broken", "held"), r)
            self.assertRegex(r["source"], r"^https?://\S+$")
        s = event_rates.summarise(rows, dt.date(2017, 1, 20), dt.date(2024, 12, 31))
        self.assertEqual(s["n"], 26)
        self.assertAlmostEqual(s["per_year"], 26 / s["years"])
        self.assertEqual(s["deal"], (3, 6))
        self.assertEqual(s["extension"], (1, 1))
        self.assertEqual(len(s["gaps"]), 25)


class Fit(unittest.TestCase):
    def test_recovers_a_known_process(self):
        rng = random.Random(20170120)
        h0, tau = 0.02, 15.0
        gaps = [draw_gap(rng, h0, tau) for _ in range(3000)]
        eh, et, lo, hi, _ = event_rates.fit_recovery(gaps, [])
        self.assertLess(abs(eh / h0 - 1.0), 0.10, eh)
        self.assertLess(abs(et / tau - 1.0), 0.25, et)
        self.assertLessEqual(lo, tau)
        self.assertGreaterEqual(hi, tau)

    def test_plain_poisson_gives_a_short_recovery(self):
        rng = random.Random(7)
        gaps = [rng.expovariate(0.02) for _ in range(3000)]
        eh, et, lo, _, _ = event_rates.fit_recovery(gaps, [])
        self.assertLess(abs(eh / 0.02 - 1.0), 0.10, eh)
        self.assertLess(et, 3.0)
        self.assertAlmostEqual(lo, 0.5)


class ScenarioKeys(unittest.TestCase):
    def test_geneva_truce_carries_the_derived_keys(self):
        p = subprocess.run([sys.executable, os.path.join(SRC, "analysis", "event_rates.py"), "--yaml"],
                           capture_output=True, text=True, check=True)
        with open(os.path.join(SRC, "scenarios", "geneva-truce.yaml")) as f:
            scn = f.read()
        printed = p.stdout.split("\nevents:\n")[1]
        # The hazard, deal and extension chances now come from the library of decision
        # points (analysis/fit_politics.py, tests/test_fit_politics.py); the recovery after
        # a contact and the reference rate stay this derivation's.
        for pattern in (r"recovery_days: ([0-9]+)", r"per_year: ([0-9.]+)"):
            want = re.search(pattern, printed).group(1)
            got = re.search(pattern, scn).group(1)
            self.assertEqual(got, want, pattern)
        with open(os.path.join(SRC, "models", "tw_events.h")) as f:
            self.assertRegex(f.read(), r"#define TW_CALL_RECOVERY_DAYS " + re.search(
                r"recovery_days: ([0-9]+)", printed).group(1) + r"\.0")

    def test_bad_date_is_refused(self):
        with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as f:
            f.write("date,kind,leaders,place,outcome,note,source\n2019-02-30,call,a,b,none,x,http://x\n")
        try:
            p = subprocess.run([sys.executable, os.path.join(SRC, "analysis", "event_rates.py"), f.name],
                               capture_output=True, text=True)
            self.assertNotEqual(p.returncode, 0)
            self.assertIn("row 2: expected a date", p.stderr)
        finally:
            os.unlink(f.name)


if __name__ == "__main__":
    unittest.main()
