"""Write data/eval/vietnam_series.csv: the project's own published Vietnamese coverage series (national and provincial
year-end values with status ``reported``, as the app resolves them from data/reported_figures.csv), one row per value
with its source. Missing years stay missing (no interpolation, no estimates, no demo values).

Run: .venv/bin/python data/eval/build_vietnam.py
"""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

OUT = Path(__file__).with_name("vietnam_series.csv")
METRICS = {"hi_coverage_pct": "health insurance coverage, % of population",
           "si_coverage_pct": "social insurance coverage, % of working-age labour force",
           "si_voluntary_coverage_pct": "voluntary social insurance coverage, % of working-age labour force",
           "ui_coverage_pct": "unemployment insurance coverage, % of working-age labour force"}


def build() -> pd.DataFrame:
    from lib import admin
    from lib import store as store_mod

    r = store_mod.bundled_store().resolved
    sel = r[(r["period"] == "FY") & (r["status"] == "reported") & r["metric"].isin(list(METRICS))]
    sel = sel[sel["unit"].str.split(":").str[0].isin(["national", "province"])]
    rows = []
    for (unit, metric), g in sel.groupby(["unit", "metric"], sort=True):
        name = admin.display_name(unit) if unit in admin.units().index else unit
        code = "national" if unit.startswith("national") else unit.replace(":", "_").lower()
        for _, row in g.sort_values("year").iterrows():
            rows.append({"series_id": f"vn_{code}_{metric.replace('_coverage_pct', '')}", "country": "VNM",
                         "indicator": f"{name}: {METRICS[metric]} (year-end, published)", "unit": "pct",
                         "year": int(row["year"]), "value": round(float(row["value"]), 4),
                         "source": str(row["source"]), "note": "", "shape": ""})
    return pd.DataFrame(rows)


if __name__ == "__main__":
    frame = build()
    frame.to_csv(OUT, index=False)
    print(f"wrote {OUT.relative_to(ROOT)}: {frame['series_id'].nunique()} series, {len(frame)} values")
