"""The view in the URL: every parameter survives a round trip, bad values are dropped and reported, and a link is
the page path plus every non-default parameter."""
from urllib.parse import parse_qs, urlsplit

import pytest

from lib import urlstate
from lib.urlstate import DEFAULT, ViewState, base_of, from_query, link, to_query

FULL = ViewState(lang="en", metric="arrears_ratio", year=2020, area="province:40", level="district",
                 unit="district:412", scenario="Kịch bản A & B", present=True, month=9, panel="ranking",
                 demo=False, breaks="80;85.5;90")


def test_every_view_parameter_survives_the_round_trip():
    params = to_query(FULL)
    assert set(params) == set(urlstate.PARAMS), "a view parameter is missing from the URL"
    state, bad = from_query(params)
    assert bad == []
    assert state == FULL


def test_defaults_stay_out_of_the_url():
    assert to_query(DEFAULT) == {}
    assert to_query(DEFAULT.with_(year=2024)) == {"year": "2024"}
    assert from_query({}) == (DEFAULT, [])


def test_presenter_flag_reads_common_spellings():
    assert from_query({"present": "1"})[0].present is True
    assert from_query({"present": "true"})[0].present is True
    assert from_query({"present": "0"})[0].present is False
    assert to_query(DEFAULT.with_(present=True)) == {"present": "1"}


@pytest.mark.parametrize("name,value", [("lang", "fr"), ("metric", "gdp"), ("year", "20x5"), ("year", "1850"),
                                        ("area", "province:99"), ("unit", "<script>"), ("level", "ward"),
                                        ("month", "13"), ("month", "0"), ("panel", "a b"), ("panel", "<x>"),
                                        ("breaks", "90;80"), ("breaks", "80;8O"), ("breaks", "80,5"),
                                        ("breaks", "1;2;3;4;5;6;7;8")])
def test_bad_values_fall_back_to_the_default_and_are_reported(name, value):
    state, bad = from_query({name: value})
    assert bad == [name]
    assert getattr(state, name) == getattr(DEFAULT, name)


def test_a_value_given_twice_uses_the_first():
    state, _ = from_query({"year": ["2021", "2022"]})
    assert state.year == 2021


def test_link_is_the_page_path_plus_the_whole_view():
    url = link(FULL, "collections", "http://example.org:8501")
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("http", "example.org:8501", "/collections")
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert from_query(query) == (FULL, [])  # the scenario name with & and diacritics is encoded, not split


def test_overview_link_is_the_root_and_a_link_without_a_host_is_relative():
    assert link(DEFAULT.with_(year=2023), "", "http://h:1") == "http://h:1/?year=2023"
    assert link(DEFAULT, "map") == "/map"
    assert link(DEFAULT.with_(lang="en"), "progress") == "/progress?lang=en"


@pytest.mark.parametrize("url,base", [
    ("http://127.0.0.1:8501/collections", "http://127.0.0.1:8501"),
    ("http://127.0.0.1:8501/", "http://127.0.0.1:8501"),
    ("http://127.0.0.1:8501", "http://127.0.0.1:8501"),
    ("https://bi.example.vn/bhxh/map", "https://bi.example.vn/bhxh"),  # served under a base path
    ("https://bi.example.vn/bhxh", "https://bi.example.vn/bhxh"),
    ("not a url", ""), (None, ""),
])
def test_base_of_drops_the_page_path_only(url, base):
    assert base_of(url) == base


# -- the door pages change the view through (ui.change_view checks with validate_changes) -----------------------------
def test_a_page_change_is_checked_and_normalised():
    import numpy as np

    checked = urlstate.validate_changes({"year": np.int64(2020), "month": None, "unit": "district:412",
                                         "area": "province:40", "panel": "ranking", "scenario": "", "present": True})
    assert checked == {"year": 2020, "month": None, "unit": "district:412", "area": "province:40",
                       "panel": "ranking", "scenario": None, "present": True}
    assert type(checked["year"]) is int  # a numpy year from a table row is written as a plain int
    assert urlstate.validate_changes({}) == {}


@pytest.mark.parametrize("name,value", [("lang", "fr"), ("metric", "gdp"), ("year", "2020"), ("year", 1850),
                                        ("year", True), ("area", "province:99"), ("area", None), ("unit", "<x>"),
                                        ("level", "ward"), ("month", 13), ("month", 0), ("panel", "a b"),
                                        ("present", "yes"), ("scenario", "x" * 121), ("metric", None)])
def test_a_bad_value_from_a_page_is_refused_naming_the_parameter(name, value):
    with pytest.raises(ValueError, match=repr(name)):
        urlstate.validate_changes({name: value})


def test_an_unknown_view_parameter_is_refused():
    with pytest.raises(ValueError, match="'colour'"):
        urlstate.validate_changes({"colour": "gap_2030"})
    with pytest.raises(ValueError, match="'_w_year'"):
        urlstate.validate_changes({"_w_year": 2020})  # a widget's key is not the view


def test_every_view_parameter_has_a_rule_for_page_changes():
    """A parameter added to ViewState is accepted by the door with a value of the URL's round trip."""
    assert urlstate.validate_changes({n: getattr(FULL, n) for n in urlstate.PARAMS}) == \
        {n: getattr(FULL, n) for n in urlstate.PARAMS}
def test_demo_switch_travels_in_the_url():
    from lib import urlstate as us

    assert us.DEFAULT.demo is None and "demo" not in us.to_query(us.DEFAULT)
    off = us.DEFAULT.with_(demo=False)
    assert us.to_query(off)["demo"] == "0"
    assert us.from_query(us.to_query(off)) == (off, [])
    on = us.DEFAULT.with_(demo=True)
    assert us.from_query(us.to_query(on)) == (on, [])
    state, bad = us.from_query({"demo": "maybe"})
    assert state.demo is None and bad == ["demo"]
