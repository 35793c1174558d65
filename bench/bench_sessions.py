"""What one app process holds: server memory per browser session and reruns per second with concurrent sessions.

Starts `streamlit run app.py` (temporary SQLite scenario file), then for N = 1, 5, 10, 20 concurrent sessions
(Playwright browser contexts in Debian chromium, all on this machine): every session opens the Overview and then
changes the Year filter in the sidebar again and again for DURATION seconds, waiting each time until the page shows
the new year. Printed per N: server RSS (VmRSS of /proc/<pid>/status) before and after, memory per session, reruns
completed per second across all sessions, median and 95th-percentile time from a change to the updated page, and the
server's CPU seconds per rerun (utime + stime from /proc/<pid>/stat), which says how many reruns a core sustains
whatever the browsers cost. Note the browsers run on the same 2 cores as the server: the rates are a lower bound.

Run: .venv/bin/python bench/bench_sessions.py [--sessions 1 5 10 20] [--duration 20]
"""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import ARGS, CHROMIUM, start_app  # noqa: E402

YEARS = ["2021", "2022", "2023", "2024", "2025"]
CLK = os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK  # utime + stime


async def open_overview(browser, base: str):
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(300_000)  # a saturated server answers late; that is what is measured
    page = await context.new_page()
    await page.goto(base + "/?lang=en", timeout=900_000)
    await page.wait_for_selector("h1", timeout=900_000)
    await caption_with(page, "· 2025")
    return context, page


async def caption_with(page, text: str, timeout: float = 900_000):
    await page.locator('[data-testid="stMainBlockContainer"] [data-testid="stCaptionContainer"]') \
        .filter(has_text=text).first.wait_for(timeout=timeout)


async def change_years(page, stop_at: float, latencies: list):
    i = 0
    box = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text="Year")
    while time.time() < stop_at:
        year = YEARS[i % len(YEARS)]
        i += 1
        t0 = time.perf_counter()
        await box.locator("input").click()
        await page.keyboard.type(year)
        await page.keyboard.press("Enter")
        await caption_with(page, f"· {year}")
        latencies.append(time.perf_counter() - t0)


async def round_(browser, base: str, pid: int, n: int, duration: float) -> dict:
    before = rss_mb(pid)
    sessions = await asyncio.gather(*(open_overview(browser, base) for _ in range(n)))
    opened = rss_mb(pid)
    latencies: list[float] = []
    cpu0, t0 = cpu_s(pid), time.time()
    await asyncio.gather(*(change_years(page, t0 + duration, latencies) for _, page in sessions))
    elapsed, cpu = time.time() - t0, cpu_s(pid) - cpu0
    after = rss_mb(pid)
    for context, _ in sessions:
        await context.close()
    lat = sorted(latencies)
    return {"n": n, "rss_before": before, "rss_opened": opened, "rss_after": after,
            "per_session": (after - before) / n, "reruns": len(lat), "rate": len(lat) / elapsed,
            "p50": statistics.median(lat) if lat else float("nan"),
            "p95": lat[int(0.95 * (len(lat) - 1))] if lat else float("nan"),
            "cpu_per_rerun": cpu / max(len(lat), 1)}


async def main(sessions: list[int], duration: float) -> None:
    from playwright.async_api import async_playwright

    tmp = tempfile.mkdtemp(prefix="vnsi-bench-")
    proc, base = start_app({"VNSI_DATABASE_URL": f"sqlite:///{tmp}/scenarios.sqlite"})
    try:
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            warm, _ = await open_overview(browser, base)  # load data and caches once, as a running server has
            await warm.close()
            await asyncio.sleep(2)
            print(f"server pid {proc.pid}; idle after warm-up: RSS {rss_mb(proc.pid):.0f} MB; cores {os.cpu_count()}")
            for n in sessions:
                r = await round_(browser, base, proc.pid, n, duration)
                print(f"sessions={r['n']:>2}  RSS before {r['rss_before']:.0f} MB, with sessions open "
                      f"{r['rss_opened']:.0f} MB, after {duration:.0f} s of filter changes {r['rss_after']:.0f} MB "
                      f"-> {r['per_session']:.1f} MB/session | reruns {r['reruns']} = {r['rate']:.1f}/s | "
                      f"change->updated p50 {r['p50']:.2f} s, p95 {r['p95']:.2f} s | "
                      f"server CPU {1000 * r['cpu_per_rerun']:.0f} ms/rerun | machine load "
                      f"{Path('/proc/loadavg').read_text().split()[0]}")
                await asyncio.sleep(3)
            await browser.close()
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except Exception:
            proc.kill()


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--sessions", type=int, nargs="+", default=[1, 5, 10, 20])
    ap.add_argument("--duration", type=float, default=20.0)
    a = ap.parse_args()
    asyncio.run(main(a.sessions, a.duration))
