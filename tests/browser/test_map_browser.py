"""The map in a real browser (Debian chromium, software WebGL): hover a province, click it, see its panel, drill into
its districts, go back by the breadcrumb; nothing is fetched from another host."""
from __future__ import annotations

import io
import math
import re
import time

import pytest
import shapely

from lib.maps import core as maps
from lib.geo import layers
from lib.i18n import t

from .helpers import assert_clean, settle, wait_url

pytestmark = pytest.mark.browser


def _world(lon: float, lat: float, zoom: float) -> tuple[float, float]:
    """Web Mercator pixels at a zoom (deck.gl: a 512-pixel world at zoom 0)."""
    size = 512 * 2 ** zoom
    y = (math.pi - math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))) / (2 * math.pi) * size
    return (lon + 180) / 360 * size, y


def _screen_point(page, view: dict, level: str, uid: str) -> tuple[float, float]:
    """Where a unit's innermost point is on screen, for the map's initial view (centred in its canvas)."""
    geom = layers.load_layer(level).geometry[uid]
    lon, lat = shapely.maximum_inscribed_circle(geom).coords[0]
    box = page.locator('[data-testid="stDeckGlJsonChart"]').bounding_box()
    x, y = _world(lon, lat, view["zoom"])
    cx, cy = _world(view["longitude"], view["latitude"], view["zoom"])
    point = (box["x"] + box["width"] / 2 + x - cx, box["y"] + box["height"] / 2 + y - cy)
    assert box["x"] < point[0] < box["x"] + box["width"] and box["y"] < point[1] < box["y"] + box["height"]
    return point


def _wait_drawn(page, timeout_s: float = 60) -> float:
    """Wait until the map's canvas shows coloured polygons; return the seconds waited."""
    import numpy as np
    from PIL import Image

    started = time.monotonic()
    canvas = page.locator('[data-testid="stDeckGlJsonChart"] canvas').first
    canvas.wait_for(timeout=timeout_s * 1000)
    while time.monotonic() - started < timeout_s:
        pixels = np.asarray(Image.open(io.BytesIO(canvas.screenshot())).convert("RGB").resize((100, 100)), dtype=int)
        coloured = int(((pixels.max(axis=2) - pixels.min(axis=2)) > 40).sum())
        if coloured > 200:
            return time.monotonic() - started
        page.wait_for_timeout(150)
    raise AssertionError("the map did not draw")


def _hover(page, point) -> str:
    page.mouse.move(point[0] - 6, point[1] - 6)
    page.mouse.move(*point)
    tooltip = page.locator(".deck-tooltip")
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
    national = maps.view_for_bounds(layers.layer_bounds("province"))
    dak_lak = _screen_point(page, national, "province", "province:66")
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
    districts = maps.scope("district", "province:66")
    drilled = maps.view_for_bounds(maps.bounds("district", districts.uids))
    m_drak = _screen_point(page, drilled, "district", "district:652")
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
    assert _hover(page, _screen_point(page, national, "province", "province:40")).splitlines()[0] == "Tỉnh Nghệ An"
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
    districts = maps.scope("district", "province:40")
    view = maps.view_for_bounds(maps.bounds("district", districts.uids))
    assert _hover(page, _screen_point(page, view, "district", "district:412")).startswith("Thành phố Vinh (Nghệ An)")
    assert watched.external == set(), f"requests left the machine: {watched.external}"
