"""Map page: script time per rerun at each level, deck JSON bytes per level, browser time from navigation to the
drawn map. Plain lines, one figure each.

    .venv/bin/python bench/bench_map.py             # script time (AppTest) and bytes
    .venv/bin/python bench/bench_map.py --browser   # also starts the app and times Debian chromium
"""
from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pydeck  # noqa: E402

from lib.maps import pydeck_chart as map_pydeck_chart
from lib.maps import features as map_features
from lib.maps import values as map_values
from lib.maps import scope as map_scope
from lib import store as store_mod  # noqa: E402

# (label, query parameters): every level, nationally and drilled into a province
VIEWS = [
    ("province", {"level": "province"}),
    ("province_2025", {"level": "province_2025"}),
    ("district (national)", {"level": "district"}),
    ("district (Nghệ An)", {"level": "district", "area": "province:40"}),
    ("commune (Hồ Chí Minh City)", {"level": "commune", "area": "province_2025:79"}),
    ("commune (choose a province)", {"level": "commune"}),
]
YEAR = "2024"


def script_times(runs: int) -> None:
    import logging

    from streamlit.testing.v1 import AppTest

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    for label, params in VIEWS:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        for name, value in {**params, "year": YEAR}.items():
            at.query_params[name] = value
        at.run()
        at.switch_page("pages/map.py").run()
        assert not at.exception, at.exception
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            at.run()
            times.append(time.perf_counter() - started)
        spec = at.get("deck_gl_json_chart")[0].proto.json
        n = len(next(x for x in json.loads(spec)["layers"] if x["id"] == map_pydeck_chart.UNITS_LAYER)["data"]["features"])
        print(f"{label}: full rerun (app.py + map page, AppTest) median {statistics.median(times) * 1000:.0f} ms, "
              f"max {max(times) * 1000:.0f} ms over {runs} runs")
        print(f"{label}: deck JSON {len(spec.encode('utf-8'))} bytes, {n} units")


def lib_times(runs: int) -> None:
    """What one map rerun computes (values, bins, colours, tooltips, the deck and its JSON), without Streamlit."""
    store = store_mod.bundled_store()
    metric = map_values.metric_for("hi")
    for label, params in VIEWS:
        scope = map_scope.scope(params["level"], params.get("area", map_scope.NATIONAL))
        for mode in ("value", "gap_2025"):
            def once():
                data = map_values.map_data(store, scope, metric, int(YEAR), mode)
                props = map_features.feature_properties(data, metric, mode, int(YEAR), "vi", scope)
                return map_pydeck_chart.build_deck(scope, props, metric).to_json()
            once()
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                text = once()
                times.append(time.perf_counter() - started)
            print(f"{label}, {mode}: map computation median {statistics.median(times) * 1000:.1f} ms")
        data = map_values.map_data(store, scope, metric, int(YEAR), "value")
        props = map_features.feature_properties(data, metric, "value", int(YEAR), "vi", scope)
        deck = map_pydeck_chart.build_deck(scope, props, metric)
        indented = pydeck.Deck.to_json(deck)
        print(f"{label}: deck JSON compact {len(text.encode('utf-8'))} bytes, as pydeck indents it "
              f"{len(indented.encode('utf-8'))} bytes")


def browser_times(runs: int) -> None:
    import numpy as np
    from PIL import Image
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import ARGS, CHROMIUM, start_app

    proc, url = start_app()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            page.goto(url)  # the first visit builds the store and loads the app's scripts
            page.wait_for_selector('[data-testid="stSidebarNav"]', timeout=120000)
            for label, params in VIEWS:
                query = "&".join(f"{k}={v}" for k, v in {**params, "year": YEAR}.items())
                times = []
                for _ in range(runs):
                    started = time.perf_counter()
                    page.goto(f"{url}/map?{query}")
                    canvas = page.locator('[data-testid="stDeckGlJsonChart"] canvas').first
                    canvas.wait_for(timeout=120000)
                    while True:
                        pixels = np.asarray(Image.open(io.BytesIO(canvas.screenshot())).convert("RGB")
                                            .resize((100, 100)), dtype=int)
                        if ((pixels.max(axis=2) - pixels.min(axis=2)) > 40).sum() > 200:
                            break
                        if time.perf_counter() - started > 120:
                            raise RuntimeError(f"{label}: the map did not draw")
                        page.wait_for_timeout(50)
                    times.append(time.perf_counter() - started)
                print(f"{label}: browser navigation to drawn map median {statistics.median(times):.2f} s, "
                      f"first {times[0]:.2f} s ({runs} navigations, Debian chromium, software WebGL)")
            browser.close()
    finally:
        proc.terminate()
        proc.wait(10)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--browser", action="store_true", help="also time the map in Debian chromium")
    args = parser.parse_args(argv)
    import os

    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs "
          "(every figure is slower on a busy machine)")
    lib_times(args.runs)
    script_times(args.runs)
    if args.browser:
        browser_times(max(3, args.runs // 2))
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
