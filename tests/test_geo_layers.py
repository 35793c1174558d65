"""Reading the built layers and turning them into GeoJSON that pydeck can draw and label."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import shapely

from lib import admin
from lib.geo import build as geo_build
from lib.geo import layers
from lib.geo import LayerMissing


@pytest.fixture(scope="module", autouse=True)
def built():
    return geo_build.build(log=lambda *_: None)


def test_load_layer_is_indexed_by_unit_id_and_safe_to_modify():
    first = layers.load_layer("province")
    assert first.index[0].startswith("province:")
    first["coverage_rate"] = 1.0
    first.loc[first.index[0], "geometry"] = None
    again = layers.load_layer("province")
    assert "coverage_rate" not in again.columns
    assert again.geometry.notna().all()


def test_missing_layer_says_how_to_build_it(tmp_path, monkeypatch):
    monkeypatch.setattr(layers, "BUILD_DIR", tmp_path)
    layers._read_layer.cache_clear()
    try:
        with pytest.raises(LayerMissing, match=r"python -m lib\.geo\.build"):
            layers.load_layer("district")
    finally:
        layers._read_layer.cache_clear()


def test_unknown_level_is_refused():
    with pytest.raises(ValueError, match="no boundary layer"):
        layers.load_layer("ward")


def test_national_outline_holds_the_country():
    outline = layers.national_outline()
    hanoi, hcmc = admin.units().loc["province:01"], admin.units().loc["province:79"]
    assert outline.contains(shapely.Point(hanoi.lon, hanoi.lat))
    assert outline.contains(shapely.Point(hcmc.lon, hcmc.lat))
    assert not outline.contains(shapely.Point(102.6, 17.97))  # Vientiane
    assert not outline.contains(shapely.Point(104.92, 11.56))  # Phnom Penh


def test_layer_bounds_zoom_to_the_units_asked_for():
    lon0, lat0, lon1, lat1 = layers.layer_bounds("province")
    assert lon0 < 103 and lon1 > 114 and lat0 < 8 and lat1 > 23  # mainland and both archipelagos
    hanoi = layers.layer_bounds("province", ["province:01"])
    assert 105 < hanoi[0] < hanoi[2] < 106.1 and 20.5 < hanoi[1] < hanoi[3] < 21.5
    both = layers.layer_bounds("province", ["province:01", "province:79", "district:760"])
    assert both[1] < 11 and both[3] > 21
    with pytest.raises(KeyError):
        layers.layer_bounds("province", ["province:99"])


def test_feature_collection_has_flat_properties_and_rounded_coordinates():
    gdf = layers.load_layer("province_2025")
    props = pd.DataFrame({"name": ["Hà Nội", "Huế"], "coverage_rate": [0.93, np.nan], "year": [2024, 2024]},
                         index=["province_2025:01", "province_2025:46"])
    fc = layers.to_feature_collection(gdf, props)
    json.dumps(fc, allow_nan=False)  # NaN is not JSON
    assert len(fc["features"]) == len(gdf)
    by_uid = {f["properties"]["uid"]: f for f in fc["features"]}
    assert by_uid["province_2025:01"]["properties"] == {"uid": "province_2025:01", "name": "Hà Nội",
                                                         "coverage_rate": 0.93, "year": 2024}
    assert by_uid["province_2025:46"]["properties"]["coverage_rate"] is None
    assert by_uid["province_2025:79"]["properties"]["name"] is None  # a unit without data still draws
    coords = np.concatenate([np.asarray(ring).reshape(-1, 2) for f in fc["features"]
                             for ring in _rings(f["geometry"])])
    assert np.allclose(coords, np.round(coords, 4), atol=1e-12)
    text = json.dumps(fc)
    assert "105.12340000" not in text and "e-05" not in text


def _rings(geometry):
    if geometry["type"] == "Polygon":
        return geometry["coordinates"]
    return [ring for polygon in geometry["coordinates"] for ring in polygon]


def test_feature_collection_round_trips_to_the_same_shapes():
    gdf = layers.load_layer("district").loc[["district:760", "district:318"]]
    fc = layers.to_feature_collection(gdf)
    for feature, geom in zip(fc["features"], gdf.geometry):
        back = shapely.geometry.shape(feature["geometry"])
        assert shapely.symmetric_difference(back, geom).area < 1e-9


def test_nested_properties_are_refused():
    gdf = layers.load_layer("province_2025").iloc[:1]
    props = pd.DataFrame({"detail": [{"a": 1}]}, index=gdf.index)
    with pytest.raises(ValueError, match="not flat"):
        layers.to_feature_collection(gdf, props)


def test_deck_json_carries_the_properties_for_tooltips():
    gdf = layers.load_layer("province_2025").loc[["province_2025:01"]]
    fc = layers.to_feature_collection(gdf, pd.DataFrame({"name": ["Hà Nội"]}, index=gdf.index))
    deck = json.loads(layers.deck_json(fc))
    feature = deck["layers"][0]["data"]["features"][0]
    assert feature["properties"] == {"uid": "province_2025:01", "name": "Hà Nội"}
