#!/usr/bin/env python3
"""End-to-end: every file of scenarios/examples/ runs with the real program, at a tiny
size, and does what its comment says, read back from the CSVs it writes.

- quick.yaml: the default scenario with fewer firms; its summary.csv is byte for byte the
  parent's run with the same three keys given by --set (the preset changes nothing else).
- china-no-extension.yaml: China refuses every extension. With the leaders certain to
  extend and the US not snapping back (both sides given the same --set), the parent
  extends the truce in most replicates and the what-if in none: `compare` pairs them
  (compare_outcomes.csv), and the what-if's own run logs "CN does not extend" on the
  expiry day, 12 August, in every replicate (events.csv).
- total-60.yaml: the US total on China is 60% in every sector from 1 July to
  30 September (summary.csv's tariff_rate), and not on the days either side.
- sweep-extension.yaml: a valid grid of 3 x 2 points (sweep_points.csv lists the file's
  values); at China's 0 no point ever extends, at China's 1 some replicates do
  (sweep_outcomes.csv), and sensitivity.csv names both swept keys for each outcome.

Run by CTest as py/test_examples with TW_BIN and TW_SOURCE_DIR.
"""
import os
import shutil
import subprocess
import tempfile
import unittest

import pandas as pd
import yaml

TW_BIN = os.environ.get("TW_BIN", "")
SRC = os.path.abspath(os.environ.get("TW_SOURCE_DIR",
                                     os.path.join(os.path.dirname(__file__), "..", "..")))
EXAMPLES = os.path.join(SRC, "scenarios", "examples")
GENEVA = os.path.join(SRC, "scenarios", "geneva-truce.yaml")
TINY = ["-t", "2", "-q", "--set", "firms.per_cell=40", "--set", "rare_earths.per_cell=50"]
# The truce reaches its expiry and the leaders agree to extend it, accusation or not: what
# is left is each side's own word (events.truce.extension.<R>).
CERTAIN = ["--set", "governments.US.snapback_prob=0", "--set", "events.truce.extension.base=1",
           "--set", "events.truce.extension.accused=1"]


def tw(*args):
    return subprocess.run([TW_BIN] + list(args), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True, timeout=600)


def example(name):
    return os.path.join(EXAMPLES, name)


class Examples(unittest.TestCase):
    def setUp(self):
        if not TW_BIN:
            self.skipTest("TW_BIN not set")
        self.tmp = tempfile.mkdtemp(prefix="tw_examples_")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def ran(self, scenario, name, *extra, command="run"):
        out = os.path.join(self.tmp, name)
        p = tw(command, scenario, "-o", out, *extra)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertNotIn("warning", p.stderr)
        return out

    def test_every_example_is_tested_here(self):
        names = sorted(f for f in os.listdir(EXAMPLES) if f.endswith(".yaml"))
        self.assertEqual(names, ["china-no-extension.yaml", "quick.yaml",
                                 "sweep-extension.yaml", "total-60.yaml"])
        for n in names:
            p = tw("validate", example(n))
            self.assertEqual(p.returncode, 0, p.stderr)

    def test_quick_is_the_parent_with_fewer_firms(self):
        with open(example("quick.yaml")) as f:
            q = yaml.safe_load(f)
        self.assertEqual(q["extends"], "../geneva-truce.yaml")
        a = self.ran(example("quick.yaml"), "quick", "-n", "3", "-t", "2", "-q")
        b = self.ran(GENEVA, "parent", "-n", "3", "-t", "2", "-q",
                     "--set", "firms.per_cell=%d" % q["firms"]["per_cell"],
                     "--set", "rare_earths.per_cell=%d" % q["rare_earths"]["per_cell"])
        with open(os.path.join(a, "scenario.yaml")) as f:
            sc = yaml.safe_load(f)
        self.assertEqual(sc["firms"]["per_cell"], 500)
        self.assertEqual(len(pd.read_csv(os.path.join(a, "replicates.csv"))), 3)
        for name in ("summary.csv", "replicates.csv"):
            with open(os.path.join(a, name), "rb") as fa, open(os.path.join(b, name), "rb") as fb:
                self.assertEqual(fa.read(), fb.read(), name)

    def test_china_does_not_extend(self):
        what_if = example("china-no-extension.yaml")
        out = self.ran(GENEVA, "compare", what_if, "-n", "6", *(TINY + CERTAIN),
                       command="compare")
        c = pd.read_csv(os.path.join(out, "compare_outcomes.csv")).set_index("outcome")
        self.assertGreater(c.loc["truce_extended", "mean_a"], 0.5)
        self.assertEqual(c.loc["truce_extended", "mean_b"], 0.0)
        self.assertEqual(c.loc["snap_back", "mean_b"], 1.0)
        out = self.ran(what_if, "what_if", "-n", "4", *(TINY + CERTAIN))
        rep = pd.read_csv(os.path.join(out, "replicates.csv"))
        self.assertEqual(list(rep["truce_extended"]), [0.0] * 4)
        ev = pd.read_csv(os.path.join(out, "events.csv"))
        refused = ev[(ev["event"] == "snap_back") & (ev["actor"] == "CN")]
        self.assertEqual(sorted(refused["replicate"]), [0, 1, 2, 3])
        self.assertEqual(set(refused["date"]), {"2025-08-12"})
        self.assertTrue(refused["detail"].str.startswith("CN does not extend").all())
        self.assertEqual(len(ev[ev["event"] == "truce_extended"]), 0)

    def test_total_60_sets_the_total_for_a_quarter(self):
        out = self.ran(example("total-60.yaml"), "total60", "-n", "2", *TINY,
                       "--set", "output.interval_days=1")  # every day of the quarter
        s = pd.read_csv(os.path.join(out, "summary.csv"))
        us_cn = s[(s["indicator"] == "tariff_rate") & (s["region"] == "US") &
                  (s["partner"] == "CN")]
        inside = us_cn[(us_cn["date"] >= "2025-07-01") & (us_cn["date"] <= "2025-09-30")]
        self.assertEqual(len(inside), 92 * 9)  # 92 days, the sectors and "all"
        for col in ("mean", "p05", "p95"):
            self.assertTrue(((inside[col] - 60.0).abs() < 1e-9).all(), col)
        # outside the quarter the total no longer pins the rate: the mean or a band moves
        # off 60 (the mean alone may pass near 60 by chance as the politics move it)
        for day in ("2025-06-30", "2025-10-01"):
            edge = us_cn[(us_cn["date"] == day) & (us_cn["sector"] == "all")]
            off = max(abs(float(edge[col].iloc[0]) - 60.0) for col in ("mean", "p05", "p95"))
            self.assertGreater(off, 1.0, day)

    def test_sweep_over_china_word_and_extension_length(self):
        with open(example("sweep-extension.yaml")) as f:
            spec = yaml.safe_load(f)["sweep"]
        out = self.ran(example("sweep-extension.yaml"), "sweep", "-n", "4", *(TINY + CERTAIN))
        pts = pd.read_csv(os.path.join(out, "sweep_points.csv"))
        keys = [p["key"] for p in spec["parameters"]]
        self.assertEqual(list(pts.columns), ["point"] + keys)
        grid = [(a, b) for a in spec["parameters"][0]["values"]
                for b in spec["parameters"][1]["values"]]
        self.assertEqual(list(zip(pts[keys[0]], pts[keys[1]])), grid)
        o = pd.read_csv(os.path.join(out, "sweep_outcomes.csv"))
        ext = o[o["outcome"] == "truce_extended"]
        self.assertEqual(len(ext), 6)
        self.assertTrue((ext[ext[keys[0]] == 0]["mean"] == 0).all())
        self.assertTrue((ext[ext[keys[0]] == 1]["mean"] > 0).all())
        days = o[o["outcome"] == "days_in_truce"].set_index(keys)["mean"]
        self.assertGreater(days[(1, 90)], days[(0, 90)])
        sens = pd.read_csv(os.path.join(out, "sensitivity.csv"))
        for outcome in spec["outcomes"]:
            self.assertEqual(sorted(sens[sens["outcome"] == outcome]["parameter"]), sorted(keys))


if __name__ == "__main__":
    unittest.main(verbosity=2)
