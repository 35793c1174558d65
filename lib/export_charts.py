"""Charts to files: Altair / Vega-Lite to PNG, SVG or PDF offline with vl-convert.

The number locale is the language's (93,35 in Vietnamese, via vl-convert's ``format_locale`` and lib.fmt.d3_locale);
text is set in "Noto Sans" (Debian fonts-noto-core), which has every Vietnamese glyph; the page's chart config may
name browser fonts that are not installed, so the font is set again for the file. A chart whose width follows its
container in the browser gets a fixed width in the file.
"""
from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import altair as alt
import vl_convert as vlc

from lib import charts, fmt

FONT = "Noto Sans"
FONT_DIRS = ("/usr/share/fonts/truetype/noto", "/usr/share/fonts/opentype/noto")
DEFAULT_WIDTH = 900
SCALE = 2  # PNG pixels per chart pixel: sharp on slides and high-density screens
_registered = False


def _register_fonts() -> None:
    """Make sure vl-convert sees the Noto fonts (they are system fonts, but a container may hide them)."""
    global _registered
    if _registered:
        return
    for d in FONT_DIRS:
        if Path(d).is_dir():
            try:
                vlc.register_font_directory(d)
            except Exception:  # noqa: BLE001 - a font directory that cannot be read leaves the system fonts
                pass
    _registered = True


def vl_version(spec: dict) -> str | None:
    """'6.4' from the spec's $schema (vl-convert bundles a few Vega-Lite versions; pick the closest it has)."""
    m = re.search(r"/v(\d+)\.(\d+)", str(spec.get("$schema", "")))
    if not m:
        return None
    wanted = (int(m.group(1)), int(m.group(2)))
    have = sorted(tuple(int(p) for p in v.split(".")[:2]) for v in vlc.get_vegalite_versions())
    same_major = [v for v in have if v[0] == wanted[0] and v <= wanted] or [v for v in have if v[0] == wanted[0]]
    if not same_major:
        return None
    best = same_major[-1]
    return f"{best[0]}.{best[1]}"


def _fix_width(spec: dict, width: int) -> None:
    """'container' widths (Streamlit's stretch) mean nothing in a file: give them a number, at every level."""
    if spec.get("width") == "container":
        spec["width"] = width
    for key in ("layer", "vconcat", "hconcat", "concat"):
        for sub in spec.get(key, []) or []:
            if isinstance(sub, dict):
                _fix_width(sub, width if key not in ("hconcat", "concat") else max(200, width // 2))
    if isinstance(spec.get("spec"), dict):
        _fix_width(spec["spec"], width)


def to_spec(chart: alt.TopLevelMixin | dict, lang: str, width: int = DEFAULT_WIDTH) -> dict:
    """The Vega-Lite spec written to files: the chart's, with a fixed width and the file font; a chart that draws
    any demo value says "Minh họa / Demo" in its title (lib.charts.mark_demo), in the picture itself."""
    spec = copy.deepcopy(chart if isinstance(chart, dict) else chart.to_dict())
    spec = charts.mark_demo(spec, lang)
    _fix_width(spec, width)
    config = spec.setdefault("config", {})
    config["font"] = FONT
    for part in ("title", "axis", "legend", "header", "text", "mark"):
        section = config.setdefault(part, {})
        if part in ("title", "header"):
            section.setdefault("font", FONT)
            if part == "header":
                section.setdefault("labelFont", FONT)
                section.setdefault("titleFont", FONT)
        elif part in ("axis", "legend"):
            section.setdefault("labelFont", FONT)
            section.setdefault("titleFont", FONT)
        else:
            section.setdefault("font", FONT)
    config.setdefault("background", "white")
    config["locale"] = {**config.get("locale", {}), "number": fmt.d3_locale(lang)}
    return spec


def _args(spec: dict, lang: str) -> dict:
    _register_fonts()
    kwargs = {"format_locale": fmt.d3_locale(lang)}
    version = vl_version(spec)
    if version:
        kwargs["vl_version"] = version
    return kwargs


def title_text(spec: dict) -> str:
    """The title a spec draws, as one line ('' when it has none)."""
    title = spec.get("title", "")
    if isinstance(title, dict):
        title = title.get("text", "")
    return " ".join(map(str, title)) if isinstance(title, (list, tuple)) else str(title or "")


def _png_text(png: bytes, keyword: str, text: str) -> bytes:
    """`png` with an iTXt chunk (UTF-8 text, e.g. the title with its demo mark) after its header chunk: a program
    that lists a picture's properties shows it, as the picture itself does."""
    import struct
    import zlib

    data = keyword.encode("latin-1") + b"\0\0\0\0\0" + text.encode("utf-8")
    chunk = struct.pack(">I", len(data)) + b"iTXt" + data + struct.pack(">I", zlib.crc32(b"iTXt" + data) & 0xFFFFFFFF)
    end_of_header = 8 + 4 + 4 + 13 + 4  # signature, IHDR length, type, 13 bytes of data, CRC
    return png[:end_of_header] + chunk + png[end_of_header:]


def png_bytes(chart, lang: str, width: int = DEFAULT_WIDTH, scale: float = SCALE) -> bytes:
    spec = to_spec(chart, lang, width)
    png = vlc.vegalite_to_png(spec, scale=scale, **_args(spec, lang))
    title = title_text(spec)
    return _png_text(png, "Title", title) if title else png


def svg_bytes(chart, lang: str, width: int = DEFAULT_WIDTH) -> bytes:
    spec = to_spec(chart, lang, width)
    return vlc.vegalite_to_svg(spec, **_args(spec, lang)).encode("utf-8")


def pdf_bytes(chart, lang: str, width: int = DEFAULT_WIDTH, scale: float = 1.0) -> bytes:
    spec = to_spec(chart, lang, width)
    return vlc.vegalite_to_pdf(spec, scale=scale, **_args(spec, lang))


def file_name(name: str, suffix: str) -> str:
    """A safe file name from a chart name: letters, digits, dash and underscore (diacritics folded)."""
    from lib.text import ascii_fold

    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", ascii_fold(str(name))).strip("_")[:80] or "chart"
    return f"{stem}.{suffix}"


def spec_json(chart, lang: str, width: int = DEFAULT_WIDTH) -> str:
    return json.dumps(to_spec(chart, lang, width), ensure_ascii=False)
