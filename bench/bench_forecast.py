"""Targets and forecasts: speed on the bundled data through the page's code path (lib.forecast.outlook), and the backtest table
of the published national series.

Prints:
- first time: every district (696) x 4 coverage metrics, forecasts + targets + progress labels (lib.forecast.outlook.table,
  what the Ranking view and `lib.cli forecast` run), on an empty cache: wall time per metric and in total, the CPU
  time the fits took (sum over series, all processes) and the load average (the machine may be shared);
- from the cache: the same 4 tables after a restart (memory cleared: read from var/cache), and the forecasts;
- one unit with a changed target: lib.forecast.outlook.unit_outlook with an override (cached forecast), and the Progress page
  rerun (AppTest script time) after the target input changes;
- the backtest table of `python -m lib.cli backtest` (published national HI, SI and UI year-end series).

Run: .venv/bin/python bench/bench_forecast.py [--skip-first] (--skip-first: keep var/cache and time only the cached
paths)
"""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lib import admin, store as store_mod
from lib.forecast import outlook

METRICS = ("hi_coverage_pct", "si_coverage_pct", "si_voluntary_coverage_pct", "ui_coverage_pct")


def load() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


def cpu_seconds() -> float:
    """CPU time of this process and of the forecast pool's worker processes (Linux /proc), in seconds."""
    from lib.forecast import models as forecast

    total = time.process_time()
    tick = os.sysconf("SC_CLK_TCK")
    for pool in list(forecast._POOLS.values()):
        for pid in list(getattr(pool, "_processes", None) or {}):
            try:
                with open(f"/proc/{pid}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / tick  # utime + stime
            except (OSError, IndexError, ValueError):
                continue
    return total


def first_time(store, cache_dir: Path, units: list[str]) -> None:
    outlook.clear_memory_cache()
    total_wall, total_cpu = 0.0, 0.0
    print(f"first time, empty cache, {len(units)} districts x {len(METRICS)} metrics (load average before: {load()})")
    total_all = 0.0
    for metric in METRICS:
        c0, t0 = cpu_seconds(), time.perf_counter()
        frame = outlook.table(store, units, metric, cache_dir=cache_dir, workers=2)
        wall, used = time.perf_counter() - t0, cpu_seconds() - c0
        results = outlook.forecasts(store, units, metric, cache_dir=cache_dir)
        cpu = sum(r.cpu_seconds for r in results.values())
        total_wall, total_cpu, total_all = total_wall + wall, total_cpu + cpu, total_all + used
        models = frame["model"].value_counts().to_dict()
        print(f"  {metric}: {wall:.1f} s wall, {used:.1f} s CPU in all processes ({cpu:.1f} s in the fits); "
              f"{len(frame)} rows, {int(frame['demo'].sum())} demo; models {models}")
    print(f"first time total: {total_wall:.1f} s wall for {len(units) * len(METRICS)} series; CPU {total_all:.1f} s "
          f"in all processes ({total_cpu:.1f} s in the fits), i.e. ~{total_all / 2:.1f} s wall on 2 idle cores; "
          f"load average after: {load()}")


def from_cache(store, cache_dir: Path, units: list[str]) -> None:
    outlook.clear_memory_cache()
    t0 = time.perf_counter()
    for metric in METRICS:
        outlook.table(store, units, metric, cache_dir=cache_dir)
    tables = time.perf_counter() - t0
    t0 = time.perf_counter()
    for metric in METRICS:
        outlook.table(store, units, metric, cache_dir=cache_dir)
    memory = time.perf_counter() - t0
    outlook.clear_memory_cache()
    t0 = time.perf_counter()
    for metric in METRICS:
        outlook.forecasts(store, units, metric, cache_dir=cache_dir)
    fc = time.perf_counter() - t0
    size = sum(p.stat().st_size for p in Path(cache_dir).glob("*") if p.is_file()) / 1e6
    print(f"from the cache after a restart: 4 district tables {tables * 1000:.0f} ms (then {memory * 1000:.1f} ms "
          f"from memory); all {len(units) * len(METRICS)} forecasts {fc:.2f} s; cache on disk {size:.1f} MB")


def single_unit(store, cache_dir: Path) -> None:
    unit, metric = "district:412", "hi_coverage_pct"  # Vinh, Nghệ An
    outlook.unit_outlook(store, unit, metric, cache_dir=cache_dir)  # warm: the forecast is in the cache
    times, ps = [], []
    base = store.target(unit, metric, 2030)
    for value in (95.5, 96.0, 96.5, 97.0, 97.5, 98.0, 98.5, 99.0):
        t0 = time.perf_counter()
        uo = outlook.unit_outlook(store, unit, metric, override=outlook.override_target(base, metric, 2030, value,
                                                                                           unit), cache_dir=cache_dir)
        times.append(time.perf_counter() - t0)
        ps.append(uo.outlooks[2030].p_meet)
    print(f"one unit ({unit}, HI), changed 2030 target, lib.forecast.outlook.unit_outlook: median "
          f"{1000 * statistics.median(times):.1f} ms, max {1000 * max(times):.1f} ms over {len(times)} targets; "
          f"p_meet {ps[0]:.3f} at 95.5% .. {ps[-1]:.3f} at 99%")


def single_unit_cold(store) -> None:
    """One unit never forecast before (empty cache, memory cleared): fitted in this process by statsmodels."""
    from statsmodels.tsa.arima.model import ARIMA  # noqa: F401  (imported once per process, as in the app)

    times, cpu = [], []
    for unit in ("district:412", "district:001", "province:40", "national:VN", "district:412", "province:01"):
        cache_dir = Path(tempfile.mkdtemp(prefix="bench-one-"))
        outlook.clear_memory_cache()
        t0, c0 = time.perf_counter(), time.process_time()
        uo = outlook.unit_outlook(store, unit, "hi_coverage_pct", cache_dir=cache_dir)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        engine = uo.result.final_engines.get("drift")
    print(f"one unit, not cached (unit_outlook incl. statsmodels fit, targets and labels; engine {engine}): "
          f"median {1000 * statistics.median(times):.0f} ms wall ({1000 * statistics.median(cpu):.0f} ms CPU), "
          f"max {1000 * max(times):.0f} ms wall ({1000 * max(cpu):.0f} ms CPU) over {len(times)} units; "
          f"load average {load()}")


def page_rerun() -> None:
    """The page's script time when the analyst changes the target (AppTest, bundled data, var/cache)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.query_params["lang"] = "en"
    at.query_params["area"] = "province:40"
    at.query_params["unit"] = "district:412"
    at.run()
    at.switch_page("pages/progress.py").run()
    times = []
    for value in (96.0, 97.0, 98.0, 96.5, 97.5):
        box = [n for n in at.number_input if n.key == "_prog_ov_value"][0]
        box.set_value(value)
        t0 = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - t0)
        assert not at.exception, at.exception
    print(f"Progress page rerun after a target change (AppTest script time): median "
          f"{1000 * statistics.median(times):.0f} ms, max {1000 * max(times):.0f} ms over {len(times)} changes")


def main() -> None:
    skip_first = "--skip-first" in sys.argv
    t0 = time.perf_counter()
    store = store_mod.bundled_store()
    _ = store.resolved, store.targets
    print(f"bundled store loaded in {time.perf_counter() - t0:.2f} s")
    units = outlook.level_units("district")
    assert len(units) == len(admin.level_units("district"))
    if skip_first:
        cache_dir = outlook.CACHE_DIR
        for metric in METRICS:  # make sure the cache is filled
            outlook.table(store, units, metric, cache_dir=cache_dir)
    else:
        cache_dir = Path(tempfile.mkdtemp(prefix="bench-outlook-"))
        first_time(store, cache_dir, units)
    from_cache(store, cache_dir, units)
    single_unit(store, cache_dir)
    single_unit_cold(store)
    page_rerun()
    print()
    from lib import cli

    cli.main(["backtest", "--engine", "numpy"])  # the benchmark models; the product's benchmark is bench_eval.py


if __name__ == "__main__":
    main()
