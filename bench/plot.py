#!/usr/bin/python3
"""plot.py - scaling and bandwidth plots (PNG) from the benchmark's bench.csv.

usage: /usr/bin/python3 bench/plot.py BENCH_CSV OUT_DIR

Reads the rows tw_bench writes (columns in bench/README.md) with the csv module only, so
it needs nothing beyond matplotlib (Agg backend, no display), and draws:
  scaling.png    speedup and parallel efficiency against threads, for agent-level
                 parallelism (the firm step) and replicate-level parallelism (tw_run),
                 strong scaling (fixed problem; speedup T0*t0/tT) and weak scaling (work
                 grows with threads; scaled speedup T*t0/tT), with the ideal line; error
                 bars span the min..max of the repeats at each thread count;
  bandwidth.png  the triad's GB/s against threads, and the bytes per second the firm step
                 and the reference kernel move (firm-steps/s x 25 B), on the same axes.
Kept separate from the C program so that results carried back from another machine can
be plotted here.
"""
import csv
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

BYTES_PER_FIRM_STEP = 25.0  # see bench_model.c: reads 17 B, writes clock and stock


def num(v):
    return float(v) if v not in ("", None) else None


def load(path):
    """The rows; where tw_bench measured several worlds (--world), the machine's rows and
    the first world's, so that one line is one problem."""
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    worlds = [r["world"] for r in rows if r.get("world")]
    return [r for r in rows if not r.get("world") or r["world"] == worlds[0]]


def series(rows, kind):
    """Thread counts, medians, mins and maxes of one kind, sorted by threads."""
    pts = []
    for r in rows:
        if r["kind"] != kind or not r["threads"] or num(r["seconds_median"]) is None:
            continue
        pts.append((int(r["threads"]), num(r["seconds_median"]), num(r["seconds_min"]),
                    num(r["seconds_max"]), num(r["rate"])))
    pts.sort()
    return pts


def speedups(pts, weak):
    """Speedup (strong: T0*t0/tT; weak: T*t0/tT) with min/max from the repeats."""
    t0, base = pts[0][0], pts[0][1]
    out = []
    for t, med, lo, hi, _ in pts:
        f = (t * base) if weak else (t0 * base)
        out.append((t, f / med, f / hi, f / lo))
    return out


def scaling_panel(ax_s, ax_e, rows, strong_kind, weak_kind, title):
    tmax, ticks = 1, set()
    for kind, weak, style in ((strong_kind, False, "o-"), (weak_kind, True, "s--")):
        pts = series(rows, kind)
        if not pts:
            continue
        sp = speedups(pts, weak)
        ts = [p[0] for p in sp]
        tmax = max(tmax, max(ts))
        ticks.update(ts)
        s = [p[1] for p in sp]
        err = [[p[1] - p[2] for p in sp], [p[3] - p[1] for p in sp]]
        label = "weak (scaled speedup)" if weak else "strong"
        ax_s.errorbar(ts, s, yerr=err, fmt=style, capsize=3, label=label)
        eff = [p[1] / p[0] for p in sp]
        ax_e.errorbar(ts, eff, yerr=[[e / p[1] * (p[1] - p[2]) for e, p in zip(eff, sp)],
                                      [e / p[1] * (p[3] - p[1]) for e, p in zip(eff, sp)]],
                      fmt=style, capsize=3, label=label)
    machine = [(int(r["threads"]), num(r["efficiency"])) for r in rows
               if r["kind"] == "cpu_spin" and r["threads"] and num(r["efficiency"]) is not None]
    if machine and strong_kind.startswith("firm"):
        machine.sort()
        ax_e.plot([m[0] for m in machine], [m[1] for m in machine], "^-", color="0.55",
                  label="machine check (register-only work)")
    ax_s.plot([1, tmax], [1, tmax], "k:", label="ideal")
    ax_e.axhline(1.0, color="k", linestyle=":", label="ideal")
    ax_s.set_title(f"{title}\nspeedup", fontsize=10)
    ax_e.set_title(f"{title}\nparallel efficiency", fontsize=10)
    for ax in (ax_s, ax_e):
        ax.set_xlabel("threads")
        if ticks:
            ax.set_xticks(sorted(ticks))
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    ax_s.set_ylabel("speedup")
    ax_e.set_ylabel("efficiency")
    ax_e.set_ylim(0.0, 1.2)


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    rows = load(argv[1])
    out = argv[2]
    os.makedirs(out, exist_ok=True)
    written = []

    fig, axes = plt.subplots(2, 2, figsize=(11, 8.5))
    firms = next((r["firms"] for r in rows if r["kind"] == "firm_step_strong"), "?")
    scaling_panel(axes[0][0], axes[0][1], rows, "firm_step_strong", "firm_step_weak",
                  f"agent level (firm step, {firms} firms strong)")
    reps = next((r["replicates"] for r in rows if r["kind"] == "replicates_strong"), "?")
    scaling_panel(axes[1][0], axes[1][1], rows, "replicates_strong", "replicates_weak",
                  f"replicate level ({reps} replicates strong)")
    rev = next((r["git_revision"] for r in rows), "")
    fig.suptitle(f"tradewar scaling (git {rev}; medians, bars min..max of repeats)")
    fig.tight_layout()
    path = os.path.join(out, "scaling.png")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    written.append(path)

    triad = series(rows, "triad")
    if triad:
        fig, ax = plt.subplots(figsize=(7, 4.5))
        ax.plot([p[0] for p in triad], [p[4] for p in triad], "o-", label="triad (STREAM-like)")
        for kind, label in (("firm_step_strong", "firm step"),
                            ("reference_kernel", "reference kernel")):
            pts = series(rows, kind)
            if pts:
                ax.plot([p[0] for p in pts], [p[4] * BYTES_PER_FIRM_STEP / 1e9 for p in pts],
                        "s--", label=f"{label} (x {BYTES_PER_FIRM_STEP:.0f} B/firm-step)")
        ax.set_xlabel("threads")
        ax.set_xticks([p[0] for p in triad])
        ax.set_ylabel("GB/s")
        ax.set_title("memory bandwidth and what the kernels move")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
        fig.tight_layout()
        path = os.path.join(out, "bandwidth.png")
        fig.savefig(path, dpi=110)
        plt.close(fig)
        written.append(path)

    print("plots: " + ", ".join(written))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
