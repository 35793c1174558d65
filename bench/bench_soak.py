"""Soak: does one app process give its memory back when the sessions end?

Starts one `streamlit run app.py` as deployed (the environment of lib.serve: PYTHONMALLOC=malloc, jemalloc when
installed; temporary SQLite scenario file), warms it up
with one full session, then for --minutes keeps --parallel simulated users busy. Each user is a new browser context
(Playwright, Debian chromium) that opens the Overview of a province, changes the Year filter, opens the Map, uploads
its own file on the Data page (every --upload-every-th session; a different file each time, so no two sessions share
an upload set), looks at the Overview with it, saves a scenario under a new name, and closes the tab. Server RSS
(VmRSS of /proc/<pid>/status) is printed every --every seconds.

Then, with no session running: how much memory one open session holds (--probe sessions opened at once on the
Overview, then as many that have each uploaded a file), and the level once all sessions have ended. A closed tab's
session is kept by Streamlit for a reconnect (2 minutes), so "ended" means --release seconds after the last tab closed.

Printed at the end: the level after warm-up, the peak, the level after the sessions ended and its ratio to the level
after warm-up (the target: within 15 %), and memory per session.

Run: .venv/bin/python bench/bench_soak.py [--minutes 60] [--parallel 3] [--every 30] [--release 240]
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import ARGS, CHROMIUM, start_app  # noqa: E402

WAIT = 300_000  # ms: a loaded 2-core machine answers late; every wait is for a condition, bounded by this


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def load() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


def upload_file(tmp: Path, n: int) -> Path:
    """A user's own file: HI coverage of every (63-province) province 2015-2024, values different for every n."""
    from lib import admin

    u = admin.units()
    names = u[u["level"] == "province"]["name"].tolist()
    rng = random.Random(n)
    rows = ["province,year,hi_coverage_pct"]
    rows += [f"{name},{year},{rng.uniform(80, 99):.2f}" for name in names for year in range(2015, 2025)]
    path = tmp / f"upload_{n}.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


async def quiet(page) -> None:
    """The page has drawn and no script run is in progress (twice in a row, 0.3 s apart)."""
    await page.wait_for_selector('[data-testid="stMain"] [data-testid="stElementContainer"]', timeout=WAIT)
    running = page.locator('[data-testid="stStatusWidget"], [data-testid="stSpinner"]')
    calm, t0 = 0, time.time()
    while calm < 2 and time.time() - t0 < WAIT / 1000:
        await page.wait_for_timeout(300)
        calm = 0 if await running.count() else calm + 1


async def caption_with(page, text: str) -> None:
    await page.locator('[data-testid="stMainBlockContainer"] [data-testid="stCaptionContainer"]') \
        .filter(has_text=text).first.wait_for(timeout=WAIT)


async def go(page, link: str, heading: str | None = None) -> None:
    await page.locator('[data-testid="stSidebarNav"] a').filter(has_text=link).first.click()
    if heading:
        await page.locator("h1").filter(has_text=heading).first.wait_for(timeout=WAIT)
    await quiet(page)


async def open_overview(browser, base: str):
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(WAIT)
    page = await context.new_page()
    await page.goto(base + "/?lang=en&area=province:40", timeout=WAIT)  # Nghệ An: in every upload
    await caption_with(page, "Nghệ An (province) · 20")  # the Overview of the province has drawn (any year)
    return context, page


async def do_upload(page, path: Path) -> None:
    await go(page, "Data")
    await page.get_by_role("tab", name="Upload").click()
    await page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    await page.get_by_text(f"{path.name}: loaded").first.wait_for(timeout=WAIT)
    await quiet(page)


async def one_session(browser, base: str, n: int, tmp: Path, upload: bool) -> None:
    context, page = await open_overview(browser, base)
    try:
        box = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text="Year")
        for year in ("2023", "2024"):
            await box.locator("input").click()
            await page.keyboard.type(year)
            await page.keyboard.press("Enter")
            await caption_with(page, f"· {year}")
        await go(page, "Map")
        if upload:
            await do_upload(page, upload_file(tmp, n))
            await go(page, "Overview")
            await page.get_by_text("Your data").first.wait_for(timeout=WAIT)
        await go(page, "Scenarios")
        await page.get_by_text("Extra participants a year", exact=True).click()
        extra = page.locator('[data-testid="stNumberInput"]').filter(
            has_text="Extra participants a year (persons)").locator("input")
        await extra.fill(str(1000 + n))
        await extra.press("Enter")
        await quiet(page)
        await page.locator('[data-testid="stTextInput"]').filter(has_text="Scenario name").locator("input") \
            .fill(f"soak {n}")
        await page.get_by_role("button", name="Save as a new scenario").click()
        await page.locator('[data-testid="stAlertContentSuccess"]').filter(has_text="Saved").wait_for(timeout=WAIT)
    except Exception:
        if os.environ.get("SOAK_DEBUG"):  # where a session stopped: a screenshot in the temporary folder
            await page.screenshot(path=str(tmp / f"failed_{n}.png"), full_page=True)
            print(f"  session {n} stopped at {page.url}; screenshot {tmp / f'failed_{n}.png'}", flush=True)
        raise
    finally:
        await context.close()


async def main(a) -> None:
    from playwright.async_api import async_playwright

    tmp = Path(tempfile.mkdtemp(prefix="vnsi-soak-"))
    env = {"VNSI_DATABASE_URL": f"sqlite:///{tmp}/scenarios.sqlite"}
    if a.pymalloc:  # for comparison: Python's own allocator instead of the deployed PYTHONMALLOC=malloc
        env["PYTHONMALLOC"] = "pymalloc"
    if a.allocator:  # for comparison: the launcher starts the app as lib.serve does (jemalloc when installed)
        env["VNSI_ALLOCATOR"] = a.allocator
    for kv in a.app_env:  # for comparison, e.g. other jemalloc options (MALLOC_CONF=...)
        name, _, value = kv.partition("=")
        env[name] = value
    if a.dump:  # debug: the app process writes what it holds at each marked point (bench/memdebug/sitecustomize.py)
        Path(a.dump).mkdir(parents=True, exist_ok=True)
        env.update(VNSI_MEMDUMP=str(Path(a.dump).resolve()), PYTHONPATH=str(ROOT / "bench" / "memdebug"))
        if a.trace:
            env["PYTHONTRACEMALLOC"] = str(a.trace)
    proc, base = start_app(env)
    pid, t_start = proc.pid, time.time()
    # the launcher reads the server's output as it comes (tests/browser/launch.py)
    samples: list[tuple[float, float]] = []

    def mark(what: str, dump: str = "") -> float:
        r = rss_mb(pid)
        if a.dump and dump:
            (Path(a.dump) / "request").write_text(dump)
        samples.append((time.time() - t_start, r))
        print(f"[{(time.time() - t_start) / 60:6.1f} min] RSS {r:6.0f} MB  load {load():>5}  {what}", flush=True)
        return r

    try:
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            alloc = "jemalloc" if "libjemalloc" in Path(f"/proc/{pid}/maps").read_text() else "glibc"
            small = "pymalloc" if a.pymalloc else "malloc"
            print(f"server pid {pid} (allocator {alloc}, Python's small objects: {small}); cores {os.cpu_count()}; "
                  f"{a.parallel} users at a time for {a.minutes} min; RSS every {a.every:.0f} s", flush=True)
            mark("started")
            await one_session(browser, base, 0, tmp, upload=True)  # load data and caches once, as a server has
            mark("warm-up session done; waiting for its session to be released")
            await asyncio.sleep(a.release)
            warm = mark("level after warm-up", dump="warm")

            done = {"sessions": 0, "errors": 0}
            stop_at = time.time() + 60 * a.minutes
            counter = iter(range(1, 10**9))

            async def user() -> None:
                while time.time() < stop_at:
                    n = next(counter)
                    try:
                        await one_session(browser, base, n, tmp, upload=n % a.upload_every == 0)
                        done["sessions"] += 1
                    except Exception as e:  # noqa: BLE001 - a timed-out session is counted, the soak goes on
                        done["errors"] += 1
                        print(f"  session {n} failed: {type(e).__name__}: {str(e).splitlines()[0][:160]}", flush=True)

            async def sampler() -> None:
                while time.time() < stop_at:
                    await asyncio.sleep(a.every)
                    mark(f"sessions done {done['sessions']}, failed {done['errors']}")

            await asyncio.gather(sampler(), *(user() for _ in range(a.parallel)))
            mark(f"soak over: {done['sessions']} sessions done, {done['errors']} failed", dump="soak-over")

            # Memory per open session, with no other session running.
            await asyncio.sleep(a.release)
            before = mark("before the per-session probe", dump="before-probe")
            readers = await asyncio.gather(*(open_overview(browser, base) for _ in range(a.probe)))
            with_readers = mark(f"{a.probe} sessions open on the Overview")
            for i, (_, page) in enumerate(readers):
                await do_upload(page, upload_file(tmp, 10**6 + i))
            with_uploads = mark(f"the same {a.probe} sessions, each with its own upload")
            for context, _ in readers:
                await context.close()
            mark("all tabs closed")
            t_end = time.time() + a.release
            while time.time() < t_end:
                await asyncio.sleep(min(a.every, max(t_end - time.time(), 0.1)))
                mark("no session open")
            after = mark("level after the sessions ended", dump="ended")
            if a.dump:  # the app process writes its last dump before it is stopped
                request = Path(a.dump) / "request"
                for _ in range(120):
                    if not request.exists():
                        break
                    await asyncio.sleep(0.5)
                await asyncio.sleep(5)
            await browser.close()
        peak = max(r for _, r in samples)
        print("\nSUMMARY")
        print(f"  run: {a.minutes} min of sessions, {a.parallel} at a time; {done['sessions']} sessions done, "
              f"{done['errors']} failed; every {a.upload_every}. session uploaded a file")
        print(f"  level after warm-up:          {warm:6.0f} MB")
        print(f"  peak:                         {peak:6.0f} MB")
        print(f"  level after sessions ended:   {after:6.0f} MB  ({100 * (after - warm) / warm:+.1f} % of warm-up;"
              f" target within 15 %)")
        print(f"  per open session (reading):   {(with_readers - before) / a.probe:6.1f} MB")
        print(f"  per open session with upload: {(with_uploads - before) / a.probe:6.1f} MB "
              f"(a {upload_file(tmp, 0).stat().st_size // 1024} KB file of 630 values)")
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except Exception:  # noqa: BLE001
            proc.kill()


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=60.0)
    ap.add_argument("--parallel", type=int, default=3)
    ap.add_argument("--every", type=float, default=30.0, help="seconds between RSS lines")
    ap.add_argument("--release", type=float, default=240.0,
                    help="seconds to wait after tabs close (Streamlit keeps a closed session 2 min for a reconnect)")
    ap.add_argument("--upload-every", type=int, default=2, help="every n-th session uploads a file")
    ap.add_argument("--pymalloc", action="store_true",
                    help="run the app with Python's own allocator (the app is started with PYTHONMALLOC=malloc, as "
                         "make run and the systemd unit start it)")
    ap.add_argument("--allocator", choices=["jemalloc", "glibc"], default="",
                    help="the app's allocator (default: settings.toml's, jemalloc when installed, as lib.serve does)")
    ap.add_argument("--app-env", action="append", default=[], metavar="NAME=VALUE",
                    help="set in the app process's environment only (repeatable), e.g. MALLOC_CONF=... to compare")
    ap.add_argument("--probe", type=int, default=8, help="sessions opened at once to measure memory per session")
    ap.add_argument("--dump", default="", help="debug: folder where the app process writes what it holds at each stage")
    ap.add_argument("--trace", type=int, default=0, help="debug, with --dump: tracemalloc frames (slows the app)")
    asyncio.run(main(ap.parse_args()))
