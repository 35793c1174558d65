"""The Scenarios page's state machine (lib/scenarios/session.py) over a plain dict and a real SQLite scenario store:
every move a user makes (new draft, edits, save, a concurrent save and its three ways out, open, open from a link,
duplicate, compare, delete with confirmation, restore) and the message each leaves, shown once."""
from __future__ import annotations

import pytest

from lib.scenarios import model as sc
from lib.scenarios import store as ss
from lib.scenarios.session import (DRAFT, ScenarioSession, campaign_years, default_extra_per_year,
                                   denominator_rates)
from lib.targets import Target

UNIT, METRIC = "province:40", "hi_coverage_pct"
YEARS = range(2015, 2026)
INPUTS = sc.Inputs(unit=UNIT, metric=METRIC, coverage=tuple((y, 80.0 + (y - 2015)) for y in YEARS),
                   statuses=frozenset({"reported"}), denominator_metric="population",
                   denominator=tuple((y, 1_000_000.0) for y in YEARS),
                   baseline_targets=((2025, Target(METRIC, 2025, "floor", 90.0)),
                                     (2030, Target(METRIC, 2030, "floor", 95.0))))


@pytest.fixture
def db(tmp_path):
    store = ss.ScenarioStore(f"sqlite:///{tmp_path / 'scenarios.sqlite'}")
    yield store
    store.close()


def session(state: dict, db, unit=UNIT, metric=METRIC) -> ScenarioSession:
    """The page makes a new session object on every run over the same state: so do the tests."""
    return ScenarioSession(state, db, unit, metric, INPUTS if (unit, metric) == (UNIT, METRIC) else None)


def message(state: dict, db) -> tuple[str, str, dict] | None:
    return session(state, db).take_flash()


def saved_draft(state, db, name, author="Lan", **growth):
    s = session(state, db)
    if growth:
        s.set_growth(**growth)
    assert s.save(name, author)
    return db.load(name)


# -- the draft --------------------------------------------------------------------------------------------------------
def test_a_new_draft_is_the_baseline_of_the_sidebars_area_and_indicator():
    state = {}
    s = session(state, None)
    assert s.draft == sc.Scenario(unit=UNIT, metric=METRIC)
    assert s.loaded is None and not s.dirty and s.take_flash() is None


def test_the_draft_follows_the_sidebar_and_keeps_its_assumption():
    state = {}
    session(state, None).set_growth(kind="coverage_growth", points_per_year=1.5)
    moved = session(state, None, unit="province:31", metric="si_coverage_pct").follow()
    assert (moved.unit, moved.metric) == ("province:31", "si_coverage_pct")
    assert moved.growth.points_per_year == 1.5
    assert state[DRAFT] == moved


def test_a_target_edit_is_an_override_and_the_baselines_value_removes_it():
    state = {}
    s = session(state, None)
    s.set_target(2030, value=97.0)
    assert s.draft.override(UNIT, METRIC, 2030) == sc.TargetOverride(UNIT, METRIC, 2030, "floor", 97.0, None)
    s.set_target(2030, value=95.0)  # the baseline's floor of 95 again: no override left
    assert s.draft.targets == ()


def test_a_range_target_keeps_its_upper_bound_above_its_lower_one():
    state = {}
    s = session(state, None)
    s.set_target(2030, kind="range")  # from the baseline floor of 95: the range 95-95
    assert s.draft.override(UNIT, METRIC, 2030).value_max == 95.0
    s.set_target(2030, value=97.0)  # the lower bound passes the upper one: the upper one moves up
    assert (s.draft.override(UNIT, METRIC, 2030).value, s.draft.override(UNIT, METRIC, 2030).value_max) == (97, 97)
    s.set_target(2030, kind="point")  # a point has no upper bound
    assert s.draft.override(UNIT, METRIC, 2030).value_max is None


def test_a_persons_a_year_assumption_starts_at_a_round_half_point_a_year():
    # 0.5 % of a denominator of 1,000,000 = 5,000 persons a year.
    state = {}
    s = session(state, None)
    s.set_growth_kind("extra_participants")
    assert (s.draft.growth.kind, s.draft.growth.extra_per_year) == ("extra_participants", 5000.0)
    s.set_growth(extra_per_year=12_000.0)
    s.set_growth_kind("campaign")  # the campaign gets its own default; the extra figure is kept for a switch back
    assert (s.draft.growth.campaign_per_year, s.draft.growth.extra_per_year) == (5000.0, 12_000.0)
    assert default_extra_per_year(((2024, 96_123_456.0),)) == 480_000  # 480,617 to two significant digits
    assert default_extra_per_year(()) == 1000


def test_campaign_years_start_after_the_last_observed_year():
    assert campaign_years(2025) == [2026, 2027, 2028, 2029, 2030]
    assert campaign_years(2030) == [2030]


def test_denominator_growth_equal_to_the_baselines_rate_is_no_change():
    state = {}
    s = session(state, None)
    s.set_denominator("population_growth_pct", 1.5, baseline_rate=0.8)
    assert s.draft.population_growth_pct == 1.5
    s.set_denominator("population_growth_pct", 0.812, baseline_rate=0.81249)  # the rate as shown (3 decimals)
    assert s.draft.population_growth_pct is None


def test_reset_goes_back_to_the_baseline_and_keeps_the_name(db):
    state = {}
    saved_draft(state, db, "Plan A", kind="coverage_growth", points_per_year=2.0)
    s = session(state, db)
    s.reset()
    assert s.draft == sc.Scenario(unit=UNIT, metric=METRIC, name="Plan A")
    assert s.dirty  # differs from the saved version


# -- saving -----------------------------------------------------------------------------------------------------------
def test_save_writes_version_1_opens_it_and_points_the_view_at_it(db):
    state = {"metric": "si", "area": "national:VN"}
    s = session(state, db)
    s.set_growth(kind="extra_participants", extra_per_year=250_000.0)
    assert s.next_version("Plan A") is None  # nothing open: a new scenario
    assert s.save("  Plan   A ", "Lan", "first")
    saved = db.load("Plan A")
    assert (saved.name, saved.version, saved.author, saved.note) == ("Plan A", 1, "Lan", "first")
    assert sc.Scenario.from_dict(saved.payload).growth.extra_per_year == 250_000
    assert (state["scenario"], state["area"], state["metric"]) == ("Plan A", UNIT, "hi")  # the view names it
    s = session(state, db)
    assert s.loaded["version"] == 1 and not s.dirty and s.author == "Lan"
    assert s.take_flash() == ("success", "scenarios.msg.saved", {"name": "Plan A", "version": 1})


def test_saving_under_the_open_name_makes_the_next_version(db):
    state = {}
    saved_draft(state, db, "Plan A")
    s = session(state, db)
    s.set_growth(kind="coverage_growth", points_per_year=1.0)
    assert s.dirty
    assert s.next_version("plan a") == 2 and s.next_version("Plan B") is None  # the name as users mean it
    assert s.save("plan a", "Lan")
    assert [h.version for h in db.history("Plan A")] == [1, 2]
    assert not session(state, db).dirty


def test_saving_without_a_name_says_why_and_writes_nothing(db):
    state = {}
    assert not session(state, db).save("   ", "Lan")
    kind, key, params = message(state, db)
    assert (kind, key) == ("error", "scenarios.msg.invalid_name") and params["error"]
    assert db.list() == []


# -- a concurrent save: a conflict, never an overwrite; three ways out -------------------------------------------------
def _conflict(db) -> dict:
    """Lan opens version 1 and edits; Minh saves version 2 meanwhile; Lan's save finds the conflict."""
    state = {}
    first = saved_draft(state, db, "Shared plan")
    message(state, db)
    db.save("Shared plan", {**first.payload, "growth": {"kind": "coverage_growth", "points_per_year": 3.0}},
            author="Minh", expected_version=1)
    s = session(state, db)
    s.set_growth(kind="extra_participants", extra_per_year=9000.0)
    assert not s.save("Shared plan", "Lan", "mine")
    return state


def test_a_concurrent_save_is_a_conflict_that_writes_nothing(db):
    state = _conflict(db)
    c = session(state, db).conflict
    assert (c["name"], c["expected"], c["latest"], c["author"], c["deleted"]) == ("Shared plan", 1, 2, "Minh", False)
    assert [h.author for h in db.history("Shared plan")] == ["Lan", "Minh"]  # nothing written
    assert session(state, db).take_flash() is None  # the conflict shows instead, with its three buttons


def test_conflict_way_1_save_mine_as_the_version_after_theirs(db):
    state = _conflict(db)
    session(state, db).save_anyway()
    history = db.history("Shared plan")
    assert [(h.version, h.author) for h in history] == [(1, "Lan"), (2, "Minh"), (3, "Lan")]
    assert history[2].payload["growth"]["extra_per_year"] == 9000 and history[2].note == "mine"
    s = session(state, db)
    assert s.conflict is None and s.loaded["version"] == 3
    assert s.take_flash()[1] == "scenarios.msg.saved"


def test_conflict_way_1_finds_yet_another_save_and_shows_it(db):
    state = _conflict(db)
    latest = db.load("Shared plan")
    db.save("Shared plan", latest.payload, author="Hoa", expected_version=2)
    session(state, db).save_anyway()
    c = session(state, db).conflict
    assert (c["latest"], c["author"]) == (3, "Hoa")
    assert len(db.history("Shared plan")) == 3


def test_conflict_way_2_open_theirs(db):
    state = _conflict(db)
    session(state, db).open_latest()
    s = session(state, db)
    assert s.conflict is None and s.loaded["version"] == 2
    assert s.draft.growth.kind == "coverage_growth" and s.draft.growth.points_per_year == 3.0
    assert len(db.history("Shared plan")) == 2


def test_conflict_way_3_dismiss_and_keep_editing(db):
    state = _conflict(db)
    session(state, db).dismiss_conflict()
    s = session(state, db)
    assert s.conflict is None and s.draft.growth.extra_per_year == 9000.0  # my edits stay
    assert s.save("Shared plan (Lan)", "Lan")  # saved under another name
    assert {x.name for x in db.list()} == {"Shared plan", "Shared plan (Lan)"}


def test_a_new_scenario_under_a_taken_name_is_a_conflict(db):
    state = {}
    saved_draft(state, db, "Plan A")
    other = {}
    assert not session(other, db).save("PLAN A", "Minh")
    c = session(other, db).conflict
    assert (c["expected"], c["latest"], c["author"]) == (None, 1, "Lan")


def test_a_scenario_deleted_meanwhile_is_a_conflict_saying_so(db):
    state = {}
    saved_draft(state, db, "Plan A")
    db.delete("Plan A", author="Minh")
    s = session(state, db)
    s.set_growth(kind="coverage_growth")
    assert not s.save("Plan A", "Lan")
    assert session(state, db).conflict["deleted"] is True


# -- opening ----------------------------------------------------------------------------------------------------------
def test_open_a_saved_scenario_and_an_older_version(db):
    state = {}
    saved_draft(state, db, "Plan A", kind="coverage_growth", points_per_year=1.0)
    s = session(state, db)
    s.set_growth(points_per_year=2.0)
    s.save("Plan A", "Lan")
    other = {"area": "national:VN", "metric": "ui"}
    session(other, db, unit="national:VN", metric="ui_coverage_pct").open("plan a")
    s = session(other, db)
    assert s.loaded["version"] == 2 and s.draft.growth.points_per_year == 2.0 and not s.dirty
    assert (other["scenario"], other["area"], other["metric"]) == ("Plan A", UNIT, "hi")
    assert s.take_flash() == ("success", "scenarios.msg.opened", {"name": "plan a", "version": 2})
    s.open("Plan A", version=1)
    assert session(other, db).draft.growth.points_per_year == 1.0


def test_open_a_missing_scenario_says_so(db):
    state = {}
    session(state, db).open("Nothing here")
    kind, key, params = message(state, db)
    assert (kind, key, params["name"]) == ("error", "scenarios.msg.unreadable", "Nothing here")


def test_a_link_naming_a_scenario_opens_it_once(db):
    saved_draft({}, db, "Plan A", kind="coverage_growth", points_per_year=1.0)
    state = {}
    assert session(state, db).open_named("Plan A")  # the page reruns so the sidebar shows its area
    assert session(state, db).loaded["name"] == "Plan A" and state["scenario"] == "Plan A"
    assert not session(state, db).open_named("plan a")  # the one open: not opened again (edits kept)


@pytest.mark.parametrize("deleted", [False, True])
def test_a_link_naming_a_missing_or_deleted_scenario_says_which_and_clears_the_name(db, deleted):
    if deleted:
        saved_draft({}, db, "Plan A")
        db.delete("Plan A")
    state = {"scenario": "Plan A"}
    assert not session(state, db).open_named("Plan A")
    kind, key, params = message(state, db)
    assert (kind, key, params) == ("warning", "scenarios.msg.deleted" if deleted else "scenarios.msg.not_found",
                                   {"name": "Plan A"})
    assert state["scenario"] is None and session(state, db).loaded is None


def test_new_forgets_the_open_scenario(db):
    state = {}
    saved_draft(state, db, "Plan A", kind="coverage_growth", points_per_year=1.0)
    session(state, db).new()
    s = session(state, db)
    assert s.loaded is None and state["scenario"] is None and s.draft == sc.Scenario(unit=UNIT, metric=METRIC)


# -- duplicate, compare -----------------------------------------------------------------------------------------------
def test_duplicate_copies_as_version_1_and_opens_the_copy(db):
    state = {}
    saved_draft(state, db, "Base", kind="coverage_growth", points_per_year=1.0)
    message(state, db)
    assert session(state, db).duplicate("Base", "Base copy", author="Minh")
    copy = db.load("Base copy")
    assert (copy.version, copy.author, copy.payload["growth"]) == (1, "Minh", db.load("Base").payload["growth"])
    assert session(state, db).loaded["name"] == "Base copy" and state["scenario"] == "Base copy"
    assert message(state, db)[1] == "scenarios.msg.duplicated"


def test_duplicate_to_a_taken_name_writes_nothing(db):
    state = {}
    saved_draft(state, db, "Base")
    saved_draft(state, db, "Other")
    assert not session(state, db).duplicate("Base", "other")
    assert message(state, db) == ("error", "scenarios.msg.name_taken", {"name": "other"})
    assert [h.version for h in db.history("Other")] == [1]


def test_compare_two_saved_scenarios_with_the_bundled_data(db):
    from lib.store import bundled_store

    bundled = bundled_store()
    nation = "national:VN"  # the published national HI series is long enough to forecast
    inputs = sc.inputs_from_store(bundled, nation, METRIC)
    state = {}

    def s():
        return ScenarioSession(state, db, nation, METRIC, inputs)

    assert s().save("Trend", "Lan")
    s().new()
    s().set_growth(kind="coverage_growth", points_per_year=2.0)
    assert s().save("Fast", "Lan")
    sa, sb, ra, rb = s().compare(bundled, "Trend", "Fast")
    assert (sa.growth.kind, sb.growth.kind) == ("trend", "coverage_growth")
    assert rb.variant.outcomes[2030].value > ra.variant.outcomes[2030].value  # 2 points a year more
    assert [name for name, _, _ in sc.settings_diff(sa, sb)] == ["growth.kind", "growth.points_per_year"]
    with pytest.raises(ss.NotFound):
        session(state, db).compare(bundled_store(), "Trend", "Gone")


def test_denominator_rates_come_from_the_units_estimates():
    from lib.store import bundled_store

    rates = denominator_rates(bundled_store(), UNIT)
    assert set(rates) == {"population", "labour_force"}
    assert all(r is None or -5 < r < 5 for r in rates.values())  # a province grows by a few per cent a year at most


# -- delete with confirmation, restore ---------------------------------------------------------------------------------
def test_delete_asks_first_and_cancel_deletes_nothing(db):
    state = {}
    saved_draft(state, db, "Plan A")
    s = session(state, db)
    s.ask_delete("Plan A", 1)
    assert session(state, db).pending_delete == {"name": "Plan A", "version": 1}
    assert db.load("Plan A")  # nothing deleted yet
    session(state, db).cancel_delete()
    assert session(state, db).pending_delete is None and db.load("Plan A")


def test_a_confirmed_delete_keeps_a_tombstone_and_closes_the_open_scenario(db):
    state = {}
    saved_draft(state, db, "Plan A")
    message(state, db)
    session(state, db).ask_delete("Plan A", 1)
    session(state, db).confirm_delete(author="Minh")
    assert [(h.version, h.deleted, h.author) for h in db.history("Plan A")] == [(1, False, "Lan"), (2, True, "Minh")]
    s = session(state, db)
    assert s.loaded is None and state["scenario"] is None and s.pending_delete is None
    assert s.take_flash() == ("success", "scenarios.msg.deleted_ok", {"name": "Plan A"})


def test_a_delete_confirmed_after_someone_saved_deletes_nothing(db):
    state = {}
    first = saved_draft(state, db, "Plan A")
    message(state, db)
    session(state, db).ask_delete("Plan A", 1)
    db.save("Plan A", first.payload, author="Minh", expected_version=1)  # meanwhile
    session(state, db).confirm_delete()
    assert message(state, db) == ("error", "scenarios.msg.delete_conflict", {"name": "Plan A", "version": 2})
    assert not db.load("Plan A").deleted and session(state, db).loaded is not None


def test_restore_brings_a_deleted_scenario_back_with_its_settings(db):
    state = {}
    saved_draft(state, db, "Plan A", kind="coverage_growth", points_per_year=1.5)
    db.delete("Plan A")
    live, deleted = session(state, db).saved()
    assert live == [] and [d.name for d in deleted] == ["Plan A"]
    message(state, db)
    session(state, db).restore("Plan A")
    assert db.load("Plan A").payload["growth"]["points_per_year"] == 1.5
    assert message(state, db) == ("success", "scenarios.msg.restored", {"name": "Plan A", "version": 3})
    session(state, db).restore("Never saved")
    assert message(state, db)[:2] == ("error", "scenarios.msg.unreadable")  # said, not raised


# -- messages ---------------------------------------------------------------------------------------------------------
def test_a_message_is_shown_once(db):
    state = {}
    saved_draft(state, db, "Plan A")
    assert message(state, db)[1] == "scenarios.msg.saved"
    assert message(state, db) is None
    assert session(state, db).loaded["name"] == "Plan A"  # the rest of the state stays


def test_the_session_changes_the_view_only_through_its_door(db):
    """The session changes the shared view through the door it is given (the app's ui.change_view)."""
    calls = []
    state = {}
    saved_draft({}, db, "Plan A")
    ScenarioSession(state, db, UNIT, METRIC, INPUTS, change_view=lambda **c: calls.append(c)).open("Plan A")
    assert calls == [{"scenario": "Plan A", "metric": "hi", "area": UNIT}]
    assert "scenario" not in state  # nothing written behind the door's back


@pytest.mark.parametrize("name", ["   ", "bad\x01name"])
def test_a_link_with_a_name_no_scenario_can_have_says_so(db, name):
    saved_draft({}, db, "Plan A")
    state = {"scenario": name}
    s = session(state, db)
    s.open("Plan A")
    s.take_flash()
    assert not session(state, db).open_named(name)  # said, never raised (also with a scenario open)
    assert message(state, db)[:2] == ("error", "scenarios.msg.unreadable") and state["scenario"] is None


# -- the form and what the controls show --------------------------------------------------------------------------
def test_the_save_form_shows_the_open_scenarios_name_and_saves_what_is_typed(db):
    from lib.scenarios import session as sm

    state = {}
    s = session(state, db)
    s.prefill_form()
    assert state[sm.SAVE_NAME] == "" and state[sm.SAVE_AUTHOR] == ""
    state.update({sm.SAVE_NAME: "Tăng tốc", sm.SAVE_AUTHOR: "Lan", sm.SAVE_NOTE: "ghi chú"})
    assert session(state, db).save_form()
    saved = db.load("Tăng tốc")
    assert (saved.version, saved.author, saved.note) == (1, "Lan", "ghi chú")
    session(state, db).prefill_form()  # the saved one is open now: its name in the box
    assert state[sm.SAVE_NAME] == "Tăng tốc"
    state[sm.SAVE_NAME] = "typed, not saved"
    session(state, db).prefill_form()  # the same open scenario: what the user typed stays
    assert state[sm.SAVE_NAME] == "typed, not saved"
    session(state, db).new()
    session(state, db).prefill_form()  # another (no) scenario open: the box follows it
    assert state[sm.SAVE_NAME] == ""


def test_duplicate_and_restore_from_the_form_use_the_typed_names(db):
    from lib.scenarios import session as sm

    state = {sm.SAVE_AUTHOR: "Minh"}
    saved_draft(state, db, "Gốc")
    state[sm.DUPLICATE_NAME] = "Bản sao"
    assert session(state, db).duplicate_form("Gốc")
    assert state[sm.DUPLICATE_NAME] == "" and db.load("Bản sao").author == "Minh"
    state[sm.DUPLICATE_NAME] = "Bản sao"  # taken: nothing written, the box keeps the name
    assert not session(state, db).duplicate_form("Gốc") and state[sm.DUPLICATE_NAME] == "Bản sao"
    s = session(state, db)
    s.ask_delete("Gốc", db.load("Gốc").version)
    s.confirm_delete_form()
    assert "Gốc" not in [x.name for x in db.list()]
    session(state, db).restore_form("Gốc")
    assert db.load("Gốc").author == "Minh"


def test_the_controls_show_the_draft_else_the_baseline():
    state = {}
    s = session(state, None)
    base, kind, value, vmax = s.target_fields(2030)
    assert (base.value, kind, value, vmax) == (95.0, "floor", 95.0, 95.0)
    s.set_target(2030, kind="range", value=96.0, value_max=97.5)
    assert session(state, None).target_fields(2030)[1:] == ("range", 96.0, 97.5)
    s.set_growth(kind="campaign", campaign_from=2010)
    years = session(state, None).campaign_years()
    assert years == campaign_years(2025) and session(state, None).draft.growth.campaign_from == years[0]


# -- what the saved-scenario tabs show (lib/scenarios/view_text.py and the session's rules) ---------------------------
def test_a_conflicts_ways_out_name_the_versions_and_a_deleted_one_cannot_be_opened(db):
    from lib.i18n import t
    from lib.scenarios import view_text

    ways = view_text.conflict_ways(session(_conflict(db), db).conflict, "en")
    assert list(ways) == ["save", "open", "dismiss"]
    assert ways["save"] == t("scenarios.conflict_save_anyway", "en", version=3)  # after theirs, version 2
    assert ways["open"] == t("scenarios.conflict_open_latest", "en", version=2)
    state = {}
    saved_draft(state, db, "Plan A")
    db.delete("Plan A", author="Minh")
    s = session(state, db)
    s.set_growth(kind="coverage_growth")
    s.save("Plan A", "Lan")
    ways = view_text.conflict_ways(session(state, db).conflict, "en")
    assert ways["open"] is None and ways["save"] and ways["dismiss"]


def test_the_save_button_says_the_next_version_only_for_the_open_scenarios_name(db):
    from lib.i18n import t
    from lib.scenarios import view_text

    state = {}
    saved_draft(state, db, "Plan A")
    s = session(state, db)
    assert view_text.save_label(s.next_version("plan a"), "vi") == t("scenarios.save_version", "vi", version=2)
    assert view_text.save_label(s.next_version("Plan B"), "vi") == t("scenarios.save_new", "vi")


def test_the_list_starts_at_the_open_scenario(db):
    state = {}
    assert session(state, db).open_index(["A", "B"]) == 0  # nothing open: the first
    saved_draft(state, db, "B")
    assert session(state, db).open_index(["A", "B"]) == 1
    assert session(state, db).open_index(["A", "C"]) == 0  # the open one not listed


def test_a_comparison_heads_its_columns_a_and_b_and_says_when_one_cannot_be_read(db):
    from lib.store import bundled_store

    bundled = bundled_store()
    nation = "national:VN"
    state = {}

    def s():
        return ScenarioSession(state, db, nation, METRIC, sc.inputs_from_store(bundled, nation, METRIC))

    assert s().save("Trend", "Lan")
    s().new()
    s().set_growth(kind="coverage_growth", points_per_year=2.0)
    assert s().save("Fast", "Lan")
    rows, statuses, problem = s().comparison(bundled, "Trend", "Fast", "en")
    assert problem is None and {"A · Trend", "B · Fast"} <= set(rows[0]) and "reported" in statuses
    rows, statuses, problem = s().comparison(bundled, "Trend", "Gone", "en")
    assert rows is None and problem[:2] == ("error", "scenarios.msg.unreadable") and "Gone" in problem[2]["error"]


def test_a_baseline_targets_caption_shows_its_document_through_the_text_function():
    from lib.i18n import t
    from lib.scenarios import view_text

    base = Target(METRIC, 2030, "floor", 95.0, document="NQ *28*", status="published")
    caption = view_text.baseline_target_caption(base, "en", lambda s: f"<{s}>")
    assert "<NQ *28*>" in caption and t("target_status.published", "en") in caption
    assert view_text.baseline_target_caption(None, "en", str) == t("scenarios.no_baseline_target", "en")
