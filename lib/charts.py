"""Altair charts (no Streamlit): trends against targets, with demo values drawn apart from published ones."""
from __future__ import annotations

import altair as alt
import pandas as pd

from lib import fmt
from lib.i18n import t
from lib.provenance import status_label, value_text

STATUS_COLOURS = {"reported": "#0b5cad", "uploaded": "#6a3d9a", "estimate": "#8c8c8c", "demo": "#c98a00"}
FONT = "Noto Sans, Source Sans Pro, sans-serif"


def configure(chart: alt.Chart, lang: str) -> alt.Chart:
    """Number locale of the language (93,4 in Vietnamese) and a font with Vietnamese glyphs."""
    return chart.configure(locale=alt.Locale(number=fmt.d3_locale(lang)), font=FONT) \
        .configure_view(strokeWidth=0)


def trend_with_targets(series: pd.DataFrame, targets: pd.DataFrame, lang: str, title: str = "",
                       height: int = 230, x_domain=(2015, 2030)) -> dict:
    """Year-end values as a line with points coloured by provenance; targets as diamonds (ranges as bars).

    Returned as a plain Vega-Lite spec (draw it with lib.ui.chart, or wrap it with alt.LayerChart.from_dict): built
    directly it costs about a millisecond, against tens for the same chart through Altair's validation, and pages
    draw several of these on every rerun."""
    data = [{"year": int(r.year), "value": float(r.value), "status_label": status_label(str(r.status), lang),
             "status": str(r.status), "value_text": value_text(fmt.pct(float(r.value), lang, 2), str(r.status), lang)}
            for r in series.itertuples()]
    _segments(data)
    statuses = [s for s in STATUS_COLOURS if s in set(series["status"].astype(str))]
    x = {"field": "year", "type": "quantitative", "title": None,
         "scale": {"domain": list(x_domain), "nice": False},
         "axis": {"format": "d", "values": list(range(x_domain[0], x_domain[1] + 1, 5))}}
    y = {"field": "value", "type": "quantitative", "title": "%", "scale": {"zero": False}}
    tooltip = [{"field": "year", "type": "quantitative", "title": t("chart.year", lang), "format": "d"},
               {"field": "value_text", "type": "nominal", "title": t("chart.value", lang)},
               {"field": "status_label", "type": "nominal", "title": t("chart.status", lang)}]
    colour = {"field": "status_label", "type": "nominal", "title": None,
              "scale": {"domain": [status_label(s, lang) for s in statuses],
                        "range": [STATUS_COLOURS[s] for s in statuses]},
              "legend": {"orient": "top", "labelLimit": 200, "title": None}}
    real = [d for d in data if d["status"] != "demo"]
    demo = [d for d in data if d["status"] == "demo"]
    layers = []
    # Real values: a solid line, broken where a year has no real value (a gap is never bridged with demo).
    if real:
        layers.append({"data": {"values": real}, "mark": {"type": "line", "color": "#9aa5b1"},
                       "encoding": {"x": x, "y": y, "detail": {"field": "segment", "type": "nominal"}}})
    # Demo values: a dashed orange line and hollow points, apart from any real series.
    if demo:
        layers.append({"data": {"values": demo}, "mark": {"type": "line", "color": STATUS_COLOURS["demo"],
                                                          "strokeDash": DEMO_DASH, "opacity": 0.8},
                       "encoding": {"x": x, "y": y, "detail": {"field": "segment", "type": "nominal"}}})
    if data:  # (an empty layer with a colour scale of no statuses cannot be drawn to a file)
        layers.append({"data": {"values": data}, "mark": {"type": "point", "size": 45, "strokeWidth": 2},
                       "encoding": {"x": x, "y": y, "color": colour, "tooltip": tooltip,
                                    "fill": {"condition": {"test": "datum.status === 'demo'", "value": "white"},
                                             "field": "status_label", "type": "nominal", "scale": colour["scale"],
                                             "legend": None},
                                    "shape": {"condition": {"test": "datum.status === 'demo'", "value": "diamond"},
                                              "value": "circle"}}})
    if len(targets):
        tdata = [{"year": int(r.year), "value": float(r.value), "value_max": float(r.value_max), "kind": r.kind,
                  "label": fmt.target_text(r, lang), "document": r.document} for r in targets.itertuples()]
        ttip = [{"field": "year", "type": "quantitative", "title": t("chart.year", lang), "format": "d"},
                {"field": "label", "type": "nominal", "title": t("chart.target", lang)},
                {"field": "document", "type": "nominal", "title": t("chart.document", lang)}]
        layers.append({"data": {"values": tdata},
                       "mark": {"type": "point", "shape": "diamond", "size": 90, "color": "#c0392b", "filled": False,
                                "strokeWidth": 2},
                       "encoding": {"x": x, "y": {"field": "value", "type": "quantitative"}, "tooltip": ttip}})
        ranges = [d for d in tdata if d["kind"] == "range"]
        if ranges:
            layers.append({"data": {"values": ranges}, "mark": {"type": "rule", "color": "#c0392b", "strokeWidth": 3},
                           "encoding": {"x": x, "y": {"field": "value", "type": "quantitative"},
                                        "y2": {"field": "value_max"}, "tooltip": ttip}})
    spec = {"$schema": "https://vega.github.io/schema/vega-lite/v6.json", "height": height, "layer": layers}
    if demo:  # the picture says demo in itself (also when exported or presented)
        title = demo_title(title, lang)
    if title:
        spec["title"] = title
    return spec


DEMO_DASH = [5, 4]


def demo_title(title: str, lang: str) -> str:
    """A chart title that says the chart shows demo values: 'BHYT — Minh họa / Demo'."""
    return t("honest.demo_chart_title", lang, title=title) if title else t("honest.demo_chart", lang)


def _segments(data: list[dict]) -> None:
    """Number the runs of consecutive years of one status (the line breaks between runs)."""
    seg, prev = 0, None
    for d in data:
        if prev is not None and (d["year"] != prev["year"] + 1 or (d["status"] == "demo") != (prev["status"] == "demo")):
            seg += 1
        d["segment"] = seg
        prev = d


# -- the demo mark of a picture ----------------------------------------------------------------------------------------
# A chart (on screen, exported to PNG/SVG/PDF, presented) that draws any demo value says so in its title, whoever built
# it: the data it carries is read for value statuses. A row is demo when a status field says demo (the id or its label
# in the language) or a value's text carries the demo mark ("94,95% [minh họa]").
_STATUS_FIELDS = ("status", "status_label", "data_status")


def _demo_words(lang: str) -> tuple[set[str], str]:
    return {"demo", status_label("demo", lang)}, t("honest.demo_value", lang, value="").strip()


def _row_is_demo(row: dict, words: set[str], mark: str) -> bool:
    for key, value in row.items():
        if isinstance(value, dict):  # a map feature: its values are in its properties
            if key == "properties" and _row_is_demo(value, words, mark):
                return True
            continue
        if not isinstance(value, str):
            continue
        if (key in _STATUS_FIELDS or key.endswith(".status")) and value in words:
            return True
        if value.endswith(mark):
            return True
    return False


def _frame_is_demo(frame: pd.DataFrame, words: set[str], mark: str) -> bool:
    for col in frame.columns:
        name = str(col)
        values = frame[col]
        if not (values.dtype == object or pd.api.types.is_string_dtype(values)
                or isinstance(values.dtype, pd.CategoricalDtype)):
            continue
        text = values.dropna().astype(str)
        if (name in _STATUS_FIELDS or name.endswith(".status")) and text.isin(words).any():
            return True
        if text.str.endswith(mark).any():
            return True
    return False


def _spec_is_demo(node, words: set[str], mark: str) -> bool:
    if isinstance(node, dict):
        data = node.get("data")
        if isinstance(data, dict) and isinstance(data.get("values"), (list, tuple)):
            if any(isinstance(r, dict) and _row_is_demo(r, words, mark) for r in data["values"]):
                return True
        for rows in (node.get("datasets") or {}).values():
            if any(isinstance(r, dict) and _row_is_demo(r, words, mark) for r in rows):
                return True
        return any(_spec_is_demo(node[k], words, mark) for k in ("layer", "vconcat", "hconcat", "concat", "spec")
                   if k in node)
    if isinstance(node, (list, tuple)):
        return any(_spec_is_demo(n, words, mark) for n in node)
    return False


def _altair_is_demo(chart, words: set[str], mark: str) -> bool:
    data = getattr(chart, "data", alt.Undefined)
    if isinstance(data, pd.DataFrame) and _frame_is_demo(data, words, mark):
        return True
    if isinstance(data, dict) and _spec_is_demo({"data": data}, words, mark):
        return True
    for key in ("layer", "vconcat", "hconcat", "concat"):
        subs = getattr(chart, key, alt.Undefined)
        if isinstance(subs, (list, tuple)) and any(_altair_is_demo(s, words, mark) for s in subs):
            return True
    spec = getattr(chart, "spec", alt.Undefined)
    return spec is not alt.Undefined and not isinstance(spec, (str, dict)) and _altair_is_demo(spec, words, mark)


def shows_demo(chart, lang: str) -> bool:
    """Whether a chart (an Altair chart or a Vega-Lite spec as a dict) draws any demo value."""
    words, mark = _demo_words(lang)
    if isinstance(chart, dict):
        return _spec_is_demo(chart, words, mark)
    return _altair_is_demo(chart, words, mark)


def _title_text(title) -> str:
    if isinstance(title, dict):
        title = title.get("text", "")
    elif hasattr(title, "to_dict") and not isinstance(title, str):
        title = title.to_dict().get("text", "")
    if isinstance(title, (list, tuple)):
        return " ".join(map(str, title))
    return "" if title is alt.Undefined or title is None else str(title)


LONG_TITLE = 60  # characters: past this a title may be cut short with an ellipsis, so the mark goes first


def _marked_line(line: str, lang: str) -> str:
    if len(line) > LONG_TITLE:
        return t("honest.demo_chart_title_first", lang, title=line)
    return demo_title(line, lang)


def _marked_title(title, lang: str):
    """The title with the demo mark: a string gets the suffix (a long one the mark first, where an ellipsis cannot
    hide it), a list of lines on its first line, a title object in its text."""
    if isinstance(title, dict):
        return {**title, "text": _marked_title(title.get("text", ""), lang)}
    if isinstance(title, (list, tuple)) and title:
        return [_marked_line(str(title[0]), lang), *map(str, title[1:])]
    return _marked_line("" if title is alt.Undefined or title is None else str(title), lang)


def mark_demo(chart, lang: str):
    """The chart with "Minh họa / Demo" in its title when it draws any demo value (unchanged otherwise, and when its
    title already says so). A dict spec comes back as a new dict; an Altair chart as a new chart."""
    if not shows_demo(chart, lang):
        return chart
    if isinstance(chart, dict):
        title = chart.get("title", "")
        if t("honest.demo_chart", lang) in _title_text(title):
            return chart
        return {**chart, "title": _marked_title(title, lang)}
    title = getattr(chart, "title", alt.Undefined)
    if t("honest.demo_chart", lang) in _title_text(title):
        return chart
    if hasattr(title, "to_dict") and not isinstance(title, str):
        title = title.to_dict()
    return chart.properties(title=_marked_title(title, lang))
