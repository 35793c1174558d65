"""The Map page headless (AppTest): what the browser would receive for each level and language, colours that follow
the values, a selection that opens the panel and drills down, links that reopen a view, search, and uploads."""
from __future__ import annotations

import io
import json
import re

import geopandas as gpd
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from lib import admin, ui
from lib.maps import assets
from lib.maps import pydeck_chart as map_pydeck_chart
from lib.maps import scope as map_scope
from lib.maps import scale as map_scale
from lib.maps import timeline
from lib.geo import build as geo_build
from lib.geo import layers
from lib.geo.upload import read_boundaries
from lib.i18n import t
from lib.model import Dataset, normalise_observations
from tests.apptest import open_app

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module", autouse=True)
def built():
    geo_build.build(log=lambda *_: None)


def open_map(**params) -> AppTest:
    return open_app("pages/map.py", timeout=60, **params)


def component(at) -> dict:
    """The map component's arguments (what the browser gets on this run)."""
    charts = at.get("component_instance")
    assert len(charts) == 1 and not at.get("deck_gl_json_chart")
    return json.loads(charts[0].proto.json_args)


def deck(at) -> dict:
    return json.loads(component(at)["spec"])


def layer(at, layer_id: str) -> dict | None:
    return next((x for x in deck(at)["layers"] if x["id"] == layer_id), None)


def served(url: str) -> dict:
    """A file the component fetches (as the browser would get it)."""
    assert not url.startswith(("http:", "https:", "/")), url
    return json.loads(assets.path_of(url).read_text(encoding="utf-8"))


def features(at) -> list[dict]:
    """The units drawn in the year shown, as the browser puts them together: the geometry file's features with the
    view data's fill (RGBA), demo flag and tooltip lines for that year."""
    args = component(at)
    geo, data = served(layer(at, map_pydeck_chart.UNITS_LAYER)["data"]), timeline.read(args["data"])
    year = str(args["year"])
    out = []
    for f in geo["features"]:
        i = f["properties"]["i"]
        k = data["cls"][year][i]
        out.append({"properties": {"uid": f["properties"]["uid"], "fill": data["palette"][k] if k >= 0 else
                                   data["no_data"], "demo": bool(data["demo"][year][i]), "tips": [
                                       data["strings"][s] for s in data["tips"][year][i] if s >= 0]}})
    return out


def store_values(metric_short: str, level: str, year: int) -> dict[str, float]:
    """Year-end values straight from the bundled store's table (not through the map's code)."""
    from lib import metrics
    from lib.store import bundled_store
    r = bundled_store().resolved
    sel = r[(r["metric"] == metrics.by_short(metric_short).id) & (r["period"] == "FY") & (r["level"] == level)
            & (r["year"] == year)]
    return dict(zip(sel["unit"].astype(str), sel["value"].astype(float)))


def uids(at) -> set[str]:
    return {f["properties"]["uid"] for f in features(at)}


def texts(at) -> str:
    parts = [e.value for kind in ("markdown", "caption", "warning", "info", "subheader", "title") for e in
             getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


def hex_of(rgba) -> str:
    return "#" + "".join(f"{c:02x}" for c in rgba[:3])


COMMUNES_OF_HANOI = set(admin.units().index[(admin.units()["level"] == "commune")
                                            & (admin.units()["province_2025"] == "province_2025:01")])
EXPECTED = {
    "province": set(admin.level_units("province").index),
    "province_2025": set(admin.level_units("province_2025").index),
    "district": set(admin.level_units("district").index),
    "commune": COMMUNES_OF_HANOI,
}


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("level", list(map_scope.MAP_LEVELS))
def test_every_level_draws_its_units_offline_with_legend_attribution_and_demo_notice(lang, level):
    params = {"lang": lang, "level": level, "year": "2024"}
    if level == "commune":
        params["area"] = "province_2025:01"
    at = open_map(**params)
    assert uids(at) == EXPECTED[level]
    spec = deck(at)
    assert spec["mapStyle"] == "__MAP_STYLE__" and "cartocdn" not in json.dumps(component(at))
    assert layer(at, map_pydeck_chart.UNITS_LAYER)["pickable"] is True
    shown = texts(at)
    assert "geoBoundaries" in shown and "CC BY-SA 4.0" in shown
    assert {"vi": "Ranh giới: geoBoundaries", "en": "Boundaries: geoBoundaries"}[lang] in shown  # the user's language
    assert t("common.demo_banner", lang) in [w.value for w in at.warning]
    assert t("page.map", lang) in shown
    if level == "commune":
        assert t("map.note.no_commune_data", lang) in shown and t("map.note.approximate", lang) in shown
    else:  # the legend counts every unit drawn, 'no data' included
        legend = next(m.value for m in at.markdown if "<svg" in m.value)
        rows = legend.split("</span></span>")
        counts = [int(n) for row in rows if t("map.legend.demo", lang) not in row
                  for n in re.findall(r"\((\d+)\)$", row)]
        assert sum(counts) == len(EXPECTED[level])  # classes and 'no data'; the demo row overlaps them
        assert t("map.legend.no_data", lang) in legend and t("map.legend.demo", lang) in legend


@pytest.mark.parametrize("metric", ["hi", "si", "arrears_ratio"])
def test_colours_follow_the_values(metric):
    at = open_map(metric=metric, year="2022", level="district")
    values = store_values(metric, "district", 2022)
    drawn = features(at)
    for demo in (True, False):  # demo units are muted: compare colours among units drawn alike
        valued = sorted((values[f["properties"]["uid"]], hex_of(f["properties"]["fill"])) for f in drawn
                        if f["properties"]["uid"] in values and f["properties"]["demo"] == demo)
        lum = [map_scale.luminance(colour) for _, colour in valued]
        assert all(a >= b - 1e-12 for a, b in zip(lum, lum[1:])), "a higher value never gets a lighter colour"
        if demo:
            assert len(valued) > 600 and len(set(colour for _, colour in valued)) >= 4
        if metric == "arrears_ratio":  # lower is better: reds
            assert all(map_scale.rgba(c)[0] >= map_scale.rgba(c)[2] for _, c in valued)
    missing = [f for f in drawn if f["properties"]["uid"] not in values]
    assert all(hex_of(f["properties"]["fill"]) == map_scale.NO_DATA for f in missing)


def test_the_gap_to_target_is_red_short_of_it_and_blue_above_it():
    at = open_map(metric="si", year="2024", panel="gap_2030")
    values = store_values("si", "province", 2024)
    drawn = features(at)
    short = [f for f in drawn if any(("còn thiếu" in x) for x in f["properties"]["tips"])]
    above = [f for f in drawn if any(("vượt" in x) for x in f["properties"]["tips"])]
    assert short, "some provinces are short of the 2030 SI target"
    for f in short:
        r, _, b, _ = f["properties"]["fill"]
        assert r > b, f["properties"]["uid"]
    for f in above:
        r, _, b, _ = f["properties"]["fill"]
        assert b > r, f["properties"]["uid"]
    assert len(values) == 63
    assert "2030" in next(m.value for m in at.markdown if "<svg" in m.value)


def test_a_click_on_a_province_opens_its_panel_drills_into_its_districts_and_comes_back():
    at = open_map(lang="vi", year="2024")
    key = map_scope.chart_key(map_scope.scope("province", admin.NATIONAL_ID)) + "_c"
    at.session_state[key] = {"event": "click", "uid": "province:40", "n": 1}  # what the component sends
    at.run()
    assert not at.exception
    assert at.session_state["unit"] == "province:40"
    assert [s.value for s in at.subheader] == ["Tỉnh Nghệ An"]
    assert component(at)["highlight"] == "province:40"

    at.button(key="_map_drill").click().run()
    assert not at.exception
    assert (at.session_state["level"], at.session_state["area"]) == ("district", "province:40")
    assert uids(at) == set(admin.children("province:40"))
    crumbs = [b.label for b in at.button if b.key and b.key.startswith("_map_crumb_")]
    assert crumbs == ["Toàn quốc", "› Nghệ An"]

    at.button(key="_map_crumb_0").click().run()
    assert not at.exception
    assert (at.session_state["level"], at.session_state["area"]) == ("province", admin.NATIONAL_ID)
    assert len(uids(at)) == 63
    assert component(at)["highlight"] == "province:40"


def test_a_link_reopens_the_view_with_the_selected_unit_outlined():
    at = open_map(level="district", area="province:40", unit="district:412", metric="si", year="2024", lang="en")
    assert uids(at) == set(admin.children("province:40"))
    assert component(at)["highlight"] == "district:412"
    assert [s.value for s in at.subheader] == ["Thành phố Vinh"]
    assert [b.label for b in at.button if b.key and b.key.startswith("_map_crumb_")] == \
        ["Viet Nam", "› Nghệ An", "› Vinh"]
    assert "SI coverage · 2024" in texts(at)
    assert dict(at.query_params)["unit"] in ("district:412", ["district:412"])


def test_search_zooms_to_a_district_and_opens_its_province():
    at = open_map(year="2024")
    national_zoom = deck(at)["initialViewState"]["zoom"]
    at.text_input(key="_map_q").input("dak lak").run()
    at.button(key="_map_q_province:66").click().run()
    assert at.session_state["unit"] == "province:66" and at.session_state["level"] == "province"
    at.session_state["level"] = "district"
    at.run()
    at.text_input(key="_map_q").input("m'drak").run()
    at.button(key="_map_q_district:652").click().run()  # Huyện M'Đrắk
    assert not at.exception
    assert (at.session_state["level"], at.session_state["area"], at.session_state["unit"]) == \
        ("district", "province:66", "district:652")
    view = deck(at)["initialViewState"]
    assert view["zoom"] > national_zoom + 2
    x0, y0, x1, y1 = layers.layer_bounds("district", ["district:652"])
    assert x0 < view["longitude"] < x1 and y0 < view["latitude"] < y1


def test_a_year_chosen_on_the_maps_timeline_becomes_the_shared_year_and_sends_no_geometry():
    at = open_map(year="2020")
    before = component(at)
    data = served(before["data"])
    assert set(range(2016, 2025)) <= set(data["years"])  # every year travels once, for the timeline and play
    key = map_scope.chart_key(map_scope.scope("province", admin.NATIONAL_ID)) + "_c"
    at.session_state[key] = {"event": "year", "year": 2017, "n": 1}
    at.run()
    assert not at.exception and at.session_state["year"] == 2017
    after = component(at)
    assert after["year"] == 2017
    assert {k for k in after if after[k] != before[k]} == {"year"}  # same geometry and data files
    assert len(json.dumps(after).encode()) < 12_000


def test_collections_show_values_only_with_reds_for_arrears():
    at = open_map(metric="arrears_ratio", year="2023", lang="en")
    assert t("map.mode_collections", "en") in texts(at)
    legend = next(m.value for m in at.markdown if "<svg" in m.value)
    assert "lower is better" in legend


def test_your_district_figures_are_drawn_on_the_district_map():
    mine = normalise_observations(pd.DataFrame([
        {"unit": "district:412", "year": 2024, "period": "FY", "metric": "hi_coverage_pct", "value": 66.6,
         "status": "uploaded", "source": "huyen.csv row 2", "dataset": "huyen.csv"}]))
    at = open_app("pages/map.py", timeout=60, session={ui.UPLOADS_KEY: [Dataset("huyen.csv", "uploaded", mine)]},
                  level="district", area="province:40", year="2024")
    vinh = next(f["properties"] for f in features(at) if f["properties"]["uid"] == "district:412")
    assert "66,6%" in vinh["tips"][0] and not vinh["demo"]
    assert vinh["tips"][-1].startswith(t("status.uploaded", "vi"))


def two_province_upload():
    """The user's own boundaries of Hà Nội and Nghệ An (a GeoJSON keyed by province code), read as the page reads it."""
    frame = layers.load_layer("province").reset_index()
    frame = frame[frame["uid"].isin(["province:01", "province:40"])]
    frame = gpd.GeoDataFrame({"ma_tinh": frame["uid"].str[-2:]}, geometry=frame.geometry.to_numpy(), crs=4326)
    buffer = io.BytesIO()
    frame.to_file(buffer, driver="GeoJSON")
    return read_boundaries("hai_tinh.geojson", buffer.getvalue(), level="province")


def test_your_boundaries_are_drawn_instead_of_the_bundled_layer():
    result = two_province_upload()
    at = open_app("pages/map.py", timeout=60, session={"map_boundaries": {"province": result.upload}}, year="2024")
    assert uids(at) == {"province:01", "province:40"}
    assert "hai\\_tinh.geojson" in texts(at) or "hai_tinh.geojson" in texts(at)


def test_presenting_shows_the_map_without_controls():
    at = open_map(present="1", year="2024")
    assert len(uids(at)) == 63
    keys = {w.key for w in at.get("button_group")} | {w.key for w in at.text_input}
    assert "_map_level" not in keys and "_map_q" not in keys


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_names_typed_without_diacritics_are_found_in_the_area_picker_and_the_map_search(lang):
    # the sidebar's area search, as on every page (AppTest lists the sidebar on a session's first run only)
    for typed, name in (("thanh hoa", "Thanh Hóa"), ("nghe an", "Nghệ An"), ("ho chi minh", "Hồ Chí Minh")):
        home = open_app(lang=lang, session={"_area_q": typed})
        hits = [b.label for b in home.sidebar.button if b.key and b.key.startswith("_area_q_")]
        assert len(hits) == 2 and all(name in h for h in hits), (typed, hits)  # the 63- and the 34-province lists
    home = open_app(lang=lang, session={"_area_q": "nghe an"})
    home.sidebar.button(key="_area_q_province:40").click().run()
    assert home.session_state["area"] == "province:40" and home.session_state["_area_q"] == ""
    home = open_app(lang=lang, session={"_area_q": "xyz khong co"})
    assert t("search.area_none", lang, query="xyz khong co") in [c.value for c in home.sidebar.caption]
    at = open_map(lang=lang, level="commune", area="province_2025:40")  # Phường Cửa Lò (2025)
    at.text_input(key="_map_q").input("cua lo").run()
    found = [b.label for b in at.button if b.key and b.key.startswith("_map_q_")]
    assert found and "Cửa Lò" in found[0]
    at.text_input(key="_map_q").input("xyz khong co").run()
    assert t("map.search_none", lang, query="xyz khong co") in texts(at)


def test_your_boundaries_are_listed_in_the_settings_and_remove_brings_ours_back():
    result = two_province_upload()
    at = open_map(session={"map_boundaries": {"province": result.upload}}, year="2024", lang="en")
    assert t("map.upload.in_use", "en", level=map_scope.level_label("province", "en"), n=2) in texts(at)
    assert "hai_tinh.geojson" in [e.value for e in at.text]  # the file's name shown as text
    at.button(key="_map_remove_province").click().run()
    assert not at.exception and uids(at) == EXPECTED["province"]
    assert not any(b.key == "_map_remove_province" for b in at.button)


def test_with_the_web_base_map_the_years_play_and_a_year_chosen_becomes_the_shared_year():
    at = open_map(session={"map_base_map": True}, year="2020", lang="en")  # the pydeck chart: its own timeline
    assert at.get("deck_gl_json_chart") and not at.get("component_instance")
    play = at.button(key="_map_play")
    assert play.label == t("map.play", "en")
    slider = at.select_slider(key="_map_year")
    assert slider.value == 2020 and "2024" in slider.options
    slider.set_value(2022).run()
    assert at.session_state["year"] == 2022
    at.button(key="_map_play").click().run()
    assert at.button(key="_map_play").label == t("map.stop", "en")  # playing: the slider only shows the year
    assert at.session_state["map_playing"]
