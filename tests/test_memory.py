"""How an app process gives memory back (lib/memory.py) and its settings ([memory] in settings.toml)."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time

import pytest

from lib import memory, settings

glibc = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc allocator only")


_ENV = ("VNSI_ALLOCATOR", "VNSI_MALLOC_ARENA_MAX", "VNSI_TRIM_EVERY_S", "VNSI_MMAP_THRESHOLD_KB", "VNSI_ARROW_POOL")


def test_memory_settings_default_to_two_arenas_a_trim_a_minute_a_128_kb_mmap_threshold_and_malloc_for_arrow(
        tmp_path, monkeypatch):
    for name in _ENV:
        monkeypatch.delenv(name, raising=False)
    assert settings.memory(tmp_path / "none.toml") == {"allocator": "jemalloc", "malloc_arena_max": 2,
                                                       "trim_every_s": 60.0, "mmap_threshold_kb": 128,
                                                       "arrow_pool": "system"}


def test_memory_settings_are_read_from_the_file_and_the_environment_wins(tmp_path, monkeypatch):
    f = tmp_path / "settings.toml"
    f.write_text("[memory]\nallocator = \"glibc\"\nmalloc_arena_max = 4\ntrim_every_s = 0\nmmap_threshold_kb = 0\n"
                 "arrow_pool = \"\"\n")
    for name in _ENV:
        monkeypatch.delenv(name, raising=False)
    assert settings.memory(f) == {"allocator": "glibc", "malloc_arena_max": 4, "trim_every_s": 0.0,
                                  "mmap_threshold_kb": 0, "arrow_pool": ""}
    monkeypatch.setenv("VNSI_MALLOC_ARENA_MAX", "1")
    monkeypatch.setenv("VNSI_TRIM_EVERY_S", "15")
    monkeypatch.setenv("VNSI_MMAP_THRESHOLD_KB", "256")
    monkeypatch.setenv("VNSI_ARROW_POOL", "system")
    monkeypatch.setenv("VNSI_ALLOCATOR", "jemalloc")
    assert settings.memory(f) == {"allocator": "jemalloc", "malloc_arena_max": 1, "trim_every_s": 15.0,
                                  "mmap_threshold_kb": 256, "arrow_pool": "system"}


def test_the_repository_settings_cap_the_arenas():
    assert settings.memory(settings.SETTINGS_FILE)["malloc_arena_max"] == 2


_RSS = """
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) // 1024
"""


def _run(code: str, *args: str, env: dict | None = None) -> str:
    """Run `code` in a new Python process at the project's root (with `rss()`: its resident MB); its output."""
    return subprocess.run([sys.executable, "-c", _RSS + textwrap.dedent(code), *args], capture_output=True, text=True,
                          check=True, cwd=settings.ROOT, env=env).stdout.strip()


@glibc
def test_the_arena_cap_is_taken_once_per_process():
    out = _run("""
        from lib import memory
        print(memory.configure(2, 0, ""), memory.configure(3, 0, ""), memory.configure(0, 0, ""))
    """)
    assert out == "True False False"


@glibc
def test_the_mmap_threshold_is_taken_once_per_process():
    out = _run("""
        from lib import memory
        print(memory.fix_mmap_threshold(128), memory.fix_mmap_threshold(256), memory.fix_mmap_threshold(0))
    """)
    assert out == "True False False"


@glibc
def test_release_gives_freed_memory_back_to_the_system():
    # 200 MB in 2 KB pieces, then all freed but one in a hundred: the pinned pieces keep glibc from shrinking its heap
    # by itself, so the freed memory stays resident until it is trimmed.
    out = _run("""
        from lib import memory

        base = rss()
        pieces = [bytes(2048) for _ in range(100_000)]
        pinned = pieces[::100]
        del pieces
        held = rss()
        memory.release()
        print(base, held, rss(), len(pinned))
    """)
    base, held, after, _ = (int(x) for x in out.split())
    assert held - base > 150  # freed, but still resident
    assert after - base < 40  # given back


_SMALL_OBJECTS = """
    from lib import memory

    base = rss()
    rows = [{"unit": i, "name": "x" * 40} for i in range(1_500_000)]  # ~350 MB of small objects
    held = rss()
    kept = rows[::64]  # one in 64 outlives the rest (a cache entry, an interned name)
    del rows
    memory.release()
    print(base, held, rss(), len(kept))
"""


def _small_objects(allocator: str) -> float:
    """Share of the memory small objects took that stays resident once all but one in 64 are freed and released."""
    out = _run(_SMALL_OBJECTS, env={**os.environ, "PYTHONMALLOC": allocator})
    base, held, after, _ = (int(x) for x in out.split())
    assert held - base > 200
    return (after - base) / (held - base)


@glibc
def test_with_pythonmalloc_malloc_freed_small_objects_go_back_to_the_system_and_not_with_pymalloc():
    # Why the app process runs with PYTHONMALLOC=malloc (lib.memory.process_env): pymalloc's arenas stay while any
    # object in them lives, so a few survivors keep nearly all of it; glibc's trim returns the free pages between them.
    assert _small_objects("pymalloc") > 0.8
    assert _small_objects("malloc") < 0.5


def test_make_run_and_the_unit_start_the_app_through_lib_serve():
    run = subprocess.run(["make", "-n", "run"], capture_output=True, text=True, cwd=settings.ROOT).stdout
    assert "-m lib.serve --server.port" in run and "streamlit run" not in run
    unit = (settings.ROOT / "deploy" / "vnsi@.service").read_text()
    assert "\nExecStart=/srv/vnsi/.venv/bin/python -m lib.serve --server.port %i " in unit


def test_the_process_environment_puts_python_on_malloc_and_preloads_jemalloc_when_chosen_and_installed(monkeypatch):
    monkeypatch.setattr(memory, "jemalloc_library", lambda: "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2")
    env = memory.process_env({"VNSI_ALLOCATOR": "jemalloc", "LD_PRELOAD": "/opt/libother.so"})
    assert env == {"PYTHONMALLOC": "malloc", "MALLOC_CONF": memory.JEMALLOC_CONF,
                   "LD_PRELOAD": "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2 /opt/libother.so"}
    # an operator's own jemalloc options are kept
    env = memory.process_env({"VNSI_ALLOCATOR": "jemalloc", "MALLOC_CONF": "narenas:1"})
    assert env["MALLOC_CONF"] == "narenas:1"
    assert memory.process_env({"VNSI_ALLOCATOR": "glibc"}) == {"PYTHONMALLOC": "malloc"}
    monkeypatch.setattr(memory, "jemalloc_library", lambda: None)  # chosen, not installed: glibc
    assert memory.process_env({"VNSI_ALLOCATOR": "jemalloc"}) == {"PYTHONMALLOC": "malloc"}
    with pytest.raises(ValueError, match="allocator .* is 'tcmalloc': it must be one of 'jemalloc', 'glibc'"):
        memory.process_env({"VNSI_ALLOCATOR": "tcmalloc"})


def test_the_repository_settings_choose_jemalloc():
    assert settings.memory(settings.SETTINGS_FILE)["allocator"] == "jemalloc"


# CI installs jemalloc (.ci/run), so there the tests below run; elsewhere they need `apt install libjemalloc2`.
jemalloc = pytest.mark.skipif(memory.jemalloc_library() is None and os.environ.get("CI") != "true",
                              reason="jemalloc is not installed (Debian: libjemalloc2)")


def _maps_and_environ(pid: int) -> tuple[str, list[bytes]]:
    maps = open(f"/proc/{pid}/maps").read()
    return maps, open(f"/proc/{pid}/environ", "rb").read().split(b"\0")


@jemalloc
def test_the_app_started_by_lib_serve_runs_with_jemalloc_and_python_on_malloc():
    from tests.browser.launch import free_port

    import urllib.request

    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("VNSI_ALLOCATOR", "LD_PRELOAD", "MALLOC_CONF")}
    proc = subprocess.Popen([sys.executable, "-m", "lib.serve", "--server.port", str(port), "--server.headless",
                             "true", "--browser.gatherUsageStats", "false"], cwd=settings.ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 120
        while True:  # exec keeps the pid: the process that answers is the one lib.serve started
            try:
                if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                assert proc.poll() is None and time.time() < deadline, "the app did not start"
                time.sleep(0.2)
        maps, environ = _maps_and_environ(proc.pid)
    finally:
        proc.terminate()
        proc.wait(20)
    assert "/libjemalloc.so.2" in maps
    assert b"PYTHONMALLOC=malloc" in environ and b"MALLOC_CONF=" + memory.JEMALLOC_CONF.encode() in environ


def test_lib_serve_refuses_an_unknown_allocator_with_a_message():
    out = subprocess.run([sys.executable, "-m", "lib.serve"], capture_output=True, text=True, cwd=settings.ROOT,
                         env={**os.environ, "VNSI_ALLOCATOR": "tcmalloc"}, timeout=60)
    assert out.returncode == 2
    assert "VNSI_ALLOCATOR) is 'tcmalloc': it must be one of 'jemalloc', 'glibc'" in out.stderr


@jemalloc
def test_the_tests_launcher_starts_the_app_as_lib_serve_does():
    from tests.browser.launch import start_app, stop  # the browser tests' and benchmarks' launcher

    proc, _ = start_app(quiet=True, timeout=120)
    try:
        maps, environ = _maps_and_environ(proc.pid)
    finally:
        stop(proc)
    assert "/libjemalloc.so.2" in maps and b"PYTHONMALLOC=malloc" in environ


@jemalloc
def test_under_jemalloc_release_gives_freed_small_objects_back_and_skips_glibc():
    # The same burst as under glibc (_SMALL_OBJECTS: one object in 64 outlives the rest) in a process run as the app
    # is; `release` purges jemalloc's arenas (no wait for its decay).
    out = _run(_SMALL_OBJECTS.replace("memory.release()", "memory.release(); print(memory.allocator())"),
               env={**os.environ, **memory.process_env({"VNSI_ALLOCATOR": "jemalloc"})})
    name, numbers = out.splitlines()
    base, held, after, _ = (int(x) for x in numbers.split())
    assert name == "jemalloc"
    assert held - base > 200
    assert (after - base) / (held - base) < 0.8


def test_release_gives_back_what_pandas_string_columns_held():
    # pandas keeps string columns in pyarrow's memory pool, which keeps freed memory for itself: malloc_trim alone
    # leaves it resident.
    out = _run("""
        import gc
        import pandas as pd
        from lib import memory

        names = pd.Series(["x" * 50 + str(i) for i in range(100_000)])
        base = rss()
        columns = [names + str(k) for k in range(30)]
        del columns
        gc.collect()
        held = rss()
        memory.release()
        print(base, held, rss())
    """)
    base, held, after = (int(x) for x in out.split())
    assert held - base > 120  # freed, but still resident
    assert after - base < 40  # given back


_BIG_BUFFERS = """
    import sys
    import numpy as np
    from lib import memory

    if sys.argv[1] != "0":
        assert memory.fix_mmap_threshold(int(sys.argv[1]))
    np.ones(2**17).sum()  # one 1 MB buffer freed: glibc's own threshold now rises above 1 MB
    base = rss()
    buffers, pins = [], []
    for _ in range(200):  # 200 MB of 1 MB buffers, each followed by a small block that stays (what a page keeps)
        buffers.append(np.ones(2**17))
        pins.append(bytes(1024))
    held = rss()
    del buffers
    print(base, held, rss(), len(pins))  # no gc, no malloc_trim
"""


def _big_buffers(threshold_kb: int) -> tuple[int, int, int]:
    out = _run(_BIG_BUFFERS, str(threshold_kb)).split()
    return int(out[0]), int(out[1]), int(out[2])


@glibc
def test_a_fixed_mmap_threshold_gives_freed_big_buffers_back_without_a_trim():
    base, held, after = _big_buffers(128)
    assert held - base > 150  # the buffers were resident
    assert after - base < 30  # and went back to the system when freed


@glibc
def test_without_the_fixed_threshold_freed_big_buffers_stay_resident():
    # What the setting is for: glibc's rising threshold puts the buffers in its heap, and the small blocks between
    # them keep the freed memory there.
    base, held, after = _big_buffers(0)
    assert held - base > 150
    assert after - base > 150


def test_the_repository_settings_fix_the_mmap_threshold_and_give_arrow_malloc():
    mem = settings.memory(settings.SETTINGS_FILE)
    assert mem["mmap_threshold_kb"] > 0 and mem["arrow_pool"] == "system"


def test_with_the_system_pool_pandas_string_columns_are_allocated_with_malloc():
    # pyarrow's own pool (mimalloc) keeps what it freed; with malloc, the two settings above and malloc_trim apply.
    out = _run("""
        import pandas as pd
        import pyarrow as pa
        from lib import memory

        print(memory.configure(0, 0, "system"))
        names = pd.Series(["x" * 50 + str(i) for i in range(10_000)], dtype="string[pyarrow]")
        print(pa.system_memory_pool().bytes_allocated() > 500_000, pa.mimalloc_memory_pool().bytes_allocated())
    """)
    assert out.split() == ["False", "True", "0"]


def test_freeze_leaves_long_lived_objects_out_of_full_collections_and_sessions_garbage_is_still_collected():
    # Full collections walk every object; frozen ones are skipped (the app freezes once its bundled data are loaded).
    # What sessions leave afterwards, cycles included, is still collected by `release` (sessions' ends).
    out = _run("""
        import gc
        import weakref
        from lib import memory

        class Node:
            pass

        memory.freeze()
        frozen = gc.get_freeze_count()
        a, b = Node(), Node()
        a.b, b.a = b, a
        alive = weakref.ref(a)
        del a, b
        memory.release()
        print(frozen > 1_000, alive() is None, gc.get_freeze_count() == frozen)
    """)
    assert out == "True True True"


def test_a_cycle_frozen_with_warm_up_is_collected_only_by_an_idle_release():
    # The first session's objects are frozen with the bundled data (its first run loads them); once it has ended,
    # its cycles are garbage that a normal release skips and an idle release (no session open) collects.
    out = _run("""
        import gc
        import weakref
        from lib import memory

        class Node:
            pass

        a, b = Node(), Node()
        a.b, b.a = b, a
        alive = weakref.ref(a)
        memory.freeze()
        del a, b
        memory.release()
        kept = alive() is not None
        memory.release(idle=True)
        print(kept, alive() is None, gc.get_freeze_count() > 1_000)
    """)
    assert out == "True True True"


def test_the_app_runs_without_a_file_watcher():
    # Streamlit's watcher follows the app's folder recursively (.venv and caches included); a served dashboard never
    # reloads its code, and the watcher once wedged a test server (.streamlit/config.toml).
    import tomllib

    config = tomllib.loads((settings.ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["fileWatcherType"] == "none"
