#!/usr/bin/env python3
"""End-to-end: the statistics' memory is counted before any work.

A year of daily output of the baseline scenario has one quantile sketch per summary cell
(days x series) and per outcome, each of at most tw_sketch_bound_bytes(replicates) bytes
(engine/tw_stats.h): a few hundred bytes for a few replicates, TW_SKETCH_MAX_BYTES (two
full bin arrays) past 512.
With small firm counts the replicate states and one chunk of results take a few
megabytes, so under `ulimit -v 300000` a 40-replicate run used to be let through and
then fail after its work had started ("out of memory in a quantile sketch", exit 1). It
must be refused at once (exit 2), with nothing written, naming the sizes: the refusal's
cell count is checked against the rows of summary.csv and outcomes.csv of the same run
made without the limit.

Run by CTest as py/test_memory_bound with TW_BIN and TW_SOURCE_DIR.
"""
import os
import re
import resource
import shutil
import subprocess
import unittest

from mc_common import BASELINE, TW_BIN, McCase, run

ARGS = ["run", BASELINE, "-t", "2", "-q", "--set", "firms.per_cell=30",
        "--set", "rare_earths.per_cell=10", "--set", "output.interval_days=7"]
LIMIT = 300000 * 1024  # bytes of address space: ulimit -v 300000


def limited(cmd, limit):
    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=300, preexec_fn=cap)


def rows(path):
    with open(path) as f:
        return sum(1 for _ in f) - 1


class MemoryBound(McCase):
    prefix = "tw_mem_"

    def test_sketches_that_would_not_fit_are_refused_before_any_work(self):
        # AddressSanitizer reserves terabytes of shadow memory at start, so no program built
        # with it starts under an address-space limit; the normal build runs this check.
        if "ASAN_OPTIONS" in os.environ:
            raise unittest.SkipTest("an address-space limit cannot be tested under AddressSanitizer")
        out = os.path.join(self.tmp, "limited")
        p = limited([TW_BIN] + ARGS + ["-n", "40", "-o", out], LIMIT)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)
        self.assertIn("address-space limit (ulimit -v) is 0.3 GiB", p.stderr)
        self.assertIn("fewer output days (output.interval_days", p.stderr)
        m = re.search(r"of ([0-9.]+) GiB each, ([0-9.]+) GiB of results, and ([0-9.]+) GiB "
                      r"of statistics: (\d+) summary cells and outcomes at up to (\d+) bytes "
                      r"each for 40 replicates\)", p.stderr)
        self.assertIsNotNone(m, p.stderr)
        state, results, stats = (float(m.group(k)) for k in (1, 2, 3))
        cells, per_cell = int(m.group(4)), int(m.group(5))
        # Without the statistics the run would have been let through.
        self.assertLess(2 * state + results, LIMIT / 2 ** 30 / 4)
        self.assertGreater(stats, LIMIT / 2 ** 30)
        self.assertAlmostEqual(stats, cells * per_cell / 2 ** 30, delta=0.01)
        # 40 values: per sign room for 64 (bin, count) pairs of 8 bytes, the fixed fields
        # and the allocator's slack; far below two full bin arrays of 2048 counts.
        self.assertGreaterEqual(per_cell, 2 * 64 * 8)
        self.assertLess(per_cell, 2 * 64 * 8 + 512)
        # With more replicates than a sign has bins the bound is two full bin arrays.
        p = limited([TW_BIN] + ARGS + ["-n", "5000", "-o", out], LIMIT)
        self.assertEqual(p.returncode, 2, p.stderr)
        m = re.search(r"at up to (\d+) bytes each for 5000 replicates\)", p.stderr)
        self.assertIsNotNone(m, p.stderr)
        self.assertGreaterEqual(int(m.group(1)), 2 * 2048 * 4)
        self.assertLess(int(m.group(1)), 2 * 2048 * 4 + 512)
        # Nothing was written.
        self.assertFalse(os.path.exists(out))
        self.assertFalse(os.path.exists(out + ".partial"))
        self.assertEqual(os.listdir(self.tmp), [])

        # The cells it counted are the run's: rows of summary.csv plus outcomes (which do
        # not depend on the replicate count).
        full = os.path.join(self.tmp, "full")
        p = run([TW_BIN] + ARGS + ["-n", "2", "-o", full])
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(cells, rows(os.path.join(full, "summary.csv")) +
                         rows(os.path.join(full, "outcomes.csv")))

    def test_nine_regions_at_a_year_of_daily_rows_pass_the_check_and_run(self):
        # 2.36 million summary cells: charged at two full bin arrays each they took 36 GiB
        # and were refused; with two replicates a sketch holds a few hundred bytes at most,
        # and the run fits, statistics and all, under a 3 GiB address-space limit.
        if "ASAN_OPTIONS" in os.environ:
            raise unittest.SkipTest("an address-space limit cannot be tested under AddressSanitizer")
        args = [TW_BIN, "run", os.path.join(os.path.dirname(BASELINE), "geneva-truce.yaml"),
                "-n", "2", "-t", "2", "-q", "--set", "world=nine", "--set", "firms.per_cell=50",
                "--set", "rare_earths.per_cell=20", "--set", "output.interval_days=1"]
        # Refused at 0.3 GiB, the refusal names the cells and their bound for 2 replicates.
        p = limited(args + ["-o", os.path.join(self.tmp, "small")], LIMIT)
        self.assertEqual(p.returncode, 2, p.stderr)
        m = re.search(r"of statistics: (\d+) summary cells and outcomes at up to (\d+) bytes "
                      r"each for 2 replicates\)", p.stderr)
        self.assertIsNotNone(m, p.stderr)
        cells, per_cell = int(m.group(1)), int(m.group(2))
        self.assertLess(per_cell, 512)
        self.assertGreater(cells, 2000000)
        out = os.path.join(self.tmp, "nine")
        self.addCleanup(shutil.rmtree, out, True)  # the other test wants self.tmp empty
        p = limited(args + ["-o", out], 3 * 2 ** 30)
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(out, "summary.csv")) as f:
            head = f.readline().strip().split(",")
            regions, n = set(), 0
            for line in f:
                row = line.rstrip("\n").split(",")
                n += 1
                regions.add(row[2])
                p05, p50, p95 = (float(row[head.index(k)]) for k in ("p05", "p50", "p95"))
                self.assertTrue(p05 <= p50 <= p95, line)
        self.assertEqual(cells, n + rows(os.path.join(out, "outcomes.csv")))
        self.assertGreaterEqual(len(regions - {"all"}), 9)


if __name__ == "__main__":
    unittest.main(verbosity=2)
