"""Where legacy wards are: the points that place district polygons and split those that later divided.

`lib.admin.legacy_wards()` gives each of the 10,035 legacy wards a centroid from a geocoder. About 270 of them share
their point with other wards (the geocoder fell back to the district's or a neighbour's centre; all three wards of
Ia H'Drai sit on one point north of the district). For those, the centroid of the 2025 commune the ward went into
(vietnamadminunits' `converter_2025.json`) is a better guess; the package's 2025 centroids are all distinct.
"""
from __future__ import annotations

import json
import sqlite3
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pandas as pd

from lib import admin


def _package_data() -> Path:
    return Path(str(resources.files("vietnamadminunits") / "data"))


@lru_cache(maxsize=1)
def _ward_keys() -> pd.DataFrame:
    """Legacy ward code -> the key converter_2025.json uses ('{provinceKey}_{districtKey}_{wardKey}')."""
    with sqlite3.connect(f"file:{_package_data() / 'dataset.db'}?mode=ro", uri=True) as con:
        keys = pd.read_sql_query(
            "SELECT wardCode, provinceKey, districtKey, wardKey FROM admin_units_legacy WHERE wardCode IS NOT NULL",
            con,
        )
    keys["key"] = keys["provinceKey"] + "_" + keys["districtKey"] + "_" + keys["wardKey"]
    return keys.set_index("wardCode")[["key"]]


@lru_cache(maxsize=1)
def ward_2025_points() -> pd.DataFrame:
    """Legacy ward code -> lat, lon of the 2025 commune it went into (the default one where a ward was divided)."""
    with sqlite3.connect(f"file:{_package_data() / 'dataset.db'}?mode=ro", uri=True) as con:
        new = pd.read_sql_query("SELECT provinceKey, wardKey, wardLat, wardLon FROM admin_units", con)
    new_point = {(r.provinceKey, r.wardKey): (r.wardLat, r.wardLon) for r in new.itertuples()}
    converter = json.loads((_package_data() / "converter_2025.json").read_text(encoding="utf-8"))
    point: dict[str, tuple[float, float]] = {}
    for province_key, merged in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_key, legacy_keys in merged.items():
            for legacy_key in legacy_keys:
                point[legacy_key] = new_point[(province_key, new_key)]
    for divided in converter["DICT_PROVINCE_WARD_DIVIDED"].values():
        for legacy_key, parts in divided.items():
            main = next((p for p in parts if p["isDefaultNewWard"]), parts[0])
            point[legacy_key] = (main["newWardLat"], main["newWardLon"])
    keys = _ward_keys()
    found = keys["key"].map(point)
    return pd.DataFrame(found.dropna().tolist(), index=found.dropna().index, columns=["lat", "lon"])


@lru_cache(maxsize=1)
def legacy_ward_points() -> pd.DataFrame:
    """The legacy wards (lib.admin.legacy_wards columns) with a `point_source` column, "ward" or "commune_2025"."""
    wards = admin.legacy_wards().copy()
    wards["point_source"] = "ward"
    shared = wards.duplicated(["lat", "lon"], keep=False)
    better = ward_2025_points().reindex(wards.loc[shared, "ward_code"])
    usable = better.notna().all(axis=1).to_numpy()
    rows = wards.index[shared][usable]
    wards.loc[rows, ["lat", "lon"]] = better.to_numpy()[usable]
    wards.loc[rows, "point_source"] = "commune_2025"
    return wards
