#!/usr/bin/python3
"""The 2025 US tariff record of the nine-region world, cell by cell (data/worlds/nine/).

Writes data/worlds/nine/tariff_cells_2025.csv: for each rule of the record that depends on
how the world splits the old rest of the world (Canada's and Mexico's IEEPA tariffs with
USMCA, the country rates of 7 August on the rest, Annex II and the agricultural exemption
by origin, the UK's 25% on steel inside ROW, Canada's counter-tariffs), the number that
scenarios/history-2025.yaml writes, with the arithmetic and its sources in the note.

Inputs: the S4 GTAP-level US imports of 2024 (raw/flows_2024_us_imports_gtap_raw.csv),
the nine-region flows (worlds/nine/base_flows_2024.csv) and the dated, sourced numbers of
the record below (ids listed in data/README.md, "tariff_cells_2025.csv" and "The record of
the nine-region world"). Nothing here is fitted to 2025 trade.

    /usr/bin/python3 data/build_tariff_cells_nine.py [--check]

--check compares the file on disk with what the build writes and exits 1 if they differ.
"""
import csv
import io
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from build_calibration import GTAP_TO_SECTOR, SECTORS  # noqa: E402

OUT = os.path.join(HERE, "worlds", "nine", "tariff_cells_2025.csv")
COLS = ["measure", "importer", "exporter", "sector", "parameter", "value", "quality",
        "source", "note"]

# --- dated, sourced inputs -------------------------------------------------------------
MFN_US = 1.4                      # Pew-2018: the record's MFN incidence (history-2025)
USMCA = {"CA": 0.379, "MX": 0.489}  # USTN-2025: shares of 2024 imports entered under USMCA
USMCA_MX_VEHICLES = 0.84          # ITT-2025-03-06
CA_ENERGY_CODES = ("coa", "oil", "gas", "p_c", "ely")  # WH-CAMX-2025: energy at 10%
ANNEX_II = {"chemicals": ("bph",), "other": CA_ENERGY_CODES + ("lum",)}  # BorderBuddy-2025
AG_EXEMPT = ("v_f", "ocr", "cmt")  # Mondaq-2025-11-ag;KPMG-2025-11 (proxy, history-2025)
# 2024 US imports (USD bn) of the countries of the nine-region ROW with a listed rate,
# and their rates of 7 August 2025 (NNR-2025; Annex I of the order of 31 July 2025).
NAMED = [  # code, 2024 value, source of the value, rate from 7 Aug, note
    ("TW", 115.85, "Reuters-2025-01-17", 20.0, "Census Jan-Nov x 12/11"),
    ("IN", 87.38, "Reuters-2025-01-17", 25.0, "Census Jan-Nov x 12/11; 50 from 27 Aug"),
    ("TH", 66.01, "TheStar-ITC-2025-04", 19.0, "ITC Trade Map"),
    ("CH", 60.90, "Fakti-Bloomberg-2025-09", 39.0, "Swiss customs; 15 all-in from 14 Nov"),
    ("MY", 53.85, "TheStar-ITC-2025-04", 19.0, "ITC Trade Map"),
    ("BR", 42.348, "cgoes-BR-2024", 10.0, "Census; 40 more on 56.55% from 6 Aug"),
]
INDIA_FROM_27_AUG = 50.0          # ABP-2025-08-06
SWISS_FROM_14_NOV = 15.0 - MFN_US  # Reuters-CH-2025-12-10: 15% all-in ceiling
BRAZIL_ADD = 40.0                 # EO of 30 July 2025, from 6 August (NNR-BR-2025-07-31)
BRAZIL_SUBJECT = 1.0 - 18.400222546 / 42.348411089  # cgoes-BR-2024: Annex I exclusions
STEEL_UK = 25.0                   # WhiteCase: the UK stays at 25% from 4 June
STEEL_ALL = 50.0
# Section 232 covers steel and aluminium (and, from 12 March 2025, their derivatives), not
# the whole metals cell (GTAP i_s nfm fmp): US imports in 2024 of steel 32.99 USD bn
# (Steelradar-2025, Census) of GTAP i_s's 43.05 (pig iron, ferroalloys, direct-reduced iron
# and scrap are outside), and of aluminium 23.2 (GTAIC-2024) of nfm's 76.55 (copper,
# nickel, zinc, tin, lead and precious metals are outside; copper's 50% of 1 August on
# semi-finished goods was not valued); fabricated metal products (fmp: HS 73 articles,
# aluminium structures, which are counted in the 23.2 too, tools, other base-metal
# articles) are counted as covered, as derivatives. Shares by GTAP code, the same for every
# origin (origins' product mixes inside a code not found): an upper bound of the coverage.
S232_CODE_SHARE = {"i_s": (32.99, "steel"), "nfm": (23.2, "aluminium"), "fmp": (None, "")}
# Canada's counter-tariffs at 25% (FinCan-2025-03-12; Mondaq-2025-09-04): C$30 bn from
# 4 March, C$14.2 bn of other goods and C$15.6 bn of steel and aluminium from 13 March;
# all but steel, aluminium and autos removed from 1 September. C$30 bn = US$21.7 bn
# (DeepNewz-2025-08-22).
CAD_USD = 21.7 / 30.0
CA_PHASE1, CA_OTHER, CA_METALS = 30.0, 14.2, 15.6
# The Section 232 actions of the second half of 2025, each on the share of a cell its
# products were worth in 2024 (USD bn):
# - copper, 50% from 1 August on semi-finished products (CassidyLevy-2025-07): US imports
#   of them "more than" 15 in 2024 (DeepNewz-2025-07-31, Bloomberg), taken as 15 of GTAP
#   nfm (refined cathodes, ores and scrap are exempt); the same share of every origin's
#   nfm, as for aluminium. Intensive derivatives (cables, connectors) were not valued.
COPPER_SEMI = 15.0
# - softwood timber and lumber, 10% from 14 October (GAC-2025-10-14): Canada's 2024
#   exports to the US 5.1, 74% of US imports (NAHB-2025-lumber); the other 26% was not
#   valued by origin.
LUMBER_CA = 5.1
# - medium and heavy trucks, 25% from 1 November (Proclamation 10984, ThompsonHine-2025-10):
#   US imports by origin reported by Commerce's Foreign Trade Division (TT-2025-09-trucks).
#   Vehicles that qualify for USMCA pay on their non-US content only (not valued: left
#   out, so the coverage of Canada and Mexico is their non-USMCA share, as for camx_ieepa).
TRUCKS = {"MX": 15.45, "CA": 4.24}
AUTOS_COVERAGE = 0.6              # PIIE-chart: the record's Section 232 autos coverage


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def gtap():
    """{column: {code: value}} of the S4 US imports by GTAP code."""
    rows = read_csv(os.path.join(HERE, "raw", "flows_2024_us_imports_gtap_raw.csv"))
    cols = [c for c in rows[0] if c.endswith("_usd_bn")]
    return {c[:-7]: {r["gtap_code"]: float(r[c]) for r in rows} for c in cols}


def nine_to_us():
    rows = read_csv(os.path.join(HERE, "worlds", "nine", "base_flows_2024.csv"))
    out = {}
    for r in rows:
        if r["importer"] == "US" and r["exporter"] != "US":
            out.setdefault(r["exporter"], {})[r["sector"]] = float(r["value_usd_bn"])
    return out


def sector_sum(col, codes=None, sector=None):
    return math.fsum(v for k, v in col.items()
                     if (codes is None or k in codes)
                     and (sector is None or GTAP_TO_SECTOR[k] == sector))


class Build:
    def __init__(self):
        self.g = gtap()
        self.f = nine_to_us()
        self.rows = []
        self.metals_cov = {}

    def add(self, measure, exporter, sector, parameter, value, quality, source, note,
            importer="US"):
        self.rows.append({"measure": measure, "importer": importer, "exporter": exporter,
                          "sector": sector, "parameter": parameter,
                          "value": "%.4f" % value, "quality": quality, "source": source,
                          "note": note})

    def share(self, codes, sector):
        """Share of `codes` in `sector` for JP, KR (JP's by N2), VN (CN's by N2) and ROW
        (S4 uk + row + ftrow less KR and VN, as the nine-region split does)."""
        g = self.g
        jp = sector_sum(g["japan"], codes, sector) / sector_sum(g["japan"], None, sector)
        cn = sector_sum(g["china"], codes, sector) / sector_sum(g["china"], None, sector)
        rest = math.fsum(sector_sum(g[c], codes, sector) for c in ("uk", "row", "ftrow"))
        rest -= jp * self.f["KR"][sector] + cn * self.f["VN"][sector]
        return {"JP": jp, "KR": jp, "VN": cn, "ROW": rest / self.f["ROW"][sector]}

    def camx(self):
        g, ca = self.g, self.g["canada"]
        energy = sector_sum(ca, CA_ENERGY_CODES)
        other = self.f["CA"]["other"]
        for rate, eff in ((25.0, "2025-03-04"), (35.0, "2025-08-01")):
            blend = (10.0 * energy + rate * (other - energy)) / other
            self.add("camx_ieepa", "CA", "other", "rate_from_" + eff, blend, "D",
                     "WH-CAMX-2025;S4;NewsAz-2025-08-01",
                     "energy (GTAP coa oil gas p_c ely %.2f of Canada's %.2f USD bn other "
                     "cell) at 10, the rest at %g; potash (in chm) not separable"
                     % (energy, other, rate))
        for r in ("CA", "MX"):
            for s in SECTORS:
                u = USMCA_MX_VEHICLES if (r, s) == ("MX", "vehicles") else USMCA[r]
                self.add("camx_ieepa", r, s, "coverage_from_2025-03-07", 1.0 - u, "A",
                         "USTN-2025;ITT-2025-03-06",
                         "1 - the 2024 share entered under USMCA (%.3f), country-wide "
                         "except Mexico's vehicles (no sector shares found)" % u)
        assert g

    def annex_ii_and_ag(self):
        for s, codes in ANNEX_II.items():
            for r, x in self.share(codes, s).items():
                self.add("reciprocal", r, s, "coverage_annex_ii", 1.0 - x, "D",
                         "S4;BorderBuddy-2025",
                         "1 - Annex II share (GTAP %s) of the 2024 cell; KR takes JP's and VN "
                         "CN's shares (N2), ROW is S4 uk+row+ftrow less KR and VN"
                         % " ".join(codes))
        for r, x in self.share(AG_EXEMPT, "agriculture").items():
            self.add("reciprocal", r, "agriculture", "coverage_from_2025-11-13", 1.0 - x,
                     "D", "Mondaq-2025-11-ag;KPMG-2025-11;S4",
                     "1 - exempt proxy GTAP v_f ocr cmt in the 2024 cell; juices and "
                     "fertilizers not separable")

    def row_rates(self):
        uk = {s: sector_sum(self.g["uk"], None, s) for s in SECTORS}
        total = math.fsum(self.f["ROW"].values())
        rest = total - math.fsum(uk.values())
        named = math.fsum(v for _, v, _, _, _ in NAMED)
        left = rest - named
        self.add("country_rates_2025_08_07", "ROW-unlisted", "ALL", "import_weight_2024",
                 left, "D", "S4;" + ";".join(sorted({n[2] for n in NAMED})),
                 "nine-region ROW to US %.2f less the UK %.2f (S4) less the listed "
                 "countries %.2f; counted at 10: a lower bound (Indonesia, the Philippines, "
                 "Cambodia 19; Israel 15; South Africa 30; ... values not found)"
                 % (total, math.fsum(uk.values()), named))

        def rest_rate(day):
            acc = 10.0 * left
            for code, v, _, rate, _ in NAMED:
                if code == "IN" and day >= "2025-08-27":
                    rate = INDIA_FROM_27_AUG
                if code == "CH" and day >= "2025-11-14":
                    rate = SWISS_FROM_14_NOV
                acc += v * rate
            return acc / rest

        for day in ("2025-08-07", "2025-08-27", "2025-11-14"):
            r = rest_rate(day)
            self.add("reciprocal", "ROW-rest", "ALL", "rate_from_" + day, r, "D",
                     "NNR-2025;ABP-2025-08-06;Reuters-CH-2025-12-10",
                     "import-weighted rate of ROW less the UK: " + ", ".join(
                         "%s %.2f" % (n[0], n[1]) for n in NAMED) + ", the rest %.2f at 10"
                     % left)
            for s in SECTORS:
                cell = self.f["ROW"][s]
                v = (10.0 * uk[s] + r * (cell - uk[s])) / cell
                self.add("reciprocal", "ROW", s, "rate_from_" + day, v, "D",
                         "NNR-2025;S4", "(UK %.3f x 10 + rest %.3f x %.4f) / %.3f"
                         % (uk[s], cell - uk[s], r, cell))
        br = dict((n[0], n[1]) for n in NAMED)["BR"]
        for s in SECTORS:
            cell = self.f["ROW"][s]
            cov = br / rest * BRAZIL_SUBJECT * (cell - uk[s]) / cell
            self.add("brazil_ieepa", "ROW", s, "coverage_from_2025-08-06", cov, "D",
                     "cgoes-BR-2024;NNR-BR-2025-07-31;S4",
                     "Brazil %.3f of the rest %.2f, %.4f of it not excluded, times the "
                     "rest's share of the cell (Brazil's sector mix not found)"
                     % (br, rest, BRAZIL_SUBJECT))
        m_uk = uk["metals"]
        cell = self.f["ROW"]["metals"]
        v = (STEEL_ALL * (cell - m_uk) + STEEL_UK * m_uk) / cell
        self.add("s232_metals", "ROW", "metals", "rate_from_2025-06-04", v, "D",
                 "WhiteCase;S4", "(50 x (ROW %.3f - UK %.3f) + 25 x UK) / ROW"
                 % (cell, m_uk))

    def metals_232(self):
        """s232_metals coverage of each new partner's metals cell from 12 March 2025."""
        k = {}
        for code, (covered, _) in S232_CODE_SHARE.items():
            total = math.fsum(col[code] for col in self.g.values())
            k[code] = 1.0 if covered is None else covered / total
        by_code = {c: self.share((c,), "metals") for c in S232_CODE_SHARE}
        for r, col in (("CA", "canada"), ("MX", "mexico")):
            cell = sector_sum(self.g[col], None, "metals")
            for c in S232_CODE_SHARE:
                by_code[c][r] = self.g[col][c] / cell
        for r in ("CA", "MX", "JP", "KR", "VN", "ROW"):
            cov = math.fsum(k[c] * by_code[c][r] for c in S232_CODE_SHARE)
            self.metals_cov[r] = cov
            self.add("s232_metals", r, "metals", "coverage_from_2025-03-12", cov, "D",
                     "Steelradar-2025;GTAIC-2024;S4",
                     "i_s %.4f x %.4f (steel) + nfm %.4f x %.4f (aluminium) + fmp %.4f x 1 "
                     "(derivatives): the cell's 2024 GTAP shares (%s) times each code's "
                     "covered share of 2024 US imports" % (
                         by_code["i_s"][r], k["i_s"], by_code["nfm"][r], k["nfm"],
                         by_code["fmp"][r],
                         "own" if r in ("CA", "MX", "JP") else
                         "JP's" if r == "KR" else "CN's" if r == "VN" else
                         "S4 uk+row+ftrow less KR and VN"))

    def s232_late(self):
        """Copper (1 August) and trucks (1 November) as further coverage of the metals and
        autos layers, at the same rate (50, 25), and lumber (14 October) as its own layer.
        A layer with not_on covers (1 - the summed coverage of its listed layers) of its own
        coverage, so a separate copper or truck layer beside steel or cars would need a
        coverage scaled by that and would take more than its share off the reciprocal and
        IEEPA layers: one layer with the summed coverage is exact."""
        nfm = math.fsum(col["nfm"] for col in self.g.values())
        k = COPPER_SEMI / nfm
        by_nfm = self.share(("nfm",), "metals")
        for r, col in (("CA", "canada"), ("MX", "mexico")):
            by_nfm[r] = self.g[col]["nfm"] / sector_sum(self.g[col], None, "metals")
        for r in ("CA", "MX", "JP", "KR", "VN", "ROW"):
            cu = k * by_nfm[r]
            self.add("s232_metals", r, "metals", "coverage_from_2025-08-01",
                     self.metals_cov[r] + cu, "D",
                     "DeepNewz-2025-07-31;CassidyLevy-2025-07;Steelradar-2025;GTAIC-2024;S4",
                     "steel, aluminium and derivatives %.4f + copper %.4f: nfm %.4f of the "
                     "cell x %.4f (semi-finished copper %.1f of nfm %.2f USD bn, all origins, "
                     "2024)" % (self.metals_cov[r], cu, by_nfm[r], k, COPPER_SEMI, nfm))
        cell = self.f["CA"]["other"]
        self.add("s232_lumber", "CA", "other", "coverage_from_2025-10-14",
                 LUMBER_CA / cell, "D", "NAHB-2025-lumber;GAC-2025-10-14;S4",
                 "Canada's softwood lumber %.2f over its other cell %.2f USD bn (2024)"
                 % (LUMBER_CA, cell))
        for r, v in sorted(TRUCKS.items()):
            u = USMCA_MX_VEHICLES if r == "MX" else USMCA[r]
            cell = self.f[r]["vehicles"]
            t = v * (1.0 - u) / cell
            self.add("s232_autos", r, "vehicles", "coverage_from_2025-11-01",
                     AUTOS_COVERAGE + t, "D",
                     "PIIE-chart;TT-2025-09-trucks;ThompsonHine-2025-10;USTN-2025;"
                     "ITT-2025-03-06;S4",
                     "cars and parts %.2f + trucks %.4f: %.2f USD bn x (1 - USMCA share "
                     "%.3f) over the vehicles cell %.2f (2024); USMCA trucks' non-US content "
                     "not valued" % (AUTOS_COVERAGE, t, v, u, cell))

    def canada_counter(self):
        us_ca = {r["sector"]: float(r["value_usd_bn"]) for r in
                 read_csv(os.path.join(HERE, "worlds", "nine", "base_flows_2024.csv"))
                 if r["exporter"] == "US" and r["importer"] == "CA"}
        total = math.fsum(us_ca.values())
        for day, cad in (("2025-03-04", CA_PHASE1), ("2025-03-13", CA_PHASE1 + CA_OTHER)):
            self.add("counter_tariff", "US", "ALL", "coverage_from_" + day,
                     cad * CAD_USD / total, "D", "FinCan-2025-03-12;DeepNewz-2025-08-22",
                     "C$%.1f bn x %.4f USD/CAD over US-to-CA %.2f USD bn (sector lists "
                     "not valued: uniform)" % (cad, CAD_USD, total), importer="CA")
        self.add("counter_tariff_metals", "US", "metals", "coverage_from_2025-03-13",
                 min(1.0, CA_METALS * CAD_USD / us_ca["metals"]), "D",
                 "FinCan-2025-03-12;DeepNewz-2025-08-22",
                 "steel C$12.6 bn + aluminium C$3.0 bn x %.4f over US-to-CA metals %.2f"
                 % (CAD_USD, us_ca["metals"]), importer="CA")

    def build(self):
        self.camx()
        self.annex_ii_and_ag()
        self.row_rates()
        self.metals_232()
        self.s232_late()
        self.canada_counter()
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=COLS, lineterminator="\n")
        w.writeheader()
        w.writerows(self.rows)
        return buf.getvalue()


def main(argv):
    text = Build().build()
    if argv[:1] == ["--check"]:
        with open(OUT) as f:
            if f.read() != text:
                sys.stderr.write("%s differs from the build: rerun without --check\n" % OUT)
                return 1
        return 0
    with open(OUT, "w") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
