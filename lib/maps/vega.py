"""Maps drawn with Vega-Lite geoshape (Altair) from the boundary layers: a choropleth of one metric at one level, and
a small locator map with one unit highlighted. Both render in the browser and offline to PNG/SVG/PDF (vl-convert),
so the same map goes on a page, in an export and in the one-page brief. No network: the shapes are inline GeoJSON.
"""
from __future__ import annotations

import html
from functools import lru_cache

import altair as alt
import pandas as pd

from lib import admin
from lib.geo import LayerMissing, layers
from lib.maps.scale import NO_DATA  # one no-data colour on every map

DECIMALS = 3  # ~100 m: plenty for a map a few hundred pixels wide, and small to send
SELECT_PARAM = "pick"


@lru_cache(maxsize=8)
def _features(level: str) -> tuple:
    """The layer's features (uid, name, geometry), rounded; cached per process."""
    gdf = layers.load_layer(level)
    u = admin.units()
    props = pd.DataFrame({"name": [str(u.at[x, "short_name"]) if x in u.index else x for x in gdf.index]},
                         index=gdf.index)
    features = layers.to_feature_collection(gdf, props, decimals=DECIMALS)["features"]
    # Coordinates as nested tuples: Altair deep-copies lists and dicts of a chart's data at every step (layer,
    # configure, to_dict), which for ~90,000 numbers costs a large part of a second; tuples are passed by reference.
    return tuple({**f, "geometry": {"type": f["geometry"]["type"],
                                    "coordinates": _frozen(f["geometry"]["coordinates"])}} for f in features)


def _frozen(value):
    return tuple(_frozen(v) for v in value) if isinstance(value, list) else value


def available(level: str) -> bool:
    """Whether the boundary layer of `level` is built (geo/build/)."""
    try:
        _features(level)
        return True
    except (LayerMissing, FileNotFoundError, OSError, ValueError):
        return False


def _with(features, values: pd.DataFrame | None, keep=None) -> list[dict]:
    """Features with the row of `values` (indexed by uid) merged into their properties; text escaped (tooltips)."""
    out = []
    rows = values.to_dict("index") if values is not None else {}
    for f in features:
        uid = f["properties"]["uid"]
        if keep is not None and uid not in keep:
            continue
        props = dict(f["properties"])
        props["name"] = html.escape(props.get("name", ""))
        for k, v in rows.get(uid, {}).items():
            props[k] = None if (isinstance(v, float) and v != v) else (html.escape(v) if isinstance(v, str) else v)
        out.append({"type": "Feature", "properties": props, "geometry": f["geometry"]})
    return out


def choropleth(level: str, values: pd.DataFrame, *, title: str | list = "", legend_title: str = "",
               scheme: str = "blues", reverse: bool = False, highlight: str | None = None,
               keep=None, width: int | str = "container", height: int = 520, tooltip_titles: dict | None = None,
               selectable: bool = False, scale=None) -> dict:
    """A Vega-Lite spec (a dict: built without Altair, whose copies of ~90,000 coordinates would take most of a
    second) of the units of `level` coloured by `values["value"]` (indexed by uid; also name, value_text,
    status_label).

    Units without a value are grey. `highlight` (a uid) gets a thick outline; `keep` limits the units drawn (the
    districts of one province). With `selectable`, a click selects a unit (Streamlit returns its uid under
    ``SELECT_PARAM``). `scale` (a lib.maps.scale.Scale, the one every map shares): its classes and colours
    instead of a continuous `scheme`."""
    feats = _with(_features(level), values, keep)
    tips = tooltip_titles or {}
    colour_scale = {"scheme": scheme, "reverse": reverse}
    legend = {"orient": "right", "direction": "vertical", "gradientLength": 200, "titleLimit": 220}
    if scale is not None:
        colour_scale = {"type": "threshold", "domain": list(scale.edges), "range": list(scale.colours)}
        legend = {"orient": "right", "direction": "vertical", "titleLimit": 220, "labelLimit": 200}
    shapes = {
        "data": {"values": feats},
        "transform": [{"calculate": "datum.properties.uid", "as": "uid"}],
        "mark": {"type": "geoshape", "stroke": "#ffffff", "strokeWidth": 0.5},
        "encoding": {
            "color": {"condition": {"test": "isValid(datum.properties.value)", "field": "properties.value",
                                    "type": "quantitative", "title": legend_title or None,
                                    "scale": colour_scale, "legend": legend},
                      "value": NO_DATA},
            "tooltip": [{"field": "properties.name", "type": "nominal", "title": tips.get("name", " ")},
                        {"field": "properties.value_text", "type": "nominal", "title": tips.get("value", " ")},
                        {"field": "properties.status_label", "type": "nominal", "title": tips.get("status", " ")}],
        },
    }
    if selectable:
        shapes["params"] = [{"name": SELECT_PARAM, "select": {"type": "point", "fields": ["uid"], "on": "click",
                                                              "clear": "dblclick"}}]
    layer = [shapes]
    if highlight:
        hl = [f for f in feats if f["properties"]["uid"] == highlight]
        if hl:
            layer.append({"data": {"values": hl},
                          "mark": {"type": "geoshape", "filled": False, "stroke": "#1b2430", "strokeWidth": 2.5}})
    # fit-x: `height` is the map's own, not map + title + legend squeezed into it (Streamlit's default "fit").
    spec = {"$schema": "https://vega.github.io/schema/vega-lite/v6.json", "width": width, "height": height,
            "autosize": {"type": "fit-x", "contains": "padding"}, "projection": {"type": "mercator"},
            "layer": layer}
    if title:
        spec["title"] = {"text": title, "anchor": "start"}
    return spec


def locator(unit: str, *, width: int = 220, height: int = 300, colour: str = "#0b5cad") -> alt.Chart | None:
    """A small map placing `unit`: a province among the provinces, a district among its province's districts, the
    nation filled. None when the needed boundary layer is missing."""
    u = admin.units()
    if unit not in u.index:
        return None
    level = str(u.at[unit, "level"])
    try:
        if level == "national":
            feats, keep = list(_features("province")), None
        elif level == "district":
            parent = u.at[unit, "parent"]
            keep = set(u.index[(u["level"] == "district") & (u["parent"] == parent)])
            feats = [f for f in _features("district") if f["properties"]["uid"] in keep]
        elif level in ("province", "province_2025", "commune"):
            feats, keep = list(_features(level)), None
        else:
            return None
    except (LayerMissing, FileNotFoundError, OSError, ValueError):
        return None
    feats = [{"type": "Feature", "geometry": f["geometry"],
              "properties": dict(f["properties"], on=bool(level == "national" or f["properties"]["uid"] == unit))}
             for f in feats]  # new dicts: the cached features stay as they are
    fill = alt.condition("datum.properties.on", alt.value(colour), alt.value(NO_DATA))
    return alt.Chart(alt.Data(values=feats)).mark_geoshape(stroke="#ffffff", strokeWidth=0.4).encode(
        color=fill).project(type="mercator").properties(width=width, height=height)
