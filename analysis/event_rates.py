#!/usr/bin/env python3
"""Base rates of US-China leader contacts, deals and truce extensions from the record of
2017-2024 (data/us_china_leader_contacts_2017_2024.csv), the derivation behind the
defaults of the policy scenarios' call process (data/README.md, "Event base rates").

    /usr/bin/python3 analysis/event_rates.py [CSV] [--from 2017-01-20] [--to 2024-12-31]

What it computes, from the rows whose kind is call, video or meeting ("contacts"):

  rate        contacts per year over the window, and per presidential term;
  dispute     the rate inside the 2018-19 tariff dispute (from the Section 301 action of
              22 March 2018 to the Phase One signing of 15 January 2020) and outside it;
  recovery    the maximum-likelihood fit of a renewal process whose hazard a day is
              h0 * (1 - exp(-t / tau)), t the days since the last contact: right after a
              contact the next one is unlikely, and the hazard recovers towards h0 with
              time constant tau. Gaps between consecutive contacts are the data; the gap
              after the last contact is censored at the window's end. The likelihood of a
              gap g is h(g) S(g), of a censored one S(g), with
              S(g) = exp(-h0 (g - tau (1 - exp(-g / tau)))). Grid search (no SciPy); the
              95% interval of tau is where the profile log-likelihood is within 1.92 of
              its maximum;
  deal        among contacts inside the dispute, the share that ended in a truce or a
              deal (outcome truce or deal), with the Beta(1 + k, 1 + n - k) posterior of
              a uniform prior;
  extension   among truces that reached their deadline, the share extended (rows of kind
              extension against collapses dated on or after a deadline), Beta likewise.

Prints one table; --yaml prints the scenario keys these numbers give. Standard library
only: it runs with any python3.
"""
import argparse
import csv
import datetime as dt
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_CSV = os.path.join(HERE, "..", "data", "us_china_leader_contacts_2017_2024.csv")
CONTACT = ("call", "video", "meeting")
DISPUTE = (dt.date(2018, 3, 22), dt.date(2020, 1, 15))
TERMS = (("Trump", dt.date(2017, 1, 20), dt.date(2021, 1, 19)),
         ("Biden", dt.date(2021, 1, 20), dt.date(2024, 12, 31)))


def read_rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for k, r in enumerate(rows):
        try:
            r["day"] = dt.date.fromisoformat(r["date"])
        except (KeyError, ValueError):
            sys.exit(f"{path}: row {k + 2}: expected a date YYYY-MM-DD (got {r.get('date')!r})")
    return rows


def years(a, b):
    return ((b - a).days + 1) / 365.25


def loglik(gaps, censored, h0, tau):
    """Log-likelihood of the gaps (days) under the hazard h0 (1 - exp(-t / tau))."""
    ll = 0.0
    for g in gaps:
        e = math.exp(-g / tau)
        ll += math.log(h0 * (1.0 - e)) - h0 * (g - tau * (1.0 - e))
    for g in censored:
        ll -= h0 * (g - tau * (1.0 - math.exp(-g / tau)))
    return ll


def fit_recovery(gaps, censored):
    """Grid maximum-likelihood (h0, tau) and the profile interval of tau."""
    taus = [0.5 * 1.05 ** k for k in range(0, 160)]  # 0.5 .. ~1100 days
    best = (-math.inf, None, None)
    profile = []
    n = len(gaps)
    for tau in taus:
        # For a given tau, h0's score equation: n / h0 = sum of integrated (1 - e) terms.
        integ = sum(g - tau * (1.0 - math.exp(-g / tau)) for g in gaps + censored)
        h0 = n / integ
        ll = loglik(gaps, censored, h0, tau)
        profile.append((tau, ll, h0))
        if ll > best[0]:
            best = (ll, h0, tau)
    inside = [t for t, ll, _ in profile if ll >= best[0] - 1.92]
    return best[1], best[2], min(inside), max(inside), best[0]


def summarise(rows, start, end):
    contacts = sorted(r["day"] for r in rows if r["kind"] in CONTACT and start <= r["day"] <= end)
    out = {"n": len(contacts), "years": years(start, end)}
    out["per_year"] = out["n"] / out["years"]
    for name, a, b in TERMS:
        a, b = max(a, start), min(b, end)
        k = sum(a <= d <= b for d in contacts)
        out[name] = (k, years(a, b))
    a, b = DISPUTE
    k_in = sum(a <= d <= b for d in contacts)
    y_in = years(a, b)
    out["dispute"] = (k_in, y_in, out["n"] - k_in, out["years"] - y_in)
    gaps = [(contacts[i + 1] - contacts[i]).days for i in range(len(contacts) - 1)]
    censored = [(end - contacts[-1]).days] if contacts else []
    out["gaps"] = gaps
    out["fit"] = fit_recovery(gaps, censored) if len(gaps) >= 2 else None
    in_dispute = [r for r in rows if r["kind"] in CONTACT and a <= r["day"] <= b]
    k_deal = sum(r["outcome"] in ("truce", "deal") for r in in_dispute)
    out["deal"] = (k_deal, len(in_dispute))
    ext = sum(r["kind"] == "extension" for r in rows if start <= r["day"] <= end)
    truces = [r for r in rows if r["kind"] in CONTACT and r["outcome"] == "truce"]
    # A truce reaches its deadline when it has one: the rows say so in their note
    # ("90-day"); the Osaka truce had none, so only extensions and collapses at a
    # deadline count. Collapses of kind collapse dated after an extension are not at a
    # deadline (the Buenos Aires truce was extended without a new one).
    deadline = sum("-day" in r["note"] for r in truces)
    out["extension"] = (ext, deadline)
    return out


def beta(k, n):
    a, b = 1 + k, 1 + n - k
    mean = a / (a + b)
    sd = math.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))
    return a, b, mean, sd


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("csv", nargs="?", default=DEFAULT_CSV)
    ap.add_argument("--from", dest="start", default="2017-01-20")
    ap.add_argument("--to", dest="end", default="2024-12-31")
    ap.add_argument("--yaml", action="store_true", help="print the scenario keys")
    a = ap.parse_args(argv)
    start, end = dt.date.fromisoformat(a.start), dt.date.fromisoformat(a.end)
    s = summarise(read_rows(a.csv), start, end)
    print(f"contacts {start} to {end}: {s['n']} in {s['years']:.2f} years = "
          f"{s['per_year']:.2f} a year ({s['per_year'] / 365.25:.5f} a day)")
    for name, _, _ in TERMS:
        k, y = s[name]
        print(f"  {name} term: {k} in {y:.2f} years = {k / y:.2f} a year")
    k_in, y_in, k_out, y_out = s["dispute"]
    print(f"  inside the 2018-19 tariff dispute: {k_in} in {y_in:.2f} years = {k_in / y_in:.2f} a year; "
          f"outside: {k_out} in {y_out:.2f} years = {k_out / y_out:.2f} a year")
    g = sorted(s["gaps"])
    print(f"gaps (days): min {g[0]}, median {g[len(g) // 2]}, mean {sum(g) / len(g):.1f}, max {g[-1]}")
    h0, tau, lo, hi, ll = s["fit"]
    print(f"recovery fit: h0 = {h0:.5f} a day ({h0 * 365.25:.2f} a year once recovered), "
          f"tau = {tau:.1f} days (95% profile interval {lo:.1f} to {hi:.1f}); log-likelihood {ll:.2f}")
    k, n = s["deal"]
    da, db, dm, dsd = beta(k, n)
    print(f"deal: {k} of {n} contacts inside the dispute ended in a truce or a deal; "
          f"Beta({da}, {db}): mean {dm:.3f}, sd {dsd:.3f}")
    k, n = s["extension"]
    ea, eb, em, esd = beta(k, n)
    print(f"extension: {k} of {n} truces with a deadline extended at it; "
          f"Beta({ea}, {eb}): mean {em:.3f}, sd {esd:.3f}")
    # Spread of the base hazard: the two terms' rates differ by more than sampling error,
    # so the log-normal's sigma is the larger of 1/sqrt(n) and half their log ratio.
    (k1, y1), (k2, y2) = s["Trump"], s["Biden"]
    sigma = max(1.0 / math.sqrt(s["n"]), 0.5 * abs(math.log((k1 / y1) / (k2 / y2))))
    print(f"base hazard spread: log-normal sigma {sigma:.3f} (terms {k1 / y1:.2f} and {k2 / y2:.2f} a year)")
    if a.yaml:
        print("\nevents:\n  leader_calls:")
        # mu such that the draws' mean is the fitted h0: exp(mu + sigma^2 / 2) = h0.
        print(f"    hazard_per_day: {{dist: lognormal, mu: {math.log(h0) - 0.5 * sigma * sigma:.3f}, "
              f"sigma: {sigma:.3f}, "
              f"source: data/us_china_leader_contacts_2017_2024.csv}}")
        print(f"    recovery_days: {tau:.0f}")
        print(f"    reference: {{per_year: {s['per_year']:.2f}, source: data/us_china_leader_contacts_2017_2024.csv}}")
        print(f"  deal:\n    base: {{dist: beta, a: {da}, b: {db}, source: data/us_china_leader_contacts_2017_2024.csv}}")
        print(f"  truce:\n    extension: {{base: {{dist: beta, a: {ea}, b: {eb}, "
              f"source: data/us_china_leader_contacts_2017_2024.csv}}}}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
