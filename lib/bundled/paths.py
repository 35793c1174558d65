"""Where the built bundled data lives (data/build/): read by the store, written by lib.bundled.build."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "data" / "build"
DENOMINATORS = BUILD / "denominators.parquet"
DEMO = BUILD / "demo_panel.parquet"
RESOLVED = BUILD / "resolved_bundled.parquet"  # the bundled data resolved once, so the app starts fast
STAMP = BUILD / "stamp.json"
