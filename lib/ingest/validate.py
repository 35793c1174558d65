"""Validation of user files: every problem at once, each with file, row, column, what is wrong and what was expected.

Accepted layouts (column names in English or Vietnamese, any case, with or without diacritics):
- wide: one row per unit and period, one column per metric (the templates: `python -m lib.cli template ...`);
- long: one row per unit, period and metric, with `metric` and `value` columns (as data/reported_figures.csv);
- targets: unit, `metric`, `year`, `value`, and `kind` (point | floor | range), `value_max` for ranges.
Units are named by `province` / `district` / `commune` (names or GSO codes), by `province_code` etc., by a unit id
(`unit` = "province:40"), or by `area_level` + `area_name`. A file with any error loads nothing.
"""
from __future__ import annotations

import datetime as dt
import decimal
import logging
import math
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from lib import admin, metrics, periods
from lib.model import Dataset, normalise_observations, normalise_targets
from lib.ingest.problems import Num, PeriodText, Problem
from lib.ingest.readers import ROW, RawTable, read
from lib.targets import TARGET_KINDS
from lib.text import ascii_fold, looks_like_formula, name_variants

log = logging.getLogger(__name__)

# Header (folded, letters and digits only) -> canonical column.
_ALIASES = {
    "province": ["province", "tinh", "tinhthanh", "tinhthanhpho", "provincename", "tentinh"],
    "district": ["district", "huyen", "quanhuyen", "districtname", "tenhuyen"],
    "commune": ["commune", "xa", "phuongxa", "xaphuong", "ward", "communename", "tenxa"],
    "province_code": ["provincecode", "matinh"],
    "district_code": ["districtcode", "mahuyen"],
    "commune_code": ["communecode", "wardcode", "maxa"],
    "unit": ["unit", "unitid", "madonvi"],
    "area_level": ["arealevel", "level", "cap"],
    "area_name": ["areaname", "tendonvi"],
    "structure": ["structure", "cocau"],
    "year": ["year", "nam"],
    "month": ["month", "thang"],
    "period": ["period", "ky", "kybaocao"],
    "metric": ["metric", "chitieu"],
    "value": ["value", "giatri"],
    "value_max": ["valuemax", "giatritoida", "max"],
    "kind": ["kind", "loai", "loaimuctieu"],
    "document": ["document", "vanban"],
    "source": ["source", "nguon"],
    "note": ["note", "ghichu"],
}
_HEADER = {alias: canon for canon, aliases in _ALIASES.items() for alias in aliases}
UNIT_COLUMNS = ("province", "district", "commune", "province_code", "district_code", "commune_code", "unit",
                "area_name")
NATIONAL_NAMES = {"toanquoc", "vietnam", "national", "canuoc", "quocgia", "vn"}
# Added by lib.bundled.reference to its own copy; harmless elsewhere.
_IGNORED = {"metricid", "targetkind", "documentrank", "line"}


def header_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", ascii_fold(str(name)).lower())


@dataclass
class ValidationResult:
    file: str
    problems: list[Problem] = field(default_factory=list)
    dataset: Dataset | None = None  # None when the file has errors: nothing is loaded
    rows: int = 0
    kind: str = ""  # observations | targets

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors


def validate_bytes(name: str, data: bytes, denominators: pd.DataFrame | None = None,
                   today: dt.date | None = None) -> ValidationResult:
    """Read and check one file. Never raises: whatever the bytes, the answer is a result with its problems."""
    return validate_table(read(name, data), denominators, today)


def validate_table(raw: RawTable, denominators: pd.DataFrame | None = None,
                   today: dt.date | None = None) -> ValidationResult:
    """Check a read file and, when it has no errors, turn it into a Dataset (status "uploaded"). Never raises: an
    unexpected failure is a problem of the file (code `unreadable`), and nothing from the file is loaded."""
    result = ValidationResult(raw.name, list(raw.problems))
    if raw.table is None:
        return result
    try:
        v = _Validator(raw, result, denominators, today)
        v.run()
    except Exception as err:  # noqa: BLE001 - the boundary: no exception from a file reaches the user
        log.info("checking %r failed", raw.name, exc_info=True)  # for developers; never on a user's screen
        result.dataset = None
        result.problems.append(Problem(raw.name, None, None, "unreadable", {"error": type(err).__name__}))
    if result.errors:
        result.dataset = None
    result.problems.sort(key=lambda p: (p.row or 0, p.column or "", p.code))
    return result


class _Validator:
    def __init__(self, raw: RawTable, result: ValidationResult, denominators, today):
        self.raw, self.result, self.name = raw, result, raw.name
        self.table = raw.table
        self.denominators = denominators
        self.today = today
        self.columns: dict[str, str] = {}  # canonical -> header as written
        self.metric_columns: dict[str, str] = {}  # metric id -> header as written

    def add(self, row, column, code, severity="error", **params):
        self.result.problems.append(Problem(self.name, row, column, code, params, severity))

    # -- columns ------------------------------------------------------------------------------------------------
    def map_columns(self) -> bool:
        known_metrics = {header_key(m): m for m in metrics.stored_ids()}
        unknown = []
        for col in self.table.columns:
            if col == ROW:
                continue
            if col in self.raw.repeated:  # the same header twice: which one holds the figures is unknowable
                self.add(1, self.raw.repeated[col], "repeated_column", column_name=repr(self.raw.repeated[col]))
                continue
            key = header_key(col)
            if key in _HEADER and _HEADER[key] not in self.columns:
                self.columns[_HEADER[key]] = col
            elif key in known_metrics and known_metrics[key] not in self.metric_columns:
                self.metric_columns[known_metrics[key]] = col
            elif key in _HEADER or key in known_metrics:
                self.add(1, col, "duplicate_column")
            elif key not in _IGNORED:
                unknown.append(col)
        for col in unknown:
            self.add(1, col, "unknown_column", "warning", known=", ".join(metrics.stored_ids()[:6]) + ", …")
        ok = True
        if not any(c in self.columns for c in UNIT_COLUMNS):
            self.add(1, None, "missing_unit_column")
            ok = False
        if "year" not in self.columns:
            self.add(1, None, "missing_column", column_name="year", hint="năm / year")
            ok = False
        long_form = "metric" in self.columns or "value" in self.columns
        if long_form:
            for c in ("metric", "value"):
                if c not in self.columns:
                    self.add(1, None, "missing_column", column_name=c, hint="metric + value")
                    ok = False
        elif not self.metric_columns:
            self.add(1, None, "missing_metric_columns", known=", ".join(metrics.stored_ids()))
            ok = False
        if self.columns.get("area_name") and "area_level" not in self.columns:
            self.add(1, self.columns["area_name"], "missing_column", column_name="area_level",
                     hint="national | province")
            ok = False
        return ok

    def col(self, canon: str) -> pd.Series:
        header = self.columns.get(canon)
        if header is None:
            return pd.Series([""] * len(self.table), index=self.table.index, dtype=object)
        return self.table[header].map(_cell_text)

    # -- run ------------------------------------------------------------------------------------------------------
    def run(self):
        if not self.map_columns():
            return
        t = self.table
        self.result.rows = len(t)
        self.target_rows = self.find_target_rows()
        self.check_text_cells()
        periods_ok, period = self.periods()
        units = self.units(period)
        n_targets = int(self.target_rows.sum())
        self.result.kind = "targets" if n_targets == len(t) else ("observations" if n_targets == 0 else "mixed")
        observations = self.observations(units, period, ~self.target_rows) if n_targets < len(t) else None
        targets = self.targets(units, period, self.target_rows) if n_targets else None
        if self.result.errors:
            return
        self.result.dataset = Dataset(
            name=self.name, origin="uploaded", description=self.name,
            observations=observations if observations is not None else normalise_observations(pd.DataFrame()),
            targets=targets if targets is not None else normalise_targets(pd.DataFrame()))

    def find_target_rows(self) -> pd.Series:
        """A row is a target when its metric is written target_<rate> or it says its kind (point, floor, range)."""
        t = self.table
        if "metric" not in self.columns:
            return pd.Series(False, index=t.index)
        mask = self.col("metric").str.strip().str.startswith("target_")
        if "kind" in self.columns:
            mask = mask | (self.col("kind").str.strip() != "")
        return mask

    def check_text_cells(self):
        for canon in ("source", "note", "document"):
            if canon in self.columns:
                cells = self.col(canon)
                for idx in cells.index[cells.map(looks_like_formula)]:
                    self.add(int(self.table.at[idx, ROW]), self.columns[canon], "formula_text", "warning")

    # -- periods ------------------------------------------------------------------------------------------------
    def periods(self) -> tuple[pd.Series, pd.Series]:
        """Per row: ok flag and the Period (None where bad)."""
        rows = self.table[ROW].tolist()
        years = self.col("year").tolist()
        months = self.col("month").tolist() if "month" in self.columns else None
        codes = self.col("period").tolist() if "period" in self.columns else None
        target_rows = self.target_rows.tolist()
        out, ok = [], []
        cache: dict[tuple, periods.Period] = {}
        for i in range(len(rows)):
            row = int(rows[i])
            is_targets = target_rows[i]
            key = (years[i], months[i] if months else "", codes[i] if codes else "", is_targets)
            if key in cache:
                out.append(cache[key]), ok.append(True)
                continue
            try:
                year = _year_cell(years[i])
            except ValueError:
                self.add(row, self.columns["year"], "bad_year", value=_show(years[i]))
                out.append(None), ok.append(False)
                continue
            try:
                if codes is not None and codes[i].strip():
                    p = _period_from_code(year, codes[i])
                    if months is not None and months[i].strip():
                        if _int_cell(months[i]) not in (p.month, 12 if p.month is None else p.month):
                            raise ValueError("month and period disagree")
                elif months is not None and months[i].strip():
                    month = _int_cell(months[i])
                    if not 1 <= month <= 12:
                        self.add(row, self.columns["month"], "bad_month", value=_show(months[i]))
                        out.append(None), ok.append(False)
                        continue
                    p = periods.make(year, month)
                else:
                    p = periods.Period(year, None)
            except ValueError as err:
                column = self.columns.get("period") or self.columns.get("month")
                self.add(row, column, "bad_period", error=str(err))
                out.append(None), ok.append(False)
                continue
            if not periods.in_range(p, self.today) and not is_targets:
                last_year, last_month = periods.latest_allowed(self.today)
                self.add(row, self.columns["year"], "period_out_of_range", period=PeriodText(p.year, p.code),
                         first=periods.FIRST_YEAR, last=f"{last_month:02d}/{last_year}")
                out.append(None), ok.append(False)
                continue
            if is_targets and not (periods.FIRST_YEAR <= p.year <= 2050):
                self.add(row, self.columns["year"], "target_year_out_of_range", year=p.year)
                out.append(None), ok.append(False)
                continue
            cache[key] = p
            out.append(p), ok.append(True)
        return pd.Series(ok, index=self.table.index), pd.Series(out, index=self.table.index, dtype=object)

    # -- units ----------------------------------------------------------------------------------------------------
    def units(self, period: pd.Series) -> pd.Series:
        """Per row: unit id, or None where the unit is unknown, ambiguous or in the wrong structure."""
        t = self.table
        cols = {c: [v.strip() for v in self.col(c).tolist()]
                for c in UNIT_COLUMNS + ("area_level", "structure") if c in self.columns}
        rows = t[ROW].tolist()
        plist = period.tolist()
        target_rows = self.target_rows.tolist()
        cache: dict[tuple, tuple[str | None, str | None, str | None, dict]] = {}
        out = []
        for i in range(len(rows)):
            row = int(rows[i])
            p = plist[i]
            is_targets = target_rows[i]
            values = {c: v[i] for c, v in cols.items()}
            structure = _structure(values.get("structure", ""), p, is_targets)
            key = (tuple(sorted(values.items())), structure)
            if key not in cache:
                cache[key] = self._resolve_unit(values, structure)
            uid, column, code, params = cache[key]
            if uid is None:
                self.add(row, column, code, **params)
                out.append(None)
                continue
            level = uid.split(":")[0]
            if p is not None and not is_targets:
                if level == "district" and periods.structure_of(p) == "2025":
                    self.add(row, self.columns.get("district"), "district_after_2025", period=p.code, year=p.year)
                    out.append(None)
                    continue
                if level == "commune" and periods.structure_of(p) == "legacy":
                    self.add(row, self.columns.get("commune"), "commune_before_2025", year=p.year)
                    out.append(None)
                    continue
            out.append(uid)
        return pd.Series(out, index=t.index, dtype=object)

    def _resolve_unit(self, v: dict, structure: str):
        """(unit id, column, problem code, params) for one combination of unit cells."""
        col = self.columns.get
        if v.get("unit"):
            uid = v["unit"]
            if uid not in admin.units().index:
                return None, col("unit"), "unknown_unit_id", {"value": _show(uid)}
            return uid, None, None, {}
        if v.get("area_level"):
            level = v["area_level"].lower()
            if level == "national":
                return admin.NATIONAL_ID, None, None, {}
            if level != "province":
                return None, col("area_level"), "bad_area_level", {"value": _show(v["area_level"])}
            return self._match("province_2025" if structure == "2025" else "province", v.get("area_name", ""),
                               None, col("area_name"))
        # The sub-unit decides the structure of its province: districts lie in the 63, communes in the 34.
        if v.get("commune") or v.get("commune_code"):
            prov_level = "province_2025"
        elif v.get("district") or v.get("district_code"):
            prov_level = "province"
        else:
            prov_level = "province_2025" if structure == "2025" else "province"
        province = v.get("province") or v.get("province_code") or ""
        parent = None
        if province:
            if _is_national(province) and not any(v.get(c) for c in ("district", "commune", "district_code",
                                                                     "commune_code")):
                return admin.NATIONAL_ID, None, None, {}
            uid, c, code, params = self._match(prov_level, province, None,
                                               col("province") or col("province_code"))
            if uid is None:
                return uid, c, code, params
            parent = uid
        if v.get("commune") or v.get("commune_code"):
            return self._match("commune", v.get("commune") or v["commune_code"], parent,
                               col("commune") or col("commune_code"))
        if v.get("district") or v.get("district_code"):
            return self._match("district", v.get("district") or v["district_code"], parent,
                               col("district") or col("district_code"))
        if parent:
            return parent, None, None, {}
        return None, None, "no_unit", {}

    def _match(self, level, name, parent, column):
        if not name_variants(name) and not str(name).replace(" ", "").removesuffix(".0").isdigit():
            # No letter or digit ("-", "…"): no unit can match it.
            return None, column, "no_unit_name", {"value": _show(name)}
        m = admin.resolve(level, name, parent)
        if m.ok:
            return m.uid, None, None, {}
        level_name = {"province": "province (63, before 7/2025)", "province_2025": "province (34, from 7/2025)",
                      "district": "district", "commune": "commune"}[level]
        if m.problem == "ambiguous":
            return None, column, "ambiguous_unit", {"value": _show(name), "level": level_name,
                                                    "candidates": admin.describe_candidates(m.candidates)}
        former = _former_name(level, name, parent)
        if former:
            return None, column, "former_unit", {"value": _show(name), "now": former}
        where = f" ({admin.display_name(parent)})" if parent else ""
        candidates = m.candidates
        if parent and not candidates:  # the name may exist in another province: say where
            elsewhere = admin.resolve(level, name)
            candidates = [elsewhere.uid] if elsewhere.ok else (elsewhere.candidates if elsewhere.problem ==
                                                               "ambiguous" else [])
        return None, column, "unknown_unit", {
            "value": _show(name), "level": level_name + where,
            "candidates": admin.describe_candidates(candidates) or "–"}

    # -- values ---------------------------------------------------------------------------------------------------
    def file_style(self) -> NumberStyle:
        """The number format of the whole file, from every value cell that can be read only one way."""
        if getattr(self, "_style", None) is None:
            cols = list(self.metric_columns.values()) + [self.columns[c] for c in ("value", "value_max")
                                                          if c in self.columns]
            self._style = _number_style(self.table[cols], self.raw.delimiter)
        return self._style

    def numbers(self, cells: pd.DataFrame, headers: dict | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Parse numeric cells with the file's number style. Returns (values, bad-cell mask): bad cells are not
        numbers, or are written in the other style than the file's; ambiguous and non-finite numbers are reported
        here (an error each) and come back as missing values, not as bad cells."""
        style = self.style = self.file_style()
        headers = headers or {}
        parse_as = style.style or style.default
        values = cells.apply(lambda s: _parse_numbers(s, parse_as))
        filled = cells.map(lambda c: not _blank(c))
        texts = cells.map(lambda c: _clean(c) if isinstance(c, str) else "")
        if style.style is None:  # nothing in the file settles the separators: a cell like 9.300 is not guessed
            ambiguous = texts.map(_ambiguous).astype(bool)
            contradicting = pd.DataFrame(False, index=cells.index, columns=cells.columns)
        else:
            contradicting = texts.map(_only("en" if style.style == "vi" else "vi")).astype(bool)
            ambiguous = pd.DataFrame(False, index=cells.index, columns=cells.columns)
        nonfinite = values.apply(lambda s: np.isinf(s.to_numpy(float))).astype(bool)
        for col in cells.columns:
            header = headers.get(col, col)
            for idx in cells.index[ambiguous[col].to_numpy(bool)]:
                text = texts.at[idx, col]
                sign = -1 if text.startswith("-") else 1
                digits = text.lstrip("-")
                self.add(int(self.table.at[idx, ROW]), header, "ambiguous_number", value=_show(cells.at[idx, col]),
                         big=("-" if sign < 0 else "") + digits.replace(".", "").replace(",", ""),
                         small=Num(sign * float(digits.replace(",", "."))))
            for idx in cells.index[nonfinite[col].to_numpy(bool)]:
                self.add(int(self.table.at[idx, ROW]), header, "not_finite", value=_show(cells.at[idx, col]))
        values = values.mask(contradicting | ambiguous | nonfinite)
        bad = (values.isna() & filled & ~ambiguous & ~nonfinite) | contradicting
        return values, bad

    def observations(self, units: pd.Series, period: pd.Series, rows: pd.Series) -> pd.DataFrame | None:
        t = self.table[rows]
        if "metric" in self.columns:
            metric_cells = self.col("metric")[rows].str.strip()
            known = set(metrics.stored_ids())
            raw_values = t[[self.columns["value"]]].rename(columns={self.columns["value"]: "value"})
            values, bad = self.numbers(raw_values, {"value": self.columns["value"]})
            long = pd.DataFrame({"idx": t.index, "metric": metric_cells.values, "value": values["value"].values,
                                 "bad": bad["value"].values, "column": self.columns["value"]})
            for idx in t.index[~metric_cells.isin(known)]:
                self.add(int(t.at[idx, ROW]), self.columns["metric"], "unknown_metric",
                         value=_show(metric_cells.at[idx]), known=", ".join(sorted(known)))
            long = long[long["metric"].isin(known)]
            long["raw"] = [raw_values.at[i, "value"] for i in long["idx"]]
        else:
            raw = t[list(self.metric_columns.values())]
            values, bad = self.numbers(raw)
            parts = []
            for metric, header in self.metric_columns.items():
                parts.append(pd.DataFrame({"idx": t.index, "metric": metric, "value": values[header].values,
                                           "bad": bad[header].values, "column": header, "raw": raw[header].values}))
            long = pd.concat(parts, ignore_index=True)
        has_value = long.groupby("idx")["raw"].agg(lambda cells: any(not _blank(c) for c in cells))
        for idx in has_value.index[~has_value.to_numpy(bool)]:
            self.add(int(t.at[idx, ROW]), None, "empty_row", "warning")
        long["row"] = t.loc[long["idx"], ROW].values
        for r in long[long["bad"]].itertuples():
            self.add(int(r.row), r.column, "not_a_number", value=_show(r.raw), expected=self.style.example)
        long = long[~long["bad"] & long["value"].notna()]
        # Values are checked whether or not their row's unit and period are valid: every problem shows at once.
        long["out_of_range"] = self.check_ranges(long)
        long["unit"] = units.loc[long["idx"]].values
        long["period"] = period.loc[long["idx"]].values
        long = long[long["unit"].notna() & long["period"].notna()]
        long["year"] = [p.year for p in long["period"]]
        long["period_code"] = [p.code for p in long["period"]]
        source = self.col("source") if "source" in self.columns else None
        long["source"] = (source.loc[long["idx"]].values if source is not None
                          else [f"{self.name}:{r}" for r in long["row"]])
        long["source"] = [s if s else f"{self.name}:{r}" for s, r in zip(long["source"], long["row"])]
        # Duplicates first: a second row for the same key is a problem even when the first row's value is bad.
        self.check_duplicates(long, ["unit", "year", "period_code", "metric"] +
                              (["source"] if "source" in self.columns else []))
        long = long[~long["out_of_range"]]
        self.check_denominators(long)
        if self.result.errors:
            return None
        note = self.col("note") if "note" in self.columns else None
        obs = pd.DataFrame({
            "unit": long["unit"].values, "year": long["year"].values, "period": long["period_code"].values,
            "metric": long["metric"].values, "value": long["value"].values, "status": "uploaded",
            "source": long["source"].values, "note": note.loc[long["idx"]].values if note is not None else "",
            "dataset": self.name, "rank": 0,
        })
        # Several sources for one key (allowed when a source column tells them apart): keep all, prefer the first.
        obs["rank"] = obs.groupby(["unit", "year", "period", "metric"]).cumcount()
        return normalise_observations(obs)

    def check_ranges(self, long: pd.DataFrame) -> pd.Series:
        """Negative counts and rates outside 0–ceiling are errors; returns which rows have one."""
        if long.empty:
            return pd.Series(False, index=long.index)
        cat = metrics.catalog()
        kind = pd.Series([cat[m].kind for m in long["metric"]], index=long.index, dtype=object)
        ceiling = pd.Series([cat[m].ceiling or 100.0 for m in long["metric"]], index=long.index, dtype=float)
        neg = long[(kind != "rate") & (long["value"] < 0)]
        for r in neg.itertuples():
            self.add(int(r.row), r.column, "negative", value=_show(r.raw))
        rate = long[(kind == "rate") & ((long["value"] < 0) | (long["value"] > ceiling))]
        for r in rate.itertuples():
            self.add(int(r.row), r.column, "rate_out_of_range", value=_show(r.raw),
                     ceiling=Num(cat[r.metric].ceiling or 100))
        return long.index.isin(neg.index) | long.index.isin(rate.index)

    def check_duplicates(self, long: pd.DataFrame, key: list[str]):
        dup = long[long.duplicated(key, keep=False)].sort_values("row")
        for _, g in dup.groupby(key, sort=False):
            first = int(g["row"].iloc[0])
            for r in g.iloc[1:].itertuples():
                self.add(int(r.row), r.column, "duplicate", first=first, metric=r.metric, period=r.period_code)

    def check_denominators(self, long: pd.DataFrame):
        """Participants above their denominator in the same file (error) or above the bundled estimate (warning)."""
        cat = metrics.catalog()
        pairs = [(m.numerator, m.denominator) for m in cat.values() if m.is_derived and m.domain == "coverage"]
        pairs += [(part, "si_participants") for part in cat["si_participants"].sum_of]
        pairs += [("arrears_bn_vnd", "receivables_bn_vnd")]
        key = ["unit", "year", "period_code"]
        firsts = long.drop_duplicates(key + ["metric"])
        for numerator, denominator in pairs:
            num = long[long["metric"] == numerator]
            if num.empty:
                continue
            den = firsts.loc[firsts["metric"] == denominator, key + ["value"]].rename(columns={"value": "den"})
            joined = num.merge(den, on=key, how="left")
            for r in joined[joined["den"].notna() & (joined["value"] > joined["den"])].itertuples():
                self.add(int(r.row), r.column, "above_denominator", value=_show(r.raw), metric=numerator,
                         denominator=denominator, limit=Num(r.den, 0))
            if self.denominators is None or denominator not in ("population", "labour_force"):
                continue
            missing = joined[joined["den"].isna()]
            est = np.array([self.denominators.get((u, int(y), denominator), np.nan)
                            for u, y in zip(missing["unit"], missing["year"])], dtype=float)
            for r, e in zip(missing.itertuples(), est):
                if not np.isnan(e) and r.value > 1.1 * e:
                    self.add(int(r.row), r.column, "above_estimate", "warning", value=_show(r.raw),
                             metric=numerator, denominator=denominator, limit=Num(e, 0))

    # -- targets --------------------------------------------------------------------------------------------------
    def targets(self, units: pd.Series, period: pd.Series, rows: pd.Series) -> pd.DataFrame | None:
        t = self.table[rows]
        metric_cells = self.col("metric")[rows].str.strip().str.replace("^target_", "", regex=True)
        rates = set(metrics.rate_ids())
        value_cols = {"value": self.columns.get("value")}
        if "value_max" in self.columns:
            value_cols["value_max"] = self.columns["value_max"]
        raw = pd.DataFrame({k: t[v] for k, v in value_cols.items() if v})
        values, bad = self.numbers(raw, {k: v for k, v in value_cols.items() if v})
        kinds = self.col("kind")[rows].str.strip().str.lower() if "kind" in self.columns \
            else pd.Series("point", t.index)
        kinds = kinds.replace({"": "point", "diem": "point", "san": "floor", "khoang": "range"})
        text = {c: (self.col(c)[rows] if c in self.columns else pd.Series("", t.index))
                for c in ("document", "source", "note")}
        found = []
        for idx in t.index:
            row = int(t.at[idx, ROW])
            metric = metric_cells.at[idx]
            if metric not in rates:
                self.add(row, self.columns["metric"], "unknown_target_metric", value=_show(metric),
                         known=", ".join(sorted(rates)))
                continue
            if pd.isna(values.at[idx, "value"]):
                if bad.at[idx, "value"] or _blank(raw.at[idx, "value"]):  # else reported by numbers()
                    self.add(row, self.columns["value"], "not_a_number", value=_show(raw.at[idx, "value"]),
                             expected=self.style.example)
                continue
            if "value_max" in bad and bad.at[idx, "value_max"]:  # whatever the kind: a bound that is not a number
                self.add(row, self.columns["value_max"], "not_a_number", value=_show(raw.at[idx, "value_max"]),
                         expected=self.style.example)
                continue
            if "value_max" in values and pd.isna(values.at[idx, "value_max"]) and not _blank(raw.at[idx, "value_max"]):
                continue  # ambiguous or not finite: reported by numbers()
            kind = kinds.at[idx]
            if kind not in TARGET_KINDS:
                self.add(row, self.columns.get("kind"), "bad_target_kind", value=_show(kind))
                continue
            value = float(values.at[idx, "value"])
            value_max = float(values.at[idx, "value_max"]) if "value_max" in values and \
                pd.notna(values.at[idx, "value_max"]) else np.nan
            ceiling = metrics.get(metric).ceiling or 100
            if not 0 <= value <= ceiling or (not np.isnan(value_max) and not value <= value_max <= ceiling):
                self.add(row, self.columns["value"], "bad_target_value", value=Num(value),
                         value_max="" if np.isnan(value_max) else Num(value_max))
                continue
            if kind == "range" and np.isnan(value_max):
                self.add(row, self.columns.get("value_max") or self.columns.get("kind"), "range_needs_max")
                continue
            if units.at[idx] is None or period.at[idx] is None:
                continue
            found.append(dict(unit=units.at[idx], metric=metric, year=period.at[idx].year, kind=kind, value=value,
                              value_max=value_max, document=text["document"].at[idx], document_rank=1,
                              source=text["source"].at[idx] or f"{self.name}:{row}", note=text["note"].at[idx],
                              status="uploaded", dataset=self.name, row=row, column=self.columns["value"]))
        frame = pd.DataFrame(found)
        if len(frame):
            frame["period_code"] = "FY"
            frame["raw"] = frame["value"]
            self.check_duplicates(frame, ["unit", "metric", "year"] +
                                  [c for c in ("document", "source") if c in self.columns])
        if self.result.errors or frame.empty:
            return None
        return normalise_targets(frame.drop(columns=["row", "column", "period_code", "raw"], errors="ignore"))


# -----------------------------------------------------------------------------------------------------------------
# Cells and numbers


def _cell_text(v) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, (dt.datetime, dt.date)):
        return f"{v.year}-{v.month:02d}"
    return str(v)


def _blank(v) -> bool:
    return _cell_text(v).strip() == ""


def _show(v, limit: int = 60):
    """A cell as text for a message: quoted, shortened, never interpreted; a number cell (Excel, Parquet) in the
    reader's number format."""
    if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_)):
        try:
            if math.isfinite(float(v)):
                return Num(float(v))
        except OverflowError:
            pass
    text = _cell_text(v).replace("\n", " ")
    return repr(text if len(text) <= limit else text[:limit] + "…")


def _year_cell(v) -> int:
    """A year as written: four digits (a two-digit year is not guessed)."""
    year = _int_cell(v)
    if not 1000 <= year <= 9999:
        raise ValueError(v)
    return year


def _int_cell(v) -> int:
    if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
        return int(v)
    text = _cell_text(v).strip()
    if re.fullmatch(r"\d{1,4}(\.0+)?", text):
        return int(float(text))
    raise ValueError(text)


def _period_from_code(year: int, code: str) -> periods.Period:
    code = code.strip()
    m = re.fullmatch(r"(?:T|Th|tháng\s*)?(\d{1,2})/(\d{4})", code, flags=re.IGNORECASE)  # "7/2024", "T7/2024"
    if m:
        code = f"{m.group(2)}-{int(m.group(1)):02d}"
    return periods.parse(year, code)


def _structure(explicit: str, p, is_targets: bool) -> str:
    text = explicit.strip().lower()
    if text in ("2025", "new", "moi", "mới", "34"):
        return "2025"
    if text in ("legacy", "old", "cu", "cũ", "63"):
        return "legacy"
    if p is None or is_targets:
        return "legacy"
    return periods.structure_of(p)


def _is_national(name: str) -> bool:
    return header_key(name) in NATIONAL_NAMES


def _former_name(level: str, name: str, parent: str | None) -> str | None:
    """Where a former district went ('Quận 2' -> 'Thành phố Thủ Đức'), from admin.former_districts."""
    if level != "district":
        return None
    from lib.text import name_variants
    for _, key in name_variants(name):
        for province, codes, year, _ in admin.former_districts().get(key, []):
            if parent is None or parent == province:
                names = ", ".join(admin.display_name(f"district:{c}") for c in str(codes).split())
                return f"{names} ({year})"
    return None


@dataclass
class NumberStyle:
    style: str | None  # "vi" (1.234.567,89) or "en" (1,234,567.89); None when no cell in the file settles it
    default: str  # how cells that read the same either way are parsed when style is None
    example: str


# How a number may be written: Vietnamese 1.234.567,89 and English 1,234,567.89 (groups of three after a first group
# of one to three digits that does not start with 0), or digits with a decimal part. A cell that fits one convention
# only settles the file's; one that fits both with different readings (9.300: 9300 or 9.3) is ambiguous.
_FITS = {
    "vi": re.compile(r"^-?([1-9]\d{0,2}(\.\d{3})+|\d+)(,\d+)?$"),
    "en": re.compile(r"^-?([1-9]\d{0,2}(,\d{3})+|\d+)(\.\d+)?$"),
}
_PLAIN = re.compile(r"^-?\d+$")


def _fits(text: str, style: str) -> bool:
    return bool(_FITS[style].match(text))


def _only(style: str):
    other = "en" if style == "vi" else "vi"
    return lambda text: _fits(text, style) and not _fits(text, other)


def _ambiguous(text: str) -> bool:
    return _fits(text, "vi") and _fits(text, "en") and not _PLAIN.match(text)


_EXAMPLES = {"vi": "93,35 · 1.234.567", "en": "93.35 · 1,234,567"}


def _clean(text: str) -> str:
    return re.sub(r"[\s\u00a0\u202f]", "", text).rstrip("%")


def _number_style(cells: pd.DataFrame, delimiter: str | None) -> NumberStyle:
    """Vietnamese or English number format for this file, from the cells that can only be read one way (the
    majority wins; the other cells are errors). The delimiter does not settle it: Vietnamese spreadsheets export
    comma- and tab-separated files too."""
    n_vi = n_en = 0
    vi_only, en_only = _only("vi"), _only("en")
    for col in cells.columns:
        text = cells[col].map(lambda c: _clean(c) if isinstance(c, str) else "")
        n_vi += int(text.map(vi_only).sum())
        n_en += int(text.map(en_only).sum())
    default = "vi" if delimiter == ";" else "en"
    if n_vi == n_en == 0:
        return NumberStyle(None, default, _EXAMPLES[default])
    style = "vi" if n_vi > n_en or (n_vi == n_en and default == "vi") else "en"
    return NumberStyle(style, style, _EXAMPLES[style])


def _parse_numbers(series: pd.Series, style: str) -> pd.Series:
    def one(v):
        if isinstance(v, (bool, np.bool_)):
            return np.nan
        if isinstance(v, (int, float, np.integer, np.floating, decimal.Decimal)):
            try:
                return float(v)  # inf stays inf: reported as not finite
            except (OverflowError, ValueError):
                return math.inf
        if not isinstance(v, str):  # dates, times, lists, bytes: not numbers
            return np.nan
        text = _clean(v)
        if not text:
            return np.nan
        if not _fits(text, style):
            return np.nan
        if style == "vi":
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
        try:
            return float(text)  # a 400-digit number is inf: reported as not finite
        except OverflowError:
            return math.inf

    return series.map(one).astype(float)
