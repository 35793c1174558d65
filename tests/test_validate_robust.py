"""Issue 12: files an adversarial tester made by hand. Each gets a problem with file, row and column (never an
exception), or loads exactly the figures it holds; numbers whose separators the file does not settle are reported."""
import io
import zipfile
from datetime import date, datetime

import pandas as pd
import pytest

from lib.ingest import templates
from lib.ingest.validate import validate_bytes

TODAY = date(2026, 11, 22)
HEAD = "province,year,hi_participants,hi_coverage_pct\n"


def check(name, data):
    return validate_bytes(name, data if isinstance(data, bytes) else data.encode("utf-8"), today=TODAY)


def problems(result, code):
    found = [p for p in result.problems if p.code == code]
    assert found, f"expected a {code} problem, got {[p.line() for p in result.problems]}"
    return found


def values(result, metric):
    obs = result.dataset.observations
    return obs.loc[obs["metric"] == metric, "value"].tolist()


def test_a_unit_cell_with_no_letter_or_digit_is_a_problem_of_that_cell():
    r = check("dash.csv", HEAD + "Nghệ An,2024,3240000,93.6\n-,2024,3240000,93.6\n")
    p = problems(r, "no_unit_name")[0]
    assert (p.row, p.column, p.is_error) == (3, "province", True)
    assert "'-'" in p.message("en") and "'-'" in p.message("vi")
    assert r.dataset is None


def test_a_two_digit_year_with_a_month_is_a_bad_year():
    r = check("yy.csv", "province,year,month,hi_coverage_pct\nNghệ An,24,7,93.6\n")
    p = problems(r, "bad_year")[0]
    assert (p.row, p.column) == (2, "year") and r.dataset is None


def test_a_csv_field_over_131072_characters_is_read():
    r = check("long.csv", "province,year,note,hi_coverage_pct\nNghệ An,2024,\"" + "x" * 200_000 + "\",93.6\n")
    assert r.ok, [p.line() for p in r.problems]
    assert values(r, "hi_coverage_pct") == [93.6]
    assert r.dataset.observations["note"].iloc[0] == "x" * 200_000


def test_one_stray_quote_in_a_large_file_names_the_row_it_opens_on():
    body = "".join(f"Nghệ An,{2000 + i % 20},x,93.6\n" for i in range(6000))
    r = check("stray.csv", "province,year,note,hi_coverage_pct\nNghệ An,2024,\"oops,93.6\n" + body)
    p = problems(r, "unclosed_quote")[0]
    assert p.row == 2 and r.dataset is None
    assert "6002" in p.message("en")  # the line where reading stopped


def _damaged_xlsx(cut_sheet=True):
    data = templates.to_bytes("coverage", "xlsx")
    zin = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            d = zin.read(item.filename)
            if cut_sheet and item.filename.startswith("xl/worksheets/sheet1"):
                d = d[: len(d) // 2]
            zout.writestr(item, d)
    return out.getvalue()


def test_an_xlsx_with_an_intact_zip_and_damaged_sheet_xml_is_a_problem():
    r = check("damaged.xlsx", _damaged_xlsx())
    p = problems(r, "bad_excel")[0]
    assert r.dataset is None
    assert "/" not in p.message("en").split(":", 1)[1]  # no server path in the message


def test_comma_file_where_every_number_has_one_thousands_group_is_reported_not_read_as_decimals():
    # Excel's "Unicode text" from a Vietnamese-locale sheet: tabs, and 9.300 meaning nine thousand three hundred.
    text = "province\tyear\trevenue_bn_vnd\nNghệ An\t2024\t9.300\nThanh Hóa\t2024\t8.150\n"
    r = check("vi.txt", b"\xff\xfe" + text.encode("utf-16-le"))
    found = problems(r, "ambiguous_number")
    assert [(p.row, p.column) for p in found] == [(2, "revenue_bn_vnd"), (3, "revenue_bn_vnd")]
    assert "9300" in found[0].message("en") and "9.3" in found[0].message("en")
    assert "9300" in found[0].message("vi") and "9,3" in found[0].message("vi")
    assert r.dataset is None


def test_semicolon_file_with_9_comma_300_is_reported_too():
    r = check("semi.csv", "province;year;revenue_bn_vnd\nNghệ An;2024;9,300\n")
    assert problems(r, "ambiguous_number")[0].row == 2 and r.dataset is None


@pytest.mark.parametrize("evidence, expected", [
    ("1.234.567", 9300.0),  # two dot groups: Vietnamese
    ("93,35", 9300.0),  # decimal comma: Vietnamese
    ("93.35", 9.3),  # decimal point: English
    ("1,234,567", 9.3),  # two comma groups: English
    ("9.3001", 9.3),  # a decimal part longer than three digits: English
])
def test_one_settling_cell_anywhere_in_the_file_decides_the_separators(evidence, expected):
    d = ";" if "," in evidence and "." not in evidence or evidence == "1.234.567" else ","
    q = '"' if d == "," and "," in evidence else ""
    text = (f"province{d}year{d}revenue_bn_vnd{d}arrears_bn_vnd\n"
            f"Nghệ An{d}2024{d}9.300{d}1\nThanh Hóa{d}2024{d}1{d}{q}{evidence}{q}\n")
    r = check("settled.csv", text)
    assert r.ok, [p.line() for p in r.problems]
    assert values(r, "revenue_bn_vnd")[0] == expected


def test_a_repeated_column_header_is_an_error_naming_it():
    r = check("twice.csv", "province,year,hi_coverage_pct,hi_coverage_pct\nNghệ An,2024,93.6,91.2\n")
    p = problems(r, "repeated_column")[0]
    assert (p.row, p.column, p.is_error) == (1, "hi_coverage_pct", True)
    assert not [q for q in r.problems if q.code == "unknown_column"]
    assert r.dataset is None


@pytest.mark.parametrize("cell", ["N/A", "—", "text", "=A1", "Infinity", "2025-01-01", "TRUE"])
def test_value_max_of_point_and_floor_targets_is_checked(cell):
    r = check("t.csv", "province,metric,year,kind,value,value_max\n"
                       f"Nghệ An,hi_coverage_pct,2030,floor,95,{cell}\nNghệ An,si_coverage_pct,2030,point,60,\n")
    p = problems(r, "not_a_number")[0]
    assert (p.row, p.column) == (2, "value_max") and r.dataset is None


def test_a_400_digit_number_is_not_finite():
    r = check("big.csv", HEAD.replace(",hi_coverage_pct", "") + "Nghệ An,2024," + "9" * 400 + "\n")
    p = problems(r, "not_finite")[0]
    assert (p.row, p.column) == (2, "hi_participants") and r.dataset is None


def test_parquet_inf_is_not_finite():
    buf = io.BytesIO()
    pd.DataFrame({"province": ["Nghệ An", "Thanh Hóa"], "year": [2024, 2024],
                  "hi_participants": [3.2e6, float("inf")]}).to_parquet(buf)
    r = check("inf.parquet", buf.getvalue())
    p = problems(r, "not_finite")[0]
    assert (p.row, p.column) == (3, "hi_participants") and r.dataset is None


@pytest.mark.parametrize("cell", [True, datetime(2024, 5, 1), "Infinity", "=1/0"])
def test_odd_excel_cells_in_a_value_column_are_errors(cell):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["province", "year", "hi_coverage_pct"])
    ws.append(["Nghệ An", 2024, 93.6])
    ws.append(["Thanh Hóa", 2024, cell])
    buf = io.BytesIO()
    wb.save(buf)
    r = check("odd.xlsx", buf.getvalue())
    assert [(p.row, p.column) for p in r.errors] == [(3, "hi_coverage_pct")], [p.line() for p in r.problems]
    assert r.dataset is None


def test_formula_cells_without_a_value_are_reported():
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["province", "year", "hi_participants", "population", "hi_coverage_pct"])
    ws.append(["Nghệ An", 2024, 3240000, 3450000, "=C2/D2*100"])
    buf = io.BytesIO()
    wb.save(buf)
    r = check("formula.xlsx", buf.getvalue())
    p = problems(r, "formula_without_value")[0]
    assert (p.row, p.column, p.is_error) == (2, "hi_coverage_pct", True) and r.dataset is None


def test_a_value_beyond_the_last_header_is_not_dropped_silently():
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["province", "year", "hi_coverage_pct"])
    ws.append(["Nghệ An", 2024, 93.6, 91.0])
    buf = io.BytesIO()
    wb.save(buf)
    r = check("extra.xlsx", buf.getvalue())
    p = problems(r, "value_without_header")[0]
    assert (p.row, p.column) == (2, "D")


def test_numbers_in_messages_use_the_readers_number_format():
    r = check("rate.csv", "province,year,hi_participants,population\nNghệ An,2024,3500000,3450000\n")
    p = problems(r, "above_denominator")[0]
    assert "3.450.000" in p.message("vi") and "3,450,000" in p.message("en")
    r = check("t.csv", "province,metric,year,kind,value\nNghệ An,hi_coverage_pct,2030,point,100.5\n")
    p = problems(r, "bad_target_value")[0]
    assert "100,5" in p.message("vi") and "100.5" in p.message("en")


def test_a_file_over_the_size_limit_is_refused_with_a_problem():
    from lib.ingest import readers

    r = check("huge.csv", b"x" * (readers.MAX_BYTES + 1))
    assert [p.code for p in r.problems] == ["too_large"]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_read(encoding):
    r = check("u16.txt", "province\tyear\thi_coverage_pct\nNghệ An\t2024\t93,6\n".encode(encoding))
    assert r.ok, [p.line() for p in r.problems]
    assert values(r, "hi_coverage_pct") == [93.6]


def test_the_command_line_reports_a_folder_or_a_missing_file_without_a_traceback(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-m", "lib.cli", "validate", str(tmp_path), str(tmp_path / "nope.csv")],
                         cwd=root, capture_output=True, text=True, timeout=120)
    assert out.returncode == 1
    assert f"{tmp_path}:::this is a folder, not a file" in out.stdout
    assert f"{tmp_path / 'nope.csv'}:::file not found" in out.stdout
    assert "Traceback" not in out.stdout + out.stderr
