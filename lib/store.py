"""The loaded data: bundled datasets plus the user's uploads, resolved once, and the queries pages make of it."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import numpy as np
import pandas as pd

from lib import admin, build, metrics, reference
from lib.model import Dataset, choose_targets, normalise_observations, resolve
from lib.targets import Target, target_for

BUNDLED_ORDER = ("denominators", "demo", "reported")  # later datasets win ties in resolution


def bundled(fresh: bool = False) -> tuple[Dataset, ...]:
    """Reference figures (with their targets), denominators and the demo panel from data/build/."""
    if fresh:
        _bundled.cache_clear()
    return _bundled()


@lru_cache(maxsize=1)
def _bundled() -> tuple[Dataset, ...]:
    for path in (build.DENOMINATORS, build.DEMO):
        if not path.exists():
            raise FileNotFoundError(f"{path.relative_to(build.ROOT)} is missing: run `make build` "
                                    "(or `python -m lib.build`) first")
    den = Dataset("denominators", "bundled", normalise_observations(pd.read_parquet(build.DENOMINATORS)),
                  description="population and labour force estimates")
    demo = Dataset("demo", "bundled", normalise_observations(pd.read_parquet(build.DEMO)),
                   description="deterministic demo panel")
    return den, demo, reference.dataset()


def fingerprint(datasets) -> str:
    h = hashlib.sha256()
    for d in datasets:
        h.update(d.name.encode())
        h.update(pd.util.hash_pandas_object(d.observations, index=False).values.tobytes())
        h.update(pd.util.hash_pandas_object(d.targets.astype(str), index=False).values.tobytes())
    return h.hexdigest()[:16]


def bundled_store() -> "Store":
    """The bundled data with its resolution read from data/build/ (made by `make build`)."""
    s = Store(list(bundled()))
    if build.RESOLVED.exists():
        s.__dict__["resolved"] = pd.read_parquet(build.RESOLVED)
    return s


@dataclass
class Store:
    datasets: list[Dataset] = field(default_factory=list)

    @cached_property
    def observations(self) -> pd.DataFrame:
        return pd.concat([d.observations for d in self.datasets], ignore_index=True)

    @cached_property
    def resolved(self) -> pd.DataFrame:
        return resolve(self.observations)

    @cached_property
    def targets_all(self) -> pd.DataFrame:
        frames = [d.targets for d in self.datasets if len(d.targets)]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    @cached_property
    def targets(self) -> pd.DataFrame:
        return choose_targets(self.targets_all) if len(self.targets_all) else self.targets_all

    @cached_property
    def _fy(self) -> tuple[pd.DataFrame, dict]:
        """Year-end values and their row positions by (unit, metric), for fast series lookups."""
        fy = self.resolved[self.resolved["period"] == "FY"].reset_index(drop=True)
        keys = fy["unit"].astype(str) + "|" + fy["metric"].astype(str)
        return fy, keys.groupby(keys, sort=False).indices

    @property
    def has_uploads(self) -> bool:
        return any(d.origin == "uploaded" for d in self.datasets)

    # -- queries ----------------------------------------------------------------------------------------------
    def series(self, unit: str, metric: str) -> pd.DataFrame:
        """Year-end values of one metric for one unit: year, value, status, source, note, alternatives, derived."""
        fy, index = self._fy
        rows = index.get(f"{unit}|{metric}")
        if rows is None:
            return pd.DataFrame(columns=["year", "value", "status", "source", "note", "alternatives", "derived"])
        return fy.iloc[rows][["year", "value", "status", "source", "note", "alternatives", "derived"]] \
            .sort_values("year").reset_index(drop=True)

    def value(self, unit: str, metric: str, year: int, period: str = "FY") -> pd.Series | None:
        r = self.resolved
        sel = r[(r["unit"] == unit) & (r["metric"] == metric) & (r["year"] == year) & (r["period"] == period)]
        return None if sel.empty else sel.iloc[0]

    def latest_published(self, unit: str, metric: str, up_to_year: int) -> pd.Series | None:
        """The most recent published (or uploaded) value of a metric up to a year, any period."""
        r = self.resolved
        sel = r[(r["unit"] == unit) & (r["metric"] == metric) & (r["year"] <= up_to_year)
                & r["status"].isin(["reported", "uploaded"]) & ~r["derived"].astype(bool)]
        if sel.empty:
            return None
        order = sel["period"].astype(str).map(_period_order)
        return sel.assign(_o=order).sort_values(["year", "_o"]).iloc[-1]

    def years(self) -> list[int]:
        fy = self.resolved[(self.resolved["period"] == "FY") & self.resolved["metric"].isin(metrics.rate_ids())]
        return sorted(int(y) for y in fy["year"].unique())

    def alternatives(self, unit: str, metric: str, year: int, period: str = "FY") -> pd.DataFrame:
        """Every stored value for one key, the chosen one first (for 'other sources' displays)."""
        o = self.observations
        sel = o[(o["unit"] == unit) & (o["metric"] == metric) & (o["year"] == year) & (o["period"] == period)]
        return sel.sort_values(["rank"])

    def target(self, unit: str, metric: str, year: int) -> Target | None:
        return target_for(self.targets, unit, metric, year)

    def target_alternatives(self, unit: str, metric: str, year: int) -> pd.DataFrame:
        t = self.targets_all
        if t.empty:
            return t
        return t[(t["unit"] == unit) & (t["metric"] == metric) & (t["year"] == year)]


def _period_order(code: str) -> int:
    if code == "FY":
        return 13
    if code.endswith("ytd"):
        return 0
    return int(code[5:7])
