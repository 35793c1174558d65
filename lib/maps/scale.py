"""One colour scale for every map (the Map page's deck, the Collections page's and the brief's Vega-Lite maps).

A scale is fitted to what a map view can show in every year of its timeline, so a colour means the same number in
every year (play compares like with like), and it says how its classes were chosen (`method`, named in the legend):
- "quantile": for values (coverage, arrears): classes holding about as many unit-years each, with rounded edges; the
  target (when the map has one to read against) is itself a class boundary;
- "target": for gaps to a target and collections against plan: classes around the target (0 points, or 100 % of
  plan), which is always a boundary, widening away from it;
- "user": the user's own breaks (typed on the Map page as "80; 85,5; 90", `parse_breaks`; carried in the URL as
  "80;85.5;90", `breaks_param`).
Colours: ColorBrewer YlGnBu where higher is better, OrRd where lower is better; RdBu halves around a target.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from lib import fmt, metrics

# ColorBrewer palettes (colour-blind safe), light to dark.
YLGNBU = ("#ffffd9", "#edf8b1", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#253494", "#081d58")
ORRD = ("#fff7ec", "#fee8c8", "#fdd49e", "#fdbb84", "#fc8d59", "#ef6548", "#d7301f", "#b30000", "#7f0000")
# RdBu halves, nearest the centre first: below the target in reds, at or above it in blues.
RDBU_BELOW = ("#fddbc7", "#f4a582", "#d6604d", "#b2182b", "#67001f")
RDBU_ABOVE = ("#d1e5f0", "#92c5de", "#4393c3", "#2166ac", "#053061")
NO_DATA = "#bdbdbd"  # not in any palette: units without a value are grey, and the legend names them
MAX_CLASSES = 8  # YlGnBu and OrRd have 9 shades; the lightest is left for the background
NICE_STEPS = tuple(m * 10.0 ** p for p in range(-2, 4) for m in (1, 2, 2.5, 5))
# Collections against plan are read against 100 % (the plan met), not against zero.
CENTRES = {"revenue_plan_pct": 100.0}
QUANTILE_CLASSES = 6  # classes of a quantile scale (one more when the target splits one)


@dataclass(frozen=True)
class Scale:
    """Classes of a choropleth: `edges` are the inner boundaries (ascending), class i holds edges[i-1] <= v <
    edges[i]; the first and last classes are open. One colour per class, lowest values first."""

    edges: tuple[float, ...]
    colours: tuple[str, ...]
    kind: str  # sequential | diverging
    centre: float | None = None
    points: bool = False  # the values are percentage-point gaps, not percentages
    direction: int = 1  # +1 higher is better, -1 lower is better
    method: str = "quantile"  # quantile | target | user: how the classes were chosen (named in the legend)
    target: float | None = None  # a target that is one of the edges (value maps read against a target)
    closed_right: bool = False  # class i holds edges[i-1] < v <= edges[i] (a gap of 0, on target, is on the good side)

    def classify(self, values) -> np.ndarray:
        """Class index of each value; -1 where there is no value."""
        v = np.asarray(values, dtype=float)
        out = np.searchsorted(np.asarray(self.edges, dtype=float), v, side="left" if self.closed_right else "right")
        return np.where(np.isnan(v), -1, out)

    def colour_of(self, values) -> list[str]:
        return [NO_DATA if k < 0 else self.colours[k] for k in self.classify(values)]

    @property
    def decimals(self) -> int:
        for d in range(4):
            if all(abs(round(e, d) - e) < 1e-9 for e in self.edges):
                return d
        return 3


def _finite(values) -> np.ndarray:
    v = np.asarray(values, dtype=float)
    return v[np.isfinite(v)]


def _grid(lo: float, hi: float, step: float) -> list[float]:
    first, last = math.ceil(lo / step - 1e-9), math.floor(hi / step + 1e-9)
    return [round(k * step, 6) for k in range(first, last + 1)]


def sequential_edges(values, max_classes: int = MAX_CLASSES) -> tuple[float, ...]:
    """Nice round edges (multiples of 1, 2, 2.5 or 5 × 10^k) spanning the 2nd to 98th percentile of the values,
    as many classes as fit in `max_classes`."""
    v = _finite(values)
    if v.size == 0:
        return (25.0, 50.0, 75.0)
    lo, hi = np.percentile(v, [2, 98])
    if hi - lo < 1e-9:
        return (round(float(lo), 6),)
    for step in NICE_STEPS:
        edges = _grid(lo, hi, step)
        if len(edges) + 1 <= max_classes:
            if len(edges) >= 2 or step == NICE_STEPS[-1]:
                return tuple(edges)
    return tuple(_grid(lo, hi, NICE_STEPS[-1]))


def diverging_edges(values, centre: float = 0.0, max_side: int = len(RDBU_BELOW)) -> tuple[float, ...]:
    """Edges around `centre`, which is always one (below it one side of the scale, at or above it the other, so
    'at or above target' is one colour family), doubling away from it: 2.5, 5, 10, 20 points. Most units sit near
    their target, where a point matters; far from it, the order of magnitude is what a reader needs. The first step
    is 1, 2.5 or 5 × 10^k, so that the edges reach the 2nd and 98th percentiles in `max_side` classes a side."""
    v = _finite(values)
    lo, hi = (float(x) - centre for x in np.percentile(v, [2, 98])) if v.size else (-10.0, 10.0)
    far = max(-lo, hi, 1e-6)
    doublings = 2 ** (max_side - 2)  # classes a side: [0, b), [b, 2b), ... and one open class beyond
    bases = [m * 10.0 ** p for p in range(-2, 4) for m in (1, 2.5, 5)]
    base = next((b for b in reversed(bases) if b * doublings <= far), bases[0])

    def side(limit: float) -> list[float]:
        edges, step = [], base
        while step < limit - 1e-9 and len(edges) < max_side - 1:
            edges.append(round(step, 6))
            step *= 2
        return edges
    below = [round(centre - e, 6) for e in reversed(side(-lo))]
    above = [round(centre + e, 6) for e in side(hi)]
    return tuple(below + [centre] + above)


def quantile_edges(values, classes: int = QUANTILE_CLASSES, target: float | None = None) -> tuple[float, ...]:
    """Edges at the quantiles of the values (pooled over the timeline's years), rounded to a step that keeps them
    apart (0.1, 0.2, 0.5, 1, 2, 5 … of the values' unit); with a target, the target is an edge and quantile edges
    too close to it (under a third of a typical class width) give way to it."""
    v = _finite(values)
    if v.size == 0:
        return (target,) if target is not None else (25.0, 50.0, 75.0)
    qs = np.quantile(v, [k / classes for k in range(1, classes)])
    spread = float(np.quantile(v, 0.9) - np.quantile(v, 0.1)) or float(abs(v).max() or 1.0)
    step = next((s for s in NICE_STEPS if s >= spread / (classes * 8)), NICE_STEPS[-1])
    edges = sorted({round(round(q / step) * step, 6) for q in qs})
    if target is not None:
        width = spread / classes
        edges = sorted({e for e in edges if abs(e - target) >= width / 3} | {round(float(target), 6)})
    if len(edges) < 1:
        edges = [round(float(np.median(v)), 6)]
    return tuple(edges)


def sequential_colours(n: int, direction: int) -> tuple[str, ...]:
    palette = YLGNBU if direction >= 0 else ORRD
    picks = np.round(np.linspace(1, len(palette) - 1, n)).astype(int) if n > 1 else [len(palette) // 2]
    return tuple(palette[i] for i in picks)


def scale_for(metric: metrics.Metric, mode: str, values_all_years, target: float | None = None,
              breaks=None) -> Scale:
    """The scale of a metric and (effective) mode, fitted to its values in every year at the level. `target`: the
    value a value map is read against (a class boundary); `breaks`: the user's own edges."""
    if breaks:
        edges = tuple(sorted({float(b) for b in breaks}))
        # a gap is target − value: for a gap, lower is better
        direction = metric.direction if mode == "value" else -metric.direction
        return Scale(edges, sequential_colours(len(edges) + 1, direction), "sequential", points=mode != "value",
                     direction=direction, method="user")
    if mode != "value" or metric.id in CENTRES:
        centre = 0.0 if mode != "value" else CENTRES[metric.id]
        edges = diverging_edges(values_all_years, centre)
        k = edges.index(centre)
        colours = [RDBU_BELOW[min(k - i, 4)] for i in range(k + 1)] + \
                  [RDBU_ABOVE[min(i, 4)] for i in range(len(edges) - k)]
        # a gap is target − value (positive: short of it), so for a gap lower is better
        better_below = metric.direction < 0 if mode == "value" else metric.direction > 0
        if better_below:  # below the centre is good: blues below, reds above
            colours = [RDBU_ABOVE[min(k - i, 4)] for i in range(k + 1)] + \
                      [RDBU_BELOW[min(i, 4)] for i in range(len(edges) - k)]
        return Scale(edges, tuple(colours), "diverging", centre, points=mode != "value", direction=metric.direction,
                     method="target", closed_right=better_below)
    edges = quantile_edges(values_all_years, target=target)
    return Scale(edges, sequential_colours(len(edges) + 1, metric.direction), "sequential",
                 direction=metric.direction, target=target if target is not None and target in edges else None)


def rgba(hex_colour: str, alpha: int = 255) -> list[int]:
    h = hex_colour.lstrip("#")
    return [int(h[i:i + 2], 16) for i in (0, 2, 4)] + [alpha]


def luminance(hex_colour: str) -> float:
    """Relative luminance (WCAG), for choosing text colour and for checking that colours follow the values."""
    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b, _ = rgba(hex_colour)
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


# -- the user's own breaks ----------------------------------------------------------------------------------------------
MAX_BREAKS = MAX_CLASSES - 1


@dataclass(frozen=True)
class BreaksError:
    """What is wrong with typed breaks: a message key of lib/locales/map.*.toml and its parameters (`item` is the
    user's own text, `n` its position in the list)."""

    key: str
    params: dict


def parse_breaks(text: str, lang: str) -> tuple[tuple[float, ...], BreaksError | None]:
    """Breaks typed by a user, separated by semicolons, numbers written as in their language ("80; 85,5; 90" in
    Vietnamese, "80; 85.5; 90" in English; a "%" after a number and a typographic minus are allowed). Returns the
    breaks in ascending order, or () and what is wrong. Empty text: no breaks (the automatic classes)."""
    items = [x.strip() for x in str(text).split(";")]
    if not any(items):
        return (), None
    values = []
    for n, item in enumerate(items, start=1):
        if not item:
            return (), BreaksError("map.breaks.error_empty_item", {"n": n})
        number = _number(item, lang)
        if number is None:
            return (), BreaksError("map.breaks.error_number", {"item": item, "n": n})
        if number in values:
            return (), BreaksError("map.breaks.error_duplicate", {"item": item, "n": n})
        values.append(number)
    if len(values) > MAX_BREAKS:
        return (), BreaksError("map.breaks.error_too_many", {"count": len(values), "max": MAX_BREAKS})
    return tuple(sorted(values)), None


def _number(item: str, lang: str) -> float | None:
    """A number as written in `lang`: the decimal mark is "," in Vietnamese and "." in English; digit grouping
    (which would make "85.5" mean 855 in Vietnamese) is not accepted: a mark of the other language is an error."""
    text = item.removesuffix("%").strip().replace("−", "-").replace(" ", "")
    decimal, other = (",", ".") if lang == "vi" else (".", ",")
    if other in text or text.count(decimal) > 1:
        return None
    text = text.replace(decimal, ".")
    if not text or not all(c in "0123456789.-" for c in text) or "-" in text[1:]:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def breaks_param(breaks) -> str | None:
    """The breaks as the URL carries them, whatever the language: '80;85.5;90' (None: no breaks)."""
    if not breaks:
        return None
    return ";".join(f"{b:.4f}".rstrip("0").rstrip(".") for b in sorted(breaks))


def breaks_from_param(param: str | None) -> tuple[float, ...]:
    """The URL's breaks (checked by lib.urlstate) as numbers; () when there are none."""
    if not param:
        return ()
    return tuple(sorted(float(x) for x in param.split(";")))


def breaks_text(breaks, lang: str) -> str:
    """The breaks as the user types them in their language: '80; 85,5; 90'."""
    out = []
    for b in breaks:
        decimals = next((d for d in range(4) if abs(round(b, d) - b) < 1e-9), 4)
        out.append(fmt.number(b, lang, decimals))
    return "; ".join(out)
