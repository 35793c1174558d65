"""Choropleth maps of coverage, gaps to target and collections: what the Map page draws, without Streamlit.

A map view is the shared view state (level, area, unit, metric, year) plus a mode (the value, or the gap to the 2025
or 2030 target). From it this module gives
- the units drawn (`scope`): all units of the level, or those of the province the map is drilled into;
- each unit's value, status, source and target (`unit_frame`), read from the store as resolved (2025 provinces are
  sums of their legacy provinces there; the user's uploaded rows win over bundled ones);
- fixed bins with nice edges, the same for every year so the year slider compares like with like, and colours
  suited to the metric (`scale_for`): sequential where higher is better (coverage), sequential in reds where lower
  is better (arrears), diverging around the target (gap to target; collections around 100 % of plan);
- the legend rows, flat tooltip properties, and the pydeck Deck (no base map unless asked for);
- drill-down, breadcrumb and name-search state changes, as plain dictionaries of view-state changes.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd
import pydeck as pdk

from lib import admin, fmt, metrics
from lib.geo import layers
from lib.i18n import t
from lib.provenance import short, status_label
from lib.store import Store
from lib.targets import Target
from lib.gap import from_points as gap_from_points, gap_text
from lib.maps.scale import NO_DATA, rgba
from lib.maps.boundaries import (MAP_HEIGHT, MAP_WIDTH, bounds, geometries, shape_of as _shape_of, uses_upload,
                                 view_for_bounds)
from lib.maps.scope import NATIONAL, Scope, units_in as _units_in, drill_changes, province_2025_of
from lib.maps.values import MapData, TARGET_YEARS, effective_mode, gap_allowed, level_scale, years_with_data


UNITS_LAYER = "units"  # the pickable layer; a click's selection is keyed by this id

COMMUNE_ALPHA = 110  # communes without data of their own show their province's colour, faded
COMMUNE_LINE = (96, 104, 116, 200)
BASE_FILL = (238, 240, 243, 255)  # provinces around a drilled province
BASE_LINE = (160, 168, 180, 255)
BORDER_LINE = (70, 76, 86, 255)  # province borders over district or commune cells
UNIT_LINE = (255, 255, 255, 230)
HIGHLIGHT_LINE = (17, 17, 17, 255)
# pydeck turns every string argument into a JavaScript expression ("pixels" -> "@@=pixels", which deck.gl reads as an
# undefined variable and draws spiky lines): literal strings must be wrapped.
PIXELS = pdk.types.String("pixels")


# -- boundaries -------------------------------------------------------------------------------------------------------


# -- what is drawn ----------------------------------------------------------------------------------------------------


# -- values -----------------------------------------------------------------------------------------------------------


# -- legend -----------------------------------------------------------------------------------------------------------


# -- tooltip properties -----------------------------------------------------------------------------------------------
def tooltip_text(value) -> str:
    """Text for a tooltip property. Streamlit's map escapes every property it puts into the tooltip's HTML (so a
    pre-escaped '&#x27;' would show as such); angle brackets are still neutralised here, so that no text from a data
    file could become markup even where a tooltip were not escaped."""
    return str(value).replace("<", "‹").replace(">", "›")


def target_text(target: Target | None, lang: str) -> str:
    return fmt.target_text(target, lang, missing="")


def target_origin(target: Target, lang: str) -> str:
    """Whose target it is: the unit's own (published or the user's), inherited from a province or the nation, or
    weighted from the legacy provinces'."""
    if target.status == "inherited":
        whose = t("map.panel.national", lang) if target.unit == NATIONAL else admin.display_name(target.unit)
        return t("map.target.inherited", lang, unit=whose)
    if target.status == "derived":
        return t("map.target.derived", lang)
    if target.status == "uploaded":
        return t("map.target.uploaded", lang)
    return t("map.target.own", lang)


def source_text(status, source, lang: str) -> str:
    """Status and a short source: 'Demo', 'Published · vietnamplus.vn', 'Demo · sum of legacy provinces'."""
    if status is None or (isinstance(status, float) and math.isnan(status)):
        return ""
    source = str(source or "")
    parts = [status_label(str(status), lang)]
    if "sum:province" in source:
        parts.append(t("map.source.sum_provinces", lang))
    elif "sum:district" in source:
        parts.append(t("map.source.sum_districts", lang))
    elif status in ("reported", "uploaded"):
        text = short(source.removeprefix("rate:"), 40)
        if text:
            parts.append(text)
    return " · ".join(parts)


@lru_cache(maxsize=None)
def unit_names(level: str) -> dict[str, str]:
    """uid -> the name shown on hover, with diacritics: 'Tỉnh Nghệ An'; districts and communes with their province,
    'Thành phố Vinh (Nghệ An)'."""
    u = admin.level_units(level)
    if level not in ("district", "commune"):
        return dict(zip(u.index, u["name"]))
    parents = admin.units()["short_name"].reindex(u["parent"]).to_numpy()
    return {uid: f"{name} ({parent})" for uid, name, parent in zip(u.index, u["name"], parents)}


def people_text(row, metric: metrics.Metric, lang: str) -> str:
    """'Người tham gia 2.970.132 / dân số 3.503.885 (ước tính)': the rate's two counts, its denominator named."""
    if not gap_allowed(metric) or metric.numerator is None or pd.isna(row["participants"]):
        return ""
    text = t("map.tip.participants", lang, n=fmt.persons(row["participants"], lang))
    if not pd.isna(row["denominator"]):
        status = str(row["denominator_status"] or "")
        text += " / " + t(f"map.tip.denominator.{metric.denominator}", lang, n=fmt.persons(row["denominator"], lang))
        if status in ("estimate", "demo"):
            text += f" ({status_label(status, lang).lower()})"
    return text


def unit_people_text(store: Store, uid: str, metric: metrics.Metric, year: int, lang: str,
                     demo: bool = True) -> str:
    """The panel's line of participants and denominator for one unit (as in its tooltip)."""
    row = {}
    for column, metric_id in (("participants", metric.numerator), ("denominator", metric.denominator)):
        series = store.series(uid, metric_id) if metric_id else pd.DataFrame(columns=["year", "value", "status"])
        now = series[series["year"] == year]
        if len(now) and (demo or str(now["status"].iloc[0]) != "demo"):
            row[column], row[f"{column}_status"] = float(now["value"].iloc[0]), str(now["status"].iloc[0])
        else:
            row[column], row[f"{column}_status"] = np.nan, None
    return people_text(row, metric, lang)


def feature_properties(data: MapData, metric: metrics.Metric, mode: str, year: int, lang: str,
                       scope_: Scope, counts: pd.DataFrame | None = None) -> pd.DataFrame:
    """Flat properties of each feature: uid, name (with diacritics), value (what the colour encodes), fill (RGBA of
    its class), and the tooltip lines tip_value, tip_people (participants and denominator, from `counts`: see
    `people`), tip_target, tip_source (plain text; see `tooltip_text`)."""
    mode = effective_mode(metric, mode)
    frame, scale = data.frame, data.scale
    names = unit_names(scope_.level)
    if data.blank_communes:
        colour = NO_DATA if data.backdrop is None else scale.colour_of([data.backdrop])[0]
        fills = [rgba(colour, COMMUNE_ALPHA)] * len(frame)
    else:
        fills = [rgba(colour, 235) for colour in scale.colour_of(frame["shown"])]
    mname = metric.short_name(lang)
    no_data = t("map.tip.no_commune_data" if scope_.level == "commune" else "map.tip.no_data", lang, metric=mname,
                year=year)
    target_lines: dict = {}  # most units share an inherited target: format each once
    source_lines: dict = {}
    tip_value, tip_target, tip_source = [], [], []
    for value, gap, target, target_year, status, source in zip(
            frame["value"], frame["gap"], frame["target"], frame["target_year"], frame["status"], frame["source"]):
        if pd.isna(value):
            tip_value.append(no_data)
        elif mode == "value" or pd.isna(gap):
            tip_value.append(t("map.tip.value", lang, metric=mname, year=year, value=fmt.pct(value, lang, 1)))
        else:
            tip_value.append(t("map.tip.gap", lang, metric=mname, year=year, value=fmt.pct(value, lang, 1),
                               gap=gap_text(gap_from_points(gap), lang)))
        if not gap_allowed(metric):
            tip_target.append("")
        else:
            key = (target_year, None if target is None else (target.kind, target.value, target.value_max,
                                                             target.status, target.unit))
            if key not in target_lines:
                target_lines[key] = t("map.tip.no_target", lang, year=target_year) if target is None else \
                    t("map.tip.target", lang, year=target_year, target=target_text(target, lang),
                      origin=target_origin(target, lang))
            line = target_lines[key]
            if mode == "value" and target is not None and not pd.isna(gap):
                line += " — " + gap_text(gap_from_points(gap), lang)  # the one gap convention (lib/gap.py)
            tip_target.append(line)
        if (status, source) not in source_lines:
            source_lines[(status, source)] = " · ".join(
                x for x in (source_text(status, source, lang),
                            t("map.tip.approximate", lang) if scope_.approximate else "") if x)
        tip_source.append(source_lines[(status, source)])
    props = pd.DataFrame({
        "uid": frame.index,
        "name": [tooltip_text(names.get(uid, uid)) for uid in frame.index],
        # object dtype keeps None (JSON null) for units without a value; a float column would make it NaN
        "value": pd.Series([None if pd.isna(v) else float(v) for v in frame["shown"]], index=frame.index,
                           dtype=object),
        "fill": fills,
        "tip_value": [tooltip_text(x) for x in tip_value],
        "tip_target": [tooltip_text(x) for x in tip_target],
        "tip_source": [tooltip_text(x) for x in tip_source],
        "tip_people": [tooltip_text(people_text(row, metric, lang)) for row in counts.reindex(frame.index).to_dict(
            "records")] if counts is not None else [""] * len(frame),
    }, index=frame.index)
    return props


def tooltip(metric: metrics.Metric) -> dict:
    """The tooltip template (our own markup; the property values are escaped by the map when interpolated)."""
    lines = ["<b>{name}</b>", "{tip_value}"]
    if gap_allowed(metric):
        lines.append("{tip_target}")
    lines.append('<span style="opacity:.8">{tip_source}</span>')
    return {"html": "<br/>".join(lines),
            "style": {"backgroundColor": "#1b2430", "color": "#ffffff", "fontSize": "14px", "lineHeight": "1.35",
                      "padding": "8px 10px", "borderRadius": "4px", "maxWidth": "340px",
                      "fontFamily": "Noto Sans, Source Sans Pro, sans-serif"}}


# -- deck -------------------------------------------------------------------------------------------------------------
class CompactDeck(pdk.Deck):
    """A Deck whose JSON has no indentation: pydeck indents by two spaces, which quadruples what the browser gets
    on every rerun (district map ~1.1 MB indented, ~0.4 MB compact)."""

    def to_json(self):
        from pydeck.bindings.json_tools import default_serialize

        return json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"),
                          ensure_ascii=False)


def feature_collection(geoms: dict[str, dict], props: pd.DataFrame | None = None, uids=None) -> dict:
    """Features for the given units (all of `geoms` by default) with flat properties from `props` (by uid)."""
    uids = list(geoms) if uids is None else [uid for uid in uids if uid in geoms]
    records = props.to_dict("index") if props is not None else {}
    features = []
    for uid in uids:
        record = records.get(uid, {"uid": uid})
        features.append({"type": "Feature", "properties": record, "geometry": geoms[uid]})
    return {"type": "FeatureCollection", "features": features}


def build_deck(scope_: Scope, props: pd.DataFrame, metric: metrics.Metric, *, uploads: dict | None = None,
               highlight: str | None = None, zoom_to: str | None = None, base_map: bool = False,
               width: int = MAP_WIDTH, height: int = MAP_HEIGHT) -> CompactDeck:
    """The map: provinces around a drilled province (base), the units coloured by class (pickable), province
    borders over district or commune cells, and a thick outline around the highlighted unit (a selection restored
    from a link cannot be set on the chart, so it is drawn from data).

    No base map unless `base_map` (it is fetched from the web): the country and province outlines are the base."""
    geoms = geometries(scope_.level, uploads)
    context = []
    if scope_.base_level:
        base = feature_collection(geometries(scope_.base_level, uploads))
        context.append(pdk.Layer(
            "GeoJsonLayer", data=base, id="base", pickable=False, stroked=True, filled=True,
            get_fill_color=list(BASE_FILL) if not base_map else [238, 240, 243, 90], get_line_color=list(BASE_LINE),
            line_width_units=PIXELS, get_line_width=0.8))
    units = pdk.Layer(
        "GeoJsonLayer", data=feature_collection(geoms, props, scope_.uids), id=UNITS_LAYER, pickable=True,
        stroked=True, filled=True, auto_highlight=True, highlight_color=[255, 255, 255, 70],
        get_fill_color="properties.fill", get_line_color=list(UNIT_LINE), line_width_units=PIXELS,
        get_line_width=0.6 if scope_.level in ("district", "commune") else 1.0)
    if scope_.level == "commune":
        units.get_line_color, units.get_line_width = list(COMMUNE_LINE), 0.8
    if base_map:  # let the base map show through
        units.opacity = 0.75
    deck_layers = context + [units]
    if scope_.border_level:
        border_geoms = geometries(scope_.border_level, uploads)
        border_uids = None
        if scope_.drilled:
            border_uids = _units_in(border_geoms, "province_2025", scope_.area)
        deck_layers.append(pdk.Layer(
            "GeoJsonLayer", data=feature_collection(border_geoms, None, border_uids), id="borders", pickable=False,
            stroked=True, filled=False, get_line_color=list(BORDER_LINE), line_width_units=PIXELS,
            get_line_width=1.3))
    if highlight:
        shape = _shape_of(highlight, uploads)
        if shape is not None:
            deck_layers.append(pdk.Layer(
                "GeoJsonLayer", data={"type": "FeatureCollection", "features": [
                    {"type": "Feature", "properties": {"uid": highlight}, "geometry": shape}]},
                id="highlight", pickable=False, stroked=True, filled=False, get_line_color=list(HIGHLIGHT_LINE),
                line_width_units=PIXELS, get_line_width=3.2))
    focus = [zoom_to] if zoom_to and _shape_of(zoom_to, uploads) is not None else None
    if focus:
        level = zoom_to.split(":")[0]
        b = bounds(level, focus, uploads)
    elif scope_.drilled and scope_.uids:
        b = bounds(scope_.level, scope_.uids, uploads)
    else:
        b = layers.layer_bounds("province")  # the whole country, archipelagos included
    view = view_for_bounds(b, width, height)
    deck = CompactDeck(
        layers=deck_layers, initial_view_state=pdk.ViewState(**view, min_zoom=3.5, max_zoom=13, pitch=0, bearing=0),
        tooltip=tooltip(metric), map_provider="carto" if base_map else None,
        map_style="light_no_labels" if base_map else None)
    if not base_map:
        # Without this, Streamlit's map fetches a Carto base map even for map_style=None.
        deck.map_style = "__MAP_STYLE__"
    return deck


def deck_bytes(deck: pdk.Deck) -> int:
    """What the browser receives for a map (the JSON Streamlit sends)."""
    return len(deck.to_json().encode("utf-8"))


# -- selection, drill-down, breadcrumb, search -------------------------------------------------------------------------
def picked_unit(event, uids) -> str | None:
    """The unit a map click selected (from the feature's uid, else its index in the drawn order), or None when the
    selection is empty."""
    selection = (event or {}).get("selection") or {}
    objects = (selection.get("objects") or {}).get(UNITS_LAYER) or []
    if objects:
        obj = objects[0] or {}
        uid = (obj.get("properties") or {}).get("uid") or obj.get("uid")
        if uid in uids:
            return uid
    indices = (selection.get("indices") or {}).get(UNITS_LAYER) or []
    if indices and 0 <= int(indices[0]) < len(uids):
        return list(uids)[int(indices[0])]
    return None


def selection_signature(event) -> str:
    """A stable text of a selection, to tell a new click from the selection the chart still holds."""
    selection = (event or {}).get("selection") or {}
    return json.dumps(selection.get("indices") or {}, sort_keys=True)


# -- notes: what the map can and cannot show ------------------------------------------------------------------------
@dataclass(frozen=True)
class Note:
    key: str
    params: dict = field(default_factory=dict)
    kind: str = "info"  # info (a line under the map) | prompt (what to do next) | warning (above the map)


def merged_members(p25: str) -> list[str]:
    u = admin.units()
    return u.index[(u["level"] == "province") & (u["province_2025"] == p25)].tolist()


def unsplittable(store: Store, metric_id: str, year: int) -> pd.DataFrame:
    """Figures published (or uploaded) for merged 2025 provinces in a year: they cannot be split onto the 63
    provinces or their districts."""
    r = store.resolved
    sel = r[(r["level"] == "province_2025") & (r["metric"] == metric_id) & (r["year"] == year)
            & r["status"].isin(["reported", "uploaded"]) & ~r["derived"].astype(bool)]
    if sel.empty:
        return sel
    merged = sel["unit"].astype(str).map(lambda uid: len(merged_members(uid)) > 1)
    return sel[merged.to_numpy()]


def map_notes(store: Store, scope_: Scope, metric: metrics.Metric, year: int, frame: pd.DataFrame,
              uploads: dict | None = None) -> list[Note]:
    """What a user must know to read this map: approximate communes without data, sums across structures, figures
    that cannot be split, years without data, the user's own boundaries."""
    notes = []
    level = scope_.level
    if scope_.choosing_province:
        notes.append(Note("map.note.choose_province", kind="prompt"))
    if level == "commune":
        if frame["value"].isna().all():
            notes.append(Note("map.note.no_commune_data", kind="warning"))
        if scope_.approximate:
            notes.append(Note("map.note.approximate"))
    if frame["value"].isna().all() and level != "commune":
        years = years_with_data(store, level, metric.id)
        span = f"{years[0]}–{years[-1]}" if years else "–"
        notes.append(Note("map.note.no_year", {"year": year, "years": span}, "warning"))
    if level == "province_2025" and frame["source"].astype(str).str.contains("sum:province").any():
        notes.append(Note("map.note.sum_legacy"))
    if level == "province_2025" and frame["value"].isna().any() and frame["value"].notna().any():
        notes.append(Note("map.note.partial_sum", {"n": int(frame["value"].isna().sum())}, "warning"))
    if level in ("province", "district"):
        rows = unsplittable(store, metric.id, year)
        if len(rows):
            names = ", ".join(sorted({admin.display_name(str(x)) for x in rows["unit"]}))
            notes.append(Note("map.note.unsplittable", {"names": names, "year": year}))
        if level == "district" and year >= 2025:
            notes.append(Note("map.note.districts_abolished"))
    if uses_upload(level, uploads):
        notes.append(Note("map.note.user_boundaries", {"file": uploads[level].name}))
    return notes


def has_demo(frame: pd.DataFrame) -> bool:
    return bool((frame["status"].astype(str) == "demo").any())


# -- the panel beside the map -----------------------------------------------------------------------------------------
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

