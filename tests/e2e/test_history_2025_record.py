#!/usr/bin/env python3
"""The 2025 record as enacted in scenarios/history-2025.yaml, read back from a real run.

Runs the real program on history-2025 (the world of nine regions) and on
history-2025-four (the same record on the four regions of the default world), two
replicates and few firms each, and checks the statutory rates of summary.csv
(`tariff_rate`, the mean over replicates; the rates are scripted, so every replicate has
them) against the rules of each dated entry:
  - the EU's 15% of 7 August is all-in, inclusive of MFN: 15 on EU machinery, and on
    consumer goods 15 on all but apparel and footwear, which pay their MFN of 17.3 alone;
  - EU cars and parts pay 15% all-in from 1 August (Section 232 set aside);
  - the country rates of 7 August and India's addition of 27 August raise ROW's
    reciprocal layer, Canada's 35% of 1 August its IEEPA layer (four regions);
  - on nine regions: Canada and Mexico pay their IEEPA rate on the goods not entered under
    USMCA and no reciprocal tariff, Canada 35% from 1 August, and not on goods under the
    Section 232 duties (executive order 14289); Section 232 on metals covers the steel,
    aluminium and derivatives share of the cell only (and semi-finished copper from 1
    August), the rest pays the other layers; Canada's softwood lumber pays 10% from 14
    October and Mexico's and Canada's non-USMCA trucks 25% from 1 November; Japan 15% all-in from 7
    August and its cars from 16 September; Korea 15% on top of MFN, then all-in from 14
    November and its cars from 1 November; Vietnam 20%; ROW's listed rates with India's
    addition of 27 August and Switzerland's cut of 14 November; the UK's steel at 25%
    inside ROW; Canada's counter-tariffs on US goods and their removal on 1 September;
  - the two files give the same rates on the partners both worlds have (US, CN, EU), every
    day of the year;
  - the agricultural exemptions of 13 November lower the rate on Chinese agriculture by
    the exempt share's reciprocal 10%;
  - the US rate on China ends the year at legacy + fentanyl 10 + reciprocal 10 + 232;
  - China charges its trade-weighted applied rate (2.18%) on EU and ROW goods and its
    customs collect 0.6993 of its statutory duty (2021's collected 1.6% of imports over
    the 2.31% applied rate), so its duties are a few percent of its imports, not 8.6%;
  - the default scenario (geneva-truce) carries the same dated entries and collected-duty
    shares up to 31 May, and the counterfactual baseline-2025 the same levels before the
    first 2025 measure: on the same nine regions, their statutory and collected rates are
    history-2025's, cell by cell, on its (weekly) output days; and the default on the four
    regions (geneva-truce-four) carries history-2025-four's, every day to 31 May.
Run by CTest with TW_BIN (the program) and TW_SOURCE_DIR.
"""
import os
import shutil
import subprocess
import tempfile
import unittest

import pandas as pd

TW_BIN = os.environ.get("TW_BIN", "")
SRC = os.environ.get("TW_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))


def run_rates(tmp, name):
    """summary.csv of a real run of scenarios/NAME.yaml (two replicates, few firms)."""
    out = os.path.join(tmp, name)
    subprocess.run([TW_BIN, "run", os.path.join(SRC, "scenarios", name + ".yaml"), "-n", "2",
                    "-t", "2", "--set", "firms.per_cell=200", "--set", "rare_earths.per_cell=200",
                    "-o", out, "--silent"], check=True)
    return pd.read_csv(os.path.join(out, "summary.csv"))


def rates(s):
    """Statutory and collected rates of the US and China, every partner and sector."""
    s = s[s.indicator.isin(["tariff_rate", "tariff_rate_collected"]) & s.region.isin(["US", "CN"])]
    return s.set_index(["date", "indicator", "region", "partner", "sector"])["mean"].sort_index()


class Record2025(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not TW_BIN or not os.access(TW_BIN, os.X_OK):
            raise unittest.SkipTest("TW_BIN is not set to the tradewar program")
        cls.tmp = tempfile.mkdtemp(prefix="tw_record_")
        s = run_rates(cls.tmp, "history-2025")
        cls.rates = {"nine": rates(s)}
        four = run_rates(cls.tmp, "history-2025-four")
        cls.rates["history-2025"] = rates(four)
        cls.four = four[(four.indicator == "tariff_rate") & (four.region == "US")].set_index(
            ["date", "partner", "sector"])["mean"]
        for other in ("geneva-truce", "baseline-2025", "geneva-truce-four"):
            cls.rates[other] = rates(run_rates(cls.tmp, other))
        cls.cn = s[(s.region == "CN") & (s.partner == "all") & (s.sector == "all")].pivot(
            index="date", columns="indicator", values="mean")
        cls.cn_rate = s[(s.indicator == "tariff_rate") & (s.region == "CN")].set_index(
            ["date", "partner", "sector"])["mean"]
        cls.nine_ca = s[(s.indicator == "tariff_rate") & (s.region == "CA") & (s.partner == "US")
                        ].set_index(["date", "sector"])["mean"]
        s = s[(s.indicator == "tariff_rate") & (s.region == "US")]
        cls.rate = s.set_index(["date", "partner", "sector"])["mean"]

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def r(self, date, partner, sector):
        """The nine-region run's US rate; its summary is weekly (Wednesdays from 1 January)."""
        return self.rate[(date, partner, sector)]

    def test_eu_all_in_includes_mfn(self):
        # Before 7 August: 1.4 MFN + 10 reciprocal on machinery.
        self.assertAlmostEqual(self.r("2025-08-06", "EU", "machinery"), 11.4, delta=1e-9)
        self.assertAlmostEqual(self.r("2025-10-01", "EU", "machinery"), 15.0, delta=1e-9)
        # Consumer: apparel and footwear (30% of the cell) at MFN 1.4 + 15.9, the rest at 15.
        self.assertAlmostEqual(self.r("2025-10-01", "EU", "consumer"),
                               0.30 * 17.3 + 0.70 * 15.0, delta=1e-9)

    def test_eu_cars_fifteen_all_in_from_first_august(self):
        # 31 July: 1.4 MFN + 25 x 0.6 (Section 232 autos) + 10 x 0.4 (reciprocal).
        self.assertAlmostEqual(self.r("2025-07-30", "EU", "vehicles"), 1.4 + 15.0 + 4.0, delta=1e-9)
        self.assertAlmostEqual(self.r("2025-08-06", "EU", "vehicles"), 15.0, delta=1e-9)
        self.assertAlmostEqual(self.r("2025-12-31", "EU", "vehicles"), 15.0, delta=1e-9)

    def test_row_country_rates_and_canada(self):
        for sector in ["electronics", "consumer", "chemicals"]:
            july = self.four[("2025-07-31", "ROW", sector)]
            aug = self.four[("2025-08-10", "ROW", sector)]
            sep = self.four[("2025-09-10", "ROW", sector)]
            self.assertGreater(aug, july + 1.0, sector)  # 7 August rates and Canada's 35%
            self.assertGreater(sep, aug + 0.3, sector)   # India's 25 more from 27 August

    def test_canada_and_mexico_usmca(self):
        # Canada: MFN 1.4 + 35 (25 before 1 August) on the 0.621 of goods outside USMCA,
        # no reciprocal tariff.
        self.assertAlmostEqual(self.r("2025-07-30", "CA", "machinery"), 1.4 + 25 * 0.621, delta=1e-9)
        self.assertAlmostEqual(self.r("2025-08-13", "CA", "machinery"), 1.4 + 35 * 0.621, delta=1e-9)
        self.assertAlmostEqual(self.r("2025-04-30", "MX", "machinery"), 1.4 + 25 * 0.511, delta=1e-9)
        # Mexico's vehicles: the IEEPA layer only where the 232 auto duty is not (0.4).
        self.assertAlmostEqual(self.r("2025-04-30", "MX", "vehicles"),
                               1.4 + 25 * 0.6 + 25 * 0.16 * 0.4, delta=1e-9)
        # Canadian energy at 10: its `other` rate is below Mexico's.
        self.assertLess(self.r("2025-04-30", "CA", "other"), self.r("2025-04-30", "MX", "other"))

    def test_country_rates_of_august(self):
        for partner in ("JP", "KR", "VN"):
            self.assertAlmostEqual(self.r("2025-08-06", partner, "machinery"), 11.4, delta=1e-9)
        self.assertAlmostEqual(self.r("2025-10-01", "JP", "machinery"), 15.0, delta=1e-9)
        self.assertAlmostEqual(self.r("2025-10-01", "KR", "machinery"), 16.4, delta=1e-9)
        self.assertAlmostEqual(self.r("2025-11-26", "KR", "machinery"), 15.0, delta=1e-9)
        self.assertAlmostEqual(self.r("2025-10-01", "VN", "machinery"), 21.4, delta=1e-9)
        # Japan's cars 15 all-in from 16 September, Korea's from 1 November.
        self.assertGreater(self.r("2025-09-10", "JP", "vehicles"), 20.0)
        self.assertAlmostEqual(self.r("2025-09-17", "JP", "vehicles"), 15.0, delta=1e-9)
        self.assertGreater(self.r("2025-10-29", "KR", "vehicles"), 20.0)
        self.assertAlmostEqual(self.r("2025-11-05", "KR", "vehicles"), 15.0, delta=1e-9)
        # The rest of the world: the listed rates, India's addition, Switzerland's cut.
        for sector in ("electronics", "consumer"):
            july = self.r("2025-07-30", "ROW", sector)
            aug = self.r("2025-08-13", "ROW", sector)
            sep = self.r("2025-09-10", "ROW", sector)
            dec = self.r("2025-12-31", "ROW", sector)
            self.assertGreater(aug, july + 3.0, sector)  # 0.546 of electronics pays it
            self.assertGreater(sep, aug + 1.0, sector)
            self.assertTrue(aug < dec < sep, (sector, aug, dec, sep))
        # UK steel at 25 inside ROW (48.7606 for the cell) on the 0.5793 of ROW's metals
        # that Section 232 covers, the reciprocal 10 on the rest.
        self.assertAlmostEqual(self.r("2025-06-25", "ROW", "metals"),
                               1.4 + 48.7606 * 0.5793 + 10 * (1 - 0.5793), delta=1e-9)

    def test_section_232_covers_steel_and_aluminium_and_ieepa_does_not_stack(self):
        # Canada's metals on 30 July: 232 at 50 on the covered 0.5521 of the cell (steel,
        # aluminium, derivatives), the IEEPA 25 on the goods outside USMCA (0.621) of the
        # rest, never both (executive order 14289); no reciprocal.
        self.assertAlmostEqual(self.r("2025-07-30", "CA", "metals"),
                               1.4 + 50 * 0.5521 + 25 * 0.621 * (1 - 0.5521), delta=1e-9)
        self.assertAlmostEqual(self.r("2025-07-30", "MX", "metals"),
                               1.4 + 50 * 0.7057 + 25 * 0.511 * (1 - 0.7057), delta=1e-9)
        # Before 4 June at 25: Mexico's metals pay 25 on covered goods, IEEPA on the rest.
        self.assertAlmostEqual(self.r("2025-04-30", "MX", "metals"),
                               1.4 + 25 * 0.7057 + 25 * 0.511 * (1 - 0.7057), delta=1e-9)
        # Japan's: 232 on 0.7766 (0.8174 with copper from 1 August), the reciprocal (13.6
        # all-in from 7 August) on the rest.
        self.assertAlmostEqual(self.r("2025-07-30", "JP", "metals"),
                               1.4 + 50 * 0.7766 + 10 * (1 - 0.7766), delta=1e-9)
        self.assertAlmostEqual(self.r("2025-10-01", "JP", "metals"),
                               1.4 + 50 * 0.8174 + 13.6 * (1 - 0.8174), delta=1e-9)
        # China's and the EU's cells keep the four-region record's full coverage.
        self.assertAlmostEqual(self.r("2025-07-30", "EU", "metals"), 51.4, delta=1e-9)

    def test_section_232_copper_lumber_and_trucks(self):
        # Copper's 50% from 1 August on semi-finished goods: the metals layer's coverage
        # rises by the copper share (Canada 0.5521 to 0.6632, Mexico 0.7057 to 0.7754), off
        # the IEEPA layer (Canada's 35 from the same day).
        self.assertAlmostEqual(self.r("2025-08-06", "CA", "metals"),
                               1.4 + 50 * 0.6632 + 35 * 0.621 * (1 - 0.6632), delta=1e-9)
        self.assertAlmostEqual(self.r("2025-08-06", "MX", "metals"),
                               1.4 + 50 * 0.7754 + 25 * 0.511 * (1 - 0.7754), delta=1e-9)
        self.assertAlmostEqual(self.r("2025-08-06", "ROW", "metals")
                               - self.r("2025-07-30", "ROW", "metals"),
                               (48.7606 - 10) * (0.6812 - 0.5793)
                               + 40 * 0.0290 * (1 - 0.6812), delta=1e-9)  # and Brazil's 40
        # Lumber's 10% from 14 October on Canada's softwood lumber (0.0308 of its `other`
        # cell), not stacked on the IEEPA layer.
        self.assertAlmostEqual(self.r("2025-10-08", "CA", "other"), 1.4 + 16.3488 * 0.621,
                               delta=1e-9)
        self.assertAlmostEqual(self.r("2025-10-15", "CA", "other"),
                               1.4 + 10 * 0.0308 + 16.3488 * 0.621 * (1 - 0.0308),
                               delta=1e-6)  # summary.csv's ten significant digits
        # Trucks' 25% from 1 November on the non-USMCA trucks of Mexico and Canada: the
        # auto layer's coverage from 0.6 to 0.6183 and 0.6504.
        for partner, cov, ieepa, usmca in (("MX", 0.6183, 25, 0.16), ("CA", 0.6504, 35, 0.621)):
            self.assertAlmostEqual(self.r("2025-10-29", partner, "vehicles"),
                                   1.4 + 25 * 0.6 + ieepa * usmca * 0.4, delta=1e-9)
            self.assertAlmostEqual(self.r("2025-11-05", partner, "vehicles"),
                                   1.4 + 25 * cov + ieepa * usmca * (1 - cov), delta=1e-9)

    def test_canada_counter_tariffs(self):
        ca = self.nine_ca
        self.assertAlmostEqual(ca[("2025-02-26", "machinery")], 0.0, delta=1e-9)
        self.assertAlmostEqual(ca[("2025-03-26", "machinery")], 25 * 0.0915, delta=1e-9)
        self.assertAlmostEqual(ca[("2025-03-26", "metals")], 25 * 0.0915 + 25 * 0.5612, delta=1e-9)
        self.assertAlmostEqual(ca[("2025-10-01", "machinery")], 0.0, delta=1e-9)
        self.assertAlmostEqual(ca[("2025-10-01", "metals")], 25 * 0.5612, delta=1e-9)

    def test_same_rates_as_four_regions_on_common_partners(self):
        nine = self.rates["nine"].xs("tariff_rate", level="indicator")
        four = self.rates["history-2025"].xs("tariff_rate", level="indicator")
        common = ["US", "CN", "EU"]
        nine = nine[nine.index.get_level_values("region").isin(common)
                    & nine.index.get_level_values("partner").isin(common)]
        four = four.reindex(nine.index)
        self.assertGreater(len(nine), 1000)
        self.assertFalse(four.isna().any())
        self.assertLess((nine - four).abs().max(), 1e-9)

    def test_november_agricultural_exemptions(self):
        before = self.r("2025-11-12", "CN", "agriculture")
        after = self.r("2025-11-19", "CN", "agriculture")
        # China's reciprocal 10% leaves the exempt share (1 - 0.8862) of its farm goods.
        self.assertAlmostEqual(before - after, 10.0 * (1.0 - 0.8862), delta=1e-6)

    def test_china_at_the_end_of_2025(self):
        # 10 November: fentanyl from 20 to 10.
        self.assertAlmostEqual(self.r("2025-11-05", "CN", "all") - self.r("2025-11-12", "CN", "all"),
                               10.0, delta=1e-6)
        end = self.r("2025-12-31", "CN", "all")
        self.assertTrue(35.0 < end < 47.5, end)

    def test_china_applied_rate_and_collection(self):
        for partner in ["EU", "MX", "CA", "JP", "KR", "VN", "ROW"]:
            for sector in ["machinery", "consumer"]:
                self.assertAlmostEqual(self.cn_rate[("2025-01-15", partner, sector)], 2.18, delta=1e-9)
        ratio = self.cn.tariff_revenue / self.cn.tariff_revenue_statutory
        self.assertTrue(((ratio - (1.0 - 0.3007)).abs() < 1e-6).all(), ratio.describe())
        jan = self.cn[self.cn.index.str.startswith("2025-01")]
        share = jan.tariff_revenue.sum() / jan.imports.sum()
        self.assertTrue(0.01 < share < 0.03, share)

    def same_as_history(self, other, indicator, last_day, history="nine"):
        h = self.rates[history].xs(indicator, level="indicator")
        o = self.rates[other].xs(indicator, level="indicator")
        days = sorted(d for d in h.index.get_level_values("date").unique() if d <= last_day)
        self.assertGreaterEqual(len(days), 4)
        # every cell of both governments: on four regions 2 x 4 partners (with `all`) x 9
        # sectors (with `all`) a day, on nine 2 x 9 x 9
        self.assertGreaterEqual(len(h.loc[days]), 72 * len(days))
        diff = (o.reindex(h.loc[days].index) - h.loc[days]).abs()
        self.assertFalse(diff.isna().any(), diff[diff.isna()].head(10))
        self.assertLess(diff.max(), 1e-9, diff[diff > 1e-9].head(10))

    def test_default_scenario_carries_the_record_to_31_may(self):
        self.same_as_history("geneva-truce", "tariff_rate", "2025-05-31")
        # The collected rate weights the day's duty by the day's arrivals, which part from
        # history's once firms read the Geneva announcement of 12 May differently (the
        # default keeps its 34% level in view): the same up to the day before.
        self.same_as_history("geneva-truce", "tariff_rate_collected", "2025-05-11")
        # the record's parts are there: MFN under Section 232 on EU metals, Canada's and
        # Mexico's IEEPA layer on their goods outside USMCA (and no reciprocal), China's
        # applied rate on the EU and on Vietnam
        g = self.rates["geneva-truce"]
        day = "2025-05-28"
        self.assertAlmostEqual(g[(day, "tariff_rate", "US", "EU", "metals")], 26.4, delta=1e-9)
        self.assertAlmostEqual(g[(day, "tariff_rate", "US", "CA", "machinery")],
                               1.4 + 25.0 * 0.621, delta=1e-9)
        self.assertAlmostEqual(g[(day, "tariff_rate", "US", "MX", "machinery")],
                               1.4 + 25.0 * 0.511, delta=1e-9)
        self.assertAlmostEqual(g[(day, "tariff_rate", "US", "VN", "machinery")], 11.4, delta=1e-9)
        self.assertAlmostEqual(g[(day, "tariff_rate", "CN", "EU", "machinery")], 2.18, delta=1e-9)
        self.assertAlmostEqual(g[(day, "tariff_rate", "CN", "VN", "machinery")], 2.18, delta=1e-9)

    def test_the_default_on_four_regions_carries_the_four_region_record(self):
        for indicator, last_day in (("tariff_rate", "2025-05-31"),
                                    ("tariff_rate_collected", "2025-05-11")):
            self.same_as_history("geneva-truce-four", indicator, last_day, "history-2025")
        g = self.rates["geneva-truce-four"]
        self.assertGreater(g[("2025-05-31", "tariff_rate", "US", "ROW", "vehicles")], 20.0)

    def test_baseline_holds_the_record_of_january(self):
        for indicator in ("tariff_rate", "tariff_rate_collected"):
            self.same_as_history("baseline-2025", indicator, "2025-01-31")


if __name__ == "__main__":
    unittest.main(verbosity=2)
