"""The one place that reads and writes the view state carried in the URL (the page is the URL path).

Parameters: lang (vi|en), metric (hi|si|si_voluntary|ui|revenue_plan|arrears_ratio), year, area (unit id of the
Overview focus), level (map level), unit (selected unit), scenario (saved scenario name), present (1 = presenter
mode). Defaults are left out of the URL so links stay short; bad values fall back to defaults and are reported.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Mapping

from lib import admin, metrics
from lib.i18n import DEFAULT_LANG, LANGS

MAP_LEVELS = ("province", "province_2025", "district", "commune")


@dataclass(frozen=True)
class ViewState:
    lang: str = DEFAULT_LANG
    metric: str = "hi"
    year: int | None = None  # None: the latest year with data
    area: str = admin.NATIONAL_ID
    level: str = "province"
    unit: str | None = None
    scenario: str | None = None
    present: bool = False

    def with_(self, **changes) -> "ViewState":
        return replace(self, **changes)


DEFAULT = ViewState()
PARAMS = tuple(f.name for f in fields(ViewState))


def _first(value):
    if isinstance(value, (list, tuple)):
        return value[0] if value else None
    return value


def from_query(params: Mapping) -> tuple[ViewState, list[str]]:
    """The view a URL's query parameters describe, and the names of parameters that were ignored as invalid."""
    state, bad = {}, []
    get = {k: _first(v) for k, v in dict(params).items()}
    if (lang := get.get("lang")) is not None:
        state["lang"] = lang if lang in LANGS else bad.append("lang") or DEFAULT.lang
    if (metric := get.get("metric")) is not None:
        if metric in metrics.headline_ids("coverage") + metrics.headline_ids("collections"):
            state["metric"] = metric
        else:
            bad.append("metric")
    if (year := get.get("year")) is not None:
        if str(year).isdigit() and 2000 <= int(year) <= 2100:
            state["year"] = int(year)
        else:
            bad.append("year")
    for name in ("area", "unit"):
        value = get.get(name)
        if value is not None:
            if value in admin.units().index:
                state[name] = value
            else:
                bad.append(name)
    if (level := get.get("level")) is not None:
        if level in MAP_LEVELS:
            state["level"] = level
        else:
            bad.append("level")
    if (scenario := get.get("scenario")) is not None:
        state["scenario"] = str(scenario)[:120] or None
    if (present := get.get("present")) is not None:
        state["present"] = str(present).lower() in ("1", "true", "yes")
    return replace(DEFAULT, **state), bad


def to_query(state: ViewState) -> dict[str, str]:
    """Query parameters for a view, defaults omitted."""
    out = {}
    for name, value in asdict(state).items():
        if value == getattr(DEFAULT, name) or value is None:
            continue
        out[name] = "1" if value is True else str(value)
    return out
