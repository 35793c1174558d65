"""Names drawn on the map: the units' names (provinces on a national map, districts or communes inside a province),
and the Hoàng Sa and Trường Sa archipelagos, drawn and labelled as Vietnam's on every national map."""
from __future__ import annotations

from functools import lru_cache

import shapely

from lib import admin
from lib.geo import layers

# The island districts (legacy) whose shapes locate the archipelagos; their 2025 special zones lie at the same place.
ARCHIPELAGOS = {"district:498": "map.islands.hoang_sa", "district:576": "map.islands.truong_sa"}


@lru_cache(maxsize=None)
def label_points(level: str) -> dict[str, tuple[float, float]]:
    """uid -> (lon, lat) of a point inside the unit's largest part (where its name is drawn)."""
    gdf = layers.load_layer(level)
    out = {}
    for uid, geom in zip(gdf.index, gdf.geometry):
        part = max(getattr(geom, "geoms", [geom]), key=lambda g: g.area)
        p = shapely.point_on_surface(part)
        out[uid] = (round(p.x, 4), round(p.y, 4))
    return out


def unit_labels(level: str, uids) -> list[dict]:
    """One label per unit drawn: its short name (no 'Tỉnh'/'Huyện' prefix), at a point inside it; bigger units
    first (the label layer keeps the first of two overlapping labels)."""
    points = label_points(level)
    u = admin.units()
    gdf = layers.load_layer(level)
    area = dict(zip(gdf.index, shapely.area(gdf.geometry.values)))  # square degrees: only to rank
    rows = [(uid, points[uid]) for uid in uids if uid in points and uid in u.index]
    rows.sort(key=lambda r: -area.get(r[0], 0.0))
    return [{"name": str(u.at[uid, "short_name"]), "position": list(pos), "rank": k}
            for k, (uid, pos) in enumerate(rows)]


@lru_cache(maxsize=None)
def archipelagos() -> list[dict]:
    """Centre and radius (metres) of each archipelago, from the island districts' shapes."""
    gdf = layers.load_layer("district")
    out = []
    for uid, key in ARCHIPELAGOS.items():
        if uid not in gdf.index:
            continue
        x0, y0, x1, y1 = gdf.geometry[uid].bounds
        radius = max(x1 - x0, y1 - y0) / 2 * 111_000 * 0.8 + 30_000
        out.append({"key": key, "position": [round((x0 + x1) / 2, 3), round((y0 + y1) / 2, 3)],
                    "radius": round(radius), "label_position": [round((x0 + x1) / 2, 3), round(y0 - 0.5, 3)]})
    return out
