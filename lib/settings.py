"""Site settings: `settings.toml` at the repository root, overridden by environment variables.

    [scenarios]
    database = "var/scenarios.sqlite"   # SQLite file used when no URL is set (relative to the settings file)
    url = ""                            # a database URL (PostgreSQL) replaces the file when set
    busy_timeout_s = 30

Environment: VNSI_DATABASE_URL (a URL such as ``postgresql+psycopg://user:pw@host/db`` or ``sqlite:////abs/file``,
or a plain path to a SQLite file) overrides both ``url`` and ``database``; VNSI_SETTINGS points to another settings
file. Read on every call (cheap), so a test or a second server can change the environment.
"""
from __future__ import annotations

import os
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_FILE = ROOT / "settings.toml"
DEFAULT_DATABASE = "var/scenarios.sqlite"
ENV_DATABASE_URL = "VNSI_DATABASE_URL"
ENV_SETTINGS = "VNSI_SETTINGS"


def load(path: Path | None = None) -> dict:
    """The settings file as a dict ({} when it does not exist)."""
    path = Path(path or os.environ.get(ENV_SETTINGS) or SETTINGS_FILE)
    if not path.exists():
        return {}
    with path.open("rb") as f:
        return tomllib.load(f)


def _sqlite_url(path: str | Path, base: Path) -> str:
    p = Path(path).expanduser()
    if not p.is_absolute():
        p = base / p
    return f"sqlite:///{p.resolve()}"


def database_url(path: Path | None = None) -> str:
    """Where saved scenarios live: VNSI_DATABASE_URL, else [scenarios] url, else the SQLite file [scenarios] database."""
    settings_path = Path(path or os.environ.get(ENV_SETTINGS) or SETTINGS_FILE)
    section = load(settings_path).get("scenarios", {})
    base = settings_path.resolve().parent
    env = os.environ.get(ENV_DATABASE_URL, "").strip()
    if env:
        return env if "://" in env else _sqlite_url(env, Path.cwd())
    url = str(section.get("url") or "").strip()
    if url:
        return url
    return _sqlite_url(section.get("database") or DEFAULT_DATABASE, base)


def busy_timeout_s(path: Path | None = None) -> float:
    section = load(path).get("scenarios", {})
    return float(section.get("busy_timeout_s", 30))


def redacted(url: str) -> str:
    """A database URL without its password, for messages and logs."""
    if "://" not in url or "@" not in url:
        return url
    scheme, rest = url.split("://", 1)
    creds, host = rest.rsplit("@", 1)
    user = creds.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}"


ALLOCATORS = ("jemalloc", "glibc")  # [memory] allocator; lib.memory.process_env refuses any other


def memory(path: Path | None = None, environ=None) -> dict:
    """[memory] allocator ("jemalloc": when installed, else glibc; "glibc"), malloc_arena_max (0: glibc's default),
    trim_every_s (0: trim only when sessions end), mmap_threshold_kb (0: glibc's default), arrow_pool ("system":
    malloc; "": pyarrow's default); see lib/memory.py. Environment (`environ`, default os.environ) wins:
    VNSI_ALLOCATOR, VNSI_MALLOC_ARENA_MAX, VNSI_TRIM_EVERY_S, VNSI_MMAP_THRESHOLD_KB, VNSI_ARROW_POOL."""
    env = os.environ if environ is None else environ
    section = load(path).get("memory", {})
    allocator = (env.get("VNSI_ALLOCATOR", "").strip() or str(section.get("allocator", "jemalloc"))).lower()
    arena = env.get("VNSI_MALLOC_ARENA_MAX", "").strip() or section.get("malloc_arena_max", 2)
    trim = env.get("VNSI_TRIM_EVERY_S", "").strip() or section.get("trim_every_s", 60)
    mmap = env.get("VNSI_MMAP_THRESHOLD_KB", "").strip() or section.get("mmap_threshold_kb", 128)
    pool = env.get("VNSI_ARROW_POOL", section.get("arrow_pool", "system")).strip()
    return {"allocator": allocator, "malloc_arena_max": int(arena), "trim_every_s": float(trim),
            "mmap_threshold_kb": int(mmap), "arrow_pool": pool}
