"""Fixtures for browser tests: the app served on a free port, and Debian chromium driven by Playwright.

Under CI (CI=true) a missing chromium is an error, never a skip. Each page fixture records exceptions and error boxes
the app shows and every request that leaves the machine."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from .launch import ARGS, CHROMIUM, ROOT, free_port as _free_port, start_app, stop  # noqa: F401 - one definition


@pytest.fixture(scope="session")
def app_url():
    proc, url = start_app()
    yield url
    stop(proc)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Debian chromium is required for browser tests under CI (apt-get install chromium)")
        pytest.skip("Debian chromium not installed (apt-get install chromium); browser tests skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Watched:
    """A page plus what it did: requests to other hosts."""

    def __init__(self, page, host: str):
        self.page = page
        self.external: set[str] = set()
        page.on("request", lambda r: self.external.add(r.url.split("/")[2])
                if r.url.startswith("http") and r.url.split("/")[2] != host else None)


@pytest.fixture
def watched(browser, app_url):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    w = Watched(page, app_url.split("/")[2])
    yield w
    context.close()
