"""Admin units and name matching: what users type must find the unit they mean, or say why not."""
import pytest

from lib import admin
from lib.text import ascii_fold, name_variants


def test_unit_counts_per_level():
    counts = admin.units()["level"].value_counts().to_dict()
    assert counts == {"national": 1, "province": 63, "district": 696, "province_2025": 34, "commune": 3321}


def test_every_legacy_province_maps_into_one_2025_province_and_all_34_are_used():
    crosswalk = admin.legacy_to_2025_province_codes()
    assert len(crosswalk) == 63
    assert len(set(crosswalk.values())) == 34
    # Published mergers: Hải Dương (30) joined Hải Phòng (31); Bình Dương (74) and Bà Rịa - Vũng Tàu (77) joined
    # Hồ Chí Minh City (79); Yên Bái (15) joined Lào Cai, whose new code is 15.
    assert crosswalk["30"] == "31"
    assert crosswalk["74"] == crosswalk["77"] == "79"
    assert crosswalk["15"] == crosswalk["10"] == "15"


def test_codes_mean_different_areas_in_the_two_structures():
    u = admin.units()
    assert u.at["province:15", "short_name"] == "Yên Bái"
    assert u.at["province_2025:15", "short_name"] == "Lào Cai"


def test_ascii_fold_handles_d_with_stroke():
    assert ascii_fold("Đắk Lắk") == "Dak Lak"


@pytest.mark.parametrize("typed, expected_uid", [
    ("Tỉnh Nghệ An", "province:40"),
    ("nghe an", "province:40"),
    ("NGHỆ AN", "province:40"),
    ("Nghệ An", "province:40"),
    ("Ho Chi Minh City", "province:79"),
    ("TP. Hồ Chí Minh", "province:79"),
    ("TP.HCM", "province:79"),
    ("Hanoi", "province:01"),
    ("Thừa Thiên Huế", "province:46"),  # the province's name before 2025
    ("Ba Ria-Vung Tau", "province:77"),
    ("40", "province:40"),  # GSO code
    ("40.0", "province:40"),  # a code that went through a spreadsheet as a number
])
def test_province_names_match_with_or_without_diacritics_prefixes_and_case(typed, expected_uid):
    m = admin.resolve("province", typed)
    assert m.ok and m.uid == expected_uid


@pytest.mark.parametrize("typed, parent, expected_uid", [
    ("Quận 1", None, "district:760"),
    ("Q.1", "province:79", "district:760"),
    ("District 1", "province:79", "district:760"),
    ("H. Con Cuông", None, "district:422"),
    ("con cuong", "province:40", "district:422"),
    ("Tinh Bien", None, "district:890"),  # 'Tinh' is the name here, not the prefix 'Tỉnh'
    ("Quan Hoa", None, "district:385"),  # 'Quan' is the name here, not the prefix 'Quận'
    ("Thị xã Kỳ Anh", None, "district:449"),  # the unit type tells two 'Kỳ Anh' apart
    ("Thủ Đức", None, "district:769"),
])
def test_district_names_match(typed, parent, expected_uid):
    m = admin.resolve("district", typed, parent)
    assert m.ok, m
    assert m.uid == expected_uid


def test_ambiguous_district_without_its_province_lists_every_candidate():
    m = admin.resolve("district", "Châu Thành")
    assert not m.ok and m.problem == "ambiguous"
    assert len(m.candidates) == 10  # Châu Thành exists in ten provinces
    assert "Huyện Châu Thành (An Giang)" in admin.describe_candidates(m.candidates)


def test_ambiguous_name_resolves_with_its_province():
    m = admin.resolve("district", "Châu Thành", admin.resolve("province", "An Giang").uid)
    assert m.ok and admin.units().at[m.uid, "parent"] == "province:89"


def test_unknown_name_offers_the_closest_candidates():
    assert admin.resolve("district", "Con Cuong Town", "province:40").uid == "district:422"  # English suffix
    m = admin.resolve("province", "Nghê Ann")
    assert not m.ok and m.problem == "unknown"
    assert "province:40" in m.candidates


def test_commune_names_resolve_within_their_2025_province():
    m = admin.resolve("commune", "Phường Ba Đình", "province_2025:01")
    assert m.ok and m.uid == "commune:00004"


def test_name_variants_keep_the_literal_name_when_the_prefix_may_be_a_word():
    variants = [key for _, key in name_variants("Tinh Bien")]
    assert "tinhbien" in variants and "bien" in variants
    assert [key for _, key in name_variants("Tịnh Biên")] == ["tinhbien"]


def test_label_is_the_one_language_aware_unit_name():
    from lib.admin import label

    assert label("national:VN", "vi") == "Toàn quốc"
    assert label("national:VN", "en") != "Toàn quốc"
    assert label("province:40", "vi") == "Nghệ An"
    assert label("province:40", "vi", with_level=True) == "Nghệ An (tỉnh)"
    assert label("province:40", "en", with_level=True) == "Nghệ An (province)"
    assert label("district:412", "vi", with_parent=True) == "Thành phố Vinh (Nghệ An)"
    # A 2025 province always says so: the same code meant another area before 1 July 2025.
    assert "2025" in label("province_2025:31", "vi") and "2025" in label("province_2025:31", "en")
