#!/usr/bin/env python3
"""End-to-end: `tradewar compare A B` pairs replicates on common random numbers.

- A scenario against itself: every paired difference and both ends of its interval are
  exactly zero, in every cell and outcome.
- Against the baseline with an extra 30% US tariff on China: the peak tariff differs by
  exactly 30, US imports from China fall, and where the outcome responds to the tariff
  the paired interval is narrower than the unpaired one.
- The files are the same bytes for any thread or rank count; incompatible scenarios are
  refused with exit 2.
- A comparison is a run of its own: --set-b on the baseline against itself gives the same
  bytes as the second file; the directory holds both sides as run (which reproduce the
  comparison), provenance.yaml with the command line and the result hash of the CSVs; the
  terminal shows B - A by month with paired intervals, whose monthly import totals add up
  to the outcome; --report writes the report of the directory (analysis/report.py).
- Fixing a drawn parameter on one side (--set-b events.truce.extension.base=0) compares:
  that row pairs A's draws with B's fixed value, every other drawn parameter differs by
  exactly 0; the terminal prints nan where compare_outcomes.csv does (n 0); a sweep:
  section on either side is refused at its location.

Run by CTest as py/test_compare with TW_BIN, TW_SOURCE_DIR and TW_MPIEXEC.
"""
import os
import re
import unittest

import pandas as pd
import yaml

from mc_common import (BASELINE, TW_BIN, TW_MPIEXEC, TW_SOURCE_DIR, McCase, mpirun_cmd, read,
                       run)

TARIFF = os.path.join(TW_SOURCE_DIR, "tests", "e2e", "fixtures", "compare_tariff.yaml")
GENEVA = os.path.join(TW_SOURCE_DIR, "scenarios", "geneva-truce.yaml")
SMALL = ["-n", "24", "--set", "firms.per_cell=50", "--set", "rare_earths.per_cell=50",
         "--set", "output.interval_days=30",
         "--set", "end=2025-06-30", "-q"]
FILES = ["compare.csv", "compare_outcomes.csv"]
# compare_tariff.yaml's extra measure, appended to B with --set-b instead of a second file.
EXTRA = ("tariffs[+]={measure: extra_us_cn, imposer: US, target: CN, sectors: all, rate: 30, "
         "authority: IEEPA, effective: 2025-03-01}")


def fnv1a64(paths):
    h = 14695981039346656037
    for path in paths:
        for byte in read(path):
            h = ((h ^ byte) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return "%016x" % h


class Compare(McCase):
    prefix = "tw_compare_"

    def compare(self, name, a, b, extra=(), launcher=None, proc=False):
        out = os.path.join(self.tmp, name)
        args = ["compare", a, b] + SMALL + list(extra) + ["-o", out]
        p = run(launcher(args) if launcher else [TW_BIN] + args)
        self.assertEqual(p.returncode, 0, p.stderr)
        return (out, p, args) if proc else out

    def test_per_side_overrides(self):
        """--set-b EXTRA on the baseline against itself is the second file, byte for byte;
        --set-a and --set-b alike cancel to zero; --set-a on run is refused."""
        ref = self.compare("file", BASELINE, TARIFF, ["-t", "2"])
        side = self.compare("setb", BASELINE, BASELINE, ["-t", "2", "--set-b", EXTRA])
        for f in FILES:
            self.assertEqual(read(os.path.join(ref, f)), read(os.path.join(side, f)), f)
        both = self.compare("setab", BASELINE, BASELINE, ["-t", "2", "--set-a", EXTRA,
                                                          "--set-b", EXTRA])
        oc = pd.read_csv(os.path.join(both, "compare_outcomes.csv"))
        self.assertTrue((oc.loc[oc["n"] > 0, "diff"] == 0.0).all())
        self.assertEqual(oc.set_index("outcome").loc["peak_tariff_us_on_cn_pct", "mean_a"],
                         50.8)
        p = run([TW_BIN, "run", BASELINE, "--set-a", EXTRA, "-o", os.path.join(self.tmp, "r")])
        self.assertEqual(p.returncode, 2)
        self.assertIn("--set-a and --set-b belong to compare", p.stderr)

    def test_directory_is_a_run(self):
        """scenario_a.yaml, scenario_b.yaml, provenance.yaml and datapackage.json beside
        the CSVs, nothing else; the sides as run give the same comparison again; provenance names the
        command line, the sides and the hash of the CSVs."""
        out, p, args = self.compare("dir", BASELINE, BASELINE,
                                    ["-t", "2", "--set-b", EXTRA, "-s", "7"], proc=True)
        self.assertEqual(sorted(os.listdir(out)), sorted(FILES + [
            "datapackage.json", "provenance.yaml", "scenario_a.yaml", "scenario_b.yaml"]))
        self.assertFalse(os.path.exists(out + ".partial") or os.path.exists(out + ".lock"))
        sa = yaml.safe_load(open(os.path.join(out, "scenario_a.yaml")))
        sb = yaml.safe_load(open(os.path.join(out, "scenario_b.yaml")))
        self.assertEqual(len(sb["tariffs"]), len(sa["tariffs"]) + 1)
        self.assertEqual(sb["tariffs"][-1]["measure"], "extra_us_cn")
        self.assertNotIn("extra_us_cn", [t["measure"] for t in sa["tariffs"]])
        prov = yaml.safe_load(open(os.path.join(out, "provenance.yaml")))
        self.assertEqual(prov["command"], [TW_BIN] + args)
        self.assertEqual(prov["working_directory"], os.getcwd())
        self.assertEqual(prov["kind"], "compare")
        self.assertEqual(prov["scenario_a_file"], BASELINE)
        self.assertEqual(prov["scenario_b_file"], BASELINE)
        self.assertNotEqual(prov["scenario_a_hash"], prov["scenario_b_hash"])
        self.assertEqual((prov["replicates"], prov["seed"], prov["until"]), (24, 7, None))
        self.assertEqual(prov["result_hash"], fnv1a64([os.path.join(out, f) for f in FILES]))
        self.assertIn("result hash %s" % prov["result_hash"], p.stdout)
        again = self.compare("again", os.path.join(out, "scenario_a.yaml"),
                             os.path.join(out, "scenario_b.yaml"), ["-t", "1", "-s", "7"])
        for f in FILES:
            self.assertEqual(read(os.path.join(out, f)), read(os.path.join(again, f)), f)

    def months(self, p):
        """The B - A by month table of a compare's terminal: month -> (days, [(diff, hw)])."""
        text = p.stdout.split("B - A by month", 1)
        self.assertEqual(len(text), 2, p.stdout)
        lines = text[1].splitlines()
        self.assertIn("USD bn/month", lines[2])
        rows = {}
        for line in lines[3:]:
            m = re.match(r"^(2025-\d\d)\s+(\d+)((?:\s+[-+]\d+\.\d+ \+-\s*\d+\.\d+){6})$", line)
            if m is None:
                break
            cells = re.findall(r"([-+]\d+\.\d+) \+-\s*(\d+\.\d+)", m.group(3))
            rows[m.group(1)] = (int(m.group(2)), [(float(d), float(h)) for d, h in cells])
        return rows

    def test_every_month_with_sparse_output(self):
        """With output.interval_days=30 (output on 1 January, 31 January, 2 March, ...)
        February has no output day of its own: it still has its row, from the output day
        that stands for it."""
        _, p, _ = self.compare("sparse", BASELINE, TARIFF, ["-t", "2"], proc=True)
        rows = self.months(p)
        self.assertEqual(sorted(rows), ["2025-0%d" % m for m in range(1, 7)], p.stdout)
        self.assertEqual([rows[m][0] for m in sorted(rows)], [31, 28, 31, 30, 31, 30])
        self.assertEqual(rows["2025-02"][1][0], (0.0, 0.0))  # the tariff gap before March
        self.assertEqual(rows["2025-05"][1][0], (30.0, 0.0))
        # February's imports are those of the output day of 31 January, over 28 days
        self.assertAlmostEqual(rows["2025-02"][1][2][0] / 28, rows["2025-01"][1][2][0] / 31,
                               delta=0.02)

    def test_timeline_by_month(self):
        """B - A by month: the tariff gap is 0 before March and exactly 30 after; the monthly
        totals of US imports from China (USD bn) add up to the outcome over the run."""
        out, p, _ = self.compare("months", BASELINE, TARIFF,
                                 ["-t", "2", "--set", "output.interval_days=1"], proc=True)
        rows = self.months(p)
        self.assertEqual(sorted(rows), ["2025-0%d" % m for m in range(1, 7)], p.stdout)
        self.assertEqual([rows[m][0] for m in sorted(rows)], [31, 28, 31, 30, 31, 30])
        for m, (_, cells) in rows.items():
            self.assertEqual(cells[0], (30.0 if m >= "2025-03" else 0.0, 0.0), m)
        oc = pd.read_csv(os.path.join(out, "compare_outcomes.csv")).set_index("outcome")
        total = sum(cells[2][0] for _, cells in rows.values())
        self.assertAlmostEqual(total, oc.loc["imports_us_from_cn_usd_bn", "diff"], delta=0.3)
        self.assertLess(rows["2025-06"][1][2][0] + rows["2025-06"][1][2][1], 0.0,
                        "June's paired interval should exclude 0")

    def test_report_of_a_real_comparison(self):
        """tradewar compare ... --report: the report of the directory, its outcomes table
        from compare_outcomes.csv, its charts from compare.csv."""
        out, p, _ = self.compare("report", BASELINE, BASELINE,
                                 ["-t", "2", "--set-b", EXTRA, "--report"], proc=True)
        rep = os.path.join(out, "report")
        files = sorted(os.listdir(rep))
        self.assertIn("report.html", files)
        pngs = [f for f in files if f.endswith(".png")]
        self.assertIn("paired_tariff_rates.png", pngs)
        self.assertIn("paired_imports_bilateral.png", pngs)
        for f in pngs:
            self.assertEqual(read(os.path.join(rep, f))[:8], b"\x89PNG\r\n\x1a\n", f)
        self.assertIn("report.py: wrote %s" % os.path.join(rep, "report.html"), p.stdout)
        html = open(os.path.join(rep, "report.html"), encoding="utf-8").read()
        self.assertEqual(html.count("<img"), len(pngs))
        table = html.split('id="compare-outcomes-table"', 1)[1].split("</table>", 1)[0]
        oc = pd.read_csv(os.path.join(out, "compare_outcomes.csv"))
        self.assertEqual(table.count("<tr>") - 1, len(oc))
        row = table.split("<td>peak_tariff_us_on_cn_pct</td>", 1)[1].split("</tr>", 1)[0]
        self.assertIn(">30<", row)
        self.assertIn("scenario_b.yaml as run", html)
        self.assertIn("extra_us_cn", html)

    def test_self_comparison_is_exactly_zero(self):
        out = self.compare("self", BASELINE, BASELINE, ["-t", "2"])
        for f in FILES:
            df = pd.read_csv(os.path.join(out, f))
            self.assertGreater(len(df), 0)
            # An outcome that never happens in the baseline (NaN in every replicate, such as
            # the first day of a shortage) has no pairs; every other one has all 24.
            never = df[df["n"] == 0]
            self.assertTrue(never.drop(columns=never.columns[:2]).isna().all().all(), f)
            df = df[df["n"] != 0]
            self.assertGreater(len(df), 0)
            self.assertTrue((df["n"] == 24).all(), f)
            for col in ("diff", "paired_lo", "paired_hi"):
                self.assertTrue((df[col] == 0.0).all(), "%s %s not all zero" % (f, col))
            self.assertTrue((df["mean_a"] == df["mean_b"]).all(), f)

    def test_paired_intervals_are_narrower_than_unpaired(self):
        out = self.compare("tariff", BASELINE, TARIFF, ["-t", "2"])
        oc = pd.read_csv(os.path.join(out, "compare_outcomes.csv")).set_index("outcome")
        self.assertEqual(oc.loc["peak_tariff_us_on_cn_pct", "diff"], 30.0)
        self.assertLess(oc.loc["imports_us_from_cn_usd_bn", "diff"], 0.0)
        for name in ("imports_us_from_cn_usd_bn", "tariff_revenue_us_usd_bn",
                     "cn_share_of_us_imports_end_pct", "welfare_us_end_pct"):
            row = oc.loc[name]
            paired = row["paired_hi"] - row["paired_lo"]
            unpaired = row["unpaired_hi"] - row["unpaired_lo"]
            self.assertGreater(paired, 0.0, name)
            self.assertLess(paired, unpaired, name)
            self.assertAlmostEqual(row["ratio"], unpaired / paired, places=6)
            self.assertTrue(row["paired_lo"] <= row["diff"] <= row["paired_hi"], name)
        # Per-day cells: the US-CN import gap on the last day, paired tighter than unpaired.
        cells = pd.read_csv(os.path.join(out, "compare.csv"))
        last = cells[(cells["date"] == cells["date"].max()) & (cells["indicator"] == "imports") &
                     (cells["region"] == "US") & (cells["partner"] == "CN") &
                     (cells["sector"] == "all")].iloc[0]
        self.assertLess(last["diff"], 0.0)
        self.assertLess(last["paired_hi"] - last["paired_lo"],
                        last["unpaired_hi"] - last["unpaired_lo"])

    def test_same_bytes_for_threads_and_ranks(self):
        ref = self.compare("t1", BASELINE, TARIFF, ["-t", "1"])
        others = [("t3", self.compare("t3", BASELINE, TARIFF, ["-t", "3"]))]
        if TW_MPIEXEC:
            others.append(("np2", self.compare("np2", BASELINE, TARIFF, ["-t", "1"],
                                               lambda args: mpirun_cmd(2, args))))
        for what, d in others:
            for f in FILES:
                self.assertEqual(read(os.path.join(ref, f)), read(os.path.join(d, f)),
                                 "%s differs for %s" % (f, what))

    def test_incompatible_scenarios_are_refused(self):
        out = os.path.join(self.tmp, "bad")
        p = run([TW_BIN, "compare", BASELINE, TARIFF, "-n", "2", "-o", out, "--set",
                 "end=2025-03-31"])
        self.assertEqual(p.returncode, 0, "the same --set applies to both: " + p.stderr)
        short = os.path.join(self.tmp, "short.yaml")
        with open(short, "w") as f:
            f.write("extends: %s\nname: short\nend: 2025-02-28\n" % BASELINE)
        p = run([TW_BIN, "compare", BASELINE, short, "-n", "2", "-o", out + "2"])
        self.assertEqual(p.returncode, 2)
        self.assertIn("same start, end", p.stderr)
        self.assertFalse(os.path.exists(out + "2"))
        p = run([TW_BIN, "compare", BASELINE, "-n", "2"])
        self.assertEqual(p.returncode, 2)
        self.assertIn("two scenario files", p.stderr)

    def test_a_side_that_fixes_a_drawn_parameter(self):
        out, p, _ = self.compare("fixed", GENEVA, GENEVA,
                                 ["-t", "2", "--set-b", "events.truce.extension.base=0"],
                                 proc=True)
        oc = pd.read_csv(os.path.join(out, "compare_outcomes.csv")).set_index("outcome")
        ext = oc.loc["events.truce.extension.base"]
        self.assertEqual((ext["n"], ext["mean_b"]), (24, 0.0))
        self.assertTrue(0.0 < ext["mean_a"] < 1.0, ext)
        self.assertEqual(ext["diff"], -ext["mean_a"])
        for name in ("governments.US.resolve", "governments.CN.resolve",
                     "governments.US.snapback_prob"):
            self.assertEqual((oc.loc[name, "n"], oc.loc[name, "diff"]), (24, 0.0), name)
        # The same rows as A's replicates.csv has columns, in its order.
        a_run = os.path.join(self.tmp, "geneva-a")
        q = run([TW_BIN, "run", GENEVA] + SMALL + ["-o", a_run])
        self.assertEqual(q.returncode, 0, q.stderr)
        cols = list(pd.read_csv(os.path.join(a_run, "replicates.csv")).columns[2:])
        self.assertEqual(list(oc.index), cols)

    def test_no_pairs_is_nan_on_the_terminal_as_in_the_file(self):
        out, p, _ = self.compare("nan", BASELINE, BASELINE, ["-t", "2"], proc=True)
        oc = pd.read_csv(os.path.join(out, "compare_outcomes.csv")).set_index("outcome")
        never = oc[oc["n"] == 0]
        self.assertGreater(len(never), 0)
        for name in never.index:
            self.assertTrue(never.loc[name, ["mean_a", "mean_b", "diff"]].isna().all())
            line = [l for l in p.stdout.splitlines() if l.startswith(name + " ")]
            self.assertEqual(len(line), 1, p.stdout)
            self.assertEqual(line[0].split()[-6:-3], ["nan", "nan", "nan"], line[0])

    def test_a_sweep_section_is_refused(self):
        sweep = os.path.join(self.tmp, "with_sweep.yaml")
        with open(sweep, "w") as f:
            f.write("extends: %s\nname: with-sweep\nsweep:\n  design: grid\n  parameters:\n"
                    "    - {key: model.pass_through, values: [0.5, 1]}\n" % BASELINE)
        for a, b in ((BASELINE, sweep), (sweep, BASELINE)):
            out = os.path.join(self.tmp, "swept")
            p = run([TW_BIN, "compare", a, b, "-n", "2", "-o", out])
            self.assertEqual(p.returncode, 2, p.stderr)
            self.assertIn("with_sweep.yaml:4:3: sweep: compare runs one scenario a side", p.stderr)
            self.assertFalse(os.path.exists(out) or os.path.exists(out + ".partial"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
