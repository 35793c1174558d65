"""Which target a unit has: its own, inherited (province, then nation) or derived for a merged 2025 province; ranges
and floors kept. Expected values are worked out from the census weights in the test, not taken from the code."""
import numpy as np
import pandas as pd
import pytest

from lib import admin, fmt, store
from lib.bundled import denominators
from lib.model import choose_targets, normalise_targets
from lib.targets import Target, merge_weights, target_for

HCMC_2025 = "province_2025:79"  # Hồ Chí Minh City from 2025 = province:79 + Bình Dương (74) + Bà Rịa-Vũng Tàu (77)
MEMBERS = ("province:74", "province:77", "province:79")


def table(rows) -> pd.DataFrame:
    """A chosen-targets table from (unit, metric, year, kind, value, value_max, document) tuples."""
    df = pd.DataFrame([dict(unit=u, metric=m, year=y, kind=k, value=v, value_max=vm, document=d, source=f"src {d}",
                            status="published", dataset="t") for u, m, y, k, v, vm, d in rows])
    return choose_targets(normalise_targets(df))


def census_shares(column: str) -> np.ndarray:
    c = denominators.census_provinces()
    w = np.array([c.at[m, column] for m in MEMBERS], dtype=float)
    return w / w.sum()


NATIONAL_HI = ("national:VN", "hi_coverage_pct", 2030, "floor", 95.0, np.nan, "NQ 20")


def test_own_target_is_published_and_others_inherit_from_province_then_nation():
    chosen = table([NATIONAL_HI, ("province:40", "hi_coverage_pct", 2030, "point", 97.0, np.nan, "KH 81")])
    own = target_for(chosen, "province:40", "hi_coverage_pct", 2030)
    assert (own.status, own.value, own.unit) == ("published", 97.0, "province:40")
    district = target_for(chosen, "district:412", "hi_coverage_pct", 2030)  # Vinh, Nghệ An: the province's
    assert (district.status, district.value, district.unit) == ("inherited", 97.0, "province:40")
    other = target_for(chosen, "district:001", "hi_coverage_pct", 2030)  # Ba Đình, Hà Nội: no provincial target
    assert (other.status, other.value, other.unit, other.kind) == ("inherited", 95.0, "national:VN", "floor")
    assert target_for(chosen, "province:02", "hi_coverage_pct", 2030).status == "inherited"
    assert target_for(chosen, "national:VN", "hi_coverage_pct", 2025) is None  # no target that year


def test_ranges_and_floors_stay_what_they_are():
    chosen = table([("province:40", "si_coverage_pct", 2025, "range", 26.0, 27.0, "KH 81"), NATIONAL_HI])
    inherited = target_for(chosen, "district:412", "si_coverage_pct", 2025)
    assert (inherited.kind, inherited.value, inherited.value_max) == ("range", 26.0, 27.0)
    assert fmt.target_text(inherited, "vi") == "26–27%" and inherited.met_by(26.0) and not inherited.met_by(25.99)
    floor = target_for(chosen, "district:412", "hi_coverage_pct", 2030)
    assert floor.kind == "floor" and fmt.target_text(floor, "vi") == "trên 95%" and fmt.target_text(floor, "en") == "above 95%"


def test_merged_province_weights_members_effective_targets_by_census_population():
    # Bình Dương has no target of its own: its effective target is the national 95; the others have their own.
    chosen = table([("national:VN", "hi_coverage_pct", 2025, "point", 95.0, np.nan, "NQ 20"),
                    ("province:77", "hi_coverage_pct", 2025, "point", 93.0, np.nan, "546"),
                    ("province:79", "hi_coverage_pct", 2025, "point", 97.0, np.nan, "546")])
    w = census_shares("population")
    expected = w @ np.array([95.0, 93.0, 97.0])
    got = target_for(chosen, HCMC_2025, "hi_coverage_pct", 2025)
    assert got.status == "derived" and got.kind == "point" and got.unit == HCMC_2025
    assert got.value == pytest.approx(expected, abs=0.005)
    parts = {p.unit: p for p in got.members}
    assert parts["province:74"].status == "inherited" and parts["province:79"].status == "published"
    assert sum(p.weight for p in got.members) == pytest.approx(1.0)
    assert parts["province:79"].weight == pytest.approx(w[2])


def test_merged_province_uses_working_age_population_for_si_and_keeps_ranges():
    # A range member contributes both bounds; point members contribute their value to both.
    chosen = table([("national:VN", "si_coverage_pct", 2025, "point", 45.0, np.nan, "NQ 28"),
                    ("province:79", "si_coverage_pct", 2025, "range", 50.0, 52.0, "plan")])
    w = census_shares("population_age_15_59")
    got = target_for(chosen, HCMC_2025, "si_coverage_pct", 2025)
    assert got.kind == "range" and got.status == "derived"
    assert got.value == pytest.approx(w @ np.array([45.0, 45.0, 50.0]), abs=0.005)
    assert got.value_max == pytest.approx(w @ np.array([45.0, 45.0, 52.0]), abs=0.005)
    assert merge_weights(HCMC_2025, "si_coverage_pct")["province:79"] == pytest.approx(w[2])


def test_merged_province_without_any_own_member_target_inherits_the_national_one():
    chosen = table([NATIONAL_HI])
    got = target_for(chosen, HCMC_2025, "hi_coverage_pct", 2030)
    assert (got.status, got.unit, got.value, got.kind) == ("inherited", "national:VN", 95.0, "floor")


def test_all_floor_members_give_a_floor_and_a_commune_inherits_the_derived_target():
    chosen = table([NATIONAL_HI, ("province:79", "hi_coverage_pct", 2030, "floor", 96.0, np.nan, "plan")])
    got = target_for(chosen, HCMC_2025, "hi_coverage_pct", 2030)
    assert got.kind == "floor" and got.status == "derived"
    u = admin.units()
    commune = u.index[(u["level"] == "commune") & (u["province_2025"] == HCMC_2025)][0]
    inherited = target_for(chosen, commune, "hi_coverage_pct", 2030)
    assert (inherited.status, inherited.unit, inherited.value) == ("inherited", HCMC_2025, got.value)


def test_own_target_of_a_merged_province_wins():
    chosen = table([NATIONAL_HI, (HCMC_2025, "hi_coverage_pct", 2030, "point", 98.0, np.nan, "city plan")])
    got = target_for(chosen, HCMC_2025, "hi_coverage_pct", 2030)
    assert (got.status, got.value, got.members) == ("published", 98.0, ())


def test_bundled_targets_follow_the_rules():
    s = store.bundled_store()
    # Resolution 28-NQ/TW and 20-NQ/TW at the national level
    assert s.target("national:VN", "si_coverage_pct", 2030).value == 60.0
    assert s.target("national:VN", "si_voluntary_coverage_pct", 2025).value == 2.5
    assert s.target("national:VN", "ui_coverage_pct", 2030).value == 45.0
    hi_2030 = s.target("national:VN", "hi_coverage_pct", 2030)
    assert hi_2030.kind == "floor" and hi_2030.value == 95.0
    # Nghệ An Plan 81-KH/TU: SI 26–27 % in 2025, inherited by its districts
    vinh = s.target("district:412", "si_coverage_pct", 2025)
    assert (vinh.kind, vinh.value, vinh.value_max, vinh.status, vinh.unit) == ("range", 26.0, 27.0, "inherited",
                                                                              "province:40")


def test_override_keeps_the_floor_and_says_it_is_the_users():
    base = Target("hi_coverage_pct", 2030, "floor", 95.0, document="NQ 20", unit="national:VN")
    mine = base.with_value(97.5)
    assert (mine.kind, mine.value, mine.status, mine.document) == ("floor", 97.5, "override", "")
