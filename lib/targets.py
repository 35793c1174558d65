"""Targets: per unit (or national), metric, year; point, floor ('above 95%') or range (26–27%), with their source.

Which target a unit has (``target_for``), in this order:
1. its own (published, or uploaded by the user);
2. a 2025 province (merged on 1 July 2025) without its own: the mean of its legacy provinces' *effective* targets
   (each one's own, else the national one) weighted by their denominator -- the 2019 census population for HI, the
   census population aged 15-59 for SI, voluntary SI and UI (the labour-force estimates are shares of it) -- when at
   least one legacy province has its own target (status ``derived``; ``members`` lists the parts and weights). When
   none has its own, the national target is inherited as it is;
3. a district (or a commune) without its own: its province's effective target, labelled ``inherited``;
4. a province without its own: the national target, labelled ``inherited``.
Ranges stay ranges (a point member contributes its value to both bounds), floors stay floors when every part is one.
``Target.unit`` is always the unit whose document set the target (the province or the nation for inherited ones).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np
import pandas as pd

from lib import admin, metrics

TARGET_KINDS = ("point", "floor", "range")
TARGET_YEARS = (2025, 2030)  # the years of Resolution 28-NQ/TW and 20-NQ/TW targets every page compares with
HORIZON = TARGET_YEARS[-1]  # forecasts and scenarios run to the last target year


@dataclass(frozen=True)
class TargetPart:
    """One legacy province's effective target inside a derived (merged 2025 province) target."""
    unit: str
    value: float
    value_max: float | None
    kind: str
    status: str  # published | uploaded (its own) | inherited (the national target)
    weight: float  # share of the merged province's denominator, 0-1


@dataclass(frozen=True)
class Target:
    metric: str  # the rate it applies to, e.g. "hi_coverage_pct"
    year: int
    kind: str  # "point" | "floor" | "range"
    value: float  # the point, the floor, or the lower bound of a range
    value_max: float | None = None  # upper bound of a range
    source: str = ""
    document: str = ""  # e.g. "Resolution 28-NQ/TW"
    status: str = "published"  # published | uploaded | inherited (from the province or the nation) | derived |
    # override (a value an analyst typed for one view; never stored)
    unit: str = "national:VN"  # unit id the target was set for (differs from the unit shown when inherited)
    note: str = ""
    members: tuple = ()  # TargetPart per legacy province, for a derived target

    def met_by(self, value: float) -> bool:
        """A coverage target is met at or above its point, floor or lower bound (published figures are rounded)."""
        return value >= self.value - 1e-9

    @property
    def threshold(self) -> float:
        return self.value

    def with_value(self, value: float, value_max: float | None = None, kind: str | None = None) -> "Target":
        """The same target with another value (an analyst's 'what if' for one view): status ``override``."""
        kind = kind or ("range" if value_max is not None else ("floor" if self.kind == "floor" else "point"))
        return replace(self, value=float(value), value_max=None if value_max is None else float(value_max),
                       kind=kind, status="override", document="", source="", note="", members=(), unit=self.unit)


def target_for(chosen: pd.DataFrame, unit: str, metric: str, year: int) -> Target | None:
    """The unit's effective target for a metric and year by the rules in the module docstring (None: no target)."""
    if chosen is None or chosen.empty:
        return None
    idx = _target_index(chosen)
    own = idx.get((unit, metric, year))
    if own is not None:
        return _to_target(own, "uploaded" if own["status"] == "uploaded" else "published")
    level = unit.split(":")[0]
    if level == "national":
        return None
    if level == "province_2025":
        derived = _merged_target(idx, unit, metric, year)
        if derived is not None:
            return derived
    parent = _parent(unit, level)
    if parent is None:
        return None
    inherited = target_for(chosen, parent, metric, year)
    return None if inherited is None else replace(inherited, status="inherited")


def _parent(unit: str, level: str) -> str | None:
    if level in admin.PROVINCE_LEVELS:
        return admin.NATIONAL_ID
    parent = _parents().get(unit)
    return parent if isinstance(parent, str) and parent else admin.NATIONAL_ID


@lru_cache(maxsize=1)
def _parents() -> dict:
    return admin.units()["parent"].to_dict()


_INDEX_CACHE: dict = {}


def _target_index(chosen: pd.DataFrame) -> dict:
    """(unit, metric, year) -> row, built once per targets table (the table object itself is the key)."""
    cached = _INDEX_CACHE.get("entry")
    if cached is None or cached[0] is not chosen:
        _INDEX_CACHE["entry"] = (chosen, {(r["unit"], r["metric"], int(r["year"])): r
                                          for r in chosen.to_dict("records")})
    return _INDEX_CACHE["entry"][1]


def _nan_to_none(v):
    return None if v is None or (isinstance(v, float) and np.isnan(v)) else float(v)


def _to_target(row: dict, status: str) -> Target:
    return Target(metric=row["metric"], year=int(row["year"]), kind=row["kind"], value=float(row["value"]),
                  value_max=_nan_to_none(row.get("value_max")), source=row.get("source", ""),
                  document=row.get("document", ""), status=status, unit=row["unit"], note=row.get("note", ""))


def merge_weights(unit: str, metric: str) -> dict[str, float]:
    """The legacy provinces of a 2025 province and their share of its denominator (2019 census population for HI,
    population aged 15-59 for SI, voluntary SI and UI)."""
    return dict(_merge_weights(unit, metrics.get(metric).denominator == "population"))


@lru_cache(maxsize=None)
def _merge_weights(unit: str, by_population: bool) -> tuple:
    from lib.bundled import denominators

    u = admin.units()
    members = u.index[(u["level"] == "province") & (u["province_2025"] == unit)].tolist()
    if not members:
        return ()
    census = denominators.census_provinces()
    column = "population" if by_population else "population_age_15_59"
    w = np.array([float(census.at[m, column]) if m in census.index else np.nan for m in members])
    if not np.all(np.isfinite(w)) or w.sum() <= 0:
        w = np.ones(len(members))
    return tuple(zip(members, (w / w.sum()).tolist()))


def _merged_target(idx: dict, unit: str, metric: str, year: int) -> Target | None:
    """Denominator-weighted mean of the legacy provinces' effective targets (own, else national); None when none of
    them has its own (then the national target is inherited as it is) or a member has no target at all."""
    weights = merge_weights(unit, metric)
    national = idx.get((admin.NATIONAL_ID, metric, year))
    parts, rows = [], []
    for member, weight in weights.items():
        row = idx.get((member, metric, year))
        status = ("uploaded" if row["status"] == "uploaded" else "published") if row is not None else "inherited"
        row = row if row is not None else national
        if row is None:
            return None
        high = _nan_to_none(row.get("value_max")) if row["kind"] == "range" else None
        parts.append(TargetPart(member, float(row["value"]), high, row["kind"], status, weight))
        rows.append(row)
    if not parts or all(p.status == "inherited" for p in parts):
        return None
    kinds = {p.kind for p in parts}
    kind = "range" if "range" in kinds else ("floor" if kinds == {"floor"} else "point")
    value = sum(p.weight * p.value for p in parts)
    value_max = sum(p.weight * (p.value_max if p.value_max is not None else p.value) for p in parts) \
        if kind == "range" else None
    sources = " | ".join(dict.fromkeys(str(r.get("source", "")) for r in rows if r.get("source")))
    documents = " | ".join(dict.fromkeys(str(r.get("document", "")) for r in rows if r.get("document")))
    return Target(metric=metric, year=year, kind=kind, value=round(value, 2),
                  value_max=None if value_max is None else round(value_max, 2), source=sources,
                  document=documents, status="derived", unit=unit,
                  note="weighted mean of the legacy provinces' targets (own, else national) by their denominator",
                  members=tuple(parts))
