"""A problem found in an input file: where (file, row, column), what is wrong and what was expected."""
from __future__ import annotations

from dataclasses import dataclass, field

from lib.i18n import t


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None  # the row the user sees (CSV line, sheet row); None for the whole file
    column: str | None
    code: str  # message key under "problem." in the catalogs
    params: dict = field(default_factory=dict, hash=False, compare=False)
    severity: str = "error"  # error (nothing from the file is loaded) | warning (loaded; worth a look)

    def message(self, lang: str = "en") -> str:
        return t(f"problem.{self.code}", lang, **self.params)

    def line(self, lang: str = "en") -> str:
        """`FILE:ROW:COLUMN: message`, the command-line form (empty row or column when not about one)."""
        prefix = "" if self.severity == "error" else t("problem.warning_prefix", lang) + " "
        return f"{self.file}:{self.row or ''}:{self.column or ''}: {prefix}{self.message(lang)}"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


def problems_table(problems: list[Problem], lang: str):
    """The problems as a table for the screen (text only: cells are shown, never run as HTML)."""
    import pandas as pd

    return pd.DataFrame({
        t("problem.col_file", lang): [p.file for p in problems],
        t("problem.col_row", lang): [p.row if p.row is not None else "" for p in problems],
        t("problem.col_column", lang): [p.column or "" for p in problems],
        t("problem.col_severity", lang): [t(f"problem.severity_{p.severity}", lang) for p in problems],
        t("problem.col_message", lang): [p.message(lang) for p in problems],
    })
