"""The dashboard's product table, with product types named in the reader's language."""

from oscar.apps.dashboard.catalogue.tables import ProductTable as CoreProductTable

from commerce.storefront.i18n import category_label


class ProductTable(CoreProductTable):
    def render_product_class(self, value) -> str:
        # The platform's product type ("Cross-border goods") is a gettext msgid; a type
        # a merchant named shows as written.
        return category_label(value.name)

    # django-tables2 reads Meta from the class itself, never a parent: without this the
    # table lost Oscar's template, classes, column order and default ordering.
    class Meta(CoreProductTable.Meta):
        pass
