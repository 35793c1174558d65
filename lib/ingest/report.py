"""Reports as offices keep them: read -> find the table -> map columns -> classify rows -> resolve units -> validate.

`preview(name, data, mapping)` reads a CSV or every sheet of a workbook and says, per sheet, where the table is, what
each column means, the province and period understood (from columns, the title rows or the sheet name), the rows as
they will be loaded and every row skipped and why. `load(report)` hands each sheet, as a plain wide table, to the
existing validation (lib.ingest.validate.validate_table) and adds the checks an office expects
(lib.ingest.office_checks). A file with any error loads nothing.

Files already in the app's own template (a header on the first row that validation understands: unit, year and
metric columns by id, or the long and targets layouts) go straight to lib.ingest.validate as before (`is_template`).
"""
from __future__ import annotations

import dataclasses
import functools
import json
import re
import threading
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from lib import admin, fmt, metrics, periods
from lib.i18n import t
from lib.ingest import headings, office_checks
from lib.ingest.problems import Problem
from lib.ingest.readers import ROW, RawTable
from lib.ingest.tables import Column, Table, find_table, sheets
from lib.ingest import validate as validate_mod
from lib.model import Dataset, normalise_observations, normalise_targets
from lib.text import ascii_fold

PREVIEW_ROWS = 20


@functools.lru_cache(maxsize=100_000)
def _resolve(level: str, name, parent: str | None = None) -> admin.Match:
    """admin.resolve, remembered: the same names come back on every sheet of a workbook (do not modify the result)."""
    return admin.resolve(level, name, parent)
IGNORE = ""  # mapping target meaning "ignore this column"
_DASHES = {"-", "–", "—", "--", "x", "X"}
_ROMAN_LABEL = re.compile(r"^(?:[IVXLC]{1,6}|[A-Z])[.)]\s+\S")


# -- the user's choices --------------------------------------------------------------------------------------------
@dataclass
class Mapping:
    """What the user confirmed for files of one shape: heading -> metric (or ignore), province, period, former units."""
    columns: dict[str, str] = field(default_factory=dict)  # headings.fold(heading) -> target, "" = ignore
    province: str | None = None  # unit id; overrides the title
    period: str | None = None  # "2024" (year) or "2024-07"; overrides the title
    former: str = "keep"  # keep (not loaded, kept for history) | merge (added into the successor)

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), ensure_ascii=False, sort_keys=True, indent=1)

    @classmethod
    def from_json(cls, text: str | bytes) -> "Mapping":
        raw = json.loads(text)
        if not isinstance(raw, dict):
            raise ValueError("a mapping is a JSON object")
        columns = raw.get("columns") or {}
        if not isinstance(columns, dict):
            raise ValueError("'columns' must map headings to metrics")
        known = set(metrics.stored_ids()) | set(headings.ROLES) | {IGNORE}
        bad = [v for v in columns.values() if v not in known]
        if bad:
            raise ValueError(f"unknown metric in the mapping: {', '.join(map(str, bad[:3]))}")
        province = raw.get("province") or None
        if province is not None and province not in admin.units().index:
            raise ValueError(f"unknown province in the mapping: {province}")
        former = raw.get("former") or "keep"
        if former not in ("keep", "merge"):
            raise ValueError("'former' must be keep or merge")
        period = str(raw["period"]).strip() if raw.get("period") not in (None, "") else None
        return cls({headings.fold(k): v for k, v in columns.items()}, province, period, former)


# -- what a preview holds ------------------------------------------------------------------------------------------
@dataclass
class Row:
    row: int  # Excel row
    label: str  # the unit as written
    uid: str | None
    cells: list
    kind: str = "unit"  # unit | total | former
    successor: str | None = None  # for a former unit: where it went


@dataclass
class SheetReport:
    file: str
    sheet: str
    table: Table | None
    columns: list[Column] = field(default_factory=list)
    unit_column: Column | None = None
    level: str | None = None  # province | district | province_2025 | commune
    province: str | None = None  # legacy province id (districts) or 2025 province id (communes)
    province_from: str | None = None  # column | title | sheet | user | None
    period: periods.Period | None = None
    period_from: str | None = None  # column | title | sheet | user | None
    found_provinces: list[str] = field(default_factory=list)  # what the title said, when unclear
    found_periods: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    totals: list[Row] = field(default_factory=list)
    skipped: list[tuple[int, str, str]] = field(default_factory=list)  # (Excel row, label, reason)
    problems: list[Problem] = field(default_factory=list)
    vi_numbers: bool = True
    wide: pd.DataFrame | None = None  # the table handed to validation
    cache: dict = field(default_factory=dict, repr=False)  # the last parsed values (see values())

    @property
    def where(self) -> str:
        return f"{self.file}:{self.sheet}" if self.sheet else self.file

    @property
    def metric_columns(self) -> list[Column]:
        return [c for c in self.columns if c.target in metrics.catalog()]

    def column_heading(self, target: str) -> str | None:
        for c in self.columns:
            if c.target == target:
                return c.heading
        return None


@dataclass
class FileReport:
    name: str
    sheets: list[SheetReport] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # all of them, file-level and per sheet, after load
    dataset: Dataset | None = None
    province_checks: pd.DataFrame | None = None
    loaded: bool = False

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.all_problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.all_problems if not p.is_error]

    @property
    def all_problems(self) -> list[Problem]:
        return self.problems + [p for s in self.sheets for p in s.problems]

    @property
    def ok(self) -> bool:
        return not self.errors

    def tidy(self) -> pd.DataFrame:
        """unit, unit_name, year, period, metric, value, status, source (file:sheet:row)."""
        if self.dataset is None:
            return pd.DataFrame(columns=["unit", "unit_name", "year", "period", "metric", "value", "status",
                                         "source"])
        obs = self.dataset.observations
        out = pd.DataFrame({"unit": obs["unit"].astype(str), "year": obs["year"].astype(int),
                            "period": obs["period"].astype(str), "metric": obs["metric"].astype(str),
                            "value": obs["value"].astype(float), "status": obs["status"].astype(str),
                            "source": obs["source"].astype(str)})
        out.insert(1, "unit_name", [admin.display_name(u, with_parent=True) for u in out["unit"]])
        return out


# -- recognising files ---------------------------------------------------------------------------------------------
def is_template(name: str, data: bytes) -> bool:
    """A file whose first row is a header that the template validation understands (unit, year and metric ids, or
    metric + value, or a targets file): it keeps the template path."""
    if not name.lower().endswith((".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".parquet", ".pq")):
        return True  # the template path reports unsupported formats
    if name.lower().endswith((".parquet", ".pq")):
        return True
    grids, problems = _read(name, data)
    first = next((row for g in grids[:1] for row in g.rows if any(not _blank(c) for c in row)), None)
    if problems or first is None:
        return True  # the template path reports what is wrong with the file
    keys = {validate_mod.header_key(c) for c in first if not _blank(c)}
    canon = {validate_mod._HEADER[k] for k in keys if k in validate_mod._HEADER}
    metric_keys = {validate_mod.header_key(m) for m in metrics.stored_ids()}
    has_unit = bool(canon & set(validate_mod.UNIT_COLUMNS))
    return has_unit and "year" in canon and (bool(keys & metric_keys) or "metric" in canon)


# -- preview -------------------------------------------------------------------------------------------------------
_READ: dict = {}  # the last files read: (name, sha256) -> (grids, problems); a changed choice does not read again
_READ_LOCK = threading.Lock()  # sessions run in threads of one process


def _read(name: str, data: bytes):
    import hashlib

    key = (name, hashlib.sha256(data).hexdigest())
    with _READ_LOCK:
        found = _READ.get(key)
    if found is None:
        found = sheets(name, data)
        with _READ_LOCK:
            while len(_READ) >= 4:
                _READ.pop(next(iter(_READ)))
            _READ[key] = found
    return found


def preview(name: str, data: bytes, mapping: Mapping | None = None, today=None, lang: str = "vi") -> FileReport:
    """Read and understand a report; messages in `lang`."""
    mapping = mapping or Mapping()
    grids, problems = _read(name, data)
    report = FileReport(name, problems=list(problems))
    for grid in grids:
        try:
            report.sheets.append(_sheet(name, grid, mapping, today, lang))
        except Exception as err:  # noqa: BLE001 - a sheet we cannot understand is reported, never raised
            failed = SheetReport(name, grid.sheet, None)
            failed.problems.append(Problem(failed.where, None, None, "report_sheet_failed",
                                           {"error": f"{type(err).__name__}: {err}"[:200]}))
            report.sheets.append(failed)
    if grids and not any(s.table is not None for s in report.sheets):
        report.problems.append(Problem(name, None, None, "report_no_table"))
    return report


def _sheet(name: str, grid, mapping: Mapping, today, lang: str) -> SheetReport:
    s = SheetReport(name, grid.sheet, find_table(grid))
    if s.table is None:
        if grid.rows:
            s.skipped = [(n, _row_label(r), "no_table") for n, r in zip(grid.numbers, grid.rows)]
        return s
    table = s.table
    s.columns = [dataclasses.replace(c, target=mapping.columns.get(headings.fold(c.heading), c.target) or None)
                 for c in table.columns]
    for c in s.columns:  # a role or metric in two columns: the first is used, the others ignored
        if c.target and [x.index for x in s.columns if x.target == c.target][0] != c.index:
            s.problems.append(Problem(s.where, table.header_rows[-1], c.heading, "report_same_target", {
                "other": s.column_heading(c.target)}, "warning"))
            c.target = None
    not_billions = set(headings.catalog()["normalise"]["money_not_billions"])
    for c in s.metric_columns:
        if metrics.get(c.target).kind == "money" and set(headings.fold(c.heading).split()) & not_billions:
            s.problems.append(Problem(s.where, table.header_rows[-1], c.heading, "report_money_unit"))
    units = [c for c in s.columns if c.target in headings.UNIT_ROLES]
    province_col = next((c for c in s.columns if c.target == "province"), None)
    s.unit_column = next((c for c in units if c.target != "province"), province_col)
    s.vi_numbers = any(ascii_fold(c.heading) != c.heading for c in s.columns) or \
        any(ascii_fold(x) != x for x in table.title)
    _understand_period(s, mapping, today)
    _understand_province(s, mapping)
    _classify_rows(s, mapping, province_col, lang)
    above = [(row, text, "title" if text else "blank") for row, text in table.above]
    header = [(row, "", "header") for row in table.header_rows]
    s.skipped = above + header + s.skipped
    return s


def _title_lines(s: SheetReport) -> list[str]:
    return [headings.fold(x) for x in s.table.title] + ([headings.fold(s.sheet)] if s.sheet else [])


def _understand_period(s: SheetReport, mapping: Mapping, today):
    if any(c.target in ("year", "period") for c in s.columns):
        s.period_from = "column"
        return
    if mapping.period:
        try:
            s.period, s.period_from = _parse_choice(mapping.period), "user"
            return
        except ValueError:
            s.problems.append(Problem(s.where, None, None, "report_bad_period_choice", {"value": mapping.period}))
    patterns, ignore, _ = headings.title_patterns()
    found: dict[str, periods.Period] = {}
    origin = {}
    lines = [(x, "title") for x in _title_lines(s)[:-1 if s.sheet else None]] + \
        ([(headings.fold(s.sheet), "sheet")] if s.sheet else [])
    for line, where in lines:
        if any(p.search(line) for p in ignore):
            continue
        for pattern, kind in patterns:
            for m in pattern.finditer(line):
                g = m.groupdict()
                year = int(g["year"])
                if kind == "month":
                    month = int(g["month"])
                    if not 1 <= month <= 12:
                        continue
                    p = periods.make(year, month)
                elif kind == "quarter":
                    q = {"i": 1, "ii": 2, "iii": 3, "iv": 4}.get(g["quarter"], None) or int(g["quarter"])
                    p = periods.make(year, 3 * q)
                else:
                    p = periods.Period(year, None)
                found.setdefault(p.code if p.month else str(year), p)
                origin.setdefault(p.code if p.month else str(year), where)
    # "6 tháng đầu năm 2024" also reads as "năm 2024": a month of a year wins over the bare year
    months = {k: p for k, p in found.items() if p.month}
    years = {k: p for k, p in found.items() if not p.month and not any(m.year == p.year for m in months.values())}
    chosen = {**months, **years}
    s.found_periods = sorted(chosen)
    if len(chosen) == 1:
        key = next(iter(chosen))
        s.period, s.period_from = chosen[key], origin[key]


def _parse_choice(text: str) -> periods.Period:
    text = str(text).strip()
    if re.fullmatch(r"\d{4}", text):
        return periods.Period(int(text), None)
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", text) or re.fullmatch(r"(?:T|th[aá]ng\s*)?(\d{1,2})/(\d{4})", text, re.I)
    if m:
        year, month = (m.group(1), m.group(2)) if len(m.group(1)) == 4 else (m.group(2), m.group(1))
        if 1 <= int(month) <= 12:
            return periods.make(int(year), int(month))
    raise ValueError(text)


def _structure(s: SheetReport) -> str | None:
    return periods.structure_of(s.period) if s.period is not None else None


def _understand_province(s: SheetReport, mapping: Mapping):
    """The province the units lie in: from a column, the user's choice, the title or the sheet name."""
    if any(c.target == "province" for c in s.columns) and s.unit_column is not None \
            and s.unit_column.target != "province":
        s.province_from = "column"
        return
    level = "province_2025" if _structure(s) == "2025" else "province"
    if mapping.province:
        s.province, s.province_from = _as_level(mapping.province, level), "user"
        return
    _, _, prefixes = headings.title_patterns()
    found, origin = [], {}
    lines = [(headings.fold(x), "title") for x in s.table.title] + \
        ([(headings.fold(s.sheet), "sheet")] if s.sheet else [])
    for line, where in lines:
        words = line.split()
        for i in range(len(words)):
            for prefix in prefixes:
                pw = prefix.split()
                if words[i:i + len(pw)] != pw:
                    continue
                rest = words[i + len(pw):]
                for n in range(min(4, len(rest)), 0, -1):
                    m = _resolve(level, " ".join(rest[:n]))
                    if m.ok:
                        if m.uid not in found:
                            found.append(m.uid)
                            origin[m.uid] = where
                        break
        if where == "sheet":
            m = _resolve(level, line)
            if m.ok and m.uid not in found:
                found.append(m.uid)
                origin[m.uid] = where
    s.found_provinces = found
    if len(found) == 1:
        s.province, s.province_from = found[0], origin[found[0]]


def _as_level(uid: str, level: str) -> str:
    """A province id at the level the period needs (the 34 new provinces kept their codes where they continue)."""
    lvl, code = admin.split_unit_id(uid)
    if lvl == level:
        return uid
    if lvl == "province" and level == "province_2025":
        new = admin.legacy_to_2025_province_codes().get(code)
        return admin.unit_id(level, new) if new else uid
    candidate = admin.unit_id(level, code)
    return candidate if candidate in admin.units().index else uid


def _row_label(cells) -> str:
    for c in cells:
        if isinstance(c, str) and c.strip():
            return " ".join(c.split())
    return ""


def _cell(cells, j):
    return cells[j] if j < len(cells) else None


def _blank(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _classify_rows(s: SheetReport, mapping: Mapping, province_col: Column | None, lang: str):
    table = s.table
    if s.unit_column is None:
        s.problems.append(Problem(s.where, table.header_rows[-1], None, "report_no_unit_column"))
        return
    uc = s.unit_column.index
    stt = next((c.index for c in s.columns if c.target == "stt"), None)
    value_cols = [c.index for c in s.metric_columns]
    candidates: list[tuple[int, str, list]] = []
    ended = False
    first = True
    for row, cells in table.body:
        label_cell = _cell(cells, uc)
        label = " ".join(str(label_cell).split()) if not _blank(label_cell) else ""
        if ended:
            s.skipped.append((row, _row_label(cells), "notes"))
            continue
        if all(_blank(c) for c in cells):
            s.skipped.append((row, "", "blank"))
            continue
        any_label = _row_label(cells)
        if headings.is_signature(any_label) and not any(_numeric(_cell(cells, j)) for j in value_cols):
            ended = True
            s.skipped.append((row, any_label, "notes"))
            continue
        if first and headings.is_column_numbers(cells):
            s.skipped.append((row, " ".join(str(c) for c in cells if not _blank(c)), "column_numbers"))
            first = False
            continue
        first = False
        if _is_header_again(s, cells):
            s.skipped.append((row, label, "header_again"))
            continue
        if headings.is_total_label(label or any_label):
            s.totals.append(Row(row, label or any_label, None, cells, "total"))
            s.skipped.append((row, label or any_label, "total"))
            continue
        mark = _cell(cells, stt) if stt is not None else None
        if isinstance(mark, str) and headings.is_group_mark(mark):
            s.skipped.append((row, label, "group"))
            continue
        if not label:
            if any(not _blank(_cell(cells, j)) for j in value_cols):
                s.problems.append(Problem(s.where, row, s.unit_column.heading, "report_no_unit_name"))
            else:
                s.skipped.append((row, any_label, "no_values"))
            continue
        candidates.append((row, label, cells))
    _resolve_units(s, candidates, mapping, province_col, lang)
    s.skipped.sort(key=lambda x: x[0])


_NUMERIC = re.compile(r"^[-+]?[\d.,\s\u00a0]*\d[\d.,\s\u00a0]*%?$")


def _numeric(v) -> bool:
    if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool):
        return True
    return isinstance(v, str) and bool(_NUMERIC.match(v.strip()))


def _is_header_again(s: SheetReport, cells) -> bool:
    heads = [c.leaf for c in s.columns if c.leaf]
    texts = [" ".join(str(c).split()) for c in cells if isinstance(c, str)]
    return len(heads) >= 2 and sum(1 for x in texts if x in heads) >= max(2, len(heads) // 2)


_LEVELS_FOR_ROLE = {"district": ["district"], "commune": ["commune"], "province": ["province", "province_2025"],
                    "unit": ["district", "commune", "province", "province_2025"]}


def _resolve_units(s: SheetReport, candidates, mapping: Mapping, province_col: Column | None, lang: str):
    levels = list(_LEVELS_FOR_ROLE[s.unit_column.target])
    structure = _structure(s)
    if structure == "2025":
        levels = [x for x in levels if x not in ("district", "province")] or levels
    elif structure == "legacy":
        levels = [x for x in levels if x not in ("commune", "province_2025")] or levels
    by_province_col = province_col is not None and s.unit_column is not province_col

    def parent_for(level, cells):
        if level in ("province", "province_2025"):
            return None
        plevel = "province" if level == "district" else "province_2025"
        if by_province_col:
            m = _resolve(plevel, _cell(cells, province_col.index))
            return m.uid if m.ok else "?"
        return _as_level(s.province, plevel) if s.province else None

    # the level is the one most names resolve at (a sample is enough to tell)
    best, best_n = levels[0], -1
    sample = candidates[:60]
    for level in levels:
        n = sum(1 for _, label, cells in sample if _resolve(level, label, parent_for(level, cells)).ok)
        if n > best_n:
            best, best_n = level, n
    s.level = best
    if best in ("district", "commune") and s.province is None and not by_province_col:
        s.problems.append(Problem(s.where, None, None, "report_province_unclear", {
            "found": ", ".join(admin.display_name(u) for u in s.found_provinces) or "–"}))
    cache: dict[tuple, admin.Match] = {}
    for row, label, cells in candidates:
        parent = parent_for(best, cells)
        key = (label, parent)
        if key not in cache:
            cache[key] = _resolve(best, label, parent if parent != "?" else None)
        m = cache[key]
        if m.problem == "ambiguous":  # 'Văn Lang' and 'Văn Lăng' fold alike: the name as written decides
            exact = [u for u in m.candidates if _same_name(label, u)]
            if len(exact) == 1:
                m = cache[key] = admin.Match(label, uid=exact[0])
        if m.ok:
            s.rows.append(Row(row, label, m.uid, cells))
            continue
        if _ROMAN_LABEL.match(label):  # "I. Khu vực thành thị", "A. Khối huyện" (not "H. Quỳnh Lưu": it resolved)
            s.skipped.append((row, label, "group"))
            continue
        if headings.starts_like_total(label):
            s.totals.append(Row(row, label, None, cells, "total"))
            s.skipped.append((row, label, "total"))
            continue
        former = _former(best, label, parent)
        if former is not None:
            successor, year, basis = former
            merge = mapping.former == "merge" and s.period is not None and s.period.year >= year
            s.rows.append(Row(row, label, None, cells, "former" if merge else "former_kept", successor))
            if not merge:
                s.skipped.append((row, label, "former"))
            s.problems.append(Problem(s.where, row, s.unit_column.heading,
                                      "report_former_merged" if merge else "report_former_kept", {
                                          "value": label, "now": admin.display_name(successor), "year": year,
                                          "basis": basis}, "warning"))
            continue
        in_province = admin.display_name(parent) if parent and parent != "?" else t("data.report_any_province", lang)
        if m.problem == "ambiguous":
            s.problems.append(Problem(s.where, row, s.unit_column.heading, "report_ambiguous_unit", {
                "value": label, "candidates": admin.describe_candidates(m.candidates)}))
            continue
        s.problems.append(Problem(s.where, row, s.unit_column.heading, "report_unknown_unit", {
            "value": label, "level": t(f"level.suffix.{best}", lang), "province": in_province,
            "candidates": "; ".join(admin.display_name(u) for u in m.candidates) or "–"}))


def _same_name(label: str, uid: str) -> bool:
    """The unit's name or short name written exactly (diacritics included, case and spacing aside)."""
    import unicodedata

    def norm(x):
        return " ".join(unicodedata.normalize("NFC", str(x)).lower().split())

    row = admin.units().loc[uid]
    text = norm(label)
    return text in (norm(row["name"]), norm(row["short_name"])) or (
        text.split(" ", 1)[-1] == norm(row["short_name"]) and len(text.split(" ", 1)) == 2)


def _former(level: str, label: str, parent: str | None):
    """(successor unit id, year of the change, legal basis) for a former district (admin.former_districts)."""
    if level != "district":
        return None
    from lib.text import name_variants

    for _, key in name_variants(label):
        for province, codes, year, basis in admin.former_districts().get(key, []):
            if parent in (None, "?") or parent == province:
                return f"district:{codes.split()[0]}", year, basis
    return None


# -- values --------------------------------------------------------------------------------------------------------
def _clean_cell(v):
    if v is None:
        return ""
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, (int, np.integer)):
        return float(v)
    if isinstance(v, (float, np.floating)):
        return float(f"{float(v):.12g}")  # 0.9335 shown as 93.35% was read as 93.35000000000001
    text = str(v).strip()
    return "" if text in _DASHES else text


_PLAIN = {"vi": re.compile(r"^-?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?%?$"),
          "en": re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?$")}
_STYLE_SAMPLE = 2000


def _parse_column(cells: list, vi: bool) -> list:
    """Numbers as floats (text with the sheet's separators parsed, as lib.ingest.validate reads them); what is not a
    number stays as written, for validation to report."""
    texts = [c for c in cells if isinstance(c, str) and c]
    if not texts:
        return cells
    style = "vi" if vi else "en"
    sample = texts[:_STYLE_SAMPLE]
    vi_only, en_only = validate_mod._only("vi"), validate_mod._only("en")  # the one rule of lib.ingest.validate
    n_vi = sum(1 for x in sample if vi_only(validate_mod._clean(x)))
    n_en = sum(1 for x in sample if en_only(validate_mod._clean(x)))
    if n_en > n_vi:
        style = "en"
    elif n_vi > n_en:
        style = "vi"
    plain = _PLAIN[style]
    thousands, decimal = (".", ",") if style == "vi" else (",", ".")
    out, rest = list(cells), []
    for i, c in enumerate(cells):
        if isinstance(c, str) and c:
            if plain.match(c):
                out[i] = float(c.rstrip("%").replace(thousands, "").replace(decimal, "."))
            else:
                rest.append(i)
    if rest:  # spaces, non-breaking spaces and the like: validation's own reading
        parsed = validate_mod._parse_numbers(pd.Series([cells[i] for i in rest], dtype=object), style).tolist()
        for i, p in zip(rest, parsed):
            if not np.isnan(p):
                out[i] = p
    return out


def values(s: SheetReport, rows: list[Row]) -> dict[str, list]:
    """metric id -> the rows' cells as they will be loaded (float, "" for empty, text when not a number)."""
    key = (tuple(r.row for r in rows), tuple((c.index, c.target) for c in s.metric_columns))
    if key not in s.cache:
        if len(s.cache) >= 4:
            s.cache.clear()
        s.cache[key] = {c.target: _parse_column([_clean_cell(_cell(r.cells, c.index)) for r in rows], s.vi_numbers)
                        for c in s.metric_columns}
    return s.cache[key]


def _wide(s: SheetReport, lang: str) -> tuple[pd.DataFrame, dict[str, str]]:
    """The sheet as the template validation reads it, and each of its columns' user heading."""
    rows = [r for r in s.rows if r.kind == "unit"]
    vals = values(s, rows)
    names = {}
    frame = pd.DataFrame({"unit": [r.uid for r in rows]}, dtype=object)
    names["unit"] = s.unit_column.heading
    for role in ("year", "month", "period"):
        col = next((c for c in s.columns if c.target == role), None)
        if col is not None:
            frame[role] = [_clean_cell(_cell(r.cells, col.index)) for r in rows]
            names[role] = col.heading
    if "year" not in frame and s.period is not None:
        frame["year"] = s.period.year
        frame["month"] = s.period.month or ""
        names["year"] = names["month"] = t(f"data.report_period_from_{s.period_from}", lang)
    elif "year" not in frame:
        frame["year"] = ""
        names["year"] = t("data.report_period_from_none", lang)
    for metric, cells in vals.items():
        frame[metric] = pd.Series(cells, dtype=object)
        names[metric] = s.column_heading(metric)
    # former units the user chose to add into their successor (counts and money only)
    former = [r for r in s.rows if r.kind == "former"]
    sources = {r.row: f"{s.where}:{r.row}" for r in rows}
    if former:
        fvals = values(s, former)
        index_of = {r.uid: i for i, r in enumerate(rows)}
        for k, r in enumerate(former):
            i = index_of.get(r.successor)
            if i is None:
                frame.loc[len(frame)] = {"unit": r.successor, **{c: frame[c].iloc[0] for c in ("year", "month")
                                                                  if c in frame and len(frame)}}
                i = len(frame) - 1
                rows.append(Row(r.row, r.label, r.successor, r.cells))
                sources[r.row] = f"{s.where}:{r.row}"
            for metric, cells in fvals.items():
                kind = metrics.get(metric).kind
                old = frame.at[i, metric] if metric in frame else ""
                if kind == "rate":
                    frame.at[i, metric] = ""  # a rate cannot be added; the successor's no longer fits its counts
                elif isinstance(cells[k], float):
                    frame.at[i, metric] = (old if isinstance(old, float) else 0.0) + cells[k]
            base = rows[i].row
            sources[base] = f"{sources.get(base, f'{s.where}:{base}')}+{r.row}"
    frame["source"] = [sources[r.row] for r in rows]
    frame[ROW] = [r.row for r in rows]
    return frame, names


def _rename(p: Problem, where: str, names: dict[str, str], lang: str, vi: bool = True) -> Problem:
    params = dict(p.params)
    if "expected" in params:  # numbers were read the sheet's way: the example follows it
        params["expected"] = "93,35 · 1.234.567" if vi else "93.35 · 1,234,567"
    for key in ("metric", "denominator"):
        if key in params and params[key] in metrics.catalog():
            params[key] = names.get(params[key]) or metrics.get(params[key]).name(lang)
    if p.code == "duplicate" and "period" in params:
        params["period"] = periods.label(int(params["period"][:4]) if params["period"][:4].isdigit() else 0,
                                         params["period"], lang) if params["period"] != "FY" else "FY"
    return dataclasses.replace(p, file=where, column=names.get(p.column, p.column), params=params)


# -- load ----------------------------------------------------------------------------------------------------------
def load(report: FileReport, denominators=None, reference=None, lang: str = "vi", today=None) -> FileReport:
    """Validate every sheet and, when nothing is wrong, build one Dataset of the file (status "uploaded").

    `reference(unit, year, period, metric)` -> (value, status, source) or None: the province's own figure (published
    or loaded) that districts and communes are compared with."""
    parts = []
    checks = []
    for s in report.sheets:
        if s.table is None or s.unit_column is None:
            continue
        if not s.metric_columns:
            s.problems.append(Problem(s.where, s.table.header_rows[-1], None, "report_no_metric_column"))
            continue
        if s.period_from is None:
            s.problems.append(Problem(s.where, None, None, "report_period_unclear", {
                "found": ", ".join(s.found_periods) or "–"}))
            continue
        try:
            frame, names = _wide(s, lang)
            if frame.empty:
                continue
            s.wide = frame
            result = validate_mod.validate_table(RawTable(s.where, frame), denominators, today)
            s.problems.extend(_rename(p, s.where, names, lang, s.vi_numbers) for p in result.problems)
            s.problems.extend(office_checks.totals(s, values, lang))
            s.problems.extend(office_checks.rates_vs_counts(s, frame, names, lang))
            if result.dataset is not None:
                parts.append(result.dataset.observations)
                if reference is not None:
                    checks.append(office_checks.against_province(s, result.dataset.observations, reference, lang))
        except Exception as err:  # noqa: BLE001 - reported as an error of the sheet: nothing loads, nothing raised
            s.wide = None
            s.problems.append(Problem(s.where, None, None, "report_sheet_failed",
                                      {"error": f"{type(err).__name__}: {err}"[:200]}))
    report.province_checks = pd.concat(checks, ignore_index=True) if checks else None
    if report.province_checks is not None and len(report.province_checks):
        report.problems.append(Problem(report.name, None, None, "report_province_differs",
                                       {"n": len(report.province_checks)}, "warning"))
    if parts:
        obs = pd.concat(parts, ignore_index=True)
        obs["dataset"] = report.name
        dup = obs[obs.duplicated(["unit", "year", "period", "metric"], keep="first")]
        for r in dup.itertuples():
            report.problems.append(Problem(report.name, None, None, "report_duplicate_across_sheets", {
                "unit": admin.display_name(str(r.unit)), "period": periods.label(int(r.year), str(r.period), lang),
                "metric": metrics.get(str(r.metric)).name(lang), "source": str(r.source)}))
    if not parts and not report.errors:
        report.problems.append(Problem(report.name, None, None, "report_nothing_to_load"))
    report.loaded = True
    if report.ok and parts:
        report.dataset = Dataset(name=report.name, origin="uploaded", description=report.name,
                                 observations=normalise_observations(obs), targets=normalise_targets(pd.DataFrame()))
    return report


def reference_from_store(store):
    """The province's own figures (published or loaded by the user, never estimates or demo) for the comparison."""
    resolved = store.resolved
    own = resolved[resolved["status"].isin(["reported", "uploaded"])]
    index = {(str(u), int(y), str(p), str(m)): (float(v), str(st), str(src)) for u, y, p, m, v, st, src in zip(
        own["unit"], own["year"], own["period"], own["metric"], own["value"], own["status"], own["source"])}
    return lambda unit, year, period, metric: index.get((unit, int(year), period, metric))


# -- what the preview shows ----------------------------------------------------------------------------------------
def preview_rows(s: SheetReport, lang: str, n: int = PREVIEW_ROWS) -> pd.DataFrame:
    """The first rows exactly as they will be loaded: row, unit as written, unit, period, one column per indicator."""
    if s.unit_column is None or not any(r.kind in ("unit", "former") for r in s.rows):
        return pd.DataFrame()
    frame, _ = _wide(s, lang)
    frame = frame.head(n)
    label = {r.row: r.label for r in s.rows}
    out = pd.DataFrame({t("data.report_col_row", lang): frame["source"].str.rsplit(":", n=1).str[-1],
                        t("data.report_col_as_written", lang): [label.get(r, "") for r in frame[ROW]],
                        t("data.report_col_unit", lang): [admin.display_name(u, with_parent=True)
                                                           for u in frame["unit"]]})
    if s.period is not None:
        out[t("data.report_col_period", lang)] = periods.label(s.period.year, s.period.code, lang)
    for c in s.metric_columns:
        out[c.heading] = [_show(v, lang) for v in frame[c.target]]
    return out


def _show(v, lang: str) -> str:
    """A value as it will be loaded, written the user's way (text that is not a number stays as written)."""
    if isinstance(v, float):
        return fmt.number(v, lang, decimals=0 if v.is_integer() else len(repr(v).split(".")[1]))
    return str(v)


def skipped_rows(s: SheetReport, lang: str) -> pd.DataFrame:
    return pd.DataFrame({
        t("data.report_col_row", lang): [r for r, _, _ in s.skipped],
        t("data.report_col_as_written", lang): [label for _, label, _ in s.skipped],
        t("data.report_col_reason", lang): [t(f"data.report_skip_{reason}", lang) for _, _, reason in s.skipped],
    })


def summary_counts(report: FileReport) -> dict[str, int]:
    out: dict[str, int] = {}
    for s in report.sheets:
        out["unit"] = out.get("unit", 0) + sum(1 for r in s.rows if r.kind == "unit")
        for _, _, reason in s.skipped:
            out[reason] = out.get(reason, 0) + 1
    return out


# -- the preview's choices -----------------------------------------------------------------------------------------
def target_choices(lang: str) -> dict[str, str]:
    """Label shown in the select box -> target ("" = ignore): roles, then every stored metric by its name."""
    out = {t("data.report_ignore", lang): IGNORE}
    for role in headings.ROLES:
        out[t(f"data.report_role_{role}", lang)] = role
    for m in metrics.catalog().values():
        out[f"{m.name(lang)} ({m.unit_label(lang)})"] = m.id
    return out


def columns_table(s: SheetReport, lang: str) -> pd.DataFrame:
    label = {v: k for k, v in target_choices(lang).items()}
    return pd.DataFrame({t("data.report_col_letter", lang): [c.letter for c in s.columns],
                         t("data.report_col_heading", lang): [c.heading for c in s.columns],
                         t("data.report_col_target", lang): [label[c.target or IGNORE] for c in s.columns]})


def with_columns(mapping: Mapping, s: SheetReport, chosen_labels: list[str], lang: str) -> Mapping:
    """The mapping with the sheet's columns read as the user chose in the preview (only changes are recorded)."""
    choices = target_choices(lang)
    columns = dict(mapping.columns)
    auto = {c.index: c.target for c in (s.table.columns if s.table else [])}
    for c, label in zip(s.columns, chosen_labels):
        target = choices.get(label, IGNORE)
        key = headings.fold(c.heading)
        if target != (auto.get(c.index) or IGNORE) or key in columns:
            columns[key] = target
    return dataclasses.replace(mapping, columns=columns)


def province_choices(s: SheetReport) -> list[str]:
    level = "province_2025" if _structure(s) == "2025" else "province"
    return admin.level_units(level).index.tolist()


def needs(s: SheetReport) -> dict[str, bool]:
    """What the user must choose for this sheet before it can load."""
    sub_level = s.level in ("district", "commune") or (s.unit_column is not None and
                                                     s.unit_column.target in ("district", "commune"))
    return {"period": s.table is not None and s.period_from is None,
            "province": s.table is not None and sub_level and s.province_from is None,
            "former": any(r.kind in ("former", "former_kept") for r in s.rows)}


def understood(s: SheetReport, lang: str) -> list[str]:
    """Lines saying which province and period were understood, and from where."""
    out = []
    if s.level in ("district", "commune") or s.province_from:
        value = admin.display_name(s.province) if s.province else ""
        out.append(t(f"data.report_from_{s.province_from or 'none'}", lang, what=t("data.report_province", lang),
                     value=value))
    value = periods.label(s.period.year, s.period.code, lang) if s.period else ""
    out.append(t(f"data.report_from_{s.period_from or 'none'}", lang, what=t("data.report_period", lang),
                 value=value))
    return out


def found_at(s: SheetReport, lang: str) -> str:
    if s.table is None:
        return t("data.report_no_table_in_sheet", lang, n=len(s.skipped))
    body = [r for r, _ in s.table.body]
    return t("data.report_found_at", lang, first=s.table.header_rows[0], last=body[-1] if body else
             s.table.header_rows[-1], header="–".join(str(x) for x in dict.fromkeys(
                 [s.table.header_rows[0], s.table.header_rows[-1]])),
             n=sum(1 for r in s.rows if r.kind == "unit"), skipped=len(s.skipped))
