#!/usr/bin/env python3
"""End-to-end: `tradewar score` on event outcomes of the whole run (0/1 and counts) beside
the daily series, on a real run of the default scenario (geneva-truce, 12 replicates,
small cells) and a real run of the scripted 2025 history.

- Known answers from replicates.csv read back by pandas: for every 0/1 outcome of the
  dictionary, the share p of replicates with 1 (1 in k of n), the Brier score (p - o)^2 and
  the log score -ln of the probability of what happened kept inside [1/(2n), 1 - 1/(2n)],
  for o = 1 and o = 0; the climatology p = 0.5, and each outcome's own with --climatology
  FILE (a bad file refused with FILE:line:col); for counts, the ranked probability score
  summed by hand over every integer, the log score of the observed count, the mean and
  the 5% and 95% quantiles; the overall rows the means of their events.
- Replicates where an outcome does not apply (nan or scripted, in a copy of the run)
  are left out and counted; a value in replicates.csv that is not the outcome's kind is
  refused with replicates.csv:line:col.
- Series scores unchanged: score.csv and score_points.csv the same bytes when event rows
  are added after the series rows (and the same but for `line` when added before).
- Refusals, each exit 2 with OBSERVED.csv:line:col, the key and what was expected, and the
  earlier scores left as they were: replicates.csv of another run, --climatology without
  events, an unknown outcome (the known ones listed), a value
  that is not 0/1, a count that is not a whole number, a region, an outcome with a date,
  a series without one, a continuous outcome, a unit, a second row of one outcome, and an
  outcome the run marks scripted in every replicate.
- Events alone need no trajectories.csv; --report draws them in report/events.png, beside
  the series' charts.
- The data package describes score_events.csv (the checks of test_datapackage.py).

Run by CTest as py/test_score_events with TW_BIN and TW_SOURCE_DIR.
"""
import io
import math
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_datapackage import check_package  # noqa: E402

TW_BIN = os.environ.get("TW_BIN", "")
SRC = os.environ.get("TW_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
GENEVA = os.path.join(SRC, "scenarios", "geneva-truce.yaml")
HISTORY = os.path.join(SRC, "scenarios", "history-2025-four.yaml")
OBSERVED = os.path.join(SRC, "analysis", "examples", "observed-2024-average.csv")
SMALL = ["--set", "firms.per_cell=200", "-t", "2", "-q"]
HEADER = "date,indicator,region,partner,sector,value,unit\n"


def run(args, timeout=600):
    return subprocess.run([TW_BIN] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=timeout)


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def read_events(scoredir):
    return pd.read_csv(os.path.join(scoredir, "score_events.csv"), float_precision="round_trip",
                       keep_default_na=False, na_values=["nan", ""], dtype={"kind": str})


def smoothed(p, n):
    return min(max(p, 1.0 / (2 * n)), 1.0 - 1.0 / (2 * n))


class ScoreEvents(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="tw_score_ev_")
        cls.out = os.path.join(cls.tmp, "geneva")
        p = run(["run", GENEVA, "-n", "12", "-o", cls.out, "--trajectories"] + SMALL)
        assert p.returncode == 0, p.stderr
        cls.scripted = os.path.join(cls.tmp, "history")
        p = run(["run", HISTORY, "-n", "2", "--set", "end=2025-03-31", "-o", cls.scripted] + SMALL)
        assert p.returncode == 0, p.stderr
        cls.reps = pd.read_csv(os.path.join(cls.out, "replicates.csv"), float_precision="round_trip")
        p = run(["dictionary", "--csv"])
        assert p.returncode == 0, p.stderr
        d = pd.read_csv(io.StringIO(p.stdout))
        d = d[d["kind"] == "outcome"]
        cls.binary = list(d[d["unit"] == "0/1"]["name"])
        cls.counts = ["truce_extensions", "leader_calls", "summits", "escalations"]
        for name in cls.counts:
            assert name in set(d["name"]), name

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def observed(self, name, text):
        path = os.path.join(self.tmp, name + ".csv")
        with open(path, "w") as f:
            f.write(text)
        return path

    def score(self, outdir, path, *extra, code=0, scoredir=None):
        scoredir = scoredir or os.path.join(self.tmp, "score-" + os.path.basename(path))
        p = run(["score", outdir, path, "-o", scoredir] + list(extra))
        self.assertEqual(p.returncode, code, p.stdout + p.stderr)
        return scoredir, p

    def test_binary_known_answers(self):
        """Each 0/1 outcome observed as 1 and as 0: Brier and log score by the formula."""
        scored = 0
        for o in (1, 0):
            text = HEADER + "".join(",%s,,,,%d,\n" % (name, o) for name in self.binary
                                    if self.reps[name].notna().any())
            sd, p = self.score(self.out, self.observed("binary%d" % o, text))
            ev = read_events(sd).set_index("outcome")
            for name in self.binary:
                x = self.reps[name].dropna().to_numpy()
                if len(x) == 0:
                    continue
                n, k = len(x), int(np.sum(x == 1))
                self.assertEqual(int(np.sum(x == 0)) + k, n, name)
                row = ev.loc[name]
                pk = k / n
                self.assertEqual(row["kind"], "0/1")
                self.assertEqual(row["m"], n)
                self.assertEqual(row["m_excluded"], len(self.reps) - n)
                self.assertEqual(row["p"], pk)
                self.assertEqual(row["brier"], (pk - o) ** 2, name)
                happened = smoothed(pk, n) if o == 1 else 1.0 - smoothed(pk, n)
                self.assertAlmostEqual(row["p_observed"], happened, places=15)
                self.assertAlmostEqual(row["log_score"], -math.log(happened), places=14, msg=name)
                self.assertEqual(row["clim_p"], 0.5)
                self.assertEqual(row["clim_brier"], 0.25)
                self.assertAlmostEqual(row["clim_log"], math.log(2.0), places=15)
                self.assertTrue(math.isnan(row["rps"]))
                scored += 0 < k < n
            overall = ev.loc["overall"]
            self.assertEqual(overall["kind"], "0/1")
            rows = ev[ev["line"].notna()]
            self.assertEqual(overall["n"], len(rows))
            self.assertAlmostEqual(overall["brier"], rows["brier"].mean(), places=15)
            self.assertAlmostEqual(overall["log_score"], rows["log_score"].mean(), places=14)
            self.assertIn("%d events (0/1), 12 replicates" % len(rows), p.stdout)
            self.assertIn("overall (%d events)" % len(rows), p.stdout)
        # The run has outcomes that happened in some replicates and not others (1 in k of n,
        # 0 < k < n), and one that never happened, whose log score shows the smoothing.
        self.assertGreater(scored, 0)

    def test_counts_by_hand(self):
        """RPS summed over every integer, log score, mean and band of counts."""
        obs = {"truce_extensions": 1, "leader_calls": 2, "summits": 0, "escalations": 7}
        text = HEADER + "".join(",%s,,,,%d,%s\n" % (name, v, "calls" if name == "leader_calls" else "")
                                for name, v in obs.items())
        sd, p = self.score(self.out, self.observed("counts", text))
        ev = read_events(sd).set_index("outcome")
        for name, y in obs.items():
            x = self.reps[name].dropna().to_numpy()
            n = len(x)
            top = int(max(x.max(), y))
            rps = sum((np.mean(x <= k) - (1.0 if y <= k else 0.0)) ** 2 for k in range(top + 1))
            row = ev.loc[name]
            self.assertEqual(row["kind"], "count")
            self.assertEqual(row["m"], n)
            self.assertAlmostEqual(row["rps"], rps, places=14, msg=name)
            happened = smoothed(np.mean(x == y), n)
            self.assertAlmostEqual(row["log_score"], -math.log(happened), places=14, msg=name)
            self.assertAlmostEqual(row["mean"], np.mean(x), places=13)
            self.assertAlmostEqual(row["p05"], np.quantile(x, 0.05), places=13)
            self.assertAlmostEqual(row["p95"], np.quantile(x, 0.95), places=13)
            for col in ("p", "brier", "clim_p", "clim_brier", "clim_log"):
                self.assertTrue(math.isnan(row[col]), col)
        overall = ev.loc["overall"]
        self.assertEqual(overall["kind"], "count")
        self.assertEqual(overall["n"], 4)
        self.assertAlmostEqual(overall["rps"], ev.loc[list(obs), "rps"].mean(), places=14)
        self.assertIn("4 events (counts), 12 replicates", p.stdout)
        check_package(self, sd)

    def test_excluded_replicates(self):
        """nan and scripted in replicates.csv leave the replicate out and are counted; a
        value that is not the outcome's kind is refused where it stands."""
        copy = os.path.join(self.tmp, "excluded")
        shutil.copytree(self.out, copy)
        path = os.path.join(copy, "replicates.csv")
        reps = pd.read_csv(path, dtype=str, keep_default_na=False)
        reps.loc[[0, 3, 5], "snap_back"] = "nan"
        reps.loc[7, "snap_back"] = "scripted"
        reps.to_csv(path, index=False)
        sd, _ = self.score(copy, self.observed("excl", HEADER + ",snap_back,,,,1,\n"))
        row = read_events(sd).iloc[0]
        kept = pd.to_numeric(reps["snap_back"].drop([0, 3, 5, 7])).to_numpy()
        self.assertEqual(row["m"], 8)
        self.assertEqual(row["m_excluded"], 4)
        self.assertEqual(row["p"], np.mean(kept))
        self.assertEqual(row["brier"], (np.mean(kept) - 1) ** 2)
        reps.loc[2, "snap_back"] = "2"
        reps.to_csv(path, index=False)
        col = reps.columns.get_loc("snap_back")
        with open(path) as f:
            line4 = f.read().split("\n")[3]
        colno = len(",".join(line4.split(",")[:col])) + 2
        sd, p = self.score(copy, self.observed("excl2", HEADER + ",snap_back,,,,1,\n"), code=2)
        self.assertIn("%s:4:%d: snap_back: expected 0 or 1, nan or scripted (got '2')" % (path, colno),
                      p.stderr)
        self.assertFalse(os.path.exists(sd))

    def test_another_runs_replicates_refused(self):
        """replicates.csv must hold the replicates provenance.yaml records."""
        copy = os.path.join(self.tmp, "fewer")
        shutil.copytree(self.out, copy, ignore=shutil.ignore_patterns("trajectories.csv"))
        path = os.path.join(copy, "replicates.csv")
        with open(path) as f:
            lines = f.readlines()
        with open(path, "w") as f:
            f.writelines(lines[:-1])
        sd, p = self.score(copy, self.observed("fewer", HEADER + ",snap_back,,,,1,\n"), code=2)
        self.assertIn(path + " holds 11 replicates and " + os.path.join(copy, "provenance.yaml")
                      + " records 12", p.stderr)
        self.assertIn("these replicates are not the run's", p.stderr)
        self.assertFalse(os.path.exists(sd))
        with open(OBSERVED) as f:
            series = "".join(f.readlines()[:3])
        _, p = self.score(self.out, self.observed("clim-none", series), "--climatology", path,
                          code=2)
        self.assertIn("--climatology scores 0/1 outcomes, and", p.stderr)

    def test_series_unchanged(self):
        """Event rows beside the series leave score.csv and score_points.csv as they were."""
        with open(OBSERVED) as f:
            series = [line for line in f if not line.startswith("2025-") or line[:7] <= "2025-06"]
        events = ",snap_back,,,,1,,\n,truce_extensions,,,,1,extensions,a source\n"
        ref, _ = self.score(self.out, self.observed("series", "".join(series)))
        after, p = self.score(self.out, self.observed("after", "".join(series) + events))
        for f in ("score.csv", "score_points.csv"):
            self.assertEqual(read_bytes(os.path.join(ref, f)), read_bytes(os.path.join(after, f)), f)
        self.assertIn("24 observations of 4 series, 2 events (1 0/1, 1 count), 12 replicates",
                      p.stdout)
        self.assertIn("written: %s/{score.csv,score_points.csv,score_events.csv}" % after, p.stdout)
        before, _ = self.score(self.out, self.observed("before", series[0] + events + "".join(series[1:])))
        self.assertEqual(read_bytes(os.path.join(ref, "score.csv")),
                         read_bytes(os.path.join(before, "score.csv")))
        a = pd.read_csv(os.path.join(ref, "score_points.csv"), dtype=str)
        b = pd.read_csv(os.path.join(before, "score_points.csv"), dtype=str)
        self.assertEqual(list(b["line"].astype(int) - 2), list(a["line"].astype(int)))
        pd.testing.assert_frame_equal(a.drop(columns="line"), b.drop(columns="line"))
        ev = read_events(after)
        self.assertEqual(list(ev["line"].dropna().astype(int)), [len(series) + 1, len(series) + 2])
        check_package(self, after)
        sd, _ = self.score(self.out, self.observed("after", "".join(series) + events), "--report",
                           "-q", scoredir=os.path.join(self.tmp, "report-both"))
        self.assertEqual(sorted(os.listdir(os.path.join(sd, "report"))),
                         ["events.png", "imports.CN.US.all.png", "imports.US.CN.all.png",
                          "tariff_rate.CN.US.all.png", "tariff_rate.US.CN.all.png"])

    def test_refusals(self):
        """Each bad row: exit 2, file:line:col, the key, what was expected; the earlier
        scores kept byte for byte."""
        good, _ = self.score(self.out, self.observed("good", HEADER + ",snap_back,,,,1,\n"))
        before = read_bytes(os.path.join(good, "score_events.csv"))
        cases = [
            (",snap_bak,,,,1,", ":3:2: indicator: unknown outcome 'snap_bak'",
             ["snap_back, breach_accused", "truce_extensions", "leader_calls"]),
            (",snap_back,,,,0.5,", ":3:15: value: expected 0 or 1: snap_back is a 0/1 outcome "
             "(got '0.5')", []),
            (",snap_back,,,,,", ":3:15: value: expected 0 or 1", []),
            (",truce_extensions,,,,1.5,", ":3:22: value: expected a count, a whole number 0 or "
             "more: truce_extensions counts extensions (got '1.5')", []),
            (",leader_calls,,,,-1,", ":3:18: value: expected a count", []),
            (",snap_back,US,,,1,", ":3:12: region: expected empty: snap_back is an outcome of "
             "the whole run, which has no region (got 'US')", []),
            (",snap_back,,,all,1,", ":3:14: sector: expected empty", []),
            ("2025-08,snap_back,,,,1,", ":3:1: date: 'snap_back' is an outcome of the whole run: "
             "leave its date empty (got '2025-08')", []),
            (",imports,US,CN,all,1,", ":3:1: date: 'imports' is a series: its row needs a date", []),
            (",imports_us_from_cn_usd_bn,,,,380,", ":3:2: indicator: "
             "'imports_us_from_cn_usd_bn' is an outcome in USD bn, neither 0/1 nor a count", []),
            (",snap_back,,,,1,percent", ":3:17: unit: expected '0/1' (the unit of snap_back) or "
             "none (got 'percent')", []),
            (",deal_before_truce_end,,,,0,", ":3:2: indicator: duplicate of line 2 (the same "
             "outcome)", []),
        ]
        for row, message, listed in cases:
            with self.subTest(row=row):
                first = ",deal_before_truce_end,,,,0,\n" if "duplicate" in message else ",truce_extended,,,,1,\n"
                path = self.observed("bad", HEADER + first + row + "\n")
                _, p = self.score(self.out, path, code=2, scoredir=good)
                self.assertIn(path + message, p.stderr)
                for name in listed:
                    self.assertIn(name, p.stderr)
                self.assertEqual(read_bytes(os.path.join(good, "score_events.csv")), before)
        leftovers = [f for f in os.listdir(self.tmp) if ".tmp." in f or ".old." in f]
        self.assertEqual(leftovers, [])

    def test_climatology_file(self):
        """--climatology FILE: each 0/1 outcome's base rate scored by the same formulas;
        a bad file refused with file:line:col."""
        obs = self.observed("clim-obs", HEADER + ",snap_back,,,,0,\n,truce_extended,,,,1,\n"
                            ",leader_calls,,,,1,\n")
        clim = self.observed("clim", "outcome,probability,source\nsnap_back,0.7,a record\n"
                             "truce_extended,0.25,\ncourt_reimposed,0.1,not observed\n")
        sd, p = self.score(self.out, obs, "--climatology", clim)
        ev = read_events(sd).set_index("outcome")
        for name, o, c in (("snap_back", 0, 0.7), ("truce_extended", 1, 0.25)):
            row = ev.loc[name]
            self.assertEqual(row["clim_p"], c)
            self.assertEqual(row["clim_brier"], (c - o) ** 2)
            self.assertEqual(row["clim_log"], -math.log(c if o == 1 else 1 - c))
        self.assertTrue(math.isnan(ev.loc["leader_calls", "clim_p"]))
        self.assertAlmostEqual(ev.loc["overall"].query("kind == '0/1'")["clim_brier"].iloc[0],
                               ((0.7 - 0) ** 2 + (0.25 - 1) ** 2) / 2, places=15)
        self.assertIn("--climatology", p.stdout)
        cases = [
            ("snap_back,0\ntruce_extended,0.5\n", ":2:11: probability: expected a number "
             "strictly between 0 and 1"),
            ("snap_back,1.2\ntruce_extended,0.5\n", ":2:11: probability: expected a number"),
            ("snap_bak,0.5\n", ":2:1: outcome: unknown outcome 'snap_bak' (a climatology is of "
             "0/1 outcomes: "),
            ("leader_calls,0.5\n", ":2:1: outcome: not a 0/1 outcome: 'leader_calls'"),
            ("snap_back,0.5\nsnap_back,0.6\n", ":3:1: outcome: duplicate of line 2"),
            ("snap_back,0.5\n", None),
        ]
        for rows, message in cases:
            with self.subTest(rows=rows):
                bad = self.observed("clim-bad", "outcome,probability\n" + rows)
                sd2, p = self.score(self.out, obs, "--climatology", bad, code=2,
                                    scoredir=os.path.join(self.tmp, "clim-bad-score"))
                if message is None:
                    self.assertIn(obs + ":3:2: indicator: truce_extended has no climatology in "
                                  + bad, p.stderr)
                else:
                    self.assertIn(bad + message, p.stderr)
                self.assertFalse(os.path.exists(sd2))
        bad = self.observed("clim-cols", "name,p\nsnap_back,0.5\n")
        _, p = self.score(self.out, obs, "--climatology", bad, code=2)
        self.assertIn(bad + ":1:1: expected the columns outcome and probability", p.stderr)

    def test_scripted_everywhere_refused(self):
        """The 2025 history has no event process: its truce outcomes are scripted."""
        path = self.observed("scripted", HEADER + ",us_vehicle_halt,,,,0,\n,snap_back,,,,1,\n")
        sd, p = self.score(self.scripted, path, code=2)
        self.assertIn(path + ":3:2: indicator: the run marks snap_back scripted in all its 2 "
                      "replicates", p.stderr)
        self.assertIn("no governments:, events: or third_parties:", p.stderr)
        self.assertFalse(os.path.exists(sd))
        # An outcome such a run does draw (the rare-earth halt) scores.
        sd, _ = self.score(self.scripted, self.observed("drawn", HEADER + ",us_vehicle_halt,,,,0,\n"))
        self.assertEqual(read_events(sd)["m"].iloc[0], 2)

    def test_events_alone(self):
        """A file of events needs replicates.csv only; --report draws events.png."""
        copy = os.path.join(self.tmp, "notraj")
        shutil.copytree(self.out, copy, ignore=shutil.ignore_patterns("trajectories.csv"))
        path = self.observed("alone", HEADER + ",truce_extended,,,,1,\n,leader_calls,,,,3,\n")
        sd, p = self.score(copy, path)
        self.assertEqual(sorted(os.listdir(sd)), ["datapackage.json", "score_events.csv"])
        self.assertIn("2 events (1 0/1, 1 count), 12 replicates", p.stdout)
        self.assertIn("written: %s/{score_events.csv}" % sd, p.stdout)
        check_package(self, sd)
        sd2, p = self.score(copy, path, "--report", "-q", scoredir=os.path.join(self.tmp, "rep"))
        self.assertEqual(os.listdir(os.path.join(sd2, "report")), ["events.png"])
        self.assertIn("(1 chart)", p.stdout)
        with open(os.path.join(sd2, "report", "events.png"), "rb") as f:
            self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")
        with open(OBSERVED) as f:
            series = f.readlines()[:3]
        _, p = self.score(copy, self.observed("mixed", "".join(series) + ",truce_extended,,,,1,,\n"),
                          code=2)
        self.assertIn("trajectories.csv is missing", p.stderr)

    def test_help(self):
        p = run(["score", "--help"])
        self.assertEqual(p.returncode, 0)
        self.assertIn("empty date", p.stdout)
        self.assertIn("Brier", p.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
