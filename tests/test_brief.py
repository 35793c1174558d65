"""The one-page brief: what it says about a unit (values with status, targets, gaps, chances), its sources and demo
notice, and that it renders to a slide-sized PNG and a one-page PDF with the fonts embedded."""
import io
import json
import re
from datetime import date

import pytest
from PIL import Image

from lib import brief, fmt, metrics, store as store_mod
from lib.maps import vega as vlmaps
from lib.i18n import t


@pytest.fixture(scope="module")
def store():
    return store_mod.bundled_store()


@pytest.fixture(scope="module")
def nghe_an(store):
    return brief.build(store, "province:40", 2023, "hi", "vi", today=date(2026, 1, 15))


def page_texts(b) -> list[str]:
    """Every text mark on the page (the brief's words as the PDF and PNG draw them)."""
    spec = brief.page(b).to_dict()
    texts = []
    for values in (spec.get("datasets") or {}).values():
        texts += [str(v["text"]) for v in values if isinstance(v, dict) and "text" in v]
    return texts


def test_the_table_has_each_coverage_indicator_with_its_value_and_status(store, nghe_an):
    names = [r.name for r in nghe_an.rows]
    for m in metrics.headline("coverage"):
        assert m.name("vi") in names
    hi = nghe_an.rows[names.index(metrics.by_short("hi").name("vi"))]
    series = store.series("province:40", "hi_coverage_pct")
    value = series.loc[series["year"] == 2023, "value"].iloc[0]
    assert hi.value == fmt.pct(value, "vi", 2)  # Vietnamese decimal comma
    assert hi.status == str(series.loc[series["year"] == 2023, "status"].iloc[0])


def test_targets_gaps_and_chances_for_2025_and_2030(store, nghe_an):
    si = nghe_an.rows[[r.name for r in nghe_an.rows].index(metrics.by_short("si").name("vi"))]
    assert set(si.targets) == {2025, 2030}
    target_2025 = store.target("province:40", "si_coverage_pct", 2025)
    assert si.targets[2025][0].startswith(fmt.trimmed(target_2025.value, "vi"))  # 26–27% (Plan 81-KH/TU)
    # 24.9 % in 2023 against 26–27 %: the one gap wording, target − value from the range's lower bound.
    assert si.targets[2025][1] == "còn thiếu 1,1 điểm %"
    # Nghệ An's SI is published for three years only: no forecast is made from demo values to fill the rest.
    assert si.targets[2030][2] == t("honest.brief_not_enough", "vi")


def test_chances_come_from_the_real_series_and_a_demo_forecast_says_demo(store):
    national = brief.build(store, "national:VN", 2025, "hi", "vi", today=date(2026, 1, 15))
    hi = national.rows[0]
    assert hi.status == "reported" and hi.value == "95,15%"  # published for 2025 (MoH)
    assert hi.targets[2025][1] == "vượt 0,2 điểm %" and hi.targets[2025][2] == t("export.brief_met", "vi")
    from lib.forecast import outlook

    p_2030 = outlook.unit_outlook(store, "national:VN", "hi_coverage_pct").outlooks[2030].p_meet
    assert hi.targets[2030][2] == f"{round(100 * p_2030)}%"
    assert "demo" not in set(store.series("national:VN", "hi_coverage_pct")["status"].astype(str))
    # Hà Giang: nothing published; every value, gap and chance built from demo says so in itself.
    ha_giang = brief.build(store, "province:02", 2024, "hi", "vi", today=date(2026, 1, 15))
    for row in ha_giang.rows[:4]:
        assert row.value.endswith("[minh họa]")
        for target, gap, chance in row.targets.values():
            assert gap.endswith("[minh họa]") and chance.endswith("[minh họa]"), (row.name, gap, chance)
    assert t("honest.demo_chart", "vi") in page_texts(ha_giang)
    # Demo switched off: no demo value is left, and nothing is forecast from demo.
    off = brief.build(store, "province:02", 2024, "hi", "vi", today=date(2026, 1, 15), demo=False)
    assert all(r.value == "–" for r in off.rows)
    assert "demo" not in off.statuses and t("honest.demo_chart", "vi") not in page_texts(off)


def test_counts_sit_beside_the_rates(nghe_an):
    hi = nghe_an.rows[0]
    assert "Số người tham gia BHYT: 2,91 triệu (Công bố)" in hi.counts  # Nghệ An 2023, published
    assert hi.counts in page_texts(nghe_an)


def test_collections_lines_show_the_published_nghe_an_2023_figure(nghe_an):
    plan = [r for r in nghe_an.rows if r.name.startswith(metrics.get("revenue_plan_pct").name("vi"))][0]
    assert plan.value == "102,71%" and plan.status == "reported"  # published: Baonghean.vn, 18 Jan 2024


def test_sources_and_demo_notice_are_on_the_page(nghe_an):
    assert any("Baonghean" in s for s in nghe_an.sources)
    assert nghe_an.uses_demo  # the arrears ratio and early years are demo
    texts = page_texts(nghe_an)
    assert t("export.brief_demo", "vi") in texts
    assert t("export.brief_made_on", "vi", date="15/01/2026") in texts
    assert any("Nghệ An" in x for x in texts)


def test_a_brief_without_demo_values_has_no_demo_notice(nghe_an):
    clean = brief.Brief(**{**nghe_an.__dict__, "statuses": {"reported"}})
    assert t("export.brief_demo", "vi") not in page_texts(clean)


def test_english_brief_is_in_english(store):
    b = brief.build(store, "province_2025:31", 2025, "revenue_plan", "en", today=date(2026, 1, 15))
    texts = page_texts(b)
    assert "Made on 15 Jan 2026" in texts
    assert metrics.by_short("hi").name("en") in [r.name for r in b.rows]


def test_the_unit_is_placed_on_a_small_map(nghe_an):
    if not vlmaps.available("province"):
        pytest.skip("boundary layers not built")
    spec = json.dumps(nghe_an.locator.to_dict())
    assert "province:40" in spec and '"on": true' in spec


def test_png_is_slide_sized(store):
    png = brief.png(store, "province:40", 2023, "hi", "en", today=date(2026, 1, 15))
    img = Image.open(io.BytesIO(png))
    w, h = img.size
    assert w == pytest.approx(brief.WIDTH * brief.PNG_SCALE, rel=0.01)  # 1920 px
    assert 1.3 < w / h < 2.0  # landscape, close to a 16:9 slide


def test_pdf_is_one_page_with_fonts_embedded(store):
    pdf = brief.pdf(store, "province:40", 2023, "si", "vi", today=date(2026, 1, 15))
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf)) == 1
    assert b"NotoSans" in pdf  # the font with Vietnamese glyphs travels with the file
    assert b"/FontFile" in pdf
