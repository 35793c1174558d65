"""The one bounded cache (lib/recent.py): what it keeps and drops is what the caches' bounds in the README promise."""
from __future__ import annotations

import threading

from lib.recent import Recent


def test_the_least_recently_used_value_is_dropped_first():
    r = Recent(3)
    for k in "abc":
        r.put(k, k.upper())
    assert r.get("a") == "A"  # now the most recently used
    r.put("d", "D")
    assert "b" not in r and r.keys() == ["c", "a", "d"]
    assert r.get("b", "missing") == "missing"


def test_the_bytes_bound_drops_the_oldest_and_keeps_the_newest_even_alone_over_it():
    r = Recent(100, max_bytes=10)
    r.put("a", 1, size=4)
    r.put("b", 2, size=4)
    r.put("a", 3, size=4)  # replaced: counted once, now the most recent
    assert r.keys() == ["b", "a"]
    r.put("c", 4, size=4)  # 12 bytes: the least recently used (b) goes
    assert r.keys() == ["a", "c"]
    r.put("huge", 5, size=50)
    assert r.keys() == ["huge"] and r.get("huge") == 5
    r.put("small", 6, size=1)  # the huge one is older, and over the bound with it
    assert r.keys() == ["small"]


def test_sessions_threads_putting_at_once_keep_the_bounds():
    r = Recent(50, max_bytes=200)

    def work(n):
        for i in range(2_000):
            r.put((n, i), i, size=3)
            r.get((n, i - 7))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(r) <= 50 and len(r.keys()) == len(r)
    assert r._bytes == 3 * len(r) <= 200
