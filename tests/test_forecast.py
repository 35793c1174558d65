"""Forecasts users see (lib.forecast.models): bounds, monotonicity, target probabilities, determinism, panels."""
import pickle
import warnings

import numpy as np
import pandas as pd
import pytest

from lib.forecast import models as F
from lib.targets import Target

YEARS = np.arange(2015, 2026)


def floor(value, year=2030, metric="hi_coverage_pct"):
    return Target(metric, year, "floor", value)


def rising(start=60.0, end=85.0, noise=0.03, seed=1):
    """A steadily rising coverage series 2015-2025: linear on the logit scale plus small noise."""
    rng = np.random.default_rng(seed)
    y = np.linspace(F.logit(start), F.logit(end), len(YEARS)) + rng.normal(0, noise, len(YEARS))
    y = np.maximum.accumulate(y)  # strictly a rising history
    return pd.Series(F.inv_logit(y), index=YEARS)


def test_logit_round_trip_and_bounds():
    x = np.array([0.01, 1, 25, 50, 75, 99, 99.99])
    assert np.allclose(F.inv_logit(F.logit(x)), x)
    assert np.allclose(F.inv_logit(F.logit(x * 0.9, ceiling=90), ceiling=90), x * 0.9)
    assert F.logit(50) == pytest.approx(0.0)  # log(50 / 50)
    y = np.array([-50.0, 50.0])
    assert np.all((F.inv_logit(y) >= 0) & (F.inv_logit(y) <= 100))


@pytest.mark.parametrize("values, ceiling", [
    (np.linspace(97.0, 99.6, 11), 100.0),  # near the top, still climbing
    (np.linspace(0.5, 0.02, 11), 100.0),  # near zero, falling
    (np.linspace(90.0, 97.9, 11), 98.0),  # a lower ceiling set by the user
    (np.r_[np.linspace(95, 99.5, 9), 100.0, 101.0], 100.0),  # reported above 100 %: clipped
])
def test_forecasts_stay_inside_bounds(values, ceiling):
    r = F.forecast_series(pd.Series(values, index=YEARS), ceiling=ceiling)
    fr = r.forecast_frame()
    assert list(fr.year) == list(range(2026, 2031))
    cols = fr[["lo95", "lo80", "point", "hi80", "hi95"]].to_numpy()
    assert np.all((cols >= 0) & (cols <= ceiling))
    assert np.all(np.diff(cols, axis=1) >= 0)  # lo95 <= lo80 <= point <= hi80 <= hi95
    # the first forecast year stays within three of the largest yearly changes of the last value (no jump)
    last, step = min(values[-1], ceiling), np.max(np.abs(np.diff(np.minimum(values, ceiling))))
    assert abs(cols[0, 2] - last) <= 3 * step


def test_monotone_history_gives_monotone_point_path():
    s = rising()
    fr = F.forecast_series(s).forecast_frame()
    assert np.all(np.diff(fr.point) >= 0) and fr.point.iloc[0] >= s.iloc[-1]
    falling = pd.Series(100 - s.to_numpy(), index=YEARS)
    fr = F.forecast_series(falling).forecast_frame()
    assert np.all(np.diff(fr.point) <= 0) and fr.point.iloc[0] <= falling.iloc[-1]


def test_intervals_widen_with_horizon():
    fr = F.forecast_series(rising()).forecast_frame()
    assert np.all(np.diff(fr.hi95 - fr.lo95) > 0)


def test_p_meet_high_for_low_target_low_for_unreachable():
    # 60 % -> 85 % over 2015-2025: a 70 % target in 2030 is far below the last value, 99.9 % is out of reach
    r = F.forecast_series(rising())
    assert r.p_meet(floor(70)) > 0.95
    assert r.p_meet(floor(99.9)) < 0.05
    # a 100 % target is read as the ceiling band (99.5 %): a small chance, the same as for 99.9 %, never a certainty
    assert r.p_meet(floor(100)) == r.p_meet(floor(99.9)) == r.p_meet(floor(99.5))
    # a target just above the median 2030 forecast is a coin flip-ish, between the two
    median_2030 = r.forecast_frame().point.iloc[-1]
    assert 0.2 < r.p_meet(floor(median_2030)) < 0.8


def test_simulated_p_meet_matches_closed_form():
    # paths are built so that their marginal at each horizon is the calibrated distribution: shares of 4,000 paths
    # are within Monte Carlo error (sd <= 0.008) of its exact upper tail
    r = F.forecast_series(rising(), n_paths=4000)
    for value in (86, 88, 90, 92):
        for year in (2026, 2028, 2030):
            assert r.p_meet(floor(value, year)) == pytest.approx(r.p_meet_exact(floor(value, year)), abs=0.03)


def test_p_reach_by_at_least_p_meet():
    r = F.forecast_series(pd.Series(np.r_[50, 52, 51, 54, 53, 56, 55, 58, 57, 60, 59.0], index=YEARS))
    for value in (58, 60, 62, 65, 70):
        for year in (2027, 2030, 2035):
            o = r.outlook(floor(value, year))
            assert o.p_reach_by >= o.p_meet
    # a zig-zag series: reaching 62 at some point by 2030 is strictly likelier than being there in 2030
    o = r.outlook(floor(62))
    assert o.p_reach_by > o.p_meet


def test_already_met_target():
    r = F.forecast_series(rising())  # last value ~85
    o = r.outlook(floor(80))
    assert o.basis == "already_met" and o.p_reach_by == 1.0 and o.expected_year <= 2025
    assert 0.9 < o.p_meet <= 1.0  # the chance it is still met in 2030
    assert r.outlook(floor(0)).p_meet == 1.0  # a target at the floor is met by any value
    past = r.outlook(floor(99, 2020))  # deadline in the observed past, not met then
    assert (past.basis, past.p_meet, past.p_reach_by) == ("observed", 0.0, 0.0)


def test_expected_year_is_first_year_median_reaches_target():
    r = F.forecast_series(rising())
    fr = r.forecast_frame()
    target_value = float(fr.point.iloc[2]) - 1e-6  # the median path reaches it in 2028, not in 2027
    assert float(fr.point.iloc[1]) < target_value
    assert r.expected_year(floor(target_value)) == 2028
    assert r.expected_year(floor(99.99)) is None


def test_range_and_floor_targets_use_the_lower_bound():
    r = F.forecast_series(rising())
    rng = Target("hi_coverage_pct", 2030, "range", 88.0, 89.0)
    assert r.p_meet(rng) == r.p_meet(floor(88.0))
    assert r.p_reach_by(rng) == r.p_reach_by(floor(88.0))


def test_target_beyond_horizon_extends_forecast():
    r = F.forecast_series(rising(), horizon_to=2030)
    p2030, p2035 = r.p_meet(floor(92, 2030)), r.p_meet(floor(92, 2035))
    assert p2035 > p2030  # more time on a rising path
    assert len(r.forecast_frame()) == 5  # the table still stops at horizon_to


def test_too_short_series_says_so():
    r = F.forecast_series(pd.Series({2019: 80.0, 2021: 83.0, 2023: 85.0, 2025: 88.0}), targets=[floor(90)])
    assert r.too_short and "too short" in r.message
    assert r.forecast_frame().empty and r.status == "too_short"
    o = r.outlooks[0]
    assert o.p_meet is None and o.basis == "too_short"
    assert r.to_row()["status"] == "too_short"


def test_gaps_are_reported_as_gaps():
    s = pd.Series({2015: 60.0, 2017: 66.0, 2020: 72.0, 2023: 78.0, 2025: 81.0})  # 5 observed in 11 years
    r = F.forecast_series(s)
    assert not r.too_short and r.n_observed == 5 and r.gap_years == 6
    assert any("modelled as gaps" in note for note in r.notes)


def test_determinism_and_seed():
    s = rising(seed=5)
    a = F.forecast_series(s, targets=[floor(90)], seed=7)
    b = F.forecast_series(s, targets=[floor(90)], seed=7)
    c = F.forecast_series(s, targets=[floor(90)], seed=8)
    assert a.p_meet(floor(90)) == b.p_meet(floor(90))
    assert np.array_equal(a.paths(), b.paths())
    assert not np.array_equal(a.paths(), c.paths())
    assert a.forecast_frame().equals(b.forecast_frame())


def test_pickle_round_trip_keeps_probabilities_and_drops_paths():
    r = F.forecast_series(rising(), targets=[floor(90)])
    p = r.p_meet(floor(90))
    blob = pickle.dumps(r)
    assert len(blob) < 20_000  # paths are not stored
    assert pickle.loads(blob).p_meet(floor(90)) == p


def test_to_row_columns():
    r = F.forecast_series(rising(), targets=[floor(80, 2025), floor(90, 2030)], unit="district:001")
    row = r.to_row()
    assert list(row) == ["unit", "last_year", "last_value", "target_2025", "target_2030", "p_meet_2025",
                         "p_meet_2030", "expected_year", "status", "model", "mase"]
    assert row["unit"] == "district:001" and row["last_year"] == 2025 and row["status"] == "ok"
    assert row["p_meet_2025"] == 1.0  # 2025 is observed and above 80
    assert row["model"] == F.METHOD_NAME and row["mase"] > 0


def test_forecast_many_parallel_equals_serial_and_reports_progress():
    rows = []
    for i in range(12):
        s = rising(start=40 + i, end=70 + i, seed=i)
        rows += [{"unit": f"u{i}", "year": y, "value": v} for y, v in s.items()]
    rows += [{"unit": "short", "year": 2024, "value": 10.0}, {"unit": "short", "year": 2025, "value": 11.0}]
    panel = pd.DataFrame(rows)
    calls = []
    serial = F.forecast_many(panel, targets=[floor(80)], workers=1)
    parallel = F.forecast_many(panel, targets={"u3": [floor(75)]}, workers=2, chunk_size=3,
                               progress=lambda done, total: calls.append((done, total)))
    assert list(parallel) == [f"u{i}" for i in range(12)] + ["short"]
    assert calls[-1] == (13, 13) and len(calls) == 5
    for unit in serial:
        assert serial[unit].forecast_frame().equals(parallel[unit].forecast_frame())
    assert parallel["u3"].targets == (floor(75),) and parallel["u4"].targets == ()
    assert parallel["short"].too_short
