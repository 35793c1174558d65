"""What browser tests do often: wait for the app to finish a run, wait for what a test asserts, read what it shows.

Every wait here is for a condition, bounded by a timeout; none waits for a fixed time. On a busy machine a run can
take far longer than usual, so a test waits for the element or text it is about to assert (`wait_text`,
`wait_visible`, or `settle(page, expect=...)`), not only for the app to look idle: "idle" can be seen in the instant
between a click and the rerun it starts."""
from __future__ import annotations

import re

# The app is idle: Streamlit's root says no script run is in progress (the attribute is what Streamlit's own browser
# tests read), the connection is up, no running indicator or spinner is drawn, and the main area has content.
_IDLE_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app) return false;
  const state = app.getAttribute('data-test-script-state');
  const conn = app.getAttribute('data-test-connection-state');
  if (state !== null && state !== 'notRunning') return false;
  if (conn !== null && conn !== 'CONNECTED') return false;
  if (document.querySelector('[data-testid="stStatusWidget"], [data-testid="stSpinner"]')) return false;
  return !!document.querySelector('[data-testid="stMain"] [data-testid="stElementContainer"]');
}"""

# The same, seen on several polls in a row: a run may trigger another (an upload, st.rerun), and between the two the
# page is idle for a moment.
_SETTLED_JS = """(polls) => {
  const idle = (%s)();
  window.__vnsiIdle = idle ? (window.__vnsiIdle || 0) + 1 : 0;
  return window.__vnsiIdle >= polls;
}""" % _IDLE_JS


def settle(page, timeout_s: float = 60, expect=None) -> None:
    """Wait until the app has drawn, no script run is in progress (on 5 polls in a row, 100 ms apart), and every Vega
    chart on the page has drawn its marks. With `expect` (a locator, or a text), wait for it to be visible too: pass
    what the test is about to read."""
    ms = timeout_s * 1000
    page.wait_for_selector('[data-testid="stApp"]', timeout=ms)
    page.evaluate("() => { window.__vnsiIdle = 0; }")
    page.wait_for_function(_SETTLED_JS, arg=5, polling=100, timeout=ms)
    if expect is not None:
        wait_visible(page, expect, timeout_s)
    # Charts draw after the script run: wait until each Vega chart has drawn its marks.
    charts = page.locator('[data-testid="stVegaLiteChart"]')
    for i in range(charts.count()):
        charts.nth(i).locator("canvas, svg").first.wait_for(timeout=ms)


def wait_visible(page, what, timeout_s: float = 60):
    """Wait until `what` (a locator, or a text in the page) is visible; return its locator."""
    loc = page.get_by_text(what).first if isinstance(what, (str, re.Pattern)) else what.first
    loc.wait_for(state="visible", timeout=timeout_s * 1000)
    return loc


def wait_text(page, text, timeout_s: float = 60, exact: bool = False):
    """Wait until `text` (a string or a compiled regex) is shown on the page; return its locator."""
    loc = page.get_by_text(text, exact=exact).first
    loc.wait_for(state="visible", timeout=timeout_s * 1000)
    return loc


def wait_gone(locator, timeout_s: float = 60) -> None:
    """Wait until no element matches `locator` (a dialog closed, a message cleared)."""
    locator.first.wait_for(state="detached", timeout=timeout_s * 1000)


def wait_url(page, pattern: str, timeout_s: float = 60) -> None:
    """Wait until the page address matches the regular expression `pattern` (the app rewrites it without
    navigating)."""
    page.wait_for_function("(p) => new RegExp(p).test(window.location.href)", arg=pattern, polling=100,
                           timeout=timeout_s * 1000)


def wait_grid(grid, timeout_s: float = 60) -> None:
    """Wait until a dataframe grid (a locator of stDataFrame) has drawn its first row, so it can be read or clicked."""
    grid.locator('[data-testid="glide-cell-1-0"]').first.wait_for(state="attached", timeout=timeout_s * 1000)


_STILL_JS = """(polls) => {
  const boxes = [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stElementContainer"]')].map(e => {
    const r = e.getBoundingClientRect();
    return [Math.round(r.x), Math.round(r.y), Math.round(r.width), Math.round(r.height)];
  });
  const sig = JSON.stringify([document.documentElement.scrollWidth, document.documentElement.scrollHeight, boxes]);
  const same = sig === window.__vnsiLayout && document.fonts.status === 'loaded';
  window.__vnsiLayout = sig;
  window.__vnsiStill = same ? (window.__vnsiStill || 0) + 1 : 0;
  return window.__vnsiStill >= polls;
}"""


def wait_layout(page, timeout_s: float = 60) -> None:
    """Wait until the fonts are loaded and the main area's layout no longer moves (the same boxes on 3 polls in a
    row): for tests that measure where things are on the screen."""
    page.evaluate("() => { window.__vnsiStill = 0; window.__vnsiLayout = null; }")
    page.wait_for_function(_STILL_JS, arg=3, polling=100, timeout=timeout_s * 1000)


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
    """Upload a file on the Data page's upload tab (named `tab` in the page's language), as a user does, and wait
    until the app shows the file's result (its name in a message); the tab is opened again afterwards because the
    page reruns once the file is checked."""
    page.get_by_role("tab", name=tab).click()
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    # the result names the file (a success or error message, a caption): wait for it outside the uploader widget
    name = getattr(path, "name", str(path).rsplit("/", 1)[-1])
    results = '[data-testid="stMain"] [data-testid="stElementContainer"]:not(:has([data-testid="stFileUploader"]))'
    # (attached, not visible: the rerun may have closed its tab)
    page.locator(results).filter(has_text=name).first.wait_for(state="attached", timeout=60_000)
    settle(page)
    page.get_by_role("tab", name=tab).click()
