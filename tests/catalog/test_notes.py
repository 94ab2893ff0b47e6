from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import NoteFactory, note_linking, product_with_price

pytestmark = pytest.mark.django_db


def test_note_list_newest_first_and_paginated(client, rates):
    now = timezone.now()
    for n in range(25):
        NoteFactory(title=f"Note number {n:02d}", published_at=now - timedelta(hours=n))
    page1 = client.get(reverse("notes:list")).content.decode()
    assert page1.index("Note number 00") < page1.index("Note number 01")
    assert "Note number 19" in page1 and "Note number 20" not in page1
    page2 = client.get(reverse("notes:list"), {"page": 2}).content.decode()
    assert "Note number 20" in page2 and "Note number 24" in page2


@pytest.mark.parametrize("page", ["999", "abc", "-1"])
def test_note_list_bad_page_is_not_an_error(client, page):
    NoteFactory()
    assert client.get(reverse("notes:list"), {"page": page}).status_code == 200


def test_note_list_filters_by_language(client):
    NoteFactory(title="English note", language="en")
    NoteFactory(title="中文笔记", language="zh-hans")
    only_chinese = client.get(reverse("notes:list"), {"language": "zh-hans"}).content.decode()
    assert "中文笔记" in only_chinese and "English note" not in only_chinese
    unknown = client.get(reverse("notes:list"), {"language": "xx"}).content.decode()
    assert "中文笔记" in unknown and "English note" in unknown


def test_note_page_shows_products_in_order_with_prices(client, rates):
    first = product_with_price("10.00", title="Second in title order")
    second = product_with_price("20.00", title="A first in title order")
    note = note_linking([first, second], title="My note")
    client.cookies["currency"] = "CNY"
    html = client.get(note.get_absolute_url()).content.decode()
    assert html.index("Second in title order") < html.index("A first in title order")
    assert "CN¥10.00" in html and "CN¥20.00" in html
    assert f"{first.get_absolute_url()}?note={note.pk}" in html


def test_unknown_note_is_404(client):
    assert client.get(reverse("notes:detail", kwargs={"pk": 999999})).status_code == 404


def test_product_page_lists_notes_with_creator_and_flag(client, rates):
    product = product_with_price()
    note_linking([product], title="Loved it", creator__display_name="Emma", region="GB")
    html = client.get(product.get_absolute_url()).content.decode()
    # Issue #15: region flags are images (flag emoji do not render on Windows).
    assert "Loved it" in html and "Emma" in html and "/static/flags/gb.gif" in html


def test_unknown_product_is_404(client):
    assert client.get("/catalogue/anything_999999/").status_code == 404
