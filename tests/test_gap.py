"""The one gap to a target: sign, kinds and wording (lib.gap)."""
import pytest

from lib.gap import gap, gap_text
from lib.targets import Target


def _t(kind, value, value_max=None):
    return Target(metric="hi_coverage_pct", year=2025, kind=kind, value=value, value_max=value_max)


def test_point_target_below_is_still_missing_and_positive():
    g = gap(94.0, _t("point", 95))
    assert g.points == pytest.approx(1.0) and not g.met
    assert gap_text(g, "vi") == "còn thiếu 1,0 điểm %"
    assert gap_text(g, "en") == "1.0 pts short"


def test_point_target_above_is_negative_and_says_above():
    g = gap(95.2, _t("point", 95))
    assert g.points == pytest.approx(-0.2) and g.met
    assert gap_text(g, "vi") == "vượt 0,2 điểm %"
    assert gap_text(g, "en") == "0.2 pts above"


def test_exactly_on_target_is_met():
    g = gap(95.0, _t("floor", 95))
    assert g.met and g.points == 0
    assert gap_text(g, "vi") == "đạt" and gap_text(g, "en") == "met"


def test_range_inside_below_and_above():
    r = _t("range", 26, 27)
    assert gap_text(gap(26.5, r), "vi") == "đạt"
    assert gap(25.0, r).points == pytest.approx(1.0)
    above = gap(27.5, r)
    assert above.met and above.points == pytest.approx(-0.5)
    assert gap_text(above, "en") == "0.5 pts above"


def test_tiny_shortfall_is_not_rounded_to_met():
    g = gap(94.98, _t("point", 95))
    assert not g.met
    assert gap_text(g, "vi") == "còn thiếu 0,02 điểm %"


def test_missing_value_or_target_has_no_gap():
    assert gap(None, _t("point", 95)) is None
    assert gap(94.0, None) is None
    assert gap_text(None, "vi") == "–"
