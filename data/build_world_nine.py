#!/usr/bin/python3
"""The nine-region world: US, CN, EU, MX, CA, JP, KR, VN and the rest of the world (ROW).

Called by `build_calibration.py --world nine`. Starts from the four-region derivation of
build_calibration.build() (in memory; the four-region files are not written) and splits
its ROW into MX, CA, JP, KR, VN and a smaller ROW, so that every flow of the nine-region
world summed back over the parts of the old ROW is the four-region flow of the same
exporter, importer and sector (to the rounding of the printed values). Reads the sourced
inputs of worlds/nine/inputs_2024.csv; world_nine_files.py writes the files of
data/worlds/nine/. The assumptions N1-N7 are stated in data/README.md ("Worlds of
regions"); every cell's note names its sources and rule.
"""

import csv
import math
import os
import re

import build_calibration as bc
from build_calibration import SECTORS, require, fmt, fnum

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "worlds", "nine")
BIG = ("US", "CN", "EU")
NEW = ("MX", "CA", "JP", "KR", "VN")
REGIONS9 = BIG + NEW + ("ROW",)
OLD_ROW = NEW + ("ROW",)   # the parts of the four-region ROW
USD_PER_EUR = 1.0824       # S15, as in the four-region world

# N2: the composition of KR->US is the S4 composition of JP->US (both sell cars, machinery
# and electronics to the US); of VN->US, the composition of CN->US (electronics,
# furniture, apparel and footwear).
US_IMPORT_PROXY = {"KR": "JP", "VN": "CN"}


def read_inputs():
    """worlds/nine/inputs_2024.csv keyed by (key, region, partner, month)."""
    path = os.path.join(OUT, "inputs_2024.csv")
    require(os.path.exists(path), "missing input %s" % path)
    out = {}
    with open(path, newline="", encoding="utf-8") as f:
        for n, r in enumerate(csv.DictReader(f), start=2):
            k = (r["key"], r["region"], r["partner"], r["month"])
            require(k not in out, "%s:%d: duplicate row %r" % (path, n, k))
            require(r["source"].strip() != "" and r["quality"].strip() != "",
                    "%s:%d: no source id or quality" % (path, n))
            out[k] = r
    return out


def distance_km(a, b):
    """Great-circle distance between two 'lat;lon' points (haversine, radius 6371 km)."""
    la1, lo1 = (math.radians(float(x)) for x in a.split(";"))
    la2, lo2 = (math.radians(float(x)) for x in b.split(";"))
    h = (math.sin((la2 - la1) / 2) ** 2
         + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2)
    return 2.0 * 6371.0 * math.asin(math.sqrt(h))


# A14 for whole cells: a bilateral total split over 8 sectors is at least 8 x the floor
# (0.05) x 1.25, so that no sector cell falls under the floor; smaller gravity totals are
# raised to it and the others of the same split rescaled.
CELL_MIN = 8 * bc.FLOW_FLOOR * 1.25


def split_with_floor(total, weights, floor):
    """total over the keys of weights in proportion, none below floor, rounded to 1e-6
    with the rounding residual on the largest."""
    vals, _ = bc.floored_split(total, weights, floor)
    out = {k: round(v, 6) for k, v in vals.items()}
    big = max(out, key=lambda k: out[k])
    out[big] = round(out[big] + total - math.fsum(out.values()), 6)
    return out


def shares_of(d):
    t = math.fsum(d[s] for s in SECTORS)
    return {s: d[s] / t for s in SECTORS}


class Nine:
    """The nine-region derivation. V, A, N: value, assumption id and note by (e, i, s)."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.V4 = {k: float(fmt(v)) for k, v in ctx["V"].items()}
        self.inp = read_inputs()
        self.V, self.A, self.N = {}, {}, {}
        self.T = {}      # (e, i) -> total of a cell split over sectors
        self.how = {}    # (e, i) -> how the total was found (source ids or rule)
        self.floors = []
        g4 = ctx["gdp"]
        self.gdp = {r: g4[r] for r in BIG}
        for r in NEW:
            self.gdp[r] = self.num("gdp", r)
        self.gdp["ROW"] = round(g4["ROW"] - math.fsum(self.gdp[r] for r in NEW), 6)
        require(self.gdp["ROW"] > 0, "the new regions' GDP exceeds the four-region ROW's")
        cap = {r: self.inp[("capital", r, "", "")]["value"] for r in BIG + NEW}
        self.dist = {(a, b): distance_km(cap[a], cap[b]) for a in cap for b in cap if a != b}
        # N5: the rest of the world sits, for each region, at the region's GDP-weighted
        # mean distance to the US, China and the EU
        for r in NEW:
            self.dist[(r, "ROW")] = math.fsum(self.gdp[j] * self.dist[(r, j)] for j in BIG) \
                / math.fsum(self.gdp[j] for j in BIG)

    def num(self, key, region, partner="", month=""):
        k = (key, region, partner, month)
        require(k in self.inp, "inputs_2024.csv: no row for %s %s %s %s" % k)
        return float(self.inp[k]["value"])

    def src(self, key, region, partner=""):
        return self.inp[(key, region, partner, "")]["source"]

    # ---- cells -----------------------------------------------------------------------
    def put(self, e, i, vals, aid, notes):
        for s in SECTORS:
            self.V[(e, i, s)] = vals[s]
            self.A[(e, i, s)] = aid
            self.N[(e, i, s)] = notes[s]

    def split(self, e, i, prior, aid, rule):
        """Cell (e, i): its total T over sectors in proportion to prior (A14 floor)."""
        total = self.T[(e, i)]
        require(total >= CELL_MIN - 1e-9, "%s->%s total %.6f is below %.2f" % (e, i, total,
                                                                             CELL_MIN))
        how = self.how[(e, i)]
        for rule_id in ("N5", "N3", "N7"):   # the rule that set the total decides the value
            if re.search(r"\b%s\b" % rule_id, how):
                aid = rule_id
                break
        vals, fset = bc.allocate(total, prior)
        self.floors += ["%s->%s %s" % (e, i, s) for s in sorted(fset, key=SECTORS.index)]
        notes = {s: "%s->%s total %s (%s) x %s share %s" % (
            e, i, fnum(total), self.how[(e, i)], rule, fnum(prior[s], 4)) for s in SECTORS}
        self.put(e, i, vals, aid, notes)
        for s in fset:
            self.A[(e, i, s)] = "A14"
            self.N[(e, i, s)] = "floored at 0.05 (A14); prior " + notes[s]

    def remainder(self, e, i, parts, note):
        """Cell (e, i): the four-region cell less the cells in parts, sector by sector."""
        e4, i4 = ("ROW" if e in OLD_ROW else e), ("ROW" if i in OLD_ROW else i)
        vals = {}
        for s in SECTORS:
            v = round(self.V4[(e4, i4, s)] - math.fsum(self.V[(a, b, s)] for a, b in parts), 6)
            require(v >= bc.FLOW_FLOOR, "nine-region %s->%s %s: the four-region %s->%s cell "
                    "less its parts is %.6f (below the floor %.2f)"
                    % (e, i, s, e4, i4, v, bc.FLOW_FLOOR))
            vals[s] = v
        self.put(e, i, vals, "D", dict.fromkeys(SECTORS, note))

    def gravity(self, e, i):
        return self.gdp[i] / self.dist[(e, i)]

    # ---- the derivation --------------------------------------------------------------
    def build(self):
        for e in BIG:
            for i in BIG:
                for s in SECTORS:
                    k = (e, i, s)
                    self.V[k], self.A[k], self.N[k] = self.V4[k], self.ctx["A"][k], \
                        self.ctx["N"][k]
                self.T[(e, i)] = math.fsum(self.V4[(e, i, s)] for s in SECTORS)
                self.how[(e, i)] = "four-region cell"
        self.sourced_totals()
        self.gravity_from_big()
        self.gravity_from_new()
        self.sectors()
        self.absorption()
        for k, v in self.V.items():
            require(v > 0.0 and "," not in self.N[k] and '"' not in self.N[k],
                    "nine-region cell %r: value %r or its note is malformed" % (k, v))
        return self

    def sourced_totals(self):
        T, how = self.T, self.how
        g_x, g_m = self.num("cn_exports_growth_2024", "CN"), self.num("cn_imports_growth_2024", "CN")
        self.cn_share = (g_x / (1.0 + g_x), g_m / (1.0 + g_m))
        for r in NEW:
            T[("US", r)] = self.num("us_exports_census", r)
            how[("US", r)] = self.src("us_exports_census", r)
        for r in ("JP", "KR", "MX"):   # N3: the 2024 part of a two-year Comtrade sum
            T[("CN", r)] = round(self.num("cn_exports_2023_2024", "CN", r) * self.cn_share[0], 6)
            how[("CN", r)] = "Comtrade-CN-2023-2024 two-year sum x %s (S10; N3)" % fnum(
                self.cn_share[0], 4)
        T[("CN", "VN")] = self.num("cn_exports_2024", "CN", "VN")
        how[("CN", "VN")] = self.src("cn_exports_2024", "CN", "VN")
        for r in ("JP", "KR", "VN", "CA"):
            T[(r, "CN")] = round(self.num("cn_imports_2023_2024", r, "CN") * self.cn_share[1], 6)
            how[(r, "CN")] = "Comtrade-CN-2023-2024 two-year sum x %s (TheStar-2025-01-13; " \
                "N3)" % fnum(self.cn_share[1], 4)
        for r in NEW:   # EU exports and imports from the total and the balance
            if ("eu_trade_eur", "EU", r, "") not in self.inp:
                continue
            tot = self.num("eu_trade_eur", "EU", r)
            if ("eu_balance_eur", "EU", r, "") in self.inp:
                bal, key = self.num("eu_balance_eur", "EU", r), "eu_balance_eur"
            else:
                bal, key = self.num("eu_balance_usd", "EU", r) / USD_PER_EUR, "eu_balance_usd"
            T[("EU", r)] = round((tot + bal) / 2.0 * USD_PER_EUR, 6)
            T[(r, "EU")] = round((tot - bal) / 2.0 * USD_PER_EUR, 6)
            for k in (("EU", r), (r, "EU")):
                how[k] = "EU trade %s EUR bn (%s) and balance %s EUR bn (%s) x S15 %s" % (
                    fnum(tot, 1), self.src("eu_trade_eur", "EU", r), fnum(bal, 2),
                    self.src(key, "EU", r), fnum(USD_PER_EUR, 4))
        self.gt = self.gtap_columns()
        for r in ("MX", "CA", "JP"):
            T[(r, "US")] = round(math.fsum(self.gt[r].values()), 6)
            how[(r, "US")] = "S4"
        for r in ("KR", "VN"):
            T[(r, "US")] = self.num("us_imports_census", r)
            how[(r, "US")] = self.src("us_imports_census", r)

    def gtap_columns(self):
        """S4 imports for consumption from Mexico, Canada and Japan by model sector."""
        cols = {"MX": "mexico_usd_bn", "CA": "canada_usd_bn", "JP": "japan_usd_bn"}
        out = {r: dict.fromkeys(SECTORS, 0.0) for r in cols}
        for row in bc.read_csv("flows_2024_us_imports_gtap_raw.csv"):
            for r, c in cols.items():
                out[r][bc.GTAP_TO_SECTOR[row["gtap_code"]]] += float(row[c])
        return out

    def gravity_from_big(self):
        """N5: a big exporter's unsourced flow to a new region is k x GDP / distance, k
        fitted on the exporter's sourced flows (to the other big two and the new regions)."""
        for e in BIG:
            fit = [j for j in BIG + NEW if j != e and (e, j) in self.T]
            k = math.fsum(self.T[(e, j)] for j in fit) / math.fsum(
                self.gravity(e, j) for j in fit)
            for r in NEW:
                if (e, r) not in self.T:
                    self.T[(e, r)] = max(round(k * self.gravity(e, r), 6), CELL_MIN)
                    self.how[(e, r)] = "gravity N5 k %s fitted on %s" % (fnum(k, 2),
                                                                          "+".join(fit))

    def gravity_from_new(self):
        """N5: a new region's exports not sourced by partner are its total exports less the
        sourced partners, split over the other partners by GDP / distance; the rest of
        the world's sales to it are its total imports less every other partner's."""
        T, how = self.T, self.how
        for e in NEW:
            x = self.num("total_exports", e)
            free = [j for j in REGIONS9 if j != e and (e, j) not in T]
            rest = x - math.fsum(T[(e, j)] for j in REGIONS9 if j != e and (e, j) in T)
            require(rest > 8 * bc.FLOW_FLOOR * len(free),
                    "%s: total exports %.3f leave %.3f for %s" % (e, x, rest, "+".join(free)))
            w = {j: self.gravity(e, j) for j in free}
            for j, v in split_with_floor(rest, w, CELL_MIN).items():
                T[(e, j)] = v
                how[(e, j)] = "gravity N5: %s of total exports %s (%s) less sourced " \
                    "partners (%s left)" % (fnum(v / rest, 4), fnum(x, 1),
                                            self.src("total_exports", e), fnum(rest))
        for r in NEW:
            m = self.num("total_imports", r)
            T[("ROW", r)] = round(m - math.fsum(T[(j, r)] for j in REGIONS9
                                                if j not in (r, "ROW")), 6)
            how[("ROW", r)] = "total imports %s (%s) less the other partners (N7)" % (
                fnum(m, 1), self.src("total_imports", r))
            require(T[("ROW", r)] > 8 * bc.FLOW_FLOOR,
                    "%s: total imports %.3f leave %.3f for ROW" % (r, m, T[("ROW", r)]))

    def sectors(self):
        V4, gt = self.V4, self.gt
        # N1: big exporter -> new region with the composition of big -> four-region ROW
        for e in BIG:
            prior = shares_of({s: V4[(e, "ROW", s)] for s in SECTORS})
            for r in NEW:
                self.split(e, r, prior, "N1", "four-region %s->ROW" % e)
            self.remainder(e, "ROW", [(e, r) for r in NEW],
                           "four-region %s->ROW less %s->MX+CA+JP+KR+VN" % (e, e))
        # to the US: S4 columns for MX, CA, JP; a proxy composition for KR, VN (N2)
        for r in ("MX", "CA", "JP"):
            vals = bc.round_to_total(self.T[(r, "US")], gt[r])
            self.put(r, "US", vals, "D", {
                s: "S4 imports for consumption from %s %s unscaled (Census general imports "
                   "%s per %s)" % (r, fnum(gt[r][s], 4), fnum(self.num("us_imports_census", r)),
                                   self.src("us_imports_census", r)) for s in SECTORS})
        for r, proxy in US_IMPORT_PROXY.items():
            base = gt[proxy] if proxy in gt else {s: V4[(proxy, "US", s)] for s in SECTORS}
            self.split(r, "US", shares_of(base), "N2", "%s->US (N2)" % proxy)
        self.remainder("ROW", "US", [(r, "US") for r in NEW],
                       "four-region ROW->US (S4) less MX+CA+JP+KR+VN->US")
        # N1: new region -> CN or EU with the composition of four-region ROW -> CN or EU
        for i in ("CN", "EU"):
            prior = shares_of({s: V4[("ROW", i, s)] for s in SECTORS})
            for r in NEW:
                self.split(r, i, prior, "N1", "four-region ROW->%s" % i)
            self.remainder("ROW", i, [(r, i) for r in NEW],
                           "four-region ROW->%s less MX+CA+JP+KR+VN->%s" % (i, i))
        # N6: inside the old ROW every exporter sells the mix it sells to the US
        for e in OLD_ROW:
            prior = shares_of({s: self.V[(e, "US", s)] for s in SECTORS})
            for i in OLD_ROW:
                if i != e and not (e == "ROW" and i == "ROW"):
                    self.split(e, i, prior, "N6", "%s->US (N6)" % e)

    def absorption(self):
        """N4: a new region's domestic absorption by the four-region rule for ROW (A12 with
        the ROW goods intensity, A13 floor); the rest's own absorption is what is left of
        the four-region ROW->ROW."""
        ctx = self.ctx
        us_ratio, us_comp, m = ctx["us_ratio"], ctx["us_comp"], bc.GOODS_INTENSITY["ROW"]
        for r in NEW:
            for s in SECTORS:
                a_rs = us_ratio * m * self.gdp[r] * us_comp[s]
                imp = math.fsum(self.V[(e, r, s)] for e in REGIONS9 if e != r)
                d, aid = a_rs - imp, "N4"
                note = ("GDP %s x US absorption/GDP %s x goods intensity %s x US sector share "
                        "%s = absorption %s - imports %s (A12 for ROW; N4)"
                        % (fnum(self.gdp[r], 1), fnum(us_ratio, 4), fnum(m, 2),
                           fnum(us_comp[s], 4), fnum(a_rs), fnum(imp)))
                dmin = bc.DOM_SHARE_MIN / (1.0 - bc.DOM_SHARE_MIN) * imp
                if d < dmin:
                    d, aid = math.ceil(dmin * 1e6) / 1e6, "A13"   # at or above the floor
                    note = "domestic share floored at 0.30 of absorption (A13); prior " + note
                    self.floors.append("%s %s domestic share (A13)" % (r, s))
                k = (r, r, s)
                self.V[k], self.A[k], self.N[k] = round(d, 6), aid, note
        parts = [(e, i) for e in OLD_ROW for i in OLD_ROW if (e, i) != ("ROW", "ROW")]
        self.remainder("ROW", "ROW", parts, "four-region ROW->ROW less every other flow among "
                       "MX CA JP KR VN and ROW: the rest's own absorption")


def aggregate(V9):
    """The nine-region flows summed back to the four regions, by (e, i, s)."""
    to4 = {r: ("ROW" if r in OLD_ROW else r) for r in REGIONS9}
    out = {}
    for (e, i, s), v in V9.items():
        k = (to4[e], to4[i], s)
        out[k] = out.get(k, 0.0) + v
    return out
