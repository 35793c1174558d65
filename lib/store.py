"""The loaded data: bundled datasets plus the user's uploads, resolved once, and the queries pages make of it."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import pandas as pd

from lib import admin, metrics, periods
from lib.bundled import paths as build_paths
from lib.bundled import reference
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
    for path in (build_paths.DENOMINATORS, build_paths.DEMO):
        if not path.exists():
            raise FileNotFoundError(f"{path.relative_to(build_paths.ROOT)} is missing: run `make build` "
                                    "(or `python -m lib.bundled.build`) first")
    den = Dataset("denominators", "bundled", normalise_observations(pd.read_parquet(build_paths.DENOMINATORS)),
                  description="population and labour force estimates")
    demo = Dataset("demo", "bundled", normalise_observations(pd.read_parquet(build_paths.DEMO)),
                   description="deterministic demo panel")
    return den, demo, reference.dataset()


@lru_cache(maxsize=1)
def denominator_lookup() -> dict[tuple[str, int, str], float] | None:
    """(unit, year, metric) -> estimated population or labour force at year end, for the plausibility warnings of
    lib.ingest.validate; None before `make build` has made the denominators."""
    if not build_paths.DENOMINATORS.exists():
        return None
    den = pd.read_parquet(build_paths.DENOMINATORS, columns=["unit", "year", "period", "metric", "value"])
    den = den[den["period"] == "FY"]
    return {(u, int(y), m): float(v) for u, y, m, v in zip(den["unit"], den["year"], den["metric"], den["value"])}


def fingerprint(datasets) -> str:
    h = hashlib.sha256()
    for d in datasets:
        h.update(d.name.encode())
        h.update(pd.util.hash_pandas_object(d.observations, index=False).values.tobytes())
        h.update(pd.util.hash_pandas_object(d.targets.astype(str), index=False).values.tobytes())
    return h.hexdigest()[:16]


@lru_cache(maxsize=1)
def _bundled_resolved() -> pd.DataFrame | None:
    return pd.read_parquet(build_paths.RESOLVED) if build_paths.RESOLVED.exists() else None


def _bundled_resolution_for(datasets: list[Dataset]) -> pd.DataFrame | None:
    """The prebuilt resolution of the bundled data, when `datasets` start with exactly the bundled datasets."""
    base = bundled()
    if len(datasets) < len(base) or any(a is not b for a, b in zip(datasets, base)):
        return None
    return _bundled_resolved()


def affected_units(units) -> set[str]:
    """Units whose resolved values can change when observations of `units` are added: the units, their ancestors
    (province, nation, 2025 province) and the legacy provinces that add up into those 2025 provinces."""
    u = admin.units()
    out: set[str] = set()
    for uid in set(units):
        while uid is not None and uid in u.index and uid not in out:
            out.add(uid)
            new_province = u.at[uid, "province_2025"]
            if isinstance(new_province, str):
                out.add(new_province)
            parent = u.at[uid, "parent"]
            uid = parent if isinstance(parent, str) else None
    members = u.index[(u["level"] == "province") & u["province_2025"].isin(out)]
    out |= set(members) | {admin.NATIONAL_ID}
    return out


def resolve_incrementally(base_resolved: pd.DataFrame, bundled_sets: list[Dataset],
                          uploads: list[Dataset]) -> pd.DataFrame:
    """The resolution of bundled + uploaded data, recomputing only the units the uploads can affect."""
    up = [d.observations for d in uploads if len(d.observations)]
    if not up:
        return base_resolved
    up_obs = pd.concat(up, ignore_index=True)
    affected = affected_units(up_obs["unit"])
    base_obs = pd.concat([d.observations[d.observations["unit"].isin(affected)] for d in bundled_sets],
                         ignore_index=True)
    part = resolve(pd.concat([base_obs, up_obs], ignore_index=True))
    rest = base_resolved[~base_resolved["unit"].astype(str).isin(affected)]
    both = pd.concat([rest.astype({c: "object" for c in _CATEGORIES}), part.astype({c: "object" for c in _CATEGORIES})],
                     ignore_index=True)
    for c in _CATEGORIES:
        both[c] = both[c].astype("category")
    return both.sort_values(["unit", "metric", "year", "period"], kind="stable").reset_index(drop=True)


_CATEGORIES = ("unit", "metric", "period", "status", "level")


def bundled_store() -> "Store":
    """The bundled data with its resolution read from data/build/ (made by `make build`)."""
    return Store(list(bundled()))


@dataclass
class Store:
    datasets: list[Dataset] = field(default_factory=list)
    # Derived results other modules keep for this store's lifetime (one door instead of writes into __dict__).
    _memo: dict = field(default_factory=dict, repr=False, compare=False)

    def memo(self, key, compute):
        """The value computed once per store for `key` (a hashable tuple naming the module and its arguments)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    @cached_property
    def observations(self) -> pd.DataFrame:
        return pd.concat([d.observations for d in self.datasets], ignore_index=True)

    @cached_property
    def resolved(self) -> pd.DataFrame:
        base = _bundled_resolution_for(self.datasets)
        if base is None:
            return resolve(self.observations)
        uploads = self.datasets[len(bundled()):]
        return resolve_incrementally(base, list(bundled()), uploads)

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
        order = sel["period"].astype(str).map(periods.order)
        return sel.assign(_o=order).sort_values(["year", "_o"]).iloc[-1]

    def years(self) -> list[int]:
        """Years with year-end rates (the sidebar's choices; computed once per store)."""
        return list(self._years)

    @cached_property
    def _years(self) -> tuple[int, ...]:
        fy = self.resolved[(self.resolved["period"] == "FY") & self.resolved["metric"].isin(metrics.rate_ids())]
        return tuple(sorted(int(y) for y in fy["year"].unique()))

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

