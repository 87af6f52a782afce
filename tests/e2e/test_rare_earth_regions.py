#!/usr/bin/env python3
"""End-to-end: the rare-earth users' defaults by region come from the world's
rare_earth_regions.csv (data/ for the four regions, data/worlds/nine/ for the nine).

  - scenarios/japan-2010.yaml (nine regions) halts magnets toward Japan on 21 September:
    Japan's receipts go on for exactly the ship_lag_days of Japan's row in
    data/worlds/nine/rare_earth_regions.csv, each day's receipt being the shipment of that
    many days before; a scenario's rare_earths.ship_lag_days.JP still wins over the file;
  - the four-region file and the nine-region file agree on US, CN and EU (the nine-region
    world splits ROW only);
  - a copy of data/ whose nine-region file is missing, lacks Japan's row, names a region
    the world does not have, lists a region twice or holds a value out of range is refused
    (exit 2) at the file's line and column with the key and what was expected, and the run
    writes nothing.
Run by CTest as py/test_rare_earth_regions with TW_BIN and TW_SOURCE_DIR.
"""
import csv
import datetime
import os
import shutil
import subprocess
import tempfile
import unittest

TW_BIN = os.environ.get("TW_BIN", "")
SRC = os.environ.get("TW_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
SCENARIO = os.path.join(SRC, "scenarios", "japan-2010.yaml")
NINE = os.path.join("worlds", "nine", "rare_earth_regions.csv")
HALT = datetime.date(2025, 9, 21)   # the scenario's cn_halt_japan_2010, effective


def table(path):
    with open(path, newline="", encoding="utf-8") as f:
        return {r["region"]: r for r in csv.DictReader(f)}


def run(args, out):
    return subprocess.run([TW_BIN, "run"] + args + ["-o", out, "-q", "-f"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=300)


def jp_series(out, indicator):
    """Japan's all-sector series by date (mean across replicates)."""
    with open(os.path.join(out, "summary.csv"), newline="") as f:
        return {datetime.date.fromisoformat(r["date"]): float(r["mean"])
                for r in csv.DictReader(f)
                if r["indicator"] == indicator and r["region"] == "JP" and r["sector"] == "all"}


class RareEarthRegions(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not TW_BIN or not os.access(TW_BIN, os.X_OK):
            raise unittest.SkipTest("TW_BIN is not set to the tradewar program")
        cls.tmp = tempfile.mkdtemp(prefix="tw_re_regions_")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def halted_run(self, name, extra):
        out = os.path.join(self.tmp, name)
        p = run([SCENARIO, "-n", "2", "--set", "firms.per_cell=20",
                 "--set", "rare_earths.per_cell=200", "--set", "output.interval_days=1",
                 "--set", "end=2025-10-20"] + extra, out)
        self.assertEqual(p.returncode, 0, p.stderr)
        return jp_series(out, "re_shipments"), jp_series(out, "re_received")

    def assert_receipts_last(self, ship, recv, lag):
        day = datetime.timedelta(days=1)
        self.assertEqual(max(v for d, v in ship.items() if d >= HALT), 0.0)
        last = max(d for d, v in recv.items() if v > 0.0)
        self.assertEqual(last, HALT + (lag - 1) * day, "receipts end %s, lag %d" % (last, lag))
        for k in range(lag):   # what arrives after the halt left before it
            d = HALT + k * day
            self.assertGreater(recv[d], 0.0)
            self.assertAlmostEqual(recv[d], ship[d - lag * day], places=9, msg=str(d))

    def test_japans_lag_is_the_world_files(self):
        lag = int(table(os.path.join(SRC, "data", NINE))["JP"]["ship_lag_days"])
        ship, recv = self.halted_run("file", [])
        self.assert_receipts_last(ship, recv, lag)

    def test_a_scenario_lag_wins_over_the_file(self):
        lag = int(table(os.path.join(SRC, "data", NINE))["JP"]["ship_lag_days"]) + 5
        ship, recv = self.halted_run("override", ["--set", "rare_earths.ship_lag_days.JP=%d" % lag])
        self.assert_receipts_last(ship, recv, lag)

    def test_the_nine_regions_keep_the_four_regions_values(self):
        four = table(os.path.join(SRC, "data", "rare_earth_regions.csv"))
        nine = table(os.path.join(SRC, "data", NINE))
        self.assertEqual(sorted(four), ["CN", "EU", "ROW", "US"])
        self.assertEqual(sorted(nine),
                         sorted(["US", "CN", "EU", "MX", "CA", "JP", "KR", "VN", "ROW"]))
        for r in ("US", "CN", "EU", "ROW"):
            for key in ("ship_lag_days", "ev_share"):
                self.assertEqual(four[r][key], nine[r][key], (r, key))

    # Refusals: a copy of data/ with the nine-region file edited.

    def refused(self, name, edit):
        case = os.path.join(self.tmp, name)
        data = os.path.join(case, "data")
        shutil.copytree(os.path.join(SRC, "data"), data)
        path = os.path.join(data, NINE)
        with open(path, newline="", encoding="utf-8") as f:
            lines = f.read().split("\n")
        if edit(lines) == "remove":
            os.remove(path)
        else:
            with open(path, "w", newline="", encoding="utf-8") as f:
                f.write("\n".join(lines))
        scen = os.path.join(case, "s.yaml")
        with open(scen, "w") as f:
            f.write("start: 2025-01-01\nend: 2025-01-10\nworld: nine\nfirms: {per_cell: 1}\n"
                    "model: {data_dir: data}\n")
        out = os.path.join(case, "out")
        p = run([scen, "-n", "1"], out)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertFalse(os.path.exists(out), "a refused run wrote %s" % out)
        return p.stderr, path

    @staticmethod
    def at(lines, region, column):
        """1-based line and column where region's field `column` starts (fields before the
        note are not quoted)."""
        header = lines[0].split(",")
        for n, line in enumerate(lines, start=1):
            fields = line.split(",")
            if fields[0] == region:
                k = header.index(column)
                return n, len(",".join(fields[:k])) + (2 if k > 0 else 1)
        raise AssertionError("no row for " + region)

    def set_field(self, region, column, value):
        def edit(lines):
            header = lines[0].split(",")
            self.where = self.at(lines, region, column)
            fields = lines[self.where[0] - 1].split(",")
            k = header.index(column)
            lines[self.where[0] - 1] = ",".join(fields[:k] + [value] + fields[k + 1:])
        return edit

    def test_a_share_out_of_range_is_refused_at_its_cell(self):
        err, path = self.refused("ev", self.set_field("KR", "ev_share", "1.5"))
        self.assertIn("%s:%d:%d: ev_share: expected a share between 0 and 1 (got '1.5')"
                      % ((path,) + self.where), err)

    def test_a_lag_that_is_not_whole_days_is_refused_at_its_cell(self):
        err, path = self.refused("lag", self.set_field("VN", "ship_lag_days", "4.5"))
        self.assertIn("%s:%d:%d: ship_lag_days: expected a whole number of days from 1 to 180 "
                      "(got '4.5')" % ((path,) + self.where), err)

    def test_a_region_outside_the_world_is_refused_with_the_list(self):
        err, path = self.refused("region", self.set_field("MX", "region", "BR"))
        self.assertIn("%s:%d:%d: region: expected a region of the world: US, CN, EU, MX, CA, JP, "
                      "KR, VN, ROW (got 'BR')" % ((path,) + self.where), err)

    def test_a_region_twice_is_refused(self):
        def edit(lines):
            lines.append(lines[2])
            self.where = (len(lines), 1)
        err, path = self.refused("twice", edit)
        self.assertIn("%s:%d:%d: region: expected each region of the world once"
                      % ((path,) + self.where), err)

    def test_a_missing_region_is_refused_by_name(self):
        def edit(lines):
            lines[:] = [l for l in lines if not l.startswith("JP,")]
        err, path = self.refused("nojp", edit)
        self.assertIn("%s: no row for region JP" % path, err)

    def test_a_missing_file_is_refused_by_path(self):
        err, path = self.refused("nofile", lambda lines: "remove")
        self.assertIn(path, err)

if __name__ == "__main__":
    unittest.main()
