#!/usr/bin/env python3
"""The terminal report names no model: cli/cli_report.c and cli/cli_headline.c render the
model's report spec (engine/tw_report.h, models/tw_report.c) and hold no series, outcome
or scenario key of their own.

  - no string literal of theirs (comments aside) holds a name of the model's data
    dictionary (an indicator or an outcome, read from `tradewar dictionary --csv`) as a
    word;
  - none holds a scenario key: a top-level key of a shipped scenario (scenarios/*.yaml,
    scenarios/examples/*.yaml) as the whole literal or as the start of a dotted path, or
    any key of theirs that is an identifier (with an underscore) as a word;
  - neither includes the model's header (tw_trade.h) or calls the model's functions
    (tw_trade_*): they reach the model only through tw_model and its report spec.

The toy models whose specs change the table are tests/cli/test_report.c's.
Run by CTest as py/test_report_spec with TW_BIN (the program) and TW_SOURCE_DIR.
"""
import csv
import glob
import io
import os
import re
import subprocess
import unittest

import yaml

TW_BIN = os.environ.get("TW_BIN", "")
SRC = os.environ.get("TW_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
RENDERERS = ["cli/cli_report.c", "cli/cli_headline.c"]


def literals(path):
    """The string literals of a C file, comments stripped, as (line, text) pairs; adjacent
    literals are also given joined, as the compiler joins them."""
    with open(os.path.join(SRC, path), encoding="utf-8") as f:
        text = f.read()
    # Comments out, lines kept (a literal never holds "/*" in these files).
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    out = []
    lit = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
    for m in re.finditer(r'(?:"(?:[^"\\\n]|\\.)*"\s*)+', text):
        line = text.count("\n", 0, m.start()) + 1
        parts = lit.findall(m.group(0))
        out.extend((line, p) for p in parts)
        if len(parts) > 1:
            out.append((line, "".join(parts)))
    return out


def keys(node, prefix, top, ids):
    if isinstance(node, dict):
        for k, v in node.items():
            k = str(k)
            if not prefix:
                top.add(k)
            if "_" in k:
                ids.add(k)
            keys(v, prefix + [k], top, ids)
    elif isinstance(node, list):
        for v in node:
            keys(v, prefix, top, ids)


def word(name):
    return re.compile(r"(?<![A-Za-z0-9_])" + re.escape(name) + r"(?![A-Za-z0-9_])")


class RendererNamesNoModel(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        p = subprocess.run([TW_BIN, "dictionary", "--csv"], capture_output=True, text=True,
                           timeout=120)
        if p.returncode != 0:
            raise AssertionError(f"tradewar dictionary --csv failed:\n{p.stderr}")
        cls.names = sorted({row["name"] for row in csv.DictReader(io.StringIO(p.stdout))})
        cls.top, cls.ids = set(), set()
        files = sorted(glob.glob(os.path.join(SRC, "scenarios", "*.yaml")) +
                       glob.glob(os.path.join(SRC, "scenarios", "examples", "*.yaml")))
        for f in files:
            with open(f, encoding="utf-8") as fh:
                keys(yaml.safe_load(fh), [], cls.top, cls.ids)
        cls.top.discard("extends")
        cls.lits = {path: literals(path) for path in RENDERERS}

    def test_the_lists_to_check_against_are_there(self):
        # A check against empty lists could not fail.
        self.assertGreater(len(self.names), 50)
        for k in ("events", "governments", "third_parties", "rare_earths"):
            self.assertIn(k, self.top)
        self.assertIn("per_year", self.ids)
        self.assertTrue(any(t.startswith("%-56s  %11s") for _, t in self.lits["cli/cli_headline.c"]))

    def test_no_dictionary_name(self):
        bad = [f"{path}:{line}: \"{t}\" names {n}"
               for path, lits in self.lits.items() for line, t in lits
               for n in self.names if word(n).search(t)]
        self.assertEqual(bad, [], "the model's series and outcomes belong in its report "
                                  "spec (models/tw_report.c):\n" + "\n".join(bad))

    def test_no_scenario_key(self):
        dotted = re.compile(r"(?<![A-Za-z0-9_])(" + "|".join(map(re.escape, sorted(self.top))) +
                            r")\.[A-Za-z_]")
        bad = []
        for path, lits in self.lits.items():
            for line, t in lits:
                if t in self.top or dotted.search(t):
                    bad.append(f"{path}:{line}: \"{t}\" names a scenario key")
                bad += [f"{path}:{line}: \"{t}\" names the scenario key {k}"
                        for k in sorted(self.ids) if word(k).search(t)]
        self.assertEqual(bad, [], "the scenario keys the report reads belong in the model's "
                                  "report spec (models/tw_report.c):\n" + "\n".join(bad))

    def test_no_model_header_or_function(self):
        for path in RENDERERS:
            with open(os.path.join(SRC, path), encoding="utf-8") as f:
                text = f.read()
            self.assertNotIn('#include "tw_trade.h"', text, path)
            self.assertIsNone(re.search(r"\btw_trade_\w+\s*\(", text), path)


if __name__ == "__main__":
    unittest.main()
