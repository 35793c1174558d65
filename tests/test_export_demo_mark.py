"""Exported pictures and tables say what their values are: a chart file (PNG, SVG) that draws any demo value carries
"Minh họa / Demo" in the picture itself (its title, drawn as text in the SVG; in the PNG's title text too), and one that
draws only published values does not; every downloaded table carries the statuses of its values in the user's words.

One chart of each kind the app exports (the trend beside a card and in the map panel, the forecast fan chart, the
collections month curve, yearly trend, ranking and map), each on a demo and on a published-only case taken from the
bundled data as stored (store.resolved), in both languages."""
from __future__ import annotations

import io

import pandas as pd
import pytest
from PIL import Image

from lib import charts, collections as coll, export, export_charts, overview, store as store_mod
from lib.forecast import fanchart, outlook
from lib.forecast import view_text as pv
from lib.i18n import t
from lib.provenance import status_label

LANGS = ("vi", "en")
HI = "hi_coverage_pct"


@pytest.fixture(scope="module")
def store():
    return store_mod.bundled_store()


@pytest.fixture(scope="module")
def figs(store):
    return coll.figure_index(store)


def mark(lang: str) -> str:
    return t("honest.demo_chart", lang)  # "Minh họa / Demo" (vi), "Demo / Minh họa" (en)


def svg_text(chart, lang: str) -> str:
    return export_charts.svg_bytes(chart, lang, width=500).decode("utf-8")


def png_title(chart, lang: str) -> str:
    png = export_charts.png_bytes(chart, lang, width=300, scale=1)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    img = Image.open(io.BytesIO(png))
    img.load()  # the picture still decodes with its text chunk
    return img.info.get("Title", "")


def stored_statuses(store, unit: str, metric: str) -> set[str]:
    r = store.resolved
    sel = r[(r["unit"] == unit) & (r["metric"] == metric) & (r["period"] == "FY")]
    return set(sel["status"].astype(str))


def assert_marked(chart, lang: str, demo: bool) -> None:
    svg = svg_text(chart, lang)
    assert (mark(lang) in svg) == demo, "SVG"
    assert (mark(lang) in png_title(chart, lang)) == demo, "PNG"


# -- the trend of a card (Overview, Map panel) ------------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_trend_file_says_demo_exactly_when_it_draws_demo(store, lang):
    demo_unit, real_unit = "province:02", "national:VN"
    assert stored_statuses(store, demo_unit, HI) == {"demo"}  # Hà Giang: no published HI figure at all
    for unit, demo in ((demo_unit, True), (real_unit, False)):
        series = overview.trend(store, unit, HI, 2024)
        assert len(series) and (set(series["status"].astype(str)) == {"demo"}) == demo
        chart = charts.trend_with_targets(series, overview.targets_frame(store, unit, HI), lang, title="BHYT")
        assert_marked(chart, lang, demo)


@pytest.mark.parametrize("lang", LANGS)
def test_demo_switched_off_the_trend_file_has_no_mark(store, lang):
    series = overview.trend(store, "province:02", HI, 2024, demo=False)
    chart = charts.trend_with_targets(series, overview.targets_frame(store, "province:02", HI), lang, title="BHYT")
    assert_marked(chart, lang, False)


# -- the forecast (Progress) ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_fan_chart_file_says_demo_exactly_when_its_history_is_demo(store, lang):
    for unit, demo in (("province:02", True), ("national:VN", False)):
        uo = outlook.unit_outlook(store, unit, HI)
        assert set(uo.history["status"].astype(str)) <= ({"demo"} if demo else {"reported", "estimate"})
        assert_marked(fanchart.fan_spec(uo, lang, height=200), lang, demo)


# -- Collections: month curve, yearly trend, ranking, map -------------------------------------------------------------
def only_published(frame: pd.DataFrame, metric: str) -> pd.DataFrame:
    return frame[frame[f"{metric}.status"].astype(str).isin(coll.PUBLISHED)]


@pytest.mark.parametrize("lang", LANGS)
def test_collections_files_say_demo_exactly_when_they_draw_demo(figs, lang):
    m = coll.PLAN_PCT
    sel = coll.select(figs, "province:31", None, 2025, 8, "province", lang)
    current, previous = coll.ytd(figs, sel.focus, 2025), coll.ytd(figs, sel.focus, 2024)
    assert "demo" in coll.statuses_of(current, [m]) and coll.statuses_of(only_published(current, m), [m]) == {
        "reported"}
    assert_marked(coll.ytd_chart(current, previous, m, lang, title="Tỷ lệ thu"), lang, True)
    assert_marked(coll.ytd_chart(only_published(current, m), previous.iloc[0:0], m, lang, title="Tỷ lệ thu"),
                  lang, False)

    years = coll.yearly(figs, "national:VN", 2025)  # two published full years, the others demo
    assert "demo" in coll.statuses_of(years, [m]) and len(only_published(years, m))
    assert_marked(coll.yearly_chart(years, m, lang, title="Theo năm"), lang, True)
    assert_marked(coll.yearly_chart(only_published(years, m), m, lang, title="Theo năm"), lang, False)

    rank = coll.ranking(figs, sel.level, sel.units, 2025, sel.rank_period, m)
    published = only_published(rank, m)
    assert "demo" in coll.statuses_of(rank, [m]) and len(published)
    assert_marked(coll.ranking_chart(rank, m, lang, title="Xếp hạng"), lang, True)
    assert_marked(coll.ranking_chart(published, m, lang, title="Xếp hạng"), lang, False)


@pytest.mark.parametrize("lang", LANGS)
def test_collections_map_file_says_demo_exactly_when_a_unit_is_demo(figs, lang):
    from lib.maps import vega as vlmaps

    if not vlmaps.available("province_2025"):
        pytest.skip("boundary layers not built")
    m = coll.PLAN_PCT
    sel = coll.select(figs, "province:31", None, 2025, 8, "province", lang)
    rank = coll.ranking(figs, "province_2025", sel.units if sel.level == "province_2025" else
                        coll.rank_units("province_2025", "national:VN"), 2025, sel.rank_period, m)

    def picture(frame):
        values = pd.DataFrame({"value": frame[m].to_numpy(), "value_text": [f"{v:.2f}" for v in frame[m]],
                               "status_label": [status_label(str(s), lang) for s in frame[f"{m}.status"]]},
                              index=frame["unit"])
        return vlmaps.choropleth("province_2025", values, title=["Tỷ lệ thu", "34 tỉnh"], height=250)

    with_values = rank.dropna(subset=[m])
    assert "demo" in set(with_values[f"{m}.status"].astype(str))
    assert_marked(picture(with_values), lang, True)
    published = only_published(with_values, m)
    assert len(published)
    assert_marked(picture(published), lang, False)


# -- what draws the mark: the chart's data, whoever built it ----------------------------------------------------------
def test_a_long_title_keeps_its_mark_visible_and_a_marked_title_is_not_marked_twice():
    long = "Tỷ lệ thu so với kế hoạch — Hải Phòng (tỉnh mới 2025), 2025, lũy kế theo tháng (xám: cùng kỳ 2024)"
    spec = {"title": long, "data": {"values": [{"year": 2020, "value": 1.0, "status": "demo"}]}, "mark": "point"}
    marked = charts.mark_demo(spec, "vi")
    assert marked["title"].startswith(mark("vi"))  # first: an ellipsis at the end cannot hide it
    assert charts.mark_demo(marked, "vi")["title"] == marked["title"]
    plain = {**spec, "data": {"values": [{"year": 2020, "value": 1.0, "status": "reported"}]}}
    assert charts.mark_demo(plain, "vi") is plain


def test_a_value_text_marked_demo_counts_as_demo():
    rows = [{"year": 2024, "value": 93.0, "value_text": t("honest.demo_value", "en", value="93.00%")}]
    assert charts.shows_demo({"data": {"values": rows}}, "en")
    assert not charts.shows_demo({"data": {"values": [{"year": 2024, "value": 93.0, "value_text": "93.00%"}]}}, "en")


# -- tables ------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang,demo_word,published_word", [("vi", "Minh họa", "Công bố"), ("en", "Demo", "Published")])
def test_downloaded_observations_say_each_status_in_the_users_words(store, lang, demo_word, published_word):
    r = store.resolved
    table = export.observations_table(r[r["unit"] == "province:40"], lang)
    cols = list(table.columns)
    assert cols.index("status_label") == cols.index("status") + 1
    assert (table.loc[table["status"] == "demo", "status_label"] == demo_word).all()
    assert (table.loc[table["status"] == "reported", "status_label"] == published_word).all()
    assert {"demo", "reported"} <= set(table["status"])
    read = pd.read_csv(io.BytesIO(export.csv_bytes(table)), encoding="utf-8-sig")
    assert demo_word in set(read["status_label"]) and published_word in set(read["status_label"])


@pytest.mark.parametrize("lang", LANGS)
def test_every_table_download_of_the_pages_carries_a_status_column(store, figs, lang):
    """The ranking of Progress (its CSV keeps status ids for programs: the download adds them in words), the
    ranking and published figures of Collections."""
    frame = outlook.table(store, outlook.level_units("province_2025"), HI)
    _, csv = pv.ranking_frames(outlook.ranked(frame, "probability", 2030), lang, 2030)
    downloaded = export.with_status_labels(csv, lang)
    assert "data_status_label" in downloaded.columns
    demo_rows = downloaded["data_status"] == "demo"
    assert demo_rows.any()
    assert (downloaded.loc[demo_rows, "data_status_label"] == status_label("demo", lang)).all()

    sel = coll.select(figs, "province:31", None, 2025, 8, "province", lang)
    rank = coll.ranking(figs, sel.level, sel.units, 2025, sel.rank_period, coll.PLAN_PCT)
    _, raw = coll.ranking_tables(rank, lang)
    status_col = t("collections.col.status", lang)
    assert status_col in raw.columns and raw[status_col].isin({status_label("demo", lang)}).any()

    published = coll.published_table(coll.published_figures(figs, "province_2025:31"), lang)
    assert set(published[status_col]) == {status_label("reported", lang)}


def test_tables_without_status_ids_are_left_as_they_are():
    df = pd.DataFrame({"status": ["ok", "failed"], "x": [1, 2]})  # not value statuses
    assert export.with_status_labels(df, "vi").equals(df)
