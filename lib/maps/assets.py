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
_lock = threading.Lock()
_written: dict[tuple, str] = {}  # key -> url of a file already written by this process


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
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.part")
        tmp.write_bytes(body)
        tmp.replace(path)
    return f"cache/{name}"


def cached(key: tuple, kind: str, make) -> str:
    """The URL of the file for `key`, made (by calling `make`) and written once per process."""
    with _lock:
        url = _written.get(key)
    if url is not None and (ROOT / url).exists():
        return url
    url = write(kind, make())
    with _lock:
        _written[key] = url
    return url


def file_size(url: str) -> int:
    return (ROOT / url).stat().st_size


def path_of(url: str) -> Path:
    return ROOT / url
