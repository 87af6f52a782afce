"""The charts of the report: fan charts over time with the marked dates, paired
differences, histograms and probabilities of the outcomes, sweep responses, tornado and
sensitivity charts, and the benchmark's scaling lines; each saved as a PNG in report order."""

import math
import os
import re

from tradewar_report.inputs import outcome_unit
from tradewar_report.markers import place_labels
from tradewar_report.stats import fmt


# Greyscale-safe palette: a near-black median over two fills of clearly different
# lightness (about 86% and 63% in greyscale), and linestyles to tell series apart.
INK = "#102a43"
FILL_90 = "#d3dce6"
FILL_50 = "#8ea6bf"
MARKER_INK = "#6b6b6b"
LINESTYLES = ["-", "--", "-.", ":", (0, (5, 1, 1, 1, 1, 1))]
MARKERS = ["o", "s", "^", "D", "v", "P"]
DPI = 110
MAX_GRID = 12   # panels per histogram / response / tornado image


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
            caption += (" Vertical lines, numbered as in the table of marked dates: the dates "
                        "on which B's tariff measures take effect, and its truce deadline.")
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


def band_width(lo, hi):
    return int(hi[1:]) - int(lo[1:])


def band_fills(n):
    """n fills from light (outermost) to dark: FILL_90 and FILL_50, others between."""
    import matplotlib.colors as mc
    if n <= 2:
        return [FILL_90, FILL_50][:n] if n == 2 else [FILL_90] * n
    a, b = mc.to_rgb(FILL_90), mc.to_rgb(FILL_50)
    return [mc.to_hex(tuple(x + (y - x) * k / (n - 1) for x, y in zip(a, b))) for k in range(n)]
