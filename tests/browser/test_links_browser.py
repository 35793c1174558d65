"""Shareable links in Debian chromium: a view built through the controls, copied with 'Copy link', opens the same
page, filters, language and presenter mode in a new browser (a new context: no shared session or storage)."""
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from lib import metrics
from lib.i18n import t
from tests.browser.helpers import assert_clean, settle, wait_url

pytestmark = pytest.mark.browser


def new_page(browser, app_url, width=1400, height=1000):
    context = browser.new_context(viewport={"width": width, "height": height})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app_url)
    return context, context.new_page()


def load(page, url):
    page.goto(url)
    page.wait_for_selector("h1", timeout=90_000)
    settle(page)


def pick(page, where, label, option, typed=None):
    """Choose `option` in the selectbox labelled `label` inside `where`."""
    where.get_by_role("combobox", name=label).first.click()
    if typed:
        page.keyboard.type(typed)
    page.get_by_role("option", name=option, exact=True).click()
    expect(where.get_by_role("combobox", name=label).first).to_have_value(option, timeout=60_000)
    settle(page)


def copied_link(page, scope) -> str:
    """Open the 'Copy link' popover in `scope`, press the code box's copy button, and return (box text, clipboard)."""
    scope.get_by_role("button", name=t("present.link", "en")).click()
    settle(page)
    code = page.locator('[data-testid="stPopoverBody"] [data-testid="stCode"]').first
    code.wait_for(timeout=30_000)
    shown = code.inner_text().strip()
    code.hover()
    code.get_by_role("button", name="Copy to clipboard").click()
    try:  # wait until the clipboard holds the link (what the tests compare), for at most 10 s
        page.wait_for_function("async (want) => (await navigator.clipboard.readText()).trim() === want", arg=shown,
                               polling=100, timeout=10_000)
    except Exception:  # noqa: BLE001 - the comparison below says what the clipboard holds
        pass
    clipboard = page.evaluate("navigator.clipboard.readText()")
    return shown, clipboard.strip()


def choice(scope, label) -> str:
    """The option a selectbox shows."""
    return scope.get_by_role("combobox", name=label).first.input_value()


def main_text(page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


def kpis(page) -> dict:
    """The page's cards, label -> value. Every page read here shows cards: wait until one has its value (a loaded
    machine can pass the idle check between the script's first message and the cards' delta)."""
    page.locator('[data-testid="stMetric"] [data-testid="stMetricValue"]').first.wait_for(timeout=60_000)
    settle(page)
    cards = page.locator('[data-testid="stMetric"]')
    return {cards.nth(i).locator('[data-testid="stMetricLabel"]').inner_text().strip():
            cards.nth(i).locator('[data-testid="stMetricValue"]').inner_text().strip() for i in range(cards.count())}


def test_a_collections_view_built_in_the_ui_reopens_from_its_link_in_a_new_browser(browser, app_url):
    ctx_a, page = new_page(browser, app_url)
    load(page, f"{app_url}/?lang=vi")
    page.get_by_role("link", name=t("page.collections", "vi")).click()
    settle(page)
    page.get_by_role("radio", name="English").click()
    settle(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    main = page.locator('[data-testid="stMain"]')
    arrears = metrics.by_short("arrears_ratio").name("en")
    pick(page, sidebar, "Indicator", arrears)
    pick(page, sidebar, "Year", "2020")
    find = sidebar.get_by_role("textbox", name=t("search.area", "en"))  # the area found without diacritics
    find.fill("nghe an")
    find.press("Enter")
    sidebar.get_by_role("button", name="Nghệ An (province)", exact=True).click()
    expect(sidebar.get_by_role("combobox", name="Area").first).to_have_value("Nghệ An (province) · Nghe An",
                                                                            timeout=60_000)
    settle(page)
    pick(page, main, "Period", "Jan–Sep 2020")
    main.get_by_role("radio", name="Ranking").click()
    settle(page, expect=main.locator('[data-testid="stDataFrame"]'))
    settle(page, expect=page.locator('[data-testid="stMetricValue"]').filter(has_text="4.12%"))
    assert_clean(page)
    before = kpis(page)
    assert before.get("Arrears ratio") == "4.12%"  # published: Nghệ An, end of September 2020

    shown, clipboard = copied_link(page, sidebar)
    assert clipboard == shown, "the copy button did not put the link on the clipboard"
    parts = urlsplit(shown)
    assert f"{parts.scheme}://{parts.netloc}" == app_url and parts.path == "/collections"
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert query == {"lang": "en", "metric": "arrears_ratio", "year": "2020", "area": "province:40", "month": "9",
                     "panel": "ranking"}
    ctx_a.close()

    ctx_b, fresh = new_page(browser, app_url)
    load(fresh, shown)
    settle(fresh, expect=fresh.get_by_text("Nghệ An · year to date, to end of Sep 2020"))
    assert_clean(fresh)
    assert fresh.locator("h1").first.inner_text() == "SI, HI and UI collections"
    text = main_text(fresh)
    assert "Nghệ An · year to date, to end of Sep 2020" in text
    assert kpis(fresh) == before
    side = fresh.locator('[data-testid="stSidebar"]')
    assert side.get_by_role("radio", name="English").get_attribute("aria-checked") == "true"
    for label, value in (("Indicator", arrears), ("Year", "2020"), ("Area", "Nghệ An (province) · Nghe An")):
        assert choice(side, label) == value
    assert choice(fresh.locator('[data-testid="stMain"]'), "Period") == "Jan–Sep 2020"
    assert fresh.locator('[data-testid="stMain"] [data-testid="stDataFrame"]').count() >= 1  # the ranking table
    assert fresh.locator('[data-testid="stMain"]').get_by_role("radio", name="Ranking").get_attribute(
        "aria-checked") == "true"
    assert urlsplit(fresh.url).path == "/collections"
    ctx_b.close()


def test_presenter_mode_link_reopens_presenting_and_can_be_left(browser, app_url):
    ctx_a, page = new_page(browser, app_url, 1280, 720)
    load(page, f"{app_url}/collections?lang=en&area=province:31&year=2025&month=8")
    page.locator('[data-testid="stSidebar"]').get_by_text(t("present.toggle", "en")).click()
    settle(page, expect=page.locator(".st-key-present_corner"))
    page.locator('[data-testid="stSidebar"]').wait_for(state="hidden", timeout=60_000)
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    corner = page.locator(".st-key-present_corner")
    shown, clipboard = copied_link(page, corner)
    assert clipboard == shown
    query = {k: v[0] for k, v in parse_qs(urlsplit(shown).query).items()}
    assert query["present"] == "1" and query["area"] == "province:31" and query["month"] == "8"
    ctx_a.close()

    ctx_b, fresh = new_page(browser, app_url, 1280, 720)
    load(fresh, shown)
    settle(fresh, expect=fresh.locator(".st-key-present_corner"))
    fresh.locator('[data-testid="stSidebar"]').wait_for(state="hidden", timeout=60_000)
    assert_clean(fresh)
    assert not fresh.locator('[data-testid="stSidebar"]').is_visible()
    assert fresh.locator("h1").first.inner_text() == "SI, HI and UI collections"
    assert kpis(fresh)["Collected (bn VND)"] == "19,000"  # Hải Phòng after the merger, published
    fresh.get_by_role("button", name=t("present.exit", "en")).click()
    settle(fresh, expect=fresh.locator('[data-testid="stSidebar"]'))
    wait_url(fresh, r"^(?!.*present=)")
    assert fresh.locator('[data-testid="stSidebar"]').is_visible()
    assert "present=" not in fresh.url
    ctx_b.close()


def test_level_unit_and_scenario_in_a_link_survive_and_are_copied_again(browser, app_url):
    """The map level, a selected unit and a scenario name (set by the Map and Scenarios pages) restore from a link and
    go into the next copied link, whatever page is open."""
    ctx, page = new_page(browser, app_url)
    load(page, f"{app_url}/data?lang=en&year=2023&level=district&unit=district:412&scenario=K%E1%BB%8Bch+b%E1%BA%A3n+A")
    shown, _ = copied_link(page, page.locator('[data-testid="stSidebar"]'))
    parts = urlsplit(shown)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert parts.path == "/data"
    assert query["level"] == "district" and query["unit"] == "district:412" and query["scenario"] == "Kịch bản A"
    assert query["lang"] == "en" and query["year"] == "2023"
    ctx.close()


def test_table_chart_and_brief_downloads_from_the_page(browser, app_url, tmp_path):
    """What a user downloads: the ranking as CSV (BOM, formulas neutralised), the chart as PNG and SVG with Vietnamese
    text, the unit's one-page brief as PNG."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    load(page, f"{app_url}/collections?lang=vi&area=province:40&year=2020&month=9&panel=ranking")
    main = page.locator('[data-testid="stMain"]')

    def download(name: str) -> bytes:
        button = main.locator('[data-testid="stDownloadButton"]').filter(
            has=page.get_by_text(name, exact=True)).first
        # Streamlit builds a lazily made file on click and deletes it after two clean-ups of unreferenced files,
        # which follow any session's script run; on a loaded server that can happen before the browser fetched
        # it, and the download is cancelled (a user clicks again). Click again, at most twice, then fail.
        for attempt in range(3):
            with page.expect_download(timeout=120_000) as info:
                button.click()
            if info.value.failure() is None or attempt == 2:
                break
        path = tmp_path / info.value.suggested_filename
        info.value.save_as(path)
        return path.read_bytes()

    csv = download("CSV")
    assert csv.startswith(b"\xef\xbb\xbf")  # Excel reads the Vietnamese names right
    text = csv.decode("utf-8-sig")
    assert "Nghệ An" in text and "Hạng" in text and "4836.0" in text  # plain numbers for spreadsheets
    png = download("PNG")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    svg = download("SVG").decode("utf-8")
    assert svg.startswith("<svg") and "Nghệ An" in svg and "71,29%" in svg  # Vietnamese number format
    brief = download(t("export.brief_png", "vi"))
    assert brief[:8] == b"\x89PNG\r\n\x1a\n" and len(brief) > 50_000
    assert_clean(page)
    context.close()


def test_a_unit_clicked_on_the_collections_map_is_in_the_link(browser, app_url):
    ctx_a, page = new_page(browser, app_url)
    load(page, f"{app_url}/collections?lang=en&area=province:40&year=2020&month=9&panel=map")
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    page.wait_for_selector('[data-testid="stVegaLiteChart"] .marks', timeout=60_000)
    chart.scroll_into_view_if_needed()
    chart.locator("g.mark-shape path").nth(25).click(force=True)  # one province's shape
    page.wait_for_function("() => location.search.includes('unit=')", timeout=60_000)
    settle(page)
    picked = [x for x in page.locator('[data-testid="stMain"] [data-testid="stMarkdown"]').all_inner_texts()
              if x.startswith("Showing:")]
    assert len(picked) == 1
    before = kpis(page)
    shown, _ = copied_link(page, page.locator('[data-testid="stSidebar"]'))
    unit = parse_qs(urlsplit(shown).query)["unit"][0]
    assert unit.startswith("province:") and unit != "province:40"
    ctx_a.close()

    ctx_b, fresh = new_page(browser, app_url)
    load(fresh, shown)
    assert [x for x in fresh.locator('[data-testid="stMain"] [data-testid="stMarkdown"]').all_inner_texts()
            if x.startswith("Showing:")] == picked
    assert kpis(fresh) == before
    ctx_b.close()


def test_a_link_opened_first_on_a_freshly_started_server_shows_its_view(browser):
    """After a restart, the first visitor may arrive through a shared link to a page (not /): Streamlit then starts
    in its pages-folder mode, which would run the page without app.py (no view from the URL). It must not."""
    from tests.browser.conftest import start_app

    proc, url = start_app()
    try:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        load(page, f"{url}/collections?lang=en&area=province:40&year=2020&month=9")
        assert_clean(page)
        assert page.locator("h1").first.inner_text() == "SI, HI and UI collections"
        assert kpis(page).get("% of plan") == "71.29%"
        assert page.locator('[data-testid="stSidebarNav"] a').count() == 6  # app.py's navigation, not file names
        context.close()
    finally:
        proc.terminate()
        proc.wait(10)
