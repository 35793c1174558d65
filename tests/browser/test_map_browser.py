"""The map in a real browser (Debian chromium, software WebGL): hover a province, click it, see its panel, drill into
its districts, go back by the breadcrumb; step and play the years in the browser; demo polygons look different and
the demo switch hides them; nothing is fetched from another host."""
from __future__ import annotations

import io
import math
import re
import time

import pytest
import shapely

from lib.geo import layers
from lib.i18n import t

from .helpers import assert_clean, settle, wait_url

pytestmark = pytest.mark.browser


def _world(lon: float, lat: float, zoom: float) -> tuple[float, float]:
    """Web Mercator pixels at a zoom (deck.gl: a 512-pixel world at zoom 0)."""
    size = 512 * 2 ** zoom
    y = (math.pi - math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))) / (2 * math.pi) * size
    return (lon + 180) / 360 * size, y


MAP_FRAME = 'iframe[title*="deckmap"]'


def _map_frame(page):
    """The map component's frame (a page of its own: frontend/deckmap)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        page.locator(MAP_FRAME).first.wait_for(timeout=60000)
        try:  # the frame of the map element shown now (a drill-down draws a new one)
            frame = page.locator(MAP_FRAME).first.element_handle(timeout=5000).content_frame()
        except Exception:  # noqa: BLE001 - replaced while asked
            frame = None
        if frame is not None and "deckmap" in frame.url:
            return frame
        page.wait_for_timeout(100)
    raise AssertionError("no map frame")


def _view(page) -> dict:
    """The map's current view (longitude, latitude, zoom, width, height), as the component reports it."""
    return _map_frame(page).evaluate("window.__deckmapView")


def _screen_point(page, level: str, uid: str) -> tuple[float, float]:
    """Where a unit's innermost point is on screen, in the map's current view."""
    view = _view(page)
    geom = layers.load_layer(level).geometry[uid]
    lon, lat = shapely.maximum_inscribed_circle(geom).coords[0]
    box = page.locator(MAP_FRAME).first.bounding_box()
    x, y = _world(lon, lat, view["zoom"])
    cx, cy = _world(view["longitude"], view["latitude"], view["zoom"])
    point = (box["x"] + view["width"] / 2 + x - cx, box["y"] + view["height"] / 2 + y - cy)
    assert box["x"] < point[0] < box["x"] + view["width"] and box["y"] < point[1] < box["y"] + view["height"]
    return point


def _coloured(png: bytes):
    import numpy as np
    from PIL import Image

    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=int)
    return (pixels.max(axis=2) - pixels.min(axis=2)) > 40


def _wait_drawn(page, timeout_s: float = 60) -> float:
    """Wait until the map shows coloured polygons with the data of the year it says; return the seconds waited."""
    started = time.monotonic()
    frame = _map_frame(page)
    frame.wait_for_function("window.__deckmapDrawn > 0", timeout=timeout_s * 1000)
    box = page.locator(MAP_FRAME).first
    while time.monotonic() - started < timeout_s:
        if int(_coloured(box.screenshot()).sum()) > 2000:
            return time.monotonic() - started
        page.wait_for_timeout(150)
    raise AssertionError("the map did not draw")


def _hover(page, point) -> str:
    page.mouse.move(point[0] - 6, point[1] - 6)
    page.mouse.move(*point)
    tooltip = _map_frame(page).locator('#tip:not([aria-busy="true"])')  # with its lines, not just the name
    tooltip.wait_for(state="visible", timeout=30_000)
    return tooltip.inner_text()


def _wait_url(page, pattern: str, timeout_s: float = 20) -> None:
    wait_url(page, pattern, timeout_s)


def test_click_a_province_see_its_panel_drill_into_its_districts_and_go_back(watched, app_url):
    page = watched.page
    page.goto(f"{app_url}/map?year=2024")
    settle(page)
    _wait_drawn(page)
    settle(page)
    assert_clean(page)

    # hover and click Đắk Lắk on the national map of the 63 provinces
    dak_lak = _screen_point(page, "province", "province:66")
    tooltip = _hover(page, dak_lak)
    assert tooltip.splitlines()[0] == "Tỉnh Đắk Lắk"
    assert re.search(r"BHYT 2024: \d+,\d%", tooltip)
    page.mouse.click(*dak_lak)
    page.locator("h3", has_text="Tỉnh Đắk Lắk").wait_for(timeout=60_000)
    _wait_url(page, r"unit=province%3A66")
    settle(page)

    # drill into its districts
    page.locator(".st-key-_map_drill button").click()
    _wait_url(page, r"level=district")
    assert "area=province%3A66" in page.url
    settle(page)
    _wait_drawn(page)
    page.locator(".st-key-_map_crumb_1 button", has_text="Đắk Lắk").wait_for(timeout=60_000)
    area = page.locator(f'[data-testid="stSidebar"] input[aria-label="{t("filter.area", "vi")}"]')
    assert "Đắk Lắk" in area.input_value()  # the shared area filter followed the drill-down
    m_drak = _screen_point(page, "district", "district:652")
    # a name with an apostrophe and diacritics shows as written (not escaped twice)
    assert _hover(page, m_drak).splitlines()[0] == "Huyện M'Đrắk (Đắk Lắk)"
    assert_clean(page)

    # back to the whole country by the breadcrumb, the province still selected
    page.locator(".st-key-_map_crumb_0 button").click()
    wait_url(page, r"^(?!.*level=district)")
    settle(page)
    _wait_drawn(page)
    assert "unit=province%3A66" in page.url
    assert page.locator("h3", has_text="Tỉnh Đắk Lắk").count() == 1
    assert _hover(page, _screen_point(page, "province", "province:40")).splitlines()[0] == "Tỉnh Nghệ An"
    assert_clean(page)
    assert watched.external == set(), f"requests left the machine: {watched.external}"


def test_a_shared_link_reopens_the_drilled_view_in_english(watched, app_url):
    page = watched.page
    page.goto(f"{app_url}/map?lang=en&level=district&area=province%3A40&unit=district%3A412&metric=si&year=2024")
    settle(page)
    _wait_drawn(page)
    settle(page)
    assert_clean(page)
    assert page.locator("h3", has_text="Thành phố Vinh").count() == 1
    assert page.locator(".st-key-_map_crumb_1 button", has_text="Nghệ An").count() == 1
    text = page.locator('[data-testid="stMain"]').inner_text()
    assert "SI coverage · 2024" in text and "geoBoundaries" in text
    assert _hover(page, _screen_point(page, "district", "district:412")).startswith("Thành phố Vinh (Nghệ An)")
    assert watched.external == set(), f"requests left the machine: {watched.external}"


def test_the_years_step_and_play_in_the_browser_and_stop_where_shown(watched, app_url):
    page = watched.page
    page.goto(f"{app_url}/map?year=2024&metric=hi")
    settle(page)
    _wait_drawn(page)
    frame = _map_frame(page)
    before = page.locator(MAP_FRAME).first.screenshot()
    frame.locator("#year").focus()
    page.keyboard.press("ArrowLeft")
    frame.locator("#yearText", has_text="2023").wait_for(timeout=5000)
    _wait_url(page, r"year=2023")  # the view (and the link) follow the map's year
    page.locator('[data-testid="stMarkdownContainer"]', has_text="2023").first.wait_for(timeout=20000)
    assert page.locator(MAP_FRAME).first.screenshot() != before
    # the tooltip reads the year shown (each year's lines come in a file of their own)
    tooltip = _hover(page, _screen_point(page, "province", "province:66"))
    assert "BHYT 2023: " in tooltip and "2024" not in tooltip.splitlines()[1]
    page.mouse.move(5, 5)

    # play from the last year starts again from the first, then runs at two years a second or faster
    years = frame.evaluate("window.__deckmapYears")
    frame.locator("#year").focus()
    page.keyboard.press("End")
    frame.locator("#yearText", has_text=str(years[-1])).wait_for(timeout=30_000)
    _wait_url(page, rf"year={years[-1]}")  # the step's round trip to the page is over before play starts
    settle(page)
    frame = _map_frame(page)
    frame.evaluate("window.__deckmapShown = []")
    frame.locator("#play").click()
    # read the years the map showed from its own record (polling the label could miss a year under load)
    frame.wait_for_function("(window.__deckmapShown || []).length >= 3", timeout=30_000)
    shown_years = frame.evaluate("window.__deckmapShown.map(s => s.year)")
    assert shown_years[:3] == years[:3]  # from the last year, play started again from the first
    times = frame.evaluate("window.__deckmapShown.map(s => s.t)")
    # the component steps every 0.45 s; the bound leaves room for a loaded machine's late timers
    assert (times[2] - times[1]) < 1500
    # stop: control returns at the year shown. The check and the click happen in one turn of the map's own event
    # loop: checked from here, play could end between the check and the click, and the click would start it again.
    frame.evaluate("(stop) => { const b = document.getElementById('play'); if (b.textContent === stop) b.click(); }",
                   t("map.stop", "vi"))
    frame.locator("#play", has_text=t("map.play", "vi")).wait_for(timeout=30_000)
    shown = int(frame.locator("#yearText").inner_text())
    _wait_url(page, rf"year={shown}")
    page.wait_for_timeout(1000)  # nothing moves once stopped: the year shown stays (checked below)
    assert int(frame.locator("#yearText").inner_text()) == shown
    assert watched.external == set(), f"requests left the machine: {watched.external}"


def _colour_at(page, px, py):
    import numpy as np
    from PIL import Image

    shot = page.screenshot(clip={"x": px - 2, "y": py - 2, "width": 5, "height": 5})
    return np.asarray(Image.open(io.BytesIO(shot)).convert("RGB"), dtype=int).reshape(-1, 3).mean(axis=0)


def _legend_colours(page) -> list[tuple[int, int, int]]:
    html = page.locator('[data-testid="stMarkdownContainer"]', has=page.locator("svg rect")).first.inner_html()
    return [tuple(int(h[i:i + 2], 16) for i in (0, 2, 4)) for h in re.findall(r'fill="#([0-9a-fA-F]{6})"', html)]


def test_demo_polygons_look_different_from_published_colours(watched, app_url):
    """Đắk Lắk's 2024 HI value is demo in the bundled data: it is drawn muted (not in any legend class colour), and
    the legend has a demo entry."""
    page = watched.page
    page.goto(f"{app_url}/map?year=2024&metric=hi")
    settle(page)
    _wait_drawn(page)
    page.locator('[data-testid="stMarkdownContainer"]', has_text=t("map.legend.demo", "vi")).first.wait_for()
    x, y = _screen_point(page, "province", "province:66")
    page.mouse.move(5, 5)  # no hover highlight
    page.wait_for_timeout(300)
    seen = _colour_at(page, x, y)
    classes = _legend_colours(page)
    distances = sorted(sum((a - b) ** 2 for a, b in zip(seen, c)) ** 0.5 for c in classes)
    assert distances[0] > 12, f"a demo province is drawn in a published class colour: {seen}"
    assert distances[0] < 90, f"a demo province no longer shows its class: {seen}"


def test_the_demo_switch_draws_demo_units_as_no_data(watched, app_url):
    from lib import urlstate

    if "demo" not in getattr(urlstate.ViewState, "__dataclass_fields__", {}):
        pytest.skip("the view state has no demo switch yet (issue 10, the 'honest' change)")
    page = watched.page
    page.goto(f"{app_url}/map?year=2024&metric=hi&demo=0")
    settle(page)
    _map_frame(page).wait_for_function("window.__deckmapDrawn > 0", timeout=60000)
    x, y = _screen_point(page, "province", "province:66")
    page.mouse.move(5, 5)
    page.wait_for_timeout(500)
    hidden = _colour_at(page, x, y)
    assert max(hidden) - min(hidden) < 12 and abs(hidden.mean() - 189) < 30, hidden  # the no-data grey


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_sidebar_finds_an_area_typed_without_diacritics_and_answers_in_the_users_language(watched, app_url, lang):
    from lib import admin

    page = watched.page
    page.goto(f"{app_url}/map?lang={lang}&year=2024")
    settle(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    box = sidebar.get_by_role("textbox", name=t("search.area", lang))
    box.fill("xyz khong co")
    box.press("Enter")
    sidebar.get_by_text(t("search.area_none", lang, query="xyz khong co")).wait_for(timeout=60_000)
    assert "No results" not in sidebar.inner_text()

    box.fill("thanh hoa")
    box.press("Enter")
    hit = sidebar.get_by_role("button", name=admin.label("province:38", lang, with_level=True), exact=True)
    hit.wait_for(timeout=60_000)
    assert sidebar.get_by_role("button", name=admin.label("province_2025:38", lang, with_level=True),
                               exact=True).count() == 1  # the 2025 province too
    hit.click()
    _wait_url(page, r"area=province%3A38", timeout_s=60)
    settle(page)
    assert box.input_value() == ""  # the search is done: the area picker shows the choice
    assert "Thanh Hóa" in sidebar.get_by_role("combobox", name=t("filter.area", lang)).first.inner_text() + \
        sidebar.get_by_role("combobox", name=t("filter.area", lang)).first.input_value()
    assert_clean(page)
    assert watched.external == set(), f"requests left the machine: {watched.external}"


_AREA_LAYER_JS = """(uid) => {
  const deck = window.__deckmapDeck;
  const layer = deck && deck.layerManager && deck.layerManager.getLayers().find((l) => l.id === "area");
  if (!layer) return false;
  const data = layer && layer.props.data;
  const features = Array.isArray(data) ? data : (data && data.features) || [];
  return !!(layer.props.visible && layer.isLoaded && features.length === 1 && features[0].properties.uid === uid);
}"""


def test_a_province_chosen_in_the_sidebar_is_outlined_on_its_district_map(watched, app_url):
    import numpy as np
    from PIL import Image

    from lib import admin

    page = watched.page
    page.goto(f"{app_url}/map?level=district&year=2024&metric=hi")
    settle(page)
    _wait_drawn(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    box = sidebar.get_by_role("textbox", name=t("search.area", "vi"))
    box.fill("nghe an")
    box.press("Enter")
    sidebar.get_by_role("button", name=admin.label("province:40", "vi", with_level=True), exact=True).click()
    _wait_url(page, r"area=province%3A40")
    settle(page)
    _wait_drawn(page)
    frame = _map_frame(page)
    frame.wait_for_function(_AREA_LAYER_JS, arg="province:40", timeout=60_000)  # the outline layer holds Nghệ An

    # and it is drawn: dark pixels along Nghệ An's boundary (district lines are white, the neighbours' grey)
    page.mouse.move(5, 5)  # no tooltip over the boundary
    frame.wait_for_function("() => getComputedStyle(document.getElementById('tip')).display === 'none'",
                            timeout=30_000)
    view = _view(page)
    box = page.locator(MAP_FRAME).first.bounding_box()
    shot = np.asarray(Image.open(io.BytesIO(page.locator(MAP_FRAME).first.screenshot())).convert("RGB"), dtype=int)
    geom = layers.load_layer("province").geometry["province:40"]
    ring = max(getattr(geom, "geoms", [geom]), key=lambda g: g.area).exterior
    cx, cy = _world(view["longitude"], view["latitude"], view["zoom"])
    dark = 0
    samples = 16
    for k in range(samples):
        lon, lat = ring.interpolate(k / samples, normalized=True).coords[0]
        x, y = _world(lon, lat, view["zoom"])
        px, py = round(view["width"] / 2 + x - cx), round(view["height"] / 2 + y - cy)
        patch = shot[max(0, py - 3):py + 4, max(0, px - 3):px + 4]
        dark += bool(patch.size and (patch.max(axis=2) < 110).any())
    assert box["width"] > 100 and dark >= samples * 3 // 4, f"only {dark} of {samples} boundary points are outlined"
    assert_clean(page)


# Records, in the top page, when the sidebar's first filter and the panel's heading first appear (ms from navigation).
_APPEARED = """
(() => {
  if (window.top !== window) return;
  const seen = window.__appeared = {};
  const check = () => {
    const now = performance.now();
    const filter = '[data-testid="stSidebar"] [data-testid="stSelectbox"]';
    if (!seen.sidebar && document.querySelector(filter)) seen.sidebar = now;
    if (!seen.panel && document.querySelector('[data-testid="stMain"] h3')) seen.panel = now;
  };
  new MutationObserver(check).observe(document, {childList: true, subtree: true});
})();
"""


def test_a_map_link_opened_cold_draws_the_map_first_then_the_whole_page_around_the_same_map(browser, app_url):
    # A session that opens on the Map draws the map before its sidebar and panel (lib/ui.py, map_first); the map
    # reports when it is drawn, and the rest follows around the same map: not reloaded, the view of the link intact.
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_init_script(_APPEARED)
    page = context.new_page()
    w_host = app_url.split("/")[2]
    external = set()
    page.on("request", lambda r: external.add(r.url.split("/")[2])
            if r.url.startswith("http") and r.url.split("/")[2] != w_host else None)
    try:
        page.goto(f"{app_url}/map?year=2020&unit=province%3A40")
        _wait_drawn(page)
        frame = _map_frame(page)
        frame.evaluate("window.__sameDocument = true")
        page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.wait_for(timeout=60_000)
        page.locator("h3", has_text="Tỉnh Nghệ An").wait_for(timeout=60_000)
        page.locator('[data-testid="stExpander"]', has_text=t("map.settings.title", "vi")).wait_for(timeout=60_000)
        settle(page)
        drawn_at = frame.evaluate("performance.timeOrigin + window.__deckmapTimes.drawn") - page.evaluate(
            "performance.timeOrigin")
        appeared = page.evaluate("window.__appeared")
        assert appeared["sidebar"] > drawn_at and appeared["panel"] > drawn_at, (drawn_at, appeared)
        # the same map frame, drawn once: the rest of the page came around it
        assert _map_frame(page).evaluate("window.__sameDocument === true")
        assert page.locator(MAP_FRAME).count() == 1
        # the view of the link, in the URL and the sidebar
        assert "year=2020" in page.url and "unit=province%3A40" in page.url
        year = page.locator(f'[data-testid="stSidebar"] input[aria-label="{t("filter.year", "vi")}"]')
        assert year.input_value() == "2020"
        assert _map_frame(page).evaluate("window.__deckmapDrawnYear") == 2020
        assert_clean(page)
        assert external == set(), f"requests left the machine: {external}"
    finally:
        context.close()
