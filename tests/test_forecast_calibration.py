"""The committed calibration (lib/forecast/calibration.json) is what the calibration script computes from the
evaluation set today: it cannot silently go stale; and the forecast cache key changes with it."""
import json

import numpy as np

from lib.forecast import calibration, evaluation
from lib.forecast import models as F
from lib.forecast import outlook


def test_committed_calibration_matches_the_script():
    committed = json.loads(calibration.PATH.read_text(encoding="utf-8"))
    fresh = json.loads(json.dumps(calibration.compute(), sort_keys=True))
    assert committed["phi"] == fresh["phi"]
    assert committed["n_series"] == fresh["n_series"] and committed["n_forecasts"] == fresh["n_forecasts"]
    assert np.allclose(committed["quantiles"], fresh["quantiles"], atol=1e-6)
    assert committed["benchmark"] == fresh["benchmark"]
    assert committed == fresh, "run: .venv/bin/python -m lib.forecast.calibration"


def test_quantiles_are_increasing_and_intervals_widen_with_the_horizon():
    data = calibration.load()
    q, levels = data["quantiles"], data["levels"]
    assert q.shape == (evaluation.H, len(levels)) and np.all(np.diff(q, axis=1) > 0)
    lo, hi = list(levels).index(0.025), list(levels).index(0.975)
    width = (q[:, hi] - q[:, lo]) * np.sqrt(np.arange(1, evaluation.H + 1))  # scale grows at least like sqrt(h)
    assert np.all(np.diff(width) >= -1e-9)


def test_the_cache_key_carries_the_calibration():
    assert calibration.digest() in F.MODEL_VERSION and F.MODEL_VERSION in outlook.VERSION
