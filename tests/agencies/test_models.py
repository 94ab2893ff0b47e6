from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from agencies.models import Agency, Contract, Creator
from agencies.selectors import AGENCY, PERSONAL, creator_eligibility
from agencies.services import (
    agency_create,
    contract_create,
    creator_identity_set,
    creator_verification_set,
)
from tests.factories import CreatorFactory, UserFactory

from .conftest import VALID_RIC, VALID_USCC, contract

pytestmark = pytest.mark.django_db
DAY = date(2026, 6, 15)


def test_contracts_of_one_creator_may_not_overlap_in_the_database(cn_agency, hk_agency):
    assert connection.vendor == "postgresql"
    creator = CreatorFactory()
    contract(creator, cn_agency, valid_from=date(2026, 1, 1), valid_to=date(2026, 6, 30))
    with pytest.raises(IntegrityError), transaction.atomic():
        contract(creator, hk_agency, valid_from=date(2026, 6, 30))  # bounds are inclusive


def test_open_ended_contract_overlaps_any_later_one(cn_agency):
    creator = CreatorFactory()
    contract(creator, cn_agency, valid_from=date(2026, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        contract(creator, cn_agency, valid_from=date(2030, 1, 1))


def test_back_to_back_contracts_and_other_creators_are_fine(cn_agency, hk_agency):
    creator, other = CreatorFactory(), CreatorFactory()
    contract(creator, cn_agency, valid_from=date(2026, 1, 1), valid_to=date(2026, 6, 30))
    contract(creator, hk_agency, valid_from=date(2026, 7, 1))
    contract(other, cn_agency, valid_from=date(2026, 1, 1))
    assert Contract.objects.count() == 3


def test_contract_service_refuses_overlap_with_a_validation_error(cn_agency, hk_agency):
    creator = CreatorFactory()
    contract_create(creator=creator, agency=cn_agency, kind="service", valid_from=date(2026, 1, 1))
    with pytest.raises(ValidationError):
        contract_create(
            creator=creator, agency=hk_agency, kind="employment", valid_from=date(2026, 3, 1)
        )


def test_contract_cannot_end_before_it_starts(cn_agency):
    with pytest.raises(ValidationError):
        contract_create(
            creator=CreatorFactory(),
            agency=cn_agency,
            kind="service",
            valid_from=date(2026, 3, 1),
            valid_to=date(2026, 2, 1),
        )


def test_chinese_agency_needs_a_valid_social_credit_code():
    fields = dict(
        code="acme",
        legal_name="Acme",
        country="CN",
        share="0.3",
        payout_rail=Agency.Rail.BANK_FILE,
        bank_account_number="622202",
    )
    with pytest.raises(ValidationError) as exc:
        agency_create(registration_number="91350100M000100Y44", **fields)
    assert "registration_number" in exc.value.message_dict
    assert agency_create(registration_number=VALID_USCC.lower(), **fields).pk


def test_agency_share_is_a_fraction():
    with pytest.raises(ValidationError) as exc:
        agency_create(
            code="greedy",
            legal_name="Greedy",
            country="GB",
            registration_number="01234567",
            share="1.5",
            payout_rail=Agency.Rail.STRIPE_CONNECT,
            stripe_account_id="acct_1",
        )
    assert "share" in exc.value.message_dict


def test_stripe_connect_agency_needs_an_account(hk_agency):
    hk_agency.stripe_account_id = ""
    with pytest.raises(ValidationError):
        hk_agency.full_clean()


def test_agency_staff_users(cn_agency):
    user = UserFactory()
    cn_agency.staff.add(user)
    assert list(user.agencies.all()) == [cn_agency]


def test_existing_creators_default_to_unverified_residents():
    creator = CreatorFactory()
    assert creator.verification_state == Creator.Verification.UNVERIFIED
    assert creator.tax_residency == Creator.Residency.RESIDENT
    assert creator.id_number == ""


def test_identity_is_stored_normalised_and_shown_masked():
    creator = creator_identity_set(
        creator=CreatorFactory(), document_type="居民身份证", number=VALID_RIC.lower()
    )
    assert creator.id_number == VALID_RIC
    assert creator.id_number_masked.endswith("002X")
    assert VALID_RIC not in creator.id_number_masked
    assert VALID_RIC not in repr(creator) and VALID_RIC not in str(creator)


def test_invalid_identity_number_is_refused():
    with pytest.raises(ValidationError):
        creator_identity_set(
            creator=CreatorFactory(), document_type="居民身份证", number="110105194912310021"
        )


def test_verification_records_every_change_with_who_and_when():
    admin = UserFactory(username="officer")
    creator = creator_identity_set(
        creator=CreatorFactory(country="JP"), document_type="外国护照", number="TZ1234567"
    )
    creator_verification_set(creator=creator, state="pending")
    creator_verification_set(creator=creator, state="verified", actor=admin, reason="passport ok")
    creator.refresh_from_db()
    assert creator.verification_state == "verified"
    assert creator.verification_decided_by == admin
    assert creator.verification_decided_at is not None
    changes = list(creator.verification_changes.values_list("from_state", "to_state", "reason"))
    assert changes == [("unverified", "pending", ""), ("pending", "verified", "passport ok")]


def test_verification_needs_an_identity_document():
    with pytest.raises(ValidationError):
        creator_verification_set(creator=CreatorFactory(), state="verified")


def test_rejected_creator_must_apply_again_before_verification():
    creator = CreatorFactory()
    creator_verification_set(creator=creator, state="rejected")
    with pytest.raises(ValidationError):
        creator_verification_set(creator=creator, state="verified")


def test_changing_a_verified_document_needs_verification_again():
    creator = creator_identity_set(
        creator=CreatorFactory(country="GB"), document_type="外国护照", number="123456789"
    )
    creator_verification_set(creator=creator, state="verified")
    creator_identity_set(creator=creator, document_type="外国护照", number="987654321")
    assert creator.verification_state == "pending"


def test_residency_on_day_count_needs_the_count():
    creator = CreatorFactory(country="JP")
    creator.tax_residency = "non_resident"
    creator.residency_basis = "days_under_183"
    with pytest.raises(ValidationError) as exc:
        creator.full_clean()
    assert "residency_days" in exc.value.message_dict
    creator.residency_days, creator.residency_year = 40, 2026
    creator.full_clean()


def test_overseas_creator_goes_live_only_once_verified():
    assert CreatorFactory(country="CN").may_go_live
    overseas = CreatorFactory(country="US")
    assert not overseas.may_go_live
    overseas.verification_state = "verified"
    assert overseas.may_go_live


def test_chinese_creator_without_contract_earns_on_a_personal_account():
    eligibility = creator_eligibility(creator=CreatorFactory(), day=DAY)
    assert eligibility.allowed
    assert eligibility.channel.kind == PERSONAL


def test_chinese_creator_under_contract_earns_through_the_agency(cn_agency):
    creator = CreatorFactory()
    contract(creator, cn_agency, kind="service", valid_from=DAY - timedelta(days=10))
    eligibility = creator_eligibility(creator=creator, day=DAY)
    assert eligibility.channel.kind == AGENCY
    assert (eligibility.channel.agency_id, eligibility.channel.contract_kind) == (
        cn_agency.pk,
        "service",
    )
    # before the contract starts: personal account
    before = creator_eligibility(creator=creator, day=DAY - timedelta(days=11))
    assert before.channel.kind == PERSONAL


def test_overseas_creator_needs_verification_and_an_employment_contract(hk_agency):
    creator = CreatorFactory(country="GB")
    assert not creator_eligibility(creator=creator, day=DAY).allowed
    creator.verification_state = "verified"
    assert not creator_eligibility(creator=creator, day=DAY).allowed  # no contract
    contract(creator, hk_agency, kind="service", valid_from=DAY, valid_to=DAY)
    assert not creator_eligibility(creator=creator, day=DAY).allowed  # service contract
    contract(creator, hk_agency, kind="employment", valid_from=DAY + timedelta(days=1))
    assert creator_eligibility(creator=creator, day=DAY + timedelta(days=1)).allowed
