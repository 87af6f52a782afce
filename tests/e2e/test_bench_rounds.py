#!/usr/bin/env python3
"""End-to-end: bench/rounds runs the real tw_bench several times, summarises the spread of
its figures, and refuses rounds whose result hashes differ.

Run by CTest as py/test_bench_rounds with TW_BIN and TW_SOURCE_DIR; tw_bench is the one
built next to TW_BIN. Nothing here looks at a timing: the checks are on the files, the
table's rows, the read-back CSVs and the exit status.
"""
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import pandas as pd

TW_BIN = os.environ["TW_BIN"]
SRC = os.environ["TW_SOURCE_DIR"]
ROUNDS = os.path.join(SRC, "bench", "rounds")
SUMMARY = os.path.join(SRC, "bench", "rounds.py")
KINDS = ["cpu_spin", "firm_step_strong", "firm_step_weak", "reference_kernel",
         "reference_dense", "replicates_strong", "replicates_weak"]


class Rounds(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.out = tempfile.mkdtemp(prefix="tw_rounds_")
        env = dict(os.environ, TW_BIN=TW_BIN, BENCH_OUT=cls.out, BENCH_THREADS="1,2")
        cls.proc = subprocess.run([ROUNDS, "--quick", "2"], env=env, capture_output=True,
                                  text=True, timeout=300)
        cls.dir = os.path.join(cls.out, "rounds")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.out, ignore_errors=True)

    def test_every_round_is_kept_and_reads_back(self):
        self.assertEqual(self.proc.returncode, 0, self.proc.stderr)
        frames = [pd.read_csv(os.path.join(self.dir, "round-%d.csv" % k)) for k in (1, 2)]
        for df in frames:
            self.assertEqual(sorted(set(df["kind"]) & set(KINDS)), sorted(KINDS))
            two = df[(df["threads"] == 2) & df["kind"].isin(KINDS[1:5])]
            self.assertEqual(len(two), 4)
            self.assertTrue(two["load_balance"].between(0, 1.0000001).all())
            self.assertTrue((two["efficiency"] > 0).all())
        # the same problems give the same answers in both rounds
        for kind in KINDS:
            h = [set(df[df["kind"] == kind]["result_hash"].dropna()) for df in frames]
            self.assertEqual(h[0], h[1], kind)

    def test_the_summary_names_every_figure_once(self):
        text = self.proc.stdout
        self.assertIn("2 rounds; median over the rounds", text)
        for kind in KINDS:
            lines = [l for l in text.splitlines() if l.split()[:2] == [kind, "2"]]
            self.assertEqual(len(lines), 1, "%s:\n%s" % (kind, text))
        self.assertIn("hash ok", text)
        with open(os.path.join(self.dir, "rounds.txt")) as f:
            self.assertEqual(f.read(), text)

    def test_a_hash_that_differs_between_rounds_is_refused(self):
        bad = os.path.join(self.out, "bad")
        os.makedirs(bad, exist_ok=True)
        src = os.path.join(self.dir, "round-1.csv")
        with open(src, newline="") as f:
            rows = list(csv.DictReader(f))
            fields = list(rows[0].keys())
        for r in rows:
            if r["kind"] == "firm_step_strong" and r["threads"] == "2":
                r["result_hash"] = "0123456789abcdef"
        changed = os.path.join(bad, "round-2.csv")
        with open(changed, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=fields)
            w.writeheader()
            w.writerows(rows)
        proc = subprocess.run([sys.executable, SUMMARY, src, changed], capture_output=True,
                              text=True)
        self.assertEqual(proc.returncode, 3, proc.stdout)
        self.assertIn("HASH MISMATCH", proc.stdout)
        self.assertIn("firm_step_strong at 2 threads", proc.stdout)

    def test_bad_round_counts_are_refused(self):
        for arg in ("0", "x", "101"):
            proc = subprocess.run([ROUNDS, arg], capture_output=True, text=True,
                                  env=dict(os.environ, TW_BIN=TW_BIN, BENCH_OUT=self.out))
            self.assertEqual(proc.returncode, 2, arg)
            self.assertTrue(proc.stderr.startswith("bench/rounds: "), proc.stderr)


if __name__ == "__main__":
    unittest.main()
