#!/usr/bin/env python3
"""End-to-end: both worlds of regions are the derivation's output, and the nine-region
world sums back to the four-region one.

  - on a copy of data/, `build_calibration.py --world four` and `--world nine` rewrite
    every derived file of both worlds byte for byte as shipped, the nine-region build
    leaves the four-region files alone, and check_calibration.py passes on both worlds;
  - read back from the shipped CSVs: the nine-region flows summed over MX, CA, JP, KR, VN
    and ROW are the four-region flows (every exporter, importer and sector), US, CN and EU
    keep their GDP and the parts of the old ROW add to its GDP;
  - a sourced input moves its cell and the remainder: US exports to Mexico 10 higher give
    US->MX 10 higher and US->ROW 10 lower, the identity still holding;
  - the check refuses a nine-region flow that breaks the identity, an input whose source
    id is not listed in data/README.md, a rare-earth default by region (either world's
    rare_earth_regions.csv) with neither a source nor the judgement mark, and the build
    refuses an unknown world (exit 2).
Run by CTest as py/test_calibration_worlds with TW_SOURCE_DIR.
"""
import csv
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

TW_SOURCE_DIR = os.environ.get("TW_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
DATA = os.path.join(TW_SOURCE_DIR, "data")
FOUR = ("base_flows_2024.csv", "sectors.csv", "regions.csv", "rare_earth_channel_shares.csv",
        "general_equilibrium.csv", "README.md")
NINE = tuple(os.path.join("worlds", "nine", n) for n in (
    "base_flows_2024.csv", "regions.csv", "sectors.csv", "transit_days.csv",
    "seasonality_2024.csv", "general_equilibrium.csv", "summary.md"))
OLD_ROW = ("MX", "CA", "JP", "KR", "VN", "ROW")


def rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def run(data_dir, script, *args):
    return subprocess.run([sys.executable, os.path.join(data_dir, script)] + list(args),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=120)


def flows(path):
    return {(r["exporter"], r["importer"], r["sector"]): float(r["value_usd_bn"])
            for r in rows(path)}


def to_four(flows9):
    out = {}
    for (e, i, s), v in flows9.items():
        k = ("ROW" if e in OLD_ROW else e, "ROW" if i in OLD_ROW else i, s)
        out[k] = out.get(k, 0.0) + v
    return out


class CalibrationWorlds(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="tw_worlds_")
        self.data = os.path.join(self.tmp, "data")
        shutil.copytree(DATA, self.data)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def same(self, names):
        for name in names:
            self.assertTrue(filecmp.cmp(os.path.join(DATA, name), os.path.join(self.data, name),
                                        shallow=False), name)

    def edit_input(self, key, region, value):
        path = os.path.join(self.data, "worlds", "nine", "inputs_2024.csv")
        rs = rows(path)
        for r in rs:
            if r["key"] == key and r["region"] == region:
                r.update(value)
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=list(rs[0].keys()), lineterminator="\n")
            w.writeheader()
            w.writerows(rs)

    def test_both_worlds_are_the_derivation(self):
        for f in NINE:   # the build must write them, not find them
            os.remove(os.path.join(self.data, f))
        proc = run(self.data, "build_calibration.py", "--world", "nine")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.same(NINE + FOUR)
        proc = run(self.data, "build_calibration.py", "--world", "four")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.same(NINE + FOUR)
        proc = run(self.data, "check_calibration.py")
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertIn("nine-region world OK: 648 flows", proc.stdout)

    def test_nine_sums_back_to_four(self):
        f4 = flows(os.path.join(DATA, "base_flows_2024.csv"))
        f9 = flows(os.path.join(DATA, "worlds", "nine", "base_flows_2024.csv"))
        self.assertEqual(len(f4), 128)
        self.assertEqual(len(f9), 648)
        self.assertTrue(all(v > 0 for v in f9.values()))
        agg = to_four(f9)
        self.assertEqual(set(agg), set(f4))
        for k in f4:
            self.assertAlmostEqual(agg[k], f4[k], delta=1e-5, msg=k)
        g4 = {r["region"]: float(r["gdp_usd_bn"]) for r in rows(os.path.join(DATA, "regions.csv"))}
        g9 = {r["region"]: float(r["gdp_usd_bn"])
              for r in rows(os.path.join(DATA, "worlds", "nine", "regions.csv"))}
        self.assertEqual(list(g9), ["US", "CN", "EU", "MX", "CA", "JP", "KR", "VN", "ROW"])
        for r in ("US", "CN", "EU"):
            self.assertEqual(g9[r], g4[r])
        self.assertAlmostEqual(sum(g9[r] for r in OLD_ROW), g4["ROW"], delta=1e-6)

    def test_a_sourced_input_moves_its_cell_and_the_remainder(self):
        before = flows(os.path.join(DATA, "worlds", "nine", "base_flows_2024.csv"))
        self.edit_input("us_exports_census", "MX", {"value": "344.041"})
        proc = run(self.data, "build_calibration.py", "--world", "nine")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        after = flows(os.path.join(self.data, "worlds", "nine", "base_flows_2024.csv"))

        def tot(f, e, i):
            return sum(v for (a, b, _), v in f.items() if (a, b) == (e, i))
        self.assertAlmostEqual(tot(after, "US", "MX") - tot(before, "US", "MX"), 10.0, delta=1e-5)
        self.assertAlmostEqual(tot(after, "US", "ROW") - tot(before, "US", "ROW"), -10.0,
                               delta=1e-5)
        f4 = flows(os.path.join(DATA, "base_flows_2024.csv"))
        agg = to_four(after)
        for k in f4:
            self.assertAlmostEqual(agg[k], f4[k], delta=1e-5, msg=k)
        proc = run(self.data, "check_calibration.py", "--world", "nine")
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)

    def test_a_flow_that_breaks_the_identity_is_refused(self):
        path = os.path.join(self.data, "worlds", "nine", "base_flows_2024.csv")
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
        for n, line in enumerate(lines):
            if line.startswith("KR,US,vehicles,"):
                parts = line.split(",")
                parts[3] = "%.6f" % (float(parts[3]) + 1.0)
                lines[n] = ",".join(parts)
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(lines))
        proc = run(self.data, "check_calibration.py", "--world", "nine")
        self.assertEqual(proc.returncode, 1)
        self.assertIn("ROW->US vehicles summed over MX CA JP KR VN ROW", proc.stderr)

    def test_an_unlisted_source_is_refused(self):
        self.edit_input("gdp", "VN", {"source": "Nowhere-2024"})
        proc = run(self.data, "check_calibration.py", "--world", "nine")
        self.assertEqual(proc.returncode, 1)
        self.assertIn("source id 'Nowhere-2024' is not listed", proc.stderr)

    def test_a_rare_earth_default_without_a_source_is_refused(self):
        for world, name, region in (("nine", os.path.join("worlds", "nine", "rare_earth_regions.csv"), "KR"),
                                    ("four", "rare_earth_regions.csv", "EU")):
            path = os.path.join(self.data, name)
            rs = rows(path)
            for r in rs:
                if r["region"] == region:
                    r["ev_share_source"] = ""
            with open(path, "w", newline="", encoding="utf-8") as f:
                w = csv.DictWriter(f, fieldnames=list(rs[0].keys()), lineterminator="\n")
                w.writeheader()
                w.writerows(rs)
            proc = run(self.data, "check_calibration.py", "--world", world)
            self.assertEqual(proc.returncode, 1, world)
            self.assertIn("%s:%d: ev_share has no source id and is not marked judgement (A)"
                          % (name, [r["region"] for r in rs].index(region) + 2), proc.stderr)

    def test_an_unknown_world_is_refused(self):
        proc = run(self.data, "build_calibration.py", "--world", "seven")
        self.assertEqual(proc.returncode, 2)
        self.assertIn("usage", proc.stderr)
        self.same(FOUR)


if __name__ == "__main__":
    unittest.main()
