"""The import and validate commands on real-shaped reports, and saved mappings in the scenarios' database."""
from __future__ import annotations

import json
import sqlite3

import pandas as pd
import pytest

from lib import cli
from lib.ingest import report
from lib.ingest.mappings import MappingStore
from tests.ingest_workbooks import NGHE_AN_ROWS, nghe_an_report, sheet_spec, workbook


def test_import_writes_the_tidy_table_and_a_summary_of_skipped_rows(tmp_path, capsys):
    path = tmp_path / "nghe_an.xlsx"
    path.write_bytes(nghe_an_report())
    out = tmp_path / "tidy.csv"
    assert cli.main(["import", str(path), "--out", str(out), "--no-estimates"]) == 0
    tidy = pd.read_csv(out, encoding="utf-8-sig")
    assert list(tidy.columns) == ["unit", "unit_name", "year", "period", "metric", "value", "status", "source"]
    assert len(tidy) == 12 and set(tidy["status"]) == {"uploaded"}
    vinh = tidy[(tidy["unit"] == "district:412") & (tidy["metric"] == "hi_participants")]
    assert vinh[["year", "period", "value", "source"]].values.tolist() == [[2024, "FY", 331545.0,
                                                                           f"{path}:Báo cáo:8"]]
    err = capsys.readouterr().err
    assert f"{path}: 12 values from 2 unit rows on 1 sheets; rows skipped: blank 2, former 1, header 2, notes 3, title 3, total 1" in err


def test_import_with_a_saved_mapping_file(tmp_path, capsys):
    header = [["STT", "Đơn vị", "Số thẻ cấp mới"]]
    path = tmp_path / "moi.xlsx"
    path.write_bytes(workbook(sheet_spec("S", ["TỈNH NGHỆ AN"], header, [], [["1", "Quỳnh Lưu", "136.355"]])))
    mapping = tmp_path / "m.json"
    mapping.write_text(json.dumps({"columns": {"Số thẻ cấp mới": "hi_participants"}, "period": "2024-09"}),
                       encoding="utf-8")
    out = tmp_path / "tidy.csv"
    assert cli.main(["import", str(path), "--mapping", str(mapping), "--out", str(out), "--no-estimates"]) == 0
    tidy = pd.read_csv(out, encoding="utf-8-sig")
    assert tidy[["unit", "period", "metric", "value"]].values.tolist() == [["district:421", "2024-09",
                                                                            "hi_participants", 136355.0]]


def test_a_file_with_an_error_contributes_nothing_and_the_command_fails(tmp_path, capsys):
    rows = [list(r) for r in NGHE_AN_ROWS]
    rows[1][1] = "TP. Vinhh"
    path = tmp_path / "sai.xlsx"
    path.write_bytes(nghe_an_report(rows))
    out = tmp_path / "tidy.csv"
    assert cli.main(["import", str(path), "--out", str(out), "--no-estimates", "--lang", "vi"]) == 1
    assert len(pd.read_csv(out, encoding="utf-8-sig")) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith(f"{path}:Báo cáo:8:Đơn vị: không có huyện nào tên 'TP. Vinhh' ở Tỉnh Nghệ An")
               for line in lines), lines


def test_import_of_template_files_keeps_the_good_ones_and_names_the_bad_and_the_missing(tmp_path, capsys):
    good = tmp_path / "good.csv"
    good.write_text("province,year,hi_coverage_pct\nNghệ An,2023,93\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("province,year,hi_coverage_pct\nNghệ An,2023,101\n", encoding="utf-8")
    missing = tmp_path / "missing.csv"
    out = tmp_path / "tidy.csv"
    assert cli.main(["import", str(good), str(bad), str(missing), "--out", str(out), "--no-estimates",
                     "--lang", "en"]) == 1
    tidy = pd.read_csv(out, encoding="utf-8-sig")
    assert tidy[["unit", "year", "metric", "value"]].values.tolist() == [["province:40", 2023, "hi_coverage_pct", 93.0]]
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert f"{missing}:::file not found" in lines
    assert any(line.startswith(f"{bad}:2:") and "101" in line for line in lines), lines
    assert not any(line.startswith(str(good)) for line in lines)
    assert f"{good}: 1 values (template layout)" in captured.err
    assert f"{out}: 1 rows" in captured.err


def test_validate_understands_reports_and_prints_file_sheet_row_column(tmp_path, capsys):
    rows = [list(r) for r in NGHE_AN_ROWS]
    rows[3][3] = "1 trăm"
    path = tmp_path / "bad.xlsx"
    path.write_bytes(nghe_an_report(rows))
    assert cli.main(["validate", str(path), "--no-estimates"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert f"{path}:Báo cáo:10:Số người tham gia BHYT: '1 trăm' is not a number (expected e.g. 93,35 · 1.234.567)" in out


def test_saved_mappings_are_versioned_in_the_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    store = MappingStore(url)
    first = store.save("Báo cáo BHYT huyện", report.Mapping({"so the cap moi": "hi_participants"}))
    second = store.save("báo cáo bhyt huyện", report.Mapping({"so the cap moi": ""}, period="2024"))
    assert (first.version, second.version) == (1, 2)
    assert store.names() == ["báo cáo bhyt huyện"]
    loaded = store.load("BÁO CÁO BHYT HUYỆN")
    assert (loaded.version, loaded.mapping.columns, loaded.mapping.period) == (2, {"so the cap moi": ""}, "2024")
    store.close()
    # both versions are kept (append-only), each with its checksum
    with sqlite3.connect(tmp_path / "db.sqlite") as db:
        rows = db.execute("select version, payload_sha256 from ingest_mappings order by version").fetchall()
    assert [v for v, _ in rows] == [1, 2] and all(len(h) == 64 for _, h in rows)


def test_a_corrupted_latest_version_falls_back_to_the_last_intact_one(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    store = MappingStore(url)
    store.save("m", report.Mapping({"a": "population"}))
    store.save("m", report.Mapping({"a": "labour_force"}))
    store.close()
    with sqlite3.connect(tmp_path / "db.sqlite") as db:
        db.execute("update ingest_mappings set payload = '{\"columns\": {}}' where version = 2")
    assert MappingStore(url).load("m").mapping.columns == {"a": "population"}


def test_a_mapping_with_an_unknown_metric_is_refused():
    with pytest.raises(ValueError):
        report.Mapping.from_json('{"columns": {"Dân số": "not_a_metric"}}')
