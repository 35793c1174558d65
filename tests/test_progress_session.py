"""The Progress page's own state (lib/forecast/session.py) over a plain dict: an analyst's target for one unit and
indicator, what its controls show, and the ranking's choices."""
from __future__ import annotations

from lib import store as store_mod
from lib.forecast import outlook
from lib.forecast import session as ps


def test_an_analysts_target_holds_for_its_unit_and_indicator_only():
    s = store_mod.bundled_store()
    state: dict = {}
    vinh = ps.ProgressSession(state, s, "district:412", "hi_coverage_pct")
    assert vinh.override() is None
    state[ps.OVERRIDE_YEAR], state[ps.OVERRIDE_VALUE] = 2030, 97.5
    vinh.set_override()
    target = vinh.override()
    assert (target.year, target.value) == (2030, 97.5)
    assert ps.ProgressSession(state, s, "district:413", "hi_coverage_pct").override() is None
    assert ps.ProgressSession(state, s, "district:412", "si_coverage_pct").override() is None
    state[ps.OVERRIDE_VALUE] = None  # the value box emptied: no analyst's target
    vinh.set_override()
    assert vinh.override() is None
    state[ps.OVERRIDE_VALUE] = 96.0
    vinh.set_override()
    vinh.clear_override()
    assert vinh.override() is None and ps.OVERRIDE not in state


def test_the_controls_show_the_analysts_target_else_the_units_own():
    s = store_mod.bundled_store()
    state: dict = {}
    session = ps.ProgressSession(state, s, "province:40", "hi_coverage_pct")
    uo = outlook.unit_outlook(s, "province:40", "hi_coverage_pct")
    session.feed_override_controls(uo)
    own = uo.targets[uo.main_year]
    assert state[ps.OVERRIDE_YEAR] == uo.main_year and state[ps.OVERRIDE_VALUE] == own.threshold
    state[ps.OVERRIDE_YEAR], state[ps.OVERRIDE_VALUE] = 2025, 99.0
    session.set_override()
    uo = outlook.unit_outlook(s, "province:40", "hi_coverage_pct", override=session.override())
    state[ps.OVERRIDE_YEAR] = state[ps.OVERRIDE_VALUE] = None
    session.feed_override_controls(uo)
    assert (state[ps.OVERRIDE_YEAR], state[ps.OVERRIDE_VALUE]) == (2025, 99.0)


def test_the_ranking_opens_on_2030_by_chance_until_changed():
    session = ps.ProgressSession({}, None, "national:VN", "hi_coverage_pct")
    assert (session.rank_year, session.rank_sort, session.ignore_break) == (2030, "probability", False)
    session.state.update({ps.RANK_YEAR: 2025, ps.RANK_SORT: "gap", ps.IGNORE_BREAK: True})
    assert (session.rank_year, session.rank_sort, session.ignore_break) == (2025, "gap", True)
