#!/usr/bin/env python3
"""One scenario on the world of four regions and on the world of nine, through the real
program (scenarios/geneva-truce-four.yaml, whose tariffs name US, CN, EU, ROW and ALL, with
`--set world=four` and `--set world=nine`; weekly rows), read back from trajectories.csv and
summary.csv:

- every region of each world has its outputs (imports, exports, trade deficit, welfare),
  and none of the other world's;
- the identities hold in both worlds on every output day of every replicate: the regions'
  deficits on what buyers use sum to zero; the statutory duty on a region's entries is the
  duty collected plus the duty not collected; a region's imports from all partners are the
  sum of its imports from each, in every sector and in all;
- the nine regions split the four-region world's rest of the world: in January, before
  the tariffs of 2025 move them apart, US imports from MX, CA, JP, KR, VN and ROW of the
  nine are within 1% of US imports from ROW of the four (the two calibrations share the
  same 2024 totals; transit days and monthly factors differ by partner), and the three
  regions both worlds have (US, CN, EU) import within 1% of each other;
- the terminal report has a table of US imports by partner with one column for each
  region of the world and one for all, the partners adding to all in every month;
- a region code the world does not have is refused, with exit status 2, the file, line
  and column, and the world's list of regions.

Run by CTest as py/test_worlds with TW_BIN.
"""
import os
import subprocess
import tempfile
import unittest

import pandas as pd

SRC = os.environ.get("TW_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("TW_BIN", os.path.join(SRC, "build", "tradewar"))
SCENARIO = os.path.join(SRC, "scenarios", "geneva-truce-four.yaml")
NINE = ("US", "CN", "EU", "MX", "CA", "JP", "KR", "VN", "ROW")
FOUR = ("US", "CN", "EU", "ROW")
SECTORS = ("electronics", "machinery", "vehicles", "metals", "agriculture", "chemicals",
           "consumer", "other")
BAND = 0.01  # January: the nine-region split against the four-region ROW (0.01% apart)


def run(out, *sets):
    cmd = [BIN, "run", SCENARIO, "-n", "2", "-t", "2", "-s", "11", "-o", out, "--quiet",
           "--force", "--trajectories", "--set", "firms.per_cell=200", "--set",
           "output.interval_days=7"]
    for s in sets:
        cmd += ["--set", s]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return (pd.read_csv(os.path.join(out, "trajectories.csv")),
            pd.read_csv(os.path.join(out, "summary.csv")))


class Worlds(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.runs = {
            NINE: run(os.path.join(cls.tmp.name, "nine"), "world=nine"),
            FOUR: run(os.path.join(cls.tmp.name, "four"), "world=four"),
        }

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_every_region_has_its_outputs(self):
        for regions, (traj, summary) in self.runs.items():
            other = set(NINE) - set(regions)
            for ind in ("imports", "exports", "trade_deficit", "welfare", "producer_price"):
                have = set(summary.loc[summary.indicator == ind, "region"])
                self.assertEqual(have, set(regions), ind)
            partners = set(summary.loc[summary.indicator == "imports", "partner"])
            self.assertEqual(partners, set(regions) | {"all"})
            self.assertFalse(other & set(summary.region), "a region of the other world")
            for r in regions:
                self.assertIn(f"imports.{r}.all.all", traj.columns)

    def test_deficits_sum_to_zero_every_day(self):
        for regions, (traj, _) in self.runs.items():
            cols = [f"trade_deficit.{r}.all.all" for r in regions]
            total = traj[cols].sum(axis=1).abs()
            scale = traj[cols].abs().sum(axis=1)
            self.assertGreater(scale.min(), 100.0, regions)  # USD million a day
            self.assertLess((total / scale).max(), 1e-8, regions)

    def test_statutory_duty_is_collected_plus_uncollected(self):
        for regions, (traj, _) in self.runs.items():
            for r in regions:
                stat = traj[f"tariff_revenue_statutory.{r}.all.all"]
                paid = traj[f"tariff_revenue.{r}.all.all"]
                left = traj[f"tariff_revenue_uncollected.{r}.all.all"]
                gap = (stat - paid - left).abs().max()
                self.assertLessEqual(gap, 1e-6 * max(1.0, stat.abs().max()), (regions, r))
            self.assertGreater(traj["tariff_revenue_statutory.US.all.all"].max(), 0.0)

    def test_imports_from_all_are_the_sum_over_partners(self):
        for regions, (traj, _) in self.runs.items():
            for r in regions:
                for s in ("all",) + SECTORS:
                    whole = traj[f"imports.{r}.all.{s}"]
                    parts = sum(traj[f"imports.{r}.{o}.{s}"] for o in regions if o != r)
                    gap = (whole - parts).abs().max()
                    self.assertLessEqual(gap, 1e-6 * max(1.0, whole.abs().max()), (regions, r, s))

    def january(self, regions, region, partners):
        traj = self.runs[regions][0]
        jan = traj[traj.date < "2025-02-01"]
        return sum(jan[f"imports.{region}.{o}.all"].mean() for o in partners)

    def test_the_nine_regions_split_the_four_regions_rest_of_the_world(self):
        split = self.january(NINE, "US", ("MX", "CA", "JP", "KR", "VN", "ROW"))
        whole = self.january(FOUR, "US", ("ROW",))
        self.assertGreater(whole, 0.0)
        self.assertLess(abs(split / whole - 1.0), BAND, f"{split:.1f} against {whole:.1f}")
        for r in ("US", "CN", "EU"):
            nine = self.january(NINE, r, ("all",))
            four = self.january(FOUR, r, ("all",))
            self.assertLess(abs(nine / four - 1.0), BAND, f"{r}: {nine:.1f} against {four:.1f}")

    def test_the_report_shows_us_imports_by_partner(self):
        for world, regions in (("nine", NINE), ("four", FOUR)):
            with tempfile.TemporaryDirectory() as tmp:
                p = subprocess.run([BIN, "run", SCENARIO, "-n", "2", "-t", "2", "--set",
                                    f"world={world}", "--set", "firms.per_cell=200", "--set",
                                    "output.interval_days=7", "-o",
                                    os.path.join(tmp, "out")],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   universal_newlines=True, check=True)
            lines = p.stdout.splitlines()
            at = [i for i, l in enumerate(lines) if l.startswith("US imports by partner")]
            self.assertEqual(len(at), 1, world)
            head = lines[at[0] + 1].split()
            partners = [f"from {r}" for r in regions if r != "US"]
            self.assertEqual(" ".join(head), "month " + " ".join(partners) + " all", world)
            rows = [l.split() for l in lines[at[0] + 3:at[0] + 15]]
            self.assertEqual([r[0] for r in rows], [f"2025-{m:02d}" for m in range(1, 13)])
            for r in rows:
                values = [float(v) for v in r[1:]]
                self.assertEqual(len(values), len(partners) + 1)
                # each shown to 0.1: the partners add to all within their rounding
                self.assertLessEqual(abs(sum(values[:-1]) - values[-1]), 0.05 * len(values), r)
                self.assertGreater(min(values), 0.0, r)

    def test_a_region_the_world_lacks_is_refused_with_the_list(self):
        # (the text after the scenario's line, the line of the bad code, what is said)
        cases = [
            ("tariffs+:\n  - {measure: extra, imposer: US, target: BR, sectors: all, rate: 10,"
             " authority: IEEPA, effective: 2025-08-07}\n", 3,
             "].target: expected one of {}, ALL (got BR)"),
            ("export_controls+:\n  - {id: x, exporter: CN, destination: BR, regime: halt,"
             " effective: 2025-08-07}\n", 3,
             "].destination: expected one of {}, ALL (got BR)"),
            ("duties:\n  US:\n    ftz_share: {BR: 0.1}\n", 4,
             "duties.US.ftz_share.BR: expected a region of the world: {}, ALL (got 'BR')"),
            ("governments:\n  BR: {strategy: tit_for_tat}\n", 3,
             "governments.BR: expected a region of the world: {} (got 'BR')"),
        ]
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "bad.yaml")
            for text, line, said in cases:
                with open(path, "w") as f:
                    f.write(f"extends: {SCENARIO}\n" + text)
                for world, listed in (("nine", NINE), ("four", FOUR)):
                    p = subprocess.run([BIN, "run", path, "-n", "2", "-q", "--set",
                                        f"world={world}", "-o", os.path.join(tmp, "out")],
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                       universal_newlines=True)
                    self.assertEqual(p.returncode, 2, p.stderr)
                    self.assertIn(f"{path}:{line}:", p.stderr)
                    self.assertIn(said.format(", ".join(listed)), p.stderr)
                    self.assertFalse(os.path.exists(os.path.join(tmp, "out")), "nothing written")

    def test_an_unknown_world_is_refused_with_the_worlds_there(self):
        with tempfile.TemporaryDirectory() as tmp:
            p = subprocess.run([BIN, "run", SCENARIO, "-n", "2", "-q", "--set", "world=ninety",
                                "-o", os.path.join(tmp, "out")],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               universal_newlines=True)
            self.assertEqual(p.returncode, 2, p.stderr)
            self.assertIn("world: unknown world 'ninety': expected one of four, nine", p.stderr)


if __name__ == "__main__":
    unittest.main()
