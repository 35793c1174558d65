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
