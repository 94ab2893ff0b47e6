"""``Period``: the one type for a payout period, a month ("2026-01") or a quarter ("2026-Q1").

Every place that reads a period from people or files (commands, forms, finance pages, the
portal, exports, runs) parses it here, so the format and its error are the same everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

# The stored format of a run's period (PayoutRun's check constraint and the form use it).
MONTH_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
_MONTH = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])")
_QUARTER = re.compile(r"([0-9]{4})-Q([1-4])")


class PeriodError(ValueError):
    """Text that is not a period (of the kinds allowed); the message says what is."""


@dataclass(frozen=True, order=True, slots=True)
class Period:
    year: int
    month: int  # the first month
    months: int = 1  # 1 (a month) or 3 (a quarter)

    @classmethod
    def parse(cls, text: str | None, *, quarters: bool = False) -> Period:
        """``YYYY-MM`` (or, with ``quarters``, ``YYYY-Qn``); ``PeriodError`` otherwise."""
        value = (text or "").strip().upper()
        match = _MONTH.fullmatch(value)
        if match:
            return cls(int(match.group(1)), int(match.group(2)))
        match = _QUARTER.fullmatch(value)
        if match and quarters:
            return cls(int(match.group(1)), int(match.group(2)) * 3 - 2, 3)
        if quarters:
            raise PeriodError(_("Period must be YYYY-MM or YYYY-Qn, e.g. 2026-Q3."))
        raise PeriodError(_("Period must be YYYY-MM."))

    @classmethod
    def of(cls, day: date) -> Period:
        return cls(day.year, day.month)

    @classmethod
    def before(cls, day: date) -> Period:
        """The month before the one ``day`` is in."""
        return cls.of(day).previous()

    @property
    def is_quarter(self) -> bool:
        return self.months == 3

    def __str__(self) -> str:
        if self.is_quarter:
            return f"{self.year:04d}-Q{(self.month + 2) // 3}"
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def month_codes(self) -> tuple[str, ...]:
        """The "YYYY-MM" of each month it covers."""
        return tuple(
            f"{self.year:04d}-{m:02d}" for m in range(self.month, self.month + self.months)
        )

    @property
    def year_start(self) -> str:
        """The first month of its (tax) year, "YYYY-01"."""
        return f"{self.year:04d}-01"

    def previous(self) -> Period:
        if self.month == 1:
            return Period(self.year - 1, 12)
        return Period(self.year, self.month - 1)

    def bounds(self) -> tuple[datetime, datetime]:
        """Its first instant and the next period's, in the current time zone."""
        last = self.month + self.months - 1
        start = datetime(self.year, self.month, 1)
        end = datetime(self.year + last // 12, last % 12 + 1, 1)
        tz = timezone.get_current_timezone()
        return timezone.make_aware(start, tz), timezone.make_aware(end, tz)
