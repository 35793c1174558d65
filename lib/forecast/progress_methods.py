"""Progress against a target by the point methods SDG dashboards use, each result naming the method it came from.

Methods (all take an annual series indexed by int year; gaps in years are fine):

- ``open_sdg``: Open SDG / Statistics Canada / Eurostat growth-ratio method (open-sdg ``docs/progress-methodology.md``,
  implemented in ``sdg-build`` ``sdg/ProgressMeasure.py``). R = CAGR_observed / |CAGR_required| from the base year
  (2015 unless given). With a target the thresholds are R >= 0.95 on track, 0.60 <= R < 0.95 acceleration needed,
  0 <= R < 0.60 limited progress, R < 0 deterioration. Without a target the observed CAGR is compared with 1.5 % and
  0.5 % multiplied by the natural-limit scaling factor C (see ``limit_scaling_factor``). As in open-sdg, C is *not*
  applied when a quantitative target is given: R already measures growth against what the target requires.
- ``unsd``: UNSD Progress Chart variant (EUSTAT): Q = (v_hat_T - v_b) / (v_T - v_b), v_hat_T = v_t (1 + CAGR)^(T - t).
- ``unicef_aarr``: UNICEF average annual rate of reduction of the *uncovered* share (100 - coverage): observed AARR from
  a log-linear fit over the series, required AARR from the latest year to the target year.
- ``participants``: participants needed per year from the latest year to the target year (with a denominator path
  that may grow) against participants added per year lately.

Common rules (``classify``): fewer than 2 points -> ``insufficient_data`` (no trend is invented); a latest value at or
above the target's point/floor/lower bound -> ``achieved``; a target year at or before the latest year that was not met
-> ``not_achieved`` (open-sdg has no such case because its target year is always in the future).
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from lib.targets import Target

LABELS = (
    "achieved", "on_track", "acceleration_needed", "limited_progress", "deterioration",
    "stagnation_or_regression", "off_track", "not_achieved", "insufficient_data",
)
METHODS = ("open_sdg", "unsd", "unicef_aarr", "participants")
DEFAULT_BASE_YEAR = 2015  # open-sdg and the UNSD Progress Chart both default to 2015
ZERO_REPLACEMENT = 0.001  # open-sdg replaces a zero base or target by 0.001 (the growth model is exponential)
OPEN_SDG_LIMIT_EXPONENT = 4.44  # sdg-build ProgressMeasure.get_progress_thresholds: C = 1 - (y0 / ylim) ** 4.44
RATIO_THRESHOLDS = (0.95, 0.60, 0.0)  # open-sdg quantitative method: on track, acceleration needed, limited progress
CAGR_THRESHOLDS = (0.015, 0.005, 0.0)  # open-sdg method without target, before scaling by C
UNSD_THRESHOLDS = (0.95, 0.10)
UNSD_NEAR_LIMIT_POINTS = 1.0  # EUSTAT: within 1 point of a 100 % target counts as achieved


@dataclass
class Progress:
    """A progress label with the method it came from, the numbers behind it and a machine-readable reason."""
    label: str
    method: str
    reason: str
    numbers: dict = field(default_factory=dict)
    target: Target | None = None


# ---------------------------------------------------------------------------------------------------------------------
# Input handling

def annual_series(series) -> pd.Series:
    """A float series indexed by int year, sorted, without missing values; duplicate years -> their median."""
    if series is None:
        return pd.Series(dtype=float)
    if isinstance(series, Mapping):
        years, values = np.fromiter(series.keys(), dtype=float), np.fromiter(series.values(), dtype=float)
    elif isinstance(series, pd.Series):
        years, values = np.asarray(series.index, dtype=float), np.asarray(series.to_numpy(), dtype=float)
    else:
        s = pd.Series(series, dtype=float)
        years, values = np.asarray(s.index, dtype=float), s.to_numpy(dtype=float)
    keep = ~np.isnan(values)
    years, values = years[keep].astype(int), values[keep]
    if len(years) == 0:
        return pd.Series(dtype=float)
    order = np.argsort(years, kind="stable")
    years, values = years[order], values[order]
    if len(years) > 1 and np.any(years[1:] == years[:-1]):
        return pd.Series(values, index=pd.Index(years, name="year")).groupby(level=0).median()
    return pd.Series(values, index=pd.Index(years, name="year"))


def _base_year(s: pd.Series, base_year: int | None) -> int:
    """The requested base year if observed, else the first observed year after it, else the first observed year."""
    wanted = DEFAULT_BASE_YEAR if base_year is None else int(base_year)
    years = s.index
    if wanted in years:
        return wanted
    later = years[years > wanted]
    return int(later.min()) if len(later) else int(years.min())


def _positive(v: float) -> float:
    return ZERO_REPLACEMENT if v == 0 else v


def cagr(v_end: float, v_start: float, years: float) -> float:
    """Compound annual growth rate between two values `years` apart."""
    return (_positive(v_end) / _positive(v_start)) ** (1.0 / years) - 1.0


def _common_checks(s: pd.Series, target: Target | None) -> dict | None:
    """The verdicts every method shares: too few points, already achieved, deadline passed."""
    if len(s) < 2:
        return {"label": "insufficient_data", "reason": "fewer_than_2_points", "n_points": int(len(s))}
    latest_year, latest = int(s.index[-1]), float(s.iloc[-1])
    if target is not None and target.met_by(latest):
        return {"label": "achieved", "reason": "latest_value_meets_target", "latest_year": latest_year,
                "latest_value": latest, "target_value": target.threshold}
    if target is not None and target.year <= latest_year:
        return {"label": "not_achieved", "reason": "target_year_passed_unmet", "latest_year": latest_year,
                "latest_value": latest, "target_value": target.threshold}
    return None


# ---------------------------------------------------------------------------------------------------------------------
# Open SDG

def limit_scaling_factor(base_value: float, limit: float | None = 100.0) -> float:
    """Open SDG's C in [0, 1]: shrinks the positive growth thresholds as the base value nears a maximum limit.

    From sdg-build ``ProgressMeasure.get_progress_thresholds`` (a = 4.44):
    C = 1 - (y0 / ylim)^a for 0 <= y0 <= ylim; C = 1 - ((2 ylim - y0) / ylim)^a for ylim < y0 < 2 ylim; C = 1 beyond.
    At 50 % coverage C = 0.95, at 80 % C = 0.63, at 90 % C = 0.37, at 99 % C = 0.04.
    """
    if limit is None:
        return 1.0
    y0, lim = abs(base_value), abs(limit)
    if y0 >= 2 * lim:
        return 1.0
    if y0 <= lim:
        return 1.0 - (y0 / lim) ** OPEN_SDG_LIMIT_EXPONENT
    return 1.0 - ((2 * lim - y0) / lim) ** OPEN_SDG_LIMIT_EXPONENT


def _label_from_thresholds(value: float, high: float, med: float, low: float) -> tuple[str, str]:
    if value >= high:
        return "on_track", "value_ge_high_threshold"
    if value >= med:
        return "acceleration_needed", "value_between_med_and_high"
    if value >= low:
        return "limited_progress", "value_between_low_and_med"
    return "deterioration", "value_below_low_threshold"


def open_sdg_ratio(series, target: Target | None, base_year: int | None = None, limit: float | None = 100.0) -> dict:
    """Open SDG growth-ratio progress (with a target) or growth-rate progress scaled by C (without one)."""
    s = annual_series(series)
    verdict = _common_checks(s, target)
    if verdict is not None:
        return verdict | {"method": "open_sdg"}
    t0 = _base_year(s, base_year)
    ti, y0, yi = int(s.index[-1]), float(s.loc[t0]), float(s.iloc[-1])
    if ti <= t0:
        return {"method": "open_sdg", "label": "insufficient_data", "reason": "no_data_after_base_year",
                "base_year": t0}
    if y0 < 0 or yi < 0:
        return {"method": "open_sdg", "label": "insufficient_data", "reason": "negative_values", "base_year": t0}
    c = limit_scaling_factor(y0, limit)
    out = {"method": "open_sdg", "base_year": t0, "base_value": y0, "latest_year": ti, "latest_value": yi,
           "cagr_observed": cagr(yi, y0, ti - t0), "scaling_factor_c": c}
    if target is None:
        high, med, low = (thr * c for thr in CAGR_THRESHOLDS)
        out |= {"thresholds": (high, med, low)}
        if c == 0 and out["cagr_observed"] >= 0:  # base value at the limit and kept there
            return out | {"label": "on_track", "reason": "base_at_limit_and_maintained"}
        label, reason = _label_from_thresholds(out["cagr_observed"], high, med, low)
        return out | {"label": label, "reason": reason}
    required = cagr(target.threshold, y0, target.year - t0)
    out |= {"cagr_required": required, "target_year": target.year, "target_value": target.threshold,
            "thresholds": RATIO_THRESHOLDS, "c_applied": False}
    if required == 0:  # target equals the base value and is not met now: the series fell below its base
        ratio = math.copysign(math.inf, out["cagr_observed"]) if out["cagr_observed"] else 0.0
    else:
        ratio = out["cagr_observed"] / abs(required)
    label, reason = _label_from_thresholds(ratio, *RATIO_THRESHOLDS)
    return out | {"ratio": ratio, "label": label, "reason": reason}


# ---------------------------------------------------------------------------------------------------------------------
# UNSD Progress Chart (EUSTAT variant)

def unsd_q(series, target: Target, base_year: int | None = None, limit: float = 100.0) -> dict:
    """UNSD/EUSTAT: project the latest value at the observed CAGR to the target year and compare with the target."""
    s = annual_series(series)
    if len(s) >= 2 and target.threshold >= limit and float(s.iloc[-1]) >= limit - UNSD_NEAR_LIMIT_POINTS:
        return {"method": "unsd", "label": "achieved", "reason": "within_1_point_of_100_target",
                "latest_value": float(s.iloc[-1])}
    verdict = _common_checks(s, target)
    if verdict is not None:
        return verdict | {"method": "unsd"}
    b = _base_year(s, base_year)
    t, vb, vt, v_target = int(s.index[-1]), float(s.loc[b]), float(s.iloc[-1]), target.threshold
    if t <= b:
        return {"method": "unsd", "label": "insufficient_data", "reason": "no_data_after_base_year", "base_year": b}
    growth = cagr(vt, vb, t - b)
    projected = vt * (1 + growth) ** (target.year - t)
    out = {"method": "unsd", "base_year": b, "base_value": vb, "latest_year": t, "latest_value": vt,
           "cagr_observed": growth, "projected_value": projected, "target_year": target.year,
           "target_value": v_target, "thresholds": UNSD_THRESHOLDS}
    if v_target <= vb:  # target at/below the base but not met now: the series has fallen
        return out | {"q": -math.inf, "label": "stagnation_or_regression", "reason": "fell_below_base_and_target"}
    q = (projected - vb) / (v_target - vb)
    if q >= UNSD_THRESHOLDS[0]:
        label, reason = "on_track", "q_ge_0.95"
    elif q >= UNSD_THRESHOLDS[1]:
        label, reason = "acceleration_needed", "q_between_0.10_and_0.95"
    else:
        label, reason = "stagnation_or_regression", "q_below_0.10"
    return out | {"q": q, "label": label, "reason": reason}


# ---------------------------------------------------------------------------------------------------------------------
# UNICEF AARR on the uncovered share

def unicef_aarr(series, target: Target, base_year: int | None = None, limit: float = 100.0) -> dict:
    """UNICEF AARR applied to the uncovered share P = limit - coverage.

    Observed AARR = (1 - e^beta) * 100 with beta the OLS slope of ln P on year over the years from `base_year` (all
    years when None). Required AARR = [1 - (P_target / P_latest)^(1 / (T - t_latest))] * 100, i.e. the rate needed
    from the latest year. On track when observed >= required. P = 0 is replaced by 0.001 (as open-sdg does).
    """
    s = annual_series(series)
    verdict = _common_checks(s, target)
    if verdict is not None:
        return verdict | {"method": "unicef_aarr"}
    if base_year is not None:
        s = s[s.index >= base_year]
        if len(s) < 2:
            return {"method": "unicef_aarr", "label": "insufficient_data", "reason": "fewer_than_2_points_after_base"}
    uncovered = np.maximum(limit - s.to_numpy(), ZERO_REPLACEMENT)
    years = s.index.to_numpy(dtype=float)
    beta = float(np.polyfit(years, np.log(uncovered), 1)[0])
    observed = (1 - math.exp(beta)) * 100
    t_latest, p_latest = int(s.index[-1]), float(uncovered[-1])
    p_target = max(limit - target.threshold, ZERO_REPLACEMENT)
    required = (1 - (p_target / p_latest) ** (1.0 / (target.year - t_latest))) * 100
    out = {"method": "unicef_aarr", "aarr_observed": observed, "aarr_required": required, "beta": beta,
           "latest_year": t_latest, "uncovered_latest": p_latest, "uncovered_target": p_target,
           "target_year": target.year, "target_value": target.threshold, "first_year": int(s.index[0])}
    if observed >= required:
        return out | {"label": "on_track", "reason": "aarr_observed_ge_required"}
    return out | {"label": "off_track", "reason": "aarr_observed_below_required"}


# ---------------------------------------------------------------------------------------------------------------------
# Participants needed per year

def recent_added_per_year(counts, k: int = 3) -> float:
    """Mean of the last k annual changes of a participant count; a change across a gap is divided by its years."""
    s = annual_series(counts)
    if len(s) < 2:
        return math.nan
    per_year = np.diff(s.to_numpy()) / np.diff(s.index.to_numpy())
    return float(np.mean(per_year[-k:]))


def denominator_at(denominator_by_year: Mapping[int, float], year: int) -> float:
    """The denominator in `year`: given, else extrapolated at the compound growth between the first and last years
    given (held flat when only one year is given)."""
    d = denominator_by_year if isinstance(denominator_by_year, pd.Series) and denominator_by_year.index.name == "year" \
        else annual_series(denominator_by_year)
    if d.empty:
        raise ValueError("denominator_by_year is empty")
    if year in d.index:
        return float(d.loc[year])
    first_year, last_year = int(d.index[0]), int(d.index[-1])
    if len(d) == 1:
        return float(d.iloc[0])
    growth = cagr(float(d.iloc[-1]), float(d.iloc[0]), last_year - first_year)
    anchor_year, anchor = (last_year, float(d.iloc[-1])) if year > last_year else (first_year, float(d.iloc[0]))
    return anchor * (1 + growth) ** (year - anchor_year)


def participants_needed(latest_year: int, latest_participants: float, denominator_by_year: Mapping[int, float],
                        target: Target, recent_added_per_year: float) -> dict:
    """Participants to add per year from the latest year to reach the target share of the target-year denominator.

    ratio = recent / needed, labelled with open-sdg's ratio thresholds (>= 0.95 on track, 0.60-0.95 acceleration
    needed, 0-0.60 limited progress, < 0 deterioration).
    """
    denominator_latest = denominator_at(denominator_by_year, latest_year)
    denominator_target = denominator_at(denominator_by_year, target.year)
    coverage_latest = 100.0 * latest_participants / denominator_latest
    target_participants = target.threshold / 100.0 * denominator_target
    years_left = target.year - latest_year
    out = {"method": "participants", "latest_year": latest_year, "latest_participants": latest_participants,
           "coverage_latest": coverage_latest, "denominator_target_year": denominator_target,
           "target_participants": target_participants, "years_left": years_left, "target_value": target.threshold,
           "recent_per_year": recent_added_per_year}
    if target.met_by(coverage_latest):
        return out | {"label": "achieved", "reason": "latest_value_meets_target"}
    if years_left <= 0:
        return out | {"label": "not_achieved", "reason": "target_year_passed_unmet"}
    needed = (target_participants - latest_participants) / years_left
    out["needed_per_year"] = needed
    if math.isnan(recent_added_per_year):
        return out | {"ratio": math.nan, "label": "insufficient_data", "reason": "no_recent_change"}
    if needed <= 0:  # the denominator shrinks enough to reach the target without new participants
        label = "on_track" if recent_added_per_year >= needed else "deterioration"
        return out | {"ratio": math.inf, "label": label, "reason": "no_additions_needed"}
    ratio = recent_added_per_year / needed
    label, reason = _label_from_thresholds(ratio, *RATIO_THRESHOLDS)
    return out | {"ratio": ratio, "label": label, "reason": reason}


def _participants_from_coverage(s: pd.Series, target: Target, denominator_by_year: Mapping[int, float],
                                k: int) -> dict:
    verdict = _common_checks(s, target)
    if verdict is not None:
        return verdict | {"method": "participants"}
    den = annual_series(denominator_by_year)  # once: denominator_at reuses it
    counts = pd.Series({int(y): v / 100.0 * denominator_at(den, int(y)) for y, v in s.items()})
    return participants_needed(int(s.index[-1]), float(counts.iloc[-1]), den, target,
                               recent_added_per_year(counts, k))


# ---------------------------------------------------------------------------------------------------------------------
# One entry point for the UI

def classify(series, target: Target | None, method: str = "open_sdg", *, base_year: int | None = None,
             limit: float = 100.0, denominator_by_year: Mapping[int, float] | None = None, k: int = 3) -> Progress:
    """Progress label of a coverage series against a target by the named method (see module docstring).

    ``participants`` needs ``denominator_by_year`` (participants = coverage x denominator / 100); ``k`` is the number
    of recent annual changes averaged. Only ``open_sdg`` accepts ``target=None`` (trend without a target).
    """
    s = annual_series(series)
    if method == "open_sdg":
        out = open_sdg_ratio(s, target, base_year=base_year, limit=limit)
    elif target is None:
        raise ValueError(f"method {method!r} needs a target")
    elif method == "unsd":
        out = unsd_q(s, target, base_year=base_year, limit=limit)
    elif method == "unicef_aarr":
        out = unicef_aarr(s, target, base_year=base_year, limit=limit)
    elif method == "participants":
        if denominator_by_year is None:
            raise ValueError("method 'participants' needs denominator_by_year")
        out = _participants_from_coverage(s, target, denominator_by_year, k)
    else:
        raise ValueError(f"unknown method {method!r}; one of {METHODS}")
    numbers = {key: v for key, v in out.items() if key not in ("label", "reason", "method")}
    return Progress(label=out["label"], method=method, reason=out["reason"], numbers=numbers, target=target)
