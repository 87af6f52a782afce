#!/usr/bin/python3
"""Derive the tradewar model's 2024 calibration tables from data/raw/.

Reads the sourced 2024 data in data/raw/ (a verbatim copy of the project's shared data
folder; raw/SOURCES.md resolves every source id) and writes

  data/base_flows_2024.csv  128 rows: exporter x importer x sector, USD bn, 2024
                            (exporter == importer rows are domestic absorption)
  data/sectors.csv          8 sectors with the Armington sigma and its sensitivity band
  data/regions.csv          GDP of the 4 regions
  data/rare_earth_channel_shares.csv
                            each magnet-using sector's need by channel, from the 2024
                            magnet balance (rare_earth_magnets_2024.csv, raw/rare_earths.csv)
  data/README.md            only the block between the GENERATED markers (tables of
                            derived totals and sanity checks), if the markers are there

Every number that is not read from raw/ is a named constant below, tagged with the id of
the assumption (A1..A14) that data/README.md states and justifies. The script uses the
standard library only, writes with fixed row order, fixed '%.6f' formatting and '\n' line
endings, so two runs give the same bytes.

Usage:  /usr/bin/python3 data/build_calibration.py [--world four|nine]

--world four (the default) writes the four-region files above; --world nine writes the
nine-region world (US, CN, EU, MX, CA, JP, KR, VN, ROW) into data/worlds/nine/ from the
same derivation (build_world_nine.py, world_nine_files.py) and leaves the four-region
files untouched.
"""

import csv
import math
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
RAW = os.path.join(HERE, "raw")

REGIONS = ("US", "CN", "EU", "ROW")
SECTORS = ("electronics", "machinery", "vehicles", "metals", "agriculture",
           "chemicals", "consumer", "other")

# --------------------------------------------------------------------------------------
# Assumptions (numbered as in data/README.md)
# --------------------------------------------------------------------------------------

# A1: model sectors follow the GTAP -> sector mapping of raw/SOURCES.md (S4) for every flow,
# so that all origins competing in one market share one definition: electronics includes
# HS 90 instruments and HS 84 household appliances; aircraft, ships, motorcycles and
# textiles (HS 50-60, 63) sit in "other"; copper and precious metals sit in "metals".
GTAP_TO_SECTOR = {}
for _code in ("ele", "eeq"):
    GTAP_TO_SECTOR[_code] = "electronics"
GTAP_TO_SECTOR["ome"] = "machinery"
GTAP_TO_SECTOR["mvh"] = "vehicles"
for _code in ("i_s", "nfm", "fmp"):
    GTAP_TO_SECTOR[_code] = "metals"
for _code in ("pdr wht gro v_f osd c_b ocr ctl oap fsh cmt omt vol mil pcr sgr ofd "
              "b_t").split():
    GTAP_TO_SECTOR[_code] = "agriculture"
for _code in ("chm", "bph", "rpp"):
    GTAP_TO_SECTOR[_code] = "chemicals"
for _code in ("wap", "lea", "omf"):
    GTAP_TO_SECTOR[_code] = "consumer"
for _code in ("pfb wol frs coa oil gas oxt p_c lum ppp nmm otn tex ely").split():
    GTAP_TO_SECTOR[_code] = "other"

# BEA 2024 summary commodities -> model sector. This is the mapping behind the
# import-penetration ratios of raw/macro_2024.csv (checked below: it reproduces the
# imports, output and exports quoted in their notes). Used for A8 and A11.
BEA_TO_SECTOR = {
    "111CA": "agriculture", "113FF": "agriculture", "311FT": "agriculture",
    "211": "other", "212": "other", "321": "other", "327": "other", "3364OT": "other",
    "322": "other", "323": "other", "324": "other",
    "331": "metals", "332": "metals",
    "333": "machinery",
    "334": "electronics", "335": "electronics",
    "3361MV": "vehicles",
    "313TT": "consumer", "315AL": "consumer", "337": "consumer", "339": "consumer",
    "325": "chemicals", "326": "chemicals",
}

# A2: US -> CN sector split (only the total and three items are sourced).
US_CN_SOY_SHARE_OF_AGRI = 0.55       # soybeans (S17 12.64) as a share of HS 01-24 exports
US_CN_ELEC_ALLOWANCE = 9.0           # HS 90 instruments + HS 8471 on top of HS 85 (S3 15.3)
US_CN_MINERAL_FUELS = 13.0           # HS 27 (S3: -26% y/y; level is judgement)
US_CN_OTHER_MISC = 6.0               # pulp/paper, wood, cotton, ores, stone, ships
US_CN_REMAINDER_WEIGHTS = {          # unanchored remainder; USCBC list of largest categories
    "chemicals": 0.40, "machinery": 0.25, "vehicles": 0.13, "metals": 0.12,
    "consumer": 0.10,
}

# A3: US -> EU sector split: S8 chapters as anchors, the remainder by judgement.
US_EU_REMAINDER_WEIGHTS = {
    "electronics": 0.35, "chemicals": 0.20, "metals": 0.12, "other": 0.10,
    "vehicles": 0.09, "agriculture": 0.08, "consumer": 0.06,
}

# A4: EU -> CN split of the Eurostat SITC blocks (S6).
EU_CN_SITC7_SPLIT = {"machinery": 0.42, "electronics": 0.30, "vehicles": 0.22,
                     "other": 0.06}                      # other = SITC 79 aircraft, ships
EU_CN_SITC68_SPLIT = {"metals": 0.30, "consumer": 0.22, "electronics": 0.20,
                      "other": 0.28}                     # electronics = SITC 87 instruments
EU_CN_PRIMARY_SPLIT = {"agriculture": 0.55, "other": 0.45}  # SITC 0-4 and 9 (12%)

# A6: CN -> ROW prior = mean of the CN -> US composition and the all-origin US import
# composition. A7: EU -> ROW prior = mean of the EU -> US and EU -> CN compositions.
CN_ROW_WEIGHT_ON_CN_US = 0.5
EU_ROW_WEIGHT_ON_EU_US = 0.5

# A9: composition of China's total 2024 goods imports by model sector (judgement; no
# sector breakdown of China's imports is in raw/).
CN_IMPORT_COMPOSITION = {
    "electronics": 0.26, "machinery": 0.07, "vehicles": 0.03, "metals": 0.06,
    "agriculture": 0.09, "chemicals": 0.09, "consumer": 0.02, "other": 0.38,
}

# A12: goods absorption of CN, EU and ROW = (US goods absorption / US GDP) x multiplier x
# region GDP, split over sectors with the US composition of absorption.
GOODS_INTENSITY = {"CN": 3.0, "EU": 1.5, "ROW": 1.5}

# A13: domestic share of a region-sector's absorption is at least this.
DOM_SHARE_MIN = 0.30
# A14: no flow is below this (USD bn); the CES calibration needs strictly positive flows.
FLOW_FLOOR = 0.05

README_BEGIN = "<!-- BEGIN GENERATED by build_calibration.py: do not edit by hand -->"
README_END = "<!-- END GENERATED -->"


class CalibrationError(Exception):
    pass


def require(cond, msg):
    if not cond:
        raise CalibrationError(msg)


def fmt(x):
    return "%.6f" % x


def fnum(x, nd=3):
    """Short fixed formatting for notes (no commas, no exponent)."""
    return ("%." + str(nd) + "f") % x


# --------------------------------------------------------------------------------------
# Reading raw/
# --------------------------------------------------------------------------------------

def read_csv(name):
    path = os.path.join(RAW, name)
    require(os.path.exists(path), "missing input %s" % path)
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


class Flows:
    """raw/flows_2024.csv keyed by (exporter, importer, sector label)."""

    def __init__(self):
        self.rows = read_csv("flows_2024.csv")

    def get(self, exporter, importer, label, prefix=False):
        hits = [r for r in self.rows
                if r["exporter"] == exporter and r["importer"] == importer
                and (r["sector"].startswith(label) if prefix else r["sector"] == label)]
        require(len(hits) == 1, "flows_2024.csv: expected one row %s->%s %s, got %d"
                % (exporter, importer, label, len(hits)))
        require(hits[0]["value_usd_bn"] != "", "flows_2024.csv: %s->%s %s has no value"
                % (exporter, importer, label))
        return float(hits[0]["value_usd_bn"])


class Macro:
    def __init__(self):
        self.rows = read_csv("macro_2024.csv")

    def get(self, region, variable):
        hits = [r for r in self.rows if r["region"] == region and r["variable"] == variable]
        require(len(hits) == 1 and hits[0]["value"] != "",
                "macro_2024.csv: no value for %s %s" % (region, variable))
        return float(hits[0]["value"])

    def source(self, region, variable):
        return [r for r in self.rows
                if r["region"] == region and r["variable"] == variable][0]["source_id"]


def read_gtap():
    """Unscaled S4 US imports by model sector: china, eu and the six other origins."""
    rows = read_csv("flows_2024_us_imports_gtap_raw.csv")
    others = ("canada_usd_bn", "mexico_usd_bn", "uk_usd_bn", "japan_usd_bn",
              "row_usd_bn", "ftrow_usd_bn")
    cn = dict.fromkeys(SECTORS, 0.0)
    eu = dict.fromkeys(SECTORS, 0.0)
    row = dict.fromkeys(SECTORS, 0.0)
    codes = {s: [] for s in SECTORS}
    seen = set()
    for r in rows:
        code = r["gtap_code"]
        require(code in GTAP_TO_SECTOR, "GTAP code %s not in the sector mapping" % code)
        seen.add(code)
        s = GTAP_TO_SECTOR[code]
        codes[s].append(code)
        cn[s] += float(r["china_usd_bn"])
        eu[s] += float(r["eu_usd_bn"])
        row[s] += math.fsum(float(r[c]) for c in others)
    require(seen == set(GTAP_TO_SECTOR), "GTAP mapping codes absent from the raw file: %s"
            % sorted(set(GTAP_TO_SECTOR) - seen))
    return cn, eu, row, codes


def refresh_general_equilibrium(V):
    """Rewrite the rows of general_equilibrium.csv derived from the base flows (gross output
    and absorption by region and sector, goods trade balance and import penetration by
    region), keeping every other row and the order; values to 6 decimals."""
    path = os.path.join(HERE, "general_equilibrium.csv")
    with open(path, newline="") as f:
        rows = list(csv.reader(f))

    def flow(e, i, s):
        return V[(e, i, s)]
    out = []
    for row in rows:
        if len(row) > 9 and row[8] == "base_flows_2024.csv" and row[7] == "D":
            key, r, sec = row[0], row[1], row[2]
            others = [x for x in REGIONS if x != r]
            if key == "gross_output":
                row[3] = "%.6f" % (flow(r, r, sec) + math.fsum(flow(r, o, sec) for o in others))
            elif key == "absorption":
                row[3] = "%.6f" % (flow(r, r, sec) + math.fsum(flow(o, r, sec) for o in others))
            elif key in ("goods_trade_balance", "import_penetration_goods"):
                x = math.fsum(flow(r, o, s) for o in others for s in SECTORS)
                m = math.fsum(flow(o, r, s) for o in others for s in SECTORS)
                if key == "goods_trade_balance":
                    row[3] = "%.6f" % (x - m)
                    row[9] = re.sub(r"\(exports [0-9.]+; imports [0-9.]+\)",
                                    "(exports %.1f; imports %.1f)" % (x, m), row[9])
                else:
                    dom = math.fsum(flow(r, r, s) for s in SECTORS)
                    row[3] = "%.6f" % (m / (dom + m))
        out.append(row)
    with open(path, "w", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(out)


def read_us_exports():
    """us_goods_exports_2024.csv: US goods exports 2024 by basis, USD bn."""
    out = {}
    with open(os.path.join(HERE, "us_goods_exports_2024.csv"), newline="") as f:
        for row in csv.DictReader(f):
            out[row["basis"]] = float(row["value_usd_bn"])
    require(abs(out["census"] - out["bea_io"] - out["adjustment"]) < 1e-9,
            "us_goods_exports_2024.csv: census - bea_io is not the adjustment")
    return out


def read_bea():
    """BEA 2024 summary commodity detail aggregated to model sectors, USD bn."""
    rows = read_csv("us_bea2024_import_penetration_by_commodity.csv")
    agg = {s: {"output": 0.0, "imports": 0.0, "exports": 0.0} for s in SECTORS}
    for r in rows:
        code = r["bea_code"]
        require(code in BEA_TO_SECTOR, "BEA commodity %s not in the sector mapping" % code)
        s = BEA_TO_SECTOR[code]
        agg[s]["output"] += float(r["industry_gross_output_T018"]) / 1000.0
        agg[s]["imports"] += float(r["imports_used_importmatrix"]) / 1000.0
        agg[s]["exports"] += float(r["exports_F040"]) / 1000.0
    return agg


def read_sigmas():
    rows = read_csv("elasticities.csv")
    out = {}
    for r in rows:
        if r["estimate_type"] == "RECOMMENDED_armington_sigma_2024_calibration":
            require(r["sector"] not in out, "duplicate sigma row for %s" % r["sector"])
            out[r["sector"]] = r
    require(set(out) == set(SECTORS), "elasticities.csv: recommended sigma rows missing")
    bw = {}
    for r in rows:
        if r["source_id"] == "E1" and r["sector"] in SECTORS:
            bw[r["sector"]] = float(r["value"])
    return out, bw


# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------

def round_to_total(total, vals):
    """Round to 6 decimals and put the rounding residual on the largest cell, so that the
    printed values add up to total."""
    r = {s: round(vals[s], 6) for s in SECTORS}
    resid = round(total - math.fsum(r.values()), 6)
    big = max(SECTORS, key=lambda s: (r[s], -SECTORS.index(s)))
    r[big] = round(r[big] + resid, 6)
    require(abs(math.fsum(r.values()) - total) < 1e-9, "rounding failed")
    return r


def floored_split(total, weights, floor):
    """Split total over the keys of weights in proportion; keys that would fall below
    floor get it and the others are rescaled. Returns the unrounded values and the set of
    floored keys."""
    floored = set()
    while True:
        free = [k for k in weights if k not in floored]
        rest = total - floor * len(floored)
        wsum = math.fsum(weights[k] for k in free)
        vals = {k: floor for k in floored}
        vals.update({k: rest * weights[k] / wsum for k in free})
        newly = [k for k in free if vals[k] < floor]
        if not newly:
            return vals, floored
        floored.update(newly)


def allocate(total, weights):
    """Split total over SECTORS in proportion to non-negative weights. Cells that would fall
    below FLOW_FLOOR get the floor (A14) and the others are rescaled. Returns the rounded
    values (summing exactly to total) and the set of floored sectors."""
    w = {s: float(weights.get(s, 0.0)) for s in SECTORS}
    require(all(v >= 0.0 for v in w.values()) and sum(w.values()) > 0.0,
            "allocate: bad weights %r" % w)
    vals, floored = floored_split(total, w, FLOW_FLOOR)
    return round_to_total(total, vals), floored


def shares(d):
    t = math.fsum(d[s] for s in SECTORS)
    return {s: d[s] / t for s in SECTORS}


# --------------------------------------------------------------------------------------
# The derivation
# --------------------------------------------------------------------------------------

def build():
    fl = Flows()
    mac = Macro()
    gt_cn, gt_eu, gt_row, gt_codes = read_gtap()
    bea = read_bea()

    V = {}       # (exp, imp, sector) -> value
    A = {}       # (exp, imp, sector) -> assumption id
    N = {}       # (exp, imp, sector) -> note
    floors = []  # text lines for the README

    def put(exp, imp, vals, ids, notes, floored=()):
        for s in SECTORS:
            V[(exp, imp, s)] = vals[s]
            A[(exp, imp, s)] = "A14" if s in floored else ids[s]
            note = notes[s]
            if s in floored:
                note = "floored at %s (A14); prior %s" % (fnum(FLOW_FLOOR, 2), note)
                floors.append("%s->%s %s" % (exp, imp, s))
            N[(exp, imp, s)] = note

    # ---- sourced totals -------------------------------------------------------------
    T_CN_US = fl.get("CN", "US", "total")                       # 438.947 S1
    T_EU_US = fl.get("EU", "US", "total_us_reported")           # 605.8 S8
    T_US_CN = fl.get("US", "CN", "total")                       # 143.546 S2
    T_US_EU = fl.get("US", "EU", "total_us_reported")           # 370.2 S8
    T_CN_EU = fl.get("CN", "EU", "total_eurostat")              # 560.467 S6
    T_EU_CN = fl.get("EU", "CN", "total_eurostat")              # 230.876 S6
    T_CN_X = fl.get("CN", "WORLD", "total")                     # 3580 S10
    T_CN_M = fl.get("WORLD", "CN", "total")                     # 2585.067 S9
    T_EU_X = fl.get("EU", "WORLD", "total_extraEU_exports")     # 2793.223 S6
    T_EU_M = fl.get("WORLD", "EU", "total_extraEU_imports")     # 2631.299 S6
    T_US_X_IO = mac.get("US", "goods_exports_IO_basis_purchaser")  # 1620.847 S5
    us_x = read_us_exports()
    T_US_X = us_x["census"]                                        # 2064.5 Census-2024
    require(abs(us_x["bea_io"] - T_US_X_IO) < 1e-9, "BEA IO export totals disagree")
    T_US_M_IFC = fl.get("WORLD", "US", "total_imports_for_consumption_customs")
    T_US_M_IO = fl.get("WORLD", "US", "total_goods_imports_IO_basis")
    require(abs(T_US_M_IO - mac.get("US", "goods_imports_total_IO_basis")) < 1e-9,
            "IO import totals disagree")
    require(abs(T_CN_X - mac.get("CN", "goods_exports_total")) < 1e-9, "CN exports disagree")
    require(abs(T_CN_M - mac.get("CN", "goods_imports_total")) < 1e-9, "CN imports disagree")
    require(abs(T_EU_X - mac.get("EU", "extraEU_goods_exports_usd")) < 1e-3, "EU X disagree")
    require(abs(T_EU_M - mac.get("EU", "extraEU_goods_imports_usd")) < 1e-3, "EU M disagree")

    # ---- raw GTAP consistency with flows_2024.csv -----------------------------------
    raw_cn_sum = math.fsum(gt_cn.values())
    raw_eu_sum = math.fsum(gt_eu.values())
    for s in SECTORS:
        w = fl.get("WORLD", "US", s)
        require(abs(gt_cn[s] + gt_eu[s] + gt_row[s] - w) < 2e-3,
                "GTAP raw does not add up to WORLD->US %s" % s)
    require(abs(raw_cn_sum + raw_eu_sum + math.fsum(gt_row.values()) - T_US_M_IFC) < 2e-3,
            "GTAP raw total differs from 3123.773")

    # ---- CN->US and EU->US (D): S4 raw x (Census general imports / S4 sum) -----------
    for exp, raw, rsum, total, tsrc in (("CN", gt_cn, raw_cn_sum, T_CN_US, "S1"),
                                        ("EU", gt_eu, raw_eu_sum, T_EU_US, "S8")):
        k = total / rsum
        vals = {s: raw[s] * k for s in SECTORS}
        for s in SECTORS:
            require(abs(vals[s] - fl.get(exp, "US", s)) < 2e-3,
                    "rescaled %s->US %s differs from flows_2024.csv" % (exp, s))
        vals, fset = allocate(total, vals)
        notes = {s: "S4 raw imports for consumption %s (%s) x %s/%s (%s general imports / "
                    "S4 sum) = flows_2024.csv row %s at full precision"
                    % (fnum(raw[s], 4), "+".join(gt_codes[s]), fnum(total), fnum(rsum, 4),
                       tsrc, fnum(fl.get(exp, "US", s)))
                 for s in SECTORS}
        put(exp, "US", vals, dict.fromkeys(SECTORS, "D"), notes, fset)

    # ---- ROW->US (D): WORLD - raw CN - raw EU = the other six S4 origins, unscaled ------
    vals, fset = allocate(math.fsum(gt_row.values()), gt_row)
    notes = {s: "S4 WORLD->US %s - raw CN %s - raw EU %s (canada+mexico+uk+japan+row+ftrow;"
                " imports for consumption; unscaled)"
                % (fnum(fl.get("WORLD", "US", s)), fnum(gt_cn[s], 4), fnum(gt_eu[s], 4))
             for s in SECTORS}
    put("ROW", "US", vals, dict.fromkeys(SECTORS, "D"), notes, fset)

    # ---- US->CN (A2) -----------------------------------------------------------------
    hs85 = fl.get("US", "CN", "electronics_HS85_only")
    soy = fl.get("US", "CN", "agriculture_HS1201_soybeans_only")
    aero = fl.get("US", "CN", "other_HS88_aerospace_only")
    v = {}
    v["agriculture"] = soy / US_CN_SOY_SHARE_OF_AGRI
    v["electronics"] = hs85 + US_CN_ELEC_ALLOWANCE
    v["other"] = aero + US_CN_MINERAL_FUELS + US_CN_OTHER_MISC
    rem = T_US_CN - v["agriculture"] - v["electronics"] - v["other"]
    require(rem > 0, "US->CN anchors exceed the total")
    require(abs(math.fsum(US_CN_REMAINDER_WEIGHTS.values()) - 1.0) < 1e-12, "A2 weights")
    for s, w in US_CN_REMAINDER_WEIGHTS.items():
        v[s] = rem * w
    vals, fset = allocate(T_US_CN, v)
    notes = {
        "agriculture": "S17 soybeans %s / assumed soybean share %s of HS01-24 farm exports"
                       % (fnum(soy, 2), fnum(US_CN_SOY_SHARE_OF_AGRI, 2)),
        "electronics": "S3 HS85 %s + %s judgement allowance for HS90 instruments and HS8471"
                       " (A1 definition)" % (fnum(hs85, 1), fnum(US_CN_ELEC_ALLOWANCE, 1)),
        "other": "S3 aerospace %s + mineral fuels %s (judgement; S3 -26%% y/y) + %s pulp/"
                 "wood/cotton/ores/misc (judgement)"
                 % (fnum(aero, 1), fnum(US_CN_MINERAL_FUELS, 1), fnum(US_CN_OTHER_MISC, 1)),
    }
    for s, w in US_CN_REMAINDER_WEIGHTS.items():
        notes[s] = ("share %s of the unanchored remainder %s = S2 total %s - anchors "
                    "(judgement from the USCBC largest-category list)"
                    % (fnum(w, 2), fnum(rem), fnum(T_US_CN)))
    put("US", "CN", vals, dict.fromkeys(SECTORS, "A2"), notes, fset)

    # ---- US->EU (A3) -----------------------------------------------------------------
    hs27 = fl.get("US", "EU", "other_HS27_mineral_fuels_only")
    hs30 = fl.get("US", "EU", "chemicals_HS30_pharma_only")
    hs84 = fl.get("US", "EU", "machinery_HS84_incl8471_only")
    hs88 = fl.get("US", "EU", "other_HS88_aircraft_only")
    rem = T_US_EU - hs27 - hs30 - hs84 - hs88
    require(rem > 0, "US->EU anchors exceed the total")
    require(abs(math.fsum(US_EU_REMAINDER_WEIGHTS.values()) - 1.0) < 1e-12, "A3 weights")
    v = dict.fromkeys(SECTORS, 0.0)
    v["other"] += hs27 + hs88
    v["chemicals"] += hs30
    v["machinery"] += hs84
    for s, w in US_EU_REMAINDER_WEIGHTS.items():
        v[s] += rem * w
    vals, fset = allocate(T_US_EU, v)
    rem_note = "of the remainder %s = S8 total %s - HS27 - HS30 - HS84 - HS88" % (
        fnum(rem), fnum(T_US_EU, 1))
    notes = {}
    for s in SECTORS:
        w = US_EU_REMAINDER_WEIGHTS.get(s, 0.0)
        if s == "other":
            notes[s] = "S8 HS27 %s + HS88 %s + share %s %s" % (
                fnum(hs27, 1), fnum(hs88, 1), fnum(w, 2), rem_note)
        elif s == "chemicals":
            notes[s] = "S8 HS30 %s + share %s %s" % (fnum(hs30, 1), fnum(w, 2), rem_note)
        elif s == "machinery":
            notes[s] = "S8 HS84 %s (incl. HS8471; taken as offsetting ome items outside " \
                       "HS84); no share of the remainder" % fnum(hs84, 1)
        else:
            notes[s] = "share %s %s (judgement)" % (fnum(w, 2), rem_note)
    put("US", "EU", vals, dict.fromkeys(SECTORS, "A3"), notes, fset)

    # ---- EU->CN (A4) -----------------------------------------------------------------
    s7 = fl.get("EU", "CN", "SITC7_", prefix=True)
    s5 = fl.get("EU", "CN", "SITC5_", prefix=True)
    s68 = fl.get("EU", "CN", "SITC6+8_", prefix=True)
    prim = T_EU_CN - s7 - s5 - s68
    require(prim > 0, "EU->CN SITC blocks exceed the total")
    for d in (EU_CN_SITC7_SPLIT, EU_CN_SITC68_SPLIT, EU_CN_PRIMARY_SPLIT):
        require(abs(math.fsum(d.values()) - 1.0) < 1e-12, "A4 weights")
    v = dict.fromkeys(SECTORS, 0.0)
    parts = {s: [] for s in SECTORS}
    for block, amount, split in (("SITC7", s7, EU_CN_SITC7_SPLIT),
                                 ("SITC6+8", s68, EU_CN_SITC68_SPLIT),
                                 ("SITC0-4+9 remainder", prim, EU_CN_PRIMARY_SPLIT)):
        for s, w in split.items():
            v[s] += amount * w
            parts[s].append("%s x %s %s" % (fnum(w, 2), block, fnum(amount)))
    v["chemicals"] += s5
    parts["chemicals"].append("SITC5 %s" % fnum(s5))
    vals, fset = allocate(T_EU_CN, v)
    notes = {s: "S6 shares x total %s: %s" % (fnum(T_EU_CN), " + ".join(parts[s]))
             for s in SECTORS}
    put("EU", "CN", vals, dict.fromkeys(SECTORS, "A4"), notes, fset)

    # ---- CN->EU (A5): CN->US composition ----------------------------------------------
    sh_cnus = shares({s: V[("CN", "US", s)] for s in SECTORS})
    vals, fset = allocate(T_CN_EU, sh_cnus)
    notes = {s: "S6 total %s x CN->US share %s" % (fnum(T_CN_EU), fnum(sh_cnus[s], 4))
             for s in SECTORS}
    put("CN", "EU", vals, dict.fromkeys(SECTORS, "A5"), notes, fset)

    # ---- CN->ROW (A6) ----------------------------------------------------------------
    t = T_CN_X - T_CN_US - T_CN_EU
    sh_wus = shares({s: fl.get("WORLD", "US", s) for s in SECTORS})
    a = CN_ROW_WEIGHT_ON_CN_US
    prior = {s: a * sh_cnus[s] + (1.0 - a) * sh_wus[s] for s in SECTORS}
    vals, fset = allocate(t, prior)
    notes = {s: "(S10 %s - CN->US %s - CN->EU %s) x prior %s = %s x CN->US share %s + %s x "
                "WORLD->US share %s" % (fnum(T_CN_X, 1), fnum(T_CN_US), fnum(T_CN_EU),
                                        fnum(prior[s], 4), fnum(a, 2), fnum(sh_cnus[s], 4),
                                        fnum(1.0 - a, 2), fnum(sh_wus[s], 4))
             for s in SECTORS}
    put("CN", "ROW", vals, dict.fromkeys(SECTORS, "A6"), notes, fset)

    # ---- EU->ROW (A7) ----------------------------------------------------------------
    t = T_EU_X - T_EU_US - T_EU_CN
    sh_euus = shares({s: V[("EU", "US", s)] for s in SECTORS})
    sh_eucn = shares({s: V[("EU", "CN", s)] for s in SECTORS})
    a = EU_ROW_WEIGHT_ON_EU_US
    prior = {s: a * sh_euus[s] + (1.0 - a) * sh_eucn[s] for s in SECTORS}
    vals, fset = allocate(t, prior)
    notes = {s: "(S6 extra-EU exports %s - EU->US %s - EU->CN %s) x prior %s = %s x EU->US "
                "share %s + %s x EU->CN share %s"
                % (fnum(T_EU_X), fnum(T_EU_US, 1), fnum(T_EU_CN), fnum(prior[s], 4),
                   fnum(a, 2), fnum(sh_euus[s], 4), fnum(1.0 - a, 2), fnum(sh_eucn[s], 4))
             for s in SECTORS}
    put("EU", "ROW", vals, dict.fromkeys(SECTORS, "A7"), notes, fset)

    # ---- US->ROW (A8): Census total - US->CN - US->EU; by sector, BEA exports by sector -
    # US->CN - US->EU as the prior ------------------------------------------------------
    t = T_US_X - T_US_CN - T_US_EU
    require(abs(math.fsum(bea[s]["exports"] for s in SECTORS) - T_US_X_IO) < 1e-6,
            "BEA commodity exports do not add to the IO export total")
    raw = {s: bea[s]["exports"] - V[("US", "CN", s)] - V[("US", "EU", s)] for s in SECTORS}
    vals, fset = allocate(t, {s: max(raw[s], 0.0) for s in SECTORS})
    notes = {s: "Census-2024 total %s = %s - %s - %s; by sector the prior S5 BEA 2024 exports "
                "F040 of the sector %s - US->CN %s - US->EU %s"
                % (fnum(t), fnum(T_US_X, 1), fnum(T_US_CN), fnum(T_US_EU, 1),
                   fnum(bea[s]["exports"]), fnum(V[("US", "CN", s)]), fnum(V[("US", "EU", s)]))
             for s in SECTORS}
    put("US", "ROW", vals, dict.fromkeys(SECTORS, "A8"), notes, fset)

    # ---- ROW->CN (A9) ----------------------------------------------------------------
    t = T_CN_M - T_US_CN - T_EU_CN
    require(abs(math.fsum(CN_IMPORT_COMPOSITION.values()) - 1.0) < 1e-12, "A9 weights")
    raw = {s: CN_IMPORT_COMPOSITION[s] * T_CN_M - V[("US", "CN", s)] - V[("EU", "CN", s)]
           for s in SECTORS}
    vals, fset = allocate(t, {s: max(raw[s], 0.0) for s in SECTORS})
    notes = {s: "S9 imports %s x assumed China import share %s - US->CN %s - EU->CN %s"
                % (fnum(T_CN_M), fnum(CN_IMPORT_COMPOSITION[s], 2), fnum(V[("US", "CN", s)]),
                   fnum(V[("EU", "CN", s)]))
             for s in SECTORS}
    put("ROW", "CN", vals, dict.fromkeys(SECTORS, "A9"), notes, fset)

    # ---- ROW->EU (A10): ROW->US composition --------------------------------------------
    t = T_EU_M - T_US_EU - T_CN_EU
    sh_rowus = shares({s: V[("ROW", "US", s)] for s in SECTORS})
    vals, fset = allocate(t, sh_rowus)
    notes = {s: "(S6 extra-EU imports %s - US->EU %s - CN->EU %s) x ROW->US share %s"
                % (fnum(T_EU_M), fnum(T_US_EU, 1), fnum(T_CN_EU), fnum(sh_rowus[s], 4))
             for s in SECTORS}
    put("ROW", "EU", vals, dict.fromkeys(SECTORS, "A10"), notes, fset)

    # ---- imports by region and sector ------------------------------------------------
    def imports(r, s):
        return math.fsum(V[(e, r, s)] for e in REGIONS if e != r)

    # ---- US domestic absorption (A11) ------------------------------------------------
    pen = {s: mac.get("US", "import_penetration_%s_basic" % s) for s in SECTORS}
    for s in SECTORS:
        b = bea[s]
        p = b["imports"] / (b["output"] + b["imports"] - b["exports"])
        require(abs(p - pen[s]) < 6e-5, "BEA mapping does not reproduce penetration of %s" % s)
    absorb = {"US": {}}
    dom_vals, dom_notes, dom_ids = {}, {}, {}
    for s in SECTORS:
        m = imports("US", s)
        absorb["US"][s] = m / pen[s]
        dom_vals[s] = absorb["US"][s] - m
        dom_ids[s] = "A11"
        dom_notes[s] = ("US imports in this file %s (CN+EU+ROW) / S5 basic import penetration"
                        " %s = absorption %s; domestic = absorption - imports"
                        % (fnum(m), fnum(pen[s], 4), fnum(absorb["US"][s])))
    for s in SECTORS:
        V[("US", "US", s)] = round(dom_vals[s], 6)
        A[("US", "US", s)] = dom_ids[s]
        N[("US", "US", s)] = dom_notes[s]

    gdp = {"US": mac.get("US", "gdp_nominal_2024"),
           "CN": mac.get("CN", "gdp_nominal_2024_usd"),
           "EU": mac.get("EU", "gdp_nominal_2024_usd"),
           "ROW": mac.get("ROW", "gdp_nominal_2024_usd")}
    us_abs_total = math.fsum(absorb["US"].values())
    us_ratio = us_abs_total / gdp["US"]
    us_comp = {s: absorb["US"][s] / us_abs_total for s in SECTORS}

    # ---- CN, EU, ROW domestic absorption (A12, A13) -------------------------------------
    dom_floored = []
    for r in ("CN", "EU", "ROW"):
        absorb[r] = {}
        total_abs = us_ratio * GOODS_INTENSITY[r] * gdp[r]
        for s in SECTORS:
            a_rs = total_abs * us_comp[s]
            m = imports(r, s)
            d = a_rs - m
            base = ("GDP %s x US absorption/GDP %s x goods intensity %s x US sector share %s"
                    " = absorption %s - imports %s"
                    % (fnum(gdp[r], 1), fnum(us_ratio, 4), fnum(GOODS_INTENSITY[r], 2),
                       fnum(us_comp[s], 4), fnum(a_rs), fnum(m)))
            dmin = DOM_SHARE_MIN / (1.0 - DOM_SHARE_MIN) * m
            if d < dmin:
                d = dmin
                A[(r, r, s)] = "A13"
                N[(r, r, s)] = ("domestic share floored at %s of absorption (A13): imports %s"
                                " x %s/%s; prior (A12) %s"
                                % (fnum(DOM_SHARE_MIN, 2), fnum(m), fnum(DOM_SHARE_MIN, 2),
                                   fnum(1.0 - DOM_SHARE_MIN, 2), base))
                dom_floored.append("%s %s" % (r, s))
            else:
                A[(r, r, s)] = "A12"
                N[(r, r, s)] = base
            d = max(d, FLOW_FLOOR)
            V[(r, r, s)] = round(d, 6)
            absorb[r][s] = V[(r, r, s)] + m

    # ---- final checks ---------------------------------------------------------------
    for key, val in V.items():
        require(val > 0.0, "non-positive value %r %r" % (key, val))
        require("," not in N[key] and '"' not in N[key], "note with comma or quote %r" % (key,))

    ctx = dict(V=V, A=A, N=N, gdp=gdp, absorb=absorb, us_ratio=us_ratio, us_comp=us_comp,
               pen=pen, bea=bea, floors=floors, dom_floored=dom_floored,
               T=dict(CN_US=T_CN_US, EU_US=T_EU_US, US_CN=T_US_CN, US_EU=T_US_EU,
                      CN_EU=T_CN_EU, EU_CN=T_EU_CN, CN_X=T_CN_X, CN_M=T_CN_M, EU_X=T_EU_X,
                      EU_M=T_EU_M, US_X=T_US_X, US_M_IFC=T_US_M_IFC, US_M_IO=T_US_M_IO),
               gt_cn=gt_cn, gt_eu=gt_eu, mac=mac)
    return ctx


# --------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------

def write_csv(path, header, rows):
    tmp = path + ".tmp"
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        w.writerow(header)
        for r in rows:
            w.writerow(r)
    os.replace(tmp, path)


def write_outputs(ctx):
    V, A, N = ctx["V"], ctx["A"], ctx["N"]
    rows = []
    for e in REGIONS:
        for i in REGIONS:
            for s in SECTORS:
                rows.append([e, i, s, fmt(V[(e, i, s)]), A[(e, i, s)], N[(e, i, s)]])
    write_csv(os.path.join(HERE, "base_flows_2024.csv"),
              ["exporter", "importer", "sector", "value_usd_bn", "assumption", "note"], rows)

    sig, bw = read_sigmas()
    rows = []
    for s in SECTORS:
        r = sig[s]
        sigma = float(r["value"])
        require(sigma > 1.0, "sigma <= 1 for %s" % s)
        note = ("%s; trade elasticity = sigma - 1 = %s; Broda-Weinstein US median %s"
                % (r["note"], fnum(sigma - 1.0, 2), fnum(bw[s], 2)))
        require("," not in note, "comma in sigma note")
        rows.append([s, fmt(sigma), fmt(float(r["low"])), fmt(float(r["high"])),
                     r["source_id"], note])
    write_csv(os.path.join(HERE, "sectors.csv"),
              ["sector", "sigma", "sigma_low", "sigma_high", "source", "note"], rows)

    mac = ctx["mac"]
    notes = {
        "US": ("US", "gdp_nominal_2024",
               "BEA 2024 summary Use table value added (IO-consistent GDP)"),
        "CN": ("CN", "gdp_nominal_2024_usd",
               "NBS 134.9 trillion yuan as converted by China Daily"),
        "EU": ("EU", "gdp_nominal_2024_usd", "EU27; IMF estimate as quoted (weak)"),
        "ROW": ("ROW", "gdp_nominal_2024_usd",
                "world 111300 (S13) - US - CN - EU; mixed vintages; rough"),
    }
    rows = []
    for r in REGIONS:
        reg, var, note = notes[r]
        rows.append([r, fmt(ctx["gdp"][r]), mac.source(reg, var), note])
    write_csv(os.path.join(HERE, "regions.csv"), ["region", "gdp_usd_bn", "source", "note"],
              rows)


def bilateral_table(V, regions):
    """The markdown lines of the exporter x importer totals, with foreign exports and
    imports."""
    def tot(e, i):
        return math.fsum(V[(e, i, s)] for s in SECTORS)
    lines = ["| exporter \\ importer | " + " | ".join(regions) + " | exports (foreign) |",
             "| --- | " + " | ".join("---:" for _ in regions) + " | ---: |"]
    for e in regions:
        x = math.fsum(tot(e, i) for i in regions if i != e)
        lines.append("| %s | " % e + " | ".join("%.1f" % tot(e, i) for i in regions)
                     + " | %.1f |" % x)
    lines.append("| imports (foreign) | " + " | ".join(
        "%.1f" % math.fsum(tot(e, i) for e in regions if e != i) for i in regions) + " | |")
    return lines


def summary_markdown(ctx):
    V, T, absorb = ctx["V"], ctx["T"], ctx["absorb"]
    out = []
    p = out.append

    def tot(e, i):
        return math.fsum(V[(e, i, s)] for s in SECTORS)

    p("### Bilateral totals (USD bn, 2024; diagonal = domestic absorption)")
    p("")
    out += bilateral_table(V, REGIONS)
    p("")

    p("### Totals reproduced (file vs source)")
    p("")
    p("| identity | in the file | sourced | source |")
    p("| --- | ---: | ---: | --- |")
    checks = [
        ("CN->US", tot("CN", "US"), T["CN_US"], "S1"),
        ("EU->US", tot("EU", "US"), T["EU_US"], "S8"),
        ("US->CN", tot("US", "CN"), T["US_CN"], "S2"),
        ("US->EU", tot("US", "EU"), T["US_EU"], "S8"),
        ("EU->CN", tot("EU", "CN"), T["EU_CN"], "S6"),
        ("CN->EU", tot("CN", "EU"), T["CN_EU"], "S6"),
        ("CN exports to US+EU+ROW", tot("CN", "US") + tot("CN", "EU") + tot("CN", "ROW"),
         T["CN_X"], "S10"),
        ("CN imports from US+EU+ROW", tot("US", "CN") + tot("EU", "CN") + tot("ROW", "CN"),
         T["CN_M"], "S9"),
        ("extra-EU exports", tot("EU", "US") + tot("EU", "CN") + tot("EU", "ROW"), T["EU_X"],
         "S6 (D)"),
        ("extra-EU imports", tot("US", "EU") + tot("CN", "EU") + tot("ROW", "EU"), T["EU_M"],
         "S6 (D)"),
        ("US exports (Census basis)", tot("US", "CN") + tot("US", "EU") + tot("US", "ROW"),
         T["US_X"], "Census-2024"),
    ]
    for name, a, b, src in checks:
        p("| %s | %.3f | %.3f | %s |" % (name, a, b, src))
    us_m = tot("CN", "US") + tot("EU", "US") + tot("ROW", "US")
    p("| US imports from CN+EU+ROW | %.3f | %.3f customs, imports for consumption; %.3f IO "
      "basis | S4; S5 |" % (us_m, T["US_M_IFC"], T["US_M_IO"]))
    p("")
    p("US imports in the file exceed the S4 customs total by %.3f: the CN and EU rows are "
      "scaled up to general imports (+%.3f and +%.3f) while ROW->US stays on the "
      "imports-for-consumption basis (%.3f)."
      % (us_m - T["US_M_IFC"], T["CN_US"] - math.fsum(ctx["gt_cn"].values()),
         T["EU_US"] - math.fsum(ctx["gt_eu"].values()), tot("ROW", "US")))
    p("")

    p("### Domestic share of absorption (domestic / (domestic + imports from the other "
      "three regions))")
    p("")
    p("| region | " + " | ".join(SECTORS) + " | all goods | absorption USD bn |")
    p("| --- | " + " | ".join("---:" for _ in SECTORS) + " | ---: | ---: |")
    for r in REGIONS:
        cells = []
        for s in SECTORS:
            cells.append("%.1f%%" % (100.0 * V[(r, r, s)] / absorb[r][s]))
        a = math.fsum(absorb[r].values())
        d = math.fsum(V[(r, r, s)] for s in SECTORS)
        p("| %s | " % r + " | ".join(cells) + " | %.1f%% | %.0f |" % (100.0 * d / a, a))
    p("")
    p("US goods absorption / US GDP = %.4f (A12 base ratio)." % ctx["us_ratio"])
    p("")
    p("Implied goods output (domestic absorption + exports to the other three regions) "
      "relative to GDP:")
    p("")
    p("| region | output USD bn | GDP USD bn | output / GDP |")
    p("| --- | ---: | ---: | ---: |")
    for r in REGIONS:
        d = math.fsum(V[(r, r, s)] for s in SECTORS)
        x = math.fsum(tot(r, i) for i in REGIONS if i != r)
        p("| %s | %.0f | %.0f | %.3f |" % (r, d + x, ctx["gdp"][r], (d + x) / ctx["gdp"][r]))
    p("")

    p("### US tariff base weights (sector shares of US imports by origin, 2024)")
    p("")
    p("| sector | from CN USD bn | CN share | from EU USD bn | EU share | from ROW USD bn |"
      " ROW share | CN share of US imports of the sector |")
    p("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for s in SECTORS:
        c, e, w = V[("CN", "US", s)], V[("EU", "US", s)], V[("ROW", "US", s)]
        p("| %s | %.3f | %.2f%% | %.3f | %.2f%% | %.3f | %.2f%% | %.1f%% |"
          % (s, c, 100 * c / tot("CN", "US"), e, 100 * e / tot("EU", "US"), w,
             100 * w / tot("ROW", "US"), 100 * c / (c + e + w)))
    p("")

    p("### China's imports by sector and the US share of them")
    p("")
    p("| sector | from US | from EU | from ROW | US share |")
    p("| --- | ---: | ---: | ---: | ---: |")
    for s in SECTORS:
        u, e, w = V[("US", "CN", s)], V[("EU", "CN", s)], V[("ROW", "CN", s)]
        p("| %s | %.3f | %.3f | %.3f | %.1f%% |" % (s, u, e, w, 100 * u / (u + e + w)))
    p("")

    p("### Floors that bind")
    p("")
    p("- flows floored at %.2f (A14): %s" % (FLOW_FLOOR, ", ".join(ctx["floors"]) or "none"))
    p("- domestic shares floored at %.0f%% (A13): %s"
      % (100 * DOM_SHARE_MIN, ", ".join(ctx["dom_floored"]) or "none"))
    return "\n".join(out) + "\n"


def update_readme(ctx):
    path = os.path.join(HERE, "README.md")
    if not os.path.exists(path):
        return False
    with open(path, encoding="utf-8") as f:
        text = f.read()
    b = text.find(README_BEGIN)
    e = text.find(README_END)
    if b < 0 or e < b:
        return False
    new = text[:b + len(README_BEGIN)] + "\n\n" + summary_markdown(ctx) + "\n" + text[e:]
    if new != text:
        tmp = path + ".tmp"
        with open(tmp, "w", encoding="utf-8", newline="\n") as f:
            f.write(new)
        os.replace(tmp, path)
    return True


# --------------------------------------------------------------------------------------
# Rare-earth magnet channels (data/README.md, "rare_earth_channel_shares.csv")
# --------------------------------------------------------------------------------------

RE_SECTORS = ("electronics", "machinery", "vehicles")  # the magnet users (A15)


def read_data_csv(name):
    """A hand-kept table in data/ (not raw/)."""
    path = os.path.join(HERE, name)
    require(os.path.exists(path), "missing input %s" % path)
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def rare_earth_channels(ctx):
    """Each magnet-using sector's need by channel at the start of 2024 trade.

    The magnet balance of the United States: vehicle makers need production x NdFeB per
    vehicle (rare earths per vehicle / rare-earth share of the magnet's mass; electric
    and combustion cars); the other sectors' need follows from the relative intensities of
    rare_earth_sectors.csv (A15) times 2024 gross output; makers outside China supply 1 -
    China's share of sintered output; bare magnets from China are China's 2024 exports to
    the US; the rest of the need arrives inside imported motors and parts. One embedded
    share for all sectors and regions: the data found do not split it further (the EU and
    the rest of the world take the US figure). Returns the rows of
    rare_earth_channel_shares.csv and the balance, at the central values and at the low
    and high ends of the need."""
    raw = {}
    for r in read_data_csv("rare_earth_magnets_2024.csv"):
        raw[r["quantity"]] = r
    re24 = {r["quantity"]: r for r in read_csv("rare_earths.csv")}
    sec = {r["sector"]: float(r["intensity"]) for r in read_data_csv("rare_earth_sectors.csv")}
    outside = {}
    for r in read_data_csv("rare_earth_channels.csv"):
        if r["parameter"] == "share_of_need_outside_controls":
            outside[r["sector"]] = float(r["value"])
    require(set(outside) == set(RE_SECTORS),
            "rare_earth_channels.csv: expected an outside-scope share for %s" % (RE_SECTORS,))
    exports_us = float(re24["china_magnet_exports_us_2024_monthly"]["value"]) * 12.0
    non_china = 1.0 - float(re24["china_share_magnets"]["value"]) / 100.0
    go = {s: math.fsum(v for (e, i, t), v in ctx["V"].items() if e == "US" and t == s)
          for s in RE_SECTORS}
    w = {s: sec[s] * go[s] for s in RE_SECTORS}

    def num(q, col):
        return float(raw[q][col])

    def balance(col_prod, col_ev, col_ratio, col_mass):
        kg_ev = num("ree_kg_per_ev", col_ev) / num("ree_mass_share_of_ndfeb", col_mass)
        kg_ice = kg_ev / num("ev_to_combustion_ree_ratio", col_ratio)
        ev = num("ev_share_of_vehicles_2024", "value")
        need_veh = num("vehicle_production_2024", col_prod) * (ev * kg_ev + (1 - ev) * kg_ice)
        need_veh /= 1000.0  # tonnes
        need_all = need_veh * math.fsum(w.values()) / w["vehicles"]
        emb = 1.0 - non_china - exports_us / need_all
        return dict(kg_ev=kg_ev, kg_ice=kg_ice, need_veh=need_veh, need_all=need_all,
                    embedded=emb)

    mid = balance("value", "value", "value", "value")
    low = balance("low", "low", "high", "high")
    high = balance("high", "high", "low", "low")
    for b in (mid, low, high):
        require(0.0 <= b["embedded"] < 1.0 - non_china,
                "rare-earth balance: embedded share %.3f out of range" % b["embedded"])
    rows = []
    for s in RE_SECTORS:
        bare = 1.0 - mid["embedded"] - non_china
        ch = dict(licensed_china=bare * (1.0 - outside[s]), outside_scope=bare * outside[s],
                  embedded=mid["embedded"], non_china=non_china)
        require(abs(math.fsum(ch.values()) - 1.0) < 1e-12,
                "rare-earth channels of %s do not add to 1" % s)
        rows.append(dict(sector=s, outside_share_of_bare=outside[s], **ch))
    return dict(rows=rows, mid=mid, low=low, high=high, exports_us=exports_us,
                non_china=non_china, weights=w)


def write_rare_earth_channels(ctx):
    rc = rare_earth_channels(ctx)
    ctx["re_channels"] = rc
    path = os.path.join(HERE, "rare_earth_channel_shares.csv")
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        f.write("sector,licensed_china,outside_scope,embedded,non_china,embedded_low,"
                "embedded_high,outside_share_of_bare\n")
        for r in rc["rows"]:
            f.write("%s,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f\n"
                    % (r["sector"], r["licensed_china"], r["outside_scope"], r["embedded"],
                       r["non_china"], rc["low"]["embedded"], rc["high"]["embedded"],
                       r["outside_share_of_bare"]))
    os.replace(tmp, path)
    m = rc["mid"]
    sys.stdout.write(
        "rare-earth balance (US, 2024): NdFeB %.2f kg per electric and %.2f per combustion "
        "vehicle; vehicle need %.0f t, all magnet users %.0f t; China's bare magnets %.0f t; "
        "embedded share %.3f (%.3f to %.3f)\n"
        % (m["kg_ev"], m["kg_ice"], m["need_veh"], m["need_all"], rc["exports_us"],
           m["embedded"], rc["low"]["embedded"], rc["high"]["embedded"]))


def main_nine():
    """The nine-region world (data/worlds/nine/), split from the four-region derivation."""
    import build_world_nine
    import world_nine_files
    bc = build_world_nine.bc  # this file as a module: one CalibrationError class
    try:
        w = build_world_nine.Nine(bc.build()).build()
        text = world_nine_files.write_all(w)
    except bc.CalibrationError as exc:
        sys.stderr.write("build_calibration.py: error: %s\n" % exc)
        return 1
    sys.stdout.write(text)
    return 0


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    world = "four"
    if argv[:1] == ["--world"] and len(argv) == 2 and argv[1] in ("four", "nine"):
        world = argv[1]
    elif argv:
        sys.stderr.write("usage: build_calibration.py [--world four|nine]\n")
        return 2
    if world == "nine":
        return main_nine()
    try:
        ctx = build()
        write_outputs(ctx)
        write_rare_earth_channels(ctx)
        refresh_general_equilibrium({k: float(fmt(v)) for k, v in ctx["V"].items()})
        updated = update_readme(ctx)
    except CalibrationError as exc:
        sys.stderr.write("build_calibration.py: error: %s\n" % exc)
        return 1
    sys.stdout.write(summary_markdown(ctx))
    if not updated:
        sys.stderr.write("build_calibration.py: note: README.md has no GENERATED markers; "
                         "summary printed only\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
