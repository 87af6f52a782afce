#!/usr/bin/env python3
"""End-to-end: run the real program and read its CSVs back with pandas.

Checks the accounting identities and shares of summary.csv on every output date:
  - world exports == world imports (sum over regions of exports/imports,<r>,all,all);
  - tariff_revenue == tariff_rate_collected / 100 * imports for every concrete
    (region, partner, sector) cell, and never above tariff_revenue_statutory;
    collected equals statutory without leakage, and history-2025's leakage is the one its
    duties section sets;
  - the "all" aggregates of imports and tariff_revenue are the sums of their parts;
  - partner_import_share sums to 100 over partners per (region, sector);
  - expenditure_share sums to 100 over the world's origins per (region, sector);
  - no NaN or empty cell anywhere, sd >= 0, p05 <= p50 <= p95;
  - the dates are start..end inclusive, each with the same set of series.

Why the revenue identity is checked on concrete cells only: the "all" aggregates of
tariff_rate_collected weight by each replicate's own customs values, so the mean of the
aggregate rate times the mean of imports is not the mean of revenue across replicates
(a cell's collected rate is the same in every replicate of a scripted scenario).

Run by CTest as py/test_summary_pandas with TW_BIN (the program) and TW_SOURCE_DIR.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import numpy as np
import pandas as pd

TW_BIN = os.environ.get("TW_BIN", "")
TW_SOURCE_DIR = os.environ.get("TW_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))

HEADER = "date,indicator,region,partner,sector,mean,sd,p05,p50,p95"
STATS = ["mean", "sd", "p05", "p50", "p95"]
FOUR = ["US", "CN", "EU", "ROW"]
NINE = ["US", "CN", "EU", "MX", "CA", "JP", "KR", "VN", "ROW"]
SECTORS = ["electronics", "machinery", "vehicles", "metals", "agriculture", "chemicals",
           "consumer", "other"]
REL = 1e-9
ABS = 1e-9


def run_program(args):
    proc = subprocess.run([TW_BIN] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=300)
    return proc


def read_summary(path):
    """summary.csv as a DataFrame: text columns as str, statistics as float. Every cell is
    read as text first and the statistics converted with errors="coerce", so an empty
    cell, "nan", "inf" or garbage becomes a non-finite float that the NaN test reports
    (instead of an object column that breaks every other check)."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[])
    for c in STATS:
        if c in df.columns:
            df[c] = pd.to_numeric(df[c], errors="coerce").astype(float)
    return df


def close(a, b, rel=REL, abs_=ABS):
    """Elementwise |a - b| <= abs + rel * max(|a|, |b|)."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    return np.abs(a - b) <= abs_ + rel * np.maximum(np.abs(a), np.abs(b))


class SummaryIdentities:
    """Mixin: the checks, run on the run made by the subclass's setUpClass."""

    scenario = None
    extra = []
    start = None
    end = None

    @classmethod
    def setUpClass(cls):
        if not TW_BIN or not os.access(TW_BIN, os.X_OK):
            raise unittest.SkipTest("TW_BIN is not set to the tradewar program")
        cls.tmp = tempfile.mkdtemp(prefix="tw_pandas_")
        cls.out = os.path.join(cls.tmp, "out")
        args = ["run", os.path.join(TW_SOURCE_DIR, "scenarios", cls.scenario), "-n", "3",
                "-t", "2", "--set", "firms.per_cell=500", "-o", cls.out, "--quiet"] + cls.extra
        proc = run_program(args)
        if proc.returncode != 0:
            shutil.rmtree(cls.tmp, ignore_errors=True)
            raise AssertionError("tradewar %s failed with %d: %s" %
                                 (" ".join(args), proc.returncode, proc.stderr))
        with open(os.path.join(cls.out, "summary.csv")) as f:
            cls.header = f.readline().rstrip("\n")
        cls.df = read_summary(os.path.join(cls.out, "summary.csv"))
        cls.reps = pd.read_csv(os.path.join(cls.out, "replicates.csv"), keep_default_na=False,
                               na_values=[])
        # Wide view of the means: one column per indicator, keyed by the cell.
        key = ["date", "region", "partner", "sector"]
        cls.means = {ind: g.set_index(key)["mean"] for ind, g in cls.df.groupby("indicator")}

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    # --- shape ---

    def test_header_is_exact(self):
        self.assertEqual(self.header, HEADER)
        self.assertEqual(list(self.df.columns), HEADER.split(","))

    def test_statistics_are_numbers_without_nan(self):
        for c in STATS:
            bad = self.df[~np.isfinite(self.df[c])]
            self.assertEqual(len(bad), 0, "%d cells of %s are NaN, infinite or not numbers, e.g.\n%s"
                             % (len(bad), c, bad.head()))
        for c in ["date", "indicator", "region", "partner", "sector"]:
            self.assertFalse((self.df[c] == "").any(), "empty %s cell" % c)

    def test_quantiles_are_ordered_and_sd_nonnegative(self):
        df = self.df
        bad = df[(df.p05 > df.p50) | (df.p50 > df.p95)]
        self.assertEqual(len(bad), 0, "p05 <= p50 <= p95 violated:\n%s" % bad.head())
        self.assertFalse((df.sd < 0).any(), "negative sd")

    def test_dates_are_start_to_end_daily_with_the_same_series(self):
        dates = pd.to_datetime(self.df["date"], format="%Y-%m-%d")
        want = pd.date_range(self.start, self.end, freq="D")
        got = pd.DatetimeIndex(sorted(dates.unique()))
        self.assertTrue(got.equals(want), "dates %s..%s (%d) != %s..%s (%d)" %
                        (got.min(), got.max(), len(got), want.min(), want.max(), len(want)))
        # Dates appear in order, never interleaved.
        self.assertTrue(dates.is_monotonic_increasing)
        cell = ["indicator", "region", "partner", "sector"]
        self.assertFalse(self.df.duplicated(["date"] + cell).any(), "duplicate rows")
        per_date = self.df.groupby("date").size()
        self.assertEqual(per_date.nunique(), 1, "dates carry different numbers of series")
        first = self.df[self.df.date == self.df.date.iloc[0]][cell].reset_index(drop=True)
        last = self.df[self.df.date == self.df.date.iloc[-1]][cell].reset_index(drop=True)
        self.assertTrue(first.equals(last), "series differ between the first and last date")

    def test_replicates_csv_reads_back(self):
        self.assertEqual(len(self.reps), 3)
        self.assertEqual(list(self.reps["replicate"]), [0, 1, 2])
        # A scripted scenario has no leader calls and no court: first_leader_call_day and
        # court_ruling_day are NaN ("did not happen") in every replicate. NaN also marks
        # the first day of a rare-earth shortage that never came; every other outcome is a
        # finite number.
        self.assertTrue((self.reps["first_leader_call_day"] == "nan").all())
        self.assertTrue((self.reps["court_ruling_day"] == "nan").all())
        num = self.reps.drop(columns=["replicate", "seed", "first_leader_call_day", "court_ruling_day"])
        may_be_nan = [c for c in num.columns if c.endswith("_first_loss_day")]
        self.assertTrue(np.isfinite(num.drop(columns=may_be_nan).to_numpy(dtype=float)).all(),
                        "non-finite outcome")
        self.assertFalse(np.isinf(num[may_be_nan].to_numpy(dtype=float)).any(), "infinite outcome")

    # --- identities ---

    def test_world_exports_equal_world_imports_every_date(self):
        df = self.df
        tot = (df.partner == "all") & (df.sector == "all") & df.region.isin(self.regions)
        ex = df[(df.indicator == "exports") & tot].groupby("date")["mean"].agg(["sum", "size"])
        im = df[(df.indicator == "imports") & tot].groupby("date")["mean"].agg(["sum", "size"])
        self.assertTrue((ex["size"] == len(self.regions)).all())
        self.assertTrue((im["size"] == len(self.regions)).all())
        self.assertTrue(ex.index.equals(im.index))
        self.assertEqual(len(ex), self.df.date.nunique())
        ok = close(ex["sum"], im["sum"], rel=REL, abs_=0.0)
        self.assertTrue(ok.all(), "world exports != imports on %d dates, e.g.\n%s" %
                        ((~ok).sum(), pd.DataFrame({"exports": ex["sum"], "imports": im["sum"]})[~ok].head()))
        self.assertTrue((im["sum"] > 0).all())

    def test_bilateral_exports_mirror_imports(self):
        df = self.df
        e = df[(df.indicator == "exports") & (df.partner != "all")].set_index(
            ["date", "region", "partner"])["mean"]
        i = df[(df.indicator == "imports") & (df.partner != "all") & (df.sector == "all")]
        i = i.rename(columns={"region": "partner", "partner": "region"}).set_index(
            ["date", "region", "partner"])["mean"]
        self.assertEqual(len(e), len(i))
        i = i.loc[e.index]
        ok = close(e, i)
        self.assertTrue(ok.all(), "exports r->p != imports of p from r in %d cells" % (~ok).sum())

    def test_collected_revenue_is_collected_rate_times_imports_in_every_cell(self):
        j = pd.concat({"rate": self.means["tariff_rate_collected"], "imp": self.means["imports"],
                       "rev": self.means["tariff_revenue"],
                       "stat": self.means["tariff_revenue_statutory"],
                       "legal": self.means["tariff_rate"]},
                      axis=1, join="outer").reset_index()
        self.assertFalse(j[["rate", "imp", "rev", "stat", "legal"]].isna().any().any(),
                         "tariff rates, imports and revenues cover different cells")
        cells = j[(j.partner != "all") & (j.sector != "all")]
        n = len(self.regions)
        self.assertEqual(len(cells), self.df.date.nunique() * n * (n - 1) * len(SECTORS))
        # The identity holds in each replicate; on the means across replicates only where
        # the rate is the same in all of them. In a cell split into sub-cells the rate paid
        # follows the mix of purchases, which moves with each replicate's producer prices
        # (the C test accounting::identities_hold_every_day_of_the_history checks every
        # cell of one replicate); elsewhere its sd is 0.
        sd = self.df[self.df.indicator == "tariff_rate_collected"].set_index(
            ["date", "region", "partner", "sector"])["sd"]
        fixed = (sd.reindex(pd.MultiIndex.from_frame(cells[["date", "region", "partner",
                                                            "sector"]])) == 0).to_numpy()
        self.assertGreater(fixed.sum(), len(cells) // 2)
        cells_all = cells
        cells = cells[fixed]
        # Three numbers printed to 10 significant digits each (%.10g): their rounding
        # alone can reach 1.5e-9 of the product, so the tolerance is 5e-9.
        ok = close(cells.rev, cells.rate / 100.0 * cells.imp, rel=5e-9)
        self.assertTrue(ok.all(), "tariff_revenue != tariff_rate_collected/100 * imports in %d "
                        "cells, e.g.\n%s" % ((~ok).sum(), cells[~ok].head()))
        # Customs never collects more than the statutory duty.
        self.assertTrue((cells_all.rev <= cells_all.stat * (1 + REL) + ABS).all())
        # Some revenue is actually collected: the identity is not 0 == 0 everywhere.
        self.assertTrue((cells.rev > 0).any())
        self.check_leakage(cells)

    def check_leakage(self, cells):
        """Where no duties section applies (imports of China, the EU and ROW), customs
        collects the statutory duty."""
        other = cells[cells.region != "US"]
        self.assertTrue(close(other.rev, other.stat).all())

    def check_china_customs(self, cells):
        """China's customs collect 1 - 0.3007 of China's duties on every origin; the EU's
        and ROW's collect them whole."""
        cn = cells[(cells.region == "CN") & (cells.stat > 0)]
        self.assertTrue(close(cn.rev / cn.stat, 1 - 0.3007, rel=1e-6).all())
        other = cells[cells.region.isin(["EU", "ROW"])]
        self.assertTrue(close(other.rev, other.stat).all())

    def test_aggregates_are_sums_of_their_parts(self):
        for ind in ["imports", "tariff_revenue", "tariff_revenue_statutory"]:
            s = self.means[ind].reset_index()
            parts = s[(s.partner != "all") & (s.sector != "all")]
            # over sectors, per (date, region, partner)
            by_sec = parts.groupby(["date", "region", "partner"])["mean"].sum()
            agg = s[(s.partner != "all") & (s.sector == "all")].set_index(
                ["date", "region", "partner"])["mean"].loc[by_sec.index]
            ok = close(by_sec, agg)
            self.assertTrue(ok.all(), "%s,<r>,<p>,all != sum over sectors in %d cells" % (ind, (~ok).sum()))
            # over partners, per (date, region, sector)
            by_par = parts.groupby(["date", "region", "sector"])["mean"].sum()
            agg = s[(s.partner == "all") & (s.sector != "all")].set_index(
                ["date", "region", "sector"])["mean"].loc[by_par.index]
            ok = close(by_par, agg)
            self.assertTrue(ok.all(), "%s,<r>,all,<s> != sum over partners in %d cells" % (ind, (~ok).sum()))

    def test_partner_import_shares_sum_to_100(self):
        df = self.df[self.df.indicator == "partner_import_share"]
        self.assertFalse((df.partner == "all").any())
        g = df.groupby(["date", "region", "sector"])["mean"].agg(["sum", "size"])
        self.assertEqual(len(g), self.df.date.nunique() * len(self.regions) * (len(SECTORS) + 1))
        self.assertTrue((g["size"] == len(self.regions) - 1).all())
        ok = close(g["sum"], 100.0)
        self.assertTrue(ok.all(), "partner import shares do not sum to 100:\n%s" % g[~ok].head())

    def test_expenditure_shares_sum_to_100_over_the_origins(self):
        df = self.df[self.df.indicator == "expenditure_share"]
        g = df.groupby(["date", "region", "sector"]).agg(sum=("mean", "sum"), size=("mean", "size"),
                                                         origins=("partner", lambda p: tuple(sorted(p))))
        self.assertEqual(len(g), self.df.date.nunique() * len(self.regions) * len(SECTORS))
        self.assertTrue((g["origins"] == tuple(sorted(self.regions))).all(),
                        "expenditure_share origins are not US, CN, EU, ROW")
        ok = close(g["sum"], 100.0)
        self.assertTrue(ok.all(), "expenditure shares do not sum to 100:\n%s" % g[~ok].head())


class BaselineQuarter(SummaryIdentities, unittest.TestCase):
    scenario = "baseline-2025.yaml"
    regions = NINE
    extra = ["--set", "end=2025-03-31"]
    start = "2025-01-01"
    end = "2025-03-31"

    def check_leakage(self, cells):
        """baseline-2025's duties section: US duties on China collected at
        1 - 0.048 - 0.359 - 0.088 all year (de minimis does not end); China's customs as
        in history-2025; cells without coverage below 1 pay the statutory rate."""
        self.check_china_customs(cells)
        us_cn = cells[(cells.region == "US") & (cells.partner == "CN") & (cells.stat > 0)]
        self.assertTrue(close(us_cn.rev / us_cn.stat, 1 - 0.048 - 0.359 - 0.088, rel=1e-6).all())
        whole = cells[~cells.sector.isin(["electronics", "consumer"]) & (cells.region == "US")]
        self.assertTrue(close(whole.stat, whole.legal / 100 * whole.imp, rel=1e-6).all())

    def test_known_tariff_rates(self):
        rate = self.means["tariff_rate"]
        us_cn = rate.xs(("US", "CN", "all"), level=["region", "partner", "sector"])
        cn_us = rate.xs(("CN", "US", "all"), level=["region", "partner", "sector"])
        self.assertTrue(close(us_cn, 20.8).all(), us_cn[~close(us_cn, 20.8)].head())
        self.assertTrue(close(cn_us, 21.2).all(), cn_us[~close(cn_us, 21.2)].head())


class HistoryYear(SummaryIdentities, unittest.TestCase):
    scenario = "history-2025-four.yaml"
    regions = FOUR
    extra = []
    start = "2025-01-01"
    end = "2025-12-31"

    def check_leakage(self, cells):
        """history-2025's duties section: US duties on China are collected at
        1 - 0.048 - 0.359 - 0.088 before 2 May 2025 and 1 - 0.048 - 0.359 from then; China's
        customs collect 1 - 0.3007 of China's duties on every origin."""
        us_cn = cells[(cells.region == "US") & (cells.partner == "CN") & (cells.stat > 0)]
        kept = us_cn.rev / us_cn.stat
        before = us_cn.date < "2025-05-02"
        self.assertTrue(close(kept[before], 1 - 0.048 - 0.359 - 0.088, rel=1e-6).all())
        self.assertTrue(close(kept[~before], 1 - 0.048 - 0.359, rel=1e-6).all())
        self.check_china_customs(cells)


if __name__ == "__main__":
    unittest.main(verbosity=2)
