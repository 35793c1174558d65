"""The data dictionary says where published pairs and the app's estimates disagree."""
import pytest

from lib import dictionary


def test_published_count_and_rate_imply_their_own_denominator():
    table = dictionary.implied_denominators_table("en").set_index(["Unit", "Year", "Metric"])
    row = table.loc[("Tỉnh Nghệ An", 2023, "HI coverage")]
    # Nghệ An 2023: 2,911,787 HI participants = 93 % of its population -> 3.13 million, about 10 % below the
    # census-based estimate the app uses.
    assert row["Denominator implied by the published pair"] == "3.13 million"
    assert float(row["Difference"].rstrip("%")) == pytest.approx((2_911_787 / 0.93) / 3_470_000 * 100 - 100, abs=0.5)
    # The national labour force is itself implied by the published SI pair: no difference there.
    assert table.loc[("Việt Nam", 2023, "SI coverage"), "Difference"] == "0.0%"


def test_sources_view_reads_as_a_vietnamese_user_expects():
    import re

    from lib import metrics
    from lib.bundled import reference
    from lib.store import bundled_store

    store = bundled_store()
    shown, plain = dictionary.sources_view(store, "vi")
    raw = reference.raw()
    assert len(shown) == len(raw)
    assert "Địa bàn" in shown.columns and "Đơn vị tính" not in shown.columns  # the area column named as an area
    text = " ".join(shown.drop(columns=["Nguồn", "Ghi chú", "URL"]).astype(str).to_numpy().ravel())
    # No internal ids: metric ids, period codes, unit ids, dataset origins.
    for internal in list(metrics.catalog()) + ["FY", "bundled", "national:VN", "province:", "target_"]:
        assert internal not in text, internal
    assert not re.search(r"\b\d{4}-(\d\d|ytd)\b", text)  # periods in words
    # Numbers in the Vietnamese format, as published (2 decimals kept): 93,35% and 93.307.000.
    hi_2023 = shown[(shown["Năm"] == 2023) & (shown["Chỉ tiêu"] == "Tỷ lệ bao phủ BHYT") & (shown["Kỳ"] == "2023")]
    assert "93,35%" in set(hi_2023["Giá trị"])
    # Every row says whether it is used, an alternative (and what is used), or a target set aside (and which).
    use = shown["Sử dụng"]
    assert use.str.match(r"^(Được dùng|Phương án khác|Mục tiêu được dùng|Mục tiêu để riêng)").all()
    aside = shown[use.str.startswith("Mục tiêu để riêng: đang dùng")]
    assert len(aside) and aside["Sử dụng"].str.contains("“").all()
    alternative = shown[use.str.startswith("Phương án khác: đang dùng")]
    assert len(alternative)
    assert plain["Giá trị"].map(lambda v: isinstance(v, float)).all()  # the CSV keeps plain numbers


def test_sources_view_in_english_has_english_headings():
    from lib.store import bundled_store

    shown, _ = dictionary.sources_view(bundled_store(), "en")
    assert {"Area", "Indicator", "Value", "Use"} <= set(shown.columns)
    assert shown["Use"].str.match(r"^(Used|Alternative|Target used|Target set aside)").all()
