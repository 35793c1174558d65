"""The fan chart of the Progress & forecast page (Altair, no Streamlit): the year-end history coloured by provenance,
the forecast's median with its 80 % and 95 % intervals to 2030, and the targets as reference lines (ranges as bands).

A forecast made from a history with demo values is drawn in the demo colour and labelled as a demo forecast."""
from __future__ import annotations

import copy
import hashlib

import altair as alt
import pandas as pd

from lib import fmt
from lib.charts import STATUS_COLOURS
from lib.i18n import t
from lib.provenance import status_label
from lib.recent import Recent

FORECAST_COLOUR = "#0b5cad"
TARGET_COLOUR = "#c0392b"
FIRST_YEAR = 2015


def frames(uo, lang: str) -> dict[str, pd.DataFrame]:
    """The chart's data: history, forecast band (starting at the last observed value) and targets."""
    h = uo.history.copy()
    h = h.assign(status_label=h["status"].map(lambda s: status_label(s, lang)),
                 value_text=h["value"].map(lambda v: fmt.pct(v, lang, 2)))
    fc = uo.result.forecast_frame()
    if len(fc) and uo.result.last_year is not None:
        last = {"year": uo.result.last_year, **{c: uo.result.last_value for c in ("point", "lo80", "hi80", "lo95",
                                                                                     "hi95")}}
        fc = pd.concat([pd.DataFrame([last]), fc], ignore_index=True)
        fc["interval80"] = [f"{fmt.pct(a, lang, 1)} – {fmt.pct(b, lang, 1)}" for a, b in zip(fc["lo80"], fc["hi80"])]
        fc["interval95"] = [f"{fmt.pct(a, lang, 1)} – {fmt.pct(b, lang, 1)}" for a, b in zip(fc["lo95"], fc["hi95"])]
        fc["point_text"] = fc["point"].map(lambda v: fmt.pct(v, lang, 1))
    rows = []
    for year, tg in sorted(uo.targets.items()):
        if tg is None:
            continue
        text = t("progress.chart.target_label", lang, year=year, target=fmt.target_text(tg, lang))
        rows.append({"year": year, "value": tg.value,
                     "value_max": tg.value_max if tg.kind == "range" and tg.value_max is not None else tg.value,
                     "kind": tg.kind, "label": text, "override": tg.status == "override"})
    targets = pd.DataFrame(rows, columns=["year", "value", "value_max", "kind", "label", "override"])
    return {"history": h, "forecast": fc, "targets": targets}


def _label_rows(tdata: pd.DataFrame, min_gap: float) -> pd.DataFrame:
    rows, group = [], []
    for _, r in tdata.sort_values("value").iterrows():
        if group and r["value"] - group[-1]["value"] >= min_gap:
            rows.append(group)
            group = []
        group.append(r)
    if group:
        rows.append(group)
    return pd.DataFrame([{"x0": g[0]["x0"], "value": max(r["value"] for r in g),
                          "label": " · ".join(r["label"] for r in sorted(g, key=lambda r: r["year"]))} for g in rows])


def fan_chart(uo, lang: str, title: str = "", height: int = 360) -> alt.LayerChart:
    data = frames(uo, lang)
    h, fc, targets = data["history"], data["forecast"], data["targets"]
    # From 2015 (as the Overview's charts; the forecast itself uses every year): a long history would squeeze the fan.
    first = int(max(FIRST_YEAR, h["year"].min())) if len(h) else FIRST_YEAR
    h = h[h["year"] >= first]
    last = 2030
    x = alt.X("year:Q", title=None, scale=alt.Scale(domain=[first, last], nice=False),
              axis=alt.Axis(format="d", tickMinStep=1, labelOverlap=True))
    lows = [h["value"].min() if len(h) else None, fc["lo95"].min() if len(fc) else None,
            targets["value"].min() if len(targets) else None]
    highs = [h["value"].max() if len(h) else None, fc["hi95"].max() if len(fc) else None,
             targets["value_max"].max() if len(targets) else None]
    lo = min(v for v in lows if v is not None and pd.notna(v)) if any(v is not None for v in lows) else 0.0
    hi = max(v for v in highs if v is not None and pd.notna(v)) if any(v is not None for v in highs) else 100.0
    pad = max((hi - lo) * 0.08, 0.5)
    ceiling = uo.result.ceiling
    y_scale = alt.Scale(domain=[max(0.0, lo - pad), min(ceiling, hi + pad)], nice=False, zero=False)
    y = alt.Y("value:Q", title="%", scale=y_scale)
    layers = []
    demo = uo.demo
    band_colour = STATUS_COLOURS["demo"] if demo else FORECAST_COLOUR
    if len(fc):
        ftip = [alt.Tooltip("year:Q", title=t("chart.year", lang), format="d"),
                alt.Tooltip("point_text:N", title=t("progress.chart.median", lang)),
                alt.Tooltip("interval80:N", title=t("progress.chart.band80", lang)),
                alt.Tooltip("interval95:N", title=t("progress.chart.band95", lang))]
        base = alt.Chart(fc)
        layers.append(base.mark_area(color=band_colour, opacity=0.14).encode(
            x=x, y=alt.Y("lo95:Q", scale=y_scale, title="%"), y2="hi95:Q", tooltip=ftip))
        layers.append(base.mark_area(color=band_colour, opacity=0.26).encode(
            x=x, y=alt.Y("lo80:Q", scale=y_scale), y2="hi80:Q", tooltip=ftip))
        layers.append(base.mark_line(color=band_colour, strokeDash=[6, 4], strokeWidth=2).encode(
            x=x, y=alt.Y("point:Q", scale=y_scale), tooltip=ftip))
    if len(targets):
        tdata = targets.assign(x0=first)
        ranges = tdata[tdata["kind"] == "range"]
        x0 = alt.X("x0:Q", scale=alt.Scale(domain=[first, last], nice=False))
        if len(ranges):
            layers.append(alt.Chart(ranges).mark_rect(color=TARGET_COLOUR, opacity=0.15).encode(
                x=x0, x2="year:Q", y=alt.Y("value:Q", scale=y_scale), y2="value_max:Q",
                tooltip=[alt.Tooltip("label:N", title="")]))
        layers.append(alt.Chart(tdata).mark_rule(color=TARGET_COLOUR, strokeDash=[2, 3], strokeWidth=1.5).encode(
            x=x0, x2="year:Q", y=alt.Y("value:Q", scale=y_scale), tooltip=[alt.Tooltip("label:N", title="")]))
        layers.append(alt.Chart(tdata).mark_point(shape="diamond", size=110, color=TARGET_COLOUR, filled=True).encode(
            x=x, y=alt.Y("value:Q", scale=y_scale), tooltip=[alt.Tooltip("label:N", title="")]))
        # Labels at the left end of the lines (coverage rises, so the left is usually clear); targets closer than
        # 4 % of the axis share one label so that they do not overwrite each other.
        labels = _label_rows(tdata, 0.04 * (y_scale.domain[1] - y_scale.domain[0]))
        layers.append(alt.Chart(labels).mark_text(align="left", dx=4, dy=-8, color=TARGET_COLOUR, fontSize=12).encode(
            x=x0, y=alt.Y("value:Q", scale=y_scale), text="label:N"))
    brk = getattr(uo.result, "break_year", None)
    if brk is not None and first <= brk <= last:
        bdata = pd.DataFrame({"year": [brk - 0.5], "label": [t("progress.chart.break", lang, year=brk)]})
        layers.append(alt.Chart(bdata).mark_rule(color="#7f8c8d", strokeDash=[4, 3], strokeWidth=1.5).encode(
            x=x, tooltip=[alt.Tooltip("label:N", title="")]))
        layers.append(alt.Chart(bdata).mark_text(align="left", baseline="bottom", dx=3, dy=-2, angle=0,
                                                 color="#7f8c8d", fontSize=11).encode(
            x=x, y=alt.value(height - 4), text="label:N"))
    if len(h):
        statuses = [s for s in STATUS_COLOURS if s in set(h["status"])]
        colour = alt.Color("status_label:N", title=None,
                           scale=alt.Scale(domain=[status_label(s, lang) for s in statuses],
                                           range=[STATUS_COLOURS[s] for s in statuses]),
                           legend=alt.Legend(orient="top", labelLimit=220, title=None))
        htip = [alt.Tooltip("year:Q", title=t("chart.year", lang), format="d"),
                alt.Tooltip("value_text:N", title=t("chart.value", lang)),
                alt.Tooltip("status_label:N", title=t("chart.status", lang))]
        layers.append(alt.Chart(h).mark_line(color="#9aa5b1").encode(x=x, y=y))
        layers.append(alt.Chart(h).mark_point(filled=True, size=55, opacity=1).encode(
            x=x, y=y, color=colour, tooltip=htip))
    if not layers:  # no value and no target: an empty frame, not an error
        layers.append(alt.Chart(pd.DataFrame({"year": [first], "value": [0.0]})).mark_point(opacity=0).encode(x=x, y=y))
    chart = alt.layer(*layers).properties(height=height)
    return chart.properties(title=title) if title else chart


_SPECS = Recent(64)  # specs of the charts last drawn


def fan_spec(uo, lang: str, height: int = 360) -> dict:
    """The chart as a Vega-Lite dict, memoised on what it shows: a rerun that changes nothing costs nothing, and a
    changed target rebuilds it without Altair's schema validation (~60 ms instead of ~150 ms here)."""
    r = uo.result
    h = hashlib.sha1()
    for part in (uo.unit, uo.metric, lang, height, r.last_year, r.model, r.mu.tobytes(), r.sd.tobytes(),
                 getattr(r, "break_year", None),
                 uo.history["year"].to_numpy().tobytes(), uo.history["value"].to_numpy().tobytes(),
                 "|".join(uo.history["status"]),
                 repr(sorted((y, tg.kind, tg.value, tg.value_max, tg.status) for y, tg in uo.targets.items() if tg))):
        h.update(part if isinstance(part, bytes) else str(part).encode())
    key = h.hexdigest()
    spec = _SPECS.memo(key, lambda: fan_chart(uo, lang, height=height).to_dict(validate=False))
    return copy.deepcopy(spec)  # the caller may change it (Streamlit moves the datasets out)
