"""Summarise several tw_bench CSVs of the same measurements (bench/rounds).

usage: rounds.py ROUND.csv [ROUND.csv ...]

For every kind and thread count beyond the first, prints the median over the rounds of the
efficiency, the best-repeat efficiency and the POP factors (load balance, sync efficiency,
computational scalability), each with its range; then the firm/reference ratios at every
thread count; each world apart where the rounds ran several (tw_bench --world). Checks that
each measurement's result hash is the same in every round and exits 3 when one is not.
Standard library only, so it runs wherever tw_bench does.
"""
import csv
import statistics
import sys

KINDS = ("cpu_spin", "firm_step_strong", "firm_step_weak", "reference_kernel",
         "reference_dense", "replicates_strong", "replicates_weak")
FACTORS = (("efficiency", "eff"), ("efficiency_best", "best"), ("load_balance", "LB"),
           ("sync_efficiency", "SE"), ("compute_scalability", "CS"))
RATIOS = ("firm_vs_reference", "firm_vs_dense")


def num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def spread(values):
    """'median (min-max)' of the values that are numbers, '-' when there are none."""
    vals = [v for v in values if v is not None]
    if not vals:
        return "-"
    med = statistics.median(vals)
    if len(vals) == 1:
        return f"{med:.3f}"
    return f"{med:.3f} ({min(vals):.3f}-{max(vals):.3f})"


def main(paths):
    if not paths:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    rounds = []
    for p in paths:
        with open(p, newline="") as f:
            rounds.append(list(csv.DictReader(f)))
    # rows[(kind, world, threads)] = [row of round 1, row of round 2, ...]; world is empty
    # for the machine's rows and in files written before tw_bench had --world
    rows = {}
    for rnd in rounds:
        for r in rnd:
            if r["threads"]:
                key = (r["kind"], r.get("world") or "", int(r["threads"]))
                rows.setdefault(key, []).append(r)
    worlds = sorted({w for _, w, _ in rows})
    several = len([w for w in worlds if w]) > 1

    def name(kind, world):
        """The kind, with its world where the rounds measured several."""
        return f"{kind} ({world})" if world and several else kind

    wide = 25 if several else 18
    print(f"{len(rounds)} rounds; median over the rounds (min-max)")
    header = f"  {'kind':<{wide}} {'thr':>4}  " + "  ".join(f"{label:<19}" for _, label in FACTORS)
    print(header)
    for kind in KINDS:
        for world in worlds:
            threads = sorted(t for k, w, t in rows if k == kind and w == world)
            for t in threads[1:]:
                rs = rows[(kind, world, t)]
                cells = [spread(num(r[col]) for r in rs) for col, _ in FACTORS]
                print(f"  {name(kind, world):<{wide}} {t:>4}  "
                      + "  ".join(f"{c:<19}" for c in cells))
    for kind in RATIOS:
        for world in worlds:
            for t in sorted(t for k, w, t in rows if k == kind and w == world):
                rs = rows[(kind, world, t)]
                ratio = spread(num(r["rate"]) for r in rs)
                print(f"  {name(kind, world):<{wide}} {t:>4}  ratio {ratio}")
    bad = []
    for (kind, world, t), rs in sorted(rows.items()):
        hashes = {r["result_hash"] for r in rs if r["result_hash"]}
        if len(hashes) > 1:
            bad.append(f"{name(kind, world)} at {t} threads: {', '.join(sorted(hashes))}")
    if bad:
        print("HASH MISMATCH between rounds:")
        for b in bad:
            print("  " + b)
        return 3
    print("hash ok: every measurement gave the same result hash in every round")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
