"""Issue #17, items 1, 2 and 5: regional stores, the router, the service and the audit."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections

from commerce.residency import selectors, services
from commerce.residency.crypto import TOKEN_PREFIX
from commerce.residency.models import HomeRegion, PersonalRecord, RegionMove
from commerce.residency.regions import region_database, region_for_country
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(databases="__all__")
ROOT = Path(__file__).resolve().parents[2]

US_DATA = {
    "first_name": "Dakota",
    "last_name": "Whitfield",
    "email": "dakota.whitfield@example.us",
    "phone": "+12125550199",
    "addresses": [{"line1": "350 Fifth Avenue", "city": "New York", "postcode": "10118"}],
}


def us_user():
    # Signed up with no personal value in the global row: only the regional store has them.
    user = UserFactory(username="u-us-1", email="", first_name="", last_name="")
    services.personal_data_put(user=user, data=US_DATA, country="US")
    return user


def test_the_test_run_has_two_regional_postgresql_stores():
    for alias in ("region_us", "region_eu"):
        assert connections[alias].vendor == "postgresql"
        assert (
            connections[alias].settings_dict["NAME"] != connections["default"].settings_dict["NAME"]
        )


def test_home_region_from_the_sign_up_country():
    assert region_for_country(country="US") == "us"
    assert region_for_country(country="GB") == "eu"
    assert region_for_country(country="CN") == "cn"
    assert region_for_country(country="") == "cn"


def test_a_us_users_personal_data_lands_in_the_us_database_encrypted_not_in_default():
    user = us_user()
    home = HomeRegion.objects.get(user=user)
    assert home.region == "us"
    assert PersonalRecord.objects.using("region_us").filter(token=home.token).exists()
    assert not PersonalRecord.objects.using("default").filter(token=home.token).exists()
    assert not PersonalRecord.objects.using("region_eu").filter(token=home.token).exists()
    with connections["region_us"].cursor() as cursor:
        cursor.execute("SELECT payload FROM residency_personalrecord")
        [(stored,)] = cursor.fetchall()
    assert stored.startswith(TOKEN_PREFIX) and "Whitfield" not in stored
    assert selectors.personal_data_get(user=user) == US_DATA
    # Idempotent: the same write again changes nothing and adds nothing.
    services.personal_data_put(user=user, data=US_DATA)
    assert PersonalRecord.objects.using("region_us").count() == 1
    # Sign-in look-up by keyed hash, without the email in the global database.
    assert selectors.user_by_email(email="Dakota.Whitfield@example.us") == user
    assert "whitfield" not in home.email_hash


def test_many_users_are_read_with_one_query_per_store(django_assert_max_num_queries):
    users = [us_user()]
    for n in range(3):
        user = UserFactory(username=f"eu-{n}", email="", first_name="", last_name="")
        services.personal_data_put(user=user, data={"last_name": f"Name{n}"}, country="DE")
        users.append(user)
    users.append(UserFactory(username="cn-1", first_name="Wei"))
    with django_assert_max_num_queries(3):  # home regions + us store + eu store
        found = selectors.personal_data_get_many(users=users)
    assert found[users[0].pk]["last_name"] == "Whitfield"
    assert found[users[3].pk] == {"last_name": "Name2"}
    assert found[users[4].pk]["first_name"] == "Wei"


def test_a_staff_move_copies_the_record_and_is_recorded():
    user = us_user()
    staff = UserFactory(username="staff-1", is_staff=True)
    services.home_region_move(user=user, region="eu", moved_by=staff, reason="moved to Berlin")
    home = HomeRegion.objects.get(user=user)
    assert home.region == "eu"
    assert PersonalRecord.objects.using("region_eu").filter(token=home.token).exists()
    assert not PersonalRecord.objects.using("region_us").filter(token=home.token).exists()
    move = RegionMove.objects.get(home=home)
    assert (move.from_region, move.to_region, move.moved_by) == ("us", "eu", staff)
    assert selectors.personal_data_get(user=user)["last_name"] == "Whitfield"


def test_the_router_keeps_other_models_in_default():
    assert region_database(region="us") == "region_us"
    with connections["region_us"].cursor() as cursor:
        tables = connections["region_us"].introspection.table_names(cursor)
    assert "residency_personalrecord" in tables
    assert "auth_user" not in tables and "residency_homeregion" not in tables


def test_audit_passes_when_the_global_database_holds_no_overseas_value():
    us_user()
    out = StringIO()
    call_command("residency_audit", stdout=out)
    assert "clean" in out.getvalue()


def test_audit_fails_naming_table_and_column_never_the_value():
    user = us_user()
    user.last_name = "Whitfield"  # a reader that still copies into the global row
    user.save()
    with pytest.raises(CommandError) as error:
        call_command("residency_audit", stdout=StringIO())
    message = str(error.value)
    assert "auth_user.last_name" in message
    assert "Whitfield" not in message


def manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_start_up_refuses_a_region_without_a_database_with_one_line():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_URL_")}
    env["RESIDENCY_REGIONS"] = "cn,us"
    env["DJANGO_SETTINGS_MODULE"] = "commerce.settings"
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Refusing to start: region 'us' is in RESIDENCY_REGIONS but has no database; set "
        "DATABASE_URL_US (see README, Personal data and regions)."
    ]


def test_production_refuses_a_missing_encryption_or_hash_key():
    result = manage(
        "check", DJANGO_SETTINGS_MODULE="commerce.settings", FIELD_ENCRYPTION_KEYS_US=""
    )
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert "region 'us' has no encryption key; set FIELD_ENCRYPTION_KEYS_US" in line
    result = manage("check", DJANGO_SETTINGS_MODULE="commerce.settings", BUYER_ID_HASH_KEY="")
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert "BUYER_ID_HASH_KEY is not" in line
