"""The report's HTML page: the stylesheet, a small writer of headings, paragraphs, tables and
embedded figures (Html), the page itself from the sections' results (build_html) and the
headline answers at its top. The sections (analysis/report.py) compute what it shows;
this module only lays it out."""

import base64
import html
import json
import math
import os

from tradewar_report import hindcast
from tradewar_report.inputs import SENSITIVITY_COLUMNS
from tradewar_report.stats import fmt, fmt_round

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
    if "hindcast" in out.kinds:
        sections.append(("hindcast", "Hindcast over the decision points"))
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
    if "hindcast" in out.kinds:
        hindcast.write_html(doc, results["hindcast"], figures)
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
    if "hindcast" in results:
        lines.append(hindcast.headline(results["hindcast"]))
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
