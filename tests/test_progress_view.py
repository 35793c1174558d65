"""What the page says: probabilities in words, targets as written, where a target comes from, every label's name."""
import pandas as pd
import pytest

from lib import i18n, store as store_mod
from lib.forecast import models as forecast
from lib.forecast import progress_methods as progress
from lib.forecast import view_text as pv
from lib.targets import Target, TargetPart


def test_probability_words():
    assert pv.prob(0.72, "en") == "72%" and pv.prob(0.72, "vi") == "72%"
    assert pv.prob(1.0, "en") == ">99%" and pv.prob(0.996, "vi") == ">99%"  # no model is proof of certainty
    assert pv.prob(0.0, "en") == "<1%" and pv.prob(None, "en") == "–"


def test_targets_as_written():
    assert pv.target_text(Target("hi_coverage_pct", 2030, "floor", 95.0), "vi") == "trên 95%"
    assert pv.target_text(Target("hi_coverage_pct", 2030, "floor", 95.0), "en") == "above 95%"
    assert pv.target_text(Target("si_coverage_pct", 2025, "range", 26.0, 27.0), "en") == "26–27%"
    assert pv.target_text(Target("hi_coverage_pct", 2025, "point", 95.15), "vi") == "95,15%"


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_label_model_and_engine_has_a_name(lang):
    for label in progress.LABELS:
        assert i18n.has(f"progress.label.{label}", lang)
    assert i18n.has(f"progress.model.{forecast.METHOD_NAME}", lang)
    for engine in ("statsmodels", "closed_form", "closed_form_fallback"):
        assert i18n.has(f"progress.engine.{engine}", lang)
    for panel in ("forecast", "ranking", "evidence", "methods"):
        assert i18n.has(f"progress.panel_{panel}", lang)


def test_target_origin_states_the_rule():
    derived = Target("hi_coverage_pct", 2025, "point", 95.6, status="derived", unit="province_2025:79",
                     members=(TargetPart("province:74", 95.0, None, "point", "inherited", 0.193),
                              TargetPart("province:79", 96.0, None, "point", "published", 0.807)))
    text = pv.target_origin(derived, "en")
    assert "legacy provinces" in text and "weighted by their 2019 census population" in text
    assert "Tỉnh Bình Dương 95% (national, weight 19%)" in text and "(own, weight 81%)" in text
    inherited = Target("si_coverage_pct", 2030, "point", 37.0, document="KH 81", status="inherited",
                       unit="province:40")
    assert pv.target_origin(inherited, "vi") == "Chưa có mục tiêu riêng: theo mục tiêu của Tỉnh Nghệ An (KH 81)"


def test_headline_names_the_chance_the_target_and_the_year():
    from lib.forecast import outlook

    s = store_mod.bundled_store()
    uo = outlook.unit_outlook(s, "district:414", "si_coverage_pct")  # a demo series long enough to forecast
    first, second = pv.headline(uo, "en", 2030)
    o = uo.outlooks[2030]
    assert first == f"{pv.prob(o.p_meet, 'en')} chance of reaching 37% by 2030"
    assert second.startswith(f"{pv.prob(o.p_reach_by, 'en')} chance of reaching it in at least one year")
    first, _ = pv.headline(uo, "vi", 2025)  # 2025 is observed: met or missed, no chance
    assert first.startswith(("Đạt mục tiêu 2025 (26–27%)", "Chưa đạt mục tiêu 2025 (26–27%)"))


def test_ranking_frames_show_percent_and_keep_shares_in_the_csv():
    frame = pd.DataFrame({
        "rank": [1], "unit": ["district:412"], "unit_code": ["412"], "last_year": [2025], "last_value": [30.0],
        "target_2030": [37.0], "target_2030_max": [None], "target_2030_kind": ["point"], "gap_2030": [7.0],
        "p_meet_2030": [0.4235], "p_reach_2030": [0.5], "expected_year": [None], "data_status": ["demo"],
        "demo": [True], "model": ["theta"], "mase": [0.5], "progress_2030": ["acceleration_needed"]})
    display, csv = pv.ranking_frames(frame, "vi", 2030, with_parent=False)
    assert display.iloc[0]["Khả năng đạt mục tiêu 2030"] == 42 and csv.iloc[0]["p_meet_2030"] == 0.4235
    assert display.iloc[0]["Đơn vị"] == "Thành phố Vinh" and display.iloc[0]["Số liệu"] == "Minh họa"
    assert display.iloc[0]["Khoảng cách (mục tiêu − hiện tại)"] == "còn thiếu 7,0 điểm % [minh họa]"  # the one gap wording; demo says so


def test_a_detected_break_is_drawn_on_the_chart_and_named_under_it():
    import json

    from lib.forecast import fanchart, outlook

    s = store_mod.bundled_store()
    uo = outlook.unit_outlook(s, "province:40", "hi_coverage_pct")
    values = [40.0, 41.0, 42.5, 43.0, 44.5, 45.0, 46.0, 23.0, 23.4, 22.9, 23.2, 23.1, 23.3]
    years = list(range(2013, 2026))
    result = forecast.forecast_series(pd.Series(values, index=years), unit="province:40")
    history = pd.DataFrame({"year": years, "value": values, "status": "reported", "source": "test"})
    broken = outlook.UnitOutlook("province:40", "hi_coverage_pct", history, result, uo.targets, uo.outlooks,
                                 uo.progress, None, {"reported"})
    spec = json.dumps(fanchart.fan_chart(broken, "en").to_dict(validate=False), ensure_ascii=False)
    assert "Level break 2020" in spec
    text = pv.history_text(result, "en")
    assert "Level break detected in 2020: the forecast uses the years from 2020 on." in text
    assert "Đứt gãy mức 2020" in json.dumps(fanchart.fan_chart(broken, "vi").to_dict(validate=False),
                                            ensure_ascii=False)
    # no break, no rule
    plain = json.dumps(fanchart.fan_chart(uo, "en").to_dict(validate=False), ensure_ascii=False)
    assert "Level break" not in plain
