"""Series preparation shared by the product's forecasts (lib.forecast.models) and the benchmark models
(lib.forecast.backtest): the bounded logit scale, a series on consecutive years with its observed mask, and one BLAS
thread for statsmodels fits."""
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

from lib.forecast.method import Bounds
from lib.forecast.progress_methods import annual_series

# ---------------------------------------------------------------------------------------------------------------------
# Scale

def logit(x, ceiling: float = 100.0, floor: float = 0.0):
    """y = log((x - floor) / (ceiling - x))."""
    x = np.asarray(x, dtype=float)
    return np.log((x - floor) / (ceiling - x))


def inv_logit(y, ceiling: float = 100.0, floor: float = 0.0):
    """The inverse of ``logit``: always inside [floor, ceiling]."""
    return floor + (ceiling - floor) * expit(np.asarray(y, dtype=float))


Scale = Bounds  # Scale(ceiling, floor, band): see lib.forecast.method.Bounds


@dataclass
class Prepared:
    """A series on consecutive years: logit values (gaps interpolated: for the benchmark models and to read a target
    year inside the observed span; the product's fit uses observed years only), original-scale values, observed mask."""
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

