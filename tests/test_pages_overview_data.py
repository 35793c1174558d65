"""AppTest: the Overview and Data pages in both languages, and every page loading without an error."""

from pathlib import Path

import pandas as pd
import pytest
from tests.apptest import open_app


PAGES = ["pages/overview.py", "pages/map.py", "pages/progress.py", "pages/scenarios.py", "pages/collections.py",
         "pages/data.py"]


def app(lang="vi", **params):
    return open_app(lang=lang, **params)


def metric_values(at):
    return {m.label: m.value for m in at.metric}


def markdown_text(at):
    return " ".join(m.value for m in at.markdown)


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_in_both_languages(lang, page):
    at = app(lang)
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title, f"{page} shows no title"


def test_overview_national_in_vietnamese_formats_and_marks_its_numbers():
    at = app("vi", year="2025")
    assert at.title[0].value == "Tổng quan"
    values = metric_values(at)
    # HI coverage at the end of 2025 was published (MoH estimate 95.15 %): shown with a decimal comma.
    assert values["Tỷ lệ bao phủ BHYT"] == "95,15%"
    assert set(values) == {"Tỷ lệ bao phủ BHYT", "Tỷ lệ tham gia BHXH", "Tỷ lệ tham gia BHXH tự nguyện",
                           "Tỷ lệ tham gia BHTN"}
    text = markdown_text(at)
    assert "Mục tiêu 2025: **45%**" in text  # Resolution 28-NQ/TW, SI
    assert "Mục tiêu 2030: **60%**" in text
    assert "trên 95%" in text  # Resolution 20-NQ/TW, HI 2030, a floor
    # All four national 2025 rates are published (data/reference/additions.csv: SI 45.1 %, voluntary SI 6.5 %,
    # UI 35.07 %): no demo shows.
    assert values["Tỷ lệ tham gia BHXH"] == "45,10%"
    assert not any("minh họa" in w.value for w in at.warning)
    captions = " ".join(c.value for c in at.caption)
    assert "Công bố" in captions and "Minh họa" not in captions
    assert "Số người tham gia BHYT" in captions and "Dân số" in captions  # counts beside the rate


def test_overview_marks_demo_in_the_value_itself_and_the_switch_hides_it():
    at = app("vi", year="2024", area="province:02")  # Hà Giang: nothing published, a demo series
    values = metric_values(at)
    assert values["Tỷ lệ bao phủ BHYT"].endswith("[minh họa]")
    assert any("minh họa" in w.value for w in at.warning)
    assert any("Minh họa" in c.value for c in at.caption)
    off = app("vi", year="2024", area="province:02", demo="0")
    values = metric_values(off)
    assert set(values.values()) == {"không có số liệu"}
    assert not any("minh họa" in w.value for w in off.warning)


def test_overview_in_english_and_for_a_province_with_a_range_target():
    at = app("en", year="2025", area="province:40")
    assert at.title[0].value == "Overview"
    assert "Nghệ An" in at.caption[0].value
    text = markdown_text(at)
    assert "Target 2025: **26–27%**" in text  # Nghệ An Plan 81-KH/TU: a range
    assert "inherited from Toàn quốc" in text or "inherited from Viet Nam" in text  # no provincial UI target


def test_overview_published_year_shows_published_values_with_their_change():
    at = app("en", year="2023")
    values = metric_values(at)
    assert values["HI coverage"] == "93.35%"  # published for 2023
    assert values["SI coverage"] == "39.25%"
    deltas = {m.label: m.delta for m in at.metric}
    assert deltas["HI coverage"] == "+1.3 pp"  # 93.35 − 92.04 (both published)


def test_changing_a_filter_keeps_the_others():
    at = app("en", year="2023", area="province:40")
    at.selectbox(key="_w_year").select(2024).run()
    assert "Nghệ An" in at.caption[0].value and "2024" in at.caption[0].value


def problems(at):
    tables = [d.value for d in at.dataframe if "Problem" in d.value.columns]
    assert tables, "no problems table shown"
    return tables[0]


def upload(at, name, content, mime="text/csv"):
    at.switch_page("pages/data.py").run()
    at.file_uploader[0].set_value((name, content, mime)).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_uploading_a_valid_file_changes_what_the_overview_shows():
    at = app("en", year="2025")
    upload(at, "mine.csv", "province,year,hi_coverage_pct,source\nToàn quốc,2025,96.5,My office\n".encode())
    assert any("mine.csv: loaded 1 values" in s.value for s in at.success)
    at.switch_page("pages/overview.py").run()
    assert metric_values(at)["HI coverage"] == "96.50%"
    assert any("Your data" in c.value for c in at.caption)


def test_uploading_a_bad_file_lists_problems_and_loads_nothing():
    at = app("en")
    content = "province,district,year,hi_coverage_pct\nNghệ An,Con Cuông,2023,120\n,Châu Thành,2023,90\n".encode()
    upload(at, "bad.csv", content)
    assert any("nothing was loaded" in e.value for e in at.error)
    table = problems(at)
    assert set(table["Row"]) == {"2", "3"}
    assert "Châu Thành" in " ".join(table["Problem"])
    assert not at.session_state["uploads"] if "uploads" in at.session_state else True


def test_script_tags_in_an_upload_are_shown_as_text_not_markup():
    at = app("en")
    upload(at, "xss.csv", "province,year,hi_coverage_pct\n<script>alert(1)</script>,2023,93\n".encode())
    table = problems(at)
    assert any("<script>alert(1)</script>" in m for m in table["Problem"])
    assert all("<script" not in m.value for m in at.markdown)  # never rendered as markdown/HTML


def test_data_page_offers_templates_and_lists_every_published_figure():
    at = app("vi")
    at.switch_page("pages/data.py").run()
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels.count("CSV") >= 3 and labels.count("Excel") == 3
    published = len(pd.read_csv(Path(__file__).resolve().parents[1] / "data" / "reported_figures.csv"))
    sources = [d.value for d in at.dataframe if len(d.value) == published]
    assert sources, f"the Sources tab lists the {published} published rows"
