"""Presenter mode at 1280×720 (a shared screen): no sidebar or Streamlit chrome, larger type, one view with its title
and source line inside the screen, nothing wider than the screen, no request leaving the machine."""
import os
from pathlib import Path

import pytest

from lib.i18n import t
from tests.browser.conftest import Watched
from tests.browser.helpers import assert_clean, settle, wait_layout

pytestmark = pytest.mark.browser
W, H = 1280, 720
SHOTS = Path(os.environ.get("PRESENTER_SHOTS", "")) if os.environ.get("PRESENTER_SHOTS") else None


@pytest.fixture
def screen(browser, app_url):
    context = browser.new_context(viewport={"width": W, "height": H})
    page = context.new_page()
    yield Watched(page, app_url.split("/")[2])
    context.close()


def load(page, url, chart=False):
    page.goto(url)
    page.wait_for_selector("h1", timeout=90_000)
    settle(page)
    if chart:  # a chart draws after the run ends (a map takes longest)
        page.wait_for_selector('[data-testid="stVegaLiteChart"] .marks', timeout=60_000)
    wait_layout(page)


def font_px(page, selector) -> float:
    return float(page.locator(selector).first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))


def inside_screen(locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= H + 1


VIEWS = [
    ("collections?lang=vi&area=province:31&year=2025&month=8", "Thu BHXH, BHYT, BHTN", "vi"),
    ("collections?lang=en&area=province:40&year=2020&month=9&panel=ranking", "SI, HI and UI collections", "en"),
    ("collections?lang=en&area=province:31&year=2025&month=8&panel=map", "SI, HI and UI collections", "en"),
    ("?lang=vi&area=province:40&year=2023&metric=si", "Tổng quan", "vi"),
]


@pytest.mark.parametrize("path,title,lang", VIEWS)
def test_one_view_with_title_and_source_fits_a_shared_screen(screen, app_url, tmp_path, path, title, lang):
    page = screen.page
    load(page, f"{app_url}/{path}&present=1", chart=True)
    assert_clean(page)
    if SHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"present_{path.split('?')[0] or 'overview'}_{lang}_{len(path)}.png"))
    else:
        page.screenshot(path=str(tmp_path / "present.png"))
    # No sidebar, no Streamlit header or toolbar.
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    assert not page.locator('header[data-testid="stHeader"]').is_visible()
    # Larger type: the page's base size is 20 px (Streamlit's is 16 px).
    assert page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)") == 20
    assert font_px(page, "h1") >= 32
    notice = page.locator('[data-testid="stMain"] [data-testid="stAlertContainer"] p')
    if notice.count():  # a demo notice where the view shows demo values (Nghệ An's 2023 SI is published: none)
        assert font_px(page, '[data-testid="stMain"] [data-testid="stAlertContainer"] p') >= 16
    # One view: its title, one chart, its source line, all inside 1280×720; nothing scrolls sideways.
    h1 = page.locator("h1").first
    assert h1.inner_text() == title and inside_screen(h1)
    assert page.locator('[data-testid="stVegaLiteChart"]').count() == 1
    drawn = page.locator('[data-testid="stVegaLiteChart"] .marks')
    assert drawn.count() == 1 and inside_screen(drawn), "the chart is not drawn whole on the screen"
    source = page.locator('[data-testid="stCaptionContainer"]').filter(
        has_text=t("present.source_line", lang, sources="").strip()[:5]).last
    assert source.count() == 1 or source.is_visible()
    assert inside_screen(source), "the source line is below the screen"
    assert page.evaluate("document.documentElement.scrollWidth") <= W
    # No filters or page controls, no download buttons; a discreet way out and the link.
    assert page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]').count() == 0
    assert page.locator('[data-testid="stDownloadButton"]').count() == 0
    assert page.get_by_role("button", name=t("present.exit", lang)).is_visible()
    assert page.get_by_role("button", name=t("present.link", lang)).is_visible()
    assert screen.external == set(), f"requests left the machine: {screen.external}"


def test_presenter_type_is_larger_than_normal(screen, app_url):
    page = screen.page
    load(page, f"{app_url}/collections?lang=en&area=province:40&year=2020&month=9")
    normal_value = font_px(page, '[data-testid="stMetricValue"] p')
    normal_title = font_px(page, "h1")
    load(page, f"{app_url}/collections?lang=en&area=province:40&year=2020&month=9&present=1")
    assert font_px(page, '[data-testid="stMetricValue"] p') > normal_value
    assert page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)") > 16
    assert font_px(page, '[data-testid="stCaptionContainer"] p') >= 15  # captions stay readable when shared
    assert normal_title > 0
