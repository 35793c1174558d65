"""The benchmark models of `python -m lib.cli backtest` (lib.forecast.backtest): naive, drift, ARIMA, damped ETS, Theta
and their combination, their per-series rolling-origin backtest, and the numpy versions against statsmodels."""
import warnings

import numpy as np
import pandas as pd
import pytest

from lib.forecast import backtest as F
from lib.forecast import prep as P

YEARS = np.arange(2015, 2026)


def rising(start=60.0, end=85.0, noise=0.03, seed=1):
    rng = np.random.default_rng(seed)
    y = np.linspace(P.logit(start), P.logit(end), len(YEARS)) + rng.normal(0, noise, len(YEARS))
    y = np.maximum.accumulate(y)
    return pd.Series(P.inv_logit(y), index=YEARS)


def test_backtest_uses_only_data_up_to_each_origin():
    y = F.prepare(rising()).y
    full = F.model_forecasts(y, np.array([6]), 5)
    prefix = F.model_forecasts(y[:7], np.array([6]), 5)
    for name in F.MODELS:
        assert np.allclose(full[name][0], prefix[name][0]) and np.allclose(full[name][1], prefix[name][1])


def test_naive_mase_on_random_walk_is_about_one():
    # For a random walk the naive one-step error and the in-sample one-step change have the same distribution
    rng = np.random.default_rng(3)
    mase = []
    for _ in range(200):
        x = 50 + np.cumsum(rng.normal(0, 1.0, 30))
        mase.append(F.backtest(F.prepare(pd.Series(x, index=np.arange(1995, 2025))))["naive"].mase[0])
    assert np.mean(mase) == pytest.approx(1.0, abs=0.1)


def test_backtest_table_shape_and_benchmarks():
    s = rising()
    table = F.backtest_table({"a": s, "short": s.iloc[:4]})
    a = table[table.series == "a"]
    assert set(a.model) == set(F.MODELS)
    assert sorted(a.horizon.unique()) == [1, 2, 3, 4, 5]
    naive = a[a.model == "naive"]
    assert np.allclose(naive.mase_rel_naive, 1.0)
    assert a.chosen.sum() == 5  # one model chosen, five horizon rows
    # 11 years, origins 2018..2024: 7 one-step errors, 3 five-step errors
    assert list(naive.n) == [7, 6, 5, 4, 3]
    assert table[table.series == "short"].model.tolist() == ["(too short)"]


def test_widening_never_narrows_and_grows_when_errors_are_too_big():
    z = np.array([3.0, -3.0, 4.0, -4.0, 5.0, -5.0])
    f = F.widening_factors(z, np.array([1, 1, 2, 2, 3, 3]), 7)
    assert np.all(f >= 1) and np.all(np.diff(f) >= 0) and f[0] > 2
    assert np.all(f[5:] == f[4])  # beyond the backtested horizons: the factor at horizon 5
    small = F.widening_factors(np.array([0.1, -0.1, 0.2]), np.array([1, 2, 3]), 5)
    assert np.all(small == 1.0)


def test_numpy_engine_matches_statsmodels_where_closed_form():
    y = F.prepare(rising(noise=0.08, seed=2)).y
    end = np.array([len(y) - 1])
    for name, tol in (("arima_drift", 1e-4), ("theta", 0.02)):
        mu_np = F.model_forecasts(y, end, 5)[name][0][0]
        mu_sm, _ = F._statsmodels_one(name, y, 5)
        assert np.allclose(mu_np, mu_sm, atol=tol), name


def test_numpy_ets_fit_is_at_least_as_good_as_statsmodels():
    # Compare in-sample SSE: the grid + exact initial states should not be worse than statsmodels' optimiser by much
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel
    rng = np.random.default_rng(4)
    for _ in range(3):
        y = np.cumsum(rng.normal(0.15, 0.1, 11)) - 1
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sm = ETSModel(pd.Series(y), error="add", trend="add", damped_trend=True).fit(disp=False)
        # numpy one-step SSE recovered from sigma^2 = SSE / (n - 5) at horizon 1
        sd1 = F._ets_damped(y, np.array([10]), 1)[1][0, 0]
        assert sd1 ** 2 * (11 - 5) <= sm.sse * 1.05


def national_hi():
    from lib.bundled import reference
    s = reference.national_fy_series("hi_coverage_pct")
    return s[s.index >= 2010]


@pytest.mark.parametrize("which", ["national_hi", "synthetic_1", "synthetic_2", "synthetic_3"])
def test_numpy_engine_against_statsmodels_on_real_and_synthetic_series(which):
    """How closely the numpy version (used for the backtest) reproduces statsmodels' fits, model by model, on the
    published national HI series and on synthetic ones: ARIMA(0,1,0)+drift exactly (closed-form MLE), Theta's point
    forecast to a few hundredths of a point (alpha on a grid), damped ETS to an in-sample fit as good (SSE within
    5 %) -- not the same parameters: with ~10 points the likelihood is flat and the two optimisers end in different
    places, which is why the forecast users see comes from statsmodels itself."""
    series = national_hi() if which == "national_hi" else rising(noise=0.06, seed=int(which[-1]))
    prep = F.prepare(series)
    y, end, H = prep.y, np.array([len(prep.y) - 1]), 5
    np_fc = F.model_forecasts(y, end, H)
    mu_sm, sd_sm = F._statsmodels_one("arima_drift", y, H)
    assert np.allclose(np_fc["arima_drift"][0][0], mu_sm, atol=1e-4)
    assert np.allclose(np_fc["arima_drift"][1][0], sd_sm, rtol=1e-3)
    mu_sm, _ = F._statsmodels_one("theta", y, H)
    gap = np.max(np.abs(prep.scale.to_x(np_fc["theta"][0][0]) - prep.scale.to_x(mu_sm)))
    assert gap < 0.1  # percentage points on the original scale
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sm = ETSModel(pd.Series(y), error="add", trend="add", damped_trend=True).fit(disp=False)
    sd1 = F._ets_damped(y, end, 1)[1][0, 0]
    assert sd1 ** 2 * (len(y) - 5) <= sm.sse * 1.05


def test_statsmodels_fits_run_with_one_blas_thread_and_restore_it():
    import scipy.optimize  # noqa: F401 - loads scipy's own OpenBLAS
    controls = P._openblas_controls()
    before = [get() for get, _ in controls]
    with P.single_threaded_blas():
        assert all(get() == 1 for get, _ in controls)
        with P.single_threaded_blas():  # nested use keeps one thread until the outer block ends
            pass
        assert all(get() == 1 for get, _ in controls)
    assert [get() for get, _ in controls] == before

