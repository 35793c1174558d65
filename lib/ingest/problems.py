"""A problem found in an input file: where (file, row, column), what is wrong and what was expected."""
from __future__ import annotations

from dataclasses import dataclass, field

from lib.i18n import t


class Localised:
    """A message parameter written in the reader's language when the message is shown (numbers, periods)."""

    def text(self, lang: str) -> str:  # pragma: no cover - overridden
        raise NotImplementedError


@dataclass(frozen=True)
class Num(Localised):
    """A number in a message: 1.234.567,5 in Vietnamese, 1,234,567.5 in English (lib.fmt); `pct` adds '%'."""
    value: float
    decimals: int | None = None  # None: as many as the number has (up to 6), no trailing zeros
    pct: bool = False

    def text(self, lang: str) -> str:
        from lib import fmt

        if self.decimals is None:
            out = fmt.trimmed(self.value, lang, 6)
        else:
            out = fmt.number(self.value, lang, self.decimals)
        return out + ("%" if self.pct else "")

    def __str__(self) -> str:
        return self.text("en")


@dataclass(frozen=True)
class PeriodText(Localised):
    year: int
    code: str

    def text(self, lang: str) -> str:
        from lib import periods

        return periods.label(self.year, self.code, lang)


@dataclass(frozen=True)
class Term(Localised):
    """A word from the catalogs in a message (a file format's name, '(none)'), in the reader's language."""
    key: str

    def text(self, lang: str) -> str:
        return t(self.key, lang)


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None  # the row the user sees (CSV line, sheet row); None for the whole file
    column: str | None
    code: str  # message key under "problem." in the catalogs
    params: dict = field(default_factory=dict, hash=False, compare=False)
    # error (nothing from the file is loaded) | warning (loaded; worth a look) | info (what was done, e.g. a boundary
    # file's coordinate system converted)
    severity: str = "error"

    def message(self, lang: str = "en") -> str:
        params = {k: (v.text(lang) if isinstance(v, Localised) else v) for k, v in self.params.items()}
        return t(f"problem.{self.code}", lang, **params)

    def line(self, lang: str = "en") -> str:
        """`FILE:ROW:COLUMN: message`, the command-line form (empty row or column when not about one)."""
        prefix = "" if self.severity == "error" else t(f"problem.{self.severity}_prefix", lang) + " "
        return f"{self.file}:{self.row or ''}:{self.column or ''}: {prefix}{self.message(lang)}"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


def problems_table(problems: list[Problem], lang: str, *, sheets: bool = False,
                   row_heading: str = "problem.col_row"):
    """The problems as a table for the screen and its download (text only: cells are shown, never run as HTML).
    `sheets`: the problems of a workbook read as an office report, whose `file` is 'FILE:SHEET', get a Sheet column;
    `row_heading`: what a row is in the file (a boundary file's rows are its features)."""
    import pandas as pd

    def split(where: str) -> tuple[str, str]:
        return tuple(where.rsplit(":", 1)) if sheets and ":" in where else (where, "")

    files, sheet_names = zip(*[split(p.file) for p in problems]) if problems else ((), ())
    columns = {t("problem.col_file", lang): list(files)}
    if sheets:
        columns[t("problem.col_sheet", lang)] = list(sheet_names)
    columns.update({
        t(row_heading, lang): [str(p.row) if p.row is not None else "" for p in problems],
        t("problem.col_column", lang): [p.column or "" for p in problems],
        t("problem.col_severity", lang): [t(f"problem.severity_{p.severity}", lang) for p in problems],
        t("problem.col_message", lang): [p.message(lang) for p in problems],
    })
    return pd.DataFrame(columns)
