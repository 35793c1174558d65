"""Checks an office expects of a report (as DHIS2 validation rules do); all of them are warnings, never errors.

- a total or subtotal row against the sum of its units;
- a rate against its own counts in the same row (beyond rounding);
- districts or communes against their province's own figure for the same period (published or loaded).
"""
from __future__ import annotations

import math

import pandas as pd

from lib import admin, fmt, metrics, periods
from lib.i18n import t
from lib.ingest import headings
from lib.ingest.problems import Problem


def _decimals(cell) -> int:
    """Decimals as written: '96,10' -> 2, 96.1 -> 1, 331545 -> 0."""
    text = str(cell).strip().rstrip("%").strip()
    if isinstance(cell, float):
        text = repr(cell)
        if text.endswith(".0"):
            return 0
    for sep in (",", "."):
        if sep in text:
            tail = text.rsplit(sep, 1)[1]
            if tail.isdigit() and (len(tail) != 3 or isinstance(cell, float)):
                return len(tail)
    return 0


def _num(lang: str, x: float, decimals: int | None = None) -> str:
    if decimals is None:
        decimals = 0 if float(x).is_integer() else 2
    return fmt.number(x, lang, decimals=decimals)


def totals(s, values, lang: str) -> list[Problem]:
    """Each total row against the sum of its units (the rows since the last group or total row; the whole table for
    a grand total at the top or the bottom)."""
    if not s.totals:
        return []
    units = [r for r in s.rows if r.kind in ("unit", "former", "former_kept")]
    if not units:
        return []
    bounds = sorted([r for r, _, reason in s.skipped if reason == "group"] + [r.row for r in s.totals])
    counts = [c for c in s.metric_columns if metrics.get(c.target).kind != "rate"]
    unit_vals = values(s, units)
    total_vals = values(s, s.totals)
    out = []
    for k, total in enumerate(s.totals):
        before = [b for b in bounds if b < total.row]
        start = before[-1] if before else 0
        segment = [i for i, r in enumerate(units) if start < r.row < total.row]
        if not segment or total.row < units[0].row or headings.is_grand_total(total.label):
            segment = list(range(len(units)))  # a grand total (at the top, or after the subtotals)
        for c in counts:
            cell = total_vals[c.target][k]
            if not isinstance(cell, float):
                continue
            parts = [unit_vals[c.target][i] for i in segment if isinstance(unit_vals[c.target][i], float)]
            if not parts:
                continue
            total_sum = math.fsum(parts)
            d = max([_decimals(total.cells[c.index])] + [0])
            tol = 0.5 * 10 ** -d * (len(parts) + 1) + 1e-9
            if abs(cell - total_sum) > tol:
                out.append(Problem(s.where, total.row, c.heading, "report_total_mismatch", {
                    "label": total.label, "total": _num(lang, cell, d), "sum": _num(lang, total_sum, d),
                    "n": len(parts), "diff": _num(lang, cell - total_sum, d)}, "warning"))
    return out


def rates_vs_counts(s, frame: pd.DataFrame, names: dict, lang: str) -> list[Problem]:
    """A rate whose own counts in the same row give another rate (beyond the rounding of the rate as written)."""
    out = []
    cells_of = {r.row: r.cells for r in s.rows}
    for rate in metrics.rate_ids():
        m = metrics.get(rate)
        if rate not in frame or m.numerator not in frame or m.denominator not in frame:
            continue
        for rate_cell, num, den, row in zip(frame[rate], frame[m.numerator], frame[m.denominator], frame["_row"]):
            if not all(isinstance(x, float) for x in (rate_cell, num, den)) or den <= 0:
                continue
            computed = num / den * 100
            column = next(c for c in s.columns if c.target == rate)
            cells = cells_of.get(int(row), [])
            raw = cells[column.index] if column.index < len(cells) else ""
            tol = max(0.5 * 10 ** -_decimals(raw), 0.005) + 1e-9
            if abs(computed - rate_cell) > tol:
                out.append(Problem(s.where, int(row), names.get(rate), "report_rate_disagrees", {
                    "rate": fmt.number(rate_cell, lang, decimals=2), "computed": fmt.number(computed, lang,
                                                                                           decimals=2),
                    "numerator": names.get(m.numerator), "denominator": names.get(m.denominator)}, "warning"))
    return out


def against_province(s, obs: pd.DataFrame, reference, lang: str) -> pd.DataFrame:
    """Sum of a sheet's districts (or communes) against their province's own figure for the same period."""
    cols = [t(f"data.check_col_{c}", lang) for c in ("sheet", "province", "period", "indicator", "units_sum",
                                                      "province_value", "difference", "province_source")]
    if s.level not in ("district", "commune") or obs.empty:
        return pd.DataFrame(columns=cols)
    parents = admin.units()["parent"]
    counts = obs[obs["metric"].astype(str).isin(metrics.count_ids())].copy()
    counts["province"] = [parents.get(str(u)) for u in counts["unit"]]
    rows = []
    for (prov, year, period, metric), g in counts.groupby(["province", "year", "period", "metric"], observed=True):
        found = reference(str(prov), int(year), str(period), str(metric))
        if found is None:
            continue
        value, _status, source = found
        total = math.fsum(g["value"].astype(float))
        if abs(total - value) <= 0.5:
            continue
        heading = s.column_heading(str(metric)) or metrics.get(str(metric)).name(lang)
        rows.append([s.sheet or s.file, admin.display_name(str(prov)), periods.label(int(year), str(period), lang),
                     heading, _num(lang, total), _num(lang, value), _num(lang, total - value), source])
    return pd.DataFrame(rows, columns=cols)
