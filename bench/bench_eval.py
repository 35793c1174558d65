"""The benchmark of record for the forecasts: rolling-origin evaluation (expanding window, >= 5 training points,
horizons 1..5, every origin) of the product's method against naive, drift, drift on the logit scale and the M4 Comb
benchmark (SES + Holt + damped Holt, equal weights; statsmodels) on the evaluation set (data/eval: real series, ACS and
NHIS uninsured rates converted to coverage), pooled, per horizon and per source family (vietnam / us / other).

The product is scored with cross-fitted calibration (lib.forecast.evaluation: each fold of series is scored with the
damping and error quantiles estimated on the other folds). Prints MASE, coverage and mean width of the 80 % and 95 %
intervals, Brier score of target probabilities, CPU time per series, and the issue's targets with pass/fail; then the
same without break detection (what the breaks change).

Run: .venv/bin/python bench/bench_eval.py [--no-comb]   (Comb refits 3 statsmodels models per origin: ~30 s)
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from lib.forecast import evalset  # noqa: E402
from lib.forecast import evaluation as E  # noqa: E402

pd.set_option("display.width", 200)
pd.set_option("display.max_rows", 200)


def fmt_table(t: pd.DataFrame) -> str:
    t = t.copy()
    for c in ("mase", "brier"):
        if c in t:
            t[c] = t[c].map(lambda v: "–" if pd.isna(v) else f"{v:.3f}")
    for c in ("cov80", "cov95"):
        if c in t:
            t[c] = t[c].map(lambda v: "–" if pd.isna(v) else f"{100 * v:.1f}%")
    for c in ("width80", "width95"):
        if c in t:
            t[c] = t[c].map(lambda v: "–" if pd.isna(v) else f"{v:.2f}")
    return t.to_string(index=False)


def main() -> int:
    methods = tuple(m for m in E.METHODS if not (m == "comb" and "--no-comb" in sys.argv))
    series = evalset.load()
    started = time.perf_counter()
    frame, info = E.evaluate(series, methods)
    wall = time.perf_counter() - started
    fams = pd.Series({s.series_id: s.family for s in series})
    print(f"evaluation set: {len(series)} series loaded, {info['n_series']} with at least one origin "
          f"(>= {E.MIN_TRAIN} training points), {info['n_cases']} origins, "
          f"{len(frame[frame['method'] == methods[0]])} scored forecasts per method; wall {wall:.1f} s")
    used = frame[frame["method"] == methods[0]].groupby("series_id").size()
    print("series per family (with origins): " + ", ".join(f"{f} {int((fams[used.index] == f).sum())}"
                                                           for f in evalset.FAMILIES))
    brier = info["brier"]
    pooled = E.summary(frame, brier)
    print("\n== pooled (MASE: mean over series of each series' mean scaled error; coverage/width: over forecasts; "
          "Brier: over target events)")
    print(fmt_table(pooled))
    print("\n== per horizon")
    print(fmt_table(E.summary(frame, brier, "h")))
    print("\n== per source family")
    print(fmt_table(E.summary(frame, brier, "family")))
    n_series = frame.groupby("method")["series_id"].nunique()
    print("\n== CPU time per series (each method's forecasts at every origin of a series; product: the calibrated "
          "forecasts and its fits at every origin; the full forecast users get is timed below)")
    for m in methods:
        print(f"  {m:12s} {1000 * info['seconds'][m] / n_series[m]:8.2f} ms per series "
              f"({1000 * info['seconds'][m] / info['n_cases']:.2f} ms per origin)")
    from lib.forecast import models as F
    s = next(x for x in series if x.series_id == "vn_national_hi")
    for engine in ("statsmodels", "closed_form"):
        F.forecast_series(s.as_series(), engine=engine)
        t0 = time.process_time()
        for _ in range(20):
            F.forecast_series(s.as_series(), engine=engine)
        print(f"  product, full forecast of one series as users get it ({engine}, Vietnam national HI): "
              f"{1000 * (time.process_time() - t0) / 20:.1f} ms CPU")

    # -- the targets --------------------------------------------------------------------------------------
    p = pooled.set_index("method")
    bench_names = [m for m in ("naive", "drift", "comb") if m in p.index]
    best = min(p.loc[m, "mase"] for m in bench_names)
    best_name = min(bench_names, key=lambda m: p.loc[m, "mase"])
    ratio = p.loc["product", "mase"] / best
    by_h = E.summary(frame, brier, "h")
    prod_h = by_h[by_h["method"] == "product"].set_index("h")
    ok80 = all(0.72 <= v <= 0.88 for v in prod_h["cov80"])
    ok95 = all(0.90 <= v <= 0.98 for v in prod_h["cov95"])
    okb = p.loc["product", "brier"] < p.loc["logit_drift", "brier"]
    print("\n== targets (issue 11)")
    print(f"  MASE product / best of {'+'.join(bench_names)} ({best_name}) = {p.loc['product', 'mase']:.3f} / "
          f"{best:.3f} = {ratio:.3f}  (target <= 0.95: {'PASS' if ratio <= 0.95 else 'FAIL'})")
    print("  80 % coverage by horizon: " + ", ".join(f"h{h} {100 * v:.1f}%" for h, v in prod_h["cov80"].items())
          + f"  (target 72-88 % at every horizon: {'PASS' if ok80 else 'FAIL'})")
    print("  95 % coverage by horizon: " + ", ".join(f"h{h} {100 * v:.1f}%" for h, v in prod_h["cov95"].items())
          + f"  (target 90-98 % at every horizon: {'PASS' if ok95 else 'FAIL'})")
    print(f"  Brier product {p.loc['product', 'brier']:.4f} vs Gaussian logit random walk with drift "
          f"{p.loc['logit_drift', 'brier']:.4f}  (target: lower: {'PASS' if okb else 'FAIL'})")

    # -- what break detection changes -----------------------------------------------------------------------------
    nb, nb_info = E.evaluate(series, ("product",), breaks=False)
    nbs = E.summary(nb, nb_info["brier"]).iloc[0]
    print(f"\n== without break detection: product MASE {nbs['mase']:.3f}, 80 % {100 * nbs['cov80']:.1f}%, "
          f"95 % {100 * nbs['cov95']:.1f}%, Brier {nbs['brier']:.4f}")
    broken = [s.series_id for s in series if s.shape == "broken"]
    for name, fr in (("with breaks", frame[frame["method"] == "product"]), ("without", nb)):
        sub = fr[fr["series_id"].isin(broken)]
        print(f"  on the {len(set(sub['series_id']))} series labelled broken, {name}: MASE "
              f"{sub.groupby('series_id')['scaled_error'].mean().mean():.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
