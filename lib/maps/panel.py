"""The panel beside the map: the selected unit's (or the drilled province's) value in the year, status and source, its
targets, the latest published figure when the value shown is not one, a figure published for the merged 2025
province it belongs to, the legacy provinces of a merged one, and the drill-down it offers.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pandas as pd

from lib import admin, fmt, metrics, overview, periods
from lib import gap as gaps
from lib.i18n import t
from lib.maps.features import target_origin, unit_people_text
from lib.maps.notes import merged_members, unsplittable
from lib.maps.scope import drill_changes, province_2025_of
from lib.maps.values import gap_allowed, TARGET_YEARS
from lib.provenance import describe, value_text as status_value_text
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


def panel(store: Store, uid: str, metric: metrics.Metric, year: int, demo: bool | None = None) -> Panel:
    """The selected unit's figure under the view's demo switch `demo` (lib.store.Store.series)."""
    u = admin.units()
    level = u.at[uid, "level"] if uid in u.index else uid.split(":")[0]
    series = store.series(uid, metric.id, demo)
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


# -- the panel's text -------------------------------------------------------------------------------------------------
# Lines are markdown: `text` escapes text that may come from a file (ui.text), `link` makes a source's link
# (ui.source_link); both are passed in by the page, so this module stays free of Streamlit.
def value_text(p: Panel, lang: str) -> str:
    """The figure as the panel's card shows it, demo marked in the value itself ('93,35% [minh họa]')."""
    return status_value_text(fmt.pct(p.value, lang, 2), p.status, lang) if p.value is not None else \
        t("map.panel.no_value", lang)


def target_line(p: Panel, target_year: int, lang: str, text: Callable[[str], str]) -> str:
    """'Mục tiêu 2030: **95%** — còn thiếu 1,0 điểm % (của tỉnh)': the target, the one gap (lib/gap.py), whose."""
    target = p.targets.get(target_year)
    if target is None:
        return t("map.panel.no_target", lang, year=target_year)
    return t("map.panel.target", lang, year=target_year, target=text(fmt.target_text(target, lang, missing="")),
             gap=status_value_text(gaps.gap_text(gaps.gap(p.value, target), lang), p.status, lang),  # demo says so
             origin=text(target_origin(target, lang)))


def lines(store: Store, p: Panel, metric: metrics.Metric, year: int, lang: str, demo: bool,
          text: Callable[[str], str], link: Callable[[str], str]) -> list[tuple[str, str]]:
    """The lines under the panel's figure, as (kind, markdown): kind caption | markdown | info."""
    out = []
    if p.status:
        if p.status in ("reported", "uploaded"):
            source = link(p.source)
        else:  # demo values and estimates: say what they are, not the chain of inputs
            source = text(t("source.demo", lang) if p.status == "demo" else describe(p.source, lang))
        out.append(("caption", t("map.panel.status", lang, status=t(f"status.{p.status}", lang), source=source)))
    counts = unit_people_text(store, p.uid, metric, year, lang, demo)
    if counts:
        out.append(("caption", text(counts)))
    out += [("markdown", target_line(p, ty, lang, text)) for ty in (TARGET_YEARS if gap_allowed(metric) else ())]
    if p.latest_published is not None:
        lp = p.latest_published
        out.append(("caption", t("map.panel.latest_published", lang, value=fmt.pct(lp["value"], lang, 2),
                                 period=periods.label(int(lp["year"]), str(lp["period"]), lang),
                                 source=link(str(lp["source"])))))
    if p.unsplittable is not None:
        row = p.unsplittable
        out.append(("info", t("map.panel.unsplittable", lang, name=admin.display_name(str(row["unit"])),
                              value=fmt.pct(row["value"], lang, 2),
                              period=periods.label(int(row["year"]), str(row["period"]), lang))))
    if p.members:
        out.append(("caption", t("map.panel.members", lang,
                                 names=", ".join(admin.display_name(m) for m in p.members))))
    return out


def drill_key(p: Panel, level: str, area: str) -> str | None:
    """The message of the panel's drill-down button, or None when there is nowhere to go (already there)."""
    if not p.drill or (level, area) == (p.drill["level"], p.drill["area"]):
        return None
    return "map.panel.drill_district" if p.drill["level"] == "district" else "map.panel.drill_commune"


def trend(store: Store, p: Panel, metric: metrics.Metric, year: int,
          demo: bool | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The unit's series up to `year` under the demo switch, and its targets (coverage only), for the panel's chart."""
    series = overview.trend(store, p.uid, metric.id, year, demo=demo)
    targets = overview.targets_frame(store, p.uid, metric.id) if gap_allowed(metric) else pd.DataFrame(
        columns=["year", "value", "value_max", "kind", "label", "document", "status"])
    return series, targets
