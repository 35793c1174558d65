"""The one gap to a target: how far a value is from it, with one sign and one wording everywhere.

``gap(value, target)`` -> ``Gap``: ``points`` = target − value in percentage points, positive while points are still
missing, negative above the target, 0 inside a range. Per the target's kind:
- point (95%): 95 − value;
- floor ("above 95%"): 95 − value (met at the floor: published rates are rounded);
- range (26–27%): lower bound − value below the range, 0 inside it, upper bound − value above it (negative).
A target is met when the value is at or above its point, floor or lower bound (``Target.met_by``).

``gap_text(g, lang)``: "còn thiếu 1,0 điểm %" / "vượt 0,2 điểm %" / "đạt" (en: "1.0 pts short" / "0.2 pts above" /
"met"). Cards, tooltips, tables, rankings, exports and the brief all say it this way.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from lib import fmt
from lib.i18n import t

EPS = 1e-9


@dataclass(frozen=True)
class Gap:
    points: float  # target − value, percentage points: > 0 still missing, < 0 above, 0 met exactly / inside a range
    met: bool  # at or above the point, floor or lower bound
    kind: str  # the target's kind: point | floor | range

    @property
    def short(self) -> float:
        """Points still missing (0 when met)."""
        return max(self.points, 0.0)


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def gap(value, target) -> Gap | None:
    """The gap of `value` (a rate in %) to `target` (lib.targets.Target); None when either is missing."""
    if target is None or _missing(value) or _missing(getattr(target, "value", None)):
        return None
    value = float(value)
    low = float(target.value)
    if target.kind == "range" and target.value_max is not None and not _missing(target.value_max):
        high = float(target.value_max)
        points = low - value if value < low else (high - value if value > high else 0.0)
    else:
        points = low - value
    met = value >= low - EPS
    if met and points > 0:  # within rounding of the threshold
        points = 0.0
    return Gap(points=points, met=met, kind=target.kind)


def from_points(points) -> Gap | None:
    """The gap of a value already computed as target − value (a map's precomputed column) against a point target."""
    if _missing(points):
        return None
    points = float(points)
    return Gap(points=points, met=points <= EPS, kind="point")


def decimals_for(points: float) -> int:
    """One decimal, two when one would round a real difference to zero."""
    return 2 if 0 < abs(points) < 0.05 else 1


def gap_text(g: Gap | None, lang: str, missing: str = "–") -> str:
    """'còn thiếu 1,0 điểm %' / 'vượt 0,2 điểm %' / 'đạt' (en: '1.0 pts short' / '0.2 pts above' / 'met')."""
    if g is None:
        return missing
    d = decimals_for(g.points)
    if g.points > 0 and round(g.points, d) > 0:
        return t("gap.short", lang, points=fmt.number(g.points, lang, d))
    if g.points < 0 and round(-g.points, d) > 0:
        return t("gap.above", lang, points=fmt.number(-g.points, lang, d))
    return t("gap.met", lang)


def signed_points(g: Gap | None) -> float | None:
    """The gap as one number for sorting and CSV columns (target − value; positive = still missing)."""
    return None if g is None else g.points
