"""The one bounded in-memory cache of the process: the most recently used values, the least recently used dropped.

A store's derived results (lib/store.py), forecasts and forecast tables (lib/forecast/outlook.py), fan-chart specs
(lib/forecast/fanchart.py) and a session's report previews (lib/ui.py, session_memo) live in one each. Keys may carry
user input (colour breaks, uploads), and the process lives for weeks, so every such cache is bounded: at most
`entries` values and, when `max_bytes` is set, at most that many bytes in all (each value's size given when it is
put; the newest value is kept even alone over it). `memo` is get-or-compute.
Sessions run in threads of their own: every operation holds a lock."""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Hashable


_MISSING = object()


class Recent:
    def __init__(self, entries: int, max_bytes: int | None = None):
        self.entries, self.max_bytes = entries, max_bytes
        self._items: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable, default: Any = None) -> Any:
        """The value kept for `key` (now the most recently used), else `default`."""
        with self._lock:
            try:
                self._items.move_to_end(key)
            except KeyError:
                return default
            return self._items[key][0]

    def put(self, key: Hashable, value: Any, size: int = 0) -> None:
        """Keep `value` for `key` as the most recently used, then drop the least recently used past the bounds."""
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._items[key] = (value, size)
            self._bytes += size
            while len(self._items) > 1 and (len(self._items) > self.entries
                                            or (self.max_bytes is not None and self._bytes > self.max_bytes)):
                self._bytes -= self._items.popitem(last=False)[1][1]

    def memo(self, key: Hashable, compute, valid=None) -> Any:
        """The value kept for `key`, else (or when `valid(value)` says it can no longer be used) `compute()`, kept."""
        value = self.get(key, _MISSING)
        if value is _MISSING or (valid is not None and not valid(value)):
            value = compute()
            self.put(key, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0

    def keys(self) -> list:
        """The keys, least recently used first."""
        with self._lock:
            return list(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._items
