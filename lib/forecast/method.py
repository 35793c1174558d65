"""The forecast users see: a damped random walk with drift on the logit scale, fitted on the observed years after the
last level break (gaps kept as gaps), with intervals and probabilities from pooled, per-horizon calibration.

Steps for one series (years t_i, values x_i, observed only):
1. Scale. y = log((x - a) / (b - x)) with b = the ceiling (100) and a = the floor (0). Values within ``TOP_BAND``
   (0.5 point) of the ceiling are read as ``ceiling - TOP_BAND`` for fitting, values within ``BOTTOM_BAND`` (0.05
   point) of the floor as ``floor + BOTTOM_BAND``: published coverage is rounded and its denominators uncertain
   (figures of 99.9-101 % occur), and a value at a bound would sit at an infinite logit. Forecasts are never clipped: the back-transform of any logit value lies inside (a, b), so an
   interval keeps its width near 0 and 100.
2. Level break (``detect_break``): a one-year step (per year of gap) that is more than ``BREAK_K`` robust SDs (1.4826
   MAD) away from the median of the other steps and at least ``BREAK_MIN_POINTS`` points in size. The latest such
   break is used: the fit uses the observed years from the break on when there are ``SEGMENT_MIN`` or more of them;
   with fewer, the level comes from after the break and the drift from the other steps (the jump is left out). The
   caller may switch detection off (``breaks=False``).
3. Drift and spread with gaps as gaps: the maximum-likelihood random walk with drift on irregular years,
   c = (y_last - y_first) / (t_last - t_first), s^2 = sum((dy_i - c g_i)^2 / g_i) / (m - 1) over the m steps (g_i =
   years between observations: a gap of 3 years is one step with 3 times the variance, not 3 observations). statsmodels'
   ARIMA(0,1,0) with drift on the yearly series with missing years (Kalman filter) has the same maximum
   (``tests/test_forecast_method.py``). s is floored at ``SD_FLOOR_POINTS`` points per year at the last value (at most
   ``SD_FLOOR_LOGIT_MAX`` on the logit scale: near a bound a quarter point is a large logit step).
4. Point forecast: mu_h = y_T + c (phi + ... + phi^h), phi = the pooled damping chosen on the evaluation set
   (calibration.json): it starts at the last observed value and moves in the direction of the segment's average
   change; it falls below the last value of a rising series only when that average change is negative (reason given).
5. Spread: scale_h = s sqrt(h + h^2 / span) (the drift estimate's uncertainty added); the predictive distribution is
   mu_h + scale_h * Q_h(u), Q_h the pooled empirical quantiles of standardized errors at horizon h from the
   rolling-origin backtest of the evaluation set (calibration.json). Intervals are its quantiles; the probability of
   a target is its upper tail, so the two always agree.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.special import expit

TOP_BAND = 0.5  # points below the ceiling that count as at the ceiling
BOTTOM_BAND = 0.05  # points (on a 0-100 range) above the floor that count as at the floor
BREAK_K = 5.0
BREAK_MIN_POINTS = 3.0
BREAK_MIN_STEPS = 4  # other steps needed to judge a step a break
SEGMENT_MIN = 5
SD_FLOOR_POINTS = 0.25
SD_FLOOR_LOGIT_MAX = 0.15  # near a bound 0.25 point is a large logit step: the floor stops there


@dataclass(frozen=True)
class Bounds:
    ceiling: float = 100.0
    floor: float = 0.0
    band: float | None = None  # points (on a 0-100 range) below the ceiling that count as at the ceiling

    @property
    def upper(self) -> float:
        return self.ceiling

    @property
    def lower(self) -> float:
        return self.floor

    @property
    def bottom(self) -> float:
        """The lowest value a fit reads: values below count as this (at the floor)."""
        return self.floor + BOTTOM_BAND * (self.ceiling - self.floor) / 100.0

    @property
    def top(self) -> float:
        """The highest value a fit reads: values above count as this (at the ceiling)."""
        band = TOP_BAND if self.band is None else self.band
        return self.ceiling - band * (self.ceiling - self.floor) / 100.0

    def clip(self, x):
        """Values as a fit reads them: inside [floor, top]."""
        return np.clip(np.asarray(x, dtype=float), self.bottom, self.top)

    def to_logit(self, x):
        x = self.clip(x)
        return np.log((x - self.lower) / (self.upper - x))

    def to_x(self, y):
        return self.lower + (self.upper - self.lower) * expit(np.asarray(y, dtype=float))

    def slope(self, x) -> float:
        """dx/dy at x: points per logit unit."""
        p = (np.clip(x, self.bottom, self.top) - self.lower) / (self.upper - self.lower)
        return float((self.upper - self.lower) * p * (1 - p))


def sd_floor(bounds: Bounds, last: float) -> float:
    """The least logit sd per year: SD_FLOOR_POINTS points at the last value, at most SD_FLOOR_LOGIT_MAX."""
    return min(SD_FLOOR_POINTS / max(bounds.slope(last), 1e-9), SD_FLOOR_LOGIT_MAX)


def detect_break(years: np.ndarray, x: np.ndarray, y: np.ndarray) -> int | None:
    """Index (into the observed arrays) of the first observation after the latest level break, or None."""
    if len(y) < BREAK_MIN_STEPS + 2:
        return None
    g = np.diff(years).astype(float)
    rate = np.diff(y) / g
    jump_points = np.abs(np.diff(x))
    n = len(rate)
    idx = np.array([[j for j in range(n) if j != i] for i in range(n)])
    others = rate[idx]  # row i: every step but step i
    med = np.median(others, axis=1)
    mad = 1.4826 * np.median(np.abs(others - med[:, None]), axis=1)
    hit = (np.abs(rate - med) > BREAK_K * np.maximum(mad, 1e-3)) & (jump_points >= BREAK_MIN_POINTS)
    found = int(np.flatnonzero(hit)[-1]) + 1 if hit.any() else None
    return found


@dataclass
class Fit:
    """A fitted series: what the forecast is made from."""
    bounds: Bounds
    years: np.ndarray  # observed years used (after the break)
    y: np.ndarray
    last_year: int
    y_last: float
    drift: float
    sd: float
    span: float
    n_steps: int
    break_index: int | None = None  # index into all observed years of the first year after the break
    break_year: int | None = None
    break_used: bool = False
    mode: str = "segment"  # segment | whole | jump_removed
    notes: list = field(default_factory=list)

    def mu(self, h: np.ndarray, phi: float) -> np.ndarray:
        h = np.asarray(h, dtype=float)
        damp = h if phi >= 1 else phi * (1 - phi ** h) / (1 - phi)
        return self.y_last + self.drift * damp

    def scale(self, h: np.ndarray) -> np.ndarray:
        h = np.asarray(h, dtype=float)
        return self.sd * np.sqrt(h + h * h / max(self.span, 1.0))


def _drift_sd(years: np.ndarray, y: np.ndarray, skip: int | None = None) -> tuple[float, float, float, int]:
    g = np.diff(years).astype(float)
    d = np.diff(y)
    if skip is not None:
        keep = np.ones(len(d), dtype=bool)
        keep[skip] = False
        g, d = g[keep], d[keep]
    span = float(g.sum())
    if len(d) == 0 or span <= 0:
        return 0.0, 0.0, 0.0, 0
    c = float(d.sum() / span)
    m = len(d)
    ss = float(np.sum((d - c * g) ** 2 / g))
    sd = float(np.sqrt(ss / max(m - 1, 1)))
    return c, sd, span, m


def fit(years, values, bounds: Bounds | None = None, breaks: bool = True) -> Fit:
    """Fit the observed (years, values): at least 2 observations."""
    bounds = bounds or Bounds()
    years = np.asarray(years, dtype=int)
    x = np.asarray(values, dtype=float)
    y = bounds.to_logit(x)
    b = detect_break(years, x, y) if breaks else None
    mode, skip, start = "whole", None, 0
    if b is not None:
        if len(years) - b >= SEGMENT_MIN:
            mode, start = "segment", b
        else:
            mode, skip = "jump_removed", b - 1
    ys, yrs = y[start:], years[start:]
    c, sd, span, m = _drift_sd(yrs, ys, skip)
    floor = sd_floor(bounds, x[-1])
    result = Fit(bounds, yrs, ys, int(years[-1]), float(y[-1]), c, max(sd, floor), max(span, 1.0), m,
                 b, int(years[b]) if b is not None else None, b is not None, mode)
    return result
