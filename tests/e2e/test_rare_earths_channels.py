#!/usr/bin/env python3
"""End-to-end: the rare-earth channel shares are derived, not typed in.

  - data/build_calibration.py, run on a copy of data/, writes rare_earth_channel_shares.csv
    byte for byte as shipped (the shipped file is the derivation's output);
  - every magnet-using sector's four channels (licensed from China, outside the controls'
    scope, embedded in imported parts, makers outside China) add to 1, each in [0, 1],
    and the embedded share lies within its low-high band;
  - the embedded share is the magnet balance of the shipped tables: recomputed here from
    rare_earth_magnets_2024.csv, raw/rare_earths.csv, rare_earth_sectors.csv and the US
    gross output of base_flows_2024.csv;
  - it moves with its inputs: more bare magnets shipped from China to the US (raw table
    edited in the copy) leave less to arrive inside parts;
  - the program takes its defaults from the file: a run on the copy with the vehicles'
    embedded share edited to 0.2 writes the same summary.csv as a run on the shipped data
    with --set rare_earths.embedded_share.vehicles=0.2, and a different one from the
    shipped default.
Run by CTest as py/test_rare_earths_channels with TW_BIN and TW_SOURCE_DIR.
"""
import csv
import filecmp
import math
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

TW_BIN = os.environ.get("TW_BIN", "")
TW_SOURCE_DIR = os.environ.get("TW_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
DATA = os.path.join(TW_SOURCE_DIR, "data")
SHARES = "rare_earth_channel_shares.csv"
CHANNELS = ("licensed_china", "outside_scope", "embedded", "non_china")


def rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def build(data_dir):
    proc = subprocess.run([sys.executable, os.path.join(data_dir, "build_calibration.py")],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=120)
    if proc.returncode != 0:
        raise AssertionError("build_calibration.py failed: %s" % proc.stderr)
    return {r["sector"]: r for r in rows(os.path.join(data_dir, SHARES))}


class Channels(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="tw_re_channels_")
        self.data = os.path.join(self.tmp, "data")
        shutil.copytree(DATA, self.data)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_the_shipped_shares_are_the_derivation_and_add_to_one(self):
        got = build(self.data)
        self.assertTrue(filecmp.cmp(os.path.join(DATA, SHARES), os.path.join(self.data, SHARES),
                                    shallow=False), "shipped %s differs from the derivation" % SHARES)
        self.assertEqual(sorted(got), ["electronics", "machinery", "vehicles"])
        for s, r in got.items():
            v = [float(r[c]) for c in CHANNELS]
            self.assertAlmostEqual(math.fsum(v), 1.0, delta=4e-6, msg=s)
            for x in v:
                self.assertTrue(0.0 <= x <= 1.0, "%s: %s" % (s, v))
            self.assertLessEqual(float(r["embedded_low"]), float(r["embedded"]))
            self.assertLessEqual(float(r["embedded"]), float(r["embedded_high"]))
            bare = float(r["licensed_china"]) + float(r["outside_scope"])
            self.assertAlmostEqual(float(r["outside_scope"]) / bare,
                                   float(r["outside_share_of_bare"]), delta=1e-5, msg=s)

    def test_the_embedded_share_is_the_magnet_balance_of_the_tables(self):
        got = build(self.data)
        raw = {r["quantity"]: r for r in rows(os.path.join(DATA, "rare_earth_magnets_2024.csv"))}
        re24 = {r["quantity"]: r for r in rows(os.path.join(DATA, "raw", "rare_earths.csv"))}
        x = {q: float(raw[q]["value"]) for q in ("vehicle_production_2024",
                                                  "ev_share_of_vehicles_2024", "ree_kg_per_ev",
                                                  "ev_to_combustion_ree_ratio",
                                                  "ree_mass_share_of_ndfeb")}
        ev, kg_ev = x["ev_share_of_vehicles_2024"], x["ree_kg_per_ev"] / x["ree_mass_share_of_ndfeb"]
        veh_t = x["vehicle_production_2024"] * kg_ev * (ev + (1 - ev) / x["ev_to_combustion_ree_ratio"]) / 1e3
        intensity = {r["sector"]: float(r["intensity"])
                     for r in rows(os.path.join(DATA, "rare_earth_sectors.csv"))}
        gross = dict.fromkeys(intensity, 0.0)
        for r in rows(os.path.join(DATA, "base_flows_2024.csv")):
            if r["exporter"] == "US":
                gross[r["sector"]] += float(r["value_usd_bn"])
        weight = {s: intensity[s] * gross[s] for s in intensity}
        all_t = veh_t * sum(weight.values()) / weight["vehicles"]
        bare_cn = float(re24["china_magnet_exports_us_2024_monthly"]["value"]) * 12
        other_makers = 1 - float(re24["china_share_magnets"]["value"]) / 100
        want = 1 - other_makers - bare_cn / all_t
        for s in got:
            self.assertAlmostEqual(float(got[s]["embedded"]), want, delta=1e-6, msg=s)
            self.assertAlmostEqual(float(got[s]["non_china"]), other_makers, delta=1e-6)
        # more bare magnets from China to the US: less arrives inside parts
        path = os.path.join(self.data, "raw", "rare_earths.csv")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        old = "china_magnet_exports_us_2024_monthly,600,"
        self.assertIn(old, text)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text.replace(old, "china_magnet_exports_us_2024_monthly,650,"))
        more = build(self.data)
        self.assertAlmostEqual(float(more["vehicles"]["embedded"]),
                               1 - other_makers - 650 * 12 / all_t, delta=1e-6)
        self.assertLess(float(more["vehicles"]["embedded"]), float(got["vehicles"]["embedded"]))

    def test_the_program_takes_its_defaults_from_the_file(self):
        if not TW_BIN or not os.access(TW_BIN, os.X_OK):
            self.skipTest("TW_BIN is not set to the tradewar program")
        path = os.path.join(self.data, SHARES)
        table = rows(path)
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            w = csv.DictWriter(f, fieldnames=list(table[0]), lineterminator="\n")
            w.writeheader()
            for r in table:
                if r["sector"] == "vehicles":
                    r["embedded"] = "0.2"
                w.writerow(r)

        def summary(name, data_dir, extra):
            out = os.path.join(self.tmp, name)
            args = [TW_BIN, "run", os.path.join(TW_SOURCE_DIR, "scenarios/history-2025-four.yaml"),
                    "-n", "1", "--set", "firms.per_cell=20", "--set", "rare_earths.per_cell=300",
                    "--set", "end=2025-07-31", "--set", "model.data_dir=" + data_dir,
                    "-o", out, "--quiet"] + extra
            proc = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  universal_newlines=True, timeout=300)
            self.assertEqual(proc.returncode, 0, proc.stderr)
            with open(os.path.join(out, "summary.csv"), encoding="utf-8") as f:
                return f.read()

        edited = summary("edited", self.data, [])
        pinned = summary("pinned", DATA, ["--set", "rare_earths.embedded_share.vehicles=0.2"])
        shipped = summary("shipped", DATA, [])
        self.assertEqual(edited, pinned, "the file's share is not the program's default")
        self.assertNotEqual(edited, shipped, "the vehicles' embedded share changes nothing")


if __name__ == "__main__":
    unittest.main()
