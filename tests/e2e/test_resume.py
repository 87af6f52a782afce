#!/usr/bin/env python3
"""End-to-end: a batch killed mid-way (SIGTERM, SIGKILL, and SIGTERM to mpirun) and then
finished with --resume writes the same bytes as an uninterrupted run; resuming checks
what it is given.

Each killed run checkpoints after every chunk (--checkpoint-every 0); the test waits
until a checkpoint exists and replicates.csv.part holds some but not all replicates, then
sends the signal, so the kill always lands mid-batch.

Run by CTest as py/test_resume with TW_BIN, TW_SOURCE_DIR and TW_MPIEXEC.
"""
import os
import signal
import unittest

from mc_common import (BASELINE, SMALL, TW_BIN, TW_MPIEXEC, assert_same_outputs, kill_mid_batch,
                       mpirun_cmd, run, McCase)

N = 120
ARGS = ["run", BASELINE, "-n", str(N)] + SMALL + ["--checkpoint-every", "0"]


class Resume(McCase):
    prefix = "tw_resume_"
    reference_args = ARGS + ["-t", "2"]

    def kill_mid_batch(self, cmd, out, sig):
        return kill_mid_batch(self, cmd, out, sig, N)

    def resume_and_compare(self, cmd, out, what):
        p = run(cmd)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertFalse(os.path.exists(out + ".partial"))
        self.assertFalse(os.path.exists(os.path.join(out, "checkpoint.bin")))
        self.assertFalse(os.path.exists(os.path.join(out, "command")))
        assert_same_outputs(self, self.ref, out, what)

    def test_sigterm_stops_cleanly_and_resume_gives_the_same_bytes(self):
        out = os.path.join(self.tmp, "term")
        err = self.kill_mid_batch([TW_BIN] + ARGS + ["-t", "2", "-o", out], out, signal.SIGTERM)
        self.assertIn("stopped by a signal after", err)
        self.assertIn("--resume", err)
        self.resume_and_compare([TW_BIN, "run", "--resume", out, "-q", "-t", "1"], out,
                                "SIGTERM then --resume -t 1")

    def test_sigkill_then_resume_gives_the_same_bytes(self):
        out = os.path.join(self.tmp, "kill")
        self.kill_mid_batch([TW_BIN] + ARGS + ["-t", "1", "-o", out], out, signal.SIGKILL)
        self.resume_and_compare([TW_BIN, "run", "--resume", out, "-q", "-t", "2"], out,
                                "SIGKILL then --resume")

    def test_mpirun_sigterm_then_resume_on_other_rank_count(self):
        if not TW_MPIEXEC:
            self.skipTest("built without MPI")
        out = os.path.join(self.tmp, "mpi")
        self.kill_mid_batch(mpirun_cmd(2, ARGS + ["-t", "1", "-o", out]), out, signal.SIGTERM)
        self.resume_and_compare(mpirun_cmd(3, ["run", "--resume", out, "-q", "-t", "1"]), out,
                                "mpirun -np 2 SIGTERM then mpirun -np 3 --resume")

    def test_a_new_run_over_an_interrupted_one_needs_force(self):
        out = os.path.join(self.tmp, "force")
        self.kill_mid_batch([TW_BIN] + ARGS + ["-t", "1", "-o", out], out, signal.SIGTERM)
        p = run([TW_BIN] + ARGS + ["-n", "3", "-o", out])
        self.assertEqual(p.returncode, 2)
        self.assertIn("--resume", p.stderr)
        self.assertTrue(os.path.isdir(out + ".partial"))
        p = run([TW_BIN] + ARGS + ["-n", "3", "-o", out, "--force"])
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertFalse(os.path.exists(out + ".partial"))

    def test_resume_refuses_what_it_cannot_finish(self):
        p = run([TW_BIN, "run", "--resume", os.path.join(self.tmp, "nothing")])
        self.assertEqual(p.returncode, 2)
        self.assertIn("no interrupted run", p.stderr)
        p = run([TW_BIN, "run", "--resume", self.ref])
        self.assertEqual(p.returncode, 2)
        self.assertIn("already complete", p.stderr)
        p = run([TW_BIN, "run", BASELINE, "--resume", self.ref])
        self.assertEqual(p.returncode, 2)
        self.assertIn("only -t", p.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
