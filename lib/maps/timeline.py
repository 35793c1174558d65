"""The timeline: every year a map view can show, in one small file the browser fetches once per view.

A view here is (units drawn, metric, colour mode, language, demo switch). For each year of the timeline the file
holds each unit's colour class (an index into one palette: the scale is fixed across the years, so play compares
like with like), whether its value is demo, and its tooltip lines (indices into a table of strings, most lines are
shared). The component steps through the years and plays them without asking Python (lib/maps/assets.py,
frontend/deckmap/index.html).
"""
from __future__ import annotations

import hashlib

import pandas as pd

from lib import metrics
from lib.maps import assets, boundaries, features, scale, scope, values
from lib.store import Store

DEMO_ALPHA = 175  # demo polygons are muted (and outlined with dashes): they never look like published figures
FILL_ALPHA = 235


def muted(fill: list[int]) -> list[int]:
    """A demo unit's fill: its class colour washed towards white and more transparent."""
    r, g, b, _ = fill
    return [round(r + (255 - r) * 0.25), round(g + (255 - g) * 0.25), round(b + (255 - b) * 0.25), DEMO_ALPHA]


def view_data(store: Store, scope_: scope.Scope, metric: metrics.Metric, mode: str, lang: str,
              demo: bool = True, breaks: tuple[float, ...] = ()) -> dict:
    """Every year of the view: {years, palette, no_data, names, strings, cls: {year: [palette index | -1]},
    demo: {year: [0|1]}, tips: {year: [[string index, ...]]}} in the order of `scope_.uids`."""
    years = values.timeline_years(store, scope_, metric)
    palette: list[list[int]] = []
    index: dict[tuple, int] = {}
    strings: list[str] = []
    sindex: dict[str, int] = {}

    def colour(fill) -> int:
        key = tuple(int(c) for c in fill)
        if key not in index:
            index[key] = len(palette)
            palette.append(list(key))
        return index[key]

    def string(text: str) -> int:
        if not text:
            return -1
        if text not in sindex:
            sindex[text] = len(strings)
            strings.append(text)
        return sindex[text]

    names = features.unit_names(scope_.level)
    out = {"years": years, "names": [names.get(uid, uid) for uid in scope_.uids], "cls": {}, "demo": {}, "tips": {}}
    for year in years:
        data = values.map_data(store, scope_, metric, year, mode, demo, breaks)
        props = features.feature_properties(data, metric, mode, year, lang, scope_,
                                        values.people(store, scope_, metric, year, demo))
        is_demo = (data.frame["status"].astype(str) == "demo").to_numpy()
        cls = []
        for fill, value, flag in zip(props["fill"], data.frame["shown"], is_demo):
            if pd.isna(value) and not data.blank_communes:
                cls.append(-1)
            else:
                cls.append(colour(muted(fill) if flag else fill))
        out["cls"][str(year)] = cls
        out["demo"][str(year)] = [int(x) for x in is_demo]
        lines = ["tip_value", "tip_people", "tip_target", "tip_source"] if values.gap_allowed(metric) else \
            ["tip_value", "tip_people", "tip_source"]
        out["tips"][str(year)] = [[string(str(row[k])) for k in lines] for row in props[lines].to_dict("records")]
    out["palette"] = palette
    out["no_data"] = scale.rgba(scale.NO_DATA, FILL_ALPHA)
    out["strings"] = strings
    return out


def data_url(store: Store, scope_: scope.Scope, metric: metrics.Metric, mode: str, lang: str,
             demo: bool = True, uploads: dict | None = None, breaks: tuple[float, ...] = ()) -> str:
    """The URL of the view's data file (made once per store and view; `breaks`: the user's own class breaks)."""
    mode = values.effective_mode(metric, mode)
    tag = hashlib.sha256("|".join(scope_.uids).encode()).hexdigest()[:16]
    upload_tag = boundaries.uses_upload(scope_.level, uploads) and uploads[scope_.level].name
    key = ("maps.view", scope_.level, scope_.area, tag, metric.id, mode, lang, demo, upload_tag,
           tuple(breaks))
    return store.memo(key, lambda: assets.write(
        "view", view_data(store, scope_, metric, mode, lang, demo, breaks)))
