"""The failure modes issue 11 reproduced, each fixed: the ceiling, gaps, level breaks, pooled model choice, a forecast
starting below the last value, and statsmodels' estimate against the closed form."""
import numpy as np
import pandas as pd
import pytest

from lib.forecast import calibration
from lib.forecast import method as M
from lib.forecast import models as F
from lib.targets import Target

YEARS = np.arange(2013, 2026)


def floor(value, year=2030):
    return Target("hi_coverage_pct", year, "floor", value)


# -- the ceiling ----------------------------------------------------------------------------------------------------

def test_a_series_rising_towards_100_keeps_interval_width_and_a_consistent_chance_of_100():
    s = pd.Series(np.linspace(90.0, 98.5, len(YEARS)), index=YEARS)
    r = F.forecast_series(s)
    fr = r.forecast_frame()
    assert np.all(fr["hi95"] < 100.0) and np.all(fr["point"] < 100.0)  # never certain of 100
    assert np.all(fr["hi95"] - fr["lo95"] > 0.3)  # every year keeps a visible width (points)
    lo, hi = r.logit_quantile(0.025, 5), r.logit_quantile(0.975, 5)
    assert np.all(np.diff(hi - lo) > 0)  # on the model's (logit) scale the interval widens every year
    # a 100 % target (read as the 99.5 % band) is neither impossible nor certain, and agrees with the intervals:
    # the chance of being at or above the 2030 median is one half, above the upper 95 % bound about 2.5 %
    p100 = r.outlook(floor(100)).p_meet
    assert 0.0 < p100 < 1.0 and "ceiling band" in r.outlook(floor(100)).note
    checked = 0
    for i, year in enumerate(fr["year"]):
        if fr["hi95"].iloc[i] < r.prep.scale.top:  # below the 99.5 % band a target is read as itself
            assert r.p_meet_exact(floor(float(fr["point"].iloc[i]), year)) == pytest.approx(0.5, abs=0.01)
            assert r.p_meet_exact(floor(float(fr["hi95"].iloc[i]), year)) == pytest.approx(0.025, abs=0.01)
            assert r.p_meet_exact(floor(float(fr["lo80"].iloc[i]), year)) == pytest.approx(0.9, abs=0.01)
            checked += 1
    assert checked >= 1
    assert r.p_meet_exact(floor(99.99)) == r.p_meet_exact(floor(100))  # the same rule for 99.99 and 100


def test_reported_values_above_100_are_read_at_the_band_and_said():
    s = pd.Series(np.r_[np.linspace(95, 99.5, 11), 100.0, 101.0], index=YEARS)
    r = F.forecast_series(s)
    assert r.prep.n_clipped >= 2 and any("ceiling band" in n for n in r.notes)
    fr = r.forecast_frame()
    assert np.all((fr[["lo95", "hi95"]].to_numpy() > 0) & (fr[["lo95", "hi95"]].to_numpy() < 100))
    assert np.all(fr["hi95"] - fr["lo95"] > 0.1)


# -- gaps ---------------------------------------------------------------------------------------------------------

def test_a_gap_is_one_step_with_variance_in_proportion_to_its_length():
    # logit steps: +0.2 in 1 year four times, then +0.9 over a 3-year gap: drift = total change / span
    years = np.array([2010, 2011, 2012, 2013, 2014, 2017])
    y = np.array([0.0, 0.2, 0.4, 0.6, 0.8, 1.7])
    b = M.Bounds()
    f = M.fit(years, b.to_x(y), b, breaks=False)
    c = 1.7 / 7
    steps, gaps = np.diff(y), np.diff(years)
    by_hand = np.sqrt(np.sum((steps - c * gaps) ** 2 / gaps) / (len(steps) - 1))
    assert f.drift == pytest.approx(c, abs=1e-9)
    assert f.sd == pytest.approx(max(by_hand, M.sd_floor(b, b.to_x(1.7))), rel=1e-6)
    assert f.n_steps == 5  # 5 steps, not 7 "observations"


def test_interpolating_gaps_would_understate_the_spread():
    # the failure: filling missing years by interpolation counts them as observations of a smooth change
    rng = np.random.default_rng(0)
    years = np.array([2008, 2010, 2015, 2016, 2017, 2019, 2020, 2022, 2023, 2025])
    b = M.Bounds()
    wider = 0
    for seed in range(30):
        y = np.cumsum(np.r_[0, rng.normal(0.15 * np.diff(years), 0.1 * np.sqrt(np.diff(years)))]) - 1
        as_gaps = M.fit(years, b.to_x(y), b, breaks=False).sd
        full = np.arange(years[0], years[-1] + 1)
        filled = M.fit(full, b.to_x(np.interp(full, years, y)), b, breaks=False).sd
        wider += as_gaps > filled
    assert wider >= 27  # almost always: interpolated years make the series look smoother than it is


def test_statsmodels_and_the_closed_form_give_the_same_estimate_on_a_series_with_gaps():
    from lib.bundled import reference
    s = reference.national_fy_series("hi_coverage_pct")
    assert s.index.to_series().diff().max() > 1  # the published national HI series has missing years
    sm = F.forecast_series(s, engine="statsmodels")
    cf = F.forecast_series(s, engine="closed_form")
    assert sm.final_engines == {"drift": "statsmodels"} and cf.final_engines == {"drift": "closed_form"}
    assert sm.drift == pytest.approx(cf.drift, abs=1e-5)
    assert np.allclose(sm.forecast_frame().drop(columns="year"), cf.forecast_frame().drop(columns="year"), atol=1e-3)


# -- level breaks -------------------------------------------------------------------------------------------------

def test_a_definition_change_is_detected_and_the_segment_after_it_used():
    # a series that halves in one year and then stays flat (the example)
    values = [40.0, 41.0, 42.5, 43.0, 44.5, 45.0, 46.0, 23.0, 23.4, 22.9, 23.2, 23.1, 23.3]
    s = pd.Series(values, index=YEARS)
    r = F.forecast_series(s)
    assert r.break_year == 2020 and r.break_mode == "segment" and r.fit_from == 2020
    fr = r.forecast_frame()
    assert fr["lo95"].iloc[-1] > 18 and fr["hi95"].iloc[-1] < 30  # around the new level, not 1-56 %
    whole = F.forecast_series(s, breaks=False)  # the user's override: the whole history
    assert whole.break_year is None
    w = whole.forecast_frame()
    assert (w["hi95"] - w["lo95"]).iloc[-1] > 2 * (fr["hi95"] - fr["lo95"]).iloc[-1]


def test_a_recent_break_keeps_the_new_level_and_the_old_trend():
    values = [50.0, 51.0, 52.1, 53.0, 54.1, 55.0, 56.0, 57.1, 58.0, 59.0, 70.0, 71.0]  # +11 in 2023, 2 years after
    s = pd.Series(values, index=YEARS[:12])
    r = F.forecast_series(s)
    assert r.break_year == 2023 and r.break_mode == "jump_removed"
    fr = r.forecast_frame()
    assert 71.0 < fr["point"].iloc[0] < 73.5  # from the new level, about a point a year


def test_steady_and_noisy_series_have_no_break():
    rng = np.random.default_rng(2)
    for seed in range(20):
        x = 60 + np.cumsum(rng.normal(1.0, 0.8, len(YEARS)))
        assert F.forecast_series(pd.Series(x, index=YEARS)).break_year is None


# -- pooled choice, not one or two errors ------------------------------------------------------------------------

def test_damping_and_quantiles_come_from_the_pooled_calibration_not_the_series():
    data = calibration.load()
    assert data["n_series"] >= 30
    short = F.forecast_series(pd.Series([50.0, 52.0, 51.0, 55.0, 56.0], index=YEARS[:5]))
    long = F.forecast_series(pd.Series(np.linspace(40, 60, len(YEARS)), index=YEARS))
    assert short.phi == long.phi == data["phi"]
    assert short.model == long.model == F.METHOD_NAME


# -- never below the last value of a rising series without a reason ----------------------------------------------

def test_a_rising_series_starts_at_or_above_its_last_value():
    rng = np.random.default_rng(5)
    for _ in range(30):
        x = 30 + np.cumsum(np.abs(rng.normal(1.5, 1.0, len(YEARS))))
        r = F.forecast_series(pd.Series(x, index=YEARS))
        fr = r.forecast_frame()
        assert fr["point"].iloc[0] >= x[-1] - 1e-9 and r.falls_reason is None


def test_a_forecast_below_the_last_value_says_why():
    s = pd.Series([60.0, 59.0, 58.5, 57.0, 56.8, 55.0, 54.0, 53.5], index=YEARS[:8])
    r = F.forecast_series(s)
    if r.forecast_frame()["point"].iloc[0] < s.iloc[-1]:
        assert r.falls_reason == "negative_drift"
    from lib.forecast import view_text as pv
    text = pv.history_text(r, "en")
    assert "Built on 8 year-end values, 2013–2020" in text and "No missing years" in text
