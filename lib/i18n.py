"""Vietnamese and English messages from the catalogs in lib/locales/ (one TOML file per language)."""
from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

LANGS = ("vi", "en")
DEFAULT_LANG = "vi"
LOCALES = Path(__file__).resolve().parent / "locales"


def _flatten(tree: dict, prefix: str = "") -> dict[str, str]:
    out = {}
    for key, value in tree.items():
        full = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, full + "."))
        else:
            out[full] = value
    return out


@lru_cache(maxsize=None)
def catalog(lang: str) -> dict[str, str]:
    return _flatten(tomllib.loads((LOCALES / f"{lang}.toml").read_text(encoding="utf-8")))


def t(key: str, lang: str = DEFAULT_LANG, **params) -> str:
    """The message `key` in `lang`, with {placeholders} filled. A missing key shows as itself (tests forbid it)."""
    lang = lang if lang in LANGS else DEFAULT_LANG
    text = catalog(lang).get(key)
    if text is None:
        text = catalog("en").get(key, key)
    return text.format(**params) if params else text


def has(key: str, lang: str = DEFAULT_LANG) -> bool:
    return key in catalog(lang)
