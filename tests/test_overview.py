"""lib/overview.py: the sources table under the Overview cards, in both languages."""
from __future__ import annotations

import pytest

from lib import overview, store as store_mod


@pytest.mark.parametrize("lang,participants,published,estimate", [
    ("vi", "2,97 triệu", "Công bố", "(ước tính)"), ("en", "2.97 million", "Published", "(estimate)")])
def test_sources_table_lists_each_rate_its_counts_and_targets_with_their_status(lang, participants, published,
                                                                                estimate):
    kpis = overview.kpis(store_mod.bundled_store(), "province:40", 2024)
    table = overview.sources_table(kpis, lang)
    indicator, _, value, status, source, _ = table.columns
    hi_count = table[table[indicator].isin(["Số người tham gia BHYT", "HI participants"])].iloc[0]
    assert (hi_count[value], hi_count[status]) == (participants, published)  # Baonghean.vn, end of 2024
    assert "baonghean.vn" in hi_count[source]
    population = table[table[indicator].isin(["Dân số", "Population"])].iloc[0]
    assert population[value].endswith(estimate)
    assert table[value].str.contains("81-KH/TU").sum() == 0 and table[source].str.contains("81-KH/TU").any()
