import oscar.apps.customer.apps as apps
from django.contrib.auth.decorators import login_required
from django.urls import path
from oscar.core.loading import get_class


class CustomerConfig(apps.CustomerConfig):
    """Oscar's customer app; forms, views and dispatcher overridden for issue #17, and an
    overseas shopper's saved addresses (kept in their region) edited one by one."""

    name = "commerce.customer"

    def ready(self):
        super().ready()
        self.regional_address_update_view = get_class("customer.views", "RegionalAddressUpdateView")
        self.regional_address_delete_view = get_class("customer.views", "RegionalAddressDeleteView")

    def get_urls(self):
        regional = "addresses/regional/<int:index>/<slug:fingerprint>/"
        urls = [
            path(
                regional,
                login_required(self.regional_address_update_view.as_view()),
                name="address-regional-edit",
            ),
            path(
                regional + "delete/",
                login_required(self.regional_address_delete_view.as_view()),
                name="address-regional-delete",
            ),
        ]
        return super().get_urls() + self.post_process_urls(urls)
