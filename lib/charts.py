"""Altair charts (no Streamlit): trends against targets, with demo values drawn apart from published ones."""
from __future__ import annotations

import altair as alt
import pandas as pd

from lib import fmt
from lib.i18n import t
from lib.provenance import status_label

STATUS_COLOURS = {"reported": "#0b5cad", "uploaded": "#6a3d9a", "estimate": "#8c8c8c", "demo": "#c98a00"}
FONT = "Noto Sans, Source Sans Pro, sans-serif"


def configure(chart: alt.Chart, lang: str) -> alt.Chart:
    """Number locale of the language (93,4 in Vietnamese) and a font with Vietnamese glyphs."""
    return chart.configure(locale=alt.Locale(number=fmt.d3_locale(lang)), font=FONT) \
        .configure_view(strokeWidth=0)


def trend_with_targets(series: pd.DataFrame, targets: pd.DataFrame, lang: str, title: str = "",
                       height: int = 230, x_domain=(2015, 2030)) -> alt.Chart:
    """Year-end values as a line with points coloured by provenance; targets as diamonds (ranges as bars)."""
    data = series.assign(status_label=series["status"].astype(str).map(lambda s: status_label(s, lang)),
                         value_text=series["value"].map(lambda v: fmt.pct(v, lang, 2)))
    statuses = [s for s in STATUS_COLOURS if s in set(data["status"].astype(str))]
    colour = alt.Color("status_label:N", title=None,
                       scale=alt.Scale(domain=[status_label(s, lang) for s in statuses],
                                       range=[STATUS_COLOURS[s] for s in statuses]),
                       legend=alt.Legend(orient="top", labelLimit=200, title=None))
    x = alt.X("year:Q", title=None, scale=alt.Scale(domain=list(x_domain), nice=False),
              axis=alt.Axis(format="d", values=list(range(x_domain[0], x_domain[1] + 1, 5)), tickCount=5))
    y = alt.Y("value:Q", title="%", scale=alt.Scale(zero=False))
    tooltip = [alt.Tooltip("year:Q", title=t("chart.year", lang), format="d"),
               alt.Tooltip("value_text:N", title=t("chart.value", lang)),
               alt.Tooltip("status_label:N", title=t("chart.status", lang))]
    line = alt.Chart(data).mark_line(color="#9aa5b1").encode(x=x, y=y)
    points = alt.Chart(data).mark_point(filled=True, size=45).encode(x=x, y=y, color=colour, tooltip=tooltip)
    layers = [line, points]
    if len(targets):
        tdata = targets.assign(what=t("chart.target", lang))
        ttip = [alt.Tooltip("year:Q", title=t("chart.year", lang), format="d"),
                alt.Tooltip("label:N", title=t("chart.target", lang)),
                alt.Tooltip("document:N", title=t("chart.document", lang))]
        layers.append(alt.Chart(tdata).mark_point(shape="diamond", size=90, color="#c0392b", filled=False,
                                                  strokeWidth=2).encode(x=x, y="value:Q", tooltip=ttip))
        ranges = tdata[tdata["kind"] == "range"]
        if len(ranges):
            layers.append(alt.Chart(ranges).mark_rule(color="#c0392b", strokeWidth=3).encode(
                x=x, y="value:Q", y2="value_max:Q", tooltip=ttip))
    chart = alt.layer(*layers).properties(height=height, title=title or alt.Undefined)
    return chart
