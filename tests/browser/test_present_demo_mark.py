"""Presenter mode on a shared screen (1280×720): a view that shows demo values says "Minh họa / Demo" on the line
under its title, above the fold, without hovering; the same view with demo switched off (demo=0) has no such mark.
Map, Overview and Progress pages, Vietnamese and English."""
from __future__ import annotations

import pytest

from lib.i18n import t
from tests.browser.helpers import assert_clean, settle
from tests.browser.test_presenter_browser import H, W, screen  # noqa: F401 - the 1280×720 presenter screen fixture

pytestmark = pytest.mark.browser
MARK = '[data-testid="stMain"] .st-key-present_demo_mark'

# Views whose figures are demo on the bundled data: Hà Giang (province:02) has no published HI figure for 2024, and
# the province map of 2024 is mostly demo. `ready` is what the view draws once its run is done (with or without demo).
VIEWS = [
    ("?lang=vi&area=province:02&year=2024&metric=hi", "vi", '[data-testid="stMetric"]'),
    ("progress?lang=en&area=province:02&unit=province:02&metric=hi", "en", "h3, [data-testid='stVegaLiteChart']"),
    ("map?lang=vi&year=2024&metric=hi&level=province", "vi", 'iframe[title*="deckmap"]'),
]




def open_view(page, url: str, ready: str) -> None:
    page.goto(url)
    page.wait_for_selector("h1", timeout=90_000)
    page.locator(ready).first.wait_for(state="visible", timeout=90_000)
    settle(page)


@pytest.mark.parametrize("path,lang,ready", VIEWS, ids=["overview", "progress", "map"])
def test_a_presented_view_with_demo_says_so_under_its_title(screen, app_url, path, lang, ready):
    page = screen.page
    open_view(page, f"{app_url}/{path}&present=1", ready)
    assert_clean(page)
    mark = page.locator(MARK).first
    mark.wait_for(state="visible", timeout=60_000)
    assert t("honest.demo_chart", lang) in mark.inner_text()
    box, title = mark.bounding_box(), page.locator("h1").first.bounding_box()
    assert box is not None and title is not None
    assert 0 <= box["y"] and box["y"] + box["height"] <= H, "the demo mark is below the fold"
    assert box["y"] >= title["y"] + title["height"] - 1, "the mark is not under the title"
    assert box["y"] - (title["y"] + title["height"]) < 160, "the mark is far from the title line"


@pytest.mark.parametrize("path,lang,ready", VIEWS, ids=["overview", "progress", "map"])
def test_the_same_view_without_demo_has_no_mark(screen, app_url, path, lang, ready):
    page = screen.page
    open_view(page, f"{app_url}/{path}&present=1&demo=0", ready)
    assert_clean(page)
    assert page.locator(MARK).count() == 0
    assert t("honest.demo_chart", lang) not in page.locator('[data-testid="stMain"]').inner_text()
