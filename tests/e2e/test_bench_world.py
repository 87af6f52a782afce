#!/usr/bin/env python3
"""End-to-end: tw_bench --world measures the firm step, the reference kernels and the
memory of each named world on that world's own cells, and refuses an unknown world.

Run by CTest as py/test_bench_world with TW_BIN; tw_bench is the one built next to TW_BIN.
Nothing here looks at a timing: the checks are on the rows of the CSV read back (which
worlds, how many firms, how many cells they fill, the bytes per firm), the result-hash
verdict and the exit status.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import pandas as pd

TW_BIN = os.environ["TW_BIN"]
BENCH = os.path.join(os.path.dirname(TW_BIN), "tw_bench")
# Small and short: one repeat of a few days on one thread.
SMALL = ["--quick", "--threads", "1", "--repeats", "1", "--days", "4", "--firms", "14400",
         "--weak-firms", "14400"]


def bench(args, csv=None):
    cmd = [BENCH] + args + (["--csv", csv] if csv else [])
    return subprocess.run(cmd, capture_output=True, text=True, timeout=600)


class World(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.access(BENCH, os.X_OK):
            raise unittest.SkipTest(f"no tw_bench beside {TW_BIN}")
        cls.tmp = tempfile.mkdtemp(prefix="tw_bench_world_")
        cls.csv = os.path.join(cls.tmp, "bench.csv")
        cls.proc = bench(["--world", "four,nine", "--mode", "firm,reference,memory"] + SMALL,
                         cls.csv)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_both_worlds_measured_on_their_own_cells(self):
        self.assertEqual(self.proc.returncode, 0, self.proc.stderr)
        self.assertIn("\nhash ok\n", self.proc.stdout)
        df = pd.read_csv(self.csv)
        cells = {"four": 4 * 8, "nine": 9 * 8}
        for kind in ("firm_step_strong", "firm_step_weak", "reference_kernel",
                     "reference_dense", "firm_vs_reference", "firm_vs_dense", "memory"):
            rows = df[df["kind"] == kind]
            self.assertEqual(sorted(rows["world"]), ["four", "nine"], kind)
            for _, r in rows.iterrows():
                # --firms 14400 rounded to whole cells: 450 a cell on four, 200 on nine
                self.assertEqual(r["firms"], 14400, (kind, r["world"]))
                self.assertEqual(r["firms"] % cells[r["world"]], 0)
        # each world's firm step and its own reference: different problems, different hashes
        strong = df[df["kind"] == "firm_step_strong"].set_index("world")
        self.assertNotEqual(strong.loc["four", "result_hash"], strong.loc["nine", "result_hash"])
        ratio = df[df["kind"] == "firm_vs_reference"]
        self.assertTrue((ratio["rate"] > 0).all())
        mem = df[df["kind"] == "memory"].set_index("world")
        for w in cells:
            self.assertGreaterEqual(mem.loc[w, "bytes_per_firm"], 17.0)
            self.assertLessEqual(mem.loc[w, "bytes_per_firm"], 48.0)
        # the machine's own rows belong to no world
        self.assertTrue(df[df["kind"] == "cpu_spin"]["world"].isna().all())
        for w in cells:
            self.assertIn(f"world {w} ({cells[w]} cells, 14400 firms)", self.proc.stdout)

    def test_unknown_world_exits_2_with_the_list(self):
        csv = os.path.join(self.tmp, "refused.csv")
        p = bench(["--world", "four,atlantis", "--mode", "firm"] + SMALL, csv)
        self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
        self.assertIn("--world atlantis", p.stderr)
        self.assertIn("unknown world 'atlantis': expected one of four, nine", p.stderr)
        self.assertFalse(os.path.exists(csv), "nothing written for a refused world")
        self.assertEqual(p.stdout, "")

    def test_bad_world_list_is_a_usage_error(self):
        p = bench(["--world", "four,nine,four,nine,four", "--mode", "firm"] + SMALL)
        self.assertEqual(p.returncode, 2)
        self.assertIn("--world: expected a comma-separated list", p.stderr)


if __name__ == "__main__":
    sys.exit(unittest.main())
