"""Overview figures: for a unit and a year, each coverage indicator's latest value, change on the previous year,
its 2025 and 2030 targets and the gaps, each with the source it came from."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from lib import metrics
from lib.store import Store
from lib.targets import Target

TARGET_YEARS = (2025, 2030)


@dataclass
class Kpi:
    metric: metrics.Metric
    year: int
    value: float | None
    status: str | None
    source: str
    previous: float | None
    previous_status: str | None
    targets: dict[int, Target | None]
    latest_published: pd.Series | None  # the newest published figure up to the year, when the year's value is not

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    def gap(self, target_year: int) -> float | None:
        """Points still to gain to reach the target (negative: above it)."""
        target = self.targets.get(target_year)
        if target is None or self.value is None:
            return None
        return target.value - self.value

    @property
    def statuses(self) -> set[str]:
        return {s for s in (self.status, self.previous_status) if s}


def kpis(store: Store, unit: str, year: int) -> list[Kpi]:
    out = []
    for m in metrics.headline("coverage"):
        series = store.series(unit, m.id)
        now = series[series["year"] == year]
        before = series[series["year"] == year - 1]
        value = float(now["value"].iloc[0]) if len(now) else None
        status = str(now["status"].iloc[0]) if len(now) else None
        published = None
        if status not in ("reported", "uploaded"):
            published = store.latest_published(unit, m.id, year)
        out.append(Kpi(
            metric=m, year=year, value=value, status=status, source=str(now["source"].iloc[0]) if len(now) else "",
            previous=float(before["value"].iloc[0]) if len(before) else None,
            previous_status=str(before["status"].iloc[0]) if len(before) else None,
            targets={ty: store.target(unit, m.id, ty) for ty in TARGET_YEARS},
            latest_published=published,
        ))
    return out


def trend(store: Store, unit: str, metric: str, up_to: int, first: int = 2015) -> pd.DataFrame:
    s = store.series(unit, metric)
    return s[(s["year"] >= first) & (s["year"] <= up_to)]


def targets_frame(store: Store, unit: str, metric: str, years=range(2015, 2031)) -> pd.DataFrame:
    rows = []
    for y in years:
        tg = store.target(unit, metric, y)
        # Another unit's annual targets would mislead on this unit's chart; inherited ones show for 2025/2030 only.
        if tg is not None and (tg.status in ("published", "uploaded") or y in TARGET_YEARS):
            rows.append(dict(year=y, value=tg.value, value_max=tg.value_max if tg.value_max is not None else tg.value,
                             kind=tg.kind, label=tg.label(), document=tg.document, status=tg.status))
    return pd.DataFrame(rows, columns=["year", "value", "value_max", "kind", "label", "document", "status"])
