"""The forecast of one annual coverage series that users see, its target probabilities, and forecasts of many series.

The method is lib.forecast.method (a damped random walk with drift on the logit scale, fitted on the observed years
after the last level break, gaps kept as gaps), with the pooled calibration of lib.forecast.calibration (damping phi
and per-horizon quantiles of standardized errors, estimated by the rolling-origin backtest of the evaluation set in
data/eval). Its benchmark against naive, drift, logit drift and the M4 Comb benchmark is bench/bench_eval.py.

Engines. ``engine="statsmodels"`` (the default): the drift and its spread are the maximum-likelihood estimates of
statsmodels' ARIMA(0,1,0) with drift fitted on the yearly series with the missing years left missing (its Kalman
filter treats a gap as a gap); ``engine="closed_form"``: the same maximum in closed form (lib.forecast.method; equal to
statsmodels' to about 1e-6, ``tests/test_forecast_method.py``), for batch work. If the statsmodels fit fails the
closed form is used and ``notes`` says so. ``final_engines`` records which one ran.

The distribution at horizon h: logit value mu_h + scale_h * Q_h(u), u uniform; Q_h the calibrated quantile function.
The point shown is its median. Intervals are its quantiles; the probability of meeting a target T in year t is
P(value_t >= T) under it (the share of the simulated paths below; ``p_meet_exact`` is the exact value) (a target within ``method.TOP_BAND`` of the ceiling counts as ceiling - TOP_BAND: within half a
point of 100 % is at 100 %, the rounding and denominator noise of published figures). The probability of reaching a
target in any year up to t comes from paths: a Gaussian random walk mapped through the calibrated quantiles at every
horizon (a Gaussian copula), so every path has exactly the calibrated distribution in each year; paths are
regenerated from the seed, so results stay small to pickle and a changed target only recomputes shares.

Too short: fewer than ``MIN_OBSERVED_YEARS`` (5) observed years -> no forecast, ``too_short=True`` and a message.
"""
from __future__ import annotations

import math
import multiprocessing
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.special import ndtr, ndtri

from lib.forecast import calibration
from lib.forecast import method
from lib.forecast.backtest import MODELS, backtest_table, scores_frame  # noqa: F401  (the CLI's benchmark backtest)
from lib.forecast.evaluation import cdf_fn, quantile_fn
from lib.forecast.prep import Prepared, Scale, inv_logit, logit, prepare, single_threaded_blas  # noqa: F401
from lib.targets import Target

MIN_OBSERVED_YEARS = 5
BACKTEST_HORIZONS = 5
Z80 = float(ndtri(0.90))
Z95 = float(ndtri(0.975))
DEFAULT_SEED = 20250701
DEFAULT_PATHS = 2000
METHOD_NAME = "damped_logit_drift"
# Part of every cache key of stored forecasts: the method's version and the calibration file's hash.
MODEL_VERSION = f"forecast-4.{calibration.digest()}"


# ---------------------------------------------------------------------------------------------------------------------
# The calibrated distribution

def _quantile_rows(steps: int) -> np.ndarray:
    """Calibrated quantiles of standardized errors for horizons 1..steps (beyond 5: horizon 5's)."""
    q = calibration.load()["quantiles"]
    idx = np.minimum(np.arange(steps), len(q) - 1)
    return q[idx]


def _levels() -> np.ndarray:
    return calibration.load()["levels"]


def _statsmodels_drift(years: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(drift, sd) per year: statsmodels ARIMA(0,1,0) with drift, maximum likelihood, on the yearly series with the
    missing years left missing (the Kalman filter treats a gap of g years as one step with g times the variance).
    The sd gets the same degrees-of-freedom correction as the closed form (m / (m - 1), m = observed steps)."""
    from statsmodels.tsa.arima.model import ARIMA

    full = np.full(int(years[-1] - years[0] + 1), np.nan)
    full[years - years[0]] = y
    g, d = np.diff(years).astype(float), np.diff(y)
    c0 = float(d.sum() / g.sum())
    s0 = float(np.sum((d - c0 * g) ** 2 / g) / len(d))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = ARIMA(pd.Series(full), order=(0, 1, 0), trend="t").fit(start_params=[c0, max(s0, 1e-10)])
    c, s2 = (float(v) for v in np.asarray(res.params)[:2])
    if not (np.isfinite(c) and np.isfinite(s2)):
        raise FloatingPointError("non-finite estimate")
    m = len(d)
    return c, math.sqrt(max(s2, 0.0) * m / max(m - 1, 1))


# ---------------------------------------------------------------------------------------------------------------------
# Results

@dataclass(frozen=True)
class TargetOutlook:
    """What the forecast says about one target. basis: forecast | already_met | observed | too_short | no_data."""
    target: Target
    p_meet: float | None
    p_reach_by: float | None
    expected_year: int | None
    basis: str
    note: str = ""


@dataclass
class ForecastResult:
    unit: str | None
    prep: Prepared
    horizon_to: int
    targets: tuple = ()
    too_short: bool = False
    message: str = ""
    model: str | None = None
    mu: np.ndarray = field(default_factory=lambda: np.array([]))  # logit centre mu_h, steps 1..H after the last year
    sd: np.ndarray = field(default_factory=lambda: np.array([]))  # logit scale_h (the calibrated quantiles multiply it)
    phi: float = 1.0
    drift: float = 0.0  # logit drift per year of the fitted segment
    fit_from: int | None = None  # first year of the fitted segment
    break_year: int | None = None  # first year after a detected level break (None: none found or detection off)
    break_mode: str = "whole"  # whole | segment | jump_removed (method.fit)
    breaks: bool = True  # break detection on
    gap_years: int = 0  # missing years inside the observed span
    scores: dict = field(default_factory=dict)  # this unit's own rolling-origin backtest of the method (evidence)
    n_paths: int = DEFAULT_PATHS
    seed: int = DEFAULT_SEED
    engine: str = "statsmodels"
    final_engines: dict = field(default_factory=dict)  # drift -> statsmodels | closed_form | closed_form_fallback
    cpu_seconds: float = 0.0
    notes: list = field(default_factory=list)
    _fit: method.Fit | None = field(default=None, repr=False, compare=False)
    _paths: np.ndarray | None = field(default=None, repr=False, compare=False)

    def __getstate__(self):  # paths are regenerated from (mu, sd, seed): keep pickles small
        state = self.__dict__.copy()
        state["_paths"] = None
        return state

    # -- the data ----------------------------------------------------------------------------------------------------
    @property
    def ceiling(self) -> float:
        return self.prep.scale.ceiling

    @property
    def floor(self) -> float:
        return self.prep.scale.floor

    @property
    def last_year(self) -> int | None:
        return int(self.prep.obs_years[-1]) if len(self.prep.obs_years) else None

    @property
    def last_value(self) -> float | None:
        return float(self.prep.obs_values[-1]) if len(self.prep.obs_values) else None

    @property
    def first_year(self) -> int | None:
        return int(self.prep.obs_years[0]) if len(self.prep.obs_years) else None

    @property
    def n_observed(self) -> int:
        return self.prep.n_observed

    @property
    def n_interpolated(self) -> int:
        return self.prep.n_interpolated

    @property
    def mase(self) -> float:
        v = self.scores.get("mase")
        return float(np.nanmean(v)) if v is not None and np.isfinite(v).any() else math.nan

    @property
    def falls_reason(self) -> str | None:
        """Why the point forecast starts below the last value (None when it does not)."""
        if self.too_short or not len(self.mu) or self.last_value is None:
            return None
        first = float(self.forecast_frame(1)["point"].iloc[0]) if len(self.forecast_years) else None
        if first is None or first >= self.last_value - 1e-9:
            return None
        return "negative_drift" if self.drift < 0 else "calibration"

    # -- the forecast ------------------------------------------------------------------------------------------------
    @property
    def forecast_years(self) -> np.ndarray:
        if self.too_short or self.last_year is None:
            return np.array([], dtype=int)
        return np.arange(self.last_year + 1, self.horizon_to + 1)

    def _to_x(self, y):
        return self.prep.scale.to_x(y)

    def logit_quantile(self, u: float, steps: int) -> np.ndarray:
        """Logit-scale quantile u of the forecast distribution, steps 1..steps."""
        self._ensure_steps(steps)
        rows = _quantile_rows(steps)
        levels = _levels()
        q = np.array([float(quantile_fn(levels, rows[k])(u)) for k in range(steps)])
        return self.mu[:steps] + self.sd[:steps] * q

    def forecast_frame(self, steps: int | None = None) -> pd.DataFrame:
        """year, point (median), lo80, hi80, lo95, hi95 on the original scale, up to horizon_to."""
        k = len(self.forecast_years) if steps is None else steps
        years = np.arange(self.last_year + 1, self.last_year + 1 + k) if k else np.array([], dtype=int)
        if k == 0:
            return pd.DataFrame({c: [] for c in ("year", "point", "lo80", "hi80", "lo95", "hi95")})
        cols = {"point": 0.5, "lo80": 0.1, "hi80": 0.9, "lo95": 0.025, "hi95": 0.975}
        return pd.DataFrame({"year": years, **{c: self._to_x(self.logit_quantile(u, k)) for c, u in cols.items()}})

    def backtest_frame(self) -> pd.DataFrame:
        """This unit's own rolling-origin backtest of the method: horizon, n, mase, coverage80, coverage95."""
        if not self.scores:
            return pd.DataFrame(columns=["horizon", "n", "mase", "coverage80", "coverage95"])
        return pd.DataFrame({"horizon": np.arange(1, BACKTEST_HORIZONS + 1), **{k: self.scores[k] for k in
                             ("n", "mase", "coverage80", "coverage95")}})

    def _set_final(self, steps: int) -> None:
        h = np.arange(1, steps + 1, dtype=float)
        self.mu = self._fit.mu(h, self.phi)
        self.sd = self._fit.scale(h)
        self._paths = None

    def _ensure_steps(self, steps: int) -> None:
        """Extend mu/sd when a target lies beyond the stored horizon."""
        if steps > len(self.mu):
            self._set_final(steps)

    def paths(self, steps: int | None = None) -> np.ndarray:
        """Simulated logit-scale paths, shape (n_paths, steps); deterministic given the seed. A Gaussian random walk,
        standardized per year and mapped through the calibrated quantiles: each year's values have exactly the
        calibrated distribution."""
        steps = len(self.mu) if steps is None else steps
        self._ensure_steps(steps)
        if self._paths is None or self._paths.shape[1] < len(self.mu):
            k = len(self.mu)
            walk = np.cumsum(np.random.default_rng(self.seed).standard_normal((self.n_paths, k)), axis=1)
            u = ndtr(walk / np.sqrt(np.arange(1, k + 1))[None, :])
            rows, levels = _quantile_rows(k), _levels()
            q = np.column_stack([quantile_fn(levels, rows[j])(u[:, j]) for j in range(k)])
            self._paths = self.mu[None, :] + self.sd[None, :] * q
        return self._paths[:, :steps]

    # -- targets -----------------------------------------------------------------------------------------------------
    def effective_threshold(self, value: float) -> float:
        """The value a target is read at: within method.TOP_BAND of the ceiling counts as ceiling - TOP_BAND."""
        return min(float(value), self.prep.scale.top)

    def _threshold_logit(self, value: float) -> float:
        return float(self.prep.scale.to_logit(self.effective_threshold(value)))

    def _observed_reach_year(self, value: float) -> int | None:
        """First year of the final unbroken run of observed years at or above the value (None if the last is below)."""
        met = self.prep.obs_values >= value - 1e-9
        if not len(met) or not met[-1]:
            return None
        first = len(met) - 1
        while first > 0 and met[first - 1]:
            first -= 1
        return int(self.prep.obs_years[first])

    def p_meet_exact(self, target: Target) -> float | None:
        """P(value in the target year >= target) under the calibrated distribution (future target years)."""
        if self.too_short or self.last_year is None or target.year <= self.last_year:
            return None
        steps = target.year - self.last_year
        self._ensure_steps(steps)
        z = (self._threshold_logit(target.threshold) - self.mu[steps - 1]) / self.sd[steps - 1]
        return float(1 - cdf_fn(_levels(), _quantile_rows(steps)[steps - 1])(z))


    def outlook(self, target: Target) -> TargetOutlook:
        """p_meet, p_reach_by and expected year for any target (cheap: reuses the fitted distribution)."""
        if self.last_year is None:
            return TargetOutlook(target, None, None, None, "no_data", "no observations")
        reached = self._observed_reach_year(target.threshold)
        if target.year <= self.last_year:
            return self._observed_outlook(target, reached)
        if self.too_short:
            note = "already met in the last observed year; " if reached is not None else ""
            return TargetOutlook(target, None, 1.0 if reached is not None else None, reached, "too_short",
                                 note + self.message)
        if target.threshold <= self.floor:
            return TargetOutlook(target, 1.0, 1.0, reached, "already_met", "target at or below the floor")
        note = ""
        if target.threshold > self.prep.scale.top:
            note = (f"target within {method.TOP_BAND:g} point of the ceiling or above: read as "
                    f"{self.prep.scale.top:g} (reaching the ceiling band)")
        steps = target.year - self.last_year
        paths = self.paths(steps)
        thr = self._threshold_logit(target.threshold)
        p_meet = float(np.mean(paths[:, steps - 1] >= thr))  # = p_meet_exact up to simulation error (scenarios
        # shift these same paths, so baseline and scenario chances come from one set of paths)
        if reached is not None:
            return TargetOutlook(target, p_meet, 1.0, reached, "already_met",
                                 "met in the last observed year; p_meet is the chance it is still met in the target "
                                 "year")
        p_reach = float(np.mean(np.any(paths >= thr, axis=1)))
        return TargetOutlook(target, p_meet, p_reach, self._median_reach_year(thr), "forecast", note)

    def _median_reach_year(self, thr: float) -> int | None:
        k = len(self.forecast_years)
        if k == 0:
            return None
        hit = np.flatnonzero(self.logit_quantile(0.5, k) >= thr)
        return int(self.last_year + 1 + hit[0]) if len(hit) else None
    def _observed_outlook(self, target: Target, reached: int | None) -> TargetOutlook:
        """Target year within the observed span: the answer is in the data (interpolated if the year is a gap)."""
        i = int(np.searchsorted(self.prep.years, target.year))
        if i >= len(self.prep.years) or self.prep.years[i] != target.year:
            return TargetOutlook(target, None, None, reached, "observed", "target year before the first observation")
        value = float(self.prep.x[i]) if not self.prep.observed[i] else float(
            self.prep.obs_values[np.searchsorted(self.prep.obs_years, target.year)])
        met_then = value >= target.threshold - 1e-9
        upto = self.prep.obs_years <= target.year
        reached_by = bool(np.any(self.prep.obs_values[upto] >= target.threshold - 1e-9))
        note = "" if self.prep.observed[i] else "target year not observed: value interpolated"
        first_met = self.prep.obs_years[self.prep.obs_values >= target.threshold - 1e-9]
        return TargetOutlook(target, float(met_then), float(reached_by or met_then),
                             int(first_met[0]) if len(first_met) else None, "observed", note)

    def p_meet(self, target: Target) -> float | None:
        return self.outlook(target).p_meet

    def p_reach_by(self, target: Target) -> float | None:
        return self.outlook(target).p_reach_by

    def expected_year(self, target: Target) -> int | None:
        return self.outlook(target).expected_year

    @property
    def outlooks(self) -> list[TargetOutlook]:
        return [self.outlook(t) for t in self.targets]

    @property
    def status(self) -> str:
        if self.last_year is None:
            return "no_data"
        return "too_short" if self.too_short else "ok"

    def to_row(self) -> dict:
        """One CSV row: unit, last_year, last_value, target_2025, target_2030, p_meet_2025, p_meet_2030,
        expected_year (for the 2030 target, else the 2025 one), status, model, mase."""
        by_year = {}
        for t in self.targets:
            by_year.setdefault(t.year, t)
        row = {"unit": self.unit, "last_year": self.last_year, "last_value": self.last_value}
        outlooks = {year: self.outlook(by_year[year]) if year in by_year else None for year in (2025, 2030)}
        for year in (2025, 2030):
            row[f"target_{year}"] = by_year[year].threshold if year in by_year else None
        for year in (2025, 2030):
            row[f"p_meet_{year}"] = outlooks[year].p_meet if outlooks[year] else None
        main = outlooks[2030] or outlooks[2025]
        row |= {"expected_year": main.expected_year if main else None, "status": self.status,
                "model": self.model, "mase": None if math.isnan(self.mase) else self.mase}
        return row




# ---------------------------------------------------------------------------------------------------------------------
# Entry points

def unit_backtest(years: np.ndarray, values: np.ndarray, bounds: method.Bounds, breaks: bool = True) -> dict:
    """The method's rolling-origin backtest on one series (expanding window from 5 observed years, horizons 1..5,
    observed outcomes only), with the pooled calibration: per horizon n, MASE, coverage of the 80 % / 95 % intervals.
    Evidence for the unit; the method itself is calibrated on the evaluation set, not on this."""
    phi, levels = calibration.load()["phi"], _levels()
    rows = _quantile_rows(BACKTEST_HORIZONS)
    errs = {h: [] for h in range(1, BACKTEST_HORIZONS + 1)}
    cov = {h: [] for h in range(1, BACKTEST_HORIZONS + 1)}
    for i in range(MIN_OBSERVED_YEARS - 1, len(years) - 1):
        f = method.fit(years[:i + 1], values[:i + 1], bounds, breaks)
        scale = max(float(np.mean(np.abs(np.diff(values[:i + 1])) / np.diff(years[:i + 1]))), 0.05)
        for j in range(i + 1, len(years)):
            h = int(years[j] - years[i])
            if h > BACKTEST_HORIZONS:
                break
            mu, sc = float(f.mu(np.array([h]), phi)[0]), float(f.scale(np.array([h]))[0])
            q = quantile_fn(levels, rows[h - 1])
            point = float(bounds.to_x(mu + sc * q(0.5)))
            errs[h].append(abs(point - values[j]) / scale)
            y = float(bounds.to_logit(values[j]))
            cov[h].append(((mu + sc * q(0.1) <= y <= mu + sc * q(0.9)), (mu + sc * q(0.025) <= y <= mu + sc * q(0.975))))
    n = np.array([len(errs[h]) for h in errs])
    mean = lambda v: float(np.mean(v)) if len(v) else math.nan  # noqa: E731
    if n.sum() == 0:
        return {}
    return {"n": n, "mase": np.array([mean(errs[h]) for h in errs]),
            "coverage80": np.array([mean([c[0] for c in cov[h]]) for h in cov]),
            "coverage95": np.array([mean([c[1] for c in cov[h]]) for h in cov])}


def forecast_series(series, horizon_to: int = 2030, ceiling: float = 100.0, targets: Sequence[Target] = (),
                    n_paths: int = DEFAULT_PATHS, seed: int = DEFAULT_SEED, engine: str = "statsmodels",
                    unit: str | None = None, floor: float = 0.0, top_offset: float | None = None,
                    backtest_engine: str | None = None, breaks: bool = True) -> ForecastResult:
    """Forecast one annual coverage series (pd.Series or {year: value}) to `horizon_to` with target probabilities.

    `engine`: statsmodels | closed_form (the same estimates; see the module docstring). `top_offset`: the band below
    the ceiling read as the ceiling (default method.TOP_BAND). `breaks`: detect level breaks (True) or fit the whole
    history (False, the user's override). `backtest_engine` is accepted for compatibility and ignored."""
    started = time.process_time()
    if engine == "numpy":
        engine = "closed_form"
    if engine not in ("statsmodels", "closed_form"):
        raise ValueError(f"unknown engine {engine!r}")
    prep = prepare(series, Scale(ceiling, floor, top_offset))
    result = ForecastResult(unit=unit, prep=prep, horizon_to=horizon_to, targets=tuple(targets), n_paths=n_paths,
                            seed=seed, engine=engine, breaks=breaks, gap_years=prep.n_interpolated)
    if prep.n_observed < MIN_OBSERVED_YEARS:
        result.too_short = True
        result.message = (f"too short to forecast: {prep.n_observed} observed years, "
                          f"at least {MIN_OBSERVED_YEARS} needed")
        result.cpu_seconds = time.process_time() - started
        return result
    years, values = prep.obs_years, prep.obs_values
    f = method.fit(years, values, prep.scale, breaks)
    if prep.n_interpolated:
        result.notes.append(f"{prep.n_interpolated} missing years inside the history: modelled as gaps")
    if prep.n_clipped:
        result.notes.append(f"{prep.n_clipped} values beyond the ceiling band or the floor read at the bound")
    used = "closed_form"
    if engine == "statsmodels" and f.mode != "jump_removed" and f.n_steps >= 2:
        try:
            with single_threaded_blas():
                c, sd = _statsmodels_drift(f.years, f.y)
            floor_sd = method.sd_floor(prep.scale, values[-1])
            f.drift, f.sd, used = c, max(sd, floor_sd), "statsmodels"
        except Exception as exc:  # a degenerate fit: the closed form of the same estimate, and say so
            result.notes.append(f"statsmodels fit failed ({type(exc).__name__}); closed form used")
            used = "closed_form_fallback"
    result._fit = f
    result.model, result.phi, result.drift = METHOD_NAME, float(calibration.load()["phi"]), float(f.drift)
    result.fit_from, result.break_year, result.break_mode = int(f.years[0]), f.break_year, f.mode
    result.final_engines = {"drift": used}
    last_year = int(years[-1])
    far = max([horizon_to, last_year + 1] + [t.year for t in targets])
    result._set_final(far - last_year)
    result.scores = unit_backtest(years, values, prep.scale, breaks)
    result.cpu_seconds = time.process_time() - started
    return result


# ---------------------------------------------------------------------------------------------------------------------
# Panels
def _targets_for(targets, unit) -> tuple:
    if callable(targets):
        return tuple(targets(unit))
    if isinstance(targets, Mapping):
        return tuple(targets.get(unit, ()))
    return tuple(targets)


def _forecast_chunk(jobs: list, options: dict) -> list[ForecastResult]:
    return [forecast_series(pd.Series(values, index=years), targets=unit_targets, unit=unit, **options)
            for unit, years, values, unit_targets in jobs]


_POOLS: dict[tuple, ProcessPoolExecutor] = {}


def _pool(workers: int, mp_context: str | None) -> ProcessPoolExecutor:
    """A process pool kept for the life of the process: the second metric, page or rerun pays no start-up."""
    method = mp_context if mp_context in multiprocessing.get_all_start_methods() else None
    key = (workers, method)
    pool = _POOLS.get(key)
    if pool is None or getattr(pool, "_broken", False) or getattr(pool, "_shutdown_thread", False):
        context = multiprocessing.get_context(method)
        if method == "forkserver":
            # workers fork from a server that imported these once
            context.set_forkserver_preload(["lib.forecast.models", "lib.forecast.outlook"])
        pool = _POOLS[key] = ProcessPoolExecutor(max_workers=workers, mp_context=context)
    return pool


def forecast_many(panel: pd.DataFrame, *, horizon_to: int = 2030, ceiling: float = 100.0,
                  targets: Sequence[Target] | Mapping[str, Sequence[Target]] | Callable = (),
                  n_paths: int = DEFAULT_PATHS, seed: int = DEFAULT_SEED, engine: str = "statsmodels",
                  backtest_engine: str | None = None, top_offset: float | None = None, workers: int = 2,
                  progress: Callable[[int, int], None] | None = None,
                  unit_col: str = "unit", year_col: str = "year", value_col: str = "value",
                  chunk_size: int | None = None, mp_context: str | None = "forkserver") -> dict[str, ForecastResult]:
    """Forecast every unit of a long panel (unit, year, value) for one metric, on `workers` processes.

    `targets`: one list for all units, a {unit: [Target]} mapping, or a callable unit -> [Target].
    `progress(done, total)` is called in this process as units finish. Results are in the panel's unit order and
    do not depend on `workers` (every series uses the same seed). Workers start by ``mp_context`` ("forkserver" by
    default: forking a multi-threaded process such as a Streamlit server can deadlock; None = the platform default).
    """
    data = panel[[unit_col, year_col, value_col]].dropna(subset=[value_col])
    jobs = [(unit, g[year_col].to_numpy(dtype=int), g[value_col].to_numpy(dtype=float), _targets_for(targets, unit))
            for unit, g in data.groupby(unit_col, sort=False)]
    options = {"horizon_to": horizon_to, "ceiling": ceiling, "n_paths": n_paths, "seed": seed, "engine": engine,
               "backtest_engine": backtest_engine, "top_offset": top_offset}
    total = len(jobs)
    size = chunk_size or max(1, math.ceil(total / (max(workers, 1) * 8)))
    chunks = [jobs[i:i + size] for i in range(0, total, size)]
    results: list[list[ForecastResult] | None] = [None] * len(chunks)
    done = 0
    if workers <= 1 or len(chunks) <= 1:
        for i, chunk in enumerate(chunks):
            results[i] = _forecast_chunk(chunk, options)
            done += len(chunk)
            if progress:
                progress(done, total)
    else:
        pool = _pool(workers, mp_context)
        futures = {pool.submit(_forecast_chunk, chunk, options): i for i, chunk in enumerate(chunks)}
        for future in as_completed(futures):
            i = futures[future]
            results[i] = future.result()
            done += len(chunks[i])
            if progress:
                progress(done, total)
    return {r.unit: r for chunk in results for r in chunk}
