"""Finding a unit by name, typed with or without diacritics or capitals ("thanh hoa", "cua lo", "Nghệ An"): the one
matcher of the map's search box and the sidebar's area search, and what selecting a match on the map changes in the
view.
"""
from __future__ import annotations

from functools import lru_cache

from lib import admin
from lib.maps.boundaries import uses_upload
from lib.maps.scope import Scope
from lib.text import ascii_fold


def search_options(scope_: Scope, uploads: dict | None = None) -> list[str]:
    """Units a name search offers: every unit of the level drawn (every commune at the commune level), by name."""
    level = scope_.requested if scope_.requested == "commune" else scope_.level
    labels = search_labels(level)
    if uses_upload(level, uploads):
        return [uid for uid in labels if uid in uploads[level].geometries]
    return list(labels)


@lru_cache(maxsize=None)
def search_labels(level: str) -> dict[str, str]:
    """uid -> 'Thành phố Vinh — Nghệ An (Vinh, Nghe An)': the name with diacritics, its province, and both without
    diacritics so that typing without accents finds it; in alphabetical order of the plain name."""
    u = admin.level_units(level)
    parents = admin.units()["short_name"].reindex(u["parent"]).to_numpy()
    out = {}
    for uid, name, short_name, plain, parent in sorted(
            zip(u.index, u["name"], u["short_name"], u["name_ascii"], parents), key=lambda r: (r[3].lower(), r[0])):
        label, words = name, short_name
        if level in ("district", "commune") and isinstance(parent, str):
            label += f" — {parent}"
            words += f", {parent}"
        if ascii_fold(words) != words:
            label += f" ({ascii_fold(words)})"
        out[uid] = label
    return out


SEARCH_SHOWN = 8  # matches listed under the search box


def search(query: str, uids, label_of=None) -> list[str]:
    """Units whose label holds every word typed, compared without diacritics or case ("thanh hoa", "cua lo",
    "Nghệ An"); names that start with the first word first. `label_of(uid)`: the text searched and shown (by
    default `search_label`; the sidebar's area search passes its own labels)."""
    words = ascii_fold(query).lower().split()
    if not words:
        return []
    label_of = label_of or search_label
    hits = []
    for uid in uids:
        label = ascii_fold(label_of(uid)).lower()
        if all(w in label for w in words):
            plain = ascii_fold(admin.units().at[uid, "short_name"]).lower() if uid in admin.units().index else label
            hits.append((0 if plain.startswith(words[0]) else 1, label, uid))
    return [uid for _, _, uid in sorted(hits)]


def search_label(uid: str) -> str:
    return search_labels(uid.split(":")[0]).get(uid, uid)


def search_changes(uid: str) -> dict:
    """Select a unit found by name: districts and communes open their province's map (so the link reopens it)."""
    unit_level = uid.split(":")[0]
    if unit_level == "district":
        return {"level": "district", "area": admin.units().at[uid, "parent"], "unit": uid}
    if unit_level == "commune":
        return {"level": "commune", "area": admin.units().at[uid, "province_2025"], "unit": uid}
    return {"unit": uid}
