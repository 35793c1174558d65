"""Save a scenario in the browser, then open the link ?scenario=NAME in a new browser context (a colleague's) and see
the same scenario. The app runs on its own temporary SQLite file (not var/)."""
from __future__ import annotations

import subprocess
import urllib.parse

import pytest

from lib.scenarios import store as ss
from lib.scenarios import model as sc

from .conftest import start_app
from .helpers import assert_clean, settle

NAME = "Kịch bản thử <i>trình duyệt</i>"


@pytest.fixture(scope="module")
def scenario_app(tmp_path_factory):
    path = tmp_path_factory.mktemp("scenario-db") / "scenarios.sqlite"
    url = f"sqlite:///{path}"
    proc, base = start_app({"VNSI_DATABASE_URL": url})
    yield base, url
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def open_scenarios(page, base: str, **params) -> None:
    # A first request after the server starts must go to the app's root (see the final report: a deep link as the
    # very first request of a fresh server runs the page without app.py).
    page.goto(base + "/?lang=en")
    settle(page)
    page.goto(base + "/scenarios?" + urllib.parse.urlencode({"lang": "en", **params}))
    page.wait_for_selector("h1:has-text('Scenarios')", timeout=60_000)
    settle(page)


def number_input(page, label: str):
    return page.locator('[data-testid="stNumberInput"]').filter(has_text=label).locator("input")


def text_input(page, label: str):
    return page.locator('[data-testid="stTextInput"]').filter(has_text=label).locator("input")


@pytest.mark.browser
def test_saved_scenario_reopens_from_its_link_in_a_new_context(browser, scenario_app):
    base, db_url = scenario_app
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    open_scenarios(page, base, metric="ui")
    page.get_by_text("Extra participants a year", exact=True).click()
    extra = number_input(page, "Extra participants a year (persons)")
    extra.wait_for(timeout=30_000)
    settle(page)
    extra.fill("123000")
    extra.press("Enter")
    settle(page)
    text_input(page, "Scenario name").fill(NAME)
    text_input(page, "Author").fill("Lan")
    page.get_by_role("button", name="Save as a new scenario").click()  # straight after typing, as users do
    page.locator('[data-testid="stAlertContentSuccess"]').filter(has_text="Saved").wait_for(timeout=30_000)
    settle(page)
    assert_clean(page)
    assert page.locator("i:has-text('trình duyệt')").count() == 0  # the name is text, never HTML
    # The address now names the scenario: the link to share.
    query = urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)
    assert query.get("scenario") == [NAME] and query.get("metric") == ["ui"]
    link = page.url
    scenario_table = page.locator('[data-testid="stDataFrame"]').first.inner_text()
    context.close()

    saved = ss.ScenarioStore(db_url).load(NAME)
    assert saved.version == 1 and sc.Scenario.from_dict(saved.payload).growth.extra_per_year == 123000

    # A colleague opens the link in a fresh browser context: same indicator, same assumption, same figures.
    other = browser.new_context(viewport={"width": 1280, "height": 720})
    page = other.new_page()
    page.goto(base + "/?lang=en")
    settle(page)
    page.goto(link)
    main_caption = page.locator('[data-testid="stMainBlockContainer"] [data-testid="stCaptionContainer"]').first
    page.locator('[data-testid="stMainBlockContainer"] [data-testid="stCaptionContainer"]') \
        .filter(has_text="version 1").first.wait_for(timeout=60_000)
    settle(page)
    assert_clean(page)
    assert number_input(page, "Extra participants a year (persons)").input_value() == "123000"
    caption = main_caption.inner_text()
    assert "UI coverage" in caption and "trình duyệt" in caption and "version 1" in caption
    assert page.locator('[data-testid="stDataFrame"]').first.inner_text() == scenario_table
    other.close()
