#!/usr/bin/env python3
"""End-to-end: adaptive, multilevel replication, the default of `tradewar run` when neither
-n nor the scenario's `replicates:` gives a count (geneva-truce.yaml gives none).

- The multilevel answers (multilevel.csv) and a plain full-size run of many replicates on
  another seed agree within their combined 95% intervals, probability by probability and
  month by month (at small scale: 100 firms per cell, so level 0 has 1).
- multilevel.csv's counts are the run's: the files hold exactly the coupled pairs' fine
  halves (n_pairs rows of replicates.csv), and a budget that is reached says so.
- The same bytes for 1 and 2 threads and under MPI, and after a stop during the levels
  and --resume; -n keeps its meaning (no levels).
- --budget with -n is refused (exit 2); datapackage.json describes multilevel.csv.
- The budget counts each full-size replicate once: the files are made of the pairs' fine
  halves as the levels run them, so a pair costs its two halves and nothing more.
- A kill (SIGKILL) at any moment, with rows of the files already written, resumes to the
  same bytes; with the fault shim (tests/support/tw_fault.c), a kill or a full disk at
  every step of a small run's directory either finishes, resumes to the bytes of an
  uninterrupted run, or leaves nothing.

Run by CTest as py/test_multilevel with TW_BIN, TW_SOURCE_DIR, TW_MPIEXEC and TW_FAULT_LIB.
"""
import concurrent.futures
import json
import math
import os
import shutil
import signal
import subprocess
import time
import unittest

import pandas as pd

from mc_common import TW_BIN, TW_MPIEXEC, TW_SOURCE_DIR, mpirun_cmd, read, run, McCase
from test_faults import faulty_env, scratch_root, skip_unless_the_shim_runs

GENEVA = os.path.join(TW_SOURCE_DIR, "scenarios", "geneva-truce.yaml")
SMALL = ["--set", "firms.per_cell=100", "--set", "rare_earths.per_cell=50",
         "--set", "end=2025-09-30", "--set", "output.interval_days=7", "-q"]
BUDGET = 60
ML = ["run", GENEVA] + SMALL + ["--budget", str(BUDGET)]
FILES = ["multilevel.csv", "summary.csv", "replicates.csv", "events.csv", "outcomes.csv"]


class Multilevel(McCase):
    prefix = "tw_multilevel_"
    reference_args = ML + ["-t", "1"]

    def ml(self):
        return pd.read_csv(os.path.join(self.ref, "multilevel.csv"))

    def test_agrees_with_a_plain_full_size_run(self):
        out = os.path.join(self.tmp, "plain")
        p = run([TW_BIN, "run", GENEVA] + SMALL + ["-n", "300", "-s", "7", "-t", "2", "-o", out])
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertFalse(os.path.exists(os.path.join(out, "multilevel.csv")),
                         "-n gives a plain run")
        ml = self.ml()
        reps = pd.read_csv(os.path.join(out, "replicates.csv"))
        self.assertEqual(len(reps), 300)
        names = {
            "a leader call before the truce runs out": "leader_call_before_truce_end",
            "the truce is extended": "truce_extended",
            "the truce ends: snap-back or broken": "snap_back",
            "a shortage halts US vehicles (events.vehicle_halt_loss)": "us_vehicle_halt",
        }
        probs = ml[ml["month"].isna()].set_index("quantity")
        for text, outcome in names.items():
            x = (reps[outcome].fillna(0) != 0).astype(float)
            p_plain, n = x.mean(), len(x)
            hw_plain = 1.96 * math.sqrt(max(p_plain * (1 - p_plain), 1.0 / n) / n)
            row = probs.loc[text]
            tol = math.hypot(row["halfwidth"], hw_plain)
            self.assertLessEqual(abs(row["estimate"] - p_plain), tol,
                                 "%s: multilevel %.3f +- %.3f, plain %.3f +- %.3f"
                                 % (text, row["estimate"], row["halfwidth"], p_plain, hw_plain))
        # The monthly trade: US imports from China, each month's total in USD bn, from the
        # plain run's summary.csv (daily means x days; weekly output stands for 7 days).
        s = pd.read_csv(os.path.join(out, "summary.csv"))
        s = s[(s["indicator"] == "imports") & (s["region"] == "US") & (s["partner"] == "CN")
              & (s["sector"] == "all")]
        flows = ml[ml["quantity"] == "US imports from CN"]
        self.assertEqual(len(flows), 9, "one row a month, January to September")
        s = s.assign(month=s["date"].str[:7])
        for _, row in flows.iterrows():
            m = s[s["month"] == row["month"]]
            days = (pd.Timestamp(row["month"] + "-01") + pd.offsets.MonthEnd(0)).day
            # the month's total: its output days' mean times its days (README, "score")
            total = 1e-3 * float(m["mean"].mean()) * days
            # the daily sd bounds the sd of the month's total (Minkowski)
            sd_bound = 1e-3 * float(m["sd"].mean()) * days
            tol = math.hypot(row["halfwidth"], 1.96 * sd_bound / math.sqrt(300))
            self.assertLessEqual(abs(row["estimate"] - total), tol,
                                 "%s: multilevel %.3f +- %.3f, plain %.3f"
                                 % (row["month"], row["estimate"], row["halfwidth"], total))

    def test_month_totals_count_each_output_day_for_the_days_it_stands_for(self):
        # One level (5 firms a cell): the samples are the batch's replicates, so each month's
        # estimate is the summary's means summed by the monthly tables' rule: with weekly
        # output, an output day stands for the days up to the next (the last for itself),
        # as many of them as fall in the month.
        out = os.path.join(self.tmp, "weekly")
        p = run([TW_BIN, "run", GENEVA, "--set", "firms.per_cell=5", "--set",
                 "rare_earths.per_cell=5", "--set", "end=2025-03-31", "--set",
                 "output.interval_days=7", "-q", "--budget", "8", "-t", "2", "-o", out])
        self.assertEqual(p.returncode, 0, p.stderr)
        ml = pd.read_csv(os.path.join(out, "multilevel.csv"))
        self.assertEqual(int(ml["n_coarse"].iloc[0]), 0, "one level")
        s = pd.read_csv(os.path.join(out, "summary.csv"))
        s = s[(s["indicator"] == "imports") & (s["region"] == "US") & (s["partner"] == "CN")
              & (s["sector"] == "all")].reset_index(drop=True)
        dates = pd.to_datetime(s["date"])
        flows = ml[ml["quantity"] == "US imports from CN"]
        self.assertEqual(list(flows["month"]), ["2025-01", "2025-02", "2025-03"])
        for _, row in flows.iterrows():
            lo = pd.Timestamp(row["month"] + "-01")
            hi = min(lo + pd.offsets.MonthEnd(0), dates.iloc[-1])
            total = 0.0
            for t in range(len(s)):
                to = dates.iloc[t + 1] - pd.Timedelta(days=1) if t + 1 < len(s) else dates.iloc[t]
                days = (min(to, hi) - max(dates.iloc[t], lo)).days + 1
                total += max(days, 0) * 1e-3 * float(s["mean"].iloc[t])
            self.assertAlmostEqual(row["estimate"], total, delta=1e-6 * total, msg=row["month"])

    def test_the_files_hold_the_pairs_fine_halves(self):
        ml = self.ml()
        pairs, coarse = int(ml["n_pairs"].iloc[0]), int(ml["n_coarse"].iloc[0])
        reps = pd.read_csv(os.path.join(self.ref, "replicates.csv"))
        self.assertEqual(len(reps), pairs)
        self.assertGreater(coarse, pairs, "the cheap level should take more samples")
        # -n with that count gives the same files: the fine halves are replicates 0..n-1
        out = os.path.join(self.tmp, "same_n")
        p = run([TW_BIN, "run", GENEVA] + SMALL + ["-n", str(pairs), "-t", "2", "-o", out])
        self.assertEqual(p.returncode, 0, p.stderr)
        for name in ["summary.csv", "replicates.csv", "events.csv"]:
            self.assertEqual(read(os.path.join(self.ref, name)), read(os.path.join(out, name)),
                             name)

    def test_the_flows_ask_for_nothing_until_the_probabilities_are_met(self):
        # At this budget no probability reaches +-0.03, so the last round planned for the
        # probabilities alone: every month's target is 0 (README, "Multilevel replication").
        ml = self.ml()
        probs, flows = ml[ml["month"].isna()], ml[ml["month"].notna()]
        self.assertGreater(probs["halfwidth"].max(), 0.03, "the budget met them: no test")
        self.assertTrue((probs["target"] == 0.03).all())
        self.assertGreater(len(flows), 0)
        self.assertTrue((flows["target"] == 0).all(), flows["target"].tolist())

    def test_the_data_package_describes_multilevel_csv(self):
        with open(os.path.join(self.ref, "datapackage.json")) as f:
            pkg = json.load(f)
        res = [r for r in pkg["resources"] if r["path"] == "multilevel.csv"]
        self.assertEqual(len(res), 1)
        fields = res[0]["schema"]["fields"]
        self.assertEqual([f["name"] for f in fields], list(self.ml().columns))
        for f in fields:
            self.assertTrue(f.get("description"), f["name"])

    def test_the_terminal_opens_with_the_answers_and_says_why_it_stopped(self):
        out = os.path.join(self.tmp, "term")
        p = run([TW_BIN] + ML + ["-t", "2", "-o", out, "--budget", "20"])
        self.assertEqual(p.returncode, 0, p.stderr)
        lines = [l for l in p.stdout.splitlines() if l.strip()]
        self.assertTrue(lines[0].startswith("headline probabilities"), lines[0])
        self.assertIn("finest vs next level", lines[0])
        self.assertIn("stopped: at the budget of 20 full-size replicates", p.stdout)
        # level 0 divides the firms by 100 and the rare-earth users by 10
        self.assertRegex(p.stdout, r"replicates: \d+ with 1 firm and 5 rare-earth users per cell "
                                   r"\(level 0\) and \d+ coupled pairs with 100/50 and 1/5 "
                                   r"\(level 1\)")
        self.assertLess(p.stdout.index("headline probabilities"), p.stdout.index("By month"))

    def test_same_bytes_for_any_thread_or_rank_count(self):
        out = os.path.join(self.tmp, "t2")
        p = run([TW_BIN] + ML + ["-t", "2", "-o", out])
        self.assertEqual(p.returncode, 0, p.stderr)
        for name in FILES:
            self.assertEqual(read(os.path.join(self.ref, name)), read(os.path.join(out, name)),
                             name)
        if not TW_MPIEXEC:
            return
        out = os.path.join(self.tmp, "np2")
        p = run(mpirun_cmd(2, ML + ["-t", "1", "-o", out]))
        self.assertEqual(p.returncode, 0, p.stderr)
        for name in FILES:
            self.assertEqual(read(os.path.join(self.ref, name)), read(os.path.join(out, name)),
                             name + " under MPI")

    def test_stopped_during_the_levels_resumes_to_the_same_bytes(self):
        out = os.path.join(self.tmp, "stopped")
        proc = subprocess.Popen([TW_BIN] + ML + ["-t", "2", "-o", out], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, universal_newlines=True)
        deadline = time.time() + 120
        while not os.path.isdir(out + ".partial") and time.time() < deadline:
            time.sleep(0.02)
        time.sleep(0.5)
        in_levels = not os.path.exists(os.path.join(out + ".partial", "multilevel.csv"))
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=300)
        self.assertEqual(proc.returncode, 1, err)
        self.assertIn("stopped by a signal", err)
        if in_levels:
            self.assertIn("during the multilevel replicates", err)
        p = run([TW_BIN, "run", "--resume", out, "-t", "1", "-q"])
        self.assertEqual(p.returncode, 0, p.stderr)
        for name in FILES:
            self.assertEqual(read(os.path.join(self.ref, name)), read(os.path.join(out, name)),
                             name + " after --resume")

    def test_the_budget_counts_each_full_size_replicate_once(self):
        # Costs in full-size replicates (cli_mlmc.h): a coarse replicate (1 firm a cell
        # against 100) 0.035 + 0.965 / 100, a pair its two halves. The budget binds at this
        # size (test above), so the run spends it to within one sample of each level; were
        # the fine halves run again for the files, a pair would cost one more and the
        # pairs and coarse replicates would come to about n_pairs less than the budget.
        ml = self.ml()
        pairs, coarse = int(ml["n_pairs"].iloc[0]), int(ml["n_coarse"].iloc[0])
        c0 = 0.035 + 0.965 * 1 / 100
        spent = coarse * c0 + pairs * (1 + c0)
        self.assertGreater(ml[ml["month"].isna()]["halfwidth"].max(), 0.03, "budget not bound")
        self.assertLessEqual(spent, BUDGET + 1e-9)
        self.assertGreater(spent, BUDGET - c0 - (1 + c0), "coarse %d, pairs %d" % (coarse, pairs))

    def test_killed_with_rows_written_resumes_to_the_same_bytes(self):
        # SIGKILL (no checkpoint, no clean stop) once the batch of the files has written
        # rows during the levels; --resume runs the levels again and writes the files
        # afresh, to the bytes of the uninterrupted run.
        out = os.path.join(self.tmp, "killed")
        part = out + ".partial"
        proc = subprocess.Popen([TW_BIN] + ML + ["-t", "2", "-o", out],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        header = len("replicate,date,actor,event,detail\n")
        events = os.path.join(part, "events.csv.part")
        deadline = time.time() + 120
        while proc.poll() is None and time.time() < deadline:
            if os.path.exists(events) and os.path.getsize(events) > header:
                break
            time.sleep(0.01)
        proc.kill()
        proc.wait()
        self.assertEqual(proc.returncode, -signal.SIGKILL, "the run ended before rows were written")
        self.assertFalse(os.path.exists(os.path.join(part, "multilevel.csv")), "not in the levels")
        p = run([TW_BIN, "run", "--resume", out, "-t", "1", "-q"])
        self.assertEqual(p.returncode, 0, p.stderr)
        for name in FILES:
            self.assertEqual(read(os.path.join(self.ref, name)), read(os.path.join(out, name)),
                             name + " after a kill and --resume")

    def test_a_budget_below_two_samples_a_level_still_runs_two(self):
        out = os.path.join(self.tmp, "tiny")
        p = run([TW_BIN] + ML + ["-t", "2", "-o", out, "--budget", "1"])
        self.assertEqual(p.returncode, 0, p.stderr)
        ml = pd.read_csv(os.path.join(out, "multilevel.csv"))
        self.assertEqual((int(ml["n_coarse"].iloc[0]), int(ml["n_pairs"].iloc[0])), (2, 2))
        self.assertEqual(len(pd.read_csv(os.path.join(out, "replicates.csv"))), 2)

    def test_budget_with_a_count_is_refused(self):
        p = run([TW_BIN, "run", GENEVA, "-n", "4", "--budget", "10", "-o",
                 os.path.join(self.tmp, "refused")])
        self.assertEqual(p.returncode, 2)
        self.assertIn("--budget", p.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "refused")))

# One thread, 100 firms a cell (level 0 has 1), ten days: four coarse replicates and four
# pairs, whose fine halves are the files' replicates 0 to 3.
TINY = ["run", GENEVA, "--set", "firms.per_cell=100", "--set", "rare_earths.per_cell=10",
        "--set", "end=2025-01-10", "-q", "-t", "1", "--budget", "6", "-o", "out"]


class MultilevelFaults(unittest.TestCase):
    """A kill or a full disk at every step of a small adaptive run's directory."""

    @classmethod
    def setUpClass(cls):
        skip_unless_the_shim_runs()
        cls.tmp = scratch_root()
        ref = os.path.join(cls.tmp, "ref")
        os.mkdir(ref)
        log = os.path.join(cls.tmp, "count.txt")
        p = subprocess.run([TW_BIN] + TINY, cwd=ref, env=faulty_env(ref, 0, "kill", log),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True, timeout=300)
        assert p.returncode == 0, p.stderr
        with open(log) as f:
            cls.steps = int(f.read().split("\n")[0])
        cls.ref = {n: read(os.path.join(ref, "out", n)) for n in FILES}

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def one(self, mode, n):
        """Problems after a fault at step n (an empty list if none)."""
        what = "%s at step %d" % (mode, n)
        case = os.path.join(self.tmp, "%s-%d" % (mode, n))
        os.mkdir(case)
        p = subprocess.run([TW_BIN] + TINY, cwd=case, env=faulty_env(case, n, mode),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True, timeout=300)
        bad = []
        if mode == "kill" and p.returncode != -signal.SIGKILL:
            bad.append("%s: not killed (%d)" % (what, p.returncode))
        if mode != "kill" and p.returncode not in (0, 1, 2):
            bad.append("%s: exit %d: %s" % (what, p.returncode, p.stderr.strip()))
        out, part = os.path.join(case, "out"), os.path.join(case, "out.partial")
        if os.path.isdir(part):
            q = subprocess.run([TW_BIN, "run", "--resume", "out", "-q"], cwd=case,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               universal_newlines=True, timeout=300)
            if q.returncode == 2 and "command is missing" in q.stderr:
                q = subprocess.run([TW_BIN] + TINY + ["--force"], cwd=case,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   universal_newlines=True, timeout=300)
            if q.returncode != 0:
                bad.append("%s: finishing failed (%d): %s" % (what, q.returncode,
                                                              q.stderr.strip()))
        probes = {f for f in os.listdir(case) if f.startswith("out.staging.")}
        left = set(os.listdir(case)) - {"out", "out.lock"} - probes
        if left:
            bad.append("%s: left beside the directory: %s" % (what, sorted(left)))
        if os.path.isdir(out):
            for name in FILES:
                if read(os.path.join(out, name)) != self.ref[name]:
                    bad.append("%s: %s differs from the uninterrupted run" % (what, name))
        elif p.returncode == 0:
            bad.append("%s: succeeded without a directory" % what)
        shutil.rmtree(case, ignore_errors=True)
        return bad

    def test_a_kill_or_a_full_disk_at_every_step(self):
        self.assertGreater(self.steps, 20)
        jobs = [(mode, n) for mode in ("kill", "enospc") for n in range(1, self.steps + 1)]
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            bad = [b for found in pool.map(lambda j: self.one(*j), jobs) for b in found]
        self.assertEqual(bad, [], "\n".join(bad[:20]))


if __name__ == "__main__":
    unittest.main()
