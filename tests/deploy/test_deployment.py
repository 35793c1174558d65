"""The deployment the README describes, run as a whole: PostgreSQL, two app processes and nginx in front of them with
sticky sessions (deploy/nginx_conf.py, the configuration the README gives), driven in Debian chromium.

- A scenario saved by an analyst whose browser nginx sends to one process opens from its link for a colleague whose
  browser nginx sends to the other process (saved scenarios live in PostgreSQL, not in the processes).
- Every request of one browser (page, static files, websocket) reaches the same process: the cookie nginx sets.
- The colleague's process is killed: on reload, nginx sends the colleague to the other process, and the view (page,
  indicator, area, year, language and scenario, all from the address) is intact.

Needs the Debian packages postgresql, nginx and chromium. Under CI (CI=true) a missing one is a failure; locally the
test skips and says which is missing. Every wait is for a condition, with a timeout."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.browser.conftest import ARGS, CHROMIUM, _free_port, start_app
from tests.browser.helpers import assert_clean, settle, wait_url
from tests.test_scenario_store import pg_server, pg_url  # noqa: F401 - the throwaway PostgreSQL cluster

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "deploy"))
import nginx_conf  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NAME = "Kế hoạch BHTN Nghệ An"
VIEW = {"lang": "en", "metric": "ui", "area": "province:40", "year": "2023"}
WAIT = 120_000  # ms: the machine may be busy; each wait is for a condition and ends as soon as it holds


def _need(what: str, found) -> None:
    if found:
        return
    message = f"{what} is required for the deployment test (Debian package; see .ci/run)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def _nginx() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


@pytest.fixture
def deployment(pg_url):  # noqa: F811 - pg_url is the imported fixture
    """PostgreSQL (pg_url), two app processes and nginx: (nginx URL, {port: process})."""
    nginx = _nginx()
    _need("nginx", nginx)
    _need("chromium", Path(CHROMIUM).exists())
    apps = {}
    tmp = Path(tempfile.mkdtemp(prefix="vnsi-nginx-"))
    ngx = None
    try:
        for _ in range(2):
            proc, url = start_app({"VNSI_DATABASE_URL": pg_url})
            apps[int(url.rsplit(":", 1)[1])] = proc
        port = _free_port()
        # The site configuration is the shipped one; the test adds a header naming the process that answered.
        site = nginx_conf.render(sorted(apps), listen=f"127.0.0.1:{port}",
                                 extra='add_header X-Vnsi-Upstream $upstream_addr always;')
        (tmp / "vnsi.conf").write_text(site)
        for d in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (tmp / d).mkdir()
        (tmp / "nginx.conf").write_text(f"""
worker_processes 1;
error_log {tmp}/error.log;
pid {tmp}/nginx.pid;
events {{ worker_connections 512; }}
http {{
    access_log {tmp}/access.log;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {tmp}/vnsi.conf;
}}
""")
        os.chmod(tmp, 0o755)  # the worker runs as `nobody` when the test runs as root
        for d in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            os.chmod(tmp / d, 0o777)
        ngx = subprocess.Popen([nginx, "-p", str(tmp), "-c", str(tmp / "nginx.conf"), "-e", str(tmp / "error.log"),
                                "-g", "daemon off;"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        _wait_health(base, ngx, tmp)
        yield base, apps
    finally:
        if ngx is not None:
            _stop(ngx)
        for proc in apps.values():
            _stop(proc)
        shutil.rmtree(tmp, ignore_errors=True)


def _wait_health(base: str, ngx: subprocess.Popen, tmp: Path) -> None:
    import time

    deadline = time.time() + 60
    while time.time() < deadline:
        if ngx.poll() is not None:
            raise RuntimeError("nginx stopped: " + ngx.stdout.read().decode() + (tmp / "error.log").read_text())
        try:
            if urllib.request.urlopen(base + "/_stcore/health", timeout=2).read() == b"ok":
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("nginx did not answer within 60 s: " + (tmp / "error.log").read_text())


def _upstream(response) -> int:
    """The app process (its port) that answered a request through nginx."""
    return int(response.headers["x-vnsi-upstream"].split(",")[-1].strip().rsplit(":", 1)[1])


def _cookie_for(base: str, port: int) -> str:
    """A vnsi_sid cookie that nginx sends to the process on `port` (as the cookie of a new visitor would be)."""
    for _ in range(200):
        with urllib.request.urlopen(base + "/_stcore/health", timeout=10) as r:
            if _upstream(r) == port:
                cookie = next(c for c in r.headers.get_all("Set-Cookie") if c.startswith("vnsi_sid="))
                return cookie.split("=", 1)[1].split(";", 1)[0]
    raise AssertionError(f"nginx never sent a new visitor to the process on port {port}")


def _context(browser, base: str, sid: str):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_cookies([{"name": "vnsi_sid", "value": sid, "url": base}])
    context.set_default_timeout(WAIT)
    return context


def _responses_by_process(page) -> list:
    """The process (its port) that answered each page load and each request to Streamlit's endpoints (/_stcore/...)
    through nginx. Static files are left out: the browser may take them from its cache."""
    seen: list[int] = []

    def record(r) -> None:
        if "x-vnsi-upstream" in r.headers and (r.request.resource_type == "document" or "/_stcore/" in r.url):
            seen.append(_upstream(r))

    page.on("response", record)
    return seen


def _scenario_shown(page) -> None:
    page.locator('[data-testid="stMainBlockContainer"] [data-testid="stCaptionContainer"]') \
        .filter(has_text="version 1").filter(has_text=NAME).first.wait_for(timeout=WAIT)
    settle(page, WAIT / 1000)


def _sidebar_choice(page, label: str) -> str:
    return page.locator('[data-testid="stSidebar"]').get_by_role("combobox", name=label).first.input_value()


def _in_own_thread(fn, timeout_s: float = 1200) -> None:
    """Run `fn` in a thread of its own: Playwright's sync API refuses to start where another Playwright (the browser
    tests' session-wide browser) already runs its event loop."""
    failed: list[BaseException] = []

    def run() -> None:
        try:
            fn()
        except BaseException as e:  # noqa: BLE001 - handed to the test's thread
            failed.append(e)

    thread = threading.Thread(target=run, name="deployment-browser")
    thread.start()
    thread.join(timeout_s)
    assert not thread.is_alive(), f"the browser part did not finish within {timeout_s:.0f} s"
    if failed:
        raise failed[0]


def test_saved_scenario_opens_on_the_other_process_and_survives_a_killed_process(deployment, pg_url):  # noqa: F811
    _in_own_thread(lambda: _scenario_across_processes(deployment, pg_url))


def _scenario_across_processes(deployment, pg_url) -> None:  # noqa: F811
    from playwright.sync_api import sync_playwright

    from lib.scenarios import model as sc
    from lib.scenarios import store as ss

    base, apps = deployment
    port_a, port_b = sorted(apps)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            # An analyst, whose browser nginx sends to process A, saves a scenario.
            analyst = _context(browser, base, _cookie_for(base, port_a))
            page = analyst.new_page()
            served = _responses_by_process(page)
            page.goto(base + "/?" + urllib.parse.urlencode(VIEW))
            settle(page, WAIT / 1000, expect=page.locator("h1").filter(has_text="Overview"))
            page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Scenarios").first.click()
            settle(page, WAIT / 1000, expect=page.locator("h1").filter(has_text="Scenarios"))
            page.get_by_text("Extra participants a year", exact=True).click()
            extra = page.locator('[data-testid="stNumberInput"]').filter(
                has_text="Extra participants a year (persons)").locator("input")
            extra.fill("45000")
            extra.press("Enter")
            settle(page, WAIT / 1000)
            page.locator('[data-testid="stTextInput"]').filter(has_text="Scenario name").locator("input").fill(NAME)
            page.get_by_role("button", name="Save as a new scenario").click()
            page.locator('[data-testid="stAlertContentSuccess"]').filter(has_text="Saved").wait_for(timeout=WAIT)
            wait_url(page, "scenario=", WAIT / 1000)
            link = page.url
            assert_clean(page)
            # every request of this browser went to process A (page, static files; the websocket is one of them)
            assert served and set(served) == {port_a}, served
            analyst.close()

            saved = ss.ScenarioStore(pg_url).load(NAME)  # in PostgreSQL, not in process A
            assert saved.version == 1 and sc.Scenario.from_dict(saved.payload).growth.extra_per_year == 45000

            # A colleague, whose browser nginx sends to process B, opens the link.
            parts = urllib.parse.urlsplit(link)
            assert f"{parts.scheme}://{parts.netloc}" == base and parts.path == "/scenarios"
            query = urllib.parse.parse_qs(parts.query)
            assert {k: query[k][0] for k in VIEW} == VIEW and query["scenario"] == [NAME]
            colleague = _context(browser, base, _cookie_for(base, port_b))
            page = colleague.new_page()
            served = _responses_by_process(page)
            page.goto(link)
            _scenario_shown(page)
            assert_clean(page)
            assert set(served) == {port_b}, served
            extra = page.locator('[data-testid="stNumberInput"]').filter(
                has_text="Extra participants a year (persons)").locator("input")
            assert extra.input_value() == "45000"

            # Process B dies (a crash, a restart): the colleague reloads and nginx sends them to process A.
            apps[port_b].send_signal(signal.SIGKILL)
            apps[port_b].wait(30)
            served.clear()
            response = page.reload()
            assert _upstream(response) == port_a
            _scenario_shown(page)
            assert_clean(page)
            assert set(served) == {port_a}, served
            # the view, from the address: page, indicator, area, year, language, scenario
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query)
            assert urllib.parse.urlsplit(page.url).path == "/scenarios"
            assert {k: query[k][0] for k in VIEW} == VIEW and query["scenario"] == [NAME]
            assert page.locator("h1").first.inner_text() == "Scenarios"
            assert _sidebar_choice(page, "Year") == "2023"
            # the area picker's option also carries the name without diacritics, for searching
            assert _sidebar_choice(page, "Area").startswith("Nghệ An (province)")
            assert page.locator('[data-testid="stSidebar"]').get_by_role("radio", name="English") \
                .get_attribute("aria-checked") == "true"
            assert extra.input_value() == "45000"
            colleague.close()
        finally:
            browser.close()
