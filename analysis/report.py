#!/usr/bin/env python3
"""Turn a tradewar output directory into PNG charts and a self-contained HTML report.

    /usr/bin/python3 analysis/report.py OUTDIR [--out REPORTDIR]

OUTDIR is what `tradewar run` (summary.csv or, with --compress, summary.csv.gz,
replicates.csv, scenario.yaml, provenance.yaml), `tradewar compare` (compare.csv,
compare_outcomes.csv, scenario_a.yaml, scenario_b.yaml, provenance.yaml), a sweep
(sweep_outcomes.csv, sweep_points.csv, sensitivity.csv), `tradewar score` (score.csv, in
SCOREDIR or in OUTDIR/score/) or bench/run (bench.csv) wrote. The report goes to
OUTDIR/report/ unless
--out names another folder: report.html (charts embedded as base64 data URIs) and one
PNG per chart. It is built in a temporary folder beside the destination and renamed
into place only when complete, so a failed run leaves no half-written report.

Exit status: 0 success; 2 bad usage or unusable input (one line on stderr,
`report.py: OUTDIR: what is wrong`); 1 failure while writing the report.

Charts, conventions and the input formats: analysis/README.md.
"""

import argparse
import base64
import csv
import datetime
import html
import json
import math
import os
import re
import shutil
import sys
import tempfile

from tradewar_report.markers import (event_markers, measure_markers, merge_same_day,
                                     place_labels, tariff_measures, truce_deadline)

PROG = "report.py"
MIN_VERSION = (0, 1, 0)

SUMMARY_TEXT = ["date", "indicator", "region", "partner", "sector"]
SUMMARY_STATS = ["mean", "sd", "p05", "p50", "p95"]
SUMMARY_COLUMNS = SUMMARY_TEXT + SUMMARY_STATS
# compare.csv and compare_outcomes.csv (`tradewar compare`): per cell or outcome, the pairs
# used, both means, B - A and its paired and unpaired 95% intervals, and their ratio.
COMPARE_STATS = ["n", "mean_a", "mean_b", "diff", "paired_lo", "paired_hi", "unpaired_lo",
                 "unpaired_hi", "ratio"]
SENSITIVITY_COLUMNS = ["outcome", "parameter", "first_order"]
DATA_FILES = ["summary.csv", "summary.csv.gz", "compare.csv", "sweep_outcomes.csv", "bench.csv",
              "score.csv"]

Z975 = 1.959963984540054   # standard normal 97.5% quantile
Z95 = 1.6448536269514722   # 95% quantile: mean +- Z95 sd is the normal 90% band
NUMBER_FORMAT = "%.6g"     # every number in the report's tables

# Greyscale-safe palette: a near-black median over two fills of clearly different
# lightness (about 86% and 63% in greyscale), and linestyles to tell series apart.
INK = "#102a43"
FILL_90 = "#d3dce6"
FILL_50 = "#8ea6bf"
MARKER_INK = "#6b6b6b"
LINESTYLES = ["-", "--", "-.", ":", (0, (5, 1, 1, 1, 1, 1))]
MARKERS = ["o", "s", "^", "D", "v", "P"]
DPI = 110

REGION_NAMES = {"US": "US", "CN": "China", "EU": "EU", "ROW": "rest of world", "ALL": "all",
                "all": "all"}
REGION_ORDER = ["US", "CN", "EU", "ROW"]

UNITS = {
    "tariff_rate": "percent (effective, trade-weighted)",
    "imports": "USD million per day",
    "exports": "USD million per day",
    "tariff_revenue": "USD million per day",
    "import_price_index": "index, first day = 1",
    "buyer_price_index": "index, first day = 1",
    "partner_import_share": "percent of the importer's imports",
    "expenditure_share": "percent of spending",
    "welfare": "percent change in real income",
    "re_shipments": "tonnes per day",
    "re_inventory_days": "days of full use",
    "re_firms_halted": "percent of dependent firms",
    "output_loss": "percent of potential output",
    "gdp": "percent change against the baseline",
    "gov_pain": "percent of GDP",
    "truce_active": "share of replicates (0/1 per replicate)",
}
# The units of the run's own data dictionary (datapackage.json beside its CSVs), which win
# over UNITS: {indicator or outcome name: unit}. Filled by load_output.
PACKAGE_UNITS = {}


def indicator_unit(name):
    """The axis label of an indicator: its unit from datapackage.json, else UNITS."""
    unit = PACKAGE_UNITS.get(name) or UNITS.get(name, name)
    return "share of replicates" if unit == "0/1" else unit

# The fan charts of a run, in report order. Each series is (region, partner, sector,
# label); a series absent from summary.csv is left out, a chart without any is skipped.
FAN_SPECS = [
    dict(id="tariff_rates", indicator="tariff_rate", title="Tariff rates each way",
         series=[("US", "CN", "all", "US tariff on imports from China"),
                 ("CN", "US", "all", "China's tariff on imports from the US")]),
    dict(id="imports_bilateral", indicator="imports", title="Bilateral imports",
         series=[("US", "CN", "all", "US imports from China"),
                 ("CN", "US", "all", "China's imports from the US")]),
    dict(id="partner_import_share", indicator="partner_import_share",
         title="Partner import shares",
         series=[("US", "CN", "all", "China's share of US imports"),
                 ("CN", "US", "all", "US share of China's imports")]),
]
# Rare-earth and macro indicators of later versions: charted when present.
GENERIC_SPECS = [
    ("re_shipments", "Rare-earth shipments"),
    ("re_inventory_days", "Rare-earth inventory cover"),
    ("re_firms_halted", "Firms halted by rare-earth shortages"),
    ("output_loss", "Output loss"),
    ("gdp", "GDP"),
    ("gov_pain", "Governments' pain"),
    ("truce_active", "Truce in force"),
]
WELFARE_SPEC = dict(id="welfare", indicator="welfare", title="Welfare (real spending, general equilibrium)",
                    series=[(r, "all", "all", REGION_NAMES[r]) for r in REGION_ORDER])
MAX_PANELS = 4
MAX_GRID = 12   # panels per histogram / response / tornado image


class ReportError(Exception):
    """Unusable input: reported as `report.py: OUTDIR: message`, exit status 2."""


# ----------------------------------------------------------------------------------------
# Small statistics helpers (no scipy needed)

def _t_two_sided_mass(t, df):
    """P(|T| < t) for Student's t with integer df (Abramowitz & Stegun 26.7.3-4)."""
    th = math.atan(t / math.sqrt(df))
    s, c = math.sin(th), math.cos(th)
    if df % 2 == 1:
        if df == 1:
            return 2.0 / math.pi * th
        term = acc = c
        for k in range(3, df - 1, 2):
            term *= c * c * (k - 1) / k
            acc += term
        return 2.0 / math.pi * (th + s * acc)
    term = acc = 1.0
    for k in range(2, df - 1, 2):
        term *= c * c * (k - 1) / k
        acc += term
    return s * acc


def t_quantile_975(df):
    """97.5% quantile of Student's t with df degrees of freedom (NaN when df < 1)."""
    if df < 1:
        return float("nan")
    if df > 1000:  # Cornish-Fisher expansion (A&S 26.7.5), exact to double precision here
        z, n = Z975, float(df)
        g1 = (z ** 3 + z) / 4
        g2 = (5 * z ** 5 + 16 * z ** 3 + 3 * z) / 96
        g3 = (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / 384
        g4 = (79 * z ** 9 + 776 * z ** 7 + 1482 * z ** 5 - 1920 * z ** 3 - 945 * z) / 92160
        return z + g1 / n + g2 / n ** 2 + g3 / n ** 3 + g4 / n ** 4
    lo, hi = 0.0, 16.0
    while _t_two_sided_mass(hi, df) < 0.95:
        hi *= 2
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi):
            break
        if _t_two_sided_mass(mid, df) < 0.95:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def t_interval(values):
    """(mean, sd, low, high) of the 95% t interval of the mean; NaN bounds when n < 2."""
    n = len(values)
    mean = float(values.mean())
    sd = float(values.std(ddof=1)) if n > 1 else float("nan")
    if n < 2:
        return mean, sd, float("nan"), float("nan")
    half = t_quantile_975(n - 1) * sd / math.sqrt(n)
    return mean, sd, mean - half, mean + half


def wilson_interval(k, n, z=Z975):
    """95% Wilson score interval for k successes in n trials."""
    if n <= 0:
        return float("nan"), float("nan")
    p = k / n
    den = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / den
    half = z / den * math.sqrt(p * (1 - p) / n + z * z / (4.0 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def fmt(x, digits=None):
    """A table number: NUMBER_FORMAT, or n/a for a missing or non-finite value. With
    digits(value) -> decimals, the value rounded to that many decimals instead."""
    if x is None:
        return "n/a"
    try:
        xf = float(x)
    except (TypeError, ValueError):
        return str(x)
    if not math.isfinite(xf):
        return "n/a"
    if digits is None:
        return NUMBER_FORMAT % xf
    d = digits(xf)
    text = f"{round(xf, d):.{max(d, 0)}f}"
    return "0" if float(text) == 0 else text


def fmt_round(x, u=None, sig=3):
    """A number for a sentence: sig significant digits, fewer where its uncertainty u (the
    half-width of its interval, or its spread) is larger, down to two significant digits
    of u (403.729 with u 40 is "404", with u 120 "400"; -0.0872217 is "-0.0872"); n/a when
    missing or not finite."""
    def digits(xf):
        if xf == 0:
            return 0
        d = sig - 1 - math.floor(math.log10(abs(xf)))
        if u is not None and math.isfinite(float(u)) and float(u) > 0:
            d = min(d, 1 - math.floor(math.log10(float(u))))
        return d
    return fmt(x, digits)


# ----------------------------------------------------------------------------------------
# scenario.yaml and provenance.yaml, read with PyYAML's BaseLoader: maps and lists as such,
# every scalar as the string it is written as (the report formats them itself).

def parse_yaml(text, name):
    import yaml
    try:
        result = yaml.load(text, Loader=yaml.BaseLoader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"{name}: line {mark.line + 1}" if mark is not None else name
        raise ReportError(f"{where}: {getattr(e, 'problem', None) or e}")
    if result is None:
        return {}
    if not isinstance(result, dict):
        raise ReportError(f"{name}: expected a map at the top level")
    return result


def read_yaml_file(path, name):
    try:
        with open(path, "r", encoding="utf-8") as f:
            text = f.read()
    except UnicodeDecodeError:
        raise ReportError(f"{name}: not UTF-8 text")
    except OSError as e:
        raise ReportError(f"{name}: cannot read ({e.strerror})")
    return parse_yaml(text, name), text


def version_tuple(text):
    m = re.match(r"^\s*v?(\d+)\.(\d+)(?:\.(\d+))?", str(text))
    if not m:
        return None
    return tuple(int(g or 0) for g in m.groups())


# ----------------------------------------------------------------------------------------
# Reading the CSVs, with truncation and shape checks.

def _csv_fields(text):
    """The fields of one CSV line of any length: the csv module refuses a field over its
    limit (128 KiB by default) with an exception, so the limit is raised to the line's
    length first."""
    if len(text) >= csv.field_size_limit():
        csv.field_size_limit(len(text) + 1)
    return next(csv.reader([text]))


def _open_raw(path):
    """The file's bytes, gunzipped for NAME.csv.gz (--compress)."""
    import gzip
    return gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb")


def _count_lines(path):
    with _open_raw(path) as f:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))


def _line_text(path, lineno):
    with _open_raw(path) as f:
        for no, line in enumerate(f, 1):
            if no == lineno:
                return line.decode("utf-8", "replace").rstrip("\r\n")
    return None


def check_csv_shape(path, name):
    """The header of a CSV after checking that the file is not empty and not cut off."""
    size = os.path.getsize(path)
    if size == 0:
        raise ReportError(f"{name}: empty file (truncated?)")
    with _open_raw(path) as f:
        first = f.readline()
        if path.endswith(".gz"):
            tail = first
            for chunk in iter(lambda: f.read(1 << 20), b""):
                tail = (tail + chunk)[-65536:]
        else:
            f.seek(max(0, size - 65536))
            tail = f.read()
    try:
        header_text = first.decode("utf-8").rstrip("\r\n")
    except UnicodeDecodeError:
        raise ReportError(f"{name}: line 1: not UTF-8 text")
    header = _csv_fields(header_text) if header_text else []
    if not header or header == [""]:
        raise ReportError(f"{name}: line 1: empty header line")
    if not tail.endswith(b"\n"):
        last = tail.rsplit(b"\n", 1)[-1].decode("utf-8", "replace")
        nfields = len(_csv_fields(last)) if last else 0
        lineno = _count_lines(path) + 1
        raise ReportError(f"{name}: truncated: line {lineno} has no line end "
                          f"({nfields} of {len(header)} fields)")
    dups = sorted({c for c in header if header.count(c) > 1})
    if dups:
        raise ReportError(f"{name}: line 1: duplicate column(s) {', '.join(dups)}")
    return header


def _first_bad_row(path, name, df, header):
    """Raise the error for the first row with a missing field (df has NaN there)."""
    import numpy as np
    bad = np.flatnonzero(df.isna().to_numpy().any(axis=1))
    if len(bad) == 0:
        return
    lineno = int(bad[0]) + 2
    text = _line_text(path, lineno)
    if text is None or text == "":
        raise ReportError(f"{name}: line {lineno}: empty line")
    fields = _csv_fields(text)
    if len(fields) != len(header):
        raise ReportError(f"{name}: line {lineno}: {len(fields)} fields, expected "
                          f"{len(header)} (truncated?)")
    empty = [header[i] for i, v in enumerate(fields) if v == ""]
    col = empty[0] if empty else header[int(np.flatnonzero(df.iloc[bad[0]].isna())[0])]
    raise ReportError(f"{name}: line {lineno}: empty field {col}")


def _parser_error(name, err, header):
    m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(err))
    if m:
        raise ReportError(f"{name}: line {m.group(2)}: {m.group(3)} fields, expected "
                          f"{len(header)}")
    raise ReportError(f"{name}: malformed CSV ({str(err).strip().splitlines()[-1]})")


def _pd_read(path, name, header, **kw):
    import pandas as pd
    try:
        return pd.read_csv(path, keep_default_na=False, na_values=[""],
                           skip_blank_lines=False, encoding="utf-8", **kw)
    except pd.errors.ParserError as e:
        _parser_error(name, e, header)
    except UnicodeDecodeError:
        raise ReportError(f"{name}: not UTF-8 text")
    except pd.errors.EmptyDataError:
        raise ReportError(f"{name}: empty file (truncated?)")


def _numeric_or_error(df, col, name):
    """Column as float; an error naming the first line that is not a finite number."""
    import numpy as np
    import pandas as pd
    values = pd.to_numeric(df[col], errors="coerce").astype(float)
    bad = np.flatnonzero(~np.isfinite(values.to_numpy()))
    if len(bad):
        i = int(bad[0])
        raise ReportError(f"{name}: line {i + 2}: {col}: not a finite number "
                          f"({str(df[col].iloc[i])[:30]!r})")
    return values


def read_small_csv(path, name, required, numeric=()):
    """A small CSV (replicates, paired, sweep, bench...): required columns present, every
    row complete; columns in `numeric` must be numbers; other columns become floats when
    every value is a number and stay text otherwise."""
    import pandas as pd
    header = check_csv_shape(path, name)
    missing = [c for c in required if c not in header]
    if missing:
        raise ReportError(f"{name}: wrong columns: missing {', '.join(missing)} "
                          f"(header: {','.join(header)[:120]})")
    df = _pd_read(path, name, header, dtype=str)
    if len(df) == 0:
        raise ReportError(f"{name}: no data rows (truncated?)")
    _first_bad_row(path, name, df, header)
    for col in df.columns:
        if col in numeric:
            df[col] = _numeric_or_error(df, col, name)
        else:
            # "nan" is how the program writes an outcome that did not happen (no leader
            # call, say): such a column is still numeric, with those replicates missing.
            conv = pd.to_numeric(df[col], errors="coerce")
            if (conv.notna() | (df[col] == "nan")).all():
                df[col] = conv.astype(float)
    return df


def read_summary_like(path, name, stats):
    """summary.csv or compare.csv: text columns as str, statistics as float; each date must
    be a real date and carry the same number of rows (a file cut at a line end shows as a
    short last date)."""
    import numpy as np
    import pandas as pd
    header = check_csv_shape(path, name)
    expected = SUMMARY_TEXT + stats
    missing = [c for c in expected if c not in header]
    if missing:
        raise ReportError(
            f"{name}: wrong columns: missing {', '.join(missing)} (header: "
            f"{','.join(header)[:120]}; expected {','.join(expected)}: not written by "
            f"tradewar >= {'.'.join(map(str, MIN_VERSION))}?)")
    dtypes = {c: str for c in SUMMARY_TEXT}
    for c in header:
        if c not in SUMMARY_TEXT:
            dtypes[c] = np.float64 if c in stats or re.match(r"^p\d\d$", c) else str
    try:
        df = _pd_read(path, name, header, dtype=dtypes)
    except ValueError:
        # a non-numeric statistic: find it on the slow path
        df = _pd_read(path, name, header, dtype=str)
        _first_bad_row(path, name, df, header)
        for c in header:
            if dtypes.get(c) is np.float64:
                _numeric_or_error(df, c, name)
        raise ReportError(f"{name}: malformed numbers")
    if len(df) == 0:
        raise ReportError(f"{name}: no data rows (truncated?)")
    _first_bad_row(path, name, df, header)
    for c in header:
        if dtypes[c] is np.float64:
            bad = np.flatnonzero(~np.isfinite(df[c].to_numpy()))
            if len(bad):
                raise ReportError(f"{name}: line {int(bad[0]) + 2}: {c}: not a finite number")
    dates = pd.Series(df["date"].unique())
    parsed = pd.to_datetime(dates, format="%Y-%m-%d", errors="coerce")
    if parsed.isna().any():
        bad = dates[parsed.isna()].iloc[0]
        line = int(np.flatnonzero((df["date"] == bad).to_numpy())[0]) + 2
        raise ReportError(f"{name}: line {line}: date: not a YYYY-MM-DD date ({bad[:20]!r})")
    counts = df.groupby("date", sort=False).size()
    if counts.nunique() > 1:
        typical = int(counts.mode().iloc[0])
        odd = counts[counts != typical]
        raise ReportError(f"{name}: date {odd.index[0]} has {int(odd.iloc[0])} rows, the "
                          f"other dates {typical} (truncated?)")
    df["date"] = pd.to_datetime(df["date"], format="%Y-%m-%d")
    return df


# ----------------------------------------------------------------------------------------
# Loading an output directory

class Output:
    """Everything read from OUTDIR, validated before anything is written."""

    def __init__(self, path):
        self.path = path
        self.kinds = []
        self.summary = None
        self.replicates = None
        self.paired = None            # compare.csv
        self.compare_outcomes = None  # compare_outcomes.csv
        self.sides = {}               # "a"/"b": (scenario dict, scenario_X.yaml text)
        self.sweep = None
        self.sweep_stats = None       # sweep_outcomes.csv's outcome rows: n, mean, sd
        self.sweep_params = []        # the swept parameters (columns before outcome)
        self.outcome_names = set()    # the data dictionary's outcomes (datapackage.json)
        self.sensitivity = None
        self.bench = None
        self.score = None
        self.score_dir = None
        self.events = None
        self.definitions = {}
        self.provenance = {}
        self.provenance_text = None
        self.scenario = {}
        self.scenario_text = None
        self.notes = []

    @property
    def name(self):
        for v in (self.provenance.get("scenario_name"), self.scenario.get("name")):
            if isinstance(v, str) and v:
                return v
        return os.path.basename(os.path.normpath(os.path.abspath(self.path))) or "tradewar"


def load_output(path):
    if not os.path.exists(path):
        raise ReportError("no such directory")
    if not os.path.isdir(path):
        raise ReportError("not a directory")
    out = Output(path)
    present = [f for f in DATA_FILES if os.path.isfile(os.path.join(path, f))]
    if not present:
        raise ReportError("incomplete: no summary.csv (nor summary.csv.gz, compare.csv, "
                          "sweep_outcomes.csv, bench.csv or score.csv): not a finished "
                          "tradewar output directory")
    p = lambda f: os.path.join(path, f)  # noqa: E731
    if "summary.csv.gz" in present:   # --compress: the same table, gzip-compressed
        present = ["summary.csv" if f == "summary.csv.gz" else f for f in present
                   if f != "summary.csv" or "summary.csv.gz" not in present]
        summary_file = "summary.csv.gz"
    else:
        summary_file = "summary.csv"

    prov_path = p("provenance.yaml")
    if "summary.csv" in present:
        for f in ("replicates.csv", "scenario.yaml", "provenance.yaml"):
            if not os.path.isfile(p(f)):
                raise ReportError(f"incomplete: summary.csv without {f}")
    if os.path.isfile(prov_path):
        out.provenance, out.provenance_text = read_yaml_file(prov_path, "provenance.yaml")
        version = out.provenance.get("version")
        if not isinstance(version, str) or not version:
            raise ReportError("provenance.yaml: no version: written by an older tradewar "
                              f"(this report needs >= {'.'.join(map(str, MIN_VERSION))})")
        vt = version_tuple(version)
        if vt is None:
            raise ReportError(f"provenance.yaml: version {version!r} is not a version number")
        if vt < MIN_VERSION:
            raise ReportError(f"provenance.yaml: version {version} is older than "
                              f"{'.'.join(map(str, MIN_VERSION))}, which this report needs")
    if os.path.isfile(p("scenario.yaml")):
        out.scenario, out.scenario_text = read_yaml_file(p("scenario.yaml"), "scenario.yaml")
    PACKAGE_UNITS.clear()
    if os.path.isfile(p("datapackage.json")):
        try:
            with open(p("datapackage.json"), encoding="utf-8") as f:
                pkg = json.load(f)
            for d in pkg.get("indicators", []) + pkg.get("outcomes", []):
                PACKAGE_UNITS[d["name"]] = d["unit"]
                out.definitions[d["name"]] = d.get("definition", "")
            out.outcome_names = {d["name"] for d in pkg.get("outcomes", [])}
        except (ValueError, KeyError, TypeError) as e:
            raise ReportError(f"datapackage.json: not a data package ({e})")
    if os.path.isfile(p("events.csv")):
        out.events = read_small_csv(p("events.csv"), "events.csv",
                                    ["replicate", "date", "event"]) \
            if os.path.getsize(p("events.csv")) > 0 and _count_lines(p("events.csv")) > 1 \
            else None

    if "summary.csv" in present:
        out.kinds.append("run")
        out.summary = read_summary_like(p(summary_file), summary_file, SUMMARY_STATS)
        out.replicates = read_small_csv(p("replicates.csv"), "replicates.csv",
                                        ["replicate", "seed"], numeric=("replicate", "seed"))
        n_prov = out.provenance.get("replicates")
        if isinstance(n_prov, str) and n_prov.isdigit() and int(n_prov) != len(out.replicates):
            raise ReportError(f"replicates.csv: {len(out.replicates)} rows, provenance.yaml "
                              f"says {n_prov} replicates (truncated?)")
        _check_dates(out, out.summary, "summary.csv")
    if "compare.csv" in present:
        out.kinds.append("compare")
        read_compare(out, path)
    if "sweep_outcomes.csv" in present:
        out.kinds.append("sweep")
        out.sweep, out.sweep_stats, out.sweep_params = read_sweep_outcomes(
            p("sweep_outcomes.csv"), out.outcome_names)
        if os.path.isfile(p("sensitivity.csv")):
            # first_order is nan where the outcome does not vary across the points
            sens = read_small_csv(p("sensitivity.csv"), "sensitivity.csv",
                                  SENSITIVITY_COLUMNS)
            sens["first_order"] = _program_numbers(sens, "first_order", "sensitivity.csv")
            out.sensitivity = sens
        sweep_columns(out)  # validates the parameter/outcome split
    if "bench.csv" in present:
        out.kinds.append("bench")
        df = read_bench(p("bench.csv"))
        out.bench = df
    score_dir = path if "score.csv" in present else p("score")
    if os.path.isfile(os.path.join(score_dir, "score.csv")):
        out.kinds.append("score")
        out.score = read_small_csv(os.path.join(score_dir, "score.csv"), "score.csv",
                                   ["indicator", "region", "partner", "sector", "n", "crps"])
        out.score_dir = score_dir
    return out


def _program_numbers(df, col, name):
    """A column of numbers as the program writes them: finite, or nan (no pairs, no
    interval) and INF (a ratio over an exact zero; pandas reads it); anything else is an
    error."""
    import pandas as pd
    text = df[col].astype(str)
    values = pd.to_numeric(text, errors="coerce").astype(float)
    bad = values.isna() & (text != "nan")
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise ReportError(f"{name}: line {i + 2}: {col}: not a number ({text.iloc[i][:30]!r})")
    return values


def read_compare(out, path):
    """`tradewar compare`'s directory: compare.csv (per date and series), compare_outcomes.csv
    (per outcome), both sides as run (scenario_a.yaml, scenario_b.yaml) and provenance.yaml;
    every one is required, as the program writes them all."""
    p = lambda f: os.path.join(path, f)  # noqa: E731
    for f in ("compare_outcomes.csv", "scenario_a.yaml", "scenario_b.yaml", "provenance.yaml"):
        if not os.path.isfile(p(f)):
            raise ReportError(f"incomplete: compare.csv without {f}")
    header = check_csv_shape(p("compare.csv"), "compare.csv")
    missing = [c for c in COMPARE_STATS if c not in header]
    if missing:
        raise ReportError(f"compare.csv: wrong columns: missing {', '.join(missing)} "
                          f"(expected {','.join(SUMMARY_TEXT + COMPARE_STATS)})")
    df = read_summary_like(p("compare.csv"), "compare.csv", ["n"])
    for c in COMPARE_STATS[1:]:
        df[c] = _program_numbers(df, c, "compare.csv")
    oc = read_small_csv(p("compare_outcomes.csv"), "compare_outcomes.csv",
                        ["outcome"] + COMPARE_STATS, numeric=("n",))
    for c in COMPARE_STATS[1:]:
        oc[c] = _program_numbers(oc, c, "compare_outcomes.csv")
    n_prov = out.provenance.get("replicates")
    if isinstance(n_prov, str) and n_prov.isdigit() and (oc["n"] > int(n_prov)).any():
        raise ReportError(f"compare_outcomes.csv: more pairs than the {n_prov} replicates of "
                          "provenance.yaml")
    for side in ("a", "b"):
        out.sides[side] = read_yaml_file(p(f"scenario_{side}.yaml"), f"scenario_{side}.yaml")
    if not out.scenario:  # B's measures mark the charts' dates
        out.scenario = out.sides["b"][0]
    _check_dates(out, df, "compare.csv")
    out.paired = df
    out.compare_outcomes = oc


def read_sweep_outcomes(path, outcome_names):
    """sweep_outcomes.csv (point, the swept parameters, outcome, n, mean, sd, p05, p50,
    p95: one row per point and outcome) as (points, stats): one row per point with point,
    the parameters and each outcome's mean across the point's replicates; and the rows of
    the outcomes themselves (point, outcome, n, mean, sd) for the intervals.

    The outcome column also lists the parameters drawn per replicate (their scenario key
    paths), as replicates.csv does; those are inputs, not results, and one of them may be
    a swept key too, so only the outcomes (the data dictionary's where the directory has
    one, else the names that are not key paths) become columns."""
    import pandas as pd
    df = read_small_csv(path, "sweep_outcomes.csv", ["point", "outcome", "mean"],
                        numeric=("point",))
    cols = list(df.columns)
    params = cols[1:cols.index("outcome")]
    if not params:
        raise ReportError("sweep_outcomes.csv: wrong columns: no parameter column between "
                          "point and outcome")
    names = df["outcome"].astype(str)
    if outcome_names:
        keep = names.isin(outcome_names)
    else:
        keep = ~names.str.contains(r"[.\[]")
    df = df[keep & ~names.isin(params)].copy()
    if len(df) == 0:
        raise ReportError("sweep_outcomes.csv: no outcome rows (only drawn parameters)")
    for c in ("mean", "sd", "n"):
        if c in df.columns:
            df[c] = _program_numbers(df, c, "sweep_outcomes.csv")
    points = df.drop_duplicates("point")[["point"] + params]
    wide = df.pivot(index="point", columns="outcome", values="mean")
    wide = wide[list(dict.fromkeys(df["outcome"]))]  # the file's order
    wide.columns.name = None
    pts = points.merge(wide.reset_index(), on="point", how="left")
    stats = df[["point", "outcome"] + [c for c in ("n", "mean", "sd") if c in df.columns]]
    return (pts.sort_values("point").reset_index(drop=True),
            stats.reset_index(drop=True), params)


def read_bench(path):
    """bench.csv as bench/run writes it: kind, level, threads, ranks, firms, ...,
    seconds_median, rate, rate_unit, efficiency. Rows without a time (the ratio rows
    firm_vs_reference, firm_vs_dense) are not scaling measurements and are left out."""
    import pandas as pd
    header = check_csv_shape(path, "bench.csv")
    if "seconds_median" not in header or "kind" not in header:
        raise ReportError("bench.csv: wrong columns: needs kind and seconds_median (header: "
                          f"{','.join(header)[:120]})")
    df = _pd_read(path, "bench.csv", header, dtype=str)  # empty where not applicable
    for c in ("kind", "level", "rate_unit"):
        if c in df.columns:
            df[c] = df[c].fillna("")
    if "threads" not in df.columns and "ranks" not in df.columns:
        raise ReportError("bench.csv: wrong columns: needs threads or ranks (or both)")
    df["seconds"] = pd.to_numeric(df["seconds_median"], errors="coerce")
    df = df[df["seconds"].notna()].reset_index(drop=True)
    if len(df) == 0:
        raise ReportError("bench.csv: no row with a seconds_median")
    for c in ("threads", "ranks", "firms", "rate", "efficiency"):
        if c in df.columns:
            df[c] = pd.to_numeric(df[c], errors="coerce")
    if (df["seconds"] <= 0).any():
        i = int((df["seconds"] <= 0).to_numpy().nonzero()[0][0])
        raise ReportError(f"bench.csv: data row {i + 1}: seconds_median must be positive")
    if "rate_unit" in df.columns:   # a kind's unit goes into its label
        df["kind"] = [f"{k} ({u})" if isinstance(u, str) and u else k
                      for k, u in zip(df["kind"], df["rate_unit"])]
    return df


def _check_dates(out, df, name):
    """A run's dates must start at the scenario's start and reach its end (within one
    output interval): a file cut exactly between two dates stops early."""
    import pandas as pd
    dates = df["date"].drop_duplicates().sort_values()
    start = out.provenance.get("start") or out.scenario.get("start")
    end = out.provenance.get("end") or out.scenario.get("end")
    try:
        start = pd.Timestamp(start) if start else None
        end = pd.Timestamp(end) if end else None
    except ValueError:
        return
    if start is not None and dates.iloc[0] != start:
        raise ReportError(f"{name}: first date {dates.iloc[0].date()} is not the start "
                          f"{start.date()} of the run")
    if end is not None:
        gap = dates.diff().dropna()
        step = gap.mode().iloc[0] if len(gap) else pd.Timedelta(days=1)
        if dates.iloc[-1] + step <= end:
            raise ReportError(f"{name}: last date {dates.iloc[-1].date()} stops before the "
                              f"end {end.date()} of the run (truncated?)")


def sweep_columns(out):
    """(parameters, outcomes) of a sweep: the parameters are sweep_outcomes.csv's columns
    between point and outcome, the outcomes its outcome rows that are numbers."""
    df = out.sweep
    params = [c for c in out.sweep_params if c in df.columns]
    outcomes = [c for c in df.columns if c != "point" and c not in params
                and df[c].dtype.kind == "f"]
    if not outcomes:
        raise ReportError("sweep_outcomes.csv: wrong columns: no numeric outcome column")
    return params, outcomes


# ----------------------------------------------------------------------------------------
# Charts

FIG_W, FIG_LEFT, FIG_RIGHT = 9.0, 1.0, 0.25   # time charts: width and margins, inches
AXES_W = FIG_W - FIG_LEFT - FIG_RIGHT
STRIP_BASE, STRIP_ROW, STRIP_ROWS = 0.22, 0.19, 6   # the label strip, inches and rows


class Charts:
    """Collects the charts written into the staging folder, in report order."""

    def __init__(self, folder, scenario_name):
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        plt.rcParams.update({
            "font.size": 9, "axes.titlesize": 9.5, "axes.labelsize": 9,
            "xtick.labelsize": 8, "ytick.labelsize": 8, "legend.fontsize": 8,
            "figure.titlesize": 11, "axes.grid": True, "grid.color": "#dddddd",
            "grid.linewidth": 0.6, "axes.spines.top": False, "axes.spines.right": False,
            "axes.edgecolor": "#444444", "savefig.dpi": DPI, "figure.dpi": DPI,
        })
        self.plt = plt
        self.folder = folder
        self.scenario_name = scenario_name
        self.items = []   # (section, file, title, caption)
        self.said = set()  # caption sentences already on the page
        self.n_events = 0
        self.n_rep = None      # replicates of the run (of each side, of each sweep point)
        self.sweep_size = ""   # "(P points × R replicates)" of a sweep

    def save(self, fig, section, fid, title, caption, unit=None):
        # A sentence already said under an earlier chart is not repeated: the first
        # chart of a kind explains it, the next ones say only what is their own.
        sentences = [t.strip() for t in re.split(r"(?<=[.)])\s+(?=[A-Z0-9])", caption) if t.strip()]
        kept = [t for k, t in enumerate(sentences) if k == 0 or t not in self.said]
        self.said.update(sentences)
        caption = " ".join(kept)
        fname = f"{fid}.png"
        fig.savefig(os.path.join(self.folder, fname), dpi=DPI, metadata={"Software": None})
        self.plt.close(fig)
        self.items.append(dict(section=section, file=fname, title=title, caption=caption,
                               unit=unit))

    # -- helpers
    def _date_axis(self, ax):
        import matplotlib.dates as mdates
        loc = mdates.AutoDateLocator(minticks=4, maxticks=13)
        ax.xaxis.set_major_locator(loc)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(loc))

    def _time_chart(self, panels, handles, markers):
        """Figure for time panels sharing one x range, with the marker legend entry (added
        to handles) and the marker labels placed: (fig, strip, axes, x0, x1, placed)."""
        from matplotlib.lines import Line2D
        if markers:
            handles.append(Line2D([], [], color=MARKER_INK, lw=0.6,
                                  label="marked date: tariff measure, truce deadline or event (numbered as in the table)"))
        x0 = min(f["date"].iloc[0] for _, f in panels)
        x1 = max(f["date"].iloc[-1] for _, f in panels)
        placed, rows = place_labels(markers, x0.date(), x1.date(), AXES_W, STRIP_ROWS)
        fig, strip, axes = self._time_layout(len(panels), rows if markers else None,
                                             math.ceil(len(handles) / 2))
        return fig, strip, axes, x0, x1, placed

    def _time_layout(self, n, label_rows, legend_rows):
        """A figure of n stacked time panels sharing the date axis, laid out in inches,
        with a strip above them for the measure labels (label_rows > 0 rows of labels,
        0: a strip only for the ticks of unlabelled markers, None: no markers)."""
        width = FIG_W
        title_h, ptitle_h, panel_h, gap_h = 0.45, 0.3, 1.9, 0.12
        strip_h = 0.0 if label_rows is None else STRIP_BASE + STRIP_ROW * label_rows
        axis_h, legend_h = 0.62, 0.1 + 0.24 * legend_rows
        height = title_h + strip_h + n * (ptitle_h + panel_h) + (n - 1) * gap_h + axis_h + legend_h
        fig = self.plt.figure(figsize=(width, height))
        fx = lambda x: x / width  # noqa: E731
        fy = lambda y: y / height  # noqa: E731
        y = height - title_h
        strip = None
        if strip_h:
            strip = fig.add_axes([fx(FIG_LEFT), fy(y - strip_h), fx(AXES_W), fy(strip_h)])
            strip.set_ylim(0, strip_h)
            y -= strip_h
        axes = []
        for i in range(n):
            y -= ptitle_h + panel_h
            ax = fig.add_axes([fx(FIG_LEFT), fy(y), fx(AXES_W), fy(panel_h)],
                              sharex=axes[0] if axes else None)
            axes.append(ax)
            y -= gap_h
        for ax in axes[:-1]:
            ax.tick_params(labelbottom=False)
        if strip is not None:
            strip.sharex(axes[0])
            strip.set_axis_off()
        return fig, strip, axes

    def _markers(self, strip, axes, placed):
        """Thin vertical lines at the marked dates on every panel; the labels placed by
        place_labels in the strip above, each starting at its date with a short tick in
        its own row (so no tick crosses another label)."""
        import pandas as pd
        labelled = 0
        for ax in axes:
            for d, _, _, _ in placed:
                ax.axvline(pd.Timestamp(d), color=MARKER_INK, lw=0.6, zorder=1)
        if strip is None:
            return 0
        for d, text, row, right in placed:
            x = pd.Timestamp(d)
            if row is None:
                continue
            ytext = STRIP_BASE * 0.6 + STRIP_ROW * row
            strip.vlines(x, ytext - STRIP_ROW * 0.1, ytext + STRIP_ROW * 0.6, color=MARKER_INK,
                         lw=0.6)
            strip.text(x, ytext, (" " + text) if right else (text + " "),
                       ha="left" if right else "right", va="bottom", fontsize=6.5,
                       color="#222222")
            labelled += 1 if " " in text else 0
        return labelled

    def _finish_time(self, fig, axes, handles, title):
        axes[-1].set_xlabel("date")
        self._date_axis(axes[-1])
        fig.legend(handles=handles, loc="lower center", ncol=2, frameon=False,
                   bbox_to_anchor=(0.5, 0.0))
        fig.suptitle(title, y=1 - 0.12 / fig.get_figheight(), va="top")

    # -- fan charts
    def fan(self, section, fid, title, ylabel, panels, markers, bands, extra_caption=""):
        """panels: [(label, frame with date, p50 and the quantile columns of bands)];
        bands: [(low column, high column)] from the outermost in, each a band between two
        quantiles that summary.csv carries (p05-p95; p25-p75 where it has them)."""
        from matplotlib.lines import Line2D
        from matplotlib.patches import Patch
        fills = band_fills(len(bands))
        handles = [Line2D([], [], color=INK, lw=1.6, label="median (p50)")]
        for (lo, hi), fill in zip(reversed(bands), reversed(fills)):
            handles.append(Patch(color=fill, label=f"{band_width(lo, hi)}% band ({lo}–{hi})"))
        fig, strip, axes, x0, x1, placed = self._time_chart(panels, handles, markers)
        for i, (ax, (label, f)) in enumerate(zip(axes, panels)):
            for k, ((lo, hi), fill) in enumerate(zip(bands, fills)):
                ax.fill_between(f["date"], f[lo], f[hi], color=fill, lw=0, zorder=2 + k)
            ax.plot(f["date"], f["p50"], color=INK, lw=1.6, ls=LINESTYLES[i % len(LINESTYLES)],
                    zorder=3 + len(bands))
            ax.set_title(label, loc="left")
            ax.set_ylabel(_wrap(ylabel, 24))
            ax.set_xlim(x0, x1)
        nlab = self._markers(strip, axes, placed)
        self._finish_time(fig, axes, handles, f"{self.scenario_name}: {title} "
                                              f"({self.n_rep} replicates)")
        caption = (f"{title}: median across the {self.n_rep} replicates (dark line) and bands "
                   "between quantiles (fills, darker inside). Bands: "
                   + ", ".join(f"the {band_width(lo, hi)}% band {lo}–{hi}" for lo, hi in bands)
                   + ", the quantiles summary.csv carries for each date (none is derived from "
                   "the sd). ")
        if markers:
            caption += (f"Vertical lines, numbered as in the table of marked dates: the days "
                        f"on which the scenario's tariff measures take effect, its truce "
                        f"deadline and, from events.csv, the first truce, extension, "
                        f"snap-back, leader call, deal, export-control change and court "
                        f"ruling (the median over the replicates where it happened; label: in "
                        f"how many) ({nlab} of {len(markers)} labelled in words). ")
        caption += extra_caption
        self.save(fig, section, fid, title, caption.strip(), unit=ylabel)

    def paired(self, section, fid, title, ylabel, panels, markers, names):
        """panels: [(label, compare.csv frame: date, diff, paired_lo, paired_hi, unpaired_lo,
        unpaired_hi)]; names: (A's name, B's name)."""
        from matplotlib.lines import Line2D
        from matplotlib.patches import Patch
        handles = [Line2D([], [], color=INK, lw=1.6, label="B − A, mean over paired replicates"),
                   Patch(color=FILL_50, label="95% interval, paired (common random numbers)"),
                   Patch(color=FILL_90, label="95% interval two independent runs would give"),
                   Line2D([], [], color="black", lw=0.8, ls=":", label="no difference")]
        fig, strip, axes, x0, x1, placed = self._time_chart(panels, handles, markers)
        for i, (ax, (label, f)) in enumerate(zip(axes, panels)):
            ax.fill_between(f["date"], f["unpaired_lo"], f["unpaired_hi"], color=FILL_90, lw=0,
                            zorder=2)
            ax.fill_between(f["date"], f["paired_lo"], f["paired_hi"], color=FILL_50, lw=0,
                            zorder=3)
            ax.axhline(0, color="black", lw=0.8, ls=":", zorder=3)
            ax.plot(f["date"], f["diff"], color=INK, lw=1.6,
                    ls=LINESTYLES[i % len(LINESTYLES)], zorder=4)
            ax.set_title(label, loc="left")
            ax.set_ylabel(_wrap("B − A, " + ylabel, 24))
            ax.set_xlim(x0, x1)
        self._markers(strip, axes, placed)
        self._finish_time(fig, axes, handles, f"{names[1]} − {names[0]}: {title} "
                                              f"({self.n_rep} replicate pairs)")
        caption = (f"{title}: B ({names[1]}) minus A ({names[0]}) on each output date, the mean "
                   "of the replicate-by-replicate differences on common random numbers (dark "
                   "line), its paired 95% interval (darker fill, compare.csv paired_lo–"
                   "paired_hi) and, for contrast, the 95% interval of two independent batches "
                   "of the same size (light fill, unpaired_lo–unpaired_hi). Dotted line: no "
                   "difference.")
        if markers:
            caption += (f" Vertical lines: the dates on which B's tariff measures take "
                        "effect.")
        self.save(fig, section, fid, title, caption)

    # -- replicate outcomes
    def histograms(self, section, df, columns, n_rep):
        import numpy as np
        from matplotlib.ticker import MaxNLocator
        plt = self.plt
        pages = [columns[i:i + MAX_GRID] for i in range(0, len(columns), MAX_GRID)]
        for pno, cols in enumerate(pages, 1):
            ncol = 3
            nrow = math.ceil(len(cols) / ncol)
            height = 0.9 + 2.45 * nrow
            fig, axes = plt.subplots(nrow, ncol, figsize=(10, height), squeeze=False)
            for ax in axes.flat[len(cols):]:
                ax.set_visible(False)
            for ax, col in zip(axes.flat, cols):
                v = df[col].dropna().to_numpy(dtype=float)
                bins = int(min(30, max(5, round(2 * math.sqrt(len(v))))))
                if np.ptp(v) == 0:
                    w = max(abs(v[0]) * 0.01, 0.01)
                    ax.bar([v[0]], [len(v)], width=w, color=FILL_50, edgecolor=INK, lw=0.6)
                    ax.set_xlim(v[0] - 10 * w, v[0] + 10 * w)
                    ax.text(0.03, 0.95, f"all {len(v)} replicates: {fmt(v[0])}",
                            transform=ax.transAxes, va="top", fontsize=7.5, zorder=5,
                            bbox=dict(boxstyle="square,pad=0.2", fc="white", ec="none"))
                else:
                    ax.hist(v, bins=bins, color=FILL_50, edgecolor=INK, linewidth=0.6)
                    ax.axvline(v.mean(), color=INK, lw=1.4, ls="--")
                ax.yaxis.set_major_locator(MaxNLocator(integer=True))
                ax.set_title(col, fontsize=8.5, loc="left")
                ax.set_xlabel(outcome_unit(col))
                ax.set_ylabel("replicates")
                ax.grid(axis="x", visible=False)
            suffix = f" ({pno} of {len(pages)})" if len(pages) > 1 else ""
            fig.suptitle(f"{self.scenario_name}: per-replicate outcomes, {n_rep} "
                         f"replicates (dashed line: mean){suffix}")
            fig.subplots_adjust(left=0.07, right=0.98, top=1 - 0.75 / height,
                                bottom=0.55 / height, wspace=0.3,
                                hspace=0.75 / 1.7)
            fid = "outcome_histograms" + (f"_{pno}" if len(pages) > 1 else "")
            self.save(fig, section, fid, "Per-replicate outcomes" + suffix,
                      "Histograms of each outcome of replicates.csv across replicates; dashed "
                      "line: the mean. A single bar: the outcome is the same in every replicate.")

    def probabilities(self, section, rows):
        """rows: [(name, p, low, high, k, n)]."""
        plt = self.plt
        n = len(rows)
        height = 1.5 + 0.45 * n
        fig, ax = plt.subplots(figsize=(8, height))
        y = list(range(n))[::-1]
        ax.barh(y, [r[1] for r in rows], color=FILL_50, edgecolor=INK, height=0.6)
        ax.errorbar([r[1] for r in rows], y,
                    xerr=[[r[1] - r[2] for r in rows], [r[3] - r[1] for r in rows]],
                    fmt="none", ecolor=INK, capsize=4, lw=1.2)
        ax.set_yticks(y)
        ax.set_yticklabels([r[0] for r in rows])
        ax.set_xlim(0, 1)
        ax.set_xlabel("probability (share of replicates), with 95% Wilson interval")
        ax.grid(axis="y", visible=False)
        ax.set_title(f"{self.scenario_name}: probabilities of 0/1 outcomes "
                     f"({self.n_rep} replicates)")
        fig.tight_layout()
        self.save(fig, section, "outcome_probabilities", "Probabilities of 0/1 outcomes",
                  "Share of replicates in which each 0/1 outcome of replicates.csv is 1, with "
                  "its 95% Wilson score interval.")

    # -- sweeps
    def response(self, section, fid, param, pts, errs, outcomes, categorical, grid):
        """Each outcome against param: every sweep point with its 95% interval (errs: the
        half-widths, like pts), and for a grid the mean at each value joined by a line
        (the main effect); the points of a random, Sobol or Latin-hypercube design stand
        alone, since no two share a value to average or join."""
        import numpy as np
        plt = self.plt
        cols = outcomes[:MAX_GRID]
        ncol = min(3, len(cols))
        nrow = math.ceil(len(cols) / ncol)
        height = 0.9 + 2.5 * nrow
        fig, axes = plt.subplots(nrow, ncol, figsize=(3.4 * ncol + 0.5, height), squeeze=False)
        for ax in axes.flat[len(cols):]:
            ax.set_visible(False)
        order = sorted(pts[param].unique())
        xpos = {v: i for i, v in enumerate(order)}
        xs = pts[param].map(xpos) if categorical else pts[param]
        main = pts.groupby(param, sort=True)[cols].mean()
        mx = [xpos[v] for v in main.index] if categorical else list(main.index)
        for ax, col in zip(axes.flat, cols):
            ax.errorbar(xs, pts[col], yerr=errs[col], ls="none", marker="o", ms=3.5,
                        color=FILL_50, ecolor=INK, elinewidth=0.7, capsize=2,
                        markeredgecolor=INK, markeredgewidth=0.4,
                        label="sweep point, 95% interval of its mean")
            if grid:
                ax.plot(mx, main[col], color=INK, lw=1.6, marker="s", ms=4,
                        label="mean at this value")
            ax.set_title(col, fontsize=8.5, loc="left")
            ax.set_xlabel(param)
            ax.set_ylabel(outcome_unit(col) or "value")
            if categorical:
                ax.set_xticks(range(len(order)))
                ax.set_xticklabels([str(v) for v in order], rotation=30, ha="right")
            elif np.all(np.asarray(order, dtype=float) > 0) and len(order) > 2 and \
                    max(order) / min(order) >= 50:
                ax.set_xscale("log")
        axes.flat[0].legend(loc="best")
        fig.suptitle(f"{self.scenario_name}: response to {param} {self.sweep_size}")
        fig.tight_layout()
        caption = (f"Each outcome against {param}: every sweep point (markers) with the 95% "
                   "t interval of its mean over the point's replicates (bars, from n and sd "
                   "of sweep_outcomes.csv)")
        if grid:
            caption += (f", and the mean outcome at each value of {param} averaged over the "
                        "other parameters (dark line: the main effect).")
        else:
            caption += ("; the design draws each point's values anew, so the points are not "
                        "joined.")
        self.save(fig, section, fid, f"Response to {param}", caption)

    def tornado(self, section, rows_by_outcome, params_order):
        from matplotlib.patches import Patch
        plt = self.plt
        outs = list(rows_by_outcome)[:MAX_GRID]
        ncol = min(2, len(outs))
        nrow = math.ceil(len(outs) / ncol)
        npar = max(len(v["rows"]) for v in rows_by_outcome.values())
        ph = 0.8 + 0.42 * npar
        height = 1.2 + ph * nrow
        fig, axes = plt.subplots(nrow, ncol, figsize=(5.2 * ncol, height), squeeze=False)
        for ax in axes.flat[len(outs):]:
            ax.set_visible(False)
        for ax, out in zip(axes.flat, outs):
            info = rows_by_outcome[out]
            rows = sorted(info["rows"], key=lambda r: r["swing"])
            base = info["base"]
            y = list(range(len(rows)))
            ax.barh(y, [r["low"] - base for r in rows], left=base, color=FILL_90,
                    edgecolor=INK, hatch="///", height=0.6, lw=0.6)
            ax.barh(y, [r["high"] - base for r in rows], left=base, color=FILL_50,
                    edgecolor=INK, height=0.6, lw=0.6)
            ax.hlines(y, [r["min"] for r in rows], [r["max"] for r in rows], color=INK, lw=1,
                      zorder=0.5)
            ax.axvline(base, color=INK, lw=0.8)
            ax.set_yticks(y)
            ax.set_yticklabels([r["param"] for r in rows])
            ax.set_title(out, fontsize=8.5, loc="left")
            ax.set_xlabel(outcome_unit(out) or "value")
            ax.grid(axis="y", visible=False)
        handles = [Patch(facecolor=FILL_90, edgecolor=INK, hatch="///",
                         label="parameter at its lowest value"),
                   Patch(facecolor=FILL_50, edgecolor=INK, label="parameter at its highest value")]
        fig.legend(handles=handles, loc="lower center", ncol=2, frameon=False)
        fig.suptitle(f"{self.scenario_name}: tornado of main effects {self.sweep_size}")
        fig.tight_layout(rect=[0, 0.45 / height, 1, 1])
        self.save(fig, section, "sweep_tornado", "Tornado of main effects",
                  "For each outcome and parameter: the mean outcome with the parameter at its "
                  "lowest (hatched) and highest (plain) value, averaged over the other "
                  "parameters, as bars from the overall mean (vertical line); the thin line "
                  "spans the full range of these means over all values. Largest swing on top.")

    def sensitivity(self, section, sens, has_total):
        from matplotlib.patches import Patch
        plt = self.plt
        outs = list(dict.fromkeys(sens["outcome"]))[:MAX_GRID]
        ncol = min(2, len(outs))
        nrow = math.ceil(len(outs) / ncol)
        npar = int(sens.groupby("outcome").size().max())
        ph = 0.8 + 0.42 * npar
        height = 1.2 + ph * nrow
        fig, axes = plt.subplots(nrow, ncol, figsize=(5.2 * ncol, height), squeeze=False)
        for ax in axes.flat[len(outs):]:
            ax.set_visible(False)
        lo = min(0.0, float(sens["first_order"].min()))
        hi = max(1.0, float(sens["first_order"].max()))
        for ax, out in zip(axes.flat, outs):
            s = sens[sens["outcome"] == out].sort_values("first_order")
            y = list(range(len(s)))
            if has_total:
                ax.barh(y, s[has_total], color="white", edgecolor=INK, height=0.7, lw=0.9,
                        ls="--")
            ax.barh(y, s["first_order"], color=FILL_50, edgecolor=INK, height=0.45, lw=0.6)
            ax.set_yticks(y)
            ax.set_yticklabels(list(s["parameter"]))
            ax.set_xlim(lo, hi * 1.02)
            ax.set_title(out, fontsize=8.5, loc="left")
            ax.set_xlabel("first-order sensitivity index (share of variance)")
            ax.grid(axis="y", visible=False)
        handles = [Patch(facecolor=FILL_50, edgecolor=INK, label="first-order index")]
        if has_total:
            handles.append(Patch(facecolor="white", edgecolor=INK, ls="--",
                                 label="total-order index"))
        fig.legend(handles=handles, loc="lower center", ncol=2, frameon=False)
        fig.suptitle(f"{self.scenario_name}: first-order sensitivity indices "
                     f"{self.sweep_size}")
        fig.tight_layout(rect=[0, 0.45 / height, 1, 1])
        self.save(fig, section, "sweep_sensitivity", "First-order sensitivity indices",
                  "First-order index of each parameter for each outcome, from sensitivity.csv "
                  "(the share of the outcome's variance explained by the parameter alone), "
                  "largest on top." + (" Dashed outline: total-order index." if has_total
                                       else ""))

    # -- bench
    def bench_lines(self, section, fid, title, groups, ycol, ylabel, ideal=None, logy=False,
                    caption=""):
        """groups: [(label, frame with workers and ycol)]."""
        from matplotlib.ticker import FuncFormatter
        plt = self.plt
        fig, ax = plt.subplots(figsize=(8, 5))
        allw = sorted({w for _, g in groups for w in g["workers"]})
        for i, (label, g) in enumerate(groups):
            ax.plot(g["workers"], g[ycol], color=INK, ls=LINESTYLES[i % len(LINESTYLES)],
                    marker=MARKERS[i % len(MARKERS)], ms=5, lw=1.5, label=label,
                    markerfacecolor=FILL_50 if i % 2 else INK)
        if ideal is not None:
            xs, ys, lab = ideal(allw)
            ax.plot(xs, ys, color=MARKER_INK, lw=1, ls=(0, (1, 2)), label=lab)
        ax.set_xscale("log", base=2)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.set_xticks(allw)
        if ycol == "efficiency":
            top = max([1.0] + [float(g[ycol].max()) for _, g in groups])
            ax.set_ylim(0, top * 1.08)
        if logy:
            ax.set_yscale("log", base=2)
            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.set_xlabel("workers (threads × ranks)")
        ax.set_ylabel(ylabel)
        ax.legend(loc="best", frameon=False)
        ax.set_title(f"{self.scenario_name}: {title}")
        fig.tight_layout()
        self.save(fig, section, fid, title, caption)


def _wrap(text, width):
    words, lines, cur = text.split(), [], ""
    for w in words:
        if cur and len(cur) + 1 + len(w) > width:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}".strip()
    if cur:
        lines.append(cur)
    return "\n".join(lines)


def outcome_unit(col):
    if PACKAGE_UNITS.get(col):
        return PACKAGE_UNITS[col]
    for suffix, unit in (("_usd_bn", "USD bn"), ("_usd_mn", "USD million"), ("_pct", "percent"),
                         ("_pp", "percentage points"), ("_days", "days"), ("_share", "share"),
                         ("_prob", "probability"), ("_seconds", "seconds")):
        if col.endswith(suffix):
            return unit
    return ""


def is_binary(values):
    import numpy as np
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    return len(v) > 0 and bool(np.isin(v, (0.0, 1.0)).all())


# ----------------------------------------------------------------------------------------
# The sections: charts plus tables

def fan_frame(g, bands):
    cols = ["date", "mean", "sd", "p50"] + [c for pair in bands for c in pair]
    return g.sort_values("date")[list(dict.fromkeys(cols))].reset_index(drop=True)


def quantile_bands(columns):
    """[(low, high)] of the symmetric quantile pairs among columns (p05 with p95, p25 with
    p75, ...), outermost first."""
    qs = {int(c[1:]) for c in columns if re.fullmatch(r"p\d\d", c)}
    return [(f"p{q:02d}", f"p{100 - q:02d}") for q in sorted(qs) if q < 50 and 100 - q in qs]


def band_width(lo, hi):
    return int(hi[1:]) - int(lo[1:])


def band_fills(n):
    """n fills from light (outermost) to dark: FILL_90 and FILL_50, others between."""
    import matplotlib.colors as mc
    if n <= 2:
        return [FILL_90, FILL_50][:n] if n == 2 else [FILL_90] * n
    a, b = mc.to_rgb(FILL_90), mc.to_rgb(FILL_50)
    return [mc.to_hex(tuple(x + (y - x) * k / (n - 1) for x, y in zip(a, b))) for k in range(n)]


def series_label(region, partner, sector):
    parts = [REGION_NAMES.get(region, region)]
    if partner != "all":
        parts.append(f"– {REGION_NAMES.get(partner, partner)}")
    if sector != "all":
        parts.append(f"({sector})")
    return " ".join(parts)


def generic_series(keys):
    """Up to MAX_PANELS (region, partner, sector) of one indicator: aggregates first."""
    keys = list(keys)
    if any(k[2] == "all" for k in keys):
        keys = [k for k in keys if k[2] == "all"]
    if len(keys) > MAX_PANELS and any(k[1] == "all" for k in keys):
        keys = [k for k in keys if k[1] == "all"]
    rank = lambda r: (REGION_ORDER.index(r) if r in REGION_ORDER else len(REGION_ORDER), r)  # noqa
    keys.sort(key=lambda k: (rank(k[0]), k[1] != "all", rank(k[1]), k[2]))
    return [(r, p, s, series_label(r, p, s)) for r, p, s in keys[:MAX_PANELS]]


def chart_specs(indicators):
    specs = [s for s in FAN_SPECS if s["indicator"] in indicators]
    for ind, title in GENERIC_SPECS:
        if ind in indicators:
            specs.append(dict(id=ind, indicator=ind, title=title, series=None))
    if WELFARE_SPEC["indicator"] in indicators:
        specs.append(WELFARE_SPEC)
    return specs


def group_series(df, indicators):
    sub = df[df["indicator"].isin(indicators)]
    return {k: g for k, g in sub.groupby(["indicator", "region", "partner", "sector"], sort=False)}


def run_section(out, charts, markers):
    df = out.summary
    bands = quantile_bands(df.columns)
    indicators = list(dict.fromkeys(df["indicator"]))
    specs = chart_specs(set(indicators))
    groups = group_series(df, [s["indicator"] for s in specs])
    end_rows = []
    charted = set()
    for spec in specs:
        ind = spec["indicator"]
        wanted = spec["series"]
        if wanted is None:
            wanted = generic_series([k[1:] for k in groups if k[0] == ind])
        panels = []
        for region, partner, sector, label in wanted:
            g = groups.get((ind, region, partner, sector))
            if g is None:
                continue
            f = fan_frame(g, bands)
            panels.append((label, f))
            peak = int(f["p50"].idxmax())
            last = f.iloc[-1]
            end_rows.append([spec["title"], label, ind, region, partner, sector,
                             str(last["date"].date()), float(last["mean"]), float(last["p05"]),
                             float(last["p50"]), float(last["p95"]), float(f["p50"].iloc[peak]),
                             str(f["date"].iloc[peak].date())])
        if not panels:
            continue
        charted.add(ind)
        charts.fan("run", spec["id"], spec["title"], indicator_unit(ind), panels, markers,
                   bands)
    not_charted = [i for i in indicators if i not in charted]

    # replicate outcomes
    rep = out.replicates
    cols = [c for c in rep.columns if c not in ("replicate", "seed") and rep[c].dtype.kind == "f"]
    skipped = [c for c in rep.columns if c not in ("replicate", "seed") and c not in cols]
    # A probability chart only for 0/1 outcomes: by the data dictionary where the run has
    # one (an outcome that happened to be 0 in every replicate is not a probability).
    binary = [c for c in cols if (PACKAGE_UNITS[c] == "0/1" if c in PACKAGE_UNITS
                                  else is_binary(rep[c]))]
    continuous = [c for c in cols if c not in binary]
    n = len(rep)
    outcome_rows = []
    for c in cols:
        # Missing values (NaN) are replicates where the outcome did not happen; n counts
        # the others.
        v = rep[c].dropna()
        nc = len(v)
        if nc == 0:
            nan = float("nan")
            outcome_rows.append([c, outcome_unit(c), 0, nan, nan, nan, nan, "never happened"])
            continue
        mean = v.mean()
        if c in binary:
            low, high = wilson_interval(int(v.sum()), nc)
            sd = float(v.std(ddof=1)) if nc > 1 else float("nan")
            method = "Wilson (0/1)"
        else:
            _, sd, low, high = t_interval(v)
            method = "t"
        outcome_rows.append([c, outcome_unit(c), nc, float(mean), sd, low, high, method])
    continuous = [c for c in continuous if rep[c].notna().any()]
    if continuous:
        charts.histograms("outcomes", rep, continuous, n)
    if binary:
        charts.probabilities("outcomes", [(r[0], r[3], r[5], r[6], None, n) for r in outcome_rows
                                          if r[0] in binary])
    return dict(end_rows=end_rows, outcome_rows=outcome_rows, not_charted=not_charted,
                skipped=skipped, bands=bands)


def compare_names(out):
    """(A's name, B's name) of a compare directory, from provenance.yaml, else the files."""
    names = []
    for side in ("a", "b"):
        v = out.provenance.get(f"scenario_{side}_name") or out.sides[side][0].get("name")
        names.append(v if isinstance(v, str) and v else side.upper())
    if names[0] == names[1]:  # one file, two sides (--set-a / --set-b)
        names = [f"{names[0]} ({side})" for side in ("A", "B")]
    return tuple(names)


def compare_section(out, charts, markers):
    """compare.csv charted as B − A by series with both intervals, the last date's cells
    and compare_outcomes.csv tabled."""
    df = out.paired
    names = compare_names(out)
    indicators = set(df["indicator"])
    specs = chart_specs(indicators)
    if not specs:  # none of the usual indicators: chart each indicator's aggregates
        specs = [dict(id=i, indicator=i, title=i.replace("_", " ").capitalize(), series=None)
                 for i in dict.fromkeys(df["indicator"])]
    groups = group_series(df, [s["indicator"] for s in specs])
    rows = []
    for spec in specs:
        ind = spec["indicator"]
        wanted = spec["series"] or generic_series([k[1:] for k in groups if k[0] == ind])
        panels = []
        for region, partner, sector, label in wanted:
            g = groups.get((ind, region, partner, sector))
            if g is None:
                continue
            f = g.sort_values("date").reset_index(drop=True)
            panels.append((label, f))
            last = f.iloc[-1]
            rows.append([spec["title"], label, ind, region, partner, sector,
                         str(last["date"].date()), int(last["n"]), float(last["mean_a"]),
                         float(last["mean_b"]), float(last["diff"]), float(last["paired_lo"]),
                         float(last["paired_hi"]), _excludes_zero(last)])
        if panels:
            charts.paired("compare", "paired_" + spec["id"], spec["title"],
                          indicator_unit(ind), panels, markers, names)
    outcome_rows = []
    for _, r in out.compare_outcomes.iterrows():
        outcome_rows.append([r["outcome"], outcome_unit(r["outcome"]), int(r["n"]),
                             float(r["mean_a"]), float(r["mean_b"]), float(r["diff"]),
                             float(r["paired_lo"]), float(r["paired_hi"]),
                             float(r["unpaired_lo"]), float(r["unpaired_hi"]),
                             _excludes_zero(r)])
    return dict(rows=rows, outcome_rows=outcome_rows, names=names)


def _excludes_zero(r):
    if r["n"] == 0 or math.isnan(r["paired_lo"]):
        return "no pairs" if r["n"] == 0 else "n/a"
    if r["paired_lo"] == r["paired_hi"]:
        return "exact" if r["diff"] != 0 else "no (identical)"
    return "yes" if r["paired_lo"] > 0 or r["paired_hi"] < 0 else "no"


def sweep_section(out, charts):
    import pandas as pd
    params, outcomes = sweep_columns(out)
    pts = out.sweep
    sweep = out.scenario.get("sweep") if isinstance(out.scenario, dict) else None
    design = sweep.get("design") if isinstance(sweep, dict) else None
    grid = design in (None, "grid")
    # 95% t half-width of each point's mean from its n and sd (0 where n < 2)
    st = out.sweep_stats
    n_rep = int(st["n"].max()) if "n" in st.columns and st["n"].notna().any() else 0
    if "sd" in st.columns and "n" in st.columns:
        half = [t_quantile_975(int(n) - 1) * sd / math.sqrt(n) if n >= 2 and sd == sd
                else 0.0 for n, sd in zip(st["n"], st["sd"])]
    else:
        half = [0.0] * len(st)
    hw = pd.DataFrame({"point": st["point"], "outcome": st["outcome"], "hw": half})
    errs = hw.pivot(index="point", columns="outcome", values="hw") \
        .reindex(pts["point"]).reset_index(drop=True)
    charts.sweep_size = f"({len(pts)} points × {n_rep} replicates)"
    varying = [p for p in params if pts[p].nunique() > 1]
    tornado = {}
    for i, p in enumerate(varying):
        categorical = pts[p].dtype.kind != "f"
        charts.response("sweep", f"sweep_response_{i + 1}", p, pts, errs, outcomes,
                        categorical, grid)
    for o in outcomes:
        base = float(pts[o].mean())
        rows = []
        for p in varying:
            main = pts.groupby(p, sort=True)[o].mean()
            rows.append(dict(param=p, low=float(main.iloc[0]), high=float(main.iloc[-1]),
                             min=float(main.min()), max=float(main.max()),
                             swing=float(main.max() - main.min())))
        if rows:
            tornado[o] = dict(base=base, rows=rows)
    if tornado:
        charts.tornado("sweep", tornado, varying)
    sens = out.sensitivity
    has_total = None
    if sens is not None:
        for c in ("total_order_index", "total_index"):
            if c in sens.columns and sens[c].dtype.kind == "f":
                has_total = c
        charts.sensitivity("sweep", sens, has_total)
    tornado_rows = [[o, r["param"], info["base"], r["low"], r["high"], r["swing"]]
                    for o, info in tornado.items()
                    for r in sorted(info["rows"], key=lambda r: -r["swing"])]
    return dict(params=params, outcomes=outcomes, varying=varying, points=pts,
                tornado_rows=tornado_rows, sens=sens, has_total=has_total, design=design)


def bench_section(out, charts):
    df = out.bench.copy()
    notes = []
    for c, default in (("threads", 1.0), ("ranks", 1.0)):
        if c not in df.columns:
            df[c] = default
            notes.append(f"no {c} column: taken as {int(default)}")
    if "kind" not in df.columns:
        df["kind"] = "strong"
        notes.append("no kind column: every row taken as strong scaling")
    if "level" not in df.columns:
        df["level"] = "all"
    df["kind"] = df["kind"].astype(str)
    df["level"] = df["level"].astype(str)
    df["workers"] = df["threads"] * df["ranks"]
    keys = ["kind", "level"] + (["firms"] if "firms" in df.columns else [])
    agg = {"seconds": "median"}
    for c in ("rate", "efficiency"):
        if c in df.columns:
            agg[c] = "median"
    # dropna=False: a kind without a firm count (the machine check) is still a series
    med = df.groupby(keys + ["workers"], sort=True, dropna=False).agg(agg).reset_index()
    groups = []
    for key, g in med.groupby(keys, sort=True, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        g = g.sort_values("workers").reset_index(drop=True)
        weak = "weak" in key[0].lower()
        if weak and "firms" in keys:
            continue  # weak scaling: firms grow with workers; grouped below without firms
        g = _bench_derive(g, weak)
        label = f"{key[0]}, {key[1]}" + (f", {fmt(key[2])} firms"
                                          if len(key) > 2 and key[2] == key[2] else "")
        groups.append((label, weak, g))
    if "firms" in keys:   # weak scaling groups ignore firms
        wk = med[med["kind"].str.lower().str.contains("weak")]
        if len(wk):
            wk = df[df["kind"].str.lower().str.contains("weak")].groupby(
                ["kind", "level", "workers"], sort=True).agg(agg).reset_index()
            for key, g in wk.groupby(["kind", "level"], sort=True):
                g = _bench_derive(g.sort_values("workers").reset_index(drop=True), True)
                groups.append((f"{key[0]}, {key[1]}", True, g))
    strong = [(lab, g) for lab, weak, g in groups if not weak]
    weakg = [(lab, g) for lab, weak, g in groups if weak]
    if strong:
        charts.bench_lines(
            "bench", "bench_speedup", "Strong scaling (speedup)", strong, "speedup",
            "speedup over the smallest run (median times)",
            ideal=lambda w: (w, [x / w[0] for x in w], "ideal (linear)"), logy=True,
            caption="Strong scaling: median wall time of the smallest worker count divided by "
                    "the median wall time at each worker count, one line per kind, level "
                    "(and firm count); dotted: ideal linear speedup.")
    if weakg:
        charts.bench_lines(
            "bench", "bench_weak_seconds", "Weak scaling (wall time)", weakg, "seconds",
            "median wall time (seconds)",
            caption="Weak scaling: median wall time at each worker count with the work per "
                    "worker held fixed; a flat line is perfect weak scaling.")
    if groups:
        charts.bench_lines(
            "bench", "bench_efficiency", "Parallel efficiency",
            [(lab, g) for lab, _, g in groups], "efficiency", "parallel efficiency",
            ideal=lambda w: (w, [1.0] * len(w), "ideal (1)"),
            caption="Parallel efficiency at each worker count: the efficiency column of "
                    "bench.csv (median) when present, else computed from the wall times "
                    "(strong: speedup / worker ratio; weak: smallest run's time / time).")
    if "rate" in df.columns:
        charts.bench_lines(
            "bench", "bench_rate", "Throughput", [(lab, g) for lab, _, g in groups], "rate",
            "throughput (each line's unit in its label)", logy=True,
            caption="Throughput (the rate column of bench.csv, in the rate_unit of each "
                    "kind, median over repeats) against workers.")
    table = []
    for lab, weak, g in groups:
        for _, r in g.iterrows():
            table.append([lab, float(r["workers"]), float(r["seconds"]), float(r["speedup"]),
                          float(r["efficiency"]),
                          float(r["rate"]) if "rate" in g.columns else None])
    return dict(rows=table, notes=notes, has_rate="rate" in df.columns)


def _bench_derive(g, weak):
    t0, w0 = g["seconds"].iloc[0], g["workers"].iloc[0]
    g["speedup"] = t0 / g["seconds"]
    if "efficiency" not in g.columns:
        g["efficiency"] = (t0 / g["seconds"]) if weak else g["speedup"] / (g["workers"] / w0)
    return g


# ----------------------------------------------------------------------------------------
# HTML

CSS = """
body{font-family:Helvetica,Arial,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;
color:#1b1b1b;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em}h2{margin-top:2em;border-bottom:1px solid #ccc}
p.meta{color:#555;margin-top:0}
figure{margin:1.5em 0}figure img{max-width:100%;height:auto;border:1px solid #eee}
figcaption{font-size:.9em;color:#333}
table{border-collapse:collapse;font-size:.85em;margin:1em 0}
th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums}
th{background:#eef2f6}
pre{background:#f6f6f6;padding:1em;overflow-x:auto;font-size:.8em}
.note{color:#555;font-size:.9em}
"""


class Html:
    def __init__(self):
        self.parts = []

    def add(self, s):
        self.parts.append(s)

    def h(self, level, text, anchor=None):
        a = f' id="{html.escape(anchor)}"' if anchor else ""
        self.add(f"<h{level}{a}>{html.escape(text)}</h{level}>\n")

    def p(self, text, cls=None):
        c = f' class="{cls}"' if cls else ""
        self.add(f"<p{c}>{html.escape(text)}</p>\n")

    def table(self, table_id, columns, rows):
        self.add(f'<table id="{html.escape(table_id)}">\n<thead><tr>')
        self.add("".join(f"<th>{html.escape(c)}</th>" for c in columns))
        self.add("</tr></thead>\n<tbody>\n")
        for row in rows:
            self.add("<tr>")
            for v in row:
                if isinstance(v, bool) or v is None or isinstance(v, str):
                    self.add(f"<td>{html.escape('' if v is None else str(v))}</td>")
                elif isinstance(v, int):
                    self.add(f'<td class="num" data-value="{v}">{v}</td>')
                else:
                    fv = float(v)
                    self.add(f'<td class="num" data-value="{fv!r}">{html.escape(fmt(fv))}</td>')
            self.add("</tr>\n")
        self.add("</tbody>\n</table>\n")

    def figure(self, folder, item):
        with open(os.path.join(folder, item["file"]), "rb") as f:
            data = base64.b64encode(f.read()).decode("ascii")
        self.add(f'<figure id="fig-{html.escape(item["file"][:-4])}">\n'
                 f'<img src="data:image/png;base64,{data}" alt="{html.escape(item["title"])}" '
                 f'data-file="{html.escape(item["file"])}"'
                 + (f' data-unit="{html.escape(item["unit"])}"' if item.get("unit") else "")
                 + '>\n'
                 f"<figcaption>{html.escape(item['caption'])}</figcaption>\n</figure>\n")

    def text(self):
        return "".join(self.parts)


def build_html(out, charts, folder, results, measures):
    name = out.name
    doc = Html()
    kinds = " + ".join(out.kinds)
    doc.add('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f"<title>tradewar report: {html.escape(name)}</title>\n"
            f"<style>{CSS}</style>\n</head>\n<body>\n")
    doc.h(1, f"tradewar report: {name}")
    prov = out.provenance
    meta = [f"{kinds} output in {out.path}"]
    if prov.get("version"):
        meta.append(f"tradewar {prov.get('version')} ({prov.get('git_revision', 'unknown')})")
    for key, label in (("replicates", "replicates"), ("seed", "seed"),
                       ("result_hash", "result hash")):
        if prov.get(key):
            meta.append(f"{label} {prov[key]}")
    doc.p(" · ".join(meta), "meta")
    desc = out.scenario.get("description") if isinstance(out.scenario, dict) else None
    if isinstance(desc, str) and desc:
        doc.p(desc)

    headline = headline_answers(out, results)
    if headline:
        doc.h(2, "Headline answers", "headline")
        doc.add('<ul id="headline">\n' + "".join(f"<li>{html.escape(t)}</li>\n"
                                                 for t in headline) + "</ul>\n")

    sections = []
    if "run" in out.kinds:
        sections += [("fan-charts", "Fan charts"), ("key-series", "Key series"),
                     ("outcomes", "Per-replicate outcomes")]
    if "compare" in out.kinds:
        sections.append(("compare", "Paired differences"))
    if "sweep" in out.kinds:
        sections.append(("sweep", "Sweep"))
    if "bench" in out.kinds:
        sections.append(("bench", "Scaling benchmark"))
    if "score" in out.kinds:
        sections.append(("score", "Scores against observations"))
    if out.scenario_text is not None:
        sections.append(("scenario", "Scenario"))
    if out.provenance_text is not None:
        sections.append(("provenance", "Provenance"))
    sections.append(("conventions", "Conventions"))
    doc.add("<nav><ul>\n" + "".join(f'<li><a href="#{a}">{html.escape(t)}</a></li>\n'
                                    for a, t in sections) + "</ul></nav>\n")

    def figures(section):
        for item in charts.items:
            if item["section"] == section:
                doc.figure(folder, item)

    if "run" in out.kinds:
        r = results["run"]
        doc.h(2, "Fan charts", "fan-charts")
        figures("run")
        if r["not_charted"]:
            doc.p("Indicators of summary.csv not charted here: " + ", ".join(r["not_charted"])
                  + ".", "note")
        if results.get("markers"):
            doc.p("Dates marked on the time axes: tariff measures of the scenario taking "
                  "effect, and from events.csv the first day of each kind of event (median "
                  "over the replicates where it happened; how many in the label).")
            doc.table("markers-table", ["mark", "date", "what"],
                      [[k, str(m[0]), m[2]] for k, m in enumerate(results["markers"], 1)])
        doc.h(2, "Key series", "key-series")
        doc.p("The charted series on the last output date, and the peak of the median over "
              "the run. Numbers as in summary.csv.")
        doc.table("key-series-table", ["chart", "series", "indicator", "region", "partner",
                                       "sector", "date", "mean", "p05", "p50", "p95",
                                       "peak p50", "peak date"], r["end_rows"])
        doc.h(2, "Per-replicate outcomes", "outcomes")
        figures("outcomes")
        doc.p("Means across replicates with 95% confidence intervals: t-based for continuous "
              "outcomes (mean ± t(0.975, n−1)·sd/√n), Wilson score for 0/1 outcomes (shown "
              "as probabilities). sd is the sample standard deviation.")
        doc.table("outcomes-table", ["outcome", "unit", "n", "mean", "sd", "95% CI low",
                                     "95% CI high", "interval"], r["outcome_rows"])
        if r["skipped"]:
            doc.p("Non-numeric columns of replicates.csv not summarised: "
                  + ", ".join(r["skipped"]) + ".", "note")
    if "compare" in out.kinds:
        r = results["compare"]
        a, b = r["names"]
        doc.h(2, "Paired differences", "compare")
        doc.p(f"B − A: {b} (B) minus {a} (A), replicate by replicate on common random numbers "
              "(replicate r of both sides uses the same seed and key), so the noise the two "
              "runs share cancels. Intervals are 95%: paired (the difference's own spread) "
              "and, for contrast, unpaired (two independent batches of the same size).")
        doc.p("Per-replicate outcomes (compare_outcomes.csv).")
        doc.table("compare-outcomes-table", ["outcome", "unit", "n", "mean A", "mean B",
                                             "B − A", "paired low", "paired high",
                                             "unpaired low", "unpaired high",
                                             "paired CI excludes 0"], r["outcome_rows"])
        figures("compare")
        doc.p("The charted series on the last output date (compare.csv).")
        doc.table("paired-table", ["chart", "series", "indicator", "region", "partner",
                                   "sector", "date", "n", "mean A", "mean B", "B − A",
                                   "paired low", "paired high", "paired CI excludes 0"],
                  r["rows"])
        for side, label in (("a", a), ("b", b)):
            doc.add(f"<details><summary>scenario_{side}.yaml as run ({html.escape(label)})"
                    "</summary>\n<pre>" + html.escape(out.sides[side][1]) + "</pre>\n</details>\n")
    if "sweep" in out.kinds:
        r = results["sweep"]
        doc.h(2, "Sweep", "sweep")
        doc.p(f"Parameters: {', '.join(r['params'])} (varying: "
              f"{', '.join(r['varying']) or 'none'}). Outcomes: {', '.join(r['outcomes'])}.")
        figures("sweep")
        if r["tornado_rows"]:
            doc.table("tornado-table", ["outcome", "parameter", "overall mean",
                                        "mean at lowest value", "mean at highest value",
                                        "swing (max − min)"], r["tornado_rows"])
        if r["sens"] is not None:
            cols = SENSITIVITY_COLUMNS + ([r["has_total"]] if r["has_total"] else [])
            doc.table("sensitivity-table", cols,
                      [[row[c] if c in ("parameter", "outcome") else float(row[c])
                        for c in cols] for _, row in r["sens"].iterrows()])
        pts = r["points"]
        shown = pts.head(200)
        doc.table("sweep-table", list(shown.columns),
                  [[_cell(v) for v in row] for row in shown.itertuples(index=False)])
        if len(pts) > len(shown):
            doc.p(f"First {len(shown)} of {len(pts)} points shown.", "note")
    if "bench" in out.kinds:
        r = results["bench"]
        doc.h(2, "Scaling benchmark", "bench")
        figures("bench")
        for n in r["notes"]:
            doc.p(f"bench.csv: {n}.", "note")
        doc.table("bench-table", ["series", "workers", "median seconds", "speedup",
                                  "efficiency"] + (["median rate"] if r["has_rate"] else []),
                  [row if r["has_rate"] else row[:-1] for row in r["rows"]])
    if "score" in out.kinds:
        doc.h(2, "Scores against observations", "score")
        doc.p(f"From {os.path.join(out.score_dir, 'score.csv')} (tradewar score): per "
              "series and overall, the mean observed value, the median's mean absolute error "
              "and bias, the share of observations inside the 50% and 90% bands and the "
              "CRPS (README, Scoring a run against observed data). Charts of each series "
              "against the run: analysis/score_report.py on the score directory.")
        cols = [c for c in ("indicator", "region", "partner", "sector", "n", "obs_mean",
                            "mae", "bias", "cover50", "cover90", "crps")
                if c in out.score.columns]
        doc.table("score-table", cols, [[_cell(row[c]) for c in cols]
                                        for _, row in out.score.iterrows()])
    if out.scenario_text is not None:
        doc.h(2, "Scenario", "scenario")
        sc = out.scenario
        doc.p(f"{sc.get('name', name)}: {sc.get('start', '?')} to {sc.get('end', '?')}.")
        if measures:
            doc.p("Tariff measures of the scenario, in file order (measures effective before "
                  "the first output date are in force from the start and not marked on the "
                  "charts).")
            doc.table("measures-table", ["effective", "announced", "end", "measure", "imposer",
                                         "target", "sectors", "rate", "coverage", "note"],
                      [[m["effective_text"], m["announced"], m["end"], m["measure"],
                        m["imposer"], m["target"], m["sectors"], str(m["rate"]),
                        str(m["coverage"]), m["note"]] for m in measures])
        doc.add("<details><summary>scenario.yaml as run</summary>\n<pre>"
                + html.escape(out.scenario_text) + "</pre>\n</details>\n")
    if out.provenance_text is not None:
        doc.h(2, "Provenance", "provenance")
        doc.table("provenance-table", ["key", "value"],
                  [[k, v if isinstance(v, str) else json.dumps(v)]
                   for k, v in out.provenance.items()])
    doc.h(2, "Conventions", "conventions")
    doc.add("<ul>\n" + "".join(f"<li>{html.escape(t)}</li>\n" for t in [
        "Fan charts: dark line the median across replicates (p50); fills the bands between "
        "the quantiles summary.csv carries (p05–p95, and p25–p75 where present), darker "
        "inside. No band is derived from the sd: the series are often skewed.",
        "Thin vertical lines: dates on which a tariff measure of the scenario takes effect, "
        "its truce deadline and the first day of each kind of event; each is numbered as in "
        "the table of marked dates and labelled in words where the label fits without "
        "overlapping another.",
        "Every chart title says how many replicates (or sweep points and replicates) it "
        "shows.",
        "Table numbers are printed with 6 significant digits (%.6g); each numeric cell "
        "carries the full value in its data-value attribute. The headline sentences round "
        "each number to what its interval supports.",
        "Units: tariff rates and shares in percent, trade flows in USD million per day, "
        "welfare in percent change of real income; outcome units follow the column name "
        "suffix (_usd_bn, _pct, _days).",
        "Made by analysis/report.py; see analysis/README.md.",
    ]) + "</ul>\n")
    doc.add("</body>\n</html>\n")
    return doc.text()


def headline_answers(out, results):
    """The first page in words: what the run says, one sentence per outcome (0/1 outcomes
    as how often they happened, the others as a mean with the 5-95% range across
    replicates), the strongest driver of each outcome of a sweep, and how a score's
    bands covered what was observed."""
    import numpy as np
    lines = []

    def what(name):
        d = out.definitions.get(name)
        return d[0].upper() + d[1:] if d else name

    if "run" in results and out.replicates is not None:
        rep = out.replicates
        n = len(rep)
        for name, unit, nc, mean, _, low, high, method in results["run"]["outcome_rows"]:
            if "." in name:
                continue  # a parameter drawn per replicate, not a result
            if method == "never happened":
                lines.append(f"{what(name)}: did not happen in any of the {n} replicates.")
            elif method.startswith("Wilson"):
                k = int(round(mean * nc))
                lines.append(f"{what(name)}: in {k} of {nc} replicates ({100 * mean:.0f}%, "
                             f"95% interval {100 * low:.0f}–{100 * high:.0f}%).")
            else:
                v = rep[name].dropna().to_numpy(dtype=float)
                p05, p95 = np.percentile(v, [5, 95])
                when = "" if nc == n else f" (in the {nc} of {n} replicates where it happened)"
                # the mean to the precision of its 95% interval, the range to three digits
                u = (high - low) / 2 if math.isfinite(high - low) else None
                if p05 == p95:
                    lines.append(f"{what(name)}: {fmt_round(mean)} {unit} in every "
                                 f"replicate{when}.")
                else:
                    lines.append(f"{what(name)}: {fmt_round(mean, u)} {unit} on average"
                                 f"{when} (95% interval ±{fmt_round(u, sig=2)}), 90% of "
                                 f"replicates between {fmt_round(p05)} and {fmt_round(p95)}.")
    if "sweep" in results and results["sweep"]["sens"] is not None:
        sens = results["sweep"]["sens"]
        for outcome, g in sens.groupby("outcome", sort=False):
            g = g[g["first_order"].notna()]
            if len(g) == 0:  # nan: the outcome does not vary across the points
                continue
            top = g.sort_values("first_order", ascending=False).iloc[0]
            lines.append(f"Across the sweep, {outcome} moves most with {top['parameter']} "
                         f"(first-order index {fmt_round(float(top['first_order']))}).")
    if out.score is not None and "cover90" in out.score.columns:
        row = out.score[out.score["indicator"] == "overall"]
        if len(row):
            r = row.iloc[0]
            lines.append(f"Against {int(r['n'])} observations, the run's 90% band held "
                         f"{100 * float(r['cover90']):.0f}% of them and its 50% band "
                         f"{100 * float(r['cover50']):.0f}%.")
    return lines


def _cell(v):
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return float(v)
    try:
        import numpy as np
        if isinstance(v, np.generic):
            return float(v)
    except ImportError:
        pass
    return str(v)


# ----------------------------------------------------------------------------------------
# Driver

def report_dir_for(outdir, out_arg):
    dest = os.path.abspath(out_arg) if out_arg else os.path.join(os.path.abspath(outdir), "report")
    parent = os.path.dirname(dest.rstrip(os.sep)) or os.sep
    if not os.path.isdir(parent):
        raise ReportError(f"--out: {parent} is not a directory")
    if os.path.lexists(dest):
        if not os.path.isdir(dest) or os.path.islink(dest):
            raise ReportError(f"{dest} exists and is not a report directory")
        if os.listdir(dest) and not os.path.isfile(os.path.join(dest, "report.html")):
            raise ReportError(f"{dest} exists and holds no report.html: refusing to replace it")
    src = os.path.abspath(outdir)
    if src == dest or src.startswith(dest.rstrip(os.sep) + os.sep):
        raise ReportError(f"--out {dest} would replace the output directory itself")
    return dest


def write_report(out, dest):
    parent = os.path.dirname(dest.rstrip(os.sep)) or os.sep
    stage = tempfile.mkdtemp(prefix=".report-", dir=parent)
    try:
        charts = Charts(stage, out.name)
        n_prov = out.provenance.get("replicates")
        charts.n_rep = len(out.replicates) if out.replicates is not None else \
            int(n_prov) if isinstance(n_prov, str) and n_prov.isdigit() else "?"
        measures = tariff_measures(out.scenario)
        frames = [d for d in (out.summary, out.paired) if d is not None]
        markers = []
        results = {}
        if frames:
            first = min(d["date"].min() for d in frames).date()
            last = max(d["date"].max() for d in frames).date()
            n_rep = len(out.replicates) if out.replicates is not None else 0
            events = event_markers(out.events, n_rep, first, last)
            charts.n_events = len(events)
            markers = merge_same_day(measure_markers(measures, first, last) + events +
                                     truce_deadline(out.scenario, first, last))
        results["markers"] = markers
        if "run" in out.kinds:
            results["run"] = run_section(out, charts, markers)
        if "compare" in out.kinds:
            results["compare"] = compare_section(out, charts, markers)
        if "sweep" in out.kinds:
            results["sweep"] = sweep_section(out, charts)
        if "bench" in out.kinds:
            results["bench"] = bench_section(out, charts)
        text = build_html(out, charts, stage, results, measures)
        with open(os.path.join(stage, "report.html"), "w", encoding="utf-8") as f:
            f.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(stage, 0o777 & ~umask)
        old = None
        if os.path.lexists(dest):
            old = tempfile.mkdtemp(prefix=".report-old-", dir=parent)
            os.rmdir(old)
            os.rename(dest, old)
        try:
            os.rename(stage, dest)
        except OSError:
            if old:
                os.rename(old, dest)
            raise
        if old:
            shutil.rmtree(old, ignore_errors=True)
        return charts.items
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise


def main(argv=None):
    ap = argparse.ArgumentParser(
        prog=PROG, description="Charts and a self-contained HTML report from a tradewar "
                               "output directory (run, compare, sweep or bench).")
    ap.add_argument("outdir", metavar="OUTDIR", help="the output directory to report on")
    ap.add_argument("--out", metavar="REPORTDIR",
                    help="where to write the report (default: OUTDIR/report); replaced "
                         "atomically when it holds an earlier report")
    ap.add_argument("--quiet", "-q", action="store_true", help="print nothing on success")
    args = ap.parse_args(argv)
    try:
        out = load_output(args.outdir)
        dest = report_dir_for(args.outdir, args.out)
    except ReportError as e:
        print(f"{PROG}: {args.outdir}: {e}", file=sys.stderr)
        return 2
    try:
        items = write_report(out, dest)
    except ReportError as e:
        print(f"{PROG}: {args.outdir}: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"{PROG}: {args.outdir}: cannot write the report: {e}", file=sys.stderr)
        return 1
    if not args.quiet:
        print(f"{PROG}: wrote {os.path.join(dest, 'report.html')} and {len(items)} charts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
