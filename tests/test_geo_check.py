"""`lib.geo.check`: a complete build passes; a layer with units missing or broken shapes fails with exit code 1."""
from __future__ import annotations

import shutil

import pytest
import shapely

from lib.geo import BUILD_DIR, LEVELS, check, layers
from lib.geo import build as geo_build


@pytest.fixture(scope="module", autouse=True)
def built():
    return geo_build.build(log=lambda *_: None)


@pytest.fixture()
def build_copy(tmp_path, monkeypatch):
    """A copy of geo/build/ that the layer reader uses instead, for breaking things."""
    for path in BUILD_DIR.glob("*.parquet"):
        shutil.copy(path, tmp_path / path.name)
    monkeypatch.setattr(layers, "BUILD_DIR", tmp_path)
    layers._read_layer.cache_clear()
    yield tmp_path
    layers._read_layer.cache_clear()


def test_complete_build_passes_with_a_line_per_level():
    lines, code = check.run()
    assert code == 0
    for level in LEVELS:
        assert any(line.startswith(f"{level}: OK") for line in lines), level
    assert any("deck JSON" in line for line in lines)


def test_missing_units_fail(build_copy):
    district = layers.load_layer("district").drop(index=["district:760", "district:318"])
    district.reset_index().to_parquet(build_copy / "district.parquet")
    layers._read_layer.cache_clear()
    lines, code = check.run()
    assert code == 1
    assert any(line.startswith("district: FAIL 694/696") for line in lines)
    assert any("district:318" in line and "missing" in line for line in lines)


def test_invalid_geometry_fails(build_copy):
    province = layers.load_layer("province")
    bowtie = shapely.Polygon([(105, 21), (106, 22), (106, 21), (105, 22)])
    province.loc["province:01", "geometry"] = bowtie
    province.reset_index().to_parquet(build_copy / "province.parquet")
    layers._read_layer.cache_clear()
    lines, code = check.run()
    assert code == 1
    assert any(line.startswith("province: FAIL") and "1 invalid" in line for line in lines)


def test_missing_layer_fails_and_says_how_to_build(build_copy):
    (build_copy / "commune.parquet").unlink()
    lines, code = check.run()
    assert code == 1
    assert any(line.startswith("commune: MISSING") and "lib.geo.build" in line for line in lines)
