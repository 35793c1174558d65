"""The map as the component gets it (lib/maps/deck.py, timeline.py, assets.py, labels.py), its one colour scale
(lib/maps/scale.py) and the gap convention (lib/gap.py)."""
from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
import shapely

from lib import admin, metrics
from lib.geo import layers
from lib.geo import build as geo_build
from lib.maps import assets, deck, labels, legend, scale, scope, timeline, values, vega
from lib.store import bundled_store


@pytest.fixture(scope="module", autouse=True)
def built():
    geo_build.build(log=lambda *_: None)


@pytest.fixture(scope="module")
def store():
    return bundled_store()


def served(url: str):
    return json.loads(assets.path_of(url).read_text(encoding="utf-8"))


HI = values.metric_for("hi")
NATIONAL = admin.NATIONAL_ID


# -- geometry travels once --------------------------------------------------------------------------------------------
def test_the_deck_carries_no_geometry_only_urls_of_files_served_with_the_component():
    spec = json.loads(deck.build_spec(scope.scope("district", NATIONAL), "vi").to_json())
    text = json.dumps(spec)
    assert "coordinates" not in text and len(text.encode()) < 10_000
    units = next(x for x in spec["layers"] if x["id"] == deck.UNITS)
    assert units["pickable"] is True and units["data"].startswith("cache/geo-")
    geo = served(units["data"])
    assert len(geo["features"]) == 696
    assert [f["properties"]["i"] for f in geo["features"]] == list(range(696))
    assert spec["mapStyle"] == "__MAP_STYLE__"


def test_the_same_units_always_get_the_same_file_and_other_units_another():
    a = deck.geo_url("province", scope.scope("province", NATIONAL).uids)
    b = deck.geo_url("province", scope.scope("province", NATIONAL).uids)
    c = deck.geo_url("district", scope.scope("district", "province:40").uids)
    assert a == b != c


def test_a_year_step_changes_one_argument_and_the_arguments_stay_small(store):
    sc = scope.scope("district", NATIONAL)
    spec = deck.build_spec(sc, "vi")
    url = timeline.data_url(store, sc, HI, "value", "vi")
    a = deck.component_args(sc, spec, url, 2023, None, "vi")
    b = deck.component_args(sc, spec, url, 2024, None, "vi")
    assert {k for k in a if a[k] != b[k]} == {"year"}
    assert len(json.dumps(b).encode()) < 12_000


def test_the_first_frame_waits_only_for_colours_each_years_tooltips_come_in_a_file_of_their_own(store):
    """The district map's view file (what the first frame needs) is a small part of the view: each year's tooltip
    lines are in a file the component fetches after drawing (the year shown first); put together they are every
    year's lines."""
    sc = scope.scope("district", NATIONAL)
    url = timeline.data_url(store, sc, HI, "value", "vi")
    view = served(url)
    assert "strings" not in view and set(view["tips"]) == set(map(str, view["years"]))
    tip_bytes = [assets.file_size(u) for u in view["tips"].values()]
    assert assets.file_size(url) < 150_000 and assets.file_size(url) * 5 < sum(tip_bytes), tip_bytes
    assert max(tip_bytes) < 200_000  # the tooltips of one year, not all of them
    year = served(view["tips"]["2024"])
    assert len(year["tips"]) == len(sc.uids)
    lines = {year["strings"][s] for row in year["tips"] for s in row if s >= 0}
    assert any(x.startswith("BHYT 2024: ") for x in lines) and not any("BHYT 2023: " in x for x in lines)
    # a pruned cache folder: the next view writes the files again instead of naming a file that is gone
    assets.path_of(view["tips"]["2020"]).unlink()
    again = timeline.data_url(store, sc, HI, "value", "vi")
    assert assets.path_of(served(again)["tips"]["2020"]).exists()


def test_the_view_data_holds_every_year_with_one_palette_for_all_of_them(store):
    sc = scope.scope("province", NATIONAL)
    data = timeline.read(timeline.data_url(store, sc, HI, "value", "vi"))
    assert data["years"] == values.timeline_years(store, sc, HI)
    assert len(data["names"]) == 63
    for year in data["years"]:
        assert len(data["cls"][str(year)]) == 63 and len(data["tips"][str(year)]) == 63
    # the colours of a year are those its classes give, on the scale fitted to every year
    sc_scale = values.level_scale(store, "province", HI)
    frame = values.unit_frame(store, sc, HI, 2024, "value")
    expected = [scale.rgba(c, timeline.FILL_ALPHA) for c in sc_scale.colour_of(frame["shown"])]
    demo = data["demo"]["2024"]
    for want, k, is_demo, value in zip(expected, data["cls"]["2024"], demo, frame["shown"]):
        if k == -1:  # no data: a real series is never patched with demo, so its missing years stay empty
            assert np.isnan(value)
            continue
        got = data["palette"][k]
        assert got == (timeline.muted(want) if is_demo else want)


def test_demo_units_are_muted_and_flagged_and_the_switch_hides_them(store):
    sc = scope.scope("province", NATIONAL)
    shown = timeline.read(timeline.data_url(store, sc, HI, "value", "vi", demo=True))
    assert sum(shown["demo"]["2024"]) > 0
    demo_fills = {tuple(shown["palette"][k]) for k, d in zip(shown["cls"]["2024"], shown["demo"]["2024"]) if d}
    assert all(f[3] == timeline.DEMO_ALPHA for f in demo_fills)
    hidden = timeline.read(timeline.data_url(store, sc, HI, "value", "vi", demo=False))
    assert sum(hidden["demo"]["2024"]) == 0
    for k, was_demo in zip(hidden["cls"]["2024"], shown["demo"]["2024"]):
        if was_demo:
            assert k == -1  # drawn as no data


# -- the one scale ---------------------------------------------------------------------------------------------------
def test_quantile_classes_spread_the_latest_year_and_the_target_is_a_boundary(store):
    sc = scope.scope("province", NATIONAL)
    data = values.map_data(store, sc, HI, 2024, "value")
    assert data.scale.method == "quantile"
    target = store.target(NATIONAL, HI.id, 2025).value
    assert target in data.scale.edges and data.scale.target == target
    classes = np.asarray(data.scale.classify(data.frame["shown"]))
    counts = np.bincount(classes[classes >= 0], minlength=len(data.scale.colours))  # -1: no data
    assert (counts > 0).sum() >= 4, counts  # not two shades of one colour
    assert counts.max() <= 40
    # the same classes in every year of the timeline
    assert values.map_data(store, sc, HI, 2016, "value").scale == data.scale


def test_quantile_edges_split_values_into_similar_counts():
    values = np.arange(0, 100, 0.5)
    edges = scale.quantile_edges(values, classes=5)
    counts = np.bincount(np.searchsorted(edges, values, side="right"))
    assert len(edges) == 4 and counts.max() - counts.min() <= 4


def test_the_users_own_breaks_are_used_and_named():
    sc = scale.scale_for(HI, "value", [80, 90, 95], breaks=[85, 70, 92])
    assert sc.edges == (70.0, 85.0, 92.0) and sc.method == "user"


def test_the_legend_names_how_classes_were_chosen(store):
    data = values.map_data(store, scope.scope("province", NATIONAL), HI, 2024, "value")
    note_vi = legend.scale_note(data.scale, data.years, "vi")
    note_en = legend.scale_note(data.scale, data.years, "en")
    assert "phân vị" in note_vi and "95,0%" in note_vi
    assert "quantiles" in note_en and "95.0%" in note_en


def test_the_collections_map_colours_with_the_map_pages_scale(store):
    metric = metrics.get("revenue_plan_pct")
    sc = values.level_scale(store, "province", metric)
    spec = vega.choropleth("province", pd.DataFrame({"value": [101.0]}, index=["province:01"]), scale=sc)
    colour = spec["layer"][0]["encoding"]["color"]["condition"]["scale"]
    assert colour == {"type": "threshold", "domain": list(sc.edges), "range": list(sc.colours)}
    frame = values.unit_frame(store, scope.scope("province", NATIONAL), metric, 2024, "value")
    assert values.map_data(store, scope.scope("province", NATIONAL), metric, 2024, "value").scale == sc
    assert len(frame) == 63


# -- the gap convention ------------------------------------------------------------------------------------------------
def test_the_maps_gap_is_the_one_gap_target_minus_value_worded_short_or_above():
    from lib import gap

    assert gap.gap_text(gap.from_points(1.0), "vi") == "còn thiếu 1,0 điểm %"  # 95 target, 94 value
    assert gap.gap_text(gap.from_points(-0.2), "vi") == "vượt 0,2 điểm %"
    assert gap.gap_text(gap.from_points(-0.2), "en") == "0.2 pts above"
    assert gap.from_points(None) is None and gap.gap_text(None, "vi") == "–"


def test_tooltips_word_the_gap_with_that_convention(store):
    sc = scope.scope("province", NATIONAL)
    data = timeline.read(timeline.data_url(store, sc, HI, "gap_2025", "vi"))
    lines = [data["strings"][s] for row in data["tips"]["2024"] for s in row if s >= 0]
    assert any("còn thiếu" in x and "điểm %" in x for x in lines)
    assert not any("chênh lệch -" in x for x in lines)


# -- names on the map --------------------------------------------------------------------------------------------------
def test_every_national_map_draws_and_names_hoang_sa_and_truong_sa():
    for level in ("province", "province_2025", "district"):
        spec = json.loads(deck.build_spec(scope.scope(level, NATIONAL), "vi").to_json())
        ids = [x["id"] for x in spec["layers"]]
        assert "archipelagos" in ids and deck.ISLANDS in ids
        names = [x["name"] for x in next(x for x in spec["layers"] if x["id"] == deck.ISLANDS)["data"]]
        assert names == ["Q.đ. Hoàng Sa (Việt Nam)", "Q.đ. Trường Sa (Việt Nam)"]
        geo = served(next(x for x in spec["layers"] if x["id"] == deck.UNITS)["data"])
        xs = [pt[0] for f in geo["features"] for pt in np.array(_points(f["geometry"])).reshape(-1, 2)]
        assert max(xs) > 115  # the Spratly islands are in the geometry drawn
    spec = json.loads(deck.build_spec(scope.scope("district", "province:40"), "vi").to_json())
    assert deck.ISLANDS not in [x["id"] for x in spec["layers"]]  # a province's map


def _points(geometry):
    coords = geometry["coordinates"]
    rings = coords if geometry["type"] == "Polygon" else [r for poly in coords for r in poly]
    return [pt for ring in rings for pt in ring]


def test_province_names_are_labelled_inside_their_province_biggest_first():
    rows = labels.unit_labels("province", scope.scope("province", NATIONAL).uids)
    assert len(rows) == 63 and rows[0]["rank"] == 0
    names = {r["name"] for r in rows}
    assert {"Nghệ An", "Thanh Hóa", "Hà Nội"} <= names
    gdf = layers.load_layer("province")
    nghe_an = next(r for r in rows if r["name"] == "Nghệ An")
    assert gdf.geometry["province:40"].contains(shapely.Point(*nghe_an["position"]))


def test_the_map_file_cache_stays_bounded_least_recently_used_first(tmp_path, monkeypatch):
    import os
    import time as _time

    monkeypatch.setattr(assets, "CACHE", tmp_path)
    for i in range(10):
        f = tmp_path / f"view-{i}.json"
        f.write_bytes(b"x" * 1000)
        os.utime(f, (_time.time() - 100 + i, _time.time() - 100 + i))  # view-0 least recently used
    assert assets.prune(max_bytes=20_000) == 0  # under the bound: nothing goes
    assert assets.prune(max_bytes=5_000) == 6  # down to 80 % of 5 kB: the six oldest go
    assert sorted(p.name for p in tmp_path.glob("*.json")) == [f"view-{i}.json" for i in range(6, 10)]


# -- the vendored deck.gl holds what the maps use --------------------------------------------------------------------
def test_every_type_a_map_describes_is_in_the_bundle_vendored_for_the_component():
    from lib.maps import vendor

    entry = (vendor.NPM / "entry.js").read_text()
    exported = {name.strip() for block in re.findall(r"export \{([^}]*)\}", entry) for name in block.split(",")}
    used = set()
    for sc in (scope.scope("province", NATIONAL), scope.scope("district", NATIONAL),
               scope.scope("district", "province:40"), scope.scope("commune", "province_2025:79")):
        used |= set(re.findall(r'"@@type":\s*"(\w+)"', deck.build_spec(sc, "vi").to_json()))
    assert {"GeoJsonLayer", "TextLayer", "PathStyleExtension"} <= used
    assert used <= exported, f"add {sorted(used - exported)} to frontend/deckmap/npm/entry.js"
    assert {"Deck", "JSONConverter", "JSONConfiguration", "WebMercatorViewport"} <= exported  # the component's script uses these itself
    lock = json.loads((vendor.NPM / "package-lock.json").read_text())
    for name, version in json.loads((vendor.NPM / "package.json").read_text())["dependencies"].items():
        assert version[0].isdigit(), f"{name} is pinned to one version"
        assert lock["packages"][f"node_modules/{name}"]["version"] == version


def test_a_district_map_of_a_chosen_province_outlines_that_province():
    for area, units in (("province:40", "district"), ("province_2025:79", "district")):
        spec = json.loads(deck.build_spec(scope.scope(units, area), "vi").to_json())
        ids = [x["id"] for x in spec["layers"]]
        outline = spec["layers"][ids.index(deck.AREA)]
        assert ids.index(deck.UNITS) < ids.index(deck.AREA) < ids.index(deck.HIGHLIGHT)  # drawn over the districts
        assert outline["stroked"] is True and outline["filled"] is False and outline["pickable"] is False
        features = served(outline["data"])["features"]
        assert [f["properties"]["uid"] for f in features] == [area]
        assert shapely.geometry.shape(features[0]["geometry"]).area > 0.05  # a province, in square degrees
    national = json.loads(deck.build_spec(scope.scope("district", NATIONAL), "vi").to_json())
    assert deck.AREA not in [x["id"] for x in national["layers"]]
