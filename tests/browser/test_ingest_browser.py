"""A report as an office keeps it, in Debian chromium: upload it on the Data page, change how one column is read in
the preview, load it, and see its value on the Overview marked as the user's. (The same flow's map values are checked
in tests/test_ingest_page.py through the features the map page sends to the browser: hovering a canvas polygon
depends on the map's view.)"""
from __future__ import annotations

import pytest

from tests.browser.helpers import assert_clean, settle, upload
from tests.ingest_workbooks import province_report

pytestmark = pytest.mark.browser


def shown(box) -> str:
    """What a select box shows: its label and its chosen option (an input's value or a div's text)."""
    inputs = box.locator("input")
    return box.inner_text() + " " + " ".join(inputs.nth(i).input_value() for i in range(inputs.count()))


def wait_shown(page, box, text: str, timeout_s: float = 60) -> None:
    for _ in range(int(timeout_s / 0.25)):
        if text in shown(box):
            return
        page.wait_for_timeout(250)
    raise AssertionError(f"the select box shows {shown(box)!r}, not {text!r}")


def test_upload_a_report_change_a_column_load_it_and_see_it_on_the_overview(watched, app_url, tmp_path):
    page = watched.page
    path = tmp_path / "bhyt_tinh.xlsx"
    path.write_bytes(province_report())
    page.goto(f"{app_url}/?lang=vi&area=province:40&year=2024")
    settle(page)
    page.get_by_role("link", name="Dữ liệu").click()  # within the session: uploads are kept for the session
    settle(page)
    upload(page, "Tải lên", path)
    page.get_by_text("Xem trước: bhyt_tinh.xlsx").wait_for(timeout=60000)
    page.get_by_text("Kỳ báo cáo: 2024 (đọc từ tiêu đề)").wait_for(timeout=60000)
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text="Tỷ lệ người có thẻ")
    wait_shown(page, box, "bỏ qua")  # a heading the catalog does not know is listed as ignored
    box.click()
    page.keyboard.type("Tỷ lệ bao phủ BHYT")
    page.keyboard.press("Enter")
    settle(page)
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text="Tỷ lệ người có thẻ")
    wait_shown(page, box, "Tỷ lệ bao phủ BHYT (%)")
    page.get_by_role("button", name="Nạp", exact=True).click()
    page.get_by_text("bhyt_tinh.xlsx: đã nạp 4 giá trị từ 1 trang").wait_for(timeout=60000)
    assert_clean(page)
    page.get_by_role("link", name="Tổng quan").click()
    main = page.locator('[data-testid="stMain"]')
    main.get_by_text("91,20%").first.wait_for(timeout=60000)
    assert "Dữ liệu của bạn" in main.inner_text()
    assert_clean(page)
    assert watched.external == set()
