"""``Contract.clean()`` on its own: the overlap rule every form and service relies on.

The PostgreSQL exclusion constraint guards the same rule at the database, but forms and
the admin call ``clean()`` (through ``full_clean``) first and show its message: these tests
call ``clean()`` directly so that a broken Python check cannot hide behind the constraint.
"""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from agencies.models import Contract
from tests.agencies.conftest import contract
from tests.factories import CreatorFactory

pytestmark = pytest.mark.django_db


def unsaved(creator, agency, valid_from, valid_to=None, kind="service"):
    return Contract(
        creator=creator, agency=agency, kind=kind, valid_from=valid_from, valid_to=valid_to
    )


@pytest.mark.parametrize(
    ("existing", "candidate", "overlaps"),
    [
        # Existing 2026-01-01..2026-03-31 (both days inclusive).
        ((date(2026, 1, 1), date(2026, 3, 31)), (date(2026, 4, 1), None), False),  # next day
        ((date(2026, 1, 1), date(2026, 3, 31)), (date(2026, 3, 31), None), True),  # last day
        ((date(2026, 1, 1), date(2026, 3, 31)), (date(2025, 6, 1), date(2025, 12, 31)), False),
        ((date(2026, 1, 1), date(2026, 3, 31)), (date(2025, 6, 1), date(2026, 1, 1)), True),
        ((date(2026, 1, 1), date(2026, 3, 31)), (date(2026, 2, 1), date(2026, 2, 28)), True),
        ((date(2026, 1, 1), date(2026, 3, 31)), (date(2025, 1, 1), None), True),  # encloses
        # Existing open-ended from 2026-01-01: anything reaching 2026 overlaps.
        ((date(2026, 1, 1), None), (date(2030, 1, 1), None), True),
        ((date(2026, 1, 1), None), (date(2025, 1, 1), date(2025, 12, 31)), False),
        ((date(2026, 1, 1), None), (date(2025, 1, 1), date(2026, 1, 1)), True),
    ],
)
def test_clean_refuses_exactly_the_overlapping_dates(cn_agency, existing, candidate, overlaps):
    creator = CreatorFactory()
    contract(creator, cn_agency, valid_from=existing[0], valid_to=existing[1])
    new = unsaved(creator, cn_agency, *candidate)
    if overlaps:
        with pytest.raises(ValidationError, match="already has a contract"):
            new.clean()
    else:
        new.clean()  # no error


def test_clean_ignores_other_creators_contracts(cn_agency):
    contract(CreatorFactory(), cn_agency, valid_from=date(2026, 1, 1))
    unsaved(CreatorFactory(), cn_agency, date(2026, 1, 1)).clean()


def test_clean_lets_a_contract_be_edited_without_overlapping_itself(cn_agency):
    existing = contract(CreatorFactory(), cn_agency, valid_from=date(2026, 1, 1))
    existing.valid_to = date(2026, 6, 30)
    existing.clean()


def test_clean_refuses_an_end_before_the_start(cn_agency):
    new = unsaved(CreatorFactory(), cn_agency, date(2026, 5, 1), date(2026, 4, 30))
    with pytest.raises(ValidationError) as error:
        new.clean()
    assert "valid_to" in error.value.message_dict


def test_clean_accepts_a_one_day_contract(cn_agency):
    unsaved(CreatorFactory(), cn_agency, date(2026, 5, 1), date(2026, 5, 1)).clean()
