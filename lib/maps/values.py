"""What a map view colours: for the units drawn, each one's value, status, source and target in a year, and the gap to
the target (lib/gap.py's sign: target − value) when the view is coloured by it; the years the timeline can show; the
one scale a level is coloured with (fitted to every year, lib/maps/scale.py); the counts behind a rate.

A view's mode is "value" or the gap to the 2025 or 2030 target (coverage only). Values are read through lib.store's
status rule (2025 provinces are sums of their legacy provinces there; a real series is never patched with demo; the
demo switch hides demo values), and kept per store with Store.memo.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from lib import admin, metrics
from lib.maps.scale import Scale, scale_for as _scale_for
from lib.maps.scope import NATIONAL, Scope
from lib.store import Store
from lib.targets import TARGET_YEARS, Target

MODES = ("value",) + tuple(f"gap_{y}" for y in TARGET_YEARS)  # colour by the value, or by the gap to a target
TARGET_YEAR = {f"gap_{y}": y for y in TARGET_YEARS}


def metric_for(short_id: str) -> metrics.Metric:
    return metrics.for_page(short_id)  # the one rule for which indicator a view shows (lib/metrics.py)


def gap_allowed(metric: metrics.Metric) -> bool:
    """A gap to target is shown for coverage rates only (collections have no coverage target)."""
    return metric.domain == "coverage"


def effective_mode(metric: metrics.Metric, mode: str) -> str:
    return mode if mode in MODES and (mode == "value" or gap_allowed(metric)) else "value"


def level_values(store: Store, level: str, metric_id: str) -> pd.DataFrame:
    """Year-end values of one metric for every unit of a level, every year: unit, year, value, status, source,
    derived (one row per unit and year)."""
    def compute():
        r = store.year_end_all  # lib.store's status rule: a real series is never patched with demo
        sel = r[(r["metric"] == metric_id) & (r["level"] == level)]
        out = sel[["unit", "year", "value", "status", "source", "derived"]].copy()
        for col in ("unit", "status"):
            out[col] = out[col].astype(str)
        return out.reset_index(drop=True)
    return store.memo(("maps.values", level, metric_id), compute)


def shown_values(store: Store, level: str, metric_id: str, demo: bool = True) -> pd.DataFrame:
    """`level_values`, without the demo rows when the demo switch is off."""
    values = level_values(store, level, metric_id)
    return values if demo else values[values["status"] != "demo"]


def years_with_data(store: Store, level: str, metric_id: str) -> list[int]:
    return sorted(int(y) for y in level_values(store, level, metric_id)["year"].unique())


def unit_targets(store: Store, uids, metric_id: str, year: int) -> dict[str, Target | None]:
    """Each unit's target for `year`: its own, else inherited (lib.targets)."""
    uids = tuple(uids)
    levels = {uid.split(":")[0] for uid in uids}
    if len(levels) == 1:  # one level at a time, looked up once per store
        (level,) = levels
        every = store.memo(("maps.targets", level, metric_id, year), lambda: {
            uid: store.target(uid, metric_id, year) for uid in admin.level_units(level).index})
        return {uid: every.get(uid) if uid in every else store.target(uid, metric_id, year) for uid in uids}
    return {uid: store.target(uid, metric_id, year) for uid in uids}


def unit_frame(store: Store, scope_: Scope, metric: metrics.Metric, year: int, mode: str,
               demo: bool = True) -> pd.DataFrame:
    """One row per unit drawn (in drawing order): value, status, source, derived, target (a Target or None), gap
    (target − value in points, the team's one convention: positive = short of it, lib/gap.py) and `shown`
    (what the colour encodes: the value, or the gap).

    With `demo` off (the view state's demo switch), demo values are not shown: those units have no value."""
    mode = effective_mode(metric, mode)
    values = shown_values(store, scope_.level, metric.id, demo)
    values = values[values["year"] == year].set_index("unit")
    frame = values.reindex(list(scope_.uids))[["value", "status", "source", "derived"]]
    frame.index.name = "uid"
    if gap_allowed(metric):
        target_year = TARGET_YEAR.get(mode, next((y for y in TARGET_YEARS if y >= year), TARGET_YEARS[-1]))
        targets = unit_targets(store, scope_.uids, metric.id, target_year)
    else:
        target_year, targets = None, {uid: None for uid in scope_.uids}
    frame["target_year"] = target_year
    frame["target"] = pd.Series(targets, dtype=object).reindex(frame.index)
    target_value = frame["target"].map(lambda tg: np.nan if tg is None else tg.value).astype(float)
    frame["gap"] = target_value - frame["value"]
    frame["shown"] = frame["gap"] if mode != "value" else frame["value"]
    return frame


def all_years_shown(store: Store, level: str, metric: metrics.Metric, mode: str, demo: bool = True) -> np.ndarray:
    """What the colour encodes, for every unit of the level and every year: the bins are fitted to this, so that a
    colour means the same number in every year (the slider compares like with like)."""
    mode = effective_mode(metric, mode)
    values = shown_values(store, level, metric.id, demo)
    if mode == "value" or values.empty:
        return values["value"].to_numpy(dtype=float)
    targets = unit_targets(store, values["unit"].unique(), metric.id, TARGET_YEAR[mode])
    target_value = values["unit"].map({uid: np.nan if tg is None else tg.value for uid, tg in targets.items()})
    return (target_value.astype(float) - values["value"]).to_numpy(dtype=float)


def scale_for(metric: metrics.Metric, mode: str, values_all_years, target: float | None = None,
              breaks=None) -> Scale:
    """The map's scale (lib.maps.scale, shared by every map) for the effective mode."""
    return _scale_for(metric, effective_mode(metric, mode), values_all_years, target, breaks)


def value_target(store: Store, metric: metrics.Metric, years: list[int]) -> float | None:
    """The national target a value map of coverage is read against (a class boundary): that of the first target
    year at or after the timeline's last year."""
    if not gap_allowed(metric) or not years:
        return None
    target_year = next((y for y in TARGET_YEARS if y >= years[-1]), TARGET_YEARS[-1])
    tg = store.target(NATIONAL, metric.id, target_year)
    return None if tg is None else float(tg.value)


@dataclass
class MapData:
    """What a map view colours: the units' frame (see `unit_frame`), the scale, and for communes without data of
    their own the 2025 province's value (`backdrop`: they are drawn faintly in its colour, on its scale)."""

    frame: pd.DataFrame
    scale: Scale
    years: list[int]  # years the colours can show (the bins are fitted to all of them): `timeline_years`
    backdrop: float | None = None
    backdrop_status: str | None = None

    @property
    def statuses(self) -> set[str]:
        """Statuses of the values the map shows (a demo backdrop counts: its colour is on screen)."""
        shown = set(self.frame["status"].dropna().astype(str))
        return shown | ({self.backdrop_status} if self.backdrop_status else set())

    @property
    def blank_communes(self) -> bool:
        return self.backdrop is not None or (len(self.frame) > 0 and self.frame["value"].isna().all()
                                             and str(self.frame.index[0]).startswith("commune:"))


def timeline_years(store: Store, scope_: Scope, metric: metrics.Metric) -> list[int]:
    """The years the map can show: with data at the level drawn, or for communes without data of their own, at
    the 2025 provinces whose colour they take."""
    years = years_with_data(store, scope_.level, metric.id)
    if not years and scope_.level == "commune":
        years = years_with_data(store, "province_2025", metric.id)
    return years


def map_data(store: Store, scope_: Scope, metric: metrics.Metric, year: int, mode: str,
             demo: bool = True, breaks: tuple[float, ...] = ()) -> MapData:
    """The map view's data; `breaks`: the user's own class breaks (else classes fitted to the data)."""
    frame = unit_frame(store, scope_, metric, year, mode, demo)
    years = timeline_years(store, scope_, metric)
    if scope_.level == "commune" and frame["value"].isna().all():
        province = Scope("province_2025", "province_2025", NATIONAL, (scope_.area,))
        own = unit_frame(store, province, metric, year, mode, demo).iloc[0]
        scale = level_scale(store, "province_2025", metric, mode, demo, breaks, target_years=years)
        if pd.isna(own["shown"]):
            return MapData(frame, scale, years)
        return MapData(frame, scale, years, float(own["shown"]), str(own["status"]))
    return MapData(frame, level_scale(store, scope_.level, metric, mode, demo, breaks), years)


def level_scale(store: Store, level: str, metric: metrics.Metric, mode: str = "value", demo: bool = True,
                breaks: tuple[float, ...] = (), target_years: list[int] | None = None) -> Scale:
    """The scale of a metric at a level (every year pooled): the one the Map page and the Collections page's map
    both colour with, so the same figure has the same colour on both. `breaks`: the user's own; `target_years`:
    the timeline whose national target is a class boundary (by default the level's years with data)."""
    mode = effective_mode(metric, mode)
    years = years_with_data(store, level, metric.id) if target_years is None else target_years
    return store.memo(("maps.scale", level, metric.id, mode, demo, tuple(breaks), tuple(years)), lambda: scale_for(
        metric, mode, all_years_shown(store, level, metric, mode, demo), value_target(store, metric, years),
        breaks))


def people(store: Store, scope_: Scope, metric: metrics.Metric, year: int, demo: bool = True) -> pd.DataFrame:
    """Participants and the denominator the rate divides by (population or labour force), per unit drawn:
    columns participants, denominator, denominator_status (NaN where not known, or demo while the switch is off)."""
    out = pd.DataFrame(index=pd.Index(list(scope_.uids), name="uid"))
    for column, metric_id in (("participants", metric.numerator), ("denominator", metric.denominator)):
        if metric_id is None:
            out[column], out[f"{column}_status"] = np.nan, None
            continue
        values = shown_values(store, scope_.level, metric_id, demo)
        values = values[values["year"] == year].set_index("unit")
        out[column] = values["value"].reindex(out.index).astype(float)
        out[f"{column}_status"] = values["status"].reindex(out.index)
    return out
