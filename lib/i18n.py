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
    """lib/locales/{lang}.toml plus every feature catalog lib/locales/*.{lang}.toml (a key may be defined once)."""
    out: dict[str, str] = {}
    files = [LOCALES / f"{lang}.toml"] + sorted(LOCALES.glob(f"*.{lang}.toml"))
    for path in files:
        for key, value in _flatten(tomllib.loads(path.read_text(encoding="utf-8"))).items():
            if key in out:
                raise ValueError(f"message {key!r} is defined twice (again in {path.name})")
            out[key] = value
    return out


def t(key: str, lang: str = DEFAULT_LANG, **params) -> str:
    """The message `key` in `lang`, with {placeholders} filled. A missing key shows as itself (tests forbid it)."""
    lang = lang if lang in LANGS else DEFAULT_LANG
    text = catalog(lang).get(key)
    if text is None:
        text = catalog("en").get(key, key)
    return text.format(**params) if params else text


def has(key: str, lang: str = DEFAULT_LANG) -> bool:
    return key in catalog(lang)
