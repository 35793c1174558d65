"""Collections page, exports and links: how long the work of a rerun, a chart export and a brief take.

Run: .venv/bin/python bench/bench_collections.py
Prints plain lines: what, seconds (median of the repeats unless said).
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def timed(fn, repeat=5):
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return statistics.median(out), max(out)


def main() -> None:
    from lib import brief, charts, collections as coll, export_charts, store as store_mod

    start = time.perf_counter()
    store = store_mod.bundled_store()
    _ = store.resolved
    print(f"bundled store loaded: {time.perf_counter() - start:.3f} s (once per process)")
    start = time.perf_counter()
    pnl = coll.figure_index(store)
    print(f"collections panel built: {time.perf_counter() - start:.3f} s (once per process)")

    def rerun(level="province", panel="ranking"):
        sel = coll.select(pnl, "province:40", None, 2020, 9, level, "vi")
        coll.kpis(pnl, sel.focus, sel.year, sel.period)
        if panel == "month":
            chart = coll.ytd_chart(coll.ytd(pnl, sel.focus, 2020), coll.ytd(pnl, sel.focus, 2019), coll.PLAN_PCT, "vi")
            charts.configure(chart, "vi").to_dict()
        else:
            rank = coll.ranking(pnl, sel.level, sel.units, sel.year, sel.rank_period, coll.PLAN_PCT)
            coll.ranking_tables(rank, "vi")
            charts.configure(coll.ranking_chart(rank, coll.PLAN_PCT, "vi"), "vi").to_dict()

    for level, panel in (("province", "month"), ("province", "ranking"), ("district", "ranking")):
        med, worst = timed(lambda: rerun(level, panel))
        print(f"lib work of one rerun ({panel}, {level}): median {med:.3f} s, max {worst:.3f} s")

    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params.update({"lang": "vi", "area": "province:40", "year": "2020", "month": "9"})
    at.run()
    at.switch_page("pages/collections.py").run()
    for panel in ("month", "year", "ranking", "map"):
        def change(p=panel):
            at.session_state["panel"] = p
            at.run()
        med, worst = timed(change, repeat=3)
        print(f"AppTest rerun after a filter change (panel={panel}; script plus AppTest overhead): "
              f"median {med:.3f} s, max {worst:.3f} s")

    rank = coll.ranking(pnl, "province", coll.rank_units("province", "national:VN"), 2020, "2020-09", coll.PLAN_PCT)
    chart = charts.configure(coll.ranking_chart(rank, coll.PLAN_PCT, "vi"), "vi")
    med, _ = timed(lambda: export_charts.png_bytes(chart, "vi"), repeat=3)
    print(f"ranking chart to PNG (63 bars, 2x): {med:.3f} s")
    med, _ = timed(lambda: export_charts.svg_bytes(chart, "vi"), repeat=3)
    print(f"ranking chart to SVG: {med:.3f} s")
    med, _ = timed(lambda: brief.png(store, "province:40", 2023, "hi", "vi"), repeat=3)
    print(f"one-page brief PNG (Nghe An 2023, with forecasts): {med:.3f} s")
    med, _ = timed(lambda: brief.pdf(store, "province:40", 2023, "hi", "vi"), repeat=3)
    print(f"one-page brief PDF: {med:.3f} s")


if __name__ == "__main__":
    main()
