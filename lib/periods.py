"""Periods: a year plus a period code.

``FY``: the full year or the year end (for counts: as of 31 December; for money: January to December);
``YYYY-MM``: as of the end of that month, or cumulative from January to that month for money ("first 7 months");
``YYYY-ytd``: a point inside the year whose month was not stated.
A month of 12 is the full year and is stored as ``FY``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

FIRST_YEAR = 2000
FY = "FY"
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_YTD = re.compile(r"^(\d{4})-ytd$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class Period:
    year: int
    month: int | None  # None for FY (sorted last) and for ytd (month unknown)
    ytd: bool = False

    @property
    def code(self) -> str:
        if self.ytd:
            return f"{self.year}-ytd"
        if self.month is None:
            return FY
        return f"{self.year}-{self.month:02d}"

    @property
    def end_month(self) -> int:
        """The month the figure is as of (12 for FY; 6 for an unknown month inside the year)."""
        return 12 if self.month is None and not self.ytd else (self.month or 6)

    def sort_key(self) -> tuple[int, int]:
        return (self.year, 0 if self.ytd else (13 if self.month is None else self.month))


def make(year: int, month: int | None = None) -> Period:
    return Period(int(year), None if month in (None, 12) else int(month))


def parse(year, period: str | None) -> Period:
    """Read a (year, period) pair as written in data files; raises ValueError with what was expected."""
    y = int(year)
    text = "" if period is None else str(period).strip()
    if text in ("", FY, "fy", "Năm", "năm", "year"):
        return Period(y, None)
    m = _MONTH.match(text)
    if m:
        if int(m.group(1)) != y:
            raise ValueError(f"period {text!r} is not in year {y}")
        month = int(m.group(2))
        if not 1 <= month <= 12:
            raise ValueError(f"month {month} is not between 1 and 12")
        return make(y, month)
    if _YTD.match(text):
        if int(text[:4]) != y:
            raise ValueError(f"period {text!r} is not in year {y}")
        return Period(y, None, ytd=True)
    raise ValueError(f"period {text!r} is not FY, YYYY-MM or YYYY-ytd")


def latest_allowed(today: date | None = None) -> tuple[int, int]:
    today = today or date.today()
    return today.year, today.month


def in_range(p: Period, today: date | None = None) -> bool:
    """Observations cannot be dated before 2000 or after the current month."""
    last_year, last_month = latest_allowed(today)
    if p.year < FIRST_YEAR or p.year > last_year:
        return False
    # FY of the current year is as of December: not before December comes.
    return (p.year, p.end_month) <= (last_year, last_month)


def structure_of(p: Period) -> str:
    """'legacy' (63 provinces, districts) before 1 July 2025, '2025' (34 provinces, communes) from then on."""
    return "2025" if (p.year, p.end_month) >= (2025, 7) else "legacy"


def label(year: int, code: str, lang: str) -> str:
    """'2024', 'end of July 2024' / 'tháng 7/2024', '2021 (month not stated)'."""
    if code == FY:
        return str(year)
    if code.endswith("ytd"):
        return f"{year} (chưa rõ tháng)" if lang == "vi" else f"{year} (month not stated)"
    month = month_of(code)
    return f"tháng {month}/{year}" if lang == "vi" else f"{date(2000, month, 1):%b} {year}"


def order(code: str) -> int:
    """The one period order inside a year: a month-unknown point (0), months 1-12 in calendar order, the full year
    last (13)."""
    if code == FY:
        return 13
    if code.lower().endswith("ytd"):
        return 0
    return int(code[5:7])


def month_of(code: str) -> int | None:
    """7 for '2024-07'; None for the full year and for a point whose month is unknown."""
    return None if code == FY or code.lower().endswith("ytd") else int(code[5:7])


def code_for(year: int, month: int | None) -> str:
    """The period code of a year and month; December and no month are the full year."""
    return make(year, month).code
