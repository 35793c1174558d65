"""How long a full pass of Python's cyclic collector holds an app process, without and with `lib.memory.freeze`.

Run: .venv/bin/python bench/bench_gc.py [--runs 5]

The process imports what an app process imports and loads what it holds once warm (the bundled store, as lib/ui.py's
shared store, and the map views of the three levels), then times gc.collect() (a full pass, as Python starts one by
itself when a session's run has allocated enough): median of --runs passes with every object walked, then after
memory.freeze() (what the app does once its bundled data are loaded). While a pass runs no other thread of the
process runs: every session's messages and the browser's file requests wait. Prints both and their ratio.
"""
from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import altair  # noqa: E402,F401 - what an app process has imported
import streamlit  # noqa: E402,F401

from lib import charts, memory, store as store_mod, ui, urlstate  # noqa: E402,F401
from lib.forecast import models, outlook  # noqa: E402,F401
from lib.maps import view as map_view  # noqa: E402

VIEWS = ("level=province&metric=hi&year=2024", "level=district&metric=hi&year=2024",
         "level=commune&area=province_2025:79&metric=hi&year=2024")


def full_pass_ms(runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        gc.collect()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    opts = ap.parse_args()
    store = store_mod.bundled_store()
    _ = store.resolved, store.targets, store._fy, store._years
    for query in VIEWS:
        view = urlstate.from_query(dict(urllib.parse.parse_qsl(query)))[0]
        map_view.build(store, view, None, {}, "vi", component=True)
    objects = len(gc.get_objects())
    walked = full_pass_ms(opts.runs)
    memory.freeze()
    frozen = full_pass_ms(opts.runs)
    print(f"gc objects {objects:,}; frozen {gc.get_freeze_count():,}; runs {opts.runs}")
    print(f"full pass, every object walked: {walked:7.1f} ms (median)")
    print(f"full pass, after memory.freeze: {frozen:7.1f} ms (median)  ratio {frozen / walked:.3f}")


if __name__ == "__main__":
    main()
