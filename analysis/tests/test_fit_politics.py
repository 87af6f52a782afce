#!/usr/bin/env python3
"""analysis/fit_politics.py: each fitted process's likelihood on a small library with a
known answer, the posterior it gives, and the scenario that carries it.

  - the Beta-binomial likelihood: P(1 of 1 | Beta(1, 1)) = 1/2, P(2 of 2) = 1/3,
    P(0 of 3 | Beta(2, 1)) = 1/10;
  - the pooled posterior: a group of 1000 cases keeps its own rate; a group with no case
    gets the pooled mean; a group of 2 among groups that agree is pulled to their rate;
  - the cases of each group, counted on a library of six rows written here;
  - the accusation hazard: two accusations 10 and 20 days after the deals they accuse give
    Gamma(2.5, 30);
  - the contact likelihood: with no crisis term and no recovery, n contacts in D days give
    n ln(1 - e^-h0) - (D - n) h0; the grid recovers a crisis boost from 30 years of days
    drawn with h0 = 0.004, boost 0.04 and decay 30 days (h0 within a factor of 2, the boost
    between 0.015 and 0.1, the decay between 10 and 90 days);
  - the hindcast is reproducible to the byte and beats climatology on the Brier and log
    scores; hindcast.csv has the columns episode, date, group, outcome, probability;
  - the leave-one-episode-out table of `tradewar hindcast` (--loo): on the small library
    each row carries whether an accusation stood on its day, its group's posterior fitted on
    the other episode's rows and the
    climatology (k + 1/2) / (n + 1) of the other episode's decisions; and
    data/hindcast_loo.csv is what --loo writes for the library, to the byte;
  - the two-group fit of extensions with and without a standing accusation: the groups
    counted on a small library (a deal ends an accusation), their likelihood under
    Beta(2, 2) (1/10 and 3/10), and the accused group above the other when its deadlines
    were extended;
  - scenarios/geneva-truce.yaml carries the printed --yaml values (extension.accused,
    both governments' forgive and China's control_prob among them).

    /usr/bin/python3 analysis/tests/test_fit_politics.py
"""
import csv
import datetime as dt
import math
import os
import re
import subprocess
import sys
import tempfile
import unittest

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.environ.get("TW_SOURCE_DIR") or os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(SRC, "analysis"))
import fit_politics as fp  # noqa: E402

SCRIPT = os.path.join(SRC, "analysis", "fit_politics.py")
HEADER = ("id,date,episode,kind,parties,actor,contact,truce_in_force,state,outcome,"
          "tariff_cut_pct,controls,note,source\n")
SMALL = [
    "1,2019-01-01,a,talks,US-CN,US-CN,,0,s,deal,0,none,n,https://x.org/1",
    "2,2019-01-11,a,breach,US-CN,US,,1,s,escalate,,none,n,https://x.org/2",
    "3,2019-01-12,a,retaliation,US-CN,CN,,0,s,retaliate,,widen,n,https://x.org/3",
    "4,2019-03-01,b,deadline,US-CN,US,,1,s,extend,,none,n,https://x.org/4",
    "5,2019-03-21,b,breach,US-CN,US,,1,s,hold,,none,n,https://x.org/5",
    "6,2019-04-01,b,contact,US-CN,US-CN,call,0,s,deal,5,none,n,https://x.org/6",
]


def small_library(d):
    path = os.path.join(d, "small.csv")
    with open(path, "w", encoding="utf-8") as f:
        f.write(HEADER + "\n".join(SMALL) + "\n")
    return fp.read_library(path)


class BetaBinomial(unittest.TestCase):
    def test_known_likelihoods(self):
        self.assertAlmostEqual(fp.beta_binomial_loglik(1, 1, 1.0, 1.0), math.log(0.5), places=12)
        self.assertAlmostEqual(fp.beta_binomial_loglik(2, 2, 1.0, 1.0), math.log(1 / 3), places=12)
        # E[(1 - theta)^3] under the density 2 theta: 2 B(2, 4) = 1/10
        self.assertAlmostEqual(fp.beta_binomial_loglik(0, 3, 2.0, 1.0), math.log(1 / 10), places=12)

    def test_pooling(self):
        # groups that differ: each large one keeps its own rate, a small one stays between
        # the pooled mean and its own share, one without cases gets the pooled mean
        post = fp.pooled_posterior([(800, 1000), (2, 2), (300, 1000), (0, 0)])
        mean = [a / (a + b) for a, b in post]
        self.assertAlmostEqual(mean[0], 0.8, delta=0.005)
        self.assertAlmostEqual(mean[2], 0.3, delta=0.005)
        self.assertGreater(mean[1], 0.55)
        self.assertLess(mean[1], 1.0)
        self.assertGreater(mean[3], 0.5)           # near the average of the groups' rates
        self.assertLess(mean[3], 0.7)              # (0.8, 0.3 and the small group's)
        # groups that agree: a small group (0 of 2) is pulled almost all the way to them
        post = fp.pooled_posterior([(300, 1000), (300, 1000), (300, 1000), (0, 2)])
        self.assertAlmostEqual(post[3][0] / sum(post[3]), 0.3, delta=0.03)


class SmallLibrary(unittest.TestCase):
    def test_groups_counted(self):
        with tempfile.TemporaryDirectory() as d:
            rows = small_library(d)
        g = fp.group_cases(rows)
        self.assertEqual([s for _, s in g["breach_escalate"]], [1, 0])
        # row 4's deadline comes while row 2's accusation stands (no deal since)
        self.assertEqual([s for _, s in g["expiry_extend"]], [])
        self.assertEqual([s for _, s in g["expiry_accused"]], [1])
        self.assertEqual([s for _, s in g["retaliate"]], [1])
        self.assertEqual([s for _, s in g["cn_controls"]], [1])
        self.assertEqual([s for _, s in g["contact_deal"]], [1])   # 79 days after row 3
        self.assertEqual([s for _, s in g["deal_cuts"]], [0, 1])  # one deal per episode

    def test_extension_with_and_without_an_accusation(self):
        # two-group fit: deadlines before any accusation (1 of 3 extended) and after one
        # (2 of 2) are separate groups; a deal answers the accusation, so the deadline after
        # it counts as unaccused again
        lib = [
            "1,2019-01-01,a,deadline,US-CN,US,,0,s,extend,,none,n,https://x.org/1",
            "2,2019-01-05,a,deadline,US-CN,US,,0,s,escalate,,none,n,https://x.org/2",
            "3,2019-01-10,a,breach,US-CN,US,,1,s,escalate,,none,n,https://x.org/3",
            "4,2019-01-20,a,deadline,US-CN,US,,1,s,extend,,none,n,https://x.org/4",
            "5,2019-02-01,b,legal,US-CN,US,,1,s,extend,,none,n,https://x.org/5",
            "6,2019-02-10,b,talks,US-CN,US-CN,,1,s,deal,0,none,n,https://x.org/6",
            "7,2019-02-20,b,deadline,US-CN,US,,0,s,escalate,,none,n,https://x.org/7",
        ]
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "lib.csv")
            with open(path, "w", encoding="utf-8") as f:
                f.write(HEADER + "\n".join(lib) + "\n")
            rows = fp.read_library(path)
        g = fp.group_cases(rows)
        self.assertEqual([(r["id"], s) for r, s in g["expiry_extend"]],
                         [("1", 1), ("2", 0), ("7", 0)])
        self.assertEqual([(r["id"], s) for r, s in g["expiry_accused"]], [("4", 1), ("5", 1)])
        # each group's posterior is the pooled one of its counts, in GROUPS order
        fit = fp.fit_groups(rows)
        counts = [(sum(s for _, s in g[n]), len(g[n])) for n in fp.GROUPS]
        post = fp.pooled_posterior(counts)
        i, j = fp.GROUPS.index("expiry_extend"), fp.GROUPS.index("expiry_accused")
        self.assertEqual(counts[i], (1, 3))
        self.assertEqual(counts[j], (2, 2))
        self.assertAlmostEqual(fit["expiry_accused"]["a"], post[j][0], places=12)
        # the two groups' likelihood under Beta(2, 2): P(1 of 3) = B(3, 4) / B(2, 2) = 1/10
        # (without the binomial coefficient), P(2 of 2) = B(4, 2) / B(2, 2) = 3/10
        ll = fp.beta_binomial_loglik(1, 3, 2.0, 2.0) + fp.beta_binomial_loglik(2, 2, 2.0, 2.0)
        self.assertAlmostEqual(ll, math.log(0.1 * 0.3), places=12)
        # with the accused deadlines extended and most others not, the accused group's mean
        # is above the other's: no penalty in this record
        m = {n: fit[n]["a"] / (fit[n]["a"] + fit[n]["b"]) for n in ("expiry_extend", "expiry_accused")}
        self.assertGreater(m["expiry_accused"], m["expiry_extend"])

    def test_accusation_hazard(self):
        with tempfile.TemporaryDirectory() as d:
            rows = small_library(d)
        ev, days = fp.accusation_exposure(rows)
        self.assertEqual((ev, days), (2, 30))
        self.assertEqual(fp.accusation_posterior(ev, days), (2.5, 30.0))


class Contacts(unittest.TestCase):
    def test_constant_hazard_closed_form(self):
        days, n, h0 = 400, 5, 0.01
        y = np.zeros(days)
        y[[10, 90, 150, 260, 399]] = 1
        inf = np.full(days, np.inf)
        got = fp.contact_loglik(y, inf, inf, h0, 0.3, 20.0)  # no crisis yet, no contact yet
        want = n * math.log(1 - math.exp(-h0)) - (days - n) * h0
        self.assertAlmostEqual(got, want, places=9)
        # the grid's value at one of its points is the same likelihood
        ll = fp.contact_grid(y, inf, inf)
        self.assertAlmostEqual(ll[5, 7, 3], fp.contact_loglik(y, inf, inf, fp.H0[5], fp.H1[7], fp.TAU[3]),
                               places=6)

    def test_recovers_a_crisis_boost(self):
        rng = np.random.default_rng(7)
        first = dt.date(1990, 1, 1)
        days = 30 * 365
        rows, last_contact = [], None
        crisis = [first + dt.timedelta(days=int(k)) for k in range(100, days, 300)]
        last_crisis = None
        for i in range(days):
            day = first + dt.timedelta(days=i)
            s = (day - last_crisis).days if last_crisis else math.inf
            c = (day - last_contact).days if last_contact else math.inf
            h = (0.004 + 0.04 * math.exp(-s / 30.0)) * (1 - math.exp(-c / fp.RECOVERY_DAYS))
            if rng.random() < 1 - math.exp(-h):
                rows.append({"day": day, "kind": "contact", "parties": "US-CN", "outcome": "hold"})
                last_contact = day
            if day in crisis:
                rows.append({"day": day, "kind": "threat", "parties": "US-CN", "outcome": "escalate"})
                last_crisis = day
        fit = fp.fit_contacts(rows, first, first + dt.timedelta(days=days - 1))
        # 56 contacts: h0 within a factor of 2, a boost well above h0 (without the crisis
        # term the posterior of h1 sits at the grid's floor, 1e-4), the decay near 30 days
        self.assertGreater(math.exp(fit["h0_mu"]), 0.002)
        self.assertLess(math.exp(fit["h0_mu"]), 0.008)
        self.assertGreater(math.exp(fit["h1_mu"]), 0.015)
        self.assertLess(math.exp(fit["h1_mu"]), 0.1)
        self.assertGreater(fit["tau"], 10.0)
        self.assertLess(fit["tau"], 90.0)


class LeaveOneEpisodeOut(unittest.TestCase):
    def test_small_library(self):
        with tempfile.TemporaryDirectory() as d:
            rows = small_library(d)
        lines = fp.loo_table(rows).splitlines()
        self.assertEqual(lines[0] + "\n", fp.LOO_HEADER)
        got = list(csv.DictReader(lines))
        # rows 2 and 3 of episode a, 4 5 6 of b; 3 and 6 in two groups each
        self.assertEqual([(r["id"], r["group"]) for r in got],
                         [("1", "deal_cuts"), ("2", "breach_escalate"), ("3", "retaliate"),
                          ("3", "cn_controls"), ("4", "expiry_accused"),
                          ("5", "breach_escalate"), ("6", "contact_deal"), ("6", "deal_cuts")])
        for r in got:
            rest = [q for q in rows if q["episode"] != r["episode"]]
            fit = fp.fit_groups(rest)[r["group"]]
            self.assertAlmostEqual(float(r["a"]), fit["a"], places=5)
            self.assertAlmostEqual(float(r["b"]), fit["b"], places=5)
            # the other episode's decisions: a's are 0 (deal_cuts) 1 1 1; b's alone 1 0 1
            # (its call is no longer within 180 days of a crisis, so only its deal counts)
            k, n = (2, 3) if r["episode"] == "a" else (3, 4)
            self.assertAlmostEqual(float(r["climatology"]), (k + 0.5) / (n + 1), places=6)
        # an accusation stands after row 2 (the deal of row 1 came before it): rows 3 to 6
        self.assertEqual([r["accused"] for r in got], ["0", "0", "1", "1", "1", "1", "1", "1"])
        # breach of episode b is fitted on a's 1 of 1: above the prior's middle
        b5 = [r for r in got if r["id"] == "5"][0]
        self.assertGreater(float(b5["a"]), float(b5["b"]))

    def test_data_file_is_regenerated(self):
        p = subprocess.run([sys.executable, SCRIPT, "--loo"], capture_output=True, check=True)
        with open(os.path.join(SRC, "data", "hindcast_loo.csv"), "rb") as f:
            self.assertEqual(p.stdout, f.read(), "data/hindcast_loo.csv is stale: "
                             "analysis/fit_politics.py --loo > data/hindcast_loo.csv")


class Outputs(unittest.TestCase):
    def test_hindcast_reproducible_and_beats_climatology(self):
        with tempfile.TemporaryDirectory() as d:
            outs = []
            for k in (1, 2):
                o = os.path.join(d, str(k))
                p = subprocess.run([sys.executable, SCRIPT, "--hindcast", "-o", o],
                                   capture_output=True, text=True, check=True)
                with open(os.path.join(o, "hindcast.csv"), "rb") as f:
                    outs.append(f.read())
                self.assertTrue(os.path.getsize(os.path.join(o, "reliability.png")) > 1000)
            self.assertEqual(outs[0], outs[1])
            rows = list(csv.DictReader(outs[0].decode().splitlines()))
        self.assertEqual(list(rows[0])[:5], ["episode", "date", "group", "outcome", "probability"])
        m = re.search(r"Brier ([0-9.]+) \(climatology ([0-9.]+)\), log ([0-9.]+) "
                      r"\(climatology ([0-9.]+)\)", p.stdout)
        brier, brier_c, log, log_c = map(float, m.groups())
        self.assertLess(brier, brier_c)
        self.assertLess(log, log_c)
        for r in rows:
            self.assertIn(r["outcome"], ("0", "1"))
            self.assertLessEqual(dt.date.fromisoformat(r["date"]), fp.LAST)

    def test_geneva_truce_carries_the_posterior(self):
        p = subprocess.run([sys.executable, SCRIPT, "--yaml"], capture_output=True, text=True,
                           check=True)
        with open(os.path.join(SRC, "scenarios", "geneva-truce.yaml")) as f:
            scn = f.read()
        y = {line.split(":", 1)[0]: line.split(":", 1)[1].strip() for line in p.stdout.splitlines()}
        for key, pat in (("snapback_prob", r"snapback_prob: (\{dist: beta, a: [0-9.]+, b: [0-9.]+)"),
                         ("deal.base", r"deal:\n(?:\s*#.*\n)*\s*base: (\{dist: beta, a: [0-9.]+, b: [0-9.]+)"),
                         ("extension.base", r"extension: \{base: (\{dist: beta, a: [0-9.]+, b: [0-9.]+)"),
                         ("extension.accused", r"extension: \{base: .*?\}, accused: (\{dist: beta, a: [0-9.]+, b: [0-9.]+)"),
                         ("forgive", r"  US:\n(?:.*\n)*?\s*forgive: (\{dist: beta, a: [0-9.]+, b: [0-9.]+)"),
                         ("control_prob", r"control_prob: (\{dist: beta, a: [0-9.]+, b: [0-9.]+)"),
                         ("deal.summit.share", r"summit:\n\s*share: (\{dist: beta, a: [0-9.]+, b: [0-9.]+)"),
                         ("deal.summit.base", r"summit:\n\s*share: .*\n\s*base: (\{dist: beta, a: [0-9.]+, b: [0-9.]+)"),
                         ("deal.cut.prob", r"cut:\n\s*prob: (\{dist: beta, a: [0-9.]+, b: [0-9.]+)"),
                         ("hazard_per_day", r"hazard_per_day: (\{dist: lognormal, mu: -?[0-9.]+, sigma: [0-9.]+)"),
                         ("crisis.boost_per_day", r"boost_per_day: (\{dist: lognormal, mu: -?[0-9.]+, sigma: [0-9.]+)")):
            got = re.search(pat, scn)
            self.assertIsNotNone(got, key)
            self.assertTrue(y[key].startswith(got.group(1)), f"{key}: {y[key]} vs {got.group(1)}")
        # both governments let an escalation pass with the same fitted chance
        self.assertEqual(scn.count(f"forgive: {y['forgive'][:-1]}, source: DP-2025}}"), 2)
        self.assertIn(f"decay_days: {y['crisis.decay_days']}", scn)
        lam = re.search(r"mu: (-?[0-9.]+), sigma: ([0-9.]+)", y["breach.accuse_per_day.lognormal"])
        self.assertIn(f"accuse_per_day: {{dist: lognormal, mu: {lam.group(1)}, sigma: {lam.group(2)}", scn)


if __name__ == "__main__":
    unittest.main()
