"""Oscar's product create/update view, with the product type named in the reader's language."""

from django.utils.translation import gettext as _
from oscar.apps.dashboard.catalogue.views import (
    ProductCreateUpdateView as CoreProductCreateUpdateView,
)

from commerce.storefront.i18n import category_label


class ProductCreateUpdateView(CoreProductCreateUpdateView):
    def get_page_title(self):
        if self.creating and self.parent is None:
            # Oscar's msgid, with the platform's product type translated.
            return _("Create new %(product_class)s product") % {
                "product_class": category_label(self.product_class.name)
            }
        return super().get_page_title()
