#!/usr/bin/env python3
"""End-to-end: the shipped calibration is the derivation's output, and US exports are on
the Census basis.

  - data/build_calibration.py, run on a copy of data/, writes base_flows_2024.csv,
    sectors.csv, regions.csv, rare_earth_channel_shares.csv, general_equilibrium.csv and
    README.md byte for byte as shipped, and data/check_calibration.py passes on the copy;
  - US exports in base_flows_2024.csv add to the Census-basis total of
    us_goods_exports_2024.csv (2,064.5), whose adjustment is the Census total less the BEA
    input-output total; the US goods balance row of general_equilibrium.csv is the file's
    exports less its imports;
  - the total moves with its input: a copy with a Census total 100 higher gives US->ROW
    100 higher, split like before (each sector's share of US->ROW unchanged to 1e-9);
  - a copy whose adjustment does not match the two totals is refused with a message.
Run by CTest as py/test_calibration_build with TW_SOURCE_DIR.
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
DERIVED = ("base_flows_2024.csv", "sectors.csv", "regions.csv", "rare_earth_channel_shares.csv",
           "general_equilibrium.csv", "README.md")


def rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def run(script, data_dir):
    return subprocess.run([sys.executable, os.path.join(data_dir, script)], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True, timeout=120)


def flows(data_dir):
    return {(r["exporter"], r["importer"], r["sector"]): float(r["value_usd_bn"])
            for r in rows(os.path.join(data_dir, "base_flows_2024.csv"))}


class CalibrationBuild(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="tw_calibration_")
        self.data = os.path.join(self.tmp, "data")
        shutil.copytree(DATA, self.data)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def set_census(self, value, adjustment=None):
        path = os.path.join(self.data, "us_goods_exports_2024.csv")
        rs = rows(path)
        for r in rs:
            if r["basis"] == "census":
                r["value_usd_bn"] = "%.3f" % value
            if r["basis"] == "adjustment":
                r["value_usd_bn"] = "%.3f" % (adjustment if adjustment is not None else value - 1620.847)
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=list(rs[0].keys()), lineterminator="\n")
            w.writeheader()
            w.writerows(rs)

    def test_the_shipped_files_are_the_derivation(self):
        proc = run("build_calibration.py", self.data)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        for name in DERIVED:
            self.assertTrue(filecmp.cmp(os.path.join(DATA, name), os.path.join(self.data, name),
                                        shallow=False), name)
        proc = run("check_calibration.py", self.data)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)

    def test_us_exports_are_on_the_census_basis(self):
        us = {r["basis"]: float(r["value_usd_bn"])
              for r in rows(os.path.join(DATA, "us_goods_exports_2024.csv"))}
        self.assertAlmostEqual(us["census"], 2064.5, places=9)
        self.assertAlmostEqual(us["census"] - us["bea_io"], us["adjustment"], places=9)
        v = flows(DATA)
        x = sum(val for (e, i, _), val in v.items() if e == "US" and i != "US")
        m = sum(val for (e, i, _), val in v.items() if i == "US" and e != "US")
        self.assertAlmostEqual(x, us["census"], delta=1e-5)
        ge = [r for r in rows(os.path.join(DATA, "general_equilibrium.csv"))
              if r["key"] == "goods_trade_balance" and r["region"] == "US"]
        self.assertEqual(len(ge), 1)
        self.assertAlmostEqual(float(ge[0]["value"]), x - m, delta=1e-5)

    def test_the_total_moves_us_to_row_and_keeps_its_split(self):
        before = flows(DATA)
        self.set_census(2164.5)
        proc = run("build_calibration.py", self.data)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        after = flows(self.data)
        row_b = {s: val for (e, i, s), val in before.items() if (e, i) == ("US", "ROW")}
        row_a = {s: val for (e, i, s), val in after.items() if (e, i) == ("US", "ROW")}
        self.assertAlmostEqual(sum(row_a.values()) - sum(row_b.values()), 100.0, delta=1e-4)
        for s in row_b:
            self.assertAlmostEqual(row_a[s] / sum(row_a.values()), row_b[s] / sum(row_b.values()),
                                   delta=1e-6, msg=s)
        for k in before:
            if k[:2] != ("US", "ROW") and k[0] == "US":
                self.assertEqual(before[k], after[k], k)

    def test_an_adjustment_that_does_not_add_up_is_refused(self):
        self.set_census(2064.5, adjustment=400.0)
        proc = run("build_calibration.py", self.data)
        self.assertEqual(proc.returncode, 1)
        self.assertIn("census - bea_io is not the adjustment", proc.stderr)


if __name__ == "__main__":
    unittest.main()
