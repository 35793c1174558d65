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
