"""Read the built boundary layers and turn them into compact GeoJSON for pydeck. No network, no Streamlit.

Layers are GeoParquet files in geo/build/ written by `python -m lib.geo.build` (run by `make build`).
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from lib.geo import BUILD_DIR, LEVELS, NATIONAL, LayerMissing

COORD_DECIMALS = 4  # 1e-4 degree is about 11 m, the precision the layers are built at


def layer_path(level: str, build_dir: Path | None = None) -> Path:
    """The GeoParquet file of a level ("district_full": districts before simplification, for checks)."""
    if level not in (*LEVELS, NATIONAL, "district_full"):
        raise ValueError(f"no boundary layer for level {level!r}; levels: {', '.join(LEVELS)}")
    return (build_dir or BUILD_DIR) / f"{level}.parquet"


@lru_cache(maxsize=None)
def _read_layer(level: str) -> gpd.GeoDataFrame:
    path = layer_path(level)
    if not path.exists():
        raise LayerMissing(
            f"Boundary layer {level!r} is missing ({path}). Build it with `make build` or `python -m lib.geo.build`."
        )
    return gpd.read_parquet(path).set_index("uid")


def load_layer(level: str) -> gpd.GeoDataFrame:
    """The layer of `level` (province, district, province_2025, commune), indexed by unit id, EPSG:4326.

    Columns: approximate (bool: True for every commune and for districts split by Voronoi), geometry; communes also
    have seed_lon, seed_lat (a point inside the cell, for labels) and seed_moved. Read once per process; each call
    returns a copy, so callers may add columns.
    """
    return _read_layer(level).copy()


def national_outline():
    """Vietnam's outline (a MultiPolygon), the union of the districts."""
    return _read_layer(NATIONAL).geometry.iloc[0]


def layer_bounds(level: str, uids=None) -> tuple[float, float, float, float]:
    """(min_lon, min_lat, max_lon, max_lat) of the layer, or of the given units of it (unknown uids are ignored)."""
    layer = _read_layer(level)
    if uids is not None:
        layer = layer[layer.index.isin(list(uids))]
        if layer.empty:
            raise KeyError(f"none of the given units is in the {level} layer")
    return tuple(float(v) for v in layer.total_bounds)


def _rings(polygon, decimals: int) -> list:
    rings = (polygon.exterior, *polygon.interiors)
    return [np.round(shapely.get_coordinates(ring), decimals).tolist() for ring in rings]


def geojson_geometry(geom, decimals: int = COORD_DECIMALS) -> dict:
    """GeoJSON geometry with coordinates rounded to `decimals` (single-part shapes as Polygon: fewer brackets)."""
    if geom.geom_type == "Polygon":
        return {"type": "Polygon", "coordinates": _rings(geom, decimals)}
    if geom.geom_type == "MultiPolygon":
        parts = list(geom.geoms)
        if len(parts) == 1:
            return {"type": "Polygon", "coordinates": _rings(parts[0], decimals)}
        return {"type": "MultiPolygon", "coordinates": [_rings(p, decimals) for p in parts]}
    rounded = shapely.set_precision(geom, 10.0**-decimals)
    return json.loads(shapely.to_geojson(rounded))


def _flat_records(properties: pd.DataFrame | None, index: pd.Index) -> list[dict]:
    if properties is None or properties.shape[1] == 0:
        return [{} for _ in index]
    aligned = properties.reindex(index)
    records = json.loads(aligned.to_json(orient="records", date_format="iso", force_ascii=False))
    for column in aligned.columns:
        if any(isinstance(r[column], (dict, list)) for r in records):
            raise ValueError(f"property {column!r} is not flat: pydeck tooltips need one scalar per property")
    return records


def to_feature_collection(gdf: gpd.GeoDataFrame, properties: pd.DataFrame | None = None,
                          decimals: int = COORD_DECIMALS) -> dict:
    """A GeoJSON FeatureCollection of `gdf` (indexed by uid), one feature per row in its order.

    Each feature's properties are flat: `uid`, then the row of `properties` (indexed by uid) for that unit; units
    missing from `properties` get nulls, NaN becomes null. Coordinates are rounded to `decimals`.
    """
    records = _flat_records(properties, gdf.index)
    features = []
    for uid, geom, record in zip(gdf.index, gdf.geometry, records):
        record.pop("uid", None)  # the index is the unit id
        features.append({"type": "Feature", "properties": {"uid": uid, **record},
                         "geometry": geojson_geometry(geom, decimals)})
    return {"type": "FeatureCollection", "features": features}


def deck_json(feature_collection: dict) -> str:
    """What the browser receives for a map of this data: pydeck's JSON of a Deck with one GeoJsonLayer."""
    import pydeck  # only for measuring; the app imports it anyway

    layer = pydeck.Layer("GeoJsonLayer", data=feature_collection, id="boundaries")
    return pydeck.Deck(layers=[layer]).to_json()


def deck_json_bytes(gdf: gpd.GeoDataFrame) -> int:
    """Size of `deck_json` for the layer's shapes with only the uid property (the budget measure)."""
    return len(deck_json(to_feature_collection(gdf)).encode("utf-8"))
