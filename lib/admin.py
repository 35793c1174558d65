"""Vietnam's administrative units, legacy and 2025, from the `vietnamadminunits` package, and name matching.

Levels (the `level` part of every unit id):
- ``national``: the country, code ``VN``;
- ``province``: the 63 provinces before 1 July 2025 (GSO 2-digit codes);
- ``district``: the 696 districts of early 2025 (GSO 3-digit codes);
- ``province_2025``: the 34 provinces from 1 July 2025 (GSO 2-digit codes; the same code can mean another area
  than in ``province``: ``15`` is Yên Bái before and Lào Cai after);
- ``commune``: the 3,321 communes and wards from 1 July 2025 (GSO 5-digit codes).

A unit id is ``"{level}:{code}"``, e.g. ``province:40`` (Nghệ An), ``district:760`` (Quận 1).
"""
from __future__ import annotations

import difflib
import json
import sqlite3
from dataclasses import dataclass, field
from functools import lru_cache
import importlib.util
from pathlib import Path

import pandas as pd

from lib.text import ascii_fold, name_variants

NATIONAL_ID = "national:VN"
LEVELS = ("national", "province", "district", "province_2025", "commune")
LEGACY_LEVELS = ("national", "province", "district")
LEVELS_2025 = ("national", "province_2025", "commune")
MAP_LEVELS = ("province", "province_2025", "district", "commune")  # the levels a map or a ranking can show
PROVINCE_LEVELS = ("province", "province_2025")
LOCAL_LEVELS = ("district", "commune")  # below a province: named with their province
CODE_WIDTH = {"province": 2, "district": 3, "province_2025": 2, "commune": 5}
PARENT_LEVEL = {"province": "national", "district": "province", "province_2025": "national", "commune": "province_2025"}
CHILD_LEVEL = {v: k for k, v in PARENT_LEVEL.items() if k != "province_2025"} | {"province_2025": "commune"}
ALIASES_CSV = Path(__file__).resolve().parent.parent / "data" / "aliases.csv"


def unit_id(level: str, code: str) -> str:
    return f"{level}:{code}"


def split_unit_id(uid: str) -> tuple[str, str]:
    level, _, code = uid.partition(":")
    return level, code


def _package_data() -> Path:
    """The package's data folder, found without importing the package (its import costs most of a second)."""
    spec = importlib.util.find_spec("vietnamadminunits")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("the vietnamadminunits package is not installed (make run installs it)")
    return Path(list(spec.submodule_search_locations)[0]) / "data"


def _db_path() -> Path:
    return _package_data() / "dataset.db"


@lru_cache(maxsize=1)
def _raw_tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    with sqlite3.connect(f"file:{_db_path()}?mode=ro", uri=True) as con:
        legacy = pd.read_sql_query(
            "SELECT province, provinceShort, provinceCode, provinceLat, provinceLon, provinceKey, "
            "district, districtShort, districtType, districtCode, districtLat, districtLon, "
            "ward, wardShort, wardType, wardCode, wardLat, wardLon FROM admin_units_legacy",
            con,
        )
        new = pd.read_sql_query(
            "SELECT province, provinceShort, provinceCode, provinceLat, provinceLon, provinceKey, "
            "ward, wardShort, wardType, wardCode, wardLat, wardLon, wardAreaKm2 FROM admin_units",
            con,
        )
    return legacy, new


def _unit_type(full: str, short: str) -> str:
    """'Thành phố Hà Nội', 'Hà Nội' -> 'Thành phố'."""
    full, short = str(full), str(short)
    return full[: len(full) - len(short)].strip() if full.endswith(short) and full != short else full.split(" ")[0]


@lru_cache(maxsize=1)
def units() -> pd.DataFrame:
    """Every unit at every level, one row each, indexed by unit id.

    Columns: level, code, name (official, with prefix), short_name, name_ascii (short name without diacritics),
    unit_type, parent (unit id), province_2025 (unit id of the 2025 province the unit lies in; legacy units map whole),
    lat, lon, area_km2 (communes only, from the package).
    """
    legacy, new = _raw_tables()
    crosswalk = legacy_to_2025_province_codes()
    rows = [dict(uid=NATIONAL_ID, level="national", code="VN", name="Việt Nam", short_name="Việt Nam",
                 unit_type="Quốc gia", parent=None, province_2025=None, lat=16.0, lon=106.0, area_km2=None)]
    for r in legacy.drop_duplicates("provinceCode").itertuples():
        rows.append(dict(uid=unit_id("province", r.provinceCode), level="province", code=r.provinceCode,
                         name=r.province, short_name=r.provinceShort, unit_type=_unit_type(r.province, r.provinceShort),
                         parent=NATIONAL_ID, province_2025=unit_id("province_2025", crosswalk[r.provinceCode]),
                         lat=r.provinceLat, lon=r.provinceLon, area_km2=None))
    for r in legacy.drop_duplicates("districtCode").itertuples():
        short = r.districtShort.split(" (")[0]  # "Kỳ Anh (Huyện)" -> "Kỳ Anh"; the type tells them apart
        rows.append(dict(uid=unit_id("district", r.districtCode), level="district", code=r.districtCode,
                         name=r.district, short_name=short, unit_type=r.districtType,
                         parent=unit_id("province", r.provinceCode),
                         province_2025=unit_id("province_2025", crosswalk[r.provinceCode]),
                         lat=r.districtLat, lon=r.districtLon, area_km2=None))
    for r in new.drop_duplicates("provinceCode").itertuples():
        rows.append(dict(uid=unit_id("province_2025", r.provinceCode), level="province_2025", code=r.provinceCode,
                         name=r.province, short_name=r.provinceShort, unit_type=_unit_type(r.province, r.provinceShort),
                         parent=NATIONAL_ID, province_2025=unit_id("province_2025", r.provinceCode),
                         lat=r.provinceLat, lon=r.provinceLon, area_km2=None))
    for r in new.itertuples():
        rows.append(dict(uid=unit_id("commune", r.wardCode), level="commune", code=r.wardCode, name=r.ward,
                         short_name=r.wardShort, unit_type=r.wardType,
                         parent=unit_id("province_2025", r.provinceCode),
                         province_2025=unit_id("province_2025", r.provinceCode),
                         lat=r.wardLat, lon=r.wardLon, area_km2=r.wardAreaKm2))
    df = pd.DataFrame(rows).set_index("uid")
    df["name_ascii"] = df["short_name"].map(ascii_fold)
    return df


@lru_cache(maxsize=1)
def legacy_to_2025_province_codes() -> dict[str, str]:
    """Legacy province code -> 2025 province code. Mergers were of whole provinces (converter_2025.json)."""
    legacy, new = _raw_tables()
    path = _package_data() / "converter_2025.json"
    merged = json.loads(path.read_text(encoding="utf-8"))["DICT_PROVINCE"]
    legacy_code = dict(zip(legacy["provinceKey"], legacy["provinceCode"]))
    new_code = dict(zip(new["provinceKey"], new["provinceCode"]))
    out = {}
    for new_key, old_keys in merged.items():
        for old_key in old_keys:
            out[legacy_code[old_key]] = new_code[new_key]
    return out


def legacy_wards() -> pd.DataFrame:
    """The 10,035 legacy wards with their district and centroid (used to place district polygons)."""
    legacy, _ = _raw_tables()
    wards = legacy.dropna(subset=["wardCode"])
    return pd.DataFrame({
        "ward_code": wards["wardCode"], "ward": wards["ward"], "district": "district:" + wards["districtCode"],
        "province": "province:" + wards["provinceCode"], "lat": wards["wardLat"], "lon": wards["wardLon"],
    }).reset_index(drop=True)


def level_units(level: str) -> pd.DataFrame:
    u = units()
    return u[u["level"] == level]


def children(uid: str) -> list[str]:
    u = units()
    return u.index[u["parent"] == uid].tolist()


def display_name(uid: str, with_parent: bool = False) -> str:
    """A unit's full name ('Thành phố Vinh', with the province: 'Thành phố Vinh (Nghệ An)'); language-free."""
    u = units()
    if uid not in u.index:
        return uid
    row = u.loc[uid]
    if with_parent and row["parent"] not in (None, NATIONAL_ID) and row["parent"] in u.index:
        return f"{row['name']} ({u.loc[row['parent'], 'short_name']})"
    return row["name"]


def label(uid: str, lang: str, with_parent: bool = False, with_level: bool = False, full: bool = False) -> str:
    """The one language-aware unit label (pure; every page and export names units through it).

    - the nation: 'Toàn quốc' / 'National';
    - a province: 'Nghệ An' ('Tỉnh Nghệ An' with `full`); `with_level` adds '(tỉnh)';
    - a 2025 province always says so: 'Hải Phòng (tỉnh mới 2025)' (the same name can mean another area before);
    - a district or commune: its full name, 'Thành phố Vinh', and with `with_parent` its province:
      'Thành phố Vinh (Nghệ An)'.
    An id that is not a known unit comes back as it is (callers validate ids before)."""
    from lib.i18n import t

    if uid == NATIONAL_ID:
        return t("common.national", lang)
    u = units()
    if uid not in u.index:
        return uid
    level = str(u.at[uid, "level"])
    if level in ("district", "commune"):
        return display_name(uid, with_parent=with_parent)
    name = str(u.at[uid, "name"] if full else u.at[uid, "short_name"])
    if level == "province_2025" or with_level:
        return f"{name} ({t('level.suffix.' + level, lang)})"
    return name


# ---------------------------------------------------------------------------------------------------------------
# Name matching


@dataclass
class Match:
    """Result of resolving one name: the unit id, or why not (unknown / ambiguous) with the closest candidates."""

    query: str
    uid: str | None = None
    problem: str | None = None  # "unknown" | "ambiguous"
    candidates: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.uid is not None


@lru_cache(maxsize=1)
def _aliases() -> dict[tuple[str, str], str]:
    """(level, key) -> code, from data/aliases.csv (former and English names: 'Thừa Thiên Huế', 'HCMC', 'Saigon')."""
    if not ALIASES_CSV.exists():
        return {}
    df = pd.read_csv(ALIASES_CSV, dtype=str, comment="#")
    out = {}
    for r in df.itertuples():
        for _, key in name_variants(r.alias):
            out[(r.level, key)] = r.code.zfill(CODE_WIDTH[r.level])
    return out


@lru_cache(maxsize=None)
def _index(level: str) -> dict[str, list[str]]:
    """Matching key -> unit ids at a level (several where the short name repeats: 'Châu Thành')."""
    idx: dict[str, list[str]] = {}
    for uid, row in level_units(level).iterrows():
        keys = {k for _, k in name_variants(row["short_name"])} | {k for _, k in name_variants(row["name"])}
        for key in keys:
            idx.setdefault(key, []).append(uid)
    for (alias_level, key), code in _aliases().items():
        if alias_level == level:
            uid = unit_id(level, code)
            if uid not in idx.setdefault(key, []):
                idx[key].append(uid)
    return idx


def resolve(level: str, name, parent: str | None = None) -> Match:
    """Find the unit at `level` that `name` means, within `parent` (a unit id) when given.

    Names match with or without diacritics, prefixes (Tỉnh, Thành phố, TP., Huyện, Quận, Thị xã, H. ...) and in any
    case; a value of digits is read as a GSO code. An ambiguous name ('Châu Thành' without its province) or an
    unknown one returns the closest candidates instead of a guess.
    """
    query = "" if name is None else str(name).strip()
    if not query or query.lower() == "nan":
        return Match(query, problem="unknown")
    u = units()
    if level == "national":
        key = name_variants(query)[0][1]
        if key in ("vietnam", "vn", "national", "toanquoc", "canuoc", "quocgia"):
            return Match(query, uid=NATIONAL_ID)
        return Match(query, problem="unknown", candidates=[NATIONAL_ID])
    digits = query.replace(" ", "")
    if digits.endswith(".0"):  # a code that went through a spreadsheet as a number
        digits = digits[:-2]
    if digits.isdigit():
        uid = unit_id(level, digits.zfill(CODE_WIDTH[level]))
        if uid in u.index and (parent is None or u.loc[uid, "parent"] == parent):
            return Match(query, uid=uid)
        return Match(query, problem="unknown")
    idx = _index(level)
    for unit_type, key in name_variants(query):
        found = idx.get(key, [])
        if parent is not None:
            found = [uid for uid in found if u.loc[uid, "parent"] == parent]
        if len(found) > 1 and unit_type is not None:
            typed = [uid for uid in found if u.loc[uid, "unit_type"] == unit_type]
            found = typed or found
        if len(found) == 1:
            return Match(query, uid=found[0])
        if len(found) > 1:
            return Match(query, problem="ambiguous", candidates=found)
    return Match(query, problem="unknown", candidates=closest(level, query, parent))


def closest(level: str, name: str, parent: str | None = None, n: int = 5) -> list[str]:
    """Unit ids whose names are closest to `name` (for 'did you mean' messages)."""
    idx = _index(level)
    u = units()
    keys = list(idx)
    if parent is not None:
        keys = [k for k in keys if any(u.loc[uid, "parent"] == parent for uid in idx[k])]
    out: list[str] = []
    for key in difflib.get_close_matches(name_variants(name)[0][1], keys, n=n, cutoff=0.6):
        for uid in idx[key]:
            if (parent is None or u.loc[uid, "parent"] == parent) and uid not in out:
                out.append(uid)
    return out[:n]


def describe_candidates(uids: list[str]) -> str:
    return "; ".join(display_name(uid, with_parent=True) for uid in uids)


@lru_cache(maxsize=1)
def former_districts() -> dict[str, list[tuple[str, str, int, str]]]:
    """Districts that no longer exist (data/former_district_names.csv), by every variant of their name: name key ->
    [(province id, the district codes they became part of, year of the change, legal basis)]."""
    path = ALIASES_CSV.parent / "former_district_names.csv"
    out: dict[str, list[tuple[str, str, int, str]]] = {}
    if not path.exists():
        return out
    df = pd.read_csv(path, dtype=str, comment="#").fillna("")
    for r in df.itertuples():
        entry = (f"province:{r.province_code.zfill(2)}", str(r.current_codes), int(r.effective), r.basis)
        keys = {key for text in (f"{r.former_type} {r.former_name}".strip(), r.former_name)
                for _, key in name_variants(text)}
        for key in keys:
            out.setdefault(key, []).append(entry)
    return out
