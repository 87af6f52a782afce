#!/usr/bin/env python3
"""End-to-end: every scenario in scenarios/ still gives the same bytes.

Runs the real `tradewar run` on each scenarios/*.yaml at a fixed seed with a few replicates
and small firm counts, and compares the run's result_hash (provenance.yaml: FNV-1a 64 over
summary.csv, replicates.csv and events.csv) and the SHA-256 of outcomes.csv with the table
committed in tests/e2e/fixtures/scenario_hashes.tsv. Any difference fails: a change that is
meant to leave the model alone (a refactoring, a faster kernel) must leave every byte alone.
It also checks that one thread and two threads give the same hash.

When a change to the model's results is intended, regenerate the table with the program you
built and commit it with the change, saying why the numbers moved:

    TW_BIN=build/tradewar python3 tests/e2e/test_scenario_hashes.py --regenerate

Run by CTest as py/test_scenario_hashes with TW_BIN and TW_SOURCE_DIR.
"""
import glob
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

TW_BIN = os.environ.get("TW_BIN", "")
SRC = os.environ.get("TW_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
TABLE = os.path.join(SRC, "tests", "e2e", "fixtures", "scenario_hashes.tsv")
REGENERATE = "TW_BIN=build/tradewar python3 tests/e2e/test_scenario_hashes.py --regenerate"
# Fixed seed, two replicates, 20 firms per cell: about a second per scenario.
ARGS = ["-n", "2", "-s", "7", "--set", "firms.per_cell=20", "-q", "-f"]
HEADER = "# scenario\tresult_hash\toutcomes_csv_sha256"


def scenarios():
    return sorted(glob.glob(os.path.join(SRC, "scenarios", "*.yaml")))


def run_one(path, threads, out):
    """Runs one scenario into out; returns (result_hash, sha256 of outcomes.csv)."""
    cmd = [TW_BIN, "run", path, "-t", str(threads), "-o", out] + ARGS
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True, timeout=300)
    if p.returncode != 0:
        raise AssertionError("%s failed (exit %d): %s" % (" ".join(cmd), p.returncode, p.stderr))
    result_hash = None
    with open(os.path.join(out, "provenance.yaml")) as f:
        for line in f:
            if line.startswith("result_hash:"):
                result_hash = line.split(":", 1)[1].strip().strip('"')
    if not result_hash:
        raise AssertionError("%s/provenance.yaml has no result_hash" % out)
    with open(os.path.join(out, "outcomes.csv"), "rb") as f:
        outcomes = hashlib.sha256(f.read()).hexdigest()
    return result_hash, outcomes


def read_table():
    table = {}
    with open(TABLE) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            name, result_hash, outcomes = line.rstrip("\n").split("\t")
            table[name] = (result_hash, outcomes)
    return table


def regenerate():
    tmp = tempfile.mkdtemp(prefix="tw_hashes_")
    try:
        rows = [HEADER]
        for path in scenarios():
            name = os.path.basename(path)
            h, o = run_one(path, 2, os.path.join(tmp, name))
            rows.append("%s\t%s\t%s" % (name, h, o))
        with open(TABLE, "w") as f:
            f.write("\n".join(rows) + "\n")
        print("wrote %s (%d scenarios)" % (TABLE, len(rows) - 1))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


class ScenarioHashes(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not TW_BIN or not os.access(TW_BIN, os.X_OK):
            raise unittest.SkipTest("TW_BIN is not set to the tradewar program")
        cls.tmp = tempfile.mkdtemp(prefix="tw_hashes_")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_table_lists_every_scenario(self):
        names = [os.path.basename(p) for p in scenarios()]
        self.assertGreater(len(names), 0)
        self.assertEqual(sorted(read_table()), names,
                         "the table and scenarios/ differ; if that is intended run: " + REGENERATE)

    def test_every_scenario_gives_the_recorded_bytes(self):
        table = read_table()
        moved = []
        for path in scenarios():
            name = os.path.basename(path)
            got = run_one(path, 2, os.path.join(self.tmp, name))
            if table.get(name) != got:
                moved.append("%s: recorded %s, got %s" % (name, table.get(name), got))
        self.assertEqual(moved, [], "results changed for %d scenario(s):\n  %s\nIf the change "
                         "to the model is intended, regenerate the table and commit it:\n  %s"
                         % (len(moved), "\n  ".join(moved), REGENERATE))

    def test_one_and_two_threads_agree(self):
        path = os.path.join(SRC, "scenarios", "history-2025.yaml")
        one = run_one(path, 1, os.path.join(self.tmp, "t1"))
        two = run_one(path, 2, os.path.join(self.tmp, "t2"))
        self.assertEqual(one, two, "-t 1 and -t 2 give different results")
        self.assertEqual(one, read_table()["history-2025.yaml"])


if __name__ == "__main__":
    if sys.argv[1:] == ["--regenerate"]:
        if not TW_BIN or not os.access(TW_BIN, os.X_OK):
            sys.exit("set TW_BIN to the tradewar program, e.g. TW_BIN=build/tradewar")
        regenerate()
    else:
        unittest.main()
