"""Boundaries the user brings: a GeoJSON, GeoPackage or zipped shapefile, matched to admin units by a code or name
column, repaired where invalid, and reported unit by unit. No Streamlit; the Map page keeps the result in the session
and draws it instead of the bundled layer of its level.

`read_boundaries(name, data, level=None)` never raises on bad input: it returns an `UploadResult` whose `problems`
say what was wrong (errors: nothing loaded) or what was done (warnings: repaired, merged, dropped, assumed; info:
converted, simplified), as every input file's problems are reported (lib.ingest.problems, messages under
problem.boundary.*), whose
`unmatched` lists every feature that matches no unit (with the closest names), and whose `missing` lists the units
of the level the file has no boundary for.
"""
from __future__ import annotations

import dataclasses
import logging
import tempfile
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from lib import admin
from lib.geo.layers import geojson_geometry
from lib.ingest.problems import Localised, Num, Problem, Term
from lib.text import name_variants

LEVELS = ("province", "district", "province_2025", "commune")
# The file types read, each with the catalog word that names its format in a message (problem.boundary.format_*).
SUFFIXES = {".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg", ".zip": "zip"}
# Larger files are refused with a problem: reading, repairing and matching a 50 MB GeoJSON takes minutes and over a
# gigabyte of memory on the server, and the map could only draw it simplified (VERTEX_BUDGET) anyway.
MAX_UPLOAD_BYTES = 30_000_000
MAX_UNZIPPED_BYTES = 60_000_000
log = logging.getLogger(__name__)
# Points a level may keep for the browser (about 40 bytes each in the map's JSON); larger files are simplified.
VERTEX_BUDGET = {"province": 40_000, "province_2025": 40_000, "district": 60_000, "commune": 120_000}
VIETNAM_BBOX = (101.0, 6.0, 118.5, 24.5)  # mainland and both archipelagos, with a margin
PARENT = {"district": "province", "commune": "province_2025"}
MIN_SHARE = 0.5  # a key column must match at least this share of the features
SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
MAX_LISTED = 20  # units named one by one in a warning about merged features


def _problem(severity: str, code: str, params: dict | None = None, row: int | None = None, column: str | None = None,
             file: str = "") -> Problem:
    """One finding, as every input file reports them (lib.ingest.problems): its message is problem.boundary.<code>,
    `row` is the feature number in the file (1-based) where it concerns one feature. read_boundaries names the file."""
    return Problem(file, row, column, f"boundary.{code}", dict(params or {}), severity)


@dataclass(frozen=True)
class LevelText(Localised):
    """A boundary level in a message, as the level picker names it ('Huyện', '63 provinces (before 2025)')."""
    levels: tuple[str, ...]

    def text(self, lang: str) -> str:
        from lib.maps.scope import level_label

        return " / ".join(level_label(lv, lang) for lv in self.levels)


def _format(suffix: str) -> Term:
    return Term(f"problem.boundary.format_{SUFFIXES[suffix]}")


def _n(value: int) -> Num:
    return Num(value, 0)


@dataclass
class BoundaryUpload:
    """Boundaries ready to draw for one level."""

    name: str  # the file name (user text: show as text)
    level: str
    column: str  # the column matched to units
    layer: gpd.GeoDataFrame  # indexed by unit id, EPSG:4326
    geometries: dict  # unit id -> GeoJSON geometry, rounded like the bundled layers
    features: int  # features read from the file


@dataclass
class UploadResult:
    file: str
    upload: BoundaryUpload | None
    problems: list[Problem] = field(default_factory=list)
    unmatched: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["row", "value", "problem",
                                                                                  "candidates"]))
    missing: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.upload is not None and not any(p.severity == "error" for p in self.problems)

    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


class _Refused(Exception):
    def __init__(self, code: str, **params):
        super().__init__(code)
        self.problem = _problem("error", code, params)


# -- reading -----------------------------------------------------------------------------------------------------------
def read_boundaries(name: str, data: bytes, level: str | None = None) -> UploadResult:
    """Read, repair, match and report. `level` is one of LEVELS, or None to detect it from the key column."""
    try:
        result = _read_boundaries(name, data, level)
        result.problems = [dataclasses.replace(p, file=name) for p in result.problems]
        return result
    except Exception as exc:  # noqa: BLE001 - the boundary: no exception from a file reaches the user
        log.info("reading boundaries %r failed", name, exc_info=True)
        return UploadResult(name, None, [_problem("error", "failed", {"error": type(exc).__name__}, file=name)])


def _read_boundaries(name: str, data: bytes, level: str | None) -> UploadResult:
    problems: list[Problem] = []
    try:
        if len(data) > MAX_UPLOAD_BYTES:
            raise _Refused("too_large", mb=_n(round(len(data) / 1_000_000)),
                           limit=_n(MAX_UPLOAD_BYTES // 1_000_000))
        frame = _read_frame(name, data, problems)
        frame = _clean(frame, problems)
        column, level, parent_column = _key_column(frame, level, problems)
        layer, unmatched = _match(frame, column, level, parent_column, problems)
    except _Refused as refused:
        return UploadResult(name, None, problems + [refused.problem])
    if layer.empty:
        problems.append(_problem("error", "nothing_matched", {"column": column}, column=column))
        return UploadResult(name, None, problems, unmatched)
    layer = _fit_budget(layer, level, problems)
    missing = sorted(set(admin.level_units(level).index) - set(layer.index))
    if missing:
        problems.append(_problem("warning", "missing_units", {"n": _n(len(missing)), "level_n":
                                _n(len(admin.level_units(level)))}))
    geoms = {uid: geojson_geometry(geom) for uid, geom in zip(layer.index, layer.geometry)}
    upload = BoundaryUpload(name=name, level=level, column=column, layer=layer, geometries=geoms,
                            features=len(frame))
    return UploadResult(name, upload, problems, unmatched, missing)


def _read_frame(name: str, data: bytes, problems: list[Problem]) -> gpd.GeoDataFrame:
    import pyogrio

    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise _Refused("unsupported", suffix=suffix or Term("problem.boundary.no_suffix"))
    if not data:
        raise _Refused("empty_file")
    with tempfile.TemporaryDirectory(prefix="boundaries-") as tmp:
        if suffix == ".zip":
            path = _extract_shapefile(data, Path(tmp), problems)
        else:
            path = Path(tmp) / f"upload{suffix}"
            path.write_bytes(data)
        try:
            listed = pyogrio.list_layers(path)
        except Exception as exc:  # GDAL's messages say what it could not read
            raise _Refused("unreadable", format=_format(suffix), error=_short(exc)) from None
        polygonal = [str(n) for n, g in listed if g is None or "polygon" in str(g).lower() or str(g) == "Unknown"]
        if not polygonal:
            raise _Refused("no_polygons", layers=", ".join(f"{n} ({g})" for n, g in listed) or "–")
        if len(listed) > 1:
            problems.append(_problem("warning", "first_layer", {"layer": polygonal[0], "n": _n(len(listed))}))
        try:
            frame = pyogrio.read_dataframe(path, layer=polygonal[0])
        except Exception as exc:
            raise _Refused("unreadable", format=_format(suffix), error=_short(exc)) from None
    if frame.empty:
        raise _Refused("no_features")
    return frame


def _extract_shapefile(data: bytes, folder: Path, problems: list[Problem]) -> Path:
    """The one shapefile in a zip (in any sub-folder), extracted by base name only (no path from the archive is
    used), with its .shx, .dbf, .prj and .cpg."""
    import io

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise _Refused("bad_zip") from None
    with archive:
        entries = [i for i in archive.infolist() if not i.is_dir() and "__MACOSX" not in i.filename]
        if sum(i.file_size for i in entries) > MAX_UNZIPPED_BYTES:
            raise _Refused("zip_too_big", mb=_n(MAX_UNZIPPED_BYTES // 1_000_000))
        if len(entries) > 1000:
            raise _Refused("zip_too_big", mb=_n(MAX_UNZIPPED_BYTES // 1_000_000))
        shps = sorted(i.filename for i in entries if i.filename.lower().endswith(".shp"))
        if not shps:
            listing = ", ".join(PurePosixPath(i.filename).name for i in entries[:12]) or "–"
            raise _Refused("no_shapefile", files=listing)
        if len(shps) > 1:
            problems.append(_problem("warning", "several_shapefiles",
                                    {"used": PurePosixPath(shps[0]).name, "n": _n(len(shps))}))
        stem = shps[0][:-4].lower()
        for info in entries:
            lower = info.filename.lower()
            if lower[:-4] == stem and lower[-4:] in SHAPEFILE_PARTS:
                (folder / ("upload" + lower[-4:])).write_bytes(archive.read(info))
    if not (folder / "upload.dbf").exists() or not (folder / "upload.shx").exists():
        raise _Refused("shapefile_parts")
    return folder / "upload.shp"


def _short(exc: Exception, limit: int = 200) -> str:
    text = " ".join(str(exc).split())
    for noise in ("/vsimem/", str(Path(tempfile.gettempdir()))):
        text = text.replace(noise, "")
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- geometry ----------------------------------------------------------------------------------------------------------
def _clean(frame: gpd.GeoDataFrame, problems: list[Problem]) -> gpd.GeoDataFrame:
    """Lon/lat, polygons only, valid: null and non-polygon features are dropped and named, invalid ones repaired
    with make_valid and named, a file without a CRS is read as lon/lat when its coordinates are."""
    frame = frame.reset_index(drop=True)
    frame["_row"] = np.arange(1, len(frame) + 1)
    empty = frame.geometry.isna() | frame.geometry.is_empty
    for row in frame.loc[empty, "_row"]:
        problems.append(_problem("warning", "no_geometry", row=int(row)))
    frame = frame[~empty]
    if frame.empty:
        raise _Refused("no_features")
    # Coordinates that are not numbers (NaN, infinite) make no shape: dropped and named like empty ones.
    bounds = frame.geometry.bounds.to_numpy(float)
    broken = ~np.isfinite(bounds).all(axis=1)
    for row in frame.loc[broken, "_row"]:
        problems.append(_problem("warning", "no_geometry", row=int(row)))
    frame = frame[~broken]
    if frame.empty:
        raise _Refused("no_features")
    if frame.crs is None:
        x0, y0, x1, y1 = frame.total_bounds
        if -180 <= x0 <= x1 <= 180 and -90 <= y0 <= y1 <= 90:
            frame = frame.set_crs(4326)
            problems.append(_problem("warning", "no_crs_assumed"))
        else:
            raise _Refused("no_crs")
    elif not frame.crs.equals(gpd.GeoSeries([], crs=4326).crs):
        source = frame.crs.to_string()
        try:
            frame = frame.to_crs(4326)
        except Exception as exc:
            raise _Refused("bad_crs", crs=source, error=_short(exc)) from None
        problems.append(_problem("info", "reprojected", {"crs": source}))
    x0, y0, x1, y1 = frame.total_bounds
    vx0, vy0, vx1, vy1 = VIETNAM_BBOX
    if not np.isfinite([x0, y0, x1, y1]).all() or x1 < vx0 or x0 > vx1 or y1 < vy0 or y0 > vy1:
        raise _Refused("not_vietnam", bounds=f"{x0:.2f}, {y0:.2f}, {x1:.2f}, {y1:.2f}")
    geoms = frame.geometry.to_numpy()
    invalid = ~shapely.is_valid(geoms)
    if invalid.any():
        geoms = geoms.copy()
        geoms[invalid] = shapely.make_valid(geoms[invalid])
        for row in frame.loc[invalid, "_row"]:
            problems.append(_problem("warning", "repaired", row=int(row)))
    polygonal = np.array([_polygons(g) for g in geoms], dtype=object)
    lost = np.array([g is None for g in polygonal])
    for row in frame.loc[lost, "_row"]:
        problems.append(_problem("warning", "not_polygon", row=int(row)))
    frame = frame.set_geometry(gpd.GeoSeries(polygonal, index=frame.index, crs=4326))
    frame = frame[~lost]
    if frame.empty:
        raise _Refused("no_polygon_features")
    return frame


def _polygons(geom):
    """The polygonal part of a geometry (a repaired polygon may come back as a collection), or None."""
    if geom is None or geom.is_empty:
        return None
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    if geom.geom_type == "GeometryCollection":
        parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
        return shapely.union_all(parts) if parts else None
    return None


def _fit_budget(layer: gpd.GeoDataFrame, level: str, problems: list[Problem]) -> gpd.GeoDataFrame:
    """Simplify a detailed file so the map stays quick to send (topology kept where the polygons form a coverage)."""
    budget = VERTEX_BUDGET[level]
    geoms = layer.geometry.to_numpy()
    before = int(shapely.get_num_coordinates(geoms).sum())
    if before <= budget:
        return layer
    coverage = bool(shapely.coverage_is_valid(geoms))

    def simplified(tol):
        out = shapely.coverage_simplify(geoms, tol) if coverage else shapely.simplify(geoms, tol,
                                                                                          preserve_topology=True)
        return shapely.make_valid(out) if not coverage else out

    lo, hi = 0.0, 0.02
    while int(shapely.get_num_coordinates(simplified(hi)).sum()) > budget and hi < 1.0:
        hi *= 2
    for _ in range(12):
        mid = (lo + hi) / 2
        if int(shapely.get_num_coordinates(simplified(mid)).sum()) > budget:
            lo = mid
        else:
            hi = mid
    out = np.array([_polygons(g) for g in simplified(hi)], dtype=object)
    keep = np.array([g is not None for g in out])
    layer = layer.iloc[keep].set_geometry(gpd.GeoSeries(out[keep], index=layer.index[keep], crs=4326))
    after = int(shapely.get_num_coordinates(layer.geometry.to_numpy()).sum())
    problems.append(_problem("info", "simplified", {"before": _n(before), "after": _n(after)}))
    return layer


# -- matching ----------------------------------------------------------------------------------------------------------
@lru_cache(maxsize=None)
def _level_keys(level: str) -> tuple[frozenset, frozenset]:
    """Name keys (no diacritics, no prefix) and GSO codes of a level, for scoring columns quickly."""
    units = admin.level_units(level)
    keys = set()
    for short, full in zip(units["short_name"], units["name"]):
        keys.update(k for _, k in name_variants(short))
        keys.update(k for _, k in name_variants(full))
    return frozenset(keys), frozenset(units["code"])


def _resolve(level: str, text: str | None, parent: str | None = None) -> admin.Match:
    """admin.resolve, for any text a file may hold: a name with no letter or digit ("-", "…") matches nothing."""
    if not text or (not name_variants(text) and not text.replace(" ", "").removesuffix(".0").isdigit()):
        return admin.Match(text or "", problem="unknown")
    return admin.resolve(level, text, parent)


def _as_text(value) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


def _score(values: list[str], level: str) -> tuple[float, int]:
    """Share of values that look like a code or name of the level, and how many distinct units they name."""
    keys, codes = _level_keys(level)
    width = admin.CODE_WIDTH[level]
    hits, matched = set(), 0
    for v in values:
        digits = v.replace(" ", "")
        if digits.isdigit():
            if len(digits) <= width and digits.zfill(width) in codes:
                matched += 1
                hits.add(digits.zfill(width))
            continue
        key = next((k for _, k in name_variants(v) if k in keys), None)
        if key is not None:
            matched += 1
            hits.add(key)
    return (matched / len(values) if values else 0.0), len(hits)


def _key_column(frame: gpd.GeoDataFrame, level: str | None,
                problems: list[Problem]) -> tuple[str, str, str | None]:
    """The column (and level, when not given) whose values best match unit codes or names; and for districts and
    communes a column naming their province, to tell apart units that share a name."""
    columns = [c for c in frame.columns if c not in (frame.geometry.name, "_row")]
    texts = {c: [t for t in (_as_text(v) for v in frame[c]) if t is not None] for c in columns}
    texts = {c: v for c, v in texts.items() if v}
    if not texts:
        raise _Refused("no_columns")
    levels = [level] if level else list(LEVELS)
    best = None
    for lv in levels:
        n_units = len(admin.level_units(lv))
        for c, values in texts.items():
            share, distinct = _score(values, lv)
            # One feature per unit: a column that names a different unit in most features wins (a district file's
            # province column matches every feature, but names only 63 units). Between levels that fit as well,
            # the one whose units the file covers best (a 34-province file also matches 34 legacy names).
            fit = share * min(distinct / len(values), 1.0)
            rank = (round(fit, 2), min(distinct / n_units, 1.0), round(share, 3))
            if best is None or rank > best[0]:
                best = (rank, c, lv, share)
    _, column, chosen, share = best
    if share < MIN_SHARE:
        raise _Refused("no_key_column", columns=", ".join(map(str, texts)),
                       level=LevelText((chosen,) if level else LEVELS))
    parent_column = None
    if chosen in PARENT:
        for c, values in texts.items():
            if c != column and _score(values, PARENT[chosen])[0] >= 0.8:
                parent_column = c
                break
    problems.append(_problem("info", "key_column", {"column": column, "level": LevelText((chosen,)),
                                                                "parent": parent_column or "–"}, column=column))
    return column, chosen, parent_column


def _match(frame: gpd.GeoDataFrame, column: str, level: str, parent_column: str | None,
           problems: list[Problem]) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    parents: dict[str, str | None] = {}
    uids, unmatched = [], []
    for row, value, parent_value in zip(frame["_row"], frame[column],
                                        frame[parent_column] if parent_column else [None] * len(frame)):
        text = _as_text(value)
        parent = None
        if parent_column:
            ptext = _as_text(parent_value)
            if ptext not in parents:
                m = _resolve(PARENT[level], ptext) if ptext else None
                parents[ptext] = m.uid if m is not None and m.ok else None
            parent = parents[ptext]
        match = _resolve(level, text, parent)
        if not match.ok and parent is not None:
            match = _resolve(level, text)
        if match.ok:
            uids.append(match.uid)
            continue
        uids.append(None)
        unmatched.append({"row": int(row), "value": text or "", "problem": match.problem or "unknown",
                          "candidates": admin.describe_candidates(match.candidates)})
    frame = frame.assign(_uid=uids)
    if unmatched:
        problems.append(_problem("warning", "unmatched", {"n": _n(len(unmatched)), "total": _n(len(frame))}))
    matched = frame[frame["_uid"].notna()]
    duplicated = matched["_uid"].duplicated(keep=False)
    if duplicated.any():
        groups = list(matched[duplicated].groupby("_uid", sort=False)["_row"])
        for uid, rows in groups[:MAX_LISTED]:
            problems.append(_problem("warning", "merged_features",
                                    {"unit": admin.display_name(uid, with_parent=True),
                                     "rows": ", ".join(str(int(r)) for r in rows)}))
        if len(groups) > MAX_LISTED:
            problems.append(_problem("warning", "merged_more", {"n": _n(len(groups) - MAX_LISTED)}))
    geoms = matched.groupby("_uid", sort=False)["geometry"].agg(lambda s: shapely.union_all(s.to_numpy()))
    index = pd.Index(geoms.index, name="uid")
    layer = gpd.GeoDataFrame({"approximate": False}, index=index,
                             geometry=gpd.GeoSeries(geoms.to_numpy(), index=index, crs=4326))
    for i, p in enumerate(problems):  # name the repaired features by their unit where they matched one
        if p.row is not None and p.code == "boundary.repaired":
            hit = matched.loc[matched["_row"] == p.row, "_uid"]
            if len(hit):
                problems[i] = _problem("warning", "repaired_in", {"unit": admin.display_name(hit.iloc[0],
                                                                                             with_parent=True)}, p.row)
    return layer, pd.DataFrame(unmatched, columns=["row", "value", "problem", "candidates"])
