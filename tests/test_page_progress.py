"""The Progress & forecast page, headless (AppTest), in Vietnamese and English: the probability sentence with its
method, the fan chart with its intervals and targets, a link that reopens a unit, the analyst's target, the ranking
table, the backtest evidence and the methods."""
import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from lib import admin, store as store_mod
from lib.forecast import outlook
from tests.apptest import open_app


def app(lang: str, **params) -> AppTest:
    return open_app("pages/progress.py", lang, timeout=180, **params)


def headline(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("### "))


def fan_spec(at: AppTest) -> dict:
    charts = at.get("vega_lite_chart")
    assert charts, "no chart drawn"
    return json.loads(charts[0].proto.spec)


def chart_data(at: AppTest) -> list:
    """The chart's datasets (Arrow IPC in the proto) as DataFrames."""
    import pyarrow as pa

    proto = at.get("vega_lite_chart")[0].proto
    return [pa.ipc.open_stream(d.data.data).read_all().to_pandas() for d in proto.datasets]


def test_forecast_view_in_english_for_a_district_from_a_link():
    at = app("en", metric="si", area="province:40", unit="district:412")
    assert at.title[0].value == "Progress & forecast"
    assert "Thành phố Vinh" in " ".join(m.value for m in at.markdown)
    uo = outlook.unit_outlook(store_mod.bundled_store(), "district:412", "si_coverage_pct")
    p = uo.outlooks[2030].p_meet
    text = headline(at)
    # Nghệ An's Plan 81-KH/TU sets 37 % for 2030; Vinh inherits it
    if uo.outlooks[2030].basis == "forecast":
        shown = ">99" if p >= 0.995 else ("<1" if p <= 0.005 else str(round(100 * p)))
        assert text == f"### {shown}% chance of reaching 37% by 2030"
    else:
        assert "Already reached" in text and "37%" in text
    captions = " ".join(c.value for c in at.caption)
    assert "statsmodels" in captions and "real series" in captions  # the method behind the number is named
    assert "year-end values" in captions and ("missing years" in captions or "No missing years" in captions)
    assert "inherited from" in captions  # the target's origin
    assert any("demo data" in w.value for w in at.warning)  # demo history: the banner says so
    assert "Demo forecast" in " ".join(c.value for c in at.caption)


def test_fan_chart_has_history_intervals_and_target_lines():
    # A district: demo history (Nghệ An's own UI series is published for too few years to forecast).
    at = app("en", metric="ui", area="province:40", unit="district:412")
    spec = fan_spec(at)
    fields = json.dumps(spec)
    for name in ("lo95", "hi95", "lo80", "hi80", "point", "status_label"):
        assert f'"{name}"' in fields
    marks = [layer.get("mark", {}).get("type") if isinstance(layer.get("mark"), dict) else layer.get("mark")
             for layer in spec["layer"]]
    assert marks.count("area") == 2 and "rule" in marks and "point" in marks
    frames = chart_data(at)
    fc = next(f for f in frames if "hi95" in f.columns)
    assert fc["year"].max() == 2030
    assert ((0 <= fc["lo95"]) & (fc["lo95"] <= fc["lo80"]) & (fc["lo80"] <= fc["point"]) & (fc["point"] <= fc["hi80"])
            & (fc["hi80"] <= fc["hi95"]) & (fc["hi95"] <= 100)).all()
    targets = next(f for f in frames if "kind" in f.columns and "label" in f.columns)
    assert set(targets["year"]) == {2025, 2030}
    store = store_mod.bundled_store()
    assert set(targets["value"]) == {store.target("province:40", "ui_coverage_pct", y).value for y in (2025, 2030)}


def test_vietnamese_view_uses_vietnamese_words_and_numbers():
    at = app("vi", metric="hi")
    assert at.title[0].value == "Tiến độ & dự báo"
    text = " ".join(m.value for m in at.markdown)
    assert "Mục tiêu 2030" in text and "trên 95%" in text  # Resolution 20-NQ/TW: above 95 % in 2030
    assert re.search(r"\d+,\d+%", headline(at))  # 95,15% -- Vietnamese decimal comma
    # The nation's HI series is published: its forecast uses no demo value, so no demo notice.
    assert not any("minh họa" in w.value for w in at.warning)


def test_changing_the_target_changes_only_this_views_chances():
    at = app("en", metric="si", area="province:40", unit="district:412")
    before = headline(at)
    box = next(n for n in at.number_input if n.key == "_prog_ov_value")
    box.set_value(55.0).run()
    after = headline(at)
    assert after != before and "55%" in after
    assert any("Using your target 55%" in c.value for c in at.caption)
    reset = next(b for b in at.button if "Reset" in b.label)
    reset.click().run()
    assert headline(at) == before


def test_ranking_lists_the_districts_of_the_area_best_first():
    at = app("en", metric="hi", area="province:40", panel="ranking")
    frames = at.dataframe
    assert frames, "no ranking table"
    df = frames[0].value
    assert len(df) == len(admin.children("province:40"))
    assert "(Nghệ An)" not in " ".join(df["Unit"])  # the area's own districts: no need to repeat the province
    chance = df["Chance of 2030 target"].astype(float)
    assert chance.is_monotonic_decreasing
    assert df["Rank"].tolist() == list(range(1, len(df) + 1))
    assert "Demo" in set(df["Data"])
    gap = next(b for b in at.button_group if b.key == "_prog_rank_sort")
    gap.set_value("gap").run()
    df = at.dataframe[0].value
    def points(text):  # the one gap wording: "1.0 pts short" / "0.2 pts above" / "met", "[demo]" from demo
        text = text.removesuffix(" [demo]")
        if text == "met":
            return 0.0
        number, _, side = text.partition(" pts ")
        return float(number) if side == "short" else -float(number)

    gaps = [points(g) for g in df["Gap (target − latest)"]]
    assert gaps == sorted(gaps)


def test_ranking_of_provinces_for_the_nation_in_vietnamese():
    at = app("vi", metric="ui", panel="ranking", level="province")
    df = at.dataframe[0].value
    assert len(df) == 63
    assert "Khả năng đạt mục tiêu 2030" in df.columns


@pytest.mark.parametrize("lang,published,participants,population,demo_mark", [
    ("vi", "2.970.132 (Công bố)", "Số người tham gia BHYT (cùng năm)", "Dân số (cùng năm)", "[minh họa]"),
    ("en", "2,970,132 (Published)", "HI participants (same year)", "Population (same year)", "[demo]")])
def test_ranking_shows_the_counts_beside_each_rate_with_their_status(lang, published, participants, population,
                                                                     demo_mark):
    at = app(lang, metric="hi", panel="ranking", level="province")
    df = at.dataframe[0].value
    assert participants in df.columns and population in df.columns  # the denominator used, named
    unit_col = df.columns[1]
    nghe_an = df[df[unit_col].str.contains("Nghệ An")].iloc[0]
    assert nghe_an[participants] == published  # Baonghean.vn, end of 2024: shown as published
    assert not nghe_an[population].endswith(demo_mark)
    ha_giang = df[df[unit_col].str.contains("Hà Giang")].iloc[0]  # nothing published: demo, marked in the value
    assert ha_giang[participants].endswith(demo_mark) and demo_mark in ha_giang[df.columns[2]]


def test_backtest_evidence_is_one_click_away():
    at = app("en", metric="hi")
    panel = next(b for b in at.button_group if b.key == "_w_panel")
    panel.set_value("evidence").run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    from lib.forecast import calibration
    bench = calibration.load()["benchmark"]
    # the pooled benchmark in one sentence, with the committed figures (not recomputed by the page)
    assert f"On {bench['n_series']} real series, this method's 80% intervals contained " \
           f"{round(100 * bench['coverage80']['3'])}% of outcomes 3 years ahead" in text
    captions = " ".join(c.value for c in at.caption)
    assert "year-end values" in captions  # the unit's history length, gaps and breaks are stated
    tables = [d.value for d in at.dataframe]
    own = tables[0]
    assert list(own["Horizon"]) == ["h=1", "h=2", "h=3", "h=4", "h=5"]
    assert {"MASE", "In 80% interval", "In 95% interval"} <= set(own.columns)
    assert at.session_state["panel"] == "evidence"  # view state: app.py writes it to the URL, so a link reopens it


def test_methods_and_a_collections_indicator():
    at = app("en", metric="revenue_plan", panel="methods")
    assert any("forecasts coverage indicators" in i.value for i in at.info)
    text = " ".join(m.value for m in at.markdown)
    assert "Open SDG" in text and "Resolution 28-NQ/TW" in text and "statsmodels" in text


def test_presenter_mode_shows_one_view_without_controls():
    at = app("en", metric="hi", present="1")
    assert not at.selectbox or all(s.key != "_w_unit" for s in at.selectbox)
    assert at.get("vega_lite_chart")
    assert headline(at)


@pytest.mark.parametrize("lang, area", [("vi", "province:01"), ("en", "province_2025:79")])
def test_every_view_runs_in_both_languages(lang, area):
    for panel in outlook.PANELS:
        at = app(lang, metric="si_voluntary", area=area, panel=panel)
        assert not at.exception


def test_a_unit_without_data_says_so():
    at = app("en", metric="hi", area="province:48", unit="district:498")  # Hoàng Sa (Đà Nẵng): nobody lives there
    assert headline(at) == "### No year-end values for this unit and indicator: nothing to forecast."
    at = app("en", metric="hi", area="province:48", panel="ranking")
    df = at.dataframe[0].value
    assert "(no data)" in set(df["Model"])
