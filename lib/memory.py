"""How an app process gives memory back to the system (jemalloc or glibc's allocator; a no-op elsewhere).

Python frees objects into the C allocator, which keeps the pages for reuse: after a burst of sessions a process's RSS
stays near its peak although little of it is in use. With glibc, `[memory]` in settings.toml (see lib/settings.py)
holds four settings:

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

Which allocator, and Python's use of it, are chosen before the app starts, in its environment (`process_env`;
`python -m lib.serve` sets it for `make run` and deploy/vnsi@.service, and the tests' launcher sets the same):

- ``PYTHONMALLOC=malloc``: Python's own allocator (pymalloc) packs small objects (dicts, strings, rows of a session's
  work) into 256 KiB arenas and returns an arena only when every object in it is freed: a few objects that outlive a
  session (a cache entry, an interned string) keep the arenas around them resident, and no trim can reach them. With
  malloc they live in the C allocator's heaps, which return whole free pages between live blocks (tests/test_memory.py:
  one object in 64 left alive keeps about 97 % of the memory under pymalloc, about a quarter under glibc's malloc after
  `release`). It costs page runs a little CPU (README, "Memory over time").
- ``allocator = "jemalloc"`` (settings.toml; the default): when jemalloc is installed (Debian: libjemalloc2), the app
  process runs with it (LD_PRELOAD, configured by `JEMALLOC_CONF`) instead of glibc's malloc. After an hour of
  sessions glibc's heaps keep tens of MB of free memory resident around the small blocks that live on (fragmentation,
  which no trim returns); jemalloc groups blocks by size and gives freed pages back by itself within seconds
  (README, "Memory over time", for the soaks that compare them). Without the library the process uses glibc with the
  settings above, and logs that it does. The glibc settings do nothing under jemalloc; `trim` then purges jemalloc's
  arenas instead.
"""
from __future__ import annotations

import ctypes
import functools
import gc
import logging
import os
import sys

M_ARENA_MAX = -8  # glibc malloc.h
M_MMAP_THRESHOLD = -3
# jemalloc in the app process: 2 arenas (sessions' threads share them; Python's lock serialises most allocation
# anyway), a background thread that gives freed pages back to the system 5 s after they are freed (dirty_decay_ms),
# at once (muzzy_decay_ms 0: no lazily freed stage, whose pages would still count in RSS).
JEMALLOC_CONF = "background_thread:true,narenas:2,dirty_decay_ms:5000,muzzy_decay_ms:0"
JEMALLOC_NAME = "libjemalloc.so.2"
_JEMALLOC_DIRS = ("/usr/lib/*-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/lib")
_MALLCTL_ARENAS_ALL = 4096  # jemalloc.h: "arena.<i>.purge" for every arena
_DONE: list[int] = []
_THRESHOLD: list[int] = []


def jemalloc_library() -> str | None:
    """The path of jemalloc's shared library when it is installed (Debian's libjemalloc2), else None."""
    import glob

    for pattern in _JEMALLOC_DIRS:
        for path in sorted(glob.glob(os.path.join(pattern, JEMALLOC_NAME))):
            if os.path.isfile(path):
                return path
    return None


def process_env(environ=None) -> dict[str, str]:
    """What an app process's environment must hold before Python starts (`environ`: the environment it is started
    from, default os.environ; its VNSI_ALLOCATOR wins over settings.toml): PYTHONMALLOC=malloc, and with the
    "jemalloc" allocator installed, LD_PRELOAD and MALLOC_CONF (an operator's own MALLOC_CONF is kept). ValueError
    for an allocator setting that is neither "jemalloc" nor "glibc"."""
    from lib import settings

    environ = os.environ if environ is None else environ
    allocator = settings.memory(environ=environ)["allocator"]
    if allocator not in settings.ALLOCATORS:
        raise ValueError(f"settings.toml [memory] allocator (or VNSI_ALLOCATOR) is {allocator!r}: "
                         f"it must be one of {', '.join(repr(a) for a in settings.ALLOCATORS)}")
    env = {"PYTHONMALLOC": "malloc"}
    library = jemalloc_library() if allocator == "jemalloc" else None
    if library:
        preload = environ.get("LD_PRELOAD", "").split()
        env["LD_PRELOAD"] = " ".join([library] + [p for p in preload if os.path.basename(p) != JEMALLOC_NAME])
        env["MALLOC_CONF"] = environ.get("MALLOC_CONF") or JEMALLOC_CONF
    return env


@functools.cache
def allocator() -> str:
    """The C allocator this process runs with (chosen when it started): "jemalloc", "glibc", or "other" (not
    Linux)."""
    try:
        if hasattr(ctypes.CDLL(None), "mallctl"):
            return "jemalloc"
    except OSError:
        pass
    return "glibc" if _libc() is not None else "other"


def _mallctl(name: bytes) -> bool:
    try:
        return ctypes.CDLL(None).mallctl(name, None, None, None, ctypes.c_size_t(0)) == 0
    except (OSError, AttributeError):
        return False


def _libc():
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt, libc.malloc_trim  # noqa: B018 - glibc only
        return libc
    except (OSError, AttributeError):
        return None


def configure(arena_max: int, mmap_threshold_kb: int | None = None, arrow_pool: str | None = None) -> bool:
    """Once per process (later calls do nothing): choose pyarrow's pool (None: from settings.toml) and, under glibc,
    fix its mmap threshold and cap its arenas; True when glibc took the arena cap. Logs when the process runs
    without what `process_env` asks for (Python's small objects on malloc; jemalloc, when chosen)."""
    if _DONE:
        return False
    _DONE.append(arena_max)
    from lib import settings

    mem = settings.memory()
    mmap_threshold_kb = mem["mmap_threshold_kb"] if mmap_threshold_kb is None else mmap_threshold_kb
    use_arrow_pool(mem["arrow_pool"] if arrow_pool is None else arrow_pool)
    _log_what_is_missing(mem["allocator"])
    if allocator() == "jemalloc":  # the glibc settings below would not apply
        return False
    fix_mmap_threshold(mmap_threshold_kb)
    libc = _libc()
    return bool(arena_max > 0 and libc and libc.mallopt(M_ARENA_MAX, int(arena_max)) == 1)


def _log_what_is_missing(chosen: str) -> None:
    log = logging.getLogger(__name__)
    start = "start it with `python -m lib.serve` (make run and deploy/vnsi@.service do)."
    if not python_uses_malloc():
        log.warning("Python's own small-object allocator is in use: memory freed after sessions end stays with the "
                    "process: %s", start)
    if chosen == "jemalloc" and allocator() != "jemalloc":
        log.warning("The app runs with glibc's allocator, which keeps more memory after sessions end than jemalloc: %s",
                    start if jemalloc_library() else "install jemalloc (Debian: apt install libjemalloc2) and restart "
                    "the app.")


def python_uses_malloc() -> bool:
    """True when this process allocates Python's small objects with malloc (`process_env`), not pymalloc."""
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
    """Give the allocators' free pages back to the system now (glibc keeps them otherwise, and RSS never falls;
    jemalloc would in a few seconds): the C allocator's, and pyarrow's pool, which holds pandas' string columns."""
    pyarrow = sys.modules.get("pyarrow")
    if pyarrow is not None:
        try:
            pyarrow.default_memory_pool().release_unused()
        except Exception:  # noqa: BLE001 - an older pyarrow: its pool only keeps what it has
            pass
    if allocator() == "jemalloc":
        _mallctl(b"arena.%d.purge" % _MALLCTL_ARENAS_ALL)
        return
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
