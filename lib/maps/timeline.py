"""The timeline: every year a map view can show, in two files the browser fetches once per view.

A view here is (units drawn, metric, colour mode, language, demo switch). The view file holds, for each year of the
timeline, each unit's colour class (an index into one palette: the scale is fixed across the years, so play compares
like with like) and whether its value is demo, with the units' names: all the first frame needs. Its `tips` maps
each year to that year's tooltip file: its lines (indices into a table of strings; most lines are shared). Tooltips
are about nine tenths of a view's bytes; the component fetches the year shown after the first frame, another year
when it is shown. The component steps through the years and plays them
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
    demo: {year: [0|1]}, tips: {year: [[string index, ...]]}} in the order of `scope_.uids` (`split` makes the
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


def split(data: dict) -> tuple[dict, dict]:
    """The view file (colours, demo flags, names) and each year's tooltip file ({tips: [[string index]], strings})
    of `view_data`'s dict; a year's file holds only the strings its lines use."""
    view = {k: v for k, v in data.items() if k not in ("tips", "strings")}
    per_year = {}
    for year, rows in data["tips"].items():
        strings: list[str] = []
        index: dict[int, int] = {}

        def local(s: int) -> int:
            if s < 0:
                return s
            if s not in index:
                index[s] = len(strings)
                strings.append(data["strings"][s])
            return index[s]

        per_year[year] = {"tips": [[local(s) for s in row] for row in rows], "strings": strings}
    return view, per_year


def write(data: dict) -> tuple[str, ...]:
    """Write the view file and one tooltip file a year; their URLs, the view file's first (its `tips` maps each year
    to its tooltip file)."""
    view, per_year = split(data)
    tips = {year: assets.write("tips", body) for year, body in per_year.items()}
    return (assets.write("view", {**view, "tips": tips}), *tips.values())


def read(url: str) -> dict:
    """The view file at `url` with every year's tooltip lines in place of their files' URLs, as the browser puts
    them together: {..., tips: {year: [[string index]]}, strings}."""
    import json

    def load(u: str) -> dict:
        return json.loads(assets.path_of(u).read_text(encoding="utf-8"))

    view = load(url)
    strings: list[str] = []
    tips = {}
    for year, tips_url in view["tips"].items():
        body = load(tips_url)
        offset = len(strings)
        strings += body["strings"]
        tips[year] = [[s + offset if s >= 0 else s for s in row] for row in body["tips"]]
    return {**view, "tips": tips, "strings": strings}
