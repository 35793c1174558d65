"""Targets: per unit (or national), metric, year; point, floor ('above 95%') or range (26–27%), with their source."""
from __future__ import annotations

from dataclasses import dataclass

TARGET_KINDS = ("point", "floor", "range")


@dataclass(frozen=True)
class Target:
    metric: str  # the rate it applies to, e.g. "hi_coverage_pct"
    year: int
    kind: str  # "point" | "floor" | "range"
    value: float  # the point, the floor, or the lower bound of a range
    value_max: float | None = None  # upper bound of a range
    source: str = ""
    document: str = ""  # e.g. "Resolution 28-NQ/TW"
    status: str = "published"  # published | inherited (from the province or the nation) | derived (merged 2025 province)
    unit: str = "national:VN"  # unit id the target was set for (differs from the unit shown when inherited)
    note: str = ""

    def met_by(self, value: float) -> bool:
        """A coverage target is met at or above its point, floor or lower bound (published figures are rounded)."""
        return value >= self.value - 1e-9

    @property
    def threshold(self) -> float:
        return self.value

    def label(self) -> str:
        if self.kind == "range" and self.value_max is not None:
            return f"{self.value:g}–{self.value_max:g}%"
        if self.kind == "floor":
            return f">{self.value:g}%"
        return f"{self.value:g}%"
