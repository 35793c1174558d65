"""The tidy data model: observations and targets, and how one value is chosen for every unit, period and metric.

Observations (one row per unit, year, period, metric and source):
  unit     unit id ("province:40", see lib.admin)
  year     int
  period   "FY" | "YYYY-MM" | "YYYY-ytd" (lib.periods)
  metric   a catalog metric id (lib/catalog/metrics.toml): counts, money and published rates
  value    float
  status   reported (published, with its source) | uploaded (the user's file) | estimate (stated method) | demo
  source   where the number was published, the uploaded file and row, the estimation method, or "demo"
  note     free text from the source
  dataset  name of the dataset the row came from
  rank     0 for the row a dataset itself prefers among its rows for the same key (reported figures keep every source)

Targets (one row per unit, metric, year and document): unit, metric (the rate), year, kind (point | floor | range),
value, value_max, document, document_rank, source, note, status (published | uploaded), dataset, source_rank
(1 the source is an official government / Party / state-agency site, 2 other, 3 a mirror of another site).

Rates are derived from their counts (participants / denominator) and never stored twice; a published rate without
counts is kept as published. `resolve()` makes the one table the pages read.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from lib import admin, metrics

OBS_COLUMNS = ["unit", "year", "period", "metric", "value", "status", "source", "note", "dataset", "rank"]
TARGET_COLUMNS = ["unit", "metric", "year", "kind", "value", "value_max", "document", "document_rank", "source",
                  "note", "status", "dataset", "source_rank"]
STATUSES = ("reported", "uploaded", "estimate", "demo")
# Which value is shown when several exist for one key: the user's own data, then published, estimates, demo.
SELECTION_PRIORITY = {"uploaded": 0, "reported": 1, "estimate": 2, "demo": 3}
# How certain a value is, for a value computed from others: the least certain input decides.
UNCERTAINTY = {"reported": 0, "uploaded": 1, "estimate": 2, "demo": 3}


def empty_observations() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=_dtype(c)) for c in OBS_COLUMNS})


def empty_targets() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=_tdtype(c)) for c in TARGET_COLUMNS})


def _dtype(col):
    return {"year": "int64", "value": "float64", "rank": "int64"}.get(col, "object")


def _tdtype(col):
    return {"year": "int64", "value": "float64", "value_max": "float64", "document_rank": "int64",
            "source_rank": "int64"}.get(col, "object")


def normalise_observations(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for c in OBS_COLUMNS:
        if c not in out:
            out[c] = 0 if c == "rank" else ("" if c in ("note", "source") else None)
    out = out[OBS_COLUMNS]
    out["year"] = out["year"].astype("int64")
    out["value"] = out["value"].astype("float64")
    out["rank"] = out["rank"].fillna(0).astype("int64")
    out["note"] = out["note"].fillna("").astype(str)
    out["source"] = out["source"].fillna("").astype(str)
    return out.reset_index(drop=True)


def normalise_targets(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for c in TARGET_COLUMNS:
        if c not in out:
            out[c] = {"document_rank": 3, "source_rank": 2, "value_max": np.nan, "note": "", "document": "",
                      "source": ""}.get(c)
    out = out[TARGET_COLUMNS]
    out["year"] = out["year"].astype("int64")
    out["document_rank"] = out["document_rank"].fillna(3).astype("int64")
    out["source_rank"] = out["source_rank"].fillna(2).astype("int64")
    for c in ("note", "document", "source"):
        out[c] = out[c].fillna("").astype(str)
    return out.reset_index(drop=True)


@dataclass
class Dataset:
    """One loaded dataset: bundled (reference, denominators, demo) or uploaded by the user."""

    name: str
    origin: str  # bundled | uploaded
    observations: pd.DataFrame = field(default_factory=empty_observations)
    targets: pd.DataFrame = field(default_factory=empty_targets)
    description: str = ""

    def summary(self) -> dict:
        obs = self.observations
        return {
            "dataset": self.name,
            "origin": self.origin,
            "rows": len(obs) + len(self.targets),
            "units": obs["unit"].nunique() if len(obs) else self.targets["unit"].nunique(),
            "years": f"{obs['year'].min()}–{obs['year'].max()}" if len(obs) else "",
            "reported": int((obs["status"] == "reported").sum()),
            "estimate": int((obs["status"] == "estimate").sum()),
            "demo": int((obs["status"] == "demo").sum()),
            "uploaded": int((obs["status"] == "uploaded").sum()),
            "targets": len(self.targets),
        }


# -------------------------------------------------------------------------------------------------------------------
# Choosing one value per key, derived counts, aggregation and rates

KEY = ["unit", "year", "period", "metric"]


def choose(observations: pd.DataFrame) -> pd.DataFrame:
    """One row per (unit, year, period, metric): the highest-priority status, then the dataset's own preference
    (rank), then the dataset loaded last. Adds `alternatives`: how many other values the key had."""
    if observations.empty:
        return observations.assign(alternatives=pd.Series(dtype="int64"), derived=pd.Series(dtype=bool))
    obs = observations.copy()
    obs["_prio"] = obs["status"].map(SELECTION_PRIORITY).fillna(9)
    obs["_order"] = -np.arange(len(obs))  # later datasets (uploads) first among equals
    obs = obs.sort_values(KEY + ["_prio", "rank", "_order"], kind="stable")
    sizes = obs.groupby(KEY, sort=False, observed=True)["value"].transform("size")
    obs["alternatives"] = sizes - 1
    chosen = obs.drop_duplicates(KEY, keep="first").drop(columns=["_prio", "_order"])
    chosen["derived"] = False
    return chosen.reset_index(drop=True)


def _worst_status(a: pd.Series, b: pd.Series) -> pd.Series:
    ua, ub = a.map(UNCERTAINTY), b.map(UNCERTAINTY)
    return a.where(ua >= ub, b)


def aggregate_up(chosen: pd.DataFrame, child_level: str, parent_level: str) -> pd.DataFrame:
    """Sums of counts and money over the children of each parent, for (year, period, metric) keys where the parent
    has no value of its own and EVERY child has one (a partial sum would understate the parent)."""
    summable = set(metrics.count_ids())
    mapping = _parent_map(child_level, parent_level)
    sub = chosen[chosen["metric"].isin(summable) & chosen["unit"].astype(str).str.startswith(child_level + ":")]
    if sub.empty:
        return chosen.iloc[0:0]
    sub = sub.assign(parent=sub["unit"].map(mapping)).dropna(subset=["parent"])
    n_children = pd.Series(mapping).value_counts()
    # Units with no population (Hoàng Sa) carry no data and must not block their parent's sum.
    empty_children = UNITS_WITHOUT_POPULATION
    n_children = n_children.sub(pd.Series(mapping).loc[lambda s: s.index.isin(empty_children)].value_counts(),
                                fill_value=0)
    grouped = sub.groupby(["parent", "year", "period", "metric"], observed=True)
    agg = grouped.agg(value=("value", "sum"), n=("value", "size"),
                      status=("status", lambda s: max(s, key=lambda x: UNCERTAINTY.get(x, 9))))
    agg = agg.reset_index()
    agg = agg[agg["n"] >= agg["parent"].map(n_children)]
    have = chosen.set_index(["unit", "year", "period", "metric"]).index
    agg = agg[~agg.set_index(["parent", "year", "period", "metric"]).index.isin(have)]
    return pd.DataFrame({
        "unit": agg["parent"], "year": agg["year"], "period": agg["period"], "metric": agg["metric"],
        "value": agg["value"], "status": agg["status"],
        "source": f"sum:{child_level}", "note": "",  # lib.provenance words "sum:<level>" in the user's language
        "dataset": "derived", "rank": 0, "alternatives": 0, "derived": True,
    })


def _parent_map(child_level: str, parent_level: str) -> dict[str, str]:
    u = admin.units()
    kids = u[u["level"] == child_level]
    col = "province_2025" if parent_level == "province_2025" else "parent"
    if parent_level == "national":
        return {uid: admin.NATIONAL_ID for uid in kids.index}
    return kids[col].dropna().to_dict()


UNITS_WITHOUT_POPULATION = frozenset({"district:498"})  # Huyện Hoàng Sa: no resident population, no data


def derive_sums(chosen: pd.DataFrame) -> pd.DataFrame:
    """Counts defined as sums (SI = compulsory + voluntary) where the total is missing but both parts exist."""
    out = []
    for m in metrics.catalog().values():
        if not m.sum_of:
            continue
        parts = chosen[chosen["metric"].isin(m.sum_of)]
        wide = parts.pivot_table(index=["unit", "year", "period"], columns="metric", values="value", aggfunc="first")
        if not set(m.sum_of) <= set(wide.columns):
            continue
        wide = wide.dropna(subset=list(m.sum_of))
        have = chosen[chosen["metric"] == m.id].set_index(["unit", "year", "period"]).index
        wide = wide[~wide.index.isin(have)]
        if wide.empty:
            continue
        status = parts.pivot_table(index=["unit", "year", "period"], columns="metric", values="status",
                                   aggfunc="first").loc[wide.index]
        st = status[m.sum_of[0]]
        for part in m.sum_of[1:]:
            st = _worst_status(st, status[part])
        out.append(pd.DataFrame({
            "unit": wide.index.get_level_values(0), "year": wide.index.get_level_values(1),
            "period": wide.index.get_level_values(2), "metric": m.id, "value": wide[list(m.sum_of)].sum(axis=1).values,
            "status": st.values, "source": "sum:" + "+".join(m.sum_of), "note": "", "dataset": "derived", "rank": 0,
            "alternatives": 0, "derived": True,
        }))
    return pd.concat(out, ignore_index=True) if out else chosen.iloc[0:0]


def derive_rates(chosen: pd.DataFrame) -> pd.DataFrame:
    """Rates from their counts, and the choice between a derived and a stored (published) rate.

    A derived rate is as certain as its least certain input; a stored rate wins unless the derived one has a higher
    selection priority (e.g. the user's own counts and denominators beat a published rate; demo counts never do)."""
    keys = ["unit", "year", "period"]
    values = chosen.pivot_table(index=keys, columns="metric", values="value", aggfunc="first")
    statuses = chosen.pivot_table(index=keys, columns="metric", values="status", aggfunc="first")
    sources = chosen.pivot_table(index=keys, columns="metric", values="source", aggfunc="first")
    derived = []
    for m in metrics.catalog().values():
        if not m.is_derived or m.numerator not in values or m.denominator not in values:
            continue
        num, den = values[m.numerator], values[m.denominator]
        ok = num.notna() & den.notna() & (den > 0)
        if not ok.any():
            continue
        status = _worst_status(statuses[m.numerator][ok], statuses[m.denominator][ok])
        derived.append(pd.DataFrame({
            "unit": num[ok].index.get_level_values(0), "year": num[ok].index.get_level_values(1),
            "period": num[ok].index.get_level_values(2), "metric": m.id,
            "value": (num[ok] / den[ok] * 100.0).values, "status": status.values,
            "source": ("rate:" + sources[m.numerator][ok].fillna("") + " ÷ " + sources[m.denominator][ok].fillna("")).values,
            "note": "", "dataset": "derived", "rank": 0, "alternatives": 0, "derived": True,
        }))
    if not derived:
        return chosen
    derived = pd.concat(derived, ignore_index=True)
    both = pd.concat([chosen, derived], ignore_index=True)
    # Selection priority of a derived rate is that of its least certain input (already its status).
    both["_prio"] = both["status"].map(SELECTION_PRIORITY).fillna(9)
    both["_derived_last"] = both["derived"].astype(int)  # at equal priority the published rate wins
    both = both.sort_values(KEY + ["_prio", "_derived_last"], kind="stable")
    n = both.groupby(KEY, observed=True)["value"].transform("size")
    both["alternatives"] = both["alternatives"] + (n - 1)
    return both.drop_duplicates(KEY, keep="first").drop(columns=["_prio", "_derived_last"]).reset_index(drop=True)


AGGREGATIONS = [("district", "province"), ("province", "national"), ("province", "province_2025"),
                ("commune", "province_2025")]


def same_territory_pairs() -> dict[str, str]:
    """Legacy province id <-> 2025 province id for the 11 provinces the 2025 merger left unchanged."""
    groups: dict[str, list[str]] = {}
    for old, new in admin.legacy_to_2025_province_codes().items():
        groups.setdefault(new, []).append(old)
    pairs = {}
    for new, olds in groups.items():
        if len(olds) == 1:
            pairs[f"province:{olds[0]}"] = f"province_2025:{new}"
            pairs[f"province_2025:{new}"] = f"province:{olds[0]}"
    return pairs


def with_same_territory_copies(observations: pd.DataFrame) -> pd.DataFrame:
    """Figures for an unchanged province hold for both its legacy and its 2025 unit: each is copied to the other,
    ranked after the unit's own rows, so a figure given for either shows on both maps and pages."""
    pairs = same_territory_pairs()
    units = observations["unit"].astype(str)
    src = observations[units.isin(pairs.keys())]
    if src.empty:
        return observations
    copies = src.assign(unit=units[src.index].map(pairs), rank=src["rank"] + 1_000)
    return pd.concat([observations, copies], ignore_index=True)


def resolve(observations: pd.DataFrame) -> pd.DataFrame:
    """The table the app reads: one chosen value per key, parents summed from complete children where they have
    no value, SI totals from their parts, and rates derived from counts. Adds `level`, `alternatives`, `derived`."""
    chosen = choose(with_same_territory_copies(observations))
    for child, parent in AGGREGATIONS:
        extra = aggregate_up(chosen, child, parent)
        if len(extra):
            chosen = pd.concat([chosen, extra], ignore_index=True)
    sums = derive_sums(chosen)
    if len(sums):
        chosen = pd.concat([chosen, sums], ignore_index=True)
    resolved = derive_rates(chosen)
    resolved["level"] = resolved["unit"].str.split(":", n=1).str[0]
    resolved = resolved.sort_values(["unit", "metric", "year", "period"], kind="stable").reset_index(drop=True)
    for c in ("unit", "metric", "period", "status", "level"):
        resolved[c] = resolved[c].astype("category")
    return resolved


def choose_targets(targets: pd.DataFrame) -> pd.DataFrame:
    """One target per (unit, metric, year): the user's own, then the highest-ranked document (strategic resolution
    or plan before government decision before sector plan before press), then, between rows of equally ranked
    documents, the source published on an official government / Party site before other sources before mirrors
    (source_rank), then the value most sources give."""
    if targets.empty:
        return targets.assign(alternatives=pd.Series(dtype="int64"))
    t = targets.copy()
    t["_prio"] = (t["status"] != "uploaded").astype(int)
    t["_votes"] = -t.groupby(["unit", "metric", "year", "kind", "value"], dropna=False)["value"].transform("size")
    t["_order"] = -np.arange(len(t))
    t = t.sort_values(["unit", "metric", "year", "_prio", "document_rank", "source_rank", "_votes", "_order"],
                      kind="stable")
    t["alternatives"] = t.groupby(["unit", "metric", "year"])["value"].transform("size") - 1
    return t.drop_duplicates(["unit", "metric", "year"], keep="first").drop(columns=["_prio", "_votes", "_order"]) \
        .reset_index(drop=True)
