#!/usr/bin/env python3
"""End-to-end: a scenario's sweep: section (tests/e2e/fixtures/sweep_grid.yaml, a 3 x 2
grid over an extra US tariff and the pass-through).

- one batch per design point in points/<k>/, each byte-identical to a plain run of the
  scenario with the point's values given by --set;
- sweep_points.csv and sweep_outcomes.csv list every point; sensitivity.csv gives the
  known answer for the peak US tariff (it depends on the tariff alone: index 1 for the
  rate, 0 for the pass-through);
- the same bytes under mpirun -np 2; a bad outcome name is refused with its location;
- a swept key that is also a drawn parameter (geneva-truce's governments.US.resolve): each
  row of sweep_outcomes.csv holds its own parameter's values (the swept one its point's
  value, the others within their distributions' ranges), none shifted onto another's.

Run by CTest as py/test_sweep with TW_BIN, TW_SOURCE_DIR and TW_MPIEXEC.
"""
import os
import unittest

import pandas as pd
import yaml

from mc_common import TW_BIN, TW_MPIEXEC, TW_SOURCE_DIR, McCase, mpirun_cmd, read, run

FIX = os.path.join(TW_SOURCE_DIR, "tests", "e2e", "fixtures")
SWEEP = os.path.join(FIX, "sweep_grid.yaml")
SMALL = ["-n", "5", "--set", "firms.per_cell=30", "--set", "output.interval_days=30",
         "--set", "end=2025-05-31", "-q"]
TOP = ["sweep_points.csv", "sweep_outcomes.csv", "sensitivity.csv"]


class Sweep(McCase):
    prefix = "tw_sweep_"
    reference_args = ["run", SWEEP] + SMALL + ["-t", "2"]

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.out = cls.ref

    def test_provenance_records_the_command(self):
        with open(os.path.join(self.out, "provenance.yaml")) as f:
            prov = yaml.safe_load(f)
        self.assertEqual(prov["command"], [TW_BIN] + self.reference_args + ["-o", self.out])
        self.assertEqual(prov["working_directory"], os.getcwd())
        self.assertIsNone(prov["until"])

    def test_points_and_outcomes(self):
        pts = pd.read_csv(os.path.join(self.out, "sweep_points.csv"))
        self.assertEqual(list(pts.columns), ["point", "tariffs[2].rate", "model.pass_through"])
        self.assertEqual(len(pts), 6)
        self.assertEqual(sorted(set(pts["tariffs[2].rate"])), [10, 30, 50])
        oc = pd.read_csv(os.path.join(self.out, "sweep_outcomes.csv"))
        self.assertEqual(sorted(set(oc["point"])), list(range(6)))
        # Every outcome happened in all 5 replicates of each point, except those that never
        # happen in this scenario (NaN everywhere, such as the first day of a shortage).
        self.assertTrue(oc["n"].isin([0, 5]).all())
        self.assertTrue((oc.groupby("outcome")["n"].nunique() == 1).all())
        self.assertGreater((oc["n"] == 5).sum(), 0)
        peak = oc[oc["outcome"] == "peak_tariff_us_on_cn_pct"].set_index("point")["mean"]
        for k, row in pts.iterrows():
            self.assertAlmostEqual(peak[row["point"]], 20.8 + row["tariffs[2].rate"], places=6)
        for k in range(6):
            self.assertTrue(os.path.exists(os.path.join(self.out, "points", str(k), "summary.csv")))

    def test_sensitivity_known_answer(self):
        s = pd.read_csv(os.path.join(self.out, "sensitivity.csv"))
        self.assertEqual(set(s["outcome"]), {"peak_tariff_us_on_cn_pct", "imports_us_from_cn_usd_bn"})
        idx = s.set_index(["outcome", "parameter"])["first_order"]
        self.assertEqual(idx[("peak_tariff_us_on_cn_pct", "tariffs[2].rate")], 1.0)
        self.assertEqual(idx[("peak_tariff_us_on_cn_pct", "model.pass_through")], 0.0)
        imp = idx[("imports_us_from_cn_usd_bn", "tariffs[2].rate")]
        self.assertTrue(0.5 < imp <= 1.0, imp)

    def test_a_point_equals_a_plain_run_with_its_values(self):
        d = os.path.join(self.tmp, "plain")
        p = run([TW_BIN, "run", os.path.join(FIX, "compare_tariff.yaml")] + SMALL +
                ["--set", "tariffs[2].rate=50", "--set", "model.pass_through=0.8", "-t", "1",
                 "-o", d])
        self.assertEqual(p.returncode, 0, p.stderr)
        for f in ("summary.csv", "replicates.csv", "outcomes.csv"):
            self.assertEqual(read(os.path.join(d, f)),
                             read(os.path.join(self.out, "points", "4", f)), f)

    def test_same_bytes_under_mpirun(self):
        if not TW_MPIEXEC:
            self.skipTest("built without MPI")
        d = os.path.join(self.tmp, "np2")
        p = run(mpirun_cmd(2, ["run", SWEEP] + SMALL + ["-t", "1", "-o", d]))
        self.assertEqual(p.returncode, 0, p.stderr)
        for f in TOP + [os.path.join("points", "3", "summary.csv")]:
            self.assertEqual(read(os.path.join(self.out, f)), read(os.path.join(d, f)), f)

    def test_unknown_sensitivity_outcome_is_refused_with_its_location(self):
        bad = os.path.join(self.tmp, "bad.yaml")
        with open(bad, "w") as f:
            f.write("extends: %s\nname: bad\nsweep:\n  design: grid\n  parameters:\n"
                    "    - {key: model.pass_through, values: [0.5, 1]}\n"
                    "  outcomes: [no_such_outcome]\n" % os.path.join(FIX, "compare_tariff.yaml"))
        out = os.path.join(self.tmp, "badout")
        p = run([TW_BIN, "run", bad] + SMALL + ["-o", out])
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("bad.yaml:7:14: sweep.outcomes[0]: unknown outcome 'no_such_outcome'", p.stderr)
        self.assertFalse(os.path.exists(out))
        self.assertFalse(os.path.exists(out + ".partial"))


GENEVA = os.path.join(TW_SOURCE_DIR, "scenarios", "geneva-truce.yaml")


def dist_range(scenario, key):
    """The range of the distribution at key ("governments.CN.resolve") in scenario."""
    node = yaml.safe_load(open(scenario))
    for part in key.split("."):
        node = node[part]
    if node["dist"] == "uniform":
        return node["lo"], node["hi"]
    if node["dist"] == "beta":
        return 0.0, 1.0
    if node["dist"] == "lognormal":
        return 0.0, float("inf")
    raise AssertionError("no range known for %s" % node)


class SweptDrawnParameter(McCase):
    prefix = "tw_sweep_drawn_"

    def test_each_row_holds_its_own_parameter(self):
        sweep = os.path.join(self.tmp, "resolve.yaml")
        with open(sweep, "w") as f:
            f.write("extends: %s\nname: sweep-resolve\nsweep:\n  design: grid\n"
                    "  parameters:\n    - {key: governments.US.resolve, values: [0.3, 0.7, 1.1]}\n"
                    % GENEVA)
        out = os.path.join(self.tmp, "out")
        p = run([TW_BIN, "run", sweep, "-n", "6", "--set", "firms.per_cell=30", "--set",
                 "rare_earths.per_cell=30", "--set", "output.interval_days=30", "--set",
                 "end=2025-07-31", "-q", "-o", out])
        self.assertEqual(p.returncode, 0, p.stderr)
        oc = pd.read_csv(os.path.join(out, "sweep_outcomes.csv"))
        base = pd.read_csv(os.path.join(out, "points", "0", "replicates.csv"))
        drawn = [c for c in oc["outcome"].unique() if c.startswith(("governments.", "events."))]
        self.assertIn("governments.US.resolve", drawn)
        self.assertIn("governments.CN.resolve", drawn)
        self.assertNotIn("governments.US.resolve", base.columns, "the point fixes it")
        for _, row in oc[oc["outcome"].isin(drawn)].iterrows():
            what = "point %d, %s: %s" % (row["point"], row["outcome"], dict(row))
            self.assertEqual(row["n"], 6, what)
            if row["outcome"] == "governments.US.resolve":
                for c in ("mean", "p05", "p50", "p95"):
                    self.assertAlmostEqual(row[c], row["governments.US.resolve"], places=12,
                                           msg=what)
                self.assertEqual(row["sd"], 0.0, what)
                continue
            lo, hi = dist_range(GENEVA, row["outcome"])
            for c in ("mean", "p05", "p50", "p95"):
                self.assertTrue(lo <= row[c] <= hi, what)
            # The point's own outcomes.csv holds the same numbers under the same name.
            pt = pd.read_csv(os.path.join(out, "points", str(row["point"]), "outcomes.csv"))
            mine = pt.set_index("outcome").loc[row["outcome"]]
            self.assertEqual((mine["n"], mine["mean"], mine["sd"]),
                             (row["n"], row["mean"], row["sd"]), what)
        s = pd.read_csv(os.path.join(out, "sensitivity.csv")).set_index(["outcome", "parameter"])
        self.assertEqual(s.loc[("governments.US.resolve", "governments.US.resolve"),
                               "first_order"], 1.0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
