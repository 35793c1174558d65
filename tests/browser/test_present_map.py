"""Presenter mode on a shared screen, 1280×720 and 1920×1080: the Map, Overview and Progress pages show their view
whole without scrolling: title, the map or chart, its legend, the map's timeline and the source line. The link is
copied with one button that says it did."""
from __future__ import annotations

import pytest

from lib.i18n import t
from tests.browser.conftest import Watched
from tests.browser.helpers import settle

pytestmark = pytest.mark.browser
SCREENS = [(1280, 720), (1920, 1080)]


@pytest.fixture(params=SCREENS, ids=lambda s: f"{s[0]}x{s[1]}")
def screen(request, browser, app_url):
    w, h = request.param
    context = browser.new_context(viewport={"width": w, "height": h})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    yield Watched(page, app_url.split("/")[2]), h
    context.close()


def inside(locator, height: int) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height + 1


def assert_on_screen(height: int, **parts) -> None:
    """Every named part of the view (a locator) lies wholly inside the screen's height: nothing needs a scroll."""
    off = [name for name, locator in parts.items() if not inside(locator, height)]
    assert not off, f"outside a {height}-pixel screen: {', '.join(off)}"


def open_view(page, path: str) -> None:
    """Open an address of the app (path and query) and wait until its page has drawn."""
    page.goto(path)
    page.wait_for_selector("h1", timeout=90_000)
    settle(page)


def map_frame(page):
    iframe = page.locator('iframe[title*="deckmap"]').first
    for _ in range(300):
        iframe.wait_for(timeout=90_000)
        frame = iframe.element_handle().content_frame()
        if frame is not None and "deckmap" in frame.url:
            return frame
        page.wait_for_timeout(100)
    raise AssertionError("no map frame")


def test_the_map_its_legend_timeline_title_and_source_fit_without_scrolling(screen, app_url):
    watched, height = screen
    page = watched.page
    open_view(page, f"{app_url}/map?lang=vi&year=2024&metric=hi&present=1")
    frame = map_frame(page)
    frame.wait_for_function("window.__deckmapDrawn > 0", timeout=90_000)
    settle(page)
    assert_on_screen(
        height, title=page.locator("h1").first,
        map_with_its_timeline=page.locator('iframe[title*="deckmap"]').first,
        legend=page.locator('[data-testid="stMarkdownContainer"]', has=page.locator("svg rect")).first,
        source_line=page.locator('[data-testid="stCaptionContainer"]', has_text="geoBoundaries").first)
    assert frame.locator("#play").is_visible() and frame.locator("#year").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    assert watched.external == set(), f"requests left the machine: {watched.external}"


@pytest.mark.parametrize("path,lang", [
    ("?lang=vi&area=province:40&year=2023&metric=si", "vi"),
    ("progress?lang=vi&area=province:40&year=2024&metric=hi", "vi"),
    # a forecast built on demo: the longest presented view (demo notice, marked headline and sentence, fan chart)
    ("progress?lang=vi&area=province:40&unit=district:415&year=2024&metric=si", "vi")])
def test_overview_and_progress_fit_a_shared_screen(screen, app_url, path, lang):
    watched, height = screen
    page = watched.page
    open_view(page, f"{app_url}/{path}&present=1")
    page.wait_for_selector('[data-testid="stVegaLiteChart"] .marks', timeout=60_000)
    assert_on_screen(
        height, title=page.locator("h1").first,
        chart_with_its_year_axis=page.locator('[data-testid="stVegaLiteChart"]').first,
        source_line=page.locator('[data-testid="stCaptionContainer"]').filter(
            has_text=t("present.source_line", lang, sources="").strip()[:5]).last)


def test_one_button_copies_the_link_and_says_so(screen, app_url):
    watched, _ = screen
    page = watched.page
    open_view(page, f"{app_url}/map?lang=vi&year=2022&metric=si")
    button_frame = page.frame_locator('[data-testid="stSidebar"] iframe').first
    button = button_frame.locator('[data-testid="copy-link"]')
    button.wait_for(timeout=30_000)
    assert button.inner_text() == t("present.copy", "vi")
    # The button says "copied" for a few seconds, then goes back: record every label it shows from before the click,
    # and wait until the record holds the "copied" one (a loaded machine may poll after it has gone back).
    frame = button.element_handle().owner_frame()
    button.evaluate("b => { window.__shown = []; new MutationObserver(() => window.__shown.push(b.textContent))"
                    ".observe(b, {childList: true, characterData: true, subtree: true}); }")
    button.click()
    frame.wait_for_function("label => (window.__shown || []).some((s) => s.includes(label))",
                            arg=t("present.copied", "vi"), timeout=60_000)
    copied = button.get_attribute("data-copied")
    assert "year=2022" in copied and "metric=si" in copied and "/map" in copied
    assert page.evaluate("navigator.clipboard.readText()") == copied
