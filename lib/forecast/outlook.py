"""Will each unit meet its 2025 and 2030 targets? The glue between the data (lib.store), the targets (lib.targets),
the progress methods (lib.forecast.progress_methods) and the forecasts (lib.forecast.models), for one unit or every unit of a level.

- ``forecasts(store, units, metric)``: the forecast of each unit's year-end series (``store.series``: the unit's
  real values where it has any, never patched with demo; else demo values while the demo switch shows them). Cached in memory and on disk in one SQLite file under
  ``var/cache/outlook`` (several sessions and the command line may write at once), each entry keyed by the metric, the
  unit and a hash of the exact series it was fitted on; the file name carries ``VERSION`` (the model code's version).
  So a change of data or code never reuses a stale forecast, while an upload of targets (or of another indicator)
  keeps every forecast. Missing ones are computed on two processes with a progress callback.
- ``table(store, units, metric)``: one row per unit -- last value, the 2025 and 2030 targets (own, inherited or
  derived), the probabilities, the expected year, the Open SDG label and the participants needed per year -- cached
  in memory and on disk, keyed by ``lib.store.fingerprint`` of the datasets (their values and their targets: every
  target input), ``VERSION``, the metric and the units.
- ``unit_outlook(store, unit, metric, override)``: everything the page shows for one unit; a changed target only
  recomputes shares of the cached forecast's paths and the two progress methods (milliseconds).
- ``export_frame(table)``: the rows the command line writes (one per unit).

A forecast whose history holds a demo value is a demo forecast (``demo`` column, ``data_status`` = demo).
"""
from __future__ import annotations

import hashlib
import math
import os
import pickle
import tempfile
import sqlite3
import time
from concurrent.futures import as_completed
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from lib import admin, metrics
from lib.forecast import models as forecast
from lib.forecast import progress_methods as progress
from lib.model import UNCERTAINTY
from lib.recent import Recent
from lib.targets import HORIZON, TARGET_YEARS, Target

ROOT = Path(__file__).resolve().parents[2]
CACHE_DIR = ROOT / "var" / "cache" / "outlook"
VERSION = f"{forecast.MODEL_VERSION}.outlook-2"
COVERAGE_SHORTS = tuple(metrics.headline_ids("coverage"))  # from the catalog
LEVELS = ("national",) + admin.PROVINCE_LEVELS + ("district",)  # the levels forecasts are computed for
IN_PROCESS_MAX = 24  # fewer missing forecasts than this: compute them here (a process pool costs ~1-2 s to start)
TABLE_FILES_KEPT = 64
ENTRIES_PER_UNIT = 2  # forecasts kept per unit and metric on disk (the current series and one other version)
RECENT_CHANGES = 3  # participants added lately: mean of the last 3 annual changes
# Forecasts computed in this process (one unit, a few) are fitted by statsmodels; whole levels on the process pool by
# the closed form of the same maximum-likelihood estimate (lib.forecast.models: equal to about 1e-6; the page names
# the engine of the forecast it shows).
BATCH_ENGINE = "closed_form"


def coverage_metric(short: str) -> metrics.Metric:
    """The coverage metric for a short id (hi, si, si_voluntary, ui); anything else (a collections indicator) -> HI."""
    return metrics.for_page(short, "coverage")  # the one rule: a coverage indicator, else HI


# ---------------------------------------------------------------------------------------------------------------------
# Units

def level_units(level: str, area: str | None = None) -> list[str]:
    """The units of a level (sorted by code), restricted to those inside `area` when it is given and not national."""
    if level == "national":
        return [admin.NATIONAL_ID]
    units = admin.level_units(level).sort_values("code").index.tolist()
    if area and area != admin.NATIONAL_ID:
        units = [u for u in units if within(u, area)]
    return units


def within(unit: str, area: str) -> bool:
    """True when `unit` is `area` or lies inside it (legacy and 2025 structures both count)."""
    if unit == area or area == admin.NATIONAL_ID:
        return True
    u = admin.units()
    if unit not in u.index or area not in u.index:
        return False
    row = u.loc[unit]
    area_level = area.split(":")[0]
    if area_level == "province":
        return row["parent"] == area
    if area_level == "province_2025":
        return row["province_2025"] == area and row["level"] != "province_2025"
    return False


def table_level(area: str, level: str) -> str:
    """The level a ranking table lists: for the nation, the view's level (provinces, 2025 provinces or districts);
    for a province, its districts; for a 2025 province, its legacy provinces or their districts."""
    area_level = area.split(":")[0]
    if area_level == "national":
        return level if level in LEVELS[1:] else "province"
    if area_level == "province_2025":
        return "province" if level == "province" else "district"
    return "district"


# ---------------------------------------------------------------------------------------------------------------------
# Series

def series_panel(store, units: Sequence[str], metric: str, demo: bool | None = None) -> pd.DataFrame:
    """Year-end values of `metric` for `units`: unit, year, value, status, source (one row per unit and year), by
    lib.store's status rule: a unit's real values when it has any (never patched with demo), else its demo values
    while the view's demo switch (`demo`) shows them."""
    r = store.year_end(demo)
    sel = r[r["metric"] == metric]
    sel = sel[sel["unit"].isin(list(units))]
    out = pd.DataFrame({"unit": sel["unit"].astype(str).to_numpy(), "year": sel["year"].astype(int).to_numpy(),
                        "value": sel["value"].astype(float).to_numpy(), "status": sel["status"].astype(str).to_numpy(),
                        "source": sel["source"].astype(str).to_numpy()})
    return out.dropna(subset=["value"]).sort_values(["unit", "year"], kind="stable").reset_index(drop=True)


def series_key(years, values, ceiling: float) -> str:
    """A hash of exactly what a forecast is fitted on."""
    h = hashlib.sha1()
    h.update(np.asarray(years, dtype=np.int64).tobytes())
    h.update(np.round(np.asarray(values, dtype=float), 9).tobytes())
    h.update(repr(float(ceiling)).encode())
    return h.hexdigest()[:20]


def worst_status(statuses) -> str | None:
    """The least certain status among a history's values (demo > estimate > uploaded > reported)."""
    statuses = [s for s in statuses if s in UNCERTAINTY]
    return max(statuses, key=UNCERTAINTY.get) if statuses else None


# ---------------------------------------------------------------------------------------------------------------------
# Forecasts, cached in memory and on disk

MEMORY_ENTRIES = 4_000  # forecasts kept in memory (~7 kB each: ~28 MB at most; a level's 3,321 communes fit)
TABLE_ENTRIES = 64  # tables kept in memory (the least recently used dropped first; the disk cache keeps them all) ...
TABLE_BYTES = 32 * 2**20  # ... and at most this much of them (a commune level's table is ~2 MB, a province's 40 kB)
_MEMORY = Recent(MEMORY_ENTRIES)  # (cache dir, metric, unit, series key) -> result
_TABLES = Recent(TABLE_ENTRIES, TABLE_BYTES)  # key -> table


def _keep_table(key: str, frame: pd.DataFrame) -> None:
    _TABLES.put(key, frame, size=int(frame.memory_usage(deep=True).sum()))


def clear_memory_cache() -> None:
    """Forget what this process holds (the disk cache stays): what a restart does."""
    _MEMORY.clear()
    _TABLES.clear()


def forecast_db(cache_dir: Path) -> Path:
    return Path(cache_dir) / f"forecasts-{VERSION}.sqlite"


def _connect(cache_dir: Path) -> sqlite3.Connection | None:
    """The forecast store: one SQLite file (several sessions and the command line may write at once)."""
    try:
        Path(cache_dir).mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(forecast_db(cache_dir), timeout=30)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("CREATE TABLE IF NOT EXISTS forecasts (metric TEXT, unit TEXT, key TEXT, created REAL, "
                    "result BLOB, PRIMARY KEY (metric, unit, key))")
        return con
    except (OSError, sqlite3.Error):
        return None  # a read-only or broken disk only costs the cache


def _read(cache_dir: Path, metric: str, wanted: dict[str, str]) -> dict[str, forecast.ForecastResult]:
    out = {}
    con = _connect(cache_dir)
    if con is None or not wanted:
        return out
    try:
        units = list(wanted)
        for i in range(0, len(units), 500):
            part = units[i:i + 500]
            rows = con.execute(f"SELECT unit, key, result FROM forecasts WHERE metric = ? AND unit IN "
                               f"({','.join('?' * len(part))})", [metric, *part]).fetchall()
            for unit, key, blob in rows:
                if wanted.get(unit) == key:
                    try:
                        out[unit] = pickle.loads(blob)
                    except Exception:  # written by other code: recompute
                        continue
    except sqlite3.Error:
        pass
    finally:
        con.close()
    return out


def _write(cache_dir: Path, metric: str, results: dict[str, tuple[str, forecast.ForecastResult]]) -> None:
    con = _connect(cache_dir)
    if con is None or not results:
        return
    now = time.time()
    try:
        with con:
            con.executemany("INSERT OR REPLACE INTO forecasts VALUES (?, ?, ?, ?, ?)",
                            [(metric, u, k, now, pickle.dumps(r, protocol=pickle.HIGHEST_PROTOCOL))
                             for u, (k, r) in results.items()])
            # keep the newest ENTRIES_PER_UNIT versions of each unit's series
            con.execute("DELETE FROM forecasts WHERE metric = ? AND rowid IN (SELECT rowid FROM (SELECT rowid, "
                        "ROW_NUMBER() OVER (PARTITION BY unit ORDER BY created DESC) AS n FROM forecasts "
                        "WHERE metric = ?) WHERE n > ?)", (metric, metric, ENTRIES_PER_UNIT))
    except sqlite3.Error:
        pass
    finally:
        con.close()


def _remember(cache_dir: Path, metric: str, results: dict[str, tuple[str, forecast.ForecastResult]]) -> None:
    for u, (k, r) in results.items():
        _MEMORY.put((str(cache_dir), metric, u, k), r)


def _series_jobs(store, units: Sequence[str], metric: str, panel: pd.DataFrame | None = None,
                 demo: bool | None = None) -> dict:
    """unit -> (series key, years, values, statuses) of the year-end series the forecast is fitted on."""
    ceiling = float(metrics.get(metric).ceiling or 100.0)
    panel = series_panel(store, units, metric, demo) if panel is None else panel
    groups = {u: g for u, g in panel.groupby("unit", sort=False)}
    jobs = {}
    for unit in units:
        g = groups.get(unit)
        years = g["year"].to_numpy() if g is not None else np.array([], dtype=int)
        values = g["value"].to_numpy() if g is not None else np.array([], dtype=float)
        statuses = tuple(g["status"]) if g is not None else ()
        jobs[unit] = (series_key(years, values, ceiling), years, values, statuses)
    return jobs


def _cached(cache_dir: Path, metric: str, keys: dict[str, str]) -> dict[str, forecast.ForecastResult]:
    out = {u: r for u, k in keys.items() if (r := _MEMORY.get((str(cache_dir), metric, u, k))) is not None}
    rest = {u: k for u, k in keys.items() if u not in out}
    if rest:
        found = _read(cache_dir, metric, rest)
        _remember(cache_dir, metric, {u: (rest[u], r) for u, r in found.items()})
        out |= found
    return out


def forecasts(store, units: Sequence[str], metric: str, progress_cb: Callable[[int, int], None] | None = None,
              workers: int = 2, cache_dir: Path | None = None,
              panel: pd.DataFrame | None = None, demo: bool | None = None) -> dict[str, forecast.ForecastResult]:
    """{unit: ForecastResult} for the year-end series of `metric`, from the caches where the series is unchanged."""
    cache_dir = Path(cache_dir or CACHE_DIR)
    jobs = _series_jobs(store, units, metric, panel, demo)
    out = _cached(cache_dir, metric, {u: j[0] for u, j in jobs.items()})
    missing = [u for u in units if u not in out]
    if missing:
        done = _run(metric, [(u, *jobs[u][1:3], None, None, None, None) for u in missing], workers, progress_cb)
        fresh = {u: (jobs[u][0], done[u][0]) for u in missing}
        _remember(cache_dir, metric, fresh)
        _write(cache_dir, metric, fresh)
        out |= {u: r for u, (_, r) in fresh.items()}
    return {u: out[u] for u in units}


def _work(metric: str, job: tuple, engine: str = "statsmodels") -> tuple:
    """One unit: its forecast (unless given) and, when its targets are given, its table row."""
    unit, years, values, statuses, targets, den, result = job
    if result is None:
        result = forecast.forecast_series(pd.Series(values, index=years, dtype=float), horizon_to=HORIZON,
                                          ceiling=float(metrics.get(metric).ceiling or 100.0), unit=unit,
                                          engine=engine)
    row = None
    if targets is not None:
        history = pd.DataFrame({"year": years, "value": values, "status": list(statuses)})
        row = _row(unit, metric, history, result, targets, den or {})
    return result, row


def _work_chunk(metric: str, jobs: list, engine: str = "statsmodels") -> list:
    with forecast.single_threaded_blas():
        return [_work(metric, job, engine) for job in jobs]


def _run(metric: str, jobs: list, workers: int, progress_cb) -> dict[str, tuple]:
    """unit -> (result, row) for every job, on `workers` processes when there are many (lib.forecast.models's pool)."""
    total, done, out = len(jobs), 0, {}
    if total == 0:
        return out
    if progress_cb:
        progress_cb(0, total)
    if workers <= 1 or total < IN_PROCESS_MAX:
        size = max(1, math.ceil(total / 8))
        for i in range(0, total, size):
            chunk = jobs[i:i + size]
            for job, res in zip(chunk, _work_chunk(metric, chunk)):
                out[job[0]] = res
            done += len(chunk)
            if progress_cb:
                progress_cb(done, total)
        return out
    size = max(1, math.ceil(total / (workers * 12)))
    chunks = [jobs[i:i + size] for i in range(0, total, size)]
    pool = forecast._pool(workers, "forkserver")
    futures = {pool.submit(_work_chunk, metric, chunk, BATCH_ENGINE): chunk for chunk in chunks}
    for future in as_completed(futures):
        chunk = futures[future]
        for job, res in zip(chunk, future.result()):
            out[job[0]] = res
        done += len(chunk)
        if progress_cb:
            progress_cb(done, total)
    return out


# ---------------------------------------------------------------------------------------------------------------------
# Targets, progress and outlooks of one unit

def unit_targets(store, unit: str, metric: str) -> dict[int, Target | None]:
    return {year: store.target(unit, metric, year) for year in TARGET_YEARS}


def denominator_by_year(store, unit: str, metric: str) -> dict[int, float]:
    """The unit's year-end denominator (population for HI, labour force for SI and UI), by year."""
    m = metrics.get(metric)
    if not m.denominator:
        return {}
    s = store.series(unit, m.denominator)
    return {int(y): float(v) for y, v in zip(s["year"], s["value"]) if pd.notna(v) and v > 0}


def classify(history: pd.Series, target: Target | None, denominators: dict[int, float]) -> dict:
    """Open SDG (growth ratio) and participants-needed labels against one target (None when not computable)."""
    out = {"open_sdg": progress.classify(history, target, "open_sdg") if len(history) else None,
           "participants": None}
    if target is not None and denominators and len(history):
        out["participants"] = progress.classify(history, target, "participants", denominator_by_year=denominators,
                                                k=RECENT_CHANGES)
    return out


@dataclass
class UnitOutlook:
    """What the page shows for one unit and metric."""
    unit: str
    metric: str
    history: pd.DataFrame  # year, value, status, source
    result: forecast.ForecastResult
    targets: dict  # year -> Target | None (the override, when given, replaces its year's target)
    outlooks: dict  # year -> TargetOutlook | None
    progress: dict  # year -> {"open_sdg": Progress | None, "participants": Progress | None}
    override: Target | None = None
    statuses: set = field(default_factory=set)

    @property
    def demo(self) -> bool:
        return "demo" in self.statuses

    @property
    def data_status(self) -> str | None:
        return worst_status(self.statuses)

    @property
    def main_year(self) -> int:
        """The target year the headline is about: the override's, else 2030 when there is a 2030 target."""
        if self.override is not None:
            return self.override.year
        return 2030 if self.targets.get(2030) is not None else 2025


def _statsmodels_refit(store, unit: str, metric: str, cache_dir: Path | None,
                       demo: bool | None = None) -> forecast.ForecastResult:
    cache_dir = Path(cache_dir or CACHE_DIR)
    key, years, values, _ = _series_jobs(store, [unit], metric, demo=demo)[unit]
    with forecast.single_threaded_blas():
        result = forecast.forecast_series(pd.Series(values, index=years, dtype=float), horizon_to=HORIZON,
                                          ceiling=float(metrics.get(metric).ceiling or 100.0), unit=unit)
    _remember(cache_dir, metric, {unit: (key, result)})
    _write(cache_dir, metric, {unit: (key, result)})
    return result


def unit_outlook(store, unit: str, metric: str, override: Target | None = None,
                 result: forecast.ForecastResult | None = None, cache_dir: Path | None = None,
                 breaks: bool = True, demo: bool | None = None) -> UnitOutlook:
    """One unit's forecast (from the caches), targets, probabilities and progress labels; `override` (an analyst's
    target for this view) replaces the target of its year and only re-reads the forecast's paths. `breaks=False`: the
    user's override of a detected level break (the whole history is fitted; computed here, ~20 ms, not cached).
    `demo`: the view's demo switch (a real series never uses demo; a demo-only series only while demo shows)."""
    history = store.series(unit, metric, demo)[["year", "value", "status", "source"]].dropna(subset=["value"])
    history = history.assign(year=history["year"].astype(int), status=history["status"].astype(str))
    if result is None:
        result = forecasts(store, [unit], metric, cache_dir=cache_dir, demo=demo)[unit]
        if result.engine != "statsmodels" and not result.too_short:
            # computed with a whole level (closed form): what the user opens is refitted by statsmodels (~15 ms; the
            # same estimate) and kept in place of it
            result = _statsmodels_refit(store, unit, metric, cache_dir, demo)
    if not breaks and result.break_year is not None:
        with forecast.single_threaded_blas():
            result = forecast.forecast_series(
                pd.Series(history["value"].to_numpy(dtype=float), index=history["year"].to_numpy(dtype=int)),
                horizon_to=HORIZON, ceiling=float(metrics.get(metric).ceiling or 100.0), unit=unit, breaks=False)
    targets = unit_targets(store, unit, metric)
    if override is not None:
        targets[override.year] = override
    s = pd.Series(history["value"].to_numpy(dtype=float), index=history["year"].to_numpy(dtype=int))
    den = denominator_by_year(store, unit, metric)
    outlooks = {y: (result.outlook(tg) if tg is not None else None) for y, tg in targets.items()}
    prog = {y: (classify(s, tg, den) if tg is not None else classify(s, None, {})) for y, tg in targets.items()}
    return UnitOutlook(unit, metric, history, result, targets, outlooks, prog, override, set(history["status"]))


# ---------------------------------------------------------------------------------------------------------------------
# The ranking table for many units

TABLE_COLUMNS = ["unit", "unit_code", "name", "level", "metric", "last_year", "last_value", "data_status", "demo",
                 "target_2025", "target_2025_max", "target_2025_kind", "target_2025_status", "target_2025_from",
                 "target_2030", "target_2030_max", "target_2030_kind", "target_2030_status", "target_2030_from",
                 "gap_2025", "gap_2030", "p_meet_2025", "p_meet_2030", "p_reach_2025", "p_reach_2030",
                 "basis_2025", "basis_2030", "expected_year", "status", "model", "mase", "engine",
                 "progress_2025", "progress_2030", "ratio_2030", "cagr_observed", "cagr_required_2030",
                 "scaling_c", "participants_2030", "needed_per_year_2030", "added_per_year", "n_years", "gap_years",
                 "break_year"]


def _fingerprint(store) -> str:
    """lib.store.fingerprint of the store's datasets, once per store object."""
    from lib.store import fingerprint

    return store.memo(("outlook", "fingerprint"), lambda: fingerprint(store.datasets))


def _engine_text(result: forecast.ForecastResult) -> str:
    engines = set(result.final_engines.values())
    return "+".join(sorted(engines)) if engines else ""


def _row(unit: str, metric: str, history: pd.DataFrame, result, targets: dict, den: dict) -> dict:
    u = admin.units()
    name = admin.display_name(unit) if unit in u.index else unit
    statuses = set(history["status"]) if len(history) else set()
    row = {"unit": unit, "unit_code": str(u.at[unit, "code"]) if unit in u.index else unit, "name": name,
           "level": unit.split(":")[0], "metric": metric, "last_year": result.last_year,
           "last_value": result.last_value, "data_status": worst_status(statuses), "demo": "demo" in statuses}
    s = pd.Series(history["value"].to_numpy(dtype=float), index=history["year"].to_numpy(dtype=int))
    for year in TARGET_YEARS:
        tg = targets.get(year)
        o = result.outlook(tg) if tg is not None else None
        row |= {f"target_{year}": tg.threshold if tg else None,
                f"target_{year}_max": tg.value_max if tg else None, f"target_{year}_kind": tg.kind if tg else None,
                f"target_{year}_status": tg.status if tg else None, f"target_{year}_from": tg.unit if tg else None,
                f"gap_{year}": (tg.threshold - result.last_value) if tg and result.last_value is not None else None,
                f"p_meet_{year}": o.p_meet if o else None, f"p_reach_{year}": o.p_reach_by if o else None,
                f"basis_{year}": o.basis if o else None}
        labels = classify(s, tg, den if year == 2030 else {}) if tg is not None else None
        osdg = labels["open_sdg"] if labels else None
        row[f"progress_{year}"] = osdg.label if osdg else None
        if year == 2030:
            n = osdg.numbers if osdg else {}
            p = labels["participants"] if labels else None
            row |= {"ratio_2030": n.get("ratio"), "cagr_observed": n.get("cagr_observed"),
                    "cagr_required_2030": n.get("cagr_required"), "scaling_c": n.get("scaling_factor_c"),
                    "participants_2030": p.label if p else None,
                    "needed_per_year_2030": p.numbers.get("needed_per_year") if p else None,
                    "added_per_year": p.numbers.get("recent_per_year") if p else None}
    main = targets.get(2030) or targets.get(2025)
    row["expected_year"] = result.outlook(main).expected_year if main is not None else None
    row |= {"status": result.status, "model": result.model,
            "mase": None if math.isnan(result.mase) else result.mase, "engine": _engine_text(result),
            "n_years": result.n_observed, "gap_years": result.gap_years, "break_year": result.break_year}
    return row


def table(store, units: Sequence[str], metric: str, progress_cb: Callable[[int, int], None] | None = None,
          workers: int = 2, cache_dir: Path | None = None, demo: bool | None = None) -> pd.DataFrame:
    """One row per unit (TABLE_COLUMNS), in `units` order. Cached in memory and on disk, keyed by the datasets'
    fingerprint (their values and targets), VERSION (the code), the metric and the units; forecasts come from their
    own cache, and the missing ones are computed with the rows on `workers` processes."""
    cache_dir = Path(cache_dir or CACHE_DIR)
    units = list(units)
    key = hashlib.sha1("|".join([_fingerprint(store), VERSION, metric, ",".join(units), f"demo={demo}"]).encode()
                       ).hexdigest()[:24]
    path = cache_dir / f"table-{key}.pkl"
    cached = _TABLES.get(f"{cache_dir}|{key}")
    if cached is None:
        cached = _load(path)
        if isinstance(cached, pd.DataFrame):
            _keep_table(f"{cache_dir}|{key}", cached)
    if isinstance(cached, pd.DataFrame):
        return cached.copy()
    panel = series_panel(store, units, metric, demo)
    jobs = _series_jobs(store, units, metric, panel)
    have = _cached(cache_dir, metric, {u: j[0] for u, j in jobs.items()})
    den_metric = metrics.get(metric).denominator
    dens = {}
    if den_metric:
        dpanel = series_panel(store, units, den_metric)
        dens = {u: dict(zip(g["year"].astype(int), g["value"].astype(float))) for u, g in dpanel.groupby("unit")}
    work = [(u, jobs[u][1], jobs[u][2], jobs[u][3], unit_targets(store, u, metric), dens.get(u, {}), have.get(u))
            for u in units]
    # new forecasts go to the processes; rows of cached ones are cheap enough here unless there are many
    n_new = sum(1 for w in work if w[-1] is None)
    if n_new == 0 and len(work) >= IN_PROCESS_MAX * 4:
        done = _run(metric, work, workers, None)
    elif n_new == 0:
        done = _run(metric, work, 1, None)
    else:
        done = _run(metric, work, workers, progress_cb)
    fresh = {u: (jobs[u][0], done[u][0]) for u in units if u not in have}
    if fresh:
        _remember(cache_dir, metric, fresh)
        _write(cache_dir, metric, fresh)
    frame = pd.DataFrame([done[u][1] for u in units], columns=TABLE_COLUMNS)
    _keep_table(f"{cache_dir}|{key}", frame)
    _save(path, frame)
    _prune_tables(cache_dir)
    return frame.copy()


def _load(path: Path):
    try:
        with open(path, "rb") as fh:
            return pickle.load(fh)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, ValueError):
        return None  # missing, being written, or from other code: recompute


def _save(path: Path, obj) -> None:
    """Write atomically (a reader never sees half a file); a read-only disk only costs the cache."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        pass


def _prune_tables(cache_dir: Path) -> None:
    try:
        files = sorted(Path(cache_dir).glob("table-*.pkl"), key=lambda p: p.stat().st_mtime, reverse=True)
        for p in files[TABLE_FILES_KEPT:]:
            p.unlink(missing_ok=True)
    except OSError:
        pass


def with_override(frame: pd.DataFrame, store, metric: str, override: Target,
                  cache_dir: Path | None = None) -> pd.DataFrame:
    """The table with `p_override` (the chance each unit meets the analyst's target) and `gap_override`: only
    shares of the cached forecasts' paths are recomputed."""
    units = frame["unit"].tolist()
    results = forecasts(store, units, metric, cache_dir=cache_dir)
    p = [results[u].outlook(override).p_meet for u in units]
    return frame.assign(p_override=p, gap_override=override.threshold - frame["last_value"].astype(float))


def with_counts(frame: pd.DataFrame, store, metric: str, demo: bool | None = None) -> pd.DataFrame:
    """The table with the counts behind each unit's latest rate (its `last_year`), each with its own status under the
    store's status rule and the view's demo switch: `participants`, `participants_status`, `denominator`,
    `denominator_status` (NaN / None where not known)."""
    m = metrics.get(metric)
    fy = store.year_end(demo)
    keys = pd.MultiIndex.from_arrays([frame["unit"].astype(str), pd.to_numeric(frame["last_year"], errors="coerce")])
    out = frame.copy()
    for column, metric_id in (("participants", m.numerator), ("denominator", m.denominator)):
        rows = fy[fy["metric"] == metric_id] if metric_id else fy.iloc[0:0]
        rows = rows[rows["unit"].isin(set(out["unit"].astype(str)))]
        found = pd.DataFrame({"value": rows["value"].astype(float).to_numpy(),
                              "status": rows["status"].astype(str).to_numpy()},
                             index=pd.MultiIndex.from_arrays([rows["unit"].astype(str).to_numpy(),
                                                              rows["year"].astype(int).to_numpy()]))
        found = found[~found.index.duplicated()].reindex(keys)
        out[column] = found["value"].to_numpy()
        out[f"{column}_status"] = [s if isinstance(s, str) else None for s in found["status"]]
    return out


def ranked(frame: pd.DataFrame, by: str = "probability", year: int = 2030, column: str | None = None) -> pd.DataFrame:
    """Rows ranked best first: by probability of meeting the target (highest first; ties by the smaller gap) or by
    the gap to the target (smallest first; achieved targets have negative gaps). Adds `rank` (1 = best)."""
    p_col = column or f"p_meet_{year}"
    gap_col = "gap_override" if column == "p_override" else f"gap_{year}"
    if by == "gap":
        order = frame.sort_values([gap_col, p_col], ascending=[True, False], na_position="last", kind="stable")
    else:
        order = frame.sort_values([p_col, gap_col], ascending=[False, True], na_position="last", kind="stable")
    order = order.reset_index(drop=True)
    return order.assign(rank=np.arange(1, len(order) + 1))


EXPORT_COLUMNS = ["unit_code", "name", "last_year", "last_value", "target_2025", "target_2030", "p_meet_2025",
                  "p_meet_2030", "expected_year", "status", "model", "mase", "data_status", "demo", "unit", "level",
                  "metric", "target_2025_max", "target_2025_status", "target_2030_max", "target_2030_status",
                  "p_reach_2030", "progress_2030", "participants_2030", "needed_per_year_2030", "added_per_year",
                  "engine", "n_years", "gap_years", "break_year"]


def export_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows written by `python -m lib.cli forecast`: the issue's columns first (status = ok | too_short |
    no_data), then provenance (data_status, demo) and the details."""
    return frame[EXPORT_COLUMNS].copy()


def compute_level(store, level: str, metric: str, progress_cb=None, workers: int = 2,
                  cache_dir: Path | None = None) -> pd.DataFrame:
    """The table of every unit of a level (the command line and the benchmark use this)."""
    return table(store, level_units(level), metric, progress_cb, workers, cache_dir)


# ---------------------------------------------------------------------------------------------------------------------
# The page's choices

PANELS = ("forecast", "ranking", "evidence", "methods")


def unit_options(area: str, shown: str | None = None) -> list[str]:
    """Units a user can pick on the page: the area first, then its provinces (national) or districts; the unit
    `shown` (when not among them) second, so that the picker can show it."""
    options = _unit_options(area)
    return options[:1] + [shown] + options[1:] if shown and shown not in options else options


def _unit_options(area: str) -> list[str]:
    u = admin.units()
    if area == admin.NATIONAL_ID:
        provinces = u[u["level"] == "province"].sort_values("name_ascii").index.tolist()
        merged = u[u["level"] == "province_2025"].sort_values("name_ascii").index.tolist()
        return [area] + provinces + merged
    if area not in u.index:
        return [admin.NATIONAL_ID]
    if area.startswith("province_2025:"):
        members = u[(u["level"] == "province") & (u["province_2025"] == area)].sort_values("name_ascii").index
        districts = u[(u["level"] == "district") & (u["province_2025"] == area)].sort_values("name_ascii").index
        return [area] + members.tolist() + districts.tolist()
    districts = u[(u["level"] == "district") & (u["parent"] == area)].sort_values("name_ascii").index
    return [area] + districts.tolist()


def focus_unit(area: str, unit: str | None) -> str:
    """The unit the page shows: the view's unit when it has data at a level the page forecasts and lies in the
    area, else the area itself."""
    if not unit or unit.split(":")[0] not in LEVELS or unit not in admin.units().index or not within(unit, area):
        return area
    return unit


def override_target(base: Target | None, metric: str, year: int, value: float, unit: str) -> Target:
    """An analyst's target for one view: the unit's target of that year with another value (a floor stays a floor),
    or a new point target."""
    if base is not None:
        return base.with_value(value)
    return Target(metric=metric, year=year, kind="point", value=float(value), status="override", unit=unit)
