"""The Scenarios page in AppTest, in both languages: controls change the comparison at once; save, open (also from
the URL), duplicate, compare, delete with confirmation and restore, against a real SQLite file."""
from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lib.scenarios import store as ss
from lib.scenarios import model as sc
from lib.i18n import t
from tests.apptest import open_app

ROOT = Path(__file__).resolve().parents[1]
PAGE = "pages/scenarios.py"


@pytest.fixture
def db_url(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'scenarios.sqlite'}"
    monkeypatch.setenv("VNSI_DATABASE_URL", url)
    return url


def open_page(lang: str, **params) -> AppTest:
    return open_app(PAGE, lang, timeout=60, **params)


def results_table(at, lang):
    """The baseline/scenario table as {figure: (baseline, scenario)}."""
    df = at.dataframe[0].value
    return {r[t("scenarios.col_what", lang)]: (r[t("scenarios.col_baseline", lang)],
                                               r[t("scenarios.col_scenario", lang)]) for _, r in df.iterrows()}


def texts(elements) -> str:
    return " ".join(str(e.value) for e in elements)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_page_shows_baseline_and_scenario_without_the_placeholder(db_url, lang):
    at = open_page(lang)
    assert t("placeholder.scenarios", lang) not in texts(at.info)
    assert at.title[0].value == t("page.scenarios", lang)
    table = results_table(at, lang)
    row = t("scenarios.row_p_meet", lang, year=2030)
    assert table[row][0] == table[row][1]  # nothing changed yet: the scenario is the baseline
    assert len(at.metric) == 4
    spec = json.dumps(json.loads(at.get("vega_lite_chart")[0].proto.spec), ensure_ascii=False)
    assert t("scenarios.series_baseline", lang) in spec and t("scenarios.series_scenario", lang) in spec


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_moving_a_control_updates_the_comparison(db_url, lang):
    at = open_page(lang, metric="si", area="province:02")  # a demo SI series (the nation's published one is short)
    row_value = t("scenarios.row_value", lang, year=2030)
    row_p = t("scenarios.row_p_meet", lang, year=2030)
    before = results_table(at, lang)
    at.radio(key="sc_growth_kind").set_value("extra_participants").run()
    at.number_input(key="sc_extra").set_value(2_000_000).run()
    assert not at.exception
    after = results_table(at, lang)
    assert after[row_value][0] == before[row_value][0]  # the baseline column stays
    assert after[row_value][1] != after[row_value][0]  # the scenario column moved
    assert after[row_p][1] != after[row_p][0]
    assert at.metric[1].delta  # the coverage card shows the change against the baseline
    # A target override shows in the table too.
    at.number_input(key="sc_value_2030").set_value(70.0).run()
    assert results_table(at, lang)[t("scenarios.row_target", lang, year=2030)][1] == "70%"


def test_a_control_change_reruns_within_budget(db_url):
    at = open_page("en")
    at.radio(key="sc_growth_kind").set_value("extra_participants").run()
    times = []
    for x in range(100_000, 600_000, 100_000):
        t0 = time.perf_counter()
        at.number_input(key="sc_extra").set_value(x).run()
        times.append(time.perf_counter() - t0)
    times.sort()
    # AppTest adds its own overhead to the script time; the page itself takes ~0.1-0.2 s here.
    assert times[len(times) // 2] < 0.6, times


def save(at, name, author="Lan", note=""):
    at.text_input(key="sc_save_name").input(name)
    at.text_input(key="sc_save_author").input(author)
    at.text_area(key="sc_save_note").input(note)
    at.run()
    at.button(key="sc_save").click().run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_save_open_from_url_and_save_a_new_version(db_url, lang):
    at = open_page(lang, metric="si", area="province:02")  # a demo SI series (the nation's published one is short)
    at.radio(key="sc_growth_kind").set_value("extra_participants").run()
    at.number_input(key="sc_extra").set_value(250_000).run()
    save(at, "Kịch bản *SI* <b>2030</b>", note="đẩy mạnh")
    assert t("scenarios.msg.saved", lang, name="x", version=1).split("**")[0] in texts(at.success)
    assert "<b>" not in texts(at.success).replace("\\<", "")  # shown as text, never as HTML
    store = ss.ScenarioStore(db_url)
    saved = store.load("Kịch bản *SI* <b>2030</b>")
    scenario = sc.Scenario.from_dict(saved.payload)
    assert (saved.version, saved.author, saved.note) == (1, "Lan", "đẩy mạnh")
    assert scenario.metric == "si_coverage_pct" and scenario.growth.extra_per_year == 250_000
    assert at.session_state["scenario"] == saved.name  # the view state app.py writes into the URL

    # A new session opened with ?scenario=NAME shows the same scenario.
    other = open_page(lang, scenario=saved.name)
    assert other.session_state["metric"] == "si"
    assert other.radio(key="sc_growth_kind").value == "extra_participants"
    assert other.number_input(key="sc_extra").value == 250_000
    assert results_table(other, lang) == results_table(at, lang)

    # Changing it and saving under the same name makes version 2.
    other.number_input(key="sc_extra").set_value(300_000).run()
    assert other.button(key="sc_save").label == t("scenarios.save_version", lang, version=2)
    other.button(key="sc_save").click().run()
    assert [h.version for h in store.history(saved.name)] == [1, 2]
    assert store.load(saved.name, version=1).payload["growth"]["extra_per_year"] == 250_000


def test_a_concurrent_save_is_a_conflict_never_an_overwrite(db_url):
    at = open_page("en")
    save(at, "Shared plan")
    store = ss.ScenarioStore(db_url)
    first = store.load("Shared plan")
    store.save("Shared plan", {**first.payload, "note": "theirs"}, author="Minh", expected_version=1)  # meanwhile
    at.radio(key="sc_growth_kind").set_value("coverage_growth").run()
    at.button(key="sc_save").click().run()
    assert "Minh" in texts(at.error) and "version 2" in texts(at.error)
    assert [h.version for h in store.history("Shared plan")] == [1, 2]  # nothing written
    at.button(key="sc_conflict_save").click().run()  # "save mine as version 3"
    history = store.history("Shared plan")
    assert [h.version for h in history] == [1, 2, 3]
    assert history[1].author == "Minh" and history[2].payload["growth"]["kind"] == "coverage_growth"


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_duplicate_compare_delete_with_confirmation_and_restore(db_url, lang):
    at = open_page(lang)
    save(at, "Base")
    at.radio(key="sc_growth_kind").set_value("coverage_growth").run()
    at.number_input(key="sc_points").set_value(1.5).run()
    at.text_input(key="sc_save_name").input("Fast").run()
    at.button(key="sc_save").click().run()
    store = ss.ScenarioStore(db_url)
    assert {s.name for s in store.list()} == {"Base", "Fast"}

    # Duplicate the chosen scenario under a new name: version 1 with the same settings.
    at.selectbox(key="sc_choice").set_value("Base").run()
    at.text_input(key="sc_dup_name").input("Base copy").run()
    at.button(key="sc_duplicate").click().run()
    copy = store.load("Base copy")
    assert copy.version == 1 and copy.payload["growth"] == store.load("Base").payload["growth"]

    # Compare two: settings side by side, differing ones marked.
    at.selectbox(key="sc_cmp_a").set_value("Base").run()
    at.selectbox(key="sc_cmp_b").set_value("Fast").run()
    frames = [d.value for d in at.dataframe]
    compare = next(f for f in frames if "A · Base" in f.columns)
    growth = compare[compare[t("scenarios.col_what", lang)] == t("scenarios.cmp.growth", lang)].iloc[0]
    assert growth["A · Base"] == t("scenarios.growth_text.trend", lang)
    assert growth["B · Fast"] != growth["A · Base"] and growth[t("scenarios.col_changed", lang)] == "●"

    # Delete asks first; nothing is deleted until confirmed.
    at.selectbox(key="sc_choice").set_value("Fast").run()
    at.button(key="sc_delete").click().run()
    assert "Fast" in texts(at.warning)
    assert "Fast" in {s.name for s in store.list()}
    at.button(key="sc_delete_no").click().run()
    assert "Fast" in {s.name for s in store.list()}
    at.selectbox(key="sc_choice").set_value("Fast").run()
    at.button(key="sc_delete").click().run()
    at.button(key="sc_delete_yes").click().run()
    assert "Fast" not in {s.name for s in store.list()}
    assert [h.version for h in store.history("Fast")] == [1, 2]  # kept, as a tombstone version

    # Restore from the deleted list.
    at.selectbox(key="sc_restore_choice").set_value("Fast").run()
    at.button(key="sc_restore").click().run()
    assert store.load("Fast").payload["growth"]["points_per_year"] == 1.5


def test_an_unknown_scenario_in_the_url_is_reported(db_url):
    at = open_page("en", scenario="No such plan")
    assert "No such plan" in texts(at.warning)
    assert at.session_state["scenario"] is None


def test_the_page_works_when_the_database_is_unreachable(tmp_path, monkeypatch):
    monkeypatch.setenv("VNSI_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    at = open_page("en")
    assert at.dataframe  # the what-if part still works
    assert t("scenarios.msg.unavailable", "en", error="").split(":")[0] in texts(at.error)


def test_saving_without_a_name_says_why_and_writes_nothing(db_url):
    at = open_page("vi")
    at.button(key="sc_save").click().run()
    assert t("scenarios.msg.invalid_name", "vi", error="").split(":")[0] in texts(at.error)
    assert ss.ScenarioStore(db_url).list() == []


def test_a_conflict_can_open_theirs_or_be_dismissed_and_a_message_shows_once(db_url):
    at = open_page("en")
    save(at, "Shared plan")
    assert "Shared plan" in texts(at.success)
    at.run()  # the next run: the message was shown once
    assert "Shared plan" not in texts(at.success)
    store = ss.ScenarioStore(db_url)
    first = store.load("Shared plan")
    theirs = {**first.payload, "growth": {**first.payload["growth"], "kind": "coverage_growth",
                                          "points_per_year": 2.5}}
    store.save("Shared plan", theirs, author="Minh", expected_version=1)

    at.radio(key="sc_growth_kind").set_value("extra_participants").run()
    at.button(key="sc_save").click().run()
    assert "Minh" in texts(at.error)
    at.button(key="sc_conflict_dismiss").click().run()  # keep editing: the conflict goes, my edit stays
    assert "Minh" not in texts(at.error) and at.radio(key="sc_growth_kind").value == "extra_participants"

    at.button(key="sc_save").click().run()
    at.button(key="sc_conflict_open").click().run()  # open theirs instead
    assert at.radio(key="sc_growth_kind").value == "coverage_growth"
    assert at.number_input(key="sc_points").value == 2.5
    assert at.button(key="sc_save").label == t("scenarios.save_version", "en", version=3)
    assert [h.version for h in store.history("Shared plan")] == [1, 2]  # nothing of mine was written


def test_new_starts_from_the_baseline_and_an_older_version_opens_from_the_history(db_url):
    at = open_page("en")
    at.radio(key="sc_growth_kind").set_value("coverage_growth").run()
    at.number_input(key="sc_points").set_value(1.0).run()
    save(at, "Plan")
    at.number_input(key="sc_points").set_value(2.0).run()
    at.button(key="sc_save").click().run()
    at.button(key="sc_new").click().run()
    assert at.session_state["scenario"] is None and at.radio(key="sc_growth_kind").value == "trend"
    at.selectbox(key="sc_history_version").set_value(1).run()
    at.button(key="sc_open_version").click().run()
    assert at.number_input(key="sc_points").value == 1.0 and at.session_state["scenario"] == "Plan"


def test_reset_brings_every_control_back_to_the_baseline(db_url):
    at = open_page("en")
    baseline = results_table(at, "en")
    at.number_input(key="sc_value_2030").set_value(70.0).run()
    at.radio(key="sc_growth_kind").set_value("coverage_growth").run()
    at.number_input(key="sc_points").set_value(2.0).run()
    assert results_table(at, "en") != baseline
    next(b for b in at.button if b.label == t("scenarios.reset", "en")).click().run()
    assert at.radio(key="sc_growth_kind").value == "trend"
    assert at.number_input(key="sc_value_2030").value != 70.0 and results_table(at, "en") == baseline
