#!/usr/bin/env python3
"""End-to-end: drivers.csv of the default scenario (geneva-truce.yaml, whose governments and
events draw their uncertain parameters per replicate) is the same bytes for -t 1, -t 2,
mpirun -np 3 and a run killed mid-batch then finished with --resume; and it agrees with
replicates.csv: one row per (outcome, parameter), the parameters being replicates.csv's
last columns (named by key path), indices and intervals in [0, 1] with lo <= hi, and the
rank correlation that pandas computes from replicates.csv.

Run by CTest as py/test_drivers with TW_BIN, TW_SOURCE_DIR and TW_MPIEXEC.
"""
import os
import signal
import unittest

import pandas as pd

import test_resume
from mc_common import SMALL, TW_BIN, TW_MPIEXEC, TW_SOURCE_DIR, McCase, mpirun_cmd, read, run

GENEVA = os.path.join(TW_SOURCE_DIR, "scenarios", "geneva-truce.yaml")
N = 60
ARGS = ["run", GENEVA, "-n", str(N)] + SMALL + ["--checkpoint-every", "0"]
PARAMS = ["events.leader_calls.hazard_per_day", "events.leader_calls.crisis.boost_per_day",
          "events.deal.base", "events.deal.summit.share", "events.deal.summit.base",
          "events.deal.cut.prob", "events.deal.cut.share",
          "events.truce.extension.base", "events.truce.extension.accused",
          "events.truce.breach.accuse_per_day", "governments.US.resolve",
          "governments.US.forgive", "governments.US.snapback_prob", "governments.CN.resolve",
          "governments.CN.forgive", "governments.CN.control_prob"]


class Drivers(McCase):
    prefix = "tw_drivers_"
    reference_args = ARGS + ["-t", "1"]

    def same(self, d, what):
        self.assertEqual(read(os.path.join(self.ref, "drivers.csv")), read(os.path.join(d, "drivers.csv")),
                         "drivers.csv differs for " + what)

    def test_table_matches_replicates(self):
        reps = pd.read_csv(os.path.join(self.ref, "replicates.csv"))
        dr = pd.read_csv(os.path.join(self.ref, "drivers.csv"))
        self.assertEqual(list(reps.columns[-len(PARAMS):]), PARAMS)
        outcomes = list(reps.columns[2:-len(PARAMS)])
        self.assertEqual(len(dr), len(outcomes) * len(PARAMS))
        self.assertEqual(list(dr.columns), ["outcome", "parameter", "index", "lo", "hi",
                                            "rank_correlation", "n"])
        self.assertEqual(sorted(set(dr.outcome)), sorted(outcomes))
        ok = dr.dropna(subset=["index", "lo", "hi"])
        self.assertGreater(len(ok), 10)
        self.assertTrue(((ok["index"] >= 0) & (ok["index"] <= 1)).all())
        self.assertTrue((ok.lo <= ok.hi).all())
        for _, r in dr.dropna(subset=["rank_correlation"]).iterrows():
            y = reps[r.outcome]
            keep = y.notna()
            rho = y[keep].rank().corr(reps[r.parameter][keep].rank())
            self.assertAlmostEqual(r.rank_correlation, rho, places=6, msg=(r.outcome, r.parameter))
            self.assertEqual(r.n, keep.sum())

    def test_threads_2(self):
        d = os.path.join(self.tmp, "t2")
        p = run([TW_BIN] + ARGS + ["-t", "2", "-o", d])
        self.assertEqual(p.returncode, 0, p.stderr)
        self.same(d, "-t 2")

    def test_mpirun_3_ranks(self):
        if not TW_MPIEXEC:
            self.skipTest("built without MPI")
        d = os.path.join(self.tmp, "np3")
        p = run(mpirun_cmd(3, ARGS + ["-t", "1", "-o", d]))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.same(d, "mpirun -np 3")

    def test_kill_then_resume(self):
        out = os.path.join(self.tmp, "kill")
        test_resume.Resume.kill_mid_batch(self, [TW_BIN] + ARGS + ["-t", "1", "-o", out], out,
                                          signal.SIGKILL)
        p = run([TW_BIN, "run", "--resume", out, "-q", "-t", "2"])
        self.assertEqual(p.returncode, 0, p.stderr)
        self.same(out, "SIGKILL then --resume")


if __name__ == "__main__":
    unittest.main()
