"""Published figures: the project's copy, how each row is read, and the rule that picks one value where sources
disagree while keeping the others."""
from pathlib import Path

import pandas as pd
import pytest

from lib.bundled import reference

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "reference" / "reported_figures.csv"
ORIGINAL_COLUMNS = ["area_level", "area_name", "year", "period", "metric", "value", "source", "note"]


def test_curated_copy_keeps_every_published_row_verbatim():
    """The curated file is the verbatim reference rows, then the additions, each unchanged and in file order."""
    verbatim = pd.read_csv(ROOT / "data" / "reference" / "reported_figures.csv", dtype=str, keep_default_na=False)
    additions = pd.read_csv(ROOT / "data" / "reference" / "additions.csv", dtype=str, keep_default_na=False)
    curated = pd.read_csv(ROOT / "data" / "reported_figures.csv", dtype=str, keep_default_na=False)
    assert list(additions.columns) == ORIGINAL_COLUMNS == list(verbatim.columns)
    assert len(curated) == len(verbatim) + len(additions)
    head, tail = curated.iloc[:len(verbatim)], curated.iloc[len(verbatim):].reset_index(drop=True)
    assert head[ORIGINAL_COLUMNS].equals(verbatim[ORIGINAL_COLUMNS])
    assert tail[ORIGINAL_COLUMNS].equals(additions[ORIGINAL_COLUMNS])
    assert (head["origin"] == "reference").all() and (tail["origin"] == "additions").all()


def test_every_addition_names_its_source_and_a_quote():
    additions = pd.read_csv(ROOT / "data" / "reference" / "additions.csv", dtype=str, keep_default_na=False)
    assert (additions["source"].str.match(r"https?://")).all()
    assert (additions["note"].str.contains("'")).all()  # a quoted phrase a reader can find on the page


@pytest.mark.skipif(not SHARED.exists(), reason="the team's shared reference folder is not next to this checkout")
def test_project_copy_matches_the_shared_reference():
    assert (ROOT / "data" / "reference" / "reported_figures.csv").read_bytes() == SHARED.read_bytes()


def test_significant_digits():
    assert reference.significant_digits("18259000") == 5
    assert reference.significant_digits("18250000") == 4
    assert reference.significant_digits("93.35") == 4
    assert reference.significant_digits("95") == 2
    assert reference.significant_digits("0.5") == 1


def test_agreement_then_precision_then_file_order():
    # Three sources say 18.259, 18.25 and 18.26 million: all agree within rounding; the most precise wins.
    assert reference.preference_rank([18250000, 18259000, 18260000], ["18250000", "18259000", "18260000"],
                                     False)[1] == 0
    # Two sources disagree (32.6 vs 33.5, equally precise): the one listed first wins.
    assert reference.preference_rank([32.6, 33.5], ["32.6", "33.5"], True) == [0, 1]
    # Two of three agree: the majority wins over a more precise outlier.
    assert reference.preference_rank([84.85, 86.0, 86.04], ["84.85", "86.0", "86.04"], True)[2] == 0
    # Exactly 0.1 point apart agrees (within rounding): the two outvote a value listed before them.
    assert reference.preference_rank([33.4, 32.7, 32.6], ["33.4", "32.7", "32.6"], True) == [2, 0, 1]


def observations():
    return reference.dataset().observations


def test_every_row_is_kept_and_one_value_per_key_is_preferred():
    obs = observations()
    raw = reference.raw()
    assert len(obs) == (~raw["metric_id"].str.startswith("target_")).sum()
    preferred = obs[obs["rank"] == 0]
    assert not preferred.duplicated(["unit", "year", "period", "metric"]).any()
    assert preferred.groupby(["unit", "year", "period", "metric"]).ngroups == \
        obs.groupby(["unit", "year", "period", "metric"]).ngroups


def test_published_national_series_prefers_the_stated_values():
    si = reference.national_fy_series("si_participants")
    assert si[2023] == 18259000  # 18.259 m (precise) over 18.25 m and 18.26 m
    assert reference.national_fy_series("si_coverage_pct")[2020] == 32.6  # 32.6 (listed first) over 33.5
    hi = reference.national_fy_series("hi_coverage_pct")
    assert hi[2023] == 93.35  # three sources give 93.35 over the Ministry of Health's 93.2
    # 2024: the only published year-end rate found is the Ministry of Health's of 24 Dec 2024 (additions.csv)
    assert hi[2024] == 94.1
    assert 2018 not in hi.index  # no year-end 2018 rate was found; in-year points stay in-year


def test_compulsory_only_counts_are_read_as_compulsory():
    obs = observations()
    sel = obs[(obs["unit"] == "national:VN") & (obs["year"] == 2019) & (obs["period"] == "FY")]
    compulsory_only = sel[sel["note"].str.contains("compulsory SI only")]
    assert len(compulsory_only) and (compulsory_only["metric"] == "si_compulsory_participants").all()
    assert 15180000 in set(sel.loc[sel["metric"] == "si_compulsory_participants", "value"])
    # The 2019 totals are the ones published as totals ('nearly 16 million'; VCCI's 15.774 million), never a
    # compulsory count; the more precise one is preferred.
    assert set(sel.loc[sel["metric"] == "si_participants", "value"]) == {16000000, 15774000}
    assert reference.national_fy_series("si_participants")[2019] == 15774000


def test_post_merger_rows_belong_to_the_2025_provinces():
    obs = observations()
    hcm = obs[(obs["year"] == 2025) & (obs["metric"] == "si_participants") & (obs["period"] == "FY")
              & (obs["unit"] != "national:VN")]
    assert hcm["unit"].tolist() == ["province_2025:79"]
    hp = obs[(obs["year"] == 2024) & (obs["metric"] == "revenue_bn_vnd") & (obs["period"] == "2024-07")]
    assert hp["unit"].tolist() == ["province:31"]  # pre-merger Hải Phòng


def test_targets_keep_their_kind():
    t = reference.dataset().targets.set_index(["unit", "metric", "year", "document"])
    nghe_an = t.loc[("province:40", "si_coverage_pct", 2025, "Kế hoạch 81-KH/TU (Nghệ An, 2022)")]
    assert (nghe_an["kind"], nghe_an["value"], nghe_an["value_max"]) == ("range", 26.0, 27.0)
    floor = t.loc[("national:VN", "hi_coverage_pct", 2030, "Nghị quyết 20-NQ/TW (2017)")]
    assert (floor["kind"], floor["value"]) == ("floor", 95.0)
    res28 = t.xs(("national:VN", "si_coverage_pct"), level=[0, 1])
    assert {y: v for (y, d), v in res28["value"].items() if d.startswith("Nghị quyết 28")} == \
        {2021: 35.0, 2025: 45.0, 2030: 60.0}


def test_an_official_source_wins_over_a_mirror_of_the_same_document():
    import importlib.util
    from lib.model import choose_targets
    spec = importlib.util.spec_from_file_location("curate_reference", ROOT / "data" / "tools" / "curate_reference.py")
    curate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(curate)
    source_rank = curate.source_rank
    assert source_rank("https://vss.gov.vn/english/news/x.aspx (VSS)") == 1
    assert source_rank("https://tulieuvankien.dangcongsan.vn/x") == 1
    assert source_rank("https://en.vietnamplus.vn/x.vnp") == 2
    assert source_rank("http://swwwap.com/article/1 (mirror of thoibaotaichinhvietnam.vn 2018-06-06)") == 3
    chosen = choose_targets(reference.dataset().targets).set_index(["unit", "metric", "year"])
    for year in (2021, 2025, 2030):  # Resolution 28-NQ/TW: cited by a mirror, by press and by VSS's own site
        row = chosen.loc[("national:VN", "si_coverage_pct", year)]
        assert row["document"].startswith("Nghị quyết 28") and row["source_rank"] == 1
        assert "vss.gov.vn" in row["source"]
    row = chosen.loc[("national:VN", "hi_coverage_pct", 2024)]  # Decision 546/QĐ-TTg, not the legal Q&A copy
    assert row["value"] == 94.1 and "vss.gov.vn" in row["source"]


def test_resolution_targets_are_not_shown_from_a_mirror():
    """Resolution 28's SI and UI targets and Resolution 20's 2025 HI target are shown from an official site, the news
    agency or a legal database page for the document, never from the mirror site that cited them first."""
    from lib.model import choose_targets
    chosen = choose_targets(reference.dataset().targets).set_index(["unit", "metric", "year"])
    for metric, values in (("si_coverage_pct", (35.0, 45.0, 60.0)), ("ui_coverage_pct", (28.0, 35.0, 45.0))):
        for year, value in zip((2021, 2025, 2030), values):
            row = chosen.loc[("national:VN", metric, year)]
            assert row["document"].startswith("Nghị quyết 28") and row["value"] == value
            assert row["source_rank"] <= 2 and "mirror" not in row["source"]
    hi = chosen.loc[("national:VN", "hi_coverage_pct", 2025)]
    assert hi["document"].startswith("Nghị quyết 20") and hi["value"] == 95.0 and "luatvietnam.vn" in hi["source"]


def test_decision_546_targets_reach_more_provinces():
    t = reference.dataset().targets
    t = t[(t["metric"] == "hi_coverage_pct") & (t["document"].str.startswith("Quyết định 546"))]
    by_unit = t.groupby("unit")["year"].apply(set)
    assert len(by_unit) >= 21 and all(years == {2022, 2023, 2024, 2025} for years in by_unit)
    da_nang = t[(t["unit"] == "province:48")].set_index("year")["value"]
    assert da_nang.to_dict() == {2022: 94.75, 2023: 95.0, 2024: 95.15, 2025: 95.15}
