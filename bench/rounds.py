"""Summarise several tw_bench CSVs of the same measurements (bench/rounds).

usage: rounds.py ROUND.csv [ROUND.csv ...]

For every kind and thread count beyond the first, prints the median over the rounds of the
efficiency, the best-repeat efficiency and the POP factors (load balance, sync efficiency,
computational scalability), each with its range; then the firm/reference ratios at every
thread count. Checks that each measurement's result hash is the same in every round and
exits 3 when one is not. Standard library only, so it runs wherever tw_bench does.
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
    # rows[(kind, threads)] = [row of round 1, row of round 2, ...]
    rows = {}
    for rnd in rounds:
        for r in rnd:
            if r["threads"]:
                rows.setdefault((r["kind"], int(r["threads"])), []).append(r)
    print(f"{len(rounds)} rounds; median over the rounds (min-max)")
    header = f"  {'kind':<18} {'thr':>4}  " + "  ".join(f"{label:<19}" for _, label in FACTORS)
    print(header)
    for kind in KINDS:
        threads = sorted(t for k, t in rows if k == kind)
        for t in threads[1:]:
            cells = [spread(num(r[col]) for r in rows[(kind, t)]) for col, _ in FACTORS]
            print(f"  {kind:<18} {t:>4}  " + "  ".join(f"{c:<19}" for c in cells))
    for kind in RATIOS:
        for t in sorted(t for k, t in rows if k == kind):
            print(f"  {kind:<18} {t:>4}  ratio {spread(num(r['rate']) for r in rows[(kind, t)])}")
    bad = []
    for (kind, t), rs in sorted(rows.items()):
        hashes = {r["result_hash"] for r in rs if r["result_hash"]}
        if len(hashes) > 1:
            bad.append(f"{kind} at {t} threads: {', '.join(sorted(hashes))}")
    if bad:
        print("HASH MISMATCH between rounds:")
        for b in bad:
            print("  " + b)
        return 3
    print("hash ok: every measurement gave the same result hash in every round")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
