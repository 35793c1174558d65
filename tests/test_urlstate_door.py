"""The view door (ui.change_view) in a running Streamlit script: a page's change lands under the view's own keys,
and a bad change is refused naming the parameter. (AppTest runs the whole script even for a fragment's control, so the
door's whole-app rerun from a fragment is not observable here.)"""
from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _door_app():
    import streamlit as st

    from lib import ui

    st.button("to 2020", key="year_2020", on_click=lambda: ui.change_view(year=2020, unit="district:412", month=None))
    st.button("bad", key="bad", on_click=lambda: ui.change_view(month=13))

    ui.bound(st.selectbox, "level", "Level", ["province", "district"])
    ui.bound(st.selectbox, "month", "Month", [None, 9, 13])  # 13: a page bug the door must catch
    st.write(f"view: {ui.view().year} {ui.view().unit}")


def _open() -> AppTest:
    at = AppTest.from_function(_door_app, default_timeout=30)
    at.session_state["_url_loaded"] = True  # as app.py leaves it after reading the URL
    at.run()
    assert not at.exception
    return at


def test_a_change_is_written_under_the_views_own_keys():
    at = _open()
    at.button(key="year_2020").click().run()
    assert not at.exception
    assert (at.session_state["year"], at.session_state["unit"], at.session_state["month"]) == \
        (2020, "district:412", None)
    assert "view: 2020 district:412" in at.markdown[-1].value


def test_a_bad_change_is_refused_naming_the_parameter_and_nothing_is_written():
    at = _open()
    at.button(key="bad").click().run()
    assert at.exception and "'month'" in at.exception[0].value
    assert "month" not in at.session_state



def test_a_bound_widget_writes_through_the_door():
    at = _open()
    at.selectbox(key="_w_level").set_value("district").run()
    assert not at.exception and at.session_state["level"] == "district"
    at.selectbox(key="_w_month").set_value(9).run()
    assert not at.exception and at.session_state["month"] == 9
    at.selectbox(key="_w_month").set_value(13).run()
    assert at.exception and "'month'" in at.exception[0].value


def test_no_page_writes_a_view_parameter_past_the_door():
    """Pages change the shared view only through ui.change_view (checked by urlstate): no raw session-state write of
    a view parameter's key is left in any page or in app.py."""
    import re
    from pathlib import Path

    from lib import urlstate

    root = Path(__file__).resolve().parents[1]
    names = "|".join(urlstate.PARAMS)
    raw = re.compile(rf"""session_state\[\s*["']({names})["']\s*\]\s*=(?!=)""")
    offenders = [f"{p.name}:{i}" for p in [*sorted((root / "pages").glob("*.py")), root / "app.py"]
                 for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if raw.search(line)]
    assert offenders == []
