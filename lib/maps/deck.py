"""The map as pydeck describes it, for the map component (frontend/deckmap): layers whose data are URLs of files
written once (geometry, labels), so that the Deck's JSON is a few kilobytes and the same for every year.

Layers, bottom to top: the provinces around a drilled province (base), the units (pickable; their colours come
from the view's data file, by year; demo units muted with a dashed outline), province borders, the outline of the
province the map is drilled into (the area chosen in the sidebar or by a click), the highlighted unit's outline, the archipelagos' rings, names (provinces on a national map, else the units') and the archipelagos'
names. The component attaches the per-year accessors to the layer `units` and the highlighted feature to the layer
`highlight` by id (see frontend/deckmap/index.html): the geometry file is loaded and tessellated once.
"""
from __future__ import annotations

import hashlib

import pydeck as pdk

from lib import admin
from lib.geo import layers
from lib.i18n import t
from lib.maps import assets, boundaries, labels, pydeck_chart, scope

UNITS, HIGHLIGHT, LABELS, ISLANDS, AREA = "units", "highlight", "labels", "islands", "area"
TEXT = pdk.types.String  # pydeck reads a bare string as a JavaScript expression: literal strings are wrapped
DEMO_LINE = [70, 76, 86, 190]  # the dashed outline of demo units
LABEL_COLOUR = [27, 36, 48, 255]
HALO = [255, 255, 255, 230]
AREA_LINE = [40, 46, 56, 235]  # the outline of the province a map is drilled into


def geo_url(level: str, uids, uploads: dict | None = None) -> str:
    """The URL of a GeoJSON file of these units (properties: uid, i = position in `uids`)."""
    uids = tuple(uids)
    tag = hashlib.sha256("|".join(uids).encode()).hexdigest()[:16]
    upload_tag = boundaries.uses_upload(level, uploads) and uploads[level].name
    geoms = boundaries.geometries(level, uploads)

    def make():
        return {"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"uid": uid, "i": i}, "geometry": geoms[uid]}
            for i, uid in enumerate(uids) if uid in geoms]}
    return assets.cached(("geo", level, tag, upload_tag, id(geoms)), "geo", make)


def labels_url(level: str, uids) -> str:
    uids = tuple(uids)
    tag = hashlib.sha256("|".join(uids).encode()).hexdigest()[:16]
    return assets.cached(("labels", level, tag), "labels", lambda: labels.unit_labels(level, uids))


def _geo_layer(layer_id: str, url: str, **kwargs) -> pdk.Layer:
    return pdk.Layer("GeoJsonLayer", data=url, id=layer_id, line_width_units=pydeck_chart.PIXELS, **kwargs)


def build_spec(scope_: scope.Scope, lang: str, *, uploads: dict | None = None, zoom_to: str | None = None,
               width: int = boundaries.MAP_WIDTH, height: int = boundaries.MAP_HEIGHT,
               show_labels: bool = True) -> pydeck_chart.CompactDeck:
    """The Deck of a map view (no base map: nothing is fetched from the web)."""
    url = geo_url(scope_.level, scope_.uids, uploads)
    deck_layers = []
    if scope_.base_level:
        base_uids = tuple(boundaries.geometries(scope_.base_level, uploads))
        deck_layers.append(_geo_layer("base", geo_url(scope_.base_level, base_uids, uploads), pickable=False,
                                      stroked=True, filled=True, get_fill_color=list(pydeck_chart.BASE_FILL),
                                      get_line_color=list(pydeck_chart.BASE_LINE), get_line_width=0.8))
    commune = scope_.level == "commune"
    deck_layers.append(_geo_layer(
        UNITS, url, pickable=True, stroked=True, filled=True, auto_highlight=True,
        highlight_color=[255, 255, 255, 70], get_fill_color=list(pydeck_chart.BASE_FILL),
        get_line_color=list(pydeck_chart.COMMUNE_LINE if commune else pydeck_chart.UNIT_LINE),
        get_line_width=0.8 if commune else (0.6 if scope_.level == "district" else 1.0),
        get_dash_array=[0, 0], dash_justified=True, extensions=[{"@@type": "PathStyleExtension", "dash": True}]))
    if scope_.border_level:
        border_uids = tuple(boundaries.geometries(scope_.border_level, uploads))
        if scope_.drilled:
            border_uids = tuple(scope.units_in(border_uids, "province_2025", scope_.area))
        deck_layers.append(_geo_layer("borders", geo_url(scope_.border_level, border_uids, uploads), pickable=False,
                                      stroked=True, filled=False, get_line_color=list(pydeck_chart.BORDER_LINE),
                                      get_line_width=1.3))
    if scope_.drilled and scope_.border_level != scope_.area.split(":")[0]:
        # the chosen province's own boundary (a commune map's borders are already that province's)
        area_level = scope_.area.split(":")[0]
        deck_layers.append(_geo_layer(AREA, geo_url(area_level, (scope_.area,), uploads), pickable=False,
                                      stroked=True, filled=False, get_line_color=list(AREA_LINE), get_line_width=2.2))
    deck_layers.append(_geo_layer(HIGHLIGHT, [], pickable=False, stroked=True, filled=False,
                                  get_line_color=list(pydeck_chart.HIGHLIGHT_LINE), get_line_width=3.2))
    if not scope_.drilled:  # Hoàng Sa and Trường Sa: a ring around each, named as Vietnam's
        isles = labels.archipelagos()
        deck_layers.append(pdk.Layer(
            "ScatterplotLayer", data=isles, id="archipelagos", pickable=False, stroked=True, filled=False,
            get_position="position", get_radius="radius", radius_units=TEXT("meters"),
            line_width_units=pydeck_chart.PIXELS, get_line_width=1.2, get_line_color=[70, 76, 86, 200]))
        deck_layers.append(pdk.Layer(
            "TextLayer", data=[{"name": t(x["key"], lang), "position": x["label_position"]} for x in isles],
            id=ISLANDS, get_position="position", get_text="name", get_size=12, size_units=pydeck_chart.PIXELS,
            get_color=LABEL_COLOUR, character_set=TEXT("auto"), font_family=TEXT("Noto Sans, DejaVu Sans, sans-serif"),
            font_weight=600, get_text_anchor=TEXT("middle"), get_alignment_baseline=TEXT("top"),
            font_settings={"sdf": True}, outline_width=3, outline_color=HALO))
    if show_labels and not boundaries.uses_upload(scope_.level, uploads):
        # a national map names its provinces (not 696 districts); a province's map names its districts or communes
        label_level, label_uids = scope_.level, scope_.uids
        if scope_.level == "district" and not scope_.drilled:
            label_level, label_uids = "province", tuple(boundaries.geometries("province"))
        deck_layers.append(pdk.Layer(
            "TextLayer", data=labels_url(label_level, label_uids), id=LABELS, get_position="position",
            get_text="name", get_size=11 if commune else 12, size_units=pydeck_chart.PIXELS, get_color=LABEL_COLOUR,
            character_set=TEXT("auto"), font_family=TEXT("Noto Sans, DejaVu Sans, sans-serif"), font_weight=600,
            get_text_anchor=TEXT("middle"), get_alignment_baseline=TEXT("center"), font_settings={"sdf": True},
            outline_width=3, outline_color=HALO, get_collision_priority="-rank", collision_enabled=True,
            collision_test_props={"sizeScale": 1.6},
            extensions=[{"@@type": "CollisionFilterExtension"}]))
    b = view_bounds(scope_, uploads, zoom_to)
    view = boundaries.view_for_bounds(b, width, height)
    deck = pydeck_chart.CompactDeck(layers=deck_layers, initial_view_state=pdk.ViewState(
        **view, min_zoom=3.5, max_zoom=13, pitch=0, bearing=0), map_provider=None, map_style=None)
    deck.map_style = "__MAP_STYLE__"
    return deck


def view_bounds(scope_: scope.Scope, uploads: dict | None = None, zoom_to: str | None = None) -> list[float]:
    """[west, south, east, north] the map's first view fits: the unit searched for, the province drilled into, or the
    whole country with its archipelagos."""
    focus = [zoom_to] if zoom_to and boundaries.shape_of(zoom_to, uploads) is not None else None
    if focus:
        b = boundaries.bounds(zoom_to.split(":")[0], focus, uploads)
    elif scope_.drilled and scope_.uids:
        b = boundaries.bounds(scope_.level, scope_.uids, uploads)
    else:
        b = layers.layer_bounds("province")
    return [round(float(x), 4) for x in b]


def component_args(scope_: scope.Scope, spec: pydeck_chart.CompactDeck, data_url: str, year: int, highlight: str | None,
                   lang: str, height: int = boundaries.MAP_HEIGHT, bounds: list[float] | None = None, fit: bool = False,
                   reserve: int = 0) -> dict:
    """Everything the component gets on a rerun: a few kilobytes, whatever the number of units. `fit` (presenter
    mode): the map takes the window's height less `reserve` pixels."""
    return {"spec": spec.to_json(), "data": data_url, "year": int(year), "highlight": highlight,
            "height": int(height), "bounds": bounds, "fit": bool(fit), "reserve": int(reserve),
            "demo_line": DEMO_LINE, "demo_width": 1.4 if scope_.level.startswith("province") else 0.8,
            "play_ms": 450,
            "text": {"play": t("map.play", lang), "stop": t("map.stop", lang), "play_help": t("map.play_help", lang),
                     "year_label": t("map.year", lang), "missing": t("map.component_missing", lang)}}


def unit_name(uid: str) -> str:
    return admin.display_name(uid)
