#!/usr/bin/env python3
"""End-to-end: a pinned tariff entry holds through a tit-for-tat spiral.

The scenario is tit-for-tat-spiral.yaml over a copy of geneva-truce.yaml whose tariff list
ends with the US reciprocal tariff on China at 60% from 1 July 2025 (the recipe of
scenarios/README.md, "Hold a policy"). Two runs on the same seed:
  - with `pinned: true`, the US effective rate on Chinese goods (trajectories.csv) is the
    same every day from 1 July to the end, and the US government logs holds, no
    escalations, from then on;
  - without it, the US agent works the same measure: the rate moves after 1 July.

Run by CTest as py/test_pinned with TW_BIN (the program) and TW_SOURCE_DIR.
"""
import os
import shutil
import subprocess
import tempfile
import unittest

import pandas as pd

TW_BIN = os.environ.get("TW_BIN", "")
TW_SOURCE_DIR = os.environ.get("TW_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
NREP = 3
ENTRY = """  - measure: reciprocal
    imposer: US
    target: CN
    sectors: all
    rate: 60
    authority: IEEPA
    not_on: [s232_metals, s232_autos]
    effective: 2025-07-01
"""


def run(tmp, name, pinned):
    d = os.path.join(tmp, name)
    os.makedirs(d)
    with open(os.path.join(TW_SOURCE_DIR, "scenarios", "geneva-truce.yaml")) as f:
        base = f.read()
    # tariffs: is the last key of geneva-truce.yaml, so an entry appended at the end joins it.
    with open(os.path.join(d, "geneva-truce.yaml"), "w") as f:
        f.write(base + ENTRY + ("    pinned: true\n" if pinned else ""))
    shutil.copy(os.path.join(TW_SOURCE_DIR, "scenarios", "tit-for-tat-spiral.yaml"), d)
    out = os.path.join(d, "out")
    proc = subprocess.run([TW_BIN, "run", os.path.join(d, "tit-for-tat-spiral.yaml"), "-n", str(NREP),
                           "-t", "2", "-o", out, "--set", "firms.per_cell=200",
                           "--set", "output.interval_days=1", "--quiet",
                           "--trajectories"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=300)
    if proc.returncode != 0:
        raise AssertionError(f"tradewar exit {proc.returncode}: {proc.stderr}")
    traj = pd.read_csv(os.path.join(out, "trajectories.csv"))
    traj["date"] = pd.to_datetime(traj["date"], format="%Y-%m-%d")
    ev = pd.read_csv(os.path.join(out, "events.csv"), dtype={"detail": str}, keep_default_na=False)
    ev["date"] = pd.to_datetime(ev["date"], format="%Y-%m-%d")
    return traj, ev


class Pinned(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="tw_pinned_")
        cls.pin_traj, cls.pin_ev = run(cls.tmp, "pinned", True)
        cls.free_traj, cls.free_ev = run(cls.tmp, "free", False)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    COL = "tariff_rate.US.CN.electronics"

    def after_july(self, traj, rep):
        t = traj[(traj.replicate == rep) & (traj.date >= "2025-07-01")]
        self.assertGreater(len(t), 150)
        return t[self.COL]

    def test_pinned_rate_holds(self):
        for rep in range(NREP):
            rates = self.after_july(self.pin_traj, rep)
            self.assertEqual(rates.nunique(), 1, f"replicate {rep}: {sorted(rates.unique())}")
            # 60% reciprocal plus the layers under it (fentanyl, Section 301).
            self.assertGreaterEqual(rates.iloc[0], 60.0)

    def test_pinned_agent_holds_and_does_not_escalate(self):
        us = self.pin_ev[(self.pin_ev.actor == "US") & (self.pin_ev.date >= "2025-06-24")]
        self.assertTrue((us.event == "hold").any(), us)
        self.assertFalse((us.event == "escalate").any(), us[us.event == "escalate"])
        self.assertTrue(us[us.event == "hold"].detail.str.contains("reciprocal on CN is pinned").all())

    def test_unpinned_rate_is_worked_by_the_agent(self):
        moved = 0
        for rep in range(NREP):
            rates = self.after_july(self.free_traj, rep)
            moved += rates.nunique() > 1
        self.assertEqual(moved, NREP)
        us = self.free_ev[(self.free_ev.actor == "US") & (self.free_ev.date >= "2025-06-24")]
        self.assertTrue((us.event == "escalate").any())
        self.assertFalse((us.event == "hold").any())


if __name__ == "__main__":
    unittest.main()
