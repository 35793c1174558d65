"""How an app process gives memory back (lib/memory.py) and its settings ([memory] in settings.toml)."""
from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from lib import settings

glibc = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc allocator only")


def test_memory_settings_default_to_two_arenas_and_a_trim_a_minute(tmp_path, monkeypatch):
    monkeypatch.delenv("VNSI_MALLOC_ARENA_MAX", raising=False)
    monkeypatch.delenv("VNSI_TRIM_EVERY_S", raising=False)
    assert settings.memory(tmp_path / "none.toml") == {"malloc_arena_max": 2, "trim_every_s": 60.0}


def test_memory_settings_are_read_from_the_file_and_the_environment_wins(tmp_path, monkeypatch):
    f = tmp_path / "settings.toml"
    f.write_text("[memory]\nmalloc_arena_max = 4\ntrim_every_s = 0\n")
    monkeypatch.delenv("VNSI_MALLOC_ARENA_MAX", raising=False)
    monkeypatch.delenv("VNSI_TRIM_EVERY_S", raising=False)
    assert settings.memory(f) == {"malloc_arena_max": 4, "trim_every_s": 0.0}
    monkeypatch.setenv("VNSI_MALLOC_ARENA_MAX", "1")
    monkeypatch.setenv("VNSI_TRIM_EVERY_S", "15")
    assert settings.memory(f) == {"malloc_arena_max": 1, "trim_every_s": 15.0}


def test_the_repository_settings_cap_the_arenas():
    assert settings.memory(settings.SETTINGS_FILE)["malloc_arena_max"] == 2


def _run(code: str) -> str:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, check=True,
                          cwd=settings.ROOT).stdout.strip()


@glibc
def test_the_arena_cap_is_taken_once_per_process():
    out = _run("""
        from lib import memory
        print(memory.configure(2), memory.configure(3), memory.configure(0))
    """)
    assert out == "True False False"


@glibc
def test_release_gives_freed_memory_back_to_the_system():
    # 200 MB in 2 KB pieces, then all freed but one in a hundred: the pinned pieces keep glibc from shrinking its heap
    # by itself, so the freed memory stays resident until it is trimmed.
    out = _run("""
        from lib import memory

        def rss():
            for line in open("/proc/self/status"):
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) // 1024

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


def test_release_gives_back_what_pandas_string_columns_held():
    # pandas keeps string columns in pyarrow's memory pool, which keeps freed memory for itself: malloc_trim alone
    # leaves it resident.
    out = _run("""
        import gc
        import pandas as pd
        from lib import memory

        def rss():
            for line in open("/proc/self/status"):
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) // 1024

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
