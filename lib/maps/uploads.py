"""The user's own boundaries on the Map page: the report of an upload (lib/geo/upload.py reads the file) in the
user's language, as a message and tables. Text from the file stays text: the tables show it as such, and the
message escapes it with the `text` function the page passes (ui.text)."""
from __future__ import annotations

from typing import Callable

import pandas as pd

from lib import admin
from lib.i18n import t
from lib.maps.scope import MAP_LEVELS, level_label


def summary(result, lang: str, text: Callable[[str], str]) -> str:
    """'Loaded 63 provinces, matched by the column “ten”' or 'The file was not loaded' (see the tables)."""
    if not result.ok:
        return t("map.upload.not_loaded", lang)
    up = result.upload
    return t("map.upload.loaded", lang, n=len(up.layer), level=level_label(up.level, lang), column=text(up.column))


def tables(result, lang: str) -> list[tuple[str, pd.DataFrame]]:
    """(caption, table) of the upload's problems, its rows that matched no unit, and the units it left out."""
    out = []
    rows = []
    for p in result.problems:
        if result.ok and p.key == "map.upload.key_column":  # the success message says it
            continue
        params = dict(p.params)
        if params.get("level") in MAP_LEVELS:
            params["level"] = level_label(params["level"], lang)
        rows.append({t("map.upload.col_severity", lang): t(f"map.upload.severity_{p.severity}", lang),
                     t("map.upload.col_row", lang): "" if p.row is None else str(p.row),
                     t("map.upload.col_unit", lang): p.params.get("unit", ""),
                     t("map.upload.col_message", lang): t(p.key, lang, **params)})
    if rows:
        out.append((t("map.upload.problems", lang), pd.DataFrame(rows)))
    if len(result.unmatched):
        table = result.unmatched.assign(problem=result.unmatched["problem"].map(
            lambda x: t(f"map.upload.problem_{x}", lang)))
        out.append((t("map.upload.unmatched_title", lang, n=len(result.unmatched)), table.rename(columns={
            "row": t("map.upload.col_row", lang), "value": t("map.upload.col_value", lang),
            "problem": t("map.upload.col_problem", lang), "candidates": t("map.upload.col_candidates", lang)})))
    if result.missing:
        out.append((t("map.upload.missing_title", lang, n=len(result.missing)), pd.DataFrame(
            {t("map.upload.col_name", lang): [admin.display_name(u, with_parent=True) for u in result.missing]})))
    return out
