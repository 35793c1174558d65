"""Forecast speed on a synthetic district panel, and the backtest table of the real national HI and SI series.

Run: .venv/bin/python bench/bench_forecast.py
"""
from __future__ import annotations

import pickle
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lib.forecast import backtest_table, forecast_many, forecast_series, inv_logit  # noqa: E402
from lib.targets import Target  # noqa: E402

N_UNITS = 696
YEARS = np.arange(2015, 2026)
# metric: (logit start mean, start spread, yearly drift mean, drift spread, 2025 target, 2030 target)
METRICS = {
    "hi_coverage_pct": (1.2, 0.6, 0.18, 0.08, 95.0, 97.0),
    "si_coverage_pct": (-1.1, 0.5, 0.08, 0.05, 45.0, 60.0),
    "ui_coverage_pct": (-1.4, 0.5, 0.07, 0.05, 35.0, 45.0),
    "si_voluntary_pct": (-4.0, 0.6, 0.12, 0.08, 5.0, 7.0),
}


def synthetic_panel(seed: int = 2025) -> pd.DataFrame:
    """696 units x 4 metrics x 2015-2025: logit-scale damped trends with noise, ~3 % of years missing."""
    rng = np.random.default_rng(seed)
    frames = []
    for metric, (start, start_sd, drift, drift_sd, _, _) in METRICS.items():
        level = rng.normal(start, start_sd, N_UNITS)
        slope = np.abs(rng.normal(drift, drift_sd, N_UNITS))
        y = np.empty((N_UNITS, len(YEARS)))
        for t in range(len(YEARS)):
            slope = 0.95 * slope + rng.normal(0, 0.02, N_UNITS)
            level = level + slope + rng.normal(0, 0.05, N_UNITS)
            y[:, t] = level
        values = np.round(inv_logit(y), 2)
        values[rng.random(values.shape) < 0.03] = np.nan
        frames.append(pd.DataFrame({"metric": metric, "unit": np.repeat([f"district:{i:03d}" for i in range(N_UNITS)],
                                                                         len(YEARS)),
                                    "year": np.tile(YEARS, N_UNITS), "value": values.ravel()}))
    return pd.concat(frames, ignore_index=True)


def national_series(metric: str, first_year: int = 2010) -> pd.Series:
    d = pd.read_csv(ROOT / "data" / "reference" / "reported_figures.csv")
    d = d[(d.area_level == "national") & (d.period == "FY") & (d.metric == metric) & (d.year >= first_year)]
    return d.groupby("year").value.median()


def main() -> None:
    panel = synthetic_panel()
    n_series = panel.groupby(["metric", "unit"]).ngroups
    print(f"panel: {N_UNITS} units x {len(METRICS)} metrics x {YEARS[0]}-{YEARS[-1]} = {n_series} series")

    results = {}
    t0 = time.perf_counter()
    for metric, spec in METRICS.items():
        targets = [Target(metric, 2025, "floor", spec[4]), Target(metric, 2030, "floor", spec[5])]
        results[metric] = forecast_many(panel[panel.metric == metric], targets=targets, workers=2)
    total = time.perf_counter() - t0
    print(f"forecast all, workers=2: {total:.2f} s for {n_series} series ({1000 * total / n_series:.2f} ms per series "
          f"wall clock)")

    sample = panel[panel.metric == "hi_coverage_pct"].groupby("unit").head(len(YEARS))
    units = list(sample.unit.unique()[:200])
    t0 = time.perf_counter()
    for unit in units:
        g = sample[sample.unit == unit]
        forecast_series(pd.Series(g.value.to_numpy(), index=g.year.to_numpy()))
    print(f"one series in one process: {1000 * (time.perf_counter() - t0) / len(units):.2f} ms mean over "
          f"{len(units)} series")

    sizes = len(pickle.dumps(results))
    print(f"pickled results: {sizes / 1e6:.1f} MB")

    result = results["hi_coverage_pct"]["district:001"]
    changed = Target("hi_coverage_pct", 2030, "floor", 96.5)
    t0 = time.perf_counter()
    outlook = result.outlook(changed)
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    result.outlook(Target("hi_coverage_pct", 2030, "floor", 98.0))
    again = time.perf_counter() - t0
    t0 = time.perf_counter()
    fresh = pickle.loads(pickle.dumps(result)).outlook(changed)
    from_cache = time.perf_counter() - t0
    print(f"one unit, changed target: {1000 * first:.2f} ms (first), {1000 * again:.2f} ms (again), "
          f"{1000 * from_cache:.2f} ms (unpickled from a cache); p_meet={outlook.p_meet:.3f} "
          f"same after unpickling: {fresh.p_meet == outlook.p_meet}")
    g = panel[(panel.metric == "hi_coverage_pct") & (panel.unit == "district:001")]
    t0 = time.perf_counter()
    forecast_series(pd.Series(g.value.to_numpy(), index=g.year.to_numpy()), targets=[changed])
    print(f"one unit, full refit with the changed target: {1000 * (time.perf_counter() - t0):.2f} ms")

    real = {"national HI 2010-2025": national_series("hi_coverage_pct"),
            "national SI": national_series("si_coverage_pct")}
    for name, s in real.items():
        print(f"{name}: " + ", ".join(f"{y}: {v:g}" for y, v in s.items()))
    pd.set_option("display.width", 200)
    pd.set_option("display.max_columns", 20)
    for engine in ("numpy", "statsmodels"):
        table = backtest_table(real, engine=engine)
        print(f"backtest table (engine={engine}):")
        print(table.round(3).to_string(index=False))


if __name__ == "__main__":
    main()
