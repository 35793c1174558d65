"""Files the map component fetches: geometry, labels and each view's data, written once under content-derived names.

The browser fetches a file once and deck.gl keeps its data while the URL stays the same, so a year step, a new
highlight or a play run sends no geometry (issue 13). Names are the SHA-256 of the content: the same content always
has the same URL (safe to cache), and a name cannot be guessed from a unit or a year. Files live in
frontend/deckmap/cache/ (ignored by git) and are served by Streamlit with the component.
"""
from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path

from lib.maps.vendor import ROOT, vendored

CACHE = ROOT / "cache"
CACHE_MAX_BYTES = 300 * 1024 * 1024  # the folder is pruned to 80 % of this, least recently used files first
_lock = threading.Lock()
_written: dict[tuple, str] = {}  # key -> url of a file already written by this process (bounded below)
_WRITTEN_MAX = 5000


def available() -> bool:
    """Whether the component can draw (deck.gl vendored by `make build`)."""
    return vendored() and (ROOT / "index.html").is_file()


def _dump(obj) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")


def write(kind: str, obj) -> str:
    """Write `obj` as JSON under a content-named file; return its URL relative to the component's page."""
    body = _dump(obj)
    name = f"{kind}-{hashlib.sha256(body).hexdigest()[:32]}.json"
    path = CACHE / name
    if path.exists():
        os.utime(path)  # recently used: pruned last
    else:
        CACHE.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.part")
        tmp.write_bytes(body)
        tmp.replace(path)
        prune()
    return f"cache/{name}"


def prune(max_bytes: int | None = None) -> int:
    """Keep the cache folder bounded: past `max_bytes`, delete the least recently used files down to 80 % of it.
    A view whose file went is written again when next drawn (`cached` checks). Returns the files deleted."""
    limit = CACHE_MAX_BYTES if max_bytes is None else max_bytes
    try:
        files = [(f.stat().st_mtime, f.stat().st_size, f) for f in CACHE.glob("*.json")]
    except FileNotFoundError:
        return 0
    total = sum(size for _, size, _ in files)
    if total <= limit:
        return 0
    deleted = 0
    for _, size, f in sorted(files, key=lambda x: x[0]):
        if total <= 0.8 * limit:
            break
        try:
            f.unlink()
            total -= size
            deleted += 1
        except FileNotFoundError:
            pass
    return deleted


def cached(key: tuple, kind: str, make) -> str:
    """The URL of the file for `key`, made (by calling `make`) and written once per process."""
    with _lock:
        url = _written.get(key)
    if url is not None and (ROOT / url).exists():
        return url
    url = write(kind, make())
    with _lock:
        if len(_written) >= _WRITTEN_MAX:
            _written.clear()
        _written[key] = url
    return url


def file_size(url: str) -> int:
    return (ROOT / url).stat().st_size


def path_of(url: str) -> Path:
    return ROOT / url
