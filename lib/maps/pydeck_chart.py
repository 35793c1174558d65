"""The map as one pydeck chart Streamlit draws itself (st.pydeck_chart): used with the web base map, or where the map
component is not built. Its geometry and colours travel in the Deck's JSON on every rerun (the component,
lib/maps/deck.py, sends geometry once). Also the layer styles and the compact Deck JSON both ways of drawing share,
and reading a click's selection back.
"""
from __future__ import annotations

import functools
import json

import pandas as pd
import pydeck as pdk
import pydeck.bindings.deck as _pydeck_deck

from lib import metrics
from lib.geo import layers
from lib.maps.boundaries import MAP_HEIGHT, MAP_WIDTH, bounds, geometries, shape_of, view_for_bounds
from lib.maps.features import tooltip
from lib.maps.scope import Scope, units_in

UNITS_LAYER = "units"  # the pickable layer; a click's selection is keyed by this id

COMMUNE_LINE = (96, 104, 116, 200)
BASE_FILL = (238, 240, 243, 255)  # provinces around a drilled province
BASE_LINE = (160, 168, 180, 255)
BORDER_LINE = (70, 76, 86, 255)  # province borders over district or commune cells
UNIT_LINE = (255, 255, 255, 230)
HIGHLIGHT_LINE = (17, 17, 17, 255)
# pydeck turns every string argument into a JavaScript expression ("pixels" -> "@@=pixels", which deck.gl reads as an
# undefined variable and draws spiky lines): literal strings must be wrapped.
PIXELS = pdk.types.String("pixels")

# pydeck asks five times per Deck whether its Jupyter widget can be made; without ipywidgets each failed import runs
# the import machinery again (a few ms per Deck on an idle server, tens of ms on a busy one, at every map rerun).
# The answer cannot change while the app runs: asked once.
if not hasattr(_pydeck_deck.has_jupyter_extra, "cache_info"):
    _pydeck_deck.has_jupyter_extra = functools.lru_cache(maxsize=1)(_pydeck_deck.has_jupyter_extra)


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
            border_uids = units_in(border_geoms, "province_2025", scope_.area)
        deck_layers.append(pdk.Layer(
            "GeoJsonLayer", data=feature_collection(border_geoms, None, border_uids), id="borders", pickable=False,
            stroked=True, filled=False, get_line_color=list(BORDER_LINE), line_width_units=PIXELS,
            get_line_width=1.3))
    if highlight:
        shape = shape_of(highlight, uploads)
        if shape is not None:
            deck_layers.append(pdk.Layer(
                "GeoJsonLayer", data={"type": "FeatureCollection", "features": [
                    {"type": "Feature", "properties": {"uid": highlight}, "geometry": shape}]},
                id="highlight", pickable=False, stroked=True, filled=False, get_line_color=list(HIGHLIGHT_LINE),
                line_width_units=PIXELS, get_line_width=3.2))
    focus = [zoom_to] if zoom_to and shape_of(zoom_to, uploads) is not None else None
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
