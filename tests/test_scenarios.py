"""Scenario maths on small hand-made inputs; every expected number is worked out by hand in the comments."""
import json
import time

import numpy as np
import pytest

from lib.scenarios import model as sc
from lib.forecast.models import forecast_series
from lib.store import bundled_store
from lib.targets import Target

D = 1_000_000.0  # a constant denominator: coverage points = persons / D * 100
YEARS = list(range(2015, 2026))
# A series rising about 1 point a year with some noise, ending at exactly 90.0 % in 2025 (11 observed years).
WIGGLE = (0.0, 0.6, -0.4, 0.5, -0.6, 0.3, 0.7, -0.5, 0.4, -0.3, 0.0)
COVERAGE = tuple((y, 80.0 + (y - 2015) * 1.0 + w) for y, w in zip(YEARS, WIGGLE))


def floor(value, year=2030, metric="hi_coverage_pct"):
    return Target(metric, year, "floor", value)


def make_inputs(coverage=COVERAGE, den=D, targets=((2025, floor(90.0, 2025)), (2030, floor(95.0))),
                metric="hi_coverage_pct", denominator_metric="population"):
    return sc.Inputs(unit="province:40", metric=metric, coverage=coverage, statuses=frozenset({"reported"}),
                     denominator_metric=denominator_metric, denominator=tuple((y, den) for y in YEARS),
                     baseline_targets=targets)


def scenario(**kw):
    return sc.Scenario(unit="province:40", metric="hi_coverage_pct", **kw)


# --- growth assumptions ------------------------------------------------------------------------------------------------

def test_extra_participants_raise_coverage_by_x_over_d_each_year():
    # X = 10,000 persons a year on D = 1,000,000: + 10,000 / 1,000,000 * 100 = +1 point a year, cumulative:
    # 2026 +1, 2027 +2, ..., 2030 +5 points over the baseline path (every path, not only the median).
    inputs = make_inputs()
    r = sc.compute(inputs, scenario(growth=sc.Growth("extra_participants", extra_per_year=10_000)))
    assert list(r.variant.years) == [2026, 2027, 2028, 2029, 2030]
    np.testing.assert_allclose(r.variant.point - r.baseline.point, [1, 2, 3, 4, 5], atol=1e-9)
    assert r.variant.outcomes[2030].value - r.baseline.outcomes[2030].value == pytest.approx(5.0, abs=1e-9)


def test_campaign_adds_only_from_its_first_year():
    # 20,000 a year from 2028 on D = 1,000,000: 2 points a year from 2028: 2026 0, 2027 0, 2028 2, 2029 4, 2030 6.
    r = sc.compute(make_inputs(), scenario(growth=sc.Growth("campaign", campaign_per_year=20_000, campaign_from=2028)))
    np.testing.assert_allclose(r.variant.point - r.baseline.point, [0, 0, 2, 4, 6], atol=1e-9)


def test_campaign_before_the_last_observed_year_starts_the_year_after():
    # A campaign "from 2020" cannot change observed years: it counts from 2026: 1, 2, 3, 4, 5 points (10,000 / 1e6).
    r = sc.compute(make_inputs(), scenario(growth=sc.Growth("campaign", campaign_per_year=10_000, campaign_from=2020)))
    np.testing.assert_allclose(r.variant.point - r.baseline.point, [1, 2, 3, 4, 5], atol=1e-9)


def test_coverage_growth_is_a_straight_line_from_the_last_value():
    # 90.0 in 2025 plus 0.8 points a year: 90.8, 91.6, 92.4, 93.2, 94.0 (2030), whatever the baseline trend is.
    r = sc.compute(make_inputs(), scenario(growth=sc.Growth("coverage_growth", points_per_year=0.8)))
    np.testing.assert_allclose(r.variant.point, [90.8, 91.6, 92.4, 93.2, 94.0], atol=1e-9)
    o = r.variant.outcomes[2030]
    assert o.value == pytest.approx(94.0) and o.met is False and o.gap == pytest.approx(1.0)  # 95 - 94


def test_denominator_growth_under_the_trend_dilutes_coverage():
    # Participants follow the baseline; the population grows 2 % a year after 2025 instead of 0 %:
    # coverage = baseline coverage / 1.02^k, e.g. 2030: x / 1.02^5 = x / 1.1040808.
    r = sc.compute(make_inputs(), scenario(population_growth_pct=2.0))
    np.testing.assert_allclose(r.variant.point, r.baseline.point / 1.02 ** np.arange(1, 6), rtol=1e-12)
    # The labour force rate does not touch an HI scenario.
    same = sc.compute(make_inputs(), scenario(labour_force_growth_pct=5.0))
    np.testing.assert_allclose(same.variant.point, same.baseline.point)


def test_coverage_never_leaves_zero_to_ceiling():
    r = sc.compute(make_inputs(), scenario(growth=sc.Growth("extra_participants", extra_per_year=500_000)))
    assert r.variant.point.max() == 100.0 and r.variant.hi80.max() <= 100.0
    r = sc.compute(make_inputs(), scenario(growth=sc.Growth("extra_participants", extra_per_year=-500_000)))
    assert r.variant.point.min() == 0.0 and r.variant.lo80.min() >= 0.0


# --- attainment, gap, participants needed --------------------------------------------------------------------------------

def test_participants_needed_by_hand_constant_denominator():
    # 2025: 90.0 % of 1,000,000 = 900,000 participants. Target 2030: 95 % of 1,000,000 = 950,000.
    # Needed: (950,000 - 900,000) / 5 years = 10,000 a year.
    # Added lately: the last 3 changes are 2022-23: 88.4 - 86.5 = 1.9, 2023-24: 88.7 - 88.4 = 0.3,
    # 2024-25: 90.0 - 88.7 = 1.3 points; mean 3.5 / 3 = 1.16667 points = 11,666.67 persons a year.
    r = sc.compute(make_inputs(), scenario())
    o = r.baseline.outcomes[2030]
    assert o.needed_per_year == pytest.approx(10_000.0)
    assert r.recent_per_year == pytest.approx(11_666.667, abs=1e-2)
    # Raising the target to 97 %: (970,000 - 900,000) / 5 = 14,000 a year.
    s = scenario().with_override(sc.TargetOverride("province:40", "hi_coverage_pct", 2030, "floor", 97.0))
    assert sc.compute(make_inputs(), s).variant.outcomes[2030].needed_per_year == pytest.approx(14_000.0)


def test_participants_needed_by_hand_growing_denominator():
    # Population 1 % a year after 2025: D(2030) = 1,000,000 * 1.01^5 = 1,051,010.0501.
    # Target 95 %: 0.95 * 1,051,010.0501 = 998,459.5476; needed = (998,459.5476 - 900,000) / 5 = 19,691.9095.
    r = sc.compute(make_inputs(), scenario(population_growth_pct=1.0))
    assert r.variant.denominator[2030] == pytest.approx(1_051_010.0501, abs=1e-3)
    assert r.variant.outcomes[2030].needed_per_year == pytest.approx(19_691.9095, abs=1e-3)
    assert r.baseline.outcomes[2030].needed_per_year == pytest.approx(10_000.0)


def test_planned_per_year_is_the_assumption_on_the_count_scale():
    # With extra 10,000 a year the median path gains 5 points by 2030 = 50,000 persons = 10,000 a year more than the
    # baseline's planned additions.
    base = sc.compute(make_inputs(), scenario())
    extra = sc.compute(make_inputs(), scenario(growth=sc.Growth("extra_participants", extra_per_year=10_000)))
    assert extra.variant.outcomes[2030].planned_per_year - base.baseline.outcomes[2030].planned_per_year == \
        pytest.approx(10_000.0)


def test_observed_target_year_attainment_follows_the_target_not_the_growth():
    # 2025 is observed (90.0). Baseline floor 90 -> met, gap 90 - 90 = 0, p = 1.
    # An override to 92 % -> not met, gap 2 points, p = 0; a growth assumption changes nothing in 2025.
    s = scenario(growth=sc.Growth("extra_participants", extra_per_year=50_000)).with_override(
        sc.TargetOverride("province:40", "hi_coverage_pct", 2025, "point", 92.0))
    r = sc.compute(make_inputs(), s)
    b, v = r.baseline.outcomes[2025], r.variant.outcomes[2025]
    assert (b.basis, b.value, b.met, b.gap, b.p_meet) == ("observed", 90.0, True, 0.0, 1.0)
    assert (v.basis, v.value, v.met, v.p_meet) == ("observed", 90.0, False, 0.0)
    assert v.gap == pytest.approx(2.0)


def test_range_target_is_met_at_its_lower_bound():
    s = scenario().with_override(sc.TargetOverride("province:40", "hi_coverage_pct", 2025, "range", 89.5, 91.0))
    o = sc.compute(make_inputs(), s).variant.outcomes[2025]
    assert o.met is True and o.gap == pytest.approx(-0.5)  # 89.5 - 90.0


# --- probabilities ----------------------------------------------------------------------------------------------------

def test_baseline_probability_is_the_forecasts_own():
    # The page must agree with lib.forecast.models: same series, same seed and number of paths -> same share of paths.
    inputs = make_inputs()
    fc = forecast_series(dict(COVERAGE), horizon_to=2030, ceiling=100.0, n_paths=sc.N_PATHS, seed=sc.SEED)
    for value in (92.0, 94.0, 96.0):
        target = floor(value)
        r = sc.compute(make_inputs(targets=((2025, None), (2030, target))), scenario())
        assert r.baseline.outcomes[2030].p_meet == pytest.approx(fc.p_meet(target), abs=1e-12), value
    assert 0.0 < sc.compute(inputs, scenario()).baseline.outcomes[2030].p_meet < 1.0  # informative, not 0 or 1


def test_shifting_paths_up_equals_lowering_the_target():
    # Extra 4,000 a year on D = 1e6 lifts every path by 0.4 * 5 = 2 points in 2030, so P(meet 96 %) under the
    # scenario = P(meet 94 %) under the baseline forecast (computed by lib.forecast.models, another implementation).
    fc = forecast_series(dict(COVERAGE), horizon_to=2030, ceiling=100.0, n_paths=sc.N_PATHS, seed=sc.SEED)
    s = scenario(growth=sc.Growth("extra_participants", extra_per_year=4_000)).with_override(
        sc.TargetOverride("province:40", "hi_coverage_pct", 2030, "floor", 96.0))
    r = sc.compute(make_inputs(), s)
    assert r.variant.outcomes[2030].p_meet == pytest.approx(fc.p_meet(floor(94.0)), abs=1e-12)
    assert r.variant.outcomes[2030].p_meet > r.baseline.outcomes[2030].p_meet or \
        r.baseline.outcomes[2030].p_meet == 1.0


def test_probability_rises_with_the_assumption_and_lower_targets():
    ps = [sc.compute(make_inputs(), scenario(growth=sc.Growth("extra_participants", extra_per_year=x)))
          .variant.outcomes[2030].p_meet for x in (-5_000, 0, 2_000, 5_000, 20_000)]
    assert ps == sorted(ps) and ps[-1] == 1.0 and ps[0] < ps[-1]


def test_a_scenario_equal_to_the_baseline_changes_nothing():
    r = sc.compute(make_inputs(), scenario())
    for year in sc.TARGET_YEARS:
        assert r.variant.outcomes[year] == r.baseline.outcomes[year]
    np.testing.assert_array_equal(r.variant.point, r.baseline.point)


def test_too_short_series_gives_no_projection():
    inputs = make_inputs(coverage=tuple((y, 50.0 + y - 2021) for y in range(2021, 2025)))  # 4 observed years
    r = sc.compute(inputs, scenario())
    assert r.too_short and r.baseline is None and r.variant is None


# --- the bundled data and speed ------------------------------------------------------------------------------------------

def test_inputs_from_the_bundled_store_use_published_targets():
    # HI: the nation's published series is long enough to forecast without any demo value (SI is not).
    store = bundled_store()
    inputs = sc.inputs_from_store(store, "national:VN", "hi_coverage_pct")
    assert inputs.denominator_metric == "population"
    assert inputs.baseline_target(2030) == store.target("national:VN", "hi_coverage_pct", 2030)
    assert inputs.statuses <= {"reported", "uploaded", "estimate"}
    r = sc.compute(inputs, sc.Scenario(unit="national:VN", metric="hi_coverage_pct"))
    # A generous assumption can only raise the chance of meeting the 2030 target.
    more = sc.compute(inputs, sc.Scenario(unit="national:VN", metric="hi_coverage_pct",
                                          growth=sc.Growth("extra_participants", extra_per_year=1_000_000)))
    assert more.variant.outcomes[2030].p_meet >= r.variant.outcomes[2030].p_meet
    assert more.variant.outcomes[2030].value > r.variant.outcomes[2030].value


def test_a_control_change_recomputes_fast():
    store = bundled_store()
    inputs = sc.inputs_from_store(store, "province:1", "hi_coverage_pct")
    sc.compute(inputs, sc.Scenario(unit="province:1"))  # warms the cached baseline forecast
    times = []
    for x in range(0, 50_000, 5_000):
        t0 = time.perf_counter()
        r = sc.compute(sc.inputs_from_store(store, "province:1", "hi_coverage_pct"),
                       sc.Scenario(unit="province:1", growth=sc.Growth("extra_participants", extra_per_year=x)))
        sc.result_rows(r, "vi")
        sc.chart(r, "vi")
        times.append(time.perf_counter() - t0)
    assert float(np.median(times)) < 0.1  # the page's budget is 0.3 s for everything


# --- JSON -----------------------------------------------------------------------------------------------------------------

def full_scenario():
    return sc.Scenario(unit="province:40", metric="si_coverage_pct", name="Kịch bản Nghệ An",
                       growth=sc.Growth("campaign", campaign_per_year=12_345.5, campaign_from=2027),
                       population_growth_pct=0.8, labour_force_growth_pct=-0.25) \
        .with_override(sc.TargetOverride("province:40", "si_coverage_pct", 2030, "range", 55.0, 60.0)) \
        .with_override(sc.TargetOverride("national:VN", "hi_coverage_pct", 2025, "point", 95.5))


def test_json_round_trip_keeps_every_setting():
    s = full_scenario()
    text = s.to_json()
    data = json.loads(text)
    assert data["schema"] == "vnsi.scenario" and data["schema_version"] == sc.SCHEMA_VERSION
    assert sc.Scenario.from_json(text) == s
    assert sc.Scenario.from_dict(s.to_dict()) == s


@pytest.mark.parametrize("change, message", [
    (lambda d: d.update(schema_version=sc.SCHEMA_VERSION + 1), "newer version"),
    (lambda d: d.update(schema="other"), "not a scenario"),
    (lambda d: d["targets"][0].update(value=140), "outside 0-100"),
    (lambda d: next(o for o in d["targets"] if o["kind"] == "range").update(value_max=10), "range target"),
    (lambda d: d["growth"].update(kind="magic"), "growth kind"),
    (lambda d: d.update(metric="revenue_plan_pct"), "not a coverage rate"),
    (lambda d: d["denominators"].update(population_growth_pct=80), "denominator growth"),
    (lambda d: d.pop("unit"), "not readable"),
])
def test_bad_or_newer_files_are_refused_with_a_reason(change, message):
    data = full_scenario().to_dict()
    change(data)
    with pytest.raises(sc.ScenarioFormatError, match=message):
        sc.Scenario.from_dict(data)


def test_settings_diff_names_what_differs():
    a = full_scenario()
    b = sc.Scenario.from_dict(a.to_dict())
    assert sc.settings_diff(a, b) == []
    b = b.without_override("national:VN", "hi_coverage_pct", 2025)
    b = sc.Scenario(**{**b.__dict__, "growth": sc.Growth("trend"), "population_growth_pct": None})
    diff = {name for name, _, _ in sc.settings_diff(a, b)}
    assert diff == {"growth.kind", "growth.campaign_per_year", "growth.campaign_from", "population_growth_pct",
                    "target.national:VN.hi_coverage_pct.2025"}


def test_a_demo_series_is_never_called_observed_and_every_figure_from_it_says_demo():
    store = bundled_store()
    inputs = sc.inputs_from_store(store, "province:02", "si_coverage_pct")  # Hà Giang: nothing published
    assert inputs.demo
    rows = sc.result_rows(sc.compute(inputs, sc.Scenario(unit="province:02", metric="si_coverage_pct")), "vi")
    cells = [v for r in rows for k, v in r.items() if k not in ("Số liệu", "Đã thay đổi")]
    assert not any("thực tế" in str(c) for c in cells)
    values = [r for r in rows if r[sc.t("scenarios.col_what", "vi")] == sc.t("scenarios.row_value", "vi", year=2025)]
    assert values and values[0][sc.t("scenarios.col_baseline", "vi")].endswith("[minh họa]")
    spec = sc.chart(sc.compute(inputs, sc.Scenario(unit="province:02", metric="si_coverage_pct")), "vi")
    assert "Minh họa" in spec["title"]
    # Switched off, the demo series is not there to project.
    assert not sc.inputs_from_store(store, "province:02", "si_coverage_pct", demo=False).coverage
