"""Text helpers for Vietnamese names: ASCII folding and the keys names are matched on."""
from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def ascii_fold(text: str) -> str:
    """'Thành phố Hồ Chí Minh' -> 'Thanh pho Ho Chi Minh' (đ/Đ become d/D)."""
    text = unicodedata.normalize("NFKD", str(text).replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def _nfc_lower(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", str(text)).lower().split())


# Administrative prefixes and the unit type they name. With diacritics they are unambiguous ("Tỉnh" is not "Tịnh",
# "Quận" is not "Quan"); typed without diacritics they may also be the first word of a name ("Tinh Bien", "Quan Hoa"),
# so an ASCII name is tried both ways.
_PREFIX_TYPES = {
    "tỉnh": "Tỉnh", "thành phố": "Thành phố", "huyện": "Huyện", "quận": "Quận", "thị xã": "Thị xã",
    "thị trấn": "Thị trấn", "phường": "Phường", "xã": "Xã", "đặc khu": "Đặc khu",
}
_ABBREVIATIONS = {
    "tp.": "Thành phố", "tp": "Thành phố", "t.p.": "Thành phố", "t.p": "Thành phố", "h.": "Huyện", "q.": "Quận",
    "q": "Quận", "tx.": "Thị xã", "tx": "Thị xã", "tt.": "Thị trấn", "p.": "Phường", "x.": "Xã",
}
_ASCII_PREFIXES = {ascii_fold(k): v for k, v in _PREFIX_TYPES.items()}
_SUFFIXES = {"province", "city", "district", "town", "municipality", "commune", "ward"}


def _strip(name: str, prefixes: dict[str, str]) -> tuple[str | None, str] | None:
    for prefix in sorted(prefixes, key=len, reverse=True):
        if not name.startswith(prefix):
            continue
        rest = name[len(prefix):]
        # A prefix is a whole word ("quận 1", "tp. huế", "q.1", "q1"), never the start of a longer word ("quảng").
        whole_word = prefix.endswith(".") or rest[:1] in (" ", "-") or (prefix in ("q", "quận") and rest[:1].isdigit())
        rest = rest.strip(" -.")
        if whole_word and rest:
            return prefixes[prefix], rest
    return None


def _key(rest: str) -> str:
    words = ascii_fold(rest).lower().replace("-", " ").split()
    while len(words) > 1 and words[-1] in _SUFFIXES:
        words = words[:-1]
    if len(words) == 2 and words[0] == "district" and words[1].isdigit():  # "District 1"
        words = words[1:]
    key = _NON_ALNUM.sub("", "".join(words))
    return key.lstrip("0") or "0" if key.isdigit() else key  # "Quận 01" is "Quận 1"


def name_variants(name: str) -> list[tuple[str | None, str]]:
    """Readings of a unit name, best first: (unit type named by its prefix or None, matching key).

    The key has no diacritics, no administrative prefix or English suffix, and only lower-case letters and digits:
    'Thành phố Hồ Chí Minh', 'ho chi minh city' and 'TP. Hồ Chí Minh' all give 'hochiminh'; 'Quận 1', 'Q.1' and
    'District 1' give '1'. 'Tinh Bien' (no diacritics) reads both as the district 'tinhbien' and as a province 'bien'.
    """
    text = _nfc_lower(name)
    variants: list[tuple[str | None, str]] = []
    has_marks = ascii_fold(text) != text
    stripped = _strip(text, {**_PREFIX_TYPES, **_ABBREVIATIONS}) if has_marks else None
    if stripped is None and not has_marks:
        stripped = _strip(text, {**_ASCII_PREFIXES, **_ABBREVIATIONS})
        if stripped is not None:
            variants.append((stripped[0], _key(stripped[1])))
            variants.append((None, _key(text)))
            return _dedupe(variants)
    if stripped is not None:
        variants.append((stripped[0], _key(stripped[1])))
    else:
        variants.append((None, _key(text)))
    return _dedupe(variants)


def _dedupe(variants):
    seen, out = set(), []
    for v in variants:
        if v[1] and v not in seen:
            seen.add(v)
            out.append(v)
    return out


def match_key(name: str) -> str:
    """The first (best) matching key of a name."""
    variants = name_variants(name)
    return variants[0][1] if variants else ""


def looks_like_formula(text) -> bool:
    """Cells a spreadsheet would run as a formula when a CSV is opened (CSV injection)."""
    return isinstance(text, str) and text[:1] in ("=", "+", "-", "@", "\t", "\r")
