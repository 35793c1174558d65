"""The Progress page's own state over any mutable mapping (Streamlit's session state on the page, a dict in tests):
an analyst's target for this view ("try another target": only this view's chances and labels change), the values its
controls show, and the ranking's choices (target year, order) and the level-break switch."""
from __future__ import annotations

from collections.abc import MutableMapping

from lib.forecast import outlook
from lib.targets import TARGET_YEARS, Target

OVERRIDE = "_prog_override"  # {"unit", "metric", "year", "value"}: an analyst's target for this view
OVERRIDE_YEAR, OVERRIDE_VALUE = "_prog_ov_year", "_prog_ov_value"  # its controls
RANK_YEAR, RANK_SORT = "_prog_rank_year", "_prog_rank_sort"
IGNORE_BREAK = "_prog_ignore_break"
DEFAULT_VALUE = 95.0  # the control's value when the year has no target to start from


class ProgressSession:
    def __init__(self, state: MutableMapping, store, unit: str, metric: str):
        self.state, self.store, self.unit, self.metric = state, store, unit, metric

    def override(self) -> Target | None:
        """The analyst's target, for the unit and indicator it was set for (None elsewhere)."""
        o = self.state.get(OVERRIDE)
        if o and o["unit"] == self.unit and o["metric"] == self.metric:
            base = self.store.target(self.unit, self.metric, o["year"])
            return outlook.override_target(base, self.metric, o["year"], o["value"], self.unit)
        return None

    def set_override(self) -> None:
        """From the controls: their year (2030 when none) and value; no value clears it."""
        year, value = self.state.get(OVERRIDE_YEAR) or max(TARGET_YEARS), self.state.get(OVERRIDE_VALUE)
        if value is None:
            self.clear_override()
            return
        self.state[OVERRIDE] = {"unit": self.unit, "metric": self.metric, "year": int(year), "value": float(value)}

    def clear_override(self) -> None:
        self.state.pop(OVERRIDE, None)

    def feed_override_controls(self, uo: outlook.UnitOutlook) -> None:
        """The controls show the analyst's target, else the main target year's own value."""
        active = uo.override is not None
        year = uo.override.year if active else uo.main_year
        base = uo.targets.get(year)
        self.state[OVERRIDE_YEAR] = year
        self.state[OVERRIDE_VALUE] = float(uo.override.value if active else (base.threshold if base else DEFAULT_VALUE))

    @property
    def rank_year(self) -> int:
        return self.state.get(RANK_YEAR) or max(TARGET_YEARS)

    @property
    def rank_sort(self) -> str:
        return self.state.get(RANK_SORT) or "probability"

    @property
    def ignore_break(self) -> bool:
        return bool(self.state.get(IGNORE_BREAK, False))
