"""Rolling-origin evaluation on the evaluation set (lib.forecast.evalset): the product's method against naive, drift,
drift on the logit scale and the M4 Comb benchmark; and the pooled calibration the product reads (lib.forecast.calibration).

Origins: every observed year with at least ``MIN_TRAIN`` observed years up to it (expanding window); horizons: the
observed years 1..5 calendar years after it (a missing year is not scored). Metrics, per horizon and pooled:
- MASE: |error| / mean absolute one-year change in the training data (per year of gap; floored at 0.05 point), averaged
  per series first, then over series (every series weighs the same, however long);
- coverage of the 80 % / 95 % intervals and their mean width (points), over all forecasts;
- Brier score of target probabilities: at each origin and horizon, targets at the last value -5, -2, -1, 0, +1, +2, +5
  points and at 90, 95, 99, 100 % (those inside (0, 100]); event = the outcome is at or above the target, where a target
  within 0.5 point of 100 counts as 99.5 (method.TOP_BAND) for every method alike.

The product's calibration (damping phi, per-horizon quantiles of standardized errors) is estimated from the pooled
errors; for the benchmark table it is cross-fitted (``FOLDS`` groups of series, each scored with the calibration
estimated on the others), so the product is never scored on errors it was calibrated on.
"""
from __future__ import annotations

import time
import warnings
import zlib
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import ndtr, ndtri

from lib.forecast import method as M
from lib.forecast.evalset import EvalSeries

MIN_TRAIN = 5
H = 5
FOLDS = 5
PHI_GRID = np.round(np.arange(0.0, 1.0001, 0.05), 2)
TARGET_OFFSETS = (-5.0, -2.0, -1.0, 0.0, 1.0, 2.0, 5.0)
TARGET_LEVELS = (90.0, 95.0, 99.0, 100.0)
QUANTILE_LEVELS = np.array([0.005, 0.01, 0.025] + [round(0.05 * k, 2) for k in range(1, 20)] + [0.975, 0.99, 0.995])
Z80, Z95 = float(ndtri(0.9)), float(ndtri(0.975))
METHODS = ("product", "naive", "drift", "logit_drift", "comb")


@dataclass
class Case:
    """One forecast origin of one series: training data, the observed outcomes at horizons 1..5."""
    series_id: str
    family: str
    fold: int
    years: np.ndarray
    values: np.ndarray
    h: np.ndarray  # horizons (calendar years ahead) with an observed outcome
    outcome: np.ndarray

    @property
    def mase_scale(self) -> float:
        g = np.diff(self.years).astype(float)
        return max(float(np.mean(np.abs(np.diff(self.values)) / g)), 0.05)


def fold_of(series_id: str) -> int:
    return zlib.crc32(series_id.encode()) % FOLDS


def cases(series: list[EvalSeries]) -> list[Case]:
    out = []
    for s in series:
        for i in range(MIN_TRAIN - 1, len(s.years) - 1):
            ahead = s.years[i + 1:] - s.years[i]
            keep = ahead <= H
            if not keep.any():
                continue
            out.append(Case(s.series_id, s.family, fold_of(s.series_id), s.years[:i + 1], s.values[:i + 1],
                            ahead[keep], s.values[i + 1:][keep]))
    return out


def thresholds(last: float) -> np.ndarray:
    t = np.array([last + d for d in TARGET_OFFSETS] + list(TARGET_LEVELS))
    t = t[(t > 0) & (t <= 100)]
    return np.unique(np.minimum(t, 100 - M.TOP_BAND))


# ---------------------------------------------------------------------------------------------------------------------
# Calibrated distribution (quantiles of standardized errors per horizon)

def quantile_fn(levels: np.ndarray, q: np.ndarray):
    """u -> Q(u), piecewise linear in normal scores, extrapolated linearly beyond the outer levels."""
    s = ndtri(levels)

    def Q(u):
        su = ndtri(np.clip(np.asarray(u, dtype=float), 1e-12, 1 - 1e-12))
        inner = np.interp(su, s, q)
        lo = q[0] + (su - s[0]) * (q[1] - q[0]) / (s[1] - s[0])
        hi = q[-1] + (su - s[-1]) * (q[-1] - q[-2]) / (s[-1] - s[-2])
        return np.where(su < s[0], lo, np.where(su > s[-1], hi, inner))
    return Q


def cdf_fn(levels: np.ndarray, q: np.ndarray):
    """z -> F(z), the inverse of quantile_fn (q must be increasing)."""
    s = ndtri(levels)

    def F(z):
        z = np.asarray(z, dtype=float)
        inner = np.interp(z, q, s)
        lo = s[0] + (z - q[0]) * (s[1] - s[0]) / max(q[1] - q[0], 1e-12)
        hi = s[-1] + (z - q[-1]) * (s[-1] - s[-2]) / max(q[-1] - q[-2], 1e-12)
        return ndtr(np.where(z < q[0], lo, np.where(z > q[-1], hi, inner)))
    return F


def calibrate(z_by_h: dict[int, np.ndarray]) -> np.ndarray:
    """(H, len(QUANTILE_LEVELS)) quantiles of pooled standardized errors per horizon, strictly increasing."""
    out = np.empty((H, len(QUANTILE_LEVELS)))
    for h in range(1, H + 1):
        z = np.asarray(z_by_h.get(h, []), dtype=float)
        q = np.quantile(z, QUANTILE_LEVELS) if len(z) >= 20 else ndtri(QUANTILE_LEVELS)
        out[h - 1] = np.maximum.accumulate(q + np.arange(len(q)) * 1e-9)
    # Intervals never narrow with the horizon: scale_h grows at least like sqrt(h), so a deviation from the median
    # at least sqrt((h - 1) / h) times the previous horizon's keeps every interval at least as wide as the last one.
    mid = int(np.argmin(np.abs(QUANTILE_LEVELS - 0.5)))
    for h in range(2, H + 1):
        prev = (out[h - 2] - out[h - 2, mid]) * np.sqrt((h - 1) / h)
        dev = out[h - 1] - out[h - 1, mid]
        dev = np.where(QUANTILE_LEVELS < 0.5, np.minimum(dev, prev), np.maximum(dev, prev))
        out[h - 1] = out[h - 1, mid] + dev
    return out


# ---------------------------------------------------------------------------------------------------------------------
# Forecasts of one case by each method: point (len h), lo80, hi80, lo95, hi95, p (thresholds x h) or None

def _gaussian(point, sd, case, thr):
    out = {"point": point, "lo80": point - Z80 * sd, "hi80": point + Z80 * sd,
           "lo95": point - Z95 * sd, "hi95": point + Z95 * sd}
    out["p"] = 1 - ndtr((thr[:, None] - point[None, :]) / sd[None, :])
    return out


def _rw(years, x, h, drift: bool):
    g = np.diff(years).astype(float)
    d = np.diff(x)
    span = g.sum()
    c = d.sum() / span if drift else 0.0
    s = np.sqrt(np.sum((d - c * g) ** 2 / g) / max(len(d) - (1 if drift else 0), 1))
    s = max(s, 1e-3)
    var = h + (h * h / span if drift else 0)
    return x[-1] + c * h, s * np.sqrt(var)


def naive(case, thr):
    point, sd = _rw(case.years, case.values, case.h.astype(float), False)
    return _gaussian(point, sd, case, thr)


def drift(case, thr):
    point, sd = _rw(case.years, case.values, case.h.astype(float), True)
    return _gaussian(point, sd, case, thr)


def logit_drift(case, thr):
    """The Gaussian random walk with drift on the logit scale (the reference for the Brier target)."""
    b = M.Bounds()
    y = b.to_logit(case.values)
    mu, sd = _rw(case.years, y, case.h.astype(float), True)
    out = {"point": b.to_x(mu), "lo80": b.to_x(mu - Z80 * sd), "hi80": b.to_x(mu + Z80 * sd),
           "lo95": b.to_x(mu - Z95 * sd), "hi95": b.to_x(mu + Z95 * sd)}
    out["p"] = 1 - ndtr((b.to_logit(thr)[:, None] - mu[None, :]) / sd[None, :])
    return out


def comb(case, thr):
    """M4 Comb: SES, Holt and damped Holt (statsmodels, optimised), equal weights, on the original scale; missing
    years filled linearly (the methods need a regular series). No intervals or probabilities (M4 defined none)."""
    from statsmodels.tsa.holtwinters import Holt, SimpleExpSmoothing

    years = np.arange(case.years[0], case.years[-1] + 1)
    x = np.interp(years, case.years, case.values)
    steps = int(case.h.max())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        f = [SimpleExpSmoothing(x, initialization_method="estimated").fit().forecast(steps),
             Holt(x, initialization_method="estimated").fit().forecast(steps),
             Holt(x, damped_trend=True, initialization_method="estimated").fit().forecast(steps)]
    point = np.mean(f, axis=0)[case.h - 1]
    nan = np.full(len(case.h), np.nan)
    return {"point": point, "lo80": nan, "hi80": nan, "lo95": nan, "hi95": nan, "p": None}


@dataclass
class Raw:
    """The product's uncalibrated pieces at one case: logit mu per phi (len(PHI_GRID), len h) and scale (len h)."""
    mu: np.ndarray
    scale: np.ndarray
    y_true: np.ndarray
    bounds: M.Bounds


def product_raw(case: Case, breaks: bool = True) -> Raw:
    f = M.fit(case.years, case.values, breaks=breaks)
    h = case.h.astype(float)
    mu = np.array([f.mu(h, phi) for phi in PHI_GRID])
    return Raw(mu, f.scale(h), f.bounds.to_logit(case.outcome), f.bounds)


def product_from_raw(raw: Raw, case: Case, phi_index: int, quantiles: np.ndarray, thr: np.ndarray) -> dict:
    mu, sc, b = raw.mu[phi_index], raw.scale, raw.bounds
    out = {"point": np.array([b.to_x(mu[k] + sc[k] * quantile_fn(QUANTILE_LEVELS, quantiles[h - 1])(0.5))
                              for k, h in enumerate(case.h)])}
    for name, u in (("lo80", 0.1), ("hi80", 0.9), ("lo95", 0.025), ("hi95", 0.975)):
        out[name] = np.array([b.to_x(mu[k] + sc[k] * quantile_fn(QUANTILE_LEVELS, quantiles[h - 1])(u))
                              for k, h in enumerate(case.h)])
    tl = b.to_logit(thr)
    out["p"] = np.array([[1 - float(cdf_fn(QUANTILE_LEVELS, quantiles[h - 1])((t - mu[k]) / sc[k]))
                          for k, h in enumerate(case.h)] for t in tl])
    return out


def choose_phi(cases_: list[Case], raws: list[Raw]) -> int:
    """Index into PHI_GRID of the damping with the lowest MASE (series-weighted) over the given cases."""
    per_series: dict[str, list] = {}
    for c, r in zip(cases_, raws):
        err = np.abs(r.bounds.to_x(r.mu) - c.outcome[None, :]).mean(axis=1) / c.mase_scale
        per_series.setdefault(c.series_id, []).append(err)
    score = np.mean([np.mean(v, axis=0) for v in per_series.values()], axis=0)
    return int(np.argmin(score))


def standardized(cases_: list[Case], raws: list[Raw], phi_index: int) -> dict[int, np.ndarray]:
    z: dict[int, list] = {h: [] for h in range(1, H + 1)}
    for c, r in zip(cases_, raws):
        for k, h in enumerate(c.h):
            z[int(h)].append((r.y_true[k] - r.mu[phi_index, k]) / r.scale[k])
    return {h: np.array(v) for h, v in z.items()}


def fit_calibration(cases_: list[Case], raws: list[Raw]) -> tuple[int, np.ndarray]:
    phi_index = choose_phi(cases_, raws)
    return phi_index, calibrate(standardized(cases_, raws, phi_index))


# ---------------------------------------------------------------------------------------------------------------------
# The benchmark table

def evaluate(series: list[EvalSeries], methods=METHODS, breaks: bool = True) -> tuple[pd.DataFrame, dict]:
    """Long frame of every scored forecast: method, series_id, family, origin, h, outcome, point, lo80..hi95,
    scaled_error; and a dict with Brier rows (method, family, h, p, event) and seconds per method."""
    cs = cases(series)
    fit_started = time.process_time()
    raws = [product_raw(c, breaks) for c in cs] if "product" in methods else []
    fit_seconds = time.process_time() - fit_started
    folds = {}
    if "product" in methods:
        for k in range(FOLDS):
            train = [i for i, c in enumerate(cs) if c.fold != k]
            folds[k] = fit_calibration([cs[i] for i in train], [raws[i] for i in train])
    rows, brier, seconds = [], [], {m: 0.0 for m in methods}
    if "product" in methods:
        seconds["product"] = fit_seconds  # the fits at every origin, then the calibrated forecasts below
    fns = {"naive": naive, "drift": drift, "logit_drift": logit_drift, "comb": comb}
    for i, c in enumerate(cs):
        thr = thresholds(float(c.values[-1]))
        events = np.minimum(c.outcome, 100.0)[None, :] >= thr[:, None] - 1e-9
        for m in methods:
            started = time.process_time()
            if m == "product":
                phi_index, q = folds[c.fold]
                out = product_from_raw(raws[i], c, phi_index, q, thr)
            else:
                out = fns[m](c, thr)
            seconds[m] += time.process_time() - started
            for k, h in enumerate(c.h):
                rows.append({"method": m, "series_id": c.series_id, "family": c.family, "origin": int(c.years[-1]),
                             "h": int(h), "outcome": float(c.outcome[k]), "point": float(out["point"][k]),
                             "lo80": float(out["lo80"][k]), "hi80": float(out["hi80"][k]),
                             "lo95": float(out["lo95"][k]), "hi95": float(out["hi95"][k]),
                             "scaled_error": abs(float(out["point"][k]) - float(c.outcome[k])) / c.mase_scale})
            if out["p"] is not None:
                for j in range(len(thr)):
                    for k, h in enumerate(c.h):
                        brier.append((m, c.family, int(h), float(out["p"][j, k]), bool(events[j, k])))
    frame = pd.DataFrame(rows)
    return frame, {"brier": pd.DataFrame(brier, columns=["method", "family", "h", "p", "event"]),
                   "seconds": seconds, "n_cases": len(cs), "n_series": len({c.series_id for c in cs})}


def summary(frame: pd.DataFrame, brier: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Per method (and `by`: 'h' or 'family'): MASE (series-weighted), coverage 80/95, mean width 80/95, Brier, n."""
    keys = ["method"] + ([by] if by else [])
    f = frame.assign(in80=(frame["outcome"] >= frame["lo80"]) & (frame["outcome"] <= frame["hi80"]),
                     in95=(frame["outcome"] >= frame["lo95"]) & (frame["outcome"] <= frame["hi95"]),
                     w80=frame["hi80"] - frame["lo80"], w95=frame["hi95"] - frame["lo95"])
    has_pi = f["lo80"].notna()
    per_series = f.groupby(keys + ["series_id"])["scaled_error"].mean().groupby(keys).mean().rename("mase")
    cov = f[has_pi].groupby(keys).agg(cov80=("in80", "mean"), cov95=("in95", "mean"), width80=("w80", "mean"),
                                      width95=("w95", "mean"))
    n = f.groupby(keys).size().rename("n")
    ns = f.groupby(keys)["series_id"].nunique().rename("series")
    b = brier.assign(sq=(brier["p"] - brier["event"].astype(float)) ** 2).groupby(keys)["sq"].mean().rename("brier")
    return pd.concat([per_series, cov, b, n, ns], axis=1).reset_index()
