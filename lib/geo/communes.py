"""Approximate polygons for the 3,321 communes of 2025: Voronoi cells of their centroids within their province.

No registry package ships commune boundaries, so each commune gets the part of its 2025 province nearer to its
centroid (vietnamadminunits' lat/lon) than to any other commune's of the same province. The layer says so
(`approximate=True`) and the map must too. A centroid outside its province polygon (coast, islets too small to
keep, a geocoding slip) is first moved to the nearest point well inside the province; the seed used is kept in the
layer (`seed_lon`, `seed_lat`, `seed_moved`) so labels and tests can use a point that is inside its cell.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import shapely
from shapely.ops import nearest_points

from lib.geo.coverage import polygonal, voronoi_cells

SNAP_RADIUS_DEG = 0.02  # how far inside the province a moved seed may land (about 2 km)
MIN_SEED_GAP_DEG = 0.002  # seeds closer than this (about 200 m) are pushed apart, so no cell is a sliver


def _inside_near(province, lon: float, lat: float):
    """A point inside `province`, near (lon, lat): the middle of the province's part within a small disc around the
    nearest border point."""
    nearest = nearest_points(province.boundary, shapely.Point(lon, lat))[0]
    for radius in (SNAP_RADIUS_DEG, 4 * SNAP_RADIUS_DEG, 16 * SNAP_RADIUS_DEG):
        near = polygonal(shapely.intersection(province, nearest.buffer(radius)))
        if not near.is_empty:
            largest = max(shapely.get_parts(near), key=lambda p: p.area)
            return largest.point_on_surface()
    return province.point_on_surface()


def _push_apart(xy: np.ndarray, province) -> np.ndarray:
    """Seeds within MIN_SEED_GAP_DEG of an earlier one moved aside (inside the province) until none are."""
    xy = xy.copy()
    for _ in range(20):
        tree = shapely.STRtree(shapely.points(xy))
        left, right = tree.query(shapely.points(xy), predicate="dwithin", distance=MIN_SEED_GAP_DEG)
        clash = right[left < right]
        if len(clash) == 0:
            return xy
        for i in np.unique(clash):
            for angle in np.linspace(0, 2 * np.pi, 12, endpoint=False):
                candidate = xy[i] + 1.5 * MIN_SEED_GAP_DEG * np.array([np.cos(angle), np.sin(angle)])
                if province.contains(shapely.Point(candidate)):
                    xy[i] = candidate
                    break
    raise RuntimeError("could not separate commune seeds")


def seeds(communes: pd.DataFrame, provinces) -> pd.DataFrame:
    """Seed point of each commune: its centroid, or a point inside its province when the centroid is not.

    `communes`: lib.admin units of level commune (uid index, lat, lon, province_2025); `provinces`: geometry by
    province_2025 uid. Returns lon, lat, moved (bool), province_2025, indexed like `communes`.
    """
    out = []
    for province_uid, group in communes.groupby("province_2025", sort=True):
        province = provinces[province_uid]
        shapely.prepare(province)
        xy = np.array(group[["lon", "lat"]], dtype=float)  # a copy: pandas arrays are read-only views
        inside = shapely.contains_xy(province, xy[:, 0], xy[:, 1])
        for i in np.flatnonzero(~inside):
            p = _inside_near(province, *xy[i])
            xy[i] = (p.x, p.y)
        moved_apart = _push_apart(xy, province)
        moved = ~inside | (moved_apart != xy).any(axis=1)
        out.append(pd.DataFrame({"lon": moved_apart[:, 0], "lat": moved_apart[:, 1], "moved": moved,
                                 "province_2025": province_uid}, index=group.index))
    return pd.concat(out).loc[communes.index]


def cells(seed_points: pd.DataFrame, provinces) -> pd.Series:
    """Voronoi cell of each seed, clipped to its province; indexed like `seed_points`."""
    out = []
    for province_uid, group in seed_points.groupby("province_2025", sort=True):
        geoms = voronoi_cells(group[["lon", "lat"]].to_numpy(), provinces[province_uid])
        out.append(pd.Series([polygonal(g) for g in geoms], index=group.index))
    return pd.concat(out).loc[seed_points.index]
