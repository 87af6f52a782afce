#!/usr/bin/env python3
"""End-to-end: the data dictionary beside every output (datapackage.json) and --compress.

Runs the real program (a run with trajectories, the same run with --compress, a sweep,
a compare and a score) and checks each directory's datapackage.json against the rules of
the Frictionless Data Package and Table Schema specifications (Debian and npm package no
Frictionless validator program, so the rules are checked here): the package and resource
properties, unique resource names of the allowed characters, relative paths that exist,
one field per column of the file's header in order, of a Table Schema type, each with a
description; then every CSV is read with pandas and every value checked against its
field's type, its enum or pattern and the missing values. Every indicator of summary.csv must be in
the dictionary with a unit and what region and partner hold, every outcome too.

Then every kind of output (a run, a run with --compress, a compare whose ratio column holds
infinities, a sweep, a score, and bench.csv with the package `tradewar dictionary
--package` writes for it) is validated by npm's datapackage, the Frictionless reference
implementation (tools/node/validate-datapackage.js, installed by tools/setup): the
descriptor against its profile and every row cast through its Table Schema. Skipped only
where there is no node program.

--compress: summary.csv.gz and trajectories.csv.gz only, the same bytes in two runs, a
gzip header without a name or a time, the text of the plain run's files, the same result
hash, read by pandas as they are, and score gives the same bytes on either.

Run by CTest as py/test_datapackage with TW_BIN and TW_SOURCE_DIR.
"""
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

import numpy as np
import pandas as pd

TW_BIN = os.environ.get("TW_BIN", "")
SRC = os.environ.get("TW_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
GENEVA = os.path.join(SRC, "scenarios", "geneva-truce.yaml")  # drawn parameters too
SWEEP = os.path.join(SRC, "tests", "e2e", "fixtures", "sweep_grid.yaml")
COMPARE_B = os.path.join(SRC, "tests", "e2e", "fixtures", "compare_tariff.yaml")
OBSERVED = os.path.join(SRC, "analysis", "examples", "observed-2024-average.csv")
VALIDATOR = os.path.join(SRC, "tools", "node", "validate-datapackage.js")
NODE = shutil.which("node")
# Weekly rows: the nine regions' daily rows are millions of lines for the validator to read,
# and what it checks is the schema of each column, not the count of days.
SMALL = ["-n", "2", "-s", "1", "--set", "firms.per_cell=20", "--set", "rare_earths.per_cell=20",
         "--set", "end=2025-04-30", "--set", "output.interval_days=7", "-q", "-f"]
TINY = ["-n", "4", "-s", "3", "--set", "firms.per_cell=20", "--set", "rare_earths.per_cell=20",
        "--set", "end=2025-04-30",
        "-t", "2", "-q", "-f"]

# Table Schema (v1) field types, and the rules for names and paths.
TYPES = {"string", "number", "integer", "boolean", "object", "array", "date", "time",
         "datetime", "year", "yearmonth", "duration", "geopoint", "geojson", "any"}
NAME = re.compile(r"^[a-z0-9._-]+$")


def run(args):
    return subprocess.run([TW_BIN] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=600)


def check_package(test, outdir):
    """The package's properties and each resource against its file; returns the package."""
    with open(os.path.join(outdir, "datapackage.json"), encoding="utf-8") as f:
        pkg = json.load(f)
    test.assertEqual(pkg["profile"], "tabular-data-package")
    test.assertRegex(pkg["name"], NAME)
    res = pkg["resources"]
    test.assertIsInstance(res, list)
    test.assertGreater(len(res), 0)
    names = [r["name"] for r in res]
    test.assertEqual(len(names), len(set(names)), "resource names must be unique")
    described = set()
    for r in res:
        with test.subTest(resource=r["name"]):
            test.assertRegex(r["name"], NAME)
            test.assertEqual(r["profile"], "tabular-data-resource")
            path = r["path"]
            test.assertFalse(os.path.isabs(path) or ".." in path.split("/"), path)
            full = os.path.join(outdir, path)
            test.assertTrue(os.path.isfile(full), path)
            test.assertEqual(r["format"], "csv")
            test.assertEqual(r["encoding"], "utf-8")
            test.assertEqual(r.get("compression") == "gz", path.endswith(".gz"), path)
            schema = r["schema"]
            missing = schema.get("missingValues", [""])
            test.assertTrue(all(isinstance(v, str) for v in missing))
            fields = schema["fields"]
            fnames = [f["name"] for f in fields]
            test.assertEqual(len(fnames), len(set(fnames)), "field names must be unique")
            for f in fields:
                test.assertIn(f["type"], TYPES, f["name"])
                test.assertTrue(f.get("description"), f"{path}: {f['name']} is not described")
            check_data(test, full, fields, missing)
            described.add(path)
    # Every CSV of the directory (and of points/<k>/) is a resource.
    for root, _, files in os.walk(outdir):
        for name in files:
            if name.endswith(".csv") or name.endswith(".csv.gz"):
                rel = os.path.relpath(os.path.join(root, name), outdir)
                if not rel.startswith("report"):
                    test.assertIn(rel, described, f"{rel} has no resource")
    return pkg


def check_data(test, path, fields, missing):
    """Read the CSV with pandas (as text) and check each column against its field."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    test.assertEqual(list(df.columns), [f["name"] for f in fields], path)
    for f in fields:
        col = df[f["name"]]
        present = col[~col.isin(missing)]
        where = f"{os.path.basename(path)}: {f['name']}"
        if f["type"] == "number":
            # Table Schema numbers: decimal text, or NaN, INF, -INF as the reference
            # implementation reads them (exactly so; "inf" is not a number there).
            ok = (pd.to_numeric(present, errors="coerce").notna() &
                  ~present.str.lower().isin(["nan", "inf", "-inf"])) | \
                present.isin(["NaN", "INF", "-INF"])
            test.assertTrue(ok.all(), f"{where}: {present[~ok].head(3).tolist()}")
        elif f["type"] == "integer":
            ok = present.str.fullmatch(r"-?\d+")
            test.assertTrue(ok.all(), f"{where}: {present[~ok].head(3).tolist()}")
        elif f["type"] == "date":
            ok = pd.to_datetime(present, format="%Y-%m-%d", errors="coerce").notna()
            test.assertTrue(ok.all(), f"{where}: {present[~ok].head(3).tolist()}")
        enum = f.get("constraints", {}).get("enum")
        if enum is not None:
            bad = set(present) - set(enum)
            test.assertFalse(bad, f"{where}: not in its enum: {sorted(bad)[:3]}")
        pattern = f.get("constraints", {}).get("pattern")
        if pattern is not None:  # an XML Schema regular expression: the whole value
            ok = present.str.fullmatch(pattern)
            test.assertTrue(ok.all(), f"{where}: not matching: {present[~ok].head(3).tolist()}")


class DataPackage(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="tw_datapackage_")
        cls.plain = os.path.join(cls.tmp, "plain")
        cls.gz = [os.path.join(cls.tmp, "gz1"), os.path.join(cls.tmp, "gz2")]
        for out, extra in [(cls.plain, []), (cls.gz[0], ["--compress"]),
                           (cls.gz[1], ["--compress", "-t", "1"])]:
            p = run(["run", GENEVA, "-o", out, "--trajectories"] + TINY + extra)
            assert p.returncode == 0, p.stderr

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_run_package(self):
        pkg = check_package(self, self.plain)
        paths = {r["path"] for r in pkg["resources"]}
        self.assertTrue({"summary.csv", "replicates.csv", "outcomes.csv", "events.csv",
                         "trajectories.csv"} <= paths, paths)
        ind = {d["name"]: d for d in pkg["indicators"]}
        for d in pkg["indicators"]:
            for key in ("unit", "aggregation", "definition", "region", "partner"):
                self.assertTrue(d.get(key), f"{d['name']}: no {key}")
            self.assertIn(d["aggregation"], ("sum", "mean", "category"))
        # region and partner swap meaning between imports and exports, and it is said.
        self.assertIn("importer", ind["imports"]["region"])
        self.assertIn("exporter", ind["imports"]["partner"])
        self.assertIn("exporter", ind["exports"]["region"])
        self.assertIn("importer", ind["exports"]["partner"])
        summary = pd.read_csv(os.path.join(self.plain, "summary.csv"), usecols=["indicator"])
        self.assertFalse(set(summary["indicator"]) - set(ind))
        out = {d["name"] for d in pkg["outcomes"]}
        reps = pd.read_csv(os.path.join(self.plain, "replicates.csv"), nrows=1)
        for c in reps.columns[2:]:
            self.assertTrue(c in out or "." in c, f"replicates.csv: {c} is neither an "
                            "outcome nor a drawn parameter")
        units = {f["name"]: f.get("unit") for r in pkg["resources"]
                 if r["path"] == "replicates.csv" for f in r["schema"]["fields"]}
        self.assertEqual(units["imports_us_from_cn_usd_bn"], "USD bn")

    def test_categories_are_shares(self):
        """A state is written as one 0/1 series per value: the means of a region's states
        add up to 1 on every day, and no averaged code remains."""
        df = pd.read_csv(os.path.join(self.plain, "summary.csv"))
        self.assertFalse(df["indicator"].isin(["re_regime", "strategy_state"]).any())
        for prefix in ("re_regime_", "strategy_"):
            s = df[df["indicator"].str.startswith(prefix)]
            self.assertGreater(len(s), 0, prefix)
            total = s.groupby(["date", "region", "partner", "sector"])["mean"].sum()
            np.testing.assert_allclose(total.to_numpy(), 1.0, rtol=0, atol=1e-12)
            self.assertTrue(((s["mean"] >= 0) & (s["mean"] <= 1)).all())

    def test_compress(self):
        names = sorted(os.listdir(self.gz[0]))
        self.assertIn("summary.csv.gz", names)
        self.assertIn("trajectories.csv.gz", names)
        self.assertNotIn("summary.csv", names)
        self.assertNotIn("trajectories.csv", names)
        self.assertIn("replicates.csv", names)
        for name in ("summary.csv", "trajectories.csv"):
            with open(os.path.join(self.gz[0], name + ".gz"), "rb") as f:
                a = f.read()
            with open(os.path.join(self.gz[1], name + ".gz"), "rb") as f:
                b = f.read()
            self.assertEqual(a, b, f"{name}.gz differs between two runs (1 and 2 threads)")
            # gzip header (RFC 1952): no FNAME flag, MTIME 0, OS 255.
            self.assertEqual(a[:4], b"\x1f\x8b\x08\x00", "flags must be 0 (no name)")
            self.assertEqual(a[4:8], b"\x00\x00\x00\x00", "MTIME must be 0")
            self.assertEqual(a[9], 255)
            with open(os.path.join(self.plain, name), "rb") as f:
                self.assertEqual(gzip.decompress(a), f.read(), name)
        # pandas reads it as it is.
        df = pd.read_csv(os.path.join(self.gz[0], "summary.csv.gz"))
        self.assertEqual(list(df.columns[:5]), ["date", "indicator", "region", "partner",
                                                "sector"])

        def result_hash(d):
            with open(os.path.join(d, "provenance.yaml")) as f:
                return re.search(r"^result_hash: \"?([0-9a-f]+)", f.read(), re.M).group(1)
        self.assertEqual(result_hash(self.gz[0]), result_hash(self.plain))
        pkg = check_package(self, self.gz[0])
        self.assertIn("summary.csv.gz", {r["path"] for r in pkg["resources"]})

    def test_score_reads_compressed(self):
        """score on the compressed run writes the same bytes as on the plain one, and its
        own directory carries a package."""
        observed = os.path.join(self.tmp, "observed.csv")
        with open(OBSERVED) as f, open(observed, "w") as out:
            out.writelines(line for line in f if not line.startswith("2025-") or
                           line[:7] <= "2025-04")
        got = []
        for d in (self.plain, self.gz[0]):
            sd = os.path.join(self.tmp, "score-" + os.path.basename(d))
            p = run(["score", d, observed, "-o", sd, "-q"])
            self.assertEqual(p.returncode, 0, p.stderr)
            with open(os.path.join(sd, "score.csv"), "rb") as f:
                got.append(f.read())
            check_package(self, sd)
        self.assertEqual(got[0], got[1])

    def test_sweep_package(self):
        out = os.path.join(self.tmp, "sweep")
        p = run(["run", SWEEP, "-o", out, "-n", "2", "-s", "1", "--set", "firms.per_cell=20",
                 "--set", "rare_earths.per_cell=20", "--set", "end=2025-04-30", "-q", "-f",
                 "--compress"])
        self.assertEqual(p.returncode, 0, p.stderr)
        pkg = check_package(self, out)
        paths = {r["path"] for r in pkg["resources"]}
        self.assertTrue({"sweep_points.csv", "sweep_outcomes.csv", "sensitivity.csv",
                         "points/0/summary.csv.gz", "points/5/replicates.csv"} <= paths, paths)
        self.assertFalse(os.path.exists(os.path.join(out, "points", "0", "summary.csv")))

    def test_compare_package(self):
        a = os.path.join(SRC, "scenarios", "baseline-2025.yaml")
        out = os.path.join(self.tmp, "compare")
        p = run(["compare", a, COMPARE_B, "-o", out, "-n", "2", "-s", "1", "--set",
                 "firms.per_cell=20", "--set", "rare_earths.per_cell=20", "--set",
                 "end=2025-04-30", "-q", "-f"])
        self.assertEqual(p.returncode, 0, p.stderr)
        pkg = check_package(self, out)
        self.assertIn("compare.csv", {r["path"] for r in pkg["resources"]})

    def test_dictionary_package_refusals(self):
        """dictionary --package on a missing directory, or on one without a CSV of the
        program (a package needs a resource): exit 2, one line, nothing written."""
        empty = os.path.join(self.tmp, "empty")
        os.mkdir(empty)
        for d, said in ((os.path.join(self.tmp, "missing"), "not a directory"),
                        (empty, "no CSV file that tradewar writes")):
            p = run(["dictionary", "--package", d])
            self.assertEqual(p.returncode, 2, p.stderr)
            self.assertIn(said, p.stderr)
            self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)
        self.assertEqual(os.listdir(empty), [])


class NodeValidator(unittest.TestCase):
    """Each kind of output, as npm's datapackage reads it."""

    @classmethod
    def setUpClass(cls):
        if NODE is None:
            raise unittest.SkipTest("no node program (tools/setup installs Node.js)")
        if not os.path.isdir(os.path.join(SRC, "tools", "node", "node_modules", "datapackage")):
            raise AssertionError("tools/node/node_modules has no datapackage: run tools/setup")
        cls.tmp = tempfile.mkdtemp(prefix="tw_datapackage_node_")
        cls.dirs = {}
        baseline = os.path.join(SRC, "scenarios", "baseline-2025.yaml")
        jobs = {"run": ["run", GENEVA, "--trajectories"],
                "compressed": ["run", GENEVA, "--trajectories", "--compress"],
                "compare": ["compare", baseline, COMPARE_B],
                "sweep": ["run", SWEEP, "--compress"]}
        for kind, args in jobs.items():
            out = cls.dirs[kind] = os.path.join(cls.tmp, kind)
            p = run(args + ["-o", out] + SMALL)
            assert p.returncode == 0, p.stderr
        observed = os.path.join(cls.tmp, "observed.csv")
        with open(OBSERVED) as f, open(observed, "w") as out:
            out.writelines(line for line in f if not line.startswith("2025-") or
                           line[:7] <= "2025-04")
        cls.dirs["score"] = os.path.join(cls.tmp, "score")
        p = run(["score", cls.dirs["compressed"], observed, "-o", cls.dirs["score"], "-q"])
        assert p.returncode == 0, p.stderr
        # bench.csv as tw_bench writes it, and its package from `tradewar dictionary`
        bench = os.path.join(os.path.dirname(TW_BIN), "tw_bench")
        if os.access(bench, os.X_OK):
            out = cls.dirs["bench"] = os.path.join(cls.tmp, "bench")
            os.mkdir(out)
            p = subprocess.run([bench, "--quick", "--mode", "firm", "--firms", "4096",
                                "--weak-firms", "4096", "--days", "3", "--threads", "1,2",
                                "--repeats", "1", "--csv", os.path.join(out, "bench.csv")],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               universal_newlines=True, timeout=600)
            assert p.returncode == 0, p.stderr
            p = run(["dictionary", "--package", out])
            assert p.returncode == 0, p.stderr

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def validate(self, kind):
        if kind not in self.dirs:
            self.skipTest(f"no {kind} output (no tw_bench beside the program)")
        out = self.dirs[kind]
        p = subprocess.run([NODE, VALIDATOR, out], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, universal_newlines=True, timeout=600)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertRegex(p.stdout, r": valid, [1-9]\d* resources, [1-9]\d* rows")
        return out

    def test_run(self):
        self.validate("run")

    def test_compressed_run(self):
        out = self.validate("compressed")
        self.assertTrue(os.path.isfile(os.path.join(out, "trajectories.csv.gz")))

    def test_compare_with_infinities(self):
        """With two replicates some cells have a paired half-width of 0: their ratio is
        infinite, written as Table Schema spells it."""
        out = self.validate("compare")
        with open(os.path.join(out, "compare.csv")) as f:
            text = f.read()
        self.assertIn(",INF", text)
        self.assertNotIn(",inf", text)

    def test_sweep(self):
        self.validate("sweep")

    def test_score(self):
        self.validate("score")

    def test_bench(self):
        out = self.validate("bench")
        check_package(self, out)


if __name__ == "__main__":
    if not TW_BIN or not os.access(TW_BIN, os.X_OK):
        sys.exit("TW_BIN must name the tradewar program")
    unittest.main()
