"""Published figures (data/reported_figures.csv) as observations and targets.

Where sources disagree on one unit, period and metric, every row is kept and one is preferred by this rule:
1. the value the most sources agree on (within rounding: 0.5 % for counts and money, 0.1 point for rates);
2. then the most precise value as published (more significant digits: 18.259 million before 18.25 million);
3. then the row listed first in the curated file (the verbatim reference rows come before the additions).
The others stay visible as alternatives on the Data page.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from lib import admin, metrics
from lib.model import Dataset, normalise_observations, normalise_targets

ROOT = Path(__file__).resolve().parents[2]
REPORTED_CSV = ROOT / "data" / "reported_figures.csv"
DATASET = "reported"


def significant_digits(text: str) -> int:
    """Digits a published number was given with: '18259000' -> 5, '18.25' -> 4, '95' -> 2, '0.5' -> 1."""
    s = str(text).strip().lstrip("+-")
    if "." in s:
        whole, frac = s.split(".", 1)
        frac = frac.rstrip("0")
        digits = (whole.lstrip("0") + frac) if whole.strip("0") else frac.lstrip("0")
        return max(len(digits), 1)
    return max(len(s.lstrip("0").rstrip("0")), 1)


def _agree(a: float, b: float, is_rate: bool) -> bool:
    # The bound itself agrees: 32.7 and 32.6 are 0.1 point apart, which binary floats make 0.10000000000000142.
    return abs(a - b) <= (0.1 if is_rate else 0.005 * max(abs(a), abs(b))) + 1e-9 * max(1.0, abs(a), abs(b))


def preference_rank(values: list[float], texts: list[str], is_rate: bool) -> list[int]:
    """Rank (0 = preferred) of each of several published values for one key, by the rule in the module doc."""
    support = [sum(_agree(v, w, is_rate) for w in values) for v in values]
    precision = [significant_digits(t) for t in texts]
    order = sorted(range(len(values)), key=lambda i: (-support[i], -precision[i], i))
    ranks = [0] * len(values)
    for r, i in enumerate(order):
        ranks[i] = r
    return ranks


@lru_cache(maxsize=1)
def raw() -> pd.DataFrame:
    """The curated reference file with each row's unit id (row numbers as in the file, header = line 1)."""
    df = pd.read_csv(REPORTED_CSV, dtype=str, keep_default_na=False)
    df["line"] = np.arange(2, len(df) + 2)
    df["unit"] = [_unit_of(r.area_level, r.area_name, r.structure) for r in df.itertuples()]
    return df


def _unit_of(area_level: str, area_name: str, structure: str) -> str:
    if area_level == "national":
        return admin.NATIONAL_ID
    level = "province_2025" if structure == "2025" else "province"
    match = admin.resolve(level, area_name)
    if not match.ok:
        raise ValueError(f"{REPORTED_CSV.name}: cannot place {area_name!r} ({match.problem})")
    return match.uid


@lru_cache(maxsize=1)
def dataset() -> Dataset:
    df = raw()
    obs = df[~df["metric_id"].str.startswith("target_")]
    observations = pd.DataFrame({
        "unit": obs["unit"], "year": obs["year"].astype(int), "period": obs["period"], "metric": obs["metric_id"],
        "value": obs["value"].astype(float), "status": "reported", "source": obs["source"], "note": obs["note"],
        "dataset": DATASET, "text": obs["value"], "line": obs["line"],
    })
    observations["rank"] = 0
    for _, idx in observations.groupby(["unit", "year", "period", "metric"]).groups.items():
        if len(idx) > 1:
            group = observations.loc[idx]
            is_rate = metrics.get(group["metric"].iloc[0]).is_rate
            observations.loc[idx, "rank"] = preference_rank(group["value"].tolist(), group["text"].tolist(), is_rate)
    return Dataset(
        name=DATASET,
        origin="bundled",
        observations=normalise_observations(observations),
        targets=normalise_targets(_targets(df)),
        description="reported_figures.csv",
    )


def _targets(df: pd.DataFrame) -> pd.DataFrame:
    t = df[df["metric_id"].str.startswith("target_")].copy()
    t["metric"] = t["metric_id"].str[len("target_"):]
    t["year"] = t["year"].astype(int)
    t["value"] = t["value"].astype(float)
    t["document_rank"] = t["document_rank"].astype(int)
    t["source_rank"] = t["source_rank"].astype(int)
    singles = t[t["target_kind"].isin(["point", "floor"])]
    rows = [
        dict(unit=r.unit, metric=r.metric, year=r.year, kind=r.target_kind, value=r.value, value_max=np.nan,
             document=r.document, document_rank=r.document_rank, source=r.source, note=r.note, status="published",
             dataset=DATASET, source_rank=r.source_rank)
        for r in singles.itertuples()
    ]
    # A range is published as one row per bound: join the bounds of one document into one target.
    bounds = t[t["target_kind"].isin(["range_low", "range_high"])]
    for (unit, metric, year, document), g in bounds.groupby(["unit", "metric", "year", "document"]):
        lows, highs = g.loc[g["target_kind"] == "range_low", "value"], g.loc[g["target_kind"] == "range_high", "value"]
        rows.append(dict(unit=unit, metric=metric, year=year, kind="range",
                         value=float(lows.min()) if len(lows) else float(highs.min()),
                         value_max=float(highs.max()) if len(highs) else np.nan, document=document,
                         document_rank=int(g["document_rank"].min()), source_rank=int(g["source_rank"].min()),
                         source=" | ".join(dict.fromkeys(g["source"])),
                         note=" | ".join(n for n in dict.fromkeys(g["note"]) if n), status="published",
                         dataset=DATASET))
    return pd.DataFrame(rows)


def national_fy_series(metric: str) -> pd.Series:
    """The preferred published year-end values of one metric for the nation, by year (no estimates, no demo)."""
    obs = dataset().observations
    sel = obs[(obs["unit"] == admin.NATIONAL_ID) & (obs["metric"] == metric) & (obs["period"] == "FY")
              & (obs["rank"] == 0)]
    return sel.set_index("year")["value"].sort_index()
