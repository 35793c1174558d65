"""`python -m lib.cli forecast` (one CSV row per unit) and `python -m lib.cli backtest` (the published national
series)."""
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from lib import admin, cli, store as store_mod
from lib.bundled import reference
from lib.forecast import models as forecast

ROOT = Path(__file__).resolve().parent.parent
ISSUE_COLUMNS = ["unit_code", "name", "last_year", "last_value", "target_2025", "target_2030", "p_meet_2025",
                 "p_meet_2030", "expected_year", "status", "model", "mase"]


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, encoding="utf-8-sig", dtype={"unit_code": str})


def test_forecast_provinces_one_row_per_unit(tmp_path):
    out = tmp_path / "provinces_ui.csv"
    assert cli.main(["forecast", "--level", "province", "--metric", "ui", "--out", str(out), "--quiet"]) == 0
    df = read(out)
    assert list(df.columns[:12]) == ISSUE_COLUMNS
    provinces = admin.level_units("province")
    assert len(df) == len(provinces) and set(df["unit"]) == set(provinces.index)
    assert set(df["unit_code"]) == set(provinces["code"])
    s = store_mod.bundled_store()
    hanoi = df.set_index("unit").loc["province:01"]
    assert hanoi["name"] == "Thành phố Hà Nội"
    assert hanoi["target_2030"] == s.target("province:01", "ui_coverage_pct", 2030).value == 50.0  # Hà Nội's own
    cao_bang = df.set_index("unit").loc["province:04"]
    assert cao_bang["target_2030"] == 45.0 and cao_bang["target_2030_status"] == "inherited"  # Resolution 28
    for col in ("p_meet_2025", "p_meet_2030", "p_reach_2030"):
        assert df[col].dropna().between(0, 1).all()
    assert set(df["status"]) <= {"ok", "too_short", "no_data"}
    assert set(df["model"].dropna()) <= {forecast.METHOD_NAME}
    # A province with a published UI value is forecast from its real values only (never patched with demo); every
    # other province's history is demo, and the export says so.
    real = {u for u in provinces.index if s.has_real(u, "ui_coverage_pct")}
    assert real, "the bundled data has published provincial UI figures"
    rows = df.set_index("unit")
    assert not rows.loc[sorted(real), "demo"].any()
    others = rows.drop(index=sorted(real))
    assert others["demo"].all() and (others["data_status"] == "demo").all()


def test_forecast_national_from_the_command_line(tmp_path):
    out = tmp_path / "nation_hi.csv"
    run = subprocess.run([sys.executable, "-m", "lib.cli", "forecast", "--level", "national", "--metric", "hi",
                          "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    df = read(out)
    assert len(df) == 1 and df.loc[0, "unit_code"] == "VN"
    assert df.loc[0, "last_year"] == 2025 and df.loc[0, "last_value"] == pytest.approx(95.15)  # MoH, end-2025
    assert df.loc[0, "target_2025"] == 95.0 and df.loc[0, "p_meet_2025"] == 1.0  # 95.15 >= 95: met, observed
    assert "demo" in run.stderr  # the command says how many forecasts rest on demo values


def test_forecast_rejects_a_bad_metric(tmp_path):
    with pytest.raises(SystemExit):
        cli.main(["forecast", "--level", "province", "--metric", "revenue_plan", "--out", str(tmp_path / "x.csv")])


def test_backtest_prints_every_model_per_horizon_on_published_series(capsys):
    assert cli.main(["backtest", "--engine", "numpy"]) == 0
    out = capsys.readouterr().out
    hi = reference.national_fy_series("hi_coverage_pct")
    assert f"2010: {hi[2010]:g}" in out and "2008" not in out.split("national SI")[0]  # HI from 2010
    hi_part, si_part = out.split("== national SI", 1)
    rows = [line.split() for line in hi_part.splitlines() if line.strip().split(" ")[0] in forecast.MODELS
            or line.strip().rstrip(" *").split(" ")[0] in forecast.MODELS]
    models = {r[0] for r in rows}
    assert set(forecast.MODELS) <= models
    naive = [r for r in rows if r[0] == "naive"]
    assert [int(r[1]) for r in naive] == [1, 2, 3, 4, 5]
    assert all(r[4] == "1.000" for r in naive)  # MASE relative to naive of the naive forecast itself
    drift = [r for r in rows if r[0] == "rw_drift"]
    assert all(r[5] == "1.000" for r in drift)
    assert "chosen" in out
    # SI: backtested only on its published year-end values, and said so when they are too few (never invented)
    si = reference.national_fy_series("si_coverage_pct")
    assert "national SI coverage" in out and f"published year-end values ({len(si)})" in si_part
    assert ("too short to backtest" in si_part) == (len(si) < forecast.MIN_OBSERVED_YEARS)
