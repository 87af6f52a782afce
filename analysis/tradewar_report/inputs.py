"""Reading a tradewar output directory: the CSVs with their truncation and shape
checks, scenario.yaml and provenance.yaml, the data dictionary (datapackage.json) and the
units, which come only from it; everything is validated before anything is drawn
(ReportError: unusable input)."""

import csv
import json
import os
import re


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
              "score.csv", "hindcast.csv"]

# The units of the run's own data dictionary (datapackage.json beside its CSVs), the only
# place the report takes units from: {indicator or outcome name: unit}. Filled by
# load_output, which refuses an entry without one.
PACKAGE_UNITS = {}


def indicator_unit(name):
    """The axis label of an indicator: its unit from the output's datapackage.json."""
    if name not in PACKAGE_UNITS:
        raise ReportError(f"datapackage.json: no entry for the indicator {name} under "
                          "indicators, where its unit comes from (a run of another program "
                          "version? run it again)")
    unit = PACKAGE_UNITS[name]
    return "share of replicates" if unit == "0/1" else unit


class ReportError(Exception):
    """Unusable input: reported as `report.py: OUTDIR: message`, exit status 2."""


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
        self.hindcast = None          # hindcast.csv
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
                          "sweep_outcomes.csv, bench.csv, score.csv or hindcast.csv): not a "
                          "finished tradewar output directory")
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
            for kind in ("indicators", "outcomes"):
                for k, d in enumerate(pkg.get(kind, [])):
                    name = d.get("name")
                    if not isinstance(name, str) or not name:
                        raise ReportError(f"datapackage.json: {kind}[{k}]: no name (the "
                                          "field 'name')")
                    if not isinstance(d.get("unit"), str) or not d["unit"]:
                        raise ReportError(f"datapackage.json: {kind}[{k}] ({name}): no unit "
                                          "(the field 'unit')")
                    PACKAGE_UNITS[name] = d["unit"]
                    out.definitions[name] = d.get("definition", "")
            out.outcome_names = {d["name"] for d in pkg.get("outcomes", [])}
        except (ValueError, KeyError, TypeError, AttributeError) as e:
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
    if "hindcast.csv" in present:
        from tradewar_report.hindcast import read_hindcast
        out.kinds.append("hindcast")
        out.hindcast = read_hindcast(p("hindcast.csv"))
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


def outcome_unit(col):
    """The unit of an outcome from the output's datapackage.json (load_output refuses an
    outcome there without one); "" for a column that is not an outcome (a drawn or swept
    parameter, in its own scale)."""
    return PACKAGE_UNITS.get(col, "")
