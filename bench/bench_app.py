"""App responsiveness on the bundled data.

  .venv/bin/python bench/bench_app.py            # both figures
  .venv/bin/python bench/bench_app.py --reruns   # only script time per filter change
  .venv/bin/python bench/bench_app.py --startup  # only start-up

1. Script time of a rerun after a filter change (year, area, indicator), per page, measured with Streamlit's AppTest
   (the page script's run time in this process, warm caches; target: at most 0.3 s).
2. Start-up: seconds from launching `streamlit run app.py` until the health endpoint answers, and until the first
   page is drawn in Debian chromium (title and KPI values visible; target: within 5 s).
"""
from __future__ import annotations

import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PAGES = ["pages/overview.py", "pages/map.py", "pages/progress.py", "pages/scenarios.py", "pages/collections.py",
         "pages/data.py"]
CHANGES = [("year", 2023), ("area", "province:40"), ("metric", "si"), ("year", 2024), ("area", "province:79"),
           ("metric", "ui"), ("year", 2025), ("area", "national:VN")]


def reruns(repeats: int = 3) -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.run()
    print("script time per rerun after a filter change (AppTest, warm; median / max over "
          f"{len(CHANGES) * repeats} changes):")
    for page in PAGES:
        at.switch_page(page).run()
        at.run()  # warm the page's own caches
        times = []
        for _ in range(repeats):
            for name, value in CHANGES:
                # What a sidebar filter's on_change does (lib/ui.bound): write the view state, then rerun.
                # (AppTest does not list app.py's sidebar widgets after switch_page, so set the state directly.)
                at.session_state[name] = value
                t0 = time.perf_counter()
                at.run()
                times.append(time.perf_counter() - t0)
                if at.exception:
                    print(f"  {page}: exception {at.exception[0].value[:200]}")
                    break
        print(f"  {page:24s} median {statistics.median(times):.3f} s   max {max(times):.3f} s")


def startup(runs: int = 3) -> None:
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT / "tests"))
    from browser.conftest import ARGS, CHROMIUM, _free_port

    print(f"start-up (server launch -> health endpoint; -> first page drawn in chromium), {runs} runs:")
    health, drawn = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for _ in range(runs):
            port = _free_port()
            t0 = time.perf_counter()
            proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                                     "--server.headless", "true"], cwd=ROOT, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL)
            url = f"http://127.0.0.1:{port}"
            while True:
                try:
                    if urllib.request.urlopen(url + "/_stcore/health", timeout=1).read() == b"ok":
                        break
                except OSError:
                    time.sleep(0.05)
            health.append(time.perf_counter() - t0)
            page = browser.new_page()
            page.goto(url)
            page.wait_for_selector('[data-testid="stMetricValue"]', timeout=60000)
            drawn.append(time.perf_counter() - t0)
            page.close()
            proc.terminate()
            proc.wait(10)
        browser.close()
    print(f"  health endpoint up:  {', '.join(f'{x:.1f}' for x in health)} s (median {statistics.median(health):.1f})")
    print(f"  first page drawn:    {', '.join(f'{x:.1f}' for x in drawn)} s (median {statistics.median(drawn):.1f})")


if __name__ == "__main__":
    args = set(sys.argv[1:])
    if not args or "--reruns" in args:
        reruns()
    if not args or "--startup" in args:
        startup()
