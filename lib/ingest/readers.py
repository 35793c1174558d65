"""Reading user files into a table of raw cells with the row number the user sees, or problems saying why not.

Row numbers: CSV, the line in the file (header = 1); Excel, the sheet row; Parquet, record number + 1 (as if the
header were row 1). Cells stay as read (text from CSV; numbers, text or dates from Excel and Parquet): lib.ingest.validate
parses them and reports each bad cell.
"""
from __future__ import annotations

import codecs
import csv
import io
import logging
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from lib.ingest.problems import Problem

CSV_DELIMITERS = (",", ";", "\t")
ROW = "_row"  # column holding the row number
MAX_BYTES = 100 * 1024 * 1024  # larger files get a problem (the upload limit, .streamlit/config.toml, is the same)
# A CSV cell may be as long as the file (the csv module's default limit, 131,072 characters, raised an exception).
csv.field_size_limit(MAX_BYTES * 4)
log = logging.getLogger(__name__)


@dataclass
class RawTable:
    name: str
    table: pd.DataFrame | None  # raw cells + ROW; None when the file could not be read
    delimiter: str | None = None
    problems: list[Problem] = field(default_factory=list)
    repeated: dict[str, str] = field(default_factory=dict)  # column name in `table` -> header repeated in the file


def read(name: str, data: bytes) -> RawTable:
    """Read one file given its name (the extension decides the format) and its bytes; never raises: a file that
    cannot be read, whatever its bytes, gets a problem."""
    try:
        return _read(name, data)
    except Exception as err:  # noqa: BLE001 - the boundary: no exception from a file reaches the user
        log.info("reading %r failed", name, exc_info=True)  # for developers; never on a user's screen
        return RawTable(name, None, problems=[Problem(name, None, None, "unreadable",
                                                      {"error": type(err).__name__})])


def _read(name: str, data: bytes) -> RawTable:
    suffix = Path(name).suffix.lower()
    if len(data) == 0:
        return RawTable(name, None, problems=[Problem(name, None, None, "empty_file")])
    if len(data) > MAX_BYTES:
        return RawTable(name, None, problems=[Problem(name, None, None, "too_large",
                                                      {"size": len(data) // (1024 * 1024),
                                                       "limit": MAX_BYTES // (1024 * 1024)})])
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
    else:
        # UTF-16 without a byte-order mark: the zero byte of every ASCII character, all at even or all at odd places.
        head = data[:4000]
        if len(head) >= 8 and head.count(0) >= len(head) // 3:
            odd, even = head[1::2].count(0), head[0::2].count(0)
            encoding = "utf-16-le" if odd > 3 * even else "utf-16-be" if even > 3 * odd else None
            if encoding:
                try:
                    return data.decode(encoding), []
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
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as err:  # e.g. a NUL byte in a field
            bad.append(Problem(name, reader.line_num or 1, None, "bad_csv", {"error": str(err)[:120]}))
            break
        start_line = line_before + 1
        line_before = reader.line_num
        if not any(cell.strip() for cell in record):
            continue  # blank line
        if width is None:
            header = [h.strip() for h in record]
            width = len(header)
            continue
        if len(record) != width:
            if reader.line_num > start_line and any("\n" in c or "\r" in c for c in record):
                # A quote opened and not closed: the lines up to the next quote were read as one cell.
                bad.append(Problem(name, start_line, None, "unclosed_quote", {"end": reader.line_num}))
            else:
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
    columns, repeated = _dedupe_header(header)
    table = pd.DataFrame(rows, columns=columns, dtype=object)
    table[ROW] = numbers
    return RawTable(name, table, delimiter, problems + bad, repeated)


def _delim_name(d: str) -> str:
    return {",": "comma ','", ";": "semicolon ';'", "\t": "tab"}[d]


def _dedupe_header(header: list[str]) -> tuple[list[str], dict[str, str]]:
    """Unique column names for the table, and which of them repeat a header written earlier in the file."""
    taken = set(header)
    seen: set[str] = {ROW}
    out, repeated = [], {}
    for i, h in enumerate(header):
        unique = h or "unnamed"
        n = 0
        while unique in seen or (unique != h and unique in taken):
            n += 1
            unique = f"{h or 'unnamed'}.{n}"
        if h and h in seen:
            repeated[unique] = h
        seen.add(unique)
        seen.add(h)
        out.append(unique)
    return out, repeated


def _read_excel(name: str, data: bytes) -> RawTable:
    import openpyxl
    from openpyxl.utils import get_column_letter

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
    except Exception as err:  # noqa: BLE001 - any unreadable workbook is reported, not raised
        return RawTable(name, None, problems=[Problem(name, None, None, "bad_excel", {"error": _short_error(err)})])
    # Formulas: a cell written by a program (pandas, openpyxl) holds the formula without its value; Excel's own
    # files hold both. The formulas are read only when the sheets have any.
    formulas = None
    if _has_formulas(data):
        try:
            formulas = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False).worksheets[0]
        except Exception:  # noqa: BLE001 - the values were readable; a formula pass that fails changes nothing
            formulas = None
    header, rows, numbers, problems = None, [], [], []
    try:
        formula_rows = formulas.iter_rows() if formulas is not None else None
        for r, cells_in_row in enumerate(sheet.iter_rows(), start=1):
            formula_row = next(formula_rows, ()) if formula_rows is not None else ()
            values = [_excel_value(c) for c in cells_in_row]
            for i, c in enumerate(formula_row):
                f = getattr(c, "value", None)
                if i < len(values) and values[i] is None and isinstance(f, str) and f.startswith("="):
                    values[i] = _FORMULA
            if not values or all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            if header is None:
                header = ["" if v is None or v is _FORMULA else str(v).strip() for v in values]
                while header and not header[-1]:
                    header.pop()
                continue
            for i, v in enumerate(values):
                if v is _FORMULA:
                    column = header[i] if i < len(header) and header[i] else get_column_letter(i + 1)
                    problems.append(Problem(name, r, column, "formula_without_value"))
                    values[i] = None
                elif i >= len(header) and not (v is None or (isinstance(v, str) and not v.strip())):
                    problems.append(Problem(name, r, get_column_letter(i + 1), "value_without_header"))
            cells = list(values[: len(header)]) + [None] * max(0, len(header) - len(values))
            rows.append(["" if v is None else v for v in cells])
            numbers.append(r)
    except Exception as err:  # noqa: BLE001 - a damaged sheet inside an intact zip
        return RawTable(name, None, problems=[Problem(name, None, None, "bad_excel", {"error": _short_error(err)})])
    finally:
        book.close()
        if formulas is not None:
            formulas.parent.close()
    if header is None:
        return RawTable(name, None, problems=[Problem(name, None, None, "empty_file")])
    if not rows:
        return RawTable(name, None, problems=[Problem(name, 1, None, "header_only")])
    columns, repeated = _dedupe_header(header)
    table = pd.DataFrame(rows, columns=columns, dtype=object)
    table[ROW] = numbers
    return RawTable(name, table, problems=problems, repeated=repeated)


_FORMULA = object()  # a formula cell with no stored value


def _has_formulas(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return any(re.search(rb"<(\w+:)?f[ >/]", z.read(n)) for n in z.namelist()
                       if n.startswith("xl/worksheets/") and n.endswith(".xml"))
    except Exception:  # noqa: BLE001
        return False


def _short_error(err: Exception) -> str:
    """An exception as a short line for a message: its kind and text, no file paths."""
    text = re.sub(r"(/[^\s/]+)+/?", "…", str(err))[:160]
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


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
        return RawTable(name, None, problems=[Problem(name, None, None, "bad_parquet", {"error": _short_error(err)})])
    if table.empty:
        return RawTable(name, None, problems=[Problem(name, 1, None, "header_only")])
    cells = table.astype(object)
    cells = cells.where(table.notna().to_numpy(), "") if table.shape[1] else cells
    columns, repeated = _dedupe_header([str(c).strip() for c in table.columns])
    cells.columns = columns
    cells = cells.reset_index(drop=True)
    cells[ROW] = range(2, len(cells) + 2)
    return RawTable(name, cells, repeated=repeated)
