"""README promise (What a shopper sees): search runs on the database, PostgreSQL full-text
plus trigram matching, and Chinese titles are found by any part; a search never matches
products that share nothing with the query (a search "matching every product" once
survived the whole suite, issue #18)."""

import pytest
from django.urls import reverse

from catalog.selectors import product_search
from tests.factories import product_with_price

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelf(postgresql):
    return {
        "earbuds": product_with_price(
            title="蓝牙耳机无线降噪", description="Wireless earbuds with noise cancelling"
        ),
        "cup": product_with_price(title="不锈钢保温杯", description="A vacuum flask for tea"),
        "tea": product_with_price(title="Oolong tea gift box", description="铁观音 from Fujian"),
        "lamp": product_with_price(title="Desk lamp", description="Warm light for reading"),
    }


def titles(query: str) -> set[str]:
    return {product.title for product in product_search(query=query)}


@pytest.mark.parametrize("part", ["蓝牙", "耳机", "无线降噪", "降噪", "蓝牙耳机无线降噪"])
def test_a_chinese_title_is_found_by_any_part_of_it(shelf, part):
    # Chinese has no spaces between words: the full-text parser sees one token, so the
    # parts are found by the substring/trigram matching, and only that product matches.
    assert titles(part) == {"蓝牙耳机无线降噪"}


def test_a_chinese_word_in_a_description_is_found(shelf):
    assert titles("铁观音") == {"Oolong tea gift box"}


def test_english_words_match_title_and_description_case_insensitively(shelf):
    assert titles("TEA") == {"Oolong tea gift box", "不锈钢保温杯"}
    assert titles("earbuds") == {"蓝牙耳机无线降噪"}
    assert titles("lamp") == {"Desk lamp"}


@pytest.mark.parametrize("query", ["手机", "bicycle", "zzqx", "杯子壶"])
def test_a_query_sharing_nothing_with_any_product_finds_nothing(shelf, query):
    assert titles(query) == set()


@pytest.mark.parametrize("query", ["", "   "])
def test_an_empty_query_finds_nothing_rather_than_everything(shelf, query):
    assert titles(query) == set()


def test_a_title_match_ranks_above_a_description_match(shelf):
    # "tea" is in the gift box's title (weight A) and only in the flask's description (B).
    ranked = [product.title for product in product_search(query="tea")]
    assert ranked == ["Oolong tea gift box", "不锈钢保温杯"]


def test_the_search_page_lists_only_the_matches_and_counts_them(client, shelf, rates):
    response = client.get(reverse("search:search"), {"q": "耳机"})
    assert response.status_code == 200
    assert [product.title for product in response.context["products"]] == ["蓝牙耳机无线降噪"]
    assert response.context["paginator"].count == 1
    html = response.content.decode()
    assert "蓝牙耳机无线降噪" in html
    assert "不锈钢保温杯" not in html and "Desk lamp" not in html
