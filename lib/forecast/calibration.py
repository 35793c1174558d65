"""The pooled calibration the product's forecasts read (lib/forecast/calibration.json), computed from the rolling-origin
backtest of the evaluation set (lib.forecast.evaluation):

- ``phi``: the damping of the drift, chosen on all series at once (lowest series-weighted MASE over PHI_GRID), not per
  series from one or two errors;
- ``quantiles``: per horizon 1..5, quantiles (at ``levels``) of the standardized logit-scale errors
  (y - mu_h) / scale_h pooled over every series and origin; horizons beyond 5 use horizon 5's;
- ``benchmark``: the cross-fitted benchmark summary shown on the Progress page (coverage of the 80 % intervals per
  horizon, number of series).

Recompute: ``.venv/bin/python -m lib.forecast.calibration`` (writes the file; ``tests/test_forecast_calibration.py``
fails when the committed file differs from what this computes). ``digest()`` is part of every forecast cache key.
"""
from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

import numpy as np

PATH = Path(__file__).with_name("calibration.json")


def compute() -> dict:
    from lib.forecast import evalset
    from lib.forecast import evaluation as E

    series = evalset.load()
    cs = E.cases(series)
    raws = [E.product_raw(c) for c in cs]
    phi_index, q = E.fit_calibration(cs, raws)
    frame, info = E.evaluate(series, methods=("product", "naive", "drift", "logit_drift"))
    by_h = E.summary(frame, info["brier"], "h")
    prod = by_h[by_h["method"] == "product"].set_index("h")
    return {
        "method": "damped logit random walk with drift, gaps as gaps, level breaks, pooled calibration",
        "phi": float(E.PHI_GRID[phi_index]),
        "levels": [round(float(v), 4) for v in E.QUANTILE_LEVELS],
        "quantiles": [[round(float(v), 6) for v in row] for row in q],
        "n_series": int(info["n_series"]),
        "n_forecasts": int(len(frame[frame["method"] == "product"])),
        "benchmark": {"coverage80": {str(h): round(float(prod.at[h, "cov80"]), 4) for h in prod.index},
                      "coverage95": {str(h): round(float(prod.at[h, "cov95"]), 4) for h in prod.index},
                      "n_series": int(info["n_series"])},
    }


def write(data: dict | None = None) -> dict:
    data = compute() if data is None else data
    PATH.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    load.cache_clear()
    return data


@lru_cache(maxsize=1)
def load() -> dict:
    data = json.loads(PATH.read_text(encoding="utf-8"))
    data["levels"] = np.asarray(data["levels"], dtype=float)
    data["quantiles"] = np.asarray(data["quantiles"], dtype=float)
    return data


def digest() -> str:
    return hashlib.sha1(PATH.read_bytes()).hexdigest()[:12]


if __name__ == "__main__":
    d = write()
    print(f"wrote {PATH.name}: phi = {d['phi']}, {d['n_series']} series, {d['n_forecasts']} forecasts; "
          f"80 % coverage by horizon {d['benchmark']['coverage80']}")
