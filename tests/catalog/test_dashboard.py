import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests.factories import PartnerFactory, StockRecordFactory, UserFactory

pytestmark = pytest.mark.django_db


def merchant_client(client, partner):
    user = UserFactory(is_staff=False)
    user.user_permissions.add(
        Permission.objects.get(codename="dashboard_access", content_type__app_label="partner")
    )
    partner.users.add(user)
    client.force_login(user)
    return client


def test_merchant_edits_cross_border_fields_of_own_product(client):
    own = PartnerFactory(code="tokyo")
    product = StockRecordFactory(partner=own).product
    merchant_client(client, own)
    url = reverse("dashboard:catalogue-product", kwargs={"pk": product.pk})
    html = client.get(url).content.decode()
    for field in ("origin_country", "hs_code", "customs_value", "weight_grams", "cbec_eligible"):
        assert f'name="{field}"' in html


def test_merchant_cannot_open_another_merchants_product(client):
    product = StockRecordFactory(partner=PartnerFactory(code="other")).product
    merchant_client(client, PartnerFactory(code="tokyo"))
    url = reverse("dashboard:catalogue-product", kwargs={"pk": product.pk})
    assert client.get(url).status_code == 404
