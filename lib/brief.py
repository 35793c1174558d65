"""A one-page brief of one unit for one year, for slides: PNG (1920 px wide) or PDF (one landscape page).

What it holds: title (unit, year), where the unit lies (a small map, when the boundary layers are built), the trend of
the chosen indicator against its targets with the forecast to 2030, a table of the coverage indicators (value, status,
2025 and 2030 targets, gaps, probability of meeting each target from lib.forecast.models) and of collections (% of plan,
arrears ratio), the sources, a demo-data notice when any demo value is used, and the date it was made.

The page is one Vega-Lite spec (text as text marks, never HTML), rendered offline by vl-convert with "Noto Sans"
(every Vietnamese glyph) and the language's number format.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import altair as alt
import pandas as pd

from lib import admin, collections as coll, export_charts, figure, fmt, metrics, overview
from lib.charts import STATUS_COLOURS, demo_title, trend_with_targets
from lib.i18n import t
from lib.provenance import describe, status_label, value_text

WIDTH = 1280
PNG_SCALE = 1.5  # 1920 px wide
INK, MUTED, DEMO, GOOD, BAD = "#1b2430", "#5b6673", "#a86f00", "#1e7b34", "#b03a2e"
TARGET_YEARS = overview.TARGET_YEARS


@dataclass
class Row:
    """One indicator line of the brief's table (text already formatted for the language)."""
    name: str
    value: str
    status: str | None
    targets: dict = field(default_factory=dict)  # year -> (target text, gap text, probability text)
    counts: str = ""  # participants and denominator beside the rate, each with its status (lib.figure)


@dataclass
class Brief:
    unit: str
    year: int
    lang: str
    metric: str  # short id of the indicator whose trend is drawn
    title: str
    subtitle: str
    rows: list[Row]
    trend: alt.TopLevelMixin
    locator: alt.Chart | None
    sources: list[str]
    statuses: set[str]
    made: date

    @property
    def uses_demo(self) -> bool:
        return "demo" in self.statuses


# -- content ---------------------------------------------------------------------------------------------------------
def _forecast(store, unit: str, metric: str, demo: bool | None = None):
    """The same forecast the Progress & forecast page shows (lib.forecast.outlook: cached across sessions and
    restarts, fitted on the unit's series by lib.store's status rule: real values only when it has any), or None."""
    from lib.forecast import outlook

    try:
        return outlook.forecasts(store, [unit], metric, demo=demo)[unit]
    except Exception:  # noqa: BLE001 - a series the models cannot fit: the brief says "no forecast"
        return None


def _chance_text(result, target, lang: str, demo_forecast: bool) -> str:
    """The chance of meeting a target, or whether it was met, from a real series only; a demo forecast's says so
    in itself; a unit without enough published values says that."""
    if result is None or target is None:
        return "–"
    outlook = result.outlook(target)
    if outlook.basis == "observed":
        text = t("export.brief_met" if outlook.p_meet else "export.brief_not_met", lang)
    elif outlook.basis == "already_met" and outlook.p_meet is None:
        text = t("export.brief_met", lang)
    elif outlook.p_meet is None:
        return t("honest.brief_not_enough", lang) if not demo_forecast else t("export.brief_no_forecast", lang)
    else:
        text = fmt.pct(outlook.p_meet * 100, lang, 0)
    return value_text(text, "demo", lang) if demo_forecast else text


def build(store, unit: str, year: int, metric: str, lang: str, today: date | None = None,
          demo: bool | None = None) -> Brief:
    """The brief's content. `metric` is a short id (hi, si, ..., revenue_plan, arrears_ratio); `demo` the view's
    demo switch (lib.store)."""
    u = admin.units()
    if unit not in u.index:
        unit = admin.NATIONAL_ID
    name = admin.label(unit, lang, with_parent=True)
    statuses: set[str] = set()
    sources: list[str] = []
    rows: list[Row] = []
    chosen = metrics.for_page(metric)  # the one rule for which indicator a view shows
    results, demo_forecasts = {}, {}
    for fig in overview.kpis(store, unit, year, demo):
        m = fig.metric
        result = _forecast(store, unit, m.id, demo)
        results[m.id] = result
        demo_forecasts[m.id] = store.forecast_input(unit, m.id, demo)[1]
        if demo_forecasts[m.id]:
            statuses.add("demo")
        statuses |= fig.statuses
        if fig.status:
            sources.append(fig.source)
        for c in (fig.participants, fig.denominator):
            if c is not None and c.status:
                sources.append(c.source)
        row = Row(name=m.name(lang), value=figure.rate_text(fig, lang), status=fig.status,
                  counts=figure.counts_line(fig, lang) or "")
        for ty in TARGET_YEARS:
            target = fig.targets.get(ty)
            gap = fig.gap_text(ty, lang) if fig.value is not None else "–"
            row.targets[ty] = (fmt.target_text(target, lang), gap,
                               _chance_text(result, target, lang, demo_forecasts[m.id]))
            if target is not None:
                sources.append(target.document or target.source)
        rows.append(row)
    # Collections: % of plan and arrears ratio for the year (the full year, else its latest month).
    pnl = coll.figure_index(store)
    code = coll.choose_period(year, None, coll.unit_periods(pnl, unit, year))
    for mid in (coll.PLAN_PCT, coll.ARREARS_PCT):
        f = coll.figure(pnl, unit, year, code, mid)
        label = f"{f.metric.name(lang)} ({coll.period_label(year, code, lang, money=mid == coll.PLAN_PCT)})"
        shown = f.status != "demo" or store.shows_demo(unit, demo)
        value = value_text(fmt.pct(f.value, lang, 2), f.status, lang) if shown and f.value is not None else "–"
        rows.append(Row(name=label, value=value, status=f.status if shown else None))
        if f.status and shown:
            statuses.add(f.status)
            sources.append(f.source)

    trend = _trend(store, unit, year, chosen, lang, results.get(chosen.id), pnl, demo,
                   demo_forecasts.get(chosen.id, False))
    for s in trend_statuses(store, unit, year, chosen, demo):
        statuses.add(s)
    made = today or date.today()
    return Brief(unit=unit, year=int(year), lang=lang, metric=chosen.short, title=t("export.brief_title", lang,
                 unit=name, year=year), subtitle=t("export.brief_subtitle", lang, indicator=chosen.name(lang)),
                 rows=rows, trend=trend, locator=_locator(unit), sources=_distinct_sources(sources, lang),
                 statuses=statuses, made=made)


def trend_statuses(store, unit: str, year: int, metric: metrics.Metric, demo: bool | None = None) -> set[str]:
    s = store.series(unit, metric.id, demo)
    return {str(x) for x in s[(s["year"] <= year) & (s["year"] >= 2015)]["status"]}


def _locator(unit: str):
    from lib.maps import vega as vlmaps

    return vlmaps.locator(unit, width=230, height=300)


def _distinct_sources(sources, lang: str, limit: int = 5) -> list[str]:
    """Published sources and target documents, described in words, each once; demo and derived ones are left to the
    demo notice and the methods."""
    out = []
    for s in sources:
        s = str(s or "")
        if not s or s == "demo" or s.startswith(("rate:", "sum:", "weighted:")):
            continue
        text = describe(s, lang)
        if text not in out:
            out.append(text)
    return out[:limit]


def _trend(store, unit: str, year: int, m: metrics.Metric, lang: str, result, pnl, demo: bool | None = None,
           demo_forecast: bool = False) -> alt.TopLevelMixin:
    if m.domain == "collections":
        title = t("export.brief_trend_collections", lang, indicator=m.name(lang))
        frame = coll.yearly(pnl, unit, year)
        return coll.yearly_chart(frame, m.id, lang, height=250, title=title).properties(width=900)
    title = t("export.brief_trend", lang, indicator=m.name(lang))
    series = overview.trend(store, unit, m.id, year, demo=demo)
    targets = overview.targets_frame(store, unit, m.id)
    spec = trend_with_targets(series, targets, lang, title=title, height=250)
    chart = alt.LayerChart.from_dict(spec)
    layers = list(chart.layer)
    if result is not None and not result.too_short and len(result.forecast_years):
        fc = result.forecast_frame()
        fc = fc.assign(what=t("export.brief_forecast", lang))
        x = alt.X("year:Q", title=None, scale=alt.Scale(domain=[2015, 2030], nice=False),
                  axis=alt.Axis(format="d", values=list(range(2015, 2031, 5))))
        # A forecast fitted on a demo series is drawn in the demo colour and its title says demo.
        colour = STATUS_COLOURS["demo"] if demo_forecast else "#0b5cad"
        band = alt.Chart(fc).mark_area(opacity=0.18, color=colour).encode(x=x, y="lo80:Q", y2="hi80:Q")
        mid = alt.Chart(fc).mark_line(strokeDash=[6, 4], color=colour).encode(x=x, y="point:Q")
        layers = [band, mid] + layers
        if demo_forecast:
            title = demo_title(title, lang)
    return alt.layer(*layers).properties(width=900, height=250, title=spec.get("title", title) if not demo_forecast
                                         else title)


# -- layout -----------------------------------------------------------------------------------------------------------
def _text(cells: list[dict], width: int, height: int, rules: list[dict] | None = None) -> alt.LayerChart:
    """Text at pixel positions: cells with x, y, text, size, colour, weight (normal|bold), align (left|right)."""
    df = pd.DataFrame(cells, columns=["x", "y", "text", "size", "colour", "weight", "align"])
    x = alt.X("x:Q", scale=None, axis=None)
    y = alt.Y("y:Q", scale=None, axis=None)
    layers = []
    if rules:
        r = pd.DataFrame(rules)
        layers.append(alt.Chart(r).mark_rule(color="#d5dbe2", strokeWidth=1).encode(
            x=x, x2="x2:Q", y=y, y2="y2:Q"))
    for (weight, align), group in df.groupby(["weight", "align"], sort=False):
        layers.append(alt.Chart(group).mark_text(align=align, baseline="middle", fontWeight=weight,
                                                  font=export_charts.FONT).encode(
            x=x, y=y, text="text:N", size=alt.Size("size:Q", scale=None, legend=None),
            color=alt.Color("colour:N", scale=None, legend=None)))
    if not layers:
        layers.append(alt.Chart(pd.DataFrame({"x": [0], "y": [0]})).mark_point(opacity=0).encode(x=x, y=y))
    return alt.layer(*layers).properties(width=width, height=height)


def _cell(x, y, text, size=14, colour=INK, weight="normal", align="left") -> dict:
    return dict(x=x, y=y, text=str(text), size=size, colour=colour, weight=weight, align=align)


def _status_colour(status: str | None) -> str:
    return {"demo": DEMO}.get(status or "", STATUS_COLOURS.get(status or "", MUTED))


def _table(b: Brief) -> alt.LayerChart:
    """The indicators: value and status, then per target year the target, the gap and the chance of meeting it."""
    lg = b.lang
    x_name, x_value, x_status = 0, 450, 462
    groups = {2025: (640, 790, 905), 2030: (975, 1125, 1240)}
    head = dict(size=13, colour=MUTED, weight="bold")
    cells = [_cell(x_name, 30, t("export.brief_col_indicator", lg), **head),
             _cell(x_value, 30, t("export.brief_col_value", lg, year=b.year), align="right", **head),
             _cell(x_status, 30, t("export.brief_col_status", lg), **head)]
    rules = [dict(x=0, x2=WIDTH - 40, y=44, y2=44)]
    for ty, (xt, xg, xp) in groups.items():
        cells += [_cell((xt - 95 + xp) / 2, 8, t("export.brief_col_year", lg, year=ty), 14, INK, "bold", "center"),
                  _cell(xt, 30, t("export.brief_col_target", lg), align="right", **head),
                  _cell(xg, 30, t("export.brief_col_gap", lg), align="right", **head),
                  _cell(xp, 30, t("export.brief_col_chance", lg), align="right", **head)]
        rules.append(dict(x=xt - 95, x2=xp, y=19, y2=19))
    y = 62
    for i, row in enumerate(b.rows):
        if i == 4:  # collections below the coverage indicators
            rules.append(dict(x=0, x2=WIDTH - 40, y=y - 13, y2=y - 13))
        cells.append(_cell(x_name, y, _clip(row.name, 36), 14))
        cells.append(_cell(x_value, y, row.value, 15, DEMO if row.status == "demo" else INK, "bold", "right"))
        cells.append(_cell(x_status, y, status_label(row.status, lg) if row.status else "–", 13,
                           _status_colour(row.status)))
        for ty, (xt, xg, xp) in groups.items():
            if ty in row.targets:
                target, gap, chance = row.targets[ty]
                # Gaps and chances from demo are drawn in the demo colour; the value and status beside them say
                # demo in words, so the cell drops the repeated mark to fit its column.
                gap, gap_colour = _unmarked(gap, lg)
                chance, chance_colour = _unmarked(chance, lg)
                cells += [_cell(xt, y, target, 14, INK, "normal", "right"),
                          _cell(xg, y, gap, 13, gap_colour, "normal", "right"),
                          _cell(xp, y, chance, 13, chance_colour, "bold", "right")]
        y += 27
        if row.counts:
            cells.append(_cell(x_name + 12, y - 9, _clip(row.counts, 170), 11.5, MUTED))
            y += 16
    return _text(cells, WIDTH - 40, y - 8, rules)


def _unmarked(text: str, lang: str) -> tuple[str, str]:
    """A table cell's text without the demo mark, and the colour that says demo instead."""
    mark = value_text("\x00", "demo", lang)
    prefix, _, suffix = mark.partition("\x00")
    if suffix and text.endswith(suffix) and text.startswith(prefix):
        return text[len(prefix):len(text) - len(suffix)], DEMO
    return text, INK


def _clip(text: str, n: int) -> str:
    text = str(text)
    return text if len(text) <= n else text[: n - 1] + "…"


def _header(b: Brief) -> alt.LayerChart:
    lg = b.lang
    made = b.made.strftime("%d/%m/%Y") if lg == "vi" else b.made.strftime("%d %b %Y")
    cells = [_cell(0, 18, _clip(b.title, 90), 26, INK, "bold"),
             _cell(0, 50, _clip(b.subtitle, 120), 15, MUTED),
             _cell(WIDTH - 40, 18, "BHXH · BHYT · BHTN", 14, MUTED, "bold", "right"),
             _cell(WIDTH - 40, 50, t("export.brief_made_on", lg, date=made), 13, MUTED, "normal", "right")]
    if b.uses_demo:  # the picture says demo where everyone looks, not only in the footer
        cells.append(_cell(WIDTH - 260, 18, t("honest.demo_chart", lg), 16, DEMO, "bold", "right"))
    return _text(cells, WIDTH - 40, 64)


def _footer(b: Brief, with_map: bool) -> alt.LayerChart:
    from lib.geo import attribution

    lg = b.lang
    cells, y = [], 10
    if b.uses_demo:
        cells.append(_cell(0, y, t("export.brief_demo", lg), 14, DEMO, "bold"))
        y += 22
    cells.append(_cell(0, y, t("export.brief_sources", lg), 12, MUTED, "bold"))
    y += 18
    for s in b.sources or [t("present.source_none", lg)]:
        cells.append(_cell(0, y, "• " + _clip(s, 190), 11.5, MUTED))
        y += 16
    if with_map:
        cells.append(_cell(0, y, _clip(attribution(b.lang), 190), 11, MUTED))
        y += 16
    cells.append(_cell(0, y, t("export.brief_method", lg), 11, MUTED))
    y += 16
    return _text(cells, WIDTH - 40, y)


def page(b: Brief) -> alt.VConcatChart:
    """The whole page as one Vega-Lite chart."""
    middle = [b.trend]
    if b.locator is not None:
        middle = [b.locator.properties(title=t("export.brief_where", b.lang)), b.trend]
    body = alt.hconcat(*middle, spacing=40).resolve_legend(color="independent").resolve_scale(
        color="independent") if len(middle) > 1 else middle[0]
    chart = alt.vconcat(_header(b), body, _table(b), _footer(b, b.locator is not None), spacing=16)
    return chart.properties(padding=20).configure(
        font=export_charts.FONT, background="white", locale=alt.Locale(number=fmt.d3_locale(b.lang))
    ).configure_view(strokeWidth=0).configure_title(anchor="start", fontSize=15, color=INK).configure_axis(
        labelFontSize=12, titleFontSize=12).configure_legend(labelFontSize=12)


def png(store, unit: str, year: int, metric: str, lang: str, today: date | None = None,
        demo: bool | None = None) -> bytes:
    b = build(store, unit, year, metric, lang, today, demo)
    return export_charts.png_bytes(page(b), lang, width=WIDTH, scale=PNG_SCALE)


def pdf(store, unit: str, year: int, metric: str, lang: str, today: date | None = None,
        demo: bool | None = None) -> bytes:
    b = build(store, unit, year, metric, lang, today, demo)
    return export_charts.pdf_bytes(page(b), lang, width=WIDTH)
