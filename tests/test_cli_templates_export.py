"""The data stewards' command line, the templates users fill in, and safe CSV exports."""
import io
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from lib import export
from lib.ingest import templates
from lib.ingest.validate import validate_bytes

ROOT = Path(__file__).resolve().parents[1]


def cli(*args):
    return subprocess.run([sys.executable, "-m", "lib.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


@pytest.mark.parametrize("kind", templates.KINDS)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_templates_are_valid_files(kind, fmt):
    result = validate_bytes(f"template_{kind}.{fmt}", templates.to_bytes(kind, fmt))
    assert result.ok, [p.line() for p in result.problems]
    assert not result.warnings, [p.line() for p in result.warnings]
    n = len(result.dataset.observations) + len(result.dataset.targets)
    assert n > 0


def test_template_command_writes_csv_and_xlsx(tmp_path):
    for name in ("cov.csv", "cov.xlsx"):
        r = cli("template", "coverage", "--out", str(tmp_path / name))
        assert r.returncode == 0, r.stderr
        assert (tmp_path / name).stat().st_size > 0
    r = cli("template", "coverage", "--out", str(tmp_path / "cov.txt"))
    assert r.returncode == 2 and ".csv or .xlsx" in r.stderr


def test_validate_command_prints_file_row_column_message_and_exits_1(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("province,district,year,hi_coverage_pct\nNghệ An,Châu Thành,2023,93\n,Châu Thành,2023,101\n",
                   encoding="utf-8")
    good = tmp_path / "good.csv"
    good.write_text("province,year,hi_coverage_pct\nNghệ An,2023,93\n", encoding="utf-8")
    r = cli("validate", str(bad), str(good))
    assert r.returncode == 1
    lines = r.stdout.strip().splitlines()
    assert lines, r.stderr
    for line in lines:
        file, row, column, message = line.split(":", 3)
        assert file == str(bad) and row.isdigit() and message.strip()
    assert any(line.startswith(f"{bad}:2:district:") for line in lines)
    assert any(f"{bad}:3:" in line and "101" in line for line in lines)


def test_validate_command_exits_0_when_every_file_is_valid(tmp_path):
    good = tmp_path / "good.csv"
    good.write_text("province,year,hi_coverage_pct\nNghệ An,2023,93\n", encoding="utf-8")
    r = cli("validate", str(good))
    assert r.returncode == 0 and r.stdout == ""
    r = cli("validate", str(tmp_path / "missing.csv"))
    assert r.returncode == 1


def test_csv_export_neutralises_formulas_but_not_numbers():
    df = pd.DataFrame({"name": ["=HYPERLINK(\"x\")", "+1", "@SUM(A1)", "-cmd", "Nghệ An"], "value": [-1.5, 2, 3, 4, 5]})
    out = pd.read_csv(io.BytesIO(export.csv_bytes(df)), encoding="utf-8-sig")
    assert out["name"].tolist() == ["'=HYPERLINK(\"x\")", "'+1", "'@SUM(A1)", "'-cmd", "Nghệ An"]
    assert out["value"].tolist() == [-1.5, 2, 3, 4, 5]


def test_observations_export_marks_demo_values():
    from lib.store import bundled_store

    s = bundled_store()
    table = export.observations_table(s.resolved[s.resolved["unit"] == "province:40"], "en")
    assert {"status", "source"} <= set(table.columns)
    demo_rows = table[table["status"] == "demo"]
    assert len(demo_rows) and (demo_rows["source"].str.contains("Demo")).all()
    assert (table.loc[table["status"] == "reported", "source"].str.len() > 0).all()
