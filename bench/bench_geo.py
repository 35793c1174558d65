"""Boundary layers: build time, load time and browser size per level. Plain lines, one figure each.

    python bench/bench_geo.py           # warm: build is a no-op when geo/build/ is up to date
    python bench/bench_geo.py --cold    # delete geo/build/ first (the downloaded wheel in geo/cache/ is kept)
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lib.geo import BUILD_DIR, LEVELS  # noqa: E402
from lib.geo import build as geo_build  # noqa: E402
from lib.geo import layers  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cold", action="store_true", help="delete geo/build/ first and time a full build")
    args = parser.parse_args(argv)

    if args.cold:
        shutil.rmtree(BUILD_DIR, ignore_errors=True)
    started = time.perf_counter()
    result = geo_build.build(log=lambda *_: None)
    print(f"geo build {'warm (skipped)' if result['skipped'] else 'cold'}: {time.perf_counter() - started:.2f} s")
    started = time.perf_counter()
    geo_build.build(log=lambda *_: None)
    print(f"geo build warm (skipped): {time.perf_counter() - started:.3f} s")

    for level in LEVELS:
        layers._read_layer.cache_clear()
        started = time.perf_counter()
        layer = layers.load_layer(level)
        first = time.perf_counter() - started
        started = time.perf_counter()
        layers.load_layer(level)
        again = time.perf_counter() - started
        fc = layers.to_feature_collection(layer)
        deck_bytes = len(layers.deck_json(fc).encode("utf-8"))
        compact_bytes = len(json.dumps(fc, separators=(",", ":")).encode("utf-8"))
        print(f"{level}: {len(layer)} features")
        print(f"{level}: deck JSON {deck_bytes} bytes")
        print(f"{level}: compact GeoJSON {compact_bytes} bytes")
        print(f"{level}: load_layer first {first * 1000:.1f} ms, cached {again * 1000:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
