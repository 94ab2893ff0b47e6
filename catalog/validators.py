"""Field validators for cross-border product data."""

import re

from babel.numbers import get_currency_name
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

HS_CODE_RE = re.compile(r"^\d{6,10}$")


def validate_hs_code(value: str) -> None:
    """An HS code is 6 (international) to 10 (national tariff line) digits."""
    if not HS_CODE_RE.match(value or ""):
        raise ValidationError(
            _("Enter an HS code of 6 to 10 digits, e.g. 330499."), code="invalid_hs_code"
        )


def validate_currency_code(value: str) -> None:
    """Accept only ISO 4217 codes Babel knows (its name lookup returns the code otherwise)."""
    if not (len(value) == 3 and value.isupper() and get_currency_name(value, locale="en") != value):
        raise ValidationError(
            _("%(code)s is not an ISO 4217 currency code."),
            code="invalid_currency",
            params={"code": value},
        )
