"""Progress labels on hand-made series; every expected number is worked out by hand in the comments."""
import math

import pandas as pd
import pytest

from lib.forecast.progress_methods import (annual_series, classify, denominator_at, limit_scaling_factor, open_sdg_ratio,
                          participants_needed, recent_added_per_year, unicef_aarr, unsd_q)
from lib.targets import Target


def floor(value, year=2030):
    return Target("hi_coverage_pct", year, "floor", value)


# --- Open SDG ---------------------------------------------------------------------------------------------------------

def test_open_sdg_on_track_ratio_by_hand():
    # CAGR_obs = 1.2^(1/5) - 1 = exp(0.182322/5) - 1 = 0.037137
    # CAGR_req = 1.6^(1/15) - 1 = exp(0.470004/15) - 1 = 0.031830;  R = 1.1667 >= 0.95 -> on track
    out = open_sdg_ratio({2015: 50, 2020: 60}, floor(80))
    assert out["label"] == "on_track"
    assert out["cagr_observed"] == pytest.approx(0.037137, abs=1e-6)
    assert out["cagr_required"] == pytest.approx(0.031830, abs=1e-6)
    assert out["ratio"] == pytest.approx(1.1667, abs=1e-3)


@pytest.mark.parametrize("latest, label, ratio", [
    # CAGR_req = (95/80)^(1/15) - 1 = exp(0.171850/15) - 1 = 0.0115226 in all three
    (83, "acceleration_needed", 0.6413),  # CAGR_obs = exp(ln(1.0375)/5) - 1 = 0.0073900; R = 0.6413
    (82, "limited_progress", 0.4297),  # CAGR_obs = exp(ln(1.025)/5) - 1 = 0.0049508; R = 0.4297
    (78, "deterioration", -0.4383),  # CAGR_obs = exp(ln(0.975)/5) - 1 = -0.0050508; R = -0.4383
])
def test_open_sdg_labels_by_hand(latest, label, ratio):
    out = open_sdg_ratio({2015: 80, 2020: latest}, floor(95))
    assert out["label"] == label
    assert out["ratio"] == pytest.approx(ratio, abs=2e-3)


def test_open_sdg_uses_2015_base_and_latest_year_across_gaps():
    # 2010 is before the base year and ignored; base 2015 = 50, latest 2023 = 60:
    # CAGR_obs = 1.2^(1/8) - 1 = exp(0.182322/8) - 1 = 0.023052; CAGR_req = 0.031830 (as above); R = 0.7242
    out = open_sdg_ratio(pd.Series({2010: 10.0, 2015: 50.0, 2018: 55.0, 2023: 60.0}), floor(80))
    assert (out["base_year"], out["latest_year"]) == (2015, 2023)
    assert out["ratio"] == pytest.approx(0.7242, abs=1e-3)
    assert out["label"] == "acceleration_needed"


def test_scaling_factor_c_by_hand():
    # C = 1 - (y0/100)^4.44: 0.9^4.44 = exp(4.44 * -0.1053605) = exp(-0.467801) = 0.626375 -> C = 0.373625
    assert limit_scaling_factor(90) == pytest.approx(0.373625, abs=1e-5)
    assert limit_scaling_factor(0) == 1.0
    assert limit_scaling_factor(100) == 0.0
    assert limit_scaling_factor(50) > limit_scaling_factor(80) > limit_scaling_factor(95)


def test_c_shrinks_thresholds_without_target():
    # 90 -> 92 in 5 years: CAGR = exp(ln(92/90)/5) - 1 = exp(0.0219789/5) - 1 = 0.0044055.
    # Unscaled: 0.0044 < 0.005 -> limited progress. Scaled by C = 0.373625: thresholds 0.0056044 and 0.0018681,
    # so 0.0018681 <= 0.0044055 < 0.0056044 -> acceleration needed.
    scaled = open_sdg_ratio({2015: 90, 2020: 92}, None)
    unscaled = open_sdg_ratio({2015: 90, 2020: 92}, None, limit=None)
    assert scaled["cagr_observed"] == pytest.approx(0.0044055, abs=1e-6)
    assert scaled["label"] == "acceleration_needed"
    assert unscaled["label"] == "limited_progress"


def test_c_is_reported_but_not_applied_with_a_target():
    # 90 -> 92 against 95 in 2030: CAGR_req = exp(ln(95/90)/15) - 1 = exp(0.0540672/15) - 1 = 0.0036110;
    # R = 0.0044055 / 0.0036110 = 1.2200 -> on track, whatever C is.
    out = open_sdg_ratio({2015: 90, 2020: 92}, floor(95))
    assert out["ratio"] == pytest.approx(1.2200, abs=1e-3)
    assert out["c_applied"] is False and out["scaling_factor_c"] == pytest.approx(0.373625, abs=1e-5)


# --- common rules -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["open_sdg", "unsd", "unicef_aarr"])
def test_achieved_and_insufficient_data(method):
    assert classify({2015: 90, 2020: 95.0}, floor(95), method).label == "achieved"  # 95.0 >= floor 95
    assert classify({2020: 50}, floor(95), method).label == "insufficient_data"  # one point: no trend
    assert classify({}, floor(95), method).label == "insufficient_data"


@pytest.mark.parametrize("method", ["open_sdg", "unsd", "unicef_aarr"])
def test_range_target_met_at_lower_bound(method):
    rng = Target("si_coverage_pct", 2025, "range", 26.0, 27.0)
    assert classify({2020: 20, 2023: 26.0}, rng, method).label == "achieved"  # 26.0 is the lower bound
    # 25.9 in 2023 is below 26 and 2025 is still ahead -> not achieved, a trend label instead
    assert classify({2020: 20, 2023: 25.9}, rng, method).label not in ("achieved", "not_achieved")


def test_deadline_passed_unmet():
    # A 2025 target, latest data 2025 = 94 < 95 -> not achieved (no trend label for a past deadline)
    p = classify({2015: 80, 2025: 94}, floor(95, 2025))
    assert (p.label, p.reason, p.method) == ("not_achieved", "target_year_passed_unmet", "open_sdg")


def test_duplicate_years_use_median():
    s = pd.Series([1.0, 2.0, 9.0, 4.0], index=[2020, 2020, 2020, 2021])
    assert annual_series(s).to_dict() == {2020: 2.0, 2021: 4.0}


# --- UNSD ------------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("latest, label, q", [
    # v_hat = v_t (v_t/v_b)^((2030-2020)/5) = v_t (v_t/80)^2;  Q = (v_hat - 80) / (95 - 80)
    (82, "acceleration_needed", 0.41008),  # v_hat = 82 * 1.025^2 = 86.15125; Q = 6.15125/15
    (80.2, "stagnation_or_regression", 0.04010),  # v_hat = 80.2 * 1.0025^2 = 80.60150; Q = 0.60150/15
])
def test_unsd_q_by_hand(latest, label, q):
    out = unsd_q({2015: 80, 2020: latest}, floor(95))
    assert out["label"] == label
    assert out["q"] == pytest.approx(q, abs=1e-4)


def test_unsd_on_track_and_near_100():
    # 50 -> 60: v_hat_2030 = 60 * 1.2^2 = 86.4; Q = (86.4 - 50)/(80 - 50) = 1.2133 -> on track
    out = unsd_q({2015: 50, 2020: 60}, floor(80))
    assert out["label"] == "on_track" and out["q"] == pytest.approx(1.21333, abs=1e-4)
    # latest 99.2 is within 1 point of a 100 % target -> achieved (EUSTAT rule)
    assert unsd_q({2015: 95, 2020: 99.2}, floor(100))["label"] == "achieved"
    assert unsd_q({2015: 95, 2020: 98.9}, floor(100))["label"] != "achieved"


# --- UNICEF AARR -----------------------------------------------------------------------------------------------------

def test_unicef_aarr_on_uncovered_share_by_hand():
    # uncovered 20 -> 10 over 2015-2020: beta = ln(0.5)/5 = -0.1386294; AARR = (1 - 0.5^0.2) * 100 = 12.94494
    # required to 95 % (uncovered 5) from 2020 to 2030: (1 - 0.5^0.1) * 100 = 6.69670 -> on track
    out = unicef_aarr({2015: 80, 2020: 90}, floor(95))
    assert out["aarr_observed"] == pytest.approx(12.94494, abs=1e-4)
    assert out["aarr_required"] == pytest.approx(6.69670, abs=1e-4)
    assert out["label"] == "on_track"
    # to 99 % (uncovered 1): (1 - 0.1^0.1) * 100 = 20.56718 > 12.94 -> off track
    out = unicef_aarr({2015: 80, 2020: 90}, floor(99))
    assert out["aarr_required"] == pytest.approx(20.56718, abs=1e-4)
    assert out["label"] == "off_track"


# --- participants ----------------------------------------------------------------------------------------------------

def test_participants_needed_by_hand():
    # target 45 % of 52 M in 2030 = 23.4 M; from 18 M in 2023: 5.4 M over 7 years = 771,428.6 a year;
    # 500,000 a year lately -> ratio 0.648148 -> acceleration needed (0.60 <= ratio < 0.95)
    out = participants_needed(2023, 18e6, {2023: 50e6, 2030: 52e6}, floor(45), 500_000)
    assert out["needed_per_year"] == pytest.approx(771_428.57, abs=0.01)
    assert out["ratio"] == pytest.approx(0.648148, abs=1e-6)
    assert out["label"] == "acceleration_needed"
    assert participants_needed(2023, 18e6, {2023: 50e6, 2030: 52e6}, floor(45), 800_000)["label"] == "on_track"
    assert participants_needed(2023, 18e6, {2023: 50e6, 2030: 52e6}, floor(45), -1)["label"] == "deterioration"


def test_denominator_extrapolation_and_recent_additions():
    # 100 -> 110 over 2020-2025 is growth 1.1 per 5 years, so 2030 = 110 * 1.1 = 121; 2022 is given
    assert denominator_at({2020: 100, 2022: 104, 2025: 110}, 2030) == pytest.approx(121.0)
    assert denominator_at({2020: 100, 2022: 104, 2025: 110}, 2022) == 104
    assert denominator_at({2020: 100}, 2030) == 100  # one year: held flat
    # changes per year: 2019->2020: 2; 2020->2022: 6 over 2 years = 3; 2022->2023: 1; mean of the last 3 = 2.0
    assert recent_added_per_year({2019: 10, 2020: 12, 2022: 18, 2023: 19}, k=3) == pytest.approx(2.0)
    assert math.isnan(recent_added_per_year({2023: 19}))


def test_classify_participants_from_coverage():
    # coverage 30 % -> 33 % -> 36 % of a flat 50 M: participants 15 M, 16.5 M, 18 M: +1.5 M a year (k = 2).
    # Target 45 % of 50 M = 22.5 M in 2030: 4.5 M over 7 years = 642,857 a year; ratio 2.333 -> on track
    p = classify({2021: 30, 2022: 33, 2023: 36}, floor(45), "participants", denominator_by_year={2020: 50e6}, k=2)
    assert p.label == "on_track" and p.method == "participants"
    assert p.numbers["needed_per_year"] == pytest.approx(642_857.14, abs=0.01)
    assert p.numbers["recent_per_year"] == pytest.approx(1.5e6)


def test_classify_names_method_and_rejects_unknown():
    p = classify({2015: 50, 2020: 60}, floor(80), "unsd")
    assert p.method == "unsd" and p.reason == "q_ge_0.95" and p.numbers["base_year"] == 2015
    with pytest.raises(ValueError):
        classify({2015: 50, 2020: 60}, floor(80), "escap")
