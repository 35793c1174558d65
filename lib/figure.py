"""The one figure of a unit for an indicator and a year, shared by the Overview cards, the one-page brief and (when
it adopts it) the map panel: value, status and source, the previous value and the change, targets and gaps, the
participants and the denominator beside the rate (each with its own status), and the latest published figure.

Every value follows lib.store's status rule: a unit's real series never takes a demo value; demo values show only
while the view's demo switch shows them (``demo``: None / True / False, lib.urlstate). A verdict on a target
(``verdict``) is given only from a real value; a demo value's gap is worded as demo (``gap_text``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from lib import gap as gap_mod
from lib import metrics
from lib.i18n import t
from lib.provenance import value_text
from lib.targets import TARGET_YEARS, Target

REAL = ("reported", "uploaded", "estimate")


@dataclass(frozen=True)
class Count:
    """A head count (participants) or denominator (population, labour force) of the figure's year."""
    metric: metrics.Metric
    year: int
    value: float | None
    status: str | None
    source: str = ""

    @property
    def demo(self) -> bool:
        return self.status == "demo"


@dataclass
class UnitFigure:
    unit: str
    metric: metrics.Metric
    year: int
    value: float | None
    status: str | None
    source: str
    previous: float | None = None
    previous_status: str | None = None
    previous_year: int | None = None
    targets: dict[int, Target | None] = field(default_factory=dict)
    latest_published: pd.Series | None = None  # newest published figure up to the year, when the year's is not
    participants: Count | None = None
    denominator: Count | None = None
    latest_participants: pd.Series | None = None  # newest published head count, when the year's is not published

    @property
    def demo(self) -> bool:
        return self.status == "demo"

    @property
    def real(self) -> bool:
        return self.status in REAL

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    def gap(self, target_year: int) -> gap_mod.Gap | None:
        """lib.gap: target − value (positive = still missing)."""
        return gap_mod.gap(self.value, self.targets.get(target_year))

    def gap_text(self, target_year: int, lang: str) -> str:
        """'còn thiếu 1,0 điểm %' / 'vượt 0,2 điểm %' / 'đạt'; from a demo value it says demo."""
        g = self.gap(target_year)
        text = gap_mod.gap_text(g, lang)
        return demo_mark(text, lang) if g is not None and self.demo else text

    def verdict(self, target_year: int) -> str | None:
        """'met' / 'not_met' for a target whose year has a real value (the year is the target's); None otherwise:
        attainment is never stated from a demo value or before the target year."""
        if not self.real or self.year < target_year:
            return None
        g = self.gap(target_year)
        return None if g is None else ("met" if g.met else "not_met")

    @property
    def statuses(self) -> set[str]:
        out = {s for s in (self.status, self.previous_status) if s}
        for c in (self.participants, self.denominator):
            if c is not None and c.status:
                out.add(c.status)
        return out


def demo_mark(text: str, lang: str) -> str:
    """A value or sentence marked as demo in itself: '93,35% [minh họa]'."""
    return value_text(text, "demo", lang)


def _row(series: pd.DataFrame, year: int):
    now = series[series["year"] == year]
    return now.iloc[0] if len(now) else None


def _count(store, unit: str, metric_id: str | None, year: int, demo) -> Count | None:
    if not metric_id:
        return None
    row = _row(store.series(unit, metric_id, demo), year)
    m = metrics.get(metric_id)
    if row is None:
        return Count(m, year, None, None)
    return Count(m, year, float(row["value"]), str(row["status"]), str(row["source"]))


def figure(store, unit: str, metric_id: str, year: int, demo: bool | None = None) -> UnitFigure:
    """The figure of `unit` for `metric_id` (a rate) in `year` under the view's demo switch."""
    m = metrics.get(metric_id)
    series = store.series(unit, metric_id, demo)
    row = _row(series, year)
    earlier = series[series["year"] < year]
    prev = earlier.iloc[-1] if len(earlier) else None
    status = str(row["status"]) if row is not None else None
    fig = UnitFigure(
        unit=unit, metric=m, year=year,
        value=float(row["value"]) if row is not None else None, status=status,
        source=str(row["source"]) if row is not None else "",
        previous=float(prev["value"]) if prev is not None else None,
        previous_status=str(prev["status"]) if prev is not None else None,
        previous_year=int(prev["year"]) if prev is not None else None,
        targets={ty: store.target(unit, metric_id, ty) for ty in TARGET_YEARS},
        participants=_count(store, unit, m.numerator, year, demo),
        denominator=_count(store, unit, m.denominator, year, demo),
    )
    if status not in ("reported", "uploaded"):
        fig.latest_published = store.latest_published(unit, metric_id, year)
    if m.numerator and (fig.participants is None or fig.participants.status not in ("reported", "uploaded")):
        fig.latest_participants = store.latest_published(unit, m.numerator, year)
    return fig


def figures(store, unit: str, year: int, demo: bool | None = None, domain: str = "coverage") -> list[UnitFigure]:
    """The headline figures of a domain (coverage: HI, SI, voluntary SI, UI) for one unit and year."""
    return [figure(store, unit, m.id, year, demo) for m in metrics.headline(domain)]


# -- words (shared by the Overview cards, the brief and any panel) ----------------------------------------------------
def rate_text(fig: UnitFigure, lang: str, decimals: int = 2) -> str:
    """The figure's value with its status in the value itself ('94,95% [minh họa]'); '–' when there is none."""
    from lib import fmt

    return value_text(fmt.pct(fig.value, lang, decimals), fig.status, lang) if fig.value is not None else "–"


def count_text(c: Count | None, lang: str) -> str | None:
    """'Số người tham gia BHYT: 2,97 triệu (Công bố)'; None when the count has no value."""
    from lib import fmt
    from lib.provenance import status_label

    if c is None or c.value is None:
        return None
    value = value_text(fmt.persons(c.value, lang), c.status, lang)  # demo and estimates marked in the value
    if c.status in ("reported", "uploaded"):
        return t("honest.count", lang, name=c.metric.name(lang), value=value, status=status_label(c.status, lang))
    return t("honest.count_marked", lang, name=c.metric.name(lang), value=value)


def counts_line(fig: UnitFigure, lang: str) -> str | None:
    """Participants and the denominator the rate uses, each with its status; the latest published head count when
    the year's is not published."""
    from lib import fmt, periods

    parts = [p for p in (count_text(fig.participants, lang), count_text(fig.denominator, lang)) if p]
    lp = fig.latest_participants
    if lp is not None:
        parts.append(t("honest.latest_count", lang, name=metrics.get(fig.metric.numerator).name(lang),
                       value=fmt.persons(float(lp["value"]), lang),
                       period=periods.label(int(lp["year"]), str(lp["period"]), lang)))
    return " · ".join(parts) if parts else None


def change_text(fig: UnitFigure, lang: str) -> str | None:
    """'+1,0 điểm % so với 2023' (demo marked when either value is demo)."""
    from lib import fmt

    if fig.change is None:
        return None
    text = t("honest.change_since", lang, change=fmt.points(fig.change, lang), year=fig.previous_year)
    return value_text(text, "demo", lang) if "demo" in (fig.status, fig.previous_status) else text


def status_cell(text: str, status: str | None, lang: str) -> str:
    """A formatted count or amount with its own status, for a table cell or a line beside a rate: '2.970.132 (Công
    bố)', '2.970.132 [minh họa]' (demo marked in the value), '3.503.885 (ước tính)'; the text alone without a status."""
    from lib.provenance import status_label

    if status in ("reported", "uploaded"):
        return t("counts.cell", lang, value=text, status=status_label(status, lang))
    return value_text(text, status, lang)
