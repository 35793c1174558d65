"""Boundaries the user uploads: read from GeoJSON, GeoPackage or a zipped shapefile, matched to units by a code or
name column, repaired, and every problem reported."""
from __future__ import annotations

import io
import zipfile

import geopandas as gpd
import pytest
import shapely

from lib import admin
from lib.maps import scope as map_scope
from lib.maps import boundaries as map_boundaries
from lib.geo import build as geo_build
from lib.geo import layers
from lib.geo.upload import VERTEX_BUDGET, read_boundaries
from lib.i18n import has
from lib.text import ascii_fold


@pytest.fixture(scope="module", autouse=True)
def built():
    geo_build.build(log=lambda *_: None)


def _frame(level: str, **columns) -> gpd.GeoDataFrame:
    """A layer of ours as a user's file would have it: no unit ids, only the columns asked for (each a function of
    the unit id)."""
    layer = layers.load_layer(level)
    data = {name: [f(uid) for uid in layer.index] for name, f in columns.items()}
    return gpd.GeoDataFrame(data, geometry=layer.geometry.to_numpy(), crs=4326)


def _bytes(frame: gpd.GeoDataFrame, driver: str) -> bytes:
    buffer = io.BytesIO()
    frame.to_file(buffer, driver=driver)
    return buffer.getvalue()


def _zipped_shapefile(frame: gpd.GeoDataFrame, tmp_path, folder: str = "ranh_gioi/") -> bytes:
    frame.to_file(tmp_path / "huyen.shp", encoding="utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in tmp_path.iterdir():
            if path.stem == "huyen":
                archive.write(path, folder + path.name)
    return buffer.getvalue()


def _keys(result):
    return [p.code for p in result.problems]


NAME = lambda uid: admin.units().at[uid, "name"]  # noqa: E731
PLAIN = lambda uid: ascii_fold(admin.units().at[uid, "short_name"])  # noqa: E731
PROVINCE = lambda uid: admin.units().at[admin.units().at[uid, "parent"], "short_name"]  # noqa: E731


def test_a_geojson_of_provinces_with_vietnamese_names_is_matched_in_full():
    result = read_boundaries("tinh.geojson", _bytes(_frame("province", ten_tinh=NAME), "GeoJSON"))
    assert result.ok, result.problems
    assert result.upload.level == "province" and result.upload.column == "ten_tinh"
    assert set(result.upload.layer.index) == set(admin.level_units("province").index)
    assert result.missing == [] and result.unmatched.empty
    assert set(result.upload.geometries) == set(result.upload.layer.index)


def test_a_34_province_file_is_read_as_the_2025_provinces():
    result = read_boundaries("tinh_moi.geojson", _bytes(_frame("province_2025", name=PLAIN), "GeoJSON"))
    assert result.ok and result.upload.level == "province_2025" and len(result.upload.layer) == 34


def test_a_geopackage_with_a_numeric_code_column_is_matched_by_gso_code():
    frame = _frame("district", ma=lambda uid: int(admin.units().at[uid, "code"]), dien_tich=lambda uid: 1.5)
    result = read_boundaries("huyen.gpkg", _bytes(frame, "GPKG"))
    assert result.ok and result.upload.level == "district" and result.upload.column == "ma"
    assert len(result.upload.layer) == 696


def test_a_zipped_shapefile_in_a_folder_with_a_province_column_tells_shared_names_apart(tmp_path):
    frame = _frame("district", ten=PLAIN, tinh=PROVINCE)
    result = read_boundaries("huyen.zip", _zipped_shapefile(frame, tmp_path))
    assert result.ok and result.upload.level == "district"
    info = next(p for p in result.problems if p.code == "boundary.key_column")
    assert info.params["column"] == "ten" and info.params["parent"] == "tinh"
    # 'Châu Thành' exists in several provinces: the province column decides
    chau_thanh = [uid for uid in admin.level_units("district").index if PLAIN(uid) == "Chau Thanh"]
    assert len(chau_thanh) > 3 and set(chau_thanh) <= set(result.upload.layer.index)
    # names that differ only by their type (Thị xã / Huyện Kỳ Anh) cannot be told apart without diacritics or type
    assert (result.unmatched["problem"] == "ambiguous").all() and len(result.unmatched) < 20
    assert set(result.missing) == set(admin.level_units("district").index) - set(result.upload.layer.index)


def test_unknown_names_are_listed_with_the_closest_units():
    frame = _frame("province", ten=NAME)
    frame.loc[0, "ten"] = "Thành phố Hà Nộii"  # a typo (a wrong accent alone still matches: names match unaccented)
    frame.loc[1, "ten"] = "Tỉnh Không Có"
    result = read_boundaries("tinh.geojson", _bytes(frame, "GeoJSON"))
    assert result.ok
    unmatched = result.unmatched.set_index("row")
    assert list(unmatched.index) == [1, 2]
    assert "Hà Nội" in unmatched.at[1, "candidates"]
    assert len(result.missing) == 2 and "boundary.unmatched" in _keys(result)


def test_invalid_geometry_is_repaired_and_named():
    frame = _frame("province", ten=NAME)
    bowtie = shapely.Polygon([(105.0, 21.0), (106.0, 22.0), (106.0, 21.0), (105.0, 22.0), (105.0, 21.0)])
    hanoi = frame.index[frame["ten"] == "Thành phố Hà Nội"][0]
    frame.loc[hanoi, "geometry"] = bowtie
    assert not bowtie.is_valid
    result = read_boundaries("tinh.geojson", _bytes(frame, "GeoJSON"))
    assert result.ok
    repaired = [p for p in result.problems if p.code.startswith("boundary.repaired")]
    assert len(repaired) == 1 and repaired[0].row == hanoi + 1 and repaired[0].file == "tinh.geojson"
    assert repaired[0].message("vi").startswith("Thành phố Hà Nội: hình không hợp lệ")
    assert result.upload.layer.geometry.is_valid.all()


def test_features_for_the_same_unit_are_merged_and_reported():
    frame = _frame("province", ten=NAME)
    extra = frame.iloc[[0]].copy()
    extra["geometry"] = [shapely.box(105.0, 20.0, 105.1, 20.1)]
    frame = gpd.GeoDataFrame(list(frame.to_dict("records")) + list(extra.to_dict("records")), crs=4326)
    result = read_boundaries("tinh.geojson", _bytes(frame, "GeoJSON"))
    merged = [p for p in result.problems if p.code == "boundary.merged_features"]
    assert result.ok and len(merged) == 1 and merged[0].params["rows"] == f"1, {len(frame)}"
    assert len(result.upload.layer) == 63


def test_a_projected_file_is_brought_to_longitude_latitude():
    frame = _frame("province_2025", ten=NAME).to_crs(3857)
    result = read_boundaries("tinh.gpkg", _bytes(frame, "GPKG"))
    assert result.ok and "boundary.reprojected" in _keys(result)
    x0, y0, x1, y1 = result.upload.layer.total_bounds
    assert 100 < x0 < x1 < 120 and 5 < y0 < y1 < 25


def test_boundaries_outside_viet_nam_are_refused():
    frame = gpd.GeoDataFrame({"ten": ["Hà Nội"]}, geometry=[shapely.box(2.0, 48.0, 3.0, 49.0)], crs=4326)
    result = read_boundaries("paris.geojson", _bytes(frame, "GeoJSON"))
    assert not result.ok and result.upload is None and _keys(result)[-1] == "boundary.not_vietnam"


@pytest.mark.parametrize("name, data, key", [
    ("ranh_gioi.kml", b"<kml/>", "boundary.unsupported"),
    ("ranh_gioi.geojson", b"", "boundary.empty_file"),
    ("ranh_gioi.geojson", b'{"type": "FeatureCollection", "features": [', "boundary.unreadable"),
    ("ranh_gioi.zip", b"PK not really a zip", "boundary.bad_zip"),
])
def test_files_that_cannot_be_read_say_why(name, data, key):
    result = read_boundaries(name, data)
    assert not result.ok and _keys(result) == [key]


def test_a_zip_without_a_shapefile_lists_what_it_holds():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "boundaries")
        archive.writestr("data.csv", "a,b")
    result = read_boundaries("x.zip", buffer.getvalue())
    assert not result.ok and result.problems[-1].code == "boundary.no_shapefile"
    assert "readme.txt" in result.problems[-1].params["files"]


def test_a_file_without_a_name_or_code_column_says_which_columns_were_tried():
    frame = _frame("province", dien_tich=lambda uid: "lớn", nhom=lambda uid: "A")
    result = read_boundaries("tinh.geojson", _bytes(frame, "GeoJSON"))
    assert not result.ok and result.problems[-1].code == "boundary.no_key_column"
    assert "dien_tich" in result.problems[-1].params["columns"]


def test_points_are_not_boundaries():
    frame = gpd.GeoDataFrame({"ten": ["Hà Nội", "Nghệ An"]},
                             geometry=[shapely.Point(105.8, 21.0), shapely.Point(105.0, 19.0)], crs=4326)
    result = read_boundaries("diem.geojson", _bytes(frame, "GeoJSON"))
    assert not result.ok and result.problems[-1].code in ("boundary.no_polygons", "boundary.no_polygon_features")


def test_a_detailed_file_is_simplified_to_stay_quick_to_draw():
    frame = _frame("province", ten=NAME)
    frame["geometry"] = shapely.segmentize(frame.geometry.to_numpy(), 0.005)
    before = int(shapely.get_num_coordinates(frame.geometry.to_numpy()).sum())
    assert before > VERTEX_BUDGET["province"]
    result = read_boundaries("tinh.geojson", _bytes(frame, "GeoJSON"))
    assert result.ok and "boundary.simplified" in _keys(result)
    assert int(shapely.get_num_coordinates(result.upload.layer.geometry.to_numpy()).sum()) <= VERTEX_BUDGET["province"]
    assert result.upload.layer.geometry.is_valid.all()
    # Reported in the table every input file's problems use, in the user's language and number format.
    from lib.maps.uploads import tables

    caption, table = tables(result, "vi")[0]
    assert list(table.columns) == ["Tệp", "Đối tượng số", "Cột", "Mức độ", "Vấn đề"]
    row = table[table["Vấn đề"].str.startswith("tệp chi tiết")].iloc[0]
    assert row["Tệp"] == "tinh.geojson" and row["Mức độ"] == "thông tin"
    assert f"{before:,}".replace(",", ".") in row["Vấn đề"]  # 123.456 points, grouped the Vietnamese way


def test_a_file_matching_no_level_names_the_levels_tried_in_the_users_words():
    frame = _frame("province", dien_tich=lambda uid: "lớn")
    result = read_boundaries("tinh.geojson", _bytes(frame, "GeoJSON"))
    message = result.problems[-1].message("vi")
    assert not result.ok and "dien_tich" in message
    assert "province_2025" not in message and "commune" not in message  # no internal ids on screen
    assert all(map_scope.level_label(lv, "vi") in message for lv in ("province", "commune"))


def test_every_message_the_upload_can_give_is_in_both_catalogs():
    import inspect

    import lib.geo.upload as upload

    codes = __import__("re").findall(r'(?:_problem\("\w+", |_Refused\()"([a-z_]+)"', inspect.getsource(upload))
    keys = {f"problem.boundary.{c}" for c in codes} | {"problem.boundary.no_suffix"}
    keys |= {f"problem.boundary.format_{f}" for f in upload.SUFFIXES.values()}
    assert len(keys) > 30
    for key in keys:
        assert has(key, "vi") and has(key, "en"), key


def test_the_map_draws_uploaded_boundaries_instead_of_the_bundled_ones():
    frame = _frame("province", ten=NAME)
    frame = frame[frame["ten"].isin(["Thành phố Hà Nội", "Tỉnh Nghệ An", "Thành phố Hồ Chí Minh"])]
    # three names that are provinces both before and after 2025: the level is the user's to say
    result = read_boundaries("ba_tinh.geojson", _bytes(frame, "GeoJSON"), level="province")
    uploads = {"province": result.upload}
    scope = map_scope.scope("province", admin.NATIONAL_ID, uploads)
    assert set(scope.uids) == {"province:01", "province:40", "province:79"}
    assert map_boundaries.geometries("province", uploads) is result.upload.geometries
    assert len(map_scope.scope("district", admin.NATIONAL_ID, uploads).uids) == 696  # other levels keep ours


# -- issue 12: any feature name, empty geometry, wrong CRS or a very large file gives a problem report ----------------

@pytest.mark.parametrize("odd", ["-", "", " ", "…", "—", "?", "0", "<b>x</b>", "![x](http://example.invalid/a.png)",
                                 "x" * 5000, "Tỉnh", "\u200b"])
def test_any_feature_name_is_reported_as_unmatched_not_raised(odd):
    frame = _frame("province", ten=NAME)
    frame.loc[0, "ten"] = odd
    result = read_boundaries("tinh.geojson", _bytes(frame, "GeoJSON"))
    assert result.ok, [(p.code, p.params) for p in result.problems]
    assert len(result.upload.layer) == len(frame) - 1
    assert result.unmatched["row"].tolist() == [1]
    assert "boundary.unmatched" in _keys(result)


def test_a_file_whose_names_are_all_dashes_is_refused_with_a_problem():
    frame = _frame("province", ten=lambda uid: "-")
    result = read_boundaries("tinh.geojson", _bytes(frame, "GeoJSON"))
    assert not result.ok and result.problems[-1].code == "boundary.no_key_column"


def test_empty_geometries_are_named_and_the_rest_loads():
    frame = _frame("province", ten=NAME)
    geoms = frame.geometry.to_numpy().copy()
    geoms[2] = shapely.Polygon()
    geoms[3] = None
    frame = frame.set_geometry(gpd.GeoSeries(geoms, crs=4326))
    result = read_boundaries("tinh.geojson", _bytes(frame, "GeoJSON"))
    assert result.ok
    assert sorted(p.row for p in result.problems if p.code == "boundary.no_geometry") == [3, 4]


def test_all_geometries_empty_is_a_problem():
    frame = gpd.GeoDataFrame({"ten": ["Hà Nội", "Nghệ An"]}, geometry=[shapely.Polygon(), None], crs=4326)
    result = read_boundaries("rong.geojson", _bytes(frame, "GeoJSON"))
    assert not result.ok and result.problems[-1].code == "boundary.no_features"


@pytest.mark.parametrize("declared", [4326, 3857, 32648])
def test_a_wrong_crs_is_a_problem(declared):
    # Metres (UTM 48N) declared as lon/lat, or lon/lat declared as metres: the shapes land outside Vietnam.
    frame = _frame("province_2025", ten=NAME)
    wrong = frame.to_crs(32648).set_crs(declared, allow_override=True) if declared == 4326 else \
        frame.set_crs(declared, allow_override=True)
    result = read_boundaries("sai_crs.gpkg", _bytes(wrong, "GPKG"))
    assert not result.ok and result.problems[-1].code in ("boundary.not_vietnam", "boundary.bad_crs")


def test_a_50_mb_file_is_refused_with_a_problem_before_it_is_parsed():
    data = b'{"type": "FeatureCollection", "features": [' + b" " * 50_000_000 + b"]}"
    result = read_boundaries("lon.geojson", data)
    assert not result.ok and _keys(result) == ["boundary.too_large"]
    assert "50 MB" in result.problems[0].message("en") and "30 MB" in result.problems[0].message("en")


@pytest.mark.parametrize("data", [b"\x00" * 100, b'{"type": "Feature"}', b'{"type": "FeatureCollection"}',
                                  b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"ten":"-"},'
                                  b'"geometry":{"type":"Polygon","coordinates":[[[105,20],[106,20],[106,NaN],[105,20]]]}}]}',
                                  b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"ten":1e999},'
                                  b'"geometry":{"type":"Polygon","coordinates":[[[105,20],[106,20],[106,21],[105,20]]]}}]}'])
def test_damaged_geojson_gives_a_problem(data):
    result = read_boundaries("hong.geojson", data)
    assert result.problems and (not result.ok or result.upload is not None)
    assert all(has(f"problem.{p.code}", "vi") and has(f"problem.{p.code}", "en") for p in result.problems)
