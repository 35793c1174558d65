"""Each unit's properties on the map: its name with diacritics, the fill of its colour class, and its tooltip lines
(value or gap, participants and denominator, target and whose it is, status and source), as plain text.
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import pandas as pd

from lib import admin, fmt, metrics
from lib.gap import from_points as gap_from_points, gap_text
from lib.i18n import t
from lib.maps.scale import NO_DATA, rgba
from lib.maps.scope import NATIONAL, Scope
from lib.maps.values import effective_mode, gap_allowed, MapData
from lib.provenance import short, status_label, value_text
from lib.store import Store
from lib.targets import Target

COMMUNE_ALPHA = 110  # communes without data of their own show their province's colour, faded


def tooltip_text(value) -> str:
    """Text for a tooltip property. Streamlit's map escapes every property it puts into the tooltip's HTML (so a
    pre-escaped '&#x27;' would show as such); angle brackets are still neutralised here, so that no text from a data
    file could become markup even where a tooltip were not escaped."""
    return str(value).replace("<", "‹").replace(">", "›")


def target_text(target: Target | None, lang: str) -> str:
    return fmt.target_text(target, lang, missing="")


def target_origin(target: Target, lang: str) -> str:
    """Whose target it is: the unit's own (published or the user's), inherited from a province or the nation, or
    weighted from the legacy provinces'."""
    if target.status == "inherited":
        whose = t("map.panel.national", lang) if target.unit == NATIONAL else admin.display_name(target.unit)
        return t("map.target.inherited", lang, unit=whose)
    if target.status == "derived":
        return t("map.target.derived", lang)
    if target.status == "uploaded":
        return t("map.target.uploaded", lang)
    return t("map.target.own", lang)


def source_text(status, source, lang: str) -> str:
    """Status and a short source: 'Demo', 'Published · vietnamplus.vn', 'Demo · sum of legacy provinces'."""
    if status is None or (isinstance(status, float) and math.isnan(status)):
        return ""
    source = str(source or "")
    parts = [status_label(str(status), lang)]
    if "sum:province" in source:
        parts.append(t("map.source.sum_provinces", lang))
    elif "sum:district" in source:
        parts.append(t("map.source.sum_districts", lang))
    elif status in ("reported", "uploaded"):
        text = short(source.removeprefix("rate:"), 40)
        if text:
            parts.append(text)
    return " · ".join(parts)


@lru_cache(maxsize=None)
def unit_names(level: str) -> dict[str, str]:
    """uid -> the name shown on hover, with diacritics: 'Tỉnh Nghệ An'; districts and communes with their province,
    'Thành phố Vinh (Nghệ An)'."""
    u = admin.level_units(level)
    if level not in ("district", "commune"):
        return dict(zip(u.index, u["name"]))
    parents = admin.units()["short_name"].reindex(u["parent"]).to_numpy()
    return {uid: f"{name} ({parent})" for uid, name, parent in zip(u.index, u["name"], parents)}


def people_text(row, metric: metrics.Metric, lang: str) -> str:
    """'Người tham gia 2.970.132 / dân số 3.503.885 (ước tính)': the rate's two counts, its denominator named."""
    if not gap_allowed(metric) or metric.numerator is None or pd.isna(row["participants"]):
        return ""
    text = t("map.tip.participants", lang, n=value_text(fmt.persons(row["participants"], lang),  # demo says so
                                                       row.get("participants_status"), lang))
    if not pd.isna(row["denominator"]):
        status = str(row["denominator_status"] or "")
        text += " / " + t(f"map.tip.denominator.{metric.denominator}", lang, n=fmt.persons(row["denominator"], lang))
        if status in ("estimate", "demo"):
            text += f" ({status_label(status, lang).lower()})"
    return text


def unit_people_text(store: Store, uid: str, metric: metrics.Metric, year: int, lang: str,
                     demo: bool = True) -> str:
    """The panel's line of participants and denominator for one unit (as in its tooltip)."""
    row = {}
    for column, metric_id in (("participants", metric.numerator), ("denominator", metric.denominator)):
        series = store.series(uid, metric_id) if metric_id else pd.DataFrame(columns=["year", "value", "status"])
        now = series[series["year"] == year]
        if len(now) and (demo or str(now["status"].iloc[0]) != "demo"):
            row[column], row[f"{column}_status"] = float(now["value"].iloc[0]), str(now["status"].iloc[0])
        else:
            row[column], row[f"{column}_status"] = np.nan, None
    return people_text(row, metric, lang)


def feature_properties(data: MapData, metric: metrics.Metric, mode: str, year: int, lang: str,
                       scope_: Scope, counts: pd.DataFrame | None = None) -> pd.DataFrame:
    """Flat properties of each feature: uid, name (with diacritics), value (what the colour encodes), fill (RGBA of
    its class), and the tooltip lines tip_value, tip_people (participants and denominator, from `counts`: see
    `people`), tip_target, tip_source (plain text; see `tooltip_text`)."""
    mode = effective_mode(metric, mode)
    frame, scale = data.frame, data.scale
    names = unit_names(scope_.level)
    if data.blank_communes:
        colour = NO_DATA if data.backdrop is None else scale.colour_of([data.backdrop])[0]
        fills = [rgba(colour, COMMUNE_ALPHA)] * len(frame)
    else:
        fills = [rgba(colour, 235) for colour in scale.colour_of(frame["shown"])]
    mname = metric.short_name(lang)
    no_data = t("map.tip.no_commune_data" if scope_.level == "commune" else "map.tip.no_data", lang, metric=mname,
                year=year)
    target_lines: dict = {}  # most units share an inherited target: format each once
    source_lines: dict = {}
    tip_value, tip_target, tip_source = [], [], []
    for value, gap, target, target_year, status, source in zip(
            frame["value"], frame["gap"], frame["target"], frame["target_year"], frame["status"], frame["source"]):
        if pd.isna(value):
            tip_value.append(no_data)
        elif mode == "value" or pd.isna(gap):  # a demo value says so in itself ('93,4% [minh họa]')
            tip_value.append(t("map.tip.value", lang, metric=mname, year=year,
                               value=value_text(fmt.pct(value, lang, 1), status, lang)))
        else:
            tip_value.append(t("map.tip.gap", lang, metric=mname, year=year,
                               value=value_text(fmt.pct(value, lang, 1), status, lang),
                               gap=value_text(gap_text(gap_from_points(gap), lang), status, lang)))
        if not gap_allowed(metric):
            tip_target.append("")
        else:
            key = (target_year, None if target is None else (target.kind, target.value, target.value_max,
                                                             target.status, target.unit))
            if key not in target_lines:
                target_lines[key] = t("map.tip.no_target", lang, year=target_year) if target is None else \
                    t("map.tip.target", lang, year=target_year, target=target_text(target, lang),
                      origin=target_origin(target, lang))
            line = target_lines[key]
            if mode == "value" and target is not None and not pd.isna(gap):
                line += " — " + value_text(gap_text(gap_from_points(gap), lang), status, lang)  # the one gap (lib/gap.py)
            tip_target.append(line)
        if (status, source) not in source_lines:
            source_lines[(status, source)] = " · ".join(
                x for x in (source_text(status, source, lang),
                            t("map.tip.approximate", lang) if scope_.approximate else "") if x)
        tip_source.append(source_lines[(status, source)])
    props = pd.DataFrame({
        "uid": frame.index,
        "name": [tooltip_text(names.get(uid, uid)) for uid in frame.index],
        # object dtype keeps None (JSON null) for units without a value; a float column would make it NaN
        "value": pd.Series([None if pd.isna(v) else float(v) for v in frame["shown"]], index=frame.index,
                           dtype=object),
        "fill": fills,
        "tip_value": [tooltip_text(x) for x in tip_value],
        "tip_target": [tooltip_text(x) for x in tip_target],
        "tip_source": [tooltip_text(x) for x in tip_source],
        "tip_people": [tooltip_text(people_text(row, metric, lang)) for row in counts.reindex(frame.index).to_dict(
            "records")] if counts is not None else [""] * len(frame),
    }, index=frame.index)
    return props


def tooltip(metric: metrics.Metric) -> dict:
    """The tooltip template (our own markup; the property values are escaped by the map when interpolated)."""
    lines = ["<b>{name}</b>", "{tip_value}"]
    if gap_allowed(metric):
        lines.append("{tip_target}")
    lines.append('<span style="opacity:.8">{tip_source}</span>')
    return {"html": "<br/>".join(lines),
            "style": {"backgroundColor": "#1b2430", "color": "#ffffff", "fontSize": "14px", "lineHeight": "1.35",
                      "padding": "8px 10px", "borderRadius": "4px", "maxWidth": "340px",
                      "fontFamily": "Noto Sans, Source Sans Pro, sans-serif"}}
