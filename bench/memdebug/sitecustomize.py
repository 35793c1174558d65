"""Debug only (bench_soak.py --dump DIR): what an app process holds, written on request.

Put this folder on PYTHONPATH and set VNSI_MEMDUMP=DIR; the soak writes DIR/request (a label), this thread writes
DIR/<n>-<label>.txt: glibc malloc totals (mallinfo2), Python object counts by type, the largest tracemalloc sites
(when started with PYTHONTRACEMALLOC), and Streamlit's session and file-manager counts."""
import os
import threading

DIR = os.environ.get("VNSI_MEMDUMP")


def _mallinfo() -> dict:
    import ctypes

    class MI(ctypes.Structure):
        _fields_ = [(n, ctypes.c_size_t) for n in ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks",
                                                    "fsmblks", "uordblks", "fordblks", "keepcost")]
    libc = ctypes.CDLL("libc.so.6")
    libc.mallinfo2.restype = MI
    m = libc.mallinfo2()
    return {f: getattr(m, f) // 2**20 for f, _ in MI._fields_}


def _rss() -> str:
    with open("/proc/self/status") as f:
        return " ".join(line.split(":")[1].strip() for line in f if line.startswith(("VmRSS", "RssAnon", "RssFile")))


def _smaps() -> str:
    """Resident anonymous memory by kind of mapping: the main heap, 64 MB-aligned thread arenas, others (Python's
    arenas, numpy/pyarrow buffers, stacks)."""
    kinds = {"heap": 0, "thread-arena(64MB)": 0, "anon-other": 0, "file": 0}
    cur = None
    with open("/proc/self/smaps") as f:
        for line in f:
            parts = line.split()
            if "-" in parts[0] and len(parts) >= 5 and not parts[0].endswith(":"):
                lo, hi = (int(x, 16) for x in parts[0].split("-"))
                name = parts[5] if len(parts) > 5 else ""
                if name == "[heap]":
                    cur = "heap"
                elif name.startswith("/"):
                    cur = "file"
                elif lo % (64 << 20) == 0 and hi - lo <= (64 << 20):
                    cur = "thread-arena(64MB)"
                else:
                    cur = "anon-other"
            elif parts[0] == "Rss:" and cur:
                kinds[cur] += int(parts[1])
    return ", ".join(f"{k} {v // 1024} MB" for k, v in kinds.items())


def _dump(label: str, n: int, prev: list) -> None:
    import collections
    import gc
    import tracemalloc

    gc.collect()
    out = [f"label {label}", f"rss/anon/file {_rss()}", f"mallinfo2 MB {_mallinfo()}", f"smaps {_smaps()}"]
    try:
        from streamlit import runtime

        rt = runtime.get_instance()
        mgr = rt._session_mgr
        out.append(f"active sessions {len(mgr.list_active_sessions())}, all {len(mgr.list_sessions())}, "
                   f"storage {len(mgr._session_storage._cache)}")
        mf = rt.media_file_mgr
        files = mf._storage._files_by_id if hasattr(mf._storage, "_files_by_id") else {}
        out.append(f"media files {len(files)} bytes {sum(len(getattr(f, 'content', b'')) for f in files.values())}")
        uf = rt.uploaded_file_mgr
        out.append(f"uploaded files {sum(len(v) for v in getattr(uf, 'file_storage', {}).values())}")
        try:
            stats = rt.stats_mgr.get_stats()
            agg = collections.Counter()
            for s in stats:
                agg[(s.category_name, s.cache_name)] += s.byte_length
            out.append("st caches " + ", ".join(f"{k[1]}={v // 1024}KB" for k, v in agg.most_common(15)))
        except Exception as e:  # noqa: BLE001
            out.append(f"stats failed {e!r}")
    except Exception as e:  # noqa: BLE001
        out.append(f"runtime failed {e!r}")
    try:
        import sys

        if "pyarrow" in sys.modules:
            pool = sys.modules["pyarrow"].default_memory_pool()
            out.append(f"pyarrow pool {pool.backend_name} allocated {pool.bytes_allocated() // 2**20} MB "
                       f"max {pool.max_memory() // 2**20} MB")
        blocks = sys.getallocatedblocks()
        out.append(f"python allocated blocks {blocks}")
        r, w = os.pipe()
        saved = os.dup(2)
        with open(os.path.join(DIR, "obmalloc.tmp"), "w") as tmpf:
            os.dup2(tmpf.fileno(), 2)
            try:
                sys._debugmallocstats()
            finally:
                os.dup2(saved, 2)
                os.close(saved)
                os.close(r)
                os.close(w)
        with open(os.path.join(DIR, "obmalloc.tmp")) as tmpf:
            out.extend("  obmalloc " + line.strip() for line in tmpf if "arenas" in line or "bytes in" in line
                       or "Total" in line)
    except Exception as e:  # noqa: BLE001
        out.append(f"allocator stats failed {e!r}")
    counts = collections.Counter(type(o).__qualname__ for o in gc.get_objects())
    out.append("objects " + ", ".join(f"{k}={v}" for k, v in counts.most_common(40)))
    for name in ("DataFrame", "Series", "Store", "AppSession", "Dataset", "ScriptRunner", "SessionState", "Figure",
                 "Deck", "Chart", "LayerChart", "ndarray", "BlockManager"):
        out.append(f"  {name}: {counts.get(name, 0)}")
    if tracemalloc.is_tracing():
        snap = tracemalloc.take_snapshot().filter_traces([tracemalloc.Filter(False, tracemalloc.__file__)])
        out.append(f"tracemalloc traced {tracemalloc.get_traced_memory()[0] // 2**20} MB")
        for st in snap.statistics("lineno")[:40]:
            out.append(f"  {st.size // 1024:8d} KB {st.count:7d} {st.traceback}")
        if prev:
            out.append("diff vs previous dump:")
            for st in snap.compare_to(prev[0], "traceback")[:25]:
                out.append(f"  {st.size_diff // 1024:+8d} KB {st.count_diff:+7d}")
                out.extend("      " + line for line in st.traceback.format()[-12:])
        prev[:] = [snap]
    import ctypes

    ctypes.CDLL("libc.so.6").malloc_trim(0)
    out.insert(4, f"after malloc_trim(0): rss/anon/file {_rss()}; mallinfo2 MB {_mallinfo()}; smaps {_smaps()}")
    with open(os.path.join(DIR, f"{n:02d}-{label}.txt"), "w") as f:
        f.write("\n".join(out) + "\n")


def _loop() -> None:
    import time

    prev: list = []
    n = 0
    req = os.path.join(DIR, "request")
    while True:
        time.sleep(1)
        if os.path.exists(req):
            with open(req) as f:
                label = f.read().strip() or "dump"
            os.remove(req)
            n += 1
            try:
                _dump(label, n, prev)
            except Exception as e:  # noqa: BLE001
                with open(os.path.join(DIR, f"{n:02d}-error.txt"), "w") as f:
                    f.write(repr(e))


if DIR:
    threading.Thread(target=_loop, name="vnsi-memdump", daemon=True).start()
