"""Benchmark models and the per-series rolling-origin backtest of the `python -m lib.cli backtest` command: naive,
random walk with drift, ARIMA(0,1,0) with drift, damped-trend ETS, Theta and their equal-weight combination on the logit
scale (numpy closed forms / grids, or statsmodels). The forecast users see is lib.forecast.models (lib.forecast.method
with pooled calibration); the benchmark of record is bench/bench_eval.py (lib.forecast.evaluation).

Missing years are filled by linear interpolation on the logit scale for these models (they need regular series) and
are never scored.
"""
from __future__ import annotations

import math
import threading
import warnings
from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import expit, ndtri

from lib.forecast.prep import Prepared, Scale, prepare, single_threaded_blas

MODELS = ("naive", "rw_drift", "arima_drift", "ets_damped", "theta", "combination")
COMPONENTS = ("ets_damped", "rw_drift", "arima_drift", "theta")
CANDIDATES = ("combination",) + COMPONENTS  # order breaks ties
MIN_OBSERVED_YEARS = 5
MIN_TRAIN_OBSERVED = 4
BACKTEST_HORIZONS = 5
SD_FLOOR = 1e-3
WIDEN_SHRINK = 5.0
WIDEN_MAX = 4.0
Z_CLIP = 4.0
Z80 = float(ndtri(0.90))
Z95 = float(ndtri(0.975))
STATSMODELS_MODELS = ("ets_damped", "arima_drift", "theta")
ETS_ALPHA = np.array([1e-4, 0.05, 0.1, 0.2, 0.3, 0.45, 0.6, 0.8, 0.9999])
ETS_BETA_SHARE = np.array([1e-4, 0.05, 0.15, 0.3, 0.6, 1.0])
ETS_PHI = np.array([0.8, 0.85, 0.9, 0.94, 0.98])
THETA_ALPHA = np.linspace(0.02, 1.0, 50)

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


