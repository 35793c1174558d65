"""Find the table in a report as offices keep it: title rows above a header of one to three levels with merged cells,
flattened into one name per column.

`sheets(name, data)` reads every sheet of an .xlsx workbook (or the one table of a CSV) into a `Grid` of cells with
the row numbers Excel shows; `find_table(grid)` finds the header by scoring rows against the headings catalog
(lib/catalog/headings.toml) and returns a `Table`: title lines above, header rows, one `Column` per column (the
user's own heading, flattened: "BHYT / Tỷ lệ"), and the body rows under the header.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from lib.ingest import headings
from lib.ingest.problems import Problem
from lib.ingest.readers import _decode, _excel_value

MAX_HEADER_SEARCH = 40  # header rows are looked for among the first rows of a sheet
MAX_DEPTH = 3  # header levels
_MERGE = re.compile(rb'<mergeCell ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


@dataclass
class Grid:
    sheet: str  # sheet name ("" for a CSV)
    rows: list[list]  # cell values; trailing empty cells trimmed
    numbers: list[int]  # the row number the user sees (Excel row, CSV line), one per row
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # (row1, col1, row2, col2), 1-based

    def cell(self, i: int, j: int):
        row = self.rows[i]
        return row[j] if j < len(row) else None


@dataclass
class Column:
    index: int  # 0-based position in the sheet
    heading: str  # the user's heading, levels joined with " / "
    leaf: str  # the last header level alone
    target: str | None  # metric id or role understood from the catalog; None = ignored

    @property
    def letter(self) -> str:
        return column_letter(self.index + 1)


@dataclass
class Table:
    sheet: str
    title: list[str]  # text of the rows above the header
    header_rows: list[int]  # Excel row numbers of the header levels
    columns: list[Column]
    body: list[tuple[int, list]]  # (Excel row, cells) under the header, blank rows included
    score: int = 0
    above: list[tuple[int, str]] = field(default_factory=list)  # (Excel row, text) of every row above the header


def column_letter(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


@lru_cache(maxsize=4096)
def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.decode():
        n = n * 26 + ord(ch) - 64
    return n


def _blank(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


# -- reading -------------------------------------------------------------------------------------------------------
def sheets(name: str, data: bytes) -> tuple[list[Grid], list[Problem]]:
    suffix = Path(name).suffix.lower()
    if not data:
        return [], [Problem(name, None, None, "empty_file")]
    if suffix in (".xlsx", ".xlsm"):
        try:
            return _excel_fast(data), []
        except Exception:  # noqa: BLE001 - anything unusual: openpyxl reads it (and reports what it cannot)
            return _excel(name, data)
    if suffix in (".csv", ".txt", ".tsv"):
        return _csv(name, data)
    if suffix == ".xls":
        return [], [Problem(name, None, None, "old_excel")]
    return [], [Problem(name, None, None, "unsupported_format", {"suffix": suffix or "?"})]


def _excel(name: str, data: bytes) -> tuple[list[Grid], list[Problem]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as err:  # noqa: BLE001 - any unreadable workbook is reported, not raised
        return [], [Problem(name, None, None, "bad_excel", {"error": str(err)[:200]})]
    grids = []
    try:
        for ws in book.worksheets:
            rows, numbers = [], []
            for r, cells in enumerate(ws.iter_rows(), start=1):
                values = [_excel_value(c) for c in cells]
                while values and _blank(values[-1]):
                    values.pop()
                rows.append(values)  # blank rows too: each is accounted for in the preview
                numbers.append(r)
            _trim(rows, numbers)
            merged = []
            path = getattr(ws, "_worksheet_path", None)
            if path:  # read-only sheets do not list merged ranges: read them from the sheet's XML
                xml = book._archive.read(path)
                tail = xml[xml.rfind(b"</sheetData>"):] if b"</sheetData>" in xml else xml
                merged = [(int(r1), _column_number(c1), int(r2), _column_number(c2))
                          for c1, r1, c2, r2 in _MERGE.findall(tail)]
            grids.append(Grid(ws.title, rows, numbers, merged))
    except Exception as err:  # noqa: BLE001
        return [], [Problem(name, None, None, "bad_excel", {"error": str(err)[:200]})]
    finally:
        book.close()
    return grids, []


# A direct reader of the sheets' XML: the same cells as openpyxl's read-only mode (data_only), several times faster on
# large workbooks. It handles shared and inline strings, numbers, booleans, per cent and date formats, merged ranges;
# any other construct raises and openpyxl reads the file instead.
_ROW_RE = re.compile(r'<row\b([^>]*?)(?:/>|>(.*?)</row>)', re.S)
_CELL_RE = re.compile(r'<c\b([^>]*?)(?:/>|>(.*?)</c>)', re.S)
_ATTR_RE = re.compile(r'(\w+)="([^"]*)"')
_V_RE = re.compile(r'<v>(.*?)</v>', re.S)
_T_RE = re.compile(r'<t(?:\s[^>]*)?>(.*?)</t>|<t\s*/>', re.S)
_SI_RE = re.compile(r'<si>(.*?)</si>|<si\s*/>', re.S)
_RPH_RE = re.compile(r'<rPh\b.*?</rPh>', re.S)
_REF_RE = re.compile(r'([A-Z]+)(\d+)')
_DATE_IDS = set(range(14, 23)) | set(range(45, 48))
_PERCENT_IDS = {9, 10}


def _xml_text(text: str) -> str:
    import html

    return html.unescape(text) if "&" in text else text


def _strings(xml: str) -> list[str]:
    out = []
    for m in _SI_RE.finditer(xml):
        body = _RPH_RE.sub("", m.group(1) or "")
        out.append(_xml_text("".join(t.group(1) or "" for t in _T_RE.finditer(body))))
    return out


def _styles(xml: str) -> list[str]:
    """Per cell style index: "percent", "date" or ""."""
    custom = {}
    for m in re.finditer(r'<numFmt\b([^>]*)/?>', xml):
        a = dict(_ATTR_RE.findall(m.group(1)))
        custom[int(a.get("numFmtId", -1))] = _xml_text(a.get("formatCode", ""))
    xfs = re.search(r'<cellXfs\b[^>]*>(.*?)</cellXfs>', xml, re.S)
    out = []
    for m in re.finditer(r'<xf\b([^>]*?)(?:/>|>)', xfs.group(1) if xfs else ""):
        fid = int(dict(_ATTR_RE.findall(m.group(1))).get("numFmtId", 0))
        code = re.sub(r'"[^"]*"|\[[^\]]*\]', "", custom.get(fid, ""))
        if fid in _PERCENT_IDS or "%" in code:
            out.append("percent")
        elif fid in _DATE_IDS or (fid in custom and re.search(r"[dy]", code, re.I)):
            out.append("date")
        else:
            out.append("")
    return out


def _excel_fast(data: bytes) -> list[Grid]:
    import zipfile

    from openpyxl.utils.datetime import from_excel

    z = zipfile.ZipFile(io.BytesIO(data))
    names = set(z.namelist())
    book = z.read("xl/workbook.xml").decode("utf-8")
    rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    targets = {}
    for m in re.finditer(r'<Relationship\b([^>]*)/?>', rels):
        a = dict(_ATTR_RE.findall(m.group(1)))
        targets[a.get("Id")] = a.get("Target", "")
    strings = _strings(z.read("xl/sharedStrings.xml").decode("utf-8")) if "xl/sharedStrings.xml" in names else []
    styles = _styles(z.read("xl/styles.xml").decode("utf-8")) if "xl/styles.xml" in names else []
    if "date1904" in book and re.search(r'date1904="(1|true)"', book):
        raise ValueError("1904 dates: left to openpyxl")
    grids = []
    for m in re.finditer(r'<sheet\b([^>]*?)/?>', book):
        attrs = m.group(1)
        title = _xml_text(re.search(r'\bname="([^"]*)"', attrs).group(1))
        rid = re.search(r'\br:id="([^"]*)"', attrs) or re.search(r'\bid="([^"]*)"', attrs)
        target = targets[rid.group(1)]
        path = target.lstrip("/") if target.startswith("/") else "xl/" + target
        if path not in names:
            raise KeyError(path)
        xml = z.read(path).decode("utf-8")
        rows, numbers = [], []
        end = xml.find("</sheetData>")
        body = xml[xml.find("<sheetData"):end if end >= 0 else len(xml)]
        next_row = 1
        for rm in _ROW_RE.finditer(body):
            ra = dict(_ATTR_RE.findall(rm.group(1)))
            r = int(ra["r"]) if "r" in ra else next_row
            for gap in range(next_row, r):  # rows absent from the file are blank rows
                rows.append([])
                numbers.append(gap)
            next_row = r + 1
            values: list = []
            next_col = 0
            for cm in _CELL_RE.finditer(rm.group(2) or ""):
                ca = dict(_ATTR_RE.findall(cm.group(1)))
                if "r" in ca:
                    ref = _REF_RE.match(ca["r"])
                    col = _column_number(ref.group(1).encode()) - 1
                else:
                    col = next_col
                next_col = col + 1
                inner = cm.group(2) or ""
                kind = ca.get("t", "n")
                v = _V_RE.search(inner)
                if kind == "inlineStr":
                    value = _xml_text("".join(t.group(1) or "" for t in _T_RE.finditer(_RPH_RE.sub("", inner))))
                elif v is None:
                    value = None
                elif kind == "s":
                    value = strings[int(v.group(1))]
                elif kind in ("str", "e"):
                    value = _xml_text(v.group(1))
                elif kind == "b":
                    value = v.group(1).strip() in ("1", "true")
                elif kind == "d":
                    raise ValueError("ISO dates: left to openpyxl")
                else:
                    text = v.group(1).strip()
                    num = float(text)
                    value = int(num) if num.is_integer() and "." not in text and "E" not in text.upper() else num
                    style = styles[int(ca["s"])] if "s" in ca and int(ca["s"]) < len(styles) else ""
                    if style == "percent":
                        value = value * 100.0
                    elif style == "date":
                        value = from_excel(value)
                if value == "":
                    value = None
                if col >= len(values):
                    values.extend([None] * (col - len(values) + 1))
                values[col] = value
            while values and _blank(values[-1]):
                values.pop()
            rows.append(values)
            numbers.append(r)
        _trim(rows, numbers)
        tail = xml[end:] if end >= 0 else ""
        merged = [(int(r1), _column_number(c1.encode()), int(r2), _column_number(c2.encode()))
                  for c1, r1, c2, r2 in re.findall(r'<mergeCell ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"', tail)]
        grids.append(Grid(title, rows, numbers, merged))
    return grids


def _csv(name: str, data: bytes) -> tuple[list[Grid], list[Problem]]:
    text, problems = _decode(name, data)
    if text is None:
        return [], problems
    lines = text.splitlines()[:MAX_HEADER_SEARCH]
    best, best_n = ",", 0
    for delim in (",", ";", "\t"):
        n = max((len(next(csv.reader([ln], delimiter=delim), [])) for ln in lines if ln.strip()), default=0)
        if n > best_n:
            best, best_n = delim, n
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=best)
    rows, numbers, before = [], [], 0
    for record in reader:
        start, before = before + 1, reader.line_num
        values = [c if c.strip() else None for c in record]
        while values and values[-1] is None:
            values.pop()
        rows.append(values)
        numbers.append(start)
    _trim(rows, numbers)
    return [Grid("", rows, numbers)], []


def _trim(rows: list, numbers: list) -> None:
    """Drop the blank rows above the first and below the last filled row."""
    while rows and not rows[-1]:
        rows.pop(), numbers.pop()
    while rows and not rows[0]:
        rows.pop(0), numbers.pop(0)


# -- finding the table ---------------------------------------------------------------------------------------------
def _filled_header(grid: Grid, first: int, last: int) -> list[list[str]]:
    """Rows first..last (grid indexes) as text, merged ranges filled with their top-left value."""
    width = max((len(grid.rows[i]) for i in range(first, last + 1)), default=0)
    excel_rows = grid.numbers[first:last + 1]
    index_of = {n: i for i, n in enumerate(excel_rows)}
    out = [[_text(grid.cell(i, j)) for j in range(width)] for i in range(first, last + 1)]
    for r1, c1, r2, c2 in grid.merged:
        if r2 < excel_rows[0] or r1 > excel_rows[-1]:
            continue
        top = _text(_cell_at(grid, r1, c1 - 1))
        for r in range(r1, r2 + 1):
            if r not in index_of:
                continue
            for c in range(c1 - 1, min(c2, width)):
                if not out[index_of[r]][c]:
                    out[index_of[r]][c] = top
    return out


def _cell_at(grid: Grid, excel_row: int, j: int):
    try:
        i = grid.numbers.index(excel_row)
    except ValueError:
        return None
    return grid.cell(i, j)


def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return " ".join(str(v).split())


def flatten(levels: list[list[str]]) -> list[tuple[str, str]]:
    """(heading, leaf) per column: the levels' texts top to bottom, repeats (from merged cells) once."""
    width = max((len(r) for r in levels), default=0)
    out = []
    for j in range(width):
        parts: list[str] = []
        for row in levels:
            text = row[j] if j < len(row) else ""
            if text and (not parts or parts[-1] != text):
                parts.append(text)
        out.append((" / ".join(parts), parts[-1] if parts else ""))
    return out


def _score(cols: list[tuple[str, str]]) -> tuple[int, int, bool]:
    """(distinct targets, repeated targets, has a unit column) of a candidate header."""
    found = [x for x in (headings.match(h, leaf) for h, leaf in cols) if x is not None]
    has_unit = any(x in headings.UNIT_ROLES for x in found)
    return len(set(found)), len(found) - len(set(found)), has_unit


def find_table(grid: Grid) -> Table | None:
    """The table in a sheet, or None when no row reads as a header with a unit column and a known column."""
    if not grid.rows:
        return None
    best = None  # (score, -depth, -start), start, depth, cols
    limit = min(len(grid.rows), MAX_HEADER_SEARCH)
    for start in range(limit):
        if sum(1 for c in grid.rows[start] if not _blank(c)) < 2 and not _has_merge_from(grid, start):
            continue
        for depth in range(1, MAX_DEPTH + 1):
            if start + depth > len(grid.rows):
                break
            # header levels are consecutive sheet rows
            if grid.numbers[start + depth - 1] - grid.numbers[start] != depth - 1:
                break
            cols = flatten(_filled_header(grid, start, start + depth - 1))
            n, repeats, has_unit = _score(cols)
            if not has_unit or n < 2:
                continue
            key = (n, -repeats, -depth, -start)
            if best is None or key > best[0]:
                best = (key, start, depth, cols)
    if best is None:
        return None
    (score, _, _, _), start, depth, cols = best
    # a level above that is merged down into the header belongs to it ("Đơn vị" over two rows, a group heading)
    while start > 0 and depth < MAX_DEPTH and grid.numbers[start] - grid.numbers[start - 1] == 1 and any(
            r1 <= grid.numbers[start - 1] and r2 >= grid.numbers[start] for r1, _, r2, _ in grid.merged):
        start, depth = start - 1, depth + 1
        cols = flatten(_filled_header(grid, start, start + depth - 1))
    columns = [Column(j, heading, leaf, headings.match(heading, leaf)) for j, (heading, leaf) in enumerate(cols)]
    title = [" ".join(_text(c) for c in grid.rows[i] if not _blank(c)) for i in range(start)]
    body = [(grid.numbers[i], grid.rows[i]) for i in range(start + depth, len(grid.rows))]
    table = Table(grid.sheet, [x for x in title if x], grid.numbers[start:start + depth], columns, body, score)
    table.above = [(grid.numbers[i], title[i]) for i in range(start)]
    return table


def _has_merge_from(grid: Grid, i: int) -> bool:
    n = grid.numbers[i]
    return any(r1 == n for r1, _, _, _ in grid.merged)
