"""Example files users fill in: coverage, collections and targets, as CSV or Excel (.xlsx with a help sheet)."""
from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from lib import metrics

KINDS = ("coverage", "collections", "targets")

_UNIT_HELP = {
    "province": ("Tỉnh/thành phố: tên (có hoặc không dấu) hoặc mã GSO. Trước 1/7/2025 là 63 tỉnh cũ, từ đó là 34 tỉnh mới.",
                 "Province: name (with or without diacritics) or GSO code. 63 legacy provinces before 1 July 2025, "
                 "the 34 new ones from then on."),
    "district": ("Quận/huyện (chỉ đến 30/6/2025), để trống cho số liệu cấp tỉnh.",
                 "District (up to 30 June 2025 only); leave empty for province figures."),
    "commune": ("Xã/phường (từ 1/7/2025), để trống nếu không dùng.", "Commune/ward (from 1 July 2025); leave empty if unused."),
    "year": ("Năm (bốn chữ số).", "Year (four digits)."),
    "month": ("Tháng 1–11 cho số liệu tại cuối tháng hoặc lũy kế đến tháng; để trống cho cả năm.",
              "Month 1–11 for figures as of the month end or cumulative to it; empty for the full year."),
    "source": ("Nguồn công bố (văn bản, đường dẫn). Để trống: ghi tên tệp và số dòng.",
               "Where the figure was published. Empty: the file name and row are recorded."),
    "note": ("Ghi chú.", "Note."),
    "metric": ("Chỉ tiêu mục tiêu: hi_coverage_pct, si_coverage_pct, si_voluntary_coverage_pct, ui_coverage_pct.",
               "Target metric: hi_coverage_pct, si_coverage_pct, si_voluntary_coverage_pct, ui_coverage_pct."),
    "kind": ("point (mức), floor (trên mức, ví dụ 'trên 95%'), range (khoảng, ví dụ 26–27%).",
             "point, floor ('above 95%'), or range (26–27%)."),
    "value": ("Giá trị mục tiêu (%), hoặc cận dưới của khoảng.", "Target (%), or the lower bound of a range."),
    "value_max": ("Cận trên (chỉ với range).", "Upper bound (range only)."),
    "document": ("Văn bản đặt mục tiêu.", "The document that sets the target."),
}

COVERAGE_COLUMNS = ["province", "district", "year", "month", "population", "labour_force", "hi_participants",
                    "si_compulsory_participants", "si_voluntary_participants", "si_participants", "ui_participants",
                    "hi_coverage_pct", "si_coverage_pct", "ui_coverage_pct", "source", "note"]
COLLECTIONS_COLUMNS = ["province", "district", "year", "month", "revenue_bn_vnd", "revenue_plan_bn_vnd",
                       "arrears_bn_vnd", "receivables_bn_vnd", "source", "note"]
TARGETS_COLUMNS = ["province", "district", "metric", "year", "kind", "value", "value_max", "document", "source", "note"]


def template(kind: str) -> pd.DataFrame:
    """A small, valid example (it passes validation) showing each way of filling the file."""
    if kind == "coverage":
        rows = [
            ["Nghệ An", "", 2024, "", 3450000, 1660000, 3240000, 314000, 118000, 432000, 262000, "", "", "",
             "Báo cáo BHXH tỉnh 2024 (ví dụ)", "ví dụ: số tuyệt đối, tỷ lệ tự tính"],
            ["Nghệ An", "Con Cuông", 2024, "", 77500, 42000, 75800, 3900, 2100, 6000, 3400, "", "", "", "", ""],
            ["Nghệ An", "", 2024, 9, "", "", "", "", "", "", "", 93.6, 25.4, "", "", "tỷ lệ công bố, không có số tuyệt đối"],
        ]
        return pd.DataFrame(rows, columns=COVERAGE_COLUMNS)
    if kind == "collections":
        rows = [
            ["Nghệ An", "", 2024, "", 9300, 9100, 310, 9610, "Báo cáo thu 2024 (ví dụ)", "cả năm"],
            ["Nghệ An", "", 2024, 7, 5050, 9100, 420, 5470, "", "lũy kế 7 tháng"],
            ["Hải Phòng", "", 2025, 8, 19000, 28890, 1200, 20200, "", "tỉnh mới từ 1/7/2025 (gồm Hải Dương)"],
        ]
        return pd.DataFrame(rows, columns=COLLECTIONS_COLUMNS)
    if kind == "targets":
        rows = [
            ["Toàn quốc", "", "si_coverage_pct", 2030, "point", 60, "", "Nghị quyết 28-NQ/TW", "", "khoảng 60%"],
            ["Nghệ An", "", "si_coverage_pct", 2025, "range", 26, 27, "Kế hoạch 81-KH/TU", "", "26–27%"],
            ["Nghệ An", "", "hi_coverage_pct", 2030, "floor", 95, "", "Kế hoạch 81-KH/TU", "", "trên 95%"],
            ["Nghệ An", "Con Cuông", "hi_coverage_pct", 2025, "point", 96, "", "", "", "mục tiêu riêng của huyện"],
        ]
        return pd.DataFrame(rows, columns=TARGETS_COLUMNS)
    raise ValueError(f"unknown template {kind!r}: choose one of {', '.join(KINDS)}")


def help_table(kind: str) -> pd.DataFrame:
    rows = []
    for col in template(kind).columns:
        if col in metrics.catalog():
            m = metrics.get(col)
            rows.append((col, m.description["vi"], m.description["en"]))
        else:
            vi, en = _UNIT_HELP.get(col, ("", ""))
            rows.append((col, vi, en))
    return pd.DataFrame(rows, columns=["column", "mô tả", "description"])


def to_bytes(kind: str, fmt: str) -> bytes:
    df = template(kind)
    if fmt == "csv":
        return df.to_csv(index=False).encode("utf-8-sig")
    if fmt == "xlsx":
        buf = io.BytesIO()
        with pd.ExcelWriter(buf, engine="openpyxl") as xl:
            df.to_excel(xl, sheet_name="data", index=False)
            help_table(kind).to_excel(xl, sheet_name="huong_dan_help", index=False)
        return buf.getvalue()
    raise ValueError(f"unknown format {fmt!r}: use csv or xlsx")


def write(kind: str, path: str | Path) -> Path:
    path = Path(path)
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in ("csv", "xlsx"):
        raise ValueError(f"{path.name}: the file name must end in .csv or .xlsx")
    path.write_bytes(to_bytes(kind, suffix))
    return path
