"""The map in a real browser, against references drawn in the same run (issue 13, item 3).

Views, each loaded cold (a new browser context, empty cache) `--runs` times, interleaved:
  floor  a Streamlit page with an empty pydeck chart
  naive  708 district polygons at full precision through pydeck (the naive recipe)
  ours   the Map page: 63 provinces, 696 districts, the communes of Hồ Chí Minh City (2025)

"Drawn" is measured the same way for every view, inside the browser, with no screenshot in the timing: a script
added to every frame before any of the page's own (Playwright's add_init_script; the component's iframe included)
wraps the WebGL draw calls (drawArrays, drawElements, their instanced forms, drawRangeElements) and `clear`, and
records on the wall clock shared by all frames (performance.timeOrigin + performance.now()):
  - the first draw call that puts at least MIN_VERTICES vertices (count × instances) on the canvas: the polygons'
    fill (deck.gl draws every polygon of a layer in one call; rings of the archipelagos, a handful of vertices, and
    names, drawn after the units, do not count);
  - the first `clear` of a WebGL canvas: deck.gl's first frame. The floor draws no layer, so its "drawn" is this.
The figure is that moment minus the top page's navigation start (its performance.timeOrigin), read after the fact
from all frames. For our page, "whole page" is when the rest is there too (the sidebar's filters and the boxes under
the map's controls): a session opened on the Map draws the map first and the rest once the map reports it is drawn.
One screenshot of the map per load, taken after the timing, checks that polygons are really visible (share of pixels
that differ from the map's background; printed, not timed).

On our district map, one year step (arrow key on the map's timeline): time from the key to the frame drawn with
the new year (timed inside the map's page), and the bytes the browser received (websocket frames and HTTP bodies)
from the key press until the app is idle.

    .venv/bin/python bench/bench_map_browser.py [--runs 3] [--marks]

--marks also prints the component's own milestones (window.__deckmapTimes: script, render, geometry, deck, data,
drawn), from navigation start, for profiling. Needs Debian chromium (/usr/bin/chromium) and the built layers
(python -m lib.bundled.build, python -m lib.maps.vendor).
"""
from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import textwrap
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.browser.launch import ARGS, CHROMIUM, start_app, stop  # noqa: E402 - one definition of the browser

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


MIN_VERTICES = 1000

# Added to every frame before the page's own scripts: the wall-clock time of the first WebGL clear and of the first
# draw call of at least MIN_VERTICES vertices (see the module's docstring).
GL_PROBE = """
(() => {
  const rec = window.__benchGL = {clear: 0, draw: 0};
  const now = () => performance.timeOrigin + performance.now();
  for (const C of [window.WebGLRenderingContext, window.WebGL2RenderingContext]) {
    if (!C) continue;
    const P = C.prototype;
    const wrap = (name, vertices) => {
      const orig = P[name];
      if (typeof orig !== "function") return;
      P[name] = function (...a) {
        if (!rec.draw && vertices(a) >= %d) rec.draw = now();
        return orig.apply(this, a);
      };
    };
    wrap("drawArrays", (a) => a[2]);
    wrap("drawElements", (a) => a[1]);
    wrap("drawArraysInstanced", (a) => a[2] * a[3]);
    wrap("drawElementsInstanced", (a) => a[1] * a[4]);
    wrap("drawRangeElements", (a) => a[3]);
    const clear = P.clear;
    P.clear = function (...a) { if (!rec.clear) rec.clear = now(); return clear.apply(this, a); };
  }
})();
""" % MIN_VERTICES


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


def recorded(page) -> list[dict]:
    """What the probe recorded in each frame of the page (frames gone or not yet scriptable are skipped)."""
    out = []
    for frame in page.frames:
        try:
            rec = frame.evaluate("() => window.__benchGL ? Object.assign({origin: performance.timeOrigin,"
                                 " marks: window.__deckmapTimes || null}, window.__benchGL) : null")
        except Exception:  # noqa: BLE001 - a frame replaced while asked
            continue
        if rec:
            out.append(rec)
    return out


def wait_drawn(page, polygons: bool, timeout: float = 150) -> tuple[float, dict | None]:
    """Seconds from the page's navigation start to the moment it drew (polygons, or for the floor deck.gl's first
    frame), as recorded in the browser; and the component's milestones (ms from navigation start) if it has them."""
    nav = page.evaluate("performance.timeOrigin")
    key = "draw" if polygons else "clear"
    waited = 0.0
    while waited < timeout:
        recs = [r for r in recorded(page) if r[key]]
        if recs:
            rec = min(recs, key=lambda r: r[key])
            marks = None
            for r in recorded(page):
                if r["marks"]:
                    marks = {k: round(v + r["origin"] - nav) for k, v in r["marks"].items()}
                    marks["frame"] = round(r["origin"] - nav)
            return (rec[key] - nav) / 1000, marks
        page.wait_for_timeout(100)
        waited += 0.1
    raise TimeoutError("not drawn")


# Our page is whole once the sidebar's filters and an expander of the page (the colour breaks under the controls, the
# settings) are shown: both come with the rerun that follows the map (lib/ui.py, map_first).
WHOLE = ('() => document.querySelector(\'[data-testid="stSidebar"] [data-testid="stSelectbox"]\') && '
         'document.querySelector(\'[data-testid="stMain"] [data-testid="stExpander"]\') ? performance.now() : 0')


def cold_load(browser, url: str, polygons: bool, whole: bool = False):
    """One cold load: (seconds to drawn, share of the map's pixels showing polygons afterwards, milestones, seconds
    to the whole page or None)."""
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(GL_PROBE)
    page = context.new_page()
    try:
        page.goto(url)
        seconds, marks = wait_drawn(page, polygons)
        complete = page.wait_for_function(WHOLE, timeout=150_000, polling=50).json_value() / 1000 if whole else None
        share = None
        if polygons:  # sanity check, not timed: the polygons are really on screen
            page.wait_for_timeout(300)
            loc = target(page)
            share = drawn_share(loc.screenshot(timeout=60000)) if loc is not None else 0.0
        return seconds, share, marks, complete
    finally:
        context.close()


def year_step(browser, url: str) -> tuple[float, int]:
    """Open our district map, then press ← on its timeline: seconds from the key to the frame drawn with the new
    year (timed inside the map's page), and the bytes received from the key press until the app is idle."""
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(GL_PROBE)
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
        wait_drawn(page, True)
        frame = next(f for f in page.frames if "deckmap" in f.url)
        frame.wait_for_function("window.__deckmapReady > 0 && window.__deckmapDrawn > 0", timeout=60000)
        page.wait_for_timeout(2500)  # let the names and the first run's echo settle
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
    ap.add_argument("--marks", action="store_true", help="print the component's milestones of each load")
    ap.add_argument("--no-step", action="store_true", help="skip the year step")
    opts = ap.parse_args()
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="bench_map_"))
    (tmp / "floor.py").write_text(textwrap.dedent(FLOOR_APP))
    (tmp / "naive.py").write_text(textwrap.dedent(NAIVE_APP).format(root=str(ROOT)))
    procs = []
    floor_label, naive_label = "floor: empty pydeck chart", "naive: 708 full-precision districts"
    views = [(floor_label, "floor", "/", False), (naive_label, "naive", "/", True)]
    views += [(f"ours: {label}", "ours", path, True) for label, path in OURS]
    try:
        urls = {}
        for name, script, cwd in (("floor", tmp / "floor.py", tmp), ("naive", tmp / "naive.py", tmp),
                                  ("ours", ROOT / "app.py", ROOT)):
            proc, urls[name] = start_app(script=script, cwd=cwd, quiet=True, timeout=90)
            procs.append(proc)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            # warm each server once (first script run, caches), as a user after the first visitor would find it
            for _, server, path, polygons in views:
                cold_load(browser, urls[server] + path, polygons)
            rows = {label: [] for label, *_ in views}
            for _ in range(opts.runs):  # interleaved, so that a busy moment weighs on every view alike
                for label, server, path, polygons in views:
                    rows[label].append(cold_load(browser, urls[server] + path, polygons, whole=server == "ours"))
            steps = [] if opts.no_step else [year_step(browser, urls["ours"] + OURS[1][1]) for _ in range(opts.runs)]
            browser.close()
    finally:
        for proc in procs:
            stop(proc)
    floor = statistics.median(r[0] for r in rows[floor_label])
    naive = statistics.median(r[0] for r in rows[naive_label])
    load = os.getloadavg()
    print(f"map_browser runs={opts.runs} viewport={VIEWPORT['width']}x{VIEWPORT['height']} cpu={os.cpu_count()} "
          f"load average at the end {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"{'view':40s} {'drawn (median s)':>16s} {'vs floor':>9s} {'vs naive':>9s} {'whole page':>10s}   "
          "runs (s; polygons visible)")
    for label, results in rows.items():
        med = statistics.median(r[0] for r in results)
        whole = [r[3] for r in results if r[3] is not None]
        print(f"{label:40s} {med:16.2f} {med / floor:8.2f}x {med / naive:8.2f}x "
              + (f"{statistics.median(whole):9.2f}s" if whole else f"{'':10s}") + "   "
              + " ".join(f"{r[0]:.2f}" + ("" if r[1] is None else f";{100 * r[1]:.0f}%") for r in results))
    if opts.marks:
        print("milestones of our loads (ms from navigation start: frame = component page's start):")
        for label, results in rows.items():
            for r in results:
                if r[2]:
                    print(f"  {label:38s} " + " ".join(f"{k}={v}" for k, v in r[2].items()))
    if steps:
        redraw = statistics.median(s[0] for s in steps)
        sent = statistics.median(s[1] for s in steps)
        print(f"year step on the district map: redrawn {redraw:.2f} s (median), received {sent / 1000:.1f} kB "
              f"(median; runs: {', '.join(f'{s[0]:.2f} s/{s[1] / 1000:.1f} kB' for s in steps)})")


if __name__ == "__main__":
    main()
