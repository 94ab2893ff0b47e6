import oscar.apps.dashboard.orders.apps as apps
from django.urls import path
from oscar.core.loading import get_class


class OrdersDashboardConfig(apps.OrdersDashboardConfig):
    name = "commerce.dashboard.orders"

    def configure_permissions(self):
        super().configure_permissions()
        # The customs document: staff and merchants (who see only their own consignments).
        self.permissions_map["order-consignment-customs"] = self.permissions_map["order-detail"]

    def ready(self):
        self.customs_view = get_class("dashboard.orders.views", "ConsignmentCustomsView")
        super().ready()

    def get_urls(self):
        urls = super().get_urls()
        urls += self.post_process_urls(
            [
                path(
                    "<str:number>/consignments/<int:pk>/customs.pdf",
                    self.customs_view.as_view(),
                    name="order-consignment-customs",
                ),
            ]
        )
        return urls
