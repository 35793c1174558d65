"""How an app process gives memory back to the system (glibc's allocator; a no-op elsewhere).

Python frees objects into the C allocator, which keeps the pages for reuse: after a burst of sessions a process's RSS
stays near its peak although little of it is in use. Two settings, `[memory]` in settings.toml (see lib/settings.py):

- ``malloc_arena_max``: glibc gives each thread that meets contention its own heap ("arena"), up to 8 per core; page
  scripts run in ever new threads, so freed memory ends up scattered over many arenas, each keeping its high-water
  mark. Capping them (mallopt M_ARENA_MAX, what the MALLOC_ARENA_MAX environment variable does) is applied when the
  app starts, so it works in `make run` and in the systemd unit alike. 0 leaves glibc's default.
- ``mmap_threshold_kb``: blocks at least this big get their own mapping from the system, given back whole when freed.
  glibc's default threshold rises (up to 32 MB) each time such a block is freed, so pandas' and numpy's buffers soon
  land inside the heaps instead, where the small objects allocated between them keep the freed space from being
  returned (malloc_trim cannot either): the heaps fill with free but resident memory. A fixed threshold (mallopt
  M_MMAP_THRESHOLD, which also turns the rising off) keeps big buffers out of the heaps. 0 leaves glibc's default.
- ``arrow_pool``: "system" has pyarrow (pandas' string columns) allocate with malloc, under the two settings above,
  instead of in its own mimalloc pool, which keeps what it freed; "" leaves pyarrow's default.
- ``trim_every_s``: how often the session reaper (lib/ui.py) returns freed pages to the system (malloc_trim(0), and
  pyarrow's pool, which holds pandas' string columns), besides each time sessions end. 0: only when sessions end.

One more setting cannot live in settings.toml, because Python reads it before the app starts: ``PYTHONMALLOC=malloc``
in the app process's environment (`PROCESS_ENV`; `make run` and deploy/vnsi@.service set it). Python's own allocator
(pymalloc) packs small objects (dicts, strings, rows of a session's work) into 256 KiB arenas and returns an arena
only when every object in it is freed: a few objects that outlive a session (a cache entry, an interned string) keep
the arenas around them resident, and no trim can reach them. With malloc, small objects live in glibc's heaps, where
malloc_trim(0) returns every whole free page, even between live blocks (tests/test_memory.py: one object in 64 left
alive keeps about 97 % of the memory under pymalloc, about a quarter under malloc after `release`). It costs page runs
a little CPU (README, "Memory over time").
"""
from __future__ import annotations

import ctypes
import gc
import logging
import os
import sys

M_ARENA_MAX = -8  # glibc malloc.h
M_MMAP_THRESHOLD = -3
PROCESS_ENV = {"PYTHONMALLOC": "malloc"}  # the app process's environment (read by Python before the app starts)
_DONE: list[int] = []
_THRESHOLD: list[int] = []


def _libc():
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt, libc.malloc_trim  # noqa: B018 - glibc only
        return libc
    except (OSError, AttributeError):
        return None


def configure(arena_max: int, mmap_threshold_kb: int | None = None, arrow_pool: str | None = None) -> bool:
    """Once per process (later calls do nothing): fix glibc's mmap threshold, choose pyarrow's pool (None: from
    settings.toml) and cap glibc's arenas; True when the allocator took the arena cap."""
    if mmap_threshold_kb is None or arrow_pool is None:
        from lib import settings

        mem = settings.memory()
        mmap_threshold_kb = mem["mmap_threshold_kb"] if mmap_threshold_kb is None else mmap_threshold_kb
        arrow_pool = mem["arrow_pool"] if arrow_pool is None else arrow_pool
    fix_mmap_threshold(mmap_threshold_kb)
    use_arrow_pool(arrow_pool)
    if not _DONE and not python_uses_malloc():
        logging.getLogger(__name__).warning(
            "Python's own small-object allocator is in use: memory freed after sessions end stays with the process. "
            "Start the app with PYTHONMALLOC=malloc in its environment (make run and deploy/vnsi@.service do).")
    if _DONE or arena_max <= 0:
        return False
    _DONE.append(arena_max)
    libc = _libc()
    return bool(libc and libc.mallopt(M_ARENA_MAX, int(arena_max)) == 1)


def python_uses_malloc() -> bool:
    """True when this process allocates Python's small objects with malloc (`PROCESS_ENV`), not pymalloc."""
    return os.environ.get("PYTHONMALLOC", "").startswith("malloc")


def fix_mmap_threshold(kb: int) -> bool:
    """Blocks of `kb` KiB and more get their own mapping, returned to the system when freed (once per process; 0:
    glibc's rising default); True when the allocator took the setting."""
    if _THRESHOLD or kb <= 0:
        return False
    _THRESHOLD.append(kb)
    libc = _libc()
    return bool(libc and libc.mallopt(M_MMAP_THRESHOLD, int(kb) * 1024) == 1)


def use_arrow_pool(name: str) -> bool:
    """"system": pyarrow allocates with malloc from now on (what was allocated before stays in its old pool); ""
    leaves its default. True when pyarrow took it."""
    if name != "system":
        return False
    try:
        import pyarrow
    except ImportError:
        return False
    pyarrow.set_memory_pool(pyarrow.system_memory_pool())
    return pyarrow.default_memory_pool().backend_name == "system"


def trim() -> None:
    """Give the allocators' free pages back to the system (they keep them otherwise, and RSS never falls): glibc's,
    and pyarrow's pool, which holds pandas' string columns."""
    pyarrow = sys.modules.get("pyarrow")
    if pyarrow is not None:
        try:
            pyarrow.default_memory_pool().release_unused()
        except Exception:  # noqa: BLE001 - an older pyarrow: its pool only keeps what it has
            pass
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)


def freeze() -> None:
    """Once the process's long-lived objects are loaded (modules, the bundled data: hundreds of thousands of them),
    collect and leave the survivors out of the collector's later passes (gc.freeze). Without it, a full pass walks
    them all (130-190 ms in an idle app process) whenever a session's run has allocated enough to trigger one, which
    is on about every new session's first run, holding the interpreter's lock meanwhile: every session's messages and
    the browser's file requests wait. Frozen objects are still freed when no longer referenced (reference counts);
    cycles among them are collected only by an idle `release` (no session open), which freezes the survivors again."""
    gc.collect()
    gc.freeze()


def release(idle: bool = False) -> None:
    """Collect unreachable objects, then trim. The frozen ones (`freeze`) are left out of the collection unless
    `idle` (no session open, so no one waits for the longer pass): then every object is collected and the survivors
    frozen again. Cycles among frozen objects (the first session's, frozen with warm-up; cache entries since dropped)
    are collected then and only then."""
    if idle:
        gc.unfreeze()
        gc.collect()
        gc.freeze()
    else:
        gc.collect()
    trim()
