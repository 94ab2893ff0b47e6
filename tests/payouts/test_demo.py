import pytest
from django.core.management import call_command

from agencies.models import Agency, Contract, Creator
from commerce.demo.services import demo_data_load
from payouts.models import Earning

pytestmark = pytest.mark.django_db


def test_demo_has_agencies_contracts_and_overseas_creators_and_is_idempotent():
    demo_data_load(products=10, notes=5, creators=22)
    assert set(Agency.objects.values_list("country", "payout_rail")) == {
        ("CN", "bank_file"),
        ("HK", "stripe_connect"),
    }
    assert set(Contract.objects.values_list("kind", flat=True)) == {"employment", "service"}
    overseas = Creator.objects.exclude(country="CN")
    assert overseas.filter(verification_state="verified").exists()
    assert overseas.exclude(verification_state="verified").exists()
    before = (Agency.objects.count(), Contract.objects.count())
    demo_data_load(products=10, notes=5, creators=22)
    assert (Agency.objects.count(), Contract.objects.count()) == before


def test_demo_rewards_posts_signed_events_through_the_api(capsys, settings):
    settings.REWARDS_SIGNING_SECRETS = ["demo-secret"]
    demo_data_load(products=10, notes=5, creators=22)
    call_command("demo_rewards")
    out = capsys.readouterr().out
    assert "201  gift of 500 coins to lily-shanghai" in out
    assert "422  tip of USD 5.00 to mia-nyc" in out
    assert "200  replay" in out and "409  same event id" in out
    assert Earning.objects.filter(kind="gift", coins=500).exists()
    assert Earning.objects.count() == 4 + 30
