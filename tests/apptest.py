"""Opening the app headless (Streamlit's AppTest) on a page, as a link would: query parameters, then the page."""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")  # AppTest resolves relative paths against the caller


def open_app(page: str | None = None, lang: str | None = None, session: dict | None = None, timeout: int = 90,
             **params) -> AppTest:
    """Run app.py with these query parameters (and session state), then switch to `page`; no exception allowed."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    if lang is not None:
        at.query_params["lang"] = lang
    for name, value in params.items():
        at.query_params[name] = value
    for name, value in (session or {}).items():
        at.session_state[name] = value
    at.run()
    if page is not None:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at
