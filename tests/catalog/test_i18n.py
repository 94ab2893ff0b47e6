import pytest
from django.urls import reverse

from tests.factories import note_linking, product_with_price

pytestmark = pytest.mark.django_db


def test_pages_in_simplified_chinese(client, rates):
    product = product_with_price("100.00", "CNY")
    note = note_linking([product], creator__display_name="小美")
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    notes_html = client.get(reverse("notes:list")).content.decode()
    # Issue #15: the notes list became the image feed (language chips, no filter form;
    # the creator's name beside the avatar instead of "by ...").
    assert "推荐" in notes_html and "发布笔记" in notes_html and "热门话题" not in notes_html
    note_html = client.get(note.get_absolute_url()).content.decode()
    assert "笔记中的商品" in note_html and "小美" in note_html
    product_html = client.get(product.get_absolute_url()).content.decode()
    assert "关于这件商品的笔记" in product_html
    assert "¥100.00" in product_html  # CNY by default in Chinese, zh_Hans symbol


def test_unknown_language_falls_back_to_english(client):
    client.cookies["django_language"] = "xx"
    html = client.get(reverse("notes:list")).content.decode()
    assert "For you" in html  # issue #15: the feed's language chips replaced the filter
