"""Issue #17: a regional store that is down. The pages that need that person's data answer
a clear 503 page (both languages, the site's layout) and nothing is written half; pages
that do not need it keep working. The US store's alias points at a closed port."""

import socket

import pytest
from django.contrib.auth import get_user_model
from django.db import connections
from django.urls import reverse
from oscar.core.loading import get_model

from agencies.encryption.stores import RegionalStoreUnavailable
from commerce.residency import selectors, services
from commerce.residency.models import HomeRegion, OrderResidency, PersonalRecord
from tests.commerce.checkout.conftest import basket_add, checkout_preview, place_order
from tests.factories import UserFactory

from .test_shopper_accounts import PASSWORD, sign_up

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)

Order = get_model("order", "Order")
StripePayment = get_model("order", "StripePayment")


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens once the socket is closed


@pytest.fixture
def us_store_down():
    connection = connections["region_us"]
    connection.close()
    saved = connection.settings_dict["HOST"], connection.settings_dict["PORT"]
    connection.settings_dict["HOST"], connection.settings_dict["PORT"] = "127.0.0.1", closed_port()
    yield
    connection.close()
    connection.settings_dict["HOST"], connection.settings_dict["PORT"] = saved


@pytest.fixture
def us_shopper():
    user = UserFactory(username="us-shopper", email="", first_name="", last_name="")
    user.set_password(PASSWORD)
    user.save()
    services.personal_data_put(user=user, data={"email": "kai@example.us"}, country="US")
    return user


def test_selectors_and_services_raise_one_error(us_shopper, us_store_down):
    with pytest.raises(RegionalStoreUnavailable) as error:
        selectors.personal_data_get(user=us_shopper)
    assert error.value.region == "us"
    with pytest.raises(RegionalStoreUnavailable):
        services.personal_data_put(user=us_shopper, data={"first_name": "Kai"})


def test_the_profile_page_is_a_clear_503_and_the_shop_keeps_working(
    client, us_shopper, us_store_down
):
    client.force_login(us_shopper)
    response = client.get(reverse("customer:profile-view"))
    assert response.status_code == 503
    html = response.content.decode()
    assert "Temporarily unavailable" in html and "Nothing was saved" in html
    assert 'class="navbar' in html or "<nav" in html  # the site's layout around it
    client.cookies["django_language"] = "zh-hans"
    html = client.get(reverse("customer:profile-view")).content.decode()
    assert "暂时无法访问" in html
    # Pages that need nobody's personal data work.
    assert client.get(reverse("catalogue:index")).status_code == 200
    assert client.get(reverse("basket:summary")).status_code == 200


def test_a_us_sign_up_writes_nothing_when_the_us_store_is_down(client, us_store_down):
    response = sign_up(client, email="new@example.us", country="US")
    assert response.status_code == 503
    assert (
        not get_user_model()
        .objects.filter(username__isnull=False)
        .exclude(is_superuser=True)
        .exists()
    )
    assert not HomeRegion.objects.exists()


def test_a_us_checkout_is_not_charged_and_writes_nothing(client, shop, us_store_down):
    basket_add(client, shop["cream"], currency="USD")
    checkout_preview(client, "US")
    response = place_order(client)
    assert response.status_code == 503
    assert not Order.objects.exists()
    assert not OrderResidency.objects.exists()
    assert not StripePayment.objects.exists()  # the card was never charged


def test_a_checkout_of_another_region_works_while_the_us_store_is_down(
    client, shop, us_store_down, django_capture_on_commit_callbacks
):
    basket_add(client, shop["cream"], currency="GBP")
    checkout_preview(client, "GB")  # a GB guest: the eu store, which is up
    with django_capture_on_commit_callbacks(execute=True):
        assert place_order(client).status_code == 302
    order = Order.objects.get()
    assert OrderResidency.objects.get(order=order).region == "eu"
    assert PersonalRecord.objects.using("region_eu").count() == 1
