"""Issue #17, item 3: ID and bank numbers encrypted at rest; rotation; masked display."""

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings

from agencies.models import Agency, Creator
from commerce.residency.crypto import TOKEN_PREFIX
from tests.factories import CreatorFactory
from tests.payouts.factories import agency_make

pytestmark = pytest.mark.django_db(databases="__all__")

ID_NUMBER = "11010519491231002X"
ACCOUNT = "6217003810000123456"


def raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "{column}" FROM "{table}" WHERE id = %s', [pk])
        return cursor.fetchone()[0]


def creator_with_numbers():
    return CreatorFactory(
        id_document_type="外国护照",
        id_number=ID_NUMBER,
        payout_account_number=ACCOUNT,
    )


def test_raw_columns_hold_ciphertext_and_the_model_reads_the_number():
    creator = creator_with_numbers()
    agency = agency_make()
    stored = raw("agencies_creator", "id_number", creator.pk)
    assert stored.startswith(TOKEN_PREFIX) and ID_NUMBER not in stored
    stored_account = raw("agencies_creator", "payout_account_number", creator.pk)
    assert stored_account.startswith(TOKEN_PREFIX) and ACCOUNT not in stored_account
    bank = raw("agencies_agency", "bank_account_number", agency.pk)
    assert bank.startswith(TOKEN_PREFIX) and "6222000000000001" not in bank

    fresh = Creator.objects.get(pk=creator.pk)
    assert fresh.id_number == ID_NUMBER
    assert fresh.payout_account_number == ACCOUNT
    assert Agency.objects.get(pk=agency.pk).bank_account_number == "6222000000000001"
    assert list(Creator.objects.filter(pk=creator.pk).values_list("id_number", flat=True)) == [
        ID_NUMBER
    ]
    # Masked display keeps working.
    assert fresh.id_number_masked.endswith("002X") and "0519491231" not in fresh.id_number_masked


def test_empty_numbers_stay_empty_and_filtering_on_a_number_is_refused():
    creator = CreatorFactory()
    assert raw("agencies_creator", "id_number", creator.pk) == ""
    assert Creator.objects.filter(pk=creator.pk, id_number="").exists()
    with pytest.raises(FieldError):
        list(Creator.objects.filter(id_number=ID_NUMBER))


def test_rotation_re_encrypts_with_the_newest_key_and_is_idempotent(settings, capsys):
    creator = creator_with_numbers()
    before = raw("agencies_creator", "id_number", creator.pk)
    old_keys = settings.FIELD_ENCRYPTION_KEYS["cn"]
    new_key = Fernet.generate_key().decode()
    keys = {**settings.FIELD_ENCRYPTION_KEYS, "cn": [new_key, *old_keys]}
    with override_settings(FIELD_ENCRYPTION_KEYS=keys):
        call_command("encryption_rotate", stdout=StringIO())
        after = raw("agencies_creator", "id_number", creator.pk)
        assert after != before and after.startswith(TOKEN_PREFIX)
        Fernet(new_key.encode()).decrypt(after.encode())  # under the new key
        # A second run changes nothing.
        out = StringIO()
        call_command("encryption_rotate", stdout=out)
        assert raw("agencies_creator", "id_number", creator.pk) == after
        assert "done, 0 of" in out.getvalue()
    # With only the new key the number still reads.
    with override_settings(FIELD_ENCRYPTION_KEYS={**keys, "cn": [new_key]}):
        assert Creator.objects.get(pk=creator.pk).id_number == ID_NUMBER


def test_rotation_encrypts_leftover_plaintext_and_refuses_an_unknown_key(settings):
    creator = creator_with_numbers()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE agencies_creator SET payout_account_number = %s WHERE id = %s",
            [ACCOUNT, creator.pk],
        )
    call_command("encryption_rotate", stdout=StringIO())
    assert raw("agencies_creator", "payout_account_number", creator.pk).startswith(TOKEN_PREFIX)
    assert Creator.objects.get(pk=creator.pk).payout_account_number == ACCOUNT

    stranger = {**settings.FIELD_ENCRYPTION_KEYS, "cn": [Fernet.generate_key().decode()]}
    with override_settings(FIELD_ENCRYPTION_KEYS=stranger):
        with pytest.raises(CommandError) as error:
            call_command("encryption_rotate", stdout=StringIO())
    message = str(error.value)
    assert "agencies_" in message and "not decryptable" in message
    assert ACCOUNT not in message and ID_NUMBER not in message


def test_buyer_id_hash_uses_its_own_key(settings):
    from commerce.checkout.identity import id_number_hash

    first = id_number_hash(number=ID_NUMBER)
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    assert id_number_hash(number=ID_NUMBER) == first
    settings.BUYER_ID_HASH_KEY = "another-buyer-hash-key"
    assert id_number_hash(number=ID_NUMBER) != first
