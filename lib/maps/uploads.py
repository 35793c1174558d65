"""The user's own boundaries on the Map page: the report of an upload (lib/geo/upload.py reads the file) in the
user's language, as a message and tables. Text from the file stays text: the tables show it as such, and the
message escapes it with the `text` function the page passes (ui.text)."""
from __future__ import annotations

from typing import Callable

import pandas as pd

from lib import admin, fmt
from lib.i18n import t
from lib.ingest.problems import problems_table
from lib.maps.scope import level_label


def summary(result, lang: str, text: Callable[[str], str]) -> str:
    """'Loaded 63 provinces, matched by the column “ten”' or 'The file was not loaded' (see the tables)."""
    if not result.ok:
        return t("map.upload.not_loaded", lang)
    up = result.upload
    return t("map.upload.loaded", lang, n=fmt.number(len(up.layer), lang, 0), level=level_label(up.level, lang),
             column=text(up.column))


def tables(result, lang: str) -> list[tuple[str, pd.DataFrame]]:
    """(caption, table) of the upload's problems (the table every input file's problems are shown in, its rows
    named as the file's features), its features that matched no unit, and the units it left out."""
    out = []
    shown = [p for p in result.problems if not (result.ok and p.code == "boundary.key_column")]  # the summary says it
    if shown:
        out.append((t("map.upload.problems", lang), problems_table(shown, lang, row_heading="map.upload.col_row")))
    if len(result.unmatched):
        n = fmt.number(len(result.unmatched), lang, 0)
        table = result.unmatched.assign(problem=result.unmatched["problem"].map(
            lambda x: t(f"map.upload.problem_{x}", lang)))
        out.append((t("map.upload.unmatched_title", lang, n=n), table.rename(columns={
            "row": t("map.upload.col_row", lang), "value": t("map.upload.col_value", lang),
            "problem": t("map.upload.col_problem", lang), "candidates": t("map.upload.col_candidates", lang)})))
    if result.missing:
        n = fmt.number(len(result.missing), lang, 0)
        out.append((t("map.upload.missing_title", lang, n=n), pd.DataFrame(
            {t("map.upload.col_name", lang): [admin.display_name(u, with_parent=True) for u in result.missing]})))
    return out
