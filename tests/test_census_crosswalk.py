"""The 2019-census -> early-2025 district crosswalk (data/census2019_district_crosswalk.csv) and the former-names list
(data/former_district_names.csv), checked against the real census table and the package's 696 districts."""
from __future__ import annotations

import re
import sys
import unicodedata
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from lib.admin import level_units  # noqa: E402
from lib.text import ascii_fold  # noqa: E402

CROSSWALK = ROOT / "data" / "census2019_district_crosswalk.csv"
FORMER = ROOT / "data" / "former_district_names.csv"
CENSUS = ROOT / "data" / "reference" / "population" / "districts.csv"
UNIT = ["census_province", "census_district_type", "census_district"]
CHANGES = {"same", "renamed_or_retyped", "merged_into", "part_of", "split"}
HOANG_SA = "498"
CENSUS_TOTAL = 96_208_984


def fold(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", ascii_fold(unicodedata.normalize("NFC", str(text))).lower())


@pytest.fixture(scope="module")
def census() -> pd.DataFrame:
    df = pd.read_csv(CENSUS, dtype={"value": "int64"})
    assert len(df) == 712 and (df["metric"] == "population").all()
    return df


@pytest.fixture(scope="module")
def crosswalk() -> pd.DataFrame:
    return pd.read_csv(CROSSWALK, comment="#", dtype={"district_code": str, "share": float}, keep_default_na=False)


@pytest.fixture(scope="module")
def districts() -> pd.DataFrame:
    d = level_units("district")
    assert len(d) == 696
    return d.assign(province_code=d["parent"].str.split(":").str[1]).set_index("code")


@pytest.fixture(scope="module")
def province_code() -> dict[str, str]:
    codes = {fold(r.short_name): r.code for r in level_units("province").itertuples()}
    codes[fold("Thừa Thiên Huế")] = "46"  # the census' name; the package calls it Huế
    return codes


@pytest.fixture(scope="module")
def assigned(crosswalk, census) -> pd.DataFrame:
    """Crosswalk rows with the census population of their unit and the population they assign."""
    df = crosswalk.merge(census.rename(columns={"province_name_vi": "census_province", "district_type":
                                                "census_district_type", "district_name_vi": "census_district"})
                         [UNIT + ["value"]], on=UNIT, how="left", validate="many_to_one")
    assert df["value"].notna().all()
    return df.assign(assigned=df["value"] * df["share"])


def test_files_start_with_a_header_comment():
    for path in (CROSSWALK, FORMER):
        assert path.read_text(encoding="utf-8").splitlines()[0].startswith("#")


def test_columns_and_values(crosswalk):
    assert list(crosswalk.columns) == UNIT + ["district_code", "share", "change", "basis", "note"]
    assert crosswalk["district_code"].str.fullmatch(r"\d{3}").all()
    assert set(crosswalk["change"]) <= CHANGES
    assert (crosswalk["basis"].str.len() > 0).all()
    assert ((crosswalk["share"] > 0) & (crosswalk["share"] <= 1)).all()
    assert not crosswalk.duplicated(UNIT + ["district_code"]).any()


def test_every_census_unit_appears(crosswalk, census):
    units = set(map(tuple, census[["province_name_vi", "district_type", "district_name_vi"]].values))
    assert len(units) == 712
    assert set(map(tuple, crosswalk[UNIT].values)) == units


def test_shares_sum_to_one(crosswalk):
    sums = crosswalk.groupby(UNIT)["share"].sum()
    assert (sums - 1).abs().max() < 1e-9


def test_split_units_have_several_rows_and_estimated_shares(crosswalk):
    rows = crosswalk.groupby(UNIT)["district_code"].transform("size")
    split = crosswalk["change"] == "split"
    assert (rows[split] > 1).all() and (rows[~split] == 1).all()
    assert (crosswalk.loc[~split, "share"] == 1).all()
    assert crosswalk.loc[split, "note"].str.contains("share estimated from ward counts").all()


def test_codes_exist_and_stay_in_the_province(crosswalk, districts, province_code):
    assert set(crosswalk["district_code"]) <= set(districts.index)
    expected = crosswalk["census_province"].map(lambda p: province_code[fold(p)])
    assert (crosswalk["district_code"].map(districts["province_code"]) == expected).all()


def test_same_rows_keep_name_and_type(crosswalk, districts):
    same = crosswalk[crosswalk["change"] == "same"]
    for r in same.itertuples():
        d = districts.loc[r.district_code]
        assert d["unit_type"] == r.census_district_type, r
        assert fold(d["name"]).endswith(fold(r.census_district)), r


def test_every_district_but_hoang_sa_gets_population(assigned, districts):
    got = assigned.groupby("district_code")["assigned"].sum()
    missing = set(districts.index) - set(got[got > 0].index)
    assert missing == {HOANG_SA}


def test_province_totals_are_kept(assigned, census, districts, province_code):
    census_totals = census.groupby(census["province_name_vi"].map(lambda p: province_code[fold(p)]))["value"].sum()
    assert len(census_totals) == 63
    by_district_province = assigned["district_code"].map(districts["province_code"])
    got = assigned.groupby(by_district_province)["assigned"].sum()
    units = assigned.groupby(by_district_province)["census_district"].size()
    diff = (got - census_totals).abs()
    assert (diff < units).all(), diff[diff >= units]  # rounding below one person per row
    rounded = assigned["assigned"].round().groupby(by_district_province).sum()
    assert ((rounded - census_totals).abs() < units).all()


def test_total_population(assigned):
    assert round(assigned["assigned"].sum()) == CENSUS_TOTAL


def test_thu_duc_is_quan_2_9_and_thu_duc(assigned, census):
    hcm = census[census["province_name_vi"] == "Hồ Chí Minh"].set_index("district_name_vi")["value"]
    expected = hcm["2"] + hcm["9"] + hcm["Thủ Đức"]
    rows = assigned[assigned["district_code"] == "769"]
    assert set(rows["census_district"]) == {"2", "9", "Thủ Đức"}
    assert rows["assigned"].sum() == pytest.approx(expected)


def test_known_mergers(crosswalk):
    target = {(r.census_province, r.census_district): r.district_code for r in crosswalk.itertuples()
              if r.share == 1}
    assert target[("Quảng Ninh", "Hoành Bồ")] == "193"  # Hạ Long
    assert target[("Hoà Bình", "Kỳ Sơn")] == "148"  # TP Hòa Bình
    assert target[("Cao Bằng", "Thông Nông")] == "045"  # Hà Quảng
    assert target[("Cao Bằng", "Quảng Uyên")] == target[("Cao Bằng", "Phục Hoà")] == "049"  # Quảng Hòa
    assert target[("Quảng Ngãi", "Tây Trà")] == "525"  # Trà Bồng
    assert target[("Thanh Hoá", "Tĩnh Gia")] == "407"  # TX Nghi Sơn
    huế = crosswalk[(crosswalk["census_province"] == "Thừa Thiên Huế") & (crosswalk["census_district"] == "Huế")]
    assert set(huế["district_code"]) == {"474", "475"}


def test_sorted_by_province_and_district(crosswalk):
    key = list(zip(crosswalk["census_province"].map(fold), crosswalk["census_district"].map(fold)))
    assert key == sorted(key)


@pytest.fixture(scope="module")
def former() -> pd.DataFrame:
    return pd.read_csv(FORMER, comment="#", dtype=str, keep_default_na=False)


def test_former_names_codes_exist(former, districts):
    assert list(former.columns) == ["province_code", "former_name", "former_type", "current_codes", "effective",
                                    "basis"]
    assert former["province_code"].str.fullmatch(r"\d{2}").all()
    assert former["effective"].str.fullmatch(r"20(19|2\d)").all()
    for r in former.itertuples():
        codes = r.current_codes.split()
        assert codes and all(c in districts.index for c in codes), r
        assert all(districts.loc[c, "province_code"] == r.province_code for c in codes), r


def test_former_names_cover_abolished_units(former, crosswalk, districts, province_code):
    listed = {(r.province_code, fold(r.former_name)) for r in former.itertuples()}
    for unit, rows in crosswalk.groupby(UNIT):
        province, typ, name = unit
        shown = f"Quận {name}" if name.isdigit() else name
        survives = any(fold(districts.loc[c, "short_name"]) == fold(shown) for c in rows["district_code"])
        if (rows["change"] == "merged_into").any() or not survives:
            assert (province_code[fold(province)], fold(shown)) in listed, unit
