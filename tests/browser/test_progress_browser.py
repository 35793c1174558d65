"""The Progress & forecast page in chromium: the fan chart draws, picking another unit or typing another target changes
the probability sentence, and the page address reopens the same unit for a colleague."""
from __future__ import annotations

import urllib.parse

import pytest

from .helpers import assert_clean, settle, wait_grid


def open_progress(page, base: str, **params) -> None:
    page.goto(base + "/?lang=en")  # a fresh server's first request goes to the root (see test_scenarios_browser)
    settle(page)
    page.goto(base + "/progress?" + urllib.parse.urlencode({"lang": "en", **params}))
    page.wait_for_selector("h1:has-text('Progress & forecast')", timeout=60_000)
    settle(page, 60)


def headline(page) -> str:
    h = page.locator('[data-testid="stMarkdownContainer"] h3').first
    h.wait_for(timeout=30_000)
    return h.inner_text().strip()


def chart_drawn(page) -> bool:
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.wait_for(timeout=30_000)
    surface = chart.locator("canvas, svg.marks").first
    surface.wait_for(timeout=30_000)
    box = surface.bounding_box()
    return box is not None and box["width"] > 300 and box["height"] > 200


@pytest.mark.browser
def test_fan_chart_draws_and_the_chance_follows_unit_and_target(watched, app_url):
    page = watched.page
    # Quế Phong, a district of Nghệ An: nothing published, so its forecast rests on demo values and says so
    open_progress(page, app_url, metric="si", area="province:40", unit="district:415")
    assert chart_drawn(page)
    first = headline(page)
    assert "%" in first and "2030" in first
    page.get_by_text("Demo forecast").first.wait_for(timeout=30_000)  # demo history: said on screen

    # another unit: Vinh, a district of Nghệ An
    page.locator('[data-testid="stSelectbox"]').filter(has_text="Unit").click()
    page.get_by_role("option", name="Thành phố Vinh").click()
    settle(page, 60)
    assert "Thành phố Vinh" in page.locator('[data-testid="stMain"]').inner_text()
    second = headline(page)
    assert chart_drawn(page)
    assert "unit=district%3A412" in page.url or "unit=district:412" in urllib.parse.unquote(page.url)

    # another target for this view only
    page.get_by_text("Try another target (this view only)").click()
    box = page.locator('[data-testid="stNumberInput"]').filter(has_text="Target (%)").locator("input")
    box.wait_for(timeout=30_000)
    box.fill("55")
    box.press("Enter")
    settle(page, 60)
    third = headline(page)
    assert "55%" in third and third != second
    assert page.get_by_text("Using your target 55%").count() == 1
    assert_clean(page)
    assert not watched.external, f"requests left the machine: {watched.external}"

    # the address reopens the same unit in a colleague's browser (the typed target is not part of the link)
    link = page.url
    other = page.context.browser.new_context(viewport={"width": 1280, "height": 720})
    page2 = other.new_page()
    page2.goto(link)
    page2.wait_for_selector("h1:has-text('Progress & forecast')", timeout=60_000)
    settle(page2, 60)
    assert headline(page2) == second
    other.close()


@pytest.mark.browser
def test_ranking_and_evidence_views(watched, app_url):
    page = watched.page
    open_progress(page, app_url, metric="hi", area="province:40", panel="ranking")
    table = page.locator('[data-testid="stDataFrame"]').first
    table.wait_for(timeout=60_000)
    assert page.get_by_text("units, ranked by chance of meeting the target").count() == 1
    # a click on the first row opens that unit's forecast (the selection column is at the left of the grid)
    wait_grid(table)  # its rows are drawn: the click lands on one
    box = table.bounding_box()
    page.mouse.click(box["x"] + 15, box["y"] + 35 + 17)
    page.wait_for_url("**panel=forecast**", timeout=60_000)
    settle(page, 60)
    assert "unit=district" in page.url and "%" in headline(page)
    page.locator('[data-testid="stButtonGroup"] button').filter(has_text="Ranking").click()
    page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=60_000)
    settle(page, 60)
    page.locator('[data-testid="stButtonGroup"] button').filter(has_text="Backtest evidence").click()
    page.get_by_text("this method's 80% intervals contained").first.wait_for(timeout=60_000)
    page.get_by_text("This unit's own backtest").first.wait_for(timeout=60_000)
    settle(page, 60)
    assert page.locator('[data-testid="stDataFrame"]').count() >= 2  # the unit's own backtest, the forecast
    assert "panel=evidence" in page.url
    assert_clean(page)
