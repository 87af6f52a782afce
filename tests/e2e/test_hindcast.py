#!/usr/bin/env python3
"""End-to-end: `tradewar hindcast`, the model started at each decision point of the record
with the agents fitted leaving the episode out, on the real base scenario and the real
decisions table (data/hindcast_loo.csv).

- Reproducible to the byte: -n 64 with 2 threads and with 1 thread, twice, and on 2 MPI
  ranks (where built with MPI) give the same hindcast.csv (and the same terminal but for
  the directory), and the result hash of provenance.yaml is FNV-1a 64 over it.
- --report draws the reliability diagram into DIR/report and states the printed scores.
- The schema: episode, date, outcome, probability first, then climatology, group, id,
  kind, replicates; outcome 0/1, probability a share of 64 replicates, dates of the
  record and nothing after 31 May 2025; one row per row of the table, every group
  forecast (China's export-control answers and the cuts of deals included), each with the
  outcome and climatology of the table; nothing but the record's threats and talks named
  as not forecast. The data package describes the file.
- The printed scores equal those recomputed from hindcast.csv: Brier (p - o)^2, log
  -ln of the probability of what happened kept inside [1/128, 127/128], the
  climatology's, overall and per group, and the reliability table's bins; the hindcast
  beats the climatology on the Brier score.
- The forecasts follow the fitted posteriors and the state: each group's mean forecast is
  within Monte Carlo error of the mean of its Beta(a, b) posteriors; an expiry where an
  accusation stood follows the expiry_accused group's posterior (extension.accused), not
  half of the other's.
- Bad flags and inputs exit 2 with a clear message and write nothing: an option the
  command does not take, -n 0, a base scenario with a bad key (file:line:col), a bad
  --set, an --set that breaks a decision's scenario (naming the decision), an existing -o
  without -f, a decisions table whose outcome is not 0/1
  (hindcast_loo.csv:line:col, the column and what was expected).

Run by CTest as py/test_hindcast with TW_BIN and TW_SOURCE_DIR.
"""
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

import pandas as pd

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mc_common import TW_MPIEXEC, mpi_env, mpirun_cmd  # noqa: E402
from test_datapackage import check_package  # noqa: E402

TW_BIN = os.environ.get("TW_BIN", "")
SRC = os.environ.get("TW_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
LOO = os.path.join(SRC, "data", "hindcast_loo.csv")
R = 64
GROUPS = {"contact_deal", "summit_deal", "expiry_extend", "expiry_accused", "retaliate",
          "breach_escalate", "cn_controls", "deal_cuts"}
COLUMNS = ["episode", "date", "outcome", "probability", "climatology", "group", "id", "kind",
           "replicates"]


def run(args, timeout=300, env=None):
    return subprocess.run([TW_BIN, "hindcast"] + args, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True, timeout=timeout,
                          env=env)


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def fnv1a64(data):
    h = 0xcbf29ce484222325
    for b in data:
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def scores(df, n_rep):
    """Brier and log scores of the forecasts and of the climatology over df's rows."""
    lo = 1.0 / (2.0 * n_rep)
    o, p, c = df["outcome"], df["probability"], df["climatology"]
    q = (o * p + (1 - o) * (1 - p)).clip(lo, 1 - lo)
    qc = o * c + (1 - o) * (1 - c)
    return ((p - o) ** 2).mean(), -(q.map(math.log)).mean(), ((c - o) ** 2).mean(), \
        -(qc.map(math.log)).mean()


class Hindcast(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not TW_BIN:
            raise unittest.SkipTest("TW_BIN not set (run through ctest)")
        cls.tmp = tempfile.mkdtemp(prefix="tw_hindcast_")
        cls.outs = {}
        for name, extra in (("t2", ["-t", "2"]), ("t1", ["-t", "1"]),
                            ("again", ["-t", "2", "--report"])):
            d = os.path.join(cls.tmp, name)
            cls.outs[name] = (d, run(["-n", str(R), "-o", d, "-q"] + extra))
        cls.dir, cls.res = cls.outs["t2"]
        cls.df = pd.read_csv(os.path.join(cls.dir, "hindcast.csv"))
        cls.loo = pd.read_csv(LOO)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_runs(self):
        for name, (d, res) in self.outs.items():
            with self.subTest(run=name):
                self.assertEqual(res.returncode, 0, res.stderr)
                self.assertEqual(res.stderr, "")

    def test_bytes_same_for_threads_and_reruns(self):
        ref = read_bytes(os.path.join(self.dir, "hindcast.csv"))
        for name in ("t1", "again"):
            d, res = self.outs[name]
            self.assertEqual(read_bytes(os.path.join(d, "hindcast.csv")), ref, name)
            self.assertEqual(res.stdout.replace(d, "DIR"),
                             self.res.stdout.replace(self.dir, "DIR"), name)
        # --report: the reliability diagram and the scores the terminal printed
        d = self.outs["again"][0]
        self.assertGreater(os.path.getsize(os.path.join(d, "report", "hindcast_reliability.png")),
                           5000)
        with open(os.path.join(d, "report", "report.html"), encoding="utf-8") as f:
            page = f.read()
        b = re.search(r"Brier ([\d.]+) \(climatology ([\d.]+)\)", self.res.stdout).groups()
        self.assertIn(f"hindcast beats the climatology on the Brier score ({float(b[0]):.3f} "
                      f"against {float(b[1]):.3f}", page)
        with open(os.path.join(self.dir, "provenance.yaml"), encoding="utf-8") as f:
            prov = f.read()
        self.assertIn("program: tradewar\n", prov)
        self.assertIn("kind: hindcast\n", prov)
        self.assertIn(f"replicates: {R}\n", prov)
        self.assertIn('result_hash: "%016x"' % fnv1a64(ref), prov)

    def test_bytes_same_on_two_ranks(self):
        if not TW_MPIEXEC:
            self.skipTest("built without MPI")
        d = os.path.join(self.tmp, "ranks2")
        res = subprocess.run(mpirun_cmd(2, ["hindcast", "-n", str(R), "-t", "1", "-o", d, "-q"]),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             universal_newlines=True, timeout=300, env=mpi_env())
        self.assertEqual(res.returncode, 0, res.stderr)
        self.assertEqual(read_bytes(os.path.join(d, "hindcast.csv")),
                         read_bytes(os.path.join(self.dir, "hindcast.csv")))
        self.assertEqual(res.stdout.replace(d, "DIR"), self.res.stdout.replace(self.dir, "DIR"))

    def test_schema(self):
        df = self.df
        self.assertEqual(list(df.columns), COLUMNS)
        self.assertTrue(df["outcome"].isin([0, 1]).all())
        self.assertTrue(((df["probability"] >= 0) & (df["probability"] <= 1)).all())
        k = df["probability"] * R
        self.assertTrue(((k - k.round()).abs() < 1e-3).all(), "a share of the replicates")
        self.assertTrue((df["replicates"] == R).all())
        dates = pd.to_datetime(df["date"], format="%Y-%m-%d")
        self.assertTrue((dates >= "2018-01-01").all() and (dates <= "2025-05-31").all())
        want = self.loo
        self.assertEqual(len(df), len(want))
        self.assertGreaterEqual(len(df), 60)
        self.assertEqual(set(df["group"]), GROUPS)
        for col in ("id", "episode", "date", "group", "kind", "outcome"):
            self.assertEqual(df[col].tolist(), want[col].tolist(), col)
        self.assertTrue(((df["climatology"] - want["climatology"]).abs() < 1e-6).all())
        # every group is forecast: only the threats and talks are named as not forecast
        tail = self.res.stdout.split("not forecast")[1]
        self.assertEqual(re.findall(r"\n  (\S+) +\d+: ", tail), [])
        self.assertIn("threat, talks", tail)
        check_package(self, self.dir)

    def test_printed_scores_match_csv(self):
        out = self.res.stdout
        b, lg, cb, cl = scores(self.df, R)
        m = re.search(r"(\d+) decisions, (\d+) replicates each, leave-one-episode-out:\n"
                      r"  Brier ([\d.]+) \(climatology ([\d.]+)\), log ([\d.]+) "
                      r"\(climatology ([\d.]+)\)", out)
        self.assertIsNotNone(m, out)
        self.assertEqual(int(m.group(1)), len(self.df))
        self.assertEqual(int(m.group(2)), R)
        for got, want in zip(m.groups()[2:], (b, cb, lg, cl)):
            self.assertAlmostEqual(float(got), want, delta=6e-5)
        self.assertLess(b, cb, "the hindcast beats the climatology on the Brier score")
        for g, sub in self.df.groupby("group"):
            gb, glg, gcb, gcl = scores(sub, R)
            m = re.search(rf"\n  {g} +(\d+): Brier ([\d.]+) \(climatology ([\d.]+)\), "
                          rf"log ([\d.]+) \(climatology ([\d.]+)\)", out)
            self.assertIsNotNone(m, g)
            self.assertEqual(int(m.group(1)), len(sub))
            for got, want in zip(m.groups()[1:], (gb, gcb, glg, gcl)):
                self.assertAlmostEqual(float(got), want, delta=6e-5, msg=g)
        rows = re.findall(r"\n  (\d\.\d)-(\d\.\d): +(\d+)  (\S+)  (\S+)", out)
        self.assertEqual(len(rows), 5)
        for lo, hi, n, mp, ob in rows:
            lo, hi = float(lo), float(hi)
            p = self.df["probability"]
            sub = self.df[(p >= lo) & ((p < hi) | ((hi == 1.0) & (p <= hi)))]
            self.assertEqual(int(n), len(sub), (lo, hi))
            if len(sub):
                self.assertAlmostEqual(float(mp), sub["probability"].mean(), delta=6e-4)
                self.assertAlmostEqual(float(ob), sub["outcome"].mean(), delta=6e-4)

    def test_forecasts_follow_posteriors(self):
        want = self.loo
        # an expiry with an accusation standing is its own group, fitted (extension.accused)
        accused = want["group"] == "expiry_accused"
        self.assertTrue((want.loc[accused, "accused"] == 1).all())
        self.assertTrue((want.loc[want["group"] == "expiry_extend", "accused"] == 0).all())
        post = want["a"] / (want["a"] + want["b"])
        for g, idx in want.groupby("group").groups.items():
            got = self.df.loc[idx, "probability"].mean()
            mean = post[idx].mean()
            # each forecast a share of R draws of the posterior: sd at most 0.5 / sqrt(n R)
            tol = 4 * 0.5 / math.sqrt(len(idx) * R)
            self.assertLess(abs(got - mean), tol, g)

    def test_refusals(self):
        bad_base = os.path.join(self.tmp, "bad.yaml")
        with open(os.path.join(SRC, "scenarios", "hindcast-base.yaml"), encoding="utf-8") as f:
            text = f.read()
        with open(bad_base, "w", encoding="utf-8") as f:
            f.write(text.replace("  per_cell: 50\n", "  per_cell: 50\n  per_cel: 3\n", 1))
        line = text[:text.index("  per_cell: 50\n")].count("\n") + 2
        cases = [
            (["--until", "x:1"], r"hindcast takes a base scenario .*-n, -t, -s, -o"),
            (["--trajectories"], r"hindcast takes"),
            (["-n", "0"], r"-n: expected an integer between 1 and"),
            (["--frob"], r"unknown option '--frob'"),
            ([bad_base], re.escape(bad_base) + rf":{line}:\d+: .*per_cel"),
            (["--set", "firms.per_cell=0"], r"--set:1:\d+: firms.per_cell: expected an integer"),
            (["-o", self.dir], r"-o .*: the output directory exists; pass --force"),
            # valid for the base, not for the first decision (2018 to 2029): refused after
            # the output directory was staged, which goes
            (["--set", "end=2029-12-31"],
             r"decision 4 \(2018-04-02, retaliate\): --set:1:\d+: end: expected at most"),
        ]
        # a decisions table with an outcome that is not 0/1 (TW_DATA_DIR: a copy of data/)
        data = os.path.join(self.tmp, "data")
        shutil.copytree(os.path.join(SRC, "data"), data)
        with open(LOO, encoding="utf-8") as f:
            lines = f.read().split("\n")
        fields = lines[3].split(",")
        fields[8] = "2"
        lines[3] = ",".join(fields)
        with open(os.path.join(data, "hindcast_loo.csv"), "w", encoding="utf-8") as f:
            f.write("\n".join(lines))
        col = len(",".join(fields[:8])) + 2
        cases.append(([], re.escape(os.path.join(data, "hindcast_loo.csv"))
                      + rf":4:{col}: outcome: expected 0 or 1 \(got '2'\)", data))
        for case in cases:
            args, pattern = case[:2]
            env = dict(os.environ, TW_DATA_DIR=case[2]) if len(case) > 2 else None
            with self.subTest(args=args):
                d = os.path.join(self.tmp, "refused")
                extra = [] if "-o" in args else ["-o", d]
                res = run(args + extra + ["-n", "2"] if "-n" not in args else args + extra,
                          env=env)
                self.assertEqual(res.returncode, 2, res.stderr)
                self.assertRegex(res.stderr.splitlines()[-1], r"^tradewar: " + pattern)
                self.assertEqual(res.stdout, "")
                self.assertFalse(os.path.exists(d))
                self.assertFalse(os.path.exists(d + ".partial"))


if __name__ == "__main__":
    unittest.main()
