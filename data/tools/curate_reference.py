"""Make data/reported_figures.csv: the verbatim reference rows, then the project's additions, plus how the app
reads each one.

Run once when data/reference/reported_figures.csv or data/reference/additions.csv changes:
    .venv/bin/python data/tools/curate_reference.py
Rows come first from the team's verbatim reference file (never edited here), then from additions.csv (figures the
project found later, same eight columns, see data/reference/ADDITIONS.md), in file order; both go through the same
rules. The first eight columns stay exactly as published; the added columns are:
  metric_id     the catalog metric (or target metric) the row is read as; "compulsory SI only" counts become
                si_compulsory_participants, target_si_voluntary_pct becomes target_si_voluntary_coverage_pct
  structure     legacy (63 provinces) or 2025 (34 provinces): rows about a merged 2025 province are 2025
  target_kind   point | floor | range_low | range_high (targets only)
  document      the document a target comes from, as the source names it
  document_rank 1 strategic resolution or provincial plan implementing it, 2 government / PM decision,
                3 sector or annual plan, 4 press report naming no document (targets only; lower wins)
  source_rank   who published the source of a target (targets only; lower wins between rows of the same document):
                1 an official government, Party or state-agency domain (*.gov.vn, dangcongsan.vn, chinhphu.vn,
                baochinhphu.vn, vbpl.vn, quochoi.vn), 2 any other source (press, legal databases), 3 a copy of another
                site ("mirror of" in the source). So where the same document's target is cited both from an official
                site and from a mirror, the official site is the one shown.
  origin        reference (the verbatim file) or additions (additions.csv)
"""
from __future__ import annotations

import csv
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "data" / "reference" / "reported_figures.csv"
ADDITIONS = ROOT / "data" / "reference" / "additions.csv"
OUT = ROOT / "data" / "reported_figures.csv"

COMPULSORY_ONLY = re.compile(r"compulsory SI only|compulsory SI 'nearly|compulsory SI % of|compulsory SI as %", re.I)
FLOOR = re.compile(r"trên \d|above|at least|'over \d|over \d+%|value is a floor|>\s?\d", re.I)

DOCUMENTS = [  # (pattern on note or source, document, rank); first match wins
    (r"Plan 81-KH/TU", "Kế hoạch 81-KH/TU (Nghệ An, 2022)", 1),
    (r"Resolution 03-NQ/TU", "Nghị quyết 03-NQ/TU (Bà Rịa - Vũng Tàu, 2021)", 1),
    (r"Ha Noi action programme", "Chương trình hành động của Hà Nội thực hiện NQ 28-NQ/TW", 1),
    (r"Resolution 28-NQ/TW", "Nghị quyết 28-NQ/TW (2018)", 1),
    (r"Resolution 20-NQ/TW", "Nghị quyết 20-NQ/TW (2017)", 1),
    (r"546", "Quyết định 546/QĐ-TTg (2022)", 2),
    (r"1167", "Quyết định 1167/QĐ-TTg (2016)", 2),
    (r"01/NQ-CP", "Nghị quyết 01/NQ-CP (2022, dự thảo)", 2),
    (r"Resolution 68/2013", "Báo cáo thực hiện Nghị quyết 68/2013/QH13", 2),
    (r"socio-economic plan", "Kế hoạch phát triển kinh tế - xã hội 2020", 2),
    (r"Party/National Assembly", "Mục tiêu của Đảng, Quốc hội (theo báo chí)", 2),
    (r"Master Plan for Universal Coverage", "Đề án lộ trình tiến tới BHYT toàn dân (2012)", 2),
    (r"PM-assigned", "Chỉ tiêu Thủ tướng giao", 2),
    (r"VSS 2022 plan|VSS plan", "Kế hoạch của BHXH Việt Nam", 3),
    (r"provincial PC target|People's Committee|PC plan", "Chỉ tiêu của UBND tỉnh", 3),
    (r"2019 plan|2020 target|2024 target|full-year 2022 target|MoH 2015 target", "Chỉ tiêu kế hoạch năm", 3),
    (r"Party/NA/Government resolutions", "Nghị quyết của Đảng, Quốc hội, Chính phủ (theo báo chí)", 2),
]

# Official publishers: the host of a target's source address ends with one of these (see source_rank above).
OFFICIAL_DOMAINS = ("gov.vn", "dangcongsan.vn", "chinhphu.vn", "baochinhphu.vn", "vbpl.vn", "quochoi.vn")
MIRROR = re.compile(r"\bmirror of\b", re.I)
URL_HOST = re.compile(r"https?://([^/\s:?#]+)", re.I)


def source_rank(source: str) -> int:
    """1 official domain, 2 other, 3 mirror (the first address in the source decides; a mirror note wins)."""
    if MIRROR.search(source):
        return 3
    m = URL_HOST.search(source)
    host = m.group(1).lower() if m else ""
    return 1 if any(host == d or host.endswith("." + d) for d in OFFICIAL_DOMAINS) else 2


# Rows whose target document is only identifiable from the source address (line numbers in the reference file).
DOCUMENT_BY_SOURCE = [
    (r"infographics-nam-2022-phan-dau", "Nghị quyết 01/NQ-CP (2022, dự thảo)", 2),
    (r"nghe-an-phan-dau-den-nam-2025|nghe-an-no-luc-thuc-hien", "Mục tiêu của tỉnh Nghệ An (theo báo chí)", 4),
    (r"baophutho", "Mục tiêu BHYT toàn dân (Báo Phú Thọ 2012)", 4),
    (r"kinhtedothi", "Nghị quyết của Đảng, Quốc hội, Chính phủ (theo báo chí)", 2),
]


def interpret(row: dict) -> dict:
    metric, note, source = row["metric"], row["note"] or "", row["source"] or ""
    out = {"metric_id": metric, "structure": "legacy", "target_kind": "", "document": "", "document_rank": "",
           "source_rank": ""}
    if re.search(r"post-merger", note, re.I):
        out["structure"] = "2025"
    if metric == "si_participants" and COMPULSORY_ONLY.search(note):
        out["metric_id"] = "si_compulsory_participants"
    if metric == "si_coverage_pct" and COMPULSORY_ONLY.search(note):
        out["metric_id"] = "si_compulsory_coverage_pct"
    if metric.startswith("target_"):
        base = metric[len("target_"):]
        if base == "si_voluntary_pct":
            base = "si_voluntary_coverage_pct"
        out["metric_id"] = "target_" + base
        if "lower bound" in note:
            out["target_kind"] = "range_low"
        elif "upper bound" in note:
            out["target_kind"] = "range_high"
        elif FLOOR.search(note.split("CONFLICTS")[0].replace("this article says", "")) and not _floor_is_other_metric(row):
            out["target_kind"] = "floor"
        else:
            out["target_kind"] = "point"
        for pattern, document, rank in DOCUMENTS:
            if re.search(pattern, note + " " + source, re.I):
                out["document"], out["document_rank"] = document, str(rank)
                break
        else:
            for pattern, document, rank in DOCUMENT_BY_SOURCE:
                if re.search(pattern, source, re.I):
                    out["document"], out["document_rank"] = document, str(rank)
                    break
            else:
                out["document"], out["document_rank"] = "Theo báo chí", "4"
        out["source_rank"] = str(source_rank(source))
    return out


def _floor_is_other_metric(row: dict) -> bool:
    """Ha Noi's note 'at least 40%; voluntary over 1%' is shared by its UI row, whose 33% is not a floor."""
    return row["area_name"] == "Ha Noi" and row["metric"] == "target_ui_coverage_pct"


def read(path: Path) -> tuple[list[str], list[dict]]:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames), list(reader)


def main() -> None:
    fields, rows = read(SRC)
    extra_fields, extra = read(ADDITIONS) if ADDITIONS.exists() else (fields, [])
    if extra_fields != fields:
        raise SystemExit(f"{ADDITIONS.name}: columns {extra_fields} differ from {SRC.name}: {fields}")
    added = ["metric_id", "structure", "target_kind", "document", "document_rank", "source_rank", "origin"]
    with OUT.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields + added, lineterminator="\n")
        writer.writeheader()
        for origin, part in (("reference", rows), ("additions", extra)):
            for row in part:
                writer.writerow({**row, **interpret(row), "origin": origin})
    print(f"wrote {OUT.relative_to(ROOT)}: {len(rows)} reference rows + {len(extra)} additions = "
          f"{len(rows) + len(extra)} rows")


if __name__ == "__main__":
    main()
