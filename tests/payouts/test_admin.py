import pytest
from oscar.apps.partner.strategy import Default
from oscar.core.loading import get_model
from oscar.test.factories import create_order

from commerce.order.signals import order_paid
from tests.factories import CreatorFactory, UserFactory, product_with_price

Basket = get_model("basket", "Basket")

pytestmark = pytest.mark.django_db


def paid_order_with_commission(product, creator):
    basket = Basket.objects.create()
    basket.strategy = Default()
    basket.add_product(product)
    basket.lines.update(attributed_creator=creator)
    order = create_order(basket=basket)
    order_paid.send(sender=type(order), order=order, amount=order.total_incl_tax, reference="pi")
    return order


def test_earnings_admin_lists_and_filters(client):
    client.force_login(UserFactory(username="boss", is_staff=True, is_superuser=True))
    paid_order_with_commission(product_with_price("100.00"), CreatorFactory())
    for query in (
        "",
        "?state__exact=pending",
        "?kind__exact=commission",
        "?channel__exact=personal",
    ):
        response = client.get(f"/admin/payouts/earning/{query}")
        assert response.status_code == 200
        assert "order-line:" in response.content.decode()
    assert client.get("/admin/payouts/earning/add/").status_code == 403
    assert client.get("/admin/payouts/earningintake/").status_code == 200


def test_merchant_sees_only_commission_on_their_own_orders(client):
    mine, theirs = product_with_price("100.00"), product_with_price("200.00")
    merchant = UserFactory(username="merchant", is_staff=True)
    mine.stockrecords.get().partner.users.add(merchant)
    ours = paid_order_with_commission(mine, CreatorFactory())
    other = paid_order_with_commission(theirs, CreatorFactory())
    client.force_login(merchant)
    response = client.get("/admin/payouts/merchantcommission/")
    assert response.status_code == 200
    listed = {e.order_line.order_id for e in response.context["cl"].result_list}
    assert listed == {ours.pk} and other.pk not in listed
    assert client.get("/admin/payouts/earning/").status_code == 403
