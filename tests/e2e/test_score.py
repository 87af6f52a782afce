#!/usr/bin/env python3
"""End-to-end: `tradewar score` on a real run of the 2025 history (January to June, to
keep it short) and the first half of the observed file the project ships
(analysis/examples/observed-2024-average.csv).

- Monthly aggregation against pandas on the run's own trajectories.csv: imports (a flow)
  summed over each month's days, tariff rates (a level) averaged; the quantiles, mean and
  CRPS of every observation from those per-replicate values.
- Without trajectories.csv: exit 2 naming --trajectories and --rerun; with --rerun, the
  same bytes as scoring the run that wrote its trajectories, and no temporary files left.
- --report: one PNG per scored series.

Run by CTest as py/test_score with TW_BIN and TW_SOURCE_DIR.
"""
import glob
import os
import shutil
import subprocess
import tempfile
import unittest

import numpy as np
import pandas as pd

TW_BIN = os.environ.get("TW_BIN", "")
TW_SOURCE_DIR = os.environ.get("TW_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
HISTORY = os.path.join(TW_SOURCE_DIR, "scenarios", "history-2025-four.yaml")
OBSERVED = os.path.join(TW_SOURCE_DIR, "analysis", "examples", "observed-2024-average.csv")
TINY = ["-n", "8", "--set", "firms.per_cell=200", "--set", "end=2025-06-30", "-t", "2", "-q"]
FLOWS = {"imports"}


def run(args, env=None):
    return subprocess.run([TW_BIN] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=600, env=env)


def crps_exact(x, y):
    return np.mean(np.abs(x - y)) - 0.5 * np.mean(np.abs(x[:, None] - x[None, :]))


class Score(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="tw_score_")
        cls.with_traj = os.path.join(cls.tmp, "with")
        p = run(["run", HISTORY, "-o", cls.with_traj, "--trajectories"] + TINY)
        assert p.returncode == 0, p.stderr
        # The same run without its trajectories, as a run without --trajectories leaves it.
        cls.without = os.path.join(cls.tmp, "without")
        shutil.copytree(cls.with_traj, cls.without)
        os.remove(os.path.join(cls.without, "trajectories.csv"))
        cls.observed = os.path.join(cls.tmp, "observed.csv")
        with open(OBSERVED) as f, open(cls.observed, "w") as out:
            out.writelines(line for line in f if not line.startswith("2025-") or
                           line[:7] <= "2025-06")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def score(self, outdir, scoredir, *extra, env=None):
        p = run(["score", outdir, self.observed, "-o", scoredir] + list(extra), env=env)
        self.assertEqual(p.returncode, 0, p.stderr)
        return p

    def test_months_aggregate_like_pandas(self):
        scoredir = os.path.join(self.tmp, "score")
        p = self.score(self.with_traj, scoredir)
        self.assertIn("24 observations of 4 series, 8 replicates", p.stdout)
        pts = pd.read_csv(os.path.join(scoredir, "score_points.csv"), float_precision="round_trip")
        obs = pd.read_csv(self.observed)
        self.assertEqual(len(pts), len(obs))
        names = [".".join(r) for r in pts[["indicator", "region", "partner", "sector"]].values]
        traj = pd.read_csv(os.path.join(self.with_traj, "trajectories.csv"),
                           usecols=["replicate", "date"] + sorted(set(names)),
                           float_precision="round_trip")
        traj["month"] = traj["date"].str[:7]
        for name, (_, row) in zip(names, pts.iterrows()):
            month = row["start"][:7]
            g = traj[traj["month"] == month].groupby("replicate")[name]
            x = (g.sum() if row["indicator"] in FLOWS else g.mean()).to_numpy()
            self.assertEqual(row["aggregation"], "sum" if row["indicator"] in FLOWS else "mean")
            self.assertEqual(len(x), 8)
            y = row["observed"]
            for col, q in (("p05", 0.05), ("p50", 0.5), ("p95", 0.95)):
                self.assertAlmostEqual(row[col] / np.quantile(x, q), 1.0, places=12,
                                       msg="%s %s %s" % (name, month, col))
            self.assertAlmostEqual(row["mean"] / np.mean(x), 1.0, places=12)
            self.assertLessEqual(abs(row["crps"] - crps_exact(x, y)), 1e-9 * max(1.0, abs(y)))
        sc = pd.read_csv(os.path.join(scoredir, "score.csv"))
        self.assertEqual(list(sc["indicator"]), ["imports", "imports", "tariff_rate",
                                                 "tariff_rate", "overall"])
        self.assertEqual(sc["n"].tolist(), [6, 6, 6, 6, 24])

    def test_rerun_scores_the_same_ensemble(self):
        ref = os.path.join(self.tmp, "ref")
        self.score(self.with_traj, ref, "-q")
        missing = os.path.join(self.tmp, "missing")
        p = run(["score", self.without, self.observed, "-o", missing])
        self.assertEqual(p.returncode, 2)
        self.assertIn("--trajectories", p.stderr)
        self.assertIn("--rerun", p.stderr)
        self.assertFalse(os.path.exists(missing))
        tmpdir = os.path.join(self.tmp, "tmpdir")
        os.mkdir(tmpdir)
        env = dict(os.environ, TMPDIR=tmpdir)
        rerun = os.path.join(self.tmp, "rerun")
        self.score(self.without, rerun, "--rerun", "-q", env=env)
        for f in ("score.csv", "score_points.csv"):
            with open(os.path.join(ref, f), "rb") as a, open(os.path.join(rerun, f), "rb") as b:
                self.assertEqual(a.read(), b.read(), f)
        self.assertEqual(os.listdir(tmpdir), [])
        self.assertFalse(os.path.exists(os.path.join(self.without, "trajectories.csv")))

    def test_report_draws_each_series(self):
        scoredir = os.path.join(self.tmp, "report")
        self.score(self.with_traj, scoredir, "--report", "-q")
        pngs = sorted(os.path.basename(p) for p in glob.glob(os.path.join(scoredir, "report", "*")))
        self.assertEqual(pngs, ["imports.CN.US.all.png", "imports.US.CN.all.png",
                                "tariff_rate.CN.US.all.png", "tariff_rate.US.CN.all.png"])
        for png in pngs:
            with open(os.path.join(scoredir, "report", png), "rb") as f:
                self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")

    def test_help(self):
        p = run(["score", "--help"])
        self.assertEqual(p.returncode, 0)
        self.assertIn("Usage: tradewar score OUTDIR OBSERVED.csv", p.stdout)
        p = run(["--help"])
        self.assertIn("tradewar score OUTDIR OBSERVED.csv", p.stdout)
        p = run(["score", self.with_traj])
        self.assertEqual(p.returncode, 2)


if __name__ == "__main__":
    unittest.main(verbosity=2)
