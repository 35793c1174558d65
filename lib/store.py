"""The loaded data: bundled datasets plus the user's uploads, resolved once, and the queries pages make of it.

What a value is, and which values a series may use (the one rule, applied by every query here):
- a value's status is ``reported`` (published, with its source), ``uploaded`` (the user's file), ``estimate`` (a
  stated method, e.g. published participants over an estimated population) or ``demo`` (made up to fill gaps);
  the first three are *real*;
- a unit's series of a metric is *real* when it has at least one real year-end value: then demo values are never
  used in it (not in its series, chart, forecast, ranking, scenario or brief); a year between two real values
  stays empty, and the series ends at its last real value;
- a unit without any real value of a metric has a *demo* series, shown only while demo is shown;
- demo is shown or not by the ``demo`` switch of the view (lib.urlstate): True shows it, False hides it, None (the
  default) shows it except at the levels where the user loaded data of their own. Hidden values are filtered by
  the queries, never deleted: the switch costs nothing.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import pandas as pd

from lib import admin, metrics, periods
from lib.bundled import paths as build_paths
from lib.bundled import reference
from lib.model import Dataset, choose_targets, normalise_observations, resolve
from lib.recent import Recent
from lib.targets import Target, target_for

BUNDLED_ORDER = ("denominators", "demo", "reported")  # later datasets win ties in resolution
MEMO_ENTRIES = 4096  # derived results a store keeps (Store.memo), the least recently used dropped first
REAL = ("reported", "uploaded", "estimate")  # statuses of real values; "demo" is the only other one
SERIES_COLUMNS = ["year", "value", "status", "source", "note", "alternatives", "derived"]


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
    # Derived results other modules keep for this store's lifetime (one door instead of writes into __dict__); the
    # least recently used go past MEMO_ENTRIES (keys carry user input, e.g. colour breaks: the bundled store lives as
    # long as the process).
    _memo: Recent = field(default_factory=lambda: Recent(MEMO_ENTRIES), repr=False, compare=False)

    def memo(self, key, compute, valid=None):
        """The value computed once per store for `key` (a hashable tuple naming the module and its arguments);
        computed again when `valid(value)` says the kept one can no longer be used (e.g. its file was pruned), or
        after it was dropped as the least recently used of MEMO_ENTRIES."""
        return self._memo.memo(key, compute, valid)

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
        """Year-end values by the status rule (demo rows of a real series dropped) and their row positions by
        (unit, metric), for fast series lookups."""
        fy = self.year_end_all
        keys = fy["unit"].astype(str) + "|" + fy["metric"].astype(str)
        return fy, keys.groupby(keys, sort=False).indices

    @cached_property
    def year_end_all(self) -> pd.DataFrame:
        """Every year-end value a view may show, demo included where the series is demo: the resolution's FY rows
        without the demo values of any (unit, metric) that has a real value (a real series is never patched)."""
        fy = self.resolved[self.resolved["period"] == "FY"]
        demo = (fy["status"] == "demo").to_numpy()
        key = fy["unit"].cat.codes.to_numpy().astype("int64") * 10_000 + fy["metric"].cat.codes.to_numpy()
        real_keys = pd.unique(key[~demo])
        patched = demo & (pd.Index(real_keys).get_indexer(key) >= 0)
        return fy[~patched].reset_index(drop=True)

    @cached_property
    def uploaded_levels(self) -> frozenset[str]:
        """Levels the user loaded values for (demo is off there by default)."""
        levels = set()
        for d in self.datasets:
            if d.origin == "uploaded" and len(d.observations):
                levels |= set(d.observations["unit"].astype(str).str.split(":", n=1).str[0])
        return frozenset(levels)

    def shows_demo(self, level_or_unit: str, demo: bool | None = None) -> bool:
        """Whether demo values show at a level (or a unit's level) under the view's switch `demo`."""
        if demo is not None:
            return bool(demo)
        return level_or_unit.split(":")[0] not in self.uploaded_levels

    def demo_default(self, demo: bool | None = None) -> bool:
        """What the switch shows: on unless switched off, or left alone with data of the user's own loaded."""
        return bool(demo) if demo is not None else not self.uploaded_levels

    def year_end(self, demo: bool | None = None) -> pd.DataFrame:
        """year_end_all without the demo values the switch hides (per level; cached per switch position)."""
        hidden = frozenset(lv for lv in admin.LEVELS if not self.shows_demo(lv, demo))
        return self.memo(("store", "year_end", hidden), lambda: self._year_end_without(hidden))

    def _year_end_without(self, hidden: frozenset[str]) -> pd.DataFrame:
        fy = self.year_end_all
        if hidden:
            fy = fy[~((fy["status"] == "demo") & fy["level"].isin(hidden))].reset_index(drop=True)
        return fy

    @property
    def has_uploads(self) -> bool:
        return any(d.origin == "uploaded" for d in self.datasets)

    # -- queries ----------------------------------------------------------------------------------------------
    def series(self, unit: str, metric: str, demo: bool | None = None) -> pd.DataFrame:
        """Year-end values of one metric for one unit by the status rule: its real values when it has any (years
        between them left empty), else its demo values while demo shows. Columns: year, value, status, source,
        note, alternatives, derived."""
        fy, index = self._fy
        rows = index.get(f"{unit}|{metric}")
        if rows is None:
            return pd.DataFrame(columns=SERIES_COLUMNS)
        out = fy.iloc[rows][SERIES_COLUMNS]
        if not self.shows_demo(unit, demo):
            out = out[out["status"] != "demo"]
        return out.sort_values("year").reset_index(drop=True)

    def real_series(self, unit: str, metric: str) -> pd.DataFrame:
        """Only the real (published, uploaded, estimated) year-end values of a unit: what verdicts use."""
        s = self.series(unit, metric, demo=False)
        return s[s["status"].astype(str).isin(REAL)].reset_index(drop=True)

    def has_real(self, unit: str, metric: str) -> bool:
        return (unit, metric) in self._real_pairs

    @cached_property
    def _real_pairs(self) -> frozenset[tuple[str, str]]:
        fy = self.year_end_all
        real = fy[fy["status"] != "demo"]
        return frozenset(zip(real["unit"].astype(str), real["metric"].astype(str)))

    def forecast_input(self, unit: str, metric: str, demo: bool | None = None) -> tuple[pd.DataFrame, bool]:
        """The series a forecast or a verdict may use, and whether it is demo: the real series when the unit has
        one; else, while demo shows, its demo series (every sentence made from it must say demo); else nothing."""
        real = self.real_series(unit, metric)
        if len(real):
            return real, False
        if self.shows_demo(unit, demo):
            s = self.series(unit, metric, demo=True)
            return s, bool(len(s))
        return real, False

    def default_year(self, metric: str, area: str) -> int | None:
        """The year a view opens on: the latest year with a real value (any period) of the metric for the area,
        else for the nation, else the latest year with data. Never a year where only demo exists when a real
        one does."""
        latest = self._latest_real
        for unit in (area, admin.NATIONAL_ID):
            if (unit, metric) in latest:
                return latest[(unit, metric)]
        years = self.years()
        return years[-1] if years else None

    @cached_property
    def _latest_real(self) -> dict[tuple[str, str], int]:
        r = self.resolved
        real = r[r["status"] != "demo"]
        if real.empty:
            return {}
        g = real.groupby([real["unit"].astype(str), real["metric"].astype(str)])["year"].max()
        return {k: int(v) for k, v in g.items()}

    def value(self, unit: str, metric: str, year: int, period: str = "FY",
              demo: bool | None = None) -> pd.Series | None:
        """One value by the status rule (a year-end demo value of a real series is no value)."""
        if period == "FY":
            s = self.series(unit, metric, demo)
            sel = s[s["year"] == year]
            return None if sel.empty else sel.iloc[0]
        r = self.resolved
        sel = r[(r["unit"] == unit) & (r["metric"] == metric) & (r["year"] == year) & (r["period"] == period)]
        if not self.shows_demo(unit, demo):
            sel = sel[sel["status"] != "demo"]
        return None if sel.empty else sel.iloc[0]

    def latest_published(self, unit: str, metric: str, up_to_year: int) -> pd.Series | None:
        """The most recent published (or uploaded) value of a metric up to a year, any period."""
        r = self._published
        sel = r[(r["unit"] == unit) & (r["metric"] == metric) & (r["year"] <= up_to_year)]
        if sel.empty:
            return None
        order = sel["period"].astype(str).map(periods.order)
        return sel.assign(_o=order).sort_values(["year", "_o"]).iloc[-1]

    @cached_property
    def _published(self) -> pd.DataFrame:
        """Published and uploaded values as given (not derived), any period: a few hundred rows, searched per card."""
        r = self.resolved
        sel = r[r["status"].isin(["reported", "uploaded"]) & ~r["derived"].astype(bool)]
        return sel.astype({"unit": str, "metric": str}).reset_index(drop=True)

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

