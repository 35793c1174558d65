"""Debug only (bench_soak.py --dump DIR): what an app process holds, written on request.

Put this folder on PYTHONPATH and set VNSI_MEMDUMP=DIR; the soak writes DIR/request (a label), this thread writes
DIR/<n>-<label>.txt: the C allocator's totals (glibc's mallinfo2 or jemalloc's stats), Python object counts by type,
the largest tracemalloc sites (when started with PYTHONTRACEMALLOC), and Streamlit's session and file-manager
counts."""
import os
import threading

DIR = os.environ.get("VNSI_MEMDUMP")


def _mallinfo() -> dict:
    """glibc's totals (MB), or jemalloc's when the process runs with it (allocated, active, resident, retained)."""
    import ctypes

    try:
        je = ctypes.CDLL(None).mallctl
    except AttributeError:
        je = None
    if je is not None:
        epoch = ctypes.c_uint64(1)
        je(b"epoch", None, None, ctypes.byref(epoch), ctypes.c_size_t(8))
        out = {}
        for name in ("allocated", "active", "metadata", "resident", "mapped", "retained"):
            v, n = ctypes.c_size_t(), ctypes.c_size_t(8)
            je(b"stats." + name.encode(), ctypes.byref(v), ctypes.byref(n), None, ctypes.c_size_t(0))
            out["jemalloc " + name] = v.value // 2**20
        return out

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
    out = [f"label {label}", f"rss/anon/file {_rss()}", f"allocator MB {_mallinfo()}", f"smaps {_smaps()}"]
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
            for family in stats.values() if hasattr(stats, "values") else [stats]:
                for s in family:
                    agg[(getattr(s, "category_name", "?"), getattr(s, "cache_name", "?"))] += s.byte_length
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
    out.append(f"frozen objects (gc.freeze; not in the counts below): {gc.get_freeze_count()}")
    out.append("objects " + ", ".join(f"{k}={v}" for k, v in counts.most_common(40)))
    refs = collections.Counter()
    holders = collections.Counter()
    weak = [o for o in gc.get_objects() if type(o).__name__ in ("ReferenceType", "KeyedRef")]
    for o in weak:
        t = o()
        refs[type(t).__qualname__ if t is not None else "<dead>"] += 1
    top = refs.most_common(1)[0][0] if refs else ""
    for o in weak[:: max(1, len(weak) // 400)]:
        t = o()
        if (type(t).__qualname__ if t is not None else "<dead>") != top:
            continue
        for r in gc.get_referrers(o):
            if r is weak:
                continue
            kind = type(r).__qualname__
            if isinstance(r, dict):
                owners = [type(x).__qualname__ for x in gc.get_referrers(r) if x is not weak][:2]
                kind += "<-" + "/".join(owners)
            holders[kind] += 1
    dead_lists = {}
    for o in weak:
        if o() is None:
            for r in gc.get_referrers(o):
                if isinstance(r, list) and r is not weak:
                    dead_lists[id(r)] = r
    for lst in sorted(dead_lists.values(), key=len, reverse=True)[:3]:
        chain = []
        for r in gc.get_referrers(lst):
            if r is weak or r is dead_lists:
                continue
            desc = type(r).__qualname__
            if isinstance(r, dict):
                desc += "[" + ",".join(k for k, v in r.items() if v is lst and isinstance(k, str)) + "]"
                desc += "<-" + "/".join(f"{type(x).__module__}.{type(x).__qualname__}" for x in gc.get_referrers(r)
                                        if x is not weak and x is not dead_lists)[:300]
            chain.append(desc)
        out.append(f"list of {len(lst)} items, held by: {chain[:4]}")
    del dead_lists
    out.append("weakrefs to " + ", ".join(f"{k}={v}" for k, v in refs.most_common(12)))
    out.append(f"holders of sampled weakrefs to {top}: " + ", ".join(f"{k}={v}" for k, v in holders.most_common(8)))
    del weak
    memo = [len(getattr(o, "_memo", ())) for o in gc.get_objects() if type(o).__name__ == "Store"]
    out.append(f"store memo sizes {memo}")
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
    from lib import memory

    memory.trim()  # malloc_trim(0) under glibc, a purge of every arena under jemalloc
    out.insert(4, f"after lib.memory.trim(): rss/anon/file {_rss()}; allocator MB {_mallinfo()}; smaps {_smaps()}")
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
            if label.startswith("exec:"):  # debug by hand: run a script in the process, its output to a file
                import contextlib
                import io

                buf = io.StringIO()
                try:
                    with contextlib.redirect_stdout(buf):
                        exec(open(label[5:]).read(), {"__name__": "__memdebug__"})
                except Exception as e:  # noqa: BLE001
                    buf.write(repr(e))
                with open(os.path.join(DIR, f"{n:02d}-exec.txt"), "w") as f:
                    f.write(buf.getvalue())
                continue
            try:
                _dump(label, n, prev)
            except Exception as e:  # noqa: BLE001
                with open(os.path.join(DIR, f"{n:02d}-error.txt"), "w") as f:
                    f.write(repr(e))


if DIR:
    threading.Thread(target=_loop, name="vnsi-memdump", daemon=True).start()
