#!/usr/bin/env python3
"""End-to-end: `tradewar dictionary`, the model's data dictionary printed from the lists
its blocks register.

  - --csv read back by pandas: one row per indicator and outcome, names unique, every
    entry with a unit, an aggregation (sum, mean or category) and a definition, indicators
    with what their region and partner columns hold;
  - it is the dictionary a run writes: the same names, units, aggregations and definitions
    as a real run's datapackage.json, and the outcome columns of its replicates.csv, in
    order;
  - the Markdown form holds the same entries; the documentation's data-dictionary page,
    docs/dictionary.md, is what tools/docs-dictionary makes of it now (generated, so it
    cannot rot), and the outputs page, docs/outputs.md, documents every indicator and
    carries the outcome table exactly as the program prints it;
  - a bad option exits 2 with the option named.

Run by CTest as py/test_dictionary with TW_BIN (the program) and TW_SOURCE_DIR.
"""
import io
import json
import os
import subprocess
import tempfile
import unittest

import pandas as pd

TW_BIN = os.environ.get("TW_BIN", "")
SRC = os.environ.get("TW_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))


def tw(*args):
    return subprocess.run([TW_BIN] + list(args), capture_output=True, text=True, timeout=300)


class Dictionary(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        p = tw("dictionary", "--csv")
        if p.returncode != 0:
            raise AssertionError(f"dictionary --csv: exit {p.returncode}\n{p.stderr}")
        cls.csv = pd.read_csv(io.StringIO(p.stdout), keep_default_na=False)
        p = tw("dictionary")
        if p.returncode != 0:
            raise AssertionError(f"dictionary: exit {p.returncode}\n{p.stderr}")
        cls.md = p.stdout

    def test_every_entry_is_complete_and_named_once(self):
        d = self.csv
        self.assertEqual(list(d.columns),
                         ["kind", "name", "unit", "aggregation", "region", "partner", "definition"])
        self.assertEqual(set(d.kind), {"indicator", "outcome"})
        self.assertFalse(d.name.duplicated().any(), d.name[d.name.duplicated()].tolist())
        self.assertTrue(set(d.aggregation) <= {"sum", "mean", "category"}, set(d.aggregation))
        for col in ("name", "unit", "definition"):
            self.assertTrue((d[col].str.len() > 0).all(), f"an entry without {col}")
        ind = d[d.kind == "indicator"]
        self.assertTrue((ind.region.str.len() > 0).all() and (ind.partner.str.len() > 0).all())
        out = d[d.kind == "outcome"]
        self.assertTrue((out.region == "").all() and (out.partner == "").all())

    def test_it_is_the_dictionary_a_run_writes(self):
        with tempfile.TemporaryDirectory(prefix="tw_dictionary_") as tmp:
            out = os.path.join(tmp, "run")
            p = tw("run", os.path.join(SRC, "scenarios", "geneva-truce.yaml"), "-o", out, "-n", "2",
                   "--set", "firms.per_cell=20", "--set", "rare_earths.per_cell=20", "--set",
                   "end=2025-02-28", "-q")
            self.assertEqual(p.returncode, 0, p.stderr)
            with open(os.path.join(out, "datapackage.json")) as f:
                pkg = json.load(f)
            reps = pd.read_csv(os.path.join(out, "replicates.csv"))
            summary = pd.read_csv(os.path.join(out, "summary.csv"))
        for kind, key in (("indicator", "indicators"), ("outcome", "outcomes")):
            mine = self.csv[self.csv.kind == kind]
            theirs = pkg[key]
            self.assertEqual(mine.name.tolist(), [e["name"] for e in theirs], key)
            for (_, row), e in zip(mine.iterrows(), theirs):
                for field in ("unit", "aggregation", "definition"):
                    self.assertEqual(row[field], e[field], f"{row['name']}: {field}")
        outcomes = self.csv[self.csv.kind == "outcome"].name.tolist()
        self.assertEqual(list(reps.columns[2:2 + len(outcomes)]), outcomes)
        self.assertTrue(set(summary.indicator) <= set(self.csv[self.csv.kind == "indicator"].name))

    def test_markdown_and_docs(self):
        for name in self.csv.name:
            self.assertIn(f"| `{name}` |", self.md)
        lines = self.md.splitlines()
        start = next(i for i, l in enumerate(lines) if l.startswith("| outcome |"))
        table = [l for l in lines[start:] if l.startswith("|")]
        self.assertEqual(len(table), 2 + (self.csv.kind == "outcome").sum())
        with open(os.path.join(SRC, "docs", "outputs.md")) as f:
            outputs = f.read()
        outputs_lines = [l.strip() for l in outputs.splitlines()]
        for l in table:
            self.assertTrue(l in outputs_lines, "docs/outputs.md's outcome table lacks the line "
                            f"{l!r} of `tradewar dictionary`; paste its outcome table again")
        for name in self.csv[self.csv.kind == "indicator"].name:
            self.assertTrue(f"`{name}`" in outputs,
                            f"docs/outputs.md does not document the indicator {name}")

    def test_the_dictionary_page_is_what_the_program_prints(self):
        p = subprocess.run([os.path.join(SRC, "tools", "docs-dictionary"), "--check", TW_BIN],
                           capture_output=True, text=True, timeout=300)
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(SRC, "docs", "dictionary.md")) as f:
            page = f.read()
        self.assertTrue(page.endswith(self.md), "docs/dictionary.md does not end with the "
                        "program's Markdown")

    def test_a_bad_option_is_refused(self):
        p = tw("dictionary", "--markdown")
        self.assertEqual(p.returncode, 2)
        self.assertIn("--markdown", p.stderr)
        self.assertEqual(p.stdout, "")


if __name__ == "__main__":
    unittest.main()
