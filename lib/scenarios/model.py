"""What-if scenarios for coverage targets: change targets, the growth assumption and denominator growth, and see
attainment, gap, participants needed per year and the probability of meeting each target beside the baseline.

The maths, in one place (``compute``):

- L = the last observed year of the coverage series x (per cent); D_b(y) = the baseline denominator (population for
  HI, labour force for SI/UI): the estimates up to their last year Ld, then ``lib.forecast.progress_methods.denominator_at`` (compound
  growth between the first and last estimates). A scenario may set another growth rate g (% a year) after Ld:
  D_s(y) = D_b(Ld) (1 + g / 100)^(y - Ld).
- The baseline forecast (``lib.forecast.models.forecast_series``, cached once per unit/metric/series) gives simulated
  coverage paths x_i(y) for y = L+1..2030. On the count scale a path is P_i(y) = x_i(y) D_b(y) / 100.
- A growth assumption is a shift s(y) of every path on the count scale; the scenario's paths are
  x'_i(y) = (P_i(y) + s(y)) / D_s(y) * 100, clipped to [0, ceiling]:
    trend                s = 0 (participants follow the baseline forecast; only a changed denominator moves coverage)
    extra_participants   s = X (y - L)                    X persons a year on top of the baseline path
    campaign             s = X max(0, y - max(F, L+1) + 1) X persons a year from year F (never before L + 1)
    coverage_growth      s = (x_L + r (y - L)) D_s(y) / 100 - x_med(y) D_b(y) / 100: the median path becomes the
                         straight line from the last value at r points a year (the baseline's spread is kept)
  With a constant denominator D, X persons a year raise coverage by X / D * 100 points a year.
- Attainment in a target year T: the observed value when T <= L, else the median path; met when >= the target's
  point, floor or lower bound (``Target.met_by``); gap = threshold - value (points; > 0 = short of the target).
- Participants needed per year: (threshold / 100 * D(T) - P(L)) / (T - L) with P(L) = x_L D(L) / 100 (via
  ``lib.forecast.progress_methods.participants_needed``), against participants added per year lately (mean of the last 3 annual
  changes of x D / 100) and the participants the assumption adds per year ((P_med(T) - P(L)) / (T - L)).
- Probability of meeting a target: the share of paths at or above the threshold in the target year (1 or 0 when the
  year is observed). Baseline and scenario use the same paths, so a scenario equal to the baseline gives the same
  numbers, and shifting paths up by c points equals lowering the target by c points under the baseline forecast.

Scenarios serialise to JSON (``to_dict``/``from_dict``, schema "vnsi.scenario" version ``SCHEMA_VERSION``).
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np
import pandas as pd

from lib import fmt, metrics
from lib.forecast import progress_methods as progress
from lib.i18n import t
from lib.targets import HORIZON, TARGET_KINDS, TARGET_YEARS, Target

SCHEMA = "vnsi.scenario"
SCHEMA_VERSION = 1
GROWTH_KINDS = ("trend", "extra_participants", "coverage_growth", "campaign")
N_PATHS = 2000
SEED = 20250701
RECENT_YEARS = 3  # participants added lately: mean of the last 3 annual changes
DENOMINATOR_GROWTH_LIMIT = 20.0  # % a year, either way


# ---------------------------------------------------------------------------------------------------------------------
# The scenario

@dataclass(frozen=True)
class TargetOverride:
    unit: str
    metric: str
    year: int
    kind: str  # point | floor | range
    value: float
    value_max: float | None = None

    def to_target(self) -> Target:
        return Target(metric=self.metric, year=self.year, kind=self.kind, value=float(self.value),
                      value_max=None if self.value_max is None else float(self.value_max), source="scenario",
                      document="scenario", status="scenario", unit=self.unit)

    @property
    def key(self) -> tuple[str, str, int]:
        return self.unit, self.metric, self.year


@dataclass(frozen=True)
class Growth:
    kind: str = "trend"
    extra_per_year: float = 0.0  # persons a year on top of the baseline path (extra_participants)
    points_per_year: float = 0.0  # coverage points a year from the last observed value (coverage_growth)
    campaign_per_year: float = 0.0  # persons a year from campaign_from on (campaign)
    campaign_from: int = 2026


@dataclass(frozen=True)
class Scenario:
    """A named what-if: the unit and metric it is about, target overrides per (unit, metric, year), a growth
    assumption, and denominator growth (% a year after the last estimate; None = the baseline estimates)."""
    unit: str = "national:VN"
    metric: str = "hi_coverage_pct"
    targets: tuple[TargetOverride, ...] = ()
    growth: Growth = field(default_factory=Growth)
    population_growth_pct: float | None = None
    labour_force_growth_pct: float | None = None
    name: str = ""

    # -- targets -----------------------------------------------------------------------------------------------------
    def override(self, unit: str, metric: str, year: int) -> TargetOverride | None:
        for o in self.targets:
            if o.key == (unit, metric, int(year)):
                return o
        return None

    def with_override(self, override: TargetOverride) -> "Scenario":
        others = tuple(o for o in self.targets if o.key != override.key)
        return replace(self, targets=tuple(sorted(others + (override,), key=lambda o: o.key)))

    def without_override(self, unit: str, metric: str, year: int) -> "Scenario":
        return replace(self, targets=tuple(o for o in self.targets if o.key != (unit, metric, int(year))))

    def target(self, baseline: Target | None, unit: str, metric: str, year: int) -> Target | None:
        o = self.override(unit, metric, year)
        return o.to_target() if o is not None else baseline

    def denominator_growth(self, denominator_metric: str) -> float | None:
        return {"population": self.population_growth_pct,
                "labour_force": self.labour_force_growth_pct}.get(denominator_metric)

    # -- JSON --------------------------------------------------------------------------------------------------------
    def to_dict(self) -> dict:
        return {
            "schema": SCHEMA, "schema_version": SCHEMA_VERSION, "name": self.name, "unit": self.unit,
            "metric": self.metric,
            "targets": [{"unit": o.unit, "metric": o.metric, "year": o.year, "kind": o.kind, "value": o.value,
                         "value_max": o.value_max} for o in self.targets],
            "growth": {"kind": self.growth.kind, "extra_per_year": self.growth.extra_per_year,
                       "points_per_year": self.growth.points_per_year,
                       "campaign_per_year": self.growth.campaign_per_year,
                       "campaign_from": self.growth.campaign_from},
            "denominators": {"population_growth_pct": self.population_growth_pct,
                             "labour_force_growth_pct": self.labour_force_growth_pct},
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True, allow_nan=False)

    @classmethod
    def from_dict(cls, data: dict) -> "Scenario":
        """Read a saved scenario; raises ScenarioFormatError when it is not one this version can read."""
        if not isinstance(data, dict) or data.get("schema") != SCHEMA:
            raise ScenarioFormatError("not a scenario (schema is not 'vnsi.scenario')")
        version = data.get("schema_version")
        if not isinstance(version, int) or version < 1:
            raise ScenarioFormatError(f"unknown scenario schema version {version!r}")
        if version > SCHEMA_VERSION:
            raise ScenarioFormatError(f"saved by a newer version of the app (schema {version}; this app reads up to "
                                      f"{SCHEMA_VERSION})")
        data = _migrate(data, version)
        try:
            g = data.get("growth") or {}
            d = data.get("denominators") or {}
            scenario = cls(
                unit=str(data["unit"]), metric=str(data["metric"]),
                targets=tuple(TargetOverride(unit=str(o["unit"]), metric=str(o["metric"]), year=int(o["year"]),
                                             kind=str(o["kind"]), value=float(o["value"]),
                                             value_max=None if o.get("value_max") is None else float(o["value_max"]))
                              for o in data.get("targets") or ()),
                growth=Growth(kind=str(g.get("kind", "trend")), extra_per_year=float(g.get("extra_per_year", 0)),
                              points_per_year=float(g.get("points_per_year", 0)),
                              campaign_per_year=float(g.get("campaign_per_year", 0)),
                              campaign_from=int(g.get("campaign_from", 2026))),
                population_growth_pct=_opt_float(d.get("population_growth_pct")),
                labour_force_growth_pct=_opt_float(d.get("labour_force_growth_pct")),
                name=str(data.get("name") or ""))
        except (KeyError, TypeError, ValueError) as exc:
            raise ScenarioFormatError(f"scenario fields not readable: {exc}") from exc
        scenario.validate()
        return scenario

    @classmethod
    def from_json(cls, text: str) -> "Scenario":
        try:
            return cls.from_dict(json.loads(text))
        except json.JSONDecodeError as exc:
            raise ScenarioFormatError(f"not JSON: {exc}") from exc

    def validate(self) -> None:
        """Raise ScenarioFormatError for values no control can produce (so a bad file never reaches the maths)."""
        problems = []
        if self.metric not in coverage_metric_ids():
            problems.append(f"metric {self.metric!r} is not a coverage rate with a denominator")
        if not isinstance(self.unit, str) or ":" not in self.unit:
            problems.append(f"unit {self.unit!r} is not a unit id")
        for o in self.targets:
            if o.kind not in TARGET_KINDS:
                problems.append(f"target kind {o.kind!r}")
            if not (_finite(o.value) and 0 <= o.value <= 100):
                problems.append(f"target value {o.value!r} outside 0-100")
            if o.kind == "range" and (o.value_max is None or not _finite(o.value_max) or o.value_max < o.value
                                      or o.value_max > 100):
                problems.append(f"range target {o.value}-{o.value_max}")
            if not 2000 <= o.year <= 2100:
                problems.append(f"target year {o.year}")
        g = self.growth
        if g.kind not in GROWTH_KINDS:
            problems.append(f"growth kind {g.kind!r}")
        if not all(_finite(v) for v in (g.extra_per_year, g.points_per_year, g.campaign_per_year)):
            problems.append("growth parameters must be finite numbers")
        if not 2000 <= g.campaign_from <= 2100:
            problems.append(f"campaign year {g.campaign_from}")
        for v in (self.population_growth_pct, self.labour_force_growth_pct):
            if v is not None and not (_finite(v) and abs(v) <= DENOMINATOR_GROWTH_LIMIT):
                problems.append(f"denominator growth {v!r} outside ±{DENOMINATOR_GROWTH_LIMIT:g}% a year")
        if problems:
            raise ScenarioFormatError("; ".join(problems))


class ScenarioFormatError(ValueError):
    pass


def _migrate(data: dict, version: int) -> dict:
    """Bring an older schema up to SCHEMA_VERSION (version 1 is the first; nothing to do yet)."""
    return data


def _opt_float(v):
    return None if v is None else float(v)


def _finite(v) -> bool:
    try:
        return math.isfinite(float(v))
    except (TypeError, ValueError):
        return False


def coverage_metric_ids() -> list[str]:
    """Rates with a participant numerator and a population/labour-force denominator (what scenarios work on)."""
    return [m.id for m in metrics.headline("coverage") if m.denominator in ("population", "labour_force")]


# ---------------------------------------------------------------------------------------------------------------------
# Inputs: what compute() needs from the data (no store inside the maths)

@dataclass(frozen=True)
class Inputs:
    unit: str
    metric: str
    coverage: tuple[tuple[int, float], ...]  # observed year-end values
    statuses: frozenset
    denominator_metric: str
    denominator: tuple[tuple[int, float], ...]  # estimates by year
    baseline_targets: tuple[tuple[int, Target | None], ...]
    ceiling: float = 100.0

    @property
    def last_year(self) -> int | None:
        return self.coverage[-1][0] if self.coverage else None

    @property
    def demo(self) -> bool:
        """The coverage series is demo: every value and sentence made from it must say so."""
        return "demo" in self.statuses

    def baseline_target(self, year: int) -> Target | None:
        return dict(self.baseline_targets).get(year)


def inputs_from_store(store, unit: str, metric: str, years=TARGET_YEARS, demo: bool | None = None) -> Inputs:
    """The unit's coverage series by lib.store's status rule (its real values when it has any, never patched with
    demo; else demo values while the view's demo switch shows them) and its denominator estimates."""
    m = metrics.get(metric)
    s = store.series(unit, metric, demo).dropna(subset=["value"])
    den = store.series(unit, m.denominator).dropna(subset=["value"])
    return Inputs(unit=unit, metric=metric,
                  coverage=tuple((int(y), float(v)) for y, v in zip(s["year"], s["value"])),
                  statuses=frozenset(map(str, s["status"])) | frozenset(map(str, den["status"])),
                  denominator_metric=m.denominator,
                  denominator=tuple((int(y), float(v)) for y, v in zip(den["year"], den["value"]) if v > 0),
                  baseline_targets=tuple((int(y), store.target(unit, metric, int(y))) for y in years),
                  ceiling=float(m.ceiling or 100))


# ---------------------------------------------------------------------------------------------------------------------
# The baseline forecast, once per series

@dataclass(frozen=True)
class Baseline:
    forecast: object  # lib.forecast.models.ForecastResult
    years: np.ndarray  # L+1 .. HORIZON
    paths: np.ndarray  # coverage paths (n_paths, len(years)), original scale
    point: np.ndarray  # the forecast's point path (median)
    too_short: bool
    message: str = ""


BASELINES_KEPT = 32  # baseline forecasts kept in memory (~0.2 MB each: N_PATHS paths; oldest dropped first)


@lru_cache(maxsize=BASELINES_KEPT)
def baseline_forecast(unit: str, metric: str, coverage: tuple, ceiling: float = 100.0) -> Baseline:
    """The baseline ForecastResult and its paths on the coverage scale (cached: the scenario only shifts them)."""
    from lib.forecast.models import forecast_series

    series = pd.Series(dict(coverage), dtype=float)
    result = forecast_series(series, horizon_to=HORIZON, ceiling=ceiling, n_paths=N_PATHS, seed=SEED, unit=unit)
    if result.too_short or result.last_year is None:
        return Baseline(result, np.array([], dtype=int), np.zeros((0, 0)), np.array([]), True,
                        getattr(result, "message", ""))
    years = np.arange(result.last_year + 1, HORIZON + 1)
    steps = len(years)
    if steps == 0:
        return Baseline(result, years, np.zeros((N_PATHS, 0)), np.array([]), False)
    paths = np.asarray(result.prep.scale.to_x(result.paths(steps)), dtype=float)
    frame = result.forecast_frame().set_index("year")
    point = frame.loc[years, "point"].to_numpy(dtype=float)
    paths.setflags(write=False)
    return Baseline(result, years, paths, point, False)


def baseline_for(inputs: Inputs) -> Baseline:
    return baseline_forecast(inputs.unit, inputs.metric, inputs.coverage, inputs.ceiling)


# ---------------------------------------------------------------------------------------------------------------------
# Results

@dataclass(frozen=True)
class Outcome:
    """One variant (baseline or scenario) against one target year."""
    year: int
    target: Target | None
    value: float | None  # coverage in the target year: observed, or the median projected path
    basis: str  # observed | projected | no_data
    met: bool | None
    gap: float | None  # threshold - value, points (> 0: short of the target)
    p_meet: float | None
    needed_per_year: float | None  # participants to add each year from L to reach the target
    planned_per_year: float | None  # participants the variant adds each year from L to T (median path)
    label: str | None = None  # lib.forecast.progress_methods participants label (on_track, acceleration_needed, ...)


@dataclass(frozen=True)
class Variant:
    name: str  # baseline | scenario
    years: np.ndarray  # projected years
    point: np.ndarray
    lo80: np.ndarray
    hi80: np.ndarray
    denominator: dict  # year -> value, observed and projected
    outcomes: dict  # year -> Outcome


@dataclass(frozen=True)
class Result:
    inputs: Inputs
    scenario: Scenario
    last_year: int | None
    last_value: float | None
    recent_per_year: float | None
    baseline: Variant | None
    variant: Variant | None  # the scenario
    too_short: bool
    message: str = ""

    @property
    def statuses(self) -> frozenset:
        return self.inputs.statuses

    @property
    def is_demo(self) -> bool:
        return "demo" in self.inputs.statuses


def denominator_path(estimates: tuple, growth_pct: float | None, until: int = HORIZON) -> dict[int, float]:
    """Denominator by year up to ``until``: the estimates, then the baseline extrapolation
    (``progress.denominator_at``) or, with ``growth_pct``, compound growth from the last estimate."""
    if not estimates:
        return {}
    given = dict(estimates)
    first = min(given)
    last = max(given)
    out = {y: float(v) for y, v in given.items()}
    for y in range(last + 1, until + 1):
        if growth_pct is None:
            out[y] = progress.denominator_at(given, y)
        else:
            out[y] = given[last] * (1 + growth_pct / 100.0) ** (y - last)
    for y in range(first, last):  # gaps inside the estimates: the progress rule (compound between the ends)
        out.setdefault(y, progress.denominator_at(given, y))
    return dict(sorted(out.items()))


def baseline_growth_pct(estimates: tuple) -> float | None:
    """The growth rate (% a year) the baseline extrapolates the denominator with (first to last estimate)."""
    given = dict(estimates)
    if len(given) < 2:
        return None
    first, last = min(given), max(given)
    return (progress.cagr(given[last], given[first], last - first)) * 100.0


def shift(scenario: Scenario, years: np.ndarray, last_year: int, last_value: float, point: np.ndarray,
          den_base: np.ndarray, den_scen: np.ndarray) -> np.ndarray:
    """The growth assumption as participants added on top of the baseline paths, per projected year."""
    g = scenario.growth
    k = (years - last_year).astype(float)
    if g.kind == "extra_participants":
        return g.extra_per_year * k
    if g.kind == "campaign":
        start = max(int(g.campaign_from), last_year + 1)
        return g.campaign_per_year * np.maximum(0.0, years - start + 1.0)
    if g.kind == "coverage_growth":
        line = last_value + g.points_per_year * k
        return line / 100.0 * den_scen - point / 100.0 * den_base
    return np.zeros(len(years))


def _variant(name: str, inputs: Inputs, scenario: Scenario, base: Baseline, den: dict, den_base: dict,
             is_scenario: bool, last_year: int, last_value: float, recent: float | None) -> Variant:
    years = base.years
    d_base = np.array([den_base[y] for y in years], dtype=float)
    d_var = np.array([den[y] for y in years], dtype=float)
    if len(years):
        s = shift(scenario, years, last_year, last_value, base.point, d_base, d_var) if is_scenario \
            else np.zeros(len(years))
        paths = np.clip((base.paths * d_base[None, :] / 100.0 + s[None, :]) / d_var[None, :] * 100.0,
                        0.0, inputs.ceiling)
        point = np.clip((base.point * d_base / 100.0 + s) / d_var * 100.0, 0.0, inputs.ceiling)
        lo80, hi80 = np.quantile(paths, [0.1, 0.9], axis=0)
    else:
        paths, point, lo80, hi80 = np.zeros((0, 0)), np.array([]), np.array([]), np.array([])
    observed = dict(inputs.coverage)
    outcomes = {}
    for year in TARGET_YEARS:
        baseline_target = inputs.baseline_target(year)
        target = scenario.target(baseline_target, inputs.unit, inputs.metric, year) if is_scenario \
            else baseline_target
        outcomes[year] = _outcome(year, target, observed, years, paths, point, den, last_year, last_value, recent)
    return Variant(name, years, point, lo80, hi80, den, outcomes)


def _outcome(year: int, target: Target | None, observed: dict, years, paths, point, den: dict, last_year: int,
             last_value: float, recent: float | None) -> Outcome:
    if year <= last_year:
        value = observed.get(year)
        basis = "observed" if value is not None else "no_data"
        p = None
    else:
        idx = np.flatnonzero(years == year)
        if not len(idx):
            return Outcome(year, target, None, "no_data", None, None, None, None, None)
        value, basis = float(point[idx[0]]), "projected"
        p = float(np.mean(paths[:, idx[0]] >= target.threshold - 1e-9)) if target is not None else None
    if target is None or value is None:
        return Outcome(year, target, value, basis, None, None, p, None, None)
    met = target.met_by(value)
    if basis == "observed":
        p = 1.0 if met else 0.0
    gap = target.threshold - value
    needed = planned = label = None
    if year > last_year and den:
        p_last = last_value / 100.0 * den[last_year] if last_year in den else None
        if p_last is not None:
            out = progress.participants_needed(latest_year=last_year, latest_participants=p_last,
                                               denominator_by_year=den, target=target,
                                               recent_added_per_year=math.nan if recent is None else recent)
            needed = out.get("needed_per_year", 0.0 if out["label"] == "achieved" else None)
            label = out["label"]
            planned = (value / 100.0 * den[year] - p_last) / (year - last_year)
    return Outcome(year, target, value, basis, met, gap, p, needed, planned, label)


def compute(inputs: Inputs, scenario: Scenario) -> Result:
    """Baseline and scenario side by side for the inputs' unit and metric (see the module docstring)."""
    if not inputs.coverage:
        return Result(inputs, scenario, None, None, None, None, None, True, "no_data")
    last_year, last_value = inputs.coverage[-1]
    base = baseline_for(inputs)
    den_base = denominator_path(inputs.denominator, None)
    den_scen = denominator_path(inputs.denominator, scenario.denominator_growth(inputs.denominator_metric))
    counts = {y: v / 100.0 * den_base[y] for y, v in inputs.coverage if y in den_base}
    recent = progress.recent_added_per_year(counts, RECENT_YEARS) if len(counts) >= 2 else math.nan
    recent = None if math.isnan(recent) else recent
    if base.too_short or last_year not in den_base:
        message = base.message if base.too_short else "no_denominator"
        return Result(inputs, scenario, last_year, last_value, recent, None, None, True, message or "too_short")
    baseline = _variant("baseline", inputs, scenario, base, den_base, den_base, False, last_year, last_value, recent)
    variant = _variant("scenario", inputs, scenario, base, den_scen, den_base, True, last_year, last_value, recent)
    return Result(inputs, scenario, last_year, last_value, recent, baseline, variant, False)


# ---------------------------------------------------------------------------------------------------------------------
# Presenting results (plain data and Altair; the page draws them)

def _pct(v, lang):
    return fmt.pct(v, lang, 2)


def _prob(p, lang):
    return "–" if p is None else fmt.pct(100 * p, lang, 0)


def target_text(target: Target | None, lang: str) -> str:
    return fmt.target_text(target, lang, missing=t("scenarios.no_target", lang))


def _met_text(o: Outcome, lang: str) -> str:
    if o.met is None:
        return "–"
    return t("scenarios.met" if o.met else "scenarios.not_met", lang)


def _gap_text(o: Outcome, lang: str) -> str:
    """The one gap wording (lib.gap): 'còn thiếu 1,0 điểm %' / 'vượt 0,2 điểm %' / 'đạt'."""
    from lib import gap

    return gap.gap_text(gap.gap(o.value, o.target), lang)


def _persons(v, lang):
    return "–" if v is None else fmt.persons(v, lang)


def _value_text(o: Outcome, lang: str, demo: bool = False) -> str:
    if o.value is None:
        return "–"
    # A demo value is never called "observed" (thực tế).
    basis = t("status.demo", lang) if demo and o.basis == "observed" else t(f"scenarios.basis.{o.basis}", lang)
    return f"{_pct(o.value, lang)} ({basis})"


def _demo(text: str, lang: str) -> str:
    from lib.provenance import value_text

    return text if text in ("", "–") else value_text(text, "demo", lang)


def result_rows(result: Result, lang: str) -> list[dict]:
    """One row per figure: what, baseline, scenario (formatted), and whether the scenario changes it."""
    if result.baseline is None:
        return []
    rows = []
    b, s = result.baseline, result.variant
    col_what, col_b, col_s = (t("scenarios.col_what", lang), t("scenarios.col_baseline", lang),
                              t("scenarios.col_scenario", lang))
    for year in TARGET_YEARS:
        ob, os_ = b.outcomes[year], s.outcomes[year]
        demo = result.inputs.demo
        items = [
            ("row_target", target_text(ob.target, lang), target_text(os_.target, lang)),
            ("row_value", _value_text(ob, lang, demo), _value_text(os_, lang, demo)),
            ("row_met", _met_text(ob, lang), _met_text(os_, lang)),
            ("row_gap", _gap_text(ob, lang), _gap_text(os_, lang)),
            ("row_p_meet", _prob(ob.p_meet, lang), _prob(os_.p_meet, lang)),
        ]
        if year > (result.last_year or 0):
            items += [("row_needed", _persons(ob.needed_per_year, lang), _persons(os_.needed_per_year, lang)),
                      ("row_planned", _persons(ob.planned_per_year, lang), _persons(os_.planned_per_year, lang))]
        if demo:  # every figure made from a demo series says so in itself
            items = [(k, vb if k == "row_target" else _demo(vb, lang), vs if k == "row_target" else _demo(vs, lang))
                     for k, vb, vs in items]
        for key, vb, vs in items:
            rows.append({col_what: t(f"scenarios.{key}", lang, year=year), col_b: vb, col_s: vs,
                         t("scenarios.col_changed", lang): "●" if vb != vs else ""})
    recent = _persons(result.recent_per_year, lang)
    recent = _demo(recent, lang) if result.inputs.demo else recent
    rows.append({col_what: t("scenarios.row_recent", lang, k=RECENT_YEARS),
                 col_b: recent, col_s: recent,
                 t("scenarios.col_changed", lang): ""})
    return rows


def chart(result: Result, lang: str, height: int = 320) -> dict:
    """A Vega-Lite spec (plain dict: building it with Altair costs ~130 ms a rerun): observed values, the baseline and
    scenario median paths with their 80 % bands, and the targets of both (diamonds; a range as a bar)."""
    from lib import charts

    demo = result.inputs.demo
    lab_obs, lab_b, lab_s = (t("status.demo" if demo else "scenarios.series_observed", lang),
                             t("scenarios.series_baseline", lang), t("scenarios.series_scenario", lang))
    values = [{"year": int(y), "value": float(v), "series": lab_obs, "text": _pct(v, lang)}
              for y, v in result.inputs.coverage if y >= 2015]
    bands = []
    for v, label in ((result.baseline, lab_b), (result.variant, lab_s)):
        if v is None or not len(v.years):
            continue
        years = [result.last_year] + [int(y) for y in v.years]
        points = [result.last_value] + [float(x) for x in v.point]
        lo = [result.last_value] + [float(x) for x in v.lo80]
        hi = [result.last_value] + [float(x) for x in v.hi80]
        for y, p, a, b in zip(years, points, lo, hi):
            values.append({"year": y, "value": p, "series": label, "text": _pct(p, lang)})
            bands.append({"year": y, "lo": a, "hi": b, "series": label})
    targets = []
    for year in TARGET_YEARS:
        for v, label in ((result.baseline, lab_b), (result.variant, lab_s)):
            target = v.outcomes[year].target if v is not None else None
            if target is not None:
                targets.append({"year": year, "value": target.value,
                                "value_max": target.value_max if target.value_max is not None else target.value,
                                "series": label, "label": target_text(target, lang)})
    colour = {"field": "series", "type": "nominal", "title": None,
              "scale": {"domain": [lab_obs, lab_b, lab_s],
                        "range": [charts.STATUS_COLOURS["demo" if demo else "reported"], "#7f8c8d", "#d35400"]},
              "legend": {"orient": "top", "title": None, "labelLimit": 240}}
    quiet = {**colour, "legend": None}  # one legend (the lines'), not faded copies from bands and targets
    x = {"field": "year", "type": "quantitative", "title": None, "scale": {"domain": [2015, HORIZON], "nice": False},
         "axis": {"format": "d", "values": list(range(2015, HORIZON + 1)), "labelAngle": 0}}
    tip = [{"field": "series", "type": "nominal", "title": " "},
           {"field": "year", "type": "quantitative", "title": t("chart.year", lang), "format": "d"}]
    layers = [
        {"data": {"values": bands}, "mark": {"type": "area", "opacity": 0.15},
         "encoding": {"x": x, "y": {"field": "lo", "type": "quantitative"}, "y2": {"field": "hi"}, "color": quiet}},
        {"data": {"values": values}, "mark": {"type": "line", "point": True},
         "encoding": {"x": x, "y": {"field": "value", "type": "quantitative", "title": "%",
                                    "scale": {"zero": False}},
                      "color": colour,
                      "strokeDash": {"condition": {"test": {"field": "series", "equal": lab_b}, "value": [5, 4]},
                                     "value": [1, 0]},
                      "tooltip": tip + [{"field": "text", "type": "nominal", "title": t("chart.value", lang)}]}},
    ]
    if targets:
        ttip = tip + [{"field": "label", "type": "nominal", "title": t("chart.target", lang)}]
        layers += [
            {"data": {"values": targets}, "mark": {"type": "point", "shape": "diamond", "size": 140, "filled": False,
                                                   "strokeWidth": 2.5},
             "encoding": {"x": x, "y": {"field": "value", "type": "quantitative"}, "color": quiet, "tooltip": ttip}},
            {"data": {"values": targets}, "mark": {"type": "rule", "strokeWidth": 3},
             "encoding": {"x": x, "y": {"field": "value", "type": "quantitative"}, "y2": {"field": "value_max"},
                          "color": quiet, "tooltip": ttip}},
        ]
    spec = {"$schema": "https://vega.github.io/schema/vega-lite/v6.json", "height": height, "layer": layers,
            "config": {"locale": {"number": fmt.d3_locale(lang)}, "font": charts.FONT, "view": {"strokeWidth": 0}}}
    if demo:  # the picture says demo in itself (also when exported)
        spec["title"] = charts.demo_title("", lang)
    return spec


# ---------------------------------------------------------------------------------------------------------------------
# Comparing two scenarios

def settings_diff(a: Scenario, b: Scenario) -> list[tuple[str, object, object]]:
    """(setting, value in a, value in b) for every setting that differs (targets by unit/metric/year)."""
    out = []
    for name in ("unit", "metric", "population_growth_pct", "labour_force_growth_pct"):
        if getattr(a, name) != getattr(b, name):
            out.append((name, getattr(a, name), getattr(b, name)))
    for name in ("kind", "extra_per_year", "points_per_year", "campaign_per_year", "campaign_from"):
        va, vb = getattr(a.growth, name), getattr(b.growth, name)
        if va != vb:
            out.append((f"growth.{name}", va, vb))
    keys = sorted({o.key for o in a.targets} | {o.key for o in b.targets})
    for key in keys:
        oa, ob = a.override(*key), b.override(*key)
        if oa != ob:
            out.append((f"target.{key[0]}.{key[1]}.{key[2]}", oa, ob))
    return out


def describe_settings(s: Scenario, lang: str, unit_name=lambda u: u) -> dict[str, str]:
    """The settings of a scenario in words, keyed by a stable id (for side-by-side display)."""
    m = metrics.get(s.metric) if s.metric in metrics.catalog() else None
    out = {"unit": unit_name(s.unit), "metric": m.name(lang) if m else s.metric,
           "growth": growth_text(s.growth, lang)}
    for key, value in (("population_growth_pct", s.population_growth_pct),
                       ("labour_force_growth_pct", s.labour_force_growth_pct)):
        out[key] = t("scenarios.baseline_estimates", lang) if value is None else \
            t("scenarios.per_year", lang, value=fmt.pct(value, lang, 2))
    for o in s.targets:
        mo = metrics.get(o.metric) if o.metric in metrics.catalog() else None
        label = t("scenarios.cmp_target", lang, unit=unit_name(o.unit), metric=mo.short_name(lang) if mo else o.metric,
                  year=o.year)
        out[f"target.{o.unit}.{o.metric}.{o.year}"] = (label, target_text(o.to_target(), lang))
    return out


def growth_text(g: Growth, lang: str) -> str:
    if g.kind == "extra_participants":
        return t("scenarios.growth_text.extra_participants", lang, n=fmt.persons(g.extra_per_year, lang))
    if g.kind == "coverage_growth":
        return t("scenarios.growth_text.coverage_growth", lang, points=fmt.points(g.points_per_year, lang, 2))
    if g.kind == "campaign":
        return t("scenarios.growth_text.campaign", lang, n=fmt.persons(g.campaign_per_year, lang),
                 year=g.campaign_from)
    return t("scenarios.growth_text.trend", lang)


def compare_rows(a: Scenario, b: Scenario, ra: Result, rb: Result, lang: str, name_a: str, name_b: str,
                 unit_name=lambda u: u) -> list[dict]:
    """Side by side: every setting (marked when it differs) and the results of both scenarios."""
    col_what, col_diff = t("scenarios.col_what", lang), t("scenarios.col_changed", lang)
    da, db = describe_settings(a, lang, unit_name), describe_settings(b, lang, unit_name)
    rows = []
    for key in ["unit", "metric", "growth", "population_growth_pct", "labour_force_growth_pct"] + \
            sorted(k for k in set(da) | set(db) if k.startswith("target.")):
        va, vb = da.get(key, "–"), db.get(key, "–")
        if isinstance(va, tuple) or isinstance(vb, tuple):
            label = (va if isinstance(va, tuple) else vb)[0]
            va, vb = (va[1] if isinstance(va, tuple) else "–"), (vb[1] if isinstance(vb, tuple) else "–")
        else:
            label = t(f"scenarios.cmp.{key}", lang)
        rows.append({col_what: label, name_a: va, name_b: vb, col_diff: "●" if va != vb else ""})
    for year in TARGET_YEARS:
        for key, getter in (("row_target", lambda o: target_text(o.target, lang)),
                            ("row_value", lambda o: _value_text(o, lang)),
                            ("row_gap", lambda o: _gap_text(o, lang)),
                            ("row_p_meet", lambda o: _prob(o.p_meet, lang)),
                            ("row_needed", lambda o: _persons(o.needed_per_year, lang))):
            va = getter(ra.variant.outcomes[year]) if ra.variant is not None else "–"
            vb = getter(rb.variant.outcomes[year]) if rb.variant is not None else "–"
            rows.append({col_what: t(f"scenarios.{key}", lang, year=year), name_a: va, name_b: vb,
                         col_diff: "●" if va != vb else ""})
    return rows


def saved_time(dt, lang: str) -> str:
    """A save's time (stored in UTC) in Vietnam time (UTC+7, no daylight saving), as each language writes dates."""
    from datetime import timedelta, timezone

    local = dt.astimezone(timezone(timedelta(hours=7)))
    return local.strftime("%d/%m/%Y %H:%M") if lang == "vi" else local.strftime("%Y-%m-%d %H:%M")
