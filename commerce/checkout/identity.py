"""China cross-border import identity: the buyer's real name and resident ID number.

The number is checked with its checksum (``stdnum.cn.ric``), never logged, and kept only
as a keyed hash (to count a buyer's annual purchases) and a masked form (to show).
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.views.decorators.debug import sensitive_variables
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError


@sensitive_variables()  # an error report never shows the number
def id_number_clean(*, number: str) -> str | None:
    """The compact 18-digit number if valid (checksum and birth date), else None."""
    try:
        compact = ric.validate(number)
    except StdnumError:
        return None
    return compact if len(compact) == 18 else None


@sensitive_variables()  # an error report never shows the number
def id_number_mask(*, number: str) -> str:
    """1101**********1234: the first four and last four characters only."""
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


@sensitive_variables()  # an error report never shows the number
def id_number_hash(*, number: str) -> str:
    """A keyed hash (HMAC-SHA256, its own key) to match a buyer across orders."""
    key = settings.BUYER_ID_HASH_KEY.encode()
    return hmac.new(key, number.upper().encode(), hashlib.sha256).hexdigest()
