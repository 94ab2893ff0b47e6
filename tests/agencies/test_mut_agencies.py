"""Which field a refusal lands on, and what it says: contract, agency and identity checks
found by mutation testing (scripts/mutation.sh agencies) to be held only by "some
ValidationError was raised"."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from agencies.models import Agency, Contract
from agencies.services import (
    agency_create,
    contract_create,
    contract_end,
    creator_identity_set,
    creator_verification_set,
)
from agencies.validators import id_number_normalize, registration_number_normalize
from tests.factories import CreatorFactory, UserFactory

from .conftest import VALID_RIC, VALID_USCC, contract

pytestmark = pytest.mark.django_db


def errors_of(call) -> dict:
    with pytest.raises(ValidationError) as exc:
        call()
    return exc.value.message_dict


# --- Creator.clean --------------------------------------------------------------------------


def test_a_number_without_a_document_type_is_refused_on_the_type():
    creator = CreatorFactory()
    creator.id_number = VALID_RIC
    assert errors_of(creator.clean) == {
        "id_document_type": ["Give the type of the identity document."]
    }


def test_a_bad_resident_id_is_refused_on_the_number_without_echoing_it():
    creator = CreatorFactory()
    creator.id_document_type, creator.id_number = "居民身份证", "110105194912310021"
    assert errors_of(creator.clean) == {
        "id_number": ["Not a valid 18-digit resident ID number (checksum or date)."]
    }


def test_clean_stores_the_number_normalised():
    creator = CreatorFactory()
    creator.id_document_type, creator.id_number = "居民身份证", " " + VALID_RIC.lower()
    creator.clean()
    assert creator.id_number == VALID_RIC
    creator.id_document_type, creator.id_number = "外国护照", "tz 123 4567"
    creator.clean()
    assert creator.id_number == "TZ1234567"


def test_a_residency_on_a_day_count_needs_the_count():
    creator = CreatorFactory(country="JP")
    creator.tax_residency, creator.residency_basis = "non_resident", "days_under_183"
    assert errors_of(creator.clean) == {
        "residency_days": ["Record the day count the residency is based on."]
    }


# --- Agency.clean ---------------------------------------------------------------------------


def agency(**fields):
    defaults = {
        "code": "a1",
        "legal_name": "A1 Media",
        "country": "HK",
        "registration_number": "12345678",
        "share": Decimal("0.2"),
        "payout_rail": Agency.Rail.BANK_FILE,
        "bank_account_number": "001-234",
    }
    return Agency(**{**defaults, **fields})


def test_a_chinese_agency_code_is_checked_and_named():
    assert errors_of(agency(country="CN", registration_number="91350100M000100Y44").clean) == {
        "registration_number": ["Not a valid unified social credit code."]
    }
    good = agency(country="CN", registration_number=VALID_USCC.lower())
    good.clean()
    assert good.registration_number == VALID_USCC


def test_no_registration_number_is_not_checked_here():
    # Blank is the field's own business (required in full_clean), not the code's checksum.
    agency(country="CN", registration_number="").clean()


def test_each_rail_needs_its_own_account_and_only_that():
    assert errors_of(
        agency(payout_rail=Agency.Rail.STRIPE_CONNECT, stripe_account_id="").clean
    ) == {"stripe_account_id": ["A Stripe Connect payee needs its account id."]}
    assert errors_of(agency(bank_account_number="").clean) == {
        "bank_account_number": ["A bank-file payee needs its account number."]
    }
    # A Connect payee needs no bank account number, a bank-file payee no Stripe account.
    agency(
        payout_rail=Agency.Rail.STRIPE_CONNECT, stripe_account_id="acct_1", bank_account_number=""
    ).clean()
    agency(stripe_account_id="").clean()


# --- registration numbers -------------------------------------------------------------------


def test_a_foreign_registration_number_is_compacted_and_upper_cased():
    assert registration_number_normalize(country="HK", number="ab-12 34") == "AB1234"
    assert registration_number_normalize(country="GB", number="sc/123.4") == "SC/123.4"


@pytest.mark.parametrize("number", [None, "", "ab", "A" * 31, "ABC_123"])
def test_a_foreign_registration_number_must_be_3_to_30_plain_characters(number):
    with pytest.raises(ValidationError) as exc:
        registration_number_normalize(country="HK", number=number)
    assert exc.value.code == "invalid_registration_number"
    assert exc.value.messages == ["Use 3 to 30 letters or digits for the registration number."]


def test_a_bad_social_credit_code_has_its_own_code():
    with pytest.raises(ValidationError) as exc:
        registration_number_normalize(country="CN", number="91350100M000100Y44")
    assert exc.value.code == "invalid_uscc"


def test_document_errors_have_codes():
    with pytest.raises(ValidationError) as exc:
        id_number_normalize(document_type="驾驶证", number="X1234567")
    assert exc.value.code == "document_type"
    with pytest.raises(ValidationError) as exc:
        id_number_normalize(document_type="外国护照", number="A1")
    assert exc.value.code == "invalid_document_number"


# --- contracts ------------------------------------------------------------------------------


def test_contract_refusals_say_why():
    cn = Agency.objects.create(
        code="cn1",
        legal_name="CN1",
        country="CN",
        registration_number=VALID_USCC,
        share=Decimal("0.3"),
        payout_rail=Agency.Rail.BANK_FILE,
        bank_account_number="6222",
    )
    creator = CreatorFactory()
    contract(creator, cn, valid_from=date(2026, 1, 1), valid_to=date(2026, 6, 30))
    backwards = Contract(
        creator=creator,
        agency=cn,
        kind="service",
        valid_from=date(2027, 2, 1),
        valid_to=date(2027, 1, 31),
    )
    assert errors_of(backwards.clean) == {"valid_to": ["The contract cannot end before it starts."]}
    overlapping = Contract(creator=creator, agency=cn, kind="service", valid_from=date(2026, 6, 30))
    with pytest.raises(ValidationError) as exc:
        overlapping.clean()
    assert exc.value.messages == [
        "The creator already has a contract covering some of these dates."
    ]


def test_covers_includes_both_ends_and_open_ended_runs_on():
    fixed = Contract(valid_from=date(2026, 1, 1), valid_to=date(2026, 6, 30))
    assert [fixed.covers(date(2025, 12, 31)), fixed.covers(date(2026, 1, 1))] == [False, True]
    assert [fixed.covers(date(2026, 6, 30)), fixed.covers(date(2026, 7, 1))] == [True, False]
    open_ended = Contract(valid_from=date(2026, 1, 1), valid_to=None)
    assert open_ended.covers(date(2099, 12, 31)) and not open_ended.covers(date(2025, 12, 31))


def test_contract_end_sets_the_last_day_and_refuses_one_before_the_start():
    cn = agency(code="hk9")
    cn.save()
    creator = CreatorFactory()
    signed = contract_create(
        creator=creator, agency=cn, kind="service", valid_from=date(2026, 3, 1)
    )
    contract_end(contract=signed, valid_to=date(2026, 8, 31))
    signed.refresh_from_db()
    assert signed.valid_to == date(2026, 8, 31)
    assert not signed.covers(date(2026, 9, 1))
    with pytest.raises(ValidationError):
        contract_end(contract=signed, valid_to=date(2026, 2, 28))
    signed.refresh_from_db()
    assert signed.valid_to == date(2026, 8, 31)


def test_the_database_constraint_is_validated_on_postgresql(postgresql):
    hk = agency(code="hk8")
    hk.save()
    creator = CreatorFactory()
    contract(creator, hk, valid_from=date(2026, 1, 1))
    overlapping = Contract(creator=creator, agency=hk, kind="service", valid_from=date(2026, 5, 1))
    with pytest.raises(ValidationError):
        overlapping.validate_constraints()


# --- services -------------------------------------------------------------------------------


def test_agency_create_adds_its_staff():
    staff = UserFactory(username="agent")
    created = agency_create(
        code="hk7",
        legal_name="HK7",
        country="HK",
        registration_number="7777",
        share=Decimal("0.1"),
        payout_rail=Agency.Rail.BANK_FILE,
        bank_account_number="77",
        staff=[staff],
    )
    assert list(created.staff.all()) == [staff]


def test_a_changed_document_records_who_and_why_verification_restarts():
    officer = UserFactory(username="officer2")
    creator = creator_identity_set(
        creator=CreatorFactory(country="GB"), document_type="外国护照", number="123456789"
    )
    creator_verification_set(creator=creator, state="verified", actor=officer)
    creator_identity_set(
        creator=creator, document_type="外国护照", number="987654321", actor=officer
    )
    creator.refresh_from_db()
    assert (creator.verification_state, creator.id_number) == ("pending", "987654321")
    last = creator.verification_changes.order_by("-id").first()
    assert (last.from_state, last.to_state, last.decided_by, last.reason) == (
        "verified",
        "pending",
        officer,
        "Identity document changed.",
    )


# --- identity documents -------------------------------------------------------------------


def test_a_bad_resident_id_has_its_code_and_message():
    with pytest.raises(ValidationError) as exc:
        id_number_normalize(document_type="居民身份证", number="110105194912310021")
    assert exc.value.code == "invalid_ric"
    assert exc.value.messages == ["Not a valid 18-digit resident ID number (checksum or date)."]


def test_an_unknown_document_type_says_so():
    with pytest.raises(ValidationError) as exc:
        id_number_normalize(document_type="驾驶证", number="X1234567")
    assert exc.value.messages == ["Unknown identity document type."]


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("ab123", "AB123"),  # 5 characters: the shortest accepted
        ("A" * 20, "A" * 20),  # 20: the longest
        (" e12-345\t678 ", "E12-345678"),  # spaces and tabs dropped, hyphens kept
    ],
)
def test_other_documents_accept_5_to_20_letters_digits_or_hyphens(number, expected):
    assert id_number_normalize(document_type="外国护照", number=number) == expected


@pytest.mark.parametrize("number", [None, "", "AB12", "A" * 21, "AB_123", "护照12345"])
def test_other_documents_refuse_anything_else(number):
    with pytest.raises(ValidationError) as exc:
        id_number_normalize(document_type="外国护照", number=number)
    assert exc.value.code == "invalid_document_number"
    assert exc.value.messages == ["Use 5 to 20 letters, digits or hyphens for the document number."]


def test_the_mask_keeps_only_the_last_four():
    from agencies.validators import id_number_mask

    assert id_number_mask(VALID_RIC) == "*" * 14 + "002X"
    assert id_number_mask("1234") == "1234"
    assert id_number_mask("") == ""


# --- verification moves -------------------------------------------------------------------


def test_an_unknown_state_is_refused_by_name():
    with pytest.raises(ValidationError) as exc:
        creator_verification_set(creator=CreatorFactory(), state="approved")
    assert exc.value.messages == ["Unknown verification state."]


def test_a_move_not_allowed_names_both_states():
    creator = CreatorFactory()
    creator_verification_set(creator=creator, state="rejected")
    with pytest.raises(ValidationError) as exc:
        creator_verification_set(creator=creator, state="verified")
    assert exc.value.messages == ["A creator cannot move from rejected to verified."]
    creator.refresh_from_db()
    assert creator.verification_state == "rejected"
    assert creator.verification_changes.count() == 1


def test_verifying_without_a_document_says_why():
    with pytest.raises(ValidationError) as exc:
        creator_verification_set(creator=CreatorFactory(), state="verified")
    assert exc.value.messages == ["A creator without an identity document cannot be verified."]


@pytest.mark.parametrize(
    ("document_type", "number"),
    [("居民身份证", ""), ("", VALID_RIC)],
    ids=["type-without-number", "number-without-type"],
)
def test_verifying_needs_both_the_document_type_and_its_number(document_type, number):
    creator = CreatorFactory(id_document_type=document_type, id_number=number)
    before = creator.verification_state
    with pytest.raises(ValidationError) as exc:
        creator_verification_set(creator=creator, state="verified")
    assert exc.value.messages == ["A creator without an identity document cannot be verified."]
    creator.refresh_from_db()
    assert creator.verification_state == before != "verified"
    assert creator.verification_changes.count() == 0


def test_a_creator_with_both_is_verified_and_the_move_recorded():
    creator = CreatorFactory(id_document_type="居民身份证", id_number=VALID_RIC)
    creator_verification_set(creator=creator, state="verified", reason="documents checked")
    assert creator.verification_state == "verified"
    assert list(creator.verification_changes.values_list("to_state", "reason")) == [
        ("verified", "documents checked")
    ]


def test_setting_the_same_state_records_nothing():
    creator = CreatorFactory()
    creator_verification_set(creator=creator, state="pending")
    creator_verification_set(creator=creator, state="pending", reason="again")
    assert list(creator.verification_changes.values_list("to_state", "reason")) == [("pending", "")]


def test_a_decision_records_who_when_and_a_reason_cut_to_300_characters():
    officer = UserFactory(username="officer3")
    creator = CreatorFactory()
    returned = creator_verification_set(
        creator=creator, state="pending", actor=officer, reason="x" * 400
    )
    assert returned.verification_state == "pending"
    creator.refresh_from_db()
    assert (creator.verification_state, creator.verification_decided_by) == ("pending", officer)
    change = creator.verification_changes.get()
    assert (change.from_state, change.to_state, change.decided_by) == (
        "unverified",
        "pending",
        officer,
    )
    assert change.decided_at == creator.verification_decided_at
    assert change.reason == "x" * 300
