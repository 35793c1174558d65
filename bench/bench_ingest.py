"""Time to preview and to load a large real-shaped report: every one of the 3,321 communes × 12 months.

  .venv/bin/python bench/bench_ingest.py

The workbook has 12 sheets ("ĐẾN 31/8/2025" … "ĐẾN 31/7/2026" in the title rows), each with a two-level merged header,
an STT column, a province and a commune column, six indicator columns with numbers as Vietnamese text
("331.545", "96,10"), a total row and a signature block. Figures printed:
- preview: read every sheet, find the table, map the headings, classify and resolve every row (target ≤ 3 s);
- load: validation of every value and the office checks (target ≤ 5 s);
- as a reference drawn in the same run: reading the same workbook's cells with openpyxl alone (read-only), so the
  ratio shows what the pipeline adds on this machine.
"""
from __future__ import annotations

import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MONTHS = [(2025, m) for m in range(8, 13)] + [(2026, m) for m in range(1, 8)]


def vi(n: float, decimals: int = 0) -> str:
    text = f"{n:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def build() -> bytes:
    import openpyxl

    from lib import admin

    communes = admin.level_units("commune")
    provinces = admin.units()["name"]
    book = openpyxl.Workbook(write_only=True)
    for k, (year, month) in enumerate(MONTHS):
        ws = book.create_sheet(f"T{month}-{year}")
        ws.append(["BẢO HIỂM XÃ HỘI VIỆT NAM"])
        ws.append([f"BÁO CÁO SỐ NGƯỜI THAM GIA BHXH, BHYT, BHTN ĐẾN 31/{month}/{year}"])
        ws.append([])
        # a merged group heading reads as its text in every cell it spans (write-only sheets cannot merge)
        ws.append(["STT", "Tỉnh", "Xã, phường, đặc khu", "Dân số", "BHYT", "BHYT", "Số người tham gia",
                   "Số người tham gia", "Số người tham gia"])
        ws.append([None, None, None, None, "Số người", "Tỷ lệ (%)", "BHXH bắt buộc", "BHXH tự nguyện", "BHTN"])
        totals = [0, 0, 0, 0, 0]
        for i, (uid, row) in enumerate(communes.iterrows(), start=1):
            pop = 8000 + (i * 37) % 40000
            hi = int(pop * (0.88 + (i % 10) / 100))
            comp, vol, ui = pop // 12 + k, pop // 40, pop // 14
            for j, v in enumerate((pop, hi, comp, vol, ui)):
                totals[j] += v
            ws.append([str(i), provinces[row["parent"]], row["name"], vi(pop), vi(hi), vi(hi / pop * 100, 2),
                       vi(comp), vi(vol), vi(ui)])
        ws.append([None, "Tổng cộng", None, vi(totals[0]), vi(totals[1]), None, vi(totals[2]), vi(totals[3]),
                   vi(totals[4])])
        ws.append([])
        ws.append(["Người lập biểu", None, None, None, None, "GIÁM ĐỐC"])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def main() -> None:
    import openpyxl

    from lib.ingest import report

    t0 = time.perf_counter()
    data = build()
    print(f"built the workbook: {len(data) / 1e6:.1f} MB, 12 sheets × 3,321 communes "
          f"({time.perf_counter() - t0:.1f} s, not part of the figures)")
    report.preview("warm.xlsx", build_small())  # imports and the name indexes, once per process

    t0, c0 = time.perf_counter(), time.process_time()
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    cells = sum(len(r) for ws in book.worksheets for r in ws.iter_rows(values_only=True))
    book.close()
    reference, c_reference = time.perf_counter() - t0, time.process_time() - c0

    t0, c0 = time.perf_counter(), time.process_time()
    preview = report.preview("communes.xlsx", data)
    t_preview, c_preview = time.perf_counter() - t0, time.process_time() - c0
    units = sum(1 for s in preview.sheets for r in s.rows if r.kind == "unit")

    t0, c0 = time.perf_counter(), time.process_time()
    loaded = report.load(preview, None, None, lang="vi")
    t_load, c_load = time.perf_counter() - t0, time.process_time() - c0
    n = 0 if loaded.dataset is None else len(loaded.dataset.observations)
    print(f"machine: load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (wall time grows with it; CPU "
          f"time is this process's own)")
    print(f"reference: openpyxl reads the {cells:,} cells alone: {reference:.2f} s wall, {c_reference:.2f} s CPU")
    print(f"preview: {t_preview:.2f} s wall, {c_preview:.2f} s CPU ({c_preview / c_reference:.2f}× the reference's "
          f"CPU; target ≤ 3 s) — {units:,} unit rows on {len(preview.sheets)} sheets")
    print(f"load: {t_load:.2f} s wall, {c_load:.2f} s CPU (target ≤ 5 s) — {n:,} values, {len(loaded.errors)} errors, "
          f"{len(loaded.warnings)} warnings")
    print(f"preview + load: {t_preview + t_load:.2f} s wall, {c_preview + c_load:.2f} s CPU")
    for p in loaded.errors[:5]:
        print("  first errors:", p.line("en"))


def build_small() -> bytes:
    from tests.ingest_workbooks import nghe_an_report

    return nghe_an_report()


if __name__ == "__main__":
    main()
