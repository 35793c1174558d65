"""Overview figures: for a unit and a year, each coverage indicator's value, change on the previous value, its 2025
and 2030 targets and the gaps, participants and denominator, each with its status and source (lib.figure)."""
from __future__ import annotations

import pandas as pd

from lib import figure, fmt
from lib.i18n import t
from lib.provenance import describe, first_url, status_label
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


def sources_table(kpis: list[Kpi], lang: str) -> pd.DataFrame:
    """Where every number of the cards comes from: per indicator its value, the participants and the denominator
    (each with its status) and its targets, with the source in words and its link."""
    col = {k: t(f"col.{k}", lang) for k in ("indicator", "what", "value", "status", "source", "link")}

    def row(name, what, value, status, source, link) -> dict:
        return dict(zip(col.values(), (name, what, value, status, source, link)))

    rows = []
    for kpi in kpis:
        rows.append(row(kpi.metric.name(lang), str(kpi.year), figure.rate_text(kpi, lang),
                        status_label(kpi.status, lang) if kpi.status else "–", describe(kpi.source, lang),
                        first_url(kpi.source)))
        for count in (kpi.participants, kpi.denominator):
            if count is not None and count.value is not None:
                rows.append(row(count.metric.name(lang), str(kpi.year),
                                figure.value_text(fmt.persons(count.value, lang), count.status, lang),
                                status_label(count.status, lang), describe(count.source, lang),
                                first_url(count.source)))
        for ty, target in kpi.targets.items():
            if target is not None:
                rows.append(row(kpi.metric.name(lang), t("overview.target", lang, year=ty),
                                fmt.target_text(target, lang), t("target_status." + target.status, lang),
                                f"{target.document} — {describe(target.source, lang)}", first_url(target.source)))
    return pd.DataFrame(rows, columns=list(col.values()))
