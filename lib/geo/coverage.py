"""Geometry of polygon coverages (sets of polygons that tile an area without overlaps): clean, snap, simplify.

Neighbouring units must keep identical shared borders through every step, so nothing here simplifies one polygon at
a time: cleaning, grid snapping and simplification work on the whole coverage (shapely's coverage_* functions).
"""
from __future__ import annotations

from collections.abc import Callable

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from lib.geo import EQUAL_AREA_CRS, GRID_DEG


def areas_km2(geoms) -> np.ndarray:
    """Areas in km², computed in an equal-area projection."""
    return gpd.GeoSeries(np.asarray(geoms, dtype=object), crs="EPSG:4326").to_crs(EQUAL_AREA_CRS).area.to_numpy() / 1e6


def voronoi_cells(xy: np.ndarray, clip) -> np.ndarray:
    """One cell per point (same order): the part of `clip` nearer to that point than to any other.

    Points must be distinct. A single point gets the whole of `clip`.
    """
    if len(xy) == 1:
        return np.array([clip], dtype=object)
    diagram = shapely.voronoi_polygons(shapely.multipoints(xy), extend_to=shapely.envelope(clip).buffer(1.0),
                                       ordered=True)
    cells = shapely.get_parts(diagram)
    if len(cells) != len(xy):
        raise ValueError(f"{len(xy)} points gave {len(cells)} Voronoi cells: are the points distinct?")
    return shapely.intersection(cells, clip)


def polygonal(geom):
    """Only the polygons of a geometry (intersections can leave lines and points behind)."""
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon") and not p.is_empty]
    parts = [q for p in parts for q in shapely.get_parts(p)]
    if not parts:
        return shapely.Polygon()
    return parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)


def clean(geoms, gap_width: float) -> np.ndarray:
    """Overlaps resolved, gaps narrower than `gap_width` (degrees) filled, shared edges made identical."""
    cleaned = shapely.coverage_clean(np.asarray(geoms, dtype=object), gap_width=gap_width)
    return np.array([polygonal(g) for g in cleaned], dtype=object)


def drop_islets(geoms, min_km2: float, keep_xy: np.ndarray | None = None) -> np.ndarray:
    """Each geometry without its small isolated islands (parts touching no other unit, under `min_km2`).

    Every unit keeps its largest part, so island districts stay on the map, and so does every islet holding one of
    the points `keep_xy` (lon, lat: e.g. commune centroids, so island communes keep their island). Other islets cost
    as many bytes as a district outline (a polygon never simplifies below a triangle) and are invisible at the zooms
    the maps use.
    """
    geoms = np.asarray(geoms, dtype=object)
    parts, owner = shapely.get_parts(geoms, return_index=True)
    part_area = areas_km2(parts)
    left, right = shapely.STRtree(parts).query(parts, predicate="intersects")
    touches_other = np.zeros(len(parts), dtype=bool)
    touches_other[left[owner[left] != owner[right]]] = True
    largest = pd.Series(part_area).groupby(owner).transform("max").to_numpy() == part_area
    keep = touches_other | largest | (part_area >= min_km2)
    if keep_xy is not None and len(keep_xy):
        holding = shapely.STRtree(parts).query(shapely.points(keep_xy), predicate="within")[1]
        keep[holding] = True
    out = np.empty(len(geoms), dtype=object)
    for i in range(len(geoms)):
        mine = parts[keep & (owner == i)]
        out[i] = mine[0] if len(mine) == 1 else shapely.MultiPolygon(list(mine))
    return out


def snap_to_grid(geoms, grid: float = GRID_DEG) -> np.ndarray:
    """Coordinates rounded to `grid`, the coverage kept valid.

    Rounding shared vertices alike keeps shared edges identical; where rounding folds an edge, the coverage is
    re-noded and rounded again (GEOS may add an intersection vertex that needs another round).
    """
    geoms = np.asarray(geoms, dtype=object)
    for _ in range(5):
        rounded = shapely.set_precision(geoms, grid, mode="pointwise")
        if shapely.is_valid(rounded).all() and shapely.coverage_is_valid(rounded):
            return rounded
        geoms = np.array([polygonal(g) for g in shapely.coverage_clean(rounded, snapping_distance=0)], dtype=object)
    raise RuntimeError("could not snap the coverage to the grid without breaking it")


def _sea(geoms: np.ndarray):
    """Everything around the coverage, so that coasts and land borders become shared edges too."""
    frame = shapely.box(*shapely.total_bounds(geoms)).buffer(1.0, join_style="mitre")
    return shapely.difference(frame, shapely.coverage_union_all(geoms))


def simplify(geoms, tolerance: np.ndarray, step: float = 2**0.5) -> np.ndarray:
    """Coverage simplification (Visvalingam–Whyatt) with a tolerance per unit, in degrees.

    A border gets the smaller tolerance of the two units it separates: the coverage is simplified in passes of
    growing tolerance, each pass over the units whose tolerance reaches it. A surrounding "sea" polygon takes part
    in every pass, so coasts and land borders are simplified with the unit they bound, while the borders of units
    left out of a pass stay fixed. Tolerances are rounded to powers of `step`.
    """
    geoms = np.asarray(geoms, dtype=object)
    tolerance = np.asarray(tolerance, dtype=float)
    smallest = tolerance.min()
    tier = np.round(np.log(tolerance / smallest) / np.log(step)).astype(int)
    with_sea = np.append(geoms, _sea(geoms))
    for k in range(tier.max() + 1):
        chosen = np.append(tier >= k, True)
        with_sea[chosen] = shapely.coverage_simplify(with_sea[chosen], smallest * step**k, simplify_boundary=False)
    return with_sea[:-1]


def size_weights(geoms, power: float = 0.5, clip: tuple[float, float] = (0.25, 4.0)) -> np.ndarray:
    """Relative tolerance per unit: larger units take more simplification ((area / median area) ** power)."""
    area = areas_km2(geoms)
    return np.clip((area / np.median(area)) ** power, *clip)


def simplify_to_budget(geoms, measure: Callable[[np.ndarray], int], budget: int,
                       lo: float = 1e-4, hi: float = 0.3, steps: int = 12) -> tuple[np.ndarray, float]:
    """The least simplified coverage whose `measure` (bytes) fits `budget`, and its base tolerance.

    Bisects the base tolerance (log scale) between `lo` and `hi` degrees; unit tolerances are base × size_weights.
    Returns the most simplified version when even `hi` does not fit (the caller checks the budget).
    """
    geoms = np.asarray(geoms, dtype=object)
    weights = size_weights(geoms)
    candidate = simplify(geoms, lo * weights)
    if measure(candidate) <= budget:
        return candidate, lo
    best, best_tolerance = simplify(geoms, hi * weights), hi
    for _ in range(steps):
        mid = float(np.sqrt(lo * hi))
        candidate = simplify(geoms, mid * weights)
        if measure(candidate) <= budget:
            hi, best, best_tolerance = mid, candidate, mid
        else:
            lo = mid
    return best, best_tolerance


def dissolve(geoms, keys) -> pd.Series:
    """Union of a coverage's polygons per key (exact: shared edges cancel)."""
    frame = pd.DataFrame({"geometry": np.asarray(geoms, dtype=object), "key": np.asarray(keys)})
    return frame.groupby("key", sort=True)["geometry"].agg(
        lambda g: polygonal(shapely.coverage_union_all(g.to_numpy())))
