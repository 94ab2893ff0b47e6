import pytest
from django.core.exceptions import ValidationError

from agencies.validators import (
    ID_RESIDENT_CARD,
    id_number_mask,
    id_number_normalize,
    registration_number_normalize,
)

from .conftest import VALID_RIC, VALID_USCC


def test_resident_id_with_valid_checksum_is_accepted():
    assert id_number_normalize(document_type=ID_RESIDENT_CARD, number=VALID_RIC) == VALID_RIC


def test_resident_id_lowercase_x_check_digit_is_normalised():
    number = id_number_normalize(document_type=ID_RESIDENT_CARD, number=VALID_RIC.lower())
    assert number == VALID_RIC


def test_resident_id_with_wrong_checksum_is_refused_without_echoing_it():
    bad = VALID_RIC[:-1] + "8"
    with pytest.raises(ValidationError) as exc:
        id_number_normalize(document_type=ID_RESIDENT_CARD, number=bad)
    assert bad not in str(exc.value)


def test_resident_id_with_impossible_birth_date_is_refused():
    with pytest.raises(ValidationError):
        id_number_normalize(document_type=ID_RESIDENT_CARD, number="110105194913310021")


def test_resident_id_of_wrong_length_is_refused():
    with pytest.raises(ValidationError):
        id_number_normalize(document_type=ID_RESIDENT_CARD, number="11010519491231")


def test_foreign_passport_accepts_letters_and_digits():
    assert id_number_normalize(document_type="外国护照", number="e 1234567") == "E1234567"


def test_hk_macao_travel_permit_is_a_known_type():
    assert id_number_normalize(document_type="港澳居民来往内地通行证", number="H12345678")


def test_unknown_document_type_is_refused():
    with pytest.raises(ValidationError):
        id_number_normalize(document_type="driving licence", number="A1234567")


def test_work_permit_types_use_full_width_brackets():
    assert id_number_normalize(document_type="外国人工作许可证（A类）", number="W123456789")
    with pytest.raises(ValidationError):
        id_number_normalize(document_type="外国人工作许可证(A类)", number="W123456789")


def test_mask_shows_only_the_last_four():
    assert id_number_mask(VALID_RIC) == "*" * 14 + "002X"
    assert id_number_mask("") == ""


def test_unified_social_credit_code_checksum():
    assert registration_number_normalize(country="CN", number=VALID_USCC) == VALID_USCC
    with pytest.raises(ValidationError):
        registration_number_normalize(country="CN", number=VALID_USCC[:-1] + "4")


def test_foreign_registration_number_is_a_plain_identifier():
    assert registration_number_normalize(country="GB", number="0123 4567") == "01234567"
    with pytest.raises(ValidationError):
        registration_number_normalize(country="GB", number="!")
