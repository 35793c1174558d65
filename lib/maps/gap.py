"""The gap to a target, with the team's one convention: gap = target − value, in percentage points; worded
'còn thiếu 1,0 điểm %' (short of it) or 'vượt 0,2 điểm %' (above it).

TODO(gap): the "honest" engineer's lib/gap.py (`gap(value, target) -> Gap`, `gap_text(gap, lang)`) is the one
implementation; when it lands, make these two names re-export it. The map calls only these two.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from lib import fmt
from lib.i18n import t


@dataclass(frozen=True)
class Gap:
    points: float  # target − value: > 0 short of the target, < 0 above it, 0 on it


def gap(value, target) -> Gap | None:
    """None when either number is missing."""
    if value is None or target is None:
        return None
    value, target = float(value), float(target)
    if math.isnan(value) or math.isnan(target):
        return None
    return Gap(round(target - value, 6))


def gap_text(g: Gap | None, lang: str, decimals: int = 1) -> str:
    if g is None:
        return "–"
    shown = round(abs(g.points), decimals)
    if shown == 0:
        return t("map.gap.met", lang)
    key = "map.gap.short" if g.points > 0 else "map.gap.over"
    return t(key, lang, points=fmt.number(shown, lang, decimals))
