"""The Data page with a real-shaped report (AppTest): preview, a changed column, Load, and the values on the
Overview and on the map (the map checked through the features the page sends to the browser)."""
from __future__ import annotations

import json

import pytest

from lib.i18n import t
from tests.apptest import open_app
from tests.ingest_workbooks import province_report

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def database(tmp_path, monkeypatch):
    monkeypatch.setenv("VNSI_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite'}")


def test_preview_change_a_column_load_and_see_it_on_the_overview_and_the_map():
    at = open_app("pages/data.py", lang="en", area="province:40", year="2024")
    at.file_uploader[0].set_value(("bhyt_tinh.xlsx", province_report(), XLSX)).run()
    assert not at.exception
    assert "Preview: bhyt\\_tinh.xlsx" in [h.value for h in at.subheader]
    texts = [x.value for x in at.text]
    assert "Period: 2024 (read from the title)" in texts
    box = next(b for b in at.selectbox if b.label == "D · Tỷ lệ người có thẻ \\(%\\)")
    assert box.value == "— ignore —"
    box.select("HI coverage (%)").run()
    assert not at.exception
    box = next(b for b in at.selectbox if b.label == "D · Tỷ lệ người có thẻ \\(%\\)")
    assert box.value == "HI coverage (%)"
    next(b for b in at.button if b.label == "Load").click().run()
    assert not at.exception
    assert any("loaded 4 values from 1 sheets" in s.value for s in at.success), [s.value for s in at.success]
    at.switch_page("pages/overview.py").run()
    assert not at.exception
    values = {m.label: m.value for m in at.metric}
    assert values["HI coverage"] == "91.20%"
    assert any(t("status.uploaded", "en") in c.value for c in at.caption)
    at.switch_page("pages/map.py").run()
    assert not at.exception
    from tests.test_page_map import features  # the units as the browser draws them (geometry + view data)

    nghe_an = next(f["properties"] for f in features(at) if f["properties"]["uid"] == "province:40")
    assert "91.2%" in nghe_an["tips"][0] and not nghe_an["demo"]
    assert nghe_an["tips"][-1].startswith(t("status.uploaded", "en"))


def test_a_report_with_a_wrong_name_loads_nothing_and_says_where():
    from tests.ingest_workbooks import NGHE_AN_ROWS, nghe_an_report

    rows = [list(r) for r in NGHE_AN_ROWS]
    rows[1][1] = "TP. Vinhh"
    at = open_app("pages/data.py", lang="vi")
    at.file_uploader[0].set_value(("sai.xlsx", nghe_an_report(rows), XLSX)).run()
    next(b for b in at.button if b.label == "Nạp").click().run()
    assert not at.exception
    assert any("chưa nạp gì" in e.value for e in at.error)
    problems = next(d.value for d in at.dataframe if "Vấn đề" in d.value.columns and "Trang" in d.value.columns)
    row = problems[problems["Dòng"] == "8"].iloc[0]
    assert (row["Trang"], row["Cột"]) == ("Báo cáo", "Đơn vị")
    assert "'TP. Vinhh'" in row["Vấn đề"] and "Tỉnh Nghệ An" in row["Vấn đề"]
    assert "uploads" not in at.session_state or not at.session_state["uploads"]


def test_a_saved_reading_of_the_columns_is_reused_for_the_next_file_of_the_same_shape(tmp_path):
    at = open_app("pages/data.py", lang="en")
    at.file_uploader[0].set_value(("thang_8.xlsx", province_report(), XLSX)).run()
    label = "D · Tỷ lệ người có thẻ \\(%\\)"
    next(b for b in at.selectbox if b.label == label).select("HI coverage (%)").run()
    next(x for x in at.text_input if x.label == "Name").input("BHYT theo tỉnh").run()
    next(b for b in at.button if b.label.startswith("Save this reading")).click().run()
    assert not at.exception
    assert any("Saved 'BHYT theo tỉnh' (version 1)" in s.value for s in at.success)
    next(b for b in at.button if b.label == "Drop this file").click().run()
    at.file_uploader[0].set_value(("thang_9.xlsx", province_report(), XLSX)).run()
    assert next(b for b in at.selectbox if b.label == label).value == "— ignore —"
    next(b for b in at.selectbox if b.label == "Use a saved reading of the columns").select("BHYT theo tỉnh").run()
    assert not at.exception
    assert next(b for b in at.selectbox if b.label == label).value == "HI coverage (%)"
    next(b for b in at.button if b.label == "Load").click().run()
    assert any("thang\\_9.xlsx: loaded 4 values" in s.value for s in at.success), [s.value for s in at.success]
