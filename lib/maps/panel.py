"""The panel beside the map: the selected unit's (or the drilled province's) value in the year, status and source, its
targets, the latest published figure when the value shown is not one, a figure published for the merged 2025
province it belongs to, the legacy provinces of a merged one, and the drill-down it offers.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from lib import admin, metrics
from lib.maps.notes import merged_members, unsplittable
from lib.maps.scope import drill_changes, province_2025_of
from lib.maps.values import gap_allowed, TARGET_YEARS
from lib.store import Store
from lib.targets import Target


@dataclass
class Panel:
    uid: str
    name: str
    level: str
    value: float | None
    status: str | None
    source: str
    targets: dict[int, Target | None]
    latest_published: pd.Series | None
    unsplittable: pd.Series | None  # a figure published for the merged 2025 province this unit is part of
    members: list[str]  # legacy provinces of a merged 2025 province
    drill: dict | None

    def gap(self, target_year: int) -> float | None:
        """target − value in points (positive: short of it; lib/gap.py)."""
        tg = self.targets.get(target_year)
        if tg is None or self.value is None:
            return None
        return tg.value - self.value


def panel(store: Store, uid: str, metric: metrics.Metric, year: int) -> Panel:
    u = admin.units()
    level = u.at[uid, "level"] if uid in u.index else uid.split(":")[0]
    series = store.series(uid, metric.id)
    now = series[series["year"] == year]
    value = float(now["value"].iloc[0]) if len(now) else None
    status = str(now["status"].iloc[0]) if len(now) else None
    source = str(now["source"].iloc[0]) if len(now) else ""
    targets = {ty: store.target(uid, metric.id, ty) for ty in TARGET_YEARS} if gap_allowed(metric) else {}
    latest = store.latest_published(uid, metric.id, year) if status not in ("reported", "uploaded") else None
    split = None
    if level in ("province", "district"):
        p25 = province_2025_of(uid)
        rows = unsplittable(store, metric.id, year)
        rows = rows[rows["unit"].astype(str) == p25]
        if len(rows):
            split = rows.iloc[0]
    members = merged_members(uid) if level == "province_2025" else []
    return Panel(uid=uid, name=admin.display_name(uid), level=level, value=value, status=status, source=source,
                 targets=targets, latest_published=latest, unsplittable=split,
                 members=members if len(members) > 1 else [], drill=drill_changes(uid))
