#!/usr/bin/env python3
"""The nine-region 2025 record: data/worlds/nine/tariff_cells_2025.csv and the scenario.

- data/build_tariff_cells_nine.py --check: the file on disk is what the build writes from
  the S4 cells, the nine-region flows and the dated numbers of the record;
- every row of the file that scenarios/history-2025.yaml writes (a rate or a coverage of a
  measure, for an importer, an exporter and a sector, from a date) is an entry of the
  scenario with that value, so the scenario and the data cannot drift apart;
- the file's arithmetic holds where it can be redone by hand: Canada's energy blend, the
  USMCA coverages, ROW's steel rate with the UK at 25, Canada's Section 232 coverage of
  its metals cell (steel, aluminium, derivatives);
- the IEEPA layer of Canada and Mexico does not stack on Section 232 (every rate entry's
  not_on);
- copper (1 August), Canada's lumber (14 October) and Mexico's and Canada's trucks
  (1 November): their shares of the metals, other and vehicles cells by hand.
Run by CTest with TW_SOURCE_DIR.
"""
import csv
import os
import subprocess
import sys
import unittest

import yaml

SRC = os.environ.get("TW_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
CELLS = os.path.join(SRC, "data", "worlds", "nine", "tariff_cells_2025.csv")
BUILD = os.path.join(SRC, "data", "build_tariff_cells_nine.py")
SCENARIO = os.path.join(SRC, "scenarios", "history-2025.yaml")
NINE = ("US", "CN", "EU", "MX", "CA", "JP", "KR", "VN", "ROW")


def cells():
    with open(CELLS, newline="") as f:
        return list(csv.DictReader(f))


def value(rows, measure, exporter, sector, parameter):
    hits = [float(r["value"]) for r in rows if (r["measure"], r["exporter"], r["sector"],
                                                r["parameter"]) == (measure, exporter, sector,
                                                                    parameter)]
    assert len(hits) == 1, (measure, exporter, sector, parameter)
    return hits[0]


class RecordNineCells(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.rows = cells()
        with open(SCENARIO) as f:
            cls.scenario = yaml.safe_load(f)

    def test_file_is_what_the_build_writes(self):
        p = subprocess.run([sys.executable, BUILD, "--check"], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_scenario_writes_every_cell(self):
        self.assertEqual(self.scenario["world"], "nine")
        entries = self.scenario["tariffs"]
        checked = 0
        for r in self.rows:
            if r["exporter"] not in NINE or r["importer"] not in NINE:
                continue  # the arithmetic's parts (ROW-rest, ROW-unlisted)
            param = r["parameter"]
            key = "coverage" if param.startswith("coverage") else "rate"
            day = "2025-04-05" if param == "coverage_annex_ii" else param.rsplit("_", 1)[1]
            found = [e for e in entries
                     if e["measure"] == r["measure"] and e["imposer"] == r["importer"]
                     and e["target"] == r["exporter"] and str(e["effective"]) == day
                     and key in e and (e.get("sectors", "all") == "all"
                                       or r["sector"] in e["sectors"])]
            # a sector's own entry beats the all-sector one of the same day
            own = [e for e in found if e.get("sectors", "all") != "all"]
            found = own or found
            self.assertTrue(found, "no entry for %s" % r)
            self.assertAlmostEqual(float(found[-1][key]), float(r["value"]), delta=5e-5, msg=r)
            checked += 1
        self.assertGreater(checked, 60)

    def test_arithmetic(self):
        rows = self.rows
        # Canada's `other`: energy 123.69 of 165.79 at 10, the rest at 25 (35 from August).
        energy, cell = 123.6862, 165.7923
        self.assertAlmostEqual(value(rows, "camx_ieepa", "CA", "other", "rate_from_2025-03-04"),
                               (10 * energy + 25 * (cell - energy)) / cell, delta=2e-3)
        self.assertAlmostEqual(value(rows, "camx_ieepa", "CA", "other", "rate_from_2025-08-01"),
                               (10 * energy + 35 * (cell - energy)) / cell, delta=2e-3)
        self.assertAlmostEqual(value(rows, "camx_ieepa", "MX", "vehicles",
                                     "coverage_from_2025-03-07"), 0.16, delta=1e-9)
        self.assertAlmostEqual(value(rows, "camx_ieepa", "CA", "chemicals",
                                     "coverage_from_2025-03-07"), 0.621, delta=1e-9)
        steel = value(rows, "s232_metals", "ROW", "metals", "rate_from_2025-06-04")
        self.assertTrue(25.0 < steel < 50.0, steel)
        # India's 50 raises the rest's rate, Switzerland's cut lowers it.
        r = [value(rows, "reciprocal", "ROW-rest", "ALL", "rate_from_" + d)
             for d in ("2025-08-07", "2025-08-27", "2025-11-14")]
        self.assertTrue(r[0] < r[2] < r[1], r)
        self.assertAlmostEqual(r[1] - r[0], 87.38 * 25 / 783.9417, delta=2e-3)

    def test_section_232_covers_part_of_the_metals_cell(self):
        # Canada's coverage by hand from its S4 metals codes: steel 32.99 of GTAP i_s's
        # 43.0458 USD bn of US imports, aluminium 23.2 of nfm's 76.5546, fmp in full.
        i_s, nfm, fmp = 9.2336, 23.082, 8.4195
        cov = (32.99 / 43.0458 * i_s + 23.2 / 76.5546 * nfm + fmp) / (i_s + nfm + fmp)
        self.assertAlmostEqual(value(self.rows, "s232_metals", "CA", "metals",
                                     "coverage_from_2025-03-12"), cov, delta=1e-4)
        for r in ("CA", "MX", "JP", "KR", "VN", "ROW"):
            c = value(self.rows, "s232_metals", r, "metals", "coverage_from_2025-03-12")
            self.assertTrue(0.3 < c < 1.0, (r, c))
        # The IEEPA duties on Canada and Mexico do not stack on Section 232 (executive
        # order 14289): every rate entry of the layer says so.
        camx = [e for e in self.scenario["tariffs"]
                if e["measure"] == "camx_ieepa" and e["imposer"] == "US" and "rate" in e]
        self.assertGreaterEqual(len(camx), 5)
        for e in camx:
            self.assertEqual(sorted(e.get("not_on", [])),
                             ["s232_autos", "s232_lumber", "s232_metals"], e)

    def test_copper_lumber_and_trucks(self):
        rows = self.rows
        # Copper from 1 August adds semi-finished copper (15 of GTAP nfm's 76.5546 USD bn of
        # US imports) on Canada's nfm (23.082 of its 40.7352 metals cell).
        i_s, nfm, fmp = 9.2336, 23.082, 8.4195
        before = value(rows, "s232_metals", "CA", "metals", "coverage_from_2025-03-12")
        self.assertAlmostEqual(value(rows, "s232_metals", "CA", "metals",
                                     "coverage_from_2025-08-01") - before,
                               15.0 / 76.5546 * nfm / (i_s + nfm + fmp), delta=1e-4)
        for r in ("CA", "MX", "JP", "KR", "VN", "ROW"):
            self.assertGreater(value(rows, "s232_metals", r, "metals", "coverage_from_2025-08-01"),
                               value(rows, "s232_metals", r, "metals", "coverage_from_2025-03-12"))
        # Lumber: Canada's 5.1 USD bn of softwood lumber over its 165.7923 `other` cell.
        self.assertAlmostEqual(value(rows, "s232_lumber", "CA", "other", "coverage_from_2025-10-14"),
                               5.1 / 165.7923, delta=1e-4)
        # Trucks: the non-USMCA trucks over the vehicles cell, on top of the cars' 0.6.
        self.assertAlmostEqual(value(rows, "s232_autos", "MX", "vehicles", "coverage_from_2025-11-01"),
                               0.6 + 15.45 * 0.16 / 134.841, delta=1e-4)
        self.assertAlmostEqual(value(rows, "s232_autos", "CA", "vehicles", "coverage_from_2025-11-01"),
                               0.6 + 4.24 * 0.621 / 52.2851, delta=1e-4)


if __name__ == "__main__":
    unittest.main(verbosity=2)
