"""Forecasts of short annual coverage series on the logit scale, rolling-origin backtests, and target probabilities.

Scale. Every model runs on y = log((x - a) / (b - x)) with a = ``floor`` (0) and b = ``ceiling`` (100 or lower) plus
small offsets (0.5 % of the range above b, 0.05 % below a; see ``Scale``: reported values of 0 or 99.9-101 % must not
sit at an infinite logit); back-transformed values are clipped to [a, b], so a forecast and its intervals never leave
[a, b]. Observed values are clipped into [a, b] (``n_clipped`` says how many); gaps between observed years are
filled by linear interpolation on the logit scale for fitting (``n_interpolated``) and are never scored in backtests.

Models (``MODELS``): ``naive`` (benchmark only), ``rw_drift`` (random walk with drift; the interval includes the drift
estimate's uncertainty), ``arima_drift`` (ARIMA(0,1,0) with drift, maximum-likelihood variance, no parameter
uncertainty), ``ets_damped`` (ETS(A,Ad,N) as statsmodels ``ETSModel(error="add", trend="add", damped_trend=True)``),
``theta`` (statsmodels ``ThetaModel`` default two-step fit, theta = 2; its sd from the theta forecast's own one-step
errors, sigma^2 (1 + (h-1) alpha^2) -- statsmodels' ``prediction_intervals`` needs a second SARIMAX(0,1,1) MLE fit that
costs 25-300 ms on these series and often ends on the non-invertible bound), and ``combination`` (equal-weight mean of
the four on the logit scale; sd = mean of their sds). Two engines compute them:

- ``"numpy"``: closed forms for the random walks; ETS fitted by minimising the sum of squared one-step errors (= the
  Gaussian likelihood statsmodels maximises) over a grid of (alpha, beta, phi) inside statsmodels' bounds, with the
  initial level and trend solved exactly by least squares for each grid point (the errors are linear in them); Theta
  with alpha on a grid. All expanding-window origins of one series come out of one pass (prefix sums), which is what
  makes ~2,800 series x 6 models x 7 origins run in seconds. ``tests/test_forecast.py`` compares it with statsmodels
  on the real national HI series and on synthetic ones.
- ``"statsmodels"``: the statsmodels classes (``ETSModel``, ``ARIMA``, ``ThetaModel``). A fit that fails falls back to
  the numpy version of the same model and says so in ``ForecastResult.notes`` and ``final_engines``.

Which engine does what (``forecast_series(engine=..., backtest_engine=...)``):
- the rolling-origin **backtest** (model choice, MASE, interval coverage, widening factors) runs on ``backtest_engine``,
  numpy by default: refitting statsmodels at every origin costs ~1 s per series;
- the **final fit** of the chosen model on the whole series -- the forecast, its intervals and the probabilities users
  see -- runs on ``engine``, statsmodels by default (the combination refits all four components). The random walk with
  drift has no statsmodels class (its point forecast is ARIMA(0,1,0) with drift's; its interval adds the drift
  estimate's uncertainty) and is computed in closed form. ``engine="numpy"`` makes everything numpy (fast, for checks).
  ``ForecastResult.final_engines`` records, per component, statsmodels | closed_form | numpy | numpy_fallback, and
  ``engine_gap`` the largest difference between the shown and the numpy point forecast.
- Measured here: numpy backtest ~5 ms a series, statsmodels final fit ~9 ms (ETS, Theta) to ~15 ms (ARIMA) a model
  when run with one BLAS thread (``single_threaded_blas``; with OpenBLAS threads the same fits took 70-90 ms of CPU).

Residual variances use degrees-of-freedom corrections (SSE / (n - k)). Where the history is monotone the point path is
kept monotone in the same direction (a degenerate ETS fit can otherwise bend back below the last value).

Backtest: expanding window; an origin is an observed year with at least ``MIN_TRAIN_OBSERVED`` observed years up to it;
horizons 1..5; errors only at observed years. MASE uses the mean absolute one-step change of the training data (original
scale) as its scale; coverage is the share of observations inside the 80 % / 95 % intervals. The model with the lowest
mean MASE (mean over horizons) is chosen among ``CANDIDATES`` (ties go to the combination).

Interval widening: with sd_h the final fit's own sd and sd*_h the numpy model's sd at the same origin, the interval sd
is max(sd_h, f_h * sd*_h) -- never narrower than the final fit's own interval, nor than the width the backtest showed
the model definition needs. f_h comes from the chosen model's standardized backtest errors z = (y - mu) / sd (logit
scale, each clipped to +-4 so one wild year cannot dominate), a factor per horizon
f_h = sqrt((sum z_h^2 + K * mean z^2) / (n_h + K)) (the horizon's RMS shrunk toward the pooled RMS with K = 5
pseudo-errors, so a horizon with 2 errors does not decide alone), then f_h = max(1, running max over h) (never narrower
than the model, never narrower at a longer horizon), at most 4; horizons beyond 5 use f_5. RMS = 1 for calibrated
Gaussian errors. On simulated logit random walks with drift this brings 80 %/95 % coverage at horizons 1-5 to about
0.78-0.84 / 0.90-0.94 (from 0.72-0.77 raw); when the slope itself wanders (stochastic damped trend) the 5-year
intervals still cover only ~0.6 / ~0.8: 11 points cannot reveal that.

Too short: fewer than ``MIN_OBSERVED_YEARS`` (5) observed years -> no forecast, ``too_short=True`` and a message.

Probabilities: paths on the logit scale are mu_h + sum_{j<=h} sqrt(s_j^2 - s_{j-1}^2) * z_j with z iid N(0, 1) and s_h
the widened sd, i.e. independent steps whose sum has exactly the model's (widened) marginal distribution at every
horizon. They are regenerated from (mu, sd, seed), so a result stays small to pickle and a changed target only
recomputes shares of paths (``ForecastResult.outlook(target)``). p_meet = share of paths at or above the target in the
target year; p_reach_by = share reaching it in any year up to the target year (>= p_meet by construction).
"""
from __future__ import annotations

import math
import multiprocessing
import threading
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.special import expit, ndtr, ndtri

from lib.forecast.progress_methods import annual_series
from lib.targets import Target

MODELS = ("naive", "rw_drift", "arima_drift", "ets_damped", "theta", "combination")
COMPONENTS = ("ets_damped", "rw_drift", "arima_drift", "theta")
CANDIDATES = ("combination",) + COMPONENTS  # order breaks ties
MIN_OBSERVED_YEARS = 5
MIN_TRAIN_OBSERVED = 4
BACKTEST_HORIZONS = 5
BOTTOM_OFFSET_SHARE = 5e-4  # the logit's lower bound sits 0.05 % of the range below the floor (see Scale)
TOP_OFFSET_SHARE = 5e-3  # the logit's upper bound sits 0.5 % of the range above the ceiling (see Scale)
SD_FLOOR = 1e-3  # logit-scale one-step sd floor: a perfect in-sample fit must not give zero-width intervals
WIDEN_SHRINK = 5.0
WIDEN_MAX = 4.0
Z_CLIP = 4.0
Z80 = float(ndtri(0.90))
Z95 = float(ndtri(0.975))
DEFAULT_SEED = 20250701
DEFAULT_PATHS = 2000
# Part of every cache key of stored forecasts: bump when a change here changes any forecast.
MODEL_VERSION = "forecast-3"
STATSMODELS_MODELS = ("ets_damped", "arima_drift", "theta")  # the models statsmodels has a class for

# Grids inside statsmodels' ETSModel bounds (alpha in [1e-4, 0.9999], beta <= alpha, phi in [0.8, 0.98]).
ETS_ALPHA = np.array([1e-4, 0.05, 0.1, 0.2, 0.3, 0.45, 0.6, 0.8, 0.9999])
ETS_BETA_SHARE = np.array([1e-4, 0.05, 0.15, 0.3, 0.6, 1.0])
ETS_PHI = np.array([0.8, 0.85, 0.9, 0.94, 0.98])
THETA_ALPHA = np.linspace(0.02, 1.0, 50)


# ---------------------------------------------------------------------------------------------------------------------
# Scale

def logit(x, ceiling: float = 100.0, floor: float = 0.0):
    """y = log((x - floor) / (ceiling - x))."""
    x = np.asarray(x, dtype=float)
    return np.log((x - floor) / (ceiling - x))


def inv_logit(y, ceiling: float = 100.0, floor: float = 0.0):
    """The inverse of ``logit``: always inside [floor, ceiling]."""
    return floor + (ceiling - floor) * expit(np.asarray(y, dtype=float))


@dataclass(frozen=True)
class Scale:
    """The bounded scale: y = logit(x) between ``floor - bottom offset`` and ``ceiling + top_offset``.

    The top offset (default 0.5 % of the range, 0.5 points on 0-100) is a noise floor: published district coverage is
    rounded and its denominators are uncertain, so figures of 99.9, 100 or 101 % occur; with the upper bound exactly at
    the ceiling they would sit at a near-infinite logit and one such year would dominate the fit. The bottom offset
    (0.05 % of the range) does the same for reported zeros while keeping the ratio structure of small shares (0.1-5 %).
    Observed values are clipped into [floor, ceiling] and back-transformed values too, so nothing reported leaves
    [floor, ceiling].
    """
    ceiling: float = 100.0
    floor: float = 0.0
    top_offset: float | None = None

    @property
    def upper(self) -> float:
        offset = TOP_OFFSET_SHARE * (self.ceiling - self.floor) if self.top_offset is None else self.top_offset
        return self.ceiling + offset

    @property
    def lower(self) -> float:
        return self.floor - BOTTOM_OFFSET_SHARE * (self.ceiling - self.floor)

    def clip(self, x):
        return np.clip(np.asarray(x, dtype=float), self.floor, self.ceiling)

    def to_logit(self, x):
        return logit(self.clip(x), self.upper, self.lower)

    def to_x(self, y):
        return self.clip(inv_logit(y, self.upper, self.lower))


@dataclass
class Prepared:
    """A series on consecutive years: logit values (gaps interpolated), original-scale values, observed mask."""
    scale: Scale
    years: np.ndarray
    y: np.ndarray
    x: np.ndarray
    observed: np.ndarray
    obs_years: np.ndarray
    obs_values: np.ndarray  # as given (before clipping)
    n_clipped: int

    @property
    def n_observed(self) -> int:
        return int(self.observed.sum())

    @property
    def n_interpolated(self) -> int:
        return int((~self.observed).sum())


def prepare(series, scale: Scale | None = None) -> Prepared:
    scale = scale or Scale()
    s = annual_series(series)
    obs_years, raw = s.index.to_numpy(dtype=int), s.to_numpy(dtype=float)
    if s.empty:
        empty = np.array([], dtype=float)
        return Prepared(scale, np.array([], dtype=int), empty, empty, np.array([], dtype=bool), obs_years, raw, 0)
    years = np.arange(obs_years[0], obs_years[-1] + 1)
    y = np.interp(years, obs_years, scale.to_logit(raw))
    return Prepared(scale, years, y, scale.to_x(y), np.isin(years, obs_years), obs_years, raw,
                    int(np.sum(scale.clip(raw) != raw)))


# ---------------------------------------------------------------------------------------------------------------------
# Models, numpy engine. Each returns (mu, sd), arrays (len(ends), H): forecasts made with y[:end + 1] as training data.

def _diff_sums(y: np.ndarray, ends: np.ndarray):
    d = np.diff(y)
    cs1 = np.concatenate([[0.0], np.cumsum(d)])
    cs2 = np.concatenate([[0.0], np.cumsum(d * d)])
    m = np.maximum(ends, 1).astype(float)  # number of one-step changes in the training data
    return cs1[ends], cs2[ends], m


def _naive(y, ends, H):
    _, s2, m = _diff_sums(y, ends)
    h = np.arange(1, H + 1)
    mu = np.repeat(y[ends][:, None], H, axis=1)
    return mu, np.sqrt((s2 / m)[:, None] * h)


def _drift_parts(y, ends):
    s1, s2, m = _diff_sums(y, ends)
    c = s1 / m
    ss = np.maximum(s2 - m * c * c, 0.0)
    return c, ss, m


def _rw_drift(y, ends, H):
    c, ss, m = _drift_parts(y, ends)
    h = np.arange(1, H + 1)[None, :]
    sigma2 = (ss / np.maximum(m - 1, 1))[:, None]
    return y[ends][:, None] + c[:, None] * h, np.sqrt(sigma2 * h * (1 + h / m[:, None]))


def _arima_drift(y, ends, H):
    c, ss, m = _drift_parts(y, ends)
    h = np.arange(1, H + 1)[None, :]
    return y[ends][:, None] + c[:, None] * h, np.sqrt((ss / m)[:, None] * h)


def _ols_slopes(y, ends):
    t = np.arange(len(y), dtype=float)
    n = ends + 1.0
    st, sy, stt, sty = (np.cumsum(a)[ends] for a in (t, y, t * t, t * y))
    return (sty - st * sy / n) / np.maximum(stt - st * st / n, 1e-12)


def _theta(y, ends, H):
    """statsmodels ThetaModel (period=1, default fit): SES with l0 = y0 and alpha minimising SSE, plus half the OLS
    slope: mu_h = l_T + b0 / 2 * (h - 1 + 1/alpha - (1 - alpha)^T / alpha). Variance: sigma^2 (1 + (h-1) alpha^2)
    (ARIMA(0,1,1) psi-weights), sigma^2 from the theta one-step in-sample errors."""
    n, a = len(y), THETA_ALPHA[:, None]
    level = np.full((len(THETA_ALPHA), 1), y[0])
    levels, errors = np.empty((len(THETA_ALPHA), n)), np.empty((len(THETA_ALPHA), n))
    for t in range(n):
        errors[:, t] = y[t] - level[:, 0]
        level = level + a * errors[:, t:t + 1]
        levels[:, t] = level[:, 0]
    best = np.argmin(np.cumsum(errors ** 2, axis=1)[:, ends], axis=0)
    alpha, nobs = THETA_ALPHA[best], ends + 1.0
    slope = _ols_slopes(y, ends)
    h = np.arange(1, H + 1)[None, :]
    drift_weight = h - 1 + (1 - (1 - alpha[:, None]) ** nobs[:, None]) / alpha[:, None]
    mu = levels[best, ends][:, None] + 0.5 * slope[:, None] * drift_weight
    # In-sample one-step errors of the theta forecast: y_t - (l_{t-1} + b0/2 * (1 - (1-alpha)^t) / alpha).
    t = np.arange(1, n)[None, :]
    prev = levels[best][:, :-1]
    fitted = prev + 0.5 * slope[:, None] * (1 - (1 - alpha[:, None]) ** t) / alpha[:, None]
    resid = (y[None, 1:] - fitted) * (t <= ends[:, None])
    sigma2 = np.sum(resid ** 2, axis=1) / np.maximum(ends - 2, 1)
    return mu, np.sqrt(sigma2[:, None] * (1 + (h - 1) * alpha[:, None] ** 2))


def _ets_grid():
    alpha = np.repeat(ETS_ALPHA, len(ETS_BETA_SHARE) * len(ETS_PHI))
    beta = np.tile(np.repeat(ETS_BETA_SHARE, len(ETS_PHI)), len(ETS_ALPHA)) * alpha
    phi = np.tile(ETS_PHI, len(ETS_ALPHA) * len(ETS_BETA_SHARE))
    return alpha, beta, phi


_ETS_GRID = _ets_grid()


def _ets_damped(y, ends, H):
    """ETS(A,Ad,N): yhat_t = l + phi b; l <- yhat + alpha e; b <- phi b + beta e. For each grid point the one-step
    errors are e = e_y + l0 e_l + b0 e_b (linear in the initial states), so the least-squares l0, b0 of every
    training prefix come from prefix sums of a single pass."""
    alpha, beta, phi = _ETS_GRID
    n = len(y)
    inputs = np.zeros((3, n))
    inputs[0] = y  # system 0: the data with zero initial states; 1: unit initial level; 2: unit initial trend
    lev = np.array([np.zeros_like(alpha), np.ones_like(alpha), np.zeros_like(alpha)])
    trd = np.array([np.zeros_like(alpha), np.zeros_like(alpha), np.ones_like(alpha)])
    err, levs, trds = (np.empty((3, len(alpha), n)) for _ in range(3))
    for t in range(n):
        yhat = lev + phi * trd
        e = inputs[:, t:t + 1] - yhat
        lev = yhat + alpha * e
        trd = phi * trd + beta * e
        err[:, :, t], levs[:, :, t], trds[:, :, t] = e, lev, trd
    e0, e1, e2 = err
    s00, s01, s02, s11, s12, s22 = (np.cumsum(p, axis=1)[:, ends]
                                    for p in (e0 * e0, e0 * e1, e0 * e2, e1 * e1, e1 * e2, e2 * e2))
    det = s11 * s22 - s12 * s12
    det = np.where(np.abs(det) < 1e-12, 1e-12, det)
    l0 = (-s01 * s22 + s02 * s12) / det
    b0 = (-s02 * s11 + s01 * s12) / det
    sse = np.maximum(s00 + l0 * s01 + b0 * s02, 0.0)
    best = np.argmin(sse, axis=0)
    cols = np.arange(len(ends))
    l0, b0, sse = l0[best, cols], b0[best, cols], sse[best, cols]
    level = levs[0, best, ends] + l0 * levs[1, best, ends] + b0 * levs[2, best, ends]
    trend = trds[0, best, ends] + l0 * trds[1, best, ends] + b0 * trds[2, best, ends]
    a, b, p = alpha[best][:, None], beta[best][:, None], phi[best][:, None]
    phi_sums = np.cumsum(p ** np.arange(1, H + 1)[None, :], axis=1)  # phi + ... + phi^h
    mu = level[:, None] + phi_sums * trend[:, None]
    c2 = (a + b * phi_sums[:, :-1]) ** 2  # c_j = alpha + beta (phi + ... + phi^j), j = 1..H-1
    var_factor = 1 + np.concatenate([np.zeros((len(ends), 1)), np.cumsum(c2, axis=1)], axis=1)
    sigma2 = sse / np.maximum(ends + 1 - 5, 1)  # 5 estimated: alpha, beta, phi, l0, b0
    return mu, np.sqrt(sigma2[:, None] * var_factor)


_NUMPY_MODELS = {"naive": _naive, "rw_drift": _rw_drift, "arima_drift": _arima_drift, "ets_damped": _ets_damped,
                 "theta": _theta}


# ---------------------------------------------------------------------------------------------------------------------
# Models, statsmodels engine (refit at every origin)

def _openblas_controls() -> list:
    """(get, set) functions of every OpenBLAS loaded in this process (numpy and scipy each bundle their own)."""
    import ctypes

    controls = []
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as fh:
            paths = {line.split()[-1] for line in fh if "openblas" in line.rsplit("/", 1)[-1].lower()}
    except OSError:  # not Linux: leave the thread count alone
        return controls
    for path in sorted(paths):
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for suffix in ("", "64_"):
            for prefix in ("scipy_openblas", "openblas"):
                get = getattr(lib, f"{prefix}_get_num_threads{suffix}", None)
                put = getattr(lib, f"{prefix}_set_num_threads{suffix}", None)
                if get is not None and put is not None:
                    controls.append((get, put))
                    break
            else:
                continue
            break
    return controls


_BLAS_LOCK = threading.Lock()
_BLAS_STATE = {"depth": 0, "saved": [], "controls": None}


@contextmanager
def single_threaded_blas():
    """Run statsmodels fits with one BLAS thread. Its optimiser (scipy L-BFGS-B) makes many tiny BLAS calls; with
    OpenBLAS threads they wait on each other: measured here, ETS and Theta fits take 9 ms instead of 70-90 ms of CPU
    when the machine is busy. The previous thread counts are restored when the last nested user leaves."""
    with _BLAS_LOCK:
        if _BLAS_STATE["controls"] is None:
            _BLAS_STATE["controls"] = _openblas_controls()
        if _BLAS_STATE["depth"] == 0:
            _BLAS_STATE["saved"] = [get() for get, _ in _BLAS_STATE["controls"]]
            for _, put in _BLAS_STATE["controls"]:
                put(1)
        _BLAS_STATE["depth"] += 1
    try:
        yield
    finally:
        with _BLAS_LOCK:
            _BLAS_STATE["depth"] -= 1
            if _BLAS_STATE["depth"] == 0:
                for (_, put), n in zip(_BLAS_STATE["controls"], _BLAS_STATE["saved"]):
                    put(int(n))


def _statsmodels_one(name: str, y: np.ndarray, H: int) -> tuple[np.ndarray, np.ndarray]:
    with single_threaded_blas():
        return _statsmodels_fit(name, y, H)


def _statsmodels_fit(name: str, y: np.ndarray, H: int) -> tuple[np.ndarray, np.ndarray]:
    # Imported before silencing: statsmodels installs "always" filters for its warnings at import time, which would
    # otherwise take precedence over the "ignore" below on the first call.
    from statsmodels.tsa.arima.model import ARIMA
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel
    from statsmodels.tsa.forecasting.theta import ThetaModel

    ys = pd.Series(y)  # statsmodels 0.15 ETS get_prediction needs a pandas input (it reads .index of the mean)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if name == "ets_damped":
            res = ETSModel(ys, error="add", trend="add", damped_trend=True).fit(disp=False)
            pred = res.get_prediction(start=len(y), end=len(y) + H - 1)
            mu, sd = np.asarray(pred.predicted_mean), np.sqrt(np.asarray(pred.var_pred_mean))
        elif name == "arima_drift":
            d = np.diff(y)  # start at the closed-form optimum: same maximum, a third fewer iterations
            fc = ARIMA(ys, order=(0, 1, 0), trend="t").fit(start_params=[d.mean(), max(d.var(), 1e-8)]).get_forecast(H)
            mu, sd = np.asarray(fc.predicted_mean), np.asarray(fc.se_mean)
        elif name == "theta":
            res = ThetaModel(ys, period=1, deseasonalize=False).fit()
            mu = np.asarray(res.forecast(H))
            sd = _theta_sd(y, float(res.params["alpha"]), float(res.params["b0"]), H)
        else:
            raise ValueError(name)
    if mu.shape != (H,) or not (np.all(np.isfinite(mu)) and np.all(np.isfinite(sd))):
        raise FloatingPointError(f"{name}: non-finite forecast")
    return mu, sd


def _theta_sd(y: np.ndarray, alpha: float, b0: float, H: int) -> np.ndarray:
    """The theta forecast's sd from its own one-step in-sample errors, sigma^2 (1 + (h-1) alpha^2) (ARIMA(0,1,1)
    psi-weights), as the numpy version computes it but with statsmodels' fitted alpha and drift b0.

    statsmodels' ``prediction_intervals`` is not used: its sigma^2 comes from a second, separate SARIMAX(0,1,1) MLE
    fit that takes 25-300 ms on these 11-point series and often ends on the non-invertible bound."""
    alpha = min(max(alpha, 1e-6), 1.0)
    level, resid = y[0], []
    for t in range(1, len(y)):
        fitted = level + 0.5 * b0 * (1 - (1 - alpha) ** t) / alpha
        resid.append(y[t] - fitted)
        level = level + alpha * (y[t] - level)
    sigma2 = float(np.sum(np.square(resid))) / max(len(y) - 3, 1)
    return np.sqrt(sigma2 * (1 + np.arange(H) * alpha ** 2))


def _statsmodels_forecasts(name, y, ends, H, notes: list):
    if name in ("naive", "rw_drift"):  # closed forms; statsmodels has no separate class for them
        return _NUMPY_MODELS[name](y, ends, H)
    mu, sd = np.empty((len(ends), H)), np.empty((len(ends), H))
    for i, end in enumerate(ends):
        try:
            mu[i], sd[i] = _statsmodels_one(name, y[:end + 1], H)
        except Exception as exc:  # degenerate fit: fall back to the numpy version of the same model
            notes.append(f"{name}: statsmodels fit failed at origin {end} ({type(exc).__name__}); numpy fallback")
            m, s = _NUMPY_MODELS[name](y[:end + 1], np.array([end]), H)
            mu[i], sd[i] = m[0], s[0]
    return mu, sd


# ---------------------------------------------------------------------------------------------------------------------
# Forecasts of every model at a set of origins

def _direction(y: np.ndarray, end: int) -> int:
    d = np.diff(y[:end + 1])
    if np.all(d >= 0):
        return 1
    if np.all(d <= 0):
        return -1
    return 0


def _keep_monotone(mu: np.ndarray, y: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Where the training history is monotone, keep the point path monotone from the last value in that direction."""
    out = mu.copy()
    for i, end in enumerate(ends):
        direction = _direction(y, end)
        if direction > 0:
            out[i] = np.maximum.accumulate(np.maximum(out[i], y[end]))
        elif direction < 0:
            out[i] = np.minimum.accumulate(np.minimum(out[i], y[end]))
    return out


def model_forecasts(y: np.ndarray, ends: np.ndarray, H: int, engine: str = "numpy",
                    notes: list | None = None) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """{model: (mu, sd)} on the logit scale for every model in MODELS, from training data y[:end + 1]."""
    notes = [] if notes is None else notes
    ends = np.asarray(ends, dtype=int)
    out = {}
    for name in MODELS[:-1]:
        if engine == "numpy":
            mu, sd = _NUMPY_MODELS[name](y, ends, H)
        elif engine == "statsmodels":
            mu, sd = _statsmodels_forecasts(name, y, ends, H, notes)
        else:
            raise ValueError(f"unknown engine {engine!r}")
        sd = np.maximum(sd, SD_FLOOR * np.sqrt(np.arange(1, H + 1)))
        out[name] = (_keep_monotone(mu, y, ends), sd)
    out["combination"] = (np.mean([out[m][0] for m in COMPONENTS], axis=0),
                          np.mean([out[m][1] for m in COMPONENTS], axis=0))
    return out


# ---------------------------------------------------------------------------------------------------------------------
# Backtest

@dataclass
class ModelScores:
    """Backtest of one model on one series: per horizon 1..5 (NaN where no error could be scored)."""
    mase: np.ndarray
    coverage80: np.ndarray
    coverage95: np.ndarray
    n: np.ndarray
    z: np.ndarray  # standardized logit-scale errors, all horizons
    z_horizon: np.ndarray
    widening: np.ndarray

    @property
    def mean_mase(self) -> float:
        valid = self.mase[np.isfinite(self.mase)]
        return float(valid.mean()) if len(valid) else math.nan


def backtest_origins(prep: Prepared) -> np.ndarray:
    """Observed years with >= MIN_TRAIN_OBSERVED observed years up to them and an observed year after them."""
    n_obs_so_far = np.cumsum(prep.observed)
    last_observed = np.flatnonzero(prep.observed)[-1] if prep.observed.any() else -1
    ok = prep.observed & (n_obs_so_far >= MIN_TRAIN_OBSERVED) & (np.arange(len(prep.y)) < last_observed)
    return np.flatnonzero(ok)


def widening_factors(z: np.ndarray, z_horizon: np.ndarray, H: int) -> np.ndarray:
    """Per-horizon interval multipliers from standardized backtest errors (see module docstring)."""
    if len(z) == 0:
        return np.ones(H)
    z = np.clip(z, -Z_CLIP, Z_CLIP)
    pooled = float(np.mean(z * z))
    factors = []
    for h in range(1, BACKTEST_HORIZONS + 1):
        zh = z[z_horizon == h]
        factors.append(math.sqrt((np.sum(zh * zh) + WIDEN_SHRINK * pooled) / (len(zh) + WIDEN_SHRINK)))
    f = np.minimum(np.maximum.accumulate(np.maximum(factors, 1.0)), WIDEN_MAX)
    return np.concatenate([f, np.full(max(H - len(f), 0), f[-1])])[:H]


def _score(prep: Prepared, ends: np.ndarray, mu: np.ndarray, sd: np.ndarray) -> ModelScores:
    H, n = mu.shape[1], len(prep.y)
    idx = ends[:, None] + np.arange(1, H + 1)[None, :]
    valid = idx < n
    idx_c = np.minimum(idx, n - 1)
    valid &= prep.observed[idx_c]
    abs_change = np.concatenate([[0.0], np.cumsum(np.abs(np.diff(prep.x)))])
    scale = abs_change[ends] / np.maximum(ends, 1)
    y_true, x_true = prep.y[idx_c], prep.x[idx_c]
    scaled = np.abs(x_true - prep.scale.to_x(mu)) / np.where(scale > 0, scale, np.nan)[:, None]
    z = (y_true - mu) / sd
    mase, cov80, cov95, count = (np.full(BACKTEST_HORIZONS, np.nan) for _ in range(4))
    for h in range(1, min(H, BACKTEST_HORIZONS) + 1):
        v = valid[:, h - 1]
        count[h - 1] = v.sum()
        if v.any():
            s = scaled[v, h - 1]
            mase[h - 1] = np.nanmean(s) if np.isfinite(s).any() else np.nan
            cov80[h - 1] = np.mean(np.abs(z[v, h - 1]) <= Z80)
            cov95[h - 1] = np.mean(np.abs(z[v, h - 1]) <= Z95)
    z_all, z_h = z[valid], np.broadcast_to(np.arange(1, H + 1), z.shape)[valid]
    return ModelScores(mase, cov80, cov95, np.nan_to_num(count).astype(int), z_all, z_h,
                       widening_factors(z_all, z_h, BACKTEST_HORIZONS))


def backtest(prep: Prepared, engine: str = "numpy", notes: list | None = None) -> dict[str, ModelScores]:
    """Rolling-origin (expanding window) backtest of every model, horizons 1..5."""
    ends = backtest_origins(prep)
    if len(ends) == 0:
        return {}
    fc = model_forecasts(prep.y, ends, BACKTEST_HORIZONS, engine, notes)
    return {name: _score(prep, ends, mu, sd) for name, (mu, sd) in fc.items()}


def choose_model(scores: Mapping[str, ModelScores]) -> str:
    """The candidate with the lowest mean MASE; the combination when nothing could be scored."""
    best, best_value = "combination", math.inf
    for name in CANDIDATES:
        value = scores[name].mean_mase if name in scores else math.nan
        if np.isfinite(value) and value < best_value - 1e-12:
            best, best_value = name, value
    return best


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
    mu: np.ndarray = field(default_factory=lambda: np.array([]))  # logit mean, steps 1..H after the last year
    sd: np.ndarray = field(default_factory=lambda: np.array([]))  # widened logit sd
    sd_model: np.ndarray = field(default_factory=lambda: np.array([]))
    widening: np.ndarray = field(default_factory=lambda: np.ones(BACKTEST_HORIZONS))
    scores: dict = field(default_factory=dict)
    n_paths: int = DEFAULT_PATHS
    seed: int = DEFAULT_SEED
    engine: str = "statsmodels"  # final fit
    backtest_engine: str = "numpy"
    mu_numpy: np.ndarray = field(default_factory=lambda: np.array([]))  # the numpy fit of the same model (a check)
    final_engines: dict = field(default_factory=dict)  # component -> statsmodels | numpy | numpy_fallback | closed_form
    cpu_seconds: float = 0.0  # CPU time the fit took (in the process that made it), for benchmarks
    notes: list = field(default_factory=list)
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
    def n_observed(self) -> int:
        return self.prep.n_observed

    @property
    def n_interpolated(self) -> int:
        return self.prep.n_interpolated

    @property
    def mase(self) -> float:
        return self.scores[self.model].mean_mase if self.model in self.scores else math.nan

    # -- the forecast ------------------------------------------------------------------------------------------------
    @property
    def forecast_years(self) -> np.ndarray:
        if self.too_short or self.last_year is None:
            return np.array([], dtype=int)
        return np.arange(self.last_year + 1, self.horizon_to + 1)

    def _to_x(self, y):
        return self.prep.scale.to_x(y)

    def forecast_frame(self) -> pd.DataFrame:
        """year, point (median), lo80, hi80, lo95, hi95 on the original scale, up to horizon_to."""
        k = len(self.forecast_years)
        mu, sd = self.mu[:k], self.sd[:k]
        return pd.DataFrame({"year": self.forecast_years, "point": self._to_x(mu),
                             "lo80": self._to_x(mu - Z80 * sd), "hi80": self._to_x(mu + Z80 * sd),
                             "lo95": self._to_x(mu - Z95 * sd), "hi95": self._to_x(mu + Z95 * sd)})

    def backtest_frame(self) -> pd.DataFrame:
        return scores_frame(self.scores, chosen=self.model)

    def _set_final(self, steps: int) -> None:
        fit = final_forecast(self.prep.y, self.model, steps, self.engine, self.notes)
        self.mu, self.sd_model, self.mu_numpy = fit.mu, fit.sd, fit.mu_numpy
        self.sd = _widened(fit, self.widening, steps)
        self.final_engines, self._paths = fit.engines, None

    def _ensure_steps(self, steps: int) -> None:
        """Extend mu/sd when a target lies beyond the stored horizon (refits the chosen model)."""
        if steps > len(self.mu):
            self._set_final(steps)

    @property
    def engine_gap(self) -> float | None:
        """Largest difference (points) between the final engine's and the numpy point forecast up to horizon_to."""
        k = len(self.forecast_years)
        if self.too_short or k == 0 or len(self.mu_numpy) < k:
            return None
        return float(np.max(np.abs(self._to_x(self.mu[:k]) - self._to_x(self.mu_numpy[:k]))))

    def paths(self, steps: int | None = None) -> np.ndarray:
        """Simulated logit-scale paths, shape (n_paths, steps); deterministic given the seed."""
        steps = len(self.mu) if steps is None else steps
        self._ensure_steps(steps)
        if self._paths is None or self._paths.shape[1] < len(self.mu):
            s = np.maximum.accumulate(self.sd)
            increments = np.sqrt(np.diff(np.concatenate([[0.0], s * s])))
            normals = np.random.default_rng(self.seed).standard_normal((self.n_paths, len(self.mu)))
            self._paths = self.mu[None, :] + np.cumsum(normals * increments[None, :], axis=1)
        return self._paths[:, :steps]

    # -- targets -----------------------------------------------------------------------------------------------------
    def _threshold_logit(self, value: float) -> float:
        return float(self.prep.scale.to_logit(value))

    def _observed_reach_year(self, value: float) -> int | None:
        """First year of the final unbroken run of observed years at or above the value (None if the last is below)."""
        met = self.prep.obs_values >= value - 1e-9
        if not len(met) or not met[-1]:
            return None
        first = len(met) - 1
        while first > 0 and met[first - 1]:
            first -= 1
        return int(self.prep.obs_years[first])

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
        if target.threshold >= self.ceiling:
            return TargetOutlook(target, 0.0, 0.0, None, "forecast",
                                 "target at or above the ceiling: unreachable under the model")
        if target.threshold <= self.floor:
            return TargetOutlook(target, 1.0, 1.0, reached, "already_met", "target at or below the floor")
        steps = target.year - self.last_year
        paths = self.paths(steps)
        thr = self._threshold_logit(target.threshold)
        p_meet = float(np.mean(paths[:, steps - 1] >= thr))
        if reached is not None:
            return TargetOutlook(target, p_meet, 1.0, reached, "already_met",
                                 "met in the last observed year; p_meet is the chance it is still met in the target "
                                 "year")
        p_reach = float(np.mean(np.any(paths >= thr, axis=1)))
        return TargetOutlook(target, p_meet, p_reach, self._median_reach_year(thr), "forecast")

    def _median_reach_year(self, thr: float) -> int | None:
        k = len(self.forecast_years)
        hit = np.flatnonzero(self.mu[:k] >= thr)
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

    def p_meet_normal(self, target: Target) -> float | None:
        """1 - Phi((logit(T) - mu_h) / sd_h): the closed form the simulated share estimates (future target years)."""
        if self.too_short or self.last_year is None or target.year <= self.last_year:
            return None
        if target.threshold >= self.ceiling:
            return 0.0
        steps = target.year - self.last_year
        self._ensure_steps(steps)
        z = (self._threshold_logit(target.threshold) - self.mu[steps - 1]) / self.sd[steps - 1]
        return float(ndtr(-z))

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


def scores_frame(scores: Mapping[str, ModelScores], chosen: str | None = None) -> pd.DataFrame:
    """model, horizon, n, mase, mase_rel_naive, mase_rel_drift, coverage80, coverage95, widening, mean_mase, chosen."""
    rows = []
    naive, drift = scores.get("naive"), scores.get("rw_drift")
    for name, sc in scores.items():
        for h in range(BACKTEST_HORIZONS):
            rows.append({
                "model": name, "horizon": h + 1, "n": int(sc.n[h]), "mase": sc.mase[h],
                "mase_rel_naive": sc.mase[h] / naive.mase[h] if naive is not None else np.nan,
                "mase_rel_drift": sc.mase[h] / drift.mase[h] if drift is not None else np.nan,
                "coverage80": sc.coverage80[h], "coverage95": sc.coverage95[h], "widening": sc.widening[h],
                "mean_mase": sc.mean_mase, "chosen": name == chosen})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------------------------------
# Entry points

@dataclass
class FinalFit:
    """The chosen model fitted on the whole series: mu and sd from the final engine (sd before widening), the numpy
    version of the same model for the widening rule and as a check, and which engine produced each component."""
    mu: np.ndarray
    sd: np.ndarray
    mu_numpy: np.ndarray
    sd_numpy: np.ndarray
    engines: dict


def _final_component(name: str, y: np.ndarray, steps: int, engine: str, notes: list):
    end = np.array([len(y) - 1])
    mu_np, sd_np = _NUMPY_MODELS[name](y, end, steps)
    mu_np, sd_np = mu_np[0], sd_np[0]
    used = "numpy" if name in STATSMODELS_MODELS else "closed_form"
    mu, sd = mu_np, sd_np
    if engine == "statsmodels" and name in STATSMODELS_MODELS:
        try:
            mu, sd = _statsmodels_one(name, y, steps)
            used = "statsmodels"
        except Exception as exc:  # degenerate fit: the numpy version of the same model, and say so
            notes.append(f"{name}: statsmodels final fit failed ({type(exc).__name__}); numpy version used")
            used = "numpy_fallback"
    elif engine not in ("numpy", "statsmodels"):
        raise ValueError(f"unknown engine {engine!r}")
    floor = SD_FLOOR * np.sqrt(np.arange(1, steps + 1))
    ends = np.array([len(y) - 1])
    mu = _keep_monotone(np.asarray(mu, dtype=float)[None, :], y, ends)[0]
    mu_np = _keep_monotone(mu_np[None, :], y, ends)[0]
    return mu, np.maximum(sd, floor), mu_np, np.maximum(sd_np, floor), used


def final_forecast(y: np.ndarray, model: str, steps: int, engine: str = "statsmodels",
                   notes: list | None = None) -> FinalFit:
    """The chosen model (for the combination: its four components) fitted on the whole series, steps 1..steps."""
    notes = [] if notes is None else notes
    names = COMPONENTS if model == "combination" else (model,)
    parts = {name: _final_component(name, y, steps, engine, notes) for name in names}
    mean = [np.mean([p[i] for p in parts.values()], axis=0) for i in range(4)]
    return FinalFit(mean[0], mean[1], mean[2], mean[3], {name: p[4] for name, p in parts.items()})


def _widened(fit: FinalFit, widening: np.ndarray, steps: int) -> np.ndarray:
    f = np.concatenate([widening, np.full(max(steps - len(widening), 0), widening[-1])])[:steps]
    return np.maximum(fit.sd, f * fit.sd_numpy)


def forecast_series(series, horizon_to: int = 2030, ceiling: float = 100.0, targets: Sequence[Target] = (),
                    n_paths: int = DEFAULT_PATHS, seed: int = DEFAULT_SEED, engine: str = "statsmodels",
                    unit: str | None = None, floor: float = 0.0, top_offset: float | None = None,
                    backtest_engine: str = "numpy") -> ForecastResult:
    """Forecast one annual coverage series (pd.Series or {year: value}) to `horizon_to` with target probabilities.

    The backtest (model choice, scores, widening) runs on `backtest_engine`, the final fit on `engine`."""
    started = time.process_time()
    result = _forecast_series(series, horizon_to, ceiling, targets, n_paths, seed, engine, unit, floor, top_offset,
                              backtest_engine)
    result.cpu_seconds = time.process_time() - started
    return result


def _forecast_series(series, horizon_to, ceiling, targets, n_paths, seed, engine, unit, floor, top_offset,
                     backtest_engine) -> ForecastResult:
    prep = prepare(series, Scale(ceiling, floor, top_offset))
    result = ForecastResult(unit=unit, prep=prep, horizon_to=horizon_to, targets=tuple(targets), n_paths=n_paths,
                            seed=seed, engine=engine, backtest_engine=backtest_engine)
    if prep.n_observed < MIN_OBSERVED_YEARS:
        result.too_short = True
        result.message = (f"too short to forecast: {prep.n_observed} observed years, "
                          f"at least {MIN_OBSERVED_YEARS} needed")
        return result
    if prep.n_interpolated:
        result.notes.append(f"{prep.n_interpolated} missing years interpolated on the logit scale for fitting")
    if prep.n_clipped:
        result.notes.append(f"{prep.n_clipped} values at or beyond a bound clipped inside it")
    result.scores = backtest(prep, backtest_engine, result.notes)
    result.model = choose_model(result.scores)
    last_year = int(prep.years[-1])
    far = max([horizon_to, last_year + 1] + [t.year for t in targets])
    result.widening = (result.scores[result.model].widening if result.model in result.scores
                       else np.ones(BACKTEST_HORIZONS))
    result._set_final(far - last_year)
    return result


def backtest_table(series_by_name: Mapping[str, pd.Series], ceiling: float = 100.0, engine: str = "numpy",
                   floor: float = 0.0, top_offset: float | None = None) -> pd.DataFrame:
    """Per series, model (incl. combination; naive and drift as benchmarks) and horizon 1..5: n, MASE, MASE relative
    to naive and to drift, coverage of the raw 80 %/95 % intervals, the widening factor, mean MASE, the chosen model,
    note. A series too short to backtest gets one row with model '(too short)' and the reason in `note`."""
    frames = []
    for name, series in series_by_name.items():
        prep = prepare(series, Scale(ceiling, floor, top_offset))
        if prep.n_observed < MIN_OBSERVED_YEARS:
            frame = pd.DataFrame([{"model": "(too short)", "horizon": pd.NA, "n": 0, "chosen": False,
                                   "note": f"{prep.n_observed} observed years < {MIN_OBSERVED_YEARS}"}])
        else:
            scores = backtest(prep, engine)
            frame = scores_frame(scores, chosen=choose_model(scores))
            frame["note"] = f"{prep.n_interpolated} years interpolated" if prep.n_interpolated else ""
        frame.insert(0, "series", name)
        frames.append(frame)
    if not frames:
        return pd.DataFrame()
    table = pd.concat([f.dropna(axis=1, how="all") for f in frames], ignore_index=True)
    return table.astype({"horizon": "Int64", "n": int, "chosen": bool})


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
            context.set_forkserver_preload(["lib.forecast.models", "statsmodels.tsa.arima.model",
                                            "statsmodels.tsa.exponential_smoothing.ets",
                                            "statsmodels.tsa.forecasting.theta"])
        pool = _POOLS[key] = ProcessPoolExecutor(max_workers=workers, mp_context=context)
    return pool


def forecast_many(panel: pd.DataFrame, *, horizon_to: int = 2030, ceiling: float = 100.0,
                  targets: Sequence[Target] | Mapping[str, Sequence[Target]] | Callable = (),
                  n_paths: int = DEFAULT_PATHS, seed: int = DEFAULT_SEED, engine: str = "statsmodels",
                  backtest_engine: str = "numpy", top_offset: float | None = None, workers: int = 2,
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
