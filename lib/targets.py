"""Targets: per unit (or national), metric, year; point, floor ('above 95%') or range (26–27%), with their source."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from lib import admin, metrics

TARGET_KINDS = ("point", "floor", "range")


@dataclass(frozen=True)
class Target:
    metric: str  # the rate it applies to, e.g. "hi_coverage_pct"
    year: int
    kind: str  # "point" | "floor" | "range"
    value: float  # the point, the floor, or the lower bound of a range
    value_max: float | None = None  # upper bound of a range
    source: str = ""
    document: str = ""  # e.g. "Resolution 28-NQ/TW"
    status: str = "published"  # published | inherited (from the province or the nation) | derived (merged 2025 province)
    unit: str = "national:VN"  # unit id the target was set for (differs from the unit shown when inherited)
    note: str = ""

    def met_by(self, value: float) -> bool:
        """A coverage target is met at or above its point, floor or lower bound (published figures are rounded)."""
        return value >= self.value - 1e-9

    @property
    def threshold(self) -> float:
        return self.value

    def label(self) -> str:
        if self.kind == "range" and self.value_max is not None:
            return f"{self.value:g}–{self.value_max:g}%"
        if self.kind == "floor":
            return f">{self.value:g}%"
        return f"{self.value:g}%"


def target_for(chosen: pd.DataFrame, unit: str, metric: str, year: int) -> Target | None:
    """The unit's own target, else its province's, else the nation's (labelled inherited).

    A 2025 province without its own target gets the targets of its legacy provinces weighted by their
    denominators when every one of them has one, else the nation's."""
    if chosen is None or chosen.empty:
        return None
    idx = _target_index(id(chosen), chosen)
    own = idx.get((unit, metric, year))
    if own is not None:
        return _to_target(own, "published" if own["status"] != "uploaded" else "uploaded")
    u = admin.units()
    chain = []
    level = unit.split(":")[0]
    if level == "district":
        chain = [u.at[unit, "parent"], admin.NATIONAL_ID]
    elif level == "commune":
        chain = [u.at[unit, "parent"], admin.NATIONAL_ID]
    elif level in ("province", "province_2025"):
        chain = [admin.NATIONAL_ID]
    if level == "province_2025":
        derived = _merged_target(idx, unit, metric, year)
        if derived is not None:
            return derived
    for parent in chain:
        row = idx.get((parent, metric, year))
        if row is not None:
            return _to_target(row, "inherited")
    return None


_INDEX_CACHE: dict[int, dict] = {}


def _target_index(key: int, chosen: pd.DataFrame) -> dict:
    if key not in _INDEX_CACHE:
        _INDEX_CACHE.clear()
        _INDEX_CACHE[key] = {(r["unit"], r["metric"], int(r["year"])): r for r in chosen.to_dict("records")}
    return _INDEX_CACHE[key]


def _to_target(row: dict, status: str) -> Target:
    vmax = row.get("value_max")
    return Target(metric=row["metric"], year=int(row["year"]), kind=row["kind"], value=float(row["value"]),
                  value_max=None if vmax is None or (isinstance(vmax, float) and np.isnan(vmax)) else float(vmax),
                  source=row.get("source", ""), document=row.get("document", ""), status=status,
                  unit=row["unit"], note=row.get("note", ""))


def _merged_target(idx: dict, unit: str, metric: str, year: int) -> Target | None:
    """Weighted mean of the legacy provinces' own targets, by 2019 census population (HI) or 15-59 population."""
    from lib import denominators

    u = admin.units()
    members = u.index[(u["level"] == "province") & (u["province_2025"] == unit)].tolist()
    rows = [idx.get((m, metric, year)) for m in members]
    if len(members) < 2 or any(r is None for r in rows):
        return None
    census = denominators.census_provinces()
    weight_col = "population" if metrics.get(metric).denominator == "population" else "population_age_15_59"
    w = np.array([census.at[m, weight_col] for m in members], dtype=float)
    lows = np.array([r["value"] for r in rows])
    highs = np.array([r["value_max"] if r["kind"] == "range" else r["value"] for r in rows])
    kinds = {r["kind"] for r in rows}
    kind = "range" if "range" in kinds else ("floor" if kinds == {"floor"} else "point")
    value = float((w * lows).sum() / w.sum())
    value_max = float((w * highs).sum() / w.sum()) if kind == "range" else None
    return Target(metric=metric, year=year, kind=kind, value=round(value, 2),
                  value_max=None if value_max is None else round(value_max, 2),
                  source=" | ".join(str(r["source"]) for r in rows), document="weighted:" + ",".join(members),
                  status="derived", unit=unit)
