#!/usr/bin/env python3
"""End-to-end: lists under `extends` and --set on list entries, on the real program.

- A child whose plain `tariffs:` replaces the 22 inherited entries is run as written, with
  a warning at the key's file:line:col on `validate` and on `run`; `tariffs+:` appends (23
  entries in scenario.yaml, no warning) and `tariffs!:` replaces without a warning.
- `--set 'tariffs[+]={...}'` appends an entry (value as YAML flow), also to a list the
  scenario lacks; `--set 'tariffs[measure=...,imposer=...].rate=60'` changes exactly the
  entry it names; `export_controls[id=...]` likewise.
- Bad forms exit 2 with a column: an ambiguous or empty selection, [+] inside a path.

Run by CTest as py/test_extends_lists with TW_BIN and TW_SOURCE_DIR.
"""
import os
import re
import shutil
import subprocess
import tempfile
import unittest

import yaml

TW_BIN = os.environ.get("TW_BIN", "")
SRC = os.path.abspath(os.environ.get("TW_SOURCE_DIR",
                                     os.path.join(os.path.dirname(__file__), "..", "..")))
GENEVA = os.path.join(SRC, "scenarios", "geneva-truce.yaml")
BASELINE = os.path.join(SRC, "scenarios", "baseline-2025.yaml")
SMALL = ["-n", "2", "--set", "firms.per_cell=40", "--set", "output.interval_days=30",
         "--set", "end=2025-02-28", "-q"]
ENTRY = ("{measure: s232_metals, imposer: US, target: ALL, rate: 25, effective: 2025-03-12, "
         "sectors: [metals]}")


def parent_tariffs():
    with open(GENEVA) as f:
        return yaml.safe_load(f)["tariffs"]


def tw(*args):
    return subprocess.run([TW_BIN] + list(args), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True, timeout=300)


class ExtendsLists(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="tw_extends_lists_")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def child(self, key):
        path = os.path.join(self.tmp, "child.yaml")
        with open(path, "w") as f:
            f.write("extends: %s\nname: child\n# one more US tariff\n%s:\n  - %s\n"
                    % (GENEVA, key, ENTRY))
        return path

    def ran(self, scenario, *extra):
        out = os.path.join(self.tmp, "out")
        p = tw("run", scenario, "-o", out, "--force", *(SMALL + list(extra)))
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(out, "scenario.yaml")) as f:
            return p, yaml.safe_load(f)

    def test_replacing_warns_on_validate_and_run(self):
        child = self.child("tariffs")
        want = ("%s:4:1: tariffs: replaces %d inherited entries; write tariffs+: to append"
                % (child, len(parent_tariffs())))
        p = tw("validate", child)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(want, p.stderr)
        p, sc = self.ran(child)
        self.assertIn(want, p.stderr)
        self.assertEqual(len(sc["tariffs"]), 1)

    def test_append_form_keeps_inherited_entries(self):
        p, sc = self.ran(self.child("tariffs+"))
        self.assertNotIn("warning", p.stderr)
        parent = parent_tariffs()
        self.assertEqual(len(sc["tariffs"]), len(parent) + 1)
        self.assertEqual(sc["tariffs"][-1]["measure"], "s232_metals")
        self.assertEqual(sc["tariffs"][-1]["target"], "ALL")
        self.assertEqual(sc["tariffs"][:len(parent)], parent)

    def test_replace_form_is_quiet(self):
        p = tw("validate", self.child("tariffs!"))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stderr, "")

    def test_set_appends_and_selects(self):
        p, sc = self.ran(GENEVA, "--set", "tariffs[+]=" + ENTRY, "--set",
                         "tariffs[measure=reciprocal,imposer=US,rate=34].rate=60")
        parent = parent_tariffs()
        self.assertEqual(len(sc["tariffs"]), len(parent) + 1)
        self.assertEqual(sc["tariffs"][len(parent)]["sectors"], ["metals"])
        changed = [i for i in range(len(parent)) if sc["tariffs"][i] != parent[i]]
        self.assertEqual(len(changed), 1)
        i = changed[0]
        self.assertEqual(sc["tariffs"][i]["rate"], 60)
        self.assertEqual((parent[i]["measure"], parent[i]["imposer"], parent[i]["rate"]),
                         ("reciprocal", "US", 34))

    def test_set_appends_to_a_missing_list_and_selects_by_id(self):
        ctl = ("{id: halt, exporter: CN, destination: US, good: rare_earth_magnets, "
               "regime: halt, announced: 2025-02-01, effective: 2025-02-01}")
        p, sc = self.ran(BASELINE, "--set", "export_controls[+]=" + ctl, "--set",
                         "export_controls[id=halt].regime=slow_roll")
        self.assertEqual(len(sc["export_controls"]), 1)
        self.assertEqual(sc["export_controls"][0]["regime"], "slow_roll")

    def test_bad_forms_exit_2_with_a_column(self):
        n = sum(1 for t in parent_tariffs() if t["measure"] == "reciprocal")
        self.assertGreater(n, 1)
        cases = [("tariffs[measure=reciprocal].rate=60", r"matches %d entries .*\(indices "
                  r"[0-9, ]+\).*\(column 8\)" % n),
                 ("tariffs[measure=nope].rate=60", r"no entry of 'tariffs' has measure=nope "
                  r"\(column 8\)"),
                 ("tariffs[measure=].rate=1", r"bad selector \(column 9\)"),
                 ("tariffs[+].rate=1", r"\[\+\] .* must end the key path \(column 8\)"),
                 ("seed[+]=1", r"'seed' is a scalar, not a sequence")]
        for assignment, pattern in cases:
            p = tw("validate", GENEVA, "--set", assignment)
            self.assertEqual(p.returncode, 2, assignment)
            self.assertEqual(len(p.stderr.splitlines()), 1, p.stderr)
            self.assertRegex(p.stderr, pattern)
            out = os.path.join(self.tmp, "refused")
            p = tw("run", GENEVA, "--set", assignment, "-o", out, "-q")
            self.assertEqual(p.returncode, 2, assignment)
            self.assertFalse(os.path.exists(out))

    def test_child_replaces_a_distribution_whole(self):
        """A child of geneva-truce.yaml gives the extension chances (plain, and while an
        accusation stands) as uniforms near 0 over the parent's Betas: the map with `dist:`
        replaces the parent's, so the run draws from the uniforms (replicates.csv) and
        never extends the truce."""
        path = os.path.join(self.tmp, "near_zero.yaml")
        with open(path, "w") as f:
            f.write("extends: %s\nname: near-zero\nevents:\n  truce:\n    extension:\n"
                    "      base: {dist: uniform, lo: 0, hi: 1e-6}\n"
                    "      accused: {dist: uniform, lo: 0, hi: 1e-6}\n" % GENEVA)
        out = os.path.join(self.tmp, "out")
        p = tw("run", path, "-o", out, "--force", "-n", "4", "--set", "firms.per_cell=40",
               "--set", "output.interval_days=30", "-q")
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(out, "scenario.yaml")) as f:
            base = yaml.safe_load(f)["events"]["truce"]["extension"]["base"]
        # (PyYAML reads 1e-6 as text: YAML 1.1 wants a dot in a float)
        self.assertEqual(sorted(base), ["dist", "hi", "lo"])
        self.assertEqual((base["dist"], float(base["hi"])), ("uniform", 1e-6))
        import csv
        with open(os.path.join(out, "replicates.csv")) as f:
            rows = list(csv.DictReader(f))
        self.assertEqual(len(rows), 4)
        for r in rows:
            self.assertLessEqual(float(r["events.truce.extension.base"]), 1e-6)
            self.assertLessEqual(float(r["events.truce.extension.accused"]), 1e-6)
            self.assertEqual(float(r["truce_extended"]), 0.0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
