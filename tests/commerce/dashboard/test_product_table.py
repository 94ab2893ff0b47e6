"""The dashboard's product table (commerce.dashboard.catalogue.tables): Oscar's table, with
the platform's product types named in the reader's language."""

import lxml.html
import pytest

from tests.factories import ProductClassFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "label"), [("en", "Cross-border goods"), ("zh-hans", "跨境商品")]
)
def test_the_product_table_is_oscars_with_the_type_in_the_readers_language(
    admin_client, language, label
):
    goods = ProductClassFactory(name="Cross-border goods")
    ProductFactory(title="Older cream", product_class=goods)
    own = ProductClassFactory(name="My own type", slug="my-own-type")
    ProductFactory(title="Newer bag", product_class=own)
    response = admin_client.get("/dashboard/catalogue/", HTTP_ACCEPT_LANGUAGE=language)
    table = lxml.html.fromstring(response.content).xpath("//table")[0]
    # Oscar's table: its classes, its caption, and its default order (newest first).
    assert "table-striped" in table.get("class")
    assert table.xpath("caption")
    rows = [[td.text_content().strip() for td in tr.xpath("td")] for tr in table.xpath("tbody/tr")]
    titles = [next(cell for cell in row if cell in ("Older cream", "Newer bag")) for row in rows]
    assert titles == ["Newer bag", "Older cream"]
    assert label in rows[1] and "My own type" in rows[0]
