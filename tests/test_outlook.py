"""lib.forecast.outlook: series per unit from the Store, targets attached, forecasts cached across restarts (and recomputed
only for series that changed), the ranking table, one unit's outlook with a changed target, and the export rows."""

import numpy as np
import pandas as pd
import pytest

from lib import admin, store as store_mod
from lib.forecast import models as forecast
from lib.forecast import outlook
from lib.forecast import progress_methods as progress
from lib.model import Dataset, normalise_observations
from lib.targets import Target

HI = "hi_coverage_pct"
NGHE_AN = "province:40"
LAI_CHAU = "province:12"


@pytest.fixture(scope="module")
def store():
    return store_mod.bundled_store()


@pytest.fixture()
def cache(tmp_path):
    outlook.clear_memory_cache()
    yield tmp_path
    outlook.clear_memory_cache()


def test_level_units_and_areas():
    assert len(outlook.level_units("province")) == 63
    assert len(outlook.level_units("province_2025")) == 34
    assert len(outlook.level_units("district")) == len(admin.level_units("district"))
    assert outlook.level_units("national") == [admin.NATIONAL_ID]
    nghe_an = outlook.level_units("district", NGHE_AN)
    assert set(nghe_an) == set(admin.children(NGHE_AN)) and len(nghe_an) > 10
    assert outlook.within("district:412", NGHE_AN) and not outlook.within("district:001", NGHE_AN)
    assert outlook.within("province:74", "province_2025:79")  # Bình Dương is in Hồ Chí Minh City from 2025
    assert outlook.focus_unit(NGHE_AN, "district:001") == NGHE_AN  # a unit outside the area: the area
    assert outlook.focus_unit(admin.NATIONAL_ID, "district:412") == "district:412"
    assert outlook.table_level(NGHE_AN, "province") == "district"
    assert outlook.table_level(admin.NATIONAL_ID, "district") == "district"


def test_table_rows_carry_targets_probabilities_and_demo_flags(store, cache):
    units = outlook.level_units("district", NGHE_AN)
    frame = outlook.table(store, units, "si_coverage_pct", cache_dir=cache)
    assert frame["unit"].tolist() == units
    vinh = frame.set_index("unit").loc["district:412"]
    # Nghệ An's Plan 81-KH/TU: SI 26-27 % in 2025 and 37 % in 2030, inherited by its districts
    assert (vinh["target_2025"], vinh["target_2025_max"], vinh["target_2025_kind"]) == (26.0, 27.0, "range")
    assert (vinh["target_2030"], vinh["target_2030_status"], vinh["target_2030_from"]) == (37.0, "inherited",
                                                                                          NGHE_AN)
    series = store.series("district:412", "si_coverage_pct")
    assert vinh["last_value"] == pytest.approx(float(series["value"].iloc[-1]))
    assert bool(vinh["demo"]) == ("demo" in set(series["status"].astype(str)))
    assert vinh["data_status"] == "demo"
    p = frame[["p_meet_2025", "p_meet_2030", "p_reach_2030"]].to_numpy(dtype=float)
    assert np.all((p >= 0) & (p <= 1))
    assert np.all(frame["p_reach_2030"] >= frame["p_meet_2030"] - 1e-12)
    # 2025 is an observed year: met (1) exactly where the last value reaches the range's lower bound
    assert ((frame["last_value"] >= 26.0) == (frame["p_meet_2025"] == 1.0)).all()
    assert frame["gap_2030"].tolist() == pytest.approx((37.0 - frame["last_value"]).tolist())


def test_forecasts_are_cached_on_disk_and_reused_after_a_restart(store, cache):
    import sqlite3

    units = outlook.level_units("district", NGHE_AN)[:6]
    first = outlook.forecasts(store, units, HI, cache_dir=cache)
    db = outlook.forecast_db(cache)
    with sqlite3.connect(db) as con:
        stored = set(con.execute("SELECT unit, key FROM forecasts WHERE metric = ?", (HI,)).fetchall())
    assert stored == {(u, outlook.series_key(*_series(store, u))) for u in units}
    outlook.clear_memory_cache()  # a restart: only the disk remains
    calls = []
    again = outlook.forecasts(store, units, HI, cache_dir=cache, progress_cb=lambda d, t: calls.append(d))
    assert calls == []  # nothing recomputed
    for u in units:
        assert again[u].forecast_frame().equals(first[u].forecast_frame())
        assert again[u] is not first[u]  # read back from the disk


def _series(store, unit):
    s = store.series(unit, HI)
    return s["year"].to_numpy(), s["value"].to_numpy(dtype=float), 100.0


def with_upload(store, unit: str, metric: str, values: dict, status: str = "uploaded") -> store_mod.Store:
    obs = pd.DataFrame({"unit": unit, "year": list(values), "period": "FY", "metric": metric,
                        "value": list(values.values()), "status": status, "source": "test file", "dataset": "mine"})
    return store_mod.Store(list(store.datasets) + [Dataset("mine", "uploaded", normalise_observations(obs))])


def test_a_changed_series_is_recomputed_and_the_others_reused(store, cache):
    units = outlook.level_units("district", NGHE_AN)[:5]
    before = outlook.forecasts(store, units, HI, cache_dir=cache, demo=True)
    changed = units[0]
    mine = with_upload(store, changed, HI, {2024: 70.0, 2025: 71.0})  # the user's own (lower) figures
    calls = []
    # demo=True: the other districts keep their demo series (off by default at a level with the user's data).
    after = outlook.forecasts(mine, units, HI, cache_dir=cache, progress_cb=lambda d, t: calls.append((d, t)),
                              demo=True)
    assert calls and calls[-1] == (1, 1)  # one series recomputed
    assert after[changed].last_value == 71.0 and before[changed].last_value != 71.0
    for u in units[1:]:
        assert after[u] is before[u]
    import sqlite3
    with sqlite3.connect(outlook.forecast_db(cache)) as con:  # both versions of the changed series are kept
        n = con.execute("SELECT COUNT(*) FROM forecasts WHERE metric = ? AND unit = ?", (HI, changed)).fetchone()[0]
    assert n == 2


def test_table_cache_is_keyed_by_data_and_targets(store, cache):
    units = outlook.level_units("district", NGHE_AN)[:4]
    a = outlook.table(store, units, HI, cache_dir=cache)
    target_rows = pd.DataFrame([dict(unit=NGHE_AN, metric=HI, year=2030, kind="point", value=99.0,
                                     value_max=np.nan, document="my plan", document_rank=0, source="mine",
                                     note="", status="uploaded", dataset="mine")])
    mine = store_mod.Store(list(store.datasets) + [Dataset("mine", "uploaded", targets=target_rows)])
    b = outlook.table(mine, units, HI, cache_dir=cache)
    assert (a["target_2030"] == 95.0).all() and (b["target_2030"] == 99.0).all()
    assert (b["p_meet_2030"] <= a["p_meet_2030"]).all()
    assert len(list(cache.glob("table-*.pkl"))) == 2


def test_unit_outlook_with_a_changed_target_reuses_the_forecast(store, cache):
    uo = outlook.unit_outlook(store, "district:412", "ui_coverage_pct", cache_dir=cache)
    base = uo.targets[2030]
    assert base is not None and base.status == "inherited"
    lower = outlook.override_target(base, "ui_coverage_pct", 2030, uo.result.last_value + 1, "district:412")
    higher = outlook.override_target(base, "ui_coverage_pct", 2030, uo.result.last_value + 15, "district:412")
    a = outlook.unit_outlook(store, "district:412", "ui_coverage_pct", override=lower, cache_dir=cache)
    b = outlook.unit_outlook(store, "district:412", "ui_coverage_pct", override=higher, cache_dir=cache)
    assert a.result is uo.result and b.result is uo.result  # no refit: only shares of the same paths
    assert a.targets[2030].status == "override" and a.targets[2025] == uo.targets[2025]
    assert a.outlooks[2030].p_meet > b.outlooks[2030].p_meet
    assert a.progress[2030]["open_sdg"].target == lower


def test_unit_outlook_labels_come_from_the_progress_methods(store, cache):
    uo = outlook.unit_outlook(store, NGHE_AN, "si_coverage_pct", cache_dir=cache)
    history = pd.Series(uo.history["value"].to_numpy(), index=uo.history["year"].to_numpy())
    expected = progress.classify(history, uo.targets[2030], "open_sdg")
    assert uo.progress[2030]["open_sdg"].label == expected.label
    assert uo.progress[2030]["participants"].method == "participants"
    # Nghệ An's SI series is published: demo values never patch it (lib.store's status rule).
    assert not uo.demo and uo.data_status == "reported"


def test_too_short_series_says_so_instead_of_inventing_a_trend(cache):
    obs = pd.DataFrame({"unit": "province:02", "year": [2022, 2023, 2024, 2025], "period": "FY",
                        "metric": HI, "value": [88.0, 89.0, 90.5, 91.0], "status": "uploaded", "source": "file",
                        "dataset": "mine"})
    only = store_mod.Store([Dataset("mine", "uploaded", normalise_observations(obs))])
    uo = outlook.unit_outlook(only, "province:02", HI, cache_dir=cache)
    assert uo.result.too_short and uo.result.forecast_frame().empty
    assert uo.outlooks == {2025: None, 2030: None}  # this store holds no targets at all
    frame = outlook.table(only, ["province:02"], HI, cache_dir=cache)
    assert frame.loc[0, "status"] == "too_short" and pd.isna(frame.loc[0, "p_meet_2030"])
    assert not frame.loc[0, "demo"] and frame.loc[0, "data_status"] == "uploaded"


def test_ranked_by_probability_or_gap():
    frame = pd.DataFrame({"unit": list("abcd"), "p_meet_2030": [0.2, 0.9, np.nan, 0.9],
                          "gap_2030": [5.0, 1.0, 0.5, -2.0]})
    by_p = outlook.ranked(frame, "probability")
    assert by_p["unit"].tolist() == ["d", "b", "a", "c"] and by_p["rank"].tolist() == [1, 2, 3, 4]
    assert outlook.ranked(frame, "gap")["unit"].tolist() == ["d", "c", "b", "a"]


def test_with_override_recomputes_probabilities_for_every_row(store, cache):
    units = outlook.level_units("district", NGHE_AN)[:5]
    frame = outlook.table(store, units, HI, cache_dir=cache)
    easy = Target(HI, 2030, "point", 50.0, status="override")
    hard = Target(HI, 2030, "point", 99.9, status="override")
    assert (outlook.with_override(frame, store, HI, easy, cache_dir=cache)["p_override"] == 1.0).all()
    assert (outlook.with_override(frame, store, HI, hard, cache_dir=cache)["p_override"] < 0.05).all()


def test_export_frame_starts_with_the_issue_columns(store, cache):
    frame = outlook.table(store, [admin.NATIONAL_ID], HI, cache_dir=cache)
    out = outlook.export_frame(frame)
    assert list(out.columns[:12]) == ["unit_code", "name", "last_year", "last_value", "target_2025", "target_2030",
                                      "p_meet_2025", "p_meet_2030", "expected_year", "status", "model", "mase"]
    assert "data_status" in out.columns and "demo" in out.columns
    assert out.loc[0, "unit_code"] == "VN" and out.loc[0, "status"] == "ok"
    assert out.loc[0, "model"] == forecast.METHOD_NAME


def test_a_unit_computed_with_its_level_is_shown_fitted_by_statsmodels(store, cache):
    # a whole level is computed on the process pool in closed form; the unit a user opens is refitted by statsmodels
    # (Lai Châu: a long demo-only HI series, so it is forecast while demo shows)
    key, years, values, _ = outlook._series_jobs(store, [LAI_CHAU], HI)[LAI_CHAU]
    closed = forecast.forecast_series(pd.Series(values, index=years), horizon_to=outlook.HORIZON, unit=LAI_CHAU,
                                      engine="closed_form")
    outlook._write(cache, HI, {LAI_CHAU: (key, closed)})
    uo = outlook.unit_outlook(store, LAI_CHAU, HI, cache_dir=cache)
    assert uo.result.final_engines == {"drift": "statsmodels"}
    assert np.allclose(uo.result.forecast_frame().drop(columns="year"),
                       closed.forecast_frame().drop(columns="year"), atol=1e-3)
    outlook.clear_memory_cache()  # and it replaced the closed-form entry on disk
    assert outlook.forecasts(store, [LAI_CHAU], HI, cache_dir=cache)[LAI_CHAU].final_engines == {"drift": "statsmodels"}


def test_a_detected_break_can_be_ignored_by_the_user(store, cache):
    uo = outlook.unit_outlook(store, NGHE_AN, HI, cache_dir=cache, breaks=False)
    assert uo.result.break_year is None


def test_rows_state_history_length_gaps_and_breaks(store, cache):
    row = outlook.table(store, [admin.NATIONAL_ID], HI, cache_dir=cache).iloc[0]
    years = store.series(admin.NATIONAL_ID, HI).dropna(subset=["value"])["year"].astype(int)
    assert row["n_years"] == len(years)
    assert row["gap_years"] == (years.max() - years.min() + 1) - len(years)  # missing years inside the span
    assert {"n_years", "gap_years", "break_year"} <= set(outlook.export_frame(
        outlook.table(store, [admin.NATIONAL_ID], HI, cache_dir=cache)).columns)


def test_the_unit_picker_lists_the_area_then_its_units_and_keeps_a_unit_shown_from_elsewhere():
    options = outlook.unit_options("province:40")
    assert options[0] == "province:40" and "district:412" in options and "national:VN" not in options
    assert outlook.unit_options("province:40", "district:412") == options  # already there: no change
    kept = outlook.unit_options("province:40", "province_2025:40")  # e.g. a link to a 2025 province
    assert kept[:2] == ["province:40", "province_2025:40"] and kept[2:] == options[1:]


def test_tables_kept_in_memory_are_bounded_by_their_size_newest_kept(monkeypatch):
    # An analyst's uploads each make new tables: memory keeps the newest within TABLE_BYTES (the disk keeps all).
    outlook.clear_memory_cache()
    monkeypatch.setattr(outlook._TABLES, "max_bytes", 3.5 * 2**20)
    big = [pd.DataFrame({"x": np.full(2**17, float(k))}) for k in range(4)]  # 1 MB each
    for k, frame in enumerate(big):
        outlook._keep_table(f"t{k}", frame)
    assert outlook._TABLES.keys() == ["t1", "t2", "t3"]
    huge = pd.DataFrame({"x": np.zeros(2**19)})  # 4 MB: more than the bound alone, still the newest is kept
    outlook._keep_table("huge", huge)
    assert outlook._TABLES.keys() == ["huge"]
    outlook.clear_memory_cache()


def test_baseline_forecasts_kept_in_memory_are_bounded():
    from lib.scenarios import model

    assert model.baseline_forecast.cache_info().maxsize == model.BASELINES_KEPT <= 64
