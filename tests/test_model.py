"""Resolution: one value per unit, period and metric; rates derived from counts; parents summed from complete
children; the user's data first, then published, estimates, demo."""
import pandas as pd
import pytest

from lib import admin
from lib.model import choose_targets, normalise_observations, normalise_targets, resolve


def obs(rows):
    return normalise_observations(pd.DataFrame(rows, columns=["unit", "year", "period", "metric", "value", "status",
                                                              "source", "dataset"]))


def value(resolved, unit, metric, year=2023, period="FY"):
    sel = resolved[(resolved["unit"] == unit) & (resolved["metric"] == metric) & (resolved["year"] == year)
                   & (resolved["period"] == period)]
    assert len(sel) == 1, f"{unit} {metric}: {len(sel)} rows"
    return sel.iloc[0]


def test_rate_is_derived_from_counts_when_not_published():
    r = resolve(obs([("province:40", 2023, "FY", "hi_participants", 2900000, "demo", "demo", "demo"),
                     ("province:40", 2023, "FY", "population", 3200000, "estimate", "estimate:population", "den")]))
    row = value(r, "province:40", "hi_coverage_pct")
    assert row["value"] == pytest.approx(2900000 / 3200000 * 100)
    assert row["status"] == "demo"  # as certain as its least certain input
    assert bool(row["derived"])


def test_published_rate_beats_a_rate_computed_from_an_estimated_denominator():
    r = resolve(obs([("province:40", 2023, "FY", "hi_participants", 2911787, "reported", "A", "reported"),
                     ("province:40", 2023, "FY", "population", 3470000, "estimate", "estimate:population", "den"),
                     ("province:40", 2023, "FY", "hi_coverage_pct", 93.0, "reported", "A", "reported")]))
    row = value(r, "province:40", "hi_coverage_pct")
    assert row["value"] == 93.0 and row["status"] == "reported" and not bool(row["derived"])
    assert row["alternatives"] == 1  # the computed 83.9% is an alternative, not lost


def test_users_counts_and_denominator_beat_a_published_rate():
    r = resolve(obs([("province:40", 2023, "FY", "hi_participants", 3000000, "uploaded", "f.csv:2", "f.csv"),
                     ("province:40", 2023, "FY", "population", 3150000, "uploaded", "f.csv:2", "f.csv"),
                     ("province:40", 2023, "FY", "hi_coverage_pct", 93.0, "reported", "A", "reported")]))
    row = value(r, "province:40", "hi_coverage_pct")
    assert row["value"] == pytest.approx(3000000 / 3150000 * 100) and row["status"] == "uploaded"


def test_selection_priority_uploaded_then_reported_then_estimate_then_demo():
    r = resolve(obs([("province:40", 2023, "FY", "ui_participants", 1, "demo", "demo", "demo"),
                     ("province:40", 2023, "FY", "ui_participants", 2, "estimate", "e", "x"),
                     ("province:40", 2023, "FY", "ui_participants", 3, "reported", "A", "reported"),
                     ("province:40", 2023, "FY", "ui_participants", 4, "uploaded", "f", "f.csv")]))
    assert value(r, "province:40", "ui_participants")["value"] == 4
    r = resolve(obs([("province:40", 2023, "FY", "ui_participants", 1, "demo", "demo", "demo"),
                     ("province:40", 2023, "FY", "ui_participants", 2, "estimate", "e", "x")]))
    assert value(r, "province:40", "ui_participants")["value"] == 2


def test_si_total_from_its_parts():
    r = resolve(obs([("national:VN", 2019, "FY", "si_compulsory_participants", 15180000, "reported", "A", "r"),
                     ("national:VN", 2019, "FY", "si_voluntary_participants", 551000, "reported", "B", "r")]))
    assert value(r, "national:VN", "si_participants", 2019)["value"] == 15731000


def test_province_is_summed_from_its_districts_only_when_every_district_has_a_value():
    da_nang = [u for u in admin.children("province:48") if u != "district:498"]  # Hoàng Sa has no residents
    rows = [(d, 2023, "FY", "ui_participants", 1000, "uploaded", "f", "f.csv") for d in da_nang]
    r = resolve(obs(rows))
    assert value(r, "province:48", "ui_participants")["value"] == 1000 * len(da_nang)
    r = resolve(obs(rows[:-1]))
    assert r[(r["unit"] == "province:48") & (r["metric"] == "ui_participants")].empty  # a partial sum would mislead


def test_legacy_provinces_add_up_into_their_2025_province():
    # Hồ Chí Minh City (2025) = Hồ Chí Minh City + Bình Dương + Bà Rịa - Vũng Tàu
    rows = [(p, 2023, "FY", "si_participants", v, "reported", "A", "r")
            for p, v in [("province:79", 3000000), ("province:74", 1000000), ("province:77", 200000)]]
    r = resolve(obs(rows))
    assert value(r, "province_2025:79", "si_participants")["value"] == 4200000


def test_a_parents_own_value_is_never_replaced_by_the_sum():
    rows = [(p, 2023, "FY", "si_participants", v, "demo", "demo", "demo")
            for p, v in [("province:79", 3000000), ("province:74", 1000000), ("province:77", 200000)]]
    rows.append(("province_2025:79", 2023, "FY", "si_participants", 4730000, "reported", "VNS", "r"))
    assert value(resolve(obs(rows)), "province_2025:79", "si_participants")["value"] == 4730000


def test_targets_choose_the_users_then_the_strategic_document_then_the_majority():
    t = normalise_targets(pd.DataFrame([
        dict(unit="national:VN", metric="hi_coverage_pct", year=2025, kind="point", value=95.15,
             document="Decision 546", document_rank=2, source="a", status="published"),
        dict(unit="national:VN", metric="hi_coverage_pct", year=2025, kind="point", value=95.0,
             document="Resolution 20", document_rank=1, source="b", status="published"),
    ]))
    chosen = choose_targets(t)
    assert chosen["value"].tolist() == [95.0] and chosen["alternatives"].tolist() == [1]
    mine = pd.concat([t, normalise_targets(pd.DataFrame([dict(unit="national:VN", metric="hi_coverage_pct",
                                                              year=2025, kind="floor", value=96.0, document="",
                                                              document_rank=1, source="me", status="uploaded")]))])
    assert choose_targets(mine)["value"].tolist() == [96.0]
