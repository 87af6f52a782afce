#!/usr/bin/env python3
"""End-to-end: the event log of the default scenario (geneva-truce.yaml) read back with
pandas and checked against replicates.csv.

events.csv has the columns replicate,date,actor,event,detail, one row per event in the
order they happened within each replicate. Checks:
  - every replicate starts with the scripted truce in force on 2025-05-14;
  - the first leader_call of a replicate falls on start + first_leader_call_day, and a
    replicate whose first_leader_call_day is NaN has no call;
  - a breach_accusation by the US exists exactly where breach_accused is 1, and it comes
    from measured compliance at its drawn daily rate (none at rate 0; on 27 May, when the
    window is full, at a rate of 10);
  - the number of escalate rows equals the escalations outcome;
  - a truce_extended row exists exactly where truce_extended is 1;
  - dates lie within the run and do not decrease within a replicate;
  - the same seed gives the same log at 1 and 2 threads.

Run by CTest as py/test_policy_events with TW_BIN (the program) and TW_SOURCE_DIR.
"""
import os
import shutil
import subprocess
import tempfile
import unittest

import pandas as pd

TW_BIN = os.environ.get("TW_BIN", "")
TW_SOURCE_DIR = os.environ.get("TW_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
SCENARIO = os.path.join(TW_SOURCE_DIR, "scenarios", "geneva-truce.yaml")
START, END = pd.Timestamp("2025-01-01"), pd.Timestamp("2025-12-31")
NREP = 4


def run(out, threads):
    proc = subprocess.run([TW_BIN, "run", SCENARIO, "-n", str(NREP), "-t", str(threads), "-o", out,
                           "--set", "firms.per_cell=200", "--quiet"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=300)
    if proc.returncode != 0:
        raise AssertionError(f"tradewar exit {proc.returncode}: {proc.stderr}")


class GenevaEvents(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="tw_events_")
        cls.out = os.path.join(cls.tmp, "g")
        run(cls.out, 2)
        cls.ev = pd.read_csv(os.path.join(cls.out, "events.csv"), dtype={"detail": str},
                             keep_default_na=False)
        cls.ev["date"] = pd.to_datetime(cls.ev["date"], format="%Y-%m-%d")
        cls.reps = pd.read_csv(os.path.join(cls.out, "replicates.csv"))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def rows(self, rep, event=None):
        r = self.ev[self.ev.replicate == rep]
        return r if event is None else r[r.event == event]

    def test_columns(self):
        self.assertEqual(list(self.ev.columns), ["replicate", "date", "actor", "event", "detail"])
        self.assertEqual(sorted(self.ev.replicate.unique()), list(range(NREP)))

    def test_truce_in_force_first(self):
        for rep in range(NREP):
            first = self.rows(rep).iloc[0]
            self.assertEqual((first.event, first.actor), ("truce_in_force", "leaders"))
            self.assertEqual(first.date, pd.Timestamp("2025-05-14"))

    def test_first_call_matches_outcome(self):
        for rep in range(NREP):
            day = self.reps.loc[self.reps.replicate == rep, "first_leader_call_day"].iloc[0]
            calls = self.rows(rep, "leader_call")
            if pd.isna(day):
                self.assertEqual(len(calls), 0)
            else:
                self.assertEqual(calls.date.iloc[0], START + pd.Timedelta(days=int(day)))

    def test_breach_escalations_extensions_match_outcomes(self):
        for rep in range(NREP):
            out = self.reps[self.reps.replicate == rep].iloc[0]
            accused = self.rows(rep, "breach_accusation")
            self.assertEqual(len(accused) > 0, out.breach_accused == 1)
            self.assertTrue((accused.actor == "US").all())
            self.assertEqual(len(self.rows(rep, "escalate")), out.escalations)
            self.assertEqual(len(self.rows(rep, "truce_extended")) > 0, out.truce_extended == 1)

    def test_dates_in_run_and_ordered(self):
        self.assertTrue(((self.ev.date >= START) & (self.ev.date <= END)).all())
        for rep in range(NREP):
            self.assertTrue(self.rows(rep).date.is_monotonic_increasing)

    def test_same_log_at_one_thread(self):
        out1 = os.path.join(self.tmp, "g1")
        run(out1, 1)
        with open(os.path.join(self.out, "events.csv"), "rb") as a, \
                open(os.path.join(out1, "events.csv"), "rb") as b:
            self.assertEqual(a.read(), b.read())


class SideWord(unittest.TestCase):
    """Each government's word on an extension (events.truce.extension.CN), given with
    --set as a distribution: it is drawn per replicate into replicates.csv's column of
    that name, within its range; with the leaders certain to extend (base 1, and
    accused 1 while an accusation stands) and the US not snapping back, a replicate still in the truce on 12 August extends exactly when
    China's word is yes (truce_extended), and otherwise its log's snap_back on that day
    is China's."""

    def test_china_word_decides_the_extension(self):
        tmp = tempfile.mkdtemp(prefix="tw_side_")
        try:
            out = os.path.join(tmp, "side")
            p = subprocess.run([TW_BIN, "run", SCENARIO, "-n", "12", "-t", "2", "-o", out, "-q",
                                "--set", "firms.per_cell=40", "--set", "rare_earths.per_cell=50",
                                "--set", "governments.US.snapback_prob=0",
                                "--set", "events.truce.extension.base=1",
                                "--set", "events.truce.extension.accused=1",
                                "--set", "events.truce.extension.CN={dist: uniform, lo: 0.3, hi: 0.7}"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               universal_newlines=True, timeout=300)
            self.assertEqual(p.returncode, 0, p.stderr)
            reps = pd.read_csv(os.path.join(out, "replicates.csv"))
            word = reps["events.truce.extension.CN"]
            self.assertTrue(((word >= 0.3) & (word <= 0.7)).all())
            self.assertGreater(word.nunique(), 1)
            ev = pd.read_csv(os.path.join(out, "events.csv"), dtype={"detail": str},
                             keep_default_na=False)
            expiry = ev[ev.date == "2025-08-12"]
            refused = set(expiry[(expiry.event == "snap_back") & (expiry.actor == "CN")].replicate)
            extended = set(expiry[expiry.event == "truce_extended"].replicate)
            # every replicate still in the truce on 12 August gets one answer, and only China
            # can say no (the leaders' chance is 1 even after an accusation, the US has no
            # key)
            in_truce = set(expiry[expiry.event.isin(["snap_back", "truce_extended"])].replicate)
            self.assertEqual(refused | extended, in_truce)
            self.assertFalse(refused & extended)
            self.assertEqual(len(expiry[(expiry.event == "snap_back") & (expiry.actor != "CN")]), 0)
            self.assertTrue(refused and extended, "expected both answers in 12 replicates")
            for r in extended:
                self.assertEqual(reps.loc[r, "truce_extended"], 1.0)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


class Accusation(unittest.TestCase):
    """The breach accusation comes from measured compliance, not a certainty: China's
    slow-roll (a shortfall of 0.75) fills the 14-day window on 27 May, from which the US
    accuses at events.truce.breach.accuse_per_day times the shortfall a day. The default
    draws the rate per replicate into replicates.csv's column, within its log-normal's
    support; with the rate at 0 no replicate accuses, at 10 (a daily chance of 0.9994)
    every replicate accuses on 27 May itself."""

    def run_with(self, tmp, name, *sets):
        out = os.path.join(tmp, name)
        cmd = [TW_BIN, "run", SCENARIO, "-n", "6", "-t", "2", "-o", out, "-q",
               "--set", "firms.per_cell=20", "--set", "rare_earths.per_cell=50"]
        for s in sets:
            cmd += ["--set", s]
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True, timeout=300)
        self.assertEqual(p.returncode, 0, p.stderr)
        ev = pd.read_csv(os.path.join(out, "events.csv"), dtype={"detail": str},
                         keep_default_na=False)
        return pd.read_csv(os.path.join(out, "replicates.csv")), ev[ev.event == "breach_accusation"]

    def test_rate_drives_the_accusation(self):
        tmp = tempfile.mkdtemp(prefix="tw_accuse_")
        try:
            reps, acc = self.run_with(tmp, "drawn")
            rate = reps["events.truce.breach.accuse_per_day"]
            self.assertTrue((rate > 0).all())
            self.assertGreater(rate.nunique(), 1)
            self.assertTrue((acc.date >= "2025-05-27").all())
            reps, acc = self.run_with(tmp, "never", "events.truce.breach.accuse_per_day=0")
            self.assertEqual(len(acc), 0)
            self.assertTrue((reps.breach_accused == 0).all())
            reps, acc = self.run_with(tmp, "at_once", "events.truce.breach.accuse_per_day=10")
            self.assertEqual(sorted(acc.replicate), list(range(6)))
            self.assertTrue((acc.date == "2025-05-27").all())
            self.assertTrue((reps.breach_accused == 1).all())
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    unittest.main(verbosity=2)
