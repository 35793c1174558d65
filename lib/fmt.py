"""Number formats: Vietnamese (1.234.567,8) in Vietnamese, English (1,234,567.8) in English."""
from __future__ import annotations

import math


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def number(x, lang: str, decimals: int = 0) -> str:
    """1234567.891 -> '1.234.567,89' (vi) or '1,234,567.89' (en)."""
    if _missing(x):
        return "–"
    text = f"{x:,.{decimals}f}"
    if lang == "vi":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def pct(x, lang: str, decimals: int = 1) -> str:
    """93.35 -> '93,4%' / '93.4%'."""
    return "–" if _missing(x) else f"{number(x, lang, decimals)}%"


def trimmed(x, lang: str, max_decimals: int = 2) -> str:
    """95 -> '95', 95.15 -> '95,15' / '95.15': targets as written, without trailing zeros."""
    if _missing(x):
        return "–"
    text = number(x, lang, max_decimals)
    sep = "," if lang == "vi" else "."
    return text.rstrip("0").rstrip(sep) if sep in text else text


def pct_trimmed(x, lang: str) -> str:
    return "–" if _missing(x) else f"{trimmed(x, lang)}%"


def target_text(target, lang: str, missing: str = "–") -> str:
    """A target as written: '95%', '26–27%', 'trên 95%' / 'above 95%' (a floor)."""
    from lib.i18n import t

    if target is None:
        return missing
    if target.kind == "range" and target.value_max is not None:
        return f"{trimmed(target.value, lang)}–{pct_trimmed(target.value_max, lang)}"
    prefix = t("common.above", lang) + " " if target.kind == "floor" else ""
    return prefix + pct_trimmed(target.value, lang)


def points(x, lang: str, decimals: int = 1, signed: bool = True) -> str:
    """A change in percentage points: +1,3 điểm % / +1.3 pp."""
    if _missing(x):
        return "–"
    x = round(x, decimals)
    # ASCII '-': Streamlit's metric reads the delta's direction from it.
    sign = "+" if signed and x > 0 else ("-" if x < 0 else "")
    return f"{sign}{number(abs(x), lang, decimals)} {'điểm %' if lang == 'vi' else 'pp'}"


def persons(x, lang: str) -> str:
    """Head counts, compact: 93.307.000 -> '93,31 triệu' / '93.31 million'; below 100,000 in full."""
    if _missing(x):
        return "–"
    if abs(x) >= 1e6:
        return f"{number(x / 1e6, lang, 2)} {'triệu' if lang == 'vi' else 'million'}"
    if abs(x) >= 1e5:
        return f"{number(x / 1e3, lang, 1)} {'nghìn' if lang == 'vi' else 'thousand'}"
    return number(x, lang, 0)


def money_bn(x, lang: str) -> str:
    """Billion VND: 472300 -> '472.300 tỷ đồng' / 'VND 472,300 bn'."""
    if _missing(x):
        return "–"
    decimals = 0 if abs(x) >= 100 else 1
    return f"{number(x, lang, decimals)} tỷ đồng" if lang == "vi" else f"VND {number(x, lang, decimals)} bn"


def value(x, kind: str, lang: str) -> str:
    """Format by metric kind (rate, count, money)."""
    return {"rate": pct, "count": persons, "money": money_bn}[kind](x, lang)


def d3_locale(lang: str) -> dict:
    """Number locale for Vega/Altair charts (axis labels, tooltips)."""
    if lang == "vi":
        return {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", " ₫"]}
    return {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["", " VND"]}
