"""A server that has gone quiet gives back its last user's data (issue 12, memory).

Streamlit 1.67's message loop keeps the last session it sent messages to until another session follows; once that
session has ended, lib/ui.py empties it. Here a real app server (with a short reconnect time, so the test does not
wait Streamlit's 2 minutes) serves one browser tab that uploads a file; the tab is closed and no one else connects.
The process is asked what it holds through test instrumentation (heldsite/sitecustomize.py)."""
from __future__ import annotations

import json
import time
from pathlib import Path

from .helpers import settle, upload, wait_text
from .launch import ROOT, start_app, stop

RECONNECT_S = 3  # server.disconnectedSessionTTL: how long a closed tab's session is kept for a reconnect


def _ask(folder: Path, timeout_s: float = 120) -> dict:
    answer = folder / "answer"
    answer.unlink(missing_ok=True)
    (folder / "ask").write_text("?")
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if answer.exists():
            return json.loads(answer.read_text())
        time.sleep(0.1)
    raise TimeoutError("the app process did not answer")


def test_the_last_session_s_upload_is_released_once_its_tab_is_closed(browser, tmp_path):
    held = tmp_path / "held"
    held.mkdir()
    proc, url = start_app({"VNSI_HELD_DIR": str(held), "PYTHONPATH": str(ROOT / "tests" / "browser" / "heldsite"),
                           "STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL": str(RECONNECT_S),
                           "VNSI_DATABASE_URL": f"sqlite:///{tmp_path}/scenarios.sqlite"})
    try:
        mine = tmp_path / "nghe_an.csv"
        mine.write_text("province,year,hi_coverage_pct\nNghệ An,2024,66.6\n", encoding="utf-8")
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.goto(url + "/?lang=en&area=province:40")
        settle(page)
        page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Data").first.click()
        upload(page, "Upload", mine)
        page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Overview").first.click()
        wait_text(page, "Your data")  # the session holds a store resolved with its upload
        settle(page)
        assert _ask(held) == {"upload_stores": 1, "sessions": 1}
        context.close()  # the tab is closed; no other session follows

        # the reaper (every 30 s) shuts the session down once its reconnect time has passed, and empties it
        deadline = time.monotonic() + 240
        state = _ask(held)
        while state != {"upload_stores": 0, "sessions": 0} and time.monotonic() < deadline:
            time.sleep(1)
            state = _ask(held)
        assert state == {"upload_stores": 0, "sessions": 0}
    finally:
        stop(proc)
