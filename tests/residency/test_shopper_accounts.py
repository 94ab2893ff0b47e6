"""Issue #17, shopper side: sign-up, sign-in, password reset and the profile of an overseas
(US) shopper through the real URLs -- their email and names only in the US store -- and of
a global-region (CN) shopper, unchanged."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from agencies.encryption.crypto import keyed_hash
from commerce.residency import selectors
from commerce.residency.models import HomeRegion, PersonalRecord

pytestmark = pytest.mark.django_db(databases="__all__")

US_EMAIL = "dakota.whitfield@example.us"
PASSWORD = "a-long-enough-password-1"


def sign_up(client, *, email, country):
    return client.post(
        reverse("customer:register"),
        {
            "email": email,
            "password1": PASSWORD,
            "password2": PASSWORD,
            "country": country,
            "redirect_url": "",
        },
    )


def test_a_us_shopper_signs_up_and_their_email_lives_only_in_the_us_store(client):
    response = sign_up(client, email=US_EMAIL, country="US")
    assert response.status_code == 302
    user = get_user_model().objects.get(home_region__region="us")
    assert (user.email, user.first_name, user.last_name) == ("", "", "")
    home = HomeRegion.objects.get(user=user)
    assert home.email_hash == keyed_hash(value=US_EMAIL, purpose="email")
    record = PersonalRecord.objects.using("region_us").get(token=home.token)
    assert record.payload["email"] == US_EMAIL
    assert not PersonalRecord.objects.using("default").filter(token=home.token).exists()
    # Signed in straight after sign-up; the welcome email reached the real address.
    assert client.get(reverse("customer:profile-view")).status_code == 200
    assert [m.to for m in mail.outbox] == [[US_EMAIL]]
    call_command("residency_audit")  # raises CommandError (exit 1) on a finding


def test_the_same_email_cannot_sign_up_twice_across_regions(client):
    sign_up(client, email=US_EMAIL, country="US")
    client.logout()
    response = sign_up(client, email=US_EMAIL.upper(), country="CN")
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert get_user_model().objects.count() == 1


def test_a_us_shopper_signs_in_by_email_and_sees_their_profile(client):
    sign_up(client, email=US_EMAIL, country="US")
    client.logout()
    response = client.post(
        reverse("customer:login"),
        {"login-username": US_EMAIL.upper(), "login-password": PASSWORD, "login_submit": "1"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(reverse("customer:profile-view")).content.decode()
    assert US_EMAIL in page
    # Names written through the profile form go to the region, not auth_user.
    response = client.post(
        reverse("customer:profile-update"),
        {"first_name": "Dakota", "last_name": "Whitfield", "email": US_EMAIL},
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(home_region__region="us")
    assert (user.first_name, user.last_name, user.email) == ("", "", "")
    assert selectors.personal_data_get(user=user)["last_name"] == "Whitfield"
    assert "Whitfield" in client.get(reverse("customer:profile-view")).content.decode()
    call_command("residency_audit")


def test_a_wrong_password_does_not_sign_a_us_shopper_in(client):
    sign_up(client, email=US_EMAIL, country="US")
    client.logout()
    response = client.post(
        reverse("customer:login"),
        {"login-username": US_EMAIL, "login-password": "wrong", "login_submit": "1"},
    )
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated


def test_a_us_shopper_resets_their_password_by_email(client):
    sign_up(client, email=US_EMAIL, country="US")
    client.logout()
    mail.outbox.clear()
    response = client.post(reverse("password-reset"), {"email": US_EMAIL})
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[US_EMAIL]]
    link = re.search(r"/password-reset/confirm/[^/]+/[^/\s]+/", mail.outbox[0].body).group(0)
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "another-long-pass-2", "new_password2": "another-long-pass-2"}
    )
    assert response.status_code == 302
    assert client.login(username=US_EMAIL, password="another-long-pass-2")


def test_a_cn_shopper_keeps_oscars_behaviour(client):
    response = sign_up(client, email="li.wei@example.cn", country="CN")
    assert response.status_code == 302
    user = get_user_model().objects.get(email="li.wei@example.cn")
    assert HomeRegion.objects.get(user=user).region == "cn"
    client.logout()
    assert client.login(username="li.wei@example.cn", password=PASSWORD)
    assert "li.wei@example.cn" in client.get(reverse("customer:profile-view")).content.decode()


def test_the_sign_up_country_defaults_to_the_ship_to_country(client):
    client.cookies["ship_to"] = "US"
    page = client.get(reverse("customer:register")).content.decode()
    assert re.search(r'<option value="US" selected>', page)
