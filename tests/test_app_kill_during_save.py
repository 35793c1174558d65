"""The issue's test: kill the running app with SIGKILL while it is saving a scenario, then find the database
consistent and the earlier versions intact.

Set-up: a temporary SQLite file; a helper (this process, the same lib code) saves versions 1-3 of a scenario; the app
starts on the same file with VNSI_SAVE_HOLD_S set, so a save stays open inside its transaction (after its insert,
before its commit) long enough to be killed. In the browser, the scenario is opened from its link (the app reads
what the helper wrote), changed and saved as version 4. While the app holds SQLite's write lock (checked: another
connection cannot begin a write), the app process is killed. Afterwards: PRAGMA integrity_check is ok, versions 1-3
are byte-for-byte what was saved, version 4 does not exist (never half-written), the file is not left locked, and a
restarted app opens the scenario again."""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lib.scenarios import store as ss
from lib.scenarios import model as sc
from tests.browser.conftest import CHROMIUM, start_app  # noqa: E402

NAME = "Kế hoạch BHXH 2030"


def _browser_or_skip():
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Debian chromium is required under CI (apt-get install chromium)")
        pytest.skip("Debian chromium not installed")


def _write_lock_held(path: Path) -> bool:
    """True while another connection holds SQLite's write lock (a save in progress)."""
    probe = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as exc:
        return "locked" in str(exc)
    finally:
        probe.close()


# The browser runs in a child process: this test may share a pytest session with the browser fixture's Playwright,
# and one process cannot run two synchronous Playwright instances.
DRIVER = r"""
import sys, urllib.parse
sys.path.insert(0, sys.argv[1])
from playwright.sync_api import sync_playwright
from tests.browser.conftest import ARGS, CHROMIUM
from tests.browser.helpers import problems_shown, settle
base, name, version, action = sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(base + "/?lang=en")
    settle(page)
    page.goto(base + "/scenarios?" + urllib.parse.urlencode({"lang": "en", "scenario": name}))
    caption = page.locator('[data-testid="stMainBlockContainer"] [data-testid="stCaptionContainer"]')
    caption.filter(has_text=name).filter(has_text="version " + version).first.wait_for(timeout=60_000)
    settle(page)
    print("OPENED", problems_shown(page), flush=True)
    if action == "save":
        page.get_by_text("Coverage growth (points a year)", exact=True).click()
        page.locator('[data-testid="stNumberInput"]').filter(has_text="Coverage growth (points a year)") \
            .wait_for(timeout=30_000)
        settle(page)
        page.get_by_role("button", name="Save as version " + str(int(version) + 1)).click()
        print("CLICKED", flush=True)
        sys.stdin.readline()  # the test kills the app meanwhile, then tells us to close the browser
    browser.close()
"""


def _drive(base: str, version: int, action: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", DRIVER, str(ROOT), base, NAME, str(version), action],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _wait_line(proc: subprocess.Popen, prefix: str, timeout: float = 120) -> str:
    deadline = time.time() + timeout
    while time.time() < deadline:
        line = proc.stdout.readline()
        if line.startswith(prefix):
            return line
        if not line and proc.poll() is not None:
            break
    raise AssertionError(f"the browser driver did not report {prefix}: {proc.stdout.read()[-3000:]}")


@pytest.mark.browser
@pytest.mark.slow
def test_kill_the_app_during_a_save(tmp_path):
    _browser_or_skip()
    path = tmp_path / "scenarios.sqlite"
    url = f"sqlite:///{path}"
    helper = ss.ScenarioStore(url)
    written = []
    for version, extra in enumerate((100_000, 200_000, 300_000), start=1):
        s = sc.Scenario(unit="national:VN", metric="si_coverage_pct", name=NAME,
                        growth=sc.Growth("extra_participants", extra_per_year=extra))
        written.append(helper.save(NAME, s.to_dict(), author="helper", note=f"v{version}",
                                   expected_version=version - 1 if version > 1 else None))
    helper.close()

    proc, base = start_app({"VNSI_DATABASE_URL": url, ss.HOLD_ENV: "60"})
    driver = None
    try:
        driver = _drive(base, 3, "save")
        opened = _wait_line(driver, "OPENED")  # the app read what the helper wrote: version 3
        assert "'exceptions': []" in opened and "'error_boxes': []" in opened, opened
        _wait_line(driver, "CLICKED")
        deadline, held = time.time() + 30, False
        while time.time() < deadline and not held:
            held = _write_lock_held(path)
            time.sleep(0.1)
        assert held, "the app never started its save"
        proc.kill()  # SIGKILL, mid-transaction
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
        if driver is not None and driver.poll() is None:
            try:
                driver.communicate("quit\n", timeout=30)  # closes its browser cleanly
            except subprocess.TimeoutExpired:
                driver.kill()

    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    after = ss.ScenarioStore(url)
    report = after.integrity()
    assert report["ok"] and report["engine_check"] == "ok", report
    history = after.history(NAME)
    assert [h.version for h in history] == [1, 2, 3]  # version 4 was never committed, and nothing half-written
    for before, now in zip(written, history):
        assert (now.payload_text, now.payload_sha256, now.author, now.note) == \
            (before.payload_text, before.payload_sha256, before.author, before.note)
    assert not _write_lock_held(path)  # the killed transaction left no lock behind
    v4 = after.save(NAME, history[-1].payload, author="helper", note="after the crash", expected_version=3)
    assert v4.version == 4
    after.close()

    # A restarted app (no hold) opens the scenario at its new version.
    proc, base = start_app({"VNSI_DATABASE_URL": url})
    try:
        driver = _drive(base, 4, "open")
        opened = _wait_line(driver, "OPENED")
        assert "'exceptions': []" in opened and "'error_boxes': []" in opened, opened
        driver.wait(60)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
