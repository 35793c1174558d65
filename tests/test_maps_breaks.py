"""The user's own colour breaks on the Map page: typed in the user's number format, checked with a message in their
language, carried in the URL, and drawn as the legend's classes with the method named."""
from __future__ import annotations

import re

import pytest

from lib import metrics
from lib.geo import build as geo_build
from lib.i18n import t
from lib.maps import scale
from tests.apptest import open_app

HI = metrics.by_short("hi")


@pytest.mark.parametrize("lang,text,expected", [
    ("vi", "80; 85,5; 90", (80.0, 85.5, 90.0)),
    ("en", "80; 85.5; 90", (80.0, 85.5, 90.0)),
    ("vi", "90;80 ; 85,5%", (80.0, 85.5, 90.0)),  # any order, a per cent sign allowed
    ("vi", "−2,5; 0; 2,5", (-2.5, 0.0, 2.5)),  # gaps in points, a typographic minus
    ("en", "", ()),  # empty: the automatic classes
    ("vi", " ; ", ()),
])
def test_breaks_are_read_as_the_user_writes_numbers(lang, text, expected):
    assert scale.parse_breaks(text, lang) == (expected, None)


@pytest.mark.parametrize("lang,text,key,params", [
    ("vi", "80; 85.5; 90", "map.breaks.error_number", {"item": "85.5", "n": 2}),  # an English decimal in Vietnamese
    ("en", "80; 85,5", "map.breaks.error_number", {"item": "85,5", "n": 2}),
    ("vi", "80; abc", "map.breaks.error_number", {"item": "abc", "n": 2}),
    ("vi", "80; 1.000", "map.breaks.error_number", {"item": "1.000", "n": 2}),  # no digit grouping
    ("vi", "80;; 90", "map.breaks.error_empty_item", {"n": 2}),
    ("vi", "80; 90; 80,0", "map.breaks.error_duplicate", {"item": "80,0", "n": 3}),
    ("en", "1;2;3;4;5;6;7;8", "map.breaks.error_too_many", {"count": 8, "max": 7}),
])
def test_bad_breaks_say_what_is_wrong_and_where(lang, text, key, params):
    breaks, error = scale.parse_breaks(text, lang)
    assert breaks == () and error.key == key and error.params == params
    message = t(error.key, lang, **error.params)
    assert all(str(v) in message for v in params.values())  # what and where, in the message itself


def test_breaks_travel_in_the_url_in_one_form_and_come_back_in_the_users_format():
    assert scale.breaks_param((90.0, 80.0, 85.5)) == "80;85.5;90"
    assert scale.breaks_param(()) is None
    assert scale.breaks_from_param("80;85.5;90") == (80.0, 85.5, 90.0)
    assert scale.breaks_text((80.0, 85.5, 90.0), "vi") == "80; 85,5; 90"
    assert scale.breaks_text((80.0, 85.5, 90.0), "en") == "80; 85.5; 90"


def test_a_user_scale_uses_exactly_the_users_breaks_and_names_its_method():
    s = scale.scale_for(HI, "value", [50.0, 99.0], target=95.0, breaks=(80.0, 85.5, 90.0))
    assert s.edges == (80.0, 85.5, 90.0) and s.method == "user" and len(s.colours) == 4
    assert list(s.classify([79.9, 80.0, 85.4, 85.5, 95.0])) == [0, 1, 1, 2, 3]


@pytest.fixture(scope="module")
def built():
    geo_build.build(log=lambda *_: None)


def legend_text(at) -> str:
    return next(m.value for m in at.markdown if "<svg" in m.value)


def test_the_map_legend_shows_the_breaks_of_a_link_and_typed_breaks_go_into_the_url(built):
    at = open_app("pages/map.py", lang="vi", timeout=90, year="2024", breaks="80;85.5;90")
    legend = legend_text(at)
    labels = re.findall(r"<span>([^<]*)</span>", legend)
    assert labels[:4] == ["dưới 80,0%", "80,0 đến dưới 85,5%", "85,5 đến dưới 90,0%", "từ 90,0% trở lên"]
    assert len(re.findall(r"\((\d+)\)", legend)) >= 5  # 4 classes and 'no data'
    captions = [c.value for c in at.caption]
    assert any(c.startswith(t("map.scale.user", "vi", first=2015, last=2025)[:30]) for c in captions)
    assert at.text_input(key="_w_breaks").value == "80; 85,5; 90"

    at.text_input(key="_w_breaks").input("70; 92,5").run()
    assert not at.exception
    q = at.query_params["breaks"]
    assert (q[0] if isinstance(q, list) else q) == "70;92.5"
    legend = legend_text(at)
    assert "92,5" in legend and "85,5" not in legend

    at.text_input(key="_w_breaks").input("70; 9x").run()
    errors = [e.value for e in at.error]
    assert any("«9x»" in e and "thứ 2" in e for e in errors), errors
    assert "92,5" in legend_text(at)  # a bad entry changes nothing
    q = at.query_params["breaks"]
    assert (q[0] if isinstance(q, list) else q) == "70;92.5"
