"""Errors raised by the pure tax engines.

Every error is a ``ValueError`` subclass that names the offending field and value,
so callers (forms, APIs, commands) can show one readable line.
"""

from __future__ import annotations

from typing import Any


class TaxInputError(ValueError):
    """Bad input to a tax engine: names the field and the value that was refused.

    ``code`` (stable, one per class, listed in ``tax.reasons``) and ``params`` ({"field",
    "value"}, JSON-safe) let a caller say it in the user's language; ``message`` is English.
    """

    code = "input.invalid"

    @property
    def params(self) -> dict[str, str]:
        return {"field": self.field, "value": str(self.value)}

    def __init__(self, field: str, value: Any, message: str) -> None:
        self.field = field
        self.value = value
        self.message = message
        super().__init__(f"{field}={value!r}: {message}")


class UnknownRegime(TaxInputError):
    """The withholding regime code is not one we know."""

    code = "input.unknown_regime"


class UnknownDestination(TaxInputError):
    """No duty rules exist for the destination country."""

    code = "input.unknown_destination"


class InvalidAmount(TaxInputError):
    """An amount is negative, a float, not a Decimal, or too precise for its currency."""

    code = "input.invalid_amount"


class InvalidPeriod(TaxInputError):
    """A period is malformed or out of order."""

    code = "input.invalid_period"


class InvalidCountry(TaxInputError):
    """A country code is not an ISO 3166-1 alpha-2 code."""

    code = "input.invalid_country"


class InvalidHSCode(TaxInputError):
    """An HS code is not 6 to 10 digits."""

    code = "input.invalid_hs_code"


class MixedCurrency(TaxInputError):
    """Amounts in different currencies were combined."""

    code = "input.mixed_currency"


class UnknownElection(TaxInputError):
    """An election keyword is not one the engine knows."""

    code = "input.unknown_election"


class InvalidElection(TaxInputError):
    """An election has a bad value, or does not apply to the regime or the period."""

    code = "input.invalid_election"


class InvalidQuantity(TaxInputError):
    """A quantity is not a positive whole number (an int, not a bool)."""

    code = "input.invalid_quantity"


class InvalidRate(TaxInputError):
    """A tax or duty rate is not a Decimal fraction in its allowed range (0.20 means 20%)."""

    code = "input.invalid_rate"


class InvalidDate(TaxInputError):
    """A date is missing or is not a ``datetime.date``."""

    code = "input.invalid_date"


class EmptyConsignment(TaxInputError):
    """A consignment has no lines, or something other than lines."""

    code = "input.empty_consignment"


class InvalidSetting(TaxInputError):
    """A configuration value for an engine is not one it accepts."""

    code = "input.invalid_setting"
