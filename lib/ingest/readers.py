"""Reading user files into a table of raw cells with the row number the user sees, or problems saying why not.

Row numbers: CSV, the line in the file (header = 1); Excel, the sheet row; Parquet, record number + 1 (as if the
header were row 1). Cells stay as read (text from CSV; numbers, text or dates from Excel and Parquet): lib.ingest.validate
parses them and reports each bad cell.
"""
from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from lib.ingest.problems import Problem

CSV_DELIMITERS = (",", ";", "\t")
ROW = "_row"  # column holding the row number


@dataclass
class RawTable:
    name: str
    table: pd.DataFrame | None  # raw cells + ROW; None when the file could not be read
    delimiter: str | None = None
    problems: list[Problem] = field(default_factory=list)


def read(name: str, data: bytes) -> RawTable:
    """Read one file given its name (the extension decides the format) and its bytes."""
    suffix = Path(name).suffix.lower()
    if len(data) == 0:
        return RawTable(name, None, problems=[Problem(name, None, None, "empty_file")])
    if suffix in (".csv", ".txt", ".tsv"):
        return _read_csv(name, data)
    if suffix in (".xlsx", ".xlsm"):
        return _read_excel(name, data)
    if suffix in (".parquet", ".pq"):
        return _read_parquet(name, data)
    if suffix == ".xls":
        return RawTable(name, None, problems=[Problem(name, None, None, "old_excel")])
    return RawTable(name, None, problems=[Problem(name, None, None, "unsupported_format", {"suffix": suffix or "?"})])


def _decode(name: str, data: bytes) -> tuple[str | None, list[Problem]]:
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Excel's "Unicode text"
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        return None, [Problem(name, line, None, "not_utf8",
                              {"byte": f"0x{data[err.start]:02X}", "line": line})]


def _sniff_delimiter(header: str) -> str | None:
    """The delimiter that splits the header into the most columns (quotes respected)."""
    best, best_n = None, 1
    for delim in CSV_DELIMITERS:
        n = len(next(csv.reader([header], delimiter=delim), []))
        if n > best_n:
            best, best_n = delim, n
    return best


def _read_csv(name: str, data: bytes) -> RawTable:
    text, problems = _decode(name, data)
    if text is None:
        return RawTable(name, None, problems=problems)
    lines = text.splitlines()
    first = next((i for i, ln in enumerate(lines) if ln.strip()), None)
    if first is None:
        return RawTable(name, None, problems=[Problem(name, None, None, "empty_file")])
    header_line = lines[first]
    delimiter = _sniff_delimiter(header_line)
    if delimiter is None:
        return RawTable(name, None, problems=[Problem(name, first + 1, None, "no_delimiter",
                                                      {"header": header_line[:80]})])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows, numbers, width, bad = [], [], None, []
    header: list[str] = []
    line_before = 0
    for record in reader:
        start_line = line_before + 1
        line_before = reader.line_num
        if not any(cell.strip() for cell in record):
            continue  # blank line
        if width is None:
            header = [h.strip() for h in record]
            width = len(header)
            continue
        if len(record) != width:
            bad.append(Problem(name, start_line, None, "field_count",
                               {"found": len(record), "expected": width, "delimiter": _delim_name(delimiter)}))
            continue
        rows.append(record)
        numbers.append(start_line)
    if not rows and not bad:
        return RawTable(name, None, delimiter, [Problem(name, first + 1, None, "header_only")])
    if not rows:
        return RawTable(name, None, delimiter, bad)
    # Rows of the wrong width are reported; the others are still checked so that every problem shows at once.
    table = pd.DataFrame(rows, columns=_dedupe_header(header), dtype=object)
    table[ROW] = numbers
    return RawTable(name, table, delimiter, problems + bad)


def _delim_name(d: str) -> str:
    return {",": "comma ','", ";": "semicolon ';'", "\t": "tab"}[d]


def _dedupe_header(header: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for h in header:
        h = h or "unnamed"
        if h in seen:
            seen[h] += 1
            out.append(f"{h}.{seen[h]}")
        else:
            seen[h] = 0
            out.append(h)
    return out


def _read_excel(name: str, data: bytes) -> RawTable:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as err:  # noqa: BLE001 - any unreadable workbook is reported, not raised
        return RawTable(name, None, problems=[Problem(name, None, None, "bad_excel", {"error": str(err)[:200]})])
    sheet = book.worksheets[0]
    header, rows, numbers = None, [], []
    for r, cells_in_row in enumerate(sheet.iter_rows(), start=1):
        values = [_excel_value(c) for c in cells_in_row]
        if not values or all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        if header is None:
            header = ["" if v is None else str(v).strip() for v in values]
            while header and not header[-1]:
                header.pop()
            continue
        cells = list(values[: len(header)]) + [None] * max(0, len(header) - len(values))
        rows.append(["" if v is None else v for v in cells])
        numbers.append(r)
    book.close()
    if header is None:
        return RawTable(name, None, problems=[Problem(name, None, None, "empty_file")])
    if not rows:
        return RawTable(name, None, problems=[Problem(name, 1, None, "header_only")])
    table = pd.DataFrame(rows, columns=_dedupe_header(header), dtype=object)
    table[ROW] = numbers
    return RawTable(name, table)


def _excel_value(cell):
    """A cell's value as the user sees it: a number formatted as per cent (0.9335 shown as 93.35%) becomes 93.35."""
    value = getattr(cell, "value", None)
    fmt = getattr(cell, "number_format", "") or ""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and "%" in fmt:
        return value * 100.0
    return value


def _read_parquet(name: str, data: bytes) -> RawTable:
    try:
        table = pd.read_parquet(io.BytesIO(data))
    except Exception as err:  # noqa: BLE001
        return RawTable(name, None, problems=[Problem(name, None, None, "bad_parquet", {"error": str(err)[:200]})])
    if table.empty:
        return RawTable(name, None, problems=[Problem(name, 1, None, "header_only")])
    table = table.astype(object).where(table.notna(), "")
    table.columns = _dedupe_header([str(c).strip() for c in table.columns])
    table[ROW] = range(2, len(table) + 2)
    return RawTable(name, table.reset_index(drop=True))
