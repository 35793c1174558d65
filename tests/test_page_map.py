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
from lib.maps import core as maps
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


def deck(at) -> dict:
    charts = at.get("deck_gl_json_chart")
    assert len(charts) == 1
    return json.loads(charts[0].proto.json)


def layer(at, layer_id: str) -> dict | None:
    return next((x for x in deck(at)["layers"] if x["id"] == layer_id), None)


def features(at) -> list[dict]:
    return layer(at, maps.UNITS_LAYER)["data"]["features"]


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
@pytest.mark.parametrize("level", list(maps.MAP_LEVELS))
def test_every_level_draws_its_units_offline_with_legend_attribution_and_demo_notice(lang, level):
    params = {"lang": lang, "level": level, "year": "2024"}
    if level == "commune":
        params["area"] = "province_2025:01"
    at = open_map(**params)
    assert uids(at) == EXPECTED[level]
    spec = deck(at)
    assert spec["mapStyle"] == "__MAP_STYLE__" and "cartocdn" not in at.get("deck_gl_json_chart")[0].proto.json
    assert layer(at, maps.UNITS_LAYER)["pickable"] is True
    shown = texts(at)
    assert "geoBoundaries" in shown and "CC BY-SA 4.0" in shown
    assert t("common.demo_banner", lang) in [w.value for w in at.warning]
    assert t("page.map", lang) in shown
    if level == "commune":
        assert t("map.note.no_commune_data", lang) in shown and t("map.note.approximate", lang) in shown
    else:  # the legend counts every unit drawn, 'no data' included
        legend = next(m.value for m in at.markdown if "<svg" in m.value)
        counts = [int(n) for n in re.findall(r"\((\d+)\)</span></span>", legend)]
        assert sum(counts) == len(EXPECTED[level])
        assert t("map.legend.no_data", lang) in legend


@pytest.mark.parametrize("metric", ["hi", "si", "arrears_ratio"])
def test_colours_follow_the_values(metric):
    at = open_map(metric=metric, year="2022", level="district")
    valued = sorted((f["properties"]["value"], hex_of(f["properties"]["fill"])) for f in features(at)
                    if f["properties"]["value"] is not None)
    assert len(valued) > 600
    lum = [maps.luminance(colour) for _, colour in valued]
    assert all(a >= b - 1e-12 for a, b in zip(lum, lum[1:])), "a higher value never gets a lighter colour"
    assert len(set(colour for _, colour in valued)) >= 3
    if metric == "arrears_ratio":  # lower is better: reds
        assert all(maps.rgba(c)[0] >= maps.rgba(c)[2] for _, c in valued)
    missing = [f for f in features(at) if f["properties"]["value"] is None]
    assert all(hex_of(f["properties"]["fill"]) == maps.NO_DATA for f in missing)


def test_the_gap_to_target_is_red_below_and_blue_at_or_above():
    at = open_map(metric="si", year="2024", panel="gap_2030")
    values = [(f["properties"]["value"], maps.rgba(hex_of(f["properties"]["fill"]))) for f in features(at)]
    assert any(v < 0 for v, _ in values)
    for value, (r, _, b, _) in values:
        assert (r > b) if value < 0 else (b > r), value
    assert "2030" in next(m.value for m in at.markdown if "<svg" in m.value)


def test_a_click_on_a_province_opens_its_panel_drills_into_its_districts_and_comes_back():
    at = open_map(lang="vi", year="2024")
    key = maps.chart_key(maps.scope("province", admin.NATIONAL_ID))
    order = [f["properties"]["uid"] for f in features(at)]
    at.session_state[key] = {"selection": {"indices": {"units": [order.index("province:40")]},
                                           "objects": {"units": [{"properties": {"uid": "province:40"}}]}}}
    at.run()
    assert not at.exception
    assert at.session_state["unit"] == "province:40"
    assert [s.value for s in at.subheader] == ["Tỉnh Nghệ An"]
    assert layer(at, "highlight")["data"]["features"][0]["properties"]["uid"] == "province:40"

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
    assert layer(at, "highlight")["data"]["features"][0]["properties"]["uid"] == "province:40"


def test_a_link_reopens_the_view_with_the_selected_unit_outlined():
    at = open_map(level="district", area="province:40", unit="district:412", metric="si", year="2024", lang="en")
    assert uids(at) == set(admin.children("province:40"))
    assert layer(at, "highlight")["data"]["features"][0]["properties"]["uid"] == "district:412"
    assert [s.value for s in at.subheader] == ["Thành phố Vinh"]
    assert [b.label for b in at.button if b.key and b.key.startswith("_map_crumb_")] == \
        ["Viet Nam", "› Nghệ An", "› Vinh"]
    assert "SI coverage · 2024" in texts(at)
    assert dict(at.query_params)["unit"] in ("district:412", ["district:412"])


def test_search_zooms_to_a_district_and_opens_its_province():
    at = open_map(year="2024")
    national_zoom = deck(at)["initialViewState"]["zoom"]
    options = maps.search_options(maps.scope("province", admin.NATIONAL_ID))
    at.selectbox(key="_map_search").select_index(options.index("province:66")).run()
    assert at.session_state["unit"] == "province:66" and at.session_state["level"] == "province"
    at.session_state["level"] = "district"
    at.run()
    options = maps.search_options(maps.scope("district", admin.NATIONAL_ID))
    at.selectbox(key="_map_search").select_index(options.index("district:652")).run()  # Huyện M'Đrắk
    assert not at.exception
    assert (at.session_state["level"], at.session_state["area"], at.session_state["unit"]) == \
        ("district", "province:66", "district:652")
    view = deck(at)["initialViewState"]
    assert view["zoom"] > national_zoom + 2
    x0, y0, x1, y1 = layers.layer_bounds("district", ["district:652"])
    assert x0 < view["longitude"] < x1 and y0 < view["latitude"] < y1


def test_the_year_slider_and_play_move_the_shared_year():
    at = open_map(year="2020")
    at.select_slider(key="_map_year").set_value(2017).run()
    assert not at.exception and at.session_state["year"] == 2017
    at.button(key="_map_play").click().run()
    assert not at.exception and at.session_state["map_playing"] is True


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
    assert vinh["value"] == pytest.approx(66.6)
    assert vinh["tip_source"].startswith(t("status.uploaded", "vi"))


def test_your_boundaries_are_drawn_instead_of_the_bundled_layer():
    frame = layers.load_layer("province").reset_index()
    frame = frame[frame["uid"].isin(["province:01", "province:40"])]
    frame = gpd.GeoDataFrame({"ma_tinh": frame["uid"].str[-2:]}, geometry=frame.geometry.to_numpy(), crs=4326)
    buffer = io.BytesIO()
    frame.to_file(buffer, driver="GeoJSON")
    result = read_boundaries("hai_tinh.geojson", buffer.getvalue(), level="province")
    at = open_app("pages/map.py", timeout=60, session={"map_boundaries": {"province": result.upload}}, year="2024")
    assert uids(at) == {"province:01", "province:40"}
    assert "hai\\_tinh.geojson" in texts(at) or "hai_tinh.geojson" in texts(at)


def test_presenting_shows_the_map_without_controls():
    at = open_map(present="1", year="2024")
    assert len(uids(at)) == 63
    keys = {w.key for w in at.get("button_group")} | {w.key for w in at.selectbox}
    assert "_map_level" not in keys and "_map_search" not in keys
