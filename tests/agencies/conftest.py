from datetime import date
from decimal import Decimal

import pytest

from agencies.models import Agency, Contract

VALID_USCC = "91350100M000100Y43"
VALID_RIC = "11010519491231002X"


@pytest.fixture
def cn_agency(db):
    return Agency.objects.create(
        code="starlight",
        legal_name="Starlight Culture Media Co., Ltd.",
        country="CN",
        registration_number=VALID_USCC,
        share=Decimal("0.3000"),
        payout_rail=Agency.Rail.BANK_FILE,
        bank_account_number="6222020200112233445",
    )


@pytest.fixture
def hk_agency(db):
    return Agency.objects.create(
        code="harbour",
        legal_name="Harbour Talent Ltd",
        country="HK",
        registration_number="12345678",
        share=Decimal("0.2000"),
        payout_rail=Agency.Rail.STRIPE_CONNECT,
        stripe_account_id="acct_123",
    )


def contract(creator, agency, kind="employment", valid_from=date(2026, 1, 1), valid_to=None):
    return Contract.objects.create(
        creator=creator, agency=agency, kind=kind, valid_from=valid_from, valid_to=valid_to
    )
