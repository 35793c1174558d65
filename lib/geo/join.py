"""Give each of the 696 GSO districts (early-2025 list) a polygon from the geoBoundaries ADM2 set (about 2015).

Method (the project's boundary-data notes, in code):
1. Island districts have no ward centroid inside any polygon (their wards, if any, are geocoded to the
   mainland): a polygon holding no ward centroid is matched by name (Bạch Long Vĩ, Cồn Cỏ, Lý Sơn, Côn Đảo,
   Hoàng Sa, Trường Sa).
2. Every other polygon goes to the district whose ward centroids fall inside it most often. Districts that merged
   since (Thủ Đức = Quận 2 + Quận 9 + Thủ Đức) win several polygons and get their union.
3. Districts created by later splits win no polygon (Chũ, Kỳ Anh town, Phú Xuân, Ia H'Drai, Bù Gia Mập next to
   Phú Riềng, Duyên Hải district, Long Mỹ district). The polygon holding most of their wards is split between
   them and its winner by a Voronoi diagram of those districts' ward centroids.
"""
from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

from lib.geo.coverage import polygonal, voronoi_cells
from lib.text import ascii_fold

# How each district got its polygon (the build report counts them).
METHOD_VOTE, METHOD_UNION, METHOD_ISLAND, METHOD_SPLIT = "vote", "union", "island", "split"


def _name_key(name: str) -> str:
    return "".join(ascii_fold(name).lower().split())


def ward_points_gdf(wards: pd.DataFrame) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(wards, geometry=gpd.points_from_xy(wards["lon"], wards["lat"]), crs="EPSG:4326")


def wards_in_polygons(polygons: gpd.GeoDataFrame, wards: pd.DataFrame) -> pd.DataFrame:
    """One row per (ward, polygon containing it): ward_code, district, shape_id."""
    hits = gpd.sjoin(ward_points_gdf(wards), polygons[["shape_id", "geometry"]], predicate="within", how="inner")
    return hits[["ward_code", "district", "shape_id"]].reset_index(drop=True)


def drop_foreign(candidates: gpd.GeoDataFrame, wards: pd.DataFrame, districts: pd.DataFrame
                 ) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """(Vietnamese polygons, dropped ones).

    A polygon is Vietnamese if it has the Vietnam shape-id prefix and either holds a Vietnamese ward centroid or
    bears the name of a Vietnamese district (the islands, which no ward centroid locates). The second condition is
    the check against the country: the ward centroids trace Vietnam's outline.
    """
    prefixed = candidates[candidates["vietnam_prefix"]]
    holding_wards = set(wards_in_polygons(prefixed, wards)["shape_id"])
    district_names = set(districts["name_ascii"].map(_name_key))
    keep = prefixed["shape_id"].isin(holding_wards) | prefixed["name"].map(_name_key).isin(district_names)
    kept = prefixed[keep]
    dropped = candidates[~candidates["shape_id"].isin(kept["shape_id"])]
    return kept.reset_index(drop=True), dropped.reset_index(drop=True)


def match_islands(polygons: gpd.GeoDataFrame, hits: pd.DataFrame, districts: pd.DataFrame) -> pd.Series:
    """shape_id -> district uid for polygons holding no ward centroid, matched on the district's name."""
    empty = polygons[~polygons["shape_id"].isin(hits["shape_id"])]
    by_name = districts.groupby(districts["name_ascii"].map(_name_key)).groups
    matched = {}
    for row in empty.itertuples():
        uids = list(by_name.get(_name_key(row.name), []))
        if len(uids) != 1:
            raise ValueError(f"polygon {row.shape_id} ({row.name}) holds no ward and matches {len(uids)} districts")
        matched[row.shape_id] = uids[0]
    return pd.Series(matched, dtype=object)


def vote_winners(hits: pd.DataFrame) -> pd.Series:
    """shape_id -> the district with most ward centroids inside (ties go to the lower code, for stable builds)."""
    counts = hits.groupby(["shape_id", "district"]).size().rename("n").reset_index()
    counts = counts.sort_values(["shape_id", "n", "district"], ascending=[True, False, True])
    return counts.drop_duplicates("shape_id").set_index("shape_id")["district"]


def orphan_hosts(hits: pd.DataFrame, orphans: list[str]) -> pd.Series:
    """Orphan district -> the polygon holding most of its ward centroids."""
    counts = hits[hits["district"].isin(orphans)].groupby(["district", "shape_id"]).size().rename("n").reset_index()
    counts = counts.sort_values(["district", "n", "shape_id"], ascending=[True, False, True])
    hosts = counts.drop_duplicates("district").set_index("district")["shape_id"]
    missing = sorted(set(orphans) - set(hosts.index))
    if missing:
        raise ValueError(f"districts with no polygon and no ward centroid inside any polygon: {missing}")
    return hosts


def split_polygon(polygon, wards: pd.DataFrame, districts: list[str]) -> dict[str, object]:
    """`polygon` shared between `districts` by a Voronoi diagram of their ward centroids inside it."""
    seeds = wards[wards["district"].isin(districts)]
    seeds = seeds[shapely.contains_xy(polygon, seeds["lon"], seeds["lat"])].drop_duplicates(["lon", "lat"])
    cells = voronoi_cells(seeds[["lon", "lat"]].to_numpy(), polygon)
    out = {}
    for district in districts:
        mine = cells[(seeds["district"] == district).to_numpy()]
        if len(mine) == 0:
            raise ValueError(f"{district} has no ward centroid inside the polygon it should take a share of")
        out[district] = polygonal(shapely.union_all(mine))
    return out


def _method(methods: pd.Series) -> str:
    if (methods == METHOD_SPLIT).any():
        return METHOD_SPLIT
    return METHOD_UNION if len(methods) > 1 else methods.iloc[0]


def assign_districts(polygons: gpd.GeoDataFrame, wards: pd.DataFrame, districts: pd.DataFrame
                     ) -> gpd.GeoDataFrame:
    """One geometry per district (indexed by uid), with `method` and `shape_ids` (the source polygons used)."""
    hits = wards_in_polygons(polygons, wards)
    islands = match_islands(polygons, hits, districts)
    # Wards of island districts are geocoded to the mainland: they must not vote there.
    votes = hits[~hits["district"].isin(islands.values) & ~hits["shape_id"].isin(islands.index)]
    winners = pd.concat([vote_winners(votes), islands])
    orphans = sorted(set(districts.index) - set(winners.values))
    hosts = orphan_hosts(votes, orphans)
    geometry = polygons.set_index("shape_id").geometry

    pieces = []  # (district, geometry, shape_id, method)
    for shape_id, district in winners.items():
        if shape_id in set(hosts.values):
            continue
        pieces.append((district, geometry[shape_id], shape_id, METHOD_ISLAND if shape_id in islands else METHOD_VOTE))
    usable = wards[~wards["district"].isin(islands.values)]
    for shape_id, sharing in hosts.groupby(hosts).groups.items():
        shares = split_polygon(geometry[shape_id], usable, [winners[shape_id], *sorted(sharing)])
        pieces += [(d, g, shape_id, METHOD_SPLIT) for d, g in shares.items()]

    frame = pd.DataFrame(pieces, columns=["uid", "geometry", "shape_id", "method"])
    rows = []
    for uid, group in frame.groupby("uid", sort=True):
        rows.append((uid, _method(group["method"]), " ".join(sorted(group["shape_id"])),
                     polygonal(shapely.union_all(group["geometry"].to_numpy()))))
    out = gpd.GeoDataFrame(pd.DataFrame(rows, columns=["uid", "method", "shape_ids", "geometry"]),
                           geometry="geometry", crs="EPSG:4326").set_index("uid")
    missing = sorted(set(districts.index) - set(out.index))
    if missing:
        raise ValueError(f"districts left without a polygon: {missing}")
    return out.loc[districts.index.sort_values()]
