"""Chart files: PNG and SVG offline with the language's number format, Vietnamese letters drawn with their marks,
and a fixed width for charts that follow their container on screen."""
import io

import altair as alt
import numpy as np
import pandas as pd
import pytest
from PIL import Image

from lib import charts, export_charts


def word_chart(word: str) -> alt.Chart:
    """One word, big, black on white, nothing else."""
    return alt.Chart(pd.DataFrame({"x": [0], "y": [0], "t": [word]})).mark_text(
        fontSize=120, color="black", baseline="alphabetic", align="left").encode(
        x=alt.X("x:Q", scale=None, axis=None), y=alt.Y("y:Q", scale=None, axis=None), text="t:N").properties(
        width=400, height=260, padding=0)


def ink_rows(png: bytes) -> np.ndarray:
    """Indices of the pixel rows with ink (dark pixels)."""
    img = np.asarray(Image.open(io.BytesIO(png)).convert("L"))
    return np.flatnonzero((img < 128).any(axis=1))


def test_png_is_a_png_of_the_width_asked_for():
    chart = charts.configure(alt.Chart(pd.DataFrame({"a": ["x", "y"], "b": [1, 2]})).mark_bar().encode(
        x="a:N", y="b:Q").properties(width="container"), "vi")
    png = export_charts.png_bytes(chart, "vi", width=500, scale=2)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, _ = Image.open(io.BytesIO(png)).size
    assert 1000 <= width <= 1300  # 500 px of plot (+ axes), twice for sharpness


def test_vietnamese_letters_are_drawn_with_their_marks():
    """'ệ' has a circumflex above and a dot below 'e': with a font that has the glyph, its ink reaches above and
    below the ink of 'e' on the same baseline. A missing glyph (a box or nothing) does not."""
    e = ink_rows(export_charts.png_bytes(word_chart("e"), "vi", scale=1))
    marked = ink_rows(export_charts.png_bytes(word_chart("ệ"), "vi", scale=1))
    assert len(e) and len(marked)
    assert marked.min() < e.min() - 10, "no mark above the letter"
    assert marked.max() > e.max() + 5, "no dot below the letter"
    # And a whole Vietnamese title renders to more than a blank strip.
    assert len(ink_rows(export_charts.png_bytes(word_chart("Tỷ lệ thu"), "vi", scale=1))) > 60


@pytest.mark.parametrize("lang,text", [("vi", "1.234,5"), ("en", "1,234.5")])
def test_svg_numbers_follow_the_language(lang, text):
    data = pd.DataFrame({"label": ["a"], "v": [1234.5]})
    chart = alt.Chart(data).mark_text().encode(x=alt.X("label:N"), text=alt.Text("v:Q", format=",.1f"))
    svg = export_charts.svg_bytes(charts.configure(chart, lang), lang).decode("utf-8")
    assert svg.startswith("<svg")
    assert text in svg


def test_files_name_the_noto_font_and_keep_the_text():
    chart = charts.configure(alt.Chart(pd.DataFrame({"x": [1, 2], "y": [3, 4]})).mark_line().encode(
        x="x:Q", y="y:Q").properties(title="Tỷ lệ bao phủ BHYT — Thừa Thiên Huế"), "vi")
    svg = export_charts.svg_bytes(chart, "vi").decode("utf-8")
    assert "Tỷ lệ bao phủ BHYT — Thừa Thiên Huế" in svg
    assert "Noto Sans" in svg


def test_a_map_spec_as_a_dict_renders_too():
    from lib.maps import vega as vlmaps

    if not vlmaps.available("province_2025"):
        pytest.skip("boundary layers not built")
    values = pd.DataFrame({"value": [1.0], "value_text": ["1"], "status_label": ["Demo"]}, index=["province_2025:31"])
    png = export_charts.png_bytes(vlmaps.choropleth("province_2025", values, title="Bản đồ", height=300), "vi",
                                  width=300, scale=1)
    img = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).reshape(-1, 3)
    assert len(np.unique(img, axis=0)) > 10  # shapes were drawn, not just a blank canvas


def test_container_width_becomes_fixed_everywhere_in_the_spec():
    layered = alt.layer(alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x:Q")).properties(
        width="container")
    spec = export_charts.to_spec(layered, "en", width=640)
    assert spec["width"] == 640
    assert spec["config"]["locale"]["number"]["decimal"] == "."


def test_file_names_are_plain():
    assert export_charts.file_name("Tỷ lệ: Hải Phòng/2025", "png") == "Ty_le_Hai_Phong_2025.png"
    assert export_charts.file_name("", "svg") == "chart.svg"
