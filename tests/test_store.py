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
