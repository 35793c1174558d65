"""What browser tests do often: wait for the app to finish a run, and read what it shows."""
from __future__ import annotations


def _running(page) -> bool:
    return page.locator('[data-testid="stStatusWidget"]').count() > 0 or \
        page.locator('[data-testid="stSpinner"]').count() > 0


def settle(page, timeout_s: float = 60) -> None:
    """Wait until the page has drawn content and no script run is in progress (twice in a row, because a run may
    trigger another: uploads, reruns)."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout_s * 1000)
    page.wait_for_selector('[data-testid="stMain"] [data-testid="stElementContainer"]', timeout=timeout_s * 1000)
    waited, quiet = 0.0, 0
    while waited < timeout_s and quiet < 2:
        page.wait_for_timeout(300)
        waited += 0.3
        quiet = 0 if _running(page) else quiet + 1
    # Charts draw after the script run: wait until each Vega chart has drawn its marks.
    charts = page.locator('[data-testid="stVegaLiteChart"]')
    for i in range(charts.count()):
        charts.nth(i).locator("canvas, svg").first.wait_for(timeout=timeout_s * 1000)
    page.wait_for_timeout(300)


def problems_shown(page) -> dict:
    return {
        "exceptions": page.locator('[data-testid="stException"]').all_inner_texts(),
        "error_boxes": page.locator('[data-testid="stAlertContentError"]').all_inner_texts(),
    }


def assert_clean(page, allow_error_boxes: bool = False) -> None:
    shown = problems_shown(page)
    assert not shown["exceptions"], f"exception shown on {page.url}: {shown['exceptions']}"
    if not allow_error_boxes:
        assert not shown["error_boxes"], f"error box shown on {page.url}: {shown['error_boxes']}"


def nav_links(page) -> list[str]:
    links = page.locator('[data-testid="stSidebarNav"] a')
    return [links.nth(i).get_attribute("href") for i in range(links.count())]


def upload(page, tab: str, path) -> None:
    """Upload a file on the Data page's upload tab (named `tab` in the page's language), as a user does; the tab is
    opened again afterwards because the page reruns once the file is checked."""
    page.get_by_role("tab", name=tab).click()
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    settle(page)
    page.get_by_role("tab", name=tab).click()
