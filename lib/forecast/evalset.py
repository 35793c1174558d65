"""The evaluation set: real annual coverage series the forecasts are benchmarked and calibrated on (data/eval/).

- ``coverage_series.csv``: 36 series from outside Vietnam (China, Japan, Peru, US, Puerto Rico), values as published.
  ACS and NHIS series are published as *uninsured* rates (their indicator says "coverage = 100 - value"): the loader
  converts them to coverage.
- ``vietnam_series.csv``: the project's own published Vietnamese year-end series (national and provincial, status
  reported; ``data/eval/build_vietnam.py``). Missing years stay missing.

``load()`` returns one ``EvalSeries`` per series with its family (vietnam / us / other), for per-family reporting.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
EVAL_DIR = ROOT / "data" / "eval"
FILES = ("coverage_series.csv", "vietnam_series.csv")
UNINSURED_MARK = "coverage = 100 - value"
FAMILIES = ("vietnam", "us", "other")


@dataclass(frozen=True)
class EvalSeries:
    series_id: str
    family: str
    shape: str
    years: np.ndarray
    values: np.ndarray  # coverage, % (uninsured rates converted)

    def as_series(self) -> pd.Series:
        return pd.Series(self.values, index=self.years)


def family_of(country: str) -> str:
    return {"VNM": "vietnam", "USA": "us", "PRI": "us"}.get(country, "other")


def load(eval_dir: Path | None = None) -> list[EvalSeries]:
    eval_dir = Path(eval_dir or EVAL_DIR)
    out = []
    for name in FILES:
        path = eval_dir / name
        if not path.exists():
            continue
        frame = pd.read_csv(path, keep_default_na=False, dtype={"year": int, "value": float})
        for sid, g in frame.groupby("series_id", sort=True):
            g = g.sort_values("year")
            values = g["value"].to_numpy(dtype=float)
            if UNINSURED_MARK in str(g["indicator"].iloc[0]):
                values = 100.0 - values
            out.append(EvalSeries(str(sid), family_of(str(g["country"].iloc[0])), str(g["shape"].iloc[0]),
                                  g["year"].to_numpy(dtype=int), values))
    return out
