"""Formats, periods and message catalogs."""
import re
from datetime import date
from pathlib import Path

import pytest

from lib import fmt, i18n, metrics, periods

ROOT = Path(__file__).resolve().parents[1]


def test_vietnamese_and_english_number_formats():
    assert fmt.number(1234567.891, "vi", 2) == "1.234.567,89"
    assert fmt.number(1234567.891, "en", 2) == "1,234,567.89"
    assert fmt.pct(93.35, "vi", 2) == "93,35%"
    assert fmt.pct(93.35, "en", 1) == "93.3%" or fmt.pct(93.35, "en", 1) == "93.4%"
    assert fmt.points(1.26, "vi") == "+1,3 điểm %"
    assert fmt.points(-0.04, "en") == "0.0 pp"  # rounds to zero: no sign
    assert fmt.points(-0.4, "en").startswith("-")  # ASCII minus: Streamlit reads the direction from it
    assert fmt.persons(93_307_000, "vi") == "93,31 triệu"
    assert fmt.persons(93_307_000, "en") == "93.31 million"
    assert fmt.money_bn(472300, "vi") == "472.300 tỷ đồng"
    assert fmt.pct_trimmed(95.0, "vi") == "95%" and fmt.pct_trimmed(95.15, "vi") == "95,15%"
    assert fmt.pct(None, "vi") == "–"


def test_periods():
    assert periods.parse(2024, "FY").code == "FY"
    assert periods.parse(2024, "2024-07").code == "2024-07"
    assert periods.parse(2021, "2021-ytd").code == "2021-ytd"
    assert periods.make(2024, 12).code == "FY"  # December is the full year
    with pytest.raises(ValueError):
        periods.parse(2024, "2023-07")
    with pytest.raises(ValueError):
        periods.parse(2024, "2024-13")
    assert periods.structure_of(periods.make(2025, 6)) == "legacy"
    assert periods.structure_of(periods.make(2025, 7)) == "2025"
    assert periods.structure_of(periods.make(2025)) == "2025"  # end of 2025
    today = date(2026, 11, 22)
    assert periods.in_range(periods.make(2026, 11), today) and not periods.in_range(periods.make(2026), today)
    assert not periods.in_range(periods.make(1999), today)
    assert periods.label(2024, "2024-07", "vi") == "tháng 7/2024"


def test_catalogs_have_the_same_keys_in_both_languages():
    vi, en = set(i18n.catalog("vi")), set(i18n.catalog("en"))
    assert vi - en == set(), f"only in Vietnamese: {sorted(vi - en)[:10]}"
    assert en - vi == set(), f"only in English: {sorted(en - vi)[:10]}"


def test_every_literal_message_key_used_in_the_code_exists():
    used = set()
    pattern = re.compile(r"""\bt\(\s*["']([a-z0-9_.]+)["']""")
    for path in list((ROOT / "lib").rglob("*.py")) + list((ROOT / "pages").glob("*.py")) + [ROOT / "app.py"]:
        used |= set(pattern.findall(path.read_text(encoding="utf-8")))
    missing = sorted(k for k in used if not k.endswith(".") and not i18n.has(k, "vi"))  # "x." + var: dynamic
    assert missing == []


def test_every_metric_has_both_labels():
    for m in metrics.catalog().values():
        assert m.name("vi") and m.name("en") and m.name("vi") != m.id


def test_placeholders_fill_in_both_languages():
    for lang in i18n.LANGS:
        text = i18n.t("problem.duplicate", lang, first=5, metric="hi_participants", period="FY")
        assert "5" in text and "{" not in text
