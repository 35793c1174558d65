"""Overview figures: for a unit and a year, each coverage indicator's value, change on the previous value, its 2025
and 2030 targets and the gaps, participants and denominator, each with its status and source (lib.figure)."""
from __future__ import annotations

import pandas as pd

from lib import figure
from lib.store import Store

TARGET_YEARS = figure.TARGET_YEARS
Kpi = figure.UnitFigure  # one unit figure for the Overview cards and the brief (lib.figure)


def kpis(store: Store, unit: str, year: int, demo: bool | None = None) -> list[Kpi]:
    """The coverage figures (HI, SI, voluntary SI, UI) of a unit in a year under the view's demo switch."""
    return figure.figures(store, unit, year, demo, "coverage")


def trend(store: Store, unit: str, metric: str, up_to: int, first: int = 2015, demo: bool | None = None) -> pd.DataFrame:
    """The unit's series by the status rule (real values only when it has any; demo only while shown)."""
    s = store.series(unit, metric, demo)
    return s[(s["year"] >= first) & (s["year"] <= up_to)]


def targets_frame(store: Store, unit: str, metric: str, years=range(2015, 2031)) -> pd.DataFrame:
    rows = []
    for y in years:
        tg = store.target(unit, metric, y)
        # Another unit's annual targets would mislead on this unit's chart; inherited ones show for 2025/2030 only.
        if tg is not None and (tg.status in ("published", "uploaded") or y in TARGET_YEARS):
            rows.append(dict(year=y, value=tg.value, value_max=tg.value_max if tg.value_max is not None else tg.value,
                             kind=tg.kind, document=tg.document, status=tg.status))
    return pd.DataFrame(rows, columns=["year", "value", "value_max", "kind", "document", "status"])
