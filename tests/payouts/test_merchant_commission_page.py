import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests.factories import PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db


def partner_user(partner):
    user = UserFactory(is_staff=False)
    user.user_permissions.add(
        Permission.objects.get(codename="dashboard_access", content_type__app_label="partner")
    )
    partner.users.add(user)
    return user


def test_merchant_opens_commission_page_from_dashboard(client):
    client.force_login(partner_user(PartnerFactory(code="tokyo")))
    dashboard = client.get(reverse("dashboard:index")).content.decode()
    assert reverse("merchant-commission") in dashboard
    response = client.get(reverse("merchant-commission"))
    assert response.status_code == 200
    assert "No commission on your orders yet." in response.content.decode()


def test_shopper_cannot_open_commission_page(client):
    client.force_login(UserFactory())
    assert client.get(reverse("merchant-commission")).status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("merchant-commission"))
    assert response.status_code == 302
