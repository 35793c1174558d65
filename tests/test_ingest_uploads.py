"""What an upload does to a session (lib/ingest/uploads.py), over a plain dict: template files validated and loaded,
reports kept for their preview, a report's reading changed, Load and Cancel."""
from __future__ import annotations

import pandas as pd

from lib.ingest import report
from lib.ingest.uploads import UPLOADS_KEY, UploadSession, datasets_table
from lib.ingest.validate import validate_bytes
from lib.store import bundled
from tests.ingest_workbooks import NGHE_AN_ROWS, nghe_an_report

GOOD = "province,year,hi_coverage_pct\nNghệ An,2023,93\n".encode()
BAD = "province,year,hi_coverage_pct\nNghệ An,2023,101\n".encode()


def validate(name, digest, data):
    return validate_bytes(name, data, None)


def test_a_good_template_file_is_loaded_and_a_bad_one_is_not():
    state: dict = {}
    s = UploadSession(state)
    s.receive("good.csv", GOOD, validate)
    s.receive("bad.csv", BAD, validate)
    s.received_all()
    assert [d.name for d in state[UPLOADS_KEY]] == ["good.csv"]
    assert [(r.file, r.ok) for r in s.results] == [("good.csv", True), ("bad.csv", False)]
    assert s.uploader_key == "uploader_1"  # a fresh upload box; the results stay
    s.receive("good.csv", GOOD, validate)  # the same file again replaces, never doubles
    assert [d.name for d in s.uploads] == ["good.csv"] and len(s.results) == 2
    s.remove(s.uploads[0])
    assert s.uploads == []


def test_a_report_waits_for_its_preview_and_loads_only_without_errors():
    state: dict = {}
    s = UploadSession(state)
    data = nghe_an_report()
    s.receive("nghe_an.xlsx", data, validate)
    assert list(s.pending) == ["nghe_an.xlsx"] and s.uploads == []
    assert s.change("nghe_an.xlsx", former="merge") and s.mapping("nghe_an.xlsx").former == "merge"
    assert not s.change("nghe_an.xlsx", former="merge", period="")  # nothing new: no rerun
    s.set_mapping("nghe_an.xlsx", report.Mapping())
    loaded = report.load(report.preview("nghe_an.xlsx", data), None)
    s.loaded("nghe_an.xlsx", loaded)
    assert loaded.ok and [d.name for d in s.uploads] == [loaded.dataset.name]
    rows = [list(r) for r in NGHE_AN_ROWS]
    rows[1][1] = "TP. Vinhh"
    wrong = report.load(report.preview("nghe_an.xlsx", nghe_an_report(rows)), None)
    s.loaded("nghe_an.xlsx", wrong)  # the file again, now with an error: the earlier values go too
    assert not wrong.ok and s.uploads == [] and s.result("nghe_an.xlsx") is wrong
    s.cancel("nghe_an.xlsx")
    assert s.pending == {} and s.result("nghe_an.xlsx") is None


def test_a_saved_reading_is_used_once_and_resets_the_column_boxes():
    class Saved:
        mapping = report.Mapping(period="2024-08")

    state: dict = {"col_r.xlsx_0_1": "x", "col_other_0_1": "y"}
    s = UploadSession(state)
    calls = []
    load = lambda name: calls.append(name) or Saved()  # noqa: E731
    s.use_saved("r.xlsx", "tháng 8", load)
    s.use_saved("r.xlsx", "tháng 8", load)
    assert calls == ["tháng 8"] and s.mapping("r.xlsx").period == "2024-08"
    assert "col_r.xlsx_0_1" not in state and "col_other_0_1" in state


def test_the_datasets_table_names_the_bundled_sets_in_the_users_language():
    table = datasets_table(bundled(), "vi")
    assert table.columns[:3].tolist() == ["Bộ dữ liệu", "Nguồn gốc", "Số dòng"]
    assert len(table) == len(bundled()) and not set(table["Bộ dữ liệu"]) & {"reported", "demo", "denominators"}
    assert set(table["Nguồn gốc"]) == {"Có sẵn trong ứng dụng"}  # not the internal id "bundled"
    assert set(datasets_table(bundled(), "en")["Origin"]) == {"Bundled with the app"}


def test_the_datasets_table_writes_counts_in_the_users_number_format_and_the_csv_keeps_numbers():
    from lib.model import Dataset

    obs = pd.DataFrame({"unit": ["province:40"] * 12_345, "metric": "hi_coverage_pct", "year": 2024,
                        "period": "FY", "value": 90.0, "status": "uploaded"})
    sets = [Dataset(name="nghe_an.xlsx", observations=obs, origin="uploaded")]
    assert datasets_table(sets, "vi")["Số dòng"].tolist() == ["12.345"]
    assert datasets_table(sets, "en")["Rows"].tolist() == ["12,345"]
    assert datasets_table(sets, "en", plain=True)["Rows"].tolist() == [12_345]


def test_what_the_user_is_told_after_an_upload_and_a_save(tmp_path):
    from lib.ingest import uploads

    good, bad = validate("good.csv", "", GOOD), validate("bad.csv", "", BAD)
    assert uploads.validation_message(good) == ("success", "data.loaded", {"name": "good.csv", "n": 1, "warnings": 0})
    kind, key, params = uploads.validation_message(bad)
    assert (kind, key, params["name"]) == ("error", "data.not_loaded", "bad.csv") and params["errors"] >= 1
    loaded = report.load(report.preview("nghe_an.xlsx", nghe_an_report()), None)
    kind, key, params = uploads.report_message("nghe_an.xlsx", loaded)
    assert (kind, key, params["sheets"]) == ("success", "data.report_loaded", 1) and params["n"] == 12

    from lib.ingest.mappings import MappingStore

    db = MappingStore(f"sqlite:///{tmp_path / 'db.sqlite'}")
    assert uploads.save_mapping(db, "  ", report.Mapping())[:2] == ("warning", "data.report_mapping_name_needed")
    assert uploads.save_mapping(db, "tháng 8", report.Mapping()) == (
        "success", "data.report_mapping_saved", {"name": "tháng 8", "version": 1})
    assert uploads.save_mapping(db, "tháng 8", report.Mapping())[2]["version"] == 2
    kind, key, params = uploads.save_mapping(db, "x" * 1000, report.Mapping())  # too long: said, never raised
    assert (kind, key) == ("error", "data.report_mapping_error") and params["error"]
