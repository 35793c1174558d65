"""Build what the app needs and does not commit: denominators, the demo panel, boundary layers.

`python -m lib.bundled.build` (run by `make run` and `make test`) writes data/build/ and geo/build/; each step is skipped
when the files it depends on have not changed since it last ran (a hash of them is kept in a stamp file).
"""
from __future__ import annotations

import hashlib
import json
import sys
import time
from pathlib import Path

from lib.bundled.paths import BUILD, DEMO, DENOMINATORS, RESOLVED, ROOT, STAMP

DATA_INPUTS = [
    "lib/admin.py", "lib/text.py", "lib/model.py", "lib/metrics.py", "lib/catalog/metrics.toml", "lib/bundled/reference.py",
    "lib/bundled/denominators.py", "lib/bundled/demo.py", "lib/bundled/build.py", "lib/bundled/paths.py", "lib/store.py", "data/reported_figures.csv", "data/aliases.csv",
    "data/census2019_district_crosswalk.csv", "requirements.txt",
]


def _hash(paths: list[str]) -> str:
    h = hashlib.sha256()
    for rel in sorted(paths):
        p = ROOT / rel
        h.update(rel.encode())
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file():
                    h.update(f.read_bytes())
        elif p.exists():
            h.update(p.read_bytes())
    for p in sorted((ROOT / "data" / "reference").rglob("*.csv")):
        h.update(p.read_bytes())
    return h.hexdigest()


def build_data(force: bool = False) -> bool:
    """Denominators and demo panel. Returns True when it rebuilt."""
    digest = _hash(DATA_INPUTS)
    if not force and STAMP.exists() and DEMO.exists() and DENOMINATORS.exists() and RESOLVED.exists():
        if json.loads(STAMP.read_text()).get("data") == digest:
            return False
    from lib.bundled import demo
    from lib.bundled import denominators

    BUILD.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    den = denominators.dataset().observations
    _write_atomic(den, DENOMINATORS)
    panel = demo.generate()
    _write_atomic(panel, DEMO)
    from lib import store
    from lib.model import resolve

    resolved = resolve(store.Store(list(store.bundled(fresh=True))).observations)  # from scratch, never the old file
    _write_atomic(resolved, RESOLVED)
    STAMP.write_text(json.dumps({"data": digest}))
    print(f"built {DENOMINATORS.relative_to(ROOT)} ({len(den):,} rows), {DEMO.relative_to(ROOT)} "
          f"({len(panel):,} rows) and {RESOLVED.name} ({len(resolved):,} rows) in {time.time() - t0:.1f} s")
    return True


def _write_atomic(frame, path: Path) -> None:
    tmp = path.with_suffix(".tmp")
    frame.to_parquet(tmp, index=False)
    tmp.replace(path)


def build_geo(force: bool = False) -> None:
    try:
        from lib.geo import build as geo_build
    except ImportError:
        return
    geo_build.main(["--force"] if force else [])


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    force = "--force" in argv
    if not build_data(force):
        print("data/build is up to date")
    if "--no-geo" not in argv:
        build_geo(force)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
