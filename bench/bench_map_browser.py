"""The map in a real browser, against references drawn in the same run (issue 13, item 3).

Views, each loaded cold (a new browser context) `--runs` times, interleaved, timed from navigation until the map's
element shows polygons (over 1.5 % of its pixels clearly differ from its background, judged on screenshots taken in a
loop; the floor: until its empty canvas is there):
  floor  a Streamlit page with an empty pydeck chart
  naive  708 district polygons at full precision through pydeck (the naive recipe)
  ours   the Map page: 63 provinces, 696 districts, the communes of Hồ Chí Minh City (2025)
and, on our district map, one year step (arrow key on the map's timeline): time until the canvas has changed, and
the bytes the browser received (websocket frames and HTTP bodies) from the key press until the app is idle.

    .venv/bin/python bench/bench_map_browser.py [--runs 3]

Needs Debian chromium (/usr/bin/chromium) and the built layers (python -m lib.bundled.build, make build).
"""
from __future__ import annotations

import argparse
import io
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync"]
VIEWPORT = {"width": 1400, "height": 1000}

FLOOR_APP = """
import pydeck as pdk
import streamlit as st
st.set_page_config(layout="wide")
st.title("Floor")
deck = pdk.Deck(layers=[], initial_view_state=pdk.ViewState(longitude=106, latitude=16, zoom=4.3), map_style=None)
deck.map_style = "__MAP_STYLE__"
st.pydeck_chart(deck, height=520)
"""

NAIVE_APP = """
import sys
sys.path.insert(0, {root!r})
import json
import geopandas as gpd
import pydeck as pdk
import streamlit as st
from lib.geo import layers
st.set_page_config(layout="wide")
st.title("Naive")

@st.cache_data
def features():
    gdf = gpd.read_parquet(layers.layer_path("district_full"))
    gdf = gdf.assign(fill=[[(37 * i) % 200 + 40, (91 * i) % 200 + 40, 160, 230] for i in range(len(gdf))])
    return json.loads(gdf.to_json())

deck = pdk.Deck(layers=[pdk.Layer("GeoJsonLayer", data=features(), id="units", pickable=True, stroked=True,
                                  filled=True, get_fill_color="properties.fill", get_line_color=[255, 255, 255])],
                initial_view_state=pdk.ViewState(longitude=106, latitude=16, zoom=4.3), map_style=None)
deck.map_style = "__MAP_STYLE__"
st.pydeck_chart(deck, height=520)
"""

OURS = [("63 provinces", "/map?level=province&metric=hi&year=2024"),
        ("696 districts", "/map?level=district&metric=hi&year=2024"),
        ("communes of HCMC", "/map?level=commune&area=province_2025:79&metric=hi&year=2024")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(script: Path, cwd: Path):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
                             "--server.headless", "true", "--browser.gatherUsageStats", "false"],
                            cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(url + "/_stcore/health", timeout=1).read() == b"ok":
                return proc, url
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"{script} did not start")


def drawn_share(png: bytes) -> float:
    """Share of the element's pixels that differ clearly from its background (its most common colour): polygons
    drawn, whatever their palette (our demo units are muted, the naive recipe's colours are saturated)."""
    img = Image.open(io.BytesIO(png)).convert("RGB").resize((200, 150))
    raw = img.tobytes()
    background = max(img.getcolors(200 * 150), key=lambda c: c[0])[1]
    differ = sum(1 for k in range(0, len(raw), 3)
                 if sum(abs(raw[k + c] - background[c]) for c in range(3)) > 45)
    return differ / (200 * 150)


def target(page):
    """The element whose pixels show the map: Streamlit's deck.gl chart, or our component's frame."""
    for sel in ('[data-testid="stDeckGlJsonChart"]', 'iframe[title*="deckmap"]'):
        loc = page.locator(sel)
        if loc.count():
            return loc.first
    return None


def wait_drawn(page, t0: float, need_colour: bool, timeout: float = 150) -> float:
    while time.perf_counter() - t0 < timeout:
        loc = target(page)
        if loc is not None:
            try:
                if not need_colour:
                    if loc.locator("canvas").count() or loc.evaluate("e => !!e.querySelector('canvas')"):
                        return time.perf_counter() - t0
                elif drawn_share(loc.screenshot(timeout=5000)) > 0.015:
                    return time.perf_counter() - t0
            except Exception:  # noqa: BLE001 - element replaced while measuring; try again
                pass
        page.wait_for_timeout(50)
    raise TimeoutError("not drawn")


def cold_load(browser, url: str, need_colour: bool) -> float:
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    try:
        t0 = time.perf_counter()
        page.goto(url)
        return wait_drawn(page, t0, need_colour)
    finally:
        context.close()


def year_step(browser, url: str) -> tuple[float, int]:
    """Open our district map, then press ← on its timeline: seconds from the key to the frame drawn with the new
    year (timed inside the map's page), and the bytes received from the key press until the app is idle."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    received = [0]
    counting = [False]

    def on_ws(ws):
        ws.on("framereceived", lambda payload: counting[0] and received.__setitem__(0, received[0] + len(payload)))
    page.on("websocket", on_ws)
    page.on("response", lambda r: counting[0] and received.__setitem__(
        0, received[0] + int(r.headers.get("content-length") or 0)))
    try:
        page.goto(url)
        wait_drawn(page, time.perf_counter(), True)
        page.wait_for_timeout(2500)
        frame = next(f for f in page.frames if "deckmap" in f.url)
        frame.locator("#year").focus()
        counting[0] = True
        page.keyboard.press("ArrowLeft")
        frame.wait_for_function("window.__deckmapStepMs > 0", timeout=30000)
        redraw = frame.evaluate("window.__deckmapStepMs") / 1000
        page.wait_for_timeout(4000)  # let the rerun the step caused finish
        return redraw, received[0]
    finally:
        context.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    opts = ap.parse_args()
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="bench_map_"))
    (tmp / "floor.py").write_text(textwrap.dedent(FLOOR_APP))
    (tmp / "naive.py").write_text(textwrap.dedent(NAIVE_APP).format(root=str(ROOT)))
    procs = []
    try:
        floor_proc, floor_url = start(tmp / "floor.py", tmp)
        procs.append(floor_proc)
        naive_proc, naive_url = start(tmp / "naive.py", tmp)
        procs.append(naive_proc)
        ours_proc, ours_url = start(ROOT / "app.py", ROOT)
        procs.append(ours_proc)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            # warm each server once (first script run, caches), as a user after the first visitor would find it
            cold_load(browser, floor_url, False)
            cold_load(browser, naive_url, True)
            for _, path in OURS:
                cold_load(browser, ours_url + path, True)
            rows = {"floor: empty pydeck chart": [], "naive: 708 full-precision districts": []}
            rows.update({f"ours: {label}": [] for label, _ in OURS})
            for _ in range(opts.runs):  # interleaved, so that a busy moment weighs on every view alike
                rows["floor: empty pydeck chart"].append(cold_load(browser, floor_url, False))
                rows["naive: 708 full-precision districts"].append(cold_load(browser, naive_url, True))
                for label, path in OURS:
                    rows[f"ours: {label}"].append(cold_load(browser, ours_url + path, True))
            steps = [year_step(browser, ours_url + OURS[1][1]) for _ in range(opts.runs)]
            browser.close()
    finally:
        for proc in procs:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
    floor = statistics.median(rows["floor: empty pydeck chart"])
    naive = statistics.median(rows["naive: 708 full-precision districts"])
    print(f"map_browser runs={opts.runs} viewport={VIEWPORT['width']}x{VIEWPORT['height']} cpu={os.cpu_count()}")
    print(f"{'view':40s} {'drawn (median s)':>16s} {'vs floor':>9s} {'vs naive':>9s}   runs")
    for label, times in rows.items():
        med = statistics.median(times)
        print(f"{label:40s} {med:16.2f} {med / floor:8.2f}x {med / naive:8.2f}x   "
              + " ".join(f"{x:.2f}" for x in times))
    redraw = statistics.median(s[0] for s in steps)
    sent = statistics.median(s[1] for s in steps)
    print(f"year step on the district map: redrawn {redraw:.2f} s (median), received {sent / 1000:.1f} kB "
          f"(median; runs: {', '.join(f'{s[0]:.2f} s/{s[1] / 1000:.1f} kB' for s in steps)})")


if __name__ == "__main__":
    main()
