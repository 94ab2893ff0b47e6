"""A cached product card is per language: a card first rendered for an English reader is
never served to a Chinese one (README: cards are cached per currency and language)."""

import pytest
from django.urls import reverse

from tests.factories import product_with_price

pytestmark = pytest.mark.django_db


def test_cached_card_is_rendered_again_in_the_readers_language(client, rates):
    product_with_price("100.00", title="Tea set")
    client.cookies["currency"] = "CNY"
    english = client.get(reverse("catalogue:index")).content.decode()
    # Babel's CNY symbol in en is CN¥, in zh_Hans plain ¥ (platform notes).
    assert "CN¥100.00" in english and "In stock" in english
    client.cookies["django_language"] = "zh-hans"
    chinese = client.get(reverse("catalogue:index"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = chinese.content.decode()
    # The price and availability are in the cached part of the card.
    assert "¥100.00" in html and "CN¥100.00" not in html
    assert "In stock" not in html
