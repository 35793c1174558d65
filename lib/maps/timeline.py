"""The timeline: every year a map view can show, in two files the browser fetches once per view.

A view here is (units drawn, metric, colour mode, language, demo switch). The view file holds, for each year of the
timeline, each unit's colour class (an index into one palette: the scale is fixed across the years, so play compares
like with like) and whether its value is demo, with the units' names: all the first frame needs. Its `tips` is the
URL of the tooltip file: each year's tooltip lines (indices into a table of strings; most lines are shared), about
nine tenths of the bytes, fetched after the first frame. The component steps through the years and plays them
without asking Python (lib/maps/assets.py, frontend/deckmap/index.html).
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
    demo: {year: [0|1]}, tips: {year: [[string index, ...]]}} in the order of `scope_.uids` (`split` makes the two
    files the browser gets)."""
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
    # the two files' URLs; made again if the cache folder was pruned of either (assets.prune)
    urls = store.memo(key, lambda: write(view_data(store, scope_, metric, mode, lang, demo, breaks)),
                      valid=lambda u: all(assets.path_of(x).exists() for x in u))
    return urls[0]


TIP_KEYS = ("tips", "strings")


def split(data: dict) -> tuple[dict, dict]:
    """The view file (colours, demo flags, names) and the tooltip file (tips, strings) of `view_data`'s dict."""
    return {k: v for k, v in data.items() if k not in TIP_KEYS}, {k: data[k] for k in TIP_KEYS}


def write(data: dict) -> tuple[str, str]:
    """Write the view's two files; their URLs, the view file's first (its `tips` names the tooltip file)."""
    view, tips = split(data)
    tips_url = assets.write("tips", tips)
    return assets.write("view", {**view, "tips": tips_url}), tips_url


def read(url: str) -> dict:
    """The view file at `url` with its tooltip file's contents in place of its URL: what the browser puts together."""
    import json

    view = json.loads(assets.path_of(url).read_text(encoding="utf-8"))
    return {**view, **json.loads(assets.path_of(view["tips"]).read_text(encoding="utf-8"))}
