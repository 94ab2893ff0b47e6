"""The dashboard's product table, with product types named in the reader's language."""

from oscar.apps.dashboard.catalogue.tables import ProductTable as CoreProductTable

from commerce.storefront.i18n import category_label


class ProductTable(CoreProductTable):
    def render_product_class(self, value) -> str:
        # The platform's product type ("Cross-border goods") is a gettext msgid; a type
        # a merchant named shows as written.
        return category_label(value.name)
