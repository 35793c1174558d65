"""The map's logic: which units are drawn, their values and gaps, bins and colours, legend, tooltips, the deck sent to
the browser, and the drill-down, breadcrumb and search state changes."""
from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from lib import admin, metrics
from lib.maps import pydeck_chart as map_pydeck_chart
from lib.maps import panel as map_panel
from lib.maps import notes as map_notes
from lib.maps import features as map_features
from lib.maps import legend as map_legend
from lib.maps import values as map_values
from lib.maps import search as map_search
from lib.maps import scope as map_scope
from lib.maps import boundaries as map_boundaries
from lib.maps import scale as map_scale
from lib import store as store_mod
from lib.geo import build as geo_build
from lib.model import Dataset, normalise_observations

NATIONAL = admin.NATIONAL_ID


@pytest.fixture(scope="module", autouse=True)
def built():
    geo_build.build(log=lambda *_: None)


@pytest.fixture(scope="module")
def store():
    return store_mod.bundled_store()


HI = metrics.by_short("hi")
SI = metrics.by_short("si")
ARREARS = metrics.by_short("arrears_ratio")
PLAN = metrics.by_short("revenue_plan")


def _rgb(hex_colour):
    return map_scale.rgba(hex_colour)[:3]


# -- what is drawn ----------------------------------------------------------------------------------------------------
def test_every_unit_of_a_level_is_drawn_nationally():
    assert len(map_scope.scope("province", NATIONAL).uids) == 63
    assert len(map_scope.scope("province_2025", NATIONAL).uids) == 34
    districts = map_scope.scope("district", NATIONAL)
    assert len(districts.uids) == 696 and districts.border_level == "province"


def test_drilling_into_a_province_draws_only_its_districts():
    s = map_scope.scope("district", "province:40")
    assert set(s.uids) == set(admin.children("province:40"))
    assert s.drilled and s.base_level == "province"
    # a 2025 province's legacy districts (its legacy provinces map whole into it)
    s25 = map_scope.scope("district", "province_2025:79")
    members = {"province:79", "province:74", "province:77"}  # HCMC, Binh Duong, Ba Ria-Vung Tau
    assert {admin.units().at[d, "parent"] for d in s25.uids} == members


def test_communes_are_drawn_one_2025_province_at_a_time():
    s = map_scope.scope("commune", "province_2025:01")
    u = admin.units()
    expected = set(u.index[(u["level"] == "commune") & (u["province_2025"] == "province_2025:01")])
    assert set(s.uids) == expected and len(expected) > 100
    # a legacy province opens the 2025 province it is part of
    assert map_scope.scope("commune", "province:74").area == "province_2025:79"
    # without a province, the commune level offers the 34 provinces to choose from
    choose = map_scope.scope("commune", NATIONAL)
    assert choose.level == "province_2025" and choose.choosing_province and len(choose.uids) == 34


# -- values -----------------------------------------------------------------------------------------------------------
def test_values_are_the_stores_year_end_values(store):
    s = map_scope.scope("province", NATIONAL)
    frame = map_values.unit_frame(store, s, HI, 2024, "value")
    for uid in ("province:40", "province:01", "province:79"):
        series = store.series(uid, HI.id)
        assert frame.at[uid, "value"] == pytest.approx(float(series.loc[series["year"] == 2024, "value"].iloc[0]))
        assert frame.at[uid, "status"] == str(series.loc[series["year"] == 2024, "status"].iloc[0])


def test_2025_provinces_show_the_legacy_provinces_summed(store):
    """A merged 2025 province's rate is the summed participants over the summed population of its legacy provinces."""
    frame = map_values.unit_frame(store, map_scope.scope("province_2025", NATIONAL), HI, 2022, "value")
    # Cần Thơ + Hậu Giang + Sóc Trăng: no published HI in any part (HCMC is published, so its demo years stay empty)
    members = map_notes.merged_members("province_2025:92")
    r = store.resolved
    fy = r[(r["period"] == "FY") & (r["year"] == 2022) & r["unit"].isin(members)]
    participants = fy[fy["metric"] == "hi_participants"]["value"].sum()
    population = fy[fy["metric"] == "population"]["value"].sum()
    assert len(members) == 3
    assert frame.at["province_2025:92", "value"] == pytest.approx(participants / population * 100)
    assert "sum:province" in frame.at["province_2025:92", "source"]


def test_gap_is_target_minus_value_positive_when_short(store):
    s = map_scope.scope("province", NATIONAL)
    frame = map_values.unit_frame(store, s, HI, 2022, "gap_2025")
    target = store.target("province:40", HI.id, 2025)
    assert target is not None and target.value == 95.0  # Nghệ An's own 2025 HI target
    assert frame.at["province:40", "gap"] == pytest.approx(95.0 - frame.at["province:40", "value"])
    assert frame.at["province:40", "gap"] > 0  # 2022 was short of the 2025 target
    pd.testing.assert_series_equal(frame["shown"], frame["gap"], check_names=False)


def test_gap_mode_falls_back_to_value_for_collections():
    assert map_values.effective_mode(ARREARS, "gap_2025") == "value"
    assert map_values.effective_mode(HI, "gap_2030") == "gap_2030"


def test_uploaded_district_rows_win_over_bundled_values():
    mine = normalise_observations(pd.DataFrame([
        {"unit": "district:412", "year": 2024, "period": "FY", "metric": "hi_coverage_pct", "value": 77.7,
         "status": "uploaded", "source": "my_districts.csv row 2", "dataset": "my_districts.csv"}]))
    s = store_mod.Store(list(store_mod.bundled()) + [Dataset("my_districts.csv", "uploaded", mine)])
    frame = map_values.unit_frame(s, map_scope.scope("district", "province:40"), HI, 2024, "value")
    assert frame.at["district:412", "value"] == pytest.approx(77.7)
    assert frame.at["district:412", "status"] == "uploaded"


# -- bins and colours -------------------------------------------------------------------------------------------------
def _is_nice(step):
    mantissa = step / 10 ** math.floor(math.log10(step))
    return any(abs(mantissa - m) < 1e-9 for m in (1, 2, 2.5, 5))


@pytest.mark.parametrize("values", [np.linspace(60, 99, 500), np.r_[np.linspace(0.5, 12, 300), [40.0]],
                                    np.linspace(20, 21, 50)])
def test_sequential_edges_are_round_evenly_spaced_and_few(values):
    edges = map_scale.sequential_edges(values)
    assert 2 <= len(edges) + 1 <= map_scale.MAX_CLASSES
    steps = np.diff(edges)
    assert np.allclose(steps, steps[0]) and _is_nice(steps[0])
    lo, hi = np.percentile(values, [2, 98])
    assert edges[0] >= lo - 1e-9 and edges[-1] <= hi + 1e-9


def test_diverging_edges_have_the_centre_as_an_edge_and_double_away_from_it():
    gaps = np.r_[np.linspace(-32, -1, 200), np.linspace(0, 6, 20)]
    edges = map_scale.diverging_edges(gaps, 0.0)
    assert 0.0 in edges and list(edges) == sorted(edges)
    below = [-e for e in reversed(edges) if e < 0]  # nearest the target first
    above = [e for e in edges if e > 0]
    assert below and above
    for side in (below, above):
        assert _is_nice(side[0])
        assert all(b == pytest.approx(2 * a) for a, b in zip(side, side[1:]))
        assert len(side) + 1 <= 5  # classes a side, the open one included
    lo, hi = np.percentile(gaps, [2, 98])
    assert -below[-1] > lo and above[-1] < hi  # every edge inside the values' range
    # values all below the target still leave an 'at or above target' class
    assert map_scale.diverging_edges(np.linspace(-20, -5, 50), 0.0)[-1] == 0.0
    # around a centre other than zero (collections: 100 % of plan)
    assert 100.0 in map_scale.diverging_edges(np.linspace(80, 120, 50), 100.0)


def test_a_value_on_an_edge_belongs_to_the_class_above_and_missing_values_to_none():
    scale = map_scale.Scale((80.0, 90.0, 95.0), map_scale.YLGNBU[1:5], "sequential")
    assert list(scale.classify([79.99, 80.0, 94.99, 95.0, np.nan])) == [0, 1, 2, 3, -1]
    assert scale.colour_of([np.nan]) == [map_scale.NO_DATA]


def test_coverage_colours_darken_as_coverage_rises(store):
    scale = map_values.scale_for(HI, "value", map_values.all_years_shown(store, "province", HI, "value"))
    assert scale.kind == "sequential" and scale.colours[0] in map_scale.YLGNBU
    lum = [map_scale.luminance(c) for c in scale.colours]
    assert all(a > b for a, b in zip(lum, lum[1:]))


def test_arrears_use_reds_darker_as_arrears_rise(store):
    scale = map_values.scale_for(ARREARS, "value", map_values.all_years_shown(store, "province", ARREARS, "value"))
    assert all(c in map_scale.ORRD for c in scale.colours)
    lum = [map_scale.luminance(c) for c in scale.colours]
    assert all(a > b for a, b in zip(lum, lum[1:]))


def test_gap_colours_are_red_short_of_the_target_and_blue_on_or_above_it(store):
    # the gap is target − value: positive is short of the target
    scale = map_values.scale_for(SI, "gap_2025", map_values.all_years_shown(store, "province", SI, "gap_2025"))
    assert scale.kind == "diverging" and scale.centre == 0.0 and scale.points
    for value in (25, 12, 0.1):
        r, _, b = _rgb(scale.colour_of([value])[0])
        assert r > b, value
    for value in (0.0, -3.0, -30.0):
        r, _, b = _rgb(scale.colour_of([value])[0])
        assert b > r, value
    # further from the target is darker on both sides
    assert map_scale.luminance(scale.colour_of([30])[0]) < map_scale.luminance(scale.colour_of([0.1])[0])


def test_collections_against_plan_diverge_around_100_percent(store):
    scale = map_values.scale_for(PLAN, "value", map_values.all_years_shown(store, "province", PLAN, "value"))
    assert scale.centre == 100.0 and 100.0 in scale.edges
    assert _rgb(scale.colour_of([90])[0])[0] > _rgb(scale.colour_of([90])[0])[2]  # below plan: red
    assert _rgb(scale.colour_of([105])[0])[2] > _rgb(scale.colour_of([105])[0])[0]  # above plan: blue


def test_no_data_grey_is_in_no_palette():
    palettes = set(map_scale.YLGNBU) | set(map_scale.ORRD) | set(map_scale.RDBU_BELOW) | set(map_scale.RDBU_ABOVE)
    assert map_scale.NO_DATA not in palettes
    r, g, b = _rgb(map_scale.NO_DATA)
    assert r == g == b


def test_bins_are_the_same_in_every_year_so_the_slider_compares_like_with_like(store):
    s = map_scope.scope("province", NATIONAL)
    assert map_values.map_data(store, s, SI, 2016, "value").scale == map_values.map_data(store, s, SI, 2024, "value").scale


# -- legend -----------------------------------------------------------------------------------------------------------
def test_legend_states_the_bins_in_the_users_number_format_and_counts_units():
    scale = map_scale.Scale((2.5, 5.0, 7.5), map_scale.YLGNBU[1:5], "sequential")
    values = [1.0, 3.0, 3.5, 9.0, np.nan]
    vi = map_legend.legend_rows(scale, values, "vi")
    en = map_legend.legend_rows(scale, values, "en")
    assert [r.label for r in vi[:4]] == ["dưới 2,5%", "2,5 đến dưới 5,0%", "5,0 đến dưới 7,5%", "từ 7,5% trở lên"]
    assert [r.label for r in en[:4]] == ["below 2.5%", "2.5 to under 5.0%", "5.0 to under 7.5%", "7.5% and above"]
    assert [r.count for r in vi] == [1, 2, 0, 1, 1]
    assert vi[-1].no_data and vi[-1].label == "Không có số liệu" and vi[-1].colour == map_scale.NO_DATA


def test_gap_legend_is_in_signed_percentage_points():
    scale = map_scale.Scale((-10.0, 0.0, 10.0), ("#f4a582", "#fddbc7", "#d1e5f0", "#92c5de"), "diverging", 0.0, True)
    labels = [r.label for r in map_legend.legend_rows(scale, [], "en")]
    assert labels[0] == "below −10 pp" and labels[1] == "−10 to under 0 pp" and labels[-2] == "+10 pp and above"


def test_swatches_accept_palette_colours_only():
    assert 'fill="#41b6c4"' in map_legend.swatch_svg("#41b6c4")
    with pytest.raises(ValueError):
        map_legend.swatch_svg('red"/><script>')


# -- tooltips ---------------------------------------------------------------------------------------------------------
def _props(store, level, area, metric, year, mode, lang="vi"):
    s = map_scope.scope(level, area)
    data = map_values.map_data(store, s, metric, year, mode)
    return s, data, map_features.feature_properties(data, metric, mode, year, lang, s)


def test_tooltip_properties_are_flat_and_name_units_with_diacritics(store):
    _, _, props = _props(store, "district", "province:40", HI, 2024, "value")
    record = props.loc["district:412"].to_dict()
    for key, value in record.items():
        assert key == "fill" or not isinstance(value, (list, dict)), key
    assert record["name"] == "Thành phố Vinh (Nghệ An)"
    assert record["tip_source"].startswith("Minh họa")  # demo values say so
    assert "Tỉnh Nghệ An" in record["tip_target"]  # a district's target is its province's, and says so


def test_published_values_name_their_source_in_the_tooltip(store):
    _, data, props = _props(store, "province", NATIONAL, HI, 2024, "value", "en")
    row = data.frame.loc["province:40"]
    assert row["status"] == "reported"
    assert props.loc["province:40", "tip_source"].startswith("Published · ")


def test_text_from_files_cannot_become_markup_in_a_tooltip():
    text = map_features.tooltip_text("<img src=x onerror=alert(1)> & Co")
    assert "<" not in text and ">" not in text
    assert "&amp;" not in text  # the map escapes values itself; escaping here would show '&amp;'


def test_the_tooltip_template_uses_flat_property_names():
    html = map_features.tooltip(HI)["html"]
    for name in ("{name}", "{tip_value}", "{tip_target}", "{tip_source}"):
        assert name in html
    assert "{tip_target}" not in map_features.tooltip(ARREARS)["html"]  # no coverage target for collections


# -- the deck ---------------------------------------------------------------------------------------------------------
def _deck(store, level, area, **kwargs):
    s, _, props = _props(store, level, area, HI, 2024, "value")
    return s, json.loads(map_pydeck_chart.build_deck(s, props, HI, **kwargs).to_json())


def test_the_deck_has_no_base_map_and_a_pickable_units_layer(store):
    _, spec = _deck(store, "province", NATIONAL)
    assert spec["mapStyle"] == "__MAP_STYLE__"
    text = json.dumps(spec)
    assert "cartocdn" not in text and "mapbox" not in text
    units = next(layer for layer in spec["layers"] if layer["id"] == map_pydeck_chart.UNITS_LAYER)
    assert units["pickable"] is True and len(units["data"]["features"]) == 63
    assert units["lineWidthUnits"] == "pixels"  # a literal, not the expression pydeck makes of strings


def test_the_online_base_map_is_only_there_when_asked_for(store):
    _, spec = _deck(store, "province", NATIONAL, base_map=True)
    assert "cartocdn" in spec["mapStyle"]


def test_a_selected_unit_is_outlined_from_data(store):
    _, spec = _deck(store, "district", "province:40", highlight="district:412")
    highlight = next(layer for layer in spec["layers"] if layer["id"] == "highlight")
    assert highlight["pickable"] is False
    assert highlight["data"]["features"][0]["properties"]["uid"] == "district:412"


def test_the_deck_json_is_compact_and_within_budget(store):
    s, _, props = _props(store, "district", NATIONAL, HI, 2024, "value")
    deck = map_pydeck_chart.build_deck(s, props, HI)
    text = deck.to_json()
    assert "\n" not in text
    assert map_pydeck_chart.deck_bytes(deck) < 1_000_000
    s, _, props = _props(store, "commune", "province_2025:79", HI, 2024, "value")
    assert map_pydeck_chart.deck_bytes(map_pydeck_chart.build_deck(s, props, HI)) < 400_000


def test_the_initial_view_fits_the_country_or_the_drilled_province(store):
    _, national = _deck(store, "province", NATIONAL)
    _, drilled = _deck(store, "district", "province:40")
    assert drilled["initialViewState"]["zoom"] > national["initialViewState"]["zoom"] + 1
    nghe_an = admin.units().loc["province:40"]
    assert abs(drilled["initialViewState"]["latitude"] - nghe_an["lat"]) < 1.0
    # zooming to a searched unit
    _, zoomed = _deck(store, "district", "province:40", zoom_to="district:412")
    assert zoomed["initialViewState"]["zoom"] > drilled["initialViewState"]["zoom"]


def test_view_for_bounds_fits_the_box_into_the_map():
    b = (105.0, 20.0, 106.0, 21.5)
    v = map_boundaries.view_for_bounds(b, 600, 500)
    scale = 512 * 2 ** v["zoom"]

    def y(lat):
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) / (2 * math.pi) * scale
    width = (b[2] - b[0]) / 360 * scale
    height = y(b[3]) - y(b[1])
    assert width <= 600 and height <= 500
    assert max(width / 600, height / 500) > 0.8  # and uses most of it


# -- selection, drill-down, breadcrumb, search -------------------------------------------------------------------------
def test_a_click_is_read_from_the_feature_or_its_index():
    uids = ("province:01", "province:40")
    feature = {"properties": {"uid": "province:40"}}
    by_object = {"selection": {"indices": {"units": [1]}, "objects": {"units": [feature]}}}
    by_index = {"selection": {"indices": {"units": [0]}, "objects": {}}}
    assert map_pydeck_chart.picked_unit(by_object, uids) == "province:40"
    assert map_pydeck_chart.picked_unit(by_index, uids) == "province:01"
    assert map_pydeck_chart.picked_unit({"selection": {"indices": {}, "objects": {}}}, uids) is None
    assert map_pydeck_chart.picked_unit(None, uids) is None
    assert map_pydeck_chart.selection_signature(by_index) != map_pydeck_chart.selection_signature(by_object)


def test_drilling_opens_districts_of_a_legacy_province_and_communes_of_a_2025_one():
    assert map_scope.drill_changes("province:40") == {"level": "district", "area": "province:40", "unit": "province:40"}
    assert map_scope.drill_changes("province_2025:79")["level"] == "commune"
    assert map_scope.drill_changes("district:412") is None


def test_the_breadcrumb_leads_back_to_the_national_map():
    crumbs = map_scope.breadcrumb("district", "province:40", "district:412")
    assert [c.uid for c in crumbs] == [NATIONAL, "province:40", "district:412"]
    assert crumbs[-1].current and not crumbs[0].current
    # back to the provinces, with the province the user came from still selected
    assert crumbs[0].changes == {"level": "province", "area": NATIONAL, "unit": "province:40"}
    assert crumbs[1].changes == {"unit": "province:40"}
    assert [c.uid for c in map_scope.breadcrumb("province", NATIONAL, None)] == [NATIONAL]
    assert map_scope.breadcrumb("commune", "province_2025:01", None)[0].changes["level"] == "province_2025"


def test_search_finds_names_typed_without_diacritics():
    labels = map_search.search_labels("district")
    assert labels["district:412"] == "Thành phố Vinh — Nghệ An (Vinh, Nghe An)"
    assert "(Nam Dan, Nghe An)" in labels[[uid for uid, text in labels.items() if text.startswith("Huyện Nam Đàn")][0]]
    names = [map_search.search_labels("province")[uid] for uid in map_search.search_options(map_scope.scope("province", NATIONAL))]
    plain = [admin.units().at[uid, "name_ascii"].lower() for uid in map_search.search_options(map_scope.scope("province",
                                                                                                 NATIONAL))]
    assert plain == sorted(plain) and len(names) == 63  # alphabetical by plain name


def test_search_opens_the_province_of_a_district_or_commune():
    assert map_search.search_changes("district:652") == {"level": "district", "area": "province:66",
                                                               "unit": "district:652"}
    assert map_search.search_changes("commune:00004")["area"] == "province_2025:01"
    assert map_search.search_changes("province:40") == {"unit": "province:40"}


def test_each_set_of_units_has_its_own_chart_key():
    keys = {map_scope.chart_key(map_scope.scope(lv, area)) for lv, area in
            [("province", NATIONAL), ("district", NATIONAL), ("district", "province:40"), ("district", "province:01")]}
    assert len(keys) == 4


# -- notes and the panel ----------------------------------------------------------------------------------------------
def _note_keys(store, level, area, metric, year):
    s = map_scope.scope(level, area)
    return {n.key for n in map_notes.map_notes(store, s, metric, year, map_values.unit_frame(store, s, metric, year, "value"))}


def test_the_commune_map_says_it_has_no_data_and_approximate_boundaries(store):
    keys = _note_keys(store, "commune", "province_2025:01", HI, 2025)
    assert {"map.note.no_commune_data", "map.note.approximate"} <= keys
    assert "map.note.choose_province" in _note_keys(store, "commune", NATIONAL, HI, 2025)


def test_communes_without_data_take_their_provinces_colour_faintly(store):
    s = map_scope.scope("commune", "province_2025:01")
    data = map_values.map_data(store, s, HI, 2024, "value")
    province = map_values.unit_frame(store, map_scope.scope("province_2025", NATIONAL), HI, 2024, "value")
    assert data.blank_communes and data.backdrop == pytest.approx(province.at["province_2025:01", "value"])
    assert "demo" in data.statuses  # the banner must show: the colour comes from demo values
    fills = map_features.feature_properties(data, HI, "value", 2024, "en", s)["fill"]
    expected = map_scale.rgba(data.scale.colour_of([data.backdrop])[0], map_features.COMMUNE_ALPHA)
    assert all(f == expected for f in fills)


def test_merged_provinces_published_figures_are_said_not_to_split(store):
    keys = _note_keys(store, "province", NATIONAL, HI, 2025)
    assert "map.note.unsplittable" in keys
    p = map_panel.panel(store, "province:74", HI, 2025)  # Bình Dương, now part of Hồ Chí Minh City
    assert p.unsplittable is not None and p.unsplittable["unit"] == "province_2025:79"
    merged = map_panel.panel(store, "province_2025:79", HI, 2025)
    assert set(merged.members) == {"province:79", "province:74", "province:77"}


def test_2025_province_maps_say_they_are_sums_and_district_maps_that_districts_ended(store):
    assert "map.note.sum_legacy" in _note_keys(store, "province_2025", NATIONAL, HI, 2020)
    assert "map.note.districts_abolished" in _note_keys(store, "district", NATIONAL, HI, 2025)
    assert "map.note.districts_abolished" not in _note_keys(store, "district", NATIONAL, HI, 2024)


def test_a_year_without_data_at_the_level_is_named(store):
    assert "map.note.no_year" in _note_keys(store, "province", NATIONAL, HI, 2010)


def test_the_panel_has_both_targets_and_the_gap(store):
    p = map_panel.panel(store, "province:40", SI, 2024)
    assert set(p.targets) == {2025, 2030}
    assert p.gap(2030) == pytest.approx(p.targets[2030].value - p.value)
    assert p.drill == map_scope.drill_changes("province:40")
    assert map_panel.panel(store, "province:40", ARREARS, 2024).targets == {}


def test_your_commune_figures_colour_the_communes():
    communes = list(map_scope.scope("commune", "province_2025:01").uids)[:5]
    mine = normalise_observations(pd.DataFrame([
        {"unit": uid, "year": 2025, "period": "FY", "metric": "hi_coverage_pct", "value": 90.0 + i,
         "status": "uploaded", "source": f"xa.csv row {i + 2}", "dataset": "xa.csv"} for i, uid in enumerate(communes)]))
    s = store_mod.Store(list(store_mod.bundled()) + [Dataset("xa.csv", "uploaded", mine)])
    scope = map_scope.scope("commune", "province_2025:01")
    data = map_values.map_data(s, scope, HI, 2025, "value")
    assert not data.blank_communes and data.years == [2025]
    assert data.frame.loc[communes, "value"].tolist() == [90.0, 91.0, 92.0, 93.0, 94.0]
    props = map_features.feature_properties(data, HI, "value", 2025, "en", scope)
    assert props.loc[communes[0], "tip_source"].startswith("Your data")
    assert props.loc[communes[0], "tip_source"].endswith("Approximate boundary (Voronoi cell)")
    others = [uid for uid in scope.uids if uid not in communes]
    assert all(hex_ == map_scale.NO_DATA for hex_ in data.scale.colour_of(data.frame.loc[others, "shown"]))
    assert "map.note.no_commune_data" not in {n.key for n in map_notes.map_notes(s, scope, HI, 2025, data.frame)}
