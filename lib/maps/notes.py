"""What a user must know to read a map view, as message keys with parameters: approximate communes without data, sums
across the two structures (63 and 34 provinces), figures published for a merged province that cannot be split, years
without data, the user's own boundaries.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from lib import admin, metrics
from lib.maps.boundaries import uses_upload
from lib.maps.scope import Scope
from lib.maps.values import years_with_data
from lib.store import Store


@dataclass(frozen=True)
class Note:
    key: str
    params: dict = field(default_factory=dict)
    kind: str = "info"  # info (a line under the map) | prompt (what to do next) | warning (above the map)


def merged_members(p25: str) -> list[str]:
    u = admin.units()
    return u.index[(u["level"] == "province") & (u["province_2025"] == p25)].tolist()


def unsplittable(store: Store, metric_id: str, year: int) -> pd.DataFrame:
    """Figures published (or uploaded) for merged 2025 provinces in a year: they cannot be split onto the 63
    provinces or their districts. Once per store, metric and year (do not modify the result)."""
    def compute():
        r = store.resolved
        sel = r[(r["level"] == "province_2025") & (r["metric"] == metric_id) & (r["year"] == year)
                & r["status"].isin(["reported", "uploaded"]) & ~r["derived"].astype(bool)]
        if sel.empty:
            return sel
        merged = sel["unit"].astype(str).map(lambda uid: len(merged_members(uid)) > 1)
        return sel[merged.to_numpy()]
    return store.memo(("maps.unsplittable", metric_id, int(year)), compute)


def map_notes(store: Store, scope_: Scope, metric: metrics.Metric, year: int, frame: pd.DataFrame,
              uploads: dict | None = None) -> list[Note]:
    """What a user must know to read this map: approximate communes without data, sums across structures, figures
    that cannot be split, years without data, the user's own boundaries."""
    notes = []
    level = scope_.level
    if scope_.choosing_province:
        notes.append(Note("map.note.choose_province", kind="prompt"))
    if level == "commune":
        if frame["value"].isna().all():
            notes.append(Note("map.note.no_commune_data", kind="warning"))
        if scope_.approximate:
            notes.append(Note("map.note.approximate"))
    if frame["value"].isna().all() and level != "commune":
        years = years_with_data(store, level, metric.id)
        span = f"{years[0]}–{years[-1]}" if years else "–"
        notes.append(Note("map.note.no_year", {"year": year, "years": span}, "warning"))
    if level == "province_2025" and frame["source"].astype(str).str.contains("sum:province").any():
        notes.append(Note("map.note.sum_legacy"))
    if level == "province_2025" and frame["value"].isna().any() and frame["value"].notna().any():
        notes.append(Note("map.note.partial_sum", {"n": int(frame["value"].isna().sum())}, "warning"))
    if level in ("province", "district"):
        rows = unsplittable(store, metric.id, year)
        if len(rows):
            names = ", ".join(sorted({admin.display_name(str(x)) for x in rows["unit"]}))
            notes.append(Note("map.note.unsplittable", {"names": names, "year": year}))
        if level == "district" and year >= 2025:
            notes.append(Note("map.note.districts_abolished"))
    if uses_upload(level, uploads):
        notes.append(Note("map.note.user_boundaries", {"file": uploads[level].name}))
    return notes
