"""Sanity checks for data/eval/coverage_series.csv (the forecasting evaluation set).

Run: python data/eval/check.py   (exit code 0 = all checks pass)
"""
import sys
from pathlib import Path

import pandas as pd

CSV = Path(__file__).with_name("coverage_series.csv")
COLUMNS = ["series_id", "country", "indicator", "unit", "year", "value",
           "source", "note", "shape"]
SHAPES = {"rising", "saturating", "flat", "noisy", "broken"}
MIN_SERIES = 35
MIN_POINTS = 7


def main() -> int:
    df = pd.read_csv(CSV, keep_default_na=False, dtype={"year": int, "value": float})
    errors = []
    if list(df.columns) != COLUMNS:
        errors.append(f"columns {list(df.columns)} != {COLUMNS}")
    n_series = df["series_id"].nunique()
    if n_series < MIN_SERIES:
        errors.append(f"only {n_series} series (need >= {MIN_SERIES})")
    sizes = df.groupby("series_id").size()
    for sid, n in sizes[sizes < MIN_POINTS].items():
        errors.append(f"{sid}: {n} points (need >= {MIN_POINTS})")
    dup = df[df.duplicated(["series_id", "year"], keep=False)]
    for sid in sorted(dup["series_id"].unique()):
        errors.append(f"{sid}: duplicate years {sorted(dup[dup.series_id == sid].year)}")
    bad = df[(df["value"] < 0) | (df["value"] > 100)]
    for _, r in bad.iterrows():
        errors.append(f"{r.series_id} {r.year}: value {r.value} outside [0, 100]")
    for col in ["source", "indicator", "country", "series_id"]:
        empty = df[df[col].str.strip() == ""]
        for _, r in empty.iterrows():
            errors.append(f"{r.series_id} {r.year}: empty {col}")
    if (df["unit"] != "pct").any():
        errors.append("unit must be 'pct' on every row")
    if not df["country"].str.fullmatch(r"[A-Z]{3}").all():
        errors.append("country must be an ISO3 code")
    if (df["country"] == "VNM").any():
        errors.append("Vietnamese series belong in data/reported_figures.csv, not here")
    bad_shape = set(df["shape"]) - SHAPES
    if bad_shape:
        errors.append(f"unknown shape labels {bad_shape}")
    per_series = df.groupby("series_id")[["shape", "indicator", "country"]].nunique()
    for sid, r in per_series[(per_series > 1).any(axis=1)].iterrows():
        errors.append(f"{sid}: shape/indicator/country not constant within the series")

    if errors:
        print("FAIL")
        for e in errors:
            print(" -", e)
        return 1
    print(f"OK: {n_series} series, {len(df)} points, "
          f"{sizes.min()}-{sizes.max()} points per series (median {int(sizes.median())}); shapes: "
          + ", ".join(f"{k}={v}" for k, v in
                      df.groupby('series_id')['shape'].first().value_counts().items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
