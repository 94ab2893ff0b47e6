"""Errors raised by the pure tax engines.

Every error is a ``ValueError`` subclass that names the offending field and value,
so callers (forms, APIs, commands) can show one readable line.
"""

from __future__ import annotations

from typing import Any


class TaxInputError(ValueError):
    """Bad input to a tax engine: names the field and the value that was refused."""

    def __init__(self, field: str, value: Any, message: str) -> None:
        self.field = field
        self.value = value
        self.message = message
        super().__init__(f"{field}={value!r}: {message}")


class UnknownRegime(TaxInputError):
    """The withholding regime code is not one we know."""


class UnknownDestination(TaxInputError):
    """No duty rules exist for the destination country."""


class InvalidAmount(TaxInputError):
    """An amount is negative, a float, not a Decimal, or too precise for its currency."""


class InvalidPeriod(TaxInputError):
    """A period is malformed or out of order."""


class InvalidCountry(TaxInputError):
    """A country code is not an ISO 3166-1 alpha-2 code."""


class InvalidHSCode(TaxInputError):
    """An HS code is not 6 to 10 digits."""


class MixedCurrency(TaxInputError):
    """Amounts in different currencies were combined."""


class UnknownElection(TaxInputError):
    """An election keyword is not one the engine knows."""


class InvalidElection(TaxInputError):
    """An election has a bad value, or does not apply to the regime or the period."""


class InvalidQuantity(TaxInputError):
    """A quantity is not a positive whole number (an int, not a bool)."""


class InvalidRate(TaxInputError):
    """A tax or duty rate is not a Decimal fraction in its allowed range (0.20 means 20%)."""


class InvalidDate(TaxInputError):
    """A date is missing or is not a ``datetime.date``."""


class EmptyConsignment(TaxInputError):
    """A consignment has no lines, or something other than lines."""


class InvalidSetting(TaxInputError):
    """A configuration value for an engine is not one it accepts."""
