"""What a map view draws and how a user moves through it: the units of a level (all of them, or those of the province
the map is drilled into), drill-down to a province's districts or communes and the breadcrumb back, as plain
dictionaries of view-state changes (applied by ui.change_view).
"""
from __future__ import annotations

from dataclasses import dataclass

from lib import admin, urlstate
from lib.i18n import t
from lib.maps.boundaries import geometries, uses_upload

NATIONAL = admin.NATIONAL_ID
MAP_LEVELS = urlstate.MAP_LEVELS


def level_label(level: str, lang: str) -> str:
    """'63 tỉnh (trước 2025)', 'Huyện', …: a map level as the level picker names it."""
    return t(f"map.level_option.{level}", lang)


@dataclass(frozen=True)
class Scope:
    """The units a map view draws.

    `level` is the level drawn (the communes of the whole country are not drawn at once: without a 2025 province to
    show, the commune level draws the 34 provinces to choose from, `requested` keeps "commune"). `area` is the province
    the map is drilled into, or national. `base_level` provinces are drawn under the units as context, `border_level`
    province borders over them."""

    level: str
    requested: str
    area: str
    uids: tuple[str, ...]
    base_level: str | None = None
    border_level: str | None = None
    approximate: bool = False  # the boundaries drawn are approximate (the bundled communes)

    @property
    def drilled(self) -> bool:
        return self.area != NATIONAL

    @property
    def choosing_province(self) -> bool:
        return self.requested == "commune" and self.level != "commune"


def province_2025_of(uid: str | None) -> str | None:
    """The 2025 province a unit lies in (legacy provinces and districts map whole), or None for the nation."""
    if not uid or uid == NATIONAL or uid not in admin.units().index:
        return None
    return admin.units().at[uid, "province_2025"]


def units_in(uids, column: str, parent: str) -> list[str]:
    """The units (in the given order) whose `column` (parent, province_2025) is `parent`."""
    uids = list(uids)
    inside = admin.units()[column].reindex(uids).to_numpy() == parent
    return [uid for uid, ok in zip(uids, inside) if ok]


def scope(level: str, area: str, uploads: dict | None = None) -> Scope:
    if level == "commune":
        p25 = province_2025_of(area)
        if p25 is None:
            inner = scope("province_2025", NATIONAL, uploads)
            return Scope(inner.level, "commune", NATIONAL, inner.uids)
        uids = units_in(geometries("commune", uploads), "province_2025", p25)
        return Scope("commune", "commune", p25, tuple(uids), base_level="province_2025",
                     border_level="province_2025", approximate=not uses_upload("commune", uploads))
    uids = list(geometries(level, uploads))
    if level == "district":
        area_level = area.split(":")[0]
        if area_level == "province":
            uids = units_in(uids, "parent", area)
            return Scope(level, level, area, tuple(uids), base_level="province")
        if area_level == "province_2025":
            uids = units_in(uids, "province_2025", area)
            return Scope(level, level, area, tuple(uids), base_level="province_2025", border_level="province")
        return Scope(level, level, NATIONAL, tuple(uids), border_level="province")
    return Scope(level, level, NATIONAL, tuple(uids))


CHILD_MAP_LEVEL = {"province": "district", "province_2025": "commune"}
PARENT_MAP_LEVEL = {"district": "province", "commune": "province_2025"}


def drill_changes(uid: str) -> dict | None:
    """View-state changes that open a province's districts (legacy) or communes (2025); None for other units."""
    level = uid.split(":")[0]
    if level not in CHILD_MAP_LEVEL:
        return None
    return {"level": CHILD_MAP_LEVEL[level], "area": uid, "unit": uid}


def default_unit(area: str) -> str | None:
    """The unit the panel shows when nothing on the map is selected: the province drilled into, or nothing."""
    return None if area == NATIONAL else area


@dataclass(frozen=True)
class Crumb:
    uid: str  # national:VN, a province, or a unit
    changes: dict  # view-state changes that go there
    current: bool = False


def breadcrumb(level: str, area: str, unit: str | None) -> list[Crumb]:
    """Toàn quốc › province drilled into › selected unit. The last crumb is where the user is."""
    drilled = area != NATIONAL and level in PARENT_MAP_LEVEL
    crumbs = [Crumb(NATIONAL, {"level": PARENT_MAP_LEVEL.get(level, level) if drilled else level,
                               "area": NATIONAL, "unit": area if drilled else None})]
    if drilled:
        crumbs.append(Crumb(area, {"unit": area}))
    if unit and unit != area and unit != NATIONAL:
        crumbs.append(Crumb(unit, {"unit": unit}))
    last = crumbs[-1]
    crumbs[-1] = Crumb(last.uid, last.changes, current=True)
    return crumbs


def chart_key(scope_: Scope, uploads: dict | None = None) -> str:
    """The map widget's key: a new key for each set of units drawn, so a click on one map is not carried onto
    another (Streamlit keeps a keyed chart's selection across reruns)."""
    tag = "u" if uses_upload(scope_.level, uploads) else "b"
    return f"map_{scope_.level}_{scope_.area.replace(':', '_')}_{tag}"
