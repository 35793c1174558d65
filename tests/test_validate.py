"""Validation of user files: each bad input the issue lists gets a clear problem with file, row and column, and a
file with any error loads nothing (no half-loaded data, no row dropped silently)."""
import io
from datetime import date

import pandas as pd
import pytest

from lib import admin
from lib.ingest.validate import validate_bytes

TODAY = date(2026, 11, 22)


def check(name, text, **kw):
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    return validate_bytes(name, data, today=TODAY, **kw)


def codes(result):
    return [p.code for p in result.problems]


def only(result, code):
    found = [p for p in result.problems if p.code == code]
    assert found, f"expected a {code} problem, got {[p.line() for p in result.problems]}"
    return found


# -- files that cannot be read -------------------------------------------------------------------------------------

def test_empty_file():
    r = check("empty.csv", b"")
    assert not r.ok and r.dataset is None
    assert codes(r) == ["empty_file"]
    assert "empty" in r.problems[0].message("en") and "rỗng" in r.problems[0].message("vi")


def test_header_only():
    r = check("header.csv", "province,year,hi_coverage_pct\n")
    assert not r.ok and codes(r) == ["header_only"]
    assert r.problems[0].row == 1


def test_wrong_delimiter_is_named():
    r = check("pipes.csv", "province|year|hi_coverage_pct\nNghệ An|2023|93.35\n")
    assert not r.ok
    p = only(r, "no_delimiter")[0]
    assert "province|year" in p.message("en") and "semicolon" in p.message("en")


def test_decimal_commas_in_a_comma_separated_file_point_at_the_rows():
    r = check("commas.csv", "province,year,hi_coverage_pct\nNghệ An,2023,93,35\nThanh Hóa,2023,91,95\n")
    assert not r.ok and r.dataset is None
    problems = only(r, "field_count")
    assert [p.row for p in problems] == [2, 3]
    assert "decimal comma" in problems[0].message("en")


def test_non_utf8_bytes_name_the_line_and_byte():
    # 'Hà Nôi' saved as Latin-1 (à = 0xE0) on line 2, as an old Windows export would.
    r = check("latin.csv", b"province,year,hi_coverage_pct\nH\xe0 N\xf4i,2023,93\nNghe An,2023,93\n")
    assert not r.ok
    p = only(r, "not_utf8")[0]
    assert p.row == 2
    assert "0xE0" in p.message("en")
    assert "UTF-8" in p.message("en")


def test_unsupported_and_old_excel_formats():
    assert codes(check("data.xls", b"\xd0\xcf\x11\xe0")) == ["old_excel"]
    assert codes(check("data.json", b"{}")) == ["unsupported_format"]


# -- encodings and number formats that are fine ----------------------------------------------------------------------

def test_bom_is_accepted():
    r = check("bom.csv", "\ufeffprovince,year,hi_coverage_pct\nNghệ An,2023,93.35\n")
    assert r.ok, [p.line() for p in r.problems]
    assert r.dataset.observations["value"].tolist() == [93.35]


def test_utf16_with_bom_from_excel_unicode_text_is_accepted():
    r = check("u16.csv", "province\tyear\thi_coverage_pct\nNghệ An\t2023\t93.35\n".encode("utf-16"))
    assert r.ok, [p.line() for p in r.problems]


def test_vietnamese_decimal_commas_thousand_dots_and_percent_strings():
    text = ("tỉnh;năm;hi_participants;population;hi_coverage_pct\n"
            "Nghệ An;2023;2.911.787;3.131.000;93,35%\n"
            "Thanh Hóa;2023;3.436.097;3.737.000;\"91,95 %\"\n")
    r = check("vi.csv", text)
    assert r.ok, [p.line() for p in r.problems]
    obs = r.dataset.observations.set_index(["unit", "metric"])["value"]
    assert obs[("province:40", "hi_participants")] == 2911787
    assert obs[("province:40", "hi_coverage_pct")] == pytest.approx(93.35)
    assert obs[("province:38", "hi_coverage_pct")] == pytest.approx(91.95)


def test_english_thousand_separators():
    r = check("en.csv", 'province,year,hi_participants,population\nNghe An,2023,"2,911,787","3,131,000"\n')
    assert r.ok
    assert sorted(r.dataset.observations["value"]) == [2911787, 3131000]


def test_a_number_in_the_other_style_than_the_rest_of_the_file_is_reported():
    text = "province;year;hi_participants;population\nNghệ An;2023;2.911.787;3.131.000\nThanh Hóa;2023;3,436,097.5;3.737.000\n"
    r = check("mixed.csv", text)
    assert not r.ok
    p = only(r, "not_a_number")[0]
    assert (p.row, p.column) == (3, "hi_participants")


def test_excel_percent_cells_read_as_shown():
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["province", "year", "hi_coverage_pct"])
    ws.append(["Nghệ An", 2023, 0.9335])
    ws["C2"].number_format = "0.00%"
    buf = io.BytesIO()
    wb.save(buf)
    r = check("rates.xlsx", buf.getvalue())
    assert r.ok, [p.line() for p in r.problems]
    assert r.dataset.observations["value"].iloc[0] == pytest.approx(93.35)


def test_parquet_rows_are_numbered_as_if_the_header_were_row_1():
    buf = io.BytesIO()
    pd.DataFrame({"province": ["Nghệ An", "Nowhere"], "year": [2023, 2023], "hi_coverage_pct": [93.0, 90.0]}) \
        .to_parquet(buf)
    r = check("data.parquet", buf.getvalue())
    assert not r.ok
    assert only(r, "unknown_unit")[0].row == 3


# -- content problems --------------------------------------------------------------------------------------------------

def test_every_problem_is_reported_at_once_and_nothing_is_loaded():
    text = ("province,district,year,hi_participants,population,hi_coverage_pct\n"
            "Nghệ An,Con Cuông,2023,70000,-5,\n"  # 2: negative population
            ",Châu Thành,2023,1,2,\n"  # 3: ambiguous district without province
            "Nghệ An,Xyz,2023,1,2,\n"  # 4: unknown district
            "Nghệ An,,2023,abc,5,\n"  # 5: not a number
            "Thanh Hóa,,2023,5000000,4000000,\n"  # 6: participants above population
            "Hà Tĩnh,,2023,,,101.5\n"  # 7: coverage above 100
            "Hà Tĩnh,,2023,,,93\n"  # 8: duplicate of row 7 (same unit, period, metric)
            "Hà Tĩnh,,1999,,,93\n")  # 9: period out of range
    r = check("bad.csv", text)
    assert not r.ok and r.dataset is None
    found = {(p.row, p.column, p.code) for p in r.errors}
    assert (2, "population", "negative") in found
    assert (3, "district", "ambiguous_unit") in found
    assert (4, "district", "unknown_unit") in found
    assert (5, "hi_participants", "not_a_number") in found
    assert (6, "hi_participants", "above_denominator") in found
    assert (7, "hi_coverage_pct", "rate_out_of_range") in found
    assert (8, "hi_coverage_pct", "duplicate") in found
    assert (9, "year", "period_out_of_range") in found


def test_ambiguous_district_message_lists_candidates_and_asks_for_the_province():
    r = check("amb.csv", "district,year,hi_coverage_pct\nChâu Thành,2023,90\n")
    p = only(r, "ambiguous_unit")[0]
    msg = p.message("en")
    assert "Huyện Châu Thành (An Giang)" in msg and "Huyện Châu Thành (Tiền Giang)" in msg
    assert "province" in msg
    assert "tỉnh" in p.message("vi")


def test_unknown_district_in_a_province_says_where_that_name_exists():
    r = check("where.csv", "province,district,year,hi_coverage_pct\nNghệ An,Quận 1,2023,90\n")
    assert "Quận 1 (Hồ Chí Minh)" in only(r, "unknown_unit")[0].message("en")


def test_former_district_says_what_it_became():
    r = check("former.csv", "province,district,year,hi_coverage_pct\nHồ Chí Minh,Quận 2,2019,90\n")
    assert "Thủ Đức" in only(r, "former_unit")[0].message("en")


def test_districts_after_july_2025_and_communes_before_are_errors():
    r = check("dist.csv", "province,district,year,month,hi_coverage_pct\nNghệ An,Con Cuông,2025,8,90\n")
    assert only(r, "district_after_2025")
    r = check("comm.csv", "province,commune,year,hi_coverage_pct\nHà Nội,Phường Ba Đình,2024,90\n")
    assert only(r, "commune_before_2025")


def test_province_rows_take_the_structure_of_their_period():
    text = "province,year,month,si_participants\nHải Phòng,2024,7,525459\nHải Phòng,2025,8,900000\n"
    r = check("hp.csv", text)
    assert r.ok, [p.line() for p in r.problems]
    assert sorted(r.dataset.observations["unit"]) == ["province:31", "province_2025:31"]


def test_missing_required_columns():
    r = check("cols.csv", "tinh,hi_coverage_pct\nNghệ An,93\n")
    assert only(r, "missing_column")[0].params["column_name"] == "year"
    r = check("cols2.csv", "year,hi_coverage_pct\n2023,93\n")
    assert only(r, "missing_unit_column")
    r = check("cols3.csv", "province,year,foo\nNghệ An,2023,1\n")
    assert only(r, "missing_metric_columns")


def test_unknown_columns_are_named_not_silently_dropped():
    r = check("extra.csv", "province,year,hi_coverage_pct,comment\nNghệ An,2023,93,ok\n")
    assert r.ok
    assert [(p.column, p.severity) for p in r.warnings] == [("comment", "warning")]


def test_future_period_is_out_of_range():
    r = check("future.csv", "province,year,month,hi_coverage_pct\nNghệ An,2026,12,93\n")
    assert only(r, "period_out_of_range")
    assert check("now.csv", "province,year,month,hi_coverage_pct\nNghệ An,2026,11,93\n").ok


def test_long_layout_like_the_reference_file_validates_and_keeps_several_sources():
    text = ("area_level,area_name,year,period,metric,value,source,note\n"
            "national,Vietnam,2023,FY,si_participants,18259000,A,\n"
            "national,Vietnam,2023,FY,si_participants,18250000,B,\n"
            "province,Nghe An,2020,2020-09,arrears_pct_of_receivables,4.12,C,\n")
    r = check("long.csv", text)
    assert r.ok, [p.line() for p in r.problems]
    assert len(r.dataset.observations) == 3


def test_the_bundled_published_figures_validate_as_a_user_file(tmp_path):
    """The reference observations (every source kept: a source column tells duplicates apart)."""
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "data" / "reported_figures.csv"
    ref = pd.read_csv(path, dtype=str, keep_default_na=False)
    obs = ref[~ref["metric"].str.startswith("target_")]
    obs = obs[["area_level", "area_name", "year", "period", "metric_id", "value", "source", "note"]] \
        .rename(columns={"metric_id": "metric"})
    r = check("published.csv", obs.to_csv(index=False))
    assert r.ok, [p.line() for p in r.errors][:5]
    assert len(r.dataset.observations) == len(obs)


def test_mixed_file_of_observations_and_targets():
    text = ("province,year,metric,value,kind,source\n"
            "Nghệ An,2023,si_coverage_pct,24.9,,A\n"
            "Nghệ An,2030,si_coverage_pct,37,point,Plan 81\n"
            "Nghệ An,2025,target_hi_coverage_pct,95,,Plan 81\n")
    r = check("mixed.csv", text)
    assert r.ok and r.kind == "mixed", [p.line() for p in r.problems]
    assert len(r.dataset.observations) == 1 and len(r.dataset.targets) == 2


# -- formulas and markup ----------------------------------------------------------------------------------------------

def test_formula_like_cells_are_kept_as_text_and_flagged():
    text = 'province,year,hi_coverage_pct,source\nNghệ An,2023,93,"=HYPERLINK(""http://evil.example"",""x"")"\n'
    r = check("formula.csv", text)
    assert r.ok
    assert only(r, "formula_text")[0].severity == "warning"
    assert r.dataset.observations["source"].iloc[0].startswith("=HYPERLINK")


def test_formula_in_a_name_is_an_unknown_unit_shown_as_text():
    r = check("formula_name.csv", 'province,year,hi_coverage_pct\n"=HYPERLINK(""x"")",2023,93\n')
    p = only(r, "unknown_unit")[0]
    assert "=HYPERLINK" in p.message("en")


def test_script_tags_in_names_come_back_verbatim_in_the_message():
    r = check("xss.csv", "province,year,hi_coverage_pct\n<script>alert(1)</script>,2023,93\n")
    msg = only(r, "unknown_unit")[0].message("en")
    assert "<script>alert(1)</script>" in msg  # the page shows messages in a table as text, never as HTML


# -- targets -----------------------------------------------------------------------------------------------------------

def test_targets_file_with_point_floor_and_range():
    text = ("province,metric,year,kind,value,value_max,source\n"
            "Toàn quốc,si_coverage_pct,2030,point,60,,Res 28\n"
            "Nghệ An,si_coverage_pct,2025,range,26,27,Plan 81\n"
            "Nghệ An,hi_coverage_pct,2030,floor,95,,Plan 81\n")
    r = check("targets.csv", text)
    assert r.ok and r.kind == "targets", [p.line() for p in r.problems]
    t = r.dataset.targets.set_index(["unit", "metric", "year"])
    assert t.loc[("province:40", "si_coverage_pct", 2025), ["kind", "value", "value_max"]].tolist() == \
        ["range", 26.0, 27.0]
    assert t.loc[("national:VN", "si_coverage_pct", 2030), "kind"] == "point"


def test_bad_targets():
    text = ("province,metric,year,kind,value,value_max\n"
            "Nghệ An,si_coverage_pct,2025,range,26,\n"  # range without its upper bound
            "Nghệ An,hi_participants,2025,point,95,\n"  # a count is not a target metric
            "Nghệ An,si_coverage_pct,2030,about,37,\n"  # unknown kind
            "Nghệ An,hi_coverage_pct,2030,point,120,\n")  # above 100%
    r = check("badtargets.csv", text)
    assert {p.code for p in r.errors} == {"range_needs_max", "unknown_target_metric", "bad_target_kind",
                                          "bad_target_value"}


# -- size -------------------------------------------------------------------------------------------------------------

def test_a_50_mb_file_is_validated_completely(tmp_path):
    districts = admin.level_units("district")
    province = admin.units()["short_name"]
    pad = "x" * 560
    lines = ["province,district,year,month,hi_participants,population,source,note"]
    for uid, row in districts.iterrows():
        for year in range(2015, 2025):
            for month in range(1, 13):
                lines.append(f"{province[row['parent']]},{row['name']},{year},{month if month < 12 else ''},"
                             f"50000,60000,survey,{pad}")
    data = "\n".join(lines).encode()
    assert len(data) > 50_000_000
    r = validate_bytes("big.csv", data, today=TODAY)  # its speed is measured by bench/bench_ingest.py, not here
    assert r.ok, [p.line() for p in r.problems[:3]]
    assert len(r.dataset.observations) == 2 * (len(lines) - 1)  # every row, both metrics: nothing dropped
