"""The shapes a map draws: each level's boundaries (the user's uploaded boundaries for a level, else the bundled layer),
their bounds, and the centre and zoom that fit bounds into the map.
"""
from __future__ import annotations

import math
from functools import lru_cache

from lib import admin
from lib.geo import layers

MAP_HEIGHT = 520  # pixels; the initial zoom is fitted to this height and an assumed width
MAP_WIDTH = 460  # the narrowest the map column gets (1280-pixel screen, sidebar open)


@lru_cache(maxsize=None)
def _bundled_geometries(level: str) -> dict[str, dict]:
    """GeoJSON geometries of a bundled level, in layer order, rounded once (geometry never changes)."""
    gdf = layers.load_layer(level)
    return {uid: layers.geojson_geometry(geom) for uid, geom in zip(gdf.index, gdf.geometry)}


def geometries(level: str, uploads: dict | None = None) -> dict[str, dict]:
    """uid -> GeoJSON geometry of `level`: the user's uploaded boundaries for that level, else the bundled layer."""
    return uploads[level].geometries if uses_upload(level, uploads) else _bundled_geometries(level)


def uses_upload(level: str, uploads: dict | None) -> bool:
    return bool(uploads) and level in uploads


def bounds(level: str, uids, uploads: dict | None = None) -> tuple[float, float, float, float]:
    if uses_upload(level, uploads):
        layer = uploads[level].layer
        return tuple(float(v) for v in layer[layer.index.isin(list(uids))].total_bounds)
    return layers.layer_bounds(level, uids)


def view_for_bounds(b: tuple[float, float, float, float], width: int = MAP_WIDTH, height: int = MAP_HEIGHT,
                    padding: float = 0.85, max_zoom: float = 11.0) -> dict:
    """Centre and zoom (Web Mercator, 512-pixel world at zoom 0) that fit the bounds into the map."""
    lon0, lat0, lon1, lat1 = b

    def merc(lat):
        lat = max(min(lat, 85.0), -85.0)
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    dx = max(lon1 - lon0, 1e-3) / 360.0
    dy = max(merc(lat1) - merc(lat0), 1e-5) / (2 * math.pi)
    zoom = min(math.log2(width * padding / (512 * dx)), math.log2(height * padding / (512 * dy)), max_zoom)
    y_mid = (merc(lat0) + merc(lat1)) / 2
    lat_mid = math.degrees(2 * math.atan(math.exp(y_mid)) - math.pi / 2)
    return {"longitude": round((lon0 + lon1) / 2, 5), "latitude": round(lat_mid, 5), "zoom": round(zoom, 3)}


def shape_of(uid: str, uploads: dict | None) -> dict | None:
    level = uid.split(":")[0]
    if level not in admin.MAP_LEVELS:
        return None
    return geometries(level, uploads).get(uid)
