"""Report workbooks and CSVs shaped like the ones provincial offices keep, built with openpyxl for the ingest tests,
the browser test and the benchmark. Values are written by the tests themselves, never computed by the app."""
from __future__ import annotations

import io

import openpyxl


def sheet_spec(name, title=(), header=(), merges=(), rows=(), footer=(), percent_columns=(), blank_after_title=True):
    return dict(name=name, title=list(title), header=[list(h) for h in header], merges=list(merges),
                rows=[list(r) for r in rows], footer=list(footer), percent_columns=set(percent_columns),
                blank_after_title=blank_after_title)


def workbook(*specs) -> bytes:
    """An .xlsx with one sheet per spec: title lines (merged across the table), a blank row, the header levels with
    their merged ranges (given relative to the first header row: (row, col, row2, col2), 1-based), the rows, a blank
    row and the footer lines. Returns the file's bytes."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for spec in specs:
        ws = book.create_sheet(spec["name"])
        width = max([len(h) for h in spec["header"]] + [len(r) for r in spec["rows"]] + [1])
        r = 1
        for line in spec["title"]:
            ws.cell(r, 1, line)
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
            r += 1
        if spec["title"] and spec["blank_after_title"]:
            r += 1
        first_header = r
        for level in spec["header"]:
            for j, text in enumerate(level, start=1):
                if text is not None:
                    ws.cell(r, j, text)
            r += 1
        for r1, c1, r2, c2 in spec["merges"]:
            ws.merge_cells(start_row=first_header + r1 - 1, start_column=c1, end_row=first_header + r2 - 1,
                           end_column=c2)
        for row in spec["rows"]:
            for j, v in enumerate(row, start=1):
                if v is not None:
                    cell = ws.cell(r, j, v)
                    if j in spec["percent_columns"] and isinstance(v, (int, float)):
                        cell.number_format = "0.00%"
            r += 1
        if spec["footer"]:
            r += 1
            for line in spec["footer"]:
                ws.cell(r, 1, line)
                r += 1
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def csv_bytes(lines: list[str], delimiter: str = ";") -> bytes:
    return ("\n".join(delimiter.join(cells) if isinstance(cells, (list, tuple)) else cells for cells in lines)
            + "\n").encode("utf-8-sig")


# The analyst's report from the issue: Nghệ An districts, 2024, two-level merged header, totals and signatures.
NGHE_AN_TITLE = ["BẢO HIỂM XÃ HỘI TỈNH NGHỆ AN", "BÁO CÁO KẾT QUẢ PHÁT TRIỂN NGƯỜI THAM GIA BHXH, BHYT, BHTN",
                 "NĂM 2024"]
NGHE_AN_HEADER = [
    ["STT", "Đơn vị", "Dân số", "Số người tham gia BHYT", "Tỷ lệ bao phủ BHYT (%)", "Số người tham gia", None, None],
    [None, None, None, None, None, "BHXH bắt buộc", "BHXH tự nguyện", "BHTN"],
]
NGHE_AN_MERGES = [(1, 1, 2, 1), (1, 2, 2, 2), (1, 3, 2, 3), (1, 4, 2, 4), (1, 5, 2, 5), (1, 6, 1, 8)]
NGHE_AN_ROWS = [
    ["", "Tổng cộng", "542.400", "520.700", "", "60.300", "20.900", "54.000"],
    ["1", "TP. Vinh", "339.000", "331.545", "97,80", "52.100", "12.300", "47.800"],
    ["2", "TX. Cửa Lò", "55.000", "52.800", "96,00", "3.100", "2.900", "2.700"],
    ["3", "H. Quỳnh Lưu", "148.400", "136.355", "91,88", "5.100", "5.700", "3.500"],
]
NGHE_AN_FOOTER = ["Ghi chú: số liệu đến 31/12/2024", "Người lập biểu", "GIÁM ĐỐC"]


def nghe_an_report(rows=None, title=None) -> bytes:
    return workbook(sheet_spec("Báo cáo", title or NGHE_AN_TITLE, NGHE_AN_HEADER, NGHE_AN_MERGES,
                               rows or NGHE_AN_ROWS, NGHE_AN_FOOTER))


def province_report() -> bytes:
    """A national report by province whose rate column has a heading the catalog does not know."""
    header = [["STT", "Tỉnh, thành phố", "Dân số (người)", "Tỷ lệ người có thẻ (%)"]]
    rows = [["1", "Nghệ An", "3.470.000", "91,20"], ["2", "Hà Tĩnh", "1.320.000", "92,40"]]
    return workbook(sheet_spec("BHYT", ["BẢO HIỂM XÃ HỘI VIỆT NAM", "TỶ LỆ BAO PHỦ BHYT NĂM 2024"], header, [], rows,
                               ["Người lập biểu"]))
