#!/usr/bin/env python3
"""The governments' and events' processes fitted to the library of decision points of
January 2018 to 31 May 2025 (data/decision_points_2018_2025.csv), the derivation behind
the drawn distributions of the policy scenarios (data/README.md, "Politics fitted to the
record").

    /usr/bin/python3 analysis/fit_politics.py [CSV] [--yaml]

Deterministic: grids, no sampling, so the same library gives the same bytes. Needs numpy
and scipy (Debian's python3-numpy and python3-scipy, /usr/bin/python3).

Binary processes, one group each (successes k of n decisions):

  breach_escalate   after a breach accusation, the accuser escalates (kind breach);
  expiry_extend     at an announced deadline or expiry (kind deadline or legal, outcome
                    extend, deal or escalate) with no breach accusation standing, it is
                    extended or settled rather than let run;
  expiry_accused    the same while a breach accusation between the parties stands (a
                    breach row before it, no deal since): the two groups together are the
                    two-group fit of the extension penalty an accusation brings;
  contact_deal      a leader call within CRISIS_WINDOW days of an escalation or
                    retaliation ends in a deal or an extension;
  summit_deal       the same for a summit (contact = summit);
  retaliate         a government whose partner escalated answers in kind (kind
                    retaliation); the agents let an escalation pass with forgive =
                    1 - theta, Beta(b, a);
  cn_controls       a Chinese answer (kind retaliation or control, actor CN) includes
                    wider export controls (controls = widen);
  deal_cuts         a deal (outcome deal, one per episode) cuts a tariff in force.

They are pooled (partial pooling, a hierarchical Beta-binomial): theta_g ~ Beta(mu kappa,
(1 - mu) kappa), mu uniform, log kappa uniform on [log 0.5, log 200], on a grid; each
group's posterior is the mixture over the grid's posterior weights, given as the Beta of
the same mean and variance (moment matching). A group with few cases is drawn towards the
pooled mean; one with many keeps its own rate.

Accusation hazard: from the day a side's commitments went unmet (a truce with a
commitment the accused side did not keep) to the accusation, the daily hazard is lambda
(per day of full shortfall); a Gamma(0.5, 0) (Jeffreys) prior gives the Gamma(0.5 + events,
exposure days) posterior.

Contact hazard: a daily Bernoulli process with hazard
    h(t) = (h0 + h1 exp(-s / tau)) (1 - exp(-c / RECOVERY_DAYS)),
s the days since the latest escalation or retaliation of either side (US-China rows), c
the days since the latest contact; the chance of a contact on a day is 1 - exp(-h). The
posterior on a grid of (h0, h1, tau), log-uniform priors on h0 and h1 (h1 from 1e-4 so
that no crisis effect is allowed) and uniform on tau; marginals given as log-normals
(mean and sd of the log) for h0 and h1, tau at its posterior median.

Leave-one-episode-out: --loo writes the table `tradewar hindcast` runs the model from
(data/hindcast_loo.csv): one row per binary decision and group, in the order of the
library, with whether a breach accusation stood on the day (a breach row before it, no
deal since), the group's posterior Beta(a, b) fitted without the row's episode and the
climatology (the base rate of every binary decision of every group without the episode,
(k + 1/2) / (n + 1)). --hindcast prints, for each decision of the binary groups, the
probability its group's posterior (fitted without that row's episode) gave to the outcome
that followed, with the Brier and log scores against climatology (the base rate of all the
binary decisions of every group, again without the episode: what one knows without the
agents).
"""
import argparse
import csv
import datetime as dt
import math
import os
import sys

import numpy as np
from scipy.special import betaln, gammaln

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_CSV = os.path.join(HERE, "..", "data", "decision_points_2018_2025.csv")
FIRST, LAST = dt.date(2018, 1, 1), dt.date(2025, 5, 31)
KINDS = ("contact", "threat", "deadline", "breach", "retaliation", "control", "talks", "legal")
OUTCOMES = ("escalate", "hold", "extend", "deal", "retaliate", "pending")
CONTACTS = ("call", "summit")
CONTROLS = ("none", "widen", "suspend")
PARTIES = ("US-CN", "US-EU")
ACTORS = ("US", "CN", "EU", "US-CN", "US-EU")
CRISIS_WINDOW = 180
RECOVERY_DAYS = 12.0
GROUPS = ("breach_escalate", "expiry_extend", "expiry_accused", "contact_deal", "summit_deal",
          "retaliate", "cn_controls", "deal_cuts")


def read_library(path):
    """The rows, checked: an error names the row and the column."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    out = []
    for k, r in enumerate(rows):
        where = f"{path}: row {k + 2}"
        try:
            r["day"] = dt.date.fromisoformat(r["date"])
        except (KeyError, ValueError):
            sys.exit(f"{where}: date: expected YYYY-MM-DD (got {r.get('date')!r})")
        for col, allowed in (("kind", KINDS), ("outcome", OUTCOMES), ("parties", PARTIES),
                             ("actor", ACTORS), ("controls", CONTROLS)):
            if r.get(col) not in allowed:
                sys.exit(f"{where}: {col}: expected one of {', '.join(allowed)} "
                         f"(got {r.get(col)!r})")
        out.append(r)
    return out


def crisis_days(rows):
    """Days of US-China escalations and retaliations, sorted."""
    return sorted({r["day"] for r in rows if r["parties"] == "US-CN"
                   and r["outcome"] in ("escalate", "retaliate")})


def last_before(days, day, inclusive=False):
    best = None
    for d in days:
        if d < day or (inclusive and d == day):
            best = d
    return best


def group_cases(rows):
    """{group: [(row, success 0/1)]} of the binary processes; pending rows left out."""
    g = {name: [] for name in GROUPS}
    crises = crisis_days(rows)
    seen_deal = set()
    for r in rows:
        if r["outcome"] == "pending":
            continue
        o, kind = r["outcome"], r["kind"]
        if kind == "breach":
            g["breach_escalate"].append((r, int(o == "escalate")))
        if kind in ("deadline", "legal") and o in ("extend", "deal", "escalate"):
            grp = "expiry_accused" if accusation_standing(rows, r) else "expiry_extend"
            g[grp].append((r, int(o in ("extend", "deal"))))
        if kind == "contact":
            last = last_before(crises, r["day"], inclusive=True)
            if r["parties"] == "US-EU" or (last is not None and (r["day"] - last).days <= CRISIS_WINDOW):
                g["summit_deal" if r["contact"] == "summit" else "contact_deal"].append(
                    (r, int(o in ("deal", "extend"))))
        if kind == "retaliation":
            g["retaliate"].append((r, int(o in ("retaliate", "escalate"))))
        if r["actor"] == "CN" and kind in ("retaliation", "control") and o == "retaliate":
            g["cn_controls"].append((r, int(r["controls"] == "widen")))
        if o == "deal" and r["episode"] not in seen_deal:
            seen_deal.add(r["episode"])
            cut = float(r["tariff_cut_pct"] or 0.0)
            g["deal_cuts"].append((r, int(cut > 0.0)))
    return g


# --- pooled Beta-binomial -------------------------------------------------------------

MU = np.linspace(0.005, 0.995, 199)
KAPPA = np.exp(np.linspace(math.log(0.5), math.log(200.0), 120))


def pooled_posterior(counts):
    """counts: [(k, n)] per group. Returns [(a, b)] per group: the Beta with the mean and
    variance of the group's posterior under the pooled prior (grid over mu, kappa)."""
    mu, ka = np.meshgrid(MU, KAPPA, indexing="ij")
    a0, b0 = mu * ka, (1.0 - mu) * ka
    logw = np.zeros_like(mu)
    for k, n in counts:
        logw += betaln(a0 + k, b0 + n - k) - betaln(a0, b0)
    w = np.exp(logw - logw.max())
    w /= w.sum()
    out = []
    for k, n in counts:
        a, b = a0 + k, b0 + n - k
        m = a / (a + b)
        v = a * b / ((a + b) ** 2 * (a + b + 1.0))
        mean = float((w * m).sum())
        var = float((w * (v + m * m)).sum()) - mean * mean
        s = mean * (1.0 - mean) / var - 1.0
        out.append((mean * s, (1.0 - mean) * s))
    return out


def beta_binomial_loglik(k, n, a, b):
    """log P(k of n | theta ~ Beta(a, b)), without the binomial coefficient."""
    return float(betaln(a + k, b + n - k) - betaln(a, b))


def fit_groups(rows):
    cases = group_cases(rows)
    counts = [(sum(s for _, s in cases[g]), len(cases[g])) for g in GROUPS]
    post = pooled_posterior(counts)
    return {g: {"k": c[0], "n": c[1], "a": p[0], "b": p[1]}
            for g, c, p in zip(GROUPS, counts, post)}


# --- accusation hazard ----------------------------------------------------------------

def accusation_exposure(rows):
    """(events, exposure days): each breach row against the start of the truce it accuses
    (the latest deal, extension or truce row of the same episode before it)."""
    events, days = 0, 0
    for r in rows:
        if r["kind"] != "breach":
            continue
        starts = [q["day"] for q in rows if q["episode"] == r["episode"] and q["day"] < r["day"]
                  and q["outcome"] in ("deal", "extend")]
        if not starts:
            continue
        events += 1
        days += (r["day"] - max(starts)).days
    return events, days


def summit_share(rows):
    """(summits, contacts) among the US-China contacts, and the Jeffreys Beta posterior of
    the share of contacts that are summits."""
    c = [r for r in rows if r["kind"] == "contact" and r["parties"] == "US-CN"]
    k = sum(r["contact"] == "summit" for r in c)
    return k, len(c), (0.5 + k, 0.5 + len(c) - k)


def accusation_posterior(events, days):
    """Gamma(shape, rate) of lambda per day of full shortfall (Jeffreys prior)."""
    return 0.5 + events, float(days)


# --- contact hazard -------------------------------------------------------------------

def contact_series(rows, first=FIRST, last=LAST):
    """Per day from first to last: contact (0/1), days since the latest crisis (inf before
    any), days since the latest contact (inf before any). US-China rows only."""
    n = (last - first).days + 1
    contact_days = {r["day"] for r in rows if r["kind"] == "contact" and r["parties"] == "US-CN"}
    crises = set(crisis_days(rows))
    y = np.zeros(n)
    s = np.full(n, np.inf)
    c = np.full(n, np.inf)
    last_crisis = last_contact = None
    for i in range(n):
        day = first + dt.timedelta(days=i)
        if last_crisis is not None:
            s[i] = (day - last_crisis).days
        if last_contact is not None:
            c[i] = (day - last_contact).days
        if day in contact_days:
            y[i] = 1.0
            last_contact = day
        if day in crises:
            last_crisis = day
    return y, s, c


def contact_loglik(y, s, c, h0, h1, tau, recovery=RECOVERY_DAYS):
    """Log-likelihood of the daily contact series under the crisis hazard."""
    h = (h0 + h1 * np.exp(-s / tau)) * (-np.expm1(-c / recovery))
    p = -np.expm1(-h)
    with np.errstate(divide="ignore"):
        return float(np.where(y > 0, np.log(p), -h).sum())


H0 = np.exp(np.linspace(math.log(1e-4), math.log(0.05), 60))
H1 = np.exp(np.linspace(math.log(1e-4), math.log(0.5), 60))
TAU = np.linspace(5.0, 150.0, 30)


def contact_grid(y, s, c, recovery=RECOVERY_DAYS):
    """The log-likelihood on the grid H0 x H1 x TAU (contact_loglik at each point)."""
    dec = np.exp(-s[None, :] / TAU[:, None])          # [tau, day]
    rec = -np.expm1(-c / recovery)                     # [day]
    hit = y > 0
    ll = np.empty((len(H0), len(H1), len(TAU)))
    for i, h0 in enumerate(H0):
        for j, h1 in enumerate(H1):
            h = (h0 + h1 * dec) * rec
            with np.errstate(divide="ignore"):
                ll[i, j, :] = np.where(hit, np.log(-np.expm1(-h)), -h).sum(axis=1)
    return ll


def fit_contacts(rows, first=FIRST, last=LAST):
    y, s, c = contact_series(rows, first, last)
    ll = contact_grid(y, s, c)
    w = np.exp(ll - ll.max())
    w /= w.sum()
    def logmoments(grid, axes):
        m = w.sum(axis=axes)
        lg = np.log(grid)
        mean = float((m * lg).sum())
        return mean, math.sqrt(float((m * (lg - mean) ** 2).sum()))
    mu0, sd0 = logmoments(H0, (1, 2))
    mu1, sd1 = logmoments(H1, (0, 2))
    mt = w.sum(axis=(0, 1))
    tau_med = float(TAU[np.searchsorted(np.cumsum(mt), 0.5)])
    i, j, k = np.unravel_index(np.argmax(ll), ll.shape)
    return {"contacts": int(y.sum()), "days": len(y), "h0_mu": mu0, "h0_sigma": sd0,
            "h1_mu": mu1, "h1_sigma": sd1, "tau": tau_med,
            "map": (float(H0[i]), float(H1[j]), float(TAU[k]))}


# --- leave-one-episode-out ------------------------------------------------------------

def hindcast(rows):
    """[(episode, date, group, outcome 0/1, probability, climatology)]: each binary
    decision scored by its group's pooled posterior mean fitted without its episode."""
    out = []
    cases = group_cases(rows)
    for g in GROUPS:
        for r, y in cases[g]:
            rest = [q for q in rows if q["episode"] != r["episode"]]
            fit = fit_groups(rest)[g]
            p = fit["a"] / (fit["a"] + fit["b"])
            every = [s for cs in group_cases(rest).values() for _, s in cs]
            clim = (sum(every) + 0.5) / (len(every) + 1.0)
            out.append((r["episode"], r["date"], g, y, p, clim))
    return out


LOO_HEADER = "id,date,episode,kind,actor,contact,accused,group,outcome,a,b,climatology\n"


def accusation_standing(rows, r):
    """1 when a breach accusation between r's parties stood on r's day: a breach row before
    it with no deal after that accusation and before r (a deal answers an accusation)."""
    standing = False
    for q in sorted(rows, key=lambda q: q["day"]):
        if q["day"] >= r["day"] or q["parties"] != r["parties"]:
            continue
        if q["kind"] == "breach":
            standing = True
        elif q["outcome"] == "deal":
            standing = False
    return int(standing)


def loo_table(rows):
    """The text of data/hindcast_loo.csv: each binary decision of each group, in the
    library's order (a row in two groups gives two lines, in GROUPS order), with its
    group's posterior and the climatology, both fitted without the row's episode."""
    fits = {}
    for ep in sorted({r["episode"] for r in rows}):
        rest = [q for q in rows if q["episode"] != ep]
        every = [s for cs in group_cases(rest).values() for _, s in cs]
        fits[ep] = (fit_groups(rest), (sum(every) + 0.5) / (len(every) + 1.0))
    cases = group_cases(rows)
    lines = []
    for gi, g in enumerate(GROUPS):
        for r, y in cases[g]:
            fit, clim = fits[r["episode"]]
            lines.append((int(r["id"]), gi, f"{r['id']},{r['date']},{r['episode']},{r['kind']},"
                          f"{r['actor']},{r['contact']},{accusation_standing(rows, r)},"
                          f"{g},{y},{fit[g]['a']:.6f},"
                          f"{fit[g]['b']:.6f},{clim:.6f}\n"))
    return LOO_HEADER + "".join(t for _, _, t in sorted(lines))


def scores(hc):
    def brier(i):
        return sum((h[i] - h[3]) ** 2 for h in hc) / len(hc)
    def logs(i):
        return -sum(math.log(h[i] if h[3] else 1.0 - h[i]) for h in hc) / len(hc)
    return {"brier": brier(4), "brier_clim": brier(5), "log": logs(4), "log_clim": logs(5)}


BINS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)


def reliability(hc):
    """[(lo, hi, n, mean forecast, observed share)] per forecast bin with decisions."""
    out = []
    for lo, hi in zip(BINS, BINS[1:]):
        sub = [h for h in hc if lo <= h[4] < hi or (hi == 1.0 and h[4] == 1.0)]
        if sub:
            out.append((lo, hi, len(sub), sum(h[4] for h in sub) / len(sub),
                        sum(h[3] for h in sub) / len(sub)))
    return out


def reliability_chart(hc, path):
    """The reliability diagram: observed share against mean forecast per bin."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    rel = reliability(hc)
    fig, ax = plt.subplots(figsize=(4.5, 4.5))
    ax.plot([0, 1], [0, 1], color="grey", lw=0.8, ls="--", label="perfect reliability")
    ax.plot([r[3] for r in rel], [r[4] for r in rel], "o-", label="fitted agents, leave-one-episode-out")
    for r in rel:
        ax.annotate(str(r[2]), (r[3], r[4]), textcoords="offset points", xytext=(4, -10), fontsize=8)
    ax.set_xlabel("forecast probability")
    ax.set_ylabel("observed share")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_title("decision points 2018 - May 2025", fontsize=10)
    ax.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    fig.savefig(path, dpi=100, metadata={"Software": None})
    plt.close(fig)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("csv", nargs="?", default=DEFAULT_CSV)
    ap.add_argument("--yaml", action="store_true", help="print the scenario keys")
    ap.add_argument("--hindcast", action="store_true", help="leave-one-episode-out scores")
    ap.add_argument("--loo", action="store_true", help="print data/hindcast_loo.csv, the "
                    "leave-one-episode-out posteriors `tradewar hindcast` runs from")
    ap.add_argument("-o", metavar="DIR", help="with --hindcast: write DIR/hindcast.csv and "
                    "DIR/reliability.png instead of printing the rows")
    a = ap.parse_args(argv)
    rows = read_library(a.csv)
    if a.loo:
        sys.stdout.write(loo_table(rows))
        return 0
    if a.hindcast:
        hc = hindcast(rows)
        text = "episode,date,group,outcome,probability,climatology\n" + "".join(
            f"{h[0]},{h[1]},{h[2]},{h[3]},{h[4]:.4f},{h[5]:.4f}\n" for h in hc)
        if a.o:
            os.makedirs(a.o, exist_ok=True)
            with open(os.path.join(a.o, "hindcast.csv"), "w", encoding="utf-8") as f:
                f.write(text)
            reliability_chart(hc, os.path.join(a.o, "reliability.png"))
        else:
            sys.stdout.write(text)
        sc = scores(hc)
        print(f"# {len(hc)} decisions, leave-one-episode-out: Brier {sc['brier']:.4f} "
              f"(climatology {sc['brier_clim']:.4f}), log {sc['log']:.4f} "
              f"(climatology {sc['log_clim']:.4f})")
        for g in GROUPS:
            sub = [h for h in hc if h[2] == g]
            gs = scores(sub)
            print(f"#   {g:16s} {len(sub):2d}: Brier {gs['brier']:.4f} (climatology {gs['brier_clim']:.4f})")
        for lo, hi, n, p, o in reliability(hc):
            print(f"#   forecast {lo:.1f}-{hi:.1f}: {n:2d} decisions, mean forecast {p:.3f}, observed {o:.3f}")
        return 0
    groups = fit_groups(rows)
    ev, days = accusation_exposure(rows)
    shape, rate = accusation_posterior(ev, days)
    ct = fit_contacts(rows)
    if a.yaml:
        g = groups
        print(f"snapback_prob: {{dist: beta, a: {g['breach_escalate']['a']:.3f}, b: {g['breach_escalate']['b']:.3f}}}")
        print(f"extension.base: {{dist: beta, a: {g['expiry_extend']['a']:.3f}, b: {g['expiry_extend']['b']:.3f}}}")
        print(f"extension.accused: {{dist: beta, a: {g['expiry_accused']['a']:.3f}, b: {g['expiry_accused']['b']:.3f}}}")
        print(f"forgive: {{dist: beta, a: {g['retaliate']['b']:.3f}, b: {g['retaliate']['a']:.3f}}}")
        print(f"control_prob: {{dist: beta, a: {g['cn_controls']['a']:.3f}, b: {g['cn_controls']['b']:.3f}}}")
        print(f"deal.base: {{dist: beta, a: {g['contact_deal']['a']:.3f}, b: {g['contact_deal']['b']:.3f}}}")
        ks, ns, (sa, sb) = summit_share(rows)
        print(f"deal.summit.share: {{dist: beta, a: {sa:.3f}, b: {sb:.3f}}}")
        print(f"deal.summit.base: {{dist: beta, a: {g['summit_deal']['a']:.3f}, b: {g['summit_deal']['b']:.3f}}}")
        print(f"deal.cut.prob: {{dist: beta, a: {g['deal_cuts']['a']:.3f}, b: {g['deal_cuts']['b']:.3f}}}")
        print(f"hazard_per_day: {{dist: lognormal, mu: {ct['h0_mu']:.3f}, sigma: {ct['h0_sigma']:.3f}}}")
        print(f"crisis.boost_per_day: {{dist: lognormal, mu: {ct['h1_mu']:.3f}, sigma: {ct['h1_sigma']:.3f}}}")
        print(f"crisis.decay_days: {ct['tau']:.0f}")
        print(f"breach.accuse_per_day: {{dist: gamma-mean, mean: {shape / rate:.4f}}}")
        print(f"breach.accuse_per_day.lognormal: {{mu: {math.log(shape / rate) - 0.5 * math.log1p(1.0 / shape):.3f}, "
              f"sigma: {math.sqrt(math.log1p(1.0 / shape)):.3f}}}")
        return 0
    print(f"library: {len(rows)} decision points, {rows[0]['date']} to {rows[-1]['date']}")
    print("group             k   n   posterior Beta(a, b)   mean   90% interval")
    from scipy.stats import beta as B
    for name in GROUPS:
        g = groups[name]
        lo, hi = B.ppf([0.05, 0.95], g["a"], g["b"])
        print(f"{name:16s} {g['k']:2d}  {g['n']:2d}   Beta({g['a']:6.3f}, {g['b']:6.3f})   "
              f"{g['a'] / (g['a'] + g['b']):.3f}  {lo:.3f}-{hi:.3f}")
    mean = {n: groups[n]["a"] / (groups[n]["a"] + groups[n]["b"]) for n in GROUPS}
    print(f"extension with an accusation standing / without: {mean['expiry_accused']:.3f} / "
          f"{mean['expiry_extend']:.3f} = {mean['expiry_accused'] / mean['expiry_extend']:.2f} "
          f"(a penalty of {1.0 - mean['expiry_accused'] / mean['expiry_extend']:+.2f})")
    ks, ns, (sa, sb) = summit_share(rows)
    print(f"summits: {ks} of {ns} US-China contacts: Beta({sa:.1f}, {sb:.1f})")
    print(f"accusation: {ev} accusations over {days} days of unmet commitments: "
          f"lambda ~ Gamma({shape:.1f}, {rate:.0f}), mean {shape / rate:.4f} a day")
    print(f"contacts: {ct['contacts']} in {ct['days']} days; h0 log-normal({ct['h0_mu']:.3f}, "
          f"{ct['h0_sigma']:.3f}) (median {math.exp(ct['h0_mu']):.5f} a day), crisis boost "
          f"log-normal({ct['h1_mu']:.3f}, {ct['h1_sigma']:.3f}) (median {math.exp(ct['h1_mu']):.5f}), "
          f"decay {ct['tau']:.0f} days; maximum a posteriori {ct['map']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
