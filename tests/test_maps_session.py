"""The Map page's state between reruns (lib/maps/session.py), over a plain dict: play, search zoom, map events."""
from __future__ import annotations

from lib.maps.session import PLAY_SECONDS, MapSession

YEARS = [2020, 2021, 2022]


def session():
    state = {"year": 2022}
    return state, MapSession(state)


def test_play_at_the_last_year_starts_again_from_the_first():
    state, s = session()
    assert s.toggle_play(YEARS, 2022, now=100.0) is True
    assert state["year"] == 2020 and s.playing


def test_play_steps_once_a_step_time_has_passed_and_stops_after_the_last_year():
    state, s = session()
    state["year"] = 2020
    s.toggle_play(YEARS, 2020, now=100.0)
    assert state["year"] == 2020  # not at the last year: play starts where it is
    assert s.play_step(YEARS, 2020, now=100.1) == 2020  # a rerun between two steps changes nothing
    assert s.play_step(YEARS, 2020, now=100.0 + PLAY_SECONDS) == 2021 and state["year"] == 2021
    assert s.play_step(YEARS, 2021, now=100.0 + 2 * PLAY_SECONDS) == 2022
    assert s.play_step(YEARS, 2022, now=100.0 + 3 * PLAY_SECONDS) is None
    assert not s.playing and state["year"] == 2022  # stopped at the year shown


def test_stop_keeps_the_year_shown():
    state, s = session()
    state["year"] = 2021
    s.toggle_play(YEARS, 2021, now=0.0)
    s.toggle_play(YEARS, 2021, now=1.0)
    assert not s.playing and state["year"] == 2021


def test_a_search_zooms_to_the_unit_only_while_its_view_lasts():
    _, s = session()
    s.found({"level": "district", "area": "province:40", "unit": "district:412"}, "province", "national:VN",
            "district:412")
    assert s.zoom_to("district", "province:40") == "district:412"
    assert s.zoom_to("province", "national:VN") is None


def test_a_component_event_is_applied_once():
    state, s = session()
    click = {"n": 1, "event": "click", "uid": "province:40"}
    assert s.component_event("k", click, ("province:40",)) is True and state["unit"] == "province:40"
    state["unit"] = None
    assert s.component_event("k", click, ("province:40",)) is False and state["unit"] is None  # seen already
    assert s.component_event("k", {"n": 2, "event": "year", "year": 2021}, ()) is True and state["year"] == 2021
    assert s.component_event("k", {"n": 3, "event": "click", "uid": "province:99"}, ("province:40",)) is True
    assert state["unit"] is None  # a unit not drawn is not selected


def test_a_pydeck_selection_the_callback_missed_is_applied_and_an_empty_one_selects_the_drilled_province():
    state, s = session()
    event = {"selection": {"indices": {"units": [1]}, "objects": {}}}
    assert s.unseen_pick("k", event, ("province:40", "province:42"), "national:VN") is True
    assert state["unit"] == "province:42"
    assert s.unseen_pick("k", event, ("province:40", "province:42"), "national:VN") is False
    assert s.unseen_pick("k", {"selection": {}}, ("district:412",), "province:40") is True
    assert state["unit"] == "province:40"


# -- the user's own boundaries ----------------------------------------------------------------------------------------
def _two_provinces() -> bytes:
    import io

    import geopandas as gpd

    from lib.geo import layers

    frame = layers.load_layer("province").reset_index()
    frame = frame[frame["uid"].isin(["province:01", "province:40"])]
    frame = gpd.GeoDataFrame({"ma_tinh": frame["uid"].str[-2:]}, geometry=frame.geometry.to_numpy(), crs=4326)
    buffer = io.BytesIO()
    frame.to_file(buffer, driver="GeoJSON")
    return buffer.getvalue()


def test_boundaries_that_load_replace_ours_at_their_level_until_removed():
    from lib.geo.upload import read_boundaries
    from lib.maps.session import BoundaryUploads

    state = {}
    b = BoundaryUploads(state)
    first_box = b.uploader_key
    b.received(read_boundaries("hai_tinh.geojson", _two_provinces(), level="province"))
    assert set(b.in_use) == {"province"} and set(b.in_use["province"].layer.index) == {"province:01", "province:40"}
    assert b.last_result.file == "hai_tinh.geojson" and b.last_result.ok
    assert b.uploader_key != first_box  # the file box empties for the next file
    b.remove("province")
    assert b.in_use == {}


def test_a_file_that_does_not_load_keeps_the_boundaries_in_use_and_its_report_is_shown():
    from lib.geo.upload import read_boundaries
    from lib.maps.session import BoundaryUploads

    state = {}
    b = BoundaryUploads(state)
    b.received(read_boundaries("hai_tinh.geojson", _two_provinces(), level="province"))
    b.received(read_boundaries("hong.geojson", b"{ not json", level=None))
    assert set(b.in_use) == {"province"}  # the bad file changed nothing
    assert b.last_result.file == "hong.geojson" and not b.last_result.ok and b.last_result.problems
