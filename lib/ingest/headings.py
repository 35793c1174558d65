"""Column headings and row labels of real reports, understood from lib/catalog/headings.toml (data, not code).

`match(heading)` -> the metric id or role a heading means ("Tỷ lệ bao phủ BHYT (%)" -> hi_coverage_pct, "Đơn vị" ->
unit), or None. `row_kind(label)` -> "total" | "signature" | None for a row's label.
"""
from __future__ import annotations

import re
import tomllib
import unicodedata
from functools import lru_cache
from pathlib import Path

from lib import metrics
from lib.text import ascii_fold

CATALOG = Path(__file__).resolve().parent.parent / "catalog" / "headings.toml"
ROLES = ("unit", "province", "district", "commune", "year", "month", "period", "stt", "note", "source")
UNIT_ROLES = ("unit", "province", "district", "commune")
_BRACKETS = re.compile(r"[(\[]([^)\]]*)[)\]]")
_NON_WORD = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=1)
def catalog() -> dict:
    return tomllib.loads(CATALOG.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _phrases() -> list[tuple[re.Pattern, str]]:
    phrases = catalog()["normalise"]["phrases"]
    out = []
    for phrase in sorted(phrases, key=len, reverse=True):
        folded = " ".join(_NON_WORD.sub(" ", ascii_fold(phrase).lower()).split())
        out.append((re.compile(rf"(?<!\S){re.escape(folded)}(?!\S)"), phrases[phrase]))
    return out


@lru_cache(maxsize=65536)
def _fold(text: str) -> str:
    text = unicodedata.normalize("NFC", text).lower()
    return " ".join(_NON_WORD.sub(" ", ascii_fold(text).lower()).split())


def fold(text) -> str:
    """Lower case, no diacritics, words of letters and digits separated by one space."""
    return _fold(str(text))


@lru_cache(maxsize=16384)
def words(heading) -> frozenset[str]:
    """The words a heading is matched on (see the catalog's header)."""
    text = unicodedata.normalize("NFC", str(heading)).replace("%", " pct ")
    text = _BRACKETS.sub(lambda m: " pct " if "pct" in m.group(1) else " ", text)
    folded = fold(text)
    for pattern, word in _phrases():
        folded = pattern.sub(word, folded)
    filler = set(catalog()["normalise"]["filler"])
    return frozenset(w for w in folded.split() if w and w not in filler)


@lru_cache(maxsize=1)
def synonyms() -> dict[frozenset, str]:
    """Normalised words -> target (metric id or role). Raises when two targets share the same words."""
    known = set(metrics.stored_ids()) | set(ROLES)
    out: dict[frozenset, str] = {}
    for target, names in catalog()["synonyms"].items():
        if target not in known:
            raise ValueError(f"headings.toml: unknown target {target!r}")
        for name in names:
            key = words(name)
            if key in out and out[key] != target:
                raise ValueError(f"headings.toml: {name!r} means both {out[key]} and {target}")
            out[key] = target
    return out


def match(heading: str, leaf: str | None = None) -> str | None:
    """What a (flattened) heading means; its last level alone (`leaf`) is tried when the whole says nothing."""
    if not str(heading).strip():
        return None
    found = synonyms().get(words(heading))
    if found is None and leaf and leaf != heading:
        found = synonyms().get(words(leaf))
    return found


def score(cells) -> int:
    """How many cells of a row read as a known heading (the header row scores highest)."""
    return sum(1 for c in cells if isinstance(c, str) and c.strip() and match(c) is not None)


@lru_cache(maxsize=1)
def _row_patterns():
    rows = catalog()["rows"]
    return ([fold(x) for x in rows["total"]], [fold(x) for x in rows["signature"]],
            re.compile(rows["group"]), re.compile(rows["column_numbers"]))


def is_total_label(label) -> bool:
    """'Tổng cộng', 'Toàn tỉnh', 'Cộng' (exactly, diacritics or not)."""
    totals, _, _, _ = _row_patterns()
    return fold(label) in totals


@lru_cache(maxsize=1)
def _grand_totals() -> frozenset[str]:
    return frozenset(fold(x) for x in catalog()["rows"]["grand_total"])


def is_grand_total(label) -> bool:
    """'Tổng cộng', 'Toàn tỉnh': the whole table, not a group's subtotal ('Cộng')."""
    return fold(label) in _grand_totals()


def starts_like_total(label) -> bool:
    """'Cộng huyện Quỳnh Lưu', 'Tổng số toàn tỉnh': a total word followed by more (a unit name may also start so)."""
    totals, _, _, _ = _row_patterns()
    text = fold(label)
    return any(text.startswith(t + " ") for t in totals)


def is_signature(label) -> bool:
    _, signatures, _, _ = _row_patterns()
    raw = unicodedata.normalize("NFC", str(label)).strip().lower()
    text = fold(label)
    for s in signatures:
        if s.endswith((".", ":")):
            if ascii_fold(raw).startswith(s):
                return True
        elif text == s or text.startswith(s + " "):
            return True
    return False


def is_group_mark(cell) -> bool:
    """'I', 'II', 'A', 'B.' — the STT of a group row."""
    _, _, group, _ = _row_patterns()
    return isinstance(cell, str) and bool(group.match(cell.strip()))


def is_column_numbers(cells) -> bool:
    """'(1) (2) (3)', 'A B 1 2 3' under a header: the columns' numbers, not data."""
    _, _, _, numbers = _row_patterns()
    filled = [str(c).strip() for c in cells if c is not None and str(c).strip()]
    if len(filled) < 2:
        return False
    if not all(numbers.match(c) for c in filled):
        return False
    ints = [int(c.strip("()").split("=")[0]) for c in filled if c.strip("()").split("=")[0].strip().isdigit()]
    return len(ints) >= 2 and ints == sorted(ints) and len(set(ints)) == len(ints) and ints[-1] <= 40


def title_patterns():
    title = catalog()["title"]
    return ([(re.compile(p["pattern"]), p["kind"]) for p in title["period"]],
            [re.compile(p) for p in title["ignore"]], [fold(p) for p in title["province_prefix"]])
