"""The one place that reads and writes the view state carried in the URL (the page is the URL path).

Parameters: lang (vi|en), metric (hi|si|si_voluntary|ui|revenue_plan|arrears_ratio), year, area (unit id of the
focus: national or a province), level (map and ranking level), unit (selected unit), scenario (saved scenario name),
present (1 = presenter mode), month (1-12: a month inside the year, year to date; absent = the full year or the
latest month), panel (which main view of a page is shown, e.g. ``ranking`` on Collections), demo (1 = show demo
values, 0 = hide them; absent = shown except at levels where the user loaded data, lib.store), breaks (the user's own
colour classes of the Map page, ascending numbers with a dot and semicolons: 80;85.5;90; absent = automatic). Defaults are left out of
the URL so links stay short; bad values fall back to defaults and are reported.

``link(state, page, base)`` is the shareable address of a view: the page path plus every non-default parameter.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields, replace
from typing import Mapping
from urllib.parse import urlencode, urlsplit

from lib import admin, metrics
from lib.i18n import DEFAULT_LANG, LANGS

MAP_LEVELS = admin.MAP_LEVELS
PAGES = ("", "map", "progress", "scenarios", "collections", "data")  # URL paths; "" is the Overview at /
_PANEL = re.compile(r"^[a-z][a-z0-9_]{0,23}$")
_BREAKS = re.compile(r"^-?\d{1,6}(\.\d{1,4})?(;-?\d{1,6}(\.\d{1,4})?){0,6}$")  # at most 7 breaks: 8 classes


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
    month: int | None = None  # None: the full year (or the latest month of a year still running)
    panel: str | None = None  # None: the page's first view
    demo: bool | None = None  # None: demo shows except where the user loaded data; True / False: the switch
    breaks: str | None = None  # None: classes fitted to the data; else the user's own, "80;85.5;90"

    def with_(self, **changes) -> "ViewState":
        return replace(self, **changes)


DEFAULT = ViewState()
PARAMS = tuple(f.name for f in fields(ViewState))


def metric_choices() -> list[str]:
    return metrics.all_headline_ids()


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
        if metric in metric_choices():
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
    if (month := get.get("month")) is not None:
        if str(month).isdigit() and 1 <= int(month) <= 12:
            state["month"] = int(month)
        else:
            bad.append("month")
    if (panel := get.get("panel")) is not None:
        if _PANEL.match(str(panel)):
            state["panel"] = str(panel)
        else:
            bad.append("panel")
    if (demo := get.get("demo")) is not None:
        text = str(demo).lower()
        if text in ("1", "true", "yes", "0", "false", "no"):
            state["demo"] = text in ("1", "true", "yes")
        else:
            bad.append("demo")
    if (breaks := get.get("breaks")) is not None:
        if _good_breaks(str(breaks)):
            state["breaks"] = str(breaks)
        else:
            bad.append("breaks")
    return replace(DEFAULT, **state), bad


def _good_breaks(text: str) -> bool:
    """Ascending distinct numbers in the URL's form (lib.maps.scale.breaks_param writes it)."""
    if not _BREAKS.match(text):
        return False
    numbers = [float(x) for x in text.split(";")]
    return all(a < b for a, b in zip(numbers, numbers[1:]))


def to_query(state: ViewState) -> dict[str, str]:
    """Query parameters for a view, defaults omitted."""
    out = {}
    for name, value in asdict(state).items():
        if value == getattr(DEFAULT, name) or value is None:
            continue
        out[name] = "1" if value is True else ("0" if value is False else str(value))
    return out


def page_path(page: str) -> str:
    """'/' for the Overview, '/map' for the map page (the URL path of a page, without the app's base path)."""
    page = (page or "").strip("/")
    return "/" + page


def base_of(url: str | None) -> str:
    """scheme://host[:port][/base path] of an address the app was opened at, without the page path or query.

    The page path is the last segment when it names a page; an app served under a base path keeps that path."""
    if not url:
        return ""
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return ""
    segments = [s for s in parts.path.split("/") if s]
    if segments and segments[-1] in PAGES:
        segments = segments[:-1]
    path = "/" + "/".join(segments) if segments else ""
    return f"{parts.scheme}://{parts.netloc}{path}"


def link(state: ViewState, page: str = "", base: str = "") -> str:
    """The address that reopens `state` on `page`: absolute when `base` (scheme://host[/path]) is known."""
    query = urlencode(to_query(state))
    path = page_path(page)
    return f"{base.rstrip('/')}{path}" + (f"?{query}" if query else "")


# -- changes made by a page (the view door, ui.change_view) ------------------------------------------------------------
def _year(value):
    if value is not None and not (_is_int(value) and 2000 <= int(value) <= 2100):
        raise ValueError
    return None if value is None else int(value)


def _month(value):
    if value is not None and not (_is_int(value) and 1 <= int(value) <= 12):
        raise ValueError
    return None if value is None else int(value)


def _is_int(value) -> bool:
    import numbers

    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _one_of(choices):
    def check(value):
        if value not in choices():
            raise ValueError
        return value
    return check


def _unit_or_none(value):
    if value is not None and value not in admin.units().index:
        raise ValueError
    return value


def _scenario(value):
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > 120:
        raise ValueError
    return value or None


def _flag(value):
    if not isinstance(value, bool):
        raise ValueError
    return value


def _breaks(value):
    if value is not None and not (isinstance(value, str) and _good_breaks(value)):
        raise ValueError
    return value


def _panel(value):
    if value is not None and not (isinstance(value, str) and _PANEL.match(value)):
        raise ValueError
    return value


# One rule per view parameter for values a page sets (a URL's text is read by from_query).
_CHANGE_RULES = {
    "lang": _one_of(lambda: LANGS),
    "metric": _one_of(metric_choices),
    "year": _year,
    "area": _one_of(lambda: admin.units().index),
    "level": _one_of(lambda: MAP_LEVELS),
    "unit": _unit_or_none,
    "scenario": _scenario,
    "present": _flag,
    "month": _month,
    "panel": _panel,
    "breaks": _breaks,
    "demo": lambda v: None if v is None else _flag(v),  # None: the default (on unless the user loaded data)
}


def validate_changes(changes: Mapping) -> dict:
    """The view changes a page asks for, checked and normalised (numbers as int, an empty scenario name as None).

    An unknown parameter name or a bad value raises ValueError naming it: a page asking for a view the URL could
    not describe is a programming error, caught by the page's tests, never written into the shared view."""
    out = {}
    for name, value in dict(changes).items():
        if name not in PARAMS:
            raise ValueError(f"unknown view parameter {name!r} (known: {', '.join(PARAMS)})")
        rule = _CHANGE_RULES.get(name)
        if rule is None:  # a parameter without its own rule: a value of its default's type, or None
            default = getattr(DEFAULT, name)
            if value is not None and default is not None and not isinstance(value, type(default)):
                raise ValueError(f"bad value {value!r} for view parameter {name!r}")
            out[name] = value
            continue
        try:
            out[name] = rule(value)
        except (ValueError, TypeError):
            raise ValueError(f"bad value {value!r} for view parameter {name!r}") from None
    return out
