"""Validation of identity documents and registration numbers.

Numbers are checked with their checksum where one exists (python-stdnum). Error
messages never repeat the number itself, so it cannot leak into logs or pages.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError as StdnumError

# The ID document types of the Chinese withholding client (reference §8.4); the stored
# value is the client's drop-down text, exactly (full-width brackets for work permits).
ID_RESIDENT_CARD = "居民身份证"
ID_DOCUMENT_TYPES = [
    (ID_RESIDENT_CARD, _("PRC resident ID card")),
    ("中国护照", _("PRC passport")),
    ("港澳居民来往内地通行证", _("Mainland travel permit for Hong Kong and Macao residents")),
    ("港澳居民居住证", _("Residence permit for Hong Kong and Macao residents")),
    ("台湾居民来往大陆通行证", _("Mainland travel permit for Taiwan residents")),
    ("台湾居民居住证", _("Residence permit for Taiwan residents")),
    ("外国护照", _("Foreign passport")),
    ("外国人永久居留身份证", _("Foreign permanent resident ID card")),
    ("外国人工作许可证（A类）", _("Foreigner's work permit, class A")),
    ("外国人工作许可证（B类）", _("Foreigner's work permit, class B")),
    ("外国人工作许可证（C类）", _("Foreigner's work permit, class C")),
]

# Documents without a public checksum: letters, digits and hyphens, 5 to 20 characters.
_GENERIC_NUMBER = re.compile(r"^[A-Z0-9-]{5,20}$")


@sensitive_variables()
def id_number_normalize(*, document_type: str, number: str) -> str:
    """The canonical form of ``number`` for ``document_type``, or ValidationError."""
    if document_type not in dict(ID_DOCUMENT_TYPES):
        raise ValidationError(_("Unknown identity document type."), code="document_type")
    compact = re.sub(r"\s", "", number or "").upper()
    if document_type == ID_RESIDENT_CARD:
        try:
            return ric.validate(compact)
        except StdnumError:
            raise ValidationError(
                _("Not a valid 18-digit resident ID number (checksum or date)."),
                code="invalid_ric",
            ) from None
    if not _GENERIC_NUMBER.match(compact):
        raise ValidationError(
            _("Use 5 to 20 letters, digits or hyphens for the document number."),
            code="invalid_document_number",
        )
    return compact


@sensitive_variables()
def id_number_mask(number: str) -> str:
    """Show only the last four characters: ``**************1234``."""
    if not number:
        return ""
    return "*" * max(len(number) - 4, 0) + number[-4:]


def registration_number_normalize(*, country: str, number: str) -> str:
    """Chinese agencies: a valid unified social credit code; elsewhere a plain identifier."""
    compact = re.sub(r"[\s-]", "", number or "").upper()
    if str(country) == "CN":
        try:
            return uscc.validate(compact)
        except StdnumError:
            raise ValidationError(
                _("Not a valid unified social credit code."), code="invalid_uscc"
            ) from None
    if not re.match(r"^[A-Z0-9./]{3,30}$", compact):
        raise ValidationError(
            _("Use 3 to 30 letters or digits for the registration number."),
            code="invalid_registration_number",
        )
    return compact
