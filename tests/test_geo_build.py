"""The boundary build: every unit gets a polygon, neighbours share borders, areas are right, the browser can take it.

Real data throughout: the session fixture runs the build (downloads the gazetteer wheel on a fresh checkout; a no-op
when geo/build/ is up to date).
"""
from __future__ import annotations

import json
import shutil

import numpy as np
import pandas as pd
import pytest
import shapely

from lib import admin
from lib.geo import BUILD_DIR, EXPECTED_COUNTS, GRID_DEG, LEVELS
from lib.geo import build as geo_build
from lib.geo import communes, coverage, layers, points, source

OFFICIAL_AREA_KM2 = {"province:12": 9068.8, "province:11": 9541.3}  # Lai Châu, Điện Biên (MONRE, end of 2018)

# Districts formed by splitting one of the source polygons: new district -> the one it was split from.
SPLIT_FROM = {
    "district:224": "district:219",  # Thị xã Chũ from Lục Ngạn
    "district:449": "district:447",  # Thị xã Kỳ Anh from huyện Kỳ Anh
    "district:475": "district:474",  # Quận Phú Xuân beside Thuận Hóa (old Huế city)
    "district:618": "district:616",  # Ia H'Drai from Sa Thầy
    "district:698": "district:691",  # Phú Riềng from Bù Gia Mập
    "district:850": "district:851",  # huyện Duyên Hải beside thị xã Duyên Hải
    "district:936": "district:937",  # huyện Long Mỹ beside thị xã Long Mỹ
}
# Island districts and a point on their main island (lon, lat).
ISLANDS = {
    "district:318": (107.725, 20.133),  # Bạch Long Vĩ
    "district:471": (107.339, 17.158),  # Cồn Cỏ
    "district:536": (109.12, 15.38),  # Lý Sơn
    "district:755": (106.61, 8.69),  # Côn Đảo
}
ARCHIPELAGO_BOX = {"district:498": (111.0, 15.5, 113.0, 17.2), "district:576": (109.0, 6.5, 118.0, 12.0)}


@pytest.fixture(scope="session", autouse=True)
def built():
    return geo_build.build(log=lambda *_: None)


def _layer(level):
    return layers.load_layer(level)


def _areas(layer) -> pd.Series:
    return pd.Series(coverage.areas_km2(layer.geometry.to_numpy()), index=layer.index)


# --- every unit has a polygon ----------------------------------------------------------------------------------


@pytest.mark.parametrize("level", [*LEVELS, "district_full"])
def test_each_level_has_exactly_its_units(level):
    layer = _layer(level)
    admin_level = "district" if level == "district_full" else level
    expected = admin.level_units(admin_level).index
    assert len(layer) == EXPECTED_COUNTS[admin_level]
    assert set(layer.index) == set(expected)
    assert not layer.geometry.is_empty.any()
    assert layer.crs.to_epsg() == 4326


def test_every_district_has_a_polygon_that_holds_its_wards():
    """The join is right where we can tell: ward centroids lie in their own district's polygon."""
    wards = points.legacy_ward_points()
    for level, share in (("district_full", 0.97), ("district", 0.93)):
        layer = _layer(level)
        geoms = layer.geometry.reindex(wards["district"]).to_numpy()
        inside = shapely.contains_xy(geoms, wards["lon"].to_numpy(), wards["lat"].to_numpy())
        assert inside.mean() >= share, f"{level}: only {inside.mean():.1%} of ward centroids in their district"
        per_district = pd.Series(inside).groupby(wards["district"].to_numpy()).mean()
        assert (per_district >= 0.5).mean() >= 0.95, f"{level}: districts mostly missing their own wards"


def test_island_districts_sit_on_their_islands():
    layer = _layer("district")
    for uid, (lon, lat) in ISLANDS.items():
        assert shapely.distance(layer.geometry[uid], shapely.Point(lon, lat)) < 0.02, admin.display_name(uid)
        assert coverage.areas_km2([layer.geometry[uid]])[0] < 100, admin.display_name(uid)
    for uid, box in ARCHIPELAGO_BOX.items():
        assert shapely.box(*box).contains(layer.geometry[uid]), admin.display_name(uid)


def test_split_districts_share_their_parent_polygon():
    """Districts created after the source's vintage get a share of their parent's polygon, marked approximate."""
    layer = _layer("district")
    area = _areas(layer)
    for new, parent in SPLIT_FROM.items():
        assert layer.geometry[new].touches(layer.geometry[parent]) or layer.geometry[new].intersects(
            layer.geometry[parent].boundary), f"{admin.display_name(new)} does not border {admin.display_name(parent)}"
        assert layer.loc[new, "approximate"] and layer.loc[parent, "approximate"]
        assert area[new] > 20 and area[parent] > 20
    assert area["district:618"] > 500  # Ia H'Drai is ~980 km²: its wards' 2025 centroids place it, not one bad point
    assert layer["approximate"].sum() == 2 * len(SPLIT_FROM)


def test_merged_districts_are_unions():
    """Thủ Đức city (2021) = Quận 2 + Quận 9 + Quận Thủ Đức: official 211.6 km²."""
    area = _areas(_layer("district_full"))
    assert area["district:769"] == pytest.approx(211.6, rel=0.03)
    report = json.loads((BUILD_DIR / geo_build.REPORT_FILE).read_text())
    assert report["district_methods"]["union"] >= 15


def test_polygons_labelled_vietnam_from_laos_cambodia_china_are_left_out():
    candidates = source.cached_candidates()
    foreign = candidates[~candidates["vietnam_prefix"]]
    assert len(foreign) > 50
    outline = shapely.coverage_union_all(_layer("district_full").geometry.to_numpy())
    foreign_area = coverage.areas_km2(foreign.geometry.to_numpy())
    overlap = coverage.areas_km2(shapely.intersection(foreign.geometry.to_numpy(), outline))
    assert overlap.sum() < 0.01 * foreign_area.sum()
    assert (overlap / foreign_area).max() < 0.25


# --- geometry quality ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("level", [*LEVELS, "national", "district_full"])
def test_geometries_are_valid_and_on_the_grid(level):
    geoms = _layer(level).geometry.to_numpy()
    assert shapely.is_valid(geoms).all()
    assert set(shapely.get_type_id(geoms)) <= {3, 6}  # Polygon, MultiPolygon
    coords = shapely.get_coordinates(geoms)
    assert np.abs(coords / GRID_DEG - np.round(coords / GRID_DEG)).max() < 1e-6


@pytest.mark.parametrize("level", [*LEVELS, "district_full"])
def test_neighbours_share_borders_without_overlaps_or_gaps(level):
    geoms = _layer(level).geometry.to_numpy()
    assert shapely.coverage_is_valid(geoms)
    union = shapely.union_all(geoms)
    total, covered = coverage.areas_km2(geoms).sum(), coverage.areas_km2([union])[0]
    assert total == pytest.approx(covered, rel=0.005)  # overlaps would make the sum larger than the union
    holes = [shapely.Polygon(ring) for part in shapely.get_parts(union) for ring in part.interiors]
    assert (coverage.areas_km2(holes).sum() if holes else 0.0) < 1.0  # gaps between neighbours would be holes


def test_simplified_districts_keep_shared_borders_of_neighbours():
    """Two neighbours' borders coincide: their intersection is a line, not an area, and it is long."""
    layer = _layer("district")
    a, b = layer.geometry["district:001"], layer.geometry["district:002"]  # Ba Đình, Hoàn Kiếm
    shared = shapely.intersection(a, b)
    assert shapely.area(shared) == 0
    assert shared.length > 0.005


def test_national_outline_is_the_union_of_districts():
    outline = layers.national_outline()
    districts = shapely.coverage_union_all(_layer("district").geometry.to_numpy())
    assert shapely.symmetric_difference(outline, districts).area < 1e-9


# --- areas -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("level", ["province", "district_full"])
def test_lai_chau_and_dien_bien_areas_are_close_to_official(level):
    layer = _layer(level)
    if level == "district_full":
        parents = admin.units().loc[layer.index, "parent"].to_numpy()
        layer = layer.assign(parent=parents).dissolve("parent")
    area = _areas(layer)
    for uid, official in OFFICIAL_AREA_KM2.items():
        assert area[uid] == pytest.approx(official, rel=0.02), admin.display_name(uid)


def test_province_2025_is_the_dissolve_of_the_63():
    provinces = _layer("province")
    crosswalk = admin.units().loc[provinces.index, "province_2025"].to_numpy()
    dissolved = provinces.assign(key=crosswalk).dissolve("key").geometry
    new = _layer("province_2025").geometry
    for uid in new.index:
        diff = shapely.symmetric_difference(dissolved[uid], new[uid])
        assert diff.area < 1e-9 * max(new[uid].area, 1e-6) + 1e-12, admin.display_name(uid)


def test_communes_tile_their_province():
    """The cells of a province's communes cover it (up to the grid rounding of where cells meet its border)."""
    commune = _layer("commune")
    province = _layer("province_2025")
    by_province = commune.assign(key=commune.index.map(admin.units()["province_2025"])).dissolve("key").geometry
    for uid in province.index:
        mismatch = shapely.symmetric_difference(by_province[uid], province.geometry[uid]).area
        assert mismatch < 1e-3 * province.geometry[uid].area, admin.display_name(uid)


# --- communes --------------------------------------------------------------------------------------------------


def test_every_commune_centroid_lies_inside_its_approximate_polygon():
    commune = _layer("commune")
    units = admin.level_units("commune").loc[commune.index]
    assert commune["approximate"].all()
    geoms = commune.geometry.to_numpy()
    kept = ~commune["seed_moved"].to_numpy()
    assert shapely.contains_xy(geoms[kept], units["lon"].to_numpy()[kept], units["lat"].to_numpy()[kept]).all()
    # The few seeds moved were off their province (coast, islets the source lacks) or crowded by another seed.
    seeds = shapely.points(commune[["seed_lon", "seed_lat"]].to_numpy())
    assert shapely.contains(geoms, seeds).all()
    assert (~kept).sum() <= 0.01 * len(commune)
    province = _layer("province_2025").geometry.reindex(units["province_2025"]).to_numpy()
    off_province = ~shapely.contains_xy(province, units["lon"].to_numpy(), units["lat"].to_numpy())
    centroids = shapely.points(units[["lon", "lat"]].to_numpy())
    mine, other = shapely.STRtree(seeds).query(centroids, predicate="dwithin", distance=communes.MIN_SEED_GAP_DEG)
    crowded = np.zeros(len(units), dtype=bool)
    crowded[mine[mine != other]] = True
    assert (off_province | crowded)[~kept].all()


# --- size in the browser ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("level", ["district", "province", "province_2025"])
def test_layer_fits_the_browser_budget(level):
    assert layers.deck_json_bytes(_layer(level)) <= 1_000_000


def test_one_province_of_communes_is_small_enough_to_draw():
    """3,321 Voronoi cells nationally exceed any JSON budget pydeck allows; one province at a time stays small."""
    commune = _layer("commune")
    province_of = commune.index.map(admin.units()["province_2025"])
    sizes = {uid: layers.deck_json_bytes(group) for uid, group in commune.groupby(province_of)}
    assert max(sizes.values()) <= 250_000


# --- caching ---------------------------------------------------------------------------------------------------


def test_build_is_skipped_when_up_to_date():
    result = geo_build.build(log=lambda *_: None)
    assert result["skipped"]  # nothing rebuilt (its time is bench/bench_geo.py's business, not a test's)


def test_stamp_notices_changed_code_packages_or_missing_outputs(tmp_path):
    for name in geo_build.OUTPUT_NAMES:
        (tmp_path / f"{name}.parquet").write_bytes(b"")
    shutil.copy(BUILD_DIR / geo_build.STAMP_FILE, tmp_path / geo_build.STAMP_FILE)
    assert geo_build.is_up_to_date(tmp_path)

    stale = json.loads((tmp_path / geo_build.STAMP_FILE).read_text())
    stale["packages"]["shapely"] = "0.0"
    (tmp_path / geo_build.STAMP_FILE).write_text(json.dumps(stale))
    assert not geo_build.is_up_to_date(tmp_path)

    shutil.copy(BUILD_DIR / geo_build.STAMP_FILE, tmp_path / geo_build.STAMP_FILE)
    (tmp_path / "commune.parquet").unlink()
    assert not geo_build.is_up_to_date(tmp_path)
