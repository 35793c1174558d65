"""The store: bundled data resolved once; uploads resolved incrementally with the same result as from scratch."""
import pandas as pd

from lib import store
from lib.model import resolve
from lib.ingest.validate import validate_bytes

KEY = ["unit", "year", "period", "metric"]
COLS = KEY + ["value", "status", "alternatives", "derived"]


def as_plain(df):
    return df.astype({c: str for c in ("unit", "period", "metric", "status", "level")}).sort_values(KEY) \
        .reset_index(drop=True)[COLS]


def test_prebuilt_resolution_equals_resolving_the_bundled_data():
    s = store.bundled_store()
    pd.testing.assert_frame_equal(as_plain(s.resolved), as_plain(resolve(s.observations)), check_dtype=False)


def test_uploads_resolved_incrementally_equal_a_full_resolution():
    text = ("province;district;year;month;hi_participants;population;si_participants\n"
            "Nghệ An;Con Cuông;2024;;70000;76000;\n"
            "Hà Nội;;2025;9;;;2100000\n"
            "Bình Dương;;2023;;;;1250000\n")
    up = validate_bytes("u.csv", text.encode()).dataset
    s = store.Store(list(store.bundled()) + [up])
    pd.testing.assert_frame_equal(as_plain(s.resolved), as_plain(resolve(s.observations)), check_dtype=False)
    con_cuong = s.value("district:422", "hi_coverage_pct", 2024)
    assert con_cuong["status"] == "uploaded" and abs(con_cuong["value"] - 70000 / 76000 * 100) < 1e-9


def test_affected_units_include_ancestors_and_the_members_of_2025_provinces():
    got = store.affected_units(["district:422"])  # Con Cuông, Nghệ An
    assert {"district:422", "province:40", "province_2025:40", "national:VN"} <= got
    got = store.affected_units(["province:74"])  # Bình Dương merged into Hồ Chí Minh City in 2025
    assert {"province:74", "province_2025:79", "province:79", "province:77"} <= got


def test_series_and_targets():
    s = store.bundled_store()
    hi = s.series("national:VN", "hi_coverage_pct").set_index("year")
    assert hi.at[2023, "value"] == 93.35 and hi.at[2023, "status"] == "reported"
    assert s.target("district:422", "si_coverage_pct", 2030).status == "inherited"


# -- the status rule: which values a series may use; the demo switch; the year a view opens on -----------------------
REAL = {"reported", "uploaded", "estimate"}


def test_a_published_series_is_never_patched_with_demo():
    s = store.bundled_store()
    obs = s.observations
    published = obs[(obs["unit"] == "national:VN") & (obs["metric"] == "hi_coverage_pct") & (obs["period"] == "FY")
                    & (obs["status"] == "reported")]
    hi = s.series("national:VN", "hi_coverage_pct")
    assert set(hi["status"].astype(str)) <= REAL
    # Years without a published figure stay empty (the demo panel has a value for every year 2015-2025).
    assert set(hi["year"]) == set(published["year"])
    demo_years = set(obs[(obs["unit"] == "national:VN") & (obs["metric"] == "hi_participants")
                         & (obs["status"] == "demo")]["year"])
    assert demo_years - set(hi["year"]), "the bundled demo panel should fill years the published series lacks"


def test_a_unit_without_real_values_has_a_demo_series_that_the_switch_hides():
    s = store.bundled_store()
    demo_only = s.series("province:02", "hi_coverage_pct")  # Hà Giang: nothing published
    assert len(demo_only) and set(demo_only["status"].astype(str)) == {"demo"}
    assert s.series("province:02", "hi_coverage_pct", demo=False).empty
    assert s.value("province:02", "hi_coverage_pct", 2024, demo=False) is None
    assert not (s.year_end(demo=False)["status"] == "demo").any()
    assert (s.year_end()["status"] == "demo").any()
    series, is_demo = s.forecast_input("province:02", "hi_coverage_pct")
    assert is_demo and len(series)
    series, is_demo = s.forecast_input("province:02", "hi_coverage_pct", demo=False)
    assert not is_demo and series.empty


def test_no_year_end_value_mixes_demo_into_a_real_series():
    s = store.bundled_store()
    fy = s.year_end()
    kinds = fy.assign(real=fy["status"].astype(str).isin(REAL)).groupby(
        [fy["unit"].astype(str), fy["metric"].astype(str)])["real"].agg(["any", "all"])
    assert not (kinds["any"] & ~kinds["all"]).any()


def test_uploaded_district_series_is_used_alone_and_demo_is_off_at_its_level():
    rows = "".join(f"Nghệ An;Con Cuông;{y};;{60000 + 1000 * (y - 2020)};76000\n" for y in range(2020, 2025))
    up = validate_bytes("u.csv", ("province;district;year;month;hi_participants;population\n" + rows).encode()).dataset
    s = store.Store(list(store.bundled()) + [up])
    con_cuong = s.series("district:422", "hi_coverage_pct")
    assert list(con_cuong["year"]) == [2020, 2021, 2022, 2023, 2024]  # not extended to a demo 2025
    assert "demo" not in set(con_cuong["status"].astype(str))
    series, is_demo = s.forecast_input("district:422", "hi_coverage_pct")
    assert not is_demo and list(series["year"]) == [2020, 2021, 2022, 2023, 2024]
    # Another district of the same level: demo is off there until switched on; provinces keep theirs.
    assert s.series("district:423", "hi_coverage_pct").empty
    assert len(s.series("district:423", "hi_coverage_pct", demo=True))
    assert not s.shows_demo("district") and s.shows_demo("province")
    assert s.default_year("hi_coverage_pct", "province:40") == 2024


def test_a_view_opens_on_the_latest_year_with_real_data_for_its_indicator_and_area():
    s = store.bundled_store()
    obs = s.observations
    for metric in ("hi_coverage_pct", "si_coverage_pct"):
        real = obs[(obs["unit"] == "national:VN") & (obs["metric"] == metric) & (obs["status"] == "reported")]
        assert s.default_year(metric, "national:VN") == int(real["year"].max())
    year = s.default_year("si_coverage_pct", "national:VN")
    assert s.value("national:VN", "si_coverage_pct", year, demo=False) is not None


def test_per_store_caches_go_through_the_memo_door():
    """Derived results kept per store live in Store.memo, not in attributes other modules write into the store."""
    from lib.forecast import outlook

    s = store.bundled_store()
    before = set(vars(s))
    hidden = s.year_end(demo=False)
    assert s.year_end(demo=False) is hidden  # computed once per switch position
    assert s.year_end(demo=True) is not hidden
    assert outlook._fingerprint(s) == store.fingerprint(s.datasets)
    added = set(vars(s)) - before
    assert not {a for a in added if "cache" in a or "fingerprint" in a}, added


def test_a_stores_memo_keeps_the_most_recently_used_entries_within_its_bound(monkeypatch):
    # Keys carry user input (colour breaks): the bundled store lives as long as the process, so its memo is bounded.
    monkeypatch.setattr(store, "MEMO_ENTRIES", 3)
    s = store.Store([])
    calls = []
    for k in ("a", "b", "c"):
        s.memo(("t", k), lambda k=k: calls.append(k) or k.upper())
    assert s.memo(("t", "a"), lambda: calls.append("a again")) == "A"  # kept, and now the most recent
    s.memo(("t", "d"), lambda: calls.append("d") or "D")  # drops the least recently used: b
    assert s.memo(("t", "b"), lambda: calls.append("b again") or "B") == "B"
    assert calls == ["a", "b", "c", "d", "b again"]
    assert len(s._memo) == 3
    assert s.memo(("t", "a"), lambda: "new", valid=lambda v: False) == "new"  # no longer valid: computed again
