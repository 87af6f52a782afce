#!/usr/bin/env python3
"""End-to-end: the output files are byte-identical for any thread count, any MPI rank
count (real OpenMPI through mpirun) and either level of parallelism, and --selfcheck
says so.

Run by CTest as py/test_mpi with TW_BIN, TW_SOURCE_DIR and TW_MPIEXEC (empty when the
program was built without MPI: the mpirun cases are then skipped, the thread cases not).
"""
import os
import unittest

from mc_common import (BASELINE, SMALL, TW_BIN, TW_MPIEXEC, assert_same_outputs, mpirun_cmd,
                       read, run, McCase)

REPS = ["-n", "7"]  # 7 replicates: uneven shares for 2 and 3 ranks and threads


class ByteIdentity(McCase):
    prefix = "tw_mpi_"
    reference_args = ["run", BASELINE] + REPS + SMALL + ["-t", "1"]

    def out(self, name):
        return os.path.join(self.tmp, name)

    def test_reference_has_every_replicate_and_the_events_header(self):
        reps = read(os.path.join(self.ref, "replicates.csv")).decode().splitlines()
        self.assertEqual(len(reps), 1 + 7)
        self.assertEqual([r.split(",")[0] for r in reps[1:]], [str(i) for i in range(7)])
        events = read(os.path.join(self.ref, "events.csv")).decode()
        self.assertTrue(events.startswith("replicate,date,actor,event,detail\n"))
        outcomes = read(os.path.join(self.ref, "outcomes.csv")).decode().splitlines()
        self.assertEqual(outcomes[0], "outcome,n,mean,sd,p05,p50,p95")
        # n counts the replicates where the outcome happened (not nan in replicates.csv).
        header = reps[0].split(",")
        for row in outcomes[1:]:
            name, n = row.split(",")[:2]
            col = header.index(name)
            happened = sum(r.split(",")[col] != "nan" for r in reps[1:])
            self.assertEqual(int(n), happened, name)
        self.assertTrue(any(row.split(",")[1] == "7" for row in outcomes[1:]))

    def test_threads_2_and_3(self):
        for t in ("2", "3"):
            d = self.out("t" + t)
            p = run([TW_BIN, "run", BASELINE] + REPS + SMALL + ["-t", t, "-o", d])
            self.assertEqual(p.returncode, 0, p.stderr)
            assert_same_outputs(self, self.ref, d, "-t " + t)

    def test_agent_level_parallelism(self):
        d = self.out("agents")
        p = run([TW_BIN, "run", BASELINE] + REPS + SMALL + ["-t", "3", "--parallel", "agents",
                                                           "-o", d])
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("parallelism: agents", read(os.path.join(d, "provenance.yaml")).decode())
        assert_same_outputs(self, self.ref, d, "--parallel agents")

    def test_mpirun_1_2_3_ranks(self):
        if not TW_MPIEXEC:
            self.skipTest("built without MPI")
        for np in (1, 2, 3):
            d = self.out("np%d" % np)
            p = run(mpirun_cmd(np, ["run", BASELINE] + REPS + SMALL + ["-t", "1", "-o", d]))
            self.assertEqual(p.returncode, 0, "np %d: %s" % (np, p.stderr))
            self.assertIn("ranks: %d" % np, read(os.path.join(d, "provenance.yaml")).decode())
            assert_same_outputs(self, self.ref, d, "mpirun -np %d" % np)

    def test_mpirun_with_threads_inside_ranks(self):
        if not TW_MPIEXEC:
            self.skipTest("built without MPI")
        d = self.out("np2t2")
        p = run(mpirun_cmd(2, ["run", BASELINE] + REPS + SMALL + ["-t", "2", "-o", d]))
        self.assertEqual(p.returncode, 0, p.stderr)
        assert_same_outputs(self, self.ref, d, "mpirun -np 2 -t 2")

    def test_only_rank_0_prints_a_bad_scenario_error_and_all_exit_2(self):
        if not TW_MPIEXEC:
            self.skipTest("built without MPI")
        p = run(mpirun_cmd(2, ["run", BASELINE, "-n", "2", "--set", "seed=-4", "-o",
                               self.out("bad")]))
        self.assertNotEqual(p.returncode, 0)
        lines = [l for l in p.stderr.splitlines() if l.startswith("tradewar:")]
        self.assertEqual(len(lines), 1, p.stderr)
        self.assertIn("seed", lines[0])
        self.assertFalse(os.path.exists(self.out("bad")))
        self.assertFalse(os.path.exists(self.out("bad") + ".partial"))

    def test_selfcheck_reports_agreeing_hashes(self):
        p = run([TW_BIN, "run", BASELINE] + REPS + SMALL + ["-t", "2", "--selfcheck"])
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("selfcheck: ok", p.stdout)
        hashes = [l.split()[-1] for l in p.stdout.splitlines() if l.startswith("  ") and
                  l.split()[0].isdigit()]
        self.assertEqual(len(hashes), 3, p.stdout)
        self.assertEqual(len(set(hashes)), 1, p.stdout)
        if TW_MPIEXEC:
            p = run(mpirun_cmd(2, ["run", BASELINE] + REPS + SMALL + ["-t", "1", "--selfcheck"]))
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertEqual(p.stdout.count("selfcheck: ok"), 1, p.stdout)
            rows = [l for l in p.stdout.splitlines() if l.startswith("  ") and l.split()[0].isdigit()]
            self.assertEqual(len(rows), 4, p.stdout)
            self.assertEqual(rows[-1].split()[1], "2", p.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
