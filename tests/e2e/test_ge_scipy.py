#!/usr/bin/env python3
"""The general-equilibrium solve (models/tw_ge.c, through the test program ge_solve) against
an independent solution of the same equations with scipy.optimize.root, on the 2024 base
flows under a US-China tariff war (US 145% on China, China 125% on the US, nothing else),
with the model's nests (home against imports at 1.19, the foreign origins at the sector's
sigma) and in one nest: wage changes, price indices, trade shares and welfare agree to
1e-8.

The equations are written here again from tw_ge.h, in a different form: the unknowns are
the wage changes and each region's spending, the duty is summed over flows instead of
through the closed form, and the root finder is MINPACK's Levenberg-Marquardt.

Run by CTest as py/test_ge_scipy with TW_GE_SOLVE and TW_SOURCE_DIR.
"""
import os
import subprocess
import unittest

import numpy as np
import pandas as pd
from scipy.optimize import root

SRC = os.environ.get("TW_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
GE_SOLVE = os.environ.get("TW_GE_SOLVE", "")
REGIONS = ["US", "CN", "EU", "ROW"]


def base_problem():
    flows = pd.read_csv(os.path.join(SRC, "data", "base_flows_2024.csv"))
    sectors = pd.read_csv(os.path.join(SRC, "data", "sectors.csv"))
    names = list(sectors["sector"])
    x = np.zeros((4, 4, len(names)))
    for row in flows.itertuples():
        x[REGIONS.index(row.exporter), REGIONS.index(row.importer),
          names.index(row.sector)] = row.value_usd_bn
    return x, sectors["sigma"].to_numpy(float)


def tariff_war(x):
    t0 = np.zeros_like(x)
    t1 = t0.copy()
    t1[1, 0, :] = 1.45  # the US on China
    t1[0, 1, :] = 1.25  # China on the US
    return t0, t1


def solve_scipy(x, t0, t1, sigma, upper):
    n, _, ns = x.shape
    e0 = x * (1 + t0)
    s0 = e0.sum(axis=0)  # [importer, sector]
    alpha = s0 / s0.sum(axis=1, keepdims=True)
    y0 = x.sum(axis=(1, 2))
    deficit = x.sum(axis=(0, 2)) - y0
    home = np.eye(n, dtype=bool)[:, :, None] & np.ones(ns, dtype=bool)[None, None, :]

    def shares(w):
        """Nested CES: the import bundle's CES index over the foreign origins (sigma), then
        home goods against the bundle (upper); returns the shares and H + M."""
        cost = w[:, None, None] * (1 + t1) / (1 + t0)
        a = np.where(home, 0.0, e0 * cost ** (1 - sigma[None, None, :]))
        bundle0 = np.where(home, 0.0, e0).sum(axis=0)
        bundle = bundle0 * (a.sum(axis=0) / bundle0) ** ((1 - upper) / (1 - sigma))[None, :]
        own = np.where(home, e0 * cost ** (1 - upper[None, None, :]), 0.0).sum(axis=0)
        total = own + bundle
        lam = np.where(home, own[None] / total[None], bundle[None] / total[None] * a / a.sum(axis=0))
        return lam, total

    def equations(z):
        w, e = z[:n], z[n:]
        lam, _ = shares(w)
        spend = lam * alpha[None, :, :] * e[None, :, None]  # with duty
        duty = (spend * t1 / (1 + t1)).sum(axis=(0, 2))
        sales = (spend / (1 + t1)).sum(axis=(1, 2))
        clear = (sales - w * y0) / y0
        budget = (e - w * y0 - deficit - duty) / y0
        return np.concatenate([clear[:-1], [(w * y0).sum() / y0.sum() - 1], budget])

    sol = root(equations, np.concatenate([np.ones(n), e0.sum(axis=(0, 2))]), method="lm",
               options={"xtol": 1e-15, "ftol": 1e-15})
    assert sol.success, sol.message
    w, e = sol.x[:n], sol.x[n:]
    assert np.max(np.abs(equations(sol.x))) < 1e-12
    lam, a = shares(w)
    p_sec = (a / s0) ** (1 / (1 - upper[None, :]))
    p_hat = np.exp((alpha * np.log(p_sec)).sum(axis=1))
    welfare = np.log(e / e0.sum(axis=(0, 2)) / p_hat)
    return {"w_hat": w, "p_hat": p_hat, "lambda": lam.ravel(), "spending": e,
            "ln_welfare": welfare}


def solve_c(x, t0, t1, sigma, upper, steps):
    n, _, ns = x.shape
    text = "%d %d %d\n" % (n, ns, steps)
    for a in (sigma, upper, x.ravel(), t0.ravel(), t1.ravel(), np.ones(x.size)):
        text += " ".join("%.17g" % v for v in a) + "\n"
    out = subprocess.run([GE_SOLVE], input=text, capture_output=True, text=True, check=True)
    res = {}
    for line in out.stdout.splitlines():
        name, *vals = line.split()
        res[name] = np.array([float(v) for v in vals])
    return res


class GeAgainstScipy(unittest.TestCase):
    def test_tariff_war_matches(self):
        x, sigma = base_problem()
        t0, t1 = tariff_war(x)
        for upper in (np.full_like(sigma, 1.19), sigma):
            with self.subTest(upper=upper[0]):
                self.check(x, t0, t1, sigma, upper)

    def check(self, x, t0, t1, sigma, upper):
        ref = solve_scipy(x, t0, t1, sigma, upper)
        got = solve_c(x, t0, t1, sigma, upper, 16)
        for key in ("w_hat", "p_hat", "lambda", "ln_welfare"):
            np.testing.assert_allclose(got[key], ref[key], rtol=0, atol=1e-8, err_msg=key)
        np.testing.assert_allclose(got["spending"] / ref["spending"], 1, rtol=0, atol=1e-8)
        self.assertLess(got["residual"][0], 1e-12)
        self.assertLess(got["walras"][0], 1e-10)
        # The change is not trivial: wages moved and China's share of US spending fell.
        self.assertGreater(np.max(np.abs(ref["w_hat"] - 1)), 1e-3)
        # The decomposition adds up: ln W = tot + volume (+ transfer, 0 here) + path error.
        np.testing.assert_array_equal(got["transfer"], 0)
        np.testing.assert_allclose(got["tot"] + got["volume"] + got["path_error"],
                                   got["ln_welfare"], rtol=0, atol=1e-14)
        self.assertLess(np.max(np.abs(got["path_error"])), 1e-5)

    def test_bad_input_exits_2(self):
        out = subprocess.run([GE_SOLVE], input="1 1 0\n0.5\n2\n1 0 0 1\n", capture_output=True,
                             text=True)
        self.assertEqual(out.returncode, 2, out.stderr)
        self.assertIn("sigma", out.stderr)


if __name__ == "__main__":
    unittest.main()
