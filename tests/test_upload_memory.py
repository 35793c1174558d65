"""Memory of uploads: sessions that loaded the same files share one resolved store, and the store is released when the
last of those sessions ends (a server used to keep every upload set it had seen until it restarted)."""
from __future__ import annotations

import gc

import pandas as pd

from lib import store as store_mod
from lib import ui
from lib.model import Dataset, normalise_observations
from tests.apptest import open_app


def _upload() -> Dataset:
    mine = normalise_observations(pd.DataFrame([
        {"unit": "province:40", "year": 2024, "period": "FY", "metric": "hi_coverage_pct", "value": 66.6,
         "status": "uploaded", "source": "nghe_an.csv row 2", "dataset": "nghe_an.csv"}]))
    return Dataset("nghe_an.csv", "uploaded", mine)


def test_an_upload_store_is_shared_by_its_sessions_and_released_when_they_end():
    up = _upload()
    key = store_mod.fingerprint([up])
    first = open_app(session={ui.UPLOADS_KEY: [up]}, area="province:40", year="2024", lang="en")
    second = open_app(session={ui.UPLOADS_KEY: [_upload()]}, area="province:40", year="2024", lang="en")
    shown = first.session_state["_store"][1]
    assert second.session_state["_store"][1] is shown  # the same files: one resolved store for both sessions
    r = shown.resolved
    assert r[(r["unit"] == "province:40") & (r["year"] == 2024) & (r["metric"] == "hi_coverage_pct")
             & (r["period"] == "FY")]["value"].tolist() == [66.6]  # the upload is in it
    del r
    assert ui._STORES.get(key) is shown
    del shown
    del first
    gc.collect()
    assert key in ui._STORES  # the second session still uses it
    del second
    gc.collect()
    assert key not in ui._STORES  # no session that loaded the file is left: released
