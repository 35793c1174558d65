"""Reports as provincial offices keep them: each test builds a workbook or CSV with openpyxl (tests/ingest_workbooks.py)
and asserts the exact tidy values loaded and the exact problems reported."""
from __future__ import annotations

import openpyxl
import io

import pytest

from lib.ingest import report
from tests.ingest_workbooks import (NGHE_AN_HEADER, NGHE_AN_MERGES, NGHE_AN_ROWS, csv_bytes, nghe_an_report,
                                    sheet_spec, workbook)


def run(name, data, mapping=None, reference=None, lang="en"):
    r = report.preview(name, data, mapping, lang=lang)
    return report.load(r, None, reference, lang=lang)


def values(r) -> dict:
    """(unit, period, metric) -> value."""
    tidy = r.tidy()
    return {(u, p, m): v for u, p, m, v in zip(tidy["unit"], tidy["period"], tidy["metric"], tidy["value"])}


def problems(r) -> list[tuple]:
    return sorted((p.file, p.row or 0, p.column or "", p.code, p.severity) for p in r.all_problems)


VINH, CUA_LO_SUCCESSOR, QUYNH_LUU, DIEN_CHAU, HOANG_MAI = ("district:412", "district:412", "district:421",
                                                          "district:425", "district:432")


# 1. The analyst's report from the issue -------------------------------------------------------------------------
def test_the_analysts_district_report_loads_with_every_value_as_written():
    r = run("nghe_an.xlsx", nghe_an_report())
    s = r.sheets[0]
    assert s.table.header_rows == [5, 6]
    assert [(c.heading, c.target) for c in s.columns] == [
        ("STT", "stt"), ("Đơn vị", "unit"), ("Dân số", "population"), ("Số người tham gia BHYT", "hi_participants"),
        ("Tỷ lệ bao phủ BHYT (%)", "hi_coverage_pct"), ("Số người tham gia / BHXH bắt buộc",
                                                       "si_compulsory_participants"),
        ("Số người tham gia / BHXH tự nguyện", "si_voluntary_participants"), ("Số người tham gia / BHTN",
                                                                              "ui_participants")]
    assert (s.province, s.province_from, s.period.code, s.period.year, s.period_from) == (
        "province:40", "title", "FY", 2024, "title")
    assert r.ok
    assert values(r) == {
        (VINH, "FY", "population"): 339000, (VINH, "FY", "hi_participants"): 331545,
        (VINH, "FY", "hi_coverage_pct"): 97.80, (VINH, "FY", "si_compulsory_participants"): 52100,
        (VINH, "FY", "si_voluntary_participants"): 12300, (VINH, "FY", "ui_participants"): 47800,
        (QUYNH_LUU, "FY", "population"): 148400, (QUYNH_LUU, "FY", "hi_participants"): 136355,
        (QUYNH_LUU, "FY", "hi_coverage_pct"): 91.88, (QUYNH_LUU, "FY", "si_compulsory_participants"): 5100,
        (QUYNH_LUU, "FY", "si_voluntary_participants"): 5700, (QUYNH_LUU, "FY", "ui_participants"): 3500,
    }
    assert set(r.tidy()["source"]) == {"nghe_an.xlsx:Báo cáo:8", "nghe_an.xlsx:Báo cáo:10"}
    # every row under the header is accounted for: units, the total, the former district, the notes
    assert [(row, reason) for row, _, reason in s.skipped] == [
        (1, "title"), (2, "title"), (3, "title"), (4, "blank"), (5, "header"), (6, "header"), (7, "total"),
        (9, "former"), (11, "blank"), (12, "notes"), (13, "notes"), (14, "notes")]
    loaded_rows = {r.row for r in s.rows if r.kind == "unit"}
    assert loaded_rows == {8, 10} and loaded_rows | {row for row, _, _ in s.skipped} == set(range(1, 15))
    # the total (542.400 …) equals Vinh + Cửa Lò + Quỳnh Lưu: no mismatch; Cửa Lò is explained
    assert problems(r) == [("nghe_an.xlsx:Báo cáo", 9, "Đơn vị", "report_former_kept", "warning")]


def test_every_loaded_value_is_the_cell_in_the_file():
    """Cell by cell: the tidy table holds exactly what the sheet's cells say (read here without the app)."""
    data = nghe_an_report()
    r = run("nghe_an.xlsx", data)
    ws = openpyxl.load_workbook(io.BytesIO(data))["Báo cáo"]
    headings = {3: "population", 4: "hi_participants", 5: "hi_coverage_pct", 6: "si_compulsory_participants",
                7: "si_voluntary_participants", 8: "ui_participants"}
    tidy = r.tidy()
    checked = 0
    for row, unit in ((8, VINH), (10, QUYNH_LUU)):
        for col, metric in headings.items():
            text = ws.cell(row, col).value
            expected = float(text.replace(".", "").replace(",", "."))
            got = tidy[(tidy["unit"] == unit) & (tidy["metric"] == metric)]
            assert got["value"].tolist() == [expected]
            assert got["source"].tolist() == [f"nghe_an.xlsx:Báo cáo:{row}"]
            checked += 1
    assert checked == len(tidy) == 12


def test_a_total_that_does_not_add_up_is_a_warning_with_both_numbers_and_the_difference():
    rows = [list(r) for r in NGHE_AN_ROWS]
    rows[0][3] = "520.000"  # the file's total of HI participants: 700 less than its units
    r = run("nghe_an.xlsx", nghe_an_report(rows))
    assert r.ok  # a warning: the file still loads
    mismatch = [p for p in r.all_problems if p.code == "report_total_mismatch"]
    assert [(p.row, p.column) for p in mismatch] == [(7, "Số người tham gia BHYT")]
    assert mismatch[0].message("en") == ("row 'Tổng cộng' says 520,000 but its 3 units add up to 520,700 "
                                         "(difference -700): check the total row or the units")
    (vi,) = [p for p in run("nghe_an.xlsx", nghe_an_report(rows), lang="vi").all_problems
             if p.code == "report_total_mismatch"]
    assert vi.message("vi") == ("dòng 'Tổng cộng' ghi 520.000 nhưng tổng 3 đơn vị là 520.700 (chênh -700): hãy "
                                "kiểm tra lại dòng tổng hoặc các đơn vị")


def test_a_former_district_can_be_added_into_its_successor_after_the_merger():
    r = run("nghe_an.xlsx", nghe_an_report(), report.Mapping(former="merge"))
    assert r.ok
    v = values(r)
    assert v[(VINH, "FY", "population")] == 339000 + 55000
    assert v[(VINH, "FY", "hi_participants")] == 331545 + 52800
    assert (VINH, "FY", "hi_coverage_pct") not in v  # a rate cannot be added: left out, and said so
    assert set(r.tidy().loc[r.tidy()["unit"] == VINH, "source"]) == {"nghe_an.xlsx:Báo cáo:8+9"}
    assert [p.code for p in r.all_problems] == ["report_former_merged"]


# 2. Three-level header, group rows, percent cells, a half-year period ------------------------------------------
THREE_LEVEL = [["TT", "Huyện/thị xã/thành phố", "Số người tham gia", None, None, None, None],
               [None, None, "BHXH", None, "BHTN", "BHYT", None],
               [None, None, "Bắt buộc", "Tự nguyện", None, "Số người", "Tỷ lệ (%)"]]
THREE_MERGES = [(1, 1, 3, 1), (1, 2, 3, 2), (1, 3, 1, 7), (2, 3, 2, 4), (2, 5, 3, 5), (2, 6, 2, 7)]


def test_three_level_merged_header_with_groups_and_percent_cells():
    rows = [["A", "Khối thành thị", None, None, None, None, None],
            ["1", "TP. Vinh", 52100, 12300, 47800, 331545, 0.978],
            ["B", "Khối nông thôn", None, None, None, None, None],
            ["2", "H. Quỳnh Lưu", 5100, 5700, 3500, 136355, 0.9188],
            [None, "Tổng cộng", 57200, 18000, 51300, 467900, None]]
    data = workbook(sheet_spec("TH", ["BHXH TỈNH NGHỆ AN", "BÁO CÁO 6 THÁNG ĐẦU NĂM 2024"], THREE_LEVEL,
                               THREE_MERGES, rows, ["Người lập biểu"], percent_columns={7}))
    r = run("th.xlsx", data)
    s = r.sheets[0]
    assert s.table.header_rows == [4, 5, 6]
    assert [c.heading for c in s.columns][2:] == ["Số người tham gia / BHXH / Bắt buộc",
                                                  "Số người tham gia / BHXH / Tự nguyện",
                                                  "Số người tham gia / BHTN", "Số người tham gia / BHYT / Số người",
                                                  "Số người tham gia / BHYT / Tỷ lệ (%)"]
    assert s.period.code == "2024-06"
    assert r.ok and problems(r) == []
    assert values(r) == {
        (VINH, "2024-06", "si_compulsory_participants"): 52100, (VINH, "2024-06", "si_voluntary_participants"): 12300,
        (VINH, "2024-06", "ui_participants"): 47800, (VINH, "2024-06", "hi_participants"): 331545,
        (VINH, "2024-06", "hi_coverage_pct"): 97.8,
        (QUYNH_LUU, "2024-06", "si_compulsory_participants"): 5100,
        (QUYNH_LUU, "2024-06", "si_voluntary_participants"): 5700, (QUYNH_LUU, "2024-06", "ui_participants"): 3500,
        (QUYNH_LUU, "2024-06", "hi_participants"): 136355, (QUYNH_LUU, "2024-06", "hi_coverage_pct"): 91.88}
    assert [(row, reason) for row, _, reason in s.skipped] == [
        (1, "title"), (2, "title"), (3, "blank"), (4, "header"), (5, "header"), (6, "header"), (7, "group"),
        (9, "group"), (11, "total"), (12, "blank"), (13, "notes")]


# 3. Collections: group heading over plan / done / % of plan, subtotals, "-" cells ------------------------------
def collections_workbook(subtotal="360,10"):
    header = [["STT", "Đơn vị", "Thu BHXH, BHYT, BHTN (tỷ đồng)", None, None, "Số nợ (tỷ đồng)"],
              [None, None, "Kế hoạch", "Thực hiện", "% KH", None]]
    merges = [(1, 1, 2, 1), (1, 2, 2, 2), (1, 3, 1, 5), (1, 6, 2, 6)]
    rows = [["I", "Khu vực phía Bắc", None, None, None, None],
            ["1", "Thị xã Hoàng Mai", "300,25", "150,10", "49,99", "1,5"],
            ["2", "Huyện Quỳnh Lưu", "420", "210", "50,00", "-"],
            ["", "Cộng", "720,25", subtotal, "", "1,5"],
            ["II", "Khu vực phía Nam", None, None, None, None],
            ["1", "Huyện Diễn Châu", "1.000,5", "500", "49,98", "3"],
            ["", "Cộng", "1.000,5", "500", "", "3"],
            ["", "Tổng cộng", "1.720,75", "860,10", "", "4,5"]]
    return workbook(sheet_spec("Thu", ["TỈNH NGHỆ AN", "BÁO CÁO THU ĐẾN 31/7/2024"], header, merges, rows))


def test_collections_report_with_subtotals_dashes_and_vietnamese_decimals():
    r = run("thu.xlsx", collections_workbook())
    s = r.sheets[0]
    assert [c.target for c in s.columns] == ["stt", "unit", "revenue_plan_bn_vnd", "revenue_bn_vnd",
                                             "revenue_plan_pct", "arrears_bn_vnd"]
    assert s.period.code == "2024-07"
    assert r.ok and problems(r) == []
    assert values(r) == {
        (HOANG_MAI, "2024-07", "revenue_plan_bn_vnd"): 300.25, (HOANG_MAI, "2024-07", "revenue_bn_vnd"): 150.10,
        (HOANG_MAI, "2024-07", "revenue_plan_pct"): 49.99, (HOANG_MAI, "2024-07", "arrears_bn_vnd"): 1.5,
        (QUYNH_LUU, "2024-07", "revenue_plan_bn_vnd"): 420, (QUYNH_LUU, "2024-07", "revenue_bn_vnd"): 210,
        (QUYNH_LUU, "2024-07", "revenue_plan_pct"): 50.0,
        (DIEN_CHAU, "2024-07", "revenue_plan_bn_vnd"): 1000.5, (DIEN_CHAU, "2024-07", "revenue_bn_vnd"): 500,
        (DIEN_CHAU, "2024-07", "revenue_plan_pct"): 49.98, (DIEN_CHAU, "2024-07", "arrears_bn_vnd"): 3}
    assert [reason for _, _, reason in s.skipped] == ["title", "title", "blank", "header", "header", "group",
                                                     "total", "group", "total", "total"]


def test_a_subtotal_is_compared_with_its_own_group():
    r = run("thu.xlsx", collections_workbook(subtotal="361,10"))
    mismatch = [(p.row, p.column, p.params["total"], p.params["sum"], p.params["diff"]) for p in r.all_problems
                if p.code == "report_total_mismatch"]
    assert mismatch == [(9, "Thu BHXH, BHYT, BHTN (tỷ đồng) / Thực hiện", "361.10", "360.10", "1.00")]


# 4. Province level, no title, percent-format cells, the "Cả nước" row ------------------------------------------
def test_province_report_without_title_rows_reads_the_period_from_the_sheet_name():
    header = [["Tỉnh, thành phố", "Dân số (người)", "Số người có thẻ BHYT", "Tỷ lệ bao phủ BHYT (%)"]]
    rows = [["Cả nước", 100300000, 93600000, 0.9332],
            ["Nghệ An", 3442000, 3240000, 0.9413],
            ["Thừa Thiên Huế", 1160000, 1100000, 0.9483],
            ["TP. Hồ Chí Minh", 9460000, 8500000, 0.8985]]
    r = run("tinh.xlsx", workbook(sheet_spec("Năm 2023", [], header, [], rows, percent_columns={4})))
    s = r.sheets[0]
    assert (s.table.header_rows, s.level, s.period.code, s.period.year, s.period_from) == ([1], "province", "FY",
                                                                                          2023, "sheet")
    assert r.ok
    v = values(r)
    assert v[("province:40", "FY", "hi_coverage_pct")] == 94.13
    assert v[("province:46", "FY", "hi_participants")] == 1100000
    assert v[("province:79", "FY", "population")] == 9460000
    assert len(v) == 9
    assert [(row, reason) for row, _, reason in s.skipped] == [(1, "header"), (2, "total")]


# 5. One sheet per year, per indicator, per province --------------------------------------------------------------
def district_sheet(name, title, rows, header=None):
    header = header or [["STT", "Địa bàn", "Số người tham gia BHYT", "Tỷ lệ bao phủ BHYT (%)"]]
    return sheet_spec(name, title, header, [], rows)


def test_one_sheet_per_year():
    data = workbook(district_sheet("2022", ["TỈNH NGHỆ AN"], [["1", "Diễn Châu", "250.000", "88,5"]]),
                    district_sheet("2023", ["TỈNH NGHỆ AN"], [["1", "Diễn Châu", "255.100", "90,1"]]),
                    sheet_spec("Hướng dẫn", ["Cách điền báo cáo"], [], [], []))
    r = run("nam.xlsx", data)
    assert r.ok
    assert [(s.sheet, s.period and s.period.year, s.period_from) for s in r.sheets] == [
        ("2022", 2022, "sheet"), ("2023", 2023, "sheet"), ("Hướng dẫn", None, None)]
    tidy = r.tidy()
    assert sorted(zip(tidy["year"], tidy["metric"], tidy["value"], tidy["source"])) == [
        (2022, "hi_coverage_pct", 88.5, "nam.xlsx:2022:4"), (2022, "hi_participants", 250000, "nam.xlsx:2022:4"),
        (2023, "hi_coverage_pct", 90.1, "nam.xlsx:2023:4"), (2023, "hi_participants", 255100, "nam.xlsx:2023:4")]


def test_one_sheet_per_indicator_and_a_duplicate_across_sheets_is_an_error():
    bhyt = district_sheet("BHYT", ["TỈNH NGHỆ AN", "NĂM 2024"], [["1", "Quỳnh Lưu", "136.355", "91,88"]])
    bhxh = district_sheet("BHXH", ["TỈNH NGHỆ AN", "NĂM 2024"], [["1", "Quỳnh Lưu", "5.100", "5.700"]],
                          [["STT", "Địa bàn", "BHXH bắt buộc", "BHXH tự nguyện"]])
    r = run("chi_tieu.xlsx", workbook(bhyt, bhxh))
    assert r.ok
    assert values(r) == {(QUYNH_LUU, "FY", "hi_participants"): 136355, (QUYNH_LUU, "FY", "hi_coverage_pct"): 91.88,
                         (QUYNH_LUU, "FY", "si_compulsory_participants"): 5100,
                         (QUYNH_LUU, "FY", "si_voluntary_participants"): 5700}
    again = run("hai_lan.xlsx", workbook(bhyt, dict(bhyt, name="BHYT (2)")))
    assert not again.ok and again.dataset is None
    assert sorted(p.code for p in again.errors) == ["report_duplicate_across_sheets"] * 2


def test_one_sheet_per_province_restricts_units_to_that_province():
    na = district_sheet("Nghệ An", ["NĂM 2024"], [["1", "Quỳnh Lưu", "136.355", "91,88"]])
    ht = district_sheet("Hà Tĩnh", ["NĂM 2024"], [["1", "H. Kỳ Anh", "80.000", "92,00"],
                                                 ["2", "Quỳnh Lưu", "1.000", "90,00"]])
    r = run("tinh.xlsx", workbook(na, ht))
    assert [(s.province, s.province_from) for s in r.sheets] == [("province:40", "sheet"), ("province:42", "sheet")]
    assert not r.ok and r.dataset is None
    # Quỳnh Lưu is in Nghệ An, not Hà Tĩnh: the message offers Hà Tĩnh's districts only, never another province's
    (err,) = r.errors
    assert (err.file, err.row, err.column, err.code) == ("tinh.xlsx:Hà Tĩnh", 5, "Địa bàn", "report_unknown_unit")
    assert "Hà Tĩnh" in err.message("vi") and "Nghệ An" not in err.message("vi")


# 6. 2025 communes ------------------------------------------------------------------------------------------------
def test_communes_after_july_2025_with_office_abbreviations():
    header = [["STT", "Xã, phường, đặc khu", "Số người tham gia BHYT", "Dân số"]]
    rows = [["1", "P. Vinh Phú", "45.210", "47.000"], ["2", "Phường Thành Vinh", "30.100", "31.500"],
            ["3", "Vinh Hưng", "20.000", "21.000"], ["", "Toàn tỉnh", "95.310", "99.500"]]
    r = run("xa.xlsx", workbook(sheet_spec("Xã", ["BẢO HIỂM XÃ HỘI TỈNH NGHỆ AN", "ĐẾN 31/8/2025"], header, [],
                                           rows)))
    s = r.sheets[0]
    assert (s.level, s.province, s.period.code) == ("commune", "province_2025:40", "2025-08")
    assert r.ok and problems(r) == []
    assert values(r) == {("commune:16702", "2025-08", "hi_participants"): 45210,
                         ("commune:16702", "2025-08", "population"): 47000,
                         ("commune:16681", "2025-08", "hi_participants"): 30100,
                         ("commune:16681", "2025-08", "population"): 31500,
                         ("commune:17920", "2025-08", "hi_participants"): 20000,
                         ("commune:17920", "2025-08", "population"): 21000}


# 7. CSV with title rows, numbers as text, "-" cells, "93,35%" -----------------------------------------------------
def test_csv_report_with_title_lines_and_vietnamese_numbers():
    data = csv_bytes(["BẢO HIỂM XÃ HỘI TỈNH NGHỆ AN", "TỶ LỆ BAO PHỦ BHYT NĂM 2024", "",
                      ["STT", "Đơn vị", "Dân số", "Số người tham gia BHYT", "Tỷ lệ bao phủ BHYT (%)", "Ghi chú"],
                      ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"],
                      ["1", "TP. Vinh", "339.000", "331.545", "97,80%", ""],
                      ["2", "H. Diễn Châu", "-", "250.000", "-", "chưa có dân số"],
                      ["", "", "", "", "", ""],
                      ["", "Cộng", "339.000", "581.545", "", ""],
                      ["Người lập biểu"]])
    r = run("bc.csv", data)
    s = r.sheets[0]
    assert (s.table.header_rows, s.period.year) == ([4], 2024)
    assert r.ok and problems(r) == []
    assert values(r) == {(VINH, "FY", "population"): 339000, (VINH, "FY", "hi_participants"): 331545,
                         (VINH, "FY", "hi_coverage_pct"): 97.8, (DIEN_CHAU, "FY", "hi_participants"): 250000}
    assert [(row, reason) for row, _, reason in s.skipped] == [(1, "title"), (2, "title"), (3, "blank"),
                                                              (4, "header"), (5, "column_numbers"), (8, "blank"),
                                                              (9, "total"), (10, "notes")]
    assert set(r.tidy()["source"]) == {"bc.csv:6", "bc.csv:7"}


# 8. What the user must choose, and what they chose -----------------------------------------------------------
def test_a_silent_title_asks_for_the_period_and_the_choice_loads_the_file():
    data = workbook(district_sheet("Sheet1", ["TỈNH NGHỆ AN", "BÁO CÁO SỐ NGƯỜI THAM GIA BHYT"],
                                   [["1", "Quỳnh Lưu", "136.355", "91,88"]]))
    r = run("khong_ky.xlsx", data)
    assert not r.ok
    assert [(p.file, p.code) for p in r.errors] == [("khong_ky.xlsx:Sheet1", "report_period_unclear")]
    assert report.needs(r.sheets[0])["period"]
    chosen = run("khong_ky.xlsx", data, report.Mapping(period="2024-09"))
    assert chosen.ok and values(chosen) == {(QUYNH_LUU, "2024-09", "hi_participants"): 136355,
                                            (QUYNH_LUU, "2024-09", "hi_coverage_pct"): 91.88}
    assert report.understood(chosen.sheets[0], "en")[1] == "Period: Sep 2024 (your choice)"


def test_two_periods_in_the_title_are_unclear_not_guessed():
    data = workbook(district_sheet("S", ["TỈNH NGHỆ AN", "SO SÁNH NĂM 2023 VÀ NĂM 2024"],
                                   [["1", "Quỳnh Lưu", "136.355", "91,88"]]))
    r = run("hai_nam.xlsx", data)
    assert r.sheets[0].found_periods == ["2023", "2024"] and r.sheets[0].period is None
    assert [p.code for p in r.errors] == ["report_period_unclear"]


def test_an_unknown_heading_is_listed_as_ignored_and_the_user_can_map_it():
    header = [["STT", "Đơn vị", "Số thẻ cấp mới", "Tỷ lệ bao phủ BHYT (%)"]]
    data = workbook(sheet_spec("S", ["TỈNH NGHỆ AN", "NĂM 2024"], header, [],
                               [["1", "Quỳnh Lưu", "136.355", "91,88"]]))
    r = run("moi.xlsx", data)
    assert [(c.heading, c.target) for c in r.sheets[0].columns][2] == ("Số thẻ cấp mới", None)
    table = report.columns_table(r.sheets[0], "en")
    assert table.iloc[2].tolist() == ["C", "Số thẻ cấp mới", "— ignore —"]
    assert values(r) == {(QUYNH_LUU, "FY", "hi_coverage_pct"): 91.88}
    labels = table["Read as"].tolist()
    labels[2] = "HI participants (persons)"
    mapping = report.with_columns(report.Mapping(), r.sheets[0], labels, "en")
    assert mapping.columns == {"so the cap moi": "hi_participants"}
    mapped = run("moi.xlsx", data, report.Mapping.from_json(mapping.to_json()))
    assert values(mapped) == {(QUYNH_LUU, "FY", "hi_coverage_pct"): 91.88, (QUYNH_LUU, "FY", "hi_participants"): 136355}


# 9. Checks an office expects ---------------------------------------------------------------------------------
def test_a_rate_that_disagrees_with_its_counts_is_a_warning():
    rows = [["1", "TP. Vinh", "339.000", "331.545", "95,00", "52.100", "12.300", "47.800"]]
    r = run("lech.xlsx", nghe_an_report(rows), lang="vi")
    assert r.ok
    (w,) = [p for p in r.all_problems if p.code == "report_rate_disagrees"]
    assert (w.row, w.column) == (7, "Tỷ lệ bao phủ BHYT (%)")
    assert w.message("vi") == ("tỷ lệ 95,00% khác với Số người tham gia BHYT / Dân số × 100 = 97,80% trong cùng "
                               "dòng: hãy kiểm tra lại")


def test_districts_are_compared_with_the_provinces_own_figure():
    published = {("province:40", 2024, "FY", "hi_participants"): (3240000.0, "reported", "Báo cáo tỉnh 2024")}
    r = run("nghe_an.xlsx", nghe_an_report(), reference=lambda u, y, p, m: published.get((u, y, p, m)))
    assert r.ok  # a warning table, not an error
    table = r.province_checks
    assert table.values.tolist() == [["Báo cáo", "Tỉnh Nghệ An", "2024", "Số người tham gia BHYT", "467,900",
                                      "3,240,000", "-2,772,100", "Báo cáo tỉnh 2024"]]
    assert [p.code for p in r.problems] == ["report_province_differs"]


# 10. Messages ----------------------------------------------------------------------------------------------------
def test_a_wrong_unit_name_names_sheet_row_heading_and_candidates_from_the_province():
    rows = [list(r) for r in NGHE_AN_ROWS]
    rows[3][1] = "H. Quỳnh Luu"  # a typo
    rows.append(["4", "Huyện Dien Chau xyz", "1", "1", "", "", "", ""])
    r = run("sai.xlsx", nghe_an_report(rows), lang="vi")
    assert not r.ok and r.dataset is None
    errs = [(p.file, p.row, p.column, p.code) for p in r.errors]
    assert errs == [("sai.xlsx:Báo cáo", 11, "Đơn vị", "report_unknown_unit")]
    msg = r.errors[0].message("vi")
    assert msg.startswith("không có huyện nào tên 'Huyện Dien Chau xyz' ở Tỉnh Nghệ An")
    assert "district:" not in msg and "province:" not in msg
    line = r.errors[0].line("vi")
    assert line.startswith("sai.xlsx:Báo cáo:11:Đơn vị: ")


def test_a_total_like_row_is_never_matched_to_a_unit():
    rows = [list(r) for r in NGHE_AN_ROWS] + [["", "Cộng toàn tỉnh", "542.400", "520.700", "", "60.300", "20.900",
                                                "54.000"]]
    r = run("tong.xlsx", nghe_an_report(rows))
    assert [reason for _, label, reason in r.sheets[0].skipped if label == "Cộng toàn tỉnh"] == ["total"]
    assert not [p for p in r.all_problems if p.code == "report_unknown_unit"]


def test_a_file_in_the_apps_template_keeps_the_template_path():
    assert report.is_template("t.csv", b"province,year,hi_coverage_pct\nNghe An,2024,95\n")
    assert not report.is_template("r.xlsx", nghe_an_report())


@pytest.mark.parametrize("heading,target", [
    ("Tỷ lệ bao phủ BHYT (%)", "hi_coverage_pct"), ("Ty le bao phu BHYT", "hi_coverage_pct"),
    ("Số người tham gia\nBHYT (người)", "hi_participants"), ("BHXH bắt buộc", "si_compulsory_participants"),
    ("BHXH tự nguyện", "si_voluntary_participants"), ("BHTN", "ui_participants"), ("Dân số (người)", "population"),
    ("Lực lượng lao động trong độ tuổi", "labour_force"), ("Số thu (tỷ đồng)", "revenue_bn_vnd"),
    ("Kế hoạch thu", "revenue_plan_bn_vnd"), ("% KH", "revenue_plan_pct"), ("Số nợ", "arrears_bn_vnd"),
    ("Phải thu", "receivables_bn_vnd"), ("HI coverage (%)", "hi_coverage_pct"), ("Đơn vị", "unit"),
    ("Địa bàn", "unit"), ("Huyện/thị xã/thành phố", "district"), ("Xã/phường", "commune"),
])
def test_headings_map_through_the_catalog(heading, target):
    from lib.ingest import headings

    assert headings.match(heading) == target


def test_the_fast_sheet_reader_reads_the_same_cells_as_openpyxl():
    """lib.ingest.tables reads sheets' XML directly; openpyxl (read-only, values) is the reference."""
    from lib.ingest import tables

    data = workbook(sheet_spec("A", ["BHXH TỈNH NGHỆ AN", "NĂM 2024 & <2025>"], THREE_LEVEL, THREE_MERGES,
                               [["1", "TP. Vinh", 52100, 12300.5, True, "", 0.978]], ["Người lập biểu"],
                               percent_columns={7}),
                    sheet_spec("B", [], [["Đơn vị", "Dân số"]], [], [["Quỳnh Lưu", 148400]]))
    fast = tables._excel_fast(data)
    slow, problems = tables._excel("x.xlsx", data)
    assert problems == []
    assert [(g.sheet, g.numbers, g.rows, sorted(g.merged)) for g in fast] == \
        [(g.sheet, g.numbers, g.rows, sorted(g.merged)) for g in slow]
    assert fast[0].rows[0] == ["BHXH TỈNH NGHỆ AN"] and fast[0].rows[1] == ["NĂM 2024 & <2025>"]
    assert fast[0].rows[6][6] == pytest.approx(97.8) and fast[0].numbers[6] == 7


def test_money_in_millions_is_refused_not_rescaled():
    header = [["STT", "Đơn vị", "Số thu (triệu đồng)"]]
    data = workbook(sheet_spec("Thu", ["TỈNH NGHỆ AN", "NĂM 2024"], header, [], [["1", "Quỳnh Lưu", "150.100"]]))
    r = run("trieu.xlsx", data)
    assert not r.ok and r.dataset is None
    assert [(p.row, p.column, p.code) for p in r.errors] == [(4, "Số thu (triệu đồng)", "report_money_unit")]


def test_a_quarter_in_the_title_a_repeated_header_and_city_districts_written_q():
    header = [["STT", "Quận/huyện", "Số người tham gia BHYT"]]
    rows = [["1", "Q. 1", "120.500"], ["2", "Q.3", "150.200"],
            ["STT", "Quận/huyện", "Số người tham gia BHYT"],  # the header printed again on the next page
            ["3", "TP. Thủ Đức", "900.000"]]
    data = workbook(sheet_spec("Q2", ["BHXH THÀNH PHỐ HỒ CHÍ MINH", "BÁO CÁO QUÝ II/2024"], header, [], rows))
    r = run("hcm.xlsx", data)
    s = r.sheets[0]
    assert (s.province, s.period.code) == ("province:79", "2024-06")
    assert r.ok and problems(r) == []
    assert values(r) == {("district:760", "2024-06", "hi_participants"): 120500,
                         ("district:770", "2024-06", "hi_participants"): 150200,
                         ("district:769", "2024-06", "hi_participants"): 900000}
    assert [(row, reason) for row, _, reason in s.skipped if row > 4] == [(7, "header_again")]


def test_a_title_without_a_province_asks_for_it_and_the_choice_restricts_the_names():
    data = workbook(district_sheet("S", ["BÁO CÁO BHYT NĂM 2024"], [["1", "Quỳnh Lưu", "136.355", "91,88"]]))
    r = run("khong_tinh.xlsx", data)
    assert not r.ok and report.needs(r.sheets[0])["province"]
    assert [p.code for p in r.errors] == ["report_province_unclear"]
    chosen = run("khong_tinh.xlsx", data, report.Mapping(province="province:40"))
    assert chosen.ok and values(chosen) == {(QUYNH_LUU, "FY", "hi_participants"): 136355,
                                            (QUYNH_LUU, "FY", "hi_coverage_pct"): 91.88}
    assert report.understood(chosen.sheets[0], "vi")[0] == "Tỉnh: Tỉnh Nghệ An (bạn chọn)"


def test_a_period_typed_by_the_user_is_read_or_refused_with_a_message():
    data = workbook(district_sheet("Sheet1", ["TỈNH NGHỆ AN"], [["1", "Quỳnh Lưu", "136.355", "91,88"]]))
    assert run("k.xlsx", data, report.Mapping(period="7/2024")).sheets[0].period.code == "2024-07"
    bad = run("k.xlsx", data, report.Mapping(period="tháng bảy"), lang="vi")
    assert not bad.ok
    assert [p.code for p in bad.errors] == ["report_bad_period_choice", "report_period_unclear"]
    assert "'tháng bảy'" in bad.errors[0].message("vi")
    with pytest.raises(ValueError):
        report.Mapping.from_json('{"province": "province:99"}')


def test_odd_sheets_are_reported_never_raised():
    data = workbook(sheet_spec("Trống", [], [], [], []),
                    sheet_spec("Chỉ tiêu đề", ["BÁO CÁO NĂM 2024"], [], [], []),
                    sheet_spec("Không dòng", ["TỈNH NGHỆ AN", "NĂM 2024"], [["Đơn vị", "Dân số"]], [], []),
                    sheet_spec("Số", [], [[1, 2, 3]], [], [[4, 5, 6]]))
    r = run("la.xlsx", data)
    assert [p.code for p in r.all_problems] == ["report_nothing_to_load"]
    assert r.dataset is None and not r.ok
    assert [s.table is None for s in r.sheets] == [True, True, False, True]
    assert run("rong.csv", b"").problems[0].code == "empty_file"
    assert run("cu.xls", b"abc").problems[0].code == "old_excel"
    assert run("hong.xlsx", b"not a zip").problems[0].code == "bad_excel"
