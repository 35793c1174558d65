"""The map's legend: its title, one row per colour class with how many units are in it ("from 80 to under 85%", in the
user's number format), the no-data and demo rows, and the note naming how the classes were chosen.
"""
from __future__ import annotations

import html
from dataclasses import dataclass

from lib import admin, fmt, metrics
from lib.i18n import t
from lib.maps.scale import NO_DATA, Scale
from lib.maps.scope import Scope
from lib.maps.values import TARGET_YEAR, MapData, effective_mode


@dataclass(frozen=True)
class LegendRow:
    colour: str
    label: str
    count: int
    no_data: bool = False
    demo: bool = False  # drawn muted with a dashed outline (demo values)


def _edge_text(x: float, scale: Scale, lang: str) -> str:
    text = fmt.number(x, lang, scale.decimals)
    if scale.points and x > 0:
        text = "+" + text
    if scale.points and x < 0:
        text = "−" + text.lstrip("-")
    return text


def bin_labels(scale: Scale, lang: str) -> list[str]:
    """'below 80%', 'from 80 to under 85%', …, '95% and above' (percentage points for gaps), in the user's
    number format."""
    unit = t("map.unit.points", lang) if scale.points else "%"
    e = [_edge_text(x, scale, lang) for x in scale.edges]
    first, between, last = ("map.bin.up_to", "map.bin.above_to", "map.bin.above") if scale.closed_right else \
        ("map.bin.below", "map.bin.between", "map.bin.from")
    labels = [t(first, lang, hi=e[0], unit=unit)]
    labels += [t(between, lang, lo=a, hi=b, unit=unit) for a, b in zip(e, e[1:])]
    labels.append(t(last, lang, lo=e[-1], unit=unit))
    return labels


def legend_rows(scale: Scale, shown, lang: str, no_data_label: str | None = None,
                demo_count: int = 0) -> list[LegendRow]:
    """One row per class with the number of units drawn in it, then the 'no data' row, then (when any is drawn)
    the 'demo' row: demo units keep their class colour, muted, with a dashed outline."""
    classes = scale.classify(shown)
    rows = [LegendRow(c, label, int((classes == i).sum())) for i, (c, label) in
            enumerate(zip(scale.colours, bin_labels(scale, lang)))]
    rows.append(LegendRow(NO_DATA, no_data_label or t("map.legend.no_data", lang), int((classes < 0).sum()), True))
    if demo_count:
        rows.append(LegendRow("#c9d3df", t("map.legend.demo", lang), int(demo_count), demo=True))
    return rows


def scale_note(scale: Scale, years: list[int], lang: str) -> str:
    """How the classes were chosen, named under the legend (fixed across the timeline's years)."""
    first, last = (years[0], years[-1]) if years else ("–", "–")
    note = t(f"map.scale.{scale.method}", lang, first=first, last=last)
    if scale.target is not None:
        note += " " + t("map.scale.target_edge", lang, target=fmt.pct(scale.target, lang, 1))
    return note


def legend_title(metric: metrics.Metric, mode: str, year: int, lang: str) -> str:
    mode = effective_mode(metric, mode)
    if mode == "value":
        better = t("map.legend.higher_better" if metric.direction > 0 else "map.legend.lower_better", lang)
        return t("map.legend.value", lang, metric=metric.name(lang), year=year, better=better)
    return t("map.legend.gap", lang, metric=metric.name(lang), year=year, target_year=TARGET_YEAR[mode])


def swatch_svg(colour: str, size: int = 14, dashed: bool = False) -> str:
    """A small square of a colour of our own palette (never user text), for the legend; `dashed`: the demo look."""
    if not (colour.startswith("#") and len(colour) == 7 and all(c in "0123456789abcdefABCDEF" for c in colour[1:])):
        raise ValueError(f"not a palette colour: {colour!r}")
    stroke = 'stroke="#3c424c" stroke-width="1.4" stroke-dasharray="3 2"' if dashed else \
        'stroke="#5f6b7a" stroke-width="1"'
    return (f'<svg width="{size}" height="{size}" viewBox="0 0 {size} {size}" aria-hidden="true">'
            f'<rect x="0.5" y="0.5" width="{size - 1}" height="{size - 1}" fill="{colour}" {stroke}/></svg>')


def for_map(data: MapData, metric: metrics.Metric, mode: str, year: int, scope_: Scope,
            lang: str) -> tuple[str, list[LegendRow], str]:
    """A map view's legend: title, rows (communes without data of their own: the one class of their 2025 province)
    and the line under it (how the classes were chosen, or whose colour the communes take)."""
    title = legend_title(metric, mode, year, lang)
    demo = int((data.frame["status"].astype(str) == "demo").sum())
    if data.blank_communes:
        return (title, legend_rows(data.scale, [data.backdrop], lang, demo_count=demo),
                t("map.legend.commune_backdrop", lang, name=admin.display_name(scope_.area)))
    return (title, legend_rows(data.scale, data.frame["shown"], lang, demo_count=demo),
            scale_note(data.scale, data.years, lang))


def legend_html(title: str, rows: list[LegendRow]) -> str:
    """The legend as HTML: swatches of our own palette and labels of our own formatted numbers, escaped all the
    same."""
    items = "".join(
        f'<span style="display:inline-flex;align-items:center;gap:5px;margin:2px 14px 2px 0;white-space:nowrap">'
        f'{swatch_svg(r.colour, dashed=r.demo)}<span>{html.escape(r.label)}</span>'
        f'<span style="color:#5f6b7a">({r.count})</span></span>' for r in rows)
    return (f'<div style="font-size:0.92rem;line-height:1.5"><div style="font-weight:600;margin-bottom:2px">'
            f'{html.escape(title)}</div><div style="display:flex;flex-wrap:wrap">{items}</div></div>')
